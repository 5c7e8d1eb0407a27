//! The alternative LAPACK drivers and blockings that `driver_probe` sets against ndfactor's
//! choices: ?gesvd and ?gesdd by JOB, ?geqrt with a chosen block size and ?geqrt3, the pieces of
//! ?geev (?gebal, ?gehrd, ?orghr, ?hseqr, ?trevc3, ?gebak), and the recursive ?getrf2 and
//! ?potrf2, the unblocked ?getf2, ?potf2 and ?geqr2, and ?geqrf without its workspace
//! query. Declared here (not in the crate under test), each with its hidden `CHARACTER`
//! lengths, behind safe wrappers that check every buffer length and query the workspace.

use std::os::raw::c_char;

use super::Real;

type Int = i32;

fn int(n: usize) -> Int {
    Int::try_from(n).expect("size fits LAPACK's 32-bit integers")
}

fn lw<T: Into<f64> + Copy>(q: T, min: usize) -> usize {
    let q: f64 = q.into();
    (q.ceil() as usize).max(min).max(1)
}

fn ch(c: u8) -> c_char {
    c as c_char
}

/// Outputs of a composed or driver eigenvalue call: real and imaginary parts of the
/// eigenvalues and the right eigenvectors in LAPACK's packing (a complex pair as two columns).
pub struct EigOut<T> {
    /// Real parts.
    pub wr: Vec<T>,
    /// Imaginary parts.
    pub wi: Vec<T>,
    /// Right eigenvectors, column-major `n×n`.
    pub vr: Vec<T>,
}

/// The raw routines, for `f32` and `f64`.
pub trait Drivers: Real + OrgqrFfi {
    /// `Self` from an `f64` (rounded for `f32`).
    fn of(x: f64) -> Self;
    /// `?gesvd(jobu, jobvt)` with a workspace query on the column-major `m×n` `a`; `u` is
    /// `m×ucols`, `vt` `ldvt×n` (one element each when not referenced). Returns INFO.
    #[allow(clippy::too_many_arguments)]
    fn gesvd(
        jobu: u8,
        jobvt: u8,
        m: usize,
        n: usize,
        a: &mut [Self],
        s: &mut [Self],
        u: &mut [Self],
        ldu: usize,
        vt: &mut [Self],
        ldvt: usize,
    ) -> Int;
    /// `?gesdd(jobz)` with a workspace query, as [`Drivers::gesvd`]. Returns INFO.
    #[allow(clippy::too_many_arguments)]
    fn gesdd_job(
        jobz: u8,
        m: usize,
        n: usize,
        a: &mut [Self],
        s: &mut [Self],
        u: &mut [Self],
        ldu: usize,
        vt: &mut [Self],
        ldvt: usize,
    ) -> Int;
    /// `?geqrt` with block size `nb` (`t` is `nb×min(m, n)`). Returns INFO.
    fn geqrt(m: usize, n: usize, nb: usize, a: &mut [Self], t: &mut [Self]) -> Int;
    /// `?geqrt3` (recursive; `m ≥ n`, `t` is `n×n`). Returns INFO.
    fn geqrt3(m: usize, n: usize, a: &mut [Self], t: &mut [Self]) -> Int;
    /// `?getrf2` (recursive LU). Returns INFO.
    fn getrf2(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int;
    /// `?potrf2('L')` (recursive Cholesky). Returns INFO.
    fn potrf2(n: usize, a: &mut [Self]) -> Int;
    /// `?geqrf` with a caller-chosen `lwork` (no workspace query; `lwork ≥ n`). Returns INFO.
    fn geqrf_lwork(m: usize, n: usize, a: &mut [Self], tau: &mut [Self], lwork: usize) -> Int;
    /// `?geqr2` (unblocked QR). Returns INFO.
    fn geqr2(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int;
    /// `?getf2` (unblocked LU). Returns INFO.
    fn getf2(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int;
    /// `?potf2('L')` (unblocked Cholesky). Returns INFO.
    fn potf2(n: usize, a: &mut [Self]) -> Int;
    /// `?geev('N', 'V')` by hand: `?gebal(balanc)`, `?gehrd`, `?orghr`, `?hseqr('S', 'V')`,
    /// `?trevc3('R', 'B')`, `?gebak` and the normalisation ?geev applies (unit 2-norm, largest
    /// component real). `a` is overwritten. Returns the outputs and the first nonzero INFO.
    fn geev_composed(n: usize, a: &mut [Self], balanc: u8) -> (EigOut<Self>, Int);
}

macro_rules! drivers_impl {
    ($t:ty, $p:literal) => {
        impl Drivers for $t {
            fn of(x: f64) -> Self {
                x as $t
            }

            fn gesvd(
                jobu: u8,
                jobvt: u8,
                m: usize,
                n: usize,
                a: &mut [Self],
                s: &mut [Self],
                u: &mut [Self],
                ldu: usize,
                vt: &mut [Self],
                ldvt: usize,
            ) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "gesvd_")]
                    fn gesvd(
                        jobu: *const c_char,
                        jobvt: *const c_char,
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
                        info: *mut Int,
                        l1: usize,
                        l2: usize,
                    );
                }
                let k = m.min(n);
                let ucols = match jobu {
                    b'S' => k,
                    b'A' => m,
                    _ => 0,
                };
                assert!(a.len() >= m.max(1) * n && s.len() >= k);
                assert!(ldu >= 1 && u.len() >= (ldu * ucols).max(1) && (ucols == 0 || ldu >= m));
                let vt_rows = match jobvt {
                    b'S' => k,
                    b'A' => n,
                    _ => 0,
                };
                assert!(ldvt >= vt_rows.max(1) && vt.len() >= (ldvt * n).max(1) || vt_rows == 0);
                let (mi, ni, lda, ldui, ldvti) =
                    (int(m), int(n), int(m.max(1)), int(ldu), int(ldvt));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query (lwork = -1) writes one element into `q`; every
                // buffer is as long as the call below needs (asserted); two hidden lengths.
                unsafe {
                    gesvd(
                        &ch(jobu),
                        &ch(jobvt),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldui,
                        vt.as_mut_ptr(),
                        &ldvti,
                        &mut q,
                        &-1,
                        &mut info,
                        1,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 5 * k + m.max(n))];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork` elements (at least the
                // documented minimum max(3·min(m, n) + max(m, n), 5·min(m, n))).
                unsafe {
                    gesvd(
                        &ch(jobu),
                        &ch(jobvt),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldui,
                        vt.as_mut_ptr(),
                        &ldvti,
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                        1,
                        1,
                    )
                };
                info
            }

            fn gesdd_job(
                jobz: u8,
                m: usize,
                n: usize,
                a: &mut [Self],
                s: &mut [Self],
                u: &mut [Self],
                ldu: usize,
                vt: &mut [Self],
                ldvt: usize,
            ) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "gesdd_")]
                    fn gesdd(
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
                        l1: usize,
                    );
                }
                let k = m.min(n);
                assert!(matches!(jobz, b'N' | b'S'), "gesdd_job: JOBZ 'N' or 'S'");
                assert!(a.len() >= m.max(1) * n && s.len() >= k && ldu >= 1 && ldvt >= 1);
                if jobz == b'S' {
                    assert!(ldu >= m && u.len() >= ldu * k && ldvt >= k && vt.len() >= ldvt * n);
                }
                let (mi, ni, lda, ldui, ldvti) =
                    (int(m), int(n), int(m.max(1)), int(ldu), int(ldvt));
                let mut iwork = vec![0 as Int; 8 * k.max(1)];
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query writes one element into `q`; the buffers are as
                // long as JOBZ requires (asserted), `iwork` has 8·min(m, n); one hidden length.
                unsafe {
                    gesdd(
                        &ch(jobz),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldui,
                        vt.as_mut_ptr(),
                        &ldvti,
                        &mut q,
                        &-1,
                        iwork.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, 1)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding the `lwork` elements the query asked for.
                unsafe {
                    gesdd(
                        &ch(jobz),
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        s.as_mut_ptr(),
                        u.as_mut_ptr(),
                        &ldui,
                        vt.as_mut_ptr(),
                        &ldvti,
                        work.as_mut_ptr(),
                        &lwork,
                        iwork.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                info
            }

            fn geqrt(m: usize, n: usize, nb: usize, a: &mut [Self], t: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqrt_")]
                    fn geqrt(
                        m: *const Int,
                        n: *const Int,
                        nb: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        t: *mut $t,
                        ldt: *const Int,
                        work: *mut $t,
                        info: *mut Int,
                    );
                }
                let k = m.min(n);
                assert!(nb >= 1 && nb <= k.max(1));
                assert!(a.len() >= m.max(1) * n && t.len() >= nb * k);
                let mut work = vec![<$t>::default(); nb * n.max(1)];
                let (mi, ni, nbi, lda) = (int(m), int(n), int(nb), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n, `t` nb·min(m, n) with ldt = nb, `work` nb·n
                // (asserted or sized above); no buffers alias.
                unsafe {
                    geqrt(
                        &mi,
                        &ni,
                        &nbi,
                        a.as_mut_ptr(),
                        &lda,
                        t.as_mut_ptr(),
                        &nbi,
                        work.as_mut_ptr(),
                        &mut info,
                    )
                };
                info
            }

            fn geqrt3(m: usize, n: usize, a: &mut [Self], t: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqrt3_")]
                    fn geqrt3(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        t: *mut $t,
                        ldt: *const Int,
                        info: *mut Int,
                    );
                }
                assert!(m >= n && a.len() >= m.max(1) * n && t.len() >= n.max(1) * n);
                let (mi, ni, lda, ldt) = (int(m), int(n), int(m.max(1)), int(n.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n with m ≥ n, `t` ldt·n (asserted).
                unsafe {
                    geqrt3(
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        t.as_mut_ptr(),
                        &ldt,
                        &mut info,
                    )
                };
                info
            }

            fn getrf2(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "getrf2_")]
                    fn getrf2(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        ipiv: *mut Int,
                        info: *mut Int,
                    );
                }
                assert!(a.len() >= m.max(1) * n && ipiv.len() >= m.min(n));
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n and `ipiv` min(m, n) (asserted).
                unsafe { getrf2(&mi, &ni, a.as_mut_ptr(), &lda, ipiv.as_mut_ptr(), &mut info) };
                info
            }

            fn potrf2(n: usize, a: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "potrf2_")]
                    fn potrf2(
                        uplo: *const c_char,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        info: *mut Int,
                        l1: usize,
                    );
                }
                assert!(a.len() >= n.max(1) * n);
                let (ni, lda) = (int(n), int(n.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n (asserted); UPLO is one character.
                unsafe { potrf2(&ch(b'L'), &ni, a.as_mut_ptr(), &lda, &mut info, 1) };
                info
            }

            fn geqrf_lwork(
                m: usize,
                n: usize,
                a: &mut [Self],
                tau: &mut [Self],
                lwork: usize,
            ) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqrf_")]
                    fn geqrf(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *mut $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                }
                assert!(a.len() >= m.max(1) * n && tau.len() >= m.min(n) && lwork >= n.max(1));
                let mut work = vec![<$t>::default(); lwork];
                let (mi, ni, lda, lw) = (int(m), int(n), int(m.max(1)), int(lwork));
                let mut info = 0;
                // SAFETY: `a` holds lda·n, `tau` min(m, n), `work` lwork ≥ max(1, n) (asserted).
                unsafe {
                    geqrf(
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &lw,
                        &mut info,
                    )
                };
                info
            }

            fn geqr2(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqr2_")]
                    fn geqr2(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *mut $t,
                        work: *mut $t,
                        info: *mut Int,
                    );
                }
                assert!(a.len() >= m.max(1) * n && tau.len() >= m.min(n));
                let mut work = vec![<$t>::default(); n.max(1)];
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n, `tau` min(m, n), `work` n (asserted, sized above).
                unsafe {
                    geqr2(
                        &mi,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &mut info,
                    )
                };
                info
            }

            fn getf2(m: usize, n: usize, a: &mut [Self], ipiv: &mut [Int]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "getf2_")]
                    fn getf2(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        ipiv: *mut Int,
                        info: *mut Int,
                    );
                }
                assert!(a.len() >= m.max(1) * n && ipiv.len() >= m.min(n));
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n and `ipiv` min(m, n) (asserted).
                unsafe { getf2(&mi, &ni, a.as_mut_ptr(), &lda, ipiv.as_mut_ptr(), &mut info) };
                info
            }

            fn potf2(n: usize, a: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "potf2_")]
                    fn potf2(
                        uplo: *const c_char,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        info: *mut Int,
                        l1: usize,
                    );
                }
                assert!(a.len() >= n.max(1) * n);
                let (ni, lda) = (int(n), int(n.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n (asserted); UPLO is one character.
                unsafe { potf2(&ch(b'L'), &ni, a.as_mut_ptr(), &lda, &mut info, 1) };
                info
            }

            fn geev_composed(n: usize, a: &mut [Self], balanc: u8) -> (EigOut<Self>, Int) {
                unsafe extern "C" {
                    #[link_name = concat!($p, "gebal_")]
                    fn gebal(
                        job: *const c_char,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        ilo: *mut Int,
                        ihi: *mut Int,
                        scale: *mut $t,
                        info: *mut Int,
                        l1: usize,
                    );
                    #[link_name = concat!($p, "gehrd_")]
                    fn gehrd(
                        n: *const Int,
                        ilo: *const Int,
                        ihi: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *mut $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                    #[link_name = concat!($p, "orghr_")]
                    fn orghr(
                        n: *const Int,
                        ilo: *const Int,
                        ihi: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *const $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                    #[link_name = concat!($p, "hseqr_")]
                    fn hseqr(
                        job: *const c_char,
                        compz: *const c_char,
                        n: *const Int,
                        ilo: *const Int,
                        ihi: *const Int,
                        h: *mut $t,
                        ldh: *const Int,
                        wr: *mut $t,
                        wi: *mut $t,
                        z: *mut $t,
                        ldz: *const Int,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                        l1: usize,
                        l2: usize,
                    );
                    #[link_name = concat!($p, "trevc3_")]
                    fn trevc3(
                        side: *const c_char,
                        howmny: *const c_char,
                        select: *mut Int,
                        n: *const Int,
                        t: *const $t,
                        ldt: *const Int,
                        vl: *mut $t,
                        ldvl: *const Int,
                        vr: *mut $t,
                        ldvr: *const Int,
                        mm: *const Int,
                        m: *mut Int,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                        l1: usize,
                        l2: usize,
                    );
                    #[link_name = concat!($p, "gebak_")]
                    fn gebak(
                        job: *const c_char,
                        side: *const c_char,
                        n: *const Int,
                        ilo: *const Int,
                        ihi: *const Int,
                        scale: *const $t,
                        m: *const Int,
                        v: *mut $t,
                        ldv: *const Int,
                        info: *mut Int,
                        l1: usize,
                        l2: usize,
                    );
                }
                assert!(n >= 1 && a.len() >= n * n);
                let (ni, lda) = (int(n), int(n));
                let (mut ilo, mut ihi, mut info) = (1 as Int, ni, 0 as Int);
                let mut scale = vec![<$t>::default(); n];
                let mut tau = vec![<$t>::default(); n.saturating_sub(1).max(1)];
                let mut wr = vec![<$t>::default(); n];
                let mut wi = vec![<$t>::default(); n];
                let mut vr = vec![<$t>::default(); n * n];
                let mut dummy = [<$t>::default(); 1];
                let mut select = [0 as Int; 1];
                // SAFETY: `a` is n×n with lda = n, `scale` holds n (asserted, sized above).
                unsafe {
                    gebal(
                        &ch(balanc),
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        &mut ilo,
                        &mut ihi,
                        scale.as_mut_ptr(),
                        &mut info,
                        1,
                    )
                };
                if info != 0 {
                    return (EigOut { wr, wi, vr }, info);
                }
                // Workspace: the largest of the four queries.
                let mut q = [<$t>::default(); 4];
                let mut m_out = 0 as Int;
                // SAFETY: workspace queries (lwork = -1) write one element each into `q`;
                // every other buffer is sized for the real calls below.
                unsafe {
                    gehrd(
                        &ni,
                        &ilo,
                        &ihi,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        &mut q[0],
                        &-1,
                        &mut info,
                    );
                    orghr(
                        &ni,
                        &ilo,
                        &ihi,
                        vr.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        &mut q[1],
                        &-1,
                        &mut info,
                    );
                    hseqr(
                        &ch(b'S'),
                        &ch(b'V'),
                        &ni,
                        &ilo,
                        &ihi,
                        a.as_mut_ptr(),
                        &lda,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vr.as_mut_ptr(),
                        &lda,
                        &mut q[2],
                        &-1,
                        &mut info,
                        1,
                        1,
                    );
                    trevc3(
                        &ch(b'R'),
                        &ch(b'B'),
                        select.as_mut_ptr(),
                        &ni,
                        a.as_ptr(),
                        &lda,
                        dummy.as_mut_ptr(),
                        &1,
                        vr.as_mut_ptr(),
                        &lda,
                        &ni,
                        &mut m_out,
                        &mut q[3],
                        &-1,
                        &mut info,
                        1,
                        1,
                    );
                }
                let need = q.iter().map(|&x| lw(x, 4 * n)).max().unwrap_or(4 * n);
                let mut work = vec![<$t>::default(); need];
                let lwork = int(need);
                // SAFETY: `a` and `vr` are n×n with ld n, `tau` n − 1, `wr`/`wi` n, `work`
                // `lwork` ≥ every query and ≥ 4n; SELECT is not referenced for HOWMNY = 'B';
                // VL is not referenced for SIDE = 'R' (ldvl = 1); all hidden lengths are 1.
                unsafe {
                    gehrd(
                        &ni,
                        &ilo,
                        &ihi,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_mut_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                    );
                    // ?lacpy('L'): the reflectors below the subdiagonal into VR for ?orghr.
                    for j in 0..n {
                        for i in j + 1..n {
                            vr[i + j * n] = a[i + j * n];
                        }
                    }
                    orghr(
                        &ni,
                        &ilo,
                        &ihi,
                        vr.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                    );
                    hseqr(
                        &ch(b'S'),
                        &ch(b'V'),
                        &ni,
                        &ilo,
                        &ihi,
                        a.as_mut_ptr(),
                        &lda,
                        wr.as_mut_ptr(),
                        wi.as_mut_ptr(),
                        vr.as_mut_ptr(),
                        &lda,
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                        1,
                        1,
                    );
                    if info != 0 {
                        return (EigOut { wr, wi, vr }, info);
                    }
                    trevc3(
                        &ch(b'R'),
                        &ch(b'B'),
                        select.as_mut_ptr(),
                        &ni,
                        a.as_ptr(),
                        &lda,
                        dummy.as_mut_ptr(),
                        &1,
                        vr.as_mut_ptr(),
                        &lda,
                        &ni,
                        &mut m_out,
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                        1,
                        1,
                    );
                    gebak(
                        &ch(balanc),
                        &ch(b'R'),
                        &ni,
                        &ilo,
                        &ihi,
                        scale.as_ptr(),
                        &ni,
                        vr.as_mut_ptr(),
                        &lda,
                        &mut info,
                        1,
                        1,
                    );
                }
                normalise(n, &wi, &mut vr);
                (EigOut { wr, wi, vr }, info)
            }
        }
    };
}

/// ?geev's normalisation of the right eigenvectors: each real one to unit 2-norm, each complex
/// pair (columns `j`, `j+1` = real and imaginary parts) to unit 2-norm with its largest
/// component real.
fn normalise<T: Drivers>(n: usize, wi: &[T], vr: &mut [T]) {
    let f = |x: T| -> f64 { x.into() };
    let mut j = 0;
    while j < n {
        // Exact: ?geev/?hseqr store WI = 0 exactly for a real eigenvalue (and ±β for a pair).
        if f(wi[j]) == 0.0 {
            let c = &mut vr[j * n..(j + 1) * n];
            let nrm = c.iter().map(|&x| f(x) * f(x)).sum::<f64>().sqrt();
            c.iter_mut().for_each(|x| *x = T::of(f(*x) / nrm));
            j += 1;
        } else {
            let (re, im) = vr[j * n..(j + 2) * n].split_at_mut(n);
            let nrm = re
                .iter()
                .chain(im.iter())
                .map(|&x| f(x) * f(x))
                .sum::<f64>()
                .sqrt();
            let (mut kmax, mut big) = (0, -1.0);
            for i in 0..n {
                let (a, b) = (f(re[i]) / nrm, f(im[i]) / nrm);
                re[i] = T::of(a);
                im[i] = T::of(b);
                if a * a + b * b > big {
                    (kmax, big) = (i, a * a + b * b);
                }
            }
            let r = big.sqrt();
            let (c, s) = (f(re[kmax]) / r, f(im[kmax]) / r);
            for i in 0..n {
                let (a, b) = (f(re[i]), f(im[i]));
                re[i] = T::of(c * a + s * b);
                im[i] = T::of(c * b - s * a);
            }
            im[kmax] = T::of(0.0);
            j += 2;
        }
    }
}

drivers_impl!(f32, "s");
drivers_impl!(f64, "d");

/// `?orgqr`: the first `n` columns of `Q` from the reflectors of ?geqrf (or ?geqrt, with τ read
/// from the diagonals of its `T`) in the column-major `m×n` `a`, `m ≥ n`. Returns INFO.
pub fn orgqr<T: Drivers>(m: usize, n: usize, a: &mut [T], tau: &[T]) -> Int {
    T::orgqr(m, n, a, tau)
}

/// The ?orgqr binding behind [`orgqr`].
pub trait OrgqrFfi: Sized {
    /// See [`orgqr`].
    fn orgqr(m: usize, n: usize, a: &mut [Self], tau: &[Self]) -> Int;
}

macro_rules! orgqr_impl {
    ($t:ty, $p:literal) => {
        impl OrgqrFfi for $t {
            fn orgqr(m: usize, n: usize, a: &mut [Self], tau: &[Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "orgqr_")]
                    fn orgqr(
                        m: *const Int,
                        n: *const Int,
                        k: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *const $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                }
                assert!(m >= n && a.len() >= m.max(1) * n && tau.len() >= n);
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query writes one element into `q`; `a` holds lda·n and
                // `tau` n (asserted).
                unsafe {
                    orgqr(
                        &mi,
                        &ni,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        &mut q,
                        &-1,
                        &mut info,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q, n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ n` elements.
                unsafe {
                    orgqr(
                        &mi,
                        &ni,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                    )
                };
                info
            }
        }
    };
}
orgqr_impl!(f32, "s");
orgqr_impl!(f64, "d");

/// The complex QR routines of the probe's `qr_c32`/`qr_c64` cases: ?geqrf (with a workspace
/// query), ?geqrt with block size `nb`, and ?ungqr.
pub trait ComplexQr: Copy + Default + Send + Sync + 'static {
    /// `?geqrf` with a workspace query (`tau` has `min(m, n)` entries). Returns INFO.
    fn geqrf(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int;
    /// `?geqrt` with block size `nb` (`t` is `nb×min(m, n)`). Returns INFO.
    fn geqrt(m: usize, n: usize, nb: usize, a: &mut [Self], t: &mut [Self]) -> Int;
    /// `?ungqr`: the first `n` columns of `Q`, `m ≥ n`. Returns INFO.
    fn ungqr(m: usize, n: usize, a: &mut [Self], tau: &[Self]) -> Int;
}

macro_rules! complex_qr_impl {
    ($t:ty, $p:literal) => {
        impl ComplexQr for $t {
            fn geqrf(m: usize, n: usize, a: &mut [Self], tau: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqrf_")]
                    fn geqrf(
                        m: *const Int,
                        n: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *mut $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                }
                assert!(a.len() >= m.max(1) * n && tau.len() >= m.min(n));
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query writes one element into `q`; `a` holds lda·n and
                // `tau` min(m, n) (asserted).
                unsafe {
                    geqrf(
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
                let mut work = vec![<$t>::default(); lw(q.re, n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ n` elements.
                unsafe {
                    geqrf(
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

            fn geqrt(m: usize, n: usize, nb: usize, a: &mut [Self], t: &mut [Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "geqrt_")]
                    fn geqrt(
                        m: *const Int,
                        n: *const Int,
                        nb: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        t: *mut $t,
                        ldt: *const Int,
                        work: *mut $t,
                        info: *mut Int,
                    );
                }
                let k = m.min(n);
                assert!(nb >= 1 && nb <= k.max(1));
                assert!(a.len() >= m.max(1) * n && t.len() >= nb * k);
                let mut work = vec![<$t>::default(); nb * n.max(1)];
                let (mi, ni, nbi, lda) = (int(m), int(n), int(nb), int(m.max(1)));
                let mut info = 0;
                // SAFETY: `a` holds lda·n, `t` nb·min(m, n) with ldt = nb, `work` nb·n.
                unsafe {
                    geqrt(
                        &mi,
                        &ni,
                        &nbi,
                        a.as_mut_ptr(),
                        &lda,
                        t.as_mut_ptr(),
                        &nbi,
                        work.as_mut_ptr(),
                        &mut info,
                    )
                };
                info
            }

            fn ungqr(m: usize, n: usize, a: &mut [Self], tau: &[Self]) -> Int {
                unsafe extern "C" {
                    #[link_name = concat!($p, "ungqr_")]
                    fn ungqr(
                        m: *const Int,
                        n: *const Int,
                        k: *const Int,
                        a: *mut $t,
                        lda: *const Int,
                        tau: *const $t,
                        work: *mut $t,
                        lwork: *const Int,
                        info: *mut Int,
                    );
                }
                assert!(m >= n && a.len() >= m.max(1) * n && tau.len() >= n);
                let (mi, ni, lda) = (int(m), int(n), int(m.max(1)));
                let (mut info, mut q) = (0, <$t>::default());
                // SAFETY: a workspace query writes one element into `q`; `a` holds lda·n and
                // `tau` n (asserted).
                unsafe {
                    ungqr(
                        &mi,
                        &ni,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        &mut q,
                        &-1,
                        &mut info,
                    )
                };
                let mut work = vec![<$t>::default(); lw(q.re, n)];
                let lwork = int(work.len());
                // SAFETY: as above, with `work` holding `lwork ≥ n` elements.
                unsafe {
                    ungqr(
                        &mi,
                        &ni,
                        &ni,
                        a.as_mut_ptr(),
                        &lda,
                        tau.as_ptr(),
                        work.as_mut_ptr(),
                        &lwork,
                        &mut info,
                    )
                };
                info
            }
        }
    };
}
complex_qr_impl!(num_complex::Complex<f32>, "c");
complex_qr_impl!(num_complex::Complex<f64>, "z");
