#!/usr/bin/env bash
# Set up PhotoTriage (first run) and run the test suite (GUI tests offscreen), less the slow
# end-to-end tests: `./test.sh -m slow` runs those (CI runs both: .ci/run).
set -uo pipefail
cd "$(dirname "$0")"
source packaging/setup_env.sh || exit 1
export QT_QPA_PLATFORM=offscreen
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # this checkout's code, whichever venv runs it
.venv/bin/python -m pytest -q "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests for: $*" >&2
  exit 0
fi
exit "$rc"
