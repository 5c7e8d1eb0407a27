//! One description per LAPACK routine: [`lapack_family!`] writes, from it, the family trait's
//! raw `unsafe fn`, the `extern "C"` declaration of `?name_` for each of the four element types
//! and the four implementations that forward to it.
//!
//! ```text
//! lapack_family! {
//!     /// Raw Cholesky routines.
//!     pub trait CholeskyLapack: LapackScalar;
//!
//!     /// # Safety ...
//!     fn potrf(uplo: char, n: int, a: *mut T, lda: int);
//!     fn pocon(uplo: char, n: int, a: *const T, lda: int, anorm: real, rcond: &mut R,
//!              work: *mut T, #[complex] rwork: *mut R, #[real] iwork: *mut int);
//!     fn orgqr = [orgqr, ungqr](m: int, ...);   // real and complex names differ
//!     fn stev = [stev, real](jobz: char, ...);  // complex types call the real routine
//! }
//! ```
//!
//! Each argument is a parameter of the trait method and, in the same order, an argument of the
//! Fortran routine. Its kind says how it crosses:
//! - `char`, `int`, `real`: a CHARACTER, INTEGER or real scalar, taken by value and passed by
//!   reference; every `char` adds gfortran's hidden trailing length, passed as 1.
//! - `*mut T`, `*const T`, `*mut R`, `*const R`, `*mut int`, `*const int`, `&mut R`, `&mut int`:
//!   an array or output, passed as it is (`T` the element type, `R` its real type).
//! - `[type]`: any other type, written out (in a trait-only parameter it may name `Self`, in an
//!   argument of the routine `T` and `R`).
//!
//! The per-type differences are stated once, as data:
//! - `#[real] name: kind` / `#[complex] name: kind`: a parameter of every type that only the
//!   real (complex) routines take, such as IWORK against RWORK;
//! - `name: kind = expr`: an argument of the routine only, with a value computed from the
//!   parameters (a fixed JOB character, a field of a parameter), possibly with `#[real]` or
//!   `#[complex]` too;
//! - `#[trait_only] name: kind`: a parameter of the method only, which the routine does not
//!   take itself (its arguments then name it in their `= expr`).
//!
//! INFO is always the last argument and the method's return value; a FUNCTION that returns a
//! real instead (`?lange`) is written `fn lange(...) -> real;`.
//!
//! Each generated method holds its own `extern "C"` declaration (named by `#[link_name]`, so
//! the four types' declarations cannot be mixed up), the one `unsafe` call and its SAFETY
//! comment: what makes the call sound is the caller's `# Safety` contract, written once per
//! routine in the description.

/// Writes a family trait and its four implementations from one description per routine (see
/// the module documentation for the grammar).
macro_rules! lapack_family {
    (
        $(#[$tm:meta])*
        pub trait $Trait:ident: $sup:ident $(+ $more:ident)*;
        $(
            $(#[$m:meta])*
            fn $f:ident $(= [$($names:tt)*])? ($($args:tt)*) $(-> $ret:ident)?;
        )*
    ) => {
        $(#[$tm])*
        pub trait $Trait: $sup $(+ $more)* {
            $(
                $crate::lapack::routine::lapack_fn!(@norm [decl [$(#[$m])*] $f [$($ret)?]] [] $($args)*);
            )*
        }
        impl $Trait for f32 {
            $(
                $crate::lapack::routine::lapack_fn!(
                    @name [real f32, f32, "s", "s"] $Trait $f [$($ret)?] [$($($names)*)?] $($args)*
                );
            )*
        }
        impl $Trait for f64 {
            $(
                $crate::lapack::routine::lapack_fn!(
                    @name [real f64, f64, "d", "d"] $Trait $f [$($ret)?] [$($($names)*)?] $($args)*
                );
            )*
        }
        impl $Trait for ::num_complex::Complex<f32> {
            $(
                $crate::lapack::routine::lapack_fn!(
                    @name [complex ::num_complex::Complex<f32>, f32, "c", "s"] $Trait $f [$($ret)?]
                    [$($($names)*)?] $($args)*
                );
            )*
        }
        impl $Trait for ::num_complex::Complex<f64> {
            $(
                $crate::lapack::routine::lapack_fn!(
                    @name [complex ::num_complex::Complex<f64>, f64, "z", "d"] $Trait $f [$($ret)?]
                    [$($($names)*)?] $($args)*
                );
            )*
        }
    };
}
pub(crate) use lapack_family;

/// The per-routine half of [`lapack_family!`]: `@name` picks the routine's link name for one
/// element type, `@norm` brings every argument to one form, `@decl` writes the trait's method
/// and `@gen` sorts the arguments into the method's parameters, the routine's parameters, the
/// call's arguments and the hidden CHARACTER lengths, then writes the method.
macro_rules! lapack_fn {
    // ---------------------------------------------------------------- link name, per type
    (@name [real $t:ty, $r:ty, $p:literal, $rp:literal] $Trait:ident $f:ident $ret:tt
        [$lr:ident, $lc:tt] $($args:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@norm [gen [real $t, $r] $Trait $f $ret
            concat!($p, stringify!($lr), "_")] [] $($args)*);
    };
    (@name [complex $t:ty, $r:ty, $p:literal, $rp:literal] $Trait:ident $f:ident $ret:tt
        [$lr:ident, real] $($args:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@norm [gen [complex $t, $r] $Trait $f $ret
            concat!($rp, stringify!($lr), "_")] [] $($args)*);
    };
    (@name [complex $t:ty, $r:ty, $p:literal, $rp:literal] $Trait:ident $f:ident $ret:tt
        [$lr:ident, $lc:ident] $($args:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@norm [gen [complex $t, $r] $Trait $f $ret
            concat!($p, stringify!($lc), "_")] [] $($args)*);
    };
    (@name [$kind:ident $t:ty, $r:ty, $p:literal, $rp:literal] $Trait:ident $f:ident $ret:tt []
        $($args:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@norm [gen [$kind $t, $r] $Trait $f $ret
            concat!($p, stringify!($f), "_")] [] $($args)*);
    };

    // ---------------------------------------------------------------- one form per argument:
    // `{(filter) name (kind) (value)}`
    (@norm $hd:tt [$($done:tt)*]
        $(#[$flt:ident])? $n:ident : * $m:tt $e:tt $(= $v:expr)? $(, $($rest:tt)*)?) => {
        $crate::lapack::routine::lapack_fn!(@norm $hd
            [$($done)* {($($flt)?) $n (* $m $e) ($($v)?)}] $($($rest)*)?);
    };
    (@norm $hd:tt [$($done:tt)*]
        $(#[$flt:ident])? $n:ident : & mut $e:tt $(= $v:expr)? $(, $($rest:tt)*)?) => {
        $crate::lapack::routine::lapack_fn!(@norm $hd
            [$($done)* {($($flt)?) $n (& mut $e) ($($v)?)}] $($($rest)*)?);
    };
    (@norm $hd:tt [$($done:tt)*]
        $(#[$flt:ident])? $n:ident : $k:tt $(= $v:expr)? $(, $($rest:tt)*)?) => {
        $crate::lapack::routine::lapack_fn!(@norm $hd
            [$($done)* {($($flt)?) $n ($k) ($($v)?)}] $($($rest)*)?);
    };
    (@norm [decl $docs:tt $f:ident $ret:tt] [$($done:tt)*]) => {
        $crate::lapack::routine::lapack_fn!(@decl $docs $f $ret [] $($done)*);
    };
    (@norm [gen $ty:tt $Trait:ident $f:ident $ret:tt $link:expr] [$($done:tt)*]) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty [$Trait $f $ret $link] [] [] [] [[] []] $($done)*);
    };

    // ---------------------------------------------------------------- the trait's method
    (@decl [$($docs:tt)*] $f:ident $ret:tt [$($p:tt)*] {($($flt:ident)?) $n:ident $k:tt ()} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@decl [$($docs)*] $f $ret
            [$($p)* $n: $crate::lapack::routine::lapack_fn!(@tr $k),] $($rest)*);
    };
    (@decl [$($docs:tt)*] $f:ident $ret:tt [$($p:tt)*] {$flt:tt $n:ident $k:tt ($v:expr)} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@decl [$($docs)*] $f $ret [$($p)*] $($rest)*);
    };
    (@decl [$($docs:tt)*] $f:ident [] [$($p:tt)*]) => {
        $($docs)*
        #[allow(clippy::too_many_arguments)]
        unsafe fn $f($($p)*) -> $crate::lapack::BlasInt;
    };
    (@decl [$($docs:tt)*] $f:ident [real] [$($p:tt)*]) => {
        $($docs)*
        #[allow(clippy::too_many_arguments)]
        unsafe fn $f($($p)*) -> <Self as $crate::lapack::LapackScalar>::Real;
    };

    // ---------------------------------------------------------------- one type's method
    // A filter that names this kind of type is no filter.
    (@gen [real $($ty:tt)*] $hd:tt $p:tt $fp:tt $ca:tt $ln:tt {(real) $($a:tt)*} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen [real $($ty)*] $hd $p $fp $ca $ln {() $($a)*} $($rest)*);
    };
    (@gen [complex $($ty:tt)*] $hd:tt $p:tt $fp:tt $ca:tt $ln:tt {(complex) $($a:tt)*} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen [complex $($ty)*] $hd $p $fp $ca $ln {() $($a)*} $($rest)*);
    };
    // A parameter of the method only, which computed arguments read.
    (@gen $ty:tt $hd:tt [$($p:tt)*] $fp:tt $ca:tt $ln:tt {(trait_only) $n:ident $k:tt ()} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd
            [$($p)* $n: $crate::lapack::routine::lapack_fn!(@tr $k),] $fp $ca $ln $($rest)*);
    };
    // A parameter the routine of this type does not take (the other kind's).
    (@gen $ty:tt $hd:tt [$($p:tt)*] $fp:tt $ca:tt $ln:tt {($flt:ident) $n:ident $k:tt ()} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd
            [$($p)* _: $crate::lapack::routine::lapack_fn!(@tr $k),] $fp $ca $ln $($rest)*);
    };
    // A computed argument of the other kind's routine.
    (@gen $ty:tt $hd:tt $p:tt $fp:tt $ca:tt $ln:tt {($flt:ident) $n:ident $k:tt ($v:expr)} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd $p $fp $ca $ln $($rest)*);
    };
    // A parameter passed on; a CHARACTER adds its hidden length.
    (@gen $ty:tt $hd:tt [$($p:tt)*] [$($fp:tt)*] [$($ca:tt)*] [[$($lp:tt)*] [$($la:tt)*]] {() $n:ident (char) ()} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd
            [$($p)* $n: ::std::os::raw::c_char,]
            [$($fp)* $n: *const ::std::os::raw::c_char,]
            [$($ca)* &$n,]
            [[$($lp)* _: usize,] [$($la)* 1,]] $($rest)*);
    };
    (@gen $ty:tt $hd:tt [$($p:tt)*] [$($fp:tt)*] [$($ca:tt)*] $ln:tt {() $n:ident $k:tt ()} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd
            [$($p)* $n: $crate::lapack::routine::lapack_fn!(@tr $k),]
            [$($fp)* $n: $crate::lapack::routine::lapack_fn!(@ffi $k),]
            [$($ca)* $crate::lapack::routine::lapack_fn!(@pass $k $n),]
            $ln $($rest)*);
    };
    // A computed argument.
    (@gen $ty:tt $hd:tt $p:tt [$($fp:tt)*] [$($ca:tt)*] [[$($lp:tt)*] [$($la:tt)*]] {() $n:ident (char) ($v:expr)} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd $p
            [$($fp)* $n: *const ::std::os::raw::c_char,]
            [$($ca)* &$v,]
            [[$($lp)* _: usize,] [$($la)* 1,]] $($rest)*);
    };
    (@gen $ty:tt $hd:tt $p:tt [$($fp:tt)*] [$($ca:tt)*] $ln:tt {() $n:ident $k:tt ($v:expr)} $($rest:tt)*) => {
        $crate::lapack::routine::lapack_fn!(@gen $ty $hd $p
            [$($fp)* $n: $crate::lapack::routine::lapack_fn!(@ffi $k),]
            [$($ca)* $crate::lapack::routine::lapack_fn!(@pass $k $v),]
            $ln $($rest)*);
    };
    (@gen [$kind:ident $t:ty, $r:ty] [$Trait:ident $f:ident [] $link:expr]
        [$($p:tt)*] [$($fp:tt)*] [$($ca:tt)*] [[$($lp:tt)*] [$($la:tt)*]]) => {
        unsafe fn $f($($p)*) -> $crate::lapack::BlasInt {
            #[allow(dead_code)]
            type T = $t;
            #[allow(dead_code)]
            type R = $r;
            unsafe extern "C" {
                #[link_name = $link]
                fn routine($($fp)* info: *mut $crate::lapack::BlasInt, $($lp)*);
            }
            let mut info = 0;
            // SAFETY: the caller upholds the `# Safety` contract of this trait method (every
            // array LAPACK reads or writes is long enough for the sizes passed); the scalars
            // are passed as references to locals that outlive the call, and every hidden
            // CHARACTER length is 1 (each `char` argument is one character).
            unsafe { routine($($ca)* &mut info, $($la)*) };
            info
        }
    };

    // A FUNCTION returning a real (no INFO).
    (@gen [$kind:ident $t:ty, $r:ty] [$Trait:ident $f:ident [real] $link:expr]
        [$($p:tt)*] [$($fp:tt)*] [$($ca:tt)*] [[$($lp:tt)*] [$($la:tt)*]]) => {
        unsafe fn $f($($p)*) -> $r {
            #[allow(dead_code)]
            type T = $t;
            #[allow(dead_code)]
            type R = $r;
            unsafe extern "C" {
                #[link_name = $link]
                fn routine($($fp)* $($lp)*) -> R;
            }
            // SAFETY: as for a subroutine above: the caller upholds the method's `# Safety`
            // contract, scalars are references to live locals, hidden lengths are 1.
            unsafe { routine($($ca)* $($la)*) }
        }
    };

    // ---------------------------------------------------------------- kinds
    (@tr (char)) => { ::std::os::raw::c_char };
    (@tr (int)) => { $crate::lapack::BlasInt };
    (@tr (real)) => { <Self as $crate::lapack::LapackScalar>::Real };
    (@tr (* $m:tt T)) => { * $m Self };
    (@tr (* $m:tt R)) => { * $m <Self as $crate::lapack::LapackScalar>::Real };
    (@tr (* $m:tt int)) => { * $m $crate::lapack::BlasInt };
    (@tr (& mut R)) => { &mut <Self as $crate::lapack::LapackScalar>::Real };
    (@tr (& mut int)) => { &mut $crate::lapack::BlasInt };
    (@tr ([$($x:tt)*])) => { $($x)* };

    (@ffi (int)) => { *const $crate::lapack::BlasInt };
    (@ffi (real)) => { *const R };
    (@ffi (* $m:tt int)) => { * $m $crate::lapack::BlasInt };
    (@ffi (* $m:tt $e:tt)) => { * $m $e };
    (@ffi (& mut int)) => { *mut $crate::lapack::BlasInt };
    (@ffi (& mut R)) => { *mut R };
    (@ffi ([$($x:tt)*])) => { $($x)* };

    (@pass (int) $v:expr) => { &$v };
    (@pass (real) $v:expr) => { &$v };
    (@pass $k:tt $v:expr) => { $v };
}
pub(crate) use lapack_fn;
