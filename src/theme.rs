//! The theme: the built-in default (compiled into the binary) with a book's own files laid
//! over it one by one: `themes/<name>/templates/x.html` replaces that template,
//! `themes/<name>/static/**` adds or replaces static files.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/", $name)))),*]
    };
}

/// The default theme's files, relative to `themes/default/`.
pub const DEFAULT_THEME: &[(&str, &str)] = embed![
    "templates/base.html",
    "templates/macros.html",
    "templates/sidebar.html",
    "templates/dashboard.html",
    "templates/section.html",
    "templates/page.html",
    "templates/task.html",
    "templates/alerts.html",
    "templates/owners.html",
    "templates/owner.html",
    "templates/activities.html",
    "templates/activity.html",
    "templates/redirect.html",
    "templates/print.html",
    "templates/404.html",
    "static/style.css",
    "static/opsbook.js",
    "static/favicon.svg",
];

/// Template sources by name (`page.html`) and static files by path (`style.css`).
#[derive(Debug, Default, Clone)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    /// (name, source path for diagnostics) of the templates a book overrides.
    pub overridden: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
}

/// Loads the default theme and lays the book's theme folder (`root/themes/<name>`) over it.
pub fn load_theme(root: &Path, name: &str) -> Result<Theme, Diagnostic> {
    let mut theme = Theme::default();
    for (path, text) in DEFAULT_THEME {
        if let Some(t) = path.strip_prefix("templates/") {
            theme.templates.insert(t.to_string(), (*text).to_string());
        } else if let Some(s) = path.strip_prefix("static/") {
            theme.statics.insert(s.to_string(), text.as_bytes().to_vec());
        }
    }
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        if name == "default" {
            return Ok(theme);
        }
        return Err(Diagnostic::error(
            "book.toml",
            0,
            0,
            format!("theme `{name}` not found: there is no folder themes/{name}/"),
        )
        .with_hint("create the folder, or set `theme = \"default\"` under [build]"));
    }
    if let Err(refused) = crate::book_fs::check_inside(root, &dir) {
        return Err(Diagnostic::error(
            "book.toml",
            0,
            0,
            format!("theme folder themes/{name}/ is not read: {refused}"),
        )
        .with_hint(
            "a theme is code: keep it inside the book, as a real folder, so that it is reviewed with the book",
        ));
    }
    for entry in WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&dir) else {
            continue;
        };
        let rel: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let display = format!("themes/{name}/{}", rel.join("/"));
        let read =
            |p: &Path| std::fs::read(p).map_err(|e| Diagnostic::error(&display, 0, 0, format!("cannot read: {e}")));
        match rel.first().map(String::as_str) {
            Some("templates") if rel.len() >= 2 => {
                let bytes = read(entry.path())?;
                let text = String::from_utf8(bytes).map_err(|_| {
                    Diagnostic::error(&display, 0, 0, "template is not valid UTF-8").with_hint("save it as UTF-8")
                })?;
                let tname = rel[1..].join("/");
                theme.overridden.insert(tname.clone(), display.clone());
                theme.templates.insert(tname, text);
            }
            Some("static") if rel.len() >= 2 => {
                theme.statics.insert(rel[1..].join("/"), read(entry.path())?);
            }
            _ => {}
        }
    }
    Ok(theme)
}
