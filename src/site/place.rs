//! Where pages land: the root page, URL collisions between files and with opsbook's own
//! generated pages, the folder pages made for folders without an index page, and, after
//! rendering, the check that no two outputs (or a copied file and an output) share a path.

use std::collections::{BTreeMap, HashSet};

use super::Site;
use crate::assets::Asset;
use crate::checklist_source::ChecklistSource;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::generated::{generated_files, generated_prefixes, prefix_key};
use crate::page::{folder_page, Page};

/// Takes the root page out (it opens the dashboard), drops pages whose URL is taken (by
/// another file or by opsbook's generated pages, each an error naming both), and adds a folder
/// page for every folder that has pages but no index page. Returns the root page and the
/// pages sorted by path.
pub(super) fn place_pages(
    config: &Config,
    mut pages: Vec<Page>,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Page>, Vec<Page>) {
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
        // Under the alert, task, section and print prefixes a page may live beside the
        // generated pages (a repository's own `alerts/<component>/<Alert>.md`): only a page
        // at the very path of a generated one collides, found once the alerts are known
        // ([`generated_page_collisions`]). The other prefixes are opsbook's alone.
        let shared = [
            &config.urls.alerts,
            &config.urls.tasks,
            &config.urls.sections,
            &config.urls.print,
        ]
        .iter()
        .any(|g| g.as_str() == top);
        if let Some(g) = generated.iter().find(|g| g.as_str() == top).filter(|_| !shared) {
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

    (root_page, pages)
}

/// A folder named after a checklist section (`runbooks/database-maintenance/`) that holds
/// runbooks of that section's tasks and nothing else, and has no index page of its own, is
/// that section: it is taken out of the pages, and its address leads to the section's page
/// (`/sections/database-maintenance/`), so a runbook is not listed in two parallel trees.
/// Returns (folder path, section index), sorted by path.
pub(super) fn section_folders(checklist: Option<&ChecklistSource>, pages: &mut Vec<Page>) -> Vec<(String, usize)> {
    let Some(c) = checklist else { return Vec::new() };
    let sections: std::collections::HashMap<&str, usize> = c
        .checklist
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for p in pages.iter().filter(|p| p.rel.is_empty()) {
        let trimmed = p.path.trim_end_matches('/');
        let name = trimmed.rsplit('/').next().unwrap_or(trimmed);
        let Some(&si) = sections.get(name) else { continue };
        let tasks = &c.checklist.sections[si].tasks;
        // Everything in it is the runbook of a task of that section (so the section's page
        // lists it all): no other page, no sub-folder.
        let mut inside = pages
            .iter()
            .filter(|q| q.path.len() > p.path.len() && q.path.starts_with(p.path.as_str()));
        let holds_runbook = inside.clone().next().is_some()
            && inside.all(|q| {
                let rest = &q.path[p.path.len()..];
                let file = q.rel.rsplit('/').next().unwrap_or("");
                let stem = file.strip_suffix(".md").unwrap_or(file);
                !q.rel.is_empty()
                    && !rest.trim_end_matches('/').contains('/')
                    && tasks
                        .iter()
                        .any(|t| q.meta.task.as_deref().map_or(t.id == stem, |id| id == t.id))
            });
        if holds_runbook {
            out.push((p.path.clone(), si));
        }
    }
    if !out.is_empty() {
        pages.retain(|p| !(p.rel.is_empty() && out.iter().any(|(path, _)| *path == p.path)));
    }
    out
}

/// Pages at the very path of a generated page: the alert lists and their lowercase names,
/// task and section pages, the print page. One error for each, naming both. An alert's own
/// page at its lowercase name (`alerts/PostgresDown.md` answering `PostgresDown`) is no
/// collision: the page is what the redirect would lead to, and no redirect is written there.
pub(super) fn generated_page_collisions(
    config: &Config,
    checklist: Option<&ChecklistSource>,
    alerts: &BTreeMap<String, Vec<usize>>,
    pages: &[Page],
) -> Vec<Diagnostic> {
    let u = &config.urls;
    let at = |path: &str| pages.binary_search_by(|p| p.path.as_str().cmp(path)).ok();
    let mut out = Vec::new();
    let mut report = |page: usize, path: &str, what: String| {
        let p = &pages[page];
        if p.display.is_empty() {
            return; // a folder page opsbook made: the generated page simply wins
        }
        let top = path.split('/').next().unwrap_or("");
        let hint = match prefix_key(config, top) {
            Some(key) => format!("move or rename the file (a subfolder will do), or rename the generated prefix with `[urls] {key} = \"…\"` in book.toml"),
            None => "move or rename the file".to_string(),
        };
        out.push(
            Diagnostic::error(
                &p.display,
                0,
                0,
                format!(
                    "{} would be published at /{path}, where opsbook writes {what}",
                    p.display
                ),
            )
            .with_hint(hint),
        );
    };
    for (name, list) in alerts {
        // The exact name holds the alert's link (or its list of pages); the lowercase name
        // only a redirect, which one of the alert's own pages may stand in for
        // (`alerts/KubeJobFailed.md` beside `alerts/<operator>/KubeJobFailed.md`).
        let exact = format!("{}/{name}/", u.alerts);
        if let Some(i) = at(&exact) {
            if list.as_slice() != [i] {
                report(i, &exact, format!("the page of the alert `{name}`"));
            }
        }
        let lower = name.to_lowercase();
        if lower != *name && !alerts.contains_key(&lower) {
            let path = format!("{}/{lower}/", u.alerts);
            if let Some(i) = at(&path) {
                if !list.contains(&i) {
                    report(i, &path, format!("the page of the alert `{name}`"));
                }
            }
        }
    }
    if let Some(c) = checklist {
        for a in &c.activities {
            let path = format!("{}/{}/", u.activities, a.id);
            if let Some(i) = at(&path) {
                report(i, &path, format!("the page of the recurring activity `{}`", a.id));
            }
        }
        for s in &c.checklist.sections {
            let path = format!("{}/{}/", u.sections, s.id);
            if let Some(i) = at(&path) {
                report(i, &path, format!("the page of the checklist section \"{}\"", s.title));
            }
            for t in &s.tasks {
                let path = format!("{}/{}/", u.tasks, t.id);
                if let Some(i) = at(&path) {
                    report(i, &path, format!("the permanent link of the task `{}`", t.id));
                }
            }
        }
    }
    for path in [format!("{}/", u.alerts), format!("{}/", u.print)] {
        if let Some(i) = at(&path) {
            report(i, &path, format!("its generated /{path} page"));
        }
    }
    out
}

/// Every URL opsbook generates, without slashes at the ends (`tasks/x`, `alerts/Name`), for
/// checking links written to them.
pub(super) fn generated_paths(
    config: &Config,
    checklist: Option<&ChecklistSource>,
    alerts: &BTreeMap<String, Vec<usize>>,
) -> HashSet<String> {
    let u = &config.urls;
    let mut out: HashSet<String> = [
        u.alerts.clone(),
        u.print.clone(),
        u.owners.clone(),
        format!("{}/progress.svg", u.badges),
        format!("{}/progress.json", u.badges),
    ]
    .into_iter()
    .chain(generated_files(config))
    .collect();
    if let Some(c) = checklist {
        if !c.activities.is_empty() {
            out.insert(u.activities.clone());
            out.insert(format!("{}/overdue-activities.svg", u.badges));
            out.insert(format!("{}/overdue-activities.json", u.badges));
        }
        for a in &c.activities {
            out.insert(format!("{}/{}", u.activities, a.id));
        }
        for s in &c.checklist.sections {
            out.insert(format!("{}/{}", u.sections, s.id));
            out.insert(format!("{}/{}.svg", u.badges, s.id));
            for t in &s.tasks {
                out.insert(format!("{}/{}", u.tasks, t.id));
            }
        }
    }
    out.extend(alerts.keys().map(|a| format!("{}/{a}", u.alerts)));
    out.extend(alerts.keys().map(|a| format!("{}/{}", u.alerts, a.to_lowercase())));
    out
}

/// What put a file in the output: the file that names it in a message, and how to say it.
#[derive(Clone)]
struct Origin {
    /// The source the diagnostic points at (empty for opsbook's own files).
    file: String,
    what: String,
}

/// Two outputs at one path, or a file where a folder must be: a copied file from content/
/// would silently replace a page or a generated file, so each is an error naming both.
pub fn output_collisions(site: &Site, files: &[String], assets: &[Asset], content: &str) -> Vec<Diagnostic> {
    let origin = |path: &str| -> Origin {
        let dir = path.strip_suffix("index.html").unwrap_or("");
        if let Some(p) = site
            .page_by_path(dir)
            .map(|i| &site.pages[i])
            .filter(|p| !p.display.is_empty())
        {
            return Origin {
                file: p.display.clone(),
                what: format!("the page {}", p.display),
            };
        }
        if let Ok(k) = site.aliases.binary_search_by(|(a, _)| a.as_str().cmp(dir)) {
            let p = &site.pages[site.aliases[k].1];
            return Origin {
                file: p.display.clone(),
                what: format!("the alias `/{dir}` of {}", p.display),
            };
        }
        Origin {
            file: String::new(),
            what: format!("opsbook's generated /{path}"),
        }
    };
    // Each path, and the content file copied there (`None`: a rendered file, whose origin
    // is worked out only if it collides).
    let mut all: rustc_hash::FxHashMap<&str, Option<&Asset>> = files.iter().map(|f| (f.as_str(), None)).collect();
    let asset_origin = |a: &Asset| {
        let display = format!("{content}/{}", a.rel);
        Origin {
            file: display.clone(),
            what: display,
        }
    };
    let origin_of = |path: &str, asset: Option<&Asset>| asset.map_or_else(|| origin(path), asset_origin);
    let mut out = Vec::new();
    for a in assets {
        if let Some(&o) = all.get(a.rel.as_str()) {
            let display = format!("{content}/{}", a.rel);
            out.push(
                Diagnostic::error(
                    &display,
                    0,
                    0,
                    format!("{display} would overwrite {} in the site", origin_of(&a.rel, o).what),
                )
                .with_hint("rename or move the file"),
            );
        } else {
            all.insert(a.rel.as_str(), Some(a));
        }
    }
    for (&path, &source) in &all {
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if let Some(&owner_source) = all.get(parent) {
                let who = origin_of(path, source);
                let owner = origin_of(parent, owner_source);
                let file = if who.file.is_empty() { owner.file } else { who.file };
                out.push(
                    Diagnostic::error(
                        file,
                        0,
                        0,
                        format!(
                            "{} would be published under /{parent}/, but {} is the file /{parent}",
                            who.what, owner.what
                        ),
                    )
                    .with_hint("rename or move the file, or change the alias"),
                );
                break;
            }
            dir = parent;
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    out.dedup();
    out
}
