//! The stage order, and nothing else. Each stage is one call into the module that owns it,
//! with a timing after it (`OPSBOOK_TIMINGS=1`):
//!
//! ```text
//! load_book:   config → caches → content → link index → checklist + pages → site → URL record → warnings
//! build_book:  load_book → output folder → templates → render → collisions → write → opsbook.lock
//! ```
//!
//! Returns what happened; prints nothing and knows nothing of the command line. `check` stops
//! before writing; `serve`'s rebuilds of part of a site live in `preview::rebuild`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::assets::Asset;
use crate::checklist_source::ProseHtml;
use crate::clock::{log_time, today};
use crate::config::{load_config, read_config_text, Config, Overrides, CONFIG_FILE};
use crate::content::{read_book_content, Content};
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::fingerprint::hash_of;
use crate::incremental::{plan_render, read_pages, snapshot, PageCache, Snapshot};
use crate::links::{book_index, demote_broken_links};
use crate::permanence::{check_record, write_record, Published, RecordRead};
use crate::render::templates::{compiled, template_text, KeptTemplates};
use crate::render::{render_site, RenderPlan};
use crate::sink::{Collect, Rendered, Sink};
use crate::site::{assemble_site, output_collisions, Site};
use crate::theme::load_theme;

/// A book read and checked, ready to render.
#[derive(Default)]
pub struct Book {
    pub config: Option<Config>,
    pub site: Option<Site>,
    pub assets: Vec<Asset>,
    /// Files of the content folder kept out of the site (`[build] ignore`, `.gitignore`,
    /// `OWNERS` and the like), relative to it.
    pub ignored: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// The texts of the files diagnostics may point into, by display path.
    pub sources: HashMap<String, String>,
    /// A hash of the checklist's text (0 without one): what the pages show of it.
    pub checklist_hash: u64,
    /// What the site publishes, against `opsbook.lock`: what `build` writes back.
    pub published: Published,
    /// The checklist's prose as HTML (kept apart: it is rendered with the pages).
    pub prose_html: ProseHtml,
}

impl Book {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads and checks the whole book at `root`: every stage before rendering.
pub fn load_book(root: &Path, overrides: &Overrides) -> Book {
    load_book_cached(root, overrides, &mut PageCache::default())
}

/// [`load_book`], reusing the pages of `cache` whose text has not changed.
pub fn load_book_cached(root: &Path, overrides: &Overrides, cache: &mut PageCache) -> Book {
    let mut clock = Instant::now();
    let mut book = Book::default();

    // book.toml, with the command line's overrides.
    let config = match load_config(root, overrides.site_url.as_deref()) {
        Ok((mut config, text)) => {
            book.sources.extend(text.map(|t| (CONFIG_FILE.to_string(), t)));
            config.apply(overrides);
            config
        }
        Err(d) => {
            book.sources
                .extend(read_config_text(root).map(|t| (CONFIG_FILE.to_string(), t)));
            book.diagnostics = d;
            return book;
        }
    };

    // The caches of the last build, and the URL record (read while the pages are).
    crate::highlight::cache::begin_build(&crate::highlight::cache::cache_file(&config.root));
    let record_read = RecordRead::start(root);
    let dates_read = crate::history::dates::DatesRead::start(&config.root, &config.content_dir, overrides.history);
    log_time("cache", &mut clock);

    // Every file of the content folder: pages to build, files to copy.
    let (content, mut diags) = match read_book_content(&config, &mut cache.reads) {
        Ok(read) => read,
        Err(d) => {
            book.diagnostics.push(d);
            book.config = Some(config);
            return book;
        }
    };
    log_time("read", &mut clock);

    // What every link may point at, then the checklist and the pages, side by side.
    let index = Arc::new(book_index(&config, &content));
    let read = read_pages(
        &content,
        &index,
        &config,
        overrides,
        book.sources.get(CONFIG_FILE),
        cache,
    );
    diags.extend(read.diagnostics);
    (book.prose_html, book.checklist_hash) = (read.prose, read.checklist_hash);
    log_time("pages", &mut clock);

    // The site: pages bound to tasks, alerts, aliases, links checked.
    let (site, d) = assemble_site(&config, read.checklist, read.pages, dates_read.finish(), today());
    diags.extend(d);
    log_time("assemble", &mut clock);

    // Every URL published before is still published.
    let urls = check_record(root, &config, &site, &overrides.accept_removed, record_read);
    diags.extend(urls.diagnostics);
    book.sources
        .extend(urls.text.map(|t| (crate::permanence::RECORD_FILE.to_string(), t)));
    book.published = urls.published;
    log_time("record", &mut clock);

    // The same warnings in `build`, `check` and `serve`: one count everywhere.
    diags.extend(site.warnings(&config));
    demote_broken_links(&mut diags, &config);
    sort_diagnostics(&mut diags);
    book.keep_pointed_sources(&content, &diags);
    book.diagnostics.extend(diags);
    (book.assets, book.ignored) = (content.assets, content.ignored);
    book.site = Some(site);
    book.config = Some(config);
    book
}

impl Book {
    /// Keeps the texts of the files diagnostics point into (not every file's: a large
    /// book's markdown is hundreds of megabytes), for showing their lines.
    fn keep_pointed_sources(&mut self, content: &Content, diags: &[Diagnostic]) {
        let pointed: HashSet<&str> = diags.iter().map(|d| d.path.as_str()).collect();
        for s in content.sources.iter().filter(|s| pointed.contains(s.display.as_str())) {
            self.sources.insert(s.display.clone(), s.text.to_string());
        }
    }
}

/// The result of a build or check.
pub struct Report {
    pub book: Book,
    /// The files rendered, kept only by `serve` (its [`BuildCache`] enabled): all of them, or
    /// with [`RenderPlan::Pages`] only those pages'.
    pub files: Vec<Rendered>,
    /// How many files were rendered (and, by `build`, written), assets aside.
    pub file_count: usize,
    pub plan: RenderPlan,
    /// Pages of the book: the dashboard and every page made from content/ (not redirects).
    pub pages: usize,
    pub written: bool,
    pub elapsed: Duration,
}

/// Loads, renders and (when `write`) writes the book, then `opsbook.lock`. Content problems
/// are in the report's diagnostics; errors writing the output are `Err`.
pub fn build_book(root: &Path, overrides: &Overrides, write: bool) -> anyhow::Result<Report> {
    build_book_cached(root, overrides, write, &mut BuildCache::default())
}

/// What `serve` keeps from one rebuild to the next.
#[derive(Default)]
pub struct BuildCache {
    pub pages: PageCache,
    /// The last good build summed up, for [`plan_render`].
    pub snapshot: Option<Snapshot>,
    pub templates: KeptTemplates,
}

impl BuildCache {
    pub fn enabled() -> Self {
        BuildCache {
            pages: PageCache::enabled(),
            ..BuildCache::default()
        }
    }
}

/// [`build_book`], rendering only what changed since the last build with the same cache.
/// Writing (`write`) always writes the whole site.
pub fn build_book_cached(
    root: &Path,
    overrides: &Overrides,
    write: bool,
    cache: &mut BuildCache,
) -> anyhow::Result<Report> {
    let start = Instant::now();
    let mut book = load_book_cached(root, overrides, &mut cache.pages);
    let mut plan = RenderPlan::Full;
    let mut files = Vec::new();
    let mut file_count = 0;
    let mut more = Vec::new();
    let mut written = false;
    if let (Some(config), Some(site), false) = (&book.config, &book.site, book.has_errors()) {
        let mut clock = Instant::now();
        // `build` writes each file into a new folder as it is made; `serve` keeps the files,
        // `check` only their paths.
        let staging = write.then(|| crate::output::open_staging(config)).transpose()?;
        let collect = if cache.pages.is_enabled() {
            Collect::files()
        } else {
            Collect::paths_only()
        };
        let sink: &dyn Sink = match &staging {
            Some(s) => s,
            None => &collect,
        };
        // Every code block was highlighted while reading the pages: the highlight cache's
        // file is made while the site renders, and kept if the build succeeds.
        let saver = write.then(|| crate::highlight::cache::Saver::start(&config.root));
        let rendered = load_theme(&config.root, &config.theme).and_then(|theme| {
            let tera = compiled(&theme, &mut cache.templates).inspect_err(|d| {
                book.sources
                    .extend(template_text(&theme, d).map(|t| (d.path.clone(), t)));
            })?;
            if cache.pages.is_enabled() && !write {
                // `serve`: only what changed since its last build.
                let shared = hash_of((book.sources.get(CONFIG_FILE), hash_of(&theme.templates), &theme.statics));
                let now = snapshot(site, shared, book.checklist_hash);
                plan = plan_render(cache.snapshot.as_ref(), &now);
                cache.snapshot = Some(now);
            }
            let out = render_site(site, config, &theme, tera, &book.prose_html, &plan, sink);
            if let Err(d) = &out {
                book.sources
                    .extend(template_text(&theme, d).map(|t| (d.path.clone(), t)));
            }
            out
        });
        match rendered {
            Ok(()) => {
                // No two outputs at one path, and no copied file over an output.
                let paths = sink.paths();
                more.extend(output_collisions(site, &paths, &book.assets, &config.content_display()));
                file_count = paths.len();
            }
            Err(d) => more.push(d),
        }
        if !cache.pages.is_enabled() {
            cache.templates = KeptTemplates::default();
        }
        log_time("render", &mut clock);
        files = collect.into_files();

        // The new site replaces the old only when the build succeeded; the highlight cache
        // and the URL record are kept only then.
        match staging {
            Some(staging) if more.iter().all(|d| !d.is_error()) => {
                let finished = staging.finish(&book.assets);
                if let Some(saver) = saver {
                    saver.keep_if(finished.is_ok());
                }
                finished?;
                written = true;
                log_time("write", &mut clock);
                write_record(root, &book.published)?;
                log_time("lock file", &mut clock);
            }
            _ => {
                if let Some(saver) = saver {
                    saver.keep_if(false);
                }
            }
        }
    }
    book.diagnostics.extend(more);
    let pages = book
        .site
        .as_ref()
        .map(|s| s.pages.iter().filter(|p| !p.rel.is_empty()).count() + 1)
        .unwrap_or(0);
    if book.has_errors() {
        // The next good build must not be compared with a broken one.
        cache.snapshot = None;
    }
    Ok(Report {
        book,
        files,
        file_count,
        plan,
        pages,
        written,
        elapsed: start.elapsed(),
    })
}
