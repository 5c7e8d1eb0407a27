//! Qr and ColPivQr through the LAPACK-style sweep: scalar types × layouts × tall, square and wide
//! shapes × LAPACK matrix types; least squares, minimum-norm solutions, rank, bad input.
mod common;

use common::{adjoint, check_ratio, for_each_layout};
use ndarray::{array, s, Array1, Array2, Axis};
use ndfactor::testing::{self, MatrixType};
use ndfactor::{verify, ColPivQr, Error, LinalgExt, Lu, Qr, RealScalar, Scalar, Solve};

/// m and n of the sweep: every pair, so tall, square and wide shapes and the empty ones.
const DIMS: &[usize] = &[0, 1, 2, 3, 25, 65];

/// LAPACK's QR test types (dchkqr): the zero matrix and the LU sweep's nonsingular types.
fn types() -> Vec<MatrixType> {
    let mut t = vec![MatrixType::Zero];
    t.extend_from_slice(MatrixType::LU_SWEEP);
    t
}

fn real<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// `‖X − Y‖₁ / (dim·‖C‖₁·ε)`: how far two products of an orthogonal matrix with `C` differ.
fn product_ratio<T: Scalar>(x: &Array2<T>, y: &Array2<T>, c: &Array2<T>, dim: usize) -> T::Real {
    verify::ratio::<T>(verify::norm1(&(x - y)), verify::norm1(c), dim)
}

/// `R` (or any matrix) is exactly zero below its diagonal.
fn assert_upper_trapezoidal<T: Scalar>(r: &Array2<T>, what: &dyn Fn() -> String) {
    for ((i, j), x) in r.indexed_iter() {
        assert!(i <= j || *x == T::zero(), "{}: R[{i},{j}] = {x}", what());
    }
}

/// LAPACK's dqrt17-style least-squares ratio per column:
/// `‖Aᴴ·r‖₁ / (max(m, n)·‖A‖₁·(‖r‖₁ + ‖A‖₁·‖x‖₁)·ε)` with `r = b − A·x`. A backward-stable
/// least-squares solution keeps it of order 1 whatever the conditioning.
fn ls_ratio<T: Scalar>(a: &Array2<T>, x: &Array2<T>, b: &Array2<T>) -> T::Real {
    let (m, n) = a.dim();
    let anorm = verify::norm1(a);
    let r = b - &a.dot(x);
    let ahr = adjoint(a).dot(&r);
    let mut worst = real::<T>(0.0);
    for j in 0..b.ncols() {
        let col = |z: &Array2<T>| verify::norm1(&z.slice(s![.., j..j + 1]));
        let num = col(&ahr);
        if num == real::<T>(0.0) {
            continue;
        }
        let scale = col(&r) + anorm * col(x);
        let q = ((num / anorm) / scale) / (real::<T>(m.max(n) as f64) * T::eps());
        if q > worst || q.is_nan() {
            worst = q;
        }
    }
    worst
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_0002);
    for &m in DIMS {
        for &n in DIMS {
            let k = m.min(n);
            for ty in types() {
                let a: Array2<T> = testing::matrix(ty, m, n, &mut rng);
                let ctx = || format!("{} {m}×{n} {ty:?}", T::NAME);
                let qr = Qr::new(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                let (q, r) = (qr.q(), qr.r());
                let (qf, rf) = (qr.q_full().unwrap(), qr.r_full());
                assert_eq!((q.dim(), r.dim()), ((m, k), (k, n)), "{}", ctx());
                assert_eq!((qf.dim(), rf.dim()), ((m, m), (m, n)), "{}", ctx());
                assert_upper_trapezoidal(&r, &ctx);
                assert_upper_trapezoidal(&rf, &ctx);
                let name = |what: &str| format!("qr/{what} {}", T::NAME);
                // dqrt01: factorization and orthogonality, thin and full.
                check_ratio(
                    &name("factor"),
                    verify::qr_ratio(&a, &q, &r),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("factor"),
                    verify::qr_ratio(&a, &qf, &rf),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("factor"),
                    verify::reconstruction_ratio(&a, &qr.reconstruct(), m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("orthogonality"),
                    verify::orthogonality_ratio(&q),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("orthogonality"),
                    verify::orthogonality_ratio(&qf),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // dqrt03: Q and Qᴴ applied by ?ormqr/?unmqr against the explicit products.
                let c: Array2<T> = testing::gaussian(m, 3, &mut rng);
                let ck: Array2<T> = testing::gaussian(k, 3, &mut rng);
                check_ratio(
                    &name("apply"),
                    product_ratio(&qr.apply_q(&c).unwrap(), &qf.dot(&c), &c, m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("apply"),
                    product_ratio(&qr.apply_q(&ck).unwrap(), &q.dot(&ck), &ck, m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("apply"),
                    product_ratio(&qr.apply_qh(&c).unwrap(), &adjoint(&qf).dot(&c), &c, m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // Solves, for the full-rank types.
                if ty != MatrixType::Zero {
                    for nrhs in [1usize, 2] {
                        let b: Array2<T> = testing::gaussian(m, nrhs, &mut rng);
                        let x = qr.solve(&b).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                        assert_eq!(x.dim(), (n, nrhs));
                        if m > n {
                            check_ratio(
                                &name("lstsq"),
                                ls_ratio(&a, &x, &b),
                                verify::LIN_THRESHOLD,
                                &ctx,
                            );
                        } else {
                            // square: the ordinary solve; wide: a solution of the consistent system.
                            check_ratio(
                                &name("solve"),
                                verify::solve_ratio(&a, &x, &b),
                                verify::LIN_THRESHOLD,
                                &ctx,
                            );
                        }
                    }
                }
                // Column-pivoted QR of the same matrix: A·P = Q·R.
                let cp = ColPivQr::new(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                let ap = a.dot(&cp.p());
                assert_eq!(a.select(Axis(1), &cp.perm()), ap, "{}", ctx());
                let (q, r) = (cp.q(), cp.r());
                assert_upper_trapezoidal(&r, &ctx);
                check_ratio(
                    &name("colpiv"),
                    verify::qr_ratio(&ap, &q, &r),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("colpiv"),
                    verify::qr_ratio(&ap, &cp.q_full().unwrap(), &cp.r_full()),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("colpiv"),
                    verify::reconstruction_ratio(&a, &cp.reconstruct(), m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("orthogonality"),
                    verify::orthogonality_ratio(&q),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &name("apply"),
                    product_ratio(&cp.apply_q(&ck).unwrap(), &q.dot(&ck), &ck, m),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
                // |R₁₁| ≥ |R₂₂| ≥ … (up to the rounding of ?geqp3's norm downdating).
                for i in 1..k {
                    let (prev, cur) = (r[(i - 1, i - 1)].abs(), r[(i, i)].abs());
                    assert!(
                        cur <= prev * real::<T>(1.0 + 1e-3),
                        "{}: |R| increases at {i}",
                        ctx()
                    );
                }
                if ty == MatrixType::Zero {
                    assert_eq!(cp.rank(None).unwrap(), 0, "{}", ctx());
                } else if !matches!(ty, MatrixType::VeryIllConditioned) {
                    assert_eq!(cp.rank(None).unwrap(), k, "{}", ctx());
                }
                // Every layout gives bit-identical factors (one copy into F order, same call).
                for_each_layout(&a, |layout, v| {
                    let f = Qr::new(&v).unwrap();
                    assert_eq!(f.factors(), qr.factors(), "{} {layout:?}", ctx());
                    assert_eq!(f.tau(), qr.tau(), "{} {layout:?}", ctx());
                    let g = ColPivQr::new(&v).unwrap();
                    assert_eq!(g.factors(), cp.factors(), "{} {layout:?}", ctx());
                    assert_eq!(g.perm(), cp.perm(), "{} {layout:?}", ctx());
                });
            }
        }
    }
}
per_scalar!(lapack_sweep, sweep);

/// `A = U₁·diag(σ)·Vᴴ` (`m ≥ n`) with `U = [U₁ U₂]` a Haar unitary, so the exact least-squares
/// solution of `b = A·x₀ + U₂·g` is `x₀` with residual `U₂·g`: no normal equations involved.
fn least_squares_known_solution<T: Scalar>() {
    let mut rng = testing::rng(21);
    for (m, n) in [
        (1usize, 1usize),
        (2, 1),
        (3, 2),
        (25, 3),
        (65, 25),
        (65, 64),
        (25, 25),
    ] {
        let u: Array2<T> = testing::random_unitary(m, &mut rng);
        let v: Array2<T> = testing::random_unitary(n, &mut rng);
        let sigma = testing::geometric_spectrum::<T::Real>(n, real::<T>(10.0));
        let mut us = u.slice(s![.., ..n]).to_owned();
        for (j, &sj) in sigma.iter().enumerate() {
            us.column_mut(j).mapv_inplace(|x| x.scale(sj));
        }
        let a = us.dot(&adjoint(&v));
        let nrhs = 3;
        let x0: Array2<T> = testing::gaussian(n, nrhs, &mut rng);
        let g: Array2<T> = testing::gaussian(m - n, nrhs, &mut rng);
        let r0 = u.slice(s![.., n..]).dot(&g);
        let b = a.dot(&x0) + &r0;
        let ctx = || format!("{} {m}×{n}", T::NAME);

        let qr = a.qr().unwrap();
        let ls = qr.solve_with_residual(&b).unwrap();
        let x = &ls.solution;
        assert_eq!(x, &qr.solve(&b).unwrap());
        // Forward error: κ = 10, ‖r‖ ≈ ‖A‖‖x‖, so κ·ε + κ²·ε·‖r‖/(‖A‖‖x‖) ≲ 110ε, times m.
        let err = verify::norm1(&(x - &x0)).to_f64() / verify::norm1(&x0).to_f64();
        let tol = 200.0 * m as f64 * T::eps().to_f64();
        assert!(err < tol, "{}: forward error {err:.3e} ≥ {tol:.3e}", ctx());
        // residual_norm agrees with ‖U₂·g‖ (exact) and with the explicit residual.
        let r = &b - &a.dot(x);
        for j in 0..nrhs {
            let exact = verify::norm_fro(&r0.slice(s![.., j..j + 1])).to_f64();
            let explicit = verify::norm_fro(&r.slice(s![.., j..j + 1])).to_f64();
            let got = ls.residual_norm[j].to_f64();
            let scale = verify::norm_fro(&b.slice(s![.., j..j + 1])).to_f64();
            let tol = 50.0 * m as f64 * T::eps().to_f64() * scale;
            assert!(
                (got - exact).abs() <= tol,
                "{}: residual {got} vs exact {exact}",
                ctx()
            );
            assert!(
                (got - explicit).abs() <= tol,
                "{}: residual {got} vs explicit {explicit}",
                ctx()
            );
            if m == n {
                // exact: a square system leaves no rows of Qᴴb for the residual
                assert_eq!(got, 0.0);
            }
            // The residual is orthogonal to range(A): ‖Aᴴ·r‖ small relative to ‖A‖·‖r‖·ε.
            if m > n {
                let ahr = adjoint(&a).dot(&r.slice(s![.., j..j + 1]));
                let q = verify::ratio::<T>(
                    verify::norm_fro(&ahr) / verify::norm_fro(&r.slice(s![.., j..j + 1])),
                    verify::norm_fro(&a),
                    m,
                );
                check_ratio(
                    &format!("qr/lstsq-orth {}", T::NAME),
                    q,
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
            }
        }
        // A vector right-hand side gives the first column's answer (to rounding: LAPACK blocks
        // one and several right-hand sides differently).
        let b0 = b.column(0).to_owned();
        let ls0 = qr.solve_with_residual(&b0).unwrap();
        let d = verify::norm1(&(&ls0.solution - &x.column(0)).insert_axis(Axis(1)));
        assert!(
            d.to_f64() < 10.0 * tol * verify::norm1(x).to_f64(),
            "{}",
            ctx()
        );
        assert_eq!(ls0.residual_norm.len(), 1);
        let dr = (ls0.residual_norm[0] - ls.residual_norm[0]).abs().to_f64();
        assert!(
            dr <= 50.0 * m as f64 * T::eps().to_f64() * verify::norm1(&b).to_f64(),
            "{}",
            ctx()
        );
        // The Solve trait gives the same answer.
        assert_eq!(&qr.solve_matrix(b.view()).unwrap(), x);
    }
}
per_scalar!(least_squares, least_squares_known_solution);

/// Wide `A = U·diag(σ)·V₁ᴴ` (`m < n`) with `V = [V₁ V₂]` a Haar unitary: the minimum-norm
/// solution is `x₀ = V₁·diag(σ)⁻¹·Uᴴ·b`, and `null(A) = range(V₂)`.
fn minimum_norm<T: Scalar>() {
    let mut rng = testing::rng(22);
    for (m, n) in [
        (0usize, 2usize),
        (1, 2),
        (2, 3),
        (3, 25),
        (25, 65),
        (64, 65),
    ] {
        let u: Array2<T> = testing::random_unitary(m, &mut rng);
        let v: Array2<T> = testing::random_unitary(n, &mut rng);
        let sigma = testing::geometric_spectrum::<T::Real>(m, real::<T>(10.0));
        let mut us = u.clone();
        for (j, &sj) in sigma.iter().enumerate() {
            us.column_mut(j).mapv_inplace(|x| x.scale(sj));
        }
        let v1 = v.slice(s![.., ..m]).to_owned();
        let v2 = v.slice(s![.., m..]).to_owned();
        let a = us.dot(&adjoint(&v1));
        let b: Array2<T> = testing::gaussian(m, 2, &mut rng);
        let ctx = || format!("{} {m}×{n}", T::NAME);

        let qr = Qr::new(&a).unwrap();
        let ls = qr.solve_with_residual(&b).unwrap();
        let x = ls.solution;
        assert_eq!(x.dim(), (n, 2));
        assert!(ls.residual_norm.iter().all(|r| *r == real::<T>(0.0)));
        // A·x = b.
        check_ratio(
            &format!("qr/minnorm {}", T::NAME),
            verify::solve_ratio(&a, &x, &b),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        // x ∈ range(Aᴴ): its component in null(A) = range(V₂) is rounding.
        let null_part = adjoint(&v2).dot(&x);
        check_ratio(
            &format!("qr/minnorm {}", T::NAME),
            verify::ratio::<T>(verify::norm1(&null_part), verify::norm1(&x), n),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        // x equals the SVD-built minimum-norm solution (κ = 10).
        let mut uhb = adjoint(&u).dot(&b);
        for (i, &si) in sigma.iter().enumerate() {
            uhb.row_mut(i)
                .mapv_inplace(|z| z.scale(real::<T>(1.0) / si));
        }
        let x0 = v1.dot(&uhb);
        let err = verify::norm1(&(&x - &x0)).to_f64()
            / verify::norm1(&x0).to_f64().max(f64::MIN_POSITIVE);
        assert!(
            m == 0 || err < 100.0 * n as f64 * T::eps().to_f64(),
            "{}: {err:.3e}",
            ctx()
        );
        if m == 0 {
            // exact: with no rows the minimum-norm solution is defined as 0
            assert!(x.iter().all(|z| *z == T::zero()));
        }
        // rcond estimates 1/κ₂ = σ_m/σ₁ within the documented factor.
        if m > 0 {
            let exact = (sigma[m - 1] / sigma[0]).to_f64();
            let rc = qr.rcond().to_f64();
            assert!(
                rc <= exact * 1.01 && rc >= exact / (10.0 * m as f64),
                "{}: rcond {rc}",
                ctx()
            );
        }
    }
}
per_scalar!(min_norm, minimum_norm);

fn rcond_estimates<T: Scalar>() {
    // ?trcon on R against 1/(‖R‖₁‖R⁻¹‖₁) computed from an explicit inverse (dget06 ratio).
    let mut rng = testing::rng(23);
    for (m, n) in [(1usize, 1usize), (3, 3), (25, 3), (65, 25), (65, 65)] {
        for ty in [
            MatrixType::Random,
            MatrixType::IllConditioned,
            MatrixType::UpperTriangular,
        ] {
            let a: Array2<T> = testing::matrix(ty, m, n, &mut rng);
            let qr = Qr::new(&a).unwrap();
            let r = qr.r();
            let rinv = Lu::new(&r).unwrap().inverse().unwrap();
            let exact = real::<T>(1.0) / (verify::norm1(&r) * verify::norm1(&rinv));
            check_ratio(
                &format!("qr/rcond {}", T::NAME),
                verify::rcond_ratio(qr.rcond(), exact),
                verify::RCOND_THRESHOLD,
                &|| format!("{} {m}×{n} {ty:?}", T::NAME),
            );
        }
    }
}
per_scalar!(rcond, rcond_estimates);

fn rank_deficient_inputs<T: Scalar>() {
    // ColPivQr recovers the exact rank of U·diag(σ₁..σᵣ, 0, …)·Vᴴ with the default tolerance.
    let mut rng = testing::rng(24);
    let shapes = [
        (1usize, 1usize),
        (2, 2),
        (3, 2),
        (2, 3),
        (25, 25),
        (65, 25),
        (25, 65),
        (65, 65),
    ];
    for (m, n) in shapes {
        let k = m.min(n);
        for r in [0, 1, k / 2, k.saturating_sub(1), k] {
            let a: Array2<T> = testing::rank_deficient(m, n, r, &mut rng);
            let ctx = || format!("{} {m}×{n} rank {r}", T::NAME);
            let cp = ColPivQr::new(&a).unwrap();
            assert_eq!(
                cp.rank(None).unwrap(),
                r,
                "{}: |R_kk| = {:?}",
                ctx(),
                (0..k).map(|i| cp.r()[(i, i)].abs()).collect::<Vec<_>>()
            );
            check_ratio(
                &format!("qr/colpiv {}", T::NAME),
                verify::reconstruction_ratio(&a, &cp.reconstruct(), m),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            // An infinite tolerance gives rank 0, a zero one counts every nonzero |R_kk|.
            assert_eq!(cp.rank(Some(T::Real::max_value())).unwrap(), 0);
            assert!(cp.rank(Some(real::<T>(0.0))).unwrap() >= r);
        }
    }
}
per_scalar!(rank_deficient, rank_deficient_inputs);

fn exactly_singular<T: Scalar>() {
    // A zero column (first, middle, last) of a tall or square matrix gives an exactly zero
    // diagonal entry of R: solve reports Singular with its 1-based index; rcond is 0.
    let mut rng = testing::rng(25);
    for (m, n) in [(1usize, 1usize), (2, 2), (5, 3), (30, 30), (40, 17)] {
        for zero in [0, n / 2, n - 1] {
            let mut a: Array2<T> = testing::matrix(MatrixType::Random, m, n, &mut rng);
            a.column_mut(zero).fill(T::zero());
            let qr = Qr::new(&a).unwrap();
            check_ratio(
                &format!("qr/factor {}", T::NAME),
                verify::qr_ratio(&a, &qr.q(), &qr.r()),
                verify::LIN_THRESHOLD,
                &|| format!("{m}×{n} zero column {zero}"),
            );
            assert_eq!(qr.r()[(zero, zero)], T::zero());
            let b: Array2<T> = testing::gaussian(m, 1, &mut rng);
            assert_eq!(
                qr.solve(&b).unwrap_err(),
                Error::Singular { index: zero + 1 }
            );
            // exact: a zero column gives an exact zero in R: rcond 0
            assert_eq!(qr.rcond(), real::<T>(0.0), "{m}×{n} zero column {zero}");
            // Wide: a zero row of A (a zero column of Aᴴ) is not an exact zero of R₂ (R mixes
            // the rows in rounding), but the triangular factor is singular to working precision.
            if n < m {
                let qrt = Qr::new(&adjoint(&a)).unwrap();
                let rc = qrt.rcond().to_f64();
                assert!(
                    rc < 100.0 * m as f64 * T::eps().to_f64(),
                    "{m}×{n} zero column {zero}: {rc}"
                );
            }
        }
    }
    // Exact zeros do reach R₂: a zero first row makes R's second row exactly zero.
    let a = array![
        [T::zero(), T::zero(), T::zero()],
        [T::one(), T::from_f64(2.0), T::from_f64(3.0)]
    ];
    let qr = Qr::new(&a).unwrap();
    assert_eq!(
        qr.solve(&array![T::one(), T::one()]).unwrap_err(),
        Error::Singular { index: 2 }
    );
    // exact: the reflector for the column (0, 1) has v = (1, 1), τ = 1, so R's second row is
    // computed without rounding as 0: rcond 0.
    assert_eq!(qr.rcond(), real::<T>(0.0));
    // The zero matrix: Singular at 1 for every shape with a nonempty triangle.
    for (m, n) in [(3usize, 2usize), (2, 2), (2, 3)] {
        let qr = Qr::new(&Array2::<T>::zeros((m, n))).unwrap();
        assert_eq!(
            qr.solve(&Array1::<T>::zeros(m)).unwrap_err(),
            Error::Singular { index: 1 }
        );
    }
}
per_scalar!(singular, exactly_singular);

fn empty_shapes<T: Scalar>() {
    for m in [0usize, 1, 3] {
        // m×0: Q full = I_m, R full m×0; least squares has no unknowns, residual ‖b‖.
        let a = Array2::<T>::zeros((m, 0));
        let qr = Qr::new(&a).unwrap();
        assert_eq!(qr.q().dim(), (m, 0));
        assert_eq!(qr.r().dim(), (0, 0));
        assert_eq!(qr.q_full().unwrap(), Array2::<T>::eye(m));
        assert_eq!(qr.r_full().dim(), (m, 0));
        assert_eq!(qr.reconstruct().dim(), (m, 0));
        let b = Array2::<T>::from_elem((m, 2), T::from_f64(2.0));
        let ls = qr.solve_with_residual(&b).unwrap();
        assert_eq!(ls.solution.dim(), (0, 2));
        let expect = real::<T>(2.0) * real::<T>(m as f64).sqrt();
        assert!(ls
            .residual_norm
            .iter()
            .all(|r| (*r - expect).abs() <= expect * T::eps() * real::<T>(4.0)));
        assert_eq!(qr.apply_q(&b).unwrap(), b);
        assert_eq!(qr.apply_qh(&b).unwrap(), b);
        // exact: an empty R's rcond is defined as 1
        assert_eq!(qr.rcond(), real::<T>(1.0));
        let cp = ColPivQr::new(&a).unwrap();
        assert_eq!(cp.q_full().unwrap(), Array2::<T>::eye(m));
        assert_eq!(cp.perm(), Vec::<usize>::new());
        assert_eq!(cp.rank(None).unwrap(), 0);

        // 0×m: Q is 0×0, R 0×m; the minimum-norm solution of "no equations" is 0.
        let a = Array2::<T>::zeros((0, m));
        let qr = Qr::new(&a).unwrap();
        assert_eq!((qr.q().dim(), qr.r().dim()), ((0, 0), (0, m)));
        assert_eq!(
            (qr.q_full().unwrap().dim(), qr.r_full().dim()),
            ((0, 0), (0, m))
        );
        let x = qr.solve(&Array2::<T>::zeros((0, 3))).unwrap();
        assert_eq!(x, Array2::<T>::zeros((m, 3)));
        let x = qr.solve(&Array1::<T>::zeros(0)).unwrap();
        assert_eq!(x, Array1::<T>::zeros(m));
        let cp = ColPivQr::new(&a).unwrap();
        assert_eq!(cp.perm(), (0..m).collect::<Vec<_>>());
        assert_eq!(cp.p(), Array2::<T>::eye(m));
        assert_eq!(cp.rank(None).unwrap(), 0);
    }
    // Zero right-hand sides.
    let qr = Qr::new(&Array2::<T>::eye(3)).unwrap();
    assert_eq!(qr.solve(&Array2::<T>::zeros((3, 0))).unwrap().dim(), (3, 0));
    assert_eq!(
        qr.apply_q(&Array2::<T>::zeros((3, 0))).unwrap().dim(),
        (3, 0)
    );
}
per_scalar!(empty, empty_shapes);

fn bad_inputs<T: Scalar>() {
    let nan = T::from_parts(T::Real::nan(), real::<T>(0.0));
    let inf = T::from_real(T::Real::infinity());
    let mut a = Array2::<T>::eye(3).slice(s![.., ..2]).to_owned();
    a[(2, 1)] = nan;
    assert_eq!(
        Qr::new(&a).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert_eq!(
        ColPivQr::new(&a).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert_eq!(a.qr().unwrap_err(), Error::NonFinite { row: 2, col: 1 });
    a[(2, 1)] = T::zero();
    a[(0, 0)] = inf;
    assert_eq!(
        Qr::from_owned(a.clone()).unwrap_err(),
        Error::NonFinite { row: 0, col: 0 }
    );
    assert_eq!(
        ColPivQr::from_owned(a).unwrap_err(),
        Error::NonFinite { row: 0, col: 0 }
    );

    let a: Array2<T> = testing::gaussian(4, 2, &mut testing::rng(26));
    let qr = Qr::new(&a).unwrap();
    let mismatch = |e: Error, expected: usize, found: usize| match e {
        Error::DimensionMismatch {
            expected: x,
            found: y,
            ..
        } => assert_eq!((x, y), (expected, found)),
        other => panic!("expected DimensionMismatch, got {other:?}"),
    };
    mismatch(qr.solve(&Array1::<T>::zeros(3)).unwrap_err(), 4, 3);
    mismatch(
        qr.solve_with_residual(&Array2::<T>::zeros((2, 1)))
            .unwrap_err(),
        4,
        2,
    );
    mismatch(qr.apply_q(&Array1::<T>::zeros(3)).unwrap_err(), 4, 3);
    // apply_qh needs the full m rows (the thin form is the first rows of the result).
    mismatch(qr.apply_qh(&Array1::<T>::zeros(2)).unwrap_err(), 4, 2);
    let mut b = Array1::<T>::zeros(4);
    b[3] = nan;
    assert_eq!(
        qr.solve(&b).unwrap_err(),
        Error::NonFinite { row: 3, col: 0 }
    );
    assert_eq!(
        qr.apply_q(&b).unwrap_err(),
        Error::NonFinite { row: 3, col: 0 }
    );

    let cp = ColPivQr::new(&a).unwrap();
    for tol in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(
            matches!(
                cp.rank(Some(real::<T>(tol))),
                Err(Error::InvalidArgument { .. })
            ),
            "tol {tol}"
        );
    }
    // The input view is never modified.
    let keep = a.clone();
    let _ = Qr::new(&a.view()).unwrap();
    let _ = ColPivQr::new(&a.view()).unwrap();
    assert_eq!(a, keep);
}
per_scalar!(bad_input, bad_inputs);

#[test]
fn seed_example_matrix() {
    // The decomposition summary's SPD example through QR.
    let a = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
    let qr = Qr::new(&a).unwrap();
    let (q, r) = (qr.q(), qr.r());
    assert!(verify::qr_ratio(&a, &q, &r) < verify::LIN_THRESHOLD);
    assert!(verify::orthogonality_ratio(&q) < verify::LIN_THRESHOLD);
    assert!(verify::reconstruction_ratio(&a, &qr.reconstruct(), 3) < verify::LIN_THRESHOLD);
    // exact: below R's diagonal is zero by construction
    assert_eq!((r[(1, 0)], r[(2, 0)], r[(2, 1)]), (0.0, 0.0, 0.0));
    // |det A| = |∏ R_ii| = 67.
    let det: f64 = (0..3).map(|i| r[(i, i)]).product();
    assert!((det.abs() - 67.0).abs() < 1e-12);
    // R₁₁ = ±‖a₁‖ = ±√21.
    assert!((r[(0, 0)].abs() - 21f64.sqrt()).abs() < 1e-14);
    let b = array![1.0, 2.0, 3.0];
    let x = qr.solve(&b).unwrap();
    let y = Lu::new(&a).unwrap().solve(&b).unwrap();
    assert!((&x - &y).iter().all(|d| d.abs() < 1e-15));
    let cp = a.col_piv_qr().unwrap();
    assert_eq!(cp.rank(None).unwrap(), 3);
    assert_eq!(cp.perm()[0], 2, "column 3 has the largest norm (√46)");
    assert!(verify::reconstruction_ratio(&a, &cp.reconstruct(), 3) < verify::LIN_THRESHOLD);
}

#[test]
fn kahan_matrix_defeats_column_pivoting() {
    // RELIABILITY §4: on Kahan's matrix (with MATLAB's diagonal perturbation) ?geqp3 moves no
    // column, and |R(n,n)| = s^(n-1) overestimates σ_min by orders of magnitude, so the rank
    // taken from R is n while the matrix is numerically rank n−1.
    let (n, theta) = (90usize, 1.2f64);
    let a = testing::kahan::<f64>(n, theta, 25.0);
    let cp = ColPivQr::new(&a).unwrap();
    assert_eq!(cp.perm(), (0..n).collect::<Vec<_>>(), "no column was moved");
    assert!(verify::reconstruction_ratio(&a, &cp.reconstruct(), n) < verify::LIN_THRESHOLD);
    let rnn = cp.r()[(n - 1, n - 1)].abs();
    let s = theta.sin();
    assert!(
        (rnn / s.powi(n as i32 - 1) - 1.0).abs() < 1e-9,
        "|R(n,n)| = sⁿ⁻¹"
    );
    // Bounds on σ_min from the explicit inverse (a triangular solve, accurate here):
    // 1/‖A⁻¹‖_F ≤ σ_min ≤ 1/max_j ‖A⁻¹e_j‖₂.
    let inv = Lu::new(&a).unwrap().inverse().unwrap();
    let colmax = inv
        .columns()
        .into_iter()
        .map(|c| c.dot(&c).sqrt())
        .fold(0.0f64, f64::max);
    let (sigma_lo, sigma_hi) = (1.0 / verify::norm_fro(&inv), 1.0 / colmax);
    println!(
        "Kahan n={n} θ={theta}: |R(n,n)| = {rnn:.3e}, σ_min ∈ [{sigma_lo:.3e}, {sigma_hi:.3e}], \
         overestimate ≥ {:.3e}",
        rnn / sigma_hi
    );
    assert!(sigma_hi < 1e-14 && sigma_lo > 1e-16);
    assert!(rnn > 1e-3 && rnn / sigma_hi > 1e11);
    // ColPivQr's rank (default tolerance max(m,n)·ε·|R₁₁|) is n, yet σ_min is below the
    // same tolerance taken on σ₁ (σ₁ ≥ the largest column norm = 1): numerically rank n−1.
    assert_eq!(cp.rank(None).unwrap(), n);
    let sigma1_lo = a
        .columns()
        .into_iter()
        .map(|c| c.dot(&c).sqrt())
        .fold(0.0f64, f64::max);
    assert!(sigma_hi < n as f64 * f64::EPSILON * sigma1_lo);
    // Without the perturbation the ties are broken by rounding and ?geqp3 does pivot.
    let exact = testing::kahan::<f64>(n, theta, 0.0);
    assert_ne!(
        ColPivQr::new(&exact).unwrap().perm(),
        (0..n).collect::<Vec<_>>()
    );
}

fn kahan_all_scalars<T: Scalar>() {
    // The same failure in every precision (smaller n in single precision, where sⁿ⁻¹ must stay
    // far above ε for the point to be visible).
    let n = if T::eps().to_f64() > 1e-10 { 40 } else { 90 };
    let a = testing::kahan::<T>(n, 1.2, 25.0);
    let cp = ColPivQr::new(&a).unwrap();
    assert_eq!(cp.perm(), (0..n).collect::<Vec<_>>(), "{}", T::NAME);
    assert_eq!(cp.rank(None).unwrap(), n);
    let rnn = cp.r()[(n - 1, n - 1)].abs().to_f64();
    assert!(
        (rnn / 1.2f64.sin().powi(n as i32 - 1) - 1.0).abs() < 1e-3,
        "{}",
        T::NAME
    );
}
per_scalar!(kahan, kahan_all_scalars);

fn tiny_and_huge_entries<T: Scalar>() {
    // QR needs no rescaling: ?larfg rescales tiny columns itself. Subnormal, near-underflow and
    // near-overflow matrices factor with LAPACK's ratios.
    let mut rng = testing::rng(27);
    let tiny = T::Real::min_positive_value() * real::<T>(0.01); // subnormal
    let mut a = Array2::<T>::zeros((2, 2));
    a[(0, 1)] = T::from_real(tiny);
    a[(1, 0)] = T::from_real(tiny);
    let qr = Qr::new(&a).unwrap();
    assert!(qr.factors().iter().all(|x| x.is_finite()));
    let b = array![T::from_real(tiny), T::from_real(tiny + tiny)];
    let x = qr.solve(&b).unwrap();
    assert!(
        (x[0] - T::from_f64(2.0)).abs().to_f64() < 1e-2 && (x[1] - T::one()).abs().to_f64() < 1e-2,
        "{} {x:?}",
        T::NAME
    );
    for scale in [1e-300, 1e-310, 1e-30, 1e-40, 1e30, 1e300] {
        let sc = real::<T>(scale);
        if sc == real::<T>(0.0) || !sc.is_finite() {
            continue;
        }
        let g: Array2<T> = testing::matrix(MatrixType::Random, 9, 6, &mut rng);
        let a = g.mapv(|x| x.scale(sc));
        let qr = Qr::new(&a).unwrap();
        let (q, r) = (qr.q(), qr.r());
        assert!(
            verify::orthogonality_ratio(&q) < real::<T>(verify::LIN_THRESHOLD),
            "{} {scale}",
            T::NAME
        );
        // Subnormal entries carry fewer digits: only check normal-range matrices tightly.
        if a.iter()
            .all(|x| x.abs() >= T::Real::min_positive_value() || *x == T::zero())
        {
            assert!(
                verify::qr_ratio(&a, &q, &r) < real::<T>(verify::LIN_THRESHOLD),
                "{} scale {scale}",
                T::NAME
            );
        }
    }
}
per_scalar!(extreme_scaling, tiny_and_huge_entries);

/// From min(m, n) = 1024 on, `Qr` factors through ?geqrt (block size 128) and converts its
/// output to ?geqrf's format: the LAPACK ratios of the sweep, at 1100×1030 (a partial last
/// block of 6 columns) and its transpose shape, through Q, Qᴴ·C and the least-squares solve.
fn large_through_geqrt<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_0a11);
    for (m, n) in [(1100usize, 1030usize), (1030, 1100)] {
        let a: Array2<T> = testing::gaussian(m, n, &mut rng);
        let ctx = || format!("{} {m}×{n}", T::NAME);
        let qr = Qr::new(&a).unwrap();
        let (q, r) = (qr.q(), qr.r());
        assert_upper_trapezoidal(&r, &ctx);
        let name = |what: &str| format!("qr/large {what} {}", T::NAME);
        check_ratio(
            &name("factor"),
            verify::qr_ratio(&a, &q, &r),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("orthogonality"),
            verify::orthogonality_ratio(&q),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        let c: Array2<T> = testing::gaussian(m, 2, &mut rng);
        let qhc = qr.apply_qh(&c).unwrap();
        let explicit = q.t().mapv(|x| x.conj()).dot(&c);
        check_ratio(
            &name("apply"),
            product_ratio(
                &qhc.slice(ndarray::s![..m.min(n), ..]).to_owned(),
                &explicit,
                &c,
                m,
            ),
            verify::LIN_THRESHOLD,
            &ctx,
        );
    }
}
per_scalar!(large_geqrt_path, large_through_geqrt);

/// Real matrices with 128 ≤ min(m, n) < 1024 factor through ?geqrt with block size 32 (below
/// 256) or 64, complex ones through ?geqrf: the LAPACK ratios in every layout, at the first
/// order of the path (128, whole blocks) and at orders with a partial last block (150 =
/// 4·32 + 22, 300 = 4·64 + 44), tall, square and wide, with the same bits in every layout.
fn mid_through_geqrt<T: Scalar>() {
    let mut rng = testing::rng(0x6e9_2732);
    for (m, n) in [
        (128usize, 128usize),
        (400, 150),
        (150, 400),
        (300, 300),
        (127, 127),
    ] {
        let a: Array2<T> = testing::gaussian(m, n, &mut rng);
        let c: Array2<T> = testing::gaussian(m, 2, &mut rng);
        let reference = Qr::new(&a).unwrap().r();
        for_each_layout(&a, |layout, view| {
            let ctx = || format!("{} {m}×{n} {layout:?}", T::NAME);
            let qr = Qr::new(&view).unwrap();
            let (q, r) = (qr.q(), qr.r());
            assert_upper_trapezoidal(&r, &ctx);
            assert!(r == reference, "R differs between layouts ({})", ctx());
            let name = |what: &str| format!("qr/mid {what} {}", T::NAME);
            check_ratio(
                &name("factor"),
                verify::qr_ratio(&a, &q, &r),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            check_ratio(
                &name("orthogonality"),
                verify::orthogonality_ratio(&q),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            let qhc = qr.apply_qh(&c).unwrap();
            let explicit = q.t().mapv(|x| x.conj()).dot(&c);
            check_ratio(
                &name("apply"),
                product_ratio(&qhc.slice(s![..m.min(n), ..]).to_owned(), &explicit, &c, m),
                verify::LIN_THRESHOLD,
                &ctx,
            );
            if m >= n {
                let x = qr.solve(&c).unwrap();
                check_ratio(
                    &name("least squares"),
                    ls_ratio(&a, &x, &c),
                    verify::LIN_THRESHOLD,
                    &ctx,
                );
            }
        });
    }
}
per_scalar!(mid_geqrt_path, mid_through_geqrt);
