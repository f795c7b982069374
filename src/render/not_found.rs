//! `404.html`: what GitHub Pages shows for a URL the site does not have, with the known URLs
//! its script suggests from.

use super::*;

/// What the 404 page offers for a path that is not there: known alerts (by lowercase name),
/// task ids, old URLs (aliases) and pages (by lowercase path), as JSON for its script.
#[derive(Debug, Serialize)]
pub struct KnownUrls {
    /// The JSON, safe inside `<script type="application/json">`.
    pub json: String,
}

/// Past this many pages the 404 map leaves pages out (alerts, tasks and aliases stay).
const KNOWN_PAGES_MAX: usize = 5000;

pub fn known_urls(site: &Site, config: &Config) -> KnownUrls {
    #[derive(Serialize)]
    struct Known<'a> {
        base: &'a str,
        alerts_prefix: &'a str,
        tasks_prefix: &'a str,
        alerts: std::collections::BTreeMap<String, String>,
        tasks: std::collections::BTreeMap<&'a str, String>,
        paths: std::collections::BTreeMap<String, String>,
        /// Lowercase alert name → the name as written, for "Did you mean".
        alert_names: std::collections::BTreeMap<String, &'a str>,
        /// URL → what it leads to: a page's title, a task's, an alert's runbook's.
        titles: std::collections::BTreeMap<String, &'a str>,
        new_runbook: Option<String>,
    }
    let mut titles = std::collections::BTreeMap::new();
    let mut paths = std::collections::BTreeMap::new();
    for (alias, i) in &site.aliases {
        paths.insert(alias.to_lowercase(), config.link(&site.pages[*i].path));
    }
    if site.pages.len() <= KNOWN_PAGES_MAX {
        for p in &site.pages {
            paths
                .entry(p.path.to_lowercase())
                .or_insert_with(|| config.link(&p.path));
            titles.insert(config.link(&p.path), p.title.as_str());
        }
    }
    for (name, pages) in &site.alerts {
        if let [only] = pages.as_slice() {
            titles.insert(
                config.link(&format!("{}/{name}/", config.urls.alerts)),
                site.pages[*only].title.as_str(),
            );
        }
    }
    for (_, task) in site.checklist.iter().flat_map(|c| c.checklist.tasks()) {
        titles.insert(
            config.link(&format!("{}/{}/", config.urls.tasks, task.id)),
            task.title.as_str(),
        );
    }
    let known = Known {
        base: &config.base_path,
        alerts_prefix: &config.urls.alerts,
        tasks_prefix: &config.urls.tasks,
        alerts: site
            .alerts
            .keys()
            .map(|a| (a.to_lowercase(), config.link(&format!("{}/{a}/", config.urls.alerts))))
            .collect(),
        tasks: site
            .task_index
            .keys()
            .map(|id| (id.as_str(), config.link(&format!("{}/{id}/", config.urls.tasks))))
            .collect(),
        paths,
        alert_names: site.alerts.keys().map(|a| (a.to_lowercase(), a.as_str())).collect(),
        titles,
        new_runbook: (!config.edit_url.is_empty()).then(|| {
            config
                .edit_url
                .replace("/edit/", "/new/")
                .replace("{path}", "runbooks/")
        }),
    };
    let json = serde_json::to_string(&known)
        .unwrap_or_else(|_| "{}".into())
        .replace('<', "\\u003c");
    KnownUrls { json }
}

impl Renderer<'_> {
    pub(super) fn render_404(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let layout = self.layout("Page not found", "404.html", vec![self.home_crumb()], None);
        let known = known_urls(self.site, self.config);
        self.emit(sink, "404.html", "404.html".into(), layout, "known", &known)
    }
}
