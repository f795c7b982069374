//! Real-world input: the kube-prometheus runbooks (a Hugo site) and dapr's release checklist,
//! copied with their licences under `fixtures/`.

use crate::support::{repo_root, Book};

#[test]
fn prometheus_runbooks_build_and_keep_their_published_urls() {
    let book = Book::fixture("prometheus-runbooks");
    let run = book.run(&["build"]);
    run.success().stdout_has("0 warnings");
    let tsv = book.read("alerts.tsv");
    let mut with_page = 0;
    for line in tsv.lines().skip(1) {
        let (alert, url) = line.split_once('\t').expect("two columns");
        let path = url
            .strip_prefix("https://runbooks.prometheus-operator.dev/")
            .expect("published URL");
        let component = path.split('/').nth(1).expect("component");
        let source = book
            .path()
            .join("content/runbooks")
            .join(component)
            .join(format!("{alert}.md"));
        if source.exists() {
            with_page += 1;
            let out = book.path().join("site").join(path).join("index.html");
            assert!(
                out.exists(),
                "{url} has a page ({}) but no output at {}",
                source.display(),
                out.display()
            );
            assert!(
                book.exists(&format!("site/alerts/{alert}/index.html")),
                "no /alerts/{alert}/"
            );
        }
    }
    assert_eq!(with_page, 99, "SOURCE.md: 99 of the 125 URLs resolve to a page");
    let index = book.read("site/index.html");
    assert!(index.contains("Welcome"), "the root _index.md opens the dashboard");
    assert!(
        index.contains("href=\"/docs/add-runbook/\""),
        "root-relative links are checked and kept"
    );
}

#[test]
fn dapr_endgame_checklist_counts() {
    let text = std::fs::read_to_string(repo_root().join("tests/testsuite/fixtures/dapr-release-endgame/endgame.md"))
        .expect("endgame.md");
    let (checklist, diagnostics) = opsbook::checklist::parse_checklist("endgame.md", &text);
    // 127 task items in all; the 79 at the top level are tasks, the nested ones are notes.
    let tasks: Vec<_> = checklist.tasks().collect();
    let notes: usize = tasks.iter().map(|(_, t)| t.notes.len()).sum();
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(tasks.len(), 79);
    // `Cut RC` and `0 critical/high vulnerabilities` repeat in other sections: the repeats'
    // ids are qualified by their section, the first keeps the plain id.
    let ids: Vec<&str> = tasks.iter().map(|(_, t)| t.id.as_str()).collect();
    for id in [
        "cut-rc",
        "dapr-installer-bundle-cut-rc",
        "0-critical-high-vulnerabilities",
        "dapr-dapr-runtime-0-critical-high-vulnerabilities",
        "dapr-cli-0-critical-high-vulnerabilities",
        "sdks-0-critical-high-vulnerabilities",
    ] {
        assert!(ids.contains(&id), "{id} not in {ids:?}");
    }
    assert_eq!(notes, 48);
    let counts = opsbook::progress::Counts::of(tasks.iter().map(|(_, t)| *t));
    assert_eq!(
        (counts.total, counts.complete, counts.not_started, counts.percent),
        (79, 6, 73, 7.6)
    );
    assert_eq!(checklist.title, "vX.Y Endgame");
    assert_eq!(checklist.sections[0].title, "Milestone dates");
    assert_eq!(checklist.sections[0].tasks.len(), 8);
    let code_freeze = checklist
        .sections
        .iter()
        .find(|s| s.title == "Code freeze")
        .expect("Code freeze");
    assert_eq!(code_freeze.group.as_deref(), Some("Release Tasks"));
}

#[test]
fn prometheus_alert_rules_fail_exactly_for_the_alerts_without_a_page() {
    let book = Book::fixture("prometheus-runbooks");
    let tsv = book.read("alerts.tsv");
    let mut yaml = String::from("groups:\n- name: kube-prometheus\n  rules:\n");
    let mut expected_missing = Vec::new();
    for line in tsv.lines().skip(1) {
        let (alert, url) = line.split_once('\t').expect("two columns");
        yaml.push_str(&format!(
            "  - alert: {alert}\n    expr: vector(1)\n    annotations:\n      runbook_url: {url}\n"
        ));
        let component = url.split('/').nth(4).expect("component");
        if !book.exists(&format!("content/runbooks/{component}/{alert}.md")) {
            expected_missing.push(alert.to_string());
        }
    }
    book.write("rules.yaml", &yaml);
    let run = book.run(&["check", "--alert-rules", "rules.yaml", "--format", "json"]);
    run.fails_with(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    let alerts = json["alerts"].as_array().expect("alerts");
    assert_eq!(alerts.len(), 125);
    let mut failing: Vec<String> = alerts
        .iter()
        .filter(|a| a["verdict"] != "ok")
        .map(|a| a["alert"].as_str().unwrap_or("").to_string())
        .collect();
    failing.sort();
    expected_missing.sort();
    assert_eq!(failing, expected_missing);
    assert_eq!(failing.len(), 26, "SOURCE.md: 26 of the 125 URLs have no page");
    assert!(alerts
        .iter()
        .filter(|a| a["verdict"] != "ok")
        .all(|a| a["verdict"] == "no_page"));
    book.run(&["check", "--alert-rules", "rules.yaml"])
        .fails_with(1)
        .stdout_has("alert rules: 99 of 125 alerts lead to a page of this book");
}
