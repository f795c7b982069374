//! The first pass over a checklist: one walk over pulldown-cmark's events that collects the
//! headings, every top-level list item that starts with a status marker, the lists holding
//! them, and the progress table. Nothing is decided here about sections or the legend.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::marker::{parse_marker, strip_list_marker, Marker};
use super::table::{event_kind, TableState};
use super::{Note, ProgressRow};

#[derive(Debug)]
pub(super) struct HeadingInfo {
    pub level: HeadingLevel,
    pub text: String,
    pub range: Range<usize>,
    pub is_title: bool,
}

/// An item of a top-level list being read.
struct OpenItem {
    range: Range<usize>,
    /// Where the task text ends: the first nested block, when there is one.
    cut: Option<usize>,
    notes: Vec<Note>,
}

pub(super) struct PendingTask {
    pub marker: Marker,
    pub marker_offset: usize,
    pub text: String,
    pub explicit_id: Option<String>,
    pub notes: Vec<Note>,
    pub heading: Option<usize>,
}

/// What the walk found.
pub(super) struct Scan {
    pub headings: Vec<HeadingInfo>,
    pub pending: Vec<PendingTask>,
    /// Top-level lists holding tasks, with the heading they are under.
    pub task_lists: Vec<(Range<usize>, Option<usize>)>,
    pub progress_rows: Vec<ProgressRow>,
    /// Ranges left out of the dashboard's prose (so far: the progress table).
    pub excluded: Vec<Range<usize>>,
}

/// Walks the body of `text` (from `body_start`); every range is an offset into `text`.
pub(super) fn scan(text: &str, body_start: usize) -> Scan {
    let body = &text[body_start..];
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_FOOTNOTES);

    let mut headings: Vec<HeadingInfo> = Vec::new();
    let mut has_title = false;
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
    // Under an "Ongoing Activities" heading (this level), items are activities, not tasks.
    let mut activities: Option<HeadingLevel> = None;

    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let range = (range.start + body_start)..(range.end + body_start);
        table.feed(&event_kind(&event), &range, text, &mut progress_rows, &mut excluded);
        match event {
            Event::Start(Tag::Heading { .. }) => heading_text = Some(String::new()),
            Event::End(TagEnd::Heading(level)) => {
                let text = heading_text.take().unwrap_or_default().trim().to_string();
                if activities.is_some_and(|l| level <= l) {
                    activities = None;
                }
                if super::is_activities_heading(&text) {
                    activities = Some(level);
                }
                let is_title = level == HeadingLevel::H1 && !has_title;
                has_title |= is_title;
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
                    table = TableState::starting_at(range.start);
                }
            }
            Event::End(TagEnd::Item) if list_depth == 1 && activities.is_some() => item = None,
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

    Scan {
        headings,
        pending,
        task_lists,
        progress_rows,
        excluded,
    }
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
