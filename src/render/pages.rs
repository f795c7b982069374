//! The pages made from content/: one `index.html` per page, written by `page_html.rs` or
//! through `page.html`.

use super::*;

#[derive(Debug, Serialize)]
pub struct AlertRef {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    /// The link that outlives moves: the task's (`/tasks/<id>/`), else the first alert's,
    /// else the page's own; absolute when `site.url` is.
    pub permalink: String,
    pub title: &'a str,
    pub title_id: Option<&'a str>,
    pub path: &'a str,
    pub kind: &'static str,
    pub kind_id: crate::page::PageKind,
    pub owner: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub tags: &'a [String],
    pub alerts: Vec<AlertRef>,
    pub task: Option<PageTask>,
    pub last_reviewed: Option<String>,
    pub review_due: Option<String>,
    pub stale: bool,
    pub overdue: bool,
    /// Left empty by [`page_view`]: the page's HTML is read back (see [`crate::page::Body`])
    /// only once its file is known to be needed.
    pub html: std::borrow::Cow<'a, str>,
    pub toc: Vec<&'a Heading>,
    pub is_index: bool,
    pub children: Vec<PageRef>,
    pub backlinks: Vec<PageRef>,
    pub prev: Option<PageRef>,
    pub next: Option<PageRef>,
    pub extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

pub fn page_view<'a>(site: &'a Site, config: &'a Config, i: usize) -> PageView<'a> {
    let p = &site.pages[i];
    let pref = |j: usize| PageRef::new(site, config, &site.pages[j]);
    let pos = site.order_pos.get(i).copied();
    let alerts: Vec<AlertRef> = site.page_alerts[i]
        .iter()
        .map(|name| AlertRef {
            name: name.clone(),
            url: config.link(&format!("{}/{name}/", config.urls.alerts)),
        })
        .collect();
    let permalink = match (site.page_task.get(&i), site.page_alerts[i].first()) {
        (Some(task), _) => config.absolute_url(&format!("{}/{task}/", config.urls.tasks)),
        (None, Some(alert)) => config.absolute_url(&format!("{}/{alert}/", config.urls.alerts)),
        (None, None) => config.absolute_url(&p.path),
    };
    PageView {
        permalink,
        title: &p.title,
        title_id: p.title_id.as_deref(),
        path: &p.path,
        kind: p.kind.label(),
        kind_id: p.kind,
        owner: p.meta.owner.as_deref(),
        severity: p.meta.severity.as_deref(),
        tags: &p.meta.tags,
        alerts,
        task: page_task(site, config, i),
        last_reviewed: p.meta.last_reviewed.map(|d| d.to_string()),
        review_due: site.review_due(p).map(|d| d.to_string()),
        stale: site.is_stale(p, config.stale_after_days),
        overdue: site.is_overdue(p),
        html: std::borrow::Cow::Borrowed(""),
        toc: p.headings.iter().filter(|h| h.level <= 3).collect(),
        is_index: p.is_index,
        children: folder_children(site, config, i),
        backlinks: site.backlinks[i].iter().map(|&j| pref(j)).collect(),
        prev: pos.and_then(|k| k.checked_sub(1)).map(|k| pref(site.order[k])),
        next: pos.and_then(|k| site.order.get(k + 1)).map(|&j| pref(j)),
        extra: &p.meta.extra,
    }
}

/// What a folder page lists: the checklist sections whose folders lie in it (their own
/// folder pages lead to the sections), then its pages.
fn folder_children(site: &Site, config: &Config, i: usize) -> Vec<PageRef> {
    let path = &site.pages[i].path;
    let sections = site.checklist.as_ref().map(|c| &c.checklist.sections);
    let mut inside: Vec<usize> = site
        .section_folders
        .iter()
        .filter(|(folder, _)| {
            folder
                .strip_prefix(path.as_str())
                .is_some_and(|rest| rest.trim_end_matches('/').split('/').count() == 1)
        })
        .map(|&(_, si)| si)
        .collect();
    inside.sort_unstable();
    let mut out: Vec<PageRef> = inside
        .into_iter()
        .filter_map(|si| sections?.get(si))
        .map(|s| PageRef {
            title: s.title.clone(),
            url: view::section_url(config, s),
            kind: "Checklist section",
            owner: None,
            last_reviewed: None,
            review_due: None,
        })
        .collect();
    out.extend(
        site.children[i]
            .iter()
            .map(|&j| PageRef::new(site, config, &site.pages[j])),
    );
    out
}

impl Renderer<'_> {
    /// A page of content/. Its key holds its body's hash rather than its body, so a page
    /// carried over from the last build never reads its body back (see [`crate::page::Body`]).
    pub(super) fn render_page(&self, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let mut v = page_view(self.site, self.config, i);
        let page = &self.site.pages[i];
        let mut layout = self.layout(&page.title, &page.path, self.crumbs_for(i), Some(&page.rel));
        layout.updated = self.site.last_updated(page);
        let path = format!("{}index.html", page.path);
        let key = self.shared_key.and_then(|shared| {
            let mut h = KeyHasher::new()?;
            h.key(shared).str("page.html").str(&path).str("page");
            h.value(&layout)?.value(&v)?;
            page.hash_body_into(&mut h);
            Some(h.finish())
        });
        if key.is_some_and(|k| sink.reuse(k)) {
            return Ok(());
        }
        v.html = page.body_html()?;
        let file = if self.direct_pages {
            Rendered::new(path, page_html::page_html(&self.site_view, &layout, &v))
        } else {
            self.render("page.html", path, layout, "page", &v)?
        };
        match key {
            Some(key) => sink.put_keyed(key, file),
            None => sink.put(file),
        }
        Ok(())
    }
}
