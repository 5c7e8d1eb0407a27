//! Single-pass sketch (Tropp, Yurtsever, Udell and Cevher 2017) and the a-posteriori error
//! estimate of Halko, Martinsson and Tropp (2011, §4.3) shared by the streamed SVDs.

use std::time::Instant;

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2};

use super::{block_stats, FroAccumulator, RowBlockSource, StreamProgress};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::{Error, Result};
use crate::layout::check_dims;
use crate::lowrank::{scaled_cols, EckartYoung, ErrorSource, TruncatedSvd};
use crate::scalar::{RealScalar, Scalar};
use crate::{random, verify};

/// `10·√(2/π)`: Halko, Martinsson and Tropp's factor (2011, eq. 4.3) for `α = 10`.
const HMT_FACTOR: f64 = 10.0 * 0.797_884_560_802_865_4;

/// The a-posteriori estimate from `Y_t = A·Ω_t` (`m×r`, the test vectors `Ω_t` drawn
/// independently of the sketch): the range residual `(I − QQᴴ)·Y_t` and the factor residual
/// `Y_t − U·Σ·(Vᴴ·Ω_t)` (`us_rows(r0, r1)` gives rows `r0..r1` of `U·Σ`). Returns
/// `(range_bound, spectral_bound, frobenius_estimate)`.
///
/// Computed `rows` rows at a time (two sweeps over `Q` and `Y_t`), so nothing of size `m` is
/// allocated: `Q` and `Y_t` may live in scratch files.
pub(crate) fn hmt_estimate<T: Scalar>(
    yt: &ArrayView2<'_, T>,
    omega_t: &Array2<T>,
    q: &ArrayView2<'_, T>,
    us_rows: &dyn Fn(usize, usize) -> Array2<T>,
    vt: &Array2<T>,
    rows: usize,
) -> (T::Real, T::Real, T::Real) {
    let zero = T::Real::from_f64(0.0);
    let (m, r) = yt.dim();
    let l = q.ncols();
    let h = rows.clamp(1, m.max(1));
    let blocks = || (0..m).step_by(h).map(move |r0| (r0, (r0 + h).min(m)));
    let qh_times = |r0: usize, r1: usize, z: &Array2<T>, c: &mut Array2<T>| {
        let qh = q.slice(s![r0..r1, ..]).t().mapv(|x| x.conj());
        general_mat_mul(T::one(), &qh, z, T::one(), c);
    };
    // (I − QQᴴ)·Y_t, projected twice (one projection loses orthogonality to Q when ‖QᴴY_t‖ is
    // much larger than the residual, as it is for a good sketch): C₁ = Qᴴ·Y_t, then
    // Z₁ = Y_t − Q·C₁ and C₂ = Qᴴ·Z₁ in one sweep, Z₂ = Z₁ − Q·C₂ in the next.
    let mut c1 = Array2::<T>::zeros((l, r));
    for (r0, r1) in blocks() {
        qh_times(r0, r1, &yt.slice(s![r0..r1, ..]).to_owned(), &mut c1);
    }
    let z1 = |r0: usize, r1: usize| {
        let mut z = yt.slice(s![r0..r1, ..]).to_owned();
        general_mat_mul(-T::one(), &q.slice(s![r0..r1, ..]), &c1, T::one(), &mut z);
        z
    };
    let mut c2 = Array2::<T>::zeros((l, r));
    for (r0, r1) in blocks() {
        qh_times(r0, r1, &z1(r0, r1), &mut c2);
    }
    let vo = vt.dot(omega_t);
    let mut zr_cols = vec![FroAccumulator::new(); r];
    let mut zf_cols = vec![FroAccumulator::new(); r];
    for (r0, r1) in blocks() {
        let mut zr = z1(r0, r1);
        general_mat_mul(-T::one(), &q.slice(s![r0..r1, ..]), &c2, T::one(), &mut zr);
        let mut zf = yt.slice(s![r0..r1, ..]).to_owned();
        general_mat_mul(-T::one(), &us_rows(r0, r1), &vo, T::one(), &mut zf);
        for j in 0..r {
            zr_cols[j].add(verify::norm_fro(&zr.slice(s![.., j..j + 1])));
            zf_cols[j].add(verify::norm_fro(&zf.slice(s![.., j..j + 1])));
        }
    }
    let (mut rmax, mut fmax) = (zero, zero);
    let mut acc = FroAccumulator::new();
    for (a, b) in zr_cols.iter().zip(&zf_cols) {
        let (a, b) = (a.norm(), b.norm());
        if a > rmax {
            rmax = a;
        }
        if b > fmax {
            fmax = b;
        }
        acc.add(b);
    }
    let f = T::Real::from_f64(HMT_FACTOR);
    let mean = if r > 0 {
        acc.norm() / T::Real::from_f64(r as f64).sqrt()
    } else {
        zero
    };
    (f * rmax, f * fmax, mean)
}

/// `10^(−r)` in `R` (0 once it underflows).
pub(crate) fn failure_probability<R: RealScalar>(r: usize) -> R {
    R::from_f64(10f64.powi(-(r.min(400) as i32)))
}

/// Truncated SVD of a matrix read **exactly once**, in row blocks: the single-pass sketch of
/// Tropp, Yurtsever, Udell and Cevher (2017, "Practical sketching algorithms for low-rank matrix
/// approximation", SIAM J. Matrix Anal. Appl. 38(4), Alg. 7 with the fixed-rank truncation of
/// §5), for data that cannot be read twice (a stream being decoded, a file too slow to re-read).
///
/// In the one pass, with Gaussian test matrices `Ω` (`n×k`) and `Ψ` (`l×m`) drawn from the
/// seed: the range sketch `Y = A·Ω` (row block `Yᵢ = Aᵢ·Ω`) and the co-range sketch `W = Ψ·A`
/// (`W += Ψ[:, rows]·Aᵢ`; `Ψ`'s columns are drawn in row order and drawn again afterwards from
/// the same generator state, never stored). Then `Q = orth(Y)` (Householder QR), `X = (Ψ·Q)⁺·W`
/// by least squares (QR of the `l×k` `Ψ·Q`), `Â = Q·X`, and the rank-`r` truncation
/// `[[Â]]_r = (Q·U_X)·Σ_X·V_Xᴴ` from the SVD of the small `k×n` `X`. Defaults as in the paper:
/// `k = 2r + 1`, `l = 2k + 1` (clipped to `min(m, n)` and `m`).
///
/// Accuracy (their Theorem 4.3 and 5.1, Gaussian test matrices, real case `α = 1`): with
/// `τ_{ρ+1}² = Σ_{j>ρ} σⱼ²` and `f(s, t) = s/(t − s − α)`,
/// `E‖A − Â‖_F² ≤ (1 + f(k, l))·min_{ρ<k−α} (1 + f(ρ, k))·τ_{ρ+1}²(A)` and
/// `E‖A − [[Â]]_r‖_F ≤ τ_{r+1}(A) + 2·(E‖A − Â‖_F²)^{1/2}`. With the defaults and `ρ = r`,
/// `f(k, l) = f(r, k) = 1`: `E‖A − [[Â]]_r‖_F ≤ 5·τ_{r+1}(A)`, against the optimum
/// `τ_{r+1}(A)`. In practice the error is close to the optimum on matrices with a decaying
/// spectrum; it is worse than [`StreamedRandomizedSvd`](super::StreamedRandomizedSvd) with power
/// iterations on flat spectra, the price of a single pass.
///
/// The report: `‖A‖_F` is exact (accumulated in the pass); the error of the returned factors
/// is the a-posteriori estimate of Halko, Martinsson and Tropp (2011, §4.3) from
/// [`error_vectors`](Self::error_vectors) extra Gaussian test vectors `Ω_t` sketched in the
/// same pass (`A·Ω_t`, `m×r_t`): `frobenius_error` is `√(mean ‖(A − UΣVᴴ)·ωᵢ‖²)` (unbiased
/// for `‖A − UΣVᴴ‖_F²`), and [`ErrorSource::Estimate`] holds the bounds on `‖A − QQᴴA‖₂` and
/// `‖A − UΣVᴴ‖₂` that hold with probability `1 − 10^(−r_t)`; `spectral_error` is `σ_{r+1}(X)`.
///
/// Cost: one pass, `O(m·n·(k + l + r_t))` flops. Memory: `Y`, `Q` and `A·Ω_t` (`m×(2k + r_t)`),
/// `W`, `Ω` (`(l + k + r_t)×n`), one block — `O((m + n)·(k + l) + block_rows·n)` values.
/// The data are not rescaled (that would need a second pass): values beyond `~10^150` (f64) may
/// overflow the sketches, which is reported as [`Error::NumericalBreakdown`].
///
/// # Errors
/// [`Error::InvalidRank`] for `r > min(m, n)`; [`Error::NonFinite`] at the global row and column
/// of the first NaN/∞; the source's errors; [`Error::NumericalBreakdown`] when the sketches
/// overflow; those of [`Qr`] and [`Svd`].
///
/// ```
/// use ndfactor::{stream::SinglePassSvd, testing, Svd};
/// let s: Vec<f64> = (0..40).map(|i| 0.3f64.powi(i)).collect();
/// let a = testing::with_singular_values::<f64>(200, 40, &s, &mut testing::rng(1));
/// let t = SinglePassSvd::new(3).seed(2).block_rows(64).compute(&mut a.view())?;
/// let exact = Svd::values(&a)?;
/// // τ₄ = √Σ_{j>3} σⱼ² ≈ 0.0283; the expected error is at most 5·τ₄.
/// let tau: f64 = exact.iter().skip(3).map(|x| x * x).sum::<f64>().sqrt();
/// let err = ndfactor::verify::norm_fro(&(&a - &t.to_dense()));
/// assert!(err <= 5.0 * tau);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct SinglePassSvd {
    r: usize,
    k: Option<usize>,
    l: Option<usize>,
    seed: u64,
    block_rows: usize,
    error_vectors: usize,
}

impl SinglePassSvd {
    /// Target rank `r`; sketch sizes `k = 2r + 1`, `l = 2k + 1`; seed 0; blocks of 4096 rows;
    /// 10 error test vectors.
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let t = SinglePassSvd::new(1).compute(&mut ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?;
    /// assert!((t.s()[0] - 2.0).abs() < 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(r: usize) -> Self {
        SinglePassSvd {
            r,
            k: None,
            l: None,
            seed: 0,
            block_rows: 4096,
            error_vectors: 10,
        }
    }

    /// Range sketch size `k ≥ r` (default `2r + 1`).
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let a = ndfactor::testing::gaussian::<f64>(30, 10, &mut ndfactor::testing::rng(0));
    /// assert_eq!(SinglePassSvd::new(2).range_sketch(6).compute(&mut a.view())?.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn range_sketch(mut self, k: usize) -> Self {
        self.k = Some(k);
        self
    }

    /// Co-range sketch size `l ≥ k` (default `2k + 1`).
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let a = ndfactor::testing::gaussian::<f64>(30, 10, &mut ndfactor::testing::rng(0));
    /// assert_eq!(SinglePassSvd::new(2).co_range_sketch(12).compute(&mut a.view())?.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn co_range_sketch(mut self, l: usize) -> Self {
        self.l = Some(l);
        self
    }

    /// Seed of `Ω`, `Ψ` and the error test vectors.
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let a = ndfactor::testing::gaussian::<f64>(20, 8, &mut ndfactor::testing::rng(0));
    /// let x = SinglePassSvd::new(2).seed(4).compute(&mut a.view())?;
    /// let y = SinglePassSvd::new(2).seed(4).compute(&mut a.view())?;
    /// assert_eq!(x.s(), y.s()); // same seed, same blocks, same thread count: same bits
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Rows per block (`0` is taken as 1).
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let t = SinglePassSvd::new(1).block_rows(1).compute(&mut ndarray::Array2::<f64>::eye(3))?;
    /// assert!((t.s()[0] - 1.0).abs() < 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn block_rows(mut self, rows: usize) -> Self {
        self.block_rows = rows.max(1);
        self
    }

    /// Number `r_t ≥ 1` of Gaussian test vectors for the error estimate (`0` is taken as 1): the
    /// bounds in the report fail with probability `10^(−r_t)`.
    ///
    /// ```
    /// # use ndfactor::{stream::SinglePassSvd, ErrorSource};
    /// let a = ndfactor::testing::gaussian::<f64>(20, 8, &mut ndfactor::testing::rng(0));
    /// let t = SinglePassSvd::new(2).error_vectors(5).compute(&mut a.view())?;
    /// assert!(matches!(t.report().error_source, ErrorSource::Estimate { vectors: 5, .. }));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn error_vectors(mut self, r: usize) -> Self {
        self.error_vectors = r.max(1);
        self
    }

    /// Runs the sketch on `src` (one pass).
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// assert!(SinglePassSvd::new(3).compute(&mut ndarray::Array2::<f64>::eye(2)).is_err());
    /// ```
    pub fn compute<T, Src>(&self, src: &mut Src) -> Result<TruncatedSvd<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
    {
        self.compute_with_progress(src, |_| {})
    }

    /// Runs the sketch on `src`, calling `progress` after every block.
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::SinglePassSvd;
    /// let mut seen = Vec::new();
    /// SinglePassSvd::new(1).block_rows(2)
    ///     .compute_with_progress(&mut ndarray::Array2::<f64>::eye(3), |p| seen.push((p.pass, p.rows_done)))?;
    /// assert_eq!(seen, vec![(1, 2), (1, 3)]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn compute_with_progress<T, Src, F>(
        &self,
        src: &mut Src,
        mut progress: F,
    ) -> Result<TruncatedSvd<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
        F: FnMut(StreamProgress),
    {
        let (m, n) = src.shape();
        let kmax = m.min(n);
        let r = self.r;
        if r > kmax {
            return Err(Error::InvalidRank { k: r, max: kmax });
        }
        let zero = T::Real::from_f64(0.0);
        let one = T::Real::from_f64(1.0);
        let (k, l, rt) = if r == 0 {
            (0, 0, 0)
        } else {
            let k = self.k.unwrap_or(2 * r + 1).clamp(r, kmax);
            (
                k,
                self.l.unwrap_or(2 * k + 1).clamp(k, m),
                self.error_vectors,
            )
        };
        check_dims(m, k + rt)?;
        check_dims(l, n)?;
        let mut rng = random::rng(self.seed);
        let omega: Array2<T> = random::gaussian(n, k, &mut rng);
        let omega_t: Array2<T> = random::gaussian(n, rt, &mut rng);
        let psi_start = rng.clone();
        let mut y = Array2::<T>::zeros((m, k));
        let mut yt = Array2::<T>::zeros((m, rt));
        let mut w = Array2::<T>::zeros((l, n));
        let mut fro = FroAccumulator::new();
        let start = Instant::now();
        let mut done = 0;
        src.for_each_block(self.block_rows, &mut |r0, b: ArrayView2<'_, T>| {
            let (_, bf) = block_stats(r0, &b)?;
            let h = b.nrows();
            if r0 != done || r0 + h > m {
                return Err(Error::DimensionMismatch {
                    operation: "row-block source: first row of a block",
                    expected: done,
                    found: r0,
                });
            }
            fro.add(bf);
            if k > 0 {
                general_mat_mul(
                    T::one(),
                    &b,
                    &omega,
                    T::zero(),
                    &mut y.slice_mut(s![r0..r0 + h, ..]),
                );
                general_mat_mul(
                    T::one(),
                    &b,
                    &omega_t,
                    T::zero(),
                    &mut yt.slice_mut(s![r0..r0 + h, ..]),
                );
                // Ψ[:, r0..r0 + h]ᵀ, drawn in row order.
                let psi: Array2<T> = random::gaussian(h, l, &mut rng);
                general_mat_mul(T::one(), &psi.t(), &b, T::one(), &mut w);
            }
            done += h;
            progress(StreamProgress {
                pass: 1,
                passes: 1,
                rows_done: done,
                rows: m,
                elapsed: start.elapsed(),
            });
            Ok(())
        })?;
        if done != m {
            return Err(Error::DimensionMismatch {
                operation: "row-block source: rows in a pass",
                expected: m,
                found: done,
            });
        }
        let fa = fro.norm();
        if r == 0 {
            let rep = EckartYoung {
                rank: 0,
                spectral_error: zero,
                frobenius_error: fa,
                relative_frobenius_error: if fa > zero { one } else { zero },
                energy_retained: if fa > zero { zero } else { one },
                stored_values: 0,
                dense_values: m * n,
                estimated: false,
                // exact: the rank-0 approximation is 0, its error is ‖A‖_F.
                error_source: ErrorSource::Formula,
            };
            return Ok(TruncatedSvd::from_parts(
                Array2::zeros((m, 0)),
                Array1::zeros(0),
                Array2::zeros((0, n)),
                rep,
            ));
        }
        let breakdown = || Error::NumericalBreakdown {
            routine: "SinglePassSvd",
        };
        if !fa.is_finite() || !y.iter().chain(w.iter()).all(|x| x.is_finite()) {
            return Err(breakdown());
        }
        let q = Qr::from_owned(y)?.q();
        // Ψ·Q = Σᵢ Ψ[:, rowsᵢ]·Qᵢ, with Ψ drawn again from the same state in the same order.
        let mut psi_rng = psi_start;
        let mut psi_q = Array2::<T>::zeros((l, k));
        let chunk = self.block_rows.max(1);
        let mut r0 = 0;
        while r0 < m {
            let h = chunk.min(m - r0);
            let psi: Array2<T> = random::gaussian(h, l, &mut psi_rng);
            general_mat_mul(
                T::one(),
                &psi.t(),
                &q.slice(s![r0..r0 + h, ..]),
                T::one(),
                &mut psi_q,
            );
            r0 += h;
        }
        let x = Qr::from_owned(psi_q)?.solve(&w)?;
        let svd = Svd::from_owned(x)?;
        let sx = svd.s();
        let u = q.dot(&svd.u().slice(s![.., ..r]));
        let sk: Array1<T::Real> = sx.slice(s![..r]).to_owned();
        let vt = svd.vt().slice(s![..r, ..]).to_owned();
        if !sk.iter().all(|v| v.is_finite()) {
            return Err(breakdown());
        }
        let us = scaled_cols(&u, &sk);
        let (range_bound, spectral_bound, frob) = hmt_estimate(
            &yt.view(),
            &omega_t,
            &q.view(),
            &|r0, r1| us.slice(s![r0..r1, ..]).to_owned(),
            &vt,
            m,
        );
        let rel = if fa > zero { frob / fa } else { zero };
        let rep = EckartYoung {
            rank: r,
            spectral_error: sx.get(r).copied().unwrap_or(zero),
            frobenius_error: frob,
            relative_frobenius_error: rel,
            energy_retained: (one - rel * rel).max(zero),
            stored_values: (m + n + 1) * r,
            dense_values: m * n,
            estimated: true,
            error_source: ErrorSource::Estimate {
                vectors: rt,
                range_bound,
                spectral_bound,
                failure_probability: failure_probability(rt),
            },
        };
        Ok(TruncatedSvd::from_parts(u, sk, vt, rep))
    }
}
