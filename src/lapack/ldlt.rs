//! Bunch–Kaufman LDLᵀ / LDLᴴ: ?sytrf ?hetrf ?sytrs ?hetrs ?sycon ?hecon.
//!
//! Every routine takes `hermitian: bool`: for complex types it picks the ?he* routine (`A = Aᴴ`)
//! over the ?sy* one (`A = Aᵀ`); for real types both are the ?sy* routine.

use std::os::raw::c_char;

use ndarray::Array2;

use super::buffer::{col_major_slice, col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar, Uplo};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// The ?sy* and ?he* routines of one element type (for real types the ?he* methods call
    /// the ?sy* routines), from which [`LdltLapack`] picks by `hermitian`: `trf_sy` is ?sytrf,
    /// `trf_he` ?hetrf, and so on.
    pub trait LdltRoutines: LapackScalar;

    /// # Safety
    /// As [`LdltLapack::sytrf`].
    // SUBROUTINE xSYTRF( UPLO, N, A, LDA, IPIV, WORK, LWORK, INFO )  (same for xHETRF)
    fn trf_sy = [sytrf, sytrf](
        uplo: char, n: int, a: *mut T, lda: int, ipiv: *mut int, work: *mut T, lwork: int,
    );
    /// # Safety
    /// As [`LdltLapack::sytrf`].
    fn trf_he = [sytrf, hetrf](
        uplo: char, n: int, a: *mut T, lda: int, ipiv: *mut int, work: *mut T, lwork: int,
    );
    /// # Safety
    /// As [`LdltLapack::sytrs`].
    // SUBROUTINE xSYTRS( UPLO, N, NRHS, A, LDA, IPIV, B, LDB, INFO )  (same for xHETRS)
    fn trs_sy = [sytrs, sytrs](
        uplo: char, n: int, nrhs: int, a: *const T, lda: int, ipiv: *const int, b: *mut T,
        ldb: int,
    );
    /// # Safety
    /// As [`LdltLapack::sytrs`].
    fn trs_he = [sytrs, hetrs](
        uplo: char, n: int, nrhs: int, a: *const T, lda: int, ipiv: *const int, b: *mut T,
        ldb: int,
    );
    /// # Safety
    /// As [`LdltLapack::sycon`].
    // SUBROUTINE DSYCON( UPLO, N, A, LDA, IPIV, ANORM, RCOND, WORK, IWORK, INFO )
    // WORK(2N) IWORK(N); ZSYCON and ZHECON have no IWORK
    fn con_sy = [sycon, sycon](
        uplo: char, n: int, a: *const T, lda: int, ipiv: *const int, anorm: real,
        rcond: &mut R, work: *mut T, #[real] iwork: *mut int,
    );
    /// # Safety
    /// As [`LdltLapack::sycon`].
    fn con_he = [sycon, hecon](
        uplo: char, n: int, a: *const T, lda: int, ipiv: *const int, anorm: real,
        rcond: &mut R, work: *mut T, #[real] iwork: *mut int,
    );
}

/// Raw Bunch–Kaufman routines. `hermitian` selects ?he* over ?sy* for complex types and is
/// ignored for real ones.
pub trait LdltLapack: LdltRoutines {
    /// # Safety
    /// `a` holds `lda·n` elements, `lda ≥ max(1, n)`; `ipiv` holds `n`; `work` holds
    /// `max(1, lwork)` elements (or `lwork = -1`, a query writing `work[0]` only).
    #[allow(clippy::too_many_arguments)]
    unsafe fn sytrf(
        hermitian: bool,
        uplo: c_char,
        n: BlasInt,
        a: *mut Self,
        lda: BlasInt,
        ipiv: *mut BlasInt,
        work: *mut Self,
        lwork: BlasInt,
    ) -> BlasInt {
        let trf = if hermitian {
            Self::trf_he
        } else {
            Self::trf_sy
        };
        // SAFETY: forwarded contract of `LdltLapack::sytrf`, which both routines share.
        unsafe { trf(uplo, n, a, lda, ipiv, work, lwork) }
    }
    /// # Safety
    /// `a`/`ipiv` are an `n×n` factorization from `sytrf` with the same `hermitian` and `uplo`;
    /// `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn sytrs(
        hermitian: bool,
        uplo: c_char,
        n: BlasInt,
        nrhs: BlasInt,
        a: *const Self,
        lda: BlasInt,
        ipiv: *const BlasInt,
        b: *mut Self,
        ldb: BlasInt,
    ) -> BlasInt {
        let trs = if hermitian {
            Self::trs_he
        } else {
            Self::trs_sy
        };
        // SAFETY: forwarded contract of `LdltLapack::sytrs`, which both routines share.
        unsafe { trs(uplo, n, nrhs, a, lda, ipiv, b, ldb) }
    }
    /// # Safety
    /// As `sytrs` for `a`/`ipiv`; `work` holds `2n` elements and `iwork` `n`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn sycon(
        hermitian: bool,
        uplo: c_char,
        n: BlasInt,
        a: *const Self,
        lda: BlasInt,
        ipiv: *const BlasInt,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        iwork: *mut BlasInt,
    ) -> BlasInt {
        let con = if hermitian {
            Self::con_he
        } else {
            Self::con_sy
        };
        // SAFETY: forwarded contract of `LdltLapack::sycon`, which both routines share.
        unsafe { con(uplo, n, a, lda, ipiv, anorm, rcond, work, iwork) }
    }
}
impl<T: LdltRoutines> LdltLapack for T {}

fn routine_trf<T: Scalar>(hermitian: bool) -> &'static str {
    if hermitian {
        rname!(T, "sytrf", "hetrf")
    } else {
        rname!(T, "sytrf")
    }
}

// ----------------------------------------------------------------------------- safe wrappers

/// Outcome of ?sytrf/?hetrf: LAPACK's 1-based `ipiv` and the first exactly zero `D(i,i)`.
pub(crate) struct Sytrf {
    pub ipiv: Vec<BlasInt>,
    pub singular_at: Option<usize>,
}

/// `true` when `ipiv` has LAPACK's structure: entries in `±1..=n`, and negative entries in equal
/// pairs `(k, k+1)` for `Uplo::Lower`, `(k-1, k)` for `Uplo::Upper`.
fn valid_ipiv(ipiv: &[BlasInt], uplo: Uplo) -> bool {
    let n = ipiv.len() as i64;
    if ipiv.iter().any(|&p| p == 0 || i64::from(p).abs() > n) {
        return false;
    }
    let n = ipiv.len();
    match uplo {
        Uplo::Lower => {
            let mut k = 0;
            while k < n {
                if ipiv[k] > 0 {
                    k += 1;
                } else {
                    if k + 1 >= n || ipiv[k + 1] != ipiv[k] {
                        return false;
                    }
                    k += 2;
                }
            }
        }
        Uplo::Upper => {
            let mut k = n;
            while k > 0 {
                if ipiv[k - 1] > 0 {
                    k -= 1;
                } else {
                    if k < 2 || ipiv[k - 2] != ipiv[k - 1] {
                        return false;
                    }
                    k -= 2;
                }
            }
        }
    }
    true
}

/// Factors the F-order symmetric/Hermitian `a` (triangle `uplo`) in place.
pub(crate) fn sytrf<T: Scalar>(a: &mut Array2<T>, uplo: Uplo, hermitian: bool) -> Result<Sytrf> {
    let n = a.nrows();
    if n == 0 {
        // The n = 0 workspace query returns 0, which LAPACK then rejects (INFO = -7).
        return Ok(Sytrf {
            ipiv: Vec::new(),
            singular_at: None,
        });
    }
    let routine = routine_trf::<T>(hermitian);
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let mut ipiv = vec![0 as BlasInt; n];
    let buf = col_major_slice_mut(a);
    assert_buf(buf, n, n, ld(n));
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only; buf is
    // n×n with ld max(1, n) (asserted), ipiv has n slots.
    let info = unsafe {
        T::sytrf(
            hermitian,
            uplo.as_char(),
            ni,
            buf.as_mut_ptr(),
            ldi,
            ipiv.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: LWORK >= 1.
    let lw = lwork(q[0], 1)?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    // SAFETY: buf is n×n with ld max(1, n) (asserted), ipiv has n slots, work has lw ≥ 1
    // elements; the three do not alias.
    let info = unsafe {
        T::sytrf(
            hermitian,
            uplo.as_char(),
            ni,
            buf.as_mut_ptr(),
            ldi,
            ipiv.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
        )
    };
    check_illegal(routine, info)?;
    // Post-check of the triangle LAPACK wrote (the other one holds the copy's zeros).
    if !super::triangle_finite(buf, n, uplo) || !valid_ipiv(&ipiv, uplo) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Sytrf {
        ipiv,
        singular_at: (info > 0).then_some(info as usize),
    })
}

/// Solves `A·X = B` in place with the factorization of [`sytrf`].
pub(crate) fn sytrs<T: Scalar>(
    f: &Array2<T>,
    ipiv: &[BlasInt],
    uplo: Uplo,
    hermitian: bool,
    b: &mut Array2<T>,
) -> Result<()> {
    let n = f.nrows();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    assert_eq!(ipiv.len(), n);
    let (ni, nrhsi, ldi) = (lapack_int(n)?, lapack_int(nrhs)?, lapack_int(ld(n))?);
    let a = col_major_slice(f);
    assert_buf(a, n, n, ld(n));
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, ld(n));
    // SAFETY: a is n×n, bb is n×nrhs, both with ld max(1, n) (asserted), ipiv has n entries
    // validated by `sytrf`; b is a distinct allocation from f.
    let info = unsafe {
        T::sytrs(
            hermitian,
            uplo.as_char(),
            ni,
            nrhsi,
            a.as_ptr(),
            ldi,
            ipiv.as_ptr(),
            bb.as_mut_ptr(),
            ldi,
        )
    };
    let routine = if hermitian {
        rname!(T, "sytrs", "hetrs")
    } else {
        rname!(T, "sytrs")
    };
    check_illegal(routine, info)?;
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate (1-norm) from the factorization and `‖A‖₁`.
pub(crate) fn sycon<T: Scalar>(
    f: &Array2<T>,
    ipiv: &[BlasInt],
    uplo: Uplo,
    hermitian: bool,
    anorm: T::Real,
) -> Result<T::Real> {
    let n = f.nrows();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero {
        return Ok(zero);
    }
    assert_eq!(ipiv.len(), n);
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let a = col_major_slice(f);
    assert_buf(a, n, n, ld(n));
    let mut work = vec![T::zero(); 2 * n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: a is n×n (asserted), ipiv has n validated entries, work has 2n and iwork n
    // elements: the documented sizes for the real (WORK 2n, IWORK n) and complex (WORK 2n)
    // routines.
    let info = unsafe {
        T::sycon(
            hermitian,
            uplo.as_char(),
            ni,
            a.as_ptr(),
            ldi,
            ipiv.as_ptr(),
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    let routine = if hermitian {
        rname!(T, "sycon", "hecon")
    } else {
        rname!(T, "sycon")
    };
    check_illegal(routine, info)?;
    Ok(super::rcond_or_zero(rcond))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipiv_structure() {
        assert!(valid_ipiv(&[1, 2, 3], Uplo::Lower));
        assert!(valid_ipiv(&[-3, -3, 3], Uplo::Lower));
        assert!(!valid_ipiv(&[1, -3, 3], Uplo::Lower));
        assert!(!valid_ipiv(&[1, 2, -3], Uplo::Lower));
        assert!(valid_ipiv(&[1, -1, -1], Uplo::Upper));
        assert!(!valid_ipiv(&[-1, 2, 3], Uplo::Upper));
        assert!(!valid_ipiv(&[4, 2, 3], Uplo::Lower));
        assert!(!valid_ipiv(&[0], Uplo::Lower));
    }
}
