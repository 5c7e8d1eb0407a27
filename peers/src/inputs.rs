//! The matrices every contender factors: seeded, generated once per size, and handed to each
//! library in the layout under test (the values are identical in C and F order).

use ndarray::{Array2, ShapeBuilder};
use ndfactor::testing;

/// Memory layout of a benchmark input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Row-major (ndarray's default).
    C,
    /// Column-major (LAPACK's native order).
    F,
}

impl Layout {
    /// Both layouts, C first.
    pub const BOTH: [Layout; 2] = [Layout::C, Layout::F];

    /// "C" or "F".
    pub fn name(self) -> &'static str {
        match self {
            Layout::C => "C",
            Layout::F => "F",
        }
    }
}

/// A copy of `a` in the given layout (same values).
pub fn in_layout<T: ndfactor::Scalar>(a: &Array2<T>, layout: Layout) -> Array2<T> {
    let mut out = match layout {
        Layout::C => Array2::<T>::zeros(a.dim()),
        Layout::F => Array2::<T>::zeros(a.dim().f()),
    };
    out.assign(a);
    out
}

/// `n×n` standard Gaussian matrix (LU, QR, SVD, Eig, Schur inputs).
pub fn general(n: usize, seed: u64) -> Array2<f64> {
    testing::gaussian(n, n, &mut testing::rng(seed))
}

/// Symmetric indefinite `(G + Gᵀ)/2` (Ldlt and SymmetricEigen inputs).
pub fn symmetric(n: usize, seed: u64) -> Array2<f64> {
    let g = general(n, seed);
    (&g + &g.t()) * 0.5
}

/// Symmetric positive definite `(G + Gᵀ)/2 + n·I`: the Gaussian part's spectral radius is about
/// `√(2n) < n`, so the matrix is well conditioned and SPD for n ≥ 4 (Cholesky input).
pub fn spd(n: usize, seed: u64) -> Array2<f64> {
    let mut a = symmetric(n, seed);
    for i in 0..n {
        a[(i, i)] += n as f64;
    }
    a
}

/// `m×n` matrix with singular values `σᵢ = 1/(1+i)` and singular vectors that are products of
/// `reflectors` random Householder reflections per side: `A = H_U·diag(σ)·H_Vᵀ`. Building it
/// costs `O(reflectors·m·n)` instead of the `O(n³)` of Haar factors; the spectrum is exact, and
/// a Gaussian sketch (randomized SVD) is invariant under the choice of singular vectors.
pub fn decaying(m: usize, n: usize, reflectors: usize, seed: u64) -> Array2<f64> {
    let k = m.min(n);
    let mut a = Array2::<f64>::zeros((m, n).f());
    for i in 0..k {
        a[(i, i)] = 1.0 / (1.0 + i as f64);
    }
    let mut rng = testing::rng(seed);
    for _ in 0..reflectors {
        // Left: A ← (I − 2uuᵀ)·A.
        let u = unit(m, &mut rng);
        let w = u.dot(&a); // uᵀA (length n)
        a -= &(2.0 * &outer(&u, &w));
        // Right: A ← A·(I − 2vvᵀ).
        let v = unit(n, &mut rng);
        let z = a.dot(&v); // Av (length m)
        a -= &(2.0 * &outer(&z, &v));
    }
    a
}

fn unit(n: usize, rng: &mut impl rand::Rng) -> ndarray::Array1<f64> {
    let g: Array2<f64> = testing::gaussian(n, 1, rng);
    let g = g.column(0).to_owned();
    let nrm = g.dot(&g).sqrt();
    g / nrm
}

fn outer(x: &ndarray::Array1<f64>, y: &ndarray::Array1<f64>) -> Array2<f64> {
    let (m, n) = (x.len(), y.len());
    let xc = x.view().into_shape_with_order((m, 1)).expect("column");
    let yr = y.view().into_shape_with_order((1, n)).expect("row");
    xc.dot(&yr)
}

/// `√(Σ_{i≥k} σᵢ²)` for `σᵢ = 1/(1+i)`, `i < min(m, n)`: the Eckart–Young optimum of a rank-`k`
/// approximation of [`decaying`] in the Frobenius norm.
pub fn decaying_optimum(m: usize, n: usize, k: usize) -> f64 {
    (k..m.min(n))
        .map(|i| (1.0 / (1.0 + i as f64)).powi(2))
        .sum::<f64>()
        .sqrt()
}
