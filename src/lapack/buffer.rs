//! The buffers LAPACK works in: size conversion to [`BlasInt`], the column-major slices of
//! F-order arrays, leading dimensions, zeroed workspaces with the spare capacity complex
//! routines need, and the finiteness and magnitude scans of a buffer.
//!
//! This is the ground floor: it imports only `scalar`, `error` and the rest of `lapack/`. The
//! layout policy above it (`layout.rs`: which copy a view gets, shape and finiteness errors)
//! builds on these helpers.

use ndarray::{Array2, ArrayBase, Data, Ix2, ShapeBuilder};

use super::BlasInt;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

/// Converts a size to LAPACK's integer ([`BlasInt`]: 32 bits, or 64 with the ILP64 backend),
/// or `TooLarge`. Never a wrapping cast.
///
/// ```
/// use ndfactor::{layout::lapack_int, BlasInt, Error};
/// assert_eq!(lapack_int(7).unwrap(), 7);
/// let big = BlasInt::MAX as u64 as usize; // the largest size LAPACK takes
/// assert!(lapack_int(big).is_ok());
/// if let Some(over) = big.checked_add(1) {
///     assert_eq!(lapack_int(over), Err(Error::TooLarge { dim: over }));
/// }
/// ```
pub fn lapack_int(n: usize) -> Result<BlasInt> {
    BlasInt::try_from(n).map_err(|_| Error::TooLarge { dim: n })
}

/// Checks that an `m×n` matrix and its column-major buffer (`ld = max(1, m)`, `ld·n` elements)
/// fit LAPACK's integers. Call before allocating.
///
/// ```
/// use ndfactor::{layout::check_dims, Error};
/// assert!(check_dims(1000, 1000).is_ok());
/// // 50 000 × 50 000 has a 2.5e9-element buffer: too large for LP64 LAPACK, fine for ILP64.
/// let lp64 = std::mem::size_of::<ndfactor::BlasInt>() == 4;
/// assert_eq!(matches!(check_dims(50_000, 50_000), Err(Error::TooLarge { .. })), lp64);
/// ```
pub fn check_dims(m: usize, n: usize) -> Result<()> {
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
/// buffer that ends at an unmapped page made `Svd::new` of a 300×200 c64 matrix crash in
/// 40% of runs. Four spare columns plus a margin of allocated (never read for results)
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
    // `v > m` is false for NaN: NaN never replaces a maximum, as with `max`.
    let larger = |m: T::Real, x: &T| {
        let (re, im) = (x.re().abs(), x.im().abs());
        let v = if re > im { re } else { im };
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

/// `true` when every element of `xs` is finite.
///
/// Sums `0·re + 0·im` over the slice in eight independent accumulators: the sum stays 0 for
/// finite entries and turns NaN at the first NaN or ∞ (0·∞ is NaN), with no branch and no
/// bit test in the loop, so it vectorises into multiplies and adds (it runs after every
/// factorization; the measurement is in docs/bench/implementation-notes.md).
pub(crate) fn all_finite_slice<T: Scalar>(xs: &[T]) -> bool {
    let zero = T::Real::from_f64(0.0);
    let mut acc = [zero; 8];
    let mut chunks = xs.chunks_exact(8);
    for c in &mut chunks {
        for k in 0..8 {
            acc[k] += c[k].re() * zero + c[k].im() * zero;
        }
    }
    for (k, x) in chunks.remainder().iter().enumerate() {
        acc[k] += x.re() * zero + x.im() * zero;
    }
    acc.iter().fold(zero, |a, &b| a + b) == zero
}

/// The column-major slice of an F-contiguous array.
pub(crate) fn col_major_slice<T>(a: &Array2<T>) -> &[T] {
    debug_assert!(a.t().is_standard_layout() || a.is_empty());
    a.as_slice_memory_order().expect("F-contiguous buffer")
}

/// The mutable column-major slice of an F-contiguous array.
pub(crate) fn col_major_slice_mut<T>(a: &mut Array2<T>) -> &mut [T] {
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

    #[test]
    fn lapack_int_rejects_above_blas_int_max() {
        let max = BlasInt::MAX as u64 as usize;
        assert_eq!(lapack_int(max).unwrap(), BlasInt::MAX);
        assert_eq!(lapack_int(max + 1), Err(Error::TooLarge { dim: max + 1 }));
        assert!(matches!(
            check_dims(usize::MAX, 2),
            Err(Error::TooLarge { .. })
        ));
        // 46 341² elements pass i32::MAX: refused by LP64 LAPACK only.
        assert_eq!(
            matches!(check_dims(46_341, 46_341), Err(Error::TooLarge { .. })),
            std::mem::size_of::<BlasInt>() == 4
        );
    }
}
