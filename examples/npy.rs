//! Factor a matrix stored in a NumPy `.npy` file and write the factors back as `.npy` files.
//!
//! ```sh
//! cargo run --release --example npy -- <operation> in.npy [options]
//! cargo run --release --example npy -- demo        # makes a 2000×400 matrix, runs rsvd on it
//! ```
//!
//! Operations: `lu`, `cholesky`, `ldlt`, `qr`, `colpivqr`, `svd`, `eigh`, `eig`, `schur`,
//! `factorize` (ndfactor chooses and explains), `pinv`, `truncate` (best rank-k SVD) and
//! `rsvd` (randomized SVD, with a progress indicator).
//!
//! Options: `--rank k` (truncate, rsvd), `--energy f` or `--rel-error e` (truncate instead of
//! `--rank`), `--oversamples p`, `--power-iterations q`, `--seed s` (rsvd), `--out dir`
//! (default `target/examples-out/npy/<operation>/`).
//!
//! Input: a 2-D array of float64, float32, complex128, complex64 (factored in that type), or
//! int64/int32 (converted to float64); C or Fortran order. Each factor is written to
//! `<out>/<name>.npy` in the input's precision (eigenvalues of a real matrix as complex).
//! The report prints shapes, LAPACK-style residual ratios (below 50 means a correct result to
//! rounding) and the conditioning or the Eckart–Young error.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::{Array1, Array2, ArrayBase, Data, Dimension};
use ndarray_npy::{read_npy, write_npy, ReadNpyError, WritableElement};
use ndfactor::prelude::*;
use ndfactor::{testing, verify};

mod support;

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str =
    "usage: cargo run --release --example npy -- <operation> in.npy [--rank k] [--out dir]
  operations: lu cholesky ldlt qr colpivqr svd eigh eig schur factorize pinv truncate rsvd
  truncate:   --rank k | --energy f | --rel-error e
  rsvd:       --rank k [--oversamples p] [--power-iterations q] [--seed s]
  or: cargo run --release --example npy -- demo";

struct Opts {
    op: String,
    input: PathBuf,
    out: PathBuf,
    flags: HashMap<String, String>,
}

impl Opts {
    fn get<V: std::str::FromStr>(&self, name: &str) -> AnyResult<Option<V>>
    where
        V::Err: std::fmt::Display,
    {
        match self.flags.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|e| format!("--{name} {v}: {e}").into()),
        }
    }
}

fn parse_args(args: &[String]) -> AnyResult<Opts> {
    let mut pos = Vec::new();
    let mut flags = HashMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some(name) = a.strip_prefix("--") {
            let v = it
                .next()
                .ok_or_else(|| format!("--{name} needs a value\n{USAGE}"))?;
            flags.insert(name.to_string(), v.clone());
        } else {
            pos.push(a.clone());
        }
    }
    if pos.len() != 2 {
        return Err(USAGE.into());
    }
    let known = [
        "rank",
        "energy",
        "rel-error",
        "oversamples",
        "power-iterations",
        "seed",
        "out",
    ];
    if let Some(bad) = flags.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(format!("unknown option --{bad}\n{USAGE}").into());
    }
    let out = flags
        .get("out")
        .map(PathBuf::from)
        .unwrap_or_else(|| support::repo_path("target/examples-out/npy").join(&pos[0]));
    Ok(Opts {
        op: pos[0].clone(),
        input: PathBuf::from(&pos[1]),
        out,
        flags,
    })
}

/// Writes `a` to `<dir>/<name>.npy` and prints a line about it.
fn save<A, S, D>(dir: &Path, name: &str, a: &ArrayBase<S, D>) -> AnyResult<()>
where
    A: WritableElement,
    S: Data<Elem = A>,
    D: Dimension,
{
    let path = dir.join(format!("{name}.npy"));
    write_npy(&path, a).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("  wrote {:<14} {:?}", format!("{name}.npy"), a.shape());
    Ok(())
}

fn ratio_line(label: &str, r: f64, threshold: f64) {
    let v = if r < threshold { "ok" } else { "LARGE" };
    println!("  {label:<42} {r:>9.3}  ({v}, threshold {threshold})");
}

/// Runs `op` on `a` in its own scalar type `T`.
fn run<T>(opts: &Opts, a: Array2<T>) -> AnyResult<()>
where
    T: Scalar + WritableElement,
    T::Real: WritableElement,
    num_complex::Complex<T::Real>: WritableElement,
{
    let (m, n) = a.dim();
    let dir = &opts.out;
    std::fs::create_dir_all(dir)?;
    let start = Instant::now();
    let f64of = |x: T::Real| x.to_f64();
    match opts.op.as_str() {
        "lu" => {
            let lu = a.lu()?;
            println!("P·A = L·U   ({:.3} s)", start.elapsed().as_secs_f64());
            ratio_line(
                "‖P·A − L·U‖₁/(n·‖A‖₁·ε)",
                f64of(verify::lu_ratio(&a, &lu)),
                verify::LIN_THRESHOLD,
            );
            println!("  det = {}   {}", lu.det(), lu.conditioning());
            save(dir, "P", &lu.p())?;
            save(dir, "L", &lu.l())?;
            save(dir, "U", &lu.u())?;
            save(
                dir,
                "perm",
                &Array1::from_iter(lu.perm().into_iter().map(|p| p as i64)),
            )?;
        }
        "cholesky" => {
            let ch = a.cholesky()?;
            println!("A = L·Lᴴ   ({:.3} s)", start.elapsed().as_secs_f64());
            ratio_line(
                "‖L·Lᴴ − A‖₁/(n·‖A‖₁·ε)",
                f64of(verify::cholesky_ratio(&a, &ch)),
                verify::LIN_THRESHOLD,
            );
            println!(
                "  ln det = {:.6}   {}",
                ch.ln_det().to_f64(),
                ch.conditioning()
            );
            save(dir, "L", &ch.l())?;
        }
        "ldlt" => {
            let ld = a.ldlt()?;
            println!(
                "P·A·Pᵀ = L·D·Lᴴ (Bunch–Kaufman)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            ratio_line(
                "‖P·A·Pᵀ − L·D·Lᴴ‖₁/(n·‖A‖₁·ε)",
                f64of(verify::ldlt_ratio(&a, &ld)),
                verify::LIN_THRESHOLD,
            );
            if let Some(i) = ld.inertia() {
                println!(
                    "  inertia: {} positive, {} negative, {} zero",
                    i.positive, i.negative, i.zero
                );
            }
            println!("  {}", ld.conditioning());
            save(dir, "P", &ld.p())?;
            save(dir, "L", &ld.l())?;
            save(dir, "D", &ld.d())?;
        }
        "qr" => {
            let qr = a.qr()?;
            let (q, r) = (qr.q(), qr.r());
            println!("A = Q·R (thin)   ({:.3} s)", start.elapsed().as_secs_f64());
            ratio_line(
                "‖A − Q·R‖₁/(m·‖A‖₁·ε)",
                f64of(verify::qr_ratio(&a, &q, &r)),
                verify::LIN_THRESHOLD,
            );
            ratio_line(
                "‖I − QᴴQ‖₁/(m·ε)",
                f64of(verify::orthogonality_ratio(&q)),
                verify::LIN_THRESHOLD,
            );
            save(dir, "Q", &q)?;
            save(dir, "R", &r)?;
        }
        "colpivqr" => {
            let qr = a.col_piv_qr()?;
            let (q, r) = (qr.q(), qr.r());
            println!(
                "A·P = Q·R (column pivoting)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            let ap = a.dot(&qr.p());
            ratio_line(
                "‖A·P − Q·R‖₁/(m·‖A‖₁·ε)",
                f64of(verify::qr_ratio(&ap, &q, &r)),
                verify::LIN_THRESHOLD,
            );
            println!("  numerical rank = {}", qr.rank(None)?);
            save(dir, "Q", &q)?;
            save(dir, "R", &r)?;
            save(
                dir,
                "perm",
                &Array1::from_iter(qr.perm().into_iter().map(|p| p as i64)),
            )?;
        }
        "svd" => {
            let svd = a.svd()?;
            println!(
                "A = U·Σ·Vᴴ (thin)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            ratio_line(
                "‖A − U·Σ·Vᴴ‖₁/(max(m,n)·‖A‖₁·ε)",
                f64of(verify::svd_ratio(&a, &svd.u(), &svd.s(), &svd.vt())),
                verify::SVD_THRESHOLD,
            );
            ratio_line(
                "‖I − UᴴU‖₁/(m·ε)",
                f64of(verify::orthogonality_ratio(&svd.u())),
                verify::SVD_THRESHOLD,
            );
            print_values(&svd.s().mapv(|x| x.to_f64()));
            println!(
                "  rank = {}   ‖A‖₂ = {:.6e}   {}",
                svd.rank(None)?,
                svd.norm2().to_f64(),
                svd.conditioning()
            );
            save(dir, "U", &svd.u())?;
            save(dir, "S", &svd.s())?;
            save(dir, "Vt", &svd.vt())?;
        }
        "eigh" => {
            let asym = verify::norm_fro(&(&a - &a.t().mapv(|x| x.conj()))).to_f64();
            let eh = a.eigh()?;
            println!(
                "A = V·Λ·Vᴴ (Hermitian, lower triangle read)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            let anorm = verify::norm_fro(&a).to_f64();
            if asym > 1e3 * T::eps().to_f64() * anorm {
                println!("  warning: A is not Hermitian (‖A − Aᴴ‖_F/‖A‖_F = {:.2e}); only its lower triangle was used", asym / anorm);
            }
            ratio_line(
                "‖A·V − V·Λ‖₁/(n·‖A‖₁·ε)",
                f64of(verify::eigen_ratio(&a, &eh.vectors(), &eh.values())),
                verify::EIG_THRESHOLD,
            );
            print_values(&eh.values().mapv(|x| x.to_f64()));
            save(dir, "w", &eh.values())?;
            save(dir, "V", &eh.vectors())?;
        }
        "eig" => {
            let e = a.eig()?;
            println!(
                "A·V = V·Λ (general, complex output)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            ratio_line(
                "‖A·V − V·Λ‖₁/(n·‖A‖₁·ε)",
                f64of(verify::eig_ratio(&a, &e.values(), &e.vectors())),
                verify::SCHUR_THRESHOLD,
            );
            save(dir, "w", &e.values())?;
            save(dir, "V", &e.vectors())?;
        }
        "schur" => {
            let sc = a.schur()?;
            println!("A = Z·T·Zᴴ   ({:.3} s)", start.elapsed().as_secs_f64());
            ratio_line(
                "‖A − Z·T·Zᴴ‖₁/(n·‖A‖₁·ε)",
                f64of(verify::schur_ratio(&a, &sc.z(), &sc.t())),
                verify::SCHUR_THRESHOLD,
            );
            ratio_line(
                "‖I − ZᴴZ‖₁/(n·ε)",
                f64of(verify::orthogonality_ratio(&sc.z())),
                verify::SCHUR_THRESHOLD,
            );
            save(dir, "T", &sc.t())?;
            save(dir, "Z", &sc.z())?;
            save(dir, "w", &sc.values())?;
        }
        "factorize" => {
            let f = factorize(&a)?;
            println!(
                "factorize chose {:?}   ({:.3} s)",
                f.kind(),
                start.elapsed().as_secs_f64()
            );
            for line in f.explain().lines() {
                println!("  {line}");
            }
        }
        "pinv" => {
            let p = ndfactor::pinv(&a)?;
            println!(
                "A⁺ (Moore–Penrose, SVD with cut-off max(m,n)·ε·σ₁)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            // Penrose condition A·A⁺·A = A.
            let apa = a.dot(&p).dot(&a);
            ratio_line(
                "‖A·A⁺·A − A‖₁/(max(m,n)·‖A‖₁·ε)",
                f64of(verify::reconstruction_ratio(&a, &apa, m.max(n))),
                verify::SVD_THRESHOLD,
            );
            save(dir, "pinv", &p)?;
        }
        "truncate" => {
            let rank = if let Some(k) = opts.get::<usize>("rank")? {
                Rank::Fixed(k)
            } else if let Some(f) = opts.get::<f64>("energy")? {
                Rank::Energy(T::Real::from_f64(f))
            } else if let Some(e) = opts.get::<f64>("rel-error")? {
                Rank::RelativeError(T::Real::from_f64(e))
            } else {
                return Err(format!(
                    "truncate needs --rank k, --energy f or --rel-error e\n{USAGE}"
                )
                .into());
            };
            let t = a.svd()?.truncate(rank)?;
            println!(
                "best rank-{} approximation A_k = U_k·Σ_k·V_kᴴ   ({:.3} s)",
                t.rank(),
                start.elapsed().as_secs_f64()
            );
            print_report(&t.report().to_string());
            save(dir, "U", &t.u())?;
            save(dir, "S", &t.s())?;
            save(dir, "Vt", &t.vt())?;
        }
        "rsvd" => {
            let k = opts
                .get::<usize>("rank")?
                .ok_or_else(|| format!("rsvd needs --rank k\n{USAGE}"))?;
            let mut r = RandomizedSvd::new(k);
            if let Some(p) = opts.get("oversamples")? {
                r = r.oversamples(p);
            }
            if let Some(q) = opts.get("power-iterations")? {
                r = r.power_iterations(q);
            }
            if let Some(s) = opts.get("seed")? {
                r = r.seed(s);
            }
            let tty = std::io::stderr().is_terminal();
            let t = r.compute_with_progress(&a, |p| {
                if !tty {
                    // Not a terminal (a log file, CI): one line per stage.
                    eprintln!(
                        "  {:>2}/{} {:<24} {:>7.2} s",
                        p.step,
                        p.steps,
                        p.stage.to_string(),
                        start.elapsed().as_secs_f64()
                    );
                    return;
                }
                let width = 24;
                let done = width * p.step / p.steps;
                eprint!(
                    "\r  [{}{}] {:>2}/{} {:<24} {:>7.2} s",
                    "#".repeat(done),
                    "-".repeat(width - done),
                    p.step,
                    p.steps,
                    p.stage.to_string(),
                    start.elapsed().as_secs_f64()
                );
                if p.step == p.steps {
                    eprintln!();
                }
            })?;
            println!(
                "randomized rank-{k} SVD (Halko–Martinsson–Tropp)   ({:.3} s)",
                start.elapsed().as_secs_f64()
            );
            print_values(&t.s().mapv(|x| x.to_f64()));
            print_report(&t.report().to_string());
            save(dir, "U", &t.u())?;
            save(dir, "S", &t.s())?;
            save(dir, "Vt", &t.vt())?;
        }
        other => return Err(format!("unknown operation {other:?}\n{USAGE}").into()),
    }
    println!("factors in {}", dir.display());
    Ok(())
}

fn print_values(v: &Array1<f64>) {
    let shown: Vec<String> = v.iter().take(8).map(|x| format!("{x:.6e}")).collect();
    let more = if v.len() > 8 {
        format!(", … ({} in all)", v.len())
    } else {
        String::new()
    };
    println!("  values: [{}{more}]", shown.join(", "));
}

fn print_report(r: &str) {
    println!("  Eckart–Young report:");
    for line in r.lines() {
        println!("    {line}");
    }
}

/// Reads a 2-D `.npy` file in whatever element type it holds and runs `opts.op` on it.
fn load_and_run(opts: &Opts) -> AnyResult<()> {
    fn wrong_type(e: &ReadNpyError) -> bool {
        matches!(e, ReadNpyError::WrongDescriptor(_))
    }
    macro_rules! attempt {
        ($t:ty, $name:literal, $convert:expr) => {
            match read_npy::<_, Array2<$t>>(&opts.input) {
                Ok(a) => {
                    println!(
                        "{}: {}×{} {}",
                        opts.input.display(),
                        a.nrows(),
                        a.ncols(),
                        $name
                    );
                    return run(opts, $convert(a));
                }
                Err(e) if wrong_type(&e) => {}
                Err(ReadNpyError::WrongNdim(_, found)) => {
                    return Err(format!(
                        "{}: a {found}-D array; a matrix (2-D) is needed",
                        opts.input.display()
                    )
                    .into())
                }
                Err(e) => return Err(format!("cannot read {}: {e}", opts.input.display()).into()),
            }
        };
    }
    attempt!(f64, "float64", |a| a);
    attempt!(f32, "float32", |a| a);
    attempt!(c64, "complex128", |a| a);
    attempt!(c32, "complex64", |a| a);
    attempt!(i64, "int64, factored as float64", |a: Array2<i64>| a
        .mapv(|x| x as f64));
    attempt!(i32, "int32, factored as float64", |a: Array2<i32>| a
        .mapv(|x| x as f64));
    Err(format!(
        "{}: unsupported element type (use float32/64 or complex64/128)",
        opts.input.display()
    )
    .into())
}

/// `demo`: writes a 2000×400 matrix with singular values 1/(1 + i)² to `demo.npy` and runs
/// `rsvd --rank 20` on it, then `truncate --rank 20` for comparison.
fn demo() -> AnyResult<()> {
    let dir = support::out_dir("npy");
    let path = dir.join("demo.npy");
    let (m, n) = (2000, 400);
    let sigma: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64).powi(2)).collect();
    let a: Array2<f64> = testing::with_singular_values(m, n, &sigma, &mut testing::rng(1));
    write_npy(&path, &a)?;
    println!(
        "demo: wrote {} ({m}×{n}, σᵢ = 1/(1 + i)², seed 1)\n",
        path.display()
    );
    let input = path.to_string_lossy().to_string();
    for op in [["rsvd", "--rank", "20"], ["truncate", "--rank", "20"]] {
        let mut args: Vec<String> = op.iter().map(|s| s.to_string()).collect();
        args.insert(1, input.clone());
        println!(
            "$ cargo run --release --example npy -- {} {} {} {}",
            args[0], args[1], args[2], args[3]
        );
        load_and_run(&parse_args(&args)?)?;
        println!();
    }
    println!(
        "exact σ₂₁ = {:.6e}: the spectral error of the best rank-20 approximation",
        sigma[20]
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") if args.len() == 1 => demo(),
        None | Some("-h") | Some("--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => parse_args(&args).and_then(|o| load_and_run(&o)),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
