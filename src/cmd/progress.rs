//! `opsbook progress`: the progress table as text, JSON (the shape of `progress.json`) or
//! markdown; `--write` rewrites the checklist's own table in place.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::{print_diagnostics, CmdResult, Failure};
use crate::badge::format_percent;
use crate::checklist::parse_checklist;
use crate::cli::ProgressFormat;
use crate::config::Overrides;
use crate::diagnostic::Diagnostic;
use crate::pipeline::load_book;
use crate::progress::{check_progress_table, rewrite_progress_table};

pub fn run(dir: &Path, format: ProgressFormat, write: bool) -> CmdResult {
    let book = load_book(dir, &Overrides::default());
    let (Some(config), Some(site)) = (&book.config, &book.site) else {
        print_diagnostics(&book.diagnostics, &book.sources);
        return Ok(ExitCode::from(1));
    };
    let Some(cl) = &site.checklist else {
        eprintln!(
            "error: this book has no checklist at {}/{}",
            config.content_dir.display(),
            config.checklist
        );
        eprintln!("  help: create it, or set `checklist` under [build] in book.toml");
        return Ok(ExitCode::from(1));
    };
    let path = config.content_dir.join(&cl.rel);
    let text = crate::book_fs::read_in_book(&config.content_dir, &path, crate::book_fs::INPUT_LIMIT)
        .map_err(|refused| anyhow::anyhow!("cannot read {}: {refused}", path.display()))?
        .and_then(|b| String::from_utf8(b).ok())
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))?;
    // Only the checklist's own structure matters here, not the rest of the book. It is read
    // again as the bytes on disk (CRLF and all), so that the figures' positions are exact.
    let (raw, structural) = parse_checklist(&cl.display, &text);
    if !structural.is_empty() {
        print_diagnostics(
            &structural,
            &std::iter::once((cl.display.clone(), text.clone())).collect(),
        );
        return Ok(ExitCode::from(1));
    }
    if write {
        if raw.progress_rows.is_empty() {
            eprintln!("error: {} has no progress table to rewrite", cl.display);
            eprintln!(
                "  help: add a table whose header is `| Section | Progress |`, one row per section and a `TOTAL` row"
            );
            return Ok(ExitCode::from(1));
        }
        let new = rewrite_progress_table(&text, &raw);
        let stale: Vec<Diagnostic> = check_progress_table(&raw, &cl.display);
        if new != text {
            crate::output::write_file_atomic(&path, new.as_bytes())?;
            println!(
                "Rewrote {} row(s) of the progress table in {}",
                stale.iter().filter(|d| d.is_error()).count(),
                cl.display
            );
        } else {
            println!("The progress table in {} is up to date", cl.display);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let out = match format {
        ProgressFormat::Json => String::from_utf8_lossy(&crate::render::progress_json(site, config)).into_owned(),
        ProgressFormat::Markdown => markdown_table(site),
        ProgressFormat::Text => text_table(site),
    };
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn markdown_table(site: &crate::site::Site) -> String {
    let mut out = String::from("| Section | Progress | Percent |\n|---------|----------|---------|\n");
    for (s, counts) in site.sections() {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            s.title,
            counts.fraction(),
            format_percent(counts.percent)
        );
    }
    let _ = writeln!(
        out,
        "| **TOTAL** | **{}** | **{}** |",
        site.totals.fraction(),
        format_percent(site.totals.percent)
    );
    out
}

fn text_table(site: &crate::site::Site) -> String {
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (s, counts) in site.sections() {
        let name = match &s.number {
            Some(n) => format!("{n}. {}", s.title),
            None => s.title.clone(),
        };
        rows.push((name, counts.fraction(), format_percent(counts.percent)));
    }
    rows.push((
        "TOTAL".into(),
        site.totals.fraction(),
        format_percent(site.totals.percent),
    ));
    let w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(5);
    let mut out = String::new();
    let _ = writeln!(out, "{}", site.title);
    for (name, frac, pct) in rows {
        let pad = w - name.chars().count();
        let _ = writeln!(out, "  {name}{}  {frac:>7}  {pct:>6}", " ".repeat(pad));
    }
    out
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}
