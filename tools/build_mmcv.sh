#!/usr/bin/env bash
# Build an mmcv 2.0.1 wheel with its C++ ops (CPU ops only) against the torch of a given Python.
#
#   bash tools/build_mmcv.sh PYTHON OUT_DIR [SDIST]
#   bash tools/build_mmcv.sh --cxx-std PYTHON     # only print the C++ standard it would use
#
# PYTHON must already hold torch, setuptools < 81 (mmcv's setup.py imports pkg_resources), wheel
# and ninja (parallel compile). SDIST is a local mmcv-2.0.1.tar.gz (for machines without an index);
# without it pip downloads the sdist. The wheel is copied into OUT_DIR.
#
# Why the patch: mmcv 2.0.1's setup.py forces -std=c++14 on Linux, older than any torch 2.x accepts.
# torch's headers say which standard they need (ATen/ATen.h: "#error C++17 or later compatible
# compiler is required" up to torch 2.13, "C++20 or later" from torch 2.14 on), so the flag becomes
# -std=c++17 below torch 2.14 and -std=c++20 from 2.14 on (or where the headers ask for C++20);
# MMCV_CXX_STD=c++NN overrides it. CUDA is hidden during the build (CUDA_VISIBLE_DEVICES=), so only
# the CPU ops compile even on a GPU machine: MMSegmentation imports mmcv.ops at start-up, and the
# heads used here (FCN, PSP, ASPP) need no mmcv op to run on the GPU. MAX_JOBS (default: all cores)
# sets the parallel compile jobs.
set -euo pipefail
MMCV_VERSION="2.0.1"

# The C++ standard torch's headers need: c++20 from torch 2.14 on (or where ATen.h asks for it).
cxx_std() {
  "$1" - <<'EOF'
import os, re
import torch
major, minor = (int(x) for x in re.match(r'(\d+)\.(\d+)', torch.__version__).groups())
header = os.path.join(os.path.dirname(torch.__file__), 'include', 'ATen', 'ATen.h')
needs_20 = os.path.isfile(header) and '202002L' in open(header, encoding='utf-8').read()
print('c++20' if (major, minor) >= (2, 14) or needs_20 else 'c++17')
EOF
}

if [ "${1:-}" = "--cxx-std" ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --cxx-std PYTHON" >&2; exit 2; }
  cxx_std "$2"
  exit 0
fi
[ $# -ge 2 ] || { echo "usage: $0 PYTHON OUT_DIR [SDIST]" >&2; exit 2; }
PY="$(command -v "$1")" || { echo "[build_mmcv] ERROR: $1 not found" >&2; exit 1; }
PY="$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")"  # absolute: the build runs elsewhere
OUT="$(mkdir -p "$2" && cd "$2" && pwd)"
SDIST="${3:-}"
STD="${MMCV_CXX_STD:-$(cxx_std "$PY")}"
case "$STD" in
  c++1[47]|c++2[03]) ;;
  *) echo "[build_mmcv] ERROR: MMCV_CXX_STD=$STD is not c++14, c++17, c++20 or c++23" >&2
     exit 1 ;;
esac

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
sed -i "s/'-std=c++14'/'-std=$STD'/g" "$src/setup.py"
echo "[build_mmcv] mmcv $MMCV_VERSION against torch" \
  "$("$PY" -c 'import torch; print(torch.__version__)') with -std=$STD"
(cd "$src" && PATH="$(dirname "$PY"):$PATH" CUDA_VISIBLE_DEVICES= MMCV_WITH_OPS=1 FORCE_CUDA=0 \
   MAX_JOBS="${MAX_JOBS:-$(nproc)}" "$PY" -m pip wheel --no-build-isolation --no-deps . -w "$build/dist")
mkdir -p "$OUT"
cp "$build"/dist/mmcv-"$MMCV_VERSION"-*.whl "$OUT/"
ls "$OUT"/mmcv-"$MMCV_VERSION"-*.whl
