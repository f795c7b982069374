//! What pages answer: the checklist task a runbook is bound to, the alerts a page answers,
//! and the old URLs (`aliases`) that must keep leading to it.

use std::collections::{BTreeMap, HashMap, HashSet};

use globset::GlobSetBuilder;

use crate::checklist_source::ChecklistSource;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::page::Page;

pub(super) fn bind_tasks(
    config: &Config,
    checklist: Option<&ChecklistSource>,
    pages: &[Page],
    diags: &mut Vec<Diagnostic>,
) -> (HashMap<String, usize>, HashMap<usize, String>) {
    let mut task_page = HashMap::new();
    let mut page_task = HashMap::new();
    let ids: HashSet<&str> = checklist
        .map(|c| c.checklist.tasks().map(|(_, t)| t.id.as_str()).collect())
        .unwrap_or_default();
    for (i, p) in pages.iter().enumerate() {
        if p.rel.is_empty() {
            continue;
        }
        let stem = p.rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
        let id = match &p.meta.task {
            Some(t) if ids.contains(t.as_str()) => t.clone(),
            Some(t) => {
                let line = p.key_line("task");
                let hint = match checklist {
                    Some(_) => "use the id of a checklist task (its slug, or its explicit `{#id}`); `opsbook progress --format json` lists them".to_string(),
                    None => format!("this book has no checklist at content/{}", config.checklist),
                };
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        line,
                        1,
                        format!("`task: {t}` names no task of the checklist"),
                    )
                    .with_hint(hint),
                );
                continue;
            }
            None if ids.contains(stem) => stem.to_string(),
            None => continue,
        };
        if let Some(&other) = task_page.get(&id) {
            let other: &Page = &pages[other];
            diags.push(
                Diagnostic::error(
                    &p.display,
                    p.key_line("task"),
                    1,
                    format!("task `{id}` already has its runbook at {}", other.display),
                )
                .with_hint("a task has one runbook: link the other page from it instead"),
            );
            continue;
        }
        task_page.insert(id.clone(), i);
        page_task.insert(i, id);
    }
    (task_page, page_task)
}

pub(super) fn gather_alerts(
    config: &Config,
    pages: &[Page],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Vec<usize>> {
    let mut builder = GlobSetBuilder::new();
    for g in &config.alert_pages {
        // As in `.gitignore` and every shell: `*` stays within a folder, `**` crosses them.
        match globset::GlobBuilder::new(g.trim_start_matches('/'))
            .literal_separator(true)
            .build()
        {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    "book.toml",
                    0,
                    0,
                    format!("invalid glob in `runbooks.alert-pages`: {e}"),
                )
                .with_hint("write globs such as `runbooks/**`"),
            ),
        }
    }
    let globs = builder.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let mut alerts: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        let mut names: Vec<String> = p
            .meta
            .alerts
            .iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        if !p.rel.is_empty() && !p.is_index && !p.meta.alerts_given && globs.is_match(&p.rel) {
            if let Some(stem) = p.rel.rsplit('/').next().and_then(|f| f.strip_suffix(".md")) {
                names.push(stem.to_string());
            }
        }
        for name in names {
            let url_safe = name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'));
            if !url_safe || name.starts_with('.') {
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        p.key_line("alerts"),
                        1,
                        format!("alert name `{name}` cannot be a URL"),
                    )
                    .with_hint("alert names are letters, digits, `_`, `-`, `:` and `.`, as Prometheus writes them"),
                );
                continue;
            }
            let list = alerts.entry(name.clone()).or_default();
            if !list.contains(&i) {
                list.push(i);
            }
        }
        for (name, anchor) in &p.meta.alert_anchors {
            if !p.anchors.iter().any(|a| a == anchor) {
                let headings: Vec<String> = p.headings.iter().take(6).map(|h| format!("#{}", h.id)).collect();
                diags.push(
                    Diagnostic::warning(
                        &p.display,
                        p.key_line("alerts"),
                        1,
                        format!("alert `{name}` points at `#{anchor}`, which is not a heading of this page"),
                    )
                    .with_hint(if headings.is_empty() {
                        "add the heading, or write the alert's name alone".to_string()
                    } else {
                        format!(
                            "its link lands at the top of the page until it names one of: {}",
                            headings.join(", ")
                        )
                    }),
                );
            }
        }
    }
    alerts
}

pub(super) fn gather_aliases(
    pages: &[Page],
    generated: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        for alias in &p.meta.aliases {
            let path = alias.trim().trim_matches('/');
            let line = p.key_line("aliases");
            let bad = path.is_empty()
                || path.split('/').any(|s| s == ".." || s == "." || s.is_empty())
                || path.contains(['\\', '?', '#', '"', '<', '>'])
                || path.contains("://");
            if bad {
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        line,
                        1,
                        format!("alias `{alias}` is not a path of this site"),
                    )
                    .with_hint("write aliases as site paths, e.g. `/old/path/`"),
                );
                continue;
            }
            let key = format!("{path}/");
            let top = path.split('/').next().unwrap_or("");
            let clash = if let Ok(j) = pages.binary_search_by(|q| q.path.as_str().cmp(&key)) {
                Some(format!(
                    "the page {}",
                    if pages[j].display.is_empty() {
                        format!("/{}", pages[j].path)
                    } else {
                        pages[j].display.clone()
                    }
                ))
            } else if generated.iter().any(|g| g == top) {
                Some(format!("opsbook's generated /{top}/ pages"))
            } else {
                seen.get(&key).map(|&j| format!("an alias of {}", pages[j].display))
            };
            if let Some(what) = clash {
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        line,
                        1,
                        format!("alias `{alias}` is already taken by {what}"),
                    )
                    .with_hint("remove the alias or choose another path"),
                );
                continue;
            }
            seen.insert(key.clone(), i);
            out.push((key, i));
        }
    }
    out.sort();
    out
}
