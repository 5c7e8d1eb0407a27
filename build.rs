//! Probes the system LAPACK/BLAS chosen by the backend feature and fails with one clear sentence
//! when it is missing, instead of an obscure linker error later.

use std::env;
use std::path::Path;

fn feature(name: &str) -> bool {
    env::var_os(format!(
        "CARGO_FEATURE_{}",
        name.to_uppercase().replace('-', "_")
    ))
    .is_some()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if env::var_os("DOCS_RS").is_some() {
        return;
    }
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if feature("openblas-system")
        && target_os == "linux"
        && pkg_config::Config::new()
            .cargo_metadata(false)
            .probe("openblas")
            .is_err()
    {
        panic!(
            "\n\nndfactor: the system OpenBLAS library was not found (pkg-config openblas). \
             Install it (Debian/Ubuntu: `sudo apt-get install libopenblas-dev`; Fedora: \
             `sudo dnf install openblas-devel`), or choose another backend feature.\n\n"
        );
    }
    if feature("openblas64-system") {
        // No `*-src` crate links the 64-bit-integer OpenBLAS: find it and link it here. Debian
        // installs it as libopenblas64 (alternatives in the default library path, the flavours
        // in openblas64-{pthread,openmp,serial}/).
        let probe = pkg_config::Config::new()
            .cargo_metadata(false)
            .probe("openblas64");
        let triplet = match env::var("CARGO_CFG_TARGET_ARCH").as_deref() {
            Ok("x86_64") => "x86_64-linux-gnu",
            Ok("aarch64") => "aarch64-linux-gnu",
            _ => "",
        };
        let dirs: Vec<String> = match &probe {
            Ok(lib) => lib
                .link_paths
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            Err(_) => [
                "",
                "openblas64-pthread",
                "openblas64-openmp",
                "openblas64-serial",
            ]
            .iter()
            .map(|sub| format!("/usr/lib/{triplet}/{sub}"))
            .collect(),
        };
        let Some(dir) = dirs
            .iter()
            .find(|d| Path::new(d).join("libopenblas64.so").exists())
        else {
            panic!(
                "\n\nndfactor: the 64-bit-integer OpenBLAS (libopenblas64.so) was not found. \
                 Install it (Debian/Ubuntu: `sudo apt-get install libopenblas64-dev`), or choose \
                 another backend feature.\n\n"
            );
        };
        println!("cargo:rustc-link-search=native={dir}");
        println!("cargo:rustc-link-lib=dylib=openblas64");
    }
    if feature("mpi") {
        // ScaLAPACK with BLACS over Open MPI (Debian: libscalapack-openmpi-dev); the mpi crate
        // links the MPI library itself. Its Fortran INTEGER is 32 bits.
        let found = [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
        ]
        .iter()
        .find(|d| Path::new(d).join("libscalapack-openmpi.so").exists());
        match (found, env::var("NDFACTOR_SCALAPACK_LIB")) {
            (_, Ok(lib)) => println!("cargo:rustc-link-lib=dylib={lib}"),
            (Some(dir), Err(_)) => {
                println!("cargo:rustc-link-search=native={dir}");
                println!("cargo:rustc-link-lib=dylib=scalapack-openmpi");
            }
            (None, Err(_)) => panic!(
                "\n\nndfactor: feature `mpi` needs ScaLAPACK built for Open MPI \
                 (libscalapack-openmpi.so). Install it (Debian/Ubuntu: `sudo apt-get install \
                 openmpi-bin libopenmpi-dev libscalapack-openmpi-dev libclang-dev`), or name another \
                 ScaLAPACK library with NDFACTOR_SCALAPACK_LIB (and its directory in \
                 RUSTFLAGS=-L).\n\n"
            ),
        }
        println!("cargo:rerun-if-env-changed=NDFACTOR_SCALAPACK_LIB");
    }
    if feature("netlib-system") && target_os == "linux" {
        // Debian/Ubuntu keep the reference libraries in their own directories, while
        // /usr/lib/<triplet>/lib{blas,lapack}.so.3 are alternatives that point at OpenBLAS
        // whenever it is installed. Link and run the reference ones for real.
        let triplet = match env::var("CARGO_CFG_TARGET_ARCH").as_deref() {
            Ok("x86_64") => "x86_64-linux-gnu",
            Ok("aarch64") => "aarch64-linux-gnu",
            _ => "",
        };
        let blas = format!("/usr/lib/{triplet}/blas");
        let lapack = format!("/usr/lib/{triplet}/lapack");
        let found = |dir: &str, lib: &str| Path::new(dir).join(format!("lib{lib}.so")).exists();
        if !triplet.is_empty() && found(&blas, "blas") && found(&lapack, "lapack") {
            println!("cargo:rustc-link-search=native={blas}");
            println!("cargo:rustc-link-search=native={lapack}");
            // Applies to this package's tests, examples and benches. DT_RPATH (not RUNPATH) so
            // that liblapack's own dependency on libblas.so.3 resolves to the reference one too.
            println!("cargo:rustc-link-arg=-Wl,--disable-new-dtags");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{blas}:{lapack}");
        } else if pkg_config::Config::new()
            .cargo_metadata(false)
            .probe("lapack")
            .is_err()
        {
            panic!(
                "\n\nndfactor: the reference LAPACK/BLAS libraries were not found. Install them \
                 (Debian/Ubuntu: `sudo apt-get install liblapack-dev libblas-dev gfortran`), or \
                 choose another backend feature.\n\n"
            );
        }
    }
}
