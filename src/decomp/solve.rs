//! The solve trait every solving factorization implements, and the conditioning report its
//! `rcond` turns into.

use std::fmt;

use ndarray::{Array, Array2, ArrayBase, ArrayView2, Data};

use super::band::{BandCholesky, BandLu, SpdTridiagonal};
use super::cholesky::Cholesky;
use super::ldlt::Ldlt;
use super::lu::Lu;
use super::qr::Qr;
use super::tridiag::TridiagonalLu;
use super::Rhs;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

/// The solves shared by every factorization that solves: [`Lu`], [`Cholesky`], [`Ldlt`],
/// [`Qr`] (least squares when tall, minimum norm when wide), [`BandLu`], [`BandCholesky`],
/// [`TridiagonalLu`], [`SpdTridiagonal`] and [`Factorization`](crate::Factorization), so
/// generic code (and the test harness) can treat them alike.
///
/// An implementation provides the matrix solves [`solve_matrix`](Solve::solve_matrix) (`A·X = B`)
/// and [`solve_adjoint_matrix`](Solve::solve_adjoint_matrix) (`Aᴴ·X = B`) and the reciprocal
/// condition estimate [`rcond`](Solve::rcond); the rest follows:
/// `Aᵀ·X = B ⇔ Aᴴ·conj(X) = conj(B)` gives [`solve_transpose`](Solve::solve_transpose),
/// [`Conditioning::from_rcond`] gives [`conditioning`](Solve::conditioning), and
/// [`solve_checked`](Solve::solve_checked) is a solve that refuses `rcond < ε`. The generic
/// methods (`solve`, `solve_transpose`, `solve_adjoint`, `solve_checked`) take a vector or a
/// matrix of right-hand sides and return the same dimensionality; they need a sized type, the
/// `*_matrix` methods and `rcond`/`conditioning` also work on `&dyn Solve<T>`.
///
/// Each factorization also has inherent `solve` (and, where LAPACK has them natively,
/// `solve_transpose`/`solve_adjoint`) and `rcond` methods with the same results, callable
/// without importing this trait.
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// fn solve_with<T: Scalar>(f: &dyn Solve<T>, b: &ndarray::Array2<T>) -> ndfactor::Result<ndarray::Array2<T>> {
///     f.solve_matrix(b.view())
/// }
/// let a = array![[4.0f64, 1.0], [1.0, 3.0]];
/// let b = array![[1.0f64], [2.0]];
/// let x1 = solve_with(&Lu::new(&a)?, &b)?;
/// let x2 = solve_with(&Cholesky::new(&a)?, &b)?;
/// assert!((&x1 - &x2).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub trait Solve<T: Scalar> {
    /// Solves `A·X = B` for a matrix of right-hand sides; the result is F-order.
    ///
    /// # Errors
    /// As the factorization's `solve`: [`Error::Singular`], [`Error::DimensionMismatch`],
    /// [`Error::NonFinite`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let x = Lu::new(&array![[2.0f64, 0.0], [0.0, 4.0]])?.solve_matrix(array![[2.0], [4.0]].view())?;
    /// assert_eq!(x, array![[1.0], [1.0]]); // exact: 2/2 and 4/4
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>>;

    /// Solves `Aᴴ·X = B` for a matrix of right-hand sides (for [`Qr`]: the
    /// minimum-norm solution when `Aᴴ` is wide, the least-squares one when it is tall).
    ///
    /// # Errors
    /// As [`solve_matrix`](Solve::solve_matrix).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let a = array![[1.0f64, 2.0], [0.0, 1.0]];
    /// let x = Lu::new(&a)?.solve_adjoint_matrix(array![[1.0], [4.0]].view())?;
    /// assert!((&a.t().dot(&x) - &array![[1.0], [4.0]]).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>>;

    /// Solves `Aᵀ·X = B` for a matrix of right-hand sides. The default conjugates:
    /// `X = conj(A⁻ᴴ·conj(B))` (no work for real types beyond one copy).
    ///
    /// # Errors
    /// As [`solve_matrix`](Solve::solve_matrix).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let a = array![[1.0f64, 2.0], [0.0, 1.0]];
    /// let x = Qr::new(&a)?.solve_transpose_matrix(array![[1.0], [4.0]].view())?;
    /// assert!((&a.t().dot(&x) - &array![[1.0], [4.0]]).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_transpose_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        let bc = b.mapv(|v| v.conj());
        Ok(self.solve_adjoint_matrix(bc.view())?.mapv(|v| v.conj()))
    }

    /// Estimate of the reciprocal condition number `1/κ(A)` in `[0, 1]` (the norm is the
    /// factorization's: the 1-norm for the LAPACK `?*con` estimators); 0 for an exactly
    /// singular matrix, NaN if the estimate failed.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let f: &dyn Solve<f64> = &Lu::new(&array![[1.0f64, 0.0], [0.0, 1e-3]])?;
    /// assert!((f.rcond() - 1e-3).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn rcond(&self) -> T::Real;

    /// Conditioning report from [`rcond`](Solve::rcond).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// use ndfactor::conditioning::Verdict;
    /// let f = array![[4.0f64, 1.0], [1.0, 3.0]].cholesky()?;
    /// assert_eq!(f.conditioning().verdict, Verdict::WellConditioned);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn conditioning(&self) -> Conditioning<T::Real> {
        Conditioning::from_rcond(self.rcond())
    }

    /// Solves `A·x = b` (`b` a vector) or `A·X = B` (a matrix of columns), like the inherent
    /// `solve` of each factorization.
    ///
    /// # Errors
    /// As [`solve_matrix`](Solve::solve_matrix).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// fn solve_any<F: Solve<f64>>(f: &F) -> ndfactor::Result<ndarray::Array1<f64>> {
    ///     f.solve(&array![2.0, 4.0])
    /// }
    /// let x = solve_any(&Ldlt::new(&array![[2.0f64, 0.0], [0.0, 4.0]])?)?;
    /// assert_eq!(x, array![1.0, 1.0]); // exact: 2/2 and 4/4
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        Self: Sized,
        S: Data<Elem = T>,
        D: Rhs,
    {
        Ok(D::from_matrix(self.solve_matrix(D::to_matrix(b).view())?))
    }

    /// Solves `Aᵀ·x = b` (vector or matrix right-hand side).
    ///
    /// # Errors
    /// As [`solve_matrix`](Solve::solve_matrix).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let a = array![[4.0f64, 1.0], [2.0, 3.0]];
    /// let x = Solve::solve_transpose(&Qr::new(&a)?, &array![1.0, 4.0])?;
    /// assert!((&a.t().dot(&x) - &array![1.0, 4.0]).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_transpose<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        Self: Sized,
        S: Data<Elem = T>,
        D: Rhs,
    {
        Ok(D::from_matrix(
            self.solve_transpose_matrix(D::to_matrix(b).view())?,
        ))
    }

    /// Solves `Aᴴ·x = b` (vector or matrix right-hand side).
    ///
    /// # Errors
    /// As [`solve_matrix`](Solve::solve_matrix).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let a = array![[4.0f64, 1.0], [1.0, 3.0]];
    /// let x = Solve::solve_adjoint(&a.cholesky()?, &array![1.0, 4.0])?;
    /// assert!((&a.t().dot(&x) - &array![1.0, 4.0]).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_adjoint<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        Self: Sized,
        S: Data<Elem = T>,
        D: Rhs,
    {
        Ok(D::from_matrix(
            self.solve_adjoint_matrix(D::to_matrix(b).view())?,
        ))
    }

    /// Solves like `solve`, but refuses an ill-conditioned matrix: [`Error::IllConditioned`]
    /// when `rcond < ε` (machine epsilon of the scalar type; MATLAB's and SciPy's warning
    /// rule) or `rcond` is NaN. See [`solve_checked_with`](Solve::solve_checked_with).
    ///
    /// # Errors
    /// As `solve` (exact singularity stays [`Error::Singular`]), and
    /// [`Error::IllConditioned`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let f = array![[4.0f64, 1.0], [1.0, 3.0]].lu()?;
    /// let x = f.solve_checked(&array![1.0, 1.0])?;
    /// assert_eq!(x.len(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_checked<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        Self: Sized,
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.solve_checked_with(b, T::eps())
    }

    /// Solves, refusing with [`Error::IllConditioned`] when `rcond < threshold` (or NaN).
    /// `threshold = 0` only refuses NaN estimates. The right-hand side is checked (and
    /// exact singularity reported) before the conditioning.
    ///
    /// # Errors
    /// As `solve`, [`Error::IllConditioned`], and [`Error::InvalidArgument`] for a
    /// negative or non-finite threshold.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::prelude::*;
    /// let f = Ldlt::new(&array![[4.0f64, 1.0], [1.0, -3.0]])?;
    /// assert!(f.solve_checked_with(&array![1.0, 1.0], 0.9).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    fn solve_checked_with<S, D>(
        &self,
        b: &ArrayBase<S, D>,
        threshold: T::Real,
    ) -> Result<Array<T, D>>
    where
        Self: Sized,
        S: Data<Elem = T>,
        D: Rhs,
    {
        let x = Solve::solve(self, b)?;
        check(self.rcond(), threshold)?;
        Ok(x)
    }
}

// Inherent forwards of the trait's conditioning methods, so that code calling
// `lu.solve_checked(&b)` without `Solve` in scope keeps compiling. The policy lives once, in
// the trait's default methods.
macro_rules! forward_to_solve {
    ($ty:ident, $name:literal, $example:literal) => {
        impl<T: Scalar> $ty<T> {
            #[doc = concat!("Conditioning report from [`rcond`](", $name, "::rcond); the same as [`Solve::conditioning`].")]
            ///
            /// ```
            /// # use ndarray::array;
            /// # use ndfactor::prelude::*;
            /// use ndfactor::conditioning::Verdict;
            #[doc = $example]
            /// assert_eq!(f.conditioning().verdict, Verdict::WellConditioned);
            /// # Ok::<(), ndfactor::Error>(())
            /// ```
            pub fn conditioning(&self) -> Conditioning<T::Real> {
                Solve::conditioning(self)
            }

            /// Solves like `solve`, but refuses an ill-conditioned matrix: [`Error::IllConditioned`]
            /// when `rcond < ε` (machine epsilon of the scalar type; MATLAB's and SciPy's warning
            /// rule) or `rcond` is NaN; the same as [`Solve::solve_checked`]. See
            /// [`solve_checked_with`](Self::solve_checked_with).
            ///
            /// # Errors
            /// As `solve` (exact singularity stays [`Error::Singular`]), and
            /// [`Error::IllConditioned`].
            ///
            /// ```
            /// # use ndarray::array;
            /// # use ndfactor::prelude::*;
            #[doc = $example]
            /// let x = f.solve_checked(&array![1.0, 1.0])?;
            /// assert_eq!(x.len(), 2);
            /// # Ok::<(), ndfactor::Error>(())
            /// ```
            pub fn solve_checked<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
            where
                S: Data<Elem = T>,
                D: Rhs,
            {
                Solve::solve_checked(self, b)
            }

            /// Solves, refusing with [`Error::IllConditioned`] when `rcond < threshold` (or NaN); the
            /// same as [`Solve::solve_checked_with`].
            /// `threshold = 0` only refuses NaN estimates. The right-hand side is checked (and
            /// exact singularity reported) before the conditioning.
            ///
            /// # Errors
            /// As `solve`, [`Error::IllConditioned`], and [`Error::InvalidArgument`] for a
            /// negative or non-finite threshold.
            ///
            /// ```
            /// # use ndarray::array;
            /// # use ndfactor::prelude::*;
            #[doc = $example]
            /// assert!(f.solve_checked_with(&array![1.0, 1.0], 0.9).is_err());
            /// # Ok::<(), ndfactor::Error>(())
            /// ```
            pub fn solve_checked_with<S, D>(
                &self,
                b: &ArrayBase<S, D>,
                threshold: T::Real,
            ) -> Result<Array<T, D>>
            where
                S: Data<Elem = T>,
                D: Rhs,
            {
                Solve::solve_checked_with(self, b, threshold)
            }
        }
    };
}

forward_to_solve!(Lu, "Lu", "let f = array![[4.0f64, 1.0], [1.0, 3.0]].lu()?;");
forward_to_solve!(
    Cholesky,
    "Cholesky",
    "let f = array![[4.0f64, 1.0], [1.0, 3.0]].cholesky()?;"
);
forward_to_solve!(
    Ldlt,
    "Ldlt",
    "let f = Ldlt::new(&array![[4.0f64, 1.0], [1.0, -3.0]])?;"
);
forward_to_solve!(
    TridiagonalLu,
    "TridiagonalLu",
    "let f = TridiagonalLu::from_matrix(&array![[4.0f64, 1.0], [1.0, 3.0]])?;"
);
forward_to_solve!(
    BandLu,
    "BandLu",
    "let f = BandLu::new(&BandMatrix::from_dense(&array![[4.0f64, 1.0], [1.0, 3.0]], 1, 1)?)?;"
);
forward_to_solve!(
    BandCholesky,
    "BandCholesky",
    "let f = BandCholesky::from_ab(&array![[4.0f64, 3.0], [1.0, 0.0]], Uplo::Lower)?;"
);
forward_to_solve!(
    SpdTridiagonal,
    "SpdTridiagonal",
    "let f = SpdTridiagonal::<f64>::new(&array![4.0, 3.0], &array![1.0])?;"
);
forward_to_solve!(
    Qr,
    "Qr",
    "let f = Qr::new(&array![[4.0f64, 1.0], [1.0, 3.0]])?;"
);

/// What a reciprocal condition number means for solving with the matrix.
///
/// The rule, with `ε` the machine epsilon of the scalar type:
/// - [`NumericallySingular`](Verdict::NumericallySingular) when `rcond < ε`, `rcond = 0` or
///   `rcond` is NaN: a solve may have no correct digits;
/// - [`IllConditioned`](Verdict::IllConditioned) when `ε ≤ rcond < √ε`: more than half of the
///   digits may be lost;
/// - [`WellConditioned`](Verdict::WellConditioned) when `rcond ≥ √ε`.
///
/// ```
/// use ndfactor::conditioning::{Conditioning, Verdict};
/// assert_eq!(Conditioning::<f64>::from_rcond(0.5).verdict, Verdict::WellConditioned);
/// assert_eq!(Conditioning::<f64>::from_rcond(1e-12).verdict, Verdict::IllConditioned);
/// assert_eq!(Conditioning::<f64>::from_rcond(1e-17).verdict, Verdict::NumericallySingular);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// `rcond ≥ √ε`.
    WellConditioned,
    /// `ε ≤ rcond < √ε`.
    IllConditioned,
    /// `rcond < ε`, zero or NaN.
    NumericallySingular,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::WellConditioned => "well conditioned",
            Verdict::IllConditioned => "ill conditioned",
            Verdict::NumericallySingular => "numerically singular",
        })
    }
}

/// A conditioning report derived from a reciprocal condition number.
///
/// `condition_number = 1/rcond` (`+∞` when `rcond = 0`, NaN when `rcond` is NaN),
/// `digits_lost = log₁₀ κ` clamped to `≥ 0` (`+∞` for a singular matrix), and the [`Verdict`].
/// The norm is the one the `rcond` came from: the 1-norm for [`Lu`], [`Cholesky`], [`Ldlt`]
/// and [`Qr`] (estimates, within a small factor of the truth), the 2-norm for
/// [`Svd`](crate::Svd) (exact).
///
/// ```
/// use ndfactor::conditioning::Conditioning;
/// let c = Conditioning::<f64>::from_rcond(1e-4);
/// assert!((c.condition_number - 1e4).abs() < 1e-8);
/// assert!(c.to_string().contains("well conditioned"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditioning<R> {
    /// Reciprocal condition number `1/κ`, in `[0, 1]` (NaN if the estimate failed).
    pub rcond: R,
    /// `κ = 1/rcond`.
    pub condition_number: R,
    /// `log₁₀ κ`, clamped to `≥ 0`: decimal digits a solve may lose.
    pub digits_lost: R,
    /// The classification of [`Verdict`].
    pub verdict: Verdict,
}

impl<R: RealScalar> Conditioning<R> {
    /// Builds the report from `rcond` with the rule documented on [`Verdict`].
    ///
    /// ```
    /// use ndfactor::conditioning::{Conditioning, Verdict};
    /// let c = Conditioning::<f32>::from_rcond(0.0);
    /// assert_eq!(c.condition_number, f32::INFINITY); // exact: 1/0 is ∞ in IEEE arithmetic
    /// assert_eq!(c.verdict, Verdict::NumericallySingular);
    /// ```
    pub fn from_rcond(rcond: R) -> Self {
        let zero = R::from_f64(0.0);
        let one = R::from_f64(1.0);
        let eps = R::epsilon();
        let condition_number = if rcond.is_nan() {
            R::nan()
        } else if rcond == zero {
            // Exact: the ?gecon family returns exactly 0 for a zero pivot (or zero norm).
            R::infinity()
        } else {
            one / rcond
        };
        let digits_lost = if condition_number.is_nan() {
            R::nan()
        } else {
            condition_number.log10().max(zero)
        };
        let verdict = if rcond.is_nan() || rcond < eps || rcond == zero {
            Verdict::NumericallySingular
        } else if rcond < eps.sqrt() {
            Verdict::IllConditioned
        } else {
            Verdict::WellConditioned
        };
        Conditioning {
            rcond,
            condition_number,
            digits_lost,
            verdict,
        }
    }
}

impl<R: RealScalar> fmt::Display for Conditioning<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rcond = {:.3e}, condition number = {:.3e}, about {:.1} digits lost",
            self.verdict,
            self.rcond.to_f64(),
            self.condition_number.to_f64(),
            self.digits_lost.to_f64()
        )
    }
}

/// Validates a user threshold and compares: `Err(IllConditioned)` when `rcond < threshold` or
/// `rcond` is NaN.
fn check<R: RealScalar>(rcond: R, threshold: R) -> Result<()> {
    if !threshold.is_finite() || threshold < R::from_f64(0.0) {
        return Err(Error::InvalidArgument {
            reason: format!("rcond threshold must be finite and ≥ 0, got {threshold}"),
        });
    }
    if rcond.is_nan() || rcond < threshold {
        return Err(Error::IllConditioned {
            rcond: rcond.to_f64(),
            threshold: threshold.to_f64(),
        });
    }
    Ok(())
}
