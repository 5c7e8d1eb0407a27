//! expm, sqrtm, logm against closed forms and each other.
mod common;

use common::{check_ratio, for_each_layout};
use ndarray::{array, Array2};
use ndfactor::testing;
use ndfactor::{expm, logm, sqrtm, verify, Error, RealScalar, Scalar};
use num_complex::Complex;

/// ‖X − Y‖_F / (‖Y‖_F · n · ε), the relative error in units of nε.
fn rel<T: Scalar>(x: &Array2<T>, y: &Array2<T>) -> f64 {
    let n = y.nrows().max(1) as f64;
    let d = verify::norm_fro(&(x - y)).to_f64();
    d / (verify::norm_fro(y).to_f64().max(f64::MIN_POSITIVE) * n * T::eps().to_f64())
}

fn closed_forms<T: Scalar>()
where
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    // Diagonal matrices.
    let d = [0.5, 2.0, 3.0, 7.5];
    let a = Array2::from_diag(&ndarray::arr1(&d).mapv(T::from_f64));
    let e = Array2::from_diag(&ndarray::arr1(&d).mapv(|x: f64| T::from_f64(x.exp())));
    let s = Array2::from_diag(&ndarray::arr1(&d).mapv(|x: f64| T::from_f64(x.sqrt())));
    let l = Array2::from_diag(&ndarray::arr1(&d).mapv(|x: f64| T::from_f64(x.ln())));
    let ctx = || format!("{} diagonal", T::NAME);
    check_ratio(
        &format!("matfun/expm {}", T::NAME),
        rel(&expm(&a).unwrap(), &e),
        100.0,
        &ctx,
    );
    check_ratio(
        &format!("matfun/sqrtm {}", T::NAME),
        rel(&sqrtm(&a).unwrap(), &s),
        100.0,
        &ctx,
    );
    check_ratio(
        &format!("matfun/logm {}", T::NAME),
        rel(&logm(&a).unwrap(), &l),
        100.0,
        &ctx,
    );

    // Nilpotent: expm(N) = I + N + N²/2 + N³/6 + N⁴/24 exactly (N⁵ = 0).
    let mut rng = testing::rng(0x5eed_00f0);
    let n = 5;
    let mut nil: Array2<T> = testing::gaussian(n, n, &mut rng);
    for i in 0..n {
        for j in 0..=i {
            nil[(i, j)] = T::zero();
        }
    }
    let mut exact = Array2::<T>::eye(n);
    let mut p = Array2::<T>::eye(n);
    let mut fact = 1.0;
    for k in 1..n {
        p = p.dot(&nil);
        fact *= k as f64;
        exact.scaled_add(T::from_f64(1.0 / fact), &p);
    }
    let ctx = || format!("{} nilpotent", T::NAME);
    let en = expm(&nil).unwrap();
    check_ratio(
        &format!("matfun/expm {}", T::NAME),
        rel(&en, &exact),
        100.0,
        &ctx,
    );
    // logm(I + N)... and back: logm(expm(N)) = N.
    let ln = logm(&en).unwrap();
    check_ratio(
        &format!("matfun/logm {}", T::NAME),
        rel(&ln, &nil),
        1000.0,
        &ctx,
    );

    // Rotation generator, including large θ (many squarings).
    for theta in [0.1f64, 1.0, 3.0, 50.0] {
        let g = array![[0.0, -theta], [theta, 0.0]].mapv(T::from_f64);
        let r = array![[theta.cos(), -theta.sin()], [theta.sin(), theta.cos()]].mapv(T::from_f64);
        let ctx = || format!("{} rotation θ={theta}", T::NAME);
        // The exponential's condition number grows like θ: allow θ·nε.
        let ratio = rel(&expm(&g).unwrap(), &r) / theta.max(1.0);
        check_ratio(&format!("matfun/expm {}", T::NAME), ratio, 100.0, &ctx);
        if theta < 3.0 {
            // logm recovers the generator (eigenvalues ±iθ inside the principal strip).
            let ratio = rel(&logm(&r).unwrap(), &g);
            check_ratio(&format!("matfun/logm {}", T::NAME), ratio, 1000.0, &ctx);
        }
    }
}
per_scalar!(matfun_closed_forms, closed_forms);

fn random<T: Scalar>()
where
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let mut rng = testing::rng(0x5eed_00f1);
    for &n in &[1usize, 2, 3, 10, 25] {
        // A = I + 0.3·G/√n: spectrum in the disc |z − 1| ≲ 0.6, well conditioned.
        let g: Array2<T> = testing::gaussian(n, n, &mut rng);
        let a =
            &Array2::<T>::eye(n) + &g.mapv(|x| x.scale(T::Real::from_f64(0.3 / (n as f64).sqrt())));
        let ctx = || format!("{} n={n}", T::NAME);
        let x = sqrtm(&a).unwrap();
        // ‖X² − A‖ / (n ε ‖X‖²)
        let r = verify::norm_fro(&(&x.dot(&x) - &a)).to_f64()
            / (n as f64 * T::eps().to_f64() * verify::norm_fro(&x).to_f64().powi(2));
        check_ratio(&format!("matfun/sqrtm^2 {}", T::NAME), r, 100.0, &ctx);
        let l = logm(&a).unwrap();
        let back = expm(&l).unwrap();
        check_ratio(
            &format!("matfun/expm(logm) {}", T::NAME),
            rel(&back, &a),
            1000.0,
            &ctx,
        );
        // Layout invariance.
        for_each_layout(&a, |layout, v| {
            assert_eq!(expm(&v).unwrap(), expm(&a).unwrap(), "{} {layout:?}", ctx());
            assert_eq!(sqrtm(&v).unwrap(), x, "{} {layout:?}", ctx());
        });
    }
}
per_scalar!(matfun_random, random);

fn bad_inputs<T: Scalar>()
where
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let mut a = Array2::<T>::eye(3);
    a[(1, 2)] = T::from_real(T::Real::nan());
    let nf = Error::NonFinite { row: 1, col: 2 };
    assert_eq!(expm(&a).unwrap_err(), nf);
    assert_eq!(sqrtm(&a).unwrap_err(), nf);
    assert_eq!(logm(&a).unwrap_err(), nf);
    let r = Array2::<T>::zeros((2, 3));
    let ns = Error::NotSquare { rows: 2, cols: 3 };
    assert_eq!(expm(&r).unwrap_err(), ns);
    assert_eq!(sqrtm(&r).unwrap_err(), ns);
    assert_eq!(logm(&r).unwrap_err(), ns);
    let e = Array2::<T>::zeros((0, 0));
    assert_eq!(expm(&e).unwrap().dim(), (0, 0));
    assert_eq!(sqrtm(&e).unwrap().dim(), (0, 0));
    assert_eq!(logm(&e).unwrap().dim(), (0, 0));
    // Negative eigenvalue: no principal log; real sqrt refused, complex sqrt fine.
    let neg = array![[-1.0, 0.0], [0.0, 2.0]].mapv(T::from_f64);
    assert!(matches!(logm(&neg), Err(Error::InvalidArgument { .. })));
    let sing = array![[0.0, 0.0], [0.0, 2.0]].mapv(T::from_f64);
    assert!(matches!(logm(&sing), Err(Error::InvalidArgument { .. })));
    let x = sqrtm(&sing).unwrap(); // simple zero eigenvalue: fine
    assert!(rel(&x.dot(&x), &sing) < 100.0);
    if T::IS_COMPLEX {
        let x = sqrtm(&neg).unwrap();
        assert!(rel(&x.dot(&x), &neg) < 100.0);
    } else {
        assert!(matches!(sqrtm(&neg), Err(Error::InvalidArgument { .. })));
    }
    // 2×2 Jordan block at zero has no square root.
    let j = array![[0.0, 1.0], [0.0, 0.0]].mapv(T::from_f64);
    assert!(matches!(sqrtm(&j), Err(Error::InvalidArgument { .. })));
}
per_scalar!(matfun_bad_inputs, bad_inputs);
