//! ScaLAPACK, PBLAS and BLACS (feature `mpi`): hand-written declarations and safe wrappers.
//!
//! Linked against Debian's `libscalapack-openmpi` (build.rs, only under the feature), whose
//! Fortran `INTEGER` is 32 bits whatever LAPACK backend ndfactor uses: every integer here is
//! [`ScaInt`] (`i32`), never [`BlasInt`](super::BlasInt). CHARACTER arguments carry their hidden
//! trailing length (`usize`), as in the rest of `lapack/`.
//!
//! # Safety conventions
//! A distributed routine reads and writes the *local* part of each matrix: an `LOCr(M)×LOCc(N)`
//! column-major array with leading dimension `LLD ≥ max(1, LOCr(M))` (ScaLAPACK's array
//! descriptor, [`Desc`]). Every wrapper asserts, before its `unsafe` block, that each local buffer
//! holds `LLD·LOCc(N)` elements for the descriptor it passes ([`assert_local`]), that replicated
//! vectors (τ, σ, λ, pivots) have the documented lengths, and that the workspace has the length
//! it announces; each SAFETY comment relies on those assertions. All processes of the grid call
//! each routine together (ScaLAPACK's routines are collective).

#![allow(clippy::too_many_arguments)]

use std::os::raw::{c_char, c_int};

use mpi::ffi::MPI_Comm;
use num_complex::Complex;

use super::LapackScalar;
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

/// ScaLAPACK's and BLACS's `INTEGER` (32 bits in Debian's `libscalapack-openmpi`).
pub(crate) type ScaInt = i32;

/// A ScaLAPACK array descriptor (`DTYPE, CTXT, M, N, MB, NB, RSRC, CSRC, LLD`).
pub(crate) type Desc = [ScaInt; 9];

const CTXT: usize = 1;
const M_: usize = 2;
const N_: usize = 3;
const MB_: usize = 4;
const NB_: usize = 5;
const LLD: usize = 8;

unsafe extern "C" {
    // BLACS, C interface (libscalapack-openmpi exports both the C and the Fortran entry points).
    // void Cblacs_pinfo(int *mypnum, int *nprocs)
    fn Cblacs_pinfo(mypnum: *mut c_int, nprocs: *mut c_int);
    // int Csys2blacs_handle(MPI_Comm SysCtxt)
    fn Csys2blacs_handle(comm: MPI_Comm) -> c_int;
    // void Cfree_blacs_system_handle(int handle)
    fn Cfree_blacs_system_handle(handle: c_int);
    // void Cblacs_gridinit(int *ConTxt, char *order, int nprow, int npcol)
    fn Cblacs_gridinit(ctxt: *mut c_int, order: *const c_char, nprow: c_int, npcol: c_int);
    // void Cblacs_gridinfo(int ConTxt, int *nprow, int *npcol, int *myrow, int *mycol)
    fn Cblacs_gridinfo(
        ctxt: c_int,
        nprow: *mut c_int,
        npcol: *mut c_int,
        myrow: *mut c_int,
        mycol: *mut c_int,
    );
    // void Cblacs_gridexit(int ConTxt)
    fn Cblacs_gridexit(ctxt: c_int);

    // INTEGER FUNCTION NUMROC( N, NB, IPROC, ISRCPROC, NPROCS )
    fn numroc_(
        n: *const ScaInt,
        nb: *const ScaInt,
        iproc: *const ScaInt,
        isrcproc: *const ScaInt,
        nprocs: *const ScaInt,
    ) -> ScaInt;
    // SUBROUTINE DESCINIT( DESC, M, N, MB, NB, IRSRC, ICSRC, ICTXT, LLD, INFO )
    fn descinit_(
        desc: *mut ScaInt,
        m: *const ScaInt,
        n: *const ScaInt,
        mb: *const ScaInt,
        nb: *const ScaInt,
        irsrc: *const ScaInt,
        icsrc: *const ScaInt,
        ictxt: *const ScaInt,
        lld: *const ScaInt,
        info: *mut ScaInt,
    );
}

/// `true` while MPI is initialised and not yet finalised (MPI_Initialized, MPI_Finalized).
pub(crate) fn mpi_active() -> bool {
    let (mut init, mut fin) = (0, 0);
    // SAFETY: both may be called at any time, before MPI_Init and after MPI_Finalize; each
    // writes one int through a valid pointer.
    unsafe {
        mpi::ffi::MPI_Initialized(&mut init);
        mpi::ffi::MPI_Finalized(&mut fin);
    }
    init != 0 && fin == 0
}

thread_local! {
    static PXERBLA_CALL: std::cell::RefCell<Option<(String, ScaInt)>> =
        const { std::cell::RefCell::new(None) };
}

/// Replacement for ScaLAPACK's `PXERBLA` (argument-error handler), which prints and returns,
/// and which some drivers ignore when an inner routine calls it (PDSYEVD went on with wrong
/// vectors after PDORMTR rejected its workspace): record the call, so that every wrapper turns
/// it into `IllegalArgument`, reconciled over the processes.
///
/// # Safety
/// Called by ScaLAPACK with `srname` pointing to `len` bytes (a Fortran CHARACTER) and `info`
/// to one integer. It cannot unwind: nothing in it panics.
#[cfg(feature = "xerbla")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pxerbla_(
    _ictxt: *const ScaInt,
    srname: *const c_char,
    info: *const ScaInt,
    len: usize,
) {
    let mut name = String::new();
    if !srname.is_null() {
        for i in 0..len.min(32) {
            // SAFETY: ScaLAPACK passes `len` readable bytes at `srname`; we read at most 32.
            let c = unsafe { *srname.add(i) } as u8;
            if c == 0 || c == b' ' {
                break;
            }
            name.push(c.to_ascii_lowercase() as char);
        }
    }
    // SAFETY: `info` points to the INFO integer, valid for the duration of the call.
    let arg = if info.is_null() { 0 } else { unsafe { *info } };
    let _ = PXERBLA_CALL.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            slot.get_or_insert((name, arg));
        }
    });
}

/// Takes the PXERBLA call recorded on this thread since the last take, as a negative INFO
/// (`-arg`), or `info` itself when there was none.
pub(crate) fn with_pxerbla(info: ScaInt) -> ScaInt {
    let call = PXERBLA_CALL.with(|c| c.borrow_mut().take());
    match call {
        Some((_, arg)) if info >= 0 => -arg.abs().max(1),
        _ => info,
    }
}

/// Initialises BLACS on top of the already initialised MPI (idempotent).
pub(crate) fn blacs_pinfo() -> (ScaInt, ScaInt) {
    let (mut me, mut np) = (0, 0);
    // SAFETY: two valid out-pointers; BLACS uses the MPI library that is already initialised
    // (the caller holds an MPI communicator).
    unsafe { Cblacs_pinfo(&mut me, &mut np) };
    (me, np)
}

/// A BLACS system handle and a `p×q` row-major process grid on communicator `comm`:
/// `(handle, ctxt)`. Collective over `comm`, whose size must be `p·q`.
pub(crate) fn blacs_grid(comm: MPI_Comm, p: ScaInt, q: ScaInt) -> (ScaInt, ScaInt) {
    assert!(p >= 1 && q >= 1);
    blacs_pinfo();
    // SAFETY: `comm` is a valid communicator handle owned by the caller for the grid's life.
    let handle = unsafe { Csys2blacs_handle(comm) };
    let mut ctxt = handle;
    // SAFETY: `ctxt` holds the system handle on entry (BLACS's convention) and receives the
    // context; the order string is one NUL-terminated character; p·q = size of `comm`.
    unsafe { Cblacs_gridinit(&mut ctxt, c"R".as_ptr(), p, q) };
    (handle, ctxt)
}

/// `(nprow, npcol, myrow, mycol)` of a BLACS context.
pub(crate) fn grid_info(ctxt: ScaInt) -> (ScaInt, ScaInt, ScaInt, ScaInt) {
    let (mut p, mut q, mut r, mut c) = (-1, -1, -1, -1);
    // SAFETY: four valid out-pointers; an unknown context returns -1 in each.
    unsafe { Cblacs_gridinfo(ctxt, &mut p, &mut q, &mut r, &mut c) };
    (p, q, r, c)
}

/// Releases a grid made by [`blacs_grid`]. Collective.
pub(crate) fn grid_exit(handle: ScaInt, ctxt: ScaInt) {
    // SAFETY: `ctxt` and `handle` come from `blacs_grid` and are released once (by `Drop`).
    unsafe {
        Cblacs_gridexit(ctxt);
        Cfree_blacs_system_handle(handle);
    }
}

/// Rows (or columns) of a global dimension `n` in block size `nb` owned by process `iproc` of
/// `nprocs` (first block on process 0).
pub(crate) fn numroc(n: usize, nb: usize, iproc: usize, nprocs: usize) -> usize {
    // Pure index arithmetic, the same as ScaLAPACK's NUMROC, done in Rust so that sizes are
    // checked in usize (the library is used for descriptors only).
    let nblocks = n / nb;
    let mut num = (nblocks / nprocs) * nb;
    let extra = nblocks % nprocs;
    if iproc < extra {
        num += nb;
    } else if iproc == extra {
        num += n % nb;
    }
    num
}

/// ScaLAPACK's own NUMROC (to cross-check [`numroc`] in tests).
pub(crate) fn numroc_sys(n: ScaInt, nb: ScaInt, iproc: ScaInt, nprocs: ScaInt) -> ScaInt {
    let src = 0;
    // SAFETY: five valid pointers to integers; NUMROC only reads them.
    unsafe { numroc_(&n, &nb, &iproc, &src, &nprocs) }
}

/// Converts a size to [`ScaInt`], or `TooLarge`.
pub(crate) fn sca_int(n: usize) -> Result<ScaInt> {
    ScaInt::try_from(n).map_err(|_| Error::TooLarge { dim: n })
}

/// A descriptor for an `m×n` matrix in `nb×nb` blocks on context `ctxt` with local leading
/// dimension `lld` (DESCINIT, first block on process (0, 0)).
pub(crate) fn descinit(m: usize, n: usize, nb: usize, ctxt: ScaInt, lld: usize) -> Result<Desc> {
    let (m, n, nb, lld) = (sca_int(m)?, sca_int(n)?, sca_int(nb)?, sca_int(lld)?);
    let mut desc: Desc = [0; 9];
    let mut info = 0;
    let zero = 0;
    // SAFETY: `desc` has the 9 entries DESCINIT writes; the other arguments are read only.
    unsafe {
        descinit_(
            desc.as_mut_ptr(),
            &m,
            &n,
            &nb,
            &nb,
            &zero,
            &zero,
            &ctxt,
            &lld,
            &mut info,
        )
    };
    if info != 0 {
        return Err(Error::IllegalArgument {
            routine: "descinit".into(),
            arg: -info,
        });
    }
    Ok(desc)
}

/// `(LOCr(M), LOCc(N))` of a descriptor on the calling process.
pub(crate) fn local_dims(desc: &Desc) -> (usize, usize) {
    let (p, q, r, c) = grid_info(desc[CTXT]);
    assert!(
        p >= 1 && q >= 1 && r >= 0 && c >= 0,
        "process outside the grid"
    );
    let u = |x: ScaInt| usize::try_from(x).expect("non-negative descriptor entry");
    let dims = (
        numroc(u(desc[M_]), u(desc[MB_]), u(r), u(p)),
        numroc(u(desc[N_]), u(desc[NB_]), u(c), u(q)),
    );
    debug_assert_eq!(
        dims.0,
        u(numroc_sys(desc[M_], desc[MB_], r, p)),
        "numroc agrees with ScaLAPACK's"
    );
    dims
}

/// Asserts that `buf` holds the local part of the matrix `desc` describes.
pub(crate) fn assert_local<T>(buf: &[T], desc: &Desc) {
    let (lr, lc) = local_dims(desc);
    let lld = usize::try_from(desc[LLD]).expect("LLD > 0");
    assert!(
        lld >= lr.max(1),
        "local leading dimension {lld} < max(1, {lr})"
    );
    assert!(
        buf.len() >= lld * lc,
        "local buffer of {} elements cannot hold {lr}×{lc} with LLD {lld}",
        buf.len()
    );
}

macro_rules! sca_ffi {
    ($t:ty, $r:ty, $getrf:ident, $getrs:ident, $potrf:ident, $potrs:ident, $geqrf:ident,
     $orgqr:ident, $lange:ident, $gemm:ident, $gemr2d:ident, $gels:ident, $lansy:ident) => {
        unsafe extern "C" {
            // SUBROUTINE PxGELS( TRANS, M, N, NRHS, A, IA, JA, DESCA, B, IB, JB, DESCB, WORK,
            //                    LWORK, INFO )
            fn $gels(
                trans: *const c_char,
                m: *const ScaInt,
                n: *const ScaInt,
                nrhs: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                b: *mut $t,
                ib: *const ScaInt,
                jb: *const ScaInt,
                descb: *const ScaInt,
                work: *mut $t,
                lwork: *const ScaInt,
                info: *mut ScaInt,
                trans_len: usize,
            );
            // DOUBLE PRECISION FUNCTION PxLANSY / PxLANHE( NORM, UPLO, N, A, IA, JA, DESCA, WORK )
            fn $lansy(
                norm: *const c_char,
                uplo: *const c_char,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                work: *mut $r,
                norm_len: usize,
                uplo_len: usize,
            ) -> $r;
            // SUBROUTINE PxGETRF( M, N, A, IA, JA, DESCA, IPIV, INFO )
            fn $getrf(
                m: *const ScaInt,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                ipiv: *mut ScaInt,
                info: *mut ScaInt,
            );
            // SUBROUTINE PxGETRS( TRANS, N, NRHS, A, IA, JA, DESCA, IPIV, B, IB, JB, DESCB, INFO )
            fn $getrs(
                trans: *const c_char,
                n: *const ScaInt,
                nrhs: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                ipiv: *const ScaInt,
                b: *mut $t,
                ib: *const ScaInt,
                jb: *const ScaInt,
                descb: *const ScaInt,
                info: *mut ScaInt,
                trans_len: usize,
            );
            // SUBROUTINE PxPOTRF( UPLO, N, A, IA, JA, DESCA, INFO )
            fn $potrf(
                uplo: *const c_char,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                info: *mut ScaInt,
                uplo_len: usize,
            );
            // SUBROUTINE PxPOTRS( UPLO, N, NRHS, A, IA, JA, DESCA, B, IB, JB, DESCB, INFO )
            fn $potrs(
                uplo: *const c_char,
                n: *const ScaInt,
                nrhs: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                b: *mut $t,
                ib: *const ScaInt,
                jb: *const ScaInt,
                descb: *const ScaInt,
                info: *mut ScaInt,
                uplo_len: usize,
            );
            // SUBROUTINE PxGEQRF( M, N, A, IA, JA, DESCA, TAU, WORK, LWORK, INFO )
            fn $geqrf(
                m: *const ScaInt,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                tau: *mut $t,
                work: *mut $t,
                lwork: *const ScaInt,
                info: *mut ScaInt,
            );
            // SUBROUTINE PxORGQR/PxUNGQR( M, N, K, A, IA, JA, DESCA, TAU, WORK, LWORK, INFO )
            fn $orgqr(
                m: *const ScaInt,
                n: *const ScaInt,
                k: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                tau: *const $t,
                work: *mut $t,
                lwork: *const ScaInt,
                info: *mut ScaInt,
            );
            // DOUBLE PRECISION FUNCTION PxLANGE( NORM, M, N, A, IA, JA, DESCA, WORK )
            fn $lange(
                norm: *const c_char,
                m: *const ScaInt,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                work: *mut $r,
                norm_len: usize,
            ) -> $r;
            // SUBROUTINE PxGEMM( TRANSA, TRANSB, M, N, K, ALPHA, A, IA, JA, DESCA, B, IB, JB,
            //                    DESCB, BETA, C, IC, JC, DESCC )
            fn $gemm(
                transa: *const c_char,
                transb: *const c_char,
                m: *const ScaInt,
                n: *const ScaInt,
                k: *const ScaInt,
                alpha: *const $t,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                b: *const $t,
                ib: *const ScaInt,
                jb: *const ScaInt,
                descb: *const ScaInt,
                beta: *const $t,
                c: *mut $t,
                ic: *const ScaInt,
                jc: *const ScaInt,
                descc: *const ScaInt,
                transa_len: usize,
                transb_len: usize,
            );
            // SUBROUTINE PxGEMR2D( M, N, A, IA, JA, DESCA, B, IB, JB, DESCB, ICTXT )
            fn $gemr2d(
                m: *const ScaInt,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                b: *mut $t,
                ib: *const ScaInt,
                jb: *const ScaInt,
                descb: *const ScaInt,
                ictxt: *const ScaInt,
            );
        }
    };
}
sca_ffi!(
    f32, f32, psgetrf_, psgetrs_, pspotrf_, pspotrs_, psgeqrf_, psorgqr_, pslange_, psgemm_,
    psgemr2d_, psgels_, pslansy_
);
sca_ffi!(
    f64, f64, pdgetrf_, pdgetrs_, pdpotrf_, pdpotrs_, pdgeqrf_, pdorgqr_, pdlange_, pdgemm_,
    pdgemr2d_, pdgels_, pdlansy_
);
sca_ffi!(
    Complex<f32>,
    f32,
    pcgetrf_,
    pcgetrs_,
    pcpotrf_,
    pcpotrs_,
    pcgeqrf_,
    pcungqr_,
    pclange_,
    pcgemm_,
    pcgemr2d_,
    pcgels_,
    pclanhe_
);
sca_ffi!(
    Complex<f64>,
    f64,
    pzgetrf_,
    pzgetrs_,
    pzpotrf_,
    pzpotrs_,
    pzgeqrf_,
    pzungqr_,
    pzlange_,
    pzgemm_,
    pzgemr2d_,
    pzgels_,
    pzlanhe_
);

macro_rules! sca_real_ffi {
    ($t:ty, $syevd:ident, $gesvd:ident, $gecon:ident, $pocon:ident) => {
        unsafe extern "C" {
            // SUBROUTINE PxPOCON( UPLO, N, A, IA, JA, DESCA, ANORM, RCOND, WORK, LWORK, IWORK,
            //                     LIWORK, INFO )
            fn $pocon(
                uplo: *const c_char,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                anorm: *const $t,
                rcond: *mut $t,
                work: *mut $t,
                lwork: *const ScaInt,
                iwork: *mut ScaInt,
                liwork: *const ScaInt,
                info: *mut ScaInt,
                uplo_len: usize,
            );
            // SUBROUTINE PxSYEVD( JOBZ, UPLO, N, A, IA, JA, DESCA, W, Z, IZ, JZ, DESCZ, WORK,
            //                     LWORK, IWORK, LIWORK, INFO )
            fn $syevd(
                jobz: *const c_char,
                uplo: *const c_char,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                w: *mut $t,
                z: *mut $t,
                iz: *const ScaInt,
                jz: *const ScaInt,
                descz: *const ScaInt,
                work: *mut $t,
                lwork: *const ScaInt,
                iwork: *mut ScaInt,
                liwork: *const ScaInt,
                info: *mut ScaInt,
                jobz_len: usize,
                uplo_len: usize,
            );
            // SUBROUTINE PxGESVD( JOBU, JOBVT, M, N, A, IA, JA, DESCA, S, U, IU, JU, DESCU,
            //                     VT, IVT, JVT, DESCVT, WORK, LWORK, INFO )
            fn $gesvd(
                jobu: *const c_char,
                jobvt: *const c_char,
                m: *const ScaInt,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                s: *mut $t,
                u: *mut $t,
                iu: *const ScaInt,
                ju: *const ScaInt,
                descu: *const ScaInt,
                vt: *mut $t,
                ivt: *const ScaInt,
                jvt: *const ScaInt,
                descvt: *const ScaInt,
                work: *mut $t,
                lwork: *const ScaInt,
                info: *mut ScaInt,
                jobu_len: usize,
                jobvt_len: usize,
            );
            // SUBROUTINE PxGECON( NORM, N, A, IA, JA, DESCA, ANORM, RCOND, WORK, LWORK, IWORK,
            //                     LIWORK, INFO )
            fn $gecon(
                norm: *const c_char,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                anorm: *const $t,
                rcond: *mut $t,
                work: *mut $t,
                lwork: *const ScaInt,
                iwork: *mut ScaInt,
                liwork: *const ScaInt,
                info: *mut ScaInt,
                norm_len: usize,
            );
        }
    };
}
sca_real_ffi!(f32, pssyevd_, psgesvd_, psgecon_, pspocon_);
sca_real_ffi!(f64, pdsyevd_, pdgesvd_, pdgecon_, pdpocon_);

macro_rules! sca_complex_ffi {
    ($t:ty, $r:ty, $heevd:ident, $gesvd:ident, $gecon:ident, $pocon:ident) => {
        unsafe extern "C" {
            // SUBROUTINE PxPOCON( UPLO, N, A, IA, JA, DESCA, ANORM, RCOND, WORK, LWORK, RWORK,
            //                     LRWORK, INFO )
            fn $pocon(
                uplo: *const c_char,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                anorm: *const $r,
                rcond: *mut $r,
                work: *mut $t,
                lwork: *const ScaInt,
                rwork: *mut $r,
                lrwork: *const ScaInt,
                info: *mut ScaInt,
                uplo_len: usize,
            );
            // SUBROUTINE PxHEEVD( JOBZ, UPLO, N, A, IA, JA, DESCA, W, Z, IZ, JZ, DESCZ, WORK,
            //                     LWORK, RWORK, LRWORK, IWORK, LIWORK, INFO )
            fn $heevd(
                jobz: *const c_char,
                uplo: *const c_char,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                w: *mut $r,
                z: *mut $t,
                iz: *const ScaInt,
                jz: *const ScaInt,
                descz: *const ScaInt,
                work: *mut $t,
                lwork: *const ScaInt,
                rwork: *mut $r,
                lrwork: *const ScaInt,
                iwork: *mut ScaInt,
                liwork: *const ScaInt,
                info: *mut ScaInt,
                jobz_len: usize,
                uplo_len: usize,
            );
            // SUBROUTINE PxGESVD( JOBU, JOBVT, M, N, A, IA, JA, DESCA, S, U, IU, JU, DESCU,
            //                     VT, IVT, JVT, DESCVT, WORK, LWORK, RWORK, INFO )
            fn $gesvd(
                jobu: *const c_char,
                jobvt: *const c_char,
                m: *const ScaInt,
                n: *const ScaInt,
                a: *mut $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                s: *mut $r,
                u: *mut $t,
                iu: *const ScaInt,
                ju: *const ScaInt,
                descu: *const ScaInt,
                vt: *mut $t,
                ivt: *const ScaInt,
                jvt: *const ScaInt,
                descvt: *const ScaInt,
                work: *mut $t,
                lwork: *const ScaInt,
                rwork: *mut $r,
                info: *mut ScaInt,
                jobu_len: usize,
                jobvt_len: usize,
            );
            // SUBROUTINE PxGECON( NORM, N, A, IA, JA, DESCA, ANORM, RCOND, WORK, LWORK, RWORK,
            //                     LRWORK, INFO )
            fn $gecon(
                norm: *const c_char,
                n: *const ScaInt,
                a: *const $t,
                ia: *const ScaInt,
                ja: *const ScaInt,
                desca: *const ScaInt,
                anorm: *const $r,
                rcond: *mut $r,
                work: *mut $t,
                lwork: *const ScaInt,
                rwork: *mut $r,
                lrwork: *const ScaInt,
                info: *mut ScaInt,
                norm_len: usize,
            );
        }
    };
}
sca_complex_ffi!(Complex<f32>, f32, pcheevd_, pcgesvd_, pcgecon_, pcpocon_);
sca_complex_ffi!(Complex<f64>, f64, pzheevd_, pzgesvd_, pzgecon_, pzpocon_);

/// Raw ScaLAPACK routines; the real and complex signatures are unified (`rwork` is ignored by
/// the real routines, `iwork` by the complex SVD and condition estimate).
pub trait ScalapackRaw: LapackScalar {
    /// # Safety
    /// `a` is the local part for `desca`; `ipiv` holds `LOCr(M) + MB` entries.
    unsafe fn pgetrf(m: ScaInt, n: ScaInt, a: *mut Self, desca: &Desc, ipiv: *mut ScaInt)
        -> ScaInt;
    /// # Safety
    /// `a`, `b` are the local parts for `desca`, `descb`; `ipiv` from `pgetrf`.
    unsafe fn pgetrs(
        trans: c_char,
        n: ScaInt,
        nrhs: ScaInt,
        a: *const Self,
        desca: &Desc,
        ipiv: *const ScaInt,
        b: *mut Self,
        descb: &Desc,
    ) -> ScaInt;
    /// # Safety
    /// `a` is the local part for `desca`.
    unsafe fn ppotrf(uplo: c_char, n: ScaInt, a: *mut Self, desca: &Desc) -> ScaInt;
    /// # Safety
    /// `a`, `b` are the local parts for `desca`, `descb`.
    unsafe fn ppotrs(
        uplo: c_char,
        n: ScaInt,
        nrhs: ScaInt,
        a: *const Self,
        desca: &Desc,
        b: *mut Self,
        descb: &Desc,
    ) -> ScaInt;
    /// # Safety
    /// `a` is the local part for `desca`; `tau` holds `LOCc(N)` entries; `work` holds `lwork`
    /// (or 1 for a query, `lwork = -1`).
    unsafe fn pgeqrf(
        m: ScaInt,
        n: ScaInt,
        a: *mut Self,
        desca: &Desc,
        tau: *mut Self,
        work: *mut Self,
        lwork: ScaInt,
    ) -> ScaInt;
    /// # Safety
    /// As [`ScalapackRaw::pgeqrf`], with `k ≤ n ≤ m`.
    unsafe fn porgqr(
        m: ScaInt,
        n: ScaInt,
        k: ScaInt,
        a: *mut Self,
        desca: &Desc,
        tau: *const Self,
        work: *mut Self,
        lwork: ScaInt,
    ) -> ScaInt;
    /// # Safety
    /// `a` is the local part for `desca`; `work` holds `LOCr(M) + LOCc(N)` reals.
    unsafe fn plange(
        norm: c_char,
        m: ScaInt,
        n: ScaInt,
        a: *const Self,
        desca: &Desc,
        work: *mut Self::Real,
    ) -> Self::Real;
    /// # Safety
    /// Local parts for the three descriptors; shapes as PxGEMM documents.
    unsafe fn pgemm(
        ta: c_char,
        tb: c_char,
        m: ScaInt,
        n: ScaInt,
        k: ScaInt,
        alpha: Self,
        a: *const Self,
        desca: &Desc,
        b: *const Self,
        descb: &Desc,
        beta: Self,
        c: *mut Self,
        descc: &Desc,
    );
    /// # Safety
    /// Local parts for the two descriptors (a process outside a grid passes a descriptor with
    /// context −1 and a dangling, never-read pointer); `ictxt` spans both grids.
    unsafe fn pgemr2d(
        m: ScaInt,
        n: ScaInt,
        a: *const Self,
        desca: &Desc,
        b: *mut Self,
        descb: &Desc,
        ictxt: ScaInt,
    );
    /// # Safety
    /// `a`, `z` local parts; `w` holds `n`; `work`/`rwork`/`iwork` hold their lengths (1 for
    /// queries).
    unsafe fn pheevd(
        jobz: c_char,
        uplo: c_char,
        n: ScaInt,
        a: *mut Self,
        desca: &Desc,
        w: *mut Self::Real,
        z: *mut Self,
        descz: &Desc,
        work: *mut Self,
        lwork: ScaInt,
        rwork: *mut Self::Real,
        lrwork: ScaInt,
        iwork: *mut ScaInt,
        liwork: ScaInt,
    ) -> ScaInt;
    /// # Safety
    /// Local parts for the descriptors; `s` holds `min(m, n)`; `work` holds `lwork` (1 for a
    /// query), `rwork` `1 + 4·max(m, n)`.
    unsafe fn pgesvd(
        m: ScaInt,
        n: ScaInt,
        a: *mut Self,
        desca: &Desc,
        s: *mut Self::Real,
        u: *mut Self,
        descu: &Desc,
        vt: *mut Self,
        descvt: &Desc,
        work: *mut Self,
        lwork: ScaInt,
        rwork: *mut Self::Real,
    ) -> ScaInt;
    /// # Safety
    /// `a` the local LU factors; workspaces of the announced lengths (1 for queries).
    unsafe fn pgecon(
        n: ScaInt,
        a: *const Self,
        desca: &Desc,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        lwork: ScaInt,
        rwork: *mut Self::Real,
        lrwork: ScaInt,
        iwork: *mut ScaInt,
        liwork: ScaInt,
    ) -> ScaInt;
    /// # Safety
    /// `a` is the local part for `desca` (`m×n`), `b` for `descb` (`max(m, n)×nrhs`); `work`
    /// holds `lwork` (1 for a query, `lwork = -1`).
    unsafe fn pgels(
        trans: c_char,
        m: ScaInt,
        n: ScaInt,
        nrhs: ScaInt,
        a: *mut Self,
        desca: &Desc,
        b: *mut Self,
        descb: &Desc,
        work: *mut Self,
        lwork: ScaInt,
    ) -> ScaInt;
    /// # Safety
    /// `a` is the local part for the square `desca`; `work` holds what PxLANSY / PxLANHE
    /// documents for `norm` (at most `2·LOCc(N) + 2·LOCr(N) + 2·NB` reals).
    unsafe fn planhe(
        norm: c_char,
        uplo: c_char,
        n: ScaInt,
        a: *const Self,
        desca: &Desc,
        work: *mut Self::Real,
    ) -> Self::Real;
    /// # Safety
    /// `a` the local Cholesky factor; workspaces of the announced lengths (1 for queries).
    unsafe fn ppocon(
        uplo: c_char,
        n: ScaInt,
        a: *const Self,
        desca: &Desc,
        anorm: Self::Real,
        rcond: &mut Self::Real,
        work: *mut Self,
        lwork: ScaInt,
        rwork: *mut Self::Real,
        lrwork: ScaInt,
        iwork: *mut ScaInt,
        liwork: ScaInt,
    ) -> ScaInt;
}

const ONE: ScaInt = 1;

macro_rules! impl_common {
    ($t:ty, $r:ty, $getrf:ident, $getrs:ident, $potrf:ident, $potrs:ident, $geqrf:ident,
     $orgqr:ident, $lange:ident, $gemm:ident, $gemr2d:ident, $gels:ident, $lansy:ident) => {
        unsafe fn pgels(
            trans: c_char,
            m: ScaInt,
            n: ScaInt,
            nrhs: ScaInt,
            a: *mut Self,
            desca: &Desc,
            b: *mut Self,
            descb: &Desc,
            work: *mut Self,
            lwork: ScaInt,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::pgels`.
            unsafe {
                $gels(
                    &trans,
                    &m,
                    &n,
                    &nrhs,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    b,
                    &ONE,
                    &ONE,
                    descb.as_ptr(),
                    work,
                    &lwork,
                    &mut info,
                    1,
                )
            };
            info
        }
        unsafe fn planhe(
            norm: c_char,
            uplo: c_char,
            n: ScaInt,
            a: *const Self,
            desca: &Desc,
            work: *mut $r,
        ) -> $r {
            // SAFETY: forwarded contract of `ScalapackRaw::planhe`.
            unsafe { $lansy(&norm, &uplo, &n, a, &ONE, &ONE, desca.as_ptr(), work, 1, 1) }
        }
        unsafe fn pgetrf(
            m: ScaInt,
            n: ScaInt,
            a: *mut Self,
            desca: &Desc,
            ipiv: *mut ScaInt,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::pgetrf`.
            unsafe { $getrf(&m, &n, a, &ONE, &ONE, desca.as_ptr(), ipiv, &mut info) };
            info
        }
        unsafe fn pgetrs(
            trans: c_char,
            n: ScaInt,
            nrhs: ScaInt,
            a: *const Self,
            desca: &Desc,
            ipiv: *const ScaInt,
            b: *mut Self,
            descb: &Desc,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::pgetrs`.
            unsafe {
                $getrs(
                    &trans,
                    &n,
                    &nrhs,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    ipiv,
                    b,
                    &ONE,
                    &ONE,
                    descb.as_ptr(),
                    &mut info,
                    1,
                )
            };
            info
        }
        unsafe fn ppotrf(uplo: c_char, n: ScaInt, a: *mut Self, desca: &Desc) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::ppotrf`.
            unsafe { $potrf(&uplo, &n, a, &ONE, &ONE, desca.as_ptr(), &mut info, 1) };
            info
        }
        unsafe fn ppotrs(
            uplo: c_char,
            n: ScaInt,
            nrhs: ScaInt,
            a: *const Self,
            desca: &Desc,
            b: *mut Self,
            descb: &Desc,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::ppotrs`.
            unsafe {
                $potrs(
                    &uplo,
                    &n,
                    &nrhs,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    b,
                    &ONE,
                    &ONE,
                    descb.as_ptr(),
                    &mut info,
                    1,
                )
            };
            info
        }
        unsafe fn pgeqrf(
            m: ScaInt,
            n: ScaInt,
            a: *mut Self,
            desca: &Desc,
            tau: *mut Self,
            work: *mut Self,
            lwork: ScaInt,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::pgeqrf`.
            unsafe {
                $geqrf(
                    &m,
                    &n,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    tau,
                    work,
                    &lwork,
                    &mut info,
                )
            };
            info
        }
        unsafe fn porgqr(
            m: ScaInt,
            n: ScaInt,
            k: ScaInt,
            a: *mut Self,
            desca: &Desc,
            tau: *const Self,
            work: *mut Self,
            lwork: ScaInt,
        ) -> ScaInt {
            let mut info = 0;
            // SAFETY: forwarded contract of `ScalapackRaw::porgqr`.
            unsafe {
                $orgqr(
                    &m,
                    &n,
                    &k,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    tau,
                    work,
                    &lwork,
                    &mut info,
                )
            };
            info
        }
        unsafe fn plange(
            norm: c_char,
            m: ScaInt,
            n: ScaInt,
            a: *const Self,
            desca: &Desc,
            work: *mut $r,
        ) -> $r {
            // SAFETY: forwarded contract of `ScalapackRaw::plange`.
            unsafe { $lange(&norm, &m, &n, a, &ONE, &ONE, desca.as_ptr(), work, 1) }
        }
        unsafe fn pgemm(
            ta: c_char,
            tb: c_char,
            m: ScaInt,
            n: ScaInt,
            k: ScaInt,
            alpha: Self,
            a: *const Self,
            desca: &Desc,
            b: *const Self,
            descb: &Desc,
            beta: Self,
            c: *mut Self,
            descc: &Desc,
        ) {
            // SAFETY: forwarded contract of `ScalapackRaw::pgemm`.
            unsafe {
                $gemm(
                    &ta,
                    &tb,
                    &m,
                    &n,
                    &k,
                    &alpha,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    b,
                    &ONE,
                    &ONE,
                    descb.as_ptr(),
                    &beta,
                    c,
                    &ONE,
                    &ONE,
                    descc.as_ptr(),
                    1,
                    1,
                )
            }
        }
        unsafe fn pgemr2d(
            m: ScaInt,
            n: ScaInt,
            a: *const Self,
            desca: &Desc,
            b: *mut Self,
            descb: &Desc,
            ictxt: ScaInt,
        ) {
            // SAFETY: forwarded contract of `ScalapackRaw::pgemr2d`.
            unsafe {
                $gemr2d(
                    &m,
                    &n,
                    a,
                    &ONE,
                    &ONE,
                    desca.as_ptr(),
                    b,
                    &ONE,
                    &ONE,
                    descb.as_ptr(),
                    &ictxt,
                )
            }
        }
    };
}

macro_rules! impl_real {
    ($t:ty, [$($common:tt)*], $syevd:ident, $gesvd:ident, $gecon:ident, $pocon:ident) => {
        impl ScalapackRaw for $t {
            impl_common!($t, $t, $($common)*);
            unsafe fn ppocon(
                uplo: c_char,
                n: ScaInt,
                a: *const Self,
                desca: &Desc,
                anorm: $t,
                rcond: &mut $t,
                work: *mut Self,
                lwork: ScaInt,
                _rwork: *mut $t,
                _lrwork: ScaInt,
                iwork: *mut ScaInt,
                liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `ScalapackRaw::ppocon`.
                unsafe {
                    $pocon(
                        &uplo, &n, a, &ONE, &ONE, desca.as_ptr(), &anorm, rcond, work, &lwork,
                        iwork, &liwork, &mut info, 1,
                    )
                };
                info
            }
            unsafe fn pheevd(
                jobz: c_char,
                uplo: c_char,
                n: ScaInt,
                a: *mut Self,
                desca: &Desc,
                w: *mut $t,
                z: *mut Self,
                descz: &Desc,
                work: *mut Self,
                lwork: ScaInt,
                _rwork: *mut $t,
                _lrwork: ScaInt,
                iwork: *mut ScaInt,
                liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `ScalapackRaw::pheevd`.
                unsafe {
                    $syevd(
                        &jobz, &uplo, &n, a, &ONE, &ONE, desca.as_ptr(), w, z, &ONE, &ONE,
                        descz.as_ptr(), work, &lwork, iwork, &liwork, &mut info, 1, 1,
                    )
                };
                info
            }
            unsafe fn pgesvd(
                m: ScaInt,
                n: ScaInt,
                a: *mut Self,
                desca: &Desc,
                s: *mut $t,
                u: *mut Self,
                descu: &Desc,
                vt: *mut Self,
                descvt: &Desc,
                work: *mut Self,
                lwork: ScaInt,
                _rwork: *mut $t,
            ) -> ScaInt {
                let mut info = 0;
                let v = b'V' as c_char;
                // SAFETY: forwarded contract of `ScalapackRaw::pgesvd`.
                unsafe {
                    $gesvd(
                        &v, &v, &m, &n, a, &ONE, &ONE, desca.as_ptr(), s, u, &ONE, &ONE,
                        descu.as_ptr(), vt, &ONE, &ONE, descvt.as_ptr(), work, &lwork, &mut info,
                        1, 1,
                    )
                };
                info
            }
            unsafe fn pgecon(
                n: ScaInt,
                a: *const Self,
                desca: &Desc,
                anorm: $t,
                rcond: &mut $t,
                work: *mut Self,
                lwork: ScaInt,
                _rwork: *mut $t,
                _lrwork: ScaInt,
                iwork: *mut ScaInt,
                liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                let one = b'1' as c_char;
                // SAFETY: forwarded contract of `ScalapackRaw::pgecon`.
                unsafe {
                    $gecon(
                        &one, &n, a, &ONE, &ONE, desca.as_ptr(), &anorm, rcond, work, &lwork,
                        iwork, &liwork, &mut info, 1,
                    )
                };
                info
            }
        }
    };
}

macro_rules! impl_complex {
    ($t:ty, $r:ty, [$($common:tt)*], $heevd:ident, $gesvd:ident, $gecon:ident, $pocon:ident) => {
        impl ScalapackRaw for $t {
            impl_common!($t, $r, $($common)*);
            unsafe fn ppocon(
                uplo: c_char,
                n: ScaInt,
                a: *const Self,
                desca: &Desc,
                anorm: $r,
                rcond: &mut $r,
                work: *mut Self,
                lwork: ScaInt,
                rwork: *mut $r,
                lrwork: ScaInt,
                _iwork: *mut ScaInt,
                _liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `ScalapackRaw::ppocon`.
                unsafe {
                    $pocon(
                        &uplo, &n, a, &ONE, &ONE, desca.as_ptr(), &anorm, rcond, work, &lwork,
                        rwork, &lrwork, &mut info, 1,
                    )
                };
                info
            }
            unsafe fn pheevd(
                jobz: c_char,
                uplo: c_char,
                n: ScaInt,
                a: *mut Self,
                desca: &Desc,
                w: *mut $r,
                z: *mut Self,
                descz: &Desc,
                work: *mut Self,
                lwork: ScaInt,
                rwork: *mut $r,
                lrwork: ScaInt,
                iwork: *mut ScaInt,
                liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                // SAFETY: forwarded contract of `ScalapackRaw::pheevd`.
                unsafe {
                    $heevd(
                        &jobz, &uplo, &n, a, &ONE, &ONE, desca.as_ptr(), w, z, &ONE, &ONE,
                        descz.as_ptr(), work, &lwork, rwork, &lrwork, iwork, &liwork, &mut info,
                        1, 1,
                    )
                };
                info
            }
            unsafe fn pgesvd(
                m: ScaInt,
                n: ScaInt,
                a: *mut Self,
                desca: &Desc,
                s: *mut $r,
                u: *mut Self,
                descu: &Desc,
                vt: *mut Self,
                descvt: &Desc,
                work: *mut Self,
                lwork: ScaInt,
                rwork: *mut $r,
            ) -> ScaInt {
                let mut info = 0;
                let v = b'V' as c_char;
                // SAFETY: forwarded contract of `ScalapackRaw::pgesvd`.
                unsafe {
                    $gesvd(
                        &v, &v, &m, &n, a, &ONE, &ONE, desca.as_ptr(), s, u, &ONE, &ONE,
                        descu.as_ptr(), vt, &ONE, &ONE, descvt.as_ptr(), work, &lwork, rwork,
                        &mut info, 1, 1,
                    )
                };
                info
            }
            unsafe fn pgecon(
                n: ScaInt,
                a: *const Self,
                desca: &Desc,
                anorm: $r,
                rcond: &mut $r,
                work: *mut Self,
                lwork: ScaInt,
                rwork: *mut $r,
                lrwork: ScaInt,
                _iwork: *mut ScaInt,
                _liwork: ScaInt,
            ) -> ScaInt {
                let mut info = 0;
                let one = b'1' as c_char;
                // SAFETY: forwarded contract of `ScalapackRaw::pgecon`.
                unsafe {
                    $gecon(
                        &one, &n, a, &ONE, &ONE, desca.as_ptr(), &anorm, rcond, work, &lwork,
                        rwork, &lrwork, &mut info, 1,
                    )
                };
                info
            }
        }
    };
}

impl_real!(
    f32,
    [
        psgetrf_, psgetrs_, pspotrf_, pspotrs_, psgeqrf_, psorgqr_, pslange_, psgemm_, psgemr2d_,
        psgels_, pslansy_
    ],
    pssyevd_,
    psgesvd_,
    psgecon_,
    pspocon_
);
impl_real!(
    f64,
    [
        pdgetrf_, pdgetrs_, pdpotrf_, pdpotrs_, pdgeqrf_, pdorgqr_, pdlange_, pdgemm_, pdgemr2d_,
        pdgels_, pdlansy_
    ],
    pdsyevd_,
    pdgesvd_,
    pdgecon_,
    pdpocon_
);
impl_complex!(
    Complex<f32>,
    f32,
    [
        pcgetrf_, pcgetrs_, pcpotrf_, pcpotrs_, pcgeqrf_, pcungqr_, pclange_, pcgemm_, pcgemr2d_,
        pcgels_, pclanhe_
    ],
    pcheevd_,
    pcgesvd_,
    pcgecon_,
    pcpocon_
);
impl_complex!(
    Complex<f64>,
    f64,
    [
        pzgetrf_, pzgetrs_, pzpotrf_, pzpotrs_, pzgeqrf_, pzungqr_, pzlange_, pzgemm_, pzgemr2d_,
        pzgels_, pzlanhe_
    ],
    pzheevd_,
    pzgesvd_,
    pzgecon_,
    pzpocon_
);

// ---------------------------------------------------------------------------------------------
// Safe wrappers. They return the raw INFO of the calling process; `dist` reconciles it across
// processes (every process then returns the same error).

/// Workspace length from a ScaLAPACK query: `max(1, ceil(next_up(query)), min)` (rounded up,
/// since single-precision queries come back as a REAL that can round down), or `TooLarge`.
fn sca_lwork<R: RealScalar>(query: R, min: i64) -> Result<ScaInt> {
    let q = if query > R::from_f64(0.0) {
        query.next_up().to_f64().ceil()
    } else {
        0.0
    };
    let n = q.max(min.max(1) as f64);
    if n.is_nan() || n > ScaInt::MAX as f64 {
        return Err(Error::TooLarge {
            dim: if n.is_finite() {
                n as usize
            } else {
                usize::MAX
            },
        });
    }
    Ok(n as ScaInt)
}

fn ulen(n: ScaInt) -> usize {
    usize::try_from(n.max(1)).expect("positive length")
}

/// `P·A = L·U` in place (PxGETRF). Returns `(info, ipiv)`; `ipiv` has `LOCr(M) + MB` entries.
pub(crate) fn pgetrf<T: Scalapack>(a: &mut [T], desc: &Desc) -> (ScaInt, Vec<ScaInt>) {
    assert_local(a, desc);
    let (lr, _) = local_dims(desc);
    let mut ipiv = vec![0; lr + ulen(desc[MB_])];
    // SAFETY: `a` is the local part for `desc` (asserted) and `ipiv` has LOCr(M) + MB entries.
    let info = unsafe { T::pgetrf(desc[M_], desc[N_], a.as_mut_ptr(), desc, ipiv.as_mut_ptr()) };
    (info, ipiv)
}

/// Solves with the LU factors (PxGETRS), overwriting `b`. `trans` is `N`, `T` or `C`.
pub(crate) fn pgetrs<T: Scalapack>(
    trans: c_char,
    a: &[T],
    desca: &Desc,
    ipiv: &[ScaInt],
    b: &mut [T],
    descb: &Desc,
) -> ScaInt {
    assert_local(a, desca);
    assert_local(b, descb);
    assert!(desca[M_] == desca[N_] && descb[M_] == desca[N_]);
    let (lr, _) = local_dims(desca);
    assert!(ipiv.len() >= lr + ulen(desca[MB_]));
    // SAFETY: local parts asserted for both descriptors; `ipiv` comes from `pgetrf` on `desca`.
    unsafe {
        T::pgetrs(
            trans,
            desca[N_],
            descb[N_],
            a.as_ptr(),
            desca,
            ipiv.as_ptr(),
            b.as_mut_ptr(),
            descb,
        )
    }
}

/// Cholesky in place (PxPOTRF); returns INFO (> 0: the leading minor of that order).
pub(crate) fn ppotrf<T: Scalapack>(uplo: c_char, a: &mut [T], desc: &Desc) -> ScaInt {
    assert_local(a, desc);
    assert_eq!(desc[M_], desc[N_]);
    // SAFETY: `a` is the local part of the square matrix `desc` describes (asserted).
    unsafe { T::ppotrf(uplo, desc[N_], a.as_mut_ptr(), desc) }
}

/// Solves with a Cholesky factor (PxPOTRS), overwriting `b`.
pub(crate) fn ppotrs<T: Scalapack>(
    uplo: c_char,
    a: &[T],
    desca: &Desc,
    b: &mut [T],
    descb: &Desc,
) -> ScaInt {
    assert_local(a, desca);
    assert_local(b, descb);
    assert!(desca[M_] == desca[N_] && descb[M_] == desca[N_]);
    // SAFETY: local parts asserted for both descriptors.
    unsafe {
        T::ppotrs(
            uplo,
            desca[N_],
            descb[N_],
            a.as_ptr(),
            desca,
            b.as_mut_ptr(),
            descb,
        )
    }
}

/// Householder QR in place (PxGEQRF), workspace by query. Returns `(info, tau)` with
/// `LOCc(N)` local τ.
pub(crate) fn pgeqrf<T: Scalapack>(a: &mut [T], desc: &Desc) -> Result<(ScaInt, Vec<T>)> {
    assert_local(a, desc);
    let (_, lc) = local_dims(desc);
    let mut tau = vec![T::zero(); lc.max(1)];
    let mut q = [T::zero()];
    // SAFETY: a workspace query (lwork = -1) writes only work(1); buffers asserted above.
    let info = unsafe {
        T::pgeqrf(
            desc[M_],
            desc[N_],
            a.as_mut_ptr(),
            desc,
            tau.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok((info, tau));
    }
    let lwork = sca_lwork(q[0].re(), 0)?;
    let mut work = vec![T::zero(); ulen(lwork)];
    // SAFETY: `a` local part asserted; `tau` has LOCc(N) entries; `work` has `lwork`.
    let info = unsafe {
        T::pgeqrf(
            desc[M_],
            desc[N_],
            a.as_mut_ptr(),
            desc,
            tau.as_mut_ptr(),
            work.as_mut_ptr(),
            lwork,
        )
    };
    Ok((info, tau))
}

/// The first `n` columns of `Q` from PxGEQRF's output, in place (PxORGQR / PxUNGQR).
/// `desc` describes the `m×n` matrix holding the reflectors, `k = n ≤ m`.
pub(crate) fn porgqr<T: Scalapack>(a: &mut [T], desc: &Desc, tau: &[T]) -> Result<ScaInt> {
    assert_local(a, desc);
    let (_, lc) = local_dims(desc);
    assert!(tau.len() >= lc && desc[N_] <= desc[M_]);
    let (m, n) = (desc[M_], desc[N_]);
    let mut q = [T::zero()];
    // SAFETY: a workspace query writes only work(1); buffers asserted above.
    let info = unsafe {
        T::porgqr(
            m,
            n,
            n,
            a.as_mut_ptr(),
            desc,
            tau.as_ptr(),
            q.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok(info);
    }
    let lwork = sca_lwork(q[0].re(), 0)?;
    let mut work = vec![T::zero(); ulen(lwork)];
    // SAFETY: `a` local part and `tau` length asserted; `work` has `lwork` entries.
    Ok(unsafe {
        T::porgqr(
            m,
            n,
            n,
            a.as_mut_ptr(),
            desc,
            tau.as_ptr(),
            work.as_mut_ptr(),
            lwork,
        )
    })
}

/// A norm of a distributed matrix (PxLANGE): `norm` is `1`, `I`, `F` or `M`; the same on every
/// process.
pub(crate) fn plange<T: Scalapack>(norm: c_char, a: &[T], desc: &Desc) -> T::Real {
    assert_local(a, desc);
    let (lr, lc) = local_dims(desc);
    let nb = ulen(desc[MB_]).max(ulen(desc[NB_]));
    let mut work = vec![T::Real::from_f64(0.0); lr + lc + 2 * nb + 1];
    // SAFETY: `a` local part asserted; `work` holds more than LOCr(M) + LOCc(N) reals, what
    // PxLANGE reads for every norm with IA = JA = 1.
    unsafe {
        T::plange(
            norm,
            desc[M_],
            desc[N_],
            a.as_ptr(),
            desc,
            work.as_mut_ptr(),
        )
    }
}

/// `C ← α·op(A)·op(B) + β·C` (PxGEMM); `ta`, `tb` are `N`, `T` or `C`.
pub(crate) fn pgemm<T: Scalapack>(
    ta: c_char,
    tb: c_char,
    alpha: T,
    a: &[T],
    desca: &Desc,
    b: &[T],
    descb: &Desc,
    beta: T,
    c: &mut [T],
    descc: &Desc,
) {
    assert_local(a, desca);
    assert_local(b, descb);
    assert_local(c, descc);
    let op = |t: c_char, d: &Desc| {
        if t == b'N' as c_char {
            (d[M_], d[N_])
        } else {
            (d[N_], d[M_])
        }
    };
    let (am, ak) = op(ta, desca);
    let (bk, bn) = op(tb, descb);
    assert!(
        ak == bk && am == descc[M_] && bn == descc[N_],
        "pgemm shapes"
    );
    // SAFETY: local parts asserted for the three descriptors and the shapes agree.
    unsafe {
        T::pgemm(
            ta,
            tb,
            am,
            bn,
            ak,
            alpha,
            a.as_ptr(),
            desca,
            b.as_ptr(),
            descb,
            beta,
            c.as_mut_ptr(),
            descc,
        )
    }
}

/// Eigenvalues (ascending) and eigenvectors of a symmetric/Hermitian matrix (PxSYEVD /
/// PxHEEVD), reading triangle `uplo` of `a` (destroyed). `z` receives the vectors (same
/// descriptor as `a`). Returns `(info, w)`.
pub(crate) fn pheevd<T: Scalapack>(
    uplo: c_char,
    a: &mut [T],
    desc: &Desc,
    z: &mut [T],
) -> Result<(ScaInt, Vec<T::Real>)> {
    assert_local(a, desc);
    assert_local(z, desc);
    assert_eq!(desc[M_], desc[N_]);
    let n = desc[N_];
    let (_, q, _, _) = grid_info(desc[CTXT]);
    let zr = T::Real::from_f64(0.0);
    let mut w = vec![zr; ulen(n)];
    let jobz = b'V' as c_char;
    let (mut qw, mut qr, mut qi) = ([T::zero()], [zr], [0 as ScaInt]);
    // SAFETY: a workspace query writes only work(1), rwork(1) and iwork(1); local parts
    // asserted; `w` has n entries.
    let info = unsafe {
        T::pheevd(
            jobz,
            uplo,
            n,
            a.as_mut_ptr(),
            desc,
            w.as_mut_ptr(),
            z.as_mut_ptr(),
            desc,
            qw.as_mut_ptr(),
            -1,
            qr.as_mut_ptr(),
            -1,
            qi.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok((info, w));
    }
    // Documented minimums (PDSYEVD: max(1 + 6N + 2·NP·NQ, 3N + max(NB·(NP + 1), 3·NB)) + 2N;
    // PZHEEVD: LWORK ≥ N + (NP0 + MQ0 + NB)·NB, LRWORK ≥ 1 + 9N + 3·NP·NQ), in i64: the
    // query alone is not trusted.
    let (lr, lc) = local_dims(desc);
    let (p, _, _, _) = grid_info(desc[CTXT]);
    let (ni, nb) = (i64::from(n), i64::from(desc[NB_]));
    let (np, nq) = (lr as i64, lc as i64);
    let u = |x: ScaInt| usize::try_from(x).unwrap_or(0);
    let np0 = numroc(u(n), u(desc[NB_]), 0, u(p)) as i64;
    let mq0 = numroc(u(n), u(desc[NB_]), 0, u(q)) as i64;
    let complex = matches!(T::PREFIX, 'c' | 'z');
    let (wmin, rmin) = if complex {
        // The same PDORMTR margin for PZUNMTR (see below).
        let unmtr = (nb * (nb - 1) / 2).max((np0 + mq0) * nb) + nb * nb;
        (
            ni + (np0 + mq0 + nb) * nb + unmtr,
            1 + 9 * ni + 3 * np0 * mq0,
        )
    } else {
        // Plus what PDORMTR (applying the tridiagonal reduction's reflectors to the
        // vectors) needs, max(NB(NB − 1)/2, (NP0 + MQ0)·NB) + NB²: PDSYEVD's own formula and
        // query leave too little when NB > N, and then PDORMTR rejects its LWORK, PDSYEVD
        // ignores that and returns INFO = 0 with wrong vectors (observed, ScaLAPACK 2.2.1).
        let ormtr = (nb * (nb - 1) / 2).max((np0 + mq0) * nb) + nb * nb;
        (
            (1 + 6 * ni + 2 * np * nq).max(3 * ni + (nb * (np + 1)).max(3 * nb)) + 2 * ni + ormtr,
            0,
        )
    };
    // Real: the query plus the minimum, generous on purpose (see the PDORMTR note above).
    let lwork = sca_lwork(qw[0].re(), wmin)?;
    let extra = wmin;
    let lwork = sca_lwork(zr, i64::from(lwork) + extra)?;
    let lrwork = sca_lwork(qr[0], rmin)?;
    // LIWORK ≥ 7N + 8·NPCOL + 2 (PxSYEVD's documentation; PxHEEVD's is the same).
    let liwork = sca_lwork(
        T::Real::from_f64(f64::from(qi[0])),
        7 * i64::from(n) + 8 * i64::from(q) + 2,
    )?;
    let mut work = vec![T::zero(); ulen(lwork)];
    let mut rwork = vec![zr; ulen(lrwork)];
    let mut iwork = vec![0 as ScaInt; ulen(liwork)];
    // SAFETY: local parts asserted; `w` has n entries; each workspace has its announced length.
    let info = unsafe {
        T::pheevd(
            jobz,
            uplo,
            n,
            a.as_mut_ptr(),
            desc,
            w.as_mut_ptr(),
            z.as_mut_ptr(),
            desc,
            work.as_mut_ptr(),
            lwork,
            rwork.as_mut_ptr(),
            lrwork,
            iwork.as_mut_ptr(),
            liwork,
        )
    };
    Ok((info, w))
}

/// Thin SVD `A = U·Σ·Vᴴ` (PxGESVD with JOBU = JOBVT = 'V'); `a` is destroyed, `u` is `m×k`,
/// `vt` `k×n` (`k = min(m, n)`). Returns `(info, σ)`, σ descending.
pub(crate) fn pgesvd<T: Scalapack>(
    a: &mut [T],
    desca: &Desc,
    u: &mut [T],
    descu: &Desc,
    vt: &mut [T],
    descvt: &Desc,
) -> Result<(ScaInt, Vec<T::Real>)> {
    assert_local(a, desca);
    assert_local(u, descu);
    assert_local(vt, descvt);
    let (m, n) = (desca[M_], desca[N_]);
    let k = m.min(n);
    assert!(descu[M_] == m && descu[N_] == k && descvt[M_] == k && descvt[N_] == n);
    let zr = T::Real::from_f64(0.0);
    let mut s = vec![zr; ulen(k)];
    let mut rwork = vec![zr; 1 + 4 * ulen(m.max(n))];
    let mut qw = [T::zero()];
    // SAFETY: a workspace query writes only work(1) (and rwork(1)); local parts asserted; `s`
    // has k entries and `rwork` 1 + 4·max(m, n).
    let info = unsafe {
        T::pgesvd(
            m,
            n,
            a.as_mut_ptr(),
            desca,
            s.as_mut_ptr(),
            u.as_mut_ptr(),
            descu,
            vt.as_mut_ptr(),
            descvt,
            qw.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
        )
    };
    if info != 0 {
        return Ok((info, s));
    }
    let lwork = sca_lwork(qw[0].re(), 0)?;
    let need = sca_lwork(rwork[0], 1 + 4 * i64::from(m.max(n)))?;
    if ulen(need) > rwork.len() {
        rwork.resize(ulen(need), zr);
    }
    let mut work = vec![T::zero(); ulen(lwork)];
    // SAFETY: local parts asserted; `s` has k entries; `work` has `lwork`, `rwork` at least
    // 1 + 4·max(m, n) and at least what the query asked for.
    let info = unsafe {
        T::pgesvd(
            m,
            n,
            a.as_mut_ptr(),
            desca,
            s.as_mut_ptr(),
            u.as_mut_ptr(),
            descu,
            vt.as_mut_ptr(),
            descvt,
            work.as_mut_ptr(),
            lwork,
            rwork.as_mut_ptr(),
        )
    };
    Ok((info, s))
}

/// Reciprocal condition number in the 1-norm from LU factors (PxGECON), given `‖A‖₁`.
pub(crate) fn pgecon<T: Scalapack>(
    a: &[T],
    desc: &Desc,
    anorm: T::Real,
) -> Result<(ScaInt, T::Real)> {
    assert_local(a, desc);
    assert_eq!(desc[M_], desc[N_]);
    let n = desc[N_];
    let zr = T::Real::from_f64(0.0);
    let mut rcond = zr;
    let (mut qw, mut qr, mut qi) = ([T::zero()], [zr], [0 as ScaInt]);
    // SAFETY: a workspace query writes only work(1), rwork(1)/iwork(1); local part asserted.
    let info = unsafe {
        T::pgecon(
            n,
            a.as_ptr(),
            desc,
            anorm,
            &mut rcond,
            qw.as_mut_ptr(),
            -1,
            qr.as_mut_ptr(),
            -1,
            qi.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok((info, rcond));
    }
    let (lr, lc) = local_dims(desc);
    let lwork = sca_lwork(qw[0].re(), 0)?;
    let lrwork = sca_lwork(qr[0], (2 * lc.max(1)) as i64)?;
    let liwork = sca_lwork(T::Real::from_f64(f64::from(qi[0])), lr.max(1) as i64)?;
    let mut work = vec![T::zero(); ulen(lwork)];
    let mut rwork = vec![zr; ulen(lrwork)];
    let mut iwork = vec![0 as ScaInt; ulen(liwork)];
    // SAFETY: local part asserted; each workspace has the length passed with it.
    let info = unsafe {
        T::pgecon(
            n,
            a.as_ptr(),
            desc,
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            lwork,
            rwork.as_mut_ptr(),
            lrwork,
            iwork.as_mut_ptr(),
            liwork,
        )
    };
    Ok((info, rcond))
}

/// Least squares or minimum norm with a QR or LQ factorization (PxGELS), overwriting `a`
/// (`m×n`) with its factors and `b` (`max(m, n)×nrhs`, both with the same square blocks) with
/// the solution in its leading rows. `trans` is `N`, or `T` (real) / `C` (complex) for `Aᴴ`.
/// Returns INFO. The workspace is the query's, which is PxGELS's documented minimum.
pub(crate) fn pgels<T: Scalapack>(
    trans: c_char,
    a: &mut [T],
    desca: &Desc,
    b: &mut [T],
    descb: &Desc,
) -> Result<ScaInt> {
    assert_local(a, desca);
    assert_local(b, descb);
    let (m, n) = (desca[M_], desca[N_]);
    let nrhs = descb[N_];
    assert!(descb[M_] >= m.max(n), "B holds max(m, n) rows");
    assert!(desca[MB_] == descb[MB_] && desca[NB_] == descb[NB_] && desca[MB_] == desca[NB_]);
    let mut q = [T::zero()];
    // SAFETY: a workspace query (lwork = -1) writes only work(1); local parts asserted.
    let info = unsafe {
        T::pgels(
            trans,
            m,
            n,
            nrhs,
            a.as_mut_ptr(),
            desca,
            b.as_mut_ptr(),
            descb,
            q.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok(info);
    }
    let lwork = sca_lwork(q[0].re(), 0)?;
    let mut work = vec![T::zero(); ulen(lwork)];
    // SAFETY: local parts asserted for both descriptors, B has max(m, n) rows; `work` has
    // `lwork` entries.
    Ok(unsafe {
        T::pgels(
            trans,
            m,
            n,
            nrhs,
            a.as_mut_ptr(),
            desca,
            b.as_mut_ptr(),
            descb,
            work.as_mut_ptr(),
            lwork,
        )
    })
}

/// A norm of a symmetric (real) or Hermitian (complex) distributed matrix from its triangle
/// `uplo` (PxLANSY / PxLANHE): `norm` is `1`, `I`, `F` or `M`; the same on every process.
pub(crate) fn planhe<T: Scalapack>(norm: c_char, uplo: c_char, a: &[T], desc: &Desc) -> T::Real {
    assert_local(a, desc);
    assert_eq!(desc[M_], desc[N_]);
    let (lr, lc) = local_dims(desc);
    let nb = ulen(desc[MB_]).max(ulen(desc[NB_]));
    // PxLANSY asks for 2·Nq0 + Np0 + LDW reals for the 1- and ∞-norms, with
    // LDW ≤ MB·⌈Np0/MB⌉ ≤ Np0 + MB; 2·(LOCr + LOCc) + 2·NB + 1 covers every norm.
    let mut work = vec![T::Real::from_f64(0.0); 2 * (lr + lc) + 2 * nb + 1];
    // SAFETY: `a` local part of a square matrix asserted; `work` is larger than what PxLANSY /
    // PxLANHE documents for any norm with IA = JA = 1 (computed above).
    unsafe { T::planhe(norm, uplo, desc[N_], a.as_ptr(), desc, work.as_mut_ptr()) }
}

/// Reciprocal condition number in the 1-norm from a Cholesky factor (PxPOCON), given `‖A‖₁`.
/// Returns `(info, rcond)`.
pub(crate) fn ppocon<T: Scalapack>(
    uplo: c_char,
    a: &[T],
    desc: &Desc,
    anorm: T::Real,
) -> Result<(ScaInt, T::Real)> {
    assert_local(a, desc);
    assert_eq!(desc[M_], desc[N_]);
    let n = desc[N_];
    let zr = T::Real::from_f64(0.0);
    let mut rcond = zr;
    let (mut qw, mut qr, mut qi) = ([T::zero()], [zr], [0 as ScaInt]);
    // SAFETY: a workspace query writes only work(1), rwork(1)/iwork(1); local part asserted.
    let info = unsafe {
        T::ppocon(
            uplo,
            n,
            a.as_ptr(),
            desc,
            anorm,
            &mut rcond,
            qw.as_mut_ptr(),
            -1,
            qr.as_mut_ptr(),
            -1,
            qi.as_mut_ptr(),
            -1,
        )
    };
    if info != 0 {
        return Ok((info, rcond));
    }
    // The documented minimums, in i64, beside the query (which is not trusted alone):
    // LWORK ≥ 2·LOCr(N) + 2·LOCc(N) + max(2, NB·max(1, ⌈(P − 1)/Q⌉), LOCc(N) + NB·max(1,
    // ⌈(Q − 1)/P⌉)) (real; the complex one is smaller), LIWORK ≥ LOCr(N) (real), LRWORK ≥
    // 2·LOCc(N) (complex).
    let (lr, lc) = local_dims(desc);
    let (p, q, _, _) = grid_info(desc[CTXT]);
    let (np, nq, nb) = (lr as i64, lc as i64, i64::from(desc[NB_]));
    let (p, q) = (i64::from(p), i64::from(q));
    let ceil = |x: i64, y: i64| (x + y - 1) / y;
    let wmin = 2 * np
        + 2 * nq
        + 2i64
            .max(nb * ceil(p - 1, q).max(1))
            .max(nq + nb * ceil(q - 1, p).max(1));
    let lwork = sca_lwork(qw[0].re(), wmin)?;
    let lrwork = sca_lwork(qr[0], 2 * nq.max(1))?;
    let liwork = sca_lwork(T::Real::from_f64(f64::from(qi[0])), np.max(1))?;
    let mut work = vec![T::zero(); ulen(lwork)];
    let mut rwork = vec![zr; ulen(lrwork)];
    let mut iwork = vec![0 as ScaInt; ulen(liwork)];
    // SAFETY: local part asserted; each workspace has the length passed with it.
    let info = unsafe {
        T::ppocon(
            uplo,
            n,
            a.as_ptr(),
            desc,
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            lwork,
            rwork.as_mut_ptr(),
            lrwork,
            iwork.as_mut_ptr(),
            liwork,
        )
    };
    Ok((info, rcond))
}

/// The element types ScaLAPACK handles: f32, f64, c32, c64.
pub trait Scalapack: Scalar + ScalapackRaw {}
impl<T: Scalar + ScalapackRaw> Scalapack for T {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numroc_matches_its_definition() {
        // n = 10 in blocks of 3 over 2 processes: blocks 0, 2 (rows 0–2, 6–8) on process 0
        // and 1, 3 (rows 3–5, 9) on process 1.
        assert_eq!(numroc(10, 3, 0, 2), 6);
        assert_eq!(numroc(10, 3, 1, 2), 4);
        assert_eq!(numroc(0, 3, 1, 2), 0);
        for (n, nb, p) in [(10, 3, 2), (7, 1, 3), (64, 64, 4), (65, 2, 3)] {
            assert_eq!((0..p).map(|i| numroc(n, nb, i, p)).sum::<usize>(), n);
        }
    }
}
