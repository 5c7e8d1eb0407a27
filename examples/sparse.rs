//! Top-20 singular triplets of a 100 000 × 50 000 term–document-like sparse matrix (about 10⁶
//! nonzeros), by Lanczos and by the randomized method.
//!
//! ```text
//! OPENBLAS_NUM_THREADS=1 cargo run --release --example sparse
//! OPENBLAS_NUM_THREADS=1 /usr/bin/time -v target/release/examples/sparse   # peak memory
//! ```
//! Arguments (optional): `rows cols nnz k`.

use std::time::Instant;

use ndfactor::sparse::{Svds, SvdsMethod};
use ndfactor::testing;

fn main() -> Result<(), ndfactor::Error> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|s| s.parse().ok())
        .collect();
    let rows = *args.first().unwrap_or(&100_000);
    let cols = *args.get(1).unwrap_or(&50_000);
    let nnz = *args.get(2).unwrap_or(&1_000_000);
    let k = *args.get(3).unwrap_or(&20);

    let t0 = Instant::now();
    let a = testing::term_document(rows, cols, nnz, 1);
    println!(
        "matrix {rows} × {cols}, nnz {} ({:.1e} density), built in {:.2} s",
        a.nnz(),
        a.nnz() as f64 / (rows as f64 * cols as f64),
        t0.elapsed().as_secs_f64()
    );
    let sparse_bytes = a.nnz() * (8 + 8) + (rows + 1) * 8;
    println!(
        "sparse storage {:.1} MB; a dense copy would take {:.1} GB",
        sparse_bytes as f64 / 1e6,
        (rows * cols * 8) as f64 / 1e9
    );

    for method in [SvdsMethod::Lanczos, SvdsMethod::Randomized] {
        let t = Instant::now();
        let r = Svds::new(k).method(method).seed(7).compute(&a)?;
        let secs = t.elapsed().as_secs_f64();
        let rep = r.report();
        println!("\n{method}: {secs:.2} s");
        println!("  {rep}");
        println!(
            "  workspace ≈ {:.1} MB (+ {:.1} MB for the matrix)",
            (rep.workspace_values * 8) as f64 / 1e6,
            sparse_bytes as f64 / 1e6
        );
        println!("   i        σᵢ          rᵢ/σ₁");
        for i in 0..k {
            println!(
                "  {i:>2}  {:>12.6}  {:>10.2e}",
                r.s()[i],
                r.residuals()[i] / r.s()[0]
            );
        }
    }
    Ok(())
}
