#![cfg(feature = "sparse")]
//! Truncated SVD of sparse matrices and operators (`ndfactor::sparse`), checked against the
//! dense SVD and against known spectra.

mod common;

use ndarray::{s, Array2, ArrayView2};
use ndfactor::sparse::{LinearOperator, PartialSvd, Svds, SvdsMethod};
use ndfactor::{testing, Error, RealScalar, Scalar, Svd};
use rand::Rng;
use sprs::{CsMat, TriMat};

const METHODS: [SvdsMethod; 2] = [SvdsMethod::Lanczos, SvdsMethod::Randomized];

fn to_sprs<T: Scalar>(a: &Array2<T>, csc: bool) -> CsMat<T> {
    let mut t = TriMat::new(a.dim());
    for ((i, j), &v) in a.indexed_iter() {
        if v != T::zero() {
            t.add_triplet(i, j, v);
        }
    }
    if csc {
        t.to_csc()
    } else {
        t.to_csr()
    }
}

/// A sparse `m×n` matrix with singular values `sigma`: a rectangular diagonal matrix with
/// random phases, mixed by `rot` random plane rotations on row pairs and on column pairs
/// (unitary, so the spectrum is kept up to rounding; each rotation merges two sparsity
/// patterns, so the matrix stays sparse).
///
/// Returns `(A, U, V)` with `A = U·Σ·Vᴴ` up to phases (`U`, `V` the exact singular vectors).
fn known_spectrum<T: Scalar>(
    m: usize,
    n: usize,
    sigma: &[T::Real],
    rot: usize,
) -> (Array2<T>, Array2<T>, Array2<T>) {
    let mut rng = testing::rng(11);
    let mut a = Array2::<T>::zeros((m, n));
    for (i, &sg) in sigma.iter().enumerate() {
        let ph: f64 = rng.random::<f64>() * std::f64::consts::TAU;
        let phase = if T::IS_COMPLEX {
            T::from_parts(T::Real::from_f64(ph.cos()), T::Real::from_f64(ph.sin()))
        } else {
            T::from_f64(ph.cos().signum())
        };
        a[(i, i)] = phase.scale(sg);
    }
    let rotate = |a: &mut Array2<T>, rows: bool, i: usize, j: usize, th: f64| {
        let (c, sn) = (T::from_f64(th.cos()), T::from_f64(th.sin()));
        let (x, y) = if rows {
            (a.row(i).to_owned(), a.row(j).to_owned())
        } else {
            (a.column(i).to_owned(), a.column(j).to_owned())
        };
        let nx = x.mapv(|v| v * c) + y.mapv(|v| v * sn);
        let ny = y.mapv(|v| v * c) - x.mapv(|v| v * sn);
        if rows {
            a.row_mut(i).assign(&nx);
            a.row_mut(j).assign(&ny);
        } else {
            a.column_mut(i).assign(&nx);
            a.column_mut(j).assign(&ny);
        }
    };
    // The row rotations G and column rotations C give A = G·D·C; tracking them on identities
    // gives the exact singular vectors: uᵢ = G·eᵢ, vᵢ = Cᵀ·eᵢ (real rotations).
    let mut g = Array2::<T>::eye(m);
    let mut c = Array2::<T>::eye(n);
    let pick = |len: usize, rng: &mut ndfactor::testing::SeededRng| {
        let i = rng.random_range(0..len);
        let mut j = rng.random_range(0..len - 1);
        if j >= i {
            j += 1;
        }
        (i, j, rng.random::<f64>() * std::f64::consts::TAU)
    };
    for _ in 0..rot {
        let (i, j, th) = pick(m, &mut rng);
        rotate(&mut a, true, i, j, th);
        rotate(&mut g, true, i, j, th);
        let (i, j, th) = pick(n, &mut rng);
        rotate(&mut a, false, i, j, th);
        rotate(&mut c, false, i, j, th);
    }
    (a, g, c.t().to_owned())
}

/// Checks the computed values against exact ones: every triplet converged, and
/// `|σ̃ᵢ − σᵢ| ≤ min(rᵢ, rᵢ²/gapᵢ) + 10·n·ε·σ₁` (the residual bound of the Hermitian
/// augmented matrix, plus the rounding of the test matrix itself).
fn check_values<T: Scalar>(r: &PartialSvd<T>, exact: &[f64], n: usize, tol: f64, what: &str) {
    let eps = T::eps().to_f64();
    let s1 = exact[0];
    let k = r.rank();
    assert_eq!(r.report().converged, k, "{what}: {}", r.report());
    for i in 0..k {
        let res = r.residuals()[i].to_f64();
        assert!(
            res <= tol * r.s()[0].to_f64(),
            "{what}: residual {i} {res:e}"
        );
        let gap = exact
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, &x)| (x - exact[i]).abs())
            .fold(f64::INFINITY, f64::min);
        let bound = res.min(res * res / gap) + 10.0 * n as f64 * eps * s1;
        let err = (r.s()[i].to_f64() - exact[i]).abs();
        assert!(err <= bound, "{what}: σ{i} error {err:e} > {bound:e}");
    }
}

/// `sin θ` of the largest principal angle between `span(U)` and `span(W)` (orthonormal):
/// `‖(I − W·Wᴴ)·U‖₂`, which is accurate for small angles (the cosine form `√(1 − cos²θ)` is not:
/// it cannot resolve angles below √ε).
fn sin_angle<T: Scalar>(u: ArrayView2<T>, w: ArrayView2<T>) -> f64 {
    let p = &u - &w.dot(&common::adjoint(&w.to_owned()).dot(&u));
    Svd::values(&p)
        .unwrap()
        .iter()
        .fold(0.0f64, |m, x| m.max(x.to_f64()))
}

fn known_spectrum_300x200<T: Scalar>() {
    let (m, n, k) = (300, 200, 6);
    let sigma = testing::geometric_spectrum::<T::Real>(n, T::Real::from_f64(1e3));
    let (dense, uex, vex) = known_spectrum::<T>(m, n, &sigma, 150);
    let exact: Vec<f64> = sigma.iter().map(|x| x.to_f64()).collect();
    let tol = T::eps().sqrt().to_f64();
    for csc in [false, true] {
        let a = to_sprs(&dense, csc);
        assert!(
            a.nnz() < m * n / 4,
            "test matrix must be sparse: nnz = {}",
            a.nnz()
        );
        for method in METHODS {
            let what = format!("{} {method} csc={csc}", T::NAME);
            let r = Svds::new(k).method(method).seed(3).compute(&a).unwrap();
            check_values(&r, &exact, n, tol, &what);
            // Wedin's sin θ theorem: with the joint residual [A·V − U·Σ; Aᴴ·U − V·Σ], whose
            // Frobenius norm is √(Σ rᵢ²), the largest principal angle of either subspace obeys
            // sin θ ≤ √(Σ rᵢ²) / (σ̃_k − σ_{k+1}) (computed σ̃_k, exact σ_{k+1}).
            let res = r
                .residuals()
                .iter()
                .map(|x| x.to_f64().powi(2))
                .sum::<f64>()
                .sqrt();
            let delta = r.s()[k - 1].to_f64().min(exact[k - 1]) - exact[k];
            let bound = res / delta + 100.0 * n as f64 * T::eps().to_f64();
            let su = sin_angle(r.u(), uex.slice(s![.., ..k]));
            let v = common::adjoint(&r.vt().to_owned());
            let sv = sin_angle(v.view(), vex.slice(s![.., ..k]));
            assert!(
                su <= bound && sv <= bound,
                "{what}: sin θ {su:e} {sv:e} > {bound:e}"
            );
        }
    }
}
per_scalar!(known_spectrum, known_spectrum_300x200);

fn random_sparse<T: Scalar>(m: usize, n: usize, density: f64, seed: u64) -> CsMat<T> {
    let mut rng = testing::rng(seed);
    let mut t = TriMat::new((m, n));
    for i in 0..m {
        for j in 0..n {
            if rng.random::<f64>() < density {
                t.add_triplet(i, j, testing::normal::<T>(&mut rng));
            }
        }
    }
    t.to_csr()
}

fn random_sparse_vs_dense<T: Scalar>() {
    let (m, n, k) = (300, 200, 5);
    let a = random_sparse::<T>(m, n, 0.05, 4);
    let dense = a.to_dense();
    let exact: Vec<f64> = Svd::values(&dense)
        .unwrap()
        .iter()
        .map(|x| x.to_f64())
        .collect();
    let tol = T::eps().sqrt().to_f64();
    for method in METHODS {
        let r = Svds::new(k).method(method).compute(&a).unwrap();
        check_values(&r, &exact, n, tol, &format!("{} random {method}", T::NAME));
    }
}
per_scalar!(random_sparse, random_sparse_vs_dense);

#[test]
fn csr_csc_dense_and_views_agree() {
    let a = random_sparse::<f64>(250, 180, 0.04, 7);
    let csc = a.to_csc();
    let dense = a.to_dense();
    for method in METHODS {
        let go =
            |op: &dyn LinearOperator<f64>| Svds::new(4).method(method).seed(1).compute(op).unwrap();
        let r0 = go(&a);
        let r1 = go(&csc);
        let r2 = go(&dense);
        let r3 = go(&dense.t().t()); // a view
        let r4 = go(&a.view());
        let s1 = r0.s()[0];
        for r in [&r1, &r2, &r3, &r4] {
            for i in 0..4 {
                // All converged to tol = √ε: values agree to the residual bound.
                let b = r0.residuals()[i] + r.residuals()[i] + 1e3 * f64::EPSILON * s1;
                assert!((r.s()[i] - r0.s()[i]).abs() <= b, "{method}");
            }
        }
    }
}

#[test]
fn deterministic_with_seed() {
    let a = random_sparse::<f64>(200, 150, 0.05, 8);
    for method in METHODS {
        let x = Svds::new(3).method(method).seed(42).compute(&a).unwrap();
        let y = Svds::new(3).method(method).seed(42).compute(&a).unwrap();
        assert_eq!(x.s(), y.s());
        assert_eq!(x.u(), y.u());
        assert_eq!(x.residuals(), y.residuals());
    }
}

#[test]
fn sparse_operator_products_match_dense() {
    fn body<T: Scalar>() {
        let a = random_sparse::<T>(40, 30, 0.2, 9);
        let d = a.to_dense();
        let x: Array2<T> = testing::gaussian(30, 3, &mut testing::rng(1));
        let y: Array2<T> = testing::gaussian(40, 3, &mut testing::rng(2));
        let tol = 100.0 * T::eps().to_f64() * (1.0 + common::max_abs(&d.dot(&x)));
        for op in [a.clone(), a.to_csc()] {
            let e1 = &op.apply(x.view()) - &d.dot(&x);
            let e2 = &op.apply_adjoint(y.view()) - &common::adjoint(&d).dot(&y);
            // A strided (non-contiguous) block too.
            let e3 = &op.apply(x.slice(s![.., ..;2])) - &d.dot(&x.slice(s![.., ..;2]));
            assert!(common::max_abs(&e1) < tol && common::max_abs(&e2) < tol);
            assert!(common::max_abs(&e3) < tol);
        }
    }
    body::<f32>();
    body::<f64>();
    body::<ndfactor::c32>();
    body::<ndfactor::c64>();
}

/// Forward difference `(n−1)×n`, matrix-free: `σⱼ = 2·sin(jπ/(2n))`.
struct Diff(usize);
impl LinearOperator<f64> for Diff {
    fn shape(&self) -> (usize, usize) {
        (self.0 - 1, self.0)
    }
    fn apply(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
        Array2::from_shape_fn((self.0 - 1, x.ncols()), |(i, j)| x[(i + 1, j)] - x[(i, j)])
    }
    fn apply_adjoint(&self, y: ArrayView2<'_, f64>) -> Array2<f64> {
        let m = self.0 - 1;
        Array2::from_shape_fn((self.0, y.ncols()), |(i, j)| {
            (if i > 0 { y[(i - 1, j)] } else { 0.0 }) - (if i < m { y[(i, j)] } else { 0.0 })
        })
    }
}

#[test]
fn matrix_free_operator() {
    let n = 2000;
    let exact: Vec<f64> = (1..n)
        .rev()
        .map(|j| 2.0 * (j as f64 * std::f64::consts::PI / (2.0 * n as f64)).sin())
        .collect();
    // Top of this spectrum is clustered (gaps ~1e-6): a larger subspace converges faster.
    let r = Svds::new(4).ncv(60).compute(&Diff(n)).unwrap();
    check_values(&r, &exact, n, f64::EPSILON.sqrt(), "diff");
}

#[test]
fn rank_deficient_and_zero() {
    // Rank 3, k = 6: Lanczos breaks down (invariant subspace) and must carry on.
    let sigma = [3.0, 2.0, 1.0];
    let mut full = vec![0.0; 120];
    full[..3].copy_from_slice(&sigma);
    let (d, _, _) = known_spectrum::<f64>(150, 120, &full, 60);
    let a = to_sprs(&d, false);
    for method in METHODS {
        let r = Svds::new(6).method(method).compute(&a).unwrap();
        for (i, (&got, &want)) in r.s().iter().zip(&full).enumerate() {
            assert!(
                (got - want).abs() < 1e3 * f64::EPSILON * 3.0,
                "{method} {i}"
            );
        }
        assert_eq!(r.report().converged, 6);
        // U stays orthonormal across the breakdown.
        let g = r.u().t().dot(&r.u()) - Array2::<f64>::eye(6);
        assert!(common::max_abs(&g) < 1e3 * f64::EPSILON, "{method}");
    }
    let z: CsMat<f64> = CsMat::zero((100, 80));
    for method in METHODS {
        let r = Svds::new(3).method(method).compute(&z).unwrap();
        // exact: every product with a zero matrix is exactly 0
        assert!(r.s().iter().all(|&x| x == 0.0));
        assert_eq!(r.report().converged, 3);
    }
}

#[test]
fn small_problems_go_dense() {
    let a = random_sparse::<f64>(30, 12, 0.3, 3);
    let exact = Svd::values(&a.to_dense()).unwrap();
    for (k, method) in [(12, SvdsMethod::Lanczos), (5, SvdsMethod::Randomized)] {
        let r = Svds::new(k).method(method).compute(&a).unwrap();
        assert_eq!(r.report().method, SvdsMethod::Dense);
        for i in 0..k {
            assert!((r.s()[i] - exact[i]).abs() < 100.0 * f64::EPSILON * exact[0]);
        }
    }
    // Wide: densified through Aᴴ.
    let w = a.transpose_view().to_csr();
    let r = Svds::new(12).compute(&w).unwrap();
    assert!((r.s()[11] - exact[11]).abs() < 100.0 * f64::EPSILON * exact[0]);
    assert_eq!(r.report().converged, 12);
}

#[test]
fn bad_input_is_a_typed_error() {
    let mut t = TriMat::new((50, 40));
    t.add_triplet(0, 0, 1.0f64);
    t.add_triplet(7, 3, f64::NAN);
    let csr: CsMat<f64> = t.to_csr();
    let csc: CsMat<f64> = t.to_csc();
    assert_eq!(
        Svds::new(2).compute(&csr).unwrap_err(),
        Error::NonFinite { row: 7, col: 3 }
    );
    assert_eq!(
        Svds::new(2).compute(&csc).unwrap_err(),
        Error::NonFinite { row: 7, col: 3 }
    );
    let mut t = TriMat::new((50, 40));
    t.add_triplet(4, 9, f64::INFINITY);
    let inf: CsMat<f64> = t.to_csr();
    assert_eq!(
        Svds::new(2).compute(&inf).unwrap_err(),
        Error::NonFinite { row: 4, col: 9 }
    );

    let a = random_sparse::<f64>(50, 40, 0.1, 1);
    assert_eq!(
        Svds::new(41).compute(&a).unwrap_err(),
        Error::InvalidRank { k: 41, max: 40 }
    );
    for tol in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            Svds::new(2).tol(tol).compute(&a),
            Err(Error::InvalidArgument { .. })
        ));
    }
    assert!(matches!(
        Svds::new(5).ncv(5).compute(&a),
        Err(Error::InvalidArgument { .. })
    ));

    // Empty operators and k = 0 have a defined, empty answer.
    let e: CsMat<f64> = CsMat::zero((0, 7));
    let r = Svds::new(0).compute(&e).unwrap();
    assert_eq!((r.rank(), r.u().dim(), r.vt().dim()), (0, (0, 0), (0, 7)));
    assert_eq!(
        Svds::new(1).compute(&e).unwrap_err(),
        Error::InvalidRank { k: 1, max: 0 }
    );
    let r = Svds::new(0).compute(&a).unwrap();
    assert_eq!((r.u().dim(), r.vt().dim()), ((50, 0), (0, 40)));

    // Operators that break their contract.
    struct WrongShape;
    impl LinearOperator<f64> for WrongShape {
        fn shape(&self) -> (usize, usize) {
            (100, 80)
        }
        fn apply(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
            Array2::zeros((99, x.ncols()))
        }
        fn apply_adjoint(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
            Array2::zeros((80, x.ncols()))
        }
    }
    assert!(matches!(
        Svds::new(2).compute(&WrongShape),
        Err(Error::DimensionMismatch {
            expected: 100,
            found: 99,
            ..
        })
    ));
    struct Nan;
    impl LinearOperator<f64> for Nan {
        fn shape(&self) -> (usize, usize) {
            (100, 80)
        }
        fn apply(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
            Array2::from_elem((100, x.ncols()), f64::NAN)
        }
        fn apply_adjoint(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
            Array2::zeros((80, x.ncols()))
        }
    }
    for method in METHODS {
        assert!(matches!(
            Svds::new(2).method(method).compute(&Nan),
            Err(Error::NumericalBreakdown { .. })
        ));
    }
}

#[test]
fn iteration_limit_is_reported() {
    let a = random_sparse::<f64>(300, 200, 0.05, 5);
    for method in METHODS {
        let e = Svds::new(5)
            .method(method)
            .max_iter(0)
            .ncv(12)
            .oversamples(2)
            .compute(&a);
        assert!(
            matches!(e, Err(Error::NotConverged { requested: 5, .. })),
            "{method}"
        );
        let r = Svds::new(5)
            .method(method)
            .max_iter(0)
            .ncv(12)
            .oversamples(2)
            .allow_partial(true)
            .compute(&a)
            .unwrap();
        assert!(r.report().converged < 5 && r.rank() == 5);
        // Residuals are honest: the unconverged ones exceed the tolerance.
        let over = r
            .residuals()
            .iter()
            .filter(|&&x| x > r.report().tol * r.s()[0])
            .count();
        assert_eq!(over, 5 - r.report().converged);
    }
}
