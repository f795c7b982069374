//! Front matter splitting and reading on any text: no panic, the body starts on a character
//! boundary inside the text, and diagnostics point at lines of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        opsbook::fuzzing::front_matter(text);
    }
});
