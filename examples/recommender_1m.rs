//! Matrix completion at MovieLens-1M scale: 1,000,000 ratings of a 6000×4000 synthetic with
//! power-law user activity and item popularity and a known truth, fitted by ALS and
//! soft-impute; prints the time per iteration, test RMSE (against the noisy ratings and the
//! noiseless truth), precision/recall/NDCG@10 and the peak resident memory.
//!
//! Truth: `xᵢⱼ = 3.5 + bᵢ + cⱼ + uᵢ·vⱼ` with `bᵢ ~ N(0, 0.3²)`, `cⱼ ~ N(0, 0.3²)`, rank-10
//! factors with `uᵢ·vⱼ ~ N(0, 1)`, rating noise `N(0, 0.3²)`. User `i` rates
//! `nᵢ ∝ (i + 1)^(−0.8)` items (at least 20, at most 2000), drawn without replacement with
//! item probabilities `∝ (j + 1)^(−0.8)`. 10% of the ratings are held out (seeded); relevant
//! = held-out rating ≥ 4.
//!
//! Run: `OPENBLAS_NUM_THREADS=1 cargo run --release --example recommender_1m`
//! (`-- --npy DIR` also writes the triplets as `.npy` for the Python reference in
//! `peers/python/completion_peer.py`).

use std::collections::HashSet;
use std::time::Instant;

use ndarray::{Array1, Array2};
use ndfactor::completion::{Completion, Observations};
use ndfactor::testing;
use rand::Rng;

const M: usize = 6000;
const N: usize = 4000;
const RANK: usize = 10;
const TARGET: usize = 1_000_000;
const NOISE: f64 = 0.3;

fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[allow(clippy::type_complexity)]
fn generate(
    seed: u64,
) -> (
    Vec<(usize, usize, f64)>,
    Array2<f64>,
    Array2<f64>,
    Array1<f64>,
    Array1<f64>,
) {
    let mut rng = testing::rng(seed);
    let u: Array2<f64> = testing::gaussian::<f64>(M, RANK, &mut rng) / (RANK as f64).powf(0.25);
    let v: Array2<f64> = testing::gaussian::<f64>(N, RANK, &mut rng) / (RANK as f64).powf(0.25);
    let b = Array1::from_shape_fn(M, |_| 0.3 * testing::normal::<f64>(&mut rng));
    let c = Array1::from_shape_fn(N, |_| 0.3 * testing::normal::<f64>(&mut rng));
    // User activity: a power law scaled to about TARGET ratings in total.
    let w: Vec<f64> = (0..M).map(|i| ((i + 1) as f64).powf(-0.8)).collect();
    let mut scale = TARGET as f64 / w.iter().sum::<f64>();
    let counts = |scale: f64| -> Vec<usize> {
        w.iter()
            .map(|&x| ((scale * x).round() as usize).clamp(20, 2000))
            .collect()
    };
    for _ in 0..50 {
        let total: usize = counts(scale).iter().sum();
        scale *= TARGET as f64 / total as f64;
    }
    let mut n_i = counts(scale);
    let mut total: usize = n_i.iter().sum();
    let mut i = M;
    while total > TARGET {
        i = if i == 0 { M - 1 } else { i - 1 };
        if n_i[i] > 20 {
            n_i[i] -= 1;
            total -= 1;
        }
    }
    // Item popularity: cumulative power law, sampled by binary search.
    let mut cum: Vec<f64> = (0..N).map(|j| ((j + 1) as f64).powf(-0.8)).collect();
    for j in 1..N {
        cum[j] += cum[j - 1];
    }
    let last = cum[N - 1];
    let mut t = Vec::with_capacity(total);
    let mut seen = HashSet::new();
    for (i, &k) in n_i.iter().enumerate() {
        seen.clear();
        while seen.len() < k {
            let r: f64 = rng.random::<f64>() * last;
            let j = cum.partition_point(|&x| x < r).min(N - 1);
            if seen.insert(j) {
                let x = 3.5
                    + b[i]
                    + c[j]
                    + u.row(i).dot(&v.row(j))
                    + NOISE * testing::normal::<f64>(&mut rng);
                t.push((i, j, x));
            }
        }
    }
    (t, u, v, b, c)
}

fn write_npy(dir: &str, t: &[(usize, usize, f64)], test_mask: &[bool]) {
    use ndarray_npy::write_npy;
    std::fs::create_dir_all(dir).expect("create the .npy directory");
    let rows = Array1::from_iter(t.iter().map(|e| e.0 as i64));
    let cols = Array1::from_iter(t.iter().map(|e| e.1 as i64));
    let vals = Array1::from_iter(t.iter().map(|e| e.2));
    let test = Array1::from_iter(test_mask.iter().map(|&b| b as u8));
    write_npy(format!("{dir}/rows.npy"), &rows).unwrap();
    write_npy(format!("{dir}/cols.npy"), &cols).unwrap();
    write_npy(format!("{dir}/vals.npy"), &vals).unwrap();
    write_npy(format!("{dir}/test.npy"), &test).unwrap();
}

fn main() -> ndfactor::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let npy = args
        .iter()
        .position(|a| a == "--npy")
        .map(|p| args[p + 1].clone());
    let t0 = Instant::now();
    let (t, u, v, b, c) = generate(2024);
    let obs = Observations::from_triplets(M, N, &t)?;
    let (train, test) = obs.split(0.1, 7)?;
    let mut counts = vec![0usize; M];
    for e in obs.entries() {
        counts[e.0] += 1;
    }
    counts.sort_unstable();
    println!(
        "{} ratings of a {M}×{N} matrix ({:.2}% observed) in {:.1} s; ratings per user: min {}, median {}, max {}; {} train, {} test",
        obs.len(),
        100.0 * obs.len() as f64 / (M * N) as f64,
        t0.elapsed().as_secs_f64(),
        counts[0],
        counts[M / 2],
        counts[M - 1],
        train.len(),
        test.len()
    );
    if let Some(dir) = &npy {
        let test_set: HashSet<(usize, usize)> = test.entries().iter().map(|e| (e.0, e.1)).collect();
        let mask: Vec<bool> = obs
            .entries()
            .iter()
            .map(|e| test_set.contains(&(e.0, e.1)))
            .collect();
        write_npy(dir, obs.entries(), &mask);
        println!("wrote {dir}/{{rows,cols,vals,test}}.npy");
    }
    let truth_rmse = |model: &ndfactor::CompletionModel<f64>| {
        let mut s = 0.0;
        for &(i, j, _) in test.entries() {
            let d = model.predict(i, j).unwrap() - (3.5 + b[i] + c[j] + u.row(i).dot(&v.row(j)));
            s += d * d;
        }
        (s / test.len() as f64).sqrt()
    };
    println!(
        "threads: rayon {}, OpenBLAS {:?}",
        rayon_threads(),
        ndfactor::blas_threads()
    );
    let mut si_lambda = 0.0;
    for (name, builder) in [
        (
            "ALS, rank 10, biases, default λ (internal 10% split, weighted-λ path)",
            Completion::als(RANK).biases(true).tol(1e-4),
        ),
        (
            "soft-impute, rank ≤ 10, biases, default λ (internal 10% split, λ path)",
            Completion::soft_impute(RANK).biases(true).tol(1e-4),
        ),
    ] {
        let t1 = Instant::now();
        let mut iters = 0usize;
        let model = builder.fit_with(&train, |s| {
            iters += 1;
            if s.iteration == 1 {
                println!(
                    "   λ {:.5}: first iteration, train RMSE {:.4}",
                    s.lambda, s.train_rmse
                );
            }
        })?;
        let secs = t1.elapsed().as_secs_f64();
        si_lambda = model.lambda();
        let inner: usize = model.lambda_path().iter().map(|t| t.iterations).sum();
        iters += inner;
        let t2 = Instant::now();
        let rm = model.ranking_metrics(&test, 10, 4.0)?;
        println!(
            "{name}: λ {:.5}, {} iterations on the final path ({:?}; {iters} in all, with the internal split) in {secs:.2} s = {:.3} s/iteration; test RMSE {:.4} (noise {NOISE}), vs truth {:.4}; over {} users: precision@10 {:.4}, recall@10 {:.4}, NDCG@10 {:.4} ({:.2} s)",
            model.lambda(),
            model.iterations(),
            model.stop_reason(),
            secs / iters as f64,
            model.rmse(&test)?,
            truth_rmse(&model),
            rm.rows,
            rm.precision,
            rm.recall,
            rm.ndcg,
            t2.elapsed().as_secs_f64()
        );
    }
    // One soft-impute fit at a fixed λ (the path's choice above is on the scale of σ₁).
    let t1 = Instant::now();
    let mut iters = 0usize;
    let model = Completion::soft_impute(RANK)
        .biases(true)
        .lambda(si_lambda)
        .tol(1e-4)
        .fit_with(&train, |_| iters += 1)?;
    let secs = t1.elapsed().as_secs_f64();
    let rm = model.ranking_metrics(&test, 10, 4.0)?;
    println!(
        "soft-impute at the fixed λ {si_lambda:.5}: {iters} iterations ({:?}) in {secs:.2} s = {:.3} s/iteration; test RMSE {:.4}, vs truth {:.4}; NDCG@10 {:.4}",
        model.stop_reason(),
        secs / iters as f64,
        model.rmse(&test)?,
        truth_rmse(&model),
        rm.ndcg
    );
    if let Some(p) = peak_rss_mib() {
        println!("peak resident memory (VmHWM): {p:.0} MiB");
    }
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
