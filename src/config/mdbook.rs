//! An mdBook `book.toml`, read as opsbook's: a repository whose runbooks are an mdBook builds
//! as it is, because both tools read a file of that name and it cannot be renamed for one of
//! them. Only a file that says it is mdBook's (a key opsbook's schema never has) is read this
//! way; any other unknown key stays an error.
//!
//! Taken from it: `[book]` `title`, `description`, `language` and `src` (the content, `src` by
//! default); `[output.html]` `edit-url-template` (its `{path}` is from the book's root, so
//! `src/` is put before ours) and `site-url`. `SUMMARY.md`, mdBook's table of contents, is not a page.
//! Broken links are warnings, as mdBook has them. The rest (`[output.*]`, `[preprocessor.*]`,
//! `[rust]`, `[build]`) is mdBook's own and left to it.

use super::raw::{RawBook, RawConfig};
use super::BrokenLinks;

/// Keys under `[book]` that `mdbook init` writes and opsbook's schema does not have (not
/// `authors` alone: that is a mistake an opsbook author makes too, and stays an error).
const MDBOOK_BOOK_KEYS: &[&str] = &["src", "multilingual"];
/// Tables at the top that only mdBook has.
const MDBOOK_TABLES: &[&str] = &["output", "preprocessor", "rust"];
/// Every key of mdBook's `[book]` and `[build]`: a file with any other is not mdBook's alone.
const MDBOOK_BOOK_ALL: &[&str] = &[
    "title",
    "description",
    "language",
    "src",
    "authors",
    "multilingual",
    "text-direction",
];
const MDBOOK_BUILD_ALL: &[&str] = &[
    "build-dir",
    "create-missing",
    "use-default-preprocessors",
    "extra-watch-dirs",
];

/// The configuration an mdBook `book.toml` gives, or `None` when `text` is not one.
pub(super) fn read(text: &str) -> Option<RawConfig> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let book = table.get("book").and_then(toml::Value::as_table);
    let says_mdbook = MDBOOK_TABLES.iter().any(|t| table.contains_key(*t))
        || book.is_some_and(|b| MDBOOK_BOOK_KEYS.iter().any(|k| b.contains_key(*k)));
    // Nothing of opsbook's beside it: a file that mixes both is opsbook's, and its unknown
    // keys are errors there.
    let only_mdbook = table.iter().all(|(name, value)| match name.as_str() {
        "book" => value
            .as_table()
            .is_some_and(|t| t.keys().all(|k| MDBOOK_BOOK_ALL.contains(&k.as_str()))),
        "build" => value
            .as_table()
            .is_some_and(|t| t.keys().all(|k| MDBOOK_BUILD_ALL.contains(&k.as_str()))),
        name => MDBOOK_TABLES.contains(&name),
    });
    if !(says_mdbook && only_mdbook) {
        return None;
    }
    let string = |t: Option<&toml::Table>, key: &str| {
        t.and_then(|t| t.get(key))
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    };
    let html = table
        .get("output")
        .and_then(|o| o.get("html"))
        .and_then(toml::Value::as_table);
    let mut raw = RawConfig {
        book: RawBook {
            title: string(book, "title"),
            description: string(book, "description"),
            language: string(book, "language"),
        },
        ..RawConfig::default()
    };
    let src = string(book, "src").unwrap_or_else(|| "src".to_string());
    // mdBook's `{path}` is the file's path from the book's root (`src/db/restore.md`); ours is
    // from the content folder.
    let src_prefix = match src.trim_matches('/') {
        "" | "." => String::new(),
        s => format!("{s}/"),
    };
    raw.site.edit_url =
        string(html, "edit-url-template").map(|t| t.replace("{path}", &format!("{src_prefix}{{path}}")));
    let mut ignore = vec!["SUMMARY.md".to_string()];
    if src_prefix.is_empty() {
        // The book's root is the content: opsbook's output and mdBook's are not pages.
        let build_dir = table
            .get("build")
            .and_then(toml::Value::as_table)
            .and_then(|b| b.get("build-dir"))
            .and_then(toml::Value::as_str)
            .unwrap_or("book");
        ignore.push("site/".to_string());
        ignore.push(format!("{}/", build_dir.trim_matches('/')));
    }
    raw.build.content = Some(src);
    raw.build.ignore = Some(ignore);
    raw.build.broken_links = Some(BrokenLinks::Warn);
    raw.site.url = string(html, "site-url");
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mdbook_book_toml_is_told_apart_and_mapped() {
        let text = "[book]\nauthors = [\"Ops\"]\nlanguage = \"en\"\nsrc = \"runbooks\"\ntitle = \"Ops\"\n\n\
                    [output.html]\nedit-url-template = \"https://github.com/acme/ops/edit/main/{path}\"\n\
                    site-url = \"/ops/\"\n\n[preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n";
        let raw = read(text).expect("mdBook's");
        assert_eq!(raw.book.title.as_deref(), Some("Ops"));
        assert_eq!(raw.build.content.as_deref(), Some("runbooks"));
        assert_eq!(
            raw.site.edit_url.as_deref(),
            Some("https://github.com/acme/ops/edit/main/runbooks/{path}")
        );
        assert_eq!(raw.site.url.as_deref(), Some("/ops/"));
        // What `mdbook init` writes, and no more.
        let raw = read("[book]\nauthors = []\nlanguage = \"en\"\nsrc = \"src\"\ntitle = \"Ops\"\n").expect("mdBook's");
        assert_eq!(raw.build.content.as_deref(), Some("src"));
        // Without `src` the content is mdBook's default, src/.
        let raw = read("[book]\ntitle = \"Ops\"\n[output.html]\n").expect("mdBook's");
        assert_eq!(raw.build.content.as_deref(), Some("src"));
        // The book's root as the content: neither tool's output is a page.
        let raw = read("[book]\nsrc = \".\"\n[build]\nbuild-dir = \"public\"\n").expect("mdBook's");
        assert_eq!(
            raw.build.ignore,
            Some(vec![
                "SUMMARY.md".to_string(),
                "site/".to_string(),
                "public/".to_string()
            ])
        );
        // `authors` alone is a mistake in opsbook's file, an error there.
        assert!(read("[book]\ntitle = \"Ops\"\nauthors = [\"SRE\"]\n").is_none());
        // opsbook's own, right or mistyped, is not mdBook's.
        assert!(read("[book]\ntitle = \"Ops\"\n[site]\nedit-url = \"x\"\n").is_none());
        assert!(read("[book]\ntitel = \"Ops\"\n").is_none());
        assert!(read("not toml [").is_none());
        // Both at once: opsbook's, so its unknown keys are errors.
        assert!(read("[book]\ntitle = \"Ops\"\nauthors = []\n[build]\ncontent = \"content\"\n").is_none());
        assert!(read("[book]\nauthors = []\n[site]\nurl = \"/\"\n").is_none());
        assert!(read("[book]\nauthors = []\n[build]\nbuild-dir = \"out\"\n[output.html]\n").is_some());
    }
}
