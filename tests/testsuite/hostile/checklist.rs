//! The checklist: markers that look right and are not, markers where no task is, sizes and
//! line ends no editor should produce but some do.

use super::hostile_build;

const HEAD: &str = "# Checklist\n\n## Backups\n\n";

fn checklist(body: &str) -> String {
    format!("{HEAD}{body}")
}

fn tasks_in(book: &crate::support::Book) -> u64 {
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("progress.json");
    json["totals"]["total"].as_u64().unwrap_or(0) + json["totals"]["not_applicable"].as_u64().unwrap_or(0)
}

#[test]
fn lookalike_markers_are_errors_at_their_place() {
    for marker in ["{DONE}", "{Х}", "{✓}", "{XX}", "{ip x}"] {
        let text = checklist(&format!("- `{{ }}` Fine task\n- `{marker}` Odd task\n"));
        let (_, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
        run.fails_with(1)
            .stderr_has(&format!("unknown status marker `{marker}`"))
            .stderr_has("content/checklist.md:6:3")
            .stderr_has("help:");
    }
}

/// Letters are case-insensitive and spaces inside the braces do not matter (DESIGN.md).
#[test]
fn markers_with_other_case_or_inner_spaces_are_read() {
    let text = checklist("- `{x }` Done one\n- `{ X}` Done two\n- `{ ip }` Going\n- {-} Skipped\n- [x] Done three\n");
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("json");
    assert_eq!(json["totals"]["complete"], 3, "{json}");
    assert_eq!(json["totals"]["in_progress"], 1);
    assert_eq!(json["totals"]["not_applicable"], 1);
}

#[test]
fn markers_in_code_spans_and_tables_of_prose_are_not_tasks() {
    let text = checklist(
        "Mark a task done with `{X}` and in progress with `{IP}`.\n\n| Marker | Meaning |\n|---|---|\n| `{X}` | done |\n| `{ }` | open |\n\n- `{ }` The only task\n",
    );
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    assert_eq!(tasks_in(&book), 1);
}

#[test]
fn a_hundred_thousand_tasks_build() {
    let mut text = String::from("# Checklist\n\n");
    for s in 0..100 {
        text.push_str(&format!("## Section {s}\n\n"));
        for t in 0..1000 {
            text.push_str(&format!(
                "- `{{{}}}` Task {s}-{t}\n",
                if t % 3 == 0 { "X" } else { " " }
            ));
        }
        text.push('\n');
    }
    // `progress` reads the whole book as `build` does, without writing 100,000 task pages.
    let (book, _outside) = super::hostile_book(&[("content/checklist.md", text.as_bytes())]);
    let run = super::hostile_run(&book, &["progress", "--format", "json"]);
    run.success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("progress JSON");
    assert_eq!(json["totals"]["total"], 100_000, "{}", &run.stdout()[..200]);
    assert_eq!(json["totals"]["complete"], 33_400);
}

#[test]
fn a_one_megabyte_line_builds() {
    let long = "word ".repeat(200_000);
    let text = checklist(&format!("- `{{ }}` Short task\n- `{{X}}` {long}\n\nProse: {long}\n"));
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    assert_eq!(tasks_in(&book), 2);
}

#[test]
fn crlf_and_lone_cr_line_ends_give_the_same_tasks_and_lines_as_lf() {
    let lf = checklist("- `{X}` Verify the backup\n- `{ }` Test a restore\n  - a note\n");
    let (book, run) = hostile_build(&[("content/checklist.md", lf.as_bytes())]);
    run.success();
    let want = book.read("site/progress.json");
    for ends in ["\r\n", "\r"] {
        let text = lf.replace('\n', ends);
        let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
        run.success();
        assert_eq!(book.read("site/progress.json"), want, "line ends {ends:?}");
    }
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_title() {
    let text = format!("\u{feff}{}", checklist("- `{X}` Verify the backup\n"));
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    let json = book.read("site/progress.json");
    assert!(!json.contains('\u{feff}'), "{json}");
    assert!(book.read("site/index.html").contains("<title>Checklist"));
}

#[test]
fn tabs_before_markers_and_notes_are_read_as_spaces() {
    let text = checklist("-\t`{X}` Verify the backup\n\t- a note under it\n- `{ }` Test a restore\n");
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    assert_eq!(tasks_in(&book), 2);
}

#[test]
fn an_unclosed_fence_hides_what_follows_and_says_where_it_opened() {
    let text = checklist("- `{X}` Verify the backup\n\n```sh\necho never closed\n- `{ }` Inside the fence\n");
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes())]);
    run.success();
    assert_eq!(tasks_in(&book), 1, "a marker inside a code block is not a task");
}
