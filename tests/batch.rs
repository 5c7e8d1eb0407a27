//! Stacked inputs (`ndfactor::batch`): every function, for f32, f64, c32 and c64, on C-order,
//! F-order, permuted-axes, strided and negative-stride 3-D inputs. Each slice's result passes
//! LAPACK's ratio test and equals the per-slice in-core call to rounding; the sequential and
//! rayon runs agree; errors name the first failing slice; empty batches and bad shapes.

mod common;

use common::check_ratio;
use ndarray::{
    s, Array1, Array2, Array3, ArrayBase, ArrayView3, Axis, Data, Dimension, ShapeBuilder,
};
use ndfactor::batch::{self, BatchParallelism};
use ndfactor::{testing, verify, Cholesky, Error, Lu, Qr, RealScalar, Scalar, Svd, SymmetricEigen};

/// How a 3-D test stack is laid out in memory.
#[derive(Clone, Copy, Debug)]
enum Layout3 {
    /// Row-major over all three axes (the batch axis slowest).
    C,
    /// Column-major over all three axes (the batch axis fastest).
    F,
    /// `(m, n, n_batch)` C-order storage seen through `permuted_axes([2, 0, 1])`: each slice is
    /// strided by `n·n_batch` and `n_batch`.
    Permuted,
    /// Steps 2, 2, 3 inside a NaN-filled parent.
    Strided,
    /// Steps −2, −1, −2 inside a NaN-filled parent.
    Negative,
}

const LAYOUTS: [Layout3; 5] = [
    Layout3::C,
    Layout3::F,
    Layout3::Permuted,
    Layout3::Strided,
    Layout3::Negative,
];

/// A stack held in a parent buffer so that [`Stack::view`] has the chosen layout. Parent
/// entries outside the view are NaN: reading outside the view fails the test.
struct Stack<T> {
    parent: Array3<T>,
    layout: Layout3,
}

impl<T: Scalar> Stack<T> {
    fn new(a: &Array3<T>, layout: Layout3) -> Self {
        let (nb, m, n) = a.dim();
        let nan = T::from_real(T::Real::nan());
        let mut parent = match layout {
            Layout3::C => Array3::zeros((nb, m, n)),
            Layout3::F => Array3::zeros((nb, m, n).f()),
            Layout3::Permuted => Array3::zeros((m, n, nb)),
            Layout3::Strided => Array3::from_elem((2 * nb + 1, 2 * m + 1, 3 * n + 1), nan),
            Layout3::Negative => Array3::from_elem((2 * nb, m, 2 * n), nan),
        };
        let mut st = Stack {
            parent: Array3::zeros((0, 0, 0)),
            layout,
        };
        match layout {
            Layout3::C | Layout3::F => parent.assign(a),
            Layout3::Permuted => parent.view_mut().permuted_axes([2, 0, 1]).assign(a),
            Layout3::Strided => parent
                .slice_mut(s![..2 * nb;2, ..2 * m;2, ..3 * n;3])
                .assign(a),
            Layout3::Negative => parent.slice_mut(s![..;-2, ..;-1, ..;-2]).assign(a),
        }
        st.parent = parent;
        let v = st.view();
        assert_eq!(v.dim(), a.dim());
        // exact: a copy (NaN entries, placed on purpose, compare unequal to themselves, and only
        // non-finite entries are NaN here)
        assert!(v
            .iter()
            .zip(a.iter())
            .all(|(x, y)| x == y || (!x.is_finite() && !y.is_finite())));
        st
    }

    fn view(&self) -> ArrayView3<'_, T> {
        let (nb, m, n) = self.parent.dim();
        match self.layout {
            Layout3::C | Layout3::F => self.parent.view(),
            Layout3::Permuted => self.parent.view().permuted_axes([2, 0, 1]),
            Layout3::Strided => {
                let (nb, m, n) = ((nb - 1) / 2, (m - 1) / 2, (n - 1) / 3);
                self.parent.slice(s![..2 * nb;2, ..2 * m;2, ..3 * n;3])
            }
            Layout3::Negative => {
                let _ = (nb, m, n);
                self.parent.slice(s![..;-2, ..;-1, ..;-2])
            }
        }
    }
}

const NB: usize = 5;

fn eps<T: Scalar>() -> f64 {
    T::eps().to_f64()
}

/// Asserts `got` equals `want` to rounding: `max|got − want| ≤ 100·dim·ε·max|want|`. The batch
/// runs the same routine on the same values (bitwise equal with one BLAS thread); the bound
/// leaves room for the rounding differences of another OpenBLAS thread count, and any mix-up
/// of slices or entries is O(1) and fails it.
fn assert_close<U: Scalar, D: Dimension, S1: Data<Elem = U>, S2: Data<Elem = U>>(
    what: &str,
    got: &ArrayBase<S1, D>,
    want: &ArrayBase<S2, D>,
    dim: usize,
) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let scale = want.iter().fold(0.0f64, |m, x| m.max(x.abs().to_f64()));
    let diff = got
        .iter()
        .zip(want.iter())
        .fold(0.0f64, |m, (x, y)| m.max((*x - *y).abs().to_f64()));
    let tol = 100.0 * dim.max(1) as f64 * eps::<U>() * scale;
    assert!(
        diff <= tol,
        "{what}: max difference {diff:e} > {tol:e} ({})",
        U::NAME
    );
}

fn general<T: Scalar>(nb: usize, m: usize, n: usize, seed: u64) -> Array3<T> {
    let mut rng = testing::rng(seed);
    let mut a = Array3::zeros((nb, m, n));
    for mut s in a.outer_iter_mut() {
        s.assign(&testing::gaussian::<T>(m, n, &mut rng));
    }
    a
}

fn hermitian<T: Scalar>(nb: usize, n: usize, seed: u64) -> Array3<T> {
    let mut rng = testing::rng(seed);
    let mut a = Array3::zeros((nb, n, n));
    for mut s in a.outer_iter_mut() {
        let mut g = testing::gaussian::<T>(n, n, &mut rng);
        testing::hermitian_part(&mut g);
        s.assign(&g);
    }
    a
}

fn spd<T: Scalar>(nb: usize, n: usize, seed: u64) -> Array3<T> {
    let mut rng = testing::rng(seed);
    let mut a = Array3::zeros((nb, n, n));
    for mut s in a.outer_iter_mut() {
        s.assign(&testing::random_spd::<T>(
            n,
            T::Real::from_f64(100.0),
            &mut rng,
        ));
    }
    a
}

fn sl<T: Clone>(a: &ArrayView3<'_, T>, i: usize) -> Array2<T> {
    a.index_axis(Axis(0), i).to_owned()
}

fn ctx(layout: Layout3, dims: (usize, usize, usize), i: usize) -> impl Fn() -> String {
    move || format!("{layout:?} {dims:?} slice {i}")
}

const SQUARE: [usize; 3] = [1, 3, 12];
const RECT: [(usize, usize); 4] = [(1, 1), (6, 3), (3, 6), (7, 7)];
const MODES: [BatchParallelism; 3] = [
    BatchParallelism::Auto,
    BatchParallelism::Sequential,
    BatchParallelism::Rayon,
];

fn solve_body<T: Scalar>() {
    for n in SQUARE {
        let a0 = general::<T>(NB, n, n, 11 + n as u64);
        let b0 = general::<T>(NB, n, 2, 12 + n as u64);
        let bv0 = general::<T>(1, NB, n, 13 + n as u64).index_axis_move(Axis(0), 0);
        for layout in LAYOUTS {
            let (sa, sb) = (Stack::new(&a0, layout), Stack::new(&b0, layout));
            let (a, b) = (sa.view(), sb.view());
            let seq = batch::solve_with(&a, &b, BatchParallelism::Sequential).unwrap();
            let seqv = batch::solve_vec_with(&a, &bv0, BatchParallelism::Sequential).unwrap();
            for par in MODES {
                let x = batch::solve_with(&a, &b, par).unwrap();
                assert_close("solve: modes", &x, &seq, n);
                let xv = batch::solve_vec_with(&a, &bv0, par).unwrap();
                assert_close("solve_vec: modes", &xv, &seqv, n);
            }
            assert_eq!(seq.dim(), (NB, n, 2));
            for i in 0..NB {
                let (ai, bi) = (sl(&a, i), sl(&b, i));
                let xi = seq.index_axis(Axis(0), i);
                let r = verify::solve_ratio(&ai, &xi, &bi);
                check_ratio(
                    &format!("batch solve {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                let lu = Lu::new(&ai).unwrap();
                assert_close("solve vs Lu", &xi, &lu.solve(&bi).unwrap(), n);
                let bvi = bv0.row(i);
                let xvi = seqv.row(i);
                let r =
                    verify::solve_ratio(&ai, &xvi.insert_axis(Axis(1)), &bvi.insert_axis(Axis(1)));
                check_ratio(
                    &format!("batch solve_vec {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                assert_close("solve_vec vs Lu", &xvi, &lu.solve(&bvi).unwrap(), n);
            }
        }
    }
}
per_scalar!(solve, solve_body);

fn inv_det_body<T: Scalar>() {
    for n in SQUARE {
        let a0 = general::<T>(NB, n, n, 21 + n as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let inv = batch::inv_with(&a, BatchParallelism::Sequential).unwrap();
            let det = batch::det_with(&a, BatchParallelism::Sequential).unwrap();
            let (sign, ln) = batch::slogdet_with(&a, BatchParallelism::Sequential).unwrap();
            for par in MODES {
                assert_close("inv: modes", &batch::inv_with(&a, par).unwrap(), &inv, n);
                assert_close("det: modes", &batch::det_with(&a, par).unwrap(), &det, n);
                let (s2, l2) = batch::slogdet_with(&a, par).unwrap();
                assert_close("slogdet sign: modes", &s2, &sign, n);
                assert_close("slogdet ln: modes", &l2, &ln, n);
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let r = verify::inverse_ratio(&ai, &inv.index_axis(Axis(0), i));
                check_ratio(
                    &format!("batch inv {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                let lu = Lu::new(&ai).unwrap();
                // The factorization behind det and slogdet.
                let r = verify::lu_ratio(&ai, &lu);
                check_ratio(
                    &format!("batch det/lu {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                assert_close(
                    "inv vs Lu",
                    &inv.index_axis(Axis(0), i),
                    &lu.inverse().unwrap(),
                    n,
                );
                let d = Array1::from(vec![lu.det()]);
                assert_close("det vs Lu", &det.slice(s![i..=i]), &d, n);
                let (s1, l1) = lu.ln_abs_det();
                assert_close(
                    "slogdet sign vs Lu",
                    &sign.slice(s![i..=i]),
                    &Array1::from(vec![s1]),
                    n,
                );
                assert_close(
                    "slogdet ln vs Lu",
                    &ln.slice(s![i..=i]),
                    &Array1::from(vec![l1]),
                    n,
                );
                // det = sign·exp(ln) to rounding (n rounded factors).
                let back = sign[i] * T::from_real(ln[i].exp());
                let tol = 100.0 * n as f64 * eps::<T>() * det[i].abs().to_f64();
                assert!(
                    (back - det[i]).abs().to_f64() <= tol,
                    "slogdet vs det slice {i}"
                );
            }
        }
    }
}
per_scalar!(inv_det, inv_det_body);

fn cholesky_body<T: Scalar>() {
    for n in SQUARE {
        let a0 = spd::<T>(NB, n, 31 + n as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let l = batch::cholesky_with(&a, BatchParallelism::Sequential).unwrap();
            for par in MODES {
                assert_close(
                    "cholesky: modes",
                    &batch::cholesky_with(&a, par).unwrap(),
                    &l,
                    n,
                );
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let li = l.index_axis(Axis(0), i);
                for r in 0..n {
                    for c in r + 1..n {
                        assert_eq!(li[(r, c)], T::zero()); // exact: L is stored with zeros above
                    }
                }
                let llh = li.dot(&li.t().mapv(|x| x.conj()));
                let r = verify::reconstruction_ratio(&ai, &llh, n);
                check_ratio(
                    &format!("batch cholesky {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                assert_close(
                    "cholesky vs Cholesky",
                    &li,
                    &Cholesky::new(&ai).unwrap().l(),
                    n,
                );
            }
        }
    }
}
per_scalar!(cholesky, cholesky_body);

fn eigh_body<T: Scalar>() {
    for n in SQUARE {
        let a0 = hermitian::<T>(NB, n, 41 + n as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let (w, v) = batch::eigh_with(&a, BatchParallelism::Sequential).unwrap();
            let wo = batch::eigvalsh_with(&a, BatchParallelism::Sequential).unwrap();
            assert_eq!((w.dim(), v.dim()), ((NB, n), (NB, n, n)));
            for par in MODES {
                let (w2, v2) = batch::eigh_with(&a, par).unwrap();
                assert_close("eigh values: modes", &w2, &w, n);
                assert_close("eigh vectors: modes", &v2, &v, n);
                assert_close(
                    "eigvalsh: modes",
                    &batch::eigvalsh_with(&a, par).unwrap(),
                    &wo,
                    n,
                );
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let (wi, vi) = (w.row(i), v.index_axis(Axis(0), i));
                let r = verify::eigen_ratio(&ai, &vi, &wi);
                check_ratio(
                    &format!("batch eigh {}", T::NAME),
                    r,
                    verify::EIG_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                let r = verify::orthogonality_ratio(&vi);
                check_ratio(
                    &format!("batch eigh orth {}", T::NAME),
                    r,
                    verify::EIG_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                let e = SymmetricEigen::new(&ai).unwrap();
                assert_close("eigh values vs SymmetricEigen", &wi, &e.values(), n);
                assert_close("eigh vectors vs SymmetricEigen", &vi, &e.vectors(), n);
                // Values alone (another LAPACK path) agree with the full run to n·ε·‖A‖.
                let woi = wo.row(i);
                assert_close(
                    "eigvalsh vs values_only",
                    &woi,
                    &SymmetricEigen::values_only(&ai).unwrap(),
                    n,
                );
                let norm = verify::norm1(&ai).to_f64();
                for (x, y) in woi.iter().zip(wi.iter()) {
                    assert!((*x - *y).abs().to_f64() <= 50.0 * n as f64 * eps::<T>() * norm);
                }
            }
        }
    }
}
per_scalar!(eigh, eigh_body);

fn svd_body<T: Scalar>() {
    for (m, n) in RECT {
        let k = m.min(n);
        let a0 = general::<T>(NB, m, n, 51 + (m * 10 + n) as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let (u, s, vt) = batch::svd_with(&a, BatchParallelism::Sequential).unwrap();
            let so = batch::svdvals_with(&a, BatchParallelism::Sequential).unwrap();
            assert_eq!(
                (u.dim(), s.dim(), vt.dim()),
                ((NB, m, k), (NB, k), (NB, k, n))
            );
            for par in MODES {
                let (u2, s2, vt2) = batch::svd_with(&a, par).unwrap();
                assert_close("svd u: modes", &u2, &u, m.max(n));
                assert_close("svd s: modes", &s2, &s, m.max(n));
                assert_close("svd vt: modes", &vt2, &vt, m.max(n));
                assert_close(
                    "svdvals: modes",
                    &batch::svdvals_with(&a, par).unwrap(),
                    &so,
                    m.max(n),
                );
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let (ui, si, vti) = (
                    u.index_axis(Axis(0), i),
                    s.row(i),
                    vt.index_axis(Axis(0), i),
                );
                let c = ctx(layout, a.dim(), i);
                check_ratio(
                    &format!("batch svd {}", T::NAME),
                    verify::svd_ratio(&ai, &ui, &si, &vti),
                    verify::SVD_THRESHOLD,
                    &c,
                );
                check_ratio(
                    &format!("batch svd orth u {}", T::NAME),
                    verify::orthogonality_ratio(&ui),
                    verify::SVD_THRESHOLD,
                    &c,
                );
                let v = vti.t().mapv(|x| x.conj());
                check_ratio(
                    &format!("batch svd orth v {}", T::NAME),
                    verify::orthogonality_ratio(&v),
                    verify::SVD_THRESHOLD,
                    &c,
                );
                let f = Svd::new(&ai).unwrap();
                assert_close("svd u vs Svd", &ui, &f.u(), m.max(n));
                assert_close("svd s vs Svd", &si, &f.s(), m.max(n));
                assert_close("svd vt vs Svd", &vti, &f.vt(), m.max(n));
                let soi = so.row(i);
                assert_close(
                    "svdvals vs Svd::values",
                    &soi,
                    &Svd::values(&ai).unwrap(),
                    m.max(n),
                );
                // Singular values are perturbed by at most ‖E‖₂ ≤ max(m, n)·ε·σ₁·c.
                let s1 = si.iter().fold(0.0f64, |x, y| x.max(y.to_f64()));
                for (x, y) in soi.iter().zip(si.iter()) {
                    assert!((*x - *y).abs().to_f64() <= 50.0 * m.max(n) as f64 * eps::<T>() * s1);
                }
            }
        }
    }
}
per_scalar!(svd, svd_body);

fn lu_body<T: Scalar>() {
    for n in SQUARE {
        let a0 = general::<T>(NB, n, n, 61 + n as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let f = batch::lu_with(&a, BatchParallelism::Sequential).unwrap();
            assert_eq!(
                (f.perm.dim(), f.l.dim(), f.u.dim()),
                ((NB, n), (NB, n, n), (NB, n, n))
            );
            for par in MODES {
                let g = batch::lu_with(&a, par).unwrap();
                assert_eq!(g.perm, f.perm); // exact: integer pivots of the same computation
                assert_close("lu l: modes", &g.l, &f.l, n);
                assert_close("lu u: modes", &g.u, &f.u, n);
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let perm: Vec<usize> = f.perm.row(i).to_vec();
                let pa = ai.select(Axis(0), &perm);
                let (li, ui) = (f.l.index_axis(Axis(0), i), f.u.index_axis(Axis(0), i));
                let r = verify::reconstruction_ratio(&pa, &li.dot(&ui), n);
                check_ratio(
                    &format!("batch lu {}", T::NAME),
                    r,
                    verify::LIN_THRESHOLD,
                    &ctx(layout, a.dim(), i),
                );
                let lu = Lu::new(&ai).unwrap();
                assert_eq!(perm, lu.perm()); // exact: integer pivots of the same computation
                assert_close("lu l vs Lu", &li, &lu.l(), n);
                assert_close("lu u vs Lu", &ui, &lu.u(), n);
            }
        }
    }
}
per_scalar!(lu, lu_body);

fn qr_body<T: Scalar>() {
    for (m, n) in RECT {
        let k = m.min(n);
        let a0 = general::<T>(NB, m, n, 71 + (m * 10 + n) as u64);
        for layout in LAYOUTS {
            let st = Stack::new(&a0, layout);
            let a = st.view();
            let (q, r) = batch::qr_with(&a, BatchParallelism::Sequential).unwrap();
            assert_eq!((q.dim(), r.dim()), ((NB, m, k), (NB, k, n)));
            for par in MODES {
                let (q2, r2) = batch::qr_with(&a, par).unwrap();
                assert_close("qr q: modes", &q2, &q, m);
                assert_close("qr r: modes", &r2, &r, m);
            }
            for i in 0..NB {
                let ai = sl(&a, i);
                let (qi, ri) = (q.index_axis(Axis(0), i), r.index_axis(Axis(0), i));
                let c = ctx(layout, a.dim(), i);
                check_ratio(
                    &format!("batch qr {}", T::NAME),
                    verify::qr_ratio(&ai, &qi, &ri),
                    verify::LIN_THRESHOLD,
                    &c,
                );
                check_ratio(
                    &format!("batch qr orth {}", T::NAME),
                    verify::orthogonality_ratio(&qi),
                    verify::LIN_THRESHOLD,
                    &c,
                );
                let f = Qr::new(&ai).unwrap();
                assert_close("qr q vs Qr", &qi, &f.q(), m);
                assert_close("qr r vs Qr", &ri, &f.r(), m);
            }
        }
    }
}
per_scalar!(qr, qr_body);

/// LAPACK's dqrt17-style least-squares ratio `‖Aᴴ·(B − A·X)‖₁ / (max(m, n)·‖A‖₁·(‖A‖₁·‖X‖₁ +
/// ‖B‖₁)·ε)` (0 at the exact minimizer whatever the residual).
fn lstsq_ratio<T: Scalar>(a: &Array2<T>, x: &Array2<T>, b: &Array2<T>) -> f64 {
    let (m, n) = a.dim();
    let r = b - &a.dot(x);
    let ahr = a.t().mapv(|v| v.conj()).dot(&r);
    let an = verify::norm1(a).to_f64();
    let denom = m.max(n) as f64
        * an
        * (an * verify::norm1(x).to_f64() + verify::norm1(b).to_f64())
        * eps::<T>();
    verify::norm1(&ahr).to_f64() / denom
}

fn lstsq_body<T: Scalar>() {
    for (m, n) in RECT {
        let a0 = general::<T>(NB, m, n, 81 + (m * 10 + n) as u64);
        let b0 = general::<T>(NB, m, 2, 82 + (m * 10 + n) as u64);
        let bv0 = general::<T>(1, NB, m, 83 + (m * 10 + n) as u64).index_axis_move(Axis(0), 0);
        for layout in LAYOUTS {
            let (sa, sb) = (Stack::new(&a0, layout), Stack::new(&b0, layout));
            let (a, b) = (sa.view(), sb.view());
            let r = batch::lstsq_with(&a, &b, BatchParallelism::Sequential).unwrap();
            let rv = batch::lstsq_vec_with(&a, &bv0, BatchParallelism::Sequential).unwrap();
            assert_eq!(r.solution.dim(), (NB, n, 2));
            assert_eq!(rv.solution.dim(), (NB, n));
            for par in MODES {
                let r2 = batch::lstsq_with(&a, &b, par).unwrap();
                assert_close("lstsq: modes", &r2.solution, &r.solution, m.max(n));
                assert_eq!(r2.rank, r.rank); // exact: integer ranks of the same computation
                let rv2 = batch::lstsq_vec_with(&a, &bv0, par).unwrap();
                assert_close("lstsq_vec: modes", &rv2.solution, &rv.solution, m.max(n));
            }
            for i in 0..NB {
                let (ai, bi) = (sl(&a, i), sl(&b, i));
                let xi = r.solution.index_axis(Axis(0), i).to_owned();
                let c = ctx(layout, a.dim(), i);
                check_ratio(
                    &format!("batch lstsq {}", T::NAME),
                    lstsq_ratio(&ai, &xi, &bi),
                    verify::LIN_THRESHOLD,
                    &c,
                );
                let want = ndfactor::lstsq(&ai, &bi).unwrap();
                assert_close("lstsq vs lstsq", &xi, &want.solution, m.max(n));
                assert_eq!(r.rank[i], want.rank); // exact: integer rank
                assert_eq!(r.rank[i], m.min(n)); // Gaussian slices have full rank
                assert_close(
                    "lstsq σ vs lstsq",
                    &r.singular_values.row(i),
                    &want.singular_values,
                    m.max(n),
                );
                let bvi = bv0.row(i).to_owned();
                let xvi = rv.solution.row(i).to_owned();
                let rr = lstsq_ratio(
                    &ai,
                    &xvi.clone().insert_axis(Axis(1)),
                    &bvi.clone().insert_axis(Axis(1)),
                );
                check_ratio(
                    &format!("batch lstsq_vec {}", T::NAME),
                    rr,
                    verify::LIN_THRESHOLD,
                    &c,
                );
                assert_close(
                    "lstsq_vec vs lstsq",
                    &xvi,
                    &ndfactor::lstsq(&ai, &bvi).unwrap().solution,
                    m.max(n),
                );
            }
        }
    }
}
per_scalar!(lstsq, lstsq_body);

fn batch_index(e: Error) -> (usize, Error) {
    match e {
        Error::Batch { index, source } => (index, *source),
        other => panic!("expected Error::Batch, got {other:?}"),
    }
}

fn errors_body<T: Scalar>() {
    let n = 4;
    for par in [BatchParallelism::Sequential, BatchParallelism::Rayon] {
        // Slice 2 of 5 exactly singular (zero), the others regular.
        let mut a0 = spd::<T>(NB, n, 91);
        a0.index_axis_mut(Axis(0), 2).fill(T::zero());
        let b0 = general::<T>(NB, n, 1, 92);
        for layout in LAYOUTS {
            let (sa, sb) = (Stack::new(&a0, layout), Stack::new(&b0, layout));
            let (a, b) = (sa.view(), sb.view());
            let e = batch::solve_with(&a, &b, par).unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains("matrix 2 of the batch"), "{msg}");
            assert!(matches!(batch_index(e), (2, Error::Singular { index: 1 })));
            let bv = b.index_axis(Axis(2), 0);
            assert!(matches!(
                batch_index(batch::solve_vec_with(&a, &bv, par).unwrap_err()),
                (2, Error::Singular { .. })
            ));
            assert!(matches!(
                batch_index(batch::inv_with(&a, par).unwrap_err()),
                (2, Error::Singular { .. })
            ));
            assert!(matches!(
                batch_index(batch::cholesky_with(&a, par).unwrap_err()),
                (2, Error::NotPositiveDefinite { index: 1 })
            ));
            // Singular slices still have a determinant, an LU, a spectrum and an SVD.
            let d = batch::det_with(&a, par).unwrap();
            assert_eq!(d[2], T::zero()); // exact: an exactly zero pivot
            let (sign, ln) = batch::slogdet_with(&a, par).unwrap();
            assert!(sign[2] == T::zero() && ln[2] == T::Real::neg_infinity()); // exact: defined values
            assert!(batch::lu_with(&a, par).is_ok());
            assert!(batch::eigh_with(&a, par).is_ok());
            let ls = batch::lstsq_with(&a, &b, par).unwrap();
            assert_eq!(ls.rank.to_vec(), vec![n, n, 0, n, n]);
        }

        // NaN in slice 3 (lower triangle, read by every routine) and a singular slice 4: the
        // first failing slice, 3, is reported, with the slice's own error.
        let mut a0 = spd::<T>(NB, n, 93);
        a0[(3, 2, 1)] = T::from_real(T::Real::nan());
        a0.index_axis_mut(Axis(0), 4).fill(T::zero());
        let b0 = general::<T>(NB, n, 1, 94);
        for layout in LAYOUTS {
            let (sa, sb) = (Stack::new(&a0, layout), Stack::new(&b0, layout));
            let (a, b) = (sa.view(), sb.view());
            let nan = |e: Error| {
                let (i, src) = batch_index(e);
                assert_eq!(i, 3, "{src:?}");
                assert_eq!(src, Error::NonFinite { row: 2, col: 1 });
            };
            nan(batch::solve_with(&a, &b, par).unwrap_err());
            nan(batch::solve_vec_with(&a, &b.index_axis(Axis(2), 0), par).unwrap_err());
            nan(batch::inv_with(&a, par).unwrap_err());
            nan(batch::det_with(&a, par).unwrap_err());
            nan(batch::slogdet_with(&a, par).unwrap_err());
            nan(batch::cholesky_with(&a, par).unwrap_err());
            nan(batch::eigh_with(&a, par).unwrap_err());
            nan(batch::eigvalsh_with(&a, par).unwrap_err());
            nan(batch::svd_with(&a, par).unwrap_err());
            nan(batch::svdvals_with(&a, par).unwrap_err());
            nan(batch::lu_with(&a, par).unwrap_err());
            nan(batch::qr_with(&a, par).unwrap_err());
            nan(batch::lstsq_with(&a, &b, par).unwrap_err());
            nan(batch::lstsq_vec_with(&a, &b.index_axis(Axis(2), 0), par).unwrap_err());
        }

        // NaN in the right-hand side of slice 1 only.
        let a0 = spd::<T>(NB, n, 95);
        let mut b0 = general::<T>(NB, n, 1, 96);
        b0[(1, 3, 0)] = T::from_real(T::Real::infinity());
        let (i, src) = batch_index(batch::solve_with(&a0, &b0, par).unwrap_err());
        assert!(i == 1 && matches!(src, Error::NonFinite { .. }), "{src:?}");
        let (i, src) = batch_index(batch::lstsq_with(&a0, &b0, par).unwrap_err());
        assert!(i == 1 && matches!(src, Error::NonFinite { .. }), "{src:?}");
    }
}
per_scalar!(errors, errors_body);

/// Failures in many slices under rayon: always the lowest index, whatever the scheduling.
#[test]
fn rayon_reports_the_lowest_failing_slice() {
    let mut a =
        Array3::<f64>::from_shape_fn((64, 3, 3), |(_, i, j)| if i == j { 2.0 } else { 0.1 });
    for k in [9, 17, 40, 63] {
        a.index_axis_mut(Axis(0), k).fill(0.0);
    }
    for _ in 0..20 {
        let (i, _) = batch_index(batch::inv_with(&a, BatchParallelism::Rayon).unwrap_err());
        assert_eq!(i, 9);
    }
}

fn empty_body<T: Scalar>() {
    for par in MODES {
        let a = Array3::<T>::zeros((0, 3, 3));
        assert_eq!(
            batch::solve_with(&a, &Array3::<T>::zeros((0, 3, 2)), par)
                .unwrap()
                .dim(),
            (0, 3, 2)
        );
        assert_eq!(
            batch::solve_vec_with(&a, &Array2::<T>::zeros((0, 3)), par)
                .unwrap()
                .dim(),
            (0, 3)
        );
        assert_eq!(batch::inv_with(&a, par).unwrap().dim(), (0, 3, 3));
        assert_eq!(batch::det_with(&a, par).unwrap().len(), 0);
        let (s, l) = batch::slogdet_with(&a, par).unwrap();
        assert_eq!((s.len(), l.len()), (0, 0));
        assert_eq!(batch::cholesky_with(&a, par).unwrap().dim(), (0, 3, 3));
        let (w, v) = batch::eigh_with(&a, par).unwrap();
        assert_eq!((w.dim(), v.dim()), ((0, 3), (0, 3, 3)));
        assert_eq!(batch::eigvalsh_with(&a, par).unwrap().dim(), (0, 3));
        let f = batch::lu_with(&a, par).unwrap();
        assert_eq!(
            (f.perm.dim(), f.l.dim(), f.u.dim()),
            ((0, 3), (0, 3, 3), (0, 3, 3))
        );
        let a = Array3::<T>::zeros((0, 5, 2));
        let (u, s, vt) = batch::svd_with(&a, par).unwrap();
        assert_eq!((u.dim(), s.dim(), vt.dim()), ((0, 5, 2), (0, 2), (0, 2, 2)));
        assert_eq!(batch::svdvals_with(&a, par).unwrap().dim(), (0, 2));
        let (q, r) = batch::qr_with(&a, par).unwrap();
        assert_eq!((q.dim(), r.dim()), ((0, 5, 2), (0, 2, 2)));
        let ls = batch::lstsq_with(&a, &Array3::<T>::zeros((0, 5, 1)), par).unwrap();
        assert_eq!(
            (ls.solution.dim(), ls.rank.len(), ls.singular_values.dim()),
            ((0, 2, 1), 0, (0, 2))
        );
        let ls = batch::lstsq_vec_with(&a, &Array2::<T>::zeros((0, 5)), par).unwrap();
        assert_eq!(ls.solution.dim(), (0, 2));
        // Shape checks still apply to an empty stack.
        assert!(matches!(
            batch::inv_with(&a, par),
            Err(Error::NotSquare { rows: 5, cols: 2 })
        ));
    }
    // Empty slices in a non-empty batch: det of 0×0 is 1, as in the in-core routines.
    let a = Array3::<T>::zeros((3, 0, 0));
    assert!(batch::det(&a).unwrap().iter().all(|&d| d == T::one())); // exact: defined value
    assert_eq!(
        batch::solve(&a, &Array3::<T>::zeros((3, 0, 2)))
            .unwrap()
            .dim(),
        (3, 0, 2)
    );
    let (u, s, vt) = batch::svd(&Array3::<T>::zeros((2, 4, 0))).unwrap();
    assert_eq!((u.dim(), s.dim(), vt.dim()), ((2, 4, 0), (2, 0), (2, 0, 0)));
}
per_scalar!(empty, empty_body);

fn shapes_body<T: Scalar>() {
    let a = Array3::<T>::zeros((2, 3, 3));
    let rect = Array3::<T>::zeros((2, 3, 4));
    let not_square = |r: ndfactor::Result<()>| {
        assert!(
            matches!(r, Err(Error::NotSquare { rows: 3, cols: 4 })),
            "{r:?}"
        )
    };
    not_square(batch::solve(&rect, &Array3::<T>::zeros((2, 3, 1))).map(drop));
    not_square(batch::solve_vec(&rect, &Array2::<T>::zeros((2, 3))).map(drop));
    not_square(batch::inv(&rect).map(drop));
    not_square(batch::det(&rect).map(drop));
    not_square(batch::slogdet(&rect).map(drop));
    not_square(batch::cholesky(&rect).map(drop));
    not_square(batch::eigh(&rect).map(drop));
    not_square(batch::eigvalsh(&rect).map(drop));
    not_square(batch::lu(&rect).map(drop));
    let mismatch = |r: ndfactor::Result<()>, exp: usize, found: usize| match r {
        Err(Error::DimensionMismatch {
            expected, found: f, ..
        }) => assert_eq!((expected, f), (exp, found)),
        other => panic!("expected DimensionMismatch, got {other:?}"),
    };
    // Batch sizes.
    mismatch(
        batch::solve(&a, &Array3::<T>::zeros((3, 3, 1))).map(drop),
        2,
        3,
    );
    mismatch(
        batch::solve_vec(&a, &Array2::<T>::zeros((1, 3))).map(drop),
        2,
        1,
    );
    mismatch(
        batch::lstsq(&rect, &Array3::<T>::zeros((3, 3, 1))).map(drop),
        2,
        3,
    );
    mismatch(
        batch::lstsq_vec(&rect, &Array2::<T>::zeros((0, 3))).map(drop),
        2,
        0,
    );
    // Rows of b.
    mismatch(
        batch::solve(&a, &Array3::<T>::zeros((2, 4, 1))).map(drop),
        3,
        4,
    );
    mismatch(
        batch::solve_vec(&a, &Array2::<T>::zeros((2, 2))).map(drop),
        3,
        2,
    );
    mismatch(
        batch::lstsq(&rect, &Array3::<T>::zeros((2, 4, 1))).map(drop),
        3,
        4,
    );
    mismatch(
        batch::lstsq_vec(&rect, &Array2::<T>::zeros((2, 4))).map(drop),
        3,
        4,
    );
}
per_scalar!(shapes, shapes_body);

/// The rayon path holds OpenBLAS at one thread and gives the previous count back.
#[test]
fn rayon_restores_the_blas_thread_count() {
    let Some(before) = ndfactor::blas_threads() else {
        eprintln!("skipped: the loaded LAPACK is {}", ndfactor::backend());
        return;
    };
    assert!(ndfactor::set_blas_threads(2));
    let a = spd::<f64>(16, 80, 97);
    let seq = batch::inv_with(&a, BatchParallelism::Sequential).unwrap();
    assert_eq!(ndfactor::blas_threads(), Some(2));
    let par = batch::inv_with(&a, BatchParallelism::Rayon).unwrap();
    assert_eq!(ndfactor::blas_threads(), Some(2));
    assert_close("inv with 2 BLAS threads vs rayon", &par, &seq, 80);
    // Also after an error.
    let mut bad = a.clone();
    bad.index_axis_mut(Axis(0), 5).fill(0.0);
    assert!(batch::inv_with(&bad, BatchParallelism::Rayon).is_err());
    assert_eq!(ndfactor::blas_threads(), Some(2));
    ndfactor::set_blas_threads(before);
}
