//! Alternating least squares: the start, the sweeps and the per-row half-step solves.

use ndarray::Array2;
use rayon::prelude::*;

use crate::error::Result;
use crate::lowrank::lstsq;
use crate::random;
use crate::scalar::RealScalar;

use super::fit::{relative_change, AlsInit, Completion, FitState, Groups, LambdaScaling, Prepared};
use super::model::{IterationStats, StopReason};
use super::soft_impute::dense_svd;

impl<R: RealScalar> Completion<R> {
    /// Initial ALS state: biases from `prep`, `V` spectral or random, `U = 0`.
    pub(super) fn als_start(&self, prep: &Prepared<R>, centered: &[R]) -> Result<FitState<R>> {
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
    pub(super) fn run_als(
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
}

/// One ALS half-step: for every group `g` (row or column), solves
/// `(Σ aaᵀ + λ_g I)·[u; b] = Σ a·(x − μ − c_o)` with `a = [v_o; 1]` (the 1 only with biases),
/// in parallel over groups; `Cholesky` in Rust, and the minimum-norm least-squares solution
/// of the stacked system `[F; √λ_g I]` (LAPACK, serially, after the parallel loop) when that
/// fails. Empty groups get zero.
#[allow(clippy::too_many_arguments)]
pub(super) fn half_step<R: RealScalar>(
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
pub(super) fn cholesky_solve<R: RealScalar>(g: &mut [R], b: &mut [R], n: usize) -> bool {
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
