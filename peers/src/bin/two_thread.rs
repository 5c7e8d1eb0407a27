//! The default two-thread case: ndfactor with OpenBLAS's default threads, ndarray-linalg over the
//! same OpenBLAS, and faer with `Par::rayon(threads)`, interleaved round by round on the same
//! C-order inputs (what a user holds by default), medians of the rounds.
//!
//! `two_thread [--ops lu,cholesky,qr,eigh,svd,schur,rsvd] [--sizes 1024,2000] [--rounds 5]
//! [--threads 2] [--gap-ms 250] [--out target/ndfactor-peers/two_thread.json]`
//!
//! Run it with `OPENBLAS_NUM_THREADS` unset or equal to `--threads`; its counterpart for
//! NumPy/SciPy wheels is `peers/python/two_thread.py`, run right after on the same machine
//! (scripts/bench-two-thread.sh does both). Work per operation, the same for every contender:
//! `lu` the factorization with partial pivoting; `cholesky` the lower factor; `qr` the thin `Q`
//! and `R` (as `np.linalg.qr`); `eigh` values and vectors; `svd` the thin SVD with vectors; `schur`
//! the real Schur form with its vectors (ndfactor only among the Rust contenders); `rsvd` a
//! rank-50 randomized SVD with 10 oversamples and 4 power iterations (ndfactor only; sklearn's
//! `randomized_svd` on the Python side).

use std::hint::black_box;
use std::time::Instant;

use faer::{MatRef, Par, Side};
use ndarray::Array2;
use ndarray_linalg::{Eigh, Factorize, QR, UPLO};
use ndfactor::{Cholesky, Lu, Qr, RandomizedSvd, Schur, Svd, SymmetricEigen};
use ndfactor_peers::cli::{arg, median};
use ndfactor_peers::inputs;

type Call<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// A faer view of a C-order ndarray matrix: row stride n, column stride 1.
fn faer_view(a: &Array2<f64>) -> MatRef<'_, f64> {
    let (m, n) = a.dim();
    let s = a.as_slice().expect("C-contiguous input");
    MatRef::from_row_major_slice(s, m, n)
}

fn contenders<'a>(op: &str, a: &'a Array2<f64>) -> Vec<Call<'a>> {
    let fa = faer_view(a);
    match op {
        "lu" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Lu::new(a).unwrap()))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.factorize().unwrap()))),
            ),
            (
                "faer",
                Box::new(move || drop(black_box(fa.partial_piv_lu()))),
            ),
        ],
        "cholesky" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Cholesky::new(a).unwrap()))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| {
                    drop(black_box(
                        ndarray_linalg::Cholesky::cholesky(&**a, UPLO::Lower).unwrap(),
                    ))
                }),
            ),
            (
                "faer",
                Box::new(move || drop(black_box(fa.llt(Side::Lower).unwrap()))),
            ),
        ],
        "qr" => vec![
            (
                "ndfactor",
                Box::new(|| {
                    let qr = Qr::new(a).unwrap();
                    drop(black_box((qr.q(), qr.r())));
                }),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.qr().unwrap()))),
            ),
            (
                "faer",
                Box::new(move || {
                    let qr = fa.qr();
                    drop(black_box((qr.compute_thin_Q(), qr.thin_R().to_owned())));
                }),
            ),
        ],
        "eigh" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(SymmetricEigen::new(a).unwrap()))),
            ),
            (
                "ndarray-linalg",
                Box::new(|| drop(black_box(a.eigh(UPLO::Lower).unwrap()))),
            ),
            (
                "faer",
                Box::new(move || drop(black_box(fa.self_adjoint_eigen(Side::Lower).unwrap()))),
            ),
        ],
        "svd" => vec![
            (
                "ndfactor",
                Box::new(|| drop(black_box(Svd::new(a).unwrap()))),
            ),
            // ndarray-linalg's `svd` runs ?gesvd; its `svddc` (?gesdd, thin) is the like-for-like call.
            (
                "ndarray-linalg",
                Box::new(|| {
                    drop(black_box(
                        ndarray_linalg::SVDDC::svddc(&**a, ndarray_linalg::JobSvd::Some).unwrap(),
                    ))
                }),
            ),
            (
                "faer",
                Box::new(move || drop(black_box(fa.thin_svd().unwrap()))),
            ),
        ],
        "schur" => vec![(
            "ndfactor",
            Box::new(|| drop(black_box(Schur::new(a).unwrap()))),
        )],
        "rsvd" => vec![(
            "ndfactor",
            Box::new(|| {
                drop(black_box(
                    RandomizedSvd::new(50)
                        .oversamples(10)
                        .power_iterations(4)
                        .seed(0)
                        .compute(a)
                        .unwrap(),
                ))
            }),
        )],
        other => panic!("unknown op {other}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let ops = arg(&args, "--ops", "lu,cholesky,qr,eigh,svd,schur,rsvd");
    let sizes: Vec<usize> = arg(&args, "--sizes", "1024,2000")
        .split(',')
        .map(|s| s.parse().expect("sizes are integers"))
        .collect();
    let rounds: usize = arg(&args, "--rounds", "5").parse().expect("rounds");
    let threads: usize = arg(&args, "--threads", "2").parse().expect("threads");
    let out = arg(&args, "--out", "target/ndfactor-peers/two_thread.json");
    // Idle time before each call: OpenBLAS's threads keep spinning for a while after a call
    // (THREAD_TIMEOUT, about 0.1 s here) and rayon's for a shorter while; on two cores, a
    // library called right after another one would share its cores with those spinning threads.
    let gap = std::time::Duration::from_millis(arg(&args, "--gap-ms", "250").parse().expect("gap"));
    faer::set_global_parallelism(if threads > 1 {
        Par::rayon(threads)
    } else {
        Par::Seq
    });
    let blas = std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "unset".into());
    println!("threads {threads} (OPENBLAS_NUM_THREADS={blas}, faer Par::rayon({threads})), {rounds} rounds, C-order inputs");
    let mut rows = Vec::new();
    for op in ops.split(',') {
        for &n in &sizes {
            let seed = 1000 + n as u64;
            let a = match op {
                "cholesky" => inputs::spd(n, seed),
                "eigh" => inputs::symmetric(n, seed),
                "rsvd" => inputs::decaying(n, n, 4, seed),
                _ => inputs::general(n, seed),
            }
            .as_standard_layout()
            .into_owned();
            let calls = contenders(op, &a);
            for (_, f) in &calls {
                f(); // warm-up: pages, thread pools, workspace sizes
            }
            let mut times = vec![Vec::new(); calls.len()];
            for _ in 0..rounds {
                for (t, (_, f)) in times.iter_mut().zip(&calls) {
                    std::thread::sleep(gap);
                    let s = Instant::now();
                    f();
                    t.push(s.elapsed().as_secs_f64());
                }
            }
            let base = median(&times[0]);
            for ((name, _), t) in calls.iter().zip(&times) {
                let med = median(t);
                println!(
                    "{op:9} n={n:5} {name:15} median {med:9.4} s  ndfactor/this {:.3}",
                    base / med
                );
                rows.push(format!(
                    "{{\"op\":\"{op}\",\"n\":{n},\"lib\":\"{name}\",\"median_s\":{med},\"times\":{t:?}}}"
                ));
            }
        }
    }
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("output directory");
    }
    std::fs::write(out, format!("[\n{}\n]\n", rows.join(",\n"))).expect("write results");
    println!("wrote {out}");
}
