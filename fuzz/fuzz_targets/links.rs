//! The link resolver on any destination: no panic, and a link it resolves to a page or file
//! of the book never leaves the site's path prefix.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dest) = std::str::from_utf8(data) else { return };
    let pages = [
        ("runbooks/db/backup.md", "runbooks/db/backup/"),
        ("faq.md", "faq/"),
        ("_index.md", ""),
    ];
    let index = opsbook::links::LinkIndex::new(
        "/book/",
        true,
        pages.iter().copied(),
        ["img/diagram.png"],
        vec!["tasks".into(), "alerts".into()],
    );
    if let Ok((href, Some(_))) = index.resolve("runbooks/db/backup.md", dest) {
        // Browsers strip white space around a URL.
        let href = href.trim();
        // A page or file of the book: under the base path, or this very page (`?q`, `#x`).
        let same_page = href.starts_with('?') || href.starts_with('#');
        assert!(href.starts_with("/book/") || same_page, "{dest:?} resolved to {href:?}");
        let path = href.split(['?', '#']).next().unwrap_or_default();
        assert!(!path.contains("/../"), "{dest:?} resolved to {href:?}");
    }
});
