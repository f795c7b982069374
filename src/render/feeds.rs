//! The outputs that are data rather than templates: the badges, `progress.json`,
//! `sitemap.xml` and the Atom feed `feed.xml`.

use super::*;

/// The name of the overdue activities' badge under the badges prefix (`.svg`, `.json`).
pub const OVERDUE_BADGE: &str = "overdue-activities";

/// The overall badge, one per section, and the shields endpoint document; the overdue
/// activities' badge and endpoint when the checklist has activities.
pub fn badges(site: &Site, config: &Config) -> Vec<Rendered> {
    let prefix = &config.urls.badges;
    let mut out = Vec::new();
    let (name, hex) = color_for(site.totals.percent);
    let message = format!("{} ({})", format_percent(site.totals.percent), site.totals.fraction());
    out.push(Rendered::new(
        format!("{prefix}/progress.svg"),
        badge_svg("progress", &message, hex),
    ));
    let endpoint = Endpoint {
        schema_version: 1,
        label: "progress".into(),
        message,
        color: name.into(),
    };
    out.push(Rendered::new(format!("{prefix}/progress.json"), to_json(&endpoint)));
    // Overdue recurring activities, for a README or a team page.
    let activities = site.checklist.as_ref().map_or(&[][..], |c| &c.activities[..]);
    if !activities.is_empty() {
        let overdue = activities.iter().filter(|a| a.is_overdue(site.today)).count();
        let (name, hex) = if overdue == 0 {
            ("brightgreen", "#4c1")
        } else {
            ("red", "#e05d44")
        };
        let label = "overdue activities";
        out.push(Rendered::new(
            format!("{prefix}/{OVERDUE_BADGE}.svg"),
            badge_svg(label, &overdue.to_string(), hex),
        ));
        let endpoint = Endpoint {
            schema_version: 1,
            label: label.into(),
            message: overdue.to_string(),
            color: name.into(),
        };
        out.push(Rendered::new(
            format!("{prefix}/{OVERDUE_BADGE}.json"),
            to_json(&endpoint),
        ));
    }
    for (s, counts) in site.sections() {
        let (_, hex) = color_for(counts.percent);
        let message = format!("{} ({})", format_percent(counts.percent), counts.fraction());
        out.push(Rendered::new(
            format!("{prefix}/{}.svg", s.id),
            badge_svg(&s.title, &message, hex),
        ));
    }
    out
}

#[derive(Serialize)]
struct ProgressJson<'a> {
    title: &'a str,
    totals: &'a crate::progress::Counts,
    sections: Vec<SectionJson<'a>>,
    /// From git, when the book is in a repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<HistoryJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pace: Option<crate::history::series::Pace>,
    /// The recurring activities, with their cadence, due days and the days done.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    activities: Vec<super::activities::ActivityView>,
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    /// False in a shallow clone: `days` starts at the oldest commit there is.
    complete: bool,
    /// One point per day the checklist changed, oldest first.
    days: &'a [crate::history::series::DayPoint],
    stalled_after_days: u32,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    number: Option<&'a str>,
    title: &'a str,
    group: Option<&'a str>,
    url: String,
    counts: &'a crate::progress::Counts,
    tasks: Vec<TaskJson<'a>>,
    /// The progress table's Notes cell for the section, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    /// The day of its last status change, when it is in progress and stalled.
    #[serde(skip_serializing_if = "Option::is_none")]
    stalled_since: Option<String>,
}

#[derive(Serialize)]
struct TaskJson<'a> {
    id: &'a str,
    title: &'a str,
    status: crate::checklist::Status,
    line: usize,
    url: String,
    runbook: Option<String>,
    owner: Option<&'a str>,
    last_reviewed: Option<String>,
    review_due: Option<String>,
    stale: bool,
    overdue: bool,
    /// When its status last changed, from git.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_change: Option<&'a crate::history::series::LastChange>,
}

/// `progress.json`: every group, section and task, in the shape DESIGN.md fixes.
pub fn progress_json(site: &Site, config: &Config) -> Vec<u8> {
    let checklist = site.checklist.as_ref();
    let history = checklist.and_then(|c| c.history.as_ref());
    let notes = |id: &str| {
        let c = &checklist?.checklist;
        c.progress_rows
            .iter()
            .filter(|r| !r.notes.is_empty() && !r.is_total)
            .find(|r| crate::progress::row_section(c, &r.label).is_some_and(|(_, s)| s.id == id))
            .map(|r| r.notes.as_str())
    };
    let sections = site
        .sections()
        .map(|(s, counts)| SectionJson {
            id: &s.id,
            number: s.number.as_deref(),
            title: &s.title,
            group: s.group.as_deref(),
            url: view::section_url(config, s),
            counts,
            tasks: s
                .tasks
                .iter()
                .map(|t| {
                    let page = site.task_page.get(&t.id).map(|&i| &site.pages[i]);
                    TaskJson {
                        id: &t.id,
                        title: &t.title,
                        status: t.status,
                        line: t.line,
                        url: config.link(&format!("{}/{}/", config.urls.tasks, t.id)),
                        runbook: page.map(|p| config.link(&p.path)),
                        owner: page.and_then(|p| p.meta.owner.as_deref()),
                        last_reviewed: page.and_then(|p| p.meta.last_reviewed).map(|d| d.to_string()),
                        review_due: page.and_then(|p| site.review_due(p)).map(|d| d.to_string()),
                        stale: page.is_some_and(|p| site.is_stale(p, config.stale_after_days)),
                        overdue: page.is_some_and(|p| site.is_overdue(p)),
                        last_change: history.and_then(|h| h.last_change.get(&t.id)),
                    }
                })
                .collect(),
            notes: notes(&s.id),
            stalled_since: history
                .and_then(|h| crate::history::series::stalled_since(s, h, site.today, config.stalled_after_days)),
        })
        .collect();
    to_json(&ProgressJson {
        title: &site.title,
        totals: &site.totals,
        sections,
        history: history.map(|h| HistoryJson {
            complete: h.complete,
            days: &h.days,
            stalled_after_days: config.stalled_after_days,
        }),
        pace: history.map(|h| crate::history::series::pace(h, site.today, site.totals.total - site.totals.complete)),
        activities: super::activities::activity_views(site, config),
    })
}

fn to_json(v: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `sitemap.xml` of every page (needs an absolute `site.url`).
pub fn sitemap(site: &Site, config: &Config) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut urls = vec![(String::new(), None)];
    urls.extend(site.pages.iter().map(|p| (p.path.clone(), p.meta.last_reviewed)));
    if let Some(c) = &site.checklist {
        urls.extend(
            c.checklist
                .sections
                .iter()
                .map(|s| (format!("{}/{}/", config.urls.sections, s.id), None)),
        );
    }
    for (path, lastmod) in urls {
        out.push_str("  <url><loc>");
        out.push_str(&crate::escape::escape_attr(&crate::links::encode_path(
            &config.absolute_url(&path),
        )));
        out.push_str("</loc>");
        if let Some(d) = lastmod {
            out.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The most entries the feed holds, newest first.
pub const FEED_ENTRIES: usize = 100;

/// `feed.xml`: an Atom feed a team can follow. One entry per page with a `last_reviewed` date
/// (on that date), and one per task status change the checklist's git history shows (on the
/// commit's date); newest first. Every date comes from the content or git, so the feed is the
/// same bytes for the same book.
pub fn feed(site: &Site, config: &Config) -> String {
    use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
    let at = |date: &str| format!("{date}T00:00:00+00:00").parse::<FixedDateTime>().ok();
    let link = |path: &str| Link {
        href: crate::links::encode_path(&config.absolute_url(path)),
        rel: "alternate".into(),
        mime_type: Some("text/html".into()),
        ..Link::default()
    };
    // Atom ids are absolute and never change: the page's URL when the site has one.
    let ident = |path: &str| {
        if config.has_absolute_url() {
            config.absolute_url(path)
        } else {
            format!("urn:opsbook:{}", config.link(path).trim_start_matches('/'))
        }
    };
    // What the feed may show, (date, tie-breaker, what): only the newest become entries.
    enum Source {
        Page(usize),
        Change(usize),
    }
    let mut found: Vec<(FixedDateTime, String, Source)> = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        let (Some(date), false) = (page.meta.last_reviewed, page.rel.is_empty()) else {
            continue;
        };
        if let Some(updated) = at(&date.to_string()) {
            found.push((updated, format!("page {}", page.path), Source::Page(i)));
        }
    }
    let changes = site
        .checklist
        .as_ref()
        .map(|c| c.changes.as_slice())
        .unwrap_or_default();
    for (i, change) in changes.iter().enumerate() {
        if let Some(updated) = change.date.as_deref().and_then(at) {
            // Changes come newest first; keep that order within a day.
            found.push((updated, format!("task {i:06}"), Source::Change(i)));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    // A reader polls the feed for what is new: the newest entries are enough, and a large
    // book's feed stays small (10,000 reviewed pages made a 5.7 MB feed).
    found.truncate(FEED_ENTRIES);
    let entries: Vec<(FixedDateTime, Entry)> = found
        .into_iter()
        .map(|(updated, _, source)| {
            let entry = match source {
                Source::Page(i) => {
                    let page = &site.pages[i];
                    let date = page.meta.last_reviewed.map(|d| d.to_string()).unwrap_or_default();
                    let mut summary = format!("{} was reviewed on {date}", page.title);
                    if let Some(owner) = &page.meta.owner {
                        summary.push_str(&format!(" (owner: {owner})"));
                    }
                    summary.push('.');
                    Entry {
                        title: Text::plain(format!("Reviewed: {}", page.title)),
                        id: format!("{}#reviewed-{date}", ident(&page.path)),
                        updated,
                        authors: page
                            .meta
                            .owner
                            .iter()
                            .map(|o| Person {
                                name: o.clone(),
                                ..Person::default()
                            })
                            .collect(),
                        links: vec![link(&page.path)],
                        summary: Some(Text::plain(summary)),
                        ..Entry::default()
                    }
                }
                Source::Change(i) => {
                    let change = &changes[i];
                    let path = format!("{}/{}/", config.urls.tasks, change.task_id);
                    Entry {
                        title: Text::plain(format!("{}: {}", change.to.label(), change.title)),
                        id: format!(
                            "{}#{}-{}-{}",
                            ident(&path),
                            change.date.as_deref().unwrap_or_default(),
                            change.from.as_str(),
                            change.to.as_str()
                        ),
                        updated,
                        links: vec![link(&path)],
                        summary: Some(Text::plain(format!(
                            "{} went from {} to {}.",
                            change.title,
                            change.from.label().to_lowercase(),
                            change.to.label().to_lowercase()
                        ))),
                        ..Entry::default()
                    }
                }
            };
            (updated, entry)
        })
        .collect();
    let updated = entries
        .first()
        .map(|e| e.0)
        .or_else(|| at("1970-01-01"))
        .unwrap_or_default();
    let feed = Feed {
        title: Text::plain(site.title.clone()),
        id: ident(""),
        updated,
        links: vec![
            link(""),
            Link {
                href: config.absolute_url("feed.xml"),
                rel: "self".into(),
                mime_type: Some("application/atom+xml".into()),
                ..Link::default()
            },
        ],
        generator: Some(atom_syndication::Generator {
            value: "opsbook".into(),
            ..Default::default()
        }),
        entries: entries.into_iter().map(|e| e.1).collect(),
        ..Feed::default()
    };
    let mut out = feed.to_string();
    out.push('\n');
    out
}
