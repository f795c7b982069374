//! `book.toml` → [`Config`]: the schema, its defaults and its validation live only here.
//!
//! Parsing goes raw → resolved: serde reads [`RawConfig`] with `deny_unknown_fields`, so a
//! typo gets TOML's line and column plus the list of valid keys; [`Config`] then holds
//! absolute paths and filled-in defaults. This module never reads `content/`.

mod edit_url;
mod mdbook;
mod raw;

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{line_col, Diagnostic};
use raw::RawConfig;

/// What the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub output: Option<PathBuf>,
    pub site_url: Option<String>,
    /// Read the checklist's git history for the dashboard (only a build shows it).
    pub history: bool,
    /// Recorded URLs whose removal the user accepts (`--accept-removed`).
    pub accept_removed: Vec<String>,
    /// `check` is strict: a progress table that disagrees with the tasks is an error there,
    /// a warning in a build (the site always shows the computed figures).
    pub strict: bool,
}

impl Config {
    /// Applies what the command line overrides, besides `site.url` (which [`load_config`]
    /// takes, to check it like the file's): the output folder.
    pub fn apply(&mut self, overrides: &Overrides) {
        if let Some(out) = &overrides.output {
            self.output_dir = if out.is_absolute() {
                out.clone()
            } else {
                std::env::current_dir().unwrap_or_default().join(out)
            };
        }
    }

    /// How the content folder is named in messages (`content`).
    pub fn content_display(&self) -> String {
        self.content_dir
            .strip_prefix(&self.root)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_else(|_| self.content_dir.display().to_string())
    }
}

/// The file name of the configuration at the book root.
pub const CONFIG_FILE: &str = "book.toml";

/// What a broken link is: `error` fails the build; `warn` publishes it while it is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BrokenLinks {
    #[default]
    Error,
    Warn,
}

/// The prefixes of generated URLs (`[urls]` renames them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPrefixes {
    pub sections: String,
    pub tasks: String,
    pub alerts: String,
    pub badges: String,
    pub print: String,
    pub search: String,
    pub owners: String,
    pub activities: String,
}

impl UrlPrefixes {
    /// Each prefix with the `[urls]` key that names it, in a fixed order.
    pub fn named(&self) -> Vec<(&'static str, String)> {
        vec![
            ("sections", self.sections.clone()),
            ("tasks", self.tasks.clone()),
            ("alerts", self.alerts.clone()),
            ("badges", self.badges.clone()),
            ("print", self.print.clone()),
            ("search", self.search.clone()),
            ("owners", self.owners.clone()),
            ("activities", self.activities.clone()),
        ]
    }
}

/// The resolved configuration of one book.
#[derive(Debug, Clone)]
pub struct Config {
    /// The book root: the folder holding `book.toml` and `content/`.
    pub root: PathBuf,
    pub title: Option<String>,
    pub description: String,
    pub language: String,
    /// Absolute site URL (`https://acme.github.io/runbooks/`), or just the path when none.
    pub site_url: String,
    /// The path part of `site_url`, always starting and ending with `/`: every link's prefix.
    pub base_path: String,
    pub cname: String,
    pub edit_url: String,
    /// A page's history in the repository, `{path}` standing for its path under content/:
    /// `[site] history-url`, else `edit-url` with its `/edit/` made `/commits/` (GitHub,
    /// GitLab); empty when neither gives one.
    pub history_url: String,
    /// `book.toml` is an mdBook's, read as opsbook's ([`mdbook`]).
    pub from_mdbook: bool,
    pub content_dir: PathBuf,
    pub output_dir: PathBuf,
    pub theme: String,
    /// The checklist's path relative to `content_dir`, with `/` separators.
    pub checklist: String,
    pub lowercase_urls: bool,
    pub allow_raw_html: bool,
    /// Globs (relative to `content_dir`) of files that may reach the site as they are even
    /// though browsers run them (`.html`, `.js`, `.svg`): reviewed like the theme.
    pub trusted_assets: Vec<String>,
    /// Globs (relative to `content_dir`) of files kept out of the site, besides the
    /// well-known non-page files and what `.gitignore` ignores.
    pub ignore: Vec<String>,
    /// `[build] broken-links`: whether a broken link fails the build.
    pub broken_links: BrokenLinks,
    pub stale_after_days: u32,
    /// A section in progress whose tasks have not changed status for this many days is
    /// flagged as stalled (`[progress] stalled-after-days`).
    pub stalled_after_days: u32,
    /// `[print] order`: the kinds of page the print binder puts first, in this order (`dr`,
    /// `runbook`, `troubleshooting`, `faq`, `guide`); the others follow in reading order.
    pub print_order: Vec<&'static str>,
    pub alert_pages: Vec<String>,
    pub serve_host: String,
    pub serve_port: u16,
    pub urls: UrlPrefixes,
    pub params: serde_json::Map<String, serde_json::Value>,
}

impl Config {
    /// True when `site.url` is absolute (`https://…`), so that sitemaps and `link` can print
    /// full URLs.
    pub fn has_absolute_url(&self) -> bool {
        self.site_url.starts_with("http://") || self.site_url.starts_with("https://")
    }

    /// A site path (`tasks/x/`, no leading slash) as a link: the base path prefixed.
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// A site path as an absolute URL when `site.url` is absolute, else as a link.
    pub fn absolute_url(&self, path: &str) -> String {
        if self.has_absolute_url() {
            let after_scheme = self.site_url.find("://").map(|i| i + 3).unwrap_or(0);
            let host_end = self.site_url[after_scheme..]
                .find('/')
                .map(|i| i + after_scheme)
                .unwrap_or(self.site_url.len());
            format!("{}{}", &self.site_url[..host_end], self.link(path))
        } else {
            self.link(path)
        }
    }
}

/// Reads `book.toml` from `root` (every key optional: a missing file gives the defaults).
/// Errors are diagnostics naming `book.toml`, the line and the key.
pub fn load_config(root: &Path, site_url_override: Option<&str>) -> Result<(Config, Option<String>), Vec<Diagnostic>> {
    let path = root.join(CONFIG_FILE);
    let text = match crate::book_fs::read_in_book(root, &path, crate::book_fs::CONFIG_LIMIT) {
        Ok(Some(bytes)) => match String::from_utf8(bytes) {
            Ok(t) => Some(t),
            Err(_) => {
                return Err(vec![Diagnostic::error(
                    CONFIG_FILE,
                    0,
                    0,
                    "book.toml is not valid UTF-8",
                )
                .with_hint("save the file as UTF-8")])
            }
        },
        Ok(None) => None,
        Err(refused) => {
            let hint = refused.hint();
            return Err(vec![Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                format!("cannot read book.toml: {refused}"),
            )
            .with_hint(hint)]);
        }
    };
    let config = parse_config(root, text.as_deref().unwrap_or(""), site_url_override)?;
    Ok((config, text))
}

/// The text of `book.toml`, for showing the lines diagnostics point at: none when it cannot
/// be read as a file of the book (a symlink out of the book is never shown).
pub fn read_config_text(root: &Path) -> Option<String> {
    let bytes = crate::book_fs::read_in_book(root, &root.join(CONFIG_FILE), crate::book_fs::CONFIG_LIMIT).ok()??;
    String::from_utf8(bytes).ok()
}

/// Whether `text` is an mdBook `book.toml`, which opsbook reads as it is.
pub fn is_mdbook(text: &str) -> bool {
    mdbook::read(text).is_some()
}

/// Parses the text of `book.toml` into a resolved [`Config`] for the book at `root`. A file
/// opsbook's schema refuses may be an mdBook's (every mdBook file has a key opsbook's does
/// not), read as [`mdbook`] says; only then is it parsed a second time.
pub fn parse_config(root: &Path, text: &str, site_url_override: Option<&str>) -> Result<Config, Vec<Diagnostic>> {
    let raw: RawConfig = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            if let Some(raw) = mdbook::read(text) {
                let mut config = resolve(root, raw, text, site_url_override)?;
                config.from_mdbook = true;
                return Ok(config);
            }
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let message = e.message().trim().to_string();
            return Err(vec![Diagnostic::error(
                CONFIG_FILE,
                line,
                col,
                format!("invalid book.toml: {message}"),
            )
            .with_hint("see the book.toml section of the README for every key and its type")]);
        }
    };
    resolve(root, raw, text, site_url_override)
}

fn resolve(
    root: &Path,
    raw: RawConfig,
    text: &str,
    site_url_override: Option<&str>,
) -> Result<Config, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let key_error = |key: &str, message: String, hint: &str| {
        let (line, col) = find_key(text, key);
        Diagnostic::error(CONFIG_FILE, line, col, message).with_hint(hint.to_string())
    };
    let site_url = site_url_override
        .map(str::to_string)
        .or(raw.site.url)
        .unwrap_or_else(|| "/".to_string());
    let base_path = match base_path_of(&site_url) {
        Some(p) => p,
        None => {
            errors.push(key_error(
                "site.url",
                format!("`site.url` is not an absolute URL or a path: `{site_url}`"),
                "write it as `https://acme.github.io/runbooks/` or as a path such as `/runbooks/`",
            ));
            "/".to_string()
        }
    };
    let mut urls = UrlPrefixes {
        sections: "sections".into(),
        tasks: "tasks".into(),
        alerts: "alerts".into(),
        badges: "badges".into(),
        print: "print".into(),
        search: "search".into(),
        owners: "owners".into(),
        activities: "activities".into(),
    };
    for (slot, value, key) in [
        (&mut urls.sections, raw.urls.sections, "sections"),
        (&mut urls.tasks, raw.urls.tasks, "tasks"),
        (&mut urls.alerts, raw.urls.alerts, "alerts"),
        (&mut urls.badges, raw.urls.badges, "badges"),
        (&mut urls.print, raw.urls.print, "print"),
        (&mut urls.search, raw.urls.search, "search"),
        (&mut urls.owners, raw.urls.owners, "owners"),
        (&mut urls.activities, raw.urls.activities, "activities"),
    ] {
        if let Some(v) = value {
            let v = v.trim_matches('/').to_string();
            if v.is_empty() || v.contains(['/', '\\', '?', '#', ' ']) || v.starts_with('.') {
                errors.push(key_error(
                    &format!("urls.{key}"),
                    format!("`urls.{key}` must be one URL segment, got `{v}`"),
                    "use a single word such as `checklist-sections`",
                ));
            } else {
                *slot = v;
            }
        }
    }
    let named = urls.named();
    for (i, (key, value)) in named.iter().enumerate() {
        if let Some((other, _)) = named[..i].iter().find(|(_, v)| v == value) {
            errors.push(key_error(
                &format!("urls.{key}"),
                format!("`urls.{key}` and `urls.{other}` are both `{value}`: their pages would overwrite each other"),
                "give each generated prefix its own name",
            ));
        }
    }
    let theme = raw.build.theme.unwrap_or_else(|| "default".into());
    if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        errors.push(key_error(
            "build.theme",
            format!("`build.theme` must be a folder name under themes/, got `{theme}`"),
            "use `default` or the name of a folder under themes/",
        ));
    }
    let checklist = raw
        .build
        .checklist
        .unwrap_or_else(|| "checklist.md".into())
        .replace('\\', "/");
    let content_rel = raw.build.content.unwrap_or_else(|| "content".into());
    let content_path = Path::new(&content_rel);
    if content_path.is_absolute()
        || content_path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        errors.push(key_error(
            "build.content",
            format!("`build.content` must be a folder inside the book, got `{content_rel}`"),
            "content never reaches outside the book: use a path such as `content` or `docs`",
        ));
    }
    let output_rel = raw.build.output.unwrap_or_else(|| "site".into());
    let trusted_assets = raw.build.trusted_assets.unwrap_or_default();
    if let Err(e) = crate::assets::trusted_set(&trusted_assets) {
        errors.push(key_error(
            "build.trusted-assets",
            format!("`build.trusted-assets`: {e}"),
            "write globs relative to the content folder, such as `widgets/**` or `diagrams/*.svg`",
        ));
    }
    let ignore = raw.build.ignore.unwrap_or_default();
    if let Some(e) = ignore
        .iter()
        .find_map(|g| crate::assets::trusted_set(std::slice::from_ref(g)).err())
    {
        errors.push(key_error(
            "build.ignore",
            format!("`build.ignore`: {e}"),
            "write globs relative to the content folder, such as `drafts/**` or `**/OWNERS`",
        ));
    }
    let edit_url = raw.site.edit_url.unwrap_or_default();
    if let Some(scheme) = disallowed_scheme(&edit_url) {
        errors.push(key_error(
            "site.edit-url",
            format!("`site.edit-url` uses the scheme `{scheme}:`; links from configuration may only be http, https, mailto or a path"),
            "write it as `https://github.com/acme/runbooks/edit/main/content/{path}`",
        ));
    }
    let history_url = match raw.site.history_url {
        Some(url) => {
            if let Some(scheme) = disallowed_scheme(&url) {
                errors.push(key_error(
                    "site.history-url",
                    format!("`site.history-url` uses the scheme `{scheme}:`; links from configuration may only be http, https, mailto or a path"),
                    "write it as `https://github.com/acme/runbooks/commits/main/content/{path}`",
                ));
            }
            url
        }
        None => edit_url::history_from_edit_url(&edit_url),
    };
    let serve_host = raw.serve.host.unwrap_or_else(|| "127.0.0.1".into());
    if !is_loopback_host(&serve_host) {
        errors.push(key_error(
            "serve.host",
            format!("`serve.host` is `{serve_host}`, which is not a loopback address"),
            "book.toml can only keep the preview on this machine (127.0.0.1, ::1 or localhost); to show it to other machines, pass `--host` to `opsbook serve` yourself",
        ));
    }
    let params = match serde_json::to_value(&raw.params) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Config {
        root: root.to_path_buf(),
        title: raw.book.title.filter(|t| !t.trim().is_empty()),
        description: raw.book.description.unwrap_or_default(),
        language: raw.book.language.unwrap_or_else(|| "en".into()),
        site_url,
        base_path,
        cname: raw.site.cname.unwrap_or_default().trim().to_string(),
        edit_url,
        history_url,
        from_mdbook: false,
        content_dir: root.join(content_rel),
        output_dir: root.join(output_rel),
        theme,
        checklist,
        lowercase_urls: raw.build.lowercase_urls.unwrap_or(true),
        allow_raw_html: raw.build.allow_raw_html.unwrap_or(false),
        trusted_assets,
        ignore,
        broken_links: raw.build.broken_links.unwrap_or_default(),
        stale_after_days: raw.runbooks.stale_after_days.unwrap_or(180),
        stalled_after_days: raw.progress.stalled_after_days.unwrap_or(21),
        print_order: raw
            .print
            .order
            .unwrap_or_default()
            .into_iter()
            .map(|k| k.id())
            .collect(),
        alert_pages: raw.runbooks.alert_pages.unwrap_or_default(),
        serve_host,
        serve_port: raw.serve.port.unwrap_or(3000),
        urls,
        params,
    })
}

/// The scheme of a URL when it is one links from configuration or front matter may not have
/// (anything but http, https, mailto and tel; a path or a relative URL has none). Spelled as
/// browsers read it: tabs and line breaks inside are ignored, case too.
pub fn disallowed_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    if !cleaned[end..].starts_with(':') {
        return None;
    }
    let scheme = cleaned[..end].to_ascii_lowercase();
    let well_formed = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    match scheme.as_str() {
        "http" | "https" | "mailto" | "tel" => None,
        // `{path}:` or a word with a space is no scheme: a browser reads it as a path.
        _ if !well_formed => None,
        _ => Some(scheme),
    }
}

/// Whether `host` names this machine only (a loopback address or `localhost`).
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The path of a site URL, normalised to start and end with `/`.
/// `https://acme.github.io/runbooks` → `/runbooks/`; `/` → `/`; `ftp:x` → None.
pub fn base_path_of(url: &str) -> Option<String> {
    let url = url.trim();
    let path = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        let host_end = rest.find('/').unwrap_or(rest.len());
        if host_end == 0 {
            return None;
        }
        &rest[host_end..]
    } else if url.starts_with('/') {
        url
    } else if url.is_empty() {
        "/"
    } else {
        return None;
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    if path.contains(['"', '<', '>', ' ', '\\']) {
        return None;
    }
    let trimmed = path.trim_matches('/');
    Some(if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    })
}

/// The (line, col) where `key` is set in a TOML text, for errors found after parsing.
/// `dotted` is `table.key` (`site.url`); only that table's lines are searched.
fn find_key(text: &str, dotted: &str) -> (usize, usize) {
    let (table, key) = dotted.split_once('.').unwrap_or(("", dotted));
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if let Some(header) = t.strip_prefix('[') {
            current = header.split(']').next().unwrap_or("").trim().to_string();
            continue;
        }
        if current != table {
            continue;
        }
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return (i + 1, line.len() - t.len() + 1);
            }
        }
    }
    (0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        parse_config(Path::new("/book"), text, None)
    }

    #[test]
    fn defaults_when_empty() {
        let c = parse("").unwrap();
        assert_eq!(c.base_path, "/");
        assert_eq!(c.content_dir, Path::new("/book/content"));
        assert_eq!(c.output_dir, Path::new("/book/site"));
        assert!(c.lowercase_urls);
        assert!(!c.allow_raw_html);
        assert_eq!(c.stale_after_days, 180);
        assert_eq!(c.serve_port, 3000);
        assert_eq!(c.checklist, "checklist.md");
    }

    #[test]
    fn site_url_path_becomes_base_path() {
        let c = parse("[site]\nurl = \"https://acme.github.io/runbooks\"\n").unwrap();
        assert_eq!(c.base_path, "/runbooks/");
        assert_eq!(c.link("tasks/x/"), "/runbooks/tasks/x/");
        assert_eq!(c.absolute_url("tasks/x/"), "https://acme.github.io/runbooks/tasks/x/");
    }

    #[test]
    fn unknown_key_names_line_and_valid_keys() {
        let err = parse("[book]\ntitle = \"x\"\ntitel = \"y\"\n").unwrap_err();
        assert_eq!(err[0].line, 3);
        assert!(err[0].message.contains("titel"), "{}", err[0].message);
        assert!(err[0].message.contains("description"), "{}", err[0].message);
    }

    #[test]
    fn wrong_type_names_line() {
        let err = parse("[build]\n\nlowercase-urls = \"yes\"\n").unwrap_err();
        assert_eq!(err[0].line, 3);
    }

    #[test]
    fn configuration_urls_are_limited_to_web_schemes() {
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(disallowed_scheme(bad).is_some(), "{bad:?} allowed");
        }
        for good in [
            "https://github.com/a/b/edit/main/{path}",
            "http://x",
            "mailto:a@b",
            "/edit/{path}",
            "edit/{path}",
            "",
        ] {
            assert_eq!(disallowed_scheme(good), None, "{good:?} refused");
        }
        let err = parse("[site]\nedit-url = \"javascript:alert(document.domain)\"\n").unwrap_err();
        assert_eq!((err[0].line, err[0].path.as_str()), (2, "book.toml"));
    }

    #[test]
    fn book_toml_cannot_open_the_preview_to_the_network() {
        for bad in ["0.0.0.0", "::", "192.168.1.5", "example.com"] {
            let err = parse(&format!("[serve]\nhost = \"{bad}\"\n")).unwrap_err();
            assert!(err[0].message.contains("loopback"), "{bad}: {}", err[0].message);
        }
        for good in ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"] {
            assert!(parse(&format!("[serve]\nhost = \"{good}\"\n")).is_ok(), "{good}");
        }
    }

    #[test]
    fn params_reach_config() {
        let c = parse("[params]\nBookRepo = \"https://x\"\n").unwrap();
        assert_eq!(c.params["BookRepo"], "https://x");
    }

    #[test]
    fn a_page_history_comes_from_the_edit_url_of_github_and_gitlab_or_is_set() {
        let history = |site: &str| {
            parse(&format!("[site]\n{site}\n"))
                .map(|c| c.history_url)
                .unwrap_or_default()
        };
        assert_eq!(
            history("edit-url = \"https://github.com/acme/runbooks/edit/main/content/{path}\""),
            "https://github.com/acme/runbooks/commits/main/content/{path}"
        );
        assert_eq!(
            history("edit-url = \"https://gitlab.com/acme/runbooks/-/edit/main/content/{path}\""),
            "https://gitlab.com/acme/runbooks/-/commits/main/content/{path}"
        );
        // A branch or a folder named `edit` stays what it is.
        assert_eq!(
            history("edit-url = \"https://github.com/acme/runbooks/edit/edit/edit/{path}\""),
            "https://github.com/acme/runbooks/commits/edit/edit/{path}"
        );
        assert_eq!(
            history("edit-url = \"https://gitlab.com/acme/runbooks/-/edit/main/edit/{path}\""),
            "https://gitlab.com/acme/runbooks/-/commits/main/edit/{path}"
        );
        assert_eq!(history("edit-url = \"https://example.com/wiki?page={path}\""), "");
        assert_eq!(
            history("history-url = \"https://example.com/log/{path}\""),
            "https://example.com/log/{path}"
        );
    }
}
