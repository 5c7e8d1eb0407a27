//! Signs of determinants. For real input the sign of every determinant path is exactly +1 or
//! −1 (as NumPy's `slogdet` gives): it is a product of exact ±1 factors, never of rounded
//! `uᵢ/|uᵢ|`, so comparing it with `==` is exact by construction. For complex input the sign has
//! modulus 1 to rounding and its phase is checked against a matrix whose determinant is known.
use ndarray::{Array1, Array2};
use ndfactor::testing;
use ndfactor::{auto, Cholesky, Ldlt, Lu, RealScalar, Scalar, Symmetry, TridiagonalLu, Uplo};

/// `A = Q·diag(d)·Qᴴ` with a Haar unitary `Q` and `|dⱼ| ∈ [1, 2]`: κ₂(A) ≤ 2 and
/// `det A = ∏ dⱼ` exactly in exact arithmetic. `negatives` of the real parts are negative.
fn known_det<T: Scalar>(
    n: usize,
    negatives: usize,
    complex_phases: bool,
    hermitian: bool,
    rng: &mut impl rand::Rng,
) -> (Array2<T>, Vec<T>) {
    let q: Array2<T> = testing::random_unitary(n, rng);
    let d: Vec<T> = (0..n)
        .map(|j| {
            let mag = 1.0 + (j as f64 + 0.5) / n as f64;
            let sign = if j < negatives { -1.0 } else { 1.0 };
            if complex_phases && T::IS_COMPLEX {
                let theta = 2.0 * std::f64::consts::PI * (j as f64 * 0.618_033_988_75).fract();
                T::from_parts(
                    T::Real::from_f64(mag * theta.cos()),
                    T::Real::from_f64(mag * theta.sin()),
                )
            } else {
                T::from_real(T::Real::from_f64(sign * mag))
            }
        })
        .collect();
    let qd = Array2::from_shape_fn((n, n), |(i, j)| q[(i, j)] * d[j]);
    let a = if hermitian {
        qd.dot(&q.t().mapv(|x| x.conj()))
    } else {
        // Complex symmetric: Q·D·Qᵀ, whose determinant is ∏dⱼ·det(Q)², with det(Q)² a unit
        // phase computed below from the LU of Q.
        qd.dot(&q.t())
    };
    (a, d)
}

fn expected_sign_real(n: usize, negatives: usize) -> f64 {
    // det(Q)² = 1 for real orthogonal Q, so sign = (−1)^negatives.
    let _ = n;
    if negatives % 2 == 1 {
        -1.0
    } else {
        1.0
    }
}

fn assert_real_sign<T: Scalar>(what: &str, sign: T, expected: f64) {
    let one = T::Real::from_f64(1.0);
    // Exact by construction: a product of exact ±1 factors.
    assert!(
        sign == T::from_real(one) || sign == T::from_real(-one),
        "{what}: {} sign {sign:?} is not exactly ±1",
        T::NAME
    );
    assert_eq!(
        sign.re().to_f64(),
        expected,
        "{what}: {} wrong sign",
        T::NAME
    );
}

fn real_signs<T: Scalar>() {
    let mut rng = testing::rng(0x5167_0001);
    for &n in &[1usize, 2, 5, 30, 50, 200] {
        for negatives in [0, 1, n / 2, n] {
            let (a, _) = known_det::<T>(n, negatives, false, true, &mut rng);
            let expected = expected_sign_real(n, negatives);
            let lu = Lu::new(&a).unwrap();
            assert_real_sign("Lu::ln_abs_det", lu.ln_abs_det().0, expected);
            let ld = Ldlt::new(&a).unwrap();
            assert_real_sign("Ldlt::ln_abs_det", ld.ln_abs_det().0, expected);
            let det = auto::det(&a).unwrap();
            assert_eq!(det.re().to_f64().signum(), expected, "auto::det n={n}");
        }
        // Gaussian matrices, where the issue was seen (30, 50, 200): the sign agrees with det's.
        let g: Array2<T> = testing::gaussian(n, n, &mut rng);
        let lu = Lu::new(&g).unwrap();
        let (sign, _) = lu.ln_abs_det();
        assert_real_sign(
            "Lu::ln_abs_det (Gaussian)",
            sign,
            lu.det().re().to_f64().signum(),
        );
        // Tridiagonal: the Gaussian matrix's three diagonals.
        let dl = Array1::from_shape_fn(n.saturating_sub(1), |i| g[(i + 1, i)]);
        let d = Array1::from_shape_fn(n, |i| g[(i, i)]);
        let du = Array1::from_shape_fn(n.saturating_sub(1), |i| g[(i, i + 1)]);
        let t = TridiagonalLu::new(&dl, &d, &du).unwrap();
        let (sign, _) = t.ln_abs_det();
        let det_sign = t.det().re().to_f64().signum();
        if det_sign.is_finite() && t.det() != T::zero() {
            assert_real_sign("TridiagonalLu::ln_abs_det", sign, det_sign);
        }
        // SPD: Cholesky's determinant is a product of squares, never negative (it may
        // underflow to 0 in f32 at n = 200; ln_det does not).
        let spd: Array2<T> = testing::random_spd(n, T::Real::from_f64(10.0), &mut rng);
        let c = Cholesky::new(&spd).unwrap();
        assert!(c.det() >= T::Real::from_f64(0.0) && c.ln_det().is_finite());
    }
}

fn complex_signs<T: Scalar>() {
    let mut rng = testing::rng(0x5167_0002);
    let eps = T::eps().to_f64();
    for &n in &[1usize, 5, 30, 50, 200] {
        // κ₂ ≤ 2 and backward-stable LU: det's relative error is O(n·ε) (first order,
        // δdet/det = tr(A⁻¹δA)); 20·n·ε leaves room for the growth factor of partial pivoting.
        let tol = 20.0 * n as f64 * eps;
        let (a, d) = known_det::<T>(n, 0, true, true, &mut rng);
        let exact = d
            .iter()
            .fold(num_complex::Complex64::new(1.0, 0.0), |p, x| {
                p * num_complex::Complex64::new(x.re().to_f64(), x.im().to_f64())
            });
        let phase = exact / exact.norm();
        let (sign, _) = Lu::new(&a).unwrap().ln_abs_det();
        let s = num_complex::Complex64::new(sign.re().to_f64(), sign.im().to_f64());
        assert!(
            (s.norm() - 1.0).abs() <= 4.0 * eps,
            "{} n={n} |sign|={}",
            T::NAME,
            s.norm()
        );
        assert!(
            (s - phase).norm() <= tol,
            "{} n={n} sign {s} vs {phase}",
            T::NAME
        );

        // Hermitian LDLᴴ: the determinant is real, so the sign is exactly ±1 (exact by
        // construction: chosen from the real part), here +1 (no negative dⱼ).
        let (h, _) = known_det::<T>(n, n / 2, false, true, &mut rng);
        let sign = Ldlt::new(&h).unwrap().ln_abs_det().0;
        assert_real_sign("Ldlt (Hermitian)", sign, expected_sign_real(n, n / 2));

        // Complex symmetric LDLᵀ: the sign matches LU's of the same matrix (two different
        // factorizations of one determinant) to the same tolerance.
        let (cs, _) = known_det::<T>(n, 0, true, false, &mut rng);
        let s1 = Lu::new(&cs).unwrap().ln_abs_det().0;
        let s2 = Ldlt::with_options(&cs, Uplo::Lower, Symmetry::Symmetric)
            .unwrap()
            .ln_abs_det()
            .0;
        assert!(
            (s2.abs().to_f64() - 1.0).abs() <= 4.0 * eps,
            "{} n={n}",
            T::NAME
        );
        assert!(
            (s1 - s2).abs().to_f64() <= 2.0 * tol,
            "{} n={n}: {s1:?} vs {s2:?}",
            T::NAME
        );
    }
}

#[test]
fn real_f32() {
    real_signs::<f32>();
}
#[test]
fn real_f64() {
    real_signs::<f64>();
}
#[test]
fn complex_c32() {
    complex_signs::<ndfactor::c32>();
}
#[test]
fn complex_c64() {
    complex_signs::<ndfactor::c64>();
}
