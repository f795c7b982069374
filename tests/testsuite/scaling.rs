//! Cost grows with the input, never faster: each input that once took time proportional to
//! the square of its size (issue 19) is checked at n and at 4n in the same run. Linear work
//! takes about 4 times as long; the test fails past 6 times. Each time is the best of two
//! runs, taken alternately, so that a burst of load on the machine does not decide.

use std::time::{Duration, Instant};

use crate::support::Book;

/// The largest ratio of the time at 4n to the time at n that passes.
const MAX_RATIO: f64 = 6.0;

/// Runs `args` on the books made by `make(n)` and `make(4 * n)`; fails past [`MAX_RATIO`].
/// Returns the output of the larger run, for checks on what it printed.
#[track_caller]
fn scales_linearly(what: &str, n: usize, make: impl Fn(usize) -> Book, args: &[&str]) -> crate::support::Run {
    let small = make(n);
    let large = make(4 * n);
    let time = |book: &Book| {
        let start = Instant::now();
        let run = book.run(args);
        assert!(
            matches!(run.code(), 0 | 1),
            "{what}: exit {}\n{}",
            run.code(),
            run.stderr()
        );
        (start.elapsed(), run)
    };
    let mut best = [Duration::MAX; 2];
    let mut last = None;
    for _ in 0..2 {
        for (i, book) in [&small, &large].into_iter().enumerate() {
            let (t, run) = time(book);
            best[i] = best[i].min(t);
            last = Some(run);
        }
    }
    let ratio = best[1].as_secs_f64() / best[0].as_secs_f64().max(1e-6);
    assert!(
        ratio <= MAX_RATIO,
        "{what}: {n} took {:?}, {} took {:?}: {ratio:.1} times (linear is about 4)",
        best[0],
        4 * n,
        best[1]
    );
    last.expect("ran")
}

fn page(body: &str) -> Book {
    Book::with_files(&[("content/index.md", "# Home\n"), ("content/a.md", body)])
}

#[test]
fn thousands_of_broken_links_in_one_file_cost_no_more_than_their_number() {
    let run = scales_linearly(
        "broken links",
        8000,
        |n| page(&(0..n).map(|i| format!("[x{i}](missing-{i}.md)\n")).collect::<String>()),
        &["check"],
    );
    // Every one is counted; the first ones are shown, then one line says how many more.
    run.stderr_has("32000 errors")
        .stderr_has("31950 more problem(s) in content/a.md not shown");
}

#[test]
fn thousands_of_unknown_shortcodes_cost_no_more_than_their_number() {
    scales_linearly(
        "unknown shortcodes",
        8000,
        |n| page(&(0..n).map(|i| format!("{{{{< nope{i} >}}}}\n")).collect::<String>()),
        &["check"],
    );
}

#[test]
fn unset_params_on_one_line_print_a_bounded_report() {
    let run = scales_linearly(
        "unset params on one line",
        1000,
        |n| {
            page(&format!(
                "# A\n\n{}\n",
                (0..n).map(|i| format!("{{{{< param P{i} >}}}} ")).collect::<String>()
            ))
        },
        &["check"],
    );
    // 4,000 warnings, each showing the 80 KB line, were 385 MB of output.
    assert!(run.stderr().len() < 8 << 20, "{} bytes printed", run.stderr().len());
    run.stderr_has("more problem(s) in content/a.md not shown");
}

#[test]
fn front_matter_anchors_and_nesting_are_refused_before_they_cost() {
    scales_linearly(
        "YAML anchors",
        5000,
        |n| {
            let keys: String = (0..n).map(|i| format!("k{i}: &a{i} v\n")).collect();
            let refs: Vec<String> = (0..n).map(|i| format!("*a{i}")).collect();
            page(&format!("---\n{keys}refs: [{}]\n---\n# A\n", refs.join(", ")))
        },
        &["check"],
    )
    .stderr_has("YAML anchors and aliases (at most 256)");
    scales_linearly(
        "nested brackets in front matter",
        10000,
        |n| page(&format!("---\ntags: {}\n---\n# A\n", "[".repeat(n))),
        &["check"],
    )
    .stderr_has("levels deep (at most 64)");
    scales_linearly(
        "nested brackets in a page",
        10000,
        |n| page(&format!("# A\n\n{}\n", "[".repeat(n))),
        &["check"],
    );
}

#[test]
fn thousands_of_removed_urls_in_the_record_cost_no_more_than_their_number() {
    scales_linearly(
        "removed URLs",
        10000,
        |n| {
            let book = page("# A\n");
            for i in 0..200 {
                book.write(&format!("content/p/page{i}.md"), &format!("# Page {i}\n"));
            }
            book.write(
                "opsbook.lock",
                &(0..n).map(|i| format!("/gone/p{i:06}/\n")).collect::<String>(),
            );
            book
        },
        &["check"],
    )
    .stderr_has("40000 errors");
}

#[test]
fn thousands_of_unresolved_alert_rules_cost_no_more_than_their_number() {
    scales_linearly(
        "alert rules",
        4000,
        |n| {
            let book = page("---\nalerts: [Known]\n---\n# A\n");
            let rules: String = (0..n)
                .map(|i| {
                    format!(
                        "  - alert: A{i}\n    expr: up == 0\n    annotations:\n      runbook_url: /runbooks/none{i}/\n"
                    )
                })
                .collect();
            book.write("rules.yml", &format!("groups:\n- name: g\n  rules:\n{rules}"));
            book
        },
        &["check", "--alert-rules", "rules.yml"],
    );
}
