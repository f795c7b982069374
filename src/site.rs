//! The site: every page and the checklist put together. Binds runbooks to their tasks,
//! gathers alerts and aliases, makes folder pages, checks anchors, and computes backlinks
//! and reading order once, so that rendering any page is constant work.
//! Immutable once built.

use std::collections::{BTreeMap, HashMap, HashSet};

use globset::{Glob, GlobSetBuilder};
use time::Date;

use crate::checklist::Checklist;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::links::Target;
use crate::page::{folder_page, Page};
use crate::progress::{count_checklist, Counts};

/// The checklist with where it came from.
#[derive(Debug, Clone)]
pub struct ChecklistSource {
    pub checklist: Checklist,
    pub rel: String,
    pub display: String,
    /// Recent status changes, newest first (from git).
    pub changes: Vec<crate::history::StatusChange>,
}

#[derive(Debug)]
pub struct Site {
    pub title: String,
    pub checklist: Option<ChecklistSource>,
    /// Counts per section (checklist order) and of the whole checklist.
    pub section_counts: Vec<Counts>,
    pub totals: Counts,
    /// Every page but the root one, sorted by site path; folder pages included.
    pub pages: Vec<Page>,
    /// `content/_index.md` (or index.md, README.md): its text opens the dashboard.
    pub root_page: Option<Page>,
    /// task id → (section index, task index) in the checklist.
    pub task_index: HashMap<String, (usize, usize)>,
    /// task id → index in `pages` of its runbook.
    pub task_page: HashMap<String, usize>,
    /// index in `pages` → the task it is the runbook of.
    pub page_task: HashMap<usize, String>,
    /// alert name → the pages that answer it.
    pub alerts: BTreeMap<String, Vec<usize>>,
    /// index in `pages` → the alerts it answers, sorted.
    pub page_alerts: Vec<Vec<String>>,
    /// (alias site path, page index)
    pub aliases: Vec<(String, usize)>,
    /// index in `pages` → pages linking to it.
    pub backlinks: Vec<Vec<usize>>,
    /// index in `pages` → the pages it lists (folder pages only).
    pub children: Vec<Vec<usize>>,
    /// Reading order (indices into `pages`) for previous/next.
    pub order: Vec<usize>,
    /// index in `pages` → its position in `order`.
    pub order_pos: Vec<usize>,
    /// The day review dates are measured against.
    pub today: Date,
}

impl Site {
    pub fn page_by_path(&self, path: &str) -> Option<usize> {
        self.pages.binary_search_by(|p| p.path.as_str().cmp(path)).ok()
    }

    /// Whether a page's review is older than `stale-after-days`.
    pub fn is_stale(&self, page: &Page, stale_after_days: u32) -> bool {
        page.meta
            .last_reviewed
            .is_some_and(|d| (self.today - d).whole_days() > i64::from(stale_after_days))
    }

    /// When the page's next review is due (`last_reviewed + review_every`).
    pub fn review_due(&self, page: &Page) -> Option<Date> {
        let every = page.meta.review_every?;
        let last = page.meta.last_reviewed?;
        last.checked_add(time::Duration::days(i64::from(every)))
    }

    pub fn is_overdue(&self, page: &Page) -> bool {
        match (page.meta.review_every, self.review_due(page)) {
            (Some(_), Some(due)) => due < self.today,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

/// Puts the pages and checklist together. Problems that only show across pages (colliding
/// URLs, unknown tasks, missing anchors) come back as diagnostics.
pub fn assemble_site(
    config: &Config,
    checklist: Option<ChecklistSource>,
    mut pages: Vec<Page>,
    today: Date,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let generated = generated_prefixes(config);

    // The root page opens the dashboard; it is not a page of its own.
    let root_pos = pages.iter().position(|p| p.path.is_empty());
    let root_page = root_pos.map(|i| pages.remove(i));
    for p in pages.iter().filter(|p| p.path.is_empty()) {
        let first = root_page.as_ref().map(|r| r.display.as_str()).unwrap_or("");
        diags.push(
            Diagnostic::error(
                &p.display,
                0,
                0,
                format!("{} and {first} are both the page of the site root", p.display),
            )
            .with_hint("keep one of _index.md, index.md and README.md at the root of content/"),
        );
    }
    pages.retain(|p| !p.path.is_empty());

    // Two files at one URL, or a page where opsbook writes its own.
    pages.sort_by(|a, b| a.path.cmp(&b.path).then(a.rel.cmp(&b.rel)));
    let mut keep: Vec<Page> = Vec::with_capacity(pages.len());
    for p in pages {
        let top = p.path.split('/').next().unwrap_or("");
        if let Some(g) = generated.iter().find(|g| g.as_str() == top) {
            diags.push(
                Diagnostic::error(
                    &p.display,
                    0,
                    0,
                    format!(
                        "{} would be published at /{}, where opsbook writes its generated /{g}/ pages",
                        p.display, p.path
                    ),
                )
                .with_hint(match prefix_key(config, g) {
                    Some(key) => format!(
                        "move or rename the file, or rename the generated prefix with `[urls] {key} = \"…\"` in book.toml"
                    ),
                    None => "move or rename the file: opsbook's theme files live there".to_string(),
                }),
            );
            continue;
        }
        match keep.last() {
            Some(prev) if prev.path == p.path => {
                let prev: &Page = prev;
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        0,
                        0,
                        format!(
                            "{} and {} would both be published at /{}",
                            prev.display, p.display, p.path
                        ),
                    )
                    .with_hint("rename one of the files: URLs are made lowercase and spaces become `-`"),
                );
            }
            _ => keep.push(p),
        }
    }
    let mut pages = keep;

    // Folders with pages but no index page get a generated one.
    let existing: HashSet<String> = pages.iter().map(|p| p.path.clone()).collect();
    let mut folders: BTreeMap<String, String> = BTreeMap::new();
    for p in &pages {
        let mut path = p.path.trim_end_matches('/');
        while let Some((parent, _)) = path.rsplit_once('/') {
            let key = format!("{parent}/");
            if !existing.contains(&key) {
                let name = parent.rsplit('/').next().unwrap_or(parent).to_string();
                folders.entry(key).or_insert(name);
            }
            path = parent;
        }
    }
    pages.extend(folders.iter().map(|(path, name)| folder_page(path, name)));
    pages.sort_by(|a, b| a.path.cmp(&b.path));

    let (section_counts, totals) = checklist
        .as_ref()
        .map(|c| count_checklist(&c.checklist))
        .unwrap_or_default();
    let (task_page, page_task) = bind_tasks(config, checklist.as_ref(), &pages, &mut diags);
    let alerts = gather_alerts(config, &pages, &mut diags);
    let aliases = gather_aliases(&pages, &generated, &mut diags);
    check_anchors(&pages, root_page.as_ref(), &mut diags);
    let backlinks = backlinks(&pages);
    let children = children(&pages);
    let order = reading_order(checklist.as_ref(), &pages, &task_page);
    let title = config
        .title
        .clone()
        .or_else(|| {
            checklist
                .as_ref()
                .map(|c| c.checklist.title.clone())
                .filter(|t| !t.is_empty())
        })
        .or_else(|| root_page.as_ref().map(|p| p.title.clone()))
        .or_else(|| {
            config
                .root
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|f| f.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "Runbooks".into());
    let task_index = checklist
        .as_ref()
        .map(|c| {
            c.checklist
                .sections
                .iter()
                .enumerate()
                .flat_map(|(si, s)| s.tasks.iter().enumerate().map(move |(ti, t)| (t.id.clone(), (si, ti))))
                .collect()
        })
        .unwrap_or_default();
    let mut page_alerts = vec![Vec::new(); pages.len()];
    for (name, list) in &alerts {
        for &i in list {
            page_alerts[i].push(name.clone());
        }
    }
    let mut order_pos = vec![0; pages.len()];
    for (k, &i) in order.iter().enumerate() {
        order_pos[i] = k;
    }
    let site = Site {
        title,
        task_index,
        page_alerts,
        order_pos,
        checklist,
        section_counts,
        totals,
        pages,
        root_page,
        task_page,
        page_task,
        alerts,
        aliases,
        backlinks,
        children,
        order,
        today,
    };
    (site, diags)
}

/// The first URL segments opsbook writes itself.
pub fn generated_prefixes(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = config.urls.named().into_iter().map(|(_, v)| v).collect();
    out.push("_theme".into());
    out
}

/// The `[urls]` key that names a generated prefix, for hints.
fn prefix_key(config: &Config, value: &str) -> Option<&'static str> {
    config
        .urls
        .named()
        .into_iter()
        .find(|(_, v)| v == value)
        .map(|(k, _)| k)
}

fn bind_tasks(
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

fn gather_alerts(config: &Config, pages: &[Page], diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Vec<usize>> {
    let mut builder = GlobSetBuilder::new();
    for g in &config.alert_pages {
        match Glob::new(g) {
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
        if !p.rel.is_empty() && !p.is_index && globs.is_match(&p.rel) {
            if let Some(stem) = p.rel.rsplit('/').next().and_then(|f| f.strip_suffix(".md")) {
                names.push(stem.to_string());
            }
        }
        for name in names {
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.'))
            {
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
                if let Some(&first) = list.first() {
                    diags.push(
                        Diagnostic::warning(
                            &p.display,
                            p.key_line("alerts"),
                            1,
                            format!(
                                "alert `{name}` is also answered by {}: /alerts/{name}/ will list both pages",
                                pages[first].display
                            ),
                        )
                        .with_hint("give each alert one runbook, so the link in the alert leads straight to it"),
                    );
                }
                list.push(i);
            }
        }
    }
    alerts
}

fn gather_aliases(pages: &[Page], generated: &[String], diags: &mut Vec<Diagnostic>) -> Vec<(String, usize)> {
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

/// A link to `page.md#anchor` whose page has no such heading is an error at the link.
fn check_anchors(pages: &[Page], root: Option<&Page>, diags: &mut Vec<Diagnostic>) {
    let by_rel: HashMap<&str, &Page> = pages
        .iter()
        .chain(root)
        .filter(|p| !p.rel.is_empty())
        .map(|p| (p.rel.as_str(), p))
        .collect();
    for p in pages.iter().chain(root) {
        for link in &p.links {
            let (target, anchor) = match &link.target {
                Target::Page { rel, anchor: Some(a) } => (by_rel.get(rel.as_str()), a),
                Target::SamePage(a) if !a.is_empty() => (Some(&p), a),
                _ => continue,
            };
            let Some(target) = target else { continue };
            if !target.anchors.iter().any(|x| x == anchor) && !is_generated_anchor(anchor) {
                let mut hint =
                    "anchors follow GitHub's rules: the heading in lowercase, spaces as `-`, punctuation dropped"
                        .to_string();
                if let Some(near) = target
                    .anchors
                    .iter()
                    .find(|a| a.contains(anchor.as_str()) || anchor.contains(a.as_str()))
                {
                    hint = format!("did you mean `#{near}`?");
                }
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        link.line,
                        link.col,
                        format!(
                            "link `{}`: {} has no heading with anchor `#{anchor}`",
                            link.dest, target.display
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
}

fn is_generated_anchor(anchor: &str) -> bool {
    anchor.starts_with("fn-") || anchor.starts_with("fnref") || anchor == "top"
}

fn backlinks(pages: &[Page]) -> Vec<Vec<usize>> {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.rel.is_empty())
        .map(|(i, p)| (p.rel.as_str(), i))
        .collect();
    let mut out = vec![Vec::new(); pages.len()];
    for (i, p) in pages.iter().enumerate() {
        for link in &p.links {
            if let Target::Page { rel, .. } = &link.target {
                if let Some(&j) = index.get(rel.as_str()) {
                    if j != i && !out[j].contains(&i) {
                        out[j].push(i);
                    }
                }
            }
        }
    }
    out
}

/// A folder page lists the pages directly inside its folder and its sub-folders' pages.
fn children(pages: &[Page]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); pages.len()];
    let by_path: HashMap<&str, usize> = pages.iter().enumerate().map(|(i, p)| (p.path.as_str(), i)).collect();
    for (i, p) in pages.iter().enumerate() {
        let trimmed = p.path.trim_end_matches('/');
        if let Some((parent, _)) = trimmed.rsplit_once('/') {
            if let Some(&j) = by_path.get(format!("{parent}/").as_str()) {
                out[j].push(i);
            }
        }
    }
    out
}

/// Runbooks in checklist order first, then every other page by path.
fn reading_order(
    checklist: Option<&ChecklistSource>,
    pages: &[Page],
    task_page: &HashMap<String, usize>,
) -> Vec<usize> {
    let mut order = Vec::with_capacity(pages.len());
    let mut placed = vec![false; pages.len()];
    if let Some(c) = checklist {
        for (_, t) in c.checklist.tasks() {
            if let Some(&i) = task_page.get(&t.id) {
                order.push(i);
                placed[i] = true;
            }
        }
    }
    let mut rest: Vec<usize> = (0..pages.len()).filter(|&i| !placed[i]).collect();
    rest.sort_by_key(|&i| (pages[i].kind, pages[i].path.clone()));
    order.extend(rest);
    order
}
