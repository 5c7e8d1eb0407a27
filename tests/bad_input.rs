//! The bad-input table (RELIABILITY.md §5.3) for the square factorizations.
mod common;

use ndarray::{array, s, Array1, Array2, ShapeBuilder};
use ndfactor::{Cholesky, Error, Lu, RealScalar, Scalar};

fn non_finite_is_caught_before_lapack<T: Scalar>() {
    let n = 5;
    let base = Array2::<T>::eye(n).mapv(|x| x.scale(T::Real::from_f64((n + 1) as f64)))
        + Array2::from_elem((n, n), T::one());
    let nan = T::from_real(T::Real::nan());
    let inf = T::from_real(T::Real::infinity());
    let ninf = T::from_real(T::Real::neg_infinity());
    for v in [nan, inf, ninf] {
        for (i, j) in [(0, 0), (2, 2), (4, 4), (1, 0), (0, 1), (3, 1)] {
            let mut a = base.clone();
            a[(i, j)] = v;
            assert_eq!(
                Lu::new(&a).unwrap_err(),
                Error::NonFinite { row: i, col: j }
            );
            let expect_chol = if i >= j {
                Err(Error::NonFinite { row: i, col: j })
            } else {
                Ok(())
            };
            assert_eq!(Cholesky::new(&a).map(|_| ()), expect_chol, "({i},{j})");
        }
        let all = Array2::from_elem((n, n), v);
        assert_eq!(
            Lu::new(&all).unwrap_err(),
            Error::NonFinite { row: 0, col: 0 }
        );
        // Non-finite right-hand sides are caught too.
        let lu = Lu::new(&base).unwrap();
        let mut b = Array1::<T>::ones(n);
        b[3] = v;
        assert_eq!(
            lu.solve(&b).unwrap_err(),
            Error::NonFinite { row: 3, col: 0 }
        );
    }
    // A complex entry with only the imaginary part non-finite.
    if T::IS_COMPLEX {
        let mut a = base.clone();
        a[(2, 3)] = T::from_parts(T::Real::from_f64(1.0), T::Real::nan());
        assert_eq!(
            Lu::new(&a).unwrap_err(),
            Error::NonFinite { row: 2, col: 3 }
        );
    }
}
per_scalar!(non_finite, non_finite_is_caught_before_lapack);

fn shapes_and_empties<T: Scalar>() {
    let rect = Array2::<T>::zeros((2, 3));
    assert_eq!(
        Lu::new(&rect).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert_eq!(
        Cholesky::new(&rect).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    let lu = Lu::new(&Array2::<T>::eye(3)).unwrap();
    let err = lu.solve(&Array1::<T>::ones(4)).unwrap_err();
    assert_eq!(
        err,
        Error::DimensionMismatch {
            operation: "Lu::solve: rows of b",
            expected: 3,
            found: 4
        }
    );
    assert!(err.to_string().contains("expected 3, found 4"));
    let ch = Cholesky::new(&Array2::<T>::eye(3)).unwrap();
    assert!(matches!(
        ch.solve(&Array2::<T>::ones((2, 2))),
        Err(Error::DimensionMismatch {
            expected: 3,
            found: 2,
            ..
        })
    ));

    // 0×0: defined answers, no LAPACK call.
    let e = Array2::<T>::zeros((0, 0));
    let lu = Lu::new(&e).unwrap();
    assert_eq!(lu.det(), T::one());
    // exact: the empty matrix's values are defined: sign 1, ln|det| 0, rcond 1, det 1
    assert_eq!(lu.ln_abs_det(), (T::one(), T::Real::from_f64(0.0)));
    assert_eq!(lu.rcond(), T::Real::from_f64(1.0));
    assert_eq!(lu.inverse().unwrap().dim(), (0, 0));
    assert_eq!(lu.solve(&Array1::<T>::zeros(0)).unwrap().len(), 0);
    assert_eq!(lu.solve(&Array2::<T>::zeros((0, 4))).unwrap().dim(), (0, 4));
    let ch = Cholesky::new(&e).unwrap();
    assert_eq!(ch.det(), T::Real::from_f64(1.0));
    assert_eq!(ch.l().dim(), (0, 0));
    // Zero right-hand sides give an empty solution.
    let lu = Lu::new(&Array2::<T>::eye(3)).unwrap();
    assert_eq!(lu.solve(&Array2::<T>::zeros((3, 0))).unwrap().dim(), (3, 0));
    assert_eq!(
        Cholesky::new(&Array2::<T>::eye(3))
            .unwrap()
            .solve(&Array2::<T>::zeros((3, 0)))
            .unwrap()
            .dim(),
        (3, 0)
    );
}
per_scalar!(shapes, shapes_and_empties);

fn input_is_never_modified<T: Scalar>() {
    let mut rng = ndfactor::testing::rng(4);
    let a: Array2<T> = ndfactor::testing::random_spd(8, T::Real::from_f64(10.0), &mut rng);
    let before = a.clone();
    let b: Array2<T> = ndfactor::testing::gaussian(8, 2, &mut rng);
    let b_before = b.clone();
    let _ = Lu::new(&a).unwrap().solve(&b).unwrap();
    let _ = Cholesky::new(&a).unwrap().solve(&b).unwrap();
    assert_eq!(a, before);
    assert_eq!(b, b_before);
}
per_scalar!(no_overwrite, input_is_never_modified);

#[test]
fn broadcast_and_step_views_are_accepted() {
    // A zero-stride (broadcast) view: a constant, rank-1 matrix. It factors; it is singular.
    let row = array![1.0f64, 2.0, 3.0];
    let bc = row.broadcast((3, 3)).unwrap();
    let lu = Lu::new(&bc).unwrap();
    assert_eq!(lu.singular_at(), Some(2));
    // exact: equal rows: the second pivot is x − 1·x = 0
    assert_eq!(lu.det(), 0.0);
    // A view with steps and an odd leading dimension inside a larger buffer.
    let parent = Array2::<f64>::from_shape_fn((9, 11).f(), |(i, j)| {
        if i == j {
            4.0
        } else {
            1.0 / (1 + i + j) as f64
        }
    });
    let v = parent.slice(s![1..8;2, 2..10;2]);
    let lu = Lu::new(&v).unwrap();
    let b = array![[1.0], [2.0], [3.0], [4.0]];
    let x = lu.solve(&b).unwrap();
    assert!(ndfactor::verify::solve_ratio(&v, &x, &b) < ndfactor::verify::LIN_THRESHOLD);
}

#[test]
fn errors_read_well() {
    assert_eq!(
        Error::Singular { index: 3 }.to_string(),
        "matrix is singular: pivot 3 (1-based) is exactly zero"
    );
    assert_eq!(
        Error::NotPositiveDefinite { index: 2 }.to_string(),
        "matrix is not positive definite: the leading minor of order 2 is not positive"
    );
    assert!(Error::NonFinite { row: 1, col: 4 }
        .to_string()
        .contains("row 1, column 4"));
    let ill = Error::IllConditioned {
        rcond: 1e-17,
        threshold: 2.2e-16,
    };
    assert!(ill.to_string().contains("17"), "{ill}");
}
