#!/usr/bin/env bash
# Set up PhotoTriage (first run) and index FOLDER (default: the bundled demo library);
# then open the window when a display is available.
set -euo pipefail
cd "$(dirname "$0")"
source packaging/setup_env.sh
folder="${1:-resources/demo}"
.venv/bin/phototriage index "$folder"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/phototriage-gui "$folder"
else
  echo "No display found: indexed only. Open the window later with: .venv/bin/phototriage-gui \"$folder\"" >&2
fi
