//! MkDocs admonitions (`!!! warning "Title"` over an indented body, `???` for the folded
//! kind) as the same callouts as GitHub's `> [!WARNING]`: each becomes the callout's opening
//! HTML, its body unindented (still markdown), and the closing tag, with blank lines between
//! so that the body is read as markdown. Positions map back to the file as written.

use crate::markdown::shortcode::OffsetMap;
use crate::markdown::{callout_open_titled, Callout};

/// The text with its admonitions turned into callouts, and where its bytes were; None when
/// it has none.
pub fn expand(text: &str) -> Option<(String, OffsetMap)> {
    if !text.contains("!!! ") && !text.contains("??? ") && !text.contains("???+ ") {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 256);
    let mut map = OffsetMap::default();
    let mut fence: Option<&str> = None;
    let mut lines = text.split_inclusive('\n').peekable();
    let mut at = 0;
    let mut found = false;
    while let Some(line) = lines.next() {
        let start = at;
        at += line.len();
        let trimmed = line.trim_start();
        // Fenced code is never an admonition.
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            out.push_str(line);
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            out.push_str(line);
            continue;
        }
        let Some((kind, title)) = header(line) else {
            out.push_str(line);
            continue;
        };
        found = true;
        let out_start = out.len();
        out.push_str(&callout_open_titled(kind, title.as_deref()));
        out.push('\n');
        map.push(out_start, out.len(), start, at);
        // The body: lines indented by four spaces or a tab, and blank lines followed by one.
        while let Some(next) = lines.peek() {
            let blank = next.trim().is_empty();
            let indent = if next.starts_with("    ") {
                4
            } else if next.starts_with('\t') {
                1
            } else {
                0
            };
            if !blank && indent == 0 {
                break;
            }
            if blank {
                // A blank line ends the body unless an indented line follows it.
                let mut ahead = lines.clone();
                ahead.next();
                let continues = ahead
                    .find(|l| !l.trim().is_empty())
                    .is_some_and(|l| l.starts_with("    ") || l.starts_with('\t'));
                if !continues {
                    break;
                }
            }
            let Some(next) = lines.next() else { break };
            let line_start = at;
            at += next.len();
            let cut = indent.min(next.len());
            // The indent is dropped: its bytes map to nothing of the output.
            map.push(out.len(), out.len(), line_start, line_start + cut);
            out.push_str(&next[cut..]);
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
        let close_start = out.len();
        out.push_str("\n</div>\n\n");
        map.push(close_start, out.len(), at, at);
    }
    found.then_some((out, map))
}

/// `!!! warning "Title"` → (Warning, Some("Title")); the kind word may be any MkDocs type.
fn header(line: &str) -> Option<(Callout, Option<String>)> {
    let rest = line
        .strip_prefix("!!! ")
        .or_else(|| line.strip_prefix("???+ "))
        .or_else(|| line.strip_prefix("??? "))?
        .trim();
    let (word, title) = match rest.split_once(char::is_whitespace) {
        Some((w, t)) => (
            w,
            Some(t.trim().trim_matches('"').to_string()).filter(|t| !t.is_empty()),
        ),
        None => (rest, None),
    };
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    Some((Callout::from_word(word).unwrap_or(Callout::Note), title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_admonition_becomes_a_callout_around_its_markdown() {
        let text = "Intro.\n\n!!! danger \"Do not restart\"\n    The **primary** must stay up.\n\n    Second paragraph.\n\nAfter.\n```\n!!! note\n    in code\n```\n";
        let (out, map) = expand(text).expect("expanded");
        assert!(
            out.contains("<div class=\"callout callout-caution\" role=\"note\">"),
            "{out}"
        );
        assert!(out.contains("</span>Do not restart</p>"), "{out}");
        assert!(
            out.contains("\nThe **primary** must stay up.\n\nSecond paragraph.\n\n</div>\n"),
            "{out}"
        );
        assert!(
            out.contains("After.\n```\n!!! note\n    in code\n```\n"),
            "code stays: {out}"
        );
        // "primary" in the output is where it was written.
        let o = out.find("**primary**").unwrap();
        assert_eq!(&text[map.original(o)..map.original(o) + 11], "**primary**");
        let a = out.find("After.").unwrap();
        assert_eq!(map.original(a), text.find("After.").unwrap());
        assert!(expand("no admonition here\n").is_none());
    }
}
