//! Text set aside on disk while a build runs. A build makes every page's HTML (and every
//! highlighted code block) while it reads the book, but writes each page later, and the
//! print page needs every body once more at the end: at 10,000 pages that is hundreds of
//! megabytes held for the whole build. Instead the text goes to an unnamed temporary file
//! (removed by the system when the process ends, however it ends) and is read back when it
//! is written. Reading back costs a copy from the page cache; holding it cost the memory.
//!
//! Texts are written and read at their own offsets (`pwrite`, `pread`): an offset is reserved
//! by one atomic addition, so threads putting and getting pages never wait on each other.

use std::sync::atomic::{AtomicU64, Ordering};

pub struct Spill {
    file: std::fs::File,
    /// Bytes reserved so far: the next text goes here.
    len: AtomicU64,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spill")
    }
}

impl Spill {
    /// A new spill, or `None` when no temporary file can be made (callers then keep the
    /// text in memory).
    pub fn new() -> Option<Spill> {
        let file = tempfile::tempfile().ok()?;
        Some(Spill {
            file,
            len: AtomicU64::new(0),
        })
    }

    /// Sets `text` aside; returns where it is, or `None` when it could not be written (the
    /// caller keeps it in memory; the place reserved for it is never read).
    pub fn put(&self, text: &str) -> Option<(u64, usize)> {
        let at = self.len.fetch_add(text.len() as u64, Ordering::Relaxed);
        write_at(&self.file, text.as_bytes(), at).ok()?;
        Some((at, text.len()))
    }

    /// The text put at `at`, `len` bytes long; `None` when it cannot be read back whole.
    pub fn get(&self, at: u64, len: usize) -> Option<String> {
        let mut buf = vec![0; len];
        read_at(&self.file, &mut buf, at).ok()?;
        String::from_utf8(buf).ok()
    }
}

#[cfg(unix)]
fn write_at(file: &std::fs::File, bytes: &[u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, at)
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn write_at(file: &std::fs::File, mut bytes: &[u8], mut at: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        bytes = &bytes[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_read(file, buf, at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
        at += n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_read_back_as_put_in_any_order() {
        let spill = Spill::new().expect("temporary file");
        let a = spill.put("<p>première</p>").expect("put");
        let b = spill.put("").expect("put");
        let c = spill.put("<p>second</p>").expect("put");
        assert_eq!(spill.get(c.0, c.1).as_deref(), Some("<p>second</p>"));
        assert_eq!(spill.get(a.0, a.1).as_deref(), Some("<p>première</p>"));
        assert_eq!(spill.get(b.0, b.1).as_deref(), Some(""));
        // Past the end is not there.
        assert_eq!(spill.get(c.0, c.1 + 10), None);
    }
}
