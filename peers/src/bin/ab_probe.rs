//! Interleaved A/B probe: ndfactor against the hand-written baseline (copy + raw LAPACK call) and
//! ndarray-linalg, call by call in rotating order, so that machine noise (other tenants, clock
//! changes) lands on every contender alike. Criterion measures the contenders one after the
//! other, seconds apart; on a shared 2-core machine that alone moves a ratio by ±10–15%.
//!
//! For every case the probe times `rounds` rounds; a round calls each contender once, in an
//! order that rotates from round to round. It reports each contender's median and the median of
//! the per-round ratios ndfactor / contender with a distribution-free 95% confidence interval
//! (order statistics of the binomial(rounds, ½) law), and writes them as JSON.
//!
//! `ab_probe [--ops lu_f64,...] [--sizes 256,1024] [--layouts C,F] [--budget 6] [--out target/ndfactor-peers/ab.json]`
//!
//! `--budget` is the wall time per case in seconds (at least 15 rounds are run).

use std::hint::black_box;

use ndarray::Array2;
use ndarray_linalg::{
    Eig as _, Eigh as _, Factorize as _, FactorizeH as _, JobSvd, QR as _, SVDDC as _, UPLO,
};
use ndfactor::{Cholesky, Eig, Ldlt, Lu, Qr, Schur, Svd, SymmetricEigen};
use ndfactor_peers::baseline;
use ndfactor_peers::cli::{arg, loadavg, median, median_ci, probe, ratios, Call};
use ndfactor_peers::inputs::{self, in_layout, Layout};
use ndfactor_peers::lapack::Real;
use serde_json::json;

fn input(kind: &str, n: usize) -> Array2<f64> {
    let seed = 1000 + n as u64;
    match kind {
        "general" => inputs::general(n, seed),
        "symmetric" => inputs::symmetric(n, seed),
        _ => inputs::spd(n, seed),
    }
}

/// The contenders of operation `op` on input `a` (already in the layout under test), for either
/// real type.
fn contenders<'a, T>(op: &str, a: &'a Array2<T>) -> Vec<Call<'a>>
where
    T: ndfactor::Scalar + ndarray_linalg::Scalar + ndarray_linalg::Lapack + Real,
{
    match op {
        "lu" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Lu::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::lu(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.factorize().unwrap()))),
            ),
        ],
        "cholesky" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Cholesky::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::cholesky(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| {
                    drop(black_box(
                        ndarray_linalg::Cholesky::cholesky(&**a, UPLO::Lower).unwrap(),
                    ))
                }),
            ),
        ],
        "ldlt" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Ldlt::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::ldlt(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.factorizeh().unwrap()))),
            ),
        ],
        "qr" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Qr::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::qr(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.qr().unwrap()))),
            ),
        ],
        "svd" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Svd::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::svd(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.svddc(JobSvd::Some).unwrap()))),
            ),
        ],
        "eigh" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(SymmetricEigen::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::eigh(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.eigh(UPLO::Lower).unwrap()))),
            ),
        ],
        "eig" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Eig::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::eig(a.view())))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.eig().unwrap()))),
            ),
        ],
        "schur" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Schur::new(a).unwrap()))),
            ),
            (
                "baseline",
                Box::new(|| drop(black_box(baseline::schur(a.view())))),
            ),
        ],
        "solve" => {
            // One right-hand side. ndfactor's NumPy-style `solve` (C-order input factored as
            // it lies), `auto::solve` (the same, after looking for structure), `Lu::new` +
            // `solve` (the F-order copy), ndarray-linalg's `Solve::solve`.
            let b = a.column(0).to_owned();
            let (b0, b1, b2, b3) = (b.clone(), b.clone(), b.clone(), b);
            vec![
                (
                    "ndfactor",
                    Box::new(move || drop(black_box(ndfactor::solve(a, &b0).unwrap()))),
                ),
                (
                    "auto-solve",
                    Box::new(move || drop(black_box(ndfactor::auto::solve(a, &b3).unwrap()))),
                ),
                (
                    "lu-solve",
                    Box::new(move || {
                        drop(black_box(Lu::new(a).unwrap().solve(&b1).unwrap()));
                    }),
                ),
                (
                    "ndarray-linalg",
                    Box::new(move || {
                        drop(black_box(ndarray_linalg::Solve::solve(&**a, &b2).unwrap()));
                    }),
                ),
            ]
        }
        "transpose" => {
            // The C-order → F-order copy, into destinations allocated once (the kernel, not
            // the page faults of a fresh buffer), against a memcpy of the same buffer and the
            // `transpose` crate. The input's buffer is read as row-major whatever its layout.
            let (m, n) = a.dim();
            let src = a.as_slice_memory_order().expect("contiguous input");
            let dst = || std::cell::RefCell::new(vec![T::default(); m * n]);
            let (d0, d1, d2) = (dst(), dst(), dst());
            vec![
                (
                    "ndfactor",
                    Box::new(move || {
                        ndfactor::layout::transpose_into(src, (m, n), &mut d0.borrow_mut());
                        black_box(&d0);
                    }),
                ),
                (
                    "memcpy",
                    Box::new(move || {
                        d1.borrow_mut().copy_from_slice(src);
                        black_box(&d1);
                    }),
                ),
                (
                    "transpose-crate",
                    Box::new(move || {
                        transpose::transpose(src, &mut d2.borrow_mut(), n, m);
                        black_box(&d2);
                    }),
                ),
            ]
        }
        _ => panic!("unknown operation {op}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ops = arg(
        &args,
        "--ops",
        "lu_f64,lu_f32,cholesky_f64,ldlt_f64,qr_f64,svd_f64,svd_f32,eigh_f64,eig_f64,schur_f64",
    )
    .to_string();
    let sizes: Vec<usize> = arg(&args, "--sizes", "256,1024")
        .split(',')
        .map(|s| s.trim().parse().expect("--sizes: integers"))
        .collect();
    let layouts: Vec<Layout> = arg(&args, "--layouts", "C,F")
        .split(',')
        .map(|l| match l.trim() {
            "C" => Layout::C,
            "F" => Layout::F,
            other => panic!("--layouts: C and/or F, not {other}"),
        })
        .collect();
    let budget: f64 = arg(&args, "--budget", "6")
        .parse()
        .expect("--budget seconds");
    let out = arg(&args, "--out", "target/ndfactor-peers/ab.json").to_string();
    let mut rows = Vec::new();
    for op_ty in ops.split(',') {
        let (op, ty) = op_ty.split_once('_').expect("op_type, e.g. lu_f64");
        let kind = match op {
            "cholesky" => "spd",
            "ldlt" | "eigh" => "symmetric",
            _ => "general",
        };
        for &n in &sizes {
            for &layout in &layouts {
                let a64 = in_layout(&input(kind, n), layout);
                let a32 = a64.mapv(|x| x as f32);
                let a32 = in_layout(&a32, layout);
                let calls = match ty {
                    "f64" => contenders(op, &a64),
                    "f32" => contenders(op, &a32),
                    _ => panic!("unknown type {ty}"),
                };
                let times = probe(&calls, budget, 15, 400);
                let rounds = times[0].len();
                let mut row = json!({
                    "op": op_ty, "n": n, "layout": layout.name(), "rounds": rounds,
                    "median_s": {}, "ratio": {},
                });
                let mut line = format!("{op_ty:>12} n={n:<5} {} rounds={rounds:<4}", layout.name());
                for (i, (name, _)) in calls.iter().enumerate() {
                    row["median_s"][*name] = json!(median(&times[i]));
                    line += &format!(" {name}={:.4e}s", median(&times[i]));
                    if i > 0 {
                        let r = ratios(&times[0], &times[i]);
                        let (lo, hi) = median_ci(&r);
                        let m = median(&r);
                        row["ratio"][*name] = json!({ "median": m, "ci95": [lo, hi] });
                        line += &format!(" nd/{name}={m:.3} [{lo:.3}, {hi:.3}]");
                    }
                }
                eprintln!("{line}");
                rows.push(row);
            }
        }
    }
    let doc = json!({
        "budget_s": budget,
        "loadavg_after": loadavg(),
        "rows": rows,
    });
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("create the output directory");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).expect("write the JSON");
    eprintln!("wrote {out}");
}
