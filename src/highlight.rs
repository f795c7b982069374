//! Code highlighting with syntect: the syntax set is loaded once per process, and spans carry
//! CSS classes (`hl-keyword`), never inline colours, so one stylesheet serves light and one
//! dark. An unknown language is plain escaped code, never an error.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};
use syntect::parsing::{SyntaxReference, SyntaxSet};

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

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

/// The HTML of one code block: `<pre><code class="language-x">` with class-styled spans,
/// inside a wrapper holding a copy button. `lang` is escaped wherever it lands. Blocks seen
/// before (in this process or the last build) come from [`cache`].
/// Frees what highlighting remembers for speed (not the cache): for a build that has
/// highlighted all its code.
pub fn forget_lines() {
    memo::forget_all();
}

pub fn highlight_block(code: &str, lang: &str) -> String {
    cache::get_or_make(lang, code, || make_block(code, lang))
}

fn make_block(code: &str, lang: &str) -> String {
    let lang_attr = escape_attr(lang.split_whitespace().next().unwrap_or(""));
    let mut out = String::with_capacity(code.len() * 2 + 200);
    out.push_str("<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button><pre class=\"highlight\" tabindex=\"0\"><code");
    if !lang_attr.is_empty() {
        out.push_str(" class=\"language-");
        out.push_str(&lang_attr);
        out.push('"');
    }
    out.push('>');
    match find_syntax(lang.split_whitespace().next().unwrap_or("")) {
        Some(syntax) => match memo::highlight_lines(code, syntax, syntax_set(), CLASS_STYLE) {
            Some(html) => out.push_str(&html),
            None => out.push_str(&escape_attr(code)),
        },
        None => out.push_str(&escape_attr(code)),
    }
    out.push_str("</code></pre></div>\n");
    out
}

/// The stylesheets for highlighted code: (light, dark), made once per process.
pub fn stylesheets() -> (String, String) {
    static CSS: OnceLock<(String, String)> = OnceLock::new();
    CSS.get_or_init(make_stylesheets).clone()
}

/// The code background of the default theme's stylesheet (`--code-bg`), light and dark: the
/// highlighting colours are made readable against these.
const LIGHT_CODE_BG: (u8, u8, u8) = (0xf6, 0xf8, 0xfa);
const DARK_CODE_BG: (u8, u8, u8) = (0x15, 0x1b, 0x23);

fn make_stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str, background: (u8, u8, u8)| {
        themes
            .themes
            .get(name)
            .map(|t| readable(t.clone(), background))
            .and_then(|t| css_for_theme_with_class_style(&t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let dark = css("base16-ocean.dark", DARK_CODE_BG);
    // The dark colours apply when the reader chose dark, or when the system is dark and the
    // reader chose nothing: the theme toggle sets `data-theme` on the root element.
    let chosen = scope_css(&dark, ":root[data-theme=dark]");
    let system = scope_css(&dark, ":root:not([data-theme=light])");
    (
        css("InspiredGitHub", LIGHT_CODE_BG),
        format!("{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}}}\n"),
    )
}

/// WCAG AA asks 4.5:1 between text and its background; a little above, so rounding in the
/// browser cannot drop a colour under it.
const MIN_CONTRAST: f64 = 4.6;

/// The theme with every text colour moved toward black (on a light background) or white (on a
/// dark one) until it reaches [`MIN_CONTRAST`] against `background`. Hues are kept; colours that
/// already pass are left alone.
fn readable(mut theme: syntect::highlighting::Theme, background: (u8, u8, u8)) -> syntect::highlighting::Theme {
    let bg = luminance(background);
    let fix = |c: &mut syntect::highlighting::Color| {
        let target = if bg > 0.18 { 0.0 } else { 255.0 };
        let mut rgb = (c.r, c.g, c.b);
        let mut step = 0;
        while contrast(luminance(rgb), bg) < MIN_CONTRAST && step < 20 {
            step += 1;
            let mix = |v: u8| (f64::from(v) + (target - f64::from(v)) * 0.1).round() as u8;
            rgb = (mix(rgb.0), mix(rgb.1), mix(rgb.2));
        }
        (c.r, c.g, c.b) = rgb;
    };
    if let Some(c) = theme.settings.foreground.as_mut() {
        fix(c);
    }
    for item in &mut theme.scopes {
        if let Some(c) = item.style.foreground.as_mut() {
            fix(c);
        }
    }
    theme
}

/// Relative luminance of an sRGB colour (WCAG 2).
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// Prefixes every selector of a stylesheet (rules only, as syntect writes them) with `scope`.
fn scope_css(css: &str, scope: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    for line in css.lines() {
        if let Some(selectors) = line.strip_suffix('{') {
            let scoped: Vec<String> = selectors.split(',').map(|s| format!("{scope} {}", s.trim())).collect();
            out.push_str(&scoped.join(", "));
            out.push_str(" {\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Escapes text for HTML: element content and double- or single-quoted attributes alike.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    // Runs of plain text are copied whole; the five special characters are all ASCII, so a
    // byte scan never splits a character.
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = highlight_block("SELECT 1;\n", "sql");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("language-sql"));
    }

    /// Every `color: #rrggbb` of a stylesheet.
    fn colors(css: &str) -> Vec<(u8, u8, u8)> {
        css.lines()
            .filter_map(|line| line.trim().strip_prefix("color: #"))
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
    fn unknown_language_is_escaped_plain_code() {
        let html = highlight_block("<b>&</b>\n", "weird\"><script>");
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn both_stylesheets_exist() {
        let (light, dark) = stylesheets();
        assert!(light.contains(".hl-"));
        assert!(dark.contains(".hl-"));
    }
}
