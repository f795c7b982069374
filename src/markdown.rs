//! The only driver of pulldown-cmark that writes HTML: one page's markdown → HTML, plus what
//! the rest of the pipeline needs to know about it (headings, anchors, links).
//!
//! On the way it gives every heading GitHub's anchor and a visible link, rewrites links to
//! site URLs (through [`LinkIndex`]), links bare URLs, highlights code, and sanitizes raw HTML
//! unless the book allows it.

pub mod admonition;
pub mod shortcode;

use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::escape::escape_attr;
use crate::highlight::highlight_block;
use crate::links::{LinkIndex, Target};
use crate::markdown::shortcode::expand_shortcodes;
use crate::slug::{github_slug, AnchorSet};

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub id: String,
}

/// A link found in a page, resolved, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    /// The URL written in the page's HTML for it.
    pub href: String,
    pub target: Target,
    pub line: usize,
    pub col: usize,
    /// The link's length in characters, as written.
    pub len: usize,
}

#[derive(Debug, Default)]
pub struct RenderedMarkdown {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every id a link may point at: headings, and ids written in raw HTML.
    pub anchors: Vec<String>,
    pub links: Vec<LinkRef>,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of an `#` heading that opened the page, and the length of its HTML at the
    /// start of `html` (the page drops it when it repeats the page's title).
    pub leading_h1: Option<String>,
    pub leading_h1_len: usize,
    /// The page's words for search, as plain text: `text[0]` is what comes before the first
    /// heading, `text[i + 1]` what follows `headings[i]` (code included).
    pub text: Vec<String>,
}

/// What rendering one page needs to know about the book.
pub struct MarkdownContext<'a> {
    /// The file as named in diagnostics (`content/x.md`).
    pub display: &'a str,
    /// The file relative to content/ (`x.md`).
    pub rel: &'a str,
    pub index: &'a LinkIndex,
    pub allow_raw_html: bool,
    pub params: &'a serde_json::Map<String, serde_json::Value>,
}

impl<'a> MarkdownContext<'a> {
    /// The context of one file of the book.
    pub fn of(src: &'a crate::content::SourceFile, index: &'a LinkIndex, config: &'a crate::config::Config) -> Self {
        MarkdownContext {
            display: &src.display,
            rel: &src.rel,
            index,
            allow_raw_html: config.allow_raw_html,
            params: &config.params,
        }
    }
}

fn options() -> Options {
    let mut o = Options::empty();
    // GitHub's alerts: `> [!WARNING]` blockquotes.
    o.insert(Options::ENABLE_GFM);
    o.insert(Options::ENABLE_TABLES);
    o.insert(Options::ENABLE_STRIKETHROUGH);
    o.insert(Options::ENABLE_FOOTNOTES);
    o.insert(Options::ENABLE_TASKLISTS);
    o.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    o
}

struct HeadingCapture<'a> {
    level: HeadingLevel,
    explicit_id: Option<String>,
    events: Vec<Event<'a>>,
    text: String,
}

/// Renders the body of `text` (which starts at `body_start`, after the front matter).
pub fn render_markdown(ctx: &MarkdownContext<'_>, text: &str, body_start: usize) -> RenderedMarkdown {
    let mut r = RenderedMarkdown::default();
    let (body, offsets, sc_diags) = expand_shortcodes(ctx.display, ctx.rel, text, body_start, ctx.params, ctx.index);
    r.diagnostics = sc_diags;
    // MkDocs admonitions, on the text with its shortcodes expanded.
    let (body, admonitions) = match crate::markdown::admonition::expand(&body) {
        Some((expanded, map)) => (std::borrow::Cow::Owned(expanded), Some(map)),
        None => (body, None),
    };
    // Positions are reported in the file as written, before either was expanded.
    let lines = LineIndex::new(text);
    let pos = |off: usize| {
        let off = admonitions.as_ref().map_or(off, |m| m.original(off));
        lines.line_col(body_start + offsets.original(off))
    };

    let mut anchors = AnchorSet::default();
    let mut out: Vec<Event<'_>> = Vec::new();
    let mut heading: Option<HeadingCapture<'_>> = None;
    let mut code: Option<(String, String)> = None;
    let mut link_depth = 0usize;
    let mut seen_block = false;
    let mut raw_html = false;
    // Inside an HTML comment that opens the page.
    let mut in_comment = false;
    // Inside the paragraph of a `[[_TOC_]]`.
    let mut skipping_toc = false;

    let mut pending_text = String::new();
    let mut leading_h1_at = None;
    r.text.push(String::new());
    for (event, range) in Parser::new_ext(&body, options()).into_offset_iter() {
        if !pending_text.is_empty() && !matches!(event, Event::Text(_)) {
            flush_text(&mut pending_text, link_depth, &mut heading, &mut out);
        }
        if heading.is_none() {
            search_text(&mut r.text, &event, code.is_some());
        }
        if skipping_toc {
            if matches!(event, Event::End(TagEnd::Paragraph)) {
                skipping_toc = false;
            }
            continue;
        }
        let event = match event {
            // GitLab's `[[_TOC_]]` and Python-Markdown's `[TOC]` alone in a paragraph: the
            // page's contents, filled in once every heading is known.
            Event::Start(Tag::Paragraph)
                if heading.is_none() && matches!(body[range.clone()].trim(), "[[_TOC_]]" | "[TOC]") =>
            {
                skipping_toc = true;
                seen_block = true;
                out.push(Event::Html(CowStr::from(TOC_PLACEHOLDER)));
                continue;
            }
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some(HeadingCapture {
                    level,
                    explicit_id: id.map(|s| s.to_string()),
                    events: Vec::new(),
                    text: String::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let text = h.text.trim().to_string();
                    let id = anchors.unique(&h.explicit_id.clone().unwrap_or_else(|| github_slug(&text)));
                    let level = h.level as u8;
                    let mut inner = String::new();
                    html::push_html(&mut inner, h.events.into_iter());
                    let id_attr = escape_attr(&id);
                    let tag = format!(
                        "<h{level} id=\"{id_attr}\">{inner}<a class=\"anchor\" href=\"#{id_attr}\" aria-label=\"Link to this section\">#</a></h{level}>\n"
                    );
                    if h.level == HeadingLevel::H1 && !seen_block && r.leading_h1.is_none() {
                        r.leading_h1 = Some(text.clone());
                        leading_h1_at = Some(out.len());
                    }
                    out.push(Event::Html(CowStr::from(tag)));
                    r.headings.push(Heading {
                        level,
                        text,
                        id: id.clone(),
                    });
                    r.text.push(String::new());
                    r.anchors.push(id);
                }
                seen_block = true;
                continue;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    pulldown_cmark::CodeBlockKind::Fenced(info) => info.to_string(),
                    pulldown_cmark::CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                seen_block = true;
                continue;
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, src)) = code.take() {
                    Event::Html(CowStr::from(highlight_block(&src, &lang)))
                } else {
                    continue;
                }
            }
            Event::Text(t) if code.is_some() => {
                if let Some((_, src)) = code.as_mut() {
                    src.push_str(&t);
                }
                continue;
            }
            ev @ (Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. })) => {
                if matches!(ev, Event::Start(Tag::Link { .. })) {
                    link_depth += 1;
                }
                let len = body[range.clone()].chars().count();
                map_dest(ev, |dest| resolve_link(ctx, &mut r, dest, pos(range.start), len))
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                Event::End(TagEnd::Link)
            }
            Event::Text(t) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                pending_text.push_str(&t);
                continue;
            }
            Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                Event::Code(t)
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => Event::Html(CowStr::from(callout_open(callout_of(kind)))),
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html(CowStr::from("</div>\n")),
            // A GFM task list item's box, named for screen readers (an unlabelled checkbox
            // fails WCAG 4.1.2).
            Event::TaskListMarker(done) => Event::InlineHtml(CowStr::from(if done {
                "<input type=\"checkbox\" disabled=\"\" checked=\"\" aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled=\"\" aria-label=\"Not done\"> "
            })),
            Event::Html(h) | Event::InlineHtml(h) => {
                // A licence header or "generated, do not edit" comment before the first
                // heading does not stop that heading from being the page's title.
                // It is dropped, as the sanitizer would drop it: only a comment and nothing
                // after it (`<!-- x --><script>` is raw HTML like any other).
                if !seen_block && heading.is_none() {
                    let t = h.trim();
                    if in_comment || t.starts_with("<!--") {
                        match t.rfind("-->") {
                            Some(end) if t[end + 3..].trim().is_empty() => {
                                in_comment = false;
                                continue;
                            }
                            None => {
                                in_comment = true;
                                continue;
                            }
                            Some(_) => in_comment = false,
                        }
                    } else if t.is_empty() {
                        continue;
                    }
                }
                collect_html_ids(&h, &mut r.anchors);
                if !ctx.allow_raw_html {
                    raw_html = true;
                    if let Some(what) = dangerous_html(&h) {
                        let (line, col) = pos(range.start);
                        r.diagnostics.push(
                            Diagnostic::warning(ctx.display, line, col, format!("raw HTML {what} removed: it would run in readers' browsers"))
                                .with_hint("raw HTML is sanitized; set `allow-raw-html = true` under [build] in book.toml to pass it through"),
                        );
                    }
                }
                // `<img src>` and `<a href>` with relative paths are links like any other:
                // rewritten to site URLs and checked (GitHub resolves them the same way).
                let h = if h.contains("src=") || h.contains("href=") || h.contains("SRC=") || h.contains("HREF=") {
                    let at = pos(range.start);
                    let len = h.trim_end().chars().count();
                    match rewrite_html_links(&h, |dest| resolve_link(ctx, &mut r, dest, at, len)) {
                        Some(new) => CowStr::from(new),
                        None => h,
                    }
                } else {
                    h
                };
                Event::InlineHtml(h)
            }
            other => other,
        };
        // An HTML block's start says nothing yet: its lines decide (a leading comment).
        if heading.is_none() && !matches!(event, Event::End(_) | Event::Start(Tag::HtmlBlock)) {
            seen_block = true;
        }
        push(&mut heading, &mut out, event);
    }

    flush_text(&mut pending_text, link_depth, &mut heading, &mut out);
    // The opening heading is written (and sanitized) apart from the rest, so that the page
    // can drop it by its length whatever the sanitizer does to either part.
    let split = leading_h1_at.map(|i| i + 1).unwrap_or(0).min(out.len());
    let body_events = out.split_off(split);
    let write = |events: Vec<Event<'_>>| {
        let mut html_out = String::with_capacity(body.len() * 3 / 2);
        html::push_html(&mut html_out, events.into_iter());
        if raw_html {
            sanitizer().clean(&html_out).to_string()
        } else {
            html_out
        }
    };
    let h1 = if out.is_empty() { String::new() } else { write(out) };
    r.leading_h1_len = h1.len();
    r.html = h1 + &write(body_events);
    if r.html.contains(TOC_PLACEHOLDER) {
        let toc = toc_html(&r.headings);
        r.html = r.html.replace(TOC_PLACEHOLDER, &toc);
    }
    r
}

/// Raw HTML with the `src` of images and the `href` of links that are paths (not URLs with
/// a scheme, not `#anchors`, not protocol-relative) replaced by `resolve(path)`; None when
/// nothing changed.
fn rewrite_html_links(html: &str, mut resolve: impl FnMut(&str) -> String) -> Option<String> {
    use lol_html::{element, rewrite_str, RewriteStrSettings};
    // The value as written, entities not decoded: one with `&` (`&#106;avascript:`) is left
    // to the sanitizer, never taken for a path.
    let is_path = |v: &str| {
        let v = v.trim();
        !v.is_empty()
            && !v.contains('&')
            && !v.starts_with('#')
            && !v.starts_with("//")
            && crate::config::disallowed_scheme(v).is_none()
            && !v.contains("://")
            && !v.to_ascii_lowercase().starts_with("mailto:")
            && !v.to_ascii_lowercase().starts_with("tel:")
    };
    let changed = std::cell::Cell::new(false);
    let resolve = std::cell::RefCell::new(&mut resolve);
    let out = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("img[src], a[href], source[src]", |el| {
            for attr in ["src", "href"] {
                if let Some(v) = el.get_attribute(attr).filter(|v| is_path(v)) {
                    let new = (resolve.borrow_mut())(v.trim());
                    if new != v {
                        el.set_attribute(attr, &new)?;
                        changed.set(true);
                    }
                }
            }
            Ok(())
        })),
    )
    .ok()?;
    changed.get().then_some(out)
}

/// The kinds of callout: GitHub's five alerts, which MkDocs admonitions and the Hugo book
/// themes' hints map onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callout {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

fn callout_of(kind: pulldown_cmark::BlockQuoteKind) -> Callout {
    use pulldown_cmark::BlockQuoteKind as K;
    match kind {
        K::Note => Callout::Note,
        K::Tip => Callout::Tip,
        K::Important => Callout::Important,
        K::Warning => Callout::Warning,
        K::Caution => Callout::Caution,
    }
}

impl Callout {
    /// The callout a word names (`warning`, `danger`, `info`…), as MkDocs and Hugo themes
    /// spell them; None for a word that is no callout.
    pub fn from_word(word: &str) -> Option<Callout> {
        Some(match word.trim().to_ascii_lowercase().as_str() {
            "note" | "info" | "abstract" | "summary" | "tldr" | "example" | "quote" | "cite" | "question" | "help"
            | "faq" | "todo" | "primary" | "secondary" | "default" => Callout::Note,
            "tip" | "hint" | "success" | "check" | "done" => Callout::Tip,
            "important" => Callout::Important,
            "warning" | "caution-yellow" | "attention" | "warn" => Callout::Warning,
            "caution" | "danger" | "error" | "failure" | "fail" | "missing" | "bug" => Callout::Caution,
            _ => return None,
        })
    }

    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Callout::Note => ("note", "Note", "ℹ"),
            Callout::Tip => ("tip", "Tip", "✓"),
            Callout::Important => ("important", "Important", "‼"),
            Callout::Warning => ("warning", "Warning", "⚠"),
            Callout::Caution => ("caution", "Caution", "⊘"),
        }
    }
}

/// The opening of a callout, up to its body: a `note` region titled with the kind, the icon
/// hidden from screen readers (the title says it).
pub fn callout_open(kind: Callout) -> String {
    callout_open_titled(kind, None)
}

/// [`callout_open`] with a title of the author's (escaped) instead of the kind's name.
pub fn callout_open_titled(kind: Callout, title: Option<&str>) -> String {
    let (class, default_title, icon) = kind.parts();
    let title = title.map(escape_attr).unwrap_or_else(|| default_title.to_string());
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\">{icon}</span>{title}</p>\n"
    )
}

/// Adds what `event` shows of the page's words to the current section of `text`.
fn search_text(text: &mut [String], event: &Event<'_>, in_code: bool) {
    let Some(current) = text.last_mut() else {
        return;
    };
    match event {
        Event::Text(t) | Event::Code(t) => {
            current.push_str(t);
            if in_code {
                current.push(' ');
            }
        }
        Event::End(_) | Event::SoftBreak | Event::HardBreak if !current.is_empty() && !current.ends_with(' ') => {
            current.push(' ');
        }
        _ => {}
    }
}

/// Stands where a `[[_TOC_]]` was until the headings are known: text no page writes
/// (private-use characters), which the sanitizer keeps.
const TOC_PLACEHOLDER: &str = "\u{E000}opsbook-toc\u{E000}";

/// The page's contents for `[[_TOC_]]`: its second- and third-level headings as nested links.
fn toc_html(headings: &[Heading]) -> String {
    let mut out = String::from("<nav class=\"toc-inline\" aria-label=\"Contents of this page\"><ul>");
    let mut in_sub = false;
    for h in headings.iter().filter(|h| h.level == 2 || h.level == 3) {
        match (h.level, in_sub) {
            (3, false) => {
                out.push_str("<ul>");
                in_sub = true;
            }
            (2, true) => {
                out.push_str("</ul>");
                in_sub = false;
            }
            _ => {}
        }
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            escape_attr(&h.id),
            escape_attr(&h.text)
        ));
    }
    if in_sub {
        out.push_str("</ul>");
    }
    out.push_str("</ul></nav>\n");
    out
}

/// `:warning:` and `:white_check_mark:` as the emoji GitHub shows for them (the `emojis`
/// crate's table of GitHub's shortcodes); None when the text has none. A word between
/// colons that is no shortcode (`10:30:00`, `:not-one:`) stays as written.
fn emoji_shortcodes(text: &str) -> Option<String> {
    if !text.contains(':') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find(':') {
        let after = &rest[start + 1..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-')))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with(':') {
            if let Some(emoji) = emojis::get_by_shortcode(&after[..name_len]) {
                out.push_str(&rest[..start]);
                out.push_str(emoji.as_str());
                rest = &after[name_len + 1..];
                changed = true;
                continue;
            }
        }
        out.push_str(&rest[..start + 1]);
        rest = after;
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Emits the text gathered from consecutive text events (pulldown splits text at `_`, `*`
/// and such), with bare URLs linked unless it is a link's own text.
fn flush_text<'a>(
    pending: &mut String,
    link_depth: usize,
    heading: &mut Option<HeadingCapture<'a>>,
    out: &mut Vec<Event<'a>>,
) {
    if pending.is_empty() {
        return;
    }
    let text = std::mem::take(pending);
    let text = match emoji_shortcodes(&text) {
        Some(t) => t,
        None => text,
    };
    let ev = match (link_depth, autolink(&text)) {
        (0, Some(html)) => Event::Html(CowStr::from(html)),
        _ => Event::Text(CowStr::from(text)),
    };
    push(heading, out, ev);
}

fn push<'a>(heading: &mut Option<HeadingCapture<'a>>, out: &mut Vec<Event<'a>>, ev: Event<'a>) {
    match heading.as_mut() {
        Some(h) => h.events.push(ev),
        None => out.push(ev),
    }
}

fn resolve_link(
    ctx: &MarkdownContext<'_>,
    r: &mut RenderedMarkdown,
    dest: &str,
    (line, col): (usize, usize),
    len: usize,
) -> String {
    if !ctx.allow_raw_html && is_script_url(dest) {
        let scheme = dest.split(':').next().unwrap_or("").trim();
        r.diagnostics.push(
            Diagnostic::warning(
                ctx.display,
                line,
                col,
                format!("link to a `{scheme}:` URL removed: it would run in readers' browsers"),
            )
            .with_hint(
                "link to a page or an https:// URL; `allow-raw-html = true` under [build] lets such links through",
            ),
        );
        return "#".to_string();
    }
    if let Some(scheme) = crate::config::disallowed_scheme(dest) {
        // `ttps://…`, `link:https://…`, `file:///…`: no reader's browser follows these.
        r.diagnostics.push(
            Diagnostic::warning(
                ctx.display,
                line,
                col,
                format!("link `{dest}` has the scheme `{scheme}:`, which browsers do not open from a web page"),
            )
            .with_hint("links go to pages of the book (`../dr/restore.md`) or to http, https, mailto or tel URLs: check for a typo")
            .with_len(len),
        );
        return dest.to_string();
    }
    match ctx.index.resolve(ctx.rel, dest) {
        Ok((href, target)) => {
            if let Some(target) = target {
                r.links.push(LinkRef {
                    dest: dest.to_string(),
                    href: href.clone(),
                    target,
                    line,
                    col,
                    len,
                });
            }
            href
        }
        Err(problem) => {
            r.diagnostics.push(
                Diagnostic::error(ctx.display, line, col, problem.message)
                    .with_hint(problem.hint)
                    .with_len(len)
                    .with_code(crate::links::BROKEN_LINK),
            );
            dest.to_string()
        }
    }
}

/// The sanitizer for raw HTML: keeps harmless markup (`<details>`, `<kbd>`, tables) and what
/// opsbook itself writes (classes, ids, the copy button), drops scripts, event handlers and
/// `javascript:` URLs.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class", "id", "aria-hidden", "aria-label", "title", "role"])
            .add_tags([
                "input", "button", "details", "summary", "kbd", "section", "sup", "sub", "mark",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("button", ["type"])
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("pre", ["tabindex"])
            .add_tag_attributes("ol", ["start"])
            .link_rel(None);
        b
    })
}

/// `javascript:`, `vbscript:` and `data:` URLs (other than images) run code when followed.
/// Browsers ignore control characters and white space inside the scheme, so they are
/// dropped before comparing.
fn is_script_url(dest: &str) -> bool {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || (cleaned.starts_with("data:") && !cleaned.starts_with("data:image/"))
}

/// What in a raw HTML fragment would be removed, to warn about it.
fn dangerous_html(h: &str) -> Option<&'static str> {
    let l = h.to_ascii_lowercase();
    for (needle, what) in [
        ("<script", "`<script>`"),
        ("<iframe", "`<iframe>`"),
        ("<object", "`<object>`"),
        ("<embed", "`<embed>`"),
        ("<style", "`<style>`"),
        ("<form", "`<form>`"),
        ("javascript:", "`javascript:` URL"),
        ("vbscript:", "`vbscript:` URL"),
    ] {
        if l.contains(needle) {
            return Some(what);
        }
    }
    let bytes = l.as_bytes();
    for i in 1..bytes.len().saturating_sub(3) {
        if bytes[i] == b'o'
            && bytes[i + 1] == b'n'
            && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' || bytes[i - 1] == b'\n' || bytes[i - 1] == b'/')
        {
            let rest = &l[i + 2..];
            let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
                return Some("event handler (`on…=`)");
            }
        }
    }
    None
}

fn collect_html_ids(h: &str, anchors: &mut Vec<String>) {
    for attr in ["id=\"", "name=\""] {
        let mut rest = h;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                anchors.push(rest[..end].to_string());
            }
        }
    }
}

/// Links bare `http(s)://` and `www.` URLs in a text, as GitHub does. None when there is none.
fn autolink(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 32);
    let mut pos = 0;
    let mut found = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let starts = rest.starts_with("https://") || rest.starts_with("http://") || rest.starts_with("www.");
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric() && bytes[i - 1] != b'/' && bytes[i - 1] != b'@';
        if starts && boundary {
            let len = rest
                .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
                .unwrap_or(rest.len());
            let url = trim_url(&rest[..len]);
            let min = if url.starts_with("www.") {
                5
            } else {
                url.find("://").map(|p| p + 4).unwrap_or(usize::MAX)
            };
            if url.len() >= min {
                found = true;
                out.push_str(&escape_attr(&text[pos..i]));
                let href = if url.starts_with("www.") {
                    format!("http://{url}")
                } else {
                    url.to_string()
                };
                out.push_str(&format!("<a href=\"{}\">{}</a>", escape_attr(&href), escape_attr(url)));
                i += url.len();
                pos = i;
                continue;
            }
        }
        i += rest.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    if !found {
        return None;
    }
    out.push_str(&escape_attr(&text[pos..]));
    Some(out)
}

/// Drops trailing punctuation that ends the sentence rather than the URL, and a closing
/// parenthesis that has no opening one in the URL.
fn trim_url(url: &str) -> &str {
    let mut u = url;
    loop {
        let before = u;
        u = u.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', '*', '_', '~']);
        // A closing bracket the URL did not open is the prose's: `(see https://x)`,
        // `[https://x]`.
        for (open, close) in [('(', ')'), ('[', ']')] {
            if u.ends_with(close) && u.matches(open).count() < u.matches(close).count() {
                u = &u[..u.len() - 1];
            }
        }
        if u == before {
            return u;
        }
    }
}

/// Replaces the destination of a link or image by `f(destination)`; e-mail autolinks and
/// every other event pass unchanged.
fn map_dest<'a>(event: Event<'a>, f: impl FnOnce(&str) -> String) -> Event<'a> {
    match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if link_type != LinkType::Email => Event::Start(Tag::Link {
            link_type,
            dest_url: f(&dest_url).into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: f(&dest_url).into(),
            title,
            id,
        }),
        other => other,
    }
}

/// Renders a short inline markdown text (a task's text or note) to HTML without a paragraph.
/// Links are resolved and checked as in a page, from the file `ctx.rel`; raw HTML is shown as
/// text. Problems are reported at `at` (the task's line and column).
pub fn render_inline(ctx: &MarkdownContext<'_>, markdown: &str, at: (usize, usize)) -> (String, Vec<Diagnostic>) {
    let mut r = RenderedMarkdown::default();
    let mut events = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        events.push(match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => continue,
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            ev @ (Event::Start(Tag::Link { .. }) | Event::Start(Tag::Image { .. })) => {
                map_dest(ev, |dest| resolve_link(ctx, &mut r, dest, at, 1))
            }
            other => other,
        });
    }
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    (out.trim_end().to_string(), r.diagnostics)
}

#[cfg(test)]
mod tests;
