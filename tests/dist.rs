//! Distributed factorizations (feature `mpi`), run under `mpirun -n 1`, `-n 2` and `-n 4` by
//! scripts/test-mpi.sh.
//!
//! A custom harness (`harness = false`): MPI is initialised once per process, every test is
//! collective (all ranks run it in the same order), and each test's outcome is all-reduced so
//! that every rank agrees on pass/fail. Matrices are generated from the same seed on every rank,
//! so each rank knows the whole input and can check the errors it gets; results are gathered to
//! rank 0 and checked there with LAPACK's ratios and against the single-process ndfactor result.
#![cfg(feature = "mpi")]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mpi::collective::SystemOperation;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use ndarray::{s, Array1, Array2, ArrayView2};
use ndfactor::dist::{
    read_npy_rows, tsqr, DistCholesky, DistLu, DistMatrix, DistPca, DistQr, DistRandomizedSvd,
    DistScalar, DistSolutionWithResidual, DistSvd, DistSymmetricEigen, ProcessGrid,
};
use ndfactor::testing::{gaussian, hermitian_part, random_spd, rng, with_singular_values};
use ndfactor::verify::{
    self, norm1, norm_fro, EIG_THRESHOLD, LIN_THRESHOLD, RCOND_THRESHOLD, SVD_THRESHOLD,
};
use ndfactor::{c32, c64, Cholesky, Error, Lu, Pca, Qr, Rank, RealScalar, Scalar, Svd};
use ndfactor::{SymmetricEigen, Uplo};

/// Block sizes: 1, 2, 64 and 5 (which divides none of the sizes below).
const BLOCKS: &[usize] = &[1, 2, 5, 64];
/// Square sizes: tiny, not a multiple of any block, more than one 64-block.
const SIZES: &[usize] = &[1, 3, 23, 70];

thread_local! {
    static MAX_RATIOS: RefCell<BTreeMap<String, f64>> = const { RefCell::new(BTreeMap::new()) };
    static FAILURES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Records a failed ratio check instead of panicking: the checks run on rank 0 alone (after a
/// gather), and a panic there would leave the other ranks waiting in the next collective call.
fn check<R: Into<f64>>(name: &str, ratio: R, threshold: f64, ctx: &dyn Fn() -> String) {
    let ratio: f64 = ratio.into();
    expect(ratio < threshold, &|| {
        format!("{name}: ratio {ratio:.3e} ≥ {threshold} ({})", ctx())
    });
    MAX_RATIOS.with(|m| {
        let mut m = m.borrow_mut();
        let e = m.entry(name.to_string()).or_insert(0.0);
        if ratio > *e || ratio.is_nan() {
            *e = ratio;
        }
    });
}

/// A rank-local assertion that never panics (see [`check`]).
fn expect(ok: bool, what: &dyn Fn() -> String) {
    if !ok {
        FAILURES.with(|f| f.borrow_mut().push(what()));
    }
}

/// The process grid shapes a communicator of this size can hold.
fn shapes(size: usize) -> Vec<(usize, usize)> {
    (1..=size)
        .filter(|p| size % p == 0)
        .map(|p| (p, size / p))
        .collect()
}

fn grids(world: &SimpleCommunicator) -> Vec<ProcessGrid> {
    shapes(world.size() as usize)
        .into_iter()
        .map(|(p, q)| ProcessGrid::with_shape(world, p, q).expect("grid"))
        .collect()
}

fn root<'a, T>(grid: &ProcessGrid, a: &'a Array2<T>) -> Option<ArrayView2<'a, T>> {
    (grid.rank() == 0).then(|| a.view())
}

fn eps<T: Scalar>() -> f64 {
    T::eps().to_f64()
}

fn rel_diff<T: Scalar>(a: &Array2<T>, b: &Array2<T>) -> f64 {
    let d = norm_fro(&(a - b)).to_f64();
    let s = norm_fro(a).to_f64().max(f64::MIN_POSITIVE);
    d / s
}

// ---------------------------------------------------------------------------------------------

fn lu_body<T: DistScalar>(world: &SimpleCommunicator) {
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &n in SIZES {
                let ctx = || {
                    format!(
                        "{}, n = {n}, nb = {nb}, grid {:?}",
                        std::any::type_name::<T>(),
                        grid.shape()
                    )
                };
                let a: Array2<T> = gaussian(n, n, &mut rng(n as u64 * 31 + 1));
                let b: Array2<T> = gaussian(n, 3, &mut rng(n as u64 * 31 + 2));
                let da = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
                let db = DistMatrix::scatter(&grid, root(&grid, &b), nb).unwrap();
                let lu = DistLu::new(&da).unwrap();
                assert_eq!(lu.singular_at(), None);
                let x = lu.solve(&db).unwrap().gather().unwrap();
                let f = lu.factors().gather().unwrap();
                let piv = lu.pivots().unwrap();
                let rcond = lu.rcond().unwrap().to_f64();
                let core = Lu::new(&a).unwrap();
                // Every rank gets the same pivots, equal to in-core ?getrf's.
                // BlasInt is i32 or i64 by backend feature; ScaLAPACK's pivots are i32.
                #[allow(clippy::useless_conversion)]
                let core_piv: Vec<i32> = core
                    .pivots()
                    .iter()
                    .map(|&p| i32::try_from(p).expect("pivots fit i32"))
                    .collect();
                assert_eq!(piv, core_piv, "{}", ctx());
                if let (Some(x), Some(f)) = (x, f) {
                    let name = format!("lu/solve {}", std::any::type_name::<T>());
                    check(
                        &name,
                        verify::solve_ratio(&a, &x, &b).to_f64() / n as f64,
                        LIN_THRESHOLD,
                        &ctx,
                    );
                    let xc = core.solve(&b).unwrap();
                    // Forward error bound: ‖x − x_core‖ ≲ κ·n·ε‖x‖; compare in units of it.
                    let kappa = 1.0 / core.rcond().to_f64();
                    check(
                        &format!("lu/vs-core {}", std::any::type_name::<T>()),
                        rel_diff(&xc, &x) / (kappa * n as f64 * eps::<T>()),
                        LIN_THRESHOLD,
                        &ctx,
                    );
                    check(
                        &format!("lu/factors-vs-core {}", std::any::type_name::<T>()),
                        verify::reconstruction_ratio(&core.factors().to_owned(), &f, n).to_f64(),
                        LIN_THRESHOLD * kappa.max(1.0).sqrt(),
                        &ctx,
                    );
                    // rcond: p?gecon against the true 1/(‖A‖₁‖A⁻¹‖₁) (LAPACK's dget06 ratio).
                    let inv = core.inverse().unwrap();
                    let exact = 1.0 / (norm1(&a).to_f64() * norm1(&inv).to_f64());
                    check(
                        &format!("lu/rcond {}", std::any::type_name::<T>()),
                        verify::rcond_ratio(rcond, exact),
                        RCOND_THRESHOLD,
                        &ctx,
                    );
                }
            }
        }
    }
}

fn lu_singular_and_errors(world: &SimpleCommunicator) {
    for grid in grids(world) {
        // Exactly singular: column 2 is twice column 0, so U(3, 3) = 0 after elimination.
        let a = ndarray::array![[1.0f64, 2.0, 2.0], [2.0, 1.0, 4.0], [3.0, 5.0, 6.0]];
        let da = DistMatrix::scatter(&grid, root(&grid, &a), 1).unwrap();
        let lu = DistLu::new(&da).unwrap();
        assert_eq!(lu.singular_at(), Lu::new(&a).unwrap().singular_at());
        assert_eq!(lu.singular_at(), Some(3));
        let b = DistMatrix::scatter(&grid, root(&grid, &Array2::<f64>::ones((3, 1))), 1).unwrap();
        assert_eq!(lu.solve(&b).unwrap_err(), Error::Singular { index: 3 });
        assert_eq!(lu.rcond().unwrap(), 0.0); // exact: defined as 0 for a zero pivot
                                              // Non-finite input on the last process row/column: the same error on every rank.
        for (i, j) in [(0, 0), (6, 2), (9, 9)] {
            let mut a: Array2<f64> = gaussian(10, 10, &mut rng(3));
            a[[i, j]] = f64::NAN;
            if (i, j) == (9, 9) {
                a[[4, 7]] = f64::INFINITY; // first in row-major order wins
            }
            let da = DistMatrix::scatter(&grid, root(&grid, &a), 2).unwrap();
            let want = Lu::new(&a).unwrap_err();
            assert_eq!(DistLu::new(&da).unwrap_err(), want);
            assert_eq!(DistQr::new(&da).unwrap_err(), want);
            assert_eq!(DistSvd::new(&da).unwrap_err(), want);
        }
        // Wrong shapes.
        let r = DistMatrix::<f64>::zeros(&grid, 3, 4, 2).unwrap();
        assert_eq!(
            DistLu::new(&r).unwrap_err(),
            Error::NotSquare { rows: 3, cols: 4 }
        );
        let sq = DistMatrix::<f64>::zeros(&grid, 3, 3, 2).unwrap();
        let rhs = DistMatrix::<f64>::zeros(&grid, 4, 1, 2).unwrap();
        let mut eye = sq.clone();
        eye.map_global(|i, j, _| if i == j { 1.0 } else { 0.0 });
        assert!(matches!(
            DistLu::new(&eye).unwrap().solve(&rhs),
            Err(Error::DimensionMismatch {
                expected: 3,
                found: 4,
                ..
            })
        ));
        // Empty matrices factor to empty results.
        let e = DistMatrix::<f64>::zeros(&grid, 0, 0, 2).unwrap();
        assert_eq!(DistLu::new(&e).unwrap().rcond().unwrap(), 1.0); // exact: defined for n = 0
        assert_eq!(DistSvd::new(&e).unwrap().singular_values().len(), 0);
    }
}

fn cholesky_body<T: DistScalar>(world: &SimpleCommunicator) {
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &n in SIZES {
                for uplo in [Uplo::Lower, Uplo::Upper] {
                    let ctx = || {
                        format!(
                            "{}, n = {n}, nb = {nb}, {uplo:?}, grid {:?}",
                            std::any::type_name::<T>(),
                            grid.shape()
                        )
                    };
                    let a: Array2<T> =
                        random_spd(n, T::Real::from_f64(100.0), &mut rng(n as u64 + 7));
                    let b: Array2<T> = gaussian(n, 2, &mut rng(n as u64 + 8));
                    let da = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
                    let c = DistCholesky::new(&da, uplo).unwrap();
                    let rcond = c.rcond().unwrap().to_f64();
                    same_on_every_rank(world, rcond, &ctx);
                    let f = c.factor().unwrap().gather().unwrap();
                    let x = c
                        .solve(&DistMatrix::scatter(&grid, root(&grid, &b), nb).unwrap())
                        .unwrap()
                        .gather()
                        .unwrap();
                    if let (Some(f), Some(x)) = (f, x) {
                        let fh = f.t().mapv(|v| v.conj());
                        let rec = match uplo {
                            Uplo::Lower => f.dot(&fh),
                            Uplo::Upper => fh.dot(&f),
                        };
                        let t = std::any::type_name::<T>();
                        check(
                            &format!("cholesky/factor {t}"),
                            verify::reconstruction_ratio(&a, &rec, n).to_f64(),
                            LIN_THRESHOLD,
                            &ctx,
                        );
                        check(
                            &format!("cholesky/solve {t}"),
                            verify::solve_ratio(&a, &x, &b).to_f64() / n as f64,
                            LIN_THRESHOLD,
                            &ctx,
                        );
                        let core = Cholesky::new(&a).unwrap();
                        let lc = core.l();
                        let fl = if uplo == Uplo::Lower {
                            f.clone()
                        } else {
                            fh.clone()
                        };
                        check(
                            &format!("cholesky/vs-core {t}"),
                            verify::reconstruction_ratio(&lc, &fl, n).to_f64(),
                            LIN_THRESHOLD * 10.0,
                            &ctx,
                        );
                        check_cholesky_rcond(&a, &core, rcond, &ctx);
                    }
                }
            }
        }
        // rcond of ill-conditioned matrices (κ₁ up to about 10⁹), and with a NaN in the
        // triangle not read (ignored by ‖A‖₁ as by the factorization).
        for (n, kappa) in [(23, 1e6), (70, 1e8), (12, 1e3)] {
            let mut a: Array2<T> = random_spd(n, T::Real::from_f64(kappa), &mut rng(n as u64 + 40));
            let core = Cholesky::new(&a).unwrap();
            a[[0, n - 1]] = T::from_f64(f64::NAN);
            for &nb in &[2, 64] {
                let ctx = || {
                    format!(
                        "{}, n = {n}, κ₂ = {kappa:e}, nb = {nb}, NaN above, grid {:?}",
                        std::any::type_name::<T>(),
                        grid.shape()
                    )
                };
                let da = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
                let rcond = DistCholesky::new(&da, Uplo::Lower)
                    .unwrap()
                    .rcond()
                    .unwrap()
                    .to_f64();
                same_on_every_rank(world, rcond, &ctx);
                let mut clean = a.clone();
                clean[[0, n - 1]] = clean[[n - 1, 0]].conj();
                check_cholesky_rcond(&clean, &core, rcond, &ctx);
            }
        }
        // Not positive definite: a negative eigenvalue makes minor 5 fail; every rank gets
        // the in-core index. A NaN in the triangle not read is ignored.
        let mut a: Array2<f64> = random_spd(9, 10.0, &mut rng(2));
        a[[4, 4]] = -50.0;
        a[[0, 8]] = f64::NAN;
        let want = match Cholesky::new(&a) {
            Err(e) => e,
            Ok(_) => panic!("in-core Cholesky must fail"),
        };
        assert!(matches!(want, Error::NotPositiveDefinite { index: 5 }));
        for nb in [1, 2, 4] {
            let da = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
            assert_eq!(DistCholesky::new(&da, Uplo::Lower).unwrap_err(), want);
            let nan = DistCholesky::new(&da, Uplo::Upper).unwrap_err();
            assert_eq!(nan, Error::NonFinite { row: 0, col: 8 });
        }
    }
}

/// Records a failure unless `x` is bitwise the same on every rank.
fn same_on_every_rank(world: &SimpleCommunicator, x: f64, ctx: &dyn Fn() -> String) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    world.all_reduce_into(&x, &mut lo, SystemOperation::min());
    world.all_reduce_into(&x, &mut hi, SystemOperation::max());
    // exact: every rank must return the very same value (agreed or all-reduced)
    expect(lo.to_bits() == hi.to_bits() || (lo == hi), &|| {
        format!("ranks disagree: {lo:e} … {hi:e} ({})", ctx())
    });
}

/// `DistCholesky::rcond` against the in-core `Cholesky::rcond` (both estimates, within a factor
/// 10 and at most 1) and against the exact `1/(‖A‖₁‖A⁻¹‖₁)` (LAPACK's dget06 ratio).
fn check_cholesky_rcond<T: Scalar>(
    a: &Array2<T>,
    core: &Cholesky<T>,
    rcond: f64,
    ctx: &dyn Fn() -> String,
) {
    let t = std::any::type_name::<T>();
    let rc = core.rcond().to_f64();
    expect(rcond > 0.0 && rcond <= 1.0, &|| {
        format!("cholesky/rcond {rcond:e} outside (0, 1] ({})", ctx())
    });
    check(
        &format!("cholesky/rcond-vs-core-factor {t}"),
        rcond.max(rc) / rcond.min(rc),
        10.0,
        ctx,
    );
    let inv = core.inverse().unwrap();
    let exact = 1.0 / (norm1(a).to_f64() * norm1(&inv).to_f64());
    check(
        &format!("cholesky/rcond {t}"),
        verify::rcond_ratio(rcond, exact),
        RCOND_THRESHOLD,
        ctx,
    );
}

fn lstsq_body<T: DistScalar>(world: &SimpleCommunicator) {
    let t = std::any::type_name::<T>();
    let e = eps::<T>();
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &(m, n) in &[(1, 1), (23, 7), (7, 23), (40, 40), (75, 12), (12, 75)] {
                for adjoint in [false, true] {
                    let ctx = || {
                        format!(
                            "{t}, {m}×{n}{}, nb = {nb}, grid {:?}",
                            if adjoint { " adjoint" } else { "" },
                            grid.shape()
                        )
                    };
                    // op(A) is r×c.
                    let (r, c) = if adjoint { (n, m) } else { (m, n) };
                    let a: Array2<T> = gaussian(m, n, &mut rng((m * 100 + n) as u64 + 3));
                    let b: Array2<T> = gaussian(r, 3, &mut rng((m * 100 + n) as u64 + 4));
                    let da = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
                    let db = DistMatrix::scatter(&grid, root(&grid, &b), nb).unwrap();
                    let ls: DistSolutionWithResidual<'_, T> = if adjoint {
                        da.solve_adjoint_with_residual(&db).unwrap()
                    } else {
                        da.solve_with_residual(&db).unwrap()
                    };
                    assert_eq!(ls.solution.dim(), (c, 3));
                    for v in &ls.residual_norm {
                        same_on_every_rank(world, v.to_f64(), &ctx);
                    }
                    let Some(x) = ls.solution.gather().unwrap() else {
                        continue;
                    };
                    let op: Array2<T> = if adjoint {
                        a.t().mapv(|v| v.conj())
                    } else {
                        a.clone()
                    };
                    let res = &b - &op.dot(&x);
                    let anorm = norm_fro(&a).to_f64();
                    let dim = m.max(n) as f64;
                    if r > c {
                        // LAPACK's xQRT17: the residual is orthogonal to the range of op(A).
                        let rnorm = norm_fro(&res).to_f64();
                        let ortho = norm_fro(&op.t().mapv(|v| v.conj()).dot(&res)).to_f64();
                        check(
                            &format!("lstsq/qrt17 {t}"),
                            ortho / (anorm * rnorm * dim * e),
                            LIN_THRESHOLD,
                            &ctx,
                        );
                    } else {
                        // LAPACK's xQRT16: a consistent system is solved to backward error.
                        let xnorm = norm_fro(&x).to_f64();
                        check(
                            &format!("lstsq/qrt16 {t}"),
                            norm_fro(&res).to_f64() / (anorm * xnorm * dim * e),
                            LIN_THRESHOLD,
                            &ctx,
                        );
                        // exact: consistent systems report a zero residual by construction
                        expect(ls.residual_norm.iter().all(|&v| v.to_f64() == 0.0), &ctx);
                    }
                    // Against in-core QR: both are backward stable, so they differ by at most
                    // the least-squares forward error bound max(m,n)·ε·(κ + κ²·‖r‖/(σ₁‖x‖)).
                    let core = Qr::new(&op).unwrap().solve_with_residual(&b).unwrap();
                    let s = Svd::values(&a).unwrap();
                    let (s1, sk) = (s[0].to_f64(), s[s.len() - 1].to_f64());
                    let kappa = s1 / sk;
                    let xnorm = norm_fro(&x).to_f64();
                    let rnorm = norm_fro(&res).to_f64();
                    let bound = dim * e * (kappa + kappa * kappa * rnorm / (s1 * xnorm));
                    check(
                        &format!("lstsq/vs-core {t}"),
                        rel_diff(&core.solution, &x) / bound,
                        LIN_THRESHOLD,
                        &ctx,
                    );
                    // Residual norms: the measured ‖bⱼ − op(A)xⱼ‖ and the in-core ones, to the
                    // rounding of forming the residual, max(m,n)·ε·(‖A‖‖xⱼ‖ + ‖bⱼ‖).
                    for j in 0..3 {
                        let col = |z: &Array2<T>| norm_fro(&z.slice(s![.., j..j + 1])).to_f64();
                        let scale = dim * e * (anorm * col(&x) + col(&b));
                        let got = ls.residual_norm[j].to_f64();
                        check(
                            &format!("lstsq/residual-norm {t}"),
                            (got - col(&res)).abs() / scale,
                            LIN_THRESHOLD,
                            &ctx,
                        );
                        check(
                            &format!("lstsq/residual-norm-vs-core {t}"),
                            (got - core.residual_norm[j].to_f64()).abs() / scale,
                            LIN_THRESHOLD,
                            &ctx,
                        );
                    }
                }
            }
        }
    }
}

fn lstsq_errors(world: &SimpleCommunicator) {
    for grid in grids(world) {
        let a: Array2<f64> = gaussian(12, 5, &mut rng(12));
        let b: Array2<f64> = gaussian(12, 2, &mut rng(13));
        let scatter = |m: &Array2<f64>, nb| DistMatrix::scatter(&grid, root(&grid, m), nb).unwrap();
        // NaN/∞ in A (on whichever process owns it): the in-core error, on every rank.
        for (i, j) in [(0, 0), (6, 2), (11, 4)] {
            let mut bad = a.clone();
            bad[[i, j]] = f64::NAN;
            if (i, j) == (11, 4) {
                bad[[9, 3]] = f64::NEG_INFINITY; // first in row-major order wins
            }
            let want = Qr::new(&bad).unwrap_err();
            assert_eq!(
                scatter(&bad, 2)
                    .solve_with_residual(&scatter(&b, 2))
                    .unwrap_err(),
                want
            );
            let bt: Array2<f64> = Array2::ones((5, 1));
            assert_eq!(
                scatter(&bad, 2)
                    .solve_adjoint_with_residual(&scatter(&bt, 2))
                    .unwrap_err(),
                want
            );
        }
        // NaN in B: its global position in B, as in core.
        let mut bad = b.clone();
        bad[[10, 1]] = f64::NAN;
        let want = Qr::new(&a).unwrap().solve(&bad).unwrap_err();
        assert_eq!(want, Error::NonFinite { row: 10, col: 1 });
        assert_eq!(
            scatter(&a, 5)
                .solve_with_residual(&scatter(&bad, 5))
                .unwrap_err(),
            want
        );
        // Wrong shapes and blocks: typed errors on every rank.
        let short = scatter(&Array2::zeros((11, 2)), 2);
        assert!(matches!(
            scatter(&a, 2).solve_with_residual(&short).unwrap_err(),
            Error::DimensionMismatch {
                expected: 12,
                found: 11,
                ..
            }
        ));
        assert!(matches!(
            scatter(&a, 2)
                .solve_adjoint_with_residual(&short)
                .unwrap_err(),
            Error::DimensionMismatch {
                expected: 5,
                found: 11,
                ..
            }
        ));
        assert!(matches!(
            scatter(&a, 2)
                .solve_with_residual(&scatter(&b, 3))
                .unwrap_err(),
            Error::DimensionMismatch {
                expected: 2,
                found: 3,
                ..
            }
        ));
        // Exactly rank deficient: a zero column gives an exactly zero R(3, 3), as in core.
        let mut def = a.clone();
        def.column_mut(2).fill(0.0);
        let want = Qr::new(&def).unwrap().solve(&b).unwrap_err();
        assert_eq!(want, Error::Singular { index: 3 });
        for nb in [1, 2, 64] {
            assert_eq!(
                scatter(&def, nb)
                    .solve_with_residual(&scatter(&b, nb))
                    .unwrap_err(),
                want
            );
        }
        // Wide with a zero row: L(2, 2) = 0 exactly in A = L·Q (in core, where the solve goes
        // through the QR of Rᴴ, the zero is only zero to rounding).
        let mut wide: Array2<f64> = gaussian(4, 9, &mut rng(14));
        wide.row_mut(1).fill(0.0);
        let bw: Array2<f64> = gaussian(4, 1, &mut rng(15));
        for nb in [1, 2, 64] {
            assert_eq!(
                scatter(&wide, nb)
                    .solve_with_residual(&scatter(&bw, nb))
                    .unwrap_err(),
                Error::Singular { index: 2 }
            );
        }
        // The zero matrix: Singular at 1, in core and distributed.
        let z = Array2::<f64>::zeros((6, 3));
        assert_eq!(
            Qr::new(&z)
                .unwrap()
                .solve(&b.slice(s![..6, ..]))
                .unwrap_err(),
            Error::Singular { index: 1 }
        );
        assert_eq!(
            scatter(&z, 2)
                .solve_with_residual(&scatter(&b.slice(s![..6, ..]).to_owned(), 2))
                .unwrap_err(),
            Error::Singular { index: 1 }
        );
        // Empty: 0×3 gives X = 0 (3×2) with residual 0; 4×0 gives a 0×2 X and ‖bⱼ‖.
        let ls = scatter(&Array2::zeros((0, 3)), 2)
            .solve_with_residual(&scatter(&Array2::zeros((0, 2)), 2))
            .unwrap();
        assert_eq!(ls.solution.dim(), (3, 2));
        assert_eq!(ls.residual_norm, vec![0.0, 0.0]); // exact: nothing to fit
        if let Some(x) = ls.solution.gather().unwrap() {
            assert!(x.iter().all(|&v| v == 0.0)); // exact: zeros by construction
        }
        let b4 = ndarray::array![[3.0, 0.0], [4.0, 0.0], [0.0, 0.0], [0.0, 2.0]];
        let ls = scatter(&Array2::zeros((4, 0)), 2)
            .solve_with_residual(&scatter(&b4, 2))
            .unwrap();
        assert_eq!(ls.solution.dim(), (0, 2));
        assert!((ls.residual_norm[0] - 5.0).abs() <= 4.0 * f64::EPSILON * 5.0);
        assert!((ls.residual_norm[1] - 2.0).abs() <= 4.0 * f64::EPSILON * 2.0);
    }
}

fn qr_body<T: DistScalar>(world: &SimpleCommunicator) {
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &(m, n) in &[(1, 1), (23, 7), (7, 23), (70, 70), (75, 12)] {
                let ctx = || {
                    format!(
                        "{}, {m}×{n}, nb = {nb}, grid {:?}",
                        std::any::type_name::<T>(),
                        grid.shape()
                    )
                };
                let a: Array2<T> = gaussian(m, n, &mut rng((m * 100 + n) as u64));
                let qr =
                    DistQr::new(&DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap()).unwrap();
                let (q, r) = (
                    qr.q().unwrap().gather().unwrap(),
                    qr.r().unwrap().gather().unwrap(),
                );
                if let (Some(q), Some(r)) = (q, r) {
                    let t = std::any::type_name::<T>();
                    check(
                        &format!("qr/factor {t}"),
                        verify::qr_ratio(&a, &q, &r).to_f64(),
                        LIN_THRESHOLD,
                        &ctx,
                    );
                    check(
                        &format!("qr/orthogonality {t}"),
                        verify::orthogonality_ratio(&q).to_f64(),
                        LIN_THRESHOLD,
                        &ctx,
                    );
                    // p?geqrf uses LAPACK's reflector convention, so R is in-core R to rounding.
                    let rc = Qr::new(&a).unwrap().r();
                    check(
                        &format!("qr/vs-core {t}"),
                        verify::reconstruction_ratio(&rc, &r, m.max(n)).to_f64(),
                        LIN_THRESHOLD * 10.0,
                        &ctx,
                    );
                }
            }
        }
    }
}

fn eigh_body<T: DistScalar>(world: &SimpleCommunicator) {
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &n in SIZES {
                let ctx = || {
                    format!(
                        "{}, n = {n}, nb = {nb}, grid {:?}",
                        std::any::type_name::<T>(),
                        grid.shape()
                    )
                };
                let mut a: Array2<T> = gaussian(n, n, &mut rng(n as u64 + 11));
                hermitian_part(&mut a);
                let e = DistSymmetricEigen::new(
                    &DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap(),
                    Uplo::Lower,
                )
                .unwrap();
                let w = Array1::from(e.values().to_vec());
                let core = SymmetricEigen::new(&a).unwrap();
                let t = std::any::type_name::<T>();
                // Eigenvalues agree with in-core ?syevd/?heevd to n·ε·‖A‖ on every rank.
                let scale = n as f64 * eps::<T>() * norm1(&a).to_f64().max(f64::MIN_POSITIVE);
                let dw = w
                    .iter()
                    .zip(core.values().iter())
                    .map(|(x, y)| (x.to_f64() - y.to_f64()).abs())
                    .fold(0.0, f64::max);
                check(
                    &format!("eigh/values-vs-core {t}"),
                    dw / scale,
                    EIG_THRESHOLD,
                    &ctx,
                );
                expect(w.windows(2).into_iter().all(|p| p[0] <= p[1]), &|| {
                    format!("ascending, {}", ctx())
                });
                if let Some(v) = e.vectors().gather().unwrap() {
                    check(
                        &format!("eigh/residual {t}"),
                        verify::eigen_ratio(&a, &v, &w).to_f64(),
                        EIG_THRESHOLD,
                        &ctx,
                    );
                    check(
                        &format!("eigh/orthogonality {t}"),
                        verify::orthogonality_ratio(&v).to_f64(),
                        EIG_THRESHOLD,
                        &ctx,
                    );
                }
            }
        }
    }
}

fn svd_body<T: DistScalar>(world: &SimpleCommunicator) {
    for grid in grids(world) {
        for &nb in BLOCKS {
            for &(m, n) in &[(1, 1), (23, 7), (7, 23), (70, 70), (75, 12)] {
                let ctx = || {
                    format!(
                        "{}, {m}×{n}, nb = {nb}, grid {:?}",
                        std::any::type_name::<T>(),
                        grid.shape()
                    )
                };
                let a: Array2<T> = gaussian(m, n, &mut rng((m * 7 + n) as u64));
                let svd = DistSvd::new(&DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap())
                    .unwrap();
                let s = Array1::from(svd.singular_values().to_vec());
                let core = Svd::values(&a).unwrap();
                let t = std::any::type_name::<T>();
                let scale = m.max(n) as f64 * eps::<T>() * core[0].to_f64();
                let ds = s
                    .iter()
                    .zip(core.iter())
                    .map(|(x, y)| (x.to_f64() - y.to_f64()).abs())
                    .fold(0.0, f64::max);
                check(
                    &format!("svd/values-vs-core {t}"),
                    ds / scale,
                    SVD_THRESHOLD,
                    &ctx,
                );
                let (u, vt) = (svd.u().gather().unwrap(), svd.vt().gather().unwrap());
                if let (Some(u), Some(vt)) = (u, vt) {
                    check(
                        &format!("svd/reconstruction {t}"),
                        verify::svd_ratio(&a, &u, &s, &vt).to_f64(),
                        SVD_THRESHOLD,
                        &ctx,
                    );
                    check(
                        &format!("svd/orthogonality-u {t}"),
                        verify::orthogonality_ratio(&u).to_f64(),
                        SVD_THRESHOLD,
                        &ctx,
                    );
                    let v = vt.t().mapv(|x| x.conj());
                    check(
                        &format!("svd/orthogonality-v {t}"),
                        verify::orthogonality_ratio(&v).to_f64(),
                        SVD_THRESHOLD,
                        &ctx,
                    );
                }
            }
        }
    }
}

/// Row blocks in, row blocks and the whole matrix out, with uneven (and empty) blocks.
/// `.npy` input: every process reads its even share of the rows of a file written by rank 0,
/// in C and Fortran order; NaN in the file and a missing file are the same error everywhere.
fn npy_input(world: &SimpleCommunicator) {
    let size = world.size() as usize;
    let me = world.rank() as usize;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("dist-npy-{size}"));
    let a: Array2<f64> = gaussian(11, 4, &mut rng(8));
    let fortran = a.t().as_standard_layout().t().to_owned();
    let mut bad = a.clone();
    bad[[7, 2]] = f64::NAN;
    if me == 0 {
        std::fs::create_dir_all(&dir).unwrap();
        ndarray_npy::write_npy(dir.join("c.npy"), &a).unwrap();
        ndarray_npy::write_npy(dir.join("f.npy"), &fortran).unwrap();
        ndarray_npy::write_npy(dir.join("bad.npy"), &bad).unwrap();
    }
    world.barrier();
    let even: Vec<usize> = (0..size)
        .map(|r| 11 / size + usize::from(r < 11 % size))
        .collect();
    let r0: usize = even[..me].iter().sum();
    for name in ["c.npy", "f.npy"] {
        let mine = read_npy_rows::<_, f64>(world, dir.join(name)).unwrap();
        // exact: values are copied from the file
        expect(mine == a.slice(s![r0..r0 + even[me], ..]), &|| {
            format!("{name}: wrong rows")
        });
        for grid in grids(world) {
            let d = DistMatrix::<f64>::from_npy(&grid, dir.join(name), 3).unwrap();
            if let Some(all) = d.gather().unwrap() {
                expect(all == a, &|| format!("{name}: gathered ≠ file")); // exact: copies
            }
        }
    }
    let err = read_npy_rows::<_, f64>(world, dir.join("bad.npy")).unwrap_err();
    expect(matches!(err, Error::NonFinite { row: 7, col: 2 }), &|| {
        format!("NaN in the file: {err:?}")
    });
    let err = read_npy_rows::<_, f64>(world, dir.join("missing.npy")).unwrap_err();
    expect(
        matches!(err, Error::Io { .. } | Error::InvalidArgument { .. }),
        &|| format!("missing file: {err:?}"),
    );
    world.barrier();
}

fn redistribution(world: &SimpleCommunicator) {
    let size = world.size() as usize;
    let me = world.rank() as usize;
    for grid in grids(world) {
        for &nb in BLOCKS {
            // Rank r holds 2r + 1 rows, except that rank 1 holds none.
            let counts: Vec<usize> = (0..size)
                .map(|r| if r == 1 { 0 } else { 2 * r + 1 })
                .collect();
            let m: usize = counts.iter().sum();
            let a: Array2<c64> = gaussian(m, 9, &mut rng(5));
            let r0: usize = counts[..me].iter().sum();
            let mine = a.slice(s![r0..r0 + counts[me], ..]).to_owned();
            let d = DistMatrix::from_row_blocks(&grid, &mine.view(), nb).unwrap();
            assert_eq!(d.dim(), (m, 9));
            if let Some(all) = d.gather().unwrap() {
                // exact: redistribution copies values
                expect(all == a, &|| {
                    format!("gathered ≠ input, nb = {nb}, grid {:?}", grid.shape())
                });
            }
            // Back to the same blocks, and to the even split.
            assert_eq!(d.to_row_blocks(Some(&counts)).unwrap(), mine); // exact: copies
            let even = grid.even_rows(m);
            let e0: usize = even[..me].iter().sum();
            assert_eq!(
                d.to_row_blocks(None).unwrap(),
                a.slice(s![e0..e0 + even[me], ..]).to_owned() // exact: copies
            );
            // Local entries sit where global_row/global_col say.
            let loc = d.local();
            for li in 0..loc.nrows() {
                for lj in 0..loc.ncols() {
                    assert_eq!(loc[[li, lj]], a[[d.global_row(li), d.global_col(lj)]]);
                    // exact: copies
                }
            }
            // Scatter from rank 0 matches.
            let s = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
            assert_eq!(s.local(), d.local()); // exact: copies
                                              // Row counts that do not add up: the same error everywhere.
            let bad = vec![m + 1; size];
            assert!(matches!(
                d.to_row_blocks(Some(&bad)),
                Err(Error::DimensionMismatch { .. })
            ));
        }
        // Mismatched columns: rank 1 (or 0 when alone) has one column more; every rank agrees.
        let odd = if size > 1 { 1 } else { usize::MAX };
        let cols = if me == odd { 4 } else { 3 };
        let mine = Array2::<f64>::zeros((2, cols));
        let r = DistMatrix::from_row_blocks(&grid, &mine.view(), 2);
        if size > 1 {
            assert_eq!(
                r.unwrap_err(),
                Error::ShardMismatch {
                    shard: 1,
                    expected: 3,
                    found: 4
                }
            );
        } else {
            assert!(r.is_ok());
        }
        // Rank 0 passing no matrix is an error on every rank, not a hang.
        assert!(DistMatrix::<f64>::scatter(&grid, None, 2).is_err());
        // PBLAS product agrees with the in-core one.
        let a: Array2<f64> = gaussian(13, 6, &mut rng(9));
        for &nb in BLOCKS {
            let d = DistMatrix::scatter(&grid, root(&grid, &a), nb).unwrap();
            let g = d.matmul(true, &d, false).unwrap();
            let fro = d.norm('F');
            assert!((fro - norm_fro(&a)).abs() <= 13.0 * f64::EPSILON * fro);
            if let Some(g) = g.gather().unwrap() {
                let ctx = || format!("nb = {nb}, grid {:?}", grid.shape());
                check(
                    "pgemm/vs-core f64",
                    verify::reconstruction_ratio(&a.t().dot(&a), &g, 13).to_f64(),
                    LIN_THRESHOLD,
                    &ctx,
                );
            }
        }
    }
}

/// Each rank's rows of a global tall matrix (uneven split, rank 1 empty when there are ≥ 3).
fn my_rows<T: Scalar>(a: &Array2<T>, world: &SimpleCommunicator) -> Array2<T> {
    let size = world.size() as usize;
    let me = world.rank() as usize;
    let m = a.nrows();
    let mut counts: Vec<usize> = (0..size)
        .map(|r| m / size + usize::from(r < m % size))
        .collect();
    if size >= 3 {
        counts[2] += counts[1];
        counts[1] = 0;
    }
    let r0: usize = counts[..me].iter().sum();
    a.slice(s![r0..r0 + counts[me], ..]).to_owned()
}

fn gather_rows<T: DistScalar>(world: &SimpleCommunicator, rows: &Array2<T>) -> Option<Array2<T>> {
    let grid = ProcessGrid::new(world).unwrap();
    DistMatrix::from_row_blocks(&grid, &rows.view(), 64)
        .unwrap()
        .gather()
        .unwrap()
}

fn tsqr_body<T: DistScalar>(world: &SimpleCommunicator) {
    for &(m, n) in &[(200, 6), (37, 5), (9, 9), (3, 4)] {
        let ctx = || {
            format!(
                "{}, {m}×{n}, {} ranks",
                std::any::type_name::<T>(),
                world.size()
            )
        };
        let a: Array2<T> = gaussian(m, n, &mut rng((m + n) as u64));
        let mine = my_rows(&a, world);
        let t = tsqr(world, &mine.view()).unwrap();
        let q = gather_rows(world, t.q_local());
        let r = t.r().clone();
        // R is replicated and agrees with the one-process TSQR (unique: real positive diagonal).
        let rc = ndfactor::stream::tsqr_r(&mut a.view(), 16).unwrap();
        let tname = std::any::type_name::<T>();
        check(
            &format!("tsqr/r-vs-core {tname}"),
            verify::reconstruction_ratio(&rc, &r, m).to_f64(),
            LIN_THRESHOLD,
            &ctx,
        );
        if let Some(q) = q {
            check(
                &format!("tsqr/factor {tname}"),
                verify::qr_ratio(&a, &q, &r).to_f64(),
                LIN_THRESHOLD,
                &ctx,
            );
            check(
                &format!("tsqr/orthogonality {tname}"),
                verify::orthogonality_ratio(&q).to_f64(),
                LIN_THRESHOLD,
                &ctx,
            );
        }
    }
    // A NaN on the last rank: every rank gets its global position.
    let mut a: Array2<T> = gaussian(20, 3, &mut rng(1));
    a[[19, 1]] = T::from_f64(f64::NAN);
    let mine = my_rows(&a, world);
    assert_eq!(
        tsqr(world, &mine.view()).unwrap_err(),
        Error::NonFinite { row: 19, col: 1 }
    );
}

fn rsvd_body<T: DistScalar>(world: &SimpleCommunicator) {
    let (m, n, k) = (300, 40, 5);
    // σ decaying geometrically: the optimal rank-k error is √Σ_{i>k} σᵢ².
    let sigma: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(0.5f64.powi(i as i32)))
        .collect();
    let a: Array2<T> = with_singular_values(m, n, &sigma, &mut rng(3));
    let mine = my_rows(&a, world);
    let t = DistRandomizedSvd::new(k)
        .power_iterations(2)
        .seed(11)
        .compute(world, &mine.view())
        .unwrap();
    let tname = std::any::type_name::<T>();
    let ctx = || format!("{tname}, {m}×{n}, k = {k}, {} ranks", world.size());
    let optimal = sigma[k..]
        .iter()
        .map(|s| s.to_f64().powi(2))
        .sum::<f64>()
        .sqrt();
    let rep = t.report();
    // Measured error within 1 % of Eckart–Young's optimum (the sketch with p = 10 and two power
    // iterations on a spectrum halving each step is near-exact), and it is the true error.
    check(
        &format!("rsvd/error-over-optimal {tname}"),
        rep.frobenius_error.to_f64() / optimal,
        1.01,
        &ctx,
    );
    let u = gather_rows(world, t.u_local());
    for (i, s) in t.s().iter().enumerate() {
        let rel = (s.to_f64() - sigma[i].to_f64()).abs() / sigma[i].to_f64();
        check(
            &format!("rsvd/sigma-rel-error {tname}"),
            rel / (100.0 * eps::<T>()),
            1e3,
            &ctx,
        );
    }
    if let Some(u) = u {
        let s = t.s().clone();
        let approx = {
            let mut us = u.clone();
            for (mut c, &sv) in us.columns_mut().into_iter().zip(s.iter()) {
                c.mapv_inplace(|x| x.scale(sv));
            }
            us.dot(t.vt())
        };
        let measured = norm_fro(&(&a - &approx)).to_f64();
        check(
            &format!("rsvd/report-vs-measured {tname}"),
            (measured - rep.frobenius_error.to_f64()).abs()
                / (optimal * 1e3 * eps::<T>() * m as f64),
            1.0,
            &ctx,
        );
        check(
            &format!("rsvd/orthogonality-u {tname}"),
            verify::orthogonality_ratio(&u).to_f64(),
            LIN_THRESHOLD,
            &ctx,
        );
    }
    // Errors agree on every rank.
    assert!(matches!(
        DistRandomizedSvd::new(n + 1).compute(world, &mine.view()),
        Err(Error::InvalidRank { .. })
    ));
}

fn pca_body<T: DistScalar>(world: &SimpleCommunicator) {
    let (m, n, k) = (240, 12, 3);
    let sigma: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(10.0 * 0.3f64.powi(i as i32)))
        .collect();
    let mut x: Array2<T> = with_singular_values(m, n, &sigma, &mut rng(21));
    let shift: Array1<T> = (0..n).map(|j| T::from_f64(j as f64 - 4.0)).collect();
    x += &shift;
    let mine = my_rows(&x, world);
    let fit = DistPca::new(k).fit(world, &mine.view()).unwrap();
    let core = Pca::new(Rank::Fixed(k)).fit(&x).unwrap();
    let tname = std::any::type_name::<T>();
    let ctx = || format!("{tname}, {m}×{n}, k = {k}, {} ranks", world.size());
    let dm = (fit.mean() - &core.mean())
        .iter()
        .map(|d| d.abs().to_f64())
        .fold(0.0, f64::max);
    let mscale = m as f64 * eps::<T>() * shift.iter().map(|v| v.abs().to_f64()).fold(1.0, f64::max);
    check(
        &format!("pca/mean-vs-core {tname}"),
        dm / mscale,
        LIN_THRESHOLD,
        &ctx,
    );
    for (a, b) in fit
        .explained_variance()
        .iter()
        .zip(core.explained_variance().iter())
    {
        let rel = (a.to_f64() - b.to_f64()).abs() / b.to_f64();
        check(
            &format!("pca/variance-rel-vs-core {tname}"),
            rel / (1e3 * eps::<T>()),
            1e3,
            &ctx,
        );
    }
    for (a, b) in fit
        .explained_variance_ratio()
        .iter()
        .zip(core.explained_variance_ratio().iter())
    {
        check(
            &format!("pca/ratio-diff-vs-core {tname}"),
            (a.to_f64() - b.to_f64()).abs() / (1e3 * eps::<T>()),
            1e3,
            &ctx,
        );
    }
    let z = fit.transform(&mine.view()).unwrap();
    assert_eq!(z.dim(), (mine.nrows(), k));
}

// ---------------------------------------------------------------------------------------------

type Test = (&'static str, fn(&SimpleCommunicator));

fn main() {
    let universe = mpi::initialize().expect("MPI initialises once");
    let world = universe.world();
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let tests: &[Test] = &[
        ("redistribution", redistribution),
        ("npy_input", npy_input),
        ("lu_f64", lu_body::<f64>),
        ("lu_c64", lu_body::<c64>),
        ("lu_f32", lu_body::<f32>),
        ("lu_c32", lu_body::<c32>),
        ("lu_singular_and_errors", lu_singular_and_errors),
        ("cholesky_f64", cholesky_body::<f64>),
        ("cholesky_c64", cholesky_body::<c64>),
        ("lstsq_f64", lstsq_body::<f64>),
        ("lstsq_c64", lstsq_body::<c64>),
        ("lstsq_errors", lstsq_errors),
        ("qr_f64", qr_body::<f64>),
        ("qr_c64", qr_body::<c64>),
        ("eigh_f64", eigh_body::<f64>),
        ("eigh_c64", eigh_body::<c64>),
        ("svd_f64", svd_body::<f64>),
        ("svd_c64", svd_body::<c64>),
        ("tsqr_f64", tsqr_body::<f64>),
        ("tsqr_c64", tsqr_body::<c64>),
        ("rsvd_f64", rsvd_body::<f64>),
        ("rsvd_c64", rsvd_body::<c64>),
        ("pca_f64", pca_body::<f64>),
        ("pca_c64", pca_body::<c64>),
    ];
    let me = world.rank();
    let mut failed = 0;
    let mut ran = 0;
    for (name, f) in tests {
        if filter.as_deref().is_some_and(|p| !name.contains(p)) {
            continue;
        }
        world.barrier();
        if catch_unwind(AssertUnwindSafe(|| f(&world))).is_err() {
            // A panic on some ranks only would leave the others waiting in a collective call:
            // end the whole job now (mpirun then exits non-zero).
            eprintln!("rank {me}: test {name} panicked: aborting the MPI job");
            world.abort(101);
        }
        let ok = true;
        let failures = FAILURES.with(|f| std::mem::take(&mut *f.borrow_mut()));
        for msg in &failures {
            eprintln!("rank {me}: {name}: {msg}");
        }
        let ok = ok && failures.is_empty();
        let mine = u8::from(!ok);
        let mut any = 0u8;
        world.all_reduce_into(&mine, &mut any, SystemOperation::max());
        ran += 1;
        if any != 0 {
            failed += 1;
        }
        if me == 0 {
            println!(
                "test {name} ({} ranks) ... {}",
                world.size(),
                if any == 0 { "ok" } else { "FAILED" }
            );
        }
    }
    if me == 0 {
        MAX_RATIOS.with(|m| {
            for (k, v) in m.borrow().iter() {
                println!("MAX-RATIO {k:<40} {v:.3}");
            }
        });
        println!(
            "test result: {}. {} passed; {failed} failed ({} ranks)",
            if failed == 0 { "ok" } else { "FAILED" },
            ran - failed,
            world.size()
        );
    }
    drop(world);
    drop(universe);
    if failed > 0 {
        std::process::exit(1);
    }
}
