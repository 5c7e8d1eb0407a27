//! What the measuring binaries share: `--name value` lookup, the median and its
//! distribution-free confidence interval, and the interleaved timing loop of the A/B probes.

use std::time::Instant;

/// The value after `name` in `args`, or `default`.
pub fn arg<'a>(args: &'a [String], name: &str, default: &'a str) -> &'a str {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map_or(default, |s| s.as_str())
}

/// The median of `v` (the mean of the two middle values for an even count).
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let k = v.len();
    if k % 2 == 1 {
        v[k / 2]
    } else {
        0.5 * (v[k / 2 - 1] + v[k / 2])
    }
}

/// Distribution-free 95% confidence interval of the median of `v`: the order statistics
/// `v[j]`, `v[k−1−j]` with `j` the largest index such that `P(Bin(k, ½) ≤ j) ≤ 2.5%`.
pub fn median_ci(v: &[f64]) -> (f64, f64) {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let k = v.len();
    // P(Bin(k, ½) ≤ i) for i = 0, 1, …: the first i whose cdf exceeds 2.5%, minus one, is the
    // largest j with P(Bin(k, ½) ≤ j) ≤ 2.5%; then P(v[j] ≤ median ≤ v[k−1−j]) ≥ 95%. With
    // fewer than 6 rounds no such j exists and the interval is the whole range. The pmf is
    // carried as its logarithm: 0.5^k underflows to 0 from k ≈ 1075 rounds on.
    let mut first_above = 0usize;
    let mut cdf = 0.0f64;
    let mut ln_pmf = k as f64 * 0.5f64.ln(); // ln P(X = 0)
    for i in 0..k {
        cdf += ln_pmf.exp();
        if cdf > 0.025 {
            first_above = i;
            break;
        }
        ln_pmf += ((k - i) as f64 / (i + 1) as f64).ln();
    }
    let lo = first_above.saturating_sub(1).min(k - 1);
    (v[lo], v[k - 1 - lo])
}

/// One contender of an interleaved probe: a name and a closure that performs one call on the
/// prepared input.
pub type Call<'a> = (&'static str, Box<dyn Fn() + 'a>);

/// Times `calls` in rotating order for `budget` seconds (at least `min_rounds`, at most
/// `max_rounds` rounds) after one warm-up round; returns the per-contender times (seconds),
/// round by round.
pub fn probe(
    calls: &[Call<'_>],
    budget: f64,
    min_rounds: usize,
    max_rounds: usize,
) -> Vec<Vec<f64>> {
    for (_, f) in calls {
        f();
    }
    let k = calls.len();
    let mut times = vec![Vec::new(); k];
    let start = Instant::now();
    let mut round = 0usize;
    while round < min_rounds || start.elapsed().as_secs_f64() < budget {
        for s in 0..k {
            // Rotate the order, and reverse it every other cycle, so that no contender always
            // runs first or right after the same neighbour.
            let idx = if (round / k).is_multiple_of(2) {
                (s + round) % k
            } else {
                (k - 1 - s + round) % k
            };
            let t = Instant::now();
            (calls[idx].1)();
            times[idx].push(t.elapsed().as_secs_f64());
        }
        round += 1;
        if round >= max_rounds.max(min_rounds) {
            break;
        }
    }
    times
}

/// The per-round ratios `times[a][r] / times[b][r]` of two contenders' series from [`probe`].
pub fn ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x / y).collect()
}

/// The `/proc/loadavg` triple (1, 5, 15 minutes), or an empty string off Linux.
pub fn loadavg() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::median_ci;

    #[test]
    fn median_ci_narrows_with_many_rounds() {
        // Values 0, 1, …, k−1: the interval is the order statistics around the middle, about
        // ±1.96·√k/2 ranks wide, for a count small enough for 0.5^k and one that underflows it.
        for k in [101usize, 2001] {
            let v: Vec<f64> = (0..k).map(|i| i as f64).collect();
            let (lo, hi) = median_ci(&v);
            let half = 1.96 * (k as f64).sqrt() / 2.0;
            let mid = (k - 1) as f64 / 2.0;
            assert!((mid - lo - half).abs() <= 2.0, "k = {k}: lo = {lo}");
            assert!((hi - mid - half).abs() <= 2.0, "k = {k}: hi = {hi}");
        }
        // Five rounds: no interval narrower than the whole range has 95% coverage. Exact: the
        // bounds are order statistics, i.e. entries of the input.
        assert_eq!(median_ci(&[3.0, 1.0, 2.0, 5.0, 4.0]), (1.0, 5.0));
    }
}
