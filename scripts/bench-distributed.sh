#!/usr/bin/env bash
# The distributed benchmark (docs/bench/distributed.md): ScaLAPACK's LU, Cholesky and SVD
# through ndfactor::dist on 1 and 2 MPI processes against ndfactor in core with the same
# threads, then the distributed randomized SVD of a row-partitioned tall matrix against the
# out-of-core one on the same .npy file (written under target/ooc/, deleted after; KEEP=1
# keeps it; SKIP_DENSE=1 runs only the tall part). Needs `bash scripts/setup.sh --mpi`. Run it on an idle machine.
#   N=4096 SVD_N=2048 ROWS=1000000 COLS=500 RANK=20 bash scripts/bench-distributed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-4096}
SVD_N=${SVD_N:-2048}
ROWS=${ROWS:-1000000}
COLS=${COLS:-500}
RANK=${RANK:-20}
Q=${Q:-2}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cargo build --release --features mpi --example dist_bench --example distributed_svd \
  --example stream_gen --example stream_svd
ex=target/release/examples
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
# mpirun binds each process to one core: a single process with two BLAS threads needs
# --bind-to none, or its threads share one core.
if [ "${SKIP_DENSE:-0}" != 1 ]; then
echo "== dense, n = $N (LU, Cholesky) and n = $SVD_N (SVD)"
for t in 2 1; do
  echo "-- 1 process, OPENBLAS_NUM_THREADS=$t"
  OPENBLAS_NUM_THREADS=$t mpirun -n 1 --bind-to none -x OPENBLAS_NUM_THREADS "$ex/dist_bench" --n "$N" --ops lu,cholesky --in-core
  OPENBLAS_NUM_THREADS=$t mpirun -n 1 --bind-to none -x OPENBLAS_NUM_THREADS "$ex/dist_bench" --n "$SVD_N" --ops svd --in-core
done
echo "-- 2 processes, OPENBLAS_NUM_THREADS=1"
OPENBLAS_NUM_THREADS=1 mpirun -n 2 -x OPENBLAS_NUM_THREADS "$ex/dist_bench" --n "$N" --ops lu,cholesky
OPENBLAS_NUM_THREADS=1 mpirun -n 2 -x OPENBLAS_NUM_THREADS "$ex/dist_bench" --n "$SVD_N" --ops svd
fi
echo
echo "== tall ${ROWS}×${COLS} f64, rank $RANK, q = $Q"
mkdir -p target/ooc
file=target/ooc/tall_${ROWS}x${COLS}.npy
[ -f "$file" ] || "$ex/stream_gen" "$file" --rows "$ROWS" --cols "$COLS" --rank "$RANK" --seed 1 2> /dev/null
cat "$file" > /dev/null # warm: both read the file from the page cache
for p in 1 2; do
  echo "-- distributed, $p process(es), OPENBLAS_NUM_THREADS=1"
  OPENBLAS_NUM_THREADS=1 mpirun -n "$p" -x OPENBLAS_NUM_THREADS "$ex/distributed_svd" --npy "$file" \
    --rank "$RANK" --power-iters "$Q" --dense 0
done
for t in 1 2; do
  echo "-- out of core, one process, OPENBLAS_NUM_THREADS=$t"
  OPENBLAS_NUM_THREADS=$t "$ex/stream_svd" "$file" --rank "$RANK" --power-iters "$Q" --oversample 10 2>&1 \
    | grep -v '^\s*$' | grep -iv 'progress\|█' | tail -12
done
[ "${KEEP:-0}" = 1 ] || rm -f "$file" "${file%.npy}.spectrum.npy"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
