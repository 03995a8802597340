"""A frame is suggested as its burst's best only on measures of the file that is there: a frame
whose file is gone or was edited since the last index, or that has no analysis yet, is left out
of the ranking and said to be, by the CLI too (it named a deleted or truncated file best
without a word)."""
import json
import os
import shutil
import subprocess
import sys

from app.core.jobs import drive
from tests.helpers import indexed_catalog, sample

BURST = "bursts/tree-burst01_frame60"


def _library(tmp_path):
    root = tmp_path / "lib"
    shutil.copytree(sample(BURST), root / "burst")
    return root


def _views(cat):
    from app.core.triage import ranked_bursts

    views = drive(ranked_bursts(cat))
    assert len(views) == 1, views
    return views[0]


def test_a_gone_or_edited_frame_is_never_suggested(tmp_path):
    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        first = _views(cat)
        assert first.best is not None and not first.problems
        gone = first.paths[first.photo_ids.index(first.best)]
        os.rename(gone, tmp_path / "away.jpg")
        second = _views(cat)
        assert second.problems == {first.best: "missing"}
        assert second.best not in (None, first.best) and first.best not in second.order
        edited = second.paths[second.photo_ids.index(second.best)]
        data = open(edited, "rb").read()
        with open(edited, "wb") as f:                 # truncated by a copy that broke off
            f.write(data[: len(data) // 3])
        third = _views(cat)
        assert third.problems == {first.best: "missing", second.best: "changed since indexed"}
        assert third.best not in (first.best, second.best) and set(third.scores) == set(third.order)
        assert len(third.order) == len(first.order) - 2
        os.rename(tmp_path / "away.jpg", gone)        # back as it was: ranked again
        assert _views(cat).problems == {second.best: "changed since indexed"}


def test_a_burst_whose_files_are_all_away_is_ranked_on_its_stored_measures(tmp_path):
    """A library on a drive that is not plugged in: every frame gone, the suggestion stands
    (from what the index measured) and every frame is flagged."""
    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        before = _views(cat)
        shutil.move(str(root), str(tmp_path / "unplugged"))
        away = _views(cat)
        assert away.best == before.best and away.order == before.order
        assert away.problems == dict.fromkeys(before.photo_ids, "missing")


def test_rankable_frames():
    from app.core.triage import rankable_frames

    gone, changed, bare = "missing", "changed since indexed", "not analysed yet"
    assert rankable_frames([1, 2, 3], {}) == [1, 2, 3]
    assert rankable_frames([1, 2, 3], {2: gone}) == [1, 3]
    assert rankable_frames([1, 2, 3], {2: gone, 3: changed}) == []                 # one frame left: no suggestion
    assert rankable_frames([1, 2, 3], {1: gone, 2: gone, 3: changed}) == [1, 2, 3]  # all away: stored measures
    assert rankable_frames([1, 2, 3], {1: gone, 2: bare, 3: changed}) == [1, 3]     # never one not analysed
    assert rankable_frames([1, 2], {1: bare}) == []


def test_fewer_than_two_frames_left_give_no_suggestion_but_keep_the_users_best(tmp_path):
    from app.core.culling import burst_of, decide

    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        view = _views(cat)
        keep = view.photo_ids[0]
        for pid, path in zip(view.photo_ids[1:], view.paths[1:]):
            os.remove(path)
        left = _views(cat)
        assert left.best is None and left.suggested is None and not left.scores
        assert set(left.problems) == set(view.photo_ids[1:])
        decide(cat, view.photo_ids[-1], "best", 1, burst=burst_of(cat, view.photo_ids[-1]))
        mine = _views(cat)               # the user's decision stands, gone file or not; it is shown as gone
        assert mine.best == view.photo_ids[-1] and mine.confirmed and mine.suggested is None
        assert keep not in mine.problems


def test_a_frame_without_analysis_is_left_out_and_bursts_still_answers(tmp_path):
    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        view = _views(cat)
        bare = view.photo_ids[1]
        with cat.conn:
            cat.conn.execute("UPDATE features SET detail_native = NULL WHERE photo_id = ?", (bare,))
        after = _views(cat)
        assert after.problems == {bare: "not analysed yet"} and after.best != bare and bare not in after.scores
        db = str(cat.path)
    r = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db, "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    bare_path = view.paths[view.photo_ids.index(bare)]
    assert doc[0]["problems"] == {bare_path: "not analysed yet"} and doc[0]["best"] != bare_path
    assert "1 frame not analysed yet: not suggested as best while another frame of its burst can be; run `phototriage index`" in r.stderr
    text = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db],
                          capture_output=True, text=True, timeout=300)
    assert f"{bare_path}  (not analysed yet)" in text.stdout


def test_the_ranker_names_the_file_it_cannot_rank(tmp_path):
    import pytest

    from app.core.learning import load_current_ranker
    from app.core.models import ModelUnavailable

    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        view = _views(cat)
        with cat.conn:
            cat.conn.execute("DELETE FROM features WHERE photo_id = ?", (view.photo_ids[0],))
        ranker = load_current_ranker(cat)
        assert ranker.lacking(cat, view.photo_ids) == {view.photo_ids[0]}
        # (a ranker reading embeddings also needs each frame's vector: found without reading them)
        model = cat.conn.execute("SELECT model FROM embeddings LIMIT 1").fetchone()[0]
        with cat.conn:
            cat.conn.execute("DELETE FROM embeddings WHERE photo_id = ?", (view.photo_ids[1],))
        assert cat.features.vector_ids(model, view.photo_ids).tolist() == sorted(set(view.photo_ids) - {view.photo_ids[1]})
        assert cat.features.vector_ids(model, []).tolist() == []
        with pytest.raises(ModelUnavailable, match=os.path.basename(view.paths[0])):
            ranker.features(cat, view.photo_ids)


def test_a_running_index_is_seen_without_being_stopped(tmp_path):
    from app.core.catalog.lock import WriterLock

    db = tmp_path / "catalog.db"
    probe = WriterLock(db)
    assert not probe.held_elsewhere()                  # never taken: no lock file yet
    holder = WriterLock(db)
    assert holder.try_acquire()
    assert probe.held_elsewhere()
    assert not holder.held_elsewhere()                 # its own lock is not another's
    assert not probe.try_acquire()
    holder.release()
    assert not probe.held_elsewhere()
    assert probe.try_acquire()                         # the probe left nothing behind
    probe.release()


def test_bursts_says_an_index_is_running(tmp_path):
    from app.core.catalog.lock import WriterLock

    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        db = str(cat.path)
    lock = WriterLock(db)
    assert lock.try_acquire()
    try:
        r = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db, "--no-rank"],
                           capture_output=True, text=True, timeout=300)
    finally:
        lock.release()
    assert r.returncode == 0, r.stderr
    assert f"another process (pid {os.getpid()}) is indexing in this library: the photos it has not" in r.stderr
    quiet = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db, "--no-rank"],
                           capture_output=True, text=True, timeout=300)
    assert "is indexing" not in quiet.stderr


def test_the_index_line_counts_updated_files():
    from app.cli_output import FORMATTERS

    line = FORMATTERS["index"]({"root": "/p", "indexed": 1, "updated": 2, "unchanged": 3, "moved": 0, "skipped": 0,
                                "missing": 0, "cancelled": False, "seconds": 1.0, "skipped_files": [],
                                "missing_files": [], "catalog": "/c"})[0]
    assert "1 indexed, 2 updated, 3 unchanged" in line


def test_the_users_best_is_not_given_the_reasons_of_the_suggestion(tmp_path):
    """The ranker's reasons are for its own choice: with the user's best on another frame,
    `bursts` says whose best it is, and gives the reasons with the frame they are for."""
    from app.core.culling import burst_of, decide

    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        view = _views(cat)
        assert view.reasons, "the real burst's suggestion comes with a reason"
        other = view.order[-1]
        decide(cat, other, "best", 1, burst=burst_of(cat, other))
        db = str(cat.path)
    path_of = dict(zip(view.photo_ids, view.paths))
    doc = json.loads(subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db, "--json"],
                                    capture_output=True, text=True, timeout=300, check=True).stdout)[0]
    assert doc["best"] == path_of[other] and doc["best_is_users"] and doc["reasons"] == []
    assert doc["suggested"] == path_of[view.best] and doc["suggested_reasons"] == view.reasons
    text = subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db],
                          capture_output=True, text=True, timeout=300, check=True).stdout.splitlines()[0]
    assert f"your best {path_of[other]}; suggested {path_of[view.best]} ({', '.join(view.reasons)})" in text


def test_a_frame_the_user_rejected_is_never_the_suggestion(tmp_path):
    """A trial: the rejected suggested best stayed "best" in `bursts` and the window."""
    from app.core.culling import decide

    root = _library(tmp_path)
    with indexed_catalog(tmp_path, root) as cat:
        first = _views(cat)
        decide(cat, first.best, "pick", -1)
        after = _views(cat)
        assert after.best not in (None, first.best) and first.best not in after.scores
        for pid in after.photo_ids:
            if pid != after.best:
                decide(cat, pid, "pick", -1)
        assert _views(cat).best is None                    # one frame not rejected: nothing to choose between
        db = str(cat.path)
    doc = json.loads(subprocess.run([sys.executable, "-m", "app.cli", "bursts", "--db", db, "--json"],
                                    capture_output=True, text=True, timeout=300, check=True).stdout)[0]
    assert doc["best"] is None and doc["reasons"] == [] and doc["scores"] == {} and doc["best_is_users"] is False
