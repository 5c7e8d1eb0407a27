//! Out-of-core sources and streamed algorithms (`ndfactor::stream`), against their in-core twins.

use std::path::Path;

use ndarray::{s, Array2, ArrayView2, ShapeBuilder};
use ndarray_npy::{write_npy, WritableElement};
use ndfactor::stream::{FnSource, NpyFile, NpyShards, RowBlockSource, StreamedRandomizedSvd};
use ndfactor::{c64, testing, Error, RandomizedSvd, RealScalar, Scalar};

/// Reassembles a source from its blocks, checking that blocks are consecutive and at most
/// `h` rows.
fn collect<T: Scalar, S: RowBlockSource<T> + ?Sized>(src: &mut S, h: usize) -> Array2<T> {
    let (m, n) = src.shape();
    let mut out = Array2::<T>::zeros((m, n));
    let mut next = 0;
    src.for_each_block(h, &mut |r0, b| {
        assert_eq!(r0, next, "blocks are consecutive");
        assert!(b.nrows() >= 1 && b.nrows() <= h.max(1));
        out.slice_mut(s![r0..r0 + b.nrows(), ..]).assign(&b);
        next += b.nrows();
        Ok(())
    })
    .unwrap();
    assert_eq!(next, m);
    out
}

fn fortran<T: Scalar>(a: &Array2<T>) -> Array2<T> {
    let mut f = Array2::<T>::zeros(a.dim().f());
    f.assign(a);
    f
}

fn write<T: WritableElement + Scalar>(dir: &Path, name: &str, a: &Array2<T>) -> std::path::PathBuf {
    let p = dir.join(name);
    write_npy(&p, a).unwrap();
    p
}

// Blocks are copies of the data: reassembly is exact by construction, so `assert_eq!` is right.
#[test]
fn stream_sources_reassemble_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = testing::gaussian(23, 5, &mut testing::rng(1));
    let af = fortran(&a);
    let pc = write(dir.path(), "c.npy", &a);
    let pf = write(dir.path(), "f.npy", &af);
    assert!(!NpyFile::<f64>::open(&pc).unwrap().is_fortran_order());
    assert!(NpyFile::<f64>::open(&pf).unwrap().is_fortran_order());
    for h in [0, 1, 7, 23, 100] {
        assert_eq!(collect(&mut a.view(), h), a);
        assert_eq!(collect(&mut af.clone(), h), a);
        assert_eq!(
            collect(&mut a.slice(s![..;-1, ..]), h),
            a.slice(s![..;-1, ..])
        );
        assert_eq!(collect(&mut NpyFile::<f64>::open(&pc).unwrap(), h), a);
        assert_eq!(collect(&mut NpyFile::<f64>::open(&pf).unwrap(), h), a);
        let mut fs = FnSource::new(23, 5, |r0, rows| {
            Ok(a.slice(s![r0..r0 + rows, ..]).to_owned())
        });
        assert_eq!(collect(&mut fs, h), a);
    }
    // Shards (one in F order), blocks never crossing a shard boundary.
    let p0 = write(dir.path(), "s0.npy", &a.slice(s![..10, ..]).to_owned());
    let p1 = write(
        dir.path(),
        "s1.npy",
        &fortran(&a.slice(s![10..11, ..]).to_owned()),
    );
    let p2 = write(dir.path(), "s2.npy", &a.slice(s![11.., ..]).to_owned());
    let mut sh = NpyShards::<f64>::open([&p0, &p1, &p2]).unwrap();
    assert_eq!(sh.shape(), (23, 5));
    for h in [1, 7, 100] {
        assert_eq!(collect(&mut sh, h), a);
    }
    // f32 and complex files.
    let a32: Array2<f32> = testing::gaussian(9, 4, &mut testing::rng(2));
    let p = write(dir.path(), "a32.npy", &a32);
    assert_eq!(collect(&mut NpyFile::<f32>::open(&p).unwrap(), 4), a32);
    let ac: Array2<c64> = testing::gaussian(9, 4, &mut testing::rng(3));
    let p = write(dir.path(), "ac.npy", &fortran(&ac));
    assert_eq!(collect(&mut NpyFile::<c64>::open(&p).unwrap(), 4), ac);
}

#[test]
fn stream_bad_files_give_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = testing::gaussian(6, 3, &mut testing::rng(4));
    let good = write(dir.path(), "good.npy", &a);
    let bytes = std::fs::read(&good).unwrap();

    let p = dir.path().join("corrupt.npy");
    std::fs::write(&p, b"this is not a numpy file at all, not even close").unwrap();
    assert!(matches!(
        NpyFile::<f64>::open(&p),
        Err(Error::NpyHeader { .. })
    ));

    let p = dir.path().join("trunc_header.npy");
    std::fs::write(&p, &bytes[..20]).unwrap();
    assert!(matches!(
        NpyFile::<f64>::open(&p),
        Err(Error::NpyHeader { .. })
    ));

    let p = dir.path().join("empty.npy");
    std::fs::write(&p, b"").unwrap();
    assert!(matches!(
        NpyFile::<f64>::open(&p),
        Err(Error::NpyHeader { .. })
    ));

    let p = dir.path().join("short.npy");
    std::fs::write(&p, &bytes[..bytes.len() - 12]).unwrap();
    assert_eq!(
        NpyFile::<f64>::open(&p).unwrap_err(),
        Error::FileTooShort {
            path: p.display().to_string(),
            missing: 12
        }
    );

    match NpyFile::<f32>::open(&good) {
        Err(Error::WrongDtype {
            expected, found, ..
        }) => {
            assert_eq!(expected, "f32");
            assert!(found.contains("f8"), "{found}");
        }
        other => panic!("expected WrongDtype, got {other:?}"),
    }
    let p = write(dir.path(), "three_d.npy", &a);
    let a3 = ndarray::Array3::<f64>::zeros((2, 2, 2));
    write_npy(&p, &a3).unwrap();
    assert!(matches!(
        NpyFile::<f64>::open(&p),
        Err(Error::NpyHeader { .. })
    ));

    assert!(matches!(
        NpyFile::<f64>::open(dir.path().join("missing.npy")),
        Err(Error::Io { .. })
    ));

    let q = write(dir.path(), "wide.npy", &Array2::<f64>::zeros((2, 4)));
    assert_eq!(
        NpyShards::<f64>::open([&good, &q]).unwrap_err(),
        Error::ShardMismatch {
            shard: 1,
            expected: 3,
            found: 4
        }
    );
    assert!(matches!(
        NpyShards::<f64>::open(Vec::<&Path>::new()),
        Err(Error::Empty { .. })
    ));

    // Changed between passes: a different length is always detected.
    let p = write(dir.path(), "changing.npy", &a);
    let mut f = NpyFile::<f64>::open(&p).unwrap();
    collect(&mut f, 2);
    write_npy(&p, &Array2::<f64>::zeros((7, 3))).unwrap();
    assert!(matches!(
        f.for_each_block(2, &mut |_, _| Ok(())),
        Err(Error::SourceChanged { .. })
    ));
    assert!(matches!(
        StreamedRandomizedSvd::new(1).compute(&mut f),
        Err(Error::SourceChanged { .. })
    ));
}

#[test]
fn stream_rsvd_input_errors() {
    let mut a: Array2<f64> = testing::gaussian(12, 5, &mut testing::rng(5));
    a[(9, 3)] = f64::NAN;
    for h in [1, 4, 100] {
        assert_eq!(
            StreamedRandomizedSvd::new(2)
                .block_rows(h)
                .compute(&mut a.view())
                .unwrap_err(),
            Error::NonFinite { row: 9, col: 3 }
        );
    }
    // Mid-stream in a file, an infinity in the second shard: global row.
    let dir = tempfile::tempdir().unwrap();
    a[(9, 3)] = 1.0;
    let mut b = a.clone();
    b[(2, 1)] = f64::INFINITY;
    let p0 = write(dir.path(), "0.npy", &a);
    let p1 = write(dir.path(), "1.npy", &b);
    let mut sh = NpyShards::<f64>::open([p0, p1]).unwrap();
    assert!(matches!(
        StreamedRandomizedSvd::new(2).block_rows(5).compute(&mut sh),
        Err(Error::NonFinite { row: 14, col: 1 })
    ));
    assert!(matches!(
        StreamedRandomizedSvd::new(6).compute(&mut a.view()),
        Err(Error::InvalidRank { k: 6, max: 5 })
    ));
    // A closure producing the wrong shape.
    let mut bad = FnSource::new(4, 3, |_, rows| Ok(Array2::<f64>::zeros((rows, 2))));
    assert!(matches!(
        StreamedRandomizedSvd::new(1).compute(&mut bad),
        Err(Error::DimensionMismatch { .. })
    ));
    // Empty matrices: rank 0 is the defined answer (as in core), rank 1 is out of range.
    let mut e = Array2::<f64>::zeros((0, 4));
    let t = StreamedRandomizedSvd::new(0).compute(&mut e).unwrap();
    assert_eq!((t.rank(), t.u().dim(), t.vt().dim()), (0, (0, 0), (0, 4)));
    assert!(matches!(
        StreamedRandomizedSvd::new(1).compute(&mut e),
        Err(Error::InvalidRank { k: 1, max: 0 })
    ));
}

/// ‖(I − U₁U₁ᴴ)·U₂‖_F: √Σ sin²θᵢ over the principal angles between the two column spaces.
fn sin_angles<T: Scalar>(u1: ArrayView2<T>, u2: ArrayView2<T>) -> f64 {
    let u1h = u1.t().mapv(|x| x.conj());
    let p = &u2 - &u1.dot(&u1h.dot(&u2));
    p.iter().map(|x| x.abs_sqr().to_f64()).sum::<f64>().sqrt()
}

/// Streamed against in-core, same seed. Both compute the same sequence of products; the block
/// products sum each entry in the same order as one large ?gemm would not necessarily, so the
/// difference is rounding: each product perturbs by ≲ n·ε·‖A‖ relative, amplified by nothing
/// worse than the (well-separated, geometric) spectrum's conditioning. We allow
/// |σ̃ᵢ − σ̂ᵢ| ≤ 10·(m + n)·l·ε·σ₁ and sin θ ≤ 10·(m + n)·l·ε·σ₁/gap with gap = σ_k − σ_{k+1}.
fn check_against_in_core<T: Scalar + WritableElement + ndarray_npy::ViewElement>(seed: u64) {
    let (m, n, k, p) = (60, 17, 4, 3);
    let sv: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(0.6f64.powi(i as i32)))
        .collect();
    let a = testing::with_singular_values::<T>(m, n, &sv, &mut testing::rng(seed));
    let dir = tempfile::tempdir().unwrap();
    let pc = write(dir.path(), "c.npy", &a);
    let pf = write(dir.path(), "f.npy", &fortran(&a));
    let eps = T::eps().to_f64();
    let l = k + p;
    let tol = 10.0 * ((m + n) * l) as f64 * eps;
    let gap = 0.6f64.powi(k as i32 - 1) - 0.6f64.powi(k as i32);
    for q in [0, 2] {
        let rc = RandomizedSvd::new(k)
            .oversamples(p)
            .power_iterations(q)
            .seed(seed)
            .compute(&a)
            .unwrap();
        for h in [1, 7, 1000] {
            let b = StreamedRandomizedSvd::new(k)
                .oversamples(p)
                .power_iterations(q)
                .seed(seed)
                .block_rows(h);
            let mut fc = NpyFile::<T>::open(&pc).unwrap();
            let mut ff = NpyFile::<T>::open(&pf).unwrap();
            let results = [
                b.compute(&mut a.view()).unwrap(),
                b.compute(&mut fc).unwrap(),
                b.compute(&mut ff).unwrap(),
            ];
            for rs in &results {
                for (x, y) in rs.s().iter().zip(rc.s()) {
                    let d = (x.to_f64() - y.to_f64()).abs();
                    assert!(d <= tol, "{} q={q} h={h}: |Δσ| = {d:e} > {tol:e}", T::NAME);
                }
                let su = sin_angles(rs.u(), rc.u());
                let v1 = rs.vt().t().mapv(|x| x.conj());
                let v2 = rc.vt().t().mapv(|x| x.conj());
                let sv_ = sin_angles(v1.view(), v2.view());
                assert!(
                    su <= tol / gap && sv_ <= tol / gap,
                    "{} q={q} h={h}: sin θ {su:e} {sv_:e}",
                    T::NAME
                );
                let (r1, r2) = (rs.report(), rc.report());
                let df = (r1.frobenius_error.to_f64() - r2.frobenius_error.to_f64()).abs();
                assert!(df <= tol, "{} frobenius error differs by {df:e}", T::NAME);
                assert_eq!(r1.rank, k);
            }
        }
    }
}

#[test]
fn stream_rsvd_matches_in_core_f64() {
    check_against_in_core::<f64>(11);
}

#[test]
fn stream_rsvd_matches_in_core_f32() {
    check_against_in_core::<f32>(12);
}

#[test]
fn stream_rsvd_matches_in_core_c64() {
    check_against_in_core::<c64>(13);
}

/// Data far outside the scaling window: the first pass is repeated on 2^-e·A, exactly as the
/// in-core version scales, and the results agree with the in-core ones (relative to σ₁).
#[test]
fn stream_rsvd_scales_extreme_data_as_in_core() {
    let sv: Vec<f64> = (0..8).map(|i| 1e300 * 0.5f64.powi(i)).collect();
    let a = testing::with_singular_values::<f64>(30, 8, &sv, &mut testing::rng(7));
    let rc = RandomizedSvd::new(2).seed(1).compute(&a).unwrap();
    let mut passes = 0;
    let rs = StreamedRandomizedSvd::new(2)
        .seed(1)
        .block_rows(7)
        .compute_with_progress(&mut a.view(), |p| passes = p.passes)
        .unwrap();
    // Automatic q = 4 (k = 2 is not below 0.1·min(m, n)): 2q + 2 passes plus the rescaling one.
    assert_eq!(passes, 2 * 4 + 2 + 1, "one rescaling pass");
    let tol = 10.0 * (38 * 8) as f64 * f64::EPSILON * 1e300;
    for (x, y) in rs.s().iter().zip(rc.s()) {
        assert!((x - y).abs() <= tol, "{x:e} vs {y:e}");
    }
}

/// The report's exact Frobenius error equals the measured residual (extra pass).
#[test]
fn stream_rsvd_exact_error_pass_matches_formula() {
    let sv: Vec<f64> = (0..10).map(|i| 0.7f64.powi(i)).collect();
    let a = testing::with_singular_values::<f64>(40, 10, &sv, &mut testing::rng(8));
    let b = StreamedRandomizedSvd::new(3).seed(2).block_rows(7);
    let formula = b.compute(&mut a.view()).unwrap().report();
    let measured = b.exact_error(true).compute(&mut a.view()).unwrap();
    let direct = ndfactor::verify::norm_fro(&(&a - &measured.to_dense()));
    let tol = 10.0 * 50.0 * f64::EPSILON * sv[0] / formula.frobenius_error;
    assert!((measured.report().frobenius_error / direct - 1.0).abs() <= tol);
    // The formula √(‖A‖² − Σσ̃²) loses ≈ ε·‖A‖²/err² relative to the residual.
    let ftol = 10.0 * 50.0 * f64::EPSILON * (sv[0] / formula.frobenius_error).powi(2);
    assert!((formula.frobenius_error / direct - 1.0).abs() <= ftol);
}

/// Streamed PCA against the in-core randomized PCA, same seed: means agree to n·ε·max|x|
/// (block merges against the corrected two-pass sum), explained variances to
/// 10·(n + p)·l·ε relative to the largest, components (signs fixed the same way) to that over
/// the gap.
fn check_pca<T: Scalar + WritableElement + ndarray_npy::ViewElement>(scaling: ndfactor::Scaling) {
    use ndfactor::{stream::StreamedPca, Pca, PcaSolver, Rank};
    let (n, p, k) = (70, 9, 3);
    let sv: Vec<T::Real> = (0..p)
        .map(|i| T::Real::from_f64(0.5f64.powi(i as i32)))
        .collect();
    let mut x = testing::with_singular_values::<T>(n, p, &sv, &mut testing::rng(21));
    // Offsets and column scales so that centring and scaling matter.
    for (j, mut col) in x.columns_mut().into_iter().enumerate() {
        let (off, sc) = (T::from_f64(3.0 - j as f64), T::from_f64(1.0 + j as f64));
        col.mapv_inplace(|v| v * sc + off);
    }
    let dir = tempfile::tempdir().unwrap();
    let pf = write(dir.path(), "x.npy", &fortran(&x));
    let c = Pca::new(Rank::Fixed(k))
        .scale(scaling)
        .solver(PcaSolver::Randomized {
            oversamples: 4,
            power_iterations: Some(2),
            seed: 9,
        })
        .fit(&x)
        .unwrap();
    let exact = Pca::new(Rank::Fixed(p)).scale(scaling).fit(&x).unwrap();
    let eps = T::eps().to_f64();
    let tol = 10.0 * ((n + p) * (k + 4)) as f64 * eps;
    for h in [1, 7, 1000] {
        let b = StreamedPca::new(k)
            .scale(scaling)
            .oversamples(4)
            .power_iterations(2)
            .seed(9)
            .block_rows(h);
        let mut f = NpyFile::<T>::open(&pf).unwrap();
        for s in [b.fit(&mut x.view()).unwrap(), b.fit(&mut f).unwrap()] {
            let xmax = 3.0 + 9.0 * 2.0;
            for (a, bb) in s.mean().iter().zip(c.mean()) {
                assert!((*a - *bb).abs().to_f64() <= 10.0 * n as f64 * eps * xmax);
            }
            let ev0 = c.explained_variance()[0].to_f64();
            for (a, bb) in s.explained_variance().iter().zip(c.explained_variance()) {
                let d = (a.to_f64() - bb.to_f64()).abs();
                assert!(d <= tol * ev0, "{} h={h}: Δvar {d:e}", T::NAME);
            }
            let tv = (s.total_variance().to_f64() / c.total_variance().to_f64() - 1.0).abs();
            assert!(tv <= tol, "total variance {tv:e}");
            let d = &s.components() - &c.components();
            let dn = d.iter().map(|v| v.abs_sqr().to_f64()).sum::<f64>().sqrt();
            // Centring and scaling change the spectrum: the gap σ_k − σ_{k+1} is taken from the
            // exact PCA of the same data.
            let sv0 = ev0.sqrt() * ((n - 1) as f64).sqrt();
            let gap = (exact.singular_values()[k - 1] - exact.singular_values()[k]).to_f64();
            let bound = tol * sv0 / gap * (k as f64).sqrt();
            assert!(
                dn <= bound,
                "{} h={h}: Δcomponents {dn:e} > {bound:e}",
                T::NAME
            );
            if let (Some(a), Some(bb)) = (s.scale(), c.scale()) {
                for (a, bb) in a.iter().zip(bb) {
                    assert!((a.to_f64() / bb.to_f64() - 1.0).abs() <= 10.0 * n as f64 * eps);
                }
            }
        }
    }
}

#[test]
fn stream_pca_matches_in_core() {
    check_pca::<f64>(ndfactor::Scaling::None);
    check_pca::<f64>(ndfactor::Scaling::UnitVariance);
    check_pca::<f32>(ndfactor::Scaling::None);
    check_pca::<f32>(ndfactor::Scaling::UnitVariance);
}

#[test]
fn stream_pca_bad_input() {
    use ndfactor::stream::StreamedPca;
    let mut x: Array2<f64> = testing::gaussian(8, 3, &mut testing::rng(2));
    assert!(matches!(
        StreamedPca::new(4).fit(&mut x.view()),
        Err(Error::InvalidRank { k: 4, max: 3 })
    ));
    assert!(matches!(
        StreamedPca::new(1).fit(&mut x.slice(s![..1, ..])),
        Err(Error::InvalidArgument { .. })
    ));
    x[(5, 2)] = f64::NEG_INFINITY;
    assert_eq!(
        StreamedPca::new(1)
            .block_rows(3)
            .fit(&mut x.view())
            .unwrap_err(),
        Error::NonFinite { row: 5, col: 2 }
    );
}

/// TSQR's R against the in-core Householder R (diagonal made real non-negative), and the
/// singular values from R against Svd::values. R is unique for full column rank; both are
/// backward stable, so ‖ΔR‖_F ≤ 10·m·n·ε·κ(A)·‖A‖_F and |Δσ| ≤ 10·m·n·ε·σ₁.
fn check_tsqr<T: Scalar + WritableElement + ndarray_npy::ViewElement>() {
    use ndfactor::stream::{tall_skinny_svd, tsqr_r};
    use ndfactor::{Qr, Svd};
    let (m, n) = (45, 6);
    let a: Array2<T> = testing::gaussian(m, n, &mut testing::rng(31));
    let sv = Svd::values(&a).unwrap();
    let kappa = (sv[0] / sv[n - 1]).to_f64();
    let mut rc = Qr::new(&a).unwrap().r();
    for (i, mut row) in rc.rows_mut().into_iter().enumerate() {
        let d = row[i];
        let phase = d.conj().scale(T::Real::from_f64(1.0) / d.abs());
        row.mapv_inplace(|x| x * phase);
    }
    let eps = T::eps().to_f64();
    let fro = ndfactor::verify::norm_fro(&a).to_f64();
    let dir = tempfile::tempdir().unwrap();
    let pf = write(dir.path(), "a.npy", &fortran(&a));
    for h in [1, 7, 1000] {
        let mut f = NpyFile::<T>::open(&pf).unwrap();
        for r in [
            tsqr_r(&mut a.view(), h).unwrap(),
            tsqr_r(&mut f, h).unwrap(),
        ] {
            assert_eq!(r.dim(), (n, n));
            for i in 0..n {
                assert_eq!(
                    r[(i, i)].im().to_f64(),
                    0.0,
                    "real diagonal by construction"
                );
                for j in 0..i {
                    assert_eq!(r[(i, j)], T::zero(), "upper triangular by construction");
                }
            }
            let d = (&r - &rc)
                .iter()
                .map(|x| x.abs_sqr().to_f64())
                .sum::<f64>()
                .sqrt();
            let bound = 10.0 * (m * n) as f64 * eps * kappa * fro;
            assert!(d <= bound, "{} h={h}: ‖ΔR‖ {d:e} > {bound:e}", T::NAME);
        }
        let (s, vt) = tall_skinny_svd(&mut a.view(), h).unwrap();
        assert_eq!(vt.dim(), (n, n));
        for (x, y) in s.iter().zip(&sv) {
            assert!(
                (x.to_f64() - y.to_f64()).abs() <= 10.0 * (m * n) as f64 * eps * sv[0].to_f64()
            );
        }
    }
    let mut bad = a.clone();
    bad[(40, 5)] = T::from_f64(f64::NAN);
    assert_eq!(
        tsqr_r(&mut bad.view(), 7).unwrap_err(),
        Error::NonFinite { row: 40, col: 5 }
    );
}

#[test]
fn stream_tsqr_matches_in_core() {
    check_tsqr::<f64>();
    check_tsqr::<f32>();
    check_tsqr::<c64>();
}

/// `A = L + ν·G`: rank-`r0` signal with singular values 1, 0.8, 0.8², … plus Gaussian noise.
fn low_rank_plus_noise<T: Scalar>(m: usize, n: usize, r0: usize, nu: f64, seed: u64) -> Array2<T> {
    let sv: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(if i < r0 { 0.8f64.powi(i as i32) } else { 0.0 }))
        .collect();
    let mut rng = testing::rng(seed);
    let l = testing::with_singular_values::<T>(m, n, &sv, &mut rng);
    let g: Array2<T> = testing::gaussian(m, n, &mut rng);
    &l + &g.mapv(|x| x * T::from_f64(nu))
}

fn spectral_norm<T: Scalar>(a: &Array2<T>) -> f64 {
    ndfactor::Svd::values(a).unwrap()[0].to_f64()
}

/// Single-pass sketch against the in-core SVD. Tropp, Yurtsever, Udell and Cevher (2017),
/// Theorems 4.3 and 5.1 with their defaults k = 2r + 1, l = 2k + 1 (f(k, l) = f(r, k) = 1):
/// E‖A − [[Â]]_r‖_F ≤ τ_{r+1} + 2·√(4·τ_{r+1}²) = 5·τ_{r+1}, τ_{r+1} = √Σ_{j>r} σⱼ². A single
/// draw concentrates tightly around its mean (it sits near 1.1·τ here), so 5·τ plus rounding
/// (10·(m + n)·l·ε·‖A‖_F) is a bound a correct implementation meets on every seed. Weyl's
/// inequality gives |σ̃ᵢ − σᵢ| ≤ ‖A − [[Â]]_r‖₂ ≤ ‖A − [[Â]]_r‖_F, checked with the measured
/// error, and the HMT bound in the report must hold (it fails with probability 10⁻¹⁰).
fn check_single_pass<T: Scalar + WritableElement + ndarray_npy::ViewElement>() {
    use ndfactor::stream::SinglePassSvd;
    use ndfactor::ErrorSource;
    let (m, n, r) = (61, 19, 3);
    let a = low_rank_plus_noise::<T>(m, n, 5, 1e-2, 41);
    let exact = ndfactor::Svd::values(&a).unwrap();
    let tau = exact
        .iter()
        .skip(r)
        .map(|x| x.to_f64().powi(2))
        .sum::<f64>()
        .sqrt();
    let fro = ndfactor::verify::norm_fro(&a).to_f64();
    let eps = T::eps().to_f64();
    let l = 2 * (2 * r + 1) + 1;
    let round = 10.0 * ((m + n) * l) as f64 * eps * fro;
    let dir = tempfile::tempdir().unwrap();
    let pc = write(dir.path(), "c.npy", &a);
    let pf = write(dir.path(), "f.npy", &fortran(&a));
    for seed in [1, 2, 3] {
        for h in [1, 7, 1000] {
            let b = SinglePassSvd::new(r).seed(seed).block_rows(h);
            let mut passes = 0;
            let mut fs = FnSource::new(m, n, |r0, rows| {
                if r0 == 0 {
                    passes += 1;
                }
                Ok(a.slice(s![r0..r0 + rows, ..]).to_owned())
            });
            let mut progress_passes = 0;
            let via_fn = b
                .compute_with_progress(&mut fs, |p| progress_passes = p.passes)
                .unwrap();
            assert_eq!((passes, progress_passes), (1, 1), "exactly one pass");
            let results = [
                via_fn,
                b.compute(&mut a.view()).unwrap(),
                b.compute(&mut NpyFile::<T>::open(&pc).unwrap()).unwrap(),
                b.compute(&mut NpyFile::<T>::open(&pf).unwrap()).unwrap(),
            ];
            for t in &results {
                assert_eq!((t.rank(), t.u().dim(), t.vt().dim()), (r, (m, r), (r, n)));
                let g = &a - &t.to_dense();
                let err = ndfactor::verify::norm_fro(&g).to_f64();
                assert!(
                    err <= 5.0 * tau + round,
                    "{} seed={seed} h={h}: error {err:e} > 5·τ = {:e}",
                    T::NAME,
                    5.0 * tau
                );
                for (x, y) in t.s().iter().zip(&exact) {
                    let d = (x.to_f64() - y.to_f64()).abs();
                    assert!(d <= err + round, "{} Weyl: {d:e} > {err:e}", T::NAME);
                }
                let rep = t.report();
                match rep.error_source {
                    ErrorSource::Estimate {
                        vectors,
                        spectral_bound,
                        ..
                    } => {
                        assert_eq!(vectors, 10);
                        let e2 = spectral_norm(&g);
                        assert!(spectral_bound.to_f64() + round >= e2, "HMT bound fails");
                    }
                    other => panic!("single pass must report an estimate, got {other:?}"),
                }
                // The Frobenius estimate is unbiased, with a χ²₁₀-type spread: within a factor 3.
                let fe = rep.frobenius_error.to_f64();
                assert!(
                    fe <= 3.0 * err + round && err <= 3.0 * fe + round,
                    "{fe:e} vs {err:e}"
                );
            }
        }
    }
}

#[test]
fn stream_single_pass_f64() {
    check_single_pass::<f64>();
}

#[test]
fn stream_single_pass_f32() {
    check_single_pass::<f32>();
}

#[test]
fn stream_single_pass_c64() {
    check_single_pass::<c64>();
}

#[test]
fn stream_single_pass_bad_input() {
    use ndfactor::stream::SinglePassSvd;
    let mut a: Array2<f64> = testing::gaussian(12, 5, &mut testing::rng(5));
    assert!(matches!(
        SinglePassSvd::new(6).compute(&mut a.view()),
        Err(Error::InvalidRank { k: 6, max: 5 })
    ));
    a[(9, 3)] = f64::NAN;
    for h in [1, 4, 100] {
        assert_eq!(
            SinglePassSvd::new(2)
                .block_rows(h)
                .compute(&mut a.view())
                .unwrap_err(),
            Error::NonFinite { row: 9, col: 3 }
        );
    }
    let mut e = Array2::<f64>::zeros((0, 4));
    let t = SinglePassSvd::new(0).compute(&mut e).unwrap();
    assert_eq!((t.rank(), t.u().dim(), t.vt().dim()), (0, (0, 0), (0, 4)));
    // Rank 0 of a non-empty matrix: the error is ‖A‖_F itself.
    let b: Array2<f64> = testing::gaussian(6, 3, &mut testing::rng(6));
    let t = SinglePassSvd::new(0)
        .block_rows(4)
        .compute(&mut b.view())
        .unwrap();
    let f = ndfactor::verify::norm_fro(&b);
    assert!((t.report().frobenius_error - f).abs() <= 4.0 * f64::EPSILON * f);
    // Overflowing sketches are a typed error, not garbage.
    let big = Array2::from_elem((8, 4), 1e308f64);
    assert!(matches!(
        SinglePassSvd::new(1).compute(&mut big.view()),
        Err(Error::NumericalBreakdown { .. })
    ));
}

/// The a-posteriori estimate (Halko, Martinsson and Tropp 2011, §4.3): on several seeds the
/// stated bounds hold (each fails with probability 10⁻ʳ): ‖A − UΣVᴴ‖₂ ≤ spectral_bound and
/// σ_{l+1}(A) ≤ ‖A − QQᴴA‖₂ ≤ range_bound (Q has l columns); the Frobenius estimate is within
/// a factor 3 of the true residual (an unbiased χ²-type estimate from r = 10 vectors); no extra
/// pass is taken even when the exact formula cancels, where the estimate replaces it.
fn check_estimate<T: Scalar>() {
    use ndfactor::ErrorSource;
    let (m, n, k, p, q) = (50, 16, 3, 4, 1);
    let eps = T::eps().to_f64();
    // nu = 1e-2: the formula is accurate; nu tiny: 1 − Σσ̃²/‖A‖² < √ε, the formula cancels.
    for nu in [1e-2, 1e3 * eps] {
        for seed in 0..6 {
            let a = low_rank_plus_noise::<T>(m, n, k, nu, 100 + seed);
            let exact = ndfactor::Svd::values(&a).unwrap();
            let fro = ndfactor::verify::norm_fro(&a).to_f64();
            let round = 10.0 * ((m + n) * (k + p)) as f64 * eps * fro;
            let mut passes = 0;
            let t = StreamedRandomizedSvd::new(k)
                .oversamples(p)
                .power_iterations(q)
                .seed(seed)
                .block_rows(7)
                .error_estimate(10)
                .compute_with_progress(&mut a.view(), |pr| passes = pr.passes)
                .unwrap();
            assert_eq!(passes, 2 * q + 2, "no residual pass");
            let g = &a - &t.to_dense();
            let rep = t.report();
            let ErrorSource::Estimate {
                vectors,
                range_bound,
                spectral_bound,
                failure_probability,
            } = rep.error_source
            else {
                panic!("estimate asked for, got {:?}", rep.error_source)
            };
            assert_eq!(vectors, 10);
            assert!(failure_probability.to_f64() <= 1e-10 * (1.0 + eps));
            let e2 = spectral_norm(&g);
            assert!(
                spectral_bound.to_f64() + round >= e2,
                "{} seed {seed}: ‖A − UΣVᴴ‖₂ = {e2:e} > bound {:e}",
                T::NAME,
                spectral_bound.to_f64()
            );
            let sl1 = exact[k + p].to_f64();
            assert!(
                range_bound.to_f64() + round >= sl1,
                "range bound below σ_(l+1)"
            );
            let ef = ndfactor::verify::norm_fro(&g).to_f64();
            let fe = rep.frobenius_error.to_f64();
            assert!(
                fe <= 3.0 * ef + round && ef <= 3.0 * fe + round,
                "{} nu={nu:e} seed {seed}: estimate {fe:e} vs residual {ef:e}",
                T::NAME
            );
        }
    }
    // Without the opt-out the report names its source: the formula, or the measured residual.
    let a = low_rank_plus_noise::<T>(m, n, k, 1e-2, 7);
    let b = StreamedRandomizedSvd::new(k)
        .oversamples(p)
        .power_iterations(q);
    assert_eq!(
        b.compute(&mut a.view()).unwrap().report().error_source,
        ErrorSource::Formula
    );
    assert_eq!(
        b.exact_error(true)
            .compute(&mut a.view())
            .unwrap()
            .report()
            .error_source,
        ErrorSource::Residual
    );
}

#[test]
fn stream_rsvd_error_estimate_bounds_residual() {
    check_estimate::<f64>();
    check_estimate::<f32>();
    check_estimate::<c64>();
}

/// TSQR with Q written to a file: LAPACK's ratios ‖I − QᴴQ‖/(m·ε) and ‖A − QR‖/(‖A‖·m·ε)
/// below verify::LIN_THRESHOLD, for well-conditioned and (κ = 10⁸ in f64, 10³ in f32)
/// ill-conditioned matrices, block sizes 1, 7 (ragged: 45 = 6·7 + 3) and larger than m.
fn check_tsqr_q<T>() -> f64
where
    T: Scalar + WritableElement + ndarray_npy::ViewElement + ndarray_npy::ReadableElement,
{
    use ndfactor::stream::tsqr;
    use ndfactor::verify;
    let (m, n) = (45, 6);
    let dir = tempfile::tempdir().unwrap();
    let big_kappa = if T::eps().to_f64() > 1e-10 { 1e3 } else { 1e8 };
    let mut worst = 0.0f64;
    for kappa in [1.0, big_kappa] {
        let sv: Vec<T::Real> = (0..n)
            .map(|i| T::Real::from_f64(kappa.powf(-(i as f64) / (n - 1) as f64)))
            .collect();
        let a = testing::with_singular_values::<T>(m, n, &sv, &mut testing::rng(51));
        let pf = write(dir.path(), "a.npy", &fortran(&a));
        for h in [1, 7, 1000] {
            let qp = dir.path().join(format!("q{h}.npy"));
            for src in 0..2 {
                let r = if src == 0 {
                    tsqr(&mut a.view(), h, Some(&qp)).unwrap()
                } else {
                    tsqr(&mut NpyFile::<T>::open(&pf).unwrap(), h, Some(&qp)).unwrap()
                };
                let q: Array2<T> = ndarray_npy::read_npy(&qp).unwrap();
                assert_eq!((q.dim(), r.dim()), ((m, n), (n, n)));
                for i in 0..n {
                    for j in 0..i {
                        assert_eq!(r[(i, j)], T::zero(), "upper triangular by construction");
                    }
                }
                let o = verify::orthogonality_ratio(&q).to_f64();
                let res = verify::qr_ratio(&a, &q, &r).to_f64();
                worst = worst.max(o).max(res);
                assert!(
                    o < verify::LIN_THRESHOLD && res < verify::LIN_THRESHOLD,
                    "{} κ={kappa:e} h={h}: orthogonality {o}, residual {res}",
                    T::NAME
                );
            }
        }
    }
    worst
}

#[test]
fn stream_tsqr_q_file() {
    let w = [
        check_tsqr_q::<f64>(),
        check_tsqr_q::<f32>(),
        check_tsqr_q::<c64>(),
    ];
    println!("largest TSQR-Q ratios (f64, f32, c64): {w:?}");
}

/// A stream failing while Q is written leaves neither the target nor the temporary file; other
/// bad input gets typed errors.
#[test]
fn stream_tsqr_q_bad_input() {
    use ndfactor::stream::tsqr;
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = testing::gaussian(20, 3, &mut testing::rng(52));
    let qp = dir.path().join("q.npy");
    // Passes 1 and 2 succeed, pass 3 (the one writing Q) fails at row 10.
    let mut calls = 0;
    let mut failing = FnSource::new(20, 3, |r0, rows| {
        if r0 == 0 {
            calls += 1;
        }
        if calls == 3 && r0 >= 10 {
            return Err(Error::Io {
                path: "decoder".into(),
                operation: "decode rows",
                reason: "simulated failure".into(),
            });
        }
        Ok(a.slice(s![r0..r0 + rows, ..]).to_owned())
    });
    assert!(matches!(
        tsqr(&mut failing, 4, Some(&qp)),
        Err(Error::Io { .. })
    ));
    assert!(!qp.exists(), "no Q file after a failed stream");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file left"
    );
    // Output directory that does not exist.
    assert!(matches!(
        tsqr(&mut a.view(), 4, Some(&dir.path().join("missing/q.npy"))),
        Err(Error::Io { .. })
    ));
    // Rank deficient: a zero column.
    let mut d = a.clone();
    d.column_mut(1).fill(0.0);
    assert!(matches!(
        tsqr(&mut d.view(), 4, Some(&qp)),
        Err(Error::Singular { .. })
    ));
    assert!(!qp.exists());
    // Wide.
    assert!(matches!(
        tsqr(&mut a.t(), 4, Some(&qp)),
        Err(Error::InvalidArgument { .. })
    ));
    // exact: without a path tsqr is tsqr_r, the same computation on the same blocks.
    assert_eq!(
        tsqr(&mut a.view(), 4, None).unwrap(),
        ndfactor::stream::tsqr_r(&mut a.view(), 4).unwrap()
    );
}

/// A file rewritten between two passes of an algorithm (after pass 1, from the progress
/// callback), with the same length so that only the other checks can see it: (a) in place with
/// a different modification time; (b) replaced by another file renamed over it, its
/// modification time set back to the original's (what `cp -p` or `rsync -t` would do), seen by
/// the inode. Timestamps are set explicitly, so neither case depends on the clock's granularity.
#[test]
fn stream_file_changed_between_passes() {
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = testing::gaussian(30, 6, &mut testing::rng(61));
    let p = write(dir.path(), "a.npy", &a);
    let t0 = std::fs::metadata(&p).unwrap().modified().unwrap();
    for case in ["in place", "renamed over"] {
        write_npy(&p, &a).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&p)
            .unwrap()
            .set_modified(t0)
            .unwrap();
        let mut f = NpyFile::<f64>::open(&p).unwrap();
        let len = std::fs::metadata(&p).unwrap().len();
        let mut rewritten = false;
        let r = StreamedRandomizedSvd::new(2)
            .power_iterations(1)
            .block_rows(7)
            .compute_with_progress(&mut f, |pr| {
                if pr.pass == 1 && pr.rows_done == pr.rows && !rewritten {
                    rewritten = true;
                    let b = a.mapv(|x| -x);
                    let (target, mtime) = if case == "in place" {
                        (p.clone(), t0 + std::time::Duration::from_secs(10))
                    } else {
                        (dir.path().join("b.npy"), t0)
                    };
                    write_npy(&target, &b).unwrap();
                    std::fs::File::options()
                        .write(true)
                        .open(&target)
                        .unwrap()
                        .set_modified(mtime)
                        .unwrap();
                    if target != p {
                        std::fs::rename(&target, &p).unwrap();
                    }
                    assert_eq!(std::fs::metadata(&p).unwrap().len(), len, "same length");
                }
            });
        assert!(rewritten);
        match r {
            Err(Error::SourceChanged { path, reason }) => {
                assert_eq!(path, p.display().to_string());
                println!("{case}: {reason}");
            }
            other => panic!("{case}: expected SourceChanged, got {other:?}"),
        }
    }
}

/// The pass-efficient scheme against the default streamed path, same seed. In exact arithmetic
/// both build the same subspaces (`orth(Aᴴ·Y)` spans what `orth(Aᴴ·orth(Y))` spans, and the
/// final `Q`s differ by an `l×l` unitary factor, which leaves σ and `U = Q·U_B` unchanged), so
/// the difference is rounding: the default path's tolerance (see `check_against_in_core`)
/// amplified by `κ(R) = κ(Y) ≈ σ₁/σ_l` for `B = R⁻ᴴ·Wᴴ`. Passes: `q + 1` when `κ(R)` allows
/// the shortcut (`σ₁/σ_l ≈ 0.6⁻⁶ ≈ 21` here, under ε^(−1/4) in f32 and f64), and `q + 2` for
/// an exactly rank-deficient matrix (`R` singular), whose result is then that of the default
/// path to its own tolerance; both add the residual pass when the error formula cancels. With
/// `q = 0`, `Y = A·Ω` carries the Gaussian `Ω`'s own conditioning (a factor ≈ 5–20 for 17×7),
/// still far under the f64 limit (8·10³) but not always under f32's (55): either count is
/// right there.
fn check_pass_efficient<T: Scalar + WritableElement + ndarray_npy::ViewElement>(seed: u64) {
    let (m, n, k, p) = (60, 17, 4, 3);
    let l = k + p;
    let eps = T::eps().to_f64();
    let tol = 10.0 * ((m + n) * l) as f64 * eps;
    for rank in [n, 3] {
        let sv: Vec<T::Real> = (0..n)
            .map(|i| T::Real::from_f64(if i < rank { 0.6f64.powi(i as i32) } else { 0.0 }))
            .collect();
        let a = testing::with_singular_values::<T>(m, n, &sv, &mut testing::rng(seed));
        let dir = tempfile::tempdir().unwrap();
        let pc = write(dir.path(), "c.npy", &a);
        let pf = write(dir.path(), "f.npy", &fortran(&a));
        let kappa = 0.6f64.powi(-(l as i32 - 1));
        let (ftol, extra) = if rank == n {
            (tol * kappa, 0)
        } else {
            (tol, 1)
        };
        // Subspaces are compared where they are determined: the first min(k, rank) vectors,
        // over the gap to the next singular value (0 past the rank).
        let kk = k.min(rank);
        let next = if kk < rank {
            0.6f64.powi(kk as i32)
        } else {
            0.0
        };
        let gap = 0.6f64.powi(kk as i32 - 1) - next;
        for q in [0, 1, 3] {
            let mut default_passes = 0;
            let default = StreamedRandomizedSvd::new(k)
                .oversamples(p)
                .power_iterations(q)
                .seed(seed)
                .compute_with_progress(&mut a.view(), |x| default_passes = x.passes)
                .unwrap();
            let residual = default_passes - (2 * q + 2);
            for h in [1, 7, 1000] {
                let b = StreamedRandomizedSvd::new(k)
                    .oversamples(p)
                    .power_iterations(q)
                    .seed(seed)
                    .block_rows(h)
                    .pass_efficient(true);
                let mut fc = NpyFile::<T>::open(&pc).unwrap();
                let mut ff = NpyFile::<T>::open(&pf).unwrap();
                let mut passes = Vec::new();
                let results = [
                    b.compute_with_progress(&mut a.view(), |x| passes.push(x.passes))
                        .unwrap(),
                    b.compute(&mut fc).unwrap(),
                    b.compute(&mut ff).unwrap(),
                ];
                let got = passes.last().copied().unwrap();
                let want = q + 1 + extra + residual;
                let either = q == 0 && rank == n && eps > 1e-10;
                assert!(
                    got == want || (either && got == want + 1),
                    "{} rank {rank} q={q} h={h}: {got} passes, not {want}",
                    T::NAME
                );
                for rs in &results {
                    for (x, y) in rs.s().iter().zip(default.s()) {
                        let d = (x.to_f64() - y.to_f64()).abs();
                        assert!(
                            d <= ftol,
                            "{} rank {rank} q={q} h={h}: |Δσ| = {d:e} > {ftol:e}",
                            T::NAME
                        );
                    }
                    let su =
                        sin_angles(rs.u().slice(s![.., ..kk]), default.u().slice(s![.., ..kk]));
                    assert!(
                        su <= ftol / gap,
                        "{} rank {rank} q={q} h={h}: sin θ(U) = {su:e}",
                        T::NAME
                    );
                    let (r1, r2) = (rs.report(), default.report());
                    let df = (r1.frobenius_error.to_f64() - r2.frobenius_error.to_f64()).abs();
                    assert!(
                        df <= ftol.max(tol * 10.0),
                        "{}: frobenius error differs by {df:e}",
                        T::NAME
                    );
                }
            }
        }
    }
}

#[test]
fn stream_rsvd_pass_efficient_f64() {
    check_pass_efficient::<f64>(21);
}

#[test]
fn stream_rsvd_pass_efficient_f32() {
    check_pass_efficient::<f32>(22);
}

#[test]
fn stream_rsvd_pass_efficient_c64() {
    check_pass_efficient::<c64>(23);
}

/// Pass efficient with the a-posteriori estimate: the error sketch is taken in the last fused
/// pass (no pass added), and the HMT bound holds (it fails with probability 10⁻¹⁰).
#[test]
fn stream_rsvd_pass_efficient_error_estimate() {
    let sv: Vec<f64> = (0..12).map(|i| 0.7f64.powi(i)).collect();
    let a = testing::with_singular_values::<f64>(50, 12, &sv, &mut testing::rng(9));
    for q in [0, 2] {
        let mut passes = 0;
        let t = StreamedRandomizedSvd::new(3)
            .oversamples(2)
            .power_iterations(q)
            .error_estimate(10)
            .pass_efficient(true)
            .block_rows(7)
            .compute_with_progress(&mut a.view(), |p| passes = p.passes)
            .unwrap();
        assert_eq!(passes, q + 1);
        let ndfactor::ErrorSource::Estimate { spectral_bound, .. } = t.report().error_source else {
            panic!("an estimate was asked for")
        };
        let g = &a - &t.to_dense();
        assert!(spectral_bound >= spectral_norm(&g), "q={q}");
    }
}

/// Every prefetch mode gives the same blocks (exact copies of the file's rows), C and F order,
/// blocks of 1, 7 and more than `m` rows, files of several readahead pieces (2 MiB; 64 KiB per
/// column in F order) so that the helper thread and the advice run ahead of the visitor.
fn check_prefetch_modes<T: Scalar + WritableElement + ndarray_npy::ViewElement>() {
    use ndfactor::stream::Prefetch;
    let dir = tempfile::tempdir().unwrap();
    let elem = std::mem::size_of::<T>();
    // C order: rows of 200 values, 2 MiB ≈ 1311 (f64) or 2622 (f32) rows; 8000 rows.
    let ac: Array2<T> = testing::gaussian(8000, 200, &mut testing::rng(30));
    // F order: 64 KiB per column = 8192 (f64) or 16384 (f32) rows; 40000 rows.
    let af: Array2<T> = testing::gaussian(40000, 6, &mut testing::rng(31));
    assert!(ac.len() * elem > 2 * (2 << 20) && 40000 * elem > 2 * (64 << 10));
    let pc = write(dir.path(), "c.npy", &ac);
    let pf = write(dir.path(), "f.npy", &fortran(&af));
    for p in [Prefetch::Off, Prefetch::Advise, Prefetch::Thread] {
        for (path, a) in [(&pc, &ac), (&pf, &af)] {
            let mut f = NpyFile::<T>::open(path).unwrap().prefetch(p);
            assert_eq!(f.prefetch_mode(), p);
            for h in [1, 7, 4096, a.nrows() + 5] {
                assert_eq!(collect(&mut f, h), *a, "{p:?}, {h} rows per block");
            }
        }
        // Shards of both orders, blocks never crossing a shard boundary.
        let p0 = write(dir.path(), "s0.npy", &ac.slice(s![..2500, ..5]).to_owned());
        let p1 = write(
            dir.path(),
            "s1.npy",
            &fortran(&ac.slice(s![2500.., ..5]).to_owned()),
        );
        let mut sh = NpyShards::<T>::open([&p0, &p1]).unwrap().prefetch(p);
        for h in [1, 7, 9000] {
            assert_eq!(
                collect(&mut sh, h),
                ac.slice(s![.., ..5]),
                "{p:?}, shards, {h}"
            );
        }
    }
}

#[test]
fn stream_prefetch_modes_reassemble_exactly_f64() {
    check_prefetch_modes::<f64>();
}

#[test]
fn stream_prefetch_modes_reassemble_exactly_f32() {
    check_prefetch_modes::<f32>();
}

/// A visitor that fails or panics mid-pass stops a prefetching pass (the helper thread
/// returns: no hang), the error is passed on, and the next pass reads the file again.
#[test]
fn stream_prefetch_stops_on_visitor_error_and_panic() {
    use ndfactor::stream::Prefetch;
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = testing::gaussian(5000, 100, &mut testing::rng(32));
    let p = write(dir.path(), "a.npy", &a);
    for mode in [Prefetch::Advise, Prefetch::Thread] {
        let mut f = NpyFile::<f64>::open(&p).unwrap().prefetch(mode);
        let mut seen = 0;
        let r = f.for_each_block(7, &mut |r0, _| {
            seen += 1;
            if r0 >= 700 {
                return Err(Error::Empty { operation: "stop" });
            }
            Ok(())
        });
        assert_eq!(r, Err(Error::Empty { operation: "stop" }));
        assert_eq!(seen, 101); // blocks 0..=100: r0 = 0, 7, …, 700
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = f.for_each_block(64, &mut |r0, _| {
                assert!(r0 < 1280, "visitor panics at row {r0}");
                Ok(())
            });
        }));
        assert!(caught.is_err());
        assert_eq!(collect(&mut f, 333), a);
    }
}

/// The prefetch mode changes when rows are read, never what is computed: the streamed SVD of a
/// file is bitwise the same in every mode (same blocks, same products, same order).
#[test]
fn stream_rsvd_same_bits_in_every_prefetch_mode() {
    use ndfactor::stream::Prefetch;
    let dir = tempfile::tempdir().unwrap();
    let a: Array2<f64> = low_rank_plus_noise(3000, 120, 8, 1e-3, 33);
    let p = write(dir.path(), "a.npy", &a);
    let run = |mode: Prefetch, fused: bool| {
        let mut f = NpyFile::<f64>::open(&p).unwrap().prefetch(mode);
        StreamedRandomizedSvd::new(6)
            .power_iterations(1)
            .block_rows(500)
            .pass_efficient(fused)
            .compute(&mut f)
            .unwrap()
    };
    for fused in [false, true] {
        let off = run(Prefetch::Off, fused);
        for mode in [Prefetch::Advise, Prefetch::Thread] {
            let t = run(mode, fused);
            assert_eq!(t.s(), off.s(), "{mode:?}");
            assert_eq!(t.u(), off.u(), "{mode:?}");
            assert_eq!(t.vt(), off.vt(), "{mode:?}");
        }
    }
}

/// The first pass checks blocks in row sub-blocks of about 256 KiB: a NaN or ∞ deep inside a
/// wide block is still reported at its global row and column, by the randomized SVD and the
/// single-pass sketch, f32 and f64.
fn check_non_finite_in_sub_block<T: Scalar>() {
    // 300 columns: 256 KiB is 109 (f64) or 218 (f32) rows; blocks of 1000 rows.
    let mut a: Array2<T> = testing::gaussian(2500, 300, &mut testing::rng(34));
    for (row, col, v) in [
        (1777, 211, T::from_f64(f64::NAN)),
        (1999, 299, T::from_f64(f64::INFINITY)),
    ] {
        let mut b = a.clone();
        b[(row, col)] = v;
        b[(2400, 5)] = T::from_f64(f64::NAN); // a later one is not the one reported
        for h in [1, 7, 1000, 5000] {
            let e = StreamedRandomizedSvd::new(3)
                .block_rows(h)
                .compute(&mut b.view());
            assert_eq!(e.unwrap_err(), Error::NonFinite { row, col }, "{h}");
        }
        let e = ndfactor::stream::SinglePassSvd::new(3)
            .block_rows(1000)
            .compute(&mut b.view());
        assert_eq!(e.unwrap_err(), Error::NonFinite { row, col });
    }
    a[(0, 0)] = T::from_f64(1.0);
    assert!(StreamedRandomizedSvd::new(3)
        .power_iterations(0)
        .block_rows(1000)
        .compute(&mut a.view())
        .is_ok());
}

#[test]
fn stream_non_finite_in_sub_block_f64() {
    check_non_finite_in_sub_block::<f64>();
}

#[test]
fn stream_non_finite_in_sub_block_f32() {
    check_non_finite_in_sub_block::<f32>();
}

/// `compute_to_npy` (basis and error sketch in a scratch file, `U` written to a `.npy`) against
/// `compute` (everything in memory), for every path of the algorithm: with and without power
/// iterations, pass efficient, with the a-posteriori estimate and with the residual pass, and
/// on exactly rank-deficient data (the basis's Gram matrix is singular, so the LU and
/// Householder fallbacks run on the mapped buffer). Same arithmetic on the same values in
/// another buffer: the results agree to rounding, for which we allow what the in-core
/// comparison allows, `10·(m + n)·l·ε·σ₁` (over the gap for the subspaces).
fn check_on_disk<T: Scalar + WritableElement + ndarray_npy::ViewElement>() {
    let (m, n, k, p) = (90, 14, 4, 3);
    let eps = T::eps().to_f64();
    let tol = 10.0 * ((m + n) * (k + p)) as f64 * eps;
    let geometric: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(0.6f64.powi(i as i32)))
        .collect();
    // Rank 2 exactly: Y = A·Ω has rank 2 < l = 7.
    let deficient: Vec<T::Real> = (0..n)
        .map(|i| T::Real::from_f64(if i < 2 { 1.0 / (i + 1) as f64 } else { 0.0 }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.npy");
    for (name, sv, gap) in [
        ("geometric", &geometric, 0.6f64.powi(3) - 0.6f64.powi(4)),
        ("rank 2", &deficient, 0.5),
    ] {
        let a = testing::with_singular_values::<T>(m, n, sv, &mut testing::rng(21));
        let pc = write(dir.path(), "a.npy", &a);
        let settings = [
            ("q = 0", StreamedRandomizedSvd::new(k).power_iterations(0)),
            ("q = 2", StreamedRandomizedSvd::new(k).power_iterations(2)),
            (
                "pass efficient",
                StreamedRandomizedSvd::new(k)
                    .power_iterations(2)
                    .pass_efficient(true),
            ),
            (
                "estimate",
                StreamedRandomizedSvd::new(k)
                    .power_iterations(1)
                    .error_estimate(5),
            ),
            (
                "residual",
                StreamedRandomizedSvd::new(k)
                    .power_iterations(1)
                    .exact_error(true),
            ),
        ];
        for (what, b) in settings {
            for h in [1, 7, 1000] {
                let b = b.oversamples(p).seed(3).block_rows(h);
                let here = format!("{} {name} {what} h={h}", T::NAME);
                let mem = b.compute(&mut a.view()).unwrap();
                let mut f = NpyFile::<T>::open(&pc).unwrap();
                let disk = b.compute_to_npy(&mut f, &path).unwrap();
                let u = disk.u().unwrap().view().unwrap().to_owned();
                assert_eq!(u.dim(), (m, k), "{here}");
                assert_eq!((disk.rank(), disk.nrows(), disk.vt().dim()), (k, m, (k, n)));
                for (x, y) in disk.s().iter().zip(mem.s()) {
                    let d = (x.to_f64() - y.to_f64()).abs();
                    assert!(d <= tol, "{here}: |Δσ| = {d:e} > {tol:e}");
                }
                // Singular directions are defined where the spectrum has a gap: all k of the
                // geometric spectrum, the first 2 of the rank-2 one.
                let kk = if name == "rank 2" { 2 } else { k };
                let su = sin_angles(u.slice(s![.., ..kk]), mem.u().slice(s![.., ..kk]));
                let v1 = disk.vt().slice(s![..kk, ..]).t().mapv(|x| x.conj());
                let v2 = mem.vt().slice(s![..kk, ..]).t().mapv(|x| x.conj());
                let sv_ = sin_angles(v1.view(), v2.view());
                assert!(
                    su <= tol / gap && sv_ <= tol / gap,
                    "{here}: sin θ {su:e} {sv_:e}"
                );
                let (r1, r2) = (disk.report(), mem.report());
                let df = (r1.frobenius_error.to_f64() - r2.frobenius_error.to_f64()).abs();
                assert!(df <= tol, "{here}: frobenius error differs by {df:e}");
                assert_eq!(
                    std::mem::discriminant(&r1.error_source),
                    std::mem::discriminant(&r2.error_source),
                    "{here}"
                );
                // Only the input and U are in the directory: the scratch file had no name.
                assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "{here}");
            }
        }
    }
}

#[test]
fn stream_rsvd_on_disk_matches_in_memory_f64() {
    check_on_disk::<f64>();
}

#[test]
fn stream_rsvd_on_disk_matches_in_memory_f32() {
    check_on_disk::<f32>();
}

#[test]
fn stream_rsvd_on_disk_matches_in_memory_c64() {
    check_on_disk::<c64>();
}

/// Bad input to `compute_to_npy`: an output directory that does not exist fails before the
/// source is read; a NaN mid-stream, a rank out of range and an empty matrix leave no `U`
/// behind (the output is renamed into place only when complete).
#[test]
fn stream_rsvd_on_disk_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let mut reads = 0;
    let mut src = FnSource::new(30, 5, |_, rows| {
        reads += 1;
        Ok(Array2::<f64>::ones((rows, 5)))
    });
    let r = StreamedRandomizedSvd::new(2).compute_to_npy(&mut src, dir.path().join("no/u.npy"));
    assert!(matches!(r, Err(Error::Io { .. })), "{r:?}");
    assert_eq!(
        reads, 0,
        "nothing is read before the output is known to be writable"
    );

    let mut a: Array2<f64> = testing::gaussian(40, 6, &mut testing::rng(8));
    a[(33, 4)] = f64::NAN;
    let path = dir.path().join("u.npy");
    for h in [1, 7, 100] {
        let r = StreamedRandomizedSvd::new(2)
            .block_rows(h)
            .compute_to_npy(&mut a.view(), &path);
        assert_eq!(r.unwrap_err(), Error::NonFinite { row: 33, col: 4 });
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "h={h}");
    }
    a[(33, 4)] = 0.5;
    assert!(matches!(
        StreamedRandomizedSvd::new(7).compute_to_npy(&mut a.view(), &path),
        Err(Error::InvalidRank { k: 7, max: 6 })
    ));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Rank 0 of an empty matrix: the defined answer, an empty U.
    let t = StreamedRandomizedSvd::new(0)
        .compute_to_npy(&mut Array2::<f64>::zeros((0, 4)), &path)
        .unwrap();
    let u: Array2<f64> = ndarray_npy::read_npy(&path).unwrap();
    assert_eq!((t.rank(), u.dim(), t.vt().dim()), (0, (0, 0), (0, 4)));
}
