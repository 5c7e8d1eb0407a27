//! Truncated SVD (`ndfactor::sparse::Svds`) of a 100 000 × 50 000 sparse term–document-like
//! matrix with about 10⁶ nonzeros, k = 20, Lanczos and randomized.
//!
//! ```text
//! OPENBLAS_NUM_THREADS=1 cargo bench -p ndfactor-peers --bench sparse
//! ```
//! Each run takes seconds, so the sample size is criterion's minimum (10), sampled flat.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use ndfactor::sparse::{Svds, SvdsMethod};
use ndfactor::testing;
use rand::Rng;
use sprs::{CsMat, TriMat};

/// Same generator as `examples/sparse.rs`: documents × terms, 40 topics with Zipf-like
/// popularity and vocabulary, 30 % background words, entries `log(1 + count)`.
fn term_document(rows: usize, cols: usize, nnz: usize, seed: u64) -> CsMat<f64> {
    let mut rng = testing::rng(seed);
    let topics = 40usize;
    let block = (cols / topics).max(1);
    let weights: Vec<f64> = (0..topics).map(|t| 1.0 / (t + 1) as f64).collect();
    let total: f64 = weights.iter().sum();
    let words = (nnz / rows).max(1);
    let mut t = TriMat::with_capacity((rows, cols), rows * words);
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
    let mut a: CsMat<f64> = t.to_csr();
    a.map_inplace(|&c| (1.0 + c).ln());
    a
}

fn bench(c: &mut Criterion) {
    let a = term_document(100_000, 50_000, 1_000_000, 1);
    let mut g = c.benchmark_group("svds 100000x50000 nnz~1e6 k=20");
    g.sample_size(10).sampling_mode(SamplingMode::Flat);
    for method in [SvdsMethod::Lanczos, SvdsMethod::Randomized] {
        g.bench_with_input(BenchmarkId::from_parameter(method), &method, |b, &m| {
            b.iter(|| Svds::new(20).method(m).seed(7).compute(&a).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
