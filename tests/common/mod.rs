//! Shared test kit: scalar × layout × size sweeps and ratio bookkeeping.
//!
//! Every integration test file does `mod common;` and uses `per_scalar!` to instantiate a generic
//! test body for f32, f64, c32 and c64.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::BTreeMap;

use ndarray::{Array2, ArrayView2};
use ndfactor::testing::{Layout, LayoutMatrix};
use ndfactor::{RealScalar, Scalar};

/// Sizes of the sweep: empty, tiny, OpenBLAS/LAPACK block edges, and a moderate size.
pub const SIZES: &[usize] = &[0, 1, 2, 3, 63, 64, 65, 200];
/// Smaller sweep for the slower routines.
pub const SMALL_SIZES: &[usize] = &[0, 1, 2, 3, 25, 26, 65];

/// Calls `f` with `a` presented in every layout (C, F, strided, negative strides).
pub fn for_each_layout<T: Scalar>(a: &Array2<T>, mut f: impl FnMut(Layout, ArrayView2<T>)) {
    for layout in Layout::ALL {
        let lm = LayoutMatrix::new(a, layout);
        f(layout, lm.view());
    }
}

thread_local! {
    static MAX_RATIOS: RefCell<BTreeMap<String, f64>> = const { RefCell::new(BTreeMap::new()) };
}

/// Asserts `ratio < threshold` and records the largest ratio seen per `name` (e.g.
/// `"lu/factor f64"`), printed by [`report`].
pub fn check_ratio<R: RealScalar>(
    name: &str,
    ratio: R,
    threshold: f64,
    context: &dyn Fn() -> String,
) {
    let r = ratio.to_f64();
    assert!(
        r < threshold,
        "{name}: ratio {r:.3e} ≥ threshold {threshold} ({})",
        context()
    );
    MAX_RATIOS.with(|m| {
        let mut m = m.borrow_mut();
        let e = m.entry(name.to_string()).or_insert(0.0);
        if r > *e {
            *e = r;
        }
    });
}

/// Prints the largest ratio per name seen on this thread (run with `--nocapture` to see it).
pub fn report() {
    MAX_RATIOS.with(|m| {
        for (k, v) in m.borrow().iter() {
            println!("MAX-RATIO {k:<40} {v:.3}");
        }
    });
}

/// Instantiates `fn $body<T: Scalar>()` as four `#[test]`s, one per scalar type.
#[macro_export]
macro_rules! per_scalar {
    ($name:ident, $body:ident) => {
        mod $name {
            #[test]
            fn f32() {
                super::$body::<f32>();
                $crate::common::report();
            }
            #[test]
            fn f64() {
                super::$body::<f64>();
                $crate::common::report();
            }
            #[test]
            fn c32() {
                super::$body::<ndfactor::c32>();
                $crate::common::report();
            }
            #[test]
            fn c64() {
                super::$body::<ndfactor::c64>();
                $crate::common::report();
            }
        }
    };
}

/// Conjugate transpose.
pub fn adjoint<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    a.t().mapv(|x| x.conj())
}

/// Largest |x| over the elements (as f64).
pub fn max_abs<T: Scalar>(a: &Array2<T>) -> f64 {
    a.iter().fold(0.0, |m: f64, x| m.max(x.abs().to_f64()))
}
