//! Memory-mapped `.npy` files as row-block sources.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::SystemTime;

use ndarray::{s, ArrayView2};
use ndarray_npy::{ViewElement, ViewNpyError, ViewNpyExt, WritableElement};

use super::{visit_view_blocks, BlockVisitor, RowBlockSource};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// A 2-D `.npy` file, memory-mapped, read as row blocks.
///
/// Element types: `f32` (`<f4`), `f64` (`<f8`), [`c32`](crate::c32) (`<c8`) and
/// [`c64`](crate::c64) (`<c16`), little-endian as NumPy writes them on every common machine. The
/// header is parsed by `ndarray-npy`; the data is never copied: blocks are views of the map.
///
/// - **C order** (NumPy's default): a block of `h` rows is one contiguous run of `h·n` values,
///   so a pass reads the file front to back (the map is advised `MADV_SEQUENTIAL`), and by
///   default a helper thread reads the rows after the block being processed while it is
///   processed ([`Prefetch`], set with [`prefetch`](Self::prefetch)).
/// - **F order** (`np.asfortranarray`, or written by Fortran/Julia/R): a block is a strided view,
///   `n` runs of `h` contiguous values `m` values apart, which BLAS reads directly with leading
///   dimension `m`. A pass still touches every page once, but in `n` interleaved streams; use
///   blocks of a few thousand rows (`h·8` bytes per run ≥ a few pages) to keep reads sequential.
///
/// The file's length and modification time (on Unix also its inode and status-change time) are
/// recorded when it is opened and checked again at the start of every pass
/// ([`Error::SourceChanged`]). Timestamps have the file system's granularity (often a clock
/// tick of a few milliseconds): a rewrite of the same length within the same tick as the open
/// is not seen. Do not modify a file while it is read: a file truncated during a pass makes the
/// reads fault.
///
/// ```
/// use ndarray::array;
/// use ndfactor::stream::{NpyFile, RowBlockSource};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.npy");
/// ndarray_npy::write_npy(&path, &array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]]).unwrap();
/// let mut f = NpyFile::<f64>::open(&path)?;
/// assert_eq!(f.shape(), (3, 2));
/// let mut sum = 0.0;
/// f.for_each_block(2, &mut |_, b| { sum += b.sum(); Ok(()) })?;
/// assert_eq!(sum, 21.0); // small integers: exact
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct NpyFile<T> {
    path: PathBuf,
    map: memmap2::Mmap,
    shape: (usize, usize),
    fortran: bool,
    /// Byte offset of the data in the map (the header's length).
    data_offset: usize,
    prefetch: Prefetch,
    len: u64,
    modified: Option<SystemTime>,
    identity: FileIdentity,
    _elem: PhantomData<T>,
}

impl<T> std::fmt::Debug for NpyFile<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NpyFile")
            .field("path", &self.path)
            .field("shape", &self.shape)
            .field("fortran", &self.fortran)
            .field("prefetch", &self.prefetch)
            .finish()
    }
}

/// How a pass over an [`NpyFile`] (or [`NpyShards`]) reads ahead of the block being processed,
/// so that reading the file overlaps the arithmetic on the block before.
///
/// Matters only when the file is not in the page cache (read from disk); on a cached file all
/// three take the same time to within a few percent (docs/bench/out-of-core.md).
///
/// ```
/// use ndfactor::stream::{NpyFile, Prefetch, RowBlockSource};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.npy");
/// let a = ndarray::Array2::from_shape_fn((50, 3), |(i, j)| (i * 3 + j) as f64);
/// ndarray_npy::write_npy(&path, &a).unwrap();
/// for p in [Prefetch::Off, Prefetch::Advise, Prefetch::Thread] {
///     let mut f = NpyFile::<f64>::open(&path)?.prefetch(p);
///     let mut sum = 0.0;
///     f.for_each_block(7, &mut |_, b| { sum += b.sum(); Ok(()) })?;
///     assert_eq!(sum, 11175.0); // Σ 0..150, exact in f64 whatever the prefetch
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Prefetch {
    /// Only the kernel's own readahead for the map (advised `MADV_SEQUENTIAL`): the thread
    /// that processes a block waits for the reads of the pages it touches.
    Off,
    /// Before each block is processed, `MADV_WILLNEED` on the rows after it (about one block
    /// ahead, at least 16 MiB, in 2 MiB pieces): the kernel starts reading them and returns.
    Advise,
    /// A helper thread faults in the rows after the block being processed (about one block
    /// ahead, at least 16 MiB): `MADV_POPULATE_READ` on Linux (which also fills the page
    /// tables, so the processing thread takes no page faults), `MADV_WILLNEED` on other Unix
    /// systems. Falls back to [`Advise`](Self::Advise) when no thread can be started.
    #[default]
    Thread,
}

/// Rows read ahead, in pieces, for a prefetching pass.
#[derive(Debug, Clone, Copy)]
struct Readahead {
    /// Rows per `madvise` call (or per run of page touches).
    piece: usize,
    /// Rows kept prefetched beyond the end of the block being processed.
    ahead: usize,
}

impl Readahead {
    /// For blocks of `h` rows of a file with `m` rows and `n` columns of `elem` bytes.
    fn new(h: usize, m: usize, n: usize, elem: usize, fortran: bool) -> Self {
        const PIECE: usize = 2 << 20;
        const AHEAD: usize = 16 << 20;
        let row = (n * elem).max(1);
        // F order: a row range is n runs, one per column; keep each run ≥ 64 KiB so that a
        // piece is n calls of a useful size.
        let piece = if fortran {
            PIECE.div_ceil(row).max((64 << 10) / elem.max(1))
        } else {
            PIECE.div_ceil(row)
        };
        let piece = piece.clamp(1, m.max(1));
        Readahead {
            piece,
            ahead: h.max(AHEAD.div_ceil(row)).max(piece),
        }
    }
}

/// Marks the end of a prefetching pass (also when the visitor fails or panics) and wakes the
/// helper so that it returns.
struct PassDone<'a> {
    done: &'a AtomicBool,
    helper: std::thread::Thread,
}

impl Drop for PassDone<'_> {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Release);
        self.helper.unpark();
    }
}

fn io_error(path: &Path, operation: &'static str, e: std::io::Error) -> Error {
    Error::Io {
        path: path.display().to_string(),
        operation,
        reason: e.to_string(),
    }
}

fn map_view_error<T: Scalar>(path: &Path, e: ViewNpyError) -> Error {
    let p = path.display().to_string();
    let header = |reason: String| Error::NpyHeader {
        path: p.clone(),
        reason,
    };
    match e {
        ViewNpyError::Io(e) => header(format!("truncated header ({e})")),
        ViewNpyError::ParseHeader(e) => header(e.to_string()),
        ViewNpyError::InvalidData(e) => header(format!("invalid data: {e}")),
        ViewNpyError::LengthOverflow => header("the shape's byte length overflows".into()),
        ViewNpyError::WrongNdim(found, _) => header(match found {
            Some(d) => format!("a 2-D array is needed, the file holds a {d}-D array"),
            None => "a 2-D array is needed".into(),
        }),
        ViewNpyError::WrongDescriptor(d) => Error::WrongDtype {
            path: p.clone(),
            expected: T::NAME,
            found: d.to_string(),
        },
        ViewNpyError::NonNativeEndian => Error::WrongDtype {
            path: p.clone(),
            expected: T::NAME,
            found: "non-native byte order".into(),
        },
        ViewNpyError::MisalignedData => header("data not aligned for the element type".into()),
        ViewNpyError::MissingBytes(missing) => Error::FileTooShort { path: p, missing },
        ViewNpyError::ExtraBytes(n) => header(format!("{n} bytes after the data")),
        other => header(other.to_string()),
    }
}

/// What identifies a file's content beyond its length and modification time: on Unix the
/// device and inode (a file replaced by another, e.g. renamed over it) and the status-change
/// time `ctime`, which every write updates and which, unlike `mtime`, cannot be set back by
/// tools that preserve timestamps (`cp -p`, `rsync -t`, `touch -d`).
#[cfg(unix)]
type FileIdentity = (u64, u64, i64, i64);
#[cfg(not(unix))]
type FileIdentity = ();

#[cfg(unix)]
fn identity(md: &std::fs::Metadata) -> FileIdentity {
    use std::os::unix::fs::MetadataExt;
    (md.dev(), md.ino(), md.ctime(), md.ctime_nsec())
}
#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> FileIdentity {}

fn stamp(path: &Path) -> Result<(u64, Option<SystemTime>, FileIdentity)> {
    let md = std::fs::metadata(path).map_err(|e| io_error(path, "read metadata", e))?;
    Ok((md.len(), md.modified().ok(), identity(&md)))
}

impl<T: Scalar + ViewElement> NpyFile<T> {
    /// Opens and maps `path`, parses and checks its header.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be opened or mapped; [`Error::NpyHeader`] for a
    /// missing, truncated or corrupt header, or an array that is not 2-D; [`Error::WrongDtype`]
    /// when the file holds another element type than `T`; [`Error::FileTooShort`] when the data
    /// is shorter than the header says.
    ///
    /// ```
    /// use ndfactor::{stream::NpyFile, Error};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f32>::zeros((2, 2))).unwrap();
    /// assert!(matches!(NpyFile::<f64>::open(&path), Err(Error::WrongDtype { expected: "f64", .. })));
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| io_error(path, "open", e))?;
        let (len, modified, identity) = stamp(path)?;
        if len == 0 {
            return Err(Error::NpyHeader {
                path: path.display().to_string(),
                reason: "the file is empty".into(),
            });
        }
        let map = crate::lapack::mmap::map_readonly(&file).map_err(|e| io_error(path, "map", e))?;
        let (shape, fortran) = {
            let v = ArrayView2::<T>::view_npy(&map).map_err(|e| map_view_error::<T>(path, e))?;
            (
                v.dim(),
                v.nrows() > 1 && v.ncols() > 1 && v.t().is_standard_layout(),
            )
        };
        let data_bytes = shape.0 * shape.1 * std::mem::size_of::<T>();
        let data_offset = map.len() - data_bytes;
        Ok(NpyFile {
            path: path.to_path_buf(),
            map,
            shape,
            fortran,
            data_offset,
            prefetch: Prefetch::default(),
            len,
            modified,
            identity,
            _elem: PhantomData,
        })
    }

    /// How passes read ahead of the block being processed (default [`Prefetch::Thread`]).
    ///
    /// ```
    /// use ndfactor::stream::{NpyFile, Prefetch};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((2, 2))).unwrap();
    /// let f = NpyFile::<f64>::open(&path)?.prefetch(Prefetch::Off);
    /// assert_eq!(f.prefetch_mode(), Prefetch::Off);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn prefetch(mut self, p: Prefetch) -> Self {
        self.prefetch = p;
        self
    }

    /// The [`Prefetch`] mode of passes.
    ///
    /// ```
    /// use ndfactor::stream::{NpyFile, Prefetch};
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((2, 2))).unwrap();
    /// assert_eq!(NpyFile::<f64>::open(&path)?.prefetch_mode(), Prefetch::Thread);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn prefetch_mode(&self) -> Prefetch {
        self.prefetch
    }

    /// Applies `advice` to the bytes of rows `r0..r1` (one range in C order, one per column in
    /// F order). Advice only: a failure changes speed, never results.
    #[cfg(unix)]
    fn advise_rows(&self, advice: memmap2::Advice, r0: usize, r1: usize) -> bool {
        let (m, n) = self.shape;
        let elem = std::mem::size_of::<T>();
        if r0 >= r1 || n == 0 || elem == 0 {
            return true;
        }
        let mut ok = true;
        if self.fortran {
            for j in 0..n {
                let off = self.data_offset + (j * m + r0) * elem;
                ok &= self.map.advise_range(advice, off, (r1 - r0) * elem).is_ok();
            }
        } else {
            let off = self.data_offset + r0 * n * elem;
            ok = self
                .map
                .advise_range(advice, off, (r1 - r0) * n * elem)
                .is_ok();
        }
        ok
    }

    /// Faults in the pages of rows `r0..r1` (the helper thread of [`Prefetch::Thread`]):
    /// `MADV_POPULATE_READ` on Linux, `MADV_WILLNEED` on other Unix systems. The helper never
    /// reads the map itself, so a file truncated under it (which the next pass reports as
    /// [`Error::SourceChanged`]) makes the advice fail instead of faulting.
    #[cfg(unix)]
    fn populate_rows(&self, r0: usize, r1: usize) {
        #[cfg(target_os = "linux")]
        let advice = memmap2::Advice::PopulateRead;
        #[cfg(not(target_os = "linux"))]
        let advice = memmap2::Advice::WillNeed;
        self.advise_rows(advice, r0, r1);
    }

    /// One pass over this file's rows in blocks of `h`, with global row numbers starting at
    /// `row_offset`, reading ahead as [`Prefetch`] says.
    fn pass(
        &self,
        row_offset: usize,
        block_rows: usize,
        visit: &mut BlockVisitor<'_, T>,
    ) -> Result<()> {
        let v = self.view()?;
        let (m, n) = v.dim();
        let h = block_rows.max(1);
        if m == 0 || n == 0 || self.prefetch == Prefetch::Off || !cfg!(unix) {
            return visit_view_blocks(v, row_offset, h, visit);
        }
        #[cfg(unix)]
        {
            let ra = Readahead::new(h, m, n, std::mem::size_of::<T>(), self.fortran);
            if self.prefetch == Prefetch::Thread {
                let pos = AtomicUsize::new(0);
                let done = AtomicBool::new(false);
                let started = std::thread::scope(|sc| {
                    let helper = std::thread::Builder::new()
                        .name("ndfactor-prefetch".into())
                        .spawn_scoped(sc, || {
                            let mut fetched = 0;
                            while !done.load(Ordering::Acquire) {
                                let p = pos.load(Ordering::Acquire);
                                fetched = fetched.max(p);
                                let target = (p + h + ra.ahead).min(m);
                                if fetched < target {
                                    let t = (fetched + ra.piece).min(target);
                                    self.populate_rows(fetched, t);
                                    fetched = t;
                                } else if fetched >= m {
                                    return;
                                } else {
                                    std::thread::park();
                                }
                            }
                        });
                    let Ok(helper) = helper else {
                        return None;
                    };
                    let _done = PassDone {
                        done: &done,
                        helper: helper.thread().clone(),
                    };
                    let mut r = 0;
                    while r < m {
                        let e = (r + h).min(m);
                        pos.store(r, Ordering::Release);
                        helper.thread().unpark();
                        if let Err(err) = visit(row_offset + r, v.slice(s![r..e, ..])) {
                            return Some(Err(err));
                        }
                        r = e;
                    }
                    Some(Ok(()))
                });
                if let Some(res) = started {
                    return res;
                }
            }
            // Prefetch::Advise (or no helper thread).
            let mut ahead = 0;
            let mut r = 0;
            while r < m {
                let e = (r + h).min(m);
                let target = (e + ra.ahead).min(m);
                while ahead < target {
                    let t = (ahead + ra.piece).min(m);
                    self.advise_rows(memmap2::Advice::WillNeed, ahead, t);
                    ahead = t;
                }
                visit(row_offset + r, v.slice(s![r..e, ..]))?;
                r = e;
            }
            Ok(())
        }
    }

    /// The whole matrix as one view of the map (no copy).
    ///
    /// # Errors
    /// [`Error::SourceChanged`] when the file changed since it was opened.
    ///
    /// ```
    /// # use ndfactor::stream::NpyFile;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::eye(3)).unwrap();
    /// let f = NpyFile::<f64>::open(&path)?;
    /// assert_eq!(f.view()?[(1, 1)], 1.0); // exact: the stored value, mapped
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn view(&self) -> Result<ArrayView2<'_, T>> {
        self.check_unchanged()?;
        ArrayView2::<T>::view_npy(&self.map).map_err(|e| map_view_error::<T>(&self.path, e))
    }

    /// `true` when the file is in Fortran (column-major) order.
    ///
    /// ```
    /// # use ndfactor::stream::NpyFile;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((3, 2))).unwrap();
    /// assert!(!NpyFile::<f64>::open(&path)?.is_fortran_order());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn is_fortran_order(&self) -> bool {
        self.fortran
    }

    /// The file's path.
    ///
    /// ```
    /// # use ndfactor::stream::NpyFile;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((1, 1))).unwrap();
    /// assert_eq!(NpyFile::<f64>::open(&path)?.path(), path.as_path());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Checks that the file's length and modification time are those seen at
    /// [`open`](Self::open).
    ///
    /// # Errors
    /// [`Error::SourceChanged`] (or [`Error::Io`] when the file is gone).
    ///
    /// ```
    /// # use ndfactor::stream::NpyFile;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((2, 2))).unwrap();
    /// let f = NpyFile::<f64>::open(&path)?;
    /// assert!(f.check_unchanged().is_ok());
    /// ndarray_npy::write_npy(&path, &ndarray::Array2::<f64>::zeros((3, 2))).unwrap();
    /// assert!(f.check_unchanged().is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn check_unchanged(&self) -> Result<()> {
        let (len, modified, identity) = stamp(&self.path)?;
        let changed = |reason: String| Error::SourceChanged {
            path: self.path.display().to_string(),
            reason,
        };
        if len != self.len {
            return Err(changed(format!("length {} → {len} bytes", self.len)));
        }
        if modified != self.modified {
            return Err(changed("modification time differs".into()));
        }
        #[allow(clippy::unit_cmp)] // `()` off Unix: nothing more to compare there
        if identity != self.identity {
            return Err(changed(
                "replaced or rewritten (inode or status-change time differs)".into(),
            ));
        }
        Ok(())
    }
}

impl<T: Scalar + ViewElement> RowBlockSource<T> for NpyFile<T> {
    fn shape(&self) -> (usize, usize) {
        self.shape
    }

    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()> {
        self.pass(0, block_rows, visit)
    }
}

/// Several `.npy` files concatenated by rows: shard 0's rows, then shard 1's, …; all shards have
/// the same number of columns. Blocks never span two shards (a block at the end of a shard may
/// be shorter than `block_rows`). Each shard is an [`NpyFile`] (C or F order, checked for
/// changes at every pass).
///
/// ```
/// use ndarray::array;
/// use ndfactor::stream::{NpyShards, RowBlockSource};
/// let dir = tempfile::tempdir().unwrap();
/// let (p0, p1) = (dir.path().join("0.npy"), dir.path().join("1.npy"));
/// ndarray_npy::write_npy(&p0, &array![[1.0f64, 2.0]]).unwrap();
/// ndarray_npy::write_npy(&p1, &array![[3.0f64, 4.0], [5.0, 6.0]]).unwrap();
/// let mut s = NpyShards::<f64>::open([&p0, &p1])?;
/// assert_eq!(s.shape(), (3, 2));
/// let mut firsts = Vec::new();
/// s.for_each_block(8, &mut |r0, b| { firsts.push((r0, b[(0, 0)])); Ok(()) })?;
/// assert_eq!(firsts, vec![(0, 1.0), (1, 3.0)]); // exact: stored values
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct NpyShards<T> {
    shards: Vec<NpyFile<T>>,
    shape: (usize, usize),
}

impl<T: Scalar + ViewElement> NpyShards<T> {
    /// Opens every shard, in order.
    ///
    /// # Errors
    /// Those of [`NpyFile::open`]; [`Error::ShardMismatch`] when a shard's column count differs
    /// from shard 0's; [`Error::Empty`] for an empty list.
    ///
    /// ```
    /// use ndfactor::{stream::NpyShards, Error};
    /// let dir = tempfile::tempdir().unwrap();
    /// let (p0, p1) = (dir.path().join("0.npy"), dir.path().join("1.npy"));
    /// ndarray_npy::write_npy(&p0, &ndarray::Array2::<f64>::zeros((2, 3))).unwrap();
    /// ndarray_npy::write_npy(&p1, &ndarray::Array2::<f64>::zeros((2, 4))).unwrap();
    /// assert_eq!(NpyShards::<f64>::open([p0, p1]).unwrap_err(),
    ///            Error::ShardMismatch { shard: 1, expected: 3, found: 4 });
    /// ```
    pub fn open<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) -> Result<Self> {
        let shards = paths
            .into_iter()
            .map(NpyFile::open)
            .collect::<Result<Vec<_>>>()?;
        let Some(first) = shards.first() else {
            return Err(Error::Empty {
                operation: "NpyShards::open (no shards)",
            });
        };
        let n = first.shape.1;
        for (i, s) in shards.iter().enumerate() {
            if s.shape.1 != n {
                return Err(Error::ShardMismatch {
                    shard: i,
                    expected: n,
                    found: s.shape.1,
                });
            }
        }
        let m = shards.iter().map(|s| s.shape.0).sum();
        Ok(NpyShards {
            shards,
            shape: (m, n),
        })
    }

    /// The shards, in row order.
    ///
    /// ```
    /// # use ndfactor::stream::NpyShards;
    /// let dir = tempfile::tempdir().unwrap();
    /// let p = dir.path().join("0.npy");
    /// ndarray_npy::write_npy(&p, &ndarray::Array2::<f64>::zeros((2, 3))).unwrap();
    /// assert_eq!(NpyShards::<f64>::open([&p, &p])?.shards().len(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn shards(&self) -> &[NpyFile<T>] {
        &self.shards
    }

    /// Sets the [`Prefetch`] mode of every shard (default [`Prefetch::Thread`]).
    ///
    /// ```
    /// use ndfactor::stream::{NpyShards, Prefetch};
    /// let dir = tempfile::tempdir().unwrap();
    /// let p = dir.path().join("0.npy");
    /// ndarray_npy::write_npy(&p, &ndarray::Array2::<f64>::zeros((2, 3))).unwrap();
    /// let s = NpyShards::<f64>::open([&p, &p])?.prefetch(Prefetch::Advise);
    /// assert!(s.shards().iter().all(|f| f.prefetch_mode() == Prefetch::Advise));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn prefetch(mut self, p: Prefetch) -> Self {
        for s in &mut self.shards {
            s.prefetch = p;
        }
        self
    }
}

impl<T: Scalar + ViewElement> RowBlockSource<T> for NpyShards<T> {
    fn shape(&self) -> (usize, usize) {
        self.shape
    }

    fn for_each_block(&mut self, block_rows: usize, visit: &mut BlockVisitor<'_, T>) -> Result<()> {
        for s in &self.shards {
            s.check_unchanged()?;
        }
        let mut offset = 0;
        for s in &self.shards {
            s.pass(offset, block_rows, visit)?;
            offset += s.shape.0;
        }
        Ok(())
    }
}

/// A 2-D `.npy` file (C order) written row block by row block, for outputs larger than memory
/// (`Q` of [`tsqr`](super::tsqr), generated data), with `O(1)` memory beyond the block.
///
/// The header (and the file's full length) is written by `ndarray-npy`'s writer
/// (`write_zeroed_npy`), then the rows in order. Everything goes to a hidden temporary name in
/// the target's directory (`.name.partial-<pid>`), which [`finish`](Self::finish) syncs and
/// renames to the target once all `m` rows are written; dropping the writer before (a failed
/// stream, a panic) removes it. So the target never holds a partial file that looks complete.
///
/// ```
/// use ndarray::array;
/// use ndfactor::stream::NpyRowWriter;
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.npy");
/// let mut w = NpyRowWriter::<f64>::create(&path, (3, 2))?;
/// w.write_rows(array![[1.0, 2.0], [3.0, 4.0]].view())?;
/// assert!(!path.exists()); // not complete yet
/// w.write_rows(array![[5.0, 6.0]].view())?;
/// w.finish()?;
/// let a: ndarray::Array2<f64> = ndarray_npy::read_npy(&path).unwrap();
/// assert_eq!(a, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]); // a copy: exact
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct NpyRowWriter<T> {
    tmp: PathBuf,
    target: PathBuf,
    out: Option<BufWriter<File>>,
    rows: usize,
    shape: (usize, usize),
    _elem: PhantomData<T>,
}

impl<T> std::fmt::Debug for NpyRowWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NpyRowWriter")
            .field("target", &self.target)
            .field("shape", &self.shape)
            .field("rows", &self.rows)
            .finish()
    }
}

impl<T: Scalar + WritableElement> NpyRowWriter<T> {
    /// Starts writing an `m×n` array to `target` (under a temporary name until
    /// [`finish`](Self::finish)).
    ///
    /// # Errors
    /// [`Error::Io`] when the temporary file cannot be created in the target's directory (it
    /// does not exist, is not writable, the disk is full) or the header cannot be written.
    ///
    /// ```
    /// use ndfactor::{stream::NpyRowWriter, Error};
    /// let dir = tempfile::tempdir().unwrap();
    /// let r = NpyRowWriter::<f32>::create(dir.path().join("missing/a.npy"), (2, 2));
    /// assert!(matches!(r, Err(Error::Io { .. })));
    /// ```
    pub fn create(target: impl AsRef<Path>, shape: (usize, usize)) -> Result<Self> {
        let target = target.as_ref();
        let name = target.file_name().ok_or_else(|| Error::Io {
            path: target.display().to_string(),
            operation: "create output file",
            reason: "the path has no file name".into(),
        })?;
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".partial-{}", std::process::id()));
        let tmp = target.with_file_name(tmp_name);
        let mut file = File::create(&tmp).map_err(|e| io_error(&tmp, "create output file", e))?;
        let fail = |e: String| Error::Io {
            path: tmp.display().to_string(),
            operation: "write .npy header",
            reason: e,
        };
        let written = ndarray_npy::write_zeroed_npy::<T, _>(&file, shape)
            .map_err(|e| fail(e.to_string()))
            .and_then(|()| {
                let len = file.metadata().map_err(|e| fail(e.to_string()))?.len();
                let data = (shape.0 as u64)
                    .checked_mul(shape.1 as u64)
                    .and_then(|v| v.checked_mul(std::mem::size_of::<T>() as u64))
                    .filter(|&d| d <= len)
                    .ok_or_else(|| fail("size overflows".into()))?;
                file.seek(SeekFrom::Start(len - data))
                    .map_err(|e| fail(e.to_string()))
            });
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(NpyRowWriter {
            tmp,
            target: target.to_path_buf(),
            out: Some(BufWriter::with_capacity(1 << 20, file)),
            rows: 0,
            shape,
            _elem: PhantomData,
        })
    }

    /// Appends rows (`h×n`, any layout).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] for a block with another column count, or more rows in
    /// total than `m`; [`Error::Io`] when writing fails.
    ///
    /// ```
    /// # use ndfactor::stream::NpyRowWriter;
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut w = NpyRowWriter::<f64>::create(dir.path().join("a.npy"), (1, 2))?;
    /// assert!(w.write_rows(ndarray::Array2::zeros((1, 3)).view()).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn write_rows(&mut self, block: ArrayView2<'_, T>) -> Result<()> {
        if block.ncols() != self.shape.1 {
            return Err(Error::DimensionMismatch {
                operation: "NpyRowWriter: columns of a block",
                expected: self.shape.1,
                found: block.ncols(),
            });
        }
        if self.rows + block.nrows() > self.shape.0 {
            return Err(Error::DimensionMismatch {
                operation: "NpyRowWriter: rows written",
                expected: self.shape.0,
                found: self.rows + block.nrows(),
            });
        }
        let block = block.as_standard_layout();
        let slice = block.as_slice().expect("standard layout");
        let Some(out) = self.out.as_mut() else {
            unreachable!("finish consumes the writer");
        };
        T::write_slice(slice, out).map_err(|e| Error::Io {
            path: self.tmp.display().to_string(),
            operation: "write rows",
            reason: e.to_string(),
        })?;
        self.rows += block.nrows();
        Ok(())
    }

    /// Rows written so far.
    ///
    /// ```
    /// # use ndfactor::stream::NpyRowWriter;
    /// let dir = tempfile::tempdir().unwrap();
    /// let mut w = NpyRowWriter::<f64>::create(dir.path().join("a.npy"), (4, 2))?;
    /// w.write_rows(ndarray::Array2::zeros((3, 2)).view())?;
    /// assert_eq!(w.rows_written(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rows_written(&self) -> usize {
        self.rows
    }

    /// Checks that all `m` rows were written, syncs the file and renames it to the target.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when rows are missing (the temporary file is removed);
    /// [`Error::Io`] when flushing, syncing or renaming fails.
    ///
    /// ```
    /// # use ndfactor::stream::NpyRowWriter;
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("a.npy");
    /// let w = NpyRowWriter::<f64>::create(&path, (2, 2))?;
    /// assert!(w.finish().is_err()); // no rows written
    /// assert!(!path.exists());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn finish(mut self) -> Result<()> {
        if self.rows != self.shape.0 {
            return Err(Error::DimensionMismatch {
                operation: "NpyRowWriter: rows written",
                expected: self.shape.0,
                found: self.rows,
            });
        }
        let Some(out) = self.out.take() else {
            unreachable!("finish consumes the writer");
        };
        let tmp = self.tmp.clone();
        let done = out
            .into_inner()
            .map_err(|e| io_error(&tmp, "write rows", e.into_error()))
            .and_then(|file| file.sync_all().map_err(|e| io_error(&tmp, "sync", e)))
            .and_then(|()| {
                std::fs::rename(&tmp, &self.target)
                    .map_err(|e| io_error(&self.target, "rename into place", e))
            });
        if done.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        done
    }
}

impl<T> Drop for NpyRowWriter<T> {
    fn drop(&mut self) {
        // Still open: dropped before `finish` (a failed stream). A failure to remove leaves only
        // the hidden `.partial-` file, never the target.
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
