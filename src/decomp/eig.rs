//! Eigenvalues and eigenvectors of a general (nonsymmetric) square matrix.

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2, ShapeBuilder};
use num_complex::Complex;

use crate::error::Result;
use crate::lapack::eig::{geev, geevx, Balanc, Sense};
use crate::layout::{check_dims, check_finite, check_square, into_col_major, to_col_major};
use crate::scalar::Scalar;

/// Which eigenvectors [`Eig`] computes besides the eigenvalues.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{Eig, EigVectors};
/// let e = Eig::with_vectors(&array![[2.0f64, 1.0], [0.0, 3.0]], EigVectors::Both)?;
/// assert!(e.left_vectors().is_some());
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EigVectors {
    /// Right eigenvectors only: `A·v = λ·v`.
    Right,
    /// Right and left eigenvectors: also `uᴴ·A = λ·uᴴ`.
    Both,
}

/// How [`Eig::with_balance`] and [`Eig::with_condition`] balance the matrix before the QR
/// iteration (LAPACK's ?gebal, the BALANC argument of ?geevx).
///
/// Balancing computes `B = D⁻¹·Pᵀ·A·P·D` with a permutation `P` that isolates eigenvalues
/// already exposed by zero rows/columns (`Permute`) and a diagonal `D` of powers of 2 that
/// makes row and column norms comparable (`Scale`); `Both` is what [`Eig::new`] (?geev) does.
/// The eigenvalues of `B` are those of `A` and the eigenvectors are mapped back as `P·D·v`.
/// Balancing costs O(n²) per sweep (a few sweeps), negligible next to the O(n³) iteration.
///
/// **What it buys.** The QR iteration is backward stable for the matrix it sees: eigenvalues
/// are exact for `B + E` with `‖E‖ ≈ ε·‖B‖`. On badly scaled (e.g. graded) matrices
/// `‖B‖ ≪ ‖A‖`, so balanced eigenvalues are much more accurate.
///
/// **When to turn scaling off** (`None` or `Permute`). The backward error bound holds for `B`,
/// not `A`: in `A`'s coordinates the residual `‖A·V − V·Λ‖` can exceed `ε·‖A‖·‖V‖` by up to
/// `κ(D) = max dᵢ / min dᵢ`. When the small entries of `A` are noise rather than meaningful
/// (scaling blows them up to the size of the others), or when the residual in the original
/// coordinates is what matters, use `None`: the result is then backward stable for `A` itself
/// (cf. D. S. Watkins, "A case where balancing is harmful", ETNA 23, 2006). Permutation alone
/// never hurts: it is exact and only reorders rows and columns.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Balance, Eig, EigVectors};
/// assert_eq!(Balance::default(), Balance::Both);
/// let a = array![[1.0f64, 1e-8], [1e8, 1.0]]; // eigenvalues 0 and 2
/// let e = Eig::with_balance(&a, EigVectors::Right, Balance::None)?;
/// assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Balance {
    /// No balancing: backward stable for `A` itself.
    None,
    /// Permutation only (exact; isolates eigenvalues exposed by zero patterns).
    Permute,
    /// Diagonal scaling by powers of 2 only.
    Scale,
    /// Permutation then scaling (what ?geev and [`Eig::new`] do).
    #[default]
    Both,
}

impl Balance {
    fn balanc(self) -> Balanc {
        match self {
            Balance::None => Balanc::None,
            Balance::Permute => Balanc::Permute,
            Balance::Scale => Balanc::Scale,
            Balance::Both => Balanc::Both,
        }
    }
}

/// Eigendecomposition of a general square matrix: `A·V = V·Λ`, and optionally `VLᴴ·A = Λ·VLᴴ`.
///
/// The eigenvalues `λⱼ` and eigenvectors are complex even for real input (a real matrix's
/// complex eigenvalues come in conjugate pairs, listed as `a + i·β` then `a − i·β` with
/// `β > 0`, and so do their eigenvectors). Each eigenvector column has unit 2-norm and its
/// largest component real (LAPACK's normalization). The eigenvalues are not sorted.
///
/// The eigenvector matrix `V` need not be invertible (defective matrices such as Jordan blocks),
/// and eigenvalues of nonnormal matrices can be very sensitive to perturbations. When you need
/// an invariant subspace rather than individual eigenvectors, prefer the backward-stable
/// [`Schur`](crate::Schur) decomposition; for Hermitian matrices use `SymmetricEigen`.
///
/// # Errors
/// [`Error::NotSquare`](crate::Error::NotSquare), [`Error::NonFinite`](crate::Error::NonFinite)
/// (checked before LAPACK: ?geev with NaN can write out of bounds),
/// [`Error::TooLarge`](crate::Error::TooLarge), [`Error::NoConvergence`](crate::Error::NoConvergence)
/// (LAPACK's INFO > 0: the QR iteration failed), [`Error::NumericalBreakdown`](crate::Error::NumericalBreakdown).
///
/// # Complexity
/// ≈ 10n³ flops for eigenvalues only, ≈ 25n³ with right eigenvectors, more with left ones.
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgeev | dgeev | cgeev | zgeev |
/// | sgeevx | dgeevx | cgeevx | zgeevx |
///
/// | operation | method |
/// |---|---|
/// | eigenvalues only | [`values_only`](Eig::values_only) |
/// | eigenvalues and right eigenvectors | [`new`](Eig::new), [`values`](Eig::values), [`vectors`](Eig::vectors) |
/// | left eigenvectors too | [`with_left`](Eig::with_left), [`left_vectors`](Eig::left_vectors) |
/// | balancing chosen ([`Balance`], ?geevx) | [`with_balance`](Eig::with_balance), [`balanced_norm1`](Eig::balanced_norm1), [`balance_scaling`](Eig::balance_scaling) |
/// | eigenvalue condition numbers (?geevx) | [`with_condition`](Eig::with_condition), [`eigenvalue_rcond`](Eig::eigenvalue_rcond) |
///
/// ```
/// use ndarray::array;
/// use ndfactor::{verify, Eig};
/// let a = array![[0.0f64, -1.0], [1.0, 0.0]]; // rotation generator: λ = ±i
/// let e = Eig::new(&a)?;
/// assert!((e.values()[0].im.abs() - 1.0).abs() < 1e-15);
/// assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Eig<T: Scalar> {
    values: Array1<Complex<T::Real>>,
    vectors: Array2<Complex<T::Real>>,
    left: Option<Array2<Complex<T::Real>>>,
    /// Reciprocal eigenvalue condition numbers (?geevx with SENSE = 'E').
    rcond: Option<Array1<T::Real>>,
    /// 1-norm of the balanced matrix and the diagonal of `D` (?geevx only).
    balancing: Option<(T::Real, Array1<T::Real>)>,
}

impl<T: Scalar> Eig<T> {
    /// Eigenvalues and right eigenvectors of a square matrix given as any 2-D array or view.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Eig};
    /// let a = array![[2.0f64, 1.0], [1.0, 2.0]];
    /// let e = Eig::new(&a)?;
    /// let mut l: Vec<f64> = e.values().iter().map(|z| z.re).collect();
    /// l.sort_by(f64::total_cmp);
    /// assert!((l[0] - 1.0).abs() < 1e-15 && (l[1] - 3.0).abs() < 1e-15);
    /// assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::with_vectors(a, EigVectors::Right)
    }

    /// Eigenvalues, right and left eigenvectors (`uⱼᴴ·A = λⱼ·uⱼᴴ`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Eig};
    /// let a = array![[1.0f64, 2.0], [0.0, 3.0]];
    /// let e = Eig::with_left(&a)?;
    /// let vl = e.left_vectors().unwrap();
    /// assert!(verify::eig_left_ratio(&a, &e.values(), &vl) < verify::SCHUR_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_left<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::with_vectors(a, EigVectors::Both)
    }

    /// Eigenvalues and the eigenvectors chosen by `which`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Eig, EigVectors};
    /// let e = Eig::with_vectors(&array![[1.0f64]], EigVectors::Right)?;
    /// assert!(e.left_vectors().is_none());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_vectors<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        which: EigVectors,
    ) -> Result<Self> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)?;
        Self::compute(to_col_major(a), which)
    }

    /// Eigenvalues and right eigenvectors of an owned matrix (its buffer is reused as LAPACK's
    /// workspace when it is F-contiguous).
    ///
    /// ```
    /// use ndarray::Array2;
    /// use ndfactor::Eig;
    /// let e = Eig::from_owned(Array2::<f64>::eye(2))?;
    /// assert!(e.values().iter().all(|l| l.re == 1.0 && l.im == 0.0)); // exact: balancing isolates each eigenvalue of I: copies of its diagonal
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        check_square(&a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(&a)?;
        Self::compute(into_col_major(a), EigVectors::Right)
    }

    /// Only the eigenvalues (cheaper: no eigenvectors are computed), in LAPACK's order.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::Eig;
    /// let l = Eig::values_only(&array![[0.0f64, 1.0], [-2.0, -3.0]])?; // λ = -1, -2
    /// let mut re: Vec<f64> = l.iter().map(|z| z.re).collect();
    /// re.sort_by(f64::total_cmp);
    /// assert!((re[0] + 2.0).abs() < 1e-14 && (re[1] + 1.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values_only<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
    ) -> Result<Array1<Complex<T::Real>>> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)?;
        let mut a = to_col_major(a);
        let g = geev(&mut a, false, false)?;
        Ok(Array1::from(g.values))
    }

    fn compute(mut a: Array2<T>, which: EigVectors) -> Result<Self> {
        let n = a.nrows();
        let left = which == EigVectors::Both;
        let g = geev(&mut a, left, true)?;
        let vectors = unpack::<T>(
            n,
            &g.values,
            g.right.as_ref().expect("right vectors requested"),
        );
        let left = g.left.as_ref().map(|v| unpack::<T>(n, &g.values, v));
        Ok(Eig {
            values: Array1::from(g.values),
            vectors,
            left,
            rcond: None,
            balancing: None,
        })
    }

    /// Eigenvalues and the eigenvectors chosen by `which`, with the balancing chosen by
    /// `balance` (?geevx). `Balance::Both` computes what [`with_vectors`](Eig::with_vectors)
    /// does (through a different LAPACK driver; the results agree to rounding). Use
    /// `Balance::None` when the residual `‖A·V − V·Λ‖` must be small relative to `‖A‖·‖V‖` in
    /// `A`'s own coordinates (see [`Balance`]). Any layout; same checks and errors as
    /// [`with_vectors`](Eig::with_vectors). Cost as [`new`](Eig::new).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Balance, Eig, EigVectors};
    /// let a = array![[1.0f64, 1e-6, 0.0], [1e6, 2.0, 1e-6], [0.0, 1e6, 3.0]];
    /// for b in [Balance::None, Balance::Permute, Balance::Scale, Balance::Both] {
    ///     let e = Eig::with_balance(&a, EigVectors::Right, b)?;
    ///     assert!(verify::eig_ratio(&a, &e.values(), &e.vectors()) < verify::SCHUR_THRESHOLD);
    ///     assert!(e.balanced_norm1().unwrap() <= verify::norm1(&a));
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_balance<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        which: EigVectors,
        balance: Balance,
    ) -> Result<Self> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)?;
        Self::compute_x(to_col_major(a), which, balance, Sense::None)
    }

    /// Eigenvalues, right and left eigenvectors, and the reciprocal condition number
    /// `sⱼ = |uⱼᴴ·vⱼ|` of every eigenvalue (unit-norm left `uⱼ` and right `vⱼ` eigenvectors of
    /// the balanced matrix; ?geevx with SENSE = 'E'), read by
    /// [`eigenvalue_rcond`](Eig::eigenvalue_rcond). `sⱼ ∈ (0, 1]`: 1 for every eigenvalue of a
    /// normal matrix, tiny for eigenvalues that a small perturbation moves far.
    ///
    /// Cost: that of [`with_left`](Eig::with_left) plus O(n²) (the condition numbers come from
    /// the Schur form already computed). Errors as [`with_vectors`](Eig::with_vectors).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Balance, Eig};
    /// // [[a, b], [0, d]]: s = 1/√(1 + (b/(a−d))²) for both eigenvalues.
    /// let e = Eig::with_condition(&array![[1.0f64, 1.0], [0.0, 2.0]], Balance::None)?;
    /// let s = e.eigenvalue_rcond().unwrap();
    /// assert!((s[0] - 0.5f64.sqrt()).abs() < 1e-15 && (s[1] - 0.5f64.sqrt()).abs() < 1e-15);
    /// assert!(e.left_vectors().is_some());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_condition<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        balance: Balance,
    ) -> Result<Self> {
        check_square(a)?;
        check_dims(a.nrows(), a.ncols())?;
        check_finite(a)?;
        Self::compute_x(to_col_major(a), EigVectors::Both, balance, Sense::Values)
    }

    fn compute_x(
        mut a: Array2<T>,
        which: EigVectors,
        balance: Balance,
        sense: Sense,
    ) -> Result<Self> {
        let n = a.nrows();
        let left = which == EigVectors::Both;
        let g = geevx(&mut a, balance.balanc(), left, true, sense)?;
        let vectors = unpack::<T>(
            n,
            &g.values,
            g.right.as_ref().expect("right vectors requested"),
        );
        let left = g.left.as_ref().map(|v| unpack::<T>(n, &g.values, v));
        // SCALE holds permutation indices outside ilo..=ihi and D's diagonal inside.
        let one = T::Real::from_f64(1.0);
        let d = Array1::from_shape_fn(n, |j| {
            if j + 1 >= g.ilo && j < g.ihi {
                g.scale[j]
            } else {
                one
            }
        });
        Ok(Eig {
            values: Array1::from(g.values),
            vectors,
            left,
            rcond: g.rconde.map(Array1::from),
            balancing: Some((g.abnrm, d)),
        })
    }

    /// Order `n` of the matrix.
    ///
    /// ```
    /// # use ndfactor::Eig;
    /// assert_eq!(Eig::new(&ndarray::Array2::<f64>::eye(3))?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.values.len()
    }

    /// The eigenvalues `λⱼ` (unsorted; conjugate pairs of real input adjacent, `+i` part first).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Eig;
    /// let e = Eig::new(&array![[3.0f64, 0.0], [0.0, 5.0]])?;
    /// assert!((e.values().iter().map(|l| l.re).sum::<f64>() - 8.0).abs() <= 16.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> ArrayView1<'_, Complex<T::Real>> {
        self.values.view()
    }

    /// The right eigenvectors as columns, `A·vⱼ = λⱼ·vⱼ`, each of unit 2-norm. F-order.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Eig;
    /// let e = Eig::new(&array![[2.0f64, 0.0], [0.0, 7.0]])?;
    /// let v = e.vectors();
    /// let norm0: f64 = v.column(0).iter().map(|z| z.norm_sqr()).sum::<f64>().sqrt();
    /// assert!((norm0 - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vectors(&self) -> ArrayView2<'_, Complex<T::Real>> {
        self.vectors.view()
    }

    /// The left eigenvectors as columns, `uⱼᴴ·A = λⱼ·uⱼᴴ`, each of unit 2-norm, when they were
    /// computed ([`with_left`](Eig::with_left)); `None` otherwise.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Eig;
    /// assert!(Eig::new(&array![[1.0f64]])?.left_vectors().is_none());
    /// assert!(Eig::with_left(&array![[1.0f64]])?.left_vectors().is_some());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn left_vectors(&self) -> Option<ArrayView2<'_, Complex<T::Real>>> {
        self.left.as_ref().map(|v| v.view())
    }

    /// The reciprocal condition numbers `sⱼ = |uⱼᴴ·vⱼ|` of the eigenvalues (same order as
    /// [`values`](Eig::values)), when computed by [`with_condition`](Eig::with_condition);
    /// `None` otherwise. A perturbation `E` of the balanced matrix `B` moves `λⱼ` by about
    /// `‖E‖/sⱼ`, so the computed `λⱼ` is accurate to about `ε·‖B‖₁/sⱼ` (LAPACK's bound
    /// `EPS·ABNRM/RCONDE`, with `‖B‖₁` = [`balanced_norm1`](Eig::balanced_norm1); `‖B‖₁ = ‖A‖₁`
    /// for `Balance::None`). `sⱼ` is that of the balanced matrix: diagonal similarities change
    /// it, which is one reason balancing helps.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Balance, Eig};
    /// let a = array![[2.0f64, 1.0], [-1.0, 2.0]]; // normal: s = 1
    /// let e = Eig::with_condition(&a, Balance::Both)?;
    /// assert!(e.eigenvalue_rcond().unwrap().iter().all(|&s| (s - 1.0).abs() < 1e-15));
    /// assert!(Eig::new(&a)?.eigenvalue_rcond().is_none());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn eigenvalue_rcond(&self) -> Option<ArrayView1<'_, T::Real>> {
        self.rcond.as_ref().map(|v| v.view())
    }

    /// `‖B‖₁` of the balanced matrix `B = D⁻¹·Pᵀ·A·P·D` the QR iteration worked on (?geevx's
    /// ABNRM; `‖A‖₁` for `Balance::None`), when built by [`with_balance`](Eig::with_balance)
    /// or [`with_condition`](Eig::with_condition); `None` otherwise.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Balance, Eig, EigVectors};
    /// let a = array![[1.0f64, 1e-6], [1e6, 1.0]];
    /// let b = Eig::with_balance(&a, EigVectors::Right, Balance::Both)?;
    /// assert!(b.balanced_norm1().unwrap() < 1e-3 * verify::norm1(&a));
    /// let n = Eig::with_balance(&a, EigVectors::Right, Balance::None)?;
    /// assert_eq!(n.balanced_norm1().unwrap(), verify::norm1(&a));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn balanced_norm1(&self) -> Option<T::Real> {
        self.balancing.as_ref().map(|b| b.0)
    }

    /// The diagonal of the scaling `D` of the balancing (powers of 2, 1 where no scaling was
    /// applied), in the permuted order of ?gebal, when built by
    /// [`with_balance`](Eig::with_balance) or [`with_condition`](Eig::with_condition); `None`
    /// otherwise. `κ(D) = max dᵢ / min dᵢ` bounds how much larger than `ε·‖A‖·‖V‖` the
    /// residual in `A`'s coordinates can be (see [`Balance`]).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{Balance, Eig, EigVectors};
    /// let a = array![[1.0f64, 1e-6], [1e6, 1.0]];
    /// let d = Eig::with_balance(&a, EigVectors::Right, Balance::Scale)?.balance_scaling().unwrap().to_owned();
    /// assert!(d[0] / d[1] > 1e5 || d[1] / d[0] > 1e5);
    /// let d = Eig::with_balance(&a, EigVectors::Right, Balance::None)?.balance_scaling().unwrap().to_owned();
    /// assert!(d.iter().all(|&x| x == 1.0)); // exact: without balancing the scaling is set to 1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn balance_scaling(&self) -> Option<ArrayView1<'_, T::Real>> {
        self.balancing.as_ref().map(|b| b.1.view())
    }
}

/// Expands LAPACK's eigenvector array into complex columns. Complex types: a conversion. Real
/// types: a conjugate pair `λⱼ = a + iβ, λⱼ₊₁ = a − iβ` is stored as `v[:, j] ± i·v[:, j+1]`.
pub(crate) fn unpack<T: Scalar>(
    n: usize,
    values: &[Complex<T::Real>],
    v: &Array2<T>,
) -> Array2<Complex<T::Real>> {
    let mut out = Array2::from_shape_fn((n, n).f(), |(i, j)| {
        Complex::new(v[(i, j)].re(), v[(i, j)].im())
    });
    if T::IS_COMPLEX {
        return out;
    }
    let zero = T::Real::from_f64(0.0);
    let mut j = 0;
    while j < n {
        if values[j].im != zero && j + 1 < n {
            for i in 0..n {
                let (re, im) = (v[(i, j)].re(), v[(i, j + 1)].re());
                out[(i, j)] = Complex::new(re, im);
                out[(i, j + 1)] = Complex::new(re, -im);
            }
            j += 2;
        } else {
            j += 1;
        }
    }
    out
}
