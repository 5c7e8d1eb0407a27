#!/usr/bin/env bash
# Tests on the ILP64 backend (Debian's 64-bit-integer OpenBLAS, feature openblas64-system):
# installs libopenblas64-dev when missing, runs the test suite on that backend, then the large
# factorization whose lda·n passes 2³¹ (about 9 GB of memory; skipped with a message when the
# machine has less available).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! ldconfig -p | grep -q 'libopenblas64\.so '; then
    echo "test-ilp64.sh: installing libopenblas64-dev"
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q libopenblas64-dev
fi
features=(--no-default-features --features openblas64-system,xerbla,sparse)
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
bash scripts/test.sh "${features[@]}"
avail_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
if [ "$avail_kb" -lt $((10 * 1024 * 1024)) ]; then
    echo "test-ilp64.sh: skipped the lda·n > 2³¹ QR: $((avail_kb / 1024)) MiB available, 10 GiB needed"
    exit 0
fi
start=$(date +%s)
cargo test --release "${features[@]}" --test ilp64 -- --ignored --nocapture
echo "test-ilp64.sh: the lda·n > 2³¹ QR passed in $(( $(date +%s) - start )) s"
