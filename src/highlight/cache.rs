//! Highlighted code kept between builds. Highlighting is most of a build's work, and most code
//! blocks are the same from one build to the next, so their HTML is kept in memory for the
//! life of the process (`serve` rebuilds) and in one file beside the output folder
//! (`.opsbook-cache/highlight.bin`) for the next `build`.
//!
//! An entry is found by a hash of its language and code and then compared whole, so a
//! collision can never show the wrong code; the file names the opsbook version that wrote it
//! and is ignored when another version (with other syntaxes) reads it. A missing, foreign or
//! damaged file is the same as none: the cache only ever saves work. Only the entries the last
//! build used are saved, so the file does not grow with old code.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHasher};

/// The cache file's first line; the version line follows.
const MAGIC: &[u8] = b"opsbook highlight cache 1\n";

struct Entry {
    lang: Box<str>,
    code: Box<str>,
    html: Arc<str>,
    /// The build that last used it.
    used: AtomicU32,
}

#[derive(Default)]
struct Memo {
    entries: RwLock<FxHashMap<u64, Vec<Entry>>>,
    build: AtomicU32,
    /// Whether this build highlighted anything new.
    made: AtomicBool,
    /// How many entries the cache file held when read or last written: a build that made
    /// nothing new and used as many leaves the file as it is.
    on_disk: AtomicUsize,
    /// Whether the file has been read into memory (once per process, or again after the
    /// entries were dropped).
    loaded: AtomicBool,
}

fn memo() -> &'static Memo {
    static MEMO: std::sync::OnceLock<Memo> = std::sync::OnceLock::new();
    MEMO.get_or_init(Memo::default)
}

fn key(lang: &str, code: &str) -> u64 {
    let mut h = FxHasher::default();
    lang.hash(&mut h);
    code.hash(&mut h);
    h.finish()
}

/// The HTML of a code block, from the cache or made by `make` (and then kept).
pub fn get_or_make(lang: &str, code: &str, make: impl FnOnce() -> String) -> Arc<str> {
    let memo = memo();
    let k = key(lang, code);
    let build = memo.build.load(Ordering::Relaxed);
    if let Ok(entries) = memo.entries.read() {
        if let Some(e) = entries
            .get(&k)
            .and_then(|list| list.iter().find(|e| &*e.lang == lang && &*e.code == code))
        {
            e.used.store(build, Ordering::Relaxed);
            return e.html.clone();
        }
    }
    let html: Arc<str> = make().into();
    memo.made.store(true, Ordering::Relaxed);
    if let Ok(mut entries) = memo.entries.write() {
        let list = entries.entry(k).or_default();
        if !list.iter().any(|e| &*e.lang == lang && &*e.code == code) {
            list.push(Entry {
                lang: lang.into(),
                code: code.into(),
                html: html.clone(),
                used: AtomicU32::new(build),
            });
        }
    }
    html
}

/// Where the cache of a site written to `output_dir` lives: beside it, in `.opsbook-cache/`.
pub fn cache_file(output_dir: &Path) -> PathBuf {
    let parent = output_dir.parent().unwrap_or(Path::new("."));
    parent.join(".opsbook-cache").join("highlight.bin")
}

/// Starts a build: entries used from now on are the ones [`save`] keeps. Loads `file` into
/// memory once per process (later builds already hold what it has).
pub fn begin_build(file: &Path) {
    let memo = memo();
    memo.build.fetch_add(1, Ordering::Relaxed);
    memo.made.store(false, Ordering::Relaxed);
    if !memo.loaded.swap(true, Ordering::Relaxed) {
        if let Ok(bytes) = std::fs::read(file) {
            memo.on_disk.store(load(&bytes), Ordering::Relaxed);
        }
    }
}

fn version_line() -> String {
    format!("{}\n", env!("CARGO_PKG_VERSION"))
}

/// Reads the entries of a cache file; returns how many it held whole (0 for a foreign file).
fn load(bytes: &[u8]) -> usize {
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return 0;
    };
    let Some(mut rest) = rest.strip_prefix(version_line().as_bytes()) else {
        return 0;
    };
    let read = |rest: &mut &[u8]| -> Option<Box<str>> {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let text = std::str::from_utf8(rest.get(4..4 + len)?).ok()?;
        *rest = &rest[4 + len..];
        Some(text.into())
    };
    let memo = memo();
    let Ok(mut entries) = memo.entries.write() else {
        return 0;
    };
    let mut count = 0;
    // A damaged tail is dropped: every whole record before it is still good.
    while !rest.is_empty() {
        let (Some(lang), Some(code), Some(html)) = (read(&mut rest), read(&mut rest), read(&mut rest)) else {
            break;
        };
        count += 1;
        let list = entries.entry(key(&lang, &code)).or_default();
        if !list.iter().any(|e| e.lang == lang && e.code == code) {
            list.push(Entry {
                lang,
                code,
                html: Arc::from(html),
                used: AtomicU32::new(0),
            });
        }
    }
    if rest.is_empty() {
        count
    } else {
        0 // damaged: rewrite it
    }
}

/// The cache file, written beside the output's folder before the build knows whether it will
/// succeed (on its own thread, while the site renders), and moved into place only if it does;
/// dropped, it is deleted.
pub struct Prepared {
    tmp: tempfile::NamedTempFile,
    count: usize,
}

/// Writes the entries the build used to a temporary file, or `None` when the build made
/// nothing new and used as many entries as `file` already holds (or the file cannot be
/// written: the cache only saves work). With `release`, the entries are then dropped from
/// memory: the next build of this process loads them from the file again.
pub fn prepare(file: &Path, release: bool) -> Option<Prepared> {
    let memo = memo();
    if !memo.made.load(Ordering::Relaxed) && used_count() == memo.on_disk.load(Ordering::Relaxed) && file.exists() {
        if release {
            forget();
        }
        return None;
    }
    let prepared = write_used(file).ok();
    if release {
        forget();
    }
    prepared
}

/// Drops every entry from memory; the next [`begin_build`] reads the file again.
fn forget() {
    let memo = memo();
    if let Ok(mut entries) = memo.entries.write() {
        *entries = FxHashMap::default();
    }
    memo.loaded.store(false, Ordering::Relaxed);
}

fn used_count() -> usize {
    let memo = memo();
    let build = memo.build.load(Ordering::Relaxed);
    memo.entries
        .read()
        .map(|e| {
            e.values()
                .flatten()
                .filter(|e| e.used.load(Ordering::Relaxed) == build)
                .count()
        })
        .unwrap_or(0)
}

fn write_used(file: &Path) -> anyhow::Result<Prepared> {
    use std::io::Write;
    let memo = memo();
    let build = memo.build.load(Ordering::Relaxed);
    let entries = memo
        .entries
        .read()
        .map_err(|_| anyhow::anyhow!("highlight cache poisoned"))?;
    let mut used: Vec<&Entry> = entries
        .values()
        .flatten()
        .filter(|e| e.used.load(Ordering::Relaxed) == build)
        .collect();
    used.sort_by(|a, b| (&a.lang, &a.code).cmp(&(&b.lang, &b.code)));
    // Beside the cache's folder (the output's parent, which exists), so that a failed build
    // leaves nothing behind.
    let dir = file.parent().and_then(Path::parent).unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".opsbook-highlight-")
        .tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
    out.write_all(MAGIC)?;
    out.write_all(version_line().as_bytes())?;
    for e in &used {
        for text in [&*e.lang, &*e.code, &*e.html] {
            out.write_all(&(text.len() as u32).to_le_bytes())?;
            out.write_all(text.as_bytes())?;
        }
    }
    out.flush()?;
    drop(out);
    Ok(Prepared { tmp, count: used.len() })
}

impl Prepared {
    /// Moves the file into place as `file`.
    pub fn commit(self, file: &Path) -> anyhow::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
            // The folder is ours alone; a note says what it is.
            let readme = dir.join("README");
            if !readme.exists() {
                let _ = std::fs::write(
                    readme,
                    "opsbook keeps highlighted code here between builds. Delete this folder at any time.\n",
                );
            }
        }
        self.tmp.persist(file).map_err(|e| e.error)?;
        let memo = memo();
        memo.on_disk.store(self.count, Ordering::Relaxed);
        memo.made.store(false, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cached_block_is_the_same_html_and_made_once() {
        let mut made = 0;
        let a = get_or_make("sql", "SELECT 42 /* cache test */;\n", || {
            made += 1;
            "<pre>one</pre>".into()
        });
        let b = get_or_make("sql", "SELECT 42 /* cache test */;\n", || {
            made += 1;
            "<pre>two</pre>".into()
        });
        assert_eq!(made, 1);
        assert_eq!(a, b);
        // Another language is another entry.
        let c = get_or_make("text", "SELECT 42 /* cache test */;\n", || "<pre>three</pre>".into());
        assert_eq!(&*c, "<pre>three</pre>");
    }

    #[test]
    fn a_damaged_or_foreign_file_is_ignored() {
        load(b"not a cache at all");
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(version_line().as_bytes());
        bytes.extend_from_slice(&[200, 0, 0, 0, b'x']); // a length past the end
        load(&bytes);
        let html = get_or_make("bash", "echo damaged-cache-test\n", || "<pre>fresh</pre>".into());
        assert_eq!(&*html, "<pre>fresh</pre>");
    }
}
