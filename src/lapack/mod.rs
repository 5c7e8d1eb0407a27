//! The only unsafe code of ndfactor: LAPACK bindings and one safe wrapper per routine family.
//!
//! # Why our own `extern "C"` declarations
//! gfortran passes the length of every `CHARACTER` argument as a hidden trailing `size_t`.
//! The `lapack-sys` bindings omit these, which is undefined behaviour that GCC's sibling-call
//! optimisation has turned into real stack corruption (Reference-LAPACK#339, OpenBLAS#2154,
//! scipy#10335). Every declaration here carries the hidden lengths, and we pass 1.
//! The libraries themselves are linked by the backend's `*-src` crate.
//!
//! # The call pipeline (RELIABILITY.md §5.1)
//! Callers in `decomp/` validate shapes and finiteness and copy into an owned F-order buffer
//! (`layout`), using the buffer helpers of [`buffer`]. The safe wrappers here then: convert every size with [`lapack_int`] (never
//! `as i32`), short-circuit empty shapes, query workspace (`lwork = -1`) and take
//! `max(1, query rounded up, documented minimum computed in i64)`, zero the workspace, call
//! LAPACK with XERBLA interposed, map `INFO` to a typed error, and post-check outputs for
//! finiteness.
//!
//! # Safety conventions
//! Each family trait (`LuLapack`, `CholeskyLapack`, ...) has `unsafe fn`s that forward raw
//! pointers to Fortran. They are written by `routine::lapack_family!` from one description per
//! routine (the real/complex differences, such as IWORK against RWORK, stated there as data). The generic safe wrappers assert every buffer length against the
//! dimensions they pass before the `unsafe` block, which is what each SAFETY comment relies on.

// `BlasInt` is i32 or i64 by backend: a conversion or cast between it and i32/i64 is needed on
// one width and a no-op on the other.
#![allow(clippy::unnecessary_cast, clippy::useless_conversion)]

use std::cell::RefCell;
use std::os::raw::c_char;

use num_complex::Complex;

use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

pub(crate) mod band;
pub(crate) mod buffer;
pub(crate) mod cholesky;
pub(crate) mod eig;
pub(crate) mod eigh;
pub(crate) mod geneig;
pub(crate) mod ldlt;
pub(crate) mod lu;
pub(crate) mod memory;
pub(crate) mod mmap;
pub(crate) mod norm;
pub(crate) mod numeric;
pub(crate) mod qr;
pub(crate) mod routine;
#[cfg(feature = "mpi")]
pub(crate) mod scalapack;
pub(crate) mod schur;
pub(crate) mod svd;
pub(crate) mod transpose;
pub(crate) mod tridiag;

pub(crate) use buffer::lapack_int;

pub use crate::int::BlasInt;

/// Which triangle of a symmetric, Hermitian or triangular matrix is read or written.
///
/// ```
/// use ndfactor::Uplo;
/// assert_ne!(Uplo::Lower, Uplo::Upper);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Uplo {
    /// The lower triangle, diagonal included.
    Lower,
    /// The upper triangle, diagonal included.
    Upper,
}

impl Uplo {
    pub(crate) fn as_char(self) -> c_char {
        match self {
            Uplo::Lower => b'L' as c_char,
            Uplo::Upper => b'U' as c_char,
        }
    }
}

/// Which operator a solve applies: `A`, `Aᵀ` or `Aᴴ` (SciPy's `trans` = 0, 1, 2).
///
/// ```
/// use ndfactor::Trans;
/// assert_ne!(Trans::Transpose, Trans::Adjoint); // the same for real types, not for complex
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Trans {
    /// `A` itself.
    #[default]
    No,
    /// The transpose `Aᵀ`.
    Transpose,
    /// The conjugate transpose `Aᴴ` (equal to `Aᵀ` for real types).
    Adjoint,
}

/// Whether a triangular matrix has an implicit unit diagonal (`Unit`: the stored diagonal is
/// not read and taken as 1, as for the `L` of an LU factorization) or not (`NonUnit`).
///
/// ```
/// use ndfactor::Diag;
/// assert_eq!(Diag::default(), Diag::NonUnit);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Diag {
    /// The diagonal is read from the matrix.
    #[default]
    NonUnit,
    /// The diagonal is taken as all ones and not read.
    Unit,
}

impl Diag {
    pub(crate) fn as_char(self) -> c_char {
        match self {
            Diag::NonUnit => b'N' as c_char,
            Diag::Unit => b'U' as c_char,
        }
    }
}

impl Trans {
    pub(crate) fn as_char(self) -> c_char {
        match self {
            Trans::No => b'N' as c_char,
            Trans::Transpose => b'T' as c_char,
            Trans::Adjoint => b'C' as c_char,
        }
    }
}

/// Carries the real type and the LAPACK prefix of an element type. Sealed: it lives in a
/// private module, so only the four LAPACK types implement it.
pub trait LapackScalar: Copy + Send + Sync + 'static {
    /// The real type of the same precision: `f32` for `f32` and `c32`, `f64` for `f64` and `c64`.
    type Real: RealScalar;
    /// LAPACK's precision prefix: `s`, `d`, `c` or `z`.
    const PREFIX: char;
}

impl LapackScalar for f32 {
    type Real = f32;
    const PREFIX: char = 's';
}
impl LapackScalar for f64 {
    type Real = f64;
    const PREFIX: char = 'd';
}
impl LapackScalar for Complex<f32> {
    type Real = f32;
    const PREFIX: char = 'c';
}
impl LapackScalar for Complex<f64> {
    type Real = f64;
    const PREFIX: char = 'z';
}

/// Every LAPACK family ndfactor calls; a supertrait of [`Scalar`].
pub trait Lapack:
    LapackScalar
    + lu::LuLapack
    + cholesky::CholeskyLapack
    + ldlt::LdltLapack
    + norm::NormLapack
    + qr::QrLapack
    + schur::SchurLapack
    + eig::EigLapack
    + svd::SvdLapack
    + eigh::EighLapack
    + geneig::GenEigLapack
    + tridiag::TridiagLapack
    + band::BandLapack
{
}
impl<T> Lapack for T where
    T: LapackScalar
        + lu::LuLapack
        + cholesky::CholeskyLapack
        + ldlt::LdltLapack
        + norm::NormLapack
        + qr::QrLapack
        + schur::SchurLapack
        + eig::EigLapack
        + svd::SvdLapack
        + eigh::EighLapack
        + geneig::GenEigLapack
        + tridiag::TridiagLapack
        + band::BandLapack
{
}

/// The LAPACK routine name for a family, e.g. `rname!(T, "getrf")` is `"dgetrf"` for `f64`.
/// The two-argument form names the real and complex routines of families that differ
/// (`rname!(T, "orgqr", "ungqr")`).
macro_rules! rname {
    ($t:ty, $f:literal) => {
        match <$t as $crate::lapack::LapackScalar>::PREFIX {
            's' => concat!("s", $f),
            'd' => concat!("d", $f),
            'c' => concat!("c", $f),
            _ => concat!("z", $f),
        }
    };
    ($t:ty, $real:literal, $complex:literal) => {
        match <$t as $crate::lapack::LapackScalar>::PREFIX {
            's' => concat!("s", $real),
            'd' => concat!("d", $real),
            'c' => concat!("c", $complex),
            _ => concat!("z", $complex),
        }
    };
}
pub(crate) use rname;

// ---------------------------------------------------------------------------------------------
// XERBLA: LAPACK's error handler. Reference LAPACK's version prints and STOPs the process;
// OpenBLAS's prints. Ours records the call for the calling thread and stays silent, and every
// wrapper turns a recorded call into `Error::IllegalArgument`.

thread_local! {
    static XERBLA_CALL: RefCell<Option<(String, BlasInt)>> = const { RefCell::new(None) };
}

/// Replacement for LAPACK's `XERBLA` (argument-error handler): records, never prints or exits.
///
/// # Safety
/// Called by LAPACK with `srname` pointing to at least `len` bytes (a Fortran CHARACTER, not
/// NUL-terminated) and `info` to one integer. It cannot unwind: nothing in it panics.
#[cfg(feature = "xerbla")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn xerbla_(srname: *const c_char, info: *const BlasInt, len: usize) {
    let mut name = String::new();
    if !srname.is_null() {
        for i in 0..len.min(32) {
            // SAFETY: LAPACK guarantees `len` readable bytes at `srname`; we read at most 32.
            let c = unsafe { *srname.add(i) } as u8;
            if c == 0 || c == b' ' {
                break;
            }
            name.push(c.to_ascii_lowercase() as char);
        }
    }
    // SAFETY: `info` points to LAPACK's INFO integer, valid for the duration of the call.
    let arg = if info.is_null() { 0 } else { unsafe { *info } };
    let _ = XERBLA_CALL.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            *slot = Some((name, arg));
        }
    });
}

/// Takes the XERBLA call recorded on this thread since the last take, if any.
pub(crate) fn take_xerbla() -> Option<(String, BlasInt)> {
    XERBLA_CALL.with(|c| c.borrow_mut().take())
}

/// Maps a negative INFO (or a recorded XERBLA call) to `IllegalArgument`. Positive INFO is left
/// to the caller, whose meaning is routine-specific.
pub(crate) fn check_illegal(routine: &'static str, info: BlasInt) -> Result<()> {
    if let Some((name, arg)) = take_xerbla() {
        debug_assert!(false, "LAPACK rejected argument {arg} of {name}");
        return Err(Error::IllegalArgument {
            routine: name,
            arg: arg_number(arg),
        });
    }
    if info < 0 {
        debug_assert!(false, "LAPACK rejected argument {} of {routine}", -info);
        return Err(Error::IllegalArgument {
            routine: routine.to_string(),
            arg: arg_number(-info),
        });
    }
    Ok(())
}

/// An argument number reported by LAPACK (1 to about 20) as the error's `i32`.
fn arg_number(arg: BlasInt) -> i32 {
    i32::try_from(arg).unwrap_or(i32::MAX)
}

/// Workspace length from a LAPACK query: `max(1, ceil(query), documented_min)`, where the query
/// of a single-precision routine is first rounded up to the next float (LAPACK returns it as a
/// REAL, which can round the true integer down: Reference-LAPACK#600). `documented_min` is
/// computed by the caller in i64 from the routine's documentation; a query is never trusted
/// alone, since LP64 queries wrap silently for large sizes (RELIABILITY.md §3.3).
pub(crate) fn lwork<T: Scalar>(query: T, documented_min: i64) -> Result<usize> {
    let q = query.re();
    let q = if q > T::Real::from_f64(0.0) {
        q.next_up().to_f64().ceil()
    } else {
        0.0
    };
    let need = documented_min.max(1) as f64;
    let n = q.max(need);
    if n.is_nan() || n > BlasInt::MAX as f64 {
        return Err(Error::TooLarge {
            dim: if n.is_finite() {
                n as usize
            } else {
                usize::MAX
            },
        });
    }
    Ok(n as usize)
}

/// Converts an i64 size (a documented workspace formula) to usize, or `TooLarge`.
#[allow(dead_code)] // for IWORK/RWORK formulas of the SVD and eigen families
pub(crate) fn size_i64(n: i64) -> Result<usize> {
    if n > BlasInt::MAX as i64 {
        return Err(Error::TooLarge { dim: n as usize });
    }
    Ok(n.max(1) as usize)
}

/// The rcond of an estimator that solves with the factors without scaling (?sycon/?hecon
/// through ?sytrs, ?gtcon through ?gttrs; ?gecon, ?pocon and ?trcon scale with ?latrs). When
/// `‖A⁻¹‖` overflows, their norm estimator divides ∞ by ∞ and returns NaN. The callers have
/// already scaled matrices of tiny entries up (so `‖A‖₁ ≥ √(smallest normal)`), hence the true
/// rcond is then below `1/(√(smallest normal)·largest float)`, far below any threshold: 0.
pub(crate) fn rcond_or_zero<R: RealScalar>(rcond: R) -> R {
    if rcond.is_nan() {
        R::from_f64(0.0)
    } else {
        rcond
    }
}

/// `true` when every element is finite.
pub(crate) fn all_finite<T: Scalar>(xs: &[T]) -> bool {
    buffer::all_finite_slice(xs)
}

/// `true` when every entry of triangle `uplo` (diagonal included) of the `n×n` column-major
/// `buf` is finite: the post-check of routines that write one triangle and leave the other.
pub(crate) fn triangle_finite<T: Scalar>(buf: &[T], n: usize, uplo: Uplo) -> bool {
    n == 0
        || buf.chunks(n).take(n).enumerate().all(|(j, col)| {
            all_finite(match uplo {
                Uplo::Lower => &col[j..],
                Uplo::Upper => &col[..=j],
            })
        })
}

/// Asserts that a column-major buffer holds an `m×n` matrix with leading dimension `ld`.
#[inline]
pub(crate) fn assert_buf<T>(buf: &[T], m: usize, n: usize, ld: usize) {
    assert!(ld >= m.max(1), "leading dimension {ld} < max(1, {m})");
    assert!(
        n == 0 || buf.len() >= ld * (n - 1) + m,
        "buffer of {} elements cannot hold {m}×{n} with ld {ld}",
        buf.len()
    );
}

#[cfg(all(test, feature = "xerbla"))]
mod tests {
    use super::*;

    #[test]
    fn xerbla_is_interposed_and_silent() {
        // dgetrf with m = -1: LAPACK calls XERBLA with argument 1.
        let mut a = [0.0f64; 1];
        let mut ipiv = [0 as BlasInt; 1];
        // SAFETY: buffers hold 1 element each; LAPACK returns before touching them (m < 0).
        let info =
            unsafe { <f64 as lu::LuLapack>::getrf(-1, 1, a.as_mut_ptr(), 1, ipiv.as_mut_ptr()) };
        assert_eq!(info, -1);
        let call = take_xerbla().expect("our xerbla_ recorded the call");
        assert_eq!(call.0, "dgetrf");
        assert_eq!(call.1, 1);
        assert!(take_xerbla().is_none());
    }

    #[test]
    fn lwork_rounds_up_and_respects_minimum() {
        assert_eq!(lwork(16_791_008f32, 0).unwrap(), 16_791_010);
        assert_eq!(lwork(10.0f64, 25).unwrap(), 25);
        assert_eq!(lwork(0.0f64, 0).unwrap(), 1);
        assert!(matches!(lwork(1e300f64, 0), Err(Error::TooLarge { .. })));
        if std::mem::size_of::<BlasInt>() == 4 {
            assert!(matches!(
                lwork(0.0f64, i64::from(i32::MAX) + 1),
                Err(Error::TooLarge { .. })
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Which library is loaded.

#[cfg(unix)]
unsafe extern "C" {
    fn dlsym(handle: *mut std::ffi::c_void, symbol: *const c_char) -> *mut std::ffi::c_void;
}

/// Looks a symbol up in the process (`dlsym(RTLD_DEFAULT, name)`).
#[cfg(unix)]
fn find_symbol(name: &std::ffi::CStr) -> *mut std::ffi::c_void {
    // SAFETY: RTLD_DEFAULT is the null handle on glibc and the BSDs' dlsym accepts it too;
    // `name` is a valid NUL-terminated string.
    unsafe { dlsym(std::ptr::null_mut(), name.as_ptr()) }
}

/// The addresses of `openblas_get_num_threads` and `openblas_set_num_threads`, looked up once
/// (`None` when the loaded library is not OpenBLAS).
#[cfg(unix)]
fn openblas_thread_fns() -> Option<(usize, usize)> {
    static FNS: std::sync::OnceLock<Option<(usize, usize)>> = std::sync::OnceLock::new();
    *FNS.get_or_init(|| {
        let get = find_symbol(c"openblas_get_num_threads");
        let set = find_symbol(c"openblas_set_num_threads");
        (!get.is_null() && !set.is_null()).then_some((get as usize, set as usize))
    })
}

/// The number of threads OpenBLAS uses, or `None` when the library is not OpenBLAS.
pub(crate) fn blas_threads() -> Option<usize> {
    #[cfg(unix)]
    {
        let (get, _) = openblas_thread_fns()?;
        // SAFETY: `get` is the address of `int openblas_get_num_threads(void)`, found by dlsym
        // in the loaded OpenBLAS, which stays loaded for the life of the process.
        let n = unsafe {
            let get: extern "C" fn() -> std::os::raw::c_int = std::mem::transmute(get);
            get()
        };
        Some(n.max(1) as usize)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Sets the number of OpenBLAS threads (process-wide); `false` when the library is not OpenBLAS.
pub(crate) fn set_blas_threads(n: usize) -> bool {
    #[cfg(unix)]
    {
        let Some((_, set)) = openblas_thread_fns() else {
            return false;
        };
        let n = std::os::raw::c_int::try_from(n.max(1)).unwrap_or(std::os::raw::c_int::MAX);
        // SAFETY: `set` is the address of `void openblas_set_num_threads(int)`, found by dlsym
        // in the loaded OpenBLAS; any positive count is valid.
        unsafe {
            let set: extern "C" fn(std::os::raw::c_int) = std::mem::transmute(set);
            set(n);
        }
        true
    }
    #[cfg(not(unix))]
    {
        let _ = n;
        false
    }
}

/// Stack given to the helper thread of [`with_getrf_stack`].
pub(crate) const GETRF_STACK: usize = 16 << 20;

/// Runs `f`, a call of `?getrf` on an `m×n` matrix, where it has the stack it needs.
///
/// OpenBLAS's threaded `?getrf` (`getrf_parallel`, taken when OpenBLAS runs more than one
/// thread and `m·n ≥ 10⁴`) keeps a table of per-thread jobs on the stack at every level of its
/// recursion: 512 KiB per level when OpenBLAS was built for 64 threads (Debian's build), several
/// MiB in all (OpenBLAS#1082, #3229). Rust spawns threads with 2 MiB stacks (`std::thread`,
/// rayon and tokio workers, the test harness): there `Lu::new` of a 200×200 matrix overflowed
/// the stack and the process died with SIGSEGV. The main thread has the system's 8 MiB and
/// calls directly; on any other thread the call runs on a scoped helper thread with
/// [`GETRF_STACK`] bytes of stack (spawning it costs tens of µs, against ≥ 0.1 ms for the
/// factorization; with one OpenBLAS thread or another library there is no helper at all).
pub(crate) fn with_getrf_stack<R: Send>(m: usize, n: usize, f: impl FnOnce() -> R + Send) -> R {
    let threaded = m.saturating_mul(n) >= 10_000 && blas_threads().is_some_and(|t| t > 1);
    if !threaded || std::thread::current().name() == Some("main") {
        return f();
    }
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name("ndfactor-getrf".into())
            .stack_size(GETRF_STACK)
            .spawn_scoped(scope, f)
            .expect("spawning the helper thread of ?getrf (16 MiB of stack)");
        match helper.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Describes the LAPACK library loaded in this process.
pub(crate) fn backend_name() -> String {
    #[cfg(unix)]
    {
        let f = find_symbol(c"openblas_get_config");
        if !f.is_null() {
            // SAFETY: `openblas_get_config` is `char* openblas_get_config(void)` and returns a
            // pointer to a static NUL-terminated string owned by OpenBLAS.
            let s = unsafe {
                let get: extern "C" fn() -> *const c_char = std::mem::transmute(f);
                let p = get();
                if p.is_null() {
                    String::new()
                } else {
                    std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
                }
            };
            let s = s.trim();
            return if s.starts_with("OpenBLAS") {
                s.to_string()
            } else {
                format!("OpenBLAS {s}").trim().to_string()
            };
        }
        if !find_symbol(c"MKL_Get_Version").is_null() {
            return "Intel MKL".to_string();
        }
        "reference LAPACK (not OpenBLAS)".to_string()
    }
    #[cfg(not(unix))]
    {
        "unknown".to_string()
    }
}
