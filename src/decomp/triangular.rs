//! Triangular solves `op(A)·X = B` (LAPACK ?trtrs), SciPy's `solve_triangular`.
//!
//! A triangular system needs no factorization: back or forward substitution costs `n²`
//! flops per right-hand side, and is backward stable (the computed `x` solves
//! `(A + δA)·x = b` with `|δA| ≤ n·ε·|A|` entrywise, Higham, *Accuracy and Stability*, §8.1).

use ndarray::{Array, ArrayBase, Data, Ix2};

use super::{rhs_matrix, Rhs};
use crate::error::{Error, Result};
use crate::lapack::qr::trtrs_diag;
use crate::lapack::{Diag, Trans, Uplo};
use crate::layout::{check_finite_triangle, check_square, to_col_major};
use crate::scalar::Scalar;

/// Options of a triangular solve: which triangle of `A` is read, which operator (`A`, `Aᵀ`,
/// `Aᴴ`) is solved with, and whether the diagonal is implicitly one. Build with
/// [`TriangularSolve::new`], finish with [`solve`](TriangularSolve::solve);
/// [`solve_triangular`] is the common case `A·X = B` with a stored diagonal.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{Diag, Trans, TriangularSolve, Uplo};
/// // L is unit lower triangular; its stored diagonal (here 9) is not read.
/// let l = array![[9.0f64, 0.0], [2.0, 9.0]];
/// let b = array![1.0f64, 4.0];
/// // Lᵀ·x = b with L = [[1, 0], [2, 1]]: x₂ = 4, x₁ = 1 − 2·4 = −7 (exact in floating point).
/// let x = TriangularSolve::new(Uplo::Lower)
///     .trans(Trans::Transpose)
///     .diag(Diag::Unit)
///     .solve(&l, &b)?;
/// assert_eq!(x, array![-7.0, 4.0]); // exact: integers, one multiply-add each
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(alias = "trtrs")]
pub struct TriangularSolve {
    uplo: Uplo,
    trans: Trans,
    diag: Diag,
}

impl TriangularSolve {
    /// A solve with triangle `uplo` of `A`, the operator `A` itself and a stored diagonal.
    ///
    /// ```
    /// use ndfactor::{TriangularSolve, Uplo};
    /// let x = TriangularSolve::new(Uplo::Upper).solve(&ndarray::array![[2.0f64]], &ndarray::array![6.0])?;
    /// assert_eq!(x[0], 3.0); // exact: 6/2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(uplo: Uplo) -> Self {
        TriangularSolve {
            uplo,
            trans: Trans::No,
            diag: Diag::NonUnit,
        }
    }

    /// Solves with `A` ([`Trans::No`], the default), `Aᵀ` or `Aᴴ`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{c64, Trans, TriangularSolve, Uplo};
    /// let u = array![[c64::new(0.0, 2.0)]];
    /// // Aᴴ = −2i: x = 4 / (−2i) = 2i.
    /// let x = TriangularSolve::new(Uplo::Upper).trans(Trans::Adjoint).solve(&u, &array![c64::new(4.0, 0.0)])?;
    /// assert!((x[0] - c64::new(0.0, 2.0)).norm() <= 4.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn trans(mut self, trans: Trans) -> Self {
        self.trans = trans;
        self
    }

    /// Whether the diagonal is read ([`Diag::NonUnit`], the default) or taken as ones
    /// ([`Diag::Unit`], SciPy's `unit_diagonal=True`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Diag, TriangularSolve, Uplo};
    /// let x = TriangularSolve::new(Uplo::Lower).diag(Diag::Unit).solve(&array![[0.0f64]], &array![5.0])?;
    /// assert_eq!(x[0], 5.0); // exact: the zero diagonal is not read
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn diag(mut self, diag: Diag) -> Self {
        self.diag = diag;
        self
    }

    /// Solves `op(A)·X = B` by substitution (?trtrs), `n²·nrhs` flops. Only the chosen triangle
    /// of `A` is read (the other may hold anything, even NaN); the diagonal is checked for
    /// finiteness even with [`Diag::Unit`]. `B` is a vector or a matrix with `n` rows; the
    /// result has its shape (F-order for a matrix). `n = 0` gives an empty result.
    ///
    /// # Errors
    /// [`Error::NotSquare`]; [`Error::DimensionMismatch`] when `B` has not `n` rows;
    /// [`Error::NonFinite`] in the read triangle of `A` or in `B`; [`Error::Singular`] with
    /// the 1-based index of an exactly zero diagonal entry (with a stored diagonal);
    /// [`Error::NumericalBreakdown`] when a nearly singular `A` overflows the solution from
    /// finite input.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Error, TriangularSolve, Uplo};
    /// let u = array![[1.0f64, 2.0], [f64::NAN, 0.0]]; // the NaN is below the diagonal: not read
    /// let e = TriangularSolve::new(Uplo::Upper).solve(&u, &array![1.0, 1.0]).unwrap_err();
    /// assert_eq!(e, Error::Singular { index: 2 });
    /// ```
    pub fn solve<T, S1, S2, D>(
        &self,
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, D>,
    ) -> Result<Array<T, D>>
    where
        T: Scalar,
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
        D: Rhs,
    {
        let n = check_square(a)?;
        crate::layout::check_dims(n, n)?;
        check_finite_triangle(a, self.uplo)?;
        let mut x = rhs_matrix(b, n, "solve_triangular: rows of b")?;
        let r = to_col_major(a);
        trtrs_diag(&r, n, self.uplo, self.trans, self.diag, &mut x).map_err(|e| match e {
            Error::NumericalBreakdown { .. } => Error::NumericalBreakdown {
                routine: "solve_triangular",
            },
            other => other,
        })?;
        Ok(D::from_matrix(x))
    }
}

/// Solves `A·X = B` for a triangular `A` (triangle `uplo`, stored diagonal) by substitution,
/// `n²` flops per right-hand side: SciPy's `solve_triangular(a, b, lower=…)`. For `Aᵀ`, `Aᴴ`
/// or a unit diagonal use [`TriangularSolve`].
///
/// # Errors
/// Those of [`TriangularSolve::solve`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{solve_triangular, Uplo};
/// let u = array![[2.0f64, 1.0, -1.0], [0.0, 3.0, 2.0], [0.0, 0.0, 4.0]];
/// let b = array![[3.0f64, 1.0], [5.0, 0.0], [4.0, 8.0]];
/// let x = solve_triangular(&u, &b, Uplo::Upper)?;
/// let r = &u.dot(&x) - &b;
/// assert!(r.iter().all(|d| d.abs() <= 3.0 * 4.0 * 8.0 * f64::EPSILON));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "trtrs")]
pub fn solve_triangular<T, S1, S2, D>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, D>,
    uplo: Uplo,
) -> Result<Array<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    TriangularSolve::new(uplo).solve(a, b)
}
