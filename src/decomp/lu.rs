//! LU factorization with partial pivoting.

use ndarray::{Array, Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};

use super::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::lu::{gecon, getrf, getri, getrs};
use crate::lapack::numeric::{
    overflowed_norm1, renormalized_phase, scale_pow2, tiny_exponent, unit_phase,
};
use crate::lapack::BlasInt;
use crate::lapack::Trans;
use crate::layout::{
    check_dims, check_finite, check_square, into_col_major_checked, to_col_major,
    to_col_major_checked, Scan,
};
use crate::scalar::{RealScalar, Scalar};

/// LU factorization with partial (row) pivoting of a square matrix: `P·A = L·U`.
///
/// `L` is unit lower triangular, `U` upper triangular and `P` a permutation. This is Gaussian
/// elimination; use it to solve general square systems, for determinants and inverses, and to
/// estimate the condition number. For symmetric positive definite matrices [`Cholesky`] is
/// twice as fast; for symmetric indefinite ones use `Ldlt`.
///
/// An exactly singular matrix still factors (as in LAPACK, NumPy and SciPy): `det()` is 0,
/// `rcond()` is 0, [`singular_at`](Lu::singular_at) reports the first zero pivot, and `solve` /
/// `inverse` return [`Error::Singular`] with that pivot.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`] (checked before LAPACK is called),
/// [`Error::TooLarge`] (dimension beyond LAPACK's 32-bit integers), and
/// [`Error::NumericalBreakdown`] if LAPACK produces non-finite factors from finite input.
///
/// # Complexity
/// ≈ 2n³/3 flops to factor; each solve 2n² flops per right-hand side; `inverse` ≈ 4n³/3 more.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgetrf | dgetrf | cgetrf | zgetrf |
///
/// companions: ?getrs (solve), ?getri (inverse), ?gecon (rcond), ?lange (‖A‖₁ taken before
/// factoring).
///
/// | operation | method |
/// |---|---|
/// | solve `A·x = b`, `Aᵀ·x = b`, `Aᴴ·x = b` | [`solve`](Lu::solve), [`solve_transpose`](Lu::solve_transpose), [`solve_adjoint`](Lu::solve_adjoint) |
/// | determinant | [`det`](Lu::det), [`ln_abs_det`](Lu::ln_abs_det) |
/// | inverse | [`inverse`](Lu::inverse) |
/// | condition | [`rcond`](Lu::rcond) |
/// | factors | [`p`](Lu::p), [`l`](Lu::l), [`u`](Lu::u), [`perm`](Lu::perm), [`pivots`](Lu::pivots), [`reconstruct`](Lu::reconstruct) |
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
/// let lu = Lu::new(&a)?;
/// let b = array![1.0, 2.0, 3.0];
/// let x = lu.solve(&b)?;
/// let r = &a.dot(&x) - &b;
/// assert!(r.iter().all(|ri| ri.abs() <= 1e-14 * 6.0));
/// assert!((lu.det() - 67.0).abs() < 1e-12);
/// // P·A = L·U
/// assert!((&lu.p().dot(&a) - &lu.l().dot(&lu.u())).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
///
/// [`Cholesky`]: crate::Cholesky
#[derive(Debug, Clone)]
pub struct Lu<T: Scalar> {
    /// LAPACK's compact factors: strict lower part of L (unit diagonal implied) and U, F-order.
    factors: Array2<T>,
    /// LAPACK's 1-based row interchanges: row i was swapped with row ipiv[i].
    ipiv: Vec<BlasInt>,
    /// ‖A‖₁ of the input, taken before factoring (for ?gecon).
    anorm: T::Real,
    /// First exactly zero pivot (1-based), LAPACK's INFO > 0.
    singular_at: Option<usize>,
    /// The factors are those of `2^scale_exp · A` (0 unless A's entries are all tiny).
    scale_exp: i32,
    /// `(ν, k)` with ‖2^-k·A‖₁ = ν: `(anorm, 0)` unless ‖A‖₁ overflows (for ?gecon).
    rcond_norm: (T::Real, i32),
}

impl<T: Scalar> Lu<T> {
    /// Factors a square matrix given as any 2-D array or view; the input is copied once.
    ///
    /// ```
    /// use ndarray::{array, s};
    /// use ndfactor::Lu;
    /// let a = array![[0.0f64, 1.0], [2.0, 3.0]];
    /// let lu = Lu::new(&a.slice(s![..;-1, ..]))?; // rows reversed: a negative-stride view
    /// assert!((lu.det() - 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "lu_factor")]
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        let (f, scan) = to_col_major_checked(a)?;
        Self::factor(f, scan)
    }

    /// Factors an owned matrix, reusing its buffer when it is already F-contiguous (otherwise it
    /// is copied once, as in [`new`](Lu::new)).
    ///
    /// ```
    /// use ndarray::{array, Array2, ShapeBuilder};
    /// use ndfactor::Lu;
    /// let mut a = Array2::<f64>::zeros((2, 2).f());
    /// a.assign(&array![[1.0f64, 2.0], [3.0, 4.0]]);
    /// let lu = Lu::from_owned(a)?; // no copy
    /// assert!((lu.det() + 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        check_square(&a)?;
        check_dims(a.nrows(), a.ncols())?;
        let (f, scan) = into_col_major_checked(a)?;
        Self::factor(f, scan)
    }

    /// Factors the F-order copy `a` of a matrix that `to_col_major_checked` made, with its
    /// scan (the same result as [`new`](Lu::new) on the original).
    pub(crate) fn from_scanned(a: Array2<T>, scan: Scan<T::Real>) -> Result<Self> {
        check_square(&a)?;
        Self::factor(a, scan)
    }

    fn factor(mut a: Array2<T>, scan: Scan<T::Real>) -> Result<Self> {
        let anorm = scan.norm1;
        // OpenBLAS 0.3.21 ?getrf returns NaN with INFO = 0 on subnormal pivots, and complex
        // division by subnormal pivots overflows in the solves. A matrix whose entries are all
        // tiny is therefore factored as 2^k·A (an exact scaling that changes neither L nor the
        // pivots); solves, det and inverse undo the scaling.
        let rcond_norm = if anorm.is_finite() {
            (anorm, 0)
        } else {
            overflowed_norm1(&a)
        };
        let scale_exp = tiny_exponent::<T>(scan.amax).unwrap_or(0);
        if scale_exp != 0 {
            a.mapv_inplace(|x| scale_pow2(x, scale_exp));
        }
        let r = getrf(&mut a)?;
        Ok(Lu {
            factors: a,
            ipiv: r.ipiv,
            anorm,
            singular_at: r.singular_at,
            scale_exp,
            rcond_norm,
        })
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::Lu;
    /// assert_eq!(Lu::new(&ndarray::Array2::<f64>::eye(3))?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.factors.nrows()
    }

    /// First exactly zero pivot `U[k-1, k-1]` (1-based `k`, LAPACK's INFO), or `None`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let lu = Lu::new(&array![[1.0f64, 2.0], [2.0, 4.0]])?;
    /// assert_eq!(lu.singular_at(), Some(2));
    /// assert_eq!(lu.det(), 0.0); // exact: the second pivot is 4 − 2·2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_at(&self) -> Option<usize> {
        self.singular_at
    }

    /// `(2^k·A)·x = 2^k·b` has the same solution as `A·x = b`.
    fn scale_rhs(&self, b: &mut Array2<T>) {
        if self.scale_exp != 0 {
            let k = self.scale_exp;
            b.mapv_inplace(|x| scale_pow2(x, k));
        }
    }

    /// The factors are those of `2^k·A` with `k` = this exponent. It is 0 except for matrices
    /// whose entries are all below `√(smallest normal number)`, which are scaled exactly before
    /// factoring (OpenBLAS 0.3.21 returns NaN on subnormal pivots). [`u`](Lu::u), [`det`](Lu::det),
    /// solves and the inverse undo the scaling; [`factors`](Lu::factors) shows it.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[0.0, 1e-310f64], [1e-310, 0.0]];
    /// let lu = Lu::new(&a)?;
    /// assert!(lu.scale_exponent() > 1000);
    /// assert!((&lu.reconstruct() - &a).iter().all(|d| d.abs() < 1e-323));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scale_exponent(&self) -> i32 {
        self.scale_exp
    }

    fn check_nonsingular(&self) -> Result<()> {
        match self.singular_at {
            Some(index) => Err(Error::Singular { index }),
            None => Ok(()),
        }
    }

    fn solve_op<S, D>(&self, b: &ArrayBase<S, D>, trans: Trans) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "Lu::solve: rows of b")?;
        self.check_nonsingular()?;
        self.scale_rhs(&mut x);
        getrs(&self.factors, &self.ipiv, trans, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Solves `A·x = b` (`b` a vector) or `A·X = B` (`B` a matrix of columns).
    ///
    /// Does not check conditioning: an ill-conditioned but nonsingular `A` gives an answer whose
    /// error is about `1/rcond()` times the backward error. Check [`rcond`](Lu::rcond) when in doubt.
    ///
    /// # Errors
    /// [`Error::Singular`] for an exactly singular matrix, [`Error::DimensionMismatch`] when
    /// `b` does not have `n` rows, [`Error::NonFinite`] for NaN/∞ in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[3.0f64, 1.0], [1.0, 2.0]];
    /// let x = Lu::new(&a)?.solve(&array![9.0, 8.0])?;
    /// assert!((x[0] - 2.0).abs() < 1e-15 && (x[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.solve_op(b, Trans::No)
    }

    /// Solves `Aᵀ·x = b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[1.0f64, 2.0], [0.0, 1.0]];
    /// let x = Lu::new(&a)?.solve_transpose(&array![1.0, 4.0])?;
    /// assert!((&a.t().dot(&x) - &array![1.0, 4.0]).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve_transpose<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.solve_op(b, Trans::Transpose)
    }

    /// Solves `Aᴴ·x = b` (the same as [`solve_transpose`](Lu::solve_transpose) for real types).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{c64, Lu};
    /// let i = c64::new(0.0, 1.0);
    /// let a = array![[c64::new(1.0, 0.0), i], [c64::new(0.0, 0.0), c64::new(2.0, 0.0)]];
    /// let b = array![c64::new(1.0, 0.0), c64::new(1.0, 1.0)];
    /// let x = Lu::new(&a)?.solve_adjoint(&b)?;
    /// let ah = a.t().mapv(|z| z.conj());
    /// assert!((&ah.dot(&x) - &b).iter().all(|d| d.norm() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve_adjoint<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        self.solve_op(b, Trans::Adjoint)
    }

    /// Solves `A·X = B` overwriting `b`. An F-contiguous `b` is passed to LAPACK directly;
    /// otherwise it is copied in and out.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let lu = Lu::new(&array![[2.0f64, 0.0], [0.0, 4.0]])?;
    /// let mut b = array![[2.0f64], [4.0]];
    /// lu.solve_in_place(&mut b)?;
    /// assert_eq!(b, array![[1.0f64], [1.0]]); // exact: 2/2 and 4/4
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve_in_place(&self, b: &mut Array2<T>) -> Result<()> {
        if b.nrows() != self.n() {
            return Err(Error::DimensionMismatch {
                operation: "Lu::solve_in_place: rows of b",
                expected: self.n(),
                found: b.nrows(),
            });
        }
        check_finite(b)?;
        self.check_nonsingular()?;
        if b.t().is_standard_layout() {
            self.scale_rhs(b);
            return getrs(&self.factors, &self.ipiv, Trans::No, b);
        }
        let mut x = to_col_major(b);
        self.scale_rhs(&mut x);
        getrs(&self.factors, &self.ipiv, Trans::No, &mut x)?;
        b.assign(&x);
        Ok(())
    }

    /// Determinant: the product of U's diagonal times the permutation's sign (0 when singular,
    /// 1 for a 0×0 matrix). Can overflow to ±∞ for large matrices; use
    /// [`ln_abs_det`](Lu::ln_abs_det) then.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// assert!((Lu::new(&array![[0.0f64, 2.0], [3.0, 1.0]])?.det() + 6.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T {
        if self.singular_at.is_some() {
            return T::zero();
        }
        let swaps = self
            .ipiv
            .iter()
            .enumerate()
            .filter(|&(i, &p)| p as usize != i + 1)
            .count();
        let pivots = (0..self.n()).map(|i| scale_pow2(self.factors[(i, i)], -self.scale_exp));
        let d = crate::lapack::numeric::det_product(pivots);
        if swaps % 2 == 1 {
            -d
        } else {
            d
        }
    }

    /// Sign and logarithm of the absolute determinant, `det = sign·exp(ln_abs)`, without overflow.
    ///
    /// `sign` is ±1 for real types and a unit-modulus number for complex ones; for a singular
    /// matrix it is 0 and `ln_abs` is −∞. A 0×0 matrix gives `(1, 0)`.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::Lu;
    /// let a = Array2::<f64>::eye(200) * 1e300; // det = 1e60000 overflows
    /// let (sign, ln) = Lu::new(&a)?.ln_abs_det();
    /// assert_eq!(sign, 1.0); // exact: the sign of a real determinant is a product of ±1
    /// assert!((ln - 200.0 * 1e300f64.ln()).abs() < 1e-9 * ln);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "slogdet")]
    pub fn ln_abs_det(&self) -> (T, T::Real) {
        let zero = T::Real::from_f64(0.0);
        let mut sign = T::one();
        let mut ln = zero;
        for (i, &p) in self.ipiv.iter().enumerate() {
            let u = self.factors[(i, i)];
            let m = u.abs();
            // Exact: ?getrf reports singularity by an exactly zero pivot.
            if m == zero {
                return (T::zero(), T::Real::neg_infinity());
            }
            ln += m.ln();
            sign *= unit_phase(u);
            if p as usize != i + 1 {
                sign = -sign;
            }
        }
        let sign = renormalized_phase(sign);
        let k = T::Real::from_f64(f64::from(self.scale_exp) * self.n() as f64);
        (sign, ln - k * T::Real::from_f64(std::f64::consts::LN_2))
    }

    /// Inverse `A⁻¹` (F-order). Prefer [`solve`](Lu::solve) for systems: it is cheaper and more
    /// accurate.
    ///
    /// # Errors
    /// [`Error::Singular`] with the zero pivot.
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::Lu;
    /// let a = array![[4.0f64, 7.0], [2.0, 6.0]];
    /// let inv = Lu::new(&a)?.inverse()?;
    /// assert!((&a.dot(&inv) - &Array2::<f64>::eye(2)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn inverse(&self) -> Result<Array2<T>> {
        self.check_nonsingular()?;
        self.inverse_in(self.factors.clone())
    }

    /// [`inverse`](Lu::inverse), consuming the factorization: the inverse overwrites the
    /// factors' buffer instead of a copy of it (`?getri` works in place).
    ///
    /// # Errors
    /// As [`inverse`](Lu::inverse).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let inv = Lu::new(&array![[2.0f64, 0.0], [0.0, 4.0]])?.into_inverse()?;
    /// assert_eq!(inv, array![[0.5, 0.0], [0.0, 0.25]]); // exact: reciprocals of powers of two
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn into_inverse(mut self) -> Result<Array2<T>> {
        self.check_nonsingular()?;
        let factors = std::mem::take(&mut self.factors);
        self.inverse_in(factors)
    }

    /// Overwrites `inv`, a copy of the factors, with `A⁻¹`.
    fn inverse_in(&self, mut inv: Array2<T>) -> Result<Array2<T>> {
        getri(&mut inv, &self.ipiv)?;
        // (2^k·A)⁻¹ = 2^-k·A⁻¹
        self.scale_rhs(&mut inv);
        // Undoing the scaling can overflow an inverse that getri returned finite.
        if !inv.iter().all(|v| v.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "Lu::inverse",
            });
        }
        Ok(inv)
    }

    /// Reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` estimated by ?gecon (within a factor of
    /// about 10, never above the truth by more than rounding). 0 for a singular matrix, 1 for a
    /// 0×0 one. Values below [`Scalar::eps`] mean the matrix is singular to working precision.
    ///
    /// ‖A‖₁ is taken from the input before factoring, not from the factors.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[1.0f64, 0.0], [0.0, 1e-10]]; // κ₁ = 1e10
    /// let rc = Lu::new(&a)?.rcond();
    /// assert!((rc - 1e-10).abs() < 1e-20);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        if self.singular_at.is_some() {
            return T::Real::from_f64(0.0);
        }
        let (norm, k) = self.rcond_norm;
        if k != 0 {
            // ‖A‖₁ overflows (?gecon then returns NaN): rcond is scale invariant, and
            // 2^-k·A = L·(2^-k·U), so estimate it from the scaled U and ‖2^-k·A‖₁.
            let mut f = self.factors.clone();
            for j in 0..f.ncols() {
                for i in 0..=j.min(f.nrows() - 1) {
                    f[(i, j)] = scale_pow2(f[(i, j)], -k);
                }
            }
            return gecon(&f, norm).unwrap_or_else(|_| T::Real::nan());
        }
        let anorm = scale_pow2(T::from_real(self.anorm), self.scale_exp).re();
        gecon(&self.factors, anorm).unwrap_or_else(|_| T::Real::nan())
    }

    /// ‖A‖₁ of the factored matrix (maximum column sum), recorded before factoring.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// assert_eq!(Lu::new(&array![[1.0f64, -4.0], [2.0, 1.0]])?.norm1(), 5.0); // exact: a sum of integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn norm1(&self) -> T::Real {
        self.anorm
    }

    /// LAPACK's pivots, 1-based: in step `i`, row `i+1` was interchanged with row `pivots()[i]`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// assert_eq!(Lu::new(&array![[0.0f64, 1.0], [1.0, 0.0]])?.pivots(), &[2, 2]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn pivots(&self) -> &[BlasInt] {
        &self.ipiv
    }

    /// The row permutation as indices: row `i` of `P·A` is row `perm()[i]` of `A`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[1.0f64, 0.0, 0.0], [0.0, 0.0, 5.0], [0.0, 3.0, 0.0]];
    /// let lu = Lu::new(&a)?;
    /// let pa = a.select(ndarray::Axis(0), &lu.perm());
    /// assert_eq!(pa, lu.p().dot(&a));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn perm(&self) -> Vec<usize> {
        let mut perm: Vec<usize> = (0..self.n()).collect();
        for (i, &p) in self.ipiv.iter().enumerate() {
            perm.swap(i, p as usize - 1);
        }
        perm
    }

    /// The permutation matrix `P` of `P·A = L·U`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let p = Lu::new(&array![[0.0f64, 1.0], [1.0, 0.0]])?.p();
    /// assert_eq!(p, array![[0.0f64, 1.0], [1.0, 0.0]]); // exact: a permutation
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn p(&self) -> Array2<T> {
        let n = self.n();
        let mut p = Array2::zeros((n, n).f());
        for (i, j) in self.perm().into_iter().enumerate() {
            p[(i, j)] = T::one();
        }
        p
    }

    /// The unit lower triangular factor `L`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let l = Lu::new(&array![[2.0f64, 1.0], [4.0, 3.0]])?.l();
    /// assert_eq!(l, array![[1.0f64, 0.0], [0.5, 1.0]]); // exact: 2/4
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn l(&self) -> Array2<T> {
        let n = self.n();
        Array2::from_shape_fn((n, n).f(), |(i, j)| match i.cmp(&j) {
            std::cmp::Ordering::Greater => self.factors[(i, j)],
            std::cmp::Ordering::Equal => T::one(),
            std::cmp::Ordering::Less => T::zero(),
        })
    }

    /// The upper triangular factor `U`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let u = Lu::new(&array![[2.0f64, 1.0], [4.0, 3.0]])?.u();
    /// assert_eq!(u, array![[4.0f64, 3.0], [0.0, -0.5]]); // exact: dyadic values: 1 − 0.5·3
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> Array2<T> {
        let n = self.n();
        let k = -self.scale_exp;
        Array2::from_shape_fn((n, n).f(), |(i, j)| {
            if i <= j {
                scale_pow2(self.factors[(i, j)], k)
            } else {
                T::zero()
            }
        })
    }

    /// LAPACK's compact storage: `L` below the diagonal (unit diagonal implied), `U` on and above.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let lu = Lu::new(&array![[2.0f64, 1.0], [4.0, 3.0]])?;
    /// assert_eq!(lu.factors(), array![[4.0f64, 3.0], [0.5, -0.5]]); // exact: dyadic values: 2/4, 1 − 0.5·3
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> ArrayView2<'_, T> {
        self.factors.view()
    }

    /// Rebuilds `A = Pᵀ·L·U` from the factors (for checks; costs a matrix product).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Lu;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0]];
    /// let r = Lu::new(&a)?.reconstruct();
    /// assert!((&r - &a).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let lu = self.l().dot(&self.u());
        let mut a = Array2::zeros((self.n(), self.n()).f());
        for (i, src) in self.perm().into_iter().enumerate() {
            a.row_mut(src).assign(&lu.row(i));
        }
        a
    }
}

impl<T: Scalar> Solve<T> for Lu<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Lu::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Lu::solve_adjoint(self, &b)
    }
    fn solve_transpose_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Lu::solve_transpose(self, &b)
    }
    fn rcond(&self) -> T::Real {
        Lu::rcond(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lapack::norm::{lange, Norm};
    use crate::lapack::numeric::floor_log2;
    use crate::{c64, testing};

    #[test]
    fn floor_log2_is_exact_across_the_range() {
        assert_eq!(floor_log2(f64::MAX), 1023);
        assert_eq!(floor_log2(1.0), 0);
        assert_eq!(floor_log2(1.0 - f64::EPSILON / 2.0), -1);
        assert_eq!(floor_log2(3.0), 1);
        assert_eq!(floor_log2(f64::MIN_POSITIVE), -1022);
        assert_eq!(floor_log2(5e-324), -1074);
        assert_eq!(floor_log2(f64::MIN_POSITIVE - 5e-324), -1023);
        assert_eq!(floor_log2(1e-310), (1e-310f64).log2().floor() as i32);
    }

    #[test]
    fn one_pass_scan_matches_lapack() {
        let mut rng = testing::rng(3);
        let a: Array2<c64> = to_col_major(&testing::gaussian::<c64>(37, 37, &mut rng));
        let s = Scan::of(&a);
        let n1 = lange(Norm::One, &a).unwrap();
        assert!(s.finite);
        assert!((s.norm1 - n1).abs() <= 37.0 * f64::EPSILON * n1);
        let amax = a.iter().fold(0.0f64, |m, x| m.max(x.re.abs() + x.im.abs()));
        assert_eq!(s.amax, amax);
        let mut b = a.clone();
        b[(5, 30)] = c64::new(f64::NAN, 0.0);
        let sb = Scan::of(&b);
        assert!(!sb.finite);
        assert_eq!(
            Lu::new(&b).unwrap_err(),
            Error::NonFinite { row: 5, col: 30 }
        );
    }
}
