//! The hand-written baseline's LAPACK calls: our own `extern "C"` declarations (with gfortran's
//! hidden trailing `CHARACTER` lengths, passed as 1) and thin safe wrappers that check every
//! buffer length before the call. This is the only unsafe code of the peers crate.
//!
//! The symbols come from the same library ndfactor links (system OpenBLAS by default), so the
//! baseline measures exactly "copy to F order + the LAPACK routine + its workspace query".

use std::os::raw::c_char;

pub mod drivers;

type Int = i32;

macro_rules! real_ffi {
    ($t:ty, $getrf:ident, $potrf:ident, $sytrf:ident, $geqrf:ident, $gesdd:ident, $syevd:ident, $geev:ident, $gees:ident) => {
        extern "C" {
            fn $getrf(
                m: *const Int,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                ipiv: *mut Int,
                info: *mut Int,
            );
            fn $potrf(
                uplo: *const c_char,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                info: *mut Int,
                uplo_len: usize,
            );
            fn $sytrf(
                uplo: *const c_char,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                ipiv: *mut Int,
                work: *mut $t,
                lwork: *const Int,
                info: *mut Int,
                uplo_len: usize,
            );
            fn $geqrf(
                m: *const Int,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                tau: *mut $t,
                work: *mut $t,
                lwork: *const Int,
                info: *mut Int,
            );
            fn $gesdd(
                jobz: *const c_char,
                m: *const Int,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                s: *mut $t,
                u: *mut $t,
                ldu: *const Int,
                vt: *mut $t,
                ldvt: *const Int,
                work: *mut $t,
                lwork: *const Int,
                iwork: *mut Int,
                info: *mut Int,
                jobz_len: usize,
            );
            fn $syevd(
                jobz: *const c_char,
                uplo: *const c_char,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                w: *mut $t,
                work: *mut $t,
                lwork: *const Int,
                iwork: *mut Int,
                liwork: *const Int,
                info: *mut Int,
                jobz_len: usize,
                uplo_len: usize,
            );
            fn $geev(
                jobvl: *const c_char,
                jobvr: *const c_char,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                wr: *mut $t,
                wi: *mut $t,
                vl: *mut $t,
                ldvl: *const Int,
                vr: *mut $t,
                ldvr: *const Int,
                work: *mut $t,
                lwork: *const Int,
                info: *mut Int,
                jobvl_len: usize,
                jobvr_len: usize,
            );
            fn $gees(
                jobvs: *const c_char,
                sort: *const c_char,
                select: Option<extern "C" fn(*const $t, *const $t) -> Int>,
                n: *const Int,
                a: *mut $t,
                lda: *const Int,
                sdim: *mut Int,
                wr: *mut $t,
                wi: *mut $t,
                vs: *mut $t,
                ldvs: *const Int,
                work: *mut $t,
                lwork: *const Int,
                bwork: *mut Int,
                info: *mut Int,
                jobvs_len: usize,
                sort_len: usize,
            );
        }
    };
}
real_ffi!(f32, sgetrf_, spotrf_, ssytrf_, sgeqrf_, sgesdd_, ssyevd_, sgeev_, sgees_);
real_ffi!(f64, dgetrf_, dpotrf_, dsytrf_, dgeqrf_, dgesdd_, dsyevd_, dgeev_, dgees_);

/// Converts a size to LAPACK's integer (the baseline only runs on benchmark sizes).
fn int(n: usize) -> Int {
    Int::try_from(n).expect("size fits LAPACK's 32-bit integers")
}

/// Workspace size from a query result (`work[0]` after `lwork = -1`), at least `min`.
fn lw<T: Into<f64> + Copy>(q: T, min: usize) -> usize {
    let q: f64 = q.into();
    (q.ceil() as usize).max(min).max(1)
}

/// The real LAPACK element types of the baseline (`f32`, `f64`).
pub trait Real: Copy + Default + Into<f64> + Send + Sync + 'static {
    /// `?getrf` on the `m×n` column-major `a` (`lda = m`). Returns INFO.
    fn getrf(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int;
    /// `?potrf('L')` on the `n×n` column-major `a`. Returns INFO.
    fn potrf(n: usize, a: &mut [Self]) -> Int;
    /// `?sytrf('L')` with a workspace query. Returns INFO.
    fn sytrf(n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int;
    /// `?geqrf` with a workspace query (`tau` has `min(m, n)` entries). Returns INFO.
    fn geqrf(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int;
    /// Thin `?gesdd('S')` with a workspace query: `s` `min(m,n)`, `u` `m×k`, `vt` `k×n`.
    fn gesdd(
        m: usize,
        n: usize,
        a: &mut [Self],
        s: &mut [Self],
        u: &mut [Self],
        vt: &mut [Self],
    ) -> Int;
    /// The workspace (elements) thin `?gesdd('S')` asks for on an `m×n` matrix.
    fn gesdd_query(m: usize, n: usize) -> usize;
    /// `?syevd('V', 'L')` with a workspace query; eigenvectors overwrite `a`.
    fn syevd(n: usize, a: &mut [Self], w: &mut [Self]) -> Int;
    /// `?geev('N', 'V')` (right eigenvectors) with a workspace query.
    fn geev(n: usize, a: &mut [Self], wr: &mut [Self], wi: &mut [Self], vr: &mut [Self]) -> Int;
    /// `?gees('V', 'N')` (Schur vectors, no sorting) with a workspace query; `T` overwrites `a`.
    fn gees(n: usize, a: &mut [Self], wr: &mut [Self], wi: &mut [Self], vs: &mut [Self]) -> Int;
}

macro_rules! real_impl {
    ($t:ty, $getrf:ident, $potrf:ident, $sytrf:ident, $geqrf:ident, $gesdd:ident, $syevd:ident, $geev:ident, $gees:ident) => {
        impl Real for $t {
            fn getrf(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int {
                assert!(a.len() >= m.max(1) * n && ipiv.len() >= m.min(n));
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n elements and `ipiv` min(m, n) (asserted above); every
                // scalar argument points at a live local.
                unsafe { $getrf(&mi, &ni, a.as_mut_ptr(), &lda, ipiv.as_mut_ptr(), &mut info) };
                info
            }

            fn potrf(n: usize, a: &mut [Self]) -> Int {
                assert!(a.len() >= n.max(1) * n);
                let (ni, lda) = (int(n), int(n.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n elements (asserted); UPLO is one character, its hidden
                // length is passed as 1.
                unsafe { $potrf(&(b'L' as c_char), &ni, a.as_mut_ptr(), &lda, &mut info, 1) };
                info
            }

            fn sytrf(n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int {
                assert!(a.len() >= n.max(1) * n && ipiv.len() >= n);
                let (ni, lda) = (int(n), int(n.max(1)));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: workspace query (lwork = -1) writes one element into `q`; `a` and
                // `ipiv` are large enough (asserted).
                unsafe {
                    $sytrf(
                        &(b'L' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        ipiv.as_mut_ptr(),
                        &mut q,
                        &-1,
                        &mut info,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 1)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork` elements.
                unsafe {
                    $sytrf(
                        &(b'L' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        ipiv.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                        1,
                    )
                };
                info
            }

            fn geqrf(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int {
                assert!(a.len() >= m.max(1) * n && tau.len() >= m.min(n));
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: workspace query writes one element into `q`; buffers asserted above.
                unsafe {
                    $geqrf(
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        &mut q,
                        &-1,
                        &mut info,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ n` elements.
                unsafe {
                    $geqrf(
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                    )
                };
                info
            }

            fn gesdd(
                m: usize,
                n: usize,
                a: &mut [Self],
                s: &mut [Self],
                u: &mut [Self],
                vt: &mut [Self],
            ) -> Int {
                let k = m.min(n);
                assert!(
                    a.len() >= m.max(1) * n
                        && s.len() >= k
                        && u.len() >= m.max(1) * k
                        && vt.len() >= k.max(1) * n
                );
                let (mi, ni, lda, ldu, ldvt) =
                    (int(m), int(n), int(m.max(1)), int(m.max(1)), int(k.max(1)));
                let mut iwork = vec![0 as Int; 8 * k.max(1)];
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: workspace query writes one element into `q`; `a`, `s`, `u` (ldu·k),
                // `vt` (ldvt·n) and `iwork` (8·min(m, n)) are large enough; JOBZ length 1.
                unsafe {
                    $gesdd(
                        &(b'S' as c_char),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldu,
                        vt.as_mut_ptr(),
                        &ldvt,
                        &mut q,
                        &-1,
                        iwork.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 1)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork` elements.
                unsafe {
                    $gesdd(
                        &(b'S' as c_char),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldu,
                        vt.as_mut_ptr(),
                        &ldvt,
                        work.as_mut_ptr(),
                        &lwork,
                        iwork.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                info
            }

            fn gesdd_query(m: usize, n: usize) -> usize {
                let k = m.min(n);
                let (mi, ni, lda, ldu, ldvt) =
                    (int(m), int(n), int(m.max(1)), int(m.max(1)), int(k.max(1)));
                let mut one = [<$t>::default(); 3];
                let mut iwork = vec![0 as Int; 8 * k.max(1)];
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query (lwork = -1) only checks the arguments and writes the
                // optimal size into `q`; it does not read or write A, S, U or VT, so one-element
                // stand-ins are enough; `iwork` has its documented 8·min(m, n) entries anyway.
                unsafe {
                    $gesdd(
                        &(b'S' as c_char),
                        &mi,
                        &ni,
                        one.as_mut_ptr(),
                        &lda,
                        one.as_mut_ptr().add(1),
                        one.as_mut_ptr().add(2),
                        &ldu,
                        one.as_mut_ptr(),
                        &ldvt,
                        &mut q,
                        &-1,
                        iwork.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                assert_eq!(info, 0);
                lw(q, 1)
            }

            fn syevd(n: usize, a: &mut [Self], w: &mut [Self]) -> Int {
                assert!(a.len() >= n.max(1) * n && w.len() >= n);
                let (ni, lda) = (int(n), int(n.max(1)));
                let (mut info, mut q, mut qi) = (0, <$t>::default(), 0 as Int);
                // SAFETY: workspace query writes one element each into `q` and `qi`; `a` and `w`
                // asserted; JOBZ and UPLO lengths 1.
                unsafe {
                    $syevd(
                        &(b'V' as c_char),
                        &(b'L' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        w.as_mut_ptr(),
                        &mut q,
                        &-1,
                        &mut qi,
                        &-1,
                        &mut info,
                        1,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 1 + 6 * n + 2 * n * n)];
                let mut iwork = vec![0 as Int; (qi.max(0) as usize).max(3 + 5 * n)];
                let (lwork, liwork) = (int(work.len()), int(iwork.len()));
                // SAFETY: as above, with `work`/`iwork` holding `lwork`/`liwork` elements (at
                // least the documented minima 1+6n+2n² and 3+5n).
                unsafe {
                    $syevd(
                        &(b'V' as c_char),
                        &(b'L' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        w.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        iwork.as_mut_ptr(),
                        &liwork,
                        &mut info,
                        1,
                        1,
                    )
                };
                info
            }

            fn geev(
                n: usize,
                a: &mut [Self],
                wr: &mut [Self],
                wi: &mut [Self],
                vr: &mut [Self],
            ) -> Int {
                assert!(
                    a.len() >= n.max(1) * n
                        && wr.len() >= n
                        && wi.len() >= n
                        && vr.len() >= n.max(1) * n
                );
                let (ni, lda) = (int(n), int(n.max(1)));
                let mut vl = [<$t>::default(); 1];
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: workspace query writes one element into `q`; `vl` is not referenced
                // (JOBVL = 'N', ldvl = 1); other buffers asserted; two hidden lengths of 1.
                unsafe {
                    $geev(
                        &(b'N' as c_char),
                        &(b'V' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vl.as_mut_ptr(),
                        &1,
                        vr.as_mut_ptr(),
                        &lda,
                        &mut q,
                        &-1,
                        &mut info,
                        1,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 4 * n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ 4n` elements.
                unsafe {
                    $geev(
                        &(b'N' as c_char),
                        &(b'V' as c_char),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vl.as_mut_ptr(),
                        &1,
                        vr.as_mut_ptr(),
                        &lda,
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                        1,
                        1,
                    )
                };
                info
            }

            fn gees(
                n: usize,
                a: &mut [Self],
                wr: &mut [Self],
                wi: &mut [Self],
                vs: &mut [Self],
            ) -> Int {
                assert!(
                    a.len() >= n.max(1) * n
                        && wr.len() >= n
                        && wi.len() >= n
                        && vs.len() >= n.max(1) * n
                );
                let (ni, lda) = (int(n), int(n.max(1)));
                let mut bwork = [0 as Int; 1];
                let (mut info, mut q, mut sdim) = (0, <$t>::default(), 0 as Int);
                // SAFETY: workspace query writes one element into `q`; SORT = 'N' so SELECT and
                // BWORK are not referenced; other buffers asserted; two hidden lengths of 1.
                unsafe {
                    $gees(
                        &(b'V' as c_char),
                        &(b'N' as c_char),
                        None,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        &mut sdim,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vs.as_mut_ptr(),
                        &lda,
                        &mut q,
                        &-1,
                        bwork.as_mut_ptr(),
                        &mut info,
                        1,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 3 * n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ 3n` elements.
                unsafe {
                    $gees(
                        &(b'V' as c_char),
                        &(b'N' as c_char),
                        None,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        &mut sdim,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vs.as_mut_ptr(),
                        &lda,
                        work.as_mut_ptr(),
                        &lwork,
                        bwork.as_mut_ptr(),
                        &mut info,
                        1,
                        1,
                    )
                };
                info
            }
        }
    };
}
real_impl!(f32, sgetrf_, spotrf_, ssytrf_, sgeqrf_, sgesdd_, ssyevd_, sgeev_, sgees_);
real_impl!(f64, dgetrf_, dpotrf_, dsytrf_, dgeqrf_, dgesdd_, dsyevd_, dgeev_, dgees_);
