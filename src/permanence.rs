//! URLs never disappear: the record of every URL the site has published.
//!
//! `opsbook build` keeps `opsbook.lock` at the book's root: one published path per line
//! (pages, their heading anchors, aliases, task, section and alert links), sorted, so that
//! it merges well in git. A later build that no longer publishes a recorded URL fails,
//! naming the URL and its likely new home, unless an alias or a generated redirect covers
//! it or the user accepts the removal (`--accept-removed URL`, or by editing the record).

mod lock;
mod url_set;

use std::collections::{BTreeSet, HashMap};

pub use lock::{check_record, write_record, Published, RecordCheck, RecordRead};
pub use url_set::UrlSet;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// The record's file name, at the book's root.
pub const RECORD_FILE: &str = "opsbook.lock";

const HEADER: &str = "# opsbook.lock: every URL this book has published, one per line. opsbook build adds new\n\
# ones; a URL that disappears fails the build until it is redirected (aliases:) or its line\n\
# is removed here (or with opsbook build --accept-removed URL). Commit this file.\n";

/// The URLs of a record, with the line each is on.
#[derive(Debug, Default, Clone)]
pub struct Record {
    urls: UrlSet,
    /// The line each URL of `urls` is first on, in the same (sorted) order.
    lines: Vec<usize>,
    /// Whether the file is exactly what [`render_record`] writes for its URLs.
    canonical: bool,
}

impl Record {
    /// The recorded URLs, sorted.
    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.urls.iter()
    }

    /// Whether writing the record after a build would change nothing: the file is as
    /// opsbook writes it, it holds every URL published now, and none is accepted as removed.
    pub fn is_unchanged_by(&self, current: &UrlSet, accepted: &BTreeSet<String>) -> bool {
        self.canonical && accepted.is_empty() && current.is_subset(&self.urls)
    }
}

/// The text of `opsbook.lock` at `root`: `Ok(None)` when there is none. A record that cannot
/// be read whole is an error, never an empty record: the URLs of removed pages would be lost
/// the next time it is written. A symlink out of the book, a FIFO or a device is refused.
pub fn read_record_text(root: &std::path::Path) -> Result<Option<String>, Diagnostic> {
    use crate::book_fs::{read_in_book, RECORD_LIMIT};
    let bytes = match read_in_book(root, &root.join(RECORD_FILE), RECORD_LIMIT) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(None),
        Err(refused) => {
            let hint = refused.hint();
            return Err(
                Diagnostic::error(RECORD_FILE, 0, 0, format!("cannot read the URL record: {refused}")).with_hint(hint),
            );
        }
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let before = String::from_utf8_lossy(&bytes[..valid]);
        let (line, col) = crate::diagnostic::line_col(&before, valid);
        Diagnostic::error(
            RECORD_FILE,
            line,
            col,
            "the URL record is not valid UTF-8 here, so it cannot be read",
        )
        .with_hint("fix or remove the damaged line (`git diff opsbook.lock` shows what changed); opsbook will not rewrite a record it cannot read")
    })
}

/// Whether `text` is the header and then strictly sorted site paths, one per line: what
/// [`render_record`] writes.
fn is_canonical(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(HEADER) else {
        return false;
    };
    if !(rest.is_empty() || rest.ends_with('\n')) {
        return false;
    }
    let mut prev: Option<&str> = None;
    for line in rest.split_terminator('\n') {
        if !line.starts_with('/') || line.contains(char::is_whitespace) || prev.is_some_and(|p| p >= line) {
            return false;
        }
        prev = Some(line);
    }
    true
}

/// [`parse_record`], remembered for the process: `serve` reads the same record on every
/// rebuild, and a large book's record has 100,000 lines.
pub fn parse_record_cached(text: &str) -> Result<std::sync::Arc<Record>, Vec<Diagnostic>> {
    use std::hash::{Hash, Hasher};
    use std::sync::{Arc, Mutex};
    static LAST: Mutex<Option<(u64, Arc<Record>)>> = Mutex::new(None);
    let mut h = rustc_hash::FxHasher::default();
    text.hash(&mut h);
    let key = h.finish();
    if let Ok(last) = LAST.lock() {
        if let Some((k, record)) = last.as_ref() {
            if *k == key {
                return Ok(record.clone());
            }
        }
    }
    let record = Arc::new(parse_record(text)?);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, record.clone()));
    }
    Ok(record)
}

/// Reads a record; conflict markers or lines that are not paths are errors at their line.
pub fn parse_record(text: &str) -> Result<Record, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    // Each URL's place in `text` and its line.
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if l.starts_with("<<<<<<<") || l.starts_with("=======") || l.starts_with(">>>>>>>") || l.starts_with("|||||||")
        {
            errors.push(
                Diagnostic::error(RECORD_FILE, i + 1, 1, "merge conflict marker in the URL record")
                    .with_hint("keep the URL lines of both sides (the file is a sorted list of every URL ever published), delete the marker lines, then build again"),
            );
            continue;
        }
        if !l.starts_with('/') || l.contains(char::is_whitespace) {
            errors.push(
                Diagnostic::error(RECORD_FILE, i + 1, 1, format!("`{l}` is not a site path"))
                    .with_hint("each line is a path that starts with `/`, such as `/runbooks/db/backup/#verify`; fix or delete the line"),
            );
            continue;
        }
        // `l` is a slice of `text`: where it starts there.
        let start = l.as_ptr() as usize - text.as_ptr() as usize;
        found.push((start, start + l.len(), i + 1));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let url = |&(s, e, _): &(usize, usize, usize)| &text[s..e];
    if !found.windows(2).all(|w| url(&w[0]) < url(&w[1])) {
        // Stable: of a URL written twice, its first line is kept.
        found.sort_by(|a, b| url(a).cmp(url(b)));
        found.dedup_by(|b, a| url(a) == url(b));
    }
    let lines = found.iter().map(|f| f.2).collect();
    let spans = found.into_iter().map(|(s, e, _)| (s, e)).collect();
    Ok(Record {
        urls: UrlSet::new(text.to_string(), spans),
        lines,
        canonical: is_canonical(text),
    })
}

/// Every URL the site publishes now, as site paths (`/runbooks/db/backup/#verify`).
pub fn current_urls(site: &Site, config: &Config) -> UrlSet {
    let u = &config.urls;
    // Each page's address and its anchors, made in parallel (a large book has 100,000).
    let mut all = url_set::Builder::of_each(&site.pages, |p, b| {
        b.push(&["/", &p.path]);
        for anchor in p.anchors.iter().chain(&p.title_id) {
            b.push(&["/", &p.path, "#", anchor]);
        }
    });
    all.push(&["/"]);
    for (alias, i) in &site.aliases {
        all.push(&["/", alias]);
        // The redirect carries the fragment along, so the old address's anchors still land.
        let p = &site.pages[*i];
        for anchor in p.anchors.iter().chain(&p.title_id) {
            all.push(&["/", alias, "#", anchor]);
        }
    }
    for (folder, _) in &site.section_folders {
        all.push(&["/", folder]);
    }
    for name in site.alerts.keys() {
        all.push(&["/", &u.alerts, "/", name, "/"]);
    }
    if let Some(c) = &site.checklist {
        for s in &c.checklist.sections {
            all.push(&["/", &u.sections, "/", &s.id, "/"]);
            for t in &s.tasks {
                all.push(&["/", &u.tasks, "/", &t.id, "/"]);
            }
        }
        if !c.activities.is_empty() {
            all.push(&["/", &u.activities, "/"]);
        }
        for a in &c.activities {
            all.push(&["/", &u.activities, "/", &a.id, "/"]);
        }
    }
    all.finish()
}

/// A site path from what a user typed: `https://acme.github.io/runbooks/x/` or `/runbooks/x/`
/// (with the site's path) or `/x/` → `/x/`.
pub fn normalize_url(url: &str, config: &Config) -> String {
    let mut path = url.trim();
    if let Some(rest) = path.strip_prefix("https://").or_else(|| path.strip_prefix("http://")) {
        path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    }
    let base = config.base_path.as_str();
    let path = path
        .strip_prefix(base.trim_end_matches('/'))
        .filter(|_| base != "/")
        .unwrap_or(path);
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

/// One error for each recorded URL the site no longer publishes (and the user did not
/// accept removing), at its line of the record, with the likely new home.
pub fn check_removed(
    record: &Record,
    current: &UrlSet,
    accepted: &BTreeSet<String>,
    site: &Site,
    config: &Config,
    renames: impl FnOnce() -> Vec<(String, String)>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Sorted, as the record is.
    let missing: Vec<(usize, &str)> = record
        .urls
        .missing_from(current)
        .filter(|(_, u)| !is_accepted(u, accepted))
        .collect();
    // Files renamed in git, by the URL they used to have (asked only when something is gone).
    let renamed: HashMap<String, String> = if missing.is_empty() {
        HashMap::new()
    } else {
        renames()
            .into_iter()
            .map(|(old, new)| {
                (
                    format!("/{}", crate::links::site_path_of(&old, config.lowercase_urls)),
                    new,
                )
            })
            .collect()
    };
    for (i, url) in missing {
        let line = record.lines.get(i).copied().unwrap_or(0);
        let path = url.split('#').next().unwrap_or(url);
        let hint = match renamed.get(path) {
            Some(new) => {
                format!("git says the file was renamed to content/{new}: add `aliases: [{path}]` to its front matter")
            }
            None => new_home(url, current, site, config),
        };
        out.push(
            Diagnostic::error(RECORD_FILE, line, 1, format!("`{url}` was published before and this build no longer has it: links to it in alerts and tickets would break"))
                .with_hint(format!("{hint}; or, if the removal is meant, run `opsbook build --accept-removed {url}`")),
        );
    }
    out
}

/// Where a vanished URL most likely went, as advice.
fn new_home(url: &str, current: &UrlSet, site: &Site, config: &Config) -> String {
    let (path, anchor) = url.split_once('#').map(|(p, a)| (p, Some(a))).unwrap_or((url, None));
    if let Some(anchor) = anchor {
        if current.contains(path) {
            return format!("the heading was renamed or removed: keep its old anchor by ending the new heading with `{{#{anchor}}}`");
        }
    }
    let trimmed = path.trim_matches('/');
    let mut segments = trimmed.split('/');
    let first = segments.next().unwrap_or("");
    if first == config.urls.tasks {
        return "the task's id changed: keep the old id by ending the task's text with `{#old-id}`".to_string();
    }
    if first == config.urls.alerts {
        return "no page lists this alert any more: add it back to the `alerts:` of its runbook".to_string();
    }
    let last = trimmed.rsplit('/').next().unwrap_or("");
    let moved: Vec<&crate::page::Page> = site
        .pages
        .iter()
        .filter(|p| !p.display.is_empty() && p.path.trim_end_matches('/').rsplit('/').next() == Some(last))
        .collect();
    match moved.as_slice() {
        [p] => format!(
            "it looks moved to /{}: add `aliases: [{path}]` to the front matter of {}",
            p.path, p.display
        ),
        _ => format!("redirect it: add `aliases: [{path}]` to the front matter of the page that replaces it"),
    }
}

/// Whether the user accepted `url`'s removal: named itself, or its page was (a page's
/// removal takes its anchors along).
fn is_accepted(url: &str, accepted: &BTreeSet<String>) -> bool {
    accepted.contains(url) || url.split_once('#').is_some_and(|(page, _)| accepted.contains(page))
}

/// The record to write after a good build: what was recorded (less what was accepted as
/// removed) and everything published now, sorted.
pub fn render_record(record: Option<&Record>, current: &UrlSet, accepted: &BTreeSet<String>) -> String {
    let none = UrlSet::default();
    let recorded = record.map_or(&none, |r| &r.urls);
    // A recorded URL accepted as removed goes, unless the site publishes it (again).
    let all = current.union_where(recorded, |u| !is_accepted(u, accepted) || current.contains(u));
    let mut out = String::with_capacity(HEADER.len() + all.iter().map(|u| u.len() + 1).sum::<usize>());
    out.push_str(HEADER);
    for url in all {
        out.push_str(url);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(list: &[&str]) -> UrlSet {
        let mut b = url_set::Builder::default();
        for u in list {
            b.push(&[u]);
        }
        b.finish()
    }

    #[test]
    fn a_record_is_read_and_conflicts_are_errors() {
        let r = parse_record("# header\n/\n/a/\n/a/#x\n").unwrap();
        assert_eq!(r.urls().count(), 3);
        let e = parse_record("/a/\n<<<<<<< HEAD\n/b/\n=======\n/c/\n>>>>>>> other\nnot a path\n").unwrap_err();
        assert_eq!(e.len(), 4);
        assert_eq!(e[0].line, 2);
        assert!(e[3].message.contains("not a site path"));
    }

    #[test]
    fn a_hand_edited_record_is_sorted_and_keeps_each_urls_first_line() {
        let r = parse_record("# mine\n/b/\n  /a/#x \n/a/\n\n/b/\n").unwrap();
        assert_eq!(r.urls().collect::<Vec<_>>(), ["/a/", "/a/#x", "/b/"]);
        assert_eq!(r.lines, [4, 3, 2]);
        assert!(!r.canonical);
    }

    #[test]
    fn the_record_keeps_the_old_and_adds_the_new_sorted() {
        let r = parse_record("/old/\n/a/\n").unwrap();
        let current = urls(&["/a/", "/b/"]);
        let accepted: BTreeSet<String> = BTreeSet::new();
        let text = render_record(Some(&r), &current, &accepted);
        assert!(text.ends_with("/a/\n/b/\n/old/\n"), "{text}");
        let accepted: BTreeSet<String> = ["/old/".to_string()].into();
        assert!(!render_record(Some(&r), &current, &accepted).contains("/old/"));
    }

    #[test]
    fn a_record_as_written_with_nothing_new_needs_no_writing() {
        let none = BTreeSet::new();
        let current = urls(&["/a/", "/b/#x"]);
        let written = render_record(None, &current, &none);
        let r = parse_record(&written).unwrap();
        assert!(r.is_unchanged_by(&current, &none));
        // The same URLs by hand (unsorted, or without the header) are written again.
        assert!(!parse_record("/b/#x\n/a/\n").unwrap().is_unchanged_by(&current, &none));
        let unsorted = written.replace("/a/\n/b/#x\n", "/b/#x\n/a/\n");
        assert!(!parse_record(&unsorted).unwrap().is_unchanged_by(&current, &none));
        // A new URL, or an accepted removal, changes the file.
        let more = urls(&["/a/", "/c/"]);
        assert!(!r.is_unchanged_by(&more, &none));
        let accepted: BTreeSet<String> = ["/b/".to_string()].into();
        assert!(!r.is_unchanged_by(&current, &accepted));
    }
}
