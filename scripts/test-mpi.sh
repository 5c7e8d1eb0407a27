#!/usr/bin/env bash
# The distributed tests (feature `mpi`): installs Open MPI, ScaLAPACK for Open MPI and libclang
# when missing (apt-get), builds tests/dist.rs and the distributed_svd example, and runs them
# under `mpirun -n 1`, `-n 2` and `-n 4 --oversubscribe`, each with a hard timeout so that a
# deadlock fails instead of hanging; then the doc examples of `ndfactor::dist`. Ends with one
# summary line. Extra arguments are passed to cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --mpi
export OPENBLAS_NUM_THREADS=1
# Open MPI refuses to start as root unless told that it is meant.
if [ "$(id -u)" = "0" ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
start=$(date +%s)
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# Build once; find the test binary from cargo's JSON messages.
test_bin=$(cargo test --features mpi --test dist --no-run --message-format=json "$@" \
  | python3 -c 'import json,sys
for l in sys.stdin:
    m = json.loads(l)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "dist" and m.get("executable"):
        print(m["executable"])')
cargo build --release --features mpi --example distributed_svd "$@"

passed=0
failed=0
run() {
  local what=$1; shift
  echo "--- $what"
  if timeout --kill-after=10 "$TIMEOUT" "$@"; then
    passed=$((passed + 1))
  else
    echo "test-mpi.sh: FAILED ($what, exit $?)"
    failed=$((failed + 1))
  fi
}
TIMEOUT=300
for n in 1 2 4; do
  run "tests/dist.rs on $n processes" mpirun -n "$n" --oversubscribe "$test_bin"
done
TIMEOUT=300
run "example distributed_svd on 4 processes" \
  mpirun -n 4 --oversubscribe "$target_dir/release/examples/distributed_svd" --rows 40000 --cols 100 --dense 200
# Doc examples of the distributed module (its module-level ones included: they are named
# "src/dist/mod.rs - dist (line N)", which a `dist::` filter misses) run as single-process MPI
# jobs (singleton init).
TIMEOUT=900
run "doc examples of ndfactor::dist" cargo test --doc --features mpi "$@" -- src/dist/

echo
echo "test-mpi.sh: $passed passed, $failed failed in $(( $(date +%s) - start )) s"
[ "$failed" = 0 ]
