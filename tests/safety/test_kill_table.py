"""kill -9 (a real SIGKILL, placed at a file operation or a catalog commit) in the commands that
move files or decisions, then the command again: nothing lost or doubled, decisions kept,
``check`` clean. CI tries every 5th step of each command; ``python -m tests.safety.kill_table``
tries them all (the closing note's table)."""
from __future__ import annotations

import shutil
from pathlib import Path

from tests.safety import kill_table


def test_kills_at_sampled_steps_lose_nothing(tmp_path):
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    rows = kill_table.table(every=5, out=Out())
    assert {r["command"] for r in rows} == set(kill_table.COMMANDS)
    assert all(r["steps"] >= 5 and r["tries"] >= 1 for r in rows), rows
    assert [r for r in rows if r["failures"]] == [], rows


def test_the_checker_sees_a_doubled_and_a_lost_picture(tmp_path):
    lib, before = kill_table.make_base(tmp_path / "lib-root")
    assert kill_table.problems(lib, before, "export --picks X") == []
    photo = sorted(lib.lib.rglob("*.jpg"))[0]
    (lib.trash() / "files").mkdir(parents=True)
    shutil.copy2(photo, lib.trash() / "files" / photo.name)          # in two places
    other = sorted(lib.lib.rglob("*.jpg"))[1]
    other.unlink()                                                      # in none
    found = kill_table.problems(lib, before, "export --picks X")
    assert sum("2 places" in p for p in found) == 1 and sum("0 places" in p for p in found) == 1, found
    Path(f"{sorted(lib.lib.rglob('*.jpg'))[2]}.xmp").unlink()
    assert any("no sidecar beside" in p for p in kill_table.problems(lib, before, "export --picks X"))
