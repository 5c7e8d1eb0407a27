//! SVD-based pseudoinverse, least squares, rank, fundamental subspaces and condition number.

use ndarray::{s, Array1, Array2, ArrayBase, Data, Ix2};

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
/// assert_eq!(p, ndarray::array![[1.0, 0.0], [0.0, 0.0]]);
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

/// Result of [`lstsq`] (NumPy's `lstsq` conventions).
#[derive(Debug, Clone)]
pub struct Lstsq<T: Scalar> {
    /// Minimum-norm least-squares solution `X = A⁺·B` (`n×nrhs`).
    pub solution: Array2<T>,
    /// `‖bⱼ − A·xⱼ‖²` per column; empty when `rank < n` or `m ≤ n` (as NumPy).
    pub residuals: Array1<T::Real>,
    /// Numerical rank (cutoff `max(m, n)·ε·σ₁`).
    pub rank: usize,
    /// Singular values of `A`, descending.
    pub singular_values: Array1<T::Real>,
}

/// Minimum-norm least squares `min ‖A·X − B‖_F` through the SVD (never `AᴴA`).
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
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lstsq<T, S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Lstsq<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let (m, n) = a.dim();
    if b.nrows() != m {
        return Err(Error::DimensionMismatch {
            operation: "lstsq: rows of b",
            expected: m,
            found: b.nrows(),
        });
    }
    // LP64 limits of B and of the n×nrhs solution before anything is allocated.
    crate::layout::check_dims(m, b.ncols())?;
    crate::layout::check_dims(n, b.ncols())?;
    crate::layout::check_finite(b)?;
    let svd = Svd::new(a)?;
    let s: Vec<T::Real> = svd.s().to_vec();
    let cut = cutoff(&s, T::Real::from_f64(0.0), default_rtol(m, n))?;
    let r = s.iter().filter(|&&x| x > cut).count();
    let nrhs = b.ncols();
    let solution = if r == 0 {
        Array2::zeros((n, nrhs))
    } else {
        let uh = svd.u().slice(s![.., ..r]).t().mapv(|x| x.conj());
        let mut c = uh.dot(b);
        for (i, &si) in s[..r].iter().enumerate() {
            let inv = T::Real::from_f64(1.0) / si;
            c.row_mut(i).mapv_inplace(|x| x.scale(inv));
        }
        svd.vt().slice(s![..r, ..]).t().mapv(|x| x.conj()).dot(&c)
    };
    let residuals = if r == n && m > n {
        let res = &b.to_owned() - &a.dot(&solution);
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
        solution,
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
pub fn rank<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<usize> {
    let (m, n) = a.dim();
    let s = Svd::values(a)?;
    let cut = default_rtol::<T::Real>(m, n) * s.first().copied().unwrap_or(T::Real::from_f64(0.0));
    Ok(s.iter().filter(|&&x| x > cut).count())
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

/// 2-norm condition number `σ₁/σ_min` from [`Svd::values`] (`+∞` when singular).
///
/// # Errors
/// [`Error::Empty`] for an empty matrix; those of [`Svd::values`].
///
/// ```
/// assert_eq!(ndfactor::cond(&ndarray::array![[2.0f64, 0.0], [0.0, 0.5]])?, 4.0);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn cond<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<T::Real> {
    let s = Svd::values(a)?;
    let k = s.len();
    if k == 0 {
        return Err(Error::Empty { operation: "cond" });
    }
    let smin = s[k - 1];
    if smin == T::Real::from_f64(0.0) {
        return Ok(T::Real::infinity());
    }
    Ok(s[0] / smin)
}
