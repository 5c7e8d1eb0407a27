//! Matrix norms: ?lange (general), ?lansy (symmetric), ?lanhe (Hermitian).

use std::os::raw::c_char;

use ndarray::Array2;

use super::buffer::{col_major_slice, ld};
use super::routine::lapack_family;
use super::{assert_buf, lapack_int, LapackScalar, Uplo};
use crate::error::Result;
use crate::scalar::Scalar;

lapack_family! {
    /// Raw norm routines.
    pub trait NormLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, m)`; `work` holds `max(1, m)` reals.
    // DOUBLE PRECISION FUNCTION DLANGE( NORM, M, N, A, LDA, WORK )   WORK(M) for 'I'
    fn lange(norm: char, m: int, n: int, a: *const T, lda: int, work: *mut R) -> real;
    /// Symmetric (`Aᵀ = A`) norm from one triangle.
    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, n)`; `work` holds `max(1, n)` reals.
    // DOUBLE PRECISION FUNCTION DLANSY( NORM, UPLO, N, A, LDA, WORK )   WORK(N) for '1'/'I'
    fn lansy(norm: char, uplo: char, n: int, a: *const T, lda: int, work: *mut R) -> real;
    /// Hermitian (`Aᴴ = A`) norm from one triangle; the same as `lansy` for real types.
    /// # Safety
    /// As `lansy`.
    fn lanhe = [lansy, lanhe](
        norm: char, uplo: char, n: int, a: *const T, lda: int, work: *mut R,
    ) -> real;
}

/// Which norm to compute.
#[allow(dead_code)] // all of LAPACK's norms are offered to the families
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Norm {
    /// Maximum column sum `‖A‖₁`.
    One,
    /// Maximum row sum `‖A‖∞`.
    Inf,
    /// Frobenius norm, computed with scaling (no overflow for 1e300 entries).
    Fro,
    /// Largest modulus.
    Max,
}

impl Norm {
    fn as_char(self) -> c_char {
        (match self {
            Norm::One => b'1',
            Norm::Inf => b'I',
            Norm::Fro => b'F',
            Norm::Max => b'M',
        }) as c_char
    }
}

/// Norm of a general F-order matrix (0 for an empty one). Production code computes ‖A‖₁ in the
/// LU's one-pass scan; this stays as the reference that scan is tested against.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn lange<T: Scalar>(norm: Norm, a: &Array2<T>) -> Result<T::Real> {
    let (m, n) = a.dim();
    if m == 0 || n == 0 {
        return Ok(T::Real::from_f64(0.0));
    }
    let (mi, ni, ldi) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let buf = col_major_slice(a);
    assert_buf(buf, m, n, ld(m));
    let mut work = vec![T::Real::from_f64(0.0); m];
    // SAFETY: buf is m×n with ld max(1, m) (asserted), work has m reals.
    Ok(unsafe { T::lange(norm.as_char(), mi, ni, buf.as_ptr(), ldi, work.as_mut_ptr()) })
}

/// Norm of a symmetric (`hermitian = false`) or Hermitian matrix stored in triangle `uplo` of
/// the F-order `a`.
pub(crate) fn lan_symmetric<T: Scalar>(
    norm: Norm,
    a: &Array2<T>,
    uplo: Uplo,
    hermitian: bool,
) -> Result<T::Real> {
    let n = a.nrows();
    if n == 0 {
        return Ok(T::Real::from_f64(0.0));
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let buf = col_major_slice(a);
    assert_buf(buf, n, n, ld(n));
    let mut work = vec![T::Real::from_f64(0.0); n];
    // SAFETY: buf is n×n with ld max(1, n) (asserted), work has n reals.
    Ok(unsafe {
        if hermitian {
            T::lanhe(
                norm.as_char(),
                uplo.as_char(),
                ni,
                buf.as_ptr(),
                ldi,
                work.as_mut_ptr(),
            )
        } else {
            T::lansy(
                norm.as_char(),
                uplo.as_char(),
                ni,
                buf.as_ptr(),
                ldi,
                work.as_mut_ptr(),
            )
        }
    })
}
