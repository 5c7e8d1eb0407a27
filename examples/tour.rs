//! A tour of ndfactor on the worked examples of the study notes the project grew from.
//!
//! Run: `bash scripts/tour.sh` (or `cargo run --release --example tour`).

use ndarray::{array, Array2};
use ndfactor::prelude::*;
use ndfactor::verify;

fn show(name: &str, m: &Array2<f64>) {
    println!("  {name} =");
    // Entries below rounding level relative to the largest print as 0 (no "-0.0000").
    let tiny = 1e-13 * m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
    for row in m.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|x| format!("{:>9.4}", if x.abs() <= tiny { 0.0 } else { *x }))
            .collect();
        println!("    [{} ]", cells.join(""));
    }
}

fn indented(text: &str) {
    for line in text.lines() {
        println!("    {line}");
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

    println!("\n3. LDLᵀ (Bunch–Kaufman): P·A·Pᵀ = L·D·Lᵀ   (LAPACK dsytrf, ≈ n³/3, any symmetric matrix)");
    let ld = a.ldlt()?;
    show("L", &ld.l());
    show("D", &ld.d());
    let inertia = ld.inertia().expect("real symmetric");
    println!(
        "  inertia: {} positive, {} negative, {} zero eigenvalues   det = {:.6}",
        inertia.positive,
        inertia.negative,
        inertia.zero,
        ld.det()
    );
    check(
        "‖P·A·Pᵀ − L·D·Lᵀ‖₁ / (n·‖A‖₁·ε)",
        verify::ldlt_ratio(&a, &ld),
        verify::LIN_THRESHOLD,
    );
    let indefinite = array![[1.0, 2.0], [2.0, 1.0]];
    let li = indefinite.ldlt()?.inertia().expect("real symmetric");
    println!(
        "  [[1,2],[2,1]] (Cholesky fails on it): inertia {} positive, {} negative",
        li.positive, li.negative
    );

    println!(
        "\n4. QR: A = Q·R   (LAPACK dgeqrf + dorgqr, ≈ 2mn² − 2n³/3: least squares without AᵀA)"
    );
    let qr = a.qr()?;
    show("Q", &qr.q());
    show("R", &qr.r());
    check(
        "‖A − Q·R‖₁ / (m·‖A‖₁·ε)",
        verify::qr_ratio(&a, &qr.q(), &qr.r()),
        verify::LIN_THRESHOLD,
    );
    check(
        "‖I − QᵀQ‖₁ / (m·ε)",
        verify::orthogonality_ratio(&qr.q()),
        verify::LIN_THRESHOLD,
    );

    println!("\n5. Symmetric eigendecomposition: A = Q·Λ·Qᵀ   (LAPACK dsyevd, divide and conquer)");
    let eh = a.eigh()?;
    let lam: Vec<String> = eh.values().iter().map(|l| format!("{l:.6}")).collect();
    println!("  λ (ascending) = [{}]", lam.join(", "));
    show("Q (eigenvectors in columns)", &eh.vectors().to_owned());
    check(
        "‖A·Q − Q·Λ‖₁ / (n·‖A‖₁·ε)",
        verify::eigen_ratio(&a, &eh.vectors(), &eh.values()),
        verify::EIG_THRESHOLD,
    );
    check(
        "‖I − QᵀQ‖₁ / (n·ε)",
        verify::orthogonality_ratio(&eh.vectors()),
        verify::EIG_THRESHOLD,
    );

    println!("\n6. SVD: A = U·Σ·Vᵀ   (LAPACK dgesdd; for SPD A, σ = λ)");
    let sv = a.svd()?;
    let sig: Vec<String> = sv.s().iter().map(|x| format!("{x:.6}")).collect();
    println!(
        "  σ = [{}]   ‖A‖₂ = σ₁ = {:.6}   κ₂ = {:.4}",
        sig.join(", "),
        sv.norm2(),
        sv.cond()?
    );
    check(
        "‖A − U·Σ·Vᵀ‖₁ / (max(m,n)·‖A‖₁·ε)",
        verify::svd_ratio(&a, &sv.u(), &sv.s(), &sv.vt()),
        verify::SVD_THRESHOLD,
    );

    println!("\n7. Schur: A = Z·T·Zᵀ   (LAPACK dgees; symmetric A ⇒ T diagonal)");
    let sc = a.schur()?;
    show("T", &sc.t().to_owned());
    check(
        "‖A − Z·T·Zᵀ‖₁ / (n·‖A‖₁·ε)",
        verify::schur_ratio(&a, &sc.z(), &sc.t()),
        verify::SCHUR_THRESHOLD,
    );
    let rot = array![[0.0, -1.0], [1.0, 0.0]];
    let ev: Vec<String> = rot
        .schur()?
        .values()
        .iter()
        .map(|z| format!("{:+.3}{:+.3}i", z.re, z.im))
        .collect();
    println!(
        "  the rotation generator [[0,−1],[1,0]] has no real Schur triangle: a 2×2 block, λ = {}",
        ev.join(", ")
    );

    println!("\n8. The SVD note's 4×5 example: σ = 3, √5, 2, 0 and the best rank-2 approximation");
    let m = array![
        [1.0, 0.0, 0.0, 0.0, 2.0],
        [0.0, 0.0, 3.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 2.0, 0.0, 0.0, 0.0]
    ];
    show("A", &m);
    let s4 = Svd::values(&m)?;
    let s4s: Vec<String> = s4.iter().map(|x| format!("{x:.6}")).collect();
    println!(
        "  σ = [{}]   (√5 = {:.6})   rank = {}",
        s4s.join(", "),
        5f64.sqrt(),
        m.svd()?.rank(None)?
    );
    let full = m.svd()?;
    let k = 2;
    let us = &full.u().slice(ndarray::s![.., ..k]) * &full.s().slice(ndarray::s![..k]);
    let ak = us.dot(&full.vt().slice(ndarray::s![..k, ..]));
    let measured = verify::norm_fro(&(&m - &ak));
    let eckart_young = full.s().iter().skip(k).map(|x| x * x).sum::<f64>().sqrt();
    println!("  rank-2 truncation: ‖A − A₂‖_F measured {measured:.12}, Eckart–Young √Σᵢ₍>₂₎σᵢ² = {eckart_young:.12} (= σ₃)");
    println!(
        "  storage: (m + n + 1)·k = {} values instead of m·n = {} (no saving on so small a matrix)",
        (4 + 5 + 1) * k,
        4 * 5
    );
    let t = full.truncate(Rank::Fixed(2))?;
    println!("  the Eckart–Young report of svd.truncate(Rank::Fixed(2)):");
    indented(&t.report().to_string());
    let r = RandomizedSvd::new(2).seed(7).compute(&m)?;
    let rs: Vec<String> = r.s().iter().map(|x| format!("{x:.6}")).collect();
    println!(
        "  randomized SVD (k = 2, seed 7): σ̃ = [{}], Frobenius error {:.12}",
        rs.join(", "),
        r.report().frobenius_error
    );

    ratings_section()?;

    println!("\n10. What the checks refuse (errors are typed, LAPACK never sees bad input)");
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

    println!("\n11. Conditioning: the Hilbert matrix hᵢⱼ = 1/(i+j+1)");
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

    println!("\n12. factorize: ndfactor picks the factorization and says why");
    for (name, mat) in [
        ("the SPD seed matrix", a.clone()),
        (
            "[[1,2],[2,1]] (symmetric indefinite)",
            array![[1.0, 2.0], [2.0, 1.0]],
        ),
        ("[[0,1],[2,3]] (general)", array![[0.0, 1.0], [2.0, 3.0]]),
    ] {
        let f = factorize(&mat)?;
        println!("  {name}: {:?}", f.kind());
        for line in f.explain().lines() {
            println!("    {line}");
        }
    }
    let h12 = ndfactor::testing::hilbert::<f64>(12);
    let hlu = h12.lu()?;
    println!("  conditioning of Hilbert(12): {}", hlu.conditioning());
    println!(
        "  checked solve refuses it: {}",
        hlu.solve_checked(&ndarray::Array1::<f64>::ones(12))
            .unwrap_err()
    );

    println!("\n13. Complex Hermitian input works the same (c64)");
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

/// The first study note's user × item ratings (0 = not rated), factored by the SVD.
fn ratings_section() -> ndfactor::Result<()> {
    println!("\n9. The ratings matrix of the first study note: 5 users × 4 items, 0 = not rated");
    let r = array![
        [5.0, 4.0, 0.0, 1.0],
        [4.0, 0.0, 0.0, 1.0],
        [1.0, 1.0, 0.0, 5.0],
        [1.0, 0.0, 0.0, 4.0],
        [0.0, 1.0, 5.0, 4.0]
    ];
    table("R", &r);
    let svd = r.svd()?;
    let sig: Vec<String> = svd.s().iter().map(|x| format!("{x:.4}")).collect();
    println!("  σ = [{}]", sig.join(", "));
    println!(
        "  {:>4}  {:>12}  {:>12}  {:>10}",
        "k", "‖R − R_k‖₂", "‖R − R_k‖_F", "energy"
    );
    for (k, fro, spec, energy) in svd.error_profile() {
        println!("  {k:>4}  {spec:>12.4}  {fro:>12.4}  {energy:>10.4}");
    }
    let t = svd.truncate(Rank::Fixed(2))?;
    let r2 = t.to_dense();
    table("R₂ (best rank 2: two taste factors)", &r2);
    let measured = verify::norm_fro(&(&r - &r2));
    println!(
        "  ‖R − R₂‖_F measured {measured:.6} = √(σ₃² + σ₄²) = {:.6} (Eckart–Young)",
        t.report().frobenius_error
    );
    let u = t.u();
    println!("  users' coordinates in the 2-D taste space (rows of U₂·Σ₂):");
    for i in 0..r.nrows() {
        println!(
            "    user {}  [{:>8.4} {:>8.4} ]",
            i + 1,
            u[(i, 0)] * t.s()[0],
            u[(i, 1)] * t.s()[1]
        );
    }
    println!(
        "  Users 1–2 (items 1–2) and users 3–5 (item 4) form the two groups. Caution: the plain"
    );
    println!("  SVD reads every 0 as a rating of 0, so R₂ predicts low scores for unrated items; filling");
    println!(
        "  them in needs matrix completion on the observed entries only (the note's masked SGD)."
    );
    Ok(())
}

/// Prints a matrix as a table with item columns and user rows.
fn table(name: &str, m: &Array2<f64>) {
    println!("  {name}:");
    let head: Vec<String> = (1..=m.ncols())
        .map(|j| format!("{:>8}", format!("item {j}")))
        .collect();
    println!("    {:>7} {}", "", head.join(""));
    for (i, row) in m.rows().into_iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|x| format!("{:>8.2}", x + 0.0)).collect();
        println!("    {:>7} {}", format!("user {}", i + 1), cells.join(""));
    }
}
