//! Recurring maintenance: `/activities/` lists every activity with what is due, each has its
//! permanent page (`/activities/<id>/`) with its cadence, owner, runbook and the days it was
//! done (from git), and `calendar.ics` (and one per owner) puts them in a team's calendar.

use super::*;
use crate::activities::Activity;

/// How many days ahead "due soon" looks.
pub const DUE_SOON_DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct ActivityView {
    pub id: String,
    pub title: String,
    pub url: String,
    /// `weekly`, `every 2 weeks`; none without a cadence.
    pub cadence: Option<String>,
    pub owner: Option<String>,
    pub owner_url: Option<String>,
    pub runbook_url: Option<String>,
    pub runbook_title: Option<String>,
    pub last_done: Option<String>,
    pub next_due: Option<String>,
    pub overdue: bool,
    /// Due within [`DUE_SOON_DAYS`] (and not overdue).
    pub due_soon: bool,
    /// A cadence but never marked done.
    pub never_done: bool,
    /// The days it was marked done, from git, newest first.
    pub done: Vec<String>,
    pub line: usize,
}

/// The page `runbook` names: a task (its runbook, or its page) or a page path.
pub fn runbook_of(site: &Site, config: &Config, runbook: &str) -> Option<(String, String)> {
    let r = runbook.trim().trim_matches('/');
    if let Some(&i) = site.task_page.get(r) {
        let p = &site.pages[i];
        return Some((config.link(&p.path), p.title.clone()));
    }
    if let Some(&(si, ti)) = site.task_index.get(r) {
        let t = site.checklist.as_ref()?.checklist.sections.get(si)?.tasks.get(ti)?;
        return Some((
            config.link(&format!("{}/{}/", config.urls.tasks, t.id)),
            t.title.clone(),
        ));
    }
    let path = format!("{}/", r.trim_end_matches(".md"));
    let i = site.page_by_path(&path)?;
    let p = &site.pages[i];
    Some((config.link(&p.path), p.title.clone()))
}

/// The owners' page ids by name, as the owners pages name them.
fn owner_ids(site: &Site) -> std::collections::HashMap<String, String> {
    super::owners::owners_by_name(site)
        .into_iter()
        .map(|(name, id, _)| (name.to_string(), id))
        .collect()
}

pub fn activity_views(site: &Site, config: &Config) -> Vec<ActivityView> {
    let Some(c) = &site.checklist else { return Vec::new() };
    let owners = owner_ids(site);
    let soon = site.today.checked_add(time::Duration::days(DUE_SOON_DAYS));
    c.activities
        .iter()
        .map(|a| view_of(site, config, a, &owners, soon))
        .collect()
}

fn view_of(
    site: &Site,
    config: &Config,
    a: &Activity,
    owners: &std::collections::HashMap<String, String>,
    soon: Option<time::Date>,
) -> ActivityView {
    let runbook = a.runbook.as_deref().and_then(|r| runbook_of(site, config, r));
    let next = a.next_due();
    let overdue = a.is_overdue(site.today);
    let mut done: Vec<String> = site
        .checklist
        .as_ref()
        .and_then(|c| c.history.as_ref())
        .and_then(|h| h.activity_done.get(&a.id))
        .cloned()
        .unwrap_or_default();
    if let Some(d) = a.last_done.map(|d| d.to_string()).filter(|d| !done.contains(d)) {
        done.push(d);
        done.sort();
    }
    done.reverse();
    ActivityView {
        id: a.id.clone(),
        title: a.title.chars().filter(|c| !matches!(c, '*' | '`')).collect(),
        url: config.link(&format!("{}/{}/", config.urls.activities, a.id)),
        cadence: a.cadence.map(|c| c.label()),
        owner_url: a
            .owner
            .as_ref()
            .and_then(|o| owners.get(o))
            .map(|id| config.link(&format!("{}/{id}/", config.urls.owners))),
        owner: a.owner.clone(),
        runbook_url: runbook.as_ref().map(|r| r.0.clone()),
        runbook_title: runbook.map(|r| r.1),
        last_done: a.last_done.map(|d| d.to_string()),
        next_due: next.map(|d| d.to_string()),
        overdue,
        due_soon: !overdue && next.zip(soon).is_some_and(|(n, s)| n <= s),
        never_done: a.cadence.is_some() && a.last_done.is_none(),
        done,
        line: a.line,
    }
}

#[derive(Debug, Serialize)]
pub struct ActivitiesView {
    pub today: String,
    pub all: Vec<ActivityView>,
    pub overdue: Vec<ActivityView>,
    pub due_soon: Vec<ActivityView>,
    pub never_done: Vec<ActivityView>,
    pub calendar_url: String,
    /// `/activities/`.
    pub url: String,
}

pub fn activities_view(site: &Site, config: &Config) -> Option<ActivitiesView> {
    let all = activity_views(site, config);
    if all.is_empty() {
        return None;
    }
    let pick = |f: fn(&ActivityView) -> bool| all.iter().filter(|a| f(a)).cloned().collect::<Vec<_>>();
    let mut overdue = pick(|a| a.overdue);
    overdue.sort_by(|a, b| a.next_due.cmp(&b.next_due));
    let mut due_soon = pick(|a| a.due_soon);
    due_soon.sort_by(|a, b| a.next_due.cmp(&b.next_due));
    Some(ActivitiesView {
        today: site.today.to_string(),
        overdue,
        due_soon,
        never_done: pick(|a| a.never_done),
        calendar_url: config.link("calendar.ics"),
        url: config.link(&format!("{}/", config.urls.activities)),
        all,
    })
}

/// The iCalendar feed of `activities` (RFC 5545): one all-day event per activity with a
/// cadence, on its next due day (today when never done) and recurring at its cadence. UIDs
/// are the activities' URLs; the stamp is the day of the build, so the same book gives the
/// same bytes.
pub fn calendar(site: &Site, config: &Config, name: &str, activities: &[&ActivityView]) -> String {
    use icalendar::{Calendar, Component, Event, EventLike};
    let mut cal = Calendar::new();
    cal.name(name);
    let stamp = format!(
        "{:04}{:02}{:02}T000000Z",
        site.today.year(),
        u8::from(site.today.month()),
        site.today.day()
    );
    let c = site.checklist.as_ref();
    for v in activities {
        let Some(a) = c.and_then(|c| c.activities.iter().find(|a| a.id == v.id)) else {
            continue;
        };
        let Some(cadence) = a.cadence else { continue };
        let start = a.next_due().unwrap_or(site.today);
        let Some(day) =
            chrono::NaiveDate::from_ymd_opt(start.year(), u32::from(u8::from(start.month())), u32::from(start.day()))
        else {
            continue;
        };
        let mut description = format!("{} ({})", v.title, cadence.label());
        if let Some(owner) = &v.owner {
            description.push_str(&format!("\nOwner: {owner}"));
        }
        if let Some(done) = &v.last_done {
            description.push_str(&format!("\nLast done: {done}"));
        }
        if let Some(rb) = &v.runbook_url {
            description.push_str(&format!(
                "\nRunbook: {}",
                config.absolute_url(rb.strip_prefix(&config.base_path).unwrap_or(rb))
            ));
        }
        let url = config.absolute_url(&format!("{}/{}/", config.urls.activities, a.id));
        let uid = if config.has_absolute_url() {
            url.clone()
        } else {
            format!("urn:opsbook:{}/{}", config.urls.activities, a.id)
        };
        let mut event = Event::new();
        event
            .uid(&uid)
            .summary(&v.title)
            .description(&description)
            .starts(day)
            .ends(day + chrono::Duration::days(1))
            .add_property("RRULE", cadence.rrule())
            .add_property("DTSTAMP", &stamp);
        if config.has_absolute_url() {
            event.url(&url);
        }
        cal.push(event.done());
    }
    cal.to_string()
}

impl Renderer<'_> {
    /// `/activities/`, a page per activity, and the calendar feeds.
    pub(super) fn render_activities(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let Some(v) = activities_view(self.site, self.config) else {
            return Ok(());
        };
        let prefix = &self.config.urls.activities;
        let path = format!("{prefix}/");
        for a in &v.all {
            let own = format!("{prefix}/{}/", a.id);
            let crumbs = vec![
                self.home_crumb(),
                Crumb {
                    title: "Activities".into(),
                    url: self.config.link(&path),
                },
            ];
            let layout = self.layout(&a.title, &own, crumbs, None);
            self.emit(sink, "activity.html", format!("{own}index.html"), layout, "activity", a)?;
        }
        let layout = self.layout("Recurring activities", &path, vec![self.home_crumb()], None);
        self.emit(
            sink,
            "activities.html",
            format!("{path}index.html"),
            layout,
            "activities",
            &v,
        )?;
        // One feed per owner, beside their page.
        let mut owners: Vec<(&str, Vec<&ActivityView>)> = Vec::new();
        for a in &v.all {
            if let Some(url) = &a.owner_url {
                match owners.iter_mut().find(|(u, _)| *u == url.as_str()) {
                    Some((_, list)) => list.push(a),
                    None => owners.push((url.as_str(), vec![a])),
                }
            }
        }
        for (url, list) in owners {
            let dir = url.strip_prefix(&self.config.base_path).unwrap_or(url);
            let name = format!("{}: {}", self.site.title, list[0].owner.as_deref().unwrap_or(""));
            sink.put(Rendered::new(
                format!("{dir}calendar.ics"),
                calendar(self.site, self.config, &name, &list),
            ));
        }
        Ok(())
    }
}
