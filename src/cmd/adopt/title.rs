//! The name a repository's documentation already goes by: MkDocs' `site_name` or Hugo's
//! `title`, read from their configuration at the repository's root. Without one the site is
//! named by the checklist or the root page, as any book is.

use std::path::Path;

/// Files that name a site, in the order they are looked at, each with its key and format.
const NAMERS: &[(&str, &str, Format)] = &[
    ("mkdocs.yml", "site_name", Format::Yaml),
    ("mkdocs.yaml", "site_name", Format::Yaml),
    ("hugo.toml", "title", Format::Toml),
    ("hugo.yaml", "title", Format::Yaml),
    ("hugo.yml", "title", Format::Yaml),
    ("config.toml", "title", Format::Toml),
    ("config.yaml", "title", Format::Yaml),
    ("config.yml", "title", Format::Yaml),
    ("config/_default/hugo.toml", "title", Format::Toml),
    ("config/_default/config.toml", "title", Format::Toml),
];

#[derive(Clone, Copy)]
enum Format {
    Yaml,
    Toml,
}

/// The site's name and the file it came from (`("Kube runbooks", "hugo.toml")`).
pub fn find(root: &Path) -> Option<(String, &'static str)> {
    NAMERS.iter().find_map(|&(file, key, format)| {
        // Read as any file of the book is: never through a link out of it, and small.
        let bytes = crate::book_fs::read_in_book(root, &root.join(file), 256 * 1024).ok()??;
        let text = String::from_utf8(bytes).ok()?;
        let value = match format {
            Format::Toml => toml::from_str::<toml::Table>(&text)
                .ok()?
                .remove(key)?
                .as_str()?
                .to_string(),
            // Only the top-level key is wanted: the rest of the file (MkDocs' `!!python/name`
            // tags among it) may be anything.
            Format::Yaml => top_level_yaml(&text, key)?,
        };
        let value = value.trim();
        let plain = !value.is_empty()
            && value.chars().count() <= 80
            && !value.chars().any(|c| c.is_control() || is_bidi_control(c));
        plain.then(|| (value.to_string(), file))
    })
}

/// The characters that reorder text around them (`U+202E` and its kin): a name holding one
/// reads differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A top-level string key of a YAML file, read from its own line.
fn top_level_yaml(text: &str, key: &str) -> Option<String> {
    let line = text.lines().find(|l| {
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })?;
    match serde_yaml_ng::from_str::<serde_yaml_ng::Value>(line).ok()?.get(key)? {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_comes_from_mkdocs_or_hugo() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(find(dir.path()), None);
        std::fs::write(
            dir.path().join("config.toml"),
            "baseURL = \"https://runbooks.example/\"\ntitle = \"Kube runbooks\"\n[params]\ntitle = \"no\"\n",
        )
        .expect("write");
        assert_eq!(find(dir.path()), Some(("Kube runbooks".into(), "config.toml")));
        std::fs::write(
            dir.path().join("mkdocs.yml"),
            "site_name: 'Platform: on-call'\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        )
        .expect("write");
        assert_eq!(find(dir.path()), Some(("Platform: on-call".into(), "mkdocs.yml")));
        std::fs::write(dir.path().join("mkdocs.yml"), "nav:\n  site_name: nested\n").expect("write");
        assert_eq!(find(dir.path()), Some(("Kube runbooks".into(), "config.toml")));
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_read_through_a_link_out_of_the_repository() {
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(outside.path().join("_default")).expect("mkdir");
        std::fs::write(outside.path().join("_default/hugo.toml"), "title = \"SECRET\"\n").expect("write");
        std::fs::write(outside.path().join("mkdocs.yml"), "site_name: SECRET\n").expect("write");
        let dir = tempfile::tempdir().expect("tempdir");
        std::os::unix::fs::symlink(outside.path(), dir.path().join("config")).expect("link");
        std::os::unix::fs::symlink(outside.path().join("mkdocs.yml"), dir.path().join("mkdocs.yml")).expect("link");
        assert_eq!(find(dir.path()), None);
        std::fs::write(dir.path().join("hugo.toml"), "title = \"Ops \u{202E}gnp.exe\"\n").expect("write");
        assert_eq!(find(dir.path()), None, "a name that reorders its text is not taken");
    }
}
