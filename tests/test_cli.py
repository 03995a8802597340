import json
import os
import subprocess
import sys

from tests.helpers import REPO, sample


def cli(*args, env_extra=None):
    env = {**os.environ, "PYTHONPATH": str(REPO), **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True)


def test_index_json_is_one_document_with_counts(tmp_path):
    db = tmp_path / "c.db"
    r = cli("index", str(sample("bursts/vtest-burst01_t3s")), "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["indexed"] == 5 and doc["skipped"] == 0 and doc["missing"] == 0
    assert os.path.isabs(doc["root"]) and doc["catalog"] == str(db)
    r2 = cli("index", str(sample("bursts/vtest-burst01_t3s")), "--db", str(db), "--json")
    assert json.loads(r2.stdout)["unchanged"] == 5


def test_human_output_and_default_catalog_location(tmp_path):
    r = cli("index", str(sample("bursts/ocv-basketball")), env_extra={"XDG_DATA_HOME": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    assert "2 indexed" in r.stdout
    assert list(tmp_path.glob("phototriage/libraries/ocv-basketball-*/catalog.db"))


def test_bad_usage_exits_2_and_failure_exits_1_with_one_line(tmp_path):
    assert cli("index").returncode == 2
    assert cli("no-such-command").returncode == 2
    r = cli("index", str(tmp_path / "nope"), "--db", str(tmp_path / "c.db"), "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout) == {"error": f"not a folder: {tmp_path / 'nope'}"}
    assert len(r.stderr.strip().splitlines()) == 1


def test_newer_catalog_is_refused_with_a_clear_message(tmp_path):
    import sqlite3

    db = tmp_path / "c.db"
    sqlite3.connect(db).execute("PRAGMA user_version = 999")
    r = cli("index", str(sample("bursts/ocv-basketball")), "--db", str(db))
    assert r.returncode == 1 and "upgrade PhotoTriage" in r.stderr


def _readme_demo_lines() -> list[str]:
    """The command lines of every ``<!-- cli-demo -->`` block of the README and the docs pages."""
    lines = []
    for page in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for block in page.read_text().split("<!-- cli-demo -->")[1:]:
            block = block.split("<!-- /cli-demo -->", 1)[0]
            lines += [line.strip() for line in block.splitlines() if line.strip().startswith(".venv/bin/phototriage")]
    return lines


def test_every_readme_command_line_runs_as_written_on_the_demo_library(tmp_path):
    """The demo lines of the README and the docs (docs/cli.md), verbatim (``.venv/bin/phototriage`` is this interpreter's
    ``-m app.cli``), from the repository root, in a fresh data folder: commands after `index`
    find the library without --db, print lines for people (not JSON) and exit 0."""
    import shlex

    lines = _readme_demo_lines()
    assert len(lines) >= 8 and lines[0].startswith(".venv/bin/phototriage index ")
    env = {"XDG_DATA_HOME": str(tmp_path / "data")}
    for line in lines:
        args = shlex.split(line)[1:]
        r = cli(*args, env_extra=env)
        assert r.returncode == 0, (line, r.stderr)
        assert r.stdout.strip(), line
        assert not r.stdout.lstrip().startswith(("{", "[")), (line, r.stdout[:200])
        assert "Loaded pretrained weights" not in r.stdout
        if args[0] not in ("index", "models", "--version"):
            assert "phototriage: library " in r.stderr and "resources/demo" in r.stderr, (line, r.stderr)


def test_without_a_library_a_command_says_how_to_get_one_and_exits_2(tmp_path):
    r = cli("bursts", env_extra={"XDG_DATA_HOME": str(tmp_path / "empty")})
    assert r.returncode == 2 and "phototriage index FOLDER" in r.stderr
    r = cli("bursts", "--db", str(tmp_path))
    assert r.returncode == 2 and "not a folder" in r.stderr


def test_human_output_speaks_plainly():
    from app.cli_output import human_lines

    dup = human_lines("duplicates", [{"kind": "near", "photos": ["/a.jpg", "/b.jpg"], "keeper": "/a.jpg"}])
    assert dup == ["near duplicates (2 photos), keep /a.jpg", "  * /a.jpg", "    /b.jpg"]
    assert human_lines("faces", [{"person": "person-1", "faces": [{"path": "/x.jpg", "box": [1, 2, 3, 4]}]}])[0] \
        == "person-1: 1 face"
    hits = human_lines("search", [{"path": "/p.jpg", "similarity": 0.31, "box": [1, 2, 3, 4], "same_person": False}])
    assert "a different person" in hits[1]
    assert human_lines("pick", {"path": "/p.jpg", "pick": -1, "best": False, "rating": None}) == ["/p.jpg: rejected"]
