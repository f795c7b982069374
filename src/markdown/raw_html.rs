//! Raw HTML in markdown: links inside it rewritten like markdown links, the sanitizer that
//! keeps content from becoming script, and the ids it declares (link targets).

use super::*;

/// Raw HTML with the `src` of images and the `href` of links that are paths (not URLs with
/// a scheme, not `#anchors`, not protocol-relative) replaced by `resolve(path)`; None when
/// nothing changed.
pub(super) fn rewrite_html_links(html: &str, mut resolve: impl FnMut(&str) -> String) -> Option<String> {
    use lol_html::{element, rewrite_str, RewriteStrSettings};
    // The value as written, entities not decoded: one with `&` (`&#106;avascript:`) is left
    // to the sanitizer, never taken for a path.
    let is_path = |v: &str| {
        let v = v.trim();
        !v.is_empty()
            && !v.contains('&')
            && !v.starts_with('#')
            && !v.starts_with("//")
            && crate::config::disallowed_scheme(v).is_none()
            && !v.contains("://")
            && !v.to_ascii_lowercase().starts_with("mailto:")
            && !v.to_ascii_lowercase().starts_with("tel:")
    };
    let changed = std::cell::Cell::new(false);
    let resolve = std::cell::RefCell::new(&mut resolve);
    let out = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("img[src], a[href], source[src]", |el| {
            for attr in ["src", "href"] {
                if let Some(v) = el.get_attribute(attr).filter(|v| is_path(v)) {
                    let new = (resolve.borrow_mut())(v.trim());
                    if new != v {
                        el.set_attribute(attr, &new)?;
                        changed.set(true);
                    }
                }
            }
            Ok(())
        })),
    )
    .ok()?;
    changed.get().then_some(out)
}

/// The sanitizer for raw HTML: keeps harmless markup (`<details>`, `<kbd>`, tables) and what
/// opsbook itself writes (classes, ids, the copy button), drops scripts, event handlers and
/// `javascript:` URLs.
pub(super) fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_generic_attributes(["class", "id", "aria-hidden", "aria-label", "title", "role"])
            .add_tags([
                "input", "button", "details", "summary", "kbd", "section", "sup", "sub", "mark",
            ])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("button", ["type"])
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("pre", ["tabindex"])
            .add_tag_attributes("ol", ["start"])
            .link_rel(None);
        b
    })
}

/// `javascript:`, `vbscript:` and `data:` URLs (other than images) run code when followed.
/// Browsers ignore control characters and white space inside the scheme, so they are
/// dropped before comparing.
pub(super) fn is_script_url(dest: &str) -> bool {
    let cleaned: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:")
        || cleaned.starts_with("vbscript:")
        || (cleaned.starts_with("data:") && !cleaned.starts_with("data:image/"))
}

/// What in a raw HTML fragment would be removed, to warn about it.
pub(super) fn dangerous_html(h: &str) -> Option<&'static str> {
    let l = h.to_ascii_lowercase();
    for (needle, what) in [
        ("<script", "`<script>`"),
        ("<iframe", "`<iframe>`"),
        ("<object", "`<object>`"),
        ("<embed", "`<embed>`"),
        ("<style", "`<style>`"),
        ("<form", "`<form>`"),
        ("javascript:", "`javascript:` URL"),
        ("vbscript:", "`vbscript:` URL"),
    ] {
        if l.contains(needle) {
            return Some(what);
        }
    }
    let bytes = l.as_bytes();
    for i in 1..bytes.len().saturating_sub(3) {
        if bytes[i] == b'o'
            && bytes[i + 1] == b'n'
            && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t' || bytes[i - 1] == b'\n' || bytes[i - 1] == b'/')
        {
            let rest = &l[i + 2..];
            let name_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            if name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
                return Some("event handler (`on…=`)");
            }
        }
    }
    None
}

pub(super) fn collect_html_ids(h: &str, anchors: &mut Vec<String>) {
    for attr in ["id=\"", "name=\""] {
        let mut rest = h;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                anchors.push(rest[..end].to_string());
            }
        }
    }
}
