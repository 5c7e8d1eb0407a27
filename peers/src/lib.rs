//! Benchmarks and cross-validation of ndfactor against its peers (not published).
//!
//! * [`baseline`]: the hand-written reference, i.e. a copy into an F-order buffer and the raw
//!   LAPACK call on the same library, with a workspace query ([`lapack`] holds the FFI).
//! * [`inputs`]: the seeded matrices every contender factors (same values in C and F order).
//! * [`cli`]: argument lookup, the median and its confidence interval, and the interleaved
//!   timing loop, shared by the measuring binaries (`ab_probe`, `driver_probe`, ...).
//! * [`quick`]: the benchmark size lists (`NDFACTOR_BENCH_QUICK=1` keeps only n = 64, 256).
//!
//! Benchmarks live in `benches/`, the report generator in `src/bin/bench_report.rs`, the peak
//! memory probe in `src/bin/peak_mem.rs`, the cross-validation suite in `tests/`.

#![deny(unsafe_code)]

pub mod baseline;
pub mod cli;
pub mod inputs;
#[allow(unsafe_code)]
pub mod lapack;

/// Whether the benchmarks run in quick mode (`NDFACTOR_BENCH_QUICK=1`).
pub fn quick() -> bool {
    std::env::var("NDFACTOR_BENCH_QUICK").is_ok_and(|v| v != "0" && !v.is_empty())
}

/// Matrix orders for a benchmark whose largest size is `max` (1024 or 2048): 64, 256, 1024
/// (and 2048), or only 64 and 256 in quick mode.
pub fn sizes(max: usize) -> Vec<usize> {
    let all = [64usize, 256, 1024, 2048];
    let cap = if quick() { 256 } else { max };
    all.into_iter().filter(|&n| n <= cap).collect()
}
