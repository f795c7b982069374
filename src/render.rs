//! Rendering: the site → a list of files (path + bytes). tera lives only here (and in
//! `render/`); templates get the typed views of `render/view.rs`. Never writes to disk.

mod data;
mod page_html;
mod plan;
pub mod templates;
pub mod view;

pub use plan::RenderPlan;
pub use templates::load_templates;
use templates::template_error;

pub use data::progress_json;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::checklist_source::ProseHtml;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::{Key, KeyHasher};
use crate::highlight::stylesheets;
use crate::page::Page;
use crate::sink::{Rendered, Sink};
use crate::site::Site;
use crate::theme::Theme;
use view::{groups, section_summary, Crumb, Layout, PageRef, SiteView, TaskView};

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
    sidebar: String,
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
    let mut r = Renderer {
        site,
        config,
        tera,
        theme,
        site_view,
        sidebar: String::new(),
        prose_html,
        direct_pages: !["base.html", "page.html"]
            .iter()
            .any(|t| theme.overridden.contains_key(*t)),
        shared_key: None,
    };
    r.sidebar = r.render_sidebar()?;
    if sink.wants_keys() {
        r.shared_key = shared_key(theme, &r.site_view);
    }
    match plan {
        RenderPlan::Full => {}
        RenderPlan::Deferred => {
            r.render_print(sink)?;
            crate::search::build(site, config, |f| sink.put(f));
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
                let docs = crate::search::documents(site, &config.urls.tasks);
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
                crate::clock::log_time("   owners", &mut clock);
                site.aliases.par_iter().try_for_each(|(alias, i)| {
                    let p = &site.pages[*i];
                    r.redirect(&format!("{alias}index.html"), &p.path, &p.title)
                        .map(|f| sink.put(f))
                })?;
                data::badges(site, config).into_iter().for_each(|f| sink.put(f));
                sink.put(Rendered::new("progress.json", data::progress_json(site, config)));
                crate::clock::log_time("   progress", &mut clock);
                r.render_404(sink)?;
                crate::clock::log_time("   404", &mut clock);
                sink.put(Rendered::new("feed.xml", data::feed(site, config)));
                crate::clock::log_time("   feed", &mut clock);
                if config.has_absolute_url() {
                    sink.put(Rendered::new("sitemap.xml", data::sitemap(site, config)));
                }
                Ok(())
            }),
        ),
        ("print", Box::new(|| r.render_print(sink))),
    ];
    run_jobs(jobs, "  ")?;
    sink.put(Rendered::new(".nojekyll", Vec::new()));
    if !config.cname.is_empty() {
        sink.put(Rendered::new("CNAME", format!("{}\n", config.cname)));
    }
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

#[derive(Serialize)]
struct SidebarView {
    groups: Vec<view::GroupView>,
    entries: Vec<PageRef>,
    home: String,
    /// Past this many sections the sidebar lists groups only, so that it (and so every page)
    /// stays small however large the checklist grows.
    compact: bool,
}

/// Bytes set aside for a rendered page: a runbook page with its code is 10–30 KB.
const RENDER_CAPACITY: usize = 32 * 1024;

/// The most sections the sidebar lists one by one.
const SIDEBAR_SECTIONS: usize = 60;

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
        let sidebar = self.sidebar.replacen(
            &format!("href=\"{link}\""),
            &format!("href=\"{link}\" aria-current=\"page\""),
            1,
        );
        let edit_url = rel
            .filter(|r| !r.is_empty() && !self.config.edit_url.is_empty())
            .map(|r| self.config.edit_url.replace("{path}", r));
        Layout {
            title: title.to_string(),
            canonical: self.config.absolute_url(path),
            breadcrumbs: crumbs,
            edit_url,
            sidebar,
        }
    }

    fn home_crumb(&self) -> Crumb {
        Crumb {
            title: "Home".into(),
            url: self.config.link(""),
        }
    }

    fn render_sidebar(&self) -> Result<String, Diagnostic> {
        let entries = self
            .site
            .pages
            .iter()
            .filter(|p| p.path.trim_end_matches('/').matches('/').count() == 0)
            .map(|p| PageRef::new(self.site, self.config, p))
            .collect();
        let view = SidebarView {
            groups: groups(self.site, self.config),
            entries,
            home: self.config.link(""),
            compact: self.site.section_counts.len() > SIDEBAR_SECTIONS,
        };
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_view);
        ctx.insert("sidebar", &view);
        self.tera
            .render("sidebar.html", &ctx)
            .map_err(|e| template_error(self.theme, &e))
    }

    fn crumbs_for(&self, page: &Page) -> Vec<Crumb> {
        let mut crumbs = vec![self.home_crumb()];
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

    /// A page of content/. Its key holds its body's hash rather than its body, so a page
    /// carried over from the last build never reads its body back (see [`crate::page::Body`]).
    fn render_page(&self, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let mut v = data::page_view(self.site, self.config, i);
        let page = &self.site.pages[i];
        let layout = self.layout(&page.title, &page.path, self.crumbs_for(page), Some(&page.rel));
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

    /// After a checklist edit that kept its structure: `pages`, the pages of `tasks`, and
    /// everything that shows statuses or counts.
    fn render_checklist_change(&self, pages: &[usize], tasks: &[String], sink: &dyn Sink) -> Result<(), Diagnostic> {
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
                        .filter_map(|&i| data::page_owner(&site.pages[i]))
                        .collect();
                    self.render_owners(sink, Some(&owners))
                }),
            ),
            (
                "progress",
                Box::new(|| {
                    data::badges(site, config).into_iter().for_each(|f| sink.put(f));
                    sink.put(Rendered::new("progress.json", data::progress_json(site, config)));
                    sink.put(Rendered::new("feed.xml", data::feed(site, config)));
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

    fn render_dashboard(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let v = data::dashboard_view(self.site, self.config, self.prose_html)?;
        let rel = self.site.root_page.as_ref().map(|p| p.rel.as_str()).or(self
            .site
            .checklist
            .as_ref()
            .map(|c| c.rel.as_str()));
        let layout = self.layout(&self.site.title, "", Vec::new(), rel);
        self.emit(sink, "dashboard.html", "index.html".into(), layout, "dashboard", &v)
    }

    fn render_section(&self, i: usize, sink: &dyn Sink) -> Result<(), Diagnostic> {
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
        let v = data::SectionView {
            section: section_summary(self.config, section, &self.site.section_counts[i]),
            group: section.group.clone(),
            tasks,
            prev: i
                .checked_sub(1)
                .map(|j| section_summary(self.config, &sections[j], &self.site.section_counts[j])),
            next: sections
                .get(i + 1)
                .map(|s| section_summary(self.config, s, &self.site.section_counts[i + 1])),
        };
        let path = format!("{}/{}/", self.config.urls.sections, section.id);
        let layout = self.layout(&section.title, &path, vec![self.home_crumb()], Some(&c.rel));
        self.emit(sink, "section.html", format!("{path}index.html"), layout, "section", &v)
    }

    fn render_task(
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
        let v = data::TaskPageView {
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

    fn render_alerts(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let prefix = &self.config.urls.alerts;
        let all = data::alert_views(self.site, self.config);
        // Each alert is also reachable by its lowercase name (as Hugo publishes URLs), unless
        // another alert has that name.
        let names: std::collections::HashSet<&str> = all.iter().map(|a| a.name.as_str()).collect();
        all.par_iter().try_for_each(|a| {
            let path = format!("{prefix}/{}/", a.name);
            let lower = a.name.to_lowercase();
            let lower_path = (lower != a.name && !names.contains(lower.as_str())).then(|| format!("{prefix}/{lower}/"));
            // The alert's own page may sit at one of these paths (`alerts/PostgresDown.md`):
            // then it is what the redirect would lead to, and nothing is written over it.
            let free = |p: &String| self.site.page_by_path(p).is_none();
            if let [only] = a.pages.as_slice() {
                let i = self
                    .site
                    .page_by_path(only.url.strip_prefix(&self.config.base_path).unwrap_or(&only.url));
                let target = i.map(|i| self.site.pages[i].path.clone()).unwrap_or_default();
                if free(&path) {
                    sink.put(self.redirect(&format!("{path}index.html"), &target, &only.title)?);
                }
                if let Some(lp) = lower_path.as_ref().filter(|p| free(p)) {
                    sink.put(self.redirect(&format!("{lp}index.html"), &target, &only.title)?);
                }
            } else {
                let layout = self.layout(
                    &a.name,
                    &path,
                    vec![
                        self.home_crumb(),
                        Crumb {
                            title: "Alerts".into(),
                            url: self.config.link(&format!("{prefix}/")),
                        },
                    ],
                    None,
                );
                self.emit(
                    sink,
                    "alerts.html",
                    format!("{path}index.html"),
                    layout,
                    "alerts",
                    &data::AlertsView {
                        alerts: vec![a.clone()],
                        single: true,
                    },
                )?;
                // The lowercase name leads to the same list (what `check --alert-rules` and
                // link checking accept).
                if let Some(lp) = lower_path.as_ref().filter(|p| free(p)) {
                    sink.put(self.redirect(&format!("{lp}index.html"), &path, &a.name)?);
                }
            }
            Ok(())
        })?;
        let path = format!("{prefix}/");
        let layout = self.layout("Alerts", &path, vec![self.home_crumb()], None);
        self.emit(
            sink,
            "alerts.html",
            format!("{path}index.html"),
            layout,
            "alerts",
            &data::AlertsView {
                alerts: all,
                single: false,
            },
        )?;
        Ok(())
    }

    fn redirect(&self, file: &str, target_path: &str, title: &str) -> Result<Rendered, Diagnostic> {
        let v = data::RedirectView {
            url: self.config.link(target_path),
            canonical: self.config.absolute_url(target_path),
            title: title.to_string(),
        };
        // Tasks and alerts make thousands of these: the built-in template is written
        // directly (a test holds the two to the same bytes).
        if !self.theme.overridden.contains_key("redirect.html") {
            return Ok(Rendered::new(file, data::redirect_html(&self.site_view, &v)));
        }
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_view);
        ctx.insert("redirect", &v);
        let html = self
            .tera
            .render("redirect.html", &ctx)
            .map_err(|e| template_error(self.theme, &e))?;
        Ok(Rendered::new(file, html))
    }

    /// The whole book on one page. With the built-in template, the pages' bodies are not
    /// put through tera: the template gets a placeholder for each, and the bodies are written
    /// straight into the file in their place, one at a time (at 10,000 pages the page is over
    /// 150 MB).
    fn render_print(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let spliced = !self.theme.overridden.contains_key("print.html");
        let v = data::print_view(self.site, self.config, spliced)?;
        let path = format!("{}/", self.config.urls.print);
        let layout = self.layout(&self.site.title, &path, vec![self.home_crumb()], None);
        if !spliced {
            return self.emit(sink, "print.html", format!("{path}index.html"), layout, "print", &v);
        }
        let key = self.shared_key.and_then(|shared| {
            let mut h = KeyHasher::new()?;
            h.key(shared).str("print.html").str(&path).value(&layout)?;
            data::print_key(&mut h, &v, self.site)?;
            Some(h.finish())
        });
        if key.is_some_and(|k| sink.reuse(k)) {
            return Ok(());
        }
        let file = if self.direct_pages && !self.theme.overridden.contains_key("print.html") {
            Rendered::new(
                format!("{path}index.html"),
                page_html::print_html(&self.site_view, &layout, &v),
            )
        } else {
            self.render("print.html", format!("{path}index.html"), layout, "print", &v)?
        };
        let mut write = |w: &mut dyn std::io::Write| {
            data::write_print(w, &file.bytes, &v.pages, self.site, |page| {
                page.body_html().map_err(|d| std::io::Error::other(d.message))
            })
        };
        match key {
            Some(k) => sink.put_with_keyed(k, file.path.clone(), &mut write),
            None => sink.put_with(file.path.clone(), &mut write),
        }
        Ok(())
    }

    /// The owners index and a page for each owner; with `only`, the index and the pages of
    /// the owners it names.
    fn render_owners(&self, sink: &dyn Sink, only: Option<&std::collections::HashSet<&str>>) -> Result<(), Diagnostic> {
        let prefix = &self.config.urls.owners;
        let path = format!("{prefix}/");
        let layout = self.layout("Owners", &path, vec![self.home_crumb()], None);
        let owners = data::owner_summaries(self.site, self.config);
        self.emit(
            sink,
            "owners.html",
            format!("{path}index.html"),
            layout,
            "owners",
            &owners,
        )?;
        data::owner_views(self.site, self.config, only)
            .par_iter()
            .try_for_each(|o| {
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

    fn render_404(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let layout = self.layout("Page not found", "404.html", vec![self.home_crumb()], None);
        let known = data::known_urls(self.site, self.config);
        self.emit(sink, "404.html", "404.html".into(), layout, "known", &known)
    }
}
