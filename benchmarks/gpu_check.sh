#!/usr/bin/env bash
# The GPU path in one command: on a CUDA machine with its own torch (and possibly no package
# index), install what is missing and measure the ResNet-50 reference configs at 224 px, batch 32
# and 64, fp32 and AMP: images/s and peak memory into benchmarks/results/speed_r50_cuda.md.
#
#   bash benchmarks/gpu_check.sh --download   # on a machine with pip access: wheels into .whl/
#   bash benchmarks/gpu_check.sh              # on the GPU machine, from the repository root
#
# What it does there:
#  1. installs the pure-Python OpenMMLab packages (mmengine 0.10.7, mmsegmentation 1.2.2,
#     mmselfsup 1.0.0, mmcls 1.0.0rc6 and their small needs) with --no-deps into $SSL4DP_SITE,
#     from .whl/ if it is there (offline), else from the index; the machine's own torch, NumPy,
#     OpenCV, SciPy, scikit-image/-learn are used as they are (NumPy 2 is handled by
#     ssl4dp_mm.compat);
#  2. builds mmcv 2.0.1 with its CPU ops against that torch (tools/build_mmcv.sh; a few minutes on
#     16 cores; reused from $SSL4DP_SITE/../mmcv-wheel on a second run): MMSegmentation imports
#     mmcv.ops at start-up, and the heads used here need no mmcv op on the GPU;
#  3. runs benchmarks/speed.py --device cuda on MMSelfSup's MoCo v2 and DenseCL and our PLMoCo
#     w/o and w/dec, MoCo w/dec and DetCon-S, all on the plain-stem ResNet-50-d8 of the reference
#     VOC configs, each config in one process measuring batch 32 and 64 with and without AMP.
#
# Budget: under 8 minutes on one H200 with 16 cores, the mmcv build included.
# Environment: PYTHON (default python3), SSL4DP_WHEELS (default .whl), SSL4DP_SITE (default
# /tmp/ssl4dp_site), GPU_CHECK_BATCHES (default "32 64"), GPU_CHECK_STEPS (default 5),
# GPU_CHECK_WARMUP (default 3), GPU_CHECK_SIZE (default 224), GPU_CHECK_OUT (results file),
# GPU_CHECK_DEVICE (default cuda; cpu runs the same chain on a CPU, for testing the script).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
WHEELS="${SSL4DP_WHEELS:-$ROOT/.whl}"
SITE="${SSL4DP_SITE:-/tmp/ssl4dp_site}"
DEVICE="${GPU_CHECK_DEVICE:-cuda}"
BATCHES="${GPU_CHECK_BATCHES:-32 64}"
STEPS="${GPU_CHECK_STEPS:-5}"
SIZE="${GPU_CHECK_SIZE:-224}"
MMCV_VERSION="2.0.1"
# pure-Python packages the machine's image lacks; one version each
PURE=("mmengine==0.10.7" "mmsegmentation==1.2.2" "mmselfsup==1.0.0" "mmcls==1.0.0rc6"
      "addict==2.4.0" "yapf==0.43.0" "termcolor==3.1.0" "prettytable==3.16.0" "ftfy==6.3.1"
      "wcwidth==0.2.13" "platformdirs==4.3.8" "model-index==0.1.11" "ordered-set==4.1.0"
      "setuptools==80.9.0")
B=configs/selfsup
REFS=("$B/baselines/mocov2_r50b-d8_1xb16-20e_voc12aug_from-mocov2.py"
      "$B/baselines/densecl_r50b-d8_1xb16-20e_voc12aug_from-mocov2.py")
CONFIGS=("$B/plmoco/plmoco_r50b-d8_1xb16-20e_voc12aug_from-mocov2.py"
         "$B/plmoco/plmoco_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py"
         "$B/mocodec/mocodec_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py"
         "$B/detcon/detcons_r50b-d8-mocofcn_1xb16-20e_voc12aug_from-mocov2.py")
log() { printf '[gpu_check %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

if [ "${1:-}" = "--download" ]; then
  # wheels for the GPU machine's Python (3.12 there), and mmcv's sdist
  mkdir -p "$WHEELS"
  "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version "${PYVER:-3.12}" \
    --implementation cp --platform manylinux2014_x86_64 --platform any -d "$WHEELS" "${PURE[@]}"
  "$PY" -m pip download -q --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$WHEELS"
  ls "$WHEELS"
  exit 0
fi

start=$(date +%s)
"$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
if [ "$DEVICE" = cuda ]; then
  "$PY" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"'
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
fi
mkdir -p "$SITE"
export PYTHONPATH="$SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}"

log "1/3 pure-Python packages into $SITE"
if ls "$WHEELS"/*.whl >/dev/null 2>&1; then
  "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target "$SITE" "$WHEELS"/*.whl
else
  "$PY" -m pip install -q --no-deps --no-compile --upgrade --target "$SITE" "${PURE[@]}"
fi

log "2/3 mmcv $MMCV_VERSION with CPU ops against this torch"
if ! "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '$MMCV_VERSION'" 2>/dev/null; then
  built="$SITE/../ssl4dp_mmcv_wheel"
  wheel=$(ls "$built"/mmcv-"$MMCV_VERSION"-*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$wheel" ]; then
    sdist=$(ls "$WHEELS"/mmcv-"$MMCV_VERSION".tar.gz 2>/dev/null || true)
    bash tools/build_mmcv.sh "$PY" "$built" $sdist
    wheel=$(ls "$built"/mmcv-"$MMCV_VERSION"-*.whl | head -n 1)
  fi
  "$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$SITE" "$wheel"
fi
"$PY" -c 'import mmcv.ops, mmseg, mmselfsup, ssl4dp_mm; print("stack ok: mmcv", mmcv.__version__)'
log "set-up took $(( $(date +%s) - start )) s"

log "3/3 speed at $SIZE px, batch $BATCHES, fp32 and AMP"
amp=both
[ "$DEVICE" = cuda ] || amp=off
# shellcheck disable=SC2086
"$PY" benchmarks/speed.py --device "$DEVICE" --size "$SIZE" --batch $BATCHES --amp "$amp" \
  --steps "$STEPS" --warmup "${GPU_CHECK_WARMUP:-3}" --threads 4 --references "${REFS[@]}" --configs "${CONFIGS[@]}" \
  --out "${GPU_CHECK_OUT:-benchmarks/results/speed_r50_$DEVICE.md}"
log "done in $(( $(date +%s) - start )) s"
