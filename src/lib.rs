//! # ndfactor
//!
//! Every classical matrix factorization for [`ndarray`], computed by LAPACK over a system BLAS,
//! with a Rust-side layer that makes the results safe to use: typed errors instead of LAPACK
//! INFO codes, input checked before LAPACK sees it (NaN/∞ can make LAPACK loop forever), any
//! memory layout accepted, and LAPACK's own test ratios available to users in [`verify`].
//!
//! ```
//! use ndarray::array;
//! use ndfactor::prelude::*;
//!
//! let a = array![[4.0, 2.0, 1.0], [2.0, 5.0, 3.0], [1.0, 3.0, 6.0]];
//! let b = array![1.0, 2.0, 3.0];
//!
//! let x = a.cholesky()?.solve(&b)?;               // SPD: half the cost of LU
//! let lu = a.lu()?;                               // P·A = L·U
//! assert!((lu.det() - 67.0).abs() < 1e-12);
//! println!("{}", lu.conditioning());              // well conditioned: rcond = 1.595e-1, … 0.8 digits lost
//! let f = factorize(&a)?;                         // picks Cholesky here, and says why
//! println!("{:?}\n{}", f.kind(), f.explain());
//! let t = a.svd()?.truncate(Rank::Energy(0.9))?;  // best low-rank approximation
//! println!("{}", t.report());                     // ‖A − A_k‖₂ = σ_{k+1}, ‖A − A_k‖_F, energy, storage
//! assert!(matches!(array![[1.0, 2.0], [2.0, 1.0]].cholesky(), Err(Error::NotPositiveDefinite { index: 2 })));
//! # assert!((&lu.solve(&b)? - &x).iter().all(|d| d.abs() < 1e-14));
//! # assert_eq!(f.kind(), FactorizationKind::Cholesky);
//! # assert!(t.report().energy_retained >= 0.9);
//! # Ok::<(), ndfactor::Error>(())
//! ```
//!
//! ## Guides
//!
//! The repository's `docs/` folder holds the longer explanations, with this table and more:
//! `choosing-a-factorization.md` (the decision flow, costs, what [`factorize`] checks),
//! `accuracy.md` (test ratios and thresholds, what `rcond` means, the digits-lost rule, why the
//! Schur form and not the Jordan form), `low-rank.md` (Eckart–Young, truncation rules, choosing
//! `k`, randomized SVD and its Halko–Martinsson–Tropp bounds, PCA) and `backends.md`. The
//! examples (`examples/`: `tour`, `image_compression`, `pca`, `lora`, `npy`) each run with one
//! `cargo run --release --example <name>`.
//!
//! ## Factorizations
//!
//! | type | factors | for | LAPACK (f64) | cost |
//! |---|---|---|---|---|
//! | [`Lu`] | `P·A = L·U` | general square systems, det, inverse | dgetrf (+getrs getri gecon) | ≈ 2n³/3 |
//! | [`TridiagonalLu`] | `P·A = L·U`, `A` tridiagonal | tridiagonal systems (splines, 1-D finite differences) | dgttrf (+gttrs gtcon) | ≈ 8n |
//! | [`BandLu`], [`BandCholesky`], [`SpdTridiagonal`] | `P·A = L·U`, `A = L·Lᴴ`, `A = L·D·Lᴴ` on a band ([`BandMatrix`]) | banded systems ([`solve_banded`], [`solveh_banded`]); [`eigh_tridiagonal`] for tridiagonal spectra | dgbtrf dpbtrf dpttrf dstev dstemr | O(n·bandwidth²) |
//! | [`Cholesky`] | `A = L·Lᴴ` | Hermitian positive definite systems, sampling | dpotrf (+potrs potri pocon) | ≈ n³/3 |
//! | [`ShiftedCholesky`] | `A + τ·I = L·Lᴴ` ([`Cholesky::with_shift`]) | nearly PSD matrices (rank-deficient Gram, noisy covariance) | dpotrf, repeated | ≈ n³/3 per attempt |
//! | [`Schur`] | `A = Z·T·Zᴴ` | nonsymmetric eigenvalues, invariant subspaces (reorderable) | dgees (+trsen) | ≈ 25n³ |
//! | [`Eig`] | `A·V = V·Λ` | eigenvalues and eigenvectors of general matrices | dgeev | ≈ 25n³ |
//! | [`Ldlt`] | `P·A·Pᵀ = L·D·Lᴴ` (Bunch–Kaufman) | symmetric/Hermitian indefinite systems, inertia | dsytrf (+sytrs sycon) | ≈ n³/3 |
//! | [`Qr`] | `A = Q·R` | least squares, minimum-norm solutions, orthonormal bases | dgeqrf (+orgqr ormqr trtrs trcon) | ≈ 2mn² − 2n³/3 |
//! | [`QrFactors`] | `A = Q·R`, explicit full `Q` | QR kept up to date as rows/columns are inserted or deleted or `A + u·vᴴ` (SciPy's `qr_insert`/`qr_delete`/`qr_update`; [`Cholesky::update`]/[`Cholesky::downdate`] for `A ± x·xᴴ`) | dgeqrf + dorgqr once, then Givens rotations | O(m² + mn) per update |
//! | [`ColPivQr`] | `A·P = Q·R` | numerical rank, rank-deficient bases | dgeqp3 (+orgqr ormqr) | ≈ 2mn² − 2n³/3 |
//! | [`Svd`] | `A = U·Σ·Vᴴ` | rank, 2-norm, condition, low-rank approximation | dgesdd (dgesvd fallback) | ≈ 4mn² + 8n³ |
//! | [`SymmetricEigen`] | `A = V·Λ·Vᴴ` | spectra of symmetric/Hermitian matrices, PCA | dsyevd, dsyevr (subsets) | ≈ 9n³ |
//! | [`GeneralizedEigh`] | `A·X = B·X·Λ`, `B` HPD (types 1–3) | SciPy's `eigh(a, b)`: modes with a mass matrix | dsygvd, dsygvx (subsets) | ≈ 14n³ |
//! | [`GeneralizedEig`] | `β·A·x = α·B·x` | SciPy's `eig(a, b)`: general pencils, infinite eigenvalues | dggev | ≈ 50–70n³ |
//! | [`Qz`] | `A = Q·S·Zᴴ`, `B = Q·T·Zᴴ` | SciPy's `qz`/`ordqz`: deflating subspaces (reorderable) | dgges (+tgsen) | ≈ 66n³ |
//!
//! ## Choosing automatically, and conditioning
//! [`factorize`] inspects a matrix (finite, shape, diagonal, triangular, symmetric within a
//! tolerance, positive definite, tridiagonal) and picks the factorization; `explain()` says why.
//! [`auto::solve`], [`auto::inv`] and [`auto::det`] go through it. The [`conditioning`] module
//! reports conditioning ([`Conditioning`], [`Verdict`]); the [`Solve`] trait adds
//! `solve_checked`, which refuses matrices with `rcond < ε` ([`Error::IllConditioned`]).
//!
//! ## Low rank and PCA
//! [`lowrank`] truncates SVDs by a [`Rank`] rule with Eckart–Young error reports, and adds
//! [`RandomizedSvd`], [`pinv`], [`lstsq`] and principal component analysis ([`Pca`]: SVD of the
//! centred data, never `XᵀX`).
//!
//! ## Stacked inputs
//! [`batch`] factors or solves every matrix of an `n_batch×m×n` array in one call, as NumPy's
//! `linalg` gufuncs do (`batch::solve`, `inv`, `det`, `slogdet`, `cholesky`, `eigh`, `svd`, `lu`,
//! `qr`, `lstsq`, …), in parallel over the batch (rayon, one OpenBLAS thread per slice), with
//! [`Error::Batch`] naming the first failing slice.
//!
//! ## Sparse matrices and operators
//! [`sparse`] computes the top `k` singular triplets of a sprs `CsMat` (feature `sparse`), a
//! dense matrix or any [`LinearOperator`] ([`Svds`]: Lanczos or randomized, per-triplet
//! residuals), in `O((m + n)·k + nnz)` memory.
//!
//! All four LAPACK element types are supported: `f32`, `f64`, [`c32`], [`c64`], through the
//! sealed [`Scalar`] trait. Factors come back as F-order (column-major) arrays.
//!
//! ## Errors
//! One enum, [`Error`]: `NotSquare`, `DimensionMismatch`, `NonFinite{row,col}`,
//! `Singular{index}`, `NotPositiveDefinite{index}`, `TooLarge{dim}`, ... LAPACK indices are
//! 1-based as in LAPACK's documentation.
//!
//! ## Backends
//! Exactly one Cargo feature picks the LAPACK/BLAS library: `openblas-system` (default),
//! `openblas-static`, `netlib-system`, `netlib-static`, `intel-mkl-system`, `intel-mkl-static`.
//! Downstream crates use `default-features = false` and pick one. See `docs/backends.md`.
//!
//! ## Threads
//! OpenBLAS starts its own threads. If your program already runs factorizations from several
//! threads, set `OPENBLAS_NUM_THREADS=1`: otherwise threads × OpenBLAS threads
//! oversubscribe the cores and every call slows down many times (figures in docs/backends.md).

#![deny(unsafe_code)]
#![deny(missing_docs)]
#![warn(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

#[cfg(not(any(
    feature = "openblas-system",
    feature = "openblas-static",
    feature = "netlib-system",
    feature = "netlib-static",
    feature = "intel-mkl-system",
    feature = "intel-mkl-static",
    feature = "openblas64-system"
)))]
compile_error!(
    "ndfactor needs exactly one LAPACK backend feature: enable one of openblas-system (the default), \
     openblas-static, netlib-system, netlib-static, intel-mkl-system, intel-mkl-static or \
     openblas64-system"
);

#[cfg(any(
    all(
        feature = "openblas-system",
        any(
            feature = "openblas-static",
            feature = "netlib-system",
            feature = "netlib-static",
            feature = "intel-mkl-system",
            feature = "intel-mkl-static"
        )
    ),
    all(
        feature = "openblas-static",
        any(
            feature = "netlib-system",
            feature = "netlib-static",
            feature = "intel-mkl-system",
            feature = "intel-mkl-static"
        )
    ),
    all(
        feature = "netlib-system",
        any(
            feature = "netlib-static",
            feature = "intel-mkl-system",
            feature = "intel-mkl-static"
        )
    ),
    all(
        feature = "netlib-static",
        any(feature = "intel-mkl-system", feature = "intel-mkl-static")
    ),
    all(feature = "intel-mkl-system", feature = "intel-mkl-static"),
    all(
        feature = "openblas64-system",
        any(
            feature = "openblas-system",
            feature = "openblas-static",
            feature = "netlib-system",
            feature = "netlib-static",
            feature = "intel-mkl-system",
            feature = "intel-mkl-static"
        )
    ),
))]
compile_error!(
    "ndfactor needs exactly one LAPACK backend feature, but several are enabled: if you chose a \
     backend other than the default, add `default-features = false` to the ndfactor dependency"
);

#[cfg(all(feature = "mpi", feature = "openblas64-system"))]
compile_error!(
    "feature `mpi` needs an LP64 backend: ScaLAPACK's INTEGER is 32 bits and it calls the \
     system LAPACK with 32-bit integers"
);

// Force the backend crate to be linked (the linker would otherwise drop it as unused).
#[cfg(any(feature = "intel-mkl-system", feature = "intel-mkl-static"))]
extern crate intel_mkl_src as _;
#[cfg(any(feature = "netlib-system", feature = "netlib-static"))]
extern crate netlib_src as _;
#[cfg(any(feature = "openblas-system", feature = "openblas-static"))]
extern crate openblas_src as _;

pub mod auto;
pub mod batch;
pub mod completion;
pub mod conditioning;
/// The former name of [`conditioning`], kept for existing code: `cond` is NumPy's name for the
/// condition-number function ([`cond()`]), which keeps it.
///
/// ```
/// #[allow(deprecated)]
/// use ndfactor::cond::Verdict;
/// assert_eq!(Verdict::WellConditioned, ndfactor::conditioning::Verdict::WellConditioned);
/// ```
#[deprecated(note = "renamed to `ndfactor::conditioning`; `cond` is the condition-number function")]
pub mod cond {
    pub use crate::conditioning::*;
}
pub mod decomp;
#[cfg(feature = "mpi")]
pub mod dist;
mod error;
pub mod ext;
mod int;
#[allow(unsafe_code)]
mod lapack;
pub mod layout;
pub mod linalg;
pub mod lowrank;
pub mod matfun;
mod random;
mod scalar;
pub mod sparse;
pub mod stream;
pub mod tensor;
pub mod testing;
pub mod verify;

pub use auto::{factorize, Factorization, FactorizationKind};
pub use completion::{Completion, CompletionModel, Observations};
pub use conditioning::{Conditioning, Verdict};
pub use decomp::band::{
    eigh_tridiagonal, eigh_tridiagonal_by_index, eigh_tridiagonal_by_value, eigvalsh_tridiagonal,
    solve_banded, solveh_banded, BandCholesky, BandLu, BandMatrix, SpdTridiagonal,
};
pub use decomp::cholesky::Cholesky;
pub use decomp::eig::{Balance, Eig, EigVectors};
pub use decomp::eigh::SymmetricEigen;
pub use decomp::geneig::{
    GeneralizedEig, GeneralizedEigenvalue, GeneralizedEigh, GeneralizedProblem, PencilEigenvalue,
    Qz,
};
pub use decomp::ldlt::{Inertia, Ldlt, Symmetry};
pub use decomp::lu::Lu;
pub use decomp::qr::{ColPivQr, Qr, SolutionWithResidual};
pub use decomp::schur::Schur;
pub use decomp::shifted::ShiftedCholesky;
pub use decomp::svd::Svd;
pub use decomp::triangular::{solve_triangular, TriangularSolve};
pub use decomp::tridiag::TridiagonalLu;
pub use decomp::updates::QrFactors;
pub use decomp::{Rhs, Solve};
pub use error::{Error, Result};
pub use ext::LinalgExt;
pub use lapack::{BlasInt, Diag, Trans, Uplo};
pub use linalg::{det, inv, slogdet, solve};
pub use lowrank::{
    compress, cond, cond_with, left_null_space, lstsq, lstsq_with, null_space, pinv,
    pinv_hermitian, pinv_with, range, rank, rank_with, row_space, CondNorm, EckartYoung, FittedPca,
    LowRank, Lstsq, Pca, PcaSolver, RandomizedSvd, Rank, Scaling, TruncatedSvd,
};
pub use lowrank::{ErrorSource, RandomizedSvdProgress, RandomizedSvdStage};
pub use matfun::{expm, logm, sqrtm};
pub use scalar::{c32, c64, RealScalar, Scalar};
pub use sparse::{LinearOperator, PartialSvd, Svds, SvdsMethod};
pub use tensor::{hosvd, Cp, CpAls, Hooi, Tucker};

/// Which LAPACK library the process is running, read at run time (e.g.
/// `"OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"`), or `"reference LAPACK"` when
/// the loaded library is not OpenBLAS. Useful in logs and bug reports: on Debian the system
/// `liblapack.so.3` may point at OpenBLAS even when the netlib backend was chosen.
///
/// ```
/// let b = ndfactor::backend();
/// assert!(!b.is_empty());
/// ```
pub fn backend() -> String {
    lapack::backend_name()
}

/// The number of threads the loaded BLAS/LAPACK uses, or `None` when it cannot be told (the
/// library is not OpenBLAS). Like threadpoolctl in Python: read it before timing, or to check
/// `OPENBLAS_NUM_THREADS` took effect.
///
/// ```
/// if let Some(t) = ndfactor::blas_threads() {
///     assert!(t >= 1);
/// }
/// ```
pub fn blas_threads() -> Option<usize> {
    lapack::blas_threads()
}

/// Sets the number of threads OpenBLAS uses, for the whole process (`openblas_set_num_threads`);
/// returns `false`, changing nothing, when the loaded library is not OpenBLAS. Use one thread
/// when the program already runs factorizations in parallel on its own threads (oversubscribed
/// cores make every call many times slower).
///
/// Factorizations stay safe on any thread whatever the count: OpenBLAS's threaded LU needs
/// several MiB of stack, more than the 2 MiB Rust gives spawned threads, so on a thread other
/// than `main` ndfactor runs that call on a helper thread with a large stack.
///
/// ```
/// if let Some(before) = ndfactor::blas_threads() {
///     assert!(ndfactor::set_blas_threads(1));
///     assert_eq!(ndfactor::blas_threads(), Some(1));
///     ndfactor::set_blas_threads(before);
/// }
/// ```
pub fn set_blas_threads(n: usize) -> bool {
    lapack::set_blas_threads(n)
}

/// Whether ndfactor asks Linux to back its large buffers with transparent huge pages (on by
/// default; `NDFACTOR_HUGE_PAGES=0` in the environment starts with it off).
///
/// Buffers of 4 MiB or more (input copies, factors, workspaces) are advised with
/// `madvise(MADV_HUGEPAGE)` before their first use, as NumPy does for its arrays. The first
/// touch of a fresh page is a page fault; with 2 MiB pages there are 512 times fewer
/// (docs/bench/implementation-notes.md has the measurement). Results are bitwise the same
/// either way; elsewhere than Linux this does nothing.
///
/// ```
/// let on = ndfactor::huge_pages();
/// let before = ndfactor::set_huge_pages(!on);
/// assert_eq!(before, on);
/// assert_eq!(ndfactor::huge_pages(), !on);
/// ndfactor::set_huge_pages(on);
/// ```
pub fn huge_pages() -> bool {
    lapack::memory::huge_pages()
}

/// Turns the huge-page advice of [`huge_pages`] on or off for buffers allocated from now on,
/// process-wide; returns the previous setting. Turn it off when memory is tight and fragmented:
/// the kernel may then compact memory to find a free 2 MiB page, and a buffer may hold up to
/// 2 MiB more resident memory than it uses.
///
/// ```
/// let before = ndfactor::set_huge_pages(false);
/// let a = ndarray::Array2::<f64>::eye(800); // 5 MiB: above the threshold
/// let lu = ndfactor::Lu::new(&a)?;
/// assert_eq!(lu.det(), 1.0); // exact: the LU factors of I are I
/// ndfactor::set_huge_pages(before);
/// # Ok::<(), ndfactor::Error>(())
/// ```
pub fn set_huge_pages(on: bool) -> bool {
    lapack::memory::set_huge_pages(on)
}

/// Everything needed for day-to-day use: the factorizations, the extension trait, the scalar
/// types and the error type.
///
/// ```
/// use ndfactor::prelude::*;
/// let lu: Lu<f64> = ndarray::Array2::eye(2).lu()?;
/// assert_eq!(lu.det(), 1.0); // exact: the LU factors of I are I
/// # Ok::<(), Error>(())
/// ```
pub mod prelude {
    pub use crate::{
        c32, c64, expm, factorize, logm, sqrtm, BandCholesky, BandLu, BandMatrix, Cholesky,
        ColPivQr, Conditioning, EckartYoung, Eig, EigVectors, Error, Factorization,
        FactorizationKind, FittedPca, Inertia, Ldlt, LinalgExt, LowRank, Lu, Pca, PcaSolver, Qr,
        RandomizedSvd, Rank, RealScalar, Result, Scalar, Scaling, Schur, ShiftedCholesky, Solve,
        SpdTridiagonal, Svd, SymmetricEigen, Symmetry, TridiagonalLu, TruncatedSvd, Uplo, Verdict,
    };
    pub use crate::{
        GeneralizedEig, GeneralizedEigenvalue, GeneralizedEigh, GeneralizedProblem, Qz,
    };
}
