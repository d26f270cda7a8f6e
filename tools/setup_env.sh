#!/usr/bin/env bash
# Create the project's virtual environment with the pinned OpenMMLab stack.
#
#   bash tools/setup_env.sh            # creates ./.venv (or $SSL4DP_VENV) and installs everything
#
# The one slow step is mmcv 2.0.1 with its C++ ops (~17 min on 2 cores): it is built once and the
# wheel is kept in $SSL4DP_WHEEL_CACHE (default ~/.cache/ssl4dp_mm/wheels/torch-<version>), so a
# second set-up on the same machine reuses it and takes a minute or two (mostly installing torch).
# See ../shared/STACK.md (or docs in README.md) for why each pin is what it is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3.11}"
VENV="${SSL4DP_VENV:-$ROOT/.venv}"
TORCH_VERSION="2.14.1"
TORCHVISION_VERSION="0.29.1"
MMCV_VERSION="2.0.1"
CACHE="${SSL4DP_WHEEL_CACHE:-$HOME/.cache/ssl4dp_mm/wheels}/torch-$TORCH_VERSION"

log() { printf '\n[setup_env] %s\n' "$*"; }
die() { printf '\n[setup_env] ERROR: %s\n' "$*" >&2; exit 1; }

command -v "$PY" >/dev/null 2>&1 || die "$PY not found. Set PYTHON=/path/to/python3.11 (the stack is verified on Python 3.11)."

if [ ! -x "$VENV/bin/python" ]; then
  log "creating virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip)
"${PIP[@]}" install -q --upgrade pip

log "build tools and NumPy 1 (mmcv 2.0.1 breaks under NumPy 2)"
"${PIP[@]}" install -q "setuptools>=77,<81" wheel ninja "numpy<2"

log "torch $TORCH_VERSION / torchvision $TORCHVISION_VERSION"
"${PIP[@]}" install -q "torch==$TORCH_VERSION" "torchvision==$TORCHVISION_VERSION"
have_torch=$("$VENV/bin/python" -c 'import torch; print(torch.__version__.split("+")[0])')
if [ "$have_torch" != "$TORCH_VERSION" ]; then
  die "torch $have_torch is installed in $VENV, but the mmcv ops are built and verified against torch $TORCH_VERSION.
  Either install torch==$TORCH_VERSION (pip install torch==$TORCH_VERSION torchvision==$TORCHVISION_VERSION),
  or install an mmcv $MMCV_VERSION wheel built for your torch from OpenMMLab's index
  (pip install mmcv==$MMCV_VERSION -f https://download.openmmlab.com/mmcv/dist/<cuda>/<torch>/index.html)
  and then re-run this script with SSL4DP_SKIP_MMCV=1."
fi

mmcv_ok() { "$VENV/bin/python" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" >/dev/null 2>&1; }

if [ "${SSL4DP_SKIP_MMCV:-0}" = "1" ]; then
  log "SSL4DP_SKIP_MMCV=1: using the mmcv already installed"
  mmcv_ok || die "SSL4DP_SKIP_MMCV=1 but 'import mmcv.ops' fails or mmcv is not $MMCV_VERSION in $VENV."
elif mmcv_ok; then
  log "mmcv $MMCV_VERSION with ops already installed"
else
  mkdir -p "$CACHE"
  wheel=$(ls "$CACHE"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$wheel" ]; then
    log "building mmcv $MMCV_VERSION with ops against torch $TORCH_VERSION (once; ~17 min on 2 cores)"
    MAX_JOBS="${MAX_JOBS:-$(nproc)}" bash "$ROOT/tools/build_mmcv.sh" "$VENV/bin/python" "$CACHE"
    wheel=$(ls "$CACHE"/mmcv-"$MMCV_VERSION"-*.whl | head -n 1)
    log "cached $wheel"
  else
    log "reusing cached mmcv wheel $wheel"
  fi
  "${PIP[@]}" install -q --no-deps "$wheel"
  "${PIP[@]}" install -q addict yapf packaging pyyaml regex termcolor "opencv-python<4.13"
fi

log "OpenMMLab stack and project requirements"
"${PIP[@]}" install -q "mmengine==0.10.7" "mmsegmentation==1.2.2" "mmselfsup==1.0.0" "mmcls==1.0.0rc6" \
  "numpy<2" "opencv-python<4.13" "pandas<2.3" -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt"
# openmim without opendatalab/openxlab: those pin setuptools~=60.2, which torch 2.14 and mmcv's build cannot use.
"${PIP[@]}" install -q --no-deps "openmim==0.3.9"
"${PIP[@]}" install -q click colorama model-index requests rich tabulate "pandas<2.3" "numpy<2"
"${PIP[@]}" install -q --no-deps --no-build-isolation -e "$ROOT"

"$VENV/bin/python" - <<'EOF'
import mmcv, mmcv.ops, mmengine, mmseg, mmselfsup, torch, numpy
import ssl4dp_mm  # registers everything
print(f'[setup_env] ok: torch {torch.__version__}, mmcv {mmcv.__version__} (ops), mmengine {mmengine.__version__}, '
      f'mmseg {mmseg.__version__}, mmselfsup {mmselfsup.__version__}, numpy {numpy.__version__}')
EOF
log "done. Activate with: source $VENV/bin/activate"
