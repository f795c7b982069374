//! When each file of the content folder last changed in git: one `git log` for the whole
//! folder, read on a thread of its own while the pages are read. The date is the commit's
//! (`%cs`), so a build of the same commit shows the same dates.

use std::collections::HashMap;
use std::path::Path;

use super::git::git;

/// Path relative to the content folder (`runbooks/db/backup.md`) → the day of the last
/// commit that changed it (`2026-11-20`).
pub type PageDates = HashMap<String, String>;

/// The dates being read; [`DatesRead::finish`] waits for them.
pub struct DatesRead {
    thread: Option<std::thread::JoinHandle<PageDates>>,
}

impl DatesRead {
    /// Starts reading the dates of the files in the folder `content` (inside `root`), or
    /// nothing when `wanted` is false (`serve` and `check` do not show them).
    pub fn start(root: &Path, content: &Path, wanted: bool) -> DatesRead {
        let Some(content) = content
            .strip_prefix(root)
            .ok()
            .and_then(|c| c.to_str())
            .filter(|_| wanted)
        else {
            return DatesRead { thread: None };
        };
        let content = content.replace('\\', "/");
        let root = root.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("opsbook-dates".into())
            .spawn(move || page_dates(&root, &content))
            .ok();
        DatesRead { thread }
    }

    /// The dates: empty outside git, or when not asked.
    pub fn finish(self) -> PageDates {
        self.thread.and_then(|t| t.join().ok()).unwrap_or_default()
    }
}

/// One `git log` over the content folder, newest commit first: the first date a file is
/// listed under is its last change. Renames are not followed (`--no-renames`): a moved file
/// was last changed when it moved.
fn page_dates(root: &Path, content: &str) -> PageDates {
    let content = content.trim_matches('/');
    let spec = if content.is_empty() { "." } else { content };
    let Some(log) = git(
        root,
        &[
            "-c",
            "core.quotepath=off",
            "log",
            "--no-renames",
            "--relative",
            "--format=%x00%cs",
            "--name-only",
            "--",
            spec,
        ],
    ) else {
        return PageDates::new();
    };
    parse_log(&log, content)
}

fn parse_log(log: &str, content: &str) -> PageDates {
    let prefix = if content.is_empty() || content == "." {
        String::new()
    } else {
        format!("{content}/")
    };
    let mut out = PageDates::new();
    for commit in log.split('\0').filter(|c| !c.is_empty()) {
        let mut lines = commit.lines();
        let Some(date) = lines.next().map(str::trim).filter(|d| d.len() == 10) else {
            continue;
        };
        for file in lines.filter(|l| !l.is_empty()) {
            if let Some(rel) = file.strip_prefix(&prefix) {
                out.entry(rel.to_string()).or_insert_with(|| date.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_that_lists_a_file_gives_its_date() {
        let log = "\x002026-11-20\n\ncontent/a.md\n\x002026-10-01\n\ncontent/a.md\ncontent/runbooks/b.md\nREADME.md\n";
        let dates = parse_log(log, "content");
        assert_eq!(dates.get("a.md").map(String::as_str), Some("2026-11-20"));
        assert_eq!(dates.get("runbooks/b.md").map(String::as_str), Some("2026-10-01"));
        assert_eq!(dates.len(), 2, "{dates:?}");
    }
}
