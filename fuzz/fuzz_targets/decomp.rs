//! Fuzz target: factorizations (Lu, Cholesky both triangles, Ldlt, Qr, ColPivQr, Schur, sorted Schur, Eig, Svd, full/values-only Svd, SymmetricEigen and its subsets) with their solves, inverses, determinants and condition estimates, on every scalar type and layout, with the oracles of
//! `tests/harness/mod.rs` (shared with the in-tree proptest `tests/fuzz_props.rs`).
#![no_main]

#[path = "../../tests/harness/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::run_family(data, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});
