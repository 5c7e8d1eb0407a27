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

#[test]
fn ldlt_of_subnormal_two_by_two_block_has_a_number_for_det_and_rcond() {
    // cargo-fuzz `decomp`: a Hermitian matrix of subnormals factored with a 2×2 pivot. The block
    // determinant scaled by 1/max (= ∞) gave NaN, and ?hecon returned rcond = NaN.
    let a = array![
        [
            c64::new(-6.071e-320, 0.0),
            c64::new(-3.2379e-319, 4.19916e-319)
        ],
        [
            c64::new(-3.2379e-319, -4.19916e-319),
            c64::new(-2.32725e-319, 0.0)
        ]
    ];
    let ld = Ldlt::new(&a).unwrap();
    let d = ld.det();
    assert!(!d.re.is_nan() && !d.im.is_nan());
    // The same matrix scaled by 2^1060 (exactly) has the same rcond and det·2^-2120, up to the
    // precision subnormals keep: the spacing near 1e-319 is 5e-324, a relative 5e-5.
    let sub = 5e-324 / 1e-319;
    let big = a.mapv(|x| x * 2f64.powi(530) * 2f64.powi(530));
    let reference = Ldlt::new(&big).unwrap();
    let (r, r_ref) = (ld.rcond(), reference.rcond());
    assert!(r.is_finite() && r > 0.0);
    assert!((r - r_ref).abs() <= 10.0 * sub * r_ref, "{r} vs {r_ref}");
    let (sign, ln) = ld.ln_abs_det();
    let (sign_ref, ln_ref) = reference.ln_abs_det();
    assert_eq!(sign, sign_ref);
    let shift = 2120.0 * 2f64.ln();
    assert!(
        (ln + shift - ln_ref).abs() <= 10.0 * sub,
        "{ln} vs {ln_ref}"
    );
    // Real symmetric with a 2×2 pivot too.
    let s = array![[1e-320f64, 3e-320], [3e-320, -2e-320]];
    let ld = Ldlt::new(&s).unwrap();
    assert!(!ld.det().is_nan() && ld.rcond().is_finite() && ld.rcond() > 0.0);
}

#[test]
fn ldlt_block_with_the_largest_float_overflows_to_infinity_not_nan() {
    // proptest after the fix above: ⌊log₂ f64::MAX⌋ computed as log2().floor() is 1024 (the
    // logarithm rounds up), and 2^1024 = ∞ made the block's scale ∞ and det NaN.
    let a = array![[-6.25f64, f64::MAX], [f64::MAX, 0.0]];
    let ld = Ldlt::new(&a).unwrap();
    // exact: the product overflows to −∞; the sign is a product of ±1
    assert_eq!(ld.det(), f64::NEG_INFINITY);
    let (sign, ln) = ld.ln_abs_det();
    assert_eq!(sign, -1.0);
    assert!((ln - 2.0 * f64::MAX.ln()).abs() <= 1e-12 * ln, "{ln}");
    let c = a.mapv(|x| c64::new(x, 0.0));
    let d = Ldlt::new(&c).unwrap().det();
    assert!(d.re == f64::NEG_INFINITY && !d.im.is_nan(), "{d}");
}

#[test]
fn compress_never_returns_an_infinite_factor() {
    // cargo-fuzz `lowrank`: σ₁ = f64::MAX, and B = U·Σ overflowed where |u| rounds above σ₁'s
    // share. compress now reports NumericalBreakdown; any Ok must be finite.
    let a: Array2<f64> = array![
        [-1e-300, -1e-300, -1e-300, -1e-300, 1.7976931348623157e308],
        [3.0, 6.0, -0.5625, 1.75, 4.0625],
        [-6.125, -3.8125, -5.0, -2.6875, -0.375],
        [1.9375, 4.25, -5.9375, -3.625, -4.8125],
        [-2.5, -0.1875, 2.125, 4.4375, -5.75],
        [-3.4375, -4.625, -2.3125, 0.0, 2.3125],
        [4.625, -5.5625, -3.25, -4.4375, -2.125],
        [0.1875, 2.5, 4.8125, -5.375, -3.0625],
        [-4.25, -1.9375, 0.375, 2.6875, 5.0],
        [-5.1875, -2.875, -4.0625, -1.75, 0.5625],
        [2.875, 5.1875, -5.0, -6.1875, -3.875],
        [-1.5625, 0.75, 3.0625, 5.375, -4.8125],
        [-6.0, -3.6875, -1.375, 0.9375, 3.25],
        [5.5625, -4.625, -5.8125, -3.5, -1.1875],
        [1.125, 3.4375, 5.75, -4.4375, -5.625],
        [-3.3125, -1.0, 1.3125, 3.625, 5.9375],
        [-4.25, -5.4375, -3.125, -0.8125, 1.5],
        [3.8125, 6.125, -4.0625, -5.25, -2.9375],
        [-0.625, 1.6875, 4.0, -6.1875, -3.875],
        [-5.0625, -2.75, -0.4375, 1.875, 4.1875],
        [-6.0, -3.6875, -4.875, -2.5625, -0.25],
        [2.0625, 4.375, -5.8125, -3.5, -4.6875],
        [-2.375, -0.0625, 2.25, 4.5625, -5.625],
        [-3.3125, -4.5, -2.1875, 0.125, 2.4375],
        [4.75, -5.4375, -3.125, -4.3125, -2.0]
    ];
    match ndfactor::compress(&a, Rank::Fixed(1)) {
        Ok((lr, _)) => assert!(lr
            .left()
            .iter()
            .chain(lr.right().iter())
            .all(|x| x.is_finite())),
        Err(e) => assert!(matches!(e, Error::NumericalBreakdown { .. }), "{e:?}"),
    }
}

#[test]
fn eig_residual_of_balanced_rank_one_matrix() {
    // fuzz/crashes/decomp-eig-ratio: four equal rows r, column 1 of size 1e-8. ?geev's balancing
    // scales that column by 2^15 and the residual is small for the balanced matrix only: in A's
    // coordinates eig_ratio is 406.7 (numpy.linalg.eig gives 406.68 too). Without balancing it
    // is backward stable for A itself.
    use ndfactor::{verify, Balance, Eig, EigVectors};
    let r = [
        c64::new(1.4375, 5e-324),
        c64::new(-0.0, 1e-8),
        c64::new(0.3125, 1.75),
        c64::new(-6.125, -5.9375),
    ];
    let a = Array2::from_shape_fn((4, 4), |(_, j)| r[j]);
    let e = Eig::new(&a).unwrap();
    let balanced = verify::eig_ratio(&a, &e.values(), &e.vectors());
    assert!(
        balanced > 10.0 * verify::SCHUR_THRESHOLD,
        "balancing no longer inflates the residual ({balanced}): revisit the harness fallback"
    );
    let u = Eig::with_balance(&a, EigVectors::Right, Balance::None).unwrap();
    let plain = verify::eig_ratio(&a, &u.values(), &u.vectors());
    assert!(plain < verify::SCHUR_THRESHOLD, "{plain}");
}

#[test]
fn rcond_is_a_number_when_the_norm_overflows() {
    // cargo-fuzz `decomp`: Lu of a complex matrix with entries f64::MAX·(1 + i): ‖A‖₁ = ∞ and
    // ?gecon returned rcond = NaN. rcond is scale invariant, so it is estimated for 2^-k·A.
    let m = f64::MAX;
    let big = array![
        [c64::new(m, m), c64::new(m, 2.0)],
        [c64::new(-4.25, -1.9), c64::new(0.4, 2.7)]
    ];
    let small = big.mapv(|x| x * 2f64.powi(-1023));
    let (r, r_ref) = (
        Lu::new(&big).unwrap().rcond(),
        Lu::new(&small).unwrap().rcond(),
    );
    assert!(
        r.is_finite() && (r - r_ref).abs() <= 8.0 * f64::EPSILON * r_ref,
        "{r} vs {r_ref}"
    );

    let real = array![[m, m / 2.0, 1.0], [m / 2.0, m, 2.0], [1.0, 2.0, -3.0]];
    let half = real.mapv(|x| x * 2f64.powi(-1023));
    let (r, r_ref) = (
        Ldlt::new(&real).unwrap().rcond(),
        Ldlt::new(&half).unwrap().rcond(),
    );
    assert!(
        r.is_finite() && (r - r_ref).abs() <= 8.0 * f64::EPSILON * r_ref,
        "{r} vs {r_ref}"
    );
    let (r, r_ref) = (
        Lu::new(&real).unwrap().rcond(),
        Lu::new(&half).unwrap().rcond(),
    );
    assert!(
        r.is_finite() && (r - r_ref).abs() <= 8.0 * f64::EPSILON * r_ref,
        "{r} vs {r_ref}"
    );

    // The other condition estimates must not be NaN either.
    let spd = array![[m, m / 4.0], [m / 4.0, m]];
    if let Ok(c) = ndfactor::Cholesky::new(&spd) {
        assert!(!c.rcond().is_nan());
    }
    if let Ok(q) = ndfactor::Qr::new(&real) {
        assert!(!q.rcond().is_nan());
    }
    let f = ndfactor::factorize(&real).unwrap();
    assert!(!f.rcond().is_nan(), "{:?}", f.kind());
    let tri = array![[m, m, 0.0], [m, m / 2.0, m], [0.0, 1.0, 3.0]];
    if let Ok(t) = ndfactor::TridiagonalLu::from_matrix(&tri) {
        assert!(!t.rcond().is_nan());
    }
}

#[test]
fn factorize_symmetrises_entries_near_the_largest_float_without_overflow() {
    // cargo-fuzz `matfun_auto`: the symmetry defect (≈ 2) is far below 8·n·ε·‖A‖_max, so
    // factorize symmetrises; (a₀₀ + a₀₀)/2 overflowed to −∞ and the finite input was reported
    // as NonFinite at (0, 0).
    let m = f64::MAX;
    let a = array![
        [-m, -6.25, -6.25, 6.1875],
        [-4.0, -5.1875, -2.875, -0.5625],
        [1.75, 4.0625, -6.125, -3.8125],
        [-5.0, -2.6875, -0.375, 1.9375]
    ];
    let f = ndfactor::factorize(&a).unwrap();
    assert!(f.explain().contains("nearly symmetric"), "{}", f.explain());
    assert!(!f.rcond().is_nan());
    match ndfactor::auto::solve(&a, &array![1.0, 2.0, 3.0, 4.0]) {
        Ok(x) => assert!(x.iter().all(|v| v.is_finite())),
        Err(e) => assert!(
            matches!(e, Error::NumericalBreakdown { .. } | Error::Singular { .. }),
            "{e:?}"
        ),
    }
}

#[test]
fn rcond_when_the_inverse_overflows_is_zero_not_nan() {
    // cargo-fuzz `decomp`: Hermitian diag(−6.0625, −6.0625, 1e-310) through Ldlt. ?hecon solves
    // with the factors unscaled, ‖A⁻¹‖ ≈ 1e310 overflows and its estimator returned NaN. The
    // true rcond (≈ 1.6e-311) is below any threshold: 0.
    let a = array![
        [
            c64::new(-6.0625, 0.0),
            c64::new(0.0, 0.0),
            c64::new(0.0, 0.0)
        ],
        [
            c64::new(0.0, 0.0),
            c64::new(-6.0625, 0.0),
            c64::new(0.0, 0.0)
        ],
        [
            c64::new(0.0, 0.0),
            c64::new(0.0, 0.0),
            c64::new(1e-310, 0.0)
        ]
    ];
    let r = Ldlt::new(&a).unwrap().rcond();
    assert!((0.0..f64::EPSILON).contains(&r), "{r}");
    // Uniformly tiny matrices keep their true rcond (scaled internally, not the 0 above).
    let t = array![
        [4e-310f64, 1e-310, 0.0],
        [1e-310, 4e-310, 1e-310],
        [0.0, 1e-310, 4e-310]
    ];
    let reference =
        ndfactor::TridiagonalLu::from_matrix(&t.mapv(|x| x * 2f64.powi(515) * 2f64.powi(515)))
            .unwrap()
            .rcond();
    let tiny = ndfactor::TridiagonalLu::from_matrix(&t).unwrap().rcond();
    assert!(
        (tiny - reference).abs() <= 1e-3 * reference,
        "{tiny} vs {reference}"
    );
    assert!(Ldlt::new(&t).unwrap().rcond() > 0.1);
}

#[test]
fn shifted_cholesky_of_entries_near_the_largest_float() {
    // cargo-fuzz `matfun_auto`: A + τ·I overflowed on the diagonal (f64::MAX + τ = ∞) and the
    // finite input was reported as NonFinite at (0, 0).
    let m = f64::MAX;
    let a = array![[m, -2.6875, 1.0], [-2.6875, -0.375, 4.0], [1.0, 4.0, -3.0]];
    match ndfactor::Cholesky::with_shift(&a) {
        Ok(s) => assert!(s.shift().is_finite()),
        Err(e) => assert!(matches!(e, Error::NumericalBreakdown { .. }), "{e:?}"),
    }
}

#[test]
fn triangular_rcond_with_entries_near_the_largest_float() {
    // cargo-fuzz `decomp`: Qr::rcond of a matrix whose R holds ±f64::MAX: ?trcon's own ‖R‖₁
    // overflowed and rcond was NaN. It is now estimated for 2^-k·R (scale invariant).
    let m = f64::MAX;
    let r = array![[1.0, m, -m], [0.0, 2.0, 1.0], [0.0, 0.0, 3.0]];
    let f = ndfactor::factorize(&r).unwrap();
    let scaled = r.mapv(|x| x * 2f64.powi(-1023));
    let reference = ndfactor::factorize(&scaled).unwrap().rcond();
    let rc = f.rcond();
    assert!(
        rc.is_finite() && (rc - reference).abs() <= 8.0 * f64::EPSILON * reference,
        "{rc} vs {reference}"
    );
    if let Ok(q) = ndfactor::Qr::new(&r) {
        assert!(!q.rcond().is_nan());
    }
}
