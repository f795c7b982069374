//! Code highlighting with syntect: the syntax set is loaded once per process, and spans carry
//! short CSS classes naming their colours in the light and the dark theme ([`palette`]), never
//! inline colours, so one stylesheet serves light and one dark. An unknown language is plain
//! escaped code, never an error.

use std::sync::OnceLock;

use crate::escape::{escape_attr, escape_into};

use syntect::parsing::{SyntaxReference, SyntaxSet};

fn syntax_set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn find_syntax(lang: &str) -> Option<&'static SyntaxReference> {
    let ss = syntax_set();
    let lang = lang.trim().to_ascii_lowercase();
    let alias = match lang.as_str() {
        "" | "text" | "plain" | "plaintext" | "txt" | "console" | "output" => return None,
        "shell" | "sh" | "zsh" | "bash" | "shellsession" => "bash",
        "yml" => "yaml",
        "py" => "python",
        "js" => "js",
        "postgres" | "postgresql" | "psql" | "mysql" => "sql",
        "golang" => "go",
        other => other,
    };
    ss.find_syntax_by_token(alias)
}

pub mod cache;
mod memo;
mod palette;

/// Frees what highlighting remembers for speed (not the cache): for a build that has
/// highlighted all its code.
pub fn forget_lines() {
    memo::forget_all();
}

/// The HTML of one code block: `<pre><code class="language-x">` with class-styled spans,
/// inside a wrapper holding a copy button. `lang` is escaped wherever it lands. Blocks seen
/// before (in this process or the last build) come from [`cache`].
pub fn highlight_block(code: &str, lang: &str) -> String {
    cache::get_or_make(lang, code, || make_block(code, lang))
}

/// What a block's HTML starts with, for its language: the wrapper, the copy button and the
/// `<code>` tag with the (escaped) language class.
fn block_open(lang: &str) -> String {
    let lang_attr = escape_attr(lang.split_whitespace().next().unwrap_or(""));
    let mut out = String::with_capacity(200);
    out.push_str("<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button><pre class=\"highlight\" tabindex=\"0\"><code");
    if !lang_attr.is_empty() {
        out.push_str(" class=\"language-");
        out.push_str(&lang_attr);
        out.push('"');
    }
    out.push('>');
    out
}

/// What every block's HTML ends with.
const BLOCK_CLOSE: &str = "</code></pre></div>\n";

fn make_block(code: &str, lang: &str) -> String {
    let mut out = block_open(lang);
    out.reserve(code.len() * 2 + BLOCK_CLOSE.len());
    match find_syntax(lang.split_whitespace().next().unwrap_or("")) {
        Some(syntax) => match memo::highlight_lines(code, syntax, syntax_set()) {
            Some(html) => out.push_str(&html),
            None => escape_into(&mut out, code),
        },
        None => escape_into(&mut out, code),
    }
    out.push_str(BLOCK_CLOSE);
    out
}

/// Whether `html` is exactly what [`make_block`] can make of `code` in `lang`: the block's
/// own wrapper around the code's text, escaped, with nothing else than `<span class="…">`
/// runs whose classes are palette names (lowercase letters, digits, spaces). Whatever is read
/// back from a cache file must pass this, so a planted or damaged cache can at most colour
/// the right code wrongly; it can never add markup or change the text.
pub(crate) fn is_block_of(lang: &str, code: &str, html: &str) -> bool {
    let open = block_open(lang);
    let Some(body) = html
        .strip_prefix(open.as_str())
        .and_then(|b| b.strip_suffix(BLOCK_CLOSE))
    else {
        return false;
    };
    let (code, body) = (code.as_bytes(), body.as_bytes());
    let (mut at, mut c, mut in_span) = (0, 0, false);
    while at < body.len() {
        // A run of plain text up to the next tag or entity: the same bytes as the code's
        // next ones, holding none of the characters escaping replaces.
        let next = memchr::memchr2(b'<', b'&', &body[at..]).map_or(body.len(), |i| at + i);
        let run = &body[at..next];
        if !run.is_empty() {
            if memchr::memchr3(b'>', b'"', b'\'', run).is_some() || code.get(c..c + run.len()) != Some(run) {
                return false;
            }
            c += run.len();
            at = next;
            continue;
        }
        let rest = &body[at..];
        if rest[0] == b'<' {
            if let Some(after) = rest.strip_prefix(b"<span class=\"") {
                let Some(end) = memchr::memchr(b'"', after) else {
                    return false;
                };
                let classes = &after[..end];
                let fine = !classes.is_empty()
                    && classes
                        .iter()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b' ');
                if in_span || !fine || after.get(end + 1) != Some(&b'>') {
                    return false;
                }
                in_span = true;
                at += "<span class=\"".len() + end + 2;
            } else if rest.starts_with(b"</span>") && in_span {
                in_span = false;
                at += "</span>".len();
            } else {
                return false;
            }
        } else {
            let Some((entity, ch)) = [
                ("&amp;", b'&'),
                ("&lt;", b'<'),
                ("&gt;", b'>'),
                ("&quot;", b'"'),
                ("&#39;", b'\''),
            ]
            .into_iter()
            .find(|(e, _)| rest.starts_with(e.as_bytes())) else {
                return false;
            };
            if code.get(c) != Some(&ch) {
                return false;
            }
            c += 1;
            at += entity.len();
        }
    }
    !in_span && c == code.len()
}

/// The stylesheets for highlighted code: (light, dark), made once per process.
pub fn stylesheets() -> (String, String) {
    static CSS: OnceLock<(String, String)> = OnceLock::new();
    CSS.get_or_init(palette::stylesheets).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    use palette::{contrast, luminance, DARK_CODE_BG, LIGHT_CODE_BG};

    #[test]
    fn known_language_gets_classes() {
        let html = highlight_block("SELECT 1;\n", "sql");
        assert!(html.contains("<span class=\"l"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("language-sql"));
    }

    /// Every `color: #rrggbb` of a stylesheet.
    fn colors(css: &str) -> Vec<(u8, u8, u8)> {
        css.lines()
            .filter_map(|line| line.split_once("{ color: #").map(|(_, rest)| rest))
            .filter_map(|rest| {
                let hex = rest.get(..6)?;
                let v = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
                Some((v(0)?, v(2)?, v(4)?))
            })
            .collect()
    }

    #[test]
    fn every_highlight_colour_meets_wcag_aa_contrast() {
        let (light, dark) = stylesheets();
        for (css, bg) in [(&light, LIGHT_CODE_BG), (&dark, DARK_CODE_BG)] {
            let found = colors(css);
            assert!(found.len() > 10, "no colours in {css}");
            for c in found {
                let ratio = contrast(luminance(c), luminance(bg));
                assert!(ratio >= 4.5, "{c:?} on {bg:?} has contrast {ratio:.2}");
            }
        }
        // The theme's own colours are kept where they pass: keywords stay the theme's red.
        assert!(light.contains("#a71d5d"), "{light}");
    }

    #[test]
    fn escaping_keeps_text_and_replaces_the_five_specials() {
        assert_eq!(escape_attr("a<b>&\"c' é—x"), "a&lt;b&gt;&amp;&quot;c&#39; é—x");
        assert_eq!(escape_attr("plain"), "plain");
        assert_eq!(escape_attr(""), "");
        assert_eq!(escape_attr("&&"), "&amp;&amp;");
    }

    #[test]
    fn made_blocks_pass_the_cache_check_and_tampered_ones_fail() {
        let code = "SELECT '<b>' & \"x\";\nDROP TABLE t;\n";
        for lang in ["sql", "bash", "nope\"><x>", ""] {
            let html = make_block(code, lang);
            assert!(is_block_of(lang, code, &html), "{lang}: {html}");
        }
        let good = make_block(code, "sql");
        let tampered = [
            good.replacen("SELECT", "<img src=x onerror=alert(1)>SELECT", 1),
            good.replacen("<span class=\"", "<span onclick=\"x\" class=\"", 1),
            good.replacen("DROP", "DR0P", 1),
            good.replacen("language-sql", "language-sql\" onmouseover=\"x", 1),
            good.replacen("</span>", "", 1),
            good.replacen("&lt;", "&#60;", 1),
        ];
        for t in &tampered {
            assert_ne!(t, &good);
            assert!(!is_block_of("sql", code, t), "accepted: {t}");
        }
        assert!(!is_block_of("sql", "other code\n", &good));
    }

    #[test]
    fn unknown_language_is_escaped_plain_code() {
        let html = highlight_block("<b>&</b>\n", "weird\"><script>");
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn both_stylesheets_exist() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".highlight .l0 "), "{light}");
        assert!(dark.contains(":root[data-theme=dark] .highlight .d0 "), "{dark}");
    }
}
