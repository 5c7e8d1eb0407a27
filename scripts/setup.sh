#!/usr/bin/env bash
# Installs what ndfactor needs on a fresh Debian/Ubuntu machine that has only the Rust toolchain:
# the system OpenBLAS (libopenblas-dev) and pkg-config; with --netlib also the reference
# LAPACK/BLAS and gfortran (for the netlib-system backend); with --mpi Open MPI, ScaLAPACK and
# libclang (for feature `mpi`); cargo-nextest for the test runner.
# Nothing is installed when it is already there. Uses sudo when not root.
set -euo pipefail

want_netlib=0
want_mpi=0
for arg in "$@"; do
  case "$arg" in
    --netlib) want_netlib=1 ;;
    --mpi) want_mpi=1 ;;
    *) echo "setup: unknown option $arg (known: --netlib, --mpi)" >&2; exit 2 ;;
  esac
done

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: not root and no sudo; install these by hand: libopenblas-dev pkg-config" >&2
  fi
fi

pkgs=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_pkg libopenblas-dev || pkgs+=(libopenblas-dev)
have_pkg pkg-config || command -v pkg-config >/dev/null 2>&1 || pkgs+=(pkg-config)
if [ "$want_netlib" = 1 ]; then
  have_pkg liblapack-dev || pkgs+=(liblapack-dev)
  have_pkg libblas-dev || pkgs+=(libblas-dev)
  have_pkg gfortran || pkgs+=(gfortran)
fi
if [ "$want_mpi" = 1 ]; then
  # Feature `mpi`: Open MPI, ScaLAPACK with BLACS built for it, and libclang for the MPI
  # bindings' build.
  for p in openmpi-bin libopenmpi-dev libscalapack-openmpi-dev libclang-dev; do
    have_pkg "$p" || pkgs+=("$p")
  done
fi

if [ "${#pkgs[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${pkgs[*]} (apt-get)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    echo "setup: please install the system packages for: ${pkgs[*]}" >&2
    exit 1
  fi
fi

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "setup: installing cargo-nextest (cargo install)"
  cargo install --locked cargo-nextest >/dev/null 2>&1 || echo "setup: cargo-nextest unavailable; tests will run with cargo test" >&2
fi
