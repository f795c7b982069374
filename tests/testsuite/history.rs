//! Progress over time, from git (issue 22): a book with a scripted history (commits on chosen
//! dates), built and asked, and the same book as a shallow clone and outside git.

use crate::support::Book;

/// A checklist of two sections (three and two tasks) with the given markers, and a progress
/// table with notes.
fn checklist(marks: [&str; 5]) -> String {
    let [a, b, c, d, e] = marks;
    format!(
        "# Checklist\n\n## Backups\n\n- `{{{a}}}` Verify the backup\n- `{{{b}}}` Test a restore\n- `{{{c}}}` Rotate the keys\n\n## Alerts\n\n- `{{{d}}}` Page the on-call\n- `{{{e}}}` Write the runbooks\n\n## Progress Tracking\n\n| Section | Progress | Notes |\n|---|---|---|\n| Backups | 0/3 | blocked on **DBA hire** |\n| Alerts | 0/2 | |\n| **TOTAL** | **0/5** | |\n"
    )
}

/// The book, committed on five days: started 2026-09-01, a task started on 09-10 and done on
/// 09-20, two more done on 10-25 and 11-05 (one reopened on 11-05), a task added on 11-05.
fn book_with_history() -> Book {
    let book = Book::with_files(&[
        ("content/checklist.md", &checklist([" ", " ", " ", " ", " "])),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "# Verify the backup\n\nRun it.\n",
        ),
    ]);
    book.commit_on("2026-09-01", "Ann Ops", "Start");
    book.write("content/checklist.md", &checklist(["IP", " ", " ", " ", " "]));
    book.commit_on("2026-09-10", "Ann Ops", "Start verifying");
    book.write("content/checklist.md", &checklist(["X", " ", " ", " ", " "]));
    book.commit_on("2026-09-20", "Bo Dev", "Verified");
    book.write("content/checklist.md", &checklist(["X", "X", " ", "X", " "]));
    book.commit_on("2026-10-25", "Cy Sre", "Restore and paging");
    book.write(
        "content/checklist.md",
        &checklist(["X", "X", " ", " ", "X"]).replace(
            "- `{ }` Rotate the keys\n",
            "- `{ }` Rotate the keys\n- `{ }` Encrypt the backups\n",
        ),
    );
    book.commit_on("2026-11-05", "Cy Sre", "Runbooks written, paging reopened");
    book
}

fn json(book: &Book, rel: &str) -> serde_json::Value {
    serde_json::from_str(&book.read(rel)).expect("json")
}

#[test]
fn the_dashboard_draws_the_history_and_states_the_pace() {
    let book = book_with_history();
    book.run(&["build", "--today", "2026-12-01"]).success();
    let p = json(&book, "site/progress.json");
    let days: Vec<(String, u64, u64, u64)> = p["history"]["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap_or("").to_string(),
                d["complete"].as_u64().unwrap_or(99),
                d["in_progress"].as_u64().unwrap_or(99),
                d["total"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let want: Vec<(String, u64, u64, u64)> = [
        ("2026-09-01", 0, 0, 5),
        ("2026-09-10", 0, 1, 5),
        ("2026-09-20", 1, 0, 5),
        ("2026-10-25", 3, 0, 5),
        ("2026-11-05", 3, 0, 6),
    ]
    .iter()
    .map(|(d, a, b, c)| (d.to_string(), *a, *b, *c))
    .collect();
    assert_eq!(days, want);
    assert_eq!(p["history"]["complete"], true);
    // Over the 4 weeks to 2026-12-01 (from 11-03): 3 → 3, nothing; over 12 weeks (from
    // 09-08): 0 → 3, 0.25 a week.
    assert_eq!(p["pace"]["recent"]["per_week"], 0.0);
    assert_eq!(p["pace"]["longer"]["per_week"], 0.3);
    assert_eq!(p["pace"]["projected_finish"], serde_json::Value::Null);
    assert_eq!(p["pace"]["weeks_since_progress"], 5, "last up on 10-25");
    assert_eq!(p["pace"]["remaining"], 3);
    // Backups (2 of 4 done) has not changed since 11-05 (26 days): stalled. Alerts (1 of 2)
    // too. The existing keys stay as they were.
    let backups = &p["sections"][0];
    assert_eq!(backups["stalled_since"], "2026-11-05");
    assert_eq!(backups["notes"], "blocked on **DBA hire**");
    assert_eq!(backups["counts"]["complete"], 2);
    let verify = &backups["tasks"][0];
    assert_eq!(verify["last_change"]["date"], "2026-09-20");
    assert_eq!(verify["last_change"]["from"], "in_progress");
    assert_eq!(verify["status"], "complete");

    let dash = book.read("site/index.html");
    assert!(dash.contains("<svg class=\"chart burn-up\""), "the chart is drawn");
    assert!(dash.contains("<title id=\"burn-up-title\">Burn-up: 3 of 6 tasks complete, 0 in progress, 0 not applicable, as of 2026-12-01</title>"));
    assert!(
        !dash.contains("<script") || !dash.contains("burn-up.js"),
        "no script draws it"
    );
    // The numbers behind it, newest first.
    let table = dash.split("The numbers behind the chart").nth(1).expect("table");
    let first_row = table.find("<td>2026-11-05</td>").expect("11-05 row");
    let last_row = table.find("<td>2026-09-01</td>").expect("09-01 row");
    assert!(first_row < last_row);
    assert!(
        dash.contains("No progress in 5 weeks: no finish date can be projected."),
        "{dash}"
    );
    assert!(dash.contains("The projection assumes"));
    assert!(dash.contains("no status change since 2026-11-05"));
    // Notes of the progress table, as sanitized markdown.
    assert!(dash.contains("blocked on <strong>DBA hire</strong>"));
    // Stacked bars: complete, then in progress.
    assert!(dash.contains(
        "<span class=\"bar-done\" style=\"width: 50%\"></span><span class=\"bar-progress\" style=\"width: 0%\"></span>"
    ));

    let section = book.read("site/sections/backups/index.html");
    assert!(section.contains("<svg class=\"chart sparkline\""));
    assert!(
        section.contains("aria-label=\"2 of 4 complete as of 2026-12-01, since 2026-09-01\""),
        "{section}"
    );
    assert!(section.contains("since 2026-09-20, was In progress"));
    assert!(section.contains("<strong>Notes:</strong> blocked on <strong>DBA hire</strong>"));
    let runbook = book.read("site/runbooks/backups/verify-the-backup/index.html");
    assert!(runbook.contains("· since 2026-09-20, was In progress"));
}

#[test]
fn a_pace_projects_the_finish() {
    let book = book_with_history();
    // From 10-01: 1 → 3 complete in four weeks, half a task a week; 3 left: 42 days.
    book.run(&["build", "--today", "2026-10-29"]).success();
    let p = json(&book, "site/progress.json");
    assert_eq!(p["pace"]["recent"]["per_week"], 0.5);
    assert_eq!(p["pace"]["projected_finish"], "2026-12-10");
    let dash = book.read("site/index.html");
    assert!(
        dash.contains("At that pace the 3 remaining tasks are done by <strong>2026-12-10</strong>"),
        "{dash}"
    );
}

#[test]
fn progress_since_lists_what_changed_for_a_status_report() {
    let book = book_with_history();
    let run = book.run(&["progress", "--since", "2026-10-01", "--today", "2026-12-01"]);
    run.success()
        .stdout_has("Checklist: changes since 2026-10-01")
        .stdout_has("Completed (3)")
        .stdout_has("  2026-10-25  Test a restore  · Backups · Cy Sre")
        .stdout_has("Reopened (1)")
        .stdout_has("  2026-11-05  Page the on-call  · Alerts · Cy Sre")
        .stdout_has("Added (1)")
        .stdout_has("Encrypt the backups");
    assert!(!run.stdout().contains("Verify the backup"), "09-20 is before the date");
    let json: serde_json::Value = serde_json::from_str(
        &book
            .run(&["progress", "--since", "2026-11-01", "--format", "json"])
            .stdout(),
    )
    .expect("json");
    let kinds: Vec<&str> = json
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    // In checklist order within a commit.
    assert_eq!(kinds, ["added", "reopened", "completed"]);
    assert_eq!(json[0]["author"], "Cy Sre");
    let csv = book
        .run(&["progress", "--since", "2026-11-01", "--format", "csv"])
        .stdout();
    assert!(csv.starts_with("date,kind,task,title,section,from,to,author\n"));
    assert!(
        csv.contains("2026-11-05,reopened,page-the-on-call,Page the on-call,Alerts,complete,not_started,Cy Sre\n"),
        "{csv}"
    );
    book.run(&["progress", "--since", "1 Nov"])
        .fails_with(2)
        .stderr_has("YYYY-MM-DD");
}

#[test]
fn progress_history_prints_the_series_of_the_chart() {
    let book = book_with_history();
    let csv = book.run(&["progress", "--history", "--format", "csv"]).stdout();
    assert_eq!(
        csv,
        "date,complete,in_progress,not_started,not_applicable,total\n2026-09-01,0,0,5,0,5\n2026-09-10,0,1,4,0,5\n2026-09-20,1,0,4,0,5\n2026-10-25,3,0,2,0,5\n2026-11-05,3,0,3,0,6\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&book.run(&["progress", "--history", "--format", "json"]).stdout()).expect("json");
    assert_eq!(json["complete"], true);
    assert_eq!(json["days"].as_array().map(Vec::len), Some(5));
}

#[test]
fn an_uncommitted_edit_is_the_last_point_of_the_chart() {
    let book = book_with_history();
    book.write(
        "content/checklist.md",
        &book
            .read("content/checklist.md")
            .replace("`{ }` Rotate", "`{X}` Rotate"),
    );
    book.run(&["build", "--today", "2026-12-01"]).success();
    let p = json(&book, "site/progress.json");
    let days = p["history"]["days"].as_array().expect("days");
    assert_eq!(
        days.last().map(|d| (d["date"].clone(), d["complete"].clone())),
        Some(("2026-12-01".into(), 4.into()))
    );
}

#[test]
fn a_shallow_clone_says_its_history_is_incomplete() {
    let book = book_with_history();
    let clone = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", book.path().display());
    let ok = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "2", &url])
        .arg(clone.path().join("b"))
        .status()
        .expect("git");
    assert!(ok.success());
    let shallow = clone.path().join("b");
    let out = assert_cmd::Command::cargo_bin("opsbook")
        .expect("binary")
        .args(["build", "--today", "2026-12-01"])
        .current_dir(&shallow)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shallow.join("site/progress.json")).expect("json"))
            .expect("json");
    assert_eq!(p["history"]["complete"], false);
    assert_eq!(
        p["history"]["days"][0]["date"], "2026-10-25",
        "starts at the oldest commit there is"
    );
    let dash = std::fs::read_to_string(shallow.join("site/index.html")).expect("dashboard");
    assert!(dash.contains("Only part of the history is here (a shallow clone), so the chart starts at 2026-10-25"));
}

#[test]
fn a_book_outside_git_builds_without_history() {
    let book = Book::with_files(&[("content/checklist.md", &checklist(["X", " ", " ", " ", " "]))]);
    book.run(&["build"]).success();
    let p = json(&book, "site/progress.json");
    assert!(p.get("history").is_none() && p.get("pace").is_none());
    assert!(!book.read("site/index.html").contains("burn-up"));
    book.run(&["progress", "--history"])
        .fails_with(1)
        .stderr_has("has no history")
        .stderr_has("commit the book to git");
}

#[test]
fn progress_write_keeps_the_notes() {
    let book = Book::with_files(&[("content/checklist.md", &checklist(["X", " ", " ", " ", " "]))]);
    book.run(&["progress", "--write"]).success();
    let text = book.read("content/checklist.md");
    assert!(text.contains("| Backups | 1/3 | blocked on **DBA hire** |"), "{text}");
    assert!(text.contains("| **TOTAL** | **1/5** | |"), "{text}");
}

/// Issue 23: each page says when it last changed in git and links to its history; the
/// front matter's `last_updated` overrides; outside git no page claims a date.
#[test]
fn each_page_shows_its_last_change_and_links_to_its_history() {
    let book = Book::with_files(&[
        (
            "book.toml",
            "[site]\nedit-url = \"https://github.com/acme/runbooks/edit/main/content/{path}\"\n",
        ),
        ("content/runbooks/restart.md", "# Restart\n"),
        ("content/runbooks/failover.md", "# Fail over\n"),
        (
            "content/guides/old.md",
            "---\nlast_updated: 2025-03-04\n---\n# Old guide\n",
        ),
    ]);
    book.commit_on("2026-01-05", "Ann Ops", "Start");
    book.write("content/runbooks/failover.md", "# Fail over\n\nNew step.\n");
    book.commit_on("2026-02-10", "Ann Ops", "A step");
    // A later commit elsewhere does not move either date.
    book.write("README.md", "# Book\n");
    book.commit_on("2026-03-01", "Ann Ops", "Readme");
    book.run(&["build"]).success();

    let footer = |rel: &str| {
        let html = book.read(rel);
        let at = html.find("class=\"page-footer\"").expect("a footer");
        html[at..at + html[at..].find("</footer>").expect("its end")].to_string()
    };
    let restart = footer("site/runbooks/restart/index.html");
    assert!(
        restart.contains("Last updated <time datetime=\"2026-01-05\">2026-01-05</time> · <a href=\"https://github.com/acme/runbooks/commits/main/content/runbooks/restart.md\">history</a>"),
        "{restart}"
    );
    assert!(footer("site/runbooks/failover/index.html").contains("datetime=\"2026-02-10\""));
    assert!(footer("site/guides/old/index.html").contains("datetime=\"2025-03-04\""));

    // Outside git: no date at all (the front matter's still shows).
    let plain = Book::with_files(&[
        ("content/runbooks/restart.md", "# Restart\n"),
        (
            "content/guides/old.md",
            "---\nlast_updated: 2025-03-04\n---\n# Old guide\n",
        ),
    ]);
    plain.run(&["build"]).success();
    assert!(!plain.read("site/runbooks/restart/index.html").contains("Last updated"));
    assert!(plain
        .read("site/guides/old/index.html")
        .contains("datetime=\"2025-03-04\""));
}
