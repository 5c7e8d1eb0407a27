#!/usr/bin/env python3
"""The NumPy/SciPy side of the two-thread comparison (peers/src/bin/two_thread.rs).

    python3 peers/python/two_thread.py [--ops lu,cholesky,qr,eigh,svd,schur,rsvd]
        [--sizes 1024,2000] [--rounds 5] [--threads 2]

Same work per operation as the Rust side, on C-order float64 inputs (NumPy's default):
lu = scipy.linalg.lu_factor, cholesky = scipy.linalg.cho_factor(lower=True),
qr = np.linalg.qr (reduced Q and R), eigh = np.linalg.eigh, svd = np.linalg.svd
(full_matrices=False, ?gesdd), schur = scipy.linalg.schur (real, with vectors),
rsvd = sklearn.utils.extmath.randomized_svd (rank 50, 10 oversamples, 4 power iterations,
QR normalisation as on the Rust side). The inputs are drawn from NumPy's generator: the same
distributions as the Rust side (Gaussian; (G + Gᵀ)/2; (G + Gᵀ)/2 + n·I; decaying spectrum
1/(1+i)), not the same numbers, which these dense factorizations' run times do not depend on.
Prints the OpenBLAS build and kernel each wheel loads (threadpoolctl).
"""
import argparse
import json
import statistics
import time

import numpy as np
import scipy.linalg
from sklearn.utils.extmath import randomized_svd
from threadpoolctl import threadpool_info, threadpool_limits


def inputs(op, n, rng):
    g = rng.standard_normal((n, n))
    if op == "cholesky":
        a = (g + g.T) / 2
        a[np.diag_indices(n)] += n
        return a
    if op == "eigh":
        return (g + g.T) / 2
    if op == "rsvd":
        q1, _ = np.linalg.qr(g)
        q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
        return np.ascontiguousarray((q1 * (1.0 / (1.0 + np.arange(n)))) @ q2.T)
    return g


def call(op, a):
    if op == "lu":
        return scipy.linalg.lu_factor(a)
    if op == "cholesky":
        return scipy.linalg.cho_factor(a, lower=True)
    if op == "qr":
        return np.linalg.qr(a)
    if op == "eigh":
        return np.linalg.eigh(a)
    if op == "svd":
        return np.linalg.svd(a, full_matrices=False)
    if op == "schur":
        return scipy.linalg.schur(a)
    if op == "rsvd":
        return randomized_svd(a, 50, n_oversamples=10, n_iter=4,
                              power_iteration_normalizer="QR", random_state=0)
    raise SystemExit(f"unknown op {op}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ops", default="lu,cholesky,qr,eigh,svd,schur,rsvd")
    p.add_argument("--sizes", default="1024,2000")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default="target/ndfactor-peers/two_thread_numpy.json")
    o = p.parse_args()
    for lib in threadpool_info():
        if lib.get("internal_api") == "openblas":
            print(f"{lib['filepath'].split('/')[-1]}: OpenBLAS {lib['version']}, "
                  f"kernel {lib['architecture']}, {lib['threading_layer']}")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, threads {o.threads}, "
          f"{o.rounds} rounds, C-order inputs")
    rows = []
    with threadpool_limits(limits=o.threads):
        for op in o.ops.split(","):
            for n in map(int, o.sizes.split(",")):
                a = inputs(op, n, np.random.default_rng(1000 + n))
                call(op, a)  # warm-up
                times = []
                for _ in range(o.rounds):
                    s = time.perf_counter()
                    call(op, a)
                    times.append(time.perf_counter() - s)
                med = statistics.median(times)
                print(f"{op:9} n={n:5} numpy/scipy     median {med:9.4f} s")
                rows.append({"op": op, "n": n, "lib": "numpy/scipy", "median_s": med,
                             "times": times})
    with open(o.out, "w") as f:
        json.dump(rows, f, indent=1)
    print(f"wrote {o.out}")


if __name__ == "__main__":
    main()
