//! `opsbook link QUERY`: the permanent URL of a task, alert or page, for pasting into a
//! ticket or an alert rule.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::{print_diagnostics, CmdResult};
use crate::cli::LinkFormat;
use crate::config::Config;
use crate::config::Overrides;
use crate::pipeline::load_book;
use crate::site::Site;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
struct Match {
    kind: &'static str,
    id: String,
    title: String,
    url: String,
}

pub fn run(dir: &Path, query: &str, format: LinkFormat) -> CmdResult {
    let book = load_book(dir, &Overrides::default());
    let (Some(config), Some(site)) = (&book.config, &book.site) else {
        print_diagnostics(&book.diagnostics, &book.sources);
        return Ok(ExitCode::from(1));
    };
    let matches = find(site, config, query.trim());
    match matches.as_slice() {
        [] => {
            eprintln!("error: no task, alert or page matches `{query}`");
            eprintln!("  help: try a task id (`opsbook progress --format json` lists them), an alert name or words of a page title");
            Ok(ExitCode::from(1))
        }
        [m] => {
            match format {
                LinkFormat::Url => println!("{}", m.url),
                LinkFormat::Markdown => println!("[{}]({})", m.title.replace(['[', ']'], ""), m.url),
                LinkFormat::Json => println!("{}", serde_json::to_string_pretty(m).map_err(anyhow::Error::from)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        many => {
            eprintln!("error: `{query}` matches {} entries; be more precise:", many.len());
            for m in many.iter().take(20) {
                eprintln!("  {:<5} {:<40} {}", m.kind, m.id, m.url);
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// Exact matches (task id, alert name, page path) win; else every entry whose id or title
/// contains all the query's words.
fn find(site: &Site, config: &Config, query: &str) -> Vec<Match> {
    let mut all = Vec::new();
    if let Some(c) = &site.checklist {
        for (_, t) in c.checklist.tasks() {
            all.push(Match {
                kind: "task",
                id: t.id.clone(),
                title: t.title.clone(),
                url: config.absolute_url(&format!("{}/{}/", config.urls.tasks, t.id)),
            });
        }
    }
    for name in site.alerts.keys() {
        all.push(Match {
            kind: "alert",
            id: name.clone(),
            title: name.clone(),
            url: config.absolute_url(&format!("{}/{name}/", config.urls.alerts)),
        });
    }
    for p in site.pages.iter().filter(|p| !p.rel.is_empty()) {
        all.push(Match {
            kind: "page",
            id: p.rel.clone(),
            title: p.title.clone(),
            url: config.absolute_url(&p.path),
        });
    }
    let q = query.trim_matches('/');
    // Exact matches, then matches in any case (`postgresdown` for `PostgresDown`): an alert
    // first (the link alerting rules hold), then a task, then a page.
    for kind in ["alert", "task", "page"] {
        for exact in [true, false] {
            let same = |a: &str, b: &str| if exact { a == b } else { a.eq_ignore_ascii_case(b) };
            let found: Vec<Match> = all
                .iter()
                .filter(|m| m.kind == kind)
                .filter(|m| {
                    same(&m.id, query)
                        || same(m.id.trim_end_matches(".md"), q)
                        || (kind == "page" && !q.is_empty() && {
                            let url = m.url.trim_end_matches('/');
                            let last = url.rsplit('/').next().unwrap_or("");
                            same(last, q.rsplit('/').next().unwrap_or(q))
                                && url
                                    .to_ascii_lowercase()
                                    .ends_with(&format!("/{}", q.to_ascii_lowercase()))
                        })
                })
                .cloned()
                .collect();
            if !found.is_empty() {
                return found;
            }
        }
    }
    let words: Vec<String> = query.to_lowercase().split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        return Vec::new();
    }
    all.into_iter()
        .filter(|m| {
            let hay = format!("{} {}", m.id, m.title).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}
