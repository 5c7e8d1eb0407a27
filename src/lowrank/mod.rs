//! Low-rank approximation: rank selection, truncated SVD with Eckart–Young error reports,
//! factored low-rank matrices, randomized SVD, principal component analysis ([`Pca`]),
//! pseudoinverse and least squares.
//!
//! Everything here is safe Rust on top of [`Svd`] and [`Qr`](crate::Qr).

mod analysis;
mod pca;
mod randomized;

use std::fmt;

use ndarray::{s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::decomp::Rhs;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};
use crate::Svd;

pub use analysis::{
    cond, cond_with, left_null_space, lstsq, lstsq_with, null_space, pinv, pinv_hermitian,
    pinv_with, range, rank, rank_with, row_space, CondNorm, Lstsq,
};
pub(crate) use pca::flip_signs;
pub use pca::*;
pub(crate) use randomized::{lu_basis, lu_basis_in_place};
pub use randomized::{RandomizedSvd, RandomizedSvdProgress, RandomizedSvdStage};

/// How many singular triplets to keep.
///
/// ```
/// use ndfactor::{Rank, Svd};
/// let a = ndarray::array![[3.0f64, 0.0], [0.0, 1e-3]];
/// let t = Svd::new(&a)?.truncate(Rank::RelativeTolerance(1e-2))?;
/// assert_eq!(t.rank(), 1);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rank<R> {
    /// Exactly `k` (at most `min(m, n)`, else [`Error::InvalidRank`]).
    Fixed(usize),
    /// Keep `σᵢ > tol·σ₁`.
    RelativeTolerance(R),
    /// Keep `σᵢ > tol`.
    AbsoluteTolerance(R),
    /// Smallest `k` with `Σ_{i≤k} σᵢ² ≥ f·‖A‖_F²`, `f ∈ [0, 1]`.
    Energy(R),
    /// Smallest `k` with `‖A − A_k‖_F ≤ e·‖A‖_F`, `e ≥ 0`.
    RelativeError(R),
}

fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}

/// Scaled tail sums: `tails[k] = Σ_{i>k} (σᵢ/scale)²`, summed from the smallest up, and `scale`.
fn tails<R: RealScalar>(s: &[R]) -> (Vec<R>, R) {
    let zero = R::from_f64(0.0);
    let scale = s.iter().fold(zero, |m, &x| m.max(x));
    let mut t = vec![zero; s.len() + 1];
    if scale > zero {
        for i in (0..s.len()).rev() {
            let q = s[i] / scale;
            t[i] = t[i + 1] + q * q;
        }
    }
    (t, scale)
}

/// Chooses `k` for `rank` from descending singular values `s` (`s.len() = min(m, n)`).
pub(crate) fn choose_rank<R: RealScalar>(s: &[R], rank: Rank<R>) -> Result<usize> {
    let zero = R::from_f64(0.0);
    let one = R::from_f64(1.0);
    let nonneg = |v: R, what: &str| -> Result<R> {
        if v.is_nan() || v < zero {
            Err(invalid(format!("{what} must be ≥ 0, got {v}")))
        } else {
            Ok(v)
        }
    };
    match rank {
        Rank::Fixed(k) => {
            if k > s.len() {
                Err(Error::InvalidRank { k, max: s.len() })
            } else {
                Ok(k)
            }
        }
        Rank::RelativeTolerance(t) => {
            let t = nonneg(t, "relative tolerance")?;
            let cut = t * s.first().copied().unwrap_or(zero);
            Ok(s.iter().filter(|&&x| x > cut).count())
        }
        Rank::AbsoluteTolerance(t) => {
            let t = nonneg(t, "absolute tolerance")?;
            Ok(s.iter().filter(|&&x| x > t).count())
        }
        Rank::Energy(f) => {
            if f.is_nan() || f < zero || f > one {
                return Err(invalid(format!(
                    "energy fraction must be in [0, 1], got {f}"
                )));
            }
            let (t, _) = tails(s);
            let total = t[0];
            Ok((0..=s.len())
                .find(|&k| t[k] <= (one - f) * total)
                .unwrap_or(s.len()))
        }
        Rank::RelativeError(e) => {
            let e = nonneg(e, "relative error")?;
            let (t, _) = tails(s);
            let total = t[0];
            Ok((0..=s.len())
                .find(|&k| t[k] <= e * e * total)
                .unwrap_or(s.len()))
        }
    }
}

/// One row of [`Svd::error_profile`]: `(k, ‖A − A_k‖_F, ‖A − A_k‖₂, energy retained)`.
pub type ErrorProfileRow<R> = (usize, R, R, R);

/// Eckart–Young report for a rank-`k` truncation: by the Eckart–Young–Mirsky theorem
/// `‖A − A_k‖₂ = σ_{k+1}` and `‖A − A_k‖_F = √Σ_{i>k} σᵢ²`, the best possible for rank `k`.
///
/// ```
/// use ndfactor::{Rank, Svd};
/// let a = ndarray::array![[3.0f64, 0.0], [0.0, 4.0]];
/// let r = Svd::new(&a)?.truncate(Rank::Fixed(1))?.report();
/// let tol = 4.0 * f64::EPSILON * 4.0; // the σ are accurate to a few ε·σ₁
/// assert!((r.spectral_error - 3.0).abs() <= tol && (r.frobenius_error - 3.0).abs() <= tol);
/// assert!((r.energy_retained - 16.0 / 25.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EckartYoung<R> {
    /// Rank `k` kept.
    pub rank: usize,
    /// `σ_{k+1}` (0 when none): `‖A − A_k‖₂`.
    pub spectral_error: R,
    /// `√Σ_{i>k} σᵢ²`: `‖A − A_k‖_F`.
    pub frobenius_error: R,
    /// `‖A − A_k‖_F / ‖A‖_F` (0 for a zero matrix).
    pub relative_frobenius_error: R,
    /// `Σ_{i≤k} σᵢ² / ‖A‖_F²` (1 for a zero matrix).
    pub energy_retained: R,
    /// Values stored by the factored form, `(m + n + 1)·k`.
    pub stored_values: usize,
    /// Values in the dense matrix, `m·n`.
    pub dense_values: usize,
    /// `true` when the spectral error is an estimate (randomized SVD) rather than exact.
    pub estimated: bool,
    /// How `frobenius_error` was obtained: from singular values, measured in a pass over the
    /// data, or estimated from random test vectors (with its failure probability).
    pub error_source: ErrorSource<R>,
}

/// How the errors of an [`EckartYoung`] report were obtained.
///
/// ```
/// use ndfactor::{ErrorSource, Rank, Svd};
/// let r = Svd::new(&ndarray::array![[3.0f64, 0.0], [0.0, 4.0]])?.truncate(Rank::Fixed(1))?.report();
/// assert_eq!(r.error_source, ErrorSource::Formula);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ErrorSource<R> {
    /// From singular values: `√Σ_{i>k} σᵢ²` of a full SVD, or for a randomized SVD
    /// `√(‖A‖_F² − Σ_{i≤k} σ̃ᵢ²)`, which is the exact `‖A − U·Σ·Vᴴ‖_F` of the returned factors
    /// (`U = Q·U_B`) up to the rounding of that difference.
    Formula,
    /// `‖A − U·Σ·Vᴴ‖_F` measured directly, in one more pass over the data.
    Residual,
    /// The a-posteriori estimate of Halko, Martinsson and Tropp (2011, §4.3) from `vectors`
    /// Gaussian test vectors `ωᵢ` drawn independently of the sketch: for any matrix `G` fixed
    /// before they are drawn, `‖G‖₂ ≤ 10·√(2/π)·maxᵢ ‖G·ωᵢ‖` with probability at least
    /// `1 − 10^(−vectors)`, and `mean ‖G·ωᵢ‖²` is an unbiased estimate of `‖G‖_F²` (which
    /// `frobenius_error` then reports, unless the exact formula was accurate).
    Estimate {
        /// Number `r` of test vectors.
        vectors: usize,
        /// Bound on `‖A − Q·Qᴴ·A‖₂` (`Q` the sketch's orthonormal range basis).
        range_bound: R,
        /// Bound on `‖A − U·Σ·Vᴴ‖₂` for the returned factors.
        spectral_bound: R,
        /// `10^(−vectors)`: the probability that the bounds fail.
        failure_probability: R,
    },
}

impl<R: RealScalar> EckartYoung<R> {
    pub(crate) fn from_values(s: &[R], k: usize, m: usize, n: usize) -> Self {
        let zero = R::from_f64(0.0);
        let one = R::from_f64(1.0);
        let (t, scale) = tails(s);
        let (rel, energy) = if t[0] > zero {
            ((t[k] / t[0]).sqrt(), one - t[k] / t[0])
        } else {
            (zero, one)
        };
        EckartYoung {
            rank: k,
            spectral_error: s.get(k).copied().unwrap_or(zero),
            frobenius_error: scale * t[k].sqrt(),
            relative_frobenius_error: rel,
            energy_retained: energy,
            stored_values: (m + n + 1) * k,
            dense_values: m * n,
            estimated: false,
            error_source: ErrorSource::Formula,
        }
    }
}

impl<R: RealScalar> fmt::Display for EckartYoung<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let est = if self.estimated { " (estimate)" } else { "" };
        writeln!(f, "rank                      {}", self.rank)?;
        writeln!(
            f,
            "spectral error ‖A−A_k‖₂   {:.6e}{est}",
            self.spectral_error.to_f64()
        )?;
        writeln!(
            f,
            "Frobenius error ‖A−A_k‖_F {:.6e}",
            self.frobenius_error.to_f64()
        )?;
        writeln!(
            f,
            "relative Frobenius error  {:.6e}",
            self.relative_frobenius_error.to_f64()
        )?;
        writeln!(
            f,
            "energy retained           {:.6}",
            self.energy_retained.to_f64()
        )?;
        write!(
            f,
            "stored / dense values     {} / {}",
            self.stored_values, self.dense_values
        )
    }
}

/// Rank-`k` truncated SVD `A_k = U_k·Σ_k·V_kᴴ` with its [`EckartYoung`] error report.
///
/// Built by [`Svd::truncate`] or [`RandomizedSvd::compute`].
///
/// ```
/// use ndfactor::{Rank, Svd};
/// let a = ndarray::array![[1.0f64, 0.0, 0.0, 0.0, 2.0],
///                         [0.0, 0.0, 3.0, 0.0, 0.0],
///                         [0.0, 0.0, 0.0, 0.0, 0.0],
///                         [0.0, 2.0, 0.0, 0.0, 0.0]];
/// let t = Svd::new(&a)?.truncate(Rank::Fixed(2))?;
/// let err = ndfactor::verify::norm_fro(&(&a - &t.to_dense()));
/// assert!((err - 2.0).abs() < 1e-12 && (t.report().frobenius_error - 2.0).abs() < 1e-12);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TruncatedSvd<T: Scalar> {
    u: Array2<T>,
    s: Array1<T::Real>,
    vt: Array2<T>,
    report: EckartYoung<T::Real>,
}

impl<T: Scalar> TruncatedSvd<T> {
    /// `U_k` (`m×k`).
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let t = Svd::new(&ndarray::Array2::<f64>::eye(3))?.truncate(Rank::Fixed(2))?;
    /// assert_eq!(t.u().dim(), (3, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> ArrayView2<'_, T> {
        self.u.view()
    }
    /// `σ₁ ≥ … ≥ σ_k`.
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let t = Svd::new(&ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?.truncate(Rank::Fixed(1))?;
    /// assert!(t.s().len() == 1 && (t.s()[0] - 2.0).abs() <= 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> ArrayView1<'_, T::Real> {
        self.s.view()
    }
    /// `V_kᴴ` (`k×n`).
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let t = Svd::new(&ndarray::Array2::<f64>::eye(3))?.truncate(Rank::Fixed(2))?;
    /// assert_eq!(t.vt().dim(), (2, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> ArrayView2<'_, T> {
        self.vt.view()
    }
    /// Rank `k`.
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let t = Svd::new(&ndarray::Array2::<f64>::eye(3))?.truncate(Rank::Energy(0.5))?;
    /// assert_eq!(t.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.s.len()
    }
    /// Dense `A_k = U_k·Σ_k·V_kᴴ` (`m×n`).
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let a = ndarray::array![[2.0f64, 0.0], [0.0, 1.0]];
    /// let d = Svd::new(&a)?.truncate(Rank::Fixed(1))?.to_dense();
    /// assert!((d[(0, 0)] - 2.0).abs() < 1e-15 && d[(1, 1)].abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        scaled_cols(&self.u, &self.s).dot(&self.vt)
    }
    /// The Eckart–Young error report.
    ///
    /// ```
    /// # use ndfactor::{Rank, Svd};
    /// let t = Svd::new(&ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?.truncate(Rank::Fixed(1))?;
    /// assert!((t.report().frobenius_error - 1.0).abs() <= 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn report(&self) -> EckartYoung<T::Real> {
        self.report
    }
    pub(crate) fn from_parts(
        u: Array2<T>,
        s: Array1<T::Real>,
        vt: Array2<T>,
        report: EckartYoung<T::Real>,
    ) -> Self {
        TruncatedSvd { u, s, vt, report }
    }
}

/// `U·diag(s)` for the first `s.len()` columns of `u`.
pub(crate) fn scaled_cols<T: Scalar>(u: &Array2<T>, s: &Array1<T::Real>) -> Array2<T> {
    let k = s.len();
    let mut us = u.slice(s![.., ..k]).to_owned();
    for (j, &sj) in s.iter().enumerate() {
        us.column_mut(j).mapv_inplace(|x| x.scale(sj));
    }
    us
}

impl<T: Scalar> Svd<T> {
    /// Truncates to a rank chosen by `rank`, with the Eckart–Young report.
    ///
    /// # Errors
    /// [`Error::InvalidRank`] for `Fixed(k)` with `k > min(m, n)`; [`Error::InvalidArgument`]
    /// for a negative/NaN tolerance or error, or an energy fraction outside `[0, 1]`.
    ///
    /// ```
    /// use ndfactor::{Rank, Svd};
    /// let a = ndarray::array![[3.0f64, 0.0], [0.0, 4.0]];
    /// let t = Svd::new(&a)?.truncate(Rank::RelativeError(0.7))?;
    /// assert_eq!(t.rank(), 1);
    /// assert!(Svd::new(&a)?.truncate(Rank::Fixed(3)).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn truncate(&self, rank: Rank<T::Real>) -> Result<TruncatedSvd<T>> {
        let (m, n) = self.dim();
        let sv = self.s();
        let kmax = m.min(n);
        let s: Vec<T::Real> = sv.iter().take(kmax).copied().collect();
        let k = choose_rank(&s, rank)?;
        Ok(TruncatedSvd {
            u: self.u().slice(s![.., ..k]).to_owned(),
            s: Array1::from(s[..k].to_vec()),
            vt: self.vt().slice(s![..k, ..]).to_owned(),
            report: EckartYoung::from_values(&s, k, m, n),
        })
    }

    /// `(k, ‖A − A_k‖_F, ‖A − A_k‖₂, energy retained)` for every `k = 0..=min(m, n)`.
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let p = Svd::new(&ndarray::array![[3.0f64, 0.0], [0.0, 4.0]])?.error_profile();
    /// assert_eq!(p.len(), 3);
    /// let tol = 16.0 * f64::EPSILON; // the σ are accurate to a few ε·σ₁
    /// assert!((p[1].1 - 3.0).abs() <= tol && (p[1].2 - 3.0).abs() <= tol);
    /// assert_eq!(p[2].1, 0.0); // exact: no singular value is left after the last one
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn error_profile(&self) -> Vec<ErrorProfileRow<T::Real>> {
        let (m, n) = self.dim();
        let s: Vec<T::Real> = self.s().iter().take(m.min(n)).copied().collect();
        (0..=s.len())
            .map(|k| {
                let r = EckartYoung::from_values(&s, k, m, n);
                (k, r.frobenius_error, r.spectral_error, r.energy_retained)
            })
            .collect()
    }
}

/// A matrix in factored form `A ≈ L·R` (`L` `m×r`, `R` `r×n`): storage and matrix–vector
/// products cost `(m + n)·r` instead of `m·n`.
///
/// ```
/// use ndfactor::{compress, Rank};
/// let w = ndarray::array![[1.0f64, 2.0], [2.0, 4.0], [3.0, 6.0]];
/// let (lr, rep) = compress(&w, Rank::Fixed(1))?;
/// assert!(rep.frobenius_error < 1e-14 * 10.0);
/// let x = ndarray::array![1.0f64, -1.0];
/// assert!((&lr.apply(&x)? - &w.dot(&x)).iter().all(|d| d.abs() < 1e-13));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LowRank<T: Scalar> {
    left: Array2<T>,
    right: Array2<T>,
}

impl<T: Scalar> LowRank<T> {
    /// `L = U_k·Σ_k`, `R = V_kᴴ` from a truncated SVD.
    ///
    /// ```
    /// # use ndfactor::{LowRank, Rank, Svd};
    /// let t = Svd::new(&ndarray::Array2::<f64>::eye(3))?.truncate(Rank::Fixed(2))?;
    /// assert_eq!(LowRank::from_svd(&t).rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_svd(t: &TruncatedSvd<T>) -> Self {
        LowRank {
            left: scaled_cols(&t.u, &t.s),
            right: t.vt.clone(),
        }
    }

    /// From factors `B` (`d×r`) and `A` (`r×k`), LoRA style: the matrix is `B·A`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `B.ncols() ≠ A.nrows()`.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 4.0]])?;
    /// assert_eq!(lr.to_dense(), ndarray::array![[3.0, 4.0], [6.0, 8.0]]); // exact: products of small integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_factors(b: Array2<T>, a: Array2<T>) -> Result<Self> {
        if b.ncols() != a.nrows() {
            return Err(Error::DimensionMismatch {
                expected: b.ncols(),
                found: a.nrows(),
                operation: "LowRank::from_factors: rows of A",
            });
        }
        Ok(LowRank { left: b, right: a })
    }

    /// Left factor `L` (`m×r`).
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64]])?;
    /// assert_eq!(lr.left().dim(), (2, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn left(&self) -> ArrayView2<'_, T> {
        self.left.view()
    }

    /// Right factor `R` (`r×n`).
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64]])?;
    /// assert_eq!(lr.right().dim(), (1, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn right(&self) -> ArrayView2<'_, T> {
        self.right.view()
    }

    /// Shape `(m, n)` of the represented matrix.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 1.0, 0.0]])?;
    /// assert_eq!(lr.dim(), (2, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        (self.left.nrows(), self.right.ncols())
    }

    /// Inner dimension `r`.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64]])?;
    /// assert_eq!(lr.rank(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.left.ncols()
    }

    /// Values stored, `(m + n)·r`.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 1.0]])?;
    /// assert_eq!((lr.stored_values(), lr.dense_values()), (4, 4));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn stored_values(&self) -> usize {
        self.left.len() + self.right.len()
    }

    /// Values of the dense matrix, `m·n`.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 1.0, 5.0]])?;
    /// assert_eq!(lr.dense_values(), 6);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dense_values(&self) -> usize {
        let (m, n) = self.dim();
        m * n
    }

    /// Dense `L·R`.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64]])?;
    /// assert_eq!(lr.to_dense(), ndarray::array![[3.0], [6.0]]); // exact: products of small integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        self.left.dot(&self.right)
    }

    /// `L·(R·x)` for a vector or a matrix `x`, without forming the dense matrix.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `x` has not `n` rows.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 1.0]])?;
    /// assert_eq!(lr.apply(&ndarray::array![1.0f64, 1.0])?.to_vec(), vec![4.0, 8.0]); // exact: small integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply<S: Data<Elem = T>, D: Rhs>(
        &self,
        x: &ArrayBase<S, D>,
    ) -> Result<ndarray::Array<T, D>> {
        let xm = D::to_matrix(x);
        check_rows(self.right.ncols(), xm.nrows())?;
        Ok(D::from_matrix(self.left.dot(&self.right.dot(&xm))))
    }

    /// `Rᴴ·(Lᴴ·y)`: the adjoint applied to a vector or matrix `y` with `m` rows.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `y` has not `m` rows.
    ///
    /// ```
    /// # use ndfactor::LowRank;
    /// let lr = LowRank::from_factors(ndarray::array![[1.0f64], [2.0]], ndarray::array![[3.0f64, 1.0]])?;
    /// assert_eq!(lr.apply_adjoint(&ndarray::array![1.0f64, 1.0])?.to_vec(), vec![9.0, 3.0]); // exact: small integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply_adjoint<S: Data<Elem = T>, D: Rhs>(
        &self,
        y: &ArrayBase<S, D>,
    ) -> Result<ndarray::Array<T, D>> {
        let ym = D::to_matrix(y);
        check_rows(self.left.nrows(), ym.nrows())?;
        let lh = self.left.t().mapv(|v| v.conj());
        let rh = self.right.t().mapv(|v| v.conj());
        Ok(D::from_matrix(rh.dot(&lh.dot(&ym))))
    }
}

fn check_rows(expected: usize, found: usize) -> Result<()> {
    if expected != found {
        return Err(Error::DimensionMismatch {
            expected,
            found,
            operation: "LowRank::apply: rows of x",
        });
    }
    Ok(())
}

/// `B = U_k·Σ_k`, `A = V_kᴴ`. For singular values within rounding of the largest float an entry
/// of `B` can overflow to `±∞`; [`compress`] checks for that and returns an error instead.
impl<T: Scalar> From<TruncatedSvd<T>> for LowRank<T> {
    fn from(t: TruncatedSvd<T>) -> Self {
        LowRank {
            left: scaled_cols(&t.u, &t.s),
            right: t.vt,
        }
    }
}

/// Best rank-`k` factored approximation of `w` (thin SVD, then [`Svd::truncate`]), with its
/// Eckart–Young report.
///
/// # Errors
/// Those of [`Svd::new`] and [`Svd::truncate`]; [`Error::NumericalBreakdown`] when `U_k·Σ_k`
/// overflows (singular values within rounding of the largest float).
///
/// ```
/// use ndfactor::{compress, Rank};
/// let w = ndarray::Array2::<f64>::eye(4);
/// let (lr, rep) = compress(&w, Rank::Fixed(2))?;
/// assert_eq!((lr.rank(), rep.frobenius_error), (2, 2f64.sqrt()));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn compress<T: Scalar, S: Data<Elem = T>>(
    w: &ArrayBase<S, Ix2>,
    rank: Rank<T::Real>,
) -> Result<(LowRank<T>, EckartYoung<T::Real>)> {
    let t = Svd::new(w)?.truncate(rank)?;
    let rep = t.report();
    let lr = LowRank::from(t);
    if !lr.left.iter().all(|x| x.is_finite()) {
        return Err(Error::NumericalBreakdown {
            routine: "compress",
        });
    }
    Ok((lr, rep))
}
