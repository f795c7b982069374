//! Reading the pages, and what a rebuild can reuse. `serve` rebuilds on every save; most
//! saves change one page's text, and nothing else of the site depends on a page's body. So:
//!
//! - [`read_pages`] is the pipeline's stage that builds the checklist and every page,
//!   taking from the cache what an unchanged text gave last time;
//! - [`PageCache`] keeps every page as last built, keyed by its text, valid while the set of
//!   files and `book.toml` stay the same (links are resolved against them);
//! - [`Snapshot`] sums up the site: one hash of everything a page shows of *other* pages
//!   (titles, paths, owners, alerts, tasks and their statuses, links, the checklist, the
//!   sidebar's contents) and one hash per page body;
//! - [`plan_render`] (pure) compares two snapshots: the same shape means only the pages whose
//!   body changed are rendered again; any other change renders everything.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rustc_hash::FxHasher;

use std::sync::Arc;

use rayon::prelude::*;

use crate::checklist_source::read_checklist;
use crate::checklist_source::{ChecklistSource, ProseHtml};
use crate::config::{Config, Overrides, CONFIG_FILE};
use crate::content::{Content, ReadCache};
use crate::diagnostic::Diagnostic;
use crate::fingerprint::hash_of;
use crate::links::LinkIndex;
use crate::links::Target;
use crate::page::build_page;
use crate::page::Page;
use crate::render::RenderPlan;
use crate::site::Site;

/// Pages as last built, by source path.
#[derive(Default)]
pub struct PageCache {
    enabled: bool,
    context: u64,
    entries: HashMap<String, (std::sync::Arc<str>, Page, Vec<Diagnostic>)>,
    checklist: Option<(u64, CachedChecklist)>,
    /// The texts of the files, by size and modification time.
    pub reads: ReadCache,
    /// The links index of the last build: valid while the set of files and `book.toml`
    /// stay the same.
    pub index: Option<std::sync::Arc<crate::links::LinkIndex>>,
}

/// The checklist as read: its source, its diagnostics and its prose as HTML.
pub type CachedChecklist = (std::sync::Arc<ChecklistSource>, Vec<Diagnostic>, ProseHtml);

impl PageCache {
    /// A cache that keeps pages (the default one, for a single build, keeps nothing).
    pub fn enabled() -> Self {
        PageCache {
            enabled: true,
            reads: ReadCache::enabled(),
            ..PageCache::default()
        }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// Starts a build whose files and configuration hash to `context`: entries built under
    /// another context are dropped.
    pub fn begin(&mut self, context: u64) {
        if self.context != context {
            self.entries.clear();
            self.checklist = None;
            self.index = None;
            self.context = context;
        }
    }

    /// The checklist read under the same context from a text with this `key`.
    pub fn checklist(&self, key: u64) -> Option<CachedChecklist> {
        self.checklist
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, c)| c.clone())
    }

    /// The checklist as last read, whatever its text.
    pub fn last_checklist(&self) -> Option<&CachedChecklist> {
        self.checklist.as_ref().map(|(_, c)| c)
    }

    pub fn put_checklist(&mut self, key: u64, read: &CachedChecklist) {
        if self.enabled {
            self.checklist = Some((key, read.clone()));
        }
    }

    /// The page built from exactly this text, if any.
    pub fn get(&self, rel: &str, text: &std::sync::Arc<str>) -> Option<(Page, Vec<Diagnostic>)> {
        let (kept, page, diags) = self.entries.get(rel)?;
        // The same text object (an unchanged file) is known without comparing its bytes.
        (std::sync::Arc::ptr_eq(kept, text) || **kept == **text).then(|| (page.clone(), diags.clone()))
    }

    /// The diagnostics of the page last built from `rel`.
    pub fn diagnostics_of(&self, rel: &str) -> Option<&[Diagnostic]> {
        self.entries.get(rel).map(|(_, _, d)| d.as_slice())
    }

    pub fn put(&mut self, rel: &str, text: &std::sync::Arc<str>, page: &Page, diags: &[Diagnostic]) {
        self.entries
            .insert(rel.to_string(), (text.clone(), page.clone(), diags.to_vec()));
    }

    /// Forgets pages whose file is gone.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.entries.retain(|rel, _| keep(rel));
    }
}

/// The checklist and the pages, read.
pub struct PagesRead {
    pub checklist: Option<Arc<ChecklistSource>>,
    pub prose: ProseHtml,
    /// A hash of the checklist's text (0 without one).
    pub checklist_hash: u64,
    /// Every page but the checklist, in the order of the content's files.
    pub pages: Vec<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds the checklist and every page, side by side (neither needs the other), taking from
/// `cache` what an unchanged text gave last time. Pages are built from their text, the list
/// of files (links) and book.toml (`config_text`): while the last two stay the same, an
/// unchanged text gives the same page.
pub fn read_pages(
    content: &Content,
    index: &Arc<LinkIndex>,
    config: &Config,
    overrides: &Overrides,
    config_text: Option<&String>,
    cache: &mut PageCache,
) -> PagesRead {
    let mut diags = Vec::new();
    let context = hash_of((
        config_text,
        &config.site_url,
        &config.output_dir,
        content.sources.iter().map(|s| &s.rel).collect::<Vec<_>>(),
        content.assets.iter().map(|a| &a.rel).collect::<Vec<_>>(),
    ));
    cache.begin(context);
    if cache.is_enabled() {
        cache.index = Some(index.clone());
    }
    let checklist_pos = content.sources.iter().position(|s| s.rel == config.checklist);
    let checklist_src = checklist_pos.map(|i| &content.sources[i]);
    // Overdue activities and the history's last point are measured against today.
    let checklist_key =
        checklist_src.map(|src| hash_of((&src.text, overrides.strict, overrides.history, crate::clock::today())));
    let checklist_hit = checklist_key.and_then(|key| cache.checklist(key));
    let cache_ref: &PageCache = cache;
    // Without a cache (`build`, `check`), pages' HTML waits on disk until it is written.
    let spill = if cache.is_enabled() {
        None
    } else {
        crate::spill::Spill::new().map(Arc::new)
    };
    let (checklist_read, built) = rayon::join(
        || match (checklist_hit, checklist_src) {
            (Some(hit), _) => Some((hit, false)),
            (None, Some(src)) => {
                let (source, d, prose) = read_checklist(src, index, config, overrides);
                Some(((Arc::new(source), d, prose), true))
            }
            (None, None) => None,
        },
        || -> Vec<_> {
            content
                .sources
                .par_iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != checklist_pos)
                .map(|(_, src)| match cache_ref.get(&src.rel, &src.text) {
                    Some(hit) => (hit, None),
                    None => (build_page(src, index, config, spill.as_ref()), Some(src)),
                })
                .collect()
        },
    );
    let mut prose = ProseHtml::default();
    let checklist = checklist_read.map(|(read, fresh)| {
        if let (true, Some(key)) = (fresh, checklist_key) {
            cache.put_checklist(key, &read);
        }
        let (source, d, p) = read;
        diags.extend(d);
        prose = p;
        source
    });
    let checklist_hash = checklist_src.map(|src| hash_of(&src.text)).unwrap_or(0);
    if checklist.is_none() && config.checklist != "checklist.md" {
        diags.push(
            Diagnostic::warning(
                CONFIG_FILE,
                0,
                0,
                format!(
                    "checklist `{}` not found in {}/",
                    config.checklist,
                    config.content_display()
                ),
            )
            .with_hint("fix `checklist` under [build], or create the file"),
        );
    }
    if cache.is_enabled() {
        for ((page, d), src) in &built {
            if let Some(src) = src {
                cache.put(&src.rel, &src.text, page, d);
            }
        }
        let present: std::collections::HashSet<&str> = content.sources.iter().map(|s| s.rel.as_str()).collect();
        cache.retain(|rel| present.contains(rel));
    } else {
        // A build has highlighted all its code by now.
        crate::highlight::forget_lines();
    }
    let mut pages = Vec::with_capacity(built.len());
    for ((p, d), _) in built {
        diags.extend(d);
        pages.push(p);
    }
    PagesRead {
        checklist,
        prose,
        checklist_hash,
        pages,
        diagnostics: diags,
    }
}

/// The site summed up for deciding what to render again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Everything pages show of other pages and of the checklist's structure (sections,
    /// task ids, which page is each task's runbook).
    pub shape: u64,
    /// (site path, hash of the page's own HTML), in page order.
    pub pages: Vec<(String, u64)>,
    /// The checklist's whole text: what the dashboard shows besides the tasks.
    pub checklist: u64,
    /// Per task, in checklist order: its id, a hash of what is shown of it (status, text,
    /// notes, line), and its runbook page.
    pub tasks: Vec<(String, u64, Option<usize>)>,
}

/// Sums up a site. `shared` is what every page shows besides the site (`book.toml`, the
/// theme), hashed by the caller; `checklist` is the hash of the checklist's text.
pub fn snapshot(site: &Site, shared: u64, checklist: u64) -> Snapshot {
    let mut h = FxHasher::default();
    shared.hash(&mut h);
    site.title.hash(&mut h);
    site.today.hash(&mut h);
    site.root_page.as_ref().map(|p| &p.html).hash(&mut h);
    site.aliases.hash(&mut h);
    site.alerts.hash(&mut h);
    // The tree's order (front matter's `weight` moves a page in every sidebar and in its
    // neighbours' previous/next).
    site.order.hash(&mut h);
    for p in &site.pages {
        (&p.rel, &p.path, &p.title, &p.title_id, p.kind, p.is_index).hash(&mut h);
        let m = &p.meta;
        (
            &m.task,
            &m.owner,
            &m.severity,
            &m.alerts,
            &m.aliases,
            &m.tags,
            m.last_reviewed,
            m.last_updated,
            m.review_every,
        )
            .hash(&mut h);
        for link in &p.links {
            if let Target::Page { rel, .. } = &link.target {
                rel.hash(&mut h);
            }
        }
    }
    if let Some(c) = &site.checklist {
        // The history the dashboard draws (a commit since the last build changes it).
        if let Some(history) = &c.history {
            (
                history.complete,
                history.days.len(),
                history.days.last().map(|d| &d.date),
                history.events.len(),
            )
                .hash(&mut h);
        }
        for s in &c.checklist.sections {
            (&s.id, &s.number, &s.title, &s.group).hash(&mut h);
            for t in &s.tasks {
                (&t.id, site.task_page.get(&t.id).copied()).hash(&mut h);
            }
        }
    }
    Snapshot {
        shape: h.finish(),
        pages: site.pages.iter().map(|p| (p.path.clone(), p.body_hash)).collect(),
        checklist,
        tasks: task_entries(site),
    }
}

/// Per task, in checklist order: its id, a hash of what is shown of it, and its runbook page.
pub fn task_entries(site: &Site) -> Vec<(String, u64, Option<usize>)> {
    let mut tasks = Vec::new();
    if let Some(c) = &site.checklist {
        for t in c.checklist.sections.iter().flat_map(|s| &s.tasks) {
            let mut th = FxHasher::default();
            (&t.text, &t.title, t.status, t.line, t.col).hash(&mut th);
            // When its status last changed, which its pages show.
            if let Some(change) = c.history.as_ref().and_then(|h| h.last_change.get(&t.id)) {
                (&change.date, change.from).hash(&mut th);
            }
            for n in &t.notes {
                (&n.text, n.depth).hash(&mut th);
            }
            tasks.push((t.id.clone(), th.finish(), site.task_page.get(&t.id).copied()));
        }
    }
    tasks
}

/// What must be rendered again to go from the site of `before` to that of `now`.
pub fn plan_render(before: Option<&Snapshot>, now: &Snapshot) -> RenderPlan {
    let Some(before) = before else { return RenderPlan::Full };
    if before.shape != now.shape || before.pages.len() != now.pages.len() || before.tasks.len() != now.tasks.len() {
        return RenderPlan::Full;
    }
    let mut changed = Vec::new();
    for (i, (a, b)) in before.pages.iter().zip(&now.pages).enumerate() {
        if a.0 != b.0 {
            return RenderPlan::Full;
        }
        if a.1 != b.1 {
            changed.push(i);
        }
    }
    if before.checklist == now.checklist {
        return RenderPlan::Pages(changed);
    }
    let mut tasks = Vec::new();
    for (a, b) in before.tasks.iter().zip(&now.tasks) {
        if a.1 != b.1 {
            tasks.push(b.0.clone());
            changed.extend(b.2);
        }
    }
    changed.sort_unstable();
    changed.dedup();
    RenderPlan::Tasks { pages: changed, tasks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(shape: u64, pages: &[(&str, u64)]) -> Snapshot {
        Snapshot {
            shape,
            pages: pages.iter().map(|(p, h)| (p.to_string(), *h)).collect(),
            checklist: 0,
            tasks: Vec::new(),
        }
    }

    #[test]
    fn a_status_change_renders_the_task_its_runbook_and_the_checklist_pages() {
        let mut before = snap(7, &[("a/", 1), ("b/", 2)]);
        before.tasks = vec![("t1".into(), 10, Some(1)), ("t2".into(), 20, None)];
        let mut now = before.clone();
        now.checklist = 1;
        now.tasks[0].1 = 11;
        assert_eq!(
            plan_render(Some(&before), &now),
            RenderPlan::Tasks {
                pages: vec![1],
                tasks: vec!["t1".into()]
            }
        );
        // Prose only: the checklist pages, no task.
        let mut prose = before.clone();
        prose.checklist = 2;
        assert_eq!(
            plan_render(Some(&before), &prose),
            RenderPlan::Tasks {
                pages: vec![],
                tasks: vec![]
            }
        );
    }

    #[test]
    fn first_build_renders_everything() {
        assert_eq!(plan_render(None, &snap(1, &[("a/", 1)])), RenderPlan::Full);
    }

    #[test]
    fn a_body_edit_renders_only_that_page() {
        let before = snap(7, &[("a/", 1), ("b/", 2), ("c/", 3)]);
        let now = snap(7, &[("a/", 1), ("b/", 9), ("c/", 3)]);
        assert_eq!(plan_render(Some(&before), &now), RenderPlan::Pages(vec![1]));
        assert_eq!(plan_render(Some(&before), &before), RenderPlan::Pages(vec![]));
    }

    #[test]
    fn anything_other_pages_show_renders_everything() {
        let before = snap(7, &[("a/", 1), ("b/", 2)]);
        assert_eq!(
            plan_render(Some(&before), &snap(8, &[("a/", 1), ("b/", 2)])),
            RenderPlan::Full,
            "a title, a status"
        );
        assert_eq!(
            plan_render(Some(&before), &snap(7, &[("a/", 1)])),
            RenderPlan::Full,
            "a page deleted"
        );
        assert_eq!(
            plan_render(Some(&before), &snap(7, &[("a/", 1), ("c/", 2)])),
            RenderPlan::Full,
            "a page renamed"
        );
    }
}
