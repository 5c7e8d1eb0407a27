//! The library loaded at run time is the one the backend feature chose.

#[test]
fn loaded_lapack_matches_the_backend_feature() {
    let b = ndfactor::backend();
    println!("LAPACK in use: {b}");
    if cfg!(any(
        feature = "openblas-system",
        feature = "openblas-static"
    )) {
        assert!(b.starts_with("OpenBLAS"), "{b}");
    }
    if cfg!(any(feature = "netlib-system", feature = "netlib-static")) {
        // On Debian, liblapack.so.3 is an alternative that may point at OpenBLAS: ndfactor's
        // build script links the reference directories with an rpath so it really runs them.
        assert!(
            !b.starts_with("OpenBLAS"),
            "netlib backend chosen but OpenBLAS is loaded: {b}"
        );
    }
}

#[test]
fn xerbla_stays_silent_across_normal_use() {
    // Factor and solve a few matrices; no LAPACK argument error may be recorded on the way
    // (a recorded one would have come back as Error::IllegalArgument).
    let a = ndarray::array![[4.0f64, 1.0], [1.0, 3.0]];
    let lu = ndfactor::Lu::new(&a).unwrap();
    assert!(lu.solve(&ndarray::array![1.0, 2.0]).is_ok());
    assert!(lu.inverse().is_ok());
    assert!(lu.rcond() > 0.0);
}
