//! LU factorization of a tridiagonal matrix in O(n).

use ndarray::{
    Array, Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix1, Ix2, ShapeBuilder,
};

use super::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::tridiag::{gtcon, gttrf, gttrs, Gttrf};
use crate::lapack::Trans;
use crate::layout::{check_dims, check_finite, check_square};
use crate::scalar::{RealScalar, Scalar};

/// LU factorization with partial pivoting of a tridiagonal matrix: `P·A = L·U`, where `L` is
/// unit lower bidiagonal (with row interchanges) and `U` upper triangular with two
/// superdiagonals.
///
/// A tridiagonal matrix (nonzeros only on the diagonal `d`, the subdiagonal `dl` and the
/// superdiagonal `du`) arises from 1-D finite differences, cubic splines and the Lanczos
/// process. Storing and factoring it as a dense matrix costs n² memory and 2n³/3 flops; this
/// factorization keeps the three diagonals and costs **O(n)**: ≈ 8n flops to factor, ≈ 10n per
/// right-hand side to solve. Partial pivoting makes it stable for any nonsingular tridiagonal
/// matrix (symmetric or not), like `scipy.linalg.solve_banded` and Julia's `lu(Tridiagonal)`.
/// [`factorize`](crate::factorize) chooses it for square tridiagonal input.
///
/// An exactly singular matrix still factors: [`singular_at`](TridiagonalLu::singular_at) names
/// the zero pivot of `U`, `det()` is 0, `rcond()` is 0 and the solves return
/// [`Error::Singular`].
///
/// # Errors
/// [`Error::DimensionMismatch`] for diagonals of inconsistent lengths, [`Error::NonFinite`]
/// (checked before LAPACK), [`Error::TooLarge`], [`Error::NumericalBreakdown`].
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | sgttrf sgttrs sgtcon | dgttrf dgttrs dgtcon | cgttrf cgttrs cgtcon | zgttrf zgttrs zgtcon |
///
/// ```
/// use ndarray::{array, Array1};
/// use ndfactor::TridiagonalLu;
/// // The 1-D Poisson matrix tridiag(−1, 2, −1) of order 5.
/// let n = 5;
/// let f = TridiagonalLu::new(&Array1::from_elem(n - 1, -1.0f64), &Array1::from_elem(n, 2.0),
///                            &Array1::from_elem(n - 1, -1.0))?;
/// let x = f.solve(&Array1::from_elem(n, 1.0))?;
/// let r = &f.to_dense().dot(&x) - &Array1::from_elem(n, 1.0);
/// assert!(r.iter().all(|v| v.abs() < 1e-14));
/// assert!((f.det() - 6.0).abs() < 1e-13); // det = n + 1
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TridiagonalLu<T: Scalar> {
    /// The input diagonals, kept for `to_dense` and the residual checks (3n values).
    dl: Array1<T>,
    d: Array1<T>,
    du: Array1<T>,
    f: Gttrf<T>,
    anorm: T::Real,
}

impl<T: Scalar> TridiagonalLu<T> {
    /// Factors the tridiagonal matrix with subdiagonal `dl` (length n − 1), diagonal `d`
    /// (length n) and superdiagonal `du` (length n − 1). `n = 0` is allowed (all three empty).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![0.0, 0.0], &array![1.0])?;
    /// assert_eq!(f.det(), -1.0); // [[0, 1], [1, 0]] needs a row interchange; exact: pivots 1, 1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S1, S2, S3>(
        dl: &ArrayBase<S1, Ix1>,
        d: &ArrayBase<S2, Ix1>,
        du: &ArrayBase<S3, Ix1>,
    ) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
        S3: Data<Elem = T>,
    {
        let n = d.len();
        for (len, what) in [
            (dl.len(), "TridiagonalLu::new: length of the subdiagonal"),
            (du.len(), "TridiagonalLu::new: length of the superdiagonal"),
        ] {
            if len != n.saturating_sub(1) {
                return Err(Error::DimensionMismatch {
                    operation: what,
                    expected: n.saturating_sub(1),
                    found: len,
                });
            }
        }
        check_dims(n, n)?;
        // Report a non-finite entry at its position in the full matrix.
        for (i, &v) in d.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFinite { row: i, col: i });
            }
        }
        for (i, &v) in dl.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFinite { row: i + 1, col: i });
            }
        }
        for (i, &v) in du.iter().enumerate() {
            if !v.is_finite() {
                return Err(Error::NonFinite { row: i, col: i + 1 });
            }
        }
        let (dl, d, du) = (dl.to_owned(), d.to_owned(), du.to_owned());
        // ‖A‖₁: the largest column sum |du_{j−1}| + |d_j| + |dl_j|, taken before factoring.
        let mut anorm = T::Real::from_f64(0.0);
        for j in 0..n {
            let mut s = d[j].abs();
            if j > 0 {
                s += du[j - 1].abs();
            }
            if j + 1 < n {
                s += dl[j].abs();
            }
            anorm = anorm.max(s);
        }
        let f = gttrf(
            dl.as_slice().expect("owned"),
            d.as_slice().expect("owned"),
            du.as_slice().expect("owned"),
        )?;
        Ok(Self {
            dl,
            d,
            du,
            f,
            anorm,
        })
    }

    /// Factors a square matrix that is tridiagonal (every entry with `|i − j| > 1` exactly
    /// zero), given as any 2-D array or view.
    ///
    /// # Errors
    /// [`Error::NotSquare`], [`Error::NonFinite`], and [`Error::InvalidArgument`] when an
    /// entry outside the three diagonals is nonzero.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::TridiagonalLu;
    /// let a = array![[2.0f64, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 2.0]];
    /// let f = TridiagonalLu::from_matrix(&a)?;
    /// assert_eq!(f.to_dense(), a);
    /// assert!(TridiagonalLu::from_matrix(&array![[1.0f64, 0.0, 1.0], [0.0; 3], [0.0; 3]]).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_matrix<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        check_square(a)?;
        check_finite(a)?;
        let n = a.nrows();
        if let Some(((i, j), _)) = a
            .indexed_iter()
            .find(|&((i, j), &v)| i.abs_diff(j) > 1 && v != T::zero())
        {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "TridiagonalLu::from_matrix: entry ({i}, {j}) lies outside the three \
                     diagonals and is not zero"
                ),
            });
        }
        let dl: Array1<T> = (0..n.saturating_sub(1)).map(|i| a[(i + 1, i)]).collect();
        let d: Array1<T> = (0..n).map(|i| a[(i, i)]).collect();
        let du: Array1<T> = (0..n.saturating_sub(1)).map(|i| a[(i, i + 1)]).collect();
        Self::new(&dl, &d, &du)
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::from_matrix(&ndarray::Array2::<f64>::eye(4))?;
    /// assert_eq!(f.n(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.d.len()
    }

    /// The first exactly zero diagonal entry of `U` (1-based), if the matrix is exactly
    /// singular.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![1.0, 1.0], &array![1.0])?;
    /// assert_eq!(f.singular_at(), Some(2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_at(&self) -> Option<usize> {
        self.f.singular_at
    }

    /// The subdiagonal, diagonal and superdiagonal of the factored matrix `A`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![2.0, 3.0], &array![4.0])?;
    /// assert_eq!(f.diagonals().1, array![2.0, 3.0]); // exact: A's diagonal, kept as given
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn diagonals(&self) -> (ArrayView1<'_, T>, ArrayView1<'_, T>, ArrayView1<'_, T>) {
        (self.dl.view(), self.d.view(), self.du.view())
    }

    /// The factored matrix `A` as a dense F-order array (n² memory: for checks and display).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![2.0, 3.0], &array![4.0])?;
    /// assert_eq!(f.to_dense(), array![[2.0, 4.0], [1.0, 3.0]]); // exact: a copy of the diagonals
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_dense(&self) -> Array2<T> {
        let n = self.n();
        let mut a = Array2::zeros((n, n).f());
        for i in 0..n {
            a[(i, i)] = self.d[i];
            if i + 1 < n {
                a[(i + 1, i)] = self.dl[i];
                a[(i, i + 1)] = self.du[i];
            }
        }
        a
    }

    fn solve_op<S, D>(&self, b: &ArrayBase<S, D>, trans: Trans) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "TridiagonalLu::solve: rows of b")?;
        if let Some(index) = self.f.singular_at {
            return Err(Error::Singular { index });
        }
        gttrs(&self.f, trans, &mut x)?;
        Ok(D::from_matrix(x))
    }

    /// Solves `A·x = b` (`b` a vector) or `A·X = B` (a matrix of columns) in O(n) per
    /// right-hand side. Does not check conditioning (see [`rcond`](TridiagonalLu::rcond) and
    /// `solve_checked`).
    ///
    /// # Errors
    /// [`Error::Singular`], [`Error::DimensionMismatch`], [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![4.0, 3.0], &array![2.0])?;
    /// let x = f.solve(&array![6.0, 4.0])?; // [[4, 2], [1, 3]]·[1, 1] = [6, 4]
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
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
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![4.0, 3.0], &array![2.0])?;
    /// let x = f.solve_transpose(&array![5.0, 5.0])?; // [[4, 1], [2, 3]]·[1, 1] = [5, 5]
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 1.0).abs() < 1e-15);
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

    /// Solves `Aᴴ·x = b` (the same as [`solve_transpose`](TridiagonalLu::solve_transpose)
    /// for real types).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{c64, TridiagonalLu};
    /// let i = c64::new(0.0, 1.0);
    /// let one = c64::new(1.0, 0.0);
    /// let f = TridiagonalLu::new(&array![i], &array![one * 2.0, one * 2.0], &array![one])?;
    /// let b = array![one, i];
    /// let x = f.solve_adjoint(&b)?;
    /// let ah = f.to_dense().t().mapv(|z| z.conj());
    /// assert!((&ah.dot(&x) - &b).iter().all(|d| d.norm() < 1e-15));
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

    /// Determinant: the product of `U`'s diagonal with the sign of the row interchanges (1 for
    /// `n = 0`). May overflow for large `n`; see [`ln_abs_det`](TridiagonalLu::ln_abs_det).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![1.0f64], &array![4.0, 3.0], &array![2.0])?;
    /// assert!((f.det() - 10.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T {
        if self.f.singular_at.is_some() {
            return T::zero();
        }
        // Each interchange flips the sign: fold it into its pivot, then the NaN-free product
        // (a plain complex product overflows to NaN).
        let factors = self
            .f
            .d
            .iter()
            .zip(&self.f.ipiv)
            .enumerate()
            .map(|(i, (&u, &p))| if p as usize != i + 1 { -u } else { u });
        crate::lapack::numeric::det_product(factors)
    }

    /// Sign and logarithm of the absolute determinant, `det = sign·exp(ln_abs)`, without
    /// overflow; `(0, −∞)` for a singular matrix and `(1, 0)` for `n = 0`.
    ///
    /// ```
    /// # use ndarray::Array1;
    /// # use ndfactor::TridiagonalLu;
    /// let n = 1000; // det = 1e3000 overflows f64
    /// let f = TridiagonalLu::new(&Array1::zeros(n - 1), &Array1::from_elem(n, 1e3f64),
    ///                            &Array1::zeros(n - 1))?;
    /// let (sign, ln) = f.ln_abs_det();
    /// assert_eq!(sign, 1.0); // exact: the sign of a real determinant is a product of ±1
    /// assert!((ln - 3000.0 * 10f64.ln()).abs() < 1e-9 * ln);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ln_abs_det(&self) -> (T, T::Real) {
        if self.f.singular_at.is_some() {
            return (T::zero(), T::Real::neg_infinity());
        }
        let mut sign = T::one();
        let mut ln = T::Real::from_f64(0.0);
        for (i, (&u, &p)) in self.f.d.iter().zip(&self.f.ipiv).enumerate() {
            let a = u.abs();
            ln += a.ln();
            sign *= crate::lapack::numeric::unit_phase(u);
            if p as usize != i + 1 {
                sign = -sign;
            }
        }
        (crate::lapack::numeric::renormalized_phase(sign), ln)
    }

    /// Estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` from ?gtcon (O(n)); 0 for
    /// a singular matrix, 1 for `n = 0`, NaN if the estimate fails.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::TridiagonalLu;
    /// let f = TridiagonalLu::new(&array![0.0f64], &array![1.0, 1e-8], &array![0.0])?;
    /// assert!((f.rcond() - 1e-8).abs() < 1e-20);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        // ?gtcon solves with the factors unscaled, so for a matrix of tiny entries ‖A⁻¹‖
        // overflows. rcond is scale invariant and 2^k·A = L·(2^k·U): estimate it from U scaled
        // up by an exact power of two.
        if let Some(k) = crate::lapack::numeric::tiny_exponent::<T>(self.anorm) {
            let mut f = self.f.clone();
            let up = |x: &mut T| *x = crate::lapack::numeric::scale_pow2(*x, k);
            f.d.iter_mut().for_each(up);
            f.du.iter_mut().for_each(up);
            f.du2.iter_mut().for_each(up);
            let anorm = crate::lapack::numeric::scale_pow2(T::from_real(self.anorm), k).re();
            return gtcon(&f, anorm).unwrap_or_else(|_| T::Real::nan());
        }
        gtcon(&self.f, self.anorm).unwrap_or_else(|_| T::Real::nan())
    }
}

impl<T: Scalar> Solve<T> for TridiagonalLu<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        TridiagonalLu::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        TridiagonalLu::solve_adjoint(self, &b)
    }
    fn solve_transpose_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        TridiagonalLu::solve_transpose(self, &b)
    }
    fn rcond(&self) -> T::Real {
        TridiagonalLu::rcond(self)
    }
}
