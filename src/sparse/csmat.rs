//! [`LinearOperator`] for sprs compressed matrices (CSR and CSC), computed straight from the
//! compressed arrays (`indptr`, `indices`, `data`): `O(nnz·b)` flops for a block of `b`
//! columns, no conversion, and conjugation done in the loop for complex adjoints.

use std::ops::{Deref, Range};

use ndarray::{Array2, ArrayView2};
use sprs::{CsMatBase, SpIndex};

use super::LinearOperator;
use crate::error::{Error, Result};
use crate::scalar::Scalar;

/// `y[outer, :] += Σ op(a)·x[inner, :]` over the stored entries of each outer slice.
fn gather<T: Scalar, I: SpIndex>(
    outer: usize,
    range: impl Fn(usize) -> Range<usize>,
    indices: &[I],
    data: &[T],
    x: &Array2<T>,
    y: &mut Array2<T>,
    conj: bool,
) {
    let b = x.ncols();
    let xs = x.as_slice().expect("C-contiguous block");
    let ys = y.as_slice_mut().expect("C-contiguous block");
    for o in 0..outer {
        let yrow = &mut ys[o * b..(o + 1) * b];
        for p in range(o) {
            let i = indices[p].index();
            let a = if conj { data[p].conj() } else { data[p] };
            let xrow = &xs[i * b..(i + 1) * b];
            for (yc, &xc) in yrow.iter_mut().zip(xrow) {
                *yc += a * xc;
            }
        }
    }
}

/// `y[inner, :] += op(a)·x[outer, :]` over the stored entries of each outer slice.
fn scatter<T: Scalar, I: SpIndex>(
    outer: usize,
    range: impl Fn(usize) -> Range<usize>,
    indices: &[I],
    data: &[T],
    x: &Array2<T>,
    y: &mut Array2<T>,
    conj: bool,
) {
    let b = x.ncols();
    let xs = x.as_slice().expect("C-contiguous block");
    let ys = y.as_slice_mut().expect("C-contiguous block");
    for o in 0..outer {
        let xrow = &xs[o * b..(o + 1) * b];
        for p in range(o) {
            let i = indices[p].index();
            let a = if conj { data[p].conj() } else { data[p] };
            let yrow = &mut ys[i * b..(i + 1) * b];
            for (yc, &xc) in yrow.iter_mut().zip(xrow) {
                *yc += a * xc;
            }
        }
    }
}

/// sprs matrices (`CsMat`, `CsMatView`, ... in CSR or CSC storage) of any index types.
///
/// ```
/// use ndfactor::sparse::LinearOperator;
/// let mut t = sprs::TriMat::new((2, 3));
/// t.add_triplet(0, 2, 4.0f64);
/// t.add_triplet(1, 0, -1.0);
/// let (csr, csc): (sprs::CsMat<f64>, sprs::CsMat<f64>) = (t.to_csr(), t.to_csc());
/// let x = ndarray::array![[1.0], [2.0], [3.0]];
/// assert_eq!(csr.apply(x.view()), ndarray::array![[12.0], [-1.0]]); // exact: small integers
/// assert_eq!(csc.apply(x.view()), csr.apply(x.view()));
/// ```
impl<T, I, Iptr, IpS, IS, DS> LinearOperator<T> for CsMatBase<T, I, IpS, IS, DS, Iptr>
where
    T: Scalar,
    I: SpIndex,
    Iptr: SpIndex,
    IpS: Deref<Target = [Iptr]>,
    IS: Deref<Target = [I]>,
    DS: Deref<Target = [T]>,
{
    fn shape(&self) -> (usize, usize) {
        (self.rows(), self.cols())
    }

    fn apply(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        let x = x.as_standard_layout().into_owned();
        let mut y = Array2::zeros((self.rows(), x.ncols()));
        let ip = self.indptr();
        let range = |o| ip.outer_inds_sz(o);
        if self.is_csr() {
            gather(
                self.rows(),
                range,
                self.indices(),
                self.data(),
                &x,
                &mut y,
                false,
            );
        } else {
            scatter(
                self.cols(),
                range,
                self.indices(),
                self.data(),
                &x,
                &mut y,
                false,
            );
        }
        y
    }

    fn apply_adjoint(&self, x: ArrayView2<'_, T>) -> Array2<T> {
        let x = x.as_standard_layout().into_owned();
        let mut y = Array2::zeros((self.cols(), x.ncols()));
        let ip = self.indptr();
        let range = |o| ip.outer_inds_sz(o);
        let conj = T::IS_COMPLEX;
        if self.is_csr() {
            scatter(
                self.rows(),
                range,
                self.indices(),
                self.data(),
                &x,
                &mut y,
                conj,
            );
        } else {
            gather(
                self.cols(),
                range,
                self.indices(),
                self.data(),
                &x,
                &mut y,
                conj,
            );
        }
        y
    }

    fn check(&self) -> Result<()> {
        let ip = self.indptr();
        let data = self.data();
        let indices = self.indices();
        for o in 0..self.outer_dims() {
            for p in ip.outer_inds_sz(o) {
                if !data[p].is_finite() {
                    let i = indices[p].index();
                    let (row, col) = if self.is_csr() { (o, i) } else { (i, o) };
                    return Err(Error::NonFinite { row, col });
                }
            }
        }
        Ok(())
    }

    fn stored_values(&self) -> Option<usize> {
        Some(self.nnz())
    }
}
