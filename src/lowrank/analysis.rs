//! SVD-based pseudoinverse, least squares, rank, fundamental subspaces and condition number.

use ndarray::{s, Array, Array1, Array2, ArrayBase, Data, Dimension, Ix2};

use crate::decomp::{rhs_matrix, Rhs};

use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};
use crate::Svd;

fn default_rtol<R: RealScalar>(m: usize, n: usize) -> R {
    R::from_f64(m.max(n) as f64) * R::epsilon()
}

fn cutoff<R: RealScalar>(s: &[R], atol: R, rtol: R) -> Result<R> {
    let zero = R::from_f64(0.0);
    for (name, v) in [("atol", atol), ("rtol", rtol)] {
        if v.is_nan() || v < zero {
            return Err(Error::InvalidArgument {
                reason: format!("{name} must be ≥ 0, got {v}"),
            });
        }
    }
    let s1 = s.first().copied().unwrap_or(zero);
    Ok(atol.max(rtol * s1))
}

/// Moore–Penrose pseudoinverse `A⁺ = V·Σ⁺·Uᴴ` (`n×m`), keeping `σᵢ > max(m, n)·ε·σ₁`
/// (NumPy's default `rtol`, no `atol`).
///
/// # Errors
/// Those of [`Svd::new`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0]];
/// let p = ndfactor::pinv(&a)?;
/// let apa = a.dot(&p).dot(&a);
/// assert!((&apa - &a).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn pinv<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (m, n) = a.dim();
    pinv_with(a, T::Real::from_f64(0.0), default_rtol(m, n))
}

/// Pseudoinverse keeping `σᵢ > max(atol, rtol·σ₁)`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a negative or NaN tolerance; those of [`Svd::new`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 0.0], [0.0, 1e-8]];
/// let p = ndfactor::pinv_with(&a, 1e-6, 0.0)?;
/// let want = ndarray::array![[1.0, 0.0], [0.0, 0.0]]; // σ₂ = 1e-8 is cut
/// assert!(ndfactor::verify::norm_fro(&(&p - &want)) <= 8.0 * f64::EPSILON);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn pinv_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    atol: T::Real,
    rtol: T::Real,
) -> Result<Array2<T>> {
    let (m, n) = a.dim();
    let svd = Svd::new(a)?;
    let s: Vec<T::Real> = svd.s().to_vec();
    let cut = cutoff(&s, atol, rtol)?;
    let r = s.iter().filter(|&&x| x > cut).count();
    if r == 0 {
        return Ok(Array2::zeros((n, m)));
    }
    // V·Σ⁺ (n×r) then ·Uᴴ (r×m).
    let mut v = svd.vt().slice(s![..r, ..]).t().mapv(|x| x.conj());
    for (j, &sj) in s[..r].iter().enumerate() {
        let inv = T::Real::from_f64(1.0) / sj;
        v.column_mut(j).mapv_inplace(|x| x.scale(inv));
    }
    let uh = svd.u().slice(s![.., ..r]).t().mapv(|x| x.conj());
    let p = v.dot(&uh);
    // 1/σ of a tiny kept singular value can overflow (σ subnormal, or A near the overflow
    // threshold with a small cutoff): never return an `Ok` holding ±∞.
    if !p.iter().all(|x| x.is_finite()) {
        return Err(Error::NumericalBreakdown { routine: "pinv" });
    }
    Ok(p)
}

/// Result of [`lstsq`] (NumPy's `lstsq` conventions). `D` is the right-hand side's
/// dimensionality: a vector `b` gives a vector solution, a matrix `B` a matrix.
#[derive(Debug, Clone)]
pub struct Lstsq<T: Scalar, D: Dimension = Ix2> {
    /// Minimum-norm least-squares solution `X = A⁺·B` (`n×nrhs`, or length `n` for a vector).
    pub solution: Array<T, D>,
    /// `‖bⱼ − A·xⱼ‖²` per column; empty when `rank < n` or `m ≤ n` (as NumPy).
    pub residuals: Array1<T::Real>,
    /// Numerical rank (cutoff `rcond·σ₁`, by default `rcond = max(m, n)·ε`).
    pub rank: usize,
    /// Singular values of `A`, descending.
    pub singular_values: Array1<T::Real>,
}

/// Minimum-norm least squares `min ‖A·X − B‖_F` through the SVD (never `AᴴA`), keeping the
/// singular values `σᵢ > max(m, n)·ε·σ₁` (NumPy's default `rcond`). Cost: one SVD of `A`
/// (`O(m·n·min(m, n))`) plus `O((m + n)·r·nrhs)`. `B` is a vector (the solution is a vector)
/// or a matrix with `m` rows.
///
/// # Errors
/// [`Error::DimensionMismatch`] when `B` has not `m` rows; [`Error::NonFinite`] in `B`; those
/// of [`Svd::new`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 0.0], [0.0, 1.0], [1.0, 1.0]];
/// let b = ndarray::array![[1.0f64], [1.0], [0.0]];
/// let r = ndfactor::lstsq(&a, &b)?;
/// assert_eq!(r.rank, 2);
/// assert!((r.solution[(0, 0)] - 1.0 / 3.0).abs() < 1e-14);
/// assert!((r.residuals[0] - 4.0 / 3.0).abs() < 1e-14);
/// // A vector right-hand side gives a vector solution.
/// let x = ndfactor::lstsq(&a, &ndarray::array![1.0f64, 1.0, 0.0])?.solution;
/// assert!((x[1] - 1.0 / 3.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lstsq<T, S1, S2, D>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, D>) -> Result<Lstsq<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    let (m, n) = a.dim();
    lstsq_with(a, b, default_rtol(m, n))
}

/// [`lstsq`] with NumPy's `rcond`: singular values `σᵢ ≤ rcond·σ₁` are treated as zero
/// (`rcond = 0` keeps every nonzero σ; NumPy's default is `max(m, n)·ε`).
///
/// # Errors
/// [`Error::InvalidArgument`] for a negative or NaN `rcond`; those of [`lstsq`].
///
/// ```
/// // σ = (1, 1e-10): the default keeps both, rcond = 1e-8 drops the second.
/// let a = ndarray::array![[1.0f64, 0.0], [0.0, 1e-10]];
/// let b = ndarray::array![1.0f64, 1.0];
/// assert_eq!(ndfactor::lstsq(&a, &b)?.rank, 2);
/// let r = ndfactor::lstsq_with(&a, &b, 1e-8)?;
/// assert_eq!(r.rank, 1);
/// assert!(r.solution[1].abs() <= f64::EPSILON); // the dropped direction gets ~no component
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lstsq_with<T, S1, S2, D>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, D>,
    rcond: T::Real,
) -> Result<Lstsq<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    let (m, n) = a.dim();
    let b = rhs_matrix(b, m, "lstsq: rows of b")?;
    // LP64 limit of the n×nrhs solution before anything is allocated.
    crate::layout::check_dims(n, b.ncols())?;
    let svd = Svd::new(a)?;
    let s: Vec<T::Real> = svd.s().to_vec();
    let cut = cutoff(&s, T::Real::from_f64(0.0), rcond)?;
    let r = s.iter().filter(|&&x| x > cut).count();
    let nrhs = b.ncols();
    let solution = if r == 0 {
        Array2::zeros((n, nrhs))
    } else {
        let uh = svd.u().slice(s![.., ..r]).t().mapv(|x| x.conj());
        let mut c = uh.dot(&b);
        for (i, &si) in s[..r].iter().enumerate() {
            let inv = T::Real::from_f64(1.0) / si;
            c.row_mut(i).mapv_inplace(|x| x.scale(inv));
        }
        svd.vt().slice(s![..r, ..]).t().mapv(|x| x.conj()).dot(&c)
    };
    let residuals = if r == n && m > n {
        let res = &b - &a.dot(&solution);
        Array1::from_iter(res.columns().into_iter().map(|c| {
            let f = crate::verify::norm_fro(&c.insert_axis(ndarray::Axis(1)));
            f * f
        }))
    } else {
        Array1::zeros(0)
    };
    // Division by a small kept σ, or squaring a huge residual, can overflow from finite input:
    // never return an `Ok` holding ±∞ or NaN.
    if !(solution.iter().all(|x| x.is_finite()) && residuals.iter().all(|x| x.is_finite())) {
        return Err(Error::NumericalBreakdown { routine: "lstsq" });
    }
    Ok(Lstsq {
        solution: D::from_matrix(solution),
        residuals,
        rank: r,
        singular_values: Array1::from(s),
    })
}

/// Numerical rank: the number of `σᵢ > max(m, n)·ε·σ₁`, from [`Svd::values`].
///
/// # Errors
/// Those of [`Svd::values`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0]];
/// assert_eq!(ndfactor::rank(&a)?, 1);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "matrix_rank")]
pub fn rank<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<usize> {
    let (m, n) = a.dim();
    let s = Svd::values(a)?;
    let cut = default_rtol::<T::Real>(m, n) * s.first().copied().unwrap_or(T::Real::from_f64(0.0));
    Ok(s.iter().filter(|&&x| x > cut).count())
}

/// Numerical rank with explicit tolerances: the number of `σᵢ > max(atol, rtol·σ₁)`
/// (NumPy's `matrix_rank(A, tol=atol)` is `rank_with(a, tol, 0)`, its `rtol=` the other
/// argument). Use an `atol` from the data's own error level (e.g. measurement noise times
/// `√max(m, n)`) when the default `max(m, n)·ε` is too strict.
///
/// # Errors
/// [`Error::InvalidArgument`] for a negative or NaN tolerance; those of [`Svd::values`].
///
/// ```
/// // Rank 1 plus a 1e-9 perturbation: rank 2 to machine precision, 1 at the data's accuracy.
/// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0 + 1e-9]];
/// assert_eq!(ndfactor::rank(&a)?, 2);
/// assert_eq!(ndfactor::rank_with(&a, 1e-6, 0.0)?, 1);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "matrix_rank")]
pub fn rank_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    atol: T::Real,
    rtol: T::Real,
) -> Result<usize> {
    let s = Svd::values(a)?;
    let cut = cutoff(&s.to_vec(), atol, rtol)?;
    Ok(s.iter().filter(|&&x| x > cut).count())
}

/// Pseudoinverse of a Hermitian (real symmetric) matrix through its eigendecomposition
/// `A = V·Λ·Vᴴ`: `A⁺ = V·Λ⁺·Vᴴ`, keeping `|λᵢ| > max(atol, rtol·max|λ|)` (NumPy's
/// `pinv(a, hermitian=True)`). Only the lower triangle is read. About 3× cheaper than the SVD
/// path ([`pinv_with`]) and the result is exactly Hermitian in structure.
///
/// # Errors
/// [`Error::InvalidArgument`] for a negative or NaN tolerance; those of [`SymmetricEigen::new`](crate::SymmetricEigen::new).
///
/// ```
/// let a = ndarray::array![[2.0f64, 2.0], [2.0, 2.0]]; // λ = 0, 4
/// let p = ndfactor::pinv_hermitian(&a, 0.0, 2.0 * f64::EPSILON)?;
/// // A⁺ = A/16 for this rank-one A = 4·vvᵀ.
/// assert!(p.iter().all(|&x| (x - 0.125).abs() <= 16.0 * f64::EPSILON));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn pinv_hermitian<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    atol: T::Real,
    rtol: T::Real,
) -> Result<Array2<T>> {
    let eig = crate::SymmetricEigen::new(a)?;
    let lam = eig.values();
    let amax = lam.iter().fold(T::Real::from_f64(0.0), |m, &l| {
        if l.abs() > m {
            l.abs()
        } else {
            m
        }
    });
    let cut = cutoff(&[amax], atol, rtol)?;
    let v = eig.vectors();
    let keep: Vec<usize> = (0..lam.len()).filter(|&i| lam[i].abs() > cut).collect();
    let n = v.nrows();
    if keep.is_empty() {
        return Ok(Array2::zeros((n, n)));
    }
    // V_k·Λ_k⁻¹ (n×k) times V_kᴴ (k×n).
    let mut vl = Array2::<T>::zeros((n, keep.len()));
    let mut vh = Array2::<T>::zeros((keep.len(), n));
    for (j, &i) in keep.iter().enumerate() {
        let inv = T::Real::from_f64(1.0) / lam[i];
        vl.column_mut(j).assign(&v.column(i).mapv(|x| x.scale(inv)));
        vh.row_mut(j).assign(&v.column(i).mapv(|x| x.conj()));
    }
    let p = vl.dot(&vh);
    if !p.iter().all(|x| x.is_finite()) {
        return Err(Error::NumericalBreakdown {
            routine: "pinv_hermitian",
        });
    }
    Ok(p)
}

/// The norm in which [`cond_with`] measures a condition number `‖A‖·‖A⁻¹‖` (NumPy's `p`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CondNorm {
    /// Spectral norm: `σ₁/σₙ` (NumPy's default, `p = 2`).
    Two,
    /// `σₙ/σ₁`, NumPy's `p = -2` (the reciprocal of `Two`).
    MinusTwo,
    /// Largest absolute column sum (`p = 1`).
    One,
    /// Largest absolute row sum (`p = ∞`).
    Inf,
    /// Frobenius norm (`p = 'fro'`).
    Frobenius,
}

/// Condition number `‖A‖·‖A⁻¹‖` in the chosen norm, NumPy's `cond(A, p)`. The 2-norms come from
/// the singular values (accurate, `O(n³)` SVD); 1, ∞ and Frobenius from the explicit inverse by
/// LU (`O(n³)` too; use [`Lu::rcond`](crate::Lu::rcond) for an `O(n²)` estimate of the 1-norm
/// one). A singular matrix gives `+∞` (`0` for [`CondNorm::MinusTwo`]); see
/// [`Svd::cond`] on what numerically singular input gives.
///
/// # Errors
/// [`Error::Empty`]; [`Error::NotSquare`] for the norms other than 2 and −2 (defined through
/// `A⁻¹`); those of [`Svd::values`] and [`Lu::new`](crate::Lu::new).
///
/// ```
/// use ndfactor::{cond_with, CondNorm};
/// let a = ndarray::array![[1.0f64, 2.0], [0.0, 1.0]]; // A⁻¹ = [[1, −2], [0, 1]]
/// let tol = 16.0 * f64::EPSILON;
/// assert!((cond_with(&a, CondNorm::One)? - 9.0).abs() <= 9.0 * tol); // 3·3
/// assert!((cond_with(&a, CondNorm::Inf)? - 9.0).abs() <= 9.0 * tol);
/// assert!((cond_with(&a, CondNorm::Frobenius)? - 6.0).abs() <= 6.0 * tol); // √6·√6
/// let c2 = cond_with(&a, CondNorm::Two)?;
/// assert!((c2 * cond_with(&a, CondNorm::MinusTwo)? - 1.0).abs() <= tol);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn cond_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    norm: CondNorm,
) -> Result<T::Real> {
    let zero = T::Real::from_f64(0.0);
    match norm {
        CondNorm::Two => cond(a),
        CondNorm::MinusTwo => {
            let c = cond(a)?;
            Ok(if c == T::Real::infinity() {
                zero
            } else {
                T::Real::from_f64(1.0) / c
            })
        }
        CondNorm::One | CondNorm::Inf | CondNorm::Frobenius => {
            let (m, n) = a.dim();
            if m == 0 || n == 0 {
                return Err(Error::Empty {
                    operation: "cond_with",
                });
            }
            let lu = crate::Lu::new(a)?;
            let inv = match lu.inverse() {
                Ok(inv) => inv,
                // An exactly zero pivot: singular, as NumPy's `inf`.
                Err(Error::Singular { .. }) => return Ok(T::Real::infinity()),
                Err(e) => return Err(e),
            };
            let f = |x: &Array2<T>| -> T::Real {
                match norm {
                    CondNorm::One => crate::verify::norm1(x),
                    CondNorm::Inf => crate::verify::norm1(&x.t()),
                    _ => crate::verify::norm_fro(x),
                }
            };
            Ok(f(&a.to_owned()) * f(&inv))
        }
    }
}

/// Full SVD and numerical rank (`σᵢ > max(m, n)·ε·σ₁`).
fn full_and_rank<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<(Svd<T>, usize)> {
    let (m, n) = a.dim();
    let svd = Svd::full(a)?;
    let s1 = svd.norm2();
    let cut = default_rtol::<T::Real>(m, n) * s1;
    let r = svd.s().iter().filter(|&&x| x > cut).count();
    Ok((svd, r))
}

/// Orthonormal basis of the null space `{x : A·x = 0}` (`n×(n − rank)`), from the full SVD.
///
/// # Errors
/// Those of [`Svd::full`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 1.0]];
/// let z = ndfactor::null_space(&a)?;
/// assert_eq!(z.dim(), (2, 1));
/// assert!(a.dot(&z).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn null_space<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (svd, r) = full_and_rank(a)?;
    Ok(svd.vt().slice(s![r.., ..]).t().mapv(|x| x.conj()))
}

/// Orthonormal basis of the range (column space) of `A` (`m×rank`).
///
/// # Errors
/// Those of [`Svd::full`].
///
/// ```
/// let a = ndarray::array![[1.0f64, 2.0], [1.0, 2.0]];
/// let q = ndfactor::range(&a)?;
/// assert_eq!(q.dim(), (2, 1));
/// assert!((q[(0, 0)].abs() - 0.5f64.sqrt()).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "orth")]
pub fn range<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (svd, r) = full_and_rank(a)?;
    Ok(svd.u().slice(s![.., ..r]).to_owned())
}

/// Orthonormal basis of the row space of `A` (range of `Aᴴ`, `n×rank`).
///
/// # Errors
/// Those of [`Svd::full`].
///
/// ```
/// let a = ndarray::array![[3.0f64, 4.0], [6.0, 8.0]];
/// let v = ndfactor::row_space(&a)?;
/// assert_eq!(v.dim(), (2, 1));
/// assert!((v[(0, 0)].abs() - 0.6).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn row_space<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (svd, r) = full_and_rank(a)?;
    Ok(svd.vt().slice(s![..r, ..]).t().mapv(|x| x.conj()))
}

/// Orthonormal basis of the left null space `{y : Aᴴ·y = 0}` (`m×(m − rank)`).
///
/// # Errors
/// Those of [`Svd::full`].
///
/// ```
/// let a = ndarray::array![[1.0f64], [1.0]];
/// let y = ndfactor::left_null_space(&a)?;
/// assert_eq!(y.dim(), (2, 1));
/// assert!(a.t().dot(&y).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn left_null_space<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (svd, r) = full_and_rank(a)?;
    Ok(svd.u().slice(s![.., r..]).to_owned())
}

/// 2-norm condition number `σ₁/σ_min` from [`Svd::values`]: `+∞` when the computed `σ_min` is
/// exactly 0 (structurally singular input: a zero row or column, a zero matrix); a matrix that
/// is singular only in exact arithmetic gets a large finite value, about `1/ε` or more (see
/// [`Svd::cond`]).
///
/// # Errors
/// [`Error::Empty`] for an empty matrix; those of [`Svd::values`].
///
/// ```
/// let c = ndfactor::cond(&ndarray::array![[2.0f64, 0.0], [0.0, 0.5]])?;
/// assert!((c - 4.0).abs() <= 16.0 * f64::EPSILON);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn cond<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<T::Real> {
    let s = Svd::values(a)?;
    let k = s.len();
    if k == 0 {
        return Err(Error::Empty { operation: "cond" });
    }
    let smin = s[k - 1];
    // Exact zero only: a tiny computed σ_min gives a large finite ratio (documented above).
    if smin == T::Real::from_f64(0.0) {
        return Ok(T::Real::infinity());
    }
    Ok(s[0] / smin)
}
