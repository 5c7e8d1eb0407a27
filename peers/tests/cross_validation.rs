//! Cross-validation: ndfactor's singular values, eigenvalues (symmetric and general),
//! determinants and solutions agree with ndarray-linalg's and faer's on random and structured
//! matrices (Hilbert, graded, rank-deficient, complex Hermitian), to the accuracy the
//! conditioning predicts.
//!
//! Every tolerance is a first-order perturbation bound for a backward-stable algorithm
//! (backward error `≤ p(n)·ε·‖A‖`, `p(n) = n`), times [`SLACK`]:
//! * singular values, symmetric eigenvalues (Weyl): `|Δσᵢ| ≤ n·ε·‖A‖₂`;
//! * a simple eigenvalue of a general matrix: `|Δλᵢ| ≤ n·ε·‖A‖_F·κ(λᵢ)` with
//!   `κ(λᵢ) = ‖xᵢ‖·‖yᵢ‖/|yᵢᴴxᵢ|` from ndfactor's left and right eigenvectors;
//! * a determinant: `|Δdet/det| ≤ |tr(A⁻¹E)| ≤ n·‖A⁻¹‖·‖E‖ ≤ n²·ε·κ₁(A)`;
//! * a solution: `‖Δx‖/‖x‖ ≤ n·ε·κ₁(A)` (κ₁ from ndfactor's `rcond`, an estimate within a
//!   factor of a few, covered by the slack).
//!
//! Both sides carry such an error, so the difference of two results is bounded by twice the
//! bound; the slack covers that and the constants of the analyses.

use faer::linalg::solvers::Solve as _;
use faer::{Mat, Side};
use ndarray::{Array1, Array2};
use ndarray_linalg::{Determinant as _, EigVals as _, EigValsh as _, Solve as _, SVD as _, UPLO};
use ndfactor::{testing, Eig, Lu, RealScalar, Scalar, Svd, SymmetricEigen};
use num_complex::Complex;

/// The unspecified modest constant of the rounding-error analyses (p(n) ≈ n, two contenders),
/// fixed once for every check in this file.
const SLACK: f64 = 16.0;

fn eps<T: Scalar>() -> f64 {
    T::Real::epsilon().to_f64()
}

fn to_faer<T>(a: &Array2<T>) -> Mat<T>
where
    T: Scalar + faer::traits::ComplexField,
{
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[(i, j)])
}

/// Asserts `|x − y| ≤ tol` entry by entry (sorted descending on both sides beforehand).
fn assert_close(what: &str, ours: &[f64], theirs: &[f64], tol: f64) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths differ");
    let worst = ours
        .iter()
        .zip(theirs)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(
        worst <= tol,
        "{what}: max difference {worst:.3e} > tolerance {tol:.3e}"
    );
}

fn sorted_desc(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| b.total_cmp(a));
    v
}

/// Matches two eigenvalue lists (each ours to its nearest theirs, and back) within the
/// per-eigenvalue tolerances `tol[i]`.
fn assert_spectra_match(what: &str, ours: &[Complex<f64>], tol: &[f64], theirs: &[Complex<f64>]) {
    assert_eq!(ours.len(), theirs.len(), "{what}: lengths differ");
    for (i, l) in ours.iter().enumerate() {
        let d = theirs
            .iter()
            .map(|m| (l - m).norm())
            .fold(f64::INFINITY, f64::min);
        assert!(
            d <= tol[i],
            "{what}: λ{i} = {l} has no partner within {:.3e} (nearest {d:.3e})",
            tol[i]
        );
    }
    for m in theirs {
        let ok = ours.iter().zip(tol).any(|(l, t)| (l - m).norm() <= *t);
        assert!(ok, "{what}: their λ = {m} has no partner in ours");
    }
}

macro_rules! cross {
    ($modname:ident, $t:ty, $r:ty, $hilbert_n:expr) => {
        mod $modname {
            use super::*;
            type T = $t;
            type R = $r;

            /// The matrices: (name, matrix) — square unless noted.
            fn general_cases() -> Vec<(&'static str, Array2<T>)> {
                let mut rng = testing::rng(0xC0FFEE);
                vec![
                    ("gaussian 40", testing::gaussian::<T>(40, 40, &mut rng)),
                    ("hilbert", testing::hilbert::<T>($hilbert_n)),
                    (
                        "graded 12 (ratio 0.7)",
                        testing::graded::<T>(12, 0.7, &mut rng),
                    ),
                ]
            }

            fn as_f64(x: R) -> f64 {
                x.to_f64()
            }

            #[test]
            fn singular_values() {
                let mut rng = testing::rng(11);
                let mut cases = general_cases();
                cases.push(("gaussian 35×20", testing::gaussian::<T>(35, 20, &mut rng)));
                cases.push((
                    "rank 6 of 30×24",
                    testing::rank_deficient::<T>(30, 24, 6, &mut rng),
                ));
                for (name, a) in &cases {
                    let ours: Vec<f64> =
                        Svd::values(a).unwrap().iter().map(|&s| as_f64(s)).collect();
                    let p = a.nrows().max(a.ncols()) as f64;
                    let tol = SLACK * p * eps::<T>() * ours[0];
                    let (_, s, _) = a.svd(false, false).unwrap();
                    let linalg = sorted_desc(s.iter().map(|&x| x as f64).collect());
                    assert_close(&format!("{name}: σ vs ndarray-linalg"), &ours, &linalg, tol);
                    let f = to_faer(a).singular_values().unwrap();
                    let faer = sorted_desc(f.iter().map(|&x| x as f64).collect());
                    assert_close(&format!("{name}: σ vs faer"), &ours, &faer, tol);
                }
            }

            #[test]
            fn symmetric_eigenvalues() {
                let mut rng = testing::rng(12);
                let mut herm = testing::gaussian::<T>(40, 40, &mut rng);
                testing::hermitian_part(&mut herm);
                let mut graded = testing::graded::<T>(16, 0.6, &mut rng);
                testing::hermitian_part(&mut graded);
                let mut lowrank = testing::rank_deficient::<T>(24, 24, 5, &mut rng);
                testing::hermitian_part(&mut lowrank);
                let cases = [
                    ("hermitian 40", herm),
                    ("hilbert", testing::hilbert::<T>($hilbert_n)),
                    ("graded hermitian 16", graded),
                    ("rank-deficient hermitian 24", lowrank),
                ];
                for (name, a) in &cases {
                    let n = a.nrows() as f64;
                    let ours: Vec<f64> = SymmetricEigen::values_only(a)
                        .unwrap()
                        .iter()
                        .map(|&x| as_f64(x))
                        .collect();
                    let norm2 = ours.iter().fold(0.0f64, |m, x| m.max(x.abs()));
                    let tol = SLACK * n * eps::<T>() * norm2;
                    let ours = sorted_desc(ours);
                    let l = a.eigvalsh(UPLO::Lower).unwrap();
                    let linalg = sorted_desc(l.iter().map(|&x| x as f64).collect());
                    assert_close(&format!("{name}: λ vs ndarray-linalg"), &ours, &linalg, tol);
                    let f = to_faer(a).self_adjoint_eigenvalues(Side::Lower).unwrap();
                    let faer = sorted_desc(f.iter().map(|&x| x as f64).collect());
                    assert_close(&format!("{name}: λ vs faer"), &ours, &faer, tol);
                }
            }

            #[test]
            fn general_eigenvalues() {
                let mut rng = testing::rng(13);
                let cases = [
                    ("gaussian 30", testing::gaussian::<T>(30, 30, &mut rng)),
                    (
                        "graded 12 (ratio 0.7)",
                        testing::graded::<T>(12, 0.7, &mut rng),
                    ),
                ];
                for (name, a) in &cases {
                    let n = a.nrows() as f64;
                    let e = Eig::with_left(a).unwrap();
                    let (x, y) = (e.vectors(), e.left_vectors().unwrap());
                    let fro = a
                        .iter()
                        .map(|v| v.abs().to_f64().powi(2))
                        .sum::<f64>()
                        .sqrt();
                    let ours: Vec<Complex<f64>> = e
                        .values()
                        .iter()
                        .map(|z| Complex::new(z.re.to_f64(), z.im.to_f64()))
                        .collect();
                    let tol: Vec<f64> = (0..a.nrows())
                        .map(|i| {
                            let (xi, yi) = (x.column(i), y.column(i));
                            let c = |v: Complex<R>| Complex::new(v.re.to_f64(), v.im.to_f64());
                            let nx = xi.iter().map(|&v| c(v).norm_sqr()).sum::<f64>().sqrt();
                            let ny = yi.iter().map(|&v| c(v).norm_sqr()).sum::<f64>().sqrt();
                            let yx: Complex<f64> = xi
                                .iter()
                                .zip(yi.iter())
                                .map(|(&u, &w)| c(w).conj() * c(u))
                                .sum();
                            let kappa = nx * ny / yx.norm();
                            SLACK * n * eps::<T>() * fro * kappa
                        })
                        .collect();
                    let l = a.eigvals().unwrap();
                    let linalg: Vec<Complex<f64>> = l
                        .iter()
                        .map(|z| Complex::new(z.re as f64, z.im as f64))
                        .collect();
                    assert_spectra_match(
                        &format!("{name}: λ vs ndarray-linalg"),
                        &ours,
                        &tol,
                        &linalg,
                    );
                    let f = to_faer(a).eigenvalues().unwrap();
                    let faer: Vec<Complex<f64>> = f
                        .iter()
                        .map(|z| Complex::new(z.re as f64, z.im as f64))
                        .collect();
                    assert_spectra_match(&format!("{name}: λ vs faer"), &ours, &tol, &faer);
                }
            }

            #[test]
            fn determinants_and_solutions() {
                let mut rng = testing::rng(14);
                for (name, a) in general_cases() {
                    let n = a.nrows();
                    let lu = Lu::new(&a).unwrap();
                    let kappa = 1.0 / lu.rcond().to_f64();
                    let to_c = |z: T| Complex::new(z.re().to_f64(), z.im().to_f64());

                    // Determinants: relative agreement n²·ε·κ₁.
                    let ours = to_c(lu.det());
                    let tol = SLACK * (n * n) as f64 * eps::<T>() * kappa;
                    let linalg = to_c(a.det().unwrap());
                    let rel = (ours - linalg).norm() / ours.norm();
                    assert!(
                        rel <= tol,
                        "{name}: det vs ndarray-linalg rel. diff {rel:.3e} > {tol:.3e}"
                    );
                    let faer = to_c(to_faer(&a).determinant());
                    let rel = (ours - faer).norm() / ours.norm();
                    assert!(
                        rel <= tol,
                        "{name}: det vs faer rel. diff {rel:.3e} > {tol:.3e}"
                    );

                    // Solutions: relative agreement n·ε·κ₁.
                    let b: Array1<T> = testing::gaussian::<T>(n, 1, &mut rng).column(0).to_owned();
                    let x = lu.solve(&b).unwrap();
                    let xn = x.iter().map(|&v| to_c(v).norm_sqr()).sum::<f64>().sqrt();
                    let tol = SLACK * n as f64 * eps::<T>() * kappa;
                    let diff = |y: &dyn Fn(usize) -> T| {
                        (0..n)
                            .map(|i| (to_c(x[i]) - to_c(y(i))).norm_sqr())
                            .sum::<f64>()
                            .sqrt()
                            / xn
                    };
                    let xl = a.solve(&b).unwrap();
                    let d = diff(&|i| xl[i]);
                    assert!(
                        d <= tol,
                        "{name}: solve vs ndarray-linalg rel. diff {d:.3e} > {tol:.3e}"
                    );
                    let bf = Mat::from_fn(n, 1, |i, _| b[i]);
                    let xf = to_faer(&a).partial_piv_lu().solve(&bf);
                    let d = diff(&|i| xf[(i, 0)]);
                    assert!(
                        d <= tol,
                        "{name}: solve vs faer rel. diff {d:.3e} > {tol:.3e}"
                    );
                }
            }
        }
    };
}

cross!(f64_, f64, f64, 8);
cross!(f32_, f32, f32, 4);
cross!(c64_, ndfactor::c64, f64, 8);
cross!(c32_, ndfactor::c32, f32, 4);
