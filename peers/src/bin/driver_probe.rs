//! Interleaved probe of LAPACK drivers and blockings against ndfactor's choices and faer, one
//! thread: for the cases where faer leads single-threaded (SVD, QR and Eig at n ≈ 1024, LU and
//! Cholesky at n ≤ 128), which other driver, block size or code path might close the gap, and
//! where ndfactor's fixed cost goes at small n.
//!
//! Every contender factors the same input (copied into F order inside the timed call, as
//! ndfactor does) and its result is checked once before timing with a LAPACK-style test ratio
//! (reconstruction, orthogonality, eigen-residual or solve residual in units of `n·ε`), so no
//! fast-but-wrong path can win. Pieces of a call (the copy alone, the scan alone) are timed
//! without a check. Timing is [`ndfactor_peers::cli::probe`]: rounds of one call per contender
//! in rotating order; the report gives each median and the median of the per-round ratios
//! (first contender / this one) with its distribution-free 95% interval.
//!
//! `driver_probe [--ops svd_f64,svdvals_f64,qr_f64,eig_f64,lu_f64,cholesky_f64,...]
//!   [--shapes 1024x1024,4096x512] [--sizes 1024,2048] [--qr-shapes 2048x256,...]
//!   [--layouts F] [--budget 6]
//!   [--min-rounds 15] [--max-rounds 400] [--out target/ndfactor-peers/drivers.json]`
//!
//! `--shapes` is read by `svd`/`svdvals`, `--sizes` by the square operations, `--qr-shapes`
//! (tall, `m ≥ n`) by `qr` instead of `--sizes` when given. `qr_c32`/`qr_c64` compare
//! ndfactor, ?geqrf and ?geqrt by block size on complex Gaussian input. Run with
//! `OPENBLAS_NUM_THREADS=1`; faer runs with `Par::Seq`.

use std::cell::RefCell;
use std::hint::black_box;

use faer::linalg::solvers::Solve as _;
use faer::{Mat, MatRef, Par, Side};
use ndarray::{Array1, Array2, ShapeBuilder};
use ndfactor::{verify, Balance, Cholesky, Eig, EigVectors, Lu, Qr, Svd};
use ndfactor_peers::baseline::{self, col_major};
use ndfactor_peers::cli::{arg, loadavg, median, median_ci, probe, ratios, Call};
use ndfactor_peers::inputs::{self, in_layout, Layout};
use ndfactor_peers::lapack::drivers::{self, Drivers};
use ndfactor_peers::lapack::Real;
use num_complex::Complex;
use serde_json::json;

/// One contender: its timed call and, unless it is only a piece of a call, the check of its
/// result (a test ratio, to compare with `threshold`).
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn Fn() + 'a>,
    check: Option<Box<dyn Fn() -> f64 + 'a>>,
}

fn full<'a>(
    name: &'static str,
    run: impl Fn() + 'a,
    check: impl Fn() -> f64 + 'a,
) -> Contender<'a> {
    Contender {
        name,
        run: Box::new(run),
        check: Some(Box::new(check)),
    }
}

fn piece<'a>(name: &'static str, run: impl Fn() + 'a) -> Contender<'a> {
    Contender {
        name,
        run: Box::new(run),
        check: None,
    }
}

/// The input in faer's hands: a view of column-major storage (F order) or of the transpose of
/// row-major storage (C order), as in the criterion benchmarks.
struct FaerIn<T: faer::traits::ComplexField> {
    storage: Mat<T>,
    transposed: bool,
}

impl<T: faer::traits::ComplexField + Copy> FaerIn<T> {
    fn new(a: &Array2<T>, layout: Layout) -> Self {
        let (m, n) = a.dim();
        match layout {
            Layout::F => FaerIn {
                storage: Mat::from_fn(m, n, |i, j| a[(i, j)]),
                transposed: false,
            },
            Layout::C => FaerIn {
                storage: Mat::from_fn(n, m, |i, j| a[(j, i)]),
                transposed: true,
            },
        }
    }
    fn view(&self) -> MatRef<'_, T> {
        if self.transposed {
            self.storage.as_ref().transpose()
        } else {
            self.storage.as_ref()
        }
    }
}

fn nd<T: Copy>(m: MatRef<'_, T>) -> Array2<T> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// faer's calls, returned as ndarray values for the checks (the timed closures drop faer's own
/// outputs instead).
trait FaerOps: faer::traits::RealField + Copy + Sized {
    fn svd(a: MatRef<'_, Self>) -> (Array2<Self>, Array1<Self>, Array2<Self>);
    fn svd_run(a: MatRef<'_, Self>);
    fn values(a: MatRef<'_, Self>) -> Vec<Self>;
    fn qr(a: MatRef<'_, Self>) -> (Array2<Self>, Array2<Self>);
    fn qr_run(a: MatRef<'_, Self>);
    fn eigen(a: MatRef<'_, Self>) -> (Array1<Complex<Self>>, Array2<Complex<Self>>);
    fn eigen_run(a: MatRef<'_, Self>);
    fn lu_solve(a: MatRef<'_, Self>, b: &Array1<Self>) -> Array1<Self>;
    fn lu_run(a: MatRef<'_, Self>);
    fn llt_solve(a: MatRef<'_, Self>, b: &Array1<Self>) -> Array1<Self>;
    fn llt_run(a: MatRef<'_, Self>);
}

macro_rules! faer_ops {
    ($t:ty) => {
        impl FaerOps for $t {
            fn svd(a: MatRef<'_, $t>) -> (Array2<$t>, Array1<$t>, Array2<$t>) {
                let s = a.thin_svd().expect("faer thin_svd");
                let d = s.S().column_vector();
                let sv = Array1::from_shape_fn(d.nrows(), |i| d[i]);
                (nd(s.U()), sv, nd(s.V()).t().to_owned())
            }
            fn svd_run(a: MatRef<'_, $t>) {
                drop(black_box(a.thin_svd().expect("faer thin_svd")));
            }
            fn values(a: MatRef<'_, $t>) -> Vec<$t> {
                a.singular_values().expect("faer singular_values")
            }
            fn qr(a: MatRef<'_, $t>) -> (Array2<$t>, Array2<$t>) {
                let q = a.qr();
                (nd(q.compute_thin_Q().as_ref()), nd(q.thin_R()))
            }
            fn qr_run(a: MatRef<'_, $t>) {
                drop(black_box(a.qr()));
            }
            fn eigen(a: MatRef<'_, $t>) -> (Array1<Complex<$t>>, Array2<Complex<$t>>) {
                let e = a.eigen().expect("faer eigen");
                let d = e.S().column_vector();
                let l = Array1::from_shape_fn(d.nrows(), |i| Complex::new(d[i].re, d[i].im));
                let u = e.U();
                let v = Array2::from_shape_fn((u.nrows(), u.ncols()), |(i, j)| {
                    Complex::new(u[(i, j)].re, u[(i, j)].im)
                });
                (l, v)
            }
            fn eigen_run(a: MatRef<'_, $t>) {
                drop(black_box(a.eigen().expect("faer eigen")));
            }
            fn lu_solve(a: MatRef<'_, $t>, b: &Array1<$t>) -> Array1<$t> {
                let rhs = Mat::from_fn(b.len(), 1, |i, _| b[i]);
                let x = a.partial_piv_lu().solve(&rhs);
                Array1::from_shape_fn(b.len(), |i| x[(i, 0)])
            }
            fn lu_run(a: MatRef<'_, $t>) {
                drop(black_box(a.partial_piv_lu()));
            }
            fn llt_solve(a: MatRef<'_, $t>, b: &Array1<$t>) -> Array1<$t> {
                let rhs = Mat::from_fn(b.len(), 1, |i, _| b[i]);
                let x = a.llt(Side::Lower).expect("faer llt").solve(&rhs);
                Array1::from_shape_fn(b.len(), |i| x[(i, 0)])
            }
            fn llt_run(a: MatRef<'_, $t>) {
                drop(black_box(a.llt(Side::Lower).expect("faer llt")));
            }
        }
    };
}
faer_ops!(f32);
faer_ops!(f64);

/// The element types of the probe.
trait Elem: ndfactor::Scalar<Real = Self> + ndfactor::RealScalar + Drivers + FaerOps {}
impl Elem for f32 {}
impl Elem for f64 {}

fn eps<T: Elem>() -> f64 {
    <T as ndfactor::Scalar>::eps().into()
}

fn colmaj<T: Copy>(m: usize, n: usize, v: Vec<T>) -> Array2<T> {
    Array2::from_shape_vec((m, n).f(), v).expect("column-major buffer")
}

fn r64<T: Elem>(x: T) -> f64 {
    x.into()
}

// ----------------------------------------------------------------------------- checks

/// SVD: the larger of the reconstruction and the two orthogonality ratios.
fn svd_check<T: Elem>(a: &Array2<T>, u: &Array2<T>, s: &Array1<T>, vt: &Array2<T>) -> f64 {
    let r = r64(verify::svd_ratio(a, u, s, vt));
    let ou = r64(verify::orthogonality_ratio(u));
    let ov = r64(verify::orthogonality_ratio(&vt.t()));
    r.max(ou).max(ov)
}

/// Singular values against a reference: `max |σᵢ − σ̂ᵢ| / (σ₁·min(m, n)·ε)`.
fn values_check<T: Elem>(s: &[T], reference: &[T]) -> f64 {
    assert_eq!(s.len(), reference.len());
    let k = s.len() as f64;
    let s1 = r64(reference[0]);
    s.iter()
        .zip(reference)
        .map(|(&x, &y)| (r64(x) - r64(y)).abs() / (s1 * k * eps::<T>()))
        .fold(0.0, f64::max)
}

/// QR: the larger of `‖A − QR‖₁/(m‖A‖₁ε)` and `‖I − QᵀQ‖₁/(mε)`.
fn qr_check<T: Elem>(a: &Array2<T>, q: &Array2<T>, r: &Array2<T>) -> f64 {
    r64(verify::qr_ratio(a, q, r)).max(r64(verify::orthogonality_ratio(q)))
}

/// QR from compact Householder storage `f` (column-major `m×n`, `m ≥ n`) and τ: forms the thin
/// Q with ?orgqr and checks it.
fn compact_qr_check<T: Elem>(a: &Array2<T>, f: &[T], tau: &[T]) -> f64 {
    let (m, n) = a.dim();
    let r = Array2::from_shape_fn(
        (n, n),
        |(i, j)| {
            if i <= j {
                f[i + j * m]
            } else {
                T::of(0.0)
            }
        },
    );
    let mut qb = f.to_vec();
    assert_eq!(drivers::orgqr(m, n, &mut qb, tau), 0);
    qr_check(a, &colmaj(m, n, qb), &r)
}

/// Eig: LAPACK's dget22 ratio on the eigenpairs (LAPACK's packing turned complex).
fn eig_check<T: Elem>(a: &Array2<T>, out: &drivers::EigOut<T>) -> f64 {
    let n = a.nrows();
    let l = Array1::from_shape_fn(n, |i| Complex::new(out.wr[i], out.wi[i]));
    let mut v = Array2::<Complex<T>>::zeros((n, n));
    let mut j = 0;
    while j < n {
        // Exact: ?geev stores WI = 0 exactly for a real eigenvalue (and ±β for a pair).
        if r64(out.wi[j]) == 0.0 {
            for i in 0..n {
                v[(i, j)] = Complex::new(out.vr[i + j * n], T::of(0.0));
            }
            j += 1;
        } else {
            for i in 0..n {
                let (re, im) = (out.vr[i + j * n], out.vr[i + (j + 1) * n]);
                v[(i, j)] = Complex::new(re, im);
                v[(i, j + 1)] = Complex::new(re, T::of(-r64(im)));
            }
            j += 2;
        }
    }
    r64(verify::eig_ratio(a, &l, &v))
}

/// LU from ?getrf's packed output: `‖P·A − L·U‖₁/(n‖A‖₁ε)`.
fn getrf_check<T: Elem>(a: &Array2<T>, f: &[T], ipiv: &[i32]) -> f64 {
    let n = a.nrows();
    let mut pa = a.to_owned();
    for (i, &p) in ipiv.iter().enumerate() {
        let p = p as usize - 1;
        if p != i {
            for j in 0..n {
                pa.swap((i, j), (p, j));
            }
        }
    }
    let l = Array2::from_shape_fn((n, n), |(i, j)| match i.cmp(&j) {
        std::cmp::Ordering::Greater => f[i + j * n],
        std::cmp::Ordering::Equal => T::of(1.0),
        std::cmp::Ordering::Less => T::of(0.0),
    });
    let u = Array2::from_shape_fn(
        (n, n),
        |(i, j)| if i <= j { f[i + j * n] } else { T::of(0.0) },
    );
    r64(verify::reconstruction_ratio(&pa, &l.dot(&u), n))
}

/// Cholesky from ?potrf('L')'s packed output: `‖A − L·Lᵀ‖₁/(n‖A‖₁ε)`.
fn potrf_check<T: Elem>(a: &Array2<T>, f: &[T]) -> f64 {
    let n = a.nrows();
    let l = Array2::from_shape_fn(
        (n, n),
        |(i, j)| if i >= j { f[i + j * n] } else { T::of(0.0) },
    );
    r64(verify::reconstruction_ratio(a, &l.dot(&l.t()), n))
}

/// A solve's backward error `‖b − A·x‖₁/(‖A‖₁‖x‖₁·n·ε)`.
fn solve_check<T: Elem>(a: &Array2<T>, x: &Array1<T>, b: &Array1<T>) -> f64 {
    let n = a.nrows();
    let r = b - &a.dot(x);
    let rn: f64 = r.iter().map(|&v| r64(v).abs()).sum();
    let xn: f64 = x.iter().map(|&v| r64(v).abs()).sum();
    let an = (0..n)
        .map(|j| a.column(j).iter().map(|&v| r64(v).abs()).sum::<f64>())
        .fold(0.0, f64::max);
    rn / (an * xn * n as f64 * eps::<T>())
}

// ----------------------------------------------------------------------------- contenders

fn svd_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let gesdd = move || {
        let mut f = col_major(a.view());
        let (mut s, mut u, mut vt) = (
            vec![T::of(0.0); k],
            vec![T::of(0.0); m * k],
            vec![T::of(0.0); k * n],
        );
        assert_eq!(
            <T as Drivers>::gesdd_job(b'S', m, n, &mut f, &mut s, &mut u, m, &mut vt, k),
            0
        );
        (colmaj(m, k, u), Array1::from(s), colmaj(k, n, vt))
    };
    let gesvd = move || {
        let mut f = col_major(a.view());
        let (mut s, mut u, mut vt) = (
            vec![T::of(0.0); k],
            vec![T::of(0.0); m * k],
            vec![T::of(0.0); k * n],
        );
        assert_eq!(
            <T as Drivers>::gesvd(b'S', b'S', m, n, &mut f, &mut s, &mut u, m, &mut vt, k),
            0
        );
        (colmaj(m, k, u), Array1::from(s), colmaj(k, n, vt))
    };
    vec![
        full(
            "ndfactor",
            move || drop(black_box(Svd::new(a).unwrap())),
            move || {
                let d = Svd::new(a).unwrap();
                svd_check(a, &d.u().to_owned(), &d.s().to_owned(), &d.vt().to_owned())
            },
        ),
        full(
            "gesdd",
            move || drop(black_box(gesdd())),
            move || {
                let (u, s, vt) = gesdd();
                svd_check(a, &u, &s, &vt)
            },
        ),
        full(
            "gesvd",
            move || drop(black_box(gesvd())),
            move || {
                let (u, s, vt) = gesvd();
                svd_check(a, &u, &s, &vt)
            },
        ),
        full(
            "faer",
            move || T::svd_run(fa.view()),
            move || {
                let (u, s, vt) = T::svd(fa.view());
                svd_check(a, &u, &s, &vt)
            },
        ),
    ]
}

fn svdvals_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let reference: Vec<T> = Svd::new(a).unwrap().s().to_vec();
    let (r1, r2, r3, r4) = (
        reference.clone(),
        reference.clone(),
        reference.clone(),
        reference,
    );
    let run = move |job: u8| {
        let mut f = col_major(a.view());
        let mut s = vec![T::of(0.0); k];
        let (mut u, mut vt) = ([T::of(0.0)], [T::of(0.0)]);
        let info = if job == b'D' {
            <T as Drivers>::gesdd_job(b'N', m, n, &mut f, &mut s, &mut u, 1, &mut vt, 1)
        } else {
            <T as Drivers>::gesvd(b'N', b'N', m, n, &mut f, &mut s, &mut u, 1, &mut vt, 1)
        };
        assert_eq!(info, 0);
        s
    };
    vec![
        full(
            "ndfactor",
            move || drop(black_box(Svd::values(a).unwrap())),
            move || values_check(&Svd::values(a).unwrap().to_vec(), &r1),
        ),
        full(
            "gesdd-N",
            move || drop(black_box(run(b'D'))),
            move || values_check(&run(b'D'), &r2),
        ),
        full(
            "gesvd-NN",
            move || drop(black_box(run(b'V'))),
            move || values_check(&run(b'V'), &r3),
        ),
        full(
            "faer",
            move || drop(black_box(T::values(fa.view()))),
            move || values_check(&T::values(fa.view()), &r4),
        ),
    ]
}

fn qr_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let geqrt = move |nb: usize| {
        let mut f = col_major(a.view());
        let mut t = vec![T::of(0.0); nb * k];
        assert_eq!(<T as Drivers>::geqrt(m, n, nb, &mut f, &mut t), 0);
        let tau: Vec<T> = (0..k).map(|i| t[i % nb + i * nb]).collect();
        (f, tau)
    };
    let geqrt3 = move || {
        let mut f = col_major(a.view());
        let mut t = vec![T::of(0.0); n * n];
        assert_eq!(<T as Drivers>::geqrt3(m, n, &mut f, &mut t), 0);
        let tau: Vec<T> = (0..n).map(|i| t[i + i * n]).collect();
        (f, tau)
    };
    let mut v = vec![
        full(
            "ndfactor",
            move || drop(black_box(Qr::new(a).unwrap())),
            move || {
                let q = Qr::new(a).unwrap();
                qr_check(a, &q.q(), &q.r())
            },
        ),
        full(
            "geqrf",
            move || drop(black_box(baseline::qr(a.view()))),
            move || {
                let (f, tau) = baseline::qr(a.view());
                compact_qr_check(a, &f, &tau)
            },
        ),
    ];
    if k <= 256 {
        // Small orders: no workspace query (LWORK = 32·n, ILAENV's block size times n), and
        // the unblocked routine.
        let noquery = move |unblocked: bool| {
            let mut f = col_major(a.view());
            let mut tau = vec![T::of(0.0); k];
            let info = if unblocked {
                <T as Drivers>::geqr2(m, n, &mut f, &mut tau)
            } else {
                <T as Drivers>::geqrf_lwork(m, n, &mut f, &mut tau, 32 * n)
            };
            assert_eq!(info, 0);
            (f, tau)
        };
        v.push(full(
            "geqrf-noquery",
            move || drop(black_box(noquery(false))),
            move || {
                let (f, tau) = noquery(false);
                compact_qr_check(a, &f, &tau)
            },
        ));
        v.push(full(
            "geqr2",
            move || drop(black_box(noquery(true))),
            move || {
                let (f, tau) = noquery(true);
                compact_qr_check(a, &f, &tau)
            },
        ));
    }
    for (name, nb) in [
        ("geqrt-32", 32),
        ("geqrt-64", 64),
        ("geqrt-128", 128),
        ("geqrt-256", 256),
    ] {
        if nb <= k {
            v.push(full(
                name,
                move || drop(black_box(geqrt(nb))),
                move || {
                    let (f, tau) = geqrt(nb);
                    compact_qr_check(a, &f, &tau)
                },
            ));
        }
    }
    v.push(full(
        "geqrt3",
        move || drop(black_box(geqrt3())),
        move || {
            let (f, tau) = geqrt3();
            compact_qr_check(a, &f, &tau)
        },
    ));
    v.push(full(
        "faer",
        move || T::qr_run(fa.view()),
        move || {
            let (q, r) = T::qr(fa.view());
            qr_check(a, &q, &r)
        },
    ));
    v
}

fn eig_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let n = a.nrows();
    let composed = move |bal: u8| {
        let mut f = col_major(a.view());
        let (out, info) = <T as Drivers>::geev_composed(n, &mut f, bal);
        assert_eq!(info, 0);
        out
    };
    let geev = move || {
        let (wr, wi, vr) = baseline::eig(a.view());
        drivers::EigOut { wr, wi, vr }
    };
    let nd_check = |e: &Eig<T>| r64(verify::eig_ratio(a, &e.values(), &e.vectors()));
    vec![
        full(
            "ndfactor",
            move || drop(black_box(Eig::new(a).unwrap())),
            move || nd_check(&Eig::new(a).unwrap()),
        ),
        full(
            "nd-nobal",
            move || {
                drop(black_box(
                    Eig::with_balance(a, EigVectors::Right, Balance::None).unwrap(),
                ))
            },
            move || nd_check(&Eig::with_balance(a, EigVectors::Right, Balance::None).unwrap()),
        ),
        full(
            "geev",
            move || drop(black_box(geev())),
            move || eig_check(a, &geev()),
        ),
        full(
            "composed-B",
            move || drop(black_box(composed(b'B'))),
            move || eig_check(a, &composed(b'B')),
        ),
        full(
            "composed-N",
            move || drop(black_box(composed(b'N'))),
            move || eig_check(a, &composed(b'N')),
        ),
        full(
            "faer",
            move || T::eigen_run(fa.view()),
            move || {
                let (l, v) = T::eigen(fa.view());
                r64(verify::eig_ratio(a, &l, &v))
            },
        ),
    ]
}

/// LU at small n, with the pieces of ndfactor's call: `copy` (into a buffer allocated once),
/// `scan` (one pass over the input: finiteness and column sums, as ndfactor's copy does),
/// `copy+getrf`/`copy+getrf2`/`copy+getf2` (no allocation), `baseline` (allocation, copy,
/// ?getrf).
fn lu_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let n = a.nrows();
    let b = Array1::from_shape_fn(n, |i| T::of(1.0 + i as f64 / n as f64));
    let (b1, b2) = (b.clone(), b);
    let buf = RefCell::new(vec![T::of(0.0); n * n]);
    let ipiv = RefCell::new(vec![0i32; n]);
    let fill = move |dst: &mut [T]| {
        if let Some(s) = a.t().as_slice() {
            dst.copy_from_slice(s);
        } else {
            let s = a.as_slice().expect("contiguous");
            ndfactor::layout::transpose_into(s, (n, n), dst);
        }
    };
    let (buf, ipiv) = (std::rc::Rc::new(buf), std::rc::Rc::new(ipiv));
    let (bc, bg, bg2, bg3) = (buf.clone(), buf.clone(), buf.clone(), buf);
    let (ic, ic2, ic3) = (ipiv.clone(), ipiv.clone(), ipiv);
    vec![
        full(
            "ndfactor",
            move || drop(black_box(Lu::new(a).unwrap())),
            move || r64(verify::lu_ratio(a, &Lu::new(a).unwrap())),
        ),
        full(
            "baseline",
            move || drop(black_box(baseline::lu(a.view()))),
            move || {
                let (f, p, _) = baseline::lu(a.view());
                getrf_check(a, &f, &p)
            },
        ),
        full(
            "copy+getrf",
            move || {
                let (mut f, mut p) = (bg.borrow_mut(), ic.borrow_mut());
                fill(&mut f);
                black_box(<T as Real>::getrf(n, n, &mut f, &mut p));
            },
            move || {
                let mut f = col_major(a.view());
                let mut p = vec![0; n];
                <T as Real>::getrf(n, n, &mut f, &mut p);
                getrf_check(a, &f, &p)
            },
        ),
        full(
            "copy+getrf2",
            move || {
                let (mut f, mut p) = (bg2.borrow_mut(), ic2.borrow_mut());
                fill(&mut f);
                black_box(<T as Drivers>::getrf2(n, n, &mut f, &mut p));
            },
            move || {
                let mut f = col_major(a.view());
                let mut p = vec![0; n];
                assert_eq!(<T as Drivers>::getrf2(n, n, &mut f, &mut p), 0);
                getrf_check(a, &f, &p)
            },
        ),
        full(
            "copy+getf2",
            move || {
                let (mut f, mut p) = (bg3.borrow_mut(), ic3.borrow_mut());
                fill(&mut f);
                black_box(<T as Drivers>::getf2(n, n, &mut f, &mut p));
            },
            move || {
                let mut f = col_major(a.view());
                let mut p = vec![0; n];
                assert_eq!(<T as Drivers>::getf2(n, n, &mut f, &mut p), 0);
                getrf_check(a, &f, &p)
            },
        ),
        piece("copy", move || {
            fill(&mut bc.borrow_mut());
            black_box(&bc);
        }),
        piece("scan", move || {
            black_box(scan(a));
        }),
        full(
            "faer",
            move || T::lu_run(fa.view()),
            move || {
                let x = T::lu_solve(fa.view(), &b1);
                solve_check(a, &x, &b2)
            },
        ),
    ]
}

/// One pass over `a` in memory order: whether every entry is finite and the largest column
/// sum of magnitudes (the kind of work ndfactor's checked copy adds).
fn scan<T: Elem>(a: &Array2<T>) -> (bool, f64) {
    let n = a.ncols();
    let s = a.as_slice_memory_order().expect("contiguous");
    let f_order = a.t().as_slice().is_some();
    let mut sums = vec![0.0f64; n];
    let mut nonfinite = 0.0f64;
    for (idx, &x) in s.iter().enumerate() {
        let x = r64(x);
        nonfinite += 0.0 * x;
        sums[if f_order { idx / a.nrows() } else { idx % n }] += x.abs();
    }
    // Exact: 0·x is 0 for every finite x and NaN for ±∞ or NaN, so the sum is 0 iff all finite.
    (nonfinite == 0.0, sums.into_iter().fold(0.0, f64::max))
}

fn cholesky_contenders<'a, T: Elem>(a: &'a Array2<T>, fa: &'a FaerIn<T>) -> Vec<Contender<'a>> {
    let n = a.nrows();
    let b = Array1::from_shape_fn(n, |i| T::of(1.0 + i as f64 / n as f64));
    let (b1, b2) = (b.clone(), b);
    let buf = std::rc::Rc::new(RefCell::new(vec![T::of(0.0); n * n]));
    let fill = move |dst: &mut [T]| {
        if let Some(s) = a.t().as_slice() {
            dst.copy_from_slice(s);
        } else {
            let s = a.as_slice().expect("contiguous");
            ndfactor::layout::transpose_into(s, (n, n), dst);
        }
    };
    let (bc, bp, bp2, bp3) = (buf.clone(), buf.clone(), buf.clone(), buf);
    vec![
        full(
            "ndfactor",
            move || drop(black_box(Cholesky::new(a).unwrap())),
            move || r64(verify::cholesky_ratio(a, &Cholesky::new(a).unwrap())),
        ),
        full(
            "baseline",
            move || drop(black_box(baseline::cholesky(a.view()))),
            move || potrf_check(a, &baseline::cholesky(a.view()).0),
        ),
        full(
            "copy+potrf",
            move || {
                let mut f = bp.borrow_mut();
                fill(&mut f);
                black_box(<T as Real>::potrf(n, &mut f));
            },
            move || {
                let mut f = col_major(a.view());
                assert_eq!(<T as Real>::potrf(n, &mut f), 0);
                potrf_check(a, &f)
            },
        ),
        full(
            "copy+potrf2",
            move || {
                let mut f = bp2.borrow_mut();
                fill(&mut f);
                black_box(<T as Drivers>::potrf2(n, &mut f));
            },
            move || {
                let mut f = col_major(a.view());
                assert_eq!(<T as Drivers>::potrf2(n, &mut f), 0);
                potrf_check(a, &f)
            },
        ),
        full(
            "copy+potf2",
            move || {
                let mut f = bp3.borrow_mut();
                fill(&mut f);
                black_box(<T as Drivers>::potf2(n, &mut f));
            },
            move || {
                let mut f = col_major(a.view());
                assert_eq!(<T as Drivers>::potf2(n, &mut f), 0);
                potrf_check(a, &f)
            },
        ),
        piece("copy", move || {
            fill(&mut bc.borrow_mut());
            black_box(&bc);
        }),
        full(
            "faer",
            move || T::llt_run(fa.view()),
            move || {
                let x = T::llt_solve(fa.view(), &b1);
                solve_check(a, &x, &b2)
            },
        ),
    ]
}

/// Complex QR (`qr_c32`, `qr_c64`): ndfactor, ?geqrf and ?geqrt by block size, each checked
/// through ?ungqr.
fn complex_qr_contenders<'a, T>(a: &'a Array2<T>) -> Vec<Contender<'a>>
where
    T: ndfactor::Scalar + drivers::ComplexQr,
{
    let (m, n) = a.dim();
    let k = m.min(n);
    let copy = move || {
        let mut f = Array2::<T>::zeros((m, n).f());
        f.assign(a);
        f.into_raw_vec_and_offset().0
    };
    let check = move |mut f: Vec<T>, tau: Vec<T>| {
        let r = Array2::from_shape_fn(
            (n, n),
            |(i, j)| if i <= j { f[i + j * m] } else { T::zero() },
        );
        assert_eq!(T::ungqr(m, n, &mut f, &tau), 0);
        let q = colmaj(m, n, f);
        r64c::<T>(verify::qr_ratio(a, &q, &r)).max(r64c::<T>(verify::orthogonality_ratio(&q)))
    };
    let geqrt = move |nb: usize| {
        let mut f = copy();
        let mut t = vec![T::zero(); nb * k];
        assert_eq!(
            <T as drivers::ComplexQr>::geqrt(m, n, nb, &mut f, &mut t),
            0
        );
        let tau: Vec<T> = (0..k).map(|i| t[i % nb + i * nb]).collect();
        (f, tau)
    };
    let geqrf = move || {
        let mut f = copy();
        let mut tau = vec![T::zero(); k];
        assert_eq!(<T as drivers::ComplexQr>::geqrf(m, n, &mut f, &mut tau), 0);
        (f, tau)
    };
    let mut v = vec![
        full(
            "ndfactor",
            move || drop(black_box(Qr::new(a).unwrap())),
            move || {
                let q = Qr::new(a).unwrap();
                r64c::<T>(verify::qr_ratio(a, &q.q(), &q.r()))
                    .max(r64c::<T>(verify::orthogonality_ratio(&q.q())))
            },
        ),
        full(
            "geqrf",
            move || drop(black_box(geqrf())),
            move || {
                let (f, tau) = geqrf();
                check(f, tau)
            },
        ),
    ];
    for (name, nb) in [("geqrt-32", 32), ("geqrt-64", 64), ("geqrt-128", 128)] {
        if nb <= k {
            v.push(full(
                name,
                move || drop(black_box(geqrt(nb))),
                move || {
                    let (f, tau) = geqrt(nb);
                    check(f, tau)
                },
            ));
        }
    }
    v
}

fn r64c<T: ndfactor::Scalar>(x: T::Real) -> f64 {
    ndfactor::RealScalar::to_f64(x)
}

/// The test-ratio threshold of an operation (LAPACK's test thresholds, as in `verify`).
fn threshold(op: &str) -> f64 {
    match op {
        "svd" | "svdvals" => verify::SVD_THRESHOLD,
        "eig" => verify::SCHUR_THRESHOLD,
        _ => verify::LIN_THRESHOLD,
    }
}

struct Case {
    op: String,
    ty: String,
    m: usize,
    n: usize,
    layout: Layout,
}

fn run_case<T: Elem>(case: &Case, a: &Array2<T>, opts: &Opts) -> serde_json::Value {
    let fa = FaerIn::new(a, case.layout);
    let cs = match case.op.as_str() {
        "svd" => svd_contenders(a, &fa),
        "svdvals" => svdvals_contenders(a, &fa),
        "qr" => qr_contenders(a, &fa),
        "eig" => eig_contenders(a, &fa),
        "lu" => lu_contenders(a, &fa),
        "cholesky" => cholesky_contenders(a, &fa),
        other => panic!("unknown operation {other}"),
    };
    measure(case, cs, opts)
}

/// Checks every contender once, then times them all interleaved; one JSON row.
fn measure(case: &Case, cs: Vec<Contender<'_>>, opts: &Opts) -> serde_json::Value {
    let thr = threshold(&case.op);
    let mut checks = serde_json::Map::new();
    for c in &cs {
        if let Some(check) = &c.check {
            let r = check();
            assert!(
                r.is_finite() && r < thr,
                "{} {} {}×{}: {} fails its check, ratio {r} ≥ {thr}",
                case.op,
                case.ty,
                case.m,
                case.n,
                c.name
            );
            checks.insert(c.name.into(), json!(r));
        }
    }
    let calls: Vec<Call<'_>> = cs.into_iter().map(|c| (c.name, c.run)).collect();
    let times = probe(&calls, opts.budget, opts.min_rounds, opts.max_rounds);
    let rounds = times[0].len();
    let shape = format!("{}x{}", case.m, case.n);
    let mut row = json!({
        "op": format!("{}_{}", case.op, case.ty), "shape": shape, "layout": case.layout.name(),
        "rounds": rounds, "median_s": {}, "ratio": {}, "check": checks,
    });
    let mut line = format!(
        "{}_{} {shape} {} rounds={rounds}:",
        case.op,
        case.ty,
        case.layout.name()
    );
    for (i, (name, _)) in calls.iter().enumerate() {
        let med = median(&times[i]);
        row["median_s"][*name] = json!(med);
        line += &format!("\n  {name:<12} {:>10.4e} s", med);
        if i > 0 {
            let r = ratios(&times[0], &times[i]);
            let (lo, hi) = median_ci(&r);
            let m = median(&r);
            row["ratio"][*name] = json!({ "median": m, "ci95": [lo, hi] });
            line += &format!("  {}/{name} = {m:.3} [{lo:.3}, {hi:.3}]", calls[0].0);
        }
        if let Some(r) = row["check"].get(*name) {
            line += &format!("  check {:.2}", r.as_f64().unwrap_or(f64::NAN));
        }
    }
    eprintln!("{line}");
    row
}

struct Opts {
    budget: f64,
    min_rounds: usize,
    max_rounds: usize,
}

fn input(op: &str, m: usize, n: usize) -> Array2<f64> {
    let seed = 2000 + (m * 7 + n) as u64;
    match op {
        "cholesky" => inputs::spd(n, seed),
        _ if m == n => inputs::general(n, seed),
        _ => ndfactor::testing::gaussian(m, n, &mut ndfactor::testing::rng(seed)),
    }
}

fn main() {
    faer::set_global_parallelism(Par::Seq);
    let args: Vec<String> = std::env::args().collect();
    let ops = arg(
        &args,
        "--ops",
        "svd_f64,svdvals_f64,qr_f64,eig_f64,lu_f64,cholesky_f64",
    )
    .to_string();
    let list = |name: &str, default: &str| -> Vec<String> {
        arg(&args, name, default)
            .split(',')
            .map(|s| s.trim().to_string())
            .collect()
    };
    let shapes: Vec<(usize, usize)> = list("--shapes", "1024x1024,4096x512")
        .iter()
        .map(|s| {
            let (m, n) = s.split_once('x').expect("--shapes: MxN");
            (m.parse().expect("M"), n.parse().expect("N"))
        })
        .collect();
    let qr_shapes: Vec<(usize, usize)> = list("--qr-shapes", "")
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (m, n) = s.split_once('x').expect("--qr-shapes: MxN");
            (m.parse().expect("M"), n.parse().expect("N"))
        })
        .collect();
    let sizes: Vec<usize> = list("--sizes", "")
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("--sizes: integers"))
        .collect();
    let layouts: Vec<Layout> = list("--layouts", "F")
        .iter()
        .map(|l| match l.as_str() {
            "C" => Layout::C,
            "F" => Layout::F,
            other => panic!("--layouts: C and/or F, not {other}"),
        })
        .collect();
    let opts = Opts {
        budget: arg(&args, "--budget", "6")
            .parse()
            .expect("--budget seconds"),
        min_rounds: arg(&args, "--min-rounds", "15")
            .parse()
            .expect("--min-rounds"),
        max_rounds: arg(&args, "--max-rounds", "400")
            .parse()
            .expect("--max-rounds"),
    };
    let out = arg(&args, "--out", "target/ndfactor-peers/drivers.json").to_string();
    let load_before = loadavg();
    let mut rows = Vec::new();
    for op_ty in ops.split(',') {
        let (op, ty) = op_ty.split_once('_').expect("op_type, e.g. qr_f64");
        let dims: Vec<(usize, usize)> = match op {
            "svd" | "svdvals" => shapes.clone(),
            "qr" if !qr_shapes.is_empty() => qr_shapes.clone(),
            _ => {
                let d: &[usize] = match op {
                    "qr" => &[1024, 2048],
                    "eig" => &[256, 1024],
                    _ => &[32, 64, 128],
                };
                let s = if sizes.is_empty() {
                    d.to_vec()
                } else {
                    sizes.clone()
                };
                s.into_iter().map(|n| (n, n)).collect()
            }
        };
        for &(m, n) in &dims {
            for &layout in &layouts {
                let a64 = in_layout(&input(op, m, n), layout);
                let case = Case {
                    op: op.into(),
                    ty: ty.into(),
                    m,
                    n,
                    layout,
                };
                let row = match ty {
                    "c64" | "c32" => {
                        assert_eq!(op, "qr", "complex types: qr only");
                        let seed = 3000 + (m * 7 + n) as u64;
                        let im: Array2<f64> =
                            ndfactor::testing::gaussian(m, n, &mut ndfactor::testing::rng(seed));
                        let z = Array2::from_shape_fn((m, n), |(i, j)| {
                            Complex::new(a64[(i, j)], im[(i, j)])
                        });
                        if ty == "c64" {
                            let z = in_layout(&z, layout);
                            measure(&case, complex_qr_contenders(&z), &opts)
                        } else {
                            let z = in_layout(
                                &z.mapv(|c| Complex::new(c.re as f32, c.im as f32)),
                                layout,
                            );
                            measure(&case, complex_qr_contenders(&z), &opts)
                        }
                    }
                    "f64" => run_case(&case, &a64, &opts),
                    "f32" => run_case(&case, &in_layout(&a64.mapv(|x| x as f32), layout), &opts),
                    other => panic!("unknown type {other}"),
                };
                rows.push(row);
            }
        }
    }
    let doc = json!({
        "budget_s": opts.budget,
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
        "rows": rows,
    });
    if let Some(dir) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(dir).expect("create the output directory");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).expect("write the JSON");
    eprintln!("wrote {out}");
}
