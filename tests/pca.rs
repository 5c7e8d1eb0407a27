//! PCA: explained variance against an exact SVD of the centred data, reconstruction, orthonormal
//! axes, uncorrelated scores, known low-dimensional structure, the randomized solver, scaling,
//! bad inputs and layout invariance.
mod common;

use common::{adjoint, check_ratio, for_each_layout};
use ndarray::{array, Array1, Array2, Axis};
use ndfactor::testing;
use ndfactor::{verify, Error, Pca, PcaSolver, Rank, RealScalar, Scalar, Scaling, Svd};

fn real<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// `n×p` data with a geometric spectrum (condition 1e3) around a non-zero mean row.
fn data<T: Scalar>(n: usize, p: usize, seed: u64) -> Array2<T> {
    let k = n.min(p);
    let s = testing::geometric_spectrum::<T::Real>(k, real::<T>(1e3));
    let mut x: Array2<T> = testing::with_singular_values(n, p, &s, &mut testing::rng(seed));
    for (j, mut c) in x.axis_iter_mut(Axis(1)).enumerate() {
        let mu = T::from_f64(0.5 + j as f64 * 0.1);
        c.mapv_inplace(|v| v + mu);
    }
    x
}

/// Centred copy of `x` (test-side, independent of the implementation).
fn centred<T: Scalar>(x: &Array2<T>) -> Array2<T> {
    let n = x.nrows();
    let mut c = x.clone();
    for mut col in c.axis_iter_mut(Axis(1)) {
        let mu = col.iter().copied().sum::<T>() / T::from_f64(n as f64);
        col.mapv_inplace(|v| v - mu);
    }
    c
}

/// Components, explained variance and scores of one fit (for layout invariance).
type Snapshot<T, R> = (Array2<T>, Array1<R>, Array2<T>);

const SHAPES: &[(usize, usize)] = &[
    (2, 1),
    (2, 3),
    (3, 2),
    (26, 25),
    (25, 65),
    (65, 26),
    (200, 10),
];

fn accuracy<T: Scalar>() {
    for &(n, p) in SHAPES {
        let x = data::<T>(n, p, (n * 1000 + p) as u64);
        let ctx = || format!("{} n={n} p={p}", T::NAME);
        let kfull = n.min(p);
        let dim = n.max(p);
        let nm1 = real::<T>((n - 1) as f64);
        let exact = Svd::values(&centred(&x)).unwrap();
        let var1 = exact[0] * exact[0] / nm1;
        let mut first: Option<Snapshot<T, T::Real>> = None;
        for_each_layout(&x, |layout, xv| {
            let pca = Pca::new(Rank::Fixed(kfull)).fit(&xv).unwrap();
            let z = pca.transform(&xv).unwrap();
            match &first {
                None => {
                    first = Some((
                        pca.components().to_owned(),
                        pca.explained_variance().to_owned(),
                        z,
                    ))
                }
                Some((c, ev, z0)) => {
                    assert_eq!(c, &pca.components(), "{} {layout:?}", ctx());
                    assert_eq!(ev, &pca.explained_variance(), "{} {layout:?}", ctx());
                    assert_eq!(z0, &z, "{} {layout:?}", ctx());
                }
            }
        });
        let pca = Pca::new(Rank::Fixed(kfull)).fit(&x).unwrap();
        // Explained variance against the exact SVD of the centred data.
        let ev = pca.explained_variance();
        let mut worst = real::<T>(0.0);
        for i in 0..kfull {
            let e = exact[i] * exact[i] / nm1;
            worst = worst.max((ev[i] - e).abs() / var1);
        }
        if T::NAME == "f64" {
            assert!(worst.to_f64() < 1e-10, "{}: {worst:e}", ctx());
        }
        check_ratio(
            &format!("pca/explained_variance {}", T::NAME),
            worst / (real::<T>(dim as f64) * T::eps()),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        // Ratios: sum to 1 at full rank, ≤ 1 for a truncation.
        let total: T::Real = pca.explained_variance_ratio().sum();
        check_ratio(
            &format!("pca/ratio_sum {}", T::NAME),
            (total - real::<T>(1.0)).abs() / (real::<T>(dim as f64) * T::eps()),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        let part = Pca::new(Rank::Fixed(kfull / 2)).fit(&x).unwrap();
        let psum: T::Real = part.explained_variance_ratio().sum();
        assert!(psum <= real::<T>(1.0) && psum <= total, "{}", ctx());
        // Orthonormal axes.
        check_ratio(
            &format!("pca/orthogonality {}", T::NAME),
            verify::orthogonality_ratio(&pca.components().t()),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        // Scores uncorrelated: ZᴴZ = diag(σ²).
        let z = pca.transform(&x).unwrap();
        let mut g = adjoint(&z).dot(&z);
        for i in 0..kfull {
            let s = pca.singular_values()[i];
            g[(i, i)] -= T::from_real(s * s);
        }
        let s1sq = exact[0] * exact[0];
        check_ratio(
            &format!("pca/scores_gram {}", T::NAME),
            verify::ratio::<T>(verify::norm1(&g), s1sq, dim),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        // Exact round trip with k = min(n − 1, p).
        let k = (n - 1).min(p);
        let pk = Pca::new(Rank::Fixed(k)).fit(&x).unwrap();
        let back = pk.inverse_transform(&pk.transform(&x).unwrap()).unwrap();
        check_ratio(
            &format!("pca/round_trip {}", T::NAME),
            verify::reconstruction_ratio(&x, &back, dim),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        // Same with unit-variance scaling.
        let ps = Pca::new(Rank::Fixed(k))
            .scale(Scaling::UnitVariance)
            .fit(&x)
            .unwrap();
        let back = ps.inverse_transform(&ps.transform(&x).unwrap()).unwrap();
        check_ratio(
            &format!("pca/round_trip_scaled {}", T::NAME),
            verify::reconstruction_ratio(&x, &back, dim),
            verify::SVD_THRESHOLD,
            &ctx,
        );
        // The report's Frobenius error is the measured training reconstruction error.
        let pr = Pca::new(Rank::Fixed(kfull / 2)).fit(&x).unwrap();
        let back = pr.inverse_transform(&pr.transform(&x).unwrap()).unwrap();
        let measured = verify::norm_fro(&(&x - &back));
        let rep = pr.report();
        let fx = verify::norm_fro(&centred(&x));
        check_ratio(
            &format!("pca/report_error {}", T::NAME),
            verify::ratio::<T>((measured - rep.frobenius_error).abs(), fx, dim),
            verify::SVD_THRESHOLD,
            &ctx,
        );
    }
}
per_scalar!(accuracy_tests, accuracy);

/// 500 samples on a 2-D plane in R¹⁰ plus tiny noise.
fn plane<T: Scalar>() {
    let mut rng = testing::rng(11);
    let basis: Array2<T> = testing::random_orthonormal_columns(10, 2, &mut rng);
    let coef: Array2<T> = testing::gaussian(500, 2, &mut rng);
    let mut coef = coef;
    coef.column_mut(0).mapv_inplace(|v| v.scale(real::<T>(3.0)));
    let noise: Array2<T> = testing::gaussian(500, 10, &mut rng);
    let mut x = coef.dot(&adjoint(&basis)) + noise.mapv(|v| v.scale(real::<T>(1e-4)));
    for (j, mut c) in x.axis_iter_mut(Axis(1)).enumerate() {
        c.mapv_inplace(|v| v + T::from_f64(j as f64 - 4.0));
    }
    let p2 = Pca::new(Rank::Fixed(2)).fit(&x).unwrap();
    let r2: T::Real = p2.explained_variance_ratio().sum();
    let r1 = p2.explained_variance_ratio()[0];
    assert!(r2 > real::<T>(0.999), "{} {r2}", T::NAME);
    println!(
        "PLANE {} ratios of 2 components {r1} + {}",
        T::NAME,
        r2 - r1
    );
    assert!(
        r1 > real::<T>(0.8) && r1 < real::<T>(0.95),
        "{} {r1}",
        T::NAME
    );
    // Energy rules pick the right counts.
    let count = |f: f64| {
        Pca::new(Rank::Energy(real::<T>(f)))
            .fit(&x)
            .unwrap()
            .n_components()
    };
    assert_eq!(count(0.95), 2, "{}", T::NAME);
    assert_eq!(count(0.5), 1, "{}", T::NAME);
    assert_eq!(count(0.0), 0, "{}", T::NAME);
    // The axes span the plane: ‖C·(I − B·Bᴴ)‖ is at the noise level.
    let c = p2.components().to_owned();
    let off = &c - &c.dot(&basis).dot(&adjoint(&basis));
    assert!(verify::norm_fro(&off) < real::<T>(1e-3), "{}", T::NAME);
    // The mean is recovered.
    let mu = p2.mean();
    for j in 0..10 {
        assert!(
            (mu[j] - T::from_f64(j as f64 - 4.0)).abs() < real::<T>(0.5),
            "{j}"
        );
    }
}
per_scalar!(plane_tests, plane);

fn randomized<T: Scalar>() {
    let (n, p, k) = (200, 40, 5);
    let s: Vec<T::Real> = (0..p).map(|i| real::<T>(0.5f64.powi(i as i32))).collect();
    let mut x: Array2<T> = testing::with_singular_values(n, p, &s, &mut testing::rng(5));
    x.mapv_inplace(|v| v + T::from_f64(2.0));
    let e = Pca::new(Rank::Fixed(k)).fit(&x).unwrap();
    let r = Pca::new(Rank::Fixed(k))
        .solver(PcaSolver::Randomized {
            oversamples: 10,
            power_iterations: None,
            seed: 3,
        })
        .fit(&x)
        .unwrap();
    let tol = 1e-8f64.max(1e4 * T::eps().to_f64());
    for i in 0..k {
        let (a, b) = (e.explained_variance()[i], r.explained_variance()[i]);
        assert!(((a - b) / a).abs().to_f64() < tol, "{} ev {i}", T::NAME);
        let (a, b) = (
            e.explained_variance_ratio()[i],
            r.explained_variance_ratio()[i],
        );
        assert!(((a - b) / a).abs().to_f64() < tol, "{} ratio {i}", T::NAME);
    }
    let dc = common::max_abs(&(&e.components() - &r.components()));
    assert!(dc < tol, "{} components differ by {dc:e}", T::NAME);
    let (ze, zr) = (e.transform(&x).unwrap(), r.transform(&x).unwrap());
    let dz = common::max_abs(&(&ze - &zr)) / common::max_abs(&ze);
    assert!(dz < tol, "{} scores differ by {dz:e}", T::NAME);
    println!(
        "RANDOMIZED {} components Δ {dc:.2e}, scores Δ/max {dz:.2e}",
        T::NAME
    );
    // Randomized needs a fixed count.
    let bad = Pca::new(Rank::Energy(real::<T>(0.9)))
        .solver(PcaSolver::randomized())
        .fit(&x);
    assert!(matches!(bad, Err(Error::InvalidArgument { .. })));
    assert!(matches!(
        Pca::new(Rank::Fixed(p + 1))
            .solver(PcaSolver::randomized())
            .fit(&x),
        Err(Error::InvalidRank { .. })
    ));
}
per_scalar!(randomized_tests, randomized);

fn scaling<T: Scalar>() {
    let (n, p) = (30, 5);
    let mut x = data::<T>(n, p, 9);
    for (j, mut c) in x.axis_iter_mut(Axis(1)).enumerate() {
        c.mapv_inplace(|v| v.scale(real::<T>(10f64.powi(j as i32 - 2))));
    }
    x.column_mut(3).fill(T::from_f64(7.0)); // constant column
    let pca = Pca::new(Rank::Fixed(p))
        .scale(Scaling::UnitVariance)
        .fit(&x)
        .unwrap();
    let sc = pca.scale().unwrap().to_owned();
    let xc = centred(&x);
    let tol = real::<T>(100.0 * n as f64) * T::eps();
    for j in 0..p {
        let col = xc.column(j).to_owned().insert_axis(Axis(1));
        let sd = verify::norm_fro(&col) / real::<T>((n - 1) as f64).sqrt();
        let want = if j == 3 { real::<T>(1.0) } else { sd };
        assert!(((sc[j] - want) / want).abs() < tol, "{} col {j}", T::NAME);
    }
    // Four unit-variance columns and one constant one.
    assert!((pca.total_variance() - real::<T>(4.0)).abs() < tol * real::<T>(4.0));
    let total: T::Real = pca.explained_variance().sum();
    assert!((total - real::<T>(4.0)).abs() < tol * real::<T>(4.0));
    // Scaled PCA is PCA of the standardised data.
    let mut xs = x.clone();
    for j in 0..p {
        let (m, s) = (pca.mean()[j], T::from_real(sc[j]));
        xs.column_mut(j).mapv_inplace(|v| (v - m) / s);
    }
    let plain = Pca::new(Rank::Fixed(p)).fit(&xs).unwrap();
    for i in 0..p {
        let d = (plain.explained_variance()[i] - pca.explained_variance()[i]).abs();
        assert!(d < tol * real::<T>(4.0), "{} ev {i}", T::NAME);
    }
    // Sign convention: the largest-modulus entry of each component is real and positive.
    for row in pca.components().rows() {
        let big = row
            .iter()
            .copied()
            .fold(T::zero(), |m, v| if v.abs() > m.abs() { v } else { m });
        assert!(big.re() > real::<T>(0.0) && big.im() == real::<T>(0.0));
    }
}
per_scalar!(scaling_tests, scaling);

fn bad_inputs<T: Scalar>() {
    let fit = |x: &Array2<T>, k| Pca::new(Rank::Fixed(k)).fit(x);
    for n in [0, 1] {
        assert!(matches!(
            fit(&Array2::zeros((n, 3)), 0),
            Err(Error::InvalidArgument { .. })
        ));
    }
    let mut x = data::<T>(6, 4, 1);
    assert!(matches!(
        fit(&x, 5),
        Err(Error::InvalidRank { k: 5, max: 4 })
    ));
    assert!(matches!(
        Pca::new(Rank::Energy(real::<T>(1.5))).fit(&x),
        Err(Error::InvalidArgument { .. })
    ));
    let pca = fit(&x, 2).unwrap();
    assert!(matches!(
        pca.transform(&Array2::<T>::zeros((3, 5))),
        Err(Error::DimensionMismatch {
            expected: 4,
            found: 5,
            ..
        })
    ));
    assert!(matches!(
        pca.inverse_transform(&Array2::<T>::zeros((3, 3))),
        Err(Error::DimensionMismatch {
            expected: 2,
            found: 3,
            ..
        })
    ));
    assert_eq!(
        pca.transform(&Array2::<T>::zeros((0, 4))).unwrap().dim(),
        (0, 2)
    );
    let mut y = x.clone();
    y[(1, 3)] = T::from_real(T::Real::infinity());
    assert_eq!(
        pca.transform(&y).unwrap_err(),
        Error::NonFinite { row: 1, col: 3 }
    );
    let mut z = Array2::<T>::zeros((2, 2));
    z[(0, 1)] = T::from_real(T::Real::nan());
    assert_eq!(
        pca.inverse_transform(&z).unwrap_err(),
        Error::NonFinite { row: 0, col: 1 }
    );
    x[(2, 1)] = T::from_real(T::Real::nan());
    assert_eq!(fit(&x, 1).unwrap_err(), Error::NonFinite { row: 2, col: 1 });
    // No features: defined, empty answers.
    let e = fit(&Array2::zeros((3, 0)), 0).unwrap();
    assert_eq!(
        (e.n_components(), e.n_features(), e.total_variance()),
        (0, 0, real::<T>(0.0))
    );
    assert_eq!(
        e.transform(&Array2::<T>::zeros((3, 0))).unwrap().dim(),
        (3, 0)
    );
    // Constant data: zero variance, ratios 0 rather than NaN.
    let c = Array2::<T>::from_elem((4, 3), T::from_f64(2.5));
    let pc = fit(&c, 2).unwrap();
    assert!(pc
        .explained_variance_ratio()
        .iter()
        .all(|&r| r == real::<T>(0.0)));
    let back = pc.inverse_transform(&pc.transform(&c).unwrap()).unwrap();
    assert_eq!(back, c);
}
per_scalar!(bad_input_tests, bad_inputs);

#[test]
fn worked_example() {
    let x = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    let pca = Pca::new(Rank::Fixed(2)).fit(&x).unwrap();
    // exact: integer sums divided by 3
    assert_eq!(pca.mean().to_vec(), vec![3.0, 4.0]);
    assert!((pca.explained_variance()[0] - 8.0).abs() < 1e-14);
    assert!(pca.explained_variance()[1].abs() < 1e-14);
    let h = 0.5f64.sqrt();
    let c = pca.components();
    assert!((c[(0, 0)] - h).abs() < 1e-15 && (c[(0, 1)] - h).abs() < 1e-15);
    let z = pca.transform(&x).unwrap();
    assert!((z[(0, 0)] + 8f64.sqrt()).abs() < 1e-14 && z[(1, 0)].abs() < 1e-14);
}
