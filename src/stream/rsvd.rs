//! Randomized SVD over a row-block source.

use std::time::{Duration, Instant};

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView2, CowArray, ShapeBuilder};

use super::{block_stats, FroAccumulator, RowBlockSource};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::decomp::triangular::TriangularSolve;
use crate::error::{Error, Result};
use crate::lapack::numeric::scale_pow2;
use crate::lapack::{Trans, Uplo};
use crate::layout::check_dims;
use crate::lowrank::{lu_basis, scaled_cols, EckartYoung, ErrorSource, TruncatedSvd};
use crate::scalar::{RealScalar, Scalar};
use crate::{random, verify};

/// Progress of a streamed algorithm, reported after every block.
///
/// ```
/// use ndfactor::stream::StreamedRandomizedSvd;
/// let mut a = ndfactor::testing::gaussian::<f64>(20, 6, &mut ndfactor::testing::rng(0));
/// let mut last = None;
/// StreamedRandomizedSvd::new(2).power_iterations(1).block_rows(8)
///     .compute_with_progress(&mut a, |p| last = Some(p))?;
/// let p = last.unwrap();
/// assert_eq!((p.pass, p.passes, p.rows_done, p.rows), (4, 4, 20, 20));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StreamProgress {
    /// 1-based pass in progress.
    pub pass: usize,
    /// Passes planned (a pass may be added: the rescaling pass for data near the overflow or
    /// underflow limits, or the residual pass when the error formula cancels).
    pub passes: usize,
    /// Rows of this pass read so far.
    pub rows_done: usize,
    /// Rows per pass, `m`.
    pub rows: usize,
    /// Time since this pass started.
    pub elapsed: Duration,
}

impl StreamProgress {
    /// Rows per second in the current pass (0 before any time has passed).
    ///
    /// ```
    /// use ndfactor::stream::StreamProgress;
    /// let p = StreamProgress { pass: 1, passes: 3, rows_done: 500, rows: 1000,
    ///                          elapsed: std::time::Duration::from_secs(2) };
    /// assert_eq!(p.rows_per_second(), 250.0); // exact: 500 / 2 in binary floating point
    /// ```
    pub fn rows_per_second(&self) -> f64 {
        let t = self.elapsed.as_secs_f64();
        if t > 0.0 {
            self.rows_done as f64 / t
        } else {
            0.0
        }
    }
}

/// Randomized truncated SVD of a matrix read in row blocks ([`RowBlockSource`]), the streamed
/// twin of [`RandomizedSvd`](crate::RandomizedSvd).
///
/// The same algorithm, step by step: the same Gaussian `Ω` (`n×l`, `l = min(k + p, m, n)`) from
/// the same seed, the same power-of-two scaling (decided from `max |a_ij|` found in the first
/// pass; data inside `[2^-250, 2^250]` (f32: `[2^-30, 2^30]`) is never scaled, otherwise the
/// first pass is repeated on the scaled blocks), `Y = A·Ω`, `q` power iterations with a
/// re-normalisation after each product, an orthonormal basis after the last, `B = Qᴴ·A`, SVD
/// of `B`. Every product with `A` is one pass: `Y = A·X` fills `Y`'s rows block by block,
/// `Z = Aᴴ·Y` sums `Aᵢᴴ·Yᵢ`. Passes: `2q + 2`, plus one when the error formula would cancel
/// (or when [`exact_error`](Self::exact_error) asks for the residual).
///
/// The tall `m×l` basis is orthonormalised by CholeskyQR2 (Gram matrix, Cholesky, `Y·R⁻¹`,
/// twice; level-3 BLAS over row blocks) when its Gram matrix is well enough conditioned
/// (reciprocal condition ≥ `64·l·ε`; for `l = 60`, `κ(Y)` up to about `10⁶` in f64, 50 in
/// f32), and otherwise as in core (LU after the intermediate products, Householder QR after
/// the last); the small `n×l` `Z` is LU-normalised as in core. Every normalisation spans the
/// same subspace, so this changes the results only by rounding.
///
/// Same seed and same matrix give the in-core result **to rounding**: block products sum in
/// another order than one large product, and the tall basis may be normalised by another
/// (equally spanning) method, so the results differ by a few units of rounding amplified by the
/// conditioning of the problem: singular values agree to about `σ₁·(m + n)·l·ε`, and singular
/// subspaces with a gap agree to that over the gap.
///
/// Memory: one `m×l` basis (`Y`, orthonormalised in place into `Q`, then overwritten by `U`;
/// with [`error_estimate`](Self::error_estimate) `U` takes another `m×k`), `Z` and `B`
/// (`n×l`), one block (`block_rows×n`, only copied when scaled or complex) —
/// `O((m + n)·l + block_rows·n)` values, independent of how the source stores its data.
///
/// The report is that of the in-core version: `‖A‖_F` is accumulated in the first pass, and the
/// Frobenius error of the returned factors is exact (`√(‖A‖_F² − Σ_{i≤k} σ̃ᵢ²)`, or the residual
/// `‖A − U·Σ·Vᴴ‖_F` in one more pass when that difference cancels); with
/// [`error_estimate`](Self::error_estimate) that pass is never taken, and the report carries
/// Halko, Martinsson and Tropp's a-posteriori bounds instead ([`ErrorSource`] says which).
///
/// # Errors
/// [`Error::InvalidRank`] for `k > min(m, n)`; [`Error::NonFinite`] with the global row and
/// column of the first NaN/∞ met; the source's errors ([`Error::SourceChanged`], I/O); those of
/// [`Qr`] and [`Svd`].
///
/// ```
/// use ndfactor::{stream::StreamedRandomizedSvd, testing, RandomizedSvd};
/// let s: Vec<f64> = (0..30).map(|i| 0.5f64.powi(i)).collect();
/// let a = testing::with_singular_values::<f64>(80, 30, &s, &mut testing::rng(1));
/// let streamed = StreamedRandomizedSvd::new(4).seed(3).block_rows(7).compute(&mut a.view())?;
/// let in_core = RandomizedSvd::new(4).seed(3).compute(&a)?;
/// for (x, y) in streamed.s().iter().zip(in_core.s()) {
///     assert!((x - y).abs() < 80.0 * 14.0 * f64::EPSILON);
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StreamedRandomizedSvd {
    k: usize,
    oversamples: usize,
    power_iterations: Option<usize>,
    seed: u64,
    block_rows: usize,
    exact_error: bool,
    error_vectors: Option<usize>,
    pass_efficient: bool,
}

impl StreamedRandomizedSvd {
    /// Target rank `k`; 10 oversamples, automatic power iterations (as
    /// [`RandomizedSvd`](crate::RandomizedSvd)), seed 0, blocks of 4096 rows.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let t = StreamedRandomizedSvd::new(1).compute(&mut ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?;
    /// assert!((t.s()[0] - 2.0).abs() < 4.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(k: usize) -> Self {
        StreamedRandomizedSvd {
            k,
            oversamples: 10,
            power_iterations: None,
            seed: 0,
            block_rows: 4096,
            exact_error: false,
            error_vectors: None,
            pass_efficient: false,
        }
    }

    /// Oversampling `p`.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let t = StreamedRandomizedSvd::new(1).oversamples(0).compute(&mut ndarray::Array2::<f64>::eye(3))?;
    /// assert_eq!(t.rank(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn oversamples(mut self, p: usize) -> Self {
        self.oversamples = p;
        self
    }

    /// Power iterations `q` (each costs two passes).
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let mut passes = 0;
    /// StreamedRandomizedSvd::new(1).power_iterations(3)
    ///     .compute_with_progress(&mut ndarray::Array2::<f64>::eye(3), |p| passes = p.passes)?;
    /// assert_eq!(passes, 8);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn power_iterations(mut self, q: usize) -> Self {
        self.power_iterations = Some(q);
        self
    }

    /// Seed of `Ω` (the in-core [`RandomizedSvd`](crate::RandomizedSvd) with the same seed draws
    /// the same `Ω`).
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let a = ndfactor::testing::gaussian::<f64>(9, 5, &mut ndfactor::testing::rng(0));
    /// let x = StreamedRandomizedSvd::new(2).seed(4).compute(&mut a.view())?;
    /// let y = StreamedRandomizedSvd::new(2).seed(4).compute(&mut a.view())?;
    /// assert_eq!(x.s(), y.s()); // same seed, same blocks, same thread count: same bits
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Rows per block (`0` is taken as 1). Larger blocks make faster products; memory grows by
    /// `block_rows·n` values.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let t = StreamedRandomizedSvd::new(1).block_rows(1).compute(&mut ndarray::Array2::<f64>::eye(3))?;
    /// assert!((t.s()[0] - 1.0).abs() < 4.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn block_rows(mut self, rows: usize) -> Self {
        self.block_rows = rows.max(1);
        self
    }

    /// Always measure the achieved `‖A − U·Σ·Vᴴ‖_F` in one extra pass, instead of only when the
    /// exact formula cancels.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let mut a = ndarray::array![[3.0f64, 0.0], [0.0, 4.0], [0.0, 0.0]];
    /// let t = StreamedRandomizedSvd::new(1).exact_error(true).compute(&mut a)?;
    /// assert!((t.report().frobenius_error - 3.0).abs() < 16.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn exact_error(mut self, yes: bool) -> Self {
        self.exact_error = yes;
        self
    }

    /// Never take the extra residual pass: estimate the error instead from `r` Gaussian test
    /// vectors `Ω_t` (`n×r`, drawn independently of `Ω`) sketched in the last pass (`A·Ω_t`
    /// alongside `B = Qᴴ·A`), as Halko, Martinsson and Tropp (2011, §4.3) propose. The report's
    /// [`ErrorSource::Estimate`] then holds bounds on `‖A − Q·Qᴴ·A‖₂` and on `‖A − U·Σ·Vᴴ‖₂`,
    /// each `10·√(2/π)·maxᵢ ‖G·ωᵢ‖` for its `G`, that hold with probability at least
    /// `1 − 10^(−r)`; `frobenius_error` is the exact formula when it does not cancel and the
    /// unbiased estimate `√(mean ‖(A − U·Σ·Vᴴ)·ωᵢ‖²)` when it does. `r = 0` is taken as 1.
    /// [`exact_error`](Self::exact_error) takes precedence.
    ///
    /// Costs `O(m·n·r)` flops in the last pass and `m·r` values of memory, no pass.
    ///
    /// ```
    /// use ndfactor::{stream::StreamedRandomizedSvd, ErrorSource};
    /// let a = ndfactor::testing::gaussian::<f64>(40, 12, &mut ndfactor::testing::rng(0));
    /// let t = StreamedRandomizedSvd::new(3).error_estimate(10).compute(&mut a.view())?;
    /// let ErrorSource::Estimate { spectral_bound, failure_probability, .. } = t.report().error_source
    ///     else { panic!("an estimate was asked for") };
    /// let g = &a - &t.to_dense();
    /// assert!(spectral_bound >= ndfactor::Svd::values(&g)?[0]); // fails with probability 1e-10
    /// assert!(failure_probability <= 1e-10);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn error_estimate(mut self, r: usize) -> Self {
        self.error_vectors = Some(r.max(1));
        self
    }

    /// Read the data `q + 1` times instead of `2q + 2` (`q` power iterations): every pass that
    /// forms `Y = A·X` also sums `W = Aᴴ·Y` from the same block while it is in memory, the pass
    /// efficient scheme of Bjarkason (2019, "Pass-efficient randomized algorithms for low-rank
    /// matrix approximation using any number of views") and of Yu, Gu and Li (2017,
    /// single-pass PCA). The next power iterate is `orth(W)` (QR), so the normalisation happens
    /// after each product with `Aᴴ·A` instead of after each product with `A` or `Aᴴ`; and the
    /// last pass gives `B = Qᴴ·A = R⁻ᴴ·Wᴴ` from `Y = Q·R` without reading `A` again.
    ///
    /// Accuracy, stated: normalising every second product keeps the singular directions down to
    /// `σ ≈ √ε·σ₁` (every product: down to `ε·σ₁`), so the rank-`k` result is unchanged
    /// whenever `σ_k ≫ √ε·σ₁`; and `R⁻ᴴ·Wᴴ` amplifies the rounding errors of that product by
    /// `κ(R) = κ(Y)`. ndfactor takes the shortcut only when `κ(R) ≤ ε^(−1/4)` (about 8·10³ in
    /// f64, 55 in f32), which keeps the extra error in the singular values below
    /// `κ(R)·ε·σ₁` times the product's usual error factor; otherwise (a rank-deficient or
    /// sharply decaying `Y`) it reads `A` once more for `B = Qᴴ·A`. [`passes`](StreamProgress)
    /// in the progress reports says which. Results equal the default path's to that accuracy,
    /// not to rounding; seeds give the same `Ω`.
    ///
    /// Use it when a pass costs more than the arithmetic, i.e. for files larger than the page
    /// cache: it halves the reading time.
    ///
    /// ```
    /// use ndfactor::{stream::StreamedRandomizedSvd, testing, Svd};
    /// let s: Vec<f64> = (0..40).map(|i| 0.8f64.powi(i)).collect();
    /// let a = testing::with_singular_values::<f64>(300, 40, &s, &mut testing::rng(2));
    /// let mut passes = 0;
    /// let t = StreamedRandomizedSvd::new(5).power_iterations(2).pass_efficient(true)
    ///     .compute_with_progress(&mut a.view(), |p| passes = p.passes)?;
    /// assert_eq!(passes, 3); // q + 1, against 2q + 2 = 6
    /// for (x, y) in t.s().iter().zip(&s) {
    ///     assert!((x - y).abs() < 1e-6 * s[0]); // randomized: near the optimum, not exact
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn pass_efficient(mut self, yes: bool) -> Self {
        self.pass_efficient = yes;
        self
    }

    /// Runs the algorithm on `src`.
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// assert!(StreamedRandomizedSvd::new(3).compute(&mut ndarray::Array2::<f64>::eye(2)).is_err());
    /// ```
    pub fn compute<T, Src>(&self, src: &mut Src) -> Result<TruncatedSvd<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
    {
        self.compute_with_progress(src, |_| {})
    }

    /// Runs the algorithm on `src`, calling `progress` after every block of every pass.
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let mut calls = 0;
    /// StreamedRandomizedSvd::new(1).power_iterations(0).block_rows(2)
    ///     .compute_with_progress(&mut ndarray::Array2::<f64>::eye(3), |_| calls += 1)?;
    /// assert_eq!(calls, 4); // 2 passes of 2 blocks
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
        let k = self.k;
        if k > kmax {
            return Err(Error::InvalidRank { k, max: kmax });
        }
        let zero = T::Real::from_f64(0.0);
        let one = T::Real::from_f64(1.0);
        let l = (k + self.oversamples).min(kmax);
        check_dims(m, l)?;
        check_dims(l, n)?;
        let q = if k == 0 {
            0
        } else {
            self.power_iterations
                .unwrap_or(if (k as f64) < 0.1 * kmax as f64 { 7 } else { 4 })
        };
        let br = self.block_rows;
        // Pass efficient: every `Y = A·X` pass also sums `W = Aᴴ·Y`.
        let fuse = self.pass_efficient && k > 0;
        let mut pass = 0;
        let mut passes = match (k, fuse) {
            (0, _) => 1,
            (_, true) => q + 1,
            (_, false) => 2 * q + 2,
        };
        // One pass with progress reports; `f(row0, block)`.
        let mut run = |src: &mut Src,
                       passes: usize,
                       f: &mut dyn FnMut(usize, ArrayView2<'_, T>) -> Result<()>|
         -> Result<()> {
            pass += 1;
            let start = Instant::now();
            let mut done = 0;
            src.for_each_block(br, &mut |r0, b| {
                f(r0, b)?;
                done += b.nrows();
                progress(StreamProgress {
                    pass,
                    passes,
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
            Ok(())
        };

        let omega: Array2<T> = if k == 0 {
            Array2::zeros((n, 0))
        } else {
            random::gaussian(n, l, &mut random::rng(self.seed))
        };
        // Test vectors of the a-posteriori estimate, independent of Ω.
        let rt = if self.exact_error {
            0
        } else {
            self.error_vectors.unwrap_or(0)
        };
        let omega_t: Array2<T> = random::gaussian(
            n,
            rt,
            &mut random::rng(self.seed.wrapping_add(0x9E37_79B9_7F4A_7C15)),
        );
        let mut yt = Array2::<T>::zeros((m, rt).f());
        // The pass that reads A last sketches A·Ω_t: pass 1 when it is the only product pass.
        let sketch_first = fuse && q == 0 && rt > 0;
        // Pass 1: finiteness, max |a_ij|, ‖A‖_F and Y = A·Ω (pass efficient: and W = Aᴴ·Y),
        // unscaled.
        // F order: the CholeskyQR2, QR and LU of Y then work in Y's own buffer (no m×l copy).
        let mut y = Array2::<T>::zeros((m, l).f());
        let mut w = Array2::<T>::zeros((n, if fuse { l } else { 0 }).f());
        let mut amax = zero;
        let mut fro = FroAccumulator::new();
        let first = |y: &mut Array2<T>,
                     w: &mut Array2<T>,
                     yt: &mut Array2<T>,
                     amax: &mut T::Real,
                     fro: &mut FroAccumulator<T::Real>,
                     e: i32,
                     r0: usize,
                     b: ArrayView2<'_, T>|
         -> Result<()> {
            let b = scaled(b, e);
            let (bm, bf) = block_stats(r0, &b.view())?;
            if bm > *amax {
                *amax = bm;
            }
            fro.add(bf);
            let h = b.nrows();
            let mut yi = y.slice_mut(s![r0..r0 + h, ..]);
            general_mat_mul(T::one(), &b, &omega, T::zero(), &mut yi);
            if fuse {
                add_adjoint_product(&b.view(), &yi.view(), w);
            }
            if sketch_first {
                let mut ti = yt.slice_mut(s![r0..r0 + h, ..]);
                general_mat_mul(T::one(), &b, &omega_t, T::zero(), &mut ti);
            }
            Ok(())
        };
        run(src, passes, &mut |r0, b| {
            first(&mut y, &mut w, &mut yt, &mut amax, &mut fro, 0, r0, b)
        })?;
        let e = crate::lapack::numeric::outside_window_exponent::<T>(amax);
        if e != 0 {
            // Exactly as in core: the scaled matrix 2^-e·A, in one more pass.
            passes += 1;
            amax = zero;
            fro = FroAccumulator::new();
            w.fill(T::zero());
            run(src, passes, &mut |r0, b| {
                first(&mut y, &mut w, &mut yt, &mut amax, &mut fro, e, r0, b)
            })?;
        }
        let fa = fro.norm();
        let unscale = |x: T::Real| scale_pow2(T::from_real(x), e).re();
        if k == 0 {
            let f = unscale(fa);
            let rep = EckartYoung {
                rank: 0,
                spectral_error: zero,
                frobenius_error: f,
                relative_frobenius_error: if f > zero { one } else { zero },
                energy_retained: if f > zero { zero } else { one },
                stored_values: 0,
                dense_values: m * n,
                estimated: true,
                error_source: ErrorSource::Formula,
            };
            return Ok(TruncatedSvd::from_parts(
                Array2::zeros((m, 0)),
                Array1::zeros(0),
                Array2::zeros((0, n)),
                rep,
            ));
        }

        // Pass efficient: q passes `Y = A·orth(W)`, each summing the next `W = Aᴴ·Y` (and, in
        // the last, A·Ω_t), then `B = R⁻ᴴ·Wᴴ` from `Y = Q·R` when `κ(R)` allows it.
        // The tall basis: CholeskyQR2 (level 3), Householder QR or LU when Y is too
        // ill-conditioned for it; the same span either way.
        let normalise = |y: Array2<T>, is_last: bool| -> Result<Array2<T>> {
            match cholesky_qr2(y, br) {
                Ok(q) => Ok(q),
                Err(y) if is_last => Ok(Qr::from_owned(y)?.into_q()),
                Err(y) => lu_basis(y),
            }
        };
        let mut fused_b = None;
        if fuse {
            for i in 0..q {
                let z = Qr::from_owned(std::mem::replace(&mut w, Array2::zeros((0, 0))))?.q();
                let last = i + 1 == q;
                let mut wn = Array2::<T>::zeros((n, l).f());
                run(src, passes, &mut |r0, b| {
                    let b = scaled(b, e);
                    let h = b.nrows();
                    let mut yi = y.slice_mut(s![r0..r0 + h, ..]);
                    general_mat_mul(T::one(), &b, &z, T::zero(), &mut yi);
                    add_adjoint_product(&b.view(), &yi.view(), &mut wn);
                    if last && rt > 0 {
                        let mut ti = yt.slice_mut(s![r0..r0 + h, ..]);
                        general_mat_mul(T::one(), &b, &omega_t, T::zero(), &mut ti);
                    }
                    Ok(())
                })?;
                w = wn;
            }
            let qr = Qr::from_owned(std::mem::replace(&mut y, Array2::zeros((0, 0))))?;
            let r = qr.r();
            let sv = Svd::values(&r)?;
            let kappa_ok = match (sv.first(), sv.last()) {
                (Some(&hi), Some(&lo)) => {
                    lo > zero && hi <= lo * T::eps().powf(T::Real::from_f64(-0.25))
                }
                _ => false,
            };
            if kappa_ok {
                // B = Qᴴ·A = (Aᴴ·Q)ᴴ = (W·R⁻¹)ᴴ = R⁻ᴴ·Wᴴ: solve Rᴴ·B = Wᴴ.
                let wh = w.t().mapv(|x| x.conj());
                let b = TriangularSolve::new(Uplo::Upper)
                    .trans(Trans::Adjoint)
                    .solve(&r, &wh)?;
                fused_b = Some(b);
            } else {
                // κ(R) too large for the shortcut: B = Qᴴ·A in one more pass (below).
                passes += 1;
            }
            y = qr.into_q();
        } else {
            y = normalise(y, q == 0)?;
        }
        for i in 0..if fuse { 0 } else { q } {
            // Z = Aᴴ·Y, one pass.
            let mut z = Array2::<T>::zeros((n, l).f());
            run(src, passes, &mut |r0, b| {
                let b = scaled(b, e);
                let yi = y.slice(s![r0..r0 + b.nrows(), ..]);
                add_adjoint_product(&b.view(), &yi, &mut z);
                Ok(())
            })?;
            let z = lu_basis(z)?;
            // Y = A·Z, one pass, into Y's buffer (its values were used up by Z).
            run(src, passes, &mut |r0, b| {
                let b = scaled(b, e);
                let h = b.nrows();
                general_mat_mul(
                    T::one(),
                    &b,
                    &z,
                    T::zero(),
                    &mut y.slice_mut(s![r0..r0 + h, ..]),
                );
                Ok(())
            })?;
            y = normalise(y, i + 1 == q)?;
        }
        let qm = y;
        let bmat = match fused_b {
            Some(b) => b,
            None => {
                // B = Qᴴ·A (and A·Ω_t unless the fused passes sketched it), one pass.
                let sketch = rt > 0 && !fuse;
                let mut bmat = Array2::<T>::zeros((l, n));
                run(src, passes, &mut |r0, b| {
                    let b = scaled(b, e);
                    let h = b.nrows();
                    let qh = qm.slice(s![r0..r0 + h, ..]).t().mapv(|x| x.conj());
                    general_mat_mul(T::one(), &qh, &b, T::one(), &mut bmat);
                    if sketch {
                        general_mat_mul(
                            T::one(),
                            &b,
                            &omega_t,
                            T::zero(),
                            &mut yt.slice_mut(s![r0..r0 + h, ..]),
                        );
                    }
                    Ok(())
                })?;
                bmat
            }
        };
        let svd = Svd::from_owned(bmat)?;
        let sb = svd.s();
        // U = Q·U_B: in Q's buffer unless the error estimate still needs Q.
        let ub_all = svd.u();
        let ub = ub_all.slice(s![.., ..k]);
        let (u, qm) = if rt > 0 {
            (qm.dot(&ub), Some(qm))
        } else {
            (times_in_place(qm, &ub, br), None)
        };
        let sk: Array1<T::Real> = sb.slice(s![..k]).mapv(unscale);
        if !sk.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "StreamedRandomizedSvd",
            });
        }
        let sk_scaled: Array1<T::Real> = sb.slice(s![..k]).to_owned();
        let vt = svd.vt().slice(s![..k, ..]).to_owned();

        let estimate = (rt > 0).then(|| {
            let us = scaled_cols(&u, &sk_scaled);
            let qm = qm
                .as_ref()
                .expect("Q is kept when the estimate is asked for");
            super::sketch::hmt_estimate(&yt, &omega_t, qm, &us, &vt)
        });
        let mut source = match estimate {
            Some((range_bound, spectral_bound, _)) => ErrorSource::Estimate {
                vectors: rt,
                range_bound: unscale(range_bound),
                spectral_bound: unscale(spectral_bound),
                failure_probability: super::sketch::failure_probability(rt),
            },
            None => ErrorSource::Formula,
        };
        let (frob, rel) = if fa == zero {
            (zero, zero)
        } else {
            let kept = sk_scaled.iter().fold(zero, |acc, &x| {
                let r = x / fa;
                acc + r * r
            });
            let diff = one - kept;
            let cancels = diff < T::eps().sqrt();
            if let (Some((_, _, f)), true) = (estimate, cancels) {
                (f, f / fa)
            } else if self.exact_error || cancels {
                source = ErrorSource::Residual;
                // ‖A − U·Σ·Vᴴ‖_F, one more pass.
                passes += 1;
                let us = scaled_cols(&u, &sk_scaled);
                let mut acc = FroAccumulator::new();
                run(src, passes, &mut |r0, b| {
                    let b = scaled(b, e);
                    let h = b.nrows();
                    let mut r = b.to_owned();
                    general_mat_mul(
                        -T::one(),
                        &us.slice(s![r0..r0 + h, ..]),
                        &vt,
                        T::one(),
                        &mut r,
                    );
                    acc.add(verify::norm_fro(&r));
                    Ok(())
                })?;
                let f = acc.norm();
                (f, f / fa)
            } else {
                (fa * diff.sqrt(), diff.sqrt())
            }
        };
        let rep = EckartYoung {
            rank: k,
            spectral_error: unscale(sb.get(k).copied().unwrap_or(zero)),
            frobenius_error: unscale(frob),
            relative_frobenius_error: rel,
            energy_retained: (one - rel * rel).max(zero),
            stored_values: (m + n + 1) * k,
            dense_values: m * n,
            estimated: true,
            error_source: source,
        };
        Ok(TruncatedSvd::from_parts(u, sk, vt, rep))
    }
}

/// `Q·C` for an F-order `m×l` `Q` and an `l×k` `C` (`k ≤ l`), written over `Q`'s first `k`
/// columns `rows` rows at a time (row `i` of the product needs only row `i` of `Q`), so the
/// result takes no memory beyond `Q`'s buffer and one `rows×k` block.
fn times_in_place<T: Scalar>(mut q: Array2<T>, c: &ArrayView2<'_, T>, rows: usize) -> Array2<T> {
    let (m, l) = q.dim();
    let k = c.ncols();
    debug_assert!(k <= l && c.nrows() == l);
    if !q.t().is_standard_layout() || m == 0 {
        return q.dot(c);
    }
    let h = rows.clamp(1, m);
    let mut t = Array2::<T>::zeros((h, k).f());
    for r0 in (0..m).step_by(h) {
        let r1 = (r0 + h).min(m);
        let mut ti = t.slice_mut(s![..r1 - r0, ..]);
        general_mat_mul(T::one(), &q.slice(s![r0..r1, ..]), c, T::zero(), &mut ti);
        copy_columns(&ti.view(), &mut q.slice_mut(s![r0..r1, ..k]));
    }
    // F order: columns 0..k are the buffer's first m·k values.
    let (mut v, offset) = q.into_raw_vec_and_offset();
    debug_assert_eq!(offset.unwrap_or(0), 0);
    v.truncate(m * k);
    v.shrink_to_fit();
    Array2::from_shape_vec((m, k).f(), v).expect("m·k values for an m×k matrix")
}

/// An orthonormal basis of the columns of the F-order `m×l` `y` (`m ≥ l`) by CholeskyQR2,
/// in `y`'s buffer: twice `G = Yᴴ·Y`, `G = Rᴴ·R` (Cholesky), `Y ← Y·R⁻¹`, all level-3 BLAS
/// over row blocks of `rows` rows (the unblocked panels of a Householder QR or LU of a tall
/// matrix are level-2). The first factorisation loses orthogonality as `κ(Y)²·ε`, the second
/// restores it to `O(ε)` (Yamamoto, Nakatsukasa, Yanagisawa and Fukaya 2015), as long as
/// `κ(Y)²·ε` stays well below 1: the Gram matrix must factor with an estimated reciprocal
/// condition number of at least `64·l·ε`; otherwise `Err(y)` gives the matrix back, unchanged
/// when the first Gram matrix failed (the span is the same in every case), for the caller's
/// Householder QR or LU.
fn cholesky_qr2<T: Scalar>(
    mut y: Array2<T>,
    rows: usize,
) -> std::result::Result<Array2<T>, Array2<T>> {
    let (m, l) = y.dim();
    if m < l || l == 0 || !y.t().is_standard_layout() {
        return Err(y);
    }
    let h = rows.clamp(1, m);
    let floor = T::Real::from_f64(64.0 * l as f64) * T::eps();
    for _ in 0..2 {
        // G = Yᴴ·Y, summed over row blocks (the adjoint of a block is a small copy).
        let mut g = Array2::<T>::zeros((l, l).f());
        for r0 in (0..m).step_by(h) {
            let yi = y.slice(s![r0..(r0 + h).min(m), ..]);
            add_adjoint_product(&yi, &yi, &mut g);
        }
        let Ok(c) = crate::decomp::cholesky::Cholesky::with_uplo(&g, Uplo::Upper) else {
            return Err(y);
        };
        // A NaN estimate fails the test too.
        let rc = c.rcond();
        if rc.is_nan() || rc < floor {
            return Err(y);
        }
        // R⁻¹ (upper triangular), then Y ← Y·R⁻¹ row block by row block, in place.
        let r = c.u();
        let rinv = match TriangularSolve::new(Uplo::Upper).solve(&r, &Array2::<T>::eye(l)) {
            Ok(x) => x,
            Err(_) => return Err(y),
        };
        let mut t = Array2::<T>::zeros((h, l).f());
        for r0 in (0..m).step_by(h) {
            let r1 = (r0 + h).min(m);
            let mut ti = t.slice_mut(s![..r1 - r0, ..]);
            general_mat_mul(
                T::one(),
                &y.slice(s![r0..r1, ..]),
                &rinv,
                T::zero(),
                &mut ti,
            );
            copy_columns(&ti.view(), &mut y.slice_mut(s![r0..r1, ..]));
        }
    }
    // F order: the buffer in memory order (a row-major walk would stride by m).
    let finite = y
        .as_slice_memory_order()
        .is_some_and(|v| v.iter().all(|x| x.is_finite()));
    if finite {
        Ok(y)
    } else {
        Err(y)
    }
}

/// `dst = src` column by column: for a block of rows of an F-order matrix each column is one
/// contiguous run, which a two-dimensional `assign` would walk row by row (a stride of `m`).
fn copy_columns<T: Scalar>(src: &ArrayView2<'_, T>, dst: &mut ndarray::ArrayViewMut2<'_, T>) {
    for (mut d, c) in dst.columns_mut().into_iter().zip(src.columns()) {
        d.assign(&c);
    }
}

/// `w += bᴴ·y` (`b`: a block of rows of `A`, `y`: the same rows of `A·X`).
fn add_adjoint_product<T: Scalar>(b: &ArrayView2<'_, T>, y: &ArrayView2<'_, T>, w: &mut Array2<T>) {
    if T::IS_COMPLEX {
        let bh = b.t().mapv(|x| x.conj());
        general_mat_mul(T::one(), &bh, y, T::one(), w);
    } else {
        general_mat_mul(T::one(), &b.t(), y, T::one(), w);
    }
}

/// The block as is (`e = 0`) or scaled by the exact power of two `2^-e`.
fn scaled<T: Scalar>(b: ArrayView2<'_, T>, e: i32) -> CowArray<'_, T, ndarray::Ix2> {
    if e == 0 {
        CowArray::from(b)
    } else {
        CowArray::from(b.mapv(|x| scale_pow2(x, -e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `‖QᴴQ − I‖_max` and `‖Y − Q·(QᴴY)‖_max / ‖Y‖_max`.
    fn defects<T: Scalar>(q: &Array2<T>, y: &Array2<T>) -> (f64, f64) {
        let qh = q.t().mapv(|x| x.conj());
        let g = qh.dot(q);
        let orth = g
            .indexed_iter()
            .map(|((i, j), &x)| {
                (x - if i == j { T::one() } else { T::zero() })
                    .abs()
                    .to_f64()
            })
            .fold(0.0, f64::max);
        let r = y - &q.dot(&qh.dot(y));
        let ymax = y.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max);
        let span = r.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max) / ymax;
        (orth, span)
    }

    fn f_order<T: Scalar>(a: Array2<T>) -> Array2<T> {
        let mut f = Array2::<T>::zeros(a.dim().f());
        f.assign(&a);
        f
    }

    /// CholeskyQR2 gives an orthonormal basis of the same span, to `O(l·ε)` and `O(κ·l·ε)`,
    /// whatever the row blocks (1, 7, more than `m`); a singular Gram matrix gives the input
    /// back unchanged.
    fn check_cholesky_qr2<T: Scalar>() {
        let (m, l) = (300, 12);
        let eps = T::eps().to_f64();
        // κ(Y) = 100 (f32: 10): inside the range the Gram matrix's condition allows,
        // rcond(YᴴY) ≥ 64·l·ε.
        let kappa = if eps > 1e-10 { 10.0 } else { 100.0 };
        let s: Vec<T::Real> = (0..l)
            .map(|i| T::Real::from_f64(kappa.powf(-(i as f64) / (l - 1) as f64)))
            .collect();
        let y = f_order(crate::testing::with_singular_values::<T>(
            m,
            l,
            &s,
            &mut crate::testing::rng(7),
        ));
        for rows in [1, 7, m + 5] {
            let q = cholesky_qr2(y.clone(), rows)
                .unwrap_or_else(|_| panic!("κ = 100 factors ({rows})"));
            assert_eq!(q.dim(), (m, l));
            let (orth, span) = defects(&q, &y);
            assert!(orth < 10.0 * l as f64 * eps, "{rows}: ‖QᴴQ − I‖ = {orth:e}");
            assert!(
                span < 100.0 * 10.0 * l as f64 * eps,
                "{rows}: span defect {span:e}"
            );
        }
        // Two equal columns: the Gram matrix is singular; y comes back as it was.
        let mut z = y.clone();
        let c0 = z.column(0).to_owned();
        z.column_mut(3).assign(&c0);
        for rows in [1, 7, m + 5] {
            match cholesky_qr2(z.clone(), rows) {
                Err(back) => assert_eq!(back, z),
                Ok(_) => panic!("a singular Gram matrix must fall back ({rows})"),
            }
        }
        // C order or more columns than rows: not handled, given back.
        let c = y.as_standard_layout().to_owned();
        assert!(cholesky_qr2(c, 7).is_err());
        assert!(cholesky_qr2(f_order(Array2::<T>::zeros((3, 5))), 7).is_err());
    }

    #[test]
    fn cholesky_qr2_f64() {
        check_cholesky_qr2::<f64>();
    }

    #[test]
    fn cholesky_qr2_f32() {
        check_cholesky_qr2::<f32>();
    }

    #[test]
    fn cholesky_qr2_c64() {
        check_cholesky_qr2::<crate::c64>();
    }
}
