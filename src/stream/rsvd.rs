//! Randomized SVD over a row-block source.

use std::path::Path;
use std::time::{Duration, Instant};

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, CowArray, ShapeBuilder};
use ndarray_npy::WritableElement;

use super::basis::{add_adjoint_product, cholesky_qr2, householder_in_place, times_in_place, Tall};
use super::{block_stats, FroAccumulator, NpyFile, NpyRowWriter, RowBlockSource};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::decomp::triangular::TriangularSolve;
use crate::error::{Error, Result};
use crate::lapack::numeric::scale_pow2;
use crate::lapack::{Trans, Uplo};
use crate::layout::check_dims;
use crate::lowrank::{
    lu_basis, lu_basis_in_place, scaled_cols, EckartYoung, ErrorSource, TruncatedSvd,
};
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
/// with [`error_estimate`](Self::error_estimate) also the `m×r` sketch `A·Ω_t`), `Z` and `B`
/// (`n×l`), one block (`block_rows×n`, only copied when scaled or complex) —
/// `O((m + n)·l + block_rows·n)` values, independent of how the source stores its data.
/// [`compute_to_npy`](Self::compute_to_npy) keeps the `m`-sized part in a memory-mapped
/// scratch file and writes `U` to a `.npy`: `O(n·l + block_rows·n)` values in memory.
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
        progress: F,
    ) -> Result<TruncatedSvd<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
        F: FnMut(StreamProgress),
    {
        let f = self.factor(src, progress, None)?;
        let k = f.s.len();
        Ok(TruncatedSvd::from_parts(
            f.basis.into_leading_columns(k),
            f.s,
            f.vt,
            f.report,
        ))
    }

    /// Runs the algorithm on `src` with nothing of size `O(m)` in memory: the tall basis (and
    /// the error sketch of [`error_estimate`](Self::error_estimate)) live in an unnamed,
    /// memory-mapped scratch file beside `u_path` (`m·(k + p)` values, plus `m·r` for the
    /// estimate; deleted when the call returns, also on error), and `U` (`m×k`) is written to
    /// `u_path` as a C-order `.npy`, row block by row block. The memory the call holds is one
    /// block, `O(n·(k + p))` values and LAPACK's workspace for the small factors; the scratch
    /// file's pages are page cache, which the kernel writes back and evicts under pressure.
    ///
    /// The arithmetic is that of [`compute`](Self::compute), on the same values in another
    /// buffer: the results agree with it to rounding (bit for bit where the BLAS does not depend
    /// on the buffers' alignment). `u_path` is written through a temporary file beside it and
    /// renamed when complete, so a failed call never leaves a partial `U` under that name.
    ///
    /// # Errors
    /// Those of [`compute`](Self::compute); [`Error::Io`] when the output or the scratch file
    /// cannot be created or written (checked before the first pass), e.g. a missing
    /// directory or a full disk.
    ///
    /// ```
    /// use ndfactor::{stream::{NpyFile, RowBlockSource, StreamedRandomizedSvd}, testing};
    /// let s: Vec<f64> = (0..20).map(|i| 0.5f64.powi(i)).collect();
    /// let a = testing::with_singular_values::<f64>(120, 20, &s, &mut testing::rng(1));
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("u.npy");
    /// let rsvd = StreamedRandomizedSvd::new(3).seed(5).block_rows(16);
    /// let on_disk = rsvd.compute_to_npy(&mut a.view(), &path)?;
    /// let in_memory = rsvd.compute(&mut a.view())?;
    /// let u: ndarray::Array2<f64> = ndarray_npy::read_npy(&path).unwrap();
    /// assert_eq!(u.dim(), (120, 3));
    /// assert_eq!(on_disk.u()?.shape(), (120, 3));
    /// for (x, y) in u.iter().zip(in_memory.u()) {
    ///     assert!((x - y).abs() < 120.0 * 13.0 * f64::EPSILON);
    /// }
    /// assert!((on_disk.s()[0] - in_memory.s()[0]).abs() < 120.0 * 13.0 * f64::EPSILON);
    /// // Only U is left in the directory: the scratch file had no name.
    /// assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn compute_to_npy<T, Src>(
        &self,
        src: &mut Src,
        u_path: impl AsRef<Path>,
    ) -> Result<TruncatedSvdOnDisk<T>>
    where
        T: Scalar + WritableElement,
        Src: RowBlockSource<T> + ?Sized,
    {
        self.compute_to_npy_with_progress(src, u_path, |_| {})
    }

    /// [`compute_to_npy`](Self::compute_to_npy), calling `progress` after every block of every
    /// pass (writing `U` is not a pass over the data and is not reported).
    ///
    /// # Errors
    /// See [`compute_to_npy`](Self::compute_to_npy).
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let a = ndfactor::testing::gaussian::<f32>(40, 6, &mut ndfactor::testing::rng(0));
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut passes = 0;
    /// let t = StreamedRandomizedSvd::new(2).power_iterations(1)
    ///     .compute_to_npy_with_progress(&mut a.view(), dir.path().join("u.npy"), |p| passes = p.passes)?;
    /// assert_eq!((passes, t.rank()), (4, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn compute_to_npy_with_progress<T, Src, F>(
        &self,
        src: &mut Src,
        u_path: impl AsRef<Path>,
        progress: F,
    ) -> Result<TruncatedSvdOnDisk<T>>
    where
        T: Scalar + WritableElement,
        Src: RowBlockSource<T> + ?Sized,
        F: FnMut(StreamProgress),
    {
        let u_path = u_path.as_ref();
        let (m, n) = src.shape();
        if self.k > m.min(n) {
            return Err(Error::InvalidRank {
                k: self.k,
                max: m.min(n),
            });
        }
        // The output first: an unwritable directory fails before any pass.
        let mut out = NpyRowWriter::<T>::create(u_path, (m, self.k))?;
        let dir = match u_path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let f = self.factor(src, progress, Some(dir))?;
        let k = f.s.len();
        let u = f.basis.view();
        let h = self.block_rows.clamp(1, m.max(1));
        for r0 in (0..m).step_by(h) {
            out.write_rows(u.slice(s![r0..(r0 + h).min(m), ..k]))?;
        }
        out.finish()?;
        Ok(TruncatedSvdOnDisk {
            u_path: u_path.to_path_buf(),
            m,
            s: f.s,
            vt: f.vt,
            report: f.report,
        })
    }

    /// The algorithm, with its tall matrices in memory (`dir = None`) or in scratch files in
    /// `dir`; `U` is left in the basis's first `k` columns.
    fn factor<T, Src, F>(
        &self,
        src: &mut Src,
        mut progress: F,
        dir: Option<&Path>,
    ) -> Result<Factors<T>>
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
        let mut yt = Tall::<T>::zeros(m, rt, dir)?;
        // The pass that reads A last sketches A·Ω_t: pass 1 when it is the only product pass.
        let sketch_first = fuse && q == 0 && rt > 0;
        // Pass 1: finiteness, max |a_ij|, ‖A‖_F and Y = A·Ω (pass efficient: and W = Aᴴ·Y),
        // unscaled.
        // F order: the CholeskyQR2, QR and LU of Y then work in Y's own buffer (no m×l copy).
        let mut y = Tall::<T>::zeros(m, l, dir)?;
        let mut w = Array2::<T>::zeros((n, if fuse { l } else { 0 }).f());
        let mut amax = zero;
        let mut fro = FroAccumulator::new();
        let first = |y: &mut Tall<T>,
                     w: &mut Array2<T>,
                     yt: &mut Tall<T>,
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
            let mut yv = y.view_mut();
            let mut yi = yv.slice_mut(s![r0..r0 + h, ..]);
            general_mat_mul(T::one(), &b, &omega, T::zero(), &mut yi);
            if fuse {
                add_adjoint_product(&b.view(), &yi.view(), w);
            }
            if sketch_first {
                let mut tv = yt.view_mut();
                let mut ti = tv.slice_mut(s![r0..r0 + h, ..]);
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
            return Ok(Factors {
                basis: Tall::Heap(Array2::zeros((m, 0).f())),
                s: Array1::zeros(0),
                vt: Array2::zeros((0, n)),
                report: rep,
            });
        }

        // Pass efficient: q passes `Y = A·orth(W)`, each summing the next `W = Aᴴ·Y` (and, in
        // the last, A·Ω_t), then `B = R⁻ᴴ·Wᴴ` from `Y = Q·R` when `κ(R)` allows it.
        // The tall basis: CholeskyQR2 (level 3), Householder QR or LU when Y is too
        // ill-conditioned for it; the same span either way.
        let normalise = |y: &mut Tall<T>, is_last: bool| -> Result<()> {
            let mut v = y.view_mut();
            if cholesky_qr2(&mut v, br) {
                Ok(())
            } else if is_last {
                householder_in_place(&mut v).map(|_| ())
            } else {
                lu_basis_in_place(&mut v)
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
                    let mut yv = y.view_mut();
                    let mut yi = yv.slice_mut(s![r0..r0 + h, ..]);
                    general_mat_mul(T::one(), &b, &z, T::zero(), &mut yi);
                    add_adjoint_product(&b.view(), &yi.view(), &mut wn);
                    if last && rt > 0 {
                        let mut tv = yt.view_mut();
                        let mut ti = tv.slice_mut(s![r0..r0 + h, ..]);
                        general_mat_mul(T::one(), &b, &omega_t, T::zero(), &mut ti);
                    }
                    Ok(())
                })?;
                w = wn;
            }
            // Householder QR in Y's buffer: Y becomes Q, R is kept.
            let r = householder_in_place(&mut y.view_mut())?;
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
        } else {
            normalise(&mut y, q == 0)?;
        }
        for i in 0..if fuse { 0 } else { q } {
            // Z = Aᴴ·Y, one pass.
            let mut z = Array2::<T>::zeros((n, l).f());
            run(src, passes, &mut |r0, b| {
                let b = scaled(b, e);
                let yv = y.view();
                let yi = yv.slice(s![r0..r0 + b.nrows(), ..]);
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
                    &mut y.view_mut().slice_mut(s![r0..r0 + h, ..]),
                );
                Ok(())
            })?;
            normalise(&mut y, i + 1 == q)?;
        }
        let bmat = match fused_b {
            Some(b) => b,
            None => {
                // B = Qᴴ·A (and A·Ω_t unless the fused passes sketched it), one pass.
                let sketch = rt > 0 && !fuse;
                let mut bmat = Array2::<T>::zeros((l, n));
                run(src, passes, &mut |r0, b| {
                    let b = scaled(b, e);
                    let h = b.nrows();
                    let qh = y.view().slice(s![r0..r0 + h, ..]).t().mapv(|x| x.conj());
                    general_mat_mul(T::one(), &qh, &b, T::one(), &mut bmat);
                    if sketch {
                        general_mat_mul(
                            T::one(),
                            &b,
                            &omega_t,
                            T::zero(),
                            &mut yt.view_mut().slice_mut(s![r0..r0 + h, ..]),
                        );
                    }
                    Ok(())
                })?;
                bmat
            }
        };
        let svd = Svd::from_owned(bmat)?;
        let sb = svd.s();
        let ub_all = svd.u();
        let ub = ub_all.slice(s![.., ..k]);
        let sk: Array1<T::Real> = sb.slice(s![..k]).mapv(unscale);
        if !sk.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "StreamedRandomizedSvd",
            });
        }
        let sk_scaled: Array1<T::Real> = sb.slice(s![..k]).to_owned();
        let vt = svd.vt().slice(s![..k, ..]).to_owned();

        // The estimate needs Q and U·Σ = Q·(U_B·Σ), row block by row block, before U is formed.
        let estimate = (rt > 0).then(|| {
            let ubs = scaled_cols(&ub.to_owned(), &sk_scaled);
            let qv = y.view();
            super::sketch::hmt_estimate(
                &yt.view(),
                &omega_t,
                &qv,
                &|r0, r1| qv.slice(s![r0..r1, ..]).dot(&ubs),
                &vt,
                br,
            )
        });
        // U = Q·U_B, over Q's first k columns (row i of U needs only row i of Q).
        times_in_place(&mut y.view_mut(), &ub, br);
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
                let mut acc = FroAccumulator::new();
                let uv = y.view();
                run(src, passes, &mut |r0, b| {
                    let b = scaled(b, e);
                    let h = b.nrows();
                    let mut r = b.to_owned();
                    let us = scaled_cols(&uv.slice(s![r0..r0 + h, ..k]).to_owned(), &sk_scaled);
                    general_mat_mul(-T::one(), &us, &vt, T::one(), &mut r);
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
        Ok(Factors {
            basis: y,
            s: sk,
            vt,
            report: rep,
        })
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

/// What [`StreamedRandomizedSvd::factor`] leaves: `U` in the basis's first `k` columns.
struct Factors<T: Scalar> {
    basis: Tall<T>,
    s: Array1<T::Real>,
    vt: Array2<T>,
    report: EckartYoung<T::Real>,
}

/// A truncated SVD `A ≈ U·Σ·Vᴴ` whose `U` (`m×k`) is a `.npy` file, from
/// [`StreamedRandomizedSvd::compute_to_npy`]: `σ`, `Vᴴ` and the Eckart–Young report in memory,
/// `U` on disk, read back block by block as a [`RowBlockSource`] through [`u`](Self::u) (or by
/// NumPy: `np.load(path, mmap_mode="r")`).
///
/// ```
/// use ndfactor::{stream::{RowBlockSource, StreamedRandomizedSvd}, testing, verify};
/// let a = testing::gaussian::<f64>(200, 12, &mut testing::rng(4));
/// let dir = tempfile::tempdir().unwrap();
/// let t = StreamedRandomizedSvd::new(4).compute_to_npy(&mut a.view(), dir.path().join("u.npy"))?;
/// let u = t.u()?.view()?.to_owned();
/// assert!(verify::orthogonality_ratio(&u) < verify::LIN_THRESHOLD);
/// assert_eq!((t.rank(), t.vt().dim(), t.u_path().file_name().unwrap().to_str()), (4, (4, 12), Some("u.npy")));
/// assert!(t.report().frobenius_error <= verify::norm_fro(&a));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TruncatedSvdOnDisk<T: Scalar> {
    u_path: std::path::PathBuf,
    m: usize,
    s: Array1<T::Real>,
    vt: Array2<T>,
    report: EckartYoung<T::Real>,
}

impl<T: Scalar> TruncatedSvdOnDisk<T> {
    /// Where `U` is: a C-order `m×k` `.npy` file.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let p = dir.path().join("u.npy");
    /// let t = StreamedRandomizedSvd::new(1).compute_to_npy(&mut ndarray::Array2::<f64>::eye(3), &p)?;
    /// assert_eq!(t.u_path(), p.as_path());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u_path(&self) -> &Path {
        &self.u_path
    }

    /// `U`, memory-mapped: a row-block source, or [`NpyFile::view`] for the whole of it.
    ///
    /// # Errors
    /// Those of [`NpyFile::open`] (e.g. the file was removed).
    ///
    /// ```
    /// # use ndfactor::stream::{RowBlockSource, StreamedRandomizedSvd};
    /// let dir = tempfile::tempdir().unwrap();
    /// let t = StreamedRandomizedSvd::new(2)
    ///     .compute_to_npy(&mut ndarray::Array2::<f32>::eye(5), dir.path().join("u.npy"))?;
    /// assert_eq!(t.u()?.shape(), (5, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> Result<NpyFile<T>>
    where
        T: ndarray_npy::ViewElement,
    {
        NpyFile::open(&self.u_path)
    }

    /// `σ₁ ≥ … ≥ σ_k`.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let a = ndarray::array![[3.0f64, 0.0], [0.0, 1.0], [0.0, 0.0]];
    /// let t = StreamedRandomizedSvd::new(1).compute_to_npy(&mut a.view(), dir.path().join("u.npy"))?;
    /// assert!((t.s()[0] - 3.0).abs() < 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> ArrayView1<'_, T::Real> {
        self.s.view()
    }

    /// `V_kᴴ` (`k×n`).
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let t = StreamedRandomizedSvd::new(2)
    ///     .compute_to_npy(&mut ndarray::Array2::<f64>::eye(4), dir.path().join("u.npy"))?;
    /// assert_eq!(t.vt().dim(), (2, 4));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> ArrayView2<'_, T> {
        self.vt.view()
    }

    /// Rank `k`.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let t = StreamedRandomizedSvd::new(2)
    ///     .compute_to_npy(&mut ndarray::Array2::<f64>::eye(4), dir.path().join("u.npy"))?;
    /// assert_eq!(t.rank(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.s.len()
    }

    /// Rows `m` of `U` (and of the factored matrix).
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let t = StreamedRandomizedSvd::new(1)
    ///     .compute_to_npy(&mut ndarray::Array2::<f64>::eye(4), dir.path().join("u.npy"))?;
    /// assert_eq!(t.nrows(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn nrows(&self) -> usize {
        self.m
    }

    /// The Eckart–Young error report, as [`TruncatedSvd::report`].
    ///
    /// ```
    /// # use ndfactor::stream::StreamedRandomizedSvd;
    /// let dir = tempfile::tempdir().unwrap();
    /// let a = ndarray::array![[3.0f64, 0.0], [0.0, 1.0]];
    /// let t = StreamedRandomizedSvd::new(1).compute_to_npy(&mut a.view(), dir.path().join("u.npy"))?;
    /// assert!((t.report().frobenius_error - 1.0).abs() < 8.0 * f64::EPSILON);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn report(&self) -> EckartYoung<T::Real> {
        self.report
    }
}
