//! The link resolver on any destination: no panic, and a link it resolves to a page or file
//! of the book never leaves the site's path prefix.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        opsbook::fuzzing::links(text);
    }
});
