//! SVD through the LAPACK-style sweep (ddrvbd): scalar types × layouts × tall/square/wide
//! shapes × matrix types, plus seeds, empty shapes, bad input and the LAPACK#316 regression.
mod common;

use common::{check_ratio, for_each_layout, SMALL_SIZES};
use ndarray::{array, Array1, Array2};
use ndfactor::testing::{self, MatrixType};
use ndfactor::{verify, Error, LinalgExt, Lu, RealScalar, Scalar, Svd, SymmetricEigen};

/// The SVD test types: LAPACK's dlatms families plus rank-deficient and clustered spectra.
#[derive(Debug, Clone, Copy)]
enum SvdType {
    Lapack(MatrixType),
    RankDeficient,
    Clustered,
}

const TYPES: &[SvdType] = &[
    SvdType::Lapack(MatrixType::Zero),
    SvdType::Lapack(MatrixType::Identity),
    SvdType::Lapack(MatrixType::Diagonal),
    SvdType::Lapack(MatrixType::UpperTriangular),
    SvdType::Lapack(MatrixType::Random),
    SvdType::Lapack(MatrixType::IllConditioned),
    SvdType::Lapack(MatrixType::VeryIllConditioned),
    SvdType::Lapack(MatrixType::NearUnderflow),
    SvdType::Lapack(MatrixType::NearOverflow),
    SvdType::RankDeficient,
    SvdType::Clustered,
];

fn generate<T: Scalar>(
    ty: SvdType,
    m: usize,
    n: usize,
    rng: &mut ndfactor::testing::SeededRng,
) -> Array2<T> {
    let k = m.min(n);
    match ty {
        SvdType::Lapack(t) => testing::matrix(t, m, n, rng),
        SvdType::RankDeficient => testing::rank_deficient(m, n, k / 2, rng),
        SvdType::Clustered => {
            // Nearly equal singular values 1, 1 − 2ε, 1 − 4ε, … (ddrvbd type 5 style).
            let eps = T::eps();
            let sigma: Vec<T::Real> = (0..k)
                .map(|i| T::Real::from_f64(1.0) - eps * T::Real::from_f64(2.0 * i as f64))
                .collect();
            testing::with_singular_values(m, n, &sigma, rng)
        }
    }
}

fn adjoint<T: Scalar, S: ndarray::Data<Elem = T>>(
    a: &ndarray::ArrayBase<S, ndarray::Ix2>,
) -> Array2<T> {
    a.t().mapv(|x| x.conj())
}

/// σ ≥ 0 and non-increasing, exactly.
fn assert_sorted_nonnegative<R: RealScalar>(s: &[R], ctx: &dyn Fn() -> String) {
    let zero = R::from_f64(0.0);
    assert!(s.iter().all(|&x| x >= zero), "negative σ ({})", ctx());
    assert!(
        s.windows(2).all(|w| w[0] >= w[1]),
        "σ not descending ({})",
        ctx()
    );
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_0005);
    for &m in SMALL_SIZES {
        for &n in SMALL_SIZES {
            for &ty in TYPES {
                let a: Array2<T> = generate(ty, m, n, &mut rng);
                let k = m.min(n);
                let ctx = || format!("{} {m}×{n} {ty:?}", T::NAME);
                let thin = Svd::new(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                assert_eq!(thin.u().dim(), (m, k));
                assert_eq!(thin.vt().dim(), (k, n));
                assert_eq!(thin.s().len(), k);
                let s = thin.s().to_vec();
                assert_sorted_nonnegative(&s, &ctx);
                check_ratio(
                    &format!("svd/thin residual {}", T::NAME),
                    verify::svd_ratio(&a, &thin.u(), &thin.s(), &thin.vt()),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("svd/orth U {}", T::NAME),
                    verify::orthogonality_ratio(&thin.u()),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("svd/orth V {}", T::NAME),
                    verify::orthogonality_ratio(&adjoint(&thin.vt())),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("svd/reconstruct {}", T::NAME),
                    verify::reconstruction_ratio(&a, &thin.reconstruct(), m.max(n)),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );

                let full = Svd::full(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                assert_eq!(full.u().dim(), (m, m));
                assert_eq!(full.vt().dim(), (n, n));
                assert_sorted_nonnegative(&full.s().to_vec(), &ctx);
                check_ratio(
                    &format!("svd/full residual {}", T::NAME),
                    verify::svd_ratio(&a, &full.u(), &full.s(), &full.vt()),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("svd/orth U {}", T::NAME),
                    verify::orthogonality_ratio(&full.u()),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("svd/orth V {}", T::NAME),
                    verify::orthogonality_ratio(&adjoint(&full.vt())),
                    verify::SVD_THRESHOLD,
                    &ctx,
                );

                // Values only (JOBZ = 'N') against the thin and full σ:
                // max|σ − σ_N| / (min(m, n)·ε·σ₁).
                let sv = Svd::values(&a).unwrap();
                assert_sorted_nonnegative(&sv.to_vec(), &ctx);
                let s1 = s.first().copied().unwrap_or(T::Real::from_f64(0.0));
                for other in [thin.s(), full.s()] {
                    let diff = other
                        .iter()
                        .zip(sv.iter())
                        .fold(T::Real::from_f64(0.0), |mx, (x, y)| mx.max((*x - *y).abs()));
                    check_ratio(
                        &format!("svd/values vs vectors {}", T::NAME),
                        verify::ratio::<T>(diff, s1, k),
                        verify::SVD_THRESHOLD,
                        &ctx,
                    );
                }
                if let SvdType::Lapack(MatrixType::Zero) = ty {
                    assert!(s.iter().all(|&x| x == T::Real::from_f64(0.0)));
                    assert_eq!(thin.rank(None).unwrap(), 0);
                }
                if let SvdType::RankDeficient = ty {
                    assert_eq!(thin.rank(None).unwrap(), k / 2, "{}", ctx());
                }
                if let SvdType::Lapack(MatrixType::Identity) = ty {
                    assert!(s
                        .iter()
                        .all(|&x| (x - T::Real::from_f64(1.0)).abs() <= T::eps()));
                }

                // Every layout gives bit-identical results (one copy into F order).
                if m <= 26 && n <= 26 {
                    for_each_layout(&a, |layout, v| {
                        let d = Svd::new(&v).unwrap();
                        assert_eq!(d.s(), thin.s(), "{} {layout:?}", ctx());
                        assert_eq!(d.u(), thin.u(), "{} {layout:?}", ctx());
                        assert_eq!(d.vt(), thin.vt(), "{} {layout:?}", ctx());
                    });
                }
            }
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn known_singular_values<T: Scalar>() {
    // The seed's 4×5 matrix: σ = 3, √5, 2, 0.
    let a: Array2<T> = array![
        [1.0, 0.0, 0.0, 0.0, 2.0],
        [0.0, 0.0, 3.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 2.0, 0.0, 0.0, 0.0]
    ]
    .mapv(T::from_f64);
    let expected = [3.0, 5f64.sqrt(), 2.0, 0.0];
    let tol = 4.0 * 5.0 * T::eps().to_f64() * 3.0;
    for svd in [
        Svd::new(&a).unwrap(),
        Svd::full(&a).unwrap(),
        a.svd().unwrap(),
    ] {
        for (s, e) in svd.s().iter().zip(expected) {
            assert!((s.to_f64() - e).abs() <= tol, "{} {s} vs {e}", T::NAME);
        }
        assert_eq!(svd.rank(None).unwrap(), 3);
        assert_eq!(svd.cond().unwrap(), T::Real::infinity());
        assert!((svd.norm2().to_f64() - 3.0).abs() <= tol);
    }
    let sv = Svd::values(&a).unwrap();
    for (s, e) in sv.iter().zip(expected) {
        assert!((s.to_f64() - e).abs() <= tol);
    }

    // The SPD seed: singular values are the eigenvalues (reversed).
    let b: Array2<T> = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]].mapv(T::from_f64);
    let svd = Svd::new(&b).unwrap();
    let lam = SymmetricEigen::values_only(&b).unwrap();
    let tol = 50.0 * 3.0 * T::eps().to_f64() * svd.norm2().to_f64();
    for (s, l) in svd.s().iter().zip(lam.iter().rev()) {
        assert!(
            (s.to_f64() - l.to_f64()).abs() <= tol,
            "{} {s} vs {l}",
            T::NAME
        );
    }
    // det = 67 = ∏σ.
    let det: f64 = svd.s().iter().map(|s| s.to_f64()).product();
    assert!((det - 67.0).abs() <= 67.0 * tol);
    check_ratio(
        &format!("svd/thin residual {}", T::NAME),
        verify::svd_ratio(&b, &svd.u(), &svd.s(), &svd.vt()),
        verify::SVD_THRESHOLD,
        &|| "SPD seed".into(),
    );
}
per_scalar!(seeds, known_singular_values);

fn rank_and_condition<T: Scalar>() {
    let mut rng = testing::rng(21);
    for (m, n, r) in [
        (10usize, 6usize, 3usize),
        (6, 10, 5),
        (30, 30, 1),
        (8, 8, 8),
    ] {
        let a: Array2<T> = testing::rank_deficient(m, n, r, &mut rng);
        let svd = Svd::new(&a).unwrap();
        assert_eq!(svd.rank(None).unwrap(), r, "{} {m}×{n}", T::NAME);
        let sv = Svd::values(&a).unwrap();
        let tol = T::Real::from_f64(m.max(n) as f64) * T::eps() * sv[0];
        assert_eq!(sv.iter().filter(|&&s| s > tol).count(), r);
        assert_eq!(svd.rank(Some(T::Real::from_f64(2.0))).unwrap(), 0);
        assert!(svd.rank(Some(T::Real::from_f64(0.0))).unwrap() >= r);
    }
    // cond of a matrix with known spectrum.
    let c = 1e3;
    let sigma = testing::geometric_spectrum::<T::Real>(12, T::Real::from_f64(c));
    let a: Array2<T> = testing::with_singular_values(15, 12, &sigma, &mut rng);
    let svd = Svd::new(&a).unwrap();
    let cond = svd.cond().unwrap().to_f64();
    let tol = 50.0 * 15.0 * T::eps().to_f64() * c;
    assert!((cond - c).abs() <= tol * c, "{} cond {cond}", T::NAME);
    assert!((svd.norm2().to_f64() - 1.0).abs() <= 50.0 * 15.0 * T::eps().to_f64());
    // Invalid tolerances.
    for bad in [T::Real::from_f64(-1.0), T::Real::nan()] {
        assert!(matches!(
            svd.rank(Some(bad)),
            Err(Error::InvalidArgument { .. })
        ));
    }
}
per_scalar!(rank_cond, rank_and_condition);

fn empty_shapes<T: Scalar>() {
    for (m, n) in [(0usize, 0usize), (4, 0), (0, 3)] {
        let a = Array2::<T>::zeros((m, n));
        let thin = Svd::new(&a).unwrap();
        assert_eq!(thin.u().dim(), (m, 0));
        assert_eq!(thin.s().len(), 0);
        assert_eq!(thin.vt().dim(), (0, n));
        assert_eq!(thin.reconstruct().dim(), (m, n));
        let full = Svd::full(&a).unwrap();
        assert_eq!(full.u(), Array2::<T>::eye(m));
        assert_eq!(full.vt(), Array2::<T>::eye(n));
        assert_eq!(full.s().len(), 0);
        assert_eq!(Svd::values(&a).unwrap().len(), 0);
        assert_eq!(thin.rank(None).unwrap(), 0);
        // exact: the 2-norm of an empty matrix is 0
        assert_eq!(thin.norm2(), T::Real::from_f64(0.0));
        assert!(matches!(thin.cond(), Err(Error::Empty { .. })));
        assert_eq!(
            verify::svd_ratio(&a, &thin.u(), &thin.s(), &thin.vt()),
            T::Real::from_f64(0.0)
        );
    }
}
per_scalar!(empty, empty_shapes);

fn non_finite_input<T: Scalar>() {
    // NaN/Inf never reach ?gesdd (it hangs on Inf below n = 26, RELIABILITY §3.1): these return
    // at once; a hang would be caught by the test timeout.
    let bad = [
        T::from_real(T::Real::nan()),
        T::from_real(T::Real::infinity()),
        T::from_real(T::Real::neg_infinity()),
    ];
    for v in bad {
        for (m, n, r, c) in [
            (3usize, 3usize, 0usize, 0usize),
            (3, 5, 2, 4),
            (30, 30, 15, 7),
        ] {
            let mut a = Array2::<T>::ones((m, n));
            for i in 0..m.min(n) {
                a[(i, i)] = T::from_f64((m + 1) as f64);
            }
            a[(r, c)] = v;
            let want = Error::NonFinite { row: r, col: c };
            assert_eq!(Svd::new(&a).unwrap_err(), want);
            assert_eq!(Svd::full(&a).unwrap_err(), want);
            assert_eq!(Svd::values(&a).unwrap_err(), want);
            assert_eq!(Svd::from_owned(a.clone()).unwrap_err(), want);
            assert_eq!(a.view().svd().unwrap_err(), want);
        }
    }
}
per_scalar!(non_finite, non_finite_input);

/// Companion matrix of the truncated exponential series (Reference-LAPACK#316, Julia #31023):
/// first row `−c_i/c_1` for `c = reversed(1, 1/1!, …, 1/N!)` (or not reversed), ones on the
/// subdiagonal.
fn graded_companion(n: usize, reversed: bool) -> Array2<f64> {
    let mut fact = vec![1.0f64; n + 1];
    for i in 1..=n {
        fact[i] = fact[i - 1] * i as f64;
    }
    let c: Vec<f64> = (0..=n)
        .map(|j| {
            if reversed {
                1.0 / fact[n - j]
            } else {
                1.0 / fact[j]
            }
        })
        .collect();
    let mut a = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        a[(0, j)] = -c[j + 1] / c[0];
    }
    for i in 1..n {
        a[(i, i - 1)] = 1.0;
    }
    a
}

/// σ_min of the companion matrix three ways: reference `1/‖A⁻¹‖₂` (A⁻¹ from LU, whose largest
/// singular value is accurate), values only, and from the decompositions.
fn companion_case(reversed: bool) -> (f64, f64, f64, f64) {
    let n = 30;
    let a = graded_companion(n, reversed);
    let inv = Lu::new(&a).unwrap().inverse().unwrap();
    let reference = 1.0 / Svd::values(&inv).unwrap()[0];
    let smin_values = Svd::values(&a).unwrap()[n - 1];
    let thin = Svd::new(&a).unwrap();
    let full = Svd::full(&a).unwrap();
    // The decompositions are backward stable whatever their σ_min.
    assert!(verify::svd_ratio(&a, &thin.u(), &thin.s(), &thin.vt()) < verify::SVD_THRESHOLD);
    assert!(verify::svd_ratio(&a, &full.u(), &full.s(), &full.vt()) < verify::SVD_THRESHOLD);
    let (s_thin, s_full) = (thin.s()[n - 1], full.s()[n - 1]);
    println!(
        "LAPACK#316 n={n} reversed={reversed}: σ₁ {:.3e}, reference σ_min {reference:.3e}, \
         values-only {smin_values:.3e}, thin gesdd {s_thin:.3e}, full gesdd {s_full:.3e}",
        thin.s()[0]
    );
    (reference, smin_values, s_thin, thin.s()[0])
}

#[test]
fn graded_companion_small_singular_value_lapack_316() {
    // What holds on OpenBLAS 0.3.21 (measured): at N = 30 neither orientation reproduces the
    // "values-only within ×10 of gesvd" claim. Both paths return σ_min at the noise floor
    // ε·σ₁, and agree with the reference only to the backward-error bound.
    //
    // c reversed (LAPACK#316's construction): σ₁ ≈ 1.5·N! and, by interlacing with the
    // subdiagonal identity block, σ₂ … σ_{N−1} = 1 and σ_min = N!/σ₁ ≈ 0.66. Measured:
    // values-only 3.6e-15, gesdd with vectors 1.3e15, both well within ε·σ₁ ≈ 9e16.
    let (reference, values, thin, s1) = companion_case(true);
    assert!((reference - 0.662).abs() < 0.01, "{reference}");
    let bound = 50.0 * 30.0 * f64::EPSILON * s1;
    assert!((values - reference).abs() <= bound);
    assert!((thin - reference).abs() <= bound);
    // c = (1, 1/1!, …, 1/N!): σ₁ ≈ 1.5, true σ_min ≈ 1/(1.5·N!) ≈ 2.5e-33; every path returns
    // ≈ 3e-17 (= O(ε·σ₁)), again only within the backward-error bound.
    let (reference, values, thin, s1) = companion_case(false);
    assert!(reference < 1e-30, "{reference}");
    let bound = 50.0 * 30.0 * f64::EPSILON * s1;
    assert!((values - reference).abs() <= bound);
    assert!((thin - reference).abs() <= bound);
}

#[test]
fn from_owned_matches_new() {
    let mut rng = testing::rng(4);
    let a: Array2<f64> = testing::gaussian(7, 4, &mut rng);
    let x = Svd::new(&a).unwrap();
    let y = Svd::from_owned(a.clone()).unwrap();
    assert_eq!(x.s(), y.s());
    assert_eq!(x.u(), y.u());
    let s: Array1<f64> = x.s().to_owned();
    assert_eq!(s.len(), 4);
    assert_eq!(x.dim(), (7, 4));
}

/// OpenBLAS 0.3.21's complex ?gemv_n kernels read past the end of the matrix (OpenBLAS#5000);
/// from ?gesdd on a 300×200 c64 matrix this crashed 40% of runs when the buffer ended at an
/// unmapped page. ndfactor keeps spare capacity after complex LAPACK buffers
/// (`layout::tail_pad`); repeated fresh allocations exercise the page boundary.
#[test]
fn complex_gesdd_over_read_regression() {
    for seed in 0..12u64 {
        let a: Array2<ndfactor::c64> = testing::gaussian(300, 200, &mut testing::rng(seed));
        let svd = Svd::new(&a).unwrap();
        assert_eq!(svd.s().len(), 200);
        let owned = Svd::from_owned(a.reversed_axes().reversed_axes()).unwrap();
        assert_eq!(owned.s().len(), 200);
    }
}
