//! Problems found in review, each kept from coming back.

use crate::support::Book;

const CHECKLIST: &str = "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{ }` Test a restore\n\n| Section | Progress |\n|---|---|\n| Backups | 0/2 |\n| **TOTAL** | **0/2** |\n";

#[test]
fn progress_write_keeps_crlf_line_ends_and_every_other_byte() {
    let crlf = CHECKLIST.replace('\n', "\r\n");
    let book = Book::with_files(&[("content/checklist.md", &crlf)]);
    book.run(&["progress", "--write"]).success();
    assert_eq!(
        book.read("content/checklist.md"),
        crlf.replace("0/2 |", "1/2 |").replace("**0/2**", "**1/2**")
    );
}

#[test]
fn checklist_with_a_byte_order_mark_keeps_its_title() {
    let book = Book::with_files(&[("content/checklist.md", &format!("\u{feff}{CHECKLIST}"))]);
    book.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("json");
    assert_eq!(json["title"], "Checklist");
    assert!(!book.read("site/index.html").contains("# Checklist"));
}

#[test]
fn task_text_links_are_resolved_and_script_urls_removed() {
    let text = CHECKLIST.replace(
        "- `{ }` Test a restore\n",
        "- `{ }` Test a restore [js](javascript:alert(1)) <javascript:alert(2)>\n  - see [the guide](guide.md)\n",
    );
    let book = Book::with_files(&[("content/checklist.md", &text), ("content/guide.md", "# Guide\n")]);
    let run = book.run(&["build"]);
    run.success().stderr_has("warning: link to a `javascript:` URL removed");
    let section = book.read("site/sections/backups/index.html");
    assert!(!section.contains("href=\"javascript:"), "{section}");
    assert!(
        section.contains("href=\"/guide/\""),
        "the note's link is rewritten: {section}"
    );

    let broken = CHECKLIST.replace(
        "- `{ }` Test a restore\n",
        "- `{ }` Test a restore, see [x](missing.md)\n",
    );
    let book = Book::with_files(&[("content/checklist.md", &broken)]);
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("link `missing.md`")
        .stderr_has("--> content/checklist.md:6:3");
}

#[test]
fn autolinks_with_script_urls_are_removed() {
    let book = Book::with_files(&[("content/p.md", "# P\n\n<javascript:alert(document.domain)>\n")]);
    book.run(&["build"]).success().stderr_has("javascript:");
    assert!(!book.read("site/p/index.html").contains("href=\"javascript:"));
}

#[test]
fn links_to_generated_pages_are_checked_and_keep_their_slash() {
    let book = Book::with_files(&[
        ("content/checklist.md", CHECKLIST),
        (
            "content/p.md",
            "# P\n\n[task](/tasks/verify-the-backup/) [badge](/badges/backups.svg) [all](/alerts/)\n",
        ),
    ]);
    book.run(&["build"]).success();
    let html = book.read("site/p/index.html");
    assert!(html.contains("href=\"/tasks/verify-the-backup/\""), "{html}");
    book.write("content/p.md", "# P\n\n[gone](/tasks/no-such-task/)\n");
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("opsbook writes no page at /tasks/no-such-task/")
        .stderr_has("--> content/p.md:3:1");
}

#[test]
fn alert_names_cannot_leave_the_alerts_folder() {
    for name in ["..", ".", ".hidden"] {
        let book = Book::with_files(&[("content/p.md", &format!("---\nalerts: [\"{name}\"]\n---\n# P\n"))]);
        book.run(&["build"])
            .fails_with(1)
            .stderr_has("cannot be a URL")
            .stderr_has("--> content/p.md:2:1");
    }
}

#[test]
fn init_in_a_repository_keeps_its_gitignore() {
    let book = Book::with_files(&[(".gitignore", "target/\n")]);
    book.run(&["init"])
        .success()
        .stdout_has("add `/site/` and `/.opsbook-cache/` to your .gitignore");
    assert_eq!(book.read(".gitignore"), "target/\n");
    assert!(book.exists("book.toml"));
}

#[test]
fn print_page_keeps_each_pages_anchors_apart() {
    let book = Book::with_files(&[
        ("content/a.md", "# A\n\n## Steps\n\n[jump](#steps)\n"),
        ("content/b.md", "# B\n\n## Steps\n"),
    ]);
    book.run(&["build"]).success();
    let print = book.read("site/print/index.html");
    assert!(
        print.contains("id=\"p-a-steps\"") && print.contains("id=\"p-b-steps\""),
        "{print}"
    );
    assert!(print.contains("href=\"#p-a-steps\""));
}

#[test]
fn opening_heading_with_raw_html_on_the_page_is_dropped_cleanly() {
    let book = Book::with_files(&[("content/p.md", "# Say\u{a0}hi\n\nPress <kbd>Ctrl</kbd>.\n")]);
    book.run(&["build"]).success();
    let html = book.read("site/p/index.html");
    let body = &html[html.find("<div class=\"content\">").expect("content")..];
    assert!(
        body.starts_with("<div class=\"content\"><p>Press <kbd>Ctrl</kbd>.</p>"),
        "{}",
        &body[..200.min(body.len())]
    );
}

#[test]
fn a_section_missing_from_the_progress_table_is_reported() {
    let text = CHECKLIST.replace(
        "## Backups\n",
        "## Backups\n\n- `{ }` Early task\n\n## Restores\n\n- `{ }` Drill\n\n## Backups again\n",
    );
    let book = Book::with_files(&[("content/checklist.md", &text)]);
    book.run(&["check"])
        .stderr_has("section `Restores` has no row in the progress table");
}

#[test]
fn positions_after_an_expanded_shortcode_are_those_of_the_file() {
    let book = Book::with_files(&[
        (
            "book.toml",
            "[params]\nRepo = \"https://github.com/acme/a-rather-long-repository-name-for-runbooks\"\n",
        ),
        ("content/p.md", "# P\n\nSee {{< param Repo >}} and [bad](missing.md).\n"),
    ]);
    book.run(&["check"]).fails_with(1).stderr_has("--> content/p.md:3:28");
}
