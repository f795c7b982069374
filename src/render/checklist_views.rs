//! The checklist's own pages: the dashboard (`index.html`), a page per section and a page
//! per task without a runbook, and what a status edit renders again.

use super::*;

#[derive(Debug, Serialize)]
pub struct ChangeView {
    pub title: String,
    pub url: String,
    pub from: &'static str,
    pub from_label: &'static str,
    pub to: &'static str,
    pub to_label: &'static str,
    pub date: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DashboardView {
    /// The day review dates were measured against.
    pub today: String,
    pub changes: Vec<ChangeView>,
    pub has_checklist: bool,
    pub checklist_title: String,
    pub totals: CountsView,
    pub groups: Vec<GroupView>,
    /// The first [`DASHBOARD_LIST`] tasks in progress, in checklist order; `in_progress_more`
    /// counts the rest (each section's page lists them all).
    pub in_progress: Vec<TaskView>,
    pub in_progress_more: usize,
    /// Pages past their review, longest waiting first, at most [`DASHBOARD_LIST`] of each;
    /// `*_more` counts the rest (each owner's page lists them all).
    pub stale: Vec<PageRef>,
    pub stale_more: usize,
    pub overdue: Vec<PageRef>,
    pub overdue_more: usize,
    pub intro_html: String,
    pub prose_intro_html: String,
    pub prose_html: String,
    pub pages: Vec<PageRef>,
    pub alert_count: usize,
    /// Progress over time, from git (none outside git).
    pub trend: Option<TrendView>,
    /// The recurring activities: what is overdue and due soon (none without any).
    pub routine: Option<super::activities::ActivitiesView>,
}

/// The dashboard's view of the checklist over time.
#[derive(Debug, Serialize)]
pub struct TrendView {
    /// The burn-up chart, as inline SVG.
    pub chart: String,
    /// False in a shallow clone: the chart starts at `first_date`, not at the beginning.
    pub complete_history: bool,
    pub first_date: String,
    /// The numbers behind the chart, newest first: at most [`TREND_ROWS`].
    pub rows: Vec<crate::history::series::DayPoint>,
    pub rows_more: usize,
    pub pace: crate::history::series::Pace,
    pub stalled_after_days: u32,
    /// Sections in progress whose tasks have not changed status for that long.
    pub stalled: Vec<SectionSummary>,
}

/// The most days the table behind the chart lists (the whole series is in `progress.json`
/// and `opsbook progress --history`).
pub const TREND_ROWS: usize = 60;

pub fn trend_view(site: &Site, config: &Config) -> Option<TrendView> {
    let c = site.checklist.as_ref()?;
    let history = c.history.as_ref()?;
    let today = site.today.to_string();
    let chart = super::chart::burn_up(&history.days, &today)?;
    let stalled = c
        .checklist
        .sections
        .iter()
        .zip(&site.section_counts)
        .map(|(s, counts)| section_summary(site, config, s, counts))
        .filter(|s| s.stalled_since.is_some())
        .collect();
    let remaining = site.totals.total - site.totals.complete;
    Some(TrendView {
        chart,
        complete_history: history.complete,
        first_date: history.days.first().map(|d| d.date.clone()).unwrap_or_default(),
        rows: history.days.iter().rev().take(TREND_ROWS).cloned().collect(),
        rows_more: history.days.len().saturating_sub(TREND_ROWS),
        pace: crate::history::series::pace(history, site.today, remaining),
        stalled_after_days: config.stalled_after_days,
        stalled,
    })
}

/// The most entries each list of the dashboard shows: a large book's dashboard stays quick to
/// open (at 10,000 pages its full lists made it 2.7 MB).
pub const DASHBOARD_LIST: usize = 50;

pub fn dashboard_view(
    site: &Site,
    config: &Config,
    prose_html: &crate::checklist_source::ProseHtml,
) -> Result<DashboardView, crate::diagnostic::Diagnostic> {
    let mut stale = Vec::new();
    let mut overdue = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if site.is_overdue(p) {
            overdue.push(i);
        } else if site.is_stale(p, config.stale_after_days) {
            stale.push(i);
        }
    }
    // Longest waiting first: never reviewed, then the oldest due date or review.
    overdue.sort_by_key(|&i| (site.review_due(&site.pages[i]), site.pages[i].meta.last_reviewed));
    stale.sort_by_key(|&i| site.pages[i].meta.last_reviewed);
    let (stale_more, overdue_more) = (
        stale.len().saturating_sub(DASHBOARD_LIST),
        overdue.len().saturating_sub(DASHBOARD_LIST),
    );
    let refs = |list: Vec<usize>| -> Vec<PageRef> {
        list.into_iter()
            .take(DASHBOARD_LIST)
            .map(|i| PageRef::new(site, config, &site.pages[i]))
            .collect()
    };
    let (stale, overdue) = (refs(stale), refs(overdue));
    let mut in_progress_more = 0;
    let in_progress = site
        .checklist
        .as_ref()
        .map(|c| {
            let mut open = c
                .checklist
                .tasks()
                .filter(|(_, t)| t.status == crate::checklist::Status::InProgress);
            let first = open
                .by_ref()
                .take(DASHBOARD_LIST)
                .map(|(s, t)| TaskView::new(site, config, s, t))
                .collect();
            in_progress_more = open.count();
            first
        })
        .unwrap_or_default();
    let changes = site
        .checklist
        .as_ref()
        .map(|c| {
            c.changes
                .iter()
                .map(|ch| ChangeView {
                    title: ch.title.clone(),
                    url: config.link(&format!("{}/{}/", config.urls.tasks, ch.task_id)),
                    from: ch.from.as_str(),
                    from_label: ch.from.label(),
                    to: ch.to.as_str(),
                    to_label: ch.to.label(),
                    date: ch.date.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(DashboardView {
        today: site.today.to_string(),
        changes,
        has_checklist: site.checklist.is_some(),
        checklist_title: site
            .checklist
            .as_ref()
            .map(|c| c.checklist.title.clone())
            .unwrap_or_default(),
        totals: (&site.totals).into(),
        groups: groups(site, config),
        in_progress,
        in_progress_more,
        stale,
        stale_more,
        overdue,
        overdue_more,
        intro_html: match &site.root_page {
            Some(p) => p.body_html()?.into_owned(),
            None => String::new(),
        },
        prose_intro_html: prose_html.intro.clone(),
        prose_html: prose_html.rest.clone(),
        pages: site
            .pages
            .iter()
            .filter(|p| !p.path.trim_end_matches('/').contains('/'))
            .map(|p| PageRef::new(site, config, p))
            .collect(),
        alert_count: site.alerts.len(),
        trend: trend_view(site, config),
        routine: super::activities::activities_view(site, config),
    })
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub section: SectionSummary,
    pub group: Option<String>,
    pub tasks: Vec<TaskView>,
    pub prev: Option<SectionSummary>,
    pub next: Option<SectionSummary>,
    /// The section's complete tasks over time, as inline SVG (none outside git).
    pub sparkline: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct TaskPageView {
    pub task: TaskView,
    pub suggested_file: String,
}

impl Renderer<'_> {
    /// After a checklist edit that kept its structure: `pages`, the pages of `tasks`, and
    /// everything that shows statuses or counts.
    pub(super) fn render_checklist_change(
        &self,
        pages: &[usize],
        tasks: &[String],
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let (site, config) = (self.site, self.config);
        let checklist = site.checklist.as_ref().map(|c| &c.checklist);
        // Independent outputs, side by side (a status edit waits for the slowest).
        let jobs: Vec<(&str, Job)> = vec![
            (
                "pages",
                Box::new(|| pages.par_iter().try_for_each(|&i| self.render_page(i, sink))),
            ),
            ("dashboard", Box::new(|| self.render_dashboard(sink))),
            (
                "owners",
                Box::new(|| {
                    // Only the owners of the changed tasks' runbooks show a changed status.
                    let owners: std::collections::HashSet<&str> = tasks
                        .iter()
                        .filter_map(|id| site.task_page.get(id))
                        .filter_map(|&i| owners::page_owner(&site.pages[i]))
                        .collect();
                    self.render_owners(sink, Some(&owners))
                }),
            ),
            (
                "progress",
                Box::new(|| {
                    feeds::badges(site, config).into_iter().for_each(|f| sink.put(f));
                    sink.put(Rendered::new("progress.json", feeds::progress_json(site, config)));
                    sink.put(Rendered::new("feed.xml", feeds::feed(site, config)));
                    Ok(())
                }),
            ),
            (
                "sections",
                Box::new(|| {
                    let Some(c) = checklist else { return Ok(()) };
                    // A section page shows its tasks and the counts of the sections before
                    // and after it: those of the changed tasks and their neighbours change.
                    let mut sections: Vec<usize> = tasks
                        .iter()
                        .filter_map(|id| site.task_index.get(id))
                        .flat_map(|&(si, _)| [si.checked_sub(1), Some(si), Some(si + 1)])
                        .flatten()
                        .filter(|&si| si < c.sections.len())
                        .collect();
                    sections.sort_unstable();
                    sections.dedup();
                    sections
                        .into_par_iter()
                        .try_for_each(|i| self.render_section(i, sink))?;
                    for id in tasks {
                        let Some(&(si, ti)) = site.task_index.get(id) else {
                            continue;
                        };
                        let Some(s) = c.sections.get(si) else { continue };
                        let Some(t) = s.tasks.get(ti) else { continue };
                        self.render_task(s, t, sink)?;
                    }
                    Ok(())
                }),
            ),
        ];
        run_jobs(jobs, "   ")
    }

    pub(super) fn render_dashboard(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let v = dashboard_view(self.site, self.config, self.prose_html)?;
        let rel = self.site.root_page.as_ref().map(|p| p.rel.as_str()).or(self
            .site
            .checklist
            .as_ref()
            .map(|c| c.rel.as_str()));
        let layout = self.layout(&self.site.title, "", Vec::new(), rel);
        self.emit(sink, "dashboard.html", "index.html".into(), layout, "dashboard", &v)
    }

    pub(super) fn render_section(&self, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let Some(c) = &self.site.checklist else {
            return Err(Diagnostic::error("", 0, 0, "no checklist"));
        };
        let section = &c.checklist.sections[i];
        let tasks: Vec<TaskView> = section
            .tasks
            .iter()
            .map(|t| TaskView::new(self.site, self.config, section, t))
            .collect();
        let sections = &c.checklist.sections;
        let v = SectionView {
            section: section_summary(self.site, self.config, section, &self.site.section_counts[i]),
            group: section.group.clone(),
            tasks,
            prev: i
                .checked_sub(1)
                .map(|j| section_summary(self.site, self.config, &sections[j], &self.site.section_counts[j])),
            next: sections
                .get(i + 1)
                .map(|s| section_summary(self.site, self.config, s, &self.site.section_counts[i + 1])),
            sparkline: c.history.as_ref().and_then(|h| {
                let points: Vec<(&str, u32, u32)> = h
                    .days
                    .iter()
                    .filter_map(|d| {
                        d.sections
                            .get(&section.id)
                            .map(|n| (d.date.as_str(), n.complete, n.total))
                    })
                    .collect();
                super::chart::sparkline(&points, &self.site.today.to_string())
            }),
        };
        let path = format!("{}/{}/", self.config.urls.sections, section.id);
        let layout = self.layout(&section.title, &path, vec![self.home_crumb()], Some(&c.rel));
        self.emit(sink, "section.html", format!("{path}index.html"), layout, "section", &v)
    }

    pub(super) fn render_task(
        &self,
        section: &crate::checklist::Section,
        task: &crate::checklist::Task,
        sink: &dyn Sink,
    ) -> Result<(), Diagnostic> {
        let path = format!("{}/{}/", self.config.urls.tasks, task.id);
        if let Some(&i) = self.site.task_page.get(&task.id) {
            let p = &self.site.pages[i];
            sink.put(self.redirect(&format!("{path}index.html"), &p.path, &p.title)?);
            return Ok(());
        }
        let v = TaskPageView {
            task: TaskView::new(self.site, self.config, section, task),
            suggested_file: format!(
                "{}/runbooks/{}/{}.md",
                self.config
                    .content_dir
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "content".into()),
                section.id,
                task.id
            ),
        };
        let crumbs = vec![
            self.home_crumb(),
            Crumb {
                title: section.title.clone(),
                url: view::section_url(self.config, section),
            },
        ];
        let layout = self.layout(&task.title, &path, crumbs, None);
        self.emit(sink, "task.html", format!("{path}index.html"), layout, "task", &v)
    }
}
