//! One page: a markdown file of `content/` read into metadata, HTML, headings and links.
//! Blind to other pages: how pages relate is the business of `site`.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::content::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::front_matter::{self, Meta};
use crate::links::{is_index_name, site_path_of, LinkIndex};
use crate::markdown::{render_markdown, Heading, LinkRef, MarkdownContext};

/// What a page is for; shown on the page and used to group the sidebar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    Runbook,
    Troubleshooting,
    Faq,
    Dr,
    Guide,
}

impl PageKind {
    pub fn parse(s: &str) -> Option<PageKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "runbook" | "runbooks" => PageKind::Runbook,
            "troubleshooting" => PageKind::Troubleshooting,
            "faq" | "faqs" => PageKind::Faq,
            "dr" | "disaster-recovery" => PageKind::Dr,
            "guide" | "guides" | "docs" => PageKind::Guide,
            _ => return None,
        })
    }

    /// The kind a page has from where it lies: its top folder, or its own name at the root.
    pub fn from_path(rel: &str) -> PageKind {
        let first = rel.split('/').next().unwrap_or("");
        let first = first.strip_suffix(".md").unwrap_or(first);
        PageKind::parse(first).unwrap_or(PageKind::Guide)
    }

    pub fn label(self) -> &'static str {
        match self {
            PageKind::Runbook => "Runbook",
            PageKind::Troubleshooting => "Troubleshooting",
            PageKind::Faq => "FAQ",
            PageKind::Dr => "Disaster recovery",
            PageKind::Guide => "Guide",
        }
    }
}

impl fmt::Display for PageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Source path relative to content/ (`runbooks/db/backup.md`); empty for a generated
    /// folder page.
    pub rel: String,
    /// Source path as named in diagnostics.
    pub display: String,
    /// Site path without the base (`runbooks/db/backup/`; empty for the root).
    pub path: String,
    /// The folder (site path) this page lists, for `_index.md` / `index.md` / `README.md`.
    pub is_index: bool,
    pub kind: PageKind,
    pub title: String,
    /// The anchor of the opening heading the title replaced (`#restore`), kept on the title.
    pub title_id: Option<String>,
    pub meta: Meta,
    /// The line of each top-level front matter key, for diagnostics found later.
    pub key_lines: Vec<(String, usize)>,
    /// The body as HTML, made now or when the page is written.
    pub html: Body,
    /// A hash of what the page's own output shows of its body (HTML, headings, extra keys):
    /// whether a rebuild must render it again.
    pub body_hash: u64,
    pub headings: Vec<Heading>,
    /// The words of the page for search: `text[0]` opens the page, `text[i + 1]` follows
    /// `headings[i]`.
    pub text: Vec<String>,
    pub anchors: Vec<String>,
    pub links: Vec<LinkRef>,
}

/// A page's body as HTML. `serve` makes it while reading the book and keeps it between
/// rebuilds; `build` defers it until the page is written, so that it holds one page's HTML
/// at a time instead of the whole book's, and makes none at all for a page whose file the
/// last build already wrote.
#[derive(Debug, Clone)]
pub enum Body {
    /// Shared, so that a page kept between rebuilds is cheap to reuse.
    Html(Arc<str>),
    Deferred(Arc<Deferred>),
}

/// What a deferred body is made from: its file, and what its links resolve against.
#[derive(Debug)]
pub struct Deferred {
    src: SourceFile,
    body_start: usize,
    index: Arc<LinkIndex>,
    /// Whether the opening `#` heading repeats the title (and is left out).
    drop_h1: bool,
    /// A hash of what else the HTML is made of: book.toml and the book's list of files
    /// (what links resolve to, whether raw HTML is kept, the params shortcodes show).
    context: u64,
}

impl Body {
    /// The HTML. A deferred body is made now, as it was when the book was read (the same
    /// file, links and book.toml), so it says nothing new: its diagnostics were reported then.
    pub fn html(&self, config: &Config) -> Cow<'_, str> {
        match self {
            Body::Html(html) => Cow::Borrowed(html),
            Body::Deferred(d) => {
                let ctx = MarkdownContext::of(&d.src, &d.index, config);
                let md = render_markdown(&ctx, &d.src.text, d.body_start);
                let mut html = md.html;
                if d.drop_h1 && html.is_char_boundary(md.leading_h1_len) {
                    html.drain(..md.leading_h1_len);
                }
                Cow::Owned(html)
            }
        }
    }

    /// Adds what the HTML is made of to `h`: the HTML itself, or what a deferred body is made
    /// from.
    pub fn hash_into(&self, h: &mut crate::reuse::KeyHasher) {
        match self {
            Body::Html(html) => {
                h.str("html").str(html);
            }
            Body::Deferred(d) => {
                h.str("deferred")
                    .str(&d.src.rel)
                    .str(&d.src.display)
                    .str(&d.src.text)
                    .bytes(&(d.body_start as u64).to_le_bytes())
                    .bytes(&[d.drop_h1 as u8])
                    .bytes(&d.context.to_le_bytes());
            }
        }
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Body::Html(html) => html.hash(state),
            Body::Deferred(d) => (&d.src.rel, &d.src.text, d.body_start, d.drop_h1, d.context).hash(state),
        }
    }
}

/// Reads one markdown file into a [`Page`]. With `defer` (a hash of book.toml and the list of
/// the book's files), its HTML is made only when asked for ([`Body::html`]).
pub fn build_page(
    src: &SourceFile,
    index: &Arc<LinkIndex>,
    config: &Config,
    defer: Option<u64>,
) -> (Page, Vec<Diagnostic>) {
    let split = front_matter::split(&src.text);
    let (meta, mut diags) = front_matter::parse_meta(&src.display, &split);
    if split.unclosed {
        diags.push(
            Diagnostic::warning(
                &src.display,
                1,
                1,
                "front matter opened here is never closed, so the file has none",
            )
            .with_hint("add the closing `---` (or `+++`) line after the keys, or remove the first line"),
        );
    }
    let mut ctx = MarkdownContext::of(src, index, config);
    ctx.outline = defer.is_some();
    let md = render_markdown(&ctx, &src.text, split.body_start);
    diags.extend(md.diagnostics);
    let stem = src.rel.rsplit('/').next().unwrap_or(&src.rel);
    let stem = stem
        .strip_suffix(".md")
        .or_else(|| stem.strip_suffix(".markdown"))
        .unwrap_or(stem);
    let is_index = is_index_name(stem);
    let fallback = if is_index {
        folder_title(src.rel.rsplit('/').nth(1).unwrap_or("Home"))
    } else {
        stem.to_string()
    };
    let title = meta
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| md.leading_h1.clone())
        .unwrap_or(fallback);
    // An opening `# heading` that repeats the title is shown once, by the page template.
    let mut html = md.html;
    let mut headings = md.headings;
    let mut text = md.text;
    let mut title_id = None;
    let drop_h1 = md.leading_h1.as_deref() == Some(title.as_str());
    if drop_h1 && html.is_char_boundary(md.leading_h1_len) {
        html.drain(..md.leading_h1_len);
        if !headings.is_empty() {
            title_id = Some(headings.remove(0).id);
            // What followed the title is the page's opening text.
            if text.len() > 1 {
                let after = text.remove(1);
                text[0].push_str(&after);
            }
        }
    }
    let kind = match meta.kind.as_deref() {
        Some(k) => PageKind::parse(k).unwrap_or_else(|| {
            diags.push(
                Diagnostic::error(
                    &src.display,
                    key_line(&src.text, "kind"),
                    1,
                    format!("unknown page kind `{k}`"),
                )
                .with_hint("use one of runbook, troubleshooting, faq, dr, guide"),
            );
            PageKind::from_path(&src.rel)
        }),
        None => PageKind::from_path(&src.rel),
    };
    let html = match defer {
        Some(context) => Body::Deferred(Arc::new(Deferred {
            src: src.clone(),
            body_start: split.body_start,
            index: index.clone(),
            drop_h1,
            context,
        })),
        None => Body::Html(html.into()),
    };
    let body_hash = crate::incremental::hash_of((
        &html,
        &headings,
        meta.extra.iter().map(|(k, v)| (k, v.to_string())).collect::<Vec<_>>(),
    ));
    let page = Page {
        rel: src.rel.clone(),
        display: src.display.clone(),
        path: site_path_of(&src.rel, config.lowercase_urls),
        is_index,
        kind,
        title,
        title_id,
        meta,
        key_lines: key_lines(&split),
        body_hash,
        html,
        headings,
        text,
        anchors: md.anchors,
        links: md.links,
    };
    (page, diags)
}

/// A folder page made for a folder that has pages but no `_index.md`, so that breadcrumbs
/// and folder URLs always land somewhere.
pub fn folder_page(path: &str, folder_name: &str) -> Page {
    let title = folder_title(folder_name);
    Page {
        rel: String::new(),
        display: String::new(),
        path: path.to_string(),
        is_index: true,
        kind: PageKind::from_path(path),
        title,
        title_id: None,
        meta: Meta::default(),
        key_lines: Vec::new(),
        html: Body::Html("".into()),
        body_hash: 0,
        headings: Vec::new(),
        text: vec![String::new()],
        anchors: Vec::new(),
        links: Vec::new(),
    }
}

impl Page {
    /// The line of a front matter key (1 when the page does not set it).
    pub fn key_line(&self, key: &str) -> usize {
        self.key_lines
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, l)| *l)
            .unwrap_or(1)
    }
}

/// A folder's name as a title: `disaster-recovery` → `Disaster recovery`.
fn folder_title(name: &str) -> String {
    let title = name.replace(['-', '_'], " ");
    let mut chars = title.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => title,
    }
}

/// The line of a front matter key in a file's text (1 when not found).
pub fn key_line(text: &str, key: &str) -> usize {
    key_lines(&front_matter::split(text))
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, l)| l)
        .unwrap_or(1)
}

/// The lines of the top-level keys of a front matter block.
fn key_lines(split: &front_matter::Split<'_>) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (i, line) in split.raw.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#', '[']) {
            continue;
        }
        if let Some(end) = line.find([':', '=']) {
            let key = line[..end].trim().trim_matches(['"', '\'']);
            if !key.is_empty() {
                out.push((key.to_string(), split.raw_line + i));
            }
        }
    }
    out
}
