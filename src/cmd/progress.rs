//! `opsbook progress`: the progress table as text, JSON (the shape of `progress.json`),
//! markdown or CSV; `--write` rewrites the checklist's own table in place; `--since DATE`
//! prints what changed since then and `--history` the daily series, both from git.

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
        return Ok(no_checklist(config));
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
        ProgressFormat::Csv => csv_table(site),
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

fn csv_table(site: &crate::site::Site) -> String {
    let mut out = String::from("section,complete,total,in_progress,not_applicable,percent\n");
    for (s, c) in site.sections() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{}",
            csv(&s.title),
            c.complete,
            c.total,
            c.in_progress,
            c.not_applicable,
            c.percent
        );
    }
    let t = &site.totals;
    let _ = writeln!(
        out,
        "TOTAL,{},{},{},{},{}",
        t.complete, t.total, t.in_progress, t.not_applicable, t.percent
    );
    out
}

/// Says the book has no checklist, and how to give it one.
fn no_checklist(config: &crate::config::Config) -> ExitCode {
    eprintln!(
        "error: this book has no checklist at {}/{}",
        config.content_dir.display(),
        config.checklist
    );
    eprintln!("  help: create it, or set `checklist` under [build] in book.toml");
    ExitCode::from(1)
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The book with its checklist's history, or the exit code after saying why there is none.
fn book_with_history(dir: &Path) -> Result<(crate::pipeline::Book, crate::history::History), ExitCode> {
    let overrides = Overrides {
        history: true,
        ..Overrides::default()
    };
    let book = load_book(dir, &overrides);
    let history = match (&book.config, &book.site) {
        (Some(config), Some(site)) => match site.checklist.as_ref() {
            None => return Err(no_checklist(config)),
            Some(c) => match &c.history {
                Some(h) => h.clone(),
                None => {
                    eprintln!("error: {} has no history: it has not been committed to git (or the book is not in a git repository)", c.display);
                    eprintln!("  help: commit the book to git; each commit of the checklist is a point of its history");
                    return Err(ExitCode::from(1));
                }
            },
        },
        _ => {
            print_diagnostics(&book.diagnostics, &book.sources);
            return Err(ExitCode::from(1));
        }
    };
    if !history.complete {
        eprintln!(
            "warning: this is a shallow clone: the history starts at its oldest commit, {}",
            history.days.first().map_or("", |d| d.date.as_str())
        );
        eprintln!("  help: `git fetch --unshallow` (or `fetch-depth: 0` in CI) reads the whole history");
    }
    Ok((book, history))
}

/// `progress --history`: one row per day the checklist changed in git.
pub fn run_history(dir: &Path, format: ProgressFormat) -> CmdResult {
    let (_, history) = match book_with_history(dir) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let mut out = String::new();
    match format {
        ProgressFormat::Json => {
            #[derive(serde::Serialize)]
            struct Series<'a> {
                complete: bool,
                days: &'a [crate::history::series::DayPoint],
            }
            let series = Series {
                complete: history.complete,
                days: &history.days,
            };
            out = serde_json::to_string_pretty(&series).unwrap_or_default();
            out.push('\n');
        }
        ProgressFormat::Csv => {
            out.push_str("date,complete,in_progress,not_started,not_applicable,total\n");
            for d in &history.days {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    d.date, d.complete, d.in_progress, d.not_started, d.not_applicable, d.total
                );
            }
        }
        ProgressFormat::Markdown => {
            out.push_str("| Day | Complete | In progress | Not started | Not applicable |\n|---|---|---|---|---|\n");
            for d in &history.days {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    d.date, d.complete, d.in_progress, d.not_started, d.not_applicable
                );
            }
        }
        ProgressFormat::Text => {
            out.push_str("day         complete  in progress  not started  n/a\n");
            for d in &history.days {
                let _ = writeln!(
                    out,
                    "{}  {:>8}  {:>11}  {:>11}  {:>3}",
                    d.date, d.complete, d.in_progress, d.not_started, d.not_applicable
                );
            }
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

/// `progress --since DATE`: every change of a task since that day, for a status report.
pub fn run_since(dir: &Path, since: time::Date, format: ProgressFormat) -> CmdResult {
    use crate::history::series::EventKind;
    let (book, history) = match book_with_history(dir) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let since = since.to_string();
    let events: Vec<_> = history.since(&since).collect();
    let (Some(config), Some(site)) = (&book.config, &book.site) else {
        return Ok(ExitCode::from(1));
    };
    let section_title = |id: &str| {
        site.sections()
            .find(|(s, _)| s.id == id)
            .map_or_else(|| id.to_string(), |(s, _)| s.title.clone())
    };
    let who = |a: &str| {
        if a.is_empty() {
            "not committed".to_string()
        } else {
            a.to_string()
        }
    };
    let order = [
        (EventKind::Completed, "Completed"),
        (EventKind::Started, "Started"),
        (EventKind::Reopened, "Reopened"),
        (EventKind::Changed, "Changed status"),
        (EventKind::Added, "Added"),
        (EventKind::Removed, "Removed"),
    ];
    let mut out = String::new();
    match format {
        ProgressFormat::Json => {
            out = serde_json::to_string_pretty(&events).unwrap_or_default();
            out.push('\n');
        }
        ProgressFormat::Csv => {
            out.push_str("date,kind,task,title,section,from,to,author\n");
            for e in &events {
                let _ = writeln!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    e.date,
                    e.kind.as_str(),
                    csv(&e.task_id),
                    csv(&e.title),
                    csv(&section_title(&e.section_id)),
                    e.from.map_or("", |s| s.as_str()),
                    e.to.map_or("", |s| s.as_str()),
                    csv(&e.author)
                );
            }
        }
        ProgressFormat::Markdown | ProgressFormat::Text => {
            let md = format == ProgressFormat::Markdown;
            let t = &site.totals;
            let _ = writeln!(
                out,
                "{}{}: changes since {since}\n",
                if md { "## " } else { "" },
                site.title
            );
            let _ = writeln!(
                out,
                "Now {} complete ({}), {} in progress.\n",
                t.fraction(),
                format_percent(t.percent),
                t.in_progress
            );
            if events.is_empty() {
                out.push_str("No task changed.\n");
            }
            for (kind, heading) in order {
                let of_kind: Vec<_> = events.iter().filter(|e| e.kind == kind).collect();
                if of_kind.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{}{heading} ({})", if md { "### " } else { "" }, of_kind.len());
                if md {
                    out.push('\n');
                }
                for e in of_kind {
                    let url = config.absolute_url(&format!("{}/{}/", config.urls.tasks, e.task_id));
                    if md {
                        let _ = writeln!(
                            out,
                            "- {} [{}]({url}) · {} · {}",
                            e.date,
                            e.title,
                            section_title(&e.section_id),
                            who(&e.author)
                        );
                    } else {
                        let _ = writeln!(
                            out,
                            "  {}  {}  · {} · {}",
                            e.date,
                            e.title,
                            section_title(&e.section_id),
                            who(&e.author)
                        );
                    }
                }
                out.push('\n');
            }
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Other(e.into())
    }
}
