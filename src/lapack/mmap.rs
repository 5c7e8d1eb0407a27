//! Read-only memory maps of files (out-of-core sources, `crate::stream`).

use std::fs::File;

/// Maps `file` read-only and advises the kernel that it will be read sequentially.
pub(crate) fn map_readonly(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to the caller, which only ever reads it as bytes
    // through shared slices. Another process truncating the file while it is mapped would make
    // reads past the new end fault (SIGBUS): the stream sources check the file's length and
    // modification time at the start of every pass and document that files must not be
    // modified while they are read.
    let map = unsafe { memmap2::Mmap::map(file)? };
    #[cfg(unix)]
    {
        // Advice only: a failure changes speed, never results.
        let _ = map.advise(memmap2::Advice::Sequential);
    }
    Ok(map)
}
