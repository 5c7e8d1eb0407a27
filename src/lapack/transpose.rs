//! The row-major → column-major copy of a rectangular block, with SIMD kernels on x86-64
//! chosen at run time (AVX when the processor has it, SSE2 otherwise) and a portable loop
//! elsewhere.
//!
//! A transpose only moves bits: the kernels load and store whole elements through vector
//! registers (loads, stores, unpacks and lane permutes never touch a value's bits), so every
//! kernel gives exactly the result of the plain loop, and the result does not depend on the
//! processor. Elements are handled by size: 4 bytes (`f32`), 8 bytes (`f64`, and `c32` as one
//! unit of two `f32`) and 16 bytes (`c64`).
//!
//! Each kernel walks strips of rows and, inside a strip, blocks of columns, so that every
//! column of the destination receives a run of 32 or 64 bytes (half or all of a cache line)
//! per block, and every row of the source is read in runs of the same length.

use std::mem::MaybeUninit;

use crate::scalar::Scalar;

/// A kernel family, for tests that compare every one available against the plain loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kernel {
    /// The element-by-element loop (every target; on x86-64 only tests choose it).
    #[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
    Portable,
    /// 128-bit vectors (every x86-64 processor).
    #[cfg(target_arch = "x86_64")]
    Sse2,
    /// 256-bit vectors (x86-64 processors with AVX).
    #[cfg(target_arch = "x86_64")]
    Avx,
}

impl Kernel {
    /// The fastest kernel this processor runs.
    pub(crate) fn best() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx") {
                return Kernel::Avx;
            }
            Kernel::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        Kernel::Portable
    }

    /// Every kernel this processor runs.
    #[cfg(test)]
    pub(crate) fn available() -> Vec<Kernel> {
        let mut v = vec![Kernel::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            v.push(Kernel::Sse2);
            if std::arch::is_x86_feature_detected!("avx") {
                v.push(Kernel::Avx);
            }
        }
        v
    }
}

/// Copies the `r×c` block whose rows start `lds` elements apart in `src` into `dst`, whose
/// columns start `ldd` elements apart: `dst[jj·ldd + ii] = src[ii·lds + jj]` for `ii < r`,
/// `jj < c`. Other entries of `dst` are left as they are.
///
/// # Panics
/// If `c > lds`, `r > ldd` or either buffer is too short for the block.
pub(crate) fn transpose_block<T: Scalar>(
    src: &[T],
    lds: usize,
    dst: &mut [T],
    ldd: usize,
    (r, c): (usize, usize),
) {
    transpose_block_with(Kernel::best(), src, lds, dst, ldd, (r, c));
}

/// [`transpose_block`] with a given kernel (which must be one of [`Kernel::best`]'s
/// processor's: `Avx` only where AVX was detected).
pub(crate) fn transpose_block_with<T: Scalar>(
    kernel: Kernel,
    src: &[T],
    lds: usize,
    dst: &mut [T],
    ldd: usize,
    (r, c): (usize, usize),
) {
    let len = dst.len();
    // SAFETY: `MaybeUninit<T>` has the size and alignment of `T`, so the slice is the same
    // memory seen as possibly uninitialised cells; the copy below writes only initialised
    // values (copies of `src` entries) through it, so every entry of `dst` stays initialised.
    let cells = unsafe { std::slice::from_raw_parts_mut(dst.as_mut_ptr().cast(), len) };
    transpose_block_uninit(kernel, src, lds, cells, ldd, (r, c));
}

/// [`transpose_block_with`] into cells that may be uninitialised: on return the block's
/// entries `dst[jj·ldd + ii]` (`ii < r`, `jj < c`) are initialised, the other cells are left
/// as they were.
fn transpose_block_uninit<T: Scalar>(
    kernel: Kernel,
    src: &[T],
    lds: usize,
    dst: &mut [MaybeUninit<T>],
    ldd: usize,
    (r, c): (usize, usize),
) {
    if r == 0 || c == 0 {
        return;
    }
    assert!(
        c <= lds && r <= ldd,
        "block wider than its leading dimensions"
    );
    assert!(
        src.len() >= (r - 1) * lds + c,
        "source shorter than the block"
    );
    assert!(
        dst.len() >= (c - 1) * ldd + r,
        "destination shorter than the block"
    );
    match kernel {
        Kernel::Portable => portable(src, lds, dst, ldd, (r, c), (0, 0)),
        #[cfg(target_arch = "x86_64")]
        Kernel::Sse2 | Kernel::Avx => {
            let avx = kernel == Kernel::Avx;
            assert!(!avx || std::arch::is_x86_feature_detected!("avx"));
            let (s, d) = (src.as_ptr(), dst.as_mut_ptr());
            // SAFETY: the asserts above make every index the kernels touch, `ii·lds + jj` of
            // `src` and `jj·ldd + ii` of `dst` with `ii < r`, `jj < c`, fall inside the two
            // slices, which do not overlap (one is borrowed shared, the other exclusively).
            // `Scalar` is sealed to f32, f64, c32 and c64: `repr(C)` values with no padding,
            // every byte initialised, whose bits the kernels move unchanged, so reading them as
            // f32/f64 lanes of the same size is sound, and the stores initialise whole elements
            // of `dst` (writing to uninitialised cells through a raw pointer is allowed); every
            // vector load and store is unaligned. AVX kernels run only where AVX was detected
            // (asserted above); SSE2 is part of every x86-64 processor.
            let done = unsafe {
                match (std::mem::size_of::<T>(), avx) {
                    (4, true) => x86::avx_4(s.cast(), lds, d.cast(), ldd, r, c),
                    (8, true) => x86::avx_8(s.cast(), lds, d.cast(), ldd, r, c),
                    (16, true) => x86::avx_16(s.cast(), lds, d.cast(), ldd, r, c),
                    (4, false) => x86::sse_4(s.cast(), lds, d.cast(), ldd, r, c),
                    (8, false) => x86::sse_8(s.cast(), lds, d.cast(), ldd, r, c),
                    _ => (0, 0),
                }
            };
            edges(src, lds, dst, ldd, (r, c), done);
        }
    }
}

/// Rows of the tiles [`transpose_to_vec`] copies (a multiple of 8, so every tile starts at a
/// row that is a multiple of 8), and their columns for a matrix that does not fit the caches.
pub(crate) const TILE: usize = 128;

/// Columns of a tile when one buffer takes at most [`SMALL_BYTES`]: strips 16 columns wide.
const NARROW: usize = 16;

/// Up to this size of one buffer (half a 1 MiB second-level cache), both the source and the
/// copy stay cached through the copy, and tiles of 128 rows × 16 columns beat square ones
/// (with power-of-two strides, square tiles map their rows and columns onto a few cache sets).
/// Larger matrices keep the 128×128 tiles, which keep the destination columns a tile writes
/// cached and mapped. The measurements are in docs/bench/layout.md.
const SMALL_BYTES: usize = 512 << 10;

/// (rows, columns) of the tiles of the copy of an `m×n` matrix of `T`.
pub(crate) fn tile_shape<T>(m: usize, n: usize) -> (usize, usize) {
    let bytes = m.saturating_mul(n).saturating_mul(std::mem::size_of::<T>());
    if bytes <= SMALL_BYTES {
        (TILE, NARROW)
    } else {
        (TILE, TILE)
    }
}

/// One `r×c` tile of the destination of [`transpose_to_vec`], fully written: its columns, for
/// a scan while they are still cached.
pub(crate) struct Tile<'a, T> {
    cells: &'a [MaybeUninit<T>],
    ld: usize,
    r: usize,
    c: usize,
}

impl<'a, T> Tile<'a, T> {
    /// Number of columns.
    pub(crate) fn cols(&self) -> usize {
        self.c
    }

    /// Column `jj` of the tile (`r` entries).
    ///
    /// # Panics
    /// If `jj` is not below [`cols`](Tile::cols).
    pub(crate) fn col(&self, jj: usize) -> &'a [T] {
        assert!(jj < self.c, "column inside the tile");
        let cells = &self.cells[jj * self.ld..][..self.r];
        // SAFETY: a `Tile` is only made (in `transpose_to_vec`) for a block the copy has just
        // written: its `r` cells of column `jj`, `jj·ld..jj·ld + r` of `cells`, are initialised,
        // and `MaybeUninit<T>` has the layout of `T`.
        unsafe { &*(cells as *const [MaybeUninit<T>] as *const [T]) }
    }
}

/// Appends to the empty `out` the column-major copy of the row-major `m×n` buffer `src`
/// (`out[i + j·m] = src[i·n + j]`), writing into its spare capacity with no zero fill first.
/// The copy runs over tiles of [`tile_shape`], row of tiles by row of tiles (`ib` outer, `jb`
/// inner), every tile starting at a row divisible by 8; after each one `visit(ib, jb, tile)` sees the tile it wrote, rows `ib..ib + r` of
/// columns `jb..jb + c` of the result.
///
/// # Panics
/// If `out` is not empty, its capacity is below `m·n`, or `src.len()` is not `m·n`.
pub(crate) fn transpose_to_vec<T: Scalar>(
    src: &[T],
    (m, n): (usize, usize),
    out: &mut Vec<T>,
    mut visit: impl FnMut(usize, usize, Tile<'_, T>),
) {
    assert_eq!(src.len(), m * n, "src holds m·n entries");
    assert!(
        out.is_empty() && out.capacity() >= m * n,
        "an empty buffer with room for m·n"
    );
    let kernel = Kernel::best();
    let (tr, tc) = tile_shape::<T>(m, n);
    for ib in (0..m).step_by(tr) {
        for jb in (0..n).step_by(tc) {
            let (r, c) = (tr.min(m - ib), tc.min(n - jb));
            let spare = &mut out.spare_capacity_mut()[jb * m + ib..];
            transpose_block_uninit(kernel, &src[ib * n + jb..], n, spare, m, (r, c));
            let tile = Tile {
                cells: spare,
                ld: m,
                r,
                c,
            };
            visit(ib, jb, tile);
        }
    }
    // SAFETY: the tiles partition the rows 0..m and the columns 0..n, and each tile's copy
    // initialised its cells `i + j·m` (transpose_block_uninit's postcondition), so every cell
    // of `0..m·n` is initialised; the capacity is at least m·n (asserted).
    unsafe { out.set_len(m * n) };
}

/// The entries outside the leading `done.0 × done.1` part the vector kernel copied: the last
/// columns of those rows, then the last rows.
fn edges<T: Scalar>(
    src: &[T],
    lds: usize,
    dst: &mut [MaybeUninit<T>],
    ldd: usize,
    (r, c): (usize, usize),
    (rd, cd): (usize, usize),
) {
    for jj in cd..c {
        for ii in 0..rd {
            dst[jj * ldd + ii].write(src[ii * lds + jj]);
        }
    }
    portable(src, lds, dst, ldd, (r, c), (rd, 0));
}

/// The plain copy of rows `from.0..r`, columns `from.1..c`, in 8×8 blocks (fixed-size rows
/// and columns let the compiler drop the bounds checks inside a block), then the edges.
fn portable<T: Scalar>(
    src: &[T],
    lds: usize,
    dst: &mut [MaybeUninit<T>],
    ldd: usize,
    (r, c): (usize, usize),
    (r0, c0): (usize, usize),
) {
    const B: usize = 8;
    let (rb, cb) = (r0 + (r - r0) / B * B, c0 + (c - c0) / B * B);
    for i in (r0..rb).step_by(B) {
        for j in (c0..cb).step_by(B) {
            let rows: [&[T; B]; B] =
                std::array::from_fn(|di| src[(i + di) * lds + j..][..B].try_into().expect("8"));
            for (dj, col) in dst[j * ldd + i..].chunks_mut(ldd).take(B).enumerate() {
                let col: &mut [MaybeUninit<T>; B] = (&mut col[..B]).try_into().expect("8");
                for di in 0..B {
                    col[di].write(rows[di][dj]);
                }
            }
        }
    }
    for jj in cb..c {
        for ii in r0..rb {
            dst[jj * ldd + ii].write(src[ii * lds + jj]);
        }
    }
    for ii in rb..r {
        for jj in c0..c {
            dst[jj * ldd + ii].write(src[ii * lds + jj]);
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! Each kernel copies the leading part of the block that its vector size divides and
    //! returns its (rows, columns); the caller copies the rest.
    //!
    //! Safety contract of every function here: for `ii < r`, `jj < c`, `s + ii·lds + jj` is
    //! readable and `d + jj·ldd + ii` writable for one element of the kernel's size, the two
    //! ranges do not overlap, and the `avx_*` functions run only where AVX is available.

    use std::arch::x86_64::*;

    /// The 8×8 transpose of 4-byte elements at `p` (rows `lds` apart), as eight columns.
    #[target_feature(enable = "avx")]
    #[inline]
    unsafe fn t8x8_ps(p: *const f32, lds: usize) -> [__m256; 8] {
        // SAFETY: the caller passes eight readable rows of eight elements.
        let row = |k: usize| unsafe { _mm256_loadu_ps(p.add(k * lds)) };
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
        let (r4, r5, r6, r7) = (row(4), row(5), row(6), row(7));
        let (t0, t1) = (_mm256_unpacklo_ps(r0, r1), _mm256_unpackhi_ps(r0, r1));
        let (t2, t3) = (_mm256_unpacklo_ps(r2, r3), _mm256_unpackhi_ps(r2, r3));
        let (t4, t5) = (_mm256_unpacklo_ps(r4, r5), _mm256_unpackhi_ps(r4, r5));
        let (t6, t7) = (_mm256_unpacklo_ps(r6, r7), _mm256_unpackhi_ps(r6, r7));
        let u0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let u1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let u2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let u3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let u4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let u5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let u6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let u7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        [
            _mm256_permute2f128_ps::<0x20>(u0, u4),
            _mm256_permute2f128_ps::<0x20>(u1, u5),
            _mm256_permute2f128_ps::<0x20>(u2, u6),
            _mm256_permute2f128_ps::<0x20>(u3, u7),
            _mm256_permute2f128_ps::<0x31>(u0, u4),
            _mm256_permute2f128_ps::<0x31>(u1, u5),
            _mm256_permute2f128_ps::<0x31>(u2, u6),
            _mm256_permute2f128_ps::<0x31>(u3, u7),
        ]
    }

    /// 4-byte elements, 256 bits: 16 rows × 8 columns per step (two 8×8 transposes), each
    /// column written as one 64-byte run; then an 8-row strip if one is left.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn avx_4(
        s: *const f32,
        lds: usize,
        d: *mut f32,
        ldd: usize,
        r: usize,
        c: usize,
    ) -> (usize, usize) {
        let (rb, cb) = (r / 8 * 8, c / 8 * 8);
        let mut i = 0;
        while i < rb {
            let tall = i + 16 <= rb;
            for j in (0..cb).step_by(8) {
                // SAFETY: rows i..i+8 (i..i+16 when `tall`) and columns j..j+8 lie inside the
                // block (contract).
                unsafe {
                    let p = s.add(i * lds + j);
                    let top = t8x8_ps(p, lds);
                    let q = d.add(j * ldd + i);
                    if tall {
                        let low = t8x8_ps(p.add(8 * lds), lds);
                        for k in 0..8 {
                            _mm256_storeu_ps(q.add(k * ldd), top[k]);
                            _mm256_storeu_ps(q.add(k * ldd + 8), low[k]);
                        }
                    } else {
                        for (k, v) in top.into_iter().enumerate() {
                            _mm256_storeu_ps(q.add(k * ldd), v);
                        }
                    }
                }
            }
            i += if tall { 16 } else { 8 };
        }
        (rb, cb)
    }

    /// The 4×4 transpose of 8-byte elements in four 256-bit rows, as four columns.
    #[target_feature(enable = "avx")]
    #[inline]
    fn t4x4_pd(r0: __m256d, r1: __m256d, r2: __m256d, r3: __m256d) -> [__m256d; 4] {
        let (t0, t1) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
        let (t2, t3) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
        [
            _mm256_permute2f128_pd::<0x20>(t0, t2),
            _mm256_permute2f128_pd::<0x20>(t1, t3),
            _mm256_permute2f128_pd::<0x31>(t0, t2),
            _mm256_permute2f128_pd::<0x31>(t1, t3),
        ]
    }

    /// 8-byte elements, 256 bits: 8 rows × 4 columns per step (two 4×4 transposes), each
    /// column written as one 64-byte run; then a 4-row strip if one is left.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn avx_8(
        s: *const f64,
        lds: usize,
        d: *mut f64,
        ldd: usize,
        r: usize,
        c: usize,
    ) -> (usize, usize) {
        let (rb, cb) = (r / 4 * 4, c / 4 * 4);
        let mut i = 0;
        while i < rb {
            let tall = i + 8 <= rb;
            for j in (0..cb).step_by(4) {
                // SAFETY: rows i..i+4 (i..i+8 when `tall`) and columns j..j+4 lie inside the
                // block (contract).
                unsafe {
                    let p = s.add(i * lds + j);
                    let row = |k: usize| _mm256_loadu_pd(p.add(k * lds));
                    let top = t4x4_pd(row(0), row(1), row(2), row(3));
                    let q = d.add(j * ldd + i);
                    if tall {
                        let low = t4x4_pd(row(4), row(5), row(6), row(7));
                        for k in 0..4 {
                            _mm256_storeu_pd(q.add(k * ldd), top[k]);
                            _mm256_storeu_pd(q.add(k * ldd + 4), low[k]);
                        }
                    } else {
                        for (k, v) in top.into_iter().enumerate() {
                            _mm256_storeu_pd(q.add(k * ldd), v);
                        }
                    }
                }
            }
            i += if tall { 8 } else { 4 };
        }
        (rb, cb)
    }

    /// 16-byte elements, 256 bits: 4 rows × 2 columns per step (two 2×2 lane permutes per
    /// pair of rows), each column written as one 64-byte run; then a 2-row strip if one is
    /// left.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn avx_16(
        s: *const f64,
        lds: usize,
        d: *mut f64,
        ldd: usize,
        r: usize,
        c: usize,
    ) -> (usize, usize) {
        // Element (ii, jj) starts at f64 offset 2·(ii·lds + jj) of `s`, 2·(jj·ldd + ii) of `d`.
        let (rb, cb) = (r / 2 * 2, c / 2 * 2);
        let mut i = 0;
        while i < rb {
            let tall = i + 4 <= rb;
            for j in (0..cb).step_by(2) {
                // SAFETY: rows i..i+2 (i..i+4 when `tall`) and columns j..j+2 lie inside the
                // block (contract).
                unsafe {
                    let p = s.add(2 * (i * lds + j));
                    let row = |k: usize| _mm256_loadu_pd(p.add(2 * k * lds));
                    let q = d.add(2 * (j * ldd + i));
                    let (a, b) = (row(0), row(1));
                    _mm256_storeu_pd(q, _mm256_permute2f128_pd::<0x20>(a, b));
                    _mm256_storeu_pd(q.add(2 * ldd), _mm256_permute2f128_pd::<0x31>(a, b));
                    if tall {
                        let (a, b) = (row(2), row(3));
                        _mm256_storeu_pd(q.add(4), _mm256_permute2f128_pd::<0x20>(a, b));
                        let v = _mm256_permute2f128_pd::<0x31>(a, b);
                        _mm256_storeu_pd(q.add(2 * ldd + 4), v);
                    }
                }
            }
            i += if tall { 4 } else { 2 };
        }
        (rb, cb)
    }

    /// 4-byte elements, 128 bits: 4×4 blocks.
    pub(super) unsafe fn sse_4(
        s: *const f32,
        lds: usize,
        d: *mut f32,
        ldd: usize,
        r: usize,
        c: usize,
    ) -> (usize, usize) {
        let (rb, cb) = (r / 4 * 4, c / 4 * 4);
        for i in (0..rb).step_by(4) {
            for j in (0..cb).step_by(4) {
                // SAFETY: rows i..i+4 and columns j..j+4 lie inside the block (contract);
                // SSE2 is part of x86-64.
                unsafe {
                    let p = s.add(i * lds + j);
                    let row = |k: usize| _mm_loadu_ps(p.add(k * lds));
                    let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3));
                    let (t0, t1) = (_mm_unpacklo_ps(r0, r1), _mm_unpackhi_ps(r0, r1));
                    let (t2, t3) = (_mm_unpacklo_ps(r2, r3), _mm_unpackhi_ps(r2, r3));
                    let q = d.add(j * ldd + i);
                    _mm_storeu_ps(q, _mm_movelh_ps(t0, t2));
                    _mm_storeu_ps(q.add(ldd), _mm_movehl_ps(t2, t0));
                    _mm_storeu_ps(q.add(2 * ldd), _mm_movelh_ps(t1, t3));
                    _mm_storeu_ps(q.add(3 * ldd), _mm_movehl_ps(t3, t1));
                }
            }
        }
        (rb, cb)
    }

    /// 8-byte elements, 128 bits: 4×4 blocks of four 2×2 unpacks.
    pub(super) unsafe fn sse_8(
        s: *const f64,
        lds: usize,
        d: *mut f64,
        ldd: usize,
        r: usize,
        c: usize,
    ) -> (usize, usize) {
        let (rb, cb) = (r / 4 * 4, c / 4 * 4);
        for i in (0..rb).step_by(4) {
            for j in (0..cb).step_by(4) {
                for (di, dj) in [(0, 0), (0, 2), (2, 0), (2, 2)] {
                    // SAFETY: rows i+di..i+di+2 and columns j+dj..j+dj+2 lie inside the
                    // block (contract); SSE2 is part of x86-64.
                    unsafe {
                        let p = s.add((i + di) * lds + j + dj);
                        let (a, b) = (_mm_loadu_pd(p), _mm_loadu_pd(p.add(lds)));
                        let q = d.add((j + dj) * ldd + i + di);
                        _mm_storeu_pd(q, _mm_unpacklo_pd(a, b));
                        _mm_storeu_pd(q.add(ldd), _mm_unpackhi_pd(a, b));
                    }
                }
            }
        }
        (rb, cb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{c32, c64};

    /// Distinct, bit-exact values: entry k of the source.
    trait FromIndex: Scalar {
        fn at(k: usize) -> Self;
    }
    impl FromIndex for f32 {
        fn at(k: usize) -> Self {
            k as f32 + 0.25
        }
    }
    impl FromIndex for f64 {
        fn at(k: usize) -> Self {
            k as f64 + 0.125
        }
    }
    impl FromIndex for c32 {
        fn at(k: usize) -> Self {
            c32::new(k as f32, -(k as f32) - 0.5)
        }
    }
    impl FromIndex for c64 {
        fn at(k: usize) -> Self {
            c64::new(k as f64, -(k as f64) - 0.5)
        }
    }

    fn check<T: FromIndex>() {
        let sentinel = T::at(usize::MAX >> 40);
        // Shapes below, at and across every kernel's block sizes, with padded leading
        // dimensions (strided rows and columns) and without.
        for (r, c) in [
            (0, 5),
            (5, 0),
            (1, 1),
            (1, 9),
            (9, 1),
            (2, 2),
            (3, 5),
            (4, 4),
            (7, 9),
            (8, 8),
            (12, 6),
            (16, 16),
            (17, 31),
            (33, 18),
            (64, 40),
        ] {
            for (pad_s, pad_d) in [(0, 0), (3, 1), (1, 5)] {
                let (lds, ldd) = (c + pad_s, r + pad_d);
                let src: Vec<T> = (0..r * lds + pad_s).map(T::at).collect();
                let mut want = vec![sentinel; c * ldd + pad_d];
                for ii in 0..r {
                    for jj in 0..c {
                        want[jj * ldd + ii] = src[ii * lds + jj];
                    }
                }
                for kernel in Kernel::available() {
                    let mut dst = vec![sentinel; want.len()];
                    transpose_block_with(kernel, &src, lds, &mut dst, ldd, (r, c));
                    // exact: a transpose moves bits; the padding keeps the sentinel.
                    assert!(
                        dst == want,
                        "{kernel:?} {} bytes, {r}×{c}, lds {lds}, ldd {ldd}",
                        std::mem::size_of::<T>()
                    );
                }
            }
        }
    }

    #[test]
    fn every_kernel_matches_the_plain_loop_f32() {
        check::<f32>();
    }

    #[test]
    fn every_kernel_matches_the_plain_loop_f64() {
        check::<f64>();
    }

    #[test]
    fn every_kernel_matches_the_plain_loop_c32() {
        check::<c32>();
    }

    #[test]
    fn every_kernel_matches_the_plain_loop_c64() {
        check::<c64>();
    }

    #[test]
    fn transpose_to_vec_writes_every_entry_and_visits_every_tile() {
        for (m, n) in [(0, 4), (4, 0), (1, 1), (3, 200), (129, 5), (257, 130)] {
            let src: Vec<f64> = (0..m * n).map(f64::at).collect();
            let mut out = Vec::with_capacity(m * n + 7);
            let mut seen = 0;
            transpose_to_vec(&src, (m, n), &mut out, |ib, jb, tile| {
                assert_eq!(ib % 8, 0);
                for jj in 0..tile.cols() {
                    let col = tile.col(jj);
                    assert_eq!(col.len(), TILE.min(m - ib));
                    for (di, x) in col.iter().enumerate() {
                        // exact: a copy
                        assert_eq!(*x, src[(ib + di) * n + jb + jj]);
                        seen += 1;
                    }
                }
            });
            assert_eq!(seen, m * n);
            assert_eq!(out.len(), m * n);
            for i in 0..m {
                for j in 0..n {
                    assert_eq!(out[i + j * m], src[i * n + j], "{m}×{n} ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn nan_payloads_and_signed_zeros_pass_unchanged() {
        let bits = [
            0x7ff8_0000_dead_beefu64,
            0x8000_0000_0000_0000,
            0xfff0_0000_0000_0001,
        ];
        let src: Vec<f64> = (0..8 * 8).map(|k| f64::from_bits(bits[k % 3])).collect();
        for kernel in Kernel::available() {
            let mut dst = vec![0.0; 64];
            transpose_block_with(kernel, &src, 8, &mut dst, 8, (8, 8));
            for ii in 0..8 {
                for jj in 0..8 {
                    assert_eq!(dst[jj * 8 + ii].to_bits(), src[ii * 8 + jj].to_bits());
                }
            }
        }
    }
}
