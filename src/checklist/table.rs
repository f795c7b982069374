//! The checklist's own progress table: the rows of the table whose header starts
//! `Section | Progress`, read as the events stream by, with the byte range of each figure so
//! that `progress --write` can replace exactly those bytes (and nothing else: the notes
//! stay as written), and each row's Notes cell.

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::ProgressRow;

#[derive(Debug, PartialEq)]
pub(super) enum Kind {
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

pub(super) fn event_kind(e: &Event) -> Kind {
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
pub(super) struct TableState {
    pub(super) start: Option<usize>,
    in_head: bool,
    header: Vec<String>,
    cells: Vec<(String, Range<usize>)>,
    cell: Option<(String, Range<usize>)>,
    rows: Vec<ProgressRow>,
}

impl TableState {
    /// The state for a table that starts at byte `start`.
    pub(super) fn starting_at(start: usize) -> Self {
        TableState {
            start: Some(start),
            ..TableState::default()
        }
    }

    pub(super) fn feed(
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
                    let mut row = progress_row(text, &label.0, &fig.1);
                    // The Notes column (the third, unless the header names another), as
                    // written: markdown.
                    let at = self.header.iter().position(|h| h == "notes").unwrap_or(2);
                    if let Some((_, range)) = self.cells.get(at).filter(|_| at > 1) {
                        row.notes = text
                            .get(range.clone())
                            .unwrap_or("")
                            .trim()
                            .trim_matches('|')
                            .trim()
                            .to_string();
                    }
                    self.rows.push(row);
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
    // Filled in by the caller, which has the text's line index.
    let (line, col) = (0, 0);
    ProgressRow {
        label,
        line,
        col,
        figure,
        claimed,
        is_total,
        notes: String::new(),
    }
}
