//! TSQR: the `R` of a tall matrix in one pass, and the SVD from it.

use ndarray::{concatenate, Array1, Array2, Axis};

use super::{check_block_finite, RowBlockSource};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::Result;
use crate::scalar::Scalar;

/// `R` of `A = Q·R` for a matrix read in row blocks, in one pass (TSQR with a flat reduction
/// tree: `R ← qr([R; Aᵢ]).r` for each block, by Householder QR, ?geqrf).
///
/// `R` is `min(m, n)×n`, upper trapezoidal, with a real non-negative diagonal (rows multiplied by
/// unit phases), which makes it unique for a matrix of full column rank: the Cholesky factor of
/// `AᴴA`, but computed without forming `AᴴA` (backward stable: `R` is the exact factor of
/// `A + δA` with `‖δA‖ ≲ c·m·n·ε·‖A‖`, the same bound as one Householder QR of the whole matrix).
///
/// Cost: one pass, `O(m·n²)` flops, memory `(n + block_rows)·n` values. Meant for tall matrices
/// (`m ≫ n`, `n` up to a few thousand). Each block is checked for NaN/∞ first.
///
/// # Errors
/// [`Error::NonFinite`](crate::Error::NonFinite) at the global position; the source's errors;
/// those of [`Qr`].
///
/// ```
/// use ndfactor::stream::tsqr_r;
/// let a = ndfactor::testing::gaussian::<f64>(100, 4, &mut ndfactor::testing::rng(3));
/// let r = tsqr_r(&mut a.view(), 16)?;
/// // RᴴR = AᴴA to rounding.
/// let d = &r.t().dot(&r) - &a.t().dot(&a);
/// assert!(d.iter().all(|x| x.abs() < 1e-12 * 100.0));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn tsqr_r<T, Src>(src: &mut Src, block_rows: usize) -> Result<Array2<T>>
where
    T: Scalar,
    Src: RowBlockSource<T> + ?Sized,
{
    let (_, n) = src.shape();
    let mut r = Array2::<T>::zeros((0, n));
    src.for_each_block(block_rows, &mut |r0, b| {
        check_block_finite(r0, &b)?;
        let stacked = concatenate(Axis(0), &[r.view(), b]).expect("same column count");
        r = Qr::from_owned(stacked)?.r();
        Ok(())
    })?;
    let zero = T::Real::from_f64(0.0);
    for (i, mut row) in r.rows_mut().into_iter().enumerate() {
        let d = row[i];
        let a = d.abs();
        if a > zero && d != T::from_real(a) {
            let phase = d.conj().scale(T::Real::from_f64(1.0) / a);
            row.mapv_inplace(|x| x * phase);
            row[i] = T::from_real(a);
        }
    }
    Ok(r)
}

/// Singular values and right singular vectors of a tall matrix from its TSQR `R`
/// (`A = Q·R`, `R = U_R·Σ·Vᴴ` ⇒ `A = (Q·U_R)·Σ·Vᴴ`): one pass ([`tsqr_r`]) plus a thin SVD of
/// the `n×n` `R` (?gesdd).
///
/// Returns `(σ, Vᴴ)`, `σ` descending (length `min(m, n)`), `Vᴴ` `min(m, n)×n`. The values have
/// the accuracy of an SVD of `A` itself (both steps are backward stable). The left vectors
/// would be `U = A·V·Σ⁻¹`, one more pass, accurate only for `σᵢ ≫ ε·σ₁`; they are not formed
/// here.
///
/// # Errors
/// Those of [`tsqr_r`] and [`Svd`].
///
/// ```
/// use ndfactor::{stream::tall_skinny_svd, Svd};
/// let a = ndfactor::testing::gaussian::<f64>(60, 3, &mut ndfactor::testing::rng(4));
/// let (s, vt) = tall_skinny_svd(&mut a.view(), 7)?;
/// let exact = Svd::values(&a)?;
/// assert!((s[0] - exact[0]).abs() < 1e-13 * exact[0]);
/// assert_eq!(vt.dim(), (3, 3));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn tall_skinny_svd<T, Src>(
    src: &mut Src,
    block_rows: usize,
) -> Result<(Array1<T::Real>, Array2<T>)>
where
    T: Scalar,
    Src: RowBlockSource<T> + ?Sized,
{
    let r = tsqr_r(src, block_rows)?;
    let svd = Svd::from_owned(r)?;
    Ok((svd.s().to_owned(), svd.vt().to_owned()))
}
