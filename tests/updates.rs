//! Factor updates: Cholesky rank-1 update/downdate and QrFactors insert/delete/rank-1 updates,
//! checked with LAPACK's ratios after every step of long chains, against fresh factorizations,
//! and on the failure paths (loss of definiteness, shapes, NaN/Inf, indices).
mod common;

use common::{check_ratio, for_each_layout};
use ndarray::{array, s, Array1, Array2, Axis};
use ndfactor::testing::{self, SeededRng};
use ndfactor::{verify, Cholesky, Error, QrFactors, RealScalar, Scalar, Uplo};

fn vector<T: Scalar>(n: usize, rng: &mut SeededRng) -> Array1<T> {
    testing::gaussian::<T>(n, 1, rng).column(0).to_owned()
}

fn outer<T: Scalar>(u: &Array1<T>, v: &Array1<T>) -> Array2<T> {
    let vh = v.mapv(|x| x.conj());
    u.view()
        .insert_axis(Axis(1))
        .dot(&vh.view().insert_axis(Axis(0)))
}

fn real<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// `‖A − B‖_F / ‖A‖_F`.
fn rel_diff<T: Scalar>(a: &Array2<T>, b: &Array2<T>) -> T::Real {
    verify::norm_fro(&(a - b)) / verify::norm_fro(a)
}

/// `‖p‖²` for `Rᴴp = x` with `A = RᴴR`: the downdate of `A` by `x` has condition about
/// `1/(1 − ‖p‖²)`.
fn downdate_margin<T: Scalar>(ch: &Cholesky<T>, x: &Array1<T>) -> T::Real {
    let l = ch.l();
    let n = x.len();
    let mut p = vec![T::zero(); n];
    for j in 0..n {
        let mut t = x[j];
        for i in 0..j {
            t -= l[(j, i)] * p[i];
        }
        p[j] = t / l[(j, j)];
    }
    real::<T>(1.0) - p.iter().fold(real::<T>(0.0), |s, v| s + v.abs_sqr())
}

/// A chain of updates and downdates of the same vectors (so the matrix stays well conditioned):
/// after each step ‖A' − L·Lᴴ‖₁/(n·‖A'‖₁·ε) stays below LAPACK's threshold, times the
/// conditioning 1/(1 − ‖p‖²) of the downdate for downdates (the LINPACK downdate is backward
/// stable relative to that factor, not absolutely). At the end the factor is compared with a
/// fresh Cholesky factorization: Cholesky factors are unique, and the relative perturbation of
/// `L` is bounded by about κ₁(A')·(backward error), so the tolerance is
/// `steps·n·ε·κ₁(A')·LIN_THRESHOLD` with κ₁ from the fresh factor's rcond.
fn cholesky_chain<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e01);
    let eps = T::eps();
    for &n in &[1usize, 2, 3, 17, 64] {
        for uplo in [Uplo::Lower, Uplo::Upper] {
            let mut a: Array2<T> = testing::random_spd::<T>(n, real::<T>(10.0), &mut rng);
            let mut ch = Cholesky::with_uplo(&a, uplo).unwrap();
            let mut added: Vec<Array1<T>> = Vec::new();
            let steps = 40;
            for step in 0..steps {
                let ctx = || format!("{} n={n} {uplo:?} step={step}", T::NAME);
                // Two updates, then one downdate of the oldest vector still added.
                let down = step % 3 == 2 && !added.is_empty();
                let threshold = if down {
                    let x = added.remove(0);
                    let margin = downdate_margin(&ch, &x);
                    assert!(margin > real::<T>(0.0), "{}", ctx());
                    a = &a - &outer(&x, &x);
                    ch.downdate(&x).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                    verify::LIN_THRESHOLD / margin.to_f64()
                } else {
                    let x = vector::<T>(n, &mut rng).mapv(|v| v.scale(real::<T>(0.7)));
                    a = &a + &outer(&x, &x);
                    ch.update(&x).unwrap();
                    added.push(x);
                    verify::LIN_THRESHOLD
                };
                check_ratio(
                    &format!(
                        "cholesky/{} {}",
                        if down { "downdate" } else { "update" },
                        T::NAME
                    ),
                    verify::cholesky_ratio(&a, &ch),
                    threshold,
                    &ctx,
                );
                // Factor stays triangular with a real positive diagonal.
                let l = ch.l();
                for i in 0..n {
                    assert!(l[(i, i)].im() == real::<T>(0.0) && l[(i, i)].re() > real::<T>(0.0));
                    for j in i + 1..n {
                        assert!(l[(i, j)] == T::zero(), "{}", ctx()); // exact: zero by construction
                    }
                }
            }
            let fresh = Cholesky::with_uplo(&a, uplo).unwrap();
            let kappa = T::Real::from_f64(1.0) / fresh.rcond();
            let tol = real::<T>(steps as f64 * n as f64 * verify::LIN_THRESHOLD) * eps * kappa;
            let d = rel_diff(&fresh.l(), &ch.l());
            check_ratio(
                &format!("cholesky/vs-fresh (×tol) {}", T::NAME),
                d / tol,
                1.0,
                &|| format!("{} n={n} {uplo:?} κ₁={kappa:e}", T::NAME),
            );
        }
    }
}
per_scalar!(cholesky_update_chain, cholesky_chain);

/// Rank-k update and downdate, with X taken from every layout (results bitwise equal across
/// layouts: the columns are read in logical order).
fn cholesky_rank_k<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e02);
    for &(n, k) in &[(1usize, 1usize), (5, 3), (30, 7)] {
        let a: Array2<T> = testing::random_spd::<T>(n, real::<T>(100.0), &mut rng);
        let x: Array2<T> = testing::gaussian::<T>(n, k, &mut rng).mapv(|v| v.scale(real::<T>(0.5)));
        let xxh = x.dot(&x.t().mapv(|v| v.conj()));
        let a2 = &a + &xxh;
        let mut reference: Option<Array2<T>> = None;
        for_each_layout(&x, |layout, xv| {
            let mut ch = Cholesky::new(&a).unwrap();
            ch.update_rank_k(&xv).unwrap();
            let ctx = || format!("{} n={n} k={k} {layout:?}", T::NAME);
            check_ratio(
                &format!("cholesky/rank-k update {}", T::NAME),
                verify::cholesky_ratio(&a2, &ch),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            match &reference {
                None => reference = Some(ch.l()),
                Some(l) => assert_eq!(l, &ch.l(), "{}", ctx()), // exact: same arithmetic in the same order
            }
            let mut worst = real::<T>(1.0);
            let mut probe = Cholesky::new(&a2).unwrap();
            for c in x.columns() {
                worst = worst.min(downdate_margin(&probe, &c.to_owned()));
                probe.downdate(&c).unwrap();
            }
            ch.downdate_rank_k(&xv).unwrap();
            check_ratio(
                &format!("cholesky/rank-k downdate {}", T::NAME),
                verify::cholesky_ratio(&a, &ch),
                verify::LIN_THRESHOLD / worst.to_f64(),
                &ctx,
            );
        });
    }
}
per_scalar!(cholesky_rank_k_updates, cholesky_rank_k);

/// A downdate that loses definiteness fails with the first failing minor, and the factor is
/// left bitwise unchanged; so do NaN/Inf and wrong lengths.
fn cholesky_errors<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e03);
    let n = 6;
    let a: Array2<T> = testing::random_spd::<T>(n, real::<T>(50.0), &mut rng);
    for uplo in [Uplo::Lower, Uplo::Upper] {
        let mut ch = Cholesky::with_uplo(&a, uplo).unwrap();
        let before = ch.factor().to_owned();
        // x = L·y gives p = y: ‖y[..k]‖² = 0.36, 0.72, 1.08 → minor 3 fails; the margin 0.08 is
        // far above the rounding of p (κ(L)·n·ε).
        let y = Array1::from_elem(n, T::from_f64(0.6));
        let x = ch.l().dot(&y);
        assert_eq!(
            ch.downdate(&x),
            Err(Error::NotPositiveDefinite { index: 3 })
        );
        assert_eq!(ch.factor(), before); // exact: untouched on error
                                         // Exactly singular result: A = I, x = e₂ (p = e₂, ‖p‖ = 1 exactly).
        let mut eye = Cholesky::with_uplo(&Array2::<T>::eye(4), uplo).unwrap();
        let mut e2 = Array1::zeros(4);
        e2[2] = T::one();
        assert_eq!(
            eye.downdate(&e2),
            Err(Error::NotPositiveDefinite { index: 3 })
        );
        assert_eq!(eye.l(), Array2::<T>::eye(4)); // exact: untouched on error
                                                  // Rank-k downdate whose second column fails: atomic.
        let xs = ndarray::stack![Axis(1), x.mapv(|v| v.scale(real::<T>(0.1))), x];
        assert!(matches!(
            ch.downdate_rank_k(&xs),
            Err(Error::NotPositiveDefinite { .. })
        ));
        assert_eq!(ch.factor(), before); // exact: untouched on error
        for bad in [T::Real::nan(), T::Real::infinity(), T::Real::neg_infinity()] {
            let mut xb = vector::<T>(n, &mut rng);
            xb[4] = T::from_parts(real::<T>(1.0), bad);
            if !T::IS_COMPLEX {
                xb[4] = T::from_real(bad);
            }
            assert_eq!(ch.update(&xb), Err(Error::NonFinite { row: 4, col: 0 }));
            assert_eq!(ch.downdate(&xb), Err(Error::NonFinite { row: 4, col: 0 }));
            let mut xm = Array2::<T>::zeros((n, 2));
            xm[(1, 1)] = xb[4];
            assert_eq!(
                ch.update_rank_k(&xm),
                Err(Error::NonFinite { row: 1, col: 1 })
            );
            assert_eq!(ch.factor(), before); // exact: untouched on error
        }
        assert!(matches!(
            ch.update(&Array1::<T>::zeros(n + 1)),
            Err(Error::DimensionMismatch {
                expected: 6,
                found: 7,
                ..
            })
        ));
        assert!(matches!(
            ch.downdate_rank_k(&Array2::<T>::zeros((n - 1, 2))),
            Err(Error::DimensionMismatch { .. })
        ));
        // Updating by zero changes nothing.
        ch.update(&Array1::zeros(n)).unwrap();
        assert_eq!(ch.factor(), before); // exact: rotations with s = 0, c = 1
    }
    // Empty: a no-op.
    let mut empty = Cholesky::new(&Array2::<T>::zeros((0, 0))).unwrap();
    empty.update(&Array1::<T>::zeros(0)).unwrap();
    empty.downdate(&Array1::<T>::zeros(0)).unwrap();
    assert_eq!(empty.n(), 0);
}
per_scalar!(cholesky_update_errors, cholesky_errors);

/// One QR step on the tracked matrix `a` and the factors.
fn qr_step<T: Scalar>(
    op: usize,
    a: &mut Array2<T>,
    f: &mut QrFactors<T>,
    rng: &mut SeededRng,
) -> &'static str {
    let (m, n) = a.dim();
    let pick = |rng: &mut SeededRng, hi: usize| -> usize {
        // a deterministic position in 0..=hi from the seeded stream
        let v: Array1<f64> = testing::gaussian::<f64>(1, 1, rng).column(0).to_owned();
        ((v[0].abs() * 7919.0) as usize) % (hi + 1)
    };
    match op {
        0 => {
            let k = pick(rng, n);
            let u = vector::<T>(m, rng);
            f.insert_col(k, &u).unwrap();
            let mut b = Array2::zeros((m, n + 1));
            b.slice_mut(s![.., ..k]).assign(&a.slice(s![.., ..k]));
            b.column_mut(k).assign(&u);
            b.slice_mut(s![.., k + 1..]).assign(&a.slice(s![.., k..]));
            *a = b;
            "insert_col"
        }
        1 => {
            let k = pick(rng, n - 1);
            f.delete_col(k).unwrap();
            a.remove_index(Axis(1), k);
            "delete_col"
        }
        2 => {
            let k = pick(rng, m);
            let w = vector::<T>(n, rng);
            f.insert_row(k, &w).unwrap();
            let mut b = Array2::zeros((m + 1, n));
            b.slice_mut(s![..k, ..]).assign(&a.slice(s![..k, ..]));
            b.row_mut(k).assign(&w);
            b.slice_mut(s![k + 1.., ..]).assign(&a.slice(s![k.., ..]));
            *a = b;
            "insert_row"
        }
        3 => {
            let k = pick(rng, m - 1);
            f.delete_row(k).unwrap();
            a.remove_index(Axis(0), k);
            "delete_row"
        }
        _ => {
            let u = vector::<T>(m, rng);
            let v = vector::<T>(n, rng).mapv(|x| x.scale(real::<T>(0.5)));
            f.update(&u, &v).unwrap();
            *a = &*a + &outer(&u, &v);
            "update"
        }
    }
}

/// Full or thin factors of `a`.
fn make<T: Scalar>(thin: bool, a: &Array2<T>) -> ndfactor::Result<QrFactors<T>> {
    if thin {
        QrFactors::new_thin(a)
    } else {
        QrFactors::new(a)
    }
}

fn check_qr<T: Scalar>(a: &Array2<T>, f: &QrFactors<T>, name: &str, ctx: &dyn Fn() -> String) {
    let (m, n) = a.dim();
    let p = if f.is_thin() { m.min(n) } else { m };
    assert_eq!(f.q().dim(), (m, p), "{}", ctx());
    assert_eq!(f.r().dim(), (p, n), "{}", ctx());
    let resid = verify::norm1(&(a - &f.q().dot(&f.r())));
    check_ratio(
        &format!("qr/{name} ‖A−QR‖ {}", T::NAME),
        verify::ratio::<T>(resid, verify::norm1(a), m.max(n)),
        verify::LIN_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("qr/{name} ‖I−QᴴQ‖ {}", T::NAME),
        verify::orthogonality_ratio(&f.q()),
        verify::LIN_THRESHOLD,
        ctx,
    );
    for j in 0..n {
        for i in j + 1..p {
            assert!(f.r()[(i, j)] == T::zero(), "R({i},{j}) {}", ctx()); // exact: zeroed by construction
        }
    }
}

/// Chains of 60 random updates from several starting shapes; after every step the LAPACK
/// ratios ‖A' − QR‖₁/(max(m,n)·‖A'‖₁·ε) and ‖I − QᴴQ‖₁/(m·ε) stay below the threshold (no drift
/// past it), and R is exactly upper trapezoidal. Shapes stay within 1..=40 so every operation
/// is possible.
fn qr_chain_in<T: Scalar>(thin: bool) {
    let mut rng = testing::rng(0x00d4_7e04);
    for &(m, n) in &[
        (1usize, 1usize),
        (3, 2),
        (2, 5),
        (12, 4),
        (25, 25),
        (40, 13),
    ] {
        let mut a: Array2<T> = testing::gaussian::<T>(m, n, &mut rng);
        let mut f = make(thin, &a).unwrap();
        check_qr(&a, &f, "factor", &|| {
            format!("{} {m}×{n}", T::NAME) + if thin { " thin" } else { "" }
        });
        for step in 0..60 {
            let (mm, nn) = a.dim();
            let mut op = (step * 7 + 3) % 5;
            if (op == 1 && nn <= 1) || (op == 0 && nn >= 40) {
                op = 4;
            }
            if (op == 3 && mm <= 1) || (op == 2 && mm >= 40) {
                op = 4;
            }
            let name = qr_step(op, &mut a, &mut f, &mut rng);
            let dims = a.dim();
            check_qr(&a, &f, name, &|| {
                format!("{} start {m}×{n} step {step} {name} now {dims:?}", T::NAME)
                    + if thin { " thin" } else { "" }
            });
        }
    }
}
fn qr_chain<T: Scalar>() {
    qr_chain_in::<T>(false);
}
fn qr_chain_thin<T: Scalar>() {
    qr_chain_in::<T>(true);
}
per_scalar!(qr_update_chain, qr_chain);
per_scalar!(qr_update_chain_thin, qr_chain_thin);

/// After each kind of update, R agrees with a fresh factorization of the new matrix up to the
/// phases of its rows (full column rank, m ≥ n): ‖R − D·R_fresh‖_F/‖R‖_F ≤ c·κ₂(A')·m·ε, the
/// QR perturbation bound (‖ΔR‖/‖R‖ ≲ κ₂·‖ΔA‖/‖A‖) applied to backward errors of LIN_THRESHOLD
/// units for both factorizations.
fn qr_vs_fresh<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e05);
    let eps = T::eps();
    for &(m, n) in &[(4usize, 3usize), (30, 10), (20, 19)] {
        for op in 0..5 {
            let thin = op % 2 == 1 || m == 30;
            let mut a: Array2<T> = testing::gaussian::<T>(m, n, &mut rng);
            let mut f = make(thin, &a).unwrap();
            let name = qr_step(op, &mut a, &mut f, &mut rng);
            let (mm, nn) = a.dim();
            if mm < nn {
                continue;
            }
            let fresh = make(thin, &a).unwrap();
            let (r, r0) = (f.r().to_owned(), fresh.r().to_owned());
            let mut aligned = r0.clone();
            for i in 0..nn {
                let (d, d0) = (r[(i, i)], r0[(i, i)]);
                let phase = (d / d0).scale(d0.abs() / d.abs());
                aligned.row_mut(i).mapv_inplace(|x| x * phase);
            }
            let kappa = ndfactor::cond(&a).unwrap();
            let tol = real::<T>(2.0 * verify::LIN_THRESHOLD * mm as f64) * eps * kappa;
            check_ratio(
                &format!("qr/vs-fresh {name} (×tol) {}", T::NAME),
                rel_diff(&aligned, &r) / tol,
                1.0,
                &|| format!("{} {m}×{n} {name} thin={thin} κ₂={kappa:e}", T::NAME),
            );
        }
    }
}
per_scalar!(qr_updates_match_fresh, qr_vs_fresh);

/// Inputs from every layout give the same factors, bitwise (Qr is layout-independent and the
/// update vectors are read in logical order).
fn qr_layouts<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e06);
    let a: Array2<T> = testing::gaussian::<T>(9, 5, &mut rng);
    let vecs: Array2<T> = testing::gaussian::<T>(10, 6, &mut rng);
    let mut reference: Option<(Array2<T>, Array2<T>)> = None;
    for_each_layout(&a, |layout, av| {
        let mut f = QrFactors::new(&av).unwrap();
        let lm = testing::LayoutMatrix::new(&vecs, layout);
        let w = lm.view();
        f.insert_col(2, &w.column(0).slice(s![..9])).unwrap(); // 9×6
        f.insert_row(4, &w.row(1)).unwrap(); // 10×6
        f.update(&w.column(2), &w.row(3)).unwrap();
        f.update(&w.column(4).slice(s![..;-1]), &w.row(5).slice(s![..;-1]))
            .unwrap();
        let got = (f.q().to_owned(), f.r().to_owned());
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(r, &got, "{layout:?}"), // exact: same arithmetic in the same order
        }
    });
}
per_scalar!(qr_update_layouts, qr_layouts);

/// Errors: wrong lengths, out-of-range indices, NaN/Inf (checked before anything changes, so
/// the factors stay bitwise equal), and the empty shapes.
fn qr_errors<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e07);
    let a: Array2<T> = testing::gaussian::<T>(5, 3, &mut rng);
    let mut f = QrFactors::new(&a).unwrap();
    let (q0, r0) = (f.q().to_owned(), f.r().to_owned());
    let unchanged = |f: &QrFactors<T>| f.q() == q0 && f.r() == r0;
    assert!(matches!(
        f.insert_col(1, &Array1::zeros(4)),
        Err(Error::DimensionMismatch {
            expected: 5,
            found: 4,
            ..
        })
    ));
    assert!(matches!(
        f.insert_row(1, &Array1::zeros(4)),
        Err(Error::DimensionMismatch {
            expected: 3,
            found: 4,
            ..
        })
    ));
    assert!(matches!(
        f.update(&Array1::zeros(5), &Array1::zeros(2)),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        f.insert_col(4, &Array1::zeros(5)),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        f.delete_col(3),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        f.insert_row(6, &Array1::zeros(3)),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        f.delete_row(5),
        Err(Error::InvalidArgument { .. })
    ));
    for bad in [T::Real::nan(), T::Real::infinity(), T::Real::neg_infinity()] {
        let mut u = vector::<T>(5, &mut rng);
        u[3] = T::from_real(bad);
        let v = vector::<T>(3, &mut rng);
        assert_eq!(
            f.insert_col(0, &u),
            Err(Error::NonFinite { row: 3, col: 0 })
        );
        assert_eq!(f.update(&u, &v), Err(Error::NonFinite { row: 3, col: 0 }));
        let mut vb = v.clone();
        vb[1] = T::from_parts(real::<T>(0.0), bad);
        if !T::IS_COMPLEX {
            vb[1] = T::from_real(bad);
        }
        assert_eq!(
            f.update(&vector::<T>(5, &mut rng), &vb),
            Err(Error::NonFinite { row: 1, col: 0 })
        );
        assert_eq!(
            f.insert_row(2, &vb),
            Err(Error::NonFinite { row: 1, col: 0 })
        );
    }
    assert!(matches!(
        f.update_rank_k(&Array2::<T>::zeros((5, 2)), &Array2::<T>::zeros((3, 1))),
        Err(Error::DimensionMismatch {
            expected: 2,
            found: 1,
            ..
        })
    ));
    let mut vk = Array2::<T>::zeros((3, 2));
    vk[(2, 1)] = T::from_real(T::Real::nan());
    assert_eq!(
        f.update_rank_k(&Array2::<T>::ones((5, 2)), &vk),
        Err(Error::NonFinite { row: 2, col: 1 })
    );
    assert!(unchanged(&f));
    assert!(matches!(
        QrFactors::from_parts(Array2::<T>::eye(3), Array2::<T>::zeros((2, 2))),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        QrFactors::from_parts(Array2::<T>::zeros((3, 2)), Array2::<T>::zeros((3, 2))),
        Err(Error::NotSquare { rows: 3, cols: 2 })
    ));
    // Empty shapes: delete down to nothing and build back up.
    let mut g = QrFactors::new(&array![[T::one(), T::from_f64(2.0)]]).unwrap();
    g.delete_row(0).unwrap();
    assert_eq!((g.q().dim(), g.r().dim()), ((0, 0), (0, 2)));
    assert!(matches!(
        g.delete_row(0),
        Err(Error::InvalidArgument { .. })
    ));
    g.update(&Array1::zeros(0), &Array1::zeros(2)).unwrap();
    g.delete_col(1).unwrap();
    g.delete_col(0).unwrap();
    assert!(matches!(
        g.delete_col(0),
        Err(Error::InvalidArgument { .. })
    ));
    g.insert_col(0, &Array1::zeros(0)).unwrap();
    let w = array![T::from_f64(3.0)];
    g.insert_row(0, &w).unwrap();
    g.insert_row(1, &array![T::from_f64(4.0)]).unwrap();
    let want = array![[T::from_f64(3.0)], [T::from_f64(4.0)]];
    check_qr(&want, &g, "empty-rebuild", &|| T::NAME.to_string());
    assert!(
        (g.r()[(0, 0)].abs() - real::<T>(5.0)).abs() <= real::<T>(4.0) * T::eps() * real::<T>(5.0)
    );
}
per_scalar!(qr_update_errors, qr_errors);

/// Adversarial Cholesky inputs: condition √(0.1/ε) and 0.1/ε (LAPACK's types), and matrices
/// scaled near underflow and overflow with update vectors scaled by the square root of the
/// scale. Updates stay below the threshold; each downdate (of the vector just added) below the
/// threshold times its conditioning 1/(1 − ‖p‖²).
fn cholesky_adversarial<T: Scalar>() {
    let mut rng = testing::rng(0x00d4_7e08);
    let eps = T::eps();
    let small = testing::small_scale::<T::Real>();
    for &n in &[2usize, 9, 40] {
        for (ci, cond) in [(real::<T>(0.1) / eps).sqrt(), real::<T>(0.1) / eps]
            .into_iter()
            .enumerate()
        {
            for scale in [real::<T>(1.0), small, real::<T>(1.0) / small] {
                let base: Array2<T> = testing::random_spd::<T>(n, cond, &mut rng);
                let a = base.mapv(|x| x.scale(scale));
                let ctx = || format!("{} n={n} cond#{ci} scale={scale:e}", T::NAME);
                let mut ch = match Cholesky::new(&a) {
                    Ok(c) => c,
                    // cond 0.1/ε is at the edge of numerical positive definiteness.
                    Err(Error::NotPositiveDefinite { .. }) if ci == 1 => continue,
                    Err(e) => panic!("{}: {e}", ctx()),
                };
                let x = vector::<T>(n, &mut rng).mapv(|v| v.scale(scale.sqrt()));
                let a2 = &a + &outer(&x, &x);
                ch.update(&x).unwrap();
                check_ratio(
                    &format!("cholesky/adversarial update {}", T::NAME),
                    verify::cholesky_ratio(&a2, &ch),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                let margin = downdate_margin(&ch, &x);
                match ch.downdate(&x) {
                    Ok(()) => check_ratio(
                        &format!("cholesky/adversarial downdate (×margin) {}", T::NAME),
                        verify::cholesky_ratio(&a, &ch).to_f64() * margin.to_f64(),
                        verify::LIN_THRESHOLD,
                        &ctx,
                    ),
                    // Removing x again from a matrix with condition 0.1/ε: 1 − ‖p‖² is then of
                    // the order of the rounding, and refusing is the right answer.
                    Err(Error::NotPositiveDefinite { .. })
                        if ci == 1 && margin.to_f64() < 1e3 * eps.to_f64() * n as f64 => {}
                    Err(e) => panic!("{}: {e} (margin {margin:e})", ctx()),
                }
            }
        }
    }
}
per_scalar!(cholesky_adversarial_updates, cholesky_adversarial);

/// A long chain: 400 operations (rank-1 updates interleaved with row and column insertions and
/// deletions) on a 30×10 start. The ratios after the last step stay below the threshold: the
/// rotations' errors add up like a random walk, not enough to cross it.
fn qr_long_in<T: Scalar>(thin: bool) {
    let mut rng = testing::rng(0x00d4_7e09);
    let mut a: Array2<T> = testing::gaussian::<T>(30, 10, &mut rng);
    let mut f = make(thin, &a).unwrap();
    for step in 0..400 {
        let (mm, nn) = a.dim();
        let op = match step % 8 {
            1 if nn < 20 => 0,
            3 if nn > 5 => 1,
            5 if mm < 40 => 2,
            7 if mm > 12 => 3,
            _ => 4,
        };
        let name = qr_step(op, &mut a, &mut f, &mut rng);
        if step % 50 == 49 {
            check_qr(&a, &f, &format!("long-chain {name}"), &|| {
                format!("{} step {step}", T::NAME) + if thin { " thin" } else { "" }
            });
        }
    }
}
fn qr_long<T: Scalar>() {
    qr_long_in::<T>(false);
}
fn qr_long_thin<T: Scalar>() {
    qr_long_in::<T>(true);
}
per_scalar!(qr_update_long_chain, qr_long);
per_scalar!(qr_update_long_chain_thin, qr_long_thin);

/// Rank-k QR update, degenerate inputs (zero and repeated columns, zero update vectors, the
/// identity, whose rows of Q are unit vectors) and matrices scaled near underflow and overflow:
/// the ratios stay below the threshold and R exactly upper trapezoidal.
fn qr_adversarial_in<T: Scalar>(thin: bool) {
    let mut rng = testing::rng(0x00d4_7e0a);
    let small = testing::small_scale::<T::Real>();
    for scale in [real::<T>(1.0), small, real::<T>(1.0) / small] {
        let ctx = || format!("{} scale={scale:e}", T::NAME) + if thin { " thin" } else { "" };
        // Rank-k update of a tall matrix, U and V from every layout.
        let a: Array2<T> = testing::gaussian::<T>(12, 5, &mut rng).mapv(|x| x.scale(scale));
        let u: Array2<T> = testing::gaussian::<T>(12, 3, &mut rng).mapv(|x| x.scale(scale));
        let v: Array2<T> = testing::gaussian::<T>(5, 3, &mut rng);
        let want = &a + &u.dot(&v.t().mapv(|x| x.conj()));
        for_each_layout(&u, |layout, uv| {
            let mut f = make(thin, &a).unwrap();
            f.update_rank_k(&uv, &v).unwrap();
            check_qr(&want, &f, "rank-k", &|| format!("{} {layout:?}", ctx()));
        });
        // Zero and repeated columns: R gets zero diagonal entries, rotations with f = 0.
        let mut b: Array2<T> = testing::gaussian::<T>(8, 4, &mut rng).mapv(|x| x.scale(scale));
        b.column_mut(1).fill(T::zero());
        let c0 = b.column(0).to_owned();
        b.column_mut(3).assign(&c0);
        let mut f = make(thin, &b).unwrap();
        check_qr(&b, &f, "degenerate", &ctx);
        f.insert_col(0, &Array1::zeros(8)).unwrap();
        let mut b2 = Array2::zeros((8, 5));
        b2.slice_mut(s![.., 1..]).assign(&b);
        check_qr(&b2, &f, "degenerate", &ctx);
        f.update(&Array1::zeros(8), &vector::<T>(5, &mut rng))
            .unwrap();
        f.update(&vector::<T>(8, &mut rng), &Array1::zeros(5))
            .unwrap();
        check_qr(&b2, &f, "degenerate", &ctx);
        f.delete_col(2).unwrap();
        b2.remove_index(Axis(1), 2);
        f.delete_row(7).unwrap();
        b2.remove_index(Axis(0), 7);
        check_qr(&b2, &f, "degenerate", &ctx);
        f.insert_row(0, &Array1::zeros(4)).unwrap();
        let mut b3 = Array2::zeros((8, 4));
        b3.slice_mut(s![1.., ..]).assign(&b2);
        check_qr(&b3, &f, "degenerate", &ctx);
        // The identity: every row of Q is a unit vector.
        let eye = Array2::<T>::eye(6).mapv(|x| x.scale(scale));
        let mut g = make(thin, &eye).unwrap();
        g.delete_row(2).unwrap();
        let mut e = eye.clone();
        e.remove_index(Axis(0), 2);
        check_qr(&e, &g, "identity", &ctx);
        // A tall [I; 0]: deleting row 1 removes an independent row (rank drops; thin factors
        // are completed by a direction orthogonal to Q).
        let mut tall = Array2::<T>::zeros((5, 3));
        for i in 0..3 {
            tall[(i, i)] = T::one().scale(scale);
        }
        let mut h = make(thin, &tall).unwrap();
        h.delete_row(1).unwrap();
        tall.remove_index(Axis(0), 1);
        check_qr(&tall, &h, "rank-drop", &ctx);
        h.insert_row(1, &Array1::from_elem(3, T::one().scale(scale)))
            .unwrap();
        let mut back = Array2::<T>::zeros((5, 3));
        back.row_mut(0).assign(&tall.row(0));
        back.row_mut(1).fill(T::one().scale(scale));
        back.slice_mut(s![2.., ..]).assign(&tall.slice(s![1.., ..]));
        check_qr(&back, &h, "rank-drop", &ctx);
    }
}
fn qr_adversarial<T: Scalar>() {
    qr_adversarial_in::<T>(false);
}
fn qr_adversarial_thin<T: Scalar>() {
    qr_adversarial_in::<T>(true);
}
per_scalar!(qr_update_adversarial, qr_adversarial);
per_scalar!(qr_update_adversarial_thin, qr_adversarial_thin);
