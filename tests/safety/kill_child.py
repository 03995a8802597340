"""Run a ``phototriage`` command that SIGKILLs itself at its n-th step: a file operation
(link, unlink, rename, replace) or a catalog COMMIT, just before the step happens. No Python
clean-up runs: the state on disk is what a kill -9 at that instant leaves.

    python -m tests.safety.kill_child N COMMAND ARGS...     (N = 0: run whole, print the step count)
"""
from __future__ import annotations

import os
import signal
import sys

STEPS = ("link", "unlink", "rename", "replace")


def main() -> int:
    nth = int(sys.argv[1])
    seen = [0]

    def step() -> None:
        seen[0] += 1
        if seen[0] == nth:
            os.kill(os.getpid(), signal.SIGKILL)

    for name in STEPS:
        real = getattr(os, name)

        def wrapped(*a, _real=real, **k):
            step()
            return _real(*a, **k)

        setattr(os, name, wrapped)
    from app.core.catalog import connection

    real_execute = connection.CatalogConnection.execute

    def execute(self, sql, *a, **k):
        if sql.strip().upper().startswith("COMMIT"):
            step()
        return real_execute(self, sql, *a, **k)

    connection.CatalogConnection.execute = execute
    from app.cli import main as cli_main

    code = cli_main(sys.argv[2:])
    if nth == 0:
        print(f"steps={seen[0]}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
