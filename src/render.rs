//! Rendering: the site → files (path + bytes) given to a [`Sink`] as they are made; never
//! writes to disk itself. This file runs the outputs side by side ([`render_site`]) and holds
//! what they share (the [`Renderer`]: layout, sidebar, crumbs, the carry-over keys). Each
//! kind of output has its file, with its view structs:
//!
//! - `pages.rs`: the pages of content/; `checklist_views.rs`: dashboard, sections, tasks;
//! - `alerts.rs`, `owners.rs`, `print.rs` (the binder), `redirects.rs`, `not_found.rs` (404);
//! - `feeds.rs`: badges, `progress.json`, `sitemap.xml`, `feed.xml`;
//! - `templates.rs`: the theme's templates compiled; `page_html.rs`: the built-in page
//!   templates written without tera; `view.rs`: the views templates share; `plan.rs`: what
//!   a render makes.
//!
//! tera lives only here. The files at the site's root are listed in [`crate::generated`]:
//! [`Renderer::root_file`] makes each.

mod activities;
mod alerts;
mod chart;
mod checklist_views;
mod feeds;
mod not_found;
mod owners;
mod page_html;
mod pages;
mod plan;
mod print;
mod redirects;
mod sidebar;
pub mod templates;
pub mod view;

pub use plan::RenderPlan;
pub use templates::load_templates;
use templates::template_error;

pub use feeds::progress_json;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::badge::{badge_svg, color_for, format_percent, Endpoint};
use crate::checklist_source::ProseHtml;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{Key, KeyHasher};
use crate::highlight::stylesheets;
use crate::markdown::Heading;
use crate::sink::{Rendered, Sink};
use crate::site::Site;
use crate::theme::Theme;
use view::{groups, page_task, section_summary, Crumb, Layout, PageRef, SiteView, TaskView};
use view::{CountsView, GroupView, PageTask, SectionSummary};

/// An output (or a group of them) rendered side by side with the others.
type Job<'a> = Box<dyn FnOnce() -> Result<(), Diagnostic> + Send + 'a>;

/// Runs `jobs` side by side, timing each (see `OPSBOOK_TIMINGS`); an error is reported from
/// the first failing job in their order.
fn run_jobs(jobs: Vec<(&str, Job)>, indent: &str) -> Result<(), Diagnostic> {
    let results: Vec<Result<(), Diagnostic>> = jobs
        .into_par_iter()
        .map(|(name, job)| {
            let mut clock = std::time::Instant::now();
            let result = job();
            crate::clock::log_time(&format!("{indent}{name}"), &mut clock);
            result
        })
        .collect();
    results.into_iter().collect()
}

/// Everything the renderer needs, shared by all outputs.
struct Renderer<'a> {
    site: &'a Site,
    config: &'a Config,
    tera: &'a Tera,
    theme: &'a Theme,
    site_view: SiteView<'a>,
    sidebars: sidebar::Sidebars,
    prose_html: &'a ProseHtml,
    /// Pages (and, unless `print.html` is overridden, the print page) are written by
    /// [`page_html`] rather than tera: the theme overrides neither `base.html` nor `page.html`.
    direct_pages: bool,
    /// The inputs every template render shares (the executable, the templates, the site
    /// view), hashed: set when the sink can carry files over from the last build.
    shared_key: Option<Key>,
}

/// Renders every output file of the site.
pub fn render_site(
    site: &Site,
    config: &Config,
    theme: &Theme,
    tera: &Tera,
    prose_html: &ProseHtml,
    plan: &RenderPlan,
    sink: &dyn Sink,
) -> Result<(), Diagnostic> {
    let site_view = SiteView::new(site, config);
    let sidebars = sidebar::Sidebars::draw(site, config, tera, theme, &site_view)?;
    let mut r = Renderer {
        site,
        config,
        tera,
        theme,
        site_view,
        sidebars,
        prose_html,
        direct_pages: !["base.html", "page.html"]
            .iter()
            .any(|t| theme.overridden.contains_key(*t)),
        shared_key: None,
    };
    if sink.wants_keys() {
        r.shared_key = shared_key(theme, &r.site_view);
    }
    match plan {
        RenderPlan::Full => {}
        RenderPlan::Deferred => {
            r.render_print(sink)?;
            let owners = owners::owners_by_name(site);
            let places = search_places(config, &owners);
            crate::search::build(site, config, &places, |f| sink.put(f));
            return Ok(());
        }
        RenderPlan::Pages(list) => {
            return list.par_iter().try_for_each(|&i| r.render_page(i, sink));
        }
        RenderPlan::Tasks { pages, tasks } => return r.render_checklist_change(pages, tasks, sink),
    }

    // Independent jobs, run side by side: the long sequential ones (print, search, alerts)
    // overlap with the parallel page renders. An error is reported from the first failing
    // job in this order. Rayon splits the list in halves and a second thread starts on the
    // second half: search, which needs the most memory, comes first there, so that it runs
    // beside the pages (which hold little) rather than beside the sections and alerts.
    let r = &r;
    let jobs: Vec<(&str, Job)> = vec![
        (
            "pages",
            Box::new(|| {
                (0..site.pages.len())
                    .into_par_iter()
                    .try_for_each(|i| r.render_page(i, sink))
            }),
        ),
        (
            "sections",
            Box::new(|| {
                r.render_dashboard(sink)?;
                let Some(c) = &site.checklist else { return Ok(()) };
                (0..c.checklist.sections.len())
                    .into_par_iter()
                    .try_for_each(|i| r.render_section(i, sink))?;
                c.checklist
                    .tasks()
                    .collect::<Vec<_>>()
                    .into_par_iter()
                    .try_for_each(|(s, t)| r.render_task(s, t, sink))
            }),
        ),
        ("alerts", Box::new(|| r.render_alerts(sink))),
        (
            "search",
            Box::new(|| {
                let mut clock = std::time::Instant::now();
                let owners = owners::owners_by_name(site);
                let places = search_places(config, &owners);
                let docs = crate::search::documents(site, &places);
                let key = sink.wants_keys().then(|| crate::search::key(&docs, config)).flatten();
                crate::clock::log_time("  search docs", &mut clock);
                if key.is_some_and(|k| sink.reuse(k)) {
                    return Ok(());
                }
                crate::search::files(&docs, config, |f| match key {
                    Some(k) => sink.put_keyed(k, f),
                    None => sink.put(f),
                });
                Ok(())
            }),
        ),
        (
            "misc",
            Box::new(|| {
                let mut clock = std::time::Instant::now();
                r.render_owners(sink, None)?;
                r.render_activities(sink)?;
                crate::clock::log_time("   owners", &mut clock);
                site.aliases.par_iter().try_for_each(|(alias, i)| {
                    let p = &site.pages[*i];
                    r.redirect(&format!("{alias}index.html"), &p.path, &p.title)
                        .map(|f| sink.put(f))
                })?;
                // A folder named after a checklist section leads to the section.
                for (folder, si) in &site.section_folders {
                    if let Some(s) = site.checklist.as_ref().and_then(|c| c.checklist.sections.get(*si)) {
                        let to = format!("{}/{}/", config.urls.sections, s.id);
                        sink.put(r.redirect(&format!("{folder}index.html"), &to, &s.title)?);
                    }
                }
                feeds::badges(site, config).into_iter().for_each(|f| sink.put(f));
                for path in crate::generated::root_files(config) {
                    r.root_file(path, sink)?;
                    crate::clock::log_time(&format!("   {path}"), &mut clock);
                }
                Ok(())
            }),
        ),
        ("print", Box::new(|| r.render_print(sink))),
    ];
    run_jobs(jobs, "  ")?;
    for (name, bytes) in &theme.statics {
        sink.put(Rendered::new(format!("_theme/{name}"), bytes.clone()));
    }
    // The code colours, unless the theme brings its own.
    let (light, dark) = stylesheets();
    for (name, css) in [("syntax-light.css", light), ("syntax-dark.css", dark)] {
        if !theme.statics.contains_key(name) {
            sink.put(Rendered::new(format!("_theme/{name}"), css));
        }
    }
    Ok(())
}

/// What every template render is made of besides its own view: the templates and the site.
fn shared_key(theme: &Theme, site_view: &SiteView) -> Option<Key> {
    let mut h = KeyHasher::new()?;
    for (name, text) in &theme.templates {
        h.str(name).str(text);
    }
    Some(h.value(site_view)?.finish())
}

/// Bytes set aside for a rendered page: a runbook page with its code is 10–30 KB.
const RENDER_CAPACITY: usize = 32 * 1024;

impl Renderer<'_> {
    /// Renders `template` into `sink` at `path`, or, when the last build rendered it from the
    /// same inputs, takes that file over.
    fn emit(
        &self,
        sink: &dyn Sink,
        template: &str,
        path: String,
        layout: Layout,
        name: &str,
        value: &impl Serialize,
    ) -> Result<(), Diagnostic> {
        let key = self.shared_key.and_then(|shared| {
            let mut h = KeyHasher::new()?;
            h.key(shared).str(template).str(&path).str(name);
            Some(h.value(&layout)?.value(value)?.finish())
        });
        if let Some(key) = key {
            if sink.reuse(key) {
                return Ok(());
            }
        }
        let file = self.render(template, path, layout, name, value)?;
        match key {
            Some(key) => sink.put_keyed(key, file),
            None => sink.put(file),
        }
        Ok(())
    }

    fn render(
        &self,
        template: &str,
        path: String,
        layout: Layout,
        name: &str,
        value: &impl Serialize,
    ) -> Result<Rendered, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_view);
        ctx.insert("layout", &layout);
        ctx.insert(name, value);
        // Sized for a whole page at once (tera starts at 2 KB and doubles, copying each time).
        let mut html = Vec::with_capacity(RENDER_CAPACITY);
        self.tera
            .render_to(template, &ctx, &mut html)
            .map_err(|e| template_error(self.theme, &e))?;
        Ok(Rendered::new(path, html))
    }

    fn layout(&self, title: &str, path: &str, crumbs: Vec<Crumb>, rel: Option<&str>) -> Layout {
        let link = self.config.link(path);
        let sidebar = self.sidebars.for_link(&self.site.nav, &link);
        let rel = rel.filter(|r| !r.is_empty());
        let edit_url = rel
            .filter(|_| !self.config.edit_url.is_empty())
            .map(|r| self.config.edit_url.replace("{path}", r));
        let updated = rel.and_then(|r| self.site.dates.get(r).cloned());
        let history_url = rel
            .filter(|_| !self.config.history_url.is_empty())
            .map(|r| self.config.history_url.replace("{path}", r));
        Layout {
            title: title.to_string(),
            canonical: self.config.absolute_url(path),
            breadcrumbs: crumbs,
            edit_url,
            updated,
            history_url,
            sidebar,
        }
    }

    fn home_crumb(&self) -> Crumb {
        Crumb {
            title: "Home".into(),
            url: self.config.link(""),
        }
    }

    /// Home, then the branches of the site's tree that lead to the page (its folders, when
    /// it is not in the tree).
    fn crumbs_for(&self, index: usize) -> Vec<Crumb> {
        let mut crumbs = vec![self.home_crumb()];
        let nav = &self.site.nav;
        if let Some(&node) = nav.page_node.get(&index) {
            let mut up: Vec<Crumb> = nav
                .ancestors(node)
                .filter_map(|n| {
                    Some(Crumb {
                        title: nav.nodes[n].title.clone(),
                        url: self.sidebars.url(n)?.to_string(),
                    })
                })
                .collect();
            up.reverse();
            crumbs.extend(up);
            return crumbs;
        }
        let Some(page) = self.site.pages.get(index) else {
            return crumbs;
        };
        let trimmed = page.path.trim_end_matches('/');
        let mut acc = String::new();
        let parts: Vec<&str> = trimmed.split('/').collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            acc.push_str(part);
            acc.push('/');
            if let Some(i) = self.site.page_by_path(&acc) {
                crumbs.push(Crumb {
                    title: self.site.pages[i].title.clone(),
                    url: self.config.link(&acc),
                });
            }
        }
        crumbs
    }

    /// Makes `path`, one of the files at the site's root that [`crate::generated::ROOT_FILES`]
    /// lists (a test holds every entry to an arm here).
    fn root_file(&self, path: &str, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let (site, config) = (self.site, self.config);
        let bytes: Vec<u8> = match path {
            "progress.json" => feeds::progress_json(site, config),
            "404.html" => return self.render_404(sink),
            "feed.xml" => feeds::feed(site, config).into_bytes(),
            "calendar.ics" => {
                let all = activities::activity_views(site, config);
                activities::calendar(site, config, &site.title, &all.iter().collect::<Vec<_>>()).into_bytes()
            }
            ".nojekyll" => Vec::new(),
            "sitemap.xml" => feeds::sitemap(site, config).into_bytes(),
            "CNAME" => format!("{}\n", config.cname).into_bytes(),
            other => {
                return Err(Diagnostic::error(
                    "",
                    0,
                    0,
                    format!("opsbook lists /{other} among its generated files but does not make it"),
                ))
            }
        };
        sink.put(Rendered::new(path, bytes));
        Ok(())
    }
}

/// Where search results lead, for [`crate::search::documents`].
fn search_places<'a>(config: &'a Config, owners: &'a [(&'a str, String, Vec<usize>)]) -> crate::search::Places<'a> {
    crate::search::Places {
        tasks: &config.urls.tasks,
        owners: &config.urls.owners,
        owner_list: owners,
    }
}
