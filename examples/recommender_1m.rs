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
//! Ranking is reported under two protocols, each beside a random ranking (its expectation)
//! and an oracle (the true matrix) on the same split: ranking every column the user has not
//! rated in training ([`CompletionModel::ranking_metrics`]), and ranking only the user's
//! held-out columns. Which items a user rated here does not depend on the ratings (only on
//! item popularity), and a user has a few held-out ratings among ~3900 unrated items, so
//! under the first protocol even the oracle's top 10 are mostly items the user never rated:
//! its figures are small for every ranking, and are to be read against the two baselines.
//!
//! Run: `OPENBLAS_NUM_THREADS=1 cargo run --release --example recommender_1m`
//! (`-- --npy DIR` also writes the triplets and the truth at every rating as `.npy` for the
//! Python reference in `peers/python/completion_peer.py`; `-- --lambda X` and/or
//! `-- --si-lambda Y` with `--iters N` replace the default fits by ALS/soft-impute at that
//! fixed λ for exactly `N` iterations, the comparison at equal λ and iteration count).
//!
//! [`CompletionModel::ranking_metrics`]: ndfactor::CompletionModel::ranking_metrics

use std::collections::HashSet;
use std::time::Instant;

use ndarray::{Array1, Array2};
use ndfactor::completion::{ranking_metrics_by, Completion, Observations};
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

fn write_npy(dir: &str, t: &[(usize, usize, f64)], test_mask: &[bool], truth: &[f64]) {
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
    write_npy(format!("{dir}/truth.npy"), &Array1::from(truth.to_vec())).unwrap();
}

/// `--flag VALUE` from the command line.
fn arg<T: std::str::FromStr>(args: &[String], flag: &str) -> Option<T> {
    let p = args.iter().position(|a| a == flag)?;
    let v = args
        .get(p + 1)
        .unwrap_or_else(|| panic!("{flag} needs a value"));
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{flag}: cannot parse {v}")),
    )
}

/// Expected precision, recall and NDCG@`n` of a uniformly random ranking of `cand(i)`
/// candidate columns of every evaluated row (`relevant[i] > 0` relevant held-out entries): with `R`
/// relevant among `C` candidates and `L = min(n, C)` listed, every listed position holds a
/// relevant column with probability `R/C`, so E[hits] = `L·R/C` and
/// E[DCG] = `(R/C)·Σ_{p ≤ L} 1/log₂(p + 1)`.
fn random_expected(
    relevant: &[usize],
    n: usize,
    cand: impl Fn(usize) -> usize,
) -> (usize, f64, f64, f64) {
    let dcg = |l: usize| -> f64 { (0..l).map(|p| 1.0 / ((p + 2) as f64).log2()).sum() };
    let (mut rows, mut p, mut r, mut g) = (0usize, 0.0, 0.0, 0.0);
    for (i, &rel) in relevant.iter().enumerate() {
        if rel == 0 {
            continue;
        }
        let c = cand(i) as f64;
        let l = n.min(cand(i));
        rows += 1;
        p += l as f64 * rel as f64 / c / n as f64;
        r += l as f64 / c;
        g += rel as f64 / c * dcg(l) / dcg(n.min(rel));
    }
    let d = rows.max(1) as f64;
    (rows, p / d, r / d, g / d)
}

fn main() -> ndfactor::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let npy: Option<String> = arg(&args, "--npy");
    let als_lambda: Option<f64> = arg(&args, "--lambda");
    let si_lambda_fixed: Option<f64> = arg(&args, "--si-lambda");
    let fixed_iters: usize = arg(&args, "--iters").unwrap_or(15);
    let t0 = Instant::now();
    let (t, u, v, b, c) = generate(2024);
    let truth = |i: usize, j: usize| 3.5 + b[i] + c[j] + u.row(i).dot(&v.row(j));
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
    let mut train_per_row = vec![0usize; M];
    for e in train.entries() {
        train_per_row[e.0] += 1;
    }
    let mut held = vec![0usize; M];
    let mut rel = vec![0usize; M];
    for e in test.entries() {
        held[e.0] += 1;
        rel[e.0] += usize::from(e.2 >= 4.0);
    }
    let (mut hs, mut rs) = (held.clone(), rel.clone());
    hs.sort_unstable();
    rs.sort_unstable();
    println!(
        "held out per user: median {} (max {}), relevant (rating ≥ 4) median {} (max {}); {} users with a relevant held-out rating",
        hs[M / 2],
        hs[M - 1],
        rs[M / 2],
        rs[M - 1],
        rel.iter().filter(|&&r| r > 0).count()
    );
    if let Some(dir) = &npy {
        let test_set: HashSet<(usize, usize)> = test.entries().iter().map(|e| (e.0, e.1)).collect();
        let mask: Vec<bool> = obs
            .entries()
            .iter()
            .map(|e| test_set.contains(&(e.0, e.1)))
            .collect();
        let tv: Vec<f64> = obs.entries().iter().map(|e| truth(e.0, e.1)).collect();
        write_npy(dir, obs.entries(), &mask, &tv);
        println!("wrote {dir}/{{rows,cols,vals,test,truth}}.npy");
    }
    // Baselines on the same split, under both protocols: the library's (rank every column
    // the user has not rated in training) and "held-out candidates" (rank only the user's
    // held-out columns; every other column scores −∞ and so comes last).
    let held_only = |i: usize, j: usize, x: f64| {
        if test.get(i, j).is_some() {
            x
        } else {
            f64::NEG_INFINITY
        }
    };
    let all = random_expected(&rel, 10, |i| N - train_per_row[i]);
    let among = random_expected(&rel, 10, |i| held[i]);
    let oracle = ranking_metrics_by(&train, &test, 10, 4.0, truth)?;
    let oracle_h = ranking_metrics_by(&train, &test, 10, 4.0, |i, j| held_only(i, j, truth(i, j)))?;
    println!("ranking @10 (relevant = held-out rating ≥ 4), precision / recall / NDCG:");
    println!(
        "   all unrated columns:    random (expected) {:.4} / {:.4} / {:.4}; oracle (true matrix) {:.4} / {:.4} / {:.4}",
        all.1, all.2, all.3, oracle.precision, oracle.recall, oracle.ndcg
    );
    println!(
        "   held-out columns only:  random (expected) {:.4} / {:.4} / {:.4}; oracle (true matrix) {:.4} / {:.4} / {:.4}",
        among.1, among.2, among.3, oracle_h.precision, oracle_h.recall, oracle_h.ndcg
    );
    let truth_rmse = |model: &ndfactor::CompletionModel<f64>| {
        let mut s = 0.0;
        for &(i, j, _) in test.entries() {
            let d = model.predict(i, j).unwrap() - truth(i, j);
            s += d * d;
        }
        (s / test.len() as f64).sqrt()
    };
    let ranking = |model: &ndfactor::CompletionModel<f64>| -> ndfactor::Result<String> {
        let rm = model.ranking_metrics(&test, 10, 4.0)?;
        let rh = ranking_metrics_by(&train, &test, 10, 4.0, |i, j| {
            held_only(i, j, model.predict(i, j).unwrap())
        })?;
        Ok(format!(
            "over {} users, all unrated columns: precision@10 {:.4}, recall@10 {:.4}, NDCG@10 {:.4}; held-out columns only: {:.4} / {:.4} / {:.4}",
            rm.rows, rm.precision, rm.recall, rm.ndcg, rh.precision, rh.recall, rh.ndcg
        ))
    };
    println!(
        "threads: rayon {}, OpenBLAS {:?}",
        rayon_threads(),
        ndfactor::blas_threads()
    );
    let fixed_mode = als_lambda.is_some() || si_lambda_fixed.is_some();
    let mut fits: Vec<(String, Completion<f64>)> = Vec::new();
    if let Some(l) = als_lambda {
        fits.push((
            format!("ALS, rank 10, biases, fixed weighted λ {l}, {fixed_iters} iterations"),
            Completion::als(RANK)
                .biases(true)
                .lambda(l)
                .tol(0.0)
                .max_iter(fixed_iters),
        ));
    }
    if let Some(l) = si_lambda_fixed {
        fits.push((
            format!("soft-impute, rank ≤ 10, biases, fixed λ {l}, {fixed_iters} iterations"),
            Completion::soft_impute(RANK)
                .biases(true)
                .lambda(l)
                .tol(0.0)
                .max_iter(fixed_iters),
        ));
    }
    if !fixed_mode {
        fits.push((
            "ALS, rank 10, biases, default λ (internal 10% split, weighted-λ path)".into(),
            Completion::als(RANK).biases(true).tol(1e-4),
        ));
        fits.push((
            "soft-impute, rank ≤ 10, biases, default λ (internal 10% split, λ path)".into(),
            Completion::soft_impute(RANK).biases(true).tol(1e-4),
        ));
    }
    let mut si_lambda = None;
    for (name, builder) in &fits {
        let t1 = Instant::now();
        let mut iters = 0usize;
        let mut iter_secs = Vec::new();
        let mut tick = Instant::now();
        let model = builder.fit_with(&train, |_| {
            iters += 1;
            iter_secs.push(tick.elapsed().as_secs_f64());
            tick = Instant::now();
        })?;
        let secs = t1.elapsed().as_secs_f64();
        let inner: usize = model.lambda_path().iter().map(|t| t.iterations).sum();
        let all_iters = iters + inner;
        iter_secs.sort_by(f64::total_cmp);
        println!(
            "{name}: λ {:.5}, {} iterations on the final fit ({:?}; {all_iters} in all, with the internal split) in {secs:.2} s = {:.3} s/iteration (median of the final fit's iterations {:.3} s); objective {:.6e}; test RMSE {:.4} (noise {NOISE}), vs truth {:.4}",
            model.lambda(),
            model.iterations(),
            model.stop_reason(),
            secs / all_iters as f64,
            iter_secs[iter_secs.len() / 2],
            model.history().last().map_or(f64::NAN, |h| h.objective),
            model.rmse(&test)?,
            truth_rmse(&model),
        );
        if !model.lambda_path().is_empty() {
            let path: Vec<String> = model
                .lambda_path()
                .iter()
                .map(|t| format!("{:.4}:{}", t.lambda, t.iterations))
                .collect();
            println!("   internal path (λ:iterations) {}", path.join(" "));
        }
        let t2 = Instant::now();
        let r = ranking(&model)?;
        println!("   {r} ({:.2} s)", t2.elapsed().as_secs_f64());
        if model.method() == ndfactor::completion::CompletionMethod::SoftImpute {
            si_lambda = Some(model.lambda());
        }
    }
    if let (false, Some(si_lambda)) = (fixed_mode, si_lambda) {
        // One soft-impute fit at a fixed λ (the path's choice above is on the scale of σ₁).
        let t1 = Instant::now();
        let mut iters = 0usize;
        let model = Completion::soft_impute(RANK)
            .biases(true)
            .lambda(si_lambda)
            .tol(1e-4)
            .fit_with(&train, |_| iters += 1)?;
        let secs = t1.elapsed().as_secs_f64();
        println!(
            "soft-impute at the fixed λ {si_lambda:.5}: {iters} iterations ({:?}) in {secs:.2} s = {:.3} s/iteration; test RMSE {:.4}, vs truth {:.4}",
            model.stop_reason(),
            secs / iters as f64,
            model.rmse(&test)?,
            truth_rmse(&model),
        );
        println!("   {}", ranking(&model)?);
    }
    if let Some(p) = peak_rss_mib() {
        println!("peak resident memory (VmHWM): {p:.0} MiB");
    }
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
