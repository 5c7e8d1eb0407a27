"""Python references for `examples/recommender_1m.rs`: a plain NumPy weighted-λ ALS and a
fancyimpute-style SoftImpute, both written here (no recommender package), on the example's data.

Data: the `.npy` triplets the example writes with `--npy DIR` (rows, cols, vals, test mask and,
when present, the noiseless truth at every rating). The λ values are the ones ndfactor's default
path chooses on this data (the example prints them); the example's `--lambda X --si-lambda Y
--iters N` runs ndfactor at the same fixed λ and iteration count.

    OPENBLAS_NUM_THREADS=1 cargo run --release --example recommender_1m -- --npy /tmp/rec1m
    OPENBLAS_NUM_THREADS=1 python3 peers/python/completion_peer.py --dir /tmp/rec1m \
        --als-lambda 0.00404 --als-iters 15 --si-lambda 0.01978

NumPy ALS: the objective of ndfactor's `Completion::als(k).biases(true)` with weighted λ,

    Σ_Ω (xᵢⱼ − μ − bᵢ − cⱼ − uᵢ·vⱼ)² + Σᵢ λ·nᵢ(‖uᵢ‖² + bᵢ²) + Σⱼ λ·nⱼ(‖vⱼ‖² + cⱼ²),

μ the training mean (fixed), b and c started from ten damped alternating-mean sweeps
(pseudo-count 5), V started spectrally (V_k·Σ_k^½ of the zero-filled, bias-centred
observations scaled by mn/|Ω|, three block power steps), U = 0. Each half-step solves the
(k+1)×(k+1) system of every row/column: the Gram matrices are built per row with NumPy (a
Python loop over rows, `A.T @ A`), then solved in one batched `np.linalg.solve`.

fancyimpute-style SoftImpute: the algorithm of fancyimpute's `SoftImpute.solve` (Mazumder,
Hastie & Tibshirani 2010 as implemented there), re-written here: a dense m×n iterate with the
missing entries filled (zero at the start), each iteration a rank-`max_rank` randomized SVD
(one power iteration, as fancyimpute's `n_power_iterations=1`), singular values shrunk by λ,
missing entries replaced by the reconstruction, stopped when the relative change of the missing
entries falls below `convergence_threshold = 0.001` or after `max_iters = 100`. It runs on the
same bias-centred residual as ndfactor's soft-impute (μ, b, c as above, held fixed), with λ from
`--si-lambda` (fancyimpute's default is σ₁/50).

Prints, per method: iterations, time per iteration, total time, train/test RMSE, RMSE against
the truth (when `truth.npy` exists), the process's peak resident memory
(`resource.getrusage(RUSAGE_SELF).ru_maxrss`) after each method (before the ranking), and
precision/recall/NDCG@10 under the example's two protocols (relevant = held-out rating ≥ 4).
"""

import argparse
import os
import resource
import time

import numpy as np


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def groups(keys, others, vals, size):
    """CSR-like grouping: order by key, pointer array, the other index and the values."""
    order = np.lexsort((others, keys))
    ptr = np.zeros(size + 1, dtype=np.int64)
    np.add.at(ptr, keys + 1, 1)
    ptr = np.cumsum(ptr)
    return ptr, others[order], vals[order], order


def fit_biases(r, c, x, m, n, sweeps=10, damp=5.0):
    mu = x.mean()
    b = np.zeros(m)
    cb = np.zeros(n)
    nr = np.bincount(r, minlength=m)
    nc = np.bincount(c, minlength=n)
    for _ in range(sweeps):
        b = np.bincount(r, weights=x - mu - cb[c], minlength=m) / (nr + damp)
        cb = np.bincount(c, weights=x - mu - b[r], minlength=n) / (nc + damp)
    return mu, b, cb


def sparse_mul(r, c, s, w, m):
    """(S·W) for the sparse S with values s at (r, c)."""
    out = np.zeros((m, w.shape[1]))
    np.add.at(out, r, s[:, None] * w[c])
    return out


def spectral_start(r, c, s, m, n, k, rng, power=3):
    import scipy.sparse as sp

    a = sp.csr_matrix((s * (m * n / len(s)), (r, c)), shape=(m, n))
    q = k + 10
    w = rng.standard_normal((n, q))
    for _ in range(power):
        y, _ = np.linalg.qr(a @ w)
        w, _ = np.linalg.qr(a.T @ y)
    qm, _ = np.linalg.qr(a @ w)
    bt = a.T @ qm
    uu, sv, _ = np.linalg.svd(bt, full_matrices=False)
    return uu[:, :k] * np.sqrt(sv[:k])


def half_step(ptr, other, vals, fixed, fixed_bias, mu, lam):
    """Solves every group's (k+1)×(k+1) ridge system; returns (factors, biases)."""
    g = len(ptr) - 1
    k = fixed.shape[1]
    a_all = np.hstack([fixed, np.ones((fixed.shape[0], 1))])
    t_all = vals - mu - fixed_bias[other]
    gram = np.zeros((g, k + 1, k + 1))
    rhs = np.zeros((g, k + 1))
    counts = np.diff(ptr)
    for i in range(g):
        lo, hi = ptr[i], ptr[i + 1]
        if lo == hi:
            continue
        a = a_all[other[lo:hi]]
        gram[i] = a.T @ a
        rhs[i] = a.T @ t_all[lo:hi]
    gram[:, np.arange(k + 1), np.arange(k + 1)] += (lam * counts)[:, None]
    empty = counts == 0
    gram[empty] = np.eye(k + 1)
    sol = np.linalg.solve(gram, rhs[..., None])[..., 0]
    sol[empty] = 0.0
    return sol[:, :k].copy(), sol[:, k].copy()


def als(tr, m, n, k, lam, iters, seed):
    r, c, x = tr
    mu, b, cb = fit_biases(r, c, x, m, n)
    rng = np.random.default_rng(seed)
    v = spectral_start(r, c, x - mu - b[r] - cb[c], m, n, k, rng)
    rptr, rother, rvals, _ = groups(r, c, x, m)
    cptr, cother, cvals, _ = groups(c, r, x, n)
    nr = np.diff(rptr)
    nc = np.diff(cptr)
    u = np.zeros((m, k))
    times = []
    objective = None
    for _ in range(iters):
        t0 = time.perf_counter()
        u, b = half_step(rptr, rother, rvals, v, cb, mu, lam)
        v, cb = half_step(cptr, cother, cvals, u, b, mu, lam)
        times.append(time.perf_counter() - t0)
        d = x - mu - b[r] - cb[c] - np.einsum("ij,ij->i", u[r], v[c])
        objective = (d @ d + lam * (nr @ ((u * u).sum(1) + b * b))
                     + lam * (nc @ ((v * v).sum(1) + cb * cb)))
    pred = lambda i, j: mu + b[i] + cb[j] + np.einsum("ij,ij->i", u[i], v[j])
    return pred, times, objective


def randomized_svd(x, k, n_iter, rng, oversamples=10):
    """Halko et al. (sklearn's randomized_svd algorithm, QR-normalized power iterations)."""
    w = rng.standard_normal((x.shape[1], k + oversamples))
    y, _ = np.linalg.qr(x @ w)
    for _ in range(n_iter):
        z, _ = np.linalg.qr(x.T @ y)
        y, _ = np.linalg.qr(x @ z)
    ub, s, vt = np.linalg.svd(y.T @ x, full_matrices=False)
    return (y @ ub)[:, :k], s[:k], vt[:k]


def soft_impute(tr, m, n, k, lam, max_iters, threshold, seed):
    r, c, x = tr
    mu, b, cb = fit_biases(r, c, x, m, n)
    rng = np.random.default_rng(seed)
    filled = np.zeros((m, n))
    filled[r, c] = x - mu - b[r] - cb[c]
    missing = np.ones((m, n), dtype=bool)
    missing[r, c] = False
    if lam is None:
        lam = randomized_svd(filled, 1, 5, rng)[1][0] / 50.0
    times = []
    rec_u = rec_s = rec_vt = None
    for _ in range(max_iters):
        t0 = time.perf_counter()
        u, s, vt = randomized_svd(filled, k, 1, rng)
        s = np.maximum(s - lam, 0.0)
        keep = int((s > 0).sum())
        rec_u, rec_s, rec_vt = u[:, :keep], s[:keep], vt[:keep]
        rec = (rec_u * rec_s) @ rec_vt
        old = filled[missing]
        new = rec[missing]
        old_norm = np.sqrt((old ** 2).sum())
        change = np.sqrt(((old - new) ** 2).sum()) / old_norm if old_norm > 0 else np.inf
        filled[missing] = new
        times.append(time.perf_counter() - t0)
        if change < threshold:
            break
    ls = rec_u * rec_s
    rt = rec_vt.T
    pred = lambda i, j: mu + b[i] + cb[j] + np.einsum("ij,ij->i", ls[i], rt[j])
    return pred, times, lam


def ranking(pred, tr, te, m, n, top=10, threshold=4.0):
    """precision/recall/NDCG@top as ndfactor's `ranking_metrics` (every item not rated in
    training ranked, ties by item index) and with only the user's held-out items ranked."""
    out = []
    rel_rows = np.unique(te[0][te[2] >= threshold])
    disc = 1.0 / np.log2(np.arange(2, top + 2))
    for held_only in (False, True):
        p = r = g = 0.0
        for lo in range(0, len(rel_rows), 500):
            users = rel_rows[lo:lo + 500]
            uu = np.repeat(users, n)
            jj = np.tile(np.arange(n), len(users))
            sc = pred(uu, jj).reshape(len(users), n)
            pos = {u: k for k, u in enumerate(users)}
            trm = np.isin(tr[0], users)
            sc[[pos[u] for u in tr[0][trm]], tr[1][trm]] = -np.inf
            tem = np.isin(te[0], users)
            rel = np.zeros((len(users), n), dtype=bool)
            hrow = [pos[u] for u in te[0][tem]]
            rel[hrow, te[1][tem]] = te[2][tem] >= threshold
            if held_only:
                keep = np.zeros((len(users), n), dtype=bool)
                keep[hrow, te[1][tem]] = True
                sc[~keep] = -np.inf
            # highest first, ties by item index (a stable sort of the negated scores)
            order = np.argsort(-sc, axis=1, kind="stable")[:, :top]
            hit = np.take_along_axis(rel, order, axis=1)
            nrel = rel.sum(1)
            idcg = np.array([disc[:min(top, k)].sum() for k in nrel])
            p += (hit.sum(1) / top).sum()
            r += (hit.sum(1) / nrel).sum()
            g += ((hit * disc).sum(1) / idcg).sum()
        c = len(rel_rows)
        out.append((p / c, r / c, g / c))
    return len(rel_rows), out


def report(name, pred, times, tr, te, truth):
    rmse = lambda p, y: float(np.sqrt(np.mean((p - y) ** 2)))
    line = (f"{name}: {len(times)} iterations, median {np.median(times):.3f} s/iteration, "
            f"total {sum(times):.2f} s; train RMSE {rmse(pred(tr[0], tr[1]), tr[2]):.4f}, "
            f"test RMSE {rmse(pred(te[0], te[1]), te[2]):.4f}")
    if truth is not None:
        line += f", vs truth {rmse(pred(te[0], te[1]), truth):.4f}"
    print(line + f"; peak resident memory so far {peak_mib():.0f} MiB", flush=True)
    m, n = int(max(tr[0].max(), te[0].max())) + 1, int(max(tr[1].max(), te[1].max())) + 1
    t0 = time.perf_counter()
    users, ((p, r, g), (ph, rh, gh)) = ranking(pred, tr, te, m, n)
    print(f"   over {users} users, all unrated items: precision@10 {p:.4f}, recall@10 {r:.4f}, "
          f"NDCG@10 {g:.4f}; held-out items only: {ph:.4f} / {rh:.4f} / {gh:.4f} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", default="/tmp/rec1m")
    p.add_argument("--rank", type=int, default=10)
    p.add_argument("--als-lambda", type=float, required=True)
    p.add_argument("--als-iters", type=int, default=15)
    p.add_argument("--si-lambda", type=float, default=None)
    p.add_argument("--si-max-iters", type=int, default=100)
    p.add_argument("--si-threshold", type=float, default=0.001)
    p.add_argument("--methods", default="als,softimpute")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rows = np.load(os.path.join(a.dir, "rows.npy"))
    cols = np.load(os.path.join(a.dir, "cols.npy"))
    vals = np.load(os.path.join(a.dir, "vals.npy"))
    test = np.load(os.path.join(a.dir, "test.npy")).astype(bool)
    tpath = os.path.join(a.dir, "truth.npy")
    truth_all = np.load(tpath) if os.path.exists(tpath) else None
    m, n = int(rows.max()) + 1, int(cols.max()) + 1
    tr = (rows[~test], cols[~test], vals[~test])
    te = (rows[test], cols[test], vals[test])
    truth = truth_all[test] if truth_all is not None else None
    print(f"{len(vals)} ratings of a {m}×{n} matrix: {len(tr[2])} train, {len(te[2])} test; "
          f"numpy {np.__version__}; peak resident memory after loading {peak_mib():.0f} MiB",
          flush=True)
    methods = a.methods.split(",")
    if "als" in methods:
        pred, times, obj = als(tr, m, n, a.rank, a.als_lambda, a.als_iters, a.seed)
        report(f"NumPy ALS, rank {a.rank}, biases, weighted λ {a.als_lambda}", pred, times,
               tr, te, truth)
        print(f"   final objective {obj:.6e}")
    if "softimpute" in methods:
        pred, times, lam = soft_impute(tr, m, n, a.rank, a.si_lambda, a.si_max_iters,
                                       a.si_threshold, a.seed)
        report(f"fancyimpute-style SoftImpute, max_rank {a.rank}, biases, λ {lam:.4f}", pred,
               times, tr, te, truth)


if __name__ == "__main__":
    main()
