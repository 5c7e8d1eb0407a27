//! Benchmarks and cross-validation of ndfactor against its peers (not published).
