//! The alert pages: `alerts/` lists every alert, and each alert name leads to its runbook
//! (a redirect) or, when several pages answer it, to a list of them.

use super::*;

#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    pub name: String,
    pub url: String,
    pub pages: Vec<AlertPage>,
}

/// A page answering an alert, with what the alerts index shows of it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertPage {
    pub title: String,
    /// The page's folder under content/ (`alerts/postgres/`), empty at the root.
    pub folder: String,
    pub url: String,
    pub owner: Option<String>,
    pub severity: Option<String>,
    pub last_reviewed: Option<String>,
    pub stale: bool,
}

#[derive(Debug, Serialize)]
pub struct AlertsView {
    pub alerts: Vec<AlertView>,
    /// True on `/alerts/<Name>/` when several pages answer one alert.
    pub single: bool,
}

pub fn alert_views(site: &Site, config: &Config) -> Vec<AlertView> {
    site.alerts
        .iter()
        .map(|(name, pages)| AlertView {
            name: name.clone(),
            url: config.link(&format!("{}/{name}/", config.urls.alerts)),
            pages: pages
                .iter()
                .map(|&i| {
                    let p = &site.pages[i];
                    AlertPage {
                        title: p.title.clone(),
                        // The folder tells apart pages of one alert (`postgres/` and `mysql/`).
                        folder: p.rel.rsplit_once('/').map(|(f, _)| format!("{f}/")).unwrap_or_default(),
                        url: config.link(&p.path),
                        owner: p.meta.owner.clone(),
                        severity: p.meta.severity.clone(),
                        last_reviewed: p.meta.last_reviewed.map(|d| d.to_string()),
                        stale: site.is_stale(p, config.stale_after_days) || site.is_overdue(p),
                    }
                })
                .collect(),
        })
        .collect()
}

impl Renderer<'_> {
    pub(super) fn render_alerts(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let prefix = &self.config.urls.alerts;
        let all = alert_views(self.site, self.config);
        // Each alert is also reachable by its lowercase name (as Hugo publishes URLs), unless
        // another alert has that name.
        let names: std::collections::HashSet<&str> = all.iter().map(|a| a.name.as_str()).collect();
        all.par_iter().try_for_each(|a| {
            let path = format!("{prefix}/{}/", a.name);
            let lower = a.name.to_lowercase();
            let lower_path = (lower != a.name && !names.contains(lower.as_str())).then(|| format!("{prefix}/{lower}/"));
            // The alert's own page may sit at one of these paths (`alerts/PostgresDown.md`):
            // then it is what the redirect would lead to, and nothing is written over it.
            let free = |p: &String| self.site.page_by_path(p).is_none();
            if let [only] = a.pages.as_slice() {
                let i = self
                    .site
                    .page_by_path(only.url.strip_prefix(&self.config.base_path).unwrap_or(&only.url));
                // The heading the page names for the alert (`alerts: [Name#heading]`), when it
                // has one: the alert's link lands there.
                let target = i
                    .map(|i| {
                        let p = &self.site.pages[i];
                        match p.meta.alert_anchors.get(&a.name).filter(|id| p.anchors.contains(id)) {
                            Some(id) => format!("{}#{id}", p.path),
                            None => p.path.clone(),
                        }
                    })
                    .unwrap_or_default();
                let name = Some(a.name.as_str());
                if free(&path) {
                    sink.put(self.redirect_for(&format!("{path}index.html"), &target, &only.title, name)?);
                }
                if let Some(lp) = lower_path.as_ref().filter(|p| free(p)) {
                    sink.put(self.redirect_for(&format!("{lp}index.html"), &target, &only.title, name)?);
                }
            } else {
                let layout = self.layout(
                    &a.name,
                    &path,
                    vec![
                        self.home_crumb(),
                        Crumb {
                            title: "Alerts".into(),
                            url: self.config.link(&format!("{prefix}/")),
                        },
                    ],
                    None,
                );
                self.emit(
                    sink,
                    "alerts.html",
                    format!("{path}index.html"),
                    layout,
                    "alerts",
                    &AlertsView {
                        alerts: vec![a.clone()],
                        single: true,
                    },
                )?;
                // The lowercase name leads to the same list (what `check --alert-rules` and
                // link checking accept).
                if let Some(lp) = lower_path.as_ref().filter(|p| free(p)) {
                    sink.put(self.redirect(&format!("{lp}index.html"), &path, &a.name)?);
                }
            }
            Ok(())
        })?;
        let path = format!("{prefix}/");
        let layout = self.layout("Alerts", &path, vec![self.home_crumb()], None);
        self.emit(
            sink,
            "alerts.html",
            format!("{path}index.html"),
            layout,
            "alerts",
            &AlertsView {
                alerts: all,
                single: false,
            },
        )?;
        Ok(())
    }
}
