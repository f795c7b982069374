//! Recurring maintenance (issue 22): "Ongoing Activities" as the seed writes them and with
//! the small syntax, their pages, the calendar feed read back by another parser, and the
//! overdue warning.

use crate::support::Book;

const SEED_LIST: &str = "## Ongoing Activities\n\n- Regular team meetings to review system health\n- Quarterly planning for feature improvements\n- Monthly security reviews\n- Weekly backup verification\n- Daily monitoring checks \n";

fn checklist(activities: &str) -> String {
    format!("# Checklist\n\n## Backups\n\n- `{{X}}` Verify the backup\n\n{activities}")
}

const LIST: &str = "## Ongoing Activities\n\n- `{X 2026-11-20}` Weekly backup verification {owner: dba-team, runbook: verify-the-backup}\n- `{X 2026-11-30}` Daily monitoring checks {owner: sre}\n- Certificate renewal check {every: 2w, owner: sre, id: certs}\n- Regular team meetings\n";

fn book() -> Book {
    Book::with_files(&[
        ("content/checklist.md", &checklist(LIST)),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "---\nowner: dba-team\n---\n# Verify the backup\n\nRun it.\n",
        ),
    ])
}

#[test]
fn the_seed_list_works_as_written() {
    let book = Book::with_files(&[("content/checklist.md", &checklist(SEED_LIST))]);
    let run = book.run(&["check"]);
    run.success()
        .stderr_has("the activity \"Regular team meetings to review system health\" has no cadence")
        .stderr_has("content/checklist.md:9:3")
        .stderr_has("{every: 2w}");
    book.run(&["build"]).success();
    for id in [
        "regular-team-meetings-to-review-system-health",
        "quarterly-planning-for-feature-improvements",
        "monthly-security-reviews",
        "weekly-backup-verification",
        "daily-monitoring-checks",
    ] {
        assert!(book.exists(&format!("site/activities/{id}/index.html")), "{id}");
    }
    let weekly = book.read("site/activities/weekly-backup-verification/index.html");
    assert!(weekly.contains("<dt>Cadence</dt><dd>weekly</dd>"), "{weekly}");
    // Still the checklist's tasks only: activities are no tasks.
    let p: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("json");
    assert_eq!(p["totals"]["total"], 1);
    assert_eq!(p["activities"].as_array().map(Vec::len), Some(5));
    // Their URLs are recorded: they stay.
    assert!(book
        .read("opsbook.lock")
        .contains("/activities/weekly-backup-verification/\n"));
}

#[test]
fn what_is_due_is_on_the_dashboard_the_activity_and_its_owner() {
    let book = book();
    // One overdue, one without a cadence.
    book.run(&["build", "--today", "2026-12-01"])
        .success()
        .stdout_has("2 warnings");
    let dash = book.read("site/index.html");
    let routine = &dash[dash.find("Routine maintenance").expect("routine section")..];
    // Weekly, last done 11-20: due 11-27, overdue. Daily, last done 11-30: due 12-01, soon.
    assert!(
        routine.contains("Weekly backup verification</a> <span class=\"flag flag-overdue\">due 2026-11-27</span>"),
        "{routine}"
    );
    assert!(routine.contains("Daily monitoring checks</a> <span class=\"flag flag-stale\">due 2026-12-01</span>"));
    assert!(routine.contains("Never marked done"));
    let page = book.read("site/activities/weekly-backup-verification/index.html");
    assert!(
        page.contains(
            "<dt>Runbook</dt><dd><a href=\"/runbooks/backups/verify-the-backup/\">Verify the backup</a></dd>"
        ),
        "{page}"
    );
    assert!(page.contains("<dt>Owner</dt><dd><a href=\"/owners/dba-team/\">dba-team</a></dd>"));
    assert!(page.contains("2026-11-27 <span class=\"flag flag-overdue\">overdue</span>"));
    let sre = book.read("site/owners/sre/index.html");
    assert!(sre.contains("Certificate renewal check") && sre.contains("Daily monitoring checks"));
    assert!(sre.contains("href=\"/owners/sre/calendar.ics\""));
    let badge: serde_json::Value =
        serde_json::from_str(&book.read("site/badges/overdue-activities.json")).expect("json");
    assert_eq!(badge["message"], "1");
    assert!(book.exists("site/badges/overdue-activities.svg"));
}

#[test]
fn check_warns_about_an_overdue_activity_and_strict_fails() {
    let book = book();
    book.run(&["check", "--today", "2026-12-01"])
        .success()
        .stderr_has("the activity \"Weekly backup verification\" is overdue: due 2026-11-27, last done 2026-11-20")
        .stderr_has("content/checklist.md:9:3")
        .stderr_has("`{X 2026-12-01}`");
    book.run(&["check", "--strict", "--today", "2026-12-01"]).fails_with(1);
    book.run(&["check", "--strict", "--today", "2026-11-27"]).success();
}

#[test]
fn the_calendar_reads_back_with_another_parser() {
    let book = book();
    book.run(&[
        "build",
        "--today",
        "2026-12-01",
        "--site-url",
        "https://acme.github.io/runbooks/",
    ])
    .success();
    let text = book.read("site/calendar.ics");
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let cal = parser.next().expect("a calendar").expect("it parses");
    assert!(parser.next().is_none(), "one calendar");
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    // Three have a cadence; the team meetings have none and are left out.
    let events: Vec<(String, String, String, String)> = cal
        .events
        .iter()
        .map(|e| (prop(e, "UID"), prop(e, "SUMMARY"), prop(e, "DTSTART"), prop(e, "RRULE")))
        .collect();
    assert_eq!(
        events,
        [
            (
                "https://acme.github.io/runbooks/activities/weekly-backup-verification/".to_string(),
                "Weekly backup verification".to_string(),
                "20261127".to_string(),
                "FREQ=WEEKLY;INTERVAL=1".to_string()
            ),
            (
                "https://acme.github.io/runbooks/activities/daily-monitoring-checks/".to_string(),
                "Daily monitoring checks".to_string(),
                "20261201".to_string(),
                "FREQ=DAILY;INTERVAL=1".to_string()
            ),
            (
                "https://acme.github.io/runbooks/activities/certs/".to_string(),
                "Certificate renewal check".to_string(),
                "20261201".to_string(),
                "FREQ=WEEKLY;INTERVAL=2".to_string()
            ),
        ]
    );
    // Per owner: theirs only.
    let sre = book.read("site/owners/sre/calendar.ics");
    let cal = ical::IcalParser::new(sre.as_bytes())
        .next()
        .expect("a calendar")
        .expect("parses");
    assert_eq!(cal.events.len(), 2);
    // The same book on the same day: the same bytes.
    book.run(&[
        "build",
        "--today",
        "2026-12-01",
        "--site-url",
        "https://acme.github.io/runbooks/",
    ])
    .success();
    assert_eq!(book.read("site/calendar.ics"), text);
}

#[test]
fn the_days_done_come_from_git() {
    let book = book();
    book.commit_on("2026-11-06", "Ann Ops", "start");
    book.write(
        "content/checklist.md",
        &checklist(&LIST.replace("{X 2026-11-20}", "{X 2026-11-13}")),
    );
    book.commit_on("2026-11-13", "Ann Ops", "verified");
    book.write("content/checklist.md", &checklist(LIST));
    book.commit_on("2026-11-20", "Ann Ops", "verified again");
    book.run(&["build", "--today", "2026-12-01"]).success();
    let page = book.read("site/activities/weekly-backup-verification/index.html");
    let done = &page[page.find("<h2 id=\"done\">").expect("done list")..];
    let days: Vec<&str> = done.match_indices("<li>").map(|(i, _)| &done[i + 4..i + 14]).collect();
    assert_eq!(days, ["2026-11-20", "2026-11-13"]);
}
