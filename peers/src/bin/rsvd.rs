//! Randomized vs exact truncated SVD: times `ndfactor::RandomizedSvd` and `Svd` + truncation on
//! `n×n` matrices with singular values `σᵢ = 1/(1+i)`, and records the achieved Frobenius error
//! `‖A − U_k·Σ_k·V_kᵀ‖_F` next to the Eckart–Young optimum `√(Σ_{i≥k} σᵢ²)`.
//!
//! `rsvd --sizes 2000,4000 --ks 10,50 --reps 5 --exact-reps 2 --out target/ndfactor-peers/rsvd.json`

use std::time::Instant;

use ndarray::Array2;
use ndfactor::{RandomizedSvd, Rank, Svd, TruncatedSvd};
use ndfactor_peers::cli::{arg, median};
use ndfactor_peers::inputs;
use serde_json::json;

fn list(s: &str) -> Vec<usize> {
    s.split(',')
        .map(|x| x.trim().parse().expect("a list of integers"))
        .collect()
}

/// `‖A − U·Σ·Vᵀ‖_F`, computed directly.
fn achieved(a: &Array2<f64>, t: &TruncatedSvd<f64>) -> f64 {
    let us = &t.u() * &t.s().view().insert_axis(ndarray::Axis(0));
    let r = a - &us.dot(&t.vt());
    r.iter().map(|x| x * x).sum::<f64>().sqrt()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes = list(arg(&args, "--sizes", "2000"));
    let ks = list(arg(&args, "--ks", "10,50"));
    let reps: usize = arg(&args, "--reps", "5").parse().expect("--reps N");
    let exact_reps: usize = arg(&args, "--exact-reps", "1")
        .parse()
        .expect("--exact-reps N");
    let out = arg(&args, "--out", "target/ndfactor-peers/rsvd.json").to_string();
    let mut rows = Vec::new();
    for &n in &sizes {
        let t0 = Instant::now();
        let a = inputs::decaying(n, n, 16, 4242 + n as u64);
        eprintln!(
            "n = {n}: matrix built in {:.2} s",
            t0.elapsed().as_secs_f64()
        );
        // Exact: thin SVD (?gesdd) then truncation; the truncation is O((m+n)k), so one timed SVD
        // serves every k (the truncation time is added per k).
        let a_c = a.as_standard_layout().into_owned();
        let mut svd_times = Vec::new();
        let mut svd = None;
        for _ in 0..exact_reps {
            let t = Instant::now();
            svd = Some(Svd::new(&a).expect("svd"));
            svd_times.push(t.elapsed().as_secs_f64());
        }
        let svd = svd.expect("at least one exact repetition");
        let svd_median = median(&svd_times);
        eprintln!("n = {n}: exact SVD median {svd_median:.2} s over {exact_reps}");
        for &k in &ks {
            let opt = inputs::decaying_optimum(n, n, k);
            let t = Instant::now();
            let tr = svd.truncate(Rank::Fixed(k)).expect("truncate");
            let trunc = t.elapsed().as_secs_f64();
            rows.push(json!({
                "n": n, "k": k, "method": "ndfactor Svd + truncate",
                "median_s": svd_median + trunc, "reps": exact_reps,
                "frob_err": achieved(&a, &tr), "optimum": opt,
            }));
            // The matrix is built in F order; NumPy (and most ndarray users) hold C order,
            // which costs ndfactor one transposing copy: both are measured.
            for (layout, input) in [("F-order", &a), ("C-order", &a_c)] {
                let mut times = Vec::new();
                let mut last = None;
                for r in 0..reps {
                    let t = Instant::now();
                    let res = RandomizedSvd::new(k)
                        .seed(r as u64)
                        .compute(input)
                        .expect("rsvd");
                    times.push(t.elapsed().as_secs_f64());
                    last = Some(res);
                }
                let last = last.expect("at least one randomized repetition");
                let err = achieved(&a, &last);
                let med = median(&times);
                eprintln!(
                    "n = {n}, k = {k}, {layout}: randomized median {med:.3} s, error/optimum {:.6}",
                    err / opt
                );
                rows.push(json!({
                    "n": n, "k": k,
                    "method": format!("ndfactor RandomizedSvd (p=10, q auto), {layout} input"),
                    "median_s": med, "reps": reps, "frob_err": err, "optimum": opt,
                    "reported_err": last.report().frobenius_error,
                }));
            }
        }
    }
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("output directory");
    }
    std::fs::write(
        &out,
        serde_json::to_string_pretty(&json!({ "rows": rows })).expect("json"),
    )
    .expect("write output");
}
