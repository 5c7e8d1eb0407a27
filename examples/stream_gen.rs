//! Writes a seeded low-rank-plus-noise `.npy` matrix of any size, row block by row block, with
//! memory `O(block_rows·n + n·r)` independent of `m`: the input of the larger-than-memory
//! benchmark of `stream_svd`.
//!
//! ```sh
//! cargo run --release --example stream_gen -- big.npy --rows 3200000 --cols 1000 \
//!     [--rank 50] [--decay 0.95] [--noise 1e-5] [--dtype f64|f32] [--seed 0] [--block-rows 8192]
//! ```
//!
//! The matrix is `A = U·diag(σ)·Vᵀ + ν·G`, `σⱼ = decayʲ` (`j = 0..r`), with
//! - `U = D·C`: `C` the first `r` columns of the orthonormal DCT-II basis of `ℝᵐ`
//!   (`C_ij = √(c_j/m)·cos(π·(2i + 1)·j/(2m))`, `c₀ = 1`, `c_j = 2`), exactly orthonormal and
//!   computable row by row, and `D` a seeded random ±1 diagonal;
//! - `V` (`n×r`) the first `r` columns of a seeded Haar orthogonal matrix, held in memory;
//! - `G` standard Gaussian, drawn row by row from the seed.
//!
//! So the signal's singular values are exactly `σⱼ`; with noise, Weyl's inequality puts the
//! singular values of `A` within `ν·‖G‖₂ ≈ ν·(√m + √n)` of them, and the optimal rank-`k`
//! Frobenius error for `k ≥ r` is `≈ ν·√((m − k)(n − k))`. Keep `ν·(√m + √n)` below the smallest
//! `σⱼ` of interest (the default `ν = 1e-5` does up to `m ≈ 10⁷` with `σ₄₉ = 0.95⁴⁹ ≈ 0.08`), or
//! the signal sinks into the noise. The spectrum is written next to the
//! file as `<name>.spectrum.npy` (f64). The output is written under a temporary name and
//! renamed when complete.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use ndarray::{Array1, Array2};
use ndarray_npy::WritableElement;
use ndfactor::stream::NpyRowWriter;
use ndfactor::{testing, Scalar};
use rand::Rng;

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str = "usage: cargo run --release --example stream_gen -- out.npy --rows m --cols n
    [--rank r] [--decay d] [--noise nu] [--dtype f64|f32] [--seed s] [--block-rows N]";

struct Opts {
    out: PathBuf,
    m: usize,
    n: usize,
    r: usize,
    decay: f64,
    noise: f64,
    dtype: String,
    seed: u64,
    block_rows: usize,
}

fn parse() -> AnyResult<Opts> {
    let mut args = std::env::args().skip(1);
    let mut out = None;
    let (mut m, mut n) = (None, None);
    let mut o = Opts {
        out: PathBuf::new(),
        m: 0,
        n: 0,
        r: 50,
        decay: 0.95,
        noise: 1e-5,
        dtype: "f64".into(),
        seed: 0,
        block_rows: 8192,
    };
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> AnyResult<String> {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}").into())
        };
        match a.as_str() {
            "--rows" => m = Some(value("--rows")?.parse()?),
            "--cols" => n = Some(value("--cols")?.parse()?),
            "--rank" => o.r = value("--rank")?.parse()?,
            "--decay" => o.decay = value("--decay")?.parse()?,
            "--noise" => o.noise = value("--noise")?.parse()?,
            "--dtype" => o.dtype = value("--dtype")?,
            "--seed" => o.seed = value("--seed")?.parse()?,
            "--block-rows" => o.block_rows = value("--block-rows")?.parse::<usize>()?.max(1),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}").into()),
            s => out = Some(PathBuf::from(s)),
        }
    }
    o.out = out.ok_or(USAGE)?;
    o.m = m.ok_or(USAGE)?;
    o.n = n.ok_or(USAGE)?;
    if o.r > o.m.min(o.n) {
        return Err(format!("--rank {} > min(m, n) = {}", o.r, o.m.min(o.n)).into());
    }
    Ok(o)
}

fn generate<T: Scalar + WritableElement>(o: &Opts) -> AnyResult<()> {
    let (m, n, r) = (o.m, o.n, o.r);
    let sigma: Array1<f64> = (0..r).map(|j| o.decay.powi(j as i32)).collect();
    // V·diag(σ), n×r, from its own stream so that it does not depend on the block size.
    let v: Array2<f64> = testing::random_orthonormal_columns(n, r, &mut testing::rng(o.seed));
    let vs_t = (&v * &sigma).t().to_owned(); // r×n: rows σⱼ·vⱼᵀ
    let mut signs = testing::rng(o.seed.wrapping_add(1));
    let mut noise = testing::rng(o.seed.wrapping_add(2));
    let mut w = NpyRowWriter::<T>::create(&o.out, (m, n))?;
    let pb = ProgressBar::new(m as u64);
    pb.set_style(
        ProgressStyle::with_template(
            "writing [{elapsed_precise}] {wide_bar} {percent:>3}% (eta {eta})",
        )
        .expect("valid template"),
    );
    let start = Instant::now();
    let mf = m as f64;
    let mut r0 = 0;
    while r0 < m {
        let h = o.block_rows.min(m - r0);
        // Rows r0..r0 + h of D·C.
        let mut u = Array2::<f64>::zeros((h, r));
        for i in 0..h {
            let gi = (r0 + i) as f64;
            let d = if signs.random::<bool>() { 1.0 } else { -1.0 };
            for j in 0..r {
                let c = if j == 0 { 1.0 } else { 2.0 };
                u[(i, j)] = d
                    * (c / mf).sqrt()
                    * (std::f64::consts::PI * (2.0 * gi + 1.0) * j as f64 / (2.0 * mf)).cos();
            }
        }
        let g: Array2<f64> = testing::gaussian(h, n, &mut noise);
        let block = u.dot(&vs_t) + g * o.noise;
        w.write_rows(block.mapv(|x| T::from_real(T::Real::from_f64(x))).view())?;
        r0 += h;
        pb.set_position(r0 as u64);
    }
    w.finish()?;
    pb.finish_and_clear();
    let spectrum = o.out.with_extension("spectrum.npy");
    ndarray_npy::write_npy(&spectrum, &sigma)?;
    let bytes = (m * n * std::mem::size_of::<T>()) as f64;
    let t = start.elapsed().as_secs_f64();
    println!(
        "wrote {} ({m}×{n} {}, {:.2} GiB) in {t:.1} s ({:.0} MB/s); signal spectrum σⱼ = {}^j, j < {r}, in {}; noise ν = {:e}",
        o.out.display(),
        T::NAME,
        bytes / (1u64 << 30) as f64,
        bytes / t / 1e6,
        o.decay,
        spectrum.display(),
        o.noise
    );
    Ok(())
}

fn main() -> AnyResult<()> {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    match o.dtype.as_str() {
        "f64" => generate::<f64>(&o),
        "f32" => generate::<f32>(&o),
        d => Err(format!("--dtype {d}: f64 or f32").into()),
    }
}
