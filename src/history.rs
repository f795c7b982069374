//! What changed status: the checklist's recent history, read from git.
//!
//! The only module that runs git. Each recent commit that touched the checklist is parsed and
//! compared with the one before it; the differences are the dashboard's "Recently changed"
//! list. Dates come from the commits, so builds stay reproducible. Without git, outside a
//! repository or in a shallow clone, the list is simply empty.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use crate::checklist::{parse_checklist, Checklist, Status};

/// How many commits back the dashboard looks.
const COMMITS: usize = 12;
/// How many changes it shows at most.
const CHANGES: usize = 15;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub task_id: String,
    pub title: String,
    pub from: Status,
    pub to: Status,
    /// The commit's date (`2026-11-20`), or None for a change not committed yet.
    pub date: Option<String>,
}

/// Status changes of the checklist at `path` (inside the git work tree at `root`), newest
/// first. `current` is the checklist as it is on disk now.
///
/// The committed part is remembered for the process (`serve` asks on every save) while the
/// file's log stays the same: a save then costs one `git log`, not a `git show` and a parse
/// of each recent version.
pub fn status_changes(root: &Path, path: &Path, current: &Checklist) -> Vec<StatusChange> {
    let Some(log) = git(
        root,
        &[
            "log",
            &format!("-n{COMMITS}"),
            "--format=%H %cs",
            "--",
            &path.to_string_lossy(),
        ],
    ) else {
        return Vec::new();
    };
    let key: LogKey = (root.to_path_buf(), path.to_path_buf(), log);
    static LAST: Mutex<Option<(LogKey, std::sync::Arc<Committed>)>> = Mutex::new(None);
    let kept = LAST
        .lock()
        .ok()
        .and_then(|last| last.as_ref().filter(|(k, _)| *k == key).map(|(_, c)| c.clone()));
    let committed = match kept {
        Some(c) => c,
        None => {
            let c = std::sync::Arc::new(committed(root, path, &key.2));
            if let Ok(mut last) = LAST.lock() {
                *last = Some((key, c.clone()));
            }
            c
        }
    };
    // Not committed yet: the file against its last committed version.
    let mut out = Vec::new();
    if let Some(head) = &committed.head {
        out.extend(differences(head, current, None));
    }
    for pair in &committed.pairs {
        if out.len() >= CHANGES {
            break;
        }
        out.extend(pair.iter().cloned());
    }
    out.truncate(CHANGES);
    out
}

/// A checklist's log: the work tree, the file, and its recent commits as git lists them.
type LogKey = (PathBuf, PathBuf, String);

/// What the recent commits of the checklist say, newest first.
#[derive(Debug, Default)]
struct Committed {
    /// The last committed version, parsed (none when the file is not in git).
    head: Option<Checklist>,
    /// The changes each commit made to the version before it.
    pairs: Vec<Vec<StatusChange>>,
}

fn committed(root: &Path, path: &Path, log: &str) -> Committed {
    let Some(rel) = git(root, &["ls-files", "--full-name", "--", &path.to_string_lossy()]) else {
        return Committed::default();
    };
    let rel = rel.trim();
    if rel.is_empty() {
        return Committed::default();
    }
    let mut versions: Vec<(String, String)> = Vec::new();
    for (sha, date) in log.lines().filter_map(|l| l.split_once(' ')) {
        match git(root, &["cat-file", "blob", &format!("{sha}:{rel}")]) {
            Some(text) => versions.push((date.to_string(), text)),
            None => break,
        }
    }
    let parsed: Vec<Checklist> = versions.iter().map(|(_, text)| parse_checklist("", text).0).collect();
    let mut pairs = Vec::new();
    for k in 0..versions.len().saturating_sub(1) {
        // The same text as the version before it changed nothing.
        if versions[k].1 != versions[k + 1].1 {
            pairs.push(differences(&parsed[k + 1], &parsed[k], Some(versions[k].0.clone())));
        }
    }
    Committed {
        head: parsed.into_iter().next(),
        pairs,
    }
}

/// The tasks of `newer` whose status is not the one they had in `older`, in `newer`'s order.
fn differences(older: &Checklist, newer: &Checklist, date: Option<String>) -> Vec<StatusChange> {
    let before: HashMap<&str, Status> = older.tasks().map(|(_, t)| (t.id.as_str(), t.status)).collect();
    newer
        .tasks()
        .filter_map(|(_, t)| {
            let &from = before.get(t.id.as_str())?;
            (from != t.status).then(|| StatusChange {
                task_id: t.id.clone(),
                title: t.title.clone(),
                from,
                to: t.status,
                date: date.clone(),
            })
        })
        .collect()
}

/// Runs a read-only git command in `root`. A book may come with its own `.git/config` (an
/// archive of a repository, a shared checkout), and git runs programs named there: the
/// fsmonitor hook on commands that look at the work tree, hooks, an ssh command or a lazy
/// fetch in a partial clone. Those are turned off here, and only commands that never touch
/// the work tree are used (no `status`, which may also run clean filters): history is read
/// from the object store alone.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("--no-pager")
        .arg("-C")
        .arg(root)
        .args(SAFE_CONFIG.iter().flat_map(|c| ["-c", c]))
        .args(args)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// Settings given to every git command, over whatever the repository's configuration says.
const SAFE_CONFIG: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.sshCommand=false",
    "protocol.allow=never",
    "core.pager=cat",
    "core.untrackedCache=false",
];

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
