//! The hand-written baseline: what a careful user would write with raw LAPACK. Each function
//! copies the input once into an F-order buffer (whatever the input layout), runs the routine
//! with a workspace query, and returns the raw outputs.

use ndarray::{ArrayView2, ShapeBuilder};

use crate::lapack::Real;

/// The F-order copy of `a`, as a column-major `Vec` (one pass; a plain memcpy when `a` is
/// already F-contiguous).
pub fn col_major<T: Real>(a: ArrayView2<'_, T>) -> Vec<T> {
    let (m, n) = a.dim();
    if let Some(s) = a.t().to_slice() {
        return s.to_vec();
    }
    if let Some(s) = a.to_slice() {
        // Row-major: a transpose by 32×32 tiles (as careful hand-written code would do).
        const TILE: usize = 32;
        let mut out = vec![T::default(); m * n];
        for i0 in (0..m).step_by(TILE) {
            for j0 in (0..n).step_by(TILE) {
                for i in i0..(i0 + TILE).min(m) {
                    let row = &s[i * n..(i + 1) * n];
                    for j in j0..(j0 + TILE).min(n) {
                        out[i + j * m] = row[j];
                    }
                }
            }
        }
        return out;
    }
    let mut f = ndarray::Array2::<T>::default((m, n).f());
    f.assign(&a);
    f.into_raw_vec_and_offset().0
}

fn ok(routine: &str, info: i32) {
    assert!(info >= 0, "{routine}: illegal argument {}", -info);
}

/// `?getrf`: (factors, pivots, INFO).
pub fn lu<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<i32>, i32) {
    let (m, n) = a.dim();
    let mut f = col_major(a);
    let mut ipiv = vec![0; m.min(n)];
    let info = T::getrf(m, n, &mut f, &mut ipiv);
    ok("getrf", info);
    (f, ipiv, info)
}

/// `?potrf('L')`: (factor, INFO).
pub fn cholesky<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, i32) {
    let mut f = col_major(a);
    let info = T::potrf(a.nrows(), &mut f);
    ok("potrf", info);
    (f, info)
}

/// `?sytrf('L')`: (factors, pivots, INFO).
pub fn ldlt<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<i32>, i32) {
    let n = a.nrows();
    let mut f = col_major(a);
    let mut ipiv = vec![0; n];
    let info = T::sytrf(n, &mut f, &mut ipiv);
    ok("sytrf", info);
    (f, ipiv, info)
}

/// `?geqrf`: (Householder factors and R, τ).
pub fn qr<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<T>) {
    let (m, n) = a.dim();
    let mut f = col_major(a);
    let mut tau = vec![T::default(); m.min(n)];
    ok("geqrf", T::geqrf(m, n, &mut f, &mut tau));
    (f, tau)
}

/// Thin `?gesdd('S')`: (U, σ, Vᵀ), column-major.
pub fn svd<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<T>, Vec<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    let mut f = col_major(a);
    let mut s = vec![T::default(); k];
    let mut u = vec![T::default(); m * k];
    let mut vt = vec![T::default(); k * n];
    let info = T::gesdd(m, n, &mut f, &mut s, &mut u, &mut vt);
    assert_eq!(info, 0, "gesdd did not converge");
    (u, s, vt)
}

/// `?syevd('V', 'L')`: (eigenvalues ascending, eigenvectors).
pub fn eigh<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<T>) {
    let n = a.nrows();
    let mut f = col_major(a);
    let mut w = vec![T::default(); n];
    let info = T::syevd(n, &mut f, &mut w);
    assert_eq!(info, 0, "syevd did not converge");
    (w, f)
}

/// `?geev('N', 'V')`: (real parts, imaginary parts, right eigenvectors in LAPACK's packing).
pub fn eig<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<T>, Vec<T>) {
    let n = a.nrows();
    let mut f = col_major(a);
    let (mut wr, mut wi, mut vr) = (
        vec![T::default(); n],
        vec![T::default(); n],
        vec![T::default(); n * n],
    );
    let info = T::geev(n, &mut f, &mut wr, &mut wi, &mut vr);
    assert_eq!(info, 0, "geev did not converge");
    (wr, wi, vr)
}

/// `?gees('V', 'N')`: (quasi-triangular T, Schur vectors Z).
pub fn schur<T: Real>(a: ArrayView2<'_, T>) -> (Vec<T>, Vec<T>) {
    let n = a.nrows();
    let mut f = col_major(a);
    let (mut wr, mut wi, mut vs) = (
        vec![T::default(); n],
        vec![T::default(); n],
        vec![T::default(); n * n],
    );
    let info = T::gees(n, &mut f, &mut wr, &mut wi, &mut vs);
    assert_eq!(info, 0, "gees did not converge");
    (f, vs)
}
