//! Observed entries: validation, sorting, the train/test split.

use ndarray::{ArrayBase, Data, Ix2};

use crate::error::{Error, Result};
use crate::random;
use crate::scalar::RealScalar;

use super::invalid;

/// The observed entries of an `m×n` matrix, validated and sorted by `(row, col)`.
///
/// Duplicates are an error ([`Error::DuplicateEntry`]): aggregate repeated ratings (mean, last)
/// before building the set, so that what is fitted is explicit.
///
/// ```
/// use ndfactor::completion::Observations;
/// let obs = Observations::from_triplets(2, 3, &[(1, 2, 4.0f64), (0, 0, 5.0)])?;
/// assert_eq!((obs.dim(), obs.len()), ((2, 3), 2));
/// assert_eq!(obs.get(1, 2), Some(4.0));
/// assert_eq!(obs.get(1, 1), None);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Observations<R> {
    pub(super) nrows: usize,
    pub(super) ncols: usize,
    /// Sorted by (row, col).
    pub(super) entries: Vec<(usize, usize, R)>,
    /// `row_ptr[i]..row_ptr[i+1]` indexes the entries of row `i`.
    pub(super) row_ptr: Vec<usize>,
    /// Entry indices grouped by column (rows ascending within a column).
    pub(super) col_order: Vec<usize>,
    pub(super) col_ptr: Vec<usize>,
}

impl<R: RealScalar> Observations<R> {
    /// Builds the set from `(row, col, value)` triplets (any order) of an `nrows×ncols` matrix.
    ///
    /// # Errors
    /// [`Error::Empty`] for a 0×n matrix or no triplet; [`Error::IndexOutOfBounds`];
    /// [`Error::NonFinite`] for NaN/±∞ values (at the entry's position);
    /// [`Error::DuplicateEntry`] when a position appears twice.
    ///
    /// ```
    /// use ndfactor::{completion::Observations, Error};
    /// let e = Observations::from_triplets(2, 2, &[(0, 0, 1.0f64), (0, 0, 2.0)]);
    /// assert_eq!(e, Err(Error::DuplicateEntry { row: 0, col: 0 }));
    /// let e = Observations::from_triplets(2, 2, &[(2, 0, 1.0f64)]);
    /// assert!(matches!(e, Err(Error::IndexOutOfBounds { row: 2, .. })));
    /// ```
    pub fn from_triplets(
        nrows: usize,
        ncols: usize,
        triplets: &[(usize, usize, R)],
    ) -> Result<Self> {
        if nrows == 0 || ncols == 0 || triplets.is_empty() {
            return Err(Error::Empty {
                operation: "matrix completion (no observed entry)",
            });
        }
        for &(row, col, v) in triplets {
            if row >= nrows || col >= ncols {
                return Err(Error::IndexOutOfBounds {
                    row,
                    col,
                    rows: nrows,
                    cols: ncols,
                });
            }
            if !v.is_finite() {
                return Err(Error::NonFinite { row, col });
            }
        }
        let mut entries = triplets.to_vec();
        entries.sort_by_key(|e| (e.0, e.1));
        for w in entries.windows(2) {
            if (w[0].0, w[0].1) == (w[1].0, w[1].1) {
                return Err(Error::DuplicateEntry {
                    row: w[0].0,
                    col: w[0].1,
                });
            }
        }
        let mut row_ptr = vec![0usize; nrows + 1];
        let mut col_ptr = vec![0usize; ncols + 1];
        for &(i, j, _) in &entries {
            row_ptr[i + 1] += 1;
            col_ptr[j + 1] += 1;
        }
        for i in 0..nrows {
            row_ptr[i + 1] += row_ptr[i];
        }
        for j in 0..ncols {
            col_ptr[j + 1] += col_ptr[j];
        }
        let mut next = col_ptr.clone();
        let mut col_order = vec![0usize; entries.len()];
        for (e, &(_, j, _)) in entries.iter().enumerate() {
            col_order[next[j]] = e;
            next[j] += 1;
        }
        Ok(Observations {
            nrows,
            ncols,
            entries,
            row_ptr,
            col_order,
            col_ptr,
        })
    }

    /// Builds the set from a dense matrix and a mask of the same shape: entry `(i, j)` is
    /// observed when `mask[(i, j)]`. Unobserved values are never read (they may be NaN).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when the shapes differ; otherwise as
    /// [`from_triplets`](Observations::from_triplets).
    ///
    /// ```
    /// use ndfactor::completion::Observations;
    /// let x = ndarray::array![[1.0f32, f32::NAN], [3.0, 4.0]];
    /// let mask = x.mapv(|v| !v.is_nan());
    /// assert_eq!(Observations::from_masked(&x, &mask)?.len(), 3);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_masked<S1, S2>(
        values: &ArrayBase<S1, Ix2>,
        mask: &ArrayBase<S2, Ix2>,
    ) -> Result<Self>
    where
        S1: Data<Elem = R>,
        S2: Data<Elem = bool>,
    {
        let (m, n) = values.dim();
        if mask.nrows() != m {
            return Err(Error::DimensionMismatch {
                operation: "Observations::from_masked: rows of mask",
                expected: m,
                found: mask.nrows(),
            });
        }
        if mask.ncols() != n {
            return Err(Error::DimensionMismatch {
                operation: "Observations::from_masked: columns of mask",
                expected: n,
                found: mask.ncols(),
            });
        }
        let t: Vec<(usize, usize, R)> = values
            .indexed_iter()
            .filter(|(ij, _)| mask[*ij])
            .map(|((i, j), &v)| (i, j, v))
            .collect();
        Self::from_triplets(m, n, &t)
    }

    /// `(rows, cols)` of the matrix.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert_eq!(Observations::from_triplets(4, 5, &[(0, 0, 1.0f64)])?.dim(), (4, 5));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn dim(&self) -> (usize, usize) {
        (self.nrows, self.ncols)
    }

    /// Number of observed entries.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert_eq!(Observations::from_triplets(4, 5, &[(0, 0, 1.0f64)])?.len(), 1);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Always `false`: an empty set cannot be built.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// assert!(!Observations::from_triplets(1, 1, &[(0, 0, 1.0f64)])?.is_empty());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries `(row, col, value)`, sorted by `(row, col)`.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let o = Observations::from_triplets(2, 2, &[(1, 0, 2.0f64), (0, 1, 1.0)])?;
    /// assert_eq!(o.entries()[0], (0, 1, 1.0));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn entries(&self) -> &[(usize, usize, R)] {
        &self.entries
    }

    /// The observed value at `(row, col)`, if any (binary search in the row, O(log nᵢ)).
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let o = Observations::from_triplets(2, 2, &[(1, 0, 2.0f64)])?;
    /// assert_eq!((o.get(1, 0), o.get(0, 0), o.get(9, 9)), (Some(2.0), None, None));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn get(&self, row: usize, col: usize) -> Option<R> {
        if row >= self.nrows {
            return None;
        }
        let r = &self.entries[self.row_ptr[row]..self.row_ptr[row + 1]];
        r.binary_search_by(|e| e.1.cmp(&col)).ok().map(|k| r[k].2)
    }

    /// Splits the entries at random (seeded) into `(train, test)` with about `test_fraction`
    /// of them in `test`; each part keeps at least one entry.
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] unless `0 < test_fraction < 1` and there are at least two
    /// entries.
    ///
    /// ```
    /// # use ndfactor::completion::Observations;
    /// let t: Vec<_> = (0..10).map(|j| (0, j, j as f64)).collect();
    /// let (train, test) = Observations::from_triplets(1, 10, &t)?.split(0.3, 1)?;
    /// assert_eq!((train.len(), test.len()), (7, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn split(&self, test_fraction: f64, seed: u64) -> Result<(Self, Self)> {
        use rand::seq::SliceRandom;
        let n = self.entries.len();
        if !(test_fraction > 0.0 && test_fraction < 1.0) || n < 2 {
            return Err(invalid(format!(
                "split needs 0 < test_fraction < 1 and at least 2 entries (got {test_fraction}, {n})"
            )));
        }
        let k = ((test_fraction * n as f64).round() as usize).clamp(1, n - 1);
        let mut idx: Vec<usize> = (0..n).collect();
        idx.shuffle(&mut random::rng(seed));
        let test: Vec<_> = idx[..k].iter().map(|&e| self.entries[e]).collect();
        let train: Vec<_> = idx[k..].iter().map(|&e| self.entries[e]).collect();
        Ok((
            Self::from_triplets(self.nrows, self.ncols, &train)?,
            Self::from_triplets(self.nrows, self.ncols, &test)?,
        ))
    }

    /// Root mean square of `value − f(row, col)` over the entries.
    pub(super) fn rmse_of(&self, f: impl Fn(usize, usize) -> R) -> R {
        let mut s = R::from_f64(0.0);
        for &(i, j, v) in &self.entries {
            let d = v - f(i, j);
            s += d * d;
        }
        (s / R::from_f64(self.entries.len() as f64)).sqrt()
    }
}
