//! LU of a general tridiagonal matrix: ?gttrf ?gttrs ?gtcon.

use std::os::raw::c_char;

use ndarray::Array2;

use super::buffer::col_major_slice_mut;
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, rname, LapackScalar, Trans};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// Raw tridiagonal LU routines. Callers guarantee buffer sizes (see the safe wrappers below).
    pub trait TridiagLapack: LapackScalar;

    /// # Safety
    /// `dl` and `du` hold `n − 1` elements (at least 1 allocated), `d` and `ipiv` hold `n`,
    /// `du2` holds `n − 2` (at least 1 allocated).
    // SUBROUTINE xGTTRF( N, DL, D, DU, DU2, IPIV, INFO )
    fn gttrf(n: int, dl: *mut T, d: *mut T, du: *mut T, du2: *mut T, ipiv: *mut int);
    /// # Safety
    /// The factors as from `gttrf` of order `n`; `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    // SUBROUTINE xGTTRS( TRANS, N, NRHS, DL, D, DU, DU2, IPIV, B, LDB, INFO )
    fn gttrs(
        trans: char, n: int, nrhs: int, dl: *const T, d: *const T, du: *const T, du2: *const T,
        ipiv: *const int, b: *mut T, ldb: int,
    );
    /// # Safety
    /// The factors as from `gttrf` of order `n`; `work` holds `2n`, `iwork` `n` elements.
    // SUBROUTINE DGTCON( NORM, N, DL, D, DU, DU2, IPIV, ANORM, RCOND, WORK, IWORK, INFO )
    // SUBROUTINE ZGTCON( NORM, N, DL, D, DU, DU2, IPIV, ANORM, RCOND, WORK, INFO )  WORK(2N)
    fn gtcon(
        norm: char = b'1' as c_char, n: int, dl: *const T, d: *const T, du: *const T,
        du2: *const T, ipiv: *const int, anorm: real, rcond: &mut R, work: *mut T,
        #[real] iwork: *mut int,
    );
}

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
