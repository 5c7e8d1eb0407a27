//! Regression tests for the failures the fuzz harness (tests/harness, fuzz/) found. Each was an
//! Ok result holding ∞/NaN, a misleading `NonFinite` for finite input, or a near-endless loop.

use ndarray::{array, Array2};
use ndfactor::{c64, Error, Ldlt, Lu, Pca, RandomizedSvd, Rank};

fn breakdown<T>(r: ndfactor::Result<T>) -> bool {
    matches!(r, Err(Error::NumericalBreakdown { .. }))
}

#[test]
fn overflowing_solves_are_numerical_breakdown() {
    // Nonsingular, but x = 1e310 overflows.
    let a = array![[1e-300f64, 0.0], [0.0, 1.0]];
    let b = array![1e10, 1.0];
    assert!(breakdown(Lu::new(&a).unwrap().solve(&b)));
    assert!(breakdown(ndfactor::Cholesky::new(&a).unwrap().solve(&b)));
    assert!(breakdown(ndfactor::Qr::new(&a).unwrap().solve(&b)));
    // factorize: diagonal division and triangular substitution.
    assert!(breakdown(ndfactor::factorize(&a).unwrap().solve(&b)));
    let t = array![[1e-300f64, 1.0], [0.0, 1.0]];
    assert!(breakdown(ndfactor::factorize(&t).unwrap().solve(&b)));
}

#[test]
fn lu_inverse_unscaling_overflow_is_numerical_breakdown() {
    // Tiny entries: Lu scales by 2^k before ?getrf; the inverse (≈1e320) overflows on unscaling.
    let a = array![[1e-320f64, 0.0], [0.0, 1e-320]];
    assert!(breakdown(Lu::new(&a).unwrap().inverse()));
}

#[test]
fn determinants_overflow_to_infinity_never_nan() {
    let z = c64::new(1e300, 1.5);
    let a = Array2::from_diag(&ndarray::Array1::from_elem(3, z));
    let d = Lu::new(&a).unwrap().det();
    assert!(
        !d.re.is_nan() && !d.im.is_nan() && d.norm().is_infinite(),
        "{d}"
    );
    let d = ndfactor::factorize(&a).unwrap().det().unwrap();
    assert!(!d.re.is_nan() && !d.im.is_nan(), "{d}");
    // Real: overflow meeting an exact zero (∞·0).
    let r = array![[1e300f64, 0.0, 0.0], [0.0, 1e300, 0.0], [0.0, 0.0, 1e300]];
    assert_eq!(
        ndfactor::factorize(&r).unwrap().det().unwrap(),
        f64::INFINITY
    );
    // Ldlt 2×2 block with ad − bc = ∞ − ∞.
    let s = array![[1e300f64, 1e300], [1e300, -1e300]];
    let d = Ldlt::new(&s).unwrap().det();
    assert!(!d.is_nan() && d == f64::NEG_INFINITY, "{d}");
}

#[test]
fn expm_of_huge_entries_stops_instead_of_squaring_forever() {
    // ‖A‖₁ = ∞ in floating point made the squaring count 2³¹.
    let a = Array2::from_elem((4, 4), f64::MAX);
    let t = std::time::Instant::now();
    assert!(breakdown(ndfactor::expm(&a)));
    assert!(t.elapsed().as_secs() < 5);
    // Scaled before squaring: e^{−1e300·I} underflows to exactly 0, no spurious error.
    let neg = Array2::<f64>::eye(3) * -1e300;
    assert_eq!(ndfactor::expm(&neg).unwrap(), Array2::<f64>::zeros((3, 3)));
    // A moderately large normal matrix still works.
    let a = array![[0.0f64, -300.0], [300.0, 0.0]];
    let e = ndfactor::expm(&a).unwrap();
    assert!((e[(0, 0)] - 300f64.cos()).abs() < 1e-10);
}

#[test]
fn sqrtm_of_subnormal_eigenvalues_is_not_nan() {
    let a = array![[5e-324f64, 1.0], [0.0, 1e-320]];
    match ndfactor::sqrtm(&a) {
        Ok(x) => assert!(x.iter().all(|v| v.is_finite())),
        Err(e) => assert!(
            matches!(
                e,
                Error::NumericalBreakdown { .. } | Error::InvalidArgument { .. }
            ),
            "{e:?}"
        ),
    }
}

#[test]
fn randomized_svd_of_huge_entries() {
    let mut a: Array2<f64> = ndfactor::testing::gaussian(20, 8, &mut ndfactor::testing::rng(1));
    let exact = ndfactor::Svd::values(&a).unwrap();
    a.mapv_inplace(|x| x * 1e300);
    let t = RandomizedSvd::new(3).seed(2).compute(&a).unwrap();
    for (x, y) in t.s().iter().zip(&exact) {
        assert!((x / 1e300 / y - 1.0).abs() < 1e-10, "{x} vs {y}e300");
    }
    let tiny = a.mapv(|x| x / 1e300 * 1e-310); // subnormal entries
    let t = RandomizedSvd::new(3).seed(2).compute(&tiny).unwrap();
    assert!(t.s()[0] > 0.0);
}

#[test]
fn pca_of_entries_near_the_largest_float() {
    // The plain column sum 3e308 overflows; Σ xᵢ/n does not.
    let x = array![[1e308f64, 1.0], [1e308, 2.0], [1e308, 4.0]];
    let p = Pca::new(Rank::Fixed(1)).fit(&x).unwrap();
    assert!((p.mean()[0] / 1e308 - 1.0).abs() < 1e-15);
    let y = array![[f64::MAX, 1.0], [-f64::MAX, 2.0], [0.0, 4.0]];
    assert!(breakdown(Pca::new(Rank::Fixed(1)).fit(&y)));
}
