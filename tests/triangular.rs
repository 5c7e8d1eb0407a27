//! Public triangular solves and the NumPy-style tolerances (`lstsq_with`, `rank_with`,
//! `pinv_hermitian`, `cond_with`): scalar types × layouts × sizes, with LAPACK's ratios.
mod common;

use common::{check_ratio, for_each_layout, SIZES};
use ndarray::{Array1, Array2};
use ndfactor::testing;
use ndfactor::{
    cond_with, lstsq, lstsq_with, pinv_hermitian, pinv_with, rank_with, solve_triangular, verify,
    CondNorm, Diag, Error, RealScalar, Scalar, Trans, TriangularSolve, Uplo,
};

/// A triangular matrix with |diagonal| in [1, 2] and off-diagonal entries of size 1/√n (well
/// conditioned enough that no solution overflows), the other triangle filled with NaN, which
/// the solve must not read.
fn triangle<T: Scalar>(n: usize, uplo: Uplo, rng: &mut impl rand::Rng) -> Array2<T> {
    let g: Array2<T> = testing::gaussian(n, n, rng);
    let off = T::Real::from_f64(1.0 / (n.max(1) as f64).sqrt());
    Array2::from_shape_fn((n, n), |(i, j)| {
        let inside = match uplo {
            Uplo::Lower => i >= j,
            Uplo::Upper => i <= j,
        };
        if i == j {
            let d = T::Real::from_f64(1.0 + (i % 7) as f64 / 7.0);
            testing::unit_phase::<T>(rng).scale(d)
        } else if inside {
            g[(i, j)].scale(off)
        } else {
            T::from_real(T::Real::nan())
        }
    })
}

/// `op(A)` as a dense matrix: the other triangle zeroed, a unit diagonal made explicit.
fn dense_op<T: Scalar>(a: &Array2<T>, uplo: Uplo, trans: Trans, diag: Diag) -> Array2<T> {
    let n = a.nrows();
    let t = Array2::from_shape_fn((n, n), |(i, j)| {
        let inside = match uplo {
            Uplo::Lower => i >= j,
            Uplo::Upper => i <= j,
        };
        if i == j && diag == Diag::Unit {
            T::one()
        } else if inside {
            a[(i, j)]
        } else {
            T::zero()
        }
    });
    match trans {
        Trans::No => t,
        Trans::Transpose => t.t().to_owned(),
        Trans::Adjoint => t.t().mapv(|x| x.conj()),
    }
}

fn triangular_sweep<T: Scalar>() {
    let mut rng = testing::rng(0x7121_0001);
    for &n in SIZES {
        for uplo in [Uplo::Lower, Uplo::Upper] {
            let a = triangle::<T>(n, uplo, &mut rng);
            let b: Array2<T> = testing::gaussian(n, 3, &mut rng);
            for trans in [Trans::No, Trans::Transpose, Trans::Adjoint] {
                for diag in [Diag::NonUnit, Diag::Unit] {
                    let op = dense_op(&a, uplo, trans, diag);
                    let solver = TriangularSolve::new(uplo).trans(trans).diag(diag);
                    for_each_layout(&a, |layout, av| {
                        let x = solver.solve(&av, &b).unwrap();
                        assert_eq!(x.dim(), (n, 3));
                        // dtrt02: ‖b − op(A)·x‖₁ / (‖op(A)‖₁·‖x‖₁·ε).
                        check_ratio(
                            &format!("triangular/solve {}", T::NAME),
                            verify::solve_ratio(&op, &x, &b),
                            verify::LIN_THRESHOLD,
                            &|| format!("n={n} {uplo:?} {trans:?} {diag:?} {layout:?}"),
                        );
                    });
                    // A vector right-hand side gives a vector solving its column (not
                    // bitwise the matrix solve's column: one right-hand side takes BLAS's
                    // ?trsv, several ?trsm, whose roundings differ).
                    let x1 = solver.solve(&a, &b.column(0)).unwrap();
                    assert_eq!(x1.len(), n);
                    let x1m = x1.insert_axis(ndarray::Axis(1));
                    let b1 = b.column(0).insert_axis(ndarray::Axis(1));
                    check_ratio(
                        &format!("triangular/solve-vector {}", T::NAME),
                        verify::solve_ratio(&op, &x1m, &b1),
                        verify::LIN_THRESHOLD,
                        &|| format!("n={n} {uplo:?} {trans:?} {diag:?}"),
                    );
                }
            }
            let x = solve_triangular(&a, &b, uplo).unwrap();
            let op = dense_op(&a, uplo, Trans::No, Diag::NonUnit);
            assert!(verify::solve_ratio(&op, &x, &b).to_f64() < verify::LIN_THRESHOLD);
        }
    }
}
per_scalar!(sweep, triangular_sweep);

fn triangular_errors<T: Scalar>() {
    let mut rng = testing::rng(0x7121_0002);
    let mut a = triangle::<T>(4, Uplo::Upper, &mut rng);
    let b: Array2<T> = testing::gaussian(4, 2, &mut rng);
    a[(2, 2)] = T::zero();
    assert_eq!(
        solve_triangular(&a, &b, Uplo::Upper).unwrap_err(),
        Error::Singular { index: 3 }
    );
    // With a unit diagonal the zero is not read.
    let x = TriangularSolve::new(Uplo::Upper)
        .diag(Diag::Unit)
        .solve(&a, &b)
        .unwrap();
    assert!(x.iter().all(|v| v.is_finite()));
    // NaN in the read triangle is found before LAPACK (0-based position).
    a[(0, 3)] = T::from_real(T::Real::nan());
    assert_eq!(
        solve_triangular(&a, &b, Uplo::Upper).unwrap_err(),
        Error::NonFinite { row: 0, col: 3 }
    );
    let nonsquare: Array2<T> = Array2::zeros((3, 4));
    assert_eq!(
        solve_triangular(&nonsquare, &b, Uplo::Upper).unwrap_err(),
        Error::NotSquare { rows: 3, cols: 4 }
    );
    let good = triangle::<T>(4, Uplo::Lower, &mut rng);
    let short: Array2<T> = Array2::zeros((3, 1));
    assert!(matches!(
        solve_triangular(&good, &short, Uplo::Lower),
        Err(Error::DimensionMismatch {
            expected: 4,
            found: 3,
            ..
        })
    ));
    let mut bad_b = b.clone();
    bad_b[(1, 1)] = T::from_real(T::Real::infinity());
    assert_eq!(
        solve_triangular(&good, &bad_b, Uplo::Lower).unwrap_err(),
        Error::NonFinite { row: 1, col: 1 }
    );
    // n = 0: an empty solution of b's shape.
    let e: Array2<T> = Array2::zeros((0, 0));
    let x = solve_triangular(&e, &Array2::<T>::zeros((0, 2)), Uplo::Lower).unwrap();
    assert_eq!(x.dim(), (0, 2));
    // Overflow from finite input is a typed error, not ±∞ in an Ok.
    let big = T::Real::max_value().sqrt();
    let tiny = T::from_real(T::Real::from_f64(1.0) / big);
    let l = Array2::from_shape_fn((2, 2), |(i, j)| match (i, j) {
        (0, 0) | (1, 1) => tiny,
        (1, 0) => T::from_real(big),
        _ => T::zero(),
    });
    let rhs = Array1::from_elem(2, T::from_real(big));
    assert!(matches!(
        solve_triangular(&l, &rhs, Uplo::Lower),
        Err(Error::NumericalBreakdown { .. })
    ));
}
per_scalar!(errors, triangular_errors);

fn tolerances<T: Scalar>() {
    let mut rng = testing::rng(0x7121_0003);
    let eps = T::eps().to_f64();
    let (m, n, r) = (40, 12, 5);
    // Rank 5 with σ = 1 plus a perturbation of size δ: the default cutoff sees rank 12, an
    // atol between δ and 1 sees rank 5.
    let sigma: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(if i < r { 1.0 } else { 1e3 * eps }))
        .collect();
    let a: Array2<T> = testing::with_singular_values(m, n, &sigma, &mut rng);
    assert_eq!(ndfactor::rank(&a).unwrap(), n);
    let atol = T::Real::from_f64(1e5 * eps);
    assert_eq!(rank_with(&a, atol, T::Real::from_f64(0.0)).unwrap(), r);
    assert_eq!(rank_with(&a, T::Real::from_f64(0.0), atol).unwrap(), r);
    assert!(matches!(
        rank_with(&a, T::Real::from_f64(-1.0), T::Real::from_f64(0.0)),
        Err(Error::InvalidArgument { .. })
    ));

    // lstsq_with: the truncated solution equals pinv_with's at the same cutoff.
    let b: Array2<T> = testing::gaussian(m, 2, &mut rng);
    let ls = lstsq_with(&a, &b, atol).unwrap();
    assert_eq!(ls.rank, r);
    let p = pinv_with(&a, T::Real::from_f64(0.0), atol).unwrap();
    let x = p.dot(&b);
    let diff = (&ls.solution - &x)
        .iter()
        .fold(0.0f64, |s, d| s.max(d.abs().to_f64()));
    let scale = x.iter().fold(0.0f64, |s, d| s.max(d.abs().to_f64()));
    assert!(
        diff <= 50.0 * m as f64 * eps * scale,
        "{} {diff:e}",
        T::NAME
    );
    // A vector right-hand side: the first column of the matrix one.
    let lv = lstsq_with(&a, &b.column(0), atol).unwrap();
    assert_eq!(lv.solution.len(), n);
    let d1 = (&lv.solution - &ls.solution.column(0))
        .iter()
        .fold(0.0f64, |s, d| s.max(d.abs().to_f64()));
    assert!(d1 <= 50.0 * m as f64 * eps * scale);
    // Full-rank default path: residuals for a vector too.
    let full: Array2<T> = testing::gaussian(m, n, &mut rng);
    let lf = lstsq(&full, &b.column(1)).unwrap();
    assert_eq!(lf.residuals.len(), 1);

    // pinv_hermitian: the Penrose conditions A·A⁺·A = A and A⁺·A·A⁺ = A⁺ (ratios as dget
    // style: residual / (n·‖·‖·ε)), and agreement with the SVD path.
    let mut h: Array2<T> = testing::with_singular_values(n, n, &sigma, &mut rng);
    testing::hermitian_part(&mut h);
    let hp = pinv_hermitian(&h, atol, T::Real::from_f64(0.0)).unwrap();
    let hs = pinv_with(&h, atol, T::Real::from_f64(0.0)).unwrap();
    let norm = verify::norm1(&hs).to_f64();
    let d = verify::norm1(&(&hp - &hs)).to_f64();
    assert!(
        d <= 100.0 * n as f64 * eps * norm,
        "{} {d:e} vs {norm:e}",
        T::NAME
    );
    let aa = h.dot(&hp).dot(&h);
    let r1 = verify::norm1(&(&aa - &h)).to_f64() / (n as f64 * verify::norm1(&h).to_f64() * eps);
    assert!(r1 < 100.0, "{} Penrose ratio {r1}", T::NAME);
}
per_scalar!(numpy_tolerances, tolerances);

fn cond_norms<T: Scalar>() {
    // A permuted diagonal P·D: ‖A‖ and ‖A⁻¹‖ are known in every norm (the LU pivots).
    let n = 6;
    let d: Vec<f64> = (0..n).map(|i| 2f64.powi(i as i32 - 2) * 1.5).collect();
    let a = Array2::from_shape_fn((n, n), |(i, j)| {
        if (i + 2) % n == j {
            T::from_real(T::Real::from_f64(d[j]))
        } else {
            T::zero()
        }
    });
    let (dmax, dmin) = (d[n - 1], d[0]);
    let fro = d.iter().map(|x| x * x).sum::<f64>().sqrt();
    let fro_inv = d.iter().map(|x| 1.0 / (x * x)).sum::<f64>().sqrt();
    let tol = 16.0 * n as f64 * T::eps().to_f64();
    for (norm, want) in [
        (CondNorm::One, dmax / dmin),
        (CondNorm::Inf, dmax / dmin),
        (CondNorm::Frobenius, fro * fro_inv),
        (CondNorm::Two, dmax / dmin),
        (CondNorm::MinusTwo, dmin / dmax),
    ] {
        let c = cond_with(&a, norm).unwrap().to_f64();
        assert!(
            (c - want).abs() <= tol * want,
            "{} {norm:?}: {c} vs {want}",
            T::NAME
        );
    }
    // Exactly singular (a zero column): ∞, and 0 for −2.
    let mut s = a.clone();
    s.column_mut(3).fill(T::zero());
    assert_eq!(cond_with(&s, CondNorm::One).unwrap(), T::Real::infinity());
    assert_eq!(cond_with(&s, CondNorm::Two).unwrap(), T::Real::infinity());
    assert_eq!(
        cond_with(&s, CondNorm::MinusTwo).unwrap(),
        T::Real::from_f64(0.0)
    );
    let rect: Array2<T> = Array2::zeros((2, 3));
    assert!(matches!(
        cond_with(&rect, CondNorm::One),
        Err(Error::NotSquare { .. })
    ));
    let empty: Array2<T> = Array2::zeros((0, 0));
    assert!(matches!(
        cond_with(&empty, CondNorm::Inf),
        Err(Error::Empty { .. })
    ));
}
per_scalar!(cond_in_every_norm, cond_norms);
