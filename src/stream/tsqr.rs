//! TSQR: the `R` of a tall matrix in one pass (and `Q` written to a file in two more), and the
//! SVD from it.

use std::path::Path;

use ndarray::{concatenate, Array1, Array2, ArrayView2, Axis};
use ndarray_npy::WritableElement;

use super::{check_block_finite, NpyRowWriter, RowBlockSource};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::decomp::triangular::TriangularSolve;
use crate::error::{Error, Result};
use crate::lapack::{Trans, Uplo};
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

/// `X = B·R⁻¹` for an upper triangular `R` (`Rᵀ·Xᵀ = Bᵀ`, ?trtrs), as an owned C-order block.
fn right_solve<T: Scalar>(b: ArrayView2<'_, T>, r: &Array2<T>) -> Result<Array2<T>> {
    let xt = TriangularSolve::new(Uplo::Upper)
        .trans(Trans::Transpose)
        .solve(r, &b.t())?;
    Ok(xt.t().as_standard_layout().into_owned())
}

/// TSQR `A = Q·R` of a tall matrix read in row blocks: returns `R` ([`tsqr_r`]: `n×n`, real
/// non-negative diagonal) and, when `q_path` is given, writes `Q` (`m×n`, orthonormal
/// columns, C order) to that `.npy` file block by block.
///
/// Without `q_path` this is [`tsqr_r`]: one pass. With it, `Q` is formed in two more passes
/// without ever holding more than one block: pass 2 computes `Q₁ = A·R₁⁻¹` block by block and
/// its TSQR factor `R₂` (`Q₁ = Q·R₂`); pass 3 writes `Q = A·R₁⁻¹·R₂⁻¹` and `R = R₂·R₁`. One
/// `A·R⁻¹` step alone leaves `‖I − QᴴQ‖ ≈ κ(A)·ε`; the second (the "CholeskyQR2" idea, but
/// with Householder-quality `R₁`) brings it to `O(n·ε)` for `κ(A)` up to about `0.1/ε`, with
/// `‖A − Q·R‖ = O(n·ε·‖A‖)`. Cost `3` passes, `O(m·n²)` flops, memory `O(n² + block_rows·n)`.
///
/// The file is written under a hidden temporary name in the same directory and renamed to
/// `q_path` only when complete; a failed stream removes it, so `q_path` never holds a partial
/// `Q`.
///
/// # Errors
/// Those of [`tsqr_r`]; with `q_path`: [`Error::InvalidArgument`] for `m < n` (`Q` would be
/// `m×m`, not from `R⁻¹`); [`Error::Singular`] (1-based column) when `A` is rank deficient so
/// that `R` has an exactly zero diagonal entry; [`Error::NumericalBreakdown`] when `A` is too
/// ill-conditioned for `A·R⁻¹` (overflow); [`Error::Io`] when the output cannot be written.
///
/// ```
/// use ndfactor::{stream::{tsqr, NpyFile}, testing, verify};
/// let a = testing::gaussian::<f64>(200, 5, &mut testing::rng(2));
/// let dir = tempfile::tempdir().unwrap();
/// let qp = dir.path().join("q.npy");
/// let r = tsqr(&mut a.view(), 32, Some(&qp))?;
/// let q: ndarray::Array2<f64> = ndarray_npy::read_npy(&qp).unwrap();
/// assert!(verify::orthogonality_ratio(&q) < verify::LIN_THRESHOLD);
/// assert!(verify::qr_ratio(&a, &q, &r) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn tsqr<T, Src>(src: &mut Src, block_rows: usize, q_path: Option<&Path>) -> Result<Array2<T>>
where
    T: Scalar + WritableElement,
    Src: RowBlockSource<T> + ?Sized,
{
    let (m, n) = src.shape();
    if q_path.is_some() && m < n {
        return Err(Error::InvalidArgument {
            reason: format!("tsqr: Q is written for tall matrices only (m = {m} < n = {n})"),
        });
    }
    let r1 = tsqr_r(src, block_rows)?;
    let Some(q_path) = q_path else {
        return Ok(r1);
    };
    let zero = T::Real::from_f64(0.0);
    if let Some(i) = (0..n).find(|&i| r1[(i, i)].abs() == zero) {
        return Err(Error::Singular { index: i + 1 });
    }
    let breakdown = || Error::NumericalBreakdown { routine: "tsqr" };
    let finite = |x: &Array2<T>| x.iter().all(|v| v.is_finite());
    // Pass 2: R₂ of Q₁ = A·R₁⁻¹.
    let mut r2 = Array2::<T>::zeros((0, n));
    src.for_each_block(block_rows, &mut |_, b| {
        let q1 = right_solve(b, &r1)?;
        if !finite(&q1) {
            return Err(breakdown());
        }
        let stacked = concatenate(Axis(0), &[r2.view(), q1.view()]).expect("same column count");
        r2 = Qr::from_owned(stacked)?.r();
        Ok(())
    })?;
    for (i, mut row) in r2.rows_mut().into_iter().enumerate() {
        let d = row[i];
        let a = d.abs();
        if a == zero {
            return Err(breakdown());
        }
        let phase = d.conj().scale(T::Real::from_f64(1.0) / a);
        row.mapv_inplace(|x| x * phase);
        row[i] = T::from_real(a);
    }
    // Pass 3: Q = (A·R₁⁻¹)·R₂⁻¹, written block by block.
    let mut w = NpyRowWriter::<T>::create(q_path, (m, n))?;
    src.for_each_block(block_rows, &mut |_, b| {
        let q1 = right_solve(b, &r1)?;
        let q = right_solve(q1.view(), &r2)?;
        if !finite(&q) {
            return Err(breakdown());
        }
        w.write_rows(q.view())
    })?;
    w.finish()?;
    Ok(r2.dot(&r1))
}
