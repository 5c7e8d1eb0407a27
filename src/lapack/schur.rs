//! Schur decomposition: ?gees (JOBVS = 'V', SORT = 'N') and ?trsen (reordering, JOB = 'N').
//!
//! The SELECT callback of ?gees is never used for sorting: we pass SORT = 'N' with a valid dummy
//! function, and reorder afterwards with ?trsen, whose selection is a LOGICAL array built in
//! Rust. No Rust closure is ever called from Fortran, so no panic can unwind into Fortran.

use std::os::raw::c_char;

use ndarray::Array2;
use num_complex::Complex;

use super::buffer::{col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// Fortran `LOGICAL FUNCTION SELECT(WR, WI)` of the real ?gees.
type SelectReal<R> = Option<extern "C" fn(*const R, *const R) -> BlasInt>;
/// Fortran `LOGICAL FUNCTION SELECT(W)` of the complex ?gees.
type SelectComplex<R> = Option<extern "C" fn(*const Complex<R>) -> BlasInt>;

/// The dummy SELECT passed with SORT = 'N' (LAPACK does not call it then): selects nothing.
extern "C" fn select_none_real<R>(_wr: *const R, _wi: *const R) -> BlasInt {
    0
}
/// The complex counterpart of [`select_none_real`].
extern "C" fn select_none_complex<R>(_w: *const Complex<R>) -> BlasInt {
    0
}

lapack_family! {
    /// Raw Schur routines with one signature for the real and complex variants. The real
    /// routines use `wr`/`wi` (eigenvalues as real and imaginary parts) and ignore `w`/`rwork`;
    /// the complex ones use `w` and `rwork` and ignore `wr`/`wi`.
    pub trait SchurLapack: LapackScalar;

    /// ?gees with JOBVS = 'V', SORT = 'N' (and a dummy SELECT that LAPACK does not call).
    ///
    /// # Safety
    /// `a` and `vs` hold `lda·n` / `ldvs·n` elements with `lda, ldvs ≥ max(1, n)`; `wr`, `wi`,
    /// `w` hold `n` elements each (the unused ones at least 1); `rwork` and `bwork` `max(1, n)`;
    /// `work` holds `max(1, lwork)` elements (or lwork = -1 for a query).
    // SUBROUTINE DGEES( JOBVS, SORT, SELECT, N, A, LDA, SDIM, WR, WI, VS, LDVS, WORK,
    //                   LWORK, BWORK, INFO )
    // SUBROUTINE ZGEES( JOBVS, SORT, SELECT, N, A, LDA, SDIM, W, VS, LDVS, WORK, LWORK,
    //                   RWORK, BWORK, INFO )
    // The dummy SELECT is a valid function that cannot unwind; SDIM points to a temporary.
    fn gees(
        jobvs: char = b'V' as c_char, sort: char = b'N' as c_char,
        #[real] select: [SelectReal<R>] = Some(select_none_real::<R>),
        #[complex] select: [SelectComplex<R>] = Some(select_none_complex::<R>),
        n: int, a: *mut T, lda: int, sdim: *mut int = &mut 0, #[real] wr: *mut R,
        #[real] wi: *mut R, #[complex] w: *mut T, vs: *mut T, ldvs: int, work: *mut T,
        lwork: int, #[complex] rwork: *mut R, bwork: *mut int,
    );

    /// ?trsen with JOB = 'N', COMPQ = 'V': reorders the Schur form so that the selected
    /// eigenvalues lead; `m` receives the dimension of the selected invariant subspace.
    ///
    /// # Safety
    /// `select` holds `n` LOGICALs; `t` and `q` hold `ldt·n` / `ldq·n` elements with
    /// `ldt, ldq ≥ max(1, n)`; `wr`, `wi`, `w` hold `n` elements each; `work` holds
    /// `max(1, lwork)` elements and `iwork` `max(1, liwork)` (or a query with -1).
    // SUBROUTINE DTRSEN( JOB, COMPQ, SELECT, N, T, LDT, Q, LDQ, WR, WI, M, S, SEP,
    //                    WORK, LWORK, IWORK, LIWORK, INFO )
    // SUBROUTINE ZTRSEN( JOB, COMPQ, SELECT, N, T, LDT, Q, LDQ, W, M, S, SEP, WORK,
    //                    LWORK, INFO )
    // S and SEP are not referenced for JOB = 'N' but point to valid (temporary) scalars.
    fn trsen(
        job: char = b'N' as c_char, compq: char = b'V' as c_char, select: *const int, n: int,
        t: *mut T, ldt: int, q: *mut T, ldq: int, #[real] wr: *mut R, #[real] wi: *mut R,
        #[complex] w: *mut T, m: &mut int, s: *mut R = &mut 0.0, sep: *mut R = &mut 0.0,
        work: *mut T, lwork: int, #[real] iwork: *mut int, #[real] liwork: int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

/// Eigenvalues from the real (`wr`, `wi`) or complex (`w`) output arrays.
pub(crate) fn eigenvalues_from<T: Scalar>(
    n: usize,
    wr: &[T::Real],
    wi: &[T::Real],
    w: &[T],
) -> Vec<Complex<T::Real>> {
    (0..n)
        .map(|i| {
            if T::IS_COMPLEX {
                Complex::new(w[i].re(), w[i].im())
            } else {
                Complex::new(wr[i], wi[i])
            }
        })
        .collect()
}

/// Outcome of ?gees: the Schur vectors and the eigenvalues in the order of T's diagonal.
pub(crate) struct Gees<T: Scalar> {
    pub z: Array2<T>,
    pub eigenvalues: Vec<Complex<T::Real>>,
}

/// Overwrites the F-order square `a` with its Schur form `T` and returns `Z` (`A = Z·T·Zᴴ`).
/// INFO in 1..=n (QR iteration failed) is `NoConvergence`.
pub(crate) fn gees<T: Scalar>(a: &mut Array2<T>) -> Result<Gees<T>> {
    let n = a.nrows();
    assert_eq!(a.ncols(), n);
    let mut z = super::buffer::padded_zeros::<T>((n, n));
    if n == 0 {
        return Ok(Gees {
            z,
            eigenvalues: Vec::new(),
        });
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let zero = T::Real::from_f64(0.0);
    let nw = if T::IS_COMPLEX { 1 } else { n };
    let mut wr = vec![zero; nw];
    let mut wi = vec![zero; nw];
    let mut w = vec![T::zero(); if T::IS_COMPLEX { n } else { 1 }];
    let mut rwork = vec![zero; n];
    let mut bwork = vec![0 as BlasInt; n];
    let routine = rname!(T, "gees");
    let buf = col_major_slice_mut(a);
    assert_buf(buf, n, n, ld(n));
    let zb = col_major_slice_mut(&mut z);
    assert_buf(zb, n, n, ld(n));
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only; every
    // other buffer has its documented size anyway (buf, zb n×n with ld max(1, n), asserted).
    let info = unsafe {
        T::gees(
            ni,
            buf.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
            bwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: real LWORK ≥ max(1, 3N); complex LWORK ≥ max(1, 2N).
    let min = if T::IS_COMPLEX { 2 } else { 3 } * n as i64;
    let lw = lwork(q[0], min)?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    // SAFETY: buf and zb are n×n with ld max(1, n) (asserted); wr, wi hold n reals for the real
    // routine and w holds n elements for the complex one (the unused ones hold 1); rwork and
    // bwork hold n; work holds lw ≥ the documented minimum. No two buffers alias.
    let info = unsafe {
        T::gees(
            ni,
            buf.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            bwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    if info > 0 && info <= ni {
        return Err(Error::NoConvergence { routine, info });
    }
    if info > 0 {
        // N+1 / N+2 concern sorting only, which SORT = 'N' never asks for.
        return Err(Error::NumericalBreakdown { routine });
    }
    if !super::all_finite(buf) || !super::all_finite(zb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    let eigenvalues = eigenvalues_from::<T>(n, &wr, &wi, &w);
    if eigenvalues
        .iter()
        .any(|l| !l.re.is_finite() || !l.im.is_finite())
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Gees { z, eigenvalues })
}

/// Reorders the Schur form `t` (updating `z`) so that the eigenvalues marked in `select`
/// (`select[k] != 0`, both entries of a real 2×2 block set alike) lead. Returns the
/// eigenvalues in their new order and the dimension of the selected invariant subspace.
/// On failure (`ReorderFailed`, real INFO = 1) `t` and `z` may be partially reordered.
pub(crate) fn trsen<T: Scalar>(
    t: &mut Array2<T>,
    z: &mut Array2<T>,
    select: &[BlasInt],
) -> Result<(Vec<Complex<T::Real>>, usize)> {
    let n = t.nrows();
    assert_eq!(select.len(), n);
    assert_eq!(z.dim(), (n, n));
    if n == 0 {
        return Ok((Vec::new(), 0));
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let zero = T::Real::from_f64(0.0);
    let nw = if T::IS_COMPLEX { 1 } else { n };
    let mut wr = vec![zero; nw];
    let mut wi = vec![zero; nw];
    let mut w = vec![T::zero(); if T::IS_COMPLEX { n } else { 1 }];
    let routine = rname!(T, "trsen");
    let tb = col_major_slice_mut(t);
    assert_buf(tb, n, n, ld(n));
    let zb = col_major_slice_mut(z);
    assert_buf(zb, n, n, ld(n));
    let mut m = 0 as BlasInt;
    let mut q = [T::zero()];
    let mut iq = [0 as BlasInt];
    // SAFETY: workspace query (lwork = liwork = -1): LAPACK writes the optimal sizes to q[0]
    // and iq[0] only; select holds n LOGICALs, tb and zb are n×n with ld max(1, n) (asserted).
    let info = unsafe {
        T::trsen(
            select.as_ptr(),
            ni,
            tb.as_mut_ptr(),
            ldi,
            zb.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            &mut m,
            q.as_mut_ptr(),
            -1,
            iq.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum for JOB = 'N': real LWORK ≥ max(1, N), LIWORK ≥ 1; complex LWORK ≥ 1.
    let min = if T::IS_COMPLEX { 1 } else { n as i64 };
    let lw = lwork(q[0], min)?;
    let liw = super::size_i64(i64::from(iq[0]).max(1))?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    let mut iwork = vec![0 as BlasInt; liw];
    // SAFETY: select holds n LOGICALs; tb, zb are n×n with ld max(1, n) (asserted); wr, wi hold
    // n reals for the real routine and w holds n for the complex one; work holds lw and iwork
    // liw elements, both at least the documented minimum. No two buffers alias.
    let info = unsafe {
        T::trsen(
            select.as_ptr(),
            ni,
            tb.as_mut_ptr(),
            ldi,
            zb.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            &mut m,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            iwork.as_mut_ptr(),
            lapack_int(liw)?,
        )
    };
    check_illegal(routine, info)?;
    if info == 1 {
        return Err(Error::ReorderFailed { routine });
    }
    if info != 0 || m < 0 || m > ni {
        return Err(Error::NumericalBreakdown { routine });
    }
    if !super::all_finite(tb) || !super::all_finite(zb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok((eigenvalues_from::<T>(n, &wr, &wi, &w), m as usize))
}
