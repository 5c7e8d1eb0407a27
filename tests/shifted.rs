//! Cholesky with a diagonal shift for nearly positive definite matrices.
mod common;

use common::{check_ratio, for_each_layout};
use ndarray::Array2;
use ndfactor::testing;
use ndfactor::{verify, Cholesky, Error, RealScalar, Scalar, SymmetricEigen};

fn shifted<T: Scalar>(a: &Array2<T>, tau: T::Real) -> Array2<T> {
    let mut b = a.clone();
    for i in 0..a.nrows() {
        b[(i, i)] += T::from_real(tau);
    }
    b
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_5c01);
    let eps = T::eps().to_f64();
    for &n in &[1usize, 2, 3, 25, 64] {
        // SPD: no shift.
        let spd: Array2<T> = testing::random_spd(n, T::Real::from_f64(100.0), &mut rng);
        let sc = Cholesky::with_shift(&spd).unwrap();
        // exact: no shift was tried, so shift and perturbation are the initial 0
        assert_eq!(sc.shift(), T::Real::from_f64(0.0));
        assert_eq!(sc.attempts(), 1);
        assert_eq!(sc.relative_perturbation(), T::Real::from_f64(0.0));

        // PSD rank-deficient Gram matrix G·Gᴴ with rank n/2 (n ≥ 2), and a slightly indefinite
        // symmetrised matrix with λ_min ≈ −1e3·ε·‖A‖.
        if n < 2 {
            continue;
        }
        let g: Array2<T> = testing::gaussian(n, n / 2, &mut rng);
        let mut gram = g.dot(&g.t().mapv(|x| x.conj()));
        testing::hermitian_part(&mut gram);
        let q: Array2<T> = testing::random_unitary(n, &mut rng);
        let mut lam: Vec<f64> = (0..n).map(|i| 1.0 + i as f64).collect();
        lam[0] = -1e3 * eps * n as f64;
        let mut ql = q.clone();
        for (j, &l) in lam.iter().enumerate() {
            ql.column_mut(j)
                .mapv_inplace(|x| x.scale(T::Real::from_f64(l)));
        }
        let mut indef = ql.dot(&q.t().mapv(|x| x.conj()));
        testing::hermitian_part(&mut indef);

        for (name, a) in [("gram", gram), ("indefinite", indef)] {
            let ctx = || format!("{} n={n} {name}", T::NAME);
            let lmin = SymmetricEigen::values_only(&a).unwrap()[0].to_f64();
            let anorm = verify::norm1(&a).to_f64();
            let tau0 = (n as f64 * eps * anorm).max(T::Real::min_positive_value().to_f64());
            let reference = Cholesky::with_shift(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            let tau = reference.shift();
            assert!(tau > T::Real::from_f64(0.0) || lmin > 0.0, "{}", ctx());
            // τ within a factor 10 of the minimal shift |λ_min| + O(τ₀).
            assert!(
                tau.to_f64() <= 10.0 * (lmin.min(0.0).abs() + 10.0 * tau0),
                "{}: τ = {tau:e}, λ_min = {lmin:e}, τ₀ = {tau0:e}",
                ctx()
            );
            assert!(
                (reference.relative_perturbation().to_f64() - tau.to_f64() / anorm).abs()
                    <= 4.0 * eps * tau.to_f64() / anorm
            );
            check_ratio(
                &format!("shifted/factor {}", T::NAME),
                verify::cholesky_ratio(&shifted(&a, tau), reference.cholesky()),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            for_each_layout(&a, |layout, v| {
                let sc = Cholesky::with_shift(&v).unwrap();
                assert_eq!(sc.shift(), tau, "{} {layout:?}", ctx());
                assert_eq!(
                    sc.cholesky().l(),
                    reference.cholesky().l(),
                    "{} {layout:?}",
                    ctx()
                );
            });
        }
    }
}
per_scalar!(shifted_sweep, sweep);

fn edge_cases<T: Scalar>() {
    // Zero matrix: shift from the smallest normal, succeeds at once.
    let z = Array2::<T>::zeros((3, 3));
    let sc = Cholesky::with_shift(&z).unwrap();
    assert!(sc.shift() > T::Real::from_f64(0.0));
    assert_eq!(sc.attempts(), 2);
    assert_eq!(sc.relative_perturbation(), T::Real::infinity());
    // Strongly indefinite: τ > |λ_min| = 1, reached after a bounded number of attempts.
    let mut a = Array2::<T>::eye(3);
    a[(2, 2)] = T::from_f64(-1.0);
    let sc = Cholesky::with_shift(&a).unwrap();
    assert!(sc.shift() > T::Real::from_f64(1.0) && sc.shift() <= T::Real::from_f64(10.0));
    assert!(sc.attempts() <= 20);
    // Empty.
    let e = Cholesky::with_shift(&Array2::<T>::zeros((0, 0))).unwrap();
    // exact: an empty matrix needs no shift
    assert_eq!(e.shift(), T::Real::from_f64(0.0));
    // Bad input.
    let mut nan = Array2::<T>::eye(3);
    nan[(2, 1)] = T::from_real(T::Real::nan());
    assert_eq!(
        Cholesky::with_shift(&nan).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    nan[(2, 1)] = T::zero();
    nan[(1, 2)] = T::from_real(T::Real::nan()); // upper triangle is not read
    assert!(Cholesky::with_shift(&nan).is_ok());
    assert_eq!(
        Cholesky::with_shift(&Array2::<T>::zeros((2, 3))).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
}
per_scalar!(shifted_edges, edge_cases);
