//! Low-rank module: truncation reports against measured errors, factored products, randomized
//! SVD, pseudoinverse, least squares and fundamental subspaces.
mod common;

use common::{adjoint, check_ratio, for_each_layout};
use ndarray::{array, Array1, Array2};
use ndfactor::testing;
use ndfactor::{
    compress, verify, Error, LowRank, Qr, RandomizedSvd, Rank, RealScalar, Scalar, Svd,
};

fn real<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// Test matrices `m×n` with a geometric spectrum of condition `cond` (and a zero tail when
/// `rank < min(m, n)`).
fn spectrum_matrix<T: Scalar>(m: usize, n: usize, rank: usize, cond: f64, seed: u64) -> Array2<T> {
    let k = m.min(n);
    let mut s = testing::geometric_spectrum::<T::Real>(rank.min(k), real::<T>(cond));
    s.resize(k, real::<T>(0.0));
    testing::with_singular_values(m, n, &s, &mut testing::rng(seed))
}

fn seed_example<T: Scalar>() {
    let a: Array2<T> = array![
        [1.0, 0.0, 0.0, 0.0, 2.0],
        [0.0, 0.0, 3.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 2.0, 0.0, 0.0, 0.0]
    ]
    .mapv(T::from_f64);
    let t = Svd::new(&a).unwrap().truncate(Rank::Fixed(2)).unwrap();
    let rep = t.report();
    let measured = verify::norm_fro(&(&a - &t.to_dense()));
    let tol = real::<T>(5.0 * 5.0) * T::eps();
    assert!((rep.frobenius_error - real::<T>(2.0)).abs() < tol, "{rep}");
    assert!((measured - real::<T>(2.0)).abs() < tol, "{measured}");
    assert!((rep.spectral_error - real::<T>(2.0)).abs() < tol);
    assert_eq!((rep.rank, rep.stored_values, rep.dense_values), (2, 20, 20));
    assert!(!rep.estimated);
    assert!((rep.energy_retained - real::<T>(14.0 / 18.0)).abs() < tol);
    let shown = rep.to_string();
    assert!(
        shown.contains("Frobenius") && shown.contains("20 / 20"),
        "{shown}"
    );
    // Rank choices on σ = (3, √5, 2, 0).
    let svd = Svd::new(&a).unwrap();
    let k = |r| svd.truncate(r).unwrap().rank();
    assert_eq!(k(Rank::AbsoluteTolerance(real::<T>(2.5))), 1);
    assert_eq!(k(Rank::RelativeTolerance(real::<T>(0.5))), 3);
    // The energy fractions are 9/18, 14/18, 18/18: thresholds stay clear of them by far more
    // than the σ's rounding (a fraction exactly at 0.5 would depend on the kernel's last bits),
    // and σ₄, zero in exact arithmetic, may come out as a few ε·σ₁.
    assert_eq!(k(Rank::Energy(real::<T>(0.49))), 1);
    assert_eq!(k(Rank::Energy(real::<T>(0.6))), 2);
    assert_eq!(k(Rank::Energy(real::<T>(1.0 - 1e-3))), 3);
    assert_eq!(k(Rank::Energy(real::<T>(0.0))), 0);
    assert_eq!(k(Rank::RelativeError(real::<T>(1e-3))), 3);
    assert_eq!(k(Rank::RelativeError(real::<T>(0.5))), 2);
    assert_eq!(k(Rank::Fixed(4)), 4);
    let prof = svd.error_profile();
    assert_eq!(prof.len(), 5);
    assert!((prof[2].1 - real::<T>(2.0)).abs() < tol && prof[4].1 == real::<T>(0.0));
    // Bad ranks.
    assert!(matches!(
        svd.truncate(Rank::Fixed(5)),
        Err(Error::InvalidRank { k: 5, max: 4 })
    ));
    for r in [
        Rank::Energy(real::<T>(1.5)),
        Rank::Energy(real::<T>(-0.1)),
        Rank::Energy(T::Real::nan()),
        Rank::RelativeTolerance(real::<T>(-1.0)),
        Rank::AbsoluteTolerance(T::Real::nan()),
        Rank::RelativeError(real::<T>(-1.0)),
    ] {
        assert!(
            matches!(svd.truncate(r), Err(Error::InvalidArgument { .. })),
            "{r:?}"
        );
    }
}
per_scalar!(seed, seed_example);

fn report_matches_measured<T: Scalar>() {
    let name = |s: &str| format!("lowrank/{s} {}", T::NAME);
    for (m, n) in [(30, 20), (20, 30), (12, 12), (1, 5), (0, 3)] {
        let a: Array2<T> = spectrum_matrix(m, n, m.min(n), 1e3, 11);
        let anorm = verify::norm_fro(&a);
        let svd = Svd::new(&a).unwrap();
        for k in [0, 1, m.min(n) / 2, m.min(n).saturating_sub(1), m.min(n)]
            .into_iter()
            .filter(|&k| k <= m.min(n))
        {
            let t = svd.truncate(Rank::Fixed(k)).unwrap();
            let rep = t.report();
            let diff = &a - &t.to_dense();
            let fro = verify::norm_fro(&diff);
            let ctx = || format!("{m}×{n} k={k}");
            check_ratio(
                &name("frobenius"),
                verify::ratio::<T>((fro - rep.frobenius_error).abs(), anorm, m.max(n)),
                verify::SVD_THRESHOLD,
                &ctx,
            );
            let spec = Svd::values(&diff)
                .unwrap()
                .first()
                .copied()
                .unwrap_or(real::<T>(0.0));
            check_ratio(
                &name("spectral"),
                verify::ratio::<T>((spec - rep.spectral_error).abs(), anorm, m.max(n)),
                verify::SVD_THRESHOLD,
                &ctx,
            );
            // Factored form: products without the dense matrix.
            let lr = LowRank::from(t.clone());
            let x: Array2<T> = testing::gaussian(n, 3, &mut testing::rng(5));
            let dense = t.to_dense();
            let y = lr.apply(&x).unwrap();
            let ynorm = verify::norm1(&dense) * verify::norm1(&x);
            check_ratio(
                &name("apply"),
                verify::ratio::<T>(verify::norm1(&(&y - &dense.dot(&x))), ynorm, m.max(n)),
                verify::SVD_THRESHOLD,
                &ctx,
            );
            let x1: Array1<T> = x.column(0).to_owned();
            assert_eq!(lr.apply(&x1).unwrap().len(), m);
            let z: Array2<T> = testing::gaussian(m, 2, &mut testing::rng(6));
            let w = lr.apply_adjoint(&z).unwrap();
            let wd = adjoint(&dense).dot(&z);
            check_ratio(
                &name("apply_adjoint"),
                verify::ratio::<T>(
                    verify::norm1(&(&w - &wd)),
                    verify::norm1(&dense) * verify::norm1(&z),
                    m.max(n),
                ),
                verify::SVD_THRESHOLD,
                &ctx,
            );
            assert_eq!(lr.stored_values(), (m + n) * k);
            assert_eq!(lr.dense_values(), m * n);
            assert!(lr.apply(&Array1::<T>::zeros(n + 1)).is_err());
        }
    }
    // compress and LoRA-style factors.
    let w: Array2<T> = spectrum_matrix(16, 10, 3, 10.0, 2);
    let (lr, rep) = compress(&w, Rank::Fixed(3)).unwrap();
    check_ratio(
        &name("compress exact rank"),
        verify::reconstruction_ratio(&w, &lr.to_dense(), 16),
        verify::SVD_THRESHOLD,
        &|| "16×10 rank 3".into(),
    );
    assert!(rep.relative_frobenius_error < real::<T>(100.0) * T::eps());
    let b: Array2<T> = testing::gaussian(6, 2, &mut testing::rng(1));
    let a2: Array2<T> = testing::gaussian(2, 4, &mut testing::rng(2));
    let lora = LowRank::from_factors(b.clone(), a2.clone()).unwrap();
    assert_eq!((lora.dim(), lora.rank()), ((6, 4), 2));
    assert_eq!(lora.to_dense(), b.dot(&a2));
    assert!(LowRank::from_factors(b, Array2::<T>::zeros((3, 4))).is_err());
}
per_scalar!(measured, report_matches_measured);

fn randomized<T: Scalar>() {
    // Exact rank r ≤ k is recovered.
    for (m, n, r, k) in [(80, 60, 5, 5), (60, 80, 5, 8), (40, 40, 10, 12)] {
        let a: Array2<T> = spectrum_matrix(m, n, r, 10.0, 3);
        let t = RandomizedSvd::new(k).seed(1).compute(&a).unwrap();
        check_ratio(
            &format!("lowrank/randomized exact rank {}", T::NAME),
            verify::reconstruction_ratio(&a, &t.to_dense(), m.max(n)),
            100.0,
            &|| format!("{m}×{n} r={r} k={k}"),
        );
        check_ratio(
            &format!("lowrank/randomized U orth {}", T::NAME),
            verify::orthogonality_ratio(&t.u()),
            verify::SVD_THRESHOLD,
            &|| format!("{m}×{n}"),
        );
        assert!(t.report().estimated);
        // Reported Frobenius error is the measured one (cancellation guard path here).
        let meas = verify::norm_fro(&(&a - &t.to_dense()));
        assert!(
            (meas - t.report().frobenius_error).abs()
                <= real::<T>(100.0 * m.max(n) as f64) * T::eps() * verify::norm_fro(&a)
        );
    }
    // Reproducible with a seed; layout independent.
    let a: Array2<T> = spectrum_matrix(50, 40, 40, 1e3, 4);
    let x = RandomizedSvd::new(6).seed(9).compute(&a).unwrap();
    let y = RandomizedSvd::new(6).seed(9).compute(&a).unwrap();
    assert_eq!((x.u(), x.s(), x.vt()), (y.u(), y.s(), y.vt()));
    for_each_layout(&a, |layout, v| {
        let z = RandomizedSvd::new(6).seed(9).compute(&v).unwrap();
        assert_eq!(z.s(), x.s(), "{layout:?}");
    });
    // Rank errors, k = 0, empty.
    assert!(matches!(
        RandomizedSvd::new(41).compute(&a),
        Err(Error::InvalidRank { k: 41, max: 40 })
    ));
    assert_eq!(RandomizedSvd::new(0).compute(&a).unwrap().rank(), 0);
    let e = Array2::<T>::zeros((0, 3));
    assert_eq!(RandomizedSvd::new(0).compute(&e).unwrap().rank(), 0);
    let mut bad = a.clone();
    bad[(2, 3)] = T::from_f64(f64::NAN);
    assert!(matches!(
        RandomizedSvd::new(2).compute(&bad),
        Err(Error::NonFinite { row: 2, col: 3 })
    ));
}
per_scalar!(randomized_svd, randomized);

/// Haar-distributed orthogonal `n×n`: `Q·diag(sign rᵢᵢ)` from the blocked QR of a Gaussian
/// matrix (fast enough for n = 2000 in the test profile, unlike column-by-column Gram–Schmidt).
fn haar_orthogonal(n: usize, seed: u64) -> Array2<f64> {
    let g: Array2<f64> = testing::gaussian(n, n, &mut testing::rng(seed));
    let qr = Qr::new(&g).unwrap();
    let mut q = qr.q();
    let r = qr.factors();
    for j in 0..n {
        if r[[j, j]] < 0.0 {
            q.column_mut(j).mapv_inplace(|x| -x);
        }
    }
    q
}

/// The acceptance test: 2000×2000 with σᵢ = 1/(1+i), k = 20, default parameters
/// (oversamples 10, power iterations chosen automatically): the Frobenius error of the returned
/// rank-20 factors is within 1% of the Eckart–Young optimum √(Σ_{i>20} σᵢ²), and the reported
/// error equals the measured one.
#[test]
fn randomized_near_optimal_f64() {
    let n = 2000;
    let s: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let u = haar_orthogonal(n, 42);
    let v = haar_orthogonal(n, 43);
    let mut us = u;
    for (j, &sj) in s.iter().enumerate() {
        us.column_mut(j).mapv_inplace(|x| x * sj);
    }
    let a = us.dot(&v.t());
    let k = 20;
    let t = RandomizedSvd::new(k).seed(0).compute(&a).unwrap();
    let optimum = s[k..].iter().rev().map(|x| x * x).sum::<f64>().sqrt();
    let measured = verify::norm_fro(&(&a - &t.to_dense()));
    println!(
        "randomized 2000² k=20: measured {measured:.6e} optimum {optimum:.6e} (ratio {:.5}) reported {:.6e}",
        measured / optimum,
        t.report().frobenius_error
    );
    assert!(measured <= 1.01 * optimum, "{measured} vs {optimum}");
    // The reported error is exact (an orthogonal projection of A), up to rounding in ‖A‖_F².
    let tol = 4.0 * n as f64 * f64::EPSILON * verify::norm_fro(&a).powi(2) / optimum;
    assert!(
        (measured - t.report().frobenius_error).abs() <= tol,
        "reported {} measured {measured} tol {tol}",
        t.report().frobenius_error
    );
    // The top singular values are accurate to the optimum's scale.
    for (i, (&est, &exact)) in t.s().iter().zip(&s).enumerate() {
        assert!(
            (est - exact).abs() <= 0.01 * exact,
            "σ{i}: {est} vs {exact}"
        );
    }
}

fn moore_penrose<T: Scalar>() {
    let name = |s: &str| format!("lowrank/pinv {s} {}", T::NAME);
    for (m, n, r) in [
        (20, 12, 12),
        (12, 20, 12),
        (15, 15, 7),
        (9, 9, 9),
        (6, 0, 0),
        (1, 1, 1),
    ] {
        let a: Array2<T> = spectrum_matrix(m, n, r, 10.0, 8);
        let p = ndfactor::pinv(&a).unwrap();
        assert_eq!(p.dim(), (n, m));
        let d = m.max(n);
        let ctx = || format!("{m}×{n} rank {r}");
        let ap = a.dot(&p);
        let pa = p.dot(&a);
        check_ratio(
            &name("A·A⁺·A"),
            verify::ratio::<T>(verify::norm1(&(&ap.dot(&a) - &a)), verify::norm1(&a), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("A⁺·A·A⁺"),
            verify::ratio::<T>(verify::norm1(&(&pa.dot(&p) - &p)), verify::norm1(&p), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("(A·A⁺)ᴴ"),
            verify::ratio::<T>(verify::norm1(&(&adjoint(&ap) - &ap)), real::<T>(1.0), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("(A⁺·A)ᴴ"),
            verify::ratio::<T>(verify::norm1(&(&adjoint(&pa) - &pa)), real::<T>(1.0), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        assert_eq!(ndfactor::rank(&a).unwrap(), r, "{m}×{n}");
        // Subspaces.
        let z = ndfactor::null_space(&a).unwrap();
        let q = ndfactor::range(&a).unwrap();
        let v = ndfactor::row_space(&a).unwrap();
        let y = ndfactor::left_null_space(&a).unwrap();
        assert_eq!(
            (z.dim(), q.dim(), v.dim(), y.dim()),
            ((n, n - r), (m, r), (n, r), (m, m - r))
        );
        for (b, what) in [(&z, "null"), (&q, "range"), (&v, "row"), (&y, "left null")] {
            check_ratio(
                &name(&format!("{what} orth")),
                verify::orthogonality_ratio(b),
                verify::SVD_THRESHOLD,
                &ctx,
            );
        }
        check_ratio(
            &name("A·N"),
            verify::ratio::<T>(verify::norm1(&a.dot(&z)), verify::norm1(&a), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        check_ratio(
            &name("Aᴴ·Y"),
            verify::ratio::<T>(verify::norm1(&adjoint(&a).dot(&y)), verify::norm1(&a), d),
            verify::SVD_THRESHOLD,
            &ctx,
        );
    }
    assert!(matches!(
        ndfactor::cond(&Array2::<T>::zeros((0, 2))),
        Err(Error::Empty { .. })
    ));
    assert_eq!(
        ndfactor::cond(&Array2::<T>::zeros((2, 2))).unwrap(),
        T::Real::infinity()
    );
    let c = ndfactor::cond(&spectrum_matrix::<T>(8, 5, 5, 100.0, 1)).unwrap();
    assert!((c / real::<T>(100.0) - real::<T>(1.0)).abs() < real::<T>(1e3) * T::eps());
    assert!(ndfactor::pinv_with(&Array2::<T>::eye(2), real::<T>(-1.0), real::<T>(0.0)).is_err());
}
per_scalar!(pinv, moore_penrose);

fn least_squares<T: Scalar>() {
    for (m, n) in [(30, 10), (65, 26), (5, 5)] {
        let a: Array2<T> = spectrum_matrix(m, n, n, 10.0, 21);
        let b: Array2<T> = testing::gaussian(m, 3, &mut testing::rng(22));
        let r = ndfactor::lstsq(&a, &b).unwrap();
        let xq = Qr::new(&a).unwrap().solve(&b).unwrap();
        let cond = real::<T>(10.0);
        let err = verify::norm1(&(&r.solution - &xq)) / verify::norm1(&xq);
        check_ratio(
            &format!("lowrank/lstsq vs qr {}", T::NAME),
            err / (cond * cond * real::<T>(m as f64) * T::eps()),
            verify::SVD_THRESHOLD,
            &|| format!("{m}×{n}"),
        );
        assert_eq!(r.rank, n);
        assert_eq!(r.singular_values.len(), n);
        if m > n {
            let res = &b - &a.dot(&r.solution);
            for j in 0..3 {
                let rr = res
                    .column(j)
                    .iter()
                    .fold(real::<T>(0.0), |s, x| s + x.abs_sqr());
                assert!((rr - r.residuals[j]).abs() <= real::<T>(1e3) * T::eps() * rr);
            }
        } else {
            assert!(r.residuals.is_empty());
        }
    }
    // Rank-deficient: no residuals (NumPy), minimum-norm solution = pinv·b.
    let a: Array2<T> = spectrum_matrix(20, 8, 4, 10.0, 3);
    let b: Array2<T> = testing::gaussian(20, 2, &mut testing::rng(4));
    let r = ndfactor::lstsq(&a, &b).unwrap();
    assert_eq!((r.rank, r.residuals.len()), (4, 0));
    let xp = ndfactor::pinv(&a).unwrap().dot(&b);
    assert!(verify::norm1(&(&xp - &r.solution)) <= real::<T>(1e3) * T::eps() * verify::norm1(&xp));
    assert!(matches!(
        ndfactor::lstsq(&a, &Array2::<T>::zeros((19, 1))),
        Err(Error::DimensionMismatch { .. })
    ));
}
per_scalar!(lstsq, least_squares);

/// Läuchli: A = [1 1 1; δ 0 0; 0 δ 0; 0 0 δ], δ = 1e-9 (AᵀA would lose it entirely).
#[test]
fn lauchli_f64() {
    let d = 1e-9;
    let a = array![[1.0, 1.0, 1.0], [d, 0.0, 0.0], [0.0, d, 0.0], [0.0, 0.0, d]];
    assert_eq!(ndfactor::rank(&a).unwrap(), 3);
    let p = ndfactor::pinv(&a).unwrap();
    let c = 1.0 / (3.0 + d * d);
    let mut exact = Array2::<f64>::zeros((3, 4));
    for i in 0..3 {
        exact[(i, 0)] = c;
        for j in 0..3 {
            exact[(i, j + 1)] = ((if i == j { 1.0 } else { 0.0 }) - c) / d;
        }
    }
    let kappa = ndfactor::cond(&a).unwrap();
    let rel = verify::norm1(&(&p - &exact)) / verify::norm1(&exact);
    let ratio = rel / (kappa * 4.0 * f64::EPSILON);
    println!("MAX-RATIO lowrank/lauchli pinv f64 {ratio:.3}");
    assert!(ratio < verify::SVD_THRESHOLD, "{ratio}");
    let r = ndfactor::lstsq(&a, &array![[3.0], [d], [d], [d]]).unwrap();
    assert!(r
        .solution
        .iter()
        .all(|x| (x - 1.0).abs() < 1e3 * kappa * f64::EPSILON));
}
