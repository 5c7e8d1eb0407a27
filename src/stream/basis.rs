//! The tall `m×c` matrices of the streamed algorithms (the basis `Y`/`Q`, the error sketch
//! `A·Ω_t`) and the operations on them that never need more than a row block besides: in
//! memory, or in a memory-mapped scratch file so that nothing of size `O(m)` is anonymous
//! memory.

use std::path::Path;

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayView2, ArrayViewMut2, ShapeBuilder};

use crate::decomp::cholesky::Cholesky;
use crate::decomp::triangular::TriangularSolve;
use crate::error::{Error, Result};
use crate::lapack::mmap::ScratchArray;
use crate::lapack::Uplo;
use crate::scalar::{RealScalar, Scalar};

/// An F-order `m×c` matrix, in memory or in a scratch file.
pub(crate) enum Tall<T> {
    Heap(Array2<T>),
    Mapped {
        rows: usize,
        cols: usize,
        scratch: ScratchArray<T>,
    },
}

impl<T: Scalar> Tall<T> {
    /// `m×c` zeros, in memory (`dir = None`) or in an unnamed file in `dir`.
    pub(crate) fn zeros(m: usize, c: usize, dir: Option<&Path>) -> Result<Self> {
        let Some(dir) = dir else {
            return Ok(Tall::Heap(Array2::zeros((m, c).f())));
        };
        let len = m.checked_mul(c).ok_or(Error::TooLarge { dim: m })?;
        let scratch = ScratchArray::new_in(dir, len).map_err(|e| Error::Io {
            path: dir.display().to_string(),
            operation: "create scratch file",
            reason: e.to_string(),
        })?;
        Ok(Tall::Mapped {
            rows: m,
            cols: c,
            scratch,
        })
    }

    pub(crate) fn view(&self) -> ArrayView2<'_, T> {
        match self {
            Tall::Heap(a) => a.view(),
            Tall::Mapped {
                rows,
                cols,
                scratch,
            } => ArrayView2::from_shape((*rows, *cols).f(), scratch.as_slice())
                .expect("the scratch holds rows·cols values"),
        }
    }

    pub(crate) fn view_mut(&mut self) -> ArrayViewMut2<'_, T> {
        match self {
            Tall::Heap(a) => a.view_mut(),
            Tall::Mapped {
                rows,
                cols,
                scratch,
            } => ArrayViewMut2::from_shape((*rows, *cols).f(), scratch.as_mut_slice())
                .expect("the scratch holds rows·cols values"),
        }
    }

    /// The first `k` columns as an owned `m×k` matrix: the heap buffer itself, truncated (F
    /// order: columns `0..k` are its first `m·k` values), or a copy out of the scratch file.
    pub(crate) fn into_leading_columns(self, k: usize) -> Array2<T> {
        match self {
            Tall::Heap(a) => {
                let (m, c) = a.dim();
                debug_assert!(k <= c);
                if !a.t().is_standard_layout() {
                    return a.slice(s![.., ..k]).to_owned();
                }
                let (mut v, offset) = a.into_raw_vec_and_offset();
                debug_assert_eq!(offset.unwrap_or(0), 0);
                v.truncate(m * k);
                v.shrink_to_fit();
                Array2::from_shape_vec((m, k).f(), v).expect("m·k values for an m×k matrix")
            }
            mapped => {
                let v = mapped.view();
                let mut out = Array2::<T>::zeros((v.nrows(), k).f());
                copy_columns(&v.slice(s![.., ..k]), &mut out.view_mut());
                out
            }
        }
    }
}

/// An orthonormal basis of the columns of the F-order `m×l` `y` (`m ≥ l`) by CholeskyQR2, in
/// place: twice `G = Yᴴ·Y`, `G = Rᴴ·R` (Cholesky), `Y ← Y·R⁻¹`, all level-3 BLAS over row
/// blocks of `rows` rows (the unblocked panels of a Householder QR or LU of a tall matrix are
/// level-2), with one `rows×l` scratch. The first factorisation loses orthogonality as
/// `κ(Y)²·ε`, the second restores it to `O(ε)` (Yamamoto, Nakatsukasa, Yanagisawa and Fukaya
/// 2015), as long as `κ(Y)²·ε` stays well below 1: the Gram matrix must factor with an
/// estimated reciprocal condition number of at least `64·l·ε`. Returns `false` otherwise, with
/// `y` unchanged when the first Gram matrix failed and of the same span in every case, for the
/// caller's Householder QR or LU.
pub(crate) fn cholesky_qr2<T: Scalar>(y: &mut ArrayViewMut2<'_, T>, rows: usize) -> bool {
    let (m, l) = y.dim();
    if m < l || l == 0 || !y.t().is_standard_layout() {
        return false;
    }
    let h = rows.clamp(1, m);
    let floor = T::Real::from_f64(64.0 * l as f64) * T::eps();
    for _ in 0..2 {
        // G = Yᴴ·Y, summed over row blocks (the adjoint of a block is a small copy).
        let mut g = Array2::<T>::zeros((l, l).f());
        for r0 in (0..m).step_by(h) {
            let yi = y.slice(s![r0..(r0 + h).min(m), ..]);
            add_adjoint_product(&yi, &yi, &mut g);
        }
        let Ok(c) = Cholesky::with_uplo(&g, Uplo::Upper) else {
            return false;
        };
        // A NaN estimate fails the test too.
        let rc = c.rcond();
        if rc.is_nan() || rc < floor {
            return false;
        }
        // R⁻¹ (upper triangular), then Y ← Y·R⁻¹ row block by row block, in place.
        let r = c.u();
        let Ok(rinv) = TriangularSolve::new(Uplo::Upper).solve(&r, &Array2::<T>::eye(l)) else {
            return false;
        };
        let mut t = Array2::<T>::zeros((h, l).f());
        for r0 in (0..m).step_by(h) {
            let r1 = (r0 + h).min(m);
            let mut ti = t.slice_mut(s![..r1 - r0, ..]);
            general_mat_mul(
                T::one(),
                &y.slice(s![r0..r1, ..]),
                &rinv,
                T::zero(),
                &mut ti,
            );
            copy_columns(&ti.view(), &mut y.slice_mut(s![r0..r1, ..]));
        }
    }
    // F order: the buffer in memory order (a row-major walk would stride by m).
    y.as_slice_memory_order()
        .is_some_and(crate::lapack::buffer::all_finite_slice)
}

/// Householder QR of the F-order `m×l` `y` (`m ≥ l`) in place: `y` becomes `Q`'s first `l`
/// columns (?geqrf, ?orgqr), and the `l×l` upper triangular `R` is returned.
///
/// # Errors
/// [`Error::NumericalBreakdown`] when `y` holds a NaN/∞ (checked before LAPACK sees it) or the
/// factors are not finite.
pub(crate) fn householder_in_place<T: Scalar>(y: &mut ArrayViewMut2<'_, T>) -> Result<Array2<T>> {
    let (m, l) = y.dim();
    debug_assert!(m >= l && y.t().is_standard_layout());
    let finite = y
        .as_slice_memory_order()
        .is_some_and(crate::lapack::buffer::all_finite_slice);
    if !finite {
        return Err(Error::NumericalBreakdown {
            routine: "streamed basis (Householder QR)",
        });
    }
    let tau = crate::lapack::qr::geqrf(y)?;
    let mut r = Array2::<T>::zeros((l, l));
    for j in 0..l {
        for i in 0..=j.min(m.saturating_sub(1)) {
            r[(i, j)] = y[(i, j)];
        }
    }
    crate::lapack::qr::orgqr(y, &tau)?;
    Ok(r)
}

/// `Q·C` for an F-order `m×l` `Q` and an `l×k` `C` (`k ≤ l`), written over `Q`'s first `k`
/// columns `rows` rows at a time (row `i` of the product needs only row `i` of `Q`), so the
/// result takes no memory beyond `Q`'s buffer and one `rows×k` block.
pub(crate) fn times_in_place<T: Scalar>(
    q: &mut ArrayViewMut2<'_, T>,
    c: &ArrayView2<'_, T>,
    rows: usize,
) {
    let m = q.nrows();
    let k = c.ncols();
    debug_assert!(k <= q.ncols() && c.nrows() == q.ncols());
    if m == 0 {
        return;
    }
    let h = rows.clamp(1, m);
    let mut t = Array2::<T>::zeros((h, k).f());
    for r0 in (0..m).step_by(h) {
        let r1 = (r0 + h).min(m);
        let mut ti = t.slice_mut(s![..r1 - r0, ..]);
        general_mat_mul(T::one(), &q.slice(s![r0..r1, ..]), c, T::zero(), &mut ti);
        copy_columns(&ti.view(), &mut q.slice_mut(s![r0..r1, ..k]));
    }
}

/// `dst = src` column by column: for a block of rows of an F-order matrix each column is one
/// contiguous run, which a two-dimensional `assign` would walk row by row (a stride of `m`).
pub(crate) fn copy_columns<T: Scalar>(src: &ArrayView2<'_, T>, dst: &mut ArrayViewMut2<'_, T>) {
    for (mut d, c) in dst.columns_mut().into_iter().zip(src.columns()) {
        d.assign(&c);
    }
}

/// `w += bᴴ·y` (`b`: a block of rows of `A`, `y`: the same rows of `A·X`).
pub(crate) fn add_adjoint_product<T: Scalar>(
    b: &ArrayView2<'_, T>,
    y: &ArrayView2<'_, T>,
    w: &mut Array2<T>,
) {
    if T::IS_COMPLEX {
        let bh = b.t().mapv(|x| x.conj());
        general_mat_mul(T::one(), &bh, y, T::one(), w);
    } else {
        general_mat_mul(T::one(), &b.t(), y, T::one(), w);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `‖QᴴQ − I‖_max` and `‖Y − Q·(QᴴY)‖_max / ‖Y‖_max`.
    fn defects<T: Scalar>(q: &ArrayView2<'_, T>, y: &Array2<T>) -> (f64, f64) {
        let qh = q.t().mapv(|x| x.conj());
        let g = qh.dot(q);
        let orth = g
            .indexed_iter()
            .map(|((i, j), &x)| {
                (x - if i == j { T::one() } else { T::zero() })
                    .abs()
                    .to_f64()
            })
            .fold(0.0, f64::max);
        let r = y - &q.dot(&qh.dot(y));
        let ymax = y.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max);
        let span = r.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max) / ymax;
        (orth, span)
    }

    fn f_order<T: Scalar>(a: Array2<T>) -> Array2<T> {
        let mut f = Array2::<T>::zeros(a.dim().f());
        f.assign(&a);
        f
    }

    fn filled<T: Scalar>(y: &Array2<T>, dir: Option<&Path>) -> Tall<T> {
        let mut t = Tall::zeros(y.nrows(), y.ncols(), dir).unwrap();
        t.view_mut().assign(y);
        t
    }

    /// CholeskyQR2 and Householder QR give an orthonormal basis of the same span, to `O(l·ε)`
    /// and `O(κ·l·ε)`, whatever the row blocks (1, 7, more than `m`), in memory and in a
    /// scratch file (the same bits); a singular Gram matrix leaves the input unchanged.
    fn check_bases<T: Scalar>() {
        let (m, l) = (300, 12);
        let eps = T::eps().to_f64();
        // κ(Y) = 100 (f32: 10): inside the range the Gram matrix's condition allows,
        // rcond(YᴴY) ≥ 64·l·ε.
        let kappa = if eps > 1e-10 { 10.0 } else { 100.0 };
        let s: Vec<T::Real> = (0..l)
            .map(|i| T::Real::from_f64(kappa.powf(-(i as f64) / (l - 1) as f64)))
            .collect();
        let y = f_order(crate::testing::with_singular_values::<T>(
            m,
            l,
            &s,
            &mut crate::testing::rng(7),
        ));
        let dir = tempfile::tempdir().unwrap();
        for rows in [1, 7, m + 5] {
            let mut heap = filled(&y, None);
            assert!(
                cholesky_qr2(&mut heap.view_mut(), rows),
                "κ = 100 factors ({rows})"
            );
            let (orth, span) = defects(&heap.view(), &y);
            assert!(orth < 10.0 * l as f64 * eps, "{rows}: ‖QᴴQ − I‖ = {orth:e}");
            assert!(
                span < 100.0 * 10.0 * l as f64 * eps,
                "{rows}: span defect {span:e}"
            );
            let mut mapped = filled(&y, Some(dir.path()));
            assert!(cholesky_qr2(&mut mapped.view_mut(), rows));
            let (orth_m, span_m) = defects(&mapped.view(), &y);
            assert!(orth_m < 10.0 * l as f64 * eps && span_m < 1000.0 * l as f64 * eps);
        }
        let mut h = filled(&y, Some(dir.path()));
        let r = householder_in_place(&mut h.view_mut()).unwrap();
        let (orth, span) = defects(&h.view(), &y);
        assert!(orth < 10.0 * l as f64 * eps && span < 1000.0 * l as f64 * eps);
        // Y = Q·R to the backward error of Householder QR.
        let back = &h.view().dot(&r) - &y;
        let bmax = back.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max);
        assert!(
            bmax < 10.0 * (m * l) as f64 * eps,
            "‖QR − Y‖_max = {bmax:e}"
        );
        // Two equal columns: the Gram matrix is singular; y stays as it was.
        let mut z = y.clone();
        let c0 = z.column(0).to_owned();
        z.column_mut(3).assign(&c0);
        for rows in [1, 7, m + 5] {
            let mut t = filled(&z, Some(dir.path()));
            assert!(
                !cholesky_qr2(&mut t.view_mut(), rows),
                "must fall back ({rows})"
            );
            assert_eq!(t.view(), z.view());
        }
        // C order or more columns than rows: not handled, left alone.
        let mut c = y.as_standard_layout().to_owned();
        assert!(!cholesky_qr2(&mut c.view_mut(), 7));
        let mut w = f_order(Array2::<T>::zeros((3, 5)));
        assert!(!cholesky_qr2(&mut w.view_mut(), 7));
        // NaN: a typed error before LAPACK.
        let mut nan = y.clone();
        nan[(5, 2)] = T::from_real(T::Real::from_f64(f64::NAN));
        assert!(householder_in_place(&mut nan.view_mut()).is_err());
    }

    #[test]
    fn bases_f64() {
        check_bases::<f64>();
    }

    #[test]
    fn bases_f32() {
        check_bases::<f32>();
    }

    #[test]
    fn bases_c64() {
        check_bases::<crate::c64>();
    }

    /// `Q·C` over `Q`'s first columns equals the product, for every block size, and the
    /// leading columns come out of either storage alike.
    #[test]
    fn times_in_place_matches_the_product() {
        let q = f_order(crate::testing::gaussian::<f64>(
            50,
            6,
            &mut crate::testing::rng(3),
        ));
        let c = crate::testing::gaussian::<f64>(6, 4, &mut crate::testing::rng(4));
        let want = q.dot(&c);
        let dir = tempfile::tempdir().unwrap();
        for rows in [1, 7, 60] {
            for d in [None, Some(dir.path())] {
                let mut t = filled(&q, d);
                times_in_place(&mut t.view_mut(), &c.view(), rows);
                let u = t.into_leading_columns(4);
                assert_eq!(u.dim(), (50, 4));
                let err = (&u - &want).iter().map(|x| x.abs()).fold(0.0, f64::max);
                // Each entry is a 6-term dot product: 6·ε relative to the sum of |terms|.
                assert!(err < 6.0 * 6.0 * f64::EPSILON * 20.0, "{rows}: {err:e}");
            }
        }
    }
}
