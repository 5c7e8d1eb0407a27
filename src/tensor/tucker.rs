//! Tucker decompositions: truncated HOSVD and HOOI, and a seeded multilinear-rank generator.

use ndarray::{s, Array2, Array3, ArrayBase, ArrayD, ArrayViewD, Data, Dimension, IxDyn};

use crate::decomp::svd::Svd;
use crate::error::{Error, Result};
use crate::random;
use crate::scalar::{RealScalar, Scalar};

use super::unfold::{mode_product, multi_product, norm, unfold};
use super::{adjoint, checked_tensor, invalid, relative_difference, to3};

/// Leading `r` left singular vectors of `m` (`r ≤ min(rows, cols)`).
pub(super) fn leading_left<T: Scalar>(m: Array2<T>, r: usize) -> Result<Array2<T>> {
    let svd = Svd::from_owned(m)?;
    Ok(svd.u().slice(s![.., ..r]).to_owned())
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

/// Checks Tucker ranks: one per mode, `1 ≤ rₙ ≤ Iₙ` and `rₙ ≤ ∏_{k≠n} r_k` (a larger `rₙ`
/// cannot be reached by any tensor of the other ranks).
pub(super) fn check_tucker_ranks(shape: &[usize], ranks: &[usize]) -> Result<()> {
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

pub(super) fn core_of<T: Scalar>(
    x: &ArrayViewD<'_, T>,
    factors: &[Array2<T>],
) -> Result<ArrayD<T>> {
    let adj: Vec<Array2<T>> = factors.iter().map(adjoint).collect();
    let mats: Vec<(usize, &Array2<T>)> = adj.iter().enumerate().collect();
    multi_product(x.to_owned(), &mats)
}

pub(super) fn finish_tucker<T: Scalar>(
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
