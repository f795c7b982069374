//! Hashes of what outputs are made from. [`Key`]: a 128-bit hash, seeded with the running
//! executable, that build records keep to carry files over (see `output::reuse`);
//! [`hash_of`]: a quick hash for telling versions apart within one process, never saved.
//! A leaf: it imports nothing of the pipeline.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::sync::OnceLock;

use rustc_hash::FxHasher;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3;

/// A hash for telling apart versions of the same thing within one process (never saved).
pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = FxHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// What a file is made from, hashed.
pub type Key = u128;

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
