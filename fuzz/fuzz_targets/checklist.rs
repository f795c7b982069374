//! The checklist parser on any text: no panic, and every task it finds has an id that is a
//! usable folder name and a line inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text = opsbook::content::normalize_text(text.to_string());
    let (checklist, diagnostics) = opsbook::checklist::parse_checklist("checklist.md", &text);
    let lines = text.lines().count().max(1);
    for (_, task) in checklist.tasks() {
        assert!(task.id.len() <= 255, "task id too long for a folder name");
        assert!(!task.id.contains('/'), "task id {:?} holds a slash", task.id);
        assert!(task.line >= 1 && task.line <= lines + 1, "task line {} of {lines}", task.line);
    }
    for d in diagnostics {
        assert!(d.line <= lines + 1, "diagnostic line {} of {lines}", d.line);
    }
});
