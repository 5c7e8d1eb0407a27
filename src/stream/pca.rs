//! PCA over a row-block source: column statistics in one pass, then a randomized SVD of the
//! centred (and optionally scaled) data, block by block.

use ndarray::{Array1, Array2, ArrayView2, Axis, ShapeBuilder};

use super::StreamedRandomizedSvd;
use super::{check_block_finite, BlockVisitor, RowBlockSource, StreamProgress};
use crate::error::{Error, Result};
use crate::lowrank::{flip_signs, FittedPca, Scaling};
use crate::scalar::{RealScalar, Scalar};

/// PCA of a matrix read in row blocks (samples are rows): the streamed twin of
/// [`Pca`](crate::Pca) with the [`PcaSolver::Randomized`](crate::PcaSolver::Randomized) solver.
///
/// Pass 1 computes the column means `μ`, the sums of squared deviations `M2` (for
/// [`Scaling::UnitVariance`]: `sⱼ = √(M2ⱼ/(n − 1))`) and `max |xᵢⱼ|` per column, each block by
/// a two-pass formula in memory and the blocks merged with Chan, Golub and LeVeque's update
/// (`δ = μ_b − μ`, `M2 += M2_b + |δ|²·n_a·n_b/(n_a + n_b)`), which is as accurate as the in-core
/// corrected two-pass algorithm. Then [`StreamedRandomizedSvd`] runs on the centred source
/// `(X − 1·μᵀ)·S⁻¹`, which centres each block as it is read: the centred matrix is never
/// stored, only one centred block at a time. Passes: `1 + 2q + 2`.
///
/// Same seed and same data give [`Pca`](crate::Pca)'s randomized result to rounding
/// (components' signs are fixed the same way: the largest entry of each component is positive).
///
/// # Errors
/// [`Error::InvalidArgument`] for fewer than 2 samples; [`Error::InvalidRank`] for
/// `k > min(n, p)`; [`Error::NonFinite`] at the global position; the source's errors.
///
/// ```
/// use ndfactor::{stream::StreamedPca, Pca, PcaSolver, Rank};
/// let x = ndfactor::testing::gaussian::<f64>(50, 6, &mut ndfactor::testing::rng(1));
/// let s = StreamedPca::new(2).seed(5).block_rows(7).fit(&mut x.view())?;
/// let c = Pca::new(Rank::Fixed(2))
///     .solver(PcaSolver::Randomized { oversamples: 10, power_iterations: None, seed: 5 })
///     .fit(&x)?;
/// for (a, b) in s.explained_variance().iter().zip(c.explained_variance()) {
///     assert!((a - b).abs() < 1e-12 * b);
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StreamedPca {
    k: usize,
    scaling: Scaling,
    oversamples: usize,
    power_iterations: Option<usize>,
    seed: u64,
    block_rows: usize,
}

impl StreamedPca {
    /// `k` components, centring only, 10 oversamples, automatic power iterations, seed 0,
    /// blocks of 4096 rows.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5]];
    /// let p = StreamedPca::new(1).fit(&mut x.view())?;
    /// assert!((p.components()[(0, 0)] - 1.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(k: usize) -> Self {
        StreamedPca {
            k,
            scaling: Scaling::None,
            oversamples: 10,
            power_iterations: None,
            seed: 0,
            block_rows: 4096,
        }
    }

    /// Column scaling ([`Scaling::UnitVariance`]: PCA of the correlation matrix).
    ///
    /// ```
    /// # use ndfactor::{stream::StreamedPca, Scaling};
    /// let x = ndarray::array![[1.0f64, 10.0], [2.0, 30.0], [3.0, 20.0]];
    /// let p = StreamedPca::new(1).scale(Scaling::UnitVariance).fit(&mut x.view())?;
    /// let s = p.scale().unwrap();
    /// assert!((s[0] - 1.0).abs() < 1e-15 && (s[1] - 10.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scale(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// Oversampling of the randomized SVD.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndfactor::testing::gaussian::<f64>(10, 4, &mut ndfactor::testing::rng(0));
    /// assert_eq!(StreamedPca::new(1).oversamples(2).fit(&mut x.view())?.n_components(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn oversamples(mut self, p: usize) -> Self {
        self.oversamples = p;
        self
    }

    /// Power iterations of the randomized SVD (two passes each).
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndfactor::testing::gaussian::<f64>(10, 4, &mut ndfactor::testing::rng(0));
    /// let mut passes = 0;
    /// StreamedPca::new(1).power_iterations(1).fit_with_progress(&mut x.view(), |p| passes = p.passes)?;
    /// assert_eq!(passes, 4); // the randomized SVD's own count: 2q + 2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn power_iterations(mut self, q: usize) -> Self {
        self.power_iterations = Some(q);
        self
    }

    /// Seed of the Gaussian test matrix.
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndfactor::testing::gaussian::<f64>(10, 4, &mut ndfactor::testing::rng(0));
    /// let a = StreamedPca::new(2).seed(1).fit(&mut x.view())?;
    /// let b = StreamedPca::new(2).seed(1).fit(&mut x.view())?;
    /// assert_eq!(a.singular_values(), b.singular_values()); // exact: same seed, blocks and code path in one process
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Rows per block.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndfactor::testing::gaussian::<f64>(10, 4, &mut ndfactor::testing::rng(0));
    /// assert_eq!(StreamedPca::new(1).block_rows(3).fit(&mut x.view())?.n_samples(), 10);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn block_rows(mut self, rows: usize) -> Self {
        self.block_rows = rows.max(1);
        self
    }

    /// Fits the model to the rows of `src`.
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// assert!(StreamedPca::new(1).fit(&mut ndarray::Array2::<f64>::zeros((1, 3))).is_err());
    /// ```
    pub fn fit<T, Src>(&self, src: &mut Src) -> Result<FittedPca<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
    {
        self.fit_with_progress(src, |_| {})
    }

    /// Fits the model, reporting the randomized SVD's progress after every block (the
    /// statistics pass is not reported).
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::stream::StreamedPca;
    /// let x = ndfactor::testing::gaussian::<f32>(12, 3, &mut ndfactor::testing::rng(0));
    /// let mut rows = 0;
    /// StreamedPca::new(1).power_iterations(0).block_rows(5)
    ///     .fit_with_progress(&mut x.view(), |p| rows = p.rows_done)?;
    /// assert_eq!(rows, 12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit_with_progress<T, Src, F>(&self, src: &mut Src, progress: F) -> Result<FittedPca<T>>
    where
        T: Scalar,
        Src: RowBlockSource<T> + ?Sized,
        F: FnMut(StreamProgress),
    {
        let (n, p) = src.shape();
        if n < 2 {
            return Err(Error::InvalidArgument {
                reason: format!("PCA needs at least 2 samples, got {n}"),
            });
        }
        let kmax = n.min(p);
        if self.k > kmax {
            return Err(Error::InvalidRank {
                k: self.k,
                max: kmax,
            });
        }
        let zero = T::Real::from_f64(0.0);
        let one = T::Real::from_f64(1.0);
        // Pass 1: Chan–Golub–LeVeque merge of per-block two-pass statistics.
        let mut count = 0usize;
        let mut mean = Array1::<T>::zeros(p);
        let mut m2 = Array1::<T::Real>::zeros(p);
        let mut big = Array1::<T::Real>::zeros(p);
        src.for_each_block(self.block_rows, &mut |r0, b| {
            check_block_finite(r0, &b)?;
            let h = b.nrows();
            let ht = T::from_f64(h as f64);
            for (j, col) in b.axis_iter(Axis(1)).enumerate() {
                let mb = col.iter().map(|&v| v / ht).sum::<T>();
                let mb = mb + col.iter().map(|&v| (v - mb) / ht).sum::<T>();
                let m2b = col.iter().fold(zero, |acc, &v| acc + (v - mb).abs_sqr());
                let bj = col.iter().fold(zero, |acc, &v| acc.max(v.abs()));
                big[j] = big[j].max(bj);
                let na = count as f64;
                let nt = na + h as f64;
                let delta = mb - mean[j];
                mean[j] += delta * T::from_f64(h as f64 / nt);
                m2[j] += m2b + delta.abs_sqr() * T::Real::from_f64(na * h as f64 / nt);
            }
            count += h;
            Ok(())
        })?;
        let nm1 = T::Real::from_f64((n - 1) as f64);
        let scale = match self.scaling {
            Scaling::None => None,
            Scaling::UnitVariance => {
                let thr = T::Real::from_f64(n as f64) * T::eps();
                Some(Array1::from_shape_fn(p, |j| {
                    let sd = (m2[j] / nm1).sqrt();
                    if sd > thr * big[j] {
                        sd
                    } else {
                        one
                    }
                }))
            }
        };
        let fro2 = match &scale {
            None => m2.sum(),
            Some(s) => m2
                .iter()
                .zip(s)
                .fold(zero, |acc, (&v, &sj)| acc + v / (sj * sj)),
        };
        let total_variance = fro2 / nm1;

        let mut rs = StreamedRandomizedSvd::new(self.k)
            .oversamples(self.oversamples)
            .seed(self.seed)
            .block_rows(self.block_rows);
        if let Some(q) = self.power_iterations {
            rs = rs.power_iterations(q);
        }
        let mut centred = Standardized {
            src,
            mean: &mean,
            scale: scale.as_ref(),
        };
        let t = rs.compute_with_progress(&mut centred, progress)?;
        let mut components = Array2::<T>::zeros((self.k, p).f());
        components.assign(&t.vt());
        flip_signs(&mut components);
        let sing = t.s().to_owned();
        let explained_variance = sing.mapv(|s| s * (s / nm1));
        if !(total_variance.is_finite() && explained_variance.iter().all(|v| v.is_finite())) {
            return Err(Error::NumericalBreakdown {
                routine: "StreamedPca (variance of data near the overflow threshold)",
            });
        }
        Ok(FittedPca::from_parts(
            mean,
            scale,
            components,
            sing,
            explained_variance,
            total_variance,
            n,
            t.report(),
        ))
    }
}

/// `(X − 1·μᵀ)·S⁻¹` of a source, one centred block at a time.
struct Standardized<'a, T: Scalar, S: ?Sized> {
    src: &'a mut S,
    mean: &'a Array1<T>,
    scale: Option<&'a Array1<T::Real>>,
}

impl<T: Scalar, S: RowBlockSource<T> + ?Sized> RowBlockSource<T> for Standardized<'_, T, S> {
    fn shape(&self) -> (usize, usize) {
        self.src.shape()
    }

    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()> {
        let (mean, scale) = (self.mean, self.scale);
        self.src
            .for_each_block(block_rows, &mut |r0, b: ArrayView2<'_, T>| {
                let mut c = b.to_owned();
                for mut row in c.rows_mut() {
                    row -= mean;
                    if let Some(s) = scale {
                        row.zip_mut_with(s, |v, &sj| *v /= T::from_real(sj));
                    }
                }
                visit(r0, c.view())
            })
    }
}
