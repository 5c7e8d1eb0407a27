//! Eigendecomposition of symmetric (Hermitian) matrices.

use std::ops::RangeInclusive;

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};

use crate::error::{Error, Result};
use crate::lapack::eigh::{syevd, syevr, EigRange};
use crate::lapack::Uplo;
use crate::layout::{check_dims, check_finite_triangle, check_square, triangle_to_col_major};
use crate::scalar::Scalar;

/// Eigendecomposition of a symmetric (complex: Hermitian) matrix: `A = V·Λ·Vᴴ`.
///
/// The eigenvalues `λ₁ ≤ λ₂ ≤ … ≤ λₙ` are real (`T::Real`) and **ascending**; the eigenvectors
/// (columns of `V`) are orthonormal. Use it for spectra of covariance, Laplacian and Hessian
/// matrices, principal components, matrix functions `f(A) = V·f(Λ)·Vᴴ`, and definiteness tests.
///
/// Only one triangle of the input is read: the **lower** one by default, or the one chosen with
/// [`with_uplo`](SymmetricEigen::with_uplo). The other triangle is never looked at, not even for
/// NaN. For complex input the imaginary parts of the diagonal are ignored (taken as zero).
/// [`subset_by_index`](SymmetricEigen::subset_by_index) and
/// [`subset_by_value`](SymmetricEigen::subset_by_value) compute only some eigenpairs.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`] (checked before LAPACK, in the triangle read),
/// [`Error::TooLarge`], [`Error::NoConvergence`] (LAPACK's INFO > 0), and
/// [`Error::NumericalBreakdown`] for non-finite or unsorted output.
///
/// # Complexity
/// ≈ 4n³/3 flops for the eigenvalues (tridiagonal reduction) and ≈ 9n³ with the eigenvectors
/// (fewer for clustered spectra); subsets ≈ 4n³/3 + O(n²·k).
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | ssyevd | dsyevd | cheevd | zheevd |
///
/// subsets: ?syevr / ?heevr (MRRR).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{prelude::*, verify};
/// let a = array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
/// let eig = SymmetricEigen::new(&a)?;
/// assert!(eig.values().windows(2).into_iter().all(|w| w[0] <= w[1]));
/// assert!(verify::eigen_ratio(&a, &eig.vectors(), &eig.values()) < verify::EIG_THRESHOLD);
/// assert!((eig.values().sum() - 15.0).abs() < 1e-13); // the trace
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SymmetricEigen<T: Scalar> {
    values: Array1<T::Real>,
    vectors: Array2<T>,
}

/// Validates and copies the triangle `uplo` into an F-order buffer with a real diagonal.
fn prepared<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Result<Array2<T>> {
    let n = check_square(a)?;
    check_dims(n, n)?;
    check_finite_triangle(a, uplo)?;
    let mut c = triangle_to_col_major(a, uplo);
    for i in 0..n {
        c[(i, i)] = T::from_real(c[(i, i)].re());
    }
    Ok(c)
}

impl<T: Scalar> SymmetricEigen<T> {
    /// All eigenpairs, reading the lower triangle.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SymmetricEigen;
    /// // The upper triangle is not read, even when it holds NaN.
    /// let eig = SymmetricEigen::new(&array![[2.0f64, f64::NAN], [1.0, 2.0]])?;
    /// assert!((eig.values()[0] - 1.0).abs() < 1e-15 && (eig.values()[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::with_uplo(a, Uplo::Lower)
    }

    /// All eigenpairs, reading triangle `uplo`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{SymmetricEigen, Uplo};
    /// let a = array![[2.0f64, 1.0], [0.0, 2.0]]; // only the upper triangle is meaningful
    /// let eig = SymmetricEigen::with_uplo(&a, Uplo::Upper)?;
    /// assert!((eig.values()[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_uplo<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Result<Self> {
        let mut c = prepared(a, uplo)?;
        let values = syevd(&mut c, uplo, true)?;
        Ok(SymmetricEigen { values, vectors: c })
    }

    /// All eigenpairs of an owned matrix (lower triangle), reusing its buffer when it is
    /// F-contiguous.
    ///
    /// ```
    /// # use ndarray::{array, Array2, ShapeBuilder};
    /// # use ndfactor::SymmetricEigen;
    /// let mut a = Array2::<f64>::zeros((2, 2).f());
    /// a.assign(&array![[1.0f64, 0.0], [0.0, -1.0]]);
    /// let w = SymmetricEigen::from_owned(a)?.values().to_vec();
    /// assert!((w[0] + 1.0).abs() <= 4.0 * f64::EPSILON && (w[1] - 1.0).abs() <= 4.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(mut a: Array2<T>) -> Result<Self> {
        let n = check_square(&a)?;
        check_dims(n, n)?;
        check_finite_triangle(&a, Uplo::Lower)?;
        if !a.t().is_standard_layout() {
            return Self::new(&a);
        }
        for j in 0..n {
            a[(j, j)] = T::from_real(a[(j, j)].re());
            for i in 0..j {
                a[(i, j)] = T::zero();
            }
        }
        let values = syevd(&mut a, Uplo::Lower, true)?;
        Ok(SymmetricEigen { values, vectors: a })
    }

    /// Eigenvalues only, ascending (?syevd/?heevd with JOBZ = 'N', lower triangle): cheaper than
    /// the decomposition. (Named `values_only` because [`values`](SymmetricEigen::values) is the
    /// accessor.)
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SymmetricEigen;
    /// let w = SymmetricEigen::values_only(&array![[2.0f64, 1.0], [1.0, 2.0]])?;
    /// assert!((w[0] - 1.0).abs() < 1e-15 && (w[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "eigvalsh")]
    pub fn values_only<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array1<T::Real>> {
        let mut c = prepared(a, Uplo::Lower)?;
        syevd(&mut c, Uplo::Lower, false)
    }

    /// The eigenpairs with 0-based indices `lo..=hi` in ascending order (the `lo`-th through
    /// `hi`-th smallest eigenvalues), reading the lower triangle (?syevr/?heevr).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `lo ≤ hi < n`.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::SymmetricEigen;
    /// let a = Array2::from_diag(&ndarray::array![5.0f64, 1.0, 4.0, 2.0]);
    /// let two = SymmetricEigen::subset_by_index(&a, 1..=2)?;
    /// let w = two.values();
    /// assert!(w.len() == 2 && (w[0] - 2.0).abs() <= 20.0 * f64::EPSILON && (w[1] - 4.0).abs() <= 20.0 * f64::EPSILON);
    /// assert_eq!(two.vectors().dim(), (4, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_index<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        range: RangeInclusive<usize>,
    ) -> Result<Self> {
        let c = prepared(a, Uplo::Lower)?;
        let n = c.nrows();
        let (lo, hi) = (*range.start(), *range.end());
        if lo > hi || hi >= n {
            return Err(Error::InvalidArgument {
                reason: format!("eigenvalue index range {lo}..={hi} is not within 0..{n}"),
            });
        }
        let (values, vectors) = syevr(c, Uplo::Lower, EigRange::Index(lo, hi), true)?;
        Ok(SymmetricEigen { values, vectors })
    }

    /// The eigenpairs with eigenvalues in the half-open interval `(vl, vu]`, ascending, reading
    /// the lower triangle (?syevr/?heevr). The result may be empty (`n×0` vectors).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `vl < vu` and both are finite.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::SymmetricEigen;
    /// let a = Array2::from_diag(&ndarray::array![5.0f64, 1.0, 4.0, 2.0]);
    /// let eig = SymmetricEigen::subset_by_value(&a, 1.5, 4.5)?;
    /// let w = eig.values();
    /// assert!(w.len() == 2 && (w[0] - 2.0).abs() <= 20.0 * f64::EPSILON && (w[1] - 4.0).abs() <= 20.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_value<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        vl: T::Real,
        vu: T::Real,
    ) -> Result<Self> {
        if !(vl.is_finite() && vu.is_finite() && vl < vu) {
            return Err(Error::InvalidArgument {
                reason: format!("eigenvalue interval ({vl}, {vu}] must be finite and nonempty"),
            });
        }
        let c = prepared(a, Uplo::Lower)?;
        let (values, vectors) = syevr(c, Uplo::Lower, EigRange::Value(vl, vu), true)?;
        let n = vectors.nrows();
        debug_assert_eq!(vectors.dim(), (n, values.len()));
        Ok(SymmetricEigen { values, vectors })
    }

    /// Order `n` of the matrix.
    ///
    /// ```
    /// # use ndfactor::SymmetricEigen;
    /// assert_eq!(SymmetricEigen::new(&ndarray::Array2::<f32>::eye(3))?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.vectors.nrows()
    }

    /// The eigenvalues, ascending (real).
    ///
    /// ```
    /// # use ndfactor::SymmetricEigen;
    /// let eig = SymmetricEigen::new(&ndarray::array![[0.0f64, 1.0], [1.0, 0.0]])?;
    /// assert!((eig.values()[0] + 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> ArrayView1<'_, T::Real> {
        self.values.view()
    }

    /// The orthonormal eigenvectors as columns (`n×n`, or `n×count` for a subset; F-order):
    /// column `j` belongs to `values()[j]`.
    ///
    /// ```
    /// # use ndfactor::{verify, SymmetricEigen};
    /// let eig = SymmetricEigen::new(&ndarray::array![[2.0f64, 1.0], [1.0, 2.0]])?;
    /// assert!(verify::orthogonality_ratio(&eig.vectors()) < verify::EIG_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vectors(&self) -> ArrayView2<'_, T> {
        self.vectors.view()
    }

    /// Rebuilds `V·Λ·Vᴴ` (for a subset, the part of `A` on the computed eigenspaces).
    ///
    /// ```
    /// # use ndfactor::SymmetricEigen;
    /// let a = ndarray::array![[2.0f64, 1.0], [1.0, 2.0]];
    /// let r = SymmetricEigen::new(&a)?.reconstruct();
    /// assert!((&r - &a).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let mut vl = self.vectors.clone();
        for (j, &l) in self.values.iter().enumerate() {
            vl.column_mut(j).mapv_inplace(|x| x.scale(l));
        }
        vl.dot(&self.vectors.t().mapv(|x| x.conj()))
    }
}
