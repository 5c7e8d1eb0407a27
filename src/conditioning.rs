//! Conditioning reports and checked solves.
//!
//! [`Conditioning`] turns a reciprocal condition number `rcond = 1/κ` into the quantities a user
//! acts on: `κ`, the number of decimal digits a solve can lose (`log₁₀ κ`), and a [`Verdict`].
//! [`Solve::solve_checked`](crate::Solve::solve_checked), implemented by every factorization that
//! solves, refuses to return a solution when `rcond` is below a threshold (by default `ε` of the
//! scalar type: the rule behind MATLAB's "Matrix is close to singular" warning and SciPy's
//! `LinAlgWarning`). The module was called `cond`; `ndfactor::cond::…` paths still work, and
//! [`cond()`](crate::cond()) is the condition-number function (NumPy's `cond`).
//!
//! ```
//! use ndarray::array;
//! use ndfactor::prelude::*;
//! use ndfactor::conditioning::Verdict;
//! let lu = array![[1.0f64, 0.0], [0.0, 1e-10]].lu()?;
//! let c = lu.conditioning();
//! assert_eq!(c.verdict, Verdict::IllConditioned);
//! assert!((c.digits_lost - 10.0).abs() < 1e-6);
//! # Ok::<(), ndfactor::Error>(())
//! ```

pub use crate::decomp::solve::{Conditioning, Verdict};
