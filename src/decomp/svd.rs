//! Singular value decomposition.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::decomp::solve::Conditioning;
use crate::error::{Error, Result};
use crate::lapack::svd::{gesdd, gesdd_or_restore, SvdJob, SvdOut};
use crate::layout::{check_dims, check_finite, into_col_major, to_col_major};
use crate::scalar::{RealScalar, Scalar};

/// Singular value decomposition of an `m×n` matrix: `A = U·Σ·Vᴴ`.
///
/// `U` and `V` have orthonormal columns and `Σ = diag(σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0)`,
/// `k = min(m, n)`; the singular values are real (`T::Real`).
/// [`new`](Svd::new) computes the thin SVD (`U` is `m×k`, `Vᴴ` is `k×n`), [`full`](Svd::full)
/// the full one (`U` is `m×m`, `Vᴴ` is `n×n`), and [`values`](Svd::values) only `σ`.
/// Use it for the 2-norm and 2-norm condition number, numerical rank, low-rank approximation,
/// pseudoinverses and principal components.
///
/// # Accuracy of small singular values
/// Any backward-stable SVD determines a singular value only to about `ε·σ₁` in absolute terms;
/// smaller ones may have no correct digits. ?gesdd with vectors can be much worse than that
/// bound suggests on graded matrices (Reference-LAPACK#316), while the backward error
/// `‖A − U·Σ·Vᴴ‖` stays tiny. [`cond`](Svd::cond) and [`rank`](Svd::rank) use the stored σ of
/// this decomposition; when small singular values matter, take them from [`Svd::values`]
/// (JOBZ = 'N', a different bidiagonal algorithm that LAPACK#316 reports as accurate), and treat
/// anything below `max(m, n)·ε·σ₁` as noise. (On OpenBLAS 0.3.21 the 30×30 companion matrix of
/// the truncated exponential series gets σ_min = 1.3e15 with vectors and 3.6e-15 from
/// `values`, against a true 0.66 and a noise floor ε·σ₁ ≈ 9e16: both are within it.)
///
/// Empty matrices never reach LAPACK: for `m×0` the thin SVD has `U` `m×0`, `σ = []` and `Vᴴ`
/// `0×0`; the full one has `U = I_m`.
///
/// # Errors
/// [`Error::NonFinite`] (checked before LAPACK: NaN/∞ make the SVD loop forever),
/// [`Error::TooLarge`] (a dimension, `U`/`Vᴴ` or the documented workspace beyond LAPACK's
/// 32-bit integers), [`Error::NoConvergence`] when both ?gesdd and the ?gesvd retry fail, and
/// [`Error::NumericalBreakdown`] for non-finite or unsorted output.
///
/// # Complexity
/// ≈ 4m·n² + 8n³ flops (m ≥ n) with vectors; values only ≈ 4m·n² − 4n³/3.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgesdd | dgesdd | cgesdd | zgesdd |
///
/// fallback: ?gesvd when ?gesdd reports INFO > 0.
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[1.0f64, 0.0, 0.0, 0.0, 2.0],
///                [0.0, 0.0, 3.0, 0.0, 0.0],
///                [0.0, 0.0, 0.0, 0.0, 0.0],
///                [0.0, 2.0, 0.0, 0.0, 0.0]];
/// let svd = Svd::new(&a)?;
/// let expected = [3.0, 5f64.sqrt(), 2.0, 0.0];
/// assert!(svd.s().iter().zip(expected).all(|(s, e)| (s - e).abs() < 1e-14));
/// assert!((&svd.reconstruct() - &a).iter().all(|d| d.abs() < 1e-14));
/// assert_eq!(svd.rank(None)?, 3);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Svd<T: Scalar> {
    u: Array2<T>,
    s: Array1<T::Real>,
    vt: Array2<T>,
    m: usize,
    n: usize,
}

impl<T: Scalar> Svd<T> {
    /// Thin SVD (`U` `m×k`, `Vᴴ` `k×n`, `k = min(m, n)`) of any 2-D array or view.
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let svd = Svd::new(&ndarray::Array2::<f64>::ones((5, 2)))?;
    /// assert_eq!((svd.u().dim(), svd.vt().dim()), ((5, 2), (2, 2)));
    /// assert!((svd.s()[0] - 10f64.sqrt()).abs() < 1e-14 && svd.s()[1].abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::checked(a)?;
        Self::compute_view(a, SvdJob::Thin)
    }

    /// Full SVD (`U` `m×m`, `Vᴴ` `n×n`).
    ///
    /// ```
    /// # use ndfactor::{verify, Svd};
    /// let a = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let svd = Svd::full(&a)?;
    /// assert_eq!(svd.u().dim(), (3, 3));
    /// assert!(verify::orthogonality_ratio(&svd.u()) < verify::SVD_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn full<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::checked(a)?;
        Self::compute_view(a, SvdJob::Full)
    }

    /// Thin SVD of an owned matrix, reusing its buffer when it is F-contiguous: peak memory is
    /// the outputs and ?gesdd's workspace, with no copy of the input.
    ///
    /// The price is the fallback: [`new`](Svd::new) answers a ?gesdd convergence failure (rare;
    /// its divide-and-conquer step) by running ?gesvd on a fresh copy of the input, while this
    /// constructor has no input left and returns `Error::NoConvergence`, as NumPy's `svd` does.
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let svd = Svd::from_owned(ndarray::array![[0.0f64, 2.0], [1.0, 0.0]])?;
    /// let s = svd.s();
    /// assert!((s[0] - 2.0).abs() <= 8.0 * f64::EPSILON && (s[1] - 1.0).abs() <= 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        Self::checked(&a)?;
        Self::compute(into_col_major(a), SvdJob::Thin)
    }

    /// Singular values only, descending (?gesdd with JOBZ = 'N'). Faster than a decomposition,
    /// and the path to prefer for the 2-norm condition number and the numerical rank (see the
    /// type's documentation on the accuracy of small singular values, Reference-LAPACK#316).
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let s = Svd::values(&ndarray::array![[3.0f32, 0.0], [0.0, -4.0]])?;
    /// assert!((s[0] - 4.0).abs() <= 16.0 * f32::EPSILON && (s[1] - 3.0).abs() <= 16.0 * f32::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "svdvals")]
    pub fn values<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array1<T::Real>> {
        Self::checked(a)?;
        Ok(gesdd_or_restore(to_col_major(a), SvdJob::Values, || Some(to_col_major(a)))?.s)
    }

    fn checked<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<()> {
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)
    }

    /// From a borrowed input: the ?gesvd fallback copies the input again instead of keeping a
    /// backup copy of A during ?gesdd (one n² copy less in time and in peak memory).
    fn compute_view<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, job: SvdJob) -> Result<Self> {
        let (m, n) = a.dim();
        let SvdOut { u, s, vt } = gesdd_or_restore(to_col_major(a), job, || Some(to_col_major(a)))?;
        Ok(Svd { u, s, vt, m, n })
    }

    fn compute(a: Array2<T>, job: SvdJob) -> Result<Self> {
        let (m, n) = a.dim();
        let SvdOut { u, s, vt } = gesdd(a, job)?;
        Ok(Svd { u, s, vt, m, n })
    }

    /// Shape `(m, n)` of the decomposed matrix.
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// assert_eq!(Svd::new(&ndarray::Array2::<f64>::zeros((4, 0)))?.dim(), (4, 0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        (self.m, self.n)
    }

    /// Left singular vectors `U` as columns (`m×k` thin, `m×m` full; F-order).
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let u = Svd::new(&ndarray::array![[0.0f64, 1.0], [2.0, 0.0]])?.u().to_owned();
    /// assert!((u[(1, 0)].abs() - 1.0).abs() < 1e-15); // σ₁ = 2 belongs to row 1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> ArrayView2<'_, T> {
        self.u.view()
    }

    /// Singular values `σ₁ ≥ … ≥ σ_k ≥ 0` (real).
    ///
    /// ```
    /// # use ndfactor::{c64, Svd};
    /// let a = ndarray::array![[c64::new(0.0, 3.0), c64::new(0.0, 0.0)], [c64::new(0.0, 0.0), c64::new(1.0, 0.0)]];
    /// let s = Svd::new(&a)?.s().to_owned();
    /// assert!((s[0] - 3.0).abs() < 1e-15 && (s[1] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> ArrayView1<'_, T::Real> {
        self.s.view()
    }

    /// `Vᴴ` (the conjugate transpose of the right singular vectors): `k×n` thin, `n×n` full.
    ///
    /// ```
    /// # use ndfactor::{verify, Svd};
    /// let svd = Svd::new(&ndarray::array![[1.0f64, 2.0, 3.0]])?;
    /// let vt = svd.vt();
    /// assert_eq!(vt.dim(), (1, 3));
    /// assert!((vt[(0, 2)].abs() - 3.0 / 14f64.sqrt()).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> ArrayView2<'_, T> {
        self.vt.view()
    }

    /// Numerical rank: the number of `σᵢ > tol`. The default tolerance is
    /// `max(m, n)·ε·σ₁` (NumPy's `matrix_rank`, LAPACK's convention).
    ///
    /// This uses the stored σ of this decomposition; for graded or very ill-conditioned input
    /// count the entries of [`Svd::values`] instead (see the type's documentation).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a negative or NaN `tol`.
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0], [3.0, 6.0]];
    /// let svd = Svd::new(&a)?;
    /// assert_eq!(svd.rank(None)?, 1);
    /// assert_eq!(svd.rank(Some(100.0))?, 0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self, tol: Option<T::Real>) -> Result<usize> {
        let zero = T::Real::from_f64(0.0);
        let tol = match tol {
            Some(t) if t.is_nan() || t < zero => {
                return Err(Error::InvalidArgument {
                    reason: format!("rank tolerance must be ≥ 0, got {t}"),
                })
            }
            Some(t) => t,
            None => {
                let s1 = self.norm2();
                T::Real::from_f64(self.m.max(self.n) as f64) * T::eps() * s1
            }
        };
        Ok(self.s.iter().filter(|&&s| s > tol).count())
    }

    /// 2-norm condition number `σ₁/σ_min`. For a non-square matrix, `σ_min = σ_k`,
    /// `k = min(m, n)`.
    ///
    /// Uses the stored σ; see [`rank`](Svd::rank) and [`Svd::values`] for the accurate path.
    ///
    /// **Singular input.** The result is `+∞` only when the computed `σ_min` is exactly 0 (as
    /// NumPy's `cond`), which LAPACK gives for structurally singular matrices (a zero row or
    /// column, a zero matrix). A matrix that is singular in exact arithmetic but not
    /// structurally, such as `[[1, 1], [1, 1]]`, usually gets a tiny nonzero `σ_min` of order
    /// `ε·σ₁` (its size depends on the BLAS kernel), so `cond` is a large finite number, at
    /// least about `1/(c·ε)` with a small `c`. Treat `cond ≥ 1/ε` (or `rank() < k`) as
    /// numerically singular rather than testing for `∞`.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty matrix (NumPy raises too).
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let svd = Svd::new(&ndarray::array![[2.0f64, 0.0], [0.0, 0.5]])?;
    /// assert!((svd.cond()? - 4.0).abs() <= 16.0 * f64::EPSILON);
    /// // Singular in exact arithmetic: σ₂ is 0 or of order ε·σ₁, so cond ≥ 1/(16ε) (or ∞).
    /// let ones = Svd::new(&ndarray::array![[1.0f64, 1.0], [1.0, 1.0]])?;
    /// assert!(ones.cond()? >= 1.0 / (16.0 * f64::EPSILON));
    /// // Structurally singular (a zero column): σ₂ is exactly 0, so cond is exactly ∞.
    /// let zero_col = Svd::new(&ndarray::array![[1.0f64, 0.0], [1.0, 0.0]])?;
    /// assert_eq!(zero_col.cond()?, f64::INFINITY);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn cond(&self) -> Result<T::Real> {
        let k = self.s.len();
        if k == 0 {
            return Err(Error::Empty {
                operation: "Svd::cond",
            });
        }
        let smin = self.s[k - 1];
        // Exact zero only: see "Singular input" above.
        if smin == T::Real::from_f64(0.0) {
            return Ok(T::Real::infinity());
        }
        Ok(self.s[0] / smin)
    }

    /// Spectral norm `‖A‖₂ = σ₁` (0 for an empty matrix).
    ///
    /// ```
    /// # use ndfactor::Svd;
    /// let svd = Svd::new(&ndarray::array![[3.0f64, 0.0], [4.0, 0.0]])?;
    /// assert!((svd.norm2() - 5.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn norm2(&self) -> T::Real {
        self.s.first().copied().unwrap_or(T::Real::from_f64(0.0))
    }

    /// Rebuilds `A = U·Σ·Vᴴ` (from the first `k` columns of `U` and rows of `Vᴴ`).
    ///
    /// ```
    /// # use ndfactor::{verify, Svd};
    /// let a = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let r = Svd::full(&a)?.reconstruct();
    /// assert!(verify::reconstruction_ratio(&a, &r, 3) < verify::SVD_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let k = self.s.len();
        if k == 0 {
            return Array2::zeros((self.m, self.n));
        }
        let mut us = self.u.slice(ndarray::s![.., ..k]).to_owned();
        for (j, &s) in self.s.iter().enumerate() {
            us.column_mut(j).mapv_inplace(|x| x.scale(s));
        }
        us.dot(&self.vt.slice(ndarray::s![..k, ..]))
    }
}

impl<T: Scalar> Svd<T> {
    /// Conditioning report from the exact 2-norm `rcond = σ_min/σ₁` of the stored singular
    /// values (`σ_min = σ_k`, `k = min(m, n)`; 1 for an empty matrix, 0 for a zero matrix).
    /// The σ come from the vectors computation (?gesdd); they are accurate to about `ε·σ₁`, so
    /// `rcond` below `ε` is not resolved beyond "numerically singular".
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Svd;
    /// let c = Svd::new(&array![[2.0f64, 0.0], [0.0, 0.5]])?.conditioning();
    /// assert!((c.rcond - 0.25).abs() <= 8.0 * f64::EPSILON); // each σ is accurate to about ε·σ₁
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn conditioning(&self) -> Conditioning<T::Real> {
        let s = self.s();
        let zero = T::Real::from_f64(0.0);
        let rcond = match s.len() {
            0 => T::Real::from_f64(1.0),
            _ if s[0] == zero => zero,
            k => s[k - 1] / s[0],
        };
        Conditioning::from_rcond(rcond)
    }
}
