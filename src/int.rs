//! LAPACK's integer type, on its own so that both `error` (INFO values) and `lapack/` can name
//! it without importing each other.

/// LAPACK's and BLAS's `INTEGER`: `i32` on the usual LP64 libraries, `i64` with the ILP64
/// backend (feature `openblas64-system`), chosen when ndfactor is compiled. Pivot indices
/// ([`Lu::pivots`](crate::Lu::pivots)) have this type, and every size passed to LAPACK must fit
/// it: larger sizes are [`Error::TooLarge`](crate::Error::TooLarge).
///
/// ```
/// use ndfactor::BlasInt;
/// assert!(BlasInt::MAX as u64 >= i32::MAX as u64);
/// assert_eq!(std::mem::size_of::<BlasInt>(), if cfg!(feature = "openblas64-system") { 8 } else { 4 });
/// ```
#[cfg(not(feature = "openblas64-system"))]
pub type BlasInt = i32;
/// LAPACK's and BLAS's `INTEGER`: `i64` with the ILP64 backend (feature `openblas64-system`).
#[cfg(feature = "openblas64-system")]
pub type BlasInt = i64;
