//! Banded and structured solves: band storage ([`BandMatrix`]), band LU ([`BandLu`]), band
//! Cholesky ([`BandCholesky`]), the SPD tridiagonal `L·D·Lᴴ` ([`SpdTridiagonal`]), symmetric
//! tridiagonal eigenproblems ([`eigh_tridiagonal`]) and SciPy's [`solve_banded`] and
//! [`solveh_banded`].

use std::ops::RangeInclusive;

use ndarray::{Array, Array1, Array2, ArrayBase, ArrayView2, Data, Ix1, Ix2, ShapeBuilder};

use super::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::band::{
    gbcon, gbtrf, gbtrs, pbcon, pbtrf, pbtrs, ptcon, pttrf, pttrs, stemr, stev, Gbtrf,
};
use crate::lapack::eigh::EigRange;
use crate::lapack::{Trans, Uplo};
use crate::layout::{check_dims, check_finite, check_square};
use crate::scalar::{RealScalar, Scalar};

/// Rows of ?gbtrf's storage, `2kl + ku + 1`, checked against LAPACK's integers with `n`.
fn gb_rows(kl: usize, ku: usize, n: usize) -> Result<usize> {
    let rows = kl
        .checked_mul(2)
        .and_then(|r| r.checked_add(ku))
        .and_then(|r| r.checked_add(1))
        .ok_or(Error::TooLarge { dim: usize::MAX })?;
    check_dims(rows, n)?;
    Ok(rows)
}

/// A square band matrix in LAPACK's band storage: `kl` subdiagonals and `ku` superdiagonals.
///
/// Only the `kl + ku + 1` diagonals are kept (n·(2kl + ku + 1) values, the extra `kl` rows
/// being the room ?gbtrf needs for the fill-in of row interchanges), so a matrix of bandwidth
/// `w` costs O(n·w) memory instead of n², and its LU O(n·kl·(kl + ku)) flops instead of 2n³/3.
/// Band matrices come from finite differences, splines, and any problem in which each unknown
/// couples only to near neighbours.
///
/// Build it from a dense matrix ([`from_dense`](BandMatrix::from_dense), any layout; entries
/// outside the band must be zero) or from the diagonals in SciPy's `solve_banded` layout
/// ([`from_ab`](BandMatrix::from_ab): `ab[ku + i − j, j] = a[i, j]`). Factor it with
/// [`BandLu`] (any nonsingular band matrix) or [`BandCholesky`] (Hermitian positive definite).
///
/// ```
/// use ndarray::array;
/// use ndfactor::BandMatrix;
/// let a = array![[4.0f64, 1.0, 0.0], [2.0, 5.0, 1.0], [0.0, 3.0, 6.0]];
/// let band = BandMatrix::from_dense(&a, 1, 1)?;
/// assert_eq!((band.n(), band.kl(), band.ku()), (3, 1, 1));
/// assert_eq!(band.to_dense(), a); // exact: a copy of the stored diagonals
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BandMatrix<T: Scalar> {
    /// F-order `(2kl + ku + 1)×n`: `ab[kl + ku + i − j, j] = a[i, j]`; the first `kl` rows and
    /// the positions outside the matrix are zero.
    ab: Array2<T>,
    kl: usize,
    ku: usize,
}

impl<T: Scalar> BandMatrix<T> {
    /// Takes the band of a square matrix given as any 2-D array or view (C, F, strided,
    /// negative strides), with `kl` subdiagonals and `ku` superdiagonals.
    ///
    /// # Errors
    /// [`Error::NotSquare`], [`Error::NonFinite`] (anywhere in `a`), [`Error::TooLarge`], and
    /// [`Error::InvalidArgument`] when an entry outside the band is nonzero.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{BandMatrix, Error};
    /// let a = array![[1.0f64, 2.0, 0.0], [0.0, 1.0, 2.0], [0.0, 0.0, 1.0]];
    /// assert_eq!(BandMatrix::from_dense(&a, 0, 1)?.to_dense(), a); // exact: copied entries
    /// assert!(matches!(BandMatrix::from_dense(&a, 0, 0), Err(Error::InvalidArgument { .. })));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_dense<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        kl: usize,
        ku: usize,
    ) -> Result<Self> {
        let n = check_square(a)?;
        let rows = gb_rows(kl, ku, n)?;
        check_finite(a)?;
        if let Some(((i, j), _)) = a
            .indexed_iter()
            .find(|&((i, j), &v)| (i > j + kl || j > i + ku) && v != T::zero())
        {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "BandMatrix::from_dense: entry ({i}, {j}) lies outside the band \
                     (kl = {kl}, ku = {ku}) and is not zero"
                ),
            });
        }
        let mut ab = Array2::zeros((rows, n).f());
        for j in 0..n {
            for i in j.saturating_sub(ku)..(j + kl + 1).min(n) {
                ab[(kl + ku + i - j, j)] = a[(i, j)];
            }
        }
        Ok(BandMatrix { ab, kl, ku })
    }

    /// Builds the `n×n` band matrix from its diagonals in SciPy's `solve_banded` layout: `ab`
    /// has `kl + ku + 1` rows and `n` columns, and `ab[ku + i − j, j] = a[i, j]` (row `ku`
    /// holds the diagonal, the rows above it the superdiagonals, right-aligned, the rows below
    /// the subdiagonals, left-aligned). The entries of `ab` that fall outside the matrix (the
    /// top-left and bottom-right corners) are not read.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] unless `ab` has `kl + ku + 1` rows, [`Error::NonFinite`]
    /// (position reported in `A`, not in `ab`), [`Error::TooLarge`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::BandMatrix;
    /// let ab = array![[0.0f64, 1.0, 1.0],   // superdiagonal (ab[0, 0] is not read)
    ///                 [4.0, 4.0, 4.0],      // diagonal
    ///                 [2.0, 2.0, f64::NAN]]; // subdiagonal (ab[2, 2] is not read)
    /// let band = BandMatrix::from_ab(&ab, 1, 1)?;
    /// assert_eq!(band.to_dense(), array![[4.0, 1.0, 0.0], [2.0, 4.0, 1.0], [0.0, 2.0, 4.0]]); // exact: copies
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "solve_banded")]
    pub fn from_ab<S: Data<Elem = T>>(
        ab: &ArrayBase<S, Ix2>,
        kl: usize,
        ku: usize,
    ) -> Result<Self> {
        let (r, n) = ab.dim();
        let rows = gb_rows(kl, ku, n)?;
        if r != kl + ku + 1 {
            return Err(Error::DimensionMismatch {
                operation: "BandMatrix::from_ab: rows of ab (kl + ku + 1)",
                expected: kl + ku + 1,
                found: r,
            });
        }
        let mut out = Array2::zeros((rows, n).f());
        for j in 0..n {
            for i in j.saturating_sub(ku)..(j + kl + 1).min(n) {
                let v = ab[(ku + i - j, j)];
                if !v.is_finite() {
                    return Err(Error::NonFinite { row: i, col: j });
                }
                out[(kl + ku + i - j, j)] = v;
            }
        }
        Ok(BandMatrix { ab: out, kl, ku })
    }

    /// Order `n` of the matrix.
    ///
    /// ```
    /// # use ndfactor::BandMatrix;
    /// assert_eq!(BandMatrix::from_dense(&ndarray::Array2::<f64>::eye(4), 0, 0)?.n(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.ab.ncols()
    }

    /// Number of subdiagonals.
    ///
    /// ```
    /// # use ndfactor::BandMatrix;
    /// assert_eq!(BandMatrix::from_dense(&ndarray::Array2::<f64>::eye(4), 2, 1)?.kl(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn kl(&self) -> usize {
        self.kl
    }

    /// Number of superdiagonals.
    ///
    /// ```
    /// # use ndfactor::BandMatrix;
    /// assert_eq!(BandMatrix::from_dense(&ndarray::Array2::<f64>::eye(4), 2, 1)?.ku(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ku(&self) -> usize {
        self.ku
    }

    /// Entry `a[i, j]` (zero outside the band).
    ///
    /// # Panics
    /// When `i` or `j` is not below `n`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::BandMatrix;
    /// let band = BandMatrix::from_dense(&array![[1.0f64, 2.0], [3.0, 4.0]], 1, 1)?;
    /// assert_eq!(band.get(1, 0), 3.0); // exact: a stored copy
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn get(&self, i: usize, j: usize) -> T {
        let n = self.n();
        assert!(
            i < n && j < n,
            "index ({i}, {j}) outside the {n}×{n} matrix"
        );
        if i > j + self.kl || j > i + self.ku {
            T::zero()
        } else {
            self.ab[(self.kl + self.ku + i - j, j)]
        }
    }

    /// The diagonals in SciPy's `solve_banded` layout, `(kl + ku + 1)×n` with
    /// `ab[ku + i − j, j] = a[i, j]` (zeros in the corners outside the matrix). Allocates.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::BandMatrix;
    /// let ab = array![[0.0f64, 1.0], [2.0, 3.0]];
    /// assert_eq!(BandMatrix::from_ab(&ab, 0, 1)?.to_ab(), ab); // exact: copies
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_ab(&self) -> Array2<T> {
        self.ab.slice(ndarray::s![self.kl.., ..]).to_owned()
    }

    /// The matrix as a dense F-order array (n² memory: for checks and display).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::BandMatrix;
    /// let band = BandMatrix::from_ab(&array![[5.0f64, 6.0], [7.0, 0.0]], 1, 0)?;
    /// assert_eq!(band.to_dense(), array![[5.0, 0.0], [7.0, 6.0]]); // exact: copies
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        let n = self.n();
        let mut a = Array2::zeros((n, n).f());
        for j in 0..n {
            for i in j.saturating_sub(self.ku)..(j + self.kl + 1).min(n) {
                a[(i, j)] = self.ab[(self.kl + self.ku + i - j, j)];
            }
        }
        a
    }

    /// `‖A‖₁`, the largest column sum of moduli (0 for `n = 0`).
    fn norm1(&self) -> T::Real {
        let zero = T::Real::from_f64(0.0);
        self.ab
            .columns()
            .into_iter()
            .map(|c| c.iter().fold(zero, |s, x| s + x.abs()))
            .fold(zero, |m, s| if s > m || s.is_nan() { s } else { m })
    }
}

/// LU factorization with partial pivoting of a band matrix: `P·A = L·U`, where `U` has
/// `kl + ku` superdiagonals (the fill-in of the interchanges) and `L` is unit lower triangular
/// with at most `kl` nonzeros below the diagonal in each column.
///
/// For a band matrix with `kl` sub- and `ku` superdiagonals it costs ≈ 2n·kl·(kl + ku + 1)
/// flops to factor (O(n) for a fixed bandwidth, against 2n³/3 dense) and ≈ 2n·(2kl + ku + 1)
/// per right-hand side to solve; memory is n·(2kl + ku + 1). It is what
/// `scipy.linalg.solve_banded` computes. Partial pivoting makes it stable for any
/// nonsingular band matrix. For a Hermitian positive definite band use [`BandCholesky`]
/// (half the work, no pivoting).
///
/// An exactly singular matrix still factors: [`singular_at`](BandLu::singular_at) names the
/// zero pivot of `U`, `det()` is 0, `rcond()` is 0 and the solves return [`Error::Singular`].
///
/// # Errors
/// [`Error::TooLarge`], [`Error::NumericalBreakdown`] (input is checked when the
/// [`BandMatrix`] is built).
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgbtrf sgbtrs sgbcon | dgbtrf dgbtrs dgbcon | cgbtrf cgbtrs cgbcon | zgbtrf zgbtrs zgbcon |
///
/// ```
/// use ndarray::array;
/// use ndfactor::{BandLu, BandMatrix};
/// let a = array![[4.0f64, 1.0, 0.0, 0.0], [2.0, 5.0, 1.0, 0.0], [1.0, 3.0, 6.0, 1.0], [0.0, 1.0, 2.0, 7.0]];
/// let lu = BandLu::new(&BandMatrix::from_dense(&a, 2, 1)?)?;
/// let b = array![1.0, 2.0, 3.0, 4.0];
/// let x = lu.solve(&b)?;
/// assert!((&a.dot(&x) - &b).iter().all(|r| r.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BandLu<T: Scalar> {
    f: Gbtrf<T>,
    /// ‖A‖₁ of the input, for ?gbcon.
    anorm: T::Real,
}

impl<T: Scalar> BandLu<T> {
    /// Factors a band matrix (the storage is copied; `band` is unchanged).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let lu = BandLu::new(&BandMatrix::from_dense(&array![[0.0f64, 1.0], [1.0, 0.0]], 1, 1)?)?;
    /// assert_eq!(lu.det(), -1.0); // exact: one interchange, pivots 1 and 1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(band: &BandMatrix<T>) -> Result<Self> {
        let anorm = band.norm1();
        let f = gbtrf(band.ab.clone(), band.kl, band.ku)?;
        Ok(BandLu { f, anorm })
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let lu = BandLu::new(&BandMatrix::from_dense(&ndarray::Array2::<f32>::eye(3), 1, 0)?)?;
    /// assert_eq!(lu.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.f.ab.ncols()
    }

    /// Number of subdiagonals of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let lu = BandLu::new(&BandMatrix::from_dense(&ndarray::Array2::<f32>::eye(3), 1, 0)?)?;
    /// assert_eq!((lu.kl(), lu.ku()), (1, 0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn kl(&self) -> usize {
        self.f.kl
    }

    /// Number of superdiagonals of the factored matrix (`U` has `kl + ku`).
    ///
    /// ```
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let lu = BandLu::new(&BandMatrix::from_dense(&ndarray::Array2::<f32>::eye(3), 0, 2)?)?;
    /// assert_eq!(lu.ku(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ku(&self) -> usize {
        self.f.ku
    }

    /// The first exactly zero diagonal entry of `U` (1-based), if the matrix is exactly
    /// singular.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = array![[1.0f64, 1.0], [1.0, 1.0]];
    /// assert_eq!(BandLu::new(&BandMatrix::from_dense(&a, 1, 1)?)?.singular_at(), Some(2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_at(&self) -> Option<usize> {
        self.f.singular_at
    }

    fn solve_op<S, D>(&self, b: &ArrayBase<S, D>, trans: Trans) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "BandLu::solve: rows of b")?;
        if let Some(index) = self.f.singular_at {
            return Err(Error::Singular { index });
        }
        gbtrs(&self.f, trans, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Solves `A·x = b` (`b` a vector) or `A·X = B` (a matrix of columns), ≈ 2n·(2kl + ku + 1)
    /// flops per right-hand side. Does not check conditioning (see [`rcond`](BandLu::rcond)
    /// and `solve_checked`).
    ///
    /// # Errors
    /// [`Error::Singular`], [`Error::DimensionMismatch`], [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = array![[4.0f64, 2.0], [1.0, 3.0]];
    /// let lu = BandLu::new(&BandMatrix::from_dense(&a, 1, 1)?)?;
    /// let x = lu.solve(&array![[6.0f64, 2.0], [4.0, 3.0]])?;
    /// assert!((&a.dot(&x) - &array![[6.0, 2.0], [4.0, 3.0]]).iter().all(|r| r.abs() < 1e-14));
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
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = array![[4.0f64, 2.0], [1.0, 3.0]];
    /// let x = BandLu::new(&BandMatrix::from_dense(&a, 1, 1)?)?.solve_transpose(&array![5.0, 5.0])?;
    /// assert!((&a.t().dot(&x) - &array![5.0, 5.0]).iter().all(|r| r.abs() < 1e-14));
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

    /// Solves `Aᴴ·x = b` (the same as [`solve_transpose`](BandLu::solve_transpose) for real
    /// types).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{c64, BandLu, BandMatrix};
    /// let (one, i) = (c64::new(1.0, 0.0), c64::new(0.0, 1.0));
    /// let a = array![[one * 3.0, i], [one, one * 2.0]];
    /// let x = BandLu::new(&BandMatrix::from_dense(&a, 1, 1)?)?.solve_adjoint(&array![one, i])?;
    /// let ah = a.t().mapv(|z| z.conj());
    /// assert!((&ah.dot(&x) - &array![one, i]).iter().all(|r| r.norm() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve_adjoint<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let trans = if T::IS_COMPLEX {
            Trans::Adjoint
        } else {
            Trans::Transpose
        };
        self.solve_op(b, trans)
    }

    /// The diagonal of `U` (row `kl + ku` of the factored storage).
    fn pivots(&self) -> impl Iterator<Item = (usize, T)> + Clone + '_ {
        let r = self.f.kl + self.f.ku;
        (0..self.n()).map(move |j| (j, self.f.ab[(r, j)]))
    }

    /// Determinant: the product of `U`'s diagonal with the sign of the row interchanges (1 for
    /// `n = 0`, exactly 0 when singular). May overflow; see
    /// [`ln_abs_det`](BandLu::ln_abs_det).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = array![[4.0f64, 2.0], [1.0, 3.0]];
    /// assert!((BandLu::new(&BandMatrix::from_dense(&a, 1, 1)?)?.det() - 10.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T {
        if self.f.singular_at.is_some() {
            return T::zero();
        }
        let ipiv = &self.f.ipiv;
        let factors = self
            .pivots()
            .map(move |(i, u)| if ipiv[i] as usize != i + 1 { -u } else { u });
        crate::lapack::numeric::det_product(factors)
    }

    /// Sign (a unit-modulus phase for complex types) and logarithm of the absolute
    /// determinant, `det = sign·exp(ln_abs)`, without overflow; `(0, −∞)` for a singular
    /// matrix and `(1, 0)` for `n = 0`.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = Array2::from_diag(&ndarray::Array1::from_elem(500, 1e3f64)); // det = 1e1500
    /// let (sign, ln) = BandLu::new(&BandMatrix::from_dense(&a, 1, 2)?)?.ln_abs_det();
    /// assert_eq!(sign, 1.0); // exact: the sign of a real determinant is a product of ±1
    /// assert!((ln - 1500.0 * 10f64.ln()).abs() < 1e-9 * ln);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ln_abs_det(&self) -> (T, T::Real) {
        if self.f.singular_at.is_some() {
            return (T::zero(), T::Real::neg_infinity());
        }
        let mut sign = T::one();
        let mut ln = T::Real::from_f64(0.0);
        for (i, u) in self.pivots() {
            ln += u.abs().ln();
            sign *= crate::lapack::numeric::unit_phase(u);
            if self.f.ipiv[i] as usize != i + 1 {
                sign = -sign;
            }
        }
        (crate::lapack::numeric::renormalized_phase(sign), ln)
    }

    /// Estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from ?gbcon
    /// (O(n·(kl + ku)) flops), with `‖A‖₁` taken before factoring; 0 for a singular matrix, 1
    /// for `n = 0`, NaN if the estimate fails.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandLu, BandMatrix};
    /// let a = array![[1.0f64, 0.0], [0.0, 1e-8]];
    /// let r = BandLu::new(&BandMatrix::from_dense(&a, 0, 0)?)?.rcond();
    /// assert!((r - 1e-8).abs() < 1e-20);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        gbcon(&self.f, self.anorm).unwrap_or_else(|_| T::Real::nan())
    }
}

/// Reads triangle `uplo` of ?pbtrf storage: `a[i, j]` for `i ≥ j` (Lower) or `i ≤ j` (Upper)
/// within the band, `None` outside it.
fn pb_get<T: Scalar>(ab: &Array2<T>, uplo: Uplo, i: usize, j: usize) -> Option<T> {
    let kd = ab.nrows() - 1;
    match uplo {
        Uplo::Lower if i >= j && i - j <= kd => Some(ab[(i - j, j)]),
        Uplo::Upper if i <= j && j - i <= kd => Some(ab[(kd + i - j, j)]),
        _ => None,
    }
}

/// `‖A‖₁` of the Hermitian band matrix held in one triangle of ?pbtrf storage (the imaginary
/// part of the diagonal ignored, as LAPACK does).
fn pb_norm1<T: Scalar>(ab: &Array2<T>, uplo: Uplo) -> T::Real {
    let (kd1, n) = ab.dim();
    let kd = kd1 - 1;
    let zero = T::Real::from_f64(0.0);
    let mut best = zero;
    for j in 0..n {
        let mut s = zero;
        for i in j.saturating_sub(kd)..(j + kd + 1).min(n) {
            let v = if i == j {
                pb_get(ab, uplo, i, i).map_or(zero, |v| v.re().abs())
            } else {
                pb_get(ab, uplo, i, j)
                    .or_else(|| pb_get(ab, uplo, j, i))
                    .map_or(zero, |v| v.abs())
            };
            s += v;
        }
        if s > best || s.is_nan() {
            best = s;
        }
    }
    best
}

/// Cholesky factorization of a Hermitian (real: symmetric) positive definite band matrix:
/// `A = L·Lᴴ` (lower band) or `A = Uᴴ·U` (upper band), with `kd` off-diagonals.
///
/// The factor keeps the bandwidth of `A`, so it costs ≈ n·kd² flops (n·(kd + 1)² for
/// `kd ≥ 1` to within lower-order terms) and n·(kd + 1) memory, against n³/3 and n² for the
/// dense [`Cholesky`](crate::Cholesky); each solve is ≈ 4n·kd flops per right-hand side. It is
/// what `scipy.linalg.solveh_banded` computes. Only one triangle of the band is read, and for
/// complex input the imaginary parts of the diagonal are ignored.
///
/// # Errors
/// [`Error::NotPositiveDefinite`] with the order of the first leading minor that is not
/// positive definite (LAPACK's INFO); [`Error::DimensionMismatch`], [`Error::NonFinite`],
/// [`Error::TooLarge`].
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | spbtrf spbtrs spbcon | dpbtrf dpbtrs dpbcon | cpbtrf cpbtrs cpbcon | zpbtrf zpbtrs zpbcon |
///
/// ```
/// use ndarray::{array, Array1};
/// use ndfactor::{BandCholesky, Uplo};
/// // The 1-D Poisson matrix tridiag(−1, 2, −1), lower band storage: diagonal, subdiagonal.
/// let n = 6;
/// let mut ab = ndarray::Array2::zeros((2, n));
/// ab.row_mut(0).fill(2.0f64);
/// ab.row_mut(1).fill(-1.0);
/// let ch = BandCholesky::from_ab(&ab, Uplo::Lower)?;
/// let x = ch.solve(&Array1::from_elem(n, 1.0))?;
/// let r = &ch.to_dense().dot(&x) - &Array1::from_elem(n, 1.0);
/// assert!(r.iter().all(|v| v.abs() < 1e-13));
/// assert!((ch.det() - 7.0).abs() < 1e-12); // det = n + 1
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BandCholesky<T: Scalar> {
    /// The factor in ?pbtrf storage, F-order `(kd + 1)×n`.
    factor: Array2<T>,
    uplo: Uplo,
    anorm: T::Real,
}

impl<T: Scalar> BandCholesky<T> {
    /// Factors the Hermitian positive definite matrix whose triangle `uplo` is that of `band`
    /// (`kd = kl` for [`Uplo::Lower`], `kd = ku` for [`Uplo::Upper`]; the other triangle of
    /// `band` is not read).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, BandMatrix, Uplo};
    /// let a = array![[4.0f64, 2.0, 0.0], [2.0, 5.0, 1.0], [0.0, 1.0, 3.0]];
    /// let ch = BandCholesky::new(&BandMatrix::from_dense(&a, 1, 1)?, Uplo::Upper)?;
    /// let x = ch.solve(&array![1.0, 1.0, 1.0])?;
    /// assert!((&a.dot(&x) - &array![1.0, 1.0, 1.0]).iter().all(|r| r.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(band: &BandMatrix<T>, uplo: Uplo) -> Result<Self> {
        let n = band.n();
        let kd = match uplo {
            Uplo::Lower => band.kl,
            Uplo::Upper => band.ku,
        };
        check_dims(kd + 1, n)?;
        let mut ab = Array2::zeros((kd + 1, n).f());
        for j in 0..n {
            match uplo {
                Uplo::Lower => {
                    for i in j..(j + kd + 1).min(n) {
                        ab[(i - j, j)] = band.get(i, j);
                    }
                }
                Uplo::Upper => {
                    for i in j.saturating_sub(kd)..=j {
                        ab[(kd + i - j, j)] = band.get(i, j);
                    }
                }
            }
        }
        Self::factor_storage(ab, uplo)
    }

    /// Factors the Hermitian positive definite band matrix given in SciPy's `solveh_banded`
    /// (and LAPACK's ?pbtrf) layout: `ab` has `kd + 1` rows and `n` columns, and
    /// - [`Uplo::Upper`]: `ab[kd + i − j, j] = a[i, j]` for `i ≤ j` (diagonal in the last row,
    ///   superdiagonals above it, right-aligned);
    /// - [`Uplo::Lower`]: `ab[i − j, j] = a[i, j]` for `i ≥ j` (diagonal in the first row,
    ///   subdiagonals below it, left-aligned).
    ///
    /// Entries of `ab` outside the matrix are not read.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ab = array![[0.0f64, 2.0, 1.0], [4.0, 5.0, 3.0]]; // upper: superdiagonal, diagonal
    /// let ch = BandCholesky::from_ab(&ab, Uplo::Upper)?;
    /// assert_eq!(ch.to_dense(), array![[4.0, 2.0, 0.0], [2.0, 5.0, 1.0], [0.0, 1.0, 3.0]]); // exact: copies
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "cholesky_banded")]
    pub fn from_ab<S: Data<Elem = T>>(ab: &ArrayBase<S, Ix2>, uplo: Uplo) -> Result<Self> {
        let (rows, n) = ab.dim();
        if rows == 0 {
            return Err(Error::DimensionMismatch {
                operation: "BandCholesky::from_ab: rows of ab (kd + 1)",
                expected: 1,
                found: 0,
            });
        }
        check_dims(rows, n)?;
        let kd = rows - 1;
        let mut out = Array2::zeros((rows, n).f());
        for j in 0..n {
            let (lo, hi) = match uplo {
                Uplo::Lower => (j, (j + kd + 1).min(n)),
                Uplo::Upper => (j.saturating_sub(kd), j + 1),
            };
            for i in lo..hi {
                let r = match uplo {
                    Uplo::Lower => i - j,
                    Uplo::Upper => kd + i - j,
                };
                let v = ab[(r, j)];
                if !v.is_finite() {
                    return Err(Error::NonFinite { row: i, col: j });
                }
                out[(r, j)] = v;
            }
        }
        Self::factor_storage(out, uplo)
    }

    fn factor_storage(mut ab: Array2<T>, uplo: Uplo) -> Result<Self> {
        let anorm = pb_norm1(&ab, uplo);
        pbtrf(&mut ab, uplo)?;
        Ok(BandCholesky {
            factor: ab,
            uplo,
            anorm,
        })
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&ndarray::Array2::<f64>::ones((2, 5)), Uplo::Lower);
    /// assert!(ch.is_err()); // ones on the first subdiagonal and diagonal: not positive definite
    /// let ch = BandCholesky::from_ab(&ndarray::Array2::<f64>::ones((1, 5)), Uplo::Lower)?;
    /// assert_eq!(ch.n(), 5);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.factor.ncols()
    }

    /// Number of off-diagonals `kd` in the triangle read.
    ///
    /// ```
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&ndarray::array![[2.0f64, 2.0], [0.5, 0.0]], Uplo::Lower)?;
    /// assert_eq!(ch.kd(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn kd(&self) -> usize {
        self.factor.nrows() - 1
    }

    /// Which triangle was read (and which factor is stored: `L` or `U`).
    ///
    /// ```
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&ndarray::array![[2.0f64, 2.0]], Uplo::Upper)?;
    /// assert_eq!(ch.uplo(), Uplo::Upper);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn uplo(&self) -> Uplo {
        self.uplo
    }

    /// The stored factor in ?pbtrf band storage (`(kd + 1)×n`, the layout of
    /// [`from_ab`](BandCholesky::from_ab)): `L` for [`Uplo::Lower`], `U` for [`Uplo::Upper`].
    ///
    /// ```
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&ndarray::array![[4.0f64, 9.0]], Uplo::Lower)?;
    /// assert_eq!(ch.factor(), ndarray::array![[2.0, 3.0]]); // exact: square roots of squares
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factor(&self) -> ndarray::ArrayView2<'_, T> {
        self.factor.view()
    }

    /// The factored matrix `A` as a dense F-order array, rebuilt from the factor
    /// (`L·Lᴴ` or `Uᴴ·U`; n² memory, for checks and display).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&array![[4.0f64, 4.0], [2.0, 0.0]], Uplo::Lower)?;
    /// let a = array![[4.0, 2.0], [2.0, 4.0]]; // L = [[2, 0], [1, √3]]: √3² is 4 − 1 to rounding
    /// assert!((&ch.to_dense() - &a).iter().all(|d| d.abs() <= 4.0 * f64::EPSILON * 4.0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        let n = self.n();
        let mut f = Array2::<T>::zeros((n, n).f());
        for j in 0..n {
            for i in 0..n {
                if let Some(v) = pb_get(&self.factor, self.uplo, i, j) {
                    f[(i, j)] = v;
                }
            }
        }
        let fh = f.t().mapv(|x| x.conj());
        let mut a = Array2::zeros((n, n).f());
        match self.uplo {
            Uplo::Lower => a.assign(&f.dot(&fh)),
            Uplo::Upper => a.assign(&fh.dot(&f)),
        }
        a
    }

    /// Solves `A·x = b` or `A·X = B`, ≈ 4n·kd flops per right-hand side. Does not check
    /// conditioning (see [`rcond`](BandCholesky::rcond)).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`], [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&array![[2.0f64, 2.0], [1.0, 0.0]], Uplo::Lower)?;
    /// let x = ch.solve(&array![3.0, 3.0])?; // [[2, 1], [1, 2]]·[1, 1] = [3, 3]
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "BandCholesky::solve: rows of b")?;
        pbtrs(&self.factor, self.uplo, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Determinant `Π dᵢ²` of the diagonal `dᵢ` of the factor (real and positive; 1 for
    /// `n = 0`). May overflow; see [`ln_det`](BandCholesky::ln_det).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ch = BandCholesky::from_ab(&array![[2.0f64, 2.0], [1.0, 0.0]], Uplo::Lower)?;
    /// assert!((ch.det() - 3.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T::Real {
        let r = match self.uplo {
            Uplo::Lower => 0,
            Uplo::Upper => self.kd(),
        };
        self.factor
            .row(r)
            .iter()
            .fold(T::Real::from_f64(1.0), |p, l| p * l.re() * l.re())
    }

    /// `ln det A = 2·Σ ln dᵢ`, without overflow.
    ///
    /// ```
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let ab = ndarray::Array2::from_elem((1, 400), 1e4f64); // det = 1e1600
    /// let ln = BandCholesky::from_ab(&ab, Uplo::Upper)?.ln_det();
    /// assert!((ln - 1600.0 * 10f64.ln()).abs() < 1e-9 * ln);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ln_det(&self) -> T::Real {
        let r = match self.uplo {
            Uplo::Lower => 0,
            Uplo::Upper => self.kd(),
        };
        let two = T::Real::from_f64(2.0);
        self.factor
            .row(r)
            .iter()
            .fold(T::Real::from_f64(0.0), |s, l| s + two * l.re().ln())
    }

    /// Estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from ?pbcon, with `‖A‖₁`
    /// taken before factoring; 1 for `n = 0`, NaN if the estimate fails.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{BandCholesky, Uplo};
    /// let r = BandCholesky::from_ab(&array![[1.0f64, 1e-8]], Uplo::Lower)?.rcond();
    /// assert!((r - 1e-8).abs() < 1e-20);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        pbcon(&self.factor, self.uplo, self.anorm).unwrap_or_else(|_| T::Real::nan())
    }
}

/// `A = L·D·Lᴴ` of a Hermitian (real: symmetric) positive definite tridiagonal matrix, with `D`
/// diagonal and positive and `L` unit lower bidiagonal.
///
/// `A` is given by its real diagonal `d` (length n) and its subdiagonal `e` (length n − 1,
/// `a[i + 1, i] = e[i]`, `a[i, i + 1] = conj(e[i])`). It costs O(n): ≈ 4n flops to factor,
/// ≈ 6n per right-hand side, n + (n − 1) values of memory; no pivoting, and
/// [`rcond`](SpdTridiagonal::rcond) is exact (?ptcon computes ‖A⁻¹‖₁, not an estimate). Use it
/// for the 1-D Poisson/heat matrices, the normal equations of smoothing splines and any SPD
/// three-term recurrence; for an indefinite or nonsymmetric tridiagonal matrix use
/// [`TridiagonalLu`](crate::TridiagonalLu).
///
/// # Errors
/// [`Error::NotPositiveDefinite`] with the order of the first leading minor that is not
/// positive definite; [`Error::DimensionMismatch`], [`Error::NonFinite`] (position in `A`),
/// [`Error::TooLarge`].
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | spttrf spttrs sptcon | dpttrf dpttrs dptcon | cpttrf cpttrs cptcon | zpttrf zpttrs zptcon |
///
/// ```
/// use ndarray::Array1;
/// use ndfactor::SpdTridiagonal;
/// let n = 5; // tridiag(−1, 2, −1)
/// let f = SpdTridiagonal::new(&Array1::from_elem(n, 2.0f64), &Array1::from_elem(n - 1, -1.0))?;
/// let x = f.solve(&Array1::from_elem(n, 1.0))?;
/// let r = &f.to_dense().dot(&x) - &Array1::from_elem(n, 1.0f64);
/// assert!(r.iter().all(|r: &f64| r.abs() < 1e-14));
/// assert!((f.det() - 6.0).abs() < 1e-13); // det = n + 1
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SpdTridiagonal<T: Scalar> {
    /// The input diagonal and subdiagonal.
    d0: Array1<T::Real>,
    e0: Array1<T>,
    /// `D` and the subdiagonal of `L` (`e` padded to one slot when `n ≤ 1`).
    d: Vec<T::Real>,
    e: Vec<T>,
    anorm: T::Real,
}

impl<T: Scalar> SpdTridiagonal<T> {
    /// Factors the tridiagonal matrix with real diagonal `d` and subdiagonal `e`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{Error, SpdTridiagonal};
    /// let r = SpdTridiagonal::new(&array![1.0f64, 1.0], &array![2.0]);
    /// assert!(matches!(r, Err(Error::NotPositiveDefinite { index: 2 })));
    /// ```
    pub fn new<S1, S2>(d: &ArrayBase<S1, Ix1>, e: &ArrayBase<S2, Ix1>) -> Result<Self>
    where
        S1: Data<Elem = T::Real>,
        S2: Data<Elem = T>,
    {
        let n = d.len();
        if e.len() != n.saturating_sub(1) {
            return Err(Error::DimensionMismatch {
                operation: "SpdTridiagonal::new: length of the subdiagonal",
                expected: n.saturating_sub(1),
                found: e.len(),
            });
        }
        check_dims(n, 1)?;
        for (i, &v) in d.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFinite { row: i, col: i });
            }
        }
        for (i, &v) in e.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFinite { row: i + 1, col: i });
            }
        }
        let zero = T::Real::from_f64(0.0);
        let mut anorm = zero;
        for j in 0..n {
            let mut s = d[j].abs();
            if j > 0 {
                s += e[j - 1].abs();
            }
            if j + 1 < n {
                s += e[j].abs();
            }
            anorm = anorm.max(s);
        }
        let mut df = d.to_vec();
        let mut ef = e.to_vec();
        if ef.is_empty() {
            ef.push(T::zero());
        }
        pttrf(&mut df, &mut ef)?;
        Ok(SpdTridiagonal {
            d0: d.to_owned(),
            e0: e.to_owned(),
            d: df,
            e: ef,
            anorm,
        })
    }

    /// Order `n` of the matrix.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// assert_eq!(SpdTridiagonal::<f64>::new(&array![1.0, 1.0], &array![0.5])?.n(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.d0.len()
    }

    /// The diagonal of `D` in `A = L·D·Lᴴ`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&array![2.0, 2.0], &array![1.0])?;
    /// assert_eq!(f.d(), &[2.0, 1.5]); // exact: 2 − 1·1/2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn d(&self) -> &[T::Real] {
        &self.d
    }

    /// The subdiagonal of the unit lower bidiagonal `L` (length n − 1).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&array![2.0, 2.0], &array![1.0])?;
    /// assert_eq!(f.l_subdiagonal(), &[0.5]); // exact: 1/2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn l_subdiagonal(&self) -> &[T] {
        &self.e[..self.n().saturating_sub(1)]
    }

    /// The factored matrix `A` as a dense F-order array (n² memory: for checks and display).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{c64, SpdTridiagonal};
    /// let f = SpdTridiagonal::new(&array![2.0, 2.0], &array![c64::new(0.0, 1.0)])?;
    /// assert_eq!(f.to_dense()[(0, 1)], c64::new(0.0, -1.0)); // exact: conj of the subdiagonal
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        let n = self.n();
        let mut a = Array2::zeros((n, n).f());
        for i in 0..n {
            a[(i, i)] = T::from_real(self.d0[i]);
            if i + 1 < n {
                a[(i + 1, i)] = self.e0[i];
                a[(i, i + 1)] = self.e0[i].conj();
            }
        }
        a
    }

    /// Solves `A·x = b` or `A·X = B` in O(n) per right-hand side.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`], [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&array![2.0, 2.0], &array![1.0])?;
    /// let x = f.solve(&array![3.0, 3.0])?;
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "SpdTridiagonal::solve: rows of b")?;
        pttrs(&self.d, &self.e, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Determinant `Π Dᵢ` (real and positive; 1 for `n = 0`).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&array![2.0, 2.0], &array![1.0])?;
    /// assert_eq!(f.det(), 3.0); // exact: 2 · 1.5
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T::Real {
        self.d.iter().fold(T::Real::from_f64(1.0), |p, &x| p * x)
    }

    /// `ln det A = Σ ln Dᵢ`, without overflow.
    ///
    /// ```
    /// # use ndarray::Array1;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&Array1::from_elem(400, 1e4), &Array1::zeros(399))?;
    /// assert!((f.ln_det() - 1600.0 * 10f64.ln()).abs() < 1e-9 * 1600.0 * 10f64.ln());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ln_det(&self) -> T::Real {
        self.d
            .iter()
            .fold(T::Real::from_f64(0.0), |s, &x| s + x.ln())
    }

    /// Reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from ?ptcon, which computes `‖A⁻¹‖₁`
    /// exactly (up to rounding) in O(n); 1 for `n = 0`, NaN if it fails.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::SpdTridiagonal;
    /// let f = SpdTridiagonal::<f64>::new(&array![1.0, 1e-8], &array![0.0])?;
    /// assert!((f.rcond() - 1e-8).abs() < 1e-20);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        ptcon(&self.d, &self.e, self.anorm).unwrap_or_else(|_| T::Real::nan())
    }
}

/// Checks the diagonals of a real symmetric tridiagonal matrix and copies them (`e` padded to
/// one slot).
fn tridiagonal_input<R, S1, S2>(
    d: &ArrayBase<S1, Ix1>,
    e: &ArrayBase<S2, Ix1>,
    operation: &'static str,
) -> Result<(Vec<R>, Vec<R>)>
where
    R: RealScalar,
    S1: Data<Elem = R>,
    S2: Data<Elem = R>,
{
    let n = d.len();
    if e.len() != n.saturating_sub(1) {
        return Err(Error::DimensionMismatch {
            operation,
            expected: n.saturating_sub(1),
            found: e.len(),
        });
    }
    check_dims(n, n)?;
    for (i, &v) in d.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::NonFinite { row: i, col: i });
        }
    }
    for (i, &v) in e.iter().enumerate() {
        if !v.is_finite() {
            return Err(Error::NonFinite { row: i + 1, col: i });
        }
    }
    let mut ev = e.to_vec();
    if ev.is_empty() {
        ev.push(R::zero());
    }
    Ok((d.to_vec(), ev))
}

/// Eigenvalues and eigenvectors of a real symmetric tridiagonal matrix: `T = V·Λ·Vᵀ`.
///
/// `T` has diagonal `d` (length n) and off-diagonal `e` (length n − 1, both sub- and
/// superdiagonal). Returns the eigenvalues ascending and the orthonormal eigenvectors as the
/// columns of an F-order `n×n` matrix (column `k` belongs to value `k`). ?stev runs implicit QL/QR
/// on the tridiagonal directly: ≈ 6n³ flops with vectors (3n² for the values alone, see
/// [`eigvalsh_tridiagonal`]), against ≈ 9n³ for [`SymmetricEigen`](crate::SymmetricEigen) on the
/// dense matrix, and no n×n input. This is `scipy.linalg.eigh_tridiagonal`; for a few
/// eigenpairs use [`eigh_tridiagonal_by_index`] or [`eigh_tridiagonal_by_value`].
///
/// # Errors
/// [`Error::DimensionMismatch`] unless `e.len() = n − 1`, [`Error::NonFinite`] (position in
/// `T`), [`Error::NoConvergence`], [`Error::TooLarge`]. `n = 0` gives empty results.
///
/// # LAPACK
/// | f32 | f64 |
/// |---|---|
/// | sstev | dstev |
///
/// ```
/// use ndarray::{array, Array1};
/// use ndfactor::eigh_tridiagonal;
/// let (d, e) = (Array1::from_elem(4, 2.0f64), Array1::from_elem(3, -1.0));
/// let (w, v) = eigh_tridiagonal(&d, &e)?;
/// // The eigenvalues of tridiag(−1, 2, −1) of order n are 2 − 2cos(kπ/(n + 1)).
/// for (k, &l) in w.iter().enumerate() {
///     let exact = 2.0 - 2.0 * ((k + 1) as f64 * std::f64::consts::PI / 5.0).cos();
///     assert!((l - exact).abs() < 1e-14);
/// }
/// assert!((&v.t().dot(&v) - &ndarray::Array2::<f64>::eye(4)).iter().all(|x| x.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "stev")]
pub fn eigh_tridiagonal<R, S1, S2>(
    d: &ArrayBase<S1, Ix1>,
    e: &ArrayBase<S2, Ix1>,
) -> Result<(Array1<R>, Array2<R>)>
where
    R: RealScalar,
    S1: Data<Elem = R>,
    S2: Data<Elem = R>,
{
    let (mut dv, mut ev) = tridiagonal_input(d, e, "eigh_tridiagonal: length of e")?;
    let z = stev(&mut dv, &mut ev, true)?.expect("vectors requested");
    Ok((Array1::from(dv), z))
}

/// Eigenvalues (ascending) of a real symmetric tridiagonal matrix with diagonal `d` and
/// off-diagonal `e`, by ?stev without vectors (root-free QL/QR, ≈ 3n² flops). This is
/// `scipy.linalg.eigvalsh_tridiagonal`.
///
/// # Errors
/// As [`eigh_tridiagonal`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::eigvalsh_tridiagonal;
/// let w = eigvalsh_tridiagonal(&array![1.0f64, 1.0], &array![1.0])?; // [[1, 1], [1, 1]]
/// assert!(w[0].abs() < 1e-15 && (w[1] - 2.0).abs() < 4e-16);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigvalsh_tridiagonal<R, S1, S2>(
    d: &ArrayBase<S1, Ix1>,
    e: &ArrayBase<S2, Ix1>,
) -> Result<Array1<R>>
where
    R: RealScalar,
    S1: Data<Elem = R>,
    S2: Data<Elem = R>,
{
    let (mut dv, mut ev) = tridiagonal_input(d, e, "eigvalsh_tridiagonal: length of e")?;
    stev(&mut dv, &mut ev, false)?;
    Ok(Array1::from(dv))
}

/// The `lo`-th through `hi`-th smallest eigenpairs (0-based, inclusive) of a real symmetric
/// tridiagonal matrix, by ?stemr (MRRR: O(n·k) flops for k pairs). SciPy's
/// `eigh_tridiagonal(d, e, select='i', select_range=(lo, hi))`. Values ascending, vectors
/// orthonormal, F-order `n×k`.
///
/// # Errors
/// [`Error::InvalidArgument`] unless `lo ≤ hi < n`; otherwise as [`eigh_tridiagonal`].
///
/// # LAPACK
/// | f32 | f64 |
/// |---|---|
/// | sstemr | dstemr |
///
/// ```
/// use ndarray::Array1;
/// use ndfactor::eigh_tridiagonal_by_index;
/// let n = 50;
/// let (w, v) = eigh_tridiagonal_by_index(&Array1::from_elem(n, 2.0f64), &Array1::from_elem(n - 1, -1.0), 0..=1)?;
/// assert_eq!(v.dim(), (n, 2));
/// let exact = 2.0 - 2.0 * (std::f64::consts::PI / (n as f64 + 1.0)).cos();
/// assert!((w[0] - exact).abs() < 1e-13);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigh_tridiagonal_by_index<R, S1, S2>(
    d: &ArrayBase<S1, Ix1>,
    e: &ArrayBase<S2, Ix1>,
    range: RangeInclusive<usize>,
) -> Result<(Array1<R>, Array2<R>)>
where
    R: RealScalar,
    S1: Data<Elem = R>,
    S2: Data<Elem = R>,
{
    let (dv, ev) = tridiagonal_input(d, e, "eigh_tridiagonal_by_index: length of e")?;
    let n = dv.len();
    let (lo, hi) = (*range.start(), *range.end());
    if lo > hi || hi >= n {
        return Err(Error::InvalidArgument {
            reason: format!("eigenvalue index range {lo}..={hi} is not within 0..{n}"),
        });
    }
    let (w, z) = stemr(&dv, &ev[..n - 1], EigRange::Index(lo, hi), true)?;
    if w.len() != hi - lo + 1 {
        return Err(Error::NumericalBreakdown {
            routine: crate::lapack::rname!(R, "stemr"),
        });
    }
    Ok((Array1::from(w), z.expect("vectors requested")))
}

/// The eigenpairs of a real symmetric tridiagonal matrix with eigenvalues in the half-open
/// interval `(vl, vu]`, by ?stemr (MRRR). SciPy's `eigh_tridiagonal(d, e, select='v',
/// select_range=(vl, vu))`. Values ascending, vectors orthonormal, F-order `n×k` (`k` may be 0).
///
/// # Errors
/// [`Error::InvalidArgument`] unless `vl < vu` and both are finite; otherwise as
/// [`eigh_tridiagonal`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::eigh_tridiagonal_by_value;
/// let (w, v) = eigh_tridiagonal_by_value(&array![1.0f64, 5.0, 3.0], &array![0.0, 0.0], 2.0, 6.0)?;
/// assert_eq!(v.dim(), (3, 2));
/// assert!((w[0] - 3.0).abs() < 1e-15 && (w[1] - 5.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigh_tridiagonal_by_value<R, S1, S2>(
    d: &ArrayBase<S1, Ix1>,
    e: &ArrayBase<S2, Ix1>,
    vl: R,
    vu: R,
) -> Result<(Array1<R>, Array2<R>)>
where
    R: RealScalar,
    S1: Data<Elem = R>,
    S2: Data<Elem = R>,
{
    if !(vl.is_finite() && vu.is_finite() && vl < vu) {
        return Err(Error::InvalidArgument {
            reason: format!("eigenvalue interval ({vl}, {vu}] must be finite and nonempty"),
        });
    }
    let (dv, ev) = tridiagonal_input(d, e, "eigh_tridiagonal_by_value: length of e")?;
    let n = dv.len();
    if n == 0 {
        return Ok((Array1::zeros(0), Array2::zeros((0, 0))));
    }
    let (w, z) = stemr(&dv, &ev[..n - 1], EigRange::Value(vl, vu), true)?;
    Ok((Array1::from(w), z.expect("vectors requested")))
}

/// Solves `A·x = b` for a band matrix given by its diagonals in SciPy's layout:
/// `ab[ku + i − j, j] = a[i, j]`, `(kl, ku)` the numbers of sub- and superdiagonals, like
/// `scipy.linalg.solve_banded((l, u), ab, b)`. `b` is a vector or a matrix of columns.
/// Band LU with partial pivoting ([`BandLu`]).
///
/// # Errors
/// As [`BandMatrix::from_ab`] and [`BandLu::solve`]: [`Error::Singular`] names the zero pivot.
///
/// ```
/// use ndarray::array;
/// use ndfactor::solve_banded;
/// // scipy.linalg.solve_banded's docstring example: kl = 1, ku = 2.
/// let ab = array![[0.0f64, 0.0, -1.0, -1.0, -1.0],
///                 [0.0, 2.0, 2.0, 2.0, 2.0],
///                 [5.0, 4.0, 3.0, 2.0, 1.0],
///                 [1.0, 1.0, 1.0, 1.0, 0.0]];
/// let b = array![0.0, 1.0, 2.0, 2.0, 3.0];
/// let x = solve_banded((1, 2), &ab, &b)?;
/// let expected = array![-2.37288136, 3.93220339, -4.0, 4.3559322, -1.3559322];
/// assert!((&x - &expected).iter().all(|d| d.abs() < 1e-8));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "gbsv")]
pub fn solve_banded<T, S1, S2, D>(
    (kl, ku): (usize, usize),
    ab: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, D>,
) -> Result<Array<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    BandLu::new(&BandMatrix::from_ab(ab, kl, ku)?)?.solve(b)
}

/// Solves `A·x = b` for a Hermitian positive definite band matrix given in SciPy's
/// `solveh_banded` layout (see [`BandCholesky::from_ab`]): with [`Uplo::Upper`] (SciPy's
/// default `lower=False`) `ab[kd + i − j, j] = a[i, j]` for `i ≤ j`, with [`Uplo::Lower`]
/// `ab[i − j, j] = a[i, j]` for `i ≥ j`. Band Cholesky ([`BandCholesky`]).
///
/// # Errors
/// As [`BandCholesky::from_ab`] and [`BandCholesky::solve`]: [`Error::NotPositiveDefinite`]
/// names the leading minor.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{solveh_banded, Uplo};
/// // A pentadiagonal SPD matrix in the upper form (kd = 2): 8 on the diagonal.
/// let ab = array![[0.0f64, 0.0, -1.0, -1.0, -1.0, -1.0],
///                 [0.0, 2.0, 2.0, 2.0, 2.0, 2.0],
///                 [8.0, 8.0, 8.0, 8.0, 8.0, 8.0]];
/// let b = array![1.0, 2.0, 2.0, 3.0, 3.0, 3.0];
/// let x = solveh_banded(&ab, &b, Uplo::Upper)?;
/// let a = ndfactor::BandCholesky::from_ab(&ab, Uplo::Upper)?.to_dense();
/// assert!((&a.dot(&x) - &b).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "pbsv")]
pub fn solveh_banded<T, S1, S2, D>(
    ab: &ArrayBase<S1, Ix2>,
    b: &ArrayBase<S2, D>,
    uplo: Uplo,
) -> Result<Array<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    BandCholesky::from_ab(ab, uplo)?.solve(b)
}

impl<T: Scalar> Solve<T> for BandLu<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        BandLu::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        BandLu::solve_adjoint(self, &b)
    }
    fn solve_transpose_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        BandLu::solve_transpose(self, &b)
    }
    fn rcond(&self) -> T::Real {
        BandLu::rcond(self)
    }
}

impl<T: Scalar> Solve<T> for BandCholesky<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        BandCholesky::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        // Aᴴ = A.
        BandCholesky::solve(self, &b)
    }
    fn rcond(&self) -> T::Real {
        BandCholesky::rcond(self)
    }
}

impl<T: Scalar> Solve<T> for SpdTridiagonal<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        SpdTridiagonal::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        // Aᴴ = A.
        SpdTridiagonal::solve(self, &b)
    }
    fn rcond(&self) -> T::Real {
        SpdTridiagonal::rcond(self)
    }
}
