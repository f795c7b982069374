//! The properties the fuzz targets under `fuzz/` check, kept here so that the fuzzers
//! (nightly, `scripts/fuzz.sh`) and the stable replay of their corpus in the test suite check
//! the very same things. Each function panics when its input breaks a property.

use crate::links::LinkIndex;

/// The checklist parser: ids fit a folder name, and tasks and diagnostics point at lines the
/// text has.
pub fn checklist(text: &str) {
    let text = crate::content::normalize_text(text.to_string());
    let (checklist, diagnostics) = crate::checklist::parse_checklist("checklist.md", &text);
    let lines = text.lines().count().max(1);
    for (_, task) in checklist.tasks() {
        assert!(task.id.len() <= 255, "task id too long for a folder name");
        assert!(!task.id.contains('/'), "task id {:?} holds a slash", task.id);
        assert!(
            task.line >= 1 && task.line <= lines + 1,
            "task line {} of {lines}",
            task.line
        );
    }
    for d in diagnostics {
        assert!(d.line <= lines + 1, "diagnostic line {} of {lines}", d.line);
    }
}

/// Front matter, read as the build reads files (BOM dropped, line ends made LF): the body
/// starts on a character boundary, and diagnostics point at lines the text has.
pub fn front_matter(text: &str) {
    let text = &crate::content::normalize_text(text.to_string());
    let split = crate::front_matter::split(text);
    assert!(split.body_start <= text.len());
    assert!(text.is_char_boundary(split.body_start));
    let (_meta, diagnostics) = crate::front_matter::parse_meta("p.md", &split);
    let lines = text.lines().count().max(1);
    for d in diagnostics {
        assert!(d.line <= lines + 1, "diagnostic line {} of {lines}", d.line);
    }
}

/// The link resolver: a link it resolves to a page or file of the book stays under the site's
/// path prefix (or on the same page: `?q`, `#x`) and never climbs with `..`.
pub fn links(dest: &str) {
    let pages = [
        ("runbooks/db/backup.md", "runbooks/db/backup/"),
        ("faq.md", "faq/"),
        ("_index.md", ""),
    ];
    let index = LinkIndex::new(
        "/book/",
        true,
        pages.iter().copied(),
        ["img/diagram.png"],
        vec!["tasks".into(), "alerts".into()],
    );
    if let Ok((href, Some(_))) = index.resolve("runbooks/db/backup.md", dest) {
        // Browsers strip white space around a URL.
        let href = href.trim();
        let same_page = href.starts_with('?') || href.starts_with('#');
        assert!(href.starts_with("/book/") || same_page, "{dest:?} resolved to {href:?}");
        let path = href.split(['?', '#']).next().unwrap_or_default();
        assert!(!path.contains("/../"), "{dest:?} resolved to {href:?}");
    }
}

/// Slugs: ids fit a folder name and hold no slash, a slug of a slug is the same slug, and a
/// URL segment holds no slash.
pub fn slug(text: &str) {
    let id = crate::slug::id_slug(text);
    assert!(id.len() <= 255);
    assert!(!id.contains('/'));
    assert_eq!(crate::slug::id_slug(&id), id, "slug of {text:?} is not stable");
    assert!(!crate::slug::github_slug(text).contains(' '));
    assert!(!crate::slug::url_segment(text, true).contains('/'));
}
