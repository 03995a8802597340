"""Issue 31 in the window: an exposure bracket shows in the cull view as one set, kept whole
(no suggested best, nothing suggested for rejection), and Shift+P / Shift+X decide all its
frames as one action that one undo takes back."""
from PIL import Image
from PySide6.QtCore import Qt

from app.core.features.compute import FeaturePipeline
from app.core.indexer import index_library
from app.core.jobs import drive
from benchmarks.sets_quality import save
from tests.helpers import sample
from tests.ui.set_library import T, open_indexed, write_bracket, write_burst


def _culling(qtbot, tmp_path, write):
    """(window, cull view, its set) on a library of the one set ``write`` makes."""
    root = tmp_path / "lib"
    write(root)
    window = open_indexed(qtbot, tmp_path, root)
    window.tabs.setCurrentWidget(window.cull)
    return window, window.cull, window.cull.burst


def test_a_bracket_is_culled_as_one_set(qtbot, isolated_settings, tmp_path):
    window, cull, burst = _culling(qtbot, tmp_path, write_bracket)
    assert burst.kind == "bracket" and burst.best is None and burst.suggested is None
    assert cull.header.text().startswith("Exposure bracket 1 of 1")
    assert "Kept whole" in cull.reasons.text() and "Suggested best" not in cull.reasons.text()
    assert not any("suggested" in cull.strip.item(i).text() for i in range(cull.strip.count()))
    window.grab().save(str(tmp_path / "cull_bracket.png"))

    cat = window.session.catalog
    qtbot.keyClick(cull, Qt.Key_X, Qt.ShiftModifier)
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [-1, -1, -1]
    qtbot.keyClick(cull, Qt.Key_Z, Qt.ControlModifier)          # one action: one undo brings all three back
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [0, 0, 0]
    qtbot.keyClick(cull, Qt.Key_P, Qt.ShiftModifier)
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [1, 1, 1]
    assert all(not cat.decisions.state(p).best for p in burst.photo_ids)
    qtbot.keyClick(cull, Qt.Key_B)                              # a trial: B made a bracket frame "best"
    assert all(not cat.decisions.state(p).best for p in burst.photo_ids)
    assert "has no best frame" in cull.reasons.text()
    from app.cli import main

    assert main(["pick", burst.paths[0], "--best", "--db", str(tmp_path / "catalog.db")]) == 1
    assert all(not cat.decisions.state(p).best for p in burst.photo_ids)
    window.close()


def test_shift_x_does_not_reject_a_whole_burst(qtbot, isolated_settings, tmp_path):
    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    assert burst.kind == "burst" and burst.best is not None
    qtbot.keyClick(cull, Qt.Key_X, Qt.ShiftModifier)
    cat = window.session.catalog
    assert [cat.decisions.state(p).pick for p in burst.photo_ids] == [0] * len(burst.photo_ids)
    assert "decide each frame" in cull.reasons.text()
    window.close()


def test_a_frame_gone_since_the_index_is_shown_so_and_not_suggested(qtbot, isolated_settings, tmp_path):
    import os

    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    gone = burst.best
    os.remove(burst.paths[burst.photo_ids.index(gone)])
    cull.reload()
    qtbot.waitUntil(lambda: cull.burst is not burst and cull.settled, timeout=60_000)
    b = cull.burst
    assert b.best not in (None, gone) and b.problems == {gone: "missing"}
    row = b.photo_ids.index(gone)
    assert cull.strip.item(row).text().startswith(f"{os.path.basename(b.paths[row])}  (missing)")
    cull.frame_index = row
    cull._show_frame()
    assert "Suggested best" in cull.reasons.text() and cull.reasons.text().endswith("this frame is missing")
    window.grab().save(str(tmp_path / "cull_missing.png"))
    for path in b.paths:                    # fewer than two frames left: no suggestion, and it says why
        if os.path.exists(path) and path != b.paths[b.photo_ids.index(b.best)]:
            os.remove(path)
    cull.reload()
    qtbot.waitUntil(lambda: cull.burst is not b and cull.settled, timeout=60_000)
    assert cull.burst.best is None and cull.reasons.text().startswith("No suggestion: fewer than two frames")
    window.close()


def test_your_best_is_not_given_the_suggestions_reasons(qtbot, isolated_settings, tmp_path):
    import os

    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    other = next(p for p in burst.photo_ids if p != burst.best)
    cull.frame_index = burst.photo_ids.index(other)
    cull._show_frame()
    qtbot.keyClick(cull, Qt.Key_B)                       # the user's best
    cull.reload()
    qtbot.waitUntil(lambda: cull.burst is not burst and cull.settled, timeout=60_000)
    name = lambda pid: os.path.basename(burst.paths[burst.photo_ids.index(pid)])  # noqa: E731
    assert cull.burst.confirmed and cull.burst.best == other
    assert cull.reasons.text().startswith(f"Your best: {name(other)}; suggested {name(burst.suggested)} (")
    window.grab().save(str(tmp_path / "cull_your_best.png"))
    window.close()


def test_bursts_show_at_once_and_are_refined_at_native_pixels_after(qtbot, isolated_settings, tmp_path):
    """The first ranking of a big library compares the leading frames at native pixels (about
    as long as indexing them): the cull view shows the ranking on stored measures first, then
    the refined one, keeping the burst and frame in view; an answer of an older reload, or the
    quick one after the refined one, never replaces what is shown."""
    from app.core.jobs import drive
    from app.core.triage import ranked_bursts

    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    assert cull.settled and cull.refined is None
    refined = drive(ranked_bursts(window.session.catalog))
    quick = drive(ranked_bursts(window.session.catalog, relative=False))
    assert [b.id for b in quick] == [b.id for b in refined]
    assert [b.order for b in cull.bursts] == [b.order for b in refined]
    cull.frame_index = 3
    gen = cull._generation
    cull._loaded(quick, gen, refined=False)                  # the quick answer after the refined one
    assert cull.bursts is not quick and cull.frame_index == 3
    cull._loaded(quick, gen - 1, refined=True)                # an older reload's
    assert cull.bursts is not quick
    cull._generation += 1                                     # a reload: quick first, then refined
    cull._refining = object()
    cull._loaded(quick, cull._generation, refined=False)
    assert cull.bursts is quick and not cull.settled and cull.frame_index == 3      # the same burst stays in view
    cull._said_at = 0.0                                       # (the header is said at most twice a second)
    cull._refine_progress([type("P", (), {"done": 0, "total": 1})()], cull._generation)
    assert "refining suggestions at 100 % zoom: 0 of 1 bursts" in cull.header.text()
    window.grab().save(str(tmp_path / "cull_refining.png"))
    cull._loaded(refined, cull._generation, refined=True)
    assert cull.bursts is refined and cull.settled and "refining" not in cull.header.text()
    window.close()


def test_a_best_marked_here_or_elsewhere_shows_at_once(qtbot, isolated_settings, tmp_path):
    """A trial: after B in the window, or `pick --best` from the command line, the cull view
    kept saying "Suggested best" for the ranker's frame until it was reloaded."""
    import os

    from app.core.culling import burst_of, decide

    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    name = lambda pid: os.path.basename(burst.paths[burst.photo_ids.index(pid)])  # noqa: E731
    suggested = burst.best
    others = [p for p in burst.photo_ids if p != suggested]
    cull.frame_index = burst.photo_ids.index(others[0])
    cull._show_frame()
    cull.record("best", 1)                                         # B
    assert cull.burst.best == others[0] and cull.burst.confirmed
    assert cull.reasons.text().startswith(f"Your best: {name(others[0])}; suggested {name(suggested)}")
    row = cull.burst.photo_ids.index(suggested)
    assert "suggested" in cull.strip.item(row).text()             # the ranker's frame keeps its mark
    from app.core.catalog import Catalog

    with Catalog(window.session.catalog.path) as cli:             # `phototriage pick --best` meanwhile
        decide(cli, others[1], "best", 1, burst=burst_of(cli, others[1]))
    window.cull.refresh_marks()                                   # (what the window does when decisions change)
    assert cull.burst.best == others[1] and name(others[1]) in cull.reasons.text()
    cull.undo()                                                   # the latest action is not the window's: kept
    assert cull.burst.best == others[1]
    window.close()


def test_rejecting_the_suggestion_ranks_the_burst_again_without_it(qtbot, isolated_settings, tmp_path):
    """A review: X on the suggested frame left it marked as the suggestion until a reload."""
    window, cull, burst = _culling(qtbot, tmp_path, write_burst)
    rejected = burst.suggested
    cull.frame_index = burst.photo_ids.index(rejected)
    cull._show_frame()
    cull.record("pick", -1)                                      # X
    qtbot.waitUntil(lambda: cull.burst.suggested not in (None, rejected) and cull.settled, timeout=60_000)
    assert cull.burst.photo_ids[cull.frame_index] == rejected    # the same frame in view
    assert "Suggested best" in cull.reasons.text() and rejected not in cull.burst.scores
    window.close()


def _write_burst_of(name: str, t0: float):
    def write(root):
        for i, frame in enumerate(sorted(sample(f"bursts/{name}").glob("*.jpg"))):
            save(Image.open(frame), root / name / frame.name, t0 + 0.4 * i, (1 / 250, 4.0, 200))
    return write


def test_every_bursts_rejected_suggestion_is_ranked_again_and_a_rescan_keeps_the_frame(qtbot, isolated_settings,
                                                                                        tmp_path):
    """A trial: from the second burst on, a rejected suggestion stayed "suggested" (one re-rank per
    reload); and a rescan that found earlier photos kept the burst's number, not the burst, so
    the next X rejected a frame of another burst."""
    from app.core.catalog import Catalog

    root = tmp_path / "lib"
    _write_burst_of("hamilton-burst01_t1s", T + 200)(root)
    _write_burst_of("vtest-burst01_t3s", T + 400)(root)
    window = open_indexed(qtbot, tmp_path, root, bursts=2)
    cull = window.cull
    for n in range(2):
        cull.burst_index, cull.frame_index = n, 0
        cull._show_burst()
        rejected = cull.burst.suggested
        cull.frame_index = cull.burst.photo_ids.index(rejected)
        cull._show_frame()
        cull.record("pick", -1)                                  # X on the suggestion
        qtbot.waitUntil(lambda: cull.burst.suggested not in (None, rejected) and cull.settled, timeout=60_000)
        assert cull.burst.photo_ids[cull.frame_index] == rejected, n
    cull.burst_index, cull.frame_index = 0, 0
    cull._show_burst()
    cull.undo()                                                  # the reject made in the second burst
    assert cull.burst_index == 1 and cull.current_photo() == rejected     # shown where it was taken back
    here = cull.current_photo()
    _write_burst_of("tree-burst01_frame60", T)(root)                 # a second card, shot earlier
    with Catalog(tmp_path / "catalog.db") as cat:
        drive(index_library(cat, str(root), features=FeaturePipeline(), workers=1))
    cull.reload()
    qtbot.waitUntil(lambda: len(cull.bursts) == 3 and cull.settled, timeout=60_000)
    assert cull.current_photo() == here and cull.burst_index == 2   # the same frame, its burst now third
    window.close()
