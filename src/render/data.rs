//! The views of each kind of output, and the outputs that are data rather than templates:
//! badges, `progress.json` and `sitemap.xml`.

use serde::Serialize;

use super::view::{self, groups, page_task, CountsView, GroupView, PageRef, PageTask, SectionSummary, TaskView};
use crate::badge::{badge_svg, color_for, format_percent, Endpoint};
use crate::config::Config;
use crate::markdown::Heading;
use crate::sink::Rendered;
use crate::site::Site;

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
        children: site.children[i].iter().map(|&j| pref(j)).collect(),
        backlinks: site.backlinks[i].iter().map(|&j| pref(j)).collect(),
        prev: pos.and_then(|k| k.checked_sub(1)).map(|k| pref(site.order[k])),
        next: pos.and_then(|k| site.order.get(k + 1)).map(|&j| pref(j)),
        extra: &p.meta.extra,
    }
}

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
    })
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub section: SectionSummary,
    pub group: Option<String>,
    pub tasks: Vec<TaskView>,
    pub prev: Option<SectionSummary>,
    pub next: Option<SectionSummary>,
}

#[derive(Debug, Serialize)]
pub struct TaskPageView {
    pub task: TaskView,
    pub suggested_file: String,
}

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

#[derive(Debug, Serialize)]
pub struct RedirectView {
    pub url: String,
    pub canonical: String,
    pub title: String,
}

/// What the built-in `redirect.html` renders, without tera.
pub fn redirect_html(site: &view::SiteView, v: &RedirectView) -> String {
    use crate::escape::escape_attr as e;
    let url_json = serde_json::to_string(&v.url).unwrap_or_else(|_| "\"/\"".into());
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} · {site_title}</title>\n<link rel=\"canonical\" href=\"{canonical}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={url}\">\n<script>location.replace({url_json} + location.hash);</script>\n</head>\n<body>\n<p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = e(site.language),
        title = e(&v.title),
        site_title = e(site.title),
        canonical = e(&v.canonical),
        url = e(&v.url),
    )
}

#[derive(Debug, Serialize)]
pub struct PrintPage<'a> {
    pub anchor: String,
    pub title: &'a str,
    pub url: String,
    pub kind: &'static str,
    /// The page's HTML with its ids (and the links to them) prefixed by `anchor`, so that two
    /// pages' `#steps` stay apart on the one print page; or its placeholder.
    pub html: String,
    /// The page's index in the site.
    #[serde(skip)]
    pub page: usize,
}

#[derive(Debug, Serialize)]
pub struct PrintView<'a> {
    pub totals: CountsView,
    pub groups: Vec<GroupView>,
    pub sections: Vec<PrintSection>,
    pub pages: Vec<PrintPage<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PrintSection {
    pub summary: SectionSummary,
    pub tasks: Vec<TaskView>,
}

/// Adds what a spliced print page is made of to `h`: its view, each page's body in place of
/// its placeholder (whose nonce changes from run to run).
pub fn print_key(h: &mut crate::fingerprint::KeyHasher, v: &PrintView, site: &Site) -> Option<()> {
    let PrintView {
        totals,
        groups,
        sections,
        pages,
    } = v;
    h.value(totals)?.value(groups)?.value(sections)?;
    h.bytes(&(pages.len() as u64).to_le_bytes());
    for p in pages {
        let PrintPage {
            anchor,
            title,
            url,
            kind,
            html: _,
            page,
        } = p;
        h.str(anchor)
            .str(title)
            .str(url)
            .str(kind)
            .bytes(&(*page as u64).to_le_bytes());
        site.pages.get(*page)?.hash_body_into(h);
    }
    Some(())
}

/// The print page's view. With `spliced`, each page's `html` is a placeholder that
/// [`write_print`] replaces with the page's body while writing the file.
pub fn print_view<'a>(
    site: &'a Site,
    config: &'a Config,
    spliced: bool,
) -> Result<PrintView<'a>, crate::diagnostic::Diagnostic> {
    let sections = site
        .sections()
        .map(|(s, counts)| PrintSection {
            summary: view::section_summary(config, s, counts),
            tasks: s.tasks.iter().map(|t| TaskView::new(site, config, s, t)).collect(),
        })
        .collect();
    Ok(PrintView {
        totals: (&site.totals).into(),
        groups: groups(site, config),
        sections,
        pages: site
            .order
            .iter()
            .filter(|&&i| !site.pages[i].rel.is_empty())
            .map(|&i| {
                let p = &site.pages[i];
                let anchor = view::print_anchor(&p.path);
                let html = if spliced {
                    placeholder(i)
                } else {
                    print_body(&p.body_html()?, &anchor)
                };
                Ok(PrintPage {
                    anchor,
                    title: &p.title,
                    url: config.link(&p.path),
                    kind: p.kind.label(),
                    html,
                    page: i,
                })
            })
            .collect::<Result<_, _>>()?,
    })
}

/// Marks where a page's body goes in the print page: `\u{1}<nonce>:<page index>\u{1}`. The
/// nonce is drawn anew by each process, so no content (a task's text is in the same page) can
/// forge a placeholder; it never reaches the output.
fn placeholder(page: usize) -> String {
    format!("{}{page}\u{1}", marker())
}

fn marker() -> &'static str {
    static MARKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARKER.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("\u{1}{nonce:016x}:")
    })
}

/// A page's body as the print page shows it: its ids (and the links to them) prefixed by
/// `anchor`, so that two pages' `#steps` stay apart.
fn print_body(html: &str, anchor: &str) -> String {
    let mut out = Vec::with_capacity(html.len() + 256);
    // Writing into a Vec cannot fail, and only ASCII is inserted between whole characters.
    let _ = write_print_body(&mut out, html, anchor);
    String::from_utf8(out).unwrap_or_default()
}

/// [`print_body`] written straight into `w`, in one pass over the page.
fn write_print_body(w: &mut dyn std::io::Write, html: &str, anchor: &str) -> std::io::Result<()> {
    const ID: &[u8] = b" id=\"";
    const HREF: &[u8] = b"href=\"#";
    let bytes = html.as_bytes();
    let mut ids = memchr::memmem::find_iter(bytes, ID).map(|at| at + ID.len()).peekable();
    let mut hrefs = memchr::memmem::find_iter(bytes, HREF)
        .map(|at| at + HREF.len())
        .peekable();
    let mut last = 0;
    loop {
        // The next place to insert the prefix: just after either pattern, in order.
        let at = match (ids.peek(), hrefs.peek()) {
            (Some(&a), Some(&b)) if a <= b => ids.next(),
            (Some(_), Some(_)) | (None, Some(_)) => hrefs.next(),
            (Some(_), None) => ids.next(),
            (None, None) => None,
        };
        let Some(at) = at else { break };
        w.write_all(&bytes[last..at])?;
        w.write_all(anchor.as_bytes())?;
        w.write_all(b"-")?;
        last = at;
    }
    w.write_all(&bytes[last..])
}

/// Writes the print page rendered from a spliced [`print_view`]: the template's output, with
/// each placeholder replaced by its page's body, as `body` gives it.
pub fn write_print<'a>(
    w: &mut dyn std::io::Write,
    rendered: &[u8],
    pages: &[PrintPage],
    site: &'a Site,
    body: impl Fn(&'a crate::page::Page) -> std::io::Result<std::borrow::Cow<'a, str>>,
) -> std::io::Result<()> {
    let anchors: std::collections::HashMap<usize, &str> = pages.iter().map(|p| (p.page, p.anchor.as_str())).collect();
    let mut rest = rendered;
    let marker = marker().as_bytes();
    while let Some(at) = find(rest, marker) {
        w.write_all(&rest[..at])?;
        let after = &rest[at + marker.len()..];
        let end = after.iter().position(|&b| b == 1).unwrap_or(after.len());
        let index = std::str::from_utf8(&after[..end])
            .ok()
            .and_then(|n| n.parse::<usize>().ok());
        match index.and_then(|i| Some((site.pages.get(i)?, *anchors.get(&i)?))) {
            Some((page, anchor)) => write_print_body(w, &body(page)?, anchor)?,
            // Not one of ours (cannot happen with the built-in template): left as it was.
            None => w.write_all(&rest[at..at + marker.len() + end])?,
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    w.write_all(rest)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// The overall badge, one per section, and the shields endpoint document.
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
}

/// `progress.json`: every group, section and task, in the shape DESIGN.md fixes.
pub fn progress_json(site: &Site, config: &Config) -> Vec<u8> {
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
                    }
                })
                .collect(),
        })
        .collect();
    to_json(&ProgressJson {
        title: &site.title,
        totals: &site.totals,
        sections,
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

#[derive(Debug, Serialize)]
pub struct OwnerView {
    pub name: String,
    pub id: String,
    /// The owner's own page (`/owners/<id>/`).
    pub url: String,
    pub pages: Vec<PageRef>,
    pub tasks: Vec<TaskView>,
    pub stale: Vec<PageRef>,
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
fn owners_by_name(site: &Site) -> Vec<(&str, String, Vec<usize>)> {
    let mut by_owner: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        if let Some(owner) = page_owner(p) {
            by_owner.entry(owner).or_default().push(i);
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
            }
        })
        .collect()
}

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
        new_runbook: Option<String>,
    }
    let mut paths = std::collections::BTreeMap::new();
    for (alias, i) in &site.aliases {
        paths.insert(alias.to_lowercase(), config.link(&site.pages[*i].path));
    }
    if site.pages.len() <= KNOWN_PAGES_MAX {
        for p in &site.pages {
            paths
                .entry(p.path.to_lowercase())
                .or_insert_with(|| config.link(&p.path));
        }
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

/// `feed.xml`: an Atom feed a team can follow. One entry per page with a `last_reviewed` date
/// (on that date), and one per task status change the checklist's git history shows (on the
/// commit's date); newest first. Every date comes from the content or git, so the feed is the
/// same bytes for the same book.
/// The most entries the feed holds, newest first.
pub const FEED_ENTRIES: usize = 100;

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
