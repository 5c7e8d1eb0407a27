//! Image compression by truncated SVD, grayscale and colour.
//!
//! ```sh
//! cargo run --release --example image_compression                 # the shipped 256×256 photograph
//! cargo run --release --example image_compression -- photo.jpg    # any PNG or JPEG
//! ```
//!
//! An `m×n` image is a matrix `A`; its best rank-`k` approximation `A_k = U_k·Σ_k·V_kᵀ`
//! (Eckart–Young) needs `(m + n + 1)·k` stored values instead of `m·n`, and its error is known
//! before anything is reconstructed: `‖A − A_k‖_F = √Σ_{i>k} σᵢ²`. A colour image is three
//! such matrices (R, G, B), compressed independently.
//!
//! Writes to `target/examples-out/image_compression/`: the reconstructions
//! (`gray_rank_<k>.png`, `color_rank_<k>.png`), a montage of them, and two charts
//! (`singular_values.png`, `error_vs_rank.png`).

mod support;

use std::path::PathBuf;

use image::{GrayImage, RgbImage};
use ndarray::Array2;
use ndfactor::prelude::*;
use plotters::style::RGBColor;
use support::{LineChart, Series};

/// Ranks shown (those above min(m, n) are skipped).
const RANKS: &[usize] = &[1, 5, 10, 20, 50, 100];

fn to_u8(x: f64) -> u8 {
    x.round().clamp(0.0, 255.0) as u8
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let input: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_path("examples/data/astronaut.png"));
    let img = image::open(&input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let (w, h) = (img.width() as usize, img.height() as usize);
    let out = support::out_dir("image_compression");
    println!("input: {} ({h}×{w} pixels)\n", input.display());

    // ---- Grayscale: one h×w matrix with entries 0…255.
    let gray = img.to_luma8();
    let a = Array2::from_shape_fn((h, w), |(i, j)| {
        gray.get_pixel(j as u32, i as u32)[0] as f64
    });
    let svd = a.svd()?;
    let ranks: Vec<usize> = RANKS.iter().copied().filter(|&k| k <= h.min(w)).collect();

    println!(
        "Grayscale: A is {h}×{w}, ‖A‖_F = {:.1}, σ₁ = {:.1}, σ_min = {:.3e}",
        ndfactor::verify::norm_fro(&a),
        svd.s()[0],
        svd.s()[h.min(w) - 1]
    );
    println!(
        "{:>5}  {:>14}  {:>14}  {:>12}  {:>13}  {:>11}",
        "rank", "rel. error", "measured", "PSNR (dB)", "stored values", "compression"
    );
    let mut gray_recon = Vec::new();
    for &k in &ranks {
        let t = svd.truncate(Rank::Fixed(k))?;
        let rep = t.report();
        let ak = t.to_dense();
        let measured = ndfactor::verify::norm_fro(&(&a - &ak)) / ndfactor::verify::norm_fro(&a);
        let img_k = GrayImage::from_fn(w as u32, h as u32, |x, y| {
            image::Luma([to_u8(ak[(y as usize, x as usize)])])
        });
        // PSNR of the 8-bit image actually written (after rounding and clipping).
        let mse = img_k
            .pixels()
            .zip(gray.pixels())
            .map(|(p, q)| (p[0] as f64 - q[0] as f64).powi(2))
            .sum::<f64>()
            / (h * w) as f64;
        let psnr = 10.0 * (255.0f64 * 255.0 / mse.max(1e-300)).log10();
        println!(
            "{k:>5}  {:>14.6}  {measured:>14.6}  {psnr:>12.2}  {:>13}  {:>10.1}×",
            rep.relative_frobenius_error,
            rep.stored_values,
            rep.dense_values as f64 / rep.stored_values as f64
        );
        img_k.save(out.join(format!("gray_rank_{k}.png")))?;
        gray_recon.push(img_k);
    }
    println!("(rel. error = ‖A − A_k‖_F/‖A‖_F from the discarded σᵢ, before reconstructing; measured = from A_k)\n");

    // ---- Colour: three h×w channels, each compressed to rank k.
    let rgb = img.to_rgb8();
    let channels: Vec<Array2<f64>> = (0..3)
        .map(|c| {
            Array2::from_shape_fn((h, w), |(i, j)| rgb.get_pixel(j as u32, i as u32)[c] as f64)
        })
        .collect();
    let svds: Vec<Svd<f64>> = channels
        .iter()
        .map(|c| c.svd())
        .collect::<ndfactor::Result<_>>()?;
    let total_sq: f64 = channels
        .iter()
        .map(|c| ndfactor::verify::norm_fro(c).powi(2))
        .sum();
    println!("Colour: three {h}×{w} channels (R, G, B), each truncated to rank k");
    println!(
        "{:>5}  {:>14}  {:>9}  {:>9}  {:>9}  {:>13}  {:>11}",
        "rank", "rel. error", "R", "G", "B", "stored values", "compression"
    );
    let mut color_recon = Vec::new();
    for &k in &ranks {
        let mut err_sq = 0.0;
        let mut per = Vec::new();
        let mut stored = 0;
        let mut dense = Vec::new();
        for s in &svds {
            let t = s.truncate(Rank::Fixed(k))?;
            let rep = t.report();
            err_sq += rep.frobenius_error.powi(2);
            per.push(rep.relative_frobenius_error);
            stored += rep.stored_values;
            dense.push(t.to_dense());
        }
        let rel = (err_sq / total_sq).sqrt();
        println!(
            "{k:>5}  {rel:>14.6}  {:>9.4}  {:>9.4}  {:>9.4}  {stored:>13}  {:>10.1}×",
            per[0],
            per[1],
            per[2],
            (3 * h * w) as f64 / stored as f64
        );
        let img_k = RgbImage::from_fn(w as u32, h as u32, |x, y| {
            let (i, j) = (y as usize, x as usize);
            image::Rgb([
                to_u8(dense[0][(i, j)]),
                to_u8(dense[1][(i, j)]),
                to_u8(dense[2][(i, j)]),
            ])
        });
        img_k.save(out.join(format!("color_rank_{k}.png")))?;
        color_recon.push(img_k);
    }

    // ---- Montage: original and a few ranks, grayscale above, colour below.
    let shown: Vec<usize> = [5usize, 20, 50]
        .iter()
        .filter_map(|k| ranks.iter().position(|r| r == k))
        .collect();
    let (cols, label_h, gap) = (shown.len() + 1, 26usize, 6usize);
    let (mw, mh) = (cols * (w + gap) + gap, 2 * (h + label_h + gap) + gap);
    let mut buf = vec![255u8; mw * mh * 3];
    let mut blit = |x0: usize, y0: usize, px: &dyn Fn(usize, usize) -> [u8; 3]| {
        for i in 0..h {
            for j in 0..w {
                let o = ((y0 + i) * mw + x0 + j) * 3;
                buf[o..o + 3].copy_from_slice(&px(i, j));
            }
        }
    };
    let row_y = [label_h + gap, 2 * (label_h + gap) + h + gap];
    blit(gap, row_y[0], &|i, j| {
        [gray.get_pixel(j as u32, i as u32)[0]; 3]
    });
    blit(gap, row_y[1], &|i, j| rgb.get_pixel(j as u32, i as u32).0);
    for (c, &idx) in shown.iter().enumerate() {
        let x0 = gap + (c + 1) * (w + gap);
        let g = &gray_recon[idx];
        blit(x0, row_y[0], &|i, j| {
            [g.get_pixel(j as u32, i as u32)[0]; 3]
        });
        let col = &color_recon[idx];
        blit(x0, row_y[1], &|i, j| col.get_pixel(j as u32, i as u32).0);
    }
    let dims = (mw as u32, mh as u32);
    for (r, y) in row_y.iter().enumerate() {
        support::caption(
            &mut buf,
            dims,
            "original",
            (gap as i32 + 4, (*y - label_h + 4) as i32),
        );
        for (c, &idx) in shown.iter().enumerate() {
            let k = ranks[idx];
            let stored = if r == 0 {
                (h + w + 1) * k
            } else {
                3 * (h + w + 1) * k
            };
            let dense = if r == 0 { h * w } else { 3 * h * w };
            let text = format!(
                "rank {k}: {:.0}% of the values",
                100.0 * stored as f64 / dense as f64
            );
            let x0 = gap + (c + 1) * (w + gap);
            support::caption(
                &mut buf,
                dims,
                &text,
                (x0 as i32 + 4, (*y - label_h + 4) as i32),
            );
        }
    }
    support::save_rgb(&out.join("montage.png"), buf, dims.0, dims.1);

    // ---- Charts: singular value decay, and error against rank.
    let decay = |s: &Svd<f64>, label: &'static str, color: RGBColor| Series {
        label,
        points: s
            .s()
            .iter()
            .enumerate()
            .map(|(i, &x)| ((i + 1) as f64, x))
            .collect(),
        color,
    };
    support::line_chart(
        &out.join("singular_values.png"),
        &LineChart {
            title: "Singular values of the image",
            x_label: "index i",
            y_label: "σᵢ",
            log_y: true,
            marks: vec![],
        },
        &[
            decay(&svd, "grayscale", RGBColor(30, 30, 30)),
            decay(&svds[0], "red", RGBColor(220, 40, 40)),
            decay(&svds[1], "green", RGBColor(40, 160, 60)),
            decay(&svds[2], "blue", RGBColor(40, 80, 220)),
        ],
        (720, 440),
    );
    let profile = svd.error_profile();
    let fa = ndfactor::verify::norm_fro(&a);
    let color_err: Vec<(f64, f64)> = (0..=h.min(w))
        .map(|k| {
            let e: f64 = svds.iter().map(|s| s.error_profile()[k].1.powi(2)).sum();
            (k as f64, (e / total_sq).sqrt())
        })
        .collect();
    support::line_chart(
        &out.join("error_vs_rank.png"),
        &LineChart {
            title: "Relative error ‖A − A_k‖_F / ‖A‖_F against rank k",
            x_label: "rank k",
            y_label: "relative error",
            log_y: false,
            marks: ranks
                .iter()
                .map(|&k| (k as f64, profile[k].1 / fa))
                .collect(),
        },
        &[
            Series {
                label: "grayscale",
                points: profile
                    .iter()
                    .map(|&(k, e, _, _)| (k as f64, e / fa))
                    .collect(),
                color: RGBColor(30, 30, 30),
            },
            Series {
                label: "colour (R, G, B together)",
                points: color_err,
                color: RGBColor(200, 60, 160),
            },
            Series {
                label: "stored fraction (m+n+1)·k/(m·n)",
                points: (0..=h.min(w))
                    .map(|k| (k as f64, ((h + w + 1) * k) as f64 / (h * w) as f64))
                    .filter(|&(_, f)| f <= 1.0)
                    .collect(),
                color: RGBColor(120, 120, 200),
            },
        ],
        (720, 440),
    );

    println!("\nwritten to {}:", out.display());
    println!("  gray_rank_<k>.png, color_rank_<k>.png, montage.png, singular_values.png, error_vs_rank.png");
    Ok(())
}
