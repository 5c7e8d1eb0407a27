//! LP64 limits: every entry point refuses, with `Error::TooLarge` and before allocating or
//! scanning, a matrix whose dimension (3·10⁹ rows) or element count (50 000² = 2.5·10⁹) does
//! not fit LAPACK's 32-bit integers. The inputs are zero-stride broadcasts of one value, so
//! the test itself allocates nothing; an entry point that copied or scanned first would take
//! gigabytes or minutes (run under `ulimit -v` to make such a regression fail fast).
//! With the ILP64 backend these sizes are legal (tests/ilp64.rs): this file is for LP64 only.
#![cfg(not(feature = "openblas64-system"))]

use ndarray::{Array2, ArrayView2};
use ndfactor::{
    Cholesky, ColPivQr, Eig, Error, Ldlt, Lu, Pca, Qr, RandomizedSvd, Rank, Schur, Svd,
    SymmetricEigen,
};

fn huge(one: &Array2<f64>, shape: (usize, usize)) -> ArrayView2<'_, f64> {
    one.broadcast(shape).expect("1×1 broadcasts to any shape")
}

fn too_large<T>(what: &str, r: ndfactor::Result<T>) {
    match r {
        Err(Error::TooLarge { .. }) => eprintln!("refused: {what}"),
        other => panic!("{what}: expected TooLarge, got {:?}", other.map(|_| "Ok")),
    }
}

fn every_entry_point(a: ArrayView2<f64>, square: bool) {
    let (m, n) = a.dim();
    too_large("Qr", Qr::new(&a));
    too_large("ColPivQr", ColPivQr::new(&a));
    too_large("Svd", Svd::new(&a));
    too_large("Svd::full", Svd::full(&a));
    too_large("Svd::values", Svd::values(&a));
    too_large("pinv", ndfactor::pinv(&a));
    too_large("rank", ndfactor::rank(&a));
    too_large("null_space", ndfactor::null_space(&a));
    too_large("range", ndfactor::range(&a));
    too_large("cond", ndfactor::cond(&a));
    too_large("compress", ndfactor::compress(&a, Rank::Fixed(1)));
    too_large("RandomizedSvd", RandomizedSvd::new(1).compute(&a));
    too_large("Pca", Pca::new(Rank::Fixed(1)).fit(&a));
    too_large("factorize", ndfactor::factorize(&a));
    if square {
        too_large("auto::inv", ndfactor::auto::inv(&a));
        too_large("auto::det", ndfactor::auto::det(&a));
        too_large("Lu", Lu::new(&a));
        too_large("Cholesky", Cholesky::new(&a));
        too_large("Cholesky::with_shift", Cholesky::with_shift(&a));
        too_large("Ldlt", Ldlt::new(&a));
        too_large("Schur", Schur::new(&a));
        too_large("Eig", Eig::new(&a));
        too_large("SymmetricEigen", SymmetricEigen::new(&a));
        too_large(
            "SymmetricEigen::values_only",
            SymmetricEigen::values_only(&a),
        );
        too_large(
            "SymmetricEigen::subset_by_index",
            SymmetricEigen::subset_by_index(&a, 0..=0),
        );
        too_large("expm", ndfactor::expm(&a));
        too_large("sqrtm", ndfactor::sqrtm(&a));
        too_large("logm", ndfactor::logm(&a));
    }
    let _ = (m, n);
}

#[test]
fn a_dimension_above_i32_max_is_too_large() {
    let one = Array2::from_elem((1, 1), 1.0);
    every_entry_point(huge(&one, (3_000_000_000, 2)), false);
    every_entry_point(huge(&one, (2, 3_000_000_000)), false);
}

#[test]
fn an_element_count_above_i32_max_is_too_large() {
    let one = Array2::from_elem((1, 1), 1.0);
    every_entry_point(huge(&one, (50_000, 50_000)), true);
}

#[test]
fn a_right_hand_side_above_the_limit_is_too_large() {
    let one = Array2::from_elem((1, 1), 1.0);
    let a = Array2::<f64>::eye(2);
    let b = huge(&one, (2, 3_000_000_000));
    too_large("Lu::solve", Lu::new(&a).unwrap().solve(&b));
    too_large("Cholesky::solve", Cholesky::new(&a).unwrap().solve(&b));
    too_large("Ldlt::solve", Ldlt::new(&a).unwrap().solve(&b));
    too_large("Qr::solve", Qr::new(&a).unwrap().solve(&b));
    too_large("lstsq", ndfactor::lstsq(&a, &b));
    too_large("auto::solve", ndfactor::auto::solve(&a, &b));
}
