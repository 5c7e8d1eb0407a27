//! Schur decomposition of a general square matrix, with eigenvalue reordering.

use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};
use num_complex::Complex;

use crate::error::Result;
use crate::lapack::schur::{gees, trsen};
use crate::lapack::BlasInt;
use crate::layout::{check_dims, check_finite, check_square, into_col_major, to_col_major};
use crate::scalar::Scalar;

/// Schur decomposition of a square matrix: `A = Z·T·Zᴴ` with `Z` unitary.
///
/// For **complex** input `T` is upper triangular (the complex Schur form) and its diagonal holds
/// the eigenvalues. For **real** input everything stays real: `T` is *quasi* upper triangular
/// (the real Schur form), with 1×1 blocks for real eigenvalues and 2×2 blocks
/// `[[a, b], [c, a]]` (`b·c < 0`, LAPACK's standardized form) for each complex conjugate pair
/// `a ± i·√(−b·c)`; every entry below the first subdiagonal is zero. `Z` is orthogonal.
///
/// The Schur form is the backward-stable route to eigenvalues and invariant subspaces of
/// nonsymmetric matrices (use `SymmetricEigen` for Hermitian ones); it is also the first step of
/// matrix functions (`sqrtm`, `logm`) and Sylvester/Lyapunov solvers. With
/// [`reorder`](Schur::reorder) the eigenvalues of interest (stable ones, those inside the unit
/// disc, ...) are moved to the top-left, so that the leading columns of `Z` span their
/// invariant subspace.
///
/// Eigenvalues of defective matrices (Jordan blocks) are ill-conditioned: a Jordan block of
/// order `n` has eigenvalue errors of order `ε^{1/n}`, although `Z·T·Zᴴ` still reproduces `A` to
/// working accuracy.
///
/// # Errors
/// [`Error::NotSquare`](crate::Error::NotSquare), [`Error::NonFinite`](crate::Error::NonFinite)
/// (checked before LAPACK is called: NaN can make the QR iteration loop or return garbage),
/// [`Error::TooLarge`](crate::Error::TooLarge), [`Error::NoConvergence`](crate::Error::NoConvergence)
/// (LAPACK's INFO in 1..=n: the QR iteration failed), [`Error::NumericalBreakdown`](crate::Error::NumericalBreakdown).
/// [`reorder`](Schur::reorder) may return [`Error::ReorderFailed`](crate::Error::ReorderFailed).
///
/// # Complexity
/// ≈ 25n³ flops with the Schur vectors (≈ 10n³ for `T` alone); reordering costs O(n²) per swap
/// of neighbouring blocks, O(n³) at worst.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgees | dgees | cgees | zgees |
///
/// called with JOBVS = 'V', SORT = 'N'; reordering with ?trsen (JOB = 'N', COMPQ = 'V').
///
/// | operation | method |
/// |---|---|
/// | factors | [`t`](Schur::t), [`z`](Schur::z), [`reconstruct`](Schur::reconstruct) |
/// | eigenvalues | [`eigenvalues`](Schur::eigenvalues) |
/// | reorder | [`reorder`](Schur::reorder), [`sorted`](Schur::sorted) |
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Schur};
/// let a = array![[1.0f64, 2.0, 0.0], [-3.0, 1.0, 4.0], [0.0, 0.5, -2.0]];
/// let schur = Schur::new(&a)?;
/// assert!(verify::schur_ratio(&a, &schur.z(), &schur.t()) < verify::SCHUR_THRESHOLD);
/// assert!(verify::orthogonality_ratio(&schur.z()) < verify::SCHUR_THRESHOLD);
/// // The eigenvalues of A are those of T.
/// let tr: f64 = schur.values().iter().map(|l| l.re).sum();
/// assert!((tr - 0.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Schur<T: Scalar> {
    /// The (quasi) upper triangular Schur form, F-order.
    t: Array2<T>,
    /// The unitary Schur vectors, F-order.
    z: Array2<T>,
    /// Eigenvalues in the order of T's diagonal (conjugate pairs: positive imaginary part first).
    eigenvalues: Array1<Complex<T::Real>>,
}

impl<T: Scalar> Schur<T> {
    /// Computes the Schur decomposition of a square matrix given as any 2-D array or view.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{c64, Schur};
    /// // The rotation generator has eigenvalues ±i.
    /// let s = Schur::new(&array![[0.0f64, -1.0], [1.0, 0.0]])?;
    /// let mut l = s.values().to_vec();
    /// l.sort_by(|x, y| x.im.total_cmp(&y.im));
    /// assert!((l[0] - c64::new(0.0, -1.0)).norm() < 1e-15);
    /// assert!((l[1] - c64::new(0.0, 1.0)).norm() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)?;
        Self::factor(to_col_major(a))
    }

    /// Computes the Schur decomposition of an owned matrix, reusing its buffer for `T` when it
    /// is already F-contiguous.
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::Schur;
    /// let s = Schur::from_owned(Array2::<f64>::eye(3))?;
    /// assert_eq!(s.t(), Array2::<f64>::eye(3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        check_square(&a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(&a)?;
        Self::factor(into_col_major(a))
    }

    /// Computes the Schur decomposition and moves the eigenvalues satisfying `predicate` to the
    /// top-left of `T`: a shortcut for [`new`](Schur::new) followed by
    /// [`reorder`](Schur::reorder). Returns the decomposition and the number of selected
    /// eigenvalues.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Schur};
    /// let a = array![[2.0f64, 1.0, 0.0], [0.0, -1.0, 1.0], [0.0, 0.0, 0.5]];
    /// // Eigenvalues inside the unit disc first.
    /// let (s, k) = Schur::sorted(&a, |l| l.norm() < 1.0)?;
    /// assert_eq!(k, 1);
    /// assert!((s.values()[0].re - 0.5).abs() < 1e-15);
    /// assert!(verify::schur_ratio(&a, &s.z(), &s.t()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn sorted<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        predicate: impl FnMut(Complex<T::Real>) -> bool,
    ) -> Result<(Self, usize)> {
        let mut s = Self::new(a)?;
        let k = s.reorder(predicate)?;
        Ok((s, k))
    }

    fn factor(mut a: Array2<T>) -> Result<Self> {
        let g = gees(&mut a)?;
        Ok(Schur {
            t: a,
            z: g.z,
            eigenvalues: Array1::from(g.eigenvalues),
        })
    }

    /// Order `n` of the matrix.
    ///
    /// ```
    /// # use ndfactor::Schur;
    /// assert_eq!(Schur::new(&ndarray::Array2::<f64>::eye(4))?.n(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.t.nrows()
    }

    /// The Schur form `T`: upper triangular for complex types, quasi upper triangular with
    /// standardized 2×2 blocks for real types (see [`Schur`]). F-order.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Schur;
    /// let s = Schur::new(&array![[1.0f64, 2.0], [0.0, 3.0]])?;
    /// let t = s.t();
    /// assert_eq!(t[(1, 0)], 0.0); // real eigenvalues: triangular; exact: LAPACK stores 0 below a 1×1 block
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn t(&self) -> ArrayView2<'_, T> {
        self.t.view()
    }

    /// The unitary (orthogonal for real types) matrix of Schur vectors `Z`. F-order.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{verify, Schur};
    /// let s = Schur::new(&array![[1.0f64, 2.0], [3.0, 4.0]])?;
    /// assert!(verify::orthogonality_ratio(&s.z()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn z(&self) -> ArrayView2<'_, T> {
        self.z.view()
    }

    /// The eigenvalues in the order in which they appear on the diagonal of `T`. A complex
    /// conjugate pair of a real matrix is listed as `a + i·β`, `a − i·β` (`β > 0`).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Schur;
    /// let l = Schur::new(&array![[2.0f64, 0.0], [0.0, -1.0]])?.values();
    /// assert!(l.iter().all(|z| z.im == 0.0)); // exact: 1×1 blocks have their imaginary part set to 0
    /// assert!((l.iter().map(|z| z.re).sum::<f64>() - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> Array1<Complex<T::Real>> {
        self.eigenvalues.clone()
    }

    /// The former name of `values` (the name every eigen type uses).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Schur;
    /// let s = Schur::new(&array![[2.0f64]])?;
    /// #[allow(deprecated)]
    /// let l = s.eigenvalues();
    /// assert_eq!(l[0].re, 2.0); // exact: a 1×1 matrix is its own Schur form
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `values`, as on `Eig` and `SymmetricEigen`")]
    pub fn eigenvalues(&self) -> Array1<Complex<T::Real>> {
        self.values()
    }

    /// Rebuilds `A = Z·T·Zᴴ` (for checks; costs two matrix products).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Schur;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0]];
    /// let r = Schur::new(&a)?.reconstruct();
    /// assert!((&r - &a).iter().all(|d| d.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let zh = self.z.t().mapv(|x| x.conj());
        let mut out = Array2::zeros(self.t.raw_dim().f());
        out.assign(&self.z.dot(&self.t).dot(&zh));
        out
    }

    /// Reorders the decomposition so that the eigenvalues satisfying `predicate` come first on
    /// the diagonal of `T` (keeping `A = Z·T·Zᴴ`); returns how many were selected, `k`. The
    /// leading `k` columns of `Z` then span the invariant subspace of the selected eigenvalues.
    ///
    /// The predicate is an ordinary Rust closure, evaluated in Rust on the current eigenvalues
    /// before LAPACK is called (it is never called from Fortran, so a panic in it is an ordinary
    /// panic). For a real matrix a complex conjugate pair occupies one 2×2 block and cannot be
    /// split: the pair is selected when the predicate holds for **either** eigenvalue, and then
    /// counts as 2. The relative order within the selected and within the unselected
    /// eigenvalues is kept.
    ///
    /// Common predicates: stable eigenvalues `|l| l.re < 0.0` (continuous time), eigenvalues
    /// inside the unit disc `|l| l.norm() < 1.0` (discrete time).
    ///
    /// # Errors
    /// [`Error::ReorderFailed`](crate::Error::ReorderFailed) when two blocks to be swapped have
    /// eigenvalues too close to separate (real types only; LAPACK's INFO = 1). The
    /// decomposition is then left unchanged.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Schur};
    /// let a = array![[1.0f64, 2.0, 3.0], [0.0, -2.0, 1.0], [1.0, 0.0, -3.0]];
    /// let mut s = Schur::new(&a)?;
    /// let k = s.reorder(|l| l.re < 0.0)?; // stable eigenvalues first
    /// let l = s.values();
    /// assert!(l.iter().take(k).all(|l| l.re < 0.0));
    /// assert!(l.iter().skip(k).all(|l| l.re >= 0.0));
    /// assert!(verify::schur_ratio(&a, &s.z(), &s.t()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reorder(
        &mut self,
        mut predicate: impl FnMut(Complex<T::Real>) -> bool,
    ) -> Result<usize> {
        let n = self.n();
        let mut select = vec![0 as BlasInt; n];
        let mut k = 0;
        while k < n {
            if !T::IS_COMPLEX && k + 1 < n && self.t[(k + 1, k)] != T::zero() {
                // A 2×2 block: both or neither (non-short-circuit `|`: both are evaluated).
                let s = predicate(self.eigenvalues[k]) | predicate(self.eigenvalues[k + 1]);
                select[k] = BlasInt::from(s);
                select[k + 1] = BlasInt::from(s);
                k += 2;
            } else {
                select[k] = BlasInt::from(predicate(self.eigenvalues[k]));
                k += 1;
            }
        }
        // Work on copies: on failure ?trsen leaves T and Z partially reordered.
        let mut t = self.t.clone();
        let mut z = self.z.clone();
        let (eigenvalues, m) = trsen(&mut t, &mut z, &select)?;
        self.t = t;
        self.z = z;
        self.eigenvalues = Array1::from(eigenvalues);
        Ok(m)
    }
}
