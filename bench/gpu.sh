#!/usr/bin/env bash
# One command for a machine with a GPU: measures every similarity kernel that runs there
# (gpu.js's GPU mode through headless-gl when it works, else its CPU modes, wasm-simd, plain JS),
# prints the figures as JSON lines, and writes this backend's entry of the measured table that the
# kernel registry's default follows (core/kernels/Measured.ts). Runs on any machine.
#
#   bash bench/gpu.sh            # sizes 1e5 and 1e6 rows × 100-d
#   SIZES=1e5 bash bench/gpu.sh  # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
if command -v nvidia-smi > /dev/null; then nvidia-smi -L; else echo "gpu.sh: no nvidia-smi: no NVIDIA GPU visible here" >&2; fi
# gpu.js runs GPU kernels in Node through headless-gl (the `gl` package: native, needs a GL
# driver); it is not a dependency of the project, so try it here without saving it.
if ! node -e "require('gl')" > /dev/null 2>&1; then
  npm install --no-save gl > /dev/null 2>&1 || echo "gpu.sh: headless-gl (npm gl) could not be installed: gpu.js offers its CPU modes only" >&2
fi
exec node --max-old-space-size=8192 bench/gpu.ts --sizes "${SIZES:-1e5,1e6}" --write core/kernels/Measured.ts
