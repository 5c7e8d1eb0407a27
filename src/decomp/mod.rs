//! Owning, typed factorizations.
//!
//! Every constructor takes any 2-D array or view (C order, F order, strided, negative strides),
//! checks shape and finiteness, and copies once into an owned column-major buffer that LAPACK
//! factors in place. `from_owned` reuses an F-contiguous owned array without copying.
//! Factors are stored in LAPACK's compact form and expanded only on request (`l()`, `u()`, ...).
//! **All returned matrices are F-order (column-major)**: `as_slice()` may be `None` on them;
//! use `as_slice_memory_order()` or iterate.
//!
//! | type | factorization | LAPACK | cost (flops) |
//! |---|---|---|---|
//! | [`Lu`](crate::Lu) | `P·A = L·U` | ?getrf | ≈ 2n³/3 |
//! | [`Cholesky`](crate::Cholesky) | `A = L·Lᴴ` | ?potrf | ≈ n³/3 |
//! | [`ShiftedCholesky`](crate::ShiftedCholesky) | `A + τ·I = L·Lᴴ`, smallest `τ = 10ᵏ·τ₀` that factors | ?potrf (repeated) | ≈ n³/3 per attempt |
//! | [`Schur`](crate::Schur) | `A = Z·T·Zᴴ`, `T` (quasi) upper triangular | ?gees (+trsen) | ≈ 25n³ |
//! | [`Eig`](crate::Eig) | `A·V = V·Λ` (general, complex `Λ`) | ?geev | ≈ 25n³ |
//! | [`Ldlt`](crate::Ldlt) | `P·A·Pᵀ = L·D·Lᴴ` (Bunch–Kaufman) | ?sytrf / ?hetrf | ≈ n³/3 |
//! | [`Qr`](crate::Qr) | `A = Q·R` (any m×n) | ?geqrf | ≈ 2mn² − 2n³/3 |
//! | [`ColPivQr`](crate::ColPivQr) | `A·P = Q·R` | ?geqp3 | ≈ 2mn² − 2n³/3 |
//! | [`Svd`](crate::Svd) | `A = U·Σ·Vᴴ` | ?gesdd (?gesvd fallback) | ≈ 4mn² + 8n³ |
//! | [`TridiagonalLu`](crate::TridiagonalLu) | `P·A = L·U`, `A` tridiagonal | ?gttrf (+gttrs gtcon) | ≈ 8n |
//! | [`BandLu`](crate::BandLu) | `P·A = L·U`, `A` banded (`kl`, `ku`) | ?gbtrf (+gbtrs gbcon) | ≈ 2n·kl·(kl + ku + 1) |
//! | [`BandCholesky`](crate::BandCholesky) | `A = L·Lᴴ`, `A` HPD banded (`kd`) | ?pbtrf (+pbtrs pbcon) | ≈ n·kd² |
//! | [`SpdTridiagonal`](crate::SpdTridiagonal) | `A = L·D·Lᴴ`, `A` HPD tridiagonal | ?pttrf (+pttrs ptcon) | ≈ 4n |
//! | [`QrFactors`](crate::QrFactors) | `A = Q·R` with explicit full `Q`, updated in O(m² + mn) by Givens rotations (insert/delete a row or column, `A + u·vᴴ`); [`Cholesky::update`](crate::Cholesky::update)/[`downdate`](crate::Cholesky::downdate) give `A ± x·xᴴ` in O(n²) | ?geqrf + ?orgqr once, then Rust rotations | O(m² + mn) per update |
//! | [`SymmetricEigen`](crate::SymmetricEigen) | `A = V·Λ·Vᴴ`, `A = Aᴴ` | ?syevd/?heevd, ?syevr/?heevr | ≈ 9n³ (4n³/3 values only) |
//! | [`GeneralizedEigh`](crate::GeneralizedEigh) | `A·X = B·X·Λ`, `A = Aᴴ`, `B` HPD (types 1–3) | ?sygvd/?hegvd, ?sygvx/?hegvx | ≈ 14n³ with vectors |
//! | [`GeneralizedEig`](crate::GeneralizedEig) | `β·A·x = α·B·x` (general pencil) | ?ggev | ≈ 50–70n³ with vectors |
//! | [`Qz`](crate::Qz) | `A = Q·S·Zᴴ`, `B = Q·T·Zᴴ` (reorderable) | ?gges (+tgsen) | ≈ 66n³ |

use ndarray::{Array, Array1, Array2, ArrayBase, Data, Dimension, Ix1, Ix2, ShapeBuilder};

use crate::error::{Error, Result};
use crate::layout::to_col_major;
// `auto` still names `decomp::det_product`; the helper itself lives with the other numerics.
pub(crate) use crate::lapack::numeric::det_product;
use crate::scalar::Scalar;

pub mod band;
pub mod cholesky;
pub mod eig;
pub mod eigh;
pub mod geneig;
pub mod ldlt;
pub mod lu;
pub mod qr;
pub mod schur;
pub mod shifted;
pub mod solve;
pub mod svd;
pub mod triangular;
pub mod tridiag;
pub mod updates;

pub use solve::Solve;

mod private {
    pub trait Sealed {}
    impl Sealed for ndarray::Ix1 {}
    impl Sealed for ndarray::Ix2 {}
}

/// Right-hand sides a solve accepts: a vector (`Ix1`) or a matrix of columns (`Ix2`).
/// The solution has the same dimensionality as the right-hand side.
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let lu = Lu::new(&array![[2.0f64, 0.0], [0.0, 4.0]])?;
/// let x1 = lu.solve(&array![2.0, 4.0])?;              // Array1
/// let x2 = lu.solve(&array![[2.0f64, 4.0], [4.0, 8.0]])?; // Array2
/// assert_eq!(x1, array![1.0, 1.0]); // exact: divisions by 2 and 4 of multiples
/// assert_eq!(x2.column(1), array![2.0, 2.0]); // exact: as above
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub trait Rhs: Dimension + private::Sealed {
    /// Copies `b` into an F-order matrix with one column per right-hand side.
    #[doc(hidden)]
    fn to_matrix<T: Scalar, S: Data<Elem = T>>(b: &ArrayBase<S, Self>) -> Array2<T>;
    /// Turns the F-order solution matrix back into the right-hand side's dimensionality.
    #[doc(hidden)]
    fn from_matrix<T: Scalar>(x: Array2<T>) -> Array<T, Self>;
}

impl Rhs for Ix1 {
    fn to_matrix<T: Scalar, S: Data<Elem = T>>(b: &ArrayBase<S, Ix1>) -> Array2<T> {
        let n = b.len();
        Array2::from_shape_vec((n, 1).f(), b.iter().copied().collect()).expect("n×1 from n")
    }
    fn from_matrix<T: Scalar>(x: Array2<T>) -> Array1<T> {
        x.column(0).to_owned()
    }
}

impl Rhs for Ix2 {
    fn to_matrix<T: Scalar, S: Data<Elem = T>>(b: &ArrayBase<S, Ix2>) -> Array2<T> {
        to_col_major(b)
    }
    fn from_matrix<T: Scalar>(x: Array2<T>) -> Array2<T> {
        x
    }
}

/// Checks that a right-hand side has `rows` rows and copies it to F order.
pub(crate) fn rhs_matrix<T, S, D>(
    b: &ArrayBase<S, D>,
    rows: usize,
    operation: &'static str,
) -> Result<Array2<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Rhs,
{
    let found = b.shape()[0];
    if found != rows {
        return Err(Error::DimensionMismatch {
            operation,
            expected: rows,
            found,
        });
    }
    // LP64 limits before the copy (a broadcast right-hand side can exceed memory).
    let cols = b.shape().get(1).copied().unwrap_or(1);
    crate::layout::check_dims(found, cols)?;
    let m = D::to_matrix(b);
    crate::layout::check_finite(&m)?;
    Ok(m)
}
