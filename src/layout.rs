//! Layout and shape policy: every input is validated here and copied once into an owned
//! column-major (F-order) buffer, whatever its strides. Factors are always F-order arrays.

use ndarray::{Array2, ArrayBase, Data, Ix2, ShapeBuilder};

use crate::error::{Error, Result};
pub(crate) use crate::lapack::buffer::check_dims;
pub(crate) use crate::lapack::buffer::{
    all_finite_slice, col_major_slice, col_major_slice_mut, max_abs1_slice, max_component,
    padded_zeros, tail_pad,
};
use crate::lapack::buffer::{scan_column, scan_column_pair, ColumnScan};
use crate::lapack::Uplo;
use crate::scalar::{RealScalar, Scalar};

/// Returns `Err(NotSquare)` unless `a` is square.
pub(crate) fn check_square<S: Data>(a: &ArrayBase<S, Ix2>) -> Result<usize> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    Ok(n)
}

/// Returns the first (row-major order) non-finite entry of `a`, if any.
pub(crate) fn check_finite<S, T>(a: &ArrayBase<S, Ix2>) -> Result<()>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    // Fast pass over memory order (a vectorised scan of the buffer when it is contiguous);
    // locate only on failure.
    let fine = match a.as_slice_memory_order() {
        Some(s) => all_finite_slice(s),
        None => a.iter().all(|x| x.is_finite()),
    };
    if fine {
        return Ok(());
    }
    for ((row, col), x) in a.indexed_iter() {
        if !x.is_finite() {
            return Err(Error::NonFinite { row, col });
        }
    }
    Ok(())
}

/// For the entry points that factor a C-contiguous `A` as the F-contiguous view `Aᵀ`: an
/// [`Error::NonFinite`] from checking `Aᵀ` names the first NaN/∞ in `Aᵀ`'s row-major order at
/// `Aᵀ`'s coordinates; this returns the one every other entry point reports for `A` (the first
/// in `A`'s row-major order, at `A`'s coordinates). Other errors pass through.
pub(crate) fn in_coordinates_of<S, T>(a: &ArrayBase<S, Ix2>, e: Error) -> Error
where
    S: Data<Elem = T>,
    T: Scalar,
{
    match e {
        Error::NonFinite { .. } => check_finite(a).err().unwrap_or(e),
        e => e,
    }
}

/// Like [`check_finite`] but reads only one triangle (diagonal included) of a square matrix:
/// the part a symmetric/Hermitian LAPACK routine reads. Values in the other triangle are ignored.
pub(crate) fn check_finite_triangle<S, T>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Result<()>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let n = a.nrows();
    // Scan along the contiguous direction (columns of an F-order input), reporting the first
    // non-finite entry in row-major order as `check_finite` does.
    let col_major = !a.is_standard_layout() && a.t().is_standard_layout();
    let clean = if col_major {
        (0..n).all(|j| {
            let rows = match uplo {
                Uplo::Lower => j..n,
                Uplo::Upper => 0..j + 1,
            };
            a.column(j)
                .slice(ndarray::s![rows])
                .as_slice()
                .is_some_and(all_finite_slice)
        })
    } else {
        (0..n).all(|i| {
            let cols = match uplo {
                Uplo::Lower => 0..i + 1,
                Uplo::Upper => i..n,
            };
            let row = a.row(i);
            let part = row.slice(ndarray::s![cols]);
            part.as_slice()
                .map_or_else(|| part.iter().all(|x| x.is_finite()), all_finite_slice)
        })
    };
    if clean {
        return Ok(());
    }
    for i in 0..n {
        let cols = match uplo {
            Uplo::Lower => 0..=i,
            Uplo::Upper => i..=n - 1,
        };
        for j in cols {
            if !a[(i, j)].is_finite() {
                return Err(Error::NonFinite { row: i, col: j });
            }
        }
    }
    Ok(())
}

/// Copies any 2-D array or view (C order, F order, strided, negative strides, broadcast) into a
/// new F-order array. One pass, O(mn).
pub(crate) fn to_col_major<S, T>(a: &ArrayBase<S, Ix2>) -> Array2<T>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let (m, n) = a.dim();
    if let Some(s) = a.t().to_slice() {
        // Already column-major: a memcpy.
        let mut v = crate::lapack::memory::alloc(s.len() + tail_pad::<T>(m));
        v.extend_from_slice(s);
        return Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer");
    }
    if let Some(s) = a.as_slice() {
        // Row-major: a tiled transpose (an element-wise strided copy is several times slower
        // once the matrix leaves the cache).
        return Array2::from_shape_vec((m, n).f(), transpose_tiled(s, m, n, None))
            .expect("shape matches buffer");
    }
    let mut out = padded_zeros((m, n));
    out.assign(a);
    out
}

/// What one pass over a general matrix tells before factoring: finiteness, ‖A‖₁ (for `rcond`)
/// and the largest `abs1` (for the tiny-matrix scaling). It replaces three passes
/// (`check_finite`, `?lange`, the maximum), which cost up to 20% of `?getrf` at n = 256.
pub(crate) struct Scan<R> {
    /// Every column sum is finite: false for a NaN or ∞ entry, and for finite entries whose
    /// sum overflows (the caller then locates the entry, or finds none and goes on with an
    /// infinite ‖A‖₁).
    pub finite: bool,
    /// ‖A‖₁ (meaningless when `finite` is false).
    pub norm1: R,
    /// The largest `|re| + |im|`.
    pub amax: R,
}

impl<R: RealScalar> Scan<R> {
    fn new() -> Self {
        let zero = R::from_f64(0.0);
        Scan {
            finite: true,
            norm1: zero,
            amax: zero,
        }
    }

    /// Takes in one column's finished [`ColumnScan`]. A NaN or ∞ entry makes the column sum
    /// NaN or ∞, so the sum is also the finiteness test.
    fn absorb(&mut self, col: &ColumnScan<R>) {
        let (sum, big) = col.fold();
        self.finite &= sum.is_finite();
        self.norm1 = if sum > self.norm1 { sum } else { self.norm1 };
        self.amax = if big > self.amax { big } else { self.amax };
    }

    /// Adds whole columns of `m` entries each (`cols.len()` a multiple of `m > 0`), two at a
    /// time: each column's scan is that of [`ColumnScan`], the same bits however the columns
    /// are grouped.
    fn push_columns<T: Scalar<Real = R>>(&mut self, cols: &[T], m: usize) {
        let mut pairs = cols.chunks_exact(2 * m);
        for p in &mut pairs {
            let (x, y) = p.split_at(m);
            let (mut a, mut b) = (ColumnScan::new(), ColumnScan::new());
            scan_column_pair((&mut a, x), (&mut b, y));
            self.absorb(&a);
            self.absorb(&b);
        }
        let last = pairs.remainder();
        if !last.is_empty() {
            let mut a = ColumnScan::new();
            scan_column(&mut a, last);
            self.absorb(&a);
        }
    }

    /// The scan of an F-order array, column by column.
    pub fn of<T: Scalar<Real = R>>(a: &Array2<T>) -> Self {
        let mut scan = Scan::new();
        let m = a.nrows();
        if m > 0 {
            scan.push_columns(col_major_slice(a), m);
        }
        scan
    }
}

/// [`to_col_major`] and the [`Scan`] of the copy. An F-contiguous input is copied and scanned
/// column by column, so each column is scanned while it is still in the first-level cache:
/// the scan costs almost nothing on top of the copy. Any other layout is copied first and
/// then scanned; the per-column order of the sums is the same, so the result is bitwise
/// independent of the layout.
pub(crate) fn to_col_major_scanned<S, T>(a: &ArrayBase<S, Ix2>) -> (Array2<T>, Scan<T::Real>)
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let (m, n) = a.dim();
    match a.t().to_slice() {
        Some(s) if m > 0 => {
            let mut v = crate::lapack::memory::alloc(s.len() + tail_pad::<T>(m));
            if aliases_4k(s, &v) {
                v.extend_from_slice(s);
                let f = Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer");
                let scan = Scan::of(&f);
                return (f, scan);
            }
            let mut scan = Scan::new();
            // Two columns at a time: copied, then scanned while they are in the first-level
            // cache.
            for cols in s.chunks(2 * m) {
                v.extend_from_slice(cols);
                scan.push_columns(&v[v.len() - cols.len()..], m);
            }
            let f = Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer");
            (f, scan)
        }
        Some(_) => {
            let f = to_col_major(a);
            let scan = Scan::of(&f);
            (f, scan)
        }
        None if a.is_standard_layout() && m > 0 => {
            let (f, scan) = transpose_scanned(a.as_slice().expect("C-contiguous"), m, n);
            (
                Array2::from_shape_vec((m, n).f(), f).expect("shape matches buffer"),
                scan,
            )
        }
        None => {
            let f = to_col_major(a);
            let scan = Scan::of(&f);
            (f, scan)
        }
    }
}

/// Whether copying `src` into `dst` in pieces (a `memcpy` per column) would run into 4 KiB
/// aliasing: `dst` lies less than 64 bytes above `src` modulo 4096, so every load of the copy
/// matches the address bits of a store just issued and waits for it (an order of magnitude
/// slower; measured in docs/bench/implementation-notes.md). One `memcpy` of the whole buffer
/// does not suffer from it, so the scanned copies fall back to that, followed by a separate
/// scan (the same bits).
fn aliases_4k<T>(src: &[T], dst: &[T]) -> bool {
    let d = (dst.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize) % 4096;
    d != 0 && d < 64
}

/// The validated F-order copy of `a` and its [`Scan`]: `Error::NonFinite` at the first NaN or ∞
/// (in row-major order). When the scan's sums are not finite, the input is searched for the
/// entry; finding none means finite entries whose sum overflows, and the copy is returned.
pub(crate) fn to_col_major_checked<S, T>(
    a: &ArrayBase<S, Ix2>,
) -> Result<(Array2<T>, Scan<T::Real>)>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let (f, scan) = to_col_major_scanned(a);
    if !scan.finite {
        check_finite(a)?;
    }
    Ok((f, scan))
}

/// The validated F-order copy of `a` and its largest `|re| + |im|`, for factorizations that
/// need no ‖A‖₁ (QR): `Error::NonFinite` at the first NaN or ∞ (in row-major order). For
/// complex types the copy is [`to_col_major`]'s, then one pass over it for the largest entry
/// and one for finiteness: [`to_col_major_checked`]'s [`Scan`] also sums the moduli for ‖A‖₁,
/// a `hypot` per entry. Real types keep that scan, fused with the copy (their moduli are
/// `|x|`). The largest entry has the same bits either way.
pub(crate) fn to_col_major_amax_checked<S, T>(a: &ArrayBase<S, Ix2>) -> Result<(Array2<T>, T::Real)>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    if !T::IS_COMPLEX {
        return to_col_major_checked(a).map(|(f, scan)| (f, scan.amax));
    }
    amax_checked(to_col_major(a))
}

/// [`to_col_major_amax_checked`] for an owned matrix, reusing its buffer when it is
/// F-contiguous.
pub(crate) fn into_col_major_amax_checked<T: Scalar>(a: Array2<T>) -> Result<(Array2<T>, T::Real)> {
    if !T::IS_COMPLEX {
        return into_col_major_checked(a).map(|(f, scan)| (f, scan.amax));
    }
    amax_checked(into_col_major(a))
}

fn amax_checked<T: Scalar>(f: Array2<T>) -> Result<(Array2<T>, T::Real)> {
    let buf = col_major_slice(&f);
    if !all_finite_slice(buf) {
        check_finite(&f)?;
    }
    let amax = max_abs1_slice(buf);
    Ok((f, amax))
}

/// [`to_col_major_checked`] for an owned matrix, reusing its buffer when it is F-contiguous.
pub(crate) fn into_col_major_checked<T: Scalar>(
    a: Array2<T>,
) -> Result<(Array2<T>, Scan<T::Real>)> {
    let f = into_col_major(a);
    let scan = Scan::of(&f);
    if !scan.finite {
        check_finite(&f)?;
    }
    Ok((f, scan))
}

/// ‖A‖₁ of the Hermitian (or complex symmetric) matrix stored in one triangle, and whether every
/// column sum is finite, accumulated column by column in a way the compiler vectorises: the
/// same value as `?lanhe`/`?lansy('1')`, which walk the triangle element by element and cost
/// 10% of `?potrf` at n = 256. NaN and ∞ propagate into the sums, so `finite` is also the
/// finiteness check of the triangle (it is false for finite entries whose sum overflows, too).
pub(crate) struct TriangleScan<R> {
    sums: Vec<R>,
    diag_im_finite: bool,
    uplo: Uplo,
    hermitian: bool,
}

impl<R: RealScalar> TriangleScan<R> {
    fn new(n: usize, uplo: Uplo, hermitian: bool) -> Self {
        TriangleScan {
            sums: vec![R::from_f64(0.0); n],
            diag_im_finite: true,
            uplo,
            hermitian,
        }
    }

    /// Adds column `j` (all `n` entries of it; only the triangle's part is read).
    fn push<T: Scalar<Real = R>>(&mut self, j: usize, col: &[T]) {
        let n = self.sums.len();
        let zero = R::from_f64(0.0);
        // A Hermitian diagonal is real: ‖A‖₁ ignores its imaginary part (as ?lanhe does), but
        // a NaN there is still a non-finite input.
        let d = if self.hermitian {
            self.diag_im_finite &= col[j].im().is_finite();
            col[j].re().abs()
        } else {
            col[j].abs()
        };
        let (off, range) = match self.uplo {
            Uplo::Lower => (&col[j + 1..], j + 1..n),
            Uplo::Upper => (&col[..j], 0..j),
        };
        // Column j of the triangle contributes to the sum of column j (itself) and, by
        // symmetry, to the sums of the columns named by its row indices: one loop does both.
        // Eight partial sums for column j: one running sum would be a latency-bound chain.
        let mut part = [zero; 8];
        let mut sums = self.sums[range].chunks_exact_mut(8);
        let mut xs = off.chunks_exact(8);
        for (s, c) in (&mut sums).zip(&mut xs) {
            for k in 0..8 {
                let v = c[k].abs();
                s[k] += v;
                part[k] += v;
            }
        }
        let tail = sums.into_remainder().iter_mut().zip(xs.remainder());
        for (k, (s, x)) in tail.enumerate() {
            let v = x.abs();
            *s += v;
            part[k] += v;
        }
        self.sums[j] += part.iter().fold(d, |acc, &p| acc + p);
    }

    /// (‖A‖₁, every entry of the triangle finite and no column sum overflowed).
    fn finish(self) -> (R, bool) {
        let zero = R::from_f64(0.0);
        let finite = self.diag_im_finite && self.sums.iter().all(|s| s.is_finite());
        let norm1 = self
            .sums
            .into_iter()
            .fold(zero, |m, x| if x > m { x } else { m });
        (norm1, finite)
    }

    /// The scan of triangle `uplo` of the F-order `a`.
    pub fn of<T: Scalar<Real = R>>(a: &Array2<T>, uplo: Uplo, hermitian: bool) -> (R, bool) {
        let n = a.nrows();
        let mut scan = TriangleScan::new(n, uplo, hermitian);
        if n > 0 {
            for (j, col) in col_major_slice(a).chunks(n).enumerate() {
                scan.push(j, col);
            }
        }
        scan.finish()
    }
}

/// [`triangle_to_col_major`] and the [`TriangleScan`] of the copy: (copy, ‖A‖₁, finite). An
/// F-contiguous input is copied, zero-filled and scanned column by column in one pass; other
/// layouts are copied, then scanned in the same per-column order (bitwise the same result).
pub(crate) fn triangle_to_col_major_scanned<S, T>(
    a: &ArrayBase<S, Ix2>,
    uplo: Uplo,
    hermitian: bool,
) -> (Array2<T>, T::Real, bool)
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let n = a.nrows();
    match a.t().to_slice() {
        Some(s) if n > 0 => {
            let mut v = crate::lapack::memory::alloc(s.len() + tail_pad::<T>(n));
            if aliases_4k(s, &v) {
                // One memcpy of the whole buffer, then the zero fill and the scan (same bits).
                v.extend_from_slice(s);
                let mut f = Array2::from_shape_vec((n, n).f(), v).expect("shape matches buffer");
                zero_other_triangle(&mut f, uplo);
                let (norm1, finite) = TriangleScan::of(&f, uplo, hermitian);
                return (f, norm1, finite);
            }
            let mut scan = TriangleScan::new(n, uplo, hermitian);
            for (j, col) in s.chunks(n).enumerate() {
                match uplo {
                    Uplo::Lower => {
                        v.resize(v.len() + j, T::zero());
                        v.extend_from_slice(&col[j..]);
                    }
                    Uplo::Upper => {
                        v.extend_from_slice(&col[..=j]);
                        v.resize(v.len() + n - 1 - j, T::zero());
                    }
                }
                scan.push(j, &v[v.len() - n..]);
            }
            let (norm1, finite) = scan.finish();
            let f = Array2::from_shape_vec((n, n).f(), v).expect("shape matches buffer");
            (f, norm1, finite)
        }
        _ => {
            let f = triangle_to_col_major(a, uplo);
            let (norm1, finite) = TriangleScan::of(&f, uplo, hermitian);
            (f, norm1, finite)
        }
    }
}

/// The validated triangle copy of `a` and ‖A‖₁ (∞ when finite entries overflow it):
/// [`triangle_to_col_major_scanned`], then `Error::NonFinite` at the first NaN or ∞ of triangle
/// `uplo`, located in the input.
pub(crate) fn triangle_to_col_major_checked<S, T>(
    a: &ArrayBase<S, Ix2>,
    uplo: Uplo,
    hermitian: bool,
) -> Result<(Array2<T>, T::Real)>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let (f, norm1, finite) = triangle_to_col_major_scanned(a, uplo, hermitian);
    if !finite {
        check_finite_triangle(a, uplo)?;
    }
    Ok((f, norm1))
}

/// [`triangle_to_col_major_checked`] of the lower triangle of an owned square matrix, reusing
/// its buffer (the upper triangle is zeroed in place) when it is F-contiguous.
pub(crate) fn lower_triangle_into_col_major_checked<T: Scalar>(
    a: Array2<T>,
    hermitian: bool,
) -> Result<(Array2<T>, T::Real)> {
    if !a.t().is_standard_layout() {
        return triangle_to_col_major_checked(&a, Uplo::Lower, hermitian);
    }
    let mut a = into_col_major(a);
    zero_other_triangle(&mut a, Uplo::Lower);
    // Zeroing the upper triangle kept the lower one in place: the buffer locates errors.
    let (norm1, finite) = TriangleScan::of(&a, Uplo::Lower, hermitian);
    if !finite {
        check_finite_triangle(&a, Uplo::Lower)?;
    }
    Ok((a, norm1))
}

/// Makes `a` F-contiguous, reusing the buffer when it already is (after growing its spare
/// capacity to [`tail_pad`] if needed, which reallocation usually does in place).
pub(crate) fn into_col_major<T: Scalar>(a: Array2<T>) -> Array2<T> {
    let (m, n) = a.dim();
    if !a.t().is_standard_layout() {
        return to_col_major(&a);
    }
    let pad = tail_pad::<T>(m);
    if pad == 0 {
        return a;
    }
    let (mut v, offset) = a.into_raw_vec_and_offset();
    if offset.unwrap_or(0) != 0 || v.len() != m * n {
        let full = Array2::from_shape_vec((m, n).f(), v[offset.unwrap_or(0)..][..m * n].to_vec())
            .expect("shape matches buffer");
        return to_col_major(&full);
    }
    if v.capacity() - v.len() < pad {
        v.reserve_exact(pad);
    }
    Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer")
}

/// Sets the strict triangle opposite to `uplo` of the square F-order `a` to zero, column by
/// column.
pub(crate) fn zero_other_triangle<T: Scalar>(a: &mut Array2<T>, uplo: Uplo) {
    let n = a.nrows();
    if n == 0 {
        return;
    }
    for (j, col) in col_major_slice_mut(a).chunks_mut(n).enumerate() {
        match uplo {
            Uplo::Lower => col[..j].fill(T::zero()),
            Uplo::Upper => col[j + 1..].fill(T::zero()),
        }
    }
}

/// Copies one triangle of a square matrix into a new F-order array; the other strict triangle is
/// zero. This is what symmetric LAPACK routines read, and NaN in the unused half never enters.
pub(crate) fn triangle_to_col_major<S, T>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Array2<T>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let n = a.nrows();
    if let Some(s) = a.as_slice() {
        // Row-major: a tiled transpose of the blocks that meet the triangle, about half the
        // work of the whole matrix.
        return Array2::from_shape_vec((n, n).f(), transpose_tiled(s, n, n, Some(uplo)))
            .expect("shape matches buffer");
    }
    if a.t().to_slice().is_some() {
        // Column-major: a memcpy, then the other strict triangle zeroed column by column;
        // several times faster than an indexed copy.
        let mut out = to_col_major(a);
        zero_other_triangle(&mut out, uplo);
        return out;
    }
    let mut out = padded_zeros((n, n));
    for j in 0..n {
        let rows = match uplo {
            Uplo::Lower => j..n,
            Uplo::Upper => 0..j + 1,
        };
        for i in rows {
            out[(i, j)] = a[(i, j)];
        }
    }
    out
}

/// The column-major copy of a row-major `m×n` buffer `s`: all of it (`part = None`), or only
/// triangle `uplo` of a square one (`part = Some(uplo)`), the other strict triangle zero.
///
/// The copy runs over tiles of `lapack::transpose::tile_shape` (128×16 for a matrix of at most
/// 512 KiB, 128×128 above; square tiles for a triangle); inside a tile, the SIMD kernels of
/// `lapack::transpose` (chosen at run time) move blocks whose every destination column
/// receives a whole 64-byte run, row strip by row strip, so the destination columns a tile
/// writes stay cached and mapped while its strips are copied. A triangle copies, strip by strip
/// of 8 rows, only the 8×8 blocks that meet it, then zeroes the other triangle's entries the
/// diagonal blocks brought along. Measured speeds: docs/benchmarks.md (the transpose rows of
/// the layout section).
fn transpose_tiled<T: Scalar>(s: &[T], m: usize, n: usize, part: Option<Uplo>) -> Vec<T> {
    let mut out = crate::lapack::memory::alloc(m * n + tail_pad::<T>(m));
    if part.is_none() {
        // Every entry is written: no zero fill first.
        crate::lapack::transpose::transpose_to_vec(s, (m, n), &mut out, |_, _, _| {});
        return out;
    }
    out.resize(m * n, T::zero());
    transpose_tiled_into(s, m, n, part, &mut out);
    out
}

/// [`transpose_tiled`] of a whole row-major `m×n` buffer and the [`Scan`] of the copy, made
/// tile by tile: the columns of each 128×128 tile are scanned right after the tile is written,
/// while it is still in cache, instead of in a second pass over the whole copy. Tiles start
/// at rows divisible by 8, so each column's [`ColumnScan`] is the one of the whole column: the
/// same bits as [`Scan::of`] the copy (and as the F-order path).
fn transpose_scanned<T: Scalar>(s: &[T], m: usize, n: usize) -> (Vec<T>, Scan<T::Real>) {
    let mut out = crate::lapack::memory::alloc(m * n + tail_pad::<T>(m));
    let mut cols = vec![ColumnScan::new(); n];
    crate::lapack::transpose::transpose_to_vec(s, (m, n), &mut out, |_, jb, tile| {
        let accs = &mut cols[jb..jb + tile.cols()];
        let mut pairs = accs.chunks_exact_mut(2);
        for (k, p) in (&mut pairs).enumerate() {
            let (a, b) = p.split_at_mut(1);
            scan_column_pair(
                (&mut a[0], tile.col(2 * k)),
                (&mut b[0], tile.col(2 * k + 1)),
            );
        }
        if let [last] = pairs.into_remainder() {
            scan_column(last, tile.col(tile.cols() - 1));
        }
    });
    let mut scan = Scan::new();
    for c in &cols {
        scan.absorb(c);
    }
    (out, scan)
}

/// Copies the row-major `m×n` buffer `src` into the column-major buffer `dst` of the same
/// length: `dst[i + j·m] = src[i·n + j]`. This is the copy every constructor makes of a C-order
/// input before calling LAPACK.
///
/// # Panics
/// If `src.len()` or `dst.len()` is not `m·n`.
///
/// ```
/// use ndfactor::layout::transpose_into;
/// let src = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]; // 2×3, row-major
/// let mut dst = [0.0; 6];
/// transpose_into(&src, (2, 3), &mut dst);
/// // exact: a copy
/// assert_eq!(dst, [1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
/// ```
pub fn transpose_into<T: Scalar>(src: &[T], (m, n): (usize, usize), dst: &mut [T]) {
    assert_eq!(src.len(), m * n, "src holds m·n entries");
    assert_eq!(dst.len(), m * n, "dst holds m·n entries");
    transpose_tiled_into(src, m, n, None, dst);
}

/// The body of [`transpose_tiled`], into `out` (`m·n` long, already allocated).
fn transpose_tiled_into<T: Scalar>(s: &[T], m: usize, n: usize, part: Option<Uplo>, out: &mut [T]) {
    use crate::lapack::transpose::{tile_shape, transpose_block, TILE};
    const B: usize = 8;
    debug_assert!(part.is_none() || m == n);
    // The whole matrix: the tiles of `transpose_to_vec`; a triangle: square tiles.
    let (tr, tc) = if part.is_none() {
        tile_shape::<T>(m, n)
    } else {
        (TILE, TILE)
    };
    for ib in (0..m).step_by(tr) {
        for jb in (0..n).step_by(tc) {
            let (r, c) = (tr.min(m - ib), tc.min(n - jb));
            let Some(uplo) = part else {
                transpose_block(&s[ib * n + jb..], n, &mut out[jb * m + ib..], m, (r, c));
                continue;
            };
            // A triangle: strip by strip of 8 rows, the columns of the 8×8 blocks that meet
            // it (block (i, j) meets the lower triangle unless j ≥ i + 8, the upper one unless
            // i ≥ j + 8).
            for i in (ib..ib + r).step_by(B) {
                let cols = match uplo {
                    Uplo::Lower => jb..(jb + c).min(i + B),
                    Uplo::Upper => jb.max(i)..jb + c,
                };
                if cols.is_empty() {
                    continue;
                }
                let rows = B.min(ib + r - i);
                let (j, w) = (cols.start, cols.len());
                transpose_block(&s[i * n + j..], n, &mut out[j * m + i..], m, (rows, w));
            }
        }
    }
    // Entries of the other triangle copied with a block that meets the diagonal: in column j,
    // those of the 8-row strip that starts at j − j mod 8.
    if let Some(uplo) = part {
        for j in 0..n {
            let d = j - j % B;
            let rows = match uplo {
                Uplo::Lower => d..j,
                Uplo::Upper => j + 1..(d + B).min(n),
            };
            out[j * m..][rows].fill(T::zero());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, s};

    #[test]
    fn check_finite_reports_the_first_entry_in_row_major_order() {
        let a = array![[1.0, 2.0], [f64::NAN, f64::INFINITY]];
        assert_eq!(check_finite(&a), Err(Error::NonFinite { row: 1, col: 0 }));
        assert!(check_finite(&array![[1.0f32]]).is_ok());
    }

    /// The input in F order, C order and as a negative-stride view of a larger array.
    fn layouts(a: &Array2<crate::c64>) -> Vec<Array2<crate::c64>> {
        let (m, n) = a.dim();
        let mut f = Array2::zeros((m, n).f());
        f.assign(a);
        let c = a.as_standard_layout().into_owned();
        let mut big = Array2::zeros((2 * m, n + 1));
        big.slice_mut(s![..;-2, 1..]).assign(a);
        vec![f, c, big]
    }

    /// The copy without ‖A‖₁ (QR's) gives the scan's largest entry bit for bit, in every
    /// layout and for every type, and the first non-finite entry in row-major order.
    fn amax_copy_matches_scan<T: Scalar>() {
        let mut rng = crate::testing::rng(12);
        let a = crate::testing::gaussian::<T>(37, 23, &mut rng);
        let (_, scan) = to_col_major_scanned(&a);
        let c = a.as_standard_layout().into_owned();
        let mut f = Array2::zeros(a.dim().f());
        f.assign(&a);
        for x in [&c, &f] {
            let (copy, amax) = to_col_major_amax_checked(x).unwrap();
            assert_eq!(copy, a);
            assert!(
                amax == scan.amax && amax > T::Real::from_f64(0.0),
                "{}",
                T::NAME
            );
            let (owned, amax) = into_col_major_amax_checked(x.clone()).unwrap();
            assert_eq!(owned, a);
            assert!(amax == scan.amax, "{} owned", T::NAME);
        }
        let mut b = a.clone();
        b[(30, 2)] = T::from_f64(f64::NAN);
        b[(4, 20)] = T::from_f64(f64::INFINITY);
        for x in [b.clone(), b.t().as_standard_layout().t().to_owned()] {
            let err = to_col_major_amax_checked(&x).unwrap_err();
            assert!(
                matches!(err, Error::NonFinite { row: 4, col: 20 }),
                "{}: {err:?}",
                T::NAME
            );
            assert!(matches!(
                into_col_major_amax_checked(x).unwrap_err(),
                Error::NonFinite { row: 4, col: 20 }
            ));
        }
    }

    #[test]
    fn amax_copy_matches_scan_all_types() {
        amax_copy_matches_scan::<f32>();
        amax_copy_matches_scan::<f64>();
        amax_copy_matches_scan::<crate::c32>();
        amax_copy_matches_scan::<crate::c64>();
    }

    #[test]
    fn scanned_copy_is_layout_independent_bit_for_bit() {
        let mut rng = crate::testing::rng(11);
        let a = crate::testing::gaussian::<crate::c64>(37, 23, &mut rng);
        let mut first: Option<(u64, u64)> = None;
        for (k, x) in layouts(&a).into_iter().enumerate() {
            let (f, scan) = if k == 2 {
                let (m, n) = a.dim();
                let v = x.slice(s![..;-2, 1..]).to_owned();
                assert_eq!(v.dim(), (m, n));
                // Through a genuinely strided view, not a contiguous copy of it.
                let (f, scan) = to_col_major_scanned(&x.slice(s![..;-2, 1..]));
                assert_eq!(f, v);
                (f, scan)
            } else {
                to_col_major_scanned(&x)
            };
            assert!(scan.finite);
            assert_eq!(f, a);
            let (n1, amax) = *first.get_or_insert((scan.norm1.to_bits(), scan.amax.to_bits()));
            assert_eq!(scan.norm1.to_bits(), n1, "layout {k}");
            assert_eq!(scan.amax.to_bits(), amax, "layout {k}");
        }
        let mut b = a.clone();
        b[(3, 20)] = crate::c64::new(0.0, f64::INFINITY);
        assert!(!to_col_major_scanned(&b).1.finite);
        assert!(
            !to_col_major_scanned(&b.t().as_standard_layout().t())
                .1
                .finite
        );
    }

    #[test]
    fn tiled_scanned_copy_matches_column_scan_bit_for_bit() {
        // Several 128×128 tiles, edges that are not multiples of 8 or of the tile, and one
        // row or column; real and complex.
        let mut rng = crate::testing::rng(13);
        for (m, n) in [(300, 271), (129, 257), (1, 9), (9, 1), (8, 3), (260, 260)] {
            let a = crate::testing::gaussian::<f64>(m, n, &mut rng);
            let c = a.as_standard_layout().into_owned();
            let f = to_col_major(&a);
            let (fc, sc) = to_col_major_scanned(&c);
            let (ff, sf) = to_col_major_scanned(&f);
            let so = Scan::of(&f);
            // exact: copies
            assert_eq!(fc, a);
            assert_eq!(ff, a);
            for s in [&sc, &sf] {
                assert!(s.finite);
                assert_eq!(s.norm1.to_bits(), so.norm1.to_bits(), "{m}×{n}");
                assert_eq!(s.amax.to_bits(), so.amax.to_bits(), "{m}×{n}");
            }
            let z = crate::testing::gaussian::<crate::c32>(m, n, &mut rng);
            let zc = z.as_standard_layout().into_owned();
            let (zf, szc) = to_col_major_scanned(&zc);
            let szo = Scan::of(&zf);
            assert_eq!(zf, z);
            assert_eq!(szc.norm1.to_bits(), szo.norm1.to_bits(), "c32 {m}×{n}");
            assert_eq!(szc.amax.to_bits(), szo.amax.to_bits(), "c32 {m}×{n}");
            // A NaN in the last tile's last row is seen.
            let mut bad = c.clone();
            bad[(m - 1, n - 1)] = f64::NAN;
            assert!(!to_col_major_scanned(&bad).1.finite);
        }
    }

    #[test]
    fn scanned_triangle_copy_matches_lapack_norm_and_ignores_other_half() {
        use crate::lapack::norm::{lan_symmetric, Norm};
        let mut rng = crate::testing::rng(12);
        let n = 29;
        let a = crate::testing::gaussian::<crate::c64>(n, n, &mut rng);
        for uplo in [Uplo::Lower, Uplo::Upper] {
            for hermitian in [true, false] {
                // NaN in the other strict triangle must not enter the copy or the scan.
                let mut a = a.clone();
                let (i, j) = if uplo == Uplo::Lower { (2, 9) } else { (9, 2) };
                a[(i, j)] = crate::c64::new(f64::NAN, 0.0);
                let expected = triangle_to_col_major(&a, uplo);
                let lapack = lan_symmetric(Norm::One, &expected, uplo, hermitian).unwrap();
                let mut bits = None;
                for (k, x) in layouts(&a).into_iter().enumerate() {
                    let (f, norm1, finite) = if k == 2 {
                        triangle_to_col_major_scanned(&x.slice(s![..;-2, 1..]), uplo, hermitian)
                    } else {
                        triangle_to_col_major_scanned(&x, uplo, hermitian)
                    };
                    assert!(finite, "{uplo:?} layout {k}");
                    assert_eq!(f, expected, "{uplo:?} layout {k}");
                    assert!((norm1 - lapack).abs() <= n as f64 * f64::EPSILON * lapack);
                    let b = *bits.get_or_insert(norm1.to_bits());
                    assert_eq!(
                        norm1.to_bits(),
                        b,
                        "{uplo:?} hermitian={hermitian} layout {k}"
                    );
                }
                // A NaN inside the triangle is seen.
                let mut c = a.clone();
                c[(j, i)] = crate::c64::new(0.0, f64::NAN);
                assert!(!triangle_to_col_major_scanned(&c, uplo, hermitian).2);
            }
        }
    }

    #[test]
    fn tiled_transpose_matches_elementwise_copy() {
        // Orders below, at and across the 8×8 block size and the 128×128 tile, square and not,
        // and empty.
        for (m, n) in [
            (130, 257),
            (256, 129),
            (135, 136),
            (0, 3),
            (3, 0),
            (1, 1),
            (3, 17),
            (8, 8),
            (9, 16),
            (17, 5),
            (64, 40),
        ] {
            let s: Vec<f64> = (0..m * n).map(|k| k as f64).collect();
            let out = transpose_tiled(&s, m, n, None);
            assert_eq!(out.len(), m * n);
            for i in 0..m {
                for j in 0..n {
                    assert_eq!(out[i + j * m], s[i * n + j], "({m}×{n}) entry ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn copies_negative_strides_in_order() {
        let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let v = a.slice(s![..;-1, ..;-2]);
        let f = to_col_major(&v);
        assert!(f.t().is_standard_layout());
        // exact: a copy
        assert_eq!(f, array![[6.0, 4.0], [3.0, 1.0]]);
    }

    #[test]
    fn tiled_triangle_transpose_matches_elementwise_copy() {
        // Orders below, at and across the 8×8 block and the 128×128 tile; the other triangle
        // holds NaN, which must not reach the copy.
        for n in [0, 1, 3, 7, 8, 9, 16, 17, 64, 127, 128, 129, 136, 250, 263] {
            for uplo in [Uplo::Lower, Uplo::Upper] {
                let inside = |i: usize, j: usize| match uplo {
                    Uplo::Lower => i >= j,
                    Uplo::Upper => i <= j,
                };
                let a = Array2::from_shape_fn((n, n), |(i, j)| {
                    if inside(i, j) {
                        (i * n + j) as f64 + 1.0
                    } else {
                        f64::NAN
                    }
                });
                let out = triangle_to_col_major(&a, uplo);
                assert!(out.t().is_standard_layout());
                for i in 0..n {
                    for j in 0..n {
                        let want = if inside(i, j) { a[(i, j)] } else { 0.0 };
                        assert_eq!(out[(i, j)], want, "n = {n}, {uplo:?}, entry ({i}, {j})");
                    }
                }
                assert_eq!(
                    out,
                    triangle_to_col_major(&a.t().as_standard_layout().t(), uplo)
                );
            }
        }
    }

    #[test]
    fn aliasing_test_flags_destinations_just_above_the_source_modulo_4096() {
        let buf = vec![0u8; 3 * 4096];
        let src = &buf[100..200];
        for (d, aliased) in [
            (0, false),
            (16, true),
            (63, true),
            (64, false),
            (4080, false),
        ] {
            for pages in [0, 4096] {
                let at = 100 + pages + d;
                assert_eq!(
                    aliases_4k(src, &buf[at..at + 100]),
                    aliased,
                    "{d} + {pages}"
                );
            }
        }
        assert!(!aliases_4k(&buf[116..200], &buf[100..200]));
    }

    #[test]
    fn triangle_copy_ignores_other_half() {
        let a = array![[1.0, f64::NAN], [2.0, 3.0]];
        assert!(check_finite_triangle(&a, Uplo::Lower).is_ok());
        assert_eq!(
            check_finite_triangle(&a, Uplo::Upper),
            Err(Error::NonFinite { row: 0, col: 1 })
        );
        let l = triangle_to_col_major(&a, Uplo::Lower);
        // exact: a copy
        assert_eq!(l, array![[1.0, 0.0], [2.0, 3.0]]);
    }
}
