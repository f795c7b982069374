//! Slugging on any text: no panic, ids are short enough for a folder name, hold no slash and
//! are stable (slugging a slug changes nothing).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        opsbook::fuzzing::slug(text);
    }
});
