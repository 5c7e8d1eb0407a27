//! Replays every input cargo-fuzz saved in `fuzz/crashes/` (each was a failure once; file names
//! start with the target that found them) through the shared harness and its oracles.

mod harness;

#[test]
fn saved_fuzz_inputs_pass_the_oracles() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/crashes");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz/crashes exists") {
        let path = entry.expect("readable entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let family: &[usize] = if name.starts_with("decomp") {
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        } else if name.starts_with("lowrank") {
            &[15, 16, 17, 18, 23]
        } else if name.starts_with("matfun-auto") {
            &[13, 14, 19, 20, 21, 22]
        } else {
            panic!("{name}: unknown fuzz target prefix");
        };
        let data = std::fs::read(&path).expect("readable input");
        harness::run_family(&data, family);
        replayed += 1;
    }
    assert!(replayed >= 9, "only {replayed} saved inputs");
}
