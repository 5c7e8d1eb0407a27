//! Principal component analysis of Fisher's iris measurements with `ndfactor::Pca`.
//!
//! ```sh
//! cargo run --release --example pca
//! ```
//!
//! 150 flowers × 4 features (sepal length, sepal width, petal length, petal width, in cm),
//! three species. PCA is the SVD of the centred data `X_c = U·Σ·Vᵀ`: the principal axes are
//! the columns of `V`, the scores `X_c·V = U·Σ`, the explained variances `σᵢ²/(n − 1)`; the
//! covariance matrix `X_cᵀX_c` is never formed. Prints the explained variance ratios (raw and
//! standardised features), the axes, and the Eckart–Young report of the 2-D approximation,
//! and draws the 2-D projection to `target/examples-out/pca/iris_pca.png`.

mod support;

use ndarray::{s, Array2};
use ndfactor::prelude::*;
use plotters::style::RGBColor;

const FEATURES: [&str; 4] = ["sepal length", "sepal width", "petal length", "petal width"];

/// Measurements (`n×4`), species index per row, species names.
type Iris = (Array2<f64>, Vec<usize>, Vec<String>);

/// Reads scikit-learn's `iris.csv`: a header `150,4,setosa,versicolor,virginica`, then rows of
/// four measurements and a class index.
fn read_iris() -> std::result::Result<Iris, String> {
    let path = support::repo_path("examples/data/iris.csv");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().ok_or("empty file")?.split(',').collect();
    let n: usize = header[0].parse().map_err(|e| format!("header: {e}"))?;
    let names = header[2..].iter().map(|s| s.to_string()).collect();
    let mut x = Array2::zeros((n, 4));
    let mut labels = Vec::with_capacity(n);
    for (i, line) in lines.take(n).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        for j in 0..4 {
            x[(i, j)] = f[j].parse().map_err(|e| format!("row {i}: {e}"))?;
        }
        labels.push(f[4].trim().parse().map_err(|e| format!("row {i}: {e}"))?);
    }
    if labels.len() != n {
        return Err(format!("expected {n} rows, found {}", labels.len()));
    }
    Ok((x, labels, names))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> std::result::Result<(), Box<dyn std::error::Error>> {
    let (x, labels, species) = read_iris()?;
    let (n, p) = x.dim();
    println!(
        "iris: {n} samples × {p} features ({})\n",
        FEATURES.join(", ")
    );

    for (name, scaling) in [
        ("centred (covariance PCA)", Scaling::None),
        ("standardised (correlation PCA)", Scaling::UnitVariance),
    ] {
        let pca = Pca::new(Rank::Fixed(p)).scale(scaling).fit(&x)?;
        let ratio = pca.explained_variance_ratio();
        println!("{name}:");
        println!(
            "  {:>9}  {:>10}  {:>10}  {:>10}",
            "component", "variance", "ratio", "cumulative"
        );
        let mut cum = 0.0;
        for i in 0..p {
            cum += ratio[i];
            println!(
                "  {:>9}  {:>10.5}  {:>10.5}  {:>10.5}",
                format!("PC{}", i + 1),
                pca.explained_variance()[i],
                ratio[i],
                cum
            );
        }
        println!(
            "  axes (rows: components; columns: {}):",
            FEATURES.join(", ")
        );
        for (i, row) in pca.components().rows().into_iter().enumerate().take(2) {
            let cells: Vec<String> = row.iter().map(|v| format!("{v:>8.4}")).collect();
            println!("    PC{}  {}", i + 1, cells.join(" "));
        }
        println!();
    }

    // The 2-D model: keep the components explaining 95% of the variance (two here).
    let pca = Pca::new(Rank::Energy(0.95)).fit(&x)?;
    println!(
        "Pca::new(Rank::Energy(0.95)) keeps {} components; Eckart–Young report of the centred data's rank-{} approximation:",
        pca.n_components(),
        pca.n_components()
    );
    for line in pca.report().to_string().lines() {
        println!("  {line}");
    }
    let scores = pca.transform(&x)?;
    let back = pca.inverse_transform(&scores)?;
    let mut xc = x.clone();
    xc -= &pca.mean();
    let measured = ndfactor::verify::norm_fro(&(&x - &back));
    println!(
        "  measured ‖X − X̂‖_F = {measured:.6} (report: {:.6}), relative to ‖X_c‖_F = {:.6}",
        pca.report().frobenius_error,
        ndfactor::verify::norm_fro(&xc)
    );

    let colors = [
        RGBColor(230, 120, 20),
        RGBColor(30, 120, 200),
        RGBColor(40, 160, 70),
    ];
    let groups: Vec<support::Group> = (0..species.len())
        .map(|c| support::Group {
            label: &species[c],
            points: (0..n)
                .filter(|&i| labels[i] == c)
                .map(|i| (scores[(i, 0)], scores[(i, 1)]))
                .collect(),
            color: colors[c % colors.len()],
        })
        .collect();
    let ratio = pca.explained_variance_ratio();
    let out = support::out_dir("pca");
    let png = out.join("iris_pca.png");
    support::scatter_chart(
        &png,
        "Iris data projected on its first two principal axes",
        (
            &format!("PC1 ({:.1}% of the variance)", 100.0 * ratio[0]),
            &format!("PC2 ({:.1}%)", 100.0 * ratio[1]),
        ),
        &groups,
        (720, 480),
    );
    let means: Vec<String> = (0..species.len())
        .map(|c| {
            let idx: Vec<usize> = (0..n).filter(|&i| labels[i] == c).collect();
            let m = idx.iter().map(|&i| scores[(i, 0)]).sum::<f64>() / idx.len() as f64;
            format!("{} {m:+.2}", species[c])
        })
        .collect();
    println!("\nmean PC1 score per species: {}", means.join(", "));
    println!(
        "scores of the first three flowers: {:.4}",
        scores.slice(s![..3, ..])
    );
    println!("\nwritten to {}", png.display());
    Ok(())
}
