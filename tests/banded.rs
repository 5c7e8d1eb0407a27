//! Band LU (?gbtrf), band Cholesky (?pbtrf), SPD tridiagonal (?pttrf) and tridiagonal eigen
//! (?stev, ?stemr): solve ratios, condition estimates against the dense LU, eigen residual and
//! orthogonality ratios, layouts, singular, non-SPD, non-finite and empty input.
mod common;

use common::{adjoint, check_ratio, for_each_layout};
use ndarray::{array, Array1, Array2};
use ndfactor::{
    eigh_tridiagonal, eigh_tridiagonal_by_index, eigh_tridiagonal_by_value, eigvalsh_tridiagonal,
    solve_banded, solveh_banded, BandCholesky, BandLu, BandMatrix, SpdTridiagonal,
};
use ndfactor::{testing, verify, Error, Lu, RealScalar, Scalar, Uplo};

const NS: &[usize] = &[1, 2, 5, 40];
const BANDS: &[usize] = &[0, 1, 3];

/// A random `n×n` band matrix with `kl` sub- and `ku` superdiagonals.
fn random_band<T: Scalar>(n: usize, kl: usize, ku: usize, seed: u64) -> Array2<T> {
    let mut rng = testing::rng(seed);
    Array2::from_shape_fn((n, n), |(i, j)| {
        let v = testing::normal::<T>(&mut rng);
        if i > j + kl || j > i + ku {
            T::zero()
        } else {
            v
        }
    })
}

/// The SciPy `solve_banded` layout of a dense band matrix.
fn to_ab<T: Scalar>(a: &Array2<T>, kl: usize, ku: usize) -> Array2<T> {
    let n = a.nrows();
    let mut ab = Array2::zeros((kl + ku + 1, n));
    for j in 0..n {
        for i in j.saturating_sub(ku)..(j + kl + 1).min(n) {
            ab[(ku + i - j, j)] = a[(i, j)];
        }
    }
    ab
}

fn exact_rcond<T: Scalar>(a: &Array2<T>) -> T::Real {
    let inv = Lu::new(a).unwrap().inverse().unwrap();
    T::Real::from_f64(1.0) / (verify::norm1(a) * verify::norm1(&inv))
}

fn band_lu<T: Scalar>() {
    let name = |s: &str| format!("band/lu {s} {}", T::NAME);
    for &n in NS {
        for &kl in BANDS {
            for &ku in BANDS {
                let a = random_band::<T>(n, kl, ku, 100 + (n * 16 + kl * 4 + ku) as u64);
                let ctx = || format!("{} n={n} kl={kl} ku={ku}", T::NAME);
                let band = BandMatrix::from_ab(&to_ab(&a, kl, ku), kl, ku).unwrap();
                assert_eq!(band.to_dense(), a); // exact: copies of the entries
                assert_eq!((band.n(), band.kl(), band.ku()), (n, kl, ku));
                for_each_layout(&a, |layout, v| {
                    let b2 = BandMatrix::from_dense(&v, kl, ku).unwrap();
                    assert_eq!(b2.to_dense(), a, "{layout:?}"); // exact: copies
                });
                let lu = BandLu::new(&band).unwrap();
                let mut rng = testing::rng(7 + n as u64);
                for nrhs in [1usize, 3] {
                    let b: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
                    let x = lu.solve(&b).unwrap();
                    check_ratio(
                        &name("solve"),
                        verify::solve_ratio(&a, &x, &b),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    );
                    let xt = lu.solve_transpose(&b).unwrap();
                    check_ratio(
                        &name("solve"),
                        verify::solve_ratio(&a.t().to_owned(), &xt, &b),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    );
                    let xh = lu.solve_adjoint(&b).unwrap();
                    check_ratio(
                        &name("solve"),
                        verify::solve_ratio(&adjoint(&a), &xh, &b),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    );
                    let xs = solve_banded((kl, ku), &to_ab(&a, kl, ku), &b).unwrap();
                    assert_eq!(xs, x); // exact: the same factorization and solve
                }
                let bv: Array1<T> = testing::gaussian::<T>(n, 1, &mut rng).column(0).to_owned();
                let xv = lu.solve(&bv).unwrap();
                let xm = lu.solve(&bv.clone().insert_axis(ndarray::Axis(1))).unwrap();
                assert_eq!(xv, xm.column(0)); // exact: the same computation
                check_ratio(
                    &name("rcond"),
                    verify::rcond_ratio(lu.rcond(), exact_rcond(&a)),
                    verify::RCOND_THRESHOLD,
                    &ctx,
                );
                let (_, ln) = lu.ln_abs_det();
                let (_, ln_dense) = Lu::new(&a).unwrap().ln_abs_det();
                // ln|det| is perturbed by up to about n·ε·κ(A) by backward errors of size ε·‖A‖.
                let kappa = T::Real::from_f64(1.0) / exact_rcond(&a);
                let tol = T::Real::from_f64(50.0 * n as f64) * T::eps() * kappa;
                assert!(
                    (ln - ln_dense).abs() <= tol * ln_dense.abs().max(T::Real::from_f64(1.0)),
                    "{}",
                    ctx()
                );
            }
        }
    }
}
per_scalar!(band_lu_sweep, band_lu);

/// A Hermitian, strictly diagonally dominant band matrix with positive diagonal: HPD.
fn random_hpd_band<T: Scalar>(n: usize, kd: usize, seed: u64) -> Array2<T> {
    let b = random_band::<T>(n, kd, 0, seed);
    let mut a = &b + &adjoint(&b);
    for i in 0..n {
        let s: T::Real = a
            .row(i)
            .iter()
            .fold(T::Real::from_f64(0.0), |s, x| s + x.abs());
        a[(i, i)] = T::from_real(s + T::Real::from_f64(1.0));
    }
    a
}

fn lower_part<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    Array2::from_shape_fn(a.dim(), |(i, j)| if i >= j { a[(i, j)] } else { T::zero() })
}

fn band_cholesky<T: Scalar>() {
    let name = |s: &str| format!("band/cholesky {s} {}", T::NAME);
    for &n in NS {
        for &kd in BANDS {
            let a = random_hpd_band::<T>(n, kd, 500 + (n * 4 + kd) as u64);
            let ctx = || format!("{} n={n} kd={kd}", T::NAME);
            let exact = exact_rcond(&a);
            let mut rng = testing::rng(11 + n as u64);
            let b: Array2<T> = testing::gaussian(n, 2, &mut rng);
            let mut factors = Vec::new();
            for_each_layout(&a, |_, v| {
                let band = BandMatrix::from_dense(&v, kd, kd).unwrap();
                factors.push(BandCholesky::new(&band, Uplo::Lower).unwrap());
                factors.push(BandCholesky::new(&band, Uplo::Upper).unwrap());
            });
            // kl ≠ ku: only the lower triangle stored.
            let lower = BandMatrix::from_dense(&lower_part(&a), kd, 0).unwrap();
            factors.push(BandCholesky::new(&lower, Uplo::Lower).unwrap());
            let full = to_ab(&a, kd, kd);
            let up_ab = full.slice(ndarray::s![..kd + 1, ..]).to_owned();
            let lo_ab = full.slice(ndarray::s![kd.., ..]).to_owned();
            factors.push(BandCholesky::from_ab(&up_ab, Uplo::Upper).unwrap());
            factors.push(BandCholesky::from_ab(&lo_ab, Uplo::Lower).unwrap());
            for ch in &factors {
                let x = ch.solve(&b).unwrap();
                check_ratio(
                    &name("solve"),
                    verify::solve_ratio(&a, &x, &b),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("reconstruct"),
                    verify::reconstruction_ratio(&a, &ch.to_dense(), n),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("rcond"),
                    verify::rcond_ratio(ch.rcond(), exact),
                    verify::RCOND_THRESHOLD,
                    &ctx,
                );
                let (_, ln_dense) = Lu::new(&a).unwrap().ln_abs_det();
                let tol = T::Real::from_f64(50.0 * n as f64) * T::eps();
                assert!(
                    (ch.ln_det() - ln_dense).abs()
                        <= tol * ln_dense.abs().max(T::Real::from_f64(1.0)),
                    "{}",
                    ctx()
                );
            }
            let xs = solveh_banded(&lo_ab, &b, Uplo::Lower).unwrap();
            check_ratio(
                &name("solveh_banded"),
                verify::solve_ratio(&a, &xs, &b),
                verify::LIN_THRESHOLD,
                &ctx,
            );
        }
    }
}
per_scalar!(band_cholesky_sweep, band_cholesky);

fn spd_tridiagonal<T: Scalar>() {
    let name = |s: &str| format!("band/pt {s} {}", T::NAME);
    for &n in NS {
        let a = random_hpd_band::<T>(n, 1, 900 + n as u64);
        let d: Array1<T::Real> = (0..n).map(|i| a[(i, i)].re()).collect();
        let e: Array1<T> = (0..n.saturating_sub(1)).map(|i| a[(i + 1, i)]).collect();
        let f = SpdTridiagonal::new(&d, &e).unwrap();
        assert_eq!(f.to_dense(), a); // exact: copies of the entries
        let ctx = || format!("{} n={n}", T::NAME);
        let mut rng = testing::rng(3 + n as u64);
        for nrhs in [1usize, 3] {
            let b: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
            let x = f.solve(&b).unwrap();
            check_ratio(
                &name("solve"),
                verify::solve_ratio(&a, &x, &b),
                verify::LIN_THRESHOLD,
                &ctx,
            );
        }
        check_ratio(
            &name("rcond"),
            verify::rcond_ratio(f.rcond(), exact_rcond(&a)),
            verify::RCOND_THRESHOLD,
            &ctx,
        );
        let (_, ln_dense) = Lu::new(&a).unwrap().ln_abs_det();
        let tol = T::Real::from_f64(50.0 * n as f64) * T::eps();
        assert!((f.ln_det() - ln_dense).abs() <= tol * ln_dense.abs().max(T::Real::from_f64(1.0)));
    }
}
per_scalar!(spd_tridiagonal_sweep, spd_tridiagonal);

fn bad_input<T: Scalar>() {
    let one = T::one();
    let zero = T::zero();
    let nan = T::from_f64(f64::NAN);
    // Exact zero pivot: [[1, 1, 0], [1, 1, 0], [0, 1, 1]] has U(3, 3) = 0 after the interchange.
    let a = array![[one, one, zero], [one, one, zero], [zero, one, one]];
    let lu = BandLu::new(&BandMatrix::from_dense(&a, 1, 1).unwrap()).unwrap();
    assert_eq!(lu.singular_at(), Some(3));
    assert_eq!(lu.det(), zero); // exact: a zero pivot
    assert_eq!(lu.rcond(), T::Real::from_f64(0.0)); // exact: defined as 0 when singular
    assert!(matches!(
        lu.solve(&array![one, one, one]),
        Err(Error::Singular { index: 3 })
    ));
    let d = Array2::from_diag(&array![one, zero, one]);
    assert!(matches!(
        solve_banded((0, 0), &to_ab(&d, 0, 0), &array![one, one, one]),
        Err(Error::Singular { index: 2 })
    ));
    // Not positive definite at minor 3: d₃ = 0.25 − 1/1.5 < 0.
    let q = T::from_f64(0.25);
    let two = one + one;
    let lo_ab = array![[two, two, q, two], [one, one, one, zero]];
    assert!(matches!(
        BandCholesky::from_ab(&lo_ab, Uplo::Lower),
        Err(Error::NotPositiveDefinite { index: 3 })
    ));
    let r = T::Real::from_f64(1.0);
    let dr = array![r + r, r + r, T::Real::from_f64(0.25), r + r];
    assert!(matches!(
        SpdTridiagonal::new(&dr, &array![one, one, one]),
        Err(Error::NotPositiveDefinite { index: 3 })
    ));
    // Non-finite input is a typed error; unused corners of ab are not read.
    let mut an = a.clone();
    an[(2, 1)] = nan;
    assert!(matches!(
        BandMatrix::from_dense(&an, 1, 1),
        Err(Error::NonFinite { row: 2, col: 1 })
    ));
    let mut ab = to_ab(&a, 1, 1);
    ab[(0, 0)] = nan; // outside the matrix
    assert!(BandMatrix::from_ab(&ab, 1, 1).is_ok());
    ab[(2, 0)] = nan; // a[1, 0]
    assert!(matches!(
        BandMatrix::from_ab(&ab, 1, 1),
        Err(Error::NonFinite { row: 1, col: 0 })
    ));
    assert!(matches!(
        SpdTridiagonal::new(&array![r, T::Real::nan()], &array![zero]),
        Err(Error::NonFinite { row: 1, col: 1 })
    ));
    let g = BandLu::new(&BandMatrix::from_dense(&Array2::<T>::eye(3), 0, 0).unwrap()).unwrap();
    assert!(matches!(
        g.solve(&array![one, nan, one]),
        Err(Error::NonFinite { .. })
    ));
    // Shapes.
    assert!(matches!(
        g.solve(&array![one, one]),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        g.solve(&Array2::<T>::zeros((4, 2))),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        BandMatrix::from_ab(&Array2::<T>::zeros((2, 3)), 1, 1),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        BandMatrix::from_dense(&a, 0, 1),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        BandMatrix::from_dense(&Array2::<T>::zeros((2, 3)), 1, 1),
        Err(Error::NotSquare { .. })
    ));
    assert!(matches!(
        SpdTridiagonal::new(&array![r, r], &array![one, one]),
        Err(Error::DimensionMismatch { .. })
    ));
    // Empty: n = 0 gives empty solutions, det 1 and rcond 1.
    let e =
        BandLu::new(&BandMatrix::<T>::from_dense(&Array2::zeros((0, 0)), 1, 2).unwrap()).unwrap();
    assert_eq!(e.solve(&Array1::<T>::zeros(0)).unwrap().len(), 0);
    assert_eq!(e.solve(&Array2::<T>::zeros((0, 3))).unwrap().dim(), (0, 3));
    assert_eq!(e.det(), one); // exact: the empty product
    assert_eq!(e.rcond(), T::Real::from_f64(1.0)); // exact: defined as 1
    let c = BandCholesky::from_ab(&Array2::<T>::zeros((2, 0)), Uplo::Upper).unwrap();
    assert_eq!(c.solve(&Array1::<T>::zeros(0)).unwrap().len(), 0);
    let p = SpdTridiagonal::<T>::new(&Array1::zeros(0), &Array1::zeros(0)).unwrap();
    assert_eq!(p.solve(&Array2::<T>::zeros((0, 2))).unwrap().dim(), (0, 2));
    // Checked solve refuses a numerically singular band.
    let tiny = T::from_f64(1e-3) * T::from_real(T::eps());
    let s =
        BandLu::new(&BandMatrix::from_dense(&Array2::from_diag(&array![one, tiny]), 0, 0).unwrap())
            .unwrap();
    assert!(matches!(
        s.solve_checked(&array![one, one]),
        Err(Error::IllConditioned { .. })
    ));
}
per_scalar!(band_bad_input, bad_input);

fn tridiagonal_eigen<R: RealScalar>() {
    let name = |s: &str| format!("band/stev {s} {}", R::NAME);
    for &n in &[1usize, 2, 5, 40] {
        let mut rng = testing::rng(40 + n as u64);
        let d: Array1<R> = (0..n).map(|_| testing::normal::<R>(&mut rng)).collect();
        let e: Array1<R> = (0..n - 1).map(|_| testing::normal::<R>(&mut rng)).collect();
        let mut a = Array2::from_diag(&d);
        for i in 0..n - 1 {
            a[(i + 1, i)] = e[i];
            a[(i, i + 1)] = e[i];
        }
        let ctx = || format!("{} n={n}", R::NAME);
        let (w, v) = eigh_tridiagonal(&d, &e).unwrap();
        assert!(w.windows(2).into_iter().all(|p| p[0] <= p[1]));
        check_ratio(
            &name("residual"),
            verify::eigen_ratio(&a, &v, &w),
            verify::EIG_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("orthogonality"),
            verify::orthogonality_ratio(&v),
            verify::EIG_THRESHOLD,
            &ctx,
        );
        let wn = eigvalsh_tridiagonal(&d, &e).unwrap();
        let scale = w
            .iter()
            .fold(R::from_f64(0.0), |m, x| m.max(x.abs()))
            .max(R::min_positive_value());
        for (x, y) in w.iter().zip(&wn) {
            check_ratio(
                &name("values"),
                (*x - *y).abs() / (scale * R::from_f64(n as f64) * R::eps()),
                verify::EIG_THRESHOLD,
                &ctx,
            );
        }
        // Index subset: the two largest.
        let lo = n.saturating_sub(2);
        let (ws, vs) = eigh_tridiagonal_by_index(&d, &e, lo..=n - 1).unwrap();
        assert_eq!(vs.dim(), (n, n - lo));
        check_ratio(
            &name("subset residual"),
            verify::eigen_ratio(&a, &vs, &ws),
            verify::EIG_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("subset orthogonality"),
            verify::orthogonality_ratio(&vs),
            verify::EIG_THRESHOLD,
            &ctx,
        );
        for (k, x) in ws.iter().enumerate() {
            check_ratio(
                &name("subset values"),
                (*x - w[lo + k]).abs() / (scale * R::from_f64(n as f64) * R::eps()),
                verify::EIG_THRESHOLD,
                &ctx,
            );
        }
        // Value subset: an interval around the whole spectrum gives all n pairs.
        let pad = scale + R::from_f64(1.0);
        let (wv, vv) = eigh_tridiagonal_by_value(&d, &e, -pad, pad).unwrap();
        assert_eq!(wv.len(), n);
        check_ratio(
            &name("subset residual"),
            verify::eigen_ratio(&a, &vv, &wv),
            verify::EIG_THRESHOLD,
            &ctx,
        );
    }
    // Bad input.
    let one = R::from_f64(1.0);
    assert!(matches!(
        eigh_tridiagonal(&array![one, R::nan()], &array![one]),
        Err(Error::NonFinite { row: 1, col: 1 })
    ));
    assert!(matches!(
        eigvalsh_tridiagonal(&array![one, one], &array![one, one]),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        eigh_tridiagonal_by_index(&array![one, one], &array![one], 1..=2),
        Err(Error::InvalidArgument { .. })
    ));
    let (w0, v0) = eigh_tridiagonal::<R, _, _>(&Array1::zeros(0), &Array1::zeros(0)).unwrap();
    assert_eq!((w0.len(), v0.dim()), (0, (0, 0)));
}

#[test]
fn tridiagonal_eigen_f32() {
    tridiagonal_eigen::<f32>();
    common::report();
}

#[test]
fn tridiagonal_eigen_f64() {
    tridiagonal_eigen::<f64>();
    common::report();
}
