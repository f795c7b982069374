//! Every mistake a user can make, run through the real binary: the exit code (1 for content
//! errors, 2 for usage errors), the location (`--> content/<file>:LINE:COL` or
//! `book.toml:LINE:COL`) and the key words of the message, as DESIGN.md promises.

use std::fs;

use crate::support::{snapshot_tree, Book};

/// A checklist with one section and the given task lines after its heading.
fn checklist(tasks: &str) -> String {
    format!("# Checklist\n\n## Backups\n\n{tasks}")
}

/// The names directly in the book's folder, sorted: shows that a failed run left nothing behind
/// (no `site/`, no half-written temporary folder).
fn top_level(book: &Book) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(book.path())
        .expect("read book folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------------------------------------
// The checklist

#[test]
fn unknown_marker_reports_file_line_col() {
    let book = Book::with_files(&[(
        "content/checklist.md",
        &checklist("- `{ }` Fine task\n- `{Y}` typo\n- `{IPX}` other typo\n- `{X}` done\n"),
    )]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("error: unknown status marker `{Y}`")
        .stderr_has("--> content/checklist.md:6:3")
        .stderr_has("6 | - `{Y}` typo")
        .stderr_has("error: unknown status marker `{IPX}`")
        .stderr_has("--> content/checklist.md:7:3")
        .stderr_has("7 | - `{IPX}` other typo")
        .stderr_has("`{IP}` (in progress)")
        .stderr_has("2 errors");
    assert!(!book.exists("site"), "a failed build writes nothing");
}

#[test]
fn unknown_marker_without_backticks_or_in_ordered_list_is_located() {
    let book = Book::with_files(&[(
        "content/checklist.md",
        &checklist("- {Y} no backticks\n1. `{Q}` ordered\n"),
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("unknown status marker `{Y}`")
        .stderr_has("--> content/checklist.md:5:3")
        .stderr_has("unknown status marker `{Q}`")
        .stderr_has("--> content/checklist.md:6:4");
}

#[test]
fn duplicate_task_ids_name_both_lines() {
    let book = Book::with_files(&[(
        "content/checklist.md",
        &checklist(
            "- `{ }` Back up the database\n- `{X}` Something else\n- `{ }` Back up the database\n- `{ }` Other {#something-else}\n",
        ),
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("duplicate task id `back-up-the-database`")
        .stderr_has("lines 5 and 7")
        .stderr_has("--> content/checklist.md:7:3")
        .stderr_has("duplicate task id `something-else`")
        .stderr_has("lines 6 and 8")
        .stderr_has("--> content/checklist.md:8:3")
        .stderr_has("{#another-id}");
}

#[test]
fn progress_table_that_disagrees_fails_check_and_says_how_to_fix() {
    let text = "# Checklist\n\n## Ops\n\n### 1. Backups\n\n- `{X}` Back up the database\n- `{ }` Test restores\n\n\
                ### 2. Patching\n\n- `{ }` Patch the hosts\n\n## Progress Tracking\n\n\
                | Section | Progress | Notes |\n|---------|----------|-------|\n\
                | Backups | 2/2 | |\n| Patching | 0/1 | |\n| **TOTAL** | **1/3** | |\n";
    let book = Book::with_files(&[("content/checklist.md", text)]);
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("progress table says 2/2 for `Backups`, but its tasks give 1/2")
        .stderr_has("--> content/checklist.md:18:13")
        .stderr_has("18 | | Backups | 2/2 | |")
        .stderr_has("run `opsbook progress --write`");
    assert!(!book.exists("site"), "check writes nothing");
    book.run(&["progress", "--write"]).success();
    assert!(book.read("content/checklist.md").contains("| Backups | 1/2 | |"));
    book.run(&["check"]).success();
}

#[test]
fn progress_table_row_without_a_figure_is_located() {
    let text = "# Checklist\n\n## S\n\n- `{X}` Ok\n\n| Section | Progress |\n|---|---|\n| S | banana |\n";
    let book = Book::with_files(&[("content/checklist.md", text)]);
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("progress table")
        .stderr_has("`S`")
        .stderr_has("--> content/checklist.md:9:6")
        .stderr_has("opsbook progress --write");
}

#[test]
fn progress_write_refuses_a_checklist_with_errors_and_leaves_it_as_it_was() {
    let text = checklist("- `{X}` a\n- `{Y}` b\n\n| Section | Progress |\n|---|---|\n| Backups | 0/2 |\n");
    let book = Book::with_files(&[("content/checklist.md", &text)]);
    book.run(&["progress", "--write"])
        .fails_with(1)
        .stderr_has("unknown status marker `{Y}`")
        .stderr_has("--> content/checklist.md:6:3");
    assert_eq!(book.read("content/checklist.md"), text);
}

// ---------------------------------------------------------------------------------------------
// Links

#[test]
fn broken_link_to_missing_page_reports_file_line_col() {
    let book = Book::with_files(&[
        (
            "content/faq.md",
            "# FAQ\n\nSome text.\n\nSee [the guide](guide.md) and [missing](nope/missing.md) here.\n",
        ),
        ("content/guide.md", "# Guide\n"),
    ]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("error: link `nope/missing.md` points at `content/nope/missing.md`, which does not exist")
        .stderr_has("--> content/faq.md:5:31")
        .stderr_has("5 | See [the guide](guide.md) and [missing](nope/missing.md) here.")
        .stderr_has("1 error");
    assert!(
        !run.stderr().contains("`guide.md`"),
        "the good link is not reported: {}",
        run.stderr()
    );
    assert!(!book.exists("site"));
}

#[test]
fn broken_link_lines_count_front_matter_and_columns_count_characters() {
    let book = Book::with_files(&[(
        "content/guide.md",
        "---\ntitle: Guide\n---\n# Guide\n\nÜber café — naïve [m](missing.md).\n\n| A | B |\n|---|---|\n| x | [t](three.md) |\n\n\
         See [ref][r1].\n\n[r1]: four.md\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("--> content/guide.md:6:19")
        .stderr_has("link `three.md`")
        .stderr_has("--> content/guide.md:10:7")
        .stderr_has("link `four.md`")
        .stderr_has("--> content/guide.md:12:5");
}

#[test]
fn link_with_crlf_line_endings_is_located() {
    let book = Book::with_files(&[(
        "content/guide.md",
        "---\r\ntitle: G\r\n---\r\n# Guide\r\n\r\ntext\r\n\r\nSee [m](missing.md).\r\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("link `missing.md`")
        .stderr_has("--> content/guide.md:8:5");
}

#[test]
fn link_to_missing_anchor_reports_file_line_col() {
    let book = Book::with_files(&[
        (
            "content/faq.md",
            "# FAQ\n\nText [anchor](guide.md#verify) and [ok](guide.md#verify-the-restore).\n",
        ),
        ("content/guide.md", "# Guide\n\n## Verify the restore\n\ntext\n"),
    ]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("link `guide.md#verify`: content/guide.md has no heading with anchor `#verify`")
        .stderr_has("--> content/faq.md:3:6")
        .stderr_has("did you mean `#verify-the-restore`?")
        .stderr_has("1 error");
}

#[test]
fn link_to_missing_anchor_on_the_same_page_is_located() {
    let book = Book::with_files(&[(
        "content/guide.md",
        "# Guide\n\n## Local\n\n[ok](#local) and [self](#nope)\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("link `#nope`")
        .stderr_has("has no heading with anchor `#nope`")
        .stderr_has("--> content/guide.md:5:18");
}

#[test]
fn link_case_mismatch_is_an_error() {
    let book = Book::with_files(&[
        ("content/dr/restore.md", "# Restore\n\n## Verify\n"),
        (
            "content/runbooks/backup.md",
            "---\ntitle: Backup\n---\n# Backup\n\nThen [restore](../DR/Restore.md).\n",
        ),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("link `../DR/Restore.md` differs in letter case from the file `dr/restore.md`")
        .stderr_has("--> content/runbooks/backup.md:6:6")
        .stderr_has("case-sensitive");
}

#[test]
fn link_leading_outside_content_is_an_error() {
    let book = Book::with_files(&[("content/guide.md", "# Guide\n\n[escape](../../etc/passwd.md)\n")]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("link `../../etc/passwd.md` leads outside content/")
        .stderr_has("--> content/guide.md:3:1");
}

#[test]
fn root_link_to_missing_page_and_ref_shortcode_to_missing_page_are_located() {
    let book = Book::with_files(&[
        ("content/docs/add.md", "# Add\n\n## Steps\n"),
        (
            "content/guide.md",
            "# Guide\n\n[root](/docs/add) [root bad](/docs/gone)\n[ref bad]({{< ref \"docs/missing.md\" >}})\n",
        ),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("link `/docs/gone`")
        .stderr_has("--> content/guide.md:3:19")
        .stderr_has("link `docs/missing.md`")
        .stderr_has("--> content/guide.md:4:1")
        .stderr_has("2 errors");
}

#[test]
fn link_to_a_folder_with_a_generated_page_resolves() {
    let book = Book::with_files(&[
        ("content/docs/add.md", "# Add\n"),
        ("content/guide.md", "# Guide\n\n[all docs](docs/) and [again](/docs/)\n"),
    ]);
    book.run(&["build"]).success();
    assert!(book.exists("site/docs/index.html"));
}

#[test]
fn root_link_help_does_not_call_the_path_relative() {
    let book = Book::with_files(&[("content/guide.md", "# Guide\n\n[root bad](/docs/gone)\n")]);
    let run = book.run(&["build"]);
    run.fails_with(1).stderr_has("--> content/guide.md:3:1");
    assert!(
        !run.stderr().contains("relative to this file's folder"),
        "{}",
        run.stderr()
    );
}

// ---------------------------------------------------------------------------------------------
// Front matter

#[test]
fn invalid_yaml_front_matter_reports_line_inside_front_matter() {
    let book = Book::with_files(&[(
        "content/restore.md",
        "---\ntitle: Restore\nowner: dba\n  bad: indent\n---\n# Restore\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("error: invalid YAML front matter")
        .stderr_has("--> content/restore.md:4:6")
        .stderr_has("4 |   bad: indent")
        .stderr_has("`---` lines");
}

#[test]
fn invalid_yaml_flow_list_in_front_matter_is_located() {
    let book = Book::with_files(&[(
        "content/restore.md",
        "---\ntitle: Restore\nowner: dba-team\ntags: [a, b\nseverity: high\n---\n# Restore\n",
    )]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("invalid YAML front matter")
        .stderr_has("--> content/restore.md:5:");
}

#[test]
fn wrong_type_in_front_matter_is_located() {
    let book = Book::with_files(&[(
        "content/restore.md",
        "---\ntitle: Restore\nowner: dba-team\nlast_reviewed: yesterday\n---\n# Restore\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("front matter key `last_reviewed` must be a date written YYYY-MM-DD")
        .stderr_has("--> content/restore.md:4:1")
        .stderr_has("4 | last_reviewed: yesterday");
}

#[test]
fn other_wrong_front_matter_values_are_located() {
    for (text, key_words, location) in [
        (
            "---\ntitle: [1, 2]\n---\n# P\n",
            "front matter key `title` must be a string",
            "--> content/p.md:2:1",
        ),
        (
            "---\nkind: banana\n---\n# P\n",
            "unknown page kind `banana`",
            "--> content/p.md:2:1",
        ),
        (
            "---\nowner: x\nreview_every: soon\n---\n# P\n",
            "`review_every` must be a period",
            "--> content/p.md:3:1",
        ),
        (
            "---\nlast_reviewed: 2026-13-45\n---\n# P\n",
            "`last_reviewed` must be a date",
            "--> content/p.md:2:1",
        ),
        (
            "---\n- a\n- b\n---\n# P\n",
            "front matter is not a set of `key: value` lines",
            "--> content/p.md:2:1",
        ),
    ] {
        let book = Book::with_files(&[("content/p.md", text)]);
        book.run(&["build"])
            .fails_with(1)
            .stderr_has(key_words)
            .stderr_has(location);
    }
}

#[test]
fn invalid_toml_front_matter_is_located() {
    let book = Book::with_files(&[(
        "content/restore.md",
        "+++\ntitle = \"Restore\"\nowner = dba-team\n+++\n# Restore\n",
    )]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("error: invalid TOML front matter")
        .stderr_has("--> content/restore.md:3:9")
        .stderr_has("3 | owner = dba-team")
        .stderr_has("`+++` lines");
}

#[test]
fn front_matter_task_that_does_not_exist_is_located() {
    let list = checklist("- `{X}` Back up the database\n");
    let book = Book::with_files(&[
        ("content/checklist.md", &list),
        (
            "content/runbooks/backup.md",
            "---\ntitle: Backup\nowner: dba\ntask: no-such-task\n---\n# Backup\n",
        ),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("`task: no-such-task` names no task of the checklist")
        .stderr_has("--> content/runbooks/backup.md:4:1")
        .stderr_has("4 | task: no-such-task");

    // The same in TOML front matter.
    let book = Book::with_files(&[
        ("content/checklist.md", &list),
        (
            "content/runbooks/backup.md",
            "+++\ntitle = \"Backup\"\ntask = \"no-such-task\"\n+++\n# Backup\n",
        ),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("no-such-task")
        .stderr_has("--> content/runbooks/backup.md:3:1");
}

#[test]
fn aliases_that_collide_are_located() {
    let book = Book::with_files(&[
        ("content/a.md", "---\ntitle: A\naliases: [/guide/]\n---\n# A\n"),
        ("content/guide.md", "# G\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("alias `/guide/` is already taken by the page content/guide.md")
        .stderr_has("--> content/a.md:3:1");

    let book = Book::with_files(&[("content/a.md", "---\naliases: [/tasks/x/]\n---\n# A\n")]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("alias `/tasks/x/` is already taken")
        .stderr_has("--> content/a.md:2:1");
}

// ---------------------------------------------------------------------------------------------
// book.toml

#[test]
fn unknown_book_toml_key_names_file_line_and_valid_keys() {
    let book = Book::with_files(&[
        (
            "book.toml",
            "# My runbooks\n[book]\ntitel = \"Runbooks\"\nlanguage = \"en\"\n",
        ),
        ("content/index.md", "# Home\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("invalid book.toml: unknown field `titel`")
        .stderr_has("`title`")
        .stderr_has("`description`")
        .stderr_has("--> book.toml:3:1")
        .stderr_has("3 | titel = \"Runbooks\"");
    assert!(!book.exists("site"));
}

#[test]
fn unknown_book_toml_table_lists_valid_tables() {
    let book = Book::with_files(&[
        ("book.toml", "[book]\ntitle = \"Runbooks\"\n\n[bulid]\noutput = \"x\"\n"),
        ("content/index.md", "# Home\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("unknown field `bulid`")
        .stderr_has("`build`")
        .stderr_has("--> book.toml:4:2");
}

#[test]
fn wrong_type_in_book_toml_names_file_line_and_type() {
    let book = Book::with_files(&[
        (
            "book.toml",
            "[book]\ntitle = \"Runbooks\"\n\n[build]\nlowercase-urls = \"yes\"\n",
        ),
        ("content/index.md", "# Home\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("invalid book.toml: invalid type: string \"yes\", expected a boolean")
        .stderr_has("--> book.toml:5:18")
        .stderr_has("5 | lowercase-urls = \"yes\"");
}

#[test]
fn other_book_toml_mistakes_are_located() {
    for (toml, key_words, location) in [
        (
            "[book]\ntitle = \"Runbooks\n",
            "invalid book.toml",
            "--> book.toml:2:18",
        ),
        ("[serve]\nport = 99999\n", "99999", "--> book.toml:2:8"),
        ("[runbooks]\nstale-after-days = -5\n", "-5", "--> book.toml:2:20"),
        (
            "[urls]\nalerts = \"../../x\"\n",
            "`urls.alerts` must be one URL segment",
            "--> book.toml:2:1",
        ),
        (
            "[site]\nurl = \"not a url\"\n",
            "`site.url` is not an absolute URL or a path",
            "--> book.toml:2:1",
        ),
    ] {
        let book = Book::with_files(&[("book.toml", toml), ("content/index.md", "# Home\n")]);
        book.run(&["build"])
            .fails_with(1)
            .stderr_has(key_words)
            .stderr_has(location);
    }
}

#[test]
fn missing_theme_names_book_toml() {
    let book = Book::with_files(&[
        ("book.toml", "[build]\ntheme = \"nope\"\n"),
        ("content/index.md", "# Home\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("theme `nope` not found")
        .stderr_has("--> book.toml");
}

#[test]
fn two_generated_prefixes_renamed_to_the_same_is_an_error() {
    let book = Book::with_files(&[
        ("book.toml", "[urls]\ntasks = \"sections\"\n"),
        ("content/checklist.md", "# C\n\n## S\n\n- `{X}` s\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("book.toml:2")
        .stderr_has("sections");
}

#[test]
fn collision_with_a_renamed_prefix_names_the_config_key() {
    let book = Book::with_files(&[
        ("book.toml", "[urls]\ntasks = \"t\"\n"),
        ("content/t/s.md", "# X\n"),
        ("content/checklist.md", "# C\n\n## A\n\n- `{ }` s\n"),
    ]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("content/t/s.md")
        .stderr_has("`[urls] tasks = ");
    assert!(!run.stderr().contains("`[urls] t = "), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------------
// URLs

#[test]
fn two_files_at_the_same_url_are_an_error_naming_both() {
    let book = Book::with_files(&[("content/a b.md", "# A b\n"), ("content/a-b.md", "# A-b\n")]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("content/a b.md and content/a-b.md would both be published at /a-b/")
        .stderr_has("--> content/a-b.md")
        .stderr_has("rename one of the files");

    let book = Book::with_files(&[("content/A.md", "# A\n"), ("content/a.md", "# a\n")]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("content/A.md and content/a.md would both be published at /a/");

    let book = Book::with_files(&[("content/a.md", "# A\n"), ("content/a/index.md", "# A index\n")]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("content/a.md and content/a/index.md would both be published at /a/");
}

#[test]
fn content_page_colliding_with_generated_prefix_is_an_error() {
    // A page at the very path of a generated one (under alerts/, tasks/, sections/, print/
    // only then; badges/ and _theme/ are opsbook's alone).
    for (file, what) in [
        ("content/tasks/x.md", "the permanent link of the task `x`"),
        ("content/alerts/_index.md", "its generated /alerts/ page"),
        ("content/print.md", "its generated /print/ page"),
        ("content/sections/s.md", "the page of the checklist section \"S\""),
        ("content/badges/progress.md", "its generated /badges/ pages"),
    ] {
        let book = Book::with_files(&[(file, "# X\n"), ("content/checklist.md", "# C\n\n## S\n\n- `{ }` x\n")]);
        book.run(&["build"])
            .fails_with(1)
            .stderr_has(&format!("{file} would be published at"))
            .stderr_has(&format!("where opsbook writes {what}"))
            .stderr_has(&format!("--> {file}"))
            .stderr_has("[urls]");
        assert!(!book.exists("site"));
    }
}

#[test]
fn content_page_colliding_with_a_generated_file_is_an_error_naming_it() {
    let book = Book::with_files(&[("content/progress.json.md", "# X\n")]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("content/progress.json.md")
        .stderr_has("progress.json");
    assert!(
        !run.stderr().contains(".site.building"),
        "no temporary path in the message: {}",
        run.stderr()
    );
}

#[test]
fn content_file_colliding_with_a_generated_file_is_an_error() {
    let book = Book::with_files(&[
        ("content/checklist.md", "# C\n\n## S\n\n- `{X}` s\n"),
        ("content/progress.json", "STATIC\n"),
    ]);
    book.run(&["build"]).fails_with(1).stderr_has("content/progress.json");
}

#[test]
fn content_file_colliding_with_a_page_is_an_error_naming_both() {
    let book = Book::with_files(&[
        ("content/guide.md", "# Guide\n"),
        ("content/guide/index.html", "STATIC"),
        // Trusted, or it would be refused as a file browsers run before colliding.
        ("book.toml", "[build]\ntrusted-assets = [\"guide/index.html\"]\n"),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("content/guide.md")
        .stderr_has("content/guide/index.html");
}

// ---------------------------------------------------------------------------------------------
// Files on disk

#[test]
fn symlink_leading_outside_the_book_is_an_error_and_nothing_is_written() {
    let outside = tempfile::tempdir().expect("tempdir");
    fs::write(outside.path().join("secret.md"), "# Secret\n").expect("write");
    fs::write(outside.path().join("secret.txt"), "secret\n").expect("write");
    let book = Book::with_files(&[("content/index.md", "# Home\n")]);
    std::os::unix::fs::symlink(outside.path().join("secret.md"), book.path().join("content/secret.md"))
        .expect("symlink");
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("symlink leads outside content/")
        .stderr_has("--> content/secret.md")
        .stderr_has("nothing was written");
    assert!(!run.stderr().contains("# Secret"), "the target's text is not shown");
    assert_eq!(top_level(&book), ["content"], "build writes nothing");

    // A copied (non-page) file, a folder, and a file elsewhere in the book are refused too.
    fs::remove_file(book.path().join("content/secret.md")).expect("rm");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), book.path().join("content/notes.txt"))
        .expect("symlink");
    std::os::unix::fs::symlink(outside.path(), book.path().join("content/ext")).expect("symlink");
    book.write("book.toml", "[book]\ntitle = \"T\"\n");
    std::os::unix::fs::symlink("../book.toml", book.path().join("content/config.txt")).expect("symlink");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("--> content/notes.txt")
        .stderr_has("--> content/ext")
        .stderr_has("--> content/config.txt");
    assert_eq!(top_level(&book), ["book.toml", "content"]);
    book.run(&["check"])
        .fails_with(1)
        .stderr_has("symlink leads outside content/");
}

#[test]
fn symlink_to_system_file_is_an_error() {
    let book = Book::with_files(&[("content/index.md", "# Home\n")]);
    std::os::unix::fs::symlink("/etc/hostname", book.path().join("content/hostname.md")).expect("symlink");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("symlink leads outside content/ (to /etc/hostname)")
        .stderr_has("--> content/hostname.md");
    assert!(!book.exists("site"));
}

#[test]
fn broken_symlink_is_an_error() {
    let book = Book::with_files(&[("content/index.md", "# Home\n")]);
    std::os::unix::fs::symlink("nowhere.md", book.path().join("content/dangling.md")).expect("symlink");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("broken symlink")
        .stderr_has("--> content/dangling.md");
}

#[test]
fn output_folder_not_made_by_opsbook_is_refused_and_untouched() {
    let book = Book::with_files(&[
        ("content/index.md", "# Home\n"),
        ("mine/notes.txt", "keep me\n"),
        ("mine/.hidden", "and me\n"),
        ("mine/sub/deep.txt", "me too\n"),
    ]);
    let before = snapshot_tree(&book.path().join("mine"));
    book.run(&["build", "-o", "mine"])
        .fails_with(1)
        .stderr_has("refusing to write the site to")
        .stderr_has("mine")
        .stderr_has("not empty and opsbook did not create it");
    assert_eq!(
        before,
        snapshot_tree(&book.path().join("mine")),
        "the folder's files are untouched"
    );
    assert_eq!(top_level(&book), ["content", "mine"], "no temporary folder left behind");

    // A folder opsbook made may be built into again.
    book.run(&["build", "-o", "out"]).success();
    book.run(&["build", "-o", "out"]).success();
}

#[test]
fn output_folder_that_is_the_book_root_or_content_is_refused() {
    let book = Book::with_files(&[
        ("book.toml", "[book]\ntitle = \"T\"\n"),
        ("content/index.md", "# Home\n"),
    ]);
    let before = snapshot_tree(book.path());
    for out in [".", "./", "content", "content/index.md", ".."] {
        book.run(&["build", "-o", out])
            .fails_with(1)
            .stderr_has("refusing to write the site to");
        assert_eq!(before, snapshot_tree(book.path()), "-o {out} changed the book");
    }
    book.run(&["build", "-o", "."]).stderr_has("it holds the book itself");
    book.run(&["build", "-o", "content"]).stderr_has("content folder");
    book.run(&["build", "-o", "/"])
        .fails_with(1)
        .stderr_has("file system root");
    // The same through book.toml.
    book.write("book.toml", "[build]\noutput = \".\"\n");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("it holds the book itself");
    assert_eq!(top_level(&book), ["book.toml", "content"]);
}

#[test]
fn output_that_is_a_file_is_refused() {
    let book = Book::with_files(&[("content/index.md", "# Home\n"), ("afile", "x\n")]);
    book.run(&["build", "-o", "afile"])
        .fails_with(1)
        .stderr_has("it is a file");
    assert_eq!(book.read("afile"), "x\n");
}

#[test]
fn template_error_in_theme_override_names_the_template() {
    let book = Book::with_files(&[
        ("content/index.md", "# Home\n"),
        ("content/guide.md", "# Guide\n"),
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>\n{% if %}broken{% endif %}\n{% endblock content %}\n",
        ),
    ]);
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("template error")
        .stderr_has("themes/default/templates/page.html")
        .stderr_has("delete the override");
    assert_eq!(top_level(&book), ["content", "themes"]);

    // An error found while rendering names the template too.
    book.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.title | nosuchfilter }}\n{% endblock content %}\n",
    );
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("nosuchfilter")
        .stderr_has("themes/default/templates/page.html");
}

#[test]
fn template_parse_error_points_at_line_and_column() {
    let book = Book::with_files(&[
        ("content/guide.md", "# Guide\n"),
        (
            "themes/default/templates/page.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>\n{% if %}broken{% endif %}\n{% endblock content %}\n",
        ),
    ]);
    let run = book.run(&["build"]);
    run.fails_with(1)
        .stderr_has("--> themes/default/templates/page.html:4:7")
        .stderr_has("4 | {% if %}broken{% endif %}");
    let first = run.stderr().lines().next().unwrap_or_default().to_string();
    assert!(
        !first.contains("-->"),
        "the message holds no flattened snippet: {first}"
    );
}

#[test]
fn invalid_utf8_page_is_an_error_naming_the_file() {
    let book = Book::with_files(&[("content/index.md", "# Home\n")]);
    fs::write(book.path().join("content/latin1.md"), b"# Caf\xe9\n\nline 2\n").expect("write");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("not valid UTF-8")
        .stderr_has("--> content/latin1.md:1:6")
        .stderr_has("save the file as UTF-8");
    assert!(!book.exists("site"));

    let book = Book::with_files(&[("content/index.md", "# Home\n")]);
    fs::write(book.path().join("book.toml"), b"[book]\ntitle = \"caf\xe9\"\n").expect("write");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("book.toml is not valid UTF-8");
}

#[test]
fn empty_half_saved_page_builds() {
    let book = Book::with_files(&[("content/index.md", "# Home\n"), ("content/draft.md", "")]);
    book.run(&["build"]).success().stdout_has("0 warnings");
    assert!(book.exists("site/draft/index.html"));
    // An empty checklist is no error either.
    let book = Book::with_files(&[("content/checklist.md", "")]);
    book.run(&["build"]).success();
}

// ---------------------------------------------------------------------------------------------
// Warnings: reported, build still succeeds

#[test]
fn raw_script_is_removed_with_warning_at_file_line() {
    let book = Book::with_files(&[(
        "content/index.md",
        "# Home\n\nIntro text.\n\n<script>alert(\"x\")</script>\n\n<details><summary>More</summary>\n\nHidden\n\n</details>\n\n\
         <a href=\"javascript:alert(1)\">bad</a> and <img src=\"x.png\" onerror=\"alert(2)\">\n",
    ), ("content/x.png", "")]);
    book.run(&["build"])
        .success()
        .stderr_has("warning: raw HTML `<script>` removed")
        .stderr_has("--> content/index.md:5:1")
        .stderr_has("warning: raw HTML `javascript:` URL removed")
        .stderr_has("--> content/index.md:13:1")
        .stderr_has("warning: raw HTML event handler")
        .stderr_has("--> content/index.md:13:43")
        .stderr_has("allow-raw-html = true")
        .stdout_has("3 warnings");
    let html = book.read("site/index.html");
    assert!(!html.contains("alert("), "script, javascript: URL and handler are gone");
    assert!(html.contains("<details><summary>More</summary>"), "harmless HTML stays");
}

#[test]
fn inline_script_after_front_matter_is_located() {
    let book = Book::with_files(&[(
        "content/guide.md",
        "---\ntitle: Guide\n---\n# Guide\n\nSome text <script>steal()</script> inline.\n",
    )]);
    book.run(&["build"])
        .success()
        .stderr_has("raw HTML `<script>` removed")
        .stderr_has("--> content/guide.md:6:11");
    assert!(!book.read("site/guide/index.html").contains("steal()"));
}

#[test]
fn unknown_hugo_shortcode_is_a_warning_shown_as_written() {
    let book = Book::with_files(&[(
        "content/guide.md",
        "---\ntitle: Guide\n---\n# Guide\n\n{{< expand info >}}\nCareful here.\n{{< /expand >}}\n\n```\n{{< expand >}} in code\n```\n",
    )]);
    let run = book.run(&["build"]);
    run.success()
        .stderr_has("warning: shortcode `{{< expand info >}}` is not supported; it is shown as written")
        .stderr_has("--> content/guide.md:6:1")
        .stderr_has("warning: shortcode `{{< /expand >}}`")
        .stderr_has("--> content/guide.md:8:1")
        .stdout_has("2 warnings");
    assert!(
        !run.stderr().contains("{{< expand >}}"),
        "a shortcode in code is not reported: {}",
        run.stderr()
    );
    let html = book.read("site/guide/index.html");
    assert!(html.contains("{{&lt; expand info &gt;}}"), "shown as written: {html}");
}

#[test]
fn unset_param_shortcode_is_a_warning() {
    let book = Book::with_files(&[("content/guide.md", "# Guide\n\nRepo: {{< param NoSuchParam >}}\n")]);
    book.run(&["build"])
        .success()
        .stderr_has("`{{< param NoSuchParam >}}` is not set in book.toml")
        .stderr_has("--> content/guide.md:3:7")
        .stderr_has("[params]");
}

#[test]
fn progress_row_naming_no_section_is_a_warning() {
    let text = "# Checklist\n\n## S\n\n- `{X}` Ok\n\n| Section | Progress |\n|---|---|\n| Nope | 1/1 |\n";
    let book = Book::with_files(&[("content/checklist.md", text)]);
    book.run(&["check"])
        .success()
        .stderr_has("warning: progress table row `Nope` names no section")
        .stderr_has("--> content/checklist.md:9:10");
}

#[test]
fn alert_listed_by_two_pages_is_a_warning_from_check() {
    let book = Book::with_files(&[
        ("content/a.md", "---\nalerts: [DiskFull]\n---\n# A\n"),
        ("content/b.md", "---\ntitle: B\nalerts: [DiskFull]\n---\n# B\n"),
    ]);
    book.run(&["check"])
        .success()
        .stderr_has("warning:")
        .stderr_has("DiskFull")
        .stderr_has("content/b.md");
}

// ---------------------------------------------------------------------------------------------
// Usage errors and `check`

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let book = Book::empty();
    book.run(&["frobnicate"])
        .fails_with(2)
        .stderr_has("unrecognized subcommand 'frobnicate'");
    book.run(&["build", "--nope"])
        .fails_with(2)
        .stderr_has("unexpected argument '--nope'");
    book.run(&["progress", "--format", "xml"])
        .fails_with(2)
        .stderr_has("invalid value 'xml'");
    assert!(top_level(&book).is_empty());
}

#[test]
fn missing_book_folder_is_a_usage_error() {
    let book = Book::empty();
    for cmd in ["build", "check", "progress"] {
        book.run(&[cmd, "/no/such/dir"])
            .fails_with(2)
            .stderr_has("/no/such/dir is not a folder")
            .stderr_has("book.toml and content/");
    }
    assert!(top_level(&book).is_empty());
}

#[test]
fn folder_without_content_is_an_error() {
    let book = Book::empty();
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("no content folder")
        .stderr_has("opsbook init");
    assert!(top_level(&book).is_empty());
}

#[test]
fn check_writes_nothing() {
    let text = "# Checklist\n\n## Backups\n\n- `{X}` Back up the database\n- `{ }` Test restores\n\n\
                | Section | Progress |\n|---|---|\n| Backups | 1/2 |\n";
    let book = Book::with_files(&[
        ("book.toml", "[book]\ntitle = \"T\"\n"),
        ("content/checklist.md", text),
        (
            "content/runbooks/backups/back-up-the-database.md",
            "# Back up\n\nSee [restores](../../faq.md).\n",
        ),
        ("content/faq.md", "# FAQ\n"),
    ]);
    let before = snapshot_tree(book.path());
    book.run(&["check"]).success().stdout_has("check passed");
    book.run(&["check", "--format", "json"])
        .success()
        .stdout_has("\"ok\": true");
    assert!(!book.exists("site"), "check made no site/");
    assert_eq!(before, snapshot_tree(book.path()), "check changed no file");
    assert_eq!(top_level(&book), ["book.toml", "content"]);

    // Nor when it fails.
    book.write("content/faq.md", "# FAQ\n\n[gone](gone.md)\n");
    book.run(&["check"]).fails_with(1).stderr_has("--> content/faq.md:3:1");
    assert_eq!(top_level(&book), ["book.toml", "content"]);
}

#[test]
fn check_json_lists_each_error_with_its_location() {
    let book = Book::with_files(&[(
        "content/checklist.md",
        &checklist("- `{ }` Fine task\n- `{Y}` typo\n- `{IPX}` other typo\n"),
    )]);
    let run = book.run(&["check", "--format", "json"]);
    run.fails_with(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON on stdout");
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"], 2);
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags[0]["severity"], "error");
    assert_eq!(diags[0]["path"], "content/checklist.md");
    assert_eq!(diags[0]["line"], 6);
    assert_eq!(diags[0]["col"], 3);
    assert_eq!(diags[0]["message"], "unknown status marker `{Y}`");
    assert_eq!(diags[1]["line"], 7);
}

#[test]
fn check_text_and_json_count_the_same_pages() {
    let book = Book::with_files(&[
        ("content/faq.md", "# FAQ\n\n[gone](gone.md)\n"),
        ("content/guide.md", "# Guide\n"),
    ]);
    let text = book.run(&["check"]).stderr();
    let json: serde_json::Value =
        serde_json::from_str(&book.run(&["check", "--format", "json"]).stdout()).expect("json");
    let pages = json["pages"].as_u64().expect("pages");
    assert!(
        text.contains(&format!(" in {pages} page")),
        "text says {text:?}, JSON says {pages}"
    );
}

#[test]
fn alert_rule_whose_runbook_url_does_not_resolve_is_located() {
    let book = Book::with_files(&[
        ("content/db.md", "---\nalerts: [PostgresBackupFailed]\n---\n# DB\n"),
        (
            "rules.yml",
            "groups:\n  - name: db\n    rules:\n      - alert: PostgresBackupFailed\n        expr: up == 0\n        \
             annotations:\n          runbook_url: /alerts/PostgresBackupFailed/\n      - alert: Other\n        \
             expr: up == 0\n        annotations:\n          runbook_url: /dr/no-such-page/\n",
        ),
    ]);
    book.run(&["check", "--alert-rules", "rules.yml"])
        .fails_with(1)
        .stderr_has("/dr/no-such-page/")
        .stderr_has("rules.yml:11");
}
