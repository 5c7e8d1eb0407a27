//! The compute floor of a streamed randomized SVD: the same block products as
//! `StreamedRandomizedSvd` with `q` power iterations (`2q + 2` products with `A` or `Aᴴ`),
//! alone: no orthonormalisation, no finiteness check, no norm, no SVD of `B`.
//!
//! ```sh
//! OPENBLAS_NUM_THREADS=1 cargo run --release --example stream_gemm_floor -- mid.npy \
//!     [--l 60] [--power-iters 2] [--block-rows 8192] [--in-memory]
//! ```
//!
//! Reads a 2-D f64 `.npy` file (memory-mapped; `--in-memory` copies it into an array first, not
//! timed), then times, for `X` an `n×l` matrix: `Y = A·X` (block by block, `Yᵢ = Aᵢ·X`), then
//! `q` times `Z = Aᵀ·Y` (`Z = Σ Aᵢᵀ·Yᵢ`) and `Y = A·Z`, then `B = Yᵀ·A`, with the same GEMM
//! calls (ndarray's `general_mat_mul`, i.e. BLAS `dgemm`) and layouts as the streamed SVD. The
//! values grow by about `‖A‖₂` per product (no normalisation); the products are rescaled by an
//! exact power of two when they grow large, which costs `O((m + n)·l)` per product. Prints the
//! time of each product and the GFlop/s (`2·m·n·l` flops each).

use std::error::Error as StdError;
use std::time::Instant;

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array2, ArrayView2, ShapeBuilder};
use ndfactor::stream::{NpyFile, RowBlockSource};

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str = "usage: cargo run --release --example stream_gemm_floor -- a.npy
    [--l 60] [--power-iters 2] [--block-rows 8192] [--in-memory]";

/// Rescales `x` by a power of two when its largest entry passes 2^100 (exact, keeps it finite).
fn tame(x: &mut Array2<f64>) {
    let mx = x.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    if mx > 2f64.powi(100) {
        let e = mx.log2().floor() as i32;
        x.mapv_inplace(|v| v * 2f64.powi(-e));
    }
}

fn main() -> AnyResult<()> {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let (mut l, mut q, mut h, mut in_memory) = (60usize, 2usize, 8192usize, false);
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> AnyResult<usize> {
            Ok(args
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?
                .parse()?)
        };
        match a.as_str() {
            "--l" => l = value("--l")?,
            "--power-iters" => q = value("--power-iters")?,
            "--block-rows" => h = value("--block-rows")?.max(1),
            "--in-memory" => in_memory = true,
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}").into()),
            s => path = Some(s.to_string()),
        }
    }
    let path = path.ok_or(USAGE)?;
    let mut file = NpyFile::<f64>::open(&path)?;
    let (m, n) = file.shape();
    let owned: Option<Array2<f64>> = in_memory
        .then(|| file.view().map(|v| v.to_owned()))
        .transpose()?;
    let mut a_mem = owned.as_ref().map(|a| a.view());
    let src: &mut dyn RowBlockSource<f64> = match a_mem.as_mut() {
        Some(v) => v,
        None => &mut file,
    };
    let threads = std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "(unset)".into());
    println!(
        "{path}: {m}×{n} f64, l = {l}, q = {q}, blocks of {h} rows, {}, OPENBLAS_NUM_THREADS={threads}",
        if in_memory { "in memory" } else { "memory-mapped" }
    );
    let x = Array2::from_shape_fn((n, l).f(), |(i, j)| {
        ((i * 7 + j * 13) % 17) as f64 / 17.0 - 0.5
    });
    let mut y = Array2::<f64>::zeros((m, l).f());
    let flops = 2.0 * m as f64 * n as f64 * l as f64;
    let mut times = Vec::new();
    let t_all = Instant::now();
    let mut timed = |name: &str, f: &mut dyn FnMut() -> ndfactor::Result<()>| -> AnyResult<()> {
        let t = Instant::now();
        f()?;
        let dt = t.elapsed().as_secs_f64();
        println!("  {name:<8} {dt:7.3} s  {:6.1} GFlop/s", flops / dt / 1e9);
        times.push(dt);
        Ok(())
    };
    let times_a =
        |src: &mut dyn RowBlockSource<f64>, z: &ArrayView2<'_, f64>, y: &mut Array2<f64>| {
            src.for_each_block(h, &mut |r0, b| {
                let mut yi = y.slice_mut(s![r0..r0 + b.nrows(), ..]);
                general_mat_mul(1.0, &b, z, 0.0, &mut yi);
                Ok(())
            })
        };
    timed("A·X", &mut || times_a(src, &x.view(), &mut y))?;
    for _ in 0..q {
        tame(&mut y);
        let mut z = Array2::<f64>::zeros((n, l).f());
        timed("Aᵀ·Y", &mut || {
            src.for_each_block(h, &mut |r0, b| {
                let yi = y.slice(s![r0..r0 + b.nrows(), ..]);
                general_mat_mul(1.0, &b.t(), &yi, 1.0, &mut z);
                Ok(())
            })
        })?;
        tame(&mut z);
        timed("A·Z", &mut || times_a(src, &z.view(), &mut y))?;
    }
    tame(&mut y);
    let mut bm = Array2::<f64>::zeros((l, n));
    timed("Yᵀ·A", &mut || {
        src.for_each_block(h, &mut |r0, b| {
            let yh = y.slice(s![r0..r0 + b.nrows(), ..]).t().to_owned();
            general_mat_mul(1.0, &yh, &b, 1.0, &mut bm);
            Ok(())
        })
    })?;
    let total = t_all.elapsed().as_secs_f64();
    let sum: f64 = times.iter().sum();
    println!(
        "{} products: {sum:.3} s ({:.1} GFlop/s), {total:.3} s with the rescaling; checksum {:e}",
        times.len(),
        flops * times.len() as f64 / sum / 1e9,
        bm.iter().map(|v| v.abs()).sum::<f64>()
    );
    Ok(())
}
