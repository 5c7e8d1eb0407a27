//! The ILP64 backend (feature `openblas64-system`): sizes past 2³¹ − 1 reach LAPACK, and a
//! factorization whose buffer `lda·n` passes 2³¹ gives the right answer. The large case needs
//! about 9 GB of memory and is `#[ignore]`d; `bash scripts/test-ilp64.sh` runs it.
#![cfg(feature = "openblas64-system")]

use ndarray::{Array2, ShapeBuilder};
use ndfactor::{BlasInt, Qr};

#[test]
fn sizes_past_i32_reach_lapack() {
    assert_eq!(std::mem::size_of::<BlasInt>(), 8);
    // The size conversions themselves (2³¹ and 50 000² accepted here) are unit tests of
    // src/lapack/buffer.rs, which run under this feature too.
    assert_eq!(
        ndfactor::backend().split_whitespace().next(),
        Some("OpenBLAS")
    );
}

/// QR of an `m×2` f32 matrix with `m = 1.1·10⁹`: `lda·n = 2.2·10⁹ > 2³¹`, so the second column
/// lives past the offsets a 32-bit index can reach. The few nonzeros (the rest is exactly 0)
/// make R known in closed form:
/// `a₀ = 3e₀ + 4e_{m−1}`, `a₁ = 2e_{m/2} + e_{m−1}` ⇒ `|r₀₀| = 5`, `|r₀₁| = 4/5`,
/// `|r₁₁| = ‖a₁ − (4/5)·a₀/5‖ = √4.36`. Every sum LAPACK forms adds exact zeros to at most three
/// nonzero terms, so the error bound is a small multiple of ε, not of `m·ε`.
#[test]
#[ignore = "needs ~9 GB of memory; run by scripts/test-ilp64.sh"]
fn qr_with_lda_times_n_past_i32() {
    let m: usize = 1_100_000_000;
    assert!(m * 2 > i32::MAX as usize);
    let mut a = Array2::<f32>::zeros((m, 2).f());
    a[(0, 0)] = 3.0;
    a[(m - 1, 0)] = 4.0;
    a[(m / 2, 1)] = 2.0;
    a[(m - 1, 1)] = 1.0;
    let qr = Qr::from_owned(a).unwrap();
    let r = qr.r();
    let eps = f32::EPSILON;
    let tol = 16.0 * eps;
    let want = [(0, 0, 5.0f32), (0, 1, 0.8), (1, 1, 4.36f32.sqrt())];
    for (i, j, w) in want {
        assert!(
            (r[(i, j)].abs() - w).abs() <= tol * w,
            "|R[{i},{j}]| = {} vs {w}",
            r[(i, j)].abs()
        );
    }
    // The Householder vectors are stored below R's diagonal, past offset 2³¹ in column 1: they
    // must have picked up the nonzeros at rows m/2 and m − 1 and nothing else.
    let f = qr.factors();
    assert!(f[(m - 1, 1)] != 0.0 && f[(m / 2, 1)] != 0.0 && f[(m - 1, 0)] != 0.0);
    // exact: rows with zeros in both columns stay zero under the reflectors (0·v = 0).
    for i in [2, 3, m / 4, m - 2] {
        assert_eq!((f[(i, 0)], f[(i, 1)]), (0.0, 0.0), "row {i}");
    }
}
