//! Concurrency: the factorizations run from 8 threads at once give bit-identical results to a
//! sequential run, and the public types are `Send + Sync`.
//!
//! OPENBLAS_NUM_THREADS: OpenBLAS's threading changes the order of floating-point operations,
//! so "bit-identical" is only meaningful at a fixed OpenBLAS thread count. Both runs here
//! happen in one process, so they share whatever count the process was started with
//! (`OPENBLAS_NUM_THREADS=1` in CI, as recommended; the test is also run with
//! `OPENBLAS_NUM_THREADS=2` in the rerun instructions of docs/reliability.md, where it checks
//! that OpenBLAS's own threads and ours do not interfere, only slower).

use std::sync::Barrier;
use std::thread;

use ndarray::Array2;
use ndfactor::{testing, Scalar};

/// One workload: every factorization of one seeded matrix, flattened to bits.
fn workload<T: Scalar>(seed: u64) -> Vec<u64> {
    let mut rng = testing::rng(seed);
    let n = 24 + (seed as usize % 17);
    let a: Array2<T> = testing::gaussian(n, n, &mut rng);
    let spd: Array2<T> = testing::random_spd(n, T::Real::from_f64(1e3), &mut rng);
    let tall: Array2<T> = testing::gaussian(n + 7, n, &mut rng);
    let b: Array2<T> = testing::gaussian(n, 2, &mut rng);
    let mut bits = Vec::new();
    let mut push = |it: &mut dyn Iterator<Item = T>| {
        for x in it {
            bits.push(x.re().to_f64().to_bits());
            bits.push(x.im().to_f64().to_bits());
        }
    };
    use ndfactor::RealScalar;
    let lu = ndfactor::Lu::new(&a).unwrap();
    push(&mut lu.factors().iter().copied());
    push(&mut lu.solve(&b).unwrap().into_iter());
    let ch = ndfactor::Cholesky::new(&spd).unwrap();
    push(&mut ch.factor().iter().copied());
    let ld = ndfactor::Ldlt::new(&spd).unwrap();
    push(&mut ld.factors().iter().copied());
    let qr = ndfactor::Qr::new(&tall).unwrap();
    push(&mut qr.factors().iter().copied());
    let cp = ndfactor::ColPivQr::new(&tall).unwrap();
    push(&mut cp.factors().iter().copied());
    let sv = ndfactor::Svd::new(&tall).unwrap();
    push(&mut sv.u().iter().copied());
    push(&mut sv.s().iter().map(|&s| T::from_real(s)));
    let eh = ndfactor::SymmetricEigen::new(&spd).unwrap();
    push(&mut eh.vectors().iter().copied());
    let sc = ndfactor::Schur::new(&a).unwrap();
    push(&mut sc.t().iter().copied());
    let (sorted, _) = ndfactor::Schur::sorted(&a, |l| l.re < T::Real::from_f64(0.0)).unwrap();
    push(&mut sorted.z().iter().copied());
    let ev = ndfactor::Eig::new(&a).unwrap();
    push(&mut ev.values().iter().map(|c| T::from_parts(c.re, c.im)));
    let rs = ndfactor::RandomizedSvd::new(3)
        .seed(seed)
        .compute(&tall)
        .unwrap();
    push(&mut rs.s().iter().map(|&s| T::from_real(s)));
    push(&mut ndfactor::pinv(&tall).unwrap().into_iter());
    let _ = T::Real::from_f64(0.0).is_nan();
    bits
}

fn bit_identical<T: Scalar>() {
    let seeds: Vec<u64> = (0..16).collect();
    let sequential: Vec<Vec<u64>> = seeds.iter().map(|&s| workload::<T>(s)).collect();
    let barrier = Barrier::new(8);
    let parallel: Vec<Vec<u64>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let barrier = &barrier;
                let seeds = &seeds;
                scope.spawn(move || {
                    barrier.wait();
                    // Each thread runs two workloads, in opposite orders on odd threads, so
                    // that different routines overlap.
                    let mine = [seeds[t], seeds[t + 8]];
                    let order: Vec<u64> = if t % 2 == 0 {
                        mine.to_vec()
                    } else {
                        mine.iter().rev().copied().collect()
                    };
                    let mut out: Vec<(u64, Vec<u64>)> =
                        order.iter().map(|&s| (s, workload::<T>(s))).collect();
                    out.sort_by_key(|(s, _)| *s);
                    out
                })
            })
            .collect();
        let mut all: Vec<(u64, Vec<u64>)> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker panicked"))
            .collect();
        all.sort_by_key(|(s, _)| *s);
        all.into_iter().map(|(_, v)| v).collect()
    });
    for (s, (a, b)) in sequential.iter().zip(&parallel).enumerate() {
        assert!(a == b, "seed {s}: threaded result differs from sequential");
    }
}

#[test]
fn eight_threads_bit_identical_f64() {
    bit_identical::<f64>();
}
#[test]
fn eight_threads_bit_identical_f32() {
    bit_identical::<f32>();
}
#[test]
fn eight_threads_bit_identical_c64() {
    bit_identical::<ndfactor::c64>();
}
#[test]
fn eight_threads_bit_identical_c32() {
    bit_identical::<ndfactor::c32>();
}

/// The sorted-Schur predicate is stored per thread: closures on different threads each see
/// only their own matrix's eigenvalues.
#[test]
fn schur_predicates_do_not_cross_threads() {
    thread::scope(|scope| {
        for t in 0..8u32 {
            scope.spawn(move || {
                let d = f64::from(t + 1);
                let a = Array2::from_diag(&ndarray::array![d, -d, 2.0 * d]);
                for _ in 0..50 {
                    let (s, k) = ndfactor::Schur::sorted(&a, |l| {
                        assert!(
                            [d, -d, 2.0 * d].contains(&l.re),
                            "thread {t} saw eigenvalue {l}"
                        );
                        l.re < 0.0
                    })
                    .unwrap();
                    assert_eq!(k, 1);
                    assert_eq!(s.values()[0].re, -d);
                }
            });
        }
    });
}

#[allow(dead_code)]
fn assert_send_sync<X: Send + Sync>() {}

/// Compile-time: every factorization and report type can be shared between threads.
#[test]
fn public_types_are_send_and_sync() {
    fn all<T: Scalar>() {
        assert_send_sync::<ndfactor::Lu<T>>();
        assert_send_sync::<ndfactor::Cholesky<T>>();
        assert_send_sync::<ndfactor::ShiftedCholesky<T>>();
        assert_send_sync::<ndfactor::Ldlt<T>>();
        assert_send_sync::<ndfactor::Qr<T>>();
        assert_send_sync::<ndfactor::ColPivQr<T>>();
        assert_send_sync::<ndfactor::Schur<T>>();
        assert_send_sync::<ndfactor::Eig<T>>();
        assert_send_sync::<ndfactor::Svd<T>>();
        assert_send_sync::<ndfactor::SymmetricEigen<T>>();
        assert_send_sync::<ndfactor::Factorization<T>>();
        assert_send_sync::<ndfactor::TruncatedSvd<T>>();
        assert_send_sync::<ndfactor::LowRank<T>>();
        assert_send_sync::<ndfactor::FittedPca<T>>();
        assert_send_sync::<ndfactor::lowrank::Lstsq<T>>();
        assert_send_sync::<ndfactor::EckartYoung<T::Real>>();
        assert_send_sync::<ndfactor::Conditioning<T::Real>>();
        assert_send_sync::<ndfactor::Rank<T::Real>>();
    }
    all::<f32>();
    all::<f64>();
    all::<ndfactor::c32>();
    all::<ndfactor::c64>();
    assert_send_sync::<ndfactor::Error>();
    assert_send_sync::<ndfactor::RandomizedSvd>();
    assert_send_sync::<ndfactor::Pca<f64>>();
}
