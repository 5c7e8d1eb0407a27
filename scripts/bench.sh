#!/usr/bin/env bash
# Benchmarks ndfactor against a hand-written LAPACK baseline, ndarray-linalg, faer and nalgebra,
# then regenerates docs/benchmarks.md from criterion's estimates. One BLAS thread everywhere.
#
#   scripts/bench.sh            full run (n up to 2048; randomized SVD at 2000 and 4000; about 45 min)
#   scripts/bench.sh --quick    n = 64, 256 only; randomized SVD at 2000 only, few repetitions
#   scripts/bench.sh --report   only regenerate the document from the last measurements
#   --note "text"               a line quoted at the top of the document (e.g. machine load)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
note=""
report_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --report) report_only=1 ;;
    --note) shift; note="$1" ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
data=target/ndfactor-peers
mkdir -p "$data"
# (An `if`, not `[ ] && echo`: under `set -e` a false test in the substitution ends the script.)
command="scripts/bench.sh$(if [ "$mode" = quick ]; then echo ' --quick'; fi)"

if [ "$report_only" = 0 ]; then
  if [ "$mode" = quick ]; then export NDFACTOR_BENCH_QUICK=1; else unset NDFACTOR_BENCH_QUICK; fi
  # Results of an earlier run with other sizes must not leak into this document.
  rm -rf target/criterion
  cargo bench -p ndfactor-peers --bench factorizations
  # Stacked inputs: rayon over the batch (one BLAS thread each) against the sequential batch
  # whose slices use every core through OpenBLAS, so here OpenBLAS gets all the cores.
  OPENBLAS_NUM_THREADS=$(nproc) cargo bench -p ndfactor-peers --bench batch -- \
    --warm-up-time 1 --measurement-time 3
  cargo build --release -p ndfactor-peers --bins

  if [ "$mode" = quick ]; then
    rsvd_args=(--sizes 2000 --ks 10,50 --reps 3 --exact-reps 1)
    sk_args=(--sizes 2000 --ks 10,50 --reps 3)
  else
    rsvd_args=(--sizes 2000,4000 --ks 10,50 --reps 5 --exact-reps 2)
    sk_args=(--sizes 2000,4000 --ks 10,50 --reps 5)
  fi
  # Interleaved A/B probe: ndfactor, the baseline and ndarray-linalg in rotating order.
  rm -f "$data"/ab*.json
  if [ "$mode" = quick ]; then
    target/release/ab_probe --sizes 256 --budget 2 --out "$data/ab.json"
  else
    target/release/ab_probe --sizes 256,1024 --budget 5 --out "$data/ab.json"
    target/release/ab_probe --ops lu_f64,lu_f32,cholesky_f64,qr_f64 --sizes 2048 --budget 5 \
      --out "$data/ab2048.json"
  fi
  target/release/rsvd "${rsvd_args[@]}" --out "$data/rsvd.json"
  rm -f "$data/sklearn.json"
  if python3 -c 'import sklearn, threadpoolctl' 2>/dev/null; then
    python3 peers/python/sklearn_rsvd.py "${sk_args[@]}" --out "$data/sklearn.json"
  else
    echo "scikit-learn not installed (pip install scikit-learn threadpoolctl): skipping its comparison" >&2
  fi

  # Peak memory of factoring a 4000×4000 f64 matrix, whole process.
  : > "$data/peakmem.tsv"
  if [ -x /usr/bin/time ]; then
    for probe in input lu lu-owned baseline-lu svd svd-owned baseline-svd; do
      log=$(mktemp)
      line=$(/usr/bin/time -v target/release/peak_mem "$probe" 4000 2>"$log")
      rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
      input=$(sed -n 's/.*input_bytes=\([0-9]*\).*/\1/p' <<<"$line")
      need=$(sed -n 's/.*lapack_extra_bytes=\([0-9]*\) (\(.*\)) checksum.*/\1 B: \2/p' <<<"$line")
      need_mb=$(awk '{printf "%.0f MB (%s", $1/1e6, substr($0, index($0,": ")+2)}' <<<"$need")
      printf '%s\t4000\t%s\t%s\t%s)\n' "$probe" "$rss" "$input" "$need_mb" >> "$data/peakmem.tsv"
      rm -f "$log"
    done
  else
    echo "/usr/bin/time missing (apt-get install time): skipping peak memory" >&2
  fi
fi

cargo run --release -q -p ndfactor-peers --bin bench_report -- \
  --criterion target/criterion --data "$data" --mode "$mode" \
  --command "$command" --note "$note" --out docs/benchmarks.md
