//! Cholesky of nearly positive definite matrices by a diagonal shift `A + τ·I` (opt-in).

use ndarray::{ArrayBase, Data, Ix2};

use crate::decomp::cholesky::Cholesky;
use crate::error::{Error, Result};
use crate::lapack::norm::{lan_symmetric, Norm};
use crate::lapack::Uplo;
use crate::layout::{check_dims, check_finite_triangle, check_square, triangle_to_col_major};
use crate::scalar::{RealScalar, Scalar};

/// Largest number of shifted attempts (including the unshifted one) before giving up.
pub const MAX_SHIFT_ATTEMPTS: usize = 60;

/// The Cholesky factorization of `A + τ·I` for the smallest power-of-ten multiple `τ` of a
/// rounding-level starting shift that makes `A + τ·I` numerically positive definite.
///
/// Built by [`Cholesky::with_shift`]. Meant for matrices that are positive (semi)definite in
/// exact arithmetic but fail ?potrf through rounding (Gram and covariance matrices of
/// rank-deficient data, kernel matrices, symmetrised estimates with tiny negative eigenvalues).
/// The shift is **a modification of the problem**: always look at
/// [`shift`](ShiftedCholesky::shift) and [`relative_perturbation`](ShiftedCholesky::relative_perturbation)
/// before trusting solves with the factor.
///
/// # The shift rule
/// 1. Try plain Cholesky (`τ = 0`). If it succeeds, `shift() == 0`.
/// 2. Otherwise start with `τ₀ = max(n·ε·‖A‖₁, smallest positive normal)`. `n·ε·‖A‖₁` is the size
///    of Cholesky's own backward error bound, so `τ₀` perturbs `A` no more than rounding already
///    may; PSD matrices that failed only through rounding usually succeed at `τ₀` or `10·τ₀`.
/// 3. Multiply `τ` by 10 until ?potrf succeeds. Because `λ_min(A) ≥ −‖A‖₂ ≥ −‖A‖₁`, success is
///    guaranteed once `τ > ‖A‖₁` (up to rounding), i.e. after about `log₁₀(1/(nε)) + 2`
///    attempts (≈ 17 in `f64`, 9 in `f32`); the cap is [`MAX_SHIFT_ATTEMPTS`].
///
/// The final `τ` satisfies `τ ≤ 10·(|λ_min(A)| + c·τ₀)` with a modest `c`: it overestimates the
/// minimal shift by at most a factor of 10.
///
/// # Errors
/// [`Error::NotPositiveDefinite`] of the last attempt if no shift up to the cap succeeded (only
/// possible when `τ` overflows), [`Error::NumericalBreakdown`] when `A + τ·I` overflows (entries
/// near the largest float), plus the errors of [`Cholesky::new`]
/// ([`Error::NotSquare`], [`Error::NonFinite`] in the lower triangle, [`Error::TooLarge`]).
///
/// # Complexity
/// `n³/3` flops per attempt; at most ≈ 17 attempts in `f64`.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | spotrf | dpotrf | cpotrf | zpotrf |
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Cholesky};
/// // A rank-one Gram matrix: PSD, singular, and not positive definite for ?potrf.
/// let a = array![[1.0f64, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]];
/// assert!(Cholesky::new(&a).is_err());
/// let sc = Cholesky::with_shift(&a)?;
/// assert!(sc.shift() > 0.0 && sc.relative_perturbation() < 1e-12);
/// let shifted = &a + &(ndarray::Array2::<f64>::eye(3) * sc.shift());
/// assert!(verify::cholesky_ratio(&shifted, sc.cholesky()) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ShiftedCholesky<T: Scalar> {
    cholesky: Cholesky<T>,
    shift: T::Real,
    anorm: T::Real,
    attempts: usize,
}

impl<T: Scalar> Cholesky<T> {
    /// Cholesky of `A + τ·I` with the smallest `τ ∈ {0} ∪ {10ᵏ·τ₀}` for which ?potrf succeeds
    /// (see [`ShiftedCholesky`] for the rule). Reads the lower triangle only.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Cholesky;
    /// let spd = array![[4.0f64, 1.0], [1.0, 3.0]];
    /// let sc = Cholesky::with_shift(&spd)?;
    /// assert_eq!((sc.shift(), sc.attempts()), (0.0, 1)); // exact: no shift was tried
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_shift<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<ShiftedCholesky<T>> {
        let n = check_square(a)?;
        check_dims(n, n)?;
        check_finite_triangle(a, Uplo::Lower)?;
        let base = triangle_to_col_major(a, Uplo::Lower);
        let anorm = lan_symmetric(Norm::One, &base, Uplo::Lower, true)?;
        let mut last = match Cholesky::from_owned(base.clone()) {
            Ok(cholesky) => {
                return Ok(ShiftedCholesky {
                    cholesky,
                    shift: T::Real::from_f64(0.0),
                    anorm,
                    attempts: 1,
                })
            }
            Err(e @ Error::NotPositiveDefinite { .. }) => e,
            Err(e) => return Err(e),
        };
        let nr = T::Real::from_f64(n as f64);
        let mut tau = (nr * T::eps() * anorm).max(T::Real::min_positive_value());
        for attempt in 2..=MAX_SHIFT_ATTEMPTS {
            if !tau.is_finite() {
                break;
            }
            let mut b = base.clone();
            for i in 0..n {
                b[(i, i)] += T::from_real(tau);
            }
            // Near ±f64::MAX the shifted diagonal itself overflows: A + τ·I is not
            // representable, which is not a non-finite input.
            if !(0..n).all(|i| b[(i, i)].is_finite()) {
                return Err(Error::NumericalBreakdown {
                    routine: "Cholesky::with_shift",
                });
            }
            match Cholesky::from_owned(b) {
                Ok(cholesky) => {
                    return Ok(ShiftedCholesky {
                        cholesky,
                        shift: tau,
                        anorm,
                        attempts: attempt,
                    })
                }
                Err(e @ Error::NotPositiveDefinite { .. }) => last = e,
                Err(e) => return Err(e),
            }
            tau *= T::Real::from_f64(10.0);
        }
        Err(last)
    }
}

impl<T: Scalar> ShiftedCholesky<T> {
    /// The Cholesky factorization of `A + τ·I`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Cholesky;
    /// let sc = Cholesky::with_shift(&array![[1.0f64, 1.0], [1.0, 1.0]])?;
    /// let l = sc.cholesky().l();
    /// let r = &l.dot(&l.t()) - &array![[1.0 + sc.shift(), 1.0], [1.0, 1.0 + sc.shift()]];
    /// assert!(r.iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn cholesky(&self) -> &Cholesky<T> {
        &self.cholesky
    }

    /// Consumes the result and returns the Cholesky factorization of `A + τ·I`.
    ///
    /// ```
    /// use ndfactor::Cholesky;
    /// let ch = Cholesky::with_shift(&ndarray::Array2::<f64>::eye(2))?.into_cholesky();
    /// assert_eq!(ch.det(), 1.0); // exact: the factor of I is I
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn into_cholesky(self) -> Cholesky<T> {
        self.cholesky
    }

    /// The shift `τ ≥ 0` added to the diagonal (0 when `A` itself factored).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Cholesky;
    /// let sc = Cholesky::with_shift(&array![[1.0f64, 0.0], [0.0, -1e-20]])?;
    /// assert!(sc.shift() > 1e-20 && sc.shift() < 1e-13);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn shift(&self) -> T::Real {
        self.shift
    }

    /// `τ / ‖A‖₁ = ‖τ·I‖₁ / ‖A‖₁`, the relative size of the perturbation in the 1-norm (0 when
    /// `τ = 0`, +∞ when `A = 0` and `τ > 0`). Since `‖A‖₂ ≤ ‖A‖₁` for Hermitian `A`, this is a
    /// lower bound for the 2-norm relative perturbation `τ/‖A‖₂`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Cholesky;
    /// let sc = Cholesky::with_shift(&array![[2.0f64, 2.0], [2.0, 2.0]])?;
    /// assert!(sc.relative_perturbation() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn relative_perturbation(&self) -> T::Real {
        let zero = T::Real::from_f64(0.0);
        if self.shift == zero {
            zero
        } else if self.anorm == zero {
            T::Real::infinity()
        } else {
            self.shift / self.anorm
        }
    }

    /// Number of ?potrf calls made (1 when no shift was needed).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Cholesky;
    /// let sc = Cholesky::with_shift(&array![[1.0f64, 1.0], [1.0, 1.0]])?;
    /// assert!(sc.attempts() >= 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn attempts(&self) -> usize {
        self.attempts
    }
}
