//! Distributed dense linear algebra over MPI (feature `mpi`): ScaLAPACK factorizations of
//! matrices in 2-D block-cyclic layout, and TSQR / randomized SVD / PCA of tall matrices whose
//! rows are split over the processes.
//!
//! Every function here is **collective**: all processes of the grid (or communicator) call it
//! together, with the same global arguments. Errors are agreed on before returning: when the
//! input is bad on any process (a NaN, local shapes that do not fit), or ScaLAPACK reports a
//! failure, *every* process returns the same [`Error`], with global positions,
//! so that no process is left waiting in a collective call. Inputs are checked for NaN/∞ before
//! any ScaLAPACK call, as in core.
//!
//! | in core | distributed | ScaLAPACK |
//! |---|---|---|
//! | [`Lu`](crate::Lu) | [`DistLu`] | `p?getrf`, `p?getrs`, `p?gecon` |
//! | [`Cholesky`](crate::Cholesky) | [`DistCholesky`] | `p?potrf`, `p?potrs`, `p?pocon`, `p?lansy` / `p?lanhe` |
//! | [`Qr`](crate::Qr) | [`DistQr`] | `p?geqrf`, `p?orgqr` / `p?ungqr` |
//! | [`Qr::solve_with_residual`](crate::Qr::solve_with_residual) | [`DistMatrix::solve_with_residual`], [`DistMatrix::solve_adjoint_with_residual`] ([`DistSolutionWithResidual`]) | `p?gels` |
//! | [`SymmetricEigen`](crate::SymmetricEigen) | [`DistSymmetricEigen`] | `p?syevd` / `p?heevd` |
//! | [`Svd`](crate::Svd) | [`DistSvd`] | `p?gesvd` |
//! | [`stream::tsqr_r`](crate::stream::tsqr_r) | [`tsqr`] | in-core `?geqrf` on each process, a binary reduction tree over processes |
//! | [`RandomizedSvd`](crate::RandomizedSvd) | [`DistRandomizedSvd`] | local products, MPI all-reduce |
//! | [`Pca`](crate::Pca) | [`DistPca`] | distributed means, then [`DistRandomizedSvd`] |
//!
//! The element types are `f32`, `f64`, `c32` and `c64` ([`DistScalar`]).
//!
//! MPI itself is initialised by the program (`mpi::initialize()`, re-exported as
//! [`dist::mpi`](mpi)) and must stay initialised while grids and distributed matrices exist:
//! drop them before the `Universe`. Run with `mpirun -n 4 ./program`; see docs/distributed.md.
//!
//! ```
//! use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
//! let universe = mpi::initialize().unwrap();
//! let grid = ProcessGrid::new(&universe.world())?;
//! let a = ndarray::array![[4.0f64, 1.0], [2.0, 3.0]];
//! // The whole matrix lives on rank 0; the other ranks pass None.
//! let root = (grid.rank() == 0).then(|| a.view());
//! let da = DistMatrix::scatter(&grid, root, 64)?;
//! let x = DistLu::new(&da)?.solve(&DistMatrix::scatter(&grid, root, 64)?)?;
//! if let Some(x) = x.gather()? {
//!     // A·X = A, so X = I.
//!     assert!((&x - &ndarray::Array2::<f64>::eye(2)).iter().all(|e| e.abs() < 1e-14));
//! }
//! # Ok::<(), ndfactor::Error>(())
//! ```
//!
//! Least squares and condition estimates work the same way: every process calls, every process
//! gets the same residual norms and the same `rcond`.
//!
//! ```
//! use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
//! let universe = mpi::initialize().unwrap();
//! let grid = ProcessGrid::new(&universe.world())?;
//! let on_root = |m: &ndarray::Array2<f64>| DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| m.view()), 2);
//! // The line through (0, 0), (1, 1), (2, 3) nearest in least squares: y = −1/6 + 3/2·t.
//! let a = ndarray::array![[1.0f64, 0.0], [1.0, 1.0], [1.0, 2.0]];
//! let b = ndarray::array![[0.0f64], [1.0], [3.0]];
//! let ls = on_root(&a)?.solve_with_residual(&on_root(&b)?)?;
//! assert!((ls.residual_norm[0] - (1.0f64 / 6.0).sqrt()).abs() < 1e-14);
//! if let Some(c) = ls.solution.gather()? {
//!     assert!((c[[0, 0]] + 1.0 / 6.0).abs() < 1e-14 && (c[[1, 0]] - 1.5).abs() < 1e-14);
//! }
//! // The normal matrix AᵀA = [[3, 3], [3, 5]] is positive definite; rcond = 1/(‖G‖₁‖G⁻¹‖₁).
//! let g = a.t().dot(&a);
//! let rcond = DistCholesky::new(&on_root(&g)?, ndfactor::Uplo::Lower)?.rcond()?;
//! assert!((rcond - 6.0 / 64.0).abs() < 1e-14); // ‖G‖₁ = 8, ‖G⁻¹‖₁ = 8/6
//! # Ok::<(), ndfactor::Error>(())
//! ```

use std::os::raw::c_char;

pub use mpi;
use mpi::collective::SystemOperation;
use mpi::datatype::{Equivalence, Partition, PartitionMut};
use mpi::raw::AsRaw;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use ndarray::{Array2, ArrayView2, ShapeBuilder};

use crate::error::{Error, Result};
use crate::lapack::scalapack::{self as sl, Desc, ScaInt, Scalapack};
use crate::scalar::Scalar;

mod factor;
mod lowrank;

#[allow(deprecated)]
pub use factor::DistLeastSquares;
pub use factor::{
    DistCholesky, DistLu, DistQr, DistSolutionWithResidual, DistSvd, DistSymmetricEigen,
};
pub use lowrank::{tsqr, DistFittedPca, DistPca, DistRandomizedSvd, DistTruncatedSvd, Tsqr};

/// The element types of distributed matrices: `f32`, `f64`, `c32`, `c64` (every type that is
/// both a ScaLAPACK type and an MPI datatype).
///
/// ```
/// fn takes<T: ndfactor::dist::DistScalar>() {}
/// takes::<f64>();
/// takes::<ndfactor::c64>();
/// ```
pub trait DistScalar: Scalar + Scalapack + Equivalence {}
impl<T: Scalar + Scalapack + Equivalence> DistScalar for T {}

// ---------------------------------------------------------------------------------------------
// Agreement: every process returns the same result kind.

/// Routine names an error may carry across processes (`&'static str` fields).
const ROUTINES: &[&str] = &[
    "psgetrf", "pdgetrf", "pcgetrf", "pzgetrf", "pspotrf", "pdpotrf", "pcpotrf", "pzpotrf",
    "pssyevd", "pdsyevd", "pcheevd", "pzheevd", "psgesvd", "pdgesvd", "pcgesvd", "pzgesvd",
    "psgeqrf", "pdgeqrf", "pcgeqrf", "pzgeqrf", "psgecon", "pdgecon", "pcgecon", "pzgecon",
    "sgeqrf", "dgeqrf", "cgeqrf", "zgeqrf", "sgesdd", "dgesdd", "cgesdd", "zgesdd", "psgels",
    "pdgels", "pcgels", "pzgels", "pspocon", "pdpocon", "pcpocon", "pzpocon",
];

fn routine_code(r: &str) -> i64 {
    ROUTINES
        .iter()
        .position(|x| *x == r)
        .map_or(-1, |i| i as i64)
}

/// Encodes the errors that keep their type across processes.
fn encode(e: &Error) -> Option<[i64; 4]> {
    let u = |x: usize| i64::try_from(x).unwrap_or(i64::MAX);
    Some(match e {
        Error::NonFinite { row, col } => [1, u(*row), u(*col), 0],
        Error::Singular { index } => [2, u(*index), 0, 0],
        Error::NotPositiveDefinite { index } => [3, u(*index), 0, 0],
        Error::TooLarge { dim } => [4, u(*dim), 0, 0],
        Error::NoConvergence { routine, info } if routine_code(routine) >= 0 => {
            [5, routine_code(routine), i64::from(*info), 0]
        }
        Error::NumericalBreakdown { routine } if routine_code(routine) >= 0 => {
            [6, routine_code(routine), 0, 0]
        }
        Error::ShardMismatch {
            shard,
            expected,
            found,
        } => [7, u(*shard), u(*expected), u(*found)],
        Error::InvalidRank { k, max } => [8, u(*k), u(*max), 0],
        _ => return None,
    })
}

fn decode(c: [i64; 4]) -> Error {
    let u = |x: i64| usize::try_from(x).unwrap_or(usize::MAX);
    match c[0] {
        1 => Error::NonFinite {
            row: u(c[1]),
            col: u(c[2]),
        },
        2 => Error::Singular { index: u(c[1]) },
        3 => Error::NotPositiveDefinite { index: u(c[1]) },
        4 => Error::TooLarge { dim: u(c[1]) },
        5 => Error::NoConvergence {
            routine: ROUTINES[u(c[1])],
            info: c[2] as crate::BlasInt,
        },
        6 => Error::NumericalBreakdown {
            routine: ROUTINES[u(c[1])],
        },
        7 => Error::ShardMismatch {
            shard: u(c[1]),
            expected: u(c[2]),
            found: u(c[3]),
        },
        _ => Error::InvalidRank {
            k: u(c[1]),
            max: u(c[2]),
        },
    }
}

/// Makes every process of `comm` return the same outcome: when any process holds an error,
/// all return the error of the lowest such rank (re-created on the others; an error that cannot
/// be re-created becomes [`Error::InvalidArgument`] with its message on every process).
pub(crate) fn agree<C: Communicator, T>(comm: &C, r: Result<T>) -> Result<T> {
    let size = comm.size();
    let mine = if r.is_err() { comm.rank() } else { size };
    let mut first = size;
    comm.all_reduce_into(&mine, &mut first, SystemOperation::min());
    if first == size {
        return r;
    }
    let root = comm.process_at_rank(first);
    let me = comm.rank() == first;
    let mut code = [0i64; 4];
    let mut text = Vec::new();
    if let Err(e) = &r {
        if me {
            match encode(e) {
                Some(c) => code = c,
                None => text = format!("process {first}: {e}").into_bytes(),
            }
        }
    }
    root.broadcast_into(&mut code[..]);
    if code[0] != 0 {
        return Err(decode(code));
    }
    let mut len = text.len() as u64;
    root.broadcast_into(&mut len);
    text.resize(len as usize, 0);
    root.broadcast_into(&mut text[..]);
    Err(Error::InvalidArgument {
        reason: String::from_utf8_lossy(&text).into_owned(),
    })
}

/// The global `NonFinite` error when any process found a non-finite entry: `key` is the local
/// smallest `row·n + col` of a non-finite entry (`u64::MAX` for none), reduced to the global
/// first in row-major order.
pub(crate) fn agree_finite<C: Communicator>(comm: &C, key: u64, n: usize) -> Result<()> {
    let mut first = u64::MAX;
    comm.all_reduce_into(&key, &mut first, SystemOperation::min());
    if first == u64::MAX {
        return Ok(());
    }
    let n = n.max(1) as u64;
    Err(Error::NonFinite {
        row: (first / n) as usize,
        col: (first % n) as usize,
    })
}

/// The smallest `(r0 + i)·n + j` over non-finite entries of a row block starting at row `r0`.
fn first_non_finite_rows<T: Scalar>(a: &ArrayView2<T>, r0: usize) -> u64 {
    let n = a.ncols() as u64;
    for (i, row) in a.rows().into_iter().enumerate() {
        if let Some(j) = row.iter().position(|x| !x.is_finite()) {
            return (r0 + i) as u64 * n + j as u64;
        }
    }
    u64::MAX
}

/// Sum of `x` over the processes.
pub(crate) fn sum_f64<C: Communicator>(comm: &C, x: f64) -> f64 {
    let mut s = 0.0;
    comm.all_reduce_into(&x, &mut s, SystemOperation::sum());
    s
}

/// Element-wise sum over the processes, in place.
pub(crate) fn sum_in_place<C: Communicator, T: DistScalar>(comm: &C, buf: &mut [T]) {
    let send = buf.to_vec();
    comm.all_reduce_into(&send[..], buf, SystemOperation::sum());
}

fn count(n: usize) -> Result<mpi::Count> {
    mpi::Count::try_from(n).map_err(|_| Error::TooLarge { dim: n })
}

fn displs(counts: &[mpi::Count]) -> Result<Vec<mpi::Count>> {
    let mut d = Vec::with_capacity(counts.len());
    let mut acc = 0usize;
    for &c in counts {
        d.push(count(acc)?);
        acc += c as usize;
    }
    count(acc)?;
    Ok(d)
}

/// All-to-all with variable counts; `send` holds the blocks for ranks 0, 1, … in order.
fn exchange<C: Communicator, T: DistScalar>(
    comm: &C,
    send: &[T],
    send_counts: &[usize],
    recv_counts: &[usize],
) -> Result<Vec<T>> {
    let sc = send_counts
        .iter()
        .map(|&c| count(c))
        .collect::<Result<Vec<_>>>();
    let rc = recv_counts
        .iter()
        .map(|&c| count(c))
        .collect::<Result<Vec<_>>>();
    let ok = agree(comm, sc.and_then(|sc| Ok((displs(&sc)?, sc))));
    let okr = agree(comm, rc.and_then(|rc| Ok((displs(&rc)?, rc))));
    let ((sd, sc), (rd, rc)) = (ok?, okr?);
    let mut recv = vec![T::zero(); recv_counts.iter().sum()];
    {
        let s = Partition::new(send, &sc[..], &sd[..]);
        let mut r = PartitionMut::new(&mut recv[..], &rc[..], &rd[..]);
        comm.all_to_all_varcount_into(&s, &mut r);
    }
    Ok(recv)
}

// ---------------------------------------------------------------------------------------------
// Reading a file collectively.

/// This process's share of the rows of a `.npy` file that every process can open (a shared
/// file system, or the same file on each node): rows `[r₀, r₀ + mᵣ)` of the even split
/// ([`ProcessGrid::even_rows`]: the first `m mod size` ranks get one row more), copied out of
/// a read-only memory map of the file ([`stream::NpyFile`](crate::stream::NpyFile); f32, f64,
/// c32 or c64, C or Fortran order). Collective over `comm`.
///
/// The result is what [`tsqr`], [`DistRandomizedSvd`] and [`DistPca`] take as each process's
/// rows, and [`DistMatrix::from_npy`] redistributes it for ScaLAPACK. In a C-order file each
/// process reads one contiguous byte range (`mᵣ·n` values); in a Fortran-order file its rows
/// are `n` strided pieces, one per column, which costs more page reads when `mᵣ` is small.
///
/// # Errors
/// On every process, the error of the lowest rank that failed: the file's own errors
/// ([`Error::Io`], [`Error::NpyHeader`], [`Error::WrongDtype`]; re-created as
/// [`Error::InvalidArgument`] with the same message on the other processes),
/// [`Error::ShardMismatch`] when a process sees a file of another shape than rank 0 (its
/// column count, or its row count when the columns agree), and [`Error::NonFinite`] at the
/// global position of the first NaN/∞.
///
/// ```
/// use ndfactor::dist::{mpi, read_npy_rows};
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.npy");
/// let a = ndarray::Array2::from_shape_fn((7, 3), |(i, j)| (3 * i + j) as f64);
/// ndarray_npy::write_npy(&path, &a).unwrap(); // every process writes the same file here
/// let mine = read_npy_rows::<_, f64>(&world, &path)?;
/// assert_eq!(mine.ncols(), 3);
/// // A single process gets every row.
/// # use mpi::traits::Communicator;
/// if world.size() == 1 {
///     assert_eq!(mine, a); // exact: values are copied from the file
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn read_npy_rows<C: Communicator, T: DistScalar + ndarray_npy::ViewElement>(
    comm: &C,
    path: impl AsRef<std::path::Path>,
) -> Result<Array2<T>> {
    let file = agree(comm, crate::stream::NpyFile::<T>::open(path.as_ref()))?;
    let (m, n) = agree(comm, file.view().map(|v| v.dim()))?;
    let size = comm.size() as usize;
    let mut all = vec![0u64; 2 * size];
    comm.all_gather_into(&[m as u64, n as u64][..], &mut all[..]);
    if let Some(r) = (0..size).find(|&r| all[2 * r] != all[0] || all[2 * r + 1] != all[1]) {
        // The column count when it differs, else the row count.
        let i = usize::from(all[2 * r + 1] != all[1]);
        return Err(Error::ShardMismatch {
            shard: r,
            expected: all[i] as usize,
            found: all[2 * r + i] as usize,
        });
    }
    let counts = even_split(m, size);
    let me = comm.rank() as usize;
    let r0: usize = counts[..me].iter().sum();
    let rows = agree(
        comm,
        file.view().map(|v| {
            v.slice(ndarray::s![r0..r0 + counts[me], ..])
                .as_standard_layout()
                .into_owned()
        }),
    )?;
    agree_finite(comm, first_non_finite_rows(&rows.view(), r0), n)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Process grid.

/// A `p×q` grid of MPI processes for ScaLAPACK (a BLACS context on a communicator).
///
/// Process `(r, c)` of the grid is rank `r·q + c` of the communicator (row-major). [`new`]
/// picks the most nearly square shape with `p ≤ q` (ScaLAPACK's recommendation: 1×2 for two
/// processes, 2×2 for four, 2×3 for six); [`with_shape`] takes one.
///
/// Creating and dropping a grid are collective over the communicator. The grid keeps a
/// duplicate of the communicator, so its messages never mix with the program's own.
///
/// [`new`]: ProcessGrid::new
/// [`with_shape`]: ProcessGrid::with_shape
///
/// ```
/// use ndfactor::dist::{mpi, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let (p, q) = grid.shape();
/// assert_eq!(p * q, grid.size());
/// assert!(p <= q);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct ProcessGrid {
    comm: SimpleCommunicator,
    handle: ScaInt,
    ctxt: ScaInt,
    p: usize,
    q: usize,
    myrow: usize,
    mycol: usize,
    /// `(row, col)` of each rank of `comm`.
    coords: Vec<(usize, usize)>,
}

impl std::fmt::Debug for ProcessGrid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessGrid")
            .field("shape", &(self.p, self.q))
            .field("coords", &(self.myrow, self.mycol))
            .field("rank", &self.comm.rank())
            .finish()
    }
}

/// The most nearly square `p×q = size` with `p ≤ q`.
fn near_square(size: usize) -> (usize, usize) {
    let mut p = (size as f64).sqrt() as usize;
    while p > 1 && size % p != 0 {
        p -= 1;
    }
    let p = p.max(1);
    (p, size / p)
}

impl ProcessGrid {
    /// A grid over all processes of `comm`, of the most nearly square shape `p×q` with
    /// `p ≤ q`. Collective over `comm`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when MPI is not initialised.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// assert_eq!(grid.size(), usize::try_from(mpi::traits::Communicator::size(&universe.world())).unwrap());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<C: Communicator>(comm: &C) -> Result<Self> {
        if !sl::mpi_active() {
            return Err(not_initialised());
        }
        let (p, q) = near_square(comm.size() as usize);
        Self::with_shape(comm, p, q)
    }

    /// A `p×q` grid over the processes of `comm`; `p·q` must be the size of `comm`.
    /// Collective over `comm`.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] when `p·q` is not the number of processes or MPI is not
    /// initialised; [`Error::TooLarge`] beyond ScaLAPACK's 32-bit integers.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let n = usize::try_from(mpi::traits::Communicator::size(&world)).unwrap();
    /// let grid = ProcessGrid::with_shape(&world, n, 1)?; // one column of processes
    /// assert_eq!(grid.shape(), (n, 1));
    /// assert!(ProcessGrid::with_shape(&world, n + 1, 1).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn with_shape<C: Communicator>(comm: &C, p: usize, q: usize) -> Result<Self> {
        if !sl::mpi_active() {
            return Err(not_initialised());
        }
        let size = comm.size() as usize;
        if p == 0 || q == 0 || p.checked_mul(q) != Some(size) {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "a {p}×{q} process grid needs {} processes, not {size}",
                    p * q
                ),
            });
        }
        let (pi, qi) = (sl::sca_int(p)?, sl::sca_int(q)?);
        let comm = comm.duplicate();
        let (handle, ctxt) = sl::blacs_grid(comm.as_raw(), pi, qi);
        let (gp, gq, r, c) = sl::grid_info(ctxt);
        assert!(
            gp == pi && gq == qi && r >= 0 && c >= 0,
            "BLACS built the grid"
        );
        let mine = [r as u64, c as u64];
        let mut all = vec![0u64; 2 * size];
        comm.all_gather_into(&mine[..], &mut all[..]);
        let coords = all
            .chunks(2)
            .map(|x| (x[0] as usize, x[1] as usize))
            .collect();
        Ok(ProcessGrid {
            comm,
            handle,
            ctxt,
            p,
            q,
            myrow: r as usize,
            mycol: c as usize,
            coords,
        })
    }

    /// The grid's shape `(p, q)`: `p` process rows, `q` process columns.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// assert!(grid.shape().0 >= 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn shape(&self) -> (usize, usize) {
        (self.p, self.q)
    }

    /// This process's position `(row, col)` in the grid.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let (r, c) = grid.coords();
    /// assert_eq!(grid.rank(), r * grid.shape().1 + c);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn coords(&self) -> (usize, usize) {
        (self.myrow, self.mycol)
    }

    /// This process's rank in the grid's communicator.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// assert!(grid.rank() < grid.size());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> usize {
        self.comm.rank() as usize
    }

    /// Number of processes, `p·q`.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// assert_eq!(grid.size(), grid.shape().0 * grid.shape().1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn size(&self) -> usize {
        self.p * self.q
    }

    /// The grid's own communicator (a duplicate of the one it was made from).
    ///
    /// ```
    /// use ndfactor::dist::mpi::traits::Communicator;
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// assert_eq!(grid.comm().size() as usize, grid.size());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn comm(&self) -> &SimpleCommunicator {
        &self.comm
    }

    /// The split of `m` rows into contiguous blocks, one per rank, as even as possible (the
    /// first `m mod size` ranks get one row more): what [`DistMatrix::to_row_blocks`] uses
    /// when given no counts.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let counts = grid.even_rows(10);
    /// assert_eq!(counts.iter().sum::<usize>(), 10);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn even_rows(&self, m: usize) -> Vec<usize> {
        even_split(m, self.size())
    }
}

/// `m` rows split into `parts` contiguous blocks, as even as possible.
pub(crate) fn even_split(m: usize, parts: usize) -> Vec<usize> {
    (0..parts)
        .map(|i| m / parts + usize::from(i < m % parts))
        .collect()
}

fn not_initialised() -> Error {
    Error::InvalidArgument {
        reason: "MPI is not initialised (call mpi::initialize() first and keep the Universe \
                 alive)"
            .into(),
    }
}

impl Drop for ProcessGrid {
    fn drop(&mut self) {
        if sl::mpi_active() {
            sl::grid_exit(self.handle, self.ctxt);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Distributed matrix.

/// A dense `m×n` matrix distributed over a [`ProcessGrid`] in ScaLAPACK's 2-D block-cyclic
/// layout with square `nb×nb` blocks.
///
/// Block `(I, J)` (rows `I·nb..`, columns `J·nb..`) lives on process `(I mod p, J mod q)`;
/// each process stores its blocks as one column-major local array of `LOCr(m)×LOCc(n)` values
/// (`numroc`), described by a ScaLAPACK descriptor (`descinit`). Block size trades load balance
/// (small `nb`) against BLAS-3 efficiency (large `nb`); 64 is a good default (docs/distributed.md).
///
/// Built from a whole matrix on rank 0 ([`scatter`](DistMatrix::scatter)) or from each rank's
/// own contiguous row block ([`from_row_blocks`](DistMatrix::from_row_blocks)); gathered back
/// with [`gather`](DistMatrix::gather) and [`to_row_blocks`](DistMatrix::to_row_blocks). Each
/// redistribution is one MPI all-to-all: every value is sent once, straight to its owner.
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// // Each rank holds rows [2·rank, 2·rank + 2) of a (2·size)×3 matrix.
/// let r0 = 2 * grid.rank();
/// let mine = ndarray::Array2::from_shape_fn((2, 3), |(i, j)| ((r0 + i) * 3 + j) as f64);
/// let d = DistMatrix::from_row_blocks(&grid, &mine.view(), 2)?;
/// assert_eq!(d.dim(), (2 * grid.size(), 3));
/// if let Some(all) = d.gather()? {
///     assert_eq!(all[[1, 2]], 5.0); // exact: a copy of an integer
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct DistMatrix<'g, T> {
    grid: &'g ProcessGrid,
    m: usize,
    n: usize,
    nb: usize,
    lr: usize,
    lc: usize,
    local: Vec<T>,
    desc: Desc,
}

impl<T: std::fmt::Debug> std::fmt::Debug for DistMatrix<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistMatrix")
            .field("dim", &(self.m, self.n))
            .field("block", &self.nb)
            .field("local_dim", &(self.lr, self.lc))
            .finish()
    }
}

impl<T: Clone> Clone for DistMatrix<'_, T> {
    fn clone(&self) -> Self {
        DistMatrix {
            grid: self.grid,
            m: self.m,
            n: self.n,
            nb: self.nb,
            lr: self.lr,
            lc: self.lc,
            local: self.local.clone(),
            desc: self.desc,
        }
    }
}

impl<'g, T: DistScalar> DistMatrix<'g, T> {
    /// An `m×n` zero matrix in `nb×nb` blocks. Collective (the checks agree on every process).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `nb = 0`; [`Error::TooLarge`] beyond ScaLAPACK's 32-bit
    /// integers.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 5, 4, 2)?;
    /// assert!(z.local().iter().all(|&x| x == 0.0)); // exact: zeros
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn zeros(grid: &'g ProcessGrid, m: usize, n: usize, nb: usize) -> Result<Self> {
        let r = Self::zeros_local(grid, m, n, nb);
        agree(&grid.comm, r)
    }

    fn zeros_local(grid: &'g ProcessGrid, m: usize, n: usize, nb: usize) -> Result<Self> {
        if nb == 0 {
            return Err(Error::InvalidArgument {
                reason: "block size must be at least 1".into(),
            });
        }
        let lr = sl::numroc(m, nb, grid.myrow, grid.p);
        let lc = sl::numroc(n, nb, grid.mycol, grid.q);
        let lld = lr.max(1);
        let len = lld
            .checked_mul(lc)
            .ok_or(Error::TooLarge { dim: usize::MAX })?;
        let desc = sl::descinit(m, n, nb, grid.ctxt, lld)?;
        Ok(DistMatrix {
            grid,
            m,
            n,
            nb,
            lr,
            lc,
            local: vec![T::zero(); len.max(1)],
            desc,
        })
    }

    /// Distributes a matrix held whole by rank 0: rank 0 passes `Some(a)` (any layout), every
    /// other rank `None`. Collective; one all-to-all (rank 0 sends each process its blocks).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] on every rank when rank 0 passes `None`; those of
    /// [`zeros`](DistMatrix::zeros).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::Array2::from_shape_fn((7, 5), |(i, j)| (i * 5 + j) as f64);
    /// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 3)?;
    /// if let Some(back) = d.gather()? {
    ///     assert_eq!(back, a); // exact: values are copied, never computed
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn scatter(grid: &'g ProcessGrid, a: Option<ArrayView2<'_, T>>, nb: usize) -> Result<Self> {
        let root = grid.comm.process_at_rank(0);
        let mut shape = [u64::MAX; 2];
        if grid.rank() == 0 {
            if let Some(a) = &a {
                shape = [a.nrows() as u64, a.ncols() as u64];
            }
        }
        root.broadcast_into(&mut shape[..]);
        if shape[0] == u64::MAX {
            return Err(Error::InvalidArgument {
                reason: "DistMatrix::scatter: rank 0 passed no matrix".into(),
            });
        }
        let (m, n) = (shape[0] as usize, shape[1] as usize);
        let empty = Array2::<T>::zeros((0, n));
        let mine = match (&a, grid.rank()) {
            (Some(a), 0) => a.view(),
            _ => empty.view(),
        };
        let mut counts = vec![0; grid.size()];
        counts[0] = m;
        Self::from_rows(grid, &mine, &counts, n, nb)
    }

    /// Distributes a matrix whose rows are split over the ranks in order: rank `r` passes rows
    /// `[r₀, r₀ + mᵣ)` where `r₀` is the sum of the row counts of ranks before it (any count,
    /// zero included; every rank the same number of columns). This is the data-parallel case:
    /// each process read or computed its own rows. Collective; one all-to-all.
    ///
    /// # Errors
    /// [`Error::ShardMismatch`] on every rank when column counts differ (the first rank whose
    /// count differs from rank 0's); those of [`zeros`](DistMatrix::zeros).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let mine = ndarray::Array2::<f64>::from_elem((grid.rank() + 1, 2), grid.rank() as f64);
    /// let d = DistMatrix::from_row_blocks(&grid, &mine.view(), 64)?;
    /// let s = grid.size();
    /// assert_eq!(d.dim(), (s * (s + 1) / 2, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_row_blocks(
        grid: &'g ProcessGrid,
        rows: &ArrayView2<'_, T>,
        nb: usize,
    ) -> Result<Self> {
        let size = grid.size();
        let mine = [rows.nrows() as u64, rows.ncols() as u64];
        let mut all = vec![0u64; 2 * size];
        grid.comm.all_gather_into(&mine[..], &mut all[..]);
        let n = all[1] as usize;
        if let Some(r) = (0..size).find(|&r| all[2 * r + 1] as usize != n) {
            return Err(Error::ShardMismatch {
                shard: r,
                expected: n,
                found: all[2 * r + 1] as usize,
            });
        }
        let counts: Vec<usize> = (0..size).map(|r| all[2 * r] as usize).collect();
        Self::from_rows(grid, rows, &counts, n, nb)
    }

    /// Reads a `.npy` file that every process can open and distributes it in `nb×nb` blocks:
    /// [`read_npy_rows`] (each process copies its even share of the rows out of a memory map),
    /// then [`from_row_blocks`](DistMatrix::from_row_blocks). Collective. Memory per process:
    /// its row share plus its block-cyclic part, never the whole matrix.
    ///
    /// # Errors
    /// Those of [`read_npy_rows`] and [`zeros`](DistMatrix::zeros), on every process.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// let a = ndarray::Array2::from_shape_fn((6, 4), |(i, j)| (4 * i + j) as f64);
    /// ndarray_npy::write_npy(&path, &a).unwrap();
    /// let d = DistMatrix::<f64>::from_npy(&grid, &path, 2)?;
    /// assert_eq!(d.dim(), (6, 4));
    /// if let Some(back) = d.gather()? {
    ///     assert_eq!(back, a); // exact: values are copied, never computed
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_npy(
        grid: &'g ProcessGrid,
        path: impl AsRef<std::path::Path>,
        nb: usize,
    ) -> Result<Self>
    where
        T: ndarray_npy::ViewElement,
    {
        let rows = read_npy_rows::<_, T>(&grid.comm, path)?;
        Self::from_row_blocks(grid, &rows.view(), nb)
    }

    /// Redistribution from contiguous row blocks (`counts[r]` rows on rank `r`).
    fn from_rows(
        grid: &'g ProcessGrid,
        rows: &ArrayView2<'_, T>,
        counts: &[usize],
        n: usize,
        nb: usize,
    ) -> Result<Self> {
        let m: usize = counts.iter().sum();
        let mut out = Self::zeros(grid, m, n, nb)?;
        let nb = out.nb;
        let me = grid.rank();
        let r0: usize = counts[..me].iter().sum();
        // Pack: for each destination, its columns (ascending) × my rows on its process row.
        let mut send = Vec::with_capacity(rows.len());
        let mut send_counts = vec![0; grid.size()];
        for (d, sc) in send_counts.iter_mut().enumerate() {
            let (pr, pc) = grid.coords[d];
            let my_rows: Vec<usize> = (0..rows.nrows())
                .filter(|&i| ((r0 + i) / nb) % grid.p == pr)
                .collect();
            let before = send.len();
            for j in (0..n).filter(|&j| (j / nb) % grid.q == pc) {
                for &i in &my_rows {
                    send.push(rows[[i, j]]);
                }
            }
            *sc = send.len() - before;
        }
        // Unpack: for each source, my columns × its rows on my process row.
        let (pr, pc) = (grid.myrow, grid.mycol);
        let my_cols: Vec<usize> = (0..n).filter(|&j| (j / nb) % grid.q == pc).collect();
        let mut recv_counts = vec![0; grid.size()];
        let mut src_rows = Vec::with_capacity(grid.size());
        let mut start = 0;
        for (s, rc) in recv_counts.iter_mut().enumerate() {
            let rs: Vec<usize> = (start..start + counts[s])
                .filter(|&i| (i / nb) % grid.p == pr)
                .collect();
            start += counts[s];
            *rc = rs.len() * my_cols.len();
            src_rows.push(rs);
        }
        let recv = exchange(&grid.comm, &send, &send_counts, &recv_counts)?;
        let lld = out.lld();
        let mut pos = 0;
        for rs in &src_rows {
            for &j in &my_cols {
                let lj = out.local_col(j);
                for &i in rs {
                    let li = out.local_row(i);
                    out.local[li + lj * lld] = recv[pos];
                    pos += 1;
                }
            }
        }
        debug_assert_eq!(pos, recv.len());
        Ok(out)
    }

    /// Collects the whole matrix on rank 0 (`Some` there, `None` elsewhere). Collective.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when a message would pass MPI's 32-bit counts.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let d = DistMatrix::<f64>::zeros(&grid, 3, 3, 2)?;
    /// assert_eq!(d.gather()?.is_some(), grid.rank() == 0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn gather(&self) -> Result<Option<Array2<T>>> {
        let mut counts = vec![0; self.grid.size()];
        counts[0] = self.m;
        let a = self.to_rows(&counts)?;
        Ok((self.grid.rank() == 0).then_some(a))
    }

    /// Collects contiguous row blocks: rank `r` receives `counts[r]` rows, in rank order
    /// (`None`: [`ProcessGrid::even_rows`]). Collective.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when the counts do not have one entry per rank or do not add
    /// up to the number of rows.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let mine = ndarray::Array2::<f64>::from_elem((3, 2), grid.rank() as f64);
    /// let d = DistMatrix::from_row_blocks(&grid, &mine.view(), 2)?;
    /// assert_eq!(d.to_row_blocks(None)?, mine); // exact: copies
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn to_row_blocks(&self, counts: Option<&[usize]>) -> Result<Array2<T>> {
        let even;
        let counts = match counts {
            Some(c) => c,
            None => {
                even = self.grid.even_rows(self.m);
                &even
            }
        };
        if counts.len() != self.grid.size() {
            return Err(Error::DimensionMismatch {
                operation: "to_row_blocks: one row count per rank",
                expected: self.grid.size(),
                found: counts.len(),
            });
        }
        let total: usize = counts.iter().sum();
        if total != self.m {
            return Err(Error::DimensionMismatch {
                operation: "to_row_blocks: row counts add up to the rows",
                expected: self.m,
                found: total,
            });
        }
        self.to_rows(counts)
    }

    fn to_rows(&self, counts: &[usize]) -> Result<Array2<T>> {
        let g = self.grid;
        let nb = self.nb;
        let (pr, pc) = (g.myrow, g.mycol);
        let my_cols: Vec<usize> = (0..self.n).filter(|&j| (j / nb) % g.q == pc).collect();
        let lld = self.lld();
        let mut send = Vec::with_capacity(self.lr * self.lc);
        let mut send_counts = vec![0; g.size()];
        let mut start = 0;
        for (d, sc) in send_counts.iter_mut().enumerate() {
            let rs: Vec<usize> = (start..start + counts[d])
                .filter(|&i| (i / nb) % g.p == pr)
                .collect();
            start += counts[d];
            let before = send.len();
            for &j in &my_cols {
                let lj = self.local_col(j);
                for &i in &rs {
                    send.push(self.local[self.local_row(i) + lj * lld]);
                }
            }
            *sc = send.len() - before;
        }
        let me = g.rank();
        let r0: usize = counts[..me].iter().sum();
        let mut out = Array2::<T>::zeros((counts[me], self.n));
        let mut recv_counts = vec![0; g.size()];
        let mut plan = Vec::with_capacity(g.size());
        for (s, rc) in recv_counts.iter_mut().enumerate() {
            let (spr, spc) = g.coords[s];
            let rows: Vec<usize> = (0..counts[me])
                .filter(|&i| ((r0 + i) / nb) % g.p == spr)
                .collect();
            let cols: Vec<usize> = (0..self.n).filter(|&j| (j / nb) % g.q == spc).collect();
            *rc = rows.len() * cols.len();
            plan.push((rows, cols));
        }
        let recv = exchange(&g.comm, &send, &send_counts, &recv_counts)?;
        let mut pos = 0;
        for (rows, cols) in &plan {
            for &j in cols {
                for &i in rows {
                    out[[i, j]] = recv[pos];
                    pos += 1;
                }
            }
        }
        Ok(out)
    }

    /// Global shape `(m, n)`.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 5, 4, 2)?;
    /// assert_eq!(z.dim(), (5, 4));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        (self.m, self.n)
    }

    /// Block size `nb` (blocks are `nb×nb`; a block size above `max(m, n)` means one block).
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 50, 40, 64)?;
    /// assert_eq!(z.block_size(), 64);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn block_size(&self) -> usize {
        self.nb
    }

    /// The grid the matrix lives on.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 2, 2, 1)?;
    /// assert_eq!(z.grid().size(), grid.size());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn grid(&self) -> &'g ProcessGrid {
        self.grid
    }

    /// This process's local blocks as one `LOCr(m)×LOCc(n)` column-major array (a view; local
    /// row `i` is global row `(i / nb)·nb·p + row·nb + i mod nb`, see
    /// [`global_row`](DistMatrix::global_row)).
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 6, 6, 2)?;
    /// let (p, q) = grid.shape();
    /// assert!(z.local().nrows() <= 6 / p + 2 && z.local().ncols() <= 6 / q + 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn local(&self) -> ArrayView2<'_, T> {
        if self.lr == 0 || self.lc == 0 {
            return ArrayView2::from_shape((self.lr, self.lc), &[]).expect("an empty view");
        }
        ArrayView2::from_shape((self.lr, self.lc).strides((1, self.lld())), &self.local)
            .expect("local array fits its buffer")
    }

    /// The global row of local row `i` on this process.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 9, 9, 2)?;
    /// if z.local().nrows() > 0 {
    ///     assert_eq!(z.global_row(0), 2 * grid.coords().0);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn global_row(&self, i: usize) -> usize {
        (i / self.nb) * self.nb * self.grid.p + self.grid.myrow * self.nb + i % self.nb
    }

    /// The global column of local column `j` on this process.
    ///
    /// ```
    /// # let universe = ndfactor::dist::mpi::initialize().unwrap();
    /// # let grid = ndfactor::dist::ProcessGrid::new(&universe.world())?;
    /// let z = ndfactor::dist::DistMatrix::<f64>::zeros(&grid, 9, 9, 2)?;
    /// if z.local().ncols() > 0 {
    ///     assert_eq!(z.global_col(0), 2 * grid.coords().1);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn global_col(&self, j: usize) -> usize {
        (j / self.nb) * self.nb * self.grid.q + self.grid.mycol * self.nb + j % self.nb
    }

    /// Applies `f(global_row, global_col, value)` to every entry, on the process that owns it
    /// (no communication). Used to build matrices in place, e.g. a zero pattern or a shift.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let mut d = DistMatrix::<f64>::zeros(&grid, 4, 4, 1)?;
    /// d.map_global(|i, j, _| if i == j { 1.0 } else { 0.0 });
    /// if let Some(a) = d.gather()? {
    ///     assert_eq!(a, ndarray::Array2::<f64>::eye(4)); // exact: 0 and 1 are set, not computed
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn map_global(&mut self, mut f: impl FnMut(usize, usize, T) -> T) {
        let lld = self.lld();
        for lj in 0..self.lc {
            let j = self.global_col(lj);
            for li in 0..self.lr {
                let i = self.global_row(li);
                let x = &mut self.local[li + lj * lld];
                *x = f(i, j, *x);
            }
        }
    }

    /// `C = op(A)·op(B)` for two matrices on the same grid with the same block size (PBLAS
    /// `p?gemm`, `2mnk` flops spread over the processes). `adjoint_a`/`adjoint_b` use `Aᴴ`/`Bᴴ`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when the inner dimensions or block sizes differ.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?;
    /// let g = d.matmul(true, &d, false)?; // AᵀA
    /// if let Some(g) = g.gather()? {
    ///     assert_eq!(g, a.t().dot(&a)); // exact: small integers
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn matmul(&self, adjoint_a: bool, b: &DistMatrix<'g, T>, adjoint_b: bool) -> Result<Self> {
        let (am, ak) = if adjoint_a {
            (self.n, self.m)
        } else {
            (self.m, self.n)
        };
        let (bk, bn) = if adjoint_b { (b.n, b.m) } else { (b.m, b.n) };
        if ak != bk {
            return Err(Error::DimensionMismatch {
                operation: "DistMatrix::matmul: inner dimensions",
                expected: ak,
                found: bk,
            });
        }
        self.same_blocks(b)?;
        let mut c = Self::zeros(self.grid, am, bn, self.nb)?;
        if am == 0 || bn == 0 {
            return Ok(c);
        }
        if ak == 0 {
            return Ok(c);
        }
        let t = |adj: bool| (if adj { b'C' } else { b'N' }) as c_char;
        sl::pgemm(
            t(adjoint_a),
            t(adjoint_b),
            T::one(),
            &self.local,
            &self.desc,
            &b.local,
            &b.desc,
            T::zero(),
            &mut c.local,
            &c.desc,
        );
        Ok(c)
    }

    /// Norm of the matrix, the same on every process: `'1'` (max column sum), `'I'` (max row
    /// sum), `'F'` (Frobenius), `'M'` (max |aᵢⱼ|) (PxLANGE). 0 for an empty matrix.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[3.0f64, 0.0], [0.0, 4.0]];
    /// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
    /// assert!((d.norm('F') - 5.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn norm(&self, kind: char) -> T::Real {
        if self.m == 0 || self.n == 0 {
            return T::Real::from_f64(0.0);
        }
        sl::plange(kind as u8 as c_char, &self.local, &self.desc)
    }

    /// Checks every entry for NaN/∞; `NonFinite` at the global first position in row-major
    /// order on every process.
    pub(crate) fn check_finite(&self) -> Result<()> {
        let lld = self.lld();
        let mut key = u64::MAX;
        for lj in 0..self.lc {
            for li in 0..self.lr {
                if !self.local[li + lj * lld].is_finite() {
                    let k = self.global_row(li) as u64 * self.n as u64 + self.global_col(lj) as u64;
                    key = key.min(k);
                }
            }
        }
        agree_finite(&self.grid.comm, key, self.n)
    }

    /// `true` on every process when every local buffer entry is finite everywhere.
    pub(crate) fn all_finite(&self) -> bool {
        let bad = u8::from(!self.local().iter().all(|x| x.is_finite()));
        let mut any = 0u8;
        self.grid
            .comm
            .all_reduce_into(&bad, &mut any, SystemOperation::max());
        any == 0
    }

    pub(crate) fn same_blocks(&self, b: &DistMatrix<'g, T>) -> Result<()> {
        if !std::ptr::eq(self.grid, b.grid) {
            return Err(Error::InvalidArgument {
                reason: "distributed operands must live on the same process grid".into(),
            });
        }
        if self.nb != b.nb {
            return Err(Error::DimensionMismatch {
                operation: "distributed operands: block sizes",
                expected: self.nb,
                found: b.nb,
            });
        }
        Ok(())
    }

    pub(crate) fn lld(&self) -> usize {
        self.lr.max(1)
    }

    fn local_row(&self, i: usize) -> usize {
        (i / (self.nb * self.grid.p)) * self.nb + i % self.nb
    }

    fn local_col(&self, j: usize) -> usize {
        (j / (self.nb * self.grid.q)) * self.nb + j % self.nb
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_square_shapes() {
        assert_eq!(near_square(1), (1, 1));
        assert_eq!(near_square(2), (1, 2));
        assert_eq!(near_square(4), (2, 2));
        assert_eq!(near_square(6), (2, 3));
        assert_eq!(near_square(7), (1, 7));
        assert_eq!(near_square(12), (3, 4));
    }

    #[test]
    fn even_split_adds_up() {
        assert_eq!(even_split(10, 4), vec![3, 3, 2, 2]);
        assert_eq!(even_split(1, 3), vec![1, 0, 0]);
    }

    #[test]
    fn error_codes_round_trip() {
        for e in [
            Error::NonFinite { row: 3, col: 7 },
            Error::Singular { index: 4 },
            Error::NotPositiveDefinite { index: 2 },
            Error::TooLarge { dim: 1 << 40 },
            Error::NoConvergence {
                routine: "pdgesvd",
                info: 3,
            },
            Error::ShardMismatch {
                shard: 1,
                expected: 3,
                found: 4,
            },
        ] {
            assert_eq!(decode(encode(&e).unwrap()), e);
        }
    }
}
