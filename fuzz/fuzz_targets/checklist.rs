//! The checklist parser on any text: no panic, and every task it finds has an id that is a
//! usable folder name and a line inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        opsbook::fuzzing::checklist(text);
    }
});
