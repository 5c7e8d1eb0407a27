//! Automatic choice of factorization from the structure of the matrix.
//!
//! [`factorize`] inspects the matrix, in this order, and picks the cheapest reliable
//! factorization; [`Factorization::explain`] reports every check run and its outcome.
//!
//! 1. finiteness (NaN/∞ → [`Error::NonFinite`]);
//! 2. shape: tall (`m > n`) → [`ColPivQr`] least squares (basic solution, numerical rank
//!    reported); wide (`m < n`) → [`Qr`] minimum-norm solution;
//! 3. square: diagonal, upper or lower triangular (exact zero tests) → solved directly by
//!    division / triangular substitution (?trtrs), no factorization;
//! 4. symmetric/Hermitian, exactly or within `|aᵢⱼ − conj(aⱼᵢ)| ≤ 8·n·ε·‖A‖_max` (then
//!    `(A + Aᴴ)/2` is factored instead, and `explain` says so) → [`Cholesky`], falling back to
//!    [`Ldlt`] when Cholesky reports a leading minor that is not positive definite (to
//!    [`TridiagonalLu`] instead when the matrix is also tridiagonal);
//! 5. tridiagonal of order ≥ 3 (exact zero test outside the three diagonals) and not positive
//!    definite → [`TridiagonalLu`] (?gttrf, O(n) instead of O(n³));
//! 6. anything else → [`Lu`].
//!
//! ```
//! use ndarray::array;
//! use ndfactor::auto::{factorize, FactorizationKind};
//! let a = array![[4.0f64, 1.0], [1.0, 3.0]];
//! let f = factorize(&a)?;
//! assert_eq!(f.kind(), FactorizationKind::Cholesky);
//! let x = f.solve(&array![1.0, 2.0])?;
//! assert!((&a.dot(&x) - &array![1.0, 2.0]).iter().all(|d| d.abs() < 1e-14));
//! assert!(f.explain().contains("Cholesky succeeded"));
//! # Ok::<(), ndfactor::Error>(())
//! ```

use std::fmt::Write as _;

use ndarray::{s, Array, Array1, Array2, ArrayBase, ArrayView2, Data, Ix2, ShapeBuilder};

use crate::decomp::solve::Conditioning;
use crate::decomp::{rhs_matrix, Rhs, Solve};
use crate::error::{Error, Result};
use crate::lapack::qr::{trcon, trtrs};
use crate::lapack::Trans;
use crate::layout::{to_col_major, to_col_major_checked};
use crate::scalar::{RealScalar, Scalar};
use crate::{Cholesky, ColPivQr, Ldlt, Lu, Qr, TridiagonalLu, Uplo};

/// Which factorization [`factorize`] chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FactorizationKind {
    /// Square diagonal: solved by division.
    Diagonal,
    /// Square upper triangular: solved by back substitution.
    UpperTriangular,
    /// Square lower triangular: solved by forward substitution.
    LowerTriangular,
    /// Hermitian positive definite: [`Cholesky`].
    Cholesky,
    /// Hermitian indefinite: [`Ldlt`] (Bunch–Kaufman).
    Ldlt,
    /// General square: [`Lu`].
    Lu,
    /// Square tridiagonal (not positive definite): [`TridiagonalLu`], O(n).
    Tridiagonal,
    /// Tall: least squares through [`ColPivQr`].
    LeastSquares,
    /// Wide: minimum-norm solution through [`Qr`].
    MinimumNorm,
}

enum Inner<T: Scalar> {
    Diagonal(Array1<T>),
    Triangular(Array2<T>, Uplo),
    Cholesky(Cholesky<T>),
    Ldlt(Ldlt<T>),
    Lu(Lu<T>),
    Tridiagonal(TridiagonalLu<T>),
    LeastSquares { qr: ColPivQr<T>, rank: usize },
    MinimumNorm(Qr<T>),
}

/// The factorization [`factorize`] chose, with the record of why.
///
/// ```
/// use ndarray::array;
/// use ndfactor::auto::{factorize, FactorizationKind};
/// let f = factorize(&array![[2.0f64, 0.0], [0.0, 4.0]])?;
/// assert_eq!(f.kind(), FactorizationKind::Diagonal);
/// assert_eq!(f.det()?, 8.0); // exact: the diagonal kind multiplies the entries, 2·4
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub struct Factorization<T: Scalar> {
    inner: Inner<T>,
    m: usize,
    n: usize,
    log: String,
}

/// Largest `|aᵢⱼ − conj(aⱼᵢ)|` of a square F-order matrix, or, with `stop_above = Some(t)`, a
/// value above `t` as soon as one is found.
fn hermitian_defect<T: Scalar>(a: &Array2<T>, stop_above: Option<T::Real>) -> T::Real {
    // In 32×32 blocks of the lower triangle: the entries (i, j) run down a column of the
    // F-order `a`, their mirror images (j, i) along a row, and a block of both stays cached
    // (an unblocked walk misses the cache at every mirror entry; the timing is in
    // docs/bench/implementation-notes.md). The maximum of the same set of values, so the same
    // result.
    const B: usize = 32;
    let n = a.nrows();
    let mut d = T::Real::from_f64(0.0);
    for jb in (0..n).step_by(B) {
        for ib in (jb..n).step_by(B) {
            for j in jb..(jb + B).min(n) {
                for i in ib.max(j)..(ib + B).min(n) {
                    d = d.max((a[(i, j)] - a[(j, i)].conj()).abs());
                }
            }
            if stop_above.is_some_and(|t| d > t) {
                return d;
            }
        }
    }
    d
}

/// Inspects `a` and factors it with the method its structure calls for; see the
/// [module documentation](self) for the order of the checks and the tolerances.
///
/// # Errors
/// [`Error::NonFinite`] for NaN/∞; errors of the chosen factorization (e.g.
/// [`Error::NumericalBreakdown`]). Exactly singular square matrices are accepted: the solve
/// reports [`Error::Singular`].
///
/// ```
/// use ndarray::array;
/// use ndfactor::auto::{factorize, FactorizationKind};
/// let f = factorize(&array![[1.0f64, 2.0], [2.0, 1.0]])?; // symmetric indefinite
/// assert_eq!(f.kind(), FactorizationKind::Ldlt);
/// assert!(f.explain().contains("leading minor of order 2"));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn factorize<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Factorization<T>> {
    build(a, Purpose::Explain)
}

/// What a [`Factorization`] is built for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// [`factorize`]: with the conditioning estimate (one `?gecon`-type call, O(n²)) and its
    /// line of the log.
    Explain,
    /// The solve-only entry points: neither.
    SolveOnly,
}

/// [`factorize`] for `purpose`.
fn build<T: Scalar, S: Data<Elem = T>>(
    a: &ArrayBase<S, Ix2>,
    purpose: Purpose,
) -> Result<Factorization<T>> {
    let conditioning = purpose == Purpose::Explain;
    let (m, n) = a.dim();
    // LP64 limits before the copy below (a broadcast view can be far larger than memory).
    crate::layout::check_dims(m, n)?;
    // One pass: the F-order copy, its finiteness (the first NaN or ∞ in row-major order is the
    // error, as `check_finite` reports it), ‖A‖₁ and the largest entry, which `Lu` reuses.
    let (a, scan) = to_col_major_checked(a)?;
    let mut log = String::new();
    let _ = writeln!(log, "shape {m}×{n}, all entries finite");
    let zero = T::zero();
    let inner = if m > n {
        let _ = writeln!(log, "tall (m > n): least squares by column-pivoted QR");
        let qr = ColPivQr::from_owned(a)?;
        let rank = qr.rank(None)?;
        if rank < n {
            let _ = writeln!(
                log,
                "rank deficient: numerical rank {rank} < {n} columns (tolerance {:.3e}); the \
                 solve returns a basic solution with {} free variables set to zero",
                qr.default_tolerance().to_f64(),
                n - rank
            );
        } else {
            let _ = writeln!(log, "full column rank {rank}");
        }
        Inner::LeastSquares { qr, rank }
    } else if m < n {
        let _ = writeln!(log, "wide (m < n): minimum-norm solution by QR");
        Inner::MinimumNorm(Qr::from_owned(a)?)
    } else {
        let mut upper = true;
        let mut lower = true;
        let mut tridiagonal = true;
        // In memory order (column by column), stopping once no structure is left.
        for (j, col) in a.columns().into_iter().enumerate() {
            for (i, &v) in col.iter().enumerate() {
                if v != zero {
                    upper &= i <= j;
                    lower &= i >= j;
                    tridiagonal &= i.abs_diff(j) <= 1;
                }
            }
            if !(upper || lower || tridiagonal) {
                break;
            }
        }
        // Every matrix of order ≤ 2 is tridiagonal: the structure only pays from order 3.
        let tridiagonal = tridiagonal && n >= 3;
        if upper && lower {
            let _ = writeln!(
                log,
                "square and diagonal (exact zero test): solved by division"
            );
            Inner::Diagonal(a.diag().to_owned())
        } else if upper {
            let _ = writeln!(
                log,
                "square, not diagonal, upper triangular (exact zero test): solved by back \
                 substitution, no factorization"
            );
            Inner::Triangular(a, Uplo::Upper)
        } else if lower {
            let _ = writeln!(
                log,
                "square, not diagonal, lower triangular (exact zero test): solved by forward \
                 substitution, no factorization"
            );
            Inner::Triangular(a, Uplo::Lower)
        } else {
            let _ = writeln!(log, "square, not triangular");
            // For real types the scan's largest |re| + |im| is the largest |x|; the transposed
            // view walks the F-order buffer in memory order (the same maximum).
            let amax = if T::IS_COMPLEX {
                a.t()
                    .iter()
                    .fold(T::Real::from_f64(0.0), |s, x| s.max(x.abs()))
            } else {
                scan.amax
            };
            let tol = T::Real::from_f64(8.0 * n as f64) * T::eps() * amax;
            // The solve-only entry points show no log: there the scan may stop at the first
            // block whose defect passes the tolerance (the decision is the same).
            let defect = hermitian_defect(&a, (!conditioning).then_some(tol));
            // Exact: the defect compares the input's own entries, no arithmetic on them.
            let sym = if defect == T::Real::from_f64(0.0) {
                let _ = writeln!(log, "exactly symmetric/Hermitian");
                Some(a.clone())
            } else if defect <= tol {
                let _ = writeln!(
                    log,
                    "nearly symmetric/Hermitian: defect max|aᵢⱼ − conj(aⱼᵢ)| = {:.3e} ≤ \
                     tolerance 8·n·ε·‖A‖_max = {:.3e}; factoring the symmetrised (A + Aᴴ)/2",
                    defect.to_f64(),
                    tol.to_f64()
                );
                let half = T::Real::from_f64(0.5);
                let mut h = a.clone();
                for i in 0..n {
                    for j in 0..n {
                        // Halving after the sum is exact for subnormals; halving first keeps
                        // entries near ±f64::MAX from overflowing.
                        let (x, y) = (a[(i, j)], a[(j, i)].conj());
                        let s = x + y;
                        h[(i, j)] = if s.is_finite() {
                            s.scale(half)
                        } else {
                            x.scale(half) + y.scale(half)
                        };
                    }
                }
                Some(h)
            } else {
                // Formatting the two floats costs more than an order-64 solve's own checks: the
                // solve-only entry points (no conditioning line, no log shown) skip it.
                if conditioning {
                    let _ = writeln!(
                        log,
                        "not symmetric: defect max|aᵢⱼ − conj(aⱼᵢ)| = {:.3e} > tolerance {:.3e}",
                        defect.to_f64(),
                        tol.to_f64()
                    );
                }
                None
            };
            match sym {
                Some(h) => match Cholesky::new(&h) {
                    Ok(c) => {
                        let _ = writeln!(log, "Cholesky succeeded: positive definite");
                        Inner::Cholesky(c)
                    }
                    Err(Error::NotPositiveDefinite { index }) if tridiagonal => {
                        let _ = writeln!(
                            log,
                            "Cholesky failed: the leading minor of order {index} is not \
                             positive definite; the matrix is tridiagonal: LU with partial \
                             pivoting on the three diagonals (?gttrf, O(n))"
                        );
                        Inner::Tridiagonal(TridiagonalLu::from_matrix(&h)?)
                    }
                    Err(Error::NotPositiveDefinite { index }) => {
                        let _ = writeln!(
                            log,
                            "Cholesky failed: the leading minor of order {index} is not \
                             positive definite; falling back to LDLᴴ (Bunch–Kaufman)"
                        );
                        Inner::Ldlt(Ldlt::from_owned(h)?)
                    }
                    Err(e) => return Err(e),
                },
                None if tridiagonal => {
                    let _ = writeln!(
                        log,
                        "tridiagonal (exact zero test outside the three diagonals): LU with \
                         partial pivoting on the three diagonals (?gttrf, O(n))"
                    );
                    Inner::Tridiagonal(TridiagonalLu::from_matrix(&a)?)
                }
                None => {
                    let _ = writeln!(log, "general square: LU with partial pivoting");
                    Inner::Lu(Lu::from_scanned(a, scan)?)
                }
            }
        }
    };
    let mut f = Factorization { inner, m, n, log };
    if conditioning {
        let c = Conditioning::from_rcond(f.rcond());
        let _ = write!(f.log, "conditioning: {c}");
    }
    Ok(f)
}

/// The factorization behind the solve-only entry points ([`solve`], [`inv`], [`det`]), which
/// never show their factors. A square C-contiguous `A` is factored as it lies: its buffer read
/// in column-major order is Aᵀ, copied by one `memcpy` instead of a transpose, and the
/// solution comes from the transposed solve (`?getrs`/`?trtrs`/`?gttrs` with 'T', never 'C':
/// the buffer holds Aᵀ, not Aᴴ) or, for Hermitian input (whose transpose is its conjugate),
/// from `x = conj(solve(Aᵀ, conj(b)))`. The structure found is the same (Aᵀ is diagonal,
/// triangular, tridiagonal or Hermitian exactly when A is), so the same kind of factorization
/// runs; its results equal the F-order path's to rounding, not bitwise.
enum ForSolve<T: Scalar> {
    /// The factorization of A.
    Direct(Factorization<T>),
    /// The factorization of Aᵀ.
    Transposed(Factorization<T>),
}

impl<T: Scalar> ForSolve<T> {
    fn of<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        let (m, n) = a.dim();
        if m == n && n > 1 && a.is_standard_layout() {
            return build(&a.t(), Purpose::SolveOnly)
                .map(ForSolve::Transposed)
                .map_err(|e| crate::layout::in_coordinates_of(a, e));
        }
        Ok(ForSolve::Direct(build(a, Purpose::SolveOnly)?))
    }

    fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let f = match self {
            ForSolve::Direct(f) => return f.solve(b),
            ForSolve::Transposed(f) => f,
        };
        match &f.inner {
            Inner::Lu(l) => l.solve_transpose(b),
            Inner::Tridiagonal(t) => t.solve_transpose(b),
            Inner::Triangular(r, uplo) => {
                let mut x = rhs_matrix(b, f.m, "Factorization::solve: rows of b")?;
                trtrs(r, r.nrows(), *uplo, Trans::Transpose, &mut x)?;
                // Division by tiny diagonal entries can overflow the solution from finite
                // input (as in `Factorization::solve`).
                if !x.iter().all(|v| v.is_finite()) {
                    return Err(Error::NumericalBreakdown {
                        routine: "substitution",
                    });
                }
                Ok(D::from_matrix(x))
            }
            // Aᵀ = conj(A) for Hermitian A: A·x = b ⇔ Aᵀ·conj(x) = conj(b).
            Inner::Cholesky(_) | Inner::Ldlt(_) if T::IS_COMPLEX => {
                let bc = b.mapv(|v| v.conj());
                Ok(f.solve(&bc)?.mapv_into(|v| v.conj()))
            }
            // Diagonal (its own transpose), real symmetric; the rectangular kinds never come
            // here (square input only).
            _ => f.solve(b),
        }
    }
}

/// Solves a triangular system in place (?trtrs; `b` is F-order `n×nrhs`). An exactly zero
/// diagonal entry is [`Error::Singular`].
fn substitute<T: Scalar>(r: &Array2<T>, uplo: Uplo, b: &mut Array2<T>) -> Result<()> {
    trtrs(r, r.nrows(), uplo, Trans::No, b)
}

impl<T: Scalar> Factorization<T> {
    /// The factorization chosen.
    ///
    /// ```
    /// use ndfactor::auto::{factorize, FactorizationKind};
    /// let f = factorize(&ndarray::array![[1.0f64, 2.0], [3.0, 4.0]])?;
    /// assert_eq!(f.kind(), FactorizationKind::Lu);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn kind(&self) -> FactorizationKind {
        match &self.inner {
            Inner::Diagonal(_) => FactorizationKind::Diagonal,
            Inner::Triangular(_, Uplo::Upper) => FactorizationKind::UpperTriangular,
            Inner::Triangular(_, Uplo::Lower) => FactorizationKind::LowerTriangular,
            Inner::Cholesky(_) => FactorizationKind::Cholesky,
            Inner::Ldlt(_) => FactorizationKind::Ldlt,
            Inner::Lu(_) => FactorizationKind::Lu,
            Inner::Tridiagonal(_) => FactorizationKind::Tridiagonal,
            Inner::LeastSquares { .. } => FactorizationKind::LeastSquares,
            Inner::MinimumNorm(_) => FactorizationKind::MinimumNorm,
        }
    }

    /// The checks [`factorize`] ran and their outcomes, one per line, in plain words with the
    /// numbers (shape, symmetry defect and tolerance, Cholesky outcome and failing minor, rank,
    /// rcond and verdict).
    ///
    /// ```
    /// use ndfactor::auto::factorize;
    /// let f = factorize(&ndarray::array![[1.0f64, 2.0], [3.0, 4.0]])?;
    /// assert!(f.explain().contains("not symmetric"));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn explain(&self) -> String {
        self.log.clone()
    }

    /// Numerical rank for the least-squares branch (column-pivoted QR, default tolerance);
    /// `None` for the other kinds.
    ///
    /// ```
    /// use ndfactor::auto::factorize;
    /// let f = factorize(&ndarray::array![[1.0f64, 2.0], [2.0, 4.0], [3.0, 6.0]])?;
    /// assert_eq!(f.rank(), Some(1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rank(&self) -> Option<usize> {
        match &self.inner {
            Inner::LeastSquares { rank, .. } => Some(*rank),
            _ => None,
        }
    }

    /// Solves `A·x = b` (square), the least-squares problem (tall) or the minimum-norm problem
    /// (wide), for a vector or a matrix of right-hand sides. A rank-deficient tall matrix gives
    /// the basic solution (free variables of the column-pivoted QR set to zero), as MATLAB's
    /// backslash does.
    ///
    /// # Errors
    /// [`Error::Singular`] for an exactly singular square matrix (or rank-deficient wide one),
    /// [`Error::DimensionMismatch`], [`Error::NonFinite`] in `b`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::auto::factorize;
    /// let a = array![[2.0f64, 1.0], [0.0, 4.0]];
    /// let x = factorize(&a)?.solve(&array![3.0, 4.0])?;
    /// assert_eq!(x, array![1.0, 1.0]); // exact: small integers, divisions by 4 and 2
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve<S, D>(&self, b: &ArrayBase<S, D>) -> Result<Array<T, D>>
    where
        S: Data<Elem = T>,
        D: Rhs,
    {
        let x = match &self.inner {
            Inner::Diagonal(d) => {
                let mut x = rhs_matrix(b, self.m, "Factorization::solve: rows of b")?;
                if let Some(i) = d.iter().position(|&v| v == T::zero()) {
                    return Err(Error::Singular { index: i + 1 });
                }
                for (mut row, &di) in x.rows_mut().into_iter().zip(d) {
                    row.mapv_inplace(|v| v / di);
                }
                x
            }
            Inner::Triangular(r, uplo) => {
                let mut x = rhs_matrix(b, self.m, "Factorization::solve: rows of b")?;
                substitute(r, *uplo, &mut x)?;
                x
            }
            Inner::Cholesky(c) => return c.solve(b),
            Inner::Ldlt(l) => return l.solve(b),
            Inner::Lu(l) => return l.solve(b),
            Inner::Tridiagonal(t) => return t.solve(b),
            Inner::MinimumNorm(q) => return q.solve(b),
            Inner::LeastSquares { qr, rank } => {
                let bm = rhs_matrix(b, self.m, "Factorization::solve: rows of b")?;
                let c = qr.apply_qh(&bm)?;
                let r = *rank;
                let rr = to_col_major(&qr.factors().slice(s![..r, ..r]));
                let mut y = to_col_major(&c.slice(s![..r, ..]));
                substitute(&rr, Uplo::Upper, &mut y)?;
                let perm = qr.perm();
                let mut x = Array2::zeros((self.n, bm.ncols()).f());
                for (k, &p) in perm.iter().enumerate().take(r) {
                    x.row_mut(p).assign(&y.row(k));
                }
                x
            }
        };
        // Division by tiny diagonal entries can overflow the solution from finite input.
        if !x.iter().all(|v| v.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "substitution",
            });
        }
        Ok(D::from_matrix(x))
    }

    /// Determinant (square matrices).
    ///
    /// # Errors
    /// [`Error::NotSquare`] for the least-squares and minimum-norm kinds.
    ///
    /// ```
    /// use ndfactor::auto::factorize;
    /// let d = factorize(&ndarray::array![[1.0f64, 2.0], [3.0, 4.0]])?.det()?;
    /// assert!((d + 2.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn det(&self) -> Result<T> {
        Ok(match &self.inner {
            Inner::Diagonal(d) => crate::decomp::det_product(d.iter().copied()),
            Inner::Triangular(r, _) => crate::decomp::det_product(r.diag().iter().copied()),
            Inner::Cholesky(c) => T::from_real(c.det()),
            Inner::Ldlt(l) => l.det(),
            Inner::Lu(l) => l.det(),
            Inner::Tridiagonal(t) => t.det(),
            _ => {
                return Err(Error::NotSquare {
                    rows: self.m,
                    cols: self.n,
                })
            }
        })
    }

    /// Reciprocal condition number: exact `min|dᵢ|/max|dᵢ|` for a diagonal matrix, ?trcon
    /// (1-norm estimate) for triangular ones and the triangular factor of the QR kinds
    /// (restricted to the numerical rank for least squares), and the factorization's own
    /// `rcond` otherwise. 1 for an empty matrix, NaN if the estimate fails.
    ///
    /// ```
    /// use ndfactor::auto::factorize;
    /// let f = factorize(&ndarray::array![[1.0f64, 0.0], [0.0, 1e-3]])?;
    /// assert_eq!(f.rcond(), 1e-3); // exact: the diagonal kind's rcond is min|dᵢ| / max|dᵢ| = 1e-3 / 1
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> T::Real {
        let zero = T::Real::from_f64(0.0);
        match &self.inner {
            Inner::Diagonal(d) => {
                if d.is_empty() {
                    return T::Real::from_f64(1.0);
                }
                let mx = d.iter().fold(zero, |s, x| s.max(x.abs()));
                let mn = d.iter().fold(T::Real::infinity(), |s, x| s.min(x.abs()));
                if mx == zero {
                    zero
                } else {
                    mn / mx
                }
            }
            Inner::Triangular(r, uplo) => {
                if r.diag().iter().any(|&v| v == T::zero()) {
                    return zero;
                }
                trcon(r, self.n, *uplo).unwrap_or_else(|_| T::Real::nan())
            }
            Inner::Cholesky(c) => c.rcond(),
            Inner::Ldlt(l) => l.rcond(),
            Inner::Lu(l) => l.rcond(),
            Inner::Tridiagonal(t) => t.rcond(),
            Inner::MinimumNorm(q) => q.rcond(),
            Inner::LeastSquares { qr, rank } => {
                let rr = to_col_major(&qr.factors().slice(s![..*rank, ..*rank]));
                trcon(&rr, *rank, Uplo::Upper).unwrap_or_else(|_| T::Real::nan())
            }
        }
    }

    /// [`Conditioning`] report from [`rcond`](Factorization::rcond).
    ///
    /// ```
    /// use ndfactor::auto::factorize;
    /// use ndfactor::conditioning::Verdict;
    /// let f = factorize(&ndarray::array![[1.0f64, 0.0], [0.0, 1e-20]])?;
    /// assert_eq!(f.conditioning().verdict, Verdict::NumericallySingular);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn conditioning(&self) -> Conditioning<T::Real> {
        Conditioning::from_rcond(self.rcond())
    }
}

impl<T: Scalar> Solve<T> for Factorization<T> {
    fn solve_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        Factorization::solve(self, &b)
    }
    /// `Aᴴ·X = B` for every kind but [`LeastSquares`](FactorizationKind::LeastSquares), whose
    /// rank-deficient adjoint solve is not offered ([`Error::InvalidArgument`]; factor `Aᴴ`).
    fn solve_adjoint_matrix(&self, b: ArrayView2<T>) -> Result<Array2<T>> {
        let x = match &self.inner {
            Inner::Diagonal(d) => {
                let mut x = rhs_matrix(&b, self.n, "Factorization::solve_adjoint: rows of b")?;
                if let Some(i) = d.iter().position(|&v| v == T::zero()) {
                    return Err(Error::Singular { index: i + 1 });
                }
                for (mut row, &di) in x.rows_mut().into_iter().zip(d) {
                    let dc = di.conj();
                    row.mapv_inplace(|v| v / dc);
                }
                x
            }
            Inner::Triangular(r, uplo) => {
                let mut x = rhs_matrix(&b, self.n, "Factorization::solve_adjoint: rows of b")?;
                trtrs(r, r.nrows(), *uplo, Trans::Adjoint, &mut x)?;
                x
            }
            // Hermitian: Aᴴ = A.
            Inner::Cholesky(c) => return c.solve(&b),
            Inner::Ldlt(l) => return Solve::solve_adjoint_matrix(l, b),
            Inner::Lu(l) => return l.solve_adjoint(&b),
            Inner::Tridiagonal(t) => return t.solve_adjoint(&b),
            Inner::MinimumNorm(q) => return Solve::solve_adjoint_matrix(q, b),
            Inner::LeastSquares { .. } => {
                return Err(Error::InvalidArgument {
                    reason: "the adjoint solve of a rank-deficient least-squares factorization is \
                             not offered: factor Aᴴ instead"
                        .into(),
                })
            }
        };
        // Division by tiny diagonal entries can overflow the solution from finite input.
        if !x.iter().all(|v| v.is_finite()) {
            return Err(Error::NumericalBreakdown {
                routine: "substitution",
            });
        }
        Ok(x)
    }
    fn rcond(&self) -> T::Real {
        Factorization::rcond(self)
    }
}

/// Solves `A·x = b` through [`factorize`] (least squares for tall `A`, minimum norm for wide).
///
/// A square C-order `A` is factored as it lies (as Aᵀ, then a transposed solve), which saves
/// the transpose into column-major order: the solution equals the one for the same matrix in
/// F order to rounding (within LAPACK's error bounds), not bit for bit.
///
/// # Errors
/// As [`factorize`] and [`Factorization::solve`].
///
/// ```
/// use ndarray::array;
/// let x = ndfactor::auto::solve(&array![[4.0f64, 1.0], [1.0, 3.0]], &array![5.0, 4.0])?;
/// assert!((x[0] - 1.0).abs() < 1e-14 && (x[1] - 1.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn solve<T, S1, S2, D>(a: &ArrayBase<S1, Ix2>, b: &ArrayBase<S2, D>) -> Result<Array<T, D>>
where
    T: Scalar,
    S1: Data<Elem = T>,
    S2: Data<Elem = T>,
    D: Rhs,
{
    ForSolve::of(a)?.solve(b)
}

/// Inverse of a square matrix through [`factorize`] (solving against the identity; C-order
/// input is factored as it lies, as in [`solve`]).
///
/// # Errors
/// [`Error::NotSquare`], [`Error::Singular`], [`Error::NonFinite`].
///
/// ```
/// use ndarray::array;
/// let inv = ndfactor::auto::inv(&array![[2.0f64, 0.0], [0.0, 4.0]])?;
/// assert_eq!(inv, array![[0.5, 0.0], [0.0, 0.25]]); // exact: reciprocals of powers of two
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn inv<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Array2<T>> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    ForSolve::of(a)?.solve(&Array2::<T>::eye(n))
}

/// Determinant of a square matrix through [`factorize`] (1 for an empty matrix; C-order input
/// is factored as it lies, as Aᵀ, as in [`solve`]).
///
/// # Errors
/// [`Error::NotSquare`], [`Error::NonFinite`].
///
/// ```
/// use ndarray::array;
/// let d = ndfactor::auto::det(&array![[1.0f64, 2.0], [0.0, 3.0]])?;
/// assert_eq!(d, 3.0); // exact: product of the diagonal, 1·3
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn det<T: Scalar, S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<T> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    // det(Aᵀ) = det(A).
    match ForSolve::of(a)? {
        ForSolve::Direct(f) | ForSolve::Transposed(f) => f.det(),
    }
}
