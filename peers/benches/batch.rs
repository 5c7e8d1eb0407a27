//! Stacked inputs (`ndfactor::batch`): rayon over the batch with one OpenBLAS thread per slice
//! against the sequential batch whose slices use OpenBLAS's threads, for 256 slices of
//! n = 4, 16, 64, 256 (f64). Run with OpenBLAS's thread count set, e.g.
//! `OPENBLAS_NUM_THREADS=2 cargo bench -p ndfactor-peers --bench batch -- --warm-up-time 1 --measurement-time 3`;
//! the measured crossover is the rule of `BatchParallelism::Auto`.
//!
//! Group `batch_<op>_f64`, function = `sequential` | `rayon`, parameter = n.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use ndarray::{Array3, Axis};
use ndfactor::batch::{self, BatchParallelism};
use ndfactor_peers::inputs;

const BATCH: usize = 256;
const SIZES: [usize; 4] = [4, 16, 64, 256];

fn stack(n: usize, symmetric: bool) -> Array3<f64> {
    let mut a = Array3::zeros((BATCH, n, n));
    for (i, mut s) in a.axis_iter_mut(Axis(0)).enumerate() {
        let seed = 7000 + (n * BATCH + i) as u64;
        if symmetric {
            s.assign(&inputs::symmetric(n, seed));
        } else {
            s.assign(&inputs::general(n, seed));
        }
    }
    a
}

const MODES: [(&str, BatchParallelism); 2] = [
    ("sequential", BatchParallelism::Sequential),
    ("rayon", BatchParallelism::Rayon),
];

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.sample_size(10);
    g.sampling_mode(SamplingMode::Flat);
    g
}

fn solve(c: &mut Criterion) {
    let mut g = group(c, "batch_solve_f64");
    for n in SIZES {
        let a = stack(n, false);
        let b = Array3::<f64>::ones((BATCH, n, 1));
        for (name, par) in MODES {
            g.bench_with_input(BenchmarkId::new(name, n), &a, |bch, a| {
                bch.iter(|| batch::solve_with(a, &b, par).unwrap())
            });
        }
    }
    g.finish();
}

fn eigh(c: &mut Criterion) {
    let mut g = group(c, "batch_eigh_f64");
    for n in SIZES {
        let a = stack(n, true);
        for (name, par) in MODES {
            g.bench_with_input(BenchmarkId::new(name, n), &a, |bch, a| {
                bch.iter(|| batch::eigh_with(a, par).unwrap())
            });
        }
    }
    g.finish();
}

fn svd(c: &mut Criterion) {
    let mut g = group(c, "batch_svd_f64");
    for n in SIZES {
        let a = stack(n, false);
        for (name, par) in MODES {
            g.bench_with_input(BenchmarkId::new(name, n), &a, |bch, a| {
                bch.iter(|| batch::svd_with(a, par).unwrap())
            });
        }
    }
    g.finish();
}

fn setup(c: &mut Criterion) {
    eprintln!(
        "batch bench: {} cores, OpenBLAS threads {:?} ({})",
        cores(),
        ndfactor::blas_threads(),
        ndfactor::backend()
    );
    let _ = c;
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = setup, solve, eigh, svd
}
criterion_main!(benches);
