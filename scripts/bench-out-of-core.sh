#!/usr/bin/env bash
# The larger-than-memory benchmark (docs/benchmarks.md, "Out of core"): writes a seeded
# low-rank-plus-noise .npy larger than RAM under target/ooc/, times one sequential read of it
# (`cat > /dev/null`, page cache dropped first when allowed), runs the streamed rank-k
# randomized SVD on it while sampling the process's anonymous memory (RssAnon, which leaves out
# the mapped file's page cache), prints the report, and deletes the file (KEEP=1 keeps it).
#   ROWS=3300000 COLS=1000 RANK=50 Q=2 bash scripts/bench-out-of-core.sh
# PASS_EFFICIENT=1 adds a second run with --pass-efficient (q + 1 passes) on the same file.
# PREFETCH=thread|advise|off chooses how passes read ahead (stream::Prefetch; default thread).
# The runs keep the basis in a scratch file and write U block by block (compute_to_npy);
# BASIS_IN_MEMORY=1 adds a run with --basis-in-memory (compute: basis and U in memory).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-3300000}
COLS=${COLS:-1000}
RANK=${RANK:-50}
Q=${Q:-2}
BLOCK=${BLOCK:-8192}
PREFETCH=${PREFETCH:-thread}
dir=target/ooc
file=$dir/big_${ROWS}x${COLS}.npy
mkdir -p "$dir"
cargo build --release --example stream_gen --example stream_svd
gen=target/release/examples/stream_gen
svd=target/release/examples/stream_svd
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo);" \
  "file: ${ROWS}×${COLS} f64 = $(awk -v m="$ROWS" -v n="$COLS" 'BEGIN {printf "%.1f GiB", m * n * 8 / 2^30}')"
if [ ! -f "$file" ]; then
  s=$(date +%s.%N)
  "$gen" "$file" --rows "$ROWS" --cols "$COLS" --rank "$RANK" --seed 1 --block-rows "$BLOCK" 2> "$dir/gen.log"
  echo "generate: $(echo "$(date +%s.%N) - $s" | bc) s"
fi
sync
cache="warm (could not drop the page cache)"
if echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then cache="cold (page cache dropped)"; fi
s=$(date +%s.%N)
cat "$file" > /dev/null
read_s=$(echo "$(date +%s.%N) - $s" | bc)
echo "sequential read (cat > /dev/null, $cache): $read_s s"
# One streamed SVD run (extra options in "$@"), page cache dropped first, with its peak memory.
svd_run() {
  if echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then :; fi
  rm -rf "$dir/out"
  local s pid peak_anon=0 peak_rss=0 a r total
  s=$(date +%s.%N)
  "$svd" "$file" --rank "$RANK" --power-iters "$Q" --oversample 10 --block-rows "$BLOCK" \
    --prefetch "$PREFETCH" --out "$dir/out" "$@" 2> "$dir/svd.log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [ -r "/proc/$pid/status" ]; then
      a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      r=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      [ -n "$a" ] && [ "$a" -gt "$peak_anon" ] && peak_anon=$a
      [ -n "$r" ] && [ "$r" -gt "$peak_rss" ] && peak_rss=$r
    fi
    sleep 0.2
  done
  wait "$pid"
  total=$(echo "$(date +%s.%N) - $s" | bc)
  echo "stream_svd $*: $total s in all; peak RssAnon $((peak_anon / 1024)) MiB; peak VmRSS (with mapped file pages) $((peak_rss / 1024)) MiB"
  cat "$dir/out/report.txt"
}
svd_run
if [ "${PASS_EFFICIENT:-0}" = 1 ]; then svd_run --pass-efficient; fi
if [ "${BASIS_IN_MEMORY:-0}" = 1 ]; then svd_run --basis-in-memory; fi
if [ "${KEEP:-0}" != 1 ]; then rm -f "$file" "${file%.npy}.spectrum.npy"; echo "deleted $file"; fi
