//! Tensor decompositions: Tucker (HOSVD, HOOI) and CP (CANDECOMP/PARAFAC by alternating least
//! squares) of N-way ndarray tensors, with the mode-n unfolding, folding and n-mode product
//! as public helpers.
//!
//! Tensors are any `ArrayBase<S, D>` (`Array3`, `ArrayD`, views, any layout); results are
//! `ArrayD`. Element types: `f32`, `f64`, [`c32`](crate::c32), [`c64`](crate::c64).
//!
//! **Unfolding convention (Kolda & Bader 2009).** The mode-`n` unfolding `X₍ₙ₎` of an
//! `I₀×I₁×…×I_{N−1}` tensor is the `Iₙ × ∏_{k≠n} I_k` matrix whose entry `(iₙ, j)` is
//! `x[i₀, …, i_{N−1}]` with `j = Σ_{k≠n} i_k·J_k`, `J_k = ∏_{m<k, m≠n} I_m`: the remaining
//! indices run in increasing mode order with the **lowest mode fastest**. With it,
//! `(X ×ₙ U)₍ₙ₎ = U·X₍ₙ₎` and the CP model reads
//! `X₍ₙ₎ = A⁽ⁿ⁾·diag(λ)·(A⁽ᴺ⁻¹⁾ ⊙ … ⊙ A⁽ⁿ⁺¹⁾ ⊙ A⁽ⁿ⁻¹⁾ ⊙ … ⊙ A⁽⁰⁾)ᵀ` (⊙ Khatri–Rao).
//! (TensorLy's `unfold` uses the opposite order, last mode fastest.)
//!
//! Linear algebra goes through [`Svd`] (Tucker factors, CP initialisation) and [`Cholesky`]
//! with a [`lstsq`] fallback (CP normal equations); products are ndarray `dot` (BLAS GEMM).
//!
//! ```
//! use ndfactor::tensor::{hosvd, CpAls};
//! // A 3-way tensor of multilinear rank (2, 2, 2) and CP rank 2: a ∘ b ∘ c + d ∘ e ∘ f.
//! let x = ndarray::Array3::from_shape_fn((4, 5, 6), |(i, j, k)| {
//!     let (i, j, k) = (i as f64, j as f64, k as f64);
//!     (1.0 + i) * (2.0 - j) * (1.0 + 0.5 * k) + i * i * (1.0 + j) * (3.0 - k)
//! });
//! let t = hosvd(&x, &[2, 2, 2])?;
//! assert!(t.relative_error() < 1e-13);
//! let cp = CpAls::new(2).tol(1e-14).max_iter(500).fit(&x)?;
//! assert!(cp.relative_error() < 1e-8);
//! # Ok::<(), ndfactor::Error>(())
//! ```

use ndarray::{
    s, Array1, Array2, Array3, ArrayBase, ArrayD, ArrayViewD, Data, Dimension, Ix2, Ix3, IxDyn,
};

use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};
use crate::{lstsq, random, Cholesky, Svd};

fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}

fn check_mode(ndim: usize, mode: usize) -> Result<()> {
    if mode >= ndim {
        return Err(invalid(format!(
            "mode {mode} is out of range for a tensor of order {ndim}"
        )));
    }
    Ok(())
}

/// The Kolda–Bader permutation: `[mode, N−1, …, 0 without mode]` (so the standard-layout
/// iteration of the permuted tensor has the lowest remaining mode fastest).
fn unfold_perm(ndim: usize, mode: usize) -> Vec<usize> {
    let mut p = vec![mode];
    p.extend((0..ndim).rev().filter(|&k| k != mode));
    p
}

/// Mode-`n` unfolding `X₍ₙ₎` (Kolda–Bader convention, see the [module](self) docs):
/// an `Iₙ × ∏_{k≠n} I_k` matrix (C order). One copy, `O(∏ I_k)`.
///
/// # Errors
/// [`Error::InvalidArgument`] when `mode ≥ ndim` (a 0-dimensional array has no mode).
///
/// ```
/// use ndfactor::tensor::unfold;
/// // Kolda & Bader's example: X[:, :, 0] = [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9, 12]],
/// // X[:, :, 1] the same plus 12.
/// let x = ndarray::Array3::from_shape_fn((3, 4, 2), |(i, j, k)| (1 + i + 3 * j + 12 * k) as f64);
/// let x1 = unfold(&x, 1)?;
/// assert_eq!(x1.row(0).to_vec(), vec![1.0, 2.0, 3.0, 13.0, 14.0, 15.0]); // exact: unfolding copies entries
/// assert_eq!(unfold(&x, 0)?.row(0).to_vec(), vec![1.0, 4.0, 7.0, 10.0, 13.0, 16.0, 19.0, 22.0]); // exact: a copy
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn unfold<T, S, D>(x: &ArrayBase<S, D>, mode: usize) -> Result<Array2<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Dimension,
{
    let x = x.view().into_dyn();
    check_mode(x.ndim(), mode)?;
    let rows = x.shape()[mode];
    let cols: usize = x
        .shape()
        .iter()
        .enumerate()
        .filter(|&(k, _)| k != mode)
        .map(|(_, &d)| d)
        .product();
    let perm = unfold_perm(x.ndim(), mode);
    let p = x.permuted_axes(perm);
    let v: Vec<T> = p.iter().copied().collect();
    Ok(Array2::from_shape_vec((rows, cols), v).expect("unfolding has ∏ I_k entries"))
}

/// Inverse of [`unfold`]: the tensor of shape `shape` whose mode-`n` unfolding is `m`.
///
/// # Errors
/// [`Error::InvalidArgument`] when `mode ≥ shape.len()`; [`Error::DimensionMismatch`] when
/// `m` is not `Iₙ × ∏_{k≠n} I_k`.
///
/// ```
/// use ndfactor::tensor::{fold, unfold};
/// let x = ndarray::Array3::from_shape_fn((2, 3, 4), |(i, j, k)| (i * 12 + j * 4 + k) as f32);
/// for mode in 0..3 {
///     assert_eq!(fold(&unfold(&x, mode)?, mode, &[2, 3, 4])?, x.clone().into_dyn());
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn fold<T, S>(m: &ArrayBase<S, Ix2>, mode: usize, shape: &[usize]) -> Result<ArrayD<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
{
    let nd = shape.len();
    check_mode(nd, mode)?;
    let cols: usize = (0..nd).filter(|&k| k != mode).map(|k| shape[k]).product();
    if m.nrows() != shape[mode] {
        return Err(Error::DimensionMismatch {
            operation: "fold: rows of the unfolding (size of the mode)",
            expected: shape[mode],
            found: m.nrows(),
        });
    }
    if m.ncols() != cols {
        return Err(Error::DimensionMismatch {
            operation: "fold: columns of the unfolding (product of the other sizes)",
            expected: cols,
            found: m.ncols(),
        });
    }
    let perm = unfold_perm(nd, mode);
    let pshape: Vec<usize> = perm.iter().map(|&k| shape[k]).collect();
    let v: Vec<T> = m.iter().copied().collect();
    let p = ArrayD::from_shape_vec(IxDyn(&pshape), v).expect("sizes checked");
    let mut inv = vec![0usize; nd];
    for (k, &pk) in perm.iter().enumerate() {
        inv[pk] = k;
    }
    Ok(p.permuted_axes(inv).as_standard_layout().into_owned())
}

/// n-mode product `Y = X ×ₙ U` for `U` of shape `J × Iₙ`: `Y₍ₙ₎ = U·X₍ₙ₎`, i.e.
/// `y[…, j, …] = Σ_{iₙ} u[j, iₙ]·x[…, iₙ, …]`. Cost `2·J·∏ I_k` flops (one GEMM) plus two
/// copies.
///
/// Identities (Kolda & Bader §2.5): `X ×ₘ A ×ₙ B = X ×ₙ B ×ₘ A` for `m ≠ n`, and
/// `X ×ₙ A ×ₙ B = X ×ₙ (B·A)`.
///
/// # Errors
/// [`Error::InvalidArgument`] for a bad mode; [`Error::DimensionMismatch`] when
/// `U.ncols() ≠ Iₙ`.
///
/// ```
/// use ndfactor::tensor::mode_product;
/// let x = ndarray::Array3::<f64>::ones((2, 3, 4));
/// let u = ndarray::Array2::<f64>::ones((5, 3));
/// let y = mode_product(&x, &u, 1)?;
/// assert_eq!(y.shape(), &[2, 5, 4]);
/// assert!(y.iter().all(|&v| v == 3.0));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn mode_product<T, S1, S2, D>(
    x: &ArrayBase<S1, D>,
    u: &ArrayBase<S2, Ix2>,
    mode: usize,
) -> Result<ArrayD<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Dimension,
{
    let x = x.view().into_dyn();
    check_mode(x.ndim(), mode)?;
    if u.ncols() != x.shape()[mode] {
        return Err(Error::DimensionMismatch {
            operation: "mode_product: columns of U (size of the mode)",
            expected: x.shape()[mode],
            found: u.ncols(),
        });
    }
    let xn = unfold(&x, mode)?;
    let yn = u.dot(&xn);
    let mut shape = x.shape().to_vec();
    shape[mode] = u.nrows();
    fold(&yn, mode, &shape)
}

/// Frobenius norm `‖X‖_F = √Σ|x|²` of a tensor of any order, scaled against overflow.
///
/// ```
/// let x = ndarray::Array3::<f64>::from_elem((2, 2, 2), 0.5);
/// assert!((ndfactor::tensor::norm(&x) - 2f64.sqrt()).abs() < 1e-15);
/// ```
pub fn norm<T, S, D>(x: &ArrayBase<S, D>) -> T::Real
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Dimension,
{
    let zero = T::Real::from_f64(0.0);
    let scale = x.iter().fold(zero, |m, v| m.max(v.abs()));
    if scale == zero || !scale.is_finite() {
        return scale;
    }
    let s = x.iter().fold(zero, |s, v| {
        let r = v.abs() / scale;
        s + r * r
    });
    scale * s.sqrt()
}

/// Validates a tensor for a decomposition: order ≥ 1, no zero size, finite entries.
fn checked_tensor<T: Scalar>(x: &ArrayViewD<'_, T>, operation: &'static str) -> Result<()> {
    if x.ndim() == 0 || x.is_empty() {
        return Err(Error::Empty { operation });
    }
    if x.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    for (idx, v) in x.indexed_iter() {
        if !v.is_finite() {
            return Err(Error::NonFiniteTensor {
                index: idx.slice().to_vec(),
            });
        }
    }
    Ok(())
}

fn adjoint<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    a.t().mapv(|v| v.conj())
}

/// Leading `r` left singular vectors of `m` (`r ≤ min(rows, cols)`).
fn leading_left<T: Scalar>(m: Array2<T>, r: usize) -> Result<Array2<T>> {
    let svd = Svd::from_owned(m)?;
    Ok(svd.u().slice(s![.., ..r]).to_owned())
}

/// `X ×₀ M₀ ×₁ M₁ …` over the listed `(mode, matrix)` pairs.
fn multi_product<T: Scalar>(x: ArrayD<T>, mats: &[(usize, &Array2<T>)]) -> Result<ArrayD<T>> {
    let mut y = x;
    for &(mode, m) in mats {
        y = mode_product(&y, m, mode)?;
    }
    Ok(y)
}

/// Tucker decomposition `X ≈ G ×₀ U⁽⁰⁾ ×₁ U⁽¹⁾ … ×_{N−1} U⁽ᴺ⁻¹⁾` with orthonormal factor
/// columns `U⁽ⁿ⁾` (`Iₙ × rₙ`) and core `G` (`r₀ × … × r_{N−1}`), from [`hosvd`] or [`Hooi`].
///
/// ```
/// use ndfactor::tensor::hosvd;
/// let x = ndfactor::tensor::random_tucker::<f64>(&[6, 7, 8], &[2, 3, 2], 1);
/// let t = hosvd(&x, &[2, 3, 2])?;
/// assert_eq!(t.ranks(), vec![2, 3, 2]);
/// assert!(t.relative_error() < 1e-13);
/// assert_eq!(t.stored_values(), 12 + 6 * 2 + 7 * 3 + 8 * 2);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tucker<T: Scalar> {
    core: ArrayD<T>,
    factors: Vec<Array2<T>>,
    shape: Vec<usize>,
    relative_error: T::Real,
    iterations: usize,
    converged: bool,
}

impl<T: Scalar> Tucker<T> {
    /// The core tensor `G = X ×₀ U⁽⁰⁾ᴴ ×₁ … ×_{N−1} U⁽ᴺ⁻¹⁾ᴴ`.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let t = hosvd(&ndarray::Array3::<f64>::ones((2, 3, 4)), &[1, 1, 1])?;
    /// assert!((t.core()[[0, 0, 0]].abs() - 24f64.sqrt()).abs() < 1e-13);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn core(&self) -> &ArrayD<T> {
        &self.core
    }

    /// The factor matrices `U⁽ⁿ⁾` (`Iₙ × rₙ`, orthonormal columns).
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let t = hosvd(&ndarray::Array3::<f64>::ones((2, 3, 4)), &[1, 1, 1])?;
    /// assert_eq!(t.factors()[2].dim(), (4, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> &[Array2<T>] {
        &self.factors
    }

    /// Per-mode ranks `(r₀, …, r_{N−1})`.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let t = hosvd(&ndarray::Array3::<f64>::ones((2, 3, 4)), &[1, 1, 1])?;
    /// assert_eq!(t.ranks(), vec![1, 1, 1]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ranks(&self) -> Vec<usize> {
        self.core.shape().to_vec()
    }

    /// Shape of the approximated tensor.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let t = hosvd(&ndarray::Array3::<f64>::ones((2, 3, 4)), &[1, 1, 1])?;
    /// assert_eq!(t.shape(), &[2, 3, 4]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The approximation `G ×₀ U⁽⁰⁾ … ×_{N−1} U⁽ᴺ⁻¹⁾` as a dense tensor.
    ///
    /// # Errors
    /// None in practice (the shapes are consistent by construction).
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let x = ndarray::Array3::<f64>::ones((2, 3, 4));
    /// let y = hosvd(&x, &[1, 1, 1])?.reconstruct()?;
    /// assert!(y.iter().all(|v| (v - 1.0).abs() < 1e-14));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Result<ArrayD<T>> {
        let mats: Vec<(usize, &Array2<T>)> = self.factors.iter().enumerate().collect();
        multi_product(self.core.clone(), &mats)
    }

    /// [`reconstruct`](Tucker::reconstruct) for a 3-way tensor.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the tensor is not 3-way.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let x = ndarray::Array3::<f32>::ones((2, 3, 4));
    /// let y: ndarray::Array3<f32> = hosvd(&x, &[1, 1, 1])?.reconstruct3()?;
    /// assert_eq!(y.dim(), (2, 3, 4));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct3(&self) -> Result<Array3<T>> {
        to3(self.reconstruct()?)
    }

    /// `‖X − X̂‖_F / ‖X‖_F`, computed from the reconstruction (not from `‖X‖² − ‖G‖²`, which
    /// cancels), 0 for a zero tensor.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i + j * k) as f64);
    /// assert!(hosvd(&x, &[1, 1, 1])?.relative_error() > 0.01);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn relative_error(&self) -> T::Real {
        self.relative_error
    }

    /// HOOI sweeps run (0 for [`hosvd`]).
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// assert_eq!(hosvd(&ndarray::Array2::<f64>::eye(3), &[2, 2])?.iterations(), 0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn iterations(&self) -> usize {
        self.iterations
    }

    /// Whether HOOI met its tolerance (always `true` for [`hosvd`]).
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// assert!(hosvd(&ndarray::Array2::<f64>::eye(3), &[2, 2])?.converged());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Values stored: `∏ rₙ + Σ Iₙ·rₙ`.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// let t = hosvd(&ndarray::Array3::<f64>::ones((10, 10, 10)), &[1, 1, 1])?;
    /// assert_eq!((t.stored_values(), t.dense_values()), (31, 1000));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn stored_values(&self) -> usize {
        self.core.len()
            + self
                .factors
                .iter()
                .map(|f| f.nrows() * f.ncols())
                .sum::<usize>()
    }

    /// Values of the dense tensor, `∏ Iₙ`.
    ///
    /// ```
    /// # use ndfactor::tensor::hosvd;
    /// assert_eq!(hosvd(&ndarray::Array3::<f64>::ones((2, 3, 4)), &[1, 1, 1])?.dense_values(), 24);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dense_values(&self) -> usize {
        self.shape.iter().product()
    }
}

fn to3<T: Scalar>(x: ArrayD<T>) -> Result<Array3<T>> {
    let nd = x.ndim();
    x.into_dimensionality::<Ix3>()
        .map_err(|_| invalid(format!("expected a 3-way tensor, found order {nd}")))
}

/// Checks Tucker ranks: one per mode, `1 ≤ rₙ ≤ Iₙ` and `rₙ ≤ ∏_{k≠n} r_k` (a larger `rₙ`
/// cannot be reached by any tensor of the other ranks).
fn check_tucker_ranks(shape: &[usize], ranks: &[usize]) -> Result<()> {
    if ranks.len() != shape.len() {
        return Err(Error::DimensionMismatch {
            operation: "Tucker: number of ranks (order of the tensor)",
            expected: shape.len(),
            found: ranks.len(),
        });
    }
    for (n, (&r, &i)) in ranks.iter().zip(shape).enumerate() {
        if r == 0 {
            return Err(invalid(format!("Tucker rank of mode {n} must be ≥ 1")));
        }
        let others: usize = ranks
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != n)
            .map(|(_, &rk)| rk)
            .product();
        let max = i.min(others);
        if r > max {
            return Err(Error::InvalidRank { k: r, max });
        }
    }
    Ok(())
}

/// Truncated higher-order SVD (De Lathauwer, De Moor & Vandewalle 2000): `U⁽ⁿ⁾` = the leading
/// `rₙ` left singular vectors of `X₍ₙ₎`, core `G = X ×₀ U⁽⁰⁾ᴴ … ×_{N−1} U⁽ᴺ⁻¹⁾ᴴ`.
///
/// Exact (to rounding) when `X` has multilinear rank `≤ (r₀, …)`; otherwise quasi-optimal:
/// `‖X − X̂‖ ≤ √N·‖X − X_best‖`. Cost: `N` SVDs of the unfoldings,
/// `O(Σₙ Iₙ²·∏_{k≠n} I_k)` flops (`O(N·I^{N+1})` for an `I×…×I` tensor),
/// plus the core and the reconstruction (`O(r·I^N)` each). Use [`Hooi`] to improve the fit.
///
/// # Errors
/// [`Error::Empty`] for an empty or 0-dimensional tensor; [`Error::NonFiniteTensor`];
/// [`Error::DimensionMismatch`] when `ranks.len() ≠ ndim`; [`Error::InvalidRank`] when
/// `rₙ > min(Iₙ, ∏_{k≠n} r_k)`; [`Error::InvalidArgument`] for a zero rank.
///
/// ```
/// use ndfactor::{tensor::hosvd, Error};
/// let x = ndarray::Array3::<f64>::ones((2, 3, 4));
/// assert_eq!(hosvd(&x, &[3, 1, 1]).err(), Some(Error::InvalidRank { k: 3, max: 1 }));
/// ```
pub fn hosvd<T, S, D>(x: &ArrayBase<S, D>, ranks: &[usize]) -> Result<Tucker<T>>
where
    T: Scalar,
    S: Data<Elem = T>,
    D: Dimension,
{
    let x = x.view().into_dyn();
    checked_tensor(&x, "Tucker decomposition")?;
    check_tucker_ranks(x.shape(), ranks)?;
    let mut factors = Vec::with_capacity(x.ndim());
    for (n, &r) in ranks.iter().enumerate() {
        factors.push(leading_left(unfold(&x, n)?, r)?);
    }
    finish_tucker(&x, factors, 0, true)
}

fn core_of<T: Scalar>(x: &ArrayViewD<'_, T>, factors: &[Array2<T>]) -> Result<ArrayD<T>> {
    let adj: Vec<Array2<T>> = factors.iter().map(adjoint).collect();
    let mats: Vec<(usize, &Array2<T>)> = adj.iter().enumerate().collect();
    multi_product(x.to_owned(), &mats)
}

fn finish_tucker<T: Scalar>(
    x: &ArrayViewD<'_, T>,
    factors: Vec<Array2<T>>,
    iterations: usize,
    converged: bool,
) -> Result<Tucker<T>> {
    let core = core_of(x, &factors)?;
    let mut t = Tucker {
        core,
        factors,
        shape: x.shape().to_vec(),
        relative_error: T::Real::from_f64(0.0),
        iterations,
        converged,
    };
    let xh = t.reconstruct()?;
    t.relative_error = relative_difference(x, &xh.view());
    Ok(t)
}

fn relative_difference<T: Scalar>(x: &ArrayViewD<'_, T>, y: &ArrayViewD<'_, T>) -> T::Real {
    let nx = norm(x);
    if nx == T::Real::from_f64(0.0) {
        return norm(y);
    }
    let d = x.to_owned() - y;
    norm(&d) / nx
}

/// Higher-order orthogonal iteration (De Lathauwer, De Moor & Vandewalle 2000b; Kolda & Bader
/// Fig. 4.4): starting from [`hosvd`], each sweep sets `U⁽ⁿ⁾` to the leading `rₙ` left
/// singular vectors of `(X ×_{k≠n} U⁽ᵏ⁾ᴴ)₍ₙ₎`, for `n = 0, …, N−1`.
///
/// Every update maximises `‖G‖_F` over `U⁽ⁿ⁾` with the others fixed, so `‖G‖` never decreases
/// and the error `‖X − X̂‖² = ‖X‖² − ‖G‖²` never increases: HOOI's error is at most HOSVD's
/// (up to rounding). Stops when a sweep raises `‖G‖/‖X‖` by at most `tol` (default `1e-10`)
/// or after `max_iter` sweeps (default 50). Cost per sweep: `N` partial contractions
/// (`O(r·I^N)` for an `I×…×I` tensor, dominated by the first product) and `N` SVDs of
/// `Iₙ × ∏_{k≠n} r_k` matrices.
///
/// ```
/// use ndfactor::tensor::{hosvd, Hooi};
/// let x = ndarray::Array3::from_shape_fn((6, 7, 8), |(i, j, k)| {
///     ((i * j) as f64).sin() + ((j + k) as f64).cos() * (i as f64) + (k * k) as f64 / 10.0
/// });
/// let h = hosvd(&x, &[2, 2, 2])?;
/// let o = Hooi::new(&[2, 2, 2]).fit(&x)?;
/// assert!(o.relative_error() <= h.relative_error() * (1.0 + 1e-12));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Hooi {
    ranks: Vec<usize>,
    max_iter: usize,
    tol: f64,
}

impl Hooi {
    /// HOOI with per-mode ranks `ranks`.
    ///
    /// ```
    /// # use ndfactor::tensor::Hooi;
    /// let t = Hooi::new(&[1, 1]).fit(&ndarray::array![[3.0f64, 0.0], [0.0, 1.0]])?;
    /// assert!((t.relative_error() - 0.1f64.sqrt()).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(ranks: &[usize]) -> Self {
        Hooi {
            ranks: ranks.to_vec(),
            max_iter: 50,
            tol: 1e-10,
        }
    }

    /// Maximum number of sweeps (0 returns the HOSVD).
    ///
    /// ```
    /// # use ndfactor::tensor::Hooi;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i * j + k) as f64);
    /// assert_eq!(Hooi::new(&[1, 1, 1]).max_iter(0).fit(&x)?.iterations(), 0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Tolerance on the increase of `‖G‖/‖X‖` per sweep (≥ 0).
    ///
    /// ```
    /// # use ndfactor::tensor::Hooi;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i * j + k) as f64);
    /// assert!(Hooi::new(&[1, 1, 1]).tol(-1.0).fit(&x).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Runs HOOI on `x`.
    ///
    /// # Errors
    /// Those of [`hosvd`]; [`Error::InvalidArgument`] for a negative or NaN tolerance.
    ///
    /// ```
    /// # use ndfactor::tensor::Hooi;
    /// let x = ndarray::Array3::<f64>::zeros((2, 2, 2));
    /// assert_eq!(Hooi::new(&[1, 1, 1]).fit(&x)?.relative_error(), 0.0); // exact: a zero tensor has a zero residual, defined as 0
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit<T, S, D>(&self, x: &ArrayBase<S, D>) -> Result<Tucker<T>>
    where
        T: Scalar,
        S: Data<Elem = T>,
        D: Dimension,
    {
        if self.tol.is_nan() || self.tol < 0.0 {
            return Err(invalid(format!("HOOI tol must be ≥ 0, got {}", self.tol)));
        }
        let start = hosvd(x, &self.ranks)?;
        if self.max_iter == 0 {
            return Ok(Tucker {
                converged: false,
                ..start
            });
        }
        let x = x.view().into_dyn();
        let nx = norm(&x).to_f64();
        if nx == 0.0 {
            return Ok(start);
        }
        let nd = x.ndim();
        let mut factors = start.factors;
        let mut gnorm = norm(&start.core).to_f64() / nx;
        let mut converged = false;
        let mut it = 0;
        while it < self.max_iter {
            it += 1;
            for n in 0..nd {
                let adj: Vec<Array2<T>> = factors.iter().map(adjoint).collect();
                let mats: Vec<(usize, &Array2<T>)> =
                    adj.iter().enumerate().filter(|&(k, _)| k != n).collect();
                let y = multi_product(x.to_owned(), &mats)?;
                factors[n] = leading_left(unfold(&y, n)?, self.ranks[n])?;
            }
            let g = norm(&core_of(&x, &factors)?).to_f64() / nx;
            let gain = g - gnorm;
            gnorm = g.max(gnorm);
            if gain <= self.tol {
                converged = true;
                break;
            }
        }
        finish_tucker(&x, factors, it, converged)
    }
}

/// Generates a tensor of exact multilinear rank `ranks` (generically): a Gaussian core
/// `r₀×…` multiplied in every mode by a random orthonormal `Iₙ × rₙ` factor (seeded).
///
/// # Panics
/// When `ranks.len() ≠ shape.len()` or some `rₙ > Iₙ` (a test-data generator, as in
/// [`testing`](crate::testing)).
///
/// ```
/// let x = ndfactor::tensor::random_tucker::<f64>(&[5, 6, 7], &[2, 2, 3], 3);
/// assert_eq!(x.shape(), &[5, 6, 7]);
/// ```
pub fn random_tucker<T: Scalar>(shape: &[usize], ranks: &[usize], seed: u64) -> ArrayD<T> {
    assert_eq!(shape.len(), ranks.len(), "one rank per mode");
    let mut rng = random::rng(seed);
    let len: usize = ranks.iter().product();
    let core: Vec<T> = (0..len).map(|_| random::normal::<T>(&mut rng)).collect();
    let mut x = ArrayD::from_shape_vec(IxDyn(ranks), core).expect("core shape");
    for (n, (&i, &r)) in shape.iter().zip(ranks).enumerate() {
        let u: Array2<T> = random::random_orthonormal_columns(i, r, &mut rng);
        x = mode_product(&x, &u, n).expect("shapes agree");
    }
    x
}

/// Generates `(tensor, weights, factors)` of a rank-`r` CP model with Gaussian factors
/// (columns normalised to unit norm) and weights `1, 2, …, r` (seeded).
///
/// ```
/// let (x, w, f) = ndfactor::tensor::random_cp::<f64>(&[4, 5, 6], 3, 1);
/// assert_eq!((x.shape(), w.len(), f.len()), (&[4, 5, 6][..], 3, 3));
/// ```
pub fn random_cp<T: Scalar>(
    shape: &[usize],
    rank: usize,
    seed: u64,
) -> (ArrayD<T>, Array1<T::Real>, Vec<Array2<T>>) {
    let mut rng = random::rng(seed);
    let mut factors: Vec<Array2<T>> = shape
        .iter()
        .map(|&i| random::gaussian::<T>(i, rank, &mut rng))
        .collect();
    for f in &mut factors {
        normalize_columns(f);
    }
    let w = Array1::from_iter((1..=rank).map(|k| T::Real::from_f64(k as f64)));
    let x = cp_reconstruct(&w, &factors, shape);
    (x, w, factors)
}

/// Khatri–Rao product of all factors except `skip`, Kolda–Bader order (lowest mode fastest in
/// the row index): `(∏_{k≠skip} I_k) × R`.
fn khatri_rao_except<T: Scalar>(factors: &[Array2<T>], skip: usize, r: usize) -> Array2<T> {
    let mut k: Array2<T> = Array2::from_elem((1, r), T::one());
    for (m, a) in factors.iter().enumerate() {
        if m == skip {
            continue;
        }
        let rows = k.nrows();
        let mut out = Array2::<T>::zeros((a.nrows() * rows, r));
        for i in 0..a.nrows() {
            let mut block = out.slice_mut(s![i * rows..(i + 1) * rows, ..]);
            block.assign(&k);
            for (c, mut col) in block.columns_mut().into_iter().enumerate() {
                let f = a[(i, c)];
                col.mapv_inplace(|v| v * f);
            }
        }
        k = out;
    }
    k
}

/// Normalises every column to unit 2-norm and returns the norms (zero columns are left as is).
fn normalize_columns<T: Scalar>(a: &mut Array2<T>) -> Array1<T::Real> {
    let zero = T::Real::from_f64(0.0);
    Array1::from_iter(a.columns_mut().into_iter().map(|mut c| {
        let nrm = crate::verify::norm_fro(&c.view().insert_axis(ndarray::Axis(1)));
        if nrm > zero {
            let inv = T::Real::from_f64(1.0) / nrm;
            c.mapv_inplace(|v| v.scale(inv));
        }
        nrm
    }))
}

fn cp_reconstruct<T: Scalar>(
    w: &Array1<T::Real>,
    factors: &[Array2<T>],
    shape: &[usize],
) -> ArrayD<T> {
    let r = w.len();
    let k = khatri_rao_except(factors, 0, r);
    let mut a0 = factors[0].clone();
    for (c, &wc) in w.iter().enumerate() {
        a0.column_mut(c).mapv_inplace(|v| v.scale(wc));
    }
    let m = a0.dot(&k.t());
    fold(&m, 0, shape).expect("CP shapes agree")
}

/// How [`CpAls`] initialises the factors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpInit {
    /// Seeded Gaussian factors.
    Random,
    /// Leading left singular vectors of each unfolding (Gaussian columns beyond `Iₙ`).
    Hosvd,
}

/// CP decomposition by alternating least squares (Carroll & Chang 1970; Harshman 1970;
/// Kolda & Bader §3.4): `X ≈ Σ_r λ_r · a_r⁽⁰⁾ ∘ a_r⁽¹⁾ ∘ … ∘ a_r⁽ᴺ⁻¹⁾` with unit-norm factor
/// columns and weights `λ_r ≥ 0`.
///
/// Each sweep updates, for `n = 0, …, N−1`, `A⁽ⁿ⁾ ← X₍ₙ₎·conj(K)·H⁻ᵀ` where `K` is the
/// Khatri–Rao product of the other factors and `H = ∗_{k≠n} A⁽ᵏ⁾ᴴA⁽ᵏ⁾` (Hadamard product of
/// the Gram matrices), solved through [`Cholesky`] (or the minimum-norm [`lstsq`] when `H` is
/// singular); then the columns are normalised and their norms become `λ`.
///
/// Each update solves its least-squares subproblem exactly, so the residual `‖X − X̂‖` is
/// non-increasing from sweep to sweep (up to rounding): the fit `1 − ‖X − X̂‖/‖X‖` recorded in
/// [`Cp::fit_history`] increases monotonically. ALS may still stall in "swamps" or converge
/// to a local minimum; CP rank is not computed, it is asked for. Stops when the fit improves by
/// at most `tol` (default `1e-8`) or after `max_iter` sweeps (default 200).
///
/// Cost per sweep: `N` Khatri–Rao products and MTTKRPs, `O(N·R·∏ I_k)` flops, plus one
/// reconstruction for the fit (`O(R·∏ I_k)`) and `N` `R×R` solves.
///
/// ```
/// use ndfactor::tensor::{random_cp, CpAls};
/// let (x, w, _) = random_cp::<f64>(&[6, 7, 8], 3, 2);
/// let cp = CpAls::new(3).tol(1e-14).max_iter(1000).fit(&x)?;
/// assert!(cp.relative_error() < 1e-8);
/// let mut got = cp.weights().to_vec();
/// got.sort_by(|a, b| a.partial_cmp(b).unwrap());
/// assert!((got[2] - w[2]).abs() < 1e-6);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct CpAls {
    rank: usize,
    max_iter: usize,
    tol: f64,
    seed: u64,
    init: CpInit,
}

impl CpAls {
    /// CP-ALS of rank `rank` (≥ 1), HOSVD initialisation.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let x = ndarray::Array3::<f64>::ones((2, 3, 4));
    /// let cp = CpAls::new(1).fit(&x)?;
    /// assert!((cp.weights()[0] - 24f64.sqrt()).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(rank: usize) -> Self {
        CpAls {
            rank,
            max_iter: 200,
            tol: 1e-8,
            seed: 0,
            init: CpInit::Hosvd,
        }
    }

    /// Maximum number of sweeps (≥ 1).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i * j + k) as f64);
    /// assert_eq!(CpAls::new(2).max_iter(3).tol(0.0).fit(&x)?.iterations(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Tolerance on the improvement of the fit per sweep (≥ 0).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// assert!(CpAls::new(1).tol(f64::NAN).fit(&ndarray::Array3::<f64>::ones((2, 2, 2))).is_err());
    /// ```
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Seed of the random initial factors (and of the random columns of the HOSVD start).
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// # use ndfactor::tensor::{CpAls, CpInit};
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i * j + k) as f64);
    /// let a = CpAls::new(2).init(CpInit::Random).seed(4).fit(&x)?;
    /// let b = CpAls::new(2).init(CpInit::Random).seed(4).fit(&x)?;
    /// assert_eq!(a.weights(), b.weights());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Initialisation.
    ///
    /// ```
    /// # use ndfactor::tensor::{CpAls, CpInit};
    /// let cp = CpAls::new(1).init(CpInit::Random).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?;
    /// assert!(cp.relative_error() < 1e-10);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn init(mut self, init: CpInit) -> Self {
        self.init = init;
        self
    }

    /// Runs CP-ALS on `x`.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty or 0-dimensional tensor; [`Error::NonFiniteTensor`];
    /// [`Error::InvalidArgument`] for `rank = 0`, `max_iter = 0` or a negative/NaN tolerance;
    /// those of [`Svd`] and [`lstsq`].
    ///
    /// ```
    /// # use ndfactor::{tensor::CpAls, Error};
    /// let mut x = ndarray::Array3::<f64>::ones((2, 2, 2));
    /// x[[1, 0, 1]] = f64::NAN;
    /// assert_eq!(CpAls::new(1).fit(&x).err(), Some(Error::NonFiniteTensor { index: vec![1, 0, 1] }));
    /// ```
    pub fn fit<T, S, D>(&self, x: &ArrayBase<S, D>) -> Result<Cp<T>>
    where
        T: Scalar,
        S: Data<Elem = T>,
        D: Dimension,
    {
        if self.rank == 0 {
            return Err(invalid("CP rank must be ≥ 1".into()));
        }
        if self.max_iter == 0 {
            return Err(invalid("CP max_iter must be ≥ 1".into()));
        }
        if self.tol.is_nan() || self.tol < 0.0 {
            return Err(invalid(format!("CP tol must be ≥ 0, got {}", self.tol)));
        }
        let x = x.view().into_dyn();
        checked_tensor(&x, "CP decomposition")?;
        let nd = x.ndim();
        let r = self.rank;
        let shape = x.shape().to_vec();
        let mut rng = random::rng(self.seed);
        let unfoldings: Vec<Array2<T>> = (0..nd).map(|n| unfold(&x, n)).collect::<Result<_>>()?;
        let mut factors: Vec<Array2<T>> = Vec::with_capacity(nd);
        for (n, xn) in unfoldings.iter().enumerate() {
            let i = shape[n];
            let mut a: Array2<T> = random::gaussian(i, r, &mut rng);
            if self.init == CpInit::Hosvd {
                let k = r.min(i).min(xn.ncols());
                let u = leading_left(xn.clone(), k)?;
                a.slice_mut(s![.., ..k]).assign(&u);
            }
            normalize_columns(&mut a);
            factors.push(a);
        }
        let nx = norm(&x);
        let zero = T::Real::from_f64(0.0);
        let mut weights = Array1::from_elem(r, T::Real::from_f64(1.0));
        let mut history: Vec<T::Real> = Vec::new();
        let mut converged = false;
        let mut rel = T::Real::from_f64(1.0);
        for _ in 0..self.max_iter {
            for n in 0..nd {
                let k = khatri_rao_except(&factors, n, r);
                let mttkrp = unfoldings[n].dot(&k.mapv(|v| v.conj()));
                let mut h = Array2::<T>::from_elem((r, r), T::one());
                for (m, a) in factors.iter().enumerate() {
                    if m != n {
                        let g = adjoint(a).dot(a);
                        h.zip_mut_with(&g, |hv, &gv| *hv *= gv);
                    }
                }
                // H·Aᵀ = MTTKRPᵀ (H Hermitian).
                let rhs = mttkrp.t().to_owned();
                let at = match Cholesky::new(&h) {
                    Ok(ch) => match ch.solve(&rhs) {
                        Ok(v) => v,
                        Err(_) => lstsq(&h, &rhs)?.solution,
                    },
                    Err(Error::NotPositiveDefinite { .. }) => lstsq(&h, &rhs)?.solution,
                    Err(e) => return Err(e),
                };
                let mut a = at.t().to_owned();
                weights = normalize_columns(&mut a);
                factors[n] = a;
            }
            let xh = cp_reconstruct(&weights, &factors, &shape);
            rel = if nx > zero {
                relative_difference(&x, &xh.view())
            } else {
                norm(&xh)
            };
            let fit = T::Real::from_f64(1.0) - rel;
            let gain = history.last().map(|&p| (fit - p).to_f64());
            history.push(fit);
            if let Some(g) = gain {
                if g.abs() <= self.tol {
                    converged = true;
                    break;
                }
            }
        }
        Ok(Cp {
            weights,
            factors,
            shape,
            fit_history: history,
            relative_error: rel,
            converged,
        })
    }
}

/// A CP model `Σ_r λ_r · a_r⁽⁰⁾ ∘ … ∘ a_r⁽ᴺ⁻¹⁾` from [`CpAls`]: weights `λ ≥ 0` and factor
/// matrices `A⁽ⁿ⁾` (`Iₙ × R`, unit-norm columns).
///
/// ```
/// use ndfactor::tensor::CpAls;
/// let x = ndarray::Array3::from_shape_fn((3, 4, 5), |(i, j, k)| ((1 + i) * (1 + j) * (1 + k)) as f64);
/// let cp = CpAls::new(1).fit(&x)?;
/// assert!(cp.relative_error() < 1e-12);
/// assert_eq!(cp.stored_values(), 1 + 3 + 4 + 5);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Cp<T: Scalar> {
    weights: Array1<T::Real>,
    factors: Vec<Array2<T>>,
    shape: Vec<usize>,
    fit_history: Vec<T::Real>,
    relative_error: T::Real,
    converged: bool,
}

impl<T: Scalar> Cp<T> {
    /// Weights `λ_r ≥ 0` (the column norms before normalisation).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(1).fit(&ndarray::Array3::<f64>::from_elem((2, 2, 2), 2.0))?;
    /// assert!((cp.weights()[0] - 8f64.sqrt() * 2.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn weights(&self) -> &Array1<T::Real> {
        &self.weights
    }

    /// Factor matrices `A⁽ⁿ⁾` (`Iₙ × R`, unit-norm columns).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(2).fit(&ndarray::Array2::<f64>::eye(3).into_shape_with_order((3, 3, 1)).unwrap())?;
    /// assert_eq!(cp.factors()[1].dim(), (3, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> &[Array2<T>] {
        &self.factors
    }

    /// CP rank `R` of the model.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// assert_eq!(CpAls::new(2).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.weights.len()
    }

    /// The model as a dense tensor.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let x = ndarray::Array3::<f64>::ones((2, 2, 2));
    /// let y = CpAls::new(1).fit(&x)?.reconstruct();
    /// assert!(y.iter().all(|v| (v - 1.0).abs() < 1e-12));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> ArrayD<T> {
        cp_reconstruct(&self.weights, &self.factors, &self.shape)
    }

    /// [`reconstruct`](Cp::reconstruct) for a 3-way tensor.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when the tensor is not 3-way.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let y = CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?.reconstruct3()?;
    /// assert_eq!(y.dim(), (2, 2, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct3(&self) -> Result<Array3<T>> {
        to3(self.reconstruct())
    }

    /// `‖X − X̂‖_F / ‖X‖_F` after the last sweep (the norm of `X̂` for a zero `X`).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i + j + k) as f64);
    /// assert!(CpAls::new(1).fit(&x)?.relative_error() > 1e-3); // i + j + k has CP rank 3
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn relative_error(&self) -> T::Real {
        self.relative_error
    }

    /// Fit `1 − ‖X − X̂‖/‖X‖` after the last sweep.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?;
    /// assert!((cp.fit() - 1.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit(&self) -> T::Real {
        T::Real::from_f64(1.0) - self.relative_error
    }

    /// The fit after every sweep, first sweep first.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let x = ndarray::Array3::from_shape_fn((3, 3, 3), |(i, j, k)| (i * j + k) as f64);
    /// let cp = CpAls::new(2).fit(&x)?;
    /// assert_eq!(cp.fit_history().len(), cp.iterations());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit_history(&self) -> &[T::Real] {
        &self.fit_history
    }

    /// Sweeps run.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// assert!(CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?.iterations() >= 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn iterations(&self) -> usize {
        self.fit_history.len()
    }

    /// Whether the fit stopped improving by more than `tol` before `max_iter`.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// assert!(CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?.converged());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Values stored: `R·(1 + Σ Iₙ)`.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((10, 10, 10)))?;
    /// assert_eq!((cp.stored_values(), cp.dense_values()), (31, 1000));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn stored_values(&self) -> usize {
        self.rank() * (1 + self.shape.iter().sum::<usize>())
    }

    /// Values of the dense tensor, `∏ Iₙ`.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// assert_eq!(CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 3, 4)))?.dense_values(), 24);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dense_values(&self) -> usize {
        self.shape.iter().product()
    }
}
