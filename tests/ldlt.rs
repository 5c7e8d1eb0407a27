//! Bunch–Kaufman LDLᴴ: scalar types × layouts × sizes on indefinite matrices, inertia, singular D.
mod common;

use common::{check_ratio, for_each_layout, SIZES};
use ndarray::{array, Array2, ShapeBuilder};
use ndfactor::testing::{self, MatrixType};
use ndfactor::{verify, Error, Inertia, Ldlt, LinalgExt, RealScalar, Scalar, Symmetry, Uplo};
use rand::Rng;

/// `Q·diag(λ)·Qᴴ` with Haar `Q`, made exactly Hermitian.
fn with_eigenvalues<T: Scalar>(lam: &[f64], rng: &mut impl Rng) -> Array2<T> {
    let n = lam.len();
    let q: Array2<T> = testing::random_unitary(n, rng);
    let mut ql = q.clone();
    for (j, &l) in lam.iter().enumerate() {
        ql.column_mut(j)
            .mapv_inplace(|x| x.scale(T::Real::from_f64(l)));
    }
    let mut a = ql.dot(&common::adjoint(&q));
    testing::hermitian_part(&mut a);
    a
}

/// Mixed-sign eigenvalues with magnitudes in [1, 2] (or geometric to 1/cond).
fn mixed_signs(n: usize, cond: f64, rng: &mut impl Rng) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t = if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                0.0
            };
            let m = cond.powf(-t);
            if rng.random_bool(0.5) {
                m
            } else {
                -m
            }
        })
        .collect()
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x1d17);
    for &n in SIZES {
        let conds = [2.0, (0.1 / T::eps().to_f64()).sqrt()];
        let mut mats: Vec<(String, Array2<T>)> = conds
            .iter()
            .map(|&c| {
                let lam = mixed_signs(n, c, &mut rng);
                (
                    format!("Q·Λ·Qᴴ cond {c:.1e}"),
                    with_eigenvalues(&lam, &mut rng),
                )
            })
            .collect();
        let mut g: Array2<T> = testing::gaussian(n, n, &mut rng);
        testing::hermitian_part(&mut g);
        mats.push(("symmetrised Gaussian".into(), g));
        for (name, a) in &mats {
            let ctx = || format!("{} n={n} {name}", T::NAME);
            for uplo in [Uplo::Lower, Uplo::Upper] {
                let ld = Ldlt::with_options(a, uplo, Symmetry::Hermitian).unwrap();
                if n >= 63 {
                    // The conversion of 2×2 blocks and interchanges is exercised.
                    assert!(ld.pivots().iter().any(|&p| p < 0), "{}", ctx());
                    assert!(ld.perm().iter().enumerate().any(|(i, &p)| i != p));
                }
                check_ratio(
                    &format!("ldlt/factor {}", T::NAME),
                    verify::ldlt_ratio(a, &ld),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // The explicit factors: P·A·Pᵀ = L·D·Lᴴ with L unit lower triangular.
                let l = ld.l();
                for i in 0..n {
                    assert_eq!(l[(i, i)], T::one());
                    for j in i + 1..n {
                        assert_eq!(l[(i, j)], T::zero());
                    }
                }
                let p = ld.p();
                let pap = p.dot(a).dot(&p.t());
                let ldl = l.dot(&ld.d()).dot(&common::adjoint(&l));
                check_ratio(
                    &format!("ldlt/factor {}", T::NAME),
                    verify::reconstruction_ratio(&pap, &ldl, n),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("ldlt/factor {}", T::NAME),
                    verify::reconstruction_ratio(a, &ld.reconstruct(), n),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                for nrhs in [1usize, 2, 15] {
                    let b: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
                    let x = ld.solve(&b).unwrap();
                    check_ratio(
                        &format!("ldlt/solve {}", T::NAME),
                        verify::solve_ratio(a, &x, &b),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    );
                }
                let inv = ld.inverse().unwrap();
                check_ratio(
                    &format!("ldlt/inverse {}", T::NAME),
                    verify::inverse_ratio(a, &inv),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                if n > 0 {
                    let exact = T::Real::from_f64(1.0) / (verify::norm1(a) * verify::norm1(&inv));
                    check_ratio(
                        &format!("ldlt/rcond {}", T::NAME),
                        verify::rcond_ratio(ld.rcond(), exact),
                        verify::RCOND_THRESHOLD,
                        &ctx,
                    );
                }
            }
            // Layout invariance: bit-identical factors from every layout.
            let reference = Ldlt::new(a).unwrap();
            for_each_layout(a, |layout, v| {
                let ld = Ldlt::new(&v).unwrap();
                assert_eq!(ld.factors(), reference.factors(), "{} {layout:?}", ctx());
                assert_eq!(ld.pivots(), reference.pivots());
            });
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn inertia_known<T: Scalar>() {
    let mut rng = testing::rng(21);
    for n in [1usize, 2, 5, 30, 64] {
        for zeros in [0usize, 1, 3] {
            if zeros > n {
                continue;
            }
            // Positive, negative and exactly zero eigenvalues; the zeros are put in exactly by
            // using a diagonal matrix conjugated by a permutation-with-signs (exact arithmetic).
            let mut lam = mixed_signs(n, 4.0, &mut rng);
            for z in lam.iter_mut().take(zeros) {
                *z = 0.0;
            }
            let expected = Inertia {
                positive: lam.iter().filter(|&&l| l > 0.0).count(),
                negative: lam.iter().filter(|&&l| l < 0.0).count(),
                zero: zeros,
            };
            let ctx = || format!("{} n={n} zeros={zeros}", T::NAME);
            if zeros == 0 {
                let a: Array2<T> = with_eigenvalues(&lam, &mut rng);
                let ld = Ldlt::new(&a).unwrap();
                assert_eq!(ld.inertia(), Some(expected), "{}", ctx());
                // det sign = (−1)^negative.
                let (sign, _) = ld.ln_abs_det();
                let want = if expected.negative % 2 == 0 {
                    1.0
                } else {
                    -1.0
                };
                assert_eq!(sign, T::from_f64(want), "{}", ctx());
            } else {
                // Exact zeros survive only exact arithmetic: scramble a diagonal with a random
                // symmetric permutation (no rounding).
                let mut order: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    order.swap(i, rng.random_range(0..=i));
                }
                let mut a = Array2::<T>::zeros((n, n));
                for (i, &k) in order.iter().enumerate() {
                    a[(i, i)] = T::from_f64(lam[k]);
                }
                let ld = Ldlt::new(&a).unwrap();
                assert_eq!(ld.inertia(), Some(expected), "{}", ctx());
                assert!(ld.singular_at().is_some());
                // exact: the zero pivot is exact (structurally singular input), so det and rcond are 0
                assert_eq!(ld.det(), T::zero());
                assert_eq!(ld.rcond(), T::Real::from_f64(0.0));
            }
        }
    }
    // 2×2 blocks: [[0, 1], [1, 0]] ⊕ [[0, 2], [2, 0]] has two +, two −.
    let mut a = Array2::<T>::zeros((4, 4));
    a[(1, 0)] = T::one();
    a[(0, 1)] = T::one();
    a[(3, 2)] = T::from_f64(2.0);
    a[(2, 3)] = T::from_f64(2.0);
    let ld = Ldlt::new(&a).unwrap();
    assert!(ld.pivots().iter().all(|&p| p < 0), "2×2 blocks expected");
    assert_eq!(
        ld.inertia(),
        Some(Inertia {
            positive: 2,
            negative: 2,
            zero: 0
        })
    );
    assert!((ld.det() - T::from_f64(4.0)).abs().to_f64() < 1e-5);
}
per_scalar!(inertia, inertia_known);

fn where_cholesky_fails<T: Scalar>() {
    let a: Array2<T> = array![[1.0, 2.0], [2.0, 1.0]].mapv(T::from_f64);
    assert!(a.cholesky().is_err());
    let ld = a.ldlt().unwrap();
    assert!(verify::ldlt_ratio(&a, &ld).to_f64() < verify::LIN_THRESHOLD);
    assert!((ld.det() - T::from_f64(-3.0)).abs().to_f64() < 10.0 * T::eps().to_f64());
    assert_eq!(
        ld.inertia(),
        Some(Inertia {
            positive: 1,
            negative: 1,
            zero: 0
        })
    );
    let m: Array2<T> = Array2::<T>::eye(5).mapv(|x| -x);
    let ld = m.ldlt().unwrap();
    assert_eq!(ld.d(), m);
    assert_eq!(ld.l(), Array2::<T>::eye(5));
    assert_eq!(ld.det(), -T::one());
    assert_eq!(
        ld.inertia(),
        Some(Inertia {
            positive: 0,
            negative: 5,
            zero: 0
        })
    );
    // exact: every value in the estimate for −I is ±1
    assert_eq!(ld.rcond(), T::Real::from_f64(1.0));
}
per_scalar!(indefinite, where_cholesky_fails);

fn seed_example<T: Scalar>() {
    let a: Array2<T> = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]].mapv(T::from_f64);
    let ld = Ldlt::new(&a).unwrap();
    let tol = 100.0 * T::eps().to_f64();
    assert!((ld.det() - T::from_f64(67.0)).abs().to_f64() < 67.0 * tol);
    let (sign, ln) = ld.ln_abs_det();
    assert_eq!(sign, T::one());
    assert!((ln.to_f64() - 67f64.ln()).abs() < tol);
    assert_eq!(
        ld.inertia(),
        Some(Inertia {
            positive: 3,
            negative: 0,
            zero: 0
        })
    );
    assert!(verify::ldlt_ratio(&a, &ld).to_f64() < verify::LIN_THRESHOLD);
    // NaN in the unused upper triangle is ignored: bit-identical factors.
    let mut dirty = a.clone();
    dirty[(0, 1)] = T::from_f64(f64::NAN);
    dirty[(0, 2)] = T::from_f64(f64::INFINITY);
    let ld2 = Ldlt::new(&dirty).unwrap();
    assert_eq!(ld2.factors(), ld.factors());
    assert_eq!(ld2.pivots(), ld.pivots());
    // ... and NaN in the triangle read is reported with its position.
    assert_eq!(
        Ldlt::with_options(&dirty, Uplo::Upper, Symmetry::Hermitian).unwrap_err(),
        Error::NonFinite { row: 0, col: 1 }
    );
    let mut bad = a.clone();
    bad[(2, 1)] = T::from_f64(f64::NAN);
    assert_eq!(
        Ldlt::new(&bad).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert_eq!(
        Ldlt::from_owned(bad).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    // from_owned (C and F order) agrees with new.
    assert_eq!(Ldlt::from_owned(a.clone()).unwrap().factors(), ld.factors());
    let mut f = Array2::<T>::zeros((3, 3).f());
    f.assign(&a);
    assert_eq!(Ldlt::from_owned(f).unwrap().factors(), ld.factors());
}
per_scalar!(seed, seed_example);

fn singular_d<T: Scalar>() {
    let mut rng = testing::rng(5);
    for n in [1usize, 2, 5, 30] {
        for zero in [0, n - 1, n / 2] {
            // A Hermitian matrix with a zero row and column: LAPACK's singular test types.
            let lam = mixed_signs(n, 2.0, &mut rng);
            let mut a: Array2<T> = with_eigenvalues(&lam, &mut rng);
            a.row_mut(zero).fill(T::zero());
            a.column_mut(zero).fill(T::zero());
            let ctx = || format!("{} n={n} zero {zero}", T::NAME);
            let ld = Ldlt::new(&a).expect("singular matrices still factor");
            let k = ld.singular_at().unwrap_or_else(|| panic!("{}", ctx()));
            assert!((1..=n).contains(&k));
            check_ratio(
                &format!("ldlt/factor {}", T::NAME),
                verify::ldlt_ratio(&a, &ld),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            // exact: the zero pivot is exact (structurally singular input), so det and rcond are 0
            assert_eq!(ld.det(), T::zero());
            assert_eq!(ld.rcond(), T::Real::from_f64(0.0));
            assert_eq!(ld.ln_abs_det().1, T::Real::neg_infinity());
            assert!(ld.inertia().unwrap().zero >= 1);
            let b: Array2<T> = testing::gaussian(n, 1, &mut rng);
            assert_eq!(ld.solve(&b).unwrap_err(), Error::Singular { index: k });
            assert_eq!(ld.inverse().unwrap_err(), Error::Singular { index: k });
        }
    }
}
per_scalar!(singular, singular_d);

fn complex_symmetric<T: Scalar>() {
    // A = G + Gᵀ: symmetric but (for complex T) not Hermitian.
    let mut rng = testing::rng(77);
    for n in [1usize, 2, 3, 40, 65] {
        let g: Array2<T> = testing::gaussian(n, n, &mut rng);
        let a = &g + &g.t();
        let ctx = || format!("{} n={n} complex symmetric", T::NAME);
        for uplo in [Uplo::Lower, Uplo::Upper] {
            let ld = Ldlt::with_options(&a, uplo, Symmetry::Symmetric).unwrap();
            check_ratio(
                &format!("ldlt/symmetric {}", T::NAME),
                verify::ldlt_ratio(&a, &ld),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            let l = ld.l();
            let p = ld.p();
            let pap = p.dot(&a).dot(&p.t());
            check_ratio(
                &format!("ldlt/symmetric {}", T::NAME),
                verify::reconstruction_ratio(&pap, &l.dot(&ld.d()).dot(&l.t()), n),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            let b: Array2<T> = testing::gaussian(n, 2, &mut rng);
            let x = ld.solve(&b).unwrap();
            check_ratio(
                &format!("ldlt/solve {}", T::NAME),
                verify::solve_ratio(&a, &x, &b),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            let inv = ld.inverse().unwrap();
            let exact = T::Real::from_f64(1.0) / (verify::norm1(&a) * verify::norm1(&inv));
            check_ratio(
                &format!("ldlt/rcond {}", T::NAME),
                verify::rcond_ratio(ld.rcond(), exact),
                verify::RCOND_THRESHOLD,
                &ctx,
            );
            // det agrees with LU's, to within the conditioning of the determinant
            // (relative perturbation ≲ n·ε·κ(A) for each factorization).
            // det can overflow f32 here (|det| ≈ 1e50 at n = 65): compare logarithms, and det
            // itself when finite.
            let lu = ndfactor::Lu::new(&a).unwrap();
            let (sign, ln) = ld.ln_abs_det();
            let (lu_sign, lu_ln) = lu.ln_abs_det();
            let tol = 10.0 * n as f64 * T::eps().to_f64() / exact.to_f64();
            assert!((ln - lu_ln).abs().to_f64() <= tol, "{}", ctx());
            assert!((sign - lu_sign).abs().to_f64() <= tol, "{}", ctx());
            let lu_det = lu.det();
            if lu_det.is_finite() {
                assert!(
                    (ld.det() - lu_det).abs().to_f64() <= tol * lu_det.abs().to_f64(),
                    "{}",
                    ctx()
                );
            }
            assert_eq!(ld.inertia().is_none(), T::IS_COMPLEX);
        }
    }
}
per_scalar!(symmetric_mode, complex_symmetric);

fn bad_inputs<T: Scalar>() {
    let r = Ldlt::new(&Array2::<T>::zeros((2, 3)));
    assert_eq!(r.unwrap_err(), Error::NotSquare { rows: 2, cols: 3 });
    // Empty: never reaches LAPACK.
    let e = Ldlt::new(&Array2::<T>::zeros((0, 0))).unwrap();
    assert_eq!(e.n(), 0);
    // exact: the empty matrix's values are defined: det 1, ln|det| 0, rcond 1
    assert_eq!(e.det(), T::one());
    assert_eq!(e.ln_abs_det(), (T::one(), T::Real::from_f64(0.0)));
    assert_eq!(e.rcond(), T::Real::from_f64(1.0));
    assert_eq!(e.inertia(), Some(Inertia::default()));
    assert_eq!(e.l().dim(), (0, 0));
    assert_eq!(e.d().dim(), (0, 0));
    assert!(e.perm().is_empty() && e.pivots().is_empty());
    assert_eq!(e.inverse().unwrap().dim(), (0, 0));
    assert_eq!(e.solve(&Array2::<T>::zeros((0, 3))).unwrap().dim(), (0, 3));
    let e2 = Ldlt::with_options(
        &Array2::<T>::zeros((0, 0)),
        Uplo::Upper,
        Symmetry::Symmetric,
    );
    assert_eq!(e2.unwrap().reconstruct().dim(), (0, 0));
    // Mismatched and non-finite right-hand sides.
    let mut rng = testing::rng(9);
    let a: Array2<T> = testing::matrix(MatrixType::Identity, 3, 3, &mut rng);
    let ld = Ldlt::new(&a).unwrap();
    assert!(matches!(
        ld.solve(&Array2::<T>::zeros((2, 1))),
        Err(Error::DimensionMismatch {
            expected: 3,
            found: 2,
            ..
        })
    ));
    let mut b = Array2::<T>::zeros((3, 1));
    b[(1, 0)] = T::from_f64(f64::INFINITY);
    assert_eq!(
        ld.solve(&b).unwrap_err(),
        Error::NonFinite { row: 1, col: 0 }
    );
    // Vector right-hand side.
    let x = ld
        .solve(&ndarray::arr1(&[T::one(), T::one(), T::one()]))
        .unwrap();
    assert_eq!(x.len(), 3);
    // Zero matrix: factors, singular at 1.
    let z = Ldlt::new(&Array2::<T>::zeros((3, 3))).unwrap();
    assert_eq!(z.singular_at(), Some(1));
    assert_eq!(
        z.inertia(),
        Some(Inertia {
            positive: 0,
            negative: 0,
            zero: 3
        })
    );
}
per_scalar!(bad, bad_inputs);
