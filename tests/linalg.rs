//! NumPy-style `solve`, `inv`, `det`, `slogdet`: LAPACK's ratios in every layout (C-order input
//! takes the transposed path, the others the direct one), for the four scalar types, on random,
//! graded and Hilbert matrices; singular input.
mod common;

use common::{check_ratio, for_each_layout, SIZES};
use ndarray::{Array1, Array2, Ix1};
use ndfactor::testing::{gaussian, graded, hilbert, rng, Layout};
use ndfactor::verify::{inverse_ratio, solve_ratio, LIN_THRESHOLD};
use ndfactor::{det, inv, slogdet, solve, Error, Lu, RealScalar, Scalar};

fn check<T: Scalar>(a: &Array2<T>, what: &str) {
    let n = a.nrows();
    let mut g = rng(11 + n as u64);
    let b: Array2<T> = gaussian(n, 2, &mut g);
    // The reference: LU of the F-order copy (bitwise layout-independent factors).
    let lu = Lu::new(a).unwrap();
    let (sign_ref, ln_ref) = lu.ln_abs_det();
    let rcond = lu.rcond().to_f64();
    let eps = T::eps().to_f64();
    for_each_layout(a, |layout, v| {
        let ctx = || format!("{what} n={n} {layout:?}");
        let x = solve(&v, &b).unwrap();
        check_ratio(
            &format!("linalg/solve {}", T::NAME),
            solve_ratio(a, &x, &b),
            LIN_THRESHOLD,
            &ctx,
        );
        let x1: Array1<T> = solve(&v, &b.column(0)).unwrap();
        let x1 = x1.insert_axis(ndarray::Axis(1));
        check_ratio(
            &format!("linalg/solve vector {}", T::NAME),
            solve_ratio(a, &x1, &b.column(0).insert_axis(ndarray::Axis(1))),
            LIN_THRESHOLD,
            &ctx,
        );
        let ai = inv(&v).unwrap();
        check_ratio(
            &format!("linalg/inv {}", T::NAME),
            inverse_ratio(a, &ai),
            LIN_THRESHOLD,
            &ctx,
        );
        if layout == Layout::C && n > 1 {
            assert!(ai.is_standard_layout(), "{}: inv keeps C order", ctx());
        }
        // det and slogdet agree with the F-order reference within the sensitivity of the
        // determinant: a backward error of c·n·ε in A moves ln|det A| by at most about
        // n·(c·n·ε)/rcond (|tr(A⁻¹·δA)| ≤ n·‖A⁻¹‖₁·‖δA‖₁).
        let (sign, ln) = slogdet(&v).unwrap();
        let bound = 30.0 * (n * n) as f64 * eps / rcond.max(f64::MIN_POSITIVE);
        if bound < 0.5 {
            let d = (ln - ln_ref).to_f64().abs();
            assert!(
                d <= bound.max(eps),
                "{}: ln|det| off by {d:e} > {bound:e}",
                ctx()
            );
            let phase = (sign - sign_ref).abs().to_f64();
            assert!(
                phase <= 2.0 * bound.max(eps),
                "{}: sign off by {phase:e}",
                ctx()
            );
            let dt = det(&v).unwrap();
            let want = sign_ref * T::from_real(ln_ref.exp());
            if want.abs().is_finite() && want.abs() > T::Real::min_positive_value() {
                let rel = ((dt - want).abs() / want.abs()).to_f64();
                assert!(rel <= 2.0 * bound.max(eps), "{}: det off by {rel:e}", ctx());
            }
        }
    });
}

fn sweep<T: Scalar>() {
    let mut g = rng(5);
    for &n in SIZES {
        check::<T>(&gaussian(n, n, &mut g), "gaussian");
    }
    for n in [3, 20] {
        check::<T>(&graded(n, 0.5, &mut g), "graded");
    }
    // Hilbert: κ₁ ≈ 5·10⁵ at order 5 (solve ratios stay small: LU is backward stable).
    check::<T>(&hilbert(5), "hilbert");
}
per_scalar!(sweep, sweep);

fn singular<T: Scalar>() {
    // Rank 2 of order 3, every layout: solve and inv report the zero pivot, det is 0 and slogdet
    // (0, −∞), as NumPy.
    let a = Array2::from_shape_fn((3, 3), |(i, j)| T::from_f64((i * 3 + j) as f64));
    let mut z = Array2::<T>::zeros((3, 3));
    z[(0, 0)] = T::one(); // a zero column: exactly singular in every order of elimination
    for m in [&a, &z] {
        for_each_layout(m, |layout, v| {
            // [[0, 1, 2], [3, 4, 5], [6, 7, 8]] is singular only to rounding: LU may end with a
            // tiny pivot instead of an exact zero; the zero-column matrix always gives 0.
            let exact = std::ptr::eq(m, &z);
            let b = Array1::<T>::ones(3);
            match solve::<T, _, _, Ix1>(&v, &b) {
                Err(Error::Singular { index }) => assert!((1..=3).contains(&index)),
                Ok(_) if !exact => {}
                other => panic!("{layout:?}: solve of a singular matrix gave {other:?}"),
            }
            if exact {
                assert!(matches!(inv(&v), Err(Error::Singular { .. })), "{layout:?}");
                assert_eq!(det(&v).unwrap(), T::zero()); // exact: a zero pivot
                let (s, l) = slogdet(&v).unwrap();
                assert_eq!(s, T::zero()); // exact: NumPy's convention
                assert_eq!(l, T::Real::neg_infinity());
            }
        });
    }
}
per_scalar!(singular, singular);

#[test]
fn bad_input() {
    let wide = Array2::<f64>::zeros((2, 3));
    assert_eq!(
        inv(&wide).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert_eq!(
        slogdet(&wide).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    let a = Array2::<f64>::eye(2);
    let mut b = Array1::<f64>::ones(2);
    b[1] = f64::NAN;
    assert!(matches!(solve(&a, &b), Err(Error::NonFinite { .. })));
}
