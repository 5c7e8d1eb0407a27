//! Singular value decomposition: ?gesdd (divide and conquer) with ?gesvd (QR iteration) as the
//! fallback when ?gesdd does not converge.

use std::os::raw::c_char;

use ndarray::{Array1, Array2, ShapeBuilder};

use super::buffer::{check_dims, col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, size_i64, LapackScalar};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// Raw SVD routines. The real routines ignore `rwork`.
    pub trait SvdLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements (`lda ≥ max(1, m)`), `s` holds `min(m, n)`, `u`/`vt` hold
    /// `ldu·ucols` / `ldvt·n` elements as ?gesdd documents for `jobz`, `work` holds
    /// `max(1, lwork)` (or `lwork = -1`), `rwork` the documented LRWORK (complex only) and
    /// `iwork` `8·min(m, n)`.
    // SUBROUTINE DGESDD( JOBZ, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK, IWORK, INFO )
    // SUBROUTINE ZGESDD( JOBZ, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK, RWORK,
    //                    IWORK, INFO )
    fn gesdd(
        jobz: char, m: int, n: int, a: *mut T, lda: int, s: *mut R, u: *mut T, ldu: int,
        vt: *mut T, ldvt: int, work: *mut T, lwork: int, #[complex] rwork: *mut R,
        iwork: *mut int,
    );
    /// # Safety
    /// As `gesdd` for `a`, `s`, `u`, `vt` and `work`; `rwork` holds `5·min(m, n)` reals
    /// (complex only).
    // SUBROUTINE DGESVD( JOBU, JOBVT, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK, INFO )
    // SUBROUTINE ZGESVD( JOBU, JOBVT, M, N, A, LDA, S, U, LDU, VT, LDVT, WORK, LWORK,
    //                    RWORK, INFO )
    fn gesvd(
        jobu: char, jobvt: char, m: int, n: int, a: *mut T, lda: int, s: *mut R, u: *mut T,
        ldu: int, vt: *mut T, ldvt: int, work: *mut T, lwork: int, #[complex] rwork: *mut R,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SvdJob {
    /// Singular values only (JOBZ = 'N').
    Values,
    /// Thin: `U` is `m×k`, `Vᴴ` is `k×n`, `k = min(m, n)` (JOBZ = 'S').
    Thin,
    /// Full: `U` is `m×m`, `Vᴴ` is `n×n` (JOBZ = 'A').
    Full,
}

impl SvdJob {
    fn as_char(self) -> c_char {
        (match self {
            SvdJob::Values => b'N',
            SvdJob::Thin => b'S',
            SvdJob::Full => b'A',
        }) as c_char
    }
    /// Shapes of `U` and `Vᴴ` (0×0 when not computed).
    fn shapes(self, m: usize, n: usize) -> ((usize, usize), (usize, usize)) {
        let k = m.min(n);
        match self {
            SvdJob::Values => ((0, 0), (0, 0)),
            SvdJob::Thin => ((m, k), (k, n)),
            SvdJob::Full => ((m, m), (n, n)),
        }
    }
}

/// Output of [`gesdd`]: `U` and `Vᴴ` are 0×0 for [`SvdJob::Values`].
pub(crate) struct SvdOut<T: Scalar> {
    pub u: Array2<T>,
    pub s: Array1<T::Real>,
    pub vt: Array2<T>,
}

/// `n×n` identity (F-order).
fn eye_f<T: Scalar>(n: usize) -> Array2<T> {
    let mut e = Array2::<T>::zeros((n, n).f());
    for i in 0..n {
        e[(i, i)] = T::one();
    }
    e
}

/// Documented minimum LWORK of ?gesdd (the larger of the current and older formulas), in i64.
fn gesdd_min_lwork<T: Scalar>(job: SvdJob, m: i64, n: i64) -> i64 {
    let (mn, mx) = (m.min(n), m.max(n));
    if T::IS_COMPLEX {
        match job {
            SvdJob::Values => 2 * mn + mx,
            SvdJob::Thin => (mn * mn + 3 * mn).max(mn * mn + 2 * mn + mx),
            SvdJob::Full => mn * mn + 2 * mn + mx,
        }
    } else {
        match job {
            SvdJob::Values => 3 * mn + mx.max(7 * mn),
            SvdJob::Thin => (4 * mn * mn + 7 * mn).max(3 * mn + mx.max(4 * mn * mn + 4 * mn)),
            SvdJob::Full => (4 * mn * mn + 6 * mn + mx).max(3 * mn + mx.max(4 * mn * mn + 4 * mn)),
        }
    }
}

/// LRWORK of ?gesdd (complex): `7·mn` for JOBZ = 'N' (LAPACK ≤ 3.6 needs 7mn, the current doc
/// 5mn), otherwise `mn·max(5mn + 7, 2mx + 2mn + 1)`, which covers the current documentation's
/// `max(5mn² + 5mn, 2mx·mn + 2mn² + mn)` (LAPACK 3.2.2 bug 0046, scipy PR #2610).
fn gesdd_lrwork(job: SvdJob, m: i64, n: i64) -> i64 {
    let (mn, mx) = (m.min(n), m.max(n));
    match job {
        SvdJob::Values => 7 * mn,
        _ => mn * (5 * mn + 7).max(2 * mx + 2 * mn + 1),
    }
}

/// Post-checks: every output finite, σ ≥ 0 and non-increasing.
fn check_outputs<T: Scalar>(out: &SvdOut<T>, routine: &'static str) -> Result<()> {
    let zero = T::Real::from_f64(0.0);
    let s = out.s.as_slice().expect("contiguous");
    let sorted = s.windows(2).all(|w| w[0] >= w[1]);
    if !super::all_finite(s)
        || s.iter().any(|&x| x < zero)
        || !sorted
        || !out.u.as_slice_memory_order().is_some_and(super::all_finite)
        || !out
            .vt
            .as_slice_memory_order()
            .is_some_and(super::all_finite)
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// SVD of the F-order `m×n` matrix `a` (consumed, its buffer reused) by ?gesdd alone: INFO > 0
/// is `Error::NoConvergence`, as in NumPy. No copy of A is kept for a ?gesvd retry, since that
/// copy would cost as much memory as the caller saved by handing the matrix over (at 4000²
/// f64, 128 MB). Empty shapes never reach LAPACK.
pub(crate) fn gesdd<T: Scalar>(a: Array2<T>, job: SvdJob) -> Result<SvdOut<T>> {
    gesdd_or_restore(a, job, || None)
}

/// ?gesdd, retried with ?gesvd on the input that `restore` rebuilds (e.g. copies again from a
/// borrowed view) if ?gesdd reports INFO > 0; `restore` runs only then, so no backup copy of A
/// is kept in the common case. `None` from `restore` means no retry (INFO > 0 is an error).
pub(crate) fn gesdd_or_restore<T: Scalar>(
    a: Array2<T>,
    job: SvdJob,
    restore: impl FnOnce() -> Option<Array2<T>>,
) -> Result<SvdOut<T>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let ((um, uc), (vr, vc)) = job.shapes(m, n);
    check_dims(um, uc)?;
    check_dims(vr, vc)?;
    if k == 0 {
        let (u, vt) = match job {
            SvdJob::Values => (Array2::zeros((0, 0).f()), Array2::zeros((0, 0).f())),
            SvdJob::Thin => (Array2::zeros((m, 0).f()), Array2::zeros((0, n).f())),
            SvdJob::Full => (eye_f(m), eye_f(n)),
        };
        return Ok(SvdOut {
            u,
            s: Array1::zeros(0),
            vt,
        });
    }
    match gesdd_raw(a, job)? {
        Ok(out) => Ok(out),
        Err(info) => match restore() {
            // No input to retry with: the caller kept none (see `gesdd`).
            None => Err(Error::NoConvergence {
                routine: rname!(T, "gesdd"),
                info,
            }),
            Some(r) => match gesvd_raw(r, job)? {
                Ok(out) => Ok(out),
                Err(info) => Err(Error::NoConvergence {
                    routine: rname!(T, "gesvd"),
                    info,
                }),
            },
        },
    }
}

/// One ?gesdd call on a nonempty matrix: `Ok(Err(info))` when INFO > 0.
fn gesdd_raw<T: Scalar>(
    mut a: Array2<T>,
    job: SvdJob,
) -> Result<std::result::Result<SvdOut<T>, BlasInt>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let ((um, uc), (vr, vc)) = job.shapes(m, n);
    let routine = rname!(T, "gesdd");
    let (mi, ni, lda) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let (ldu, ldvt) = (ld(um), ld(vr));
    let (ldui, ldvti) = (lapack_int(ldu)?, lapack_int(ldvt)?);
    let (m64, n64) = (m as i64, n as i64);
    let mut s = Array1::<T::Real>::zeros(k);
    let mut u = super::buffer::padded_zeros::<T>((um, uc));
    let mut vt = super::buffer::padded_zeros::<T>((vr, vc));
    // LAPACK never touches U / VT for JOBZ = 'N', but needs valid pointers.
    let mut dummy = [T::zero(); 1];
    let mut iwork = vec![0 as BlasInt; size_i64(8 * k as i64)?];
    let lrwork = if T::IS_COMPLEX {
        size_i64(gesdd_lrwork(job, m64, n64))?
    } else {
        1
    };
    let mut rwork = vec![T::Real::from_f64(0.0); lrwork];
    let abuf = col_major_slice_mut(&mut a);
    assert_buf(abuf, m, n, ld(m));
    let sbuf = s.as_slice_mut().expect("contiguous");
    assert!(sbuf.len() >= k);
    assert!(iwork.len() >= 8 * k);
    let (uptr, vtptr) = if job == SvdJob::Values {
        (dummy.as_mut_ptr(), dummy.as_mut_ptr())
    } else {
        let ub = col_major_slice_mut(&mut u);
        assert_buf(ub, um, uc, ldu);
        let ub = ub.as_mut_ptr();
        let vb = col_major_slice_mut(&mut vt);
        assert_buf(vb, vr, vc, ldvt);
        (ub, vb.as_mut_ptr())
    };
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK only writes q[0]; every other buffer is sized
    // as for the real call (asserted above).
    let info = unsafe {
        T::gesdd(
            job.as_char(),
            mi,
            ni,
            abuf.as_mut_ptr(),
            lda,
            sbuf.as_mut_ptr(),
            uptr,
            ldui,
            vtptr,
            ldvti,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    let lw = lwork(q[0], gesdd_min_lwork::<T>(job, m64, n64))?;
    // The spare elements past lw: see `layout::tail_pad`.
    let mut work = vec![T::zero(); lw + super::buffer::tail_pad::<T>(m.max(n))];
    // SAFETY: a is m×n with ld max(1, m), s has min(m, n) entries, U/VT are ldu×uc / ldvt×vc
    // with the leading dimensions ?gesdd requires for this JOBZ (or a 1-element dummy for 'N'),
    // work has lw ≥ the documented minimum, rwork the documented LRWORK, iwork 8·min(m, n)
    // (all asserted or sized above); no buffers alias.
    let info = unsafe {
        T::gesdd(
            job.as_char(),
            mi,
            ni,
            abuf.as_mut_ptr(),
            lda,
            sbuf.as_mut_ptr(),
            uptr,
            ldui,
            vtptr,
            ldvti,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Ok(Err(info));
    }
    let out = SvdOut { u, s, vt };
    check_outputs(&out, routine)?;
    Ok(Ok(out))
}

/// One ?gesvd call on a nonempty matrix: `Ok(Err(info))` when INFO > 0.
fn gesvd_raw<T: Scalar>(
    mut a: Array2<T>,
    job: SvdJob,
) -> Result<std::result::Result<SvdOut<T>, BlasInt>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let ((um, uc), (vr, vc)) = job.shapes(m, n);
    let routine = rname!(T, "gesvd");
    let (mi, ni, lda) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let (ldu, ldvt) = (ld(um), ld(vr));
    let (ldui, ldvti) = (lapack_int(ldu)?, lapack_int(ldvt)?);
    let (m64, n64) = (m as i64, n as i64);
    let (mn, mx) = (m64.min(n64), m64.max(n64));
    let min_lwork = if T::IS_COMPLEX {
        2 * mn + mx
    } else {
        (3 * mn + mx).max(5 * mn)
    };
    let mut s = Array1::<T::Real>::zeros(k);
    let mut u = super::buffer::padded_zeros::<T>((um, uc));
    let mut vt = super::buffer::padded_zeros::<T>((vr, vc));
    let mut dummy = [T::zero(); 1];
    let mut rwork = vec![T::Real::from_f64(0.0); size_i64(5 * mn)?];
    let abuf = col_major_slice_mut(&mut a);
    assert_buf(abuf, m, n, ld(m));
    let sbuf = s.as_slice_mut().expect("contiguous");
    assert!(sbuf.len() >= k);
    let (uptr, vtptr) = if job == SvdJob::Values {
        (dummy.as_mut_ptr(), dummy.as_mut_ptr())
    } else {
        let ub = col_major_slice_mut(&mut u);
        assert_buf(ub, um, uc, ldu);
        let ub = ub.as_mut_ptr();
        let vb = col_major_slice_mut(&mut vt);
        assert_buf(vb, vr, vc, ldvt);
        (ub, vb.as_mut_ptr())
    };
    // JOBU = JOBVT = 'N' / 'S' / 'A' match ?gesdd's JOBZ.
    let jc = job.as_char();
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK only writes q[0].
    let info = unsafe {
        T::gesvd(
            jc,
            jc,
            mi,
            ni,
            abuf.as_mut_ptr(),
            lda,
            sbuf.as_mut_ptr(),
            uptr,
            ldui,
            vtptr,
            ldvti,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    let lw = lwork(q[0], min_lwork)?;
    // The spare elements past lw: see `layout::tail_pad`.
    let mut work = vec![T::zero(); lw + super::buffer::tail_pad::<T>(m.max(n))];
    // SAFETY: a is m×n with ld max(1, m), s has min(m, n) entries, U/VT are sized for
    // JOBU = JOBVT = job with the required leading dimensions (or a dummy for 'N'), work has
    // lw ≥ the documented minimum, rwork 5·min(m, n) (all asserted or sized above).
    let info = unsafe {
        T::gesvd(
            jc,
            jc,
            mi,
            ni,
            abuf.as_mut_ptr(),
            lda,
            sbuf.as_mut_ptr(),
            uptr,
            ldui,
            vtptr,
            ldvti,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Ok(Err(info));
    }
    let out = SvdOut { u, s, vt };
    check_outputs(&out, routine)?;
    Ok(Ok(out))
}

/// ?gesvd directly (no ?gesdd first): for tests that compare the two algorithms.
#[cfg(test)]
pub(crate) fn gesvd<T: Scalar>(a: Array2<T>, job: SvdJob) -> Result<SvdOut<T>> {
    let (m, n) = a.dim();
    if m.min(n) == 0 {
        return gesdd(a, job);
    }
    gesvd_raw(a, job)?.map_err(|info| Error::NoConvergence {
        routine: rname!(T, "gesvd"),
        info,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gesvd_and_gesdd_agree_on_values() {
        let a = Array2::from_shape_fn((7, 5).f(), |(i, j)| ((i * 5 + j) as f64).sin());
        let dd = gesdd(a.clone(), SvdJob::Values).unwrap().s;
        let qr = gesvd(a.clone(), SvdJob::Thin).unwrap();
        assert_eq!(qr.u.dim(), (7, 5));
        let tol = 50.0 * 5.0 * f64::EPSILON * dd[0];
        assert!(dd
            .iter()
            .zip(qr.s.iter())
            .all(|(x, y)| (x - y).abs() <= tol));
        let full = gesvd(a, SvdJob::Full).unwrap();
        assert_eq!((full.u.dim(), full.vt.dim()), ((7, 7), (5, 5)));
    }

    #[test]
    fn documented_minimum_workspaces() {
        // dgesdd JOBZ = 'S' at 23 171: 4mn² + 7mn exceeds i32::MAX (the query wraps).
        let m = 23_171i64;
        assert_eq!(
            gesdd_min_lwork::<f64>(SvdJob::Thin, m, m),
            4 * m * m + 7 * m
        );
        let fits = lwork(1.0f64, gesdd_min_lwork::<f64>(SvdJob::Thin, m, m)).is_ok();
        assert_eq!(fits, std::mem::size_of::<BlasInt>() == 8); // only ILP64 takes it
        assert_eq!(gesdd_lrwork(SvdJob::Values, 10, 4), 28);
        assert_eq!(gesdd_lrwork(SvdJob::Thin, 10, 4), 4 * 29);
    }
}
