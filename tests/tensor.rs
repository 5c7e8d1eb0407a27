//! Tensor decompositions: unfold/fold round trips, n-mode product identities, exact recovery of
//! known multilinear and CP ranks, HOOI ≤ HOSVD, monotone CP fit, bad input.

mod common;

use ndarray::{Array2, Array3, ArrayD, IxDyn};
use ndfactor::tensor::{
    fold, hosvd, mode_product, norm, random_cp, random_tucker, unfold, CpAls, CpInit, Hooi,
};
use ndfactor::{testing, Error, RealScalar, Scalar};

fn rel_diff<T: Scalar>(a: &ArrayD<T>, b: &ArrayD<T>) -> f64 {
    (norm(&(a - b)).to_f64()) / norm(a).to_f64().max(f64::MIN_POSITIVE)
}

fn eps<T: Scalar>() -> f64 {
    T::eps().to_f64()
}

fn unfold_fold_round_trip<T: Scalar>() {
    let mut rng = testing::rng(1);
    for shape in [
        vec![3usize],
        vec![2, 5],
        vec![3, 4, 2],
        vec![2, 3, 1, 4],
        vec![2, 2, 3, 2, 2],
    ] {
        let len: usize = shape.iter().product();
        let v: Vec<T> = (0..len).map(|_| testing::normal::<T>(&mut rng)).collect();
        let x = ArrayD::from_shape_vec(IxDyn(&shape), v).unwrap();
        for mode in 0..shape.len() {
            let m = unfold(&x, mode).unwrap();
            assert_eq!(m.dim(), (shape[mode], len / shape[mode]));
            assert_eq!(fold(&m, mode, &shape).unwrap(), x, "{shape:?} mode {mode}");
        }
        // Layout-independent: a transposed (F-order) view unfolds the same.
        let xf = x.t().as_standard_layout().into_owned();
        let xt = xf.t();
        assert_eq!(unfold(&xt, 0).unwrap(), unfold(&x, 0).unwrap());
    }
}
per_scalar!(unfold_fold, unfold_fold_round_trip);

/// Kolda & Bader (2009) §2.4 worked example, X ∈ R^{3×4×2}.
#[test]
fn kolda_bader_unfolding_example() {
    let x = Array3::from_shape_fn((3, 4, 2), |(i, j, k)| (1 + i + 3 * j + 12 * k) as f64);
    let x0 = unfold(&x, 0).unwrap();
    let x1 = unfold(&x, 1).unwrap();
    let x2 = unfold(&x, 2).unwrap();
    let r = |v: &[i32]| v.iter().map(|&a| a as f64).collect::<Vec<_>>();
    assert_eq!(x0.row(1).to_vec(), r(&[2, 5, 8, 11, 14, 17, 20, 23]));
    assert_eq!(x1.row(3).to_vec(), r(&[10, 11, 12, 22, 23, 24]));
    assert_eq!(x2.row(1).to_vec(), r(&(13..=24).collect::<Vec<_>>()));
}

fn mode_product_identities<T: Scalar>() {
    let mut rng = testing::rng(2);
    let shape = [4usize, 5, 3];
    let len: usize = shape.iter().product();
    let x = ArrayD::from_shape_vec(
        IxDyn(&shape),
        (0..len).map(|_| testing::normal::<T>(&mut rng)).collect(),
    )
    .unwrap();
    let a: Array2<T> = testing::gaussian(6, 4, &mut rng);
    let b: Array2<T> = testing::gaussian(2, 5, &mut rng);
    let c: Array2<T> = testing::gaussian(3, 6, &mut rng);
    let tol = 50.0 * eps::<T>();
    // Different modes commute.
    let ab = mode_product(&mode_product(&x, &a, 0).unwrap(), &b, 1).unwrap();
    let ba = mode_product(&mode_product(&x, &b, 1).unwrap(), &a, 0).unwrap();
    assert!(rel_diff(&ab, &ba) < tol);
    // Same mode composes: X ×₀ A ×₀ C = X ×₀ (C·A).
    let acc = mode_product(&mode_product(&x, &a, 0).unwrap(), &c, 0).unwrap();
    let ca = mode_product(&x, &c.dot(&a), 0).unwrap();
    assert!(rel_diff(&acc, &ca) < tol);
    // Identity is neutral; entrywise definition.
    let id = Array2::<T>::eye(5);
    assert_eq!(mode_product(&x, &id, 1).unwrap(), x);
    let y = mode_product(&x, &b, 1).unwrap();
    let mut s = T::zero();
    for j in 0..5 {
        s += b[(1, j)] * x[[2, j, 1]];
    }
    assert!((y[[2, 1, 1]] - s).abs().to_f64() < tol * 10.0);
    // Unfolding identity (X ×ₙ U)₍ₙ₎ = U·X₍ₙ₎.
    let yn = unfold(&y, 1).unwrap();
    let uxn = b.dot(&unfold(&x, 1).unwrap());
    assert!((&yn - &uxn).iter().all(|d| d.abs().to_f64() < tol * 10.0));
}
per_scalar!(mode_products, mode_product_identities);

fn tucker_exact_recovery<T: Scalar>() {
    for (seed, shape, ranks) in [
        (1u64, vec![8usize, 9, 10], vec![2usize, 3, 4]),
        (2, vec![6, 5, 4, 3], vec![2, 2, 3, 2]),
        (3, vec![12, 10], vec![3, 3]),
    ] {
        let x: ArrayD<T> = random_tucker(&shape, &ranks, seed);
        let n = *shape.iter().max().unwrap() as f64;
        let tol = 10.0 * n * eps::<T>();
        let h = hosvd(&x, &ranks).unwrap();
        assert_eq!(h.ranks(), ranks);
        assert!(
            h.relative_error().to_f64() < tol,
            "HOSVD {shape:?}: {}",
            h.relative_error()
        );
        let r = h.reconstruct().unwrap();
        assert!(rel_diff(&x, &r) < tol);
        // Orthonormal factors.
        for f in h.factors() {
            let g = f.t().mapv(|v| v.conj()).dot(f);
            let e = &g - &Array2::<T>::eye(f.ncols());
            assert!(e.iter().all(|d| d.abs().to_f64() < tol));
        }
        let o = Hooi::new(&ranks).fit(&x).unwrap();
        assert!(
            o.relative_error().to_f64() < tol,
            "HOOI {shape:?}: {}",
            o.relative_error()
        );
        assert!(o.converged());
    }
}
per_scalar!(tucker_exact, tucker_exact_recovery);

fn hooi_not_worse_than_hosvd<T: Scalar>() {
    // A tensor with no exact low multilinear rank: truncation error is real.
    let mut rng = testing::rng(7);
    let shape = [10usize, 9, 8];
    let mut x: ArrayD<T> = random_tucker(&shape, &[4, 4, 4], 7);
    x.mapv_inplace(|v| v + testing::normal::<T>(&mut rng).scale(T::Real::from_f64(0.3)));
    for ranks in [[2usize, 2, 2], [3, 2, 4], [1, 1, 1]] {
        let h = hosvd(&x, &ranks).unwrap();
        let o = Hooi::new(&ranks).max_iter(100).fit(&x).unwrap();
        let (eh, eo) = (h.relative_error().to_f64(), o.relative_error().to_f64());
        assert!(eh > 1e-2);
        assert!(
            eo <= eh * (1.0 + 100.0 * eps::<T>()),
            "{ranks:?}: HOOI {eo} > HOSVD {eh}"
        );
        // HOSVD is quasi-optimal: within √N of the best, hence of HOOI.
        assert!(eh <= 3f64.sqrt() * eo * (1.0 + 1e-3));
    }
    let m0 = Hooi::new(&[2, 2, 2]).max_iter(0).fit(&x).unwrap();
    assert_eq!(m0.iterations(), 0);
}
per_scalar!(hooi_vs_hosvd, hooi_not_worse_than_hosvd);

fn cp_exact_recovery<T: Scalar>() {
    for (shape, rank, seed) in [(vec![6usize, 7, 8], 3usize, 1u64), (vec![5, 4, 6, 3], 2, 2)] {
        let (x, w, _f) = random_cp::<T>(&shape, rank, seed);
        let cp = CpAls::new(rank).tol(0.0).max_iter(300).fit(&x).unwrap();
        let n = *shape.iter().max().unwrap() as f64;
        let err = cp.relative_error().to_f64();
        assert!(
            err < 100.0 * n * eps::<T>(),
            "{} {shape:?}: {err:e} after {}",
            T::NAME,
            cp.iterations()
        );
        let mut got: Vec<f64> = cp.weights().iter().map(|v| v.to_f64()).collect();
        got.sort_by(|a, b| a.partial_cmp(b).unwrap());
        for (g, e) in got.iter().zip(w.iter()) {
            assert!(
                (g - e.to_f64()).abs() < 1e3 * n * eps::<T>() * e.to_f64(),
                "{got:?}"
            );
        }
        for f in cp.factors() {
            for c in f.columns() {
                let nrm: f64 = c.iter().map(|v| v.abs_sqr().to_f64()).sum::<f64>().sqrt();
                assert!((nrm - 1.0).abs() < 10.0 * eps::<T>());
            }
        }
    }
}
per_scalar!(cp_exact, cp_exact_recovery);

fn cp_fit_is_monotone<T: Scalar>() {
    let mut rng = testing::rng(4);
    let (mut x, _, _) = random_cp::<T>(&[7, 6, 5], 4, 4);
    x.mapv_inplace(|v| v + testing::normal::<T>(&mut rng).scale(T::Real::from_f64(0.1)));
    for init in [CpInit::Hosvd, CpInit::Random] {
        let cp = CpAls::new(3)
            .init(init)
            .seed(1)
            .tol(0.0)
            .max_iter(60)
            .fit(&x)
            .unwrap();
        let h = cp.fit_history();
        assert!(h.len() >= 5 && h.len() == cp.iterations(), "{}", h.len());
        for (k, w) in h.windows(2).enumerate() {
            let (a, b) = (w[0].to_f64(), w[1].to_f64());
            assert!(
                b >= a - 100.0 * eps::<T>(),
                "{init:?} sweep {k}: fit {a} → {b}"
            );
        }
        assert!(cp.score().to_f64() > 0.5);
        assert!(rel_diff(&x, &cp.reconstruct()) - cp.relative_error().to_f64() < 1e-3);
    }
}
per_scalar!(cp_monotone, cp_fit_is_monotone);

#[test]
fn array3_convenience_and_compression_counts() {
    let x: Array3<f64> = random_tucker::<f64>(&[10, 11, 12], &[2, 3, 2], 5)
        .into_dimensionality()
        .unwrap();
    let t = hosvd(&x, &[2, 3, 2]).unwrap();
    let y: Array3<f64> = t.reconstruct3().unwrap();
    assert_eq!(y.dim(), (10, 11, 12));
    assert_eq!(t.stored_values(), 12 + 20 + 33 + 24);
    assert_eq!(t.dense_values(), 1320);
    let cp = CpAls::new(2).fit(&x).unwrap();
    assert_eq!(cp.stored_values(), 2 * (1 + 33));
    assert!(cp.reconstruct3().is_ok());
    let x4 = ArrayD::<f64>::ones(IxDyn(&[2, 2, 2, 2]));
    assert!(matches!(
        hosvd(&x4, &[1, 1, 1, 1]).unwrap().reconstruct3(),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn zero_tensor_has_zero_error() {
    let z = Array3::<f64>::zeros((3, 4, 2));
    let t = hosvd(&z, &[1, 1, 1]).unwrap();
    // exact: a zero tensor's residual is 0, its relative error defined as 0
    assert_eq!(t.relative_error(), 0.0);
    let o = Hooi::new(&[2, 2, 2]).fit(&z).unwrap();
    assert_eq!(o.relative_error(), 0.0);
    let cp = CpAls::new(2).fit(&z).unwrap();
    assert!(cp.reconstruct().iter().all(|v| *v == 0.0));
}

#[test]
fn bad_input_gives_typed_errors() {
    let x = Array3::<f64>::ones((2, 3, 4));
    let inv = |e: Option<Error>| matches!(e, Some(Error::InvalidArgument { .. }));
    // Modes.
    assert!(inv(unfold(&x, 3).err()));
    assert!(inv(
        fold(&Array2::<f64>::zeros((2, 12)), 3, &[2, 3, 4]).err()
    ));
    assert!(inv(mode_product(&x, &Array2::<f64>::eye(2), 5).err()));
    // Shapes.
    assert!(matches!(
        fold(&Array2::<f64>::zeros((2, 11)), 0, &[2, 3, 4]),
        Err(Error::DimensionMismatch {
            expected: 12,
            found: 11,
            ..
        })
    ));
    assert!(matches!(
        fold(&Array2::<f64>::zeros((3, 12)), 0, &[2, 3, 4]),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        mode_product(&x, &Array2::<f64>::eye(2), 1),
        Err(Error::DimensionMismatch {
            expected: 3,
            found: 2,
            ..
        })
    ));
    // Ranks.
    assert!(matches!(
        hosvd(&x, &[1, 1]),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(inv(hosvd(&x, &[0, 1, 1]).err()));
    assert_eq!(
        hosvd(&x, &[3, 1, 1]).err(),
        Some(Error::InvalidRank { k: 3, max: 1 })
    );
    assert_eq!(
        hosvd(&x, &[2, 3, 5]).err(),
        Some(Error::InvalidRank { k: 5, max: 4 })
    );
    assert!(inv(CpAls::new(0).fit(&x).err()));
    assert!(inv(CpAls::new(1).max_iter(0).fit(&x).err()));
    assert!(inv(CpAls::new(1).tol(-1.0).fit(&x).err()));
    assert!(inv(Hooi::new(&[1, 1, 1]).tol(f64::NAN).fit(&x).err()));
    // Non-finite and empty.
    let mut bad = x.clone();
    bad[[1, 2, 3]] = f64::INFINITY;
    assert_eq!(
        hosvd(&bad, &[1, 1, 1]).err(),
        Some(Error::NonFiniteTensor {
            index: vec![1, 2, 3]
        })
    );
    assert_eq!(
        Hooi::new(&[1, 1, 1]).fit(&bad).err(),
        Some(Error::NonFiniteTensor {
            index: vec![1, 2, 3]
        })
    );
    let empty = Array3::<f64>::zeros((2, 0, 3));
    assert!(matches!(
        hosvd(&empty, &[1, 1, 1]),
        Err(Error::Empty { .. })
    ));
    assert!(matches!(
        CpAls::new(1).fit(&empty),
        Err(Error::Empty { .. })
    ));
    let scalar = ArrayD::<f64>::from_elem(IxDyn(&[]), 1.0);
    assert!(matches!(hosvd(&scalar, &[]), Err(Error::Empty { .. })));
    assert!(inv(unfold(&scalar, 0).err()));
    // Unfolding an empty tensor is defined (an empty matrix).
    assert_eq!(unfold(&empty, 1).unwrap().dim(), (0, 6));
}
