//! Distributed factorizations on ScaLAPACK: LU, Cholesky, QR, symmetric/Hermitian eigen, SVD.

use std::os::raw::c_char;

use mpi::collective::SystemOperation;
use mpi::traits::*;

use super::{agree, agree_finite, DistMatrix, DistScalar};
use crate::error::{Error, Result};
use crate::lapack::scalapack::{self as sl, ScaInt};
use crate::lapack::{LapackScalar, Uplo};
use crate::scalar::{RealScalar, Scalar};

/// The ScaLAPACK routine name, e.g. `prname!(T, "getrf")` is `"pdgetrf"` for f64.
macro_rules! prname {
    ($t:ty, $f:literal) => {
        match <$t as LapackScalar>::PREFIX {
            's' => concat!("ps", $f),
            'd' => concat!("pd", $f),
            'c' => concat!("pc", $f),
            _ => concat!("pz", $f),
        }
    };
    ($t:ty, $real:literal, $complex:literal) => {
        match <$t as LapackScalar>::PREFIX {
            's' => concat!("ps", $real),
            'd' => concat!("pd", $real),
            'c' => concat!("pc", $complex),
            _ => concat!("pz", $complex),
        }
    };
}

/// Reconciles ScaLAPACK's INFO over the processes: an illegal argument anywhere is
/// `IllegalArgument` everywhere; otherwise the smallest positive INFO (or `None`).
fn reconcile<C: Communicator>(comm: &C, routine: &str, info: ScaInt) -> Result<Option<usize>> {
    // An argument error reported through PXERBLA by an inner routine counts as one.
    let info = sl::with_pxerbla(info);
    let neg = if info < 0 { -info } else { 0 };
    let pos = if info > 0 { info } else { ScaInt::MAX };
    let (mut gneg, mut gpos) = (0, 0);
    comm.all_reduce_into(&neg, &mut gneg, SystemOperation::max());
    comm.all_reduce_into(&pos, &mut gpos, SystemOperation::min());
    if gneg > 0 {
        debug_assert!(false, "ScaLAPACK rejected argument {gneg} of {routine}");
        return Err(Error::IllegalArgument {
            routine: routine.to_string(),
            arg: gneg,
        });
    }
    Ok((gpos != ScaInt::MAX).then_some(gpos as usize))
}

/// Rank 0's copy of a real vector on every process (exact: f32 and f64 convert to f64 and back
/// without rounding).
fn bcast_real<C: Communicator, R: RealScalar>(comm: &C, v: &mut [R]) {
    let mut x: Vec<f64> = v.iter().map(|&r| RealScalar::to_f64(r)).collect();
    comm.process_at_rank(0).broadcast_into(&mut x[..]);
    for (r, x) in v.iter_mut().zip(x) {
        *r = R::from_f64(x);
    }
}

fn square<T: DistScalar>(a: &DistMatrix<'_, T>) -> Result<usize> {
    let (m, n) = a.dim();
    if m != n {
        return Err(Error::NotSquare { rows: m, cols: n });
    }
    Ok(n)
}

/// NaN/∞ check of the triangle `uplo` only (the other one is not read, as in core).
fn check_triangle<T: DistScalar>(a: &DistMatrix<'_, T>, uplo: Uplo) -> Result<()> {
    let lld = a.lld();
    let mut key = u64::MAX;
    for lj in 0..a.lc {
        let j = a.global_col(lj);
        for li in 0..a.lr {
            let i = a.global_row(li);
            let inside = match uplo {
                Uplo::Lower => i >= j,
                Uplo::Upper => i <= j,
            };
            if inside && !a.local[li + lj * lld].is_finite() {
                key = key.min(i as u64 * a.n as u64 + j as u64);
            }
        }
    }
    agree_finite(&a.grid.comm, key, a.n)
}

fn breakdown<T: DistScalar>(m: &DistMatrix<'_, T>, routine: &'static str) -> Result<()> {
    if m.all_finite() {
        Ok(())
    } else {
        Err(Error::NumericalBreakdown { routine })
    }
}

fn check_rhs<T: DistScalar>(a: &DistMatrix<'_, T>, b: &DistMatrix<'_, T>) -> Result<()> {
    a.same_blocks(b)?;
    if b.m != a.n {
        return Err(Error::DimensionMismatch {
            operation: "distributed solve: rows of b",
            expected: a.n,
            found: b.m,
        });
    }
    b.check_finite()
}

// ---------------------------------------------------------------------------------------------

/// LU factorization with partial pivoting `P·A = L·U` of a distributed square matrix
/// (ScaLAPACK `p?getrf`), and solves with it (`p?getrs`).
///
/// As in core ([`Lu`](crate::Lu)), an exactly singular matrix still factorizes:
/// [`singular_at`](DistLu::singular_at) reports the first zero pivot, and only
/// [`solve`](DistLu::solve) fails. The pivots of ScaLAPACK's blocked algorithm (largest
/// modulus in the column, the first on ties) are those of in-core `?getrf`, so the factors agree
/// with [`Lu`](crate::Lu) to rounding.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`] at the global position; [`Error::NumericalBreakdown`]
/// when the factors overflow. Every process returns the same error.
///
/// # Complexity
/// `2/3·n³` flops spread over `p·q` processes, `O(n²·(1/p + 1/q)·log)` values communicated.
///
/// # ScaLAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | psgetrf psgetrs psgecon | pdgetrf pdgetrs pdgecon | pcgetrf pcgetrs pcgecon | pzgetrf pzgetrs pzgecon |
///
/// ```
/// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let a = ndarray::array![[2.0f64, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]];
/// let b = ndarray::array![[1.0f64], [2.0], [3.0]];
/// fn on_root<'a>(grid: &ProcessGrid, m: &'a ndarray::Array2<f64>) -> Option<ndarray::ArrayView2<'a, f64>> {
///     (grid.rank() == 0).then(|| m.view())
/// }
/// let lu = DistLu::new(&DistMatrix::scatter(&grid, on_root(&grid, &a), 2)?)?;
/// let x = lu.solve(&DistMatrix::scatter(&grid, on_root(&grid, &b), 2)?)?;
/// if let Some(x) = x.gather()? {
///     let r = &a.dot(&x) - &b;
///     assert!(r.iter().all(|e| e.abs() < 1e-14));
/// }
/// assert!(lu.rcond()? > 0.1);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistLu<'g, T: DistScalar> {
    lu: DistMatrix<'g, T>,
    ipiv: Vec<ScaInt>,
    anorm: T::Real,
    singular: Option<usize>,
}

impl<'g, T: DistScalar> DistLu<'g, T> {
    /// Factorizes a copy of `a`. Collective over the grid.
    ///
    /// # Errors
    /// See [`DistLu`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[0.0f64, 1.0], [1.0, 0.0]];
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert_eq!(lu.singular_at(), None);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(a: &DistMatrix<'g, T>) -> Result<Self> {
        let n = square(a)?;
        a.check_finite()?;
        let anorm = a.norm('1');
        let mut lu = a.clone();
        if n == 0 {
            return Ok(DistLu {
                lu,
                ipiv: Vec::new(),
                anorm,
                singular: None,
            });
        }
        let routine = prname!(T, "getrf");
        let (info, ipiv) = sl::pgetrf(&mut lu.local, &lu.desc);
        let singular = reconcile(&a.grid.comm, routine, info)?;
        breakdown(&lu, routine)?;
        Ok(DistLu {
            lu,
            ipiv,
            anorm,
            singular,
        })
    }

    /// The first exactly zero pivot `U(k, k)` (1-based, ScaLAPACK's INFO), if any; the same on
    /// every process.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0]]; // rank 1
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert_eq!(lu.singular_at(), Some(2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_at(&self) -> Option<usize> {
        self.singular
    }

    /// The packed factors (`L` below the diagonal with its unit diagonal implied, `U` on and
    /// above), distributed like the input.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[4.0f64, 2.0], [2.0, 4.0]];
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// if let Some(f) = lu.factors().gather()? {
    ///     assert_eq!(f, ndarray::array![[4.0, 2.0], [0.5, 3.0]]); // exact: dyadic pivots
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factors(&self) -> &DistMatrix<'g, T> {
        &self.lu
    }

    /// The global row interchanges `ipiv` (1-based: row `i` was swapped with row `ipiv[i]`),
    /// the same on every process (one all-gather of `n` integers).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[0.0f64, 1.0], [1.0, 0.0]];
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert_eq!(lu.pivots()?, vec![2, 2]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn pivots(&self) -> Result<Vec<i32>> {
        // Process column 0 holds the pivots of its local rows (IPIV is replicated over
        // process columns); the others contribute zeros, and a sum gathers them.
        let n = self.lu.n;
        let mut piv = vec![0i32; n];
        if self.lu.grid.mycol == 0 {
            for li in 0..self.lu.lr {
                piv[self.lu.global_row(li)] = self.ipiv[li];
            }
        }
        let send = piv.clone();
        self.lu
            .grid
            .comm
            .all_reduce_into(&send[..], &mut piv[..], SystemOperation::sum());
        Ok(piv)
    }

    /// Solves `A·X = B` for a distributed `B` on the same grid with the same block size.
    /// Collective.
    ///
    /// # Errors
    /// [`Error::Singular`] when a pivot is exactly zero; [`Error::DimensionMismatch`];
    /// [`Error::NonFinite`] in `B`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// fn root<'a>(grid: &ProcessGrid, m: &'a ndarray::Array2<f64>) -> Option<ndarray::ArrayView2<'a, f64>> {
    ///     (grid.rank() == 0).then(|| m.view())
    /// }
    /// let a = ndarray::array![[1.0f64, 2.0], [2.0, 4.0]];
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, root(&grid, &a), 1)?)?;
    /// let b = DistMatrix::scatter(&grid, root(&grid, &ndarray::array![[1.0], [1.0]]), 1)?;
    /// assert!(matches!(lu.solve(&b), Err(ndfactor::Error::Singular { index: 2 })));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve(&self, b: &DistMatrix<'g, T>) -> Result<DistMatrix<'g, T>> {
        check_rhs(&self.lu, b)?;
        if let Some(index) = self.singular {
            return Err(Error::Singular { index });
        }
        let mut x = b.clone();
        if self.lu.n == 0 || b.n == 0 {
            return Ok(x);
        }
        let info = sl::pgetrs(
            b'N' as c_char,
            &self.lu.local,
            &self.lu.desc,
            &self.ipiv,
            &mut x.local,
            &x.desc,
        );
        reconcile(&b.grid.comm, prname!(T, "getrs"), info)?;
        breakdown(&x, prname!(T, "getrs"))?;
        Ok(x)
    }

    /// Estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)`; 0 for a singular matrix,
    /// 1 for an empty one.
    ///
    /// `‖A⁻¹‖₁` is the larger of two lower bounds: ScaLAPACK's `p?gecon` and a Hager–Higham
    /// iteration (LAPACK's `?lacn2`) over distributed solves, since `p?gecon` alone can stop
    /// early and underestimate `‖A⁻¹‖₁` (the observed factors are in docs/reliability.md). `O(n²)` work per solve, at most ten solves.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when the workspace passes ScaLAPACK's integers.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistLu, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, 0.0], [0.0, 1e-3]];
    /// let lu = DistLu::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert!((lu.rcond()? - 1e-3).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> Result<T::Real> {
        let zero = T::Real::from_f64(0.0);
        if self.lu.n == 0 {
            return Ok(T::Real::from_f64(1.0));
        }
        if self.singular.is_some() || self.anorm == zero {
            // exact: a zero pivot or a zero matrix has rcond 0 by definition
            return Ok(zero);
        }
        let r = sl::pgecon(&self.lu.local, &self.lu.desc, self.anorm);
        let (info, rcond) = agree(&self.lu.grid.comm, r)?;
        reconcile(&self.lu.grid.comm, prname!(T, "gecon"), info)?;
        let rcond = if rcond.is_nan() { zero } else { rcond };
        // Both p?gecon and Hager–Higham give lower bounds of ‖A⁻¹‖₁: keep the better one.
        // PDGECON/PSGECON's estimator (PDLACON) was observed to stop early on Gaussian
        // matrices (estimates 1.8 to 47 times too small, where in-core ?gecon is exact).
        if rcond == zero {
            // exact: p?gecon returns 0 when ‖A⁻¹‖ overflows
            return Ok(zero);
        }
        let one = T::Real::from_f64(1.0);
        let estimate = inverse_norm1_estimate(self.lu.n, |x, adj| self.solve_replicated(x, adj))?;
        let inv_norm = (one / rcond / self.anorm).max(estimate);
        Ok(one / inv_norm / self.anorm)
    }

    /// `A⁻¹·x` (or `A⁻ᴴ·x`) for a vector replicated on every process, replicated back.
    fn solve_replicated(&self, x: &[T], adjoint: bool) -> Result<Vec<T>> {
        let trans = (if adjoint { b'C' } else { b'N' }) as c_char;
        replicated_solve(&self.lu, x, |b| {
            let info = sl::pgetrs(
                trans,
                &self.lu.local,
                &self.lu.desc,
                &self.ipiv,
                &mut b.local,
                &b.desc,
            );
            reconcile(&self.lu.grid.comm, prname!(T, "getrs"), info).map(|_| ())
        })
    }
}

/// `solve` applied to the vector `x` replicated on every process, as an `n×1` matrix in the
/// blocks of `a` (`n×n`); the result replicated back (one all-reduce of `n` values).
fn replicated_solve<'g, T: DistScalar>(
    a: &DistMatrix<'g, T>,
    x: &[T],
    solve: impl FnOnce(&mut DistMatrix<'g, T>) -> Result<()>,
) -> Result<Vec<T>> {
    let n = a.n;
    let mut b = DistMatrix::zeros(a.grid, n, 1, a.nb)?;
    b.map_global(|i, _, _| x[i]);
    solve(&mut b)?;
    // The owners of the entries (process column 0) fill them in, the others add zeros.
    let mut y = vec![T::zero(); n];
    for li in 0..b.lr {
        if b.lc > 0 {
            y[b.global_row(li)] = b.local[li];
        }
    }
    super::sum_in_place(&a.grid.comm, &mut y);
    Ok(y)
}

/// Hager–Higham estimate of `‖A⁻¹‖₁` for an `n×n` matrix (LAPACK's ?lacn2 iteration, at most
/// five solves with `A` and four with `Aᴴ`, plus Higham's alternating vector), given
/// `solve(x, adjoint)` = `A⁻¹·x` or `A⁻ᴴ·x` for vectors replicated on every process. A lower
/// bound of `‖A⁻¹‖₁`, exact for most matrices.
fn inverse_norm1_estimate<T: DistScalar>(
    n: usize,
    solve: impl Fn(&[T], bool) -> Result<Vec<T>>,
) -> Result<T::Real> {
    let zero = T::Real::from_f64(0.0);
    let norm1 = |v: &[T]| v.iter().fold(zero, |s, x| s + x.abs());
    let sign = |v: &[T]| -> Vec<T> {
        v.iter()
            .map(|&x| {
                let a = x.abs();
                if a > zero {
                    x.scale(T::Real::from_f64(1.0) / a)
                } else {
                    T::one()
                }
            })
            .collect()
    };
    let argmax = |v: &[T]| {
        let mut j = 0;
        for (i, x) in v.iter().enumerate() {
            if x.abs() > v[j].abs() {
                j = i;
            }
        }
        j
    };
    let x = vec![T::from_f64(1.0 / n as f64); n];
    let y = solve(&x, false)?;
    let mut est = norm1(&y);
    if n == 1 {
        return Ok(est);
    }
    let mut xi = sign(&y);
    let z = solve(&xi, true)?;
    let mut j = argmax(&z);
    for _ in 2..=5 {
        let mut e = vec![T::zero(); n];
        e[j] = T::one();
        let y = solve(&e, false)?;
        let old = est;
        est = norm1(&y);
        let s = sign(&y);
        if s == xi || est <= old {
            est = est.max(old);
            break;
        }
        xi = s;
        let z = solve(&xi, true)?;
        let last = j;
        j = argmax(&z);
        if z[last].abs() == z[j].abs() {
            // exact: the maximum did not move (the same entry or an exact tie)
            break;
        }
    }
    // Higham's alternating vector guards against the worst cases of the iteration.
    let alt: Vec<T> = (0..n)
        .map(|i| {
            let v = 1.0 + i as f64 / (n - 1) as f64;
            T::from_f64(if i % 2 == 0 { v } else { -v })
        })
        .collect();
    let y = solve(&alt, false)?;
    let temp = norm1(&y).to_f64() * 2.0 / (3.0 * n as f64);
    Ok(est.max(T::Real::from_f64(temp)))
}

// ---------------------------------------------------------------------------------------------

/// Cholesky factorization `A = L·Lᴴ` (or `Uᴴ·U`) of a distributed Hermitian positive definite
/// matrix (ScaLAPACK `p?potrf`), solves with it (`p?potrs`) and its condition estimate
/// ([`rcond`](DistCholesky::rcond), `p?pocon` with `‖A‖₁` from `p?lansy` / `p?lanhe`). Only
/// triangle `uplo` is read.
///
/// # Errors
/// [`Error::NotPositiveDefinite`] with the order of the first leading minor that is not
/// positive definite, on every process; [`Error::NotSquare`]; [`Error::NonFinite`] (in the
/// triangle read) at the global position.
///
/// # Complexity
/// `1/3·n³` flops spread over the processes.
///
/// # ScaLAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | pspotrf pspotrs pspocon pslansy | pdpotrf pdpotrs pdpocon pdlansy | pcpotrf pcpotrs pcpocon pclanhe | pzpotrf pzpotrs pzpocon pzlanhe |
///
/// ```
/// use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
/// use ndfactor::{Error, Uplo};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let a = ndarray::array![[1.0f64, 2.0], [2.0, 1.0]]; // eigenvalues 3 and −1
/// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
/// assert!(matches!(DistCholesky::new(&d, Uplo::Lower), Err(Error::NotPositiveDefinite { index: 2 })));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistCholesky<'g, T: DistScalar> {
    factor: DistMatrix<'g, T>,
    uplo: Uplo,
    /// `‖A‖₁` of the input, from triangle `uplo` (p?lansy / p?lanhe), for `rcond`.
    anorm: T::Real,
}

impl<'g, T: DistScalar> DistCholesky<'g, T> {
    /// Factorizes a copy of `a`, reading triangle `uplo`. Collective.
    ///
    /// # Errors
    /// See [`DistCholesky`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[4.0f64, 2.0], [2.0, 5.0]];
    /// let c = DistCholesky::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?, ndfactor::Uplo::Lower)?;
    /// if let Some(l) = c.factor()?.gather()? {
    ///     assert_eq!(l, ndarray::array![[2.0, 0.0], [1.0, 2.0]]); // exact: √4 = 2, 2/2 = 1, √(5 − 1) = 2
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(a: &DistMatrix<'g, T>, uplo: Uplo) -> Result<Self> {
        let n = square(a)?;
        check_triangle(a, uplo)?;
        // ‖A‖₁ of the Hermitian matrix the triangle defines, before the factor overwrites it.
        let anorm = if n > 0 {
            sl::planhe(b'1' as c_char, uplo.as_char(), &a.local, &a.desc)
        } else {
            T::Real::from_f64(0.0)
        };
        let mut factor = a.clone();
        if n > 0 {
            let routine = prname!(T, "potrf");
            let info = sl::ppotrf(uplo.as_char(), &mut factor.local, &factor.desc);
            if let Some(index) = reconcile(&a.grid.comm, routine, info)? {
                return Err(Error::NotPositiveDefinite { index });
            }
        }
        // Zero the triangle that was not read, so that the stored factor is L (or U) alone.
        factor.map_global(|i, j, x| {
            let keep = match uplo {
                Uplo::Lower => i >= j,
                Uplo::Upper => i <= j,
            };
            if keep {
                x
            } else {
                T::zero()
            }
        });
        breakdown(&factor, prname!(T, "potrf"))?;
        Ok(DistCholesky {
            factor,
            uplo,
            anorm,
        })
    }

    /// Estimate of the reciprocal condition number `1/(‖A‖₁·‖A⁻¹‖₁)` (at most 1; 1 for an
    /// empty matrix), with `‖A‖₁` computed from the triangle read before factoring (no extra
    /// pass over `A` here).
    ///
    /// `‖A⁻¹‖₁` is the larger of two lower bounds: ScaLAPACK's `p?pocon` (the same estimator,
    /// `p?lacon`, as `p?gecon`, which was observed to stop early) and a Hager–Higham iteration
    /// (LAPACK's `?lacn2`) over distributed `p?potrs` solves, as in
    /// [`DistLu::rcond`]. `O(n²)` work per solve, at most ten solves.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when the workspace passes ScaLAPACK's integers.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// // ‖A‖₁ = 4, ‖A⁻¹‖₁ = 1/0.01: rcond = 0.01/4.
    /// let a = ndarray::array![[4.0f64, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.01]];
    /// let c = DistCholesky::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?, ndfactor::Uplo::Lower)?;
    /// assert!((c.rcond()? - 0.0025).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn rcond(&self) -> Result<T::Real> {
        let zero = T::Real::from_f64(0.0);
        let one = T::Real::from_f64(1.0);
        let n = self.factor.n;
        if n == 0 {
            return Ok(one);
        }
        let comm = &self.factor.grid.comm;
        let r = sl::ppocon(
            self.uplo.as_char(),
            &self.factor.local,
            &self.factor.desc,
            self.anorm,
        );
        let (info, rcond) = agree(comm, r)?;
        reconcile(comm, prname!(T, "pocon"), info)?;
        if rcond.is_nan() || rcond == zero {
            // exact: p?pocon returns 0 when ‖A⁻¹‖ overflows (a positive definite A has ‖A‖₁ > 0)
            return Ok(zero);
        }
        // Two lower bounds of ‖A⁻¹‖₁: keep the larger (see DistLu::rcond). A is Hermitian,
        // so A⁻ᴴ·x = A⁻¹·x.
        let estimate = inverse_norm1_estimate(n, |x, _| {
            replicated_solve(&self.factor, x, |b| {
                let info = sl::ppotrs(
                    self.uplo.as_char(),
                    &self.factor.local,
                    &self.factor.desc,
                    &mut b.local,
                    &b.desc,
                );
                reconcile(comm, prname!(T, "potrs"), info).map(|_| ())
            })
        })?;
        let inv_norm = (one / rcond / self.anorm).max(estimate);
        Ok(one / inv_norm / self.anorm)
    }

    /// The triangular factor (`L` for [`Uplo::Lower`], `U` for [`Uplo::Upper`]), the other
    /// triangle zero; a copy.
    ///
    /// # Errors
    /// None in practice (the `Result` keeps the signature of the other distributed accessors).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[9.0f64, 3.0], [3.0, 5.0]];
    /// let c = DistCholesky::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?, ndfactor::Uplo::Upper)?;
    /// if let Some(u) = c.factor()?.gather()? {
    ///     assert_eq!(u, ndarray::array![[3.0, 1.0], [0.0, 2.0]]); // exact: √9, 3/3, √(5 − 1)
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn factor(&self) -> Result<DistMatrix<'g, T>> {
        Ok(self.factor.clone())
    }

    /// Solves `A·X = B` (ScaLAPACK `p?potrs`). Collective.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`]; [`Error::NonFinite`] in `B`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistCholesky, DistMatrix, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// fn root<'a>(grid: &ProcessGrid, m: &'a ndarray::Array2<f64>) -> Option<ndarray::ArrayView2<'a, f64>> {
    ///     (grid.rank() == 0).then(|| m.view())
    /// }
    /// let a = ndarray::array![[4.0f64, 2.0], [2.0, 5.0]];
    /// let b = ndarray::array![[6.0f64], [7.0]];
    /// let c = DistCholesky::new(&DistMatrix::scatter(&grid, root(&grid, &a), 1)?, ndfactor::Uplo::Lower)?;
    /// if let Some(x) = c.solve(&DistMatrix::scatter(&grid, root(&grid, &b), 1)?)?.gather()? {
    ///     assert!((x[[0, 0]] - 1.0).abs() < 1e-14 && (x[[1, 0]] - 1.0).abs() < 1e-14);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve(&self, b: &DistMatrix<'g, T>) -> Result<DistMatrix<'g, T>> {
        check_rhs(&self.factor, b)?;
        let mut x = b.clone();
        if self.factor.n == 0 || b.n == 0 {
            return Ok(x);
        }
        let info = sl::ppotrs(
            self.uplo.as_char(),
            &self.factor.local,
            &self.factor.desc,
            &mut x.local,
            &x.desc,
        );
        reconcile(&b.grid.comm, prname!(T, "potrs"), info)?;
        breakdown(&x, prname!(T, "potrs"))?;
        Ok(x)
    }
}

// ---------------------------------------------------------------------------------------------

/// Householder QR factorization `A = Q·R` of a distributed `m×n` matrix (ScaLAPACK
/// `p?geqrf`), with the thin `Q` (`m×k`, `k = min(m, n)`, orthonormal columns) formed by
/// `p?orgqr` / `p?ungqr`.
///
/// # Errors
/// [`Error::NonFinite`] at the global position; [`Error::TooLarge`] for workspaces beyond
/// ScaLAPACK's integers.
///
/// # Complexity
/// `2mn² − 2/3·n³` flops for `R`, as much again for `Q`.
///
/// # ScaLAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | psgeqrf psorgqr | pdgeqrf pdorgqr | pcgeqrf pcungqr | pzgeqrf pzungqr |
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, DistQr, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let a = ndarray::array![[3.0f64, 1.0], [4.0, 2.0], [0.0, 5.0]];
/// let qr = DistQr::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?)?;
/// let (q, r) = (qr.q()?.gather()?, qr.r()?.gather()?);
/// if let (Some(q), Some(r)) = (q, r) {
///     let d = &q.dot(&r) - &a;
///     assert!(d.iter().all(|e| e.abs() < 1e-14 * 10.0));
///     assert!((r[[0, 0]].abs() - 5.0).abs() < 1e-14); // |r₁₁| = ‖a₁‖ = 5
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistQr<'g, T: DistScalar> {
    qr: DistMatrix<'g, T>,
    tau: Vec<T>,
}

impl<'g, T: DistScalar> DistQr<'g, T> {
    /// Factorizes a copy of `a`. Collective.
    ///
    /// # Errors
    /// See [`DistQr`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistQr, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, f64::NAN]];
    /// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
    /// assert_eq!(DistQr::new(&d).unwrap_err(), ndfactor::Error::NonFinite { row: 0, col: 1 });
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(a: &DistMatrix<'g, T>) -> Result<Self> {
        a.check_finite()?;
        let mut qr = a.clone();
        if a.m == 0 || a.n == 0 {
            return Ok(DistQr {
                qr,
                tau: Vec::new(),
            });
        }
        let routine = prname!(T, "geqrf");
        let r = sl::pgeqrf(&mut qr.local, &qr.desc);
        let (info, tau) = agree(&a.grid.comm, r)?;
        reconcile(&a.grid.comm, routine, info)?;
        breakdown(&qr, routine)?;
        Ok(DistQr { qr, tau })
    }

    /// The `k×n` upper trapezoidal `R` (`k = min(m, n)`), distributed in the same blocks.
    ///
    /// # Errors
    /// [`Error::TooLarge`] beyond ScaLAPACK's integers.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistQr, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[2.0f64, 1.0], [0.0, 3.0]];
    /// let qr = DistQr::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// if let Some(r) = qr.r()?.gather()? {
    ///     assert_eq!(r[[1, 0]], 0.0); // exact: set to zero below the diagonal
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r(&self) -> Result<DistMatrix<'g, T>> {
        let k = self.qr.m.min(self.qr.n);
        let mut r = DistMatrix::zeros(self.qr.grid, k, self.qr.n, self.qr.nb)?;
        copy_leading(&self.qr, &mut r);
        r.map_global(|i, j, x| if i > j { T::zero() } else { x });
        Ok(r)
    }

    /// The thin `Q` (`m×k`, orthonormal columns), formed explicitly (`p?orgqr` / `p?ungqr`).
    ///
    /// # Errors
    /// [`Error::TooLarge`] for a workspace beyond ScaLAPACK's integers.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistQr, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 7.0]];
    /// let qr = DistQr::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?)?;
    /// if let Some(q) = qr.q()?.gather()? {
    ///     let d = &q.t().dot(&q) - &ndarray::Array2::<f64>::eye(2);
    ///     assert!(d.iter().all(|e| e.abs() < 1e-14 * 10.0));
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q(&self) -> Result<DistMatrix<'g, T>> {
        let (m, n) = (self.qr.m, self.qr.n);
        let k = m.min(n);
        let mut q = DistMatrix::zeros(self.qr.grid, m, k, self.qr.nb)?;
        if k == 0 {
            return Ok(q);
        }
        copy_leading(&self.qr, &mut q);
        let r = sl::porgqr(&mut q.local, &q.desc, &self.tau);
        let info = agree(&self.qr.grid.comm, r)?;
        reconcile(&self.qr.grid.comm, prname!(T, "orgqr", "ungqr"), info)?;
        Ok(q)
    }
}

/// Copies the leading `min(src.m, dst.m) × min(src.n, dst.n)` part of `src` into `dst` (same
/// grid and blocks): the leading global rows and columns are the leading local ones on every
/// process, so this is a local copy.
fn copy_leading<T: DistScalar>(src: &DistMatrix<'_, T>, dst: &mut DistMatrix<'_, T>) {
    let (sl_, dl) = (src.lld(), dst.lld());
    for lj in 0..dst.lc.min(src.lc) {
        for li in 0..dst.lr.min(src.lr) {
            dst.local[li + lj * dl] = src.local[li + lj * sl_];
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// A distributed least-squares (or minimum-norm) solution and its residual norms, from
/// [`DistMatrix::solve_with_residual`] and [`DistMatrix::solve_adjoint_with_residual`]: the
/// distributed counterpart of [`SolutionWithResidual`](crate::SolutionWithResidual) (what
/// [`Qr::solve_with_residual`](crate::Qr::solve_with_residual) returns in core). Not the
/// SVD-based [`Lstsq`](crate::Lstsq) of [`lstsq`](crate::lstsq): `A` must have full rank.
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let (a, b) = (ndarray::array![[1.0f64], [1.0]], ndarray::array![[1.0f64], [3.0]]);
/// let da = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
/// let ls = da.solve_with_residual(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| b.view()), 1)?)?;
/// assert!((ls.residual_norm[0] - 2f64.sqrt()).abs() < 1e-15); // the same on every process
/// if let Some(x) = ls.solution.gather()? {
///     assert!((x[[0, 0]] - 2.0).abs() < 1e-15); // the mean
/// }
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistSolutionWithResidual<'g, T: DistScalar> {
    /// The solution `X`, distributed in the blocks of `B` (`n×nrhs` for `A·X ≈ B`, `m×nrhs` for
    /// `Aᴴ·X ≈ B`).
    pub solution: DistMatrix<'g, T>,
    /// `‖bⱼ − op(A)·xⱼ‖₂` for each column `j` of `B`, the same on every process; 0 when
    /// `op(A)` has no more rows than columns (the system is consistent).
    pub residual_norm: Vec<T::Real>,
}

/// The former name of [`DistSolutionWithResidual`], kept for existing code.
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let (a, b) = (ndarray::array![[2.0f64]], ndarray::array![[4.0f64]]);
/// let da = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
/// #[allow(deprecated)]
/// let ls: ndfactor::dist::DistLeastSquares<'_, f64> =
///     da.solve_with_residual(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| b.view()), 1)?)?;
/// assert_eq!(ls.residual_norm, vec![0.0]); // exact: a square system is consistent
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[deprecated(note = "renamed to `DistSolutionWithResidual`, as `SolutionWithResidual` in core")]
pub type DistLeastSquares<'g, T> = DistSolutionWithResidual<'g, T>;

impl<'g, T: DistScalar> DistMatrix<'g, T> {
    /// Solves `A·X = B` in the least-squares sense for this `m×n` matrix `A` and a distributed
    /// `B` with `m` rows on the same grid and in the same blocks (ScaLAPACK `p?gels`).
    /// Collective.
    ///
    /// * `m ≥ n`: the `X` minimizing `‖A·X − B‖_F`, through `A = Q·R` (no normal equations);
    ///   the residual norms come from the last `m − n` entries of `Qᴴ·bⱼ`, without forming
    ///   the residual (one all-reduce of `2·nrhs` values).
    /// * `m < n`: the minimum-norm solution of the consistent system, through `A = L·Q`.
    ///
    /// The distributed counterpart of [`Qr::solve_with_residual`](crate::Qr::solve_with_residual),
    /// not of the SVD-based [`lstsq`](crate::lstsq): **`A` must have full rank**. `p?gels`
    /// does not check it (its triangular solve divides by the diagonal); ndfactor does what the
    /// in-core QR solve does: an exactly zero diagonal entry of `R` (or `L`) is
    /// [`Error::Singular`] with its 1-based index. Nearly rank-deficient matrices are not
    /// detected (their solutions are large and inaccurate); use [`DistSvd`] then.
    ///
    /// # Errors
    /// On every process: [`Error::DimensionMismatch`] when `B` has not `m` rows or another
    /// block size, [`Error::InvalidArgument`] for another grid; [`Error::NonFinite`] at the
    /// global position in `A`, then in `B`; [`Error::Singular`];
    /// [`Error::NumericalBreakdown`] when the solution overflows.
    ///
    /// # Complexity
    /// `2mn² − 2/3·n³` flops for the factorization (`m ≥ n`; `2nm² − 2/3·m³` for `m < n`) plus
    /// `4mn` per right-hand side, spread over the processes; `A` is copied, not overwritten.
    ///
    /// # ScaLAPACK
    /// | f32 | f64 | c32 | c64 |
    /// |---|---|---|---|
    /// | psgels | pdgels | pcgels | pzgels |
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// fn root<'a>(grid: &ProcessGrid, m: &'a ndarray::Array2<f64>) -> Option<ndarray::ArrayView2<'a, f64>> {
    ///     (grid.rank() == 0).then(|| m.view())
    /// }
    /// // Fit y = c₀ + c₁·t through (0, 1), (1, 2), (2, 2): c = (7/6, 1/2).
    /// let a = ndarray::array![[1.0f64, 0.0], [1.0, 1.0], [1.0, 2.0]];
    /// let b = ndarray::array![[1.0f64], [2.0], [2.0]];
    /// let ls = DistMatrix::scatter(&grid, root(&grid, &a), 2)?
    ///     .solve_with_residual(&DistMatrix::scatter(&grid, root(&grid, &b), 2)?)?;
    /// if let Some(c) = ls.solution.gather()? {
    ///     assert!((c[[0, 0]] - 7.0 / 6.0).abs() < 1e-14 && (c[[1, 0]] - 0.5).abs() < 1e-14);
    ///     let r = &b - &a.dot(&c);
    ///     assert!((r.iter().map(|x| x * x).sum::<f64>().sqrt() - ls.residual_norm[0]).abs() < 1e-14);
    /// }
    /// // Wide: the minimum-norm solution of x₀ + x₁ = 2 is (1, 1).
    /// let w = ndarray::array![[1.0f64, 1.0]];
    /// let ls = DistMatrix::scatter(&grid, root(&grid, &w), 2)?
    ///     .solve_with_residual(&DistMatrix::scatter(&grid, root(&grid, &ndarray::array![[2.0]]), 2)?)?;
    /// assert_eq!(ls.residual_norm, vec![0.0]); // exact: consistent systems report 0
    /// if let Some(x) = ls.solution.gather()? {
    ///     assert!((x[[0, 0]] - 1.0).abs() < 1e-15 && (x[[1, 0]] - 1.0).abs() < 1e-15);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve_with_residual(
        &self,
        b: &DistMatrix<'g, T>,
    ) -> Result<DistSolutionWithResidual<'g, T>> {
        self.gels(false, b)
    }

    /// The former name of [`solve_with_residual`](DistMatrix::solve_with_residual), kept for
    /// existing code (`lstsq` is the SVD-based, any-rank solver in core).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let (a, b) = (ndarray::array![[2.0f64]], ndarray::array![[4.0f64]]);
    /// let da = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
    /// let db = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| b.view()), 1)?;
    /// #[allow(deprecated)]
    /// let old = da.lstsq(&db)?;
    /// assert_eq!(old.residual_norm, da.solve_with_residual(&db)?.residual_norm);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `solve_with_residual`, as `Qr::solve_with_residual` in core")]
    pub fn lstsq(&self, b: &DistMatrix<'g, T>) -> Result<DistSolutionWithResidual<'g, T>> {
        self.solve_with_residual(b)
    }

    /// Solves `Aᴴ·X = B` in the least-squares sense for this `m×n` matrix `A` (`Aᵀ` for real
    /// types) and a distributed `B` with `n` rows, without forming `Aᴴ` (ScaLAPACK `p?gels`
    /// with `TRANS = 'T'` / `'C'`). Collective.
    ///
    /// For `m < n` (`Aᴴ` tall) the least-squares solution with its residual norms, for `m ≥ n`
    /// (`Aᴴ` wide or square) the minimum-norm solution; the same full-rank requirement, checks
    /// and errors as [`solve_with_residual`](DistMatrix::solve_with_residual) (`B` must have `n`
    /// rows).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// fn root<'a>(grid: &ProcessGrid, m: &'a ndarray::Array2<f64>) -> Option<ndarray::ArrayView2<'a, f64>> {
    ///     (grid.rank() == 0).then(|| m.view())
    /// }
    /// // Aᵀ = [1 1 1]ᵀ: the least-squares solution of Aᵀ·x ≈ (1, 2, 6) is their mean, 3.
    /// let a = ndarray::array![[1.0f64, 1.0, 1.0]];
    /// let b = ndarray::array![[1.0f64], [2.0], [6.0]];
    /// let ls = DistMatrix::scatter(&grid, root(&grid, &a), 2)?
    ///     .solve_adjoint_with_residual(&DistMatrix::scatter(&grid, root(&grid, &b), 2)?)?;
    /// assert!((ls.residual_norm[0] - 14f64.sqrt()).abs() < 1e-14); // ‖(−2, −1, 3)‖
    /// if let Some(x) = ls.solution.gather()? {
    ///     assert!((x[[0, 0]] - 3.0).abs() < 1e-14);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn solve_adjoint_with_residual(
        &self,
        b: &DistMatrix<'g, T>,
    ) -> Result<DistSolutionWithResidual<'g, T>> {
        self.gels(true, b)
    }

    /// The former name of
    /// [`solve_adjoint_with_residual`](DistMatrix::solve_adjoint_with_residual), kept for
    /// existing code.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, ProcessGrid};
    /// let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let (a, b) = (ndarray::array![[2.0f64]], ndarray::array![[4.0f64]]);
    /// let da = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
    /// let db = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| b.view()), 1)?;
    /// #[allow(deprecated)]
    /// let old = da.lstsq_adjoint(&db)?;
    /// assert_eq!(old.residual_norm, da.solve_adjoint_with_residual(&db)?.residual_norm);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[deprecated(note = "renamed to `solve_adjoint_with_residual`")]
    pub fn lstsq_adjoint(&self, b: &DistMatrix<'g, T>) -> Result<DistSolutionWithResidual<'g, T>> {
        self.solve_adjoint_with_residual(b)
    }

    fn gels(
        &self,
        adjoint: bool,
        b: &DistMatrix<'g, T>,
    ) -> Result<DistSolutionWithResidual<'g, T>> {
        let (m, n) = self.dim();
        // op(A) is r×c: B has r rows, X has c.
        let (r, c) = if adjoint { (n, m) } else { (m, n) };
        self.same_blocks(b)?;
        if b.m != r {
            return Err(Error::DimensionMismatch {
                operation: if adjoint {
                    "DistMatrix::solve_adjoint_with_residual: rows of b"
                } else {
                    "DistMatrix::solve_with_residual: rows of b"
                },
                expected: r,
                found: b.m,
            });
        }
        self.check_finite()?;
        b.check_finite()?;
        let nrhs = b.n;
        let mut x = DistMatrix::zeros(self.grid, c, nrhs, self.nb)?;
        if m == 0 || n == 0 || nrhs == 0 {
            // X = 0; for c = 0 < r the residual is B itself (p?gels would zero B instead).
            let residual_norm = if r > c {
                column_norms(b, c)
            } else {
                vec![T::Real::from_f64(0.0); nrhs]
            };
            return Ok(DistSolutionWithResidual {
                solution: x,
                residual_norm,
            });
        }
        let routine = prname!(T, "gels");
        // B in a max(m, n)-row matrix, as p?gels wants it; A copied (p?gels overwrites it).
        let mut work = DistMatrix::zeros(self.grid, m.max(n), nrhs, self.nb)?;
        copy_leading(b, &mut work);
        let mut f = self.clone();
        let trans = match (adjoint, T::PREFIX) {
            (false, _) => b'N',
            (true, 's' | 'd') => b'T',
            (true, _) => b'C',
        } as c_char;
        let info = agree(
            &self.grid.comm,
            sl::pgels(trans, &mut f.local, &f.desc, &mut work.local, &work.desc),
        )?;
        reconcile(&self.grid.comm, routine, info)?;
        // p?gels divides by the diagonal of R (m ≥ n) or L (m < n) without checking it, as the
        // in-core QR solve does: report an exactly zero one (the zero matrix, which p?gels
        // leaves untouched, included).
        if let Some(index) = first_zero_diagonal(&f) {
            return Err(Error::Singular { index });
        }
        breakdown(&work, routine)?;
        copy_leading(&work, &mut x);
        let residual_norm = if r > c {
            column_norms(&work, c)
        } else {
            vec![T::Real::from_f64(0.0); nrhs]
        };
        if !residual_norm.iter().all(|v| v.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        Ok(DistSolutionWithResidual {
            solution: x,
            residual_norm,
        })
    }
}

/// 1-based global index of the first exactly zero diagonal entry among the first
/// `min(m, n)`, the same on every process (one all-reduce).
fn first_zero_diagonal<T: DistScalar>(a: &DistMatrix<'_, T>) -> Option<usize> {
    let k = a.m.min(a.n);
    let lld = a.lld();
    let mut first = u64::MAX;
    for lj in 0..a.lc {
        let j = a.global_col(lj);
        if j >= k {
            continue;
        }
        for li in 0..a.lr {
            if a.global_row(li) == j && a.local[li + lj * lld] == T::zero() {
                // exact: an exactly zero pivot, what the triangular solve cannot divide by
                first = first.min(j as u64);
            }
        }
    }
    let mut global = u64::MAX;
    a.grid
        .comm
        .all_reduce_into(&first, &mut global, SystemOperation::min());
    (global != u64::MAX).then(|| global as usize + 1)
}

/// `‖a[r0.., j]‖₂` for every column `j`, the same on every process: the largest modulus per
/// column first (one all-reduce), then the sums of squares scaled by it (another), so that
/// neither overflows nor underflows.
fn column_norms<T: DistScalar>(a: &DistMatrix<'_, T>, r0: usize) -> Vec<T::Real> {
    let lld = a.lld();
    let mut big = vec![0f64; a.n];
    for lj in 0..a.lc {
        let j = a.global_col(lj);
        for li in 0..a.lr {
            if a.global_row(li) >= r0 {
                big[j] = big[j].max(a.local[li + lj * lld].abs().to_f64());
            }
        }
    }
    let send = big.clone();
    a.grid
        .comm
        .all_reduce_into(&send[..], &mut big[..], SystemOperation::max());
    let mut ssq = vec![0f64; a.n];
    for lj in 0..a.lc {
        let j = a.global_col(lj);
        if big[j] == 0.0 {
            continue;
        }
        for li in 0..a.lr {
            if a.global_row(li) >= r0 {
                let v = a.local[li + lj * lld].abs().to_f64() / big[j];
                ssq[j] += v * v;
            }
        }
    }
    let send = ssq.clone();
    a.grid
        .comm
        .all_reduce_into(&send[..], &mut ssq[..], SystemOperation::sum());
    big.iter()
        .zip(&ssq)
        .map(|(&s, &q)| T::Real::from_f64(s * q.sqrt()))
        .collect()
}

// ---------------------------------------------------------------------------------------------

/// Eigen-decomposition `A = V·Λ·Vᴴ` of a distributed real symmetric or complex Hermitian
/// matrix (ScaLAPACK `p?syevd` / `p?heevd`, divide and conquer), reading triangle `uplo`.
///
/// Eigenvalues ascending, replicated on every process; eigenvectors distributed like `A`.
///
/// # Errors
/// [`Error::NotSquare`]; [`Error::NonFinite`] in the triangle read; [`Error::NoConvergence`].
///
/// # Complexity
/// About `4/3·n³` flops for the tridiagonal reduction plus `O(n³)` for the vectors.
///
/// # ScaLAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | pssyevd | pdsyevd | pcheevd | pzheevd |
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, DistSymmetricEigen, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let a = ndarray::array![[2.0f64, 1.0], [1.0, 2.0]]; // eigenvalues 1 and 3
/// let e = DistSymmetricEigen::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?, ndfactor::Uplo::Lower)?;
/// assert!((e.values()[0] - 1.0).abs() < 1e-14 && (e.values()[1] - 3.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistSymmetricEigen<'g, T: DistScalar> {
    w: Vec<T::Real>,
    z: DistMatrix<'g, T>,
}

impl<'g, T: DistScalar> DistSymmetricEigen<'g, T> {
    /// Decomposes a copy of `a`. Collective.
    ///
    /// # Errors
    /// See [`DistSymmetricEigen`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSymmetricEigen, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::Array2::<f64>::eye(3);
    /// let e = DistSymmetricEigen::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?, ndfactor::Uplo::Upper)?;
    /// assert!(e.values().iter().all(|l| (l - 1.0).abs() < 1e-15));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(a: &DistMatrix<'g, T>, uplo: Uplo) -> Result<Self> {
        let n = square(a)?;
        check_triangle(a, uplo)?;
        let mut work = a.clone();
        let mut z = DistMatrix::zeros(a.grid, n, n, a.nb)?;
        if n == 0 {
            return Ok(DistSymmetricEigen { w: Vec::new(), z });
        }
        let routine = prname!(T, "syevd", "heevd");
        let r = sl::pheevd(uplo.as_char(), &mut work.local, &work.desc, &mut z.local);
        let (info, mut w) = agree(&a.grid.comm, r)?;
        // W is documented as global output, but with NB > N only process (0, 0) held the
        // right values (observed, ScaLAPACK 2.2.1): take rank 0's everywhere.
        bcast_real(&a.grid.comm, &mut w);
        if let Some(info) = reconcile(&a.grid.comm, routine, info)? {
            return Err(Error::NoConvergence {
                routine,
                info: info as crate::BlasInt,
            });
        }
        breakdown(&z, routine)?;
        if !w.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        Ok(DistSymmetricEigen { w, z })
    }

    /// The eigenvalues, ascending (the same on every process).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSymmetricEigen, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[3.0f64, 0.0], [0.0, -1.0]];
    /// let e = DistSymmetricEigen::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?, ndfactor::Uplo::Lower)?;
    /// assert!(e.values()[0] < e.values()[1]);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn values(&self) -> &[T::Real] {
        &self.w
    }

    /// The orthonormal eigenvectors, column `i` for eigenvalue `i`, distributed like `A`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSymmetricEigen, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[2.0f64, 1.0], [1.0, 2.0]];
    /// let e = DistSymmetricEigen::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?, ndfactor::Uplo::Lower)?;
    /// if let Some(v) = e.vectors().gather()? {
    ///     assert!((v[[0, 0]].abs() - 0.5f64.sqrt()).abs() < 1e-14);
    /// }
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vectors(&self) -> &DistMatrix<'g, T> {
        &self.z
    }
}

// ---------------------------------------------------------------------------------------------

/// Thin singular value decomposition `A = U·Σ·Vᴴ` of a distributed `m×n` matrix (ScaLAPACK
/// `p?gesvd`): `U` is `m×k`, `Vᴴ` `k×n` (`k = min(m, n)`), σ descending and replicated.
///
/// # Errors
/// [`Error::NonFinite`] at the global position (ScaLAPACK's bidiagonal QR loops forever on ∞,
/// as LAPACK's does); [`Error::NoConvergence`] (INFO = k + 1 means the processes computed
/// different singular values: a heterogeneous cluster).
///
/// # Complexity
/// `O(m·n·k)` flops; `p?gesvd` reduces to bidiagonal form in parallel and then solves the
/// bidiagonal SVD redundantly on every process, so it scales less well than LU or Cholesky.
///
/// # ScaLAPACK
/// | f32 | f64 | c32 | c64 |
/// |---|---|---|---|
/// | psgesvd | pdgesvd | pcgesvd | pzgesvd |
///
/// ```
/// use ndfactor::dist::{mpi, DistMatrix, DistSvd, ProcessGrid};
/// let universe = mpi::initialize().unwrap();
/// let grid = ProcessGrid::new(&universe.world())?;
/// let a = ndarray::array![[3.0f64, 0.0], [0.0, -4.0], [0.0, 0.0]];
/// let svd = DistSvd::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 2)?)?;
/// let s = svd.singular_values();
/// assert!((s[0] - 4.0).abs() < 1e-14 && (s[1] - 3.0).abs() < 1e-14);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug)]
pub struct DistSvd<'g, T: DistScalar> {
    s: Vec<T::Real>,
    u: DistMatrix<'g, T>,
    vt: DistMatrix<'g, T>,
}

impl<'g, T: DistScalar> DistSvd<'g, T> {
    /// Decomposes a copy of `a`. Collective.
    ///
    /// # Errors
    /// See [`DistSvd`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSvd, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, f64::INFINITY]];
    /// let d = DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?;
    /// assert_eq!(DistSvd::new(&d).unwrap_err(), ndfactor::Error::NonFinite { row: 0, col: 1 });
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new(a: &DistMatrix<'g, T>) -> Result<Self> {
        a.check_finite()?;
        let (m, n) = a.dim();
        let k = m.min(n);
        let mut u = DistMatrix::zeros(a.grid, m, k, a.nb)?;
        let mut vt = DistMatrix::zeros(a.grid, k, n, a.nb)?;
        if k == 0 {
            return Ok(DistSvd {
                s: Vec::new(),
                u,
                vt,
            });
        }
        let mut work = a.clone();
        let routine = prname!(T, "gesvd");
        let r = sl::pgesvd(
            &mut work.local,
            &work.desc,
            &mut u.local,
            &u.desc,
            &mut vt.local,
            &vt.desc,
        );
        let (info, mut s) = agree(&a.grid.comm, r)?;
        // σ is replicated by p?gesvd (INFO = k + 1 reports processes that disagree); rank 0's
        // copy makes them bitwise equal everywhere.
        bcast_real(&a.grid.comm, &mut s);
        if let Some(info) = reconcile(&a.grid.comm, routine, info)? {
            return Err(Error::NoConvergence {
                routine,
                info: info as crate::BlasInt,
            });
        }
        breakdown(&u, routine)?;
        breakdown(&vt, routine)?;
        if !s.iter().all(|x| x.is_finite()) {
            return Err(Error::NumericalBreakdown { routine });
        }
        Ok(DistSvd { s, u, vt })
    }

    /// σ, descending (the same on every process).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSvd, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[1.0f64, 1.0], [1.0, 1.0]];
    /// let svd = DistSvd::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert!((svd.singular_values()[0] - 2.0).abs() < 1e-14 && svd.singular_values()[1].abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_values(&self) -> &[T::Real] {
        &self.s
    }

    /// `U` (`m×k`, orthonormal columns), distributed.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSvd, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[2.0f64], [0.0]];
    /// let svd = DistSvd::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert_eq!(svd.u().dim(), (2, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u(&self) -> &DistMatrix<'g, T> {
        &self.u
    }

    /// `Vᴴ` (`k×n`, orthonormal rows), distributed.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistMatrix, DistSvd, ProcessGrid};
    /// # let universe = mpi::initialize().unwrap();
    /// let grid = ProcessGrid::new(&universe.world())?;
    /// let a = ndarray::array![[2.0f64, 0.0, 0.0]];
    /// let svd = DistSvd::new(&DistMatrix::scatter(&grid, (grid.rank() == 0).then(|| a.view()), 1)?)?;
    /// assert_eq!(svd.vt().dim(), (1, 3));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> &DistMatrix<'g, T> {
        &self.vt
    }
}
