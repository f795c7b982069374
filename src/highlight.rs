//! Code highlighting with syntect: the syntax set is loaded once per process, and spans carry
//! CSS classes (`hl-keyword`), never inline colours, so one stylesheet serves light and one
//! dark. An unknown language is plain escaped code, never an error.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

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

/// The HTML of one code block: `<pre><code class="language-x">` with class-styled spans,
/// inside a wrapper holding a copy button. `lang` is escaped wherever it lands.
pub fn highlight_block(code: &str, lang: &str) -> String {
    let lang_attr = escape_attr(lang.split_whitespace().next().unwrap_or(""));
    let mut out = String::with_capacity(code.len() * 2 + 200);
    out.push_str("<div class=\"code-block\"><button class=\"copy\" type=\"button\" aria-label=\"Copy code\">Copy</button><pre class=\"highlight\"><code");
    if !lang_attr.is_empty() {
        out.push_str(" class=\"language-");
        out.push_str(&lang_attr);
        out.push('"');
    }
    out.push('>');
    match find_syntax(lang.split_whitespace().next().unwrap_or("")) {
        Some(syntax) => {
            let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntax_set(), CLASS_STYLE);
            let mut ok = true;
            for line in LinesWithEndings::from(code) {
                if generator.parse_html_for_line_which_includes_newline(line).is_err() {
                    ok = false;
                    break;
                }
            }
            if ok {
                out.push_str(&generator.finalize());
            } else {
                out.push_str(&escape_attr(code));
            }
        }
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

fn make_stylesheets() -> (String, String) {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let dark = css("base16-ocean.dark");
    // The dark colours apply when the reader chose dark, or when the system is dark and the
    // reader chose nothing: the theme toggle sets `data-theme` on the root element.
    let chosen = scope_css(&dark, ":root[data-theme=dark]");
    let system = scope_css(&dark, ":root:not([data-theme=light])");
    (
        css("InspiredGitHub"),
        format!("{chosen}\n@media (prefers-color-scheme: dark) {{\n{system}}}\n"),
    )
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
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
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
