//! Writing the site: the only module that writes to disk.
//!
//! The build goes into a fresh folder beside the output and is swapped in with renames, so a
//! failed build leaves the previous site untouched and a reader never sees half a site.
//! opsbook refuses to write over anything it did not create.

pub mod reuse;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::assets::Asset;
use crate::fingerprint::Key;
use crate::sink::{Rendered, Sink};
use reuse::{Entry, Record};

/// The file that marks a folder as written by opsbook, so it may be replaced.
pub const MARKER: &str = ".opsbook-output";

/// Checks the book's output folder (see [`check_output_dir`]) and starts a new site beside
/// it, which [`Staging::finish`] swaps in.
pub fn open_staging(config: &crate::config::Config) -> Result<Staging> {
    // An output folder inside the content folder is refused unless the ignore rules keep it
    // out of the book.
    let ignored = absolute(&config.output_dir)
        .strip_prefix(absolute(&config.content_dir))
        .ok()
        .map(|rel| rel.to_string_lossy().replace('\\', "/"))
        .filter(|rel| !rel.is_empty())
        .is_some_and(|rel| {
            crate::ignore_rules::IgnoreRules::new(&config.root, &config.content_dir, &config.ignore)
                .is_ok_and(|rules| rules.is_ignored(&rel, true))
        });
    check_output_dir(&config.output_dir, &config.root, &config.content_dir, ignored)?;
    Staging::new(
        &config.output_dir,
        crate::cache_dir::record_file(&config.root, &config.output_dir),
    )
}

/// Refuses an output folder that opsbook must never replace: `/`, the home folder, the
/// book root or its content, a folder holding them, or a non-empty folder opsbook did not
/// write.
pub fn check_output_dir(output: &Path, root: &Path, content: &Path, ignored_by_content: bool) -> Result<()> {
    let abs = absolute(output);
    let root = absolute(root);
    let content = absolute(content);
    let home = std::env::var_os("HOME").map(PathBuf::from).map(|h| absolute(&h));
    if abs.parent().is_none() {
        bail!(
            "refusing to write the site to {}: it is the file system root",
            abs.display()
        );
    }
    if home.as_deref() == Some(abs.as_path()) {
        bail!(
            "refusing to write the site to {}: it is your home folder",
            abs.display()
        );
    }
    if root.starts_with(&abs) {
        bail!(
            "refusing to write the site to {}: it holds the book itself; choose a folder such as `site`",
            abs.display()
        );
    }
    // Inside the content folder only when the content's ignore rules keep it out (a book
    // whose content is the repository's root, with `ignore = ["site/"]`).
    if content.starts_with(&abs) || (abs.starts_with(&content) && !ignored_by_content) {
        bail!(
            "refusing to write the site to {}: it is or is inside the content folder {}",
            abs.display(),
            content.display()
        );
    }
    if abs.is_file() {
        bail!("refusing to write the site to {}: it is a file", abs.display());
    }
    if abs.is_dir() && !abs.join(MARKER).exists() {
        let mut entries = fs::read_dir(&abs).with_context(|| format!("cannot read {}", abs.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to write the site to {}: the folder is not empty and opsbook did not create it; empty it, remove it, or choose another with -o",
                abs.display()
            );
        }
    }
    Ok(())
}

/// Absolute and lexically normalised (no `..`), without requiring the path to exist.
pub fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A new site being written into a fresh folder beside the output, file by file as the
/// renderer makes them (from any thread). [`Staging::finish`] copies the assets and swaps the
/// new site in; dropped without finishing, the folder is removed and the output is untouched.
pub struct Staging {
    output: PathBuf,
    parent: PathBuf,
    name: String,
    dir: crate::owned_dir::OwnedDir,
    /// Folders already made inside `dir`.
    made: Mutex<FxHashSet<PathBuf>>,
    paths: Mutex<Vec<String>>,
    /// The first write that failed: the build fails with it.
    error: Mutex<Option<anyhow::Error>>,
    /// The site being replaced and the record of how its files were made, when there is one.
    previous: Option<(PathBuf, Record)>,
    /// The files of this build made from known inputs, for the next build's record.
    keyed: Mutex<Vec<(Key, Entry)>>,
    /// Where that record is kept.
    record: PathBuf,
}

impl Staging {
    /// Staging for a build into `output`; `record` is the file (in the book's cache folder)
    /// that says how the last build's files were made.
    pub fn new(output: &Path, record: PathBuf) -> Result<Staging> {
        let output = absolute(output);
        let parent = output
            .parent()
            .context("the output folder has no parent")?
            .to_path_buf();
        fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        remove_leftovers(&parent, &name);
        // Claimed by a lock file while this build lives: a build killed outright leaves a
        // folder the next one can prove abandoned, and removes.
        let dir = crate::owned_dir::OwnedDir::new_in(&parent, &format!(".{name}.building-"))
            .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
        // Only a site opsbook wrote is taken from.
        let previous = output
            .join(MARKER)
            .is_file()
            .then(|| Record::load(&record))
            .flatten()
            .map(|record| (output.clone(), record));
        Ok(Staging {
            output,
            parent,
            name,
            dir,
            made: Mutex::new(FxHashSet::default()),
            paths: Mutex::new(Vec::new()),
            error: Mutex::new(None),
            previous,
            keyed: Mutex::new(Vec::new()),
            record,
        })
    }

    fn make_folder_of(&self, path: &Path) -> Result<()> {
        if let Some(folder) = path.parent() {
            if lock(&self.made).contains(folder) {
                return Ok(());
            }
            // Made without holding the lock: two writers may both make a folder, which
            // `create_dir_all` allows.
            fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
            lock(&self.made).insert(folder.to_path_buf());
        }
        Ok(())
    }

    fn write_one(&self, rel: &str, write: Contents) -> Result<fs::File> {
        let path = self.dir.path().join(rel);
        self.make_folder_of(&path)?;
        // Always a new file: a path already there may be a hard link to the old site's file,
        // which must never be written through.
        let create = || fs::OpenOptions::new().write(true).create_new(true).open(&path);
        let file = match create() {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => fs::remove_file(&path).and_then(|()| create()),
            other => other,
        }
        .with_context(|| format!("cannot write {}", path.display()))?;
        match write {
            // Made whole already: one write, no copy into a buffer first.
            Contents::Bytes(bytes) => {
                let mut file = file;
                file.write_all(bytes)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok(file)
            }
            Contents::Stream(write) => {
                let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
                write(&mut out)
                    .and_then(|()| out.flush())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                out.into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", path.display()))
            }
        }
    }

    fn store(&self, path: String, key: Option<Key>, write: Contents) {
        if lock(&self.error).is_some() {
            return;
        }
        match self.write_one(&path, write) {
            Ok(file) => {
                if let Some(key) = key {
                    if let Some(entry) = file.metadata().ok().and_then(|m| Entry::of(path.clone(), &m)) {
                        lock(&self.keyed).push((key, entry));
                    }
                }
            }
            Err(e) => {
                lock(&self.error).get_or_insert(e);
            }
        }
        lock(&self.paths).push(path);
    }

    /// Hard-links the old site's files made under `key` into the new one, if every one of
    /// them is still as recorded.
    fn link_previous(&self, key: Key) -> bool {
        let Some((old, record)) = &self.previous else {
            return false;
        };
        let Some(entries) = record.by_key.get(&key) else {
            return false;
        };
        let inside = |p: &str| {
            Path::new(p)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        };
        if !entries.iter().all(|e| inside(&e.path) && e.matches(&old.join(&e.path))) {
            return false;
        }
        let mut linked = Vec::with_capacity(entries.len());
        for e in entries {
            let to = self.dir.path().join(&e.path);
            let ok = self.make_folder_of(&to).is_ok() && fs::hard_link(old.join(&e.path), &to).is_ok();
            if !ok {
                for l in linked {
                    let _ = fs::remove_file(l);
                }
                return false;
            }
            linked.push(to);
        }
        lock(&self.keyed).extend(entries.iter().map(|e| (key, e.clone())));
        lock(&self.paths).extend(entries.iter().map(|e| e.path.clone()));
        true
    }

    /// Copies `assets`, marks the folder as opsbook's and swaps it in for the output; the old
    /// site is removed in the background.
    pub fn finish(self, assets: &[Asset]) -> Result<()> {
        if let Some(e) = lock(&self.error).take() {
            return Err(e);
        }
        let mut clock = std::time::Instant::now();
        let dir = self.dir.path();
        let mut dirs: Vec<PathBuf> = assets
            .iter()
            .filter_map(|a| Path::new(&a.rel).parent().map(|d| dir.join(d)))
            .collect();
        dirs.sort();
        dirs.dedup();
        for d in &dirs {
            fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
        }
        assets.par_iter().try_for_each(|a| {
            let path = dir.join(&a.rel);
            let copied = match crate::assets::prepared(a) {
                Ok(Some(bytes)) => fs::write(&path, bytes),
                Ok(None) => fs::copy(&a.abs, &path).map(|_| ()),
                Err(e) => Err(e),
            };
            copied.with_context(|| format!("cannot copy {} to {}", a.abs.display(), path.display()))
        })?;
        let mut marker = fs::File::create(dir.join(MARKER)).context("cannot write the output marker")?;
        marker.write_all(b"This folder is written by opsbook build; it is replaced on every build.\n")?;

        crate::clock::log_time("write new", &mut clock);
        // Swap: the old site moves aside, the new one takes its name, the old one goes.
        let (output, parent, name) = (self.output, self.parent, self.name);
        let old = if output.exists() {
            // A name no other build or helper uses: the previous one's may still be being
            // removed, or left by a run that died (in a container, every run is PID 1).
            let aside = fresh_aside(&parent, &name);
            // The new site is still the build's own folder here: a failure removes it.
            fs::rename(&output, &aside)
                .with_context(|| format!("cannot move the old site {} aside", output.display()))?;
            Some(aside)
        } else {
            None
        };
        let staged = self.dir.path().to_path_buf();
        if let Err(e) = fs::rename(&staged, &output) {
            if let Some(aside) = &old {
                let _ = fs::rename(aside, &output);
            }
            return Err(e).with_context(|| format!("cannot move the new site into {}", output.display()));
        }
        // Moved into place: the build folder's name is gone, and so goes its lock file.
        self.dir.keep();
        if let Some(aside) = old {
            remove_aside(&aside);
        }
        crate::clock::log_time("remove old", &mut clock);
        // The record of this build, for the next one. Without it the next build renders
        // everything, which is only slower.
        let record = self.record;
        let keyed = self.keyed.into_inner().unwrap_or_else(|e| e.into_inner());
        if Record::save(&record, &keyed).is_err() {
            let _ = fs::remove_file(&record);
        }
        crate::clock::log_time("record", &mut clock);
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, file: Rendered) {
        let Rendered { path, bytes } = file;
        self.store(path, None, Contents::Bytes(&bytes));
    }

    fn put_with(&self, path: String, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) {
        self.store(path, None, Contents::Stream(write));
    }

    fn paths(&self) -> Vec<String> {
        lock(&self.paths).clone()
    }

    fn wants_keys(&self) -> bool {
        true
    }

    fn reuse(&self, key: Key) -> bool {
        lock(&self.error).is_none() && self.link_previous(key)
    }

    fn put_keyed(&self, key: Key, file: Rendered) {
        let Rendered { path, bytes } = file;
        self.store(path, Some(key), Contents::Bytes(&bytes));
    }

    fn put_with_keyed(&self, key: Key, path: String, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) {
        self.store(path, Some(key), Contents::Stream(write));
    }
}

/// What a file is made of: bytes made whole, or a writer that streams them.
enum Contents<'a> {
    Bytes(&'a [u8]),
    Stream(&'a mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>),
}

/// A lock that a panicked writer cannot poison for the others.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The name a previous site gets while it waits to be removed: `.site.old-<pid>-<n>`.
fn aside_prefix(name: &str) -> String {
    format!(".{name}.old-")
}

/// A name for the previous site that nothing has.
fn fresh_aside(parent: &Path, name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let aside = parent.join(format!("{}{}-{n}", aside_prefix(name), std::process::id()));
        if fs::symlink_metadata(&aside).is_err() {
            return aside;
        }
    }
}

/// The previous sites that helpers of this process are removing now: not removed again
/// meanwhile. Each helper is waited for on a thread of its own, so none is left a zombie
/// (`watch` starts one per rebuild).
fn busy_asides() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    static BUSY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    lock(&BUSY)
}

/// Removes the previous site, moved aside by a build, without making the build wait for it:
/// deleting 20,000 files takes longer than writing them. A helper process (this program, in
/// its hidden `remove-old-site` mode) does it; where it cannot start, it is done here.
fn remove_aside(aside: &Path) {
    let spawned = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("remove-old-site")
            .arg(aside)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    match spawned {
        Some(mut child) => {
            let path = aside.to_path_buf();
            busy_asides().push(path.clone());
            let waiter = std::thread::Builder::new()
                .name("opsbook-remover".into())
                .spawn(move || {
                    let _ = child.wait();
                    busy_asides().retain(|p| *p != path);
                });
            if waiter.is_err() {
                // No thread: the helper is left to finish on its own (reaped at exit).
                busy_asides().retain(|p| p != aside);
            }
        }
        None => remove_old_site(aside),
    }
}

/// Deletes `path` if it is a previous site moved aside by a build (named `.NAME.old-…` and
/// holding opsbook's marker); anything else is left alone.
pub fn remove_old_site(path: &Path) {
    let is_aside = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n.contains(".old-"));
    if is_aside && path.join(MARKER).is_file() {
        let _ = fs::remove_dir_all(path);
    }
}

/// Removes what earlier runs left beside the output: previous sites whose removal never
/// finished (the machine went down, or the container stopped with its helper) and sites
/// being built by a run that was killed. A folder a helper of this process is removing now
/// is left to it.
fn remove_leftovers(parent: &Path, name: &str) {
    let busy = busy_asides().clone();
    let prefix = aside_prefix(name);
    if let Ok(entries) = fs::read_dir(parent) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(n) = file_name.to_str() else {
                continue;
            };
            if n.starts_with(&prefix) && !busy.contains(&entry.path()) {
                // A helper of another run still at work finishes first or finds nothing.
                remove_old_site(&entry.path());
            }
        }
    }
    // Sites being built by a killed run: `OwnedDir::new_in` removes those.
}

/// Replaces one file atomically: written beside it, then renamed over it, so an editor or a
/// crash never sees half a file. Keeps the file's permissions.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes, true)
}

/// Replaces `path` with `bytes` through a renamed temporary file, so a reader sees the old
/// file or the new one, never half of one. `durable` also waits for the disk (for files
/// that must survive a crash; `serve`'s private preview folder does not need it).
pub fn replace_file(path: &Path, bytes: &[u8], durable: bool) -> Result<()> {
    let dir = path.parent().context("the file has no folder")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".opsbook-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
