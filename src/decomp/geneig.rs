//! Generalized eigenproblems of matrix pencils `(A, B)`: Hermitian-definite
//! ([`GeneralizedEigh`]), general ([`GeneralizedEig`]) and the generalized Schur form ([`Qz`]).

use std::ops::RangeInclusive;

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2, ShapeBuilder};
use num_complex::Complex;

use crate::decomp::eig::unpack;
use crate::error::{Error, Result};
use crate::lapack::geneig::{gges, ggev, sygvd, sygvx, tgsen, GenRange};
use crate::lapack::{BlasInt, Uplo};
use crate::layout::{check_dims, check_finite, check_finite_triangle, check_square};
use crate::layout::{to_col_major, triangle_to_col_major};
use crate::scalar::{RealScalar, Scalar};

/// Checks that `a` and `b` are square of the same order (and fit LAPACK); returns the order.
fn check_pencil<T, S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<usize>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let n = check_square(a)?;
    let nb = check_square(b)?;
    if nb != n {
        return Err(Error::DimensionMismatch {
            operation: "generalized eigenproblem: order of b",
            expected: n,
            found: nb,
        });
    }
    check_dims(n, n)?;
    Ok(n)
}

// ------------------------------------------------------------------ Hermitian-definite pencils

/// Which Hermitian-definite generalized eigenproblem [`GeneralizedEigh`] solves (LAPACK's
/// ITYPE, SciPy's `type`). In all three `A` is Hermitian and `B` Hermitian positive definite,
/// and the eigenvalues are real.
///
/// ```
/// use ndfactor::GeneralizedProblem;
/// assert_eq!(GeneralizedProblem::default(), GeneralizedProblem::AxLambdaBx);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum GeneralizedProblem {
    /// Type 1: `A·x = λ·B·x` (vibration modes with a mass matrix, Fisher's discriminant,
    /// Rayleigh quotients `xᴴAx / xᴴBx`). Eigenvectors are B-orthonormal: `Xᴴ·B·X = I`.
    #[default]
    AxLambdaBx,
    /// Type 2: `A·B·x = λ·x`. Eigenvectors are B-orthonormal: `Xᴴ·B·X = I`.
    ABxLambdaX,
    /// Type 3: `B·A·x = λ·x`. Eigenvectors satisfy `Xᴴ·B⁻¹·X = I`.
    BAxLambdaX,
}

impl GeneralizedProblem {
    fn itype(self) -> BlasInt {
        match self {
            GeneralizedProblem::AxLambdaBx => 1,
            GeneralizedProblem::ABxLambdaX => 2,
            GeneralizedProblem::BAxLambdaX => 3,
        }
    }
}

/// Eigendecomposition of a Hermitian-definite pencil (SciPy's `eigh(a, b)`):
/// `A·X = B·X·Λ` (or `A·B·X = X·Λ`, `B·A·X = X·Λ`, see [`GeneralizedProblem`]), with `A`
/// Hermitian and `B` Hermitian positive definite.
///
/// LAPACK factors `B = L·Lᴴ` (Cholesky), reduces the problem to the standard Hermitian
/// eigenproblem of `C = L⁻¹·A·L⁻ᴴ` (type 1) or `C = Lᴴ·A·L` (types 2, 3), solves it by divide
/// and conquer, and maps the eigenvectors back. The eigenvalues are real and **ascending**;
/// the eigenvectors are **B-orthonormal** (`Xᴴ·B·X = I`) for types 1 and 2 and satisfy
/// `Xᴴ·B⁻¹·X = I` for type 3. Accuracy degrades with the condition of `B`: when `B` is nearly
/// singular, eigenvalues of type 1 grow large and the eigenvectors large in norm; for general
/// or singular `B` use [`GeneralizedEig`] (QZ), which does not invert `B`.
///
/// Only one triangle of `A` and of `B` is read (the **lower** one unless chosen with
/// [`with_options`](GeneralizedEigh::with_options)); the other is never looked at, not even
/// for NaN. Imaginary parts of the diagonals are ignored.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::DimensionMismatch`] (orders of `a` and `b` differ),
/// [`Error::NonFinite`] (in the triangles read, checked before LAPACK), [`Error::TooLarge`],
/// [`Error::NotPositiveDefinite`] with `index` the order of the leading minor of **B** that
/// is not positive definite (LAPACK's INFO − n), [`Error::NoConvergence`] and
/// [`Error::NumericalBreakdown`].
///
/// # Complexity
/// ≈ n³/3 (Cholesky) + 2n³ (reduction) + the Hermitian eigensolver (≈ 4n³/3 values only,
/// ≈ 9n³ with vectors) + n³ (back-transformation).
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | ssygvd | dsygvd | chegvd | zhegvd |
/// | ssygvx | dsygvx | chegvx | zhegvx |
///
/// (the second row for [`subset_by_index`](GeneralizedEigh::subset_by_index) and
/// [`subset_by_value`](GeneralizedEigh::subset_by_value)).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEigh, GeneralizedProblem};
/// let a = array![[2.0f64, 1.0], [1.0, 3.0]];
/// let b = array![[4.0f64, 1.0], [1.0, 2.0]];
/// let g = GeneralizedEigh::new(&a, &b)?;
/// // A·X = B·X·Λ and Xᵀ·B·X = I, to rounding (LAPACK's dsgt01 ratios).
/// let p = GeneralizedProblem::AxLambdaBx;
/// assert!(verify::generalized_eigen_ratio(&a, &b, p, &g.vectors(), &g.values()) < verify::EIG_THRESHOLD);
/// assert!(verify::b_orthogonality_ratio(&b, &g.vectors()) < verify::EIG_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "eigh")]
#[doc(alias = "sygvd")]
#[doc(alias = "hegvd")]
#[derive(Debug, Clone)]
pub struct GeneralizedEigh<T: Scalar> {
    values: Array1<T::Real>,
    vectors: Array2<T>,
    problem: GeneralizedProblem,
}

/// Validates both matrices and copies their triangles `uplo`, with real diagonals.
fn prepared_pair<T, S1, S2>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
    uplo: Uplo,
) -> Result<(Array2<T>, Array2<T>)>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let n = check_pencil(a, b)?;
    check_finite_triangle(a, uplo)?;
    check_finite_triangle(b, uplo)?;
    let mut ca = triangle_to_col_major(a, uplo);
    let mut cb = triangle_to_col_major(b, uplo);
    for i in 0..n {
        ca[(i, i)] = T::from_real(ca[(i, i)].re());
        cb[(i, i)] = T::from_real(cb[(i, i)].re());
    }
    Ok((ca, cb))
}

impl<T: Scalar> GeneralizedEigh<T> {
    /// All eigenpairs of `A·x = λ·B·x`, reading the lower triangles.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEigh;
    /// // B = diag(1, 4): λ = a₁₁/1, a₂₂/4 for diagonal A.
    /// let g = GeneralizedEigh::new(&array![[2.0f64, 0.0], [0.0, 2.0]], &array![[1.0, 0.0], [0.0, 4.0]])?;
    /// assert!((g.values()[0] - 0.5).abs() < 1e-15 && (g.values()[1] - 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::with_options(a, b, GeneralizedProblem::AxLambdaBx, Uplo::Lower)
    }

    /// All eigenpairs of the problem `problem`, reading the lower triangles.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem};
    /// let a = array![[2.0f64, 1.0], [1.0, 3.0]];
    /// let b = array![[4.0f64, 1.0], [1.0, 2.0]];
    /// let g = GeneralizedEigh::with_problem(&a, &b, GeneralizedProblem::ABxLambdaX)?;
    /// let x = g.vectors();
    /// let r = a.dot(&b).dot(&x) - x.dot(&ndarray::Array2::from_diag(&g.values()));
    /// assert!(r.iter().all(|v| v.abs() < 1e-13));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_problem<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        problem: GeneralizedProblem,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::with_options(a, b, problem, Uplo::Lower)
    }

    /// All eigenpairs of the problem `problem`, reading triangle `uplo` of `A` and of `B`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem, Uplo};
    /// // Only the upper triangles are meaningful; the lower ones are not read.
    /// let a = array![[2.0f64, 1.0], [f64::NAN, 2.0]];
    /// let b = array![[1.0f64, 0.0], [f64::NAN, 1.0]];
    /// let g = GeneralizedEigh::with_options(&a, &b, GeneralizedProblem::AxLambdaBx, Uplo::Upper)?;
    /// assert!((g.values()[0] - 1.0).abs() < 1e-15 && (g.values()[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_options<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        problem: GeneralizedProblem,
        uplo: Uplo,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (mut ca, mut cb) = prepared_pair(a, b, uplo)?;
        let values = sygvd(problem.itype(), &mut ca, &mut cb, uplo, true)?;
        Ok(GeneralizedEigh {
            values,
            vectors: ca,
            problem,
        })
    }

    /// Eigenvalues only (ascending) of the problem `problem`, reading the lower triangles:
    /// cheaper than the decomposition (SciPy's `eigh(a, b, eigvals_only=True)`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem};
    /// let a = array![[2.0f64, 0.0], [0.0, 2.0]];
    /// let b = array![[1.0f64, 0.0], [0.0, 4.0]];
    /// let w = GeneralizedEigh::values_only(&a, &b, GeneralizedProblem::BAxLambdaX)?;
    /// assert!((w[0] - 2.0).abs() < 1e-15 && (w[1] - 8.0).abs() < 1e-15); // λ(B·A) = 2, 8
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "eigvalsh")]
    pub fn values_only<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        problem: GeneralizedProblem,
    ) -> Result<Array1<T::Real>>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (mut ca, mut cb) = prepared_pair(a, b, Uplo::Lower)?;
        sygvd(problem.itype(), &mut ca, &mut cb, Uplo::Lower, false)
    }

    /// The eigenpairs of `A·x = λ·B·x` with 0-based indices `lo..=hi` in ascending order,
    /// reading the lower triangles (?sygvx/?hegvx: bisection and inverse iteration; SciPy's
    /// `subset_by_index`).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `lo ≤ hi < n`; the errors of [`new`](Self::new).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use ndfactor::GeneralizedEigh;
    /// let a = Array2::from_diag(&array![8.0f64, 1.0, 6.0, 3.0]);
    /// let b = Array2::from_diag(&array![2.0f64, 1.0, 2.0, 1.0]); // λ = 4, 1, 3, 3
    /// let g = GeneralizedEigh::subset_by_index(&a, &b, 2..=3)?;
    /// assert_eq!(g.vectors().dim(), (4, 2));
    /// assert!((g.values()[0] - 3.0).abs() < 1e-14 && (g.values()[1] - 4.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_index<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        range: RangeInclusive<usize>,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::subset_by_index_with(a, b, GeneralizedProblem::AxLambdaBx, range)
    }

    /// [`subset_by_index`](Self::subset_by_index) for any of the three problems (SciPy's
    /// `eigh(a, b, type=…, subset_by_index=…)`).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem};
    /// let a = Array2::from_diag(&array![8.0f64, 1.0, 6.0, 3.0]);
    /// let b = Array2::from_diag(&array![2.0f64, 1.0, 2.0, 1.0]); // λ(A·B) = 16, 1, 12, 3
    /// let g = GeneralizedEigh::subset_by_index_with(&a, &b, GeneralizedProblem::ABxLambdaX, 3..=3)?;
    /// assert!((g.values()[0] - 16.0).abs() < 16.0 * 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_index_with<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        problem: GeneralizedProblem,
        range: RangeInclusive<usize>,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (ca, cb) = prepared_pair(a, b, Uplo::Lower)?;
        let n = ca.nrows();
        let (lo, hi) = (*range.start(), *range.end());
        if lo > hi || hi >= n {
            return Err(Error::InvalidArgument {
                reason: format!("eigenvalue index range {lo}..={hi} is not within 0..{n}"),
            });
        }
        let (values, vectors) = sygvx(
            problem.itype(),
            ca,
            cb,
            Uplo::Lower,
            GenRange::Index(lo, hi),
            true,
        )?;
        Ok(GeneralizedEigh {
            values,
            vectors,
            problem,
        })
    }

    /// The eigenpairs of `A·x = λ·B·x` with `λ` in the half-open interval `(vl, vu]`,
    /// ascending, reading the lower triangles (?sygvx/?hegvx; SciPy's `subset_by_value`).
    /// The result may be empty (`n×0` vectors).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `vl < vu` and both are finite; the errors of
    /// [`new`](Self::new).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use ndfactor::GeneralizedEigh;
    /// let a = Array2::from_diag(&array![8.0f64, 1.0, 6.0, 3.0]);
    /// let b = Array2::from_diag(&array![2.0f64, 1.0, 2.0, 1.0]); // λ = 4, 1, 3, 3
    /// let g = GeneralizedEigh::subset_by_value(&a, &b, 2.0, 3.5)?;
    /// assert_eq!(g.values().len(), 2);
    /// assert!(g.values().iter().all(|l| (l - 3.0).abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_value<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        vl: T::Real,
        vu: T::Real,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::subset_by_value_with(a, b, GeneralizedProblem::AxLambdaBx, vl, vu)
    }

    /// [`subset_by_value`](Self::subset_by_value) for any of the three problems (SciPy's
    /// `eigh(a, b, type=…, subset_by_value=…)`).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem};
    /// let a = Array2::from_diag(&array![8.0f64, 1.0, 6.0, 3.0]);
    /// let b = Array2::from_diag(&array![2.0f64, 1.0, 2.0, 1.0]); // λ(B·A) = 16, 1, 12, 3
    /// let g = GeneralizedEigh::subset_by_value_with(&a, &b, GeneralizedProblem::BAxLambdaX, 2.0, 13.0)?;
    /// assert_eq!(g.values().len(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn subset_by_value_with<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        problem: GeneralizedProblem,
        vl: T::Real,
        vu: T::Real,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        if !(vl.is_finite() && vu.is_finite() && vl < vu) {
            return Err(Error::InvalidArgument {
                reason: format!("eigenvalue interval ({vl}, {vu}] must be finite and nonempty"),
            });
        }
        let (ca, cb) = prepared_pair(a, b, Uplo::Lower)?;
        let (values, vectors) = sygvx(
            problem.itype(),
            ca,
            cb,
            Uplo::Lower,
            GenRange::Value(vl, vu),
            true,
        )?;
        Ok(GeneralizedEigh {
            values,
            vectors,
            problem,
        })
    }

    /// Order `n` of the pencil.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::GeneralizedEigh;
    /// let i = Array2::<f32>::eye(3);
    /// assert_eq!(GeneralizedEigh::new(&i, &i)?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.vectors.nrows()
    }

    /// Which problem was solved.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::{GeneralizedEigh, GeneralizedProblem};
    /// let i = Array2::<f64>::eye(2);
    /// assert_eq!(GeneralizedEigh::new(&i, &i)?.problem(), GeneralizedProblem::AxLambdaBx);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn problem(&self) -> GeneralizedProblem {
        self.problem
    }

    /// The eigenvalues, ascending (real).
    ///
    /// ```
    /// use ndarray::{array, Array2};
    /// use ndfactor::GeneralizedEigh;
    /// let g = GeneralizedEigh::new(&array![[0.0f64, 1.0], [1.0, 0.0]], &Array2::eye(2))?;
    /// assert!((g.values()[0] + 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> ArrayView1<'_, T::Real> {
        self.values.view()
    }

    /// The eigenvectors as columns (`n×n`, or `n×count` for a subset; F-order): column `j`
    /// belongs to `values()[j]`. B-orthonormal (`Xᴴ·B·X = I`) for types 1 and 2,
    /// `Xᴴ·B⁻¹·X = I` for type 3.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEigh;
    /// let b = array![[4.0f64, 0.0], [0.0, 1.0]];
    /// let g = GeneralizedEigh::new(&array![[1.0f64, 0.0], [0.0, 1.0]], &b)?;
    /// let xbx = g.vectors().t().dot(&b).dot(&g.vectors());
    /// assert!((xbx[(0, 0)] - 1.0).abs() < 1e-15 && xbx[(0, 1)].abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vectors(&self) -> ArrayView2<'_, T> {
        self.vectors.view()
    }
}

// ------------------------------------------------------------------------------ general pencils

/// What a generalized eigenvalue `λ = α/β` is, said without dividing by zero.
///
/// ```
/// use ndfactor::{c64, GeneralizedEigenvalue, PencilEigenvalue};
/// let e = GeneralizedEigenvalue { alpha: c64::new(1.0, 0.0), beta: c64::new(0.0, 0.0) };
/// assert_eq!(e.value(), PencilEigenvalue::Infinite);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PencilEigenvalue<R> {
    /// A finite eigenvalue `λ = α/β`.
    Finite(Complex<R>),
    /// `β = 0` and `α ≠ 0` (or `|α/β|` overflows): an infinite eigenvalue, i.e. a zero
    /// eigenvalue `μ = β/α` of the reversed pencil `(B, A)`. Appears when `B` is singular.
    Infinite,
    /// `α = β = 0` exactly: the pencil is singular, `det(A − λ·B) = 0` for every `λ`, and this
    /// pair says nothing about the spectrum.
    Indeterminate,
}

/// A generalized eigenvalue as the pair `(α, β)` LAPACK returns: `β·A·x = α·B·x`, so that
/// `λ = α/β` when `β ≠ 0`. The pair is exact where the quotient is not: it is well defined
/// when `β = 0` (infinite eigenvalue) and shows a singular pencil (`α = β = 0`).
///
/// From LAPACK's generalized Schur form, `α = S[j, j]` and `β = T[j, j]` (for real input the
/// conjugate pairs come from 2×2 blocks), so `|α| ≲ ‖A‖` and `|β| ≲ ‖B‖`. For real input `β`
/// is real and non-negative; conjugate pairs are listed with the positive imaginary part of `α`
/// first.
///
/// ```
/// use ndfactor::{c64, GeneralizedEigenvalue, PencilEigenvalue};
/// let e = GeneralizedEigenvalue { alpha: c64::new(3.0, 0.0), beta: c64::new(2.0, 0.0) };
/// assert_eq!(e.finite(), Some(c64::new(1.5, 0.0))); // exact: 3/2 is representable
/// let z = GeneralizedEigenvalue { alpha: c64::new(0.0, 0.0), beta: c64::new(0.0, 0.0) };
/// assert_eq!(z.value(), PencilEigenvalue::Indeterminate);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeneralizedEigenvalue<R> {
    /// The numerator `α`.
    pub alpha: Complex<R>,
    /// The denominator `β`.
    pub beta: Complex<R>,
}

/// `a/b` by Smith's algorithm (no overflow of `|b|²`), `b ≠ 0`.
fn smith_div<R: RealScalar>(a: Complex<R>, b: Complex<R>) -> Complex<R> {
    if b.re.abs() >= b.im.abs() {
        let r = b.im / b.re;
        let d = b.re + b.im * r;
        Complex::new((a.re + a.im * r) / d, (a.im - a.re * r) / d)
    } else {
        let r = b.re / b.im;
        let d = b.re * r + b.im;
        Complex::new((a.re * r + a.im) / d, (a.im * r - a.re) / d)
    }
}

impl<R: RealScalar> GeneralizedEigenvalue<R> {
    /// `λ = α/β` as [`PencilEigenvalue`]: finite, infinite (`β = 0`, or the quotient
    /// overflows) or indeterminate (`α = β = 0`). Never NaN.
    ///
    /// ```
    /// use ndfactor::{c64, GeneralizedEigenvalue, PencilEigenvalue};
    /// let e = GeneralizedEigenvalue { alpha: c64::new(0.0, 2.0), beta: c64::new(2.0, 0.0) };
    /// assert_eq!(e.value(), PencilEigenvalue::Finite(c64::new(0.0, 1.0))); // exact: division by 2
    /// ```
    pub fn value(&self) -> PencilEigenvalue<R> {
        let zero = R::from_f64(0.0);
        let a0 = self.alpha.re == zero && self.alpha.im == zero;
        let b0 = self.beta.re == zero && self.beta.im == zero;
        match (a0, b0) {
            (true, true) => PencilEigenvalue::Indeterminate,
            (false, true) => PencilEigenvalue::Infinite,
            _ => {
                let q = smith_div(self.alpha, self.beta);
                if q.re.is_finite() && q.im.is_finite() {
                    PencilEigenvalue::Finite(q)
                } else {
                    PencilEigenvalue::Infinite
                }
            }
        }
    }

    /// `Some(α/β)` for a finite eigenvalue, `None` for an infinite or indeterminate one.
    ///
    /// ```
    /// use ndfactor::{c64, GeneralizedEigenvalue};
    /// let inf = GeneralizedEigenvalue { alpha: c64::new(1.0, 0.0), beta: c64::new(0.0, 0.0) };
    /// assert_eq!(inf.finite(), None);
    /// ```
    pub fn finite(&self) -> Option<Complex<R>> {
        match self.value() {
            PencilEigenvalue::Finite(l) => Some(l),
            _ => None,
        }
    }

    /// `true` for an infinite eigenvalue (see [`PencilEigenvalue::Infinite`]).
    ///
    /// ```
    /// use ndfactor::{c64, GeneralizedEigenvalue};
    /// let e = GeneralizedEigenvalue { alpha: c64::new(1.0, 0.0), beta: c64::new(0.0, 0.0) };
    /// assert!(e.is_infinite());
    /// ```
    pub fn is_infinite(&self) -> bool {
        self.value() == PencilEigenvalue::Infinite
    }

    /// `true` when `α = β = 0` exactly: the pencil is singular.
    ///
    /// ```
    /// use ndfactor::{c64, GeneralizedEigenvalue};
    /// let e = GeneralizedEigenvalue { alpha: c64::new(0.0, 0.0), beta: c64::new(1.0, 0.0) };
    /// assert!(!e.is_indeterminate()); // λ = 0
    /// ```
    pub fn is_indeterminate(&self) -> bool {
        self.value() == PencilEigenvalue::Indeterminate
    }
}

fn to_pairs<R: RealScalar>(
    pairs: Vec<(Complex<R>, Complex<R>)>,
) -> Array1<GeneralizedEigenvalue<R>> {
    pairs
        .into_iter()
        .map(|(alpha, beta)| GeneralizedEigenvalue { alpha, beta })
        .collect()
}

/// Eigendecomposition of a general square pencil (SciPy's `eig(a, b)`):
/// `β_j·A·x_j = α_j·B·x_j`, and optionally the left eigenvectors `β_j·y_jᴴ·A = α_j·y_jᴴ·B`.
///
/// Computed by the QZ algorithm, which never inverts `B`: it works when `B` is singular or
/// ill conditioned (infinite eigenvalues, `β = 0`), and is backward stable for the pencil.
/// Eigenvalues are returned as [`GeneralizedEigenvalue`] pairs `(α, β)`, with
/// [`GeneralizedEigenvalue::value`] to read `λ = α/β` honestly (finite, infinite, or
/// indeterminate for a singular pencil) instead of a quotient that could be ∞ or NaN.
/// Eigenvectors are complex, not sorted, each scaled so that its largest component has
/// `|re| + |im| = 1` (LAPACK's normalization).
///
/// A singular pencil (`det(A − λ·B) ≡ 0`) is reported by
/// [`is_singular_pencil`](GeneralizedEig::is_singular_pencil) when LAPACK finds a pair with
/// `α = β = 0` exactly. Rounding can hide that: a pencil that is singular in exact arithmetic
/// may give pairs that are merely tiny, or arbitrary eigenvalues; compare `|α|` and `|β|` with
/// `n·ε·‖A‖` and `n·ε·‖B‖` when singularity is possible. For Hermitian `A` with Hermitian
/// positive definite `B` prefer [`GeneralizedEigh`] (real eigenvalues, B-orthonormal vectors).
///
/// # Errors
/// [`Error::NotSquare`], [`Error::DimensionMismatch`], [`Error::NonFinite`] (in `a` or `b`,
/// checked before LAPACK), [`Error::TooLarge`], [`Error::NoConvergence`] (INFO > 0: the QZ
/// iteration or the eigenvector computation failed), [`Error::NumericalBreakdown`].
///
/// # Complexity
/// ≈ 30n³ flops for the eigenvalues, ≈ 50–70n³ with eigenvectors.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sggev | dggev | cggev | zggev |
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, GeneralizedEig, PencilEigenvalue};
/// let a = array![[1.0f64, 2.0], [0.0, 3.0]];
/// let b = array![[1.0f64, 0.0], [0.0, 0.0]]; // singular B: one infinite eigenvalue
/// let g = GeneralizedEig::new(&a, &b)?;
/// assert!(verify::pencil_eig_ratio(&a, &b, &g.values(), &g.vectors().unwrap()) < verify::SCHUR_THRESHOLD);
/// let values: Vec<_> = g.values().iter().map(|e| e.value()).collect();
/// assert!(values.contains(&PencilEigenvalue::Infinite));
/// assert!(values.iter().any(|v| matches!(v, PencilEigenvalue::Finite(l) if (l.re - 1.0).abs() < 1e-15)));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "eig")]
#[doc(alias = "ggev")]
#[derive(Debug, Clone)]
pub struct GeneralizedEig<T: Scalar> {
    eigenvalues: Array1<GeneralizedEigenvalue<T::Real>>,
    vectors: Option<Array2<Complex<T::Real>>>,
    left: Option<Array2<Complex<T::Real>>>,
}

/// Validated F-order copies of a general pencil.
fn prepared_general<T, S1, S2>(
    a: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, Ix2>,
) -> Result<(Array2<T>, Array2<T>)>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    check_pencil(a, b)?;
    check_finite(a)?;
    check_finite(b)?;
    Ok((to_col_major(a), to_col_major(b)))
}

impl<T: Scalar> GeneralizedEig<T> {
    /// Eigenvalues and right eigenvectors.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let a = array![[0.0f64, -1.0], [1.0, 0.0]];
    /// let b = array![[2.0f64, 0.0], [0.0, 2.0]];
    /// let g = GeneralizedEig::new(&a, &b)?; // λ = ±i/2
    /// assert!(g.values().iter().all(|e| (e.finite().unwrap().im.abs() - 0.5).abs() < 1e-15));
    /// assert_eq!(g.vectors().unwrap().dim(), (2, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::compute(a, b, false, true)
    }

    /// Eigenvalues, right and left eigenvectors.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let a = array![[1.0f64, 2.0], [0.0, 3.0]];
    /// let b = array![[2.0f64, 0.0], [1.0, 1.0]];
    /// let g = GeneralizedEig::with_left(&a, &b)?;
    /// assert!(g.left_vectors().is_some() && g.vectors().is_some());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_left<S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::compute(a, b, true, true)
    }

    /// Eigenvalues only (SciPy's `eigvals(a, b)`, as pairs).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let a = array![[2.0f64, 0.0], [0.0, 3.0]];
    /// let g = GeneralizedEig::values_only(&a, &ndarray::Array2::eye(2))?;
    /// assert!(g.vectors().is_none());
    /// let mut l: Vec<f64> = g.values().iter().map(|e| e.finite().unwrap().re).collect();
    /// l.sort_by(f64::total_cmp);
    /// assert!((l[0] - 2.0).abs() < 1e-15 && (l[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "eigvals")]
    pub fn values_only<S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        Self::compute(a, b, false, false)
    }

    fn compute<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        left: bool,
        right: bool,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (mut ca, mut cb) = prepared_general(a, b)?;
        let n = ca.nrows();
        let g = ggev(&mut ca, &mut cb, left, right)?;
        let alphas: Vec<Complex<T::Real>> = g.pairs.iter().map(|p| p.0).collect();
        let vectors = g.vr.as_ref().map(|v| unpack::<T>(n, &alphas, v));
        let left = g.vl.as_ref().map(|v| unpack::<T>(n, &alphas, v));
        Ok(GeneralizedEig {
            eigenvalues: to_pairs(g.pairs),
            vectors,
            left,
        })
    }

    /// Order `n` of the pencil.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::GeneralizedEig;
    /// let i = Array2::<f64>::eye(3);
    /// assert_eq!(GeneralizedEig::new(&i, &i)?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.eigenvalues.len()
    }

    /// The eigenvalues as `(α, β)` pairs, in LAPACK's order (not sorted).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[6.0f64]], &array![[3.0]])?;
    /// assert!((g.values()[0].finite().unwrap().re - 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> ArrayView1<'_, GeneralizedEigenvalue<T::Real>> {
        self.eigenvalues.view()
    }

    /// The former name of `values` (the name every eigen type uses).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[6.0f64]], &array![[3.0]])?;
    /// #[allow(deprecated)]
    /// let l = g.eigenvalues();
    /// assert_eq!(l, g.values()); // exact: the same values
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `values`, as on `Eig` and `SymmetricEigen`")]
    pub fn eigenvalues(&self) -> ArrayView1<'_, GeneralizedEigenvalue<T::Real>> {
        self.values()
    }

    /// The numerators `α` (allocates).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[6.0f64]], &array![[3.0]])?;
    /// let (a, b) = (g.alpha()[0], g.beta()[0]);
    /// assert!((a.re / b.re - 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn alpha(&self) -> Array1<Complex<T::Real>> {
        self.eigenvalues.mapv(|e| e.alpha)
    }

    /// The denominators `β` (allocates).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[1.0f64, 0.0], [0.0, 1.0]], &array![[1.0, 0.0], [0.0, 0.0]])?;
    /// assert!(g.beta().iter().any(|b| b.re == 0.0 && b.im == 0.0)); // exact: B's zero row and column deflate exactly
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn beta(&self) -> Array1<Complex<T::Real>> {
        self.eigenvalues.mapv(|e| e.beta)
    }

    /// `true` when some pair has `α = β = 0` exactly, which proves the pencil singular
    /// (`det(A − λ·B) ≡ 0`). See the type's documentation for pencils singular up to rounding.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// // A and B share the null vector e₂: det(A − λB) = 0 for every λ.
    /// let a = array![[1.0f64, 0.0], [0.0, 0.0]];
    /// let b = array![[2.0f64, 0.0], [0.0, 0.0]];
    /// assert!(GeneralizedEig::new(&a, &b)?.is_singular_pencil());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn is_singular_pencil(&self) -> bool {
        self.eigenvalues.iter().any(|e| e.is_indeterminate())
    }

    /// The right eigenvectors as complex columns (`None` from
    /// [`values_only`](Self::values_only)): column `j` belongs to `eigenvalues()[j]`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[2.0f64, 0.0], [0.0, 5.0]], &ndarray::Array2::eye(2))?;
    /// let v = g.vectors().unwrap();
    /// assert!(v.columns().into_iter().all(|c| c.iter().map(|x| x.re.abs() + x.im.abs()).fold(0.0, f64::max) == 1.0)); // exact: the eigenvectors of a diagonal pencil are unit vectors
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vectors(&self) -> Option<ArrayView2<'_, Complex<T::Real>>> {
        self.vectors.as_ref().map(|v| v.view())
    }

    /// The left eigenvectors `y_j` (`β_j·y_jᴴ·A = α_j·y_jᴴ·B`), when computed by
    /// [`with_left`](Self::with_left).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::GeneralizedEig;
    /// let g = GeneralizedEig::new(&array![[1.0f64]], &array![[1.0]])?;
    /// assert!(g.left_vectors().is_none());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn left_vectors(&self) -> Option<ArrayView2<'_, Complex<T::Real>>> {
        self.left.as_ref().map(|v| v.view())
    }
}

// ------------------------------------------------------------------------ generalized Schur (QZ)

/// Generalized Schur (QZ) decomposition of a square pencil (SciPy's `qz` and `ordqz`):
/// `A = Q·S·Zᴴ`, `B = Q·T·Zᴴ` with `Q`, `Z` unitary.
///
/// For **complex** input `S` and `T` are upper triangular; for **real** input everything stays
/// real: `T` is upper triangular and `S` quasi upper triangular, with 2×2 blocks for complex
/// conjugate eigenvalue pairs (the matching 2×2 block of `T` is diagonal and positive). The
/// generalized eigenvalues are `α_j/β_j` from the diagonals, returned as
/// [`GeneralizedEigenvalue`] pairs. [`reorder`](Qz::reorder) moves the eigenvalues chosen by a
/// predicate to the top-left (SciPy's `ordqz`), so that the leading `k` columns of `Z` (right)
/// and `Q` (left) span the deflating subspaces of those eigenvalues: the basis of
/// descriptor-system and Riccati solvers.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::DimensionMismatch`], [`Error::NonFinite`] (checked before
/// LAPACK), [`Error::TooLarge`], [`Error::NoConvergence`] (the QZ iteration failed),
/// [`Error::NumericalBreakdown`]; [`reorder`](Qz::reorder) may return
/// [`Error::ReorderFailed`] (eigenvalues too close to swap, the form is then unchanged).
///
/// # Complexity
/// ≈ 66n³ flops with both `Q` and `Z`; reordering O(n²) per swap, O(n³) at worst.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgges | dgges | cgges | zgges |
/// | stgsen | dtgsen | ctgsen | ztgsen |
///
/// ?gges with SORT = 'N'; reordering with ?tgsen (IJOB = 0), so no Rust closure is called
/// from Fortran.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Qz};
/// let a = array![[1.0f64, 2.0, 0.0], [-3.0, 1.0, 4.0], [0.0, 0.5, -2.0]];
/// let b = array![[2.0f64, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]];
/// let qz = Qz::new(&a, &b)?;
/// assert!(verify::qz_ratio(&a, &b, &qz) < verify::SCHUR_THRESHOLD);
/// assert!(verify::orthogonality_ratio(&qz.q()) < verify::SCHUR_THRESHOLD);
/// assert!(verify::orthogonality_ratio(&qz.z()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "qz")]
#[doc(alias = "gges")]
#[derive(Debug, Clone)]
pub struct Qz<T: Scalar> {
    s: Array2<T>,
    t: Array2<T>,
    q: Array2<T>,
    z: Array2<T>,
    eigenvalues: Array1<GeneralizedEigenvalue<T::Real>>,
}

impl<T: Scalar> Qz<T> {
    /// The generalized Schur decomposition of the pencil `(A, B)`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let qz = Qz::new(&array![[1.0f64, 2.0], [3.0, 4.0]], &array![[1.0, 0.0], [0.0, 1.0]])?;
    /// assert_eq!(qz.t()[(1, 0)], 0.0); // exact: T is upper triangular by construction
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S1, S2>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (mut s, mut t) = prepared_general(a, b)?;
        let g = gges(&mut s, &mut t)?;
        Ok(Qz {
            s,
            t,
            q: g.q,
            z: g.z,
            eigenvalues: to_pairs(g.pairs),
        })
    }

    /// The decomposition reordered so that the eigenvalues for which `predicate` is true come
    /// first (SciPy's `ordqz(a, b, sort)`); returns it with the number `k` of selected
    /// eigenvalues. See [`reorder`](Self::reorder).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let a = array![[3.0f64, 1.0, 0.0], [0.0, -1.0, 1.0], [0.0, 0.0, 2.0]];
    /// let b = ndarray::Array2::<f64>::eye(3);
    /// // "lhp": eigenvalues with negative real part first.
    /// let (qz, k) = Qz::sorted(&a, &b, |e| e.finite().is_some_and(|l| l.re < 0.0))?;
    /// assert_eq!(k, 1);
    /// assert!((qz.values()[0].finite().unwrap().re + 1.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "ordqz")]
    pub fn sorted<S1, S2>(
        a: &ArrayBase<S1, Ix2>,
        b: &ArrayBase<S2, Ix2>,
        predicate: impl FnMut(GeneralizedEigenvalue<T::Real>) -> bool,
    ) -> Result<(Self, usize)>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let mut qz = Self::new(a, b)?;
        let k = qz.reorder(predicate)?;
        Ok((qz, k))
    }

    /// Reorders the form so that the eigenvalues for which `predicate` is true come first,
    /// keeping `A = Q·S·Zᴴ`, `B = Q·T·Zᴴ`; returns their number `k` (the first `k` columns of
    /// `Z` span the right deflating subspace, those of `Q` the left one). For real input a
    /// complex conjugate pair is selected when the predicate holds for either member, and
    /// counts 2. On [`Error::ReorderFailed`] the decomposition is left unchanged.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let a = array![[1.0f64, 0.0], [0.0, 4.0]];
    /// let b = array![[1.0f64, 0.0], [0.0, 0.0]]; // λ = 1 and ∞
    /// let mut qz = Qz::new(&a, &b)?;
    /// assert_eq!(qz.reorder(|e| e.is_infinite())?, 1);
    /// assert!(qz.values()[0].is_infinite());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "ordqz")]
    #[doc(alias = "tgsen")]
    pub fn reorder(
        &mut self,
        mut predicate: impl FnMut(GeneralizedEigenvalue<T::Real>) -> bool,
    ) -> Result<usize> {
        let n = self.n();
        let mut select = vec![0 as BlasInt; n];
        let mut k = 0;
        while k < n {
            if !T::IS_COMPLEX && k + 1 < n && self.s[(k + 1, k)] != T::zero() {
                // A 2×2 block: both or neither (non-short-circuit `|`: both are evaluated).
                let sel = predicate(self.eigenvalues[k]) | predicate(self.eigenvalues[k + 1]);
                select[k] = BlasInt::from(sel);
                select[k + 1] = BlasInt::from(sel);
                k += 2;
            } else {
                select[k] = BlasInt::from(predicate(self.eigenvalues[k]));
                k += 1;
            }
        }
        // Work on copies: on failure ?tgsen leaves the arrays partially reordered.
        let (mut s, mut t, mut q, mut z) = (
            self.s.clone(),
            self.t.clone(),
            self.q.clone(),
            self.z.clone(),
        );
        let (pairs, m) = tgsen(&mut s, &mut t, &mut q, &mut z, &select)?;
        *self = Qz {
            s,
            t,
            q,
            z,
            eigenvalues: to_pairs(pairs),
        };
        Ok(m)
    }

    /// Order `n` of the pencil.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::Qz;
    /// let i = Array2::<f64>::eye(2);
    /// assert_eq!(Qz::new(&i, &i)?.n(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.s.nrows()
    }

    /// `S`, the (quasi) upper triangular factor of `A` (LAPACK's `AA`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{c64, Qz};
    /// let a = array![[c64::new(1.0, 1.0), c64::new(2.0, 0.0)], [c64::new(0.5, 0.0), c64::new(0.0, 1.0)]];
    /// let qz = Qz::new(&a, &ndarray::Array2::<c64>::eye(2))?;
    /// assert_eq!(qz.s()[(1, 0)], c64::new(0.0, 0.0)); // exact: complex S is triangular by construction
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> ArrayView2<'_, T> {
        self.s.view()
    }

    /// `T`, the upper triangular factor of `B` (LAPACK's `BB`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let qz = Qz::new(&array![[1.0f64, 2.0], [3.0, 4.0]], &array![[1.0, 2.0], [0.0, 1.0]])?;
    /// assert_eq!(qz.t()[(1, 0)], 0.0); // exact: T is upper triangular by construction
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn t(&self) -> ArrayView2<'_, T> {
        self.t.view()
    }

    /// `Q`, the unitary left Schur vectors (LAPACK's `VSL`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Qz};
    /// let qz = Qz::new(&array![[1.0f64, 2.0], [3.0, 4.0]], &array![[1.0, 2.0], [0.0, 1.0]])?;
    /// assert!(verify::orthogonality_ratio(&qz.q()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q(&self) -> ArrayView2<'_, T> {
        self.q.view()
    }

    /// `Z`, the unitary right Schur vectors (LAPACK's `VSR`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Qz};
    /// let qz = Qz::new(&array![[1.0f64, 2.0], [3.0, 4.0]], &array![[1.0, 2.0], [0.0, 1.0]])?;
    /// assert!(verify::orthogonality_ratio(&qz.z()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn z(&self) -> ArrayView2<'_, T> {
        self.z.view()
    }

    /// The generalized eigenvalues `(α_j, β_j)` in the order of the diagonals of `S` and `T`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let qz = Qz::new(&array![[2.0f64, 1.0], [0.0, 6.0]], &array![[1.0, 0.0], [0.0, 2.0]])?;
    /// let mut l: Vec<f64> = qz.values().iter().map(|e| e.finite().unwrap().re).collect();
    /// l.sort_by(f64::total_cmp);
    /// assert!((l[0] - 2.0).abs() < 1e-14 && (l[1] - 3.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> ArrayView1<'_, GeneralizedEigenvalue<T::Real>> {
        self.eigenvalues.view()
    }

    /// The former name of `values` (the name every eigen type uses).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Qz;
    /// let qz = Qz::new(&array![[2.0f64]], &array![[1.0]])?;
    /// #[allow(deprecated)]
    /// let l = qz.eigenvalues();
    /// assert_eq!(l, qz.values()); // exact: the same values
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `values`, as on `Eig` and `SymmetricEigen`")]
    pub fn eigenvalues(&self) -> ArrayView1<'_, GeneralizedEigenvalue<T::Real>> {
        self.values()
    }

    /// Rebuilds `(Q·S·Zᴴ, Q·T·Zᴴ)` (allocates; F-order).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Qz;
    /// let (a, b) = (array![[1.0f64, 2.0], [3.0, 4.0]], array![[1.0, 2.0], [0.0, 1.0]]);
    /// let (ra, rb) = Qz::new(&a, &b)?.reconstruct();
    /// assert!((&ra - &a).iter().chain((&rb - &b).iter()).all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> (Array2<T>, Array2<T>) {
        let zh = self.z.t().mapv(|x| x.conj());
        let n = self.n();
        let mut ra = Array2::zeros((n, n).f());
        ra.assign(&self.q.dot(&self.s).dot(&zh));
        let mut rb = Array2::zeros((n, n).f());
        rb.assign(&self.q.dot(&self.t).dot(&zh));
        (ra, rb)
    }
}
