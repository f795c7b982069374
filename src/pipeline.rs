//! The stage order lives only here: config → content → checklist + pages → site → render →
//! output. Returns what happened; prints nothing and knows nothing of the command line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use time::{Date, OffsetDateTime};

use crate::checklist::parse_checklist;
use crate::config::{load_config, Config, CONFIG_FILE};
use crate::content::{read_content, Asset, SourceFile};
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::links::{site_path_of, LinkIndex};
use crate::markdown::{render_markdown, MarkdownContext};
use crate::page::build_page;
use crate::progress::check_progress_table;
use crate::render::{load_templates, render_site, Rendered};
use crate::site::{assemble_site, generated_prefixes, ChecklistSource, Site};
use crate::theme::load_theme;

/// What the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub site_url: Option<String>,
}

/// A book read and checked, ready to render.
pub struct Book {
    pub config: Option<Config>,
    pub site: Option<Site>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
    /// The texts of the files diagnostics may point into, by display path.
    pub sources: HashMap<String, String>,
    /// The checklist's prose as HTML (kept apart: it is rendered with the pages).
    pub prose_html: String,
}

impl Book {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The day review dates are measured against: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), else today (UTC). Only the date counts, so builds on one day are identical.
pub fn today() -> Date {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
        .date()
}

/// Reads and checks the whole book at `root`: every stage before rendering.
pub fn load_book(root: &Path, overrides: &Overrides) -> Book {
    let mut book = Book {
        config: None,
        site: None,
        assets: Vec::new(),
        diagnostics: Vec::new(),
        sources: HashMap::new(),
        prose_html: String::new(),
    };
    let (mut config, config_text) = match load_config(root, overrides.site_url.as_deref()) {
        Ok(c) => c,
        Err(d) => {
            if let Ok(t) = std::fs::read_to_string(root.join(CONFIG_FILE)) {
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
    let content_display = config
        .content_dir
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| config.content_dir.display().to_string());
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
    let (content, mut diags) = read_content(&config.content_dir, &content_display, None);

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
    generated.extend(["progress.json", "404.html", "sitemap.xml"].map(String::from));
    let index = LinkIndex::new(
        &config.base_path,
        config.lowercase_urls,
        page_paths.iter().map(|(r, p)| (*r, p.as_str())),
        content.assets.iter().map(|a| a.rel.as_str()),
        generated,
    );

    let checklist = checklist_pos.map(|i| {
        let src = &content.sources[i];
        let (checklist, d) = parse_checklist(&src.display, &src.text);
        diags.extend(d);
        diags.extend(check_progress_table(&checklist, &src.display));
        let ctx = MarkdownContext {
            display: &src.display,
            rel: &src.rel,
            index: &index,
            allow_raw_html: config.allow_raw_html,
            params: &config.params,
        };
        if !checklist.prose.trim().is_empty() {
            let md = render_markdown(&ctx, &checklist.prose, 0);
            diags.extend(md.diagnostics);
            book.prose_html = md.html;
        }
        ChecklistSource {
            checklist,
            rel: src.rel.clone(),
            display: src.display.clone(),
        }
    });
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

    let built: Vec<_> = content
        .sources
        .par_iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != checklist_pos)
        .map(|(_, src)| build_page(src, &index, &config))
        .collect();
    let mut pages = Vec::with_capacity(built.len());
    for (p, d) in built {
        diags.extend(d);
        pages.push(p);
    }
    let (site, d) = assemble_site(&config, checklist, pages, today());
    diags.extend(d);
    sort_diagnostics(&mut diags);
    if !diags.is_empty() {
        book.sources.extend(
            content
                .sources
                .iter()
                .map(|s: &SourceFile| (s.display.clone(), s.text.clone())),
        );
    }
    book.diagnostics.extend(diags);
    book.assets = content.assets;
    book.site = Some(site);
    book.config = Some(config);
    book
}

/// The result of a build or check.
pub struct Report {
    pub book: Book,
    pub files: Vec<Rendered>,
    pub pages: usize,
    pub written: bool,
    pub elapsed: Duration,
}

/// Loads, renders and (when `write`) writes the book. Content problems are in the report's
/// diagnostics; errors writing the output are `Err`.
pub fn build_book(root: &Path, overrides: &Overrides, write: bool) -> anyhow::Result<Report> {
    let start = Instant::now();
    let mut book = load_book(root, overrides);
    let mut report = Report {
        book: Book {
            config: None,
            site: None,
            assets: Vec::new(),
            diagnostics: Vec::new(),
            sources: HashMap::new(),
            prose_html: String::new(),
        },
        files: Vec::new(),
        pages: 0,
        written: false,
        elapsed: Duration::ZERO,
    };
    if let (Some(config), Some(site), false) = (&book.config, &book.site, book.has_errors()) {
        match load_theme(&config.root, &config.theme).and_then(|theme| load_templates(&theme).map(|t| (theme, t))) {
            Ok((theme, tera)) => match render_site(site, config, &theme, &tera, &book.prose_html) {
                Ok(files) => report.files = files,
                Err(d) => book.diagnostics.push(d),
            },
            Err(d) => book.diagnostics.push(d),
        }
        if write && !book.has_errors() {
            crate::output::check_output_dir(&config.output_dir, &config.root, &config.content_dir)?;
            crate::output::write_site(&config.output_dir, &report.files, &book.assets)?;
            report.written = true;
        }
    }
    report.pages = report.files.iter().filter(|f| f.path.ends_with("index.html")).count();
    report.elapsed = start.elapsed();
    report.book = book;
    Ok(report)
}
