//! The checklist, read: its structure (see [`crate::checklist`]), the progress table check, its
//! prose and each task's text as HTML (links resolved from the checklist), and its git
//! history when asked. Beside `page.rs`, which reads every other page.

use std::collections::HashMap;

use crate::checklist::{parse_checklist, Checklist};
use crate::config::{Config, Overrides};
use crate::content::SourceFile;
use crate::diagnostic::Diagnostic;
use crate::links::LinkIndex;
use crate::markdown::{render_inline, render_markdown, MarkdownContext};
use crate::progress::check_progress_table;

/// The checklist with where it came from.
#[derive(Debug, Clone)]
pub struct ChecklistSource {
    pub checklist: Checklist,
    pub rel: String,
    pub display: String,
    /// Recent status changes, newest first (from git).
    pub changes: Vec<crate::history::StatusChange>,
    /// The checklist over time (from git; none outside git or when not asked).
    pub history: Option<crate::history::History>,
    /// The recurring activities under its "Ongoing Activities" heading.
    pub activities: Vec<crate::activities::Activity>,
    /// Each task's text and notes as HTML, by task id, links resolved from the checklist.
    pub task_html: HashMap<String, TaskHtml>,
    /// The progress table's Notes column as HTML, by section id (`""`: the total row).
    pub notes_html: HashMap<String, String>,
    /// What rendering the tasks' texts and the prose reported (broken links): the same
    /// while those texts are.
    pub text_diagnostics: Vec<Diagnostic>,
}

/// A task's text and its notes, rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskHtml {
    pub text: String,
    pub notes: Vec<String>,
}

/// The checklist's prose as HTML: the introduction (shown under the title) and the rest
/// (shown after the sections).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseHtml {
    pub intro: String,
    pub rest: String,
}

/// Reads the checklist: its structure, the progress table check, its prose and each task's
/// text as HTML (links resolved from the checklist), and its git history when asked.
pub fn read_checklist(
    src: &SourceFile,
    index: &LinkIndex,
    config: &Config,
    overrides: &Overrides,
) -> (ChecklistSource, Vec<Diagnostic>, ProseHtml) {
    let (checklist, mut diags) = parse_checklist_checked(src, overrides);
    diags.extend(activity_diagnostics(src));
    let ctx = MarkdownContext::of(src, index, config);
    let mut text_diagnostics = Vec::new();
    let mut prose = ProseHtml::default();
    for (text, html) in [
        (&checklist.intro, &mut prose.intro),
        (&checklist.prose, &mut prose.rest),
    ] {
        if !text.trim().is_empty() {
            let md = render_markdown(&ctx, text, 0);
            text_diagnostics.extend(md.diagnostics);
            *html = md.html;
        }
    }
    let mut task_html = HashMap::new();
    for (_, t) in checklist.tasks() {
        let at = (t.line, t.col);
        let (text, d) = render_inline(&ctx, &t.text, at);
        text_diagnostics.extend(d);
        let notes = t
            .notes
            .iter()
            .map(|n| {
                let (html, d) = render_inline(&ctx, &n.text, at);
                text_diagnostics.extend(d);
                html
            })
            .collect();
        task_html.insert(t.id.clone(), TaskHtml { text, notes });
    }
    // The progress table's Notes, by section id ("" for the total row).
    let mut notes_html = HashMap::new();
    for row in checklist.progress_rows.iter().filter(|r| !r.notes.is_empty()) {
        let id = if row.is_total {
            Some(String::new())
        } else {
            crate::progress::row_section(&checklist, &row.label).map(|(_, s)| s.id.clone())
        };
        if let Some(id) = id {
            let (html, d) = render_inline(&ctx, &row.notes, (row.line, row.col));
            text_diagnostics.extend(d);
            notes_html.insert(id, html);
        }
    }
    diags.extend(text_diagnostics.iter().cloned());
    let html = (task_html, notes_html);
    let source = checklist_source(src, config, overrides, checklist, html, text_diagnostics);
    (source, diags, prose)
}

/// What is wrong with the recurring activities, and each that is overdue (as of
/// [`crate::clock::today`]; `check --strict` makes those errors).
pub fn activity_diagnostics(src: &SourceFile) -> Vec<Diagnostic> {
    let (activities, mut diags) = crate::activities::parse_activities(&src.display, &src.text);
    let today = crate::clock::today();
    for a in activities.iter().filter(|a| a.is_overdue(today)) {
        let (Some(due), Some(done)) = (a.next_due(), a.last_done) else {
            continue;
        };
        diags.push(
            Diagnostic::warning(
                &src.display,
                a.line,
                a.col,
                format!("the activity \"{}\" is overdue: due {due}, last done {done}", a.title),
            )
            .with_hint(format!("do it, then mark the day it was done: `{{X {today}}}`"))
            .with_code(crate::activities::OVERDUE),
        );
    }
    diags
}

/// The checklist's structure, with what parsing and the progress table check report.
pub fn parse_checklist_checked(src: &SourceFile, overrides: &Overrides) -> (Checklist, Vec<Diagnostic>) {
    let (checklist, mut diags) = parse_checklist(&src.display, &src.text);
    diags.extend(check_progress_table(&checklist, &src.display).into_iter().map(|mut d| {
        if !overrides.strict {
            d.severity = crate::diagnostic::Severity::Warning;
        }
        d
    }));
    (checklist, diags)
}

/// A read checklist, with its git history when asked.
pub fn checklist_source(
    src: &SourceFile,
    config: &Config,
    overrides: &Overrides,
    checklist: Checklist,
    (task_html, notes_html): (HashMap<String, TaskHtml>, HashMap<String, String>),
    text_diagnostics: Vec<Diagnostic>,
) -> ChecklistSource {
    let mut changes = Vec::new();
    let mut history = None;
    if overrides.history {
        let path = config.content_dir.join(&src.rel);
        history = crate::history::checklist_history(&config.root, &path, &src.text, crate::clock::today());
        if let Some(h) = &history {
            changes = h.recent_changes(crate::history::CHANGES);
            // A change of a task since renamed or removed would link to nothing.
            changes.retain(|c| task_html.contains_key(&c.task_id));
        }
    }
    let activities = crate::activities::parse_activities(&src.display, &src.text).0;
    ChecklistSource {
        activities,
        task_html,
        notes_html,
        checklist,
        rel: src.rel.clone(),
        display: src.display.clone(),
        changes,
        history,
        text_diagnostics,
    }
}
