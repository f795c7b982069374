//! Plain text as GitHub shows it: bare URLs linked, `:emoji:` shortcodes, and the table of
//! contents `[[_TOC_]]` (GitLab) stands for.

use super::*;

/// Stands where a `[[_TOC_]]` was until the headings are known: text no page writes
/// (private-use characters), which the sanitizer keeps.
pub(super) const TOC_PLACEHOLDER: &str = "\u{E000}opsbook-toc\u{E000}";

/// The page's contents for `[[_TOC_]]`: its second- and third-level headings as nested links.
pub(super) fn toc_html(headings: &[Heading]) -> String {
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
pub(super) fn emoji_shortcodes(text: &str) -> Option<String> {
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

/// Links bare `http(s)://` and `www.` URLs in a text, as GitHub does. None when there is none.
pub(super) fn autolink(text: &str) -> Option<String> {
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
pub(super) fn trim_url(url: &str) -> &str {
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
