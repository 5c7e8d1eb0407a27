//! Conditioning reports and checked solves.
//!
//! [`Conditioning`] turns a reciprocal condition number `rcond = 1/κ` into the quantities a user
//! acts on: `κ`, the number of decimal digits a solve can lose (`log₁₀ κ`), and a [`Verdict`].
//! The `solve_checked` methods on [`Lu`], [`Cholesky`], [`Ldlt`] and [`Qr`] refuse to return a
//! solution when `rcond` is below a threshold (by default `ε` of the scalar type: the rule behind
//! MATLAB's "Matrix is close to singular" warning and SciPy's `LinAlgWarning`).
//!
//! ```
//! use ndarray::array;
//! use ndfactor::prelude::*;
//! use ndfactor::cond::Verdict;
//! let lu = array![[1.0f64, 0.0], [0.0, 1e-10]].lu()?;
//! let c = lu.conditioning();
//! assert_eq!(c.verdict, Verdict::IllConditioned);
//! assert!((c.digits_lost - 10.0).abs() < 1e-6);
//! # Ok::<(), ndfactor::Error>(())
//! ```

use std::fmt;

use ndarray::{Array, ArrayBase, Data};

use crate::decomp::Rhs;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};
use crate::{BandCholesky, BandLu, Cholesky, Ldlt, Lu, Qr, SpdTridiagonal, Svd, TridiagonalLu};

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
/// use ndfactor::cond::{Conditioning, Verdict};
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
/// The norm is the one the `rcond` came from: the 1-norm for [`Lu`], [`Cholesky`], [`Ldlt`] and
/// [`Qr`] (estimates, within a small factor of the truth), the 2-norm for [`Svd`] (exact).
///
/// ```
/// use ndfactor::cond::Conditioning;
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
    /// use ndfactor::cond::{Conditioning, Verdict};
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

macro_rules! checked {
    ($ty:ident, $name:literal, $example:literal) => {
        impl<T: Scalar> $ty<T> {
            #[doc = concat!("Conditioning report from [`rcond`](", $name, "::rcond).")]
            ///
            /// ```
            /// # use ndarray::array;
            /// # use ndfactor::prelude::*;
            /// use ndfactor::cond::Verdict;
            #[doc = $example]
            /// assert_eq!(f.conditioning().verdict, Verdict::WellConditioned);
            /// # Ok::<(), ndfactor::Error>(())
            /// ```
            pub fn conditioning(&self) -> Conditioning<T::Real> {
                Conditioning::from_rcond(self.rcond())
            }

            /// Solves like `solve`, but refuses an ill-conditioned matrix: [`Error::IllConditioned`]
            /// when `rcond < ε` (machine epsilon of the scalar type; MATLAB's and SciPy's warning
            /// rule) or `rcond` is NaN. See [`solve_checked_with`](Self::solve_checked_with).
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
                let x = self.solve(b)?;
                check(self.rcond(), threshold)?;
                Ok(x)
            }
        }
    };
}

checked!(Lu, "Lu", "let f = array![[4.0f64, 1.0], [1.0, 3.0]].lu()?;");
checked!(
    Cholesky,
    "Cholesky",
    "let f = array![[4.0f64, 1.0], [1.0, 3.0]].cholesky()?;"
);
checked!(
    Ldlt,
    "Ldlt",
    "let f = Ldlt::new(&array![[4.0f64, 1.0], [1.0, -3.0]])?;"
);
checked!(
    TridiagonalLu,
    "TridiagonalLu",
    "let f = TridiagonalLu::from_matrix(&array![[4.0f64, 1.0], [1.0, 3.0]])?;"
);
checked!(
    BandLu,
    "BandLu",
    "let f = BandLu::new(&BandMatrix::from_dense(&array![[4.0f64, 1.0], [1.0, 3.0]], 1, 1)?)?;"
);
checked!(
    BandCholesky,
    "BandCholesky",
    "let f = BandCholesky::from_ab(&array![[4.0f64, 3.0], [1.0, 0.0]], Uplo::Lower)?;"
);
checked!(
    SpdTridiagonal,
    "SpdTridiagonal",
    "let f = SpdTridiagonal::<f64>::new(&array![4.0, 3.0], &array![1.0])?;"
);
checked!(
    Qr,
    "Qr",
    "let f = Qr::new(&array![[4.0f64, 1.0], [1.0, 3.0]])?;"
);

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
