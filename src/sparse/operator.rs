//! The [`LinearOperator`] trait and its implementations for dense arrays and references.

use ndarray::{Array2, ArrayBase, ArrayView2, Data, Ix2};

use crate::error::{Error, Result};
use crate::layout::check_finite;
use crate::scalar::Scalar;

/// A linear map `A: Tⁿ → Tᵐ` known only through block products `Y = A·X` and `Y = Aᴴ·X`.
///
/// This is all [`Svds`](super::Svds) needs: the matrix is never formed. Implemented for sprs
/// matrices (`CsMat`, CSR and CSC, and their views; Cargo feature `sparse`), for dense ndarray
/// matrices and views, and for `&A`. Implement it for your own operators: a matrix-free stencil,
/// a product of factors, a centred data matrix `X − 1·μᵀ` that must stay sparse, ...
///
/// Contract: `apply` takes `x` with `n` rows (any number `b` of columns, any layout) and returns
/// `A·x` with `m` rows and `b` columns; `apply_adjoint` takes `m` rows and returns `Aᴴ·x` with
/// `n` rows. [`Svds`](super::Svds) checks the returned shapes and values (non-finite output is
/// [`Error::NumericalBreakdown`]).
///
/// A matrix-free operator, the forward difference `(D·x)ᵢ = xᵢ₊₁ − xᵢ` (`(n−1)×n`), whose
/// singular values are known, `σⱼ = 2·sin(jπ/(2n))`:
///
/// ```
/// use ndarray::{Array2, ArrayView2};
/// use ndfactor::sparse::{LinearOperator, Svds};
///
/// struct Diff(usize);
/// impl LinearOperator<f64> for Diff {
///     fn shape(&self) -> (usize, usize) { (self.0 - 1, self.0) }
///     fn apply(&self, x: ArrayView2<'_, f64>) -> Array2<f64> {
///         Array2::from_shape_fn((self.0 - 1, x.ncols()), |(i, j)| x[(i + 1, j)] - x[(i, j)])
///     }
///     fn apply_adjoint(&self, y: ArrayView2<'_, f64>) -> Array2<f64> {
///         let m = self.0 - 1;
///         Array2::from_shape_fn((self.0, y.ncols()), |(i, j)| {
///             (if i > 0 { y[(i - 1, j)] } else { 0.0 }) - (if i < m { y[(i, j)] } else { 0.0 })
///         })
///     }
/// }
///
/// let n = 400;
/// let t = Svds::new(3).seed(1).compute(&Diff(n))?;
/// for (j, &s) in t.s().iter().enumerate() {
///     let exact = 2.0 * ((n - 1 - j) as f64 * std::f64::consts::PI / (2.0 * n as f64)).sin();
///     assert!((s - exact).abs() < 1e-10);
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub trait LinearOperator<T: Scalar> {
    /// `(m, n)`: `A` maps `n`-vectors to `m`-vectors.
    ///
    /// ```
    /// use ndfactor::sparse::LinearOperator;
    /// let a = ndarray::Array2::<f64>::zeros((3, 5));
    /// assert_eq!(LinearOperator::<f64>::shape(&a), (3, 5));
    /// ```
    fn shape(&self) -> (usize, usize);

    /// `A·x` for an `n×b` block `x` (`m×b` result).
    ///
    /// ```
    /// use ndfactor::sparse::LinearOperator;
    /// let a = ndarray::array![[1.0f64, 2.0], [3.0, 4.0]];
    /// let y = a.apply(ndarray::array![[1.0], [1.0]].view());
    /// assert_eq!(y, ndarray::array![[3.0], [7.0]]); // exact: small integers
    /// ```
    fn apply(&self, x: ArrayView2<'_, T>) -> Array2<T>;

    /// `Aᴴ·x` for an `m×b` block `x` (`n×b` result); conjugate transpose for complex `T`.
    ///
    /// ```
    /// use ndfactor::{c64, sparse::LinearOperator};
    /// let a = ndarray::array![[c64::new(0.0, 1.0)]];
    /// let y = a.apply_adjoint(ndarray::array![[c64::new(1.0, 0.0)]].view());
    /// assert_eq!(y[(0, 0)], c64::new(0.0, -1.0)); // exact: conj(i)·1
    /// ```
    fn apply_adjoint(&self, x: ArrayView2<'_, T>) -> Array2<T>;

    /// Validates the operator before use (default: nothing to check). Matrices report their
    /// first non-finite stored entry as [`Error::NonFinite`].
    ///
    /// ```
    /// use ndfactor::{sparse::LinearOperator, Error};
    /// let a = ndarray::array![[1.0f64, f64::NAN]];
    /// assert_eq!(LinearOperator::<f64>::check(&a), Err(Error::NonFinite { row: 0, col: 1 }));
    /// ```
    fn check(&self) -> Result<()> {
        Ok(())
    }

    /// Number of values the operator stores (`nnz` for a sparse matrix, `m·n` dense), if known;
    /// used for memory reports.
    ///
    /// ```
    /// use ndfactor::sparse::LinearOperator;
    /// let a = ndarray::Array2::<f32>::zeros((3, 5));
    /// assert_eq!(LinearOperator::<f32>::stored_values(&a), Some(15));
    /// ```
    fn stored_values(&self) -> Option<usize> {
        None
    }
}

impl<T: Scalar, A: LinearOperator<T> + ?Sized> LinearOperator<T> for &A {
    fn shape(&self) -> (usize, usize) {
        (**self).shape()
    }
    fn apply(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        (**self).apply(x)
    }
    fn apply_adjoint(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        (**self).apply_adjoint(x)
    }
    fn check(&self) -> Result<()> {
        (**self).check()
    }
    fn stored_values(&self) -> Option<usize> {
        (**self).stored_values()
    }
}

/// Dense matrices and views: products by BLAS (`?gemm`).
impl<T: Scalar, S: Data<Elem = T>> LinearOperator<T> for ArrayBase<S, Ix2> {
    fn shape(&self) -> (usize, usize) {
        self.dim()
    }
    fn apply(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        self.dot(&x)
    }
    fn apply_adjoint(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        if T::IS_COMPLEX {
            // Aᴴ·x = conj(Aᵀ·conj(x)): no copy of A.
            self.t().dot(&x.mapv(|v| v.conj())).mapv(|v| v.conj())
        } else {
            self.t().dot(&x)
        }
    }
    fn check(&self) -> Result<()> {
        check_finite(self)
    }
    fn stored_values(&self) -> Option<usize> {
        Some(self.len())
    }
}

/// Applies `a` (or `Aᴴ`) and checks the result's shape and values.
pub(crate) fn apply_checked<T: Scalar, A: LinearOperator<T> + ?Sized>(
    a: &A,
    x: ArrayView2<'_, T>,
    adjoint: bool,
) -> Result<Array2<T>> {
    let (m, n) = a.shape();
    let (rows, routine) = if adjoint {
        (n, "LinearOperator::apply_adjoint")
    } else {
        (m, "LinearOperator::apply")
    };
    let y = if adjoint {
        a.apply_adjoint(x)
    } else {
        a.apply(x)
    };
    if y.nrows() != rows {
        return Err(Error::DimensionMismatch {
            operation: if adjoint {
                "LinearOperator::apply_adjoint: rows of the result"
            } else {
                "LinearOperator::apply: rows of the result"
            },
            expected: rows,
            found: y.nrows(),
        });
    }
    if y.ncols() != x.ncols() {
        return Err(Error::DimensionMismatch {
            operation: "LinearOperator: columns of the result",
            expected: x.ncols(),
            found: y.ncols(),
        });
    }
    if !y.iter().all(|v| v.is_finite()) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(y)
}
