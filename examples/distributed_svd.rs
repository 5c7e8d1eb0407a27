//! Distributed SVDs over MPI (feature `mpi`): the randomized SVD of a tall matrix whose rows are
//! split over the processes, and ScaLAPACK's dense SVD and LU of a square block-cyclic matrix.
//!
//! ```sh
//! cargo build --release --features mpi --example distributed_svd
//! mpirun -n 4 --oversubscribe target/release/examples/distributed_svd
//! mpirun -n 2 target/release/examples/distributed_svd --rows 2000000 --cols 500 --rank 20
//! mpirun -n 2 target/release/examples/distributed_svd --npy big.npy --rank 50 --dense 0
//! ```
//!
//! (As root, Open MPI also wants `OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1`.)
//!
//! **Tall part.** Without `--npy`, every process generates its own rows of
//! `A = G·diag(σ)·Vᵀ/√m + ν·N` (`m×n`; `G` and `N` Gaussian, each row from a seed of its global
//! index, so the matrix does not depend on the number of processes; `V` an orthonormal `n×r`
//! basis; `σⱼ = 0.9ʲ`, `r = 2k`). With `--npy file` each process reads its even share of the
//! rows of that file ([`read_npy_rows`]). Then [`DistRandomizedSvd`] (rank `k`, `q` power
//! iterations): rank 0 prints the time, the leading singular values (against the known ones
//! for generated data), the global Eckart–Young report and the communication per process.
//!
//! **Dense part** (`--dense n`, default 400, 0 skips it): a seeded `n×n` matrix with known
//! singular values (a geometric spectrum, condition 10⁴) is scattered from rank 0 in
//! `nb×nb` blocks (`--block nb`, default 64) on the most nearly square process grid;
//! [`DistSvd`] (`p?gesvd`) and [`DistLu`] (`p?getrf`, `p?getrs`, `p?gecon`) run on it, and the
//! singular-value error and the solve's backward error are printed as LAPACK's test ratios.
//!
//! The program exits with status 1 when a ratio passes LAPACK's threshold or the randomized
//! SVD's error is not at the noise level of generated data, so it doubles as a smoke test.

use std::error::Error as StdError;
use std::path::PathBuf;
use std::time::Instant;

use mpi::traits::*;
use ndarray::Array2;
use ndfactor::dist::{
    mpi, read_npy_rows, DistLu, DistMatrix, DistRandomizedSvd, DistSvd, ProcessGrid,
};
use ndfactor::testing::{
    geometric_spectrum, random_orthonormal_columns, rng, with_singular_values,
};
use ndfactor::verify::{norm1, LIN_THRESHOLD, SVD_THRESHOLD};

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str = "usage: mpirun -n P target/release/examples/distributed_svd
    [--rows m] [--cols n] [--rank k] [--power-iters q] [--noise nu] [--seed s]
    [--npy file.npy] [--dense n] [--block nb]";

struct Opts {
    rows: usize,
    cols: usize,
    rank: usize,
    power_iters: usize,
    noise: f64,
    seed: u64,
    npy: Option<PathBuf>,
    dense: usize,
    block: usize,
}

fn parse() -> AnyResult<Opts> {
    let mut o = Opts {
        rows: 100_000,
        cols: 200,
        rank: 10,
        power_iters: 2,
        noise: 1e-4,
        seed: 0,
        npy: None,
        dense: 400,
        block: 64,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || -> AnyResult<String> {
            args.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}").into())
        };
        match a.as_str() {
            "--rows" => o.rows = value()?.parse()?,
            "--cols" => o.cols = value()?.parse()?,
            "--rank" => o.rank = value()?.parse()?,
            "--power-iters" => o.power_iters = value()?.parse()?,
            "--noise" => o.noise = value()?.parse()?,
            "--seed" => o.seed = value()?.parse()?,
            "--npy" => o.npy = Some(PathBuf::from(value()?)),
            "--dense" => o.dense = value()?.parse()?,
            "--block" => o.block = value()?.parse()?,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}").into()),
        }
    }
    if o.rank == 0 || 2 * o.rank > o.cols.min(o.rows) {
        return Err(format!("--rank must be in 1..={}\n{USAGE}", o.cols.min(o.rows) / 2).into());
    }
    Ok(o)
}

/// Rows `[r0, r0 + count)` of the generated test matrix (see the module docs).
fn generated_rows(o: &Opts, r0: usize, count: usize) -> Array2<f64> {
    let (n, r) = (o.cols, 2 * o.rank);
    let v = random_orthonormal_columns::<f64>(n, r, &mut rng(o.seed));
    let scale = 1.0 / (o.rows as f64).sqrt();
    let sigma: Vec<f64> = (0..r).map(|j| 0.9f64.powi(j as i32) * scale).collect();
    let mut g = Array2::<f64>::zeros((count, r));
    let mut noise = Array2::<f64>::zeros((count, n));
    for i in 0..count {
        // One generator per global row: the same matrix on any number of processes.
        let mut row_rng =
            rng(o.seed ^ (0x9E37_79B9_7F4A_7C15u64.wrapping_mul(r0 as u64 + i as u64 + 1)));
        let gi = ndfactor::testing::gaussian::<f64>(1, r + n, &mut row_rng);
        for j in 0..r {
            g[[i, j]] = gi[[0, j]] * sigma[j];
        }
        for j in 0..n {
            noise[[i, j]] = gi[[0, r + j]] * o.noise;
        }
    }
    g.dot(&v.t()) + noise
}

fn main() {
    let universe = mpi::initialize().expect("MPI initialises once");
    let world = universe.world();
    let ok = match run(&world) {
        Ok(ok) => ok,
        Err(e) => {
            // Every ndfactor error is agreed on by all processes, so each one stops here.
            if world.rank() == 0 {
                eprintln!("distributed_svd: {e}");
            }
            false
        }
    };
    drop(universe);
    if !ok {
        std::process::exit(1);
    }
}

fn run(world: &mpi::topology::SimpleCommunicator) -> AnyResult<bool> {
    let o = match parse() {
        Ok(o) => o,
        Err(e) => {
            // The same arguments reach every process: each one returns the same error.
            return Err(e);
        }
    };
    let (size, me) = (world.size() as usize, world.rank() as usize);
    let lead = me == 0;
    let mut ok = true;

    // ---- Tall part: randomized SVD of row-partitioned data.
    let t0 = Instant::now();
    let (mine, generated) = match &o.npy {
        Some(path) => (read_npy_rows::<_, f64>(world, path)?, false),
        None => {
            let counts: Vec<usize> = (0..size)
                .map(|i| o.rows / size + usize::from(i < o.rows % size))
                .collect();
            let r0: usize = counts[..me].iter().sum();
            (generated_rows(&o, r0, counts[me]), true)
        }
    };
    let mut m_total = 0u64;
    world.all_reduce_into(
        &(mine.nrows() as u64),
        &mut m_total,
        mpi::collective::SystemOperation::sum(),
    );
    let (m, n) = (m_total as usize, mine.ncols());
    world.barrier();
    let t_input = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let svd = DistRandomizedSvd::new(o.rank)
        .power_iterations(o.power_iters)
        .seed(o.seed)
        .compute(world, &mine.view())?;
    world.barrier();
    let t_svd = t1.elapsed().as_secs_f64();
    if lead {
        let l = (o.rank + 10).min(m.min(n));
        let passes = 2 * o.power_iters + 3;
        println!(
            "distributed randomized SVD: {m}×{n} over {size} processes, rank {}, q = {}",
            o.rank, o.power_iters
        );
        println!(
            "  input {t_input:.2} s ({} rows on rank 0), SVD {t_svd:.2} s ({passes} local passes over A)",
            mine.nrows()
        );
        let rep = svd.report();
        println!(
            "  ‖A − UΣVᵀ‖_F = {:.4e} (measured), relative {:.3e}, energy kept {:.6}, σ_(k+1) ≈ {:.3e}",
            rep.frobenius_error, rep.relative_frobenius_error, rep.energy_retained, rep.spectral_error
        );
        // Values each process hands to MPI, derived from the algorithm: q + 1 TSQRs of an
        // m×l sketch (≤ 3·l² each), q + 1 all-reduces of l·n (AᵀQ per power iteration and
        // B = QᵀA), q broadcasts of the n×l orthonormalised AᵀQ, the broadcast small SVD
        // (l² + l + k·n) and two scalar sums. None of it grows with m.
        let q = o.power_iters;
        let per_proc = (q + 1) * 3 * l * l + (2 * q + 1) * l * n + l * l + l + o.rank * n + 2;
        println!(
            "  communication per process ≤ {per_proc} values = {:.2} MB (A itself is {:.1} MB)",
            per_proc as f64 * 8e-6,
            (m * n) as f64 * 8e-6
        );
        let show = o.rank.min(5);
        print!("  σ̂[..{show}] =");
        for s in svd.s().iter().take(show) {
            print!(" {s:.6}");
        }
        println!();
        if generated {
            // The generated matrix's σ are 0.9ʲ·‖gⱼ‖/√m, ‖gⱼ‖/√m = 1 ± O(1/√m); the rank-k
            // truncation leaves the tail 0.9^k.. and the noise ν·√(m·n).
            let r = 2 * o.rank;
            let tail: f64 = (o.rank..r).map(|j| 0.81f64.powi(j as i32)).sum::<f64>();
            let floor = (tail + o.noise * o.noise * (m * n) as f64).sqrt();
            let ratio = rep.frobenius_error / floor;
            println!(
                "  expected ‖A − A_k‖_F ≈ √(Σ_(j≥k) 0.81ʲ + ν²mn) = {floor:.4e}: ratio {ratio:.4}"
            );
            // Gaussian row norms make the per-column scales deviate by a few /√m.
            let slack = 1.0 + 8.0 / (m as f64).sqrt() + 0.05;
            if !(ratio < slack && ratio > 1.0 / slack) {
                println!("  FAILED: the error is not at the level of the truncated tail and noise");
                ok = false;
            }
        }
    }

    // ---- Dense part: ScaLAPACK SVD and LU of a block-cyclic square matrix.
    if o.dense > 0 {
        let nd = o.dense;
        let grid = ProcessGrid::new(world)?;
        let sigma = geometric_spectrum::<f64>(nd, 1e4);
        let a = lead.then(|| with_singular_values::<f64>(nd, nd, &sigma, &mut rng(o.seed + 1)));
        let da = DistMatrix::scatter(&grid, a.as_ref().map(|a| a.view()), o.block)?;
        let t2 = Instant::now();
        let dsvd = DistSvd::new(&da)?;
        world.barrier();
        let t_dsvd = t2.elapsed().as_secs_f64();
        let t3 = Instant::now();
        let lu = DistLu::new(&da)?;
        let b = lead
            .then(|| Array2::<f64>::from_shape_fn((nd, 1), |(i, _)| 1.0 + i as f64 / nd as f64));
        let db = DistMatrix::scatter(&grid, b.as_ref().map(|b| b.view()), o.block)?;
        let x = lu.solve(&db)?;
        let rcond = lu.rcond()?;
        world.barrier();
        let t_lu = t3.elapsed().as_secs_f64();
        let x = x.gather()?;
        if let (Some(a), Some(b), Some(x)) = (a, b, x) {
            let (p, q) = grid.shape();
            let eps = f64::EPSILON;
            // |σ̂ᵢ − σᵢ| ≤ c·n·ε·σ₁ for a backward-stable SVD (Weyl).
            let serr = dsvd
                .singular_values()
                .iter()
                .zip(&sigma)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max)
                / (nd as f64 * eps * sigma[0]);
            // LAPACK's solve ratio ‖b − A·x‖₁ / (‖A‖₁·‖x‖₁·n·ε).
            let r = &b - &a.dot(&x);
            let lratio = norm1(&r) / (norm1(&a) * norm1(&x) * nd as f64 * eps);
            println!(
                "ScaLAPACK on a {p}×{q} grid, {nd}×{nd} in {nb}×{nb} blocks:",
                nb = o.block
            );
            println!(
                "  p?gesvd {t_dsvd:.2} s: max |σ̂ − σ| / (n·ε·σ₁) = {serr:.3} (threshold {SVD_THRESHOLD})"
            );
            println!(
                "  p?getrf + p?getrs + p?gecon {t_lu:.2} s: solve ratio {lratio:.3} (threshold {LIN_THRESHOLD}), rcond₁ = {rcond:.3e} (true 1/κ₂ = {:.1e})",
                sigma[nd - 1] / sigma[0]
            );
            if serr >= SVD_THRESHOLD || lratio >= LIN_THRESHOLD {
                println!("  FAILED: a ratio passed LAPACK's threshold");
                ok = false;
            }
        }
    }
    // Every process returns the same status.
    let mut all_ok = 0u8;
    world.all_reduce_into(
        &u8::from(!ok),
        &mut all_ok,
        mpi::collective::SystemOperation::max(),
    );
    Ok(all_ok == 0)
}
