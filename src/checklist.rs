//! The maintenance checklist: markdown text → [`Checklist`] of groups, sections and tasks.
//!
//! Pure: `&str` in, values and diagnostics out, no HTML and no I/O. pulldown-cmark gives the
//! structure (headings, lists, tables, and the fenced code that must be ignored); each list
//! item's status marker is read from its source text, so that `` `{X}` ``, `{X}`, `{x}` and
//! GitHub's `[x]` all mean the same thing and positions are exact for error messages.

mod marker;
mod scan;
mod table;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::front_matter;
use crate::slug::id_slug;
use marker::{split_number, Marker};
use scan::{scan, HeadingInfo, Scan};

/// What state a task is in. `NotApplicable` tasks are left out of every denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    InProgress,
    Complete,
    NotApplicable,
}

impl Status {
    /// The snake_case name used in `progress.json` and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Complete => "complete",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// The words shown to readers.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "Not started",
            Status::InProgress => "In progress",
            Status::Complete => "Complete",
            Status::NotApplicable => "Not applicable",
        }
    }
}

/// A note under a task: a nested list item, kept as its markdown source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    /// 1 for items directly under the task, 2 below those, …
    pub depth: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    /// The task's text as markdown (inline code, links), without marker and `{#id}`.
    pub text: String,
    /// The same text with markup removed: what ids, titles and search use.
    pub title: String,
    pub status: Status,
    pub line: usize,
    pub col: usize,
    pub notes: Vec<Note>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: String,
    /// The leading number of the heading (`4` of `### 4. Database Maintenance`).
    pub number: Option<String>,
    pub title: String,
    pub group: Option<String>,
    pub line: usize,
    pub tasks: Vec<Task>,
}

/// One row of the checklist's own progress table (`| Database Maintenance | 1/5 | |`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressRow {
    pub label: String,
    pub line: usize,
    pub col: usize,
    /// Byte range in the checklist text of the `N/M` figure (or of the whole cell, when it
    /// holds no figure): what `progress --write` replaces.
    pub figure: Range<usize>,
    /// The figure as written, when it parses as `N/M`.
    pub claimed: Option<(u32, u32)>,
    pub is_total: bool,
    /// The row's Notes cell as written (markdown; empty without one).
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklist {
    /// The first `#` heading; empty when the file has none.
    pub title: String,
    pub sections: Vec<Section>,
    pub progress_rows: Vec<ProgressRow>,
    /// Everything that is not a task list, a section or group heading, the title or the
    /// progress table: the intro, the legend, "Ongoing Activities". Markdown, with removed
    /// parts replaced by their newlines so that line numbers still match the file.
    pub prose: String,
    /// The prose before the first group or section (the introduction and the legend), in
    /// the same form; `prose` then holds only what comes after.
    pub intro: String,
}

impl Checklist {
    pub fn tasks(&self) -> impl Iterator<Item = (&Section, &Task)> {
        self.sections.iter().flat_map(|s| s.tasks.iter().map(move |t| (s, t)))
    }

    /// Group names in checklist order, each once.
    pub fn groups(&self) -> Vec<Option<&str>> {
        let mut out: Vec<Option<&str>> = Vec::new();
        for s in &self.sections {
            let g = s.group.as_deref();
            if out.last() != Some(&g) {
                out.push(g);
            }
        }
        out
    }
}

/// `4. Database Maintenance` → (Some("4"), "Database Maintenance"), as section headings
/// are read.
pub fn split_section_number(heading: &str) -> (Option<String>, String) {
    split_number(heading)
}

/// Whether a heading names the recurring activities (see `crate::activities`): the items
/// under it are never tasks (`## Ongoing Activities`,
/// `### 14. Ongoing activities`).
pub fn is_activities_heading(text: &str) -> bool {
    let (_, name) = split_number(text.trim());
    let name = name.trim().trim_end_matches(':').to_ascii_lowercase();
    matches!(
        name.as_str(),
        "ongoing activities" | "recurring activities" | "routine activities" | "recurring maintenance"
    )
}

/// The status a task's line is marked with, and the line without its marker: two versions
/// of a line that differ only in status share the second (see `history`, which reads
/// thousands of versions of a checklist without parsing each).
pub fn line_status(line: &str) -> Option<(Status, String)> {
    let (bullet, rest) = marker::strip_list_marker(line);
    let trimmed = rest.trim_start();
    let (Marker::Known(status), consumed) = marker::parse_marker(trimmed)? else {
        return None;
    };
    let lead = rest.len() - trimmed.len();
    Some((status, format!("{bullet}{}{}", &rest[..lead], &trimmed[consumed..])))
}

/// Parses a checklist file. `path` is only used to name the file in diagnostics.
pub fn parse_checklist(path: &str, text: &str) -> (Checklist, Vec<Diagnostic>) {
    let body_start = front_matter::body_offset(text);
    let lines = LineIndex::new(text);
    let Scan {
        headings,
        pending,
        task_lists,
        progress_rows,
        mut excluded,
    } = scan(text, body_start);
    let mut progress_rows = progress_rows;
    for row in &mut progress_rows {
        (row.line, row.col) = lines.line_col(row.figure.start);
    }
    let mut diagnostics = Vec::new();
    let title = headings
        .iter()
        .find(|h| h.is_title)
        .map(|h| h.text.clone())
        .unwrap_or_default();
    let has_subheadings = headings.iter().any(|h| !h.is_title);
    let mut sections: Vec<Section> = Vec::new();
    let mut section_of_heading: HashMap<Option<usize>, usize> = HashMap::new();
    let mut group_headings: HashSet<usize> = HashSet::new();
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    let mut task_lines: HashMap<String, (usize, usize)> = HashMap::new();

    for p in pending {
        let heading = p.heading.filter(|&h| !headings[h].is_title);
        if heading.is_none() && has_subheadings {
            continue; // the legend under the title: explains the markers, holds no tasks
        }
        let status = match p.marker {
            Marker::Known(s) => s,
            Marker::Unknown(m) => {
                let (line, col) = lines.line_col(p.marker_offset);
                diagnostics.push(
                    Diagnostic::error(path, line, col, format!("unknown status marker `{m}`"))
                        .with_hint(
                            "use `{ }` (not started), `{IP}` (in progress), `{X}` (complete) or `{-}` (not applicable)",
                        )
                        .with_len(m.chars().count() + if text[p.marker_offset..].starts_with('`') { 2 } else { 0 }),
                );
                continue;
            }
        };
        let idx = *section_of_heading.entry(heading).or_insert_with(|| {
            let (number, name, line, group) = match heading {
                Some(h) => {
                    let (number, name) = split_number(&headings[h].text);
                    let group = group_of(&headings, h);
                    if let Some(g) = group {
                        group_headings.insert(g);
                    }
                    (
                        number,
                        name,
                        lines.line_col(headings[h].range.start).0,
                        group.map(|g| headings[g].text.clone()),
                    )
                }
                None => (
                    None,
                    if title.is_empty() {
                        "Checklist".to_string()
                    } else {
                        title.clone()
                    },
                    1,
                    None,
                ),
            };
            let base = id_slug(&name);
            let base = if base.is_empty() { "section".to_string() } else { base };
            let n = section_ids.entry(base.clone()).or_insert(0);
            let id = if *n == 0 { base.clone() } else { format!("{base}-{n}") };
            *n += 1;
            sections.push(Section {
                id,
                number,
                title: name,
                group,
                line,
                tasks: Vec::new(),
            });
            sections.len() - 1
        });
        let (line, col) = lines.line_col(p.marker_offset);
        let title_text = plain_text(&p.text);
        let id = p.explicit_id.clone().unwrap_or_else(|| id_slug(&title_text));
        let mut id = if id.is_empty() { format!("task-{line}") } else { id };
        // The same step in another section (release checklists repeat "Restart the
        // service"): the repeat's id is qualified by its section, `<section-id>-<slug>`. The
        // first keeps the plain id. A repeat within one section, or of an explicit id, stays
        // an error.
        if let Some(&(_, first_section)) = task_lines.get(&id) {
            if p.explicit_id.is_none() && first_section != idx {
                id = crate::slug::cap_id(format!("{}-{id}", sections[idx].id));
            }
        }
        if let Some(&(first, _)) = task_lines.get(&id) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("duplicate task id `{id}`: the tasks at lines {first} and {line} have the same id"),
                )
                .with_hint("ids are what links hold: give one of them its own id with a trailing `{#another-id}`"),
            );
            continue;
        }
        task_lines.insert(id.clone(), (line, idx));
        sections[idx].tasks.push(Task {
            id,
            text: p.text,
            title: title_text,
            status,
            line,
            col,
            notes: p.notes,
        });
    }

    for (range, heading) in task_lists {
        if heading.is_some_and(|h| !headings[h].is_title) || !has_subheadings {
            excluded.push(range);
        }
    }
    let mut first_structure_line = None;
    for (i, h) in headings.iter().enumerate() {
        let structural = section_of_heading.contains_key(&Some(i)) || group_headings.contains(&i);
        if structural && first_structure_line.is_none() {
            first_structure_line = Some(lines.line_col(h.range.start).0);
        }
        if h.is_title || structural {
            excluded.push(h.range.clone());
        }
    }
    exclude_empty_headings(text, &headings, &mut excluded);
    let prose = blank_out(text, body_start, &excluded);
    let (intro, prose) = split_prose(&prose, first_structure_line);
    (
        Checklist {
            title,
            sections,
            progress_rows,
            intro,
            prose,
        },
        diagnostics,
    )
}

/// Splits the prose before line `at` (the intro, shown under the title) from the rest (shown
/// after the sections). Both keep the file's line numbers: the rest starts with blank lines.
fn split_prose(prose: &str, at: Option<usize>) -> (String, String) {
    let Some(at) = at else {
        return (String::new(), prose.to_string());
    };
    let mut intro = String::new();
    let mut rest = String::new();
    for (i, line) in prose.split_inclusive('\n').enumerate() {
        if i + 1 < at {
            intro.push_str(line);
            rest.push('\n');
        } else {
            rest.push_str(line);
        }
    }
    (intro, rest)
}

/// The heading that holds section heading `h`: the nearest earlier heading of a higher level
/// that is not the title.
fn group_of(headings: &[HeadingInfo], h: usize) -> Option<usize> {
    let level = headings[h].level;
    (0..h)
        .rev()
        .find(|&i| headings[i].level < level)
        .filter(|&i| !headings[i].is_title)
}

/// Markdown → its text with the markup removed (`` `pg_dump` runs `` → `pg_dump runs`).
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for ev in Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// A heading whose content is entirely removed (like "## Progress Tracking" above the table)
/// goes too, so the dashboard shows no empty headings.
fn exclude_empty_headings(text: &str, headings: &[HeadingInfo], excluded: &mut Vec<Range<usize>>) {
    let mut extra = Vec::new();
    let mut sorted: Vec<Range<usize>> = excluded.clone();
    sorted.sort_by_key(|r| r.start);
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map(|n| n.range.start).unwrap_or(text.len());
        let mut pos = h.range.end;
        let first = sorted.partition_point(|r| r.start < h.range.end);
        let mut empty = true;
        for r in sorted[first..].iter().take_while(|r| r.start < end) {
            if !text[pos..r.start.max(pos)].trim().is_empty() {
                empty = false;
            }
            pos = pos.max(r.end);
        }
        if pos < end && !text[pos..end].trim().is_empty() {
            empty = false;
        }
        if empty {
            extra.push(h.range.clone());
        }
    }
    excluded.extend(extra);
}

/// The text with the excluded ranges (and front matter) replaced by their newlines.
fn blank_out(text: &str, body_start: usize, excluded: &[Range<usize>]) -> String {
    let mut ranges: Vec<Range<usize>> = excluded.to_vec();
    ranges.push(0..body_start);
    ranges.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in ranges {
        if r.start > pos {
            out.push_str(&text[pos..r.start]);
        }
        let from = r.start.max(pos);
        if r.end > from {
            out.extend(text[from..r.end].chars().filter(|&c| c == '\n'));
        }
        pos = pos.max(r.end);
    }
    out.push_str(&text[pos.min(text.len())..]);
    out
}

#[cfg(test)]
mod tests;
