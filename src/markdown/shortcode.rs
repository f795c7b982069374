//! Hugo shortcodes that runbook collections use: `{{< ref "x.md" >}}`, `{{< relref "x.md" >}}`
//! and `{{< param NAME >}}`. They are expanded in the markdown source before it is parsed,
//! outside code only. Any other shortcode is shown as written, with a warning.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag};

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::links::LinkIndex;

/// Expands the shortcodes of `text[body_start..]`, a page at `rel` (shown as `display`).
pub fn expand_shortcodes<'t>(
    display: &str,
    rel: &str,
    text: &'t str,
    body_start: usize,
    params: &serde_json::Map<String, serde_json::Value>,
    index: &LinkIndex,
) -> (Cow<'t, str>, OffsetMap, Vec<Diagnostic>) {
    let body = &text[body_start..];
    if !body.contains("{{<") && !body.contains("{{%") {
        return (Cow::Borrowed(body), OffsetMap::default(), Vec::new());
    }
    let mut map = OffsetMap::default();
    let code = code_ranges(body);
    // Made once: a page with thousands of shortcodes must not rescan itself for each, nor a
    // line holding thousands of them count its characters again for each.
    let lines = LineIndex::new(text);
    let mut last: Option<(usize, usize, usize)> = None;
    let mut line_col = |offset: usize| {
        let found = match last {
            Some((at, line, col))
                if at <= offset && text.get(at..offset).is_some_and(|between| !between.contains('\n')) =>
            {
                (line, col + text.get(at..offset).map_or(0, |b| b.chars().count()))
            }
            _ => lines.line_col(offset),
        };
        last = Some((offset, found.0, found.1));
        found
    };
    let mut out = String::with_capacity(body.len());
    let mut diags = Vec::new();
    let mut pos = 0;
    while let Some(found) = find_open(&body[pos..]) {
        let start = pos + found;
        let close = if body[start..].starts_with("{{<") { ">}}" } else { "%}}" };
        let Some(end_rel) = body[start + 3..].find(close) else {
            break;
        };
        let end = start + 3 + end_rel + 3;
        out.push_str(&body[pos..start]);
        pos = end;
        let written = &body[start..end];
        if code.iter().any(|r| r.start <= start && start < r.end) || written.contains('\n') {
            out.push_str(written);
            continue;
        }
        let inner = written[3..written.len() - 3].trim();
        let mut words = inner.split_whitespace();
        let name = words.next().unwrap_or("");
        let arg = inner[name.len()..].trim().trim_matches(['"', '\'', '`']).to_string();
        let (line, col) = line_col(body_start + start);
        let out_start = out.len();
        match name {
            "ref" | "relref" if !arg.is_empty() => out.push_str(&ref_target(rel, &arg, index)),
            // The Hugo book themes' hints and Docsy's alerts: the same callouts as GitHub's
            // `> [!WARNING]`. The markdown between opening and closing stays markdown (an
            // HTML block ends at a blank line, so one is put after the opening and before
            // the closing).
            n if CALLOUT_SHORTCODES.contains(&n) => {
                out.push_str(&crate::markdown::callout_open(callout_kind(n, inner)));
                out.push('\n');
            }
            n if n.strip_prefix('/').is_some_and(|n| CALLOUT_SHORTCODES.contains(&n)) => out.push_str("\n</div>"),
            "param" => match params.get(arg.as_str()) {
                Some(serde_json::Value::String(s)) => out.push_str(s),
                Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => out.push_str(&v.to_string()),
                _ => {
                    diags.push(
                        Diagnostic::warning(
                            display,
                            line,
                            col,
                            format!("`{{{{< param {arg} >}}}}` is not set in book.toml"),
                        )
                        .with_hint(format!("add `{arg} = \"…\"` under `[params]` in book.toml")),
                    );
                    out.push_str(written);
                }
            },
            _ => {
                diags.push(
                    Diagnostic::warning(
                        display,
                        line,
                        col,
                        format!("shortcode `{}` is not supported; it is shown as written", written),
                    )
                    .with_hint("opsbook reads `ref`, `relref`, `param` and the callouts `hint`, `alert`, `notice`; write the content as markdown instead"),
                );
                out.push_str(written);
            }
        }
        map.0.push((out_start, out.len(), start, end));
    }
    out.push_str(&body[pos..]);
    (Cow::Owned(out), map, diags)
}

/// mdBook's `{{#include file}}`, `{{#rustdoc_include …}}`, `{{#playground …}}` and
/// `{{#title …}}`, in code or not: a warning each, since the text shows as written. An
/// included file is not read (what a page shows is its own file's).
pub fn mdbook_directives(display: &str, text: &str, body_start: usize) -> Vec<Diagnostic> {
    let body = &text[body_start..];
    if !body.contains("{{#") {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let mut diags = Vec::new();
    for (at, _) in body.match_indices("{{#") {
        let rest = &body[at + 3..];
        // The name: ASCII letters and `_`, at most 16 of them.
        let name_len = rest
            .bytes()
            .take(17)
            .position(|b| !(b.is_ascii_alphabetic() || b == b'_'))
            .unwrap_or(17);
        let name = &rest[..name_len.min(rest.len())];
        if !matches!(name, "include" | "rustdoc_include" | "playground" | "title") {
            continue;
        }
        // The directive ends on its line, within a few hundred bytes: no search runs past
        // that, so a file full of `{{#` is read once.
        let mut window = rest.len().min(512);
        while !rest.is_char_boundary(window) {
            window -= 1;
        }
        let line_end = rest[..window].find('\n').unwrap_or(window);
        let Some(end) = rest[..line_end].find("}}") else {
            continue;
        };
        let written = &body[at..at + 3 + end + 2];
        let (line, col) = lines.line_col(body_start + at);
        diags.push(
            Diagnostic::warning(
                display,
                line,
                col,
                format!("mdBook's `{written}` is not supported; it is shown as written"),
            )
            .with_hint(if name == "title" {
                "give the page a `title:` in front matter instead".to_string()
            } else {
                "paste the file's lines here, or link to the file instead".to_string()
            }),
        );
        if diags.len() == 20 {
            break;
        }
    }
    diags
}

/// Shortcodes of Hugo themes that are callouts (`{{< hint warning >}}…{{< /hint >}}`).
const CALLOUT_SHORTCODES: &[&str] = &["hint", "alert", "notice", "callout", "admonition"];

/// The kind of a callout shortcode from its words: a kind named alone (`hint danger`) or as
/// `type=`, `color=` or `title=`, else by the shortcode's own name; a note by default.
fn callout_kind(name: &str, inner: &str) -> crate::markdown::Callout {
    use crate::markdown::Callout;
    inner
        .split_whitespace()
        .skip(1)
        .flat_map(|w| {
            let value = w.split_once('=').map(|(_, v)| v).unwrap_or(w);
            Some(value.trim_matches(['"', '\'']))
        })
        .find_map(Callout::from_word)
        .or_else(|| Callout::from_word(name))
        .unwrap_or(Callout::Note)
}

/// Where the expanded text's bytes were in the text as written, so that positions found in
/// the expanded text are reported where the author sees them.
#[derive(Debug, Default)]
pub struct OffsetMap(Vec<(usize, usize, usize, usize)>);

impl OffsetMap {
    /// Records that `out_start..out_end` of the expanded text stands for
    /// `orig_start..orig_end` of the written one (segments in increasing order).
    pub fn push(&mut self, out_start: usize, out_end: usize, orig_start: usize, orig_end: usize) {
        self.0.push((out_start, out_end, orig_start, orig_end));
    }

    /// The offset in the written body of offset `o` of the expanded body.
    pub fn original(&self, o: usize) -> usize {
        let k = self.0.partition_point(|&(out_start, ..)| out_start <= o);
        match k.checked_sub(1).map(|k| self.0[k]) {
            None => o,
            Some((_, out_end, orig_start, _)) if o < out_end => orig_start,
            Some((_, out_end, _, orig_end)) => orig_end + (o - out_end),
        }
    }
}

fn find_open(s: &str) -> Option<usize> {
    // One scan to the first opening: looking for each kind separately would scan to the end
    // for the kind a page does not use, at every shortcode (quadratic in their number).
    let mut from = 0;
    while let Some(i) = s[from..].find("{{") {
        let at = from + i;
        if matches!(s.as_bytes().get(at + 2), Some(b'<' | b'%')) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// A ref's target as a link: relative to the page when that file exists, else from the
/// content root, as Hugo looks them up.
fn ref_target(rel: &str, arg: &str, index: &LinkIndex) -> String {
    let (path, frag) = match arg.split_once('#') {
        Some((p, f)) => (p, format!("#{f}")),
        None => (arg, String::new()),
    };
    if path.starts_with('/') || path.is_empty() {
        return arg.to_string();
    }
    let dir = rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let local = if dir.is_empty() {
        path.trim_start_matches("./").to_string()
    } else {
        format!("{dir}/{}", path.trim_start_matches("./"))
    };
    if index.has_page(&local) || path.starts_with("..") {
        return arg.replace(' ', "%20");
    }
    if index.has_page(path) {
        return format!("/{path}{frag}");
    }
    arg.replace(' ', "%20")
}

/// Byte ranges of code spans and code blocks, where shortcodes are text.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (ev, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        match ev {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) | Event::Html(_) | Event::InlineHtml(_) => out.push(range),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        LinkIndex::new(
            "/",
            true,
            [("runbooks/node/A.md", "runbooks/node/a/"), ("docs/x.md", "docs/x/")],
            [],
            vec![],
        )
    }

    #[test]
    fn ref_and_param_expand_outside_code() {
        let mut params = serde_json::Map::new();
        params.insert("BookRepo".into(), "https://github.com/acme/rb".into());
        let text = "See [a]({{< ref \"./A.md\" >}}) and [x]({{< relref \"docs/x.md\" >}}).\n[new]({{< param BookRepo >}}/new)\n`{{< ref \"A.md\" >}}`\n";
        let (out, _, d) = expand_shortcodes("p.md", "runbooks/node/B.md", text, 0, &params, &index());
        assert!(d.is_empty(), "{d:?}");
        assert!(out.contains("[a](./A.md)"), "{out}");
        assert!(out.contains("[x](/docs/x.md)"), "{out}");
        assert!(out.contains("[new](https://github.com/acme/rb/new)"), "{out}");
        assert!(out.contains("`{{< ref \"A.md\" >}}`"), "{out}");
    }

    #[test]
    fn unknown_shortcode_and_unset_param_warn_at_their_line() {
        let text = "one\n{{< youtube abc >}}\n{{< param Nope >}}\n";
        let (out, _, d) = expand_shortcodes("p.md", "p.md", text, 0, &serde_json::Map::new(), &index());
        assert_eq!(out, text);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].col), (2, 1));
        assert!(d[1].message.contains("not set"));
    }

    #[test]
    fn shortcodes_on_one_line_are_placed_by_character() {
        let text = "é {{< param A >}} ü {{< param B >}}\nx {{< param C >}}\n";
        let (_, _, d) = expand_shortcodes("p.md", "p.md", text, 0, &serde_json::Map::new(), &index());
        let at: Vec<(usize, usize)> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(at, [(1, 3), (1, 21), (2, 3)]);
    }

    #[test]
    fn hugo_hints_become_callouts_around_markdown() {
        let text = "{{< hint danger >}}\n**Stop** first.\n{{< /hint >}}\n{{% alert title=\"Warning\" color=\"warning\" %}}\nx\n{{% /alert %}}\n";
        let (out, _, d) = expand_shortcodes("p.md", "p.md", text, 0, &serde_json::Map::new(), &index());
        assert!(d.is_empty(), "{d:?}");
        assert!(out.starts_with("<div class=\"callout callout-caution\""), "{out}");
        assert!(
            out.contains("</p>\n\n") && out.contains("**Stop** first.\n\n</div>"),
            "{out}"
        );
        assert!(out.contains("callout-warning"), "{out}");
    }
}
