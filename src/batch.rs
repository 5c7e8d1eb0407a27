//! Stacked inputs: one call factors or solves every matrix of a 3-D array `n_batch × m × n`,
//! as NumPy's `linalg` gufuncs and SciPy's batched functions do, and stacks the results.
//!
//! Slice `i` is `a.index_axis(Axis(0), i)`; every function runs the crate's in-core routine on
//! each slice ([`Lu`], [`Cholesky`], [`SymmetricEigen`], [`Svd`], [`Qr`], [`lstsq`](crate::lstsq))
//! so each slice gets exactly that routine's checks, accuracy and error policy. Inputs are any
//! `ArrayBase<S, Ix3>` in any layout (C order, F order, permuted axes, strided, negative
//! strides). Outputs are standard-layout (C-order) arrays with the batch axis first.
//!
//! | function | NumPy / SciPy | output |
//! |---|---|---|
//! | [`solve`], [`solve_vec`] | `numpy.linalg.solve` | `n_batch×n×k`, `n_batch×n` |
//! | [`inv`] | `numpy.linalg.inv` | `n_batch×n×n` |
//! | [`det`], [`slogdet`] | `numpy.linalg.det`, `slogdet` | `n_batch`; (sign, ln\|det\|) |
//! | [`cholesky`] | `numpy.linalg.cholesky` | lower factors `n_batch×n×n` |
//! | [`eigh`], [`eigvalsh`] | `numpy.linalg.eigh`, `eigvalsh` | values `n_batch×n` ascending, vectors `n_batch×n×n` |
//! | [`svd`], [`svdvals`] | `numpy.linalg.svd(full_matrices=False)`, `scipy.linalg.svdvals` | `U` `n_batch×m×k`, `s` `n_batch×k`, `Vᴴ` `n_batch×k×n`, `k = min(m, n)` |
//! | [`lu`] | `scipy.linalg.lu(p_indices=True)` | permutations `n_batch×n`, `L`, `U` `n_batch×n×n` |
//! | [`qr`] | `numpy.linalg.qr` (reduced) | `Q` `n_batch×m×k`, `R` `n_batch×k×n` |
//! | [`lstsq`], [`lstsq_vec`] | `numpy.linalg.lstsq` | minimum-norm solutions `n_batch×n×k`, ranks, singular values |
//!
//! # Errors
//! Shapes are checked for the whole stack before any work: non-square slices where square ones
//! are needed give [`Error::NotSquare`], operands that do not fit give
//! [`Error::DimensionMismatch`] (batch sizes, rows of `b`). An error of one slice (singular,
//! not positive definite, NaN/∞, no convergence) comes back as [`Error::Batch`] with the
//! 0-based index of the **first** failing slice and the slice's own error; nothing is returned
//! for the other slices.
//!
//! # Empty batches
//! `n_batch = 0` is valid: the outputs have batch size 0 and the slice shapes the input
//! implies (`det` of a `0×3×3` stack is an empty vector; `svd` of `0×5×3` gives `0×5×3`, `0×3`
//! and `0×3×3`). Shape checks still apply (a `0×2×3` stack is not square).
//!
//! # Threads
//! [`BatchParallelism::Rayon`] runs the slices on rayon's global pool. While it runs, OpenBLAS
//! is set to **one thread** (process-wide, through `openblas_set_num_threads`, restored when
//! the last concurrent batch call ends): rayon workers × OpenBLAS threads on the same cores
//! oversubscribe them and slow every call down many times (figures in docs/backends.md). [`BatchParallelism::Sequential`] runs the
//! slices one after another on the calling thread and leaves OpenBLAS's thread count alone, so
//! each slice may use OpenBLAS's threads. Other threads of the program that call LAPACK while a
//! rayon batch runs also get one OpenBLAS thread. With another library than OpenBLAS the count
//! is not touched (MKL's sequential backends have one thread anyway).
//!
//! [`BatchParallelism::Auto`] (the default of the functions without `_with`) picks rayon when
//! it can use more than one thread and there are at least two slices, whatever their size.
//! No size was found where the sequential batch wins clearly (independent slices on rayon
//! threads beat OpenBLAS threads that synchronise inside every call), so `Auto` has no size
//! threshold; the measurement (`peers/benches/batch.rs`) is in docs/benchmarks.md and
//! docs/bench/implementation-notes.md.
//!
//! ```
//! use ndarray::{s, Array3, ArrayView2};
//! use ndfactor::batch;
//!
//! // Three 2×2 systems at once; b holds one right-hand side per system.
//! let mut a = Array3::<f64>::zeros((3, 2, 2));
//! for (i, mut m) in a.outer_iter_mut().enumerate() {
//!     m.assign(&ndarray::array![[2.0, 1.0], [1.0, 3.0 + i as f64]]);
//! }
//! let b = Array3::<f64>::ones((3, 2, 1));
//! let x = batch::solve(&a, &b)?;
//! assert_eq!(x.dim(), (3, 2, 1));
//! for i in 0..3 {
//!     let (ai, xi): (ArrayView2<f64>, ArrayView2<f64>) = (a.slice(s![i, .., ..]), x.slice(s![i, .., ..]));
//!     let r = ai.dot(&xi) - b.slice(s![i, .., ..]);
//!     assert!(r.iter().all(|v| v.abs() < 1e-14));
//! }
//!
//! // A singular slice is reported by its index.
//! a.slice_mut(s![1, .., ..]).fill(1.0);
//! match batch::inv(&a) {
//!     Err(ndfactor::Error::Batch { index, .. }) => assert_eq!(index, 1),
//!     other => panic!("expected a batch error, got {other:?}"),
//! }
//! # Ok::<(), ndfactor::Error>(())
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use ndarray::{Array1, Array2, Array3, ArrayBase, ArrayView2, ArrayView3, Axis, Data, Ix2, Ix3};
use rayon::prelude::*;

use crate::decomp::cholesky::Cholesky;
use crate::decomp::eigh::SymmetricEigen;
use crate::decomp::lu::Lu;
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::{Error, Result};
use crate::lapack;
use crate::scalar::Scalar;

/// How a batch function spreads its slices over threads (see the [module docs](self)).
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{self, BatchParallelism};
/// let a = Array3::<f64>::from_shape_fn((4, 3, 3), |(k, i, j)| if i == j { 2.0 + k as f64 } else { 0.5 });
/// let seq = batch::det_with(&a, BatchParallelism::Sequential)?;
/// let par = batch::det_with(&a, BatchParallelism::Rayon)?;
/// for (s, p) in seq.iter().zip(&par) {
///     assert!((s - p).abs() <= 8.0 * f64::EPSILON * s.abs());
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum BatchParallelism {
    /// Rayon when the pool has more than one thread and there are at least two slices;
    /// sequential otherwise (the measured rule of the module docs).
    #[default]
    Auto,
    /// One slice after another on the calling thread; OpenBLAS keeps its own thread count.
    Sequential,
    /// Slices in parallel on rayon's global pool, OpenBLAS at one thread meanwhile.
    Rayon,
}

impl BatchParallelism {
    /// Whether a batch of `n_batch` slices runs on rayon.
    fn use_rayon(self, n_batch: usize) -> bool {
        match self {
            BatchParallelism::Sequential => false,
            BatchParallelism::Rayon => n_batch > 0,
            BatchParallelism::Auto => n_batch >= 2 && rayon::current_num_threads() > 1,
        }
    }
}

/// Calls that currently hold OpenBLAS at one thread, and the count to restore after the last.
static ONE_BLAS_THREAD: Mutex<(usize, Option<usize>)> = Mutex::new((0, None));

/// Holds OpenBLAS at one thread for its lifetime (nested and concurrent holders share it; the
/// last one out restores the count seen by the first one in).
struct OneBlasThread;

impl OneBlasThread {
    fn hold() -> Self {
        let mut g = ONE_BLAS_THREAD.lock().unwrap_or_else(|p| p.into_inner());
        if g.0 == 0 {
            g.1 = lapack::blas_threads();
            if g.1.is_some_and(|t| t > 1) {
                lapack::set_blas_threads(1);
            }
        }
        g.0 += 1;
        OneBlasThread
    }
}

impl Drop for OneBlasThread {
    fn drop(&mut self) {
        let mut g = ONE_BLAS_THREAD.lock().unwrap_or_else(|p| p.into_inner());
        g.0 -= 1;
        if g.0 == 0 {
            if let Some(t) = g.1.take().filter(|&t| t > 1) {
                lapack::set_blas_threads(t);
            }
        }
    }
}

/// Runs `f(i)` for `i` in `0..n_batch`, in order or on rayon, and returns the results in order,
/// or the error of the lowest failing index wrapped in [`Error::Batch`].
fn map_batch<R, F>(n_batch: usize, par: BatchParallelism, f: F) -> Result<Vec<R>>
where
    R: Send,
    F: Fn(usize) -> Result<R> + Sync,
{
    let wrap = |index: usize, e: Error| Error::Batch {
        index,
        source: Box::new(e),
    };
    if !par.use_rayon(n_batch) {
        return (0..n_batch).map(|i| f(i).map_err(|e| wrap(i, e))).collect();
    }
    let _blas = OneBlasThread::hold();
    // Slices after a known failure are skipped; the lowest failing index is always computed
    // (it is skipped only if a lower one failed), so the error does not depend on scheduling.
    let first_failure = AtomicUsize::new(usize::MAX);
    let results: Vec<Option<Result<R>>> = (0..n_batch)
        .into_par_iter()
        .map(|i| {
            if i > first_failure.load(Ordering::Relaxed) {
                return None;
            }
            let r = f(i);
            if r.is_err() {
                first_failure.fetch_min(i, Ordering::Relaxed);
            }
            Some(r)
        })
        .collect();
    let mut out = Vec::with_capacity(n_batch);
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Some(Ok(v)) => out.push(v),
            Some(Err(e)) => return Err(wrap(i, e)),
            None => unreachable!("slice {i} skipped without an earlier failure"),
        }
    }
    Ok(out)
}

/// Stacks `n_batch` matrices of shape `(m, n)` into a C-order `n_batch×m×n` array.
fn stack3<T: Clone + num_traits::Zero>(mats: &[Array2<T>], m: usize, n: usize) -> Array3<T> {
    let mut out = Array3::zeros((mats.len(), m, n));
    for (mut o, x) in out.outer_iter_mut().zip(mats) {
        o.assign(x);
    }
    out
}

/// Stacks `n_batch` vectors of length `n` into a C-order `n_batch×n` array.
fn stack2<T: Clone + num_traits::Zero>(vecs: &[Array1<T>], n: usize) -> Array2<T> {
    let mut out = Array2::zeros((vecs.len(), n));
    for (mut o, x) in out.outer_iter_mut().zip(vecs) {
        o.assign(x);
    }
    out
}

fn slice<'a, T>(a: &ArrayView3<'a, T>, i: usize) -> ArrayView2<'a, T> {
    (*a).index_axis_move(Axis(0), i)
}

fn check_square3<S: Data>(a: &ArrayBase<S, Ix3>) -> Result<usize> {
    let (_, m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    Ok(n)
}

fn check_batch(operation: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected != found {
        return Err(Error::DimensionMismatch {
            operation,
            expected,
            found,
        });
    }
    Ok(())
}

/// Solves `A_i·X_i = B_i` for every slice: `a` is `n_batch×n×n`, `b` is `n_batch×n×k`, the
/// result `n_batch×n×k`. Each slice is LU-factored with partial pivoting ([`Lu`]; ?getrf +
/// ?getrs), cost `≈ n_batch·(2n³/3 + 2n²k)`.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::DimensionMismatch`] when the batch sizes or the rows of `b`
/// differ from `a`'s; [`Error::Batch`] wrapping [`Error::Singular`] or [`Error::NonFinite`]
/// (in `a` or `b`) of the first failing slice.
///
/// ```
/// use ndarray::{Array2, Array3};
/// let a = Array3::from_shape_fn((2, 2, 2), |(k, i, j)| if i == j { 2.0f64 * (k + 1) as f64 } else { 0.0 });
/// let b = Array3::<f64>::ones((2, 2, 3));
/// let x = ndfactor::batch::solve(&a, &b)?;
/// assert_eq!(x, Array3::from_shape_fn((2, 2, 3), |(k, _, _)| 0.5 / (k + 1) as f64)); // exact: 1/2 and 1/4
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_solve")]
#[doc(alias = "gesv_batched")]
pub fn solve<T, S1, S2>(a: &ArrayBase<S1, Ix3>, b: &ArrayBase<S2, Ix3>) -> Result<Array3<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    solve_with(a, b, BatchParallelism::Auto)
}

/// [`solve`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`solve`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{solve_with, BatchParallelism};
/// let a = Array3::from_shape_fn((3, 2, 2), |(_, i, j)| if i == j { 4.0f64 } else { 0.0 });
/// let x = solve_with(&a, &Array3::ones((3, 2, 1)), BatchParallelism::Sequential)?;
/// assert!(x.iter().all(|&v| v == 0.25)); // exact: 1/4
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn solve_with<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix3>,
    par: BatchParallelism,
) -> Result<Array3<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let n = check_square3(a)?;
    let (nb, bn, k) = b.dim();
    check_batch("batch::solve: batch size of b", a.dim().0, nb)?;
    check_batch("batch::solve: rows of b", n, bn)?;
    let (a, b) = (a.view(), b.view());
    let xs = map_batch(nb, par, |i| Lu::new(&slice(&a, i))?.solve(&slice(&b, i)))?;
    Ok(stack3(&xs, n, k))
}

/// Solves `A_i·x_i = b_i` for every slice with one right-hand side each: `a` is `n_batch×n×n`,
/// `b` is `n_batch×n` (row `i` is `b_i`), the result `n_batch×n`. As [`solve`] otherwise.
///
/// # Errors
/// As [`solve`].
///
/// ```
/// use ndarray::{array, Array3};
/// let a = Array3::from_shape_fn((2, 2, 2), |(k, i, j)| if i == j { (k + 1) as f64 } else { 0.0 });
/// let x = ndfactor::batch::solve_vec(&a, &array![[1.0, 2.0], [1.0, 2.0]])?;
/// assert_eq!(x, array![[1.0, 2.0], [0.5, 1.0]]); // exact: divisions by 1 and 2
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_solve")]
pub fn solve_vec<T, S1, S2>(a: &ArrayBase<S1, Ix3>, b: &ArrayBase<S2, Ix2>) -> Result<Array2<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    solve_vec_with(a, b, BatchParallelism::Auto)
}

/// [`solve_vec`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`solve`].
///
/// ```
/// use ndarray::{array, Array3};
/// use ndfactor::batch::{solve_vec_with, BatchParallelism};
/// let a = Array3::from_shape_fn((2, 1, 1), |(k, _, _)| (k + 1) as f64);
/// let x = solve_vec_with(&a, &array![[4.0], [4.0]], BatchParallelism::Rayon)?;
/// assert_eq!(x, array![[4.0], [2.0]]); // exact: 4/1, 4/2
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn solve_vec_with<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix2>,
    par: BatchParallelism,
) -> Result<Array2<T>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let n = check_square3(a)?;
    let (nb, bn) = b.dim();
    check_batch("batch::solve_vec: batch size of b", a.dim().0, nb)?;
    check_batch("batch::solve_vec: length of b", n, bn)?;
    let (a, b) = (a.view(), b.view());
    let xs = map_batch(nb, par, |i| {
        Lu::new(&slice(&a, i))?.solve(&b.index_axis(Axis(0), i))
    })?;
    Ok(stack2(&xs, n))
}

/// Inverse of every slice (`n_batch×n×n`), through [`Lu::inverse`] (?getrf + ?getri), cost
/// `≈ 2n³` per slice. Prefer [`solve`] for systems.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::Singular`] or
/// [`Error::NonFinite`] of the first failing slice.
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((2, 2, 2), |(k, i, j)| if i == j { 2.0f64.powi(k as i32 + 1) } else { 0.0 });
/// let inv = ndfactor::batch::inv(&a)?;
/// assert_eq!(inv[(0, 0, 0)], 0.5); // exact: reciprocals of powers of two
/// assert_eq!(inv[(1, 1, 1)], 0.25);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_inv")]
#[doc(alias = "inverse")]
pub fn inv<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<Array3<T>> {
    inv_with(a, BatchParallelism::Auto)
}

/// [`inv`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`inv`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{inv_with, BatchParallelism};
/// let a = Array3::from_elem((3, 1, 1), 8.0f64);
/// assert!(inv_with(&a, BatchParallelism::Rayon)?.iter().all(|&v| v == 0.125)); // exact: 1/8
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn inv_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<Array3<T>> {
    let n = check_square3(a)?;
    let a = a.view();
    let xs = map_batch(a.dim().0, par, |i| Lu::new(&slice(&a, i))?.inverse())?;
    Ok(stack3(&xs, n, n))
}

/// Determinant of every slice (length `n_batch`), from an LU factorization ([`Lu::det`]):
/// 0 for an exactly singular slice, 1 for `0×0` slices. Can overflow; use [`slogdet`] then.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::NonFinite`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((3, 2, 2), |(k, i, j)| if i == j { (k + 1) as f64 } else { 0.0 });
/// let d = ndfactor::batch::det(&a)?;
/// assert_eq!(d.to_vec(), vec![1.0, 4.0, 9.0]); // exact: products of small integers
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_det")]
#[doc(alias = "determinant")]
pub fn det<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<Array1<T>> {
    det_with(a, BatchParallelism::Auto)
}

/// [`det`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`det`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{det_with, BatchParallelism};
/// let a = Array3::<f64>::zeros((0, 3, 3)); // empty batch: empty result
/// assert_eq!(det_with(&a, BatchParallelism::Rayon)?.len(), 0);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn det_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<Array1<T>> {
    check_square3(a)?;
    let a = a.view();
    let ds = map_batch(a.dim().0, par, |i| Ok(Lu::new(&slice(&a, i))?.det()))?;
    Ok(Array1::from(ds))
}

/// Sign and natural logarithm of `|det|` of every slice, without overflow ([`Lu::ln_abs_det`]):
/// `det_i = sign_i·exp(ln_i)`. The sign is ±1 for real types and of unit modulus for complex
/// ones; a singular slice gives `(0, −∞)`, a `0×0` slice `(1, 0)`.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::NonFinite`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::<f64>::from_shape_fn((2, 100, 100), |(k, i, j)| if i == j { if k == 0 { 1e10 } else { -1e-10 } } else { 0.0 });
/// let (sign, ln) = ndfactor::batch::slogdet(&a)?; // det = 1e1000 and 1e-1000 overflow / underflow
/// assert_eq!(sign.to_vec(), vec![1.0, 1.0]); // exact: products of ±1 (100 negative pivots)
/// assert!((ln[0] - 1000.0 * 10f64.ln()).abs() < 1e-12 * ln[0].abs());
/// assert!((ln[1] + 1000.0 * 10f64.ln()).abs() < 1e-12 * ln[1].abs());
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_slogdet")]
#[doc(alias = "logabsdet")]
#[doc(alias = "logdet")]
pub fn slogdet<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
) -> Result<(Array1<T>, Array1<T::Real>)> {
    slogdet_with(a, BatchParallelism::Auto)
}

/// [`slogdet`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`slogdet`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{slogdet_with, BatchParallelism};
/// let a = Array3::<f64>::zeros((2, 2, 2)); // singular slices
/// let (sign, ln) = slogdet_with(&a, BatchParallelism::Sequential)?;
/// assert!(sign.iter().all(|&s| s == 0.0) && ln.iter().all(|&l| l == f64::NEG_INFINITY)); // exact: defined values
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn slogdet_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<(Array1<T>, Array1<T::Real>)> {
    check_square3(a)?;
    let a = a.view();
    let r = map_batch(a.dim().0, par, |i| Ok(Lu::new(&slice(&a, i))?.ln_abs_det()))?;
    let (sign, ln): (Vec<T>, Vec<T::Real>) = r.into_iter().unzip();
    Ok((Array1::from(sign), Array1::from(ln)))
}

/// Lower Cholesky factor `L_i` with `A_i = L_i·L_iᴴ` of every slice (`n_batch×n×n`, zeros
/// above the diagonal), reading each slice's lower triangle ([`Cholesky`]; ?potrf), cost
/// `≈ n³/3` per slice.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::NotPositiveDefinite`] or
/// [`Error::NonFinite`] (in the lower triangle) of the first failing slice.
///
/// ```
/// use ndarray::{array, Array3};
/// let a = Array3::from_shape_fn((2, 2, 2), |(_, i, j)| [[4.0f64, 2.0], [2.0, 5.0]][i][j]);
/// let l = ndfactor::batch::cholesky(&a)?;
/// assert_eq!(l.index_axis(ndarray::Axis(0), 1), array![[2.0, 0.0], [1.0, 2.0]]); // exact: √4, 2/2, √(5 − 1)
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_cholesky")]
#[doc(alias = "potrf_batched")]
pub fn cholesky<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<Array3<T>> {
    cholesky_with(a, BatchParallelism::Auto)
}

/// [`cholesky`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`cholesky`].
///
/// ```
/// use ndarray::{s, Array3};
/// use ndfactor::batch::{cholesky_with, BatchParallelism};
/// let mut a = Array3::from_shape_fn((3, 2, 2), |(_, i, j)| if i == j { 1.0f64 } else { 0.0 });
/// a[(2, 1, 0)] = 2.0; // slice 2 is indefinite
/// match cholesky_with(&a, BatchParallelism::Rayon) {
///     Err(ndfactor::Error::Batch { index, .. }) => assert_eq!(index, 2),
///     other => panic!("{other:?}"),
/// }
/// ```
pub fn cholesky_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<Array3<T>> {
    let n = check_square3(a)?;
    let a = a.view();
    let ls = map_batch(a.dim().0, par, |i| Ok(Cholesky::new(&slice(&a, i))?.l()))?;
    Ok(stack3(&ls, n, n))
}

/// Eigenvalues (ascending, `n_batch×n`, real) and orthonormal eigenvectors (`n_batch×n×n`,
/// column `j` of slice `i` for value `(i, j)`) of every Hermitian slice, reading the lower
/// triangle ([`SymmetricEigen`]; ?syevd/?heevd), cost `≈ 9n³` per slice.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::NonFinite`] (lower triangle) or
/// [`Error::NoConvergence`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((2, 2, 2), |(k, i, j)| if i == j { 2.0f64 } else { k as f64 });
/// let (w, v) = ndfactor::batch::eigh(&a)?;
/// assert!((w[(0, 0)] - 2.0).abs() < 1e-15 && (w[(1, 0)] - 1.0).abs() < 1e-15 && (w[(1, 1)] - 3.0).abs() < 1e-15);
/// assert_eq!(v.dim(), (2, 2, 2));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_eigh")]
#[doc(alias = "syevd_batched")]
pub fn eigh<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
) -> Result<(Array2<T::Real>, Array3<T>)> {
    eigh_with(a, BatchParallelism::Auto)
}

/// [`eigh`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`eigh`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{eigh_with, BatchParallelism};
/// let (w, v) = eigh_with(&Array3::<f64>::zeros((0, 4, 4)), BatchParallelism::Rayon)?;
/// assert_eq!((w.dim(), v.dim()), ((0, 4), (0, 4, 4)));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigh_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<(Array2<T::Real>, Array3<T>)> {
    let n = check_square3(a)?;
    let a = a.view();
    let r = map_batch(a.dim().0, par, |i| {
        let e = SymmetricEigen::new(&slice(&a, i))?;
        Ok((e.values().to_owned(), e.vectors().to_owned()))
    })?;
    let (w, v): (Vec<_>, Vec<_>) = r.into_iter().unzip();
    Ok((stack2(&w, n), stack3(&v, n, n)))
}

/// Eigenvalues only (ascending, `n_batch×n`) of every Hermitian slice, reading the lower
/// triangle ([`SymmetricEigen::values_only`]); about a third of the cost of [`eigh`].
///
/// # Errors
/// As [`eigh`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((3, 2, 2), |(k, i, j)| if i == j { 0.0f64 } else { k as f64 });
/// let w = ndfactor::batch::eigvalsh(&a)?;
/// assert!((w[(2, 0)] + 2.0).abs() < 1e-15 && (w[(2, 1)] - 2.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_eigvalsh")]
pub fn eigvalsh<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<Array2<T::Real>> {
    eigvalsh_with(a, BatchParallelism::Auto)
}

/// [`eigvalsh`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`eigh`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{eigvalsh_with, BatchParallelism};
/// let w = eigvalsh_with(&Array3::from_elem((2, 1, 1), 3.0f64), BatchParallelism::Sequential)?;
/// assert!(w.iter().all(|&x| (x - 3.0).abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn eigvalsh_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<Array2<T::Real>> {
    let n = check_square3(a)?;
    let a = a.view();
    let w = map_batch(a.dim().0, par, |i| {
        SymmetricEigen::values_only(&slice(&a, i))
    })?;
    Ok(stack2(&w, n))
}

/// Stacked thin SVD factors `(U, s, Vᴴ)` as returned by [`svd`]: `n_batch×m×k`, `n_batch×k`
/// (`R = T::Real`, descending) and `n_batch×k×n` with `k = min(m, n)`.
pub type StackedSvd<T, R> = (Array3<T>, Array2<R>, Array3<T>);

/// Thin SVD `A_i = U_i·Σ_i·V_iᴴ` of every slice of an `n_batch×m×n` stack: `U` is
/// `n_batch×m×k`, `s` is `n_batch×k` (descending, real), `Vᴴ` is `n_batch×k×n`, with
/// `k = min(m, n)` ([`Svd`]; ?gesdd, ?gesvd fallback). Cost `O(m·n·k)` per slice.
///
/// # Errors
/// [`Error::Batch`] wrapping [`Error::NonFinite`] or [`Error::NoConvergence`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((2, 3, 2), |(k, i, j)| if i == j { (k + 1 + i) as f64 } else { 0.0 });
/// let (u, s, vt) = ndfactor::batch::svd(&a)?;
/// assert_eq!((u.dim(), s.dim(), vt.dim()), ((2, 3, 2), (2, 2), (2, 2, 2)));
/// assert!((s[(1, 0)] - 3.0).abs() < 1e-15 && (s[(1, 1)] - 2.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_svd")]
#[doc(alias = "gesdd_batched")]
pub fn svd<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<StackedSvd<T, T::Real>> {
    svd_with(a, BatchParallelism::Auto)
}

/// [`svd`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`svd`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{svd_with, BatchParallelism};
/// let (u, s, vt) = svd_with(&Array3::<f32>::zeros((0, 5, 3)), BatchParallelism::Rayon)?;
/// assert_eq!((u.dim(), s.dim(), vt.dim()), ((0, 5, 3), (0, 3), (0, 3, 3)));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn svd_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<StackedSvd<T, T::Real>> {
    let (nb, m, n) = a.dim();
    let k = m.min(n);
    let a = a.view();
    let r = map_batch(nb, par, |i| Svd::new(&slice(&a, i)))?;
    let mut u = Array3::zeros((nb, m, k));
    let mut s = Array2::zeros((nb, k));
    let mut vt = Array3::zeros((nb, k, n));
    for (i, f) in r.iter().enumerate() {
        u.index_axis_mut(Axis(0), i).assign(&f.u());
        s.index_axis_mut(Axis(0), i).assign(&f.s());
        vt.index_axis_mut(Axis(0), i).assign(&f.vt());
    }
    Ok((u, s, vt))
}

/// Singular values only (descending, `n_batch×min(m, n)`) of every slice ([`Svd::values`]),
/// several times cheaper than [`svd`] and the accurate way to get the smallest ones.
///
/// # Errors
/// As [`svd`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((2, 2, 3), |(k, i, j)| if i == j { -((k + 1) as f64) } else { 0.0 });
/// let s = ndfactor::batch::svdvals(&a)?;
/// assert!((s[(1, 0)] - 2.0).abs() < 1e-15 && (s[(1, 1)] - 2.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_svdvals")]
#[doc(alias = "singular_values")]
pub fn svdvals<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<Array2<T::Real>> {
    svdvals_with(a, BatchParallelism::Auto)
}

/// [`svdvals`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`svd`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{svdvals_with, BatchParallelism};
/// let s = svdvals_with(&Array3::from_elem((2, 1, 1), -5.0f64), BatchParallelism::Rayon)?;
/// assert!(s.iter().all(|&x| (x - 5.0).abs() < 1e-15));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn svdvals_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<Array2<T::Real>> {
    let (nb, m, n) = a.dim();
    let a = a.view();
    let s = map_batch(nb, par, |i| Svd::values(&slice(&a, i)))?;
    Ok(stack2(&s, m.min(n)))
}

/// Stacked LU factorizations `P_i·A_i = L_i·U_i` of square slices ([`Lu`]; ?getrf).
#[derive(Debug, Clone)]
pub struct BatchLu<T: Scalar> {
    /// Row permutations (`n_batch×n`): row `r` of `P_i·A_i` is row `perm[(i, r)]` of `A_i`
    /// (SciPy's `lu(a, p_indices=True)` gives the same rows, `a[p] = l @ u`).
    pub perm: Array2<usize>,
    /// Unit lower triangular factors (`n_batch×n×n`).
    pub l: Array3<T>,
    /// Upper triangular factors (`n_batch×n×n`).
    pub u: Array3<T>,
}

/// LU factorization with partial pivoting of every square slice: `P_i·A_i = L_i·U_i`, cost
/// `≈ 2n³/3` per slice. An exactly singular slice still factors (its `U` has a zero pivot), as
/// LAPACK and SciPy do.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::Batch`] wrapping [`Error::NonFinite`].
///
/// ```
/// use ndarray::{array, Array3, Axis};
/// let a = Array3::from_shape_fn((2, 2, 2), |(_, i, j)| [[1.0f64, 2.0], [4.0, 4.0]][i][j]);
/// let f = ndfactor::batch::lu(&a)?;
/// assert_eq!(f.perm.row(0).to_vec(), vec![1, 0]); // the larger first column entry pivots
/// assert_eq!(f.l.index_axis(Axis(0), 0), array![[1.0, 0.0], [0.25, 1.0]]); // exact: 1/4
/// assert_eq!(f.u.index_axis(Axis(0), 1), array![[4.0, 4.0], [0.0, 1.0]]); // exact: 2 − 0.25·4
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_lu")]
#[doc(alias = "getrf_batched")]
pub fn lu<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<BatchLu<T>> {
    lu_with(a, BatchParallelism::Auto)
}

/// [`lu`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`lu`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{lu_with, BatchParallelism};
/// let f = lu_with(&Array3::<f64>::zeros((3, 2, 2)), BatchParallelism::Rayon)?; // singular: still factors
/// assert!(f.u.iter().all(|&x| x == 0.0)); // exact: nothing to eliminate
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lu_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<BatchLu<T>> {
    let n = check_square3(a)?;
    let nb = a.dim().0;
    let a = a.view();
    let r = map_batch(nb, par, |i| Lu::new(&slice(&a, i)))?;
    let mut perm = Array2::zeros((nb, n));
    let mut l = Array3::zeros((nb, n, n));
    let mut u = Array3::zeros((nb, n, n));
    for (i, f) in r.iter().enumerate() {
        perm.row_mut(i).assign(&Array1::from(f.perm()));
        l.index_axis_mut(Axis(0), i).assign(&f.l());
        u.index_axis_mut(Axis(0), i).assign(&f.u());
    }
    Ok(BatchLu { perm, l, u })
}

/// Thin QR `A_i = Q_i·R_i` of every slice of an `n_batch×m×n` stack: `Q` is `n_batch×m×k` with
/// orthonormal columns, `R` is `n_batch×k×n` upper trapezoidal, `k = min(m, n)` ([`Qr`];
/// ?geqrf + ?orgqr), cost `≈ 4mn² − 4n³/3` per slice with `Q` formed.
///
/// # Errors
/// [`Error::Batch`] wrapping [`Error::NonFinite`].
///
/// ```
/// use ndarray::Array3;
/// let a = Array3::from_shape_fn((2, 3, 2), |(k, i, j)| (k + i + 2 * j) as f64);
/// let (q, r) = ndfactor::batch::qr(&a)?;
/// assert_eq!((q.dim(), r.dim()), ((2, 3, 2), (2, 2, 2)));
/// assert_eq!(r[(0, 1, 0)], 0.0); // exact: R is zero below its diagonal by construction
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_qr")]
#[doc(alias = "geqrf_batched")]
pub fn qr<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix3>) -> Result<(Array3<T>, Array3<T>)> {
    qr_with(a, BatchParallelism::Auto)
}

/// [`qr`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`qr`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{qr_with, BatchParallelism};
/// let (q, r) = qr_with(&Array3::<f64>::zeros((0, 2, 5)), BatchParallelism::Rayon)?;
/// assert_eq!((q.dim(), r.dim()), ((0, 2, 2), (0, 2, 5)));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn qr_with<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix3>,
    par: BatchParallelism,
) -> Result<(Array3<T>, Array3<T>)> {
    let (nb, m, n) = a.dim();
    let k = m.min(n);
    let a = a.view();
    let r = map_batch(nb, par, |i| {
        let f = Qr::new(&slice(&a, i))?;
        Ok((f.q(), f.r()))
    })?;
    let (q, r): (Vec<_>, Vec<_>) = r.into_iter().unzip();
    Ok((stack3(&q, m, k), stack3(&r, k, n)))
}

/// Stacked minimum-norm least-squares solutions ([`lstsq`] and [`lstsq_vec`]).
#[derive(Debug, Clone)]
pub struct BatchLstsq<T: Scalar, D: ndarray::Dimension> {
    /// `X_i = A_i⁺·B_i`: `n_batch×n×k` (or `n_batch×n` from [`lstsq_vec`]).
    pub solution: ndarray::Array<T, D>,
    /// Numerical rank of each slice (cutoff `max(m, n)·ε·σ₁`, NumPy's default).
    pub rank: Array1<usize>,
    /// Singular values of each slice, descending (`n_batch×min(m, n)`).
    pub singular_values: Array2<T::Real>,
}

/// Minimum-norm least squares `min ‖A_i·X_i − B_i‖_F` for every slice through its SVD
/// ([`crate::lstsq`]: NumPy's default cutoff `max(m, n)·ε·σ₁`, never `AᴴA`): `a` is
/// `n_batch×m×n`, `b` is `n_batch×m×k`, the solutions `n_batch×n×k`. Rank-deficient slices get
/// their minimum-norm solution (no error). Cost: one SVD per slice.
///
/// # Errors
/// [`Error::DimensionMismatch`] when the batch sizes or the rows of `b` differ from `a`'s;
/// [`Error::Batch`] wrapping [`Error::NonFinite`] (in `a` or `b`) or [`Error::NoConvergence`].
///
/// ```
/// use ndarray::{array, Array3};
/// // Fit a line y = c₀ + c₁·t to three points, twice.
/// let a = Array3::from_shape_fn((2, 3, 2), |(_, i, j)| if j == 0 { 1.0 } else { i as f64 });
/// let b = Array3::from_shape_fn((2, 3, 1), |(k, i, _)| (k + 1) as f64 * i as f64 + 1.0);
/// let r = ndfactor::batch::lstsq(&a, &b)?;
/// assert_eq!(r.rank.to_vec(), vec![2, 2]);
/// assert!((r.solution[(1, 0, 0)] - 1.0).abs() < 1e-14 && (r.solution[(1, 1, 0)] - 2.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_lstsq")]
#[doc(alias = "gelsd_batched")]
pub fn lstsq<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix3>,
) -> Result<BatchLstsq<T, Ix3>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    lstsq_with(a, b, BatchParallelism::Auto)
}

/// [`lstsq`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`lstsq`].
///
/// ```
/// use ndarray::Array3;
/// use ndfactor::batch::{lstsq_with, BatchParallelism};
/// let a = Array3::<f64>::zeros((2, 3, 2)); // rank 0: the minimum-norm solution is 0
/// let r = lstsq_with(&a, &Array3::ones((2, 3, 1)), BatchParallelism::Rayon)?;
/// assert!(r.solution.iter().all(|&x| x == 0.0) && r.rank.iter().all(|&k| k == 0)); // exact: nothing kept
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lstsq_with<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix3>,
    par: BatchParallelism,
) -> Result<BatchLstsq<T, Ix3>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let (na, m, n) = a.dim();
    let (nb, bm, k) = b.dim();
    check_batch("batch::lstsq: batch size of b", na, nb)?;
    check_batch("batch::lstsq: rows of b", m, bm)?;
    let (a, b) = (a.view(), b.view());
    let r = map_batch(nb, par, |i| {
        crate::lowrank::lstsq(&slice(&a, i), &slice(&b, i))
    })?;
    let xs: Vec<Array2<T>> = r.iter().map(|x| x.solution.clone()).collect();
    Ok(BatchLstsq {
        solution: stack3(&xs, n, k),
        rank: r.iter().map(|x| x.rank).collect(),
        singular_values: stack2(
            &r.into_iter().map(|x| x.singular_values).collect::<Vec<_>>(),
            m.min(n),
        ),
    })
}

/// [`lstsq`] with one right-hand side per slice: `b` is `n_batch×m`, the solutions `n_batch×n`.
///
/// # Errors
/// As [`lstsq`].
///
/// ```
/// use ndarray::{array, Array3};
/// let a = Array3::from_shape_fn((1, 2, 1), |_| 1.0f64); // x ≈ mean of b
/// let r = ndfactor::batch::lstsq_vec(&a, &array![[1.0, 3.0]])?;
/// assert!((r.solution[(0, 0)] - 2.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[doc(alias = "batched_lstsq")]
pub fn lstsq_vec<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix2>,
) -> Result<BatchLstsq<T, Ix2>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    lstsq_vec_with(a, b, BatchParallelism::Auto)
}

/// [`lstsq_vec`] with an explicit [`BatchParallelism`].
///
/// # Errors
/// As [`lstsq`].
///
/// ```
/// use ndarray::{array, Array3};
/// use ndfactor::batch::{lstsq_vec_with, BatchParallelism};
/// let a = Array3::from_shape_fn((2, 1, 1), |(k, _, _)| (k + 1) as f64);
/// let r = lstsq_vec_with(&a, &array![[2.0], [2.0]], BatchParallelism::Sequential)?;
/// assert!((r.solution[(1, 0)] - 1.0).abs() < 1e-15);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn lstsq_vec_with<T, S1, S2>(
    a: &ArrayBase<S1, Ix3>,
    b: &ArrayBase<S2, Ix2>,
    par: BatchParallelism,
) -> Result<BatchLstsq<T, Ix2>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
{
    let (na, m, n) = a.dim();
    let (nb, bm) = b.dim();
    check_batch("batch::lstsq_vec: batch size of b", na, nb)?;
    check_batch("batch::lstsq_vec: length of b", m, bm)?;
    let (a, b) = (a.view(), b.view());
    let r = map_batch(nb, par, |i| {
        crate::lowrank::lstsq(&slice(&a, i), &b.index_axis(Axis(0), i))
    })?;
    let xs: Vec<Array1<T>> = r.iter().map(|x| x.solution.clone()).collect();
    Ok(BatchLstsq {
        solution: stack2(&xs, n),
        rank: r.iter().map(|x| x.rank).collect(),
        singular_values: stack2(
            &r.into_iter().map(|x| x.singular_values).collect::<Vec<_>>(),
            m.min(n),
        ),
    })
}
