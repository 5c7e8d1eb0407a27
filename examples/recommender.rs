//! Matrix completion for recommenders: the 5×4 ratings of the project's seed note, then a
//! synthetic rank-5 500×400 matrix with 80% of the entries missing.
//!
//! Run: `OPENBLAS_NUM_THREADS=1 cargo run --release --example recommender`

use ndarray::{array, Array2};
use ndfactor::completion::{Completion, Observations};
use ndfactor::testing;
use rand::Rng;

fn main() -> ndfactor::Result<()> {
    // ---- 1. The seed note's ratings (0 = not rated).
    let ratings = array![
        [5.0f64, 4.0, 0.0, 1.0],
        [4.0, 0.0, 0.0, 1.0],
        [1.0, 1.0, 0.0, 5.0],
        [1.0, 0.0, 0.0, 4.0],
        [0.0, 1.0, 5.0, 4.0]
    ];
    let obs = Observations::from_masked(&ratings, &ratings.mapv(|r| r > 0.0))?;
    println!("== seed ratings: 5 users × 4 items, {} ratings", obs.len());
    println!("ALS, rank 2, λ = 0.01");
    println!("iter  train RMSE   objective    rel. change");
    let model = Completion::als(2)
        .lambda(0.01)
        .max_iter(1000)
        .tol(1e-6)
        .fit_with(&obs, |s| {
            if s.iteration <= 5 || s.iteration % 50 == 0 {
                println!(
                    "{:4}  {:.6}   {:.6e}  {:.3e}",
                    s.iteration, s.train_rmse, s.objective, s.relative_change
                );
            }
        })?;
    println!(
        "stopped after {} iterations (converged: {}), train RMSE {:.4}",
        model.iterations(),
        model.converged(),
        model.train_rmse()
    );
    println!("completed matrix:\n{:.2}", model.completed());
    for user in 0..5 {
        let top = model.top_n(user, 2)?;
        let list: Vec<String> = top
            .iter()
            .map(|(item, score)| format!("item {item} ({score:.2})"))
            .collect();
        println!("user {user}: recommend {}", list.join(", "));
    }
    let si = Completion::soft_impute(2)
        .lambda(0.01)
        .tol(1e-10)
        .max_iter(5000)
        .fit(&obs)?;
    println!(
        "soft-impute, rank ≤ 2, λ = 0.01: {} iterations, train RMSE {:.4}",
        si.iterations(),
        si.train_rmse()
    );

    // ---- 2. Synthetic: rank 5, 500×400, unit-variance entries, noise σ = 0.1, 20% observed.
    let (m, n, r, sigma) = (500, 400, 5, 0.1);
    let mut rng = testing::rng(11);
    let u: Array2<f64> = testing::gaussian(m, r, &mut rng);
    let v: Array2<f64> = testing::gaussian(n, r, &mut rng);
    let truth = u.dot(&v.t()) / (r as f64).sqrt();
    let mut all = Vec::new();
    for i in 0..m {
        for j in 0..n {
            if rng.random::<f64>() < 0.25 {
                all.push((
                    i,
                    j,
                    truth[(i, j)] + sigma * testing::normal::<f64>(&mut rng),
                ));
            }
        }
    }
    let (train, test) = Observations::from_triplets(m, n, &all)?.split(0.2, 1)?;
    println!(
        "\n== synthetic: {m}×{n}, rank {r}, σ_noise = {sigma}, {} training entries ({:.0}% of the matrix), {} held out",
        train.len(),
        100.0 * train.len() as f64 / (m * n) as f64,
        test.len()
    );
    for (name, builder) in [
        (
            "ALS (rank 5, weighted λ chosen on the held-out set)",
            Completion::als(5),
        ),
        (
            "soft-impute (rank ≤ 5, λ path chosen on the held-out set)",
            Completion::soft_impute(5),
        ),
    ] {
        println!("{name}");
        println!("λ (first iteration of each)  train RMSE  held-out RMSE");
        let t0 = std::time::Instant::now();
        let model = builder
            .seed(3)
            .validation(test.clone())
            .fit_with(&train, |s| {
                if s.iteration == 1 {
                    println!(
                        "{:10.5}  {:.4}      {:.4}",
                        s.lambda,
                        s.train_rmse,
                        s.validation_rmse.unwrap()
                    );
                }
            })?;
        let d = &model.completed() - &truth;
        let vs_truth = d.mapv(|x| x * x).mean().unwrap().sqrt();
        println!(
            "→ λ {:.4} ({} on the path), {} iterations at that λ, {:.2} s: train {:.4}, held-out {:.4} ({:.2}·σ), RMSE vs the noiseless matrix {:.4}",
            model.lambda(),
            model.lambda_path().len(),
            model.iterations(),
            t0.elapsed().as_secs_f64(),
            model.train_rmse(),
            model.validation_rmse().unwrap(),
            model.validation_rmse().unwrap() / sigma,
            vs_truth
        );
        let top: Vec<usize> = model.top_n(0, 5)?.iter().map(|t| t.0).collect();
        println!("   top-5 unobserved items for user 0: {top:?}");
    }
    Ok(())
}
