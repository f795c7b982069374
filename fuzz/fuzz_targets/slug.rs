//! Slugging on any text: no panic, ids are short enough for a folder name, hold no slash and
//! are stable (slugging a slug changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let id = opsbook::slug::id_slug(text);
    assert!(id.len() <= 255);
    assert!(!id.contains('/'));
    assert_eq!(opsbook::slug::id_slug(&id), id, "slug of {text:?} is not stable");
    let anchor = opsbook::slug::github_slug(text);
    assert!(!anchor.contains(' '));
    let segment = opsbook::slug::url_segment(text, true);
    assert!(!segment.contains('/'), "{segment:?}");
});
