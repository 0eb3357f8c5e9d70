#!/usr/bin/env bash
# The GPU check of issue 16 in one command, for a machine with an NVIDIA GPU and CuPy:
# the tests marked `gpu` (every op, gradcheck, nn and optim test parametrised by device) on the
# GPU, `autograd-core parity` (every op on the CPU and the GPU), then the GPU benchmarks against
# PyTorch CUDA. Writes gpu_tests.log, gpu_junit.xml, gpu_parity.json and gpu_bench.md into
# ${OUT:-gpu_out}. Meant to finish in under 5 minutes.
#   bash bench/gpu_check.sh            # tests + benchmarks
#   bash bench/gpu_check.sh bench      # benchmarks only
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu_out}
mkdir -p "$out"
py=${PYTHON:-python3}
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
$py -c "import cupy, numpy; print('cupy', cupy.__version__, 'numpy', numpy.__version__)"
rc=0
if [ "${1:-all}" != bench ]; then
  timeout "${GPU_TEST_TIMEOUT:-200}" $py -m pytest -q --maxfail=200 -n "${GPU_WORKERS:-8}" \
    -m gpu tests -p no:cacheprovider --junitxml="$out/gpu_junit.xml" 2>&1 \
    | tee "$out/gpu_tests.log" | tail -40
  rc=${PIPESTATUS[0]}
fi
timeout "${GPU_PARITY_TIMEOUT:-120}" $py -m autograd_core parity --device cuda -q \
  --output "$out/gpu_parity.json" 2>&1 | tail -15 || rc=1
timeout "${GPU_BENCH_TIMEOUT:-150}" $py -m bench.gpu_bench --out "$out/gpu_bench.md" || rc=1
exit $rc
