//! Large buffers and transparent huge pages.
//!
//! The first write to each 4 KiB page of a fresh allocation is a page fault, and on a large
//! buffer the faults can cost more than the first pass over it (figures in
//! docs/bench/implementation-notes.md). Linux can back memory with 2 MiB pages instead, one
//! fault per 2 MiB, but in the common `madvise` setting only for ranges the program asks for.
//! NumPy asks for every array of 4 MiB or more (`madvise(MADV_HUGEPAGE)`, NumPy 1.16 on); so
//! does ndfactor, for every buffer it allocates through [`alloc`] (input copies, outputs,
//! workspaces).
//!
//! The advice changes neither contents nor correctness; it may make the resident size grow by
//! up to 2 MiB per buffer. `ndfactor::set_huge_pages(false)` or the environment variable
//! `NDFACTOR_HUGE_PAGES=0` turns it off.

use std::sync::atomic::{AtomicU8, Ordering};

/// Buffers of at least this many bytes get the advice (NumPy's threshold).
pub(crate) const HUGE_PAGE_MIN_BYTES: usize = 4 << 20;

/// 0: not read yet; 1: on; 2: off.
static HUGE_PAGES: AtomicU8 = AtomicU8::new(0);

/// Whether large buffers are advised to use huge pages. The first call reads
/// `NDFACTOR_HUGE_PAGES` (`0`, `false` or `off` turn it off).
pub(crate) fn huge_pages() -> bool {
    match HUGE_PAGES.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let off = std::env::var("NDFACTOR_HUGE_PAGES")
                .map(|v| matches!(v.trim(), "0" | "false" | "off"))
                .unwrap_or(false);
            // A concurrent `set_huge_pages` wins over the environment.
            let _ = HUGE_PAGES.compare_exchange(
                0,
                if off { 2 } else { 1 },
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
            HUGE_PAGES.load(Ordering::Relaxed) == 1
        }
    }
}

/// Turns the advice on or off for buffers allocated from now on; returns the previous setting.
pub(crate) fn set_huge_pages(on: bool) -> bool {
    let before = huge_pages();
    HUGE_PAGES.store(if on { 1 } else { 2 }, Ordering::Relaxed);
    before
}

/// An empty vector with room for `cap` elements. When that is at least
/// [`HUGE_PAGE_MIN_BYTES`] and huge pages are on, the kernel is asked, before any page of it is
/// touched, to back the 2 MiB-aligned part of the allocation with huge pages.
pub(crate) fn alloc<T>(cap: usize) -> Vec<T> {
    let v = Vec::with_capacity(cap);
    let bytes = v.capacity().saturating_mul(std::mem::size_of::<T>());
    if bytes >= HUGE_PAGE_MIN_BYTES && huge_pages() {
        advise_huge(v.as_ptr() as usize, bytes);
    }
    v
}

/// `madvise(MADV_HUGEPAGE)` on the 2 MiB-aligned pages inside `[addr, addr + bytes)`.
#[cfg(target_os = "linux")]
fn advise_huge(addr: usize, bytes: usize) {
    const HUGE: usize = 2 << 20;
    let start = addr.next_multiple_of(HUGE);
    let end = (addr + bytes) / HUGE * HUGE;
    if end > start {
        // SAFETY: [start, end) lies inside one live allocation of `bytes` bytes at `addr` (the
        // vector's buffer), and both ends are page-aligned as madvise requires. MADV_HUGEPAGE
        // only marks the range as eligible for huge pages: it neither reads, writes nor unmaps
        // memory, so no Rust object can observe it. Failure (EINVAL on kernels without
        // transparent huge pages) leaves the range as it was, so the result is ignored.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_addr: usize, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alloc_gives_the_capacity_asked_for_with_and_without_advice() {
        for cap in [0, 1, 1000, (HUGE_PAGE_MIN_BYTES / 8) + 3, 3 << 20] {
            let mut v = alloc::<f64>(cap);
            assert!(v.capacity() >= cap && v.is_empty());
            v.resize(cap, 1.5);
            assert!(v.iter().all(|&x| x == 1.5));
        }
    }
}
