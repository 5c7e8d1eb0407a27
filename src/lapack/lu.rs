//! LU with partial pivoting: ?getrf ?getrs ?getri ?gecon.

use std::os::raw::c_char;

use ndarray::Array2;
use num_complex::Complex;

use super::buffer::{col_major_slice, col_major_slice_mut, ld};
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar, Trans};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

macro_rules! lu_ffi {
    ($t:ty, $getrf:ident, $getrs:ident, $getri:ident) => {
        unsafe extern "C" {
            // SUBROUTINE xGETRF( M, N, A, LDA, IPIV, INFO )
            fn $getrf(
                m: *const BlasInt,
                n: *const BlasInt,
                a: *mut $t,
                lda: *const BlasInt,
                ipiv: *mut BlasInt,
                info: *mut BlasInt,
            );
            // SUBROUTINE xGETRS( TRANS, N, NRHS, A, LDA, IPIV, B, LDB, INFO )
            fn $getrs(
                trans: *const c_char,
                n: *const BlasInt,
                nrhs: *const BlasInt,
                a: *const $t,
                lda: *const BlasInt,
                ipiv: *const BlasInt,
                b: *mut $t,
                ldb: *const BlasInt,
                info: *mut BlasInt,
                trans_len: usize,
            );
            // SUBROUTINE xGETRI( N, A, LDA, IPIV, WORK, LWORK, INFO )
            fn $getri(
                n: *const BlasInt,
                a: *mut $t,
                lda: *const BlasInt,
                ipiv: *const BlasInt,
                work: *mut $t,
                lwork: *const BlasInt,
                info: *mut BlasInt,
            );
        }
    };
}
lu_ffi!(f32, sgetrf_, sgetrs_, sgetri_);
lu_ffi!(f64, dgetrf_, dgetrs_, dgetri_);
lu_ffi!(Complex<f32>, cgetrf_, cgetrs_, cgetri_);
lu_ffi!(Complex<f64>, zgetrf_, zgetrs_, zgetri_);

unsafe extern "C" {
    // SUBROUTINE DGECON( NORM, N, A, LDA, ANORM, RCOND, WORK, IWORK, INFO )  WORK(4N) IWORK(N)
    fn sgecon_(
        norm: *const c_char,
        n: *const BlasInt,
        a: *const f32,
        lda: *const BlasInt,
        anorm: *const f32,
        rcond: *mut f32,
        work: *mut f32,
        iwork: *mut BlasInt,
        info: *mut BlasInt,
        norm_len: usize,
    );
    fn dgecon_(
        norm: *const c_char,
        n: *const BlasInt,
        a: *const f64,
        lda: *const BlasInt,
        anorm: *const f64,
        rcond: *mut f64,
        work: *mut f64,
        iwork: *mut BlasInt,
        info: *mut BlasInt,
        norm_len: usize,
    );
    // SUBROUTINE ZGECON( NORM, N, A, LDA, ANORM, RCOND, WORK, RWORK, INFO )  WORK(2N) RWORK(2N)
    fn cgecon_(
        norm: *const c_char,
        n: *const BlasInt,
        a: *const Complex<f32>,
        lda: *const BlasInt,
        anorm: *const f32,
        rcond: *mut f32,
        work: *mut Complex<f32>,
        rwork: *mut f32,
        info: *mut BlasInt,
        norm_len: usize,
    );
    fn zgecon_(
        norm: *const c_char,
        n: *const BlasInt,
        a: *const Complex<f64>,
        lda: *const BlasInt,
        anorm: *const f64,
        rcond: *mut f64,
        work: *mut Complex<f64>,
        rwork: *mut f64,
        info: *mut BlasInt,
        norm_len: usize,
    );
}

/// Raw LU routines. Callers guarantee buffer sizes (see the safe wrappers below).
pub trait LuLapack: LapackScalar {
    /// # Safety
    /// `a` holds `lda·n` elements, `lda ≥ max(1, m)`, `ipiv` holds `min(m, n)`.
    unsafe fn getrf(
        m: BlasInt,
        n: BlasInt,
        a: *mut Self,
        lda: BlasInt,
        ipiv: *mut BlasInt,
    ) -> BlasInt;
    /// # Safety
    /// `a` is `lda×n` from getrf with `ipiv` (n entries), `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn getrs(
        trans: c_char,
        n: BlasInt,
        nrhs: BlasInt,
        a: *const Self,
        lda: BlasInt,
        ipiv: *const BlasInt,
        b: *mut Self,
        ldb: BlasInt,
    ) -> BlasInt;
    /// # Safety
    /// As getrs for `a`/`ipiv`; `work` holds `max(1, lwork)` elements (or lwork = -1).
    unsafe fn getri(
        n: BlasInt,
        a: *mut Self,
        lda: BlasInt,
        ipiv: *const BlasInt,
        work: *mut Self,
        lwork: BlasInt,
    ) -> BlasInt;
    /// # Safety
    /// `a` as getrs; `work` holds 4n elements, `rwork` 2n, `iwork` n.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gecon(
        norm: c_char,
        n: BlasInt,
        a: *const Self,
        lda: BlasInt,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        rwork: *mut Self::Real,
        iwork: *mut BlasInt,
    ) -> BlasInt;
}

macro_rules! impl_lu {
    ($t:ty, $getrf:ident, $getrs:ident, $getri:ident, $gecon:ident, real) => {
        impl_lu!(@common $t, $getrf, $getrs, $getri);
        impl_lu!(@gecon $t, $gecon, [_rwork, iwork] => iwork);
    };
    ($t:ty, $getrf:ident, $getrs:ident, $getri:ident, $gecon:ident, complex) => {
        impl_lu!(@common $t, $getrf, $getrs, $getri);
        impl_lu!(@gecon $t, $gecon, [rwork, _iwork] => rwork);
    };
    (@common $t:ty, $getrf:ident, $getrs:ident, $getri:ident) => {
        impl LuLapack for $t {
            unsafe fn getrf(m: BlasInt, n: BlasInt, a: *mut Self, lda: BlasInt, ipiv: *mut BlasInt) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `LuLapack::getrf`.
                unsafe { $getrf(&m, &n, a, &lda, ipiv, &mut info) };
                info
            }
            unsafe fn getrs(trans: c_char, n: BlasInt, nrhs: BlasInt, a: *const Self, lda: BlasInt, ipiv: *const BlasInt, b: *mut Self, ldb: BlasInt) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `LuLapack::getrs`; 1 is the CHARACTER length.
                unsafe { $getrs(&trans, &n, &nrhs, a, &lda, ipiv, b, &ldb, &mut info, 1) };
                info
            }
            unsafe fn getri(n: BlasInt, a: *mut Self, lda: BlasInt, ipiv: *const BlasInt, work: *mut Self, lwork: BlasInt) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `LuLapack::getri`.
                unsafe { $getri(&n, a, &lda, ipiv, work, &lwork, &mut info) };
                info
            }
            impl_lu!(@gecon_fn $t);
        }
    };
    (@gecon $t:ty, $gecon:ident, [$rw:ident, $iw:ident] => $pick:ident) => {
        impl GeconFfi for $t {
            unsafe fn gecon_ffi(
                norm: c_char, n: BlasInt, a: *const Self, lda: BlasInt, anorm: Self::Real, rcond: &mut Self::Real,
                work: *mut Self, $rw: *mut Self::Real, $iw: *mut BlasInt,
            ) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `LuLapack::gecon`; 1 is the CHARACTER length.
                unsafe { $gecon(&norm, &n, a, &lda, &anorm, rcond, work, $pick, &mut info, 1) };
                info
            }
        }
    };
    (@gecon_fn $t:ty) => {
        unsafe fn gecon(
            norm: c_char, n: BlasInt, a: *const Self, lda: BlasInt, anorm: Self::Real, rcond: &mut Self::Real,
            work: *mut Self, rwork: *mut Self::Real, iwork: *mut BlasInt,
        ) -> BlasInt {
            // SAFETY: forwarded contract of `LuLapack::gecon`.
            unsafe { <$t as GeconFfi>::gecon_ffi(norm, n, a, lda, anorm, rcond, work, rwork, iwork) }
        }
    };
}

/// Hides the real/complex difference of ?gecon (IWORK vs RWORK).
trait GeconFfi: LapackScalar {
    #[allow(clippy::too_many_arguments)]
    unsafe fn gecon_ffi(
        norm: c_char,
        n: BlasInt,
        a: *const Self,
        lda: BlasInt,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        rwork: *mut Self::Real,
        iwork: *mut BlasInt,
    ) -> BlasInt;
}

impl_lu!(f32, sgetrf_, sgetrs_, sgetri_, sgecon_, real);
impl_lu!(f64, dgetrf_, dgetrs_, dgetri_, dgecon_, real);
impl_lu!(Complex<f32>, cgetrf_, cgetrs_, cgetri_, cgecon_, complex);
impl_lu!(Complex<f64>, zgetrf_, zgetrs_, zgetri_, zgecon_, complex);

// ----------------------------------------------------------------------------- safe wrappers

/// Outcome of ?getrf: 1-based pivots, and the first exactly zero pivot if any (INFO > 0).
pub(crate) struct Getrf {
    pub ipiv: Vec<BlasInt>,
    pub singular_at: Option<usize>,
}

/// Factors the F-order `a` in place: `P·A = L·U`.
pub(crate) fn getrf<T: Scalar>(a: &mut Array2<T>) -> Result<Getrf> {
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
