//! `opsbook init`: a new book that builds as it is: book.toml, a checklist, one runbook,
//! a .gitignore and a GitHub Pages workflow. Never overwrites a file.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{CmdResult, Failure};

const FILES: &[(&str, &str)] = &[
    ("book.toml", include_str!("init/book.toml")),
    ("content/checklist.md", include_str!("init/checklist.md")),
    (
        "content/runbooks/backups/verify-last-nights-backup.md",
        include_str!("init/runbook.md"),
    ),
    (".github/workflows/pages.yml", include_str!("init/pages.yml")),
];

/// Written only when the folder has none: an existing one is the project's own.
const GITIGNORE: &str = "/site/\n/.opsbook-cache/\n";

pub fn run(dir: &Path) -> CmdResult {
    // A dangling symlink counts as there: nothing is ever written through one.
    let there = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let existing: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| there(&dir.join(p))).collect();
    if !existing.is_empty() {
        return Err(Failure::Usage(format!(
            "{} already has {}; opsbook init never overwrites files: choose another folder, e.g. `opsbook init my-book`",
            dir.display(),
            existing.join(", ")
        )));
    }
    let mut written: Vec<&str> = Vec::new();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (rel, text) in FILES {
        write_new(dir, &dir.join(rel), text)?;
        written.push(rel);
    }
    let gitignore = dir.join(".gitignore");
    let gitignore_note = if there(&gitignore) {
        Some("add `/site/` and `/.opsbook-cache/` to your .gitignore: the built site and the build cache do not belong in git")
    } else {
        write_new(dir, &gitignore, GITIGNORE)?;
        written.push(".gitignore");
        None
    };
    let shown = dir.display().to_string();
    println!("Created a new book in {shown}/");
    for rel in written {
        println!("  {rel}");
    }
    if let Some(note) = gitignore_note {
        println!("Note: {note}");
    }
    let (arg, out) = if shown == "." {
        (String::new(), String::new())
    } else {
        (format!(" {shown}"), format!("{shown}/"))
    };
    println!("Next: `opsbook build{arg}` writes the site to {out}site/; `opsbook check{arg}` validates it.");
    println!("Commit opsbook.lock with the book: it is the record of every URL published, kept by each build.");
    println!("To publish on GitHub Pages, set OPSBOOK_GIT in .github/workflows/pages.yml first.");
    Ok(ExitCode::SUCCESS)
}

/// Writes a new file of the book at `root`: never over anything already there, and never
/// through a symlinked folder that leads outside the book.
fn write_new(root: &Path, path: &Path, text: &str) -> Result<(), Failure> {
    crate::book_fs::create_new_in_book(root, path, text.as_bytes())
        .map_err(|e| Failure::Other(anyhow::anyhow!("cannot write {}: {e}", path.display())))
}
