//! `init`, `check`, `progress` and `link`: the commands around the build.

use crate::support::{repo_root, Book};

#[test]
fn init_then_build_works_in_an_empty_folder() {
    let book = Book::empty();
    book.run(&["init", "my-book"])
        .success()
        .stdout_has("Created a new book in my-book/");
    for f in [
        "my-book/book.toml",
        "my-book/content/checklist.md",
        "my-book/.github/workflows/pages.yml",
        "my-book/.gitignore",
    ] {
        assert!(book.exists(f), "{f}");
    }
    let run = book.run(&["build", "my-book"]);
    run.success().stdout_has("4 tasks: 0 complete, 1 in progress");
    assert!(book.exists("my-book/site/index.html"));
    assert!(
        book.exists("my-book/site/_theme/style.css"),
        "the theme is compiled into the binary"
    );
    let task = book.read("my-book/site/tasks/verify-last-nights-backup/index.html");
    assert!(
        task.contains("url=/runbooks/backups/verify-last-nights-backup/"),
        "the runbook is bound to its task: {task}"
    );
    book.run(&["check", "my-book"]).success();
}

#[test]
fn init_never_overwrites() {
    let book = Book::with_files(&[("book.toml", "[book]\ntitle = \"Mine\"\n")]);
    book.run(&["init"]).fails_with(2).stderr_has("never overwrites");
    assert_eq!(book.read("book.toml"), "[book]\ntitle = \"Mine\"\n");
}

#[test]
fn check_writes_nothing() {
    let book = Book::example();
    book.run(&["check"]).success().stdout_has("check passed");
    assert!(!book.exists("site"));
}

#[test]
fn check_json_lists_diagnostics() {
    let book = Book::example();
    book.write("content/notes.md", "# Notes\n\n[x](nope.md)\n");
    let run = book.run(&["check", "--format", "json"]);
    run.fails_with(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], 1);
    // The broken link, among the example's warnings (a stale runbook, an overdue activity).
    let error = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["severity"] == "error")
        .expect("the error");
    assert_eq!(error["path"], "content/notes.md");
    assert_eq!(error["line"], 3);
}

#[test]
fn progress_formats() {
    let book = Book::example();
    let text = book.run(&["progress"]);
    text.success().stdout_has("4. Database Maintenance").stdout_has("TOTAL");
    assert!(
        text.stdout()
            .lines()
            .any(|l| l.contains("TOTAL") && l.contains("3/65") && l.contains("4.6%")),
        "{}",
        text.stdout()
    );
    let md = book.run(&["progress", "--format", "markdown"]);
    md.success()
        .stdout_has("| Database Maintenance | 1/5 | 20% |")
        .stdout_has("| **TOTAL** | **3/65** | **4.6%** |");
    let json = book.run(&["progress", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout()).expect("json");
    assert_eq!(v["totals"]["complete"], 3);
}

#[test]
fn progress_write_rewrites_only_the_figures() {
    let book = Book::example();
    let before = book.read("content/checklist.md");
    let after_edit = before.replacen(
        "- `{ }` Set up index maintenance",
        "- `{X}` Set up index maintenance",
        1,
    );
    book.write("content/checklist.md", &after_edit);
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("opsbook progress --write");
    book.run(&["progress", "--write"]).success();
    let written = book.read("content/checklist.md");
    let expected = after_edit
        .replace("| Database Maintenance | 1/5 |", "| Database Maintenance | 2/5 |")
        .replace("**3/65**", "**4/65**");
    assert_eq!(written, expected, "every other byte is kept");
    book.run(&["check"]).success();
    book.run(&["progress", "--write"]).success().stdout_has("up to date");
}

#[test]
fn link_finds_tasks_alerts_and_pages() {
    let book = Book::example();
    book.run(&["link", "implement-regular-backup-procedures"])
        .success()
        .stdout_has("/tasks/implement-regular-backup-procedures/\n");
    book.run(&["link", "PostgresBackupFailed"])
        .success()
        .stdout_has("/alerts/PostgresBackupFailed/");
    book.run(&["link", "restore primary", "--format", "markdown"])
        .success()
        .stdout_has("[Restore the primary database from backup](/dr/restore-primary-database/)");
    book.run(&["link", "backup"])
        .fails_with(1)
        .stderr_has("be more precise");
    book.run(&["link", "no such thing at all"])
        .fails_with(1)
        .stderr_has("no task, alert or page matches");
    let json = book.run(&["link", "faq", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout()).expect("json");
    assert_eq!(v["kind"], "page");
    assert_eq!(v["url"], "/faq/");
}

#[test]
fn link_prints_absolute_urls_with_site_url() {
    let book = Book::example();
    let toml = book
        .read("book.toml")
        .replace("url = \"/\"", "url = \"https://acme.github.io/runbooks/\"");
    book.write("book.toml", &toml);
    book.run(&["link", "set-up-index-maintenance"])
        .success()
        .stdout_has("https://acme.github.io/runbooks/tasks/set-up-index-maintenance/");
}

#[test]
fn readme_names_the_test_command_ci_runs() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let ci = std::fs::read_to_string(repo_root().join(".ci/run")).expect(".ci/run");
    assert!(readme.contains("scripts/test.sh") && ci.contains("scripts/test.sh"));
}
