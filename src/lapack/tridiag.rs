//! LU of a general tridiagonal matrix: ?gttrf ?gttrs ?gtcon.

use std::os::raw::c_char;

use ndarray::Array2;
use num_complex::Complex;

use super::buffer::col_major_slice_mut;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, rname, LapackScalar, Trans};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

macro_rules! gt_ffi {
    ($t:ty, $r:ty, $gttrf:ident, $gttrs:ident) => {
        unsafe extern "C" {
            // SUBROUTINE xGTTRF( N, DL, D, DU, DU2, IPIV, INFO )
            fn $gttrf(
                n: *const BlasInt,
                dl: *mut $t,
                d: *mut $t,
                du: *mut $t,
                du2: *mut $t,
                ipiv: *mut BlasInt,
                info: *mut BlasInt,
            );
            // SUBROUTINE xGTTRS( TRANS, N, NRHS, DL, D, DU, DU2, IPIV, B, LDB, INFO )
            fn $gttrs(
                trans: *const c_char,
                n: *const BlasInt,
                nrhs: *const BlasInt,
                dl: *const $t,
                d: *const $t,
                du: *const $t,
                du2: *const $t,
                ipiv: *const BlasInt,
                b: *mut $t,
                ldb: *const BlasInt,
                info: *mut BlasInt,
                trans_len: usize,
            );
        }
    };
}
gt_ffi!(f32, f32, sgttrf_, sgttrs_);
gt_ffi!(f64, f64, dgttrf_, dgttrs_);
gt_ffi!(Complex<f32>, f32, cgttrf_, cgttrs_);
gt_ffi!(Complex<f64>, f64, zgttrf_, zgttrs_);

unsafe extern "C" {
    // SUBROUTINE DGTCON( NORM, N, DL, D, DU, DU2, IPIV, ANORM, RCOND, WORK, IWORK, INFO )
    // WORK(2N), IWORK(N)
    fn sgtcon_(
        norm: *const c_char,
        n: *const BlasInt,
        dl: *const f32,
        d: *const f32,
        du: *const f32,
        du2: *const f32,
        ipiv: *const BlasInt,
        anorm: *const f32,
        rcond: *mut f32,
        work: *mut f32,
        iwork: *mut BlasInt,
        info: *mut BlasInt,
        norm_len: usize,
    );
    fn dgtcon_(
        norm: *const c_char,
        n: *const BlasInt,
        dl: *const f64,
        d: *const f64,
        du: *const f64,
        du2: *const f64,
        ipiv: *const BlasInt,
        anorm: *const f64,
        rcond: *mut f64,
        work: *mut f64,
        iwork: *mut BlasInt,
        info: *mut BlasInt,
        norm_len: usize,
    );
    // SUBROUTINE ZGTCON( NORM, N, DL, D, DU, DU2, IPIV, ANORM, RCOND, WORK, INFO )  WORK(2N)
    fn cgtcon_(
        norm: *const c_char,
        n: *const BlasInt,
        dl: *const Complex<f32>,
        d: *const Complex<f32>,
        du: *const Complex<f32>,
        du2: *const Complex<f32>,
        ipiv: *const BlasInt,
        anorm: *const f32,
        rcond: *mut f32,
        work: *mut Complex<f32>,
        info: *mut BlasInt,
        norm_len: usize,
    );
    fn zgtcon_(
        norm: *const c_char,
        n: *const BlasInt,
        dl: *const Complex<f64>,
        d: *const Complex<f64>,
        du: *const Complex<f64>,
        du2: *const Complex<f64>,
        ipiv: *const BlasInt,
        anorm: *const f64,
        rcond: *mut f64,
        work: *mut Complex<f64>,
        info: *mut BlasInt,
        norm_len: usize,
    );
}

/// Raw tridiagonal LU routines. Callers guarantee buffer sizes (see the safe wrappers below).
pub trait TridiagLapack: LapackScalar {
    /// # Safety
    /// `dl` and `du` hold `n − 1` elements (at least 1 allocated), `d` and `ipiv` hold `n`,
    /// `du2` holds `n − 2` (at least 1 allocated).
    unsafe fn gttrf(
        n: BlasInt,
        dl: *mut Self,
        d: *mut Self,
        du: *mut Self,
        du2: *mut Self,
        ipiv: *mut BlasInt,
    ) -> BlasInt;
    /// # Safety
    /// The factors as from `gttrf` of order `n`; `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gttrs(
        trans: c_char,
        n: BlasInt,
        nrhs: BlasInt,
        dl: *const Self,
        d: *const Self,
        du: *const Self,
        du2: *const Self,
        ipiv: *const BlasInt,
        b: *mut Self,
        ldb: BlasInt,
    ) -> BlasInt;
    /// # Safety
    /// The factors as from `gttrf` of order `n`; `work` holds `2n`, `iwork` `n` elements.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gtcon(
        n: BlasInt,
        dl: *const Self,
        d: *const Self,
        du: *const Self,
        du2: *const Self,
        ipiv: *const BlasInt,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        iwork: *mut BlasInt,
    ) -> BlasInt;
}

macro_rules! impl_gt {
    (@con real, $gtcon:ident, $norm:ident, $n:ident, $dl:ident, $d:ident, $du:ident, $du2:ident, $ipiv:ident, $anorm:ident, $rcond:ident, $work:ident, $iwork:ident, $info:ident) => {
        // SAFETY: forwarded contract of `TridiagLapack::gtcon`; 1 is the CHARACTER length.
        unsafe { $gtcon(&$norm, &$n, $dl, $d, $du, $du2, $ipiv, &$anorm, $rcond, $work, $iwork, &mut $info, 1) }
    };
    (@con complex, $gtcon:ident, $norm:ident, $n:ident, $dl:ident, $d:ident, $du:ident, $du2:ident, $ipiv:ident, $anorm:ident, $rcond:ident, $work:ident, $iwork:ident, $info:ident) => {
        // SAFETY: forwarded contract of `TridiagLapack::gtcon` (the complex routine has no
        // IWORK); 1 is the CHARACTER length.
        unsafe { $gtcon(&$norm, &$n, $dl, $d, $du, $du2, $ipiv, &$anorm, $rcond, $work, &mut $info, 1) }
    };
    ($t:ty, $gttrf:ident, $gttrs:ident, $gtcon:ident, $kind:ident) => {
        impl TridiagLapack for $t {
            unsafe fn gttrf(n: BlasInt, dl: *mut Self, d: *mut Self, du: *mut Self, du2: *mut Self, ipiv: *mut BlasInt) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `TridiagLapack::gttrf`.
                unsafe { $gttrf(&n, dl, d, du, du2, ipiv, &mut info) };
                info
            }
            unsafe fn gttrs(
                trans: c_char, n: BlasInt, nrhs: BlasInt, dl: *const Self, d: *const Self, du: *const Self,
                du2: *const Self, ipiv: *const BlasInt, b: *mut Self, ldb: BlasInt,
            ) -> BlasInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `TridiagLapack::gttrs`; 1 is the CHARACTER length.
                unsafe { $gttrs(&trans, &n, &nrhs, dl, d, du, du2, ipiv, b, &ldb, &mut info, 1) };
                info
            }
            #[allow(unused_variables)]
            unsafe fn gtcon(
                n: BlasInt, dl: *const Self, d: *const Self, du: *const Self, du2: *const Self,
                ipiv: *const BlasInt, anorm: Self::Real, rcond: &mut Self::Real, work: *mut Self,
                iwork: *mut BlasInt,
            ) -> BlasInt {
                let mut info = 0;
                let norm = b'1' as c_char;
                impl_gt!(@con $kind, $gtcon, norm, n, dl, d, du, du2, ipiv, anorm, rcond, work, iwork, info);
                info
            }
        }
    };
}
impl_gt!(f32, sgttrf_, sgttrs_, sgtcon_, real);
impl_gt!(f64, dgttrf_, dgttrs_, dgtcon_, real);
impl_gt!(Complex<f32>, cgttrf_, cgttrs_, cgtcon_, complex);
impl_gt!(Complex<f64>, zgttrf_, zgttrs_, zgtcon_, complex);

// ----------------------------------------------------------------------------- safe wrappers

/// The LU factors of a tridiagonal matrix in ?gttrf's compact form.
#[derive(Clone, Debug)]
pub(crate) struct Gttrf<T> {
    /// Multipliers of L (`n − 1`; one slot allocated when `n ≤ 1`).
    pub dl: Vec<T>,
    /// Diagonal of U (`n`).
    pub d: Vec<T>,
    /// First superdiagonal of U (`n − 1`; one slot allocated when `n ≤ 1`).
    pub du: Vec<T>,
    /// Second superdiagonal of U (`n − 2`; one slot allocated when `n ≤ 2`).
    pub du2: Vec<T>,
    /// 1-based row interchanges.
    pub ipiv: Vec<BlasInt>,
    /// First exactly zero diagonal entry of U (1-based), if any.
    pub singular_at: Option<usize>,
}

impl<T> Gttrf<T> {
    pub fn n(&self) -> usize {
        self.d.len()
    }
}

/// Pads an off-diagonal to at least one element, so that its pointer is valid even when empty.
fn padded<T: Scalar>(v: &[T]) -> Vec<T> {
    let mut out = v.to_vec();
    if out.is_empty() {
        out.push(T::zero());
    }
    out
}

/// Factors the tridiagonal matrix with subdiagonal `dl`, diagonal `d` and superdiagonal `du`
/// (lengths n − 1, n, n − 1, checked by the caller, entries finite).
pub(crate) fn gttrf<T: Scalar>(dl: &[T], d: &[T], du: &[T]) -> Result<Gttrf<T>> {
    let n = d.len();
    assert!(
        dl.len() + 1 == n.max(1) && du.len() == dl.len(),
        "diagonal lengths"
    );
    let mut f = Gttrf {
        dl: padded(dl),
        d: d.to_vec(),
        du: padded(du),
        du2: vec![T::zero(); n.saturating_sub(2).max(1)],
        ipiv: vec![0; n],
        singular_at: None,
    };
    if n == 0 {
        return Ok(f);
    }
    let ni = lapack_int(n)?;
    assert!(f.dl.len() >= n - 1 && f.du.len() >= n - 1 && f.du2.len() >= n.saturating_sub(2));
    // SAFETY: dl and du hold max(1, n − 1) elements, d and ipiv n, du2 max(1, n − 2) (asserted
    // and constructed above); all are distinct allocations.
    let info = unsafe {
        T::gttrf(
            ni,
            f.dl.as_mut_ptr(),
            f.d.as_mut_ptr(),
            f.du.as_mut_ptr(),
            f.du2.as_mut_ptr(),
            f.ipiv.as_mut_ptr(),
        )
    };
    let routine = rname!(T, "gttrf");
    check_illegal(routine, info)?;
    if !(super::all_finite(&f.dl)
        && super::all_finite(&f.d)
        && super::all_finite(&f.du)
        && super::all_finite(&f.du2))
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    if f.ipiv.iter().any(|&p| p < 1 || p > ni) {
        return Err(Error::NumericalBreakdown { routine });
    }
    f.singular_at = (info > 0).then_some(info as usize);
    Ok(f)
}

/// Solves `op(A)·X = B` in place with the factors of [`gttrf`]; `b` is F-order `n×nrhs`.
pub(crate) fn gttrs<T: Scalar>(f: &Gttrf<T>, trans: Trans, b: &mut Array2<T>) -> Result<()> {
    let n = f.n();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    let (ni, nrhsi, ldi) = (lapack_int(n)?, lapack_int(nrhs)?, lapack_int(n)?);
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, n);
    assert!(f.ipiv.len() == n && f.dl.len() >= n - 1 && f.du2.len() >= n.saturating_sub(2));
    // SAFETY: the factors come from `gttrf` of order n (lengths asserted), bb is n×nrhs with
    // ld n (asserted); b is a distinct allocation.
    let info = unsafe {
        T::gttrs(
            trans.as_char(),
            ni,
            nrhsi,
            f.dl.as_ptr(),
            f.d.as_ptr(),
            f.du.as_ptr(),
            f.du2.as_ptr(),
            f.ipiv.as_ptr(),
            bb.as_mut_ptr(),
            ldi,
        )
    };
    let routine = rname!(T, "gttrs");
    check_illegal(routine, info)?;
    // A nonsingular but nearly singular A can overflow the solution from finite input.
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate in the 1-norm from the factors and `‖A‖₁`.
pub(crate) fn gtcon<T: Scalar>(f: &Gttrf<T>, anorm: T::Real) -> Result<T::Real> {
    let n = f.n();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero || f.singular_at.is_some() {
        return Ok(zero);
    }
    let ni = lapack_int(n)?;
    let mut work = vec![T::zero(); 2 * n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    assert!(f.ipiv.len() == n && f.dl.len() >= n - 1 && f.du2.len() >= n.saturating_sub(2));
    // SAFETY: the factors come from `gttrf` of order n (lengths asserted), work has 2n and
    // iwork n elements, the documented sizes.
    let info = unsafe {
        T::gtcon(
            ni,
            f.dl.as_ptr(),
            f.d.as_ptr(),
            f.du.as_ptr(),
            f.du2.as_ptr(),
            f.ipiv.as_ptr(),
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "gtcon"), info)?;
    Ok(super::rcond_or_zero(rcond))
}
