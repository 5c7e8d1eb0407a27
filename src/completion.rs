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

use ndarray::{Array1, Array2, ArrayBase, ArrayView1, ArrayView2, Data, Ix2};
use rayon::prelude::*;

use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::{Error, Result};
use crate::layout::check_dims;
use crate::lowrank::lstsq;
use crate::random;
use crate::scalar::RealScalar;

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
    /// Alternating least squares on
    /// `Σ_Ω (xᵢⱼ − μ − bᵢ − cⱼ − uᵢ·vⱼ)² + Σᵢ λᵢ(‖uᵢ‖² + bᵢ²) + Σⱼ λⱼ(‖vⱼ‖² + cⱼ²)`,
    /// with `λᵢ = λ·nᵢ` ([`LambdaScaling::Weighted`], the default) or `λᵢ = λ`
    /// ([`LambdaScaling::Uniform`]); the biases `μ, b, c` are zero unless
    /// [`Completion::biases`] is on.
    Als,
    /// Soft-impute (Mazumder, Hastie & Tibshirani 2010) on
    /// `½ Σ_Ω (xᵢⱼ − μ − bᵢ − cⱼ − zᵢⱼ)² + λ‖Z‖_*`, with `rank(Z) ≤ r` (biases fitted first,
    /// then held fixed, when [`Completion::biases`] is on).
    SoftImpute,
}

/// How ALS scales its ridge penalty per row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LambdaScaling {
    /// Weighted-λ regularisation (Zhou, Wilkinson, Schreiber & Pan 2008): row `i` is penalised by
    /// `λ·nᵢ`, column `j` by `λ·nⱼ`, `nᵢ`/`nⱼ` their numbers of observations. Heavy users are
    /// not under-regularised and light users not over-fitted: the default.
    Weighted,
    /// The same `λ` for every row and column (`λ(‖U‖_F² + ‖V‖_F²)`).
    Uniform,
}

/// Why an iteration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The relative decrease of the objective fell to `tol` or below.
    Converged,
    /// `max_iter` iterations ran without reaching `tol`: the result is usable but not converged.
    MaxIter,
}

/// How ALS chooses its initial column factors `V`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlsInit {
    /// [`AlsInit::Spectral`] (it costs `O(|Ω|·r)` per power step and never forms the dense
    /// matrix).
    Auto,
    /// `V = V_k·Σ_k^{1/2}` from the rank-`k` SVD of the zero-filled observations (minus the
    /// biases) scaled by `mn/|Ω|` (the spectral start of Jain, Netrapalli & Sanghavi 2013):
    /// avoids the degenerate fixed points that random starts can reach with little
    /// regularisation.
    Spectral,
    /// Seeded Gaussian `V`, scaled to the data's RMS.
    Random,
}

/// The truncated SVD soft-impute uses at every iteration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvdSolver {
    /// Exact when `4·(r + 10) ≥ min(m, n)`, randomized otherwise.
    Auto,
    /// Forms the dense `m×n` iterate and takes its full thin SVD ([`Svd`]):
    /// `O(mn·min(m, n))` per iteration, for small matrices.
    Exact,
    /// Sparse-plus-low-rank subspace iteration: the iterate `P_Ω(X − Z) + Z` is applied as a
    /// sparse matrix plus the low-rank factors (never formed), one block power step per
    /// iteration warm-started from the previous right singular subspace (`r + 10` columns):
    /// `O(|Ω|·r + (m + n)·r²)` per iteration, memory `O(|Ω| + (m + n)·r)`.
    Randomized,
}

/// Statistics of one iteration, passed to the progress callback and kept in
/// [`CompletionModel::history`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IterationStats<R> {
    /// 1-based iteration number (restarting at 1 for every `λ` of a validation path).
    pub iteration: usize,
    /// RMSE over the training entries.
    pub train_rmse: R,
    /// RMSE over the validation entries, when a validation set was given.
    pub validation_rmse: Option<R>,
    /// Value of the method's objective (see [`CompletionMethod`]).
    pub objective: R,
    /// The quantity compared with `tol`: `|f_{k−1} − f_k| / f_{k−1}`, the relative change of
    /// the objective. Infinite at the first iteration.
    pub relative_change: R,
    /// The `λ` of this iteration.
    pub lambda: R,
}

/// One `λ` of a validation path (see [`Completion::validation`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LambdaTrial<R> {
    /// The regularisation tried.
    pub lambda: R,
    /// Validation RMSE at the end of its fit.
    pub validation_rmse: R,
    /// Iterations run for this `λ` (warm-started from the previous one).
    pub iterations: usize,
    /// Why its fit stopped.
    pub stop: StopReason,
}

/// Builder of a matrix-completion fit: method, rank, regularisation, iteration control, seed,
/// optional validation set.
///
/// Defaults: [`LambdaScaling::Weighted`] ALS, no biases, `max_iter = 500`, `tol = 1e-6`
/// (relative decrease of the objective), `seed = 0`, [`SvdSolver::Auto`], [`AlsInit::Auto`].
/// `λ`, unless set with [`lambda`](Completion::lambda):
/// - with a validation set, chosen on it: ALS tries `λ = s·{1, ½, ¼, …, 1/128}` (`s` the RMS of
///   the training values after the biases), soft-impute the path `λ_t = 0.7^t·λ_max`
///   (`λ_max = σ₁` of the zero-filled observations, at which `Z = 0`), each fit warm-started
///   from the previous, largest first (Mazumder et al. 2010, §5); the path stops once three
///   `λ` in a row fail to improve the validation RMSE, and the best fit is returned;
/// - without one (and at least 20 entries): chosen by the same path on a seeded internal 10%
///   of the entries; then ALS reruns the path on all entries down to the chosen `λ`, and
///   soft-impute fits all entries at the chosen `λ` starting from the internal fit;
/// - with fewer than 20 entries: ALS `0.01·s`, soft-impute `0.01·λ_max`.
///
/// Fits are deterministic for a given seed (independent of the number of threads: the
/// parallel loops write disjoint rows and reduce in a fixed order).
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
    lambda: Option<R>,
    scaling: LambdaScaling,
    biases: bool,
    max_iter: usize,
    tol: R,
    seed: u64,
    solver: SvdSolver,
    init: AlsInit,
    validation: Option<Observations<R>>,
}

/// Column groups of the observations: group `g` holds `other[ptr[g]..ptr[g+1]]` with values
/// `vals[..]` (rows of a column, or columns of a row).
struct Groups<R> {
    ptr: Vec<usize>,
    other: Vec<usize>,
    vals: Vec<R>,
}

/// The training data in both orders, and the bias terms.
struct Prepared<R> {
    m: usize,
    n: usize,
    rows: Groups<R>,
    cols: Groups<R>,
    /// `col_pos[p]` = index (in row order) of the `p`-th entry in column order.
    col_pos: Vec<usize>,
    mu: R,
    row_bias: Vec<R>,
    col_bias: Vec<R>,
}

impl<R: RealScalar> Prepared<R> {
    fn new(obs: &Observations<R>, biases: bool) -> Self {
        let (m, n) = obs.dim();
        let rows = Groups {
            ptr: obs.row_ptr.clone(),
            other: obs.entries.iter().map(|e| e.1).collect(),
            vals: obs.entries.iter().map(|e| e.2).collect(),
        };
        let cols = Groups {
            ptr: obs.col_ptr.clone(),
            other: obs.col_order.iter().map(|&e| obs.entries[e].0).collect(),
            vals: obs.col_order.iter().map(|&e| obs.entries[e].2).collect(),
        };
        let zero = R::from_f64(0.0);
        let mut p = Prepared {
            m,
            n,
            rows,
            cols,
            col_pos: obs.col_order.clone(),
            mu: zero,
            row_bias: vec![zero; m],
            col_bias: vec![zero; n],
        };
        if biases {
            p.fit_biases();
        }
        p
    }

    /// Global mean, then ten sweeps of damped alternating means
    /// `bᵢ = Σⱼ (xᵢⱼ − μ − cⱼ) / (nᵢ + 5)`, `cⱼ = Σᵢ (xᵢⱼ − μ − bᵢ) / (nⱼ + 5)`.
    fn fit_biases(&mut self) {
        let nnz = self.rows.vals.len();
        self.mu =
            self.rows.vals.iter().fold(R::from_f64(0.0), |a, &x| a + x) / R::from_f64(nnz as f64);
        let damp = R::from_f64(BIAS_DAMPING);
        for _ in 0..10 {
            for (g, b) in self.row_bias.iter_mut().enumerate() {
                let (lo, hi) = (self.rows.ptr[g], self.rows.ptr[g + 1]);
                let mut s = R::from_f64(0.0);
                for p in lo..hi {
                    s += self.rows.vals[p] - self.mu - self.col_bias[self.rows.other[p]];
                }
                *b = s / (R::from_f64((hi - lo) as f64) + damp);
            }
            for (g, c) in self.col_bias.iter_mut().enumerate() {
                let (lo, hi) = (self.cols.ptr[g], self.cols.ptr[g + 1]);
                let mut s = R::from_f64(0.0);
                for p in lo..hi {
                    s += self.cols.vals[p] - self.mu - self.row_bias[self.cols.other[p]];
                }
                *c = s / (R::from_f64((hi - lo) as f64) + damp);
            }
        }
    }

    fn nnz(&self) -> usize {
        self.rows.vals.len()
    }

    /// Values minus the biases, in row order.
    #[allow(clippy::needless_range_loop)]
    fn centered(&self) -> Vec<R> {
        (0..self.m)
            .flat_map(|i| {
                (self.rows.ptr[i]..self.rows.ptr[i + 1]).map(move |p| {
                    self.rows.vals[p]
                        - self.mu
                        - self.row_bias[i]
                        - self.col_bias[self.rows.other[p]]
                })
            })
            .collect()
    }

    /// `S·W` for the sparse matrix with values `s` (row order) on the pattern: parallel over rows.
    #[allow(clippy::needless_range_loop)]
    fn sparse_mul(&self, s: &[R], w: &Array2<R>) -> Array2<R> {
        let q = w.ncols();
        let w = w.as_standard_layout();
        let ws = w.as_slice().expect("standard layout");
        let mut out = Array2::<R>::zeros((self.m, q));
        if q == 0 {
            return out;
        }
        out.as_slice_mut()
            .expect("standard layout")
            .par_chunks_mut(q)
            .enumerate()
            .for_each(|(i, o)| {
                for p in self.rows.ptr[i]..self.rows.ptr[i + 1] {
                    let j = self.rows.other[p];
                    let sv = s[p];
                    for (a, &b) in o.iter_mut().zip(&ws[j * q..(j + 1) * q]) {
                        *a += sv * b;
                    }
                }
            });
        out
    }

    /// `Sᵀ·W` (parallel over columns).
    fn sparse_mul_t(&self, s: &[R], w: &Array2<R>) -> Array2<R> {
        let q = w.ncols();
        let w = w.as_standard_layout();
        let ws = w.as_slice().expect("standard layout");
        let mut out = Array2::<R>::zeros((self.n, q));
        if q == 0 {
            return out;
        }
        out.as_slice_mut()
            .expect("standard layout")
            .par_chunks_mut(q)
            .enumerate()
            .for_each(|(j, o)| {
                for p in self.cols.ptr[j]..self.cols.ptr[j + 1] {
                    let i = self.cols.other[p];
                    let sv = s[self.col_pos[p]];
                    for (a, &b) in o.iter_mut().zip(&ws[i * q..(i + 1) * q]) {
                        *a += sv * b;
                    }
                }
            });
        out
    }

    /// `lᵢ·rⱼ` at every observed entry (row order), parallel over rows.
    fn low_rank_at_entries(&self, l: &Array2<R>, r: &Array2<R>) -> Vec<R> {
        let mut out = vec![R::from_f64(0.0); self.nnz()];
        if l.ncols() == 0 {
            return out;
        }
        let mut chunks: Vec<(usize, &mut [R])> = Vec::with_capacity(self.m);
        let mut rest = out.as_mut_slice();
        for i in 0..self.m {
            let len = self.rows.ptr[i + 1] - self.rows.ptr[i];
            let (a, b) = rest.split_at_mut(len);
            chunks.push((i, a));
            rest = b;
        }
        chunks.into_par_iter().for_each(|(i, o)| {
            let li = l.row(i);
            for (t, p) in o.iter_mut().zip(self.rows.ptr[i]..self.rows.ptr[i + 1]) {
                *t = li.dot(&r.row(self.rows.other[p]));
            }
        });
        out
    }
}

/// Low-rank factors `(L, R)` of `L·Rᵀ`.
type Factors<R> = (Array2<R>, Array2<R>);

/// Damping (a pseudo-count) of the alternating means that fit the biases.
const BIAS_DAMPING: f64 = 5.0;

/// Everything a fit produces.
struct FitState<R> {
    left: Array2<R>,
    right: Array2<R>,
    row_bias: Vec<R>,
    col_bias: Vec<R>,
    history: Vec<IterationStats<R>>,
    stop: StopReason,
    /// Soft-impute's warm start: the previous right subspace (`n×q`).
    subspace: Option<Array2<R>>,
}

impl<R: RealScalar> Completion<R> {
    /// Alternating least squares with rank `r`. Each half-step solves, for every row `i`
    /// (in parallel over rows, with rayon),
    /// `(V_Ωᵢᵀ·V_Ωᵢ + λᵢI)·uᵢ = V_Ωᵢᵀ·(x_Ωᵢ − μ − c_Ωᵢ)` (an `r×r` SPD system, or
    /// `(r+1)×(r+1)` with the bias `bᵢ` appended to `uᵢ` and a 1 to `vⱼ`), by a Cholesky
    /// factorisation written in Rust, so that no BLAS call (and no BLAS thread pool) is
    /// nested inside the parallel loop; with `λ = 0` and a singular system, the minimum-norm
    /// [`lstsq`] solution. Then the same for the columns. A row or column without
    /// observations gets the zero factor and zero bias, the minimiser for `λ > 0`: its
    /// predictions come from the biases only (`μ + cⱼ`, or 0 without biases): the cold-start
    /// policy. Each half-step is an exact minimiser, so the objective never increases. Cost
    /// per iteration `O(|Ω|·r² + (m + n)·r³)`, memory `O(|Ω| + (m + n)·r)`.
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
            lambda: None,
            scaling: LambdaScaling::Weighted,
            biases: false,
            max_iter: 500,
            tol: R::from_f64(1e-6),
            seed: 0,
            solver: SvdSolver::Auto,
            init: AlsInit::Auto,
            validation: None,
        }
    }

    /// Soft-impute with rank at most `r`: `Z ← S_λ(P_Ω(X) + P_Ω⊥(Z))`, where `S_λ` keeps the
    /// leading `r` singular triplets and shrinks their values to `max(σᵢ − λ, 0)`
    /// (Mazumder, Hastie & Tibshirani 2010, Algorithm 1, with a rank cap), accelerated: each
    /// step is taken from the extrapolation `Y = Z_k + β_k(Z_k − Z_{k−1})` of the last two
    /// iterates (Nesterov's momentum as in the accelerated proximal gradient of Toh & Yun
    /// 2010), and a step that would raise the objective is retaken from `Z_k` with the
    /// momentum reset, so the objective never increases (with the exact SVD; tested). On the
    /// 1M-rating example this cut the iterations at a fixed `λ` from 307 to 78. With the
    /// (default, for `4·(r + 10) < min(m, n)`) [`SvdSolver::Randomized`] the iterate is the
    /// sparse matrix `P_Ω(X − Y)` plus the factors of `Y` (rank ≤ 2r), never formed densely:
    /// cost per iteration `O(|Ω|·r + (m + n)·r²)`. Rows (columns) without observations get
    /// zero factors at the end (cold-start policy: biases only).
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
            ..Self::als(rank)
        }
    }

    /// Regularisation `λ ≥ 0` (see [`CompletionMethod`] for where it enters). Setting it
    /// turns off the choice of `λ` on the validation set.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?;
    /// assert!(Completion::als(1).lambda(-1.0).fit(&obs).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn lambda(mut self, lambda: R) -> Self {
        self.lambda = Some(lambda);
        self
    }

    /// How the ALS penalty scales per row/column ([`LambdaScaling::Weighted`] by default;
    /// ignored by soft-impute).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, LambdaScaling, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0), (0, 1, 1.0)])?;
    /// let m = Completion::als(1).lambda_scaling(LambdaScaling::Uniform).lambda(0.01).fit(&obs)?;
    /// assert!(m.train_rmse() < 0.1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn lambda_scaling(mut self, scaling: LambdaScaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// Fits a global mean `μ` and row/column offsets `bᵢ`, `cⱼ` besides the low-rank part:
    /// `x̂ᵢⱼ = μ + bᵢ + cⱼ + lᵢ·rⱼ`. ALS updates `bᵢ` with `uᵢ` (and `cⱼ` with `vⱼ`), penalised
    /// like them; soft-impute fits them first (μ the mean, then ten sweeps of damped
    /// alternating means `bᵢ = Σⱼ(xᵢⱼ − μ − cⱼ)/(nᵢ + 5)`) and completes the residual. Off
    /// by default. A row with no observation is predicted as `μ + cⱼ`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 4.0f64), (0, 1, 5.0)])?;
    /// let m = Completion::als(1).biases(true).fit(&obs)?;
    /// assert!((m.global_mean() - 4.5).abs() < 1e-12);
    /// assert!((m.predict(1, 0)? - (4.5 + m.col_biases()[0])).abs() < 1e-12); // cold row
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn biases(mut self, on: bool) -> Self {
        self.biases = on;
        self
    }

    /// Maximum number of iterations (≥ 1; per `λ` on a validation path).
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

    /// Convergence tolerance on [`IterationStats::relative_change`], the relative decrease
    /// of the objective (≥ 0; 0 runs `max_iter`). ALS stops at the first iteration whose
    /// change is `≤ tol`; accelerated soft-impute at the second in a row (with momentum one
    /// short step is not yet a sign of convergence).
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

    /// A held-out set of the same shape. Its RMSE is reported at every iteration; when `λ` is
    /// not set, `λ` is chosen on it (see [`Completion`]: a path with warm starts, the best
    /// fit returned, the trials in [`CompletionModel::lambda_path`]). It is never fitted.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let train = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0)])?;
    /// let val = Observations::from_triplets(2, 2, &[(0, 1, 0.0f64)])?;
    /// let m = Completion::als(1).validation(val).fit(&train)?;
    /// assert!(m.validation_rmse().is_some());
    /// assert!(!m.lambda_path().is_empty());
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
        if let Some(l) = self.lambda {
            if l.is_nan() || l < zero || !l.is_finite() {
                return Err(invalid(format!("lambda must be finite and ≥ 0, got {l}")));
            }
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
        let prep = Prepared::new(obs, self.biases);
        let centered = prep.centered();
        let scale = {
            let s = centered.iter().fold(zero, |a, &x| a + x * x);
            (s / R::from_f64(centered.len() as f64))
                .sqrt()
                .max(R::from_f64(1e-30))
        };
        let internal = self.lambda.is_none() && self.validation.is_none() && obs.len() >= 20;
        let mut chosen: Option<(R, Vec<LambdaTrial<R>>)> = None;
        let mut sub_fit = None;
        if internal {
            // Default λ: chosen on a seeded 10% of the entries held out internally. ALS then
            // reruns the path on all entries down to that λ; soft-impute (whose path is long)
            // starts from the internal fit at that λ.
            let (tr, va) = obs.split(0.1, self.seed ^ 0x5eed_1a3b_d0e5_f00d)?;
            let sub = self.clone().validation(va).fit(&tr)?;
            chosen = Some((sub.lambda, sub.path.clone()));
            sub_fit = Some(sub);
        }
        let start = match (self.method, sub_fit) {
            (CompletionMethod::Als, _) => self.als_start(&prep, &centered)?,
            (CompletionMethod::SoftImpute, Some(sub)) => FitState {
                left: sub.left,
                right: sub.right,
                row_bias: prep.row_bias.clone(),
                col_bias: prep.col_bias.clone(),
                history: vec![],
                stop: StopReason::MaxIter,
                subspace: None,
            },
            (CompletionMethod::SoftImpute, None) => FitState {
                left: Array2::zeros((m, 0)),
                right: Array2::zeros((n, 0)),
                row_bias: prep.row_bias.clone(),
                col_bias: prep.col_bias.clone(),
                history: vec![],
                stop: StopReason::MaxIter,
                subspace: None,
            },
        };
        let run = |st: FitState<R>, l: R, pr: &mut dyn FnMut(&IterationStats<R>)| match self.method
        {
            CompletionMethod::Als => self.run_als(&prep, st, l, pr),
            CompletionMethod::SoftImpute => self.run_soft_impute(&prep, st, l, pr),
        };
        let grid = |prep: &Prepared<R>| -> Result<Vec<R>> {
            Ok(match self.method {
                CompletionMethod::Als => (0..16)
                    .map(|t| scale * R::from_f64(0.5f64.powi(t)))
                    .collect(),
                CompletionMethod::SoftImpute => {
                    let (_, s, _) = self.op_svd(prep, &centered, None, 1, None, 3, 0)?;
                    (1..=25)
                        .map(|t| s[0] * R::from_f64(0.7f64.powi(t)))
                        .collect()
                }
            })
        };
        let (fit, lambda, path) = match (self.lambda, &self.validation, chosen) {
            (Some(l), _, _) => (run(start, l, &mut progress)?, l, vec![]),
            (None, Some(val), _) => self.path(val, grid(&prep)?, start, &mut progress, run)?,
            (None, None, Some((best, trials))) if self.method == CompletionMethod::SoftImpute => {
                (run(start, best, &mut progress)?, best, trials)
            }
            (None, None, Some((best, trials))) => {
                let mut st = start;
                for &l in trials.iter().map(|t| &t.lambda).filter(|&&l| l >= best) {
                    st.history = Vec::new();
                    st = run(st, l, &mut progress)?;
                }
                (st, best, trials)
            }
            (None, None, None) => {
                // Fewer than 20 entries: a fixed default.
                let l = match self.method {
                    CompletionMethod::Als => R::from_f64(0.01) * scale,
                    CompletionMethod::SoftImpute => R::from_f64(0.01) * grid(&prep)?[0],
                };
                (run(start, l, &mut progress)?, l, vec![])
            }
        };
        let mut fit = fit;
        // Cold-start policy: rows/columns without training observations get zero factors
        // and zero offsets, so they are predicted by μ and the other side's offset only.
        for i in 0..m {
            if prep.rows.ptr[i] == prep.rows.ptr[i + 1] {
                fit.left.row_mut(i).fill(zero);
                fit.row_bias[i] = zero;
            }
        }
        for j in 0..n {
            if prep.cols.ptr[j] == prep.cols.ptr[j + 1] {
                fit.right.row_mut(j).fill(zero);
                fit.col_bias[j] = zero;
            }
        }
        let observed_cols = (0..m)
            .map(|i| prep.rows.other[prep.rows.ptr[i]..prep.rows.ptr[i + 1]].to_vec())
            .collect();
        Ok(CompletionModel {
            method: self.method,
            left: fit.left,
            right: fit.right,
            mu: prep.mu,
            row_bias: Array1::from(fit.row_bias),
            col_bias: Array1::from(fit.col_bias),
            history: fit.history,
            stop: fit.stop,
            observed_cols,
            lambda,
            path,
        })
    }

    /// Runs `run` along `grid` (largest λ first), each fit warm-started from the previous;
    /// returns the fit with the smallest validation RMSE. Stops after three λ in a row
    /// without improvement.
    #[allow(clippy::type_complexity)]
    fn path(
        &self,
        val: &Observations<R>,
        grid: Vec<R>,
        start: FitState<R>,
        progress: &mut dyn FnMut(&IterationStats<R>),
        mut run: impl FnMut(FitState<R>, R, &mut dyn FnMut(&IterationStats<R>)) -> Result<FitState<R>>,
    ) -> Result<(FitState<R>, R, Vec<LambdaTrial<R>>)> {
        let mut best: Option<(FitState<R>, R, R)> = None;
        let mut trials = Vec::new();
        let mut state = start;
        let mut worse = 0;
        for &l in &grid {
            let fit = run(state, l, progress)?;
            let v = fit
                .history
                .last()
                .and_then(|s| s.validation_rmse)
                .unwrap_or_else(|| val.rmse_of(|_, _| R::from_f64(0.0)));
            trials.push(LambdaTrial {
                lambda: l,
                validation_rmse: v,
                iterations: fit.history.len(),
                stop: fit.stop,
            });
            let improved = best.as_ref().is_none_or(|b| v < b.2);
            if improved {
                worse = 0;
                best = Some((fit.clone_state(), l, v));
            } else {
                worse += 1;
            }
            state = fit;
            state.history = Vec::new();
            if worse >= 3 {
                break;
            }
        }
        let (fit, l, _) = best.expect("the grid is not empty");
        Ok((fit, l, trials))
    }

    #[allow(clippy::too_many_arguments)]
    fn stats(
        &self,
        prep: &Prepared<R>,
        fit: (&Array2<R>, &Array2<R>, &[R], &[R]),
        sse: R,
        iteration: usize,
        objective: R,
        relative_change: R,
        lambda: R,
    ) -> IterationStats<R> {
        let (l, r, b, c) = fit;
        let mu = prep.mu;
        IterationStats {
            iteration,
            train_rmse: (sse / R::from_f64(prep.nnz() as f64)).sqrt(),
            validation_rmse: self
                .validation
                .as_ref()
                .map(|v| v.rmse_of(|i, j| mu + b[i] + c[j] + l.row(i).dot(&r.row(j)))),
            objective,
            relative_change,
            lambda,
        }
    }

    /// Initial ALS state: biases from `prep`, `V` spectral or random, `U = 0`.
    fn als_start(&self, prep: &Prepared<R>, centered: &[R]) -> Result<FitState<R>> {
        let (m, n, k) = (prep.m, prep.n, self.rank);
        let spectral = !matches!(self.init, AlsInit::Random);
        let v = if spectral {
            let p = R::from_f64((m as f64) * (n as f64) / prep.nnz() as f64);
            let scaled: Vec<R> = centered.iter().map(|&x| x * p).collect();
            let (_, s, v) = if 4 * (k + 10) >= m.min(n) {
                dense_svd(prep, &scaled, None, k)?
            } else {
                self.op_svd(prep, &scaled, None, k, None, 3, self.seed)?
            };
            let mut v = v;
            for (c, &sv) in s.iter().enumerate() {
                v.column_mut(c).mapv_inplace(|x| x * sv.sqrt());
            }
            v
        } else {
            let s = centered.iter().fold(R::from_f64(0.0), |a, &x| a + x * x);
            let rms = (s / R::from_f64(centered.len() as f64)).sqrt();
            let scale = (rms / R::from_f64(k as f64).sqrt())
                .sqrt()
                .max(R::from_f64(1e-3));
            random::gaussian::<R>(n, k, &mut random::rng(self.seed)).mapv(|x| x * scale)
        };
        Ok(FitState {
            left: Array2::zeros((m, k)),
            right: v.as_standard_layout().to_owned(),
            row_bias: prep.row_bias.clone(),
            col_bias: prep.col_bias.clone(),
            history: vec![],
            stop: StopReason::MaxIter,
            subspace: None,
        })
    }

    #[allow(clippy::needless_range_loop)]
    fn run_als(
        &self,
        prep: &Prepared<R>,
        mut st: FitState<R>,
        lambda: R,
        progress: &mut dyn FnMut(&IterationStats<R>),
    ) -> Result<FitState<R>> {
        let zero = R::from_f64(0.0);
        let weighted = self.scaling == LambdaScaling::Weighted;
        let mut prev = R::infinity();
        st.stop = StopReason::MaxIter;
        let reg = |ptr: &[usize], g: usize| {
            if weighted {
                lambda * R::from_f64((ptr[g + 1] - ptr[g]) as f64)
            } else {
                lambda
            }
        };
        for it in 1..=self.max_iter {
            half_step(
                &prep.rows,
                &st.right,
                &st.col_bias,
                prep.mu,
                &|g| reg(&prep.rows.ptr, g),
                self.biases,
                &mut st.left,
                &mut st.row_bias,
            )?;
            half_step(
                &prep.cols,
                &st.left,
                &st.row_bias,
                prep.mu,
                &|g| reg(&prep.cols.ptr, g),
                self.biases,
                &mut st.right,
                &mut st.col_bias,
            )?;
            let z = prep.low_rank_at_entries(&st.left, &st.right);
            let mut sse = zero;
            for i in 0..prep.m {
                for p in prep.rows.ptr[i]..prep.rows.ptr[i + 1] {
                    let j = prep.rows.other[p];
                    let d = prep.rows.vals[p] - prep.mu - st.row_bias[i] - st.col_bias[j] - z[p];
                    sse += d * d;
                }
            }
            let mut pen = zero;
            for i in 0..prep.m {
                let s =
                    st.left.row(i).fold(zero, |a, &x| a + x * x) + st.row_bias[i] * st.row_bias[i];
                pen += reg(&prep.rows.ptr, i) * s;
            }
            for j in 0..prep.n {
                let s =
                    st.right.row(j).fold(zero, |a, &x| a + x * x) + st.col_bias[j] * st.col_bias[j];
                pen += reg(&prep.cols.ptr, j) * s;
            }
            let obj = sse + pen;
            let change = relative_change(prev, obj);
            let s = self.stats(
                prep,
                (&st.left, &st.right, &st.row_bias, &st.col_bias),
                sse,
                it,
                obj,
                change,
                lambda,
            );
            progress(&s);
            st.history.push(s);
            prev = obj;
            if self.tol > zero && change <= self.tol {
                st.stop = StopReason::Converged;
                break;
            }
        }
        Ok(st)
    }

    /// Rank-`k` SVD of `S + L·Rᵀ` (`S` the sparse matrix with values `s` on the pattern) by
    /// subspace iteration with `q = k + 10` columns (capped by `min(m, n)`): start from
    /// `start` (`n×q`, else seeded Gaussian), `power` block power steps, then one
    /// Rayleigh–Ritz step. Returns `(U, σ, V)` and, in `subspace`, the `n×q` right basis for
    /// a warm start.
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    fn op_svd(
        &self,
        prep: &Prepared<R>,
        s: &[R],
        low: Option<(&Array2<R>, &Array2<R>)>,
        k: usize,
        start: Option<&Array2<R>>,
        power: usize,
        seed: u64,
    ) -> Result<(Array2<R>, Array1<R>, Array2<R>)> {
        Ok(op_svd_full(prep, s, low, k, start, power, seed)?.0)
    }

    fn run_soft_impute(
        &self,
        prep: &Prepared<R>,
        mut st: FitState<R>,
        lambda: R,
        progress: &mut dyn FnMut(&IterationStats<R>),
    ) -> Result<FitState<R>> {
        let (m, n) = (prep.m, prep.n);
        check_dims(m, n)?;
        let k = self.rank;
        let zero = R::from_f64(0.0);
        let exact = match self.solver {
            SvdSolver::Exact => true,
            SvdSolver::Randomized => false,
            SvdSolver::Auto => 4 * (k + 10) >= m.min(n),
        };
        let centered = prep.centered();
        let mut prev = R::infinity();
        st.stop = StopReason::MaxIter;
        // Accelerated proximal gradient (Toh & Yun 2010; Yao & Kwok 2015): the soft-impute
        // step is taken from the extrapolation `Y = Z_k + β_k(Z_k − Z_{k−1})`, with
        // β_k = (t_k − 1)/t_{k+1}, t_{k+1} = (1 + √(1 + 4t_k²))/2. A step that would raise the
        // objective is discarded and retaken from `Z_k` itself (β = 0, t reset to 1), so the
        // accepted objectives never increase.
        let one = R::from_f64(1.0);
        let mut t = one;
        let mut z = prep.low_rank_at_entries(&st.left, &st.right);
        let mut older: Option<(Array2<R>, Array2<R>, Vec<R>)> = None; // Z_{k−1}: L, R, values on Ω
        let mut it = 0;
        let mut small = false;
        while it < self.max_iter {
            let t_next = (one + (one + R::from_f64(4.0) * t * t).sqrt()) / R::from_f64(2.0);
            let beta = match &older {
                Some(_) => (t - one) / t_next,
                None => zero,
            };
            // Sparse part of the iterate, P_Ω(X − base − Y), and the factors of Y.
            let (s, low_owned): (Vec<R>, Option<Factors<R>>) = match &older {
                Some((lo, ro, zo)) if beta > zero => {
                    let s = centered
                        .iter()
                        .zip(&z)
                        .zip(zo)
                        .map(|((&x, &a), &b)| x - (one + beta) * a + beta * b)
                        .collect();
                    let l = ndarray::concatenate(
                        ndarray::Axis(1),
                        &[
                            st.left.mapv(|x| x * (one + beta)).view(),
                            lo.mapv(|x| -x * beta).view(),
                        ],
                    )
                    .expect("same number of rows");
                    let r = ndarray::concatenate(ndarray::Axis(1), &[st.right.view(), ro.view()])
                        .expect("same number of rows");
                    (s, Some((l, r)))
                }
                _ => (
                    centered.iter().zip(&z).map(|(&x, &zz)| x - zz).collect(),
                    None,
                ),
            };
            let low = match &low_owned {
                Some((l, r)) => Some((l, r)),
                None => (st.left.ncols() > 0).then_some((&st.left, &st.right)),
            };
            let basis_before = if beta > zero {
                st.subspace.clone()
            } else {
                None
            };
            let (uu, sv, vv) = if exact {
                dense_svd(prep, &s, low, k)?
            } else {
                let power = if st.subspace.is_some() { 0 } else { 2 };
                let (usv, basis) = op_svd_full(
                    prep,
                    &s,
                    low,
                    k,
                    st.subspace.as_ref(),
                    power,
                    self.seed.wrapping_add(it as u64 + 1),
                )?;
                st.subspace = Some(basis);
                usv
            };
            let shrunk: Vec<R> = sv.iter().map(|&x| (x - lambda).max(zero)).collect();
            let keep = shrunk.iter().filter(|&&x| x > zero).count();
            let mut l = uu.slice(ndarray::s![.., ..keep]).to_owned();
            for (c, &x) in shrunk.iter().take(keep).enumerate() {
                l.column_mut(c).mapv_inplace(|y| y * x);
            }
            let l = l.as_standard_layout().to_owned();
            let r = vv
                .slice(ndarray::s![.., ..keep])
                .as_standard_layout()
                .to_owned();
            let z_new = prep.low_rank_at_entries(&l, &r);
            let sse = centered
                .iter()
                .zip(&z_new)
                .fold(zero, |a, (&x, &zz)| a + (x - zz) * (x - zz));
            let nuc = shrunk.iter().fold(zero, |a, &x| a + x);
            let obj = R::from_f64(0.5) * sse + lambda * nuc;
            if beta > zero && obj > prev {
                // Restart: retake the step from Z_k without extrapolation (and from the
                // subspace that step started from).
                t = one;
                older = None;
                if basis_before.is_some() {
                    st.subspace = basis_before;
                }
                continue;
            }
            it += 1;
            let old_l = std::mem::replace(&mut st.left, l);
            let old_r = std::mem::replace(&mut st.right, r);
            let old_z = std::mem::replace(&mut z, z_new);
            older = Some((old_l, old_r, old_z));
            t = t_next;
            let change = relative_change(prev, obj);
            let s = self.stats(
                prep,
                (&st.left, &st.right, &st.row_bias, &st.col_bias),
                sse,
                it,
                obj,
                change,
                lambda,
            );
            progress(&s);
            st.history.push(s);
            prev = obj;
            // Two small changes in a row: with extrapolation, one short step is not yet a
            // sign of convergence.
            if self.tol > zero && change <= self.tol && small {
                st.stop = StopReason::Converged;
                break;
            }
            small = change <= self.tol;
        }
        Ok(st)
    }
}

impl<R: RealScalar> FitState<R> {
    fn clone_state(&self) -> Self {
        FitState {
            left: self.left.clone(),
            right: self.right.clone(),
            row_bias: self.row_bias.clone(),
            col_bias: self.col_bias.clone(),
            history: self.history.clone(),
            stop: self.stop,
            subspace: self.subspace.clone(),
        }
    }
}

/// `|f_{k−1} − f_k| / f_{k−1}`, infinite at the first iteration, 0 when both are 0.
fn relative_change<R: RealScalar>(prev: R, obj: R) -> R {
    let zero = R::from_f64(0.0);
    if !prev.is_finite() {
        R::infinity()
    } else if prev > zero {
        (prev - obj).abs() / prev
    } else {
        zero
    }
}

/// Leading `k` singular triplets of the dense `S + L·Rᵀ` (small matrices).
#[allow(clippy::type_complexity, clippy::needless_range_loop)]
fn dense_svd<R: RealScalar>(
    prep: &Prepared<R>,
    s: &[R],
    low: Option<(&Array2<R>, &Array2<R>)>,
    k: usize,
) -> Result<(Array2<R>, Array1<R>, Array2<R>)> {
    check_dims(prep.m, prep.n)?;
    let mut y = match low {
        Some((l, r)) => l.dot(&r.t()),
        None => Array2::zeros((prep.m, prep.n)),
    };
    for i in 0..prep.m {
        for p in prep.rows.ptr[i]..prep.rows.ptr[i + 1] {
            y[(i, prep.rows.other[p])] += s[p];
        }
    }
    let svd = Svd::from_owned(y)?;
    Ok((
        svd.u().slice(ndarray::s![.., ..k]).to_owned(),
        svd.s().slice(ndarray::s![..k]).to_owned(),
        svd.vt().slice(ndarray::s![..k, ..]).t().to_owned(),
    ))
}

/// `(S + L·Rᵀ)·W`.
fn apply<R: RealScalar>(
    prep: &Prepared<R>,
    s: &[R],
    low: Option<(&Array2<R>, &Array2<R>)>,
    w: &Array2<R>,
) -> Array2<R> {
    let mut y = prep.sparse_mul(s, w);
    if let Some((l, r)) = low {
        y += &l.dot(&r.t().dot(w));
    }
    y
}

/// `(S + L·Rᵀ)ᵀ·W`.
fn apply_t<R: RealScalar>(
    prep: &Prepared<R>,
    s: &[R],
    low: Option<(&Array2<R>, &Array2<R>)>,
    w: &Array2<R>,
) -> Array2<R> {
    let mut y = prep.sparse_mul_t(s, w);
    if let Some((l, r)) = low {
        y += &r.dot(&l.t().dot(w));
    }
    y
}

fn orth<R: RealScalar>(a: &Array2<R>) -> Result<Array2<R>> {
    Ok(Qr::new(a)?.q())
}

#[allow(clippy::type_complexity)]
fn op_svd_full<R: RealScalar>(
    prep: &Prepared<R>,
    s: &[R],
    low: Option<(&Array2<R>, &Array2<R>)>,
    k: usize,
    start: Option<&Array2<R>>,
    power: usize,
    seed: u64,
) -> Result<((Array2<R>, Array1<R>, Array2<R>), Array2<R>)> {
    let q = (k + 10).min(prep.m.min(prep.n));
    let mut w = match start {
        Some(b) if b.ncols() == q => b.clone(),
        _ => random::gaussian::<R>(prep.n, q, &mut random::rng(seed)),
    };
    for _ in 0..power {
        let y = orth(&apply(prep, s, low, &w))?;
        w = orth(&apply_t(prep, s, low, &y))?;
    }
    let qm = orth(&apply(prep, s, low, &w))?;
    let bt = apply_t(prep, s, low, &qm); // n×q = Yᵀ·Q
    let svd = Svd::new(&bt)?; // Bᵀ = Ũ·Σ·W̃ᵀ, so Y ≈ Q·W̃·Σ·Ũᵀ
    let u = qm.dot(&svd.vt().t().slice(ndarray::s![.., ..k]));
    let sv = svd.s().slice(ndarray::s![..k]).to_owned();
    let v = svd.u().slice(ndarray::s![.., ..k]).to_owned();
    let basis = svd.u().to_owned();
    Ok(((u, sv, v), basis))
}

/// One ALS half-step: for every group `g` (row or column), solves
/// `(Σ aaᵀ + λ_g I)·[u; b] = Σ a·(x − μ − c_o)` with `a = [v_o; 1]` (the 1 only with biases),
/// in parallel over groups; `Cholesky` in Rust, and the minimum-norm least-squares solution
/// of the stacked system `[F; √λ_g I]` (LAPACK, serially, after the parallel loop) when that
/// fails. Empty groups get zero.
#[allow(clippy::too_many_arguments)]
fn half_step<R: RealScalar>(
    g: &Groups<R>,
    other: &Array2<R>,
    other_bias: &[R],
    mu: R,
    reg: &(dyn Fn(usize) -> R + Sync),
    bias: bool,
    out: &mut Array2<R>,
    out_bias: &mut [R],
) -> Result<()> {
    let k = other.ncols();
    let kk = k + usize::from(bias);
    let zero = R::from_f64(0.0);
    let one = R::from_f64(1.0);
    let other_s = other.as_standard_layout();
    let os = other_s.as_slice().expect("standard layout");
    if out.as_slice().is_none() {
        *out = out.as_standard_layout().to_owned();
    }
    let failed: Vec<usize> = out
        .as_slice_mut()
        .expect("standard layout")
        .par_chunks_mut(k.max(1))
        .zip(out_bias.par_iter_mut())
        .enumerate()
        .map_init(
            || (vec![zero; kk * kk], vec![zero; kk], vec![zero; kk]),
            |(gram, rhs, a), (grp, (urow, b))| {
                let (lo, hi) = (g.ptr[grp], g.ptr[grp + 1]);
                if lo == hi || k == 0 {
                    urow.iter_mut().for_each(|x| *x = zero);
                    *b = zero;
                    return None;
                }
                gram.iter_mut().for_each(|x| *x = zero);
                rhs.iter_mut().for_each(|x| *x = zero);
                for p in lo..hi {
                    let o = g.other[p];
                    a[..k].copy_from_slice(&os[o * k..(o + 1) * k]);
                    if bias {
                        a[k] = one;
                    }
                    let t = g.vals[p] - mu - other_bias[o];
                    for r in 0..kk {
                        let ar = a[r];
                        rhs[r] += ar * t;
                        for c in 0..=r {
                            gram[r * kk + c] += ar * a[c];
                        }
                    }
                }
                let l = reg(grp);
                for d in 0..kk {
                    gram[d * kk + d] += l;
                }
                if !cholesky_solve(gram, rhs, kk) {
                    return Some(grp);
                }
                urow.copy_from_slice(&rhs[..k]);
                *b = if bias { rhs[k] } else { zero };
                None
            },
        )
        .flatten()
        .collect();
    for grp in failed {
        let (lo, hi) = (g.ptr[grp], g.ptr[grp + 1]);
        let l = reg(grp);
        let extra = if l > zero { kk } else { 0 };
        let mut f = Array2::<R>::zeros((hi - lo + extra, kk));
        let mut y = Array2::<R>::zeros((hi - lo + extra, 1));
        for (r, p) in (lo..hi).enumerate() {
            let o = g.other[p];
            for c in 0..k {
                f[(r, c)] = os[o * k + c];
            }
            if bias {
                f[(r, k)] = one;
            }
            y[(r, 0)] = g.vals[p] - mu - other_bias[o];
        }
        for d in 0..extra {
            f[(hi - lo + d, d)] = l.sqrt();
        }
        let sol = lstsq(&f, &y)?.solution;
        for c in 0..k {
            out[(grp, c)] = sol[(c, 0)];
        }
        out_bias[grp] = if bias { sol[(k, 0)] } else { zero };
    }
    Ok(())
}

/// Solves `G·x = b` in place (`b ← x`) for the SPD `n×n` `G` whose lower triangle is stored
/// row-major; `false` when a pivot is not positive (relative to the diagonal) or not finite.
fn cholesky_solve<R: RealScalar>(g: &mut [R], b: &mut [R], n: usize) -> bool {
    let zero = R::from_f64(0.0);
    let dmax = (0..n).fold(zero, |a, d| a.max(g[d * n + d].abs()));
    let tiny = dmax * R::epsilon() * R::from_f64(n as f64);
    for j in 0..n {
        let mut d = g[j * n + j];
        for p in 0..j {
            d -= g[j * n + p] * g[j * n + p];
        }
        if d.is_nan() || d <= tiny || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        g[j * n + j] = d;
        for i in j + 1..n {
            let mut s = g[i * n + j];
            for p in 0..j {
                s -= g[i * n + p] * g[j * n + p];
            }
            g[i * n + j] = s / d;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for p in 0..i {
            s -= g[i * n + p] * b[p];
        }
        b[i] = s / g[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for p in i + 1..n {
            s -= g[p * n + i] * b[p];
        }
        b[i] = s / g[i * n + i];
    }
    true
}
/// A fitted completion model `X̂ = μ + b·1ᵀ + 1·cᵀ + L·Rᵀ` (`L` `m×k`, `R` `n×k`; `μ`, `b`, `c`
/// zero unless [`Completion::biases`] was on).
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
    mu: R,
    row_bias: Array1<R>,
    col_bias: Array1<R>,
    history: Vec<IterationStats<R>>,
    stop: StopReason,
    observed_cols: Vec<Vec<usize>>,
    lambda: R,
    path: Vec<LambdaTrial<R>>,
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

    /// Predicted entry `x̂ᵢⱼ = μ + bᵢ + cⱼ + lᵢ·rⱼ` (O(k)).
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
        Ok(self.score(row, col))
    }

    fn score(&self, row: usize, col: usize) -> R {
        self.mu
            + self.row_bias[row]
            + self.col_bias[col]
            + self.left.row(row).dot(&self.right.row(col))
    }

    /// The completed `m×n` matrix `μ + b·1ᵀ + 1·cᵀ + L·Rᵀ` (O(mnk); dense, for small matrices).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(2, 2, &[(0, 0, 1.0f64)])?)?;
    /// assert_eq!(m.completed()[(1, 1)], m.predict(1, 1)?); // exact: rank 1, one product
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn completed(&self) -> Array2<R> {
        let mut z = self.left.dot(&self.right.t());
        for ((i, j), x) in z.indexed_iter_mut() {
            *x += self.mu + self.row_bias[i] + self.col_bias[j];
        }
        z
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
        Ok(self.top_n_unchecked(row, n))
    }

    fn top_n_unchecked(&self, row: usize, n: usize) -> Vec<(usize, R)> {
        top_n_by(self.right.nrows(), &self.observed_cols[row], n, |j| {
            self.score(row, j)
        })
    }

    /// [`top_n`](CompletionModel::top_n) for many rows, in parallel over rows (rayon): the
    /// `n` best unobserved columns of each row of `rows`, in the order given. Cost
    /// `O(|rows|·n_cols·k)`.
    ///
    /// # Errors
    /// [`Error::IndexOutOfBounds`] for a row outside the matrix (checked before any work).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let obs = Observations::from_triplets(2, 3, &[(0, 0, 1.0f64), (1, 1, 1.0)])?;
    /// let m = Completion::als(1).fit(&obs)?;
    /// let all = m.top_n_batch(&[1, 0], 2)?;
    /// assert_eq!(all[1], m.top_n(0, 2)?);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn top_n_batch(&self, rows: &[usize], n: usize) -> Result<Vec<Vec<(usize, R)>>> {
        for &r in rows {
            self.check(r, 0)?;
        }
        Ok(rows
            .par_iter()
            .map(|&r| self.top_n_unchecked(r, n))
            .collect())
    }

    /// Ranking quality of the top-`n` lists on a held-out set (`test`, same shape).
    ///
    /// Relevance: a held-out entry is *relevant* when its value is `≥ threshold` (e.g. a
    /// rating ≥ 4). For every row with at least one relevant held-out entry, the model ranks
    /// all columns not observed in training ([`top_n`](CompletionModel::top_n)), and with
    /// `hits` the relevant columns among the first `n`:
    /// - precision@n = `hits / n`;
    /// - recall@n = `hits / |relevant|`;
    /// - NDCG@n = `DCG / IDCG`, binary gains, `DCG = Σ_{p ≤ n, item at p relevant} 1/log₂(p + 1)`
    ///   (`p` 1-based), `IDCG = Σ_{p=1}^{min(n, |relevant|)} 1/log₂(p + 1)`.
    ///
    /// Each is averaged over those rows (rows without a relevant held-out entry are skipped;
    /// [`RankingMetrics::rows`] says how many counted; all three are 0 when none did).
    ///
    /// With a few held-out ratings per row among thousands of unrated columns these figures
    /// are small for any ranking, the true matrix's included, and where what was rated
    /// depends on popularity they reward popular columns: compare them with baselines on the
    /// same split ([`ranking_metrics_by`]: an oracle, a random or popularity score, or only
    /// the held-out columns ranked).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for another shape; [`Error::InvalidArgument`] for `n = 0`.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let train = Observations::from_triplets(2, 3, &[(0, 0, 5.0f64), (1, 0, 5.0), (1, 1, 1.0)])?;
    /// let m = Completion::als(1).biases(true).fit(&train)?;
    /// let test = Observations::from_triplets(2, 3, &[(1, 2, 5.0f64)])?;
    /// let r = m.ranking_metrics(&test, 1, 4.0)?;
    /// // exact: one row counts, its only unobserved column is the relevant one.
    /// assert_eq!((r.rows, r.precision, r.recall, r.ndcg), (1, 1.0, 1.0, 1.0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ranking_metrics(
        &self,
        test: &Observations<R>,
        n: usize,
        threshold: R,
    ) -> Result<RankingMetrics> {
        self.check_shape(test, "CompletionModel::ranking_metrics: rows × columns")?;
        ranking_core(
            test,
            n,
            threshold,
            |i| &self.observed_cols[i],
            |i, j| self.score(i, j),
        )
    }

    fn check_shape(&self, obs: &Observations<R>, operation: &'static str) -> Result<()> {
        let (m, n) = (self.left.nrows(), self.right.nrows());
        if obs.dim() != (m, n) {
            return Err(Error::DimensionMismatch {
                operation,
                expected: m * n,
                found: obs.nrows * obs.ncols,
            });
        }
        Ok(())
    }

    /// Global mean `μ` (0 without biases).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).fit(&Observations::from_triplets(1, 2, &[(0, 0, 3.0f64)])?)?;
    /// assert_eq!(m.global_mean(), 0.0); // exact: biases are off
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn global_mean(&self) -> R {
        self.mu
    }

    /// Row offsets `b` (`m`; zeros without biases, and for rows without observations).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).biases(true).fit(&Observations::from_triplets(2, 2, &[(0, 0, 3.0f64)])?)?;
    /// assert_eq!(m.row_biases()[1], 0.0); // exact: cold-start row
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn row_biases(&self) -> ArrayView1<'_, R> {
        self.row_bias.view()
    }

    /// Column offsets `c` (`n`; zeros without biases, and for columns without observations).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).biases(true).fit(&Observations::from_triplets(2, 2, &[(0, 0, 3.0f64)])?)?;
    /// assert_eq!(m.col_biases()[1], 0.0); // exact: cold-start column
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn col_biases(&self) -> ArrayView1<'_, R> {
        self.col_bias.view()
    }

    /// The `λ` of the returned fit (set, default, or chosen on the validation set).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).lambda(0.25).fit(&Observations::from_triplets(1, 2, &[(0, 0, 3.0f64)])?)?;
    /// assert_eq!(m.lambda(), 0.25); // exact: the value set
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn lambda(&self) -> R {
        self.lambda
    }

    /// The `λ` tried on the validation path, largest first (empty when `λ` was not chosen on
    /// a validation set).
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations};
    /// let m = Completion::als(1).lambda(0.25).fit(&Observations::from_triplets(1, 2, &[(0, 0, 3.0f64)])?)?;
    /// assert!(m.lambda_path().is_empty());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn lambda_path(&self) -> &[LambdaTrial<R>] {
        &self.path
    }

    /// Why the (returned) fit stopped: [`StopReason::MaxIter`] says the objective was still
    /// decreasing by more than `tol` relatively.
    ///
    /// ```
    /// # use ndfactor::completion::{Completion, Observations, StopReason};
    /// let obs = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (1, 1, 2.0), (0, 1, 1.0)])?;
    /// let m = Completion::als(1).max_iter(1).fit(&obs)?;
    /// assert_eq!(m.stop_reason(), StopReason::MaxIter);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn stop_reason(&self) -> StopReason {
        self.stop
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
        self.stop == StopReason::Converged
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
        self.check_shape(obs, "CompletionModel::rmse: rows × columns")?;
        Ok(obs.rmse_of(|i, j| self.score(i, j)))
    }
}

/// The `n` columns (of `ncols`) not in the sorted `seen` with the highest `score`, best first,
/// ties (and NaN) by column index.
fn top_n_by<R: RealScalar>(
    ncols: usize,
    seen: &[usize],
    n: usize,
    score: impl Fn(usize) -> R,
) -> Vec<(usize, R)> {
    let mut cand: Vec<(usize, R)> = (0..ncols)
        .filter(|j| seen.binary_search(j).is_err())
        .map(|j| (j, score(j)))
        .collect();
    let order = |a: &(usize, R), b: &(usize, R)| {
        b.1.partial_cmp(&a.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.0.cmp(&b.0))
    };
    if n < cand.len() && n > 0 {
        cand.select_nth_unstable_by(n - 1, order);
    }
    cand.truncate(n);
    cand.sort_by(order);
    cand
}

/// Precision, recall and NDCG at `n` of the rankings given by any `score(row, col)`, with the
/// protocol of [`CompletionModel::ranking_metrics`]: for every row of `test` with a held-out
/// entry `≥ threshold`, the columns not observed in `train` are ranked by `score` (highest
/// first, ties by column index), and the first `n` are compared with the relevant held-out
/// columns.
///
/// Use it for baselines on the same split: an oracle (the true matrix, when known), a
/// popularity ranking, or a random one, beside a fitted model. A score of `−∞` puts a column
/// last: scoring every column outside a row's held-out entries `−∞` ranks only the held-out
/// entries (the "rank the user's test items" protocol of explicit-rating evaluations).
/// Cost `O(rows·n_cols)` evaluations of `score`, parallel over rows (rayon).
///
/// # Errors
/// [`Error::DimensionMismatch`] when `train` and `test` differ in shape;
/// [`Error::InvalidArgument`] for `n = 0`.
///
/// ```
/// use ndfactor::completion::{ranking_metrics_by, Observations};
/// let train = Observations::from_triplets(1, 4, &[(0, 0, 5.0f64)])?;
/// let test = Observations::from_triplets(1, 4, &[(0, 3, 5.0f64)])?;
/// // Column 3 scored highest: a hit at position 1 of the 3 unobserved columns.
/// let r = ranking_metrics_by(&train, &test, 2, 4.0, |_, j| j as f64)?;
/// assert_eq!((r.rows, r.precision, r.recall, r.ndcg), (1, 0.5, 1.0, 1.0)); // exact: 1/2, 1/1, 1/1
/// // Scored lowest: column 3 is third, outside the top 2.
/// let r = ranking_metrics_by(&train, &test, 2, 4.0, |_, j| -(j as f64))?;
/// assert_eq!((r.precision, r.recall, r.ndcg), (0.0, 0.0, 0.0)); // exact: no hit
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn ranking_metrics_by<R: RealScalar>(
    train: &Observations<R>,
    test: &Observations<R>,
    n: usize,
    threshold: R,
    score: impl Fn(usize, usize) -> R + Sync,
) -> Result<RankingMetrics> {
    if train.dim() != test.dim() {
        return Err(Error::DimensionMismatch {
            operation: "ranking_metrics_by: rows × columns",
            expected: train.nrows * train.ncols,
            found: test.nrows * test.ncols,
        });
    }
    let seen: Vec<Vec<usize>> = (0..train.nrows)
        .map(|i| {
            train.entries[train.row_ptr[i]..train.row_ptr[i + 1]]
                .iter()
                .map(|e| e.1)
                .collect()
        })
        .collect();
    ranking_core(test, n, threshold, |i| &seen[i], score)
}

/// The metrics of [`ranking_metrics_by`], with the training columns of row `i` in `seen(i)`
/// (sorted).
fn ranking_core<'a, R: RealScalar>(
    test: &Observations<R>,
    n: usize,
    threshold: R,
    seen: impl Fn(usize) -> &'a [usize] + Sync,
    score: impl Fn(usize, usize) -> R + Sync,
) -> Result<RankingMetrics> {
    if n == 0 {
        return Err(invalid("ranking_metrics needs n ≥ 1".into()));
    }
    let rows: Vec<usize> = (0..test.nrows)
        .filter(|&i| {
            test.entries[test.row_ptr[i]..test.row_ptr[i + 1]]
                .iter()
                .any(|e| e.2 >= threshold)
        })
        .collect();
    let per_row: Vec<(f64, f64, f64)> = rows
        .par_iter()
        .map(|&i| {
            let relevant: Vec<usize> = test.entries[test.row_ptr[i]..test.row_ptr[i + 1]]
                .iter()
                .filter(|e| e.2 >= threshold)
                .map(|e| e.1)
                .collect();
            let top = top_n_by(test.ncols, seen(i), n, |j| score(i, j));
            let mut hits = 0usize;
            let mut dcg = 0.0;
            for (p, &(c, _)) in top.iter().enumerate() {
                if relevant.binary_search(&c).is_ok() {
                    hits += 1;
                    dcg += 1.0 / ((p + 2) as f64).log2();
                }
            }
            let idcg: f64 = (0..n.min(relevant.len()))
                .map(|p| 1.0 / ((p + 2) as f64).log2())
                .sum();
            (
                hits as f64 / n as f64,
                hits as f64 / relevant.len() as f64,
                dcg / idcg,
            )
        })
        .collect();
    let c = per_row.len().max(1) as f64;
    let sum = per_row
        .iter()
        .fold((0.0, 0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    Ok(RankingMetrics {
        n,
        rows: per_row.len(),
        precision: sum.0 / c,
        recall: sum.1 / c,
        ndcg: sum.2 / c,
    })
}

/// Ranking metrics of top-`n` lists on a held-out set (see
/// [`CompletionModel::ranking_metrics`] for the definitions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankingMetrics {
    /// The list length `n`.
    pub n: usize,
    /// Rows with at least one relevant held-out entry (the ones averaged over).
    pub rows: usize,
    /// Mean precision@n.
    pub precision: f64,
    /// Mean recall@n.
    pub recall: f64,
    /// Mean NDCG@n (binary relevance).
    pub ndcg: f64,
}
