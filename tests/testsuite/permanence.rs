//! URLs never disappear: `opsbook.lock` records every published URL, and a build that loses
//! one fails until it is redirected or the removal is accepted.

use crate::support::Book;

fn book() -> Book {
    Book::with_files(&[
        (
            "content/checklist.md",
            "# C\n\n## Backups\n\n- `{ }` Verify the backup\n",
        ),
        (
            "content/dr/restore.md",
            "---\nalerts: [PostgresPrimaryDown]\n---\n# Restore\n\n## Verify the restore\n\nCheck it.\n",
        ),
    ])
}

#[test]
fn the_first_build_records_every_url_sorted() {
    let b = book();
    b.run(&["build"]).success();
    let lock = b.read("opsbook.lock");
    let urls: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#')).collect();
    for url in [
        "/",
        "/dr/restore/",
        "/dr/restore/#verify-the-restore",
        "/alerts/PostgresPrimaryDown/",
        "/tasks/verify-the-backup/",
        "/sections/backups/",
    ] {
        assert!(urls.contains(&url), "{url} is not recorded:\n{lock}");
    }
    let mut sorted = urls.clone();
    sorted.sort();
    assert_eq!(urls, sorted);
    b.run(&["build"]).success();
    assert_eq!(b.read("opsbook.lock"), lock, "a second build changes nothing");
}

#[test]
fn a_moved_page_fails_until_an_alias_covers_it() {
    let b = book();
    b.run(&["build"]).success();
    std::fs::create_dir_all(b.path().join("content/disaster")).expect("mkdir");
    std::fs::rename(
        b.path().join("content/dr/restore.md"),
        b.path().join("content/disaster/restore.md"),
    )
    .expect("mv");
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/dr/restore/` was published before and this build no longer has it")
        .stderr_has("--> opsbook.lock:")
        .stderr_has("it looks moved to /disaster/restore/: add `aliases: [/dr/restore/]` to the front matter of content/disaster/restore.md");
    b.write("content/disaster/restore.md", "---\nalerts: [PostgresPrimaryDown]\naliases: [/dr/restore/]\n---\n# Restore\n\n## Verify the restore\n\nCheck it.\n");
    // The folder page /dr/ went with the move: its removal is accepted.
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/dr/` was published before");
    b.run(&["build", "--accept-removed", "https://example.com/dr/"])
        .success();
    let lock = b.read("opsbook.lock");
    assert!(!lock.lines().any(|l| l == "/dr/"), "{lock}");
    assert!(
        lock.contains("/dr/restore/#verify-the-restore"),
        "the alias keeps the old anchors"
    );
    assert!(lock.contains("/disaster/restore/#verify-the-restore"));
    let redirect = b.read("site/dr/restore/index.html");
    assert!(redirect.contains("url=/disaster/restore/"));
    assert!(
        redirect.contains("location.replace(\"/disaster/restore/\" + location.hash)"),
        "the fragment follows the redirect"
    );
}

#[test]
fn a_renamed_heading_keeps_its_anchor_with_an_id_attribute() {
    let b = book();
    b.run(&["build"]).success();
    b.write(
        "content/dr/restore.md",
        "---\nalerts: [PostgresPrimaryDown]\n---\n# Restore\n\n## Check the restore\n\nCheck it.\n",
    );
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/dr/restore/#verify-the-restore`")
        .stderr_has("`{#verify-the-restore}`");
    b.write("content/dr/restore.md", "---\nalerts: [PostgresPrimaryDown]\n---\n# Restore\n\n## Check the restore {#verify-the-restore}\n\nCheck it.\n");
    b.run(&["build"]).success();
    assert!(b
        .read("site/dr/restore/index.html")
        .contains("<h2 id=\"verify-the-restore\">Check the restore"));
}

#[test]
fn renamed_tasks_and_case_changed_alerts_are_caught() {
    let b = book();
    b.run(&["build"]).success();
    b.write(
        "content/checklist.md",
        "# C\n\n## Backups\n\n- `{ }` Verify last night's backup\n",
    );
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/tasks/verify-the-backup/`")
        .stderr_has("{#old-id}");
    b.write(
        "content/checklist.md",
        "# C\n\n## Backups\n\n- `{ }` Verify last night's backup {#verify-the-backup}\n",
    );
    b.write(
        "content/dr/restore.md",
        "---\nalerts: [PostgresPrimarydown]\n---\n# Restore\n\n## Verify the restore\n\nCheck it.\n",
    );
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/alerts/PostgresPrimaryDown/`")
        .stderr_has("alerts:");
}

#[test]
fn a_conflicted_record_says_how_to_repair_it() {
    let b = book();
    b.write("opsbook.lock", "/\n<<<<<<< HEAD\n/a/\n=======\n/b/\n>>>>>>> branch\n");
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("merge conflict marker")
        .stderr_has("--> opsbook.lock:2:1")
        .stderr_has("keep the URL lines of both sides");
}

#[test]
fn a_file_renamed_in_git_is_named_as_the_new_home() {
    let b = book();
    let git = |args: &[&str]| {
        let ok = std::process::Command::new("git")
            .current_dir(b.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .status()
            .expect("git runs");
        assert!(ok.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    b.run(&["build"]).success();
    git(&["add", "content", "opsbook.lock"]);
    git(&["commit", "-qm", "book"]);
    git(&["mv", "content/dr/restore.md", "content/dr/restore-the-database.md"]);
    b.run(&["build"]).fails_with(1).stderr_has(
        "git says the file was renamed to content/dr/restore-the-database.md: add `aliases: [/dr/restore/]`",
    );
}

#[test]
fn a_deleted_page_fails_until_its_removal_is_accepted() {
    let b = book();
    b.write("content/faq.md", "# FAQ\n\n## Who is on call\n");
    b.run(&["build"]).success();
    std::fs::remove_file(b.path().join("content/faq.md")).expect("rm");
    b.run(&["build"])
        .fails_with(1)
        .stderr_has("`/faq/` was published before")
        .stderr_has("`/faq/#who-is-on-call`");
    // Accepting a page's removal takes its anchors along.
    b.run(&["build", "--accept-removed", "/faq/"]).success();
    assert!(!b.read("opsbook.lock").contains("/faq/"));
    b.run(&["build"]).success();
}
