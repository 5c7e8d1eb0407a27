//! Householder QR: ?geqrf ?orgqr|?ungqr ?ormqr|?unmqr ?trtrs ?geqp3 ?trcon.

use std::os::raw::c_char;

use ndarray::{Array2, ArrayBase, DataMut, Ix2, ShapeBuilder};

use super::buffer::{col_major_slice, col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, lwork, rname, LapackScalar, Trans, Uplo};
use crate::error::{Error, Result};
use crate::scalar::{RealScalar, Scalar};

lapack_family! {
    /// Raw QR routines. Callers guarantee buffer sizes (see the safe wrappers below).
    pub trait QrLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, m)`, `tau` holds `min(m, n)`, `work` holds
    /// `max(1, lwork)` (or `lwork = -1` for a query).
    // SUBROUTINE xGEQRF( M, N, A, LDA, TAU, WORK, LWORK, INFO )
    fn geqrf(m: int, n: int, a: *mut T, lda: int, tau: *mut T, work: *mut T, lwork: int);
    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, m)`, `1 ≤ nb ≤ min(m, n)`, `t` holds
    /// `ldt·min(m, n)` with `ldt ≥ nb`, `work` holds `nb·n`.
    // SUBROUTINE xGEQRT( M, N, NB, A, LDA, T, LDT, WORK, INFO )   WORK(NB·N)
    fn geqrt(m: int, n: int, nb: int, a: *mut T, lda: int, t: *mut T, ldt: int, work: *mut T);
    /// ?orgqr for real types, ?ungqr for complex ones.
    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, m)`, `m ≥ n ≥ k`, `tau` holds `k`, `work`
    /// holds `max(1, lwork)` (or `lwork = -1`).
    // SUBROUTINE xORGQR( M, N, K, A, LDA, TAU, WORK, LWORK, INFO )
    fn orgqr = [orgqr, ungqr](
        m: int, n: int, k: int, a: *mut T, lda: int, tau: *const T, work: *mut T, lwork: int,
    );
    /// ?ormqr for real types, ?unmqr for complex ones.
    /// # Safety
    /// For `side = 'L'`: `a` holds `lda·k` elements with `lda ≥ max(1, m)`, `k ≤ m`, `tau` holds
    /// `k`, `c` holds `ldc·n` with `ldc ≥ max(1, m)`, `work` holds `max(1, lwork)`.
    // SUBROUTINE xORMQR( SIDE, TRANS, M, N, K, A, LDA, TAU, C, LDC, WORK, LWORK, INFO )
    fn ormqr = [ormqr, unmqr](
        side: char, trans: char, m: int, n: int, k: int, a: *const T, lda: int, tau: *const T,
        c: *mut T, ldc: int, work: *mut T, lwork: int,
    );
    /// # Safety
    /// `a` holds `lda·n` elements with `lda ≥ max(1, n)`, `b` holds `ldb·nrhs` with
    /// `ldb ≥ max(1, n)`.
    // SUBROUTINE xTRTRS( UPLO, TRANS, DIAG, N, NRHS, A, LDA, B, LDB, INFO )
    fn trtrs(
        uplo: char, trans: char, diag: char, n: int, nrhs: int, a: *const T, lda: int, b: *mut T,
        ldb: int,
    );
    /// # Safety
    /// `a` as for geqrf, `jpvt` holds `n`, `tau` `min(m, n)`, `work` `max(1, lwork)` (or
    /// `lwork = -1`), `rwork` `2n` reals (read by the complex routine only).
    // SUBROUTINE DGEQP3( M, N, A, LDA, JPVT, TAU, WORK, LWORK, INFO )   LWORK ≥ 3N+1
    // SUBROUTINE ZGEQP3( M, N, A, LDA, JPVT, TAU, WORK, LWORK, RWORK, INFO )  LWORK ≥ N+1, RWORK(2N)
    fn geqp3(
        m: int, n: int, a: *mut T, lda: int, jpvt: *mut int, tau: *mut T, work: *mut T,
        lwork: int, #[complex] rwork: *mut R,
    );
    /// # Safety
    /// `a` holds `lda·n` with `lda ≥ max(1, n)`; `work` holds `3n`, `rwork` `n`, `iwork` `n`.
    // SUBROUTINE DTRCON( NORM, UPLO, DIAG, N, A, LDA, RCOND, WORK, IWORK, INFO )  WORK(3N) IWORK(N)
    // SUBROUTINE ZTRCON( NORM, UPLO, DIAG, N, A, LDA, RCOND, WORK, RWORK, INFO )  WORK(2N) RWORK(N)
    fn trcon(
        norm: char, uplo: char, diag: char, n: int, a: *const T, lda: int, rcond: &mut R,
        work: *mut T, #[complex] rwork: *mut R, #[real] iwork: *mut int,
    );
}

const NON_UNIT: c_char = b'N' as c_char;
const LEFT: c_char = b'L' as c_char;

// ----------------------------------------------------------------------------- safe wrappers

/// Factors the F-order `m×n` matrix `a` in place: `R` on and above the diagonal, the Householder
/// vectors below it. Returns the `min(m, n)` Householder scalars τ.
pub(crate) fn geqrf<T: Scalar, S: DataMut<Elem = T>>(a: &mut ArrayBase<S, Ix2>) -> Result<Vec<T>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok(Vec::new());
    }
    if let Some(nb) = geqrt_block::<T>(k) {
        return geqrt_tau(a, nb);
    }
    geqrf_raw(a)
}

/// ?geqrf itself on the F-order `a` (nonempty), whatever its order.
fn geqrf_raw<T: Scalar, S: DataMut<Elem = T>>(a: &mut ArrayBase<S, Ix2>) -> Result<Vec<T>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let (mi, ni, ldi) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let buf = col_major_slice_mut(a);
    assert_buf(buf, m, n, ld(m));
    let mut tau = vec![T::zero(); k];
    let routine = rname!(T, "geqrf");
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only.
    let info = unsafe {
        T::geqrf(
            mi,
            ni,
            buf.as_mut_ptr(),
            ldi,
            tau.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: LWORK ≥ max(1, N).
    let lw = lwork(q[0], n as i64)?;
    let mut work = super::buffer::padded_vec::<T>(lw, m.max(n));
    // SAFETY: buf is m×n with ld max(1, m) (asserted), tau has min(m, n) slots, work has
    // lw ≥ max(1, n) elements; no two alias.
    let info = unsafe {
        T::geqrf(
            mi,
            ni,
            buf.as_mut_ptr(),
            ldi,
            tau.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
        )
    };
    check_illegal(routine, info)?;
    householder_finite(buf, &tau, routine)?;
    Ok(tau)
}

/// Post-check of a Householder factorization: every entry of the factors and of τ finite.
fn householder_finite<T: Scalar>(buf: &[T], tau: &[T], routine: &'static str) -> Result<()> {
    if super::all_finite(buf) && super::all_finite(tau) {
        Ok(())
    } else {
        Err(Error::NumericalBreakdown { routine })
    }
}

/// The block size with which [`geqrf`] factors through ?geqrt a matrix with `k = min(m, n)`
/// reflectors, or `None` for ?geqrf itself.
///
/// ?geqrf takes its block size (32) and its crossover to the unblocked ?geqr2 (128) from
/// ILAENV, in reference LAPACK and in OpenBLAS 0.3.21: up to `k` = 128 it runs ?geqr2, one
/// Householder reflector at a time (matrix-vector products), and above it factors each panel
/// that way. ?geqrt takes its block size as an argument and factors each panel with the
/// recursive ?geqrt3 (matrix products). For real types that is faster from `k` = 128 on, with
/// block size 32 below 256, 64 below 1024 and 128 from there (wider trailing updates); below
/// 128, and for complex types below 1024, ?geqrf is as fast or faster and stays (the
/// measurements are in docs/bench/drivers.md and docs/bench/implementation-notes.md).
pub(crate) fn geqrt_block<T: Scalar>(k: usize) -> Option<usize> {
    if k >= GEQRT_MIN {
        Some(GEQRT_NB)
    } else if T::IS_COMPLEX || k < GEQRT_MIN_REAL {
        None
    } else if k < 256 {
        Some(32)
    } else {
        Some(64)
    }
}

/// From this `min(m, n)` on, [`geqrf`] factors through ?geqrt with block size [`GEQRT_NB`]
/// for every type.
pub(crate) const GEQRT_MIN: usize = 1024;
/// From this `min(m, n)` on, [`geqrf`] factors real matrices through ?geqrt (block sizes in
/// [`geqrt_block`]).
pub(crate) const GEQRT_MIN_REAL: usize = 128;
/// The block size of the ?geqrt path from [`GEQRT_MIN`] on.
pub(crate) const GEQRT_NB: usize = 128;

/// ?geqrt with block size `nb` (at most `min(m, n)` is used), returned in ?geqrf's format: the
/// same Householder vectors below the diagonal and `R` on and above it, and τ read from the
/// diagonals of the triangular block factors `T` (for `H = I − V·T·Vᴴ` the diagonal of `T`
/// holds the τᵢ of the reflectors `Hᵢ = I − τᵢ·vᵢ·vᵢᴴ`). Everything downstream (?orgqr,
/// ?ormqr) is unchanged.
fn geqrt_tau<T: Scalar, S: DataMut<Elem = T>>(
    a: &mut ArrayBase<S, Ix2>,
    nb: usize,
) -> Result<Vec<T>> {
    let (m, n) = a.dim();
    let k = m.min(n);
    let nb = nb.clamp(1, k.max(1));
    let (mi, ni, nbi, ldi) = (
        lapack_int(m)?,
        lapack_int(n)?,
        lapack_int(nb)?,
        lapack_int(ld(m))?,
    );
    let buf = col_major_slice_mut(a);
    assert_buf(buf, m, n, ld(m));
    let tlen = nb.checked_mul(k).ok_or(Error::TooLarge { dim: k })?;
    let wlen = nb.checked_mul(n).ok_or(Error::TooLarge { dim: n })?;
    lapack_int(tlen)?;
    let mut t = super::buffer::padded_vec::<T>(tlen, nb);
    let mut work = super::buffer::padded_vec::<T>(wlen, m.max(n));
    let routine = rname!(T, "geqrt");
    // SAFETY: buf is m×n with ld max(1, m) (asserted), 1 ≤ nb ≤ min(m, n), t holds nb·k
    // elements with ldt = nb, work holds nb·n; no two alias.
    let info = unsafe {
        T::geqrt(
            mi,
            ni,
            nbi,
            buf.as_mut_ptr(),
            ldi,
            t.as_mut_ptr(),
            nbi,
            work.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Column i of T belongs to block ⌊i/nb⌋; its diagonal entry is row i mod nb.
    let tau: Vec<T> = (0..k).map(|i| t[i % nb + i * nb]).collect();
    householder_finite(buf, &tau, routine)?;
    Ok(tau)
}

/// QR with column pivoting of the F-order `a` in place (`A·P = Q·R`), every column free.
/// Returns LAPACK's 1-based `jpvt` (column `j` of `A·P` is column `jpvt[j]` of `A`) and τ.
pub(crate) fn geqp3<T: Scalar>(a: &mut Array2<T>) -> Result<(Vec<BlasInt>, Vec<T>)> {
    let (m, n) = a.dim();
    let k = m.min(n);
    if k == 0 {
        return Ok(((1..=lapack_int(n)?).collect(), Vec::new()));
    }
    let (mi, ni, ldi) = (lapack_int(m)?, lapack_int(n)?, lapack_int(ld(m))?);
    let buf = col_major_slice_mut(a);
    assert_buf(buf, m, n, ld(m));
    let mut jpvt = vec![0 as BlasInt; n];
    let mut tau = vec![T::zero(); k];
    let mut rwork = vec![T::Real::from_f64(0.0); 2 * n];
    let routine = rname!(T, "geqp3");
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only.
    let info = unsafe {
        T::geqp3(
            mi,
            ni,
            buf.as_mut_ptr(),
            ldi,
            jpvt.as_mut_ptr(),
            tau.as_mut_ptr(),
            q.as_mut_ptr(),
            -1,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: 3N+1 (real), N+1 (complex); take the larger for both.
    let lw = lwork(q[0], 3 * n as i64 + 1)?;
    let mut work = super::buffer::padded_vec::<T>(lw, m.max(n));
    // SAFETY: buf is m×n with ld max(1, m) (asserted), jpvt has n slots (all 0: every column
    // free), tau min(m, n), work lw ≥ 3n+1, rwork 2n reals; no two alias.
    let info = unsafe {
        T::geqp3(
            mi,
            ni,
            buf.as_mut_ptr(),
            ldi,
            jpvt.as_mut_ptr(),
            tau.as_mut_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
            rwork.as_mut_ptr(),
        )
    };
    check_illegal(routine, info)?;
    householder_finite(buf, &tau, routine)?;
    // jpvt must be a permutation of 1..=n before anyone indexes with it.
    let mut seen = vec![false; n];
    for &p in &jpvt {
        if p < 1 || p > ni || std::mem::replace(&mut seen[p as usize - 1], true) {
            return Err(Error::NumericalBreakdown { routine });
        }
    }
    Ok((jpvt, tau))
}

/// Overwrites the F-order `m×p` matrix `a`, whose first `k = tau.len()` columns hold the
/// reflectors of [`geqrf`] or [`geqp3`], with the first `p` columns of `Q = H(1)·…·H(k)`
/// (`m ≥ p ≥ k`). Columns beyond `k` need not be initialised.
pub(crate) fn orgqr<T: Scalar, S: DataMut<Elem = T>>(
    a: &mut ArrayBase<S, Ix2>,
    tau: &[T],
) -> Result<()> {
    let (m, p) = a.dim();
    let k = tau.len();
    assert!(m >= p && p >= k, "orgqr needs m ≥ p ≥ k, got {m}, {p}, {k}");
    if p == 0 {
        return Ok(());
    }
    let (mi, pi, ki, ldi) = (
        lapack_int(m)?,
        lapack_int(p)?,
        lapack_int(k)?,
        lapack_int(ld(m))?,
    );
    let buf = col_major_slice_mut(a);
    assert_buf(buf, m, p, ld(m));
    // TAU is only read for k > 0; keep one element so the pointer is always to real memory.
    let tau_buf: Vec<T> = if k == 0 {
        vec![T::zero()]
    } else {
        tau.to_vec()
    };
    let routine = rname!(T, "orgqr", "ungqr");
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only.
    let info = unsafe {
        T::orgqr(
            mi,
            pi,
            ki,
            buf.as_mut_ptr(),
            ldi,
            tau_buf.as_ptr(),
            q.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum: LWORK ≥ max(1, N) with N = p here.
    let lw = lwork(q[0], p as i64)?;
    let mut work = super::buffer::padded_vec::<T>(lw, m);
    // SAFETY: buf is m×p with ld max(1, m) (asserted), m ≥ p ≥ k (asserted), tau_buf holds
    // max(1, k) scalars, work lw ≥ max(1, p); no two alias.
    let info = unsafe {
        T::orgqr(
            mi,
            pi,
            ki,
            buf.as_mut_ptr(),
            ldi,
            tau_buf.as_ptr(),
            work.as_mut_ptr(),
            lapack_int(lw)?,
        )
    };
    check_illegal(routine, info)
}

/// The TRANS character for `op(Q)`: the real routines take `'T'` for the adjoint (?ormqr
/// rejects `'C'`), the complex ones `'C'`.
fn q_trans<T: Scalar>(trans: Trans) -> c_char {
    match trans {
        Trans::No => Trans::No.as_char(),
        Trans::Transpose | Trans::Adjoint => {
            assert!(
                trans == Trans::Adjoint || !T::IS_COMPLEX,
                "?unmqr applies Q or Qᴴ only"
            );
            if T::IS_COMPLEX {
                Trans::Adjoint.as_char()
            } else {
                Trans::Transpose.as_char()
            }
        }
    }
}

/// `C := op(Q)·C` in place (side Left), where `Q = H(1)·…·H(k)` is `m×m` with `m = c.nrows()`,
/// its `k = tau.len()` reflectors in the first `k` columns of the F-order `v` (`v.nrows() = m`).
pub(crate) fn ormqr<T: Scalar>(
    v: &Array2<T>,
    tau: &[T],
    trans: Trans,
    c: &mut Array2<T>,
) -> Result<()> {
    let (m, nc) = c.dim();
    let k = tau.len();
    assert_eq!(v.nrows(), m, "reflectors and C must have the same rows");
    assert!(k <= v.ncols() && k <= m, "k = {k} reflectors do not fit");
    if m == 0 || nc == 0 || k == 0 {
        return Ok(()); // Q = I when there are no reflectors.
    }
    let (mi, nci, ki, ldi) = (
        lapack_int(m)?,
        lapack_int(nc)?,
        lapack_int(k)?,
        lapack_int(ld(m))?,
    );
    let vb = col_major_slice(v);
    assert_buf(vb, m, k, ld(m));
    let cb = col_major_slice_mut(c);
    assert_buf(cb, m, nc, ld(m));
    let t = q_trans::<T>(trans);
    let routine = rname!(T, "ormqr", "unmqr");
    let mut q = [T::zero()];
    // SAFETY: workspace query (lwork = -1): LAPACK writes the optimal size to q[0] only.
    let info = unsafe {
        T::ormqr(
            LEFT,
            t,
            mi,
            nci,
            ki,
            vb.as_ptr(),
            ldi,
            tau.as_ptr(),
            cb.as_mut_ptr(),
            ldi,
            q.as_mut_ptr(),
            -1,
        )
    };
    check_illegal(routine, info)?;
    // Documented minimum for SIDE = 'L': LWORK ≥ max(1, N) with N the columns of C.
    let lw = lwork(q[0], nc as i64)?;
    let mut work = super::buffer::padded_vec::<T>(lw, m.max(nc));
    // SAFETY: vb is m×k with ld max(1, m) and k ≤ m (asserted), tau has k scalars, cb is m×nc
    // with ld max(1, m) (asserted), work lw ≥ max(1, nc); c is a distinct allocation from v.
    let info = unsafe {
        T::ormqr(
            LEFT,
            t,
            mi,
            nci,
            ki,
            vb.as_ptr(),
            ldi,
            tau.as_ptr(),
            cb.as_mut_ptr(),
            ldi,
            work.as_mut_ptr(),
            lapack_int(lw)?,
        )
    };
    check_illegal(routine, info)
}

/// Solves `op(R)·X = B` in place, where `R` is triangle `uplo` of the leading `n×n` block of the
/// F-order `r` (leading dimension `r.nrows()`) and `B` the leading `n` rows of the F-order `b`
/// (leading dimension `b.nrows()`). An exactly zero diagonal entry is `Singular { index }`.
pub(crate) fn trtrs<T: Scalar>(
    r: &Array2<T>,
    n: usize,
    uplo: Uplo,
    trans: Trans,
    b: &mut Array2<T>,
) -> Result<()> {
    trtrs_diag(r, n, uplo, trans, super::Diag::NonUnit, b)
}

/// [`trtrs`] with the diagonal's kind given: with [`Diag::Unit`](super::Diag::Unit) the stored
/// diagonal is not read and never singular.
pub(crate) fn trtrs_diag<T: Scalar>(
    r: &Array2<T>,
    n: usize,
    uplo: Uplo,
    trans: Trans,
    diag: super::Diag,
    b: &mut Array2<T>,
) -> Result<()> {
    let (ldr, ldb, nrhs) = (r.nrows(), b.nrows(), b.ncols());
    assert!(
        n <= ldr && n <= r.ncols() && n <= ldb,
        "R or B smaller than n = {n}"
    );
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    let (ni, nrhsi, ldri, ldbi) = (
        lapack_int(n)?,
        lapack_int(nrhs)?,
        lapack_int(ldr)?,
        lapack_int(ldb)?,
    );
    let rb = col_major_slice(r);
    assert_buf(rb, n, n, ldr);
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, ldb);
    // SAFETY: rb holds an n×n block with ld ldr ≥ max(1, n), bb an n×nrhs block with ld
    // ldb ≥ max(1, n) (asserted); b is a distinct allocation from r.
    let info = unsafe {
        T::trtrs(
            uplo.as_char(),
            trans.as_char(),
            diag.as_char(),
            ni,
            nrhsi,
            rb.as_ptr(),
            ldri,
            bb.as_mut_ptr(),
            ldbi,
        )
    };
    let routine = rname!(T, "trtrs");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::Singular {
            index: info as usize,
        });
    }
    // A nearly singular R can overflow the solution from finite input.
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate in the 1-norm of the triangular, non-unit leading `n×n`
/// block (triangle `uplo`) of the F-order `r` (leading dimension `r.nrows()`). 1 when `n = 0`.
pub(crate) fn trcon<T: Scalar>(r: &Array2<T>, n: usize, uplo: Uplo) -> Result<T::Real> {
    let rcond = trcon_raw(r, n, uplo)?;
    if !rcond.is_nan() {
        return Ok(rcond);
    }
    // ?trcon computes ‖R‖₁ itself, which overflows for entries near the largest float (NaN
    // then). rcond is scale invariant: estimate it for 2^-k·R, k the exponent of the largest
    // entry of the triangle (an exact scaling).
    let zero = T::Real::from_f64(0.0);
    let tri = |i: usize, j: usize| match uplo {
        Uplo::Upper => i <= j,
        Uplo::Lower => i >= j,
    };
    let mut big = zero;
    for j in 0..n {
        for i in 0..n {
            if tri(i, j) {
                let x = r[(i, j)];
                big = big.max(x.re().abs()).max(x.im().abs());
            }
        }
    }
    if big == zero || !big.is_finite() {
        return Ok(super::rcond_or_zero(rcond));
    }
    let k = crate::lapack::numeric::floor_log2(big.to_f64());
    let mut scaled = Array2::<T>::zeros((n, n).f());
    for j in 0..n {
        for i in 0..n {
            if tri(i, j) {
                scaled[(i, j)] = crate::lapack::numeric::scale_pow2(r[(i, j)], -k);
            }
        }
    }
    Ok(super::rcond_or_zero(trcon_raw(&scaled, n, uplo)?))
}

fn trcon_raw<T: Scalar>(r: &Array2<T>, n: usize, uplo: Uplo) -> Result<T::Real> {
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    let ldr = r.nrows();
    assert!(n <= ldr && n <= r.ncols(), "R smaller than n = {n}");
    let (ni, ldri) = (lapack_int(n)?, lapack_int(ldr)?);
    let rb = col_major_slice(r);
    assert_buf(rb, n, n, ldr);
    let mut work = vec![T::zero(); 3 * n];
    let mut rwork = vec![zero; n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: rb holds an n×n block with ld ldr ≥ max(1, n) (asserted); work 3n, rwork n, iwork
    // n cover the real (WORK 3n, IWORK n) and complex (WORK 2n, RWORK n) requirements.
    let info = unsafe {
        T::trcon(
            b'1' as c_char,
            uplo.as_char(),
            NON_UNIT,
            ni,
            rb.as_ptr(),
            ldri,
            &mut rcond,
            work.as_mut_ptr(),
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "trcon"), info)?;
    Ok(rcond)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{c32, c64, testing, Scalar};

    /// The ?geqrt path gives ?geqrf's format: same R and τ up to rounding, for every block size
    /// [`geqrt_block`] picks, on a matrix whose last block (200 = 6·32 + 8 = 3·64 + 8 =
    /// 128 + 72 columns) is partial, tall and wide.
    fn geqrt_matches_geqrf<T: Scalar>() {
        let mut rng = testing::rng(21);
        for (m, n) in [(300usize, 200usize), (200, 300)] {
            let a: Array2<T> = testing::gaussian(m, n, &mut rng);
            let mut f = crate::layout::to_col_major(&a);
            let tau_f = geqrf_raw(&mut f).unwrap();
            for nb in [32, 64, GEQRT_NB] {
                let mut t = crate::layout::to_col_major(&a);
                let tau_t = geqrt_tau(&mut t, nb).unwrap();
                let eps = T::Real::epsilon().to_f64();
                let anorm = a.iter().map(|x| x.abs().to_f64()).fold(0.0, f64::max);
                let tol = 10.0 * (m.max(n) as f64) * eps;
                for (x, y) in tau_f.iter().zip(&tau_t) {
                    assert!(
                        (*x - *y).abs().to_f64() <= tol,
                        "{} nb {nb} τ: {x} vs {y}",
                        T::NAME
                    );
                }
                for (x, y) in f.iter().zip(t.iter()) {
                    assert!(
                        (*x - *y).abs().to_f64() <= tol * anorm.max(1.0) * 10.0,
                        "{} {m}×{n} nb {nb} factors: {x} vs {y}",
                        T::NAME
                    );
                }
            }
        }
    }

    #[test]
    fn geqrt_block_by_order_and_type() {
        for (k, real) in [
            (1, None),
            (127, None),
            (128, Some(32)),
            (255, Some(32)),
            (256, Some(64)),
            (1023, Some(64)),
            (1024, Some(GEQRT_NB)),
            (5000, Some(GEQRT_NB)),
        ] {
            assert_eq!(geqrt_block::<f32>(k), real, "f32 k = {k}");
            assert_eq!(geqrt_block::<f64>(k), real, "f64 k = {k}");
            let complex = (k >= GEQRT_MIN).then_some(GEQRT_NB);
            assert_eq!(geqrt_block::<c32>(k), complex, "c32 k = {k}");
            assert_eq!(geqrt_block::<c64>(k), complex, "c64 k = {k}");
        }
    }

    #[test]
    fn geqrt_path_matches_geqrf_path() {
        geqrt_matches_geqrf::<f32>();
        geqrt_matches_geqrf::<f64>();
        geqrt_matches_geqrf::<c32>();
        geqrt_matches_geqrf::<c64>();
    }
}
