#!/usr/bin/env bash
# The default two-thread case (docs/bench/two-thread.md): ndfactor, ndarray-linalg (both over
# the system OpenBLAS) and faer (Par::rayon) interleaved, then NumPy/SciPy/scikit-learn from
# their PyPI wheels (their own OpenBLAS builds), one after the other on the same inputs' kinds.
# Run it on an idle machine.   SIZES=1024,2000 ROUNDS=5 bash scripts/bench-two-thread.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-1024,2000}
ROUNDS=${ROUNDS:-5}
OPS=${OPS:-lu,cholesky,qr,eigh,svd,schur,rsvd}
python3 -c 'import numpy, scipy, sklearn, threadpoolctl' 2>/dev/null \
  || pip install numpy scipy scikit-learn threadpoolctl
cargo build --release -p ndfactor-peers --bin two_thread
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; system OpenBLAS: $(dpkg-query -W -f '${Version}' libopenblas0-pthread 2>/dev/null || echo '?')"
unset OPENBLAS_NUM_THREADS
OPENBLAS_VERBOSE=2 target/release/two_thread --ops "$OPS" --sizes "$SIZES" --rounds "$ROUNDS" --threads 2
python3 peers/python/two_thread.py --ops "$OPS" --sizes "$SIZES" --rounds "$ROUNDS" --threads 2
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
