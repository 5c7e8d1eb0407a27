//! Truncated SVD of a `.npy` file larger than memory, read in row blocks, with a progress bar.
//!
//! ```sh
//! cargo run --release --example stream_svd -- big.npy --rank 50 --out dir/
//! cargo run --release --example stream_svd -- big.npy --rank 50 --power-iters 2 \
//!     --oversample 10 --block-rows 8192 --out dir/
//! cargo run --release --example stream_svd -- big.npy --rank 50 --single-pass --out dir/
//! ```
//!
//! Input: a 2-D float64 or float32 `.npy` file, C or Fortran order, memory-mapped (never read
//! whole). Default: [`StreamedRandomizedSvd`] (`2q + 2` passes; `--exact-error` adds the
//! residual pass, `--error-estimate r` replaces the error formula's fallback pass by
//! Halko–Martinsson–Tropp bounds from `r` test vectors). `--single-pass`: [`SinglePassSvd`]
//! (one pass, sketch sizes `k = 2r + 1`, `l = 2k + 1`). `--pass-efficient`: the same
//! randomized SVD in `q + 1` passes (each pass forms `A·X` and `Aᴴ·(A·X)` from the same block;
//! see [`StreamedRandomizedSvd::pass_efficient`]). Other options: `--seed s`;
//! `--in-core` (for a file that fits in memory) also loads the whole matrix and runs the in-core
//! [`RandomizedSvd`](ndfactor::RandomizedSvd) with the same settings, and reports both times and
//! the largest relative difference of the singular values; `--prefetch thread|advise|off` how
//! passes read ahead of the block being multiplied ([`Prefetch`], default `thread`).
//!
//! Memory: the randomized SVD keeps its `m×(k + p)` basis in an unnamed scratch file in `--out`
//! and writes `U` there block by block
//! ([`StreamedRandomizedSvd::compute_to_npy`]), so what it holds in memory does not grow with
//! `m`; `--basis-in-memory` keeps basis and `U` in memory instead
//! ([`StreamedRandomizedSvd::compute`]; `m·(k + p)` values more, no scratch file).
//!
//! Output in `--out` (default `target/examples-out/stream_svd/`): `U.npy` (`m×k`), `s.npy`
//! (`k`), `Vt.npy` (`k×n`) in the input's precision and `report.txt` (shapes, passes, time per
//! pass, the Eckart–Young report and where its error comes from). Each file is written under a
//! temporary name and renamed when complete; `report.txt` comes last.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use ndarray::Array1;
use ndarray_npy::{ViewElement, WritableElement};
use ndfactor::stream::{
    NpyFile, NpyRowWriter, Prefetch, SinglePassSvd, StreamProgress, StreamedRandomizedSvd,
};
use ndfactor::{Error, RealScalar, Scalar, TruncatedSvd};

type AnyResult<T> = std::result::Result<T, Box<dyn StdError>>;

const USAGE: &str = "usage: cargo run --release --example stream_svd -- big.npy --rank k
    [--power-iters q] [--oversample p] [--block-rows N] [--seed s]
    [--single-pass] [--pass-efficient] [--exact-error] [--error-estimate r] [--in-core]
    [--prefetch thread|advise|off] [--basis-in-memory] [--out dir/]";

#[derive(Debug)]
struct Opts {
    input: PathBuf,
    out: PathBuf,
    rank: usize,
    power_iters: Option<usize>,
    oversample: usize,
    block_rows: usize,
    seed: u64,
    single_pass: bool,
    pass_efficient: bool,
    exact_error: bool,
    error_estimate: Option<usize>,
    in_core: bool,
    prefetch: Prefetch,
    basis_in_memory: bool,
}

fn parse() -> AnyResult<Opts> {
    let mut args = std::env::args().skip(1);
    let mut input = None;
    let mut o = Opts {
        input: PathBuf::new(),
        out: PathBuf::from("target/examples-out/stream_svd"),
        rank: 0,
        power_iters: None,
        oversample: 10,
        block_rows: 4096,
        seed: 0,
        single_pass: false,
        pass_efficient: false,
        exact_error: false,
        error_estimate: None,
        in_core: false,
        prefetch: Prefetch::default(),
        basis_in_memory: false,
    };
    let mut rank = None;
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> AnyResult<String> {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}").into())
        };
        match a.as_str() {
            "--rank" => rank = Some(value("--rank")?.parse()?),
            "--power-iters" => o.power_iters = Some(value("--power-iters")?.parse()?),
            "--oversample" => o.oversample = value("--oversample")?.parse()?,
            "--block-rows" => o.block_rows = value("--block-rows")?.parse()?,
            "--seed" => o.seed = value("--seed")?.parse()?,
            "--out" => o.out = PathBuf::from(value("--out")?),
            "--error-estimate" => o.error_estimate = Some(value("--error-estimate")?.parse()?),
            "--single-pass" => o.single_pass = true,
            "--pass-efficient" => o.pass_efficient = true,
            "--exact-error" => o.exact_error = true,
            "--in-core" => o.in_core = true,
            "--basis-in-memory" => o.basis_in_memory = true,
            "--prefetch" => {
                o.prefetch = match value("--prefetch")?.as_str() {
                    "thread" => Prefetch::Thread,
                    "advise" => Prefetch::Advise,
                    "off" => Prefetch::Off,
                    v => {
                        return Err(format!("--prefetch {v}: thread, advise or off\n{USAGE}").into())
                    }
                }
            }
            "-h" | "--help" => return Err(USAGE.into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}\n{USAGE}").into()),
            s => {
                if input.replace(PathBuf::from(s)).is_some() {
                    return Err(format!("one input file only\n{USAGE}").into());
                }
            }
        }
    }
    o.input = input.ok_or(USAGE)?;
    o.rank = rank.ok_or(USAGE)?;
    Ok(o)
}

/// A progress bar over all passes: position `(pass − 1)·m + rows_done` of `passes·m` (the
/// length grows when a pass is added).
fn bar(m: usize) -> (ProgressBar, impl FnMut(StreamProgress)) {
    let pb = ProgressBar::new(m as u64);
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{elapsed_precise}] {wide_bar} {percent:>3}% (eta {eta})",
        )
        .expect("valid template"),
    );
    let handle = pb.clone();
    let update = move |p: StreamProgress| {
        let (m, passes) = (p.rows as u64, p.passes as u64);
        handle.set_length(passes * m.max(1));
        handle.set_position((p.pass as u64 - 1) * m + p.rows_done as u64);
        handle.set_message(format!(
            "pass {}/{} {:>9.0} rows/s",
            p.pass,
            p.passes,
            p.rows_per_second()
        ));
    };
    (pb, update)
}

fn write_1d<T: WritableElement>(path: &Path, a: &Array1<T>) -> AnyResult<()> {
    let tmp = path.with_extension("npy.partial");
    ndarray_npy::write_npy(&tmp, a)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

fn run<T>(o: &Opts, f: NpyFile<T>) -> AnyResult<()>
where
    T: Scalar + ViewElement + WritableElement,
    T::Real: WritableElement,
{
    use ndfactor::stream::RowBlockSource;
    let mut f = f.prefetch(o.prefetch);
    let (m, n) = f.shape();
    eprintln!(
        "{}: {m}×{n} {} ({} order), rank {}",
        o.input.display(),
        T::NAME,
        if f.is_fortran_order() { "F" } else { "C" },
        o.rank
    );
    // The output directory must be writable before hours of reading.
    std::fs::create_dir_all(&o.out).map_err(|e| Error::Io {
        path: o.out.display().to_string(),
        operation: "create output directory",
        reason: e.to_string(),
    })?;
    let (pb, mut progress) = bar(m);
    let mut passes = 0;
    let mut pass_times = Vec::new();
    let mut last_pass = 0;
    let start = Instant::now();
    let mut track = |p: StreamProgress| {
        if p.pass != last_pass {
            last_pass = p.pass;
            pass_times.push(0.0);
        }
        if let Some(t) = pass_times.last_mut() {
            *t = p.elapsed.as_secs_f64();
        }
        passes = p.passes;
        progress(p);
    };
    let u_path = o.out.join("U.npy");
    let in_memory = |t: TruncatedSvd<T>| -> AnyResult<_> {
        let mut w = NpyRowWriter::<T>::create(&u_path, t.u().dim())?;
        w.write_rows(t.u())?;
        w.finish()?;
        Ok((t.s().to_owned(), t.vt().to_owned(), t.report()))
    };
    // U is written before the clock stops, on every path.
    let (s, vt, r) = if o.single_pass {
        in_memory(
            SinglePassSvd::new(o.rank)
                .seed(o.seed)
                .block_rows(o.block_rows)
                .compute_with_progress(&mut f, &mut track)?,
        )?
    } else {
        let mut b = StreamedRandomizedSvd::new(o.rank)
            .oversamples(o.oversample)
            .seed(o.seed)
            .block_rows(o.block_rows)
            .exact_error(o.exact_error)
            .pass_efficient(o.pass_efficient);
        if let Some(q) = o.power_iters {
            b = b.power_iterations(q);
        }
        if let Some(r) = o.error_estimate {
            b = b.error_estimate(r);
        }
        if o.basis_in_memory {
            in_memory(b.compute_with_progress(&mut f, &mut track)?)?
        } else {
            let t = b.compute_to_npy_with_progress(&mut f, &u_path, &mut track)?;
            (t.s().to_owned(), t.vt().to_owned(), t.report())
        }
    };
    let total = start.elapsed().as_secs_f64();
    pb.finish_and_clear();

    write_1d(&o.out.join("s.npy"), &s)?;
    let mut w = NpyRowWriter::<T>::create(o.out.join("Vt.npy"), vt.dim())?;
    w.write_rows(vt.view())?;
    w.finish()?;

    let mut rep = String::new();
    use std::fmt::Write as _;
    writeln!(rep, "input            {}", o.input.display())?;
    writeln!(rep, "shape            {m} × {n} {}", T::NAME)?;
    writeln!(
        rep,
        "algorithm        {}",
        if o.single_pass {
            "SinglePassSvd (Tropp–Yurtsever–Udell–Cevher 2017)"
        } else if o.pass_efficient {
            "StreamedRandomizedSvd, pass efficient (q + 1 passes; Bjarkason 2019)"
        } else {
            "StreamedRandomizedSvd (Halko–Martinsson–Tropp 2011)"
        }
    )?;
    writeln!(rep, "rank             {}", r.rank)?;
    writeln!(rep, "block rows       {}", o.block_rows)?;
    writeln!(rep, "prefetch         {:?}", o.prefetch)?;
    writeln!(
        rep,
        "basis            {}",
        if o.single_pass || o.basis_in_memory {
            "in memory"
        } else {
            "scratch file in the output directory (memory-mapped)"
        }
    )?;
    writeln!(rep, "passes           {passes}")?;
    writeln!(rep, "wall time        {total:.3} s (including writing U)")?;
    for (i, s) in pass_times.iter().enumerate() {
        writeln!(rep, "  pass {:<3}       {s:.3} s", i + 1)?;
    }
    writeln!(rep, "sigma_1..k       {:?}", s.to_vec())?;
    writeln!(rep, "sigma_(k+1) est  {:e}", r.spectral_error.to_f64())?;
    writeln!(rep, "‖A − UΣVᴴ‖_F     {:e}", r.frobenius_error.to_f64())?;
    writeln!(
        rep,
        "relative error   {:e}",
        r.relative_frobenius_error.to_f64()
    )?;
    writeln!(rep, "energy retained  {:.9}", r.energy_retained.to_f64())?;
    let source = match r.error_source {
        ndfactor::ErrorSource::Formula => {
            "exact formula √(‖A‖_F² − Σσ̃ᵢ²) for the returned factors".to_string()
        }
        ndfactor::ErrorSource::Residual => "measured residual (one extra pass)".to_string(),
        ndfactor::ErrorSource::Estimate {
            vectors,
            range_bound,
            spectral_bound,
            failure_probability,
        } => format!(
            "a-posteriori estimate from {vectors} Gaussian test vectors: \
             ‖A − QQᴴA‖₂ ≤ {:e}, ‖A − UΣVᴴ‖₂ ≤ {:e}, each with probability ≥ 1 − {:e}",
            range_bound.to_f64(),
            spectral_bound.to_f64(),
            failure_probability.to_f64()
        ),
    };
    writeln!(rep, "error source     {source}")?;
    if o.in_core && !o.single_pass {
        // The same computation on the whole matrix in memory (loading is not timed).
        let a = f.view()?.to_owned();
        let mut b = ndfactor::RandomizedSvd::new(o.rank)
            .oversamples(o.oversample)
            .seed(o.seed);
        if let Some(q) = o.power_iters {
            b = b.power_iterations(q);
        }
        let s0 = Instant::now();
        let c = b.compute(&a)?;
        let core = s0.elapsed().as_secs_f64();
        let s1 = s.first().map_or(1.0, |x| x.to_f64()).max(f64::MIN_POSITIVE);
        let diff = s
            .iter()
            .zip(c.s())
            .map(|(x, y)| (x.to_f64() - y.to_f64()).abs() / s1)
            .fold(0.0f64, f64::max);
        writeln!(
            rep,
            "in-core time     {core:.3} s (streamed / in-core = {:.3})",
            total / core
        )?;
        writeln!(rep, "max |Δσᵢ|/σ₁     {diff:e} (streamed vs in-core)")?;
    }
    let tmp = o.out.join("report.txt.partial");
    std::fs::write(&tmp, &rep)?;
    std::fs::rename(&tmp, o.out.join("report.txt"))?;
    print!("{rep}");
    println!(
        "wrote U.npy, s.npy, Vt.npy, report.txt to {}",
        o.out.display()
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
    match NpyFile::<f64>::open(&o.input) {
        Ok(f) => run(&o, f),
        Err(Error::WrongDtype { .. }) => run(&o, NpyFile::<f32>::open(&o.input)?),
        Err(e) => Err(e.into()),
    }
}
