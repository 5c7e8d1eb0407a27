//! Matrix functions: the exponential [`expm`], the principal square root [`sqrtm`] and the
//! principal logarithm [`logm`].
//!
//! | function | method | cost (flops) |
//! |---|---|---|
//! | [`expm`] | scaling and squaring with Padé [m/m], m ∈ {3, 5, 7, 9, 13} (Higham 2005) | ≈ (6 + ⌈log₂(‖A‖₁/θ₁₃)⌉)·2n³ + LU |
//! | [`sqrtm`] | complex Schur form + Björck–Hammarling recurrence | ≈ 25n³ + n³/3 |
//! | [`logm`] | complex Schur form + inverse scaling and squaring + Gregory (atanh) series | ≈ 25n³ + k·n³/3 + series |
//!
//! [`sqrtm`] and [`logm`] work in complex arithmetic (the Schur form of a real input is computed
//! in complex). For **real** input they return a real matrix: when the principal square root /
//! logarithm exists (no eigenvalue on the closed negative real axis) it is real, so the
//! imaginary parts of the complex computation are rounding errors and are discarded. Real input
//! with an eigenvalue on the negative real axis is refused with
//! [`Error::InvalidArgument`]: convert it to complex to get a (complex) square root.

use ndarray::{Array2, ArrayBase, Data, Ix2, ShapeBuilder};
use num_complex::Complex;

use crate::decomp::lu::Lu;
use crate::decomp::schur::Schur;
use crate::error::{Error, Result};
use crate::layout::{check_dims, check_finite, check_square, to_col_major};
use crate::scalar::{RealScalar, Scalar};
use crate::verify::norm1;

/// Thresholds θₘ on ‖A‖₁ below which Padé [m/m] is accurate to double precision
/// (Higham 2005, Table 2.3), for m = 3, 5, 7, 9, 13, as printed there.
#[allow(clippy::excessive_precision)]
const THETA: [f64; 5] = [
    1.495585217958292e-2,
    2.539398330063230e-1,
    9.504178996162932e-1,
    2.097847961257068e0,
    5.371920351148152e0,
];

/// Padé coefficients bⱼ of the [m/m] approximant to eˣ.
const B3: [f64; 4] = [120.0, 60.0, 12.0, 1.0];
const B5: [f64; 6] = [30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0];
const B7: [f64; 8] = [
    17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0,
];
const B9: [f64; 10] = [
    17643225600.0,
    8821612800.0,
    2075673600.0,
    302702400.0,
    30270240.0,
    2162160.0,
    110880.0,
    3960.0,
    90.0,
    1.0,
];
const B13: [f64; 14] = [
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
];

/// A complex matrix of precision `R`.
type CMat<R> = Array2<Complex<R>>;
/// `(T, Z)` of a complex Schur form.
type SchurPair<R> = (CMat<R>, CMat<R>);

fn eye<T: Scalar>(n: usize) -> Array2<T> {
    Array2::eye(n)
}

fn lin<T: Scalar>(terms: &[(f64, &Array2<T>)], n: usize) -> Array2<T> {
    let mut out = Array2::<T>::zeros((n, n));
    for (c, m) in terms {
        out.scaled_add(T::from_f64(*c), *m);
    }
    out
}

fn into_f<T: Scalar>(a: Array2<T>) -> Array2<T> {
    if a.t().is_standard_layout() {
        return a;
    }
    let mut out = Array2::zeros(a.dim().f());
    out.assign(&a);
    out
}

fn check_input<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<usize> {
    let n = check_square(a)?;
    check_dims(n, n)?;
    check_finite(a)?;
    Ok(n)
}

/// Matrix exponential `eᴬ = Σₖ Aᵏ/k!` by scaling and squaring with a Padé approximant.
///
/// Implements Higham's algorithm ("The scaling and squaring method for the matrix exponential
/// revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005): the smallest degree
/// `m ∈ {3, 5, 7, 9}` with `‖A‖₁ ≤ θₘ` is used directly; otherwise `A` is scaled by `2⁻ˢ`,
/// `s = ⌈log₂(‖A‖₁/θ₁₃)⌉`, Padé [13/13] `r(A) = (V − U)⁻¹(V + U)` is formed (one LU solve), and
/// the result is squared `s` times. The θₘ are the double-precision thresholds, so single
/// precision gets more accuracy than it needs (at no extra cost beyond a few products).
///
/// The backward error is at most the unit roundoff of `f64` in exact arithmetic; in floating
/// point the relative error is about `κ_exp(A)·ε`, which for normal `A` is ≈ `‖A‖·ε`.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`] (checked first), [`Error::TooLarge`],
/// [`Error::NumericalBreakdown`] when the result overflows (e.g. `‖A‖` ≳ 700 in `f64` with a
/// positive eigenvalue), and LU errors if `V − U` is singular (it never is for `‖2⁻ˢA‖₁ ≤ θ₁₃`).
/// An empty matrix gives an empty matrix.
///
/// ```
/// use ndarray::array;
/// let t = 0.5f64;
/// let e = ndfactor::expm(&array![[0.0, -t], [t, 0.0]])?;
/// let r = array![[t.cos(), -t.sin()], [t.sin(), t.cos()]];
/// assert!((&e - &r).iter().all(|d| d.abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn expm<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let n = check_input(a)?;
    if n == 0 {
        return Ok(Array2::zeros((0, 0).f()));
    }
    let mut a = to_col_major(a);
    // log₂‖A‖₁ computed without overflow (entries near the largest float sum to +∞), so that
    // the scaling exponent is always finite.
    let amax = a.iter().fold(0.0f64, |m, x| m.max(x.abs().to_f64()));
    if amax == 0.0 {
        return Ok(into_f(eye::<T>(n)));
    }
    let inv = T::Real::from_f64(1.0 / amax);
    let unit = if inv.is_finite() && inv > T::Real::from_f64(0.0) {
        norm1(&a.mapv(|x| x.scale(inv))).to_f64()
    } else {
        norm1(&a).to_f64() / amax
    };
    let log2norm = unit.log2() + amax.log2();
    let anorm = log2norm.exp2();
    let id = eye::<T>(n);
    let small: Option<&[f64]> = if anorm <= THETA[0] {
        Some(&B3)
    } else if anorm <= THETA[1] {
        Some(&B5)
    } else if anorm <= THETA[2] {
        Some(&B7)
    } else if anorm <= THETA[3] {
        Some(&B9)
    } else {
        None
    };
    let (u, v, s) = if let Some(b) = small {
        let a2 = a.dot(&a);
        // Powers A⁰, A², A⁴, ... up to A^{m-1}.
        let mut pows = vec![id.clone(), a2.clone()];
        while 2 * pows.len() < b.len() {
            let next = pows.last().unwrap().dot(&a2);
            pows.push(next);
        }
        let mut uo = Array2::<T>::zeros((n, n));
        let mut v = Array2::<T>::zeros((n, n));
        for (k, p) in pows.iter().enumerate() {
            uo.scaled_add(T::from_f64(b[2 * k + 1]), p);
            v.scaled_add(T::from_f64(b[2 * k]), p);
        }
        (a.dot(&uo), v, 0)
    } else {
        // Scale before squaring: A² of an unscaled large A overflows.
        let s = (log2norm - THETA[4].log2()).ceil().max(0.0) as i32;
        // 2^-s in two exact steps: 2^-s alone may be subnormal or zero for s > 1022.
        let (h1, h2) = (s / 2, s - s / 2);
        let (f1, f2) = (
            T::Real::from_f64(2f64.powi(-h1)),
            T::Real::from_f64(2f64.powi(-h2)),
        );
        a.mapv_inplace(|x| x.scale(f1).scale(f2));
        let b = &B13;
        let a2 = a.dot(&a);
        let a4 = a2.dot(&a2);
        let a6 = a4.dot(&a2);
        let inner_u = lin(&[(b[13], &a6), (b[11], &a4), (b[9], &a2)], n);
        let uo = &a6.dot(&inner_u) + &lin(&[(b[7], &a6), (b[5], &a4), (b[3], &a2), (b[1], &id)], n);
        let inner_v = lin(&[(b[12], &a6), (b[10], &a4), (b[8], &a2)], n);
        let v = &a6.dot(&inner_v) + &lin(&[(b[6], &a6), (b[4], &a4), (b[2], &a2), (b[0], &id)], n);
        (a.dot(&uo), v, s)
    };
    let p = &v + &u;
    let q = &v - &u;
    let breakdown = Error::NumericalBreakdown { routine: "expm" };
    if !(p.iter().all(|v| v.is_finite()) && q.iter().all(|v| v.is_finite())) {
        return Err(breakdown);
    }
    let mut x = Lu::from_owned(into_f(q))?.solve(&p)?;
    for _ in 0..s {
        x = x.dot(&x);
        if !x.iter().all(|v| v.is_finite()) {
            // e^A overflows: stop squaring (s can exceed 1000 for ‖A‖ near the largest float).
            return Err(breakdown);
        }
    }
    if !x.iter().all(|v| v.is_finite()) {
        return Err(Error::NumericalBreakdown { routine: "expm" });
    }
    Ok(into_f(x))
}

/// Complex Schur form of `a` (converted to complex), with the eigenvalue screen shared by
/// `sqrtm` and `logm`.
fn complex_schur<T, S>(
    a: &ArrayBase<S, Ix2>,
    what: &str,
    reject_zero: bool,
) -> Result<SchurPair<T::Real>>
where
    T: Scalar,
    S: Data<Elem = T>,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let n = a.nrows();
    let ac = to_col_major(a).mapv(|x| Complex::new(x.re(), x.im()));
    let schur = Schur::from_owned(into_f(ac))?;
    let t = schur.t().to_owned();
    let z = schur.z().to_owned();
    let tol = T::Real::from_f64(100.0 * n as f64) * T::eps() * norm1(&t);
    let zero = T::Real::from_f64(0.0);
    for i in 0..n {
        let l = t[(i, i)];
        let on_axis = if T::IS_COMPLEX {
            l.im == zero && l.re < zero
        } else {
            l.re < zero && l.im.abs() <= tol
        };
        let is_zero = if T::IS_COMPLEX {
            l.re == zero && l.im == zero
        } else {
            l.re.abs() <= tol && l.im.abs() <= tol
        };
        if (reject_zero && is_zero) || (on_axis && (reject_zero || !T::IS_COMPLEX)) {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "{what}: eigenvalue {l} lies on the closed negative real axis, so the \
                     principal {what} is not defined{}",
                    if T::IS_COMPLEX || reject_zero {
                        ""
                    } else {
                        " as a real matrix (convert the input to complex)"
                    }
                ),
            });
        }
    }
    Ok((t, z))
}

/// Björck–Hammarling: the upper triangular square root `R` of upper triangular `T`
/// (`R² = T`, `rᵢᵢ = √tᵢᵢ` principal branch).
fn sqrt_triangular<R: RealScalar>(t: &Array2<Complex<R>>) -> Result<Array2<Complex<R>>>
where
    Complex<R>: Scalar<Real = R>,
{
    let n = t.nrows();
    let zero = Complex::new(R::from_f64(0.0), R::from_f64(0.0));
    let mut r = Array2::from_elem((n, n).f(), zero);
    for j in 0..n {
        r[(j, j)] = Scalar::sqrt(t[(j, j)]);
        for i in (0..j).rev() {
            let mut s = t[(i, j)];
            for k in i + 1..j {
                s -= r[(i, k)] * r[(k, j)];
            }
            let d = r[(i, i)] + r[(j, j)];
            r[(i, j)] = if d == zero {
                if s == zero {
                    zero
                } else {
                    return Err(Error::InvalidArgument {
                        reason: "sqrtm: the matrix has no square root (repeated zero eigenvalue \
                                 in a nontrivial Jordan block)"
                            .into(),
                    });
                }
            } else {
                s / d
            };
        }
    }
    Ok(r)
}

/// `Z·F·Zᴴ`, converted back to `T` (imaginary parts dropped for real `T`).
fn back<T: Scalar>(z: &Array2<Complex<T::Real>>, f: &Array2<Complex<T::Real>>) -> Array2<T>
where
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let zh = z.t().mapv(|x| x.conj());
    let x = z.dot(f).dot(&zh);
    let mut out = Array2::zeros(x.dim().f());
    out.zip_mut_with(&x, |o, c| *o = T::from_parts(c.re, c.im));
    out
}

/// Principal matrix square root `X = A^{1/2}` (`X² = A`, eigenvalues of `X` in the open right
/// half plane, or zero).
///
/// Method: complex Schur form `A = Z·T·Zᴴ`, the Björck–Hammarling recurrence for the upper
/// triangular `R` with `R² = T`
/// (`rᵢⱼ = (tᵢⱼ − Σ_{i<k<j} rᵢₖ rₖⱼ)/(rᵢᵢ + rⱼⱼ)`), then `X = Z·R·Zᴴ`. Backward stable in the
/// sense `‖X² − A‖ ≲ n·ε·‖X‖²` (Higham, *Functions of Matrices*, §6.2).
///
/// Conditions: the principal square root exists when `A` has no eigenvalue on the **open**
/// negative real axis and zero, if present, is a simple eigenvalue (semisimple zero eigenvalues
/// are also handled when the recurrence meets `0/0`). Complex input with negative real
/// eigenvalues gets the root with `√λ` on the principal branch of [`Complex::sqrt`] (not a
/// primary function in general). For real input see the [module docs](self): the result is
/// real, and eigenvalues on the negative real axis (within `100·n·ε·‖T‖₁` of it) are refused.
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`], [`Error::TooLarge`], the errors of [`Schur`],
/// [`Error::InvalidArgument`] for real input with a negative real eigenvalue, or when
/// `rᵢᵢ + rⱼⱼ = 0` with a nonzero numerator (no square root, e.g. a 2×2 Jordan block at 0).
/// An empty matrix gives an empty matrix.
///
/// ```
/// use ndarray::array;
/// let a = array![[4.0f64, 1.0], [0.0, 9.0]];
/// let x = ndfactor::sqrtm(&a)?;
/// assert!((&x.dot(&x) - &a).iter().all(|d| d.abs() < 1e-14));
/// assert!((x[(0, 0)] - 2.0).abs() < 1e-15 && (x[(0, 1)] - 0.2).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn sqrtm<T, S>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let n = check_input(a)?;
    if n == 0 {
        return Ok(Array2::zeros((0, 0).f()));
    }
    let (t, z) = complex_schur(a, "square root", false)?;
    let r = sqrt_triangular(&t)?;
    finite_or_breakdown(back::<T>(&z, &r), "sqrtm")
}

/// Tiny eigenvalues (subnormal, or a near-zero pair `rᵢᵢ + rⱼⱼ`) can overflow the
/// Björck–Hammarling recurrence from finite input: report it rather than return ∞/NaN.
fn finite_or_breakdown<T: Scalar>(x: Array2<T>, routine: &'static str) -> Result<Array2<T>> {
    if x.iter().all(|v| v.is_finite()) {
        Ok(x)
    } else {
        Err(Error::NumericalBreakdown { routine })
    }
}

/// Largest number of square roots taken by [`logm`] (reached only for `‖A‖` near overflow).
const MAX_LOGM_SQRTS: usize = 64;

/// Principal matrix logarithm `X = log A` (`eˣ = A`, eigenvalues of `X` with imaginary parts in
/// `(−π, π)`).
///
/// Method (inverse scaling and squaring, Kenney–Laub / Higham *Functions of Matrices* §11.5):
/// complex Schur form `A = Z·T·Zᴴ`; replace `T` by `T^{1/2ᵏ}` (repeated Björck–Hammarling
/// square roots) until `‖T^{1/2ᵏ} − I‖₁ ≤ 1/4`; then
/// `log(R) = 2·atanh(Y) = 2·Σ_{j≥0} Y^{2j+1}/(2j+1)` with `Y = (R + I)⁻¹(R − I)` (the Gregory
/// series), whose terms decay at least like `(1/7)^{2j}` since `‖Y‖₁ ≲ 1/7`; the series is summed
/// until a term is below `ε` times the sum (at most 60 terms, ≈ 10 in `f64`);
/// finally `log A = Z·(2ᵏ·log R)·Zᴴ`. The error is about `κ_log(A)·ε` times a modest factor
/// growing with `k`.
///
/// The principal logarithm exists iff `A` has no eigenvalue on the closed negative real axis
/// `(−∞, 0]`. Real input gives a real result (see the [module docs](self)).
///
/// # Errors
/// [`Error::InvalidArgument`] when an eigenvalue is zero or on the negative real axis (exactly,
/// for complex input; within `100·n·ε·‖T‖₁` for real input, whose complex Schur form carries
/// rounding-level imaginary parts). [`Error::NotSquare`], [`Error::NonFinite`],
/// [`Error::TooLarge`], the errors of [`Schur`] and [`Lu`]. An empty matrix gives an empty
/// matrix.
///
/// ```
/// use ndarray::array;
/// let a = array![[1.0f64, 2.0], [0.0, 1.0]];
/// let l = ndfactor::logm(&a)?; // log of a unipotent Jordan-like block: [[0, 2], [0, 0]]
/// assert!((&l - &array![[0.0, 2.0], [0.0, 0.0]]).iter().all(|d| d.abs() < 1e-14));
/// let back = ndfactor::expm(&l)?;
/// assert!((&back - &a).iter().all(|d| d.abs() < 1e-14));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn logm<T, S>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let n = check_input(a)?;
    if n == 0 {
        return Ok(Array2::zeros((0, 0).f()));
    }
    let (mut r, z) = complex_schur(a, "logarithm", true)?;
    let id = eye::<Complex<T::Real>>(n);
    let quarter = T::Real::from_f64(0.25);
    let mut k = 0i32;
    while norm1(&(&r - &id)) > quarter && (k as usize) < MAX_LOGM_SQRTS {
        r = sqrt_triangular(&r)?;
        k += 1;
    }
    let m = &r - &id;
    let p = &r + &id;
    if !r.iter().all(|v| v.is_finite()) {
        return Err(Error::NumericalBreakdown { routine: "logm" });
    }
    let y = Lu::from_owned(into_f(p))?.solve(&m)?;
    let y2 = y.dot(&y);
    let mut term = y.clone();
    let mut sum = y;
    let eps = T::eps();
    for j in 1..60 {
        term = term.dot(&y2);
        let scaled = term.mapv(|x| x.scale(T::Real::from_f64(1.0 / (2 * j + 1) as f64)));
        sum += &scaled;
        if norm1(&scaled) <= eps * norm1(&sum) {
            break;
        }
    }
    let f = T::Real::from_f64(2f64.powi(k + 1));
    let l = sum.mapv(|x| x.scale(f));
    finite_or_breakdown(back::<T>(&z, &l), "logm")
}
