//! Tucker (HOSVD, HOOI) and CP-ALS on generated tensors, with compression figures.
//!
//! Run: `OPENBLAS_NUM_THREADS=1 cargo run --release --example tensor`

use std::time::Instant;

use ndarray::ArrayD;
use ndfactor::tensor::{hosvd, norm, random_cp, random_tucker, CpAls, CpInit, Hooi};
use ndfactor::testing;

fn main() -> ndfactor::Result<()> {
    // ---- Tucker: multilinear rank (5, 6, 7) in a 40×50×60 tensor, exact and with 1% noise.
    let shape = [40usize, 50, 60];
    let ranks = [5usize, 6, 7];
    let x: ArrayD<f64> = random_tucker(&shape, &ranks, 1);
    let t0 = Instant::now();
    let h = hosvd(&x, &ranks)?;
    println!(
        "== Tucker, {shape:?} tensor of multilinear rank {ranks:?}\nHOSVD: relative error {:.2e} ({:.3} s); stored {} of {} values (compression {:.0}×)",
        h.relative_error(),
        t0.elapsed().as_secs_f64(),
        h.stored_values(),
        h.dense_values(),
        h.dense_values() as f64 / h.stored_values() as f64
    );
    let mut rng = testing::rng(2);
    let level = 0.01 * norm(&x) / (x.len() as f64).sqrt();
    let noisy = x.mapv(|v| v + level * testing::normal::<f64>(&mut rng));
    println!("with 1% noise (‖E‖/‖X‖ ≈ 0.01):");
    println!("ranks        HOSVD error  HOOI error  HOOI sweeps  compression");
    for r in [[5usize, 6, 7], [3, 3, 3], [2, 4, 3]] {
        let h = hosvd(&noisy, &r)?;
        let o = Hooi::new(&r).fit(&noisy)?;
        println!(
            "{:<12} {:.6}     {:.6}    {:>3}          {:.0}×",
            format!("{r:?}"),
            h.relative_error(),
            o.relative_error(),
            o.iterations(),
            o.dense_values() as f64 / o.stored_values() as f64
        );
    }

    // ---- CP: rank 4 in 30×40×50, exact; then a 4-way tensor.
    for (shape, rank) in [(vec![30usize, 40, 50], 4usize), (vec![10, 12, 14, 16], 3)] {
        let (x, w, _) = random_cp::<f64>(&shape, rank, 3);
        println!("\n== CP, {shape:?} tensor of CP rank {rank}, weights {w}");
        for init in [CpInit::Hosvd, CpInit::Random] {
            let t0 = Instant::now();
            let cp = CpAls::new(rank)
                .init(init)
                .tol(1e-15)
                .max_iter(500)
                .fit(&x)?;
            let mut got = cp.weights().to_vec();
            got.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let h = cp.fit_history();
            println!(
                "{init:?} start: {} sweeps ({:.3} s), fit after sweeps 1/5/10: {:.6}/{:.6}/{:.6}, relative error {:.2e}, weights {:.6?}",
                cp.iterations(),
                t0.elapsed().as_secs_f64(),
                h[0],
                h[4.min(h.len() - 1)],
                h[9.min(h.len() - 1)],
                cp.relative_error(),
                got
            );
            println!(
                "   stored {} of {} values (compression {:.0}×)",
                cp.stored_values(),
                cp.dense_values(),
                cp.dense_values() as f64 / cp.stored_values() as f64
            );
        }
    }
    Ok(())
}
