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

    (root_page, pages)
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
