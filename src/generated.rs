//! Every path opsbook writes itself, in one list: the files at the site's root and the first
//! URL segments of its generated pages. Link checking (a page may link to each), the reserved
//! paths (content may not take their place), the collision check and the renderer all read
//! it here. A leaf: it knows the configuration and nothing of the pipeline.
//!
//! Adding a file at the root is one entry in [`ROOT_FILES`] and one arm in
//! `render::root_file`, which makes its bytes (a test holds the two lists to each other).

use crate::config::Config;

/// When a root file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Always,
    /// Only with an absolute `site.url` (a sitemap lists absolute URLs).
    AbsoluteUrl,
    /// Only with `site.cname` set.
    Cname,
}

/// The files opsbook writes at the site's root.
pub const ROOT_FILES: &[(&str, When)] = &[
    ("progress.json", When::Always),
    ("404.html", When::Always),
    ("feed.xml", When::Always),
    ("calendar.ics", When::Always),
    (".nojekyll", When::Always),
    ("sitemap.xml", When::AbsoluteUrl),
    ("CNAME", When::Cname),
];

/// The root files this book's site has.
pub fn root_files(config: &Config) -> impl Iterator<Item = &'static str> + '_ {
    ROOT_FILES
        .iter()
        .filter(|(_, when)| match when {
            When::Always => true,
            When::AbsoluteUrl => config.has_absolute_url(),
            When::Cname => !config.cname.is_empty(),
        })
        .map(|(path, _)| *path)
}

/// [`root_files`], owned: a page may link to each, and content may not take their place.
pub fn generated_files(config: &Config) -> Vec<String> {
    root_files(config).map(String::from).collect()
}

/// The folder of the theme's static files (stylesheets, scripts) in the site.
pub const THEME_PREFIX: &str = "_theme";

/// The first URL segments opsbook writes itself: the `[urls]` prefixes (tasks, sections,
/// alerts, badges, print, search, owners) and the theme's folder.
pub fn generated_prefixes(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = config.urls.named().into_iter().map(|(_, v)| v).collect();
    out.push(THEME_PREFIX.into());
    out
}

/// The `[urls]` key that names a generated prefix, for hints.
pub fn prefix_key(config: &Config, value: &str) -> Option<&'static str> {
    config
        .urls
        .named()
        .into_iter()
        .find(|(_, v)| v == value)
        .map(|(k, _)| k)
}
