//! NumPy's `numpy.linalg` functions on one square matrix: [`solve`], [`inv`], [`det`] and
//! [`slogdet`], by LU with partial pivoting (`P·A = L·U`, LAPACK `?getrf`, `2/3·n³` flops).
//!
//! They never show their factors, so a C-contiguous `A` (ndarray's default) is factored as it
//! lies: its buffer read in column-major order is `Aᵀ`, copied by one `memcpy` instead of a
//! transpose, and the answer comes from the transposed factorization (`A·x = b` ⇔
//! `(Aᵀ)ᵀ·x = b`, `?getrs` with `'T'`; `A⁻¹ = ((Aᵀ)⁻¹)ᵀ`; `det A = det Aᵀ`). Results equal those
//! for the same matrix in F order to rounding, within LAPACK's error bounds, not bit for bit;
//! [`Lu`] keeps bitwise layout-independent factors when those matter.
//!
//! Like NumPy they assume nothing about `A` beyond being square; [`auto::solve`](crate::auto::solve)
//! first looks for structure (triangular, symmetric positive definite, tridiagonal) and
//! [`Lu`] keeps the factorization for many right-hand sides. Input is checked as everywhere:
//! NaN/∞ is [`Error::NonFinite`] at its position in `A` (the first in row-major order), an
//! exactly singular matrix [`Error::Singular`] for `solve` and `inv` (with the 1-based index of
//! the zero pivot of the factorization that ran: of `Aᵀ` for C-order input).

use ndarray::{Array, Array2, ArrayBase, Data, Ix2};

use crate::decomp::lu::Lu;
use crate::decomp::Rhs;
use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// The LU factorization of `A`, or of `Aᵀ` when that is the cheaper copy.
enum Factored<T: Scalar> {
    /// `P·A = L·U`.
    Direct(Lu<T>),
    /// `P·Aᵀ = L·U` (`A` was C-contiguous).
    Transposed(Lu<T>),
}

fn factor<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Factored<T>> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    if n > 1 && a.is_standard_layout() {
        return Lu::new(&a.t())
            .map(Factored::Transposed)
            .map_err(|e| crate::layout::in_coordinates_of(a, e));
    }
    Lu::new(a).map(Factored::Direct)
}

impl<T: Scalar> Factored<T> {
    fn lu(&self) -> &Lu<T> {
        match self {
            Factored::Direct(lu) | Factored::Transposed(lu) => lu,
        }
    }
}

/// Solves `A·x = b` for a square `A` (NumPy's `numpy.linalg.solve`, SciPy's
/// `scipy.linalg.solve` with `assume_a="gen"`): LU with partial pivoting, `2/3·n³` flops, then
/// `2n²` per right-hand side. `b` is a vector (the solution is a vector) or a matrix of
/// right-hand sides with `n` rows.
///
/// Use it for one system; keep an [`Lu`] to solve again with the same `A`, and prefer
/// [`auto::solve`](crate::auto::solve) when `A` may be triangular, symmetric or banded. No
/// conditioning check: an ill-conditioned `A` gives an answer whose relative error is about
/// `κ(A)·ε` ([`Lu::rcond`] estimates `1/κ₁`; `Solve::solve_checked` refuses `rcond < ε`).
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`] in `A` or `b`; [`Error::Singular`] for an exactly
/// singular `A`; [`Error::DimensionMismatch`] when `b` has not `n` rows.
///
/// ```
/// use ndarray::array;
/// let a = array![[3.0f64, 1.0], [1.0, 2.0]];
/// let x = ndfactor::solve(&a, &array![9.0, 8.0])?;
/// assert!((x[0] - 2.0).abs() < 4.0 * f64::EPSILON && (x[1] - 3.0).abs() < 4.0 * f64::EPSILON);
/// // Several right-hand sides at once, and the errors NumPy raises as LinAlgError.
/// let x = ndfactor::solve(&a, &array![[9.0, 3.0], [8.0, 1.0]])?;
/// assert!((&a.dot(&x) - &array![[9.0, 3.0], [8.0, 1.0]]).iter().all(|r| r.abs() < 1e-14));
/// let singular = array![[1.0f64, 2.0], [2.0, 4.0]];
/// assert!(matches!(ndfactor::solve(&singular, &array![1.0, 2.0]), Err(ndfactor::Error::Singular { .. })));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn solve<T, S1, S2, D>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, D>) -> Result<Array<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    match factor(a)? {
        Factored::Direct(lu) => lu.solve(b),
        Factored::Transposed(lu) => lu.solve_transpose(b),
    }
}

/// The inverse `A⁻¹` of a square matrix (NumPy's `numpy.linalg.inv`): LU with partial pivoting
/// and `?getri`, `2n³` flops in all. The result has the input's memory order (C order for
/// C-order input, whose transposed factors give `(A⁻¹)ᵀ` in column-major order).
///
/// Prefer [`solve`] for systems: `A⁻¹·b` costs more and is less accurate than solving.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`]; [`Error::Singular`];
/// [`Error::NumericalBreakdown`] when the inverse of a finite matrix overflows.
///
/// ```
/// use ndarray::{array, Array2};
/// let a = array![[4.0f64, 7.0], [2.0, 6.0]];
/// let ainv = ndfactor::inv(&a)?;
/// assert!((&a.dot(&ainv) - &Array2::<f64>::eye(2)).iter().all(|d| d.abs() < 8.0 * f64::EPSILON));
/// assert!(ainv.is_standard_layout()); // the input's order
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn inv<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    match factor(a)? {
        Factored::Direct(lu) => lu.into_inverse(),
        // (Aᵀ)⁻¹ = (A⁻¹)ᵀ: the F-order inverse of Aᵀ, read in C order, is A⁻¹.
        Factored::Transposed(lu) => Ok(lu.into_inverse()?.reversed_axes()),
    }
}

/// The determinant of a square matrix (NumPy's `numpy.linalg.det`): the product of `U`'s
/// diagonal and the permutation's sign from LU with partial pivoting, `2/3·n³` flops. 0 for an
/// exactly singular matrix, 1 for a 0×0 one. It overflows or underflows for large `n` (the
/// determinant of `2·I` of order 1100 is beyond `f64`): use [`slogdet`] then.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`].
///
/// ```
/// use ndarray::array;
/// let d = ndfactor::det(&array![[1.0f64, 2.0], [3.0, 4.0]])?;
/// assert!((d + 2.0).abs() < 4.0 * f64::EPSILON);
/// assert_eq!(ndfactor::det(&array![[1.0f64, 2.0], [2.0, 4.0]])?, 0.0); // exact: a zero pivot
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn det<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<T> {
    Ok(factor(a)?.lu().det())
}

/// Sign and natural logarithm of the absolute determinant, `det A = sign·exp(logabsdet)`, without
/// overflow (NumPy's `numpy.linalg.slogdet`, returned as the pair `(sign, logabsdet)`): from LU
/// with partial pivoting, `2/3·n³` flops. `sign` is ±1 for real types and of modulus 1 for
/// complex ones; an exactly singular matrix gives `(0, −∞)` and a 0×0 one `(1, 0)`, as in NumPy.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`].
///
/// ```
/// use ndarray::Array2;
/// let a = Array2::<f64>::eye(2000) * 2.0; // det = 2^2000 overflows f64
/// let (sign, logabsdet) = ndfactor::slogdet(&a)?;
/// assert_eq!(sign, 1.0); // exact: a product of ±1
/// let want = 2000.0 * std::f64::consts::LN_2;
/// assert!((logabsdet - want).abs() <= 2000.0 * f64::EPSILON * want);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn slogdet<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<(T, T::Real)> {
    Ok(factor(a)?.lu().ln_abs_det())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, s, Array1, ShapeBuilder};

    #[test]
    fn non_finite_is_reported_at_the_position_in_a_for_c_order_input() {
        // C order goes through the transposed view: the first NaN/∞ in A's row-major order, at
        // A's coordinates, must still be the error.
        let mut a = Array2::<f64>::eye(3);
        a[(2, 0)] = f64::NAN;
        a[(0, 2)] = f64::INFINITY;
        let want = Error::NonFinite { row: 0, col: 2 };
        assert_eq!(solve(&a, &Array1::<f64>::ones(3)).unwrap_err(), want);
        assert_eq!(inv(&a).unwrap_err(), want);
        assert_eq!(det(&a).unwrap_err(), want);
        assert_eq!(slogdet(&a).unwrap_err(), want);
        // auto's solve-only entry points take the same transposed path.
        assert_eq!(
            crate::auto::solve(&a, &Array1::<f64>::ones(3)).unwrap_err(),
            want
        );
        assert_eq!(crate::auto::inv(&a).unwrap_err(), want);
        assert_eq!(crate::auto::det(&a).unwrap_err(), want);
        let f = {
            let mut f = Array2::<f64>::zeros((3, 3).f());
            f.assign(&a);
            f
        };
        assert_eq!(solve(&f, &Array1::<f64>::ones(3)).unwrap_err(), want);
        // One entry off the diagonal: the transposed view alone would name (0, 2).
        let mut a = Array2::<f64>::eye(3);
        a[(2, 0)] = f64::NAN;
        let want = Error::NonFinite { row: 2, col: 0 };
        assert_eq!(solve(&a, &Array1::<f64>::ones(3)).unwrap_err(), want);
        assert_eq!(det(&a).unwrap_err(), want);
        assert_eq!(
            crate::auto::solve(&a, &Array1::<f64>::ones(3)).unwrap_err(),
            want
        );
        assert_eq!(crate::auto::det(&a).unwrap_err(), want);
    }

    #[test]
    fn shapes_and_empty() {
        let wide = Array2::<f64>::zeros((2, 3));
        assert_eq!(
            det(&wide).unwrap_err(),
            Error::NotSquare { rows: 2, cols: 3 }
        );
        let e = Array2::<f64>::zeros((0, 0));
        assert_eq!(det(&e).unwrap(), 1.0); // exact: the empty product
        assert_eq!(slogdet(&e).unwrap(), (1.0, 0.0)); // exact: as NumPy
        assert_eq!(inv(&e).unwrap().dim(), (0, 0));
        assert_eq!(solve(&e, &Array1::<f64>::zeros(0)).unwrap().len(), 0);
        let a = array![[2.0f64, 1.0], [1.0, 3.0]];
        assert!(matches!(
            solve(&a, &Array1::<f64>::ones(3)),
            Err(Error::DimensionMismatch { .. })
        ));
        // A 1×1 and a strided (non-contiguous) view take the direct path.
        assert_eq!(solve(&array![[4.0f64]], &array![2.0]).unwrap()[0], 0.5); // exact: 2/4
        let big = Array2::from_shape_fn((4, 4), |(i, j)| if i == j { 2.0f64 } else { 0.0 });
        assert_eq!(det(&big.slice(s![..;2, ..;2])).unwrap(), 4.0); // exact: 2·2
    }
}
