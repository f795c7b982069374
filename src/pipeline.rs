//! The stage order lives only here: config → content → checklist + pages → site → render →
//! output. Returns what happened; prints nothing and knows nothing of the command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::assets::Asset;
use crate::checklist::parse_checklist;
use crate::clock::{log_time, today};
use crate::config::{load_config, Config, CONFIG_FILE};
use crate::content::{read_content_cached, SourceFile};
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::fingerprint::hash_of;
use crate::incremental::{plan_render, snapshot, PageCache, Snapshot};
use crate::links::{site_path_of, LinkIndex};
use crate::markdown::{render_inline, render_markdown, MarkdownContext};
use crate::page::{build_page, Page};
use crate::progress::check_progress_table;
use crate::render::RenderPlan;
use crate::render::{load_templates, render_site};
use crate::sink::{Collect, Rendered, Sink};
use crate::site::{assemble_site, generated_prefixes, ChecklistSource, Site, TaskHtml};
use crate::theme::load_theme;

/// What the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub site_url: Option<String>,
    /// Read the checklist's git history for the dashboard (only a build shows it).
    pub history: bool,
    /// Recorded URLs whose removal the user accepts (`--accept-removed`).
    pub accept_removed: Vec<String>,
    /// `check` is strict: a progress table that disagrees with the tasks is an error there,
    /// a warning in a build (the site always shows the computed figures).
    pub strict: bool,
}

/// A book read and checked, ready to render.
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
    /// `opsbook.lock` as read (None when the book has none yet), what the site publishes
    /// now, and the removals accepted: what `build` writes back.
    pub record: Option<std::sync::Arc<crate::permanence::Record>>,
    pub published: crate::permanence::UrlSet,
    pub accepted: std::collections::BTreeSet<String>,
    /// The checklist's prose as HTML (kept apart: it is rendered with the pages).
    pub prose_html: crate::site::ProseHtml,
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
    let mut book = Book {
        config: None,
        site: None,
        assets: Vec::new(),
        ignored: Vec::new(),
        diagnostics: Vec::new(),
        sources: HashMap::new(),
        prose_html: Default::default(),
        checklist_hash: 0,
        record: None,
        published: Default::default(),
        accepted: Default::default(),
    };
    let (mut config, config_text) = match load_config(root, overrides.site_url.as_deref()) {
        Ok(c) => c,
        Err(d) => {
            if let Some(t) = crate::config::read_config_text(root) {
                book.sources.insert(CONFIG_FILE.into(), t);
            }
            book.diagnostics = d;
            return book;
        }
    };
    if let Some(t) = config_text {
        book.sources.insert(CONFIG_FILE.into(), t);
    }
    if let Some(out) = &overrides.output {
        config.output_dir = if out.is_absolute() {
            out.clone()
        } else {
            std::env::current_dir().unwrap_or_default().join(out)
        };
    }
    crate::highlight::cache::begin_build(&crate::highlight::cache::cache_file(&config.root));
    // The URL record (a large book's is a hundred megabytes) is read while the pages are.
    let record_read = RecordRead::start(root);
    log_time("cache", &mut clock);
    let content_display = content_display(&config);
    if !config.content_dir.is_dir() {
        book.diagnostics.push(
            Diagnostic::error(
                content_display.clone(),
                0,
                0,
                format!("no content folder at {}", config.content_dir.display()),
            )
            .with_hint("run `opsbook init` to start a book, or set `content` under [build] in book.toml"),
        );
        book.config = Some(config);
        return book;
    }
    if let Err(refused) = crate::book_fs::check_inside(root, &config.content_dir) {
        book.diagnostics.push(
            Diagnostic::error(
                content_display.clone(),
                0,
                0,
                format!("the content folder is not read: {refused}"),
            )
            .with_hint(
                "content never reaches outside the book: move the folder into the book instead of linking to it",
            ),
        );
        book.config = Some(config);
        return book;
    }
    let rules = crate::ignore_rules::IgnoreRules::new(root, &config.content_dir, &config.ignore).unwrap_or_default();
    let (mut content, mut diags) = read_content_cached(&config.content_dir, &content_display, &rules, &mut cache.reads);
    // Content is data: what a browser would run is refused, and drawings are made safe.
    let trusted = crate::assets::trusted_set(&config.trusted_assets).unwrap_or_default();
    let (assets, refused) = crate::assets::admit(std::mem::take(&mut content.assets), &trusted, &content_display);
    content.assets = assets;
    diags.extend(refused);
    log_time("read", &mut clock);

    let checklist_pos = content.sources.iter().position(|s| s.rel == config.checklist);
    let pages = content.sources.iter().map(|s| {
        (
            s.rel.as_str(),
            if Some(s.rel.as_str()) == checklist_pos.map(|i| content.sources[i].rel.as_str()) {
                String::new()
            } else {
                site_path_of(&s.rel, config.lowercase_urls)
            },
        )
    });
    let page_paths: Vec<(&str, String)> = pages.collect();
    let mut generated = generated_prefixes(&config);
    generated.extend(crate::site::generated_files(&config));
    let index = std::sync::Arc::new(LinkIndex::new(
        &config.base_path,
        config.lowercase_urls,
        page_paths.iter().map(|(r, p)| (*r, p.as_str())),
        content.assets.iter().map(|a| a.rel.as_str()),
        generated,
    ));

    let context = hash_of((
        book.sources.get(CONFIG_FILE),
        &config.site_url,
        &config.output_dir,
        content.sources.iter().map(|s| &s.rel).collect::<Vec<_>>(),
        content.assets.iter().map(|a| &a.rel).collect::<Vec<_>>(),
    ));
    cache.begin(context);
    if cache.is_enabled() {
        cache.index = Some(index.clone());
    }
    // The checklist and the pages are read side by side: neither needs the other.
    let checklist_src = checklist_pos.map(|i| &content.sources[i]);
    let checklist_key = checklist_src.map(|src| hash_of((&src.text, overrides.strict, overrides.history)));
    let checklist_hit = checklist_key.and_then(|key| cache.checklist(key));
    // Pages are built from their text, the list of files (links) and book.toml: while the
    // last two stay the same, an unchanged text gives the same page.
    let cache_ref: &PageCache = cache;
    // Without a cache (`build`, `check`), pages' HTML waits on disk until it is written.
    let spill = if cache.is_enabled() {
        None
    } else {
        crate::spill::Spill::new().map(std::sync::Arc::new)
    };
    let (checklist_read, built) = rayon::join(
        || match (checklist_hit, checklist_src) {
            (Some(hit), _) => Some((hit, false)),
            (None, Some(src)) => {
                let (source, d, prose) = read_checklist(src, &index, &config, overrides);
                Some(((std::sync::Arc::new(source), d, prose), true))
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
                    None => (build_page(src, &index, &config, spill.as_ref()), Some(src)),
                })
                .collect()
        },
    );
    let checklist = checklist_read.map(|(read, fresh)| {
        if let (true, Some(key)) = (fresh, checklist_key) {
            cache.put_checklist(key, &read);
        }
        let (source, d, prose) = read;
        diags.extend(d);
        book.prose_html = prose;
        source
    });
    if let Some(src) = checklist_src {
        book.checklist_hash = hash_of(&src.text);
    }
    if checklist.is_none() && config.checklist != "checklist.md" {
        diags.push(
            Diagnostic::warning(
                CONFIG_FILE,
                0,
                0,
                format!("checklist `{}` not found in {content_display}/", config.checklist),
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
    }
    if !cache.is_enabled() {
        // A build has highlighted all its code by now.
        crate::highlight::forget_lines();
    }
    let built: Vec<_> = built.into_iter().map(|(b, _)| b).collect();

    let mut pages = Vec::with_capacity(built.len());
    for (p, d) in built {
        diags.extend(d);
        pages.push(p);
    }
    log_time("pages", &mut clock);
    let (site, d) = assemble_site(&config, checklist, pages, today());
    log_time("assemble", &mut clock);
    diags.extend(d);
    check_record(root, &config, &site, overrides, record_read, &mut book, &mut diags);
    log_time("record", &mut clock);
    // The same warnings in `build`, `check` and `serve`: one count everywhere.
    diags.extend(site.shared_alert_warnings());
    diags.extend(site.review_warnings(config.stale_after_days));
    // `[build] broken-links = "warn"`: a book being adopted publishes while its links are
    // fixed (`build` counts them, `check` lists them).
    if config.broken_links == crate::config::BrokenLinks::Warn {
        for d in diags.iter_mut().filter(|d| d.code == Some(crate::links::BROKEN_LINK)) {
            d.severity = crate::diagnostic::Severity::Warning;
        }
    }
    sort_diagnostics(&mut diags);
    // The texts of the files diagnostics point into (not every file's: a large book's
    // markdown is hundreds of megabytes), for showing their lines.
    let pointed: std::collections::HashSet<&str> = diags.iter().map(|d| d.path.as_str()).collect();
    for s in content.sources.iter().filter(|s| pointed.contains(s.display.as_str())) {
        book.sources.insert(s.display.clone(), s.text.to_string());
    }
    book.diagnostics.extend(diags);
    book.assets = content.assets;
    book.ignored = content.ignored;
    book.site = Some(site);
    book.config = Some(config);
    book
}

/// Reads the checklist: its structure, the progress table check, its prose and each task's
/// text as HTML (links resolved from the checklist), and its git history when asked.
fn read_checklist(
    src: &SourceFile,
    index: &LinkIndex,
    config: &Config,
    overrides: &Overrides,
) -> (ChecklistSource, Vec<Diagnostic>, crate::site::ProseHtml) {
    let (checklist, mut diags) = parse_checklist_checked(src, overrides);
    let ctx = MarkdownContext::of(src, index, config);
    let mut text_diagnostics = Vec::new();
    let mut prose = crate::site::ProseHtml::default();
    for (text, html) in [
        (&checklist.intro, &mut prose.intro),
        (&checklist.prose, &mut prose.rest),
    ] {
        if !text.trim().is_empty() {
            let md = render_markdown(&ctx, text, 0);
            text_diagnostics.extend(md.diagnostics);
            *html = md.html;
        }
    }
    let mut task_html = HashMap::new();
    for (_, t) in checklist.tasks() {
        let at = (t.line, t.col);
        let (text, d) = render_inline(&ctx, &t.text, at);
        text_diagnostics.extend(d);
        let notes = t
            .notes
            .iter()
            .map(|n| {
                let (html, d) = render_inline(&ctx, &n.text, at);
                text_diagnostics.extend(d);
                html
            })
            .collect();
        task_html.insert(t.id.clone(), TaskHtml { text, notes });
    }
    diags.extend(text_diagnostics.iter().cloned());
    let source = checklist_source(src, config, overrides, checklist, task_html, text_diagnostics);
    (source, diags, prose)
}

/// The checklist's structure, with what parsing and the progress table check report.
fn parse_checklist_checked(src: &SourceFile, overrides: &Overrides) -> (crate::checklist::Checklist, Vec<Diagnostic>) {
    let (checklist, mut diags) = parse_checklist(&src.display, &src.text);
    diags.extend(check_progress_table(&checklist, &src.display).into_iter().map(|mut d| {
        if !overrides.strict {
            d.severity = crate::diagnostic::Severity::Warning;
        }
        d
    }));
    (checklist, diags)
}

/// A read checklist, with its git history when asked.
fn checklist_source(
    src: &SourceFile,
    config: &Config,
    overrides: &Overrides,
    checklist: crate::checklist::Checklist,
    task_html: HashMap<String, TaskHtml>,
    text_diagnostics: Vec<Diagnostic>,
) -> ChecklistSource {
    let mut changes = Vec::new();
    if overrides.history {
        changes = crate::history::status_changes(&config.root, &config.content_dir.join(&src.rel), &checklist);
        // A change of a task since renamed or removed would link to nothing.
        changes.retain(|c| task_html.contains_key(&c.task_id));
    }
    ChecklistSource {
        task_html,
        checklist,
        rel: src.rel.clone(),
        display: src.display.clone(),
        changes,
        text_diagnostics,
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

/// Loads, renders and (when `write`) writes the book. Content problems are in the report's
/// diagnostics; errors writing the output are `Err`.
pub fn build_book(root: &Path, overrides: &Overrides, write: bool) -> anyhow::Result<Report> {
    build_book_cached(root, overrides, write, &mut BuildCache::default())
}

/// What `serve` keeps from one rebuild to the next.
#[derive(Default)]
pub struct BuildCache {
    pub pages: PageCache,
    snapshot: Option<Snapshot>,
    tera: Option<(u64, tera::Tera)>,
}

impl BuildCache {
    pub fn enabled() -> Self {
        BuildCache {
            pages: PageCache::enabled(),
            snapshot: None,
            tera: None,
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
        // `build` writes each file as it is made; `serve` keeps them, `check` only their paths.
        let staging = if write {
            let ignored = crate::output::absolute(&config.output_dir)
                .strip_prefix(crate::output::absolute(&config.content_dir))
                .ok()
                .map(|rel| rel.to_string_lossy().replace('\\', "/"))
                .filter(|rel| !rel.is_empty())
                .is_some_and(|rel| {
                    crate::ignore_rules::IgnoreRules::new(&config.root, &config.content_dir, &config.ignore)
                        .is_ok_and(|rules| rules.is_ignored(&rel, true))
                });
            crate::output::check_output_dir(&config.output_dir, &config.root, &config.content_dir, ignored)?;
            Some(crate::output::Staging::new(
                &config.output_dir,
                crate::cache_dir::record_file(&config.root, &config.output_dir),
            )?)
        } else {
            None
        };
        // Every code block was highlighted while reading the pages: the highlight cache's
        // file is made while the site renders, and kept if the build succeeds.
        let cache_file = crate::highlight::cache::cache_file(&config.root);
        let saver = write.then(|| {
            let file = cache_file.clone();
            std::thread::spawn(move || crate::highlight::cache::prepare(&file, true))
        });
        let collect = if cache.pages.is_enabled() {
            Collect::files()
        } else {
            Collect::paths_only()
        };
        let sink: &dyn Sink = match &staging {
            Some(s) => s,
            None => &collect,
        };
        match load_theme(&config.root, &config.theme) {
            Err(d) => more.push(d),
            Ok(theme) => {
                // Compiled templates are kept while the theme's files stay the same.
                let key = hash_of(&theme.templates);
                let tera = match cache.tera.take() {
                    Some((k, tera)) if k == key => Ok(tera),
                    _ => load_templates(&theme),
                };
                let rendered = tera.and_then(|tera| {
                    if cache.pages.is_enabled() && !write {
                        let shared = hash_of((book.sources.get(CONFIG_FILE), key, &theme.statics));
                        let now = snapshot(site, shared, book.checklist_hash);
                        plan = plan_render(cache.snapshot.as_ref(), &now);
                        cache.snapshot = Some(now);
                    }
                    let out = render_site(site, config, &theme, &tera, &book.prose_html, &plan, sink);
                    if cache.pages.is_enabled() {
                        cache.tera = Some((key, tera));
                    }
                    out
                });
                match rendered {
                    Ok(()) => {
                        let paths = sink.paths();
                        more.extend(find_collisions(site, &paths, &book.assets, &content_display(config)));
                        file_count = paths.len();
                    }
                    Err(d) => {
                        if let Some(text) = template_text(&theme, &d) {
                            book.sources.insert(d.path.clone(), text);
                        }
                        more.push(d);
                    }
                }
            }
        }
        log_time("render", &mut clock);
        files = collect.into_files();
        // A build with errors drops its staging folder: the previous site stays as it was.
        // The cache file is made either way; it is kept only when the build succeeds, and
        // otherwise deleted here, before the process can end under the thread making it.
        let prepared = || saver.and_then(|s| s.join().ok()).flatten();
        if let (Some(staging), true) = (staging, more.iter().all(|d| !d.is_error())) {
            let finished = staging.finish(&book.assets);
            let prepared = prepared();
            if finished.is_ok() {
                // The cache only saves work: a cache that cannot be written costs the next
                // build time, never its output.
                if let Some(prepared) = prepared {
                    let _ = prepared.commit(&cache_file);
                }
            }
            finished?;
            written = true;
            log_time("write", &mut clock);
        } else {
            drop(prepared());
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

/// How the content folder is named in messages (`content`).
fn content_display(config: &Config) -> String {
    config
        .content_dir
        .strip_prefix(&config.root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| config.content_dir.display().to_string())
}

/// A template error points into a template: its text lets the error show the line.
fn template_text(theme: &crate::theme::Theme, d: &Diagnostic) -> Option<String> {
    let name = d.path.rsplit("/templates/").next().unwrap_or("");
    theme.templates.get(name).cloned()
}

/// What put a file in the output: the file that names it in a message, and how to say it.
#[derive(Clone)]
struct Origin {
    /// The source the diagnostic points at (empty for opsbook's own files).
    file: String,
    what: String,
}

/// Two outputs at one path, or a file where a folder must be: a copied file from content/
/// would silently replace a page or a generated file, so each is an error naming both.
fn find_collisions(site: &Site, files: &[String], assets: &[Asset], content: &str) -> Vec<Diagnostic> {
    let origin = |path: &str| -> Origin {
        let dir = path.strip_suffix("index.html").unwrap_or("");
        if let Some(p) = site
            .page_by_path(dir)
            .map(|i| &site.pages[i])
            .filter(|p| !p.display.is_empty())
        {
            return Origin {
                file: p.display.clone(),
                what: format!("the page {}", p.display),
            };
        }
        if let Ok(k) = site.aliases.binary_search_by(|(a, _)| a.as_str().cmp(dir)) {
            let p = &site.pages[site.aliases[k].1];
            return Origin {
                file: p.display.clone(),
                what: format!("the alias `/{dir}` of {}", p.display),
            };
        }
        Origin {
            file: String::new(),
            what: format!("opsbook's generated /{path}"),
        }
    };
    // Each path, and the content file copied there (`None`: a rendered file, whose origin
    // is worked out only if it collides).
    let mut all: rustc_hash::FxHashMap<&str, Option<&Asset>> = files.iter().map(|f| (f.as_str(), None)).collect();
    let asset_origin = |a: &Asset| {
        let display = format!("{content}/{}", a.rel);
        Origin {
            file: display.clone(),
            what: display,
        }
    };
    let origin_of = |path: &str, asset: Option<&Asset>| asset.map_or_else(|| origin(path), asset_origin);
    let mut out = Vec::new();
    for a in assets {
        if let Some(&o) = all.get(a.rel.as_str()) {
            let display = format!("{content}/{}", a.rel);
            out.push(
                Diagnostic::error(
                    &display,
                    0,
                    0,
                    format!("{display} would overwrite {} in the site", origin_of(&a.rel, o).what),
                )
                .with_hint("rename or move the file"),
            );
        } else {
            all.insert(a.rel.as_str(), Some(a));
        }
    }
    for (&path, &source) in &all {
        let mut dir = path;
        while let Some((parent, _)) = dir.rsplit_once('/') {
            if let Some(&owner_source) = all.get(parent) {
                let who = origin_of(path, source);
                let owner = origin_of(parent, owner_source);
                let file = if who.file.is_empty() { owner.file } else { who.file };
                out.push(
                    Diagnostic::error(
                        file,
                        0,
                        0,
                        format!(
                            "{} would be published under /{parent}/, but {} is the file /{parent}",
                            who.what, owner.what
                        ),
                    )
                    .with_hint("rename or move the file, or change the alias"),
                );
                break;
            }
            dir = parent;
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    out.dedup();
    out
}

/// `serve`'s fast path, after a save that changed only the bodies of existing pages: when
/// each changed file (absolute paths, as the watcher gives them) is a page of the last good
/// build and its new version shows other pages nothing new (same title, path, front matter,
/// anchors and links, at the same places), the page is replaced in `report`'s site and only it
/// is rendered again, into `report.files`. Anything else (a new, deleted or renamed file, the
/// checklist, book.toml, a title or link that changed, a new day) returns false, untouched:
/// the caller builds the whole book.
pub fn rebuild_pages(report: &mut Report, changed: &[PathBuf], cache: &mut BuildCache) -> bool {
    let start = Instant::now();
    if report.book.has_errors() || changed.is_empty() {
        return false;
    }
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return false;
    };
    let Some(index) = cache.pages.index.clone() else {
        return false;
    };
    if site.today != today() {
        return false;
    }
    let Ok(content) = config.content_dir.canonicalize() else {
        return false;
    };
    // Read and build each changed page; nothing is changed until all pass.
    let mut edits: Vec<(usize, SourceFile, Page, Vec<Diagnostic>)> = Vec::new();
    for abs in changed {
        let Some(rel) = abs
            .strip_prefix(&content)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"))
        else {
            return false;
        };
        if rel == config.checklist || !(rel.ends_with(".md") || rel.ends_with(".markdown")) {
            return false;
        }
        let Some(i) = site.pages.iter().position(|p| p.rel == rel) else {
            return false;
        };
        if edits.iter().any(|(j, ..)| *j == i) {
            continue;
        }
        // A file swapped for a symlink is checked by the full read.
        if std::fs::symlink_metadata(abs).map(|m| !m.is_file()).unwrap_or(true) {
            return false;
        }
        let old = &site.pages[i];
        let Ok(src) = crate::content::read_source(rel, old.display.clone(), abs) else {
            return false;
        };
        let (page, diags) = build_page(&src, &index, config, None);
        let same_shape = (&old.rel, &old.path, old.is_index, old.kind, &old.title, &old.title_id)
            == (
                &page.rel,
                &page.path,
                page.is_index,
                page.kind,
                &page.title,
                &page.title_id,
            )
            && old.meta == page.meta
            && old.key_lines == page.key_lines
            && old.anchors == page.anchors
            && old.links == page.links;
        if !same_shape {
            return false;
        }
        edits.push((i, src, page, diags));
    }
    let (Some(config), Some(site)) = (&report.book.config, &mut report.book.site) else {
        return false;
    };
    let book_diags = &mut report.book.diagnostics;
    let mut rendered = Vec::new();
    for (i, src, page, diags) in edits {
        for old in cache.pages.diagnostics_of(&src.rel).unwrap_or_default() {
            if let Some(at) = book_diags.iter().position(|d| d == old) {
                book_diags.remove(at);
            }
        }
        book_diags.extend(diags.iter().cloned());
        // Diagnostics show lines of the text: keep the text they quote the new one.
        if !diags.is_empty() || report.book.sources.contains_key(&src.display) {
            report.book.sources.insert(src.display.clone(), src.text.to_string());
        }
        cache.pages.put(&src.rel, &src.text, &page, &diags);
        if let Some(entry) = cache.snapshot.as_mut().and_then(|s| s.pages.get_mut(i)) {
            entry.1 = page.body_hash;
        }
        site.pages[i] = page;
        rendered.push(i);
    }
    sort_diagnostics(book_diags);
    rendered.sort_unstable();
    let plan = RenderPlan::Pages(rendered);
    let (files, result) = render_kept(site, config, &report.book.prose_html, &plan, &mut cache.tera);
    if let Err(d) = result {
        report.book.diagnostics.push(d);
    }
    report.files = files.into_files();
    report.file_count = report.files.len();
    report.plan = plan;
    report.elapsed = start.elapsed();
    true
}

/// Renders `plan` into memory for `serve`, with the compiled templates kept in `kept` while
/// the theme's files stay the same.
fn render_kept(
    site: &Site,
    config: &Config,
    prose: &crate::site::ProseHtml,
    plan: &RenderPlan,
    kept: &mut Option<(u64, tera::Tera)>,
) -> (Collect, Result<(), Diagnostic>) {
    let files = Collect::files();
    let result = load_theme(&config.root, &config.theme).and_then(|theme| {
        let key = hash_of(&theme.templates);
        let tera = match kept.take() {
            Some((k, tera)) if k == key => tera,
            _ => load_templates(&theme)?,
        };
        let out = render_site(site, config, &theme, &tera, prose, plan, &files);
        *kept = Some((key, tera));
        out
    });
    (files, result)
}

/// `serve`'s path for a save of the checklist alone that changed nothing but task statuses
/// (the most common edit of all): the last build's site takes the new checklist and its
/// counts, and what shows statuses is rendered again ([`RenderPlan::Tasks`]), without
/// reading, building or linking the pages again. Anything else in the checklist (a task's
/// text, a note, a line moved, the prose, the progress table) returns false, untouched: the
/// caller builds the whole book.
pub fn rebuild_statuses(
    report: &mut Report,
    changed: &[PathBuf],
    overrides: &Overrides,
    cache: &mut BuildCache,
) -> bool {
    let start = Instant::now();
    if report.book.has_errors() {
        return false;
    }
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return false;
    };
    let (true, Some(old), true) = (
        cache.pages.index.is_some(),
        site.checklist.clone(),
        site.today == today(),
    ) else {
        return false;
    };
    // One file, however many events its save made.
    let Some(abs) = changed.first().filter(|a| changed.iter().all(|c| c == *a)) else {
        return false;
    };
    let Ok(content) = config.content_dir.canonicalize() else {
        return false;
    };
    let rel = abs
        .strip_prefix(&content)
        .ok()
        .and_then(|r| r.to_str())
        .map(|r| r.replace('\\', "/"));
    if rel.as_deref() != Some(config.checklist.as_str())
        || std::fs::symlink_metadata(abs).map(|m| !m.is_file()).unwrap_or(true)
    {
        return false;
    }
    let Ok(src) = crate::content::read_source(old.rel.clone(), old.display.clone(), abs) else {
        return false;
    };
    let key = hash_of((&src.text, overrides.strict, overrides.history));
    let mut clock = start;
    // Parsed only: with the same texts, the tasks' and the prose's HTML are the old ones.
    let (mut parsed, mut diags) = parse_checklist_checked(&src, overrides);
    log_time("checklist", &mut clock);
    // The same checklist but for statuses: with the old statuses put back, nothing differs.
    let statuses: Vec<_> = parsed.tasks().map(|(_, t)| t.status).collect();
    for (t, ot) in parsed
        .sections
        .iter_mut()
        .flat_map(|s| s.tasks.iter_mut())
        .zip(old.checklist.tasks().map(|(_, t)| t))
    {
        t.status = ot.status;
    }
    if parsed != old.checklist || diags.iter().any(Diagnostic::is_error) {
        return false;
    }
    for (t, status) in parsed
        .sections
        .iter_mut()
        .flat_map(|s| s.tasks.iter_mut())
        .zip(statuses)
    {
        t.status = status;
    }
    diags.extend(old.text_diagnostics.iter().cloned());
    let source = checklist_source(
        &src,
        config,
        overrides,
        parsed,
        old.task_html.clone(),
        old.text_diagnostics.clone(),
    );
    let read = (std::sync::Arc::new(source), diags, report.book.prose_html.clone());
    let (new, diags, _) = &read;
    log_time("compare", &mut clock);
    let old_diags = cache.pages.last_checklist().map(|c| c.1.clone()).unwrap_or_default();
    cache.pages.put_checklist(key, &read);
    let Book {
        site,
        config,
        diagnostics,
        sources,
        checklist_hash,
        prose_html,
        ..
    } = &mut report.book;
    let (Some(site), Some(config)) = (site.as_mut(), config.as_ref()) else {
        return false;
    };
    site.checklist = Some(new.clone());
    (site.section_counts, site.totals) = crate::progress::count_checklist(&new.checklist);
    for d in &old_diags {
        if let Some(at) = diagnostics.iter().position(|x| x == d) {
            diagnostics.remove(at);
        }
    }
    diagnostics.extend(diags.iter().cloned());
    sort_diagnostics(diagnostics);
    if !diags.is_empty() || sources.contains_key(&src.display) {
        sources.insert(src.display.clone(), src.text.to_string());
    }
    *checklist_hash = hash_of(&src.text);
    // What changed, as the snapshot the next rebuild is compared with sees it.
    let now = crate::incremental::task_entries(site);
    let mut tasks = Vec::new();
    let mut pages = Vec::new();
    if let Some(snap) = cache.snapshot.as_mut() {
        for (a, b) in snap.tasks.iter().zip(&now) {
            if a.1 != b.1 {
                tasks.push(b.0.clone());
                pages.extend(b.2);
            }
        }
        snap.tasks = now;
        snap.checklist = *checklist_hash;
    } else {
        tasks = now.iter().map(|t| t.0.clone()).collect();
        pages = now.iter().filter_map(|t| t.2).collect();
    }
    pages.sort_unstable();
    pages.dedup();
    let plan = RenderPlan::Tasks { pages, tasks };
    log_time("patch", &mut clock);
    let (files, result) = render_kept(site, config, prose_html, &plan, &mut cache.tera);
    if let Err(d) = result {
        diagnostics.push(d);
    }
    log_time("render", &mut clock);
    report.files = files.into_files();
    report.file_count = report.files.len();
    report.plan = plan;
    report.elapsed = start.elapsed();
    true
}

/// Renders, after a build that rendered only some pages, the outputs of `plan` (the print
/// page) from the same book.
pub fn render_deferred(report: &Report, plan: &RenderPlan) -> Result<Vec<Rendered>, Diagnostic> {
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return Ok(Vec::new());
    };
    let theme = load_theme(&config.root, &config.theme)?;
    let tera = load_templates(&theme)?;
    let files = Collect::files();
    render_site(site, config, &theme, &tera, &report.book.prose_html, plan, &files)?;
    Ok(files.into_files())
}

/// `opsbook.lock`, read and parsed on a thread of its own: the record or its errors (with the
/// file's text, which they point into), or `None` when there is no such file.
type RecordText = Option<Result<std::sync::Arc<crate::permanence::Record>, (String, Vec<Diagnostic>)>>;

struct RecordRead {
    path: PathBuf,
    /// `None` when no thread could be started: then it is read when needed.
    thread: Option<std::thread::JoinHandle<RecordText>>,
}

impl RecordRead {
    fn start(root: &Path) -> RecordRead {
        let path = root.join(crate::permanence::RECORD_FILE);
        let thread_path = path.clone();
        let thread = std::thread::Builder::new()
            .name("opsbook-record".into())
            .spawn(move || read_record(&thread_path))
            .ok();
        RecordRead { path, thread }
    }

    fn finish(self) -> RecordText {
        match self.thread.map(|t| t.join()) {
            Some(Ok(read)) => read,
            // Not started, or it failed: read here, where a failure shows.
            _ => read_record(&self.path),
        }
    }
}

fn read_record(path: &Path) -> RecordText {
    let root = path.parent().unwrap_or(Path::new("."));
    let text = match crate::permanence::read_record_text(root) {
        Ok(text) => text?,
        Err(d) => return Some(Err((String::new(), vec![d]))),
    };
    // A record that parses does not keep its text (a large book's is a hundred megabytes).
    Some(crate::permanence::parse_record_cached(&text).map_err(|d| (text, d)))
}

/// Compares the site with `opsbook.lock`: a recorded URL that is gone is an error.
fn check_record(
    root: &Path,
    config: &Config,
    site: &Site,
    overrides: &Overrides,
    record_read: RecordRead,
    book: &mut Book,
    diags: &mut Vec<Diagnostic>,
) {
    use crate::permanence::{check_removed, current_urls, normalize_url};
    book.published = current_urls(site, config);
    book.accepted = overrides
        .accept_removed
        .iter()
        .map(|u| normalize_url(u, config))
        .collect();
    let Some(parsed) = record_read.finish() else {
        return;
    };
    let before = diags.len();
    let mut text = None;
    match parsed {
        Ok(record) => {
            let content = config
                .content_dir
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| "content".into());
            diags.extend(check_removed(
                &record,
                &book.published,
                &book.accepted,
                site,
                config,
                || crate::history::renames(root, &content),
            ));
            book.record = Some(record);
        }
        Err((t, d)) => {
            text = Some(t);
            diags.extend(d);
        }
    }
    // For showing the lines diagnostics point at.
    if diags.len() > before {
        if let Some(text) = text.or_else(|| crate::permanence::read_record_text(root).ok().flatten()) {
            book.sources.insert(crate::permanence::RECORD_FILE.to_string(), text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_save_reported_twice_is_still_a_status_edit() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("runbooks/s")).unwrap();
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{ }` One\n- `{ }` Two\n",
        )
        .unwrap();
        std::fs::write(content.join("runbooks/s/one.md"), "# One\n\nText.\n").unwrap();
        let overrides = Overrides::default();
        let mut cache = BuildCache::enabled();
        let mut report = build_book_cached(dir.path(), &overrides, false, &mut cache).unwrap();
        assert_eq!(report.plan, RenderPlan::Full);
        // An editor's save can reach the watcher as two events of the same file.
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{X}` One\n- `{ }` Two\n",
        )
        .unwrap();
        let abs = content.canonicalize().unwrap().join("checklist.md");
        assert!(rebuild_statuses(
            &mut report,
            &[abs.clone(), abs.clone()],
            &overrides,
            &mut cache
        ));
        let site = report.book.site.as_ref().unwrap();
        assert_eq!(site.totals.complete, 1);
        let runbook = site.task_page["one"];
        assert_eq!(
            report.plan,
            RenderPlan::Tasks {
                pages: vec![runbook],
                tasks: vec!["one".into()]
            }
        );
        // A task's text is more than a status: the whole book is built again.
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{X}` One\n- `{ }` Two more\n",
        )
        .unwrap();
        assert!(!rebuild_statuses(&mut report, &[abs], &overrides, &mut cache));
        assert_eq!(report.book.site.as_ref().unwrap().totals.complete, 1, "left as it was");
    }
}
