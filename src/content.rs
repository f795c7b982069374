//! Reading `content/`: the only module that reads the book's files.
//!
//! Walks the folder in a stable order, reads markdown as UTF-8 text and lists every other
//! file as an asset to copy. A symlink that leads outside `content/` is refused, so that a
//! book can never publish `/etc/passwd` or a home folder.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::assets::Asset;
use crate::diagnostic::Diagnostic;

/// A markdown file of the book.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to `content/`, with `/` separators (`runbooks/db/backup.md`).
    pub rel: String,
    /// Path shown in diagnostics, relative to the book root (`content/runbooks/db/backup.md`).
    pub display: String,
    /// Shared: a text kept between rebuilds is not copied, and an unchanged one is known
    /// by pointer.
    pub text: std::sync::Arc<str>,
}

#[derive(Debug, Default)]
pub struct Content {
    pub sources: Vec<SourceFile>,
    pub assets: Vec<Asset>,
    /// Files and folders kept out of the site by the ignore rules, relative to `content/`
    /// (`check --verbose` lists them).
    pub ignored: Vec<String>,
}

/// The content folder of a book, read for a build: refused when it is missing or reaches
/// outside the book; the ignore rules applied; and, content being data, what a browser would
/// run refused and drawings made safe (see [`crate::assets`]).
pub fn read_book_content(
    config: &crate::config::Config,
    cache: &mut ReadCache,
) -> Result<(Content, Vec<Diagnostic>), Diagnostic> {
    let display = config.content_display();
    if !config.content_dir.is_dir() {
        return Err(Diagnostic::error(
            display,
            0,
            0,
            format!("no content folder at {}", config.content_dir.display()),
        )
        .with_hint("run `opsbook init` to start a book, or set `content` under [build] in book.toml"));
    }
    if let Err(refused) = crate::book_fs::check_inside(&config.root, &config.content_dir) {
        return Err(
            Diagnostic::error(display, 0, 0, format!("the content folder is not read: {refused}")).with_hint(
                "content never reaches outside the book: move the folder into the book instead of linking to it",
            ),
        );
    }
    let rules =
        crate::ignore_rules::IgnoreRules::new(&config.root, &config.content_dir, &config.ignore).unwrap_or_default();
    let (mut content, mut diags) = read_content_cached(&config.content_dir, &display, &rules, cache);
    let trusted = crate::assets::trusted_set(&config.trusted_assets).unwrap_or_default();
    let (assets, refused) = crate::assets::admit(std::mem::take(&mut content.assets), &trusted, &display);
    content.assets = assets;
    diags.extend(refused);
    Ok((content, diags))
}

/// Reads every file below `content_dir`. `display_prefix` is how the folder is named in
/// diagnostics (`content`). Files and folders whose name starts with `.` are skipped.
pub fn read_content(content_dir: &Path, display_prefix: &str) -> (Content, Vec<Diagnostic>) {
    read_content_cached(
        content_dir,
        display_prefix,
        &crate::ignore_rules::IgnoreRules::default(),
        &mut ReadCache::default(),
    )
}

/// Texts read before, by path, with the size and modification time they had: a file whose
/// size and time are the same is not read again.
#[derive(Debug, Default)]
pub struct ReadCache {
    enabled: bool,
    texts: std::collections::HashMap<PathBuf, (u64, std::time::SystemTime, std::sync::Arc<str>)>,
}

impl ReadCache {
    /// A cache that keeps texts (the default one, for a single build, keeps nothing).
    pub fn enabled() -> Self {
        ReadCache {
            enabled: true,
            ..ReadCache::default()
        }
    }
}

/// [`read_content`], reusing the texts of `cache` for files that have not changed.
pub fn read_content_cached(
    content_dir: &Path,
    display_prefix: &str,
    rules: &crate::ignore_rules::IgnoreRules,
    cache: &mut ReadCache,
) -> (Content, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut ignored = Vec::new();
    if !content_dir.is_dir() {
        return (Content::default(), diags);
    }
    let root = content_dir.canonicalize().unwrap_or_else(|_| content_dir.to_path_buf());
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if rules.is_empty() && !crate::ignore_rules::DEFAULTS.iter().any(|d| e.file_name() == *d) {
                return true;
            }
            let Some(rel) = rel_path(content_dir, e.path()) else {
                return true;
            };
            if rules.is_ignored(&rel, e.file_type().is_dir()) {
                ignored.push(rel);
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| display_path(content_dir, p, display_prefix))
                    .unwrap_or_else(|| display_prefix.to_string());
                diags.push(
                    Diagnostic::error(path, 0, 0, format!("cannot read: {e}"))
                        .with_hint("check the file's permissions"),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let path = entry.path();
        let display = display_path(content_dir, path, display_prefix);
        let mut is_file = entry.file_type().is_file();
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&root) => {
                    if target.is_dir() {
                        diags.push(
                            Diagnostic::warning(display, 0, 0, "symlinked folder is not followed")
                                .with_hint("copy the folder or link its files one by one"),
                        );
                        continue;
                    }
                    is_file = target.is_file();
                }
                Ok(target) => {
                    diags.push(
                        Diagnostic::error(
                            display,
                            0,
                            0,
                            format!("symlink leads outside content/ (to {})", target.display()),
                        )
                        .with_hint("content never reaches outside the book: copy the file into content/ instead"),
                    );
                    continue;
                }
                Err(_) => {
                    diags.push(
                        Diagnostic::error(display, 0, 0, "broken symlink")
                            .with_hint("remove it or point it at a file inside content/"),
                    );
                    continue;
                }
            }
        }
        if !is_file {
            continue;
        }
        let Some(rel) = rel_path(content_dir, path) else {
            continue;
        };
        if rel.ends_with(".md") || rel.ends_with(".markdown") {
            markdown.push((rel, display, path.to_path_buf()));
        } else {
            assets.push(Asset {
                rel,
                abs: path.to_path_buf(),
                treatment: crate::assets::Treatment::Copy,
            });
        }
    }
    let cache_ref: &ReadCache = cache;
    type Read = (SourceFile, PathBuf, Option<(u64, std::time::SystemTime)>);
    let read: Vec<Result<Read, Diagnostic>> = markdown
        .into_par_iter()
        .map(|(rel, display, abs)| {
            let stamp = std::fs::metadata(&abs)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            if let (Some((len, time)), Some((l, t, text))) = (stamp, cache_ref.texts.get(&abs)) {
                if (len, time) == (*l, *t) {
                    return Ok((
                        SourceFile {
                            rel,
                            display,
                            text: text.clone(),
                        },
                        abs,
                        stamp,
                    ));
                }
            }
            read_source(rel, display, &abs).map(|s| (s, abs, stamp))
        })
        .collect();
    let mut sources = Vec::with_capacity(read.len());
    cache.texts.clear();
    for r in read {
        match r {
            Ok((s, abs, stamp)) => {
                if let (true, Some((len, time))) = (cache.enabled, stamp) {
                    cache.texts.insert(abs, (len, time, s.text.clone()));
                }
                sources.push(s);
            }
            Err(d) => diags.push(d),
        }
    }
    (
        Content {
            sources,
            assets,
            ignored,
        },
        diags,
    )
}

pub(crate) fn read_source(rel: String, display: String, abs: &Path) -> Result<SourceFile, Diagnostic> {
    match std::fs::read(abs) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile {
                rel,
                display,
                text: normalize_text(text).into(),
            }),
            Err(e) => {
                let off = e.utf8_error().valid_up_to();
                let bytes = e.into_bytes();
                let (line, col) = crate::diagnostic::line_col(&String::from_utf8_lossy(&bytes[..off]), off);
                Err(Diagnostic::error(display, line, col, "file is not valid UTF-8")
                    .with_hint("save the file as UTF-8"))
            }
        },
        Err(e) => {
            Err(Diagnostic::error(display, 0, 0, format!("cannot read: {e}")).with_hint("check the file's permissions"))
        }
    }
}

/// A file's text as the pipeline reads it: no byte-order mark, `\n` line ends.
pub fn normalize_text(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    // CRLF (Windows) and a lone CR (classic Mac) both end a line, as in CommonMark.
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

fn rel_path(base: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(base).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

fn display_path(base: &Path, path: &Path, prefix: &str) -> String {
    match rel_path(base, path) {
        Some(rel) if prefix.is_empty() => rel,
        Some(rel) => format!("{prefix}/{rel}"),
        None => path.display().to_string(),
    }
}
