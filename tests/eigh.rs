//! Symmetric/Hermitian eigen through the LAPACK-style sweep (ddrvst): scalar types × layouts ×
//! sizes × spectra, plus Rosser, Wilkinson W21+, unused-triangle and subset tests.
mod common;

use common::{check_ratio, for_each_layout, SMALL_SIZES};
use ndarray::{array, Array1, Array2};
use ndfactor::testing;
use ndfactor::{verify, Error, LinalgExt, RealScalar, Scalar, SymmetricEigen, Uplo};

#[derive(Debug, Clone, Copy)]
enum EigType {
    Zero,
    Identity,
    Diagonal,
    Random,
    IllConditioned,
    VeryIllConditioned,
    Clustered,
    NearUnderflow,
    NearOverflow,
}

const TYPES: &[EigType] = &[
    EigType::Zero,
    EigType::Identity,
    EigType::Diagonal,
    EigType::Random,
    EigType::IllConditioned,
    EigType::VeryIllConditioned,
    EigType::Clustered,
    EigType::NearUnderflow,
    EigType::NearOverflow,
];

/// `Q·diag(λ)·Qᴴ` with Haar `Q`, made exactly Hermitian.
fn with_eigenvalues<T: Scalar>(
    lam: &[T::Real],
    rng: &mut ndfactor::testing::SeededRng,
) -> Array2<T> {
    let n = lam.len();
    let q: Array2<T> = testing::random_unitary(n, rng);
    let mut ql = q.clone();
    for (j, &l) in lam.iter().enumerate() {
        ql.column_mut(j).mapv_inplace(|x| x.scale(l));
    }
    let mut a = ql.dot(&q.t().mapv(|x| x.conj()));
    testing::hermitian_part(&mut a);
    a
}

/// Geometric magnitudes from 1 to 1/cond with random signs.
fn signed_geometric<T: Scalar>(
    n: usize,
    cond: T::Real,
    rng: &mut ndfactor::testing::SeededRng,
) -> Vec<T::Real> {
    testing::geometric_spectrum::<T::Real>(n, cond)
        .into_iter()
        .map(|l| l * testing::unit_phase::<T::Real>(rng))
        .collect()
}

fn generate<T: Scalar>(ty: EigType, n: usize, rng: &mut ndfactor::testing::SeededRng) -> Array2<T> {
    let eps = T::eps();
    let r = |x: f64| T::Real::from_f64(x);
    match ty {
        EigType::Zero => Array2::zeros((n, n)),
        EigType::Identity => Array2::eye(n),
        EigType::Diagonal => {
            let d = signed_geometric::<T>(n, r(2.0), rng);
            Array2::from_diag(&Array1::from_iter(d.into_iter().map(T::from_real)))
        }
        EigType::Random => with_eigenvalues(&signed_geometric::<T>(n, r(2.0), rng), rng),
        EigType::IllConditioned => {
            with_eigenvalues(&signed_geometric::<T>(n, (r(0.1) / eps).sqrt(), rng), rng)
        }
        EigType::VeryIllConditioned => {
            with_eigenvalues(&signed_geometric::<T>(n, r(0.1) / eps, rng), rng)
        }
        EigType::Clustered => {
            let lam: Vec<T::Real> = (0..n).map(|i| r(1.0) + eps * r(i as f64)).collect();
            with_eigenvalues(&lam, rng)
        }
        EigType::NearUnderflow => {
            with_eigenvalues::<T>(&signed_geometric::<T>(n, r(2.0), rng), rng)
                .mapv(|x| x.scale(testing::small_scale::<T::Real>()))
        }
        EigType::NearOverflow => with_eigenvalues::<T>(&signed_geometric::<T>(n, r(2.0), rng), rng)
            .mapv(|x| x.scale(r(1.0) / testing::small_scale::<T::Real>())),
    }
}

fn max_abs_diff<R: RealScalar>(a: &[R], b: &[R]) -> R {
    a.iter()
        .zip(b)
        .fold(R::from_f64(0.0), |m, (x, y)| m.max((*x - *y).abs()))
}

fn max_abs<R: RealScalar>(a: &[R]) -> R {
    a.iter().fold(R::from_f64(0.0), |m, x| m.max(x.abs()))
}

fn check_pairs<T: Scalar>(
    a: &Array2<T>,
    eig: &SymmetricEigen<T>,
    what: &str,
    ctx: &dyn Fn() -> String,
) {
    let w = eig.values().to_vec();
    assert!(
        w.windows(2).all(|p| p[0] <= p[1]),
        "not ascending ({})",
        ctx()
    );
    check_ratio(
        &format!("eigh/{what} residual {}", T::NAME),
        verify::eigen_ratio(a, &eig.vectors(), &eig.values()),
        verify::EIG_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("eigh/{what} orth {}", T::NAME),
        verify::orthogonality_ratio(&eig.vectors()),
        verify::EIG_THRESHOLD,
        ctx,
    );
}

fn sweep<T: Scalar>() {
    let mut rng = testing::rng(0x5eed_0e16);
    for &n in SMALL_SIZES {
        for &ty in TYPES {
            let a: Array2<T> = generate(ty, n, &mut rng);
            let ctx = || format!("{} n={n} {ty:?}", T::NAME);
            let eig = SymmetricEigen::new(&a).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            assert_eq!(eig.vectors().dim(), (n, n));
            check_pairs(&a, &eig, "full", &ctx);
            check_ratio(
                &format!("eigh/reconstruct {}", T::NAME),
                verify::reconstruction_ratio(&a, &eig.reconstruct(), n),
                verify::EIG_THRESHOLD,
                &ctx,
            );
            let up = SymmetricEigen::with_uplo(&a, Uplo::Upper).unwrap();
            check_pairs(&a, &up, "full", &ctx);
            // Values only vs with vectors: max|λ_V − λ_N| / (ε·max|λ|).
            let w = eig.values().to_vec();
            let wn = SymmetricEigen::values_only(&a).unwrap().to_vec();
            assert!(wn.windows(2).all(|p| p[0] <= p[1]));
            check_ratio(
                &format!("eigh/values vs vectors {}", T::NAME),
                verify::ratio::<T>(max_abs_diff(&w, &wn), max_abs(&w), 1),
                verify::EIG_THRESHOLD,
                &ctx,
            );
            // Subsets agree with the full decomposition.
            if n > 0 {
                let (lo, hi) = (n / 4, n / 2);
                let sub = SymmetricEigen::subset_by_index(&a, lo..=hi).unwrap();
                assert_eq!(sub.values().len(), hi - lo + 1, "{}", ctx());
                assert_eq!(sub.vectors().dim(), (n, hi - lo + 1));
                check_pairs(&a, &sub, "subset", &ctx);
                check_ratio(
                    &format!("eigh/subset vs full {}", T::NAME),
                    verify::ratio::<T>(
                        max_abs_diff(&sub.values().to_vec(), &w[lo..=hi]),
                        max_abs(&w),
                        n,
                    ),
                    verify::EIG_THRESHOLD,
                    &ctx,
                );
                if let EigType::Random = ty {
                    // Interval around λ_lo … λ_hi with boundaries in the gaps.
                    let half = T::Real::from_f64(0.5);
                    let vl = if lo == 0 {
                        w[0] - T::Real::from_f64(1.0)
                    } else {
                        (w[lo - 1] + w[lo]) * half
                    };
                    let vu = if hi + 1 == n {
                        w[n - 1] + T::Real::from_f64(1.0)
                    } else {
                        (w[hi] + w[hi + 1]) * half
                    };
                    let byv = SymmetricEigen::subset_by_value(&a, vl, vu).unwrap();
                    assert_eq!(byv.values().len(), hi - lo + 1, "{}", ctx());
                    check_pairs(&a, &byv, "subset", &ctx);
                }
            }
            // Every layout gives bit-identical results.
            if n <= 26 {
                for_each_layout(&a, |layout, v| {
                    let e = SymmetricEigen::new(&v).unwrap();
                    assert_eq!(e.values(), eig.values(), "{} {layout:?}", ctx());
                    assert_eq!(e.vectors(), eig.vectors(), "{} {layout:?}", ctx());
                });
            }
        }
    }
}
per_scalar!(lapack_sweep, sweep);

fn rosser<T: Scalar>() {
    let a: Array2<T> = array![
        [611.0, 196.0, -192.0, 407.0, -8.0, -52.0, -49.0, 29.0],
        [196.0, 899.0, 113.0, -192.0, -71.0, -43.0, -8.0, -44.0],
        [-192.0, 113.0, 899.0, 196.0, 61.0, 49.0, 8.0, 52.0],
        [407.0, -192.0, 196.0, 611.0, 8.0, 44.0, 59.0, -23.0],
        [-8.0, -71.0, 61.0, 8.0, 411.0, -599.0, 208.0, 208.0],
        [-52.0, -43.0, 49.0, 44.0, -599.0, 411.0, 208.0, 208.0],
        [-49.0, -8.0, 8.0, 59.0, 208.0, 208.0, 99.0, -911.0],
        [29.0, -44.0, 52.0, -23.0, 208.0, 208.0, -911.0, 99.0]
    ]
    .mapv(T::from_f64);
    let s = 10.0 * 10405f64.sqrt();
    let r = 100.0 * 26f64.sqrt();
    let known = [-s, 0.0, 510.0 - r, 1000.0, 1000.0, 510.0 + r, 1020.0, s];
    let eig = a.eigh().unwrap();
    let anorm = verify::norm1(&a);
    for (l, k) in eig.values().iter().zip(known) {
        let diff = T::Real::from_f64((l.to_f64() - k).abs());
        check_ratio(
            &format!("eigh/rosser {}", T::NAME),
            verify::ratio::<T>(diff, anorm, 8),
            verify::EIG_THRESHOLD,
            &|| format!("λ {l} vs {k}"),
        );
    }
    check_pairs(&a, &eig, "full", &|| "Rosser".into());
}
per_scalar!(rosser_matrix, rosser);

fn wilkinson<T: Scalar>() {
    // W21+: diag |10 − i|, off-diagonal 1; its largest eigenvalues come in very close pairs.
    let n = 21;
    let a = Array2::<T>::from_shape_fn((n, n), |(i, j)| {
        if i == j {
            T::from_f64((10.0 - i as f64).abs())
        } else if i.abs_diff(j) == 1 {
            T::one()
        } else {
            T::zero()
        }
    });
    let eig = SymmetricEigen::new(&a).unwrap();
    check_pairs(&a, &eig, "full", &|| "W21+".into());
    let w = eig.values();
    assert!((w[n - 1].to_f64() - 10.746).abs() < 1e-3);
    // The top pair agrees to ~1e-14 in exact arithmetic: equal to rounding here.
    assert!((w[n - 1] - w[n - 2]).to_f64() <= 50.0 * T::eps().to_f64() * 11.0);
}
per_scalar!(wilkinson_w21, wilkinson);

fn unused_triangle<T: Scalar>() {
    let mut rng = testing::rng(5);
    let a: Array2<T> = generate(EigType::Random, 9, &mut rng);
    let clean = SymmetricEigen::new(&a).unwrap();
    let mut dirty = a.clone();
    for i in 0..9 {
        for j in i + 1..9 {
            dirty[(i, j)] = T::from_real(T::Real::nan());
        }
    }
    let d = SymmetricEigen::new(&dirty).unwrap();
    assert_eq!(d.values(), clean.values());
    assert_eq!(d.vectors(), clean.vectors());
    assert_eq!(
        SymmetricEigen::values_only(&dirty).unwrap(),
        SymmetricEigen::values_only(&a).unwrap()
    );
    assert_eq!(
        SymmetricEigen::from_owned(dirty.clone()).unwrap().values(),
        clean.values()
    );
    // Upper: NaN in the lower triangle is ignored.
    let up = SymmetricEigen::with_uplo(&dirty.t().to_owned(), Uplo::Upper).unwrap();
    // dirty.t()'s upper triangle is that of aᵀ (= conj(a) for Hermitian a).
    check_pairs(&a.t().to_owned(), &up, "full", &|| "upper".into());
    // Junk imaginary parts on the diagonal are ignored.
    if T::IS_COMPLEX {
        let mut junk = a.clone();
        for i in 0..9 {
            junk[(i, i)] = T::from_parts(a[(i, i)].re(), T::Real::from_f64(3.0 + i as f64));
        }
        let j = SymmetricEigen::new(&junk).unwrap();
        assert_eq!(j.values(), clean.values());
        assert_eq!(j.vectors(), clean.vectors());
    }
    // NaN in the triangle that is read is reported at its position.
    let mut bad = a.clone();
    bad[(5, 2)] = T::from_real(T::Real::infinity());
    assert_eq!(
        SymmetricEigen::new(&bad).unwrap_err(),
        Error::NonFinite { row: 5, col: 2 }
    );
    assert_eq!(
        SymmetricEigen::values_only(&bad).unwrap_err(),
        Error::NonFinite { row: 5, col: 2 }
    );
    assert_eq!(
        SymmetricEigen::subset_by_index(&bad, 0..=1).unwrap_err(),
        Error::NonFinite { row: 5, col: 2 }
    );
    assert!(SymmetricEigen::with_uplo(&bad, Uplo::Upper).is_ok());
}
per_scalar!(triangles, unused_triangle);

fn bad_shapes_and_ranges<T: Scalar>() {
    let e = SymmetricEigen::new(&Array2::<T>::zeros((0, 0))).unwrap();
    assert_eq!(e.values().len(), 0);
    assert_eq!(e.vectors().dim(), (0, 0));
    assert_eq!(e.reconstruct().dim(), (0, 0));
    assert_eq!(
        SymmetricEigen::values_only(&Array2::<T>::zeros((0, 0)))
            .unwrap()
            .len(),
        0
    );
    let r = |x: f64| T::Real::from_f64(x);
    assert_eq!(
        SymmetricEigen::subset_by_value(&Array2::<T>::zeros((0, 0)), r(0.0), r(1.0))
            .unwrap()
            .values()
            .len(),
        0
    );
    assert!(matches!(
        SymmetricEigen::subset_by_index(&Array2::<T>::zeros((0, 0)), 0..=0),
        Err(Error::InvalidArgument { .. })
    ));
    assert_eq!(
        SymmetricEigen::new(&Array2::<T>::zeros((2, 3))).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    let a = Array2::<T>::eye(4);
    #[allow(clippy::reversed_empty_ranges)]
    for range in [2..=1, 0..=4] {
        assert!(matches!(
            SymmetricEigen::subset_by_index(&a, range),
            Err(Error::InvalidArgument { .. })
        ));
    }
    for (vl, vu) in [
        (r(1.0), r(1.0)),
        (r(2.0), r(1.0)),
        (T::Real::nan(), r(1.0)),
        (r(0.0), T::Real::infinity()),
    ] {
        assert!(matches!(
            SymmetricEigen::subset_by_value(&a, vl, vu),
            Err(Error::InvalidArgument { .. })
        ));
    }
    // An interval holding no eigenvalue gives an empty result.
    let none = SymmetricEigen::subset_by_value(&a, r(2.0), r(3.0)).unwrap();
    assert_eq!(none.vectors().dim(), (4, 0));
    // (vl, vu] is half-open: 1 is in (0.5, 1] but not in (1, 2].
    assert_eq!(
        SymmetricEigen::subset_by_value(&a, r(0.5), r(1.0))
            .unwrap()
            .values()
            .len(),
        4
    );
    // All-zero matrices do not hang and give zero eigenvalues.
    let z = Array2::<T>::zeros((30, 30));
    assert!(SymmetricEigen::new(&z)
        .unwrap()
        .values()
        .iter()
        .all(|&l| l == r(0.0)));
}
per_scalar!(bad_input, bad_shapes_and_ranges);
