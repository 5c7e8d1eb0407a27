//! Adversarial matrices (RELIABILITY.md §4): Kahan, Wilkinson's growth matrix, Hilbert, graded,
//! repeated and clustered singular values, entries scaled to 1e±300, complex Hermitian and
//! complex symmetric, and all-zero matrices (which must not hang and give exact answers).

mod common;

use ndarray::Array2;
use ndfactor::{
    testing, verify, Cholesky, ColPivQr, Eig, Error, Ldlt, Lu, Qr, RealScalar, Scalar, Schur, Svd,
    SymmetricEigen, Symmetry, Uplo,
};

fn r<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// Kahan's matrix: with the perturbation, ?geqp3 keeps the natural order and |R_nn| overstates
/// σ_min (the classic failure of column pivoting); the exact matrix (no perturbation) is pivoted
/// and then R reveals the rank. Both are checked against the SVD.
fn kahan<T: Scalar>() {
    let n = 60;
    let eps = T::eps().to_f64();
    for pert in [0.0, 25.0] {
        let a: Array2<T> = testing::kahan(n, 1.2, pert);
        let qr = ColPivQr::new(&a).unwrap();
        let s = Svd::values(&a).unwrap();
        let smin = s[n - 1].to_f64();
        let rnn = qr.r()[(n - 1, n - 1)].abs().to_f64();
        // Always true: |R_nn| ≥ σ_min (up to rounding).
        assert!(
            rnn >= smin * (1.0 - 100.0 * eps),
            "pert {pert}: |Rnn| {rnn:e} < σmin {smin:e}"
        );
        let ratio = verify::qr_ratio(
            &Array2::from_shape_fn((n, n), |(i, j)| a[(i, qr.perm()[j])]),
            &qr.q(),
            &qr.r(),
        );
        common::check_ratio("kahan cpqr", ratio, verify::LIN_THRESHOLD, &|| {
            format!("{pert}")
        });
        println!(
            "kahan n={n} pert={pert}: σmin={smin:.3e} |Rnn|={rnn:.3e} rank(cpqr)={} rank(svd)={}",
            qr.rank(None).unwrap(),
            Svd::new(&a).unwrap().rank(None).unwrap()
        );
        // In single precision the rounding of the exact matrix already acts as a perturbation
        // and ?geqp3 keeps the natural order; in double precision it pivots.
        if pert == 0.0 && eps < 1e-10 {
            // Pivoted: the trailing |R_nn| is within a modest factor of σ_min.
            assert!(
                rnn <= 1e3 * smin.max(eps * s[0].to_f64()),
                "pert 0: {rnn:e} vs {smin:e}"
            );
        }
    }
}
per_scalar!(kahan_matrix, kahan);

/// Wilkinson's growth matrix: partial pivoting grows U to 2^(n−1) while the LU residual stays
/// 0. The matrix is well conditioned (κ₁ ≈ n), so rcond is correctly *not* small: the growth
/// shows in the solve residual (dget02), which the test measures.
#[test]
fn wilkinson_growth_f64() {
    for n in [30usize, 50] {
        let a: Array2<f64> = testing::wilkinson_growth(n);
        let lu = Lu::new(&a).unwrap();
        let growth = lu.u().iter().fold(0.0f64, |m, x| m.max(x.abs()));
        assert_eq!(growth, 2f64.powi(n as i32 - 1), "growth 2^(n−1)");
        assert!(verify::lu_ratio(&a, &lu) < verify::LIN_THRESHOLD);
        let rc = lu.rcond();
        let exact = 1.0 / (verify::norm1(&a) * verify::norm1(&lu.inverse().unwrap()));
        assert!(verify::rcond_ratio(rc, exact) < verify::RCOND_THRESHOLD);
        // A random right-hand side (b = A·1 would be solved exactly, hiding the growth).
        let b: Array2<f64> = testing::gaussian(n, 1, &mut testing::rng(n as u64));
        let x = lu.solve(&b).unwrap();
        let sr = verify::solve_ratio(&a, &x, &b);
        println!(
            "wilkinson n={n}: growth 2^{} rcond {rc:.2e} solve ratio {sr:.2e}",
            n - 1
        );
        if n == 50 {
            assert!(sr > 1e6, "growth must show in the solve residual");
        }
        // Column-pivoted QR is backward stable on it.
        let qr = Qr::new(&a).unwrap();
        let xq = qr.solve(&b).unwrap();
        assert!(verify::solve_ratio(&a, &xq, &b) < 10.0 * n as f64);
    }
}

/// Hilbert n = 12 (κ₂ ≈ 1.7e16 > 1/ε): the checked solves refuse it in every precision.
fn hilbert<T: Scalar>() {
    let a: Array2<T> = testing::hilbert(12);
    let b = Array2::<T>::from_elem((12, 1), T::one());
    let refused = |r: ndfactor::Result<Array2<T>>| {
        matches!(
            r,
            Err(Error::IllConditioned { .. } | Error::Singular { .. })
        )
    };
    assert!(refused(Lu::new(&a).unwrap().solve_checked(&b)));
    assert!(refused(Qr::new(&a).unwrap().solve_checked(&b)));
    match Cholesky::new(&a) {
        Ok(c) => assert!(refused(c.solve_checked(&b))),
        Err(e) => assert!(matches!(e, Error::NotPositiveDefinite { .. })),
    }
    assert!(Svd::new(&a).unwrap().cond().unwrap().to_f64() > 1.0 / T::eps().to_f64());
}
per_scalar!(hilbert_12, hilbert);

/// Graded matrices D·G·D with entries spanning 30 (f32: 12) orders of magnitude.
fn graded<T: Scalar>() {
    let ratio = if T::eps().to_f64() > 1e-10 { 0.5 } else { 0.1 };
    let mut rng = testing::rng(11);
    for n in [10usize, 30] {
        let a: Array2<T> = testing::graded(n, ratio, &mut rng);
        let ctx = || format!("n={n}");
        let lu = Lu::new(&a).unwrap();
        common::check_ratio(
            "graded lu",
            verify::lu_ratio(&a, &lu),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        let qr = Qr::new(&a).unwrap();
        common::check_ratio(
            "graded qr",
            verify::qr_ratio(&a, &qr.q(), &qr.r()),
            verify::LIN_THRESHOLD,
            &ctx,
        );
        let s = Svd::new(&a).unwrap();
        common::check_ratio(
            "graded svd",
            verify::svd_ratio(&a, &s.u(), &s.s(), &s.vt()),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        let mut h = a.clone();
        testing::hermitian_part(&mut h);
        let e = SymmetricEigen::new(&h).unwrap();
        common::check_ratio(
            "graded eigh",
            verify::eigen_ratio(&h, &e.vectors(), &e.values()),
            verify::EIG_THRESHOLD,
            &ctx,
        );
    }
}
per_scalar!(graded_matrices, graded);

/// Repeated and clustered singular values: the SVD stays backward stable and orthonormal, and
/// the values are found to σ₁·ε accuracy.
fn clustered<T: Scalar>() {
    let mut rng = testing::rng(5);
    let eps = T::eps().to_f64();
    let (m, n) = (40, 30);
    let sigma: Vec<f64> = (0..n)
        .map(|i| match i {
            0..=9 => 1.0,
            10..=19 => 0.5 + 1e3 * eps * i as f64,
            _ => 1e-3,
        })
        .collect();
    let sr: Vec<T::Real> = sigma.iter().map(|&s| r::<T>(s)).collect();
    let a: Array2<T> = testing::with_singular_values(m, n, &sr, &mut rng);
    let s = Svd::new(&a).unwrap();
    let ctx = || "clustered".to_string();
    common::check_ratio(
        "cluster svd",
        verify::svd_ratio(&a, &s.u(), &s.s(), &s.vt()),
        50.0,
        &ctx,
    );
    common::check_ratio("cluster U", verify::orthogonality_ratio(&s.u()), 50.0, &ctx);
    let mut sorted = sigma.clone();
    sorted.sort_by(|x, y| y.partial_cmp(x).unwrap());
    for (got, want) in s.s().iter().zip(&sorted) {
        assert!(
            (got.to_f64() - want).abs() <= 50.0 * (m as f64) * eps,
            "{got:?} vs {want}"
        );
    }
    // Repeated eigenvalues of a Hermitian matrix.
    let h = a.t().mapv(|x| x.conj()).dot(&a);
    let e = SymmetricEigen::new(&h).unwrap();
    common::check_ratio(
        "cluster eigh",
        verify::eigen_ratio(&h, &e.vectors(), &e.values()),
        verify::EIG_THRESHOLD,
        &ctx,
    );
    assert_eq!(Svd::new(&a).unwrap().rank(None).unwrap(), n);
}
per_scalar!(clustered_singular_values, clustered);

/// Entries scaled by 1e±300 (f64, c64): norms do not overflow, det overflows to ±∞ but
/// ln_abs_det is exact, singular values and condition numbers scale exactly.
fn extreme_scaling<T: Scalar>() {
    let n = 12;
    let g: Array2<T> = testing::gaussian(n, n, &mut testing::rng(3));
    let base_ln = Lu::new(&g).unwrap().ln_abs_det().1.to_f64();
    let base_s = Svd::values(&g).unwrap();
    let base_cond = Svd::new(&g).unwrap().cond().unwrap().to_f64();
    for k in [300.0f64, -300.0] {
        let f = 10f64.powf(k);
        let a = g.mapv(|x| x.scale(r::<T>(f)));
        assert!(verify::norm_fro(&a).is_finite() && verify::norm_fro(&a).to_f64() > 0.0);
        let lu = Lu::new(&a).unwrap();
        let (_, ln) = lu.ln_abs_det();
        let want = base_ln + n as f64 * f.ln();
        assert!(
            (ln.to_f64() - want).abs() < 1e-10 * want.abs(),
            "{k}: ln|det| {ln:?} vs {want}"
        );
        let d = lu.det();
        assert!(!d.re().is_nan() && !d.im().is_nan(), "det is never NaN");
        if k > 0.0 {
            assert!(d.abs().to_f64().is_infinite());
        } else {
            // exact: |det| ≈ 10^(−300·n) is far below the smallest subnormal and rounds to 0
            assert_eq!(d.abs().to_f64(), 0.0);
        }
        let s = Svd::values(&a).unwrap();
        for (x, y) in s.iter().zip(&base_s) {
            let rel = (x.to_f64() / f - y.to_f64()).abs() / base_s[0].to_f64();
            assert!(
                rel < 100.0 * n as f64 * T::eps().to_f64(),
                "{k}: σ {x:?} vs {y:?}"
            );
        }
        let c = Svd::new(&a).unwrap().cond().unwrap().to_f64();
        assert!(
            (c / base_cond - 1.0).abs() < 1e-8,
            "{k}: cond {c} vs {base_cond}"
        );
        let lr = verify::lu_ratio(&a, &lu);
        assert!(lr < r::<T>(verify::LIN_THRESHOLD), "{k}: lu ratio {lr:?}");
        let qr = Qr::new(&a).unwrap();
        assert!(verify::qr_ratio(&a, &qr.q(), &qr.r()) < r::<T>(verify::LIN_THRESHOLD));
        let x = lu.solve(&a).unwrap();
        let id = Array2::<T>::eye(n);
        assert!(verify::reconstruction_ratio(&id, &x, n).to_f64() < 1e3 * base_cond);
    }
}
#[test]
fn extreme_scaling_f64() {
    extreme_scaling::<f64>();
}
#[test]
fn extreme_scaling_c64() {
    extreme_scaling::<ndfactor::c64>();
}

/// Complex Hermitian (imaginary diagonal junk ignored) and complex symmetric (Aᵀ = A, not
/// Hermitian) matrices.
fn complex_structured<T: Scalar>() {
    let n = 20;
    let mut rng = testing::rng(8);
    let mut h: Array2<T> = testing::gaussian(n, n, &mut rng);
    testing::hermitian_part(&mut h);
    let mut junk = h.clone();
    for i in 0..n {
        junk[(i, i)] = T::from_parts(h[(i, i)].re(), r::<T>(7.0));
    }
    let e1 = SymmetricEigen::values_only(&h).unwrap();
    let e2 = SymmetricEigen::values_only(&junk).unwrap();
    assert_eq!(e1, e2, "imaginary diagonal is ignored");
    let ld = Ldlt::new(&h).unwrap();
    assert!(verify::ldlt_ratio(&h, &ld) < r::<T>(verify::LIN_THRESHOLD));
    let inertia = ld.inertia().unwrap();
    let neg = e1.iter().filter(|&&v| v < r::<T>(0.0)).count();
    assert_eq!(inertia.negative, neg, "Sylvester's law of inertia");
    // Complex symmetric: A = Aᵀ.
    let g: Array2<T> = testing::gaussian(n, n, &mut rng);
    let s = &g + &g.t();
    let ld = Ldlt::with_options(&s, Uplo::Lower, Symmetry::Symmetric).unwrap();
    assert!(verify::ldlt_ratio(&s, &ld) < r::<T>(verify::LIN_THRESHOLD));
    let b = Array2::<T>::from_elem((n, 2), T::one());
    let x = ld.solve(&b).unwrap();
    assert!(verify::solve_ratio(&s, &x, &b) < r::<T>(1e3));
}
#[test]
fn complex_hermitian_and_symmetric_c64() {
    complex_structured::<ndfactor::c64>();
}
#[test]
fn complex_hermitian_and_symmetric_c32() {
    complex_structured::<ndfactor::c32>();
}

/// All-zero matrices: SVD, eigh, Schur and Eig finish (no hang) with the exact answer.
fn zeros<T: Scalar>() {
    for (m, n) in [(1, 1), (3, 3), (30, 30), (40, 25), (25, 40)] {
        let a = Array2::<T>::zeros((m, n));
        let s = Svd::new(&a).unwrap();
        // exact: LAPACK returns early on a zero matrix (its norm is 0); pinv of 0 is 0.
        assert!(s.s().iter().all(|&x| x == r::<T>(0.0)));
        assert!(verify::orthogonality_ratio(&s.u()) < r::<T>(verify::SVD_THRESHOLD));
        assert_eq!(s.rank(None).unwrap(), 0);
        assert_eq!(ndfactor::pinv(&a).unwrap(), Array2::<T>::zeros((n, m)));
        assert_eq!(ndfactor::null_space(&a).unwrap().dim(), (n, n));
        if m == n {
            let e = SymmetricEigen::new(&a).unwrap();
            // exact: a zero matrix is returned early or reduces without rounding: values and T are 0
            assert!(e.values().iter().all(|&x| x == r::<T>(0.0)));
            assert!(verify::orthogonality_ratio(&e.vectors()) < r::<T>(verify::EIG_THRESHOLD));
            let sc = Schur::new(&a).unwrap();
            assert!(sc.t().iter().all(|&x| x == T::zero()));
            let ev = Eig::new(&a).unwrap();
            assert!(ev
                .values()
                .iter()
                .all(|l| l.re == r::<T>(0.0) && l.im == r::<T>(0.0)));
            assert_eq!(Lu::new(&a).unwrap().det(), T::zero());
            assert!(matches!(
                Lu::new(&a).unwrap().solve(&Array2::<T>::zeros((n, 1))),
                Err(Error::Singular { index: 1 })
            ));
            assert!(matches!(
                Cholesky::new(&a),
                Err(Error::NotPositiveDefinite { index: 1 })
            ));
            assert_eq!(ndfactor::expm(&a).unwrap(), Array2::<T>::eye(n));
        }
    }
}
per_scalar!(zero_matrices, zeros);
