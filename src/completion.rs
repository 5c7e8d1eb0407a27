//! Matrix completion for recommenders: fit a rank-`r` model `X ≈ U·Vᵀ` to a partially observed
//! matrix, by alternating least squares ([`Completion::als`]) or soft-impute
//! ([`Completion::soft_impute`]).
//!
//! Observations are given as `(row, col, value)` triplets ([`Observations::from_triplets`]) or
//! as a dense matrix with a boolean mask ([`Observations::from_masked`]); both are validated
//! once (indices in range, values finite, no entry twice, at least one entry). The fitted
//! [`CompletionModel`] predicts any entry, returns the completed matrix, the top-`n` unobserved
//! columns of a row (recommendations) and the per-iteration train/validation RMSE.
//!
//! Real element types only (`f32`, `f64`): ratings are real, and the objective and its
//! regularisation are written for real data.
//!
//! ```
//! use ndfactor::completion::{Completion, Observations};
//! // The 5×4 ratings of a classic recommender example (0 = not rated).
//! let ratings = ndarray::array![[5.0f64, 4.0, 0.0, 1.0], [4.0, 0.0, 0.0, 1.0],
//!                               [1.0, 1.0, 0.0, 5.0], [1.0, 0.0, 0.0, 4.0],
//!                               [0.0, 1.0, 5.0, 4.0]];
//! let obs = Observations::from_masked(&ratings, &ratings.mapv(|r| r > 0.0))?;
//! let model = Completion::als(2).lambda(0.01).seed(1).fit(&obs)?;
//! assert!(model.train_rmse() < 0.1);
//! let top = model.top_n(1, 1)?;          // best unrated column for user 1
//! assert_eq!(top.len(), 1);
//! # Ok::<(), ndfactor::Error>(())
//! ```

use ndarray::{Array1, Array2, ArrayBase, ArrayView2, Axis, Data, Ix2};

use crate::error::{Error, Result};
use crate::layout::check_dims;
use crate::scalar::RealScalar;
use crate::{lstsq, random, Cholesky, RandomizedSvd, Svd};

fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}

/// The observed entries of an `m×n` matrix, validated and sorted by `(row, col)`.
///
/// Duplicates are an error ([`Error::DuplicateEntry`]): aggregate repeated ratings (mean, last)
/// before building the set, so that what is fitted is explicit.
///
/// ```
/// use ndfactor::completion::Observations;
/// let obs = Observations::from_triplets(2, 3, &[(1, 2, 4.0f64), (0, 0, 5.0)])?;
/// assert_eq!((obs.dim(), obs.len()), ((2, 3), 2));
/// assert_eq!(obs.get(1, 2), Some(4.0));
/// assert_eq!(obs.get(1, 1), None);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Observations<R> {
    nrows: usize,
    ncols: usize,
    /// Sorted by (row, col).
    entries: Vec<(usize, usize, R)>,
    /// `row_ptr[i]..row_ptr[i+1]` indexes the entries of row `i`.
    row_ptr: Vec<usize>,
    /// Entry indices grouped by column (rows ascending within a column).
    col_order: Vec<usize>,
    col_ptr: Vec<usize>,
}

impl<R: RealScalar> Observations<R> {
    /// Builds the set from `(row, col, value)` triplets (any order) of an `nrows×ncols` matrix.
    ///
    /// # Errors
    /// [`Error::Empty`] for a 0×n matrix or no triplet; [`Error::IndexOutOfBounds`];
    /// [`Error::NonFinite`] for NaN/±∞ values (at the entry's position);
    /// [`Error::DuplicateEntry`] when a position appears twice.
    ///
    /// ```
    /// use ndfactor::{completion::Observations, Error};
    /// let e = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (0, 0, 2.0)]);
    /// assert_eq!(e, Err(Error::DuplicateEntry { row: 0, col: 0 }));
    /// let e = Observations::from_triplets(2, 2, &[(2, 0, 1.0f64)]);
    /// assert!(matches!(e, Err(Error::IndexOutOfBounds { row: 2, .. })));
    /// ```
    pub fn from_triplets(
        nrows: usize,
        ncols: usize,
        triplets: &[(usize, usize, R)],
    ) -> Result<Self> {
        if nrows == 0 || ncols == 0 || triplets.is_empty() {
            return Err(Error::Empty {
                operation: "matrix completion (no observed entry)",
            });
        }
        for &(row, col, v) in triplets {
            if row >= nrows || col >= ncols {
                return Err(Error::IndexOutOfBounds {
                    row,
                    col,
                    rows: nrows,
                    cols: ncols,
                });
            }
            if !v.is_finite() {
                return Err(Error::NonFinite { row, col });
            }
        }
        let mut entries = triplets.to_vec();
        entries.sort_by_key(|e| (e.0, e.1));
        for w in entries.windows(2) {
            if (w[0].0, w[0].1) == (w[1].0, w[1].1) {
                return Err(Error::DuplicateEntry {
                    row: w[0].0,
                    col: w[0].1,
                });
            }
        }
        let mut row_ptr = vec![0usize; nrows + 1];
        let mut col_ptr = vec![0usize; ncols + 1];
        for &(i, j, _) in &entries {
            row_ptr[i + 1] += 1;
            col_ptr[j + 1] += 1;
        }
        for i in 0..nrows {
            row_ptr[i + 1] += row_ptr[i];
        }
        for j in 0..ncols {
            col_ptr[j + 1] += col_ptr[j];
        }
        let mut next = col_ptr.clone();
        let mut col_order = vec![0usize; entries.len()];
        for (e, &(_, j, _)) in entries.iter().enumerate() {
            col_order[next[j]] = e;
            next[j] += 1;
        }
        Ok(Observations {
            nrows,
            ncols,
            entries,
            row_ptr,
            col_order,
            col_ptr,
        })
    }

    /// Builds the set from a dense matrix and a mask of the same shape: entry `(i, j)` is
    /// observed when `mask[(i, j)]`. Unobserved values are never read (they may be NaN).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when the shapes differ; otherwise as
    /// [`from_triplets`](Observations::from_triplets).
    ///
    /// ```
    /// use ndfactor::completion::Observations;
    /// let x = ndarray::array![[1.0f32, f32::NAN], [3.0, 4.0]];
    /// let mask = x.mapv(|v| !v.is_nan());
    /// assert_eq!(Observations::from_masked(&x, &mask)?.len(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_masked<S1, S2>(
        values: &ArrayBase<S1, Ix2>,
        mask: &ArrayBase<S2, Ix2>,
    ) -> Result<Self>
    where
        S1: Data<Elem = R>,
        S2: Data<Elem = bool>,
    {
        let (m, n) = values.dim();
        if mask.nrows() != m {
            return Err(Error::DimensionMismatch {
                operation: "Observations::from_masked: rows of mask",
                expected: m,
                found: mask.nrows(),
            });
        }
        if mask.ncols() != n {
            return Err(Error::DimensionMismatch {
                operation: "Observations::from_masked: columns of mask",
                expected: n,
                found: mask.ncols(),
            });
        }
        let t: Vec<(usize, usize, R)> = values
            .indexed_iter()
            .filter(|(ij, _)| mask[*ij])
            .map(|((i, j), &v)| (i, j, v))
            .collect();
        Self::from_triplets(m, n, &t)
    }

    /// `(rows, cols)` of the matrix.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert_eq!(Observations::from_triplets(4, 5, &[(0, 0, 1.0f64)])?.dim(), (4, 5));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        (self.nrows, self.ncols)
    }

    /// Number of observed entries.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert_eq!(Observations::from_triplets(4, 5, &[(0, 0, 1.0f64)])?.len(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Always `false`: an empty set cannot be built.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert!(!Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?.is_empty());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries `(row, col, value)`, sorted by `(row, col)`.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let o = Observations::from_triplets(2, 2, &[(1, 0, 2.0f64), (0, 1, 1.0)])?;
    /// assert_eq!(o.entries()[0], (0, 1, 1.0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn entries(&self) -> &[(usize, usize, R)] {
        &self.entries
    }

    /// The observed value at `(row, col)`, if any (binary search in the row, O(log nᵢ)).
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let o = Observations::from_triplets(2, 2, &[(1, 0, 2.0f64)])?;
    /// assert_eq!((o.get(1, 0), o.get(0, 0), o.get(9, 9)), (Some(2.0), None, None));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn get(&self, row: usize, col: usize) -> Option<R> {
        if row >= self.nrows {
            return None;
        }
        let r = &self.entries[self.row_ptr[row]..self.row_ptr[row + 1]];
        r.binary_search_by(|e| e.1.cmp(&col)).ok().map(|k| r[k].2)
    }

    /// Splits the entries at random (seeded) into `(train, test)` with about `test_fraction`
    /// of them in `test`; each part keeps at least one entry.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `0 < test_fraction < 1` and there are at least two
    /// entries.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let t: Vec<_> = (0..10).map(|j| (0, j, j as f64)).collect();
    /// let (train, test) = Observations::from_triplets(1, 10, &t)?.split(0.3, 1)?;
    /// assert_eq!((train.len(), test.len()), (7, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn split(&self, test_fraction: f64, seed: u64) -> Result<(Self, Self)> {
        use rand::seq::SliceRandom;
        let n = self.entries.len();
        if !(test_fraction > 0.0 && test_fraction < 1.0) || n < 2 {
            return Err(invalid(format!(
                "split needs 0 < test_fraction < 1 and at least 2 entries (got {test_fraction}, {n})"
            )));
        }
        let k = ((test_fraction * n as f64).round() as usize).clamp(1, n - 1);
        let mut idx: Vec<usize> = (0..n).collect();
        idx.shuffle(&mut random::rng(seed));
        let test: Vec<_> = idx[..k].iter().map(|&e| self.entries[e]).collect();
        let train: Vec<_> = idx[k..].iter().map(|&e| self.entries[e]).collect();
        Ok((
            Self::from_triplets(self.nrows, self.ncols, &train)?,
            Self::from_triplets(self.nrows, self.ncols, &test)?,
        ))
    }

    /// Root mean square of `value − f(row, col)` over the entries.
    fn rmse_of(&self, f: impl Fn(usize, usize) -> R) -> R {
        let mut s = R::from_f64(0.0);
        for &(i, j, v) in &self.entries {
            let d = v - f(i, j);
            s += d * d;
        }
        (s / R::from_f64(self.entries.len() as f64)).sqrt()
    }
}

/// The algorithm a [`Completion`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionMethod {
    /// Alternating least squares on `Σ_Ω (xᵢⱼ − uᵢ·vⱼ)² + λ(‖U‖_F² + ‖V‖_F²)`.
    Als,
    /// Soft-impute (Mazumder, Hastie & Tibshirani 2010) on
    /// `½ Σ_Ω (xᵢⱼ − zᵢⱼ)² + λ‖Z‖_*`, with `rank(Z) ≤ r`.
    SoftImpute,
}

/// How ALS chooses its initial column factors `V`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlsInit {
    /// [`AlsInit::Spectral`] when `m·n ≤ 2²⁴` (the zero-filled matrix is formed densely),
    /// [`AlsInit::Random`] otherwise.
    Auto,
    /// `V = V_k·Σ_k^{1/2}` from the rank-`k` SVD of the zero-filled observations scaled by
    /// `mn/|Ω|` (the spectral start of Jain, Netrapalli & Sanghavi 2013): avoids the
    /// degenerate fixed points that random starts can reach with little regularisation.
    Spectral,
    /// Seeded Gaussian `V`, scaled to the data's RMS.
    Random,
}

/// The truncated SVD soft-impute uses at every iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvdSolver {
    /// Exact when `4·(r + 10) ≥ min(m, n)`, randomized otherwise.
    Auto,
    /// Full thin SVD ([`Svd`]), then the leading `r` triplets: `O(mn·min(m, n))` per iteration.
    Exact,
    /// [`RandomizedSvd`] of rank `r` (10 oversamples, seeded per iteration):
    /// `O(mn·r)` per iteration.
    Randomized,
}

/// Statistics of one iteration, passed to the progress callback and kept in
/// [`CompletionModel::history`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterationStats<R> {
    /// 1-based iteration number.
    pub iteration: usize,
    /// RMSE over the training entries.
    pub train_rmse: R,
    /// RMSE over the validation entries, when a validation set was given.
    pub validation_rmse: Option<R>,
    /// Value of the method's objective (see [`CompletionMethod`]).
    pub objective: R,
    /// The quantity compared with `tol`: ALS, `|f_{k−1} − f_k| / f_{k−1}` of the objective;
    /// soft-impute, `‖Z_k − Z_{k−1}‖_F² / ‖Z_{k−1}‖_F²` (Mazumder et al.'s criterion).
    /// Infinite at the first iteration.
    pub relative_change: R,
}

/// Builder of a matrix-completion fit: method, rank, regularisation, iteration control, seed,
/// optional validation set.
///
/// Defaults: `lambda = 0.1` (ALS) or `1.0` (soft-impute; it is on the scale of the singular
/// values), `max_iter = 100` (ALS) or `500` (soft-impute), `tol = 1e-6`, `seed = 0`,
/// [`SvdSolver::Auto`].
///
/// Fits are deterministic for a given seed (and OpenBLAS thread count).
///
/// ```
/// use ndfactor::completion::{Completion, Observations};
/// // xᵢⱼ = (i + 1)(j + 1), a rank-1 matrix, with its diagonal missing.
/// let t: Vec<_> = (0..5).flat_map(|i| (0..4).map(move |j| (i, j, ((i + 1) * (j + 1)) as f64)))
///     .filter(|&(i, j, _)| i != j).collect();
/// let obs = Observations::from_triplets(5, 4, &t)?;
/// let model = Completion::als(1).lambda(1e-9).tol(1e-14).max_iter(500).fit(&obs)?;
/// assert!((model.predict(2, 2)? - 9.0).abs() < 1e-4); // unobserved
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Completion<R> {
    method: CompletionMethod,
    rank: usize,
    lambda: R,
    max_iter: usize,
    tol: R,
    seed: u64,
    solver: SvdSolver,
    init: AlsInit,
    validation: Option<Observations<R>>,
}

impl<R: RealScalar> Completion<R> {
    /// Alternating least squares with rank `r`. Each half-step solves, for every row `i`,
    /// `(V_Ωᵢᵀ·V_Ωᵢ + λI)·uᵢ = V_Ωᵢᵀ·x_Ωᵢ` (an `r×r` SPD system, through [`Cholesky`]; with
    /// `λ = 0` and a singular system, the minimum-norm [`lstsq`] solution), then the same for
    /// the columns. A row or column without observations gets the zero factor, which is the
    /// minimiser for `λ > 0`: its predictions are 0. Cost per iteration
    /// `O(|Ω|·r² + (m + n)·r³)`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 2.0f64), (0, 1, 4.0), (1, 0, 1.0)])?;
    /// let m = Completion::als(1).lambda(0.0).tol(1e-14).max_iter(1000).fit(&obs)?;
    /// assert!((m.predict(1, 1)? - 2.0).abs() < 1e-6); // the rank-1 completion
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn als(rank: usize) -> Self {
        Completion {
            method: CompletionMethod::Als,
            rank,
            lambda: R::from_f64(0.1),
            max_iter: 100,
            tol: R::from_f64(1e-6),
            seed: 0,
            solver: SvdSolver::Auto,
            init: AlsInit::Auto,
            validation: None,
        }
    }

    /// Soft-impute with rank at most `r`: `Z ← S_λ(P_Ω(X) + P_Ω⊥(Z))`, where `S_λ` keeps the
    /// leading `r` singular triplets and shrinks their values to `max(σᵢ − λ, 0)`
    /// (Mazumder, Hastie & Tibshirani 2010, Algorithm 1, with a rank cap). The iterate is
    /// formed densely (`m×n`). Cost per iteration: one truncated SVD (see [`SvdSolver`]) plus
    /// `O(mn·r)`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 2.0f64), (0, 1, 4.0), (1, 0, 1.0)])?;
    /// let m = Completion::soft_impute(1).lambda(0.0).tol(1e-14).max_iter(5000).fit(&obs)?;
    /// assert!((m.predict(1, 1)? - 2.0).abs() < 1e-3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn soft_impute(rank: usize) -> Self {
        Completion {
            method: CompletionMethod::SoftImpute,
            lambda: R::from_f64(1.0),
            max_iter: 500,
            ..Self::als(rank)
        }
    }

    /// Regularisation `λ ≥ 0` (see [`CompletionMethod`] for where it enters).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?;
    /// assert!(Completion::als(1).lambda(-1.0).fit(&obs).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn lambda(mut self, lambda: R) -> Self {
        self.lambda = lambda;
        self
    }

    /// Maximum number of iterations (≥ 1).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?;
    /// assert_eq!(Completion::als(1).max_iter(3).tol(0.0).fit(&obs)?.iterations(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Convergence tolerance on [`IterationStats::relative_change`] (≥ 0; 0 runs `max_iter`).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?;
    /// assert!(Completion::als(1).tol(1e-3).fit(&obs)?.converged());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn tol(mut self, tol: R) -> Self {
        self.tol = tol;
        self
    }

    /// Seed of the random initial factors (ALS) and of the randomized SVDs (spectral start,
    /// soft-impute).
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0)])?;
    /// let a = Completion::als(1).seed(5).fit(&obs)?;
    /// let b = Completion::als(1).seed(5).fit(&obs)?;
    /// assert_eq!(a.completed(), b.completed()); // exact: same seed, same code path, one process
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The truncated SVD used by soft-impute (ignored by ALS).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations, SvdSolver};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0)])?;
    /// let m = Completion::soft_impute(1).lambda(0.0).svd_solver(SvdSolver::Exact).fit(&obs)?;
    /// assert!((m.predict(1, 1)? - 2.0).abs() < 1e-6);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn svd_solver(mut self, solver: SvdSolver) -> Self {
        self.solver = solver;
        self
    }

    /// The ALS starting point (ignored by soft-impute), [`AlsInit::Auto`] by default.
    ///
    /// ```
    /// # use ndfactor::completion::{AlsInit, Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0), (0, 1, 1.0)])?;
    /// let m = Completion::als(1).init(AlsInit::Random).seed(2).fit(&obs)?;
    /// assert!(m.train_rmse() < 0.5);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn init(mut self, init: AlsInit) -> Self {
        self.init = init;
        self
    }

    /// A held-out set of the same shape, whose RMSE is reported at every iteration (it does not
    /// influence the fit).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let train = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0)])?;
    /// let val = Observations::from_triplets(2, 2, &[(0, 1, 0.0f64)])?;
    /// let m = Completion::als(1).validation(val).fit(&train)?;
    /// assert!(m.validation_rmse().is_some());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn validation(mut self, validation: Observations<R>) -> Self {
        self.validation = Some(validation);
        self
    }

    /// Fits the model.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `rank = 0`, `λ < 0`, `tol < 0`, NaN parameters or
    /// `max_iter = 0`; [`Error::InvalidRank`] for `rank > min(m, n)`;
    /// [`Error::DimensionMismatch`] when the validation set has another shape; those of the
    /// SVD (soft-impute).
    ///
    /// ```
    /// # use ndfactor::{completion::{Completion, Observations}, Error};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64)])?;
    /// assert_eq!(Completion::als(3).fit(&obs).err(), Some(Error::InvalidRank { k: 3, max: 2 }));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit(&self, obs: &Observations<R>) -> Result<CompletionModel<R>> {
        self.fit_with(obs, |_| {})
    }

    /// Fits the model, calling `progress` after every iteration.
    ///
    /// # Errors
    /// As [`fit`](Completion::fit).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0)])?;
    /// let mut seen = 0;
    /// let m = Completion::als(1).fit_with(&obs, |s| seen = s.iteration)?;
    /// assert_eq!(seen, m.iterations());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit_with(
        &self,
        obs: &Observations<R>,
        mut progress: impl FnMut(&IterationStats<R>),
    ) -> Result<CompletionModel<R>> {
        let (m, n) = obs.dim();
        let zero = R::from_f64(0.0);
        if self.rank == 0 {
            return Err(invalid("completion rank must be ≥ 1".into()));
        }
        if self.rank > m.min(n) {
            return Err(Error::InvalidRank {
                k: self.rank,
                max: m.min(n),
            });
        }
        if self.lambda.is_nan() || self.lambda < zero || !self.lambda.is_finite() {
            return Err(invalid(format!(
                "lambda must be finite and ≥ 0, got {}",
                self.lambda
            )));
        }
        if self.tol.is_nan() || self.tol < zero {
            return Err(invalid(format!("tol must be ≥ 0, got {}", self.tol)));
        }
        if self.max_iter == 0 {
            return Err(invalid("max_iter must be ≥ 1".into()));
        }
        if let Some(v) = &self.validation {
            if v.nrows != m {
                return Err(Error::DimensionMismatch {
                    operation: "Completion::validation: rows",
                    expected: m,
                    found: v.nrows,
                });
            }
            if v.ncols != n {
                return Err(Error::DimensionMismatch {
                    operation: "Completion::validation: columns",
                    expected: n,
                    found: v.ncols,
                });
            }
        }
        let fit = match self.method {
            CompletionMethod::Als => self.run_als(obs, &mut progress)?,
            CompletionMethod::SoftImpute => self.run_soft_impute(obs, &mut progress)?,
        };
        let (left, right, history, converged) = fit;
        let observed_cols = (0..m)
            .map(|i| {
                obs.entries[obs.row_ptr[i]..obs.row_ptr[i + 1]]
                    .iter()
                    .map(|e| e.1)
                    .collect()
            })
            .collect();
        Ok(CompletionModel {
            method: self.method,
            left,
            right,
            history,
            converged,
            observed_cols,
        })
    }

    fn stats(
        &self,
        obs: &Observations<R>,
        left: &Array2<R>,
        right: &Array2<R>,
        iteration: usize,
        objective: R,
        relative_change: R,
    ) -> IterationStats<R> {
        let pred = |i: usize, j: usize| left.row(i).dot(&right.row(j));
        IterationStats {
            iteration,
            train_rmse: obs.rmse_of(pred),
            validation_rmse: self.validation.as_ref().map(|v| v.rmse_of(pred)),
            objective,
            relative_change,
        }
    }

    #[allow(clippy::type_complexity)]
    fn run_als(
        &self,
        obs: &Observations<R>,
        progress: &mut dyn FnMut(&IterationStats<R>),
    ) -> Result<(Array2<R>, Array2<R>, Vec<IterationStats<R>>, bool)> {
        let (m, n) = obs.dim();
        let k = self.rank;
        let zero = R::from_f64(0.0);
        // Initial V: Gaussian scaled so that u·v has the magnitude of the data once U is solved.
        let spectral = match self.init {
            AlsInit::Spectral => true,
            AlsInit::Random => false,
            AlsInit::Auto => m.saturating_mul(n) <= 1 << 24,
        };
        let mut v: Array2<R> = if spectral {
            check_dims(m, n)?;
            let mut y: Array2<R> = Array2::zeros((m, n));
            let p = R::from_f64((m * n) as f64 / obs.len() as f64);
            for &(i, j, x) in &obs.entries {
                y[(i, j)] = x * p;
            }
            let (s, vt) = if 4 * (k + 10) < m.min(n) {
                let t = RandomizedSvd::new(k).seed(self.seed).compute(&y)?;
                (t.s().to_owned(), t.vt().to_owned())
            } else {
                let svd = Svd::from_owned(y)?;
                (
                    svd.s().slice(ndarray::s![..k]).to_owned(),
                    svd.vt().slice(ndarray::s![..k, ..]).to_owned(),
                )
            };
            let mut v = vt.t().to_owned();
            for (c, &sv) in s.iter().enumerate() {
                v.column_mut(c).mapv_inplace(|x| x * sv.sqrt());
            }
            v
        } else {
            let rms = obs.rmse_of(|_, _| zero);
            let scale = (rms / R::from_f64(k as f64).sqrt())
                .sqrt()
                .max(R::from_f64(1e-3));
            random::gaussian::<R>(n, k, &mut random::rng(self.seed)).mapv(|x| x * scale)
        };
        let mut u: Array2<R> = Array2::zeros((m, k));
        let mut history = Vec::new();
        let mut prev = R::infinity();
        let mut converged = false;
        for it in 1..=self.max_iter {
            // Rows: entries of row i are contiguous.
            for i in 0..m {
                let idx: Vec<usize> = (obs.row_ptr[i]..obs.row_ptr[i + 1]).collect();
                let sol = solve_factor(obs, &idx, |e| obs.entries[e].1, &v, self.lambda)?;
                u.row_mut(i).assign(&sol);
            }
            for j in 0..n {
                let idx = &obs.col_order[obs.col_ptr[j]..obs.col_ptr[j + 1]];
                let sol = solve_factor(obs, idx, |e| obs.entries[e].0, &u, self.lambda)?;
                v.row_mut(j).assign(&sol);
            }
            let mut sse = zero;
            for &(i, j, x) in &obs.entries {
                let d = x - u.row(i).dot(&v.row(j));
                sse += d * d;
            }
            let reg = u.iter().chain(v.iter()).fold(zero, |s, &x| s + x * x);
            let obj = sse + self.lambda * reg;
            let change = if prev.is_finite() {
                if prev > zero {
                    (prev - obj).abs() / prev
                } else {
                    zero
                }
            } else {
                R::infinity()
            };
            let st = self.stats(obs, &u, &v, it, obj, change);
            progress(&st);
            history.push(st);
            prev = obj;
            if self.tol > zero && change <= self.tol {
                converged = true;
                break;
            }
        }
        Ok((u, v, history, converged))
    }

    #[allow(clippy::type_complexity)]
    fn run_soft_impute(
        &self,
        obs: &Observations<R>,
        progress: &mut dyn FnMut(&IterationStats<R>),
    ) -> Result<(Array2<R>, Array2<R>, Vec<IterationStats<R>>, bool)> {
        let (m, n) = obs.dim();
        check_dims(m, n)?;
        let k = self.rank;
        let zero = R::from_f64(0.0);
        let randomized = match self.solver {
            SvdSolver::Exact => false,
            SvdSolver::Randomized => true,
            SvdSolver::Auto => 4 * (k + 10) < m.min(n),
        };
        let mut z: Array2<R> = Array2::zeros((m, n));
        let mut left: Array2<R> = Array2::zeros((m, 0));
        let mut right: Array2<R> = Array2::zeros((n, 0));
        let mut history = Vec::new();
        let mut converged = false;
        for it in 1..=self.max_iter {
            let mut y = z.clone();
            for &(i, j, x) in &obs.entries {
                y[(i, j)] = x;
            }
            let (uu, s, vt) = if randomized {
                let t = RandomizedSvd::new(k)
                    .seed(self.seed.wrapping_add(it as u64))
                    .compute(&y)?;
                (t.u().to_owned(), t.s().to_owned(), t.vt().to_owned())
            } else {
                let svd = Svd::from_owned(y)?;
                (
                    svd.u().slice(ndarray::s![.., ..k]).to_owned(),
                    svd.s().slice(ndarray::s![..k]).to_owned(),
                    svd.vt().slice(ndarray::s![..k, ..]).to_owned(),
                )
            };
            let shrunk: Array1<R> = s.mapv(|x| (x - self.lambda).max(zero));
            let keep = shrunk.iter().filter(|&&x| x > zero).count();
            let mut l = uu.slice(ndarray::s![.., ..keep]).to_owned();
            for (c, &sv) in shrunk.iter().take(keep).enumerate() {
                l.column_mut(c).mapv_inplace(|x| x * sv);
            }
            let r = vt.slice(ndarray::s![..keep, ..]).t().to_owned();
            let z_new = l.dot(&r.t());
            let mut diff = zero;
            let mut old = zero;
            for (a, b) in z_new.iter().zip(z.iter()) {
                diff += (*a - *b) * (*a - *b);
                old += *b * *b;
            }
            let change = if old > zero {
                diff / old
            } else if diff > zero {
                R::infinity()
            } else {
                zero
            };
            z = z_new;
            left = l;
            right = r;
            let mut sse = zero;
            for &(i, j, x) in &obs.entries {
                let d = x - z[(i, j)];
                sse += d * d;
            }
            let nuc = shrunk.iter().fold(zero, |a, &x| a + x);
            let obj = R::from_f64(0.5) * sse + self.lambda * nuc;
            let st = self.stats(obs, &left, &right, it, obj, change);
            progress(&st);
            history.push(st);
            if self.tol > zero && change <= self.tol {
                converged = true;
                break;
            }
        }
        Ok((left, right, history, converged))
    }
}

/// Solves `(Fᵀ·F + λI)·x = Fᵀ·y` where `F` holds the rows `other(e)` of `factor` and `y` the
/// values of entries `idx`. Empty `idx` gives zero.
fn solve_factor<R: RealScalar>(
    obs: &Observations<R>,
    idx: &[usize],
    other: impl Fn(usize) -> usize,
    factor: &Array2<R>,
    lambda: R,
) -> Result<Array1<R>> {
    let k = factor.ncols();
    if idx.is_empty() {
        return Ok(Array1::zeros(k));
    }
    let f = factor.select(Axis(0), &idx.iter().map(|&e| other(e)).collect::<Vec<_>>());
    let y = Array1::from_iter(idx.iter().map(|&e| obs.entries[e].2));
    let mut g = f.t().dot(&f);
    for d in 0..k {
        g[(d, d)] += lambda;
    }
    let b = f.t().dot(&y);
    match Cholesky::from_owned(g) {
        Ok(ch) => ch.solve(&b),
        Err(Error::NotPositiveDefinite { .. }) => {
            // λ = 0 and a rank-deficient Fᵀ·F: the minimum-norm least-squares solution of F·x = y.
            let ls = lstsq(&f, &y.insert_axis(Axis(1)))?;
            Ok(ls.solution.column(0).to_owned())
        }
        Err(e) => Err(e),
    }
}

/// A fitted completion model `X̂ = L·Rᵀ` (`L` `m×k`, `R` `n×k`).
///
/// For ALS, `L = U` and `R = V`; for soft-impute, `L = U_k·diag(σ̃)` and `R = V_k` (σ̃ the shrunk
/// singular values, `k` the number left positive, at most the rank asked for).
///
/// ```
/// use ndfactor::completion::{Completion, Observations};
/// let obs = Observations::from_triplets(3, 3, &[(0, 0, 1.0f64), (0, 1, 2.0), (1, 0, 2.0),
///                                               (1, 1, 4.0), (2, 2, 1.0)])?;
/// let m = Completion::als(2).lambda(1e-3).fit(&obs)?;
/// assert_eq!(m.completed().dim(), (3, 3));
/// assert_eq!(m.row_factors().dim(), (3, 2));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompletionModel<R> {
    method: CompletionMethod,
    left: Array2<R>,
    right: Array2<R>,
    history: Vec<IterationStats<R>>,
    converged: bool,
    observed_cols: Vec<Vec<usize>>,
}

impl<R: RealScalar> CompletionModel<R> {
    fn check(&self, row: usize, col: usize) -> Result<()> {
        let (m, n) = (self.left.nrows(), self.right.nrows());
        if row >= m || col >= n {
            return Err(Error::IndexOutOfBounds {
                row,
                col,
                rows: m,
                cols: n,
            });
        }
        Ok(())
    }

    /// Predicted entry `x̂ᵢⱼ = lᵢ·rⱼ` (O(k)).
    ///
    /// # Errors
    /// [`Error::IndexOutOfBounds`].
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(1, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert!(m.predict(0, 2).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn predict(&self, row: usize, col: usize) -> Result<R> {
        self.check(row, col)?;
        Ok(self.left.row(row).dot(&self.right.row(col)))
    }

    /// The completed `m×n` matrix `L·Rᵀ` (O(mnk)).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(2, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.completed()[(1, 1)], m.predict(1, 1)?); // exact: rank 1, one product
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn completed(&self) -> Array2<R> {
        self.left.dot(&self.right.t())
    }

    /// The `n` columns of `row` not observed in training with the highest predictions,
    /// best first (ties by column index); fewer when the row has fewer unobserved columns.
    ///
    /// # Errors
    /// [`Error::IndexOutOfBounds`] for a row outside the matrix.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 3, &[(0, 0, 1.0f64), (1, 1, 1.0)])?;
    /// let m = Completion::als(1).fit(&obs)?;
    /// let top = m.top_n(0, 5)?;
    /// assert_eq!(top.len(), 2);                      // columns 1 and 2
    /// assert!(top.iter().all(|&(c, _)| c != 0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn top_n(&self, row: usize, n: usize) -> Result<Vec<(usize, R)>> {
        self.check(row, 0)?;
        let seen = &self.observed_cols[row];
        let l = self.left.row(row);
        let mut cand: Vec<(usize, R)> = (0..self.right.nrows())
            .filter(|j| seen.binary_search(j).is_err())
            .map(|j| (j, l.dot(&self.right.row(j))))
            .collect();
        cand.sort_by(|a, b| {
            b.1.partial_cmp(&a.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(a.0.cmp(&b.0))
        });
        cand.truncate(n);
        Ok(cand)
    }

    /// Row factors `L` (`m×k`).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(3, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.row_factors().dim(), (3, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn row_factors(&self) -> ArrayView2<'_, R> {
        self.left.view()
    }

    /// Column factors `R` (`n×k`).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(3, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.col_factors().dim(), (2, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn col_factors(&self) -> ArrayView2<'_, R> {
        self.right.view()
    }

    /// Rank `k` of the fitted model.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(3, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.rank(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.left.ncols()
    }

    /// The method that produced the model.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, CompletionMethod, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.method(), CompletionMethod::Als);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn method(&self) -> CompletionMethod {
        self.method
    }

    /// Per-iteration statistics, first iteration first.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.history().len(), m.iterations());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn history(&self) -> &[IterationStats<R>] {
        &self.history
    }

    /// Iterations run.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).max_iter(2).tol(0.0).fit(&Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.iterations(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn iterations(&self) -> usize {
        self.history.len()
    }

    /// Whether `relative_change ≤ tol` was reached before `max_iter`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).max_iter(1).fit(&Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?)?;
    /// assert!(!m.converged()); // the first change is infinite
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// RMSE over the training entries at the last iteration.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).lambda(0.0).fit(&Observations::from_triplets(1, 1, &[(0, 0, 3.0f64)])?)?;
    /// assert!(m.train_rmse() < 1e-6);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn train_rmse(&self) -> R {
        self.history
            .last()
            .map(|s| s.train_rmse)
            .unwrap_or_else(R::nan)
    }

    /// RMSE over the validation entries at the last iteration (when a validation set was given).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(1, 1, &[(0, 0, 3.0f64)])?)?;
    /// assert_eq!(m.validation_rmse(), None);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn validation_rmse(&self) -> Option<R> {
        self.history.last().and_then(|s| s.validation_rmse)
    }

    /// RMSE of the model over any set of entries of the same shape (e.g. a test set).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when the shapes differ.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(1, 2, &[(0, 0, 3.0f64)])?;
    /// let m = Completion::als(1).lambda(0.0).fit(&obs)?;
    /// assert!(m.rmse(&obs)? < 1e-6);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rmse(&self, obs: &Observations<R>) -> Result<R> {
        let (m, n) = (self.left.nrows(), self.right.nrows());
        if obs.dim() != (m, n) {
            return Err(Error::DimensionMismatch {
                operation: "CompletionModel::rmse: rows × columns",
                expected: m * n,
                found: obs.nrows * obs.ncols,
            });
        }
        Ok(obs.rmse_of(|i, j| self.left.row(i).dot(&self.right.row(j))))
    }
}
