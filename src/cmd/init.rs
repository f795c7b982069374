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
    let existing: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| dir.join(p).exists()).collect();
    if !existing.is_empty() {
        return Err(Failure::Usage(format!(
            "{} already has {}; opsbook init never overwrites files: choose another folder, e.g. `opsbook init my-book`",
            dir.display(),
            existing.join(", ")
        )));
    }
    let mut written: Vec<&str> = Vec::new();
    for (rel, text) in FILES {
        write_new(&dir.join(rel), text)?;
        written.push(rel);
    }
    let gitignore = dir.join(".gitignore");
    let gitignore_note = if gitignore.exists() {
        Some("add `/site/` and `/.opsbook-cache/` to your .gitignore: the built site and the build cache do not belong in git")
    } else {
        write_new(&gitignore, GITIGNORE)?;
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

fn write_new(path: &Path, text: &str) -> Result<(), Failure> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
