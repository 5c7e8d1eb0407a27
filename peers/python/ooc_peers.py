"""Dask's svd_compressed and scikit-learn's randomized_svd on the same memory-mapped .npy file
as `stream_svd` (docs/benchmarks.md, "Out of core"), same rank, oversampling and number of power
iterations. Prints wall time and the achieved Frobenius error ‖A − UΣVᵀ‖_F, measured afterwards
in row blocks (not timed).

    python3 peers/python/ooc_peers.py target/ooc/mid.npy --rank 50 --power-iters 2
"""
import argparse
import time

import numpy as np


def residual(a, u, s, vt, block=8192):
    total = 0.0
    for r0 in range(0, a.shape[0], block):
        blk = np.asarray(a[r0:r0 + block])
        d = blk - (u[r0:r0 + block] * s) @ vt
        total += float(np.sum(d * d))
    return total ** 0.5


class MappedRows:
    """A read-only memory-mapped array without `copy`: dask.array.from_array copies any array
    that has one (dask 2026.11: `x = x.copy()`), which for a file larger than memory fails with
    an allocation error before the first chunk is read. Slices are read from the map."""

    def __init__(self, a):
        self.a = a
        self.shape = a.shape
        self.dtype = a.dtype
        self.ndim = a.ndim

    def __getitem__(self, idx):
        return np.asarray(self.a[idx])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--rank", type=int, default=50)
    p.add_argument("--power-iters", type=int, default=2)
    p.add_argument("--oversample", type=int, default=10)
    p.add_argument("--block-rows", type=int, default=8192)
    p.add_argument("--only", choices=["dask", "sklearn"], default=None)
    p.add_argument("--workers", type=int, default=None,
                   help="threads of Dask's threaded scheduler (default: one per core)")
    p.add_argument("--no-copy", action="store_true",
                   help="give Dask the map without a copy method (from_array copies arrays that "
                        "have one: needed for files larger than memory)")
    o = p.parse_args()
    a = np.load(o.path, mmap_mode="r")
    try:
        from threadpoolctl import threadpool_info
        for i in threadpool_info():
            print(f"blas: {i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}")
    except ImportError:
        pass
    print(f"{o.path}: {a.shape[0]}×{a.shape[1]} {a.dtype}")
    if o.only in (None, "dask"):
        import dask
        import dask.array as da
        if o.workers is not None:
            dask.config.set(scheduler="threads", num_workers=o.workers)
        src = MappedRows(a) if o.no_copy else a
        x = da.from_array(src, chunks=(o.block_rows, a.shape[1]))
        t = time.perf_counter()
        u, s, vt = da.linalg.svd_compressed(x, o.rank, n_power_iter=o.power_iters,
                                            n_oversamples=o.oversample, seed=0, compute=True)
        u, s, vt = dask.compute(u, s, vt)
        dt = time.perf_counter() - t
        workers = dask.config.get("num_workers", None) or "one per core"
        print(f"dask {dask.__version__} svd_compressed (threaded scheduler, workers: {workers}): "
              f"{dt:.2f} s, error {residual(a, u, s, vt):.9e}")
    if o.only in (None, "sklearn"):
        import sklearn
        from sklearn.utils.extmath import randomized_svd
        t = time.perf_counter()
        u, s, vt = randomized_svd(a, o.rank, n_oversamples=o.oversample, n_iter=o.power_iters,
                                  random_state=0)
        dt = time.perf_counter() - t
        print(f"scikit-learn {sklearn.__version__} randomized_svd (np.memmap): {dt:.2f} s, "
              f"error {residual(a, u, s, vt):.9e}")


if __name__ == "__main__":
    main()
