//! Cholesky factorization of Hermitian positive definite matrices.

use ndarray::{Array, Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};

use super::{rhs_matrix, Rhs, Solve};
use crate::error::Result;
use crate::lapack::cholesky::{pocon, potrf, potri, potrs};
use crate::lapack::Uplo;
use crate::layout::{
    check_dims, check_square, lower_triangle_into_col_major_checked, triangle_to_col_major_checked,
};
use crate::scalar::{RealScalar, Scalar};

/// Cholesky factorization of a symmetric (Hermitian) positive definite matrix: `A = L·Lᴴ`.
///
/// `L` is lower triangular with a real positive diagonal. It costs half of [`Lu`] and needs no
/// pivoting; use it for covariance and Gram matrices, normal-equation-free least squares
/// preconditioning, Gaussian sampling (`x = μ + L·z`) and any SPD system.
///
/// When `A` changes by a rank-1 term, [`update`](Cholesky::update) (`A + x·xᴴ`) and
/// [`downdate`](Cholesky::downdate) (`A − x·xᴴ`, with a typed error when that loses
/// definiteness) change the factor in O(n²) instead of refactoring in O(n³).
///
/// Only one triangle of the input is read: the **lower** one for [`new`](Cholesky::new), or the
/// one chosen with [`with_uplo`](Cholesky::with_uplo). The other triangle is never looked at,
/// not even for NaN. For complex input the imaginary parts of the diagonal are ignored.
///
/// # Errors
/// [`Error::NotPositiveDefinite`](crate::Error::NotPositiveDefinite) with the order of the first leading minor that is not
/// positive definite (LAPACK's INFO). This can happen for matrices that are positive definite in
/// exact arithmetic but have condition number beyond `1/ε` (e.g. Hilbert matrices of order ≥ 14
/// in `f64`). Also [`Error::NotSquare`](crate::Error::NotSquare), [`Error::NonFinite`](crate::Error::NonFinite), [`Error::TooLarge`](crate::Error::TooLarge).
///
/// # Complexity
/// ≈ n³/3 flops; each solve 2n² flops per right-hand side.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | spotrf | dpotrf | cpotrf | zpotrf |
///
/// companions: ?potrs (solve), ?potri (inverse), ?pocon (rcond), ?lansy/?lanhe (‖A‖₁).
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
/// let ch = Cholesky::new(&a)?;
/// let l = ch.l();
/// assert!((&l.dot(&l.t()) - &a).iter().all(|d| d.abs() < 1e-14));
/// let x = ch.solve(&array![7.0, 10.0, 10.0])?;
/// assert!((&a.dot(&x) - &array![7.0, 10.0, 10.0]).iter().all(|d| d.abs() < 1e-13));
/// # Ok::<(), ndfactor::Error>(())
/// ```
///
/// [`Lu`]: crate::Lu
#[derive(Debug, Clone)]
pub struct Cholesky<T: Scalar> {
    /// The factor in triangle `uplo` of an F-order array; the other strict triangle is zero.
    pub(super) factor: Array2<T>,
    pub(super) uplo: Uplo,
    /// ‖A‖₁ of the input (from the triangle read), for ?pocon; after rank-1 updates an upper
    /// bound of the current matrix's norm (see `decomp::updates`).
    pub(super) anorm: T::Real,
}

impl<T: Scalar> Cholesky<T> {
    /// Factors a Hermitian positive definite matrix, reading its lower triangle.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// // The upper triangle is not read, even when it holds NaN.
    /// let a = array![[4.0f64, f64::NAN], [2.0, 2.0]];
    /// let l = Cholesky::new(&a)?.l();
    /// assert_eq!(l, array![[2.0f64, 0.0], [1.0, 1.0]]); // exact: √4, 2/2, √(2 − 1)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "cho_factor")]
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::with_uplo(a, Uplo::Lower)
    }

    /// Factors a Hermitian positive definite matrix reading triangle `uplo`. With
    /// `Uplo::Upper` LAPACK computes `A = Uᴴ·U`; [`l`](Cholesky::l) still returns `L = Uᴴ`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{Cholesky, Uplo};
    /// let a = array![[4.0f64, 2.0], [0.0, 2.0]]; // only the upper triangle is meaningful
    /// let ch = Cholesky::with_uplo(&a, Uplo::Upper)?;
    /// assert_eq!(ch.u(), array![[2.0f64, 1.0], [0.0, 1.0]]); // exact: √4, 2/2, √(2 − 1)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_uplo<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Result<Self> {
        let n = check_square(a)?;
        check_dims(n, n)?;
        // The copy holds exactly the triangle LAPACK reads (zeros elsewhere); the same pass
        // gives ‖A‖₁ (∞ if finite entries overflow it, and the factorization goes ahead).
        let (f, norm1) = triangle_to_col_major_checked(a, uplo, true)?;
        Self::factor_scanned(f, uplo, norm1)
    }

    /// Factors an owned matrix (lower triangle), reusing its buffer when it is F-contiguous.
    ///
    /// ```
    /// # use ndarray::{array, Array2, ShapeBuilder};
    /// # use ndfactor::Cholesky;
    /// let mut a = Array2::<f64>::zeros((2, 2).f());
    /// a.assign(&array![[9.0f64, 3.0], [3.0, 5.0]]);
    /// assert!((Cholesky::from_owned(a)?.det() - 36.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        let n = check_square(&a)?;
        check_dims(n, n)?;
        let (f, norm1) = lower_triangle_into_col_major_checked(a, true)?;
        Self::factor_scanned(f, Uplo::Lower, norm1)
    }

    fn factor_scanned(mut a: Array2<T>, uplo: Uplo, anorm: T::Real) -> Result<Self> {
        potrf(&mut a, uplo)?;
        Ok(Cholesky {
            factor: a,
            uplo,
            anorm,
        })
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::Cholesky;
    /// assert_eq!(Cholesky::new(&ndarray::Array2::<f32>::eye(4))?.n(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.factor.nrows()
    }

    /// Which triangle of the input was read.
    ///
    /// ```
    /// # use ndfactor::{Cholesky, Uplo};
    /// assert_eq!(Cholesky::new(&ndarray::Array2::<f64>::eye(2))?.uplo(), Uplo::Lower);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn uplo(&self) -> Uplo {
        self.uplo
    }

    /// The lower triangular factor `L` with `A = L·Lᴴ` (F-order).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let l = Cholesky::new(&array![[4.0f64, 2.0], [2.0, 5.0]])?.l();
    /// assert_eq!(l, array![[2.0f64, 0.0], [1.0, 2.0]]); // exact: √4, 2/2, √(5 − 1)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn l(&self) -> Array2<T> {
        match self.uplo {
            Uplo::Lower => self.factor.clone(),
            Uplo::Upper => adjoint(&self.factor),
        }
    }

    /// The upper triangular factor `U = Lᴴ` with `A = Uᴴ·U` (F-order).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let ch = Cholesky::new(&array![[4.0f64, 2.0], [2.0, 5.0]])?;
    /// assert_eq!(ch.u(), ch.l().t());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> Array2<T> {
        match self.uplo {
            Uplo::Lower => adjoint(&self.factor),
            Uplo::Upper => self.factor.clone(),
        }
    }

    /// The stored factor: `L` (lower) or `U` (upper), the other strict triangle zero.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let ch = Cholesky::new(&array![[1.0f64, 0.0], [0.0, 9.0]])?;
    /// assert_eq!(ch.factor(), array![[1.0f64, 0.0], [0.0, 3.0]]); // exact: square roots of perfect squares
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factor(&self) -> ArrayView2<'_, T> {
        self.factor.view()
    }

    /// Solves `A·x = b` or `A·X = B`. Does not check conditioning (see [`rcond`](Cholesky::rcond)).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`](crate::Error::DimensionMismatch), [`Error::NonFinite`](crate::Error::NonFinite) in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let a = array![[2.0f64, 1.0], [1.0, 2.0]];
    /// let x = Cholesky::new(&a)?.solve(&array![3.0, 3.0])?;
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "Cholesky::solve: rows of b")?;
        potrs(&self.factor, self.uplo, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Determinant `∏ lᵢᵢ²` (real and positive; 1 for 0×0). May overflow: see
    /// [`ln_det`](Cholesky::ln_det).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let d = Cholesky::new(&array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]])?.det();
    /// assert!((d - 67.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T::Real {
        let mut d = T::Real::from_f64(1.0);
        for i in 0..self.n() {
            let l = self.factor[(i, i)].re();
            d = d * l * l;
        }
        d
    }

    /// `ln det A = 2·Σ ln lᵢᵢ`, without overflow (the log-likelihood term of a Gaussian).
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::Cholesky;
    /// let a = Array2::<f64>::eye(300) * 1e300;
    /// let ld = Cholesky::new(&a)?.ln_det();
    /// assert!((ld - 300.0 * 1e300f64.ln()).abs() < 1e-10 * ld);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ln_det(&self) -> T::Real {
        let mut s = T::Real::from_f64(0.0);
        for i in 0..self.n() {
            s += self.factor[(i, i)].re().ln();
        }
        s + s
    }

    /// Inverse `A⁻¹` (Hermitian, F-order, both triangles filled).
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::Cholesky;
    /// let a = array![[4.0f64, 2.0], [2.0, 3.0]];
    /// let inv = Cholesky::new(&a)?.inverse()?;
    /// assert!((&a.dot(&inv) - &Array2::<f64>::eye(2)).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn inverse(&self) -> Result<Array2<T>> {
        let mut inv = self.factor.clone();
        potri(&mut inv, self.uplo)?;
        let n = self.n();
        for j in 0..n {
            for i in j + 1..n {
                match self.uplo {
                    Uplo::Lower => inv[(j, i)] = inv[(i, j)].conj(),
                    Uplo::Upper => inv[(i, j)] = inv[(j, i)].conj(),
                }
            }
        }
        Ok(inv)
    }

    /// Reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` estimated by ?pocon (1 for 0×0).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let rc = Cholesky::new(&array![[1.0f64, 0.0], [0.0, 1e-8]])?.rcond();
    /// assert!((rc - 1e-8).abs() < 1e-16);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        pocon(&self.factor, self.uplo, self.anorm).unwrap_or_else(|_| T::Real::nan())
    }

    /// ‖A‖₁ of the factored matrix, recorded before factoring. After
    /// [`update`](Cholesky::update) or [`downdate`](Cholesky::downdate) it is the upper bound
    /// `‖A‖₁ + ‖x‖₁·‖x‖∞` per update (the exact norm would cost O(n³)), so [`rcond`](Cholesky::rcond)
    /// then errs on the side of a smaller (more cautious) estimate.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// assert_eq!(Cholesky::new(&array![[4.0f64, -2.0], [-2.0, 3.0]])?.norm1(), 6.0); // exact: a sum of integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn norm1(&self) -> T::Real {
        self.anorm
    }

    /// Rebuilds `A = L·Lᴴ` (both triangles).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Cholesky;
    /// let a = array![[4.0f64, 2.0], [2.0, 5.0]];
    /// assert!((&Cholesky::new(&a)?.reconstruct() - &a).iter().all(|d| d.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let l = self.l();
        l.dot(&adjoint(&l))
    }
}

impl<T: Scalar> Solve<T> for Cholesky<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Cholesky::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        // Aᴴ = A.
        Cholesky::solve(self, &b)
    }
    fn rcond(&self) -> T::Real {
        Cholesky::rcond(self)
    }
}

/// Conjugate transpose into a new F-order array.
pub(crate) fn adjoint<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Array2<T> {
    let (m, n) = a.dim();
    Array2::from_shape_fn((n, m).f(), |(i, j)| a[(j, i)].conj())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lapack::norm::{lan_symmetric, Norm};
    use crate::layout::{triangle_to_col_major, TriangleScan};
    use crate::{c64, testing};

    #[test]
    fn hermitian_norm_matches_lapack() {
        let mut rng = testing::rng(4);
        for uplo in [Uplo::Lower, Uplo::Upper] {
            let a = triangle_to_col_major(&testing::gaussian::<c64>(29, 29, &mut rng), uplo);
            let ours = TriangleScan::of(&a, uplo, true).0;
            let lapack = lan_symmetric(Norm::One, &a, uplo, true).unwrap();
            assert!(
                (ours - lapack).abs() <= 29.0 * f64::EPSILON * lapack,
                "{uplo:?}"
            );
        }
    }
}
