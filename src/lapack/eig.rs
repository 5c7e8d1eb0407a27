//! General (nonsymmetric) eigenproblem: ?geev.

use std::os::raw::c_char;

use ndarray::Array2;
use num_complex::Complex;

use super::schur::eigenvalues_from;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar};
use crate::error::{Error, Result};
use crate::layout::{col_major_slice_mut, ld};
use crate::scalar::Scalar;

macro_rules! geev_ffi_real {
    ($t:ty, $geev:ident) => {
        extern "C" {
            // SUBROUTINE DGEEV( JOBVL, JOBVR, N, A, LDA, WR, WI, VL, LDVL, VR, LDVR, WORK,
            //                   LWORK, INFO )
            fn $geev(
                jobvl: *const c_char,
                jobvr: *const c_char,
                n: *const i32,
                a: *mut $t,
                lda: *const i32,
                wr: *mut $t,
                wi: *mut $t,
                vl: *mut $t,
                ldvl: *const i32,
                vr: *mut $t,
                ldvr: *const i32,
                work: *mut $t,
                lwork: *const i32,
                info: *mut i32,
                jobvl_len: usize,
                jobvr_len: usize,
            );
        }
    };
}
geev_ffi_real!(f32, sgeev_);
geev_ffi_real!(f64, dgeev_);

macro_rules! geev_ffi_complex {
    ($r:ty, $geev:ident) => {
        extern "C" {
            // SUBROUTINE ZGEEV( JOBVL, JOBVR, N, A, LDA, W, VL, LDVL, VR, LDVR, WORK, LWORK,
            //                   RWORK, INFO )
            fn $geev(
                jobvl: *const c_char,
                jobvr: *const c_char,
                n: *const i32,
                a: *mut Complex<$r>,
                lda: *const i32,
                w: *mut Complex<$r>,
                vl: *mut Complex<$r>,
                ldvl: *const i32,
                vr: *mut Complex<$r>,
                ldvr: *const i32,
                work: *mut Complex<$r>,
                lwork: *const i32,
                rwork: *mut $r,
                info: *mut i32,
                jobvl_len: usize,
                jobvr_len: usize,
            );
        }
    };
}
geev_ffi_complex!(f32, cgeev_);
geev_ffi_complex!(f64, zgeev_);

/// Raw ?geev with one signature for the real and complex variants: the real routine uses
/// `wr`/`wi` and ignores `w`/`rwork`, the complex one uses `w` and `rwork` and ignores `wr`/`wi`.
pub trait EigLapack: LapackScalar {
    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, n)`; `wr`, `wi`, `w` hold `n` elements each
    /// (the unused ones at least 1); `vl` holds `ldvl·n` elements with `ldvl ≥ n` when
    /// `jobvl = 'V'` (else `ldvl ≥ 1` and one element), likewise `vr`; `rwork` holds `2n` reals;
    /// `work` holds `max(1, lwork)` elements (or lwork = -1 for a query).
    #[allow(clippy::too_many_arguments)]
    unsafe fn geev(
        jobvl: c_char,
        jobvr: c_char,
        n: i32,
        a: *mut Self,
        lda: i32,
        wr: *mut Self::Real,
        wi: *mut Self::Real,
        w: *mut Self,
        vl: *mut Self,
        ldvl: i32,
        vr: *mut Self,
        ldvr: i32,
        work: *mut Self,
        lwork: i32,
        rwork: *mut Self::Real,
    ) -> i32;
}

macro_rules! impl_geev_real {
    ($t:ty, $geev:ident) => {
        impl EigLapack for $t {
            unsafe fn geev(
                jobvl: c_char,
                jobvr: c_char,
                n: i32,
                a: *mut Self,
                lda: i32,
                wr: *mut Self::Real,
                wi: *mut Self::Real,
                _w: *mut Self,
                vl: *mut Self,
                ldvl: i32,
                vr: *mut Self,
                ldvr: i32,
                work: *mut Self,
                lwork: i32,
                _rwork: *mut Self::Real,
            ) -> i32 {
                let mut info = 0;
                // SAFETY: forwarded contract of `EigLapack::geev`; 1 and 1 are the CHARACTER
                // lengths.
                unsafe {
                    $geev(
                        &jobvl, &jobvr, &n, a, &lda, wr, wi, vl, &ldvl, vr, &ldvr, work, &lwork,
                        &mut info, 1, 1,
                    )
                };
                info
            }
        }
    };
}
impl_geev_real!(f32, sgeev_);
impl_geev_real!(f64, dgeev_);

macro_rules! impl_geev_complex {
    ($r:ty, $geev:ident) => {
        impl EigLapack for Complex<$r> {
            unsafe fn geev(
                jobvl: c_char,
                jobvr: c_char,
                n: i32,
                a: *mut Self,
                lda: i32,
                _wr: *mut Self::Real,
                _wi: *mut Self::Real,
                w: *mut Self,
                vl: *mut Self,
                ldvl: i32,
                vr: *mut Self,
                ldvr: i32,
                work: *mut Self,
                lwork: i32,
                rwork: *mut Self::Real,
            ) -> i32 {
                let mut info = 0;
                // SAFETY: forwarded contract of `EigLapack::geev`; 1 and 1 are the CHARACTER
                // lengths.
                unsafe {
                    $geev(
                        &jobvl, &jobvr, &n, a, &lda, w, vl, &ldvl, vr, &ldvr, work, &lwork, rwork,
                        &mut info, 1, 1,
                    )
                };
                info
            }
        }
    };
}
impl_geev_complex!(f32, cgeev_);
impl_geev_complex!(f64, zgeev_);

// ----------------------------------------------------------------------------- safe wrappers

/// Outcome of ?geev: eigenvalues, and LAPACK's eigenvector arrays when asked for (for real
/// types in LAPACK's packed form: a complex pair `j, j+1` is stored as `re = v[:, j]`,
/// `im = v[:, j+1]`).
pub(crate) struct Geev<T: Scalar> {
    pub values: Vec<Complex<T::Real>>,
    pub left: Option<Array2<T>>,
    pub right: Option<Array2<T>>,
}

/// Eigenvalues and optionally left / right eigenvectors of the F-order square `a`
/// (overwritten). INFO > 0 (QR iteration failed) is `NoConvergence`.
pub(crate) fn geev<T: Scalar>(a: &mut Array2<T>, left: bool, right: bool) -> Result<Geev<T>> {
    let n = a.nrows();
    assert_eq!(a.ncols(), n);
    let vecs = |want: bool| want.then(|| crate::layout::padded_zeros::<T>((n, n)));
    if n == 0 {
        return Ok(Geev {
            values: Vec::new(),
            left: vecs(left),
            right: vecs(right),
        });
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let zero = T::Real::from_f64(0.0);
    let nw = if T::IS_COMPLEX { 1 } else { n };
    let mut wr = vec![zero; nw];
    let mut wi = vec![zero; nw];
    let mut w = vec![T::zero(); if T::IS_COMPLEX { n } else { 1 }];
    let mut rwork = vec![zero; 2 * n];
    // Unused eigenvector arrays: LDV = 1 and a one-element buffer (never referenced).
    let mut vl = vecs(left);
    let mut vr = vecs(right);
    let mut vl_dummy = [T::zero()];
    let mut vr_dummy = [T::zero()];
    let (vl_ptr, ldvl) = match vl.as_mut() {
        Some(v) => {
            let b = col_major_slice_mut(v);
            assert_buf(b, n, n, ld(n));
            (b.as_mut_ptr(), ldi)
        }
        None => (vl_dummy.as_mut_ptr(), 1),
    };
    let (vr_ptr, ldvr) = match vr.as_mut() {
        Some(v) => {
            let b = col_major_slice_mut(v);
            assert_buf(b, n, n, ld(n));
            (b.as_mut_ptr(), ldi)
        }
        None => (vr_dummy.as_mut_ptr(), 1),
    };
    let job = |want: bool| (if want { b'V' } else { b'N' }) as c_char;
    let (jobvl, jobvr) = (job(left), job(right));
    let routine = rname!(T, "geev");
    let buf = col_major_slice_mut(a);
    assert_buf(buf, n, n, ld(n));
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only; every
    // other buffer has its documented size anyway (buf n×n, asserted; vl/vr n×n when wanted).
    let info = unsafe {
        T::geev(
            jobvl,
            jobvr,
            ni,
            buf.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            vl_ptr,
            ldvl,
            vr_ptr,
            ldvr,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: real LWORK ≥ max(1, 3N), ≥ 4N with eigenvectors; complex ≥ max(1, 2N).
    let min = if T::IS_COMPLEX {
        2 * n as i64
    } else if left || right {
        4 * n as i64
    } else {
        3 * n as i64
    };
    let lw = lwork(q[0], min)?;
    let mut work = crate::layout::padded_vec::<T>(lw, n); // spare: see tail_pad
                                                          // SAFETY: buf is n×n with ld max(1, n) (asserted); wr, wi hold n reals for the real routine
                                                          // and w n elements for the complex one; vl/vr are n×n with ld max(1, n) when wanted
                                                          // (asserted) and a 1-element buffer with ld 1 otherwise (JOBV* = 'N'); rwork holds 2n;
                                                          // work holds lw ≥ the documented minimum. No two buffers alias.
    let info = unsafe {
        T::geev(
            jobvl,
            jobvr,
            ni,
            buf.as_mut_ptr(),
            ldi,
            wr.as_mut_ptr(),
            wi.as_mut_ptr(),
            w.as_mut_ptr(),
            vl_ptr,
            ldvl,
            vr_ptr,
            ldvr,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NoConvergence { routine, info });
    }
    let values = eigenvalues_from::<T>(n, &wr, &wi, &w);
    let finite = values.iter().all(|l| l.re.is_finite() && l.im.is_finite())
        && vl.as_ref().is_none_or(|v| v.iter().all(|x| x.is_finite()))
        && vr.as_ref().is_none_or(|v| v.iter().all(|x| x.is_finite()));
    if !finite {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Geev {
        values,
        left: vl,
        right: vr,
    })
}
