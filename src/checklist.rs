//! The maintenance checklist: markdown text → [`Checklist`] of groups, sections and tasks.
//!
//! Pure: `&str` in, values and diagnostics out, no HTML and no I/O. pulldown-cmark gives the
//! structure (headings, lists, tables, and the fenced code that must be ignored); each list
//! item's status marker is read from its source text, so that `` `{X}` ``, `{X}`, `{x}` and
//! GitHub's `[x]` all mean the same thing and positions are exact for error messages.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostic::{line_col, Diagnostic};
use crate::front_matter;
use crate::slug::id_slug;

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

/// A status marker at the start of a list item, as written.
#[derive(Debug, PartialEq, Eq)]
enum Marker {
    Known(Status),
    Unknown(String),
}

#[derive(Debug)]
struct HeadingInfo {
    level: HeadingLevel,
    text: String,
    range: Range<usize>,
    is_title: bool,
}

/// An item of a top-level list being read.
struct OpenItem {
    range: Range<usize>,
    /// Where the task text ends: the first nested block, when there is one.
    cut: Option<usize>,
    notes: Vec<Note>,
}

struct PendingTask {
    marker: Marker,
    marker_offset: usize,
    text: String,
    explicit_id: Option<String>,
    notes: Vec<Note>,
    heading: Option<usize>,
}

/// Parses a checklist file. `path` is only used to name the file in diagnostics.
pub fn parse_checklist(path: &str, text: &str) -> (Checklist, Vec<Diagnostic>) {
    let body_start = front_matter::body_offset(text);
    let body = &text[body_start..];
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_FOOTNOTES);

    let mut headings: Vec<HeadingInfo> = Vec::new();
    let mut heading_text: Option<String> = None;
    let mut list_depth = 0usize;
    let mut item: Option<OpenItem> = None;
    let mut list_start = 0usize;
    let mut list_has_task = false;
    let mut excluded: Vec<Range<usize>> = Vec::new();
    let mut task_lists: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    let mut pending: Vec<PendingTask> = Vec::new();
    let mut table = TableState::default();
    let mut progress_rows = Vec::new();

    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let range = (range.start + body_start)..(range.end + body_start);
        table.feed(&event_kind(&event), &range, text, &mut progress_rows, &mut excluded);
        match event {
            Event::Start(Tag::Heading { .. }) => heading_text = Some(String::new()),
            Event::End(TagEnd::Heading(level)) => {
                let text = heading_text.take().unwrap_or_default().trim().to_string();
                let is_title = level == HeadingLevel::H1 && !headings.iter().any(|h| h.is_title);
                headings.push(HeadingInfo {
                    level,
                    text,
                    range,
                    is_title,
                });
            }
            Event::Text(t) | Event::Code(t) if heading_text.is_some() => {
                if let Some(h) = heading_text.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                if list_depth == 1 {
                    list_start = range.start;
                    list_has_task = false;
                } else if let Some(it) = item.as_mut() {
                    it.cut.get_or_insert(range.start);
                }
            }
            Event::End(TagEnd::List(_)) => {
                if list_depth == 1 && list_has_task {
                    task_lists.push((list_start..range.end, headings.len().checked_sub(1)));
                }
                list_depth = list_depth.saturating_sub(1);
            }
            Event::Start(Tag::Item) if list_depth == 1 => {
                item = Some(OpenItem {
                    range,
                    cut: None,
                    notes: Vec::new(),
                });
            }
            Event::Start(Tag::Item) if list_depth > 1 => {
                if let Some(it) = item.as_mut() {
                    let src = &text[range];
                    let first = src.lines().next().unwrap_or("");
                    let (_, rest) = strip_list_marker(first);
                    it.notes.push(Note {
                        text: rest.trim().to_string(),
                        depth: list_depth - 1,
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) | Event::Start(Tag::BlockQuote(_)) | Event::Start(Tag::Table(_)) => {
                if let Some(it) = item.as_mut() {
                    it.cut.get_or_insert(range.start);
                }
                if let Event::Start(Tag::Table(_)) = event {
                    table = TableState {
                        start: Some(range.start),
                        ..TableState::default()
                    };
                }
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let Some(it) = item.take() {
                    if let Some(task) = read_item(text, &it, headings.len().checked_sub(1)) {
                        list_has_task = true;
                        pending.push(task);
                    }
                }
            }
            _ => {}
        }
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
    let mut group_headings: Vec<usize> = Vec::new();
    let mut section_ids: HashMap<String, usize> = HashMap::new();
    let mut task_lines: HashMap<String, usize> = HashMap::new();

    for p in pending {
        let heading = p.heading.filter(|&h| !headings[h].is_title);
        if heading.is_none() && has_subheadings {
            continue; // the legend under the title: explains the markers, holds no tasks
        }
        let status = match p.marker {
            Marker::Known(s) => s,
            Marker::Unknown(m) => {
                let (line, col) = line_col(text, p.marker_offset);
                diagnostics.push(
                    Diagnostic::error(path, line, col, format!("unknown status marker `{m}`")).with_hint(
                        "use `{ }` (not started), `{IP}` (in progress), `{X}` (complete) or `{-}` (not applicable)",
                    ),
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
                        group_headings.push(g);
                    }
                    (
                        number,
                        name,
                        line_col(text, headings[h].range.start).0,
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
        let (line, col) = line_col(text, p.marker_offset);
        let title_text = plain_text(&p.text);
        let id = p.explicit_id.clone().unwrap_or_else(|| id_slug(&title_text));
        let id = if id.is_empty() { format!("task-{line}") } else { id };
        if let Some(first) = task_lines.get(&id) {
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
        task_lines.insert(id.clone(), line);
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
    for (i, h) in headings.iter().enumerate() {
        let used = h.is_title || section_of_heading.contains_key(&Some(i)) || group_headings.contains(&i);
        if used {
            excluded.push(h.range.clone());
        }
    }
    exclude_empty_headings(text, &headings, &mut excluded);
    let prose = blank_out(text, body_start, &excluded);
    (
        Checklist {
            title,
            sections,
            progress_rows,
            prose,
        },
        diagnostics,
    )
}

fn read_item(text: &str, it: &OpenItem, heading: Option<usize>) -> Option<PendingTask> {
    let src = &text[it.range.clone()];
    let (_, after_bullet) = strip_list_marker(src);
    let after_bullet_trim = after_bullet.trim_start();
    let marker_offset = it.range.start + (src.len() - after_bullet_trim.len());
    let (marker, consumed) = parse_marker(after_bullet_trim)?;
    let end = it.cut.unwrap_or(it.range.end).max(marker_offset + consumed);
    let raw = text.get(marker_offset + consumed..end).unwrap_or("");
    let first_para = raw.split("\n\n").next().unwrap_or("");
    let mut joined = first_para
        .split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut explicit_id = None;
    if joined.ends_with('}') {
        if let Some(open) = joined.rfind("{#") {
            let id = joined[open + 2..joined.len() - 1].trim().to_string();
            if !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                explicit_id = Some(id);
                joined.truncate(open);
                let len = joined.trim_end().len();
                joined.truncate(len);
            }
        }
    }
    Some(PendingTask {
        marker,
        marker_offset,
        text: joined,
        explicit_id,
        notes: it.notes.clone(),
        heading,
    })
}

/// Splits a list item's leading bullet (`- `, `* `, `+ `, `1. `, `1) `) from the rest.
fn strip_list_marker(s: &str) -> (&str, &str) {
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
fn parse_marker(s: &str) -> Option<(Marker, usize)> {
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
    if inner.len() > 6
        || inner.starts_with('#')
        || !inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '?' | '!' | '/' | '_'))
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
fn split_number(heading: &str) -> (Option<String>, String) {
    let digits = heading.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
    if digits > 0 && heading.as_bytes()[0].is_ascii_digit() {
        let (num, rest) = heading.split_at(digits);
        if rest.starts_with(' ') && !rest.trim().is_empty() {
            return (Some(num.trim_end_matches('.').to_string()), rest.trim().to_string());
        }
    }
    (None, heading.to_string())
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
    for (i, h) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map(|n| n.range.start).unwrap_or(text.len());
        let mut pos = h.range.end;
        let mut sorted: Vec<&Range<usize>> = excluded
            .iter()
            .filter(|r| r.start >= h.range.end && r.start < end)
            .collect();
        sorted.sort_by_key(|r| r.start);
        let mut empty = true;
        for r in sorted {
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

#[derive(Debug, PartialEq)]
enum Kind {
    HeadStart,
    HeadEnd,
    RowStart,
    RowEnd,
    CellStart,
    CellEnd,
    TableEnd,
    Text(String),
    Other,
}

fn event_kind(e: &Event) -> Kind {
    match e {
        Event::Start(Tag::TableHead) => Kind::HeadStart,
        Event::End(TagEnd::TableHead) => Kind::HeadEnd,
        Event::Start(Tag::TableRow) => Kind::RowStart,
        Event::End(TagEnd::TableRow) => Kind::RowEnd,
        Event::Start(Tag::TableCell) => Kind::CellStart,
        Event::End(TagEnd::TableCell) => Kind::CellEnd,
        Event::End(TagEnd::Table) => Kind::TableEnd,
        Event::Text(t) | Event::Code(t) => Kind::Text(t.to_string()),
        _ => Kind::Other,
    }
}

/// Reads tables as they stream by and keeps the rows of the one whose header starts
/// `Section | Progress`.
#[derive(Default)]
struct TableState {
    start: Option<usize>,
    in_head: bool,
    header: Vec<String>,
    cells: Vec<(String, Range<usize>)>,
    cell: Option<(String, Range<usize>)>,
    rows: Vec<ProgressRow>,
}

impl TableState {
    fn feed(
        &mut self,
        kind: &Kind,
        range: &Range<usize>,
        text: &str,
        out: &mut Vec<ProgressRow>,
        excluded: &mut Vec<Range<usize>>,
    ) {
        let Some(start) = self.start else { return };
        match kind {
            Kind::HeadStart => self.in_head = true,
            Kind::HeadEnd => {
                self.in_head = false;
                self.header = self.cells.drain(..).map(|c| c.0.trim().to_ascii_lowercase()).collect();
            }
            Kind::CellStart => self.cell = Some((String::new(), range.clone())),
            Kind::Text(t) => {
                if let Some(c) = self.cell.as_mut() {
                    c.0.push_str(t);
                }
            }
            Kind::CellEnd => {
                if let Some(c) = self.cell.take() {
                    self.cells.push(c);
                }
            }
            Kind::RowStart => self.cells.clear(),
            Kind::RowEnd => {
                if let (Some(label), Some(fig)) = (self.cells.first(), self.cells.get(1)) {
                    self.rows.push(progress_row(text, &label.0, &fig.1));
                }
                self.cells.clear();
            }
            Kind::TableEnd => {
                if self.header.first().map(String::as_str) == Some("section")
                    && self.header.get(1).map(String::as_str) == Some("progress")
                {
                    out.append(&mut self.rows);
                    excluded.push(start..range.end);
                }
                *self = TableState::default();
            }
            Kind::Other => {}
        }
    }
}

fn progress_row(text: &str, label: &str, cell: &Range<usize>) -> ProgressRow {
    let src = &text[cell.clone()];
    let label = label.trim().to_string();
    let is_total = label.eq_ignore_ascii_case("total");
    let mut figure = cell.clone();
    let mut claimed = None;
    if let Some(slash) = src.find('/') {
        let before = src[..slash].trim_end();
        let after = src[slash + 1..].trim_start();
        let a_len = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        let b_len = after.bytes().take_while(u8::is_ascii_digit).count();
        if a_len > 0 && b_len > 0 {
            let a_start = cell.start + before.len() - a_len;
            let b_start = cell.start + (src.len() - after.len());
            figure = a_start..b_start + b_len;
            let a = before[before.len() - a_len..].parse().ok();
            let b = after[..b_len].parse().ok();
            claimed = a.zip(b);
        }
    }
    let (line, col) = line_col(text, figure.start);
    ProgressRow {
        label,
        line,
        col,
        figure,
        claimed,
        is_total,
    }
}

#[cfg(test)]
mod tests;
