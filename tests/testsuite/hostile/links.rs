//! Links and URLs: to nowhere, to the wrong case, out of the book, in loops, and two files or
//! a file and opsbook itself wanting one URL.

use super::hostile_build;

#[test]
fn a_missing_page_and_a_missing_anchor_are_errors_at_the_link() {
    let (_, run) = hostile_build(&[
        ("content/a.md", b"# A\n\nSee [b](b.md) and [c](c.md#nowhere).\n"),
        ("content/c.md", b"# C\n\n## Somewhere\n"),
    ]);
    run.fails_with(1)
        .stderr_has("content/a.md:3:5")
        .stderr_has("content/a.md:3:19")
        .stderr_has("nowhere");
}

#[test]
fn a_link_in_the_wrong_case_names_the_right_file() {
    let (_, run) = hostile_build(&[
        ("content/a.md", b"# A\n\n[b](Guide.md)\n"),
        ("content/guide.md", b"# Guide\n"),
    ]);
    run.fails_with(1).stderr_has("content/a.md:3:1").stderr_has("guide.md");
}

#[test]
fn links_leaving_the_content_folder_are_errors() {
    for link in [
        "../book.toml",
        "../../etc/passwd",
        "/etc/passwd",
        "../../secret.txt",
        "..%2f..%2fsecret.txt",
    ] {
        let text = format!("# A\n\n[out]({link})\n");
        let (book, run) = hostile_build(&[("content/a.md", text.as_bytes()), ("book.toml", b"")]);
        assert!(run.code() <= 1, "{link}: {}", run.stderr());
        if run.code() == 0 {
            // Kept as a plain link (a site-absolute URL), never a copy of the file.
            assert!(
                !book.exists("site/etc/passwd") && !book.exists("site/book.toml"),
                "{link}"
            );
        }
    }
}

#[test]
fn aliases_that_loop_or_take_another_pages_url_are_errors() {
    let (_, run) = hostile_build(&[
        ("content/a.md", b"---\naliases: [/b/]\n---\n# A\n"),
        ("content/b.md", b"---\naliases: [/a/]\n---\n# B\n"),
    ]);
    run.fails_with(1).stderr_has("content/a.md").stderr_has("/b/");
}

#[test]
fn an_alias_onto_itself_or_out_of_the_site_is_refused() {
    for alias in ["/a/", "../../outside/", "/../../outside/", "/tasks/x/"] {
        let text = format!("---\naliases: ['{alias}']\n---\n# A\n");
        let (book, run) = hostile_build(&[("content/a.md", text.as_bytes())]);
        assert!(run.code() <= 1, "{alias}: {}", run.stderr());
        let escaped = book.path().join("outside");
        assert!(!escaped.exists(), "{alias} wrote outside the site");
    }
}

#[test]
fn two_files_for_one_url_are_an_error_naming_both() {
    let (_, run) = hostile_build(&[("content/Guide.md", b"# G1\n"), ("content/guide.md", b"# G2\n")]);
    run.fails_with(1).stderr_has("content/Guide.md and content/guide.md");
    let (_, run) = hostile_build(&[("content/guide.md", b"# G1\n"), ("content/guide/index.md", b"# G2\n")]);
    run.fails_with(1).stderr_has("/guide/");
}

#[test]
fn pages_at_generated_urls_are_errors_naming_the_prefix() {
    let checklist: &[u8] = b"# C\n\n## S\n\n- `{ }` x\n";
    for path in [
        "content/tasks/x.md",
        "content/alerts.md",
        "content/badges/progress.md",
        "content/print.md",
        "content/_theme/style.md",
        "content/sections/s.md",
    ] {
        let (_, run) = hostile_build(&[(path, b"# X\n"), ("content/checklist.md", checklist)]);
        run.fails_with(1).stderr_has(path);
    }
    // Beside the generated pages, not on them: a repository's own alerts/ and tasks/ folders.
    for path in ["content/tasks/other.md", "content/alerts/db/PostgresDown.md"] {
        let (_, run) = hostile_build(&[(path, b"# X\n"), ("content/checklist.md", checklist)]);
        run.success();
    }
}

#[test]
fn a_file_copied_over_a_generated_file_is_an_error() {
    // (sitemap.xml is opsbook's only when the site has an absolute URL.)
    for path in [
        "content/progress.json",
        "content/404.html",
        "content/feed.xml",
        "content/badges/progress.svg",
        "content/search/index.js",
    ] {
        // Trusted: `.html` and `.xml` from content are otherwise refused before they collide.
        let trusted: &[u8] = b"[build]\ntrusted-assets = [\"**\"]\n";
        let (_, run) = hostile_build(&[(path, b"{}"), ("content/a.md", b"# A\n"), ("book.toml", trusted)]);
        run.fails_with(1).stderr_has(path).stderr_has("would overwrite");
    }
}
