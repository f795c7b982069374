//! The owners pages: `owners/` lists every owner with their counts, and a page per owner
//! lists their runbooks.

use super::*;

#[derive(Debug, Serialize)]
pub struct OwnerView {
    pub name: String,
    pub id: String,
    /// The owner's own page (`/owners/<id>/`).
    pub url: String,
    pub pages: Vec<PageRef>,
    pub tasks: Vec<TaskView>,
    pub stale: Vec<PageRef>,
    /// Their recurring activities, and their calendar feed.
    pub activities: Vec<super::activities::ActivityView>,
    pub calendar_url: Option<String>,
}

/// One line of the owners index: who, where their page is, and how much they own.
#[derive(Debug, Serialize)]
pub struct OwnerSummary {
    pub name: String,
    pub id: String,
    pub url: String,
    pub pages: usize,
    pub tasks: usize,
    pub stale: usize,
}

/// Every owner named in front matter (trimmed) with the indexes of their pages, by name, and
/// the id of each (its folder under `/owners/`, unique among them).
pub(super) fn owners_by_name(site: &Site) -> Vec<(&str, String, Vec<usize>)> {
    let mut by_owner: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if let Some(owner) = page_owner(p) {
            by_owner.entry(owner).or_default().push(i);
        }
    }
    // Owners of recurring activities have a page too.
    for a in site.checklist.iter().flat_map(|c| &c.activities) {
        if let Some(owner) = a.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            by_owner.entry(owner).or_default();
        }
    }
    let mut ids = crate::slug::AnchorSet::default();
    by_owner
        .into_iter()
        .map(|(name, pages)| {
            let slug = crate::slug::id_slug(name);
            let id = ids.unique(if slug.is_empty() { "owner" } else { &slug });
            (name, id, pages)
        })
        .collect()
}

/// The owner a page names, if any.
pub fn page_owner(p: &crate::page::Page) -> Option<&str> {
    p.meta.owner.as_deref().map(str::trim).filter(|o| !o.is_empty())
}

fn is_to_review(site: &Site, config: &Config, p: &crate::page::Page) -> bool {
    site.is_stale(p, config.stale_after_days) || site.is_overdue(p)
}

/// The owners index: each owner with their counts.
pub fn owner_summaries(site: &Site, config: &Config) -> Vec<OwnerSummary> {
    owners_by_name(site)
        .into_iter()
        .map(|(name, id, pages)| OwnerSummary {
            name: name.to_string(),
            url: config.link(&format!("{}/{id}/", config.urls.owners)),
            id,
            tasks: pages.iter().filter(|i| site.page_task.contains_key(i)).count(),
            stale: pages
                .iter()
                .filter(|&&i| is_to_review(site, config, &site.pages[i]))
                .count(),
            pages: pages.len(),
        })
        .collect()
}

/// Each owner's page: their pages, the tasks those pages are the runbooks of, and which of
/// their pages need a review. With `only`, just the owners it names.
pub fn owner_views(site: &Site, config: &Config, only: Option<&std::collections::HashSet<&str>>) -> Vec<OwnerView> {
    let activities = super::activities::activity_views(site, config);
    owners_by_name(site)
        .into_iter()
        .filter(|(name, _, _)| only.is_none_or(|set| set.contains(name)))
        .map(|(name, id, pages)| {
            let tasks = pages
                .iter()
                .filter_map(|i| site.page_task.get(i))
                .filter_map(|id| {
                    let &(si, ti) = site.task_index.get(id)?;
                    let c = site.checklist.as_ref()?;
                    let s = c.checklist.sections.get(si)?;
                    Some(TaskView::new(site, config, s, s.tasks.get(ti)?))
                })
                .collect();
            let stale = pages
                .iter()
                .map(|&i| &site.pages[i])
                .filter(|p| is_to_review(site, config, p))
                .map(|p| PageRef::new(site, config, p))
                .collect();
            let calendar_url = activities
                .iter()
                .any(|a| a.owner.as_deref().map(str::trim) == Some(name))
                .then(|| config.link(&format!("{}/{id}/calendar.ics", config.urls.owners)));
            OwnerView {
                name: name.to_string(),
                url: config.link(&format!("{}/{id}/", config.urls.owners)),
                id,
                pages: pages
                    .iter()
                    .map(|&i| PageRef::new(site, config, &site.pages[i]))
                    .collect(),
                tasks,
                stale,
                activities: activities
                    .iter()
                    .filter(|a| a.owner.as_deref().map(str::trim) == Some(name))
                    .cloned()
                    .collect(),
                calendar_url,
            }
        })
        .collect()
}

impl Renderer<'_> {
    /// The owners index and a page for each owner; with `only`, the index and the pages of
    /// the owners it names.
    pub(super) fn render_owners(
        &self,
        sink: &dyn Sink,
        only: Option<&std::collections::HashSet<&str>>,
    ) -> Result<(), Diagnostic> {
        let prefix = &self.config.urls.owners;
        let path = format!("{prefix}/");
        let layout = self.layout("Owners", &path, vec![self.home_crumb()], None);
        let owners = owner_summaries(self.site, self.config);
        self.emit(
            sink,
            "owners.html",
            format!("{path}index.html"),
            layout,
            "owners",
            &owners,
        )?;
        owner_views(self.site, self.config, only).par_iter().try_for_each(|o| {
            let own = format!("{prefix}/{}/", o.id);
            let crumbs = vec![
                self.home_crumb(),
                Crumb {
                    title: "Owners".into(),
                    url: self.config.link(&path),
                },
            ];
            let layout = self.layout(&o.name, &own, crumbs, None);
            self.emit(sink, "owner.html", format!("{own}index.html"), layout, "owner", o)
        })
    }
}
