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
use crate::spill::Spill;

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

    /// The name templates see as `kind_id` (as serde writes it).
    pub fn id(self) -> &'static str {
        match self {
            PageKind::Runbook => "runbook",
            PageKind::Troubleshooting => "troubleshooting",
            PageKind::Faq => "faq",
            PageKind::Dr => "dr",
            PageKind::Guide => "guide",
        }
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
    /// The body as HTML: in memory, or set aside until the page is written.
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
    /// Links of the body whose anchor was written in another case than the heading's id
    /// (`#Check-The-Primary`, as GitHub resolves it): (href as written, href with the real
    /// id), applied when the body is written.
    pub anchor_fixes: Vec<(String, String)>,
}

impl Page {
    /// Adds what the written body is made of to a carry-over key: the HTML and its fixes.
    pub fn hash_body_into(&self, h: &mut crate::fingerprint::KeyHasher) {
        self.html.hash_into(h);
        for (from, to) in &self.anchor_fixes {
            h.str(from).str(to);
        }
    }

    /// The body's HTML as it is written: with the anchor fixes applied.
    pub fn body_html(&self) -> Result<Cow<'_, str>, Diagnostic> {
        let html = self.html.html()?;
        if self.anchor_fixes.is_empty() {
            return Ok(html);
        }
        let mut html = html.into_owned();
        for (from, to) in &self.anchor_fixes {
            let from = format!("href=\"{}\"", crate::escape::escape_attr(from));
            let to = format!("href=\"{}\"", crate::escape::escape_attr(to));
            html = html.replace(&from, &to);
        }
        Ok(Cow::Owned(html))
    }
}

/// A page's body as HTML. `serve` keeps it in memory, between rebuilds too; `build` sets it
/// aside on disk ([`Spill`]) until the page is written, so that it does not hold the whole
/// book's HTML at once.
#[derive(Debug, Clone)]
pub enum Body {
    /// Shared, so that a page kept between rebuilds is cheap to reuse.
    Html(Arc<str>),
    Spilled {
        spill: Arc<Spill>,
        at: u64,
        len: usize,
        /// The HTML's hash: what a page's key holds of its body, without reading it back.
        hash: u128,
    },
}

impl Body {
    /// `html`, set aside in `spill` when there is one (and it can take it).
    pub fn new(html: String, spill: Option<&Arc<Spill>>) -> Body {
        if let Some((spill, (at, len))) = spill.and_then(|s| Some((s, s.put(&html)?))) {
            return Body::Spilled {
                spill: spill.clone(),
                at,
                len,
                hash: xxhash_rust::xxh3::xxh3_128(html.as_bytes()),
            };
        }
        Body::Html(html.into())
    }

    /// The HTML. A body that cannot be read back from its spill (the temporary file was
    /// damaged under the build) is an error of the whole build, never a blank page.
    pub fn html(&self) -> Result<Cow<'_, str>, Diagnostic> {
        match self {
            Body::Html(html) => Ok(Cow::Borrowed(html)),
            Body::Spilled { spill, at, len, .. } => spill.get(*at, *len).map(Cow::Owned).ok_or_else(|| {
                Diagnostic::error(
                    "",
                    0,
                    0,
                    "a page's HTML could not be read back from the build's temporary file",
                )
                .with_hint("check the space and health of the temporary folder (TMPDIR), then build again")
            }),
        }
    }

    /// Adds the HTML to `h` (by its hash, the same whether it is in memory or set aside).
    pub fn hash_into(&self, h: &mut crate::fingerprint::KeyHasher) {
        let hash = match self {
            Body::Html(html) => xxhash_rust::xxh3::xxh3_128(html.as_bytes()),
            Body::Spilled { hash, .. } => *hash,
        };
        h.bytes(&hash.to_le_bytes());
    }
}

impl std::hash::Hash for Body {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Body::Html(html) => html.hash(state),
            Body::Spilled { hash, .. } => hash.hash(state),
        }
    }
}

/// Reads one markdown file into a [`Page`]; with `spill`, its HTML is set aside there.
pub fn build_page(
    src: &SourceFile,
    index: &LinkIndex,
    config: &Config,
    spill: Option<&Arc<Spill>>,
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
    let ctx = MarkdownContext::of(src, index, config);
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
    if md.leading_h1.as_deref() == Some(title.as_str()) && html.is_char_boundary(md.leading_h1_len) {
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
    let body_hash = crate::fingerprint::hash_of((
        &html,
        &headings,
        meta.extra.iter().map(|(k, v)| (k, v.to_string())).collect::<Vec<_>>(),
    ));
    let html = Body::new(html, spill);
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
        anchor_fixes: Vec::new(),
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
        anchor_fixes: Vec::new(),
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
