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
        assert!(href.starts_with("/book/"), "{dest:?} resolved to {href:?}");
        assert!(!href.contains("/../"), "{dest:?} resolved to {href:?}");
    }
});
