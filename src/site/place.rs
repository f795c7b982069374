//! Where pages land: the root page, URL collisions between files and with opsbook's own
//! generated pages, and the folder pages made for folders without an index page.

use std::collections::{BTreeMap, HashSet};

use super::ChecklistSource;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
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

/// The files opsbook writes at the site's root: a page may link to each, and content may not
/// take their place. The one list that link checking and the reserved paths read; the
/// renderer writes exactly these.
pub fn generated_files(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = ["progress.json", "404.html", "feed.xml", ".nojekyll"]
        .map(String::from)
        .to_vec();
    if config.has_absolute_url() {
        out.push("sitemap.xml".into());
    }
    if !config.cname.is_empty() {
        out.push("CNAME".into());
    }
    out
}

/// The first URL segments opsbook writes itself.
pub fn generated_prefixes(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = config.urls.named().into_iter().map(|(_, v)| v).collect();
    out.push("_theme".into());
    out
}

/// The `[urls]` key that names a generated prefix, for hints.
pub(super) fn prefix_key(config: &Config, value: &str) -> Option<&'static str> {
    config
        .urls
        .named()
        .into_iter()
        .find(|(_, v)| v == value)
        .map(|(k, _)| k)
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
