//! QR factorizations: Householder QR ([`Qr`], ?geqrf) and QR with column pivoting
//! ([`ColPivQr`], ?geqp3).

use std::sync::OnceLock;

use ndarray::{
    s, Array, Array1, Array2, ArrayBase, ArrayView2, ArrayViewMut2, Data, Ix2, ShapeBuilder,
};

use super::cholesky::adjoint;
use super::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::numeric::{scale_pow2, tiny_exponent};
use crate::lapack::qr::{geqp3, geqrf, orgqr, ormqr, trcon, trtrs};
use crate::lapack::BlasInt;
use crate::lapack::{Trans, Uplo};
use crate::layout::{check_dims, into_col_major_amax_checked, to_col_major_amax_checked};
use crate::scalar::{RealScalar, Scalar};

/// `Q` and `R` in LAPACK's compact form, shared by [`Qr`] and [`ColPivQr`]: `R` on and above the
/// diagonal of `factors`, the Householder vectors below it, `Q = H(1)·…·H(k)` with
/// `H(i) = I − τᵢ·vᵢ·vᵢᴴ`.
#[derive(Debug, Clone)]
struct Householder<T: Scalar> {
    factors: Array2<T>,
    tau: Vec<T>,
}

impl<T: Scalar> Householder<T> {
    fn dim(&self) -> (usize, usize) {
        self.factors.dim()
    }

    fn k(&self) -> usize {
        self.tau.len()
    }

    /// The first `p` columns of `Q` (`k ≤ p ≤ m`).
    fn q_cols(&self, p: usize) -> Result<Array2<T>> {
        let (m, _) = self.dim();
        let k = self.k();
        check_dims(m, p)?;
        let mut q = crate::layout::padded_zeros((m, p));
        q.slice_mut(s![.., ..k])
            .assign(&self.factors.slice(s![.., ..k]));
        orgqr(&mut q, &self.tau)?;
        Ok(q)
    }

    /// The first `rows` rows of `R` (`rows` is `k` or `m`), zeros below the diagonal.
    fn r_rows(&self, rows: usize) -> Array2<T> {
        let (_, n) = self.dim();
        Array2::from_shape_fn((rows, n).f(), |(i, j)| {
            if i <= j {
                self.factors[(i, j)]
            } else {
                T::zero()
            }
        })
    }

    /// `C := op(Q)·C` for an F-order `C` with `m` rows.
    fn apply(&self, trans: Trans, c: &mut Array2<T>) -> Result<()> {
        ormqr(&self.factors, &self.tau, trans, c)
    }

    /// `Q·C` (C with `m` rows: the full `m×m` Q; with `k < m` rows: the thin `m×k` Q) or `Qᴴ·C`
    /// (C with `m` rows).
    fn apply_rhs<S, D>(
        &self,
        c: &ArrayBase<S, D>,
        trans: Trans,
        operation: &'static str,
    ) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let (m, _) = self.dim();
        let k = self.k();
        let thin = trans == Trans::No && c.shape()[0] == k && k < m;
        let mut x = if thin {
            let ck = rhs_matrix(c, k, operation)?;
            check_dims(m, ck.ncols())?;
            let mut x = Array2::zeros((m, ck.ncols()).f());
            x.slice_mut(s![..k, ..]).assign(&ck);
            x
        } else {
            rhs_matrix(c, m, operation)?
        };
        self.apply(trans, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// 1-based index of the first exactly zero entry among the first `n` of R's diagonal.
    fn first_zero_diagonal(&self, n: usize) -> Option<usize> {
        (0..n)
            .find(|&i| self.factors[(i, i)] == T::zero())
            .map(|i| i + 1)
    }
}

/// Validates an input and copies it once to F order.
fn validated<S: Data<Elem = T>, T: Scalar>(a: &ArrayBase<S, Ix2>) -> Result<(Array2<T>, T::Real)> {
    check_dims(a.nrows(), a.ncols())?;
    // The copy, the finiteness test and the largest entry (no ‖A‖₁: QR needs none).
    to_col_major_amax_checked(a)
}

/// Validates an owned input, reusing its buffer when it is F-contiguous.
fn validated_owned<T: Scalar>(a: Array2<T>) -> Result<(Array2<T>, T::Real)> {
    check_dims(a.nrows(), a.ncols())?;
    into_col_major_amax_checked(a)
}

/// Householder QR factorization of any `m×n` matrix: `A = Q·R`.
///
/// `Q` is unitary (orthogonal for real types) and `R` upper trapezoidal. With `k = min(m, n)`,
/// the *thin* factors are `Q` `m×k` ([`q`](Qr::q)) and `R` `k×n` ([`r`](Qr::r)); the *full*
/// ones are `Q` `m×m` ([`q_full`](Qr::q_full)) and `R` `m×n` ([`r_full`](Qr::r_full)). No
/// pivoting is done and `R`'s diagonal is not made positive (LAPACK's convention), so the
/// factors are unique only up to the phases of `R`'s rows.
///
/// Use it for least squares (tall `A`: [`solve`](Qr::solve) minimizes `‖A·x − b‖₂` without
/// forming the normal equations), minimum-norm solutions of underdetermined systems (wide `A`),
/// orthonormal bases of a column space, and square systems when an orthogonal method is wanted.
/// For rank-deficient matrices use [`ColPivQr`] (or the SVD).
///
/// `Q` is kept as Householder reflectors: [`apply_q`](Qr::apply_q) and
/// [`apply_qh`](Qr::apply_qh) multiply by `Q` or `Qᴴ` without forming it.
///
/// # Errors
/// [`Error::NonFinite`] (checked before LAPACK is called), [`Error::TooLarge`], and
/// [`Error::NumericalBreakdown`] if LAPACK produces non-finite factors from finite input.
///
/// # Complexity
/// ≈ 2mn² − 2n³/3 flops to factor (m ≥ n); forming the thin `Q` about as much again; each
/// application of `Q` or solve ≈ 4mn flops per right-hand side (m ≥ n).
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgeqrf | dgeqrf | cgeqrf | zgeqrf |
///
/// From `min(m, n) = 1024` on, ?geqrt with block size 128 does the factoring (?geqrf's block
/// size comes from ILAENV: 32 in OpenBLAS and reference LAPACK), and its output is turned into
/// ?geqrf's format, so the factors and everything after them are the same kind. At 2048² f64
/// that is 0.81× the time of ?geqrf (docs/benchmarks.md).
///
/// companions: ?orgqr/?ungqr (form Q), ?ormqr/?unmqr (apply Q or Qᴴ), ?trtrs (solve with R),
/// ?trcon (rcond of R).
///
/// | operation | method |
/// |---|---|
/// | least squares / minimum-norm / square solve | [`solve`](Qr::solve), [`solve_with_residual`](Qr::solve_with_residual) |
/// | apply `Q`, `Qᴴ` | [`apply_q`](Qr::apply_q), [`apply_qh`](Qr::apply_qh) |
/// | factors | [`q`](Qr::q), [`q_full`](Qr::q_full), [`r`](Qr::r), [`r_full`](Qr::r_full), [`factors`](Qr::factors), [`tau`](Qr::tau), [`reconstruct`](Qr::reconstruct) |
/// | condition | [`rcond`](Qr::rcond) |
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
/// let qr = Qr::new(&a)?;
/// let (q, r) = (qr.q(), qr.r());
/// assert!((&q.dot(&r) - &a).iter().all(|d| d.abs() < 1e-14));
/// assert!((&q.t().dot(&q) - &ndarray::Array2::<f64>::eye(3)).iter().all(|d| d.abs() < 1e-15));
/// let x = qr.solve(&array![1.0, 2.0, 3.0])?;
/// assert!((&a.dot(&x) - &array![1.0, 2.0, 3.0]).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Qr<T: Scalar> {
    h: Householder<T>,
    /// Wide `A` only: the QR factorization of `Rᴴ` (`n×m`), made by the first solve or `rcond`.
    adjoint: OnceLock<Householder<T>>,
    /// The factors are those of `2^scale_exp · A` (0 unless A's entries are all tiny).
    scale_exp: i32,
}

/// A least-squares solution and the norm of its residual, from [`Qr::solve_with_residual`]:
/// `x` minimizing `‖b − A·x‖₂` for a full-rank `A`, and that minimum (not squared).
///
/// Not to be confused with [`Lstsq`](crate::Lstsq), the result of the SVD-based
/// [`lstsq`](crate::lstsq) (NumPy's `lstsq`: any rank, minimum-norm solution, squared residuals,
/// rank and singular values). Its distributed counterpart is
/// `ndfactor::dist::DistSolutionWithResidual` (feature `mpi`).
///
/// ```
/// use ndarray::array;
/// use ndfactor::Qr;
/// let a = array![[1.0f64], [1.0]];
/// let ls = Qr::new(&a)?.solve_with_residual(&array![1.0, 3.0])?;
/// assert!((ls.solution[0] - 2.0).abs() < 1e-15);
/// assert!((ls.residual_norm[0] - 2f64.sqrt()).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SolutionWithResidual<T: Scalar, D: Rhs> {
    /// The solution, with the right-hand side's dimensionality (`n` rows).
    pub solution: Array<T, D>,
    /// `‖b_j − A·x_j‖₂` for each column `j` of `b` (one entry for a vector `b`); 0 when
    /// `m ≤ n`, where the system is consistent.
    pub residual_norm: Array1<T::Real>,
}

/// The former name of [`SolutionWithResidual`], kept for existing code.
///
/// ```
/// #[allow(deprecated)]
/// let ls: ndfactor::decomp::qr::LeastSquares<f64, ndarray::Ix1> =
///     ndfactor::Qr::new(&ndarray::array![[2.0f64]])?.solve_with_residual(&ndarray::array![4.0])?;
/// assert_eq!(ls.solution[0], 2.0); // exact: 4/2
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[deprecated(
    note = "renamed to `SolutionWithResidual` (`Lstsq` is the result of the SVD-based `lstsq`)"
)]
pub type LeastSquares<T, D> = SolutionWithResidual<T, D>;

impl<T: Scalar> Qr<T> {
    /// Factors an `m×n` matrix given as any 2-D array or view; the input is copied once.
    ///
    /// ```
    /// use ndarray::{array, s};
    /// use ndfactor::Qr;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let qr = Qr::new(&a.slice(s![..;-1, ..]))?; // any view
    /// assert_eq!(qr.r().dim(), (2, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        let (f, amax) = validated(a)?;
        Self::factor(f, amax)
    }

    /// Factors an owned matrix, reusing its buffer when it is already F-contiguous.
    ///
    /// ```
    /// use ndarray::{array, Array2, ShapeBuilder};
    /// use ndfactor::Qr;
    /// let mut a = Array2::<f64>::zeros((2, 1).f());
    /// a.assign(&array![[3.0f64], [4.0]]);
    /// assert!((Qr::from_owned(a)?.r()[(0, 0)].abs() - 5.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        let (f, amax) = validated_owned(a)?;
        Self::factor(f, amax)
    }

    /// Factors the F-order copy `a`, whose largest `|re| + |im|` is `amax`.
    fn factor(mut a: Array2<T>, amax: T::Real) -> Result<Self> {
        // A matrix whose entries are all below √(smallest normal) is factored as 2^k·A (exact;
        // Q is unchanged, R scaled by 2^k): the triangular solves of OpenBLAS 0.3.21 (complex
        // ?trsm inverts the diagonal) overflow on subnormal entries of R.
        let scale_exp = tiny_exponent::<T>(amax).unwrap_or(0);
        if scale_exp != 0 {
            a.mapv_inplace(|x| scale_pow2(x, scale_exp));
        }
        let tau = geqrf(&mut a)?;
        Ok(Qr {
            h: Householder { factors: a, tau },
            adjoint: OnceLock::new(),
            scale_exp,
        })
    }

    /// Undoes the exact scaling of tiny matrices on a part of `R`.
    fn unscale(&self, mut r: Array2<T>) -> Array2<T> {
        if self.scale_exp != 0 {
            let k = -self.scale_exp;
            r.mapv_inplace(|x| scale_pow2(x, k));
        }
        r
    }

    /// The factors are those of `2^k·A` with `k` = this exponent. It is 0 except for matrices
    /// whose entries are all below `√(smallest normal number)`, which are scaled exactly before
    /// factoring (OpenBLAS 0.3.21's complex triangular solves overflow on subnormal entries of
    /// `R`). [`r`](Qr::r), [`r_full`](Qr::r_full), solves and [`reconstruct`](Qr::reconstruct)
    /// undo the scaling; [`factors`](Qr::factors) shows it. `Q` is not affected.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[0.0, 1e-310f64], [1e-310, 0.0]];
    /// let qr = Qr::new(&a)?;
    /// assert!(qr.scale_exponent() > 1000);
    /// assert!((&qr.reconstruct() - &a).iter().all(|d| d.abs() < 1e-323));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scale_exponent(&self) -> i32 {
        self.scale_exp
    }

    /// Rows `m` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::Qr;
    /// assert_eq!(Qr::new(&ndarray::Array2::<f64>::zeros((5, 2)))?.nrows(), 5);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn nrows(&self) -> usize {
        self.h.dim().0
    }

    /// Columns `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::Qr;
    /// assert_eq!(Qr::new(&ndarray::Array2::<f64>::zeros((5, 2)))?.ncols(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ncols(&self) -> usize {
        self.h.dim().1
    }

    /// The thin `Q`: `m×min(m, n)` with orthonormal columns spanning the range of `A` when `A`
    /// has full column rank.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let q = Qr::new(&array![[1.0f64, 1.0], [1.0, 0.0], [0.0, 1.0]])?.q();
    /// assert_eq!(q.dim(), (3, 2));
    /// assert!((&q.t().dot(&q) - &ndarray::Array2::<f64>::eye(2)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q(&self) -> Array2<T> {
        self.h
            .q_cols(self.h.k())
            .expect("?orgqr on dimensions validated by the factorization")
    }

    /// The full `m×m` unitary `Q`. Its last `m − min(m, n)` columns span the orthogonal
    /// complement of the range of `A` (for full column rank `A`).
    ///
    /// # Errors
    /// [`Error::TooLarge`] when `m×m` exceeds LAPACK's 32-bit sizes.
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64], [2.0], [2.0]];
    /// let q = Qr::new(&a)?.q_full()?;
    /// assert_eq!(q.dim(), (3, 3));
    /// assert!((&q.t().dot(&q) - &Array2::<f64>::eye(3)).iter().all(|d| d.abs() < 1e-15));
    /// // the last two columns are orthogonal to a
    /// assert!(q.slice(ndarray::s![.., 1..]).t().dot(&a).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q_full(&self) -> Result<Array2<T>> {
        self.h.q_cols(self.nrows())
    }

    /// The thin `R`: `min(m, n)×n`, upper trapezoidal (exact zeros below the diagonal).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let r = Qr::new(&array![[3.0f64, 1.0], [4.0, 2.0]])?.r();
    /// assert_eq!(r[(1, 0)], 0.0); // exact: below the diagonal of R is zero by construction
    /// assert!((r[(0, 0)].abs() - 5.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r(&self) -> Array2<T> {
        self.unscale(self.h.r_rows(self.h.k()))
    }

    /// The full `R`: `m×n`, the thin `R` followed by `m − min(m, n)` zero rows.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64], [2.0], [2.0]];
    /// let qr = Qr::new(&a)?;
    /// let r = qr.r_full();
    /// assert_eq!(r.dim(), (3, 1));
    /// assert!((&qr.q_full()?.dot(&r) - &a).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r_full(&self) -> Array2<T> {
        self.unscale(self.h.r_rows(self.nrows()))
    }

    /// LAPACK's compact storage (`m×n`, F-order): `R` on and above the diagonal, the
    /// Householder vectors `vᵢ` (unit first entry implied) below it; `R` is that of
    /// `2^k·A` with `k` = [`scale_exponent`](Qr::scale_exponent).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let qr = Qr::new(&array![[3.0f64], [4.0]])?;
    /// assert!((qr.factors()[(0, 0)] + 5.0).abs() < 1e-15); // R₁₁ = −5 (LAPACK's sign)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> ArrayView2<'_, T> {
        self.h.factors.view()
    }

    /// The `min(m, n)` Householder scalars: `Q = H(1)·…·H(k)`, `H(i) = I − τᵢ·vᵢ·vᵢᴴ`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// assert_eq!(Qr::new(&array![[1.0f64, 2.0]])?.tau().len(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn tau(&self) -> &[T] {
        &self.h.tau
    }

    /// `Q·C` without forming `Q` (?ormqr/?unmqr). `C` (a vector or a matrix) has either `m`
    /// rows, multiplied by the full `m×m` `Q`, or `min(m, n)` rows, multiplied by the thin `Q`
    /// ([`q`](Qr::q)). The result has `m` rows.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for any other number of rows, [`Error::NonFinite`] in `C`.
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::Qr;
    /// let qr = Qr::new(&array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 7.0]])?;
    /// let c = array![[1.0f64], [-1.0]];
    /// let qc = qr.apply_q(&c)?; // thin Q · C
    /// assert!((&qc - &qr.q().dot(&c)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply_q<S, D>(&self, c: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.h.apply_rhs(c, Trans::No, "Qr::apply_q: rows of c")
    }

    /// `Qᴴ·C` without forming `Q`, for `C` with `m` rows (the full `Q`). The first `min(m, n)`
    /// rows of the result are the thin `Qᴴ·C`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] unless `C` has `m` rows, [`Error::NonFinite`] in `C`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 7.0]];
    /// let qr = Qr::new(&a)?;
    /// // Qᴴ·A = R_full
    /// assert!((&qr.apply_qh(&a)? - &qr.r_full()).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply_qh<S, D>(&self, c: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.h
            .apply_rhs(c, Trans::Adjoint, "Qr::apply_qh: rows of c")
    }

    /// Solves `A·x = b` in the least-squares sense (`b` a vector, or a matrix of columns):
    ///
    /// * `m ≥ n` (tall or square): the `x` minimizing `‖A·x − b‖₂`, as `x = R⁻¹·(Qᴴ·b)[..n]`
    ///   (no normal equations). For square `A` this is the ordinary solution.
    /// * `m < n` (wide): the minimum-norm solution of the consistent system, `x ∈ range(Aᴴ)`.
    ///   It uses the QR factorization `Rᴴ = Q₂·R₂` of the factor `R` (computed on first use,
    ///   then kept): `A = Q·R₂ᴴ·Q₂ᴴ`, so `x = Q₂·R₂⁻ᴴ·Qᴴ·b` — the same as factoring `Aᴴ`
    ///   without keeping a copy of `A`.
    ///
    /// Full rank is required: an exactly zero diagonal entry of the triangular factor used (`R`
    /// for `m ≥ n`, `R₂` for `m < n`) is [`Error::Singular`] with its 1-based index. Nearly
    /// rank-deficient matrices are not detected; check [`rcond`](Qr::rcond), or use
    /// [`ColPivQr`] or the SVD.
    ///
    /// # Errors
    /// [`Error::Singular`], [`Error::DimensionMismatch`] when `b` does not have `m` rows,
    /// [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// // Fit y = c₀ + c₁·t through (0, 1), (1, 2), (2, 2).
    /// let a = array![[1.0f64, 0.0], [1.0, 1.0], [1.0, 2.0]];
    /// let c = Qr::new(&a)?.solve(&array![1.0, 2.0, 2.0])?;
    /// assert!((c[0] - 7.0 / 6.0).abs() < 1e-14 && (c[1] - 0.5).abs() < 1e-14);
    /// // Wide: the minimum-norm solution of x₀ + x₁ = 2 is (1, 1).
    /// let x = Qr::new(&array![[1.0f64, 1.0]])?.solve(&array![2.0])?;
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let b = rhs_matrix(b, self.nrows(), "Qr::solve: rows of b")?;
        Ok(D::from_matrix(self.solve_impl(b, Residual::Skip)?.0))
    }

    /// [`solve`](Qr::solve), also returning `‖b_j − A·x_j‖₂` per right-hand side. For `m > n`
    /// the norm comes from the last `m − n` entries of `Qᴴ·b` (as ?gels reports it), without
    /// forming the residual; for `m ≤ n` it is 0.
    ///
    /// # Errors
    /// As [`solve`](Qr::solve).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64, 0.0], [1.0, 1.0], [1.0, 2.0]];
    /// let b = array![1.0, 2.0, 2.0];
    /// let ls = Qr::new(&a)?.solve_with_residual(&b)?;
    /// let r = &b - &a.dot(&ls.solution);
    /// assert!((r.dot(&r).sqrt() - ls.residual_norm[0]).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve_with_residual<S, D>(
        &self,
        b: &ArrayBase<S, D>,
    ) -> Result<SolutionWithResidual<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let b = rhs_matrix(b, self.nrows(), "Qr::solve_with_residual: rows of b")?;
        let (x, residual_norm) = self.solve_impl(b, Residual::Compute)?;
        Ok(SolutionWithResidual {
            solution: D::from_matrix(x),
            residual_norm,
        })
    }

    /// Solves for the F-order `m×nrhs` `b`; the residual norms are computed when asked for
    /// (zeros otherwise).
    fn solve_impl(
        &self,
        mut b: Array2<T>,
        residual: Residual,
    ) -> Result<(Array2<T>, Array1<T::Real>)> {
        let (m, n) = self.h.dim();
        let nrhs = b.ncols();
        check_dims(n, nrhs)?;
        let mut norms = Array1::from_elem(nrhs, T::Real::from_f64(0.0));
        if m >= n {
            if let Some(index) = self.h.first_zero_diagonal(n) {
                return Err(Error::Singular { index });
            }
            self.h.apply(Trans::Adjoint, &mut b)?;
            if residual == Residual::Compute && m > n {
                for (j, r) in norms.iter_mut().enumerate() {
                    *r = crate::lapack::numeric::norm_fro(&b.slice(s![n.., j..j + 1]));
                }
            }
            self.scale_rhs(b.slice_mut(s![..n, ..]));
            trtrs(&self.h.factors, n, Uplo::Upper, Trans::No, &mut b)?;
            if m == n {
                return Ok((b, norms));
            }
            let mut x = Array2::zeros((n, nrhs).f());
            x.assign(&b.slice(s![..n, ..]));
            Ok((x, norms))
        } else {
            let h2 = self.adjoint_factors()?;
            if let Some(index) = h2.first_zero_diagonal(m) {
                return Err(Error::Singular { index });
            }
            // c = Qᴴ·b, y = R₂⁻ᴴ·c, x = Q₂·[y; 0].
            self.h.apply(Trans::Adjoint, &mut b)?;
            self.scale_rhs(b.view_mut());
            trtrs(&h2.factors, m, Uplo::Upper, Trans::Adjoint, &mut b)?;
            let mut x = Array2::zeros((n, nrhs).f());
            x.slice_mut(s![..m, ..]).assign(&b);
            h2.apply(Trans::No, &mut x)?;
            Ok((x, norms))
        }
    }

    /// Solves `Aᴴ·x = b` for the F-order `n×nrhs` `b`:
    ///
    /// * `m ≥ n`: `Aᴴ = Rᴴ·Qᴴ` is wide; the minimum-norm solution is `x = Q·[R⁻ᴴ·b; 0]`.
    /// * `m < n`: with `Rᴴ = Q₂·R₂` (see [`solve`](Qr::solve)), `Aᴴ = Q₂·R₂·Qᴴ` is tall; the
    ///   least-squares solution is `x = Q·R₂⁻¹·(Q₂ᴴ·b)[..m]`.
    ///
    /// An exactly zero diagonal entry of the triangle used is [`Error::Singular`].
    fn solve_adjoint_impl(&self, mut b: Array2<T>) -> Result<Array2<T>> {
        let (m, n) = self.h.dim();
        let nrhs = b.ncols();
        check_dims(m.max(n), nrhs)?;
        if m >= n {
            if let Some(index) = self.h.first_zero_diagonal(n) {
                return Err(Error::Singular { index });
            }
            self.scale_rhs(b.view_mut());
            trtrs(&self.h.factors, n, Uplo::Upper, Trans::Adjoint, &mut b)?;
            let mut x = Array2::zeros((m, nrhs).f());
            x.slice_mut(s![..n, ..]).assign(&b);
            self.h.apply(Trans::No, &mut x)?;
            Ok(x)
        } else {
            let h2 = self.adjoint_factors()?;
            if let Some(index) = h2.first_zero_diagonal(m) {
                return Err(Error::Singular { index });
            }
            h2.apply(Trans::Adjoint, &mut b)?;
            self.scale_rhs(b.view_mut());
            trtrs(&h2.factors, m, Uplo::Upper, Trans::No, &mut b)?;
            let mut x = Array2::zeros((m, nrhs).f());
            x.assign(&b.slice(s![..m, ..]));
            self.h.apply(Trans::No, &mut x)?;
            Ok(x)
        }
    }

    /// `(2^k·R)·x = 2^k·c` has the same solution as `R·x = c`.
    fn scale_rhs(&self, mut b: ArrayViewMut2<T>) {
        if self.scale_exp != 0 {
            let k = self.scale_exp;
            b.mapv_inplace(|x| scale_pow2(x, k));
        }
    }

    /// Wide `A`: the QR factorization of `Rᴴ` (`n×m`, full column rank iff `A` has full row
    /// rank; scaled by `2^scale_exp` as `R` is), computed once.
    fn adjoint_factors(&self) -> Result<&Householder<T>> {
        if let Some(h) = self.adjoint.get() {
            return Ok(h);
        }
        // Rᴴ, scaled as the factors are.
        let mut rh = adjoint(&self.h.r_rows(self.h.k()));
        let tau = geqrf(&mut rh)?;
        let _ = self.adjoint.set(Householder { factors: rh, tau });
        Ok(self.adjoint.get().expect("set above"))
    }

    /// Estimate of the reciprocal condition number of `A` for [`solve`](Qr::solve), from the
    /// triangular factor the solve uses: ?trcon on `R` (`m ≥ n`) or on `R₂` (`m < n`, see
    /// [`solve`](Qr::solve)), in the 1-norm. `κ₂(R) = κ₂(A)` for full-rank `A`, and the 1-norm
    /// condition number of a triangle differs from its 2-norm one by at most a factor `k`, so
    /// this estimates `1/κ₂(A)` within a factor of about `10·min(m, n)`. 0 for an exactly
    /// rank-deficient `A`, 1 for an empty one.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64, 0.0], [0.0, 1e-8], [0.0, 0.0]];
    /// let rc = Qr::new(&a)?.rcond();
    /// assert!((rc - 1e-8).abs() < 1e-16);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        let (m, n) = self.h.dim();
        let est = if m >= n {
            trcon(&self.h.factors, n, Uplo::Upper)
        } else {
            self.adjoint_factors()
                .and_then(|h2| trcon(&h2.factors, m, Uplo::Upper))
                .or_else(|_| {
                    // The QR of Rᴴ overflowed (entries near the largest float). rcond is scale
                    // invariant: estimate it from the QR of 2^-k·Rᴴ, an exact scaling.
                    let mut rh = adjoint(&self.h.r_rows(self.h.k()));
                    let zero = T::Real::from_f64(0.0);
                    let big = crate::layout::max_component(&rh);
                    if big > zero && big.is_finite() {
                        let k = crate::lapack::numeric::floor_log2(big.to_f64());
                        rh.mapv_inplace(|x| crate::lapack::numeric::scale_pow2(x, -k));
                    }
                    geqrf(&mut rh)?;
                    trcon(&rh, m, Uplo::Upper)
                })
        };
        est.unwrap_or_else(|_| T::Real::nan())
    }

    /// Rebuilds `A = Q·R` (F-order) by applying the reflectors to `R` (for checks).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qr;
    /// let a = array![[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
    /// assert!((&Qr::new(&a)?.reconstruct() - &a).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let mut a = self.r_full();
        self.h
            .apply(Trans::No, &mut a)
            .expect("?ormqr on dimensions validated by the factorization");
        a
    }
}

/// Whether [`Qr`]'s least-squares solve also returns the residual norms.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Residual {
    Compute,
    Skip,
}

impl<T: Scalar> Solve<T> for Qr<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Qr::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        let b = rhs_matrix(&b, self.ncols(), "Qr::solve_adjoint: rows of b")?;
        self.solve_adjoint_impl(b)
    }
    fn rcond(&self) -> T::Real {
        Qr::rcond(self)
    }
}

/// QR factorization with column pivoting of any `m×n` matrix: `A·P = Q·R`.
///
/// At each step the remaining column of largest norm is moved forward (Businger–Golub, LAPACK
/// ?geqp3), so `|R₁₁| ≥ |R₂₂| ≥ …` and a numerically rank-deficient matrix shows small
/// trailing diagonal entries: [`rank`](ColPivQr::rank) counts the large ones. `P` is a
/// permutation ([`perm`](ColPivQr::perm) as indices, [`p`](ColPivQr::p) as a matrix).
///
/// Column pivoting is a good rank revealer in practice but **not a guaranteed one**: on Kahan's
/// matrix no column is moved and `|Rₙₙ|` overestimates the smallest singular value by orders of
/// magnitude (the crate's tests measure it: more than 10¹¹ for `n = 90`, `θ = 1.2`). Use the SVD
/// when the rank decision matters.
///
/// # Errors
/// [`Error::NonFinite`], [`Error::TooLarge`], [`Error::NumericalBreakdown`].
///
/// # Complexity
/// About the flops of [`Qr`] (≈ 2mn² − 2n³/3 for m ≥ n), with part of them in matrix-vector
/// rather than matrix-matrix products, so it is slower in practice.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgeqp3 | dgeqp3 | cgeqp3 | zgeqp3 |
///
/// companions: ?orgqr/?ungqr (form Q), ?ormqr/?unmqr (apply Q or Qᴴ).
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// // Third column = first + second: rank 2.
/// let a = array![[1.0f64, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0], [2.0, 0.0, 2.0]];
/// let qr = ColPivQr::new(&a)?;
/// assert_eq!(qr.rank(None)?, 2);
/// assert!((&qr.reconstruct() - &a).iter().all(|d| d.abs() < 1e-14));
/// let ap = a.dot(&qr.p());
/// assert!((&ap - &qr.q().dot(&qr.r())).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ColPivQr<T: Scalar> {
    h: Householder<T>,
    /// LAPACK's 1-based JPVT: column `j` of `A·P` is column `jpvt[j]` of `A`.
    jpvt: Vec<BlasInt>,
}

impl<T: Scalar> ColPivQr<T> {
    /// Factors an `m×n` matrix given as any 2-D array or view; the input is copied once.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let qr = ColPivQr::new(&array![[1.0f64, 10.0], [0.0, 0.0]])?;
    /// assert_eq!(qr.perm(), vec![1, 0]); // the larger column first
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::factor(validated(a)?.0)
    }

    /// Factors an owned matrix, reusing its buffer when it is already F-contiguous.
    ///
    /// ```
    /// # use ndarray::{array, Array2, ShapeBuilder};
    /// # use ndfactor::ColPivQr;
    /// let mut a = Array2::<f64>::zeros((2, 2).f());
    /// a.assign(&array![[1.0f64, 2.0], [2.0, 4.0]]);
    /// assert_eq!(ColPivQr::from_owned(a)?.rank(None)?, 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        Self::factor(validated_owned(a)?.0)
    }

    fn factor(mut a: Array2<T>) -> Result<Self> {
        let (jpvt, tau) = geqp3(&mut a)?;
        Ok(ColPivQr {
            h: Householder { factors: a, tau },
            jpvt,
        })
    }

    /// Rows `m` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::ColPivQr;
    /// assert_eq!(ColPivQr::new(&ndarray::Array2::<f64>::zeros((5, 2)))?.nrows(), 5);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn nrows(&self) -> usize {
        self.h.dim().0
    }

    /// Columns `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::ColPivQr;
    /// assert_eq!(ColPivQr::new(&ndarray::Array2::<f64>::zeros((5, 2)))?.ncols(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ncols(&self) -> usize {
        self.h.dim().1
    }

    /// The thin `Q` (`m×min(m, n)`, orthonormal columns).
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::ColPivQr;
    /// let q = ColPivQr::new(&array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]])?.q();
    /// assert!((&q.t().dot(&q) - &Array2::<f64>::eye(2)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q(&self) -> Array2<T> {
        self.h
            .q_cols(self.h.k())
            .expect("?orgqr on dimensions validated by the factorization")
    }

    /// The full `m×m` unitary `Q`.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when `m×m` exceeds LAPACK's 32-bit sizes.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let qr = ColPivQr::new(&array![[1.0f64], [2.0]])?;
    /// assert_eq!(qr.q_full()?.dim(), (2, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q_full(&self) -> Result<Array2<T>> {
        self.h.q_cols(self.nrows())
    }

    /// The thin `R` (`min(m, n)×n`, upper trapezoidal, `|R₁₁| ≥ |R₂₂| ≥ …`).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let r = ColPivQr::new(&array![[1.0f64, 3.0], [0.0, 4.0]])?.r();
    /// assert!((r[(0, 0)].abs() - 5.0).abs() < 1e-15);
    /// assert!(r[(0, 0)].abs() >= r[(1, 1)].abs());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r(&self) -> Array2<T> {
        self.h.r_rows(self.h.k())
    }

    /// The full `R` (`m×n`): the thin `R` followed by zero rows.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// assert_eq!(ColPivQr::new(&array![[1.0f64], [2.0]])?.r_full().dim(), (2, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r_full(&self) -> Array2<T> {
        self.h.r_rows(self.nrows())
    }

    /// LAPACK's compact storage of the factorization of `A·P` (see [`Qr::factors`]).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// assert_eq!(ColPivQr::new(&array![[2.0f64]])?.factors()[(0, 0)].abs(), 2.0); // exact: a 1×1 reflector is the identity (τ = 0)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> ArrayView2<'_, T> {
        self.h.factors.view()
    }

    /// The `min(m, n)` Householder scalars (see [`Qr::tau`]).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// assert_eq!(ColPivQr::new(&array![[1.0f64, 2.0]])?.tau().len(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn tau(&self) -> &[T] {
        &self.h.tau
    }

    /// The column permutation as indices: column `j` of `A·P` is column `perm()[j]` of `A`.
    ///
    /// ```
    /// # use ndarray::{array, Axis};
    /// # use ndfactor::ColPivQr;
    /// let a = array![[1.0f64, 5.0, 2.0], [0.0, 1.0, 0.0]];
    /// let qr = ColPivQr::new(&a)?;
    /// assert_eq!(qr.perm()[0], 1);
    /// assert_eq!(a.select(Axis(1), &qr.perm()), a.dot(&qr.p()));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn perm(&self) -> Vec<usize> {
        self.jpvt.iter().map(|&p| p as usize - 1).collect()
    }

    /// The `n×n` permutation matrix `P` of `A·P = Q·R` (`P[perm[j], j] = 1`).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let p = ColPivQr::new(&array![[1.0f64, 10.0]])?.p();
    /// assert_eq!(p, array![[0.0f64, 1.0], [1.0, 0.0]]); // exact: a permutation
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn p(&self) -> Array2<T> {
        let n = self.ncols();
        let mut p = Array2::zeros((n, n).f());
        for (j, i) in self.perm().into_iter().enumerate() {
            p[(i, j)] = T::one();
        }
        p
    }

    /// The default tolerance of [`rank`](ColPivQr::rank): `max(m, n)·ε·|R₁₁|` (0 for an empty
    /// or zero matrix). `|R₁₁|` is the largest column norm of `A`, within `√n` of `‖A‖₂`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let tol = ColPivQr::new(&array![[3.0f64, 0.0], [4.0, 1.0]])?.default_tolerance();
    /// assert!((tol - 2.0 * f64::EPSILON * 5.0).abs() < 1e-30);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn default_tolerance(&self) -> T::Real {
        let (m, n) = self.h.dim();
        if self.h.k() == 0 {
            return T::Real::from_f64(0.0);
        }
        T::Real::from_f64(m.max(n) as f64) * T::eps() * self.h.factors[(0, 0)].abs()
    }

    /// Numerical rank: the number of leading diagonal entries of `R` with `|Rₖₖ| > tol`.
    /// `tol = None` uses [`default_tolerance`](ColPivQr::default_tolerance),
    /// `max(m, n)·ε·|R₁₁|`. Exactly rank-deficient matrices built in floating point are
    /// recovered with the default; see the type's documentation for matrices (Kahan's) on which
    /// column pivoting overestimates the rank.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for a negative or non-finite `tol`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let a = array![[1.0f64, 0.0], [0.0, 1e-10]];
    /// let qr = ColPivQr::new(&a)?;
    /// assert_eq!(qr.rank(None)?, 2);
    /// assert_eq!(qr.rank(Some(1e-8))?, 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self, tol: Option<T::Real>) -> Result<usize> {
        let tol = match tol {
            None => self.default_tolerance(),
            Some(t) if t.is_finite() && t >= T::Real::from_f64(0.0) => t,
            Some(t) => {
                return Err(Error::InvalidArgument {
                    reason: format!("rank tolerance must be finite and ≥ 0, got {t}"),
                })
            }
        };
        Ok((0..self.h.k())
            .take_while(|&i| self.h.factors[(i, i)].abs() > tol)
            .count())
    }

    /// `Q·C` without forming `Q`; `C` has `m` rows (full `Q`) or `min(m, n)` rows (thin `Q`).
    /// See [`Qr::apply_q`].
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`], [`Error::NonFinite`] in `C`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let qr = ColPivQr::new(&array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 7.0]])?;
    /// let c = array![1.0f64, -1.0];
    /// assert!((&qr.apply_q(&c)? - &qr.q().dot(&c)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply_q<S, D>(&self, c: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.h
            .apply_rhs(c, Trans::No, "ColPivQr::apply_q: rows of c")
    }

    /// `Qᴴ·C` without forming `Q`, for `C` with `m` rows. See [`Qr::apply_qh`].
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`], [`Error::NonFinite`] in `C`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 7.0]];
    /// let qr = ColPivQr::new(&a)?;
    /// let ap = a.dot(&qr.p());
    /// assert!((&qr.apply_qh(&ap)? - &qr.r_full()).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn apply_qh<S, D>(&self, c: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.h
            .apply_rhs(c, Trans::Adjoint, "ColPivQr::apply_qh: rows of c")
    }

    /// Rebuilds `A = Q·R·Pᵀ` (F-order) from the factors (for checks).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::ColPivQr;
    /// let a = array![[1.0f64, 5.0, 2.0], [0.0, 1.0, 3.0]];
    /// assert!((&ColPivQr::new(&a)?.reconstruct() - &a).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let mut qr = self.r_full();
        self.h
            .apply(Trans::No, &mut qr)
            .expect("?ormqr on dimensions validated by the factorization");
        let mut a = Array2::zeros((qr.nrows(), qr.ncols()).f());
        for (j, src) in self.perm().into_iter().enumerate() {
            a.column_mut(src).assign(&qr.column(j));
        }
        a
    }
}
