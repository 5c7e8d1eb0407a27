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

mod als;
mod fit;
mod model;
mod observations;
mod soft_impute;

pub use fit::{AlsInit, Completion, CompletionMethod, LambdaScaling, SvdSolver};
pub use model::{
    ranking_metrics_by, CompletionModel, IterationStats, LambdaTrial, RankingMetrics, StopReason,
};
pub use observations::Observations;

use crate::error::Error;

fn invalid(reason: String) -> Error {
    Error::InvalidArgument { reason }
}
