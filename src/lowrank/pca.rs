//! Principal component analysis through the SVD of the centred data matrix.

use ndarray::{linalg::general_mat_mul, s, Array1, Array2, ArrayBase, ArrayView1, ArrayView2};
use ndarray::{Axis, Data, Ix2, ShapeBuilder};

use super::{choose_rank, invalid, EckartYoung, Rank};
use crate::error::{Error, Result};
use crate::layout::{check_dims, check_finite, to_col_major};
use crate::scalar::{RealScalar, Scalar};
use crate::{verify, RandomizedSvd, Svd};

/// Per-feature scaling applied after centring.
///
/// ```
/// use ndfactor::{Pca, Rank, Scaling};
/// let x = ndarray::array![[1.0f64, 10.0], [2.0, 30.0], [3.0, 20.0]];
/// let p = Pca::new(Rank::Fixed(2)).scale(Scaling::UnitVariance).fit(&x)?;
/// assert_eq!(p.scale().unwrap().to_vec(), vec![1.0, 10.0]); // exact: integer means and variances 1 and 100; sqrt is correctly rounded
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scaling {
    /// Centre only (PCA of the covariance matrix).
    #[default]
    None,
    /// Centre, then divide each column by its sample standard deviation (ddof = 1): PCA of the
    /// correlation matrix. A column whose standard deviation is at most `n·ε·max|xᵢⱼ|`
    /// (constant up to rounding) is left unscaled (scale 1), as scikit-learn's
    /// `StandardScaler` does.
    UnitVariance,
}

/// How the SVD of the centred data is computed.
///
/// ```
/// use ndfactor::{Pca, PcaSolver, Rank};
/// let x = ndfactor::testing::gaussian::<f64>(40, 6, &mut ndfactor::testing::rng(1));
/// let e = Pca::new(Rank::Fixed(6)).fit(&x)?;
/// let r = Pca::new(Rank::Fixed(6)).solver(PcaSolver::randomized()).fit(&x)?;
/// assert!((e.explained_variance()[0] - r.explained_variance()[0]).abs() < 1e-12);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PcaSolver {
    /// Thin SVD of the whole `n×p` centred matrix ([`Svd`], ?gesdd):
    /// `O(n·p·min(n, p))` flops. Accepts every [`Rank`] variant.
    #[default]
    Exact,
    /// [`RandomizedSvd`] with these parameters: `O((2q + 2)·n·p·(k + oversamples))` flops.
    /// Pays off when `k ≪ min(n, p)` and the spectrum decays. Only [`Rank::Fixed`] is
    /// accepted (the other rules need the whole spectrum).
    Randomized {
        /// Extra sample columns `p` (10 is usual).
        oversamples: usize,
        /// Power iterations `q`; `None` for [`RandomizedSvd`]'s automatic choice.
        power_iterations: Option<usize>,
        /// Seed of the Gaussian test matrix.
        seed: u64,
    },
}

impl PcaSolver {
    /// `Randomized { oversamples: 10, power_iterations: None, seed: 0 }`.
    ///
    /// ```
    /// # use ndfactor::PcaSolver;
    /// assert!(matches!(PcaSolver::randomized(), PcaSolver::Randomized { oversamples: 10, .. }));
    /// ```
    pub const fn randomized() -> Self {
        PcaSolver::Randomized {
            oversamples: 10,
            power_iterations: None,
            seed: 0,
        }
    }
}

/// Principal component analysis (builder): rows of the data are samples, columns features.
///
/// # Math
/// With column means `μ` (and, for [`Scaling::UnitVariance`], column standard deviations `s`),
/// the centred data `X_c = (X − 1·μᵀ)·diag(s)⁻¹` (`n×p`) has the thin SVD
/// `X_c = U·Σ·Vᴴ`. The principal axes are the columns of `V` (the rows of
/// [`components`](FittedPca::components) `= V_kᴴ`), the scores are `X_c·V_k = U_k·Σ_k`, and the
/// variance explained by axis `i` is `σᵢ²/(n − 1)` — the eigenvalues of the sample covariance
/// `X_cᴴX_c/(n − 1)`, which is never formed (forming it would square the condition number and
/// lose every σ below `√ε·σ₁`).
///
/// # Rank
/// The [`Rank`] rule is applied to the singular values of `X_c` exactly as in
/// [`Svd::truncate`]: `Fixed(k)` keeps `k ≤ min(n, p)` components, `Energy(f)` the fewest whose
/// explained-variance ratios sum to at least `f` (variance is `σ²/(n − 1)`, so this is the
/// energy rule), `RelativeTolerance(t)` / `AbsoluteTolerance(t)` keep `σᵢ > t·σ₁` / `σᵢ > t`,
/// `RelativeError(e)` the fewest with `‖X_c − X_c,k‖_F ≤ e·‖X_c‖_F`. The centred matrix has rank
/// at most `n − 1`, so components beyond that carry only rounding noise.
///
/// # Sign convention
/// Singular vectors are defined up to a unit factor; each component is multiplied by the one
/// that makes its largest-modulus entry (first, on ties) real and positive — scikit-learn's
/// `svd_flip(u_based_decision=False)` — so results are reproducible across solvers and
/// LAPACK builds.
///
/// # Errors
/// [`Error::InvalidArgument`] for fewer than 2 samples or a bad [`Rank`] parameter (or a
/// non-`Fixed` rank with [`PcaSolver::Randomized`]), [`Error::InvalidRank`] for `Fixed(k)` with
/// `k > min(n, p)`, [`Error::NonFinite`] for NaN/∞ in the data, and those of [`Svd`] /
/// [`RandomizedSvd`].
///
/// # Complexity
/// `O(n·p)` to centre, then `O(n·p·min(n, p))` for the exact solver (≈ 4np² + 8p³ flops for
/// `n ≥ p`) or `O(q·n·p·(k + oversamples))` for the randomized one. Use
/// [`PcaSolver::Randomized`] when only a few leading components of a large matrix are needed;
/// use the exact solver for full spectra, small data, or when every digit of the trailing
/// components matters.
///
/// # LAPACK
/// ?gesdd (through [`Svd`]); ?geqrf/?orgqr and ?gesdd for the randomized solver.
///
/// ```
/// use ndfactor::{verify, Pca, Rank};
/// let x = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let pca = Pca::new(Rank::Fixed(1)).fit(&x)?;
/// // Centred rows (−2, −2), (0, 0), (2, 2): σ₁ = 4, variance 16/2 = 8, all of it.
/// assert!((pca.explained_variance()[0] - 8.0).abs() < 1e-14);
/// assert!((pca.explained_variance_ratio()[0] - 1.0).abs() < 1e-15);
/// let h = 0.5f64.sqrt();
/// assert!((&pca.components() - &ndarray::array![[h, h]]).iter().all(|d| d.abs() < 1e-15));
/// let back = pca.inverse_transform(&pca.transform(&x)?)?;
/// assert!(verify::reconstruction_ratio(&x, &back, 3) < verify::SVD_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pca<R> {
    rank: Rank<R>,
    scaling: Scaling,
    solver: PcaSolver,
}

impl<R: RealScalar> Pca<R> {
    /// PCA keeping the components chosen by `rank`, centring only, exact solver.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[0.0f64, 0.0], [2.0, 0.0], [0.0, 1.0]];
    /// assert_eq!(Pca::new(Rank::Energy(1.0)).fit(&x)?.n_components(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(rank: Rank<R>) -> Self {
        Pca {
            rank,
            scaling: Scaling::None,
            solver: PcaSolver::Exact,
        }
    }

    /// Per-feature scaling (default [`Scaling::None`]).
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank, Scaling};
    /// let x = ndarray::array![[0.0f64, 0.0], [2.0, 0.0], [0.0, 1.0]];
    /// let p = Pca::new(Rank::Fixed(2)).scale(Scaling::UnitVariance).fit(&x)?;
    /// assert!((p.total_variance() - 2.0).abs() < 1e-14); // two unit-variance columns
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scale(mut self, scaling: Scaling) -> Self {
        self.scaling = scaling;
        self
    }

    /// SVD solver (default [`PcaSolver::Exact`]).
    ///
    /// ```
    /// # use ndfactor::{Pca, PcaSolver, Rank};
    /// let x = ndarray::array![[0.0f64, 0.0], [2.0, 0.0], [0.0, 1.0]];
    /// let p = Pca::new(Rank::Fixed(1)).solver(PcaSolver::randomized()).fit(&x)?;
    /// assert_eq!(p.n_components(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solver(mut self, solver: PcaSolver) -> Self {
        self.solver = solver;
        self
    }

    /// Fits the model to `x` (`n×p`, rows are samples; any layout).
    ///
    /// # Errors
    /// See [`Pca`].
    ///
    /// ```
    /// # use ndfactor::{Error, Pca, Rank};
    /// let x = ndarray::array![[1.0f64, f64::NAN], [0.0, 1.0]];
    /// assert_eq!(Pca::new(Rank::Fixed(1)).fit(&x).unwrap_err(), Error::NonFinite { row: 0, col: 1 });
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit<T, S>(&self, x: &ArrayBase<S, Ix2>) -> Result<FittedPca<T>>
    where
        T: Scalar<Real = R>,
        S: Data<Elem = T>,
    {
        let (n, p) = x.dim();
        check_dims(n, p)?;
        if n < 2 {
            return Err(invalid(format!("PCA needs at least 2 samples, got {n}")));
        }
        check_finite(x)?;
        let zero = R::from_f64(0.0);
        let one = R::from_f64(1.0);
        let mut xc = to_col_major(x);
        let nt = T::from_f64(n as f64);
        let mut mean = Array1::<T>::zeros(p);
        for (j, mut col) in xc.axis_iter_mut(Axis(1)).enumerate() {
            // Σ vᵢ/n rather than (Σ vᵢ)/n: the plain sum overflows for entries near the
            // largest float.
            let mu = col.iter().map(|&v| v / nt).sum::<T>();
            // One correction pass (the corrected two-pass algorithm).
            let mu = mu + col.iter().map(|&v| (v - mu) / nt).sum::<T>();
            mean[j] = mu;
            col.mapv_inplace(|v| v - mu);
        }
        // Centring can still overflow (entries of both signs near the largest float): the
        // centred data is not representable.
        if !xc.iter().all(|v| v.is_finite()) {
            return Err(Error::NumericalBreakdown { routine: "Pca" });
        }
        let scale = match self.scaling {
            Scaling::None => None,
            Scaling::UnitVariance => {
                let nm1 = R::from_f64((n - 1) as f64);
                let mut sc = Array1::<R>::from_elem(p, one);
                for j in 0..p {
                    let col = xc.column(j);
                    let sd = verify::norm_fro(&col.insert_axis(Axis(1))) / nm1.sqrt();
                    let big = x.column(j).iter().fold(zero, |m, v| m.max(v.abs()));
                    if sd > R::from_f64(n as f64) * R::epsilon() * big {
                        sc[j] = sd;
                    }
                }
                standardize(&mut xc, None, Some(&sc));
                Some(sc)
            }
        };
        let fro = verify::norm_fro(&xc);
        let nm1 = R::from_f64((n - 1) as f64);
        let total_variance = fro * (fro / nm1);

        let (mut components, sing, report) = match self.solver {
            PcaSolver::Exact => {
                let svd = Svd::from_owned(xc)?;
                let s_all: Vec<R> = svd.s().iter().copied().collect();
                let k = choose_rank(&s_all, self.rank)?;
                let mut c = Array2::<T>::zeros((k, p).f());
                c.assign(&svd.vt().slice(s![..k, ..]));
                let rep = EckartYoung::from_values(&s_all, k, n, p);
                (c, Array1::from(s_all[..k].to_vec()), rep)
            }
            PcaSolver::Randomized {
                oversamples,
                power_iterations,
                seed,
            } => {
                let k = match self.rank {
                    Rank::Fixed(k) => k,
                    other => {
                        return Err(invalid(format!(
                            "the randomized PCA solver needs Rank::Fixed, got {other:?}"
                        )))
                    }
                };
                let mut r = RandomizedSvd::new(k).oversamples(oversamples).seed(seed);
                if let Some(q) = power_iterations {
                    r = r.power_iterations(q);
                }
                let t = r.compute(&xc)?;
                let mut c = Array2::<T>::zeros((k, p).f());
                c.assign(&t.vt());
                (c, t.s().to_owned(), t.report())
            }
        };
        flip_signs(&mut components);
        let explained_variance = sing.mapv(|s| s * (s / nm1));
        // Variances are squares: data above √(largest float) overflows them even though the
        // data and its SVD are finite. Report that instead of returning infinite variances.
        if !(total_variance.is_finite() && explained_variance.iter().all(|v| v.is_finite())) {
            return Err(Error::NumericalBreakdown {
                routine: "Pca (variance of data near the overflow threshold)",
            });
        }
        Ok(FittedPca {
            mean,
            scale,
            components,
            singular_values: sing,
            explained_variance,
            total_variance,
            n_samples: n,
            report,
        })
    }
}

/// `(x − μ)/s` column by column, in place (the same operations in `fit` and `transform`).
fn standardize<T: Scalar>(
    x: &mut Array2<T>,
    mean: Option<&Array1<T>>,
    scale: Option<&Array1<T::Real>>,
) {
    for (j, mut col) in x.axis_iter_mut(Axis(1)).enumerate() {
        if let Some(m) = mean {
            let mu = m[j];
            col.mapv_inplace(|v| v - mu);
        }
        if let Some(s) = scale {
            let sj = T::from_real(s[j]);
            col.mapv_inplace(|v| v / sj);
        }
    }
}

/// Makes the largest-modulus entry (first on ties) of every row real and positive.
pub(crate) fn flip_signs<T: Scalar>(c: &mut Array2<T>) {
    let zero = T::Real::from_f64(0.0);
    for mut row in c.rows_mut() {
        let mut jmax = 0;
        let mut amax = zero;
        for (j, v) in row.iter().enumerate() {
            if v.abs() > amax {
                amax = v.abs();
                jmax = j;
            }
        }
        if amax > zero {
            let phase = row[jmax].conj().scale(T::Real::from_f64(1.0) / amax);
            row.mapv_inplace(|v| v * phase);
            if T::IS_COMPLEX {
                row[jmax] = T::from_real(row[jmax].abs());
            }
        }
    }
}

/// A fitted PCA model (from [`Pca::fit`]): mean, optional scale, `k` principal axes and their
/// explained variance; projects data onto the axes and back.
///
/// ```
/// use ndfactor::{verify, Pca, Rank};
/// let x = ndfactor::testing::gaussian::<f64>(30, 4, &mut ndfactor::testing::rng(2));
/// let pca = Pca::new(Rank::Fixed(4)).fit(&x)?;
/// assert!(verify::orthogonality_ratio(&pca.components().t()) < verify::SVD_THRESHOLD);
/// let total: f64 = pca.explained_variance_ratio().sum();
/// assert!((total - 1.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct FittedPca<T: Scalar> {
    mean: Array1<T>,
    scale: Option<Array1<T::Real>>,
    components: Array2<T>,
    singular_values: Array1<T::Real>,
    explained_variance: Array1<T::Real>,
    total_variance: T::Real,
    n_samples: usize,
    report: EckartYoung<T::Real>,
}

impl<T: Scalar> FittedPca<T> {
    /// Column means `μ` (length `p`).
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 2.0], [3.0, 6.0]];
    /// assert_eq!(Pca::new(Rank::Fixed(1)).fit(&x)?.mean().to_vec(), vec![2.0, 4.0]); // exact: integer sums halved
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn mean(&self) -> ArrayView1<'_, T> {
        self.mean.view()
    }

    /// Column standard deviations `s` used for scaling (ddof = 1; 1 for constant columns), or
    /// `None` with [`Scaling::None`].
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank, Scaling};
    /// let x = ndarray::array![[1.0f64, 5.0], [3.0, 5.0]];
    /// let p = Pca::new(Rank::Fixed(1)).scale(Scaling::UnitVariance).fit(&x)?;
    /// assert_eq!(p.scale().unwrap().to_vec(), vec![2f64.sqrt(), 1.0]); // exact: variance 2, the same sqrt; a constant column gets 1
    /// assert!(Pca::new(Rank::Fixed(1)).fit(&x)?.scale().is_none());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scale(&self) -> Option<ArrayView1<'_, T::Real>> {
        self.scale.as_ref().map(|s| s.view())
    }

    /// Principal axes as rows (`k×p`, orthonormal rows, `V_kᴴ`), sign-normalised (see
    /// [`Pca`]).
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[0.0f64, 0.0], [0.0, -3.0], [1.0, 3.0]];
    /// let c = Pca::new(Rank::Fixed(2)).fit(&x)?.components().to_owned();
    /// assert_eq!(c.dim(), (2, 2));
    /// assert!(c.rows().into_iter().all(|r| r.iter().fold(0.0f64, |m, v| if v.abs() > m.abs() { *v } else { m }) > 0.0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn components(&self) -> ArrayView2<'_, T> {
        self.components.view()
    }

    /// Singular values `σ₁ ≥ … ≥ σ_k` of the centred (and scaled) data.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// assert!((Pca::new(Rank::Fixed(1)).fit(&x)?.singular_values()[0] - 4.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_values(&self) -> ArrayView1<'_, T::Real> {
        self.singular_values.view()
    }

    /// Variance along each axis, `σᵢ²/(n − 1)`: the leading eigenvalues of the sample covariance.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
    /// let v = Pca::new(Rank::Fixed(2)).fit(&x)?.explained_variance().to_owned();
    /// assert!((v[0] - 2.0 / 3.0).abs() < 1e-15 && (v[1] - 0.5 / 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn explained_variance(&self) -> ArrayView1<'_, T::Real> {
        self.explained_variance.view()
    }

    /// Explained variance divided by the [`total_variance`](Self::total_variance) of all
    /// components (not only the kept ones): the ratios sum to at most 1, and to 1 when every
    /// component is kept.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
    /// let r = Pca::new(Rank::Fixed(1)).fit(&x)?.explained_variance_ratio().to_owned();
    /// assert!((r[0] - 0.8).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn explained_variance_ratio(&self) -> Array1<T::Real> {
        let zero = T::Real::from_f64(0.0);
        let tv = self.total_variance;
        self.explained_variance
            .mapv(|v| if tv > zero { v / tv } else { zero })
    }

    /// Total variance `‖X_c‖_F²/(n − 1)` (the trace of the sample covariance of the centred,
    /// scaled data), computed directly from the data.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
    /// assert!((Pca::new(Rank::Fixed(0)).fit(&x)?.total_variance() - 2.5 / 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn total_variance(&self) -> T::Real {
        self.total_variance
    }

    /// Number of components `k`.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
    /// assert_eq!(Pca::new(Rank::Energy(0.75)).fit(&x)?.n_components(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n_components(&self) -> usize {
        self.components.nrows()
    }

    /// Number of features `p`.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0, 2.0], [-1.0, 0.0, 1.0]];
    /// assert_eq!(Pca::new(Rank::Fixed(1)).fit(&x)?.n_features(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    /// Number of samples `n` the model was fitted on.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0, 2.0], [-1.0, 0.0, 1.0]];
    /// assert_eq!(Pca::new(Rank::Fixed(1)).fit(&x)?.n_samples(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }

    /// Eckart–Young report of the rank-`k` approximation of the centred (scaled) training data:
    /// `frobenius_error = ‖X_c − X_c,k‖_F` is the training reconstruction error of
    /// [`transform`](Self::transform) followed by [`inverse_transform`](Self::inverse_transform),
    /// measured in scaled units; `energy_retained` is the sum of the explained-variance ratios.
    /// With the randomized solver the Frobenius error is still exact for the returned axes;
    /// the spectral error is an estimate.
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
    /// let r = Pca::new(Rank::Fixed(1)).fit(&x)?.report();
    /// assert!((r.frobenius_error - 0.5f64.sqrt()).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn report(&self) -> EckartYoung<T::Real> {
        self.report
    }

    /// Scores `((X − μ)/s)·V_k` (`n×k`, F-order) of new data `x` (`n×p`, any layout).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `x` has not `p` columns, [`Error::NonFinite`].
    ///
    /// ```
    /// # use ndfactor::{Error, Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let pca = Pca::new(Rank::Fixed(1)).fit(&x)?;
    /// let z = pca.transform(&ndarray::array![[5.0f64, 6.0]])?;
    /// assert!((z[(0, 0)] - 8f64.sqrt()).abs() < 1e-14);
    /// assert!(matches!(pca.transform(&ndarray::array![[1.0f64]]), Err(Error::DimensionMismatch { .. })));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn transform<S: Data<Elem = T>>(&self, x: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
        let p = self.n_features();
        if x.ncols() != p {
            return Err(Error::DimensionMismatch {
                operation: "FittedPca::transform: columns of x",
                expected: p,
                found: x.ncols(),
            });
        }
        check_finite(x)?;
        let mut xc = to_col_major(x);
        standardize(&mut xc, Some(&self.mean), self.scale.as_ref());
        let k = self.n_components();
        let mut v = Array2::<T>::zeros((p, k).f());
        v.assign(&self.components.t().mapv(|c| c.conj()));
        let mut out = Array2::<T>::zeros((x.nrows(), k).f());
        general_mat_mul(T::one(), &xc, &v, T::zero(), &mut out);
        Ok(out)
    }

    /// Maps scores back to data space: `Z·V_kᴴ·diag(s) + μ` (`n×p`, F-order). Exact (to rounding)
    /// for data in the span of the kept components, e.g. all training data when
    /// `k = min(n − 1, p)`; otherwise the orthogonal projection onto that span.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `scores` has not `k` columns, [`Error::NonFinite`].
    ///
    /// ```
    /// # use ndfactor::{Pca, Rank};
    /// let x = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let pca = Pca::new(Rank::Fixed(1)).fit(&x)?;
    /// let back = pca.inverse_transform(&ndarray::array![[0.0f64]])?;
    /// assert_eq!(back, ndarray::array![[3.0, 4.0]]); // exact: zero scores give the mean, an integer
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn inverse_transform<S: Data<Elem = T>>(
        &self,
        scores: &ArrayBase<S, Ix2>,
    ) -> Result<Array2<T>> {
        let k = self.n_components();
        if scores.ncols() != k {
            return Err(Error::DimensionMismatch {
                operation: "FittedPca::inverse_transform: columns of scores",
                expected: k,
                found: scores.ncols(),
            });
        }
        check_finite(scores)?;
        let z = to_col_major(scores);
        let mut out = Array2::<T>::zeros((z.nrows(), self.n_features()).f());
        general_mat_mul(T::one(), &z, &self.components, T::zero(), &mut out);
        for (j, mut col) in out.axis_iter_mut(Axis(1)).enumerate() {
            let mu = self.mean[j];
            match &self.scale {
                Some(s) => {
                    let sj = T::from_real(s[j]);
                    col.mapv_inplace(|v| v * sj + mu);
                }
                None => col.mapv_inplace(|v| v + mu),
            }
        }
        Ok(out)
    }
}

impl<T: Scalar> FittedPca<T> {
    /// Assembles a fitted model from parts computed elsewhere (the streamed PCA).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        mean: Array1<T>,
        scale: Option<Array1<T::Real>>,
        components: Array2<T>,
        singular_values: Array1<T::Real>,
        explained_variance: Array1<T::Real>,
        total_variance: T::Real,
        n_samples: usize,
        report: EckartYoung<T::Real>,
    ) -> Self {
        FittedPca {
            mean,
            scale,
            components,
            singular_values,
            explained_variance,
            total_variance,
            n_samples,
            report,
        }
    }
}
