//! The `Solve` trait: every solving factorization answers `A·X = B`, `Aᵀ·X = B` and
//! `Aᴴ·X = B` through it, for real and complex types, square and (for `Qr`) rectangular.

use ndarray::{Array2, ArrayView2};
use ndfactor::prelude::*;
use ndfactor::testing::{gaussian, random_spd, rng};

/// `‖op(A)·X − B‖_F ≤ 100·max(m, n)·ε·‖A‖_F·‖X‖_F` (a backward-stable solve).
fn check_residual<T: Scalar>(op_a: ArrayView2<T>, x: &Array2<T>, b: &Array2<T>, what: &str) {
    let eps = T::eps().to_f64();
    let fro = |m: ArrayView2<T>| {
        m.iter()
            .map(|v| v.abs().to_f64().powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let r = op_a.dot(x) - b;
    let (m, n) = op_a.dim();
    let bound = 100.0 * m.max(n) as f64 * eps * fro(op_a) * fro(x.view());
    assert!(
        fro(r.view()) <= bound,
        "{what}: residual {} > {bound}",
        fro(r.view())
    );
}

fn transpose<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    a.t().to_owned()
}

fn adjoint<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    a.t().mapv(|v| v.conj())
}

/// All three solves of `f` (a factorization of the square `a`) through `&dyn Solve`.
fn check_all<T: Scalar>(f: &dyn Solve<T>, a: &Array2<T>, what: &str) {
    let mut g = rng(7);
    let b: Array2<T> = gaussian(a.nrows(), 3, &mut g);
    let x = f.solve_matrix(b.view()).unwrap();
    check_residual(a.view(), &x, &b, &format!("{what} solve"));
    let x = f.solve_transpose_matrix(b.view()).unwrap();
    check_residual(
        transpose(a).view(),
        &x,
        &b,
        &format!("{what} solve_transpose"),
    );
    let x = f.solve_adjoint_matrix(b.view()).unwrap();
    check_residual(adjoint(a).view(), &x, &b, &format!("{what} solve_adjoint"));
    let rc = f.rcond();
    assert!(
        rc > T::Real::from_f64(0.0) && rc <= T::Real::from_f64(1.0),
        "{what} rcond"
    );
    assert_eq!(f.conditioning().rcond, rc); // exact: the report copies rcond
}

fn all_square<T: Scalar>() {
    let n = 7;
    let mut g = rng(3);
    let a: Array2<T> = gaussian(n, n, &mut g);
    let h: Array2<T> = random_spd(n, T::Real::from_f64(100.0), &mut g);
    check_all(&Lu::new(&a).unwrap(), &a, "Lu");
    check_all(&Qr::new(&a).unwrap(), &a, "Qr");
    check_all(&Cholesky::new(&h).unwrap(), &h, "Cholesky");
    check_all(&Ldlt::new(&h).unwrap(), &h, "Ldlt");
    check_all(&factorize(&a).unwrap(), &a, "Factorization");
    check_all(&factorize(&h).unwrap(), &h, "Factorization (HPD)");
    // Tridiagonal and banded parts of `a` and `h`.
    let band = |m: &Array2<T>, k: usize| {
        Array2::from_shape_fn((n, n), |(i, j)| {
            if i.abs_diff(j) <= k {
                m[(i, j)]
            } else {
                T::zero()
            }
        })
    };
    let t = band(&a, 1);
    check_all(
        &TridiagonalLu::from_matrix(&t).unwrap(),
        &t,
        "TridiagonalLu",
    );
    let b2 = band(&a, 2);
    let bm = BandMatrix::from_dense(&b2, 2, 2).unwrap();
    check_all(&BandLu::new(&bm).unwrap(), &b2, "BandLu");
    // A diagonally dominant Hermitian band matrix is positive definite.
    let mut hb = band(&h, 2);
    for i in 0..n {
        hb[(i, i)] = T::from_real(T::Real::from_f64(10.0)) + hb[(i, i)];
    }
    let hbm = BandMatrix::from_dense(&hb, 2, 2).unwrap();
    check_all(
        &BandCholesky::new(&hbm, Uplo::Lower).unwrap(),
        &hb,
        "BandCholesky",
    );
    let mut ht = band(&h, 1);
    for i in 0..n {
        ht[(i, i)] = T::from_real(T::Real::from_f64(10.0) + ht[(i, i)].re());
    }
    let d = ht.diag().mapv(|v| v.re());
    let e = ndarray::Array1::from_shape_fn(n - 1, |i| ht[(i + 1, i)]);
    check_all(&SpdTridiagonal::new(&d, &e).unwrap(), &ht, "SpdTridiagonal");
}

#[test]
fn every_solver_solves_all_three_systems() {
    all_square::<f32>();
    all_square::<f64>();
    all_square::<c32>();
    all_square::<c64>();
}

/// `Qr`'s adjoint solve: minimum norm for tall `A` (wide `Aᴴ`), least squares for wide `A`.
fn qr_rectangular<T: Scalar>() {
    let mut g = rng(11);
    // Tall A (6×4): Aᴴ·x = b is consistent and underdetermined; x ∈ range(A).
    let a: Array2<T> = gaussian(6, 4, &mut g);
    let b: Array2<T> = gaussian(4, 2, &mut g);
    let qr = Qr::new(&a).unwrap();
    let x = qr.solve_adjoint_matrix(b.view()).unwrap();
    check_residual(adjoint(&a).view(), &x, &b, "tall Qr adjoint");
    // x is in range(A): the least-squares projection onto range(A) leaves it unchanged.
    let y = qr.solve(&x).unwrap();
    check_residual(a.view(), &y, &x, "tall Qr adjoint solution in range(A)");
    let xt = qr.solve_transpose_matrix(b.view()).unwrap();
    check_residual(transpose(&a).view(), &xt, &b, "tall Qr transpose");
    // Wide A (3×5): Aᴴ is tall, the solution satisfies the normal equations A·(Aᴴx − b) = 0.
    let a: Array2<T> = gaussian(3, 5, &mut g);
    let b: Array2<T> = gaussian(5, 2, &mut g);
    let x = Qr::new(&a).unwrap().solve_adjoint_matrix(b.view()).unwrap();
    let r = adjoint(&a).dot(&x) - &b;
    let normal = a.dot(&r);
    let eps = T::eps().to_f64();
    let scale: f64 = b
        .iter()
        .map(|v| v.abs().to_f64().powi(2))
        .sum::<f64>()
        .sqrt()
        * a.iter()
            .map(|v| v.abs().to_f64().powi(2))
            .sum::<f64>()
            .sqrt();
    let got = normal
        .iter()
        .map(|v| v.abs().to_f64().powi(2))
        .sum::<f64>()
        .sqrt();
    assert!(
        got <= 100.0 * 5.0 * eps * scale,
        "wide Qr adjoint normal equations: {got}"
    );
}

#[test]
fn qr_adjoint_solve_of_rectangular_matrices() {
    qr_rectangular::<f64>();
    qr_rectangular::<c64>();
    qr_rectangular::<f32>();
    qr_rectangular::<c32>();
}

#[test]
fn generic_solves_match_inherent_ones() {
    let a = ndarray::array![[4.0f64, 1.0], [2.0, 3.0]];
    let b = ndarray::array![1.0, 2.0];
    let lu = Lu::new(&a).unwrap();
    // The trait's vector solves go through the same LAPACK calls as the inherent ones.
    assert_eq!(Solve::solve(&lu, &b).unwrap(), lu.solve(&b).unwrap()); // exact: same calls
    assert_eq!(
        Solve::solve_transpose(&lu, &b).unwrap(),
        lu.solve_transpose(&b).unwrap()
    ); // exact: same calls
    assert_eq!(
        Solve::solve_checked(&lu, &b).unwrap(),
        lu.solve_checked(&b).unwrap()
    ); // exact: same calls
}
