#!/usr/bin/env bash
# Runs the whole test suite (unit, integration and doc tests) on the default backend
# (system OpenBLAS), installing what is missing first, and ends with one summary line for all
# of it. Exits non-zero when any test failed.
# Extra arguments are passed to cargo (e.g. `--no-default-features --features netlib-system,xerbla`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Cargo runs tests in parallel threads: one OpenBLAS thread each (oversubscription was measured
# 160× slower on 2 cores).
export OPENBLAS_NUM_THREADS=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
start=$(date +%s)
status=0

# Sums the numbers before `word` over every line of a log (`473 passed`, `2 failed`, ...).
count() { { grep -oE "[0-9]+ $2" "$1" || true; } | awk '{s += $1} END {print s + 0}'; }

if cargo nextest --version >/dev/null 2>&1; then
  # Per-test timeout (.config/nextest.toml): a regression that lets NaN/Inf reach a LAPACK
  # routine that loops forever fails instead of hanging.
  cargo nextest run --no-fail-fast "$@" 2>&1 | tee "$logs/tests.log" || status=1
  # nextest's own summary line: `N tests run: P passed, F failed, T timed out, S skipped`.
  grep -E "tests? run:" "$logs/tests.log" | tail -1 > "$logs/tests.sum" || true
else
  timeout 1800 cargo test --no-fail-fast --lib --tests --examples "$@" 2>&1 \
    | tee "$logs/tests.log" || status=1
  grep -E "^test result:" "$logs/tests.log" > "$logs/tests.sum" || true
fi
cargo test --doc "$@" 2>&1 | tee "$logs/doc.log" || status=1
grep -E "^test result:" "$logs/doc.log" > "$logs/doc.sum" || true

tp=$(count "$logs/tests.sum" passed)
tf=$(( $(count "$logs/tests.sum" failed) + $(count "$logs/tests.sum" "timed out") ))
dp=$(count "$logs/doc.sum" passed)
df=$(count "$logs/doc.sum" failed)
echo
echo "test.sh: unit and integration tests: $tp passed, $tf failed; doc tests: $dp passed, $df failed"
echo "test.sh: $(( tp + dp )) passed, $(( tf + df )) failed in $(( $(date +%s) - start )) s"
if [ "$status" != 0 ] && [ $(( tf + df )) = 0 ]; then
  echo "test.sh: a build or test command failed before its tests ran (see above)"
fi
exit "$status"
