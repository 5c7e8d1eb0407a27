//! Randomized SVD (Halko, Martinsson & Tropp 2011).

use ndarray::{s, Array1, Array2, ArrayBase, Data, DataMut, Ix2};

use super::{scaled_cols, EckartYoung, ErrorSource, TruncatedSvd};
use crate::error::{Error, Result};
use crate::layout::{check_dims, check_finite, to_col_major};
use crate::scalar::{RealScalar, Scalar};
use crate::{random, verify, Qr, Svd};

/// Randomized truncated SVD (Halko–Martinsson–Tropp 2011, Algorithms 4.4 and 5.1).
///
/// `Y = A·Ω` for a Gaussian `n×(k+p)` `Ω`, `q` power iterations `Y ← A·(Aᴴ·Y)` with an LU
/// re-normalisation (`P·L` of `Y = P·L·U`) after every product, `Q = orth(Y)` by QR, `B = Qᴴ·A`, `B = Ũ·Σ·Vᴴ`,
/// `U = Q·Ũ`. `k + p` is clamped to `min(m, n)`. The default `q` follows scikit-learn
/// (`n_iter='auto'`): 7 when `k < 0.1·min(m, n)`, else 4; the default `p` is 10.
///
/// The report's Frobenius error is exact for the returned factors:
/// `√(‖A‖_F² − Σ_{i≤k} σ̃ᵢ²)`, or `‖A − U_k·Σ_k·V_kᴴ‖_F` computed directly when that
/// difference cancels (below `√ε·‖A‖_F²`). The spectral error `σ̃_{k+1}` is an estimate
/// (`estimated = true`).
///
/// # Errors
/// [`Error::InvalidRank`] for `k > min(m, n)`, [`Error::NonFinite`], and those of [`Qr`] and
/// [`Svd`].
///
/// # Complexity
/// `O((2q + 2)·m·n·(k + p))` flops in matrix products plus `O((m + n)·(k + p)²)`.
///
/// ```
/// use ndfactor::{testing, RandomizedSvd};
/// let s: Vec<f64> = (0..50).map(|i| 1.0 / (1.0 + i as f64)).collect();
/// let a = testing::with_singular_values::<f64>(60, 50, &s, &mut testing::rng(1));
/// let t = RandomizedSvd::new(5).seed(7).compute(&a)?;
/// assert!((t.s()[0] - 1.0).abs() < 1e-10);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RandomizedSvd {
    k: usize,
    oversamples: usize,
    power_iterations: Option<usize>,
    seed: u64,
}

impl RandomizedSvd {
    /// Target rank `k`, 10 oversamples, automatic power iterations, seed 0.
    ///
    /// ```
    /// # use ndfactor::RandomizedSvd;
    /// let t = RandomizedSvd::new(1).compute(&ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?;
    /// assert!((t.s()[0] - 2.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(k: usize) -> Self {
        RandomizedSvd {
            k,
            oversamples: 10,
            power_iterations: None,
            seed: 0,
        }
    }

    /// Oversampling `p`.
    ///
    /// ```
    /// # use ndfactor::RandomizedSvd;
    /// let t = RandomizedSvd::new(1).oversamples(0).compute(&ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?;
    /// assert_eq!(t.rank(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn oversamples(mut self, p: usize) -> Self {
        self.oversamples = p;
        self
    }

    /// Number of power iterations `q`.
    ///
    /// ```
    /// # use ndfactor::RandomizedSvd;
    /// let t = RandomizedSvd::new(1).power_iterations(0).compute(&ndarray::array![[2.0f64, 0.0], [0.0, 1.0]])?;
    /// assert!((t.s()[0] - 2.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn power_iterations(mut self, q: usize) -> Self {
        self.power_iterations = Some(q);
        self
    }

    /// Seed of the Gaussian test matrix (same seed, same thread count: bitwise same result).
    ///
    /// The seed drives [`SeededRng`](crate::testing::SeededRng) (ChaCha8), so a seed gives the
    /// same random numbers on every platform and across upgrades of `rand`.
    ///
    /// ```
    /// # use ndfactor::RandomizedSvd;
    /// let a = ndfactor::testing::gaussian::<f64>(8, 6, &mut ndfactor::testing::rng(0));
    /// let x = RandomizedSvd::new(2).oversamples(1).seed(3).compute(&a)?;
    /// let y = RandomizedSvd::new(2).oversamples(1).seed(3).compute(&a)?;
    /// assert_eq!(x.s(), y.s());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Runs the algorithm on `a`.
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// # use ndfactor::RandomizedSvd;
    /// assert!(RandomizedSvd::new(3).compute(&ndarray::Array2::<f64>::eye(2)).is_err());
    /// ```
    pub fn compute<T: Scalar, S: Data<Elem = T>>(
        &self,
        a: &ArrayBase<S, Ix2>,
    ) -> Result<TruncatedSvd<T>> {
        self.compute_with_progress(a, |_| {})
    }

    /// Runs the algorithm on `a` and calls `progress` after each stage: the sketch `Y = A·Ω`,
    /// each power iteration, the projection `B = Qᴴ·A`, the small SVD of `B`, and the error
    /// report — `q + 4` calls in all, `step` counting from 1 to `steps`. The stages after the
    /// sketch each cost about one product with `A` (the power iterations two), so
    /// `step / steps` is a fair measure of the work done. `k = 0` does no work and makes no
    /// call. The result is bitwise that of [`compute`](Self::compute).
    ///
    /// # Errors
    /// See the type.
    ///
    /// ```
    /// use ndfactor::{RandomizedSvd, RandomizedSvdStage};
    /// let a = ndfactor::testing::gaussian::<f64>(30, 20, &mut ndfactor::testing::rng(0));
    /// let mut seen = Vec::new();
    /// let t = RandomizedSvd::new(3).power_iterations(2).compute_with_progress(&a, |p| {
    ///     seen.push((p.step, p.steps, p.stage));
    /// })?;
    /// assert_eq!(t.rank(), 3);
    /// assert_eq!(seen.len(), 6);
    /// assert_eq!(seen[0], (1, 6, RandomizedSvdStage::Sketch));
    /// assert_eq!(seen[2].2, RandomizedSvdStage::PowerIteration { iteration: 2, of: 2 });
    /// assert_eq!(seen[5], (6, 6, RandomizedSvdStage::ErrorReport));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn compute_with_progress<T, S, F>(
        &self,
        a: &ArrayBase<S, Ix2>,
        mut progress: F,
    ) -> Result<TruncatedSvd<T>>
    where
        T: Scalar,
        S: Data<Elem = T>,
        F: FnMut(RandomizedSvdProgress),
    {
        let (m, n) = a.dim();
        check_dims(m, n)?;
        let kmax = m.min(n);
        let k = self.k;
        if k > kmax {
            return Err(Error::InvalidRank { k, max: kmax });
        }
        check_finite(a)?;
        let zero = T::Real::from_f64(0.0);
        if k == 0 {
            let f = verify::norm_fro(a);
            let rep = EckartYoung {
                rank: 0,
                spectral_error: zero,
                frobenius_error: f,
                relative_frobenius_error: if f > zero {
                    T::Real::from_f64(1.0)
                } else {
                    zero
                },
                energy_retained: if f > zero {
                    zero
                } else {
                    T::Real::from_f64(1.0)
                },
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
        let l = (k + self.oversamples).min(kmax);
        let q = self
            .power_iterations
            .unwrap_or(if (k as f64) < 0.1 * kmax as f64 { 7 } else { 4 });
        // Entries far from 1 are scaled by an exact power of two so that the largest is near 1:
        // the products A·Ω and Aᴴ·Y overflow (or underflow to zero) near the extremes of the
        // floating-point range, and the range finder does not depend on the scale. Inside
        // [2^-250, 2^250] (f32: [2^-30, 2^30]) nothing is scaled, so that an F-order input is used
        // without a copy. The scan runs in memory order.
        let amax_real = crate::layout::max_component(a);
        let e = crate::lapack::numeric::outside_window_exponent::<T>(amax_real);
        let unscale = |x: T::Real| crate::lapack::numeric::scale_pow2(T::from_real(x), e).re();
        // One layout for the products, so that every input layout gives the same bits: an
        // F-order input that needs no scaling is used in place, anything else copied once.
        let copy;
        let a = if e == 0 && a.t().is_standard_layout() {
            a.view()
        } else {
            let mut c = to_col_major(a);
            if e != 0 {
                c.mapv_inplace(|x| crate::lapack::numeric::scale_pow2(x, -e));
            }
            copy = c;
            copy.view()
        };
        // Aᴴ·Y: a transposed view goes straight to ?gemm for real types; complex types need
        // the conjugate, so only they pay for a copy of Aᴴ.
        let ah_copy = T::IS_COMPLEX.then(|| a.t().mapv(|x| x.conj()));
        let ah = ah_copy.as_ref().map_or_else(|| a.t(), |c| c.view());
        let omega: Array2<T> = random::gaussian(n, l, &mut random::rng(self.seed));
        let steps = q + 4;
        let mut step = 0;
        let mut report = |stage| {
            step += 1;
            progress(RandomizedSvdProgress { stage, step, steps });
        };
        // Between products the basis only has to stay well conditioned, not orthonormal: the
        // unit lower trapezoidal P·L of Y = P·L·U (entries ≤ 1) does that at a third of the
        // cost of a Householder QR + explicit Q (as scikit-learn's default). The last product
        // is orthonormalised by QR.
        let normalise = |y: Array2<T>, is_last: bool| -> Result<Array2<T>> {
            if is_last {
                Ok(Qr::from_owned(y)?.q())
            } else {
                lu_basis(y)
            }
        };
        let mut y = normalise(a.dot(&omega), q == 0)?;
        report(RandomizedSvdStage::Sketch);
        for i in 0..q {
            let z = lu_basis(ah.dot(&y))?;
            y = normalise(a.dot(&z), i + 1 == q)?;
            report(RandomizedSvdStage::PowerIteration {
                iteration: i + 1,
                of: q,
            });
        }
        let qm = y;
        let b = qm.t().mapv(|x| x.conj()).dot(&a);
        report(RandomizedSvdStage::Projection);
        let svd = Svd::from_owned(b)?;
        report(RandomizedSvdStage::SmallSvd);
        let sb = svd.s();
        let u = qm.dot(&svd.u().slice(s![.., ..k]));
        let sk: Array1<T::Real> = sb.slice(s![..k]).mapv(unscale);
        if !sk.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "RandomizedSvd",
            });
        }
        let sk_scaled: Array1<T::Real> = sb.slice(s![..k]).to_owned();
        let vt = svd.vt().slice(s![..k, ..]).to_owned();

        // Exact Frobenius error of the returned factors.
        // The largest entry of the working matrix is known from the scan: one pass, not two.
        let amax_work = crate::lapack::numeric::scale_pow2(T::from_real(amax_real), -e).re();
        let fa = verify::norm_fro_with_max(&a, amax_work);
        let mut source = ErrorSource::Formula;
        let (frob, rel) = if fa == zero {
            (zero, zero)
        } else {
            let kept = sk_scaled.iter().fold(zero, |acc, &x| {
                let r = x / fa;
                acc + r * r
            });
            let diff = T::Real::from_f64(1.0) - kept;
            if diff < T::eps().sqrt() {
                source = ErrorSource::Residual;
                let r = &a - &scaled_cols(&u, &sk_scaled).dot(&vt);
                let e = verify::norm_fro(&r);
                (e, e / fa)
            } else {
                (fa * diff.sqrt(), diff.sqrt())
            }
        };
        let rep = EckartYoung {
            rank: k,
            spectral_error: unscale(sb.get(k).copied().unwrap_or(zero)),
            frobenius_error: unscale(frob),
            relative_frobenius_error: rel,
            energy_retained: (T::Real::from_f64(1.0) - rel * rel).max(zero),
            stored_values: (m + n + 1) * k,
            dense_values: m * n,
            estimated: true,
            error_source: source,
        };
        report(RandomizedSvdStage::ErrorReport);
        Ok(TruncatedSvd::from_parts(u, sk, vt, rep))
    }
}

/// `P·L` of `Y = P·L·U` (LU with partial pivoting, `Y` is `m×l` with `m ≥ l`): a basis of
/// range(Y) with entries of modulus ≤ 1 and a unit diagonal after the row interchanges.
pub(crate) fn lu_basis<T: Scalar>(y: Array2<T>) -> Result<Array2<T>> {
    let mut f = crate::layout::into_col_major(y);
    lu_basis_in_place(&mut f)?;
    Ok(f)
}

/// [`lu_basis`] in the F-order `f`'s own buffer (owned, or a view of a scratch file).
pub(crate) fn lu_basis_in_place<T: Scalar, S: DataMut<Elem = T>>(
    f: &mut ArrayBase<S, Ix2>,
) -> Result<()> {
    let (m, l) = f.dim();
    debug_assert!(m >= l);
    // An exactly zero pivot (rank-deficient Y) still leaves a valid unit lower L.
    let ipiv = crate::lapack::lu::getrf(f)?.ipiv;
    for j in 0..l {
        for i in 0..j {
            f[(i, j)] = T::zero();
        }
        f[(j, j)] = T::one();
    }
    // P = P₁·P₂·…·P_l: apply the interchanges to L from the last to the first.
    for (i, &p) in ipiv.iter().enumerate().rev() {
        let p = p as usize - 1;
        if p != i {
            for j in 0..l {
                f.swap((i, j), (p, j));
            }
        }
    }
    Ok(())
}

/// A stage of [`RandomizedSvd`], as reported to
/// [`compute_with_progress`](RandomizedSvd::compute_with_progress).
///
/// ```
/// use ndfactor::RandomizedSvdStage;
/// let s = RandomizedSvdStage::PowerIteration { iteration: 1, of: 7 };
/// assert_eq!(s.to_string(), "power iteration 1/7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RandomizedSvdStage {
    /// `Y = A·Ω` and its orthonormalisation (one product with `A`).
    Sketch,
    /// Power iteration `iteration` of `of`: `Y ← orth(A·orth(Aᴴ·Y))` (two products).
    PowerIteration {
        /// 1-based index of the iteration just finished.
        iteration: usize,
        /// Number of power iterations `q`.
        of: usize,
    },
    /// `B = Qᴴ·A` (one product with `A`).
    Projection,
    /// The thin SVD of the small `(k + p)×n` matrix `B`.
    SmallSvd,
    /// The Frobenius error of the returned factors (a residual only when it would cancel).
    ErrorReport,
}

impl std::fmt::Display for RandomizedSvdStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RandomizedSvdStage::Sketch => write!(f, "sketch Y = A·Ω"),
            RandomizedSvdStage::PowerIteration { iteration, of } => {
                write!(f, "power iteration {iteration}/{of}")
            }
            RandomizedSvdStage::Projection => write!(f, "projection B = Qᴴ·A"),
            RandomizedSvdStage::SmallSvd => write!(f, "SVD of B"),
            RandomizedSvdStage::ErrorReport => write!(f, "error report"),
        }
    }
}

/// Progress of a [`RandomizedSvd`]: the stage just finished, and how many of the `steps`
/// stages are done.
///
/// ```
/// use ndfactor::{RandomizedSvd, RandomizedSvdProgress};
/// let a = ndarray::Array2::<f64>::eye(4);
/// let mut last: Option<RandomizedSvdProgress> = None;
/// RandomizedSvd::new(1).compute_with_progress(&a, |p| last = Some(p))?;
/// let last = last.unwrap();
/// assert_eq!(last.step, last.steps);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomizedSvdProgress {
    /// The stage just finished.
    pub stage: RandomizedSvdStage,
    /// Stages finished so far, `1..=steps`.
    pub step: usize,
    /// Stages in all: `q + 4` for `q` power iterations.
    pub steps: usize,
}
