#!/usr/bin/env bash
# Create the project's virtual environment with the pinned OpenMMLab stack.
#
#   bash tools/setup_env.sh            # creates ./.venv (or $SSL4DP_VENV) and installs everything
#
# Which torch (environment variables; the default needs none of them):
#   SSL4DP_TORCH        unset: torch 2.14.1 + torchvision 0.29.1 from the package index (a CUDA 13.0
#                       build: its GPU needs an NVIDIA driver >= 580; it runs on the CPU anywhere).
#                       "torch==2.6.0 torchvision==0.21.0" (any pip requirements): that torch.
#                       Without a torchvision requirement, pip picks the one that matches the torch.
#                       keep: the torch already importable in the venv: a venv made with
#                       --system-site-packages, or PYTHON=a python that has torch (a cluster module,
#                       a container's; the venv is then created with --system-site-packages).
#                       torchvision is added if missing.
#   SSL4DP_TORCH_INDEX  an index URL that torch and torchvision come from (a CUDA or CPU variant),
#                       e.g. https://download.pytorch.org/whl/cu126 (for CUDA 12.x drivers) or
#                       https://download.pytorch.org/whl/cpu.
#   SSL4DP_ALLOW_CPU=1  continue where nvidia-smi shows a GPU that torch cannot use (the set-up
#                       stops there otherwise, naming the driver's and the wheel's CUDA versions).
# Supported: torch 2.6 (the first whose torch.serialization.add_safe_globals takes the
# (callable, 'module.name') pairs that ssl4dp_mm.compat registers for weights_only loading) to 2.15
# (the newest verified); Python 3.11 (3.12 verified too).
#
# Other settings:
#   PYTHON              the interpreter a new venv is made from (default python3.11)
#   SSL4DP_VENV         the venv folder (default ./.venv)
#   SSL4DP_WHEEL_CACHE  where built mmcv wheels are kept (default ~/.cache/ssl4dp_mm/wheels)
#   SSL4DP_SKIP_MMCV=1  use the mmcv 2.0.1 (with ops) that is installed already
#
# The one slow step is mmcv 2.0.1 with its C++ ops (~17 min on 2 cores): it is built once per torch
# version, CUDA build and Python (a folder such as torch-2.14.1-cu130-cp311 in the wheel cache), so
# a second set-up on the same machine reuses it and takes a minute or two (mostly installing torch).
# See ../shared/STACK.md (or docs in README.md) for why each pin is what it is.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3.11}"
VENV="${SSL4DP_VENV:-$ROOT/.venv}"
TORCH_DEFAULT="torch==2.14.1 torchvision==0.29.1"
TORCH_MIN="2.6"       # see "Supported" above
TORCH_VERIFIED="2.15"  # the newest torch the set-up and the tests were run with
MMCV_VERSION="2.0.1"
TORCH_SPEC="${SSL4DP_TORCH:-$TORCH_DEFAULT}"
WHEELS="${SSL4DP_WHEEL_CACHE:-$HOME/.cache/ssl4dp_mm/wheels}"

log() { printf '\n[setup_env] %s\n' "$*"; }
die() { printf '\n[setup_env] ERROR: %s\n' "$*" >&2; exit 1; }

command -v "$PY" >/dev/null 2>&1 || die "$PY not found. Set PYTHON=/path/to/python3.11 (the stack is verified on Python 3.11 and 3.12)."

if [ ! -x "$VENV/bin/python" ]; then
  if [ "$TORCH_SPEC" = keep ]; then
    log "creating virtual environment $VENV (--system-site-packages: keep uses $PY's torch)"
    "$PY" -m venv --system-site-packages "$VENV"
  else
    log "creating virtual environment $VENV"
    "$PY" -m venv "$VENV"
  fi
fi
VPY="$VENV/bin/python"
PIP=("$VPY" -m pip)
if [ "$TORCH_SPEC" = keep ]; then
  "$VPY" -c 'import torch' 2>/dev/null || die "SSL4DP_TORCH=keep, but $VPY cannot import torch.
  Make the venv see it: PYTHON=/path/to/a/python/with/torch for a new venv (created with
  --system-site-packages), or recreate $VENV with python -m venv --system-site-packages."
fi
"${PIP[@]}" install -q --upgrade pip

log "build tools and NumPy 1 (mmcv 2.0.1 breaks under NumPy 2)"
"${PIP[@]}" install -q "setuptools>=77,<81" wheel ninja "numpy<2"

INDEX=()
[ -n "${SSL4DP_TORCH_INDEX:-}" ] && INDEX=(--index-url "$SSL4DP_TORCH_INDEX")
pip_hint="(pip's own constraints can cap torch too: see 'pip config list')"
if [ "$TORCH_SPEC" = keep ]; then
  kept=$("$VPY" -c 'import torch; print(torch.__version__, "at", torch.__file__)')
  log "SSL4DP_TORCH=keep: torch $kept"
  if ! "$VPY" -c 'import torchvision' 2>/dev/null; then
    pin=$(mktemp)
    "$VPY" -c 'from importlib.metadata import version; print("torch==" + version("torch"))' >"$pin"
    log "torchvision for the kept $(cat "$pin")"
    "${PIP[@]}" install -q ${INDEX[@]+"${INDEX[@]}"} -c "$pin" torchvision \
      || die "no torchvision matches the kept $(cat "$pin"); install one beside it and re-run
  $pip_hint."
    rm -f "$pin"
  fi
else
  read -r -a torch_reqs <<<"$TORCH_SPEC"
  case " ${torch_reqs[*],,} " in *" torchvision"*) ;; *) torch_reqs+=(torchvision) ;; esac
  log "${torch_reqs[*]}${SSL4DP_TORCH_INDEX:+ from $SSL4DP_TORCH_INDEX}"
  "${PIP[@]}" install -q ${INDEX[@]+"${INDEX[@]}"} "${torch_reqs[@]}" \
    || die "pip could not install '${torch_reqs[*]}' $pip_hint."
fi

# What the rest is built for; every later pip call keeps exactly this torch and torchvision.
torch_info=$("$VPY" - "$TORCH_MIN" <<'EOF'
import re, sys
import torch
version = torch.__version__.split('+')[0]
if torch.version.cuda:
    build = 'cu' + torch.version.cuda.replace('.', '')
elif getattr(torch.version, 'hip', None):
    build = 'rocm' + torch.version.hip.split('-')[0]
else:
    build = 'cpu'
tag = f'cp{sys.version_info[0]}{sys.version_info[1]}'
at_least = tuple(map(int, re.match(r'(\d+)\.(\d+)', version).groups())) >= \
    tuple(map(int, sys.argv[1].split('.')))
print(version, f'torch-{version}-{build}-{tag}', int(at_least))
EOF
) || die "torch does not import in $VENV (the lines above say why)."
read -r TORCH_VERSION TORCH_KEY TORCH_OK <<<"$torch_info"
[ "$TORCH_OK" = 1 ] || die "torch $TORCH_VERSION is older than $TORCH_MIN. ssl4dp_mm loads
  checkpoints with weights_only=True and registers (callable, 'module.name') pairs with
  torch.serialization.add_safe_globals, which torch $TORCH_MIN introduced. Choose a newer one,
  e.g. SSL4DP_TORCH=\"torch==2.6.0 torchvision==0.21.0\"."
newest=$(printf '%s\n' "$TORCH_VERIFIED" "$TORCH_VERSION" | sort -V | tail -n 1)
if [ "$newest" = "$TORCH_VERSION" ] && [ "${TORCH_VERSION%.*}" != "$TORCH_VERIFIED" ]; then
  log "note: torch $TORCH_VERSION is newer than $TORCH_VERIFIED, the newest verified with ssl4dp_mm"
fi
PIN="$VENV/ssl4dp-torch-pin.txt"
"$VPY" - >"$PIN" <<'EOF'
from importlib.metadata import PackageNotFoundError, version
for name in ('torch', 'torchvision'):
    try:
        print(f'{name}=={version(name)}')
    except PackageNotFoundError:
        pass
EOF
"$VPY" -c 'import torchvision' 2>/dev/null || die "torchvision does not import beside torch
  $TORCH_VERSION:
  $("$VPY" -c 'import torchvision' 2>&1 | tail -n 1)
  Name a matching pair: SSL4DP_TORCH=\"torch==X torchvision==Y\" (and the same SSL4DP_TORCH_INDEX)."

log "checking that torch can use this machine's GPU, if it has one"
"$VPY" "$ROOT/tools/check_gpu_visible.py" || exit 1

mmcv_ok() { "$VPY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" >/dev/null 2>&1; }
MMCV_MARK="$VENV/ssl4dp-mmcv-built-for"  # the wheel-cache key of the mmcv installed in this venv

if [ "${SSL4DP_SKIP_MMCV:-0}" = "1" ]; then
  log "SSL4DP_SKIP_MMCV=1: using the mmcv already installed"
  mmcv_ok || die "SSL4DP_SKIP_MMCV=1 but 'import mmcv.ops' fails or mmcv is not $MMCV_VERSION in $VENV."
elif mmcv_ok && { [ ! -f "$MMCV_MARK" ] || [ "$(cat "$MMCV_MARK")" = "$TORCH_KEY" ]; }; then
  log "mmcv $MMCV_VERSION with ops already installed"
  echo "$TORCH_KEY" >"$MMCV_MARK"
else
  CACHE="$WHEELS/$TORCH_KEY"
  PYTAG="${TORCH_KEY##*-}"
  mkdir -p "$CACHE"
  wheel=$(ls "$CACHE"/mmcv-"$MMCV_VERSION"-"$PYTAG"-*.whl 2>/dev/null | head -n 1 || true)
  legacy=$(ls "$WHEELS/torch-$TORCH_VERSION"/mmcv-"$MMCV_VERSION"-"$PYTAG"-*.whl 2>/dev/null \
    | head -n 1 || true)
  if [ -z "$wheel" ] && [ -n "$legacy" ]; then
    # A wheel from the cache's earlier layout (keyed by torch version only). Its ops are CPU-only,
    # so it fits every CUDA build of that torch version; the Python tag is checked above.
    cp "$legacy" "$CACHE/"
    wheel="$CACHE/$(basename "$legacy")"
    log "took the cached wheel $legacy into $CACHE"
  fi
  if [ -z "$wheel" ]; then
    log "building mmcv $MMCV_VERSION with ops for $TORCH_KEY (once per key; ~17 min on 2 cores)"
    MAX_JOBS="${MAX_JOBS:-$(nproc)}" bash "$ROOT/tools/build_mmcv.sh" "$VPY" "$CACHE"
    wheel=$(ls "$CACHE"/mmcv-"$MMCV_VERSION"-"$PYTAG"-*.whl | head -n 1)
    log "cached $wheel"
  else
    log "reusing cached mmcv wheel $wheel"
  fi
  "${PIP[@]}" install -q --no-deps --force-reinstall "$wheel"
  "${PIP[@]}" install -q -c "$PIN" addict yapf packaging pyyaml regex termcolor "opencv-python<4.13"
  MMCV_WHEEL="$wheel"  # checked below, once mmengine (which mmcv.ops imports) is installed
fi

log "OpenMMLab stack and project requirements"
"${PIP[@]}" install -q -c "$PIN" "mmengine==0.10.7" "mmsegmentation==1.2.2" "mmselfsup==1.0.0" "mmcls==1.0.0rc6" \
  "numpy<2" "opencv-python<4.13" "pandas<2.3" -r "$ROOT/requirements/runtime.txt" -r "$ROOT/requirements/tests.txt"
# openmim without opendatalab/openxlab: those pin setuptools~=60.2, which torch 2.14 and mmcv's build cannot use.
"${PIP[@]}" install -q --no-deps "openmim==0.3.9"
"${PIP[@]}" install -q -c "$PIN" click colorama model-index requests rich tabulate "pandas<2.3" "numpy<2"
"${PIP[@]}" install -q --no-deps --no-build-isolation -e "$ROOT"
if [ -n "${MMCV_WHEEL:-}" ]; then
  mmcv_ok || die "the mmcv wheel $MMCV_WHEEL does not import against torch $TORCH_VERSION:
  $("$VPY" -c 'import mmcv.ops' 2>&1 | tail -n 1)
  Delete it and re-run to build a fresh one."
  echo "$TORCH_KEY" >"$MMCV_MARK"
fi

"$VPY" - <<'EOF'
import mmcv, mmcv.ops, mmengine, mmseg, mmselfsup, torch, torchvision, numpy
from mmengine.device import get_device
import ssl4dp_mm  # registers everything
print(f'[setup_env] ok: torch {torch.__version__}, torchvision {torchvision.__version__}, '
      f'mmcv {mmcv.__version__} (ops), mmengine {mmengine.__version__}, mmseg {mmseg.__version__}, '
      f'mmselfsup {mmselfsup.__version__}, numpy {numpy.__version__}')
device = get_device()
gpus = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] \
    if device == 'cuda' else []
print(f'[setup_env] training will use: {device}' + (f' ({", ".join(gpus)})' if gpus else ''))
EOF
log "done. Activate with: source $VENV/bin/activate"
