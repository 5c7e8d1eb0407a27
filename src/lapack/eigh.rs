//! Symmetric / Hermitian eigenproblem: ?syevd/?heevd (all eigenpairs, divide and conquer) and
//! ?syevr/?heevr (a subset by index or value, MRRR).

use std::os::raw::c_char;

use ndarray::{Array1, Array2, ShapeBuilder};

use super::buffer::{col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, size_i64, LapackScalar, Uplo};
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

lapack_family! {
    /// Raw symmetric/Hermitian eigen routines. The real routines ignore `rwork`/`lrwork`.
    pub trait EighLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements (`lda ≥ max(1, n)`), `w` holds `n`, `work`/`rwork`/`iwork`
    /// hold `max(1, lwork)` / `max(1, lrwork)` / `max(1, liwork)` elements (or any of the
    /// lengths is -1 for a query).
    // SUBROUTINE DSYEVD( JOBZ, UPLO, N, A, LDA, W, WORK, LWORK, IWORK, LIWORK, INFO )
    // SUBROUTINE ZHEEVD( JOBZ, UPLO, N, A, LDA, W, WORK, LWORK, RWORK, LRWORK, IWORK,
    //                    LIWORK, INFO )
    fn syevd = [syevd, heevd](
        jobz: char, uplo: char, n: int, a: *mut T, lda: int, w: *mut R, work: *mut T,
        lwork: int, #[complex] rwork: *mut R, #[complex] lrwork: int, iwork: *mut int,
        liwork: int,
    );
    /// # Safety
    /// `a` as syevd; `w` holds `n`, `z` holds `ldz·n` (`ldz ≥ max(1, n)`), `isuppz`
    /// `2·max(1, n)`, workspaces as syevd.
    // SUBROUTINE DSYEVR( JOBZ, RANGE, UPLO, N, A, LDA, VL, VU, IL, IU, ABSTOL, M, W, Z,
    //                    LDZ, ISUPPZ, WORK, LWORK, IWORK, LIWORK, INFO )
    // SUBROUTINE ZHEEVR( JOBZ, RANGE, UPLO, N, A, LDA, VL, VU, IL, IU, ABSTOL, M, W, Z,
    //                    LDZ, ISUPPZ, WORK, LWORK, RWORK, LRWORK, IWORK, LIWORK, INFO )
    fn syevr = [syevr, heevr](
        jobz: char, range: char, uplo: char, n: int, a: *mut T, lda: int, vl: real, vu: real,
        il: int, iu: int, abstol: real = 0.0, m: &mut int, w: *mut R, z: *mut T, ldz: int,
        isuppz: *mut int, work: *mut T, lwork: int, #[complex] rwork: *mut R,
        #[complex] lrwork: int, iwork: *mut int, liwork: int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

fn jobz(vectors: bool) -> c_char {
    (if vectors { b'V' } else { b'N' }) as c_char
}

/// Post-check: finite and ascending.
fn check_values<R: RealScalar>(w: &[R], routine: &'static str) -> Result<()> {
    if !super::all_finite(w) || !w.windows(2).all(|p| p[0] <= p[1]) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// All eigenvalues (ascending) of the Hermitian matrix stored in triangle `uplo` of the F-order
/// `a`; with `vectors`, `a` is overwritten by the orthonormal eigenvectors (columns).
pub(crate) fn syevd<T: Scalar>(
    a: &mut Array2<T>,
    uplo: Uplo,
    vectors: bool,
) -> Result<Array1<T::Real>> {
    let n = a.nrows();
    if n == 0 {
        return Ok(Array1::zeros(0));
    }
    let routine = rname!(T, "syevd", "heevd");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let n64 = n as i64;
    // Documented minima (n > 1; n = 1 needs 1 everywhere, which these exceed).
    let (min_lwork, min_lrwork, min_liwork) = match (T::IS_COMPLEX, vectors) {
        (false, false) => (2 * n64 + 1, 1, 1),
        (false, true) => (1 + 6 * n64 + 2 * n64 * n64, 1, 3 + 5 * n64),
        (true, false) => (n64 + 1, n64, 1),
        (true, true) => (
            2 * n64 + n64 * n64,
            1 + 5 * n64 + 2 * n64 * n64,
            3 + 5 * n64,
        ),
    };
    let mut w = Array1::<T::Real>::zeros(n);
    let abuf = col_major_slice_mut(a);
    assert_buf(abuf, n, n, ld(n));
    let wbuf = w.as_slice_mut().expect("contiguous");
    assert!(wbuf.len() >= n);
    let (mut q, mut qr, mut qi) = ([T::zero()], [T::Real::from_f64(0.0)], [0 as BlasInt]);
    // SAFETY: workspace query (all lengths -1): LAPACK only writes q[0], qr[0], qi[0].
    let info = unsafe {
        T::syevd(
            jobz(vectors),
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            wbuf.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
            qr.as_mut_ptr(),
            -1,
            qi.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // LWORK, LRWORK and LIWORK are all max(query, documented minimum).
    let lw = lwork(q[0], min_lwork)?;
    let lrw = if T::IS_COMPLEX {
        lwork(qr[0], min_lrwork)?
    } else {
        1
    };
    let liw = size_i64((qi[0] as i64).max(min_liwork))?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    let mut rwork = vec![T::Real::from_f64(0.0); lrw];
    let mut iwork = vec![0 as BlasInt; liw];
    // SAFETY: a is n×n with ld max(1, n) (asserted), w has n entries, work/rwork/iwork have
    // lw/lrw/liw elements, each ≥ the documented minimum; no buffers alias.
    let info = unsafe {
        T::syevd(
            jobz(vectors),
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            wbuf.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            lapack_int(lrw)?,
            iwork.as_mut_ptr(),
            lapack_int(liw)?,
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NoConvergence { routine, info });
    }
    check_values(wbuf, routine)?;
    if vectors && !super::all_finite(abuf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(w)
}

/// Which eigenvalues ?syevr computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum EigRange<R> {
    /// The `lo`-th through `hi`-th smallest (0-based, inclusive, `lo ≤ hi < n`).
    Index(usize, usize),
    /// Those in the half-open interval `(vl, vu]`, `vl < vu`.
    Value(R, R),
}

/// Selected eigenvalues (ascending) and, with `vectors`, eigenvectors (`n×count`) of the
/// Hermitian matrix in triangle `uplo` of the F-order `a` (destroyed). The caller validates the
/// range.
pub(crate) fn syevr<T: Scalar>(
    mut a: Array2<T>,
    uplo: Uplo,
    range: EigRange<T::Real>,
    vectors: bool,
) -> Result<(Array1<T::Real>, Array2<T>)> {
    let n = a.nrows();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok((Array1::zeros(0), Array2::zeros((0, 0).f())));
    }
    let routine = rname!(T, "syevr", "heevr");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let n64 = n as i64;
    let (rc, vl, vu, il, iu) = match range {
        EigRange::Index(lo, hi) => {
            assert!(lo <= hi && hi < n, "validated by the caller");
            (b'I', zero, zero, lapack_int(lo + 1)?, lapack_int(hi + 1)?)
        }
        EigRange::Value(vl, vu) => {
            assert!(vl < vu, "validated by the caller");
            (b'V', vl, vu, 0, 0)
        }
    };
    let rc = rc as c_char;
    // Documented minima.
    let (min_lwork, min_lrwork, min_liwork) = if T::IS_COMPLEX {
        (2 * n64, 24 * n64, 10 * n64)
    } else {
        (26 * n64, 1, 10 * n64)
    };
    let mut w = Array1::<T::Real>::zeros(n);
    // Z has room for all n eigenvectors: the count of a value range is not known in advance.
    let zcols = if vectors { n } else { 0 };
    let mut z = super::buffer::padded_zeros::<T>((n, zcols));
    let mut dummy = [T::zero(); 1];
    let mut isuppz = vec![0 as BlasInt; size_i64(2 * n64)?];
    let abuf = col_major_slice_mut(&mut a);
    assert_buf(abuf, n, n, ld(n));
    let wbuf = w.as_slice_mut().expect("contiguous");
    assert!(wbuf.len() >= n);
    assert!(isuppz.len() >= 2 * n);
    let zptr = if vectors {
        let zb = col_major_slice_mut(&mut z);
        assert_buf(zb, n, n, ld(n));
        zb.as_mut_ptr()
    } else {
        dummy.as_mut_ptr()
    };
    let ldz = if vectors { ldi } else { 1 };
    let mut found = 0 as BlasInt;
    let (mut q, mut qr, mut qi) = ([T::zero()], [zero], [0 as BlasInt]);
    // SAFETY: workspace query (all lengths -1): LAPACK only writes q[0], qr[0], qi[0].
    let info = unsafe {
        T::syevr(
            jobz(vectors),
            rc,
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            vl,
            vu,
            il,
            iu,
            &mut found,
            wbuf.as_mut_ptr(),
            zptr,
            ldz,
            isuppz.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
            qr.as_mut_ptr(),
            -1,
            qi.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    let lw = lwork(q[0], min_lwork)?;
    let lrw = if T::IS_COMPLEX {
        lwork(qr[0], min_lrwork)?
    } else {
        1
    };
    let liw = size_i64((qi[0] as i64).max(min_liwork))?;
    let mut work = super::buffer::padded_vec::<T>(lw, n);
    let mut rwork = vec![zero; lrw];
    let mut iwork = vec![0 as BlasInt; liw];
    // SAFETY: a is n×n with ld max(1, n), w has n entries, Z is n×n with ld max(1, n) (or a
    // dummy with JOBZ = 'N'), isuppz has 2n entries, workspaces are ≥ the documented minima
    // (all asserted or sized above); no buffers alias.
    let info = unsafe {
        T::syevr(
            jobz(vectors),
            rc,
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            vl,
            vu,
            il,
            iu,
            &mut found,
            wbuf.as_mut_ptr(),
            zptr,
            ldz,
            isuppz.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            lapack_int(lrw)?,
            iwork.as_mut_ptr(),
            lapack_int(liw)?,
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NoConvergence { routine, info });
    }
    if found < 0 || found as usize > n {
        return Err(Error::NumericalBreakdown { routine });
    }
    let count = found as usize;
    check_values(&wbuf[..count], routine)?;
    let w = w.slice(ndarray::s![..count]).to_owned();
    let z = if vectors {
        let zk = z.slice(ndarray::s![.., ..count]);
        let mut out = Array2::<T>::zeros((n, count).f());
        out.assign(&zk);
        if !out.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        out
    } else {
        Array2::zeros((n, 0).f())
    };
    Ok((w, z))
}
