//! Slugs: GitHub's heading anchors, task and section ids, and Hugo-style URL segments.
//!
//! These rules are part of the product's contract: anchors copied from GitHub and URLs
//! published by Hugo must land on the same place here, a year later.

use std::collections::HashMap;

/// GitHub's heading anchor: lowercase, drop every character that is not a letter, a digit,
/// a space, `-` or `_`, then spaces become `-` (`Verify the restore` → `verify-the-restore`).
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            // Lowercasing can add a combining mark (`İ` → `i̇`): dropped as it would be from
            // the text, so that the slug of a slug is the same slug.
            out.extend(
                c.to_lowercase()
                    .filter(|l| l.is_alphanumeric() || *l == '-' || *l == '_'),
            );
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// The id of a task or section: GitHub's slug with runs of `-` folded and no `-` at the ends,
/// so `Create OS & system updates` → `create-os-system-updates`.
pub fn id_slug(text: &str) -> String {
    let raw = github_slug(&text.replace(['/', '.', '&', '+', ':'], " "));
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    cap_id(out)
}

/// The longest id: it becomes a folder name (`/tasks/<id>/`), and file systems refuse names
/// past 255 bytes.
pub const MAX_ID: usize = 200;

/// Cuts an id past [`MAX_ID`] bytes at its last word boundary (`-`) within the limit.
pub(crate) fn cap_id(mut id: String) -> String {
    if id.len() <= MAX_ID {
        return id;
    }
    let mut end = MAX_ID;
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    let cut = id[..end].rfind('-').filter(|&i| i > MAX_ID / 2).unwrap_or(end);
    id.truncate(cut);
    while id.ends_with('-') {
        id.pop();
    }
    id
}

/// Hands out GitHub's de-duplicated anchors within one page: `x`, `x-1`, `x-2`.
#[derive(Debug, Default)]
pub struct AnchorSet {
    seen: HashMap<String, usize>,
}

impl AnchorSet {
    pub fn unique(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        match self.seen.get_mut(base) {
            None => {
                self.seen.insert(base.to_string(), 0);
                base.to_string()
            }
            Some(n) => {
                let mut k = *n;
                let candidate = loop {
                    k += 1;
                    let candidate = format!("{base}-{k}");
                    if !self.seen.contains_key(&candidate) {
                        break candidate;
                    }
                };
                self.seen.insert(base.to_string(), k);
                self.seen.insert(candidate.clone(), 0);
                candidate
            }
        }
    }
}

/// One URL path segment from a file or folder name, as Hugo writes it: spaces become `-`,
/// characters that do not belong in a URL are dropped, letters are lowercased when
/// `lowercase` (Hugo's default). Unicode letters are kept (browsers show them as written).
pub fn url_segment(name: &str, lowercase: bool) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '~') {
            if lowercase {
                out.extend(
                    c.to_lowercase()
                        .filter(|l| l.is_alphanumeric() || matches!(l, '-' | '_' | '.' | '~')),
                );
            } else {
                out.push(c);
            }
        } else if (c.is_whitespace() || c == '+') && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-');
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        "_".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `slug` fuzz target: lowercasing `İ` gives `i` and a combining dot.
    #[test]
    fn the_slug_of_a_slug_is_the_same_slug() {
        for text in ["İstanbul DC failover", "Ⅻ Ǆ ǅ ß ﬁ", "Verify the restore"] {
            let id = id_slug(text);
            assert_eq!(id_slug(&id), id, "{text}");
            let seg = url_segment(text, true);
            assert_eq!(url_segment(&seg, true), seg, "{text}");
        }
    }

    #[test]
    fn github_rules() {
        assert_eq!(github_slug("Verify the restore"), "verify-the-restore");
        assert_eq!(github_slug("What's `pg_dump`?"), "whats-pg_dump");
        assert_eq!(github_slug("A -- B"), "a----b");
        assert_eq!(github_slug("Überprüfung"), "überprüfung");
    }

    #[test]
    fn duplicates_get_counters() {
        let mut a = AnchorSet::default();
        assert_eq!(a.unique("x"), "x");
        assert_eq!(a.unique("x"), "x-1");
        assert_eq!(a.unique("x"), "x-2");
        assert_eq!(a.unique("x-1"), "x-1-1");
    }

    #[test]
    fn ids() {
        assert_eq!(
            id_slug("Implement regular backup procedures"),
            "implement-regular-backup-procedures"
        );
        assert_eq!(id_slug("dapr/dapr (runtime)"), "dapr-dapr-runtime");
        assert_eq!(id_slug("Create OS & system updates"), "create-os-system-updates");
    }

    #[test]
    fn segments() {
        assert_eq!(url_segment("KubePodCrashLooping.md", true), "kubepodcrashlooping.md");
        assert_eq!(url_segment("My Page", true), "my-page");
        assert_eq!(url_segment("My Page", false), "My-Page");
        assert_eq!(url_segment("???", true), "_");
    }
}
