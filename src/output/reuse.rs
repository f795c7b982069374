//! Carrying files over from the previous build: a build that renders a file from exactly the
//! inputs the last build rendered it from hard-links the old file into the new site instead of
//! rendering and writing it again.
//!
//! Each file a build writes is recorded with a [`Key`]: a 128-bit hash of everything its bytes
//! are made of (the running executable, the templates and the whole view a template sees, or
//! the search documents), with the file's size and modification time. The record is kept in
//! the book's cache folder (`.opsbook-cache/<output name>.outputs`, see [`crate::cache_dir`]), written only
//! once the new site is in place. The next build carries a file over only when its key is the
//! same and the old file still has the recorded size and time, so a file edited or replaced
//! in the output folder by hand is rendered again. Deleting the cache folder, or building
//! into a new folder, renders everything.

use std::fs;
use std::path::Path;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;

use crate::fingerprint::Key;

/// The record file's first line.
const HEADER: &str = "opsbook outputs 1";

/// One file of a build's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub len: u64,
    /// Modification time, in nanoseconds since 1970.
    pub mtime: i128,
}

impl Entry {
    /// The entry of the file at `path` (inside the site) as it is on disk now.
    pub fn of(path: String, meta: &fs::Metadata) -> Option<Entry> {
        Some(Entry {
            path,
            len: meta.len(),
            mtime: mtime_of(meta)?,
        })
    }

    /// Whether `file` is still the file this entry recorded.
    pub fn matches(&self, file: &Path) -> bool {
        match fs::symlink_metadata(file) {
            Ok(m) => m.is_file() && m.len() == self.len && mtime_of(&m) == Some(self.mtime),
            Err(_) => false,
        }
    }
}

fn mtime_of(meta: &fs::Metadata) -> Option<i128> {
    let t = meta.modified().ok()?;
    let d = t.duration_since(UNIX_EPOCH).ok()?;
    Some(d.as_nanos() as i128)
}

/// What the last build wrote, by key.
#[derive(Debug, Default)]
pub struct Record {
    pub by_key: FxHashMap<Key, Vec<Entry>>,
}

impl Record {
    /// Reads a record; anything unreadable or malformed is no record (everything is rendered).
    pub fn load(file: &Path) -> Option<Record> {
        let text = String::from_utf8(crate::cache_dir::read(file)?).ok()?;
        let mut lines = text.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut by_key: FxHashMap<Key, Vec<Entry>> = FxHashMap::default();
        for line in lines {
            if line.is_empty() {
                continue;
            }
            let mut parts = line.splitn(4, ' ');
            let key = Key::from_str_radix(parts.next()?, 16).ok()?;
            let len = parts.next()?.parse().ok()?;
            let mtime = parts.next()?.parse().ok()?;
            let path = parts.next()?.to_string();
            by_key.entry(key).or_default().push(Entry { path, len, mtime });
        }
        Some(Record { by_key })
    }

    /// Writes the record of a build, replacing the last one. Entries whose path cannot be
    /// written on one line are left out (those files are rendered every time).
    pub fn save(file: &Path, entries: &[(Key, Entry)]) -> anyhow::Result<()> {
        let mut out = String::with_capacity(entries.len() * 96 + HEADER.len() + 1);
        out.push_str(HEADER);
        out.push('\n');
        let mut sorted: Vec<&(Key, Entry)> = entries.iter().collect();
        sorted.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        for (key, e) in sorted {
            if e.path.contains(['\n', '\r']) {
                continue;
            }
            out.push_str(&format!("{key:032x} {} {} {}\n", e.len, e.mtime, e.path));
        }
        if let Some(dir) = file.parent() {
            anyhow::ensure!(crate::cache_dir::mark(dir), "the cache folder is not opsbook's own");
        }
        crate::output::replace_file(file, out.as_bytes(), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".opsbook-cache/site.outputs");
        let entries = vec![
            (
                7u128,
                Entry {
                    path: "a b/index.html".into(),
                    len: 3,
                    mtime: 1_700_000_000_123_456_789,
                },
            ),
            (
                7u128,
                Entry {
                    path: "c.js".into(),
                    len: 0,
                    mtime: 5,
                },
            ),
            (
                9u128,
                Entry {
                    path: "bad\nname".into(),
                    len: 1,
                    mtime: 1,
                },
            ),
        ];
        Record::save(&file, &entries).unwrap();
        let record = Record::load(&file).unwrap();
        assert_eq!(record.by_key.get(&7).map(Vec::len), Some(2));
        assert!(
            !record.by_key.contains_key(&9),
            "a path with a line break is not recorded"
        );
        assert_eq!(record.by_key[&7][0].path, "a b/index.html");
        assert_eq!(record.by_key[&7][0].mtime, 1_700_000_000_123_456_789);
    }

    #[test]
    fn a_damaged_record_is_no_record() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.outputs");
        fs::write(&file, format!("{HEADER}\nnot-hex 1 2 p\n")).unwrap();
        assert!(Record::load(&file).is_none());
        fs::write(&file, "opsbook outputs 0\n").unwrap();
        assert!(Record::load(&file).is_none());
    }
}
