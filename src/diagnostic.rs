//! Content problems as values: `Diagnostic {path, line, col, severity, message, hint}`.
//!
//! Every stage returns its diagnostics instead of printing them; the command that ran the
//! pipeline (`cmd/`, through [`render_diagnostics`]) prints them once, sorted, with the offending source line shown by
//! codespan-reporting in the `error: …` / `--> file:line:col` form users know from rustc.

use std::collections::HashMap;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Chars, Config};
use serde::Serialize;

/// How bad a diagnostic is: errors fail the build (exit 1), warnings are only printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the book, located in a file of the book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path shown to the user, relative to the book root (`content/runbooks/x.md`).
    pub path: String,
    /// 1-based line; 0 when the problem is about the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub col: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// How many characters the caret underlines (at least one).
    #[serde(skip)]
    pub len: usize,
    /// A stable name for kinds of problem that options act on (`review`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            message: message.into(),
            hint: None,
            len: 1,
            code: None,
        }
    }

    pub fn warning(path: impl Into<String>, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// Adds the "what to do" sentence shown under the message.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Underlines `len` characters from the column (the whole link or marker).
    pub fn with_len(mut self, len: usize) -> Self {
        self.len = len.max(1);
        self
    }

    /// Names the kind of problem (see [`Diagnostic::code`]).
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, the location as editors and terminals link it.
    pub fn location(&self) -> String {
        match (self.line, self.col) {
            (0, _) => self.path.clone(),
            (l, 0) => format!("{}:{l}", self.path),
            (l, c) => format!("{}:{l}:{c}", self.path),
        }
    }
}

/// Sorts diagnostics by file, line and column so output is stable whatever the stage order.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.severity, &a.message).cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
    });
}

/// Converts a 1-based line and character column into a byte offset of `text`.
pub fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    LineIndex::new(text).offset_of(line, col)
}

/// Converts a byte offset of `text` into a 1-based (line, character column).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before.get(line_start..).map(|s| s.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

/// The start of every line of a text, for turning many byte offsets into (line, column)
/// without rescanning the text each time.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The byte offset of a 1-based line and character column (the line's end when the
    /// column is past it); None past the last line.
    pub fn offset_of(&self, line: usize, col: usize) -> Option<usize> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        // After a final line break there is no line.
        if start == self.text.len() && line > 1 {
            return None;
        }
        let end = self.starts.get(line).copied().unwrap_or(self.text.len());
        let l = self.text.get(start..end)?;
        let col = col.max(1) - 1;
        let within = l
            .char_indices()
            .nth(col)
            .map(|(b, _)| b)
            .unwrap_or(l.trim_end_matches(['\n', '\r']).len());
        Some(start + within)
    }

    /// 1-based (line, character column) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line.max(1) - 1];
        let col = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0) + 1;
        (line.max(1), col)
    }
}

/// Renders diagnostics as text: `error: message`, `--> path:line:col`, the source line and
/// a caret. `sources` maps a diagnostic's path to the file text, when it is known.
pub fn render_diagnostics(diagnostics: &[Diagnostic], sources: &HashMap<String, String>, color: bool) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = HashMap::new();
    let mut config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    config.start_context_lines = 0;
    config.end_context_lines = 0;
    let mut out = Vec::new();
    // Each file's lines are found once, not once per diagnostic (a file may have thousands).
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    // How many of each file's diagnostics were shown, and how many were left out.
    let mut shown: HashMap<&str, (usize, usize)> = HashMap::new();
    for d in diagnostics {
        let count = shown.entry(d.path.as_str()).or_default();
        if count.0 >= PRINTED_PER_FILE {
            count.1 += 1;
            continue;
        }
        count.0 += 1;
        let base = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let mut cs = base.with_message(&d.message);
        let text = sources.get(&d.path);
        let offset = text.and_then(|t| {
            indexes
                .entry(d.path.as_str())
                .or_insert_with(|| LineIndex::new(t))
                .offset_of(d.line, d.col)
        });
        match (text, offset) {
            (Some(text), Some(off)) if d.line > 0 => {
                let id = *ids
                    .entry(d.path.clone())
                    .or_insert_with(|| files.add(d.path.clone(), text.clone()));
                let end = span_end(text, off, d.len);
                cs = cs.with_labels(vec![Label::primary(id, off..end)]);
            }
            _ => {
                // No line to show: the location alone, in the same place as with a snippet.
                let mut text = format!("{}: {}\n  --> {}\n", severity_word(d.severity), d.message, d.location());
                if let Some(h) = &d.hint {
                    text.push_str(&format!("  = help: {h}\n"));
                }
                out.extend_from_slice(text.as_bytes());
                out.push(b'\n');
                continue;
            }
        }
        if let Some(h) = &d.hint {
            cs.notes.push(format!("help: {h}"));
        }
        let mut buf = if color {
            codespan_reporting::term::termcolor::Buffer::ansi()
        } else {
            codespan_reporting::term::termcolor::Buffer::no_color()
        };
        if term::emit(&mut buf, &config, &files, &cs).is_err() {
            buf.clear();
        }
        out.extend_from_slice(buf.as_slice());
    }
    let mut left_out: Vec<(&str, usize)> = shown
        .into_iter()
        .filter(|(_, c)| c.1 > 0)
        .map(|(p, c)| (p, c.1))
        .collect();
    left_out.sort();
    for (path, n) in left_out {
        out.extend_from_slice(
            format!("note: {n} more problem(s) in {path} not shown; `opsbook check --format json` lists every one\n\n")
                .as_bytes(),
        );
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How many diagnostics of one file are printed as text: past that, one note says how many
/// more there are (all of them are counted, and all are in `check --format json`).
pub const PRINTED_PER_FILE: usize = 50;

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The end of a label of `len` characters from `off`, kept on its line.
fn span_end(text: &str, off: usize, len: usize) -> usize {
    let line_end = text[off.min(text.len())..]
        .find('\n')
        .map(|i| off + i)
        .unwrap_or(text.len());
    let end = text[off.min(line_end)..line_end]
        .char_indices()
        .nth(len)
        .map(|(i, _)| off + i)
        .unwrap_or(line_end);
    if end > off {
        end
    } else {
        next_char_boundary(text, off)
    }
}

fn next_char_boundary(text: &str, off: usize) -> usize {
    let mut end = off + 1;
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    if off >= text.len() || text.as_bytes().get(off) == Some(&b'\n') {
        off
    } else {
        end.min(text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_of_lines_and_columns() {
        let text = "ab\né\r\n\nlast\n";
        assert_eq!(offset_of(text, 1, 1), Some(0));
        assert_eq!(offset_of(text, 1, 9), Some(2), "past the end: the line's end");
        assert_eq!(offset_of(text, 2, 2), Some(5), "columns count characters");
        assert_eq!(offset_of(text, 3, 1), Some(7));
        assert_eq!(offset_of(text, 4, 3), Some(10));
        assert_eq!(offset_of(text, 5, 1), None, "no line after the last break");
        assert_eq!(offset_of(text, 0, 1), None);
        assert_eq!(offset_of("", 1, 1), Some(0));
    }

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\ncdé f\n\nlast";
        let index = LineIndex::new(text);
        for off in 0..=text.len() {
            if text.is_char_boundary(off) {
                assert_eq!(index.line_col(off), line_col(text, off), "offset {off}");
            }
        }
    }

    #[test]
    fn line_col_and_offset_round_trip() {
        let text = "ab\ncdé f\n";
        let off = offset_of(text, 2, 5).unwrap();
        assert_eq!(&text[off..off + 1], "f");
        assert_eq!(line_col(text, off), (2, 5));
    }

    #[test]
    fn rendered_error_shows_location_and_line() {
        let d = Diagnostic::error("content/checklist.md", 2, 3, "unknown status marker `{Y}`")
            .with_hint("use `{ }`, `{IP}`, `{X}` or `{-}`");
        let mut sources = HashMap::new();
        sources.insert("content/checklist.md".to_string(), "# T\n- {Y} task\n".to_string());
        let out = render_diagnostics(&[d], &sources, false);
        assert!(out.contains("error: unknown status marker `{Y}`"), "{out}");
        assert!(out.contains("--> content/checklist.md:2:3"), "{out}");
        assert!(out.contains("- {Y} task"), "{out}");
        assert!(out.contains("help: use"), "{out}");
    }
}
