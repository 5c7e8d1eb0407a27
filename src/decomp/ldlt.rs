//! Bunch–Kaufman factorization of symmetric and Hermitian (possibly indefinite) matrices.

use ndarray::{Array, Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};

use super::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::ldlt::{sycon, sytrf, sytrs};
use crate::lapack::numeric::{floor_log2, scale_pow2, tiny_exponent};
use crate::lapack::BlasInt;
use crate::lapack::Uplo;
use crate::layout::{
    check_dims, check_square, lower_triangle_into_col_major_checked, triangle_to_col_major_checked,
    TriangleScan,
};
use crate::scalar::{RealScalar, Scalar};

/// Which symmetry a complex matrix has: `Aᴴ = A` (Hermitian) or `Aᵀ = A` (complex symmetric).
/// For real matrices the two are the same.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{c64, Ldlt, Symmetry, Uplo};
/// let i = c64::new(0.0, 1.0);
/// let one = c64::new(1.0, 0.0);
/// let a = array![[one, i], [i, one]]; // Aᵀ = A, not Hermitian
/// let ld = Ldlt::with_options(&a, Uplo::Lower, Symmetry::Symmetric)?;
/// assert!((ld.det() - c64::new(2.0, 0.0)).norm() < 1e-15); // 1 − i² = 2
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symmetry {
    /// `Aᴴ = A` (?hetrf): `A = Pᵀ·L·D·Lᴴ·P`, with real eigenvalues. The default.
    Hermitian,
    /// `Aᵀ = A` (?sytrf): `A = Pᵀ·L·D·Lᵀ·P`. Only differs from `Hermitian` for complex types.
    Symmetric,
}

/// Counts of positive, negative and zero eigenvalues of a Hermitian matrix (Sylvester's law of
/// inertia: the same as those of `D`).
///
/// ```
/// use ndarray::array;
/// use ndfactor::{Inertia, Ldlt};
/// let ld = Ldlt::new(&array![[1.0f64, 2.0], [2.0, 1.0]])?; // eigenvalues 3 and −1
/// assert_eq!(ld.inertia(), Some(Inertia { positive: 1, negative: 1, zero: 0 }));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Inertia {
    /// Number of positive eigenvalues.
    pub positive: usize,
    /// Number of negative eigenvalues.
    pub negative: usize,
    /// Number of eigenvalues of `D` that are exactly zero.
    pub zero: usize,
}

/// Bunch–Kaufman factorization of a symmetric or Hermitian matrix: `P·A·Pᵀ = L·D·Lᴴ`.
///
/// `L` is unit lower triangular, `D` block diagonal with 1×1 and 2×2 blocks, and `P` a
/// permutation (symmetric pivoting). Unlike [`Cholesky`] it works for **indefinite** matrices
/// (saddle-point/KKT systems, shifted matrices `A − σI`), at about the same cost; unlike
/// [`Lu`] it keeps the symmetry and costs half as much. Note that faer calls this pivoted
/// form `Lblt` and uses `Ldlt` for the unpivoted one with a true diagonal `D`.
///
/// Only one triangle of the input is read: the **lower** one for [`new`](Ldlt::new), or the one
/// chosen with [`with_options`](Ldlt::with_options). The other triangle is never looked at, not
/// even for NaN. Complex input is taken as **Hermitian** by default (?hetrf; imaginary parts of
/// the diagonal are ignored); pass [`Symmetry::Symmetric`] for complex symmetric matrices
/// (`Aᵀ = A`, ?sytrf), for which `Lᴴ` becomes `Lᵀ` everywhere below.
///
/// An exactly singular `D` still factors (as in LAPACK and SciPy): [`singular_at`](Ldlt::singular_at)
/// reports the first zero diagonal entry of `D`, `det()` and `rcond()` are 0, and
/// `solve`/`inverse` return [`Error::Singular`].
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`] (in the triangle read, checked before LAPACK),
/// [`Error::TooLarge`], and [`Error::NumericalBreakdown`] if LAPACK produces non-finite factors
/// from finite input.
///
/// # Complexity
/// ≈ n³/3 flops to factor; each solve 2n² flops per right-hand side; `inverse` ≈ 2n³ more
/// (n solves).
///
/// # LAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | ssytrf | dsytrf | chetrf (csytrf) | zhetrf (zsytrf) |
///
/// companions: ?sytrs/?hetrs (solve, inverse), ?sycon/?hecon (rcond), ?lansy/?lanhe (‖A‖₁ taken
/// before factoring).
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[1.0f64, 2.0], [2.0, 1.0]]; // indefinite: Cholesky fails
/// assert!(Cholesky::new(&a).is_err());
/// let ld = Ldlt::new(&a)?;
/// let x = ld.solve(&array![3.0, 3.0])?;
/// assert!((&a.dot(&x) - &array![3.0, 3.0]).iter().all(|r| r.abs() < 1e-14));
/// assert!((ld.det() + 3.0).abs() < 1e-14);
/// // P·A·Pᵀ = L·D·Lᵀ
/// let (p, l, d) = (ld.p(), ld.l(), ld.d());
/// let lhs = p.dot(&a).dot(&p.t());
/// assert!((&lhs - &l.dot(&d).dot(&l.t())).iter().all(|r| r.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
///
/// [`Cholesky`]: crate::Cholesky
/// [`Lu`]: crate::Lu
#[derive(Debug, Clone)]
pub struct Ldlt<T: Scalar> {
    /// LAPACK's compact factors in triangle `uplo` of an F-order array.
    factors: Array2<T>,
    /// LAPACK's 1-based `ipiv` (negative pairs mark 2×2 blocks).
    ipiv: Vec<BlasInt>,
    uplo: Uplo,
    symmetry: Symmetry,
    /// ‖A‖₁ of the input, taken before factoring (for ?sycon).
    anorm: T::Real,
    /// First exactly zero `D(i,i)` (1-based), LAPACK's INFO > 0.
    singular_at: Option<usize>,
    /// `(ν, k)` with ‖2^-k·A‖₁ = ν: `(anorm, 0)` unless ‖A‖₁ overflows (for ?sycon).
    rcond_norm: (T::Real, i32),
}

/// One diagonal block of `D` in LAPACK's storage order.
struct Block {
    /// 0-based index of the block's first row.
    start: usize,
    /// 1 or 2.
    size: usize,
    /// The two rows (0-based) interchanged at this step (equal when none).
    swap: (usize, usize),
}

impl<T: Scalar> Ldlt<T> {
    /// Factors a Hermitian (or real symmetric) matrix, reading its lower triangle.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// // The upper triangle is not read, even when it holds NaN.
    /// let a = array![[4.0f64, f64::NAN], [2.0, -3.0]];
    /// let ld = Ldlt::new(&a)?;
    /// assert!((ld.det() + 16.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "ldl")]
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::with_options(a, Uplo::Lower, Symmetry::Hermitian)
    }

    /// Factors reading triangle `uplo`, as a Hermitian or complex symmetric matrix.
    ///
    /// Whatever the triangle, the accessors describe the same `P·A·Pᵀ = L·D·Lᴴ` with `L` unit
    /// lower triangular (for `Uplo::Upper` LAPACK computes `A = U·D·Uᴴ`, which is re-expressed
    /// by reversing the order of rows and columns).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{Ldlt, Symmetry, Uplo};
    /// let a = array![[0.0f64, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 1.0]]; // upper triangle
    /// let ld = Ldlt::with_options(&a, Uplo::Upper, Symmetry::Hermitian)?;
    /// let full = array![[0.0f64, 1.0, 2.0], [1.0, 0.0, 3.0], [2.0, 3.0, 1.0]];
    /// assert!((&ld.reconstruct() - &full).iter().all(|r| r.abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_options<S: Data<Elem = T>>(
        a: &ArrayBase<S, Ix2>,
        uplo: Uplo,
        symmetry: Symmetry,
    ) -> Result<Self> {
        let n = check_square(a)?;
        check_dims(n, n)?;
        // One pass copies the triangle and gives ‖A‖₁ and the finiteness check.
        let hermitian = symmetry == Symmetry::Hermitian;
        let (f, anorm) = triangle_to_col_major_checked(a, uplo, hermitian)?;
        Self::factor(f, uplo, symmetry, anorm)
    }

    /// Factors an owned Hermitian matrix (lower triangle), reusing its buffer when it is
    /// F-contiguous.
    ///
    /// ```
    /// # use ndarray::{array, Array2, ShapeBuilder};
    /// # use ndfactor::Ldlt;
    /// let mut a = Array2::<f64>::zeros((2, 2).f());
    /// a.assign(&array![[0.0f64, 3.0], [3.0, 0.0]]);
    /// assert!((Ldlt::from_owned(a)?.det() + 9.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_owned(a: Array2<T>) -> Result<Self> {
        let n = check_square(&a)?;
        check_dims(n, n)?;
        let (f, anorm) = lower_triangle_into_col_major_checked(a, true)?;
        Self::factor(f, Uplo::Lower, Symmetry::Hermitian, anorm)
    }

    /// Factors the F-order triangle copy `a`, whose ‖A‖₁ (∞ if it overflows) is `anorm`.
    fn factor(mut a: Array2<T>, uplo: Uplo, symmetry: Symmetry, anorm: T::Real) -> Result<Self> {
        let hermitian = symmetry == Symmetry::Hermitian;
        let rcond_norm = if anorm.is_finite() {
            (anorm, 0)
        } else {
            // Finite entries whose column sums overflow: the norm of 2^-k·A instead.
            let big = crate::layout::max_component(&a);
            let k = floor_log2(big.to_f64());
            let mut scaled = a.clone(); // F order, like `a`
            scaled.mapv_inplace(|x| scale_pow2(x, -k));
            (TriangleScan::of(&scaled, uplo, hermitian).0, k)
        };
        // A matrix of tiny entries is factored as 2^k·A = L·(2^k·D)·Lᴴ (an exact scaling that
        // changes neither L nor the pivots) and D is scaled back: Bunch–Kaufman's 2×2 pivots
        // divide by products of entries, which overflow (?sytrf) for subnormal blocks.
        let k = tiny_exponent::<T>(anorm);
        if let Some(k) = k {
            a.mapv_inplace(|x| scale_pow2(x, k));
        }
        let r = sytrf(&mut a, uplo, hermitian)?;
        let mut ld = Ldlt {
            factors: a,
            ipiv: r.ipiv,
            uplo,
            symmetry,
            anorm,
            singular_at: r.singular_at,
            rcond_norm,
        };
        if let Some(k) = k {
            let blocks = ld.blocks();
            scale_d(&mut ld.factors, &blocks, uplo, -k);
        }
        Ok(ld)
    }

    fn hermitian(&self) -> bool {
        self.symmetry == Symmetry::Hermitian
    }

    /// Order `n` of the factored matrix.
    ///
    /// ```
    /// # use ndfactor::Ldlt;
    /// assert_eq!(Ldlt::new(&ndarray::Array2::<f64>::eye(3))?.n(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n(&self) -> usize {
        self.factors.nrows()
    }

    /// Which triangle of the input was read.
    ///
    /// ```
    /// # use ndfactor::{Ldlt, Uplo};
    /// assert_eq!(Ldlt::new(&ndarray::Array2::<f64>::eye(2))?.uplo(), Uplo::Lower);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn uplo(&self) -> Uplo {
        self.uplo
    }

    /// Whether the matrix was taken as Hermitian or complex symmetric.
    ///
    /// ```
    /// # use ndfactor::{Ldlt, Symmetry};
    /// assert_eq!(Ldlt::new(&ndarray::Array2::<f64>::eye(2))?.symmetry(), Symmetry::Hermitian);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn symmetry(&self) -> Symmetry {
        self.symmetry
    }

    /// First exactly zero diagonal entry `D(k,k)` (1-based `k`, LAPACK's INFO), or `None`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let ld = Ldlt::new(&array![[1.0f64, 1.0], [1.0, 1.0]])?;
    /// assert_eq!(ld.singular_at(), Some(2));
    /// assert_eq!(ld.det(), 0.0); // exact: the second pivot is 1 − 1·1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_at(&self) -> Option<usize> {
        self.singular_at
    }

    fn check_nonsingular(&self) -> Result<()> {
        match self.singular_at {
            Some(index) => Err(Error::Singular { index }),
            None => Ok(()),
        }
    }

    /// LAPACK's raw `ipiv` (1-based). For `Uplo::Lower`: `ipiv[k] > 0` means rows and columns
    /// `k+1` and `ipiv[k]` were interchanged and `D(k,k)` is a 1×1 block; `ipiv[k] = ipiv[k+1] < 0`
    /// means rows and columns `k+2` and `−ipiv[k]` were interchanged and `D(k..k+2, k..k+2)` is a
    /// 2×2 block (0-based `k`; see the ?sytrf documentation for `Uplo::Upper`).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let ld = Ldlt::new(&array![[0.0f64, 1.0], [1.0, 0.0]])?;
    /// assert_eq!(ld.pivots(), &[-2, -2]); // one 2×2 block
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn pivots(&self) -> &[BlasInt] {
        &self.ipiv
    }

    /// LAPACK's compact storage (triangle `uplo`): the multipliers of `L` (or `U`) and the
    /// blocks of `D`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let ld = Ldlt::new(&array![[4.0f64, 0.0], [2.0, 3.0]])?;
    /// assert_eq!(ld.factors(), array![[4.0f64, 0.0], [0.5, 2.0]]); // exact: dyadic values: 2/4 and 3 − 0.5·2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> ArrayView2<'_, T> {
        self.factors.view()
    }

    /// The blocks of `D` in LAPACK's processing order.
    fn blocks(&self) -> Vec<Block> {
        let n = self.n();
        let mut out = Vec::new();
        let p = |v: BlasInt| v.unsigned_abs() as usize - 1;
        match self.uplo {
            Uplo::Lower => {
                let mut k = 0;
                while k < n {
                    if self.ipiv[k] > 0 {
                        out.push(Block {
                            start: k,
                            size: 1,
                            swap: (k, p(self.ipiv[k])),
                        });
                        k += 1;
                    } else {
                        out.push(Block {
                            start: k,
                            size: 2,
                            swap: (k + 1, p(self.ipiv[k])),
                        });
                        k += 2;
                    }
                }
            }
            Uplo::Upper => {
                let mut k = n;
                while k > 0 {
                    if self.ipiv[k - 1] > 0 {
                        out.push(Block {
                            start: k - 1,
                            size: 1,
                            swap: (k - 1, p(self.ipiv[k - 1])),
                        });
                        k -= 1;
                    } else {
                        out.push(Block {
                            start: k - 2,
                            size: 2,
                            swap: (k - 2, p(self.ipiv[k - 1])),
                        });
                        k -= 2;
                    }
                }
            }
        }
        out
    }

    /// The entries `[[d11, d12], [d21, d22]]` of a block (only `d11` for a 1×1 block).
    fn block_entries(&self, b: &Block) -> [T; 4] {
        let f = &self.factors;
        let s = b.start;
        let diag = |x: T| {
            if self.hermitian() {
                T::from_real(x.re())
            } else {
                x
            }
        };
        if b.size == 1 {
            return [diag(f[(s, s)]), T::zero(), T::zero(), T::zero()];
        }
        let other = |x: T| if self.hermitian() { x.conj() } else { x };
        let (d12, d21) = match self.uplo {
            Uplo::Lower => (other(f[(s + 1, s)]), f[(s + 1, s)]),
            Uplo::Upper => (f[(s, s + 1)], other(f[(s, s + 1)])),
        };
        [diag(f[(s, s)]), d12, d21, diag(f[(s + 1, s + 1)])]
    }

    /// `(perm, L, D)` with `A[perm[i], perm[j]] = (L·D·Lᴴ)[i, j]`.
    ///
    /// LAPACK stores `A = L₀·D·L₀ᴴ` with `L₀ = P(1)·L(1)···P(k)·L(k)` (each `P(j)` one
    /// interchange of rows at or below block `j`, each `L(j)` unit lower with the multipliers
    /// of block `j`). Moving each `P(j)` left past the earlier `L(i)` swaps the two rows in the
    /// columns already built: `L₀ = Q·L` with `Q = P(1)···P(k)` and `L` unit lower, so that
    /// `Qᵀ·A·Q = L·D·Lᴴ`. For `Uplo::Upper` the same holds with `U` unit upper and the blocks
    /// processed from the bottom; reversing rows and columns then makes `U` lower.
    fn expand(&self) -> (Vec<usize>, Array2<T>, Array2<T>) {
        let n = self.n();
        let f = &self.factors;
        let mut m = Array2::<T>::zeros((n, n).f());
        for i in 0..n {
            m[(i, i)] = T::one();
        }
        let mut d = Array2::<T>::zeros((n, n).f());
        let mut perm: Vec<usize> = (0..n).collect();
        for b in self.blocks() {
            let (r1, r2) = b.swap;
            let end = b.start + b.size; // one past the block
            let built = match self.uplo {
                Uplo::Lower => 0..b.start,
                Uplo::Upper => end..n,
            };
            if r1 != r2 {
                for j in built {
                    m.swap((r1, j), (r2, j));
                }
                perm.swap(r1, r2);
            }
            let mult = match self.uplo {
                Uplo::Lower => end..n,
                Uplo::Upper => 0..b.start,
            };
            for j in b.start..end {
                for i in mult.clone() {
                    m[(i, j)] = f[(i, j)];
                }
            }
            let e = self.block_entries(&b);
            let s = b.start;
            d[(s, s)] = e[0];
            if b.size == 2 {
                d[(s, s + 1)] = e[1];
                d[(s + 1, s)] = e[2];
                d[(s + 1, s + 1)] = e[3];
            }
        }
        if self.uplo == Uplo::Upper {
            let r = |a: &Array2<T>| {
                Array2::from_shape_fn((n, n).f(), |(i, j)| a[(n - 1 - i, n - 1 - j)])
            };
            let perm = (0..n).map(|i| perm[n - 1 - i]).collect();
            return (perm, r(&m), r(&d));
        }
        (perm, m, d)
    }

    /// The symmetric permutation as indices: `(P·A·Pᵀ)[i, j] = A[perm()[i], perm()[j]]`.
    ///
    /// ```
    /// # use ndarray::{array, Axis};
    /// # use ndfactor::Ldlt;
    /// let a = array![[0.0f64, 1.0, 5.0], [1.0, 0.0, 2.0], [5.0, 2.0, 0.0]];
    /// let ld = Ldlt::new(&a)?;
    /// let perm = ld.perm();
    /// let pap = a.select(Axis(0), &perm).select(Axis(1), &perm);
    /// assert_eq!(pap, ld.p().dot(&a).dot(&ld.p().t()));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn perm(&self) -> Vec<usize> {
        self.expand().0
    }

    /// The permutation matrix `P` of `P·A·Pᵀ = L·D·Lᴴ`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let p = Ldlt::new(&array![[1.0f64, 0.0], [0.0, 5.0]])?.p();
    /// assert_eq!(p, array![[1.0f64, 0.0], [0.0, 1.0]]); // exact: a permutation
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

    /// The unit lower triangular `L` of `P·A·Pᵀ = L·D·Lᴴ`, with LAPACK's interchanges applied
    /// (so it is not LAPACK's `L`, which is only triangular up to the interchanges).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let ld = Ldlt::new(&array![[4.0f64, 2.0], [2.0, 3.0]])?;
    /// assert_eq!(ld.l(), array![[1.0f64, 0.0], [0.5, 1.0]]); // exact: 2/4
    /// // With symmetric pivoting, L is that of P·A·Pᵀ:
    /// let ld = Ldlt::new(&array![[2.0f64, 4.0], [4.0, 3.0]])?;
    /// assert_eq!(ld.perm(), vec![1, 0]);
    /// assert_eq!(ld.l(), array![[1.0f64, 0.0], [4.0 / 3.0, 1.0]]); // exact: one rounding: 4/3, or 4·fl(1/3), the same number
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn l(&self) -> Array2<T> {
        self.expand().1
    }

    /// The block diagonal `D` (1×1 and 2×2 blocks; Hermitian, or symmetric in
    /// [`Symmetry::Symmetric`] mode) of `P·A·Pᵀ = L·D·Lᴴ`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let d = Ldlt::new(&array![[0.0f64, 1.0], [1.0, 0.0]])?.d();
    /// assert_eq!(d, array![[0.0f64, 1.0], [1.0, 0.0]]); // one 2×2 block; exact: its entries are copied
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn d(&self) -> Array2<T> {
        self.expand().2
    }

    /// Solves `A·x = b` or `A·X = B`. Does not check conditioning (see [`rcond`](Ldlt::rcond)).
    ///
    /// # Errors
    /// [`Error::Singular`] when `D` is exactly singular, [`Error::DimensionMismatch`],
    /// [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let a = array![[0.0f64, 2.0], [2.0, 0.0]];
    /// let x = Ldlt::new(&a)?.solve(&array![4.0, 2.0])?;
    /// assert!((x[0] - 1.0).abs() < 1e-15 && (x[1] - 2.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[must_use = "solve allocates the solution; it does not modify b"]
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let mut x = rhs_matrix(b, self.n(), "Ldlt::solve: rows of b")?;
        self.check_nonsingular()?;
        sytrs(
            &self.factors,
            &self.ipiv,
            self.uplo,
            self.hermitian(),
            &mut x,
        )?;
        Ok(D::from_matrix(x))
    }

    /// Inverse `A⁻¹` (F-order, both triangles), by solving with the identity.
    ///
    /// # Errors
    /// [`Error::Singular`] when `D` is exactly singular.
    ///
    /// ```
    /// # use ndarray::{array, Array2};
    /// # use ndfactor::Ldlt;
    /// let a = array![[1.0f64, 2.0], [2.0, 1.0]];
    /// let inv = Ldlt::new(&a)?.inverse()?;
    /// assert!((&a.dot(&inv) - &Array2::<f64>::eye(2)).iter().all(|r| r.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn inverse(&self) -> Result<Array2<T>> {
        self.check_nonsingular()?;
        let n = self.n();
        let mut inv = Array2::<T>::zeros((n, n).f());
        for i in 0..n {
            inv[(i, i)] = T::one();
        }
        sytrs(
            &self.factors,
            &self.ipiv,
            self.uplo,
            self.hermitian(),
            &mut inv,
        )?;
        Ok(inv)
    }

    /// Determinant `det D` (the product of the 1×1 blocks and of the 2×2 blocks'
    /// determinants; `det P = ±1` cancels and `det L = 1`). 0 when `D` is singular, 1 for 0×0.
    /// Real (zero imaginary part) for Hermitian matrices. Can overflow: see
    /// [`ln_abs_det`](Ldlt::ln_abs_det).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let d = Ldlt::new(&array![[4.0f64, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]])?.det();
    /// assert!((d - 67.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> T {
        if self.singular_at.is_some() {
            return T::zero();
        }
        // 2×2 blocks as s²·δ (no overflow in ad − bc), then a NaN-free product.
        let mut factors = Vec::with_capacity(self.n());
        for b in self.blocks() {
            let e = self.block_entries(&b);
            if b.size == 1 {
                factors.push(e[0]);
            } else {
                let (sc, delta) = Self::scaled_det2(&e);
                factors.extend([delta, T::from_real(sc), T::from_real(sc)]);
            }
        }
        crate::lapack::numeric::det_product(factors.into_iter())
    }

    /// Scaled determinant of a 2×2 block: `(s, δ)` with `det = s²·δ`, `s` the power of two at
    /// or below the largest modulus. Scaling by a power of two is exact, and unlike `1/max` it
    /// cannot overflow: for a block of subnormals `1/max` is `∞` and the entries became NaN.
    fn scaled_det2(e: &[T; 4]) -> (T::Real, T) {
        let zero = T::Real::from_f64(0.0);
        let amax = e
            .iter()
            .fold(zero, |m, x| m.max(x.re().abs()).max(x.im().abs()));
        if amax == zero {
            return (zero, T::zero());
        }
        let k = floor_log2(amax.to_f64());
        let [a, b, c, d] = e.map(|x| scale_pow2(x, -k));
        let s = scale_pow2(T::one(), k).re();
        (s, a * d - b * c)
    }

    /// Sign and logarithm of the absolute determinant, `det = sign·exp(ln_abs)`, without
    /// overflow. `sign` is ±1 for real and Hermitian matrices and of unit modulus for complex
    /// symmetric ones; for a singular `D` it is 0 and `ln_abs` is −∞. A 0×0 matrix gives `(1, 0)`.
    ///
    /// ```
    /// # use ndarray::Array2;
    /// # use ndfactor::Ldlt;
    /// let a = Array2::<f64>::eye(200) * -1e300; // det = 1e60000 overflows
    /// let (sign, ln) = Ldlt::new(&a)?.ln_abs_det();
    /// assert_eq!(sign, 1.0); // exact: the sign of a real determinant is a product of ±1
    /// assert!((ln - 200.0 * 1e300f64.ln()).abs() < 1e-9 * ln);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "slogdet")]
    pub fn ln_abs_det(&self) -> (T, T::Real) {
        let zero = T::Real::from_f64(0.0);
        if self.singular_at.is_some() {
            return (T::zero(), T::Real::neg_infinity());
        }
        let mut sign = T::one();
        let mut ln = zero;
        for b in self.blocks() {
            let e = self.block_entries(&b);
            let (s, v) = if b.size == 1 {
                (T::Real::from_f64(1.0), e[0])
            } else {
                Self::scaled_det2(&e)
            };
            let m = v.abs();
            if m == zero {
                return (T::zero(), T::Real::neg_infinity());
            }
            ln += m.ln() + T::Real::from_f64(2.0) * s.ln();
            sign *= crate::lapack::numeric::unit_phase(v);
        }
        if !self.hermitian() {
            sign = crate::lapack::numeric::renormalized_phase(sign);
        }
        if self.hermitian() || !T::IS_COMPLEX {
            // Exactly ±1: the blocks' determinants are real.
            sign = T::from_real(if sign.re() < zero {
                T::Real::from_f64(-1.0)
            } else {
                T::Real::from_f64(1.0)
            });
        }
        (sign, ln)
    }

    /// Inertia: the numbers of positive, negative and zero eigenvalues of `A`, read from `D`
    /// (Sylvester's law of inertia). A 1×1 block counts by its sign; a 2×2 block by the signs
    /// of its two eigenvalues (determinant < 0: one of each; > 0: two of the trace's sign;
    /// = 0: one zero and one of the trace's sign). `zero` counts **exactly** zero entries and
    /// determinants of `D`: a numerically singular matrix usually shows tiny nonzero values
    /// instead, so compare with [`rcond`](Ldlt::rcond) when that matters.
    ///
    /// `None` for complex symmetric matrices ([`Symmetry::Symmetric`] with a complex type), whose
    /// eigenvalues are not real.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::{Inertia, Ldlt};
    /// let a = array![[2.0f64, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 0.0]];
    /// let i = Ldlt::new(&a)?.inertia().unwrap();
    /// assert_eq!(i, Inertia { positive: 1, negative: 1, zero: 1 });
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn inertia(&self) -> Option<Inertia> {
        if T::IS_COMPLEX && !self.hermitian() {
            return None;
        }
        let zero = T::Real::from_f64(0.0);
        let mut inertia = Inertia::default();
        let mut count = |x: T::Real| {
            if x > zero {
                inertia.positive += 1;
            } else if x < zero {
                inertia.negative += 1;
            } else {
                inertia.zero += 1;
            }
        };
        for b in self.blocks() {
            let e = self.block_entries(&b);
            if b.size == 1 {
                count(e[0].re());
                continue;
            }
            let (s, det) = Self::scaled_det2(&e);
            let det = det.re();
            if s == zero {
                count(zero);
                count(zero);
                continue;
            }
            // Trace of the scaled block; its sign is that of the eigenvalues when det ≥ 0.
            let trace = (e[0].re() + e[3].re()) / s;
            if det < zero {
                count(T::Real::from_f64(1.0));
                count(T::Real::from_f64(-1.0));
            } else if det > zero {
                count(trace);
                count(trace);
            } else {
                count(zero);
                count(trace);
            }
        }
        Some(inertia)
    }

    /// Reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` estimated by ?sycon/?hecon (0 when `D` is
    /// singular, 1 for 0×0). ‖A‖₁ is taken from the input before factoring.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let rc = Ldlt::new(&array![[1.0f64, 0.0], [0.0, -1e-8]])?.rcond();
    /// assert!((rc - 1e-8).abs() < 1e-16);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        if self.singular_at.is_some() {
            return T::Real::from_f64(0.0);
        }
        // ?sycon/?hecon return NaN for a matrix of subnormals (their norm estimator divides by
        // moduli that underflow). rcond is scale invariant, and 2^k·A = L·(2^k·D)·Lᴴ with the
        // same L and pivots, so a tiny matrix is estimated from its factors with D scaled up by
        // an exact power of two.
        let scaled;
        let (norm, big_k) = self.rcond_norm;
        let (factors, anorm) = match tiny_exponent::<T>(self.anorm) {
            // ‖A‖₁ overflows: likewise with D scaled down and ‖2^-k·A‖₁.
            _ if big_k != 0 => {
                let mut f = self.factors.clone();
                scale_d(&mut f, &self.blocks(), self.uplo, -big_k);
                scaled = f;
                (&scaled, norm)
            }
            Some(k) => {
                let mut f = self.factors.clone();
                scale_d(&mut f, &self.blocks(), self.uplo, k);
                scaled = f;
                (&scaled, scale_pow2(T::from_real(self.anorm), k).re())
            }
            None => (&self.factors, self.anorm),
        };
        sycon(factors, &self.ipiv, self.uplo, self.hermitian(), anorm)
            .unwrap_or_else(|_| T::Real::nan())
    }

    /// ‖A‖₁ of the factored matrix, recorded before factoring.
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// assert_eq!(Ldlt::new(&array![[1.0f64, -4.0], [-4.0, 2.0]])?.norm1(), 6.0); // exact: a sum of integers
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn norm1(&self) -> T::Real {
        self.anorm
    }

    /// `L·D·Lᴴ` (`L·D·Lᵀ` in [`Symmetry::Symmetric`] mode), i.e. `P·A·Pᵀ`.
    pub(crate) fn ldl(&self) -> (Vec<usize>, Array2<T>) {
        let (perm, l, d) = self.expand();
        let lt = if self.hermitian() {
            l.t().mapv(|x| x.conj())
        } else {
            l.t().to_owned()
        };
        (perm, l.dot(&d).dot(&lt))
    }

    /// Rebuilds `A = Pᵀ·L·D·Lᴴ·P` (both triangles; for checks, costs matrix products).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::Ldlt;
    /// let a = array![[1.0f64, 2.0], [2.0, -3.0]];
    /// assert!((&Ldlt::new(&a)?.reconstruct() - &a).iter().all(|r| r.abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        let n = self.n();
        let (perm, m) = self.ldl();
        let mut a = Array2::zeros((n, n).f());
        for (i, &pi) in perm.iter().enumerate() {
            for (j, &pj) in perm.iter().enumerate() {
                a[(pi, pj)] = m[(i, j)];
            }
        }
        a
    }
}

/// Multiplies the entries of `D` (the diagonal of every block and the off-diagonal entry of the
/// 2×2 blocks) in the packed factors `f` by `2^k`, leaving `L` alone.
fn scale_d<T: Scalar>(f: &mut Array2<T>, blocks: &[Block], uplo: Uplo, k: i32) {
    for b in blocks {
        let s = b.start;
        f[(s, s)] = scale_pow2(f[(s, s)], k);
        if b.size == 2 {
            f[(s + 1, s + 1)] = scale_pow2(f[(s + 1, s + 1)], k);
            let off = match uplo {
                Uplo::Lower => (s + 1, s),
                Uplo::Upper => (s, s + 1),
            };
            f[off] = scale_pow2(f[off], k);
        }
    }
}

impl<T: Scalar> Solve<T> for Ldlt<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Ldlt::solve(self, &b)
    }
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        match self.symmetry {
            Symmetry::Hermitian => Ldlt::solve(self, &b),
            // Aᴴ = conj(A): conj(A)·x = b ⇔ A·conj(x) = conj(b).
            Symmetry::Symmetric => {
                Ok(Ldlt::solve(self, &b.mapv(|v| v.conj()))?.mapv_into(|v| v.conj()))
            }
        }
    }
    fn solve_transpose_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        match self.symmetry {
            Symmetry::Symmetric => Ldlt::solve(self, &b),
            // Aᵀ = conj(A): Aᵀ·x = b ⇔ A·conj(x) = conj(b).
            Symmetry::Hermitian => {
                Ok(Ldlt::solve(self, &b.mapv(|v| v.conj()))?.mapv_into(|v| v.conj()))
            }
        }
    }
    fn rcond(&self) -> T::Real {
        Ldlt::rcond(self)
    }
}
