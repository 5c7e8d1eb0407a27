//! Randomized SVD (Halko, Martinsson & Tropp 2011).

use ndarray::{s, Array1, Array2, ArrayBase, Data, Ix2};

use super::{scaled_cols, EckartYoung, TruncatedSvd};
use crate::error::{Error, Result};
use crate::layout::{check_dims, check_finite, to_col_major};
use crate::scalar::{RealScalar, Scalar};
use crate::{testing, verify, Qr, Svd};

/// Randomized truncated SVD (Halko–Martinsson–Tropp 2011, Algorithms 4.4 and 5.1).
///
/// `Y = A·Ω` for a Gaussian `n×(k+p)` `Ω`, `q` power iterations `Y ← A·(Aᴴ·Y)` with a QR
/// re-orthonormalisation after every product, `Q = orth(Y)`, `B = Qᴴ·A`, `B = Ũ·Σ·Vᴴ`,
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
        // One layout for the products, so that every input layout gives the same bits.
        let copy;
        let a = if a.t().is_standard_layout() {
            a.view()
        } else {
            copy = to_col_major(a);
            copy.view()
        };
        // Aᴴ·Y: a transposed view goes straight to ?gemm for real types; complex types need
        // the conjugate, so only they pay for a copy of Aᴴ.
        let ah_copy = T::IS_COMPLEX.then(|| a.t().mapv(|x| x.conj()));
        let ah = ah_copy.as_ref().map_or_else(|| a.t(), |c| c.view());
        let omega: Array2<T> = testing::gaussian(n, l, &mut testing::rng(self.seed));
        let mut y = Qr::from_owned(a.dot(&omega))?.q();
        for _ in 0..q {
            let z = Qr::from_owned(ah.dot(&y))?.q();
            y = Qr::from_owned(a.dot(&z))?.q();
        }
        let qm = y;
        let b = qm.t().mapv(|x| x.conj()).dot(&a);
        let svd = Svd::from_owned(b)?;
        let sb = svd.s();
        let u = qm.dot(&svd.u().slice(s![.., ..k]));
        let sk: Array1<T::Real> = sb.slice(s![..k]).to_owned();
        let vt = svd.vt().slice(s![..k, ..]).to_owned();

        // Exact Frobenius error of the returned factors.
        let fa = verify::norm_fro(&a);
        let (frob, rel) = if fa == zero {
            (zero, zero)
        } else {
            let kept = sk.iter().fold(zero, |acc, &x| {
                let r = x / fa;
                acc + r * r
            });
            let diff = T::Real::from_f64(1.0) - kept;
            if diff < T::eps().sqrt() {
                let r = &a - &scaled_cols(&u, &sk).dot(&vt);
                let e = verify::norm_fro(&r);
                (e, e / fa)
            } else {
                (fa * diff.sqrt(), diff.sqrt())
            }
        };
        let rep = EckartYoung {
            rank: k,
            spectral_error: sb.get(k).copied().unwrap_or(zero),
            frobenius_error: frob,
            relative_frobenius_error: rel,
            energy_retained: (T::Real::from_f64(1.0) - rel * rel).max(zero),
            stored_values: (m + n + 1) * k,
            dense_values: m * n,
            estimated: true,
        };
        Ok(TruncatedSvd::from_parts(u, sk, vt, rep))
    }
}
