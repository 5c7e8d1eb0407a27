//! The automatic chooser: every branch and fallback, solve ratios and explanations.
mod common;

use common::{adjoint, check_ratio};
use ndarray::{array, Array2, ShapeBuilder};
use ndfactor::auto::{self, factorize, FactorizationKind};
use ndfactor::testing;
use ndfactor::{verify, ColPivQr, Error, Qr, RealScalar, Scalar};

fn solve_check<T: Scalar>(a: &Array2<T>, kind: FactorizationKind, name: &str) {
    let mut rng = testing::rng(0xfac7);
    let f = factorize(a).unwrap();
    assert_eq!(f.kind(), kind, "{}: {}", name, f.explain());
    let n = a.nrows();
    let b: Array2<T> = testing::gaussian(n, 3, &mut rng);
    let x = f.solve(&b).unwrap();
    check_ratio(
        &format!("factorize/{name} {}", T::NAME),
        verify::solve_ratio(a, &x, &b),
        verify::LIN_THRESHOLD,
        &|| f.explain(),
    );
    let b1 = b.column(0).to_owned();
    let x1 = f.solve(&b1).unwrap();
    let x1 = x1.insert_axis(ndarray::Axis(1));
    let b1 = b1.insert_axis(ndarray::Axis(1));
    check_ratio(
        &format!("factorize/{name} {}", T::NAME),
        verify::solve_ratio(a, &x1, &b1),
        verify::LIN_THRESHOLD,
        &|| f.explain(),
    );
}

fn branches<T: Scalar>() {
    let mut rng = testing::rng(0xb4a);
    for n in [3usize, 20] {
        // SPD → Cholesky.
        let spd: Array2<T> = testing::random_spd(n, T::Real::from_f64(10.0), &mut rng);
        solve_check(&spd, FactorizationKind::Cholesky, "cholesky");
        let f = factorize(&spd).unwrap();
        assert!(
            f.explain().contains("Cholesky succeeded"),
            "{}",
            f.explain()
        );
        assert!(f.explain().contains("exactly symmetric"), "{}", f.explain());
        if n < 2 {
            continue;
        }
        // Symmetric indefinite → Ldlt, explanation names the failing minor.
        let mut ind = spd.clone();
        ind[(1, 1)] = -ind[(1, 1)] - T::from_f64(100.0);
        let f = factorize(&ind).unwrap();
        solve_check(&ind, FactorizationKind::Ldlt, "ldlt");
        assert!(
            f.explain().contains("leading minor of order 2"),
            "{}",
            f.explain()
        );
        assert!(f.explain().contains("falling back to LDL"));
        // Nearly symmetric within tolerance → symmetrised, Cholesky.
        let mut near = spd.clone();
        let amax = common::max_abs(&spd);
        near[(0, 1)] += T::from_f64(2.0 * amax * f64::from(T::eps().to_f64() as f32));
        let f = factorize(&near).unwrap();
        assert_eq!(f.kind(), FactorizationKind::Cholesky, "{}", f.explain());
        assert!(f.explain().contains("nearly symmetric"), "{}", f.explain());
        assert!(f.explain().contains("(A + Aᴴ)/2"));
        // Nonsymmetric → Lu.
        let g: Array2<T> = testing::gaussian(n, n, &mut rng);
        solve_check(&g, FactorizationKind::Lu, "lu");
        assert!(factorize(&g).unwrap().explain().contains("not symmetric"));
        // Diagonal, upper and lower triangular.
        let d = Array2::from_diag(&g.diag().mapv(|v| v + T::from_f64(3.0)));
        solve_check(&d, FactorizationKind::Diagonal, "diagonal");
        let mut u = g.clone();
        let mut l = g.clone();
        for i in 0..n {
            u[(i, i)] += T::from_f64(n as f64);
            l[(i, i)] += T::from_f64(n as f64);
            for j in 0..n {
                if i > j {
                    u[(i, j)] = T::zero();
                } else if i < j {
                    l[(i, j)] = T::zero();
                }
            }
        }
        solve_check(&u, FactorizationKind::UpperTriangular, "triangular");
        solve_check(&l, FactorizationKind::LowerTriangular, "triangular");
        assert!(factorize(&u)
            .unwrap()
            .explain()
            .contains("back substitution"));
        assert!(factorize(&l)
            .unwrap()
            .explain()
            .contains("forward substitution"));
        // Determinants agree with LU.
        for a in [&g, &u, &l, &d, &spd, &ind] {
            let det = auto::det(a).unwrap();
            let lu = ndfactor::Lu::new(a).unwrap().det();
            assert!(
                (det - lu).abs() <= T::Real::from_f64(100.0 * n as f64) * T::eps() * lu.abs(),
                "det {det} vs {lu}"
            );
        }
        // Inverse.
        let inv = auto::inv(&g).unwrap();
        check_ratio(
            &format!("factorize/inverse {}", T::NAME),
            verify::inverse_ratio(&g, &inv),
            verify::LIN_THRESHOLD,
            &|| format!("n={n}"),
        );
    }
}

fn rectangular<T: Scalar>() {
    let mut rng = testing::rng(0x7a11);
    let tol = |n: usize| T::Real::from_f64(100.0 * n as f64) * T::eps();
    // Tall full rank → least squares, matching Qr.
    let a: Array2<T> = testing::gaussian(12, 4, &mut rng);
    let b: Array2<T> = testing::gaussian(12, 2, &mut rng);
    let f = factorize(&a).unwrap();
    assert_eq!(f.kind(), FactorizationKind::LeastSquares);
    assert_eq!(f.rank(), Some(4));
    assert!(
        f.explain().contains("full column rank 4"),
        "{}",
        f.explain()
    );
    let x = f.solve(&b).unwrap();
    let xq = Qr::new(&a).unwrap().solve(&b).unwrap();
    let scale = common::max_abs(&xq);
    assert!(
        (&x - &xq)
            .iter()
            .all(|d| d.abs() <= tol(12) * T::Real::from_f64(scale)),
        "LS mismatch"
    );
    assert!(matches!(
        f.det(),
        Err(Error::NotSquare { rows: 12, cols: 4 })
    ));
    // Tall rank deficient: rank reported, basic solution gives the least-squares residual.
    let r: Array2<T> = testing::gaussian(12, 2, &mut rng).dot(&testing::gaussian(2, 4, &mut rng));
    let f = factorize(&r).unwrap();
    assert_eq!(f.rank(), Some(2), "{}", f.explain());
    assert!(
        f.explain().contains("numerical rank 2 < 4"),
        "{}",
        f.explain()
    );
    let x = f.solve(&b).unwrap();
    // Normal equations: Aᴴ(b − Ax) ≈ 0.
    let ne = adjoint(&r).dot(&(&b - &r.dot(&x)));
    let bound = tol(12)
        * T::Real::from_f64(common::max_abs(&r).powi(2) * (common::max_abs(&x) + 1.0) * 12.0);
    assert!(ne.iter().all(|v| v.abs() <= bound), "normal equations");
    assert_eq!(ColPivQr::new(&r).unwrap().rank(None).unwrap(), 2);
    // Wide → minimum norm, matching Qr, exact residual.
    let w: Array2<T> = testing::gaussian(3, 7, &mut rng);
    let bw: Array2<T> = testing::gaussian(3, 2, &mut rng);
    let f = factorize(&w).unwrap();
    assert_eq!(f.kind(), FactorizationKind::MinimumNorm);
    assert!(f.explain().contains("minimum-norm"));
    let x = f.solve(&bw).unwrap();
    check_ratio(
        &format!("factorize/minimum-norm {}", T::NAME),
        verify::solve_ratio(&w, &x, &bw),
        verify::LIN_THRESHOLD,
        &|| f.explain(),
    );
    assert_eq!(x, Qr::new(&w).unwrap().solve(&bw).unwrap());
    assert!(matches!(auto::inv(&w), Err(Error::NotSquare { .. })));
    assert!(matches!(auto::det(&w), Err(Error::NotSquare { .. })));
}

fn bad_input<T: Scalar>() {
    let mut a: Array2<T> = Array2::eye(3);
    a[(1, 2)] = T::from_real(T::Real::nan());
    assert_eq!(
        factorize(&a).err(),
        Some(Error::NonFinite { row: 1, col: 2 })
    );
    // Exactly singular square: accepted, solve reports Singular.
    let s: Array2<T> = Array2::from_diag(&ndarray::arr1(&[T::one(), T::zero()]));
    let f = factorize(&s).unwrap();
    assert!(matches!(
        f.solve(&ndarray::arr1(&[T::one(), T::one()])),
        Err(Error::Singular { index: 2 })
    ));
    // exact: an exact zero pivot gives rcond 0 without an estimate
    assert_eq!(f.rcond(), T::Real::from_f64(0.0));
    // Mismatched rhs.
    let f = factorize(&Array2::<T>::eye(3)).unwrap();
    assert!(matches!(
        f.solve(&ndarray::Array1::<T>::zeros(2)),
        Err(Error::DimensionMismatch { .. })
    ));
    // Empty.
    let e = factorize(&Array2::<T>::zeros((0, 0))).unwrap();
    assert_eq!(e.solve(&ndarray::Array1::<T>::zeros(0)).unwrap().len(), 0);
    assert_eq!(e.det().unwrap(), T::one());
    // Tridiagonal nonsymmetric: LU on the three diagonals (?gttrf).
    let t: Array2<T> = array![[2.0, 1.0, 0.0], [3.0, 2.0, 1.0], [0.0, 5.0, 2.0]].mapv(T::from_f64);
    let f = factorize(&t).unwrap();
    assert_eq!(f.kind(), FactorizationKind::Tridiagonal);
    assert!((f.det().unwrap() - T::from_f64(-8.0)).abs() < T::Real::from_f64(64.0) * T::eps());
    assert!(f.explain().contains("tridiagonal"));
    assert!(f.explain().contains("rcond"));
}

per_scalar!(chooser_branches, branches);
per_scalar!(chooser_rectangular, rectangular);
per_scalar!(chooser_bad_input, bad_input);

/// `auto::{solve, inv, det}` factor a square C-order matrix as it lies (Aᵀ, transposed solve)
/// and an F-order one after its copy: the results agree to rounding. Each is backward stable
/// (‖δA‖ ≤ 3nερ‖A‖, Higham Thm 9.4), so both lie within κ·3nερ of the true solution; these
/// Gaussian matrices of order ≤ 40 have κ₁ below 10⁴ and growth ρ below 8, giving the bound
/// 2·10⁴·3·n·8·ε·(a factor n from the 1-norm to the max norm). A wrong transposition mode
/// ('C' for complex input, or no transpose) would miss it by orders of magnitude.
fn c_order_solve_matches_f_order<T: Scalar>(kind: &str) {
    let mut rng = testing::rng(0x501e);
    for n in [2usize, 7, 40] {
        let mut a: Array2<T> = testing::gaussian(n, n, &mut rng);
        match kind {
            "hermitian" => testing::hermitian_part(&mut a),
            "upper" => a.indexed_iter_mut().for_each(|((i, j), v)| {
                if i > j {
                    *v = T::zero();
                } else if i == j {
                    *v += T::from_f64(4.0);
                }
            }),
            _ => {}
        }
        let b: Array2<T> = testing::gaussian(n, 2, &mut rng);
        let c = a.as_standard_layout().to_owned();
        let mut f = Array2::zeros((n, n).f());
        f.assign(&a);
        let tol = 2e4 * 24.0 * (n * n) as f64 * T::eps().to_f64();
        let max = |x: &Array2<T>| x.iter().fold(0.0f64, |s, v| s.max(v.abs().to_f64()));
        let (xc, xf) = (auto::solve(&c, &b).unwrap(), auto::solve(&f, &b).unwrap());
        assert!(
            max(&(&xc - &xf)) <= tol * max(&xf),
            "{kind} {} n={n}: solve",
            T::NAME
        );
        let (ic, i_f) = (auto::inv(&c).unwrap(), auto::inv(&f).unwrap());
        assert!(
            max(&(&ic - &i_f)) <= tol * max(&i_f),
            "{kind} {} n={n}: inv",
            T::NAME
        );
        let (dc, df) = (auto::det(&c).unwrap(), auto::det(&f).unwrap());
        assert!(
            (dc - df).abs().to_f64() <= n as f64 * tol * df.abs().to_f64(),
            "{kind} n={n}: det"
        );
        check_ratio(
            &format!("auto::solve C-order {kind} {}", T::NAME),
            verify::solve_ratio(&a, &xc, &b),
            verify::LIN_THRESHOLD,
            &|| String::new(),
        );
    }
}

#[test]
fn c_order_solve_inv_det_match_f_order_to_rounding() {
    for kind in ["general", "hermitian", "upper"] {
        c_order_solve_matches_f_order::<f64>(kind);
        c_order_solve_matches_f_order::<f32>(kind);
        c_order_solve_matches_f_order::<ndfactor::c64>(kind);
        c_order_solve_matches_f_order::<ndfactor::c32>(kind);
    }
}
