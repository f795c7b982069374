//! The only driver of pulldown-cmark that writes HTML: one page's markdown → HTML, plus what
//! the rest of the pipeline needs to know about it (headings, anchors, links).
//!
//! On the way it gives every heading GitHub's anchor and a visible link, rewrites links to
//! site URLs (through [`LinkIndex`]), links bare URLs, highlights code, and sanitizes raw HTML
//! unless the book allows it.

pub mod admonition;
mod callout;
mod link_rewrite;
mod raw_html;
pub mod shortcode;
mod text;

use callout::callout_of;
pub use callout::{callout_open, callout_open_titled, Callout};
use link_rewrite::*;
use raw_html::*;
use text::*;

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
    r.diagnostics.extend(crate::markdown::shortcode::mdbook_directives(
        ctx.display,
        text,
        body_start,
    ));
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
