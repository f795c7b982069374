//! GitHub's callouts (`> [!NOTE]`) and the boxes they become: one look shared with MkDocs
//! admonitions and the `{{< callout >}}` shortcode.

use super::*;

/// The kinds of callout: GitHub's five alerts, which MkDocs admonitions and the Hugo book
/// themes' hints map onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callout {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

pub(super) fn callout_of(kind: pulldown_cmark::BlockQuoteKind) -> Callout {
    use pulldown_cmark::BlockQuoteKind as K;
    match kind {
        K::Note => Callout::Note,
        K::Tip => Callout::Tip,
        K::Important => Callout::Important,
        K::Warning => Callout::Warning,
        K::Caution => Callout::Caution,
    }
}

impl Callout {
    /// The callout a word names (`warning`, `danger`, `info`…), as MkDocs and Hugo themes
    /// spell them; None for a word that is no callout.
    pub fn from_word(word: &str) -> Option<Callout> {
        Some(match word.trim().to_ascii_lowercase().as_str() {
            "note" | "info" | "abstract" | "summary" | "tldr" | "example" | "quote" | "cite" | "question" | "help"
            | "faq" | "todo" | "primary" | "secondary" | "default" => Callout::Note,
            "tip" | "hint" | "success" | "check" | "done" => Callout::Tip,
            "important" => Callout::Important,
            "warning" | "caution-yellow" | "attention" | "warn" => Callout::Warning,
            "caution" | "danger" | "error" | "failure" | "fail" | "missing" | "bug" => Callout::Caution,
            _ => return None,
        })
    }

    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Callout::Note => ("note", "Note", "ℹ"),
            Callout::Tip => ("tip", "Tip", "✓"),
            Callout::Important => ("important", "Important", "‼"),
            Callout::Warning => ("warning", "Warning", "⚠"),
            Callout::Caution => ("caution", "Caution", "⊘"),
        }
    }
}

/// The opening of a callout, up to its body: a `note` region titled with the kind, the icon
/// hidden from screen readers (the title says it).
pub fn callout_open(kind: Callout) -> String {
    callout_open_titled(kind, None)
}

/// [`callout_open`] with a title of the author's (escaped) instead of the kind's name.
pub fn callout_open_titled(kind: Callout, title: Option<&str>) -> String {
    let (class, default_title, icon) = kind.parts();
    let title = title.map(escape_attr).unwrap_or_else(|| default_title.to_string());
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\">{icon}</span>{title}</p>\n"
    )
}
