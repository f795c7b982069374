//! Highlighted code kept between builds. Highlighting is most of a build's work, and most code
//! blocks are the same from one build to the next, so their HTML is kept for the life of the
//! process (`serve` rebuilds; what it made itself waits in an unnamed temporary file, the
//! journal, rather than in memory) and in one file in the book's cache folder
//! (`.opsbook-cache/highlight.bin`, see [`crate::cache_dir`]) for the next `build`.
//!
//! An entry is found by a hash of its language and code and then compared whole, so a
//! collision can never show the wrong code; the file names the opsbook version that wrote it
//! and is ignored when another version (with other syntaxes) reads it. A missing, foreign or
//! damaged file is the same as none: the cache only ever saves work. The file is never trusted
//! to carry markup: an entry read from it is used only when its HTML is exactly the block's
//! wrapper around the escaped code, with palette-class spans (`is_block_of`). Only the entries the last
//! build used are saved, so the file does not grow with old code.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHasher};

/// The cache file's first line; the version line follows.
const MAGIC: &[u8] = b"opsbook highlight cache 2\n";

/// A text of an entry: made by this process, or a place in the cache file as read (the file
/// is kept whole in memory rather than cut into a string per entry).
enum Text {
    Own(Box<str>),
    File {
        start: usize,
        len: usize,
    },
    /// A place in the journal: the HTML this process made, kept on disk rather than in
    /// memory (a large book's highlighted code is hundreds of megabytes).
    Journal {
        start: u64,
        len: usize,
    },
}

struct Entry {
    lang: Text,
    code: Text,
    html: Text,
    /// The build that last used it.
    used: AtomicU32,
}

#[derive(Default)]
struct Store {
    map: FxHashMap<u64, Vec<Entry>>,
    /// The cache file as read.
    file: Vec<u8>,
    /// The HTML made by this process, appended to an unnamed temporary file (`None` until
    /// the first entry is made, or when no such file can be made: then it stays in memory).
    journal: Option<Arc<crate::spill::Spill>>,
    /// No temporary file could be made: not tried again for every entry.
    no_journal: bool,
}

/// An entry's HTML found under the lock: copied, or a place in the journal to read once the
/// lock is let go (a read from disk never holds up the threads adding entries).
enum Found {
    Html(String),
    Journal(Arc<crate::spill::Spill>, u64, usize),
}

impl Store {
    /// The bytes of a text; empty when the journal cannot be read back (then the entry's HTML
    /// is made again, see [`get_or_make`]).
    fn bytes<'a>(&'a self, t: &'a Text) -> std::borrow::Cow<'a, [u8]> {
        use std::borrow::Cow;
        match t {
            Text::Own(s) => Cow::Borrowed(s.as_bytes()),
            Text::File { start, len } => Cow::Borrowed(self.file.get(*start..*start + *len).unwrap_or_default()),
            Text::Journal { start, len } => Cow::Owned(
                self.journal
                    .as_ref()
                    .and_then(|j| j.get(*start, *len))
                    .unwrap_or_default()
                    .into_bytes(),
            ),
        }
    }

    /// An entry's HTML, or where it is in the journal.
    fn found(&self, t: &Text) -> Found {
        match (t, &self.journal) {
            (Text::Journal { start, len }, Some(journal)) => Found::Journal(journal.clone(), *start, *len),
            _ => Found::Html(String::from_utf8_lossy(&self.bytes(t)).into_owned()),
        }
    }

    fn find(&self, k: u64, lang: &str, code: &str) -> Option<&Entry> {
        self.map
            .get(&k)?
            .iter()
            .find(|e| *self.bytes(&e.lang) == *lang.as_bytes() && *self.bytes(&e.code) == *code.as_bytes())
    }
}

#[derive(Default)]
struct Memo {
    entries: RwLock<Store>,
    build: AtomicU32,
    /// Whether this build highlighted anything new.
    made: AtomicBool,
    /// How many entries the cache file held when read or last written: a build that made
    /// nothing new and used as many leaves the file as it is.
    on_disk: AtomicUsize,
    /// Whether the file has been read into memory (once per process, or again after the
    /// entries were dropped).
    loaded: AtomicBool,
    /// The file is read on a thread while the book's files are read; the first use waits.
    pending: std::sync::Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Set once no read is pending.
    ready: AtomicBool,
}

/// Waits for the cache file being read, if it is.
fn settle() {
    let memo = memo();
    if memo.ready.load(Ordering::Acquire) {
        return;
    }
    let mut pending = memo.pending.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(handle) = pending.take() {
        let _ = handle.join();
    }
    memo.ready.store(true, Ordering::Release);
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
pub fn get_or_make(lang: &str, code: &str, make: impl FnOnce() -> String) -> String {
    settle();
    let memo = memo();
    let k = key(lang, code);
    let build = memo.build.load(Ordering::Relaxed);
    let found = memo.entries.read().ok().and_then(|store| {
        let e = store.find(k, lang, code)?;
        e.used.store(build, Ordering::Relaxed);
        Some(store.found(&e.html))
    });
    let html = match found {
        Some(Found::Html(html)) => Some(html),
        Some(Found::Journal(journal, start, len)) => journal.get(start, len),
        None => None,
    };
    // A journal that cannot be read back gives nothing: the HTML is made again.
    if let Some(html) = html.filter(|h| !h.is_empty()) {
        return html;
    }
    let html = make();
    memo.made.store(true, Ordering::Relaxed);
    // Written to the journal before the lock is taken, so that other threads go on reading.
    let journal = journal();
    let put = journal.as_ref().and_then(|j| Some((j, j.put(&html)?)));
    if let Ok(mut store) = memo.entries.write() {
        if store.find(k, lang, code).is_none() {
            let kept = match put {
                // The same journal: the store was not emptied meanwhile.
                Some((j, (start, len))) if store.journal.as_ref().is_some_and(|s| Arc::ptr_eq(s, j)) => {
                    Text::Journal { start, len }
                }
                _ => Text::Own(html.as_str().into()),
            };
            store.map.entry(k).or_default().push(Entry {
                lang: Text::Own(lang.into()),
                code: Text::Own(code.into()),
                html: kept,
                used: AtomicU32::new(build),
            });
        }
    }
    html
}

/// The journal, made at its first use; `None` when no temporary file can be made.
fn journal() -> Option<Arc<crate::spill::Spill>> {
    let memo = memo();
    if let Ok(store) = memo.entries.read() {
        if store.journal.is_some() || store.no_journal {
            return store.journal.clone();
        }
    }
    let mut store = memo.entries.write().ok()?;
    if store.journal.is_none() && !store.no_journal {
        store.journal = crate::spill::Spill::new().map(Arc::new);
        store.no_journal = store.journal.is_none();
    }
    store.journal.clone()
}

/// Where the cache of the book at `root` lives: in its cache folder, whatever the output.
pub fn cache_file(root: &Path) -> PathBuf {
    crate::cache_dir::of(root).join("highlight.bin")
}

/// Starts a build: entries used from now on are the ones [`save`] keeps. Loads `file` into
/// memory once per process (later builds already hold what it has).
pub fn begin_build(file: &Path) {
    let memo = memo();
    memo.build.fetch_add(1, Ordering::Relaxed);
    memo.made.store(false, Ordering::Relaxed);
    if !memo.loaded.swap(true, Ordering::Relaxed) {
        settle();
        let file = file.to_path_buf();
        let read = move || {
            if let Some(bytes) = crate::cache_dir::read(&file) {
                memo.on_disk.store(load(bytes), Ordering::Relaxed);
            }
        };
        let mut pending = memo.pending.lock().unwrap_or_else(|e| e.into_inner());
        match std::thread::Builder::new()
            .name("highlight-cache".into())
            .spawn(read.clone())
        {
            Ok(handle) => {
                *pending = Some(handle);
                memo.ready.store(false, Ordering::Release);
            }
            Err(_) => read(),
        }
    }
}

fn version_line() -> String {
    format!("{}\n", env!("CARGO_PKG_VERSION"))
}

/// Reads the entries of a cache file; returns how many it held whole (0 for a foreign file).
fn load(bytes: Vec<u8>) -> usize {
    let Some(rest) = bytes.strip_prefix(MAGIC) else {
        return 0;
    };
    let Some(rest) = rest.strip_prefix(version_line().as_bytes()) else {
        return 0;
    };
    let mut at = bytes.len() - rest.len();
    // The next text: its place in the file, checked to be UTF-8.
    let read = |at: &mut usize| -> Option<(usize, usize)> {
        let len = u32::from_le_bytes(bytes.get(*at..*at + 4)?.try_into().ok()?) as usize;
        let start = *at + 4;
        std::str::from_utf8(bytes.get(start..start + len)?).ok()?;
        *at = start + len;
        Some((start, len))
    };
    let mut found = Vec::new();
    // A damaged tail is dropped: every whole record before it is still good.
    while at < bytes.len() {
        let (Some(lang), Some(code), Some(html)) = (read(&mut at), read(&mut at), read(&mut at)) else {
            break;
        };
        found.push((lang, code, html));
    }
    let whole = at == bytes.len();
    let count = found.len();
    let memo = memo();
    let Ok(mut store) = memo.entries.write() else {
        return 0;
    };
    let old = std::mem::replace(&mut store.file, bytes);
    // Entries already pointing into a previous file would be wrong now: keep only own ones.
    if !old.is_empty() {
        store
            .map
            .values_mut()
            .for_each(|l| l.retain(|e| matches!(e.lang, Text::Own(_))));
    }
    for ((ls, ll), (cs, cl), (hs, hl)) in found {
        let text = |start: usize, len: usize| Text::File { start, len };
        let (lang, code) = {
            let b = &store.file;
            let (lang, code, html) = (
                std::str::from_utf8(&b[ls..ls + ll]).unwrap_or_default(),
                std::str::from_utf8(&b[cs..cs + cl]).unwrap_or_default(),
                std::str::from_utf8(&b[hs..hs + hl]).unwrap_or_default(),
            );
            // The file is not trusted to carry markup: an entry that is not exactly highlighted
            // code is dropped, and that block is highlighted again.
            if !super::is_block_of(lang, code, html) {
                continue;
            }
            (lang.to_string(), code)
        };
        let k = key(&lang, code);
        if store.find(k, &lang, code).is_none() {
            store.map.entry(k).or_default().push(Entry {
                lang: text(ls, ll),
                code: text(cs, cl),
                html: text(hs, hl),
                used: AtomicU32::new(0),
            });
        }
    }
    if whole {
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
    settle();
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
    if let Ok(mut store) = memo.entries.write() {
        *store = Store::default();
    }
    memo.loaded.store(false, Ordering::Relaxed);
}

fn used_count() -> usize {
    let memo = memo();
    let build = memo.build.load(Ordering::Relaxed);
    memo.entries
        .read()
        .map(|s| {
            s.map
                .values()
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
    let store = memo
        .entries
        .read()
        .map_err(|_| anyhow::anyhow!("highlight cache poisoned"))?;
    let mut used: Vec<&Entry> = store
        .map
        .values()
        .flatten()
        .filter(|e| e.used.load(Ordering::Relaxed) == build)
        .collect();
    used.sort_by(|a, b| {
        (store.bytes(&a.lang), store.bytes(&a.code)).cmp(&(store.bytes(&b.lang), store.bytes(&b.code)))
    });
    // Beside the cache's folder (the book's root, which exists), so that the move into place
    // is a rename and a failed build leaves nothing behind, not even the folder.
    let dir = file.parent().and_then(Path::parent).unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new()
        .prefix(".opsbook-highlight-")
        .tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, tmp.as_file());
    out.write_all(MAGIC)?;
    out.write_all(version_line().as_bytes())?;
    for e in &used {
        for text in [&e.lang, &e.code, &e.html] {
            let bytes = store.bytes(text);
            // An entry whose HTML cannot be read back is not worth keeping: the file would be
            // damaged.
            anyhow::ensure!(
                !bytes.is_empty() || !matches!(text, Text::Journal { .. }),
                "highlight journal unreadable"
            );
            out.write_all(&(bytes.len() as u32).to_le_bytes())?;
            out.write_all(&bytes)?;
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
            anyhow::ensure!(crate::cache_dir::mark(dir), "the cache folder is not opsbook's own");
        }
        self.tmp.persist(file).map_err(|e| e.error)?;
        let memo = memo();
        memo.on_disk.store(self.count, Ordering::Relaxed);
        memo.made.store(false, Ordering::Relaxed);
        Ok(())
    }
}

/// The cache's file being made on a thread of its own while the site renders: kept when the
/// build succeeds ([`Saver::keep_if`]), otherwise deleted before the process can end under
/// the thread making it.
pub struct Saver {
    file: PathBuf,
    thread: std::thread::JoinHandle<Option<Prepared>>,
}

impl Saver {
    /// Starts making the cache file of the book at `root`.
    pub fn start(root: &Path) -> Saver {
        let file = cache_file(root);
        let made = file.clone();
        Saver {
            file,
            thread: std::thread::spawn(move || prepare(&made, true)),
        }
    }

    /// Waits for the file, and moves it into place when `keep`. The cache only saves work: a
    /// cache that cannot be written costs the next build time, never its output.
    pub fn keep_if(self, keep: bool) {
        let prepared = self.thread.join().ok().flatten();
        if let (true, Some(prepared)) = (keep, prepared) {
            let _ = prepared.commit(&self.file);
        }
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
        load(b"not a cache at all".to_vec());
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(version_line().as_bytes());
        bytes.extend_from_slice(&[200, 0, 0, 0, b'x']); // a length past the end
        load(bytes);
        let html = get_or_make("bash", "echo damaged-cache-test\n", || "<pre>fresh</pre>".into());
        assert_eq!(&*html, "<pre>fresh</pre>");
    }
}
