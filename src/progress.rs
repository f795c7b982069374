//! Progress arithmetic: task statuses rolled up to sections, groups and the whole checklist,
//! and the checklist's own progress table checked against them or rewritten. Pure.

use serde::Serialize;

use crate::checklist::{Checklist, Section, Status, Task};
use crate::diagnostic::Diagnostic;

/// Counts of one set of tasks. `total` counts only applicable tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    pub total: u32,
    pub complete: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub not_applicable: u32,
    /// `complete / total * 100`, one decimal; 0 when there is no applicable task.
    pub percent: f64,
}

impl Counts {
    pub fn of<'a>(tasks: impl IntoIterator<Item = &'a Task>) -> Counts {
        let mut c = Counts::default();
        for t in tasks {
            match t.status {
                Status::Complete => c.complete += 1,
                Status::InProgress => c.in_progress += 1,
                Status::NotStarted => c.not_started += 1,
                Status::NotApplicable => c.not_applicable += 1,
            }
        }
        c.total = c.complete + c.in_progress + c.not_started;
        c.percent = percent(c.complete, c.total);
        c
    }

    /// `3/65`, as the checklist's table writes it.
    pub fn fraction(&self) -> String {
        format!("{}/{}", self.complete, self.total)
    }
}

/// `part / whole * 100` rounded to one decimal.
pub fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0
    }
}

/// The counts of every section, in checklist order, and of the whole checklist.
pub fn count_checklist(checklist: &Checklist) -> (Vec<Counts>, Counts) {
    let sections = checklist.sections.iter().map(|s| Counts::of(&s.tasks)).collect();
    let total = Counts::of(checklist.sections.iter().flat_map(|s| &s.tasks));
    (sections, total)
}

/// The section a progress table row names (`4. Database Maintenance`, or its id).
pub fn row_section<'a>(checklist: &'a Checklist, label: &str) -> Option<(usize, &'a Section)> {
    let label = label.trim().trim_matches('*').trim();
    let (_, name) = label
        .split_once(". ")
        .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .unwrap_or(("", label));
    checklist
        .sections
        .iter()
        .enumerate()
        .find(|(_, s)| s.title.eq_ignore_ascii_case(name) || s.id == crate::slug::id_slug(name))
}

/// Compares the checklist's progress table with the tasks: a row that disagrees, or names
/// no section, is reported. The site always shows the computed figures.
pub fn check_progress_table(checklist: &Checklist, display: &str) -> Vec<Diagnostic> {
    let (sections, total) = count_checklist(checklist);
    let mut out = Vec::new();
    for row in &checklist.progress_rows {
        let expected = if row.is_total {
            total
        } else {
            match row_section(checklist, &row.label) {
                Some((i, _)) => sections[i],
                None => {
                    out.push(
                        Diagnostic::warning(
                            display,
                            row.line,
                            row.col,
                            format!("progress table row `{}` names no section of the checklist", row.label),
                        )
                        .with_hint("use the section's heading text without its number, or remove the row"),
                    );
                    continue;
                }
            }
        };
        if row.claimed != Some((expected.complete, expected.total)) {
            let written = row
                .claimed
                .map(|(a, b)| format!("{a}/{b}"))
                .unwrap_or_else(|| "no N/M figure".into());
            out.push(
                Diagnostic::error(
                    display,
                    row.line,
                    row.col,
                    format!(
                        "progress table says {written} for `{}`, but its tasks give {}",
                        row.label,
                        expected.fraction()
                    ),
                )
                .with_hint("run `opsbook progress --write` to rewrite the table from the tasks"),
            );
        }
    }
    if let Some(first) = checklist.progress_rows.first() {
        let mut listed = vec![false; checklist.sections.len()];
        for row in checklist.progress_rows.iter().filter(|r| !r.is_total) {
            if let Some((i, _)) = row_section(checklist, &row.label) {
                listed[i] = true;
            }
        }
        for (s, _) in checklist.sections.iter().zip(&listed).filter(|(_, l)| !**l) {
            out.push(
                Diagnostic::warning(
                    display,
                    first.line,
                    1,
                    format!("section `{}` has no row in the progress table", s.title),
                )
                .with_hint(format!(
                    "add a row `| {} | 0/0 | |`; `opsbook progress --write` then fills in its figure",
                    s.title
                )),
            );
        }
    }
    out
}

/// The checklist text with every progress table figure replaced by the computed one; every
/// other byte is kept.
pub fn rewrite_progress_table(text: &str, checklist: &Checklist) -> String {
    let (sections, total) = count_checklist(checklist);
    let mut rows: Vec<_> = checklist.progress_rows.iter().collect();
    rows.sort_by_key(|r| r.figure.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for row in rows {
        let counts = if row.is_total {
            Some(total)
        } else {
            row_section(checklist, &row.label).map(|(i, _)| sections[i])
        };
        let Some(counts) = counts else { continue };
        if row.figure.start < pos || row.figure.end > text.len() {
            continue;
        }
        out.push_str(&text[pos..row.figure.start]);
        let old = &text[row.figure.clone()];
        if row.claimed.is_some() {
            out.push_str(&counts.fraction());
        } else {
            // A cell with no figure: keep its padding, put the figure in.
            let lead = old.len() - old.trim_start().len();
            out.push_str(&old[..lead]);
            out.push_str(&counts.fraction());
            if old.trim().is_empty() {
                out.push(' ');
            }
        }
        pos = row.figure.end;
    }
    out.push_str(&text[pos..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::parse_checklist;

    const TEXT: &str = "# T\n\n## G\n\n### 1. A\n\n- {X} a1\n- {IP} a2\n- {-} a3\n\n### 2. B\n\n- { } b1\n\n| Section | Progress | Notes |\n|---|---|---|\n| A | 0/3 | keep |\n| B | 0/1 | |\n| **TOTAL** | **0/4** | |\n";

    #[test]
    fn counts_leave_not_applicable_out() {
        let (c, _) = parse_checklist("c.md", TEXT);
        let (s, t) = count_checklist(&c);
        assert_eq!(
            (s[0].total, s[0].complete, s[0].not_applicable, s[0].percent),
            (2, 1, 1, 50.0)
        );
        assert_eq!((t.total, t.complete, t.percent), (3, 1, 33.3));
        assert_eq!(percent(3, 65), 4.6);
        assert_eq!(percent(0, 0), 0.0);
    }

    #[test]
    fn disagreeing_rows_are_reported() {
        let (c, _) = parse_checklist("c.md", TEXT);
        let d = check_progress_table(&c, "c.md");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].line, 17);
        assert!(d[0].message.contains("says 0/3"));
        assert!(d[0].message.contains("give 1/2"));
    }

    #[test]
    fn rewrite_keeps_every_other_byte() {
        let (c, _) = parse_checklist("c.md", TEXT);
        let new = rewrite_progress_table(TEXT, &c);
        assert_eq!(
            new,
            TEXT.replace("| A | 0/3 |", "| A | 1/2 |").replace("**0/4**", "**1/3**")
        );
        let (c2, _) = parse_checklist("c.md", &new);
        assert!(check_progress_table(&c2, "c.md").is_empty());
    }
}
