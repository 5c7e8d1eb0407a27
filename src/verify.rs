//! LAPACK-style test ratios, public so that users can put the same checks in their own CI.
//!
//! Each ratio divides a residual by `‖A‖·(dimension)·ε`, so that a backward-stable result gives
//! a number of order 1 whatever the size, scale and precision. LAPACK's test suite accepts a
//! ratio below its threshold (30 at ε = 2⁻⁵³ for the linear solvers, i.e. 15 in units of
//! `f64::EPSILON`; 50 for SVD and symmetric eigen; 20 for Schur). Norms are 1-norms (maximum
//! column sum) unless stated, computed in the routine's own precision. When `‖A‖ = 0` a ratio is
//! 0 if the residual is 0 and +∞ otherwise.
//!
//! ```
//! use ndarray::array;
//! use ndfactor::{verify, Lu};
//! let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
//! let lu = Lu::new(&a)?;
//! assert!(verify::lu_ratio(&a, &lu) < verify::LIN_THRESHOLD);
//! let b = array![[1.0f64], [2.0], [3.0]];
//! let x = lu.solve(&b)?;
//! assert!(verify::solve_ratio(&a, &x, &b) < verify::LIN_THRESHOLD);
//! # Ok::<(), ndfactor::Error>(())
//! ```

use ndarray::{s, Array2, ArrayBase, Data, Ix1, Ix2};
use num_complex::Complex;

use crate::decomp::cholesky::Cholesky;
use crate::decomp::geneig::{GeneralizedEigenvalue, GeneralizedProblem, Qz};
use crate::decomp::ldlt::Ldlt;
use crate::decomp::lu::Lu;
pub(crate) use crate::lapack::numeric::norm_fro_with_max;
pub use crate::lapack::numeric::{norm1, norm_fro};
use crate::scalar::{RealScalar, Scalar};

/// Threshold for LU, Cholesky, LDLᵀ and QR ratios (LAPACK's 30 at ε = 2⁻⁵³).
pub const LIN_THRESHOLD: f64 = 15.0;
/// Threshold for Schur ratios (LAPACK's nonsymmetric eigen tests).
pub const SCHUR_THRESHOLD: f64 = 20.0;
/// Threshold for symmetric/Hermitian eigen ratios.
pub const EIG_THRESHOLD: f64 = 50.0;
/// Threshold for SVD ratios.
pub const SVD_THRESHOLD: f64 = 50.0;
/// Threshold for the condition-estimate ratio of [`rcond_ratio`] (LAPACK's dget06 test).
pub const RCOND_THRESHOLD: f64 = 30.0;

/// The LAPACK ratio `(resid / anorm) / (dim·ε)`, with the conventions for `anorm = 0`.
///
/// ```
/// let r = ndfactor::verify::ratio::<f64>(1e-15, 1.0, 4);
/// assert!((r - 1e-15 / (4.0 * f64::EPSILON)).abs() < 1e-12);
/// assert_eq!(ndfactor::verify::ratio::<f64>(0.0, 0.0, 4), 0.0); // exact: a zero residual is defined as ratio 0
/// ```
pub fn ratio<T: Scalar>(resid: T::Real, anorm: T::Real, dim: usize) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    if resid == zero {
        return zero;
    }
    if anorm == zero {
        return T::Real::infinity();
    }
    let d = T::Real::from_f64(dim.max(1) as f64);
    (resid / anorm) / (d * T::eps())
}

/// `‖A − B‖₁ / (dim·‖A‖₁·ε)`: how far a reconstruction `B` is from `A`, in units of rounding.
///
/// ```
/// use ndarray::array;
/// use ndfactor::verify;
/// let a = array![[1.0f64, 2.0], [3.0, 4.0]];
/// assert_eq!(verify::reconstruction_ratio(&a, &a.clone(), 2), 0.0); // exact: A − A is exactly 0
/// ```
pub fn reconstruction_ratio<T, S1, S2>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    dim: usize,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let d = a.to_owned() - b;
    ratio::<T>(norm1(&d), norm1(a), dim)
}

/// LAPACK's dget01: `‖P·A − L·U‖₁ / (n·‖A‖₁·ε)`.
///
/// This ratio does **not** detect pivot growth (it is 0 on Wilkinson's growth matrix); pair it
/// with [`solve_ratio`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Lu};
/// let a = array![[1e-3, 1.0], [1.0, 1.0]];
/// assert!(verify::lu_ratio(&a, &Lu::new(&a)?) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lu_ratio<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, lu: &Lu<T>) -> T::Real {
    reconstruction_ratio(a, &lu.reconstruct(), a.nrows())
}

/// `‖L·Lᴴ − A‖₁ / (n·‖A‖₁·ε)` for a Cholesky factorization (LAPACK's dpot01), with `A` taken
/// as the Hermitian matrix whose lower triangle was read (pass the full Hermitian matrix).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Cholesky};
/// let a = array![[4.0f64, 2.0], [2.0, 5.0]];
/// assert!(verify::cholesky_ratio(&a, &Cholesky::new(&a)?) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn cholesky_ratio<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    ch: &Cholesky<T>,
) -> T::Real {
    reconstruction_ratio(a, &ch.reconstruct(), a.nrows())
}

/// `‖P·A·Pᵀ − L·D·Lᴴ‖₁ / (n·‖A‖₁·ε)` for a Bunch–Kaufman factorization (LAPACK's dsyt01;
/// `Lᵀ` for complex symmetric mode), with `A` the full symmetric/Hermitian matrix whose
/// triangle was read (pass both triangles).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Ldlt};
/// let a = array![[1.0f64, 2.0], [2.0, 1.0]];
/// assert!(verify::ldlt_ratio(&a, &Ldlt::new(&a)?) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn ldlt_ratio<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, ld: &Ldlt<T>) -> T::Real {
    let (perm, ldl) = ld.ldl();
    let n = a.nrows();
    let pap = Array2::from_shape_fn((n, n), |(i, j)| a[(perm[i], perm[j])]);
    reconstruction_ratio(&pap, &ldl, n)
}

/// LAPACK's dget02: `max_j ‖bⱼ − A·xⱼ‖₁ / (‖A‖₁·‖xⱼ‖₁·ε)`, the backward error of a solve.
/// Catches what [`lu_ratio`] misses (pivot growth).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Lu};
/// let a = array![[2.0f64, 1.0], [1.0, 3.0]];
/// let b = array![[1.0f64, 0.0], [0.0, 1.0]];
/// let x = Lu::new(&a)?.solve(&b)?;
/// assert!(verify::solve_ratio(&a, &x, &b) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn solve_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    x: &ArrayBase<S2, Ix2>,
    b: &ArrayBase<S3, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T>,
{
    let zero = T::Real::from_f64(0.0);
    let anorm = norm1(a);
    let r = b.to_owned() - &a.dot(x);
    let mut worst = zero;
    for j in 0..x.ncols() {
        let rn = r.column(j).iter().fold(zero, |s, v| s + v.abs());
        let xn = x.column(j).iter().fold(zero, |s, v| s + v.abs());
        let q = if rn == zero {
            zero
        } else if anorm == zero || xn == zero {
            T::Real::infinity()
        } else {
            ((rn / anorm) / xn) / T::eps()
        };
        if q > worst || q.is_nan() {
            worst = q;
        }
    }
    worst
}

/// LAPACK's dget03: `‖I − A·A⁻¹‖₁ / (n·‖A‖₁·‖A⁻¹‖₁·ε)`.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Lu};
/// let a = array![[4.0f64, 7.0], [2.0, 6.0]];
/// let inv = Lu::new(&a)?.inverse()?;
/// assert!(verify::inverse_ratio(&a, &inv) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn inverse_ratio<T, S1, S2>(a: &ArrayBase<S1, Ix2>, inv: &ArrayBase<S2, Ix2>) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let n = a.nrows();
    let mut r = a.dot(inv);
    r.mapv_inplace(|v| -v);
    for i in 0..n {
        r[(i, i)] += T::one();
    }
    let rn = norm1(&r);
    if rn == T::Real::from_f64(0.0) {
        return rn;
    }
    ratio::<T>(rn / norm1(inv), norm1(a), n)
}

/// LAPACK's dqrt01-style QR ratio `‖A − Q·R‖₁ / (m·‖A‖₁·ε)` for an `m×n` `A` and factors `Q`
/// (`m×k`) and `R` (`k×n`), thin or full. Pair it with [`orthogonality_ratio`] of `Q`.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Qr};
/// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let qr = Qr::new(&a)?;
/// assert!(verify::qr_ratio(&a, &qr.q(), &qr.r()) < verify::LIN_THRESHOLD);
/// assert!(verify::orthogonality_ratio(&qr.q()) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn qr_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    q: &ArrayBase<S2, Ix2>,
    r: &ArrayBase<S3, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T>,
{
    reconstruction_ratio(a, &q.dot(r), a.nrows())
}

/// `‖I − QᴴQ‖₁ / (m·ε)` for an `m×k` matrix with (supposedly) orthonormal columns.
///
/// ```
/// use ndarray::array;
/// let s = std::f64::consts::FRAC_1_SQRT_2;
/// let q = array![[s, s], [s, -s]];
/// assert!(ndfactor::verify::orthogonality_ratio(&q) < 1.0);
/// ```
pub fn orthogonality_ratio<T: Scalar, S: Data<Elem = T>>(q: &ArrayBase<S, Ix2>) -> T::Real {
    let (m, k) = q.dim();
    let qh = q.t().mapv(|v| v.conj());
    let mut g: Array2<T> = qh.dot(q);
    g.mapv_inplace(|v| -v);
    for i in 0..k {
        g[(i, i)] += T::one();
    }
    ratio::<T>(norm1(&g), T::Real::from_f64(1.0), m)
}

/// LAPACK's dget06 test of a condition estimate: `max(r, e)/min(r, e) − 1` where `r` is the
/// estimate and `e` the exact reciprocal condition number (0 when both are 0, ∞ when one is).
/// ?gecon passes when this is below [`RCOND_THRESHOLD`].
///
/// ```
/// assert_eq!(ndfactor::verify::rcond_ratio(0.5f64, 0.25), 1.0); // exact: powers of two
/// ```
pub fn rcond_ratio<R: crate::RealScalar>(estimate: R, exact: R) -> R {
    let zero = R::from_f64(0.0);
    if estimate == zero && exact == zero {
        return zero;
    }
    if estimate <= zero || exact <= zero {
        return R::infinity();
    }
    estimate.max(exact) / estimate.min(exact) - R::from_f64(1.0)
}

/// `‖A − Z·T·Zᴴ‖₁ / (n·‖A‖₁·ε)` for a Schur decomposition (LAPACK's dhst01 / first ddrves
/// test). Pair it with [`orthogonality_ratio`] of `Z`.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Schur};
/// let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
/// let s = Schur::new(&a)?;
/// assert!(verify::schur_ratio(&a, &s.z(), &s.t()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn schur_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    z: &ArrayBase<S2, Ix2>,
    t: &ArrayBase<S3, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T>,
{
    let zh = z.t().mapv(|x| x.conj());
    let ztz = z.dot(t).dot(&zh);
    reconstruction_ratio(a, &ztz, a.nrows())
}

/// Complex copy of a matrix of any scalar type.
fn to_complex<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Array2<Complex<T::Real>> {
    a.mapv(|x| Complex::new(x.re(), x.im()))
}

/// 1-norm of a complex matrix with moduli computed without overflow.
fn norm1_complex<R: RealScalar>(a: &Array2<Complex<R>>) -> R {
    let zero = R::from_f64(0.0);
    a.columns()
        .into_iter()
        .map(|c| c.iter().fold(zero, |s, x| s + x.re.hypot(x.im)))
        .fold(zero, |m, s| if s > m || s.is_nan() { s } else { m })
}

/// `‖M·V − V·diag(λ)‖₁ / (n·‖M‖₁·‖V‖₁·ε)` in complex arithmetic.
fn eigen_residual_ratio<R: RealScalar>(
    m: &Array2<Complex<R>>,
    values: &[Complex<R>],
    v: &Array2<Complex<R>>,
) -> R {
    let n = m.nrows();
    let mut r = Array2::<Complex<R>>::zeros(v.raw_dim());
    for j in 0..v.ncols() {
        for i in 0..n {
            let mut s = -(v[(i, j)] * values[j]);
            for k in 0..n {
                s += m[(i, k)] * v[(k, j)];
            }
            r[(i, j)] = s;
        }
    }
    let rn = norm1_complex(&r);
    let zero = R::from_f64(0.0);
    if rn == zero {
        return zero;
    }
    let vn = norm1_complex(v);
    if vn == zero {
        return R::infinity();
    }
    ratio::<R>(rn / vn, norm1_complex(m), n)
}

/// LAPACK's dget22 for right eigenvectors: `‖A·V − V·Λ‖₁ / (n·‖A‖₁·‖V‖₁·ε)`, computed in
/// complex arithmetic (real `A` is converted). With unit-norm eigenvectors `1 ≤ ‖V‖₁ ≤ √n`.
/// Each computed eigenpair of a backward-stable method is exact for a nearby matrix, so this
/// ratio is of order 1 whatever the conditioning of the eigenvalues.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Eig};
/// let a = array![[1.0f64, 2.0, 0.0], [-2.0, 1.0, 3.0], [0.0, 1.0, 4.0]];
/// let e = Eig::new(&a)?;
/// assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eig_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    values: &ArrayBase<S2, Ix1>,
    vectors: &ArrayBase<S3, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = Complex<T::Real>>,
    S3: Data<Elem = Complex<T::Real>>,
{
    let l: Vec<Complex<T::Real>> = values.iter().copied().collect();
    eigen_residual_ratio(&to_complex(a), &l, &vectors.to_owned())
}

/// LAPACK's dget22 for left eigenvectors: `‖VLᴴ·A − Λ·VLᴴ‖ / (n·‖A‖·‖VL‖·ε)`, computed as
/// `‖Aᴴ·VL − VL·Λ̄‖₁ / (n·‖Aᴴ‖₁·‖VL‖₁·ε)` (the same residual, transposed).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Eig};
/// let a = array![[1.0f64, 2.0], [-3.0, 1.0]];
/// let e = Eig::with_left(&a)?;
/// let vl = e.left_vectors().unwrap();
/// assert!(verify::eig_left_ratio(&a, &e.values(), &vl) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eig_left_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    values: &ArrayBase<S2, Ix1>,
    left_vectors: &ArrayBase<S3, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = Complex<T::Real>>,
    S3: Data<Elem = Complex<T::Real>>,
{
    let ah = to_complex(a).t().mapv(|x| x.conj());
    let l: Vec<Complex<T::Real>> = values.iter().map(|x| x.conj()).collect();
    eigen_residual_ratio(&ah, &l, &left_vectors.to_owned())
}

/// LAPACK's dbdt01 / ddrvbd test 1: `‖A − U·Σ·Vᴴ‖₁ / (max(m, n)·‖A‖₁·ε)`, with `Σ = diag(s)`
/// and the first `s.len()` columns of `U` and rows of `Vᴴ` (so thin and full SVDs both work).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Svd};
/// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let svd = Svd::new(&a)?;
/// assert!(verify::svd_ratio(&a, &svd.u(), &svd.s(), &svd.vt()) < verify::SVD_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn svd_ratio<T, S1, S2, S3, S4>(
    a: &ArrayBase<S1, Ix2>,
    u: &ArrayBase<S2, Ix2>,
    s: &ArrayBase<S3, Ix1>,
    vt: &ArrayBase<S4, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T::Real>,
    S4: Data<Elem = T>,
{
    let (m, n) = a.dim();
    let k = s.len();
    let mut us = u.slice(s![.., ..k]).to_owned();
    for (j, &sj) in s.iter().enumerate() {
        us.column_mut(j).mapv_inplace(|x| x.scale(sj));
    }
    let r = if k == 0 {
        Array2::zeros((m, n))
    } else {
        us.dot(&vt.slice(s![..k, ..]))
    };
    reconstruction_ratio(a, &r, m.max(n))
}

/// LAPACK's dsyt21-style eigenpair residual: `‖A·V − V·Λ‖₁ / (n·‖A‖₁·ε)` for eigenvectors `V`
/// (columns, `n×k`) and eigenvalues `Λ = diag(values)`. Pass the full Hermitian `A`.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, SymmetricEigen};
/// let a = array![[2.0f64, 1.0], [1.0, 2.0]];
/// let eig = SymmetricEigen::new(&a)?;
/// assert!(verify::eigen_ratio(&a, &eig.vectors(), &eig.values()) < verify::EIG_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigen_ratio<T, S1, S2, S3>(
    a: &ArrayBase<S1, Ix2>,
    vectors: &ArrayBase<S2, Ix2>,
    values: &ArrayBase<S3, Ix1>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T::Real>,
{
    let n = a.nrows();
    let mut r = a.dot(vectors);
    for (j, &l) in values.iter().enumerate() {
        let vj = vectors.column(j);
        r.column_mut(j).zip_mut_with(&vj, |x, &v| *x -= v.scale(l));
    }
    ratio::<T>(norm1(&r), norm1(a), n)
}

/// LAPACK's dsgt01 for a Hermitian-definite pencil: `‖A·X − B·X·Λ‖₁ / (n·‖A‖₁·‖X‖₁·ε)` for
/// [`GeneralizedProblem::AxLambdaBx`], `‖A·B·X − X·Λ‖₁ / (n·‖A‖₁·‖B‖₁·‖X‖₁·ε)` and
/// `‖B·A·X − X·Λ‖₁ / (n·‖A‖₁·‖B‖₁·‖X‖₁·ε)` for the other two types (LAPACK omits `‖B‖`, its
/// test matrices `B` having unit scale). Pass the full Hermitian `A` and `B`. Compare with
/// [`EIG_THRESHOLD`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEigh, GeneralizedProblem};
/// let (a, b) = (array![[2.0f64, 1.0], [1.0, 3.0]], array![[4.0f64, 1.0], [1.0, 2.0]]);
/// let g = GeneralizedEigh::new(&a, &b)?;
/// let r = verify::generalized_eigen_ratio(&a, &b, GeneralizedProblem::AxLambdaBx, &g.vectors(), &g.values());
/// assert!(r < verify::EIG_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn generalized_eigen_ratio<T, S1, S2, S3, S4>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    problem: GeneralizedProblem,
    vectors: &ArrayBase<S3, Ix2>,
    values: &ArrayBase<S4, Ix1>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = T>,
    S4: Data<Elem = T::Real>,
{
    let n = a.nrows();
    let times_d = |mut m: Array2<T>| {
        for (j, &l) in values.iter().enumerate() {
            m.column_mut(j).mapv_inplace(|x| x.scale(l));
        }
        m
    };
    let (r, scale) = match problem {
        // (B·X)·Λ rather than B·(X·Λ): X·Λ can overflow when B is tiny.
        GeneralizedProblem::AxLambdaBx => (a.dot(vectors) - times_d(b.dot(vectors)), norm1(a)),
        GeneralizedProblem::ABxLambdaX => (
            a.dot(&b.dot(vectors)) - times_d(vectors.to_owned()),
            norm1(a) * norm1(b),
        ),
        GeneralizedProblem::BAxLambdaX => (
            b.dot(&a.dot(vectors)) - times_d(vectors.to_owned()),
            norm1(a) * norm1(b),
        ),
    };
    let xn = norm1(vectors).max(T::Real::min_positive_value());
    ratio::<T>(norm1(&r) / xn, scale, n)
}

/// `‖Xᴴ·M·X − I‖₁ / (n·ε·‖M‖₁·‖X‖₁²)`: how far the columns of `X` are from `M`-orthonormal.
/// Use `M = B` for the eigenvectors of [`GeneralizedProblem::AxLambdaBx`] and
/// [`GeneralizedProblem::ABxLambdaX`], `M = B⁻¹` for [`GeneralizedProblem::BAxLambdaX`].
/// Compare with [`EIG_THRESHOLD`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEigh};
/// let (a, b) = (array![[2.0f64, 1.0], [1.0, 3.0]], array![[4.0f64, 1.0], [1.0, 2.0]]);
/// let g = GeneralizedEigh::new(&a, &b)?;
/// assert!(verify::b_orthogonality_ratio(&b, &g.vectors()) < verify::EIG_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn b_orthogonality_ratio<T, S1, S2>(m: &ArrayBase<S1, Ix2>, x: &ArrayBase<S2, Ix2>) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let k = x.ncols();
    let xh = x.t().mapv(|v| v.conj());
    let mut g: Array2<T> = xh.dot(m).dot(x);
    for i in 0..k {
        g[(i, i)] -= T::one();
    }
    let xn = norm1(x);
    ratio::<T>(norm1(&g), norm1(m) * xn * xn, x.nrows())
}

/// `|re| + |im|`.
fn abs1<R: RealScalar>(z: Complex<R>) -> R {
    z.re.abs() + z.im.abs()
}

/// 1-norm with `|re| + |im|` moduli (LAPACK's choice in zget52).
fn norm1_abs1<R: RealScalar>(a: &Array2<Complex<R>>) -> R {
    let zero = R::from_f64(0.0);
    a.columns()
        .into_iter()
        .map(|c| c.iter().fold(zero, |s, &x| s + abs1(x)))
        .fold(zero, |m, s| if s > m || s.is_nan() { s } else { m })
}

/// dget52 result 1 on complex matrices `m1`, `m2` (A, B or their adjoints).
fn get52<R: RealScalar>(
    m1: &Array2<Complex<R>>,
    m2: &Array2<Complex<R>>,
    pairs: &[(Complex<R>, Complex<R>)],
    e: &Array2<Complex<R>>,
) -> R {
    let one = R::from_f64(1.0);
    let safmin = R::min_positive_value();
    let safmax = one / safmin;
    let anorm = norm1_abs1(m1).max(safmin);
    let bnorm = norm1_abs1(m2).max(safmin);
    let enorm = norm1_abs1(e).max(R::epsilon());
    let (alfmax, betmax) = (safmax / bnorm.max(one), safmax / anorm.max(one));
    let n = m1.nrows();
    let mut work = Array2::<Complex<R>>::zeros((n, pairs.len()));
    for (j, &(mut al, mut be)) in pairs.iter().enumerate() {
        let abmax = abs1(al).max(abs1(be));
        if abs1(al) > alfmax || abs1(be) > betmax || abmax < one {
            let sc = one / abmax.max(safmin);
            al *= sc;
            be *= sc;
        }
        let sc = one / (abs1(al) * bnorm).max(abs1(be) * anorm).max(safmin);
        let (acoef, bcoef) = (be * sc, al * sc);
        let ej = e.column(j);
        let col = m1.dot(&ej).mapv(|x| x * acoef) - m2.dot(&ej).mapv(|x| x * bcoef);
        work.column_mut(j).assign(&col);
    }
    (norm1_abs1(&work) / enorm) / R::epsilon()
}

/// LAPACK's dget52 (result 1) for right eigenvectors of a pencil:
/// `‖(β_j·A − α_j·B)·x_j‖ / (‖X‖·ε)` over the columns, with each pair scaled so that
/// `max(|α_j|·‖B‖, |β_j|·‖A‖) = 1` (1-norms with `|re| + |im|` moduli). Backward stable
/// results give ratios of order 1 even for infinite eigenvalues; compare with
/// [`SCHUR_THRESHOLD`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEig};
/// let (a, b) = (array![[1.0f64, 2.0], [-3.0, 1.0]], array![[1.0f64, 0.0], [0.0, 0.0]]);
/// let g = GeneralizedEig::new(&a, &b)?; // one infinite eigenvalue
/// assert!(verify::pencil_eig_ratio(&a, &b, &g.values(), &g.vectors().unwrap()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn pencil_eig_ratio<T, S1, S2, S3, S4>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    eigenvalues: &ArrayBase<S3, Ix1>,
    vectors: &ArrayBase<S4, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = GeneralizedEigenvalue<T::Real>>,
    S4: Data<Elem = Complex<T::Real>>,
{
    let pairs: Vec<_> = eigenvalues.iter().map(|e| (e.alpha, e.beta)).collect();
    get52(&to_complex(a), &to_complex(b), &pairs, &vectors.to_owned())
}

/// LAPACK's dget52 (result 1) for left eigenvectors: `‖(β̄_j·Aᴴ − ᾱ_j·Bᴴ)·y_j‖ / (‖Y‖·ε)`,
/// scaled as in [`pencil_eig_ratio`]. Compare with [`SCHUR_THRESHOLD`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEig};
/// let (a, b) = (array![[1.0f64, 2.0], [-3.0, 1.0]], array![[2.0f64, 1.0], [0.0, 1.0]]);
/// let g = GeneralizedEig::with_left(&a, &b)?;
/// assert!(verify::pencil_eig_left_ratio(&a, &b, &g.values(), &g.left_vectors().unwrap()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn pencil_eig_left_ratio<T, S1, S2, S3, S4>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    eigenvalues: &ArrayBase<S3, Ix1>,
    left_vectors: &ArrayBase<S4, Ix2>,
) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    S3: Data<Elem = GeneralizedEigenvalue<T::Real>>,
    S4: Data<Elem = Complex<T::Real>>,
{
    let pairs: Vec<_> = eigenvalues
        .iter()
        .map(|e| (e.alpha.conj(), e.beta.conj()))
        .collect();
    let ah = to_complex(a).t().mapv(|x| x.conj());
    let bh = to_complex(b).t().mapv(|x| x.conj());
    get52(&ah, &bh, &pairs, &left_vectors.to_owned())
}

/// LAPACK's dget51 for a QZ decomposition: the larger of `‖A − Q·S·Zᴴ‖₁ / (n·‖A‖₁·ε)` and
/// `‖B − Q·T·Zᴴ‖₁ / (n·‖B‖₁·ε)`. Pair it with [`orthogonality_ratio`] of `Q` and `Z`; compare
/// with [`SCHUR_THRESHOLD`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Qz};
/// let (a, b) = (array![[1.0f64, 2.0], [3.0, 4.0]], array![[1.0, 2.0], [0.0, 1.0]]);
/// let qz = Qz::new(&a, &b)?;
/// assert!(verify::qz_ratio(&a, &b, &qz) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn qz_ratio<T, S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>, qz: &Qz<T>) -> T::Real
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let (ra, rb) = qz.reconstruct();
    let n = a.nrows();
    reconstruction_ratio(a, &ra, n).max(reconstruction_ratio(b, &rb, n))
}
