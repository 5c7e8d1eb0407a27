//! Factorizations on threads with small stacks while OpenBLAS runs several threads.
//!
//! OpenBLAS's threaded `?getrf` keeps a 512 KiB job table on the stack at each level of its
//! recursion. On a thread spawned by Rust (2 MiB of stack) `Lu::new` of a 200×200 matrix died
//! with SIGSEGV whenever OpenBLAS had more than one thread; ndfactor now runs that call on a
//! helper thread with a large stack. The suite runs with `OPENBLAS_NUM_THREADS=1`, so this test
//! raises the count itself (each nextest test is its own process).

use std::thread;

use ndarray::Array2;
use ndfactor::{testing, verify, Lu, RealScalar, Scalar};

fn factor_on_this_thread<T: Scalar>() {
    let mut rng = testing::rng(0xb1a5);
    // 200 was the smallest size seen to crash; 640 recurses deeper.
    for n in [120usize, 200, 640] {
        let a: Array2<T> = testing::gaussian(n, n, &mut rng);
        let lu = Lu::new(&a).expect("LU of a Gaussian matrix");
        let ratio = verify::lu_ratio(&a, &lu).to_f64();
        assert!(
            ratio < verify::LIN_THRESHOLD,
            "{} n={n}: ‖PA − LU‖/(n‖A‖ε) = {ratio}",
            T::NAME
        );
        let b: Array2<T> = testing::gaussian(n, 3, &mut rng);
        let x = lu.solve(&b).expect("solve");
        let ratio = verify::solve_ratio(&a, &x, &b).to_f64();
        assert!(
            ratio < verify::LIN_THRESHOLD,
            "{} n={n}: solve {ratio}",
            T::NAME
        );
        // The inverse and `factorize` factor again through the same call.
        assert!(lu.inverse().is_ok());
        assert!(ndfactor::factorize(&a).is_ok());
    }
}

#[test]
fn threaded_openblas_lu_on_small_thread_stacks() {
    let Some(before) = ndfactor::blas_threads() else {
        // Not OpenBLAS: the threaded code path under test does not exist.
        eprintln!("skipped: the loaded LAPACK is {}", ndfactor::backend());
        return;
    };
    assert!(ndfactor::set_blas_threads(2));
    assert_eq!(ndfactor::blas_threads(), Some(2));
    // Rust's default for spawned threads, and a quarter of it (macOS gives 512 KiB).
    for stack in [2usize << 20, 512 << 10] {
        thread::Builder::new()
            .name(format!("small-stack-{stack}"))
            .stack_size(stack)
            .spawn(|| {
                factor_on_this_thread::<f32>();
                factor_on_this_thread::<f64>();
                factor_on_this_thread::<ndfactor::c32>();
                factor_on_this_thread::<ndfactor::c64>();
            })
            .expect("spawn")
            .join()
            .expect("factorizations on a small stack");
    }
    ndfactor::set_blas_threads(before);
}
