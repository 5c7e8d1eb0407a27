//! Exact scalings and norms shared by every layer: powers of two applied without overflow
//! (`floor_log2`, `scale_pow2`, `tiny_exponent`), phases and determinant products that do not
//! turn overflow into NaN, and the 1- and Frobenius norms ([`crate::verify`] re-exports the
//! public ones).
//!
//! Safe code only. It sits in `lapack/` because the wrappers there scale with it too; it
//! imports only `scalar` and [`super::buffer`].

use ndarray::{Array2, ArrayBase, Data, Ix2};

use super::buffer::max_component;
use crate::scalar::{RealScalar, Scalar};

/// The exponent `k` that brings a matrix whose largest |entry| (`abs1`) is `amax` up to unit
/// scale, when `amax` is below `√(smallest normal)`; `None` otherwise.
pub(crate) fn tiny_exponent<T: Scalar>(amax: T::Real) -> Option<i32> {
    let zero = T::Real::from_f64(0.0);
    if amax == zero || amax >= T::Real::min_positive_value().sqrt() {
        return None;
    }
    Some(-floor_log2(amax.to_f64()))
}

/// `p/|p|` for a product `p` of unit phases: removes the drift of `|p|` from 1 that n rounded
/// complex products accumulate (each adds up to about 2ε). Real phases are exactly ±1 already
/// and are returned unchanged.
pub(crate) fn renormalized_phase<T: Scalar>(p: T) -> T {
    if !T::IS_COMPLEX || p == T::zero() {
        return p;
    }
    p.scale(T::Real::from_f64(1.0) / p.abs())
}

/// `u/|u|` for a nonzero `u`, without overflow when `|u|` is subnormal (`1/|u|` would be ∞ and
/// the phase NaN): `u` is first brought near 1 by an exact power of two.
///
/// For a real `u` the phase is exactly `±1` (its sign), never `u·(1/|u|)`, whose rounding
/// would leave a sign like 0.9999999999999998 that a product of n phases then accumulates.
pub(crate) fn unit_phase<T: Scalar>(u: T) -> T {
    if !T::IS_COMPLEX {
        let one = T::Real::from_f64(1.0);
        return T::from_real(if u.re() < T::Real::from_f64(0.0) {
            -one
        } else {
            one
        });
    }
    let amax = u.re().abs().max(u.im().abs());
    let e = floor_log2(amax.to_f64());
    let v = scale_pow2(u, -e);
    v.scale(T::Real::from_f64(1.0) / v.abs())
}

/// `(ν, k)` with `ν = ‖2^-k·A‖₁` for a finite matrix whose ‖A‖₁ overflows, `2^k` the power of
/// two at or below its largest |re|, |im|.
pub(crate) fn overflowed_norm1<T: Scalar>(a: &Array2<T>) -> (T::Real, i32) {
    let zero = T::Real::from_f64(0.0);
    let big = max_component(a);
    let k = floor_log2(big.to_f64());
    let norm = a
        .columns()
        .into_iter()
        .map(|c| c.fold(zero, |s, &x| s + scale_pow2(x, -k).abs()))
        .fold(zero, |m, s| if s > m { s } else { m });
    (norm, k)
}

/// `⌊log₂ x⌋` for a finite `x > 0`, exactly, subnormals included (from the bits: `x.log2()`
/// rounds to 1024 for `f64::MAX`, and `2^1024` overflows).
pub(crate) fn floor_log2(x: f64) -> i32 {
    debug_assert!(x > 0.0 && x.is_finite());
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        let mantissa = bits & ((1u64 << 52) - 1);
        -1074 + (63 - mantissa.leading_zeros() as i32)
    } else {
        biased - 1023
    }
}

/// `x·2^k`, applied in two halves so that neither factor overflows (2^1030 does not fit f64).
pub(crate) fn scale_pow2<T: Scalar>(x: T, k: i32) -> T {
    let two = T::Real::from_f64(2.0);
    let h = k / 2;
    x.scale(two.powi(h)).scale(two.powi(k - h))
}

/// The product of determinant factors (pivots, diagonal entries) without NaN: a plain running
/// product turns overflow into NaN as soon as it meets a zero part (`∞·0`, also inside a complex
/// product). When that happens the product is redone as phase × `exp(Σ ln|uᵢ|)`, so the result is
/// ±∞ (with the right phase), 0, or the finite product.
pub(crate) fn det_product<T: Scalar>(factors: impl Iterator<Item = T> + Clone) -> T {
    let d = factors.clone().fold(T::one(), |p, u| p * u);
    if !d.re().is_nan() && !d.im().is_nan() {
        return d;
    }
    let zero = T::Real::from_f64(0.0);
    let mut phase = T::one();
    let mut ln = zero;
    for u in factors {
        let m = u.abs();
        if m == zero {
            return T::zero();
        }
        ln += m.ln();
        // Exactly ±1 for real factors; for complex ones u/|u| without overflow.
        phase *= unit_phase(u);
    }
    let phase = renormalized_phase(phase);
    let mag = ln.exp();
    let part = |p: T::Real| if p == zero { zero } else { p * mag };
    T::from_parts(part(phase.re()), part(phase.im()))
}

/// 1-norm: the maximum over columns of `Σᵢ |aᵢⱼ|` (0 for an empty matrix).
///
/// ```
/// use ndarray::array;
/// assert_eq!(ndfactor::verify::norm1(&array![[1.0f64, -4.0], [2.0, 1.0]]), 5.0); // exact: a sum of integers
/// ```
pub fn norm1<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    a.columns()
        .into_iter()
        .map(|c| c.iter().fold(zero, |s, x| s + x.abs()))
        .fold(zero, |m, s| if s > m || s.is_nan() { s } else { m })
}

/// Frobenius norm `√Σ|aᵢⱼ|²`, scaled so that entries near 1e±300 do not overflow.
///
/// ```
/// use ndarray::array;
/// let a = array![[3e300f64, 0.0], [0.0, 4e300]];
/// assert!((ndfactor::verify::norm_fro(&a) / 5e300 - 1.0).abs() < 1e-15);
/// ```
pub fn norm_fro<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> T::Real {
    // Memory order: `iter()` walks an F-order matrix across its columns, a cache miss per entry.
    let scale = max_component(a);
    norm_fro_with_max(a, scale)
}

/// [`norm_fro`] for a caller that already knows `scale = max |re|, |im|` of the entries.
pub(crate) fn norm_fro_with_max<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    scale: T::Real,
) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    if scale == zero || !scale.is_finite() {
        return scale;
    }
    // Inside the window the squares neither overflow (even summed over 2³¹ entries) nor lose
    // anything but entries below ε·scale; outside it the entries are first scaled by an exact
    // power of two near 1/scale.
    let k = floor_log2(scale.to_f64());
    if k.abs() <= unscaled_window::<T>() {
        return sum_squares(a, |x| x).sqrt();
    }
    let s = sum_squares(a, |x| scale_pow2(x, -k));
    scale_pow2(T::from_real(s.sqrt()), k).re()
}

/// The exponents `k` with `2^k` in `[2^-w, 2^w]`, `w` = this value (250, or 30 for f32/c32):
/// entries whose magnitude lies there are squared and multiplied without overflow or harmful
/// underflow, even summed over 2³¹ entries, and are used unscaled.
pub(crate) fn unscaled_window<T: Scalar>() -> i32 {
    if T::eps().to_f64() > 1e-10 {
        30
    } else {
        250
    }
}

/// The exponent of the exact power-of-two scaling for a matrix whose largest `|re|`, `|im|` is
/// `amax`: `⌊log₂ amax⌋` when it lies outside [`unscaled_window`], 0 inside it or for `amax = 0`.
pub(crate) fn outside_window_exponent<T: Scalar>(amax: T::Real) -> i32 {
    if amax == T::Real::from_f64(0.0) {
        return 0;
    }
    let k = floor_log2(amax.to_f64());
    if k.abs() > unscaled_window::<T>() {
        k
    } else {
        0
    }
}

/// `Σ|f(aᵢⱼ)|²` in memory order, with eight partial sums so that the loop vectorises.
fn sum_squares<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>, f: impl Fn(T) -> T) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    let sq = |x: T| {
        let y = f(x);
        y.re() * y.re() + y.im() * y.im()
    };
    match a.as_slice_memory_order() {
        Some(xs) => {
            let mut part = [zero; 8];
            let mut chunks = xs.chunks_exact(8);
            for c in &mut chunks {
                for j in 0..8 {
                    part[j] += sq(c[j]);
                }
            }
            chunks
                .remainder()
                .iter()
                .fold(part.iter().fold(zero, |s, &p| s + p), |s, &x| s + sq(x))
        }
        None => a.fold(zero, |s, &x| s + sq(x)),
    }
}
