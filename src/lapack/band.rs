//! Band and structured solvers: ?gbtrf ?gbtrs ?gbcon (general band LU), ?pbtrf ?pbtrs ?pbcon
//! (band Cholesky), ?pttrf ?pttrs ?ptcon (SPD tridiagonal `L·D·Lᴴ`), ?stev and ?stemr
//! (symmetric tridiagonal eigenproblems, real only).

use std::os::raw::c_char;

use ndarray::Array2;

use super::buffer::{col_major_slice, col_major_slice_mut};
use super::eigh::EigRange;
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, rname, LapackScalar, Trans, Uplo};
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

lapack_family! {
    /// Raw band and tridiagonal routines. Callers guarantee buffer sizes (see the safe wrappers).
    pub trait BandLapack: LapackScalar;

    /// # Safety
    /// `ab` holds `ldab·n` elements, `ldab ≥ 2kl + ku + 1`; `ipiv` holds `min(m, n)`.
    // SUBROUTINE xGBTRF( M, N, KL, KU, AB, LDAB, IPIV, INFO )
    fn gbtrf(m: int, n: int, kl: int, ku: int, ab: *mut T, ldab: int, ipiv: *mut int);
    /// # Safety
    /// The factors of `gbtrf` of order `n`; `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    // SUBROUTINE xGBTRS( TRANS, N, KL, KU, NRHS, AB, LDAB, IPIV, B, LDB, INFO )
    fn gbtrs(
        trans: char, n: int, kl: int, ku: int, nrhs: int, ab: *const T, ldab: int,
        ipiv: *const int, b: *mut T, ldb: int,
    );
    /// # Safety
    /// The factors of `gbtrf` of order `n`; `work` holds `3n`, `rwork` and `iwork` `n` each.
    // SUBROUTINE DGBCON( NORM, N, KL, KU, AB, LDAB, IPIV, ANORM, RCOND, WORK, IWORK, INFO )
    // WORK(3N), IWORK(N); ZGBCON: WORK(2N), RWORK(N) in place of IWORK
    fn gbcon(
        norm: char = b'1' as c_char, n: int, kl: int, ku: int, ab: *const T, ldab: int,
        ipiv: *const int, anorm: real, rcond: &mut R, work: *mut T, #[complex] rwork: *mut R,
        #[real] iwork: *mut int,
    );
    /// # Safety
    /// `ab` holds `ldab·n` elements, `ldab ≥ kd + 1`.
    // SUBROUTINE xPBTRF( UPLO, N, KD, AB, LDAB, INFO )
    fn pbtrf(uplo: char, n: int, kd: int, ab: *mut T, ldab: int);
    /// # Safety
    /// The factor of `pbtrf`; `b` holds `ldb·nrhs`, `ldb ≥ max(1, n)`.
    // SUBROUTINE xPBTRS( UPLO, N, KD, NRHS, AB, LDAB, B, LDB, INFO )
    fn pbtrs(
        uplo: char, n: int, kd: int, nrhs: int, ab: *const T, ldab: int, b: *mut T, ldb: int,
    );
    /// # Safety
    /// The factor of `pbtrf`; `work` holds `3n`, `rwork` and `iwork` `n` each.
    // SUBROUTINE DPBCON( UPLO, N, KD, AB, LDAB, ANORM, RCOND, WORK, IWORK, INFO )
    // WORK(3N), IWORK(N); ZPBCON: WORK(2N), RWORK(N) in place of IWORK
    fn pbcon(
        uplo: char, n: int, kd: int, ab: *const T, ldab: int, anorm: real, rcond: &mut R,
        work: *mut T, #[complex] rwork: *mut R, #[real] iwork: *mut int,
    );
    /// # Safety
    /// `d` holds `n`, `e` holds `n − 1` (at least 1 allocated).
    // SUBROUTINE xPTTRF( N, D, E, INFO )   D real, E of the element type
    fn pttrf(n: int, d: *mut R, e: *mut T);
    /// # Safety
    /// The factors of `pttrf` of order `n` (`e` the subdiagonal of `L`); `b` holds `ldb·nrhs`.
    // SUBROUTINE DPTTRS( N, NRHS, D, E, B, LDB, INFO )
    // SUBROUTINE ZPTTRS( UPLO, N, NRHS, D, E, B, LDB, INFO ): UPLO = 'L', as `e` is the
    // subdiagonal of L and A = L·D·Lᴴ, as ?pttrf returns it.
    fn pttrs(
        #[complex] uplo: char = b'L' as c_char, n: int, nrhs: int, d: *const R, e: *const T,
        b: *mut T, ldb: int,
    );
    /// # Safety
    /// The factors of `pttrf` of order `n`; `rwork` holds `n`.
    // SUBROUTINE xPTCON( N, D, E, ANORM, RCOND, RWORK, INFO )   RWORK(N) (WORK for DPTCON)
    fn ptcon(n: int, d: *const R, e: *const T, anorm: real, rcond: &mut R, rwork: *mut R);
    /// The real routine of this precision (`?stev` exists only for real types).
    ///
    /// # Safety
    /// `d` holds `n`, `e` `max(1, n − 1)`, `z` `ldz·n` when `jobz = 'V'` (else 1),
    /// `work` `max(1, 2n − 2)`.
    // SUBROUTINE DSTEV( JOBZ, N, D, E, Z, LDZ, WORK, INFO )   WORK(max(1, 2N − 2))
    fn stev = [stev, real](
        jobz: char, n: int, d: *mut R, e: *mut R, z: *mut R, ldz: int, work: *mut R,
    );
    /// The real routine of this precision (`?stemr` exists only for real types).
    ///
    /// # Safety
    /// `d` holds `n`, `e` `n`, `w` `n`, `z` `ldz·nzc` (`ldz ≥ n` when `jobz = 'V'`), `isuppz`
    /// `2·max(1, m)`, `work` `lwork`, `iwork` `liwork` (or 1 each for a query).
    // SUBROUTINE DSTEMR( JOBZ, RANGE, N, D, E, VL, VU, IL, IU, M, W, Z, LDZ, NZC,
    //                    ISUPPZ, TRYRAC, WORK, LWORK, IWORK, LIWORK, INFO )
    fn stemr = [stemr, real](
        jobz: char, range: char, n: int, d: *mut R, e: *mut R, vl: real, vu: real, il: int,
        iu: int, m: &mut int, w: *mut R, z: *mut R, ldz: int, nzc: int, isuppz: *mut int,
        tryrac: &mut int, work: *mut R, lwork: int, iwork: *mut int, liwork: int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

/// Band LU factors as ?gbtrf leaves them: `ab` is F-order `(2kl + ku + 1)×n`.
#[derive(Clone, Debug)]
pub(crate) struct Gbtrf<T> {
    pub ab: Array2<T>,
    pub kl: usize,
    pub ku: usize,
    /// 1-based row interchanges (`n`).
    pub ipiv: Vec<BlasInt>,
    /// First exactly zero diagonal entry of `U` (1-based), if any.
    pub singular_at: Option<usize>,
}

/// Factors in place the `n×n` band matrix held in LAPACK's ?gbtrf storage `ab` (F-order,
/// `2kl + ku + 1` rows, the first `kl` rows workspace; entries finite, checked by the caller).
pub(crate) fn gbtrf<T: Scalar>(mut ab: Array2<T>, kl: usize, ku: usize) -> Result<Gbtrf<T>> {
    let (ldab, n) = ab.dim();
    assert_eq!(ldab, 2 * kl + ku + 1, "band storage rows");
    let mut ipiv = vec![0 as BlasInt; n];
    if n == 0 {
        return Ok(Gbtrf {
            ab,
            kl,
            ku,
            ipiv,
            singular_at: None,
        });
    }
    let (ni, kli, kui, ldi) = (
        lapack_int(n)?,
        lapack_int(kl)?,
        lapack_int(ku)?,
        lapack_int(ldab)?,
    );
    let buf = col_major_slice_mut(&mut ab);
    assert_buf(buf, ldab, n, ldab);
    // SAFETY: buf is ldab×n with ldab = 2kl + ku + 1 (asserted), ipiv has n slots.
    let info = unsafe { T::gbtrf(ni, ni, kli, kui, buf.as_mut_ptr(), ldi, ipiv.as_mut_ptr()) };
    let routine = rname!(T, "gbtrf");
    check_illegal(routine, info)?;
    if !super::all_finite(buf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    if ipiv.iter().any(|&p| p < 1 || p > ni) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Gbtrf {
        ab,
        kl,
        ku,
        ipiv,
        singular_at: (info > 0).then_some(info as usize),
    })
}

/// Solves `op(A)·X = B` in place with the factors of [`gbtrf`]; `b` is F-order `n×nrhs`.
pub(crate) fn gbtrs<T: Scalar>(f: &Gbtrf<T>, trans: Trans, b: &mut Array2<T>) -> Result<()> {
    let (ldab, n) = f.ab.dim();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    let (ni, kli, kui, ldi, nrhsi) = (
        lapack_int(n)?,
        lapack_int(f.kl)?,
        lapack_int(f.ku)?,
        lapack_int(ldab)?,
        lapack_int(nrhs)?,
    );
    let a = col_major_slice(&f.ab);
    assert_buf(a, ldab, n, ldab);
    assert!(ldab == 2 * f.kl + f.ku + 1 && f.ipiv.len() == n);
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, n);
    // SAFETY: a holds the ldab×n factors of `gbtrf` (asserted), ipiv n pivots, bb is n×nrhs with
    // ld n (asserted); distinct allocations.
    let info = unsafe {
        T::gbtrs(
            trans.as_char(),
            ni,
            kli,
            kui,
            nrhsi,
            a.as_ptr(),
            ldi,
            f.ipiv.as_ptr(),
            bb.as_mut_ptr(),
            ni,
        )
    };
    let routine = rname!(T, "gbtrs");
    check_illegal(routine, info)?;
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate (1-norm) from the factors of [`gbtrf`] and `‖A‖₁`.
pub(crate) fn gbcon<T: Scalar>(f: &Gbtrf<T>, anorm: T::Real) -> Result<T::Real> {
    let (ldab, n) = f.ab.dim();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero || f.singular_at.is_some() {
        return Ok(zero);
    }
    let (ni, kli, kui, ldi) = (
        lapack_int(n)?,
        lapack_int(f.kl)?,
        lapack_int(f.ku)?,
        lapack_int(ldab)?,
    );
    let a = col_major_slice(&f.ab);
    assert_buf(a, ldab, n, ldab);
    assert!(f.ipiv.len() == n);
    let mut work = vec![T::zero(); 3 * n];
    let mut rwork = vec![zero; n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: the factors of `gbtrf` (asserted sizes); work 3n, rwork n, iwork n cover the real
    // (WORK 3n, IWORK n) and complex (WORK 2n, RWORK n) requirements.
    let info = unsafe {
        T::gbcon(
            ni,
            kli,
            kui,
            a.as_ptr(),
            ldi,
            f.ipiv.as_ptr(),
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "gbcon"), info)?;
    Ok(super::rcond_or_zero(rcond))
}

/// Factors in place the Hermitian positive definite band matrix in ?pbtrf storage `ab`
/// (F-order `(kd + 1)×n`, triangle `uplo`). INFO > 0 is `NotPositiveDefinite { index: INFO }`.
pub(crate) fn pbtrf<T: Scalar>(ab: &mut Array2<T>, uplo: Uplo) -> Result<()> {
    let (ldab, n) = ab.dim();
    if n == 0 {
        return Ok(());
    }
    let kd = ldab - 1;
    let (ni, kdi, ldi) = (lapack_int(n)?, lapack_int(kd)?, lapack_int(ldab)?);
    let buf = col_major_slice_mut(ab);
    assert_buf(buf, ldab, n, ldab);
    // SAFETY: buf is ldab×n with ldab = kd + 1 (asserted).
    let info = unsafe { T::pbtrf(uplo.as_char(), ni, kdi, buf.as_mut_ptr(), ldi) };
    let routine = rname!(T, "pbtrf");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NotPositiveDefinite {
            index: info as usize,
        });
    }
    if !super::all_finite(buf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Solves `A·X = B` in place with the factor of [`pbtrf`].
pub(crate) fn pbtrs<T: Scalar>(ab: &Array2<T>, uplo: Uplo, b: &mut Array2<T>) -> Result<()> {
    let (ldab, n) = ab.dim();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    let (ni, kdi, ldi, nrhsi) = (
        lapack_int(n)?,
        lapack_int(ldab - 1)?,
        lapack_int(ldab)?,
        lapack_int(nrhs)?,
    );
    let a = col_major_slice(ab);
    assert_buf(a, ldab, n, ldab);
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, n);
    // SAFETY: a is the ldab×n factor (asserted), bb is n×nrhs with ld n (asserted); distinct.
    let info = unsafe {
        T::pbtrs(
            uplo.as_char(),
            ni,
            kdi,
            nrhsi,
            a.as_ptr(),
            ldi,
            bb.as_mut_ptr(),
            ni,
        )
    };
    let routine = rname!(T, "pbtrs");
    check_illegal(routine, info)?;
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate (1-norm) from the factor of [`pbtrf`] and `‖A‖₁`.
pub(crate) fn pbcon<T: Scalar>(ab: &Array2<T>, uplo: Uplo, anorm: T::Real) -> Result<T::Real> {
    let (ldab, n) = ab.dim();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero {
        return Ok(zero);
    }
    let (ni, kdi, ldi) = (lapack_int(n)?, lapack_int(ldab - 1)?, lapack_int(ldab)?);
    let a = col_major_slice(ab);
    assert_buf(a, ldab, n, ldab);
    let mut work = vec![T::zero(); 3 * n];
    let mut rwork = vec![zero; n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: a is the ldab×n factor (asserted); work 3n, rwork n, iwork n cover the real and
    // complex requirements.
    let info = unsafe {
        T::pbcon(
            uplo.as_char(),
            ni,
            kdi,
            a.as_ptr(),
            ldi,
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "pbcon"), info)?;
    Ok(super::rcond_or_zero(rcond))
}

/// `A = L·D·Lᴴ` of a Hermitian positive definite tridiagonal matrix, in place: `d` (length n)
/// becomes `D`, `e` (the subdiagonal, `max(1, n − 1)` allocated) the subdiagonal of `L`.
pub(crate) fn pttrf<T: Scalar>(d: &mut [T::Real], e: &mut [T]) -> Result<()> {
    let n = d.len();
    if n == 0 {
        return Ok(());
    }
    assert!(e.len() >= (n - 1).max(1));
    let ni = lapack_int(n)?;
    // SAFETY: d holds n and e max(1, n − 1) elements (asserted).
    let info = unsafe { T::pttrf(ni, d.as_mut_ptr(), e.as_mut_ptr()) };
    let routine = rname!(T, "pttrf");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NotPositiveDefinite {
            index: info as usize,
        });
    }
    if !(d.iter().all(|x| x.is_finite()) && super::all_finite(e)) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Solves `A·X = B` in place with the factors of [`pttrf`].
pub(crate) fn pttrs<T: Scalar>(d: &[T::Real], e: &[T], b: &mut Array2<T>) -> Result<()> {
    let n = d.len();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert!(b.nrows() == n && e.len() >= (n - 1).max(1));
    let (ni, nrhsi) = (lapack_int(n)?, lapack_int(nrhs)?);
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, n);
    // SAFETY: d holds n, e max(1, n − 1) (asserted), bb is n×nrhs with ld n (asserted).
    let info = unsafe { T::pttrs(ni, nrhsi, d.as_ptr(), e.as_ptr(), bb.as_mut_ptr(), ni) };
    let routine = rname!(T, "pttrs");
    check_illegal(routine, info)?;
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number (1-norm; ?ptcon computes ‖A⁻¹‖₁ exactly) from the factors of
/// [`pttrf`] and `‖A‖₁`.
pub(crate) fn ptcon<T: Scalar>(d: &[T::Real], e: &[T], anorm: T::Real) -> Result<T::Real> {
    let n = d.len();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero {
        return Ok(zero);
    }
    assert!(e.len() >= (n - 1).max(1));
    let ni = lapack_int(n)?;
    let mut rwork = vec![zero; n];
    let mut rcond = zero;
    // SAFETY: d holds n, e max(1, n − 1) (asserted), rwork n.
    let info = unsafe {
        T::ptcon(
            ni,
            d.as_ptr(),
            e.as_ptr(),
            anorm,
            &mut rcond,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "ptcon"), info)?;
    Ok(super::rcond_or_zero(rcond))
}

/// Eigenvalues (ascending, overwriting `d`) and, with `vectors`, the F-order `n×n` orthonormal
/// eigenvectors of the real symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`
/// (`max(1, n − 1)` allocated, destroyed). Entries finite, checked by the caller.
pub(crate) fn stev<R: RealScalar>(
    d: &mut [R],
    e: &mut [R],
    vectors: bool,
) -> Result<Option<Array2<R>>> {
    let n = d.len();
    if n == 0 {
        return Ok(vectors.then(|| Array2::zeros((0, 0))));
    }
    assert!(e.len() >= (n - 1).max(1));
    super::buffer::check_dims(n, n)?;
    let ni = lapack_int(n)?;
    let mut z = if vectors {
        Array2::zeros(ndarray::ShapeBuilder::f((n, n)))
    } else {
        Array2::zeros(ndarray::ShapeBuilder::f((1, 1)))
    };
    let ldz = if vectors { ni } else { 1 };
    let mut work = vec![R::zero(); (2 * n).saturating_sub(2).max(1)];
    let zb = col_major_slice_mut(&mut z);
    if vectors {
        assert_buf(zb, n, n, n);
    }
    let jobz = if vectors { b'V' } else { b'N' } as c_char;
    // SAFETY: d holds n, e max(1, n − 1) (asserted), z n×n with ld n for 'V' (asserted) or one
    // element for 'N', work max(1, 2n − 2).
    let info = unsafe {
        R::stev(
            jobz,
            ni,
            d.as_mut_ptr(),
            e.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldz,
            work.as_mut_ptr(),
        )
    };
    let routine = rname!(R, "stev");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NoConvergence { routine, info });
    }
    if !(d.iter().all(|x| x.is_finite()) && super::all_finite(zb)) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(vectors.then_some(z))
}

/// Selected eigenvalues (ascending) and, with `vectors`, their orthonormal eigenvectors
/// (F-order `n×m`) of the real symmetric tridiagonal matrix with diagonal `d` and off-diagonal
/// `e` (length `n − 1`), by ?stemr (MRRR). The caller validates the range and finiteness.
pub(crate) fn stemr<R: RealScalar>(
    d: &[R],
    e: &[R],
    range: EigRange<R>,
    vectors: bool,
) -> Result<(Vec<R>, Option<Array2<R>>)> {
    let n = d.len();
    if n == 0 {
        return Ok((Vec::new(), vectors.then(|| Array2::zeros((0, 0)))));
    }
    super::buffer::check_dims(n, n)?;
    let ni = lapack_int(n)?;
    let zero = R::zero();
    let (rng, vl, vu, il, iu, count_max) = match range {
        EigRange::Index(lo, hi) => (
            b'I',
            zero,
            zero,
            lapack_int(lo + 1)?,
            lapack_int(hi + 1)?,
            hi - lo + 1,
        ),
        EigRange::Value(vl, vu) => (b'V', vl, vu, 1, 1, n),
    };
    let jobz = if vectors { b'V' } else { b'N' } as c_char;
    let rng = rng as c_char;
    let ldz = if vectors { n } else { 1 };
    let ldzi = lapack_int(ldz)?;
    let mut dd = d.to_vec();
    // ?stemr wants E of length n (E(n) workspace).
    let mut ee = e.to_vec();
    ee.resize(n, zero);
    let mut w = vec![zero; n];
    let mut isuppz = vec![0 as BlasInt; 2 * n];
    let mut m: BlasInt = 0;
    let routine = rname!(R, "stemr");

    // Workspace query; with JOBZ = 'V' and RANGE = 'V', NZC = −1 also asks for the number of
    // eigenvalues in (vl, vu] (returned in Z(1, 1)).
    let mut qwork = [zero; 1];
    let mut qiwork = [0 as BlasInt; 1];
    let mut qz = [zero; 1];
    let mut tryrac: BlasInt = 1;
    // SAFETY: a query (LWORK = LIWORK = −1): d holds n, e n, w n, isuppz 2n, z and the work
    // arrays one element each, which is what LAPACK writes in a query.
    let info = unsafe {
        R::stemr(
            jobz,
            rng,
            ni,
            dd.as_mut_ptr(),
            ee.as_mut_ptr(),
            vl,
            vu,
            il,
            iu,
            &mut m,
            w.as_mut_ptr(),
            qz.as_mut_ptr(),
            ldzi,
            -1,
            isuppz.as_mut_ptr(),
            &mut tryrac,
            qwork.as_mut_ptr(),
            -1,
            qiwork.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    let lwork = super::lwork(qwork[0], 18 * n as i64)?;
    let liwork = super::size_i64((qiwork[0] as i64).max(10 * n as i64))?;
    let nzc = if vectors {
        match range {
            EigRange::Index(..) => count_max,
            EigRange::Value(..) => (qz[0].to_f64() as usize).clamp(1, n),
        }
    } else {
        1
    };
    let mut z = Array2::zeros(ndarray::ShapeBuilder::f((ldz, nzc.max(1))));
    let mut work = vec![zero; lwork];
    let mut iwork = vec![0 as BlasInt; liwork];
    let (lworki, liworki, nzci) = (
        lapack_int(lwork)?,
        lapack_int(liwork)?,
        lapack_int(nzc.max(1))?,
    );
    let zb = col_major_slice_mut(&mut z);
    assert_buf(zb, ldz, nzc.max(1), ldz);
    tryrac = 1;
    // SAFETY: d, e, w hold n, isuppz 2n, z ldz×max(1, nzc) (asserted), work lwork and iwork
    // liwork elements (at least the queried sizes).
    let info = unsafe {
        R::stemr(
            jobz,
            rng,
            ni,
            dd.as_mut_ptr(),
            ee.as_mut_ptr(),
            vl,
            vu,
            il,
            iu,
            &mut m,
            w.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldzi,
            nzci,
            isuppz.as_mut_ptr(),
            &mut tryrac,
            work.as_mut_ptr(),
            lworki,
            iwork.as_mut_ptr(),
            liworki,
        )
    };
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NoConvergence { routine, info });
    }
    let m = m.max(0) as usize;
    if m > count_max || (vectors && m > nzc) {
        return Err(Error::NumericalBreakdown { routine });
    }
    w.truncate(m);
    if !w.iter().all(|x| x.is_finite()) || w.windows(2).any(|p| p[0] > p[1]) {
        return Err(Error::NumericalBreakdown { routine });
    }
    let z = if vectors {
        let z = z.slice(ndarray::s![.., ..m]).to_owned();
        let mut zf = Array2::zeros(ndarray::ShapeBuilder::f((n, m)));
        zf.assign(&z);
        if !zf.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        Some(zf)
    } else {
        None
    };
    Ok((w, z))
}
