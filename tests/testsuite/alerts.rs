//! `check --alert-rules`: Prometheus rule files checked against the book.

use crate::support::Book;

fn book() -> Book {
    Book::with_files(&[
        ("book.toml", "[site]\nurl = \"https://acme.github.io/runbooks/\"\n"),
        (
            "content/db/backup.md",
            "---\nalerts: [PostgresBackupFailed]\n---\n# Backup\n\n## Verify the backup\n",
        ),
    ])
}

#[test]
fn urls_resolve_with_or_without_slash_templates_and_fragments() {
    let b = book();
    b.write(
        "rules.yaml",
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: db\n    rules:\n    \
         - alert: PostgresBackupFailed\n      annotations:\n        runbook_url: https://acme.github.io/runbooks/alerts/{{ $labels.alertname }}/\n    \
         - alert: B\n      annotations:\n        runbook_url: https://acme.github.io/runbooks/db/backup\n    \
         - alert: C\n      annotations:\n        runbook_url: https://acme.github.io/runbooks/db/backup/#verify-the-backup\n    \
         - alert: D\n      annotations:\n        runbook_url: https://acme.github.io/runbooks/alerts/postgresbackupfailed\n",
    );
    b.run(&["check", "--alert-rules", "rules.yaml"])
        .success()
        .stdout_has("alert rules: 4 of 4 alerts lead to a page");
}

#[test]
fn every_kind_of_bad_link_is_reported_at_its_line() {
    let b = book();
    b.write(
        "rules.yaml",
        "groups:\n- name: db\n  rules:\n  - alert: NoUrl\n    expr: up == 0\n  - alert: Elsewhere\n    annotations:\n      \
         runbook_url: https://wiki.example.com/x\n  - alert: Gone\n    annotations:\n      runbook_url: https://acme.github.io/runbooks/db/gone/\n  \
         - alert: NoAnchor\n    annotations:\n      runbook_url: https://acme.github.io/runbooks/db/backup/#nope\n  - alert: Junk\n    \
         annotations:\n      runbook_url: see the wiki\n",
    );
    let run = b.run(&["check", "--alert-rules", "rules.yaml"]);
    run.fails_with(1)
        .stderr_has("alert `NoUrl` has no runbook_url annotation")
        .stderr_has("--> rules.yaml:4")
        .stderr_has("alert `Elsewhere` runbook_url points outside this book's site.url")
        .stderr_has("--> rules.yaml:8")
        .stderr_has("alert `Gone` no page of this book at that URL")
        .stderr_has("alert `NoAnchor` the page has no such #anchor")
        .stderr_has("alert `Junk` runbook_url is not a URL")
        .stdout_has("alert rules: 0 of 5 alerts");
}

#[test]
fn a_file_that_is_not_a_rule_file_is_a_usage_error_naming_it() {
    let b = book();
    b.write("rules.yaml", "groups:\n  - name: [unclosed\n");
    b.run(&["check", "--alert-rules", "rules.yaml"])
        .fails_with(2)
        .stderr_has("not a YAML file")
        .stderr_has("--> rules.yaml:");
    b.write("rules.yaml", "hello: world\n");
    b.run(&["check", "--alert-rules", "rules.yaml"])
        .fails_with(2)
        .stderr_has("not a Prometheus rule file");
    b.run(&["check", "--alert-rules", "missing.yaml"])
        .fails_with(2)
        .stderr_has("cannot read the alert rules missing.yaml");
}

#[test]
fn alert_pages_answer_the_exact_and_the_lowercase_name_and_the_index_shows_owners() {
    let b = Book::with_files(&[(
        "content/db/backup.md",
        "---\nalerts: [PostgresBackupFailed]\nowner: dba-team\nseverity: critical\nlast_reviewed: 2026-10-01\n---\n# Backup\n",
    )]);
    b.run(&["build"]).success();
    for path in [
        "site/alerts/PostgresBackupFailed/index.html",
        "site/alerts/postgresbackupfailed/index.html",
    ] {
        assert!(b.read(path).contains("url=/db/backup/"), "{path}");
    }
    let index = b.read("site/alerts/index.html");
    for cell in ["dba-team", "critical", "2026-10-01", "href=\"/db/backup/\""] {
        assert!(index.contains(cell), "the alerts index lacks {cell}");
    }
}

#[test]
fn the_404_page_knows_alerts_tasks_and_moved_pages() {
    let b = Book::with_files(&[
        (
            "book.toml",
            "[site]\nedit-url = \"https://github.com/acme/rb/edit/main/content/{path}\"\n",
        ),
        ("content/checklist.md", "# C\n\n## S\n\n- `{ }` Rotate the keys\n"),
        (
            "content/db/backup.md",
            "---\nalerts: [PostgresBackupFailed]\naliases: [/old/backup/]\n---\n# Backup\n",
        ),
    ]);
    b.run(&["build"]).success();
    let page = b.read("site/404.html");
    let start = page.find("id=\"opsbook-known\">").expect("the map") + "id=\"opsbook-known\">".len();
    let json: serde_json::Value =
        serde_json::from_str(&page[start..start + page[start..].find("</script>").expect("end")]).expect("json");
    assert_eq!(json["alerts"]["postgresbackupfailed"], "/alerts/PostgresBackupFailed/");
    assert_eq!(json["tasks"]["rotate-the-keys"], "/tasks/rotate-the-keys/");
    assert_eq!(json["paths"]["old/backup/"], "/db/backup/");
    assert_eq!(json["paths"]["db/backup/"], "/db/backup/");
    assert_eq!(
        json["new_runbook"],
        "https://github.com/acme/rb/new/main/content/runbooks/"
    );
    // The page is served at whatever address was mistyped: it names that one (by script), not
    // /404.html, and claims no canonical address of its own.
    assert!(!page.contains("404.html"), "the 404 page shows its own file name");
    assert!(
        !page.contains("rel=\"canonical\""),
        "the 404 page claims a canonical address"
    );
}

#[test]
fn owners_and_permanent_links() {
    let b = Book::with_files(&[
        ("content/checklist.md", "# C\n\n## S\n\n- `{IP}` Rotate the keys\n"),
        (
            "content/runbooks/s/rotate-the-keys.md",
            "---\nowner: sec-team\nlast_reviewed: 2020-01-01\n---\n# Rotate\n",
        ),
        (
            "content/db/backup.md",
            "---\nowner: dba-team\nalerts: [PostgresBackupFailed]\n---\n# Backup\n",
        ),
    ]);
    b.run(&["build"]).success();
    // The index lists each owner, keeping the `#team` anchors the single page had, and links
    // to the owner's own page.
    let owners = b.read("site/owners/index.html");
    for text in [
        "id=\"dba-team\"",
        "id=\"sec-team\"",
        "href=\"/owners/dba-team/\"",
        "href=\"/owners/sec-team/\"",
        "1 to review",
    ] {
        assert!(owners.contains(text), "/owners/ lacks {text}");
    }
    let sec = b.read("site/owners/sec-team/index.html");
    for text in [
        "<h1>sec-team</h1>",
        "To review",
        "Rotate the keys",
        "status-in_progress",
    ] {
        assert!(sec.contains(text), "/owners/sec-team/ lacks {text}");
    }
    let dba = b.read("site/owners/dba-team/index.html");
    assert!(dba.contains("href=\"/db/backup/\""), "{dba}");
    assert!(
        !dba.contains("Rotate the keys"),
        "an owner's page shows only what they own"
    );
    assert!(b
        .read("site/runbooks/s/rotate-the-keys/index.html")
        .contains("Permanent link: <code>/tasks/rotate-the-keys/</code>"));
    assert!(b
        .read("site/db/backup/index.html")
        .contains("Permanent link: <code>/alerts/PostgresBackupFailed/</code>"));
}

/// `alerts: [Name#heading]`: the alert's address lands on that section, and keeps the alert's
/// name for the page's "You came here for" note; a heading the page lacks is a warning that
/// names the headings it has.
#[test]
fn an_alert_can_land_on_a_section_of_its_runbook() {
    let b = Book::with_files(&[
        (
            "content/db/backup.md",
            "---\nalerts: [PostgresWALArchiveLag#check-wal-archiving, PostgresBackupFailed#no-such-part]\n---\n# Backup\n\n## Check WAL archiving\n\nRun it.\n",
        ),
    ]);
    let run = b.run(&["build"]);
    run.success()
        .stderr_has("alert `PostgresBackupFailed` points at `#no-such-part`, which is not a heading of this page")
        .stderr_has("#check-wal-archiving");
    let redirect = b.read("site/alerts/PostgresWALArchiveLag/index.html");
    assert!(redirect.contains("url=/db/backup/#check-wal-archiving"), "{redirect}");
    assert!(
        redirect.contains(r#"sessionStorage.setItem("opsbook-alert","PostgresWALArchiveLag");"#)
            && redirect.contains(r#"location.replace("/db/backup/#check-wal-archiving");"#),
        "{redirect}"
    );
    // The missing heading: the link lands at the top of the page.
    let other = b.read("site/alerts/PostgresBackupFailed/index.html");
    assert!(
        other.contains(r#"location.replace("/db/backup/" + location.hash);"#),
        "{other}"
    );
}
