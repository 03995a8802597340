#!/usr/bin/env bash
# Build the one-folder, CPU-only PhotoTriage application from a clean checkout:
#
#     bash packaging/bundle/build.sh [DIST]        # -> DIST/PhotoTriage/PhotoTriage (default DIST: dist/)
#
# A separate venv (.venv-bundle, or BUNDLE_VENV) gets PyTorch's CPU-only build (from PyTorch's CPU
# wheel index, or the wheel TORCH_CPU_WHEEL names, or a +cpu wheel in pip's find-links folders),
# the run-time requirements (requirements.txt) and PyInstaller. The build refuses a CUDA build of
# torch: the bundle is for any x86_64 Linux desktop, on the CPU.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${BUNDLE_VENV:-$root/.venv-bundle}"
dist="$(mkdir -p "${1:-$root/dist}" && cd "${1:-$root/dist}" && pwd)"
py="${PYTHON:-python3.11}"
start=$(date +%s)
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
pip=("$venv/bin/python" -m pip)
"${pip[@]}" install --quiet --upgrade pip >&2 || true
cpu() { "$venv/bin/python" -c 'import sys, torch; sys.exit(torch.version.cuda is not None)' 2>/dev/null; }
if ! cpu; then
  if [ -n "${TORCH_CPU_WHEEL:-}" ]; then
    "${pip[@]}" install --quiet "$TORCH_CPU_WHEEL"
  elif ! "${pip[@]}" --isolated install --quiet --timeout 20 --retries 1 "torch>=2.13,<=2.14.1" \
        --index-url "${PHOTOTRIAGE_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"; then
    wheel=""
    for dir in ${PIP_FIND_LINKS:-} $(pip config get global.find-links 2>/dev/null || true) /opt/wheels; do
      cand=$(ls "$dir"/torch-*+cpu-cp3*-linux_x86_64.whl "$dir"/torch-*+cpu-cp3*-manylinux*_x86_64.whl 2>/dev/null \
             | sort -V | tail -1 || true)
      [ -n "$cand" ] && wheel="$cand" && break
    done
    [ -n "$wheel" ] || { echo "no CPU-only PyTorch wheel: set TORCH_CPU_WHEEL" >&2; exit 1; }
    "${pip[@]}" install --quiet "$wheel"
  fi
fi
cpu || { echo "the bundle venv has a CUDA build of torch: remove $venv and set TORCH_CPU_WHEEL" >&2; exit 1; }
"${pip[@]}" install --quiet -r "$root/packaging/bundle/requirements.txt"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath "$dist" --workpath "$root/build/bundle" \
  "$root/packaging/bundle/phototriage.spec"
echo "built $dist/PhotoTriage in $(( $(date +%s) - start )) s: $(du -sh "$dist/PhotoTriage" | cut -f1)" \
     "($("$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'))" >&2
