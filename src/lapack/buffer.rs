//! The buffers LAPACK works in: size conversion to [`BlasInt`], the column-major slices of
//! F-order arrays, leading dimensions, zeroed workspaces with the spare capacity complex
//! routines need, and the finiteness and magnitude scans of a buffer.
//!
//! This is the ground floor: it imports only `scalar`, `error` and the rest of `lapack/`. The
//! layout policy above it (`layout.rs`: which copy a view gets, shape and finiteness errors)
//! builds on these helpers.

use ndarray::{Array2, ArrayBase, Data, DataMut, Ix2, ShapeBuilder};

use super::BlasInt;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

/// Converts a size to LAPACK's integer ([`BlasInt`]: 32 bits, or 64 with the ILP64 backend),
/// or `TooLarge`. Never a wrapping cast. (Tested below, with `check_dims`.)
pub(crate) fn lapack_int(n: usize) -> Result<BlasInt> {
    BlasInt::try_from(n).map_err(|_| Error::TooLarge { dim: n })
}

/// Checks that an `m×n` matrix and its column-major buffer (`ld = max(1, m)`, `ld·n` elements)
/// fit LAPACK's integers. Call before allocating.
pub(crate) fn check_dims(m: usize, n: usize) -> Result<()> {
    lapack_int(m)?;
    lapack_int(n)?;
    let len = m
        .max(1)
        .checked_mul(n)
        .ok_or(Error::TooLarge { dim: usize::MAX })?;
    lapack_int(len)?;
    Ok(())
}

/// Spare capacity kept after the buffers handed to complex LAPACK routines.
///
/// OpenBLAS 0.3.21's complex ?gemv_n kernels (Haswell/Zen) read past the end of the matrix
/// they are given (OpenBLAS#5000: an invalid read in cgemv_n from cgesvd/clabrd). ?gesdd,
/// ?gebrd and every routine built on ?larf call them on trailing blocks of our buffers, so a
/// buffer that ends at an unmapped page can crash (docs/reliability.md). Four spare columns plus a margin of allocated (never read for results)
/// capacity keep those reads inside our allocation. Every buffer a complex LAPACK routine
/// works in gets it: the input copies (`layout::to_col_major`, `layout::into_col_major`), the output
/// matrices (SVD's U/Vᴴ, Schur and eigenvector matrices) and the workspaces of ?gesdd, ?geqrf,
/// ?geqp3, ?ungqr, ?unmqr, ?gees, ?trsen, ?geev, ?geevx, ?heevd, ?heevr, ?hetrf/?sytrf and ?getri.
/// Real types need none.
pub(crate) fn tail_pad<T: Scalar>(m: usize) -> usize {
    if T::IS_COMPLEX {
        4 * m + 64
    } else {
        0
    }
}

/// An F-order `m×n` array of zeros whose allocation has [`tail_pad`] spare capacity.
pub(crate) fn padded_zeros<T: Scalar>((m, n): (usize, usize)) -> Array2<T> {
    let mut v = super::memory::alloc(m * n + tail_pad::<T>(m));
    v.resize(m * n, T::zero());
    Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer")
}

/// A workspace of `len` zeros whose allocation has [`tail_pad`]`(m)` spare capacity, for
/// routines that use parts of their workspace as matrices with up to `m` rows.
pub(crate) fn padded_vec<T: Scalar>(len: usize, m: usize) -> Vec<T> {
    let mut v = super::memory::alloc(len + tail_pad::<T>(m));
    v.resize(len, T::zero());
    v
}

/// The largest `|re|`, `|im|` over the entries of `a`, scanned in memory order (0 for an empty
/// matrix): the magnitude the exact power-of-two scalings key on. NaN entries are passed over
/// (as `f64::max` does). A contiguous matrix is scanned as one slice with eight running maxima,
/// so the loop vectorises; the maximum is exact in any order.
pub(crate) fn max_component<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    let Some(xs) = a.as_slice_memory_order() else {
        return a.fold(zero, |m, x| m.max(x.re().abs()).max(x.im().abs()));
    };
    running_max(xs, |x: &T| {
        let (re, im) = (x.re().abs(), x.im().abs());
        if re > im {
            re
        } else {
            im
        }
    })
}

/// The largest `measure(x)` over `xs` (0 for an empty slice), in eight running maxima so that
/// the loop vectorises. `v > m` is false for NaN: a NaN measure never replaces a maximum, as
/// with `max`. The maximum is exact in any order.
fn running_max<T: Scalar>(xs: &[T], measure: impl Fn(&T) -> T::Real) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    let larger = |m: T::Real, x: &T| {
        let v = measure(x);
        if v > m {
            v
        } else {
            m
        }
    };
    let mut acc = [zero; 8];
    let mut chunks = xs.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] = larger(acc[k], &c[k]);
        }
    }
    for (k, x) in chunks.remainder().iter().enumerate() {
        acc[k] = larger(acc[k], x);
    }
    acc.iter().fold(zero, |m, &v| if v > m { v } else { m })
}

/// The largest `|re| + |im|` over `xs` (`|x|` for real types; 0 for an empty slice): the
/// quantity [`ColumnScan`] keeps as its maxima, without its sums of moduli (which for complex
/// types cost a `hypot` per entry). Eight running maxima, so that the loop vectorises; NaN
/// entries are passed over (`v > m` is false for NaN). The maximum is exact in any order, so
/// it has the same bits as the maximum of [`ColumnScan`].
pub(crate) fn max_abs1_slice<T: Scalar>(xs: &[T]) -> T::Real {
    running_max(xs, |x: &T| if T::IS_COMPLEX { x.abs1() } else { x.abs() })
}

/// `true` when every element of `xs` is finite.
///
/// Sums `0·re` (and `0·im` for complex types) over the slice in 32 independent accumulators:
/// the sum stays 0 for finite entries and turns NaN at the first NaN or ∞ (0·∞ is NaN), with
/// no branch and no bit test in the loop, so it vectorises into multiplies and adds; 32
/// accumulators (eight 256-bit registers of f64) keep it bound by throughput, not by the
/// latency of the additions. On x86-64 processors with AVX it runs with 256-bit vectors
/// (chosen at run time). It runs after every factorization; the measurements are in
/// docs/bench/implementation-notes.md and docs/bench/layout.md.
pub(crate) fn all_finite_slice<T: Scalar>(xs: &[T]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx") {
        // SAFETY: AVX was detected just above; the body is safe code compiled for it.
        return unsafe { all_finite_avx(xs) };
    }
    all_finite_body(xs)
}

/// [`all_finite_slice`] compiled with AVX.
///
/// # Safety
/// Only where the processor has AVX.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn all_finite_avx<T: Scalar>(xs: &[T]) -> bool {
    all_finite_body(xs)
}

#[inline(always)]
fn all_finite_body<T: Scalar>(xs: &[T]) -> bool {
    const W: usize = 32;
    let zero = T::Real::from_f64(0.0);
    // `re·0 + im·0` for complex entries; for real ones `im` is the constant 0, and leaving the
    // `+ 0·0` out saves an addition per entry (the test is the same: 0·x is NaN exactly when
    // x is not finite).
    let probe = |x: &T| {
        if T::IS_COMPLEX {
            x.re() * zero + x.im() * zero
        } else {
            x.re() * zero
        }
    };
    let mut acc = [zero; W];
    let mut chunks = xs.chunks_exact(W);
    for c in &mut chunks {
        for k in 0..W {
            acc[k] += probe(&c[k]);
        }
    }
    for (k, x) in chunks.remainder().iter().enumerate() {
        acc[k] += probe(x);
    }
    acc.iter().fold(zero, |a, &b| a + b) == zero
}

/// The running scan of one column of a matrix: eight partial sums of `|x|` and eight running
/// maxima of `|re| + |im|`, entry `i` of the column going to slot `i mod 8`. Eight independent
/// slots keep the loop from being one chain of dependent additions; the slot of an entry
/// depends only on its row, so a column scanned in pieces that start at rows divisible by 8
/// gives the same bits as the whole column scanned at once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ColumnScan<R> {
    /// The partial sums of `|x|`, in row order within each slot.
    pub sums: [R; 8],
    /// The running maxima of `|re| + |im|` (a NaN entry never replaces a maximum).
    pub bigs: [R; 8],
}

impl<R: RealScalar> ColumnScan<R> {
    /// The scan of an empty column.
    pub(crate) fn new() -> Self {
        let zero = R::from_f64(0.0);
        ColumnScan {
            sums: [zero; 8],
            bigs: [zero; 8],
        }
    }

    /// (the column's sum of `|x|`, its largest `|re| + |im|`): the slots folded in order.
    pub(crate) fn fold(&self) -> (R, R) {
        let zero = R::from_f64(0.0);
        let sum = self.sums.iter().fold(zero, |a, &b| a + b);
        let big = self
            .bigs
            .iter()
            .fold(zero, |a, &b| if b > a { b } else { a });
        (sum, big)
    }

    /// Adds the entries `seg` of the column whose first one is in a row divisible by 8.
    #[inline]
    fn add<T: Scalar<Real = R>>(&mut self, seg: &[T]) {
        let mut chunks = seg.chunks_exact(8);
        for c in &mut chunks {
            for (k, x) in c.iter().enumerate() {
                self.put(k, x);
            }
        }
        for (k, x) in chunks.remainder().iter().enumerate() {
            self.put(k, x);
        }
    }

    #[inline(always)]
    fn put<T: Scalar<Real = R>>(&mut self, k: usize, x: &T) {
        self.sums[k] += x.abs();
        // For real types |re| + |im| is |x| + 0, which is |x| bit for bit.
        let v = if T::IS_COMPLEX { x.abs1() } else { x.abs() };
        self.bigs[k] = if v > self.bigs[k] { v } else { self.bigs[k] };
    }
}

/// Adds `seg` to the column scan `acc` ([`ColumnScan`]: the first entry of `seg` is in a row
/// divisible by 8).
pub(crate) fn scan_column<T: Scalar>(acc: &mut ColumnScan<T::Real>, seg: &[T]) {
    acc.add(seg);
}

/// [`scan_column`] of two columns at once (`x` into `a`, `y` into `b`, the same rule for each):
/// the two scans' chains of additions are independent, so interleaving them keeps more
/// additions in flight than one column alone. For real types on x86-64 processors with AVX
/// (detected at run time) the slots are the lanes of 256-bit registers: the same operations
/// lane by lane (`vmaxpd(v, m)` is `if v > m { v } else { m }`), so the same bits.
pub(crate) fn scan_column_pair<T: Scalar>(
    (a, x): (&mut ColumnScan<T::Real>, &[T]),
    (b, y): (&mut ColumnScan<T::Real>, &[T]),
) {
    #[cfg(target_arch = "x86_64")]
    if !T::IS_COMPLEX && x.len() == y.len() && std::arch::is_x86_feature_detected!("avx") {
        let n = x.len();
        let (pa, pb) = (
            (a.sums.as_mut_ptr(), a.bigs.as_mut_ptr()),
            (b.sums.as_mut_ptr(), b.bigs.as_mut_ptr()),
        );
        // SAFETY: AVX was detected just above. `T` is real, so (`Scalar` being sealed to f32,
        // f64, c32, c64) it is f64 when 8 bytes long and f32 when 4, and `T::Real` is `T`: the
        // casts reinterpret slices and arrays as what they are. `x` and `y` hold `n` entries
        // each, the four slot arrays 8 each, and the two scans are distinct (`&mut`).
        let done = unsafe {
            match std::mem::size_of::<T>() {
                8 => {
                    let (pa, pb) = ((pa.0.cast(), pa.1.cast()), (pb.0.cast(), pb.1.cast()));
                    x86::pair_f64(x.as_ptr().cast(), y.as_ptr().cast(), n, pa, pb)
                }
                4 => {
                    let (pa, pb) = ((pa.0.cast(), pa.1.cast()), (pb.0.cast(), pb.1.cast()));
                    x86::pair_f32(x.as_ptr().cast(), y.as_ptr().cast(), n, pa, pb)
                }
                _ => 0,
            }
        };
        // The entries after the last whole group of 8 (slots 0, 1, …, as in `add`).
        a.add(&x[done..]);
        b.add(&y[done..]);
        return;
    }
    if x.len() != y.len() {
        a.add(x);
        b.add(y);
        return;
    }
    let (mut sa, mut sb) = (*a, *b);
    let mut xc = x.chunks_exact(8);
    let mut yc = y.chunks_exact(8);
    for (p, q) in (&mut xc).zip(&mut yc) {
        for k in 0..8 {
            sa.put(k, &p[k]);
            sb.put(k, &q[k]);
        }
    }
    sa.add(xc.remainder());
    sb.add(yc.remainder());
    (*a, *b) = (sa, sb);
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! The column-pair scans of real columns with AVX. Contract of both: `x` and `y` are
    //! readable for `n` elements, each pointer of `a` and `b` (sums, maxima) is valid for
    //! reading and writing 8 elements, the four arrays are distinct, and AVX is available.
    //! They process the leading `n − n mod 8` entries and return that count.

    use std::arch::x86_64::*;

    /// f64: slots 0–3 and 4–7 of each array in two 256-bit registers.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn pair_f64(
        x: *const f64,
        y: *const f64,
        n: usize,
        a: (*mut f64, *mut f64),
        b: (*mut f64, *mut f64),
    ) -> usize {
        let mask = _mm256_castsi256_pd(_mm256_set1_epi64x(i64::MAX));
        // SAFETY: contract of the module: the slot arrays hold 8 elements, the columns n.
        unsafe {
            let (mut sa0, mut sa1) = (_mm256_loadu_pd(a.0), _mm256_loadu_pd(a.0.add(4)));
            let (mut ma0, mut ma1) = (_mm256_loadu_pd(a.1), _mm256_loadu_pd(a.1.add(4)));
            let (mut sb0, mut sb1) = (_mm256_loadu_pd(b.0), _mm256_loadu_pd(b.0.add(4)));
            let (mut mb0, mut mb1) = (_mm256_loadu_pd(b.1), _mm256_loadu_pd(b.1.add(4)));
            let full = n / 8 * 8;
            let mut i = 0;
            while i < full {
                let xa0 = _mm256_and_pd(_mm256_loadu_pd(x.add(i)), mask);
                let xa1 = _mm256_and_pd(_mm256_loadu_pd(x.add(i + 4)), mask);
                let yb0 = _mm256_and_pd(_mm256_loadu_pd(y.add(i)), mask);
                let yb1 = _mm256_and_pd(_mm256_loadu_pd(y.add(i + 4)), mask);
                sa0 = _mm256_add_pd(sa0, xa0);
                sa1 = _mm256_add_pd(sa1, xa1);
                sb0 = _mm256_add_pd(sb0, yb0);
                sb1 = _mm256_add_pd(sb1, yb1);
                ma0 = _mm256_max_pd(xa0, ma0);
                ma1 = _mm256_max_pd(xa1, ma1);
                mb0 = _mm256_max_pd(yb0, mb0);
                mb1 = _mm256_max_pd(yb1, mb1);
                i += 8;
            }
            _mm256_storeu_pd(a.0, sa0);
            _mm256_storeu_pd(a.0.add(4), sa1);
            _mm256_storeu_pd(a.1, ma0);
            _mm256_storeu_pd(a.1.add(4), ma1);
            _mm256_storeu_pd(b.0, sb0);
            _mm256_storeu_pd(b.0.add(4), sb1);
            _mm256_storeu_pd(b.1, mb0);
            _mm256_storeu_pd(b.1.add(4), mb1);
            full
        }
    }

    /// f32: the 8 slots of each array in one 256-bit register.
    #[target_feature(enable = "avx")]
    pub(super) unsafe fn pair_f32(
        x: *const f32,
        y: *const f32,
        n: usize,
        a: (*mut f32, *mut f32),
        b: (*mut f32, *mut f32),
    ) -> usize {
        let mask = _mm256_castsi256_ps(_mm256_set1_epi32(i32::MAX));
        // SAFETY: contract of the module: the slot arrays hold 8 elements, the columns n.
        unsafe {
            let (mut sa, mut ma) = (_mm256_loadu_ps(a.0), _mm256_loadu_ps(a.1));
            let (mut sb, mut mb) = (_mm256_loadu_ps(b.0), _mm256_loadu_ps(b.1));
            let full = n / 8 * 8;
            let mut i = 0;
            while i < full {
                let xa = _mm256_and_ps(_mm256_loadu_ps(x.add(i)), mask);
                let yb = _mm256_and_ps(_mm256_loadu_ps(y.add(i)), mask);
                sa = _mm256_add_ps(sa, xa);
                sb = _mm256_add_ps(sb, yb);
                ma = _mm256_max_ps(xa, ma);
                mb = _mm256_max_ps(yb, mb);
                i += 8;
            }
            _mm256_storeu_ps(a.0, sa);
            _mm256_storeu_ps(a.1, ma);
            _mm256_storeu_ps(b.0, sb);
            _mm256_storeu_ps(b.1, mb);
            full
        }
    }
}

/// The column-major slice of an F-contiguous array (owned, or a view of a buffer such as a
/// memory-mapped scratch file).
pub(crate) fn col_major_slice<T, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> &[T] {
    debug_assert!(a.t().is_standard_layout() || a.is_empty());
    a.as_slice_memory_order().expect("F-contiguous buffer")
}

/// The mutable column-major slice of an F-contiguous array (owned or a mutable view).
pub(crate) fn col_major_slice_mut<T, S: DataMut<Elem = T>>(a: &mut ArrayBase<S, Ix2>) -> &mut [T] {
    debug_assert!(a.t().is_standard_layout() || a.is_empty());
    a.as_slice_memory_order_mut().expect("F-contiguous buffer")
}

/// Leading dimension LAPACK wants for an `m`-row column-major buffer: `max(1, m)`.
pub(crate) fn ld(m: usize) -> usize {
    m.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scalar rule of [`ColumnScan`], entry by entry.
    fn reference<T: Scalar>(col: &[T]) -> ColumnScan<T::Real> {
        let mut acc = ColumnScan::new();
        for (i, x) in col.iter().enumerate() {
            acc.put(i % 8, x);
        }
        acc
    }

    fn pair_matches_reference<T: Scalar>(make: impl Fn(usize) -> T) {
        for len in [0, 1, 7, 8, 9, 16, 31, 64, 130] {
            let x: Vec<T> = (0..len).map(&make).collect();
            let y: Vec<T> = (0..len).map(|i| make(i + 1000)).collect();
            let (mut a, mut b) = (ColumnScan::new(), ColumnScan::new());
            // In two pieces, the second starting at a row divisible by 8.
            let cut = len / 16 * 8;
            scan_column_pair((&mut a, &x[..cut]), (&mut b, &y[..cut]));
            scan_column_pair((&mut a, &x[cut..]), (&mut b, &y[cut..]));
            let mut c = ColumnScan::new();
            scan_column(&mut c, &x);
            for (got, want) in [(a, reference(&x)), (b, reference(&y)), (c, reference(&x))] {
                for k in 0..8 {
                    assert_eq!(
                        got.sums[k].to_f64().to_bits(),
                        want.sums[k].to_f64().to_bits(),
                        "len {len}"
                    );
                    assert_eq!(
                        got.bigs[k].to_f64().to_bits(),
                        want.bigs[k].to_f64().to_bits(),
                        "len {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn column_scans_match_the_scalar_rule_bit_for_bit() {
        // Signs, magnitudes far apart (rounding in the sums), NaN (passed over by the maxima).
        let v = |i: usize| {
            let x = ((i * 7919) % 1013) as f64 * 1.37e-3 - 0.5;
            let x = x * 10f64.powi((i % 11) as i32 - 5);
            if i % 97 == 50 {
                f64::NAN
            } else {
                x
            }
        };
        pair_matches_reference(v);
        pair_matches_reference(|i| v(i) as f32);
        pair_matches_reference(|i| crate::c64::new(v(i), v(i + 3)));
        pair_matches_reference(|i| crate::c32::new(v(i) as f32, -(v(i + 5) as f32)));
    }

    #[test]
    fn all_finite_slice_finds_every_position() {
        for len in [0, 1, 31, 32, 33, 100] {
            let xs = vec![1.5f64; len];
            assert!(all_finite_slice(&xs));
            for at in 0..len {
                for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                    let mut ys = xs.clone();
                    ys[at] = bad;
                    assert!(!all_finite_slice(&ys), "len {len} at {at}");
                    let zs: Vec<crate::c32> =
                        ys.iter().map(|&y| crate::c32::new(1.0, y as f32)).collect();
                    assert!(!all_finite_slice(&zs), "c32 len {len} at {at}");
                }
            }
        }
    }

    #[test]
    fn lapack_int_rejects_above_blas_int_max() {
        let max = BlasInt::MAX as u64 as usize;
        assert_eq!(lapack_int(max).unwrap(), BlasInt::MAX);
        assert_eq!(lapack_int(max + 1), Err(Error::TooLarge { dim: max + 1 }));
        assert!(matches!(
            check_dims(usize::MAX, 2),
            Err(Error::TooLarge { .. })
        ));
        // 46 341² elements pass i32::MAX: refused by LP64 LAPACK only, before any allocation.
        let lp64 = std::mem::size_of::<BlasInt>() == 4;
        assert_eq!(
            matches!(check_dims(46_341, 46_341), Err(Error::TooLarge { .. })),
            lp64
        );
        assert!(check_dims(46_340, 46_340).is_ok());
        assert!(check_dims(1000, 1000).is_ok());
        assert_eq!(lapack_int(7).unwrap(), 7);
        // 50 000 × 50 000 has a 2.5e9-element buffer: too large for LP64, fine for ILP64.
        assert_eq!(
            matches!(check_dims(50_000, 50_000), Err(Error::TooLarge { .. })),
            lp64
        );
        let past_i32 = i32::MAX as usize + 1;
        assert!(matches!(check_dims(past_i32, 0), Err(Error::TooLarge { .. })) == lp64);
        if lp64 {
            assert_eq!(lapack_int(past_i32), Err(Error::TooLarge { dim: past_i32 }));
        } else {
            assert_eq!(lapack_int(past_i32), Ok(past_i32 as BlasInt));
        }
    }
}
