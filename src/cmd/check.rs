//! `opsbook check`: every stage but writing, so template errors are found too.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::{count, plural, print_diagnostics, CmdResult};
use crate::cli::CheckFormat;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::{build_book, Overrides};

#[derive(Serialize)]
struct CheckJson<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    pages: usize,
    diagnostics: &'a [Diagnostic],
}

pub fn run(dir: &Path, format: CheckFormat) -> CmdResult {
    let report = build_book(
        dir,
        &Overrides {
            strict: true,
            ..Overrides::default()
        },
        false,
    )?;
    let diags = &report.book.diagnostics;
    let errors = count(diags, Severity::Error);
    let warnings = count(diags, Severity::Warning);
    match format {
        CheckFormat::Json => {
            let json = CheckJson {
                ok: errors == 0,
                errors,
                warnings,
                pages: report.pages,
                diagnostics: diags,
            };
            println!("{}", serde_json::to_string_pretty(&json).map_err(anyhow::Error::from)?);
        }
        CheckFormat::Text => {
            print_diagnostics(diags, &report.book.sources);
            let pages = report.book.site.as_ref().map(|s| s.pages.len() + 1).unwrap_or(0);
            let line = format!(
                "{}, {} in {} checked",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(pages, "page")
            );
            if errors > 0 {
                eprintln!("error: check failed: {line}");
            } else {
                println!("check passed: {line}");
            }
        }
    }
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
