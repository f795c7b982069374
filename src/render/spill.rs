//! Page bodies set aside for the print page. A build makes each page's HTML only while it
//! writes that page (see [`crate::page::Body`]); the print page, written after the pages,
//! needs every body again. Rather than hold them all in memory, or make them a second time,
//! the pages put their bodies in an unnamed temporary file as they are made, and the print
//! page reads them back one at a time. A body that is not there (its page was carried over
//! from the last build) is made again.

use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Mutex;

pub struct Spill {
    inner: Mutex<Inner>,
}

struct Inner {
    file: std::fs::File,
    len: u64,
    /// Where each page's body is in the file, by page index.
    places: Vec<Option<(u64, usize)>>,
    /// A write failed: nothing more is put, and what is missing is made again.
    failed: bool,
}

impl Spill {
    /// A spill for a site of `pages` pages, or `None` when no temporary file can be made.
    pub fn new(pages: usize) -> Option<Spill> {
        let file = tempfile::tempfile().ok()?;
        Some(Spill {
            inner: Mutex::new(Inner {
                file,
                len: 0,
                places: vec![None; pages],
                failed: false,
            }),
        })
    }

    /// Sets aside the body of page `page`.
    pub fn put(&self, page: usize, html: &str) {
        let Ok(mut s) = self.inner.lock() else { return };
        if s.failed || page >= s.places.len() {
            return;
        }
        if s.file.write_all(html.as_bytes()).is_err() {
            s.failed = true;
            return;
        }
        let at = s.len;
        s.len += html.len() as u64;
        s.places[page] = Some((at, html.len()));
    }

    /// The body of page `page`, when it was set aside and reads back whole.
    pub fn get(&self, page: usize) -> Option<String> {
        let mut s = self.inner.lock().ok()?;
        let (at, len) = (*s.places.get(page)?)?;
        let mut buf = vec![0; len];
        s.file.seek(SeekFrom::Start(at)).ok()?;
        s.file.read_exact(&mut buf).ok()?;
        // The file is written only by `put`, at the end.
        s.file.seek(SeekFrom::End(0)).ok()?;
        String::from_utf8(buf).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_read_back_as_put_and_missing_ones_are_none() {
        let spill = Spill::new(3).expect("temporary file");
        spill.put(2, "<p>second</p>");
        spill.put(0, "<p>première</p>");
        assert_eq!(spill.get(0).as_deref(), Some("<p>première</p>"));
        spill.put(5, "out of range");
        assert_eq!(spill.get(2).as_deref(), Some("<p>second</p>"));
        assert_eq!(spill.get(1), None);
        assert_eq!(spill.get(5), None);
    }
}
