"""scikit-learn's randomized_svd on the same problem as `peers/src/bin/rsvd.rs`.

n×n matrices with singular values 1/(1+i) and singular vectors made of 16 random Householder
reflections per side (same construction, NumPy's generator), rank k, scikit-learn's defaults
(n_oversamples=10, n_iter='auto', power_iteration_normalizer='auto'), one BLAS thread.

    python3 peers/python/sklearn_rsvd.py --sizes 2000 --ks 10,50 --reps 5 --out target/ndfactor-peers/sklearn.json
"""

import argparse
import json
import time

import numpy as np
import sklearn
from sklearn.utils.extmath import randomized_svd
from threadpoolctl import threadpool_limits, threadpool_info


def decaying(n, reflectors, rng):
    a = np.zeros((n, n), order="F")
    a[np.arange(n), np.arange(n)] = 1.0 / (1.0 + np.arange(n))
    for _ in range(reflectors):
        u = rng.standard_normal(n)
        u /= np.linalg.norm(u)
        a -= 2.0 * np.outer(u, u @ a)
        v = rng.standard_normal(n)
        v /= np.linalg.norm(v)
        a -= 2.0 * np.outer(a @ v, v)
    return a


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="2000")
    p.add_argument("--ks", default="10,50")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--out", default="target/ndfactor-peers/sklearn.json")
    args = p.parse_args()
    rows = []
    with threadpool_limits(limits=1):
        blas = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} thread)" for i in threadpool_info())
        for n in [int(x) for x in args.sizes.split(",")]:
            a = decaying(n, 16, np.random.default_rng(4242 + n))
            sig = 1.0 / (1.0 + np.arange(n))
            for k in [int(x) for x in args.ks.split(",")]:
                opt = float(np.sqrt(np.sum(sig[k:] ** 2)))
                # Both memory orders, as for ndfactor (NumPy's A @ Q is faster on C order).
                for layout, m in (("F-order", a), ("C-order", np.ascontiguousarray(a))):
                    times = []
                    for r in range(args.reps):
                        t = time.perf_counter()
                        u, s, vt = randomized_svd(m, k, random_state=r)
                        times.append(time.perf_counter() - t)
                    err = float(np.linalg.norm(a - (u * s) @ vt))
                    rows.append({
                        "n": n, "k": k,
                        "method": f"scikit-learn {sklearn.__version__} randomized_svd (defaults), {layout} input",
                        "median_s": float(np.median(times)), "reps": args.reps,
                        "frob_err": err, "optimum": opt, "blas": blas,
                    })
                    print(f"n={n} k={k} {layout} median {np.median(times):.3f}s err/opt {err / opt:.6f} [{blas}]")
    with open(args.out, "w") as f:
        json.dump({"rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
