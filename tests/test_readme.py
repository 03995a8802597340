"""The README's first screen: what PhotoTriage does, the cull view, then exactly the two
commands, the first of which runs here as written (the second is what CI runs: .ci/run)."""
import os
import re
import subprocess

from tests.helpers import REPO

README = (REPO / "README.md").read_text()


def test_the_first_commands_are_run_and_test():
    first = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first.splitlines()]
    assert commands == ["./run.sh [FOLDER]", "./test.sh"]
    assert README.index("docs/screenshots/cull.png") < README.index("./run.sh")
    assert (REPO / "docs" / "screenshots" / "cull.png").is_file()


def test_run_sh_without_a_display_indexes_the_demo_library(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    out = subprocess.run(["./run.sh"], cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "No display found: indexed only" in out.stderr
    assert list((tmp_path / "data").glob("phototriage/libraries/demo-*/catalog.db"))
