//! What changed status: the checklist's recent history, read from git.
//!
//! The only module that runs git. Each recent commit that touched the checklist is parsed and
//! compared with the one before it; the differences are the dashboard's "Recently changed"
//! list. Dates come from the commits, so builds stay reproducible. Without git, outside a
//! repository or in a shallow clone, the list is simply empty.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use crate::checklist::{parse_checklist, Status};

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
/// first. `current` is the checklist's text as it is on disk now.
pub fn status_changes(root: &Path, path: &Path, current: &str) -> Vec<StatusChange> {
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
    let Some(rel) = git(root, &["ls-files", "--full-name", "--", &path.to_string_lossy()]) else {
        return Vec::new();
    };
    let rel = rel.trim();
    if rel.is_empty() {
        return Vec::new();
    }
    let commits: Vec<(&str, &str)> = log.lines().filter_map(|l| l.split_once(' ')).collect();
    let mut versions: Vec<(Option<(String, String)>, String)> = vec![(None, current.to_string())];
    for (sha, date) in &commits {
        match git(root, &["show", &format!("{sha}:{rel}")]) {
            Some(text) => versions.push((Some((sha[..sha.len().min(10)].to_string(), date.to_string())), text)),
            None => break,
        }
    }
    let mut out = Vec::new();
    for pair in versions.windows(2) {
        let (newer_meta, newer) = &pair[0];
        let (_, older) = &pair[1];
        if newer == older {
            continue;
        }
        let before: HashMap<String, Status> = parse_checklist("", older)
            .0
            .tasks()
            .map(|(_, t)| (t.id.clone(), t.status))
            .collect();
        for (_, t) in parse_checklist("", newer).0.tasks() {
            if let Some(&from) = before.get(&t.id) {
                if from != t.status {
                    out.push(StatusChange {
                        task_id: t.id.clone(),
                        title: t.title.clone(),
                        from,
                        to: t.status,
                        date: newer_meta.as_ref().map(|m| m.1.clone()),
                    });
                }
            }
        }
        if out.len() >= CHANGES {
            break;
        }
    }
    out.truncate(CHANGES);
    out
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
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
    if let Some(status) = git(root, &["status", "--porcelain=v1", "-M", "--", content]) {
        for line in status.lines().filter(|l| l.starts_with('R')) {
            if let Some((old, new)) = line.get(3..).and_then(|l| l.split_once(" -> ")) {
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
