//! Conditioning reports and checked solves.
mod common;

use ndarray::{arr1, Array2};
use ndfactor::conditioning::{Conditioning, Verdict};
use ndfactor::testing;
use ndfactor::{Cholesky, Error, Ldlt, Lu, Qr, RealScalar, Scalar, Svd};

fn diag2<T: Scalar>(delta: T::Real) -> Array2<T> {
    Array2::from_diag(&arr1(&[T::one(), T::from_real(delta)]))
}

fn threshold_trip<T: Scalar>() {
    let delta = T::Real::from_f64(1.0 / 1024.0); // a power of two: rcond is exactly δ
    let a = diag2::<T>(delta);
    let b = arr1(&[T::one(), T::one()]);
    let above = delta.next_up();
    let below = delta * (T::Real::from_f64(1.0) - T::eps());
    let lu = Lu::new(&a).unwrap();
    assert_eq!(lu.rcond(), delta);
    assert!(lu.solve_checked_with(&b, below).is_ok());
    assert!(lu.solve_checked_with(&b, delta).is_ok());
    assert!(matches!(
        lu.solve_checked_with(&b, above),
        Err(Error::IllConditioned { .. })
    ));
    let ch = Cholesky::new(&a).unwrap();
    assert_eq!(ch.rcond(), delta);
    assert!(ch.solve_checked_with(&b, below).is_ok());
    assert!(ch.solve_checked_with(&b, above).is_err());
    let ld = Ldlt::new(&a).unwrap();
    assert_eq!(ld.rcond(), delta);
    assert!(ld.solve_checked_with(&b, below).is_ok());
    assert!(ld.solve_checked_with(&b, above).is_err());
    let qr = Qr::new(&a).unwrap();
    assert_eq!(qr.rcond(), delta);
    assert!(qr.solve_checked_with(&b, below).is_ok());
    assert!(qr.solve_checked_with(&b, above).is_err());
    // Default threshold ε: δ = 2⁻¹⁰ passes.
    assert!(lu.solve_checked(&b).is_ok());
    // Bad thresholds.
    assert!(matches!(
        lu.solve_checked_with(&b, T::Real::from_f64(-1.0)),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(lu.solve_checked_with(&b, T::Real::nan()).is_err());
    // Exact singularity stays Singular.
    let s = diag2::<T>(T::Real::from_f64(0.0));
    assert!(matches!(
        Lu::new(&s).unwrap().solve_checked(&b),
        Err(Error::Singular { index: 2 })
    ));
    // rcond just below ε by default refuses.
    let tiny = diag2::<T>(T::eps() * T::Real::from_f64(0.5));
    let err = Lu::new(&tiny).unwrap().solve_checked(&b).unwrap_err();
    match err {
        Error::IllConditioned { rcond, threshold } => {
            assert_eq!(threshold, T::eps().to_f64());
            assert!(rcond < threshold);
        }
        e => panic!("expected IllConditioned, got {e:?}"),
    }
}

fn verdicts<T: Scalar>() {
    let eps = T::eps();
    let c = Conditioning::from_rcond(eps.sqrt());
    assert_eq!(c.verdict, Verdict::WellConditioned);
    let c = Conditioning::from_rcond(eps.sqrt() * T::Real::from_f64(0.5));
    assert_eq!(c.verdict, Verdict::IllConditioned);
    assert_eq!(
        Conditioning::from_rcond(eps).verdict,
        Verdict::IllConditioned
    );
    let c = Conditioning::from_rcond(eps * T::Real::from_f64(0.5));
    assert_eq!(c.verdict, Verdict::NumericallySingular);
    let c = Conditioning::<T::Real>::from_rcond(T::Real::from_f64(0.0));
    assert_eq!(c.condition_number, T::Real::infinity());
    assert_eq!(c.verdict, Verdict::NumericallySingular);
    assert!(c.to_string().contains("numerically singular"));
    let c = Conditioning::<T::Real>::from_rcond(T::Real::nan());
    assert_eq!(c.verdict, Verdict::NumericallySingular);
    let c = Conditioning::<T::Real>::from_rcond(T::Real::from_f64(1.0));
    // exact: log10(1) = 0
    assert_eq!(c.digits_lost, T::Real::from_f64(0.0));
    // 1e-3: κ = 1000, three digits.
    let c = Lu::new(&diag2::<T>(T::Real::from_f64(1e-3)))
        .unwrap()
        .conditioning();
    let three = T::Real::from_f64(3.0);
    assert!((c.digits_lost - three).abs() <= T::Real::from_f64(10.0) * eps);
    // Svd: exact σ_min/σ₁.
    let a = Array2::from_diag(&arr1(&[
        T::from_f64(4.0),
        T::from_f64(1.0),
        T::from_f64(0.5),
    ]));
    let c = Svd::new(&a).unwrap().conditioning();
    assert!((c.rcond - T::Real::from_f64(0.125)).abs() <= T::Real::from_f64(4.0) * eps);
    assert_eq!(
        Svd::new(&Array2::<T>::zeros((2, 2)))
            .unwrap()
            .conditioning()
            .rcond,
        T::Real::from_f64(0.0)
    );
}

fn hilbert_refused<T: Scalar>() {
    let h: Array2<T> = testing::hilbert(12);
    let b = Array2::<T>::ones((12, 1));
    let lu = Lu::new(&h).unwrap();
    assert!(matches!(
        lu.solve_checked(&b),
        Err(Error::IllConditioned { .. })
    ));
    assert_eq!(lu.conditioning().verdict, Verdict::NumericallySingular);
    // Cholesky of Hilbert 12 may fail in f32; when it succeeds it must refuse too.
    if let Ok(ch) = Cholesky::new(&h) {
        assert!(matches!(
            ch.solve_checked(&b),
            Err(Error::IllConditioned { .. })
        ));
    }
    let f = ndfactor::factorize(&h).unwrap();
    assert!(
        f.explain().contains("numerically singular"),
        "{}",
        f.explain()
    );
}

per_scalar!(checked_threshold, threshold_trip);
per_scalar!(conditioning_verdicts, verdicts);
per_scalar!(hilbert, hilbert_refused);
