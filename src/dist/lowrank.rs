//! Low rank for tall matrices whose rows are split over the processes: TSQR with a reduction
//! tree, randomized SVD with local products and all-reduces, PCA with distributed means.
//!
//! Each process passes its own contiguous row block (any number of rows, zero included; the
//! same columns everywhere); rank order is row order. Local work goes through ndfactor's
//! in-core routines ([`Qr`], [`Svd`]).

use mpi::point_to_point::{Destination, Source};
use mpi::traits::*;
use ndarray::{concatenate, s, Array1, Array2, ArrayView2, Axis};

use super::{agree, agree_finite, first_non_finite_rows, sum_f64, sum_in_place, DistScalar};
use crate::decomp::qr::Qr;
use crate::decomp::svd::Svd;
use crate::error::{Error, Result};
use crate::lowrank::{EckartYoung, ErrorSource};
use crate::scalar::{RealScalar, Scalar};

/// Global layout of a row-partitioned matrix: `(row offset of this rank, total rows, n)`, after
/// checking that every rank has the same columns and that no entry is NaN/∞ (every rank
/// returns the same error).
fn layout<C: Communicator, T: Scalar>(
    comm: &C,
    a: &ArrayView2<'_, T>,
) -> Result<(usize, usize, usize)> {
    let size = comm.size() as usize;
    let mine = [a.nrows() as u64, a.ncols() as u64];
    let mut all = vec![0u64; 2 * size];
    comm.all_gather_into(&mine[..], &mut all[..]);
    let n = all[1] as usize;
    if let Some(r) = (0..size).find(|&r| all[2 * r + 1] as usize != n) {
        return Err(Error::ShardMismatch {
            shard: r,
            expected: n,
            found: all[2 * r + 1] as usize,
        });
    }
    let me = comm.rank() as usize;
    let r0: usize = (0..me).map(|r| all[2 * r] as usize).sum();
    let m: usize = (0..size).map(|r| all[2 * r] as usize).sum();
    agree_finite(comm, first_non_finite_rows(a, r0), n)?;
    Ok((r0, m, n))
}

fn send_mat<C: Communicator, T: DistScalar>(comm: &C, dest: i32, a: &Array2<T>) {
    let dims = [a.nrows() as u64, a.ncols() as u64];
    let p = comm.process_at_rank(dest);
    p.send(&dims[..]);
    let data: Vec<T> = a.iter().copied().collect();
    p.send(&data[..]);
}

fn recv_mat<C: Communicator, T: DistScalar>(comm: &C, src: i32) -> Array2<T> {
    let p = comm.process_at_rank(src);
    let (dims, _) = p.receive_vec::<u64>();
    let (data, _) = p.receive_vec::<T>();
    Array2::from_shape_vec((dims[0] as usize, dims[1] as usize), data)
        .expect("the sender's shape matches its data")
}

fn bcast_mat<C: Communicator, T: DistScalar>(comm: &C, root: i32, a: &mut Array2<T>) {
    let r = comm.process_at_rank(root);
    let mut dims = [a.nrows() as u64, a.ncols() as u64];
    r.broadcast_into(&mut dims[..]);
    let mut data: Vec<T> = if comm.rank() == root {
        a.iter().copied().collect()
    } else {
        vec![T::zero(); (dims[0] * dims[1]) as usize]
    };
    r.broadcast_into(&mut data[..]);
    if comm.rank() != root {
        *a = Array2::from_shape_vec((dims[0] as usize, dims[1] as usize), data)
            .expect("broadcast shape matches its data");
    }
}

/// In-core QR that never fails the protocol: on an error, zeros of the right shape and the
/// error kept for the agreement at the end.
fn local_qr<T: Scalar>(a: &Array2<T>, err: &mut Option<Error>) -> (Array2<T>, Array2<T>) {
    let (m, n) = a.dim();
    let k = m.min(n);
    if m == 0 || n == 0 {
        return (Array2::zeros((m, k)), Array2::zeros((k, n)));
    }
    match Qr::new(a) {
        Ok(qr) => (qr.q(), qr.r()),
        Err(e) => {
            err.get_or_insert(e);
            (Array2::zeros((m, k)), Array2::zeros((k, n)))
        }
    }
}

/// The result of [`tsqr`]: `A = Q·R` for a row-partitioned `A`, with `R` (`k×n`, `k = min(m,
/// n)`, upper trapezoidal, real non-negative diagonal) replicated on every process and `Q`
/// (orthonormal columns) split by rows like `A`.
///
/// ```
/// use ndfactor::dist::{mpi, tsqr};
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let mine = ndfactor::testing::gaussian::<f64>(50, 3, &mut ndfactor::testing::rng(7 + mpi::traits::Communicator::rank(&world) as u64));
/// let t = tsqr(&world, &mine.view())?;
/// let d = &t.q_local().dot(t.r()) - &mine; // the local rows of Q·R − A
/// assert!(d.iter().all(|e| e.abs() < 1e-12));
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tsqr<T: Scalar> {
    r: Array2<T>,
    q: Array2<T>,
}

impl<T: Scalar> Tsqr<T> {
    /// `R` (`k×n`), the same on every process.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, tsqr};
    /// # let universe = mpi::initialize().unwrap();
    /// let world = universe.world();
    /// let mine = ndarray::array![[3.0f64], [4.0]]; // every rank: the column (3, 4)
    /// let t = tsqr(&world, &mine.view())?;
    /// let ranks = mpi::traits::Communicator::size(&world) as f64;
    /// assert!((t.r()[[0, 0]] - 5.0 * ranks.sqrt()).abs() < 1e-13 * ranks);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn r(&self) -> &Array2<T> {
        &self.r
    }

    /// This process's rows of `Q` (`mᵢ×k`).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, tsqr};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64, 0.0], [0.0, 1.0], [1.0, 1.0]];
    /// let t = tsqr(&universe.world(), &mine.view())?;
    /// assert_eq!(t.q_local().dim(), (3, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn q_local(&self) -> &Array2<T> {
        &self.q
    }
}

/// Tall-skinny QR of a row-partitioned matrix (TSQR, Demmel–Grigori–Hoemmen–Langou): each
/// process factors its rows in core ([`Qr`], ?geqrf), then the `R` factors are combined up a
/// binary tree over the ranks (`R ← qr([R_a; R_b]).r`, `⌈log₂ P⌉` levels) and `Q` is
/// rebuilt down the same tree. Collective over `comm`.
///
/// Backward stable like one Householder QR of the whole matrix, and `Q` is orthonormal to
/// rounding whatever the conditioning of `A` (unlike Cholesky-QR from `AᴴA`). `R` has a real
/// non-negative diagonal, which makes it unique for full column rank.
///
/// # Communication
/// Each process except rank 0 sends one `kᵢ×n` block up (`kᵢ ≤ n`) and receives one block of
/// at most `n×n` down; rank 0 then broadcasts `R`: at most `2n² + n²` values per process,
/// independent of the number of rows, in `2⌈log₂ P⌉ + 1` message rounds.
///
/// # Errors
/// [`Error::ShardMismatch`] when ranks have different column counts; [`Error::NonFinite`] at
/// the global position. Every process returns the same error.
///
/// ```
/// use ndfactor::dist::{mpi, tsqr};
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let mine = ndfactor::testing::gaussian::<f64>(40, 4, &mut ndfactor::testing::rng(1));
/// let t = tsqr(&world, &mine.view())?;
/// let qtq = t.q_local().t().dot(t.q_local()); // this rank's share of QᵀQ
/// assert!(qtq.diag().iter().all(|&d| d > 0.0 && d <= 1.0 + 1e-12));
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn tsqr<C: Communicator, T: DistScalar>(comm: &C, a: &ArrayView2<'_, T>) -> Result<Tsqr<T>> {
    let (_, _, n) = layout(comm, a)?;
    let (r, q) = tsqr_unchecked(comm, a.to_owned(), n, true)?;
    Ok(Tsqr { r, q })
}

/// TSQR on checked input: `(R, Q_local)` (`Q_local` empty unless `want_q`).
fn tsqr_unchecked<C: Communicator, T: DistScalar>(
    comm: &C,
    a: Array2<T>,
    n: usize,
    want_q: bool,
) -> Result<(Array2<T>, Array2<T>)> {
    let size = comm.size();
    let me = comm.rank();
    let mut err = None;
    let (q0, mut r) = local_qr(&a, &mut err);
    drop(a);
    // Up-sweep: combine with the partner `me + step` at each level where `me` is a multiple
    // of 2·step; send up and stop otherwise.
    let mut combines: Vec<(i32, usize, Array2<T>)> = Vec::new();
    let mut parent = None;
    let mut step = 1;
    while step < size {
        if me % (2 * step) == 0 {
            let partner = me + step;
            if partner < size {
                let rp: Array2<T> = recv_mat(comm, partner);
                let stacked = concatenate(Axis(0), &[r.view(), rp.view()]).expect("same columns");
                let k1 = r.nrows();
                let (qs, rs) = local_qr(&stacked, &mut err);
                combines.push((partner, k1, qs));
                r = rs;
            }
        } else {
            parent = Some(me - step);
            send_mat(comm, me - step, &r);
            break;
        }
        step *= 2;
    }
    // Rank 0: unit phases so that R has a real non-negative diagonal (R' = D·R, Q' = Q·Dᴴ).
    let k = r.nrows();
    let mut m_down = Array2::<T>::eye(k);
    if me == 0 {
        let zero = T::Real::from_f64(0.0);
        for i in 0..k.min(n) {
            let d = r[[i, i]];
            let ad = d.abs();
            if ad > zero && d != T::from_real(ad) {
                let phase = d.conj().scale(T::Real::from_f64(1.0) / ad);
                r.row_mut(i).mapv_inplace(|x| x * phase);
                r[[i, i]] = T::from_real(ad);
                m_down[[i, i]] = phase.conj();
            }
        }
    }
    bcast_mat(comm, 0, &mut r);
    let q = if want_q {
        if let Some(p) = parent {
            m_down = recv_mat(comm, p);
        }
        for (partner, k1, qs) in combines.iter().rev() {
            let c = if qs.ncols() == m_down.nrows() {
                qs.dot(&m_down)
            } else {
                Array2::zeros((qs.nrows(), m_down.ncols()))
            };
            send_mat(comm, *partner, &c.slice(s![*k1.., ..]).to_owned());
            m_down = c.slice(s![..*k1, ..]).to_owned();
        }
        if q0.ncols() == m_down.nrows() {
            q0.dot(&m_down)
        } else {
            Array2::zeros((q0.nrows(), m_down.ncols()))
        }
    } else {
        Array2::zeros((0, 0))
    };
    agree(comm, err.map_or(Ok(()), Err))?;
    Ok((r, q))
}

// ---------------------------------------------------------------------------------------------

/// A rank-`k` truncated SVD `A ≈ U·Σ·Vᴴ` of a row-partitioned matrix: `U` split by rows like
/// `A`, σ and `Vᴴ` replicated, and the global Eckart–Young error report.
///
/// ```
/// use ndfactor::dist::{mpi, DistRandomizedSvd};
/// let universe = mpi::initialize().unwrap();
/// let mine = ndarray::array![[1.0f64, 2.0], [2.0, 4.0]]; // rank 1 on every process
/// let t = DistRandomizedSvd::new(1).compute(&universe.world(), &mine.view())?;
/// assert!(t.report().relative_frobenius_error < 1e-12);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DistTruncatedSvd<T: Scalar> {
    u: Array2<T>,
    s: Array1<T::Real>,
    vt: Array2<T>,
    report: EckartYoung<T::Real>,
}

impl<T: Scalar> DistTruncatedSvd<T> {
    /// This process's rows of `U` (`mᵢ×k`).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistRandomizedSvd};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::Array2::<f64>::eye(3);
    /// let t = DistRandomizedSvd::new(2).compute(&universe.world(), &mine.view())?;
    /// assert_eq!(t.u_local().dim(), (3, 2));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn u_local(&self) -> &Array2<T> {
        &self.u
    }

    /// σ₁ ≥ … ≥ σ_k (replicated).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistRandomizedSvd};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[3.0f64, 0.0], [0.0, 1.0]];
    /// let t = DistRandomizedSvd::new(1).compute(&universe.world(), &mine.view())?;
    /// let ranks = mpi::traits::Communicator::size(&universe.world()) as f64;
    /// assert!((t.s()[0] - 3.0 * ranks.sqrt()).abs() < 1e-12 * ranks);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn s(&self) -> &Array1<T::Real> {
        &self.s
    }

    /// `Vᴴ` (`k×n`, replicated).
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistRandomizedSvd};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::Array2::<f64>::eye(4);
    /// let t = DistRandomizedSvd::new(2).compute(&universe.world(), &mine.view())?;
    /// assert_eq!(t.vt().dim(), (2, 4));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn vt(&self) -> &Array2<T> {
        &self.vt
    }

    /// The global error report: `frobenius_error` is the **measured** `‖A − U·Σ·Vᴴ‖_F` over all
    /// rows (one extra pass, all-reduced), `spectral_error` the estimate `σ_{k+1}` of the sketch
    /// (0 when the sketch has no more columns), `energy_retained = Σσᵢ²/‖A‖_F²`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistRandomizedSvd};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[2.0f64, 0.0], [0.0, 1.0]];
    /// let t = DistRandomizedSvd::new(1).compute(&universe.world(), &mine.view())?;
    /// // ‖A − A₁‖_F² = (number of ranks)·1 and ‖A‖_F² = (number of ranks)·5.
    /// assert!((t.report().relative_frobenius_error - (1.0f64 / 5.0).sqrt()).abs() < 1e-12);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn report(&self) -> EckartYoung<T::Real> {
        self.report
    }
}

/// Randomized SVD (Halko–Martinsson–Tropp) of a tall row-partitioned matrix, the pattern of
/// Spark's `computeSVD` and Dask's `svd_compressed`: with a Gaussian `Ω` (`n×l`, `l = k + p`,
/// the same seed on every process), `Y = A·Ω` is a local product, its orthonormal basis `Q`
/// comes from [`tsqr`], each power iteration forms `Z = AᴴQ` as local products plus one
/// all-reduce, and `B = QᴴA` is again local products plus one all-reduce; the small SVD of `B`
/// runs in core on rank 0 and is broadcast.
///
/// # Communication
/// Per pass over `A`: one all-reduce of `l·n` values and one TSQR (≤ 3·l² values per
/// process), independent of the number of rows. The measured error report adds one
/// all-reduce of a scalar.
///
/// # Errors
/// [`Error::InvalidRank`] when `k > min(m, n)`; [`Error::ShardMismatch`];
/// [`Error::NonFinite`] at the global position. Every process returns the same error.
///
/// ```
/// use ndfactor::dist::{mpi, DistRandomizedSvd};
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let rank = mpi::traits::Communicator::rank(&world) as u64;
/// // A rank-3 matrix: every rank holds 100 rows of X·Y with the same Y.
/// let y = ndfactor::testing::gaussian::<f64>(3, 20, &mut ndfactor::testing::rng(0));
/// let x = ndfactor::testing::gaussian::<f64>(100, 3, &mut ndfactor::testing::rng(10 + rank));
/// let mine = x.dot(&y);
/// let t = DistRandomizedSvd::new(3).seed(5).compute(&world, &mine.view())?;
/// assert!(t.report().relative_frobenius_error < 1e-12);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistRandomizedSvd {
    k: usize,
    oversamples: usize,
    power_iterations: usize,
    seed: u64,
}

impl DistRandomizedSvd {
    /// Rank `k`, 10 oversamples, 2 power iterations, seed 0.
    ///
    /// ```
    /// let r = ndfactor::dist::DistRandomizedSvd::new(5);
    /// assert_eq!(r, ndfactor::dist::DistRandomizedSvd::new(5).oversamples(10).power_iterations(2).seed(0));
    /// ```
    pub fn new(k: usize) -> Self {
        DistRandomizedSvd {
            k,
            oversamples: 10,
            power_iterations: 2,
            seed: 0,
        }
    }

    /// Extra sketch columns `p` (sketch width `l = k + p`, capped at `min(m, n)`).
    ///
    /// ```
    /// let r = ndfactor::dist::DistRandomizedSvd::new(5).oversamples(0);
    /// assert_ne!(r, ndfactor::dist::DistRandomizedSvd::new(5));
    /// ```
    pub fn oversamples(mut self, p: usize) -> Self {
        self.oversamples = p;
        self
    }

    /// Power iterations `q` (each one more pass over `A`; sharpens a slowly decaying spectrum).
    ///
    /// ```
    /// let r = ndfactor::dist::DistRandomizedSvd::new(5).power_iterations(0);
    /// assert_ne!(r, ndfactor::dist::DistRandomizedSvd::new(5));
    /// ```
    pub fn power_iterations(mut self, q: usize) -> Self {
        self.power_iterations = q;
        self
    }

    /// Seed of `Ω` (the same on every process, so every process draws the same `Ω`).
    ///
    /// ```
    /// let r = ndfactor::dist::DistRandomizedSvd::new(5).seed(9);
    /// assert_ne!(r, ndfactor::dist::DistRandomizedSvd::new(5));
    /// ```
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Computes the rank-`k` approximation of the matrix whose rows are the processes'
    /// `local` blocks in rank order. Collective over `comm`.
    ///
    /// # Errors
    /// See [`DistRandomizedSvd`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistRandomizedSvd};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::Array2::<f64>::eye(2);
    /// let err = DistRandomizedSvd::new(3).compute(&universe.world(), &mine.view()).unwrap_err();
    /// assert!(matches!(err, ndfactor::Error::InvalidRank { k: 3, max: 2 }));
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn compute<C: Communicator, T: DistScalar>(
        &self,
        comm: &C,
        local: &ArrayView2<'_, T>,
    ) -> Result<DistTruncatedSvd<T>> {
        let (_, m, n) = layout(comm, local)?;
        self.compute_checked(comm, local, m, n)
    }

    fn compute_checked<C: Communicator, T: DistScalar>(
        &self,
        comm: &C,
        a: &ArrayView2<'_, T>,
        m: usize,
        n: usize,
    ) -> Result<DistTruncatedSvd<T>> {
        let kmax = m.min(n);
        if self.k > kmax {
            return Err(Error::InvalidRank {
                k: self.k,
                max: kmax,
            });
        }
        let k = self.k;
        let l = (k + self.oversamples).min(kmax);
        let a_norm2 = sum_f64(comm, crate::verify::norm_fro(a).to_f64().powi(2));
        let omega = crate::random::gaussian::<T>(n, l, &mut crate::random::rng(self.seed));
        let (_, mut q) = tsqr_unchecked(comm, a.dot(&omega), l, true)?;
        for _ in 0..self.power_iterations {
            // Z = AᴴQ (local products summed), orthonormalised in core (the same on every
            // process: computed on rank 0 and broadcast).
            let mut z = adjoint_dot(a, &q.view());
            sum_in_place(comm, z.as_slice_mut().expect("standard layout"));
            let mut zq = Array2::<T>::zeros((0, 0));
            let mut err = None;
            if comm.rank() == 0 {
                zq = local_qr(&z, &mut err).0;
            }
            agree(comm, err.map_or(Ok(()), Err))?;
            bcast_mat(comm, 0, &mut zq);
            q = tsqr_unchecked(comm, a.dot(&zq), l, true)?.1;
        }
        // B = QᴴA (l×n), summed over the processes.
        let mut b = adjoint_dot(&q.view(), a);
        sum_in_place(comm, b.as_slice_mut().expect("standard layout"));
        let (mut ub, mut sb, mut vtb) = (
            Array2::<T>::zeros((0, 0)),
            Array2::<T>::zeros((0, 0)),
            Array2::<T>::zeros((0, 0)),
        );
        let mut err = None;
        if comm.rank() == 0 {
            match Svd::new(&b) {
                Ok(svd) => {
                    ub = svd.u().slice(s![.., ..k]).to_owned();
                    sb = Array2::from_shape_fn((1, svd.s().len()), |(_, i)| {
                        T::from_real(svd.s()[i])
                    });
                    vtb = svd.vt().slice(s![..k, ..]).to_owned();
                }
                Err(e) => err = Some(e),
            }
        }
        agree(comm, err.map_or(Ok(()), Err))?;
        bcast_mat(comm, 0, &mut ub);
        bcast_mat(comm, 0, &mut sb);
        bcast_mat(comm, 0, &mut vtb);
        let sall: Vec<T::Real> = sb.iter().map(|x| x.re()).collect();
        let s = Array1::from(sall[..k].to_vec());
        let u = q.dot(&ub);
        // Measured error: ‖A − U·Σ·Vᴴ‖_F², one more local pass and a sum.
        let mut us = u.clone();
        for (mut col, &sv) in us.columns_mut().into_iter().zip(s.iter()) {
            col.mapv_inplace(|x| x.scale(sv));
        }
        let e2 = sum_f64(comm, residual_sum_squares(a, &us.view(), &vtb.view()));
        let kept: f64 = s.iter().map(|x| x.to_f64().powi(2)).sum();
        let r = |x: f64| T::Real::from_f64(x);
        let report = EckartYoung {
            rank: k,
            spectral_error: sall.get(k).copied().unwrap_or(r(0.0)),
            frobenius_error: r(e2.sqrt()),
            relative_frobenius_error: if a_norm2 > 0.0 {
                r((e2 / a_norm2).sqrt())
            } else {
                r(0.0)
            },
            energy_retained: if a_norm2 > 0.0 {
                r((kept / a_norm2).min(1.0))
            } else {
                r(1.0)
            },
            stored_values: (m + n + 1) * k,
            dense_values: m * n,
            estimated: true,
            error_source: ErrorSource::Residual,
        };
        Ok(DistTruncatedSvd {
            u,
            s,
            vt: vtb,
            report,
        })
    }
}

fn adjoint<T: Scalar>(a: &ArrayView2<'_, T>) -> Array2<T> {
    a.t().mapv(|x| x.conj())
}

/// `Xᴴ·Y` without forming `Xᴴ`: one GEMM on the transposed view (`Xᵀ·Y` for real scalars,
/// `conj(Xᵀ·conj(Y))` for complex ones, which conjugates a copy of `Y` and the small result,
/// never the tall `X`).
fn adjoint_dot<T: Scalar>(x: &ArrayView2<'_, T>, y: &ArrayView2<'_, T>) -> Array2<T> {
    if T::IS_COMPLEX {
        let mut p = x.t().dot(&y.mapv(|v| v.conj()));
        p.mapv_inplace(|v| v.conj());
        p
    } else {
        x.t().dot(y)
    }
}

/// `‖A − U·Vᴴ‖_F²` (here `U` already scaled by `Σ` and `vt = Vᴴ`) over row blocks of `A`, so
/// the residual never takes more than one block of memory.
fn residual_sum_squares<T: Scalar>(
    a: &ArrayView2<'_, T>,
    u: &ArrayView2<'_, T>,
    vt: &ArrayView2<'_, T>,
) -> f64 {
    const BLOCK_ROWS: usize = 4096;
    let mut total = 0.0;
    let mut r0 = 0;
    while r0 < a.nrows() {
        let r1 = (r0 + BLOCK_ROWS).min(a.nrows());
        let mut resid = u.slice(s![r0..r1, ..]).dot(vt);
        resid.zip_mut_with(&a.slice(s![r0..r1, ..]), |r, &x| *r = x - *r);
        total += crate::verify::norm_fro(&resid).to_f64().powi(2);
        r0 = r1;
    }
    total
}

// ---------------------------------------------------------------------------------------------

/// Principal component analysis of samples (rows) split over the processes: the column means
/// are all-reduced (`μ = Σᵣ Σᵢ xᵢ / m`), each process centres its rows, and the principal axes
/// are the right singular vectors of the centred data, from [`DistRandomizedSvd`].
///
/// Explained variances are `σᵢ²/(m − 1)`; the ratios divide by the total variance
/// `‖X − 1μᵀ‖_F²/(m − 1)` (all-reduced), as scikit-learn does.
///
/// # Errors
/// [`Error::InvalidArgument`] for fewer than two samples in all; those of
/// [`DistRandomizedSvd`].
///
/// ```
/// use ndfactor::dist::{mpi, DistPca};
/// let universe = mpi::initialize().unwrap();
/// let world = universe.world();
/// let rank = mpi::traits::Communicator::rank(&world) as f64;
/// // Points on the line (t, 2t) + (1, 1), t = rank·10 + i.
/// let mine = ndarray::Array2::from_shape_fn((10, 2), |(i, j)| {
///     let t = rank * 10.0 + i as f64;
///     1.0 + t * (j as f64 + 1.0)
/// });
/// let pca = DistPca::new(1).fit(&world, &mine.view())?;
/// let axis = pca.components().row(0).to_owned();
/// assert!((axis[1] / axis[0] - 2.0).abs() < 1e-10);
/// assert!((pca.explained_variance_ratio()[0] - 1.0).abs() < 1e-10);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DistPca {
    svd: DistRandomizedSvd,
}

impl DistPca {
    /// `k` components, with the defaults of [`DistRandomizedSvd::new`].
    ///
    /// ```
    /// let p = ndfactor::dist::DistPca::new(2);
    /// assert_eq!(p, ndfactor::dist::DistPca::new(2).with_svd(ndfactor::dist::DistRandomizedSvd::new(2)));
    /// ```
    pub fn new(k: usize) -> Self {
        DistPca {
            svd: DistRandomizedSvd::new(k),
        }
    }

    /// Uses the given randomized SVD settings (its rank is the number of components).
    ///
    /// ```
    /// use ndfactor::dist::{DistPca, DistRandomizedSvd};
    /// let p = DistPca::new(2).with_svd(DistRandomizedSvd::new(3).power_iterations(4));
    /// assert_ne!(p, DistPca::new(2));
    /// ```
    pub fn with_svd(mut self, svd: DistRandomizedSvd) -> Self {
        self.svd = svd;
        self
    }

    /// Fits the components to the samples whose rows the processes hold. Collective.
    ///
    /// # Errors
    /// See [`DistPca`].
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::Array2::<f64>::zeros((0, 3)); // no samples anywhere
    /// assert!(DistPca::new(1).fit(&universe.world(), &mine.view()).is_err());
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn fit<C: Communicator, T: DistScalar>(
        &self,
        comm: &C,
        local: &ArrayView2<'_, T>,
    ) -> Result<DistFittedPca<T>> {
        let (_, m, n) = layout(comm, local)?;
        if m < 2 {
            return Err(Error::InvalidArgument {
                reason: format!("PCA needs at least 2 samples in all, not {m}"),
            });
        }
        let mut mean: Vec<T> = local.sum_axis(Axis(0)).to_vec();
        sum_in_place(comm, &mut mean);
        let inv = T::Real::from_f64(1.0 / m as f64);
        let mean = Array1::from(mean).mapv(|x| x.scale(inv));
        let centred = local - &mean;
        let total = sum_f64(comm, crate::verify::norm_fro(&centred).to_f64().powi(2));
        let t = self.svd.compute_checked(comm, &centred.view(), m, n)?;
        let dof = (m - 1) as f64;
        let var: Array1<T::Real> = t.s.mapv(|s| T::Real::from_f64(s.to_f64().powi(2) / dof));
        Ok(DistFittedPca {
            mean,
            components: t.vt,
            singular_values: t.s,
            explained_variance: var,
            total_variance: T::Real::from_f64(total / dof),
            n_samples: m,
        })
    }
}

/// Principal components fitted by [`DistPca::fit`], replicated on every process.
///
/// ```
/// use ndfactor::dist::{mpi, DistPca};
/// # let universe = mpi::initialize().unwrap();
/// let mine = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0], [0.0, 0.5], [0.0, -0.5]];
/// let pca = DistPca::new(2).fit(&universe.world(), &mine.view())?;
/// assert!(pca.explained_variance()[0] > pca.explained_variance()[1]);
/// # Ok::<(), ndfactor::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct DistFittedPca<T: Scalar> {
    mean: Array1<T>,
    components: Array2<T>,
    singular_values: Array1<T::Real>,
    explained_variance: Array1<T::Real>,
    total_variance: T::Real,
    n_samples: usize,
}

impl<T: Scalar> DistFittedPca<T> {
    /// The global column means `μ`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64, 2.0], [3.0, 4.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert!((pca.mean()[0] - 2.0).abs() < 1e-15 && (pca.mean()[1] - 3.0).abs() < 1e-15);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn mean(&self) -> &Array1<T> {
        &self.mean
    }

    /// The principal axes as rows (`k×n`, orthonormal), by decreasing variance.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert!((pca.components()[[0, 0]].abs() - 1.0).abs() < 1e-14);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn components(&self) -> &Array2<T> {
        &self.components
    }

    /// Singular values of the centred data.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert!(pca.singular_values()[0] > 0.0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn singular_values(&self) -> &Array1<T::Real> {
        &self.singular_values
    }

    /// Variances along the axes, `σᵢ²/(m − 1)`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64, 0.0], [-1.0, 0.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// let ranks = mpi::traits::Communicator::size(&universe.world()) as f64;
    /// let m = 2.0 * ranks; // m samples of ±1: variance m/(m − 1)
    /// assert!((pca.explained_variance()[0] - m / (m - 1.0)).abs() < 1e-13);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn explained_variance(&self) -> &Array1<T::Real> {
        &self.explained_variance
    }

    /// Fractions of the total variance explained by each axis.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[2.0f64, 0.0], [-2.0, 0.0], [0.0, 1.0], [0.0, -1.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert!((pca.explained_variance_ratio()[0] - 0.8).abs() < 1e-13); // 8 / (8 + 2)
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn explained_variance_ratio(&self) -> Array1<T::Real> {
        let t = self.total_variance;
        let zero = T::Real::from_f64(0.0);
        self.explained_variance
            .mapv(|v| if t > zero { v / t } else { zero })
    }

    /// Total variance of the data, `‖X − 1μᵀ‖_F²/(m − 1)`.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64], [-1.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert!(pca.total_variance() > 0.0);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn total_variance(&self) -> T::Real {
        self.total_variance
    }

    /// Number of samples `m` over all processes.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[1.0f64], [-1.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// assert_eq!(pca.n_samples(), 2 * mpi::traits::Communicator::size(&universe.world()) as usize);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn n_samples(&self) -> usize {
        self.n_samples
    }

    /// Scores of samples: `(X − 1μᵀ)·Vₖ` (`rows×k`), a local product (no communication).
    ///
    /// # Errors
    /// [`Error::DimensionMismatch`] when `x` does not have the fitted number of columns.
    ///
    /// ```
    /// use ndfactor::dist::{mpi, DistPca};
    /// # let universe = mpi::initialize().unwrap();
    /// let mine = ndarray::array![[3.0f64, 0.0], [-3.0, 0.0]];
    /// let pca = DistPca::new(1).fit(&universe.world(), &mine.view())?;
    /// let z = pca.transform(&mine.view())?;
    /// assert!((z[[0, 0]].abs() - 3.0).abs() < 1e-13);
    /// # Ok::<(), ndfactor::Error>(())
    /// ```
    pub fn transform(&self, x: &ArrayView2<'_, T>) -> Result<Array2<T>> {
        if x.ncols() != self.mean.len() {
            return Err(Error::DimensionMismatch {
                operation: "DistFittedPca::transform: columns",
                expected: self.mean.len(),
                found: x.ncols(),
            });
        }
        Ok((x - &self.mean).dot(&adjoint(&self.components.view())))
    }
}
