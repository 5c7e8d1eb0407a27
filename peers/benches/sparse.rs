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

fn bench(c: &mut Criterion) {
    let a = testing::term_document(100_000, 50_000, 1_000_000, 1);
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
