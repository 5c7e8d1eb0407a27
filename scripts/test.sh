#!/usr/bin/env bash
# Runs the whole test suite (unit, integration and doc tests) on the default backend
# (system OpenBLAS), installing what is missing first.
# Extra arguments are passed to cargo (e.g. `--no-default-features --features netlib-system,xerbla`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Cargo runs tests in parallel threads: one OpenBLAS thread each (oversubscription was measured
# 160× slower on 2 cores).
export OPENBLAS_NUM_THREADS=1
if cargo nextest --version >/dev/null 2>&1; then
  # Per-test timeout (.config/nextest.toml): a regression that lets NaN/Inf reach a LAPACK
  # routine that loops forever fails instead of hanging.
  cargo nextest run --no-fail-fast "$@"
else
  timeout 1800 cargo test --no-fail-fast --lib --tests --examples "$@"
fi
cargo test --doc "$@"
