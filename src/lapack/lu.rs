//! LU with partial pivoting: ?getrf ?getrs ?getri ?gecon.

use std::os::raw::c_char;

use ndarray::{Array2, ArrayBase, DataMut, Ix2};

use super::buffer::{col_major_slice, col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar, Trans};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// Raw LU routines. Callers guarantee buffer sizes (see the safe wrappers below).
    pub trait LuLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements, `lda ≥ max(1, m)`, `ipiv` holds `min(m, n)`.
    // SUBROUTINE xGETRF( M, N, A, LDA, IPIV, INFO )
    fn getrf(m: int, n: int, a: *mut T, lda: int, ipiv: *mut int);
    /// # Safety
    /// `a` is `lda×n` from getrf with `ipiv` (n entries), `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    // SUBROUTINE xGETRS( TRANS, N, NRHS, A, LDA, IPIV, B, LDB, INFO )
    fn getrs(
        trans: char, n: int, nrhs: int, a: *const T, lda: int, ipiv: *const int, b: *mut T,
        ldb: int,
    );
    /// # Safety
    /// As getrs for `a`/`ipiv`; `work` holds `max(1, lwork)` elements (or lwork = -1).
    // SUBROUTINE xGETRI( N, A, LDA, IPIV, WORK, LWORK, INFO )
    fn getri(n: int, a: *mut T, lda: int, ipiv: *const int, work: *mut T, lwork: int);
    /// # Safety
    /// `a` as getrs; `work` holds 4n elements, `rwork` 2n, `iwork` n.
    // SUBROUTINE DGECON( NORM, N, A, LDA, ANORM, RCOND, WORK, IWORK, INFO )  WORK(4N) IWORK(N)
    // SUBROUTINE ZGECON( NORM, N, A, LDA, ANORM, RCOND, WORK, RWORK, INFO )  WORK(2N) RWORK(2N)
    fn gecon(
        norm: char, n: int, a: *const T, lda: int, anorm: real, rcond: &mut R, work: *mut T,
        #[complex] rwork: *mut R, #[real] iwork: *mut int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

/// Outcome of ?getrf: 1-based pivots, and the first exactly zero pivot if any (INFO > 0).
pub(crate) struct Getrf {
    pub ipiv: Vec<BlasInt>,
    pub singular_at: Option<usize>,
}

/// Factors the F-order `a` (owned or a view) in place: `P·A = L·U`.
pub(crate) fn getrf<T: Scalar, S: DataMut<Elem = T>>(a: &mut ArrayBase<S, Ix2>) -> Result<Getrf> {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok(Getrf {
            ipiv: Vec::new(),
            singular_at: None,
        });
    }
    let (mi, ni, ldi) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let mut ipiv = vec![0 as BlasInt; k];
    let buf = col_major_slice_mut(a);
    assert_buf(buf, m, n, ld(m));
    let info = super::with_getrf_stack(m, n, || {
        // SAFETY: buf is an ld(m)×n column-major matrix (asserted above), ipiv has min(m, n)
        // slots, the two do not alias (both are borrowed mutably by this closure).
        unsafe { T::getrf(mi, ni, buf.as_mut_ptr(), ldi, ipiv.as_mut_ptr()) }
    });
    let routine = rname!(T, "getrf");
    check_illegal(routine, info)?;
    // Post-checks: OpenBLAS 0.3.21 returns NaN with INFO = 0 on subnormal pivots, and pivot
    // growth can overflow. Pivots outside 1..=m would be an out-of-bounds hazard later.
    if !super::all_finite(buf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    if ipiv.iter().any(|&p| p < 1 || p > mi) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Getrf {
        ipiv,
        singular_at: (info > 0).then_some(info as usize),
    })
}

/// Solves `op(A)·X = B` in place with the factors of [`getrf`]; `b` is F-order `n×nrhs`.
pub(crate) fn getrs<T: Scalar>(
    lu: &Array2<T>,
    ipiv: &[BlasInt],
    trans: Trans,
    b: &mut Array2<T>,
) -> Result<()> {
    let n = lu.nrows();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    assert_eq!(ipiv.len(), n);
    let (ni, nrhsi, ldi) = (lapack_int(n)?, lapack_int(nrhs)?, lapack_int(ld(n))?);
    let a = col_major_slice(lu);
    assert_buf(a, n, n, ld(n));
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, ld(n));
    // SAFETY: a is n×n with ld max(1,n), ipiv has n entries, bb is n×nrhs with ld max(1,n)
    // (all asserted above); b is a distinct allocation from lu.
    let info = unsafe {
        T::getrs(
            trans.as_char(),
            ni,
            nrhsi,
            a.as_ptr(),
            ldi,
            ipiv.as_ptr(),
            bb.as_mut_ptr(),
            ldi,
        )
    };
    let routine = rname!(T, "getrs");
    check_illegal(routine, info)?;
    // A nonsingular but nearly singular A can overflow the solution from finite input.
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Overwrites the factors with `A⁻¹` (requires a nonsingular factorization).
pub(crate) fn getri<T: Scalar>(lu: &mut Array2<T>, ipiv: &[BlasInt]) -> Result<()> {
    let n = lu.nrows();
    if n == 0 {
        return Ok(());
    }
    assert_eq!(ipiv.len(), n);
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let a = col_major_slice_mut(lu);
    assert_buf(a, n, n, ld(n));
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only.
    let info = unsafe { T::getri(ni, a.as_mut_ptr(), ldi, ipiv.as_ptr(), q.as_mut_ptr(), -1) };
    check_illegal(rname!(T, "getri"), info)?;
    let lw = lwork(q[0], n as i64)?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    // SAFETY: a is n×n (asserted), ipiv has n entries, work has lw ≥ max(1, n) elements.
    let info = unsafe {
        T::getri(
            ni,
            a.as_mut_ptr(),
            ldi,
            ipiv.as_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
        )
    };
    let routine = rname!(T, "getri");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::Singular {
            index: info as usize,
        });
    }
    if !super::all_finite(a) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate in the 1-norm from the factors and `‖A‖₁`.
pub(crate) fn gecon<T: Scalar>(lu: &Array2<T>, anorm: T::Real) -> Result<T::Real> {
    let n = lu.nrows();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero {
        return Ok(zero);
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let a = col_major_slice(lu);
    assert_buf(a, n, n, ld(n));
    let mut work = vec![T::zero(); 4 * n];
    let mut rwork = vec![zero; 2 * n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: a is n×n (asserted), work has 4n, rwork 2n, iwork n elements: the documented
    // sizes for both the real (WORK 4n, IWORK n) and complex (WORK 2n, RWORK 2n) routine.
    let info = unsafe {
        T::gecon(
            b'1' as c_char,
            ni,
            a.as_ptr(),
            ldi,
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "gecon"), info)?;
    Ok(rcond)
}
