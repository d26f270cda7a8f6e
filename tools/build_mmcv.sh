#!/usr/bin/env bash
# Build an mmcv 2.0.1 wheel with its C++ ops (CPU ops only) against the torch of a given Python.
#
#   bash tools/build_mmcv.sh PYTHON OUT_DIR [SDIST]
#
# PYTHON must already hold torch, setuptools < 81 (mmcv's setup.py imports pkg_resources), wheel
# and ninja (parallel compile). SDIST is a local mmcv-2.0.1.tar.gz (for machines without an index);
# without it pip downloads the sdist. The wheel is copied into OUT_DIR.
#
# Why the patch: mmcv 2.0.1's setup.py forces -std=c++14 on Linux, and torch >= 2.10's headers
# require C++20 ("C++20 or later compatible compiler is required to use ATen"). CUDA is hidden
# during the build (CUDA_VISIBLE_DEVICES=), so only the CPU ops compile even on a GPU machine:
# MMSegmentation imports mmcv.ops at start-up, and the heads used here (FCN, PSP, ASPP) need no
# mmcv op to run on the GPU. MAX_JOBS (default: all cores) sets the parallel compile jobs.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 PYTHON OUT_DIR [SDIST]" >&2; exit 2; }
PY="$(command -v "$1")" || { echo "[build_mmcv] ERROR: $1 not found" >&2; exit 1; }
PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")"  # absolute: the build runs elsewhere
OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
SDIST="${3:-}"
MMCV_VERSION="2.0.1"

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
if [ -z "$SDIST" ]; then
  "$PY" -m pip download -q --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$build"
  SDIST="$build/mmcv-$MMCV_VERSION.tar.gz"
fi
[ -f "$SDIST" ] || { echo "[build_mmcv] ERROR: $SDIST not found" >&2; exit 1; }
tar -xzf "$SDIST" -C "$build"
src="$build/mmcv-$MMCV_VERSION"
grep -q "'-std=c++14'" "$src/setup.py" || {
  echo "[build_mmcv] ERROR: unexpected $SDIST: the -std=c++14 flag to patch is not in setup.py" >&2
  exit 1
}
sed -i "s/'-std=c++14'/'-std=c++20'/g" "$src/setup.py"
(cd "$src" && PATH="$(dirname "$PY"):$PATH" CUDA_VISIBLE_DEVICES= MMCV_WITH_OPS=1 FORCE_CUDA=0 \
   MAX_JOBS="${MAX_JOBS:-$(nproc)}" "$PY" -m pip wheel --no-build-isolation --no-deps . -w "$build/dist")
mkdir -p "$OUT"
cp "$build"/dist/mmcv-"$MMCV_VERSION"-*.whl "$OUT/"
ls "$OUT"/mmcv-"$MMCV_VERSION"-*.whl
