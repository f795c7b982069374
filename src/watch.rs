//! Watching the book: file-system events → which part of the book changed.
//!
//! [`classify`] is pure and decides, for one changed path, whether it matters: editors' swap
//! and backup files, `.git`, the output folder and anything outside the watched folders are
//! ignored, so that a save gives one rebuild and a build never triggers itself. The watcher
//! debounces bursts (a `git checkout`, 200 files copied at once) into one batch.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result};
use notify::EventKind;
use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

/// What a changed path means for the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Not part of the book (or a temporary file of an editor).
    Ignored,
    /// A file under the content folder: pages, the checklist, assets.
    Content,
    /// A file of the book's theme folder.
    Theme,
    /// `book.toml`.
    Config,
}

/// The folders a book's watcher looks at, and the output folder it must not react to.
#[derive(Debug, Clone)]
pub struct WatchedPaths {
    pub root: PathBuf,
    pub content: PathBuf,
    pub themes: PathBuf,
    pub output: PathBuf,
}

impl WatchedPaths {
    /// The paths of the book at `root` with its configuration, made absolute (events carry
    /// absolute paths).
    pub fn of(root: &Path, config: &crate::config::Config) -> Self {
        let abs = |p: &Path| p.canonicalize().unwrap_or_else(|_| crate::output::absolute(p));
        WatchedPaths {
            root: abs(root),
            content: abs(&config.content_dir),
            themes: abs(&root.join("themes")),
            output: abs(&config.output_dir),
        }
    }
}

/// Whether `path` is something a build writes: the output, the folders beside it that a
/// build makes and removes (`.site.building-*`, `.site.old-*` and their lock files), or the
/// cache folder. Wherever the output is (even under `themes/` or `content/`), a build never
/// triggers itself.
fn is_build_output(paths: &WatchedPaths, path: &Path) -> bool {
    if path.starts_with(&paths.output) {
        return true;
    }
    if path.components().any(|c| c.as_os_str() == crate::cache_dir::NAME) {
        return true;
    }
    let (Some(parent), Some(name)) = (paths.output.parent(), paths.output.file_name()) else {
        return false;
    };
    let Ok(rest) = path.strip_prefix(parent) else {
        return false;
    };
    let first = rest
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let name = name.to_string_lossy();
    first.is_some_and(|f| f.starts_with(&format!(".{name}.building-")) || f.starts_with(&format!(".{name}.old-")))
}

/// Classifies one changed path. Pure: looks only at the path.
pub fn classify(paths: &WatchedPaths, path: &Path) -> Change {
    if is_build_output(paths, path) || path.components().any(|c| c.as_os_str() == ".git") {
        return Change::Ignored;
    }
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    if is_editor_temp(&name) {
        return Change::Ignored;
    }
    if path == paths.root.join(crate::config::CONFIG_FILE) {
        Change::Config
    } else if path.starts_with(&paths.content) {
        Change::Content
    } else if path.starts_with(&paths.themes) {
        Change::Theme
    } else {
        Change::Ignored
    }
}

/// Files editors write beside the real one while saving: vim's `.x.md.swp` and `4913`,
/// emacs's `#x.md#` and `.#x.md`, backups ending in `~`, JetBrains' `___jb_tmp___`.
fn is_editor_temp(name: &str) -> bool {
    name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name == "4913"
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.contains("___jb_")
        || name.ends_with(".crswap")
}

/// The most important change of a batch (Ignored when nothing in it matters).
pub fn classify_batch<'a>(paths: &WatchedPaths, changed: impl IntoIterator<Item = &'a Path>) -> Change {
    changed
        .into_iter()
        .map(|p| classify(paths, p))
        .max()
        .unwrap_or(Change::Ignored)
}

/// A running watcher: batches of changed paths arrive on `events`.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    pub events: mpsc::Receiver<Vec<PathBuf>>,
    /// The recursive folders being watched (content/, themes/).
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching `content/` or `themes/` when they were created after the watcher.
    pub fn watch_new_folders(&mut self, paths: &WatchedPaths) {
        for dir in [&paths.content, &paths.themes] {
            if dir.is_dir()
                && !self.watched.contains(dir)
                && self.debouncer.watch(dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.push(dir.clone());
            }
        }
    }
}

/// Starts watching `book.toml`, the content folder and `themes/`, with events that arrive
/// within `debounce` of each other given as one batch.
pub fn watch_book(paths: &WatchedPaths, debounce: Duration) -> Result<Watcher> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(debounce, None, move |res: DebounceEventResult| {
        if let Ok(events) = res {
            // Reads (our own rebuild reading the book) are not changes.
            let paths: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                .flat_map(|e| e.event.paths)
                .collect();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        }
    })
    .context("cannot start watching files")?;
    let watcher = &mut debouncer;
    // The root itself (not recursively) sees book.toml being replaced by an editor.
    watcher
        .watch(&paths.root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", paths.root.display()))?;
    let mut watched = Vec::new();
    for dir in [&paths.content, &paths.themes] {
        if dir.is_dir() {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", dir.display()))?;
            watched.push(dir.clone());
        }
    }
    Ok(Watcher {
        watched,
        debouncer,
        events: rx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> WatchedPaths {
        WatchedPaths {
            root: "/b".into(),
            content: "/b/content".into(),
            themes: "/b/themes".into(),
            output: "/b/site".into(),
        }
    }

    #[test]
    fn book_files_are_classified() {
        let p = paths();
        assert_eq!(classify(&p, Path::new("/b/book.toml")), Change::Config);
        assert_eq!(classify(&p, Path::new("/b/content/runbooks/db/x.md")), Change::Content);
        assert_eq!(classify(&p, Path::new("/b/content/img/a.png")), Change::Content);
        assert_eq!(
            classify(&p, Path::new("/b/themes/default/templates/page.html")),
            Change::Theme
        );
    }

    #[test]
    fn output_git_and_editor_files_are_ignored() {
        let p = paths();
        for path in [
            "/b/site/index.html",
            "/b/.git/index",
            "/b/content/.x.md.swp",
            "/b/content/4913",
            "/b/content/x.md~",
            "/b/content/#x.md#",
            "/b/content/.#x.md",
            "/b/content/x.md___jb_tmp___",
            "/b/README.md",
            "/b/target/debug/x",
        ] {
            assert_eq!(classify(&p, Path::new(path)), Change::Ignored, "{path}");
        }
    }

    #[test]
    fn an_output_inside_the_theme_folder_never_triggers_a_rebuild() {
        let p = WatchedPaths {
            output: "/b/themes/out".into(),
            ..paths()
        };
        for path in [
            "/b/themes/out/index.html",
            "/b/themes/.out.building-a1B2c3/index.html",
            "/b/themes/.out.building-a1B2c3.lock",
            "/b/themes/.out.old-12-0/x/index.html",
            "/b/.opsbook-cache/highlight.bin",
        ] {
            assert_eq!(classify(&p, Path::new(path)), Change::Ignored, "{path}");
        }
        assert_eq!(
            classify(&p, Path::new("/b/themes/default/templates/page.html")),
            Change::Theme
        );
        assert_eq!(classify(&p, Path::new("/b/themes/.outline.css")), Change::Theme);
    }

    #[test]
    fn a_batch_takes_its_most_important_change() {
        let p = paths();
        let batch = [
            Path::new("/b/content/.x.swp"),
            Path::new("/b/content/x.md"),
            Path::new("/b/book.toml"),
        ];
        assert_eq!(classify_batch(&p, batch), Change::Config);
        assert_eq!(classify_batch(&p, [Path::new("/b/site/a.html")]), Change::Ignored);
    }
}
