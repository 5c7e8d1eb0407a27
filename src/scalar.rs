//! The element types ndfactor works with: `f32`, `f64`, [`c32`] and [`c64`].
//!
//! [`Scalar`] is sealed: its supertraits include the crate-private LAPACK dispatch traits, so
//! only the four LAPACK types implement it. Generic user code only ever writes `T: Scalar`.

use std::fmt::{Debug, Display, LowerExp};
use std::iter::Sum;
use std::ops::Neg;

use ndarray::LinalgScalar;
use num_complex::Complex;
use num_traits::{FloatConst, NumAssign, NumCast};

use crate::lapack::Lapack;

/// Single-precision complex number, `Complex<f32>` (LAPACK's `c` prefix).
#[allow(non_camel_case_types)]
pub type c32 = Complex<f32>;
/// Double-precision complex number, `Complex<f64>` (LAPACK's `z` prefix).
#[allow(non_camel_case_types)]
pub type c64 = Complex<f64>;

/// A matrix element type LAPACK can factor: `f32`, `f64`, [`c32`] or [`c64`].
///
/// The trait is sealed. `T::Real` is the matching real type (`f32` for `f32` and `c32`), used for
/// norms, singular values, eigenvalues of Hermitian matrices and condition numbers; it is
/// declared on the sealed supertrait that carries the LAPACK dispatch.
///
/// ```
/// use ndfactor::{c64, Scalar};
/// fn modulus_sum<T: Scalar>(xs: &[T]) -> T::Real {
///     xs.iter().fold(T::Real::from_f64(0.0), |acc, x| acc + x.abs())
/// }
/// // |3 + 4i| comes from the platform's hypot, accurate to an ulp or so.
/// assert!((modulus_sum(&[c64::new(3.0, 4.0), c64::new(0.0, -1.0)]) - 6.0).abs() <= 8.0 * f64::EPSILON);
/// assert_eq!(modulus_sum(&[-2.0f32, 0.5]), 2.5); // exact: |x| of a real is exact, and 2 + 0.5 too
/// ```
pub trait Scalar:
    Lapack
    + LinalgScalar
    + NumAssign
    + Neg<Output = Self>
    + Sum
    + PartialEq
    + Debug
    + Display
    + LowerExp
    + Default
    + Send
    + Sync
    + 'static
{
    /// `true` for `c32` and `c64`.
    const IS_COMPLEX: bool;
    /// Short name used in messages and reports: `"f32"`, `"f64"`, `"c32"` or `"c64"`.
    const NAME: &'static str;

    /// Embeds a real number.
    fn from_real(re: Self::Real) -> Self;
    /// Builds `re + i·im`; for real types `im` is ignored.
    fn from_parts(re: Self::Real, im: Self::Real) -> Self;
    /// Converts an `f64` (rounding for single precision).
    fn from_f64(x: f64) -> Self;
    /// Real part.
    fn re(self) -> Self::Real;
    /// Imaginary part (zero for real types).
    fn im(self) -> Self::Real;
    /// Complex conjugate (identity for real types).
    fn conj(self) -> Self;
    /// Modulus `|x|`, computed without overflow.
    fn abs(self) -> Self::Real;
    /// `|re| + |im|`, the cheap modulus LAPACK uses for pivoting and norms.
    fn abs1(self) -> Self::Real {
        self.re().abs() + self.im().abs()
    }
    /// `|x|²`.
    fn abs_sqr(self) -> Self::Real {
        self.re() * self.re() + self.im() * self.im()
    }
    /// `true` when neither part is NaN or infinite.
    fn is_finite(self) -> bool {
        self.re().is_finite() && self.im().is_finite()
    }
    /// Principal square root.
    fn sqrt(self) -> Self;
    /// Multiplies by a real number.
    fn scale(self, r: Self::Real) -> Self {
        self * Self::from_real(r)
    }
    /// Machine epsilon of the precision (`2⁻²³` for `f32`/`c32`, `2⁻⁵²` for `f64`/`c64`).
    fn eps() -> Self::Real {
        <Self::Real as RealScalar>::epsilon()
    }
}

/// The real element types, `f32` and `f64`: a [`Scalar`] that is its own `Real`, with the
/// floating-point functions ndfactor needs. (`abs`, `sqrt` and `is_finite` come from [`Scalar`],
/// so generic code can call them on `T` and `T::Real` alike.)
///
/// ```
/// use ndfactor::RealScalar;
/// fn hypot<R: RealScalar>(a: R, b: R) -> R { a.hypot(b) }
/// assert!((hypot(3.0f64, 4.0) - 5.0).abs() <= 4.0 * f64::EPSILON); // the platform's hypot: an ulp or so
/// ```
pub trait RealScalar: Scalar<Real = Self> + PartialOrd + FloatConst + NumCast {
    /// Smallest representable value greater than `self`.
    fn next_up(self) -> Self;
    /// Converts to `f64` exactly.
    fn to_f64(self) -> f64;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Base-10 logarithm.
    fn log10(self) -> Self;
    /// `e^self`.
    fn exp(self) -> Self;
    /// Integer power.
    fn powi(self, n: i32) -> Self;
    /// Real power.
    fn powf(self, e: Self) -> Self;
    /// `√(self² + other²)` without overflow.
    fn hypot(self, other: Self) -> Self;
    /// The larger of the two (NaN-ignoring, as `f64::max`).
    fn max(self, other: Self) -> Self;
    /// The smaller of the two (NaN-ignoring, as `f64::min`).
    fn min(self, other: Self) -> Self;
    /// Rounds toward −∞.
    fn floor(self) -> Self;
    /// Rounds toward +∞.
    fn ceil(self) -> Self;
    /// Sine.
    fn sin(self) -> Self;
    /// Cosine.
    fn cos(self) -> Self;
    /// Four-quadrant arctangent of `self / x`.
    fn atan2(self, x: Self) -> Self;
    /// `true` for NaN.
    fn is_nan(self) -> bool;
    /// Not a number.
    fn nan() -> Self;
    /// +∞.
    fn infinity() -> Self;
    /// −∞.
    fn neg_infinity() -> Self;
    /// Machine epsilon.
    fn epsilon() -> Self;
    /// Smallest positive normal number.
    fn min_positive_value() -> Self;
    /// Largest finite number.
    fn max_value() -> Self;
}

macro_rules! forward {
    ($t:ty; $($f:ident),*) => {
        $(
            #[inline]
            fn $f(self) -> Self {
                <$t>::$f(self)
            }
        )*
    };
}

macro_rules! impl_real {
    ($t:ty, $name:expr) => {
        impl Scalar for $t {
            const IS_COMPLEX: bool = false;
            const NAME: &'static str = $name;
            #[inline]
            fn from_real(re: $t) -> Self {
                re
            }
            #[inline]
            fn from_parts(re: $t, _im: $t) -> Self {
                re
            }
            #[inline]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline]
            fn re(self) -> $t {
                self
            }
            #[inline]
            fn im(self) -> $t {
                0.0
            }
            #[inline]
            fn conj(self) -> Self {
                self
            }
            #[inline]
            fn abs(self) -> $t {
                <$t>::abs(self)
            }
            #[inline]
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            #[inline]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
        }
        impl RealScalar for $t {
            #[inline]
            fn next_up(self) -> Self {
                <$t>::next_up(self)
            }
            #[inline]
            fn to_f64(self) -> f64 {
                self as f64
            }
            forward!($t; ln, log10, exp, floor, ceil, sin, cos);
            #[inline]
            fn powi(self, n: i32) -> Self {
                <$t>::powi(self, n)
            }
            #[inline]
            fn powf(self, e: Self) -> Self {
                <$t>::powf(self, e)
            }
            #[inline]
            fn hypot(self, o: Self) -> Self {
                <$t>::hypot(self, o)
            }
            #[inline]
            fn max(self, o: Self) -> Self {
                <$t>::max(self, o)
            }
            #[inline]
            fn min(self, o: Self) -> Self {
                <$t>::min(self, o)
            }
            #[inline]
            fn atan2(self, x: Self) -> Self {
                <$t>::atan2(self, x)
            }
            #[inline]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn nan() -> Self {
                <$t>::NAN
            }
            fn infinity() -> Self {
                <$t>::INFINITY
            }
            fn neg_infinity() -> Self {
                <$t>::NEG_INFINITY
            }
            fn epsilon() -> Self {
                <$t>::EPSILON
            }
            fn min_positive_value() -> Self {
                <$t>::MIN_POSITIVE
            }
            fn max_value() -> Self {
                <$t>::MAX
            }
        }
    };
}
impl_real!(f32, "f32");
impl_real!(f64, "f64");

macro_rules! impl_complex {
    ($r:ty, $name:expr) => {
        impl Scalar for Complex<$r> {
            const IS_COMPLEX: bool = true;
            const NAME: &'static str = $name;
            #[inline]
            fn from_real(re: $r) -> Self {
                Complex::new(re, 0.0)
            }
            #[inline]
            fn from_parts(re: $r, im: $r) -> Self {
                Complex::new(re, im)
            }
            #[inline]
            fn from_f64(x: f64) -> Self {
                Complex::new(x as $r, 0.0)
            }
            #[inline]
            fn re(self) -> $r {
                self.re
            }
            #[inline]
            fn im(self) -> $r {
                self.im
            }
            #[inline]
            fn conj(self) -> Self {
                Complex::conj(&self)
            }
            #[inline]
            fn abs(self) -> $r {
                self.re.hypot(self.im)
            }
            #[inline]
            fn sqrt(self) -> Self {
                Complex::sqrt(self)
            }
        }
    };
}
impl_complex!(f32, "c32");
impl_complex!(f64, "c64");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_up_rounds_f32_workspace_queries_up() {
        // 16 791 008 is the ssyevd query that is one short (RELIABILITY.md §3.3).
        let q = 16_791_009f32; // not representable: rounds to 16 791 008
        assert!(q.next_up().to_f64() >= 16_791_009.0);
    }

    #[test]
    fn complex_abs_does_not_overflow() {
        let z = c64::new(1e300, 1e300);
        assert!(Scalar::abs(z).is_finite());
    }
}
