//! The one error type of ndfactor.

/// Everything that can go wrong in ndfactor, with the context needed to act on it.
///
/// Indices that come from LAPACK (`Singular`, `NotPositiveDefinite`) are **1-based**, as LAPACK
/// reports them, so that they match LAPACK's documentation and SciPy's messages. Row and column
/// indices of the input (`NonFinite`) are 0-based ndarray indices.
///
/// ```
/// use ndarray::array;
/// use ndfactor::{Cholesky, Error};
/// let a = array![[1.0, 2.0], [2.0, 1.0]]; // eigenvalues 3 and -1
/// match Cholesky::new(&a) {
///     Err(Error::NotPositiveDefinite { index }) => assert_eq!(index, 2),
///     other => panic!("expected NotPositiveDefinite, got {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A square matrix was required.
    #[error("matrix must be square, but it is {rows}×{cols}")]
    NotSquare {
        /// Rows of the input.
        rows: usize,
        /// Columns of the input.
        cols: usize,
    },
    /// Two operands do not fit together.
    #[error("dimension mismatch in {operation}: expected {expected}, found {found}")]
    DimensionMismatch {
        /// What was being done, e.g. `"solve: rows of b"`.
        operation: &'static str,
        /// The size that was required.
        expected: usize,
        /// The size that was given.
        found: usize,
    },
    /// The input holds NaN or ±∞ where LAPACK would read it (0-based position, first in row-major
    /// order). LAPACK is never called on such input: some routines loop forever on it.
    #[error("matrix holds a non-finite value (NaN or infinity) at row {row}, column {col}")]
    NonFinite {
        /// 0-based row.
        row: usize,
        /// 0-based column.
        col: usize,
    },
    /// The matrix is exactly singular: pivot `index` (1-based, LAPACK's INFO) is zero.
    #[error("matrix is singular: pivot {index} (1-based) is exactly zero")]
    Singular {
        /// 1-based index of the first zero pivot.
        index: usize,
    },
    /// Cholesky failed: the leading minor of order `index` (1-based) is not positive definite.
    #[error("matrix is not positive definite: the leading minor of order {index} is not positive")]
    NotPositiveDefinite {
        /// Order of the first leading minor that is not positive definite (LAPACK's INFO).
        index: usize,
    },
    /// A checked solve refused a matrix whose reciprocal condition number is below the threshold.
    #[error(
        "matrix is ill conditioned: rcond = {rcond:.3e} is below the threshold {threshold:.3e} \
         (about {lost:.0} of the precision's digits would be lost)",
        lost = -rcond.log10()
    )]
    IllConditioned {
        /// Estimated reciprocal condition number in the 1-norm.
        rcond: f64,
        /// The threshold it was compared with.
        threshold: f64,
    },
    /// An iterative LAPACK routine did not converge.
    #[error("{routine} did not converge (INFO = {info})")]
    NoConvergence {
        /// LAPACK routine name, e.g. `"dgesdd"`.
        routine: &'static str,
        /// LAPACK's INFO.
        info: crate::int::BlasInt,
    },
    /// Reordering a Schur form failed: eigenvalues to be swapped are too close to separate
    /// (real ?trsen INFO = 1; the problem is very ill conditioned). The Schur form is unchanged.
    #[error("{routine} could not reorder the Schur form: eigenvalues too close to separate")]
    ReorderFailed {
        /// LAPACK routine name, e.g. `"dtrsen"`.
        routine: &'static str,
    },
    /// A dimension, leading dimension or workspace does not fit LAPACK's integers
    /// ([`BlasInt`](crate::int::BlasInt): 32 bits, or 64 with the ILP64 backend).
    #[error(
        "size {dim} exceeds LAPACK's {}-bit integer limit ({})",
        crate::int::BlasInt::BITS,
        crate::int::BlasInt::MAX
    )]
    TooLarge {
        /// The size that does not fit.
        dim: usize,
    },
    /// A requested rank is out of range.
    #[error("rank {k} is out of range: it must be at most {max}")]
    InvalidRank {
        /// The rank asked for.
        k: usize,
        /// The largest valid rank, `min(m, n)`.
        max: usize,
    },
    /// LAPACK rejected argument `arg` of `routine`. This is a bug in ndfactor: please report it.
    #[error("LAPACK {routine} rejected argument {arg}: this is a bug in ndfactor")]
    IllegalArgument {
        /// LAPACK routine name.
        routine: String,
        /// 1-based position of the rejected argument.
        arg: i32,
    },
    /// LAPACK returned non-finite values from finite input (e.g. overflow from pivot growth, or
    /// OpenBLAS 0.3.21's ?getrf on subnormal pivots).
    #[error("{routine} produced non-finite values from finite input")]
    NumericalBreakdown {
        /// LAPACK routine name.
        routine: &'static str,
    },
    /// The operation has no defined result for an empty matrix.
    #[error("{operation} is not defined for an empty matrix")]
    Empty {
        /// The operation.
        operation: &'static str,
    },
    /// An entry index lies outside the matrix (0-based; matrix completion input).
    #[error("entry ({row}, {col}) is outside the {rows}×{cols} matrix")]
    IndexOutOfBounds {
        /// 0-based row of the entry.
        row: usize,
        /// 0-based column of the entry.
        col: usize,
        /// Rows of the matrix.
        rows: usize,
        /// Columns of the matrix.
        cols: usize,
    },
    /// The same entry is given twice (0-based; matrix completion input).
    #[error("entry ({row}, {col}) is given more than once")]
    DuplicateEntry {
        /// 0-based row of the entry.
        row: usize,
        /// 0-based column of the entry.
        col: usize,
    },
    /// A tensor holds NaN or ±∞ at this 0-based multi-index (first in row-major order).
    #[error("tensor holds a non-finite value (NaN or infinity) at index {index:?}")]
    NonFiniteTensor {
        /// 0-based multi-index of the first non-finite entry.
        index: Vec<usize>,
    },
    /// An iterative method reached its iteration limit before every requested result met its
    /// tolerance (e.g. [`Svds`](crate::sparse::Svds); its `allow_partial` returns the partial
    /// result instead).
    #[error(
        "{method} converged for {converged} of {requested} singular triplets in {iterations} \
         iterations"
    )]
    NotConverged {
        /// The method, e.g. `"svds (lanczos)"`.
        method: &'static str,
        /// How many results met the tolerance.
        converged: usize,
        /// How many were requested.
        requested: usize,
        /// Iterations done (restarts or power iterations).
        iterations: usize,
    },
    /// A parameter (tolerance, fraction, count) is out of its range.
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
    /// A `.npy` file's header is missing, truncated or corrupt (out-of-core sources).
    #[error("{path}: not a valid .npy file: {reason}")]
    NpyHeader {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A `.npy` file holds another element type than the one asked for.
    #[error("{path}: holds {found}, but {expected} was asked for")]
    WrongDtype {
        /// The file.
        path: String,
        /// The element type asked for (`"f32"`, `"f64"`, `"c32"`, `"c64"`).
        expected: &'static str,
        /// The file's type descriptor, as written in its header.
        found: String,
    },
    /// A `.npy` file is shorter than its header says (a truncated copy or an interrupted write).
    #[error("{path}: {missing} bytes of data are missing (file shorter than its header says)")]
    FileTooShort {
        /// The file.
        path: String,
        /// Bytes missing.
        missing: usize,
    },
    /// Shards of a row-concatenated matrix have different column counts.
    #[error("shard {shard} has {found} columns, but shard 0 has {expected}")]
    ShardMismatch {
        /// 0-based index of the offending shard.
        shard: usize,
        /// Columns of shard 0.
        expected: usize,
        /// Columns of this shard.
        found: usize,
    },
    /// An out-of-core source changed between passes (its length or modification time differs
    /// from when it was opened): results would mix two matrices.
    #[error("{path} changed between passes: {reason}")]
    SourceChanged {
        /// The file (or source description).
        path: String,
        /// What changed.
        reason: String,
    },
    /// Slice `index` (0-based, along the batch axis) of a stacked input failed with `source`
    /// ([`batch`](crate::batch) functions); the other slices' results are not returned.
    #[error("matrix {index} of the batch (0-based): {source}")]
    Batch {
        /// 0-based index of the first failing slice.
        index: usize,
        /// That slice's own error.
        source: Box<Error>,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {operation} failed: {reason}")]
    Io {
        /// The file or directory.
        path: String,
        /// What was being done, e.g. `"create output directory"`.
        operation: &'static str,
        /// The operating system's message.
        reason: String,
    },
}

/// `Result<T, ndfactor::Error>`.
pub type Result<T> = std::result::Result<T, Error>;
