//! Unit tests of the checklist parser: markers, sections, ids, the legend, the progress table.

use super::*;

fn parse(text: &str) -> (Checklist, Vec<Diagnostic>) {
    parse_checklist("content/checklist.md", text)
}

#[test]
fn seed_has_13_sections_and_65_tasks() {
    let text = include_str!("../../content/checklist.md");
    let (c, d) = parse(text);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.title, "Maintenance - Step by Step Guide");
    assert_eq!(c.sections.len(), 13);
    assert_eq!(c.tasks().count(), 65);
    let db = &c.sections[3];
    assert_eq!(db.id, "database-maintenance");
    assert_eq!(db.number.as_deref(), Some("4"));
    assert_eq!(db.title, "Database Maintenance");
    assert_eq!(db.group.as_deref(), Some("Routine Maintenance"));
    assert_eq!(db.tasks[0].id, "implement-regular-backup-procedures");
    assert_eq!(db.tasks[0].status, Status::Complete);
    assert_eq!(c.groups().len(), 5);
    assert_eq!(c.progress_rows.len(), 14);
    assert!(c.progress_rows[13].is_total);
}

#[test]
fn legend_holds_no_tasks_and_prose_keeps_it() {
    let text = "# T\n\nIntro.\n- `{ }` - Not Started\n- `{X}` - Complete\n\n## G\n\n### 1. S\n\n- `{ }` a\n\n## Ongoing\n\n- weekly\n";
    let (c, d) = parse(text);
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.tasks().count(), 1);
    assert!(
        c.intro.contains("Intro.") && c.intro.contains("Not Started"),
        "{}",
        c.intro
    );
    assert!(!c.prose.contains("Not Started"));
    assert!(c.prose.contains("## Ongoing"));
    assert!(!c.intro.contains("Ongoing"));
    assert!(!c.prose.contains("### 1. S"));
    assert!(!c.prose.contains("# T\n"), "{}", c.prose);
    assert_eq!(c.prose.lines().count(), text.lines().count());
}

#[test]
fn every_marker_spelling() {
    let text = "# T\n\n## S\n\n- `{ }` a\n- {IP} b\n- {ip} c\n- `{X}` d\n- {x} e\n- {-} f\n- [ ] g\n- [x] h\n1. {X} i\n* `{}` j\n";
    let (c, d) = parse(text);
    assert!(d.is_empty(), "{d:?}");
    let statuses: Vec<Status> = c.tasks().map(|(_, t)| t.status).collect();
    use Status::*;
    assert_eq!(
        statuses,
        [
            NotStarted,
            InProgress,
            InProgress,
            Complete,
            Complete,
            NotApplicable,
            NotStarted,
            Complete,
            Complete,
            NotStarted
        ]
    );
}

#[test]
fn unknown_marker_is_error_at_its_column() {
    let (_, d) = parse("# T\n\n## S\n\n- `{ }` ok\n- `{Y}` typo\n  - {IPX} nested is a note\n- {IPX} other\n");
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!((d[0].line, d[0].col), (6, 3));
    assert!(d[0].message.contains("`{Y}`"));
    assert_eq!((d[1].line, d[1].col), (8, 3));
}

#[test]
fn duplicate_ids_name_both_lines() {
    let (c, d) = parse("# T\n\n## S\n\n- {X} Same task\n- { } Same task\n- { } Other {#same-task}\n");
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(d[0].message.contains("lines 5 and 6"), "{}", d[0].message);
    assert_eq!(c.tasks().count(), 1);
}

#[test]
fn explicit_id_and_notes() {
    let (c, d) =
        parse("# T\n\n## S\n\n- {IP} Back up the `db` {#db-backups}\n  - nightly at 02:00\n  - [ ] check retention\n");
    assert!(d.is_empty(), "{d:?}");
    let (_, t) = c.tasks().next().unwrap();
    assert_eq!(t.id, "db-backups");
    assert_eq!(t.text, "Back up the `db`");
    assert_eq!(t.title, "Back up the db");
    assert_eq!(t.notes.len(), 2);
    assert_eq!(t.notes[1].text, "[ ] check retention");
}

#[test]
fn fenced_code_is_ignored() {
    let (c, d) = parse("# T\n\n## S\n\n```\n- {Y} not a task\n- {X} nor this\n```\n- {X} real\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.tasks().count(), 1);
}

#[test]
fn title_only_checklist_is_one_section() {
    let (c, d) = parse("# Release\n\n- [x] tag\n- [ ] announce\n");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(c.sections.len(), 1);
    assert_eq!(c.sections[0].title, "Release");
    assert_eq!(c.tasks().count(), 2);
}

#[test]
fn progress_table_rows_and_figures() {
    let text = "# T\n\n## S\n\n- {X} a\n\n| Section | Progress |\n|--|--|\n| S | 0/1 |\n| **TOTAL** | **0/1** |\n";
    let (c, _) = parse(text);
    assert_eq!(c.progress_rows.len(), 2);
    assert_eq!(c.progress_rows[0].claimed, Some((0, 1)));
    assert_eq!(&text[c.progress_rows[1].figure.clone()], "0/1");
    assert!(c.progress_rows[1].is_total);
    assert_eq!(c.progress_rows[0].line, 9);
}

#[test]
fn front_matter_is_skipped_and_lines_stay_exact() {
    let (c, d) = parse("---\nname: x\n---\n# T\n\n## S\n\n- {Q} bad\n");
    assert_eq!(c.title, "T");
    assert_eq!(d[0].line, 8);
}
