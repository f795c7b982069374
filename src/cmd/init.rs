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
    (".github/workflows/opsbook.yml", include_str!("init/opsbook.yml")),
    (".gitignore", "site/\n"),
];

pub fn run(dir: &Path) -> CmdResult {
    let existing: Vec<&str> = FILES.iter().map(|(p, _)| *p).filter(|p| dir.join(p).exists()).collect();
    if !existing.is_empty() {
        return Err(Failure::Usage(format!(
            "{} already has {}; opsbook init never overwrites files: choose an empty folder, e.g. `opsbook init my-book`",
            dir.display(),
            existing.join(", ")
        )));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let shown = dir.display().to_string();
    println!("Created a new book in {shown}/");
    for (rel, _) in FILES {
        println!("  {rel}");
    }
    let arg = if shown == "." {
        String::new()
    } else {
        format!(" {shown}")
    };
    println!(
        "Next: `opsbook build{arg}` writes the site to {}site/; `opsbook serve{arg}` previews it.",
        if arg.is_empty() {
            String::new()
        } else {
            format!("{shown}/")
        }
    );
    Ok(ExitCode::SUCCESS)
}
