//! Balancing control and eigenvalue condition numbers of `Eig` (?geevx): residuals for every
//! `Balance`, accuracy on graded matrices with a known spectrum, the rank-1 case where balancing
//! inflates the residual in the original coordinates, closed-form reciprocal condition numbers,
//! layouts and bad inputs.
mod common;

use common::{check_ratio, for_each_layout};
use ndarray::{array, Array1, Array2};
use ndfactor::testing;
use ndfactor::{c64, verify, Balance, Eig, EigVectors, Error, RealScalar, Scalar};
use num_complex::Complex;

const BALANCES: [Balance; 4] = [
    Balance::None,
    Balance::Permute,
    Balance::Scale,
    Balance::Both,
];

fn cabs<R: RealScalar>(z: Complex<R>) -> R {
    z.re.hypot(z.im)
}

/// `aᵢⱼ·10^(i−j)`: a diagonal similarity `G·A·G⁻¹`, same spectrum, entries over 10^(2(n−1)).
fn graded_similarity<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    Array2::from_shape_fn(a.dim(), |(i, j)| {
        a[(i, j)].scale(T::Real::from_f64(10f64.powi(i as i32 - j as i32)))
    })
}

/// Largest distance from each exact eigenvalue to a distinct computed one (greedy matching;
/// the spectra used here are well separated).
fn spectrum_error<R: RealScalar>(exact: &[Complex<R>], computed: &[Complex<R>]) -> R {
    assert_eq!(exact.len(), computed.len());
    let mut used = vec![false; computed.len()];
    let mut worst = R::from_f64(0.0);
    for &l in exact {
        let (k, d) = computed
            .iter()
            .enumerate()
            .filter(|(k, _)| !used[*k])
            .map(|(k, &c)| (k, cabs(c - l)))
            .fold(
                (usize::MAX, R::infinity()),
                |b, x| if x.1 < b.1 { x } else { b },
            );
        used[k] = true;
        worst = worst.max(d);
    }
    worst
}

/// `Q·diag(λ)·Qᴴ` with a random unitary `Q`: normal, every eigenvalue perfectly conditioned.
fn normal_matrix<T: Scalar>(lambda: &[T], seed: u64) -> Array2<T> {
    let n = lambda.len();
    let q: Array2<T> = testing::random_unitary(n, &mut testing::rng(seed));
    let qd = Array2::from_shape_fn((n, n), |(i, j)| q[(i, j)] * lambda[j]);
    qd.dot(&q.t().mapv(|x| x.conj()))
}

/// Every balancing gives a small residual (and left residual) on random matrices and on graded
/// ones, and `Both` matches `Eig::new` (?geev balances the same way).
fn residuals<T: Scalar>() {
    let mut rng = testing::rng(0xba1);
    for n in [1usize, 2, 3, 6, 25] {
        let g: Array2<T> = testing::gaussian(n, n, &mut rng);
        for (kind, a) in [("random", g.clone()), ("graded", graded_similarity(&g))] {
            for b in BALANCES {
                let ctx = || format!("{} n={n} {kind} {b:?}", T::NAME);
                let e = Eig::with_balance(&a, EigVectors::Both, b).unwrap();
                check_ratio(
                    &format!("eigx/right {kind} {}", T::NAME),
                    verify::eig_ratio(&a, &e.values(), &e.vectors()),
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("eigx/left {kind} {}", T::NAME),
                    verify::eig_left_ratio(&a, &e.values(), &e.left_vectors().unwrap()),
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                let bn = e.balanced_norm1().unwrap();
                assert!(bn > T::Real::from_f64(0.0), "{}", ctx());
                let d = e.balance_scaling().unwrap();
                assert_eq!(d.len(), n);
                assert!(d.iter().all(|&x| x > T::Real::from_f64(0.0)), "{}", ctx());
                if matches!(b, Balance::None | Balance::Permute) {
                    // No scaling: D = I (exact: LAPACK stores 1 for unscaled rows).
                    assert!(d.iter().all(|&x| x == T::Real::from_f64(1.0)), "{}", ctx());
                    // Permuting keeps the 1-norm up to the order of each column's summation.
                    let n1 = verify::norm1(&a);
                    let tol = T::Real::from_f64(n as f64) * T::eps() * n1;
                    assert!((bn - n1).abs() <= tol, "{bn:e} vs {n1:e} ({})", ctx());
                }
                if b == Balance::Both {
                    let r = Eig::new(&a).unwrap();
                    let tol = T::Real::from_f64(verify::SCHUR_THRESHOLD * n as f64)
                        * T::eps()
                        * verify::norm1(&a);
                    let err = spectrum_error(&r.values().to_vec(), &e.values().to_vec());
                    assert!(err <= tol, "{err:e} vs ?geev ({})", ctx());
                }
            }
        }
    }
}
per_scalar!(residual_every_balance, residuals);

/// A graded similarity of a normal matrix has a known, perfectly conditioned spectrum: balancing
/// recovers it to `O(n·ε·max|λ|)`, at least as accurately as no balancing (whose error is
/// `O(ε·‖A‖)` with `‖A‖ ≈ 10^(n−1)·max|λ|`).
fn graded_accuracy<T: Scalar>() {
    for n in [4usize, 6] {
        let lambda: Vec<T> = (0..n)
            .map(|k| {
                T::from_parts(
                    T::Real::from_f64(k as f64 + 1.0),
                    T::Real::from_f64(0.5 * k as f64),
                )
            })
            .collect();
        let exact: Vec<Complex<T::Real>> = lambda
            .iter()
            .map(|l| Complex::new(l.re(), l.im()))
            .collect();
        let lmax = exact
            .iter()
            .map(|&l| cabs(l))
            .fold(T::Real::from_f64(0.0), |a, b| a.max(b));
        let a = graded_similarity(&normal_matrix(&lambda, 7 + n as u64));
        let err = |b: Balance| {
            let e = Eig::with_balance(&a, EigVectors::Right, b).unwrap();
            spectrum_error(&exact, &e.values().to_vec())
        };
        let (both, none) = (err(Balance::Both), err(Balance::None));
        let tol = T::Real::from_f64(verify::SCHUR_THRESHOLD * n as f64) * T::eps() * lmax;
        println!(
            "{} n={n}: eigenvalue error Both {both:e}, None {none:e}",
            T::NAME
        );
        assert!(
            both <= tol,
            "{} n={n}: Both error {both:e} > {tol:e}",
            T::NAME
        );
        assert!(
            both <= none,
            "{} n={n}: Both {both:e} > None {none:e}",
            T::NAME
        );
        let s = Eig::with_balance(&a, EigVectors::Right, Balance::Scale).unwrap();
        assert!(
            spectrum_error(&exact, &s.values().to_vec()) <= tol,
            "{} n={n} Scale",
            T::NAME
        );
    }
}
per_scalar!(graded_spectrum, graded_accuracy);

/// Closed form: for `[[a, b], [0, d]]` both eigenvalues have `s = 1/√(1 + |b/(a−d)|²)`.
fn rcond_two_by_two<T: Scalar>() {
    let (a, b, d) = if T::IS_COMPLEX {
        (
            T::from_parts(T::Real::from_f64(1.0), T::Real::from_f64(0.5)),
            T::from_parts(T::Real::from_f64(-3.0), T::Real::from_f64(2.0)),
            T::from_parts(T::Real::from_f64(2.5), T::Real::from_f64(-1.0)),
        )
    } else {
        (T::from_f64(1.0), T::from_f64(4.0), T::from_f64(3.0))
    };
    let m: Array2<T> = array![[a, b], [T::zero(), d]];
    for bal in BALANCES {
        let e = Eig::with_condition(&m, bal).unwrap();
        // sⱼ is that of the balanced matrix D⁻¹·A·D, whose corner is b·d₂/d₁ (scaling alone
        // may rescale b; a permutation isolates both eigenvalues and leaves D = I).
        let dd = e.balance_scaling().unwrap();
        if bal != Balance::Scale {
            assert!(
                dd.iter().all(|&x| x == T::Real::from_f64(1.0)),
                "{} {bal:?}",
                T::NAME
            );
        }
        let q = (b / (a - d)).abs() * dd[1] / dd[0];
        let want = T::Real::from_f64(1.0) / (T::Real::from_f64(1.0) + q * q).sqrt();
        let s = e.eigenvalue_rcond().unwrap();
        assert_eq!(s.len(), 2);
        for &sj in s.iter() {
            assert!(
                (sj - want).abs() <= T::Real::from_f64(8.0) * T::eps() * want,
                "{} {bal:?}: s = {sj} want {want}",
                T::NAME
            );
        }
        assert!(e.left_vectors().is_some());
    }
    // A nearly defective triangle: s ≈ |a − d|/|b| ≪ 1.
    let tiny = T::Real::from_f64(1e-3);
    let m: Array2<T> = array![
        [T::one(), T::one()],
        [T::zero(), T::one() + T::from_real(tiny)]
    ];
    let s = Eig::with_condition(&m, Balance::None)
        .unwrap()
        .eigenvalue_rcond()
        .unwrap()
        .to_owned();
    let want = T::Real::from_f64(1.0)
        / (T::Real::from_f64(1.0) + (T::Real::from_f64(1.0) / tiny).powi(2)).sqrt();
    for &sj in s.iter() {
        // a − d is exact up to the rounding of 1 + tiny: relative error ≈ ε/tiny.
        assert!(
            (sj - want).abs() <= T::Real::from_f64(8.0) * T::eps() / tiny * want,
            "{}: s = {sj} want {want}",
            T::NAME
        );
    }
}
per_scalar!(rcond_closed_form, rcond_two_by_two);

/// Normal matrices: every `sⱼ = 1` up to `O(n·ε)`, whatever the balancing.
fn rcond_normal<T: Scalar>() {
    for n in [1usize, 5, 30] {
        let lambda: Vec<T> = (0..n)
            .map(|k| {
                let im = if T::IS_COMPLEX { 0.25 * k as f64 } else { 0.0 };
                T::from_parts(T::Real::from_f64(k as f64 + 1.0), T::Real::from_f64(im))
            })
            .collect();
        let a = normal_matrix(&lambda, 100 + n as u64);
        for bal in BALANCES {
            let e = Eig::with_condition(&a, bal).unwrap();
            let s = e.eigenvalue_rcond().unwrap();
            let tol = T::Real::from_f64(n as f64) * T::eps();
            let worst = s
                .iter()
                .map(|&x| (x - T::Real::from_f64(1.0)).abs())
                .fold(T::Real::from_f64(0.0), |a, b| a.max(b));
            assert!(
                worst <= tol,
                "{} n={n} {bal:?}: max |s − 1| = {worst:e}",
                T::NAME
            );
        }
    }
}
per_scalar!(rcond_of_normal_matrix, rcond_normal);

/// The error bound `ε·‖B‖₁/sⱼ` holds for the eigenvalues of a nonnormal matrix with a known
/// spectrum: `Q·T·Qᴴ` with a random unitary `Q` and an upper triangular `T` with diagonal
/// `1, …, n` and large off-diagonal entries (forming it perturbs `A` by `O(n·ε·‖T‖)`, within
/// the same bound). Also the eigenvalues are ill-conditioned enough (`sⱼ ≪ 1`) for the test to
/// tell the bound from `ε·‖B‖₁`.
fn rcond_bounds_the_error<T: Scalar>() {
    let n = 8;
    let mut rng = testing::rng(0x5e);
    let g: Array2<T> = testing::gaussian(n, n, &mut rng);
    let t = Array2::from_shape_fn((n, n), |(i, j)| match i.cmp(&j) {
        std::cmp::Ordering::Less => g[(i, j)].scale(T::Real::from_f64(10.0)),
        std::cmp::Ordering::Equal => T::from_f64(i as f64 + 1.0),
        std::cmp::Ordering::Greater => T::zero(),
    });
    let q: Array2<T> = testing::random_unitary(n, &mut rng);
    let a = q.dot(&t).dot(&q.t().mapv(|x| x.conj()));
    let zero = T::Real::from_f64(0.0);
    let mut smin = T::Real::from_f64(1.0);
    let mut worst = T::Real::from_f64(0.0);
    for bal in BALANCES {
        let e = Eig::with_condition(&a, bal).unwrap();
        let s = e.eigenvalue_rcond().unwrap();
        let bn = e.balanced_norm1().unwrap();
        for (j, l) in e.values().iter().enumerate() {
            // Nearest exact eigenvalue k + 1.
            let err = (0..n)
                .map(|k| cabs(*l - Complex::new(T::Real::from_f64(k as f64 + 1.0), zero)))
                .fold(T::Real::infinity(), |a, b| a.min(b));
            // LAPACK's bound EPS·ABNRM/RCONDE, with a factor n for the formation of A.
            let bound = T::Real::from_f64(n as f64) * T::eps() * bn / s[j];
            smin = smin.min(s[j]);
            worst = worst.max(err / bound);
            assert!(
                err <= bound,
                "{} {bal:?}: |δλ| = {err:e} > {bound:e} (s = {})",
                T::NAME,
                s[j]
            );
        }
    }
    println!("{}: min s = {smin:e}, max |δλ|/bound = {worst:e}", T::NAME);
    assert!(smin < T::Real::from_f64(0.1), "{smin}");
    assert!(worst > T::Real::from_f64(0.0));
}
per_scalar!(rcond_error_bound, rcond_bounds_the_error);

/// The fuzzing find (fuzz/crashes/decomp-eig-ratio): a rank-1 complex matrix with a column of
/// entries ≈ 1e-8. Balancing scales that column by 2^15; the residual is then small only for
/// the balanced matrix, and in `A`'s coordinates `eig_ratio` ≈ 407 (numpy/scipy give the same).
/// Without balancing the result is backward stable for `A` itself.
#[test]
fn rank_one_case_needs_no_balancing() {
    let r = [
        c64::new(1.4375, 5e-324),
        c64::new(-0.0, 1e-8),
        c64::new(0.3125, 1.75),
        c64::new(-6.125, -5.9375),
    ];
    let a = Array2::from_shape_fn((4, 4), |(_, j)| r[j]);
    let ratio = |b: Balance| {
        let e = Eig::with_balance(&a, EigVectors::Right, b).unwrap();
        verify::eig_ratio(&a, &e.values(), &e.vectors())
    };
    let (both, scale, permute, none) = (
        ratio(Balance::Both),
        ratio(Balance::Scale),
        ratio(Balance::Permute),
        ratio(Balance::None),
    );
    let e = Eig::new(&a).unwrap();
    let dflt = verify::eig_ratio(&a, &e.values(), &e.vectors());
    println!("rank-1: Eig::new {dflt:.2}, Both {both:.2}, Scale {scale:.2}, Permute {permute:.2}, None {none:.2}");
    assert!(dflt > 10.0 * verify::SCHUR_THRESHOLD, "{dflt}");
    assert!(both > 10.0 * verify::SCHUR_THRESHOLD, "{both}");
    assert!(none < verify::SCHUR_THRESHOLD, "{none}");
    assert!(permute < verify::SCHUR_THRESHOLD, "{permute}");
    let d = Eig::with_balance(&a, EigVectors::Right, Balance::Both).unwrap();
    let d = d.balance_scaling().unwrap();
    let kappa =
        d.iter().fold(0.0f64, |m, &x| m.max(x)) / d.iter().fold(f64::INFINITY, |m, &x| m.min(x));
    println!("rank-1: κ(D) = {kappa}");
    assert!(kappa >= 2f64.powi(10), "{kappa}");
}

fn layouts_and_bad_inputs<T: Scalar>() {
    let a: Array2<T> = testing::gaussian(5, 5, &mut testing::rng(0x1a));
    let c = Eig::with_balance(&a, EigVectors::Both, Balance::Scale).unwrap();
    for_each_layout(&a, |layout, v| {
        let f = Eig::with_balance(&v, EigVectors::Both, Balance::Scale).unwrap();
        assert_eq!(f.values(), c.values(), "{} {layout:?}", T::NAME);
        assert_eq!(f.vectors(), c.vectors(), "{} {layout:?}", T::NAME);
        let g = Eig::with_condition(&v, Balance::Both).unwrap();
        let h = Eig::with_condition(&a, Balance::Both).unwrap();
        assert_eq!(
            g.eigenvalue_rcond(),
            h.eigenvalue_rcond(),
            "{} {layout:?}",
            T::NAME
        );
    });
    let r = Eig::with_balance(&a, EigVectors::Right, Balance::None).unwrap();
    assert!(r.left_vectors().is_none() && r.eigenvalue_rcond().is_none());
    assert!(Eig::new(&a).unwrap().balanced_norm1().is_none());
    assert!(Eig::new(&a).unwrap().balance_scaling().is_none());

    let mut bad = a.clone();
    bad[(1, 3)] = T::from_real(T::Real::nan());
    assert_eq!(
        Eig::with_balance(&bad, EigVectors::Right, Balance::None).unwrap_err(),
        Error::NonFinite { row: 1, col: 3 }
    );
    bad[(1, 3)] = T::from_real(T::Real::infinity());
    assert_eq!(
        Eig::with_condition(&bad, Balance::Both).unwrap_err(),
        Error::NonFinite { row: 1, col: 3 }
    );
    let rect = Array2::<T>::zeros((2, 3));
    assert_eq!(
        Eig::with_balance(&rect, EigVectors::Both, Balance::Both).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert_eq!(
        Eig::with_condition(&rect, Balance::None).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    let empty = Array2::<T>::zeros((0, 0));
    for bal in BALANCES {
        let e = Eig::with_condition(&empty, bal).unwrap();
        assert_eq!(e.n(), 0);
        assert_eq!(e.vectors().dim(), (0, 0));
        assert_eq!(e.left_vectors().unwrap().dim(), (0, 0));
        assert!(e.eigenvalue_rcond().unwrap().is_empty());
        // exact: the norm of an empty matrix is 0
        assert_eq!(e.balanced_norm1(), Some(T::Real::from_f64(0.0)));
        let e = Eig::with_balance(&empty, EigVectors::Right, bal).unwrap();
        assert!(e.values().is_empty() && e.left_vectors().is_none());
    }
    // 1×1: s = 1, D = 1, ‖B‖₁ = |a|.
    let one: Array2<T> = Array2::from_elem((1, 1), T::from_f64(-3.0));
    let e = Eig::with_condition(&one, Balance::Both).unwrap();
    // exact: a 1×1 matrix: unit eigenvectors [1] and its entry's modulus
    assert_eq!(
        e.eigenvalue_rcond().unwrap().to_vec(),
        vec![T::Real::from_f64(1.0)]
    );
    assert_eq!(e.balanced_norm1(), Some(T::Real::from_f64(3.0)));
    assert_eq!(
        e.balance_scaling().unwrap().to_owned(),
        Array1::from_elem(1, T::Real::from_f64(1.0))
    );
}
per_scalar!(layouts_and_errors, layouts_and_bad_inputs);
