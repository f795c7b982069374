//! `opsbook build`: parses its flags, runs the pipeline (which writes the site and
//! `opsbook.lock`), prints what happened, and writes the offline bundle when asked.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::{count, plural, print_diagnostics, show_path, CmdResult, Failure};
use crate::config::Overrides;
use crate::diagnostic::Severity;
use crate::pipeline::build_book;

pub fn run(
    dir: &Path,
    output: Option<PathBuf>,
    site_url: Option<String>,
    accept_removed: Vec<String>,
    offline_bundle: Option<PathBuf>,
) -> CmdResult {
    build(dir, output, site_url, accept_removed, offline_bundle, true)
}

/// One build; `ends_process` when the process ends right after (`build`, not `watch`, which
/// builds again and must give back all it took).
pub(super) fn build(
    dir: &Path,
    output: Option<PathBuf>,
    site_url: Option<String>,
    accept_removed: Vec<String>,
    offline_bundle: Option<PathBuf>,
    ends_process: bool,
) -> CmdResult {
    if let Some(zip) = &offline_bundle {
        check_bundle_path(zip, &[])?;
    }
    let overrides = Overrides {
        output,
        site_url,
        strict: false,
        history: true,
        accept_removed,
    };
    let report = build_book(dir, &overrides, true)?;
    let diags = &report.book.diagnostics;
    // With `broken-links = "warn"`, one line counts the broken links; `check` lists them.
    let quiet_links = report
        .book
        .config
        .as_ref()
        .is_some_and(|c| c.broken_links == crate::config::BrokenLinks::Warn);
    let is_broken_link = |d: &crate::diagnostic::Diagnostic| quiet_links && d.code == Some(crate::links::BROKEN_LINK);
    // Every error is shown; of the warnings (stale reviews, alerts with several pages) the
    // first few, then how many more: `check` lists them all, with the same count.
    let mut shown: Vec<crate::diagnostic::Diagnostic> = Vec::new();
    let (mut warnings_shown, mut more_warnings) = (0, 0);
    for d in diags.iter().filter(|d| !is_broken_link(d)) {
        if d.is_error() {
            shown.push(d.clone());
        } else if warnings_shown < WARNINGS_SHOWN {
            warnings_shown += 1;
            shown.push(d.clone());
        } else {
            more_warnings += 1;
        }
    }
    print_diagnostics(&shown, &report.book.sources);
    if more_warnings > 0 {
        eprintln!(
            "warning: {} more not shown; `opsbook check` lists every one",
            plural(more_warnings, "warning")
        );
    }
    let broken = diags.iter().filter(|d| is_broken_link(d)).count();
    if broken > 0 {
        eprintln!(
            "warning: {} published as written ([build] broken-links = \"warn\"); `opsbook check` lists each with a fix",
            plural(broken, "broken link")
        );
    }
    let errors = count(diags, Severity::Error);
    let warnings = count(diags, Severity::Warning);
    let out = report
        .book
        .config
        .as_ref()
        .map(|c| show_path(&c.output_dir))
        .unwrap_or_else(|| "site/".into());
    if errors > 0 {
        eprintln!(
            "error: build failed with {} and {}; nothing was written, {out} is as it was",
            plural(errors, "error"),
            plural(warnings, "warning")
        );
        return Ok(ExitCode::from(1));
    }
    let tasks = report
        .book
        .site
        .as_ref()
        .map(|s| {
            let t = &s.totals;
            if t.total + t.not_applicable == 0 {
                "no checklist tasks".to_string()
            } else {
                format!(
                    "{}: {} complete, {} in progress ({})",
                    plural((t.total + t.not_applicable) as usize, "task"),
                    t.complete,
                    t.in_progress,
                    crate::badge::format_percent(t.percent)
                )
            }
        })
        .unwrap_or_default();
    let mdbook = match report.book.config.as_ref() {
        Some(c) if c.from_mdbook => " · book.toml read as mdBook's",
        _ => "",
    };
    println!(
        "Built {} ({}) into {out} · {tasks} · {} · {:.2}s{mdbook}",
        plural(report.pages, "page"),
        plural(report.file_count + report.book.assets.len(), "file"),
        plural(warnings, "warning"),
        report.elapsed.as_secs_f64()
    );
    if let (Some(zip), Some(config)) = (offline_bundle, report.book.config.as_ref()) {
        check_bundle_path(
            &zip,
            &[
                (&config.output_dir, "the output folder"),
                (&config.content_dir, "content/"),
            ],
        )?;
        let absolute = if config.has_absolute_url() {
            config.absolute_url("")
        } else {
            String::new()
        };
        let stats = crate::bundle::write_bundle(&config.output_dir, &[&config.base_path, &absolute], &zip)
            .with_context(|| format!("cannot write the offline bundle {}", zip.display()))?;
        let folder = zip
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "Wrote the offline bundle {} ({}, {:.1} MB): unzip it and open {folder}/index.html",
            zip.display(),
            plural(stats.files, "file"),
            stats.bytes as f64 / 1e6
        );
    }
    // The process ends here: freeing a large book's pages one by one only delays the exit.
    if ends_process {
        std::mem::forget(report);
    }
    Ok(ExitCode::SUCCESS)
}

/// How many warnings a build prints in full.
const WARNINGS_SHOWN: usize = 20;

/// Refuses a bundle path that cannot or must not be written: a missing folder, a folder as
/// the file, or a place inside `inside` (the output, which the zip would swallow half-written;
/// content/, where it would be published with the next build).
fn check_bundle_path(zip: &Path, inside: &[(&Path, &str)]) -> Result<(), Failure> {
    let shown = zip.display();
    if zip.is_dir() {
        return Err(Failure::Usage(format!(
            "--offline-bundle {shown} is a folder; name the zip to write, e.g. --offline-bundle runbooks.zip"
        )));
    }
    if zip.file_name().is_none() || zip.extension().is_none_or(|e| !e.eq_ignore_ascii_case("zip")) {
        return Err(Failure::Usage(format!(
            "--offline-bundle {shown}: the bundle is a zip; give a name ending in .zip, e.g. runbooks.zip"
        )));
    }
    let parent = match zip.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Ok(parent) = parent.canonicalize() else {
        return Err(Failure::Usage(format!(
            "--offline-bundle {shown}: the folder {} does not exist; create it or write the zip elsewhere",
            parent.display()
        )));
    };
    for (dir, name) in inside {
        if let Ok(dir) = dir.canonicalize() {
            if parent.starts_with(&dir) {
                return Err(Failure::Usage(format!(
                    "--offline-bundle {shown} is inside {name}; write the zip outside the book's content and output, e.g. --offline-bundle ../runbooks.zip"
                )));
            }
        }
    }
    Ok(())
}
