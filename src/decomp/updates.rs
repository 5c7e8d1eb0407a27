//! Factor updates by plane rotations: Cholesky rank-1 update and downdate
//! ([`Cholesky::update`], [`Cholesky::downdate`]) and QR updates with an explicit `Q`
//! ([`QrFactors`]: insert or delete a row or column, rank-1 change `A + u·vᴴ`).
//!
//! Each update costs O(n²) (Cholesky) or O(m² + mn) (QR) instead of the O(n³) or O(mn²) of a
//! fresh factorization, and is backward stable: the updated factors are the exact factors of a
//! matrix within a small multiple of `n·ε·‖A‖` of the updated matrix, and `Q` stays unitary to
//! O(ε) however many updates are chained (only unitary rotations touch it).
//!
//! The rotations are computed in Rust, not with LAPACK's ?lartg: `G = [[c, s], [−s̄, c]]`
//! with `c` real, chosen so that `G·[f; g] = [r; 0]`, `|r| = hypot(|f|, |g|)` evaluated without
//! overflow or harmful underflow (the moduli come from `hypot`, every quotient has a numerator
//! no larger than its denominator, and tiny inputs are first scaled by an exact power of two).

use ndarray::{s, Array1, Array2, ArrayBase, ArrayView2, Data, Ix1, Ix2, ShapeBuilder};

use super::cholesky::{adjoint, Cholesky};
use super::qr::Qr;
use crate::error::{Error, Result};
use crate::lapack::numeric::{scale_pow2, tiny_exponent};
use crate::lapack::Uplo;
use crate::layout::check_dims;
use crate::scalar::{RealScalar, Scalar};

/// A plane rotation `G = [[c, s], [−s̄, c]]` with real `c ≥ 0` and `c² + |s|² = 1`.
#[derive(Debug, Clone, Copy)]
struct Givens<T: Scalar> {
    c: T::Real,
    s: T,
}

impl<T: Scalar> Givens<T> {
    /// The rotation with `G·[f; g] = [r; 0]`, and `r`. When `f ≠ 0`, `r = (f/|f|)·hypot(|f|, |g|)`
    /// keeps the phase of `f` (so a real positive `f` gives a real positive `r`).
    fn zeroing(f: T, g: T) -> (Self, T) {
        let zero = T::Real::from_f64(0.0);
        let one = T::Real::from_f64(1.0);
        if g == T::zero() {
            return (
                Givens {
                    c: one,
                    s: T::zero(),
                },
                f,
            );
        }
        // Entries below √(smallest normal) are first brought to unit scale by an exact power of
        // two (c and s do not change; r is scaled back), so that no quotient is subnormal.
        if let Some(k) = tiny_exponent::<T>(f.abs1().max(g.abs1())) {
            let (rot, r) = Self::zeroing(scale_pow2(f, k), scale_pow2(g, k));
            return (rot, scale_pow2(r, -k));
        }
        let ag = g.abs();
        if f == T::zero() {
            let s = T::from_parts(g.re() / ag, -g.im() / ag);
            return (Givens { c: zero, s }, T::from_real(ag));
        }
        let af = f.abs();
        let rho = af.hypot(ag);
        let phase = T::from_parts(f.re() / af, f.im() / af);
        let s = phase * T::from_parts(g.re() / rho, -g.im() / rho);
        (Givens { c: af / rho, s }, phase.scale(rho))
    }

    /// `(x, y) ← (c·x + s·y, −s̄·x + c·y)`, i.e. `G·[x; y]`.
    #[inline]
    fn apply(self, x: T, y: T) -> (T, T) {
        (
            x.scale(self.c) + self.s * y,
            y.scale(self.c) - self.s.conj() * x,
        )
    }

    /// The rotation that multiplies a row vector `[x, y]` by `Gᴴ`: `[x, y]·Gᴴ`.
    #[inline]
    fn for_columns(self) -> Self {
        Givens {
            c: self.c,
            s: self.s.conj(),
        }
    }
}

/// `R[i..][from..] , R[j][from..] ← G·[R[i]; R[j]]` on columns `from..`.
fn rotate_rows<T: Scalar>(r: &mut Array2<T>, i: usize, j: usize, from: usize, g: Givens<T>) {
    for col in from..r.ncols() {
        let (x, y) = g.apply(r[(i, col)], r[(j, col)]);
        r[(i, col)] = x;
        r[(j, col)] = y;
    }
}

/// `Q ← Q·Gᴴ` on columns `i`, `j`, so that `(Q·Gᴴ)·(G·R) = Q·R`.
fn rotate_cols<T: Scalar>(q: &mut Array2<T>, i: usize, j: usize, g: Givens<T>) {
    let g = g.for_columns();
    for row in 0..q.nrows() {
        let (x, y) = g.apply(q[(row, i)], q[(row, j)]);
        q[(row, i)] = x;
        q[(row, j)] = y;
    }
}

/// Checks that a vector has `len` entries, all finite (reported as `NonFinite { row: i, col: 0 }`).
fn checked_vector<T: Scalar, S: Data<Elem = T>>(
    x: &ArrayBase<S, Ix1>,
    len: usize,
    operation: &'static str,
) -> Result<Vec<T>> {
    if x.len() != len {
        return Err(Error::DimensionMismatch {
            operation,
            expected: len,
            found: x.len(),
        });
    }
    if let Some(row) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::NonFinite { row, col: 0 });
    }
    Ok(x.to_vec())
}

/// `‖x‖₁·‖x‖∞ ≥ ‖x·xᴴ‖₁`.
fn outer_norm1_bound<T: Scalar>(x: &[T]) -> T::Real {
    let zero = T::Real::from_f64(0.0);
    let n1 = x.iter().fold(zero, |s, v| s + v.abs());
    let ninf = x.iter().fold(zero, |m, v| m.max(v.abs()));
    n1 * ninf
}

fn all_finite<T: Scalar>(a: &Array2<T>) -> bool {
    a.iter().all(|v| v.is_finite())
}

/// `R ← R'` with `R'ᴴR' = RᴴR + x·xᴴ` (LINPACK ?chud): rotations of each row of `R` against the
/// row `xᴴ` zero it from the left. The diagonal stays real and positive.
fn update_upper<T: Scalar>(r: &mut Array2<T>, x: &[T]) {
    let n = r.nrows();
    let mut w: Vec<T> = x.iter().map(|v| v.conj()).collect();
    for k in 0..n {
        let (g, rho) = Givens::zeroing(r[(k, k)], w[k]);
        // The diagonal is real and positive, so rho = hypot(r_kk, |w_k|) is real; keep it so.
        r[(k, k)] = T::from_real(rho.abs());
        w[k] = T::zero();
        for j in k + 1..n {
            let (a, b) = g.apply(r[(k, j)], w[j]);
            r[(k, j)] = a;
            w[j] = b;
        }
    }
}

/// `R ← R'` with `R'ᴴR' = RᴴR − x·xᴴ` (LINPACK ?chdd). Fails with the order of the first leading
/// minor of `RᴴR − x·xᴴ` that is not positive definite, leaving `r` unchanged when that is found
/// before any change (always, except for rounding-level failures caught on the diagonal).
fn downdate_upper<T: Scalar>(r: &mut Array2<T>, x: &[T]) -> Result<()> {
    let n = r.nrows();
    let zero = T::Real::from_f64(0.0);
    let one = T::Real::from_f64(1.0);
    // Solve Rᴴ·p = x. The leading k×k block of RᴴR − xxᴴ is positive definite iff
    // ‖p[..k]‖₂ < 1 (Rᴴ is lower triangular, so p[..k] depends on x[..k] only).
    let mut p = vec![T::zero(); n];
    let mut ss = zero;
    for j in 0..n {
        let mut t = x[j];
        for i in 0..j {
            t -= r[(i, j)].conj() * p[i];
        }
        let d = r[(j, j)].re();
        p[j] = T::from_parts(t.re() / d, t.im() / d);
        ss += p[j].abs_sqr();
        // NaN (from overflow) also fails.
        if ss >= one || ss.is_nan() {
            return Err(Error::NotPositiveDefinite { index: j + 1 });
        }
    }
    let mut alpha = (one - ss).sqrt();
    let mut c = vec![zero; n];
    let mut s = vec![T::zero(); n];
    for i in (0..n).rev() {
        let scale = alpha + p[i].abs();
        let a = alpha / scale;
        let b = T::from_parts(p[i].re() / scale, p[i].im() / scale);
        let norm = (a * a + b.abs_sqr()).sqrt();
        c[i] = a / norm;
        s[i] = T::from_parts(b.re() / norm, -b.im() / norm);
        alpha = scale * norm;
    }
    let mut out = r.clone();
    for j in 0..n {
        let mut xx = T::zero();
        for i in (0..=j).rev() {
            let rij = out[(i, j)];
            let t = xx.scale(c[i]) + s[i] * rij;
            out[(i, j)] = rij.scale(c[i]) - s[i].conj() * xx;
            xx = t;
        }
    }
    // Make the diagonal real and positive again (rounding may leave a phase or, for a downdate
    // at the edge of definiteness, a zero): multiplying row i by a unit scalar keeps RᴴR.
    for i in 0..n {
        let d = out[(i, i)];
        let ad = d.abs();
        if ad == zero || !ad.is_finite() {
            return Err(Error::NotPositiveDefinite { index: i + 1 });
        }
        if d != T::from_real(ad) {
            let phase = T::from_parts(d.re() / ad, -d.im() / ad);
            for j in i + 1..n {
                out[(i, j)] *= phase;
            }
            out[(i, i)] = T::from_real(ad);
        }
    }
    if !all_finite(&out) {
        return Err(Error::NumericalBreakdown {
            routine: "Cholesky::downdate",
        });
    }
    *r = out;
    Ok(())
}

impl<T: Scalar> Cholesky<T> {
    /// The factor as an upper triangular `R` (`A = Rᴴ·R`), copied.
    fn upper_copy(&self) -> Array2<T> {
        match self.uplo {
            Uplo::Upper => self.factor.clone(),
            Uplo::Lower => adjoint(&self.factor),
        }
    }

    fn store_upper(&mut self, r: Array2<T>) {
        self.factor = match self.uplo {
            Uplo::Upper => r,
            Uplo::Lower => adjoint(&r),
        };
    }

    fn columns_checked<S: Data<Elem = T>>(
        &self,
        x: &ArrayBase<S, Ix2>,
        operation: &'static str,
    ) -> Result<Vec<Vec<T>>> {
        check_matrix(x, self.n(), operation)?;
        Ok(x.columns().into_iter().map(|c| c.to_vec()).collect())
    }

    /// Rank-1 update: turns the factorization of `A` into that of `A + x·xᴴ`, in O(n²).
    ///
    /// With `A = Rᴴ·R` (`R = Lᴴ`), the rows of `[R; xᴴ]` are rotated (one Givens rotation per
    /// row, LINPACK's ?chud) until the last row is zero; what remains is `R'` with
    /// `R'ᴴ·R' = Rᴴ·R + x·xᴴ` and a real positive diagonal. `A + x·xᴴ` is always positive definite,
    /// so this cannot fail on finite input. Use it to add an observation to a Gram or covariance
    /// matrix, or a column to a least-squares problem's normal matrix, without refactoring.
    ///
    /// [`norm1`](Cholesky::norm1) becomes the upper bound `‖A‖₁ + ‖x‖₁·‖x‖∞`.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] if `x` does not have `n` entries, [`Error::NonFinite`] (with
    /// `col = 0`) for NaN or ±∞ in `x`, [`Error::NumericalBreakdown`] if the updated factor
    /// overflows. On error the factorization is unchanged.
    ///
    /// # Complexity
    /// ≈ 2n² flops (real), 8n² (complex); the O(n²) copy of the factor makes it atomic.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Cholesky};
    /// let a = array![[4.0f64, 2.0], [2.0, 5.0]];
    /// let x = array![1.0, 3.0];
    /// let mut ch = Cholesky::new(&a)?;
    /// ch.update(&x)?;
    /// let a2 = &a + &array![[1.0, 3.0], [3.0, 9.0]]; // A + x·xᵀ
    /// assert!(verify::cholesky_ratio(&a2, &ch) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "cholupdate")]
    #[doc(alias = "dchud")]
    pub fn update<S: Data<Elem = T>>(&mut self, x: &ArrayBase<S, Ix1>) -> Result<()> {
        let x = checked_vector(x, self.n(), "Cholesky::update: length of x")?;
        let mut r = self.upper_copy();
        update_upper(&mut r, &x);
        if !all_finite(&r) {
            return Err(Error::NumericalBreakdown {
                routine: "Cholesky::update",
            });
        }
        self.store_upper(r);
        self.anorm += outer_norm1_bound(&x);
        Ok(())
    }

    /// Rank-1 downdate: turns the factorization of `A` into that of `A − x·xᴴ`, in O(n²), or
    /// reports that `A − x·xᴴ` is not positive definite.
    ///
    /// LINPACK's ?chdd: solve `Rᴴ·p = x` (`R = Lᴴ`); `A − x·xᴴ = Rᴴ(I − p·pᴴ)R` is positive
    /// definite exactly when `‖p‖₂ < 1`. Then rotations built from `p` and `α = √(1 − ‖p‖²)`,
    /// applied to `R`, give `R'` with `R'ᴴ·R' = Rᴴ·R − x·xᴴ`. Use it to remove an observation
    /// from a Gram or covariance matrix (sliding windows, leave-one-out).
    ///
    /// The downdate is as well conditioned as `1/(1 − ‖p‖²)`: when `A − x·xᴴ` is nearly singular,
    /// the new factor is accurate only to about `ε/(1 − ‖p‖²)` relative to `‖A‖`, as for any
    /// method that does not see `A − x·xᴴ` itself.
    ///
    /// # Errors
    /// [`Error::NotPositiveDefinite`] with the order `k` (1-based) of the first leading minor of
    /// `A − x·xᴴ` that is not positive definite (the first `k` with `‖p[..k]‖₂ ≥ 1`, or a
    /// diagonal entry of `R'` that rounds to zero); [`Error::DimensionMismatch`] if `x` does
    /// not have `n` entries; [`Error::NonFinite`] (with `col = 0`) for NaN or ±∞ in `x`. On
    /// error the factorization is unchanged.
    ///
    /// # Complexity
    /// ≈ 4n² flops (real), 16n² (complex): one triangular solve and one sweep of rotations.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Cholesky, Error};
    /// let a = array![[5.0f64, 5.0], [5.0, 14.0]];
    /// let mut ch = Cholesky::new(&a)?;
    /// ch.downdate(&array![1.0, 3.0])?;
    /// let a2 = array![[4.0f64, 2.0], [2.0, 5.0]]; // A − x·xᵀ
    /// assert!(verify::cholesky_ratio(&a2, &ch) < verify::LIN_THRESHOLD);
    /// // Removing [2, 0] would leave a zero in position (0, 0): not positive definite.
    /// let before = ch.l();
    /// assert_eq!(ch.downdate(&array![2.0, 0.0]), Err(Error::NotPositiveDefinite { index: 1 }));
    /// assert_eq!(ch.l(), before); // exact: the factor is left untouched on error
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    #[doc(alias = "dchdd")]
    pub fn downdate<S: Data<Elem = T>>(&mut self, x: &ArrayBase<S, Ix1>) -> Result<()> {
        let x = checked_vector(x, self.n(), "Cholesky::downdate: length of x")?;
        let mut r = self.upper_copy();
        downdate_upper(&mut r, &x)?;
        self.store_upper(r);
        self.anorm += outer_norm1_bound(&x);
        Ok(())
    }

    /// Rank-k update `A + X·Xᴴ` for an `n×k` `X`, as `k` rank-1 updates (one per column of `X`),
    /// in O(k·n²). Atomic: on error the factorization is unchanged.
    ///
    /// # Errors
    /// As [`update`](Cholesky::update); `NonFinite` gives the position in `X`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Cholesky};
    /// let a = array![[4.0f64, 2.0], [2.0, 5.0]];
    /// let x = array![[1.0, 0.5], [3.0, -1.0]];
    /// let mut ch = Cholesky::new(&a)?;
    /// ch.update_rank_k(&x)?;
    /// assert!(verify::cholesky_ratio(&(&a + &x.dot(&x.t())), &ch) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn update_rank_k<S: Data<Elem = T>>(&mut self, x: &ArrayBase<S, Ix2>) -> Result<()> {
        let cols = self.columns_checked(x, "Cholesky::update_rank_k: rows of X")?;
        let mut r = self.upper_copy();
        for c in &cols {
            update_upper(&mut r, c);
        }
        if !all_finite(&r) {
            return Err(Error::NumericalBreakdown {
                routine: "Cholesky::update_rank_k",
            });
        }
        self.store_upper(r);
        for c in &cols {
            self.anorm += outer_norm1_bound(c);
        }
        Ok(())
    }

    /// Rank-k downdate `A − X·Xᴴ` for an `n×k` `X`, as `k` rank-1 downdates in column order, in
    /// O(k·n²). Atomic: if any intermediate `A − Σ_{j≤i} xⱼ·xⱼᴴ` is not positive definite the
    /// factorization is unchanged. (A downdate that succeeds as a whole can fail in this order
    /// only if an intermediate matrix is indefinite, which cannot happen: each step removes a
    /// positive semidefinite term, so intermediates dominate the final matrix.)
    ///
    /// # Errors
    /// As [`downdate`](Cholesky::downdate).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Cholesky};
    /// let x = array![[1.0f64, 0.5], [3.0, -1.0]];
    /// let a = array![[4.0f64, 2.0], [2.0, 5.0]] + &x.dot(&x.t());
    /// let mut ch = Cholesky::new(&a)?;
    /// ch.downdate_rank_k(&x)?;
    /// assert!(verify::cholesky_ratio(&array![[4.0f64, 2.0], [2.0, 5.0]], &ch) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn downdate_rank_k<S: Data<Elem = T>>(&mut self, x: &ArrayBase<S, Ix2>) -> Result<()> {
        let cols = self.columns_checked(x, "Cholesky::downdate_rank_k: rows of X")?;
        let mut r = self.upper_copy();
        for c in &cols {
            downdate_upper(&mut r, c)?;
        }
        self.store_upper(r);
        for c in &cols {
            self.anorm += outer_norm1_bound(c);
        }
        Ok(())
    }
}

/// A QR factorization `A = Q·R` with an explicit full unitary `Q` (`m×m`) and upper
/// trapezoidal `R` (`m×n`), that can be updated when `A` changes, as SciPy's
/// `qr_insert`/`qr_delete`/`qr_update` do.
///
/// [`Qr`] keeps `Q` as Householder reflectors, which is cheaper to build and apply but cannot be
/// updated; `QrFactors` holds `Q` itself, and each change of `A` is absorbed by a sequence of
/// Givens rotations that keep `R` upper trapezoidal (exact zeros below its diagonal):
///
/// | method | new `A` | rotations | cost (flops, real) |
/// |---|---|---|---|
/// | [`insert_col`](QrFactors::insert_col)`(k, u)` | `[A[:, ..k], u, A[:, k..]]` | `m − k − 1` | 2m² (`Qᴴu`) + 6m(m − k) + 6(m − k)(n − k) |
/// | [`delete_col`](QrFactors::delete_col)`(k)` | `A` without column `k` | `min(m − 1, n − 1) − k` | 6m·(n − k) + 3(n − k)² |
/// | [`insert_row`](QrFactors::insert_row)`(k, w)` | `A` with row `w` inserted before row `k` | `min(m, n)` | 6m·min(m, n) + 3n² |
/// | [`delete_row`](QrFactors::delete_row)`(k)` | `A` without row `k` | `m − 1` | 6m² + 6mn |
/// | [`update`](QrFactors::update)`(u, v)` | `A + u·vᴴ` | `2m` at most | 2m² + 12m² + 12mn |
/// | [`update_rank_k`](QrFactors::update_rank_k)`(U, V)` | `A + U·Vᴴ` | `k` times the above | k·(14m² + 12mn) |
///
/// All are O(m² + mn), against O(mn²) for refactoring; each changes the factors in place. With
/// thin factors ([`new_thin`](QrFactors::new_thin), `p = min(m, n)` columns of `Q`) the
/// rotations touch `p` columns instead of `m`, and each `m²` term becomes `m·p` (plus `4m·p` for
/// the Gram–Schmidt step of `insert_col`, `update` and `delete_row`). Only
/// rotations touch `Q`, so `‖I − QᴴQ‖` stays O(ε) along any chain of updates (it grows at most
/// linearly with the number of rotations, in practice like its square root), and each update is
/// backward stable: `‖A' − Q'R'‖ ≤ c·(m + n)·ε·‖A'‖` for a modest `c`, plus the error carried
/// from before. [`new`](QrFactors::new) keeps the full factors (`Q` is `m×m`), as SciPy's
/// default; for `m ≫ n` that costs `m²` memory, and [`new_thin`](QrFactors::new_thin) keeps
/// `Q` `m×min(m, n)` and `R` `min(m, n)×n` instead (SciPy's `economic`), with the same methods.
///
/// `R`'s diagonal is not made real or positive (as with LAPACK), so the factors agree with a
/// fresh factorization of the new `A` only up to the phases of `R`'s rows (and `Q`'s columns);
/// `Q·R` agrees to rounding.
///
/// # Errors
/// Every update checks its arguments before changing anything: [`Error::DimensionMismatch`]
/// for a vector of the wrong length, [`Error::NonFinite`] (position in the vector, `col = 0`)
/// for NaN or ±∞, [`Error::InvalidArgument`] for an index out of range. If the result
/// overflowed ([`Error::NumericalBreakdown`]), the factors are also left unchanged.
///
/// # LAPACK
/// The first factorization is ?geqrf + ?orgqr/?ungqr (through [`Qr`]); the updates are Rust
/// rotations (LINPACK ?chud-style `hypot` scaling), plus one `Qᴴ·u` product through BLAS.
///
/// ```
/// use ndarray::{array, s, concatenate, Axis};
/// use ndfactor::{verify, QrFactors};
/// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 9.0]];
/// let mut f = QrFactors::new(&a)?;
/// f.insert_col(1, &array![1.0, 0.0, -1.0, 2.0])?;   // A' = [a0, u, a1]
/// f.delete_row(2)?;                                   // drop row 2
/// f.update(&array![1.0, 1.0, 1.0], &array![0.5, 0.0, -0.5])?; // A' + u·vᵀ
/// let mut want = array![[1.0f64, 1.0, 2.0], [3.0, 0.0, 4.0], [7.0, 2.0, 9.0]];
/// want += &array![[0.5, 0.0, -0.5], [0.5, 0.0, -0.5], [0.5, 0.0, -0.5]];
/// assert!(verify::qr_ratio(&want, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
/// assert!(verify::orthogonality_ratio(&f.q()) < verify::LIN_THRESHOLD);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
#[doc(alias = "qr_update")]
#[doc(alias = "qr_insert")]
#[doc(alias = "qr_delete")]
pub struct QrFactors<T: Scalar> {
    q: Array2<T>,
    r: Array2<T>,
    /// Thin mode: `Q` is `m×p` and `R` `p×n` with `p = min(m, n)` after every update.
    thin: bool,
}

impl<T: Scalar> QrFactors<T> {
    /// Factors an `m×n` matrix (any layout) with [`Qr`] and keeps the full `Q` and `R`.
    ///
    /// # Errors
    /// As [`Qr::new`], and [`Error::TooLarge`] when `m×m` does not fit LAPACK's integers.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let f = QrFactors::new(&a)?;
    /// assert_eq!((f.q().dim(), f.r().dim()), ((3, 3), (3, 2)));
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        Self::from_qr(&Qr::new(a)?)
    }

    /// The full factors of an existing [`Qr`] (`Q` formed by ?orgqr, O(m²n)).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, Qr, QrFactors};
    /// let a = array![[2.0f64, 1.0], [1.0, 3.0]];
    /// let f = QrFactors::from_qr(&Qr::new(&a)?)?;
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_qr(qr: &Qr<T>) -> Result<Self> {
        Ok(QrFactors {
            q: qr.q_full()?,
            r: qr.r_full(),
            thin: false,
        })
    }

    /// Factors an `m×n` matrix and keeps the thin factors: `Q` `m×p` with orthonormal columns
    /// and `R` `p×n`, `p = min(m, n)` (SciPy's `mode='economic'`). Every update keeps that shape,
    /// so a tall `A` costs `m·n` memory instead of `m²`; updates that need a direction outside
    /// the range of `Q` (a new column, `u` in `A + u·vᴴ`, the complement of a deleted row)
    /// compute it by Gram–Schmidt against `Q` with one reorthogonalization ("twice is
    /// enough"), O(m·p) extra.
    ///
    /// # Errors
    /// As [`Qr::new`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 9.0]];
    /// let mut f = QrFactors::new_thin(&a)?;
    /// assert_eq!((f.q().dim(), f.r().dim()), ((4, 2), (2, 2)));
    /// f.delete_row(0)?;
    /// f.update(&array![1.0, 0.0, 2.0], &array![1.0, -1.0])?;
    /// let want = array![[4.0f64, 3.0], [5.0, 6.0], [9.0, 7.0]];
    /// assert_eq!((f.q().dim(), f.r().dim()), ((3, 2), (2, 2)));
    /// assert!(verify::qr_ratio(&want, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// assert!(verify::orthogonality_ratio(&f.q()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn new_thin<S: Data<Elem = T>>(a: &ArrayBase<S, Ix2>) -> Result<Self> {
        let qr = Qr::new(a)?;
        Ok(QrFactors {
            q: qr.q(),
            r: qr.r(),
            thin: true,
        })
    }

    /// `true` for thin factors ([`new_thin`](QrFactors::new_thin)).
    ///
    /// ```
    /// # use ndfactor::QrFactors;
    /// let a = ndarray::Array2::<f64>::eye(3);
    /// assert!(!QrFactors::new(&a)?.is_thin() && QrFactors::new_thin(&a)?.is_thin());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn is_thin(&self) -> bool {
        self.thin
    }

    /// Takes factors computed elsewhere: `q` `m×m` unitary and `r` `m×n`, whose strictly lower
    /// part is ignored (set to zero). `Q`'s orthogonality is not checked (that costs O(m³); see
    /// [`verify::orthogonality_ratio`](crate::verify::orthogonality_ratio)).
    ///
    /// # Errors
    /// [`Error::NotSquare`] for a non-square `q`, [`Error::DimensionMismatch`] when `r` does not
    /// have `m` rows, [`Error::NonFinite`] for NaN or ±∞ in either (in `r`'s upper part).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::QrFactors;
    /// let mut f = QrFactors::from_parts(ndarray::Array2::<f64>::eye(2), array![[1.0, 2.0], [f64::NAN, 3.0]])?;
    /// assert_eq!(f.r()[(1, 0)], 0.0); // exact: the strictly lower part is replaced by zeros
    /// f.delete_col(0)?;
    /// assert_eq!(f.r().dim(), (2, 1));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn from_parts<S1, S2>(q: ArrayBase<S1, Ix2>, r: ArrayBase<S2, Ix2>) -> Result<Self>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (m, mq) = q.dim();
        if m != mq {
            return Err(Error::NotSquare { rows: m, cols: mq });
        }
        if r.nrows() != m {
            return Err(Error::DimensionMismatch {
                operation: "QrFactors::from_parts: rows of r",
                expected: m,
                found: r.nrows(),
            });
        }
        check_dims(m, m)?;
        check_dims(m, r.ncols())?;
        crate::layout::check_finite(&q)?;
        let r = Array2::from_shape_fn(
            r.raw_dim().f(),
            |(i, j)| {
                if i <= j {
                    r[(i, j)]
                } else {
                    T::zero()
                }
            },
        );
        crate::layout::check_finite(&r)?;
        Ok(QrFactors {
            q: crate::layout::to_col_major(&q),
            r,
            thin: false,
        })
    }

    /// Rows `m` of the current `A`.
    ///
    /// ```
    /// # use ndfactor::QrFactors;
    /// assert_eq!(QrFactors::new(&ndarray::Array2::<f64>::zeros((4, 2)))?.nrows(), 4);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn nrows(&self) -> usize {
        self.q.nrows()
    }

    /// Columns `n` of the current `A`.
    ///
    /// ```
    /// # use ndfactor::QrFactors;
    /// assert_eq!(QrFactors::new(&ndarray::Array2::<f64>::zeros((4, 2)))?.ncols(), 2);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn ncols(&self) -> usize {
        self.r.ncols()
    }

    /// The unitary `Q` (`m×m`, F-order), or in thin mode its first `min(m, n)` columns.
    ///
    /// ```
    /// # use ndfactor::{verify, QrFactors};
    /// let f = QrFactors::new(&ndarray::array![[3.0f64], [4.0]])?;
    /// assert!(verify::orthogonality_ratio(&f.q()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q(&self) -> ArrayView2<'_, T> {
        self.q.view()
    }

    /// The upper trapezoidal `R` (`m×n`, or `min(m, n)×n` in thin mode; F-order, exact zeros
    /// below the diagonal).
    ///
    /// ```
    /// # use ndfactor::QrFactors;
    /// let f = QrFactors::new(&ndarray::array![[3.0f64], [4.0]])?;
    /// assert!((f.r()[(0, 0)].abs() - 5.0).abs() < 4.0 * f64::EPSILON);
    /// assert_eq!(f.r()[(1, 0)], 0.0); // exact: zeros below the diagonal by construction
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r(&self) -> ArrayView2<'_, T> {
        self.r.view()
    }

    /// The factors `(Q, R)`, moved out.
    ///
    /// ```
    /// # use ndfactor::QrFactors;
    /// let (q, r) = QrFactors::new(&ndarray::Array2::<f64>::eye(2))?.into_parts();
    /// assert_eq!((q.dim(), r.dim()), ((2, 2), (2, 2)));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn into_parts(self) -> (Array2<T>, Array2<T>) {
        (self.q, self.r)
    }

    /// Rebuilds `A = Q·R` (allocates; O(m²n)).
    ///
    /// ```
    /// # use ndarray::array;
    /// # use ndfactor::QrFactors;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0]];
    /// let f = QrFactors::new(&a)?;
    /// assert!((&f.reconstruct() - &a).iter().all(|d| d.abs() < 8.0 * 4.0 * f64::EPSILON));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn reconstruct(&self) -> Array2<T> {
        self.q.dot(&self.r)
    }

    fn commit(&mut self, q: Array2<T>, r: Array2<T>, routine: &'static str) -> Result<()> {
        let (q, r) = if self.thin { thin_shape(q, r) } else { (q, r) };
        if !all_finite(&q) || !all_finite(&r) {
            return Err(Error::NumericalBreakdown { routine });
        }
        self.q = q;
        self.r = r;
        Ok(())
    }

    /// `(Q_a, c)` with `u = Q_a·c`: `Q_a = Q` and `c = Qᴴu` for full factors (or when `Q` is
    /// square); in thin mode `Q_a = [Q, z/‖z‖]` and `c = [Qᴴu; ‖z‖]` with `z = u − Q·Qᴴu`
    /// (reorthogonalized), unless `‖z‖ ≤ m·ε·‖u‖` (`u` in the range of `Q` to working
    /// precision, and `z` is dropped).
    fn extended_basis(&self, u: Array1<T>) -> (Array2<T>, Array1<T>) {
        let (m, p) = self.q.dim();
        if p == m {
            let c = self.q.t().mapv(|x| x.conj()).dot(&u);
            return (self.q.clone(), c);
        }
        let unorm = norm2(&u);
        let mut z = u;
        let c = orthogonalize(&self.q, &mut z);
        let rho = norm2(&z);
        if rho > T::Real::from_f64(m as f64) * T::eps() * unorm {
            let q = append_column(&self.q, &z.mapv(|x| scale_down(x, rho)));
            let mut ca = Array1::zeros(p + 1);
            ca.slice_mut(s![..p]).assign(&c);
            ca[p] = T::from_real(rho);
            (q, ca)
        } else {
            (self.q.clone(), c)
        }
    }

    fn check_index(k: usize, max: usize, what: &str) -> Result<()> {
        if k > max {
            return Err(Error::InvalidArgument {
                reason: format!("{what} index {k} is out of range 0..={max}"),
            });
        }
        Ok(())
    }

    /// Inserts column `u` before column `k` (`k = n` appends): the factors of
    /// `[A[:, ..k], u, A[:, k..]]`. SciPy: `qr_insert(Q, R, u, k, which='col')`.
    ///
    /// `R` gets `Qᴴ·u` as its new column `k`; rotations of rows `(i − 1, i)`, `i = m − 1, …, k + 1`,
    /// zero it below the diagonal (and are applied to the columns of `Q`). O(m² + m·n).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `k > n`, [`Error::DimensionMismatch`] unless `u` has `m`
    /// entries, [`Error::NonFinite`] for NaN or ±∞ in `u`, [`Error::TooLarge`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let mut f = QrFactors::new(&array![[1.0f64], [2.0], [2.0]])?;
    /// f.insert_col(0, &array![0.0, 1.0, -1.0])?;
    /// let a = array![[0.0f64, 1.0], [1.0, 2.0], [-1.0, 2.0]];
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn insert_col<S: Data<Elem = T>>(&mut self, k: usize, u: &ArrayBase<S, Ix1>) -> Result<()> {
        let (m, p, n) = (self.q.nrows(), self.r.nrows(), self.r.ncols());
        Self::check_index(k, n, "column")?;
        let u = checked_vector(u, m, "QrFactors::insert_col: length of u")?;
        check_dims(m, n + 1)?;
        let (mut q, col) = self.extended_basis(Array1::from(u));
        let pa = q.ncols();
        let mut r = Array2::zeros((pa, n + 1).f());
        r.slice_mut(s![..p, ..k]).assign(&self.r.slice(s![.., ..k]));
        r.column_mut(k).assign(&col);
        r.slice_mut(s![..p, k + 1..])
            .assign(&self.r.slice(s![.., k..]));
        for i in (k + 1..pa).rev() {
            let (g, rr) = Givens::zeroing(r[(i - 1, k)], r[(i, k)]);
            r[(i - 1, k)] = rr;
            r[(i, k)] = T::zero();
            rotate_rows(&mut r, i - 1, i, (k + 1).max(i - 1), g);
            rotate_cols(&mut q, i - 1, i, g);
        }
        self.commit(q, r, "QrFactors::insert_col")
    }

    /// Deletes column `k`: the factors of `A` without it. SciPy: `qr_delete(Q, R, k, 1, 'col')`.
    ///
    /// Removing column `k` of `R` leaves it upper Hessenberg from column `k` on; rotations of
    /// rows `(j, j + 1)`, `j = k, …`, restore the triangle. O(m·(n − k) + (n − k)²).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `k ≥ n`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let mut f = QrFactors::new(&array![[1.0f64, 5.0, 2.0], [3.0, 6.0, 4.0], [5.0, 7.0, 6.0]])?;
    /// f.delete_col(1)?;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// assert_eq!(f.r()[(2, 1)], 0.0); // exact: R is upper trapezoidal by construction
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn delete_col(&mut self, k: usize) -> Result<()> {
        let (p, n) = self.r.dim();
        if n == 0 {
            return Err(Error::InvalidArgument {
                reason: format!("column index {k}: the matrix has no columns"),
            });
        }
        Self::check_index(k, n - 1, "column")?;
        let mut r = Array2::zeros((p, n - 1).f());
        r.slice_mut(s![.., ..k]).assign(&self.r.slice(s![.., ..k]));
        r.slice_mut(s![.., k..])
            .assign(&self.r.slice(s![.., k + 1..]));
        let mut q = self.q.clone();
        for j in k..(p.saturating_sub(1)).min(n - 1) {
            let (g, rr) = Givens::zeroing(r[(j, j)], r[(j + 1, j)]);
            r[(j, j)] = rr;
            r[(j + 1, j)] = T::zero();
            rotate_rows(&mut r, j, j + 1, j + 1, g);
            rotate_cols(&mut q, j, j + 1, g);
        }
        self.commit(q, r, "QrFactors::delete_col")
    }

    /// Inserts row `w` before row `k` (`k = m` appends): the factors of the `(m + 1)×n` matrix
    /// with `w` as its row `k`. SciPy: `qr_insert(Q, R, w, k, which='row')`.
    ///
    /// `[A; w] = diag(Q, 1)·[R; w]`; rotations of rows `(j, m)`, `j = 0, …, min(m, n) − 1`, zero
    /// the appended row, and moving row `m` of `Q` to position `k` puts `w` in place.
    /// O(m·min(m, n) + n²).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `k > m`, [`Error::DimensionMismatch`] unless `w` has `n`
    /// entries, [`Error::NonFinite`] for NaN or ±∞ in `w`, [`Error::TooLarge`].
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let mut f = QrFactors::new(&array![[1.0f64, 2.0], [5.0, 6.0]])?;
    /// f.insert_row(1, &array![3.0, 4.0])?;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// assert!(verify::orthogonality_ratio(&f.q()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn insert_row<S: Data<Elem = T>>(&mut self, k: usize, w: &ArrayBase<S, Ix1>) -> Result<()> {
        let (m, p, n) = (self.q.nrows(), self.r.nrows(), self.r.ncols());
        Self::check_index(k, m, "row")?;
        let w = checked_vector(w, n, "QrFactors::insert_row: length of w")?;
        check_dims(m + 1, p + 1)?;
        check_dims(p + 1, n)?;
        let mut r = Array2::zeros((p + 1, n).f());
        r.slice_mut(s![..p, ..]).assign(&self.r);
        r.row_mut(p).assign(&Array1::from(w));
        // Q' = P·diag(Q, 1), P moving row m to position k.
        let mut q = Array2::zeros((m + 1, p + 1).f());
        q.slice_mut(s![..k, ..p]).assign(&self.q.slice(s![..k, ..]));
        q.slice_mut(s![k + 1.., ..p])
            .assign(&self.q.slice(s![k.., ..]));
        q[(k, p)] = T::one();
        for j in 0..p.min(n) {
            let (g, rr) = Givens::zeroing(r[(j, j)], r[(p, j)]);
            r[(j, j)] = rr;
            r[(p, j)] = T::zero();
            rotate_rows(&mut r, j, p, j + 1, g);
            rotate_cols(&mut q, j, p, g);
        }
        self.commit(q, r, "QrFactors::insert_row")
    }

    /// Deletes row `k`: the factors of the `(m − 1)×n` matrix without it. SciPy:
    /// `qr_delete(Q, R, k, 1, 'row')`.
    ///
    /// With row `k` of `Q` moved to the top, rotations of `(i, i + 1)`, `i = m − 2, …, 0`, reduce
    /// that row of `Q` to a multiple of `e₁` (its modulus is then 1, and `Q`'s first column is a
    /// multiple of `e₁` too); they make `R` upper Hessenberg, and dropping the first row and
    /// column of `Q` and the first row of `R` leaves the factors. O(m² + m·n).
    ///
    /// # Errors
    /// [`Error::InvalidArgument`] for `k ≥ m`.
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let mut f = QrFactors::new(&array![[1.0f64, 2.0], [9.0, 9.0], [3.0, 4.0], [5.0, 6.0]])?;
    /// f.delete_row(1)?;
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// assert!(verify::qr_ratio(&a, &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// assert!(verify::orthogonality_ratio(&f.q()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn delete_row(&mut self, k: usize) -> Result<()> {
        let (m, p, n) = (self.q.nrows(), self.r.nrows(), self.r.ncols());
        if m == 0 {
            return Err(Error::InvalidArgument {
                reason: format!("row index {k}: the matrix has no rows"),
            });
        }
        Self::check_index(k, m - 1, "row")?;
        // Thin factors: row k of Q has norm < 1; the direction of e_k outside the range of Q
        // completes it to a unit row.
        let mut qa = self.q.clone();
        let mut r = self.r.clone();
        if p < m {
            let mut z = Array1::zeros(m);
            z[k] = T::one();
            orthogonalize(&qa, &mut z);
            let rho = norm2(&z);
            if rho > T::Real::from_f64(m as f64) * T::eps() {
                qa = append_column(&qa, &z.mapv(|x| scale_down(x, rho)));
                r = append_zero_row(&r);
            }
        }
        let pa = qa.ncols();
        let mut q = Array2::zeros((m, pa).f());
        q.row_mut(0).assign(&qa.row(k));
        q.slice_mut(s![1..k + 1, ..]).assign(&qa.slice(s![..k, ..]));
        q.slice_mut(s![k + 1.., ..])
            .assign(&qa.slice(s![k + 1.., ..]));
        for i in (0..pa.saturating_sub(1)).rev() {
            let (g, _) = Givens::zeroing(q[(0, i)].conj(), q[(0, i + 1)].conj());
            rotate_cols(&mut q, i, i + 1, g);
            q[(0, i + 1)] = T::zero();
            if i < n {
                rotate_rows(&mut r, i, i + 1, i, g);
            }
        }
        let q = q.slice(s![1.., 1..]).to_owned();
        let q = crate::layout::to_col_major(&q);
        let r = crate::layout::to_col_major(&r.slice(s![1.., ..]));
        self.commit(q, r, "QrFactors::delete_row")
    }

    /// Rank-1 update: the factors of `A + u·vᴴ` (`u` with `m` entries, `v` with `n`). SciPy:
    /// `qr_update(Q, R, u, v)` (which also conjugates `v` for complex input).
    ///
    /// With `w = Qᴴ·u`, rotations of `(i − 1, i)`, `i = m − 1, …, 1`, reduce `w` to a multiple of
    /// `e₁` and make `R` upper Hessenberg; adding `w₁·vᴴ` to the first row keeps it so, and
    /// rotations of `(i, i + 1)`, `i = 0, …`, restore the triangle. O(m² + m·n).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] unless `u` has `m` and `v` has `n` entries,
    /// [`Error::NonFinite`] for NaN or ±∞ in `u` or `v` (checked in that order).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let (u, v) = (array![1.0, -1.0, 2.0], array![0.5, 3.0]);
    /// let mut f = QrFactors::new(&a)?;
    /// f.update(&u, &v)?;
    /// let uv = u.view().insert_axis(ndarray::Axis(1)).dot(&v.view().insert_axis(ndarray::Axis(0)));
    /// assert!(verify::qr_ratio(&(&a + &uv), &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn update<S1, S2>(&mut self, u: &ArrayBase<S1, Ix1>, v: &ArrayBase<S2, Ix1>) -> Result<()>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (m, p, n) = (self.q.nrows(), self.r.nrows(), self.r.ncols());
        let u = checked_vector(u, m, "QrFactors::update: length of u")?;
        let v = checked_vector(v, n, "QrFactors::update: length of v")?;
        if m == 0 || p == 0 {
            return Ok(());
        }
        let (mut q, mut w) = self.extended_basis(Array1::from(u));
        let pa = q.ncols();
        let mut r = if pa > p {
            append_zero_row(&self.r)
        } else {
            self.r.clone()
        };
        for i in (1..pa).rev() {
            let (g, rr) = Givens::zeroing(w[i - 1], w[i]);
            w[i - 1] = rr;
            w[i] = T::zero();
            if i - 1 < n {
                rotate_rows(&mut r, i - 1, i, i - 1, g);
            }
            rotate_cols(&mut q, i - 1, i, g);
        }
        for (j, vj) in v.iter().enumerate() {
            r[(0, j)] += w[0] * vj.conj();
        }
        for i in 0..(pa - 1).min(n) {
            let (g, rr) = Givens::zeroing(r[(i, i)], r[(i + 1, i)]);
            r[(i, i)] = rr;
            r[(i + 1, i)] = T::zero();
            rotate_rows(&mut r, i, i + 1, i + 1, g);
            rotate_cols(&mut q, i, i + 1, g);
        }
        self.commit(q, r, "QrFactors::update")
    }

    /// Rank-k update: the factors of `A + U·Vᴴ` (`U` `m×k`, `V` `n×k`), as `k` rank-1
    /// [`update`](QrFactors::update)s, one per column pair. SciPy: `qr_update(Q, R, U, V)`.
    /// O(k·(m² + m·n)). Atomic: on error the factors are unchanged.
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] unless `U` has `m` rows, `V` has `n` rows and both have the
    /// same number of columns; [`Error::NonFinite`] for NaN or ±∞ (position in `U`, then `V`).
    ///
    /// ```
    /// use ndarray::array;
    /// use ndfactor::{verify, QrFactors};
    /// let a = array![[1.0f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
    /// let u = array![[1.0, 0.0], [-1.0, 2.0], [2.0, 1.0]];
    /// let v = array![[0.5, 1.0], [3.0, -1.0]];
    /// let mut f = QrFactors::new(&a)?;
    /// f.update_rank_k(&u, &v)?;
    /// assert!(verify::qr_ratio(&(&a + &u.dot(&v.t())), &f.q(), &f.r()) < verify::LIN_THRESHOLD);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn update_rank_k<S1, S2>(
        &mut self,
        u: &ArrayBase<S1, Ix2>,
        v: &ArrayBase<S2, Ix2>,
    ) -> Result<()>
    where
        S1: Data<Elem = T>,
        S2: Data<Elem = T>,
    {
        let (m, n) = (self.q.nrows(), self.r.ncols());
        check_matrix(u, m, "QrFactors::update_rank_k: rows of U")?;
        check_matrix(v, n, "QrFactors::update_rank_k: rows of V")?;
        if u.ncols() != v.ncols() {
            return Err(Error::DimensionMismatch {
                operation: "QrFactors::update_rank_k: columns of V",
                expected: u.ncols(),
                found: v.ncols(),
            });
        }
        let mut work = self.clone();
        for (uc, vc) in u.columns().into_iter().zip(v.columns()) {
            work.update(&uc, &vc)?;
        }
        *self = work;
        Ok(())
    }
}

/// `z ← z − Q·(Qᴴ·z)`, twice (classical Gram–Schmidt with one reorthogonalization); returns
/// the coefficients `Qᴴ·z` summed over both passes.
fn orthogonalize<T: Scalar>(q: &Array2<T>, z: &mut Array1<T>) -> Array1<T> {
    let qh = q.t().mapv(|x| x.conj());
    let mut coef = Array1::zeros(q.ncols());
    for _ in 0..2 {
        let c = qh.dot(&*z);
        *z -= &q.dot(&c);
        coef += &c;
    }
    coef
}

/// `‖z‖₂`, scaled against overflow.
fn norm2<T: Scalar>(z: &Array1<T>) -> T::Real {
    crate::lapack::numeric::norm_fro(&z.view().insert_axis(ndarray::Axis(1)))
}

/// `x / r` for real `r > 0`, by parts (no complex division).
fn scale_down<T: Scalar>(x: T, r: T::Real) -> T {
    T::from_parts(x.re() / r, x.im() / r)
}

fn append_column<T: Scalar>(q: &Array2<T>, z: &Array1<T>) -> Array2<T> {
    let (m, p) = q.dim();
    let mut out = Array2::zeros((m, p + 1).f());
    out.slice_mut(s![.., ..p]).assign(q);
    out.column_mut(p).assign(z);
    out
}

fn append_zero_row<T: Scalar>(r: &Array2<T>) -> Array2<T> {
    let (p, n) = r.dim();
    let mut out = Array2::zeros((p + 1, n).f());
    out.slice_mut(s![..p, ..]).assign(r);
    out
}

/// Brings thin factors to `p = min(m, n)` columns of `Q` and rows of `R`: drops trailing
/// columns of `Q` whose rows of `R` are zero (below `R`'s last column), or, after an update that
/// lowered the rank (a deleted row that was independent, an inserted column in the range),
/// appends unit vectors orthogonal to `Q` (from the coordinate vector whose row of `Q` is
/// shortest; `‖row‖² ≤ p/m < 1`, so the complement is well conditioned) with zero rows of `R`.
fn thin_shape<T: Scalar>(mut q: Array2<T>, mut r: Array2<T>) -> (Array2<T>, Array2<T>) {
    let (m, n) = (q.nrows(), r.ncols());
    let target = m.min(n);
    if q.ncols() > target {
        debug_assert!(r.slice(s![target.., ..]).iter().all(|x| *x == T::zero()));
        q = crate::layout::to_col_major(&q.slice(s![.., ..target]));
        r = crate::layout::to_col_major(&r.slice(s![..target, ..]));
    }
    while q.ncols() < target {
        let j = (0..m)
            .min_by(|&a, &b| {
                let na = q
                    .row(a)
                    .iter()
                    .fold(T::Real::from_f64(0.0), |s, x| s + x.abs_sqr());
                let nb = q
                    .row(b)
                    .iter()
                    .fold(T::Real::from_f64(0.0), |s, x| s + x.abs_sqr());
                na.partial_cmp(&nb).unwrap_or(std::cmp::Ordering::Equal)
            })
            .expect("m > 0 when target > 0");
        let mut z = Array1::zeros(m);
        z[j] = T::one();
        orthogonalize(&q, &mut z);
        let rho = norm2(&z);
        q = append_column(&q, &z.mapv(|x| scale_down(x, rho)));
        r = append_zero_row(&r);
    }
    (q, r)
}

/// Checks that a matrix has `rows` rows and finite entries.
fn check_matrix<T: Scalar, S: Data<Elem = T>>(
    x: &ArrayBase<S, Ix2>,
    rows: usize,
    operation: &'static str,
) -> Result<()> {
    if x.nrows() != rows {
        return Err(Error::DimensionMismatch {
            operation,
            expected: rows,
            found: x.nrows(),
        });
    }
    if let Some(((row, col), _)) = x.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFinite { row, col });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::c64;

    #[test]
    fn givens_zeroes_and_is_unitary() {
        let cases = [
            (c64::new(3.0, -1.0), c64::new(-2.0, 5.0)),
            (c64::new(0.0, 0.0), c64::new(1e-300, -1e-300)),
            (c64::new(1e300, 1e300), c64::new(-1e300, 2e300)),
            (c64::new(1e-310, 0.0), c64::new(0.0, 1e-310)),
        ];
        for (f, g) in cases {
            let (rot, r) = Givens::zeroing(f, g);
            let (x, y) = rot.apply(f, g);
            // Relative rounding, plus a few units of the smallest subnormal (MIN_POSITIVE·ε)
            // for the subnormal case, where products lose relative precision.
            let tol = 4.0 * f64::EPSILON * f.abs().hypot(g.abs())
                + 8.0 * f64::MIN_POSITIVE * f64::EPSILON;
            assert!((x - r).abs() <= tol, "{f} {g}");
            assert!(y.abs() <= tol, "{f} {g}");
            assert!((rot.c * rot.c + rot.s.abs_sqr() - 1.0).abs() <= 4.0 * f64::EPSILON);
            assert!(r.is_finite());
        }
    }
}
