//! A tour of ndfactor on the worked examples of the study notes the project grew from.
//!
//! Run: `bash scripts/tour.sh` (or `cargo run --release --example tour`).

use ndarray::{array, Array2};
use ndfactor::prelude::*;
use ndfactor::verify;

fn show(name: &str, m: &Array2<f64>) {
    println!("  {name} =");
    for row in m.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|x| format!("{:>9.4}", if x.abs() < 5e-16 { 0.0 } else { *x }))
            .collect();
        println!("    [{} ]", cells.join(""));
    }
}

fn check(label: &str, ratio: f64, threshold: f64) {
    let verdict = if ratio < threshold { "ok" } else { "FAILED" };
    println!("  {label:<44} {ratio:>8.3}  (LAPACK threshold {threshold}, {verdict})");
}

fn main() -> ndfactor::Result<()> {
    println!("ndfactor tour — LAPACK in use: {}\n", ndfactor::backend());

    // The decomposition summary's example: symmetric positive definite.
    let a = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
    println!("A (symmetric positive definite, from the decomposition summary):");
    show("A", &a);

    println!("\n1. LU with partial pivoting: P·A = L·U   (LAPACK dgetrf, ≈ 2n³/3 flops)");
    let lu = a.lu()?;
    show("P", &lu.p());
    show("L", &lu.l());
    show("U", &lu.u());
    println!(
        "  det(A) = {:.6}   rcond₁(A) = {:.4}   (κ₁ ≈ {:.2})",
        lu.det(),
        lu.rcond(),
        1.0 / lu.rcond()
    );
    check(
        "‖P·A − L·U‖₁ / (n·‖A‖₁·ε)",
        verify::lu_ratio(&a, &lu),
        verify::LIN_THRESHOLD,
    );
    let b = array![[1.0], [2.0], [3.0]];
    let x = lu.solve(&b)?;
    println!(
        "  solve A·x = [1, 2, 3]ᵀ: x = [{:.6}, {:.6}, {:.6}]",
        x[(0, 0)],
        x[(1, 0)],
        x[(2, 0)]
    );
    check(
        "‖b − A·x‖₁ / (‖A‖₁·‖x‖₁·ε)",
        verify::solve_ratio(&a, &x, &b),
        verify::LIN_THRESHOLD,
    );
    let inv = lu.inverse()?;
    check(
        "‖I − A·A⁻¹‖₁ / (n·‖A‖₁·‖A⁻¹‖₁·ε)",
        verify::inverse_ratio(&a, &inv),
        verify::LIN_THRESHOLD,
    );

    println!("\n2. Cholesky: A = L·Lᵀ   (LAPACK dpotrf, ≈ n³/3 flops: half of LU, no pivoting)");
    let ch = a.cholesky()?;
    show("L", &ch.l());
    println!(
        "  det(A) = ∏ lᵢᵢ² = {:.6}   ln det(A) = {:.6}   rcond₁(A) = {:.4}",
        ch.det(),
        ch.ln_det(),
        ch.rcond()
    );
    check(
        "‖L·Lᵀ − A‖₁ / (n·‖A‖₁·ε)",
        verify::cholesky_ratio(&a, &ch),
        verify::LIN_THRESHOLD,
    );
    let xc = ch.solve(&b)?;
    check(
        "‖b − A·x‖₁ / (‖A‖₁·‖x‖₁·ε)",
        verify::solve_ratio(&a, &xc, &b),
        verify::LIN_THRESHOLD,
    );

    println!("\n3. What the checks refuse (errors are typed, LAPACK never sees bad input)");
    let indefinite = array![[1.0, 2.0], [2.0, 1.0]];
    println!(
        "  cholesky of [[1,2],[2,1]] (eigenvalues 3, −1): {}",
        indefinite.cholesky().unwrap_err()
    );
    let singular = array![[1.0, 2.0], [2.0, 4.0]];
    let slu = singular.lu()?;
    println!(
        "  lu of [[1,2],[2,4]]: factors (det = {}, rcond = {}), solve → {}",
        slu.det(),
        slu.rcond(),
        slu.solve(&array![1.0, 1.0]).unwrap_err()
    );
    let nan = array![[1.0, f64::NAN], [0.0, 1.0]];
    println!("  lu of a matrix holding NaN: {}", nan.lu().unwrap_err());
    println!(
        "  lu of a 2×3 matrix: {}",
        Array2::<f64>::zeros((2, 3)).lu().unwrap_err()
    );

    println!("\n4. Conditioning: the Hilbert matrix hᵢⱼ = 1/(i+j+1)");
    println!(
        "  {:>3}  {:>12}  {:>10}  Cholesky",
        "n", "rcond₁", "digits lost"
    );
    for n in [4usize, 8, 12, 14] {
        let h = ndfactor::testing::hilbert::<f64>(n);
        let rc = h.lu()?.rcond();
        let chol = match h.cholesky() {
            Ok(_) => "ok".to_string(),
            Err(e) => format!("{e}"),
        };
        println!("  {n:>3}  {rc:>12.3e}  {:>10.1}  {chol}", -rc.log10());
    }

    println!("\n5. Complex Hermitian input works the same (c64)");
    let i = c64::new(0.0, 1.0);
    let h = array![[c64::new(2.0, 0.0), i], [-i, c64::new(2.0, 0.0)]];
    let hc = h.cholesky()?;
    println!(
        "  [[2, i], [−i, 2]]: det = {:.6}, ‖L·Lᴴ − A‖ ratio = {:.3}",
        hc.det(),
        verify::cholesky_ratio(&h, &hc)
    );
    Ok(())
}
