//! The site: every page and the checklist put together. Binds runbooks to their tasks,
//! gathers alerts and aliases, makes folder pages, checks anchors, and computes backlinks
//! and reading order once, so that rendering any page is constant work.
//! Built once by [`assemble_site`]. Nothing changes it afterwards but `serve`'s fast paths
//! (`preview/rebuild.rs`), and only in two ways: `pages[i]` replaced by a page of the same
//! shape (only its body differs), and `checklist`, `section_counts` and `totals` replaced
//! after an edit of task statuses alone. `tests/testsuite/serve.rs` holds both to what a
//! fresh build makes.

mod bind;
mod graph;
pub mod nav;
mod place;

use std::collections::{BTreeMap, HashMap};

use time::Date;

use crate::checklist_source::ChecklistSource;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::page::Page;
use crate::progress::{count_checklist, Counts};

#[derive(Debug)]
pub struct Site {
    pub title: String,
    pub checklist: Option<std::sync::Arc<ChecklistSource>>,
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
    /// (folder site path, section index): folders named after a checklist section, whose
    /// address leads to the section's page (see `place::section_folders`). Sorted by path.
    pub section_folders: Vec<(String, usize)>,
    /// index in `pages` → pages linking to it.
    pub backlinks: Vec<Vec<usize>>,
    /// index in `pages` → the pages it lists (folder pages only).
    pub children: Vec<Vec<usize>>,
    /// The one hierarchy the sidebar, breadcrumbs and previous/next follow.
    pub nav: nav::Nav,
    /// Reading order (indices into `pages`) for previous/next: the pages as `nav` lists them.
    pub order: Vec<usize>,
    /// index in `pages` → its position in `order`.
    pub order_pos: Vec<usize>,
    /// The day review dates are measured against.
    pub today: Date,
    /// Each file's last change in git, by its path under content/ (empty outside git).
    pub dates: crate::history::dates::PageDates,
}

impl Site {
    /// Every section of the checklist with its counts, in checklist order (none without a
    /// checklist).
    pub fn sections(&self) -> impl Iterator<Item = (&crate::checklist::Section, &Counts)> {
        self.checklist
            .iter()
            .flat_map(|c| c.checklist.sections.iter())
            .zip(&self.section_counts)
    }

    /// The warnings about the site as a whole, the same in `build`, `check` and `serve`:
    /// alerts answered by several pages, and pages due for review.
    pub fn warnings(&self, config: &Config) -> Vec<Diagnostic> {
        let mut out = self.shared_alert_warnings();
        out.extend(self.review_warnings(config.stale_after_days));
        // A recurring activity's runbook names a task or a page.
        if let Some(c) = &self.checklist {
            for a in &c.activities {
                let Some(r) = a.runbook.as_deref() else { continue };
                let key = r.trim().trim_matches('/');
                let path = format!("{}/", key.trim_end_matches(".md"));
                if !self.task_index.contains_key(key) && self.page_by_path(&path).is_none() {
                    out.push(
                        Diagnostic::warning(
                            &c.display,
                            a.line,
                            a.col,
                            format!(
                                "the runbook `{r}` of the activity \"{}\" is no task and no page",
                                a.title
                            ),
                        )
                        .with_hint("name a task by its id, or a page by its path (`runbooks/db/verify-backups`)"),
                    );
                }
            }
        }
        out
    }

    /// A warning for each page whose review is stale or overdue, at its `last_reviewed`.
    pub fn review_warnings(&self, stale_after_days: u32) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for p in self.pages.iter().filter(|p| !p.display.is_empty()) {
            let message = if self.is_overdue(p) {
                match self.review_due(p) {
                    Some(due) => format!(
                        "review of \"{}\" was due on {due} (every {} days)",
                        p.title,
                        p.meta.review_every.unwrap_or(0)
                    ),
                    None => format!(
                        "\"{}\" has `review_every` but was never reviewed (no `last_reviewed`)",
                        p.title
                    ),
                }
            } else if self.is_stale(p, stale_after_days) {
                let last = p.meta.last_reviewed.map(|d| d.to_string()).unwrap_or_default();
                format!(
                    "\"{}\" was last reviewed on {last}, more than {stale_after_days} days before {}",
                    p.title, self.today
                )
            } else {
                continue;
            };
            let line = if p.meta.last_reviewed.is_some() {
                p.key_line("last_reviewed")
            } else {
                p.key_line("review_every")
            };
            out.push(
                Diagnostic::warning(&p.display, line, 1, message)
                    .with_hint("review the runbook, then set `last_reviewed` to the day you did")
                    .with_code("review"),
            );
        }
        out
    }

    /// One warning per alert that several pages answer (`check` reports them: the alert's
    /// link then leads to a list instead of straight to a runbook).
    pub fn shared_alert_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (name, list) in &self.alerts {
            if let [first, second, ..] = list.as_slice() {
                let (a, b) = (&self.pages[*first], &self.pages[*second]);
                let others = if list.len() > 2 {
                    format!(" and {} more", list.len() - 2)
                } else {
                    String::new()
                };
                out.push(
                    Diagnostic::warning(
                        &b.display,
                        b.key_line("alerts"),
                        1,
                        format!("alert `{name}` is answered by {} and by this page{others}: /alerts/{name}/ lists them instead of leading to one", a.display),
                    )
                    .with_hint("give each alert one runbook, so the link in the alert leads straight to it"),
                );
            }
        }
        out
    }

    /// When a page last changed: its `last_updated`, else its last commit's day.
    pub fn last_updated(&self, page: &Page) -> Option<String> {
        match page.meta.last_updated {
            Some(d) => Some(d.to_string()),
            None => self.dates.get(&page.rel).cloned(),
        }
    }

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

/// Past this many sections the checklist's groups start closed in the sidebar.
const OPEN_GROUPS_UP_TO: usize = 20;

/// Puts the pages and checklist together. Problems that only show across pages (colliding
/// URLs, unknown tasks, missing anchors) come back as diagnostics.
pub fn assemble_site(
    config: &Config,
    checklist: Option<std::sync::Arc<ChecklistSource>>,
    pages: Vec<Page>,
    dates: crate::history::dates::PageDates,
    today: Date,
) -> (Site, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let generated = crate::generated::generated_prefixes(config);

    let (mut root_page, mut pages) = place::place_pages(config, pages, &mut diags);
    let section_folders = place::section_folders(checklist.as_deref(), &mut pages);
    let (section_counts, totals) = checklist
        .as_ref()
        .map(|c| count_checklist(&c.checklist))
        .unwrap_or_default();
    let (task_page, page_task) = bind::bind_tasks(config, checklist.as_deref(), &pages, &mut diags);
    let alerts = bind::gather_alerts(config, &pages, &mut diags);
    let aliases = bind::gather_aliases(&pages, &generated, &mut diags);
    diags.extend(place::generated_page_collisions(
        config,
        checklist.as_deref(),
        &alerts,
        &pages,
    ));
    let generated_paths = place::generated_paths(config, checklist.as_deref(), &alerts);
    // Four walks over every page that need nothing from each other, side by side.
    let mut link_diags = Vec::new();
    let ((backlinks, children), fixes) = rayon::join(
        || rayon::join(|| graph::backlinks(&pages), || graph::children(&pages)),
        || graph::check_links(&pages, root_page.as_ref(), &generated_paths, &mut link_diags),
    );
    diags.extend(link_diags);
    for (at, from, to) in fixes {
        let page = match at {
            Some(i) => pages.get_mut(i),
            None => root_page.as_mut(),
        };
        if let Some(p) = page {
            p.anchor_fixes.push((from, to));
        }
    }
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
    let nav = nav::Nav::build(&nav::Inputs {
        checklist: checklist.as_deref(),
        pages: &pages,
        task_page: &task_page,
        page_alerts: &page_alerts,
        has_alerts: !alerts.is_empty(),
        open_groups_up_to: OPEN_GROUPS_UP_TO,
    });
    let order = nav.reading_order();
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
        section_folders,
        backlinks,
        children,
        nav,
        order,
        today,
        dates,
    };
    (site, diags)
}

pub use place::output_collisions;
