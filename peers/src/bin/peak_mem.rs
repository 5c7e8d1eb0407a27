//! Peak memory probe: factors one `n×n` F-order Gaussian matrix and exits, so that
//! `/usr/bin/time -v` reports the whole process's maximum resident set size.
//!
//! `peak_mem <input|lu|lu-owned|svd|svd-owned|baseline-lu|baseline-svd> <n>`; prints what LAPACK
//! needs (bytes) for comparison: the input, the copy, the outputs and the workspace.

use ndarray::{Array2, ShapeBuilder};
use ndfactor::{testing, Lu, Svd};
use ndfactor_peers::{baseline, lapack::Real};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("input", |s| s.as_str()).to_string();
    let n: usize = args.get(2).map_or(Ok(4000), |s| s.parse()).expect("n");
    let mut rng = testing::rng(7);
    let a = Array2::<f64>::from_shape_simple_fn((n, n).f(), || testing::normal::<f64>(&mut rng));
    let el = std::mem::size_of::<f64>();
    let input = n * n * el;
    let (need, what_needs) = match what.as_str() {
        "input" => (0, "nothing beyond the input"),
        "lu" | "baseline-lu" => (n * n * el + n * 4, "copy n² + ipiv"),
        "lu-owned" => (n * 4, "ipiv (factors in place)"),
        "svd" | "baseline-svd" => (
            3 * n * n * el + n * el + <f64 as Real>::gesdd_query(n, n) * el + 8 * n * 4,
            "copy n² + U n² + Vᵀ n² + σ + ?gesdd work + iwork 8n",
        ),
        "svd-owned" => (
            2 * n * n * el + n * el + <f64 as Real>::gesdd_query(n, n) * el + 8 * n * 4,
            "U n² + Vᵀ n² + σ + ?gesdd work + iwork 8n (input buffer reused)",
        ),
        other => panic!("unknown probe {other}"),
    };
    let checksum = match what.as_str() {
        "input" => a[(0, 0)],
        "lu" => Lu::new(&a).expect("lu").det().abs().ln(),
        "lu-owned" => Lu::from_owned(a).expect("lu").det().abs().ln(),
        "svd" => Svd::new(&a).expect("svd").s()[0],
        "svd-owned" => Svd::from_owned(a).expect("svd").s()[0],
        "baseline-lu" => baseline::lu(a.view()).0[0],
        "baseline-svd" => baseline::svd(a.view()).1[0],
        _ => unreachable!(),
    };
    println!("probe={what} n={n} input_bytes={input} lapack_extra_bytes={need} ({what_needs}) checksum={checksum:.6e}");
}
