#!/usr/bin/env bash
# The GPU acceptance test, in one command, on a CUDA machine with its own torch (and perhaps no
# package index):
#
#   bash benchmarks/gpu_check.sh --download   # first, where pip reaches an index: wheels into .whl/
#   bash benchmarks/gpu_check.sh              # on the GPU machine, from the repository root
#
# Stages (each must pass; the script exits non-zero at the first that fails and prints a summary):
#  0. settings    the GPU_CHECK_* settings read back (an unknown method name fails here)
#  1. preflight   torch imports (and sees the GPU, nvidia-smi answers); requirements/runtime.txt is
#                 importable or provided; where mmcv must be built: a C++ compiler for the standard
#                 torch's headers need, ninja (or its wheel), mmcv's sdist. gpu_setup.py preflight
#  2. install     the OpenMMLab packages at the project's pins into $SSL4DP_SITE (never over the
#                 machine's own); rich / einops / ninja / ... only where missing
#                 (benchmarks/gpu_setup.py install)
#  3. mmcv        mmcv 2.0.1 with its CPU ops built against the machine's torch
#                 (tools/build_mmcv.sh, ninja, all cores) after gpu_setup.py build-check; reused
#                 on a second run
#  4. stack       mmcv.ops, mmseg, mmselfsup, ssl4dp_mm import; mmengine's collect_env runs
#  5. acceptance  benchmarks/gpu_acceptance.py: every pre-training method of the CamVid benchmark
#                 through tools/train.py on a generated VOC layout at VOC's image size (fp32 with
#                 images/s and peak memory against MMSelfSup's MoCo v2 and DenseCL, --resume, --amp;
#                 finite losses), a converted checkpoint fine-tuned and tested (MMSeg), a 2-process
#                 NCCL run where two GPUs are present. Table and JSON:
#                 benchmarks/results/gpu_check_<device>.md
#
# Budget: 8 minutes on one H100/H200 machine with 16 cores, mmcv build included. Estimate, from
# parts measured on the 2-core development machine (shared, load ~4) and published GPU figures:
#   settings + preflight + install + stack   ~25 s   measured here: 1 + 9.5 + 12 + 11 s
#   mmcv build                              ~160 s   17 min on 2 cores with ninja = 34 core-min;
#                                                    / 16 cores = 128 s, + ~30 s serial (unpack,
#                                                    setup.py, link, wheel)
#   data layout + synthetic checkpoint       ~10 s   112 + 8 images of 500x375, a ResNet-50
#   one run's start-up S                    ~10 s   measured here: launch to the training loop
#                                                    10.2-10.8 s wall, 6.8-7.6 s CPU (MoCo v2,
#                                                    PLMoCo w/dec, DetCon-S w/dec at max_iters=0;
#                                                    mmengine formats the config 5 times with
#                                                    yapf, ~1.5 s each here); plus CUDA context,
#                                                    cuDNN set-up and a 0.4 GB checkpoint there
#   one run's 5 iterations I                ~1-2 s   MoCo v2 / ResNet-50 trains at ~170 img/s on
#                                                    one V100 (53 h for 200 ImageNet epochs on 8,
#                                                    MoCo v2 report); ResNet-50-d8 ~5x its FLOPs;
#                                                    an H100 in TF32 ~6x a V100: ~0.1 s per batch
#                                                    of 16, ~0.2 s for the dense methods; masks
#                                                    (DetCon, RLMoCo) ~0.1 s per 500x375 image and
#                                                    worker: ~0.2 s per batch on 8 workers
#   fp32 runs: 16, one iterating, 4 starting  16 x max(S / 3, I + save) + S  ~  70 s
#   resume + AMP + segmentation: 35 runs,     35 x max(S / 4, (I + save) / J) + S  ~ 100 s
#     J = 3 (H100) to 5 (H200) iterating at once (measured peak memory: ~15-20 GB per run)
#   2-process NCCL run                        0 on one GPU (skipped), ~15 s on two
#   total                                    ~25 + 160 + 10 + 70 + 100 ~ 365 s ~ 6 min; with
#                                             S = 15 s ~ 7 min. Start-ups, not iterations, cost:
#                                             if it does not fit, raise GPU_CHECK_STARTS, then
#                                             lower GPU_CHECK_ITERS; never drop methods. The
#                                             table gives each run's seconds and the phases'.
#
# On this workplace's lent GPU machine the wheels travel with the working tree: .whl/ is ignored
# by git, so name it in the device tool's `carry` (bash benchmarks/gpu_check.sh --download first).
#
# Environment: PYTHON (default python3), SSL4DP_WHEELS (default .whl), SSL4DP_SITE (default
# /tmp/ssl4dp_site), GPU_CHECK_SKIP_INSTALL=1 (skip stages 2-3: the interpreter already has the
# stack, as in the CPU rehearsal of tests/benchmarks/test_gpu_check.py), and the GPU_CHECK_*
# settings of benchmarks/gpu_acceptance.py (DEVICE cuda|cpu, METHODS, ITERS, RESUME_ITERS, BATCH,
# IMAGE, VIEW, SEG_ITERS, SEG_CROP, WORKERS, JOBS, STARTS, AMP_RTOL, AMP_ATOL, DIST, CFG_OPTIONS,
# TIMEOUT, KEEP_CHECKPOINTS, WORK, OUT; python benchmarks/gpu_acceptance.py --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-python3}"
export SSL4DP_WHEELS="${SSL4DP_WHEELS:-$ROOT/.whl}"
export SSL4DP_SITE="${SSL4DP_SITE:-/tmp/ssl4dp_site}"
export GPU_CHECK_DEVICE="${GPU_CHECK_DEVICE:-cuda}"

if [ "${1:-}" = "--download" ]; then
  exec "$PY" benchmarks/gpu_setup.py download --dest "$SSL4DP_WHEELS"
fi

START=$SECONDS
NAMES=() RESULTS=() TIMES=()
EXPECTED=(settings preflight install mmcv stack acceptance)
summary() {
  local rc=$? i ok=1
  printf '\n[gpu_check] summary (%s, %d s)\n' "$GPU_CHECK_DEVICE" $((SECONDS - START))
  printf '  %-11s %-8s %s\n' stage seconds result
  for i in "${!NAMES[@]}"; do
    printf '  %-11s %-8s %s\n' "${NAMES[$i]}" "${TIMES[$i]}" "${RESULTS[$i]}"
    case "${RESULTS[$i]}" in passed|skipped*) ;; *) ok=0 ;; esac
  done
  for i in "${EXPECTED[@]:${#NAMES[@]}}"; do printf '  %-11s %-8s %s\n' "$i" - "not run"; done
  # every stage ran and passed (or was skipped for a stated reason)
  if [ "$rc" -eq 0 ] && { [ "$ok" -eq 0 ] || [ "${#NAMES[@]}" -ne "${#EXPECTED[@]}" ]; }; then
    rc=1
  fi
  if [ "$rc" -eq 0 ]; then echo "[gpu_check] PASSED"; else echo "[gpu_check] FAILED (exit $rc)"; fi
  exit "$rc"
}
trap summary EXIT
# stage NAME COMMAND...: run one stage, record its result; a failure ends the script (set -e)
stage() {
  local name=$1 t0=$SECONDS rc=0
  shift
  printf '\n[gpu_check %s] %s: %s\n' "$(date +%H:%M:%S)" "$name" "$*"
  "$@" || rc=$?
  NAMES+=("$name") TIMES+=($((SECONDS - t0)))
  if [ "$rc" -ne 0 ]; then RESULTS+=("FAILED (exit $rc)"); return "$rc"; fi
  RESULTS+=(passed)
}
skip() { NAMES+=("$1") TIMES+=(0) RESULTS+=("skipped: $2"); echo "[gpu_check] $1 skipped: $2"; }

export PYTHONPATH="$SSL4DP_SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}"
export PATH="$SSL4DP_SITE/bin:$PATH"
stage settings "$PY" benchmarks/gpu_acceptance.py --check-settings
stage preflight "$PY" benchmarks/gpu_setup.py preflight --device "$GPU_CHECK_DEVICE"
if [ "${GPU_CHECK_SKIP_INSTALL:-0}" = 1 ]; then
  skip install "GPU_CHECK_SKIP_INSTALL=1"
  skip mmcv "GPU_CHECK_SKIP_INSTALL=1"
else
  stage install "$PY" benchmarks/gpu_setup.py install
  if "$PY" -c "import mmcv, mmcv.ops; assert mmcv.__version__ == '2.0.1'" 2>/dev/null; then
    skip mmcv "mmcv 2.0.1 with ops already importable"
  else
    built="$SSL4DP_SITE/../ssl4dp_mmcv_wheel"
    build_mmcv() {
      "$PY" benchmarks/gpu_setup.py build-check || return
      local wheel sdist
      wheel=$(ls "$built"/mmcv-2.0.1-*.whl 2>/dev/null | head -n 1 || true)
      if [ -z "$wheel" ]; then
        sdist=$(ls "$SSL4DP_WHEELS"/mmcv-2.0.1.tar.gz 2>/dev/null || true)
        MAX_JOBS="${MAX_JOBS:-$(nproc)}" bash tools/build_mmcv.sh "$PY" "$built" $sdist || return
        wheel=$(ls "$built"/mmcv-2.0.1-*.whl | head -n 1)
      fi
      "$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$SSL4DP_SITE" \
        "$wheel"
    }
    stage mmcv build_mmcv
  fi
fi
# the Runner's start (collect_env imports distutils, gone from Python 3.12 without setuptools)
stage stack "$PY" -c 'import mmcv, mmcv.ops, mmseg, mmselfsup, ssl4dp_mm
from mmengine.utils.dl_utils import collect_env
collect_env()
print("mmcv", mmcv.__version__, "mmseg", mmseg.__version__, "mmselfsup", mmselfsup.__version__)'
stage acceptance "$PY" benchmarks/gpu_acceptance.py
