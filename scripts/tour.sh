#!/usr/bin/env bash
# The tour: factors the worked examples of the project's study notes and prints the results.
# Installs the system OpenBLAS first when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
cargo run --release --quiet --example tour
