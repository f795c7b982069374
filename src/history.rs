//! The checklist's history, read from git: the only module that runs git (`history/git.rs`).
//!
//! - [`checklist_history`]: every version of the checklist, summed up by `series.rs` into the
//!   daily series of the burn-up chart, every status change (the newest are the dashboard's
//!   "Recently changed" list, see [`History::recent_changes`]), and the pace;
//! - [`renames`]: files renamed under the content folder (for the URL record's hints);
//! - `dates.rs`: the day each file of the content folder last changed ("Last updated").
//!
//! Dates come from the commits, so builds stay reproducible. Without git or outside a
//! repository there is no history, and no error; in a shallow clone the history says it is
//! incomplete.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub mod dates;
pub(crate) mod git;
pub mod series;

use git::git;
pub use series::History;

use crate::checklist::{parse_checklist, Status};

/// How many changes it shows at most.
pub const CHANGES: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub task_id: String,
    pub title: String,
    pub from: Status,
    pub to: Status,
    /// The commit's date (`2026-11-20`), or None for a change not committed yet.
    pub date: Option<String>,
}

/// The whole history of the checklist at `path` (inside the git work tree at `root`), ending
/// with `current_text` (the file on disk) when it differs from the last commit. `None`
/// outside git, or when git holds no version of the file.
///
/// Every version is read with one `git log` and one `git cat-file --batch`, and each
/// distinct text is parsed once, side by side. The result is kept for the process while the
/// file's log and text stay the same (`serve` asks on every save).
pub fn checklist_history(root: &Path, path: &Path, current_text: &str, today: time::Date) -> Option<History> {
    type Key = (PathBuf, PathBuf, String, u64, time::Date);
    static LAST: Mutex<Option<(Key, std::sync::Arc<History>)>> = Mutex::new(None);
    let path_arg = path.to_string_lossy();
    let log = git(root, &["log", "--format=%H%x09%cs%x09%an", "--", &path_arg])?;
    let key: Key = (
        root.to_path_buf(),
        path.to_path_buf(),
        log,
        crate::fingerprint::hash_of(current_text),
        today,
    );
    if let Some((_, h)) = LAST.lock().ok()?.as_ref().filter(|(k, _)| *k == key) {
        return Some((**h).clone());
    }
    let mut clock = std::time::Instant::now();
    let rel = git(root, &["ls-files", "--full-name", "--", &path_arg])?;
    let rel = rel.trim();
    let shallow = git(root, &["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s.trim() == "true");
    // Oldest first.
    let commits: Vec<(&str, series::Commit)> = key
        .2
        .lines()
        .rev()
        .filter_map(|l| {
            let mut f = l.splitn(3, '\t');
            let (sha, date, author) = (f.next()?, f.next()?, f.next().unwrap_or(""));
            Some((
                sha,
                series::Commit {
                    date: date.to_string(),
                    author: author.to_string(),
                    committed: true,
                },
            ))
        })
        .collect();
    let texts = if rel.is_empty() || commits.is_empty() {
        Vec::new()
    } else {
        let input: String = commits.iter().map(|(sha, _)| format!("{sha}:{rel}\n")).collect();
        let out = git::git_with_input(root, &["cat-file", "--batch"], input.as_bytes())?;
        git::batch_blobs(&out)
    };
    crate::clock::log_time("  history git", &mut clock);
    // Each version from the one before it when only task statuses changed (most commits);
    // parsed otherwise, each distinct text once.
    let mut read = VersionReader::default();
    let mut versions: Vec<(series::Commit, series::Version)> = Vec::new();
    let mut last_text: Option<&str> = None;
    for ((_, commit), text) in commits.iter().zip(&texts) {
        let Some(text) = text.as_deref() else { continue };
        versions.push((commit.clone(), read.next(text)));
        last_text = Some(text);
    }
    crate::clock::log_time("  history parse", &mut clock);
    if versions.is_empty() && rel.is_empty() {
        // Not in git at all: no history to show.
        return None;
    }
    let current = (last_text != Some(current_text)).then(|| read.next(current_text));
    let mut history = History::of(&versions, current.as_ref(), today, !shallow);
    // The days each activity was marked done, version by version.
    let mut previous = None;
    for text in texts
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(std::iter::once(current_text))
    {
        if previous != Some(text) {
            history.note_activities(text);
            previous = Some(text);
        }
    }
    crate::clock::log_time("  history series", &mut clock);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((key, std::sync::Arc::new(history.clone())));
    }
    Some(history)
}

/// Reads versions of a checklist in order, each from the last when it differs only in the
/// status markers of task lines.
/// Each task's index by its (1-based) line.
type TaskLines = std::sync::Arc<HashMap<usize, usize>>;

#[derive(Default)]
struct VersionReader<'a> {
    /// The last text read, its version, and where its tasks are.
    last: Option<(&'a str, series::Version, TaskLines)>,
    parsed: HashMap<&'a str, series::Version>,
}

impl<'a> VersionReader<'a> {
    fn next(&mut self, text: &'a str) -> series::Version {
        if let Some((last_text, last, lines)) = &self.last {
            if *last_text == text {
                return last.clone();
            }
            if let Some(version) = statuses_changed(last_text, text, last, lines) {
                self.last = Some((text, version.clone(), lines.clone()));
                return version;
            }
        }
        let version = self
            .parsed
            .entry(text)
            .or_insert_with(|| series::Version::of(parse_checklist("", text).0))
            .clone();
        // Task index by (1-based) line, for reading the next version's statuses.
        let lines = version
            .structure
            .tasks()
            .enumerate()
            .map(|(i, (_, t))| (t.line, i))
            .collect();
        self.last = Some((text, version.clone(), std::sync::Arc::new(lines)));
        version
    }
}

/// `new` as `old` (whose tasks are at `lines`) with other statuses, when the texts differ
/// only in the status markers of task lines; `None` otherwise (it is then parsed).
fn statuses_changed(
    old: &str,
    new: &str,
    version: &series::Version,
    lines: &HashMap<usize, usize>,
) -> Option<series::Version> {
    if old.len().abs_diff(new.len()) > 4 * lines.len() + 8 {
        return None;
    }
    let mut statuses = version.statuses.clone();
    let (mut a, mut b) = (old.split('\n'), new.split('\n'));
    let mut n = 0;
    loop {
        n += 1;
        match (a.next(), b.next()) {
            (None, None) => break,
            (Some(x), Some(y)) if x == y => {}
            (Some(x), Some(y)) => {
                let &task = lines.get(&n)?;
                let (from, rest_x) = crate::checklist::line_status(x)?;
                let (to, rest_y) = crate::checklist::line_status(y)?;
                if rest_x != rest_y || statuses.get(task) != Some(&from) {
                    return None;
                }
                statuses[task] = to;
            }
            _ => return None,
        }
    }
    Some(series::Version {
        structure: version.structure.clone(),
        statuses,
    })
}

/// Files renamed under `content` (relative to the book root), as (old, new) paths relative
/// to `content`: staged renames first, then those of the last 100 commits. Empty without git.
pub fn renames(root: &Path, content: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let prefix = format!("{}/", content.trim_end_matches('/'));
    let Some(top) = git(root, &["rev-parse", "--show-prefix"]) else {
        return out;
    };
    let top = top.trim().to_string();
    let strip = |p: &str| {
        p.strip_prefix(&top)
            .and_then(|p| p.strip_prefix(&prefix))
            .map(str::to_string)
    };
    // Staged renames: the index against the last commit (the work tree is never looked at).
    let staged = git(
        root,
        &[
            "diff",
            "--cached",
            "--no-ext-diff",
            "-M",
            "--name-status",
            "--diff-filter=R",
            "--",
            content,
        ],
    );
    if let Some(staged) = staged {
        for line in staged.lines().filter(|l| l.starts_with('R')) {
            let mut parts = line.split('\t').skip(1);
            if let (Some(old), Some(new)) = (parts.next(), parts.next()) {
                if let (Some(o), Some(n)) = (strip(old), strip(new)) {
                    out.push((o, n));
                }
            }
        }
    }
    if let Some(log) = git(
        root,
        &[
            "log",
            "--no-ext-diff",
            "-M",
            "--diff-filter=R",
            "--name-status",
            "--format=",
            "-n",
            "100",
            "--",
            content,
        ],
    ) {
        for line in log.lines().filter(|l| l.starts_with('R')) {
            let mut parts = line.split('\t').skip(1);
            if let (Some(old), Some(new)) = (parts.next(), parts.next()) {
                if let (Some(o), Some(n)) = (strip(old), strip(new)) {
                    out.push((o, n));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_that_only_changes_statuses_shares_the_structure() {
        let one = "# C\n\n## S\n\n- `{ }` One\n- [ ] Two\n";
        let two = "# C\n\n## S\n\n- `{X}` One\n- [x] Two\n";
        let three = "# C\n\n## S\n\n- `{X}` One, renamed\n- [x] Two\n";
        let mut read = VersionReader::default();
        let a = read.next(one);
        let b = read.next(two);
        assert!(std::sync::Arc::ptr_eq(&a.structure, &b.structure));
        assert_eq!(b.statuses, [Status::Complete, Status::Complete]);
        // Anything else is parsed: the same as a parse of the text.
        let c = read.next(three);
        assert!(!std::sync::Arc::ptr_eq(&b.structure, &c.structure));
        assert_eq!(c.structure.sections[0].tasks[0].title, "One, renamed");
        // An unknown marker is never read as a status.
        let d = read.next("# C\n\n## S\n\n- `{Y}` One, renamed\n- [x] Two\n");
        assert!(!std::sync::Arc::ptr_eq(&c.structure, &d.structure));
    }
}
