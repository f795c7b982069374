//! Front matter and book.toml: broken, hostile or merely surprising.

use super::hostile_build;

fn page(front: &str) -> String {
    format!("---\n{front}\n---\n\n# Page\n\nBody.\n")
}

#[test]
fn invalid_yaml_is_an_error_at_its_line() {
    let text = page("title: Fine\nowner: [unclosed\nseverity: SEV2");
    let (_, run) = hostile_build(&[("content/p.md", text.as_bytes())]);
    // The parser notices the missing `]` on the line after it.
    run.fails_with(1).stderr_has("content/p.md:4:").stderr_has("YAML");
}

#[test]
fn invalid_toml_front_matter_is_an_error_at_its_line() {
    let text = "+++\ntitle = \"Fine\"\nowner = \n+++\n\nBody.\n";
    let (_, run) = hostile_build(&[("content/p.md", text.as_bytes())]);
    run.fails_with(1).stderr_has("content/p.md:3");
}

#[test]
fn yaml_alias_bombs_are_refused_without_blowing_up() {
    let mut front = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for (name, prev) in [
        ("b", "a"),
        ("c", "b"),
        ("d", "c"),
        ("e", "d"),
        ("f", "e"),
        ("g", "f"),
        ("h", "g"),
        ("i", "h"),
    ] {
        front.push_str(&format!(
            "{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    front.push_str("title: Laughs");
    let (_, run) = hostile_build(&[("content/p.md", page(&front).as_bytes())]);
    // Unknown keys are the user's own; what matters is a bounded build and a clear answer.
    assert!(run.code() <= 1, "{}", run.stderr());
}

#[test]
fn huge_numbers_and_impossible_dates_are_errors_at_their_line() {
    for (front, line) in [
        ("title: T\nreview_every: 99999999999999999999999", 3),
        ("title: T\nlast_reviewed: 2026-02-30", 3),
        ("title: T\nlast_reviewed: 2026-13-01", 3),
        ("title: T\nreview_every: -5", 3),
    ] {
        let (_, run) = hostile_build(&[("content/p.md", page(front).as_bytes())]);
        run.fails_with(1).stderr_has(&format!("content/p.md:{line}"));
    }
}

#[test]
fn wrong_types_are_errors_naming_the_key() {
    // A single string where a list is expected is read as a one-item list (`alerts: X`).
    for (front, key) in [
        ("title: [a, b]", "title"),
        ("alerts: {name: PostgresDown}", "alerts"),
        ("tags: [[nested]]", "tags"),
        ("owner: {team: dba}", "owner"),
        ("last_reviewed: [2026-01-01]", "last_reviewed"),
    ] {
        let (_, run) = hostile_build(&[("content/p.md", page(front).as_bytes())]);
        run.fails_with(1).stderr_has("content/p.md:").stderr_has(key);
    }
}

#[test]
fn unknown_front_matter_keys_are_kept_for_templates_not_errors() {
    let (_, run) = hostile_build(&[("content/p.md", page("title: T\nrunbook_color: blue").as_bytes())]);
    assert!(run.code() == 0, "{}", run.stderr());
}

#[test]
fn an_empty_file_and_an_empty_front_matter_build() {
    let (book, run) = hostile_build(&[("content/empty.md", b""), ("content/blank.md", b"---\n---\n")]);
    run.success();
    assert!(book.exists("site/empty/index.html"));
    assert!(book.exists("site/blank/index.html"));
}

/// As on GitHub, a first `---` that never closes is a thematic break, not front matter; a
/// half-saved file is the likely cause, so it is a warning at line 1.
#[test]
fn front_matter_that_never_closes_is_a_warning_at_its_start() {
    let (book, run) = hostile_build(&[("content/p.md", b"---\ntitle: T\n\n# Page\n\nBody.\n")]);
    run.success()
        .stderr_has("warning: front matter opened here is never closed")
        .stderr_has("content/p.md:1:1");
    assert!(book.read("site/p/index.html").contains("Body."));
}

#[test]
fn an_unknown_book_toml_key_and_invalid_toml_are_errors_at_their_line() {
    let (_, run) = hostile_build(&[
        ("book.toml", b"[site]\nurl = \"https://x.example/\"\ncolour = 1\n"),
        ("content/p.md", b"# P\n"),
    ]);
    run.fails_with(1).stderr_has("book.toml:3");
    let (_, run) = hostile_build(&[
        ("book.toml", b"[site]\nurl = \"https://x.example/\n"),
        ("content/p.md", b"# P\n"),
    ]);
    run.fails_with(1).stderr_has("book.toml:2");
}

#[test]
fn an_empty_book_toml_is_the_defaults() {
    let (_, run) = hostile_build(&[("book.toml", b""), ("content/p.md", b"# P\n")]);
    run.success();
}

/// Found by the `front_matter` fuzz target: a key broken by a run of lone CRs. Each CR ends a
/// line, so every diagnostic must point at a line the file has.
#[test]
fn fuzz_found_lone_crs_in_front_matter_give_lines_the_file_has() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/testsuite/fixtures/fuzz/front-matter-lone-cr.md"
    ))
    .expect("fixture");
    let lines = String::from_utf8_lossy(&bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .lines()
        .count();
    let (_, run) = hostile_build(&[("content/p.md", &bytes)]);
    for line in run
        .stderr()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> content/p.md:"))
    {
        let n: usize = line.split(':').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        assert!(
            n <= lines,
            "diagnostic at line {n} of a {lines}-line file:\n{}",
            run.stderr()
        );
    }
}
