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
use std::io::{self, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use rustc_hash::FxHashMap;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// What a file is made from, hashed.
pub type Key = u128;

/// The record file's first line.
const HEADER: &str = "opsbook outputs 1";

/// A streaming hash of the inputs of a file. Small pieces (a view is serialized field by
/// field) are gathered in a buffer and hashed a few kilobytes at a time: the hash sees the
/// same bytes, without a call into it for each piece.
pub struct KeyHasher {
    hash: Xxh3,
    pending: Vec<u8>,
}

/// Bytes gathered before they are hashed.
const PENDING: usize = 8 * 1024;
/// A piece this long is hashed without being copied.
const LONG: usize = 256;

impl KeyHasher {
    /// A hasher seeded with the executable, so that another opsbook (which may render the
    /// same inputs differently) never takes over this one's files.
    pub fn new() -> Option<KeyHasher> {
        let mut h = KeyHasher {
            hash: Xxh3::new(),
            pending: Vec::new(),
        };
        h.feed(&build_id()?.to_le_bytes());
        Some(h)
    }

    fn feed(&mut self, b: &[u8]) {
        // Long pieces go to the hash as they are, after what is pending.
        if b.len() >= LONG || self.pending.len() + b.len() > PENDING {
            self.hash.update(&self.pending);
            self.pending.clear();
            if b.len() >= LONG {
                self.hash.update(b);
                return;
            }
        }
        self.pending.extend_from_slice(b);
    }

    /// Adds a string, delimited so that two strings never read as one.
    pub fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    /// Adds bytes, delimited by their length.
    pub fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.feed(&(b.len() as u64).to_le_bytes());
        self.feed(b);
        self
    }

    pub fn key(&mut self, k: Key) -> &mut Self {
        self.feed(&k.to_le_bytes());
        self
    }

    /// Adds a value as serde sees it (what a template gets); `None` if it cannot be
    /// serialized that way, and the file is then simply rendered.
    pub fn value(&mut self, v: &impl Serialize) -> Option<&mut Self> {
        // The value's length is not known before it is written: it follows the value.
        let mut counted = Counting { hasher: self, n: 0 };
        postcard::to_io(v, &mut counted).ok()?;
        let n = counted.n;
        self.feed(&n.to_le_bytes());
        Some(self)
    }

    pub fn finish(&self) -> Key {
        let mut hash = self.hash.clone();
        hash.update(&self.pending);
        hash.digest128()
    }
}

struct Counting<'a> {
    hasher: &'a mut KeyHasher,
    n: u64,
}

impl Write for Counting<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.feed(buf);
        self.n += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A hash of the running executable, read once per process; `None` if it cannot be read, and
/// nothing is carried over.
fn build_id() -> Option<u128> {
    static ID: OnceLock<Option<u128>> = OnceLock::new();
    *ID.get_or_init(|| {
        // Read a piece at a time: the executable is megabytes, and a buffer that size would be
        // fresh memory to fault in, for one hash.
        let mut exe = fs::File::open(std::env::current_exe().ok()?).ok()?;
        let mut hash = Xxh3::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match io::Read::read(&mut exe, &mut buf) {
                Ok(0) => break,
                Ok(n) => hash.update(buf.get(..n)?),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        }
        Some(hash.digest128())
    })
}

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

    /// However the pieces are gathered or passed through, the key is the hash of the same
    /// bytes: the executable's hash, then each piece after its length.
    #[test]
    fn a_key_hashes_every_piece_in_order() {
        let pieces: Vec<Vec<u8>> = [
            0usize,
            1,
            7,
            LONG - 1,
            LONG,
            LONG + 1,
            PENDING - 3,
            PENDING,
            3 * PENDING,
            5,
        ]
        .iter()
        .enumerate()
        .map(|(i, &n)| (0..n).map(|j| (i * 31 + j) as u8).collect())
        .collect();
        let mut h = KeyHasher::new().unwrap();
        let mut all = build_id().unwrap().to_le_bytes().to_vec();
        for p in &pieces {
            h.bytes(p);
            all.extend_from_slice(&(p.len() as u64).to_le_bytes());
            all.extend_from_slice(p);
        }
        assert_eq!(h.finish(), xxhash_rust::xxh3::xxh3_128(&all));
    }

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

    #[test]
    fn keys_tell_values_apart() {
        #[derive(Serialize)]
        struct V<'a> {
            a: &'a str,
            b: Option<&'a str>,
        }
        let key = |v: &V| KeyHasher::new().unwrap().value(v).unwrap().finish();
        let one = key(&V { a: "x", b: None });
        assert_eq!(one, key(&V { a: "x", b: None }));
        assert_ne!(one, key(&V { a: "x", b: Some("") }));
        assert_ne!(one, key(&V { a: "", b: Some("x") }));
        let mut h = KeyHasher::new().unwrap();
        let ab = h.str("ab").str("c").finish();
        let mut h = KeyHasher::new().unwrap();
        assert_ne!(ab, h.str("a").str("bc").finish());
    }
}
