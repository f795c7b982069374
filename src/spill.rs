//! Text set aside on disk while a build runs. A build makes every page's HTML (and every
//! highlighted code block) while it reads the book, but writes each page later, and the
//! print page needs every body once more at the end: at 10,000 pages that is hundreds of
//! megabytes held for the whole build. Instead the text goes to an unnamed temporary file
//! (removed by the system when the process ends, however it ends) and is read back when it
//! is written. Reading back costs a copy from the page cache; holding it cost the memory.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

pub struct Spill {
    inner: Mutex<Inner>,
}

struct Inner {
    file: std::fs::File,
    len: u64,
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
            inner: Mutex::new(Inner { file, len: 0 }),
        })
    }

    /// Sets `text` aside; returns where it is, or `None` when it could not be written (the
    /// caller keeps it in memory).
    pub fn put(&self, text: &str) -> Option<(u64, usize)> {
        let mut s = self.inner.lock().ok()?;
        let at = s.len;
        if s.file.write_all(text.as_bytes()).is_err() {
            // Whatever part was written is never read; the next text goes after it.
            s.len = s.file.seek(SeekFrom::End(0)).ok()?;
            return None;
        }
        s.len += text.len() as u64;
        Some((at, text.len()))
    }

    /// The text put at `at`, `len` bytes long; `None` when it cannot be read back whole.
    pub fn get(&self, at: u64, len: usize) -> Option<String> {
        let mut s = self.inner.lock().ok()?;
        let mut buf = vec![0; len];
        s.file.seek(SeekFrom::Start(at)).ok()?;
        let read = s.file.read_exact(&mut buf);
        // Texts are only ever appended.
        s.file.seek(SeekFrom::End(0)).ok()?;
        read.ok()?;
        String::from_utf8(buf).ok()
    }
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
