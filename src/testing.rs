//! Seeded generators of LAPACK's test matrices and of classic adversarial matrices, and
//! layout helpers that present one matrix as C-order, F-order, strided and negative-stride views.
//!
//! Everything here is deterministic for a given seed, so a failing case can be replayed. The
//! project's own tests use these; they are public so that users can stress their code the same
//! way.
//!
//! ```
//! use ndfactor::testing::{self, MatrixType};
//! use ndfactor::{verify, Lu};
//! let mut rng = testing::rng(7);
//! for ty in MatrixType::LU_SWEEP {
//!     let a = testing::matrix::<f64>(*ty, 20, 20, &mut rng);
//!     let lu = Lu::new(&a)?;
//!     assert!(verify::lu_ratio(&a, &lu) < verify::LIN_THRESHOLD, "{ty:?}");
//! }
//! # Ok::<(), ndfactor::Error>(())
//! ```

use ndarray::{s, Array2, ArrayView2, ShapeBuilder};
use rand::Rng;

pub use crate::random::{
    gaussian, normal, random_orthonormal_columns, random_unitary, rng, SeededRng,
};

use crate::scalar::{RealScalar, Scalar};

/// A sparse term–document matrix (CSR, `rows` documents × `cols` terms, about `nnz` stored
/// entries): each document draws one of 40 topics with weights `1/t`, then `nnz/rows` words,
/// 70% from its topic's block of terms and 30% from a heavy-tailed global vocabulary; repeated
/// words are summed into counts `c`, stored as `ln(1 + c)`. Its spectrum decays slowly after
/// the topic structure, like real text collections, which makes it a fair test of truncated
/// sparse SVDs. The `sparse` example and the sparse benchmarks use it.
///
/// ```
/// let a = ndfactor::testing::term_document(200, 100, 2_000, 1);
/// assert_eq!(a.shape(), (200, 100));
/// // Every document has at least one word; repeated words share one entry.
/// assert!(a.nnz() >= 200 && a.nnz() <= 2_000);
/// assert!(a.data().iter().all(|&x| x >= 2f64.ln()));
/// ```
#[cfg(feature = "sparse")]
pub fn term_document(rows: usize, cols: usize, nnz: usize, seed: u64) -> sprs::CsMat<f64> {
    let mut rng = rng(seed);
    let topics = 40usize;
    let block = (cols / topics).max(1);
    let weights: Vec<f64> = (0..topics).map(|t| 1.0 / (t + 1) as f64).collect();
    let total: f64 = weights.iter().sum();
    let words = (nnz / rows.max(1)).max(1);
    let mut t = sprs::TriMat::with_capacity((rows, cols), rows * words);
    for d in 0..rows {
        let mut u = rng.random::<f64>() * total;
        let mut topic = 0;
        while topic + 1 < topics && u > weights[topic] {
            u -= weights[topic];
            topic += 1;
        }
        for _ in 0..words {
            let term = if rng.random::<f64>() < 0.7 {
                (topic * block + (block as f64 * rng.random::<f64>().powi(3)) as usize) % cols
            } else {
                ((cols as f64) * rng.random::<f64>().powi(4)) as usize % cols
            };
            t.add_triplet(d, term, 1.0);
        }
    }
    // Duplicates (repeated words) are summed into counts.
    let mut a: sprs::CsMat<f64> = t.to_csr();
    a.map_inplace(|&c| (1.0 + c).ln());
    a
}

fn real<R: RealScalar>(x: f64) -> R {
    R::from_f64(x)
}

/// `U·diag(σ)·Vᴴ` with Haar `U` (`m×m`) and `V` (`n×n`); `sigma` has `min(m, n)` entries.
///
/// ```
/// use ndfactor::testing;
/// let a = testing::with_singular_values::<f64>(5, 3, &[3.0, 2.0, 1.0], &mut testing::rng(1));
/// assert!((ndfactor::verify::norm_fro(&a) - 14f64.sqrt()).abs() < 1e-13);
/// ```
pub fn with_singular_values<T: Scalar>(
    m: usize,
    n: usize,
    sigma: &[T::Real],
    rng: &mut (impl Rng + ?Sized),
) -> Array2<T> {
    let k = m.min(n);
    assert_eq!(sigma.len(), k, "need min(m, n) singular values");
    let u: Array2<T> = random_orthonormal_columns(m, k, rng);
    let v: Array2<T> = random_orthonormal_columns(n, k, rng);
    let mut us = u;
    for (j, &s) in sigma.iter().enumerate() {
        us.column_mut(j).mapv_inplace(|x| x.scale(s));
    }
    let vh = v.t().mapv(|x| x.conj());
    us.dot(&vh)
}

/// Geometric singular values from 1 down to `1/cond` (LAPACK's dlatms mode 3).
///
/// ```
/// let s = ndfactor::testing::geometric_spectrum::<f64>(3, 100.0);
/// assert!((s[1] - 0.1).abs() < 1e-15 && (s[2] - 0.01).abs() < 1e-15);
/// ```
pub fn geometric_spectrum<R: RealScalar>(k: usize, cond: R) -> Vec<R> {
    (0..k)
        .map(|i| {
            if k == 1 {
                R::from_f64(1.0)
            } else {
                let t = real::<R>(i as f64) / real::<R>((k - 1) as f64);
                cond.powf(-t)
            }
        })
        .collect()
}

/// A Hermitian positive definite `n×n` matrix `Q·diag(λ)·Qᴴ` with λ geometric from 1 to `1/cond`.
///
/// ```
/// use ndfactor::{testing, Cholesky};
/// let a = testing::random_spd::<f64>(10, 1e3, &mut testing::rng(2));
/// assert!(Cholesky::new(&a).is_ok());
/// ```
pub fn random_spd<T: Scalar>(n: usize, cond: T::Real, rng: &mut (impl Rng + ?Sized)) -> Array2<T> {
    let q: Array2<T> = random_unitary(n, rng);
    let lam = geometric_spectrum(n, cond);
    let mut ql = q.clone();
    for (j, &l) in lam.iter().enumerate() {
        ql.column_mut(j).mapv_inplace(|x| x.scale(l));
    }
    let mut a = ql.dot(&q.t().mapv(|x| x.conj()));
    hermitian_part(&mut a);
    a
}

/// Makes `a` exactly Hermitian: `(A + Aᴴ)/2`, real diagonal.
pub fn hermitian_part<T: Scalar>(a: &mut Array2<T>) {
    let n = a.nrows();
    let half = T::Real::from_f64(0.5);
    for i in 0..n {
        a[(i, i)] = T::from_real(a[(i, i)].re());
        for j in 0..i {
            let v = (a[(i, j)] + a[(j, i)].conj()).scale(half);
            a[(i, j)] = v;
            a[(j, i)] = v.conj();
        }
    }
}

/// LAPACK's test matrix types (dchkge / dchkpo / ddrvbd), plus classic adversarial families.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MatrixType {
    /// All zeros.
    Zero,
    /// The identity.
    Identity,
    /// Diagonal with geometric magnitudes (cond 2) and random signs/phases.
    Diagonal,
    /// Upper triangular, well conditioned.
    UpperTriangular,
    /// Lower triangular, well conditioned.
    LowerTriangular,
    /// Random, condition number 2.
    Random,
    /// Random, condition number √(0.1/ε) (≈ 2.1e7 in f64).
    IllConditioned,
    /// Random, condition number 0.1/ε (≈ 4.5e14 in f64).
    VeryIllConditioned,
    /// Random (cond 2) scaled near underflow: norm ≈ 0.25·(smallest normal)/ε.
    NearUnderflow,
    /// Random (cond 2) scaled near overflow: norm ≈ 1/(0.25·(smallest normal)/ε).
    NearOverflow,
}

impl MatrixType {
    /// The nonsingular types of LAPACK's LU tests (dchkge types 1–4 and 8–11).
    pub const LU_SWEEP: &'static [MatrixType] = &[
        MatrixType::Identity,
        MatrixType::Diagonal,
        MatrixType::UpperTriangular,
        MatrixType::LowerTriangular,
        MatrixType::Random,
        MatrixType::IllConditioned,
        MatrixType::VeryIllConditioned,
        MatrixType::NearUnderflow,
        MatrixType::NearOverflow,
    ];
}

/// The scale of LAPACK's "near underflow" matrices: `0.25·sfmin/ε` (≈ 2.5e-293 in f64).
pub fn small_scale<R: RealScalar>() -> R {
    R::from_f64(0.25) * R::min_positive_value() / R::epsilon()
}

/// Generates an `m×n` matrix of the given type (for the triangular and diagonal types the
/// structure applies to the leading square part).
pub fn matrix<T: Scalar>(
    ty: MatrixType,
    m: usize,
    n: usize,
    rng: &mut (impl Rng + ?Sized),
) -> Array2<T> {
    let k = m.min(n);
    let eps = T::eps();
    match ty {
        MatrixType::Zero => Array2::zeros((m, n)),
        MatrixType::Identity => {
            let mut a = Array2::zeros((m, n));
            for i in 0..k {
                a[(i, i)] = T::one();
            }
            a
        }
        MatrixType::Diagonal => {
            let d = geometric_spectrum::<T::Real>(k, T::Real::from_f64(2.0));
            let mut a = Array2::zeros((m, n));
            for (i, &di) in d.iter().enumerate() {
                a[(i, i)] = unit_phase::<T>(rng).scale(di);
            }
            a
        }
        MatrixType::UpperTriangular | MatrixType::LowerTriangular => {
            // A well-conditioned triangle: unit-ish diagonal, small off-diagonal entries.
            let mut a: Array2<T> = gaussian(m, n, rng);
            let off = T::Real::from_f64(1.0) / real::<T::Real>((k.max(1)) as f64);
            for ((i, j), x) in a.indexed_iter_mut() {
                let keep = match ty {
                    MatrixType::UpperTriangular => i <= j,
                    _ => i >= j,
                };
                if !keep {
                    *x = T::zero();
                } else if i == j {
                    *x = unit_phase::<T>(rng)
                        .scale(T::Real::from_f64(1.0) + T::Real::from_f64(0.5) * x.abs());
                } else {
                    *x = x.scale(off);
                }
            }
            a
        }
        MatrixType::Random => {
            with_singular_values::<T>(m, n, &geometric_spectrum(k, T::Real::from_f64(2.0)), rng)
        }
        MatrixType::IllConditioned => with_singular_values::<T>(
            m,
            n,
            &geometric_spectrum(k, (T::Real::from_f64(0.1) / eps).sqrt()),
            rng,
        ),
        MatrixType::VeryIllConditioned => with_singular_values::<T>(
            m,
            n,
            &geometric_spectrum(k, T::Real::from_f64(0.1) / eps),
            rng,
        ),
        MatrixType::NearUnderflow => {
            with_singular_values::<T>(m, n, &geometric_spectrum(k, T::Real::from_f64(2.0)), rng)
                .mapv(|x| x.scale(small_scale::<T::Real>()))
        }
        MatrixType::NearOverflow => {
            with_singular_values::<T>(m, n, &geometric_spectrum(k, T::Real::from_f64(2.0)), rng)
                .mapv(|x| x.scale(T::Real::from_f64(1.0) / small_scale::<T::Real>()))
        }
    }
}

/// A random number of modulus 1: ±1 for real types, e^{iθ} for complex ones.
pub fn unit_phase<T: Scalar>(rng: &mut (impl Rng + ?Sized)) -> T {
    if T::IS_COMPLEX {
        let th: f64 = rng.random::<f64>() * std::f64::consts::TAU;
        T::from_parts(real(th.cos()), real(th.sin()))
    } else if rng.random::<bool>() {
        T::one()
    } else {
        -T::one()
    }
}

/// Hilbert matrix `hᵢⱼ = 1/(i + j + 1)` (0-based): SPD, condition ≈ e^{3.5n}.
///
/// ```
/// let h = ndfactor::testing::hilbert::<f64>(3);
/// assert_eq!(h[(2, 2)], 0.2); // exact: one correctly rounded division, 1/5
/// ```
pub fn hilbert<T: Scalar>(n: usize) -> Array2<T> {
    Array2::from_shape_fn((n, n), |(i, j)| T::from_f64(1.0 / (i + j + 1) as f64))
}

/// Wilkinson's growth matrix: 1 on the diagonal, −1 below, 1 in the last column. Partial
/// pivoting grows its entries by `2^(n−1)`.
///
/// ```
/// let w = ndfactor::testing::wilkinson_growth::<f64>(3);
/// assert_eq!(w, ndarray::array![[1.0, 0.0, 1.0], [-1.0, 1.0, 1.0], [-1.0, -1.0, 1.0]]); // exact: entries are set, not computed
/// ```
pub fn wilkinson_growth<T: Scalar>(n: usize) -> Array2<T> {
    Array2::from_shape_fn((n, n), |(i, j)| {
        if j + 1 == n || i == j {
            T::one()
        } else if i > j {
            -T::one()
        } else {
            T::zero()
        }
    })
}

/// Kahan's matrix `diag(sⁱ)·(I − c·(strict upper ones))` with `s = sin θ`, `c = cos θ`, and
/// `pert·ε·(n − i)` added to diagonal entry `i` (0-based; ε of `T`), as MATLAB's
/// `gallery('kahan', n, θ, pert)` (whose default is `pert = 25`).
///
/// Every column of the unperturbed matrix has norm 1, so column pivoting breaks ties by
/// rounding. The perturbation shrinks along the diagonal and makes the natural order the
/// pivoting order (checked with ?geqp3 in f64 for `θ = 1.2`, `pert` ∈ {1, 25, 100}, `n ≤ 100`): `|Rₙₙ| = sⁿ⁻¹`
/// then overestimates `σ_min` by orders of magnitude. `pert = 0` gives the exact matrix, which
/// ?geqp3 does pivot. (A multiplicative perturbation `(1 − pert)ⁱ` does not work: beyond the
/// first few steps it makes the later columns the larger ones.)
///
/// ```
/// use ndfactor::{testing, ColPivQr};
/// let k = testing::kahan::<f64>(3, 1.2, 0.0);
/// assert_eq!(k[(0, 0)], 1.0); // exact: s⁰·1, set, not computed
/// assert!((k[(0, 1)] + 1.2f64.cos()).abs() < 1e-15);
/// let k = testing::kahan::<f64>(40, 1.2, 25.0);
/// assert_eq!(ColPivQr::new(&k)?.perm(), (0..40).collect::<Vec<_>>());
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn kahan<T: Scalar>(n: usize, theta: f64, pert: f64) -> Array2<T> {
    let (s, c) = theta.sin_cos();
    let eps = T::eps().to_f64();
    Array2::from_shape_fn((n, n), |(i, j)| {
        let si = s.powi(i as i32);
        let v = match i.cmp(&j) {
            std::cmp::Ordering::Equal => si + pert * eps * (n - i) as f64,
            std::cmp::Ordering::Less => -c * si,
            std::cmp::Ordering::Greater => 0.0,
        };
        T::from_f64(v)
    })
}

/// A graded matrix `D·G·D` with `D = diag(ratio^i)`: entries span many orders of magnitude.
///
/// ```
/// let g = ndfactor::testing::graded::<f64>(4, 1e-3, &mut ndfactor::testing::rng(5));
/// assert!(g[(3, 3)].abs() < 1e-10);
/// ```
pub fn graded<T: Scalar>(n: usize, ratio: f64, rng: &mut (impl Rng + ?Sized)) -> Array2<T> {
    let g: Array2<T> = gaussian(n, n, rng);
    Array2::from_shape_fn((n, n), |(i, j)| {
        g[(i, j)].scale(real(ratio.powi((i + j) as i32)))
    })
}

/// An `m×n` matrix of exact rank `r`: `U·diag(1, …)·Vᴴ` with `r` nonzero singular values
/// geometric from 1 to 1/2.
///
/// ```
/// let a = ndfactor::testing::rank_deficient::<f64>(6, 4, 2, &mut ndfactor::testing::rng(9));
/// assert_eq!(a.dim(), (6, 4));
/// ```
pub fn rank_deficient<T: Scalar>(
    m: usize,
    n: usize,
    r: usize,
    rng: &mut (impl Rng + ?Sized),
) -> Array2<T> {
    let k = m.min(n);
    assert!(r <= k);
    let mut sigma = vec![T::Real::from_f64(0.0); k];
    for (i, s) in geometric_spectrum::<T::Real>(r, T::Real::from_f64(2.0))
        .into_iter()
        .enumerate()
    {
        sigma[i] = s;
    }
    with_singular_values(m, n, &sigma, rng)
}

/// The memory layouts every routine is tested on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Row-major, contiguous.
    C,
    /// Column-major, contiguous.
    F,
    /// A view with row step 2 and column step 3 into a larger buffer.
    Strided,
    /// A view with negative strides on both axes (rows step −1, columns step −2).
    NegativeStride,
}

impl Layout {
    /// All layouts.
    pub const ALL: [Layout; 4] = [
        Layout::C,
        Layout::F,
        Layout::Strided,
        Layout::NegativeStride,
    ];
}

/// A matrix stored inside a parent buffer so that [`view`](LayoutMatrix::view) has the chosen
/// layout. Parent entries outside the view hold NaN: a routine that reads outside its view
/// reports `NonFinite` or produces NaN, and so fails the test.
///
/// ```
/// use ndfactor::testing::{Layout, LayoutMatrix};
/// let a = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// for layout in Layout::ALL {
///     let lm = LayoutMatrix::new(&a, layout);
///     assert_eq!(lm.view(), a);
/// }
/// ```
#[derive(Debug, Clone)]
pub struct LayoutMatrix<T: Scalar> {
    parent: Array2<T>,
    layout: Layout,
}

impl<T: Scalar> LayoutMatrix<T> {
    /// Stores `a` with the given layout.
    pub fn new(a: &Array2<T>, layout: Layout) -> Self {
        let (m, n) = a.dim();
        let nan = T::from_parts(T::Real::nan(), T::Real::nan());
        let parent = match layout {
            Layout::C => a.as_standard_layout().to_owned(),
            Layout::F => {
                let mut p = Array2::zeros((m, n).f());
                p.assign(a);
                p
            }
            Layout::Strided => {
                let mut p = Array2::from_elem((2 * m + 1, 3 * n + 1), nan);
                p.slice_mut(s![..2 * m;2, ..3 * n;3]).assign(a);
                p
            }
            Layout::NegativeStride => {
                let mut p = Array2::from_elem((m, 2 * n), nan);
                p.slice_mut(s![..;-1, ..;-2]).assign(a);
                p
            }
        };
        LayoutMatrix { parent, layout }
    }

    /// The matrix, as a view with this layout.
    pub fn view(&self) -> ArrayView2<'_, T> {
        match self.layout {
            Layout::C | Layout::F => self.parent.view(),
            Layout::Strided => {
                let (pm, pn) = self.parent.dim();
                self.parent.slice(s![..pm - 1;2, ..pn - 1;3])
            }
            Layout::NegativeStride => self.parent.slice(s![..;-1, ..;-2]),
        }
    }

    /// The layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }
}
