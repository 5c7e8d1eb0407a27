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

/// A zero-filled array of `len` scalars in an unnamed temporary file, mapped read-write: the
/// out-of-core algorithms keep their tall `m×l` bases there when asked to, so that what they
/// hold of size `O(m)` is page cache, which the kernel writes back to the file and evicts under
/// pressure, instead of anonymous memory.
///
/// The file's blocks are reserved when it is created (`posix_fallocate` on Linux), so a full
/// disk is an error here and not a fault on a later write to the map. The file has no name
/// (`O_TMPFILE`, or unlinked at once) and disappears with the value.
pub(crate) struct ScratchArray<T> {
    map: Option<memmap2::MmapMut>,
    len: usize,
    _file: File,
    _elem: std::marker::PhantomData<T>,
}

impl<T: crate::scalar::Scalar> ScratchArray<T> {
    /// `len` zeros in a new temporary file in `dir`.
    pub(crate) fn new_in(dir: &std::path::Path, len: usize) -> std::io::Result<Self> {
        let bytes = len
            .checked_mul(std::mem::size_of::<T>())
            .filter(|&b| i64::try_from(b).is_ok())
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "scratch size overflows")
            })?;
        let file = tempfile::tempfile_in(dir)?;
        if bytes == 0 {
            return Ok(ScratchArray {
                map: None,
                len,
                _file: file,
                _elem: std::marker::PhantomData,
            });
        }
        reserve(&file, bytes)?;
        // SAFETY: the file has no name and its only handle is owned by this value, so no other
        // process or thread can write or truncate it while it is mapped; the map is dropped
        // before the handle (field order) and never outlives this value.
        let map = unsafe { memmap2::MmapMut::map_mut(&file)? };
        Ok(ScratchArray {
            map: Some(map),
            len,
            _file: file,
            _elem: std::marker::PhantomData,
        })
    }

    /// The scalars, mutable.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        let len = self.len;
        match &mut self.map {
            None => &mut [],
            // SAFETY: the map is page aligned (more than any `Scalar`'s alignment, at most 16)
            // and holds `len·size_of::<T>()` bytes (reserved in `new_in`); `T` is one of f32,
            // f64, Complex<f32>, Complex<f64> (`Scalar` is sealed), plain data for which every
            // bit pattern, the file's initial zeros included, is a valid value; the slice
            // borrows `self` mutably, so it is the only reference into the map.
            Some(m) => unsafe { std::slice::from_raw_parts_mut(m.as_mut_ptr().cast::<T>(), len) },
        }
    }

    /// The scalars.
    pub(crate) fn as_slice(&self) -> &[T] {
        match &self.map {
            None => &[],
            // SAFETY: as in `as_mut_slice`; the slice borrows `self` shared, so nothing writes
            // the map while it lives.
            Some(m) => unsafe { std::slice::from_raw_parts(m.as_ptr().cast::<T>(), self.len) },
        }
    }
}

/// Gives `file` a length of `bytes`, with its blocks allocated where the platform can do so.
#[cfg(target_os = "linux")]
fn reserve(file: &File, bytes: usize) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let len = libc::off_t::try_from(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "scratch too large"))?;
    // SAFETY: `file` is an open descriptor owned by the caller for the whole call; the call
    // only allocates blocks of that file.
    let rc = unsafe { libc::posix_fallocate(file.as_raw_fd(), 0, len) };
    match rc {
        0 => Ok(()),
        // Filesystems without fallocate support: a sparse file of the right length.
        libc::EOPNOTSUPP | libc::EINVAL => file.set_len(bytes as u64),
        e => Err(std::io::Error::from_raw_os_error(e)),
    }
}

/// Gives `file` a length of `bytes` (sparse).
#[cfg(not(target_os = "linux"))]
fn reserve(file: &File, bytes: usize) -> std::io::Result<()> {
    file.set_len(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_complex::Complex64;

    #[test]
    fn scratch_is_zeroed_writable_and_sized() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = ScratchArray::<Complex64>::new_in(dir.path(), 1000).unwrap();
        assert_eq!(s.as_slice().len(), 1000);
        // Exact by construction: the file's zero bits are 0.0 + 0.0i, and 999.0 is an integer
        // stored and read back without arithmetic.
        assert!(s.as_slice().iter().all(|z| z.re == 0.0 && z.im == 0.0));
        for (i, z) in s.as_mut_slice().iter_mut().enumerate() {
            *z = Complex64::new(i as f64, -(i as f64));
        }
        assert_eq!(s.as_slice()[999], Complex64::new(999.0, -999.0));
        // Unnamed: nothing is left in the directory.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut e = ScratchArray::<f32>::new_in(dir.path(), 0).unwrap();
        assert!(e.as_mut_slice().is_empty());
    }

    #[test]
    fn scratch_in_a_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(ScratchArray::<f64>::new_in(&dir.path().join("missing"), 10).is_err());
    }
}
