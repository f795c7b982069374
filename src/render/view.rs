//! View structs: what templates see. Built from the [`Site`] for one output at a time,
//! borrowing where they can, so no page's context holds the whole site.

use serde::Serialize;

use crate::badge::format_percent;
use crate::checklist::{Section, Task};
use crate::config::Config;
use crate::page::Page;
use crate::progress::Counts;
use crate::site::Site;

#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    /// The path prefix of every link (`/runbooks/`).
    pub base: &'a str,
    pub params: &'a serde_json::Map<String, serde_json::Value>,
    pub badge_url: String,
    pub alerts_url: String,
    pub print_url: String,
    pub owners_url: String,
    /// The folder of the search index, relative to the site's root (`search`).
    pub search_prefix: &'a str,
}

impl<'a> SiteView<'a> {
    pub fn new(site: &'a Site, config: &'a Config) -> Self {
        SiteView {
            title: &site.title,
            description: &config.description,
            language: &config.language,
            base: &config.base_path,
            params: &config.params,
            badge_url: config.link(&format!("{}/progress.svg", config.urls.badges)),
            alerts_url: config.link(&format!("{}/", config.urls.alerts)),
            print_url: config.link(&format!("{}/", config.urls.print)),
            owners_url: config.link(&format!("{}/", config.urls.owners)),
            search_prefix: &config.urls.search,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Crumb {
    pub title: String,
    pub url: String,
}

/// What the base layout needs for every page.
#[derive(Debug, Serialize)]
pub struct Layout {
    pub title: String,
    pub canonical: String,
    pub breadcrumbs: Vec<Crumb>,
    pub edit_url: Option<String>,
    /// When the page's source last changed (`2026-11-20`, from git or `last_updated`).
    pub updated: Option<String>,
    /// The source's history in the repository (`[site] history-url`, or from `edit-url`).
    pub history_url: Option<String>,
    /// The sidebar, with the way to this page open and the page marked current.
    pub sidebar: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountsView {
    pub total: u32,
    pub complete: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub not_applicable: u32,
    pub percent: f64,
    /// `in_progress / total * 100`: the second part of a stacked progress bar.
    pub in_progress_percent: f64,
    pub percent_text: String,
    pub fraction: String,
}

impl From<&Counts> for CountsView {
    fn from(c: &Counts) -> Self {
        CountsView {
            total: c.total,
            complete: c.complete,
            in_progress: c.in_progress,
            not_started: c.not_started,
            not_applicable: c.not_applicable,
            percent: c.percent,
            in_progress_percent: crate::progress::percent(c.in_progress, c.total),
            percent_text: format_percent(c.percent),
            fraction: c.fraction(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionSummary {
    pub id: String,
    pub number: Option<String>,
    pub title: String,
    pub url: String,
    pub badge_url: String,
    pub counts: CountsView,
    /// The progress table's note for the section, as HTML.
    pub notes: Option<String>,
    /// The date of its last status change, when it is stalled (see `[progress]`).
    pub stalled_since: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub name: Option<String>,
    pub id: String,
    pub counts: CountsView,
    pub sections: Vec<SectionSummary>,
}

/// A link to a page with what lists show beside it.
#[derive(Debug, Clone, Serialize)]
pub struct PageRef {
    pub title: String,
    pub url: String,
    pub kind: &'static str,
    pub owner: Option<String>,
    pub last_reviewed: Option<String>,
    pub review_due: Option<String>,
}

impl PageRef {
    pub fn new(site: &Site, config: &Config, page: &Page) -> Self {
        PageRef {
            title: page.title.clone(),
            url: config.link(&page.path),
            kind: page.kind.label(),
            owner: page.meta.owner.clone(),
            last_reviewed: page.meta.last_reviewed.map(|d| d.to_string()),
            review_due: site.review_due(page).map(|d| d.to_string()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    /// The task's text as HTML (inline code, links).
    pub html: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub url: String,
    pub runbook_url: Option<String>,
    /// The runbook's anchor on the print page (`#p-runbooks-db-backup`).
    pub runbook_anchor: Option<String>,
    pub owner: Option<String>,
    pub notes: Vec<NoteView>,
    pub line: usize,
    pub stale: bool,
    pub overdue: bool,
    pub section_title: String,
    pub section_url: String,
    /// When the status last changed (from git), and the status before.
    pub changed: Option<String>,
    pub changed_from: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    pub html: String,
    pub depth: usize,
}

impl TaskView {
    pub fn new(site: &Site, config: &Config, section: &Section, task: &Task) -> Self {
        let page = site.task_page.get(&task.id).map(|&i| &site.pages[i]);
        let html = site.checklist.as_ref().and_then(|c| c.task_html.get(&task.id));
        let (changed, changed_from) = last_change(site, &task.id).map_or((None, None), |(d, f)| (Some(d), f));
        TaskView {
            id: task.id.clone(),
            title: task.title.clone(),
            html: html.map(|h| h.text.clone()).unwrap_or_default(),
            status: task.status.as_str(),
            status_label: task.status.label(),
            url: config.link(&format!("{}/{}/", config.urls.tasks, task.id)),
            runbook_url: page.map(|p| config.link(&p.path)),
            runbook_anchor: page.map(|p| print_anchor(&p.path)),
            owner: page.and_then(|p| p.meta.owner.clone()),
            notes: task
                .notes
                .iter()
                .enumerate()
                .map(|(k, n)| NoteView {
                    html: html.and_then(|h| h.notes.get(k)).cloned().unwrap_or_default(),
                    depth: n.depth,
                })
                .collect(),
            line: task.line,
            stale: page.is_some_and(|p| site.is_stale(p, config.stale_after_days)),
            overdue: page.is_some_and(|p| site.is_overdue(p)),
            section_title: section.title.clone(),
            section_url: section_url(config, section),
            changed,
            changed_from,
        }
    }
}

/// When a task's status last changed (from git), and the status's label before it (none
/// when it was added with its status).
pub fn last_change(site: &Site, task_id: &str) -> Option<(String, Option<&'static str>)> {
    let history = site.checklist.as_ref()?.history.as_ref()?;
    let c = history.last_change.get(task_id)?;
    Some((c.date.clone(), c.from.map(|s| s.label())))
}

/// The id of a page's article on the print page.
pub fn print_anchor(path: &str) -> String {
    format!("p-{}", path.trim_end_matches('/').replace('/', "-"))
}

pub fn section_url(config: &Config, section: &Section) -> String {
    config.link(&format!("{}/{}/", config.urls.sections, section.id))
}

pub fn section_summary(site: &Site, config: &Config, section: &Section, counts: &Counts) -> SectionSummary {
    let checklist = site.checklist.as_ref();
    SectionSummary {
        notes: checklist.and_then(|c| c.notes_html.get(&section.id)).cloned(),
        stalled_since: checklist
            .and_then(|c| c.history.as_ref())
            .and_then(|h| crate::history::series::stalled_since(section, h, site.today, config.stalled_after_days)),
        id: section.id.clone(),
        number: section.number.clone(),
        title: section.title.clone(),
        url: section_url(config, section),
        badge_url: config.link(&format!("{}/{}.svg", config.urls.badges, section.id)),
        counts: counts.into(),
    }
}

/// Sections grouped under their groups, in checklist order.
pub fn groups(site: &Site, config: &Config) -> Vec<GroupView> {
    let Some(c) = &site.checklist else { return Vec::new() };
    let mut out: Vec<GroupView> = Vec::new();
    let mut tasks_of_group: Vec<Vec<&Task>> = Vec::new();
    for (i, s) in c.checklist.sections.iter().enumerate() {
        let new_group = out.last().is_none_or(|g| g.name != s.group);
        if new_group {
            let id = s
                .group
                .as_deref()
                .map(crate::slug::id_slug)
                .unwrap_or_else(|| "checklist".into());
            out.push(GroupView {
                name: s.group.clone(),
                id,
                counts: (&Counts::default()).into(),
                sections: Vec::new(),
            });
            tasks_of_group.push(Vec::new());
        }
        if let (Some(g), Some(t)) = (out.last_mut(), tasks_of_group.last_mut()) {
            g.sections
                .push(section_summary(site, config, s, &site.section_counts[i]));
            t.extend(s.tasks.iter());
        }
    }
    for (g, tasks) in out.iter_mut().zip(tasks_of_group) {
        g.counts = (&Counts::of(tasks)).into();
    }
    out
}

/// The status of a task bound to a page, for the page's header.
#[derive(Debug, Serialize)]
pub struct PageTask {
    pub id: String,
    pub title: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub section_title: String,
    pub section_url: String,
    pub url: String,
    /// When the status last changed (from git), and the status before.
    pub changed: Option<String>,
    pub changed_from: Option<&'static str>,
}

pub fn page_task(site: &Site, config: &Config, index: usize) -> Option<PageTask> {
    let id = site.page_task.get(&index)?;
    let c = site.checklist.as_ref()?;
    let &(si, ti) = site.task_index.get(id)?;
    let section = c.checklist.sections.get(si)?;
    let task = section.tasks.get(ti)?;
    let (changed, changed_from) = last_change(site, &task.id).map_or((None, None), |(d, f)| (Some(d), f));
    Some(PageTask {
        id: task.id.clone(),
        title: task.title.clone(),
        status: task.status.as_str(),
        status_label: task.status.label(),
        section_title: section.title.clone(),
        section_url: section_url(config, section),
        url: config.link(&format!("{}/{}/", config.urls.tasks, task.id)),
        changed,
        changed_from,
    })
}
