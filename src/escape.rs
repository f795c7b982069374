//! HTML escaping, as the templates escape (tera's escape function is [`escape_attr`]). A leaf.

/// Escapes text for HTML: element content and double- or single-quoted attributes alike.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    escape_into(&mut out, s);
    out
}

/// [`escape_attr`], appended to `out`.
pub fn escape_into(out: &mut String, s: &str) {
    // Runs of plain text are copied whole; the five special characters are all ASCII, so a
    // byte scan never splits a character.
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}
