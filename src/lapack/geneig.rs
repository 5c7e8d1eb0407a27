//! Generalized eigenproblems: ?sygvd/?hegvd and ?sygvx/?hegvx (symmetric/Hermitian-definite
//! pencils), ?ggev (general pencils) and ?gges + ?tgsen (generalized Schur form, reordering).
//!
//! As for ?gees, the SELCTG callback of ?gges is never used: we pass SORT = 'N' with a valid
//! dummy function and reorder afterwards with ?tgsen, whose selection is a LOGICAL array built
//! in Rust, so no Rust closure is ever called from Fortran.

use std::os::raw::c_char;

use ndarray::{Array1, Array2, ShapeBuilder};
use num_complex::Complex;

use super::buffer::{col_major_slice_mut, ld, padded_vec, padded_zeros};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, size_i64, LapackScalar, Uplo};
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

/// Fortran `LOGICAL FUNCTION SELCTG(ALPHAR, ALPHAI, BETA)` of the real ?gges.
type SelctgReal<R> = Option<extern "C" fn(*const R, *const R, *const R) -> BlasInt>;
/// Fortran `LOGICAL FUNCTION SELCTG(ALPHA, BETA)` of the complex ?gges.
type SelctgComplex<R> = Option<extern "C" fn(*const Complex<R>, *const Complex<R>) -> BlasInt>;

/// The dummy SELCTG passed with SORT = 'N' (LAPACK does not call it then): selects nothing.
extern "C" fn selctg_none_real<R>(_ar: *const R, _ai: *const R, _b: *const R) -> BlasInt {
    0
}
/// The complex counterpart of [`selctg_none_real`].
extern "C" fn selctg_none_complex<R>(_a: *const Complex<R>, _b: *const Complex<R>) -> BlasInt {
    0
}

/// Where the (α, β) pairs of a general pencil go: the real routines write `alphar`, `alphai`
/// and `betar` (`n` reals each) and ignore `alpha`/`beta`; the complex ones write `alpha` and
/// `beta` (`n` elements each) and ignore the real arrays.
pub struct PairBufs<T: LapackScalar> {
    /// Real parts of α (real routines).
    pub alphar: *mut T::Real,
    /// Imaginary parts of α (real routines).
    pub alphai: *mut T::Real,
    /// β (real routines).
    pub betar: *mut T::Real,
    /// α (complex routines).
    pub alpha: *mut T,
    /// β (complex routines).
    pub beta: *mut T,
}

lapack_family! {
    /// Raw generalized eigen routines, one signature for the real and complex variants. The
    /// real routines ignore `rwork`/`lrwork`.
    pub trait GenEigLapack: LapackScalar + Sized;

    /// ?sygvd / ?hegvd.
    ///
    /// # Safety
    /// `a`, `b` hold `lda·n` / `ldb·n` elements (`lda, ldb ≥ max(1, n)`), `w` holds `n`;
    /// `work`/`rwork`/`iwork` hold `max(1, lwork)` / `max(1, lrwork)` / `max(1, liwork)`
    /// elements (or all lengths are -1 for a query).
    // SUBROUTINE DSYGVD( ITYPE, JOBZ, UPLO, N, A, LDA, B, LDB, W, WORK, LWORK, IWORK,
    //                    LIWORK, INFO )
    // SUBROUTINE ZHEGVD( ITYPE, JOBZ, UPLO, N, A, LDA, B, LDB, W, WORK, LWORK, RWORK,
    //                    LRWORK, IWORK, LIWORK, INFO )
    fn sygvd = [sygvd, hegvd](
        itype: int, jobz: char, uplo: char, n: int, a: *mut T, lda: int, b: *mut T, ldb: int,
        w: *mut R, work: *mut T, lwork: int, #[complex] rwork: *mut R, #[complex] lrwork: int,
        iwork: *mut int, liwork: int,
    );

    /// ?sygvx / ?hegvx (ABSTOL = 2·safe minimum, LAPACK's advice for the most accurate values).
    ///
    /// # Safety
    /// `a`, `b` as sygvd; `w` holds `n`; `z` holds `ldz·n` (`ldz ≥ max(1, n)` with JOBZ = 'V',
    /// else ≥ 1); `work` holds `max(1, lwork)` (or -1 for a query), `rwork` `7n`, `iwork` `5n`,
    /// `ifail` `n` elements (each at least 1).
    // SUBROUTINE DSYGVX( ITYPE, JOBZ, RANGE, UPLO, N, A, LDA, B, LDB, VL, VU, IL, IU,
    //                    ABSTOL, M, W, Z, LDZ, WORK, LWORK, IWORK, IFAIL, INFO )
    // SUBROUTINE ZHEGVX( ITYPE, JOBZ, RANGE, UPLO, N, A, LDA, B, LDB, VL, VU, IL, IU,
    //                    ABSTOL, M, W, Z, LDZ, WORK, LWORK, RWORK, IWORK, IFAIL, INFO )
    fn sygvx = [sygvx, hegvx](
        itype: int, jobz: char, range: char, uplo: char, n: int, a: *mut T, lda: int,
        b: *mut T, ldb: int, vl: real, vu: real, il: int, iu: int,
        abstol: real = 2.0 * R::MIN_POSITIVE, m: &mut int, w: *mut R, z: *mut T, ldz: int,
        work: *mut T, lwork: int, #[complex] rwork: *mut R, iwork: *mut int, ifail: *mut int,
    );

    /// ?ggev.
    ///
    /// # Safety
    /// `a`, `b` hold `lda·n` / `ldb·n` elements (`lda, ldb ≥ max(1, n)`); `pairs` as described
    /// on [`PairBufs`]; `vl`/`vr` hold `ldvl·n` / `ldvr·n` when requested (`ld ≥ n`), else one
    /// element with `ld = 1`; `work` holds `max(1, lwork)` (or -1 for a query), `rwork` `8n`.
    // SUBROUTINE DGGEV( JOBVL, JOBVR, N, A, LDA, B, LDB, ALPHAR, ALPHAI, BETA, VL, LDVL,
    //                   VR, LDVR, WORK, LWORK, INFO )
    // SUBROUTINE ZGGEV( JOBVL, JOBVR, N, A, LDA, B, LDB, ALPHA, BETA, VL, LDVL, VR,
    //                   LDVR, WORK, LWORK, RWORK, INFO )
    fn ggev(
        jobvl: char, jobvr: char, n: int, a: *mut T, lda: int, b: *mut T, ldb: int,
        #[trait_only] pairs: [&PairBufs<Self>],
        #[real] alphar: *mut R = pairs.alphar, #[real] alphai: *mut R = pairs.alphai,
        #[real] beta: *mut R = pairs.betar,
        #[complex] alpha: *mut T = pairs.alpha, #[complex] beta: *mut T = pairs.beta,
        vl: *mut T, ldvl: int, vr: *mut T, ldvr: int, work: *mut T, lwork: int,
        #[complex] rwork: *mut R,
    );

    /// ?gges with JOBVSL = JOBVSR = 'V', SORT = 'N' (a dummy SELCTG that LAPACK does not call).
    ///
    /// # Safety
    /// `a`, `b`, `vsl`, `vsr` hold `ld·n` elements with `ld ≥ max(1, n)`; `pairs` as on
    /// [`PairBufs`]; `work` holds `max(1, lwork)` (or -1 for a query), `rwork` `8n`, `bwork`
    /// `n` elements (each at least 1).
    // SUBROUTINE DGGES( JOBVSL, JOBVSR, SORT, SELCTG, N, A, LDA, B, LDB, SDIM, ALPHAR,
    //                   ALPHAI, BETA, VSL, LDVSL, VSR, LDVSR, WORK, LWORK, BWORK, INFO )
    // SUBROUTINE ZGGES( JOBVSL, JOBVSR, SORT, SELCTG, N, A, LDA, B, LDB, SDIM, ALPHA,
    //                   BETA, VSL, LDVSL, VSR, LDVSR, WORK, LWORK, RWORK, BWORK, INFO )
    // The dummy SELCTG is a valid function that cannot unwind; SDIM points to a temporary.
    fn gges(
        jobvsl: char = b'V' as c_char, jobvsr: char = b'V' as c_char,
        sort: char = b'N' as c_char,
        #[real] selctg: [SelctgReal<R>] = Some(selctg_none_real::<R>),
        #[complex] selctg: [SelctgComplex<R>] = Some(selctg_none_complex::<R>),
        n: int, a: *mut T, lda: int, b: *mut T, ldb: int, sdim: *mut int = &mut 0,
        #[trait_only] pairs: [&PairBufs<Self>],
        #[real] alphar: *mut R = pairs.alphar, #[real] alphai: *mut R = pairs.alphai,
        #[real] beta: *mut R = pairs.betar,
        #[complex] alpha: *mut T = pairs.alpha, #[complex] beta: *mut T = pairs.beta,
        vsl: *mut T, ldvsl: int = ldv, vsr: *mut T, ldvsr: int = ldv, #[trait_only] ldv: int,
        work: *mut T, lwork: int, #[complex] rwork: *mut R, bwork: *mut int,
    );

    /// ?tgsen with IJOB = 0, WANTQ = WANTZ = true.
    ///
    /// # Safety
    /// `select` holds `n` LOGICALs; `a`, `b`, `q`, `z` hold `ld·n` elements with
    /// `ld ≥ max(1, n)`; `pairs` as on [`PairBufs`]; `work` holds `max(1, lwork)` and `iwork`
    /// `max(1, liwork)` (or a query with -1).
    // SUBROUTINE DTGSEN( IJOB, WANTQ, WANTZ, SELECT, N, A, LDA, B, LDB, ALPHAR, ALPHAI,
    //                    BETA, Q, LDQ, Z, LDZ, M, PL, PR, DIF, WORK, LWORK, IWORK,
    //                    LIWORK, INFO )
    // SUBROUTINE ZTGSEN( IJOB, WANTQ, WANTZ, SELECT, N, A, LDA, B, LDB, ALPHA, BETA, Q,
    //                    LDQ, Z, LDZ, M, PL, PR, DIF, WORK, LWORK, IWORK, LIWORK, INFO )
    // PL, PR and DIF are not referenced for IJOB = 0 but point to valid (temporary) storage
    // (DIF has 2 entries).
    fn tgsen(
        ijob: int = 0, wantq: int = 1, wantz: int = 1, select: *const int, n: int, a: *mut T,
        lda: int = ld, b: *mut T, ldb: int = ld, #[trait_only] pairs: [&PairBufs<Self>],
        #[real] alphar: *mut R = pairs.alphar, #[real] alphai: *mut R = pairs.alphai,
        #[real] beta: *mut R = pairs.betar,
        #[complex] alpha: *mut T = pairs.alpha, #[complex] beta: *mut T = pairs.beta,
        q: *mut T, ldq: int = ld, z: *mut T, ldz: int = ld, #[trait_only] ld: int,
        m: &mut int, pl: *mut R = &mut 0.0, pr: *mut R = &mut 0.0,
        dif: *mut R = [0.0; 2].as_mut_ptr(), work: *mut T, lwork: int, iwork: *mut int,
        liwork: int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

fn jobz(vectors: bool) -> c_char {
    (if vectors { b'V' } else { b'N' }) as c_char
}

/// Maps the positive INFO of ?sygvd/?sygvx: `> n` is B's leading minor of order `info − n`,
/// `1..=n` a failure of the eigensolver.
fn sygv_info(routine: &'static str, info: BlasInt, n: usize) -> Result<()> {
    if info <= 0 {
        return Ok(());
    }
    let i = info as usize;
    if i > n {
        return Err(Error::NotPositiveDefinite { index: i - n });
    }
    Err(Error::NoConvergence { routine, info })
}

/// Post-check: finite and ascending.
fn check_values<R: RealScalar>(w: &[R], routine: &'static str) -> Result<()> {
    if !super::all_finite(w) || !w.windows(2).all(|p| p[0] <= p[1]) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// All eigenvalues (ascending) of the Hermitian-definite pencil whose triangles `uplo` are
/// stored in the F-order `a` and `b` (problem type `itype` ∈ 1..=3). With `vectors`, `a` is
/// overwritten by the eigenvectors (B-orthonormal for types 1 and 2); `b` is overwritten by its
/// Cholesky factor.
pub(crate) fn sygvd<T: Scalar>(
    itype: BlasInt,
    a: &mut Array2<T>,
    b: &mut Array2<T>,
    uplo: Uplo,
    vectors: bool,
) -> Result<Array1<T::Real>> {
    let n = a.nrows();
    assert_eq!(a.dim(), (n, n));
    assert_eq!(b.dim(), (n, n));
    if n == 0 {
        return Ok(Array1::zeros(0));
    }
    let routine = rname!(T, "sygvd", "hegvd");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let n64 = n as i64;
    // Documented minima (those of ?syevd/?heevd).
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
    let bbuf = col_major_slice_mut(b);
    assert_buf(bbuf, n, n, ld(n));
    let wbuf = w.as_slice_mut().expect("contiguous");
    assert!(wbuf.len() >= n);
    let (mut q, mut qr, mut qi) = ([T::zero()], [T::Real::from_f64(0.0)], [0 as BlasInt]);
    // SAFETY: workspace query (all lengths -1): LAPACK only writes q[0], qr[0], qi[0]; a and b
    // are n×n with ld max(1, n) (asserted).
    let info = unsafe {
        T::sygvd(
            itype,
            jobz(vectors),
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
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
    let lw = lwork(q[0], min_lwork)?;
    let lrw = if T::IS_COMPLEX {
        lwork(qr[0], min_lrwork)?
    } else {
        1
    };
    let liw = size_i64((qi[0] as i64).max(min_liwork))?;
    let mut work = padded_vec::<T>(lw, n);
    let mut rwork = vec![T::Real::from_f64(0.0); lrw];
    let mut iwork = vec![0 as BlasInt; liw];
    // SAFETY: a, b are n×n with ld max(1, n) (asserted), w has n entries, work/rwork/iwork have
    // lw/lrw/liw elements, each ≥ the documented minimum; no buffers alias.
    let info = unsafe {
        T::sygvd(
            itype,
            jobz(vectors),
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
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
    sygv_info(routine, info, n)?;
    check_values(wbuf, routine)?;
    if vectors && !super::all_finite(abuf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(w)
}

/// Which eigenvalues ?sygvx computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum GenRange<R> {
    /// The `lo`-th through `hi`-th smallest (0-based, inclusive, `lo ≤ hi < n`).
    Index(usize, usize),
    /// Those in the half-open interval `(vl, vu]`, `vl < vu`.
    Value(R, R),
}

/// Selected eigenvalues (ascending) and, with `vectors`, eigenvectors (`n×count`) of the
/// Hermitian-definite pencil in triangles `uplo` of the F-order `a`, `b` (both destroyed).
pub(crate) fn sygvx<T: Scalar>(
    itype: BlasInt,
    mut a: Array2<T>,
    mut b: Array2<T>,
    uplo: Uplo,
    range: GenRange<T::Real>,
    vectors: bool,
) -> Result<(Array1<T::Real>, Array2<T>)> {
    let n = a.nrows();
    assert_eq!(a.dim(), (n, n));
    assert_eq!(b.dim(), (n, n));
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok((Array1::zeros(0), Array2::zeros((0, 0).f())));
    }
    let routine = rname!(T, "sygvx", "hegvx");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let n64 = n as i64;
    let (rc, vl, vu, il, iu) = match range {
        GenRange::Index(lo, hi) => {
            assert!(lo <= hi && hi < n, "validated by the caller");
            (b'I', zero, zero, lapack_int(lo + 1)?, lapack_int(hi + 1)?)
        }
        GenRange::Value(vl, vu) => {
            assert!(vl < vu, "validated by the caller");
            (b'V', vl, vu, 0, 0)
        }
    };
    let rc = rc as c_char;
    // Documented minimum LWORK: real max(1, 8N), complex max(1, 2N); RWORK 7N, IWORK 5N.
    let min_lwork = if T::IS_COMPLEX { 2 * n64 } else { 8 * n64 };
    let mut w = Array1::<T::Real>::zeros(n);
    let zcols = if vectors { n } else { 0 };
    let mut z = padded_zeros::<T>((n, zcols));
    let mut dummy = [T::zero(); 1];
    let mut rwork = vec![zero; size_i64(7 * n64)?];
    let mut iwork = vec![0 as BlasInt; size_i64(5 * n64)?];
    let mut ifail = vec![0 as BlasInt; n];
    let abuf = col_major_slice_mut(&mut a);
    assert_buf(abuf, n, n, ld(n));
    let bbuf = col_major_slice_mut(&mut b);
    assert_buf(bbuf, n, n, ld(n));
    let wbuf = w.as_slice_mut().expect("contiguous");
    assert!(wbuf.len() >= n);
    let zptr = if vectors {
        let zb = col_major_slice_mut(&mut z);
        assert_buf(zb, n, n, ld(n));
        zb.as_mut_ptr()
    } else {
        dummy.as_mut_ptr()
    };
    let ldz = if vectors { ldi } else { 1 };
    let mut found = 0 as BlasInt;
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK only writes q[0]; every other buffer has its
    // documented size (a, b, z n×n with ld max(1, n) or the dummy with ldz = 1; rwork 7n,
    // iwork 5n, ifail n).
    let info = unsafe {
        T::sygvx(
            itype,
            jobz(vectors),
            rc,
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            vl,
            vu,
            il,
            iu,
            &mut found,
            wbuf.as_mut_ptr(),
            zptr,
            ldz,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
            ifail.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    let lw = lwork(q[0], min_lwork)?;
    let mut work = padded_vec::<T>(lw, n);
    // SAFETY: as for the query, with work holding lw ≥ the documented minimum; no buffers
    // alias.
    let info = unsafe {
        T::sygvx(
            itype,
            jobz(vectors),
            rc,
            uplo.as_char(),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            vl,
            vu,
            il,
            iu,
            &mut found,
            wbuf.as_mut_ptr(),
            zptr,
            ldz,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
            ifail.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    sygv_info(routine, info, n)?;
    if found < 0 || found as usize > n {
        return Err(Error::NumericalBreakdown { routine });
    }
    let count = found as usize;
    check_values(&wbuf[..count], routine)?;
    let w = w.slice(ndarray::s![..count]).to_owned();
    let z = if vectors {
        let mut out = Array2::<T>::zeros((n, count).f());
        out.assign(&z.slice(ndarray::s![.., ..count]));
        if !out.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        out
    } else {
        Array2::zeros((n, 0).f())
    };
    Ok((w, z))
}

/// One generalized eigenvalue as `(α, β)`.
pub(crate) type Pair<R> = (Complex<R>, Complex<R>);

/// The (α, β) output arrays of the general-pencil routines.
struct Pairs<T: Scalar> {
    alphar: Vec<T::Real>,
    alphai: Vec<T::Real>,
    betar: Vec<T::Real>,
    alpha: Vec<T>,
    beta: Vec<T>,
}

impl<T: Scalar> Pairs<T> {
    fn new(n: usize) -> Self {
        let zero = T::Real::from_f64(0.0);
        let (nr, nc) = if T::IS_COMPLEX { (1, n) } else { (n, 1) };
        Pairs {
            alphar: vec![zero; nr],
            alphai: vec![zero; nr],
            betar: vec![zero; nr],
            alpha: vec![T::zero(); nc],
            beta: vec![T::zero(); nc],
        }
    }
    fn bufs(&mut self) -> PairBufs<T> {
        PairBufs {
            alphar: self.alphar.as_mut_ptr(),
            alphai: self.alphai.as_mut_ptr(),
            betar: self.betar.as_mut_ptr(),
            alpha: self.alpha.as_mut_ptr(),
            beta: self.beta.as_mut_ptr(),
        }
    }
    /// The pairs as complex numbers; `None` if any is non-finite.
    fn collect(&self, n: usize) -> Option<Vec<Pair<T::Real>>> {
        let zero = T::Real::from_f64(0.0);
        let v: Vec<_> = (0..n)
            .map(|i| {
                if T::IS_COMPLEX {
                    (
                        Complex::new(self.alpha[i].re(), self.alpha[i].im()),
                        Complex::new(self.beta[i].re(), self.beta[i].im()),
                    )
                } else {
                    (
                        Complex::new(self.alphar[i], self.alphai[i]),
                        Complex::new(self.betar[i], zero),
                    )
                }
            })
            .collect();
        let fin = |z: &Complex<T::Real>| z.re.is_finite() && z.im.is_finite();
        v.iter().all(|(a, b)| fin(a) && fin(b)).then_some(v)
    }
}

/// Outcome of ?ggev: the (α, β) pairs and the eigenvectors as LAPACK returns them (real
/// routines: conjugate pairs packed in two real columns).
pub(crate) struct Ggev<T: Scalar> {
    pub pairs: Vec<Pair<T::Real>>,
    pub vl: Option<Array2<T>>,
    pub vr: Option<Array2<T>>,
}

/// ?ggev of the F-order square `a`, `b` (both destroyed). INFO > 0 is `NoConvergence`.
pub(crate) fn ggev<T: Scalar>(
    a: &mut Array2<T>,
    b: &mut Array2<T>,
    left: bool,
    right: bool,
) -> Result<Ggev<T>> {
    let n = a.nrows();
    assert_eq!(a.dim(), (n, n));
    assert_eq!(b.dim(), (n, n));
    let empty = |want: bool| want.then(|| Array2::zeros((n, n).f()));
    if n == 0 {
        return Ok(Ggev {
            pairs: Vec::new(),
            vl: empty(left),
            vr: empty(right),
        });
    }
    let routine = rname!(T, "ggev");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let mut pairs = Pairs::<T>::new(n);
    let pb = pairs.bufs();
    let mut vl = padded_zeros::<T>((n, if left { n } else { 0 }));
    let mut vr = padded_zeros::<T>((n, if right { n } else { 0 }));
    let (mut dl, mut dr) = ([T::zero()], [T::zero()]);
    let mut rwork = vec![T::Real::from_f64(0.0); size_i64(8 * n as i64)?];
    let abuf = col_major_slice_mut(a);
    assert_buf(abuf, n, n, ld(n));
    let bbuf = col_major_slice_mut(b);
    assert_buf(bbuf, n, n, ld(n));
    let (vlp, ldvl) = if left {
        let s = col_major_slice_mut(&mut vl);
        assert_buf(s, n, n, ld(n));
        (s.as_mut_ptr(), ldi)
    } else {
        (dl.as_mut_ptr(), 1)
    };
    let (vrp, ldvr) = if right {
        let s = col_major_slice_mut(&mut vr);
        assert_buf(s, n, n, ld(n));
        (s.as_mut_ptr(), ldi)
    } else {
        (dr.as_mut_ptr(), 1)
    };
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes q[0] only; the other buffers have
    // their documented sizes anyway (a, b, vl, vr n×n with ld max(1, n) or 1-element dummies
    // with ld 1; the pair arrays n; rwork 8n).
    let info = unsafe {
        T::ggev(
            jobz(left),
            jobz(right),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            &pb,
            vlp,
            ldvl,
            vrp,
            ldvr,
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: real LWORK ≥ max(1, 8N), complex max(1, 2N).
    let min = if T::IS_COMPLEX { 2 } else { 8 } * n as i64;
    let lw = lwork(q[0], min)?;
    let mut work = padded_vec::<T>(lw, n);
    // SAFETY: as for the query, with work holding lw ≥ the documented minimum; no buffers
    // alias.
    let info = unsafe {
        T::ggev(
            jobz(left),
            jobz(right),
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            &pb,
            vlp,
            ldvl,
            vrp,
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
    let pairs = pairs
        .collect(n)
        .ok_or(Error::NumericalBreakdown { routine })?;
    if (left && !super::all_finite(col_major_slice_mut(&mut vl)))
        || (right && !super::all_finite(col_major_slice_mut(&mut vr)))
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(Ggev {
        pairs,
        vl: left.then_some(vl),
        vr: right.then_some(vr),
    })
}

/// Outcome of ?gges: `Q`, `Z` (`A = Q·S·Zᴴ`, `B = Q·T·Zᴴ`) and the pairs in diagonal order.
pub(crate) struct Gges<T: Scalar> {
    pub q: Array2<T>,
    pub z: Array2<T>,
    pub pairs: Vec<Pair<T::Real>>,
}

/// Overwrites the F-order square `a`, `b` by the generalized Schur form `(S, T)`.
pub(crate) fn gges<T: Scalar>(a: &mut Array2<T>, b: &mut Array2<T>) -> Result<Gges<T>> {
    let n = a.nrows();
    assert_eq!(a.dim(), (n, n));
    assert_eq!(b.dim(), (n, n));
    let mut q = padded_zeros::<T>((n, n));
    let mut z = padded_zeros::<T>((n, n));
    if n == 0 {
        return Ok(Gges {
            q,
            z,
            pairs: Vec::new(),
        });
    }
    let routine = rname!(T, "gges");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let mut pairs = Pairs::<T>::new(n);
    let pb = pairs.bufs();
    let mut rwork = vec![T::Real::from_f64(0.0); size_i64(8 * n as i64)?];
    let mut bwork = vec![0 as BlasInt; n];
    let abuf = col_major_slice_mut(a);
    assert_buf(abuf, n, n, ld(n));
    let bbuf = col_major_slice_mut(b);
    assert_buf(bbuf, n, n, ld(n));
    let qb = col_major_slice_mut(&mut q);
    assert_buf(qb, n, n, ld(n));
    let zb = col_major_slice_mut(&mut z);
    assert_buf(zb, n, n, ld(n));
    let mut wq = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes wq[0] only; the other buffers have
    // their documented sizes (a, b, q, z n×n with ld max(1, n), asserted; pairs n; rwork 8n;
    // bwork n).
    let info = unsafe {
        T::gges(
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            &pb,
            qb.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
            wq.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
            bwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: real LWORK ≥ max(8N, 6N + 16), complex max(1, 2N).
    let n64 = n as i64;
    let min = if T::IS_COMPLEX {
        2 * n64
    } else {
        (8 * n64).max(6 * n64 + 16)
    };
    let lw = lwork(wq[0], min)?;
    let mut work = padded_vec::<T>(lw, n);
    // SAFETY: as for the query, with work holding lw ≥ the documented minimum; no buffers
    // alias.
    let info = unsafe {
        T::gges(
            ni,
            abuf.as_mut_ptr(),
            ldi,
            bbuf.as_mut_ptr(),
            ldi,
            &pb,
            qb.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
            bwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    if info > 0 && info <= ni + 1 {
        // 1..=N: the QZ iteration failed; N+1: another failure inside ?hgeqz.
        return Err(Error::NoConvergence { routine, info });
    }
    if info > 0 {
        // N+2 / N+3 concern sorting only, which SORT = 'N' never asks for.
        return Err(Error::NumericalBreakdown { routine });
    }
    if !super::all_finite(abuf)
        || !super::all_finite(bbuf)
        || !super::all_finite(qb)
        || !super::all_finite(zb)
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    let pairs = pairs
        .collect(n)
        .ok_or(Error::NumericalBreakdown { routine })?;
    Ok(Gges { q, z, pairs })
}

/// Reorders the generalized Schur form `(s, t)` (updating `q` and `z`) so that the pairs marked
/// in `select` lead (both entries of a real 2×2 block set alike). Returns the pairs in their
/// new order and the dimension of the selected deflating subspace. On failure
/// (`ReorderFailed`, INFO = 1) the arrays may be partially reordered.
pub(crate) fn tgsen<T: Scalar>(
    s: &mut Array2<T>,
    t: &mut Array2<T>,
    q: &mut Array2<T>,
    z: &mut Array2<T>,
    select: &[BlasInt],
) -> Result<(Vec<Pair<T::Real>>, usize)> {
    let n = s.nrows();
    assert_eq!(select.len(), n);
    for m in [&*s, &*t, &*q, &*z] {
        assert_eq!(m.dim(), (n, n));
    }
    if n == 0 {
        return Ok((Vec::new(), 0));
    }
    let routine = rname!(T, "tgsen");
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let mut pairs = Pairs::<T>::new(n);
    let pb = pairs.bufs();
    let sb = col_major_slice_mut(s);
    assert_buf(sb, n, n, ld(n));
    let tb = col_major_slice_mut(t);
    assert_buf(tb, n, n, ld(n));
    let qb = col_major_slice_mut(q);
    assert_buf(qb, n, n, ld(n));
    let zb = col_major_slice_mut(z);
    assert_buf(zb, n, n, ld(n));
    let mut m = 0 as BlasInt;
    let (mut wq, mut iq) = ([T::zero()], [0 as BlasInt]);
    // SAFETY: workspace query (lwork = liwork = -1): LAPACK writes wq[0] and iq[0] only;
    // select holds n LOGICALs, s, t, q, z are n×n with ld max(1, n) (asserted), pairs n.
    let info = unsafe {
        T::tgsen(
            select.as_ptr(),
            ni,
            sb.as_mut_ptr(),
            tb.as_mut_ptr(),
            &pb,
            qb.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
            &mut m,
            wq.as_mut_ptr(),
            -1,
            iq.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum for IJOB = 0: real LWORK ≥ 4N + 16, complex ≥ 1; LIWORK ≥ 1.
    let min = if T::IS_COMPLEX { 1 } else { 4 * n as i64 + 16 };
    let lw = lwork(wq[0], min)?;
    let liw = size_i64((iq[0] as i64).max(1))?;
    let mut work = padded_vec::<T>(lw, n);
    let mut iwork = vec![0 as BlasInt; liw];
    // SAFETY: as for the query, with work and iwork holding lw and liw elements, at least the
    // documented minima; no buffers alias.
    let info = unsafe {
        T::tgsen(
            select.as_ptr(),
            ni,
            sb.as_mut_ptr(),
            tb.as_mut_ptr(),
            &pb,
            qb.as_mut_ptr(),
            zb.as_mut_ptr(),
            ldi,
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
    if !super::all_finite(sb)
        || !super::all_finite(tb)
        || !super::all_finite(qb)
        || !super::all_finite(zb)
    {
        return Err(Error::NumericalBreakdown { routine });
    }
    let pairs = pairs
        .collect(n)
        .ok_or(Error::NumericalBreakdown { routine })?;
    Ok((pairs, m as usize))
}
