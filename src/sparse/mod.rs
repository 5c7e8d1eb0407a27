//! Truncated SVD of sparse matrices and of any linear operator: the top `k` singular triplets
//! `A·vᵢ = σᵢ·uᵢ`, `Aᴴ·uᵢ = σᵢ·vᵢ`, from products with `A` and `Aᴴ` only.
//!
//! [`Svds`] (after `scipy.sparse.linalg.svds`) runs on anything that implements
//! [`LinearOperator`]: sprs `CsMat` in CSR or CSC storage (Cargo feature `sparse`, on by
//! default), dense ndarray matrices and views, or your own matrix-free operator. Memory is
//! `O((m + n)·k + nnz)`: no dense `m×n` matrix is ever formed (except by the explicit
//! [`SvdsMethod::Dense`] and the small-problem fallback, see [`Svds`]).
//!
//! Two methods:
//! - [`SvdsMethod::Lanczos`] (default): Golub–Kahan–Lanczos bidiagonalization with full
//!   reorthogonalisation and thick restarts (Ritz vectors kept, Baglama–Reichel style).
//!   Fewest products with `A`; the method to use for accurate results.
//! - [`SvdsMethod::Randomized`]: Halko–Martinsson–Tropp range finder with oversampling and
//!   power iterations re-orthonormalised by [`Qr`], iterated until the residuals
//!   meet the tolerance. Works on blocks (`k + p` columns at once): fewer passes over `A`.
//!
//! Every returned triplet carries its residual `‖(A·vᵢ − σᵢuᵢ, Aᴴuᵢ − σᵢvᵢ)‖₂`, computed
//! explicitly from the returned vectors, and is converged when that is `≤ tol·σ₁`.
//!
//! ```
//! use ndfactor::sparse::{Svds, SvdsMethod};
//! // A 2000×1000 sparse matrix, diagonal-like with a known spectrum.
//! let mut t = sprs::TriMat::new((2000, 1000));
//! for i in 0..1000 {
//!     t.add_triplet(2 * i, i, 1.0 / (1.0 + i as f64));
//! }
//! let a: sprs::CsMat<f64> = t.to_csr();
//! let r = Svds::new(5).method(SvdsMethod::Lanczos).compute(&a)?;
//! assert!((r.s()[4] - 1.0 / 5.0).abs() < 1e-12);
//! assert_eq!(r.report().converged, 5);
//! # Ok::<(), ndfactor::Error>(())
//! ```

#[cfg(feature = "sparse")]
mod csmat;
mod operator;

use std::fmt;

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder};

use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};
use crate::{random, LowRank, Qr, Svd};

use operator::apply_checked;
pub use operator::LinearOperator;

/// Which singular values [`Svds`] computes. Only the largest are offered: the smallest need
/// shift-and-invert (a factorization of `AᴴA` or of the augmented matrix), which an operator
/// known only through products does not provide.
///
/// ```
/// use ndfactor::sparse::{Svds, Which};
/// let r = Svds::new(1).which(Which::Largest).compute(&ndarray::array![[1.0f64, 0.0], [0.0, 3.0]])?;
/// assert!((r.s()[0] - 3.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Which {
    /// The `k` largest singular values (scipy's `which='LM'`).
    #[default]
    Largest,
}

/// The algorithm behind [`Svds`].
///
/// ```
/// use ndfactor::sparse::{Svds, SvdsMethod};
/// let a = ndarray::array![[3.0f64, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]];
/// let r = Svds::new(3).method(SvdsMethod::Lanczos).compute(&a)?;
/// assert_eq!(r.report().method, SvdsMethod::Dense); // k = min(m, n): small, done densely
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SvdsMethod {
    /// Golub–Kahan–Lanczos bidiagonalization, full reorthogonalisation, thick restarts.
    #[default]
    Lanczos,
    /// Randomized range finder with power iterations (Halko–Martinsson–Tropp).
    Randomized,
    /// Densify the operator (`A·I`, `O(m·n)` memory) and call [`Svd`]. Chosen automatically
    /// when the Krylov or random subspace would be as large as `min(m, n)`.
    Dense,
}

impl fmt::Display for SvdsMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SvdsMethod::Lanczos => "lanczos",
            SvdsMethod::Randomized => "randomized",
            SvdsMethod::Dense => "dense",
        })
    }
}

/// Top-`k` truncated SVD of a [`LinearOperator`] (sparse matrix, dense matrix, matrix-free),
/// like `scipy.sparse.linalg.svds`.
///
/// Computes `σ₁ ≥ … ≥ σ_k` with `U_k` (`m×k`) and `V_kᴴ` (`k×n`) orthonormal, such that each
/// residual `rᵢ = √(‖A·vᵢ − σᵢuᵢ‖² + ‖Aᴴuᵢ − σᵢvᵢ‖²) ≤ tol·σ₁`. Then `|σᵢ − σᵢ(A)| ≤ rᵢ`, and
/// (for a gap `δᵢ` between `σᵢ` and the rest of the spectrum) `|σᵢ − σᵢ(A)| ≲ rᵢ²/δᵢ` and the
/// angle between computed and exact singular vectors is `≲ rᵢ/δᵢ`.
///
/// - `k > min(m, n)` is [`Error::InvalidRank`]; `k = 0` or an empty operator give an empty
///   result.
/// - When the working subspace (`ncv` for Lanczos, `k + oversamples` for randomized) would
///   reach `min(m, n)`, the operator is densified (`A·I`) and [`Svd`] is used: the dense matrix
///   then holds `m·n ≤ (m + n)·min(m, n)` values, no more than the subspace would.
///   The report says `method = Dense`.
/// - Not converging within `max_iter` is [`Error::NotConverged`], unless
///   [`allow_partial`](Svds::allow_partial) is set.
///
/// Defaults: Lanczos, `tol = √ε` of the element type (singular values then accurate to about
/// `ε·σ₁²/δ`), `ncv = max(2k + 1, 20)`, `max_iter` = 300 restarts (Lanczos) or 100 power
/// iterations (randomized), 10 oversamples, seed 0. Same seed and thread count: bitwise the
/// same result.
///
/// # Cost
/// Lanczos: each restart cycle costs `ncv − k'` products with `A` and with `Aᴴ` (`k' ≈ (k +
/// ncv)/2` vectors kept) plus `O((m + n)·ncv²)` for reorthogonalisation; memory
/// `2·(m + n)·(ncv + 1)` values. Randomized: each iteration costs one block product with `A`
/// and one with `Aᴴ` on `l = k + p` columns, a QR (`O(m·l²)`) and a thin SVD (`O(n·l²)`);
/// memory about `4·(m + n)·l` values.
///
/// ```
/// use ndfactor::sparse::{Svds, SvdsMethod};
/// use ndfactor::{testing, Svd};
/// let sigma: Vec<f64> = (0..40).map(|i| 0.8f64.powi(i)).collect();
/// let a = testing::with_singular_values::<f64>(60, 40, &sigma, &mut testing::rng(2));
/// for method in [SvdsMethod::Lanczos, SvdsMethod::Randomized] {
///     let r = Svds::new(4).method(method).oversamples(4).seed(9).compute(&a)?;
///     for i in 0..4 {
///         assert!((r.s()[i] - sigma[i]).abs() < 1e-12);
///     }
///     assert!(r.residuals().iter().all(|&x| x <= 1.5e-8 * sigma[0]));
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Svds {
    k: usize,
    which: Which,
    method: SvdsMethod,
    tol: Option<f64>,
    max_iter: Option<usize>,
    ncv: Option<usize>,
    oversamples: usize,
    seed: u64,
    allow_partial: bool,
}

impl Svds {
    /// `k` largest singular triplets, with the defaults listed on the type.
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(1).compute(&ndarray::array![[0.0f64, 2.0], [1.0, 0.0]])?;
    /// assert!((r.s()[0] - 2.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(k: usize) -> Self {
        Svds {
            k,
            which: Which::Largest,
            method: SvdsMethod::Lanczos,
            tol: None,
            max_iter: None,
            ncv: None,
            oversamples: 10,
            seed: 0,
            allow_partial: false,
        }
    }

    /// Which end of the spectrum ([`Which::Largest`], the only one offered).
    ///
    /// ```
    /// use ndfactor::sparse::{Svds, Which};
    /// let r = Svds::new(1).which(Which::Largest).compute(&ndarray::array![[2.0f64]])?;
    /// assert!((r.s()[0] - 2.0).abs() <= 4.0 * f64::EPSILON * 2.0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn which(mut self, which: Which) -> Self {
        self.which = which;
        self
    }

    /// The algorithm ([`SvdsMethod`]).
    ///
    /// ```
    /// use ndfactor::sparse::{Svds, SvdsMethod};
    /// let a = ndfactor::testing::gaussian::<f64>(50, 40, &mut ndfactor::testing::rng(1));
    /// let r = Svds::new(2).method(SvdsMethod::Randomized).oversamples(5).compute(&a)?;
    /// assert_eq!(r.report().method, SvdsMethod::Randomized);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn method(mut self, method: SvdsMethod) -> Self {
        self.method = method;
        self
    }

    /// Relative residual tolerance: triplet `i` is converged when `rᵢ ≤ tol·σ₁`. Must be
    /// positive and finite (else [`Error::InvalidArgument`]); below about `ε·√n` it may be
    /// unreachable in floating point.
    ///
    /// ```
    /// use ndfactor::sparse::Svds;
    /// let a = ndfactor::testing::gaussian::<f64>(50, 40, &mut ndfactor::testing::rng(1));
    /// let r = Svds::new(2).tol(1e-4).compute(&a)?;
    /// assert!(r.residuals().iter().all(|&x| x <= 1e-4 * r.s()[0]));
    /// assert!(Svds::new(2).tol(-1.0).compute(&a).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = Some(tol);
        self
    }

    /// Iteration limit: Lanczos restarts, or randomized power iterations.
    ///
    /// ```
    /// use ndfactor::sparse::{Svds, SvdsMethod};
    /// let a = ndfactor::testing::gaussian::<f64>(300, 200, &mut ndfactor::testing::rng(1));
    /// // One power iteration cannot resolve a flat random spectrum to √ε.
    /// let r = Svds::new(5).method(SvdsMethod::Randomized).max_iter(1).compute(&a);
    /// assert!(matches!(r, Err(ndfactor::Error::NotConverged { .. })));
    /// ```
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = Some(max_iter);
        self
    }

    /// Lanczos subspace dimension (scipy's `ncv`), at least `k + 1`; default `max(2k + 1, 20)`.
    ///
    /// ```
    /// use ndfactor::sparse::Svds;
    /// let a = ndfactor::testing::gaussian::<f64>(300, 200, &mut ndfactor::testing::rng(1));
    /// let r = Svds::new(3).ncv(40).compute(&a)?;
    /// assert_eq!(r.report().subspace_dim, 40);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ncv(mut self, ncv: usize) -> Self {
        self.ncv = Some(ncv);
        self
    }

    /// Oversampling `p` of the randomized method (block size `k + p`); default 10.
    ///
    /// ```
    /// use ndfactor::sparse::{Svds, SvdsMethod};
    /// let a = ndfactor::testing::gaussian::<f64>(300, 200, &mut ndfactor::testing::rng(1));
    /// let r = Svds::new(3).method(SvdsMethod::Randomized).oversamples(20).compute(&a)?;
    /// assert_eq!(r.report().subspace_dim, 23);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn oversamples(mut self, p: usize) -> Self {
        self.oversamples = p;
        self
    }

    /// Seed of the random start vector (Lanczos) or test matrix (randomized).
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// use ndfactor::sparse::Svds;
    /// let a = ndfactor::testing::gaussian::<f64>(80, 60, &mut ndfactor::testing::rng(1));
    /// let (x, y) = (Svds::new(2).seed(5).compute(&a)?, Svds::new(2).seed(5).compute(&a)?);
    /// assert_eq!(x.s(), y.s());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Return the triplets computed so far instead of [`Error::NotConverged`] when `max_iter`
    /// is reached; [`SvdsReport::converged`] and the residuals then say which are accurate.
    ///
    /// ```
    /// use ndfactor::sparse::{Svds, SvdsMethod};
    /// let a = ndfactor::testing::gaussian::<f64>(300, 200, &mut ndfactor::testing::rng(1));
    /// let r = Svds::new(5).method(SvdsMethod::Randomized).max_iter(1).allow_partial(true).compute(&a)?;
    /// assert!(r.report().converged < 5 && r.rank() == 5);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn allow_partial(mut self, yes: bool) -> Self {
        self.allow_partial = yes;
        self
    }

    /// Runs the method on `a`.
    ///
    /// # Errors
    /// [`Error::InvalidRank`] (`k > min(m, n)`), [`Error::InvalidArgument`] (tolerance),
    /// [`Error::NonFinite`] (from [`LinearOperator::check`]), [`Error::DimensionMismatch`] or
    /// [`Error::NumericalBreakdown`] (an operator returning a wrong shape or non-finite values),
    /// [`Error::NotConverged`].
    ///
    /// ```
    /// use ndfactor::{sparse::Svds, Error};
    /// let a = ndarray::Array2::<f64>::eye(3);
    /// assert_eq!(Svds::new(4).compute(&a).unwrap_err(), Error::InvalidRank { k: 4, max: 3 });
    /// ```
    pub fn compute<T, A>(&self, a: &A) -> Result<PartialSvd<T>>
    where
        T: Scalar,
        A: LinearOperator<T> + ?Sized,
    {
        let Which::Largest = self.which;
        let (m, n) = a.shape();
        let kmax = m.min(n);
        let k = self.k;
        if k > kmax {
            return Err(Error::InvalidRank { k, max: kmax });
        }
        let tol = match self.tol {
            None => T::eps().sqrt(),
            Some(t) if t.is_finite() && t > 0.0 => T::Real::from_f64(t),
            Some(t) => {
                return Err(Error::InvalidArgument {
                    reason: format!("svds tolerance must be positive and finite, got {t}"),
                })
            }
        };
        if let Some(ncv) = self.ncv {
            if ncv <= k {
                return Err(Error::InvalidArgument {
                    reason: format!("svds ncv must exceed k = {k}, got {ncv}"),
                });
            }
        }
        a.check()?;
        let mut ctx = Ctx {
            a,
            k,
            tol,
            applied: 0,
            partial: self.allow_partial,
        };
        if k == 0 {
            return ctx.finish(
                Array2::zeros((m, 0)),
                Array1::zeros(0),
                Array2::zeros((n, 0)),
                self.method,
                0,
                0,
                true,
            );
        }
        match self.method {
            SvdsMethod::Lanczos => {
                let ncv = self.ncv.unwrap_or((2 * k + 1).max(20));
                if ncv >= kmax {
                    return ctx.dense();
                }
                ctx.lanczos(ncv, self.max_iter.unwrap_or(300), self.seed)
            }
            SvdsMethod::Randomized => {
                let l = k + self.oversamples;
                if l >= kmax {
                    return ctx.dense();
                }
                ctx.randomized(l, self.max_iter.unwrap_or(100), self.seed)
            }
            SvdsMethod::Dense => ctx.dense(),
        }
    }
}

/// How an [`Svds`] run went.
///
/// ```
/// use ndfactor::sparse::Svds;
/// let a = ndfactor::testing::gaussian::<f64>(300, 200, &mut ndfactor::testing::rng(3));
/// let rep = *Svds::new(3).compute(&a)?.report();
/// assert_eq!(rep.converged, 3);
/// assert!(rep.operator_applications > 0);
/// println!("{rep}");
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvdsReport {
    /// The method that ran (may be [`SvdsMethod::Dense`] for small problems).
    pub method: SvdsMethod,
    /// Triplets with residual `≤ tol·σ₁`.
    pub converged: usize,
    /// Triplets requested.
    pub requested: usize,
    /// Lanczos restarts or randomized power iterations done.
    pub iterations: usize,
    /// Vectors multiplied by `A` or `Aᴴ` (a block of `b` columns counts `b`).
    pub operator_applications: usize,
    /// Subspace dimension: `ncv` (Lanczos), `k + p` (randomized), `min(m, n)` (dense).
    pub subspace_dim: usize,
    /// The tolerance used.
    pub tol: f64,
    /// Largest residual relative to `σ₁` (0 for a zero operator).
    pub max_relative_residual: f64,
    /// Scalars held in the method's work arrays at their peak (bases, blocks, dense copy),
    /// excluding the operator itself: multiply by `size_of::<T>()` for bytes.
    pub workspace_values: usize,
}

impl fmt::Display for SvdsReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "svds ({}): {}/{} converged (tol {:.1e}, max relative residual {:.2e}), \
             {} iterations, {} operator applications, subspace {}, workspace {} values",
            self.method,
            self.converged,
            self.requested,
            self.tol,
            self.max_relative_residual,
            self.iterations,
            self.operator_applications,
            self.subspace_dim,
            self.workspace_values
        )
    }
}

/// `k` singular triplets of an operator, with per-triplet residuals: the result of [`Svds`].
///
/// Not a [`TruncatedSvd`](crate::TruncatedSvd): that type's Eckart–Young report needs the whole
/// spectrum (or `‖A‖_F`), which an operator known through products does not give; here each
/// triplet carries its own residual instead.
///
/// ```
/// use ndfactor::sparse::Svds;
/// let a = ndarray::array![[3.0f64, 0.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
/// let r = Svds::new(1).compute(&a)?;
/// assert!((r.s()[0] - 3.0).abs() < 1e-14);
/// assert!(r.u()[(0, 0)].abs() > 0.999 && r.vt()[(0, 0)].abs() > 0.999);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PartialSvd<T: Scalar> {
    u: Array2<T>,
    s: Array1<T::Real>,
    vt: Array2<T>,
    residuals: Array1<T::Real>,
    report: SvdsReport,
}

impl<T: Scalar> PartialSvd<T> {
    /// `U_k` (`m×k`, orthonormal columns).
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(1).compute(&ndarray::Array2::<f64>::eye(3))?;
    /// assert_eq!(r.u().dim(), (3, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> ArrayView2<'_, T> {
        self.u.view()
    }
    /// `σ₁ ≥ … ≥ σ_k`.
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(1).compute(&ndarray::array![[1.0f64, 0.0], [0.0, 5.0]])?;
    /// assert!((r.s()[0] - 5.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> ArrayView1<'_, T::Real> {
        self.s.view()
    }
    /// `V_kᴴ` (`k×n`, orthonormal rows).
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(1).compute(&ndarray::Array2::<f64>::eye(3))?;
    /// assert_eq!(r.vt().dim(), (1, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> ArrayView2<'_, T> {
        self.vt.view()
    }
    /// Residuals `rᵢ = √(‖A·vᵢ − σᵢuᵢ‖² + ‖Aᴴuᵢ − σᵢvᵢ‖²)`, computed from the returned vectors.
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(1).compute(&ndarray::array![[1.0f64, 0.0], [0.0, 5.0]])?;
    /// assert!(r.residuals()[0] < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn residuals(&self) -> ArrayView1<'_, T::Real> {
        self.residuals.view()
    }
    /// Number of triplets `k`.
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(2).compute(&ndarray::Array2::<f64>::eye(3))?;
    /// assert_eq!(r.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.s.len()
    }
    /// How the run went ([`SvdsReport`]).
    ///
    /// ```
    /// let r = ndfactor::sparse::Svds::new(2).compute(&ndarray::Array2::<f64>::eye(3))?;
    /// assert_eq!(r.report().requested, 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn report(&self) -> &SvdsReport {
        &self.report
    }
    /// The factored approximation `A ≈ (U_k·Σ_k)·V_kᴴ` as a [`LowRank`] (`(m + n)·k` values).
    ///
    /// ```
    /// let a = ndarray::array![[1.0f64, 0.0], [0.0, 5.0]];
    /// let lr = ndfactor::sparse::Svds::new(1).compute(&a)?.low_rank();
    /// assert!((lr.to_dense()[(1, 1)] - 5.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn low_rank(&self) -> LowRank<T> {
        let mut us = self.u.clone();
        for (mut c, &s) in us.axis_iter_mut(Axis(1)).zip(self.s.iter()) {
            c.mapv_inplace(|x| x.scale(s));
        }
        LowRank::from_factors(us, self.vt.clone()).expect("inner dimensions agree")
    }
}

/// `conj(pᵀ·conj(w))` = `Pᴴ·w` without copying `P`.
fn adj_dot<T: Scalar>(p: ArrayView2<'_, T>, w: ArrayView2<'_, T>) -> Array2<T> {
    if T::IS_COMPLEX {
        p.t().dot(&w.mapv(|x| x.conj())).mapv(|x| x.conj())
    } else {
        p.t().dot(&w)
    }
}

fn col_norm<T: Scalar>(x: ArrayView1<'_, T>) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    let scale = x.iter().fold(zero, |m, v| m.max(v.abs()));
    if scale == zero {
        return zero;
    }
    let ss = x.iter().fold(zero, |acc, v| {
        let r = v.abs() / scale;
        acc + r * r
    });
    scale * ss.sqrt()
}

/// Removes from the column `w` (`len×1`) its components in `span(basis)` (orthonormal
/// columns), twice (CGS2); returns the accumulated coefficients.
fn orthogonalize<T: Scalar>(basis: ArrayView2<'_, T>, w: &mut Array2<T>) -> Array2<T> {
    let mut coef = Array2::zeros((basis.ncols(), 1));
    if basis.ncols() == 0 {
        return coef;
    }
    for _ in 0..2 {
        let h = adj_dot(basis, w.view());
        *w -= &basis.dot(&h);
        coef += &h;
    }
    coef
}

struct Ctx<'a, T: Scalar, A: LinearOperator<T> + ?Sized> {
    a: &'a A,
    k: usize,
    tol: T::Real,
    applied: usize,
    partial: bool,
}

impl<T: Scalar, A: LinearOperator<T> + ?Sized> Ctx<'_, T, A> {
    fn apply(&mut self, x: ArrayView2<'_, T>, adjoint: bool) -> Result<Array2<T>> {
        self.applied += x.ncols();
        apply_checked(self.a, x, adjoint)
    }

    /// Explicit residuals of `(u, s, v)` (`v` is `n×k`, not yet adjoint).
    fn residuals(
        &mut self,
        u: &Array2<T>,
        s: &Array1<T::Real>,
        v: &Array2<T>,
    ) -> Result<Array1<T::Real>> {
        let av = self.apply(v.view(), false)?;
        let ahu = self.apply(u.view(), true)?;
        Ok(Array1::from_shape_fn(s.len(), |i| {
            let r1 = &av.column(i) - &u.column(i).mapv(|x| x.scale(s[i]));
            let r2 = &ahu.column(i) - &v.column(i).mapv(|x| x.scale(s[i]));
            col_norm(r1.view()).hypot(col_norm(r2.view()))
        }))
    }

    fn converged(&self, res: &Array1<T::Real>, s1: T::Real) -> usize {
        res.iter().filter(|&&r| r <= self.tol * s1).count()
    }

    /// Final residual check and packaging.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        u: Array2<T>,
        s: Array1<T::Real>,
        v: Array2<T>,
        method: SvdsMethod,
        iterations: usize,
        subspace_dim: usize,
        accept: bool,
    ) -> Result<PartialSvd<T>> {
        let res = if s.is_empty() {
            Array1::zeros(0)
        } else {
            self.residuals(&u, &s, &v)?
        };
        let s1 = s.first().copied().unwrap_or(T::Real::from_f64(0.0));
        let converged = self.converged(&res, s1);
        let max_rel = res.iter().fold(0.0f64, |mx, &r| {
            let rel = if s1 > T::Real::from_f64(0.0) {
                (r / s1).to_f64()
            } else {
                r.to_f64()
            };
            mx.max(rel)
        });
        let (m, n) = self.a.shape();
        let workspace_values = match method {
            _ if s.is_empty() => 0,
            SvdsMethod::Lanczos => 2 * (m + n) * (subspace_dim + 1) + subspace_dim.pow(2),
            SvdsMethod::Randomized => 4 * (m + n) * subspace_dim,
            SvdsMethod::Dense => m * n + (m + n) * subspace_dim,
        };
        if converged < self.k && !accept && !self.partial {
            return Err(Error::NotConverged {
                method: match method {
                    SvdsMethod::Lanczos => "svds (lanczos)",
                    SvdsMethod::Randomized => "svds (randomized)",
                    SvdsMethod::Dense => "svds (dense)",
                },
                converged,
                requested: self.k,
                iterations,
            });
        }
        let report = SvdsReport {
            method,
            converged,
            requested: self.k,
            iterations,
            operator_applications: self.applied,
            subspace_dim,
            tol: self.tol.to_f64(),
            max_relative_residual: max_rel,
            workspace_values,
        };
        let vt = v.t().mapv(|x| x.conj());
        Ok(PartialSvd {
            u,
            s,
            vt,
            residuals: res,
            report,
        })
    }

    /// Densifies the operator and runs [`Svd`].
    fn dense(&mut self) -> Result<PartialSvd<T>> {
        let (m, n) = self.a.shape();
        let k = self.k;
        let (u, s, v) = if n <= m {
            let d = self.apply(Array2::<T>::eye(n).view(), false)?;
            let svd = Svd::from_owned(d)?;
            let v = svd.vt().slice(s![..k, ..]).t().mapv(|x| x.conj());
            (
                svd.u().slice(s![.., ..k]).to_owned(),
                svd.s().slice(s![..k]).to_owned(),
                v,
            )
        } else {
            // Aᴴ = U'·Σ·V'ᴴ, so A = V'·Σ·U'ᴴ.
            let d = self.apply(Array2::<T>::eye(m).view(), true)?;
            let svd = Svd::from_owned(d)?;
            let u = svd.vt().slice(s![..k, ..]).t().mapv(|x| x.conj());
            (
                u,
                svd.s().slice(s![..k]).to_owned(),
                svd.u().slice(s![.., ..k]).to_owned(),
            )
        };
        // Exact up to rounding: tolerance failures here mean `tol` is below rounding level.
        self.finish(u, s, v, SvdsMethod::Dense, 0, m.min(n), true)
    }

    /// Thick-restart Golub–Kahan–Lanczos with full reorthogonalisation.
    ///
    /// Invariants: `P` (`n×(j+1)`) and `Q` (`m×j`) have orthonormal columns, `A·P_j = Q_j·B`
    /// with `B = Q_jᴴ·A·P_j` (`j×j`, upper triangular, built from the computed projection
    /// coefficients), and `Aᴴ·Q_j = P_j·Bᴴ + β·p_{j+1}·e_jᵀ`.
    fn lanczos(&mut self, ncv: usize, max_iter: usize, seed: u64) -> Result<PartialSvd<T>> {
        let (m, n) = self.a.shape();
        let k = self.k;
        let zero = T::Real::from_f64(0.0);
        let mut rng = random::rng(seed);
        let mut p = Array2::<T>::zeros((n, ncv + 1).f());
        let mut q = Array2::<T>::zeros((m, ncv).f());
        let mut b = Array2::<T>::zeros((ncv, ncv).f());
        let breakdown_scale = T::eps() * T::Real::from_f64((m.max(n) as f64).sqrt());
        let mut anorm = zero;

        let mut start: Array2<T> = random::gaussian(n, 1, &mut rng);
        let nrm = col_norm(start.column(0));
        start.mapv_inplace(|x| x.scale(T::Real::from_f64(1.0) / nrm));
        p.column_mut(0).assign(&start.column(0));
        let mut j = 0;
        let mut beta = zero;
        let mut restarts = 0;
        loop {
            while j < ncv {
                // Extend Q: A·p_j against Q_j.
                let mut w = self.apply(p.slice(s![.., j..j + 1]), false)?;
                let g = orthogonalize(q.slice(s![.., ..j]), &mut w);
                let mut alpha = col_norm(w.column(0));
                anorm = anorm.max(alpha);
                if alpha <= breakdown_scale * anorm {
                    w = self.random_orthonormal(q.slice(s![.., ..j]), m, &mut rng);
                    alpha = zero;
                } else {
                    w.mapv_inplace(|x| x.scale(T::Real::from_f64(1.0) / alpha));
                }
                q.column_mut(j).assign(&w.column(0));
                b.slice_mut(s![..j, j]).assign(&g.column(0));
                b[(j, j)] = T::from_real(alpha);
                // Extend P: Aᴴ·q_j against P_{j+1}.
                let mut z = self.apply(q.slice(s![.., j..j + 1]), true)?;
                orthogonalize(p.slice(s![.., ..j + 1]), &mut z);
                beta = col_norm(z.column(0));
                anorm = anorm.max(beta);
                if beta <= breakdown_scale * anorm {
                    z = self.random_orthonormal(p.slice(s![.., ..j + 1]), n, &mut rng);
                    beta = zero;
                } else {
                    z.mapv_inplace(|x| x.scale(T::Real::from_f64(1.0) / beta));
                }
                p.column_mut(j + 1).assign(&z.column(0));
                j += 1;
            }
            let svd = Svd::new(&b)?;
            let sig = svd.s().to_owned();
            let ub = svd.u().to_owned();
            let vb = svd.vt().t().mapv(|x| x.conj());
            anorm = anorm.max(sig[0]);
            let est_ok = (0..k).all(|i| beta * ub[(ncv - 1, i)].abs() <= self.tol * sig[0]);
            let last = restarts >= max_iter;
            if est_ok || last {
                let u = q.dot(&ub.slice(s![.., ..k]));
                let v = p.slice(s![.., ..ncv]).dot(&vb.slice(s![.., ..k]));
                let s_k = sig.slice(s![..k]).to_owned();
                let out = self.finish(u, s_k, v, SvdsMethod::Lanczos, restarts, ncv, !last);
                // When the estimates said converged but the explicit residuals disagree,
                // restart and go on.
                let r = out?;
                if r.report.converged == k || last {
                    return Ok(r);
                }
            }
            // Thick restart: keep `keep` Ritz vectors and the pending p_{ncv+1}.
            let keep = (k + (ncv - k) / 2).min(ncv - 1).max(k);
            let newp = p.slice(s![.., ..ncv]).dot(&vb.slice(s![.., ..keep]));
            let pend = p.column(ncv).to_owned();
            p.slice_mut(s![.., ..keep]).assign(&newp);
            p.column_mut(keep).assign(&pend);
            let newq = q.dot(&ub.slice(s![.., ..keep]));
            q.slice_mut(s![.., ..keep]).assign(&newq);
            b.fill(T::from_real(zero));
            for i in 0..keep {
                b[(i, i)] = T::from_real(sig[i]);
            }
            j = keep;
            restarts += 1;
        }
    }

    /// A random unit vector orthogonal to `basis` (restart after an invariant subspace).
    fn random_orthonormal(
        &self,
        basis: ArrayView2<'_, T>,
        len: usize,
        rng: &mut crate::random::SeededRng,
    ) -> Array2<T> {
        // Two tries are plenty: a Gaussian vector lies in a proper subspace with probability 0.
        let mut w: Array2<T> = random::gaussian(len, 1, rng);
        for _ in 0..2 {
            orthogonalize(basis, &mut w);
        }
        let nrm = col_norm(w.column(0));
        if nrm > T::Real::from_f64(0.0) {
            w.mapv_inplace(|x| x.scale(T::Real::from_f64(1.0) / nrm));
        }
        w
    }

    /// Randomized subspace iteration with Rayleigh–Ritz and residual checks.
    fn randomized(&mut self, l: usize, max_iter: usize, seed: u64) -> Result<PartialSvd<T>> {
        let (_, n) = self.a.shape();
        let k = self.k;
        let omega: Array2<T> = random::gaussian(n, l, &mut random::rng(seed));
        let y = self.apply(omega.view(), false)?;
        drop(omega);
        let mut qm = Qr::from_owned(y)?.q();
        let mut it = 0;
        loop {
            // Bᴴ = Aᴴ·Q = V̂·Σ·Ŵᴴ, so B = Qᴴ·A = Ŵ·Σ·V̂ᴴ and the Ritz triplets are
            // (Q·Ŵ, Σ, V̂). Aᴴ·uᵢ = σᵢ·vᵢ holds by construction; A·vᵢ = σᵢ·uᵢ is checked.
            let z = self.apply(qm.view(), true)?;
            let svd = Svd::from_owned(z)?;
            let vh = svd.u().to_owned();
            let sig = svd.s().to_owned();
            let w = svd.vt().t().mapv(|x| x.conj());
            let u = qm.dot(&w);
            let y = self.apply(vh.view(), false)?;
            let ok = (0..k).all(|i| {
                let r = &y.column(i) - &u.column(i).mapv(|x| x.scale(sig[i]));
                col_norm(r.view()) <= self.tol * sig[0]
            });
            let last = it >= max_iter;
            if ok || last {
                let uk = u.slice(s![.., ..k]).to_owned();
                let vk = vh.slice(s![.., ..k]).to_owned();
                let sk = sig.slice(s![..k]).to_owned();
                let out = self.finish(uk, sk, vk, SvdsMethod::Randomized, it, l, !last);
                // When the estimates said converged but the explicit residuals disagree,
                // restart and go on.
                let r = out?;
                if r.report.converged == k || last {
                    return Ok(r);
                }
            }
            qm = Qr::from_owned(y)?.q();
            it += 1;
        }
    }
}
