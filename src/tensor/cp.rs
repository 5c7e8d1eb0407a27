//! CP (CANDECOMP/PARAFAC) by alternating least squares, and a seeded CP-model generator.

use ndarray::{s, Array1, Array2, Array3, ArrayBase, ArrayD, Data, Dimension};

use crate::decomp::cholesky::Cholesky;
use crate::error::{Error, Result};
use crate::lowrank::lstsq;
use crate::random;
use crate::scalar::{RealScalar, Scalar};

use super::tucker::leading_left;
use super::unfold::{fold, norm, unfold};
use super::{adjoint, checked_tensor, invalid, relative_difference, to3};

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
pub(super) fn khatri_rao_except<T: Scalar>(
    factors: &[Array2<T>],
    skip: usize,
    r: usize,
) -> Array2<T> {
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
pub(super) fn normalize_columns<T: Scalar>(a: &mut Array2<T>) -> Array1<T::Real> {
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

pub(super) fn cp_reconstruct<T: Scalar>(
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
    /// those of [`Svd`](crate::decomp::svd::Svd) and [`lstsq`].
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

    /// The fit score `1 − ‖X − X̂‖/‖X‖` after the last sweep, the value
    /// [`fit_history`](Cp::fit_history) records ([`CpAls::fit`] runs the fit).
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?;
    /// assert!((cp.score() - 1.0).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn score(&self) -> T::Real {
        T::Real::from_f64(1.0) - self.relative_error
    }

    /// The former name of [`score`](Cp::score) (`1 − relative error`), easy to confuse with
    /// [`CpAls::fit`], which runs the fit.
    ///
    /// ```
    /// # use ndfactor::tensor::CpAls;
    /// let cp = CpAls::new(1).fit(&ndarray::Array3::<f64>::ones((2, 2, 2)))?;
    /// #[allow(deprecated)]
    /// let old = cp.fit();
    /// assert_eq!(old, cp.score()); // exact: the same value
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `Cp::score`")]
    pub fn fit(&self) -> T::Real {
        self.score()
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
