//! `opsbook check`: every stage but writing, so template errors are found too; with
//! `--alert-rules`, every alert's `runbook_url` must lead to a page of the book.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde::Serialize;

use super::{count, plural, print_diagnostics, CmdResult};
use crate::alert_rules::{check_rules, parse_rules, AlertCheck, AlertRule, Verdict};
use crate::cli::CheckFormat;
use crate::config::Overrides;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pipeline::build_book;

#[derive(Serialize)]
struct CheckJson<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    pages: usize,
    diagnostics: &'a [Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    alerts: Option<&'a [AlertCheck]>,
    /// With `--verbose`: the files kept out of the site, relative to the content folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored: Option<&'a [String]>,
}

pub fn run(dir: &Path, format: CheckFormat, alert_rules: &[PathBuf], strict: bool, verbose: bool) -> CmdResult {
    // Rule files are read first: one that is not a rule file is a usage error (exit 2).
    let mut rules: Vec<AlertRule> = Vec::new();
    let mut rule_sources = HashMap::new();
    // A rule file that cannot be used: in JSON too, when JSON was asked for (a script reading
    // stdout must always get JSON).
    let refuse = |d: Diagnostic, text: String| -> CmdResult {
        match format {
            CheckFormat::Json => {
                let json = CheckJson {
                    ok: false,
                    errors: 1,
                    warnings: 0,
                    pages: 0,
                    diagnostics: std::slice::from_ref(&d),
                    alerts: None,
                    ignored: None,
                };
                println!("{}", serde_json::to_string_pretty(&json).map_err(anyhow::Error::from)?);
            }
            CheckFormat::Text => print_diagnostics(
                std::slice::from_ref(&d),
                &std::iter::once((d.path.clone(), text)).collect(),
            ),
        }
        Ok(ExitCode::from(2))
    };
    for file in alert_rules {
        let shown = file.display().to_string();
        let bytes = match crate::book_fs::read_regular(file, crate::book_fs::INPUT_LIMIT) {
            Ok(b) => b,
            Err(e) => {
                let hint = e.hint();
                return refuse(
                    Diagnostic::error(&shown, 0, 0, format!("cannot read the alert rules {shown}: {e}"))
                        .with_hint(hint),
                    String::new(),
                );
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return refuse(
                Diagnostic::error(
                    &shown,
                    0,
                    0,
                    format!("cannot read the alert rules {shown}: it is not UTF-8 text"),
                )
                .with_hint("give a YAML rule file"),
                String::new(),
            );
        };
        match parse_rules(&shown, &text) {
            Ok(r) => rules.extend(r),
            Err(d) => return refuse(d, text),
        }
        rule_sources.insert(file.display().to_string(), text);
    }

    let mut report = build_book(
        dir,
        &Overrides {
            strict: true,
            ..Overrides::default()
        },
        false,
    )?;
    let checks = match (&report.book.site, &report.book.config, alert_rules.is_empty()) {
        (Some(site), Some(config), false) => Some(check_rules(&rules, site, config)),
        _ => None,
    };
    if let Some(checks) = &checks {
        report.book.sources.extend(rule_sources);
        for c in checks.iter().filter(|c| c.verdict != Verdict::Ok) {
            let url = c.runbook_url.as_deref().map(|u| format!(": `{u}`")).unwrap_or_default();
            let hint = match c.verdict {
                Verdict::NoRunbookUrl => "add `runbook_url: <site.url>alerts/<AlertName>/` under the rule's annotations",
                Verdict::NoPage => "write the runbook (a page with `alerts: [<AlertName>]`), or fix the URL; `opsbook link <AlertName>` prints the right one",
                Verdict::NoAnchor => "link to a heading that exists, or keep the old anchor with `{#anchor}` on the renamed heading",
                Verdict::OutsideSite => "the URL must start with this book's `site.url`",
                _ => "write an absolute URL under this book's `site.url`",
            };
            report.book.diagnostics.push(
                Diagnostic::error(
                    &c.file,
                    c.line,
                    0,
                    format!("alert `{}` {}{url}", c.alert, c.verdict.describe()),
                )
                .with_hint(hint),
            );
        }
    }
    if strict {
        for d in report
            .book
            .diagnostics
            .iter_mut()
            .filter(|d| matches!(d.code, Some("review") | Some(crate::activities::OVERDUE)))
        {
            d.severity = Severity::Error;
        }
    }
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
                alerts: checks.as_deref(),
                ignored: verbose.then_some(report.book.ignored.as_slice()),
            };
            println!("{}", serde_json::to_string_pretty(&json).map_err(anyhow::Error::from)?);
        }
        CheckFormat::Text => {
            print_diagnostics(diags, &report.book.sources);
            if verbose {
                let content = report
                    .book
                    .config
                    .as_ref()
                    .and_then(|c| {
                        c.content_dir
                            .strip_prefix(&c.root)
                            .ok()
                            .map(|p| p.display().to_string())
                    })
                    .unwrap_or_else(|| "content".into());
                println!(
                    "kept out of the site ([build] ignore, .gitignore, OWNERS and the like): {}",
                    report.book.ignored.len()
                );
                for rel in &report.book.ignored {
                    if content.is_empty() || content == "." {
                        println!("  ignored: {rel}");
                    } else {
                        println!("  ignored: {content}/{rel}");
                    }
                }
            }
            if let Some(checks) = &checks {
                let ok = checks.iter().filter(|c| c.verdict == Verdict::Ok).count();
                println!(
                    "alert rules: {ok} of {} lead to a page of this book",
                    plural(checks.len(), "alert")
                );
            }
            let line = format!(
                "{}, {} in {} checked",
                plural(errors, "error"),
                plural(warnings, "warning"),
                plural(report.pages, "page")
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
