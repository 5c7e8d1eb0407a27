//! General (nonsymmetric) eigenproblem: ?geev.

use std::os::raw::c_char;

use ndarray::Array2;
use num_complex::Complex;

use super::buffer::{col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::schur::eigenvalues_from;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// Raw ?geev with one signature for the real and complex variants: the real routine uses
    /// `wr`/`wi` and ignores `w`/`rwork`, the complex one uses `w` and `rwork` and ignores
    /// `wr`/`wi`.
    pub trait EigLapack: LapackScalar + EigxLapack;

    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, n)`; `wr`, `wi`, `w` hold `n` elements each
    /// (the unused ones at least 1); `vl` holds `ldvl·n` elements with `ldvl ≥ n` when
    /// `jobvl = 'V'` (else `ldvl ≥ 1` and one element), likewise `vr`; `rwork` holds `2n` reals;
    /// `work` holds `max(1, lwork)` elements (or lwork = -1 for a query).
    // SUBROUTINE DGEEV( JOBVL, JOBVR, N, A, LDA, WR, WI, VL, LDVL, VR, LDVR, WORK,
    //                   LWORK, INFO )
    // SUBROUTINE ZGEEV( JOBVL, JOBVR, N, A, LDA, W, VL, LDVL, VR, LDVR, WORK, LWORK,
    //                   RWORK, INFO )
    fn geev(
        jobvl: char, jobvr: char, n: int, a: *mut T, lda: int, #[real] wr: *mut R,
        #[real] wi: *mut R, #[complex] w: *mut T, vl: *mut T, ldvl: int, vr: *mut T, ldvr: int,
        work: *mut T, lwork: int, #[complex] rwork: *mut R,
    );
}

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
    let vecs = |want: bool| want.then(|| super::buffer::padded_zeros::<T>((n, n)));
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
    let mut work = super::buffer::padded_vec::<T>(lw, n);
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

// ------------------------------------------------------------------------------------ ?geevx

lapack_family! {
    /// Raw ?geevx with one signature for the real and complex variants (as [`EigLapack::geev`]:
    /// the real routine uses `wr`/`wi`/`iwork`, the complex one `w`/`rwork`).
    /// (A supertrait of [`EigLapack`], so every [`Scalar`] has it.)
    pub trait EigxLapack: LapackScalar;

    /// # Safety
    /// As [`EigLapack::geev`], plus: `scale`, `rconde`, `rcondv` hold `n` reals each, `ilo`,
    /// `ihi`, `abnrm` point to one value each, `iwork` holds `max(1, 2n − 2)` integers and
    /// `rwork` `max(1, 2n)` reals; `sense ∈ {'E', 'B'}` requires `jobvl = jobvr = 'V'`.
    // SUBROUTINE DGEEVX( BALANC, JOBVL, JOBVR, SENSE, N, A, LDA, WR, WI, VL, LDVL, VR,
    //                    LDVR, ILO, IHI, SCALE, ABNRM, RCONDE, RCONDV, WORK, LWORK,
    //                    IWORK, INFO )
    // SUBROUTINE ZGEEVX( BALANC, JOBVL, JOBVR, SENSE, N, A, LDA, W, VL, LDVL, VR, LDVR,
    //                    ILO, IHI, SCALE, ABNRM, RCONDE, RCONDV, WORK, LWORK, RWORK,
    //                    INFO )
    fn geevx(
        balanc: char, jobvl: char, jobvr: char, sense: char, n: int, a: *mut T, lda: int,
        #[real] wr: *mut R, #[real] wi: *mut R, #[complex] w: *mut T, vl: *mut T, ldvl: int,
        vr: *mut T, ldvr: int, ilo: *mut int, ihi: *mut int, scale: *mut R, abnrm: *mut R,
        rconde: *mut R, rcondv: *mut R, work: *mut T, lwork: int, #[real] iwork: *mut int,
        #[complex] rwork: *mut R,
    );
}

/// BALANC of ?geevx (?gebal's JOB): no balancing, permutation only, diagonal scaling only, or
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Balanc {
    None,
    Permute,
    Scale,
    Both,
}

impl Balanc {
    fn as_char(self) -> c_char {
        (match self {
            Balanc::None => b'N',
            Balanc::Permute => b'P',
            Balanc::Scale => b'S',
            Balanc::Both => b'B',
        }) as c_char
    }
}

/// SENSE of ?geevx: which reciprocal condition numbers are computed (eigenvalues `E`, right
/// eigenvectors `V`, both `B`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code)] // `Vectors` and `Both` are reachable through this wrapper only.
pub(crate) enum Sense {
    None,
    Values,
    Vectors,
    Both,
}

impl Sense {
    fn as_char(self) -> c_char {
        (match self {
            Sense::None => b'N',
            Sense::Values => b'E',
            Sense::Vectors => b'V',
            Sense::Both => b'B',
        }) as c_char
    }
}

/// Outcome of ?geevx: [`Geev`]'s fields plus the balancing (`ilo`, `ihi` 1-based as LAPACK,
/// `scale`: ?gebal's SCALE, permutation indices outside `ilo..=ihi` and the diagonal scaling
/// inside), the 1-norm of the balanced matrix, and the reciprocal condition numbers asked for.
pub(crate) struct Geevx<T: Scalar> {
    pub values: Vec<Complex<T::Real>>,
    pub left: Option<Array2<T>>,
    pub right: Option<Array2<T>>,
    pub ilo: usize,
    pub ihi: usize,
    pub scale: Vec<T::Real>,
    pub abnrm: T::Real,
    pub rconde: Option<Vec<T::Real>>,
    #[allow(dead_code)] // Read by the unit tests only; no public accessor yet.
    pub rcondv: Option<Vec<T::Real>>,
}

/// ?geevx on the F-order square `a` (overwritten by the balanced Schur form or garbage).
/// `Sense::Values` and `Sense::Both` need both eigenvector sets (LAPACK's rule): asking for them
/// with `left` or `right` false is a programming error reported as `IllegalArgument` (arg 4)
/// before LAPACK is called. INFO > 0 is `NoConvergence`.
pub(crate) fn geevx<T: Scalar>(
    a: &mut Array2<T>,
    balanc: Balanc,
    left: bool,
    right: bool,
    sense: Sense,
) -> Result<Geevx<T>> {
    let n = a.nrows();
    assert_eq!(a.ncols(), n);
    let routine = rname!(T, "geevx");
    if matches!(sense, Sense::Values | Sense::Both) && !(left && right) {
        return Err(Error::IllegalArgument {
            routine: routine.to_string(),
            arg: 4,
        });
    }
    let zero = T::Real::from_f64(0.0);
    let vecs = |want: bool| want.then(|| super::buffer::padded_zeros::<T>((n, n)));
    let want_e = matches!(sense, Sense::Values | Sense::Both);
    let want_v = matches!(sense, Sense::Vectors | Sense::Both);
    if n == 0 {
        return Ok(Geevx {
            values: Vec::new(),
            left: vecs(left),
            right: vecs(right),
            ilo: 1,
            ihi: 0,
            scale: Vec::new(),
            abnrm: zero,
            rconde: want_e.then(Vec::new),
            rcondv: want_v.then(Vec::new),
        });
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let nw = if T::IS_COMPLEX { 1 } else { n };
    let mut wr = vec![zero; nw];
    let mut wi = vec![zero; nw];
    let mut w = vec![T::zero(); if T::IS_COMPLEX { n } else { 1 }];
    let mut rwork = vec![zero; 2 * n];
    let mut iwork = vec![0 as BlasInt; (2 * n).saturating_sub(2).max(1)];
    let mut scale = vec![zero; n];
    let mut rconde = vec![zero; n];
    let mut rcondv = vec![zero; n];
    let (mut ilo, mut ihi, mut abnrm) = (0 as BlasInt, 0 as BlasInt, zero);
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
    let (bal, sen) = (balanc.as_char(), sense.as_char());
    let buf = col_major_slice_mut(a);
    assert_buf(buf, n, n, ld(n));
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only; every
    // other buffer has its documented size anyway (buf n×n asserted; vl/vr n×n when wanted,
    // else one element with ld 1; wr, wi, w, scale, rconde, rcondv n; iwork max(1, 2n−2);
    // rwork 2n); SENSE 'E'/'B' only with both vector sets (checked above).
    let info = unsafe {
        T::geevx(
            bal,
            jobvl,
            jobvr,
            sen,
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
            &mut ilo,
            &mut ihi,
            scale.as_mut_ptr(),
            &mut abnrm,
            rconde.as_mut_ptr(),
            rcondv.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
            iwork.as_mut_ptr(),
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum (computed in i64): real LWORK ≥ max(1, 2N), ≥ 3N with eigenvectors,
    // ≥ N·(N+6) for SENSE 'V'/'B'; complex ≥ max(1, 2N), ≥ N²+2N for SENSE 'V'/'B'.
    let n64 = n as i64;
    let min = if T::IS_COMPLEX {
        if want_v {
            n64 * n64 + 2 * n64
        } else {
            2 * n64
        }
    } else {
        let base = if left || right { 3 * n64 } else { 2 * n64 };
        if want_v {
            base.max(n64 * (n64 + 6))
        } else {
            base
        }
    };
    let lw = lwork(q[0], min)?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    // SAFETY: as for the query, with work holding lw ≥ the documented minimum elements. No two
    // buffers alias; ilo, ihi, abnrm are distinct locals.
    let info = unsafe {
        T::geevx(
            bal,
            jobvl,
            jobvr,
            sen,
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
            &mut ilo,
            &mut ihi,
            scale.as_mut_ptr(),
            &mut abnrm,
            rconde.as_mut_ptr(),
            rcondv.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
            iwork.as_mut_ptr(),
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
        && vr.as_ref().is_none_or(|v| v.iter().all(|x| x.is_finite()))
        && abnrm.is_finite()
        && scale.iter().all(|s| s.is_finite())
        && (!want_e || rconde.iter().all(|s| s.is_finite()))
        && (!want_v || rcondv.iter().all(|s| s.is_finite()));
    // ILO, IHI are 1-based with 1 ≤ ILO ≤ IHI + 1 ≤ N + 1 (documented; IHI = ILO − 1 when
    // everything was permuted to triangular form).
    let (ilo, ihi) = (ilo as i64, ihi as i64);
    let bounds_ok = ilo >= 1 && ihi >= ilo - 1 && ihi <= n64;
    if !finite || !bounds_ok {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Geevx {
        values,
        left: vl,
        right: vr,
        ilo: ilo as usize,
        ihi: ihi as usize,
        scale,
        abnrm,
        rconde: want_e.then_some(rconde),
        rcondv: want_v.then_some(rcondv),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn geevx_sense_both_on_a_diagonal_matrix() {
        // Normal with eigenvalues 1, 2, 4: every s = 1 and sep(λⱼ) = distance to the others.
        let mut a = array![[1.0f64, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 4.0]];
        a = a.reversed_axes().to_owned(); // F order, same (symmetric) matrix
        let g = geevx(&mut a, Balanc::Both, true, true, Sense::Both).unwrap();
        let e = g.rconde.unwrap();
        let v = g.rcondv.unwrap();
        for (j, l) in g.values.iter().enumerate() {
            let want = [1.0f64, 2.0, 4.0]
                .iter()
                .filter(|&&m| m != l.re)
                .map(|m| (m - l.re).abs())
                .fold(f64::INFINITY, f64::min);
            assert!((e[j] - 1.0).abs() < 4.0 * f64::EPSILON, "{e:?}");
            assert!((v[j] - want).abs() < 4.0 * f64::EPSILON * want, "{v:?}");
        }
        // exact: balancing isolates every eigenvalue of a diagonal matrix, so the
        // balanced matrix is the input and its 1-norm a maximum of entries
        assert_eq!(g.abnrm, 4.0);
    }

    #[test]
    fn geevx_sense_e_needs_both_vector_sets() {
        let mut a = Array2::<f64>::eye(2).reversed_axes().to_owned();
        assert!(matches!(
            geevx(&mut a, Balanc::None, false, true, Sense::Values),
            Err(Error::IllegalArgument { arg: 4, .. })
        ));
    }
}
