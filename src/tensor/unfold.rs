//! Mode-`n` unfolding and folding, the n-mode product and the tensor Frobenius norm.

use ndarray::{Array2, ArrayBase, ArrayD, Data, Dimension, Ix2, IxDyn};

use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

use super::invalid;

pub(super) fn check_mode(ndim: usize, mode: usize) -> Result<()> {
    if mode >= ndim {
        return Err(invalid(format!(
            "mode {mode} is out of range for a tensor of order {ndim}"
        )));
    }
    Ok(())
}

/// The Kolda–Bader permutation: `[mode, N−1, …, 0 without mode]` (so the standard-layout
/// iteration of the permuted tensor has the lowest remaining mode fastest).
pub(super) fn unfold_perm(ndim: usize, mode: usize) -> Vec<usize> {
    let mut p = vec![mode];
    p.extend((0..ndim).rev().filter(|&k| k != mode));
    p
}

/// Mode-`n` unfolding `X₍ₙ₎` (Kolda–Bader convention, see the [module](crate::tensor) docs):
/// an `Iₙ × ∏_{k≠n} I_k` matrix (C order). One copy, `O(∏ I_k)`.
///
/// # Errors
/// [`Error::InvalidArgument`] when `mode ≥ ndim` (a 0-dimensional array has no mode).
///
/// ```
/// use ndfactor::tensor::unfold;
/// // Kolda & Bader's example: X[:, :, 0] = [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]],
/// // X[:, :, 1] the same plus 12.
/// let x = ndarray::Array3::from_shape_fn((3, 4, 2), |(i, j, k)| (1 + i + 3 * j + 12 * k) as f64);
/// let x1 = unfold(&x, 1)?;
/// assert_eq!(x1.row(0).to_vec(), vec![1.0, 2.0, 3.0, 13.0, 14.0, 15.0]); // exact: unfolding copies entries
/// assert_eq!(unfold(&x, 0)?.row(0).to_vec(), vec![1.0, 4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0]); // exact: a copy
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn unfold<T, S, D>(x: &ArrayBase<S, D>, mode: usize) -> Result<Array2<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Dimension,
{
    let x = x.view().into_dyn();
    check_mode(x.ndim(), mode)?;
    let rows = x.shape()[mode];
    let cols: usize = x
        .shape()
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != mode)
        .map(|(_, &d)| d)
        .product();
    let perm = unfold_perm(x.ndim(), mode);
    let p = x.permuted_axes(perm);
    let v: Vec<T> = p.iter().copied().collect();
    Ok(Array2::from_shape_vec((rows, cols), v).expect("unfolding has ∏ I_k entries"))
}

/// Inverse of [`unfold`]: the tensor of shape `shape` whose mode-`n` unfolding is `m`.
///
/// # Errors
/// [`Error::InvalidArgument`] when `mode ≥ shape.len()`; [`Error::DimensionMismatch`] when
/// `m` is not `Iₙ × ∏_{k≠n} I_k`.
///
/// ```
/// use ndfactor::tensor::{fold, unfold};
/// let x = ndarray::Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f32);
/// for mode in 0..3 {
///     assert_eq!(fold(&unfold(&x, mode)?, mode, &[2, 3, 4])?, x.clone().into_dyn());
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn fold<T, S>(m: &ArrayBase<S, Ix2>, mode: usize, shape: &[usize]) -> Result<ArrayD<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
{
    let nd = shape.len();
    check_mode(nd, mode)?;
    let cols: usize = (0..nd).filter(|&k| k != mode).map(|k| shape[k]).product();
    if m.nrows() != shape[mode] {
        return Err(Error::DimensionMismatch {
            operation: "fold: rows of the unfolding (size of the mode)",
            expected: shape[mode],
            found: m.nrows(),
        });
    }
    if m.ncols() != cols {
        return Err(Error::DimensionMismatch {
            operation: "fold: columns of the unfolding (product of the other sizes)",
            expected: cols,
            found: m.ncols(),
        });
    }
    let perm = unfold_perm(nd, mode);
    let pshape: Vec<usize> = perm.iter().map(|&k| shape[k]).collect();
    let v: Vec<T> = m.iter().copied().collect();
    let p = ArrayD::from_shape_vec(IxDyn(&pshape), v).expect("sizes checked");
    let mut inv = vec![0usize; nd];
    for (k, &pk) in perm.iter().enumerate() {
        inv[pk] = k;
    }
    Ok(p.permuted_axes(inv).as_standard_layout().into_owned())
}

/// n-mode product `Y = X ×ₙ U` for `U` of shape `J × Iₙ`: `Y₍ₙ₎ = U·X₍ₙ₎`, i.e.
/// `y[…, j, …] = Σ_{iₙ} u[j, iₙ]·x[…, iₙ, …]`. Cost `2·J·∏ I_k` flops (one GEMM) plus two
/// copies.
///
/// Identities (Kolda & Bader §2.5): `X ×ₘ A ×ₙ B = X ×ₙ B ×ₘ A` for `m ≠ n`, and
/// `X ×ₙ A ×ₙ B = X ×ₙ (B·A)`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a bad mode; [`Error::DimensionMismatch`] when
/// `U.ncols() ≠ Iₙ`.
///
/// ```
/// use ndfactor::tensor::mode_product;
/// let x = ndarray::Array3::<f64>::ones((2, 3, 4));
/// let u = ndarray::Array2::<f64>::ones((5, 3));
/// let y = mode_product(&x, &u, 1)?;
/// assert_eq!(y.shape(), &[2, 5, 4]);
/// assert!(y.iter().all(|&v| v == 3.0));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn mode_product<T, S1, S2, D>(
    x: &ArrayBase<S1, D>,
    u: &ArrayBase<S2, Ix2>,
    mode: usize,
) -> Result<ArrayD<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Dimension,
{
    let x = x.view().into_dyn();
    check_mode(x.ndim(), mode)?;
    if u.ncols() != x.shape()[mode] {
        return Err(Error::DimensionMismatch {
            operation: "mode_product: columns of U (size of the mode)",
            expected: x.shape()[mode],
            found: u.ncols(),
        });
    }
    let xn = unfold(&x, mode)?;
    let yn = u.dot(&xn);
    let mut shape = x.shape().to_vec();
    shape[mode] = u.nrows();
    fold(&yn, mode, &shape)
}

/// Frobenius norm `‖X‖_F = √Σ|x|²` of a tensor of any order, scaled against overflow.
///
/// ```
/// let x = ndarray::Array3::<f64>::from_elem((2, 2, 2), 0.5);
/// assert!((ndfactor::tensor::norm(&x) - 2f64.sqrt()).abs() < 1e-15);
/// ```
pub fn norm<T, S, D>(x: &ArrayBase<S, D>) -> T::Real
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Dimension,
{
    let zero = T::Real::from_f64(0.0);
    let scale = x.iter().fold(zero, |m, v| m.max(v.abs()));
    if scale == zero || !scale.is_finite() {
        return scale;
    }
    let s = x.iter().fold(zero, |s, v| {
        let r = v.abs() / scale;
        s + r * r
    });
    scale * s.sqrt()
}

/// `X ×₀ M₀ ×₁ M₁ …` over the listed `(mode, matrix)` pairs.
pub(super) fn multi_product<T: Scalar>(
    x: ArrayD<T>,
    mats: &[(usize, &Array2<T>)],
) -> Result<ArrayD<T>> {
    let mut y = x;
    for &(mode, m) in mats {
        y = mode_product(&y, m, mode)?;
    }
    Ok(y)
}
