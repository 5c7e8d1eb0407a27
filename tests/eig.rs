//! General eigenproblem (?geev) through the LAPACK-style sweep (ddrvev): residual ratios of
//! right and left eigenvectors, normalization, conjugate pairs, layouts and bad inputs.
mod common;

use common::{check_ratio, for_each_layout, SMALL_SIZES};
use ndarray::{array, Array2, ArrayView2};
use ndfactor::testing::{self, MatrixType};
use ndfactor::{verify, Eig, EigVectors, Error, LinalgExt, RealScalar, Scalar};
use num_complex::Complex;

const TYPES: &[MatrixType] = &[
    MatrixType::Zero,
    MatrixType::Identity,
    MatrixType::Diagonal,
    MatrixType::UpperTriangular,
    MatrixType::LowerTriangular,
    MatrixType::Random,
    MatrixType::IllConditioned,
    MatrixType::NearUnderflow,
    MatrixType::NearOverflow,
];

fn cabs<R: RealScalar>(z: Complex<R>) -> R {
    z.re.hypot(z.im)
}

/// Every column has unit 2-norm (LAPACK normalizes them; ddrvev's test 3/4 uses 1/ulp-scaled).
fn check_unit_columns<R: RealScalar>(v: &ArrayView2<Complex<R>>, ctx: &dyn Fn() -> String) {
    let n = v.nrows();
    let tol = R::from_f64(verify::SCHUR_THRESHOLD * (n.max(1) as f64)) * R::epsilon();
    for (j, c) in v.columns().into_iter().enumerate() {
        let norm = c
            .iter()
            .fold(R::from_f64(0.0), |s, z| s + z.re * z.re + z.im * z.im)
            .sqrt();
        assert!(
            (norm - R::from_f64(1.0)).abs() <= tol,
            "column {j} has norm {norm} ({})",
            ctx()
        );
    }
}

/// For real input, complex eigenvalues and their vectors come in adjacent conjugate pairs.
fn check_pairs<T: Scalar>(e: &Eig<T>, ctx: &dyn Fn() -> String) {
    if T::IS_COMPLEX {
        return;
    }
    let l = e.values();
    let v = e.vectors();
    let zero = T::Real::from_f64(0.0);
    let mut j = 0;
    while j < l.len() {
        if l[j].im != zero {
            assert!(l[j].im > zero, "{}", ctx());
            assert_eq!(l[j + 1], l[j].conj(), "{}", ctx());
            for i in 0..v.nrows() {
                assert_eq!(v[(i, j + 1)], v[(i, j)].conj(), "{}", ctx());
            }
            j += 2;
        } else {
            assert!(v.column(j).iter().all(|z| z.im == zero), "{}", ctx());
            j += 1;
        }
    }
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0xe16);
    for &n in SMALL_SIZES {
        for (ti, &ty) in TYPES.iter().enumerate() {
            // The Zero slot also runs a plain Gaussian matrix: nonnormal, complex pairs.
            let mut cases: Vec<Array2<T>> = vec![testing::matrix(ty, n, n, &mut rng)];
            if ti == 0 {
                cases.push(testing::gaussian(n, n, &mut rng));
            }
            for a in cases {
                let ctx = || format!("{} n={n} {ty:?}", T::NAME);
                let e = Eig::with_left(&a).unwrap_or_else(|err| panic!("{}: {err}", ctx()));
                check_ratio(
                    &format!("eig/right {}", T::NAME),
                    verify::eig_ratio(&a, &e.values(), &e.vectors()),
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                let vl = e.left_vectors().expect("left vectors requested");
                check_ratio(
                    &format!("eig/left {}", T::NAME),
                    verify::eig_left_ratio(&a, &e.values(), &vl),
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                check_unit_columns(&e.vectors(), &ctx);
                check_unit_columns(&vl, &ctx);
                check_pairs(&e, &ctx);
                // Eigenvalues agree whatever is computed alongside (ddrvev demands identity).
                let right = Eig::new(&a).unwrap();
                assert_eq!(right.values(), e.values(), "{}", ctx());
                assert!(right.left_vectors().is_none());
                let only = Eig::values_only(&a).unwrap();
                let tol = T::Real::from_f64(verify::SCHUR_THRESHOLD) * T::eps() * verify::norm1(&a);
                for (x, y) in only.iter().zip(e.values().iter()) {
                    assert!(cabs(*x - *y) <= tol, "{x} vs {y} ({})", ctx());
                }
                for_each_layout(&a, |layout, v| {
                    let f = Eig::new(&v).unwrap();
                    assert_eq!(f.values(), right.values(), "{} {layout:?}", ctx());
                    assert_eq!(f.vectors(), right.vectors(), "{} {layout:?}", ctx());
                });
            }
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn rotation<T: Scalar>() {
    let a: Array2<T> = array![[T::zero(), -T::one()], [T::one(), T::zero()]];
    let e = a.eig().unwrap();
    let ctx = || format!("{} rotation", T::NAME);
    check_pairs(&e, &ctx);
    let mut l = e.values().to_vec();
    l.sort_by(|x, y| x.im.partial_cmp(&y.im).unwrap());
    let tol = T::Real::from_f64(4.0) * T::eps();
    let (zero, one) = (T::Real::from_f64(0.0), T::Real::from_f64(1.0));
    assert!(cabs(l[0] - Complex::new(zero, -one)) <= tol, "{}", ctx());
    assert!(cabs(l[1] - Complex::new(zero, one)) <= tol, "{}", ctx());
    check_ratio(
        &format!("eig/right {}", T::NAME),
        verify::eig_ratio(&a, &e.values(), &e.vectors()),
        verify::SCHUR_THRESHOLD,
        &ctx,
    );
}
per_scalar!(rotation_generator, rotation);

#[test]
fn real_input_with_complex_pairs() {
    // Block diagonal: 3, and 1 ± 2i.
    let a = array![[3.0f64, 0.0, 0.0], [0.0, 1.0, -2.0], [0.0, 2.0, 1.0]];
    let e = Eig::with_vectors(&a, EigVectors::Both).unwrap();
    check_pairs(&e, &|| "pairs".to_string());
    let l = e.values();
    let mut ims: Vec<f64> = l.iter().map(|z| z.im).collect();
    ims.sort_by(f64::total_cmp);
    // exact: a real eigenvalue is a 1×1 block of the real Schur form, whose imaginary part
    // LAPACK sets to 0
    assert!((ims[0] + 2.0).abs() < 1e-14 && ims[1] == 0.0 && (ims[2] - 2.0).abs() < 1e-14);
    assert!(verify::eig_ratio(&a, &l, &e.vectors()) < verify::SCHUR_THRESHOLD);
    let vl = e.left_vectors().unwrap();
    assert!(verify::eig_left_ratio(&a, &l, &vl) < verify::SCHUR_THRESHOLD);
}

fn zero_matrix<T: Scalar>() {
    // Must not hang; every eigenvalue 0, residual exactly 0.
    for n in [1usize, 5, 64] {
        let a = Array2::<T>::zeros((n, n));
        let e = Eig::with_left(&a).unwrap();
        assert!(e
            .values()
            .iter()
            .all(|l| l.re == T::Real::from_f64(0.0) && l.im == T::Real::from_f64(0.0)));
        assert_eq!(
            verify::eig_ratio(&a, &e.values(), &e.vectors()),
            T::Real::from_f64(0.0)
        );
        check_unit_columns(&e.vectors(), &|| format!("{} zero n={n}", T::NAME));
    }
}
per_scalar!(zero, zero_matrix);

fn bad_inputs<T: Scalar>() {
    let mut a: Array2<T> = testing::gaussian(3, 3, &mut testing::rng(4));
    a[(0, 2)] = T::from_real(T::Real::nan());
    assert_eq!(
        Eig::new(&a).unwrap_err(),
        Error::NonFinite { row: 0, col: 2 }
    );
    assert_eq!(
        Eig::values_only(&a).unwrap_err(),
        Error::NonFinite { row: 0, col: 2 }
    );
    a[(0, 2)] = T::one();
    a[(2, 1)] = T::from_real(T::Real::neg_infinity());
    assert_eq!(
        Eig::with_left(&a).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert_eq!(
        Eig::from_owned(a).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert_eq!(
        Eig::new(&Array2::<T>::zeros((3, 2))).unwrap_err(),
        Error::NotSquare { rows: 3, cols: 2 }
    );
    let e = Eig::with_left(&Array2::<T>::zeros((0, 0))).unwrap();
    assert_eq!(e.n(), 0);
    assert!(e.values().is_empty());
    assert_eq!(e.vectors().dim(), (0, 0));
    assert_eq!(e.left_vectors().unwrap().dim(), (0, 0));
    assert!(Eig::values_only(&Array2::<T>::zeros((0, 0)))
        .unwrap()
        .is_empty());
    // from_owned agrees with new.
    let b: Array2<T> = testing::gaussian(6, 6, &mut testing::rng(5));
    let e1 = Eig::new(&b).unwrap();
    let e2 = Eig::from_owned(b.clone()).unwrap();
    assert_eq!(e1.values(), e2.values());
    assert_eq!(e1.vectors(), e2.vectors());
}
per_scalar!(bad_input, bad_inputs);

#[test]
fn seed_example_symmetric() {
    let a = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
    let e = Eig::new(&a).unwrap();
    // exact: well-separated real eigenvalues form 1×1 blocks, whose imaginary parts LAPACK
    // sets to 0
    assert!(e.values().iter().all(|z| z.im == 0.0));
    let sum: f64 = e.values().iter().map(|z| z.re).sum();
    let prod: f64 = e.values().iter().map(|z| z.re).product();
    let tol = verify::SCHUR_THRESHOLD * f64::EPSILON * verify::norm1(&a);
    assert!((sum - 15.0).abs() <= tol && (prod - 67.0).abs() <= 67.0 * tol);
    assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
}
