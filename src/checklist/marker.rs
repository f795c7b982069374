//! The marks at the start of a list item: the bullet (`-`, `1.`) and the status marker
//! (`` `{X}` ``, `{ip}`, `[x]`), and the number at the start of a section heading.

use super::Status;

/// A status marker at the start of a list item, as written.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Marker {
    Known(Status),
    Unknown(String),
}

/// Splits a list item's leading bullet (`- `, `* `, `+ `, `1. `, `1) `) from the rest.
pub(super) fn strip_list_marker(s: &str) -> (&str, &str) {
    let t = s.trim_start();
    let lead = s.len() - t.len();
    let n = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && t[digits..].starts_with(['.', ')']) {
            digits + 1
        } else {
            0
        }
    };
    (&s[..lead + n], &s[lead + n..])
}

/// Reads a status marker at the start of `s`; returns it and the bytes it took, including
/// the space after it. `None` when `s` does not start with something marker-shaped.
pub(super) fn parse_marker(s: &str) -> Option<(Marker, usize)> {
    let bytes = s.as_bytes();
    if s.starts_with('[') && bytes.len() >= 3 && bytes[2] == b']' {
        let status = match bytes[1] {
            b' ' => Status::NotStarted,
            b'x' | b'X' => Status::Complete,
            _ => return None,
        };
        if bytes.len() > 3 && bytes[3] != b' ' && bytes[3] != b'\t' && bytes[3] != b'\n' {
            return None;
        }
        return Some((Marker::Known(status), 3 + usize::from(bytes.len() > 3)));
    }
    let tick = usize::from(s.starts_with('`'));
    let rest = &s[tick..];
    if !rest.starts_with('{') {
        return None;
    }
    let close = rest.find('}')?;
    let inner = &rest[1..close];
    // Marker-shaped: up to six letters, digits or marks, in any script, so that a lookalike
    // (`{Х}` with a Cyrillic Х, `{✓}`) is reported rather than silently read as prose.
    if inner.chars().count() > 6
        || inner.starts_with('#')
        || !inner.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    ' ' | '-' | '?' | '!' | '/' | '_' | '✓' | '✔' | '✗' | '✘' | '☐' | '☑' | '☒'
                )
        })
    {
        return None;
    }
    let mut consumed = tick + close + 1;
    if s[consumed..].starts_with('`') {
        consumed += 1;
    } else if tick == 1 {
        return None;
    }
    let status = match inner.trim().to_ascii_uppercase().as_str() {
        "" => Marker::Known(Status::NotStarted),
        "IP" => Marker::Known(Status::InProgress),
        "X" => Marker::Known(Status::Complete),
        "-" => Marker::Known(Status::NotApplicable),
        _ => Marker::Unknown(s[..consumed].trim_matches('`').to_string()),
    };
    if s[consumed..].starts_with([' ', '\t']) {
        consumed += 1;
    }
    Some((status, consumed))
}

/// `4. Database Maintenance` → (Some("4"), "Database Maintenance").
pub(super) fn split_number(heading: &str) -> (Option<String>, String) {
    let digits = heading.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    if digits > 0 && heading.as_bytes()[0].is_ascii_digit() {
        let (num, rest) = heading.split_at(digits);
        if rest.starts_with(' ') && !rest.trim().is_empty() {
            return (Some(num.trim_end_matches('.').to_string()), rest.trim().to_string());
        }
    }
    (None, heading.to_string())
}
