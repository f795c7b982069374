//! `opsbook init --adopt [DIR]`: a `book.toml` around a repository of Markdown runbooks that
//! already exists, so that the next `opsbook build` gives a site. It looks at the files and
//! writes one choice per key, each with a comment saying why. It never moves, rewrites or
//! deletes the repository's files, and never overwrites a `book.toml`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use super::{CmdResult, Failure};

mod hosting;
mod title;

/// Folders that hold a repository's documentation, in the order they are preferred.
const CONTENT_FOLDERS: &[&str] = &["content", "docs", "runbooks", "doc", "documentation", "playbooks"];

/// Extensions of files that are no pages and no pictures: scripts, code and configuration
/// kept beside runbooks. Files browsers would run (`.html`, `.js`, `.xml`) are refused by a
/// build unless ignored or trusted, so they are ignored here too.
const NON_PAGES: &[&str] = &[
    "sh",
    "bash",
    "py",
    "go",
    "rb",
    "pl",
    "ps1",
    "bat",
    "mod",
    "sum",
    "lock",
    "toml",
    "cfg",
    "ini",
    "tf",
    "tfvars",
    "jsonnet",
    "libsonnet",
    "j2",
    "tpl",
    "html",
    "htm",
    "js",
    "mjs",
    "xml",
    "xsl",
    "ts",
    "css",
    "scss",
];

/// What was found in the repository.
#[derive(Debug, Default)]
struct Survey {
    /// The content folder, relative to the book (`.` for the repository's root).
    content: String,
    /// Markdown files under it.
    pages: usize,
    /// Non-page files by top-level folder ("" for the content root) and extension.
    non_pages: BTreeMap<(String, String), usize>,
    /// Folders whose pages are nearly all named like alerts (`KubePodCrashLooping.md`),
    /// with how many and one of them.
    alert_folders: Vec<(String, usize, String)>,
    /// A checklist: a page with task-list items (`- [ ]`), relative to the content folder.
    checklist: Option<(String, usize)>,
    /// The name MkDocs or Hugo gave the site, and the file that says it.
    title: Option<(String, &'static str)>,
    /// Where the repository is read on GitHub or GitLab.
    hosted: Option<hosting::Hosted>,
}

pub fn run(dir: &Path) -> CmdResult {
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a folder; pass the repository that holds your runbooks",
            dir.display()
        )));
    }
    let config = dir.join(crate::config::CONFIG_FILE);
    if std::fs::symlink_metadata(&config).is_ok() {
        let text = crate::book_fs::read_in_book(dir, &config, crate::book_fs::CONFIG_LIMIT)
            .ok()
            .flatten()
            .and_then(|b| String::from_utf8(b).ok());
        if text.as_deref().is_some_and(crate::config::is_mdbook) {
            let arg = dir_arg(dir);
            println!(
                "{} is mdBook's, and opsbook reads it as it is: its title, `src` as the content and `edit-url-template`; SUMMARY.md is not a page. Nothing was written. Next: `opsbook build{arg}`.",
                config.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        return Err(Failure::Usage(format!(
            "{} already exists; opsbook init --adopt never overwrites it (delete it first to start over)",
            config.display()
        )));
    }
    let survey = survey(dir);
    if survey.pages == 0 {
        return Err(Failure::Usage(format!(
            "no Markdown files found in {}; `opsbook init` starts a new book instead",
            dir.display()
        )));
    }
    let text = book_toml(&survey);
    // Parsed before it is written: what adopt writes must be a valid book.toml.
    if let Err(d) = crate::config::parse_config(dir, &text, None) {
        return Err(Failure::Other(anyhow::anyhow!(
            "the book.toml made for this repository is not valid ({}); please report this",
            d.first().map(|d| d.message.clone()).unwrap_or_default()
        )));
    }
    crate::book_fs::create_new_in_book(dir, &config, text.as_bytes())
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", config.display())))?;
    println!(
        "Wrote {} for the runbooks already in {}:",
        config.display(),
        dir.display()
    );
    for line in text
        .lines()
        .filter(|l| l.starts_with("# ") && !l.starts_with("# opsbook") && !l.starts_with("# Every key"))
    {
        println!("  {}", line.trim_start_matches("# "));
    }
    let arg = dir_arg(dir);
    println!(
        "No file of yours was moved or changed. Next: `opsbook build{arg}`, then `opsbook check{arg}` for what to fix."
    );
    println!("Add `/site/` and `/.opsbook-cache/` to your .gitignore, and commit book.toml and opsbook.lock.");
    Ok(ExitCode::SUCCESS)
}

/// The folder as the commands printed next take it: nothing for the current one.
fn dir_arg(dir: &Path) -> String {
    match dir.display().to_string() {
        shown if shown == "." => String::new(),
        shown => format!(" {shown}"),
    }
}

/// Looks at the repository: where its Markdown is, what else lies beside it, whether its
/// pages are named after alerts, whether one of them is a checklist.
fn survey(root: &Path) -> Survey {
    let count_md = |dir: &Path| {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file() && is_markdown(&e.file_name().to_string_lossy()))
            .count()
    };
    let total = count_md(root);
    // A documentation folder holding most of the Markdown is the content; else the root.
    let content = CONTENT_FOLDERS
        .iter()
        .map(|f| (f, count_md(&root.join(f))))
        .find(|(f, n)| *n > 0 && *n * 2 > total && root.join(f).is_dir())
        .map(|(f, _)| f.to_string())
        .unwrap_or_else(|| ".".to_string());
    let content_dir = if content == "." {
        root.to_path_buf()
    } else {
        root.join(&content)
    };
    let rules = crate::ignore_rules::IgnoreRules::new(root, &content_dir, &["site/".to_string()]).unwrap_or_default();
    let mut survey = Survey {
        content,
        ..Survey::default()
    };
    let mut by_folder: BTreeMap<String, (usize, usize, String)> = BTreeMap::new();
    let mut best_checklist: Option<(String, usize)> = None;
    let walker = walkdir::WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let rel = e
                .path()
                .strip_prefix(&content_dir)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            !name.starts_with('.') && !rules.is_ignored(&rel, e.file_type().is_dir())
        });
    for entry in walker.filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let Ok(rel) = entry.path().strip_prefix(&content_dir) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        let name = entry.file_name().to_string_lossy().into_owned();
        let folder = rel.rsplit_once('/').map(|(f, _)| f.to_string()).unwrap_or_default();
        if is_markdown(&name) {
            survey.pages += 1;
            let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
            let counts = by_folder.entry(folder).or_default();
            counts.0 += 1;
            if looks_like_alert(stem) {
                counts.1 += 1;
                if counts.2.is_empty() {
                    counts.2 = rel.clone();
                }
            }
            let tasks = std::fs::read_to_string(entry.path())
                .map(|t| t.lines().filter(|l| is_task_line(l)).count())
                .unwrap_or(0);
            if tasks >= 3 && best_checklist.as_ref().is_none_or(|(_, n)| tasks > *n) {
                best_checklist = Some((rel.clone(), tasks));
            }
        } else {
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            let plain_name = matches!(
                name.as_str(),
                "Makefile" | "Dockerfile" | "LICENSE" | "NOTICE" | "go.mod"
            );
            if NON_PAGES.contains(&ext.as_str()) || plain_name {
                let top = rel.split_once('/').map(|(t, _)| t.to_string()).unwrap_or_default();
                let key = if plain_name { name.clone() } else { format!("*.{ext}") };
                *survey.non_pages.entry((top, key)).or_default() += 1;
            }
        }
    }
    // Folders whose pages are (nearly) all named like alerts; at least three such pages in
    // all, so that two capitalized file names are not taken for a layout.
    survey.alert_folders = by_folder
        .into_iter()
        .filter(|(_, (pages, alerts, _))| *alerts >= 1 && alerts * 10 >= pages * 8)
        .map(|(f, (_, alerts, example))| (f, alerts, example))
        .collect();
    if survey.alert_folders.iter().map(|(_, n, _)| n).sum::<usize>() < 3 {
        survey.alert_folders.clear();
    }
    survey.checklist = best_checklist;
    survey.title = title::find(root);
    survey.hosted = hosting::find(root);
    survey
}

fn plural_folders(n: usize) -> String {
    if n == 1 {
        "one folder".into()
    } else {
        format!("{n} folders")
    }
}

fn is_markdown(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// `KubePodCrashLooping`, `etcdMembersDown`, `TargetDown`: one word in camel case, as
/// Prometheus alerts are named; not `README`, `index` or `getting-started`.
fn looks_like_alert(stem: &str) -> bool {
    let upper = stem.chars().filter(|c| c.is_ascii_uppercase()).count();
    !matches!(
        stem.to_ascii_lowercase().as_str(),
        "readme" | "index" | "_index" | "owners" | "changelog" | "contributing"
    ) && stem.chars().all(|c| c.is_ascii_alphanumeric())
        && stem.chars().any(|c| c.is_ascii_lowercase())
        && upper >= 1
        && stem.len() >= 6
        && (upper >= 2 || stem.starts_with(|c: char| c.is_ascii_lowercase()))
}

fn is_task_line(line: &str) -> bool {
    let t = line.trim_start();
    ["- [ ]", "- [x]", "- [X]", "* [ ]", "* [x]", "- `{"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The book.toml for what was found, a comment on every choice.
fn book_toml(s: &Survey) -> String {
    let mut out = String::from(
        "# opsbook: written by `opsbook init --adopt` for the runbooks already in this repository.\n\
         # Every key is optional; the README's book.toml table lists them all.\n\n",
    );
    if let Some((title, file)) = &s.title {
        out.push_str(&format!(
            "[book]\n# The name {file} gives the site.\ntitle = {}\n\n",
            toml::Value::String(title.clone())
        ));
    }
    out.push_str("[build]\n");
    if s.content == "." {
        out.push_str(&format!(
            "# The Markdown is at the repository's root ({} files), so the root is the content.\n\
             content = \".\"\n\
             # The site is written to site/, kept out of the content below.\n",
            s.pages
        ));
    } else {
        out.push_str(&format!(
            "# {} of the repository's Markdown files are under {}/.\ncontent = \"{}\"\n",
            s.pages, s.content, s.content
        ));
    }
    match &s.checklist {
        Some((rel, n)) => out.push_str(&format!(
            "# {rel} holds {n} task-list items (`- [ ]`): it is the checklist the dashboard shows.\nchecklist = \"{rel}\"\n"
        )),
        None => out.push_str("# No page holds a task list, so the book has no checklist (add one later with `checklist =`).\n"),
    }
    let mut ignore: Vec<(String, String)> = Vec::new();
    if s.content == "." {
        ignore.push(("site/".into(), "the built site itself".into()));
    }
    for ((top, key), n) in &s.non_pages {
        let glob = if top.is_empty() {
            if key.starts_with("*.") {
                format!("**/{key}")
            } else {
                key.clone()
            }
        } else {
            format!("{top}/**/{key}")
        };
        if !ignore
            .iter()
            .any(|(g, _)| *g == glob || (g.starts_with("**/") && glob.ends_with(&g[3..])))
        {
            ignore.push((glob, format!("{n} file(s) that are no pages ({key})")));
        }
    }
    if !ignore.is_empty() {
        out.push_str(
            "# Kept out of the site (besides OWNERS, CODEOWNERS, .github/, node_modules/ and what .gitignore ignores):\nignore = [\n",
        );
        for (glob, why) in &ignore {
            out.push_str(&format!("  {glob:?},  # {why}\n"));
        }
        out.push_str("]\n");
    }
    out.push_str(
        "# While links written for GitHub are fixed, publish anyway: `build` counts broken links,\n\
         # `opsbook check` lists each. Set \"error\" once `opsbook check` is clean.\n\
         broken-links = \"warn\"\n",
    );
    if let Some(hosted) = &s.hosted {
        out.push_str(&format!(
            "\n[site]\n# The repository's origin is {}: each page links to its editor and its history there.\nedit-url = {}\nhistory-url = {}\n",
            hosted.web,
            toml::Value::String(hosted.edit_url(&s.content)),
            toml::Value::String(hosted.history_url(&s.content))
        ));
    }
    if !s.alert_folders.is_empty() {
        out.push_str("\n[runbooks]\n");
        let globs: Vec<String> = s
            .alert_folders
            .iter()
            .map(|(f, _, _)| {
                if f.is_empty() {
                    "*.md".to_string()
                } else {
                    format!("{f}/*.md")
                }
            })
            .collect();
        let pages: usize = s.alert_folders.iter().map(|(_, n, _)| n).sum();
        let example = s.alert_folders.first().map(|(_, _, e)| e.as_str()).unwrap_or("");
        out.push_str(&format!(
            "# {pages} pages in {} are named after the alert they answer (like `{example}`):\n\
             # /alerts/<AlertName>/ leads to each, ready for `runbook_url` in alerting rules.\n",
            plural_folders(s.alert_folders.len())
        ));
        out.push_str(&format!("alert-pages = {globs:?}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_are_told_from_other_pages() {
        for yes in ["KubePodCrashLooping", "etcdMembersDown", "TargetDown", "PostgresDown"] {
            assert!(looks_like_alert(yes), "{yes}");
        }
        for no in [
            "README",
            "index",
            "getting-started",
            "faq",
            "Overview2",
            "upgrade_guide",
        ] {
            assert!(!looks_like_alert(no), "{no}");
        }
    }
}
