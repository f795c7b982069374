//! What users read, kept as reviewed snapshots (`tests/testsuite/snapshots/`). After a
//! deliberate change, regenerate with `INSTA_UPDATE=always cargo test` and review the diff.

use crate::support::Book;

#[test]
fn progress_text_of_the_example_book() {
    let book = Book::example();
    let run = book.run(&["progress"]);
    run.success();
    insta::assert_snapshot!(run.stdout());
}

#[test]
fn errors_as_printed() {
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{X}` Back up the database\n- `{Y}` Test restores\n- {X} Back up the database\n",
        ),
        ("content/runbooks/backups/back-up-the-database.md", "---\nowner: dba\n---\n# Back up\n\nSee [restore](../../dr/restore.md#verify).\n"),
        ("content/dr/restore.md", "# Restore\n\n## Check\n"),
        ("book.toml", "[book]\ntitel = \"x\"\n"),
    ]);
    let run = book.run(&["build"]);
    run.fails_with(1);
    insta::assert_snapshot!("book_toml_error", run.stderr());
    book.write("book.toml", "");
    let run = book.run(&["build"]);
    run.fails_with(1);
    insta::assert_snapshot!("content_errors", run.stderr());
}
