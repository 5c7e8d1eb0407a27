//! Tridiagonal LU (?gttrf): solve ratios (dgt02-style), determinants and condition estimates
//! against the dense LU, singular and bad input, and `factorize`'s tridiagonal branch.
mod common;

use common::{adjoint, check_ratio};
use ndarray::{array, Array1, Array2};
use ndfactor::auto::{factorize, FactorizationKind};
use ndfactor::testing;
use ndfactor::{verify, Error, Lu, RealScalar, Scalar, TridiagonalLu};

fn random_diagonals<T: Scalar>(
    n: usize,
    scale_diag: f64,
    seed: u64,
) -> (Array1<T>, Array1<T>, Array1<T>) {
    let mut rng = testing::rng(seed);
    let m = n.saturating_sub(1);
    let dl: Array1<T> = (0..m).map(|_| testing::normal::<T>(&mut rng)).collect();
    let d: Array1<T> = (0..n)
        .map(|_| testing::normal::<T>(&mut rng) * T::from_f64(scale_diag))
        .collect();
    let du: Array1<T> = (0..m).map(|_| testing::normal::<T>(&mut rng)).collect();
    (dl, d, du)
}

fn sweep<T: Scalar>() {
    // Weak diagonals (scale 0.1) force row interchanges; strong ones (scale 10) none.
    for &n in &[0usize, 1, 2, 3, 63, 64, 65, 200] {
        for (k, &scale) in [0.1, 1.0, 10.0].iter().enumerate() {
            let (dl, d, du) = random_diagonals::<T>(n, scale, 1000 + n as u64 * 7 + k as u64);
            let f = TridiagonalLu::new(&dl, &d, &du).unwrap();
            let a = f.to_dense();
            let ctx = || format!("{} n={n} diag scale {scale}", T::NAME);
            let name = |s: &str| format!("tridiag/{s} {}", T::NAME);
            let mut rng = testing::rng(7 + n as u64);
            for nrhs in [1usize, 3] {
                let b: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
                let x = f.solve(&b).unwrap();
                check_ratio(
                    &name("solve"),
                    verify::solve_ratio(&a, &x, &b),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                let xt = f.solve_transpose(&b).unwrap();
                check_ratio(
                    &name("solve"),
                    verify::solve_ratio(&a.t().to_owned(), &xt, &b),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                let xh = f.solve_adjoint(&b).unwrap();
                check_ratio(
                    &name("solve"),
                    verify::solve_ratio(&adjoint(&a), &xh, &b),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
            }
            // Vector right-hand side gives the same as a one-column matrix.
            let bv: Array1<T> = testing::gaussian::<T>(n, 1, &mut rng).column(0).to_owned();
            let xv = f.solve(&bv).unwrap();
            let xm = f.solve(&bv.clone().insert_axis(ndarray::Axis(1))).unwrap();
            assert_eq!(xv, xm.column(0));
            // Determinant and condition estimate against the dense LU of the same matrix.
            let dense = Lu::new(&a).unwrap();
            let (det, det_dense) = (f.det(), dense.det());
            let (_, ln) = f.ln_abs_det();
            let (_, ln_dense) = dense.ln_abs_det();
            let tol = T::Real::from_f64(8.0 * (n.max(1)) as f64) * T::eps();
            assert!(
                (ln - ln_dense).abs() <= tol * ln_dense.abs().max(T::Real::from_f64(1.0)),
                "{}: ln|det| {} vs {}",
                ctx(),
                ln.to_f64(),
                ln_dense.to_f64()
            );
            if ln_dense.to_f64().abs() < 50.0 {
                assert!(
                    (det - det_dense).abs() <= tol * T::Real::from_f64(4.0) * det_dense.abs(),
                    "{}: det",
                    ctx()
                );
            }
            if n > 0 {
                let inv = dense.inverse().unwrap();
                let exact = T::Real::from_f64(1.0) / (verify::norm1(&a) * verify::norm1(&inv));
                check_ratio(
                    &name("rcond"),
                    verify::rcond_ratio(f.rcond(), exact),
                    verify::RCOND_THRESHOLD,
                    &ctx,
                );
            } else {
                // exact: an empty matrix's rcond is defined as 1
                assert_eq!(f.rcond(), T::Real::from_f64(1.0));
                assert_eq!(det, T::one());
            }
        }
    }
}
per_scalar!(tridiag_sweep, sweep);

fn singular_and_bad_input<T: Scalar>() {
    let one = T::one();
    let zero = T::zero();
    // [[1, 1, 0], [1, 1, 0], [0, 1, 1]]: exactly singular; after the interchange at step 2, U(3,3) = 0.
    let f = TridiagonalLu::new(
        &array![one, one],
        &array![one, one, one],
        &array![one, zero],
    )
    .unwrap();
    assert_eq!(f.singular_at(), Some(3));
    // exact: an exact zero pivot: det and rcond 0
    assert_eq!(f.det(), zero);
    assert_eq!(f.rcond(), T::Real::from_f64(0.0));
    assert!(f.ln_abs_det().1.to_f64() == f64::NEG_INFINITY);
    assert!(matches!(
        f.solve(&array![one, one, one]),
        Err(Error::Singular { index: 3 })
    ));
    // Lengths.
    assert!(matches!(
        TridiagonalLu::new(&array![one], &array![one, one, one], &array![one, one]),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        TridiagonalLu::new(&array![one, one], &array![one, one, one], &array![one]),
        Err(Error::DimensionMismatch { .. })
    ));
    // Non-finite entries are reported at their position in the full matrix.
    let nan = T::from_f64(f64::NAN);
    assert!(matches!(
        TridiagonalLu::new(&array![one, nan], &array![one, one, one], &array![one, one]),
        Err(Error::NonFinite { row: 2, col: 1 })
    ));
    let inf = T::from_f64(f64::INFINITY);
    assert!(matches!(
        TridiagonalLu::new(&array![one, one], &array![one, one, one], &array![inf, one]),
        Err(Error::NonFinite { row: 0, col: 1 })
    ));
    let f = TridiagonalLu::new(&array![one], &array![one, one + one], &array![zero]).unwrap();
    assert!(matches!(
        f.solve(&array![one, nan]),
        Err(Error::NonFinite { .. })
    ));
    assert!(matches!(
        f.solve(&array![one, one, one]),
        Err(Error::DimensionMismatch { .. })
    ));
    // Structure and shape checks of from_matrix.
    let mut a: Array2<T> = Array2::eye(4);
    a[(0, 2)] = one;
    assert!(matches!(
        TridiagonalLu::from_matrix(&a),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        TridiagonalLu::from_matrix(&Array2::<T>::zeros((2, 3))),
        Err(Error::NotSquare { .. })
    ));
    // Empty.
    let e = TridiagonalLu::<T>::new(&array![], &array![], &array![]).unwrap();
    assert_eq!(e.n(), 0);
    assert_eq!(e.solve(&Array1::<T>::zeros(0)).unwrap().len(), 0);
    // Checked solve refuses a numerically singular matrix.
    let tiny = T::from_f64(1e-3) * T::from_real(T::eps());
    let g = TridiagonalLu::new(&array![zero], &array![one, tiny], &array![zero]).unwrap();
    assert!(matches!(
        g.solve_checked(&array![one, one]),
        Err(Error::IllConditioned { .. })
    ));
}
per_scalar!(tridiag_bad_input, singular_and_bad_input);

fn factorize_branch<T: Scalar>() {
    let n = 40;
    // Nonsymmetric tridiagonal → TridiagonalLu.
    let (dl, d, du) = random_diagonals::<T>(n, 1.0, 77);
    let a = TridiagonalLu::new(&dl, &d, &du).unwrap().to_dense();
    let f = factorize(&a).unwrap();
    assert_eq!(f.kind(), FactorizationKind::Tridiagonal, "{}", f.explain());
    assert!(f.explain().contains("tridiagonal"));
    let b: Array1<T> = Array1::from_elem(n, T::one());
    let x = f.solve(&b).unwrap();
    let bm = b.clone().insert_axis(ndarray::Axis(1));
    let xm = x.insert_axis(ndarray::Axis(1));
    check_ratio(
        &format!("tridiag/factorize solve {}", T::NAME),
        verify::solve_ratio(&a, &xm, &bm),
        verify::LIN_THRESHOLD,
        &|| "factorize".into(),
    );
    let dense_det = Lu::new(&a).unwrap().ln_abs_det().1;
    let (_, ln) = TridiagonalLu::from_matrix(&a).unwrap().ln_abs_det();
    assert!((ln - dense_det).abs() <= T::Real::from_f64(1e3) * T::eps() * dense_det.abs());
    // Symmetric indefinite tridiagonal: Cholesky fails, TridiagonalLu instead of Ldlt.
    let mut s: Array2<T> = Array2::zeros((n, n));
    for i in 0..n {
        s[(i, i)] = T::from_f64(if i % 2 == 0 { 1.0 } else { -1.0 });
        if i + 1 < n {
            s[(i + 1, i)] = T::from_f64(0.5);
            s[(i, i + 1)] = T::from_f64(0.5);
        }
    }
    let f = factorize(&s).unwrap();
    assert_eq!(f.kind(), FactorizationKind::Tridiagonal, "{}", f.explain());
    assert!(f.explain().contains("Cholesky failed"));
    // Symmetric positive definite tridiagonal (1-D Poisson) stays with Cholesky.
    let mut p: Array2<T> = Array2::zeros((n, n));
    for i in 0..n {
        p[(i, i)] = T::from_f64(2.0);
        if i + 1 < n {
            p[(i + 1, i)] = T::from_f64(-1.0);
            p[(i, i + 1)] = T::from_f64(-1.0);
        }
    }
    let f = factorize(&p).unwrap();
    assert_eq!(f.kind(), FactorizationKind::Cholesky, "{}", f.explain());
    // det of the Poisson matrix is n + 1.
    let det = TridiagonalLu::from_matrix(&p).unwrap().det();
    assert!(
        (det - T::from_f64((n + 1) as f64)).abs()
            <= T::Real::from_f64(16.0 * n as f64) * T::eps() * T::Real::from_f64(n as f64)
    );
}
per_scalar!(tridiag_factorize, factorize_branch);
