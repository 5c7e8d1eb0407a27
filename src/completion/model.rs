//! The fitted [`CompletionModel`]: predictions, top-`n` lists, ranking metrics and the fit's
//! history.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::scalar::RealScalar;

use super::fit::CompletionMethod;
use super::invalid;
use super::observations::Observations;

/// Why an iteration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The relative decrease of the objective fell to `tol` or below.
    Converged,
    /// `max_iter` iterations ran without reaching `tol`: the result is usable but not converged.
    MaxIter,
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

/// One `λ` of a validation path (see [`Completion::validation`](super::Completion::validation)).
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

/// A fitted completion model `X̂ = μ + b·1ᵀ + 1·cᵀ + L·Rᵀ` (`L` `m×k`, `R` `n×k`; `μ`, `b`, `c`
/// zero unless [`Completion::biases`](super::Completion::biases) was on).
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
    pub(super) method: CompletionMethod,
    pub(super) left: Array2<R>,
    pub(super) right: Array2<R>,
    pub(super) mu: R,
    pub(super) row_bias: Array1<R>,
    pub(super) col_bias: Array1<R>,
    pub(super) history: Vec<IterationStats<R>>,
    pub(super) stop: StopReason,
    pub(super) observed_cols: Vec<Vec<usize>>,
    pub(super) lambda: R,
    pub(super) path: Vec<LambdaTrial<R>>,
}

impl<R: RealScalar> CompletionModel<R> {
    pub(super) fn check(&self, row: usize, col: usize) -> Result<()> {
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

    pub(super) fn score(&self, row: usize, col: usize) -> R {
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

    pub(super) fn top_n_unchecked(&self, row: usize, n: usize) -> Vec<(usize, R)> {
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

    pub(super) fn check_shape(&self, obs: &Observations<R>, operation: &'static str) -> Result<()> {
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
pub(super) fn top_n_by<R: RealScalar>(
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
pub(super) fn ranking_core<'a, R: RealScalar>(
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
