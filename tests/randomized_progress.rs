//! Progress reporting of the randomized SVD: the stages, their order and count, and that
//! reporting changes nothing in the result.

mod common;

use ndfactor::{testing, RandomizedSvd, RandomizedSvdStage, Scalar};

fn stages_in_order<T: Scalar>() {
    let a: ndarray::Array2<T> = testing::gaussian(40, 25, &mut testing::rng(11));
    for q in [0usize, 1, 3] {
        let r = RandomizedSvd::new(4).power_iterations(q).seed(5);
        let mut seen = Vec::new();
        let with = r.compute_with_progress(&a, |p| seen.push(p)).unwrap();
        let without = r.compute(&a).unwrap();
        // Same algorithm, same seed: bitwise the same factors and report.
        assert_eq!(with.s(), without.s());
        assert_eq!(with.u(), without.u());
        assert_eq!(with.vt(), without.vt());
        assert_eq!(with.report(), without.report());

        assert_eq!(seen.len(), q + 4, "q = {q}");
        for (i, p) in seen.iter().enumerate() {
            assert_eq!((p.step, p.steps), (i + 1, q + 4));
        }
        let mut expected = vec![RandomizedSvdStage::Sketch];
        expected.extend((1..=q).map(|i| RandomizedSvdStage::PowerIteration {
            iteration: i,
            of: q,
        }));
        expected.extend([
            RandomizedSvdStage::Projection,
            RandomizedSvdStage::SmallSvd,
            RandomizedSvdStage::ErrorReport,
        ]);
        let stages: Vec<_> = seen.iter().map(|p| p.stage).collect();
        assert_eq!(stages, expected);
    }
}
per_scalar!(progress_stages, stages_in_order);

#[test]
fn automatic_power_iterations_are_reported() {
    // k < 0.1·min(m, n): 7 power iterations by default.
    let a: ndarray::Array2<f64> = testing::gaussian(60, 50, &mut testing::rng(2));
    let mut last = None;
    RandomizedSvd::new(2)
        .compute_with_progress(&a, |p| last = Some(p))
        .unwrap();
    let last = last.unwrap();
    assert_eq!(last.steps, 7 + 4);
    assert_eq!(last.step, last.steps);
}

#[test]
fn rank_zero_and_errors_report_nothing() {
    let a: ndarray::Array2<f64> = testing::gaussian(6, 5, &mut testing::rng(3));
    let mut calls = 0;
    let t = RandomizedSvd::new(0)
        .compute_with_progress(&a, |_| calls += 1)
        .unwrap();
    assert_eq!((t.rank(), calls), (0, 0));
    assert!(RandomizedSvd::new(6)
        .compute_with_progress(&a, |_| calls += 1)
        .is_err());
    let mut bad = a.clone();
    bad[(1, 2)] = f64::NAN;
    assert!(RandomizedSvd::new(2)
        .compute_with_progress(&bad, |_| calls += 1)
        .is_err());
    assert_eq!(calls, 0);
}
