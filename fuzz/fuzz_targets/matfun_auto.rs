//! Fuzz target: factorize (with solve/det/rcond), auto::solve/inv/det, expm, sqrtm, logm and Cholesky::with_shift, on every scalar type and layout, with the oracles of
//! `tests/harness/mod.rs` (shared with the in-tree proptest `tests/fuzz_props.rs`).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::run_family(data, &[13, 14, 19, 20, 21, 22]);
});
