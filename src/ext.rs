//! Extension trait: factor any 2-D array or view with a method call.

use ndarray::{ArrayBase, Data, Ix2};

use crate::decomp::qr::{ColPivQr, Qr};
use crate::decomp::{
    cholesky::Cholesky, eig::Eig, eigh::SymmetricEigen, ldlt::Ldlt, lu::Lu, schur::Schur, svd::Svd,
};
use crate::error::Result;
use crate::scalar::Scalar;

/// Factorization methods on every 2-D array and view: `a.lu()`, `a.cholesky()`, ...
/// Each is a one-line delegate to the type's `new`.
///
/// ```
/// use ndarray::array;
/// use ndfactor::prelude::*;
/// let a = array![[4.0f64, 1.0], [1.0, 3.0]];
/// let x = a.lu()?.solve(&array![1.0, 2.0])?;
/// let y = a.view().cholesky()?.solve(&array![1.0, 2.0])?;
/// let z = a.qr()?.solve(&array![1.0, 2.0])?;
/// assert!((&x - &y).iter().all(|d| d.abs() < 1e-15));
/// assert!((&x - &z).iter().all(|d| d.abs() < 1e-15));
/// assert_eq!(a.col_piv_qr()?.rank(None)?, 2);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub trait LinalgExt<T: Scalar> {
    /// [`Lu::new`]: `P·A = L·U`.
    fn lu(&self) -> Result<Lu<T>>;
    /// [`Cholesky::new`]: `A = L·Lᴴ`, reading the lower triangle.
    fn cholesky(&self) -> Result<Cholesky<T>>;
    /// [`Schur::new`]: `A = Z·T·Zᴴ`.
    fn schur(&self) -> Result<Schur<T>>;
    /// [`Eig::new`]: eigenvalues and right eigenvectors, `A·V = V·Λ`.
    fn eig(&self) -> Result<Eig<T>>;
    /// [`Ldlt::new`]: `P·A·Pᵀ = L·D·Lᴴ` (Bunch–Kaufman), reading the lower triangle.
    fn ldlt(&self) -> Result<Ldlt<T>>;
    /// [`Qr::new`]: `A = Q·R`, any shape.
    fn qr(&self) -> Result<Qr<T>>;
    /// [`ColPivQr::new`]: `A·P = Q·R` with column pivoting.
    fn col_piv_qr(&self) -> Result<ColPivQr<T>>;
    /// [`Svd::new`]: thin `A = U·Σ·Vᴴ`.
    fn svd(&self) -> Result<Svd<T>>;
    /// [`SymmetricEigen::new`]: `A = V·Λ·Vᴴ`, reading the lower triangle.
    fn eigh(&self) -> Result<SymmetricEigen<T>>;
}

impl<T: Scalar, S: Data<Elem = T>> LinalgExt<T> for ArrayBase<S, Ix2> {
    fn lu(&self) -> Result<Lu<T>> {
        Lu::new(self)
    }
    fn cholesky(&self) -> Result<Cholesky<T>> {
        Cholesky::new(self)
    }
    fn schur(&self) -> Result<Schur<T>> {
        Schur::new(self)
    }
    fn eig(&self) -> Result<Eig<T>> {
        Eig::new(self)
    }
    fn ldlt(&self) -> Result<Ldlt<T>> {
        Ldlt::new(self)
    }
    fn qr(&self) -> Result<Qr<T>> {
        Qr::new(self)
    }
    fn col_piv_qr(&self) -> Result<ColPivQr<T>> {
        ColPivQr::new(self)
    }
    fn svd(&self) -> Result<Svd<T>> {
        Svd::new(self)
    }
    fn eigh(&self) -> Result<SymmetricEigen<T>> {
        SymmetricEigen::new(self)
    }
}
