//! Out of core: matrices read in consecutive row blocks, pass after pass.
//!
//! A [`RowBlockSource`] is an `m×n` matrix that can be visited as row blocks `A[r₀..r₁, :]` of
//! at most `block_rows` rows, from the first row to the last, as many times as an algorithm
//! needs ("passes"). Only one block (plus whatever the source maps or decodes) is in memory at a
//! time, so the streamed algorithms here ([`StreamedRandomizedSvd`], [`SinglePassSvd`],
//! [`StreamedPca`], [`tsqr_r`]) work on matrices larger than
//! memory, with working memory `O(block_rows·n + (m + n)·(k + p))` values.
//!
//! Sources:
//! - any 2-D ndarray array or view, any layout ([`ArrayBase`] implements the trait), so every
//!   streamed algorithm can be checked against its in-core twin;
//! - [`NpyFile`]: a memory-mapped `.npy` file (f32, f64, c32, c64; C or F order);
//! - [`NpyShards`]: several `.npy` files concatenated by rows;
//! - [`FnSource`]: a closure producing the rows asked for (data generated or decoded on the fly).
//!
//! ```
//! use ndarray::array;
//! use ndfactor::stream::RowBlockSource;
//! let mut a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
//! let mut starts = Vec::new();
//! a.for_each_block(2, &mut |row0, block| {
//!     starts.push((row0, block.nrows()));
//!     Ok(())
//! })?;
//! assert_eq!(starts, vec![(0, 2), (2, 1)]);
//! # Ok::<(), ndfactor::Error>(())
//! ```

mod basis;
mod npy;
mod pca;
mod rsvd;
mod sketch;
mod tsqr;

pub use npy::{NpyFile, NpyRowWriter, NpyShards, Prefetch};
pub use pca::StreamedPca;
pub use rsvd::{StreamProgress, StreamedRandomizedSvd, TruncatedSvdOnDisk};
pub use sketch::SinglePassSvd;
pub use tsqr::{tall_skinny_svd, tsqr, tsqr_r};

use ndarray::{s, Array2, ArrayBase, ArrayView2, Data, Ix2};

use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// The visitor a [`RowBlockSource`] calls: `(row0, block)` with `row0` the 0-based global index
/// of the block's first row. An error it returns stops the pass and is passed on.
pub type BlockVisitor<'v, T> = dyn FnMut(usize, ArrayView2<'_, T>) -> Result<()> + 'v;

/// An `m×n` matrix readable in consecutive row blocks, pass after pass.
///
/// One call of [`for_each_block`](Self::for_each_block) is one pass: the visitor sees row blocks
/// covering rows `0..m` in order, each with at least one and at most `block_rows` rows (a source
/// may cut blocks shorter, e.g. at a shard boundary). A source whose data can change between
/// passes (a file) checks at the start of every pass that it did not and returns
/// [`Error::SourceChanged`] otherwise.
///
/// Implementing it for another storage (a database cursor, a distributed engine's partition) is
/// a matter of these two methods:
///
/// ```
/// use ndarray::{Array2, ArrayView2};
/// use ndfactor::stream::{BlockVisitor, RowBlockSource};
/// /// The m×n matrix with entries i + j, generated on the fly.
/// struct Sum(usize, usize);
/// impl RowBlockSource<f64> for Sum {
///     fn shape(&self) -> (usize, usize) { (self.0, self.1) }
///     fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, f64>)
///         -> ndfactor::Result<()> {
///         let mut r = 0;
///         while r < self.0 {
///             let h = block_rows.max(1).min(self.0 - r);
///             let b = Array2::from_shape_fn((h, self.1), |(i, j)| (r + i + j) as f64);
///             visit(r, b.view())?;
///             r += h;
///         }
///         Ok(())
///     }
/// }
/// let mut total = 0.0;
/// Sum(4, 3).for_each_block(3, &mut |_, b: ArrayView2<f64>| { total += b.sum(); Ok(()) })?;
/// assert_eq!(total, 30.0); // Σ (i + j) over 4×3, exact in f64
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub trait RowBlockSource<T: Scalar> {
    /// `(m, n)`: rows and columns.
    fn shape(&self) -> (usize, usize);

    /// One pass: calls `visit(row0, block)` for consecutive row blocks of at most `block_rows`
    /// rows (`block_rows = 0` is taken as 1).
    ///
    /// # Errors
    /// Whatever the visitor returns; [`Error::SourceChanged`] when the data changed since the
    /// source was opened; I/O and format errors of the source.
    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()>;
}

impl<T: Scalar, S: Data<Elem = T>> RowBlockSource<T> for ArrayBase<S, Ix2> {
    fn shape(&self) -> (usize, usize) {
        self.dim()
    }

    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()> {
        visit_view_blocks(self.view(), 0, block_rows, visit)
    }
}

/// Row blocks of a view (any layout): slices, no copy.
pub(crate) fn visit_view_blocks<T: Scalar>(
    a: ArrayView2<'_, T>,
    row_offset: usize,
    block_rows: usize,
    visit: &mut BlockVisitor<'_, T>,
) -> Result<()> {
    let m = a.nrows();
    let h = block_rows.max(1);
    let mut r = 0;
    while r < m {
        let e = (r + h).min(m);
        visit(row_offset + r, a.slice(s![r..e, ..]))?;
        r = e;
    }
    Ok(())
}

/// A matrix produced by a closure: `produce(row0, rows)` returns rows `row0..row0 + rows` as an
/// `rows×n` array. The closure is called again on every pass, so it must produce the same rows
/// each time (a seeded generator, a deterministic decoder).
///
/// ```
/// use ndarray::Array2;
/// use ndfactor::stream::{FnSource, RowBlockSource};
/// let mut src = FnSource::new(5, 2, |r0, h| Ok(Array2::from_shape_fn((h, 2), |(i, j)| (r0 + i) as f64 * (j as f64 + 1.0))));
/// let mut rows = 0;
/// src.for_each_block(2, &mut |_, b| { rows += b.nrows(); Ok(()) })?;
/// assert_eq!(rows, 5);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct FnSource<F> {
    m: usize,
    n: usize,
    produce: F,
}

impl<F> FnSource<F> {
    /// An `m×n` source whose rows come from `produce(row0, rows)`.
    ///
    /// ```
    /// use ndfactor::stream::{FnSource, RowBlockSource};
    /// let src = FnSource::new(3, 4, |_, h| Ok(ndarray::Array2::<f32>::zeros((h, 4))));
    /// assert_eq!(RowBlockSource::<f32>::shape(&src), (3, 4));
    /// ```
    pub fn new(m: usize, n: usize, produce: F) -> Self {
        FnSource { m, n, produce }
    }
}

impl<T, F> RowBlockSource<T> for FnSource<F>
where
    T: Scalar,
    F: FnMut(usize, usize) -> Result<Array2<T>>,
{
    fn shape(&self) -> (usize, usize) {
        (self.m, self.n)
    }

    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()> {
        let h = block_rows.max(1);
        let mut r = 0;
        while r < self.m {
            let rows = h.min(self.m - r);
            let b = (self.produce)(r, rows)?;
            if b.nrows() != rows {
                return Err(Error::DimensionMismatch {
                    operation: "FnSource: rows of a produced block",
                    expected: rows,
                    found: b.nrows(),
                });
            }
            if b.ncols() != self.n {
                return Err(Error::DimensionMismatch {
                    operation: "FnSource: columns of a produced block",
                    expected: self.n,
                    found: b.ncols(),
                });
            }
            visit(r, b.view())?;
            r += rows;
        }
        Ok(())
    }
}

/// Checks a block for NaN/±∞ and reports the first one at its **global** position (`row0` is
/// the block's first row), in row-major order, as [`Error::NonFinite`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::{stream::check_block_finite, Error};
/// let b = array![[1.0, 2.0], [f64::NAN, 0.0]];
/// assert_eq!(check_block_finite(10, &b.view()), Err(Error::NonFinite { row: 11, col: 0 }));
/// ```
///
/// # Errors
/// [`Error::NonFinite`].
pub fn check_block_finite<T: Scalar>(row0: usize, block: &ArrayView2<'_, T>) -> Result<()> {
    crate::layout::check_finite(block).map_err(|e| match e {
        Error::NonFinite { row, col } => Error::NonFinite {
            row: row0 + row,
            col,
        },
        other => other,
    })
}

/// The first-pass statistics of a block: checks it for NaN/±∞ ([`check_block_finite`]) and
/// returns `(max |re|, |im| of its entries, ‖block‖_F)`.
///
/// A contiguous block is read once: one sweep sums the squares (eight partial sums in memory
/// order, as `norm_fro` does, so the norm has the same bits) and takes the maximum; a NaN or ∞
/// makes the sum non-finite, and only then is the block scanned again to locate it (or, when
/// all entries are finite, to rescale: squares beyond the overflow limit). Entries whose
/// maximum lies outside the unscaled window of `norm_fro` are summed again with its scaling.
pub(crate) fn block_stats<T: Scalar>(
    row0: usize,
    block: &ArrayView2<'_, T>,
) -> Result<(T::Real, T::Real)> {
    use crate::scalar::RealScalar;
    let zero = T::Real::from_f64(0.0);
    let Some(xs) = block.as_slice_memory_order() else {
        check_block_finite(row0, block)?;
        let bm = crate::layout::max_component(block);
        return Ok((bm, crate::verify::norm_fro_with_max(block, bm)));
    };
    let mut part = [zero; 8];
    let mut big = [zero; 8];
    let mut chunks = xs.chunks_exact(8);
    for c in &mut chunks {
        for j in 0..8 {
            let (re, im) = (c[j].re(), c[j].im());
            part[j] += re * re + im * im;
            // `max` ignores NaN; a NaN shows in the sum instead.
            big[j] = big[j].max(re.abs()).max(im.abs());
        }
    }
    let mut ss = part.iter().fold(zero, |s, &p| s + p);
    let mut bm = big.iter().fold(zero, |m, &v| m.max(v));
    for x in chunks.remainder() {
        let (re, im) = (x.re(), x.im());
        ss += re * re + im * im;
        bm = bm.max(re.abs()).max(im.abs());
    }
    if !ss.is_finite() {
        // A NaN or ∞ (reported at its global position), or squares that overflow.
        check_block_finite(row0, block)?;
        return Ok((bm, crate::verify::norm_fro_with_max(block, bm)));
    }
    if bm == zero || crate::lapack::numeric::outside_window_exponent::<T>(bm) != 0 {
        return Ok((bm, crate::verify::norm_fro_with_max(block, bm)));
    }
    Ok((bm, ss.sqrt()))
}

/// Running `‖·‖_F` of a sequence of blocks without overflow or underflow: the LAPACK `?lassq`
/// representation `scale·√ssq` over the blocks' own (already safely computed) norms.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FroAccumulator<R> {
    scale: R,
    ssq: R,
}

impl<R: crate::scalar::RealScalar> FroAccumulator<R> {
    pub(crate) fn new() -> Self {
        FroAccumulator {
            scale: R::from_f64(0.0),
            ssq: R::from_f64(1.0),
        }
    }

    /// Adds a block whose Frobenius norm is `f`.
    pub(crate) fn add(&mut self, f: R) {
        if f > self.scale {
            let r = self.scale / f;
            self.ssq = R::from_f64(1.0) + self.ssq * r * r;
            self.scale = f;
        } else if f > R::from_f64(0.0) {
            let r = f / self.scale;
            self.ssq += r * r;
        }
    }

    pub(crate) fn norm(&self) -> R {
        self.scale * self.ssq.sqrt()
    }
}
