//! Tensor decompositions: Tucker (HOSVD, HOOI) and CP (CANDECOMP/PARAFAC by alternating least
//! squares) of N-way ndarray tensors, with the mode-n unfolding, folding and n-mode product
//! as public helpers.
//!
//! Tensors are any `ArrayBase<S, D>` (`Array3`, `ArrayD`, views, any layout); results are
//! `ArrayD`. Element types: `f32`, `f64`, [`c32`](crate::c32), [`c64`](crate::c64).
//!
//! **Unfolding convention (Kolda & Bader 2009).** The mode-`n` unfolding `X₍ₙ₎` of an
//! `I₀×I₁×…×I_{N−1}` tensor is the `Iₙ × ∏_{k≠n} I_k` matrix whose entry `(iₙ, j)` is
//! `x[i₀, …, i_{N−1}]` with `j = Σ_{k≠n} i_k·J_k`, `J_k = ∏_{m<k, m≠n} I_m`: the remaining
//! indices run in increasing mode order with the **lowest mode fastest**. With it,
//! `(X ×ₙ U)₍ₙ₎ = U·X₍ₙ₎` and the CP model reads
//! `X₍ₙ₎ = A⁽ⁿ⁾·diag(λ)·(A⁽ᴺ⁻¹⁾ ⊙ … ⊙ A⁽ⁿ⁺¹⁾ ⊙ A⁽ⁿ⁻¹⁾ ⊙ … ⊙ A⁽⁰⁾)ᵀ` (⊙ Khatri–Rao).
//! (TensorLy's `unfold` uses the opposite order, last mode fastest.)
//!
//! Linear algebra goes through [`Svd`](crate::decomp::svd::Svd) (Tucker factors, CP
//! initialisation) and [`Cholesky`](crate::decomp::cholesky::Cholesky) with a
//! [`lstsq`](crate::lowrank::lstsq) fallback (CP normal equations); products are ndarray `dot`
//! (BLAS GEMM).
//!
//! ```
//! use ndfactor::tensor::{hosvd, CpAls};
//! // A 3-way tensor of multilinear rank (2, 2, 2) and CP rank 2: a ∘ b ∘ c + d ∘ e ∘ f.
//! let x = ndarray::Array3::from_shape_fn((4, 5, 6), |(i, j, k)| {
//!     let (i, j, k) = (i as f64, j as f64, k as f64);
//!     (1.0 + i) * (2.0 - j) * (1.0 + 0.5 * k) + i * i * (1.0 + j) * (3.0 - k)
//! });
//! let t = hosvd(&x, &[2, 2, 2])?;
//! assert!(t.relative_error() < 1e-13);
//! let cp = CpAls::new(2).tol(1e-14).max_iter(500).fit(&x)?;
//! assert!(cp.relative_error() < 1e-8);
//! # Ok::<(), ndfactor::Error>(())
//! ```

mod cp;
mod tucker;
mod unfold;

pub use cp::{random_cp, Cp, CpAls, CpInit};
pub use tucker::{hosvd, random_tucker, Hooi, Tucker};
pub use unfold::{fold, mode_product, norm, unfold};

use ndarray::{Array2, Array3, ArrayD, ArrayViewD, Dimension, Ix3};

use crate::error::{Error, Result};
use crate::scalar::Scalar;

fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}

/// Validates a tensor for a decomposition: order ≥ 1, no zero size, finite entries.
fn checked_tensor<T: Scalar>(x: &ArrayViewD<'_, T>, operation: &'static str) -> Result<()> {
    if x.ndim() == 0 || x.is_empty() {
        return Err(Error::Empty { operation });
    }
    if x.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    for (idx, v) in x.indexed_iter() {
        if !v.is_finite() {
            return Err(Error::NonFiniteTensor {
                index: idx.slice().to_vec(),
            });
        }
    }
    Ok(())
}

fn adjoint<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    a.t().mapv(|v| v.conj())
}

fn to3<T: Scalar>(x: ArrayD<T>) -> Result<Array3<T>> {
    let nd = x.ndim();
    x.into_dimensionality::<Ix3>()
        .map_err(|_| invalid(format!("expected a 3-way tensor, found order {nd}")))
}

fn relative_difference<T: Scalar>(x: &ArrayViewD<'_, T>, y: &ArrayViewD<'_, T>) -> T::Real {
    let nx = norm(x);
    if nx == T::Real::from_f64(0.0) {
        return norm(y);
    }
    let d = x.to_owned() - y;
    norm(&d) / nx
}
