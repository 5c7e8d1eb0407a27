//! Fuzz target: low-rank entry points (pinv, pinv_with, lstsq, rank, null_space, range, cond, RandomizedSvd, Pca, compress/truncate with every Rank rule), on every scalar type and layout, with the oracles of
//! `tests/harness/mod.rs` (shared with the in-tree proptest `tests/fuzz_props.rs`).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::run_family(data, &[15, 16, 17, 18, 23]);
});
