//! Timings of ScaLAPACK's dense factorizations through `ndfactor::dist` (feature `mpi`) against
//! the same factorizations in core, for the figures in docs/bench/distributed.md.
//!
//! ```sh
//! cargo build --release --features mpi --example dist_bench
//! # one process with two OpenBLAS threads, in core and through ScaLAPACK on a 1×1 grid:
//! OPENBLAS_NUM_THREADS=2 mpirun -n 1 target/release/examples/dist_bench --n 4096 --in-core
//! # two processes of one thread each (1×2 grid):
//! OPENBLAS_NUM_THREADS=1 mpirun -n 2 -x OPENBLAS_NUM_THREADS target/release/examples/dist_bench --n 4096
//! ```
//!
//! Rank 0 builds a seeded Gaussian `n×n` matrix `G` (LU and SVD) and the SPD `GᵀG/n + I`
//! (Cholesky), scatters them in `nb×nb` blocks (`--block nb`, default 64) over the most nearly
//! square process grid, and every process times [`DistLu::new`] (`p?getrf`),
//! [`DistCholesky::new`] (`p?potrf`) and [`DistSvd::new`] (`p?gesvd`, vectors), between
//! barriers; rank 0 prints the median of `--reps` runs (the SVD runs `--svd-reps`, default 1).
//! With `--in-core` (one process only) the same matrices go through [`Lu::new`],
//! [`Cholesky::new`] and [`Svd::new`] (`?gesdd`) as well. The scatter and gather are not timed.
//! Each result is checked (LU's and Cholesky's backward error, the singular values against the
//! in-core ones when both ran) so a wrong result cannot pass for a fast one.

use std::error::Error as StdError;
use std::time::Instant;

use mpi::traits::*;
use ndarray::Array2;
use ndfactor::dist::{mpi, DistCholesky, DistLu, DistMatrix, DistSvd, ProcessGrid};
use ndfactor::testing::{gaussian, rng};
use ndfactor::{Cholesky, Lu, Svd, Uplo};

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str = "usage: mpirun -n P target/release/examples/dist_bench
    [--n 4096] [--block 64] [--reps 3] [--svd-reps 1] [--ops lu,cholesky,svd] [--in-core]";

struct Opts {
    n: usize,
    block: usize,
    reps: usize,
    svd_reps: usize,
    ops: Vec<String>,
    in_core: bool,
}

fn parse() -> AnyResult<Opts> {
    let mut o = Opts {
        n: 4096,
        block: 64,
        reps: 3,
        svd_reps: 1,
        ops: vec!["lu".into(), "cholesky".into(), "svd".into()],
        in_core: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || -> AnyResult<String> {
            args.next()
                .ok_or_else(|| format!("{a} needs a value\n{USAGE}").into())
        };
        match a.as_str() {
            "--n" => o.n = value()?.parse()?,
            "--block" => o.block = value()?.parse()?,
            "--reps" => o.reps = value()?.parse()?,
            "--svd-reps" => o.svd_reps = value()?.parse()?,
            "--ops" => o.ops = value()?.split(',').map(str::to_owned).collect(),
            "--in-core" => o.in_core = true,
            _ => return Err(format!("unknown argument {a}\n{USAGE}").into()),
        }
    }
    if o.n == 0 || o.block == 0 || o.reps == 0 || o.svd_reps == 0 {
        return Err(format!("sizes and repetitions must be positive\n{USAGE}").into());
    }
    Ok(o)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let h = v.len() / 2;
    if v.len() % 2 == 1 {
        v[h]
    } else {
        0.5 * (v[h - 1] + v[h])
    }
}

/// Median wall time of `reps` runs of `f`, between barriers so that the slowest process counts.
fn timed<C: Communicator, R>(
    comm: &C,
    reps: usize,
    mut f: impl FnMut() -> AnyResult<R>,
) -> AnyResult<(f64, R)> {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        comm.barrier();
        let t = Instant::now();
        let r = f()?;
        comm.barrier();
        times.push(t.elapsed().as_secs_f64());
        last = Some(r);
    }
    Ok((median(times), last.expect("reps > 0")))
}

/// `‖A − B‖_F / (n·‖A‖_F·ε)`, a LAPACK-style ratio of a reconstruction `B` of `A`.
fn ratio(a: &Array2<f64>, b: &Array2<f64>) -> f64 {
    let n = a.nrows() as f64;
    let d = (a - b).iter().map(|x| x * x).sum::<f64>().sqrt();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    d / (n * na * f64::EPSILON)
}

fn run(world: &mpi::topology::SimpleCommunicator) -> AnyResult<bool> {
    let o = parse()?;
    let (size, lead) = (world.size() as usize, world.rank() == 0);
    if o.in_core && size != 1 {
        return Err("--in-core compares against one process: run it with mpirun -n 1".into());
    }
    let n = o.n;
    let grid = ProcessGrid::new(world)?;
    let (p, q) = grid.shape();
    let threads = std::env::var("OPENBLAS_NUM_THREADS").unwrap_or_else(|_| "default".into());
    let g = lead.then(|| gaussian::<f64>(n, n, &mut rng(42)));
    let spd = g.as_ref().map(|g| {
        let mut s = g.t().dot(g) / n as f64;
        s.diag_mut().mapv_inplace(|d| d + 1.0);
        s
    });
    if lead {
        println!(
            "n = {n}, {size} process(es) on a {p}×{q} grid, block {}, OPENBLAS_NUM_THREADS = {threads}",
            o.block
        );
    }
    let mut ok = true;
    let mut in_core_s = None;
    for op in &o.ops {
        match op.as_str() {
            "lu" => {
                let da = DistMatrix::scatter(&grid, g.as_ref().map(|a| a.view()), o.block)?;
                let (t, lu) = timed(world, o.reps, || Ok(DistLu::new(&da)?))?;
                // Both collective: every process takes part, rank 0 checks.
                let factors = lu.factors().gather()?;
                let piv = lu.pivots()?;
                if let (Some(a), Some(f)) = (&g, factors) {
                    // P·A = L·U with the pivots as row interchanges applied in order.
                    let l = Array2::from_shape_fn((n, n), |(i, j)| match i.cmp(&j) {
                        std::cmp::Ordering::Greater => f[(i, j)],
                        std::cmp::Ordering::Equal => 1.0,
                        std::cmp::Ordering::Less => 0.0,
                    });
                    let u = Array2::from_shape_fn(
                        (n, n),
                        |(i, j)| if i <= j { f[(i, j)] } else { 0.0 },
                    );
                    let mut pa = a.clone();
                    for (i, &pi) in piv.iter().enumerate() {
                        let pi = pi as usize - 1;
                        if pi != i {
                            for j in 0..n {
                                pa.swap((i, j), (pi, j));
                            }
                        }
                    }
                    let r = ratio(&pa, &l.dot(&u));
                    ok &= r < 30.0;
                    println!("  dist LU        (p?getrf) {t:8.3} s   ‖PA − LU‖/(n‖A‖ε) = {r:.3}");
                }
                if o.in_core {
                    let a = g.as_ref().expect("one process is rank 0");
                    let (t, lu) = timed(world, o.reps, || Ok(Lu::new(a)?))?;
                    let r = ratio(&lu.p().dot(a), &lu.l().dot(&lu.u()));
                    ok &= r < 30.0;
                    println!("  in-core LU     (?getrf)  {t:8.3} s   ‖PA − LU‖/(n‖A‖ε) = {r:.3}");
                }
            }
            "cholesky" => {
                let da = DistMatrix::scatter(&grid, spd.as_ref().map(|a| a.view()), o.block)?;
                let (t, ch) = timed(world, o.reps, || Ok(DistCholesky::new(&da, Uplo::Lower)?))?;
                let factor = ch.factor()?.gather()?;
                if let (Some(a), Some(l)) = (&spd, factor) {
                    let l = Array2::from_shape_fn(
                        (n, n),
                        |(i, j)| if i >= j { l[(i, j)] } else { 0.0 },
                    );
                    let r = ratio(a, &l.dot(&l.t()));
                    ok &= r < 30.0;
                    println!("  dist Cholesky  (p?potrf) {t:8.3} s   ‖A − LLᵀ‖/(n‖A‖ε) = {r:.3}");
                }
                if o.in_core {
                    let a = spd.as_ref().expect("one process is rank 0");
                    let (t, ch) = timed(world, o.reps, || Ok(Cholesky::new(a)?))?;
                    let l = ch.l();
                    let r = ratio(a, &l.dot(&l.t()));
                    ok &= r < 30.0;
                    println!("  in-core Cholesky (?potrf) {t:6.3} s   ‖A − LLᵀ‖/(n‖A‖ε) = {r:.3}");
                }
            }
            "svd" => {
                if o.in_core {
                    let a = g.as_ref().expect("one process is rank 0");
                    let (t, svd) = timed(world, o.svd_reps, || Ok(Svd::new(a)?))?;
                    println!(
                        "  in-core SVD    (?gesdd)  {t:8.3} s   σ₁ = {:.6e}",
                        svd.s()[0]
                    );
                    in_core_s = Some(svd.s().to_owned());
                }
                let da = DistMatrix::scatter(&grid, g.as_ref().map(|a| a.view()), o.block)?;
                let (t, svd) = timed(world, o.svd_reps, || Ok(DistSvd::new(&da)?))?;
                if lead {
                    let s = svd.singular_values();
                    let mut line =
                        format!("  dist SVD       (p?gesvd) {t:8.3} s   σ₁ = {:.6e}", s[0]);
                    if let Some(sc) = &in_core_s {
                        // Both are backward stable: each σ agrees to O(n·ε·σ₁).
                        let d = s
                            .iter()
                            .zip(sc)
                            .map(|(a, b)| (a - b).abs())
                            .fold(0.0, f64::max);
                        let r = d / (n as f64 * s[0] * f64::EPSILON);
                        ok &= r < 30.0;
                        line += &format!("   max|σ − σ_in-core|/(nσ₁ε) = {r:.3}");
                    }
                    println!("{line}");
                }
            }
            other => return Err(format!("unknown op {other}\n{USAGE}").into()),
        }
    }
    Ok(ok)
}

fn main() {
    let universe = mpi::initialize().expect("MPI initialises once");
    let world = universe.world();
    match run(&world) {
        Ok(true) => {}
        Ok(false) => {
            if world.rank() == 0 {
                eprintln!("a check failed");
            }
            std::process::exit(1);
        }
        Err(e) => {
            if world.rank() == 0 {
                eprintln!("{e}");
            }
            std::process::exit(2);
        }
    }
}
