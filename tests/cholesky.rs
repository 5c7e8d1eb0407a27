//! Cholesky through the LAPACK-style sweep and its failure modes.
mod common;

use common::{check_ratio, for_each_layout, SIZES};
use ndarray::{array, Array2};
use ndfactor::testing::{self};
use ndfactor::{verify, Cholesky, Error, LinalgExt, RealScalar, Scalar, Uplo};

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_0002);
    let eps = T::eps();
    let conds = [
        T::Real::from_f64(2.0),
        (T::Real::from_f64(0.1) / eps).sqrt(),
        T::Real::from_f64(0.1) / eps,
    ];
    for &n in SIZES {
        for (ci, &cond) in conds.iter().enumerate() {
            for scale in [
                T::Real::from_f64(1.0),
                testing::small_scale::<T::Real>(),
                T::Real::from_f64(1.0) / testing::small_scale::<T::Real>(),
            ] {
                let a: Array2<T> =
                    testing::random_spd::<T>(n, cond, &mut rng).mapv(|x| x.scale(scale));
                let ctx = || format!("{} n={n} cond#{ci} scale={scale:e}", T::NAME);
                let reference = match Cholesky::new(&a) {
                    Ok(c) => c,
                    // cond 0.1/ε is at the edge of numerical positive definiteness.
                    Err(Error::NotPositiveDefinite { .. }) if ci == 2 => continue,
                    Err(e) => panic!("{}: {e}", ctx()),
                };
                check_ratio(
                    &format!("cholesky/factor {}", T::NAME),
                    verify::cholesky_ratio(&a, &reference),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // Diagonal real and positive; upper strict triangle exactly zero.
                let l = reference.l();
                for i in 0..n {
                    assert!(
                        l[(i, i)].im() == T::Real::from_f64(0.0)
                            && l[(i, i)].re() > T::Real::from_f64(0.0)
                    );
                    for j in i + 1..n {
                        assert_eq!(l[(i, j)], T::zero());
                    }
                }
                for nrhs in [1usize, 2, 15] {
                    let b: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
                    let x = reference.solve(&b).unwrap();
                    check_ratio(
                        &format!("cholesky/solve {}", T::NAME),
                        verify::solve_ratio(&a, &x, &b),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    );
                }
                // κ = 4.5e14 at scale 2.5e-293 makes ‖A⁻¹‖ overflow: no inverse exists in floating point.
                let inv = match reference.inverse() {
                    Ok(inv) => inv,
                    Err(Error::NumericalBreakdown { .. })
                        if ci == 2 && scale < T::Real::from_f64(1.0) =>
                    {
                        continue
                    }
                    Err(e) => panic!("{}: {e}", ctx()),
                };
                check_ratio(
                    &format!("cholesky/inverse {}", T::NAME),
                    verify::inverse_ratio(&a, &inv),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // ?pocon returns 0 when ‖A⁻¹‖ is near overflow (κ = 4.5e14 at scale 2.5e-293): skip.
                let near_overflow = ci == 2 && scale < T::Real::from_f64(1.0);
                if n > 0 && !near_overflow {
                    let exact = T::Real::from_f64(1.0) / (verify::norm1(&a) * verify::norm1(&inv));
                    check_ratio(
                        &format!("cholesky/rcond {}", T::NAME),
                        verify::rcond_ratio(reference.rcond(), exact),
                        verify::RCOND_THRESHOLD,
                        &ctx,
                    );
                }
                // The upper-triangle path factors the same matrix.
                let up = Cholesky::with_uplo(&a, Uplo::Upper).unwrap();
                check_ratio(
                    &format!("cholesky/factor {}", T::NAME),
                    verify::cholesky_ratio(&a, &up),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                for_each_layout(&a, |layout, v| {
                    let c = Cholesky::new(&v).unwrap();
                    assert_eq!(c.factor(), reference.factor(), "{} {layout:?}", ctx());
                });
            }
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn not_positive_definite<T: Scalar>() {
    // dchkpo types 3–5: a zero row and column at 1, n, n/2+1 gives INFO = that index.
    let mut rng = testing::rng(5);
    for n in [1usize, 2, 5, 30] {
        for zero in [0, n - 1, n / 2] {
            let mut a: Array2<T> = testing::random_spd(n, T::Real::from_f64(10.0), &mut rng);
            a.row_mut(zero).fill(T::zero());
            a.column_mut(zero).fill(T::zero());
            assert_eq!(
                Cholesky::new(&a).unwrap_err(),
                Error::NotPositiveDefinite { index: zero + 1 },
                "{} n={n}",
                T::NAME
            );
        }
        let minus_i = Array2::<T>::eye(n).mapv(|x| -x);
        assert_eq!(
            Cholesky::new(&minus_i).unwrap_err(),
            Error::NotPositiveDefinite { index: 1 }
        );
    }
}
per_scalar!(not_pd, not_positive_definite);

fn unused_triangle_is_ignored<T: Scalar>() {
    let mut rng = testing::rng(9);
    let a: Array2<T> = testing::random_spd(6, T::Real::from_f64(10.0), &mut rng);
    let clean = Cholesky::new(&a).unwrap();
    let mut dirty = a.clone();
    let nan = T::from_parts(T::Real::nan(), T::Real::nan());
    for i in 0..6 {
        for j in i + 1..6 {
            dirty[(i, j)] = nan;
        }
    }
    let d = Cholesky::new(&dirty).unwrap();
    assert_eq!(d.factor(), clean.factor(), "bit-identical");
    assert_eq!(d.rcond(), clean.rcond());
    // The same through the upper triangle.
    let dirty_low = dirty.t().mapv(|x| x.conj());
    let u = Cholesky::with_uplo(&dirty_low, Uplo::Upper).unwrap();
    assert!(verify::cholesky_ratio(&a, &u) < T::Real::from_f64(verify::LIN_THRESHOLD));
    // NaN in the read triangle is reported with its position.
    dirty[(4, 2)] = nan;
    assert_eq!(
        Cholesky::new(&dirty).unwrap_err(),
        Error::NonFinite { row: 4, col: 2 }
    );
}
per_scalar!(unused_triangle, unused_triangle_is_ignored);

#[test]
fn hilbert_is_numerically_not_positive_definite_from_14() {
    // PD in exact arithmetic, but κ beyond 1/ε: LAPACK reports the failing minor.
    assert!(Cholesky::new(&testing::hilbert::<f64>(12)).is_ok());
    match Cholesky::new(&testing::hilbert::<f64>(16)) {
        Err(Error::NotPositiveDefinite { index }) => {
            assert!((13..=16).contains(&index), "index {index}")
        }
        other => panic!("expected NotPositiveDefinite, got {other:?}"),
    }
}

#[test]
fn seed_example_and_log_determinant() {
    let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
    let ch = a.cholesky().unwrap();
    assert!((ch.det() - 67.0).abs() < 1e-12);
    assert!((ch.ln_det() - 67f64.ln()).abs() < 1e-14);
    assert!(verify::cholesky_ratio(&a, &ch) < verify::LIN_THRESHOLD);
    // ln_det of a 1e300-scaled identity does not overflow.
    let big = Array2::<f64>::eye(100) * 1e300;
    let ld = Cholesky::new(&big).unwrap().ln_det();
    assert!((ld - 100.0 * 1e300f64.ln()).abs() <= 1e-13 * ld);
}

#[test]
fn complex_hermitian_ignores_imaginary_diagonal() {
    use ndfactor::c64;
    let a = array![
        [c64::new(4.0, 0.0), c64::new(1.0, -1.0)],
        [c64::new(1.0, 1.0), c64::new(3.0, 0.0)]
    ];
    let mut junk = a.clone();
    junk[(0, 0)].im = 7.0;
    junk[(1, 1)].im = -2.0;
    let c1 = Cholesky::new(&a).unwrap();
    let c2 = Cholesky::new(&junk).unwrap();
    assert!(verify::cholesky_ratio(&a, &c2) < verify::LIN_THRESHOLD);
    assert!(verify::reconstruction_ratio(&c1.l(), &c2.l(), 2) < verify::LIN_THRESHOLD);
}
