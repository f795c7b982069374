//! `opsbook.lock` in a build: read on a thread of its own while the pages are read
//! ([`RecordRead`]), compared with what the site publishes ([`check_record`], a value the
//! pipeline keeps), and written back after a good build ([`write_record`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{check_removed, current_urls, normalize_url, parse_record_cached, read_record_text, render_record};
use super::{Record, UrlSet, RECORD_FILE};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// What a build publishes, against the record: what `build` writes back.
#[derive(Debug, Default)]
pub struct Published {
    /// `opsbook.lock` as read (`None` when the book has none yet).
    pub record: Option<Arc<Record>>,
    /// Every URL the site publishes now.
    pub urls: UrlSet,
    /// The removals accepted (`--accept-removed`), normalized.
    pub accepted: BTreeSet<String>,
}

/// The comparison of the site with the record.
#[derive(Debug, Default)]
pub struct RecordCheck {
    pub published: Published,
    /// A recorded URL that is gone, or a record that cannot be read or parsed.
    pub diagnostics: Vec<Diagnostic>,
    /// The record's text, when the diagnostics point into it.
    pub text: Option<String>,
}

/// The record read and parsed: the record or its errors (with the file's text, which they
/// point into), or `None` when there is no such file.
type RecordText = Option<Result<Arc<Record>, (String, Vec<Diagnostic>)>>;

/// `opsbook.lock` being read on a thread of its own (a large book's is a hundred megabytes).
pub struct RecordRead {
    path: PathBuf,
    /// `None` when no thread could be started: then it is read when needed.
    thread: Option<std::thread::JoinHandle<RecordText>>,
}

impl RecordRead {
    pub fn start(root: &Path) -> RecordRead {
        let path = root.join(RECORD_FILE);
        let thread_path = path.clone();
        let thread = std::thread::Builder::new()
            .name("opsbook-record".into())
            .spawn(move || read_record(&thread_path))
            .ok();
        RecordRead { path, thread }
    }

    fn finish(self) -> RecordText {
        match self.thread.map(|t| t.join()) {
            Some(Ok(read)) => read,
            // Not started, or it failed: read here, where a failure shows.
            _ => read_record(&self.path),
        }
    }
}

fn read_record(path: &Path) -> RecordText {
    let root = path.parent().unwrap_or(Path::new("."));
    let text = match read_record_text(root) {
        Ok(text) => text?,
        Err(d) => return Some(Err((String::new(), vec![d]))),
    };
    // A record that parses does not keep its text (a large book's is a hundred megabytes).
    Some(parse_record_cached(&text).map_err(|d| (text, d)))
}

/// Compares the site with `opsbook.lock`: a recorded URL that is gone is an error.
pub fn check_record(
    root: &Path,
    config: &Config,
    site: &Site,
    accept_removed: &[String],
    read: RecordRead,
) -> RecordCheck {
    let mut check = RecordCheck {
        published: Published {
            record: None,
            urls: current_urls(site, config),
            accepted: accept_removed.iter().map(|u| normalize_url(u, config)).collect(),
        },
        ..RecordCheck::default()
    };
    let Some(parsed) = read.finish() else {
        return check;
    };
    match parsed {
        Ok(record) => {
            let content = config
                .content_dir
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "content".into());
            let p = &check.published;
            check.diagnostics = check_removed(&record, &p.urls, &p.accepted, site, config, || {
                crate::history::renames(root, &content)
            });
            check.published.record = Some(record);
        }
        Err((t, d)) => {
            check.text = Some(t);
            check.diagnostics = d;
        }
    }
    // For showing the lines diagnostics point at.
    if check.diagnostics.is_empty() {
        check.text = None;
    } else if check.text.is_none() {
        check.text = read_record_text(root).ok().flatten();
    }
    check
}

/// Writes `opsbook.lock` after a good build: every URL published so far, sorted. A record
/// that would not change is not written.
pub fn write_record(root: &Path, p: &Published) -> anyhow::Result<()> {
    if let Some(r) = &p.record {
        if r.is_unchanged_by(&p.urls, &p.accepted) {
            return Ok(());
        }
    }
    let text = render_record(p.record.as_deref(), &p.urls, &p.accepted);
    let path = root.join(RECORD_FILE);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        crate::output::write_file_atomic(&path, text.as_bytes())?;
    }
    Ok(())
}
