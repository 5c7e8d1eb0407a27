//! Schur decomposition through the LAPACK-style sweep (ddrves): scalar types × layouts × sizes ×
//! matrix types, exact structure of T, reordering, Jordan blocks and bad inputs.
mod common;

use common::{check_ratio, for_each_layout, SMALL_SIZES};
use ndarray::{array, Array2, ArrayView2};
use ndfactor::testing::{self, MatrixType};
use ndfactor::{c64, verify, Error, LinalgExt, RealScalar, Scalar, Schur};
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

/// Modulus of a complex number of any precision.
fn cabs<R: RealScalar>(z: Complex<R>) -> R {
    z.re.hypot(z.im)
}

/// Exact structure of T: zero below the first subdiagonal; complex T upper triangular; real 2×2
/// blocks standardized (equal diagonal, off-diagonals of opposite sign) and never adjacent.
fn check_structure<T: Scalar>(t: &ArrayView2<T>, ctx: &dyn Fn() -> String) {
    let n = t.nrows();
    for i in 0..n {
        for j in 0..n {
            if i > j + 1 || (T::IS_COMPLEX && i == j + 1) {
                assert!(
                    t[(i, j)] == T::zero(),
                    "T[{i},{j}] = {} ({})",
                    t[(i, j)],
                    ctx()
                );
            }
        }
    }
    if !T::IS_COMPLEX {
        for k in 0..n.saturating_sub(1) {
            if t[(k + 1, k)] != T::zero() {
                assert!(
                    k + 2 >= n || t[(k + 2, k + 1)] == T::zero(),
                    "adjacent 2×2 blocks at {k} ({})",
                    ctx()
                );
                assert!(
                    t[(k, k)] == t[(k + 1, k + 1)],
                    "block {k} diagonal ({})",
                    ctx()
                );
                // Opposite signs (compared, not multiplied: the product underflows for the
                // near-underflow matrices).
                let zero = T::Real::from_f64(0.0);
                let (b, c) = (t[(k, k + 1)].re(), t[(k + 1, k)].re());
                assert!(
                    (b < zero && c > zero) || (b > zero && c < zero),
                    "block {k} not standardized ({})",
                    ctx()
                );
            }
        }
    }
}

/// Eigenvalues read off T's blocks, in diagonal order (`a ± i·√|b|·√|c|` for a 2×2 block).
fn block_eigenvalues<T: Scalar>(t: &ArrayView2<T>) -> Vec<Complex<T::Real>> {
    let n = t.nrows();
    let mut out = Vec::with_capacity(n);
    let mut k = 0;
    while k < n {
        if !T::IS_COMPLEX && k + 1 < n && t[(k + 1, k)] != T::zero() {
            let a = t[(k, k)].re();
            let beta = t[(k, k + 1)].abs().sqrt() * t[(k + 1, k)].abs().sqrt();
            out.push(Complex::new(a, beta));
            out.push(Complex::new(a, -beta));
            k += 2;
        } else {
            out.push(Complex::new(t[(k, k)].re(), t[(k, k)].im()));
            k += 1;
        }
    }
    out
}

/// All the checks of one decomposition against its input.
fn check_schur<T: Scalar>(name: &str, a: &Array2<T>, s: &Schur<T>, ctx: &dyn Fn() -> String) {
    let n = a.nrows();
    check_ratio(
        &format!("schur/{name} {}", T::NAME),
        verify::schur_ratio(a, &s.z(), &s.t()),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("schur/orthogonality {}", T::NAME),
        verify::orthogonality_ratio(&s.z()),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_structure(&s.t(), ctx);
    let l = s.values();
    assert_eq!(l.len(), n);
    let tol = T::Real::from_f64(verify::SCHUR_THRESHOLD) * T::eps() * verify::norm1(a);
    for (k, (x, y)) in l.iter().zip(block_eigenvalues(&s.t())).enumerate() {
        let d = (x.re - y.re).abs().max((x.im - y.im).abs());
        assert!(d <= tol, "eigenvalue {k}: {x} vs block {y} ({})", ctx());
    }
    // Z·T·Zᴴ through the accessor agrees with the ratio helper.
    check_ratio(
        &format!("schur/{name} {}", T::NAME),
        verify::reconstruction_ratio(a, &s.reconstruct(), n.max(1)),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5c4u64);
    for &n in SMALL_SIZES {
        for (ti, &ty) in TYPES.iter().enumerate() {
            // Alternate with plain Gaussian matrices: nonnormal, complex pairs for real types.
            let a: Array2<T> = if ti == 0 && n > 0 {
                testing::gaussian(n, n, &mut rng)
            } else {
                testing::matrix(ty, n, n, &mut rng)
            };
            let ctx = || format!("{} n={n} {ty:?}", T::NAME);
            let reference = Schur::new(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            check_schur("factor", &a, &reference, &ctx);
            for_each_layout(&a, |layout, v| {
                let s = Schur::new(&v).unwrap();
                assert_eq!(s.t(), reference.t(), "{} {layout:?}", ctx());
                assert_eq!(s.z(), reference.z(), "{} {layout:?}", ctx());
                assert_eq!(s.values(), reference.values());
            });
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn reorder_stable_first<T: Scalar>() {
    let mut rng = testing::rng(0x5c45);
    for n in [1usize, 2, 3, 8, 25, 26] {
        for _ in 0..3 {
            let a: Array2<T> = testing::gaussian(n, n, &mut rng);
            let ctx = || format!("{} n={n}", T::NAME);
            let mut s = Schur::new(&a).unwrap();
            let expected = s
                .values()
                .iter()
                .filter(|l| l.re < T::Real::from_f64(0.0))
                .count();
            let k = s.reorder(|l| l.re < T::Real::from_f64(0.0)).unwrap();
            assert_eq!(k, expected, "{}", ctx());
            let l = s.values();
            assert!(
                l.iter().take(k).all(|l| l.re < T::Real::from_f64(0.0)),
                "{}",
                ctx()
            );
            assert!(
                l.iter().skip(k).all(|l| l.re >= T::Real::from_f64(0.0)),
                "{}",
                ctx()
            );
            check_schur("reordered", &a, &s, &ctx);

            // Inside the unit disc, on a matrix scaled so that both kinds occur.
            let b = a.mapv(|x| x.scale(T::Real::from_f64(1.0 / (n as f64).sqrt())));
            let (s, k) = Schur::sorted(&b, |l| cabs(l) < T::Real::from_f64(1.0)).unwrap();
            let l = s.values();
            let one = T::Real::from_f64(1.0);
            // A real pair is selected as a whole; both members have the same modulus.
            assert!(l.iter().take(k).all(|l| cabs(*l) < one), "{}", ctx());
            assert!(l.iter().skip(k).all(|l| cabs(*l) >= one), "{}", ctx());
            check_schur("reordered", &b, &s, &ctx);

            // Nothing / everything selected.
            let mut s = Schur::new(&a).unwrap();
            assert_eq!(s.reorder(|_| false).unwrap(), 0);
            assert_eq!(s.reorder(|_| true).unwrap(), n);
            check_schur("reordered", &a, &s, &ctx);
        }
    }
}
per_scalar!(reorder, reorder_stable_first);

#[test]
fn real_pairs_are_selected_whole() {
    // Eigenvalues 3 (real) and ±2i (a 2×2 block); selecting only +2i selects the pair.
    let a = array![[3.0f64, 1.0, 0.0], [0.0, 0.0, -2.0], [0.0, 2.0, 0.0]];
    let mut s = Schur::new(&a).unwrap();
    let k = s.reorder(|l| l.im > 0.0).unwrap();
    assert_eq!(k, 2);
    let l = s.values();
    assert!((l[0] - c64::new(0.0, 2.0)).norm() < 1e-14, "{l:?}");
    assert!((l[1] - c64::new(0.0, -2.0)).norm() < 1e-14);
    assert!((l[2] - c64::new(3.0, 0.0)).norm() < 1e-14);
    assert!(verify::schur_ratio(&a, &s.z(), &s.t()) < verify::SCHUR_THRESHOLD);
}

fn jordan<T: Scalar>() {
    // ddrves type 3: eigenvalue 1 of multiplicity n, error ~ε^{1/n}: test the residual only.
    let mut rng = testing::rng(0x50);
    for n in [2usize, 5, 20, 65] {
        let mut a = Array2::<T>::zeros((n, n));
        for i in 0..n {
            a[(i, i)] = T::one();
            if i + 1 < n {
                a[(i, i + 1)] = T::one();
            }
        }
        let s = Schur::new(&a).unwrap();
        check_schur("jordan", &a, &s, &|| format!("{} jordan n={n}", T::NAME));
        // The same block hidden by a random unitary similarity, so that gees has work to do.
        let q: Array2<T> = testing::random_unitary(n, &mut rng);
        let b = q.dot(&a).dot(&common::adjoint(&q));
        let s = Schur::new(&b).unwrap();
        check_schur("jordan", &b, &s, &|| {
            format!("{} rotated jordan n={n}", T::NAME)
        });
    }
}
per_scalar!(jordan_block, jordan);

fn rotation<T: Scalar>() {
    let a: Array2<T> = array![[T::zero(), -T::one()], [T::one(), T::zero()]];
    let s = a.schur().unwrap();
    check_schur("factor", &a, &s, &|| format!("{} rotation", T::NAME));
    let mut l = s.values().to_vec();
    l.sort_by(|x, y| x.im.partial_cmp(&y.im).unwrap());
    let tol = T::Real::from_f64(4.0) * T::eps();
    assert!(cabs(l[0] - Complex::new(T::Real::from_f64(0.0), -T::Real::from_f64(1.0))) <= tol);
    assert!(cabs(l[1] - Complex::new(T::Real::from_f64(0.0), T::Real::from_f64(1.0))) <= tol);
    if !T::IS_COMPLEX {
        // One standardized 2×2 block.
        assert!(s.t()[(1, 0)] != T::zero());
    }
}
per_scalar!(rotation_generator, rotation);

#[test]
fn seed_example_symmetric() {
    // Symmetric ⇒ T diagonal up to rounding and the eigenvalues real.
    let a = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
    let s = Schur::new(&a).unwrap();
    check_schur("factor", &a, &s, &|| "seed".to_string());
    let t = s.t();
    let tol = verify::SCHUR_THRESHOLD * f64::EPSILON * verify::norm1(&a);
    for i in 0..3 {
        for j in 0..3 {
            if i != j {
                assert!(t[(i, j)].abs() <= tol, "T[{i},{j}] = {}", t[(i, j)]);
            }
        }
    }
    let l = s.values();
    // exact: 1×1 blocks of the real Schur form have imaginary part 0
    assert!(l.iter().all(|z| z.im == 0.0));
    let sum: f64 = l.iter().map(|z| z.re).sum();
    let prod: f64 = l.iter().map(|z| z.re).product();
    assert!((sum - 15.0).abs() <= tol);
    assert!((prod - 67.0).abs() <= 67.0 * tol);
}

fn bad_inputs<T: Scalar>() {
    let mut a: Array2<T> = testing::gaussian(3, 3, &mut testing::rng(1));
    a[(1, 2)] = T::from_real(T::Real::nan());
    assert_eq!(
        Schur::new(&a).unwrap_err(),
        Error::NonFinite { row: 1, col: 2 }
    );
    a[(1, 2)] = T::one();
    a[(2, 0)] = T::from_real(T::Real::infinity());
    assert_eq!(
        Schur::new(&a).unwrap_err(),
        Error::NonFinite { row: 2, col: 0 }
    );
    assert_eq!(
        Schur::from_owned(a).unwrap_err(),
        Error::NonFinite { row: 2, col: 0 }
    );
    assert_eq!(
        Schur::new(&Array2::<T>::zeros((2, 3))).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert_eq!(
        Schur::new(&Array2::<T>::zeros((0, 1))).unwrap_err(),
        Error::NotSquare { rows: 0, cols: 1 }
    );
    let mut e = Schur::new(&Array2::<T>::zeros((0, 0))).unwrap();
    assert_eq!(e.n(), 0);
    assert_eq!(e.t().dim(), (0, 0));
    assert_eq!(e.z().dim(), (0, 0));
    assert!(e.values().is_empty());
    assert_eq!(e.reconstruct().dim(), (0, 0));
    assert_eq!(e.reorder(|_| true).unwrap(), 0);
    // from_owned gives the same decomposition as new.
    let b: Array2<T> = testing::gaussian(5, 5, &mut testing::rng(2));
    let s1 = Schur::new(&b).unwrap();
    let s2 = Schur::from_owned(b.clone()).unwrap();
    assert_eq!(s1.t(), s2.t());
    assert_eq!(s1.z(), s2.z());
}
per_scalar!(bad_input, bad_inputs);

#[test]
fn zero_matrix_gives_zero_t() {
    let a = Array2::<f64>::zeros((4, 4));
    let s = Schur::new(&a).unwrap();
    assert!(s.t().iter().all(|&x| x == 0.0));
    // exact: T = 0 and Z = I for a zero matrix, so the residual is 0
    assert_eq!(verify::schur_ratio(&a, &s.z(), &s.t()), 0.0);
}

#[test]
fn panicking_predicate_is_an_ordinary_panic() {
    // The predicate runs in Rust before LAPACK; a panic in it leaves the decomposition intact.
    let a: Array2<f64> = testing::gaussian(6, 6, &mut testing::rng(9));
    let mut s = Schur::new(&a).unwrap();
    let before = s.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        s.reorder(|_| panic!("predicate panics"))
    }));
    assert!(r.is_err());
    assert_eq!(s.t(), before.t());
    assert_eq!(s.z(), before.z());
    assert_eq!(s.values(), before.values());
}

#[test]
fn stateful_predicate_can_split_equal_eigenvalues() {
    // Two 2×2 blocks with the same eigenvalues ±i; a counting closure selects the second one.
    let a = array![
        [0.0f64, 1.0, 1.0, 2.0],
        [-1.0, 0.0, 0.5, 1.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, -1.0, 0.0]
    ];
    let mut s = Schur::new(&a).unwrap();
    let mut calls = 0;
    let k = s
        .reorder(|_| {
            calls += 1;
            calls > 2
        })
        .unwrap();
    assert_eq!(k, 2);
    assert_eq!(calls, 4, "both eigenvalues of each block are evaluated");
    check_schur("reordered", &a, &s, &|| "equal blocks".to_string());
}
