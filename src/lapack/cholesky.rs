//! Cholesky: ?potrf ?potrs ?potri ?pocon.

use ndarray::Array2;

use super::buffer::{col_major_slice, col_major_slice_mut, ld};
use super::routine::lapack_family;
use super::BlasInt;
use super::{assert_buf, check_illegal, lapack_int, rname, LapackScalar, Uplo};
use crate::error::{Error, Result};
use crate::scalar::Scalar;

lapack_family! {
    /// Raw Cholesky routines.
    pub trait CholeskyLapack: LapackScalar;

    /// # Safety
    /// `a` holds `lda·n` elements, `lda ≥ max(1, n)`.
    // SUBROUTINE xPOTRF( UPLO, N, A, LDA, INFO )
    fn potrf(uplo: char, n: int, a: *mut T, lda: int);
    /// # Safety
    /// `a` is the n×n factor, `b` holds `ldb·nrhs` with `ldb ≥ max(1, n)`.
    // SUBROUTINE xPOTRS( UPLO, N, NRHS, A, LDA, B, LDB, INFO )
    fn potrs(uplo: char, n: int, nrhs: int, a: *const T, lda: int, b: *mut T, ldb: int);
    /// # Safety
    /// `a` is the n×n factor.
    // SUBROUTINE xPOTRI( UPLO, N, A, LDA, INFO )
    fn potri(uplo: char, n: int, a: *mut T, lda: int);
    /// # Safety
    /// `a` is the n×n factor; `work` holds 3n, `rwork` n, `iwork` n elements.
    // SUBROUTINE DPOCON( UPLO, N, A, LDA, ANORM, RCOND, WORK, IWORK, INFO )  WORK(3N) IWORK(N)
    // SUBROUTINE ZPOCON( UPLO, N, A, LDA, ANORM, RCOND, WORK, RWORK, INFO )  WORK(2N) RWORK(N)
    fn pocon(
        uplo: char, n: int, a: *const T, lda: int, anorm: real, rcond: &mut R, work: *mut T,
        #[complex] rwork: *mut R, #[real] iwork: *mut int,
    );
}

// ----------------------------------------------------------------------------- safe wrappers

/// Factors the F-order Hermitian `a` (triangle `uplo`) in place. INFO > 0 is
/// `NotPositiveDefinite { index: INFO }`.
pub(crate) fn potrf<T: Scalar>(a: &mut Array2<T>, uplo: Uplo) -> Result<()> {
    let n = a.nrows();
    if n == 0 {
        return Ok(());
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let buf = col_major_slice_mut(a);
    assert_buf(buf, n, n, ld(n));
    // SAFETY: buf is n×n with ld max(1, n) (asserted).
    let info = unsafe { T::potrf(uplo.as_char(), ni, buf.as_mut_ptr(), ldi) };
    let routine = rname!(T, "potrf");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::NotPositiveDefinite {
            index: info as usize,
        });
    }
    // Post-check (OpenBLAS's ?potf2 tests `ajj <= 0`, which NaN passes, so a NaN can come back
    // with INFO = 0). The diagonal is enough: an off-diagonal entry l_kj (k > j) enters
    // d_k = a_kk − Σ_{i<k} |l_ki|², the square of the diagonal entry of row k, which is computed
    // after it. A non-finite l_kj makes |l_kj|² ∞ or NaN (a sum of non-negative terms cannot
    // cancel it), so d_k is −∞ (INFO > 0) or NaN (a NaN diagonal entry). Scanning the triangle
    // instead cost 4% of ?potrf at n = 256. Builds with debug assertions (the test suite)
    // check the argument on every call.
    let diagonal_finite = (0..n).all(|j| buf[j * n + j].is_finite());
    debug_assert!(
        !diagonal_finite || super::triangle_finite(buf, n, uplo),
        "a non-finite ?potrf factor with a finite diagonal"
    );
    if !diagonal_finite {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Solves `A·X = B` in place with the factor from [`potrf`].
pub(crate) fn potrs<T: Scalar>(f: &Array2<T>, uplo: Uplo, b: &mut Array2<T>) -> Result<()> {
    let n = f.nrows();
    let nrhs = b.ncols();
    if n == 0 || nrhs == 0 {
        return Ok(());
    }
    assert_eq!(b.nrows(), n);
    let (ni, nrhsi, ldi) = (lapack_int(n)?, lapack_int(nrhs)?, lapack_int(ld(n))?);
    let a = col_major_slice(f);
    assert_buf(a, n, n, ld(n));
    let bb = col_major_slice_mut(b);
    assert_buf(bb, n, nrhs, ld(n));
    // SAFETY: a is n×n, bb is n×nrhs, both with ld max(1, n) (asserted), distinct allocations.
    let info = unsafe {
        T::potrs(
            uplo.as_char(),
            ni,
            nrhsi,
            a.as_ptr(),
            ldi,
            bb.as_mut_ptr(),
            ldi,
        )
    };
    let routine = rname!(T, "potrs");
    check_illegal(routine, info)?;
    // A nearly singular A can overflow the solution from finite input.
    if !super::all_finite(bb) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Overwrites the factor with triangle `uplo` of `A⁻¹`.
pub(crate) fn potri<T: Scalar>(f: &mut Array2<T>, uplo: Uplo) -> Result<()> {
    let n = f.nrows();
    if n == 0 {
        return Ok(());
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let buf = col_major_slice_mut(f);
    assert_buf(buf, n, n, ld(n));
    // SAFETY: buf is n×n with ld max(1, n) (asserted).
    let info = unsafe { T::potri(uplo.as_char(), ni, buf.as_mut_ptr(), ldi) };
    let routine = rname!(T, "potri");
    check_illegal(routine, info)?;
    if info > 0 {
        return Err(Error::Singular {
            index: info as usize,
        });
    }
    if !super::all_finite(buf) {
        return Err(Error::NumericalBreakdown { routine });
    }
    Ok(())
}

/// Reciprocal condition number estimate (1-norm) from the factor and `‖A‖₁`.
pub(crate) fn pocon<T: Scalar>(f: &Array2<T>, uplo: Uplo, anorm: T::Real) -> Result<T::Real> {
    let n = f.nrows();
    let zero = T::Real::from_f64(0.0);
    if n == 0 {
        return Ok(T::Real::from_f64(1.0));
    }
    if anorm == zero {
        return Ok(zero);
    }
    let (ni, ldi) = (lapack_int(n)?, lapack_int(ld(n))?);
    let a = col_major_slice(f);
    assert_buf(a, n, n, ld(n));
    let mut work = vec![T::zero(); 3 * n];
    let mut rwork = vec![zero; n];
    let mut iwork = vec![0 as BlasInt; n];
    let mut rcond = zero;
    // SAFETY: a is n×n (asserted); work 3n, rwork n, iwork n cover the real (WORK 3n, IWORK n)
    // and complex (WORK 2n, RWORK n) requirements.
    let info = unsafe {
        T::pocon(
            uplo.as_char(),
            ni,
            a.as_ptr(),
            ldi,
            anorm,
            &mut rcond,
            work.as_mut_ptr(),
            rwork.as_mut_ptr(),
            iwork.as_mut_ptr(),
        )
    };
    check_illegal(rname!(T, "pocon"), info)?;
    Ok(rcond)
}
