//! Soft-impute: the shrunk SVD of the sparse-plus-low-rank matrix by subspace iteration.

use ndarray::{Array1, Array2};

use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::Result;
use crate::layout::check_dims;
use crate::random;
use crate::scalar::RealScalar;

use super::fit::{relative_change, Completion, Factors, FitState, Prepared, SvdSolver};
use super::model::{IterationStats, StopReason};

impl<R: RealScalar> Completion<R> {
    /// Rank-`k` SVD of `S + L·Rᵀ` (`S` the sparse matrix with values `s` on the pattern) by
    /// subspace iteration with `q = k + 10` columns (capped by `min(m, n)`): start from
    /// `start` (`n×q`, else seeded Gaussian), `power` block power steps, then one
    /// Rayleigh–Ritz step. Returns `(U, σ, V)` and, in `subspace`, the `n×q` right basis for
    /// a warm start.
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    pub(super) fn op_svd(
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

    pub(super) fn run_soft_impute(
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

/// Leading `k` singular triplets of the dense `S + L·Rᵀ` (small matrices).
#[allow(clippy::type_complexity, clippy::needless_range_loop)]
pub(super) fn dense_svd<R: RealScalar>(
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
pub(super) fn apply<R: RealScalar>(
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
pub(super) fn apply_t<R: RealScalar>(
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

pub(super) fn orth<R: RealScalar>(a: &Array2<R>) -> Result<Array2<R>> {
    Ok(Qr::new(a)?.q())
}

#[allow(clippy::type_complexity)]
pub(super) fn op_svd_full<R: RealScalar>(
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
