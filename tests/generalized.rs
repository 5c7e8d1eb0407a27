//! Generalized eigenproblems through LAPACK-style sweeps (ddrvsg, ddrgev, ddrges): scalar types
//! × layouts × sizes, with LAPACK's ratios (dsgt01, dget52, dget51), plus bad input, a nearly
//! singular B, infinite eigenvalues and exactly singular pencils.
mod common;

use common::{check_ratio, for_each_layout};
use ndarray::{array, s, Array2, ArrayView2};
use ndfactor::testing::{self, LayoutMatrix, SeededRng};
use ndfactor::{
    verify, Error, GeneralizedEig, GeneralizedEigenvalue, GeneralizedEigh, GeneralizedProblem, Lu,
    PencilEigenvalue, Qz, RealScalar, Scalar, Uplo,
};
use num_complex::Complex;

const SIZES: &[usize] = &[0, 1, 2, 3, 10, 26, 40, 65, 129];
const PROBLEMS: [GeneralizedProblem; 3] = [
    GeneralizedProblem::AxLambdaBx,
    GeneralizedProblem::ABxLambdaX,
    GeneralizedProblem::BAxLambdaX,
];

fn real<T: Scalar>(x: f64) -> T::Real {
    T::Real::from_f64(x)
}

/// A random Hermitian matrix `(G + Gᴴ)/2`.
fn hermitian<T: Scalar>(n: usize, rng: &mut SeededRng) -> Array2<T> {
    let mut a: Array2<T> = testing::gaussian(n, n, rng);
    testing::hermitian_part(&mut a);
    a
}

fn diag<T: Scalar>(d: &[T::Real]) -> Array2<T> {
    Array2::from_diag(
        &d.iter()
            .map(|&x| T::from_real(x))
            .collect::<ndarray::Array1<T>>(),
    )
}

/// Backward-error form for type 1 with an ill-conditioned B:
/// `‖A·Z − B·Z·D‖ / (n·ε·(‖A‖ + ‖B‖·max|λ|)·‖Z‖)`.
fn sygv_backward<T: Scalar>(
    a: &Array2<T>,
    b: &Array2<T>,
    z: &ArrayView2<T>,
    d: &[T::Real],
) -> T::Real {
    let mut zd = z.to_owned();
    for (j, &l) in d.iter().enumerate() {
        zd.column_mut(j).mapv_inplace(|x| x.scale(l));
    }
    let r = a.dot(z) - b.dot(&zd);
    let lmax = d.iter().fold(real::<T>(0.0), |m, l| m.max(l.abs()));
    let scale = verify::norm1(a) + verify::norm1(b) * lmax;
    verify::ratio::<T>(
        verify::norm1(&r) / verify::norm1(z).max(T::Real::min_positive_value()),
        scale,
        a.nrows(),
    )
}

fn geneigh_sweep<T: Scalar>() {
    let mut rng = testing::rng(21);
    let eps = T::eps();
    for &n in SIZES {
        let a0: Array2<T> = hermitian(n, &mut rng);
        let b0: Array2<T> = testing::random_spd(n, real::<T>(10.0), &mut rng);
        let binv = if n > 0 {
            Lu::new(&b0).unwrap().inverse().unwrap()
        } else {
            Array2::zeros((0, 0))
        };
        for problem in PROBLEMS {
            for uplo in [Uplo::Lower, Uplo::Upper] {
                let mut first: Option<GeneralizedEigh<T>> = None;
                for_each_layout(&a0, |layout, a| {
                    let bl = LayoutMatrix::new(&b0, layout);
                    let g = GeneralizedEigh::with_options(&a, &bl.view(), problem, uplo).unwrap();
                    let ctx = || format!("n={n} {problem:?} {uplo:?} {layout:?}");
                    assert_eq!(g.values().len(), n);
                    assert_eq!(g.vectors().dim(), (n, n));
                    assert_eq!(g.problem(), problem);
                    assert!(g.values().windows(2).into_iter().all(|w| w[0] <= w[1]));
                    check_ratio(
                        &format!("geneigh/residual {}", T::NAME),
                        verify::generalized_eigen_ratio(
                            &a0,
                            &b0,
                            problem,
                            &g.vectors(),
                            &g.values(),
                        ),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                    let m = if problem == GeneralizedProblem::BAxLambdaX {
                        &binv
                    } else {
                        &b0
                    };
                    check_ratio(
                        &format!("geneigh/b-orthogonality {}", T::NAME),
                        verify::b_orthogonality_ratio(m, &g.vectors()),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                    // Layout independence: the same F-order copy is factored.
                    if let Some(f) = &first {
                        assert_eq!(f.values(), g.values(), "{}", ctx());
                        assert_eq!(f.vectors(), g.vectors(), "{}", ctx());
                    } else {
                        first = Some(g);
                    }
                });
                // Values only agree with the values of the full decomposition.
                if uplo == Uplo::Lower {
                    let g = first.unwrap();
                    let w = GeneralizedEigh::values_only(&a0, &b0, problem).unwrap();
                    let lmax = g
                        .values()
                        .iter()
                        .fold(real::<T>(0.0), |m, l| m.max(l.abs()));
                    let diff = w
                        .iter()
                        .zip(g.values())
                        .fold(real::<T>(0.0), |m, (x, y)| m.max((*x - *y).abs()));
                    let denom = (lmax * eps).max(T::Real::min_positive_value());
                    check_ratio(
                        &format!("geneigh/values-only {}", T::NAME),
                        diff / denom / real::<T>(n.max(1) as f64),
                        verify::EIG_THRESHOLD,
                        &|| format!("n={n} {problem:?}"),
                    );
                }
            }
        }
    }
}
per_scalar!(geneigh_sweep, geneigh_sweep);

/// Type 1 with an ill-conditioned and a nearly singular B: the backward-error ratio stays
/// small even when the eigenvalues are huge.
fn geneigh_ill_conditioned_b<T: Scalar>() {
    let mut rng = testing::rng(22);
    let eps = T::eps();
    for &n in &[2usize, 10, 26] {
        for cond in [(real::<T>(0.1) / eps).sqrt(), real::<T>(0.01) / eps] {
            let a: Array2<T> = hermitian(n, &mut rng);
            let b: Array2<T> = testing::random_spd(n, cond, &mut rng);
            let ctx = || format!("n={n} cond={cond:e}");
            match GeneralizedEigh::new(&a, &b) {
                Ok(g) => {
                    let d: Vec<T::Real> = g.values().to_vec();
                    check_ratio(
                        &format!("geneigh/ill-b backward {}", T::NAME),
                        sygv_backward(&a, &b, &g.vectors(), &d),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                    check_ratio(
                        &format!("geneigh/ill-b b-orthogonality {}", T::NAME),
                        verify::b_orthogonality_ratio(&b, &g.vectors()),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                }
                // Rounding may make a B with cond ≈ 0.01/ε numerically indefinite: then the
                // error names a leading minor of B.
                Err(Error::NotPositiveDefinite { index }) => {
                    assert!(
                        cond > real::<T>(1.0) / eps.sqrt() && (1..=n).contains(&index),
                        "{}",
                        ctx()
                    )
                }
                Err(e) => panic!("{}: {e}", ctx()),
            }
        }
    }
}
per_scalar!(geneigh_ill_conditioned_b, geneigh_ill_conditioned_b);

fn geneigh_subsets<T: Scalar>() {
    let mut rng = testing::rng(23);
    let eps = T::eps();
    for &n in &[1usize, 5, 26, 65] {
        let a: Array2<T> = hermitian(n, &mut rng);
        let b: Array2<T> = testing::random_spd(n, real::<T>(10.0), &mut rng);
        let binv = Lu::new(&b).unwrap().inverse().unwrap();
        for problem in PROBLEMS {
            let full = GeneralizedEigh::with_problem(&a, &b, problem).unwrap();
            let lmax = full
                .values()
                .iter()
                .fold(real::<T>(0.0), |m, l| m.max(l.abs()));
            let close = |x: T::Real, y: T::Real| {
                (x - y).abs()
                    / (lmax * eps * real::<T>(n as f64)).max(T::Real::min_positive_value())
            };
            let m = if problem == GeneralizedProblem::BAxLambdaX {
                &binv
            } else {
                &b
            };
            let check = |g: &GeneralizedEigh<T>, ctx: &dyn Fn() -> String| {
                assert_eq!(g.problem(), problem);
                assert!(
                    g.values().windows(2).into_iter().all(|w| w[0] <= w[1]),
                    "{}",
                    ctx()
                );
                check_ratio(
                    &format!("geneigh/subset residual {}", T::NAME),
                    verify::generalized_eigen_ratio(&a, &b, problem, &g.vectors(), &g.values()),
                    verify::EIG_THRESHOLD,
                    ctx,
                );
                check_ratio(
                    &format!("geneigh/subset b-orthogonality {}", T::NAME),
                    verify::b_orthogonality_ratio(m, &g.vectors()),
                    verify::EIG_THRESHOLD,
                    ctx,
                );
            };
            let (lo, hi) = (n / 3, n - 1 - n / 4);
            for_each_layout(&a, |layout, av| {
                let bl = LayoutMatrix::new(&b, layout);
                let g = GeneralizedEigh::subset_by_index_with(&av, &bl.view(), problem, lo..=hi)
                    .unwrap();
                let ctx = || format!("n={n} {problem:?} {layout:?} {lo}..={hi}");
                assert_eq!(g.values().len(), hi - lo + 1);
                assert_eq!(g.vectors().dim(), (n, hi - lo + 1));
                for (k, &l) in g.values().iter().enumerate() {
                    check_ratio(
                        &format!("geneigh/subset values {}", T::NAME),
                        close(l, full.values()[lo + k]),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                }
                check(&g, &ctx);
            });
            // By value: an interval around the middle eigenvalues, ends between eigenvalues.
            let w = full.values();
            let (vl, vu) = if n == 1 {
                (w[0] - real::<T>(1.0), w[0] + real::<T>(1.0))
            } else {
                (
                    (w[0] + w[1]) * real::<T>(0.5),
                    (w[n - 2] + w[n - 1]) * real::<T>(0.5),
                )
            };
            let g = GeneralizedEigh::subset_by_value_with(&a, &b, problem, vl, vu).unwrap();
            let expect = w.iter().filter(|&&l| l > vl && l <= vu).count();
            assert_eq!(g.values().len(), expect, "n={n} {problem:?}");
            check(&g, &|| format!("n={n} {problem:?} by value"));
            if problem == GeneralizedProblem::AxLambdaBx {
                let h = GeneralizedEigh::subset_by_value(&a, &b, vl, vu).unwrap();
                assert_eq!(h.values(), g.values());
                let h = GeneralizedEigh::subset_by_index(&a, &b, lo..=hi).unwrap();
                assert_eq!(h.values().len(), hi - lo + 1);
            }
        }
    }
}
per_scalar!(geneigh_subsets, geneigh_subsets);

fn geneigh_bad_input<T: Scalar>() {
    let one = real::<T>(1.0);
    let a: Array2<T> = Array2::eye(4);
    // B's third leading minor is not positive definite: LAPACK's INFO = n + 3.
    let b = diag::<T>(&[one, one, -one, one]);
    assert_eq!(
        GeneralizedEigh::new(&a, &b).unwrap_err(),
        Error::NotPositiveDefinite { index: 3 }
    );
    assert_eq!(
        GeneralizedEigh::values_only(&a, &b, GeneralizedProblem::ABxLambdaX).unwrap_err(),
        Error::NotPositiveDefinite { index: 3 }
    );
    assert_eq!(
        GeneralizedEigh::subset_by_index(&a, &b, 0..=1).unwrap_err(),
        Error::NotPositiveDefinite { index: 3 }
    );
    // A zero row and column of B at position 2 (dchkpo type 3 style).
    let mut bz: Array2<T> = testing::random_spd(5, real::<T>(10.0), &mut testing::rng(24));
    bz.row_mut(1).fill(T::zero());
    bz.column_mut(1).fill(T::zero());
    assert_eq!(
        GeneralizedEigh::new(&Array2::<T>::eye(5), &bz).unwrap_err(),
        Error::NotPositiveDefinite { index: 2 }
    );
    // NaN where LAPACK reads is NonFinite (A or B); in the unused triangle it is ignored.
    let nan = T::from_real(T::Real::nan());
    let mut an = a.clone();
    an[(2, 1)] = nan;
    let ib: Array2<T> = Array2::eye(4);
    assert_eq!(
        GeneralizedEigh::new(&an, &ib).unwrap_err(),
        Error::NonFinite { row: 2, col: 1 }
    );
    assert!(
        GeneralizedEigh::with_options(&an, &ib, GeneralizedProblem::AxLambdaBx, Uplo::Upper)
            .is_ok()
    );
    let mut bn = ib.clone();
    bn[(3, 3)] = nan;
    assert_eq!(
        GeneralizedEigh::new(&a, &bn).unwrap_err(),
        Error::NonFinite { row: 3, col: 3 }
    );
    // Shapes.
    let rect: Array2<T> = Array2::zeros((2, 3));
    assert_eq!(
        GeneralizedEigh::new(&rect, &ib).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert_eq!(
        GeneralizedEigh::new(&a, &rect).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert!(matches!(
        GeneralizedEigh::new(&a, &Array2::<T>::eye(3)),
        Err(Error::DimensionMismatch {
            expected: 4,
            found: 3,
            ..
        })
    ));
    // Ranges.
    assert!(matches!(
        GeneralizedEigh::subset_by_index(&a, &ib, 2..=4),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        GeneralizedEigh::subset_by_value(&a, &ib, one, one),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        GeneralizedEigh::subset_by_value(&a, &ib, T::Real::nan(), one),
        Err(Error::InvalidArgument { .. })
    ));
    // Empty: defined answers, no LAPACK call.
    let e: Array2<T> = Array2::zeros((0, 0));
    let g = GeneralizedEigh::new(&e, &e).unwrap();
    assert_eq!((g.values().len(), g.vectors().dim()), (0, (0, 0)));
    assert_eq!(
        GeneralizedEigh::values_only(&e, &e, GeneralizedProblem::BAxLambdaX)
            .unwrap()
            .len(),
        0
    );
    assert!(GeneralizedEig::new(&e, &e).unwrap().values().is_empty());
    let q = Qz::new(&e, &e).unwrap();
    assert_eq!(
        (q.s().dim(), q.q().dim(), q.z().dim()),
        ((0, 0), (0, 0), (0, 0))
    );
    // General pencils: NaN, shapes.
    assert_eq!(
        GeneralizedEig::new(&ib, &bn).unwrap_err(),
        Error::NonFinite { row: 3, col: 3 }
    );
    // The general routines read the whole matrix, so NaN in the upper triangle counts too.
    let mut au = a.clone();
    au[(0, 3)] = nan;
    assert_eq!(
        Qz::new(&au, &ib).unwrap_err(),
        Error::NonFinite { row: 0, col: 3 }
    );
    assert_eq!(
        GeneralizedEig::values_only(&rect, &ib).unwrap_err(),
        Error::NotSquare { rows: 2, cols: 3 }
    );
    assert!(matches!(
        Qz::new(&a, &Array2::<T>::eye(2)),
        Err(Error::DimensionMismatch { .. })
    ));
}
per_scalar!(geneigh_bad_input, geneigh_bad_input);

// --------------------------------------------------------------------------- general pencils

fn cplx<T: Scalar>(a: &Array2<T>) -> Array2<Complex<T::Real>> {
    a.mapv(|x| Complex::new(x.re(), x.im()))
}

fn abs1<R: RealScalar>(z: Complex<R>) -> R {
    z.re.abs() + z.im.abs()
}

/// 1-norm with |re| + |im| moduli (LAPACK's zlange on ABS1 in zget52).
fn norm1c<R: RealScalar>(a: &Array2<Complex<R>>) -> R {
    let zero = R::from_f64(0.0);
    a.columns()
        .into_iter()
        .map(|c| c.iter().fold(zero, |s, &x| s + abs1(x)))
        .fold(zero, R::max)
}

/// LAPACK's dget52/zget52: (result 1) `‖(β_j·A − α_j·B)·e_j‖` with each pair scaled so that
/// `max(|α|·‖B‖, |β|·‖A‖) = 1`, over `‖E‖·ε`; (result 2) `max_j |max_i abs1(e_ij) − 1| / (n·ε)`.
/// `left` tests `(β̄_j·Aᴴ − ᾱ_j·Bᴴ)·e_j` instead.
fn get52<T: Scalar>(
    left: bool,
    a: &Array2<T>,
    b: &Array2<T>,
    e: &ArrayView2<Complex<T::Real>>,
    pairs: &[GeneralizedEigenvalue<T::Real>],
) -> (T::Real, T::Real) {
    let n = a.nrows();
    let zero = real::<T>(0.0);
    let one = real::<T>(1.0);
    let safmin = T::Real::min_positive_value();
    let safmax = one / safmin;
    let eps = T::eps();
    let (mut ac, mut bc) = (cplx(a), cplx(b));
    if left {
        ac = ac.t().mapv(|x| x.conj());
        bc = bc.t().mapv(|x| x.conj());
    }
    let anorm = norm1c(&ac).max(safmin);
    let bnorm = norm1c(&bc).max(safmin);
    let enorm = norm1c(&e.to_owned()).max(eps);
    let alfmax = safmax / bnorm.max(one);
    let betmax = safmax / anorm.max(one);
    let mut work = Array2::<Complex<T::Real>>::zeros((n, n));
    for (j, p) in pairs.iter().enumerate() {
        let (mut al, mut be) = if left {
            (p.alpha.conj(), p.beta.conj())
        } else {
            (p.alpha, p.beta)
        };
        let abmax = abs1(al).max(abs1(be));
        if abs1(al) > alfmax || abs1(be) > betmax || abmax < one {
            let sc = one / abmax.max(safmin);
            al *= sc;
            be *= sc;
        }
        let sc = one / (abs1(al) * bnorm).max(abs1(be) * anorm).max(safmin);
        let (acoef, bcoef) = (be * sc, al * sc);
        let ej = e.column(j);
        let col = ac.dot(&ej).mapv(|x| x * acoef) - bc.dot(&ej).mapv(|x| x * bcoef);
        work.column_mut(j).assign(&col);
    }
    let r1 = (norm1c(&work) / enorm) / eps;
    let mut enrmer = zero;
    for j in 0..n {
        let m = e.column(j).iter().fold(zero, |m, &x| m.max(abs1(x)));
        enrmer = enrmer.max((m - one).abs());
    }
    (r1, enrmer / (real::<T>(n.max(1) as f64) * eps))
}

/// No pair turns into NaN through `value()`.
fn assert_no_nan<R: RealScalar>(pairs: &[GeneralizedEigenvalue<R>]) {
    for p in pairs {
        if let PencilEigenvalue::Finite(l) = p.value() {
            assert!(l.re.is_finite() && l.im.is_finite(), "{p:?}");
        }
    }
}

fn ggev_sweep<T: Scalar>() {
    let mut rng = testing::rng(31);
    for &n in SIZES {
        // Random pencil; B with two exactly zero columns (two infinite eigenvalues in exact
        // arithmetic); B scaled near singular.
        let a0: Array2<T> = testing::gaussian(n, n, &mut rng);
        let bs: Vec<(&str, Array2<T>)> = {
            let g: Array2<T> = testing::gaussian(n, n, &mut rng);
            let mut sing = g.clone();
            if n >= 3 {
                sing.column_mut(0).fill(T::zero());
                sing.column_mut(n / 2).fill(T::zero());
            }
            let mut near = g.clone();
            if n >= 2 {
                let tiny = T::from_real(T::eps() * T::eps());
                near.column_mut(1).mapv_inplace(|x| x * tiny);
            }
            vec![("random", g), ("singular", sing), ("near-singular", near)]
        };
        for (kind, b0) in &bs {
            let mut first: Option<GeneralizedEig<T>> = None;
            for_each_layout(&a0, |layout, a| {
                let bl = LayoutMatrix::new(b0, layout);
                let g = GeneralizedEig::with_left(&a, &bl.view()).unwrap();
                let ctx = || format!("n={n} {kind} {layout:?}");
                let pairs = g.values().to_vec();
                assert_eq!(pairs.len(), n);
                assert_no_nan(&pairs);
                let (r1, r2) = get52::<T>(false, &a0, b0, &g.vectors().unwrap(), &pairs);
                check_ratio(
                    &format!("ggev/right residual {}", T::NAME),
                    r1,
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                check_ratio(
                    &format!("ggev/right normalization {}", T::NAME),
                    r2,
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                let (l1, l2) = get52::<T>(true, &a0, b0, &g.left_vectors().unwrap(), &pairs);
                check_ratio(
                    &format!("ggev/left residual {}", T::NAME),
                    l1,
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                let vr = verify::pencil_eig_ratio(&a0, b0, &g.values(), &g.vectors().unwrap());
                let vl =
                    verify::pencil_eig_left_ratio(&a0, b0, &g.values(), &g.left_vectors().unwrap());
                // verify's dget52 and this file's agree (same formula, two implementations).
                let tol = real::<T>(1e-3) * r1.max(l1).max(real::<T>(1.0));
                assert!(
                    (vr - r1).abs() <= tol && (vl - l1).abs() <= tol,
                    "{}",
                    ctx()
                );
                check_ratio(
                    &format!("ggev/left normalization {}", T::NAME),
                    l2,
                    verify::SCHUR_THRESHOLD,
                    &ctx,
                );
                if let Some(f) = &first {
                    assert_eq!(f.values(), g.values(), "{}", ctx());
                } else {
                    first = Some(g);
                }
            });
            let g = first.unwrap();
            // Right vectors only and values only give the same pairs (ddrgev tests 3, 4).
            let r = GeneralizedEig::new(&a0, b0).unwrap();
            let v = GeneralizedEig::values_only(&a0, b0).unwrap();
            assert!(
                v.vectors().is_none() && v.left_vectors().is_none() && r.left_vectors().is_none()
            );
            let scale = verify::norm1(&a0)
                .max(verify::norm1(b0))
                .max(T::Real::min_positive_value());
            for other in [&r, &v] {
                let d = g
                    .values()
                    .iter()
                    .zip(other.values())
                    .fold(real::<T>(0.0), |m, (x, y)| {
                        m.max(abs1(x.alpha - y.alpha)).max(abs1(x.beta - y.beta))
                    });
                check_ratio(
                    &format!("ggev/pairs agree {}", T::NAME),
                    verify::ratio::<T>(d, scale, n),
                    verify::SCHUR_THRESHOLD,
                    &|| format!("n={n} {kind}"),
                );
            }
            // Two zero columns of B: exactly two pairs with β negligible against ‖B‖.
            if *kind == "singular" && n >= 3 {
                let bn = verify::norm1(b0);
                let tol = real::<T>(100.0 * n as f64) * T::eps() * bn;
                let small = g.values().iter().filter(|p| abs1(p.beta) <= tol).count();
                assert_eq!(small, 2, "n={n}: {:?}", g.values());
            }
        }
    }
}
per_scalar!(ggev_sweep, ggev_sweep);

/// Pencils with exactly infinite eigenvalues and an exactly singular pencil: the pairs say so,
/// and no NaN comes out of `value()`.
fn ggev_infinite_and_singular<T: Scalar>() {
    let (zero, one) = (real::<T>(0.0), real::<T>(1.0));
    let mut rng = testing::rng(32);
    // Permuted block structure: row and column 2 of A and B are exactly zero, so ?ggbal
    // isolates the pair (0, 0) exactly; the pencil is singular.
    let n = 6;
    let mut a: Array2<T> = testing::gaussian(n, n, &mut rng);
    let mut b: Array2<T> = testing::gaussian(n, n, &mut rng);
    for m in [&mut a, &mut b] {
        m.row_mut(2).fill(T::zero());
        m.column_mut(2).fill(T::zero());
    }
    for_each_layout(&a, |layout, av| {
        let bl = LayoutMatrix::new(&b, layout);
        let g = GeneralizedEig::new(&av, &bl.view()).unwrap();
        assert!(g.is_singular_pencil(), "{layout:?}: {:?}", g.values());
        assert_no_nan(&g.values().to_vec());
        let q = Qz::new(&av, &bl.view()).unwrap();
        assert!(
            q.values().iter().any(|e| e.is_indeterminate()),
            "{layout:?}"
        );
    });
    // Diagonal pencil with β = 0 in two places: exactly two infinite eigenvalues.
    let da = diag::<T>(&[one, real::<T>(2.0), real::<T>(3.0), real::<T>(4.0)]);
    let db = diag::<T>(&[one, zero, real::<T>(2.0), zero]);
    let g = GeneralizedEig::new(&da, &db).unwrap();
    let vals: Vec<_> = g.values().iter().map(|e| e.value()).collect();
    assert_eq!(
        vals.iter()
            .filter(|v| **v == PencilEigenvalue::Infinite)
            .count(),
        2,
        "{vals:?}"
    );
    assert!(!g.is_singular_pencil());
    let mut fin: Vec<T::Real> = g
        .values()
        .iter()
        .filter_map(|e| e.finite())
        .map(|l| l.re)
        .collect();
    fin.sort_by(|x, y| x.partial_cmp(y).unwrap());
    assert_eq!(fin.len(), 2);
    let tol = real::<T>(4.0) * T::eps();
    assert!(
        (fin[0] - one).abs() <= tol && (fin[1] - real::<T>(1.5)).abs() <= tol * real::<T>(1.5),
        "{fin:?}"
    );
    // The accessor itself on hand-made pairs, including a quotient that overflows.
    let c = |re: f64, im: f64| Complex::new(real::<T>(re), real::<T>(im));
    let big = GeneralizedEigenvalue {
        alpha: c(T::Real::max_value().to_f64(), 0.0),
        beta: c(0.5, 0.0),
    };
    assert_eq!(big.value(), PencilEigenvalue::Infinite);
    let tiny = GeneralizedEigenvalue {
        alpha: c(1.0, 1.0),
        beta: c(0.0, 2.0),
    };
    assert_eq!(tiny.finite(), Some(c(0.5, -0.5))); // exact: Smith's division by 2i
}
per_scalar!(ggev_infinite_and_singular, ggev_infinite_and_singular);

// ------------------------------------------------------------------------- generalized Schur

/// Structural checks of a generalized Schur form: `T` upper triangular; `S` upper triangular
/// (complex) or quasi upper triangular with 2×2 blocks whose `T` block is diagonal (real).
fn check_structure<T: Scalar>(qz: &Qz<T>, ctx: &dyn Fn() -> String) {
    let n = qz.n();
    let (s, t) = (qz.s(), qz.t());
    for j in 0..n {
        for i in j + 1..n {
            assert!(t[(i, j)] == T::zero(), "T[{i},{j}] ≠ 0: {}", ctx()); // exact: LAPACK zeroes it
            if i > j + 1 || T::IS_COMPLEX {
                assert!(s[(i, j)] == T::zero(), "S[{i},{j}] ≠ 0: {}", ctx()); // exact: as above
            }
        }
        if !T::IS_COMPLEX && j + 1 < n && s[(j + 1, j)] != T::zero() {
            assert!(
                j + 2 >= n || s[(j + 2, j + 1)] == T::zero(),
                "consecutive 2×2 blocks: {}",
                ctx()
            );
            assert!(
                t[(j, j + 1)] == T::zero(),
                "T block not diagonal: {}",
                ctx()
            ); // exact: dgges standardizes it
        }
    }
}

fn qz_ratios<T: Scalar>(
    name: &str,
    a: &Array2<T>,
    b: &Array2<T>,
    qz: &Qz<T>,
    ctx: &dyn Fn() -> String,
) {
    let n = qz.n();
    let (ra, rb) = qz.reconstruct();
    check_ratio(
        &format!("qz/{name} A = QSZᴴ {}", T::NAME),
        verify::reconstruction_ratio(a, &ra, n),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("qz/{name} B = QTZᴴ {}", T::NAME),
        verify::reconstruction_ratio(b, &rb, n),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("qz/{name} Q unitary {}", T::NAME),
        verify::orthogonality_ratio(&qz.q()),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("qz/{name} Z unitary {}", T::NAME),
        verify::orthogonality_ratio(&qz.z()),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_ratio(
        &format!("qz/{name} verify::qz_ratio {}", T::NAME),
        verify::qz_ratio(a, b, qz),
        verify::SCHUR_THRESHOLD,
        ctx,
    );
    check_structure(qz, ctx);
    // The pairs are the diagonals for 1×1 blocks (ddrges test 7 style).
    let (s, t) = (qz.s(), qz.t());
    let sn = verify::norm1(&s.to_owned()).max(T::Real::min_positive_value());
    let tn = verify::norm1(&t.to_owned()).max(T::Real::min_positive_value());
    let mut j = 0;
    while j < n {
        if !T::IS_COMPLEX && j + 1 < n && s[(j + 1, j)] != T::zero() {
            j += 2;
            continue;
        }
        let e = qz.values()[j];
        let da = abs1(e.alpha - Complex::new(s[(j, j)].re(), s[(j, j)].im()));
        let db = abs1(e.beta - Complex::new(t[(j, j)].re(), t[(j, j)].im()));
        check_ratio(
            &format!("qz/{name} pairs = diagonals {}", T::NAME),
            verify::ratio::<T>(da, sn, n).max(verify::ratio::<T>(db, tn, n)),
            verify::SCHUR_THRESHOLD,
            ctx,
        );
        j += 1;
    }
}

fn qz_sweep<T: Scalar>() {
    let mut rng = testing::rng(41);
    let zero = real::<T>(0.0);
    for &n in SIZES {
        let a0: Array2<T> = testing::gaussian(n, n, &mut rng);
        let mut b0: Array2<T> = testing::gaussian(n, n, &mut rng);
        if n >= 4 {
            b0.column_mut(3).fill(T::zero()); // one (near) infinite eigenvalue
        }
        let mut first: Option<Qz<T>> = None;
        for_each_layout(&a0, |layout, a| {
            let bl = LayoutMatrix::new(&b0, layout);
            let qz = Qz::new(&a, &bl.view()).unwrap();
            let ctx = || format!("n={n} {layout:?}");
            qz_ratios("factor", &a0, &b0, &qz, &ctx);
            assert_no_nan(&qz.values().to_vec());
            if let Some(f) = &first {
                assert_eq!(f.s(), qz.s(), "{}", ctx());
                assert_eq!(f.q(), qz.q(), "{}", ctx());
            } else {
                first = Some(qz);
            }
        });
        let qz = first.unwrap();
        // Reorder: finite eigenvalues in the open left half-plane first (SciPy's 'lhp').
        let lhp = |e: GeneralizedEigenvalue<T::Real>| e.finite().is_some_and(|l| l.re < zero);
        let expect = qz.values().iter().filter(|e| lhp(**e)).count();
        let (sorted, k) = Qz::sorted(&a0, &b0, lhp).unwrap();
        let ctx = || format!("n={n} sorted k={k}");
        assert_eq!(k, expect, "{}", ctx());
        qz_ratios("sorted", &a0, &b0, &sorted, &ctx);
        let ev = sorted.values();
        assert!(
            ev.slice(s![..k]).iter().all(|e| lhp(*e)),
            "{}: {:?}",
            ctx(),
            ev
        );
        assert!(
            ev.slice(s![k..]).iter().all(|e| !lhp(*e)),
            "{}: {:?}",
            ctx(),
            ev
        );
        // The leading k columns of Z span a right deflating subspace: A·Z₁ and B·Z₁ lie in
        // span(Q₁), i.e. Q₂ᴴ·A·Z₁ = S₂₁ = 0 (exactly, by the structure) and the residual of
        // the reconstruction is small (checked above).
        let (q, z) = (sorted.q().to_owned(), sorted.z().to_owned());
        if k > 0 && k < n {
            let s21 = q
                .slice(s![.., k..])
                .t()
                .mapv(|x| x.conj())
                .dot(&a0)
                .dot(&z.slice(s![.., ..k]));
            check_ratio(
                &format!("qz/deflating subspace {}", T::NAME),
                verify::ratio::<T>(verify::norm1(&s21), verify::norm1(&a0), n),
                verify::SCHUR_THRESHOLD,
                &ctx,
            );
        }
        // Reordering an already reordered form with the opposite predicate.
        let mut again = sorted.clone();
        let m = again.reorder(|e| !lhp(e)).unwrap();
        assert_eq!(m, n - k);
        qz_ratios("re-sorted", &a0, &b0, &again, &ctx);
    }
}
per_scalar!(qz_sweep, qz_sweep);

#[test]
fn scipy_style_examples() {
    // scipy.linalg.eigh(a, b) on a 2×2 pencil, checked against the closed form:
    // det(A − λB) = (2 − 4λ)(3 − 2λ) − (1 − λ)² = 7λ² − 14λ + 5, so λ = 1 ∓ √(2/7).
    let a = array![[2.0f64, 1.0], [1.0, 3.0]];
    let b = array![[4.0f64, 1.0], [1.0, 2.0]];
    let g = GeneralizedEigh::new(&a, &b).unwrap();
    let r = (2.0f64 / 7.0).sqrt();
    let exact = [1.0 - r, 1.0 + r];
    for (l, e) in g.values().iter().zip(exact) {
        assert!((l - e).abs() <= 8.0 * f64::EPSILON * e.abs(), "{l} vs {e}");
    }
    // The same pencil through QZ gives the same eigenvalues.
    let ge = GeneralizedEig::new(&a, &b).unwrap();
    let mut l: Vec<f64> = ge.values().iter().map(|e| e.finite().unwrap().re).collect();
    l.sort_by(f64::total_cmp);
    for (x, e) in l.iter().zip(exact) {
        assert!((x - e).abs() <= 16.0 * f64::EPSILON * e.abs(), "{x} vs {e}");
    }
}

// ------------------------------------------------------------------- LAPACK's matrix types

/// `Q·diag(λ)·Qᴴ` with Haar `Q`, made exactly Hermitian.
fn with_eigenvalues<T: Scalar>(lam: &[T::Real], rng: &mut SeededRng) -> Array2<T> {
    let q: Array2<T> = testing::random_unitary(lam.len(), rng);
    let mut ql = q.clone();
    for (j, &l) in lam.iter().enumerate() {
        ql.column_mut(j).mapv_inplace(|x| x.scale(l));
    }
    let mut a = ql.dot(&q.t().mapv(|x| x.conj()));
    testing::hermitian_part(&mut a);
    a
}

/// Hermitian A of ddrvsg's kinds: zero, identity, diagonal, random with condition 2,
/// √(0.1/ε), 0.1/ε (random signs), and cond 2 scaled near underflow and overflow.
fn hermitian_of_type<T: Scalar>(
    ty: usize,
    n: usize,
    rng: &mut SeededRng,
) -> (&'static str, Array2<T>) {
    let eps = T::eps();
    let signed = |cond: T::Real, rng: &mut SeededRng| -> Vec<T::Real> {
        testing::geometric_spectrum::<T::Real>(n, cond)
            .into_iter()
            .map(|l| l * testing::unit_phase::<T::Real>(rng))
            .collect()
    };
    let small = testing::small_scale::<T::Real>();
    match ty {
        0 => ("zero", Array2::zeros((n, n))),
        1 => ("identity", Array2::eye(n)),
        2 => ("diagonal", diag::<T>(&signed(real::<T>(2.0), rng))),
        3 => (
            "random",
            with_eigenvalues(&signed(real::<T>(2.0), rng), rng),
        ),
        4 => (
            "ill",
            with_eigenvalues(&signed((real::<T>(0.1) / eps).sqrt(), rng), rng),
        ),
        5 => (
            "very-ill",
            with_eigenvalues(&signed(real::<T>(0.1) / eps, rng), rng),
        ),
        6 => (
            "underflow",
            with_eigenvalues::<T>(&signed(real::<T>(2.0), rng), rng).mapv(|x| x.scale(small)),
        ),
        _ => (
            "overflow",
            with_eigenvalues::<T>(&signed(real::<T>(2.0), rng), rng)
                .mapv(|x| x.scale(real::<T>(1.0) / small)),
        ),
    }
}

fn geneigh_matrix_types<T: Scalar>() {
    let mut rng = testing::rng(25);
    let small = testing::small_scale::<T::Real>();
    for &n in &[1usize, 2, 5, 20] {
        for ty in 0..8 {
            let (kind, a) = hermitian_of_type::<T>(ty, n, &mut rng);
            let b: Array2<T> = testing::random_spd(n, real::<T>(10.0), &mut rng);
            // B as it comes, and scaled near underflow and overflow (with a unit-scale A).
            let mut bs = vec![("b", b.clone())];
            if kind == "random" {
                bs.push(("b-underflow", b.mapv(|x| x.scale(small))));
                bs.push(("b-overflow", b.mapv(|x| x.scale(real::<T>(1.0) / small))));
            }
            for (bkind, b) in &bs {
                let binv = Lu::new(b).unwrap().inverse().unwrap();
                for problem in PROBLEMS {
                    // B scaled to the ends of the range with types 2 and 3 would move A·B out
                    // of range; LAPACK's ddrvsg keeps B at unit scale.
                    if *bkind != "b" && problem != GeneralizedProblem::AxLambdaBx {
                        continue;
                    }
                    let ctx = || format!("n={n} A {kind} {bkind} {problem:?}");
                    let g = GeneralizedEigh::with_problem(&a, b, problem)
                        .unwrap_or_else(|e| panic!("{}: {e}", ctx()));
                    check_ratio(
                        &format!("geneigh/types residual {}", T::NAME),
                        verify::generalized_eigen_ratio(&a, b, problem, &g.vectors(), &g.values()),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                    let m = if problem == GeneralizedProblem::BAxLambdaX {
                        &binv
                    } else {
                        b
                    };
                    check_ratio(
                        &format!("geneigh/types b-orthogonality {}", T::NAME),
                        verify::b_orthogonality_ratio(m, &g.vectors()),
                        verify::EIG_THRESHOLD,
                        &ctx,
                    );
                    if kind == "zero" {
                        assert!(g.values().iter().all(|&l| l == real::<T>(0.0)), "{}", ctx());
                        // exact: C = 0
                    }
                }
            }
        }
    }
}
per_scalar!(geneigh_matrix_types, geneigh_matrix_types);

/// General pencils of LAPACK's kinds (ddrgev/ddrges): zero and identity blocks (exact answers),
/// triangular, random with several conditions, scaled near underflow and overflow.
fn pencil_matrix_types<T: Scalar>() {
    use ndfactor::testing::MatrixType as M;
    let mut rng = testing::rng(33);
    let kinds: &[(&str, M, M)] = &[
        ("0,0", M::Zero, M::Zero),
        ("0,I", M::Zero, M::Identity),
        ("I,0", M::Identity, M::Zero),
        ("D,I", M::Diagonal, M::Identity),
        ("U,U", M::UpperTriangular, M::UpperTriangular),
        ("L,U", M::LowerTriangular, M::UpperTriangular),
        ("R,R", M::Random, M::Random),
        ("ill,R", M::IllConditioned, M::Random),
        ("R,very-ill", M::Random, M::VeryIllConditioned),
        ("under,R", M::NearUnderflow, M::Random),
        ("R,over", M::Random, M::NearOverflow),
        ("under,over", M::NearUnderflow, M::NearOverflow),
    ];
    for &n in &[1usize, 2, 5, 20] {
        for &(kind, ta, tb) in kinds {
            let a: Array2<T> = testing::matrix(ta, n, n, &mut rng);
            let b: Array2<T> = testing::matrix(tb, n, n, &mut rng);
            let ctx = || format!("n={n} {kind}");
            let g = GeneralizedEig::with_left(&a, &b).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            let pairs = g.values().to_vec();
            assert_no_nan(&pairs);
            if !T::IS_COMPLEX {
                // Real routines return real, non-negative β.
                assert!(
                    pairs
                        .iter()
                        .all(|p| p.beta.im == real::<T>(0.0) && p.beta.re >= real::<T>(0.0)),
                    "{}",
                    ctx()
                );
            }
            match kind {
                "0,0" => assert!(
                    pairs.iter().all(|p| p.is_indeterminate()) && g.is_singular_pencil(),
                    "{}",
                    ctx()
                ),
                "I,0" => assert!(pairs.iter().all(|p| p.is_infinite()), "{}", ctx()),
                "0,I" => assert!(
                    pairs
                        .iter()
                        .all(|p| p.finite() == Some(Complex::new(real::<T>(0.0), real::<T>(0.0)))),
                    "{}",
                    ctx()
                ), // exact: α = 0
                _ => {}
            }
            let (r1, _) = get52::<T>(false, &a, &b, &g.vectors().unwrap(), &pairs);
            check_ratio(
                &format!("ggev/types right residual {}", T::NAME),
                r1,
                verify::SCHUR_THRESHOLD,
                &ctx,
            );
            let (l1, _) = get52::<T>(true, &a, &b, &g.left_vectors().unwrap(), &pairs);
            check_ratio(
                &format!("ggev/types left residual {}", T::NAME),
                l1,
                verify::SCHUR_THRESHOLD,
                &ctx,
            );
            let qz = Qz::new(&a, &b).unwrap_or_else(|e| panic!("{}: {e}", ctx()));
            qz_ratios("types", &a, &b, &qz, &ctx);
            assert_no_nan(&qz.values().to_vec());
        }
    }
}
per_scalar!(pencil_matrix_types, pencil_matrix_types);

/// NaN or ±∞ in the triangles not read changes nothing (bitwise), and inputs are not modified.
fn unused_triangles_and_inputs<T: Scalar>() {
    let mut rng = testing::rng(26);
    let n = 7;
    let a: Array2<T> = hermitian(n, &mut rng);
    let b: Array2<T> = testing::random_spd(n, real::<T>(10.0), &mut rng);
    let junk = [
        T::from_real(T::Real::nan()),
        T::from_real(T::Real::infinity()),
    ];
    for uplo in [Uplo::Lower, Uplo::Upper] {
        let (mut aj, mut bj) = (a.clone(), b.clone());
        for i in 0..n {
            for j in 0..n {
                let unused = match uplo {
                    Uplo::Lower => j > i,
                    Uplo::Upper => i > j,
                };
                if unused {
                    aj[(i, j)] = junk[(i + j) % 2];
                    bj[(i, j)] = junk[(i + j + 1) % 2];
                }
            }
        }
        // Imaginary parts of the diagonals are ignored too.
        if T::IS_COMPLEX {
            aj[(0, 0)] = T::from_parts(aj[(0, 0)].re(), real::<T>(3.0));
            bj[(1, 1)] = T::from_parts(bj[(1, 1)].re(), real::<T>(-2.0));
        }
        for problem in PROBLEMS {
            let clean = GeneralizedEigh::with_options(&a, &b, problem, uplo).unwrap();
            let (ac, bc) = (aj.clone(), bj.clone());
            let dirty = GeneralizedEigh::with_options(&aj, &bj, problem, uplo).unwrap();
            assert_eq!(clean.values(), dirty.values(), "{uplo:?} {problem:?}");
            assert_eq!(clean.vectors(), dirty.vectors(), "{uplo:?} {problem:?}");
            // exact: the inputs are read, never written (compare bit patterns, NaN included).
            let bits = |m: &Array2<T>| format!("{m:?}");
            assert_eq!((bits(&ac), bits(&bc)), (bits(&aj), bits(&bj)));
        }
    }
    // General pencils leave their inputs alone as well.
    let g: Array2<T> = testing::gaussian(n, n, &mut rng);
    let (gc, bc) = (g.clone(), b.clone());
    let _ = GeneralizedEig::with_left(&g, &b).unwrap();
    let _ = Qz::sorted(&g, &b, |e| {
        e.finite().is_some_and(|l| l.re > real::<T>(0.0))
    })
    .unwrap();
    assert!(g == gc && b == bc); // exact: inputs are copied, not overwritten
}
per_scalar!(unused_triangles_and_inputs, unused_triangles_and_inputs);

/// Two algorithms, one answer: on Hermitian-definite pencils the QZ eigenvalues (?ggev, which
/// never inverts B) agree with ?sygvd's (Cholesky reduction), and ?gges's with both, to the
/// perturbation bound `|δλ| ≲ n·ε·(‖A‖ + |λ|·‖B‖)·‖B⁻¹‖`.
fn definite_pencils_two_ways<T: Scalar>() {
    let mut rng = testing::rng(27);
    for &n in &[1usize, 4, 26, 65] {
        let a: Array2<T> = hermitian(n, &mut rng);
        let b: Array2<T> = testing::random_spd(n, real::<T>(10.0), &mut rng);
        let binv = Lu::new(&b).unwrap().inverse().unwrap();
        let w = GeneralizedEigh::values_only(&a, &b, GeneralizedProblem::AxLambdaBx).unwrap();
        let sorted_re = |pairs: &[GeneralizedEigenvalue<T::Real>]| {
            let mut l: Vec<T::Real> = pairs
                .iter()
                .map(|e| e.finite().expect("B is definite").re)
                .collect();
            l.sort_by(|x, y| x.partial_cmp(y).unwrap());
            l
        };
        let g = GeneralizedEig::values_only(&a, &b).unwrap();
        let q = Qz::new(&a, &b).unwrap();
        let (an, bn, bin) = (verify::norm1(&a), verify::norm1(&b), verify::norm1(&binv));
        for (what, l) in [
            ("ggev", sorted_re(&g.values().to_vec())),
            ("gges", sorted_re(&q.values().to_vec())),
        ] {
            for (x, y) in l.iter().zip(w.iter()) {
                let bound = (an + y.abs() * bn) * bin;
                check_ratio(
                    &format!("geneig/two ways {what} {}", T::NAME),
                    verify::ratio::<T>((*x - *y).abs(), bound, n),
                    verify::EIG_THRESHOLD,
                    &|| format!("n={n} {what}"),
                );
            }
        }
        // Imaginary parts of the QZ eigenvalues are rounding only.
        let im = g
            .values()
            .iter()
            .fold(real::<T>(0.0), |m, e| m.max(e.finite().unwrap().im.abs()));
        let bound = (an + w.iter().fold(real::<T>(0.0), |m, l| m.max(l.abs())) * bn) * bin;
        check_ratio(
            &format!("geneig/two ways imaginary {}", T::NAME),
            verify::ratio::<T>(im, bound, n),
            verify::EIG_THRESHOLD,
            &|| format!("n={n}"),
        );
    }
}
per_scalar!(definite_pencils_two_ways, definite_pencils_two_ways);
