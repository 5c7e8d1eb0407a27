//! Byte-driven harness shared by the cargo-fuzz targets (`fuzz/fuzz_targets/*.rs`, which include
//! this file by path) and the in-tree proptest `tests/fuzz_props.rs`.
//!
//! The bytes choose a scalar type, an operation, a shape (including 0), a memory layout (C, F,
//! padded, transposed, stepped, negative strides, zero-stride broadcasts) and the values (small
//! integers/16, NaN, ±∞, ±0, subnormals, ±1e±300, the largest and smallest normals, optionally
//! scaled by 2^±1000). Every operation is run on the view and on a standard-layout copy.
//!
//! Oracles (any violation panics, which libFuzzer and proptest report):
//! * P1 classification: input that holds NaN/∞ where the routine reads is `Err(NonFinite)` at a
//!   position that really holds a non-finite value; finite input is never `Err(NonFinite)`.
//! * P2 layout invariance: the result for the view is bitwise the result for the copy, except
//!   for the solve-only entry points `auto::{solve, inv, det}`, which factor C-order input as
//!   it lies and agree with other layouts to within LAPACK's error bounds
//!   ([`compare_solve_only`]).
//! * P3 the parent buffer around the view (filled with a sentinel NaN) is unchanged.
//! * Ok results: every factor is finite, and for inputs of moderate magnitude LAPACK's
//!   backward-error ratios ([`ndfactor::verify`]) stay below 10× LAPACK's thresholds.
//! * No panic in the library (the harness runs every call directly; a library panic is a
//!   finding), no hang (libFuzzer `-timeout`, nextest's slow-timeout).
#![allow(dead_code)]

use ndarray::{s, Array1, Array2, ArrayView2, ShapeBuilder};
use ndfactor::{
    verify, Balance, Cholesky, ColPivQr, Eig, EigVectors, Error, Ldlt, Lu, Pca, Qr, RandomizedSvd,
    Rank, RealScalar, Scalar, Schur, Svd, SymmetricEigen, Uplo,
};
use num_complex::Complex;

/// Largest dimension the harness builds.
pub const MAX_DIM: usize = 28;

/// Reads bytes; past the end it yields a fixed pattern, so every input decodes.
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data, pos: 0 }
    }
    pub fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(
            // deterministic filler: a slowly varying small value
            (self.pos as u8).wrapping_mul(37).wrapping_add(11) % 200,
        );
        self.pos += 1;
        b
    }
    pub fn dim(&mut self) -> usize {
        let b = self.byte();
        // Small sizes are the interesting ones; sometimes cross LAPACK's 25/26 switch.
        match b % 16 {
            0 => 0,
            1..=8 => (b % 16) as usize,
            9..=13 => (b as usize) % (MAX_DIM + 1),
            14 => 25 + (b as usize / 16) % 2,
            _ => 1,
        }
    }
}

/// Special values the fuzzer can place anywhere.
const SPECIAL: [f64; 20] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    5e-324,
    1e-310,
    f64::MIN_POSITIVE,
    1e-300,
    -1e-300,
    1e300,
    -1e300,
    f64::MAX,
    f64::MIN,
    1e154,
    1e-154,
    1.0,
    -1.0,
    1e-8,
    1e8,
];

/// One real value from one byte: 0..200 are small multiples of 1/16, the rest special values.
pub fn value(b: u8) -> f64 {
    if b < 200 {
        (b as f64 - 100.0) / 16.0
    } else {
        SPECIAL[(b - 200) as usize % SPECIAL.len()]
    }
}

fn sc<T: Scalar>(re: f64, im: f64) -> T {
    T::from_parts(T::Real::from_f64(re), T::Real::from_f64(im))
}

/// Memory layouts of the input view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    C,
    F,
    /// F order inside a larger buffer (lda > m).
    Padded,
    /// Transposed view of a C-order n×m buffer.
    Transposed,
    /// Row step 2, column step 3.
    Stepped,
    /// Negative strides on both axes (−1, −4).
    Negative,
    /// One row broadcast down (stride 0 on axis 0).
    BroadcastRow,
    /// One column broadcast across (stride 0 on axis 1).
    BroadcastCol,
    /// One value broadcast to m×n (both strides 0).
    BroadcastScalar,
}

const LAYOUTS: [Layout; 9] = [
    Layout::C,
    Layout::F,
    Layout::Padded,
    Layout::Transposed,
    Layout::Stepped,
    Layout::Negative,
    Layout::BroadcastRow,
    Layout::BroadcastCol,
    Layout::BroadcastScalar,
];

/// A logical m×n matrix stored in a parent buffer whose other entries hold a sentinel NaN.
pub struct Stored<T: Scalar> {
    parent: Array2<T>,
    layout: Layout,
    m: usize,
    n: usize,
}

pub fn sentinel<T: Scalar>() -> T {
    let r = T::Real::from_f64(f64::from_bits(0x7ff8_dead_beef_0001));
    T::from_parts(r, r)
}

impl<T: Scalar> Stored<T> {
    /// Stores `a` (for the broadcast layouts only its first row/column/entry is kept).
    pub fn new(a: &Array2<T>, layout: Layout) -> Self {
        let (m, n) = a.dim();
        let snt = sentinel::<T>();
        let parent = match layout {
            Layout::C => a.as_standard_layout().to_owned(),
            Layout::F => {
                let mut p = Array2::from_elem((m, n).f(), snt);
                p.assign(a);
                p
            }
            Layout::Padded => {
                let mut p = Array2::from_elem((m + 3, n + 2).f(), snt);
                p.slice_mut(s![1..m + 1, ..n]).assign(a);
                p
            }
            Layout::Transposed => a.t().as_standard_layout().to_owned(),
            Layout::Stepped => {
                let mut p = Array2::from_elem((2 * m + 1, 3 * n + 1), snt);
                p.slice_mut(s![..2 * m;2, ..3 * n;3]).assign(a);
                p
            }
            Layout::Negative => {
                let mut p = Array2::from_elem((m, 4 * n), snt);
                p.slice_mut(s![..;-1, ..;-4]).assign(a);
                p
            }
            Layout::BroadcastRow => {
                let mut p = Array2::from_elem((1, n), snt);
                if m > 0 {
                    p.row_mut(0).assign(&a.row(0));
                }
                p
            }
            Layout::BroadcastCol => {
                let mut p = Array2::from_elem((m, 1), snt);
                if n > 0 {
                    p.column_mut(0).assign(&a.column(0));
                }
                p
            }
            Layout::BroadcastScalar => {
                let v = if m > 0 && n > 0 { a[(0, 0)] } else { T::one() };
                Array2::from_elem((1, 1), v)
            }
        };
        Stored {
            parent,
            layout,
            m,
            n,
        }
    }

    pub fn view(&self) -> ArrayView2<'_, T> {
        let (m, n) = (self.m, self.n);
        match self.layout {
            Layout::C | Layout::F => self.parent.view(),
            Layout::Padded => self.parent.slice(s![1..m + 1, ..n]),
            Layout::Transposed => self.parent.t(),
            Layout::Stepped => self.parent.slice(s![..2 * m;2, ..3 * n;3]),
            Layout::Negative => self.parent.slice(s![..;-1, ..;-4]),
            Layout::BroadcastRow => self.parent.broadcast((m, n)).expect("row broadcast"),
            Layout::BroadcastCol => self.parent.broadcast((m, n)).expect("column broadcast"),
            Layout::BroadcastScalar => self.parent.broadcast((m, n)).expect("1×1 broadcast"),
        }
    }

    fn parent_bits(&self) -> Vec<u64> {
        fingerprint_iter(self.parent.iter().copied())
    }
}

/// Bits of every real and imaginary part, in logical order.
pub fn fingerprint_iter<T: Scalar>(it: impl Iterator<Item = T>) -> Vec<u64> {
    let mut v = Vec::new();
    for x in it {
        v.push(x.re().to_f64().to_bits());
        v.push(x.im().to_f64().to_bits());
    }
    v
}

/// The result of one operation, comparable bitwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok(Vec<u64>),
    Err(Error),
}

/// What an operation reads of its input, for the non-finite classification.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// Every entry.
    All,
    /// The lower triangle (diagonal included).
    Lower,
    /// The upper triangle (diagonal included).
    Upper,
    /// Not classified (the operation may fail on other grounds first, or reads nothing).
    Unclassified,
}

/// Collects the outputs of one call and checks them.
struct Out<T: Scalar> {
    bits: Vec<u64>,
    _t: std::marker::PhantomData<T>,
}

impl<T: Scalar> Out<T> {
    fn new() -> Self {
        Out {
            bits: Vec::new(),
            _t: std::marker::PhantomData,
        }
    }
    /// A factor: must be finite.
    fn factor<'a>(&mut self, what: &str, it: impl IntoIterator<Item = &'a T>) {
        for x in it {
            assert!(
                x.is_finite(),
                "{what}: non-finite entry {x:?} in an Ok factor"
            );
            self.bits.push(x.re().to_f64().to_bits());
            self.bits.push(x.im().to_f64().to_bits());
        }
    }
    fn real_factor<'a>(&mut self, what: &str, it: impl IntoIterator<Item = &'a T::Real>) {
        for x in it {
            assert!(
                x.is_finite(),
                "{what}: non-finite entry {x:?} in an Ok factor"
            );
            self.bits.push(x.to_f64().to_bits());
        }
    }
    fn complex_factor<'a>(
        &mut self,
        what: &str,
        it: impl IntoIterator<Item = &'a Complex<T::Real>>,
    ) {
        for x in it {
            assert!(
                x.re.is_finite() && x.im.is_finite(),
                "{what}: non-finite entry in an Ok factor"
            );
            self.bits.push(x.re.to_f64().to_bits());
            self.bits.push(x.im.to_f64().to_bits());
        }
    }
    /// A value that may legitimately be infinite (det overflow) but never NaN.
    fn not_nan(&mut self, what: &str, re: T::Real, im: T::Real) {
        assert!(!re.is_nan() && !im.is_nan(), "{what} is NaN");
        self.bits.push(re.to_f64().to_bits());
        self.bits.push(im.to_f64().to_bits());
    }
    /// A result that is either Ok (checked) or a typed error (recorded).
    fn sub<R>(&mut self, r: ndfactor::Result<R>, mut f: impl FnMut(&mut Self, R)) {
        match r {
            Ok(v) => {
                self.bits.push(1);
                f(self, v)
            }
            Err(e) => {
                self.bits.push(2);
                self.bits.push(err_code(&e));
            }
        }
    }
}

fn err_code(e: &Error) -> u64 {
    // A stable summary of the error (variant and payload) for the bitwise comparison.
    let s = format!("{e:?}");
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Magnitude window inside which the backward-error ratios are asserted (outside it, norms and
/// products of factors may overflow or underflow legitimately).
fn moderate<T: Scalar>(a: &ArrayView2<T>) -> bool {
    let (lo, hi) = if T::eps().to_f64() > 1e-10 {
        (1e-12, 1e12)
    } else {
        (1e-100, 1e100)
    };
    a.iter().all(|x| {
        let v = x.abs().to_f64();
        v == 0.0 || (lo..=hi).contains(&v)
    })
}

fn assert_ratio<R: RealScalar>(what: &str, r: R, threshold: f64) {
    let r = r.to_f64();
    assert!(
        r < 10.0 * threshold,
        "{what}: backward-error ratio {r:.3e} ≥ 10 × {threshold}"
    );
}

/// The operations the harness drives.
pub const OPS: usize = 24;

/// Operation names, for reports.
pub const OP_NAMES: [&str; OPS] = [
    "Lu",
    "Cholesky(lower)",
    "Cholesky(upper)",
    "Ldlt",
    "Qr",
    "ColPivQr",
    "Schur",
    "Schur::sorted",
    "Eig",
    "Svd",
    "Svd::full/values",
    "SymmetricEigen",
    "SymmetricEigen subsets",
    "factorize",
    "auto::solve/inv/det",
    "pinv/lstsq",
    "rank/null_space/range/cond",
    "RandomizedSvd",
    "Pca",
    "expm",
    "sqrtm",
    "logm",
    "Cholesky::with_shift",
    "Svd::truncate/compress",
];

fn rhs<T: Scalar>(rows: usize, cols: usize, bytes: &mut Bytes) -> Array2<T> {
    Array2::from_shape_fn((rows, cols), |_| sc(value(bytes.byte() % 200), 0.0))
}

/// Runs operation `op` on `a` (any layout) and checks the output oracles. `b` is a finite
/// right-hand side with `a.nrows()` rows; `k` and `tol` are extra parameters from the bytes.
fn run_op<T>(op: usize, a: ArrayView2<T>, b: &Array2<T>, k: usize, tol: f64) -> (Outcome, Reads)
where
    T: Scalar,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let (m, n) = a.dim();
    let square = m == n;
    let mod_ = moderate(&a);
    let mut o = Out::<T>::new();
    let tolr = T::Real::from_f64(tol);
    let res: ndfactor::Result<()> = (|| {
        match op {
            0 => {
                let lu = Lu::new(&a)?;
                o.factor("lu", lu.factors().iter());
                if mod_ {
                    assert_ratio("lu", verify::lu_ratio(&a, &lu), verify::LIN_THRESHOLD);
                }
                let d = lu.det();
                o.not_nan("det", d.re(), d.im());
                let (ph, l) = lu.ln_abs_det();
                o.not_nan("ln_abs_det", ph.re(), l);
                let rc = lu.rcond();
                o.not_nan("rcond", rc, T::Real::from_f64(0.0));
                o.sub(lu.solve(b), |o, x| o.factor("lu solve", x.iter()));
                o.sub(lu.solve_transpose(b), |o, x| {
                    o.factor("lu solve_t", x.iter())
                });
                o.sub(lu.inverse(), |o, x| o.factor("lu inverse", x.iter()));
                o.sub(lu.solve_checked(b), |o, x| {
                    o.factor("lu solve_checked", x.iter())
                });
            }
            1 | 2 => {
                let uplo = if op == 1 { Uplo::Lower } else { Uplo::Upper };
                let ch = Cholesky::with_uplo(&a, uplo)?;
                o.factor("cholesky", ch.factor().iter());
                if mod_ {
                    let h = hermitian_from(&a, uplo);
                    assert_ratio(
                        "cholesky",
                        verify::cholesky_ratio(&h, &ch),
                        verify::LIN_THRESHOLD,
                    );
                }
                o.not_nan("ln_det", ch.ln_det(), T::Real::from_f64(0.0));
                o.not_nan("rcond", ch.rcond(), T::Real::from_f64(0.0));
                o.sub(ch.solve(b), |o, x| o.factor("cholesky solve", x.iter()));
                o.sub(ch.inverse(), |o, x| o.factor("cholesky inverse", x.iter()));
                o.sub(ch.solve_checked(b), |o, x| {
                    o.factor("chol checked", x.iter())
                });
            }
            3 => {
                let ld = Ldlt::new(&a)?;
                o.factor("ldlt", ld.factors().iter());
                if mod_ {
                    let h = hermitian_from(&a, Uplo::Lower);
                    assert_ratio("ldlt", verify::ldlt_ratio(&h, &ld), verify::LIN_THRESHOLD);
                }
                let d = ld.det();
                o.not_nan("det", d.re(), d.im());
                o.not_nan("rcond", ld.rcond(), T::Real::from_f64(0.0));
                if let Some(i) = ld.inertia() {
                    assert_eq!(i.positive + i.negative + i.zero, n, "inertia sums to n");
                }
                o.sub(ld.solve(b), |o, x| o.factor("ldlt solve", x.iter()));
                o.sub(ld.inverse(), |o, x| o.factor("ldlt inverse", x.iter()));
            }
            4 => {
                let qr = Qr::new(&a)?;
                let (q, r) = (qr.q(), qr.r());
                o.factor("qr q", q.iter());
                o.factor("qr r", r.iter());
                if mod_ {
                    assert_ratio("qr", verify::qr_ratio(&a, &q, &r), verify::LIN_THRESHOLD);
                    assert_ratio("qr orth", verify::orthogonality_ratio(&q), 15.0);
                }
                o.sub(qr.solve(b), |o, x| o.factor("qr solve", x.iter()));
                o.sub(qr.apply_qh(b), |o, x| o.factor("qr apply_qh", x.iter()));
                o.not_nan("rcond", qr.rcond(), T::Real::from_f64(0.0));
            }
            5 => {
                let qr = ColPivQr::new(&a)?;
                let (q, r) = (qr.q(), qr.r());
                o.factor("cpqr q", q.iter());
                o.factor("cpqr r", r.iter());
                let p = qr.perm();
                if mod_ {
                    let ap = Array2::from_shape_fn((m, n), |(i, j)| a[(i, p[j])]);
                    assert_ratio("cpqr", verify::qr_ratio(&ap, &q, &r), verify::LIN_THRESHOLD);
                }
                o.bits.extend(p.iter().map(|&i| i as u64));
                o.sub(qr.rank(None), |o, r| o.bits.push(r as u64));
                o.sub(qr.rank(Some(tolr)), |o, r| o.bits.push(r as u64));
            }
            6 | 7 => {
                let s = if op == 6 {
                    Schur::new(&a)?
                } else {
                    let (s, k) = Schur::sorted(&a, |l| l.re < l.im)?;
                    o.bits.push(k as u64);
                    s
                };
                o.factor("schur t", s.t().iter());
                o.factor("schur z", s.z().iter());
                o.complex_factor("schur eigenvalues", s.values().iter());
                if mod_ {
                    assert_ratio(
                        "schur",
                        verify::schur_ratio(&a, &s.z(), &s.t()),
                        verify::SCHUR_THRESHOLD,
                    );
                }
            }
            8 => {
                let e = Eig::new(&a)?;
                o.complex_factor("eig values", e.values().iter());
                o.complex_factor("eig vectors", e.vectors().iter());
                if mod_ {
                    let r = verify::eig_ratio(&a, &e.values(), &e.vectors());
                    if r.to_f64() < 10.0 * verify::SCHUR_THRESHOLD {
                        assert_ratio("eig", r, verify::SCHUR_THRESHOLD);
                    } else {
                        // ?geev balances (D⁻¹·A·D), which bounds the backward error of the
                        // balanced matrix only: in A's coordinates the residual may grow by up
                        // to κ(D) (fuzz/crashes/decomp-eig-ratio: 406.7). Without balancing the
                        // bound holds for A itself, which is what the ratio measures.
                        let u = Eig::with_balance(&a, EigVectors::Right, Balance::None)?;
                        assert_ratio(
                            "eig (Balance::None)",
                            verify::eig_ratio(&a, &u.values(), &u.vectors()),
                            verify::SCHUR_THRESHOLD,
                        );
                    }
                }
            }
            9 => {
                let s = Svd::new(&a)?;
                o.factor("svd u", s.u().iter());
                o.real_factor("svd s", s.s().iter());
                o.factor("svd vt", s.vt().iter());
                let sv = s.s();
                assert!(sv.iter().all(|&x| x >= T::Real::from_f64(0.0)), "σ ≥ 0");
                assert!(
                    sv.windows(2).into_iter().all(|w| w[0] >= w[1]),
                    "σ descending"
                );
                if mod_ {
                    assert_ratio(
                        "svd",
                        verify::svd_ratio(&a, &s.u(), &s.s(), &s.vt()),
                        verify::SVD_THRESHOLD,
                    );
                }
                o.sub(s.rank(None), |o, r| o.bits.push(r as u64));
                o.sub(s.rank(Some(tolr)), |o, r| o.bits.push(r as u64));
                o.sub(s.cond(), |o, c| {
                    o.not_nan("cond", c, T::Real::from_f64(0.0))
                });
            }
            10 => {
                o.sub(Svd::full(&a), |o, s| {
                    o.factor("svd full u", s.u().iter());
                    o.factor("svd full vt", s.vt().iter());
                    o.real_factor("svd full s", s.s().iter());
                });
                let v = Svd::values(&a)?;
                o.real_factor("svd values", v.iter());
            }
            11 => {
                let e = SymmetricEigen::new(&a)?;
                o.real_factor("eigh values", e.values().iter());
                o.factor("eigh vectors", e.vectors().iter());
                if mod_ {
                    let h = hermitian_from(&a, Uplo::Lower);
                    assert_ratio(
                        "eigh",
                        verify::eigen_ratio(&h, &e.vectors(), &e.values()),
                        verify::EIG_THRESHOLD,
                    );
                }
                let v = SymmetricEigen::values_only(&a)?;
                o.real_factor("eigh values_only", v.iter());
            }
            12 => {
                let hi = k.min(n.saturating_sub(1));
                let e = SymmetricEigen::subset_by_index(&a, 0..=hi)?;
                o.real_factor("eigh subset", e.values().iter());
                o.factor("eigh subset vectors", e.vectors().iter());
                o.sub(
                    SymmetricEigen::subset_by_value(&a, -tolr, T::Real::from_f64(1.0)),
                    |o, e| {
                        o.real_factor("eigh subset", e.values().iter());
                        o.factor("eigh subset vectors", e.vectors().iter());
                    },
                );
            }
            13 => {
                let f = ndfactor::factorize(&a)?;
                o.bits.push(f.kind() as u64);
                assert!(!f.explain().is_empty());
                o.sub(f.solve(b), |o, x| o.factor("factorize solve", x.iter()));
                o.sub(f.det(), |o, d| o.not_nan("factorize det", d.re(), d.im()));
                let rc = f.rcond();
                o.bits.push(rc.to_f64().to_bits());
            }
            14 => {
                o.sub(ndfactor::auto::solve(&a, b), |o, x| {
                    o.factor("auto solve", x.iter())
                });
                o.sub(ndfactor::auto::inv(&a), |o, x| {
                    o.factor("auto inv", x.iter())
                });
                let d = ndfactor::auto::det(&a)?;
                o.not_nan("auto det", d.re(), d.im());
            }
            15 => {
                o.sub(ndfactor::pinv(&a), |o, x| {
                    assert_eq!(x.dim(), (n, m));
                    o.factor("pinv", x.iter())
                });
                o.sub(
                    ndfactor::pinv_with(&a, tolr, T::Real::from_f64(1e-12)),
                    |o, x| o.factor("pinv_with", x.iter()),
                );
                let l = ndfactor::lstsq(&a, b)?;
                o.factor("lstsq", l.solution.iter());
                o.bits.push(l.rank as u64);
            }
            16 => {
                let r = ndfactor::rank(&a)?;
                o.bits.push(r as u64);
                let ns = ndfactor::null_space(&a)?;
                assert_eq!(ns.dim(), (n, n - r), "null space shape");
                o.factor("null_space", ns.iter());
                let rg = ndfactor::range(&a)?;
                assert_eq!(rg.dim(), (m, r), "range shape");
                o.factor("range", rg.iter());
                o.sub(ndfactor::cond(&a), |o, c| o.not_nan("cond", c, c));
            }
            17 => {
                let t = RandomizedSvd::new(k)
                    .oversamples(k % 7)
                    .power_iterations(k % 3)
                    .seed(k as u64)
                    .compute(&a)?;
                o.factor("rsvd u", t.u().iter());
                o.real_factor("rsvd s", t.s().iter());
                o.factor("rsvd vt", t.vt().iter());
            }
            18 => {
                let p = Pca::new(Rank::Fixed(k)).fit(&a)?;
                o.factor("pca components", p.components().iter());
                o.real_factor("pca variance", p.explained_variance().iter());
                o.sub(p.transform(&a), |o, x| o.factor("pca transform", x.iter()));
            }
            19 => {
                let e = ndfactor::expm(&a)?;
                o.factor("expm", e.iter());
            }
            20 => {
                let e = ndfactor::sqrtm(&a)?;
                o.factor("sqrtm", e.iter());
            }
            21 => {
                let e = ndfactor::logm(&a)?;
                o.factor("logm", e.iter());
            }
            22 => {
                let sh = Cholesky::with_shift(&a)?;
                o.factor("shifted", sh.cholesky().factor().iter());
                o.real_factor("shift", [sh.shift()].iter());
                assert!(sh.shift() >= T::Real::from_f64(0.0), "shift ≥ 0");
            }
            23 => {
                let rule = match k % 5 {
                    0 => Rank::Fixed(k / 5),
                    1 => Rank::RelativeTolerance(tolr),
                    2 => Rank::AbsoluteTolerance(tolr),
                    3 => Rank::Energy(tolr),
                    _ => Rank::RelativeError(tolr),
                };
                let (lr, rep) = ndfactor::compress(&a, rule)?;
                o.factor("compress left", lr.left().iter());
                o.factor("compress right", lr.right().iter());
                o.bits.push(rep.rank as u64);
            }
            _ => unreachable!(),
        }
        Ok(())
    })();
    let reads = match op {
        1 | 3 | 11 | 12 | 22 => Reads::Lower,
        2 => Reads::Upper,
        0 | 4 | 5 | 9 | 10 | 15 | 16 | 19 | 20 | 21 | 23 | 6 | 7 | 8 => Reads::All,
        _ => Reads::Unclassified,
    };
    let _ = square;
    match res {
        Ok(()) => (Outcome::Ok(o.bits), reads),
        Err(e) => (Outcome::Err(e), reads),
    }
}

/// The Hermitian matrix whose `uplo` triangle is that of `a`.
fn hermitian_from<T: Scalar>(a: &ArrayView2<T>, uplo: Uplo) -> Array2<T> {
    let n = a.nrows();
    Array2::from_shape_fn((n, n), |(i, j)| {
        let lower = i >= j;
        let take = match uplo {
            Uplo::Lower => lower,
            Uplo::Upper => !lower || i == j,
        };
        if i == j {
            T::from_real(a[(i, i)].re())
        } else if take {
            a[(i, j)]
        } else {
            a[(j, i)].conj()
        }
    })
}

/// Decodes one case and runs it: scalar type, op, layout and values all from `data`.
pub fn run(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let ty = bytes.byte() % 4;
    let op = bytes.byte() as usize % OPS;
    match ty {
        0 => run_typed::<f64>(op, &mut bytes),
        1 => run_typed::<f32>(op, &mut bytes),
        2 => run_typed::<ndfactor::c64>(op, &mut bytes),
        _ => run_typed::<ndfactor::c32>(op, &mut bytes),
    }
}

/// Like [`run`] but restricted to the operations in `ops` (one fuzz target per family).
pub fn run_family(data: &[u8], ops: &[usize]) {
    if data.len() < 2 {
        return;
    }
    let mut v = data.to_vec();
    v[1] = ops[v[1] as usize % ops.len()] as u8;
    run(&v);
}

/// Decodes a matrix and runs `op` on it (see the module doc for the oracles).
pub fn run_typed<T>(op: usize, bytes: &mut Bytes)
where
    T: Scalar,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let square_op = !matches!(op, 4 | 5 | 9 | 10 | 15 | 16 | 17 | 18 | 23);
    let m = bytes.dim();
    let n = if square_op && bytes.byte() % 8 != 0 {
        m
    } else {
        bytes.dim()
    };
    let layout = LAYOUTS[bytes.byte() as usize % LAYOUTS.len()];
    let structure = bytes.byte();
    let scale_code = bytes.byte();
    let k = bytes.byte() as usize % 8;
    let tol = match bytes.byte() % 8 {
        0 => f64::NAN,
        1 => -1.0,
        2 => 0.0,
        3 => f64::INFINITY,
        4 => 1e-10,
        5 => 0.5,
        6 => 2.0,
        _ => 1e-3,
    };
    let scale = match scale_code % 8 {
        0 => 2f64.powi(-1000),
        1 => 2f64.powi(1000),
        2 => 2f64.powi(-1060),
        _ => 1.0,
    };
    let mut a = Array2::<T>::from_shape_fn((m, n), |_| {
        let re = value(bytes.byte()) * scale;
        let im = if T::IS_COMPLEX {
            value(bytes.byte()) * scale
        } else {
            0.0
        };
        sc(re, im)
    });
    // Structure: plain, Hermitian, Hermitian + diagonal shift (PD), triangular, zero.
    match structure % 6 {
        1 | 2 if m == n => {
            for i in 0..n {
                for j in 0..i {
                    a[(j, i)] = a[(i, j)].conj();
                }
                a[(i, i)] = T::from_real(a[(i, i)].re());
            }
            if structure % 6 == 2 {
                let shift = a
                    .iter()
                    .fold(0.0, |s, x| s + x.abs().to_f64().min(1e300))
                    .min(1e300);
                for i in 0..n {
                    a[(i, i)] += sc(shift + 1.0, 0.0);
                }
            }
        }
        3 => {
            for ((i, j), x) in a.indexed_iter_mut() {
                if i > j {
                    *x = T::zero();
                }
            }
        }
        4 => a.fill(T::zero()),
        _ => {}
    }
    let b = rhs::<T>(m, 1 + (k % 3), bytes);
    if std::env::var_os("NDFACTOR_HARNESS_DEBUG").is_some() {
        eprintln!(
            "case: {} {} layout {layout:?} k {k} tol {tol}\na = {a:?}\nb = {b:?}",
            std::any::type_name::<T>(),
            OP_NAMES[op]
        );
    }
    check_case(op, &a, layout, &b, k, tol);
}

/// Runs `op` on `a` stored with `layout` and on the standard-layout copy of the view, and
/// asserts the oracles.
pub fn check_case<T>(op: usize, a: &Array2<T>, layout: Layout, b: &Array2<T>, k: usize, tol: f64)
where
    T: Scalar,
    Complex<T::Real>: Scalar<Real = T::Real>,
{
    let stored = Stored::new(a, layout);
    let before = stored.parent_bits();
    let view = stored.view();
    let logical: Array2<T> = view.to_owned();
    let (out_view, reads) = run_op(op, view, b, k, tol);
    assert_eq!(before, stored.parent_bits(), "input buffer modified");
    let (out_copy, _) = run_op(op, logical.view(), b, k, tol);
    if op == SOLVE_ONLY_OP {
        compare_solve_only(view, &logical, b, &out_view, &out_copy);
    } else {
        assert_eq!(
            out_view, out_copy,
            "{}: layout {layout:?} changed the result",
            OP_NAMES[op]
        );
    }
    // Classification of non-finite input.
    let (m, n) = logical.dim();
    let bad = |i: usize, j: usize| !logical[(i, j)].is_finite();
    let read_bad = match reads {
        Reads::All => Some((0..m).any(|i| (0..n).any(|j| bad(i, j)))),
        Reads::Lower if m == n => Some((0..n).any(|i| (0..=i).any(|j| bad(i, j)))),
        Reads::Upper if m == n => Some((0..n).any(|i| (i..n).any(|j| bad(i, j)))),
        _ => None,
    };
    if let Outcome::Err(Error::NonFinite { row, col }) = &out_view {
        assert!(
            *row < m && *col < n && bad(*row, *col),
            "{}: NonFinite at ({row}, {col}) but that entry is finite",
            OP_NAMES[op]
        );
    }
    if let Some(read_bad) = read_bad {
        let square_needed = !matches!(op, 4 | 5 | 9 | 10 | 15 | 16 | 23);
        if read_bad && (m == n || !square_needed) {
            assert!(
                matches!(out_view, Outcome::Err(Error::NonFinite { .. })),
                "{}: non-finite input not rejected: {out_view:?}",
                OP_NAMES[op]
            );
        }
        if !read_bad {
            assert!(
                !matches!(out_view, Outcome::Err(Error::NonFinite { .. })),
                "{}: finite read region reported NonFinite",
                OP_NAMES[op]
            );
        }
    }
}

/// The operation number of `auto::solve/inv/det`.
const SOLVE_ONLY_OP: usize = 14;

/// The layout oracle of `auto::{solve, inv, det}`. A square C-order matrix is factored as it
/// lies (LU of Aᵀ, solved with 'T'), any other layout after a copy into F order (LU of A), so
/// the two computed results differ by rounding. Each one is backward stable: the computed x̂
/// solves (A + δA)·x̂ = b with ‖δA‖ ≤ γ‖A‖, γ = 3nε·ρ for LU with partial pivoting (Higham,
/// *Accuracy and Stability*, Thm 9.4, normwise), ρ the growth factor. Hence
/// ‖x̂ − x‖/‖x‖ ≤ κγ/(1 − κγ) for each, and the two differ by at most twice that. The test
/// takes κ₁ = 1/rcond from `Lu::rcond` (an estimate, within a factor 10 in practice), a factor
/// n for the change from the 1-norm to the max norm, and ρ ≤ 8 (these orders are small), so
/// κγ ≤ g = 3·8·10·n²·ε / rcond, and compares only when g ≤ 1/2 (well-conditioned input
/// of moderate magnitude); then both calls must succeed and agree within 2g/(1 − g) of the
/// largest entry. A determinant moves by at most n·κγ relative (d det = det·tr(A⁻¹·δA)). Outside
/// that window (near-singular input, where one path may meet an exactly zero pivot and the
/// other not) each outcome is checked on its own by `run_op` only.
pub fn compare_solve_only<T>(
    a: ArrayView2<T>,
    c: &Array2<T>,
    b: &Array2<T>,
    out_view: &Outcome,
    out_copy: &Outcome,
) where
    T: Scalar,
{
    if out_view == out_copy {
        return;
    }
    let (m, n) = c.dim();
    assert!(
        m == n && n > 1,
        "auto::solve/inv/det: only square C-order input takes another path"
    );
    if !moderate(&c.view()) {
        return;
    }
    let Ok(lu) = Lu::new(c) else { return };
    let rcond = lu.rcond().to_f64();
    let eps = T::eps().to_f64();
    let g = 240.0 * (n * n) as f64 * eps / rcond;
    if !(rcond > 0.0 && g <= 0.5) {
        return;
    }
    let tol = 2.0 * g / (1.0 - g);
    let max = |x: &Array2<T>| x.iter().fold(0.0f64, |s, v| s.max(v.abs().to_f64()));
    let close = |what: &str, x: &Array2<T>, y: &Array2<T>| {
        let diff = max(&(x - y));
        let scale = max(x).max(max(y));
        assert!(
            diff <= tol * scale,
            "auto::{what}: layouts differ by {diff:.3e} > {tol:.3e} × {scale:.3e} (rcond {rcond:.3e})"
        );
    };
    let (xv, xc) = (ndfactor::auto::solve(&a, b), ndfactor::auto::solve(c, b));
    close(
        "solve",
        &xv.expect("well conditioned"),
        &xc.expect("well conditioned"),
    );
    let (iv, ic) = (ndfactor::auto::inv(&a), ndfactor::auto::inv(c));
    close(
        "inv",
        &iv.expect("well conditioned"),
        &ic.expect("well conditioned"),
    );
    let (dv, dc) = (
        ndfactor::auto::det(&a).unwrap(),
        ndfactor::auto::det(c).unwrap(),
    );
    let (dv, dc) = (
        Complex::new(dv.re().to_f64(), dv.im().to_f64()),
        Complex::new(dc.re().to_f64(), dc.im().to_f64()),
    );
    if dv.norm().is_normal() && dc.norm().is_normal() {
        let diff = (dv - dc).norm();
        assert!(
            diff <= n as f64 * tol * dv.norm().max(dc.norm()),
            "auto::det: layouts give {dv} and {dc} (rcond {rcond:.3e})"
        );
    }
}

/// A seed corpus: one case per operation, scalar type and layout with plain values.
pub fn seed_inputs() -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    for ty in 0..4u8 {
        for op in 0..OPS as u8 {
            for (li, st) in [(0u8, 0u8), (2, 2), (5, 1), (6, 0), (4, 3), (3, 4)] {
                let mut d = vec![ty, op, 4, 4, li, st, 3, 2, 5];
                d.extend((0..64u8).map(|i| i.wrapping_mul(29) % 200));
                v.push(d);
            }
        }
    }
    v
}

/// Eigenvalue helper used by some regression tests: the spectrum of the Hermitian part.
pub fn real_values<T: Scalar>(v: &Array1<T::Real>) -> Vec<f64> {
    v.iter().map(|x| x.to_f64()).collect()
}
