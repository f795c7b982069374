//! The theme's templates, compiled with tera: what every rendered page goes through unless
//! `render/page_html.rs` writes it directly. `serve` keeps them compiled while the theme's
//! files stay the same ([`KeptTemplates`]).

use tera::Tera;

use crate::diagnostic::Diagnostic;
use crate::fingerprint::hash_of;
use crate::theme::Theme;

/// Compiles the theme's templates. A syntax error names the template and its line.
pub fn load_templates(theme: &Theme) -> Result<Tera, Diagnostic> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // tera's own escaping also turns `/` into `&#x2F;`; URLs read better (and diff better)
    // with only the characters that matter in HTML escaped.
    tera.set_escape_fn(crate::escape::escape_attr);
    let sources: Vec<(String, String)> = theme.templates.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tera.add_raw_templates(sources).map_err(|e| template_error(theme, &e))?;
    Ok(tera)
}

pub(super) fn template_error(theme: &Theme, e: &tera::Error) -> Diagnostic {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    let name = parts[0].split('\'').nth(1).unwrap_or("").to_string();
    let path = theme
        .overridden
        .get(&name)
        .cloned()
        .unwrap_or_else(|| format!("themes/default/templates/{name}"));
    // A parse error carries its own snippet: ` --> 4:7 | … = expected a value`. Keep the
    // location and the last sentence; the snippet is shown again from the template's text.
    let mut line = 0;
    let mut col = 0;
    let mut words = Vec::new();
    for part in &parts {
        if let Some(rest) = part.split("--> ").nth(1) {
            let mut nums = rest.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty());
            line = nums.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            col = nums.next().and_then(|n| n.parse().ok()).unwrap_or(0);
            let last = part
                .lines()
                .rev()
                .find(|l| l.trim_start().starts_with('='))
                .unwrap_or("");
            words.push(last.trim_start().trim_start_matches('=').trim().to_string());
        } else {
            words.push(part.trim().to_string());
        }
    }
    let message = words
        .into_iter()
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    Diagnostic::error(path, line, col, format!("template error: {message}"))
        .with_hint("fix the template (tera syntax), or delete the override to use the built-in one")
}

/// Compiled templates kept from one build to the next, with the hash of the texts they were
/// compiled from.
#[derive(Default)]
pub struct KeptTemplates(Option<(u64, Tera)>);

/// The theme's templates compiled: those kept in `kept` when the theme's files are the same,
/// else compiled now (and kept).
pub fn compiled<'a>(theme: &Theme, kept: &'a mut KeptTemplates) -> Result<&'a Tera, Diagnostic> {
    let key = hash_of(&theme.templates);
    let tera = match kept.0.take() {
        Some((k, tera)) if k == key => tera,
        _ => load_templates(theme)?,
    };
    Ok(&kept.0.insert((key, tera)).1)
}

/// A template error points into a template: its text lets the error show the line.
pub fn template_text(theme: &Theme, d: &Diagnostic) -> Option<String> {
    let name = d.path.rsplit("/templates/").next().unwrap_or("");
    theme.templates.get(name).cloned()
}
