//! Layout and shape policy: every input is validated here and copied once into an owned
//! column-major (F-order) buffer, whatever its strides. Factors are always F-order arrays.

use ndarray::{Array2, ArrayBase, Data, Ix2, ShapeBuilder};

use crate::error::{Error, Result};
use crate::lapack::Uplo;
use crate::scalar::{RealScalar, Scalar};

/// Converts a size to LAPACK's 32-bit integer, or `TooLarge`. Never a wrapping cast.
///
/// ```
/// use ndfactor::{layout::lapack_int, Error};
/// assert_eq!(lapack_int(7).unwrap(), 7);
/// let big = i32::MAX as usize + 1;
/// assert_eq!(lapack_int(big), Err(Error::TooLarge { dim: big }));
/// ```
pub fn lapack_int(n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::TooLarge { dim: n })
}

/// Checks that an `m×n` matrix and its column-major buffer (`ld = max(1, m)`, `ld·n` elements)
/// fit LAPACK's integers. Call before allocating.
///
/// ```
/// use ndfactor::{layout::check_dims, Error};
/// assert!(check_dims(1000, 1000).is_ok());
/// // 50 000 × 50 000 has a 2.5e9-element buffer: too large for LP64 LAPACK.
/// assert!(matches!(check_dims(50_000, 50_000), Err(Error::TooLarge { .. })));
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

/// Returns `Err(NotSquare)` unless `a` is square.
pub(crate) fn check_square<S: Data>(a: &ArrayBase<S, Ix2>) -> Result<usize> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    Ok(n)
}

/// Returns the first (row-major order) non-finite entry of `a`, if any.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{layout::check_finite, Error};
/// let a = array![[1.0, 2.0], [f64::NAN, f64::INFINITY]];
/// assert_eq!(check_finite(&a), Err(Error::NonFinite { row: 1, col: 0 }));
/// assert!(check_finite(&array![[1.0f32]]).is_ok());
/// ```
pub fn check_finite<S, T>(a: &ArrayBase<S, Ix2>) -> Result<()>
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
        let mut v = Vec::with_capacity(s.len() + tail_pad::<T>(m));
        v.extend_from_slice(s);
        return Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer");
    }
    if let Some(s) = a.as_slice() {
        // Row-major: a tiled transpose (an element-wise strided copy is several times slower
        // once the matrix leaves the cache).
        return Array2::from_shape_vec((m, n).f(), transpose_tiled(s, m, n))
            .expect("shape matches buffer");
    }
    let mut out = padded_zeros((m, n));
    out.assign(a);
    out
}

/// Spare capacity kept after the buffers handed to complex LAPACK routines.
///
/// OpenBLAS 0.3.21's complex ?gemv_n kernels (Haswell/Zen) read past the end of the matrix
/// they are given (OpenBLAS#5000: an invalid read in cgemv_n from cgesvd/clabrd). ?gesdd,
/// ?gebrd and every routine built on ?larf call them on trailing blocks of our buffers, so a
/// buffer that ends at an unmapped page made `Svd::new` of a 300×200 c64 matrix crash in
/// 40% of runs. Four spare columns plus a margin of allocated (never read for results)
/// capacity keep those reads inside our allocation. Every buffer a complex LAPACK routine
/// works in gets it: the input copies ([`to_col_major`], [`into_col_major`]), the output
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
    let mut v = Vec::with_capacity(m * n + tail_pad::<T>(m));
    v.resize(m * n, T::zero());
    Array2::from_shape_vec((m, n).f(), v).expect("shape matches buffer")
}

/// A workspace of `len` zeros whose allocation has [`tail_pad`]`(m)` spare capacity, for
/// routines that use parts of their workspace as matrices with up to `m` rows.
pub(crate) fn padded_vec<T: Scalar>(len: usize, m: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(len + tail_pad::<T>(m));
    v.resize(len, T::zero());
    v
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

/// Copies one triangle of a square matrix into a new F-order array; the other strict triangle is
/// zero. This is what symmetric LAPACK routines read, and NaN in the unused half never enters.
pub(crate) fn triangle_to_col_major<S, T>(a: &ArrayBase<S, Ix2>, uplo: Uplo) -> Array2<T>
where
    S: Data<Elem = T>,
    T: Scalar,
{
    let n = a.nrows();
    if a.as_slice().is_some() || a.t().to_slice().is_some() {
        // Contiguous input: copy all of it (memcpy or tiled transpose), then zero the other
        // strict triangle column by column; several times faster than an indexed copy.
        let mut out = to_col_major(a);
        for j in 0..n {
            let other = match uplo {
                Uplo::Lower => 0..j,
                Uplo::Upper => j + 1..n,
            };
            out.column_mut(j)
                .slice_mut(ndarray::s![other])
                .fill(T::zero());
        }
        return out;
    }
    let mut out = Array2::<T>::zeros((n, n).f());
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

/// The largest `|re|`, `|im|` over the entries of `a`, scanned in memory order (0 for an empty
/// matrix): the magnitude the exact power-of-two scalings key on.
pub(crate) fn max_component<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> T::Real {
    a.fold(T::Real::from_f64(0.0), |m, x| {
        m.max(x.re().abs()).max(x.im().abs())
    })
}

/// `true` when every element of `xs` is finite. Scans in fixed-size chunks without an early
/// exit inside a chunk, so the compiler vectorises the test.
pub(crate) fn all_finite_slice<T: Scalar>(xs: &[T]) -> bool {
    xs.chunks(64)
        .all(|c| c.iter().fold(true, |ok, x| ok & x.is_finite()))
}

/// The column-major copy of a row-major `m×n` buffer `s`, by 32×32 tiles.
fn transpose_tiled<T: Scalar>(s: &[T], m: usize, n: usize) -> Vec<T> {
    const TILE: usize = 32;
    let mut out = Vec::with_capacity(m * n + tail_pad::<T>(m));
    out.resize(m * n, T::zero());
    for i0 in (0..m).step_by(TILE) {
        for j0 in (0..n).step_by(TILE) {
            for i in i0..(i0 + TILE).min(m) {
                let row = &s[i * n..(i + 1) * n];
                for j in j0..(j0 + TILE).min(n) {
                    out[i + j * m] = row[j];
                }
            }
        }
    }
    out
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
    use ndarray::{array, s};

    #[test]
    fn lapack_int_rejects_above_i32_max() {
        assert_eq!(lapack_int(i32::MAX as usize).unwrap(), i32::MAX);
        assert_eq!(
            lapack_int(i32::MAX as usize + 1),
            Err(Error::TooLarge {
                dim: i32::MAX as usize + 1
            })
        );
        assert!(matches!(
            check_dims(usize::MAX, 2),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            check_dims(46_341, 46_341),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn copies_negative_strides_in_order() {
        let a = array![[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]];
        let v = a.slice(s![..;-1, ..;-2]);
        let f = to_col_major(&v);
        assert!(f.t().is_standard_layout());
        assert_eq!(f, array![[6.0, 4.0], [3.0, 1.0]]);
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
        assert_eq!(l, array![[1.0, 0.0], [2.0, 3.0]]);
    }
}
