//! Factorization benchmarks: ndfactor against a hand-written LAPACK baseline (copy to F order +
//! the raw routine with a workspace query), ndarray-linalg, faer (sequential) and nalgebra, on
//! the same matrices, in C and F order. Run through `scripts/bench.sh` (one BLAS thread).
//!
//! Group `<op>_<type>_<layout>`, function = contender, parameter = n.

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};
use faer::{Mat, MatRef, Par, Side};
use nalgebra::DMatrix;
use ndarray::Array2;
use ndarray_linalg::{
    Eig as _, Eigh as _, Factorize as _, FactorizeH as _, JobSvd, QR as _, SVDDC as _, UPLO,
};
use ndfactor::{Cholesky, Eig, Ldlt, Lu, Qr, Schur, Svd, SymmetricEigen};
use ndfactor_peers::inputs::{self, in_layout, Layout};
use ndfactor_peers::{baseline, quick, sizes};

/// The input in faer's hands: a view of column-major storage for F order, of row-major storage
/// (the transpose of a column-major matrix) for C order. No copy either way.
struct FaerInput<T: faer::traits::ComplexField> {
    storage: Mat<T>,
    layout: Layout,
}

impl<T: faer::traits::ComplexField + Copy> FaerInput<T> {
    fn new(a: &Array2<T>, layout: Layout) -> Self {
        let (m, n) = a.dim();
        let storage = match layout {
            Layout::F => Mat::from_fn(m, n, |i, j| a[(i, j)]),
            Layout::C => Mat::from_fn(n, m, |i, j| a[(j, i)]),
        };
        FaerInput { storage, layout }
    }

    fn view(&self) -> MatRef<'_, T> {
        match self.layout {
            Layout::F => self.storage.as_ref(),
            Layout::C => self.storage.as_ref().transpose(),
        }
    }
}

fn nalgebra_of<T: nalgebra::Scalar + Copy>(a: &Array2<T>) -> DMatrix<T> {
    DMatrix::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)])
}

/// Timing budget per size: short, and flat sampling for the slow sizes.
fn configure(g: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>, n: usize) {
    g.sample_size(10);
    if quick() {
        g.warm_up_time(Duration::from_millis(100));
        g.measurement_time(Duration::from_millis(400));
    } else {
        g.warm_up_time(Duration::from_millis(300));
        g.measurement_time(Duration::from_secs(match n {
            0..=256 => 1,
            257..=1024 => 3,
            _ => 5,
        }));
    }
    if n >= 1024 {
        g.sampling_mode(SamplingMode::Flat);
    }
}

/// The input matrix of each operation.
#[derive(Clone, Copy)]
enum Input {
    General,
    Symmetric,
    Spd,
}

fn input(kind: Input, n: usize) -> Array2<f64> {
    let seed = 1000 + n as u64;
    match kind {
        Input::General => inputs::general(n, seed),
        Input::Symmetric => inputs::symmetric(n, seed),
        Input::Spd => inputs::spd(n, seed),
    }
}

/// Runs one operation for every size and layout. Each contender closure gets the prepared
/// input (ndarray in the layout, faer view in the layout, nalgebra matrix) and returns something
/// that is passed to `black_box`. nalgebra is column-major only: it runs in the F group, n ≤ 1024.
macro_rules! bench_op {
    ($c:expr, $name:expr, $ty:ty, $kind:expr, $max:expr,
     nd: |$a:ident| $nd:expr,
     base: |$ab:ident| $base:expr,
     linalg: $linalg:expr,
     faer: $faer:expr,
     nalgebra: $nalg:expr $(,)?) => {{
        for layout in Layout::BOTH {
            let mut g = $c.benchmark_group(format!("{}_{}", $name, layout.name()));
            for n in sizes($max) {
                configure(&mut g, n);
                let a64 = input($kind, n);
                let a: Array2<$ty> = in_layout(&a64.mapv(|x| x as $ty), layout);
                g.bench_with_input(BenchmarkId::new("ndfactor", n), &a, |b, $a| b.iter(|| $nd));
                g.bench_with_input(BenchmarkId::new("baseline", n), &a, |b, $ab| {
                    b.iter(|| $base)
                });
                let linalg: Option<fn(&Array2<$ty>)> = $linalg;
                if let Some(f) = linalg {
                    g.bench_with_input(BenchmarkId::new("ndarray-linalg", n), &a, |b, a| {
                        b.iter(|| f(a))
                    });
                }
                let faer_fn: Option<fn(MatRef<'_, $ty>)> = $faer;
                if let Some(f) = faer_fn {
                    let fa = FaerInput::new(&a, layout);
                    g.bench_with_input(BenchmarkId::new("faer", n), &fa, |b, fa| {
                        b.iter(|| f(fa.view()))
                    });
                }
                let nalg_fn: Option<fn(DMatrix<$ty>)> = $nalg;
                if let (Some(f), Layout::F, true) = (nalg_fn, layout, n <= 1024) {
                    let m = nalgebra_of(&a);
                    // nalgebra's decompositions consume their input: the clone is the copy the
                    // other contenders make too.
                    g.bench_with_input(BenchmarkId::new("nalgebra", n), &m, |b, m| {
                        b.iter(|| f(m.clone()))
                    });
                }
            }
            g.finish();
        }
    }};
}

fn lu(c: &mut Criterion) {
    bench_op!(c, "lu_f64", f64, Input::General, 2048,
        nd: |a| Lu::new(a).unwrap(),
        base: |a| baseline::lu(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.factorize().unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.partial_piv_lu()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.lu()); }),
    );
    bench_op!(c, "lu_f32", f32, Input::General, 2048,
        nd: |a| Lu::new(a).unwrap(),
        base: |a| baseline::lu(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.factorize().unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.partial_piv_lu()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.lu()); }),
    );
}

fn cholesky(c: &mut Criterion) {
    bench_op!(c, "cholesky_f64", f64, Input::Spd, 2048,
        nd: |a| Cholesky::new(a).unwrap(),
        base: |a| baseline::cholesky(a.view()),
        linalg: Some(|a| { std::hint::black_box(ndarray_linalg::Cholesky::cholesky(&**a, UPLO::Lower).unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.llt(Side::Lower).unwrap()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.cholesky().unwrap()); }),
    );
}

fn ldlt(c: &mut Criterion) {
    bench_op!(c, "ldlt_f64", f64, Input::Symmetric, 1024,
        nd: |a| Ldlt::new(a).unwrap(),
        base: |a| baseline::ldlt(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.factorizeh().unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.lblt(Side::Lower)); }),
        nalgebra: None, // LBLᵀ arrived in nalgebra 0.35; the peers use 0.34
    );
}

fn qr(c: &mut Criterion) {
    bench_op!(c, "qr_f64", f64, Input::General, 2048,
        nd: |a| Qr::new(a).unwrap(),
        base: |a| baseline::qr(a.view()),
        // ndarray-linalg's qr() also forms Q explicitly (?orgqr): it does more work.
        linalg: Some(|a| { std::hint::black_box(a.qr().unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.qr()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.qr()); }),
    );
}

fn svd(c: &mut Criterion) {
    bench_op!(c, "svd_f64", f64, Input::General, 1024,
        nd: |a| Svd::new(a).unwrap(),
        base: |a| baseline::svd(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.svddc(JobSvd::Some).unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.thin_svd().unwrap()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.svd(true, true)); }),
    );
    bench_op!(c, "svd_f32", f32, Input::General, 1024,
        nd: |a| Svd::new(a).unwrap(),
        base: |a| baseline::svd(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.svddc(JobSvd::Some).unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.thin_svd().unwrap()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.svd(true, true)); }),
    );
}

fn eigh(c: &mut Criterion) {
    bench_op!(c, "eigh_f64", f64, Input::Symmetric, 1024,
        nd: |a| SymmetricEigen::new(a).unwrap(),
        base: |a| baseline::eigh(a.view()),
        // ndarray-linalg calls ?syev (QR iteration), not ?syevd.
        linalg: Some(|a| { std::hint::black_box(a.eigh(UPLO::Lower).unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.self_adjoint_eigen(Side::Lower).unwrap()); }),
        nalgebra: Some(|m| { std::hint::black_box(m.symmetric_eigen()); }),
    );
}

fn eig(c: &mut Criterion) {
    bench_op!(c, "eig_f64", f64, Input::General, 1024,
        nd: |a| Eig::new(a).unwrap(),
        base: |a| baseline::eig(a.view()),
        linalg: Some(|a| { std::hint::black_box(a.eig().unwrap()); }),
        faer: Some(|a| { std::hint::black_box(a.eigen().unwrap()); }),
        nalgebra: None, // no general eigenvectors in nalgebra (eigenvalues only, via Schur)
    );
}

fn schur(c: &mut Criterion) {
    bench_op!(c, "schur_f64", f64, Input::General, 1024,
        nd: |a| Schur::new(a).unwrap(),
        base: |a| baseline::schur(a.view()),
        linalg: None, // ndarray-linalg has no Schur decomposition
        faer: None,   // faer has no public Schur decomposition
        nalgebra: Some(|m| { std::hint::black_box(m.schur()); }),
    );
}

fn setup(c: &mut Criterion) {
    faer::set_global_parallelism(Par::Seq);
    let _ = c;
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = setup, lu, cholesky, ldlt, qr, svd, eigh, eig, schur
}
criterion_main!(benches);
