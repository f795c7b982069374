//! Front matter splitting and reading on any text: no panic, the body starts on a character
//! boundary inside the text, and diagnostics point at lines of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // As the build reads files: a BOM dropped, CRLF and lone CR made LF.
    let text = &opsbook::content::normalize_text(text.to_string());
    let split = opsbook::front_matter::split(text);
    assert!(split.body_start <= text.len());
    assert!(text.is_char_boundary(split.body_start));
    let (_meta, diagnostics) = opsbook::front_matter::parse_meta("p.md", &split);
    let lines = text.lines().count().max(1);
    for d in diagnostics {
        assert!(d.line <= lines + 1, "diagnostic line {} of {lines}", d.line);
    }
});
