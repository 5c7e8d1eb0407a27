//! LoRA-style low-rank adapters and low-rank compression of a weight matrix.
//!
//! ```sh
//! cargo run --release --example lora
//! ```
//!
//! Convention (that of the LoRA paper, Hu et al. 2021, and of PEFT): a linear layer with
//! frozen weight `W` (`d_out×d_in`) maps a batch `x` (`batch×d_in`, one sample per row) to
//! `x·Wᵀ`. An adapter of rank `r` adds `ΔW = (α/r)·B·A` with `B` (`d_out×r`) and `A`
//! (`r×d_in`):
//!
//! ```text
//! h = x·Wᵀ + (α/r)·(x·Aᵀ)·Bᵀ            (unmerged: W untouched, r·(d_in + d_out) extra weights)
//! h = x·W'ᵀ,  W' = W + (α/r)·B·A        (merged: no extra cost at inference)
//! ```
//!
//! The example checks that both give the same output to rounding, extracts an adapter from a
//! fine-tuned weight with `ndfactor::compress` (the best rank-`r` approximation of
//! `W_ft − W`), and compresses a dense `W` to several ranks with its Eckart–Young report and
//! the parameter saving.
//!
//! The weights are generated (seeded): `W` has the power-law singular values
//! `σᵢ = (1 + i)^(−0.6)` with random singular vectors, like the slowly decaying spectra of
//! trained layers; the adapter factors are Gaussian.

use ndarray::Array2;
use ndfactor::prelude::*;
use ndfactor::{compress, testing, verify, LowRank};

const D_OUT: usize = 512;
const D_IN: usize = 256;
const BATCH: usize = 32;
const R: usize = 8;
const ALPHA: f64 = 16.0;

fn rel(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    verify::norm_fro(&(a - b)) / verify::norm_fro(b)
}

fn main() -> ndfactor::Result<()> {
    let mut rng = testing::rng(2024);
    let sigma: Vec<f64> = (0..D_IN).map(|i| (1.0 + i as f64).powf(-0.6)).collect();
    let w: Array2<f64> = testing::with_singular_values(D_OUT, D_IN, &sigma, &mut rng);
    let b: Array2<f64> = testing::gaussian::<f64>(D_OUT, R, &mut rng) * 0.01;
    let a: Array2<f64> = testing::gaussian::<f64>(R, D_IN, &mut rng) * 0.01;
    let x: Array2<f64> = testing::gaussian(BATCH, D_IN, &mut rng);
    let scale = ALPHA / R as f64;
    let eps = f64::EPSILON;

    println!("Layer: W is {D_OUT}×{D_IN} (d_out×d_in), frozen; batch x is {BATCH}×{D_IN}");
    println!("Adapter: rank r = {R}, α = {ALPHA}, scale α/r = {scale}; B is {D_OUT}×{R}, A is {R}×{D_IN}");
    println!(
        "  trainable weights: r·(d_in + d_out) = {} against d_out·d_in = {} for full fine-tuning ({:.2}%)\n",
        R * (D_IN + D_OUT),
        D_OUT * D_IN,
        100.0 * (R * (D_IN + D_OUT)) as f64 / (D_OUT * D_IN) as f64
    );

    // 1. Forward pass, unmerged: the rank-r path costs r·(d_in + d_out) per sample.
    let h_unmerged = x.dot(&w.t()) + x.dot(&a.t()).dot(&b.t()) * scale;
    // The same adapter as a factored operator: LowRank applies (α/r)·B·(A·v) to columns v.
    let adapter = LowRank::from_factors(&b * scale, a.clone())?;
    let h_lowrank = x.dot(&w.t()) + adapter.apply(&x.t().to_owned())?.t();

    // 2. Merge: W' = W + (α/r)·B·A, then an ordinary dense layer.
    let w_merged = &w + &adapter.to_dense();
    let h_merged = x.dot(&w_merged.t());
    // Rounding bound: each output is a d_in-term dot product; compare in units of ε·‖x‖·‖W'‖.
    let unit = eps * verify::norm_fro(&x) * verify::norm_fro(&w_merged);
    let d1 = verify::norm_fro(&(&h_unmerged - &h_merged)) / unit;
    let d2 = verify::norm_fro(&(&h_lowrank - &h_merged)) / unit;
    println!(
        "1. Forward pass h = x·Wᵀ + (α/r)·(x·Aᵀ)·Bᵀ against the merged x·W'ᵀ, W' = W + (α/r)·B·A"
    );
    println!("   ‖h_unmerged − h_merged‖_F / (ε·‖x‖_F·‖W'‖_F) = {d1:.3}   (rounding: below d_in = {D_IN})");
    println!("   same through LowRank::apply                   = {d2:.3}");
    assert!(
        d1 < D_IN as f64 && d2 < D_IN as f64,
        "merged and unmerged forward passes differ"
    );
    println!(
        "   ‖ΔW‖_F / ‖W‖_F = {:.4}: the adapter changes the outputs by {:.2}%",
        verify::norm_fro(&adapter.to_dense()) / verify::norm_fro(&w),
        100.0 * rel(&h_unmerged, &x.dot(&w.t()))
    );
    // Unmerging restores W up to rounding.
    let w_back = &w_merged - &adapter.to_dense();
    println!(
        "   unmerge: ‖(W' − ΔW) − W‖_F / (ε·‖W‖_F) = {:.2}\n",
        verify::norm_fro(&(&w_back - &w)) / (eps * verify::norm_fro(&w))
    );

    // 3. Extract an adapter from a fine-tuned weight: W_ft = W + ΔW + small full-rank noise.
    let noise: Array2<f64> = testing::gaussian::<f64>(D_OUT, D_IN, &mut rng) * 1e-5;
    let w_ft = &w_merged + &noise;
    let delta = &w_ft - &w;
    println!("2. Extracting a rank-{R} adapter from a fine-tuned W_ft = W + ΔW + noise (noise ‖·‖_F = {:.3e})", verify::norm_fro(&noise));
    let (extracted, rep) = compress(&delta, Rank::Fixed(R))?;
    println!("   compress(W_ft − W, Rank::Fixed({R})) — Eckart–Young report:");
    for line in rep.to_string().lines() {
        println!("     {line}");
    }
    let sv = Svd::values(&delta)?;
    println!(
        "   σ_{R} = {:.4e}, σ_{} = {:.4e}: the gap says the update has rank {R}",
        sv[R - 1],
        R + 1,
        sv[R]
    );
    println!(
        "   ‖B̃·Ã − ΔW‖_F / ‖ΔW‖_F = {:.3e} (the noise is all that is lost); B̃ is {:?}, Ã is {:?}",
        rel(&extracted.to_dense(), &adapter.to_dense()),
        extracted.left().dim(),
        extracted.right().dim()
    );
    let by_error = Svd::new(&delta)?.truncate(Rank::RelativeError(0.05))?;
    let one_less = Svd::new(&delta)?.truncate(Rank::Fixed(R - 1))?.report();
    println!(
        "   Rank::RelativeError(0.05) picks rank {} by itself (rank {}: {:.1}% error, rank {}: {:.1}%)\n",
        by_error.rank(),
        R - 1,
        100.0 * one_less.relative_frobenius_error,
        R,
        100.0 * rep.relative_frobenius_error
    );

    // 4. Compress the dense W itself.
    println!(
        "3. Compressing the {D_OUT}×{D_IN} weight W to rank k: W ≈ L·R, L = U_k·Σ_k, R = V_kᵀ"
    );
    println!(
        "   {:>4}  {:>12}  {:>12}  {:>10}  {:>10}  {:>9}  {:>14}",
        "k", "‖W−W_k‖₂", "rel. ‖·‖_F", "energy", "weights", "saving", "output error"
    );
    let h_dense = x.dot(&w.t());
    for k in [8usize, 16, 32, 64, 128] {
        let (lr, rep) = compress(&w, Rank::Fixed(k))?;
        // The compressed layer: x·(L·R)ᵀ = (x·Rᵀ)·Lᵀ, (d_in + d_out)·k multiply-adds per sample.
        let h_k = x.dot(&lr.right().t()).dot(&lr.left().t());
        println!(
            "   {k:>4}  {:>12.4e}  {:>12.4}  {:>10.4}  {:>10}  {:>8.1}%  {:>14.4}",
            rep.spectral_error,
            rep.relative_frobenius_error,
            rep.energy_retained,
            lr.stored_values(),
            100.0 * (1.0 - lr.stored_values() as f64 / lr.dense_values() as f64),
            rel(&h_k, &h_dense)
        );
    }
    println!("   (weights = (d_out + d_in)·k stored; output error = ‖x·W_kᵀ − x·Wᵀ‖_F/‖x·Wᵀ‖_F on the batch)");
    println!(
        "   this spectrum decays slowly (σ₁/σ₆₄ = {:.1}): rank 64 stores {:.1}% of the weights and still errs by {:.1}% —",
        sigma[0] / sigma[63],
        100.0 * ((D_IN + D_OUT) * 64) as f64 / (D_IN * D_OUT) as f64,
        100.0 * Svd::new(&w)?.truncate(Rank::Fixed(64))?.report().relative_frobenius_error
    );
    println!("   which is why LoRA learns a low-rank *update* instead of compressing W.");
    Ok(())
}
