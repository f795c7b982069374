//! Bringing a repository of runbooks written for GitHub (issue 20): `opsbook init --adopt`
//! around it, a build with zero errors and nothing but pages published, and each of GitHub's
//! rendering rules held on the page. The fixture, `fixtures/github-runbooks/`, was written
//! for this (see its SOURCE.md): alert folders, licence comments, callouts, a capitalized
//! anchor, raw HTML images, OWNERS files, a script and a checklist repeating a step.

use url::Url;

use crate::support::{snapshot_tree, Book};

fn adopted() -> Book {
    let book = Book::fixture("github-runbooks");
    book.git(&["init", "-q"]);
    book.run(&["init", "--adopt"])
        .success()
        .stdout_has("No file of yours was moved or changed");
    book
}

#[test]
fn adopt_writes_a_commented_book_toml_and_never_overwrites_it() {
    let before = snapshot_tree(Book::fixture("github-runbooks").path());
    let book = adopted();
    let toml = book.read("book.toml");
    for expected in [
        "content = \".\"",
        "checklist = \"RELEASE-CHECKLIST.md\"",
        "\"hack/**/*.sh\"",
        "alert-pages = [\"alerts/kafka/*.md\", \"alerts/postgres/*.md\"]",
        "broken-links = \"warn\"",
    ] {
        assert!(toml.contains(expected), "{expected} missing from:\n{toml}");
    }
    // A comment on every choice.
    for key in [
        "content =",
        "checklist =",
        "ignore =",
        "broken-links =",
        "alert-pages =",
    ] {
        let at = toml.find(key).expect("key");
        assert!(
            toml[..at].trim_end().lines().last().unwrap_or("").starts_with('#'),
            "{key} has no comment"
        );
    }
    // The user's files are as they were.
    let after: Vec<_> = snapshot_tree(book.path())
        .into_iter()
        .filter(|(p, _)| p != "book.toml" && !p.starts_with(".git/"))
        .collect();
    assert_eq!(before, after);
    // Never over an existing book.toml.
    book.run(&["init", "--adopt"])
        .fails_with(2)
        .stderr_has("never overwrites");
    assert_eq!(book.read("book.toml"), toml);
}

#[test]
fn an_adopted_repository_builds_with_every_link_resolving_and_only_pages_published() {
    let book = adopted();
    let run = book.run(&["build"]);
    run.success().stdout_has("0 warnings");
    assert!(!run.stderr().contains("error"), "{}", run.stderr());
    let site = snapshot_tree(&book.path().join("site"));
    let names: Vec<&str> = site.iter().map(|(p, _)| p.as_str()).collect();
    for kept_out in [
        "OWNERS",
        "alerts/OWNERS",
        "hack/lint.sh",
        "notes.tmp",
        "book.toml",
        "opsbook.lock",
        ".gitignore",
    ] {
        assert!(!names.contains(&kept_out), "{kept_out} was published");
    }
    assert!(names.contains(&"images/topology.png"));
    let check = book.run(&["check", "--verbose"]);
    check.success().stdout_has("0 errors, 0 warnings");
    for ignored in [
        "ignored: OWNERS",
        "ignored: alerts/OWNERS",
        "ignored: hack/lint.sh",
        "ignored: notes.tmp",
    ] {
        check.stdout_has(ignored);
    }
    let root = book.path().join("site");
    let base = Url::parse("https://example.github.io/").expect("url");
    let (problems, checked) = crate::publish::crawl_dir(&root, base, false, false, None);
    assert!(checked > 50, "only {checked} references");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn pages_render_as_github_shows_them() {
    let book = adopted();
    book.run(&["build"]).success();
    let page = book.read("site/alerts/postgres/postgresdown/index.html");
    // The licence comment does not hide the title, and the page has one h1.
    assert_eq!(page.matches("<h1").count(), 1, "{page}");
    assert!(page.contains("<title>PostgresDown"));
    // The five alerts are callouts with an icon and a role.
    for (class, title) in [
        ("caution", "Caution"),
        ("note", "Note"),
        ("warning", "Warning"),
        ("tip", "Tip"),
        ("important", "Important"),
    ] {
        assert!(
            page.contains(&format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\">")),
            "no {class} callout"
        );
        assert!(page.contains(&format!("</span>{title}</p>")));
    }
    assert!(!page.contains("[!WARNING]"));
    // `#Check-The-Primary` lands on the heading's real id.
    assert!(page.contains("href=\"#check-the-primary\""), "{page}");
    // Raw HTML image with a relative path: rewritten like a markdown image.
    assert!(
        page.contains("<img src=\"/images/topology.png\" alt=\"Primary and two replicas\""),
        "{page}"
    );
    // Emoji shortcodes and GitLab's table of contents.
    assert!(page.contains('⚠') && !page.contains(":warning:"));
    assert!(page.contains("<nav class=\"toc-inline\"") && page.contains("<a href=\"#fail-over\">Fail over</a>"));
    // A cross-page link written with another case resolves too.
    assert!(page.contains("/alerts/postgres/postgresreplicationlag/#measure-the-lag"));
    // The Hugo hint is the same callout.
    let kafka = book.read("site/alerts/kafka/kafkabrokerdown/index.html");
    assert!(kafka.contains("callout callout-warning") && kafka.contains("loses the cluster"));
    // The autolinker leaves the prose's closing brackets alone.
    assert!(
        kafka.contains("<a href=\"https://kafka.apache.org/documentation/\">"),
        "{kafka}"
    );
    let home = book.read("site/index.html");
    assert!(
        home.contains("<a href=\"https://github.com/acme/runbooks/issues\">"),
        "{home}"
    );
    assert!(
        home.contains("/docs/on-call/#first-five-minutes"),
        "the capitalized anchor of another page"
    );
    // MkDocs' admonition, with its own title and its markdown body.
    let guide = book.read("site/docs/on-call/index.html");
    assert!(
        guide.contains("<div class=\"callout callout-warning\" role=\"note\">"),
        "{guide}"
    );
    assert!(guide.contains("</span>Before you restart anything</p>"), "{guide}");
    assert!(
        guide.contains("<a href=\"/\">dashboard</a>") && guide.contains("<p>Then say what you will do"),
        "{guide}"
    );
    // Alert links: /alerts/<Name>/ for each alert-named page.
    assert!(book.exists("site/alerts/PostgresDown/index.html"));
    // The repeated step has an id of its own, qualified by its section.
    let progress = book.read("site/progress.json");
    assert!(
        progress.contains("\"id\": \"restart-the-service\"") || progress.contains("\"id\":\"restart-the-service\"")
    );
    assert!(progress.contains("after-the-release-restart-the-service"), "{progress}");
}

#[test]
fn broken_links_can_be_published_while_they_are_fixed() {
    let book = Book::with_files(&[
        (
            "content/a.md",
            "# A\n\n## Verify the restore\n\n[b](b.md) [c](missing.md) [d](#verify-the-restor)\n",
        ),
        ("content/bb.md", "# B\n"),
    ]);
    book.run(&["build"]).fails_with(1).stderr_has("missing.md");
    book.write("book.toml", "[build]\nbroken-links = \"warn\"\n");
    let run = book.run(&["build"]);
    run.success().stderr_has("3 broken links published as written");
    assert!(
        !run.stderr().contains("missing.md"),
        "build only counts them: {}",
        run.stderr()
    );
    book.run(&["check"])
        .success()
        .stderr_has("warning: link `b.md`")
        .stderr_has("did you mean `content/bb.md`?")
        .stderr_has("did you mean `#verify-the-restore`?");
}

#[test]
fn a_link_with_an_unknown_scheme_is_a_warning_at_its_line() {
    let book = Book::with_files(&[(
        "content/a.md",
        "# A\n\n[typo](ttps://example.com) and [odd](link:https://example.com)\n",
    )]);
    book.run(&["build"])
        .success()
        .stderr_has("link `ttps://example.com` has the scheme `ttps:`")
        .stderr_has("--> content/a.md:3:1")
        .stderr_has("--> content/a.md:3:");
}

/// `check --alert-rules` on every form alert rules come in, against the adopted fixture.
#[test]
fn alert_rules_are_read_in_every_form() {
    let book = adopted();
    let rule = |name: &str, url: &str| {
        format!("  - alert: {name}\n    expr: up == 0\n    annotations:\n      runbook_url: {url}\n")
    };
    book.write(
        "rules/multi.yaml",
        &format!(
            "groups:\n- name: pg\n  rules:\n{}---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: kafka\n    rules:\n{}",
            rule("PostgresDown", "/alerts/PostgresDown/"),
            rule("KafkaBrokerDown", "/alerts/kafkabrokerdown/").replace("\n  ", "\n    ").replacen("  - alert", "    - alert", 1)
        ),
    );
    book.write(
        "rules/list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: monitoring.coreos.com/v1\n  kind: PrometheusRule\n  spec:\n    groups:\n    - name: a\n      rules:\n      - alert: PostgresReplicationLag\n        annotations:\n          runbook_url: /alerts/postgres/postgresreplicationlag/#measure-the-lag\n",
    );
    book.write(
        "rules/grafana.yaml",
        "apiVersion: 1\ngroups:\n- orgId: 1\n  name: db\n  folder: DB\n  interval: 1m\n  rules:\n  - uid: pg1\n    title: PostgresDown\n    condition: C\n    annotations:\n      runbook_url: /alerts/postgresdown/\n  - uid: pg2\n    title: PostgresGone\n    condition: C\n    annotations:\n      runbook_url: /alerts/PostgresGone/\n",
    );
    let run = book.run(&[
        "check",
        "--alert-rules",
        "rules/multi.yaml",
        "--alert-rules",
        "rules/list.yaml",
        "--alert-rules",
        "rules/grafana.yaml",
    ]);
    run.fails_with(1)
        .stdout_has("alert rules: 4 of 5 alerts lead to a page of this book")
        .stderr_has("alert `PostgresGone`")
        .stderr_has("--> rules/grafana.yaml:17");
    // What check accepts is what the build writes.
    book.run(&["build"]).success();
    for path in ["alerts/PostgresDown", "alerts/postgresdown", "alerts/kafkabrokerdown"] {
        assert!(book.exists(&format!("site/{path}/index.html")), "{path}");
    }
    // An unreadable rule file in JSON is JSON on stdout, exit 2.
    for bad in ["rules/missing.yaml", "README.md"] {
        let json = book.run(&["check", "--format", "json", "--alert-rules", bad]);
        assert_eq!(json.code(), 2, "{}", json.stderr());
        let value: serde_json::Value = serde_json::from_str(&json.stdout()).expect("JSON on stdout");
        assert_eq!(value["ok"], false);
        assert_eq!(value["diagnostics"][0]["path"], bad);
    }
}

#[test]
fn link_finds_any_case_and_prefers_the_alert() {
    let book = adopted();
    for (query, url) in [
        ("postgresdown", "/alerts/PostgresDown/"),
        ("POSTGRESDOWN", "/alerts/PostgresDown/"),
        ("Restart-The-Service", "/tasks/restart-the-service/"),
        ("docs/On-Call", "/docs/on-call/"),
    ] {
        book.run(&["link", query]).success().stdout_has(url);
    }
}

#[test]
fn an_alert_answered_by_two_pages_lists_both_with_their_folders() {
    let book = Book::with_files(&[
        (
            "content/postgres/disk.md",
            "---\nalerts: [DiskFull]\n---\n# Disk full on Postgres\n",
        ),
        (
            "content/kafka/disk.md",
            "---\nalerts: [DiskFull]\n---\n# Disk full on Kafka\n",
        ),
    ]);
    book.run(&["build"]).success();
    for path in ["site/alerts/DiskFull/index.html", "site/alerts/diskfull/index.html"] {
        assert!(book.exists(path), "{path}");
    }
    let list = book.read("site/alerts/DiskFull/index.html");
    assert!(
        list.contains("in <code>postgres/</code>") && list.contains("in <code>kafka/</code>"),
        "{list}"
    );
}

/// As in OpenShift's runbooks: `alerts/KubeJobFailed.md` beside
/// `alerts/<operator>/KubeJobFailed.md`, both named after the alert.
#[test]
fn an_alert_page_at_the_alerts_root_beside_a_component_one_builds() {
    let book = Book::with_files(&[
        ("book.toml", "[runbooks]\nalert-pages = [\"alerts/**\"]\n"),
        ("content/alerts/KubeJobFailed.md", "# KubeJobFailed\n\nGeneric.\n"),
        (
            "content/alerts/monitoring/KubeJobFailed.md",
            "# KubeJobFailed\n\nFor the monitoring stack.\n",
        ),
        ("content/alerts/monitoring/KubeletDown.md", "# KubeletDown\n"),
    ]);
    book.run(&["build"]).success().stdout_has("1 warning");
    assert!(
        book.read("site/alerts/kubejobfailed/index.html").contains("Generic."),
        "the page itself"
    );
    assert!(book
        .read("site/alerts/KubeJobFailed/index.html")
        .contains("in <code>alerts/monitoring/</code>"));
    assert!(book.exists("site/alerts/KubeletDown/index.html"));
}

#[test]
fn alert_page_globs_follow_the_usual_rules_and_a_page_can_opt_out() {
    let book = Book::with_files(&[
        ("book.toml", "[runbooks]\nalert-pages = [\"alerts/*.md\"]\n"),
        ("content/alerts/TargetDown.md", "# TargetDown\n"),
        // `*` does not cross `/`: not an alert page.
        ("content/alerts/etcd/EtcdNoLeader.md", "# EtcdNoLeader\n"),
        // Opts out, and names its alerts itself.
        ("content/alerts/Overview.md", "---\nalerts: []\n---\n# Overview\n"),
        (
            "content/alerts/HostDown.md",
            "---\nalerts: [NodeDown]\n---\n# Host down\n",
        ),
    ]);
    book.run(&["build"]).success();
    assert!(book.exists("site/alerts/TargetDown/index.html"));
    assert!(book.exists("site/alerts/NodeDown/index.html"));
    for not in ["EtcdNoLeader", "Overview", "HostDown"] {
        assert!(
            !book.exists(&format!("site/alerts/{not}/index.html")),
            "{not} is no alert"
        );
    }
    book.write("book.toml", "[runbooks]\nalert-pages = [\"alerts/**\"]\n");
    book.run(&["build"]).success();
    assert!(
        book.exists("site/alerts/EtcdNoLeader/index.html"),
        "`**` crosses folders"
    );
}

#[test]
fn adopt_names_the_site_and_links_each_page_to_its_source_from_what_the_repository_says() {
    let book = Book::with_files(&[
        (
            "mkdocs.yml",
            "site_name: Platform on-call\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        ),
        ("docs/index.md", "# Introduction\n\nStart here.\n"),
        ("docs/db/restore.md", "# Restore the database\n\nRun the restore.\n"),
    ]);
    book.git(&["init", "-q", "-b", "trunk"]);
    // The remote as a CI job or a credential helper leaves it: with a token in it.
    book.git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:ghp_Secret123@github.com/acme/runbooks.git",
    ]);
    book.git(&["add", "-A"]);
    book.git(&["commit", "-q", "-m", "runbooks"]);
    book.run(&["init", "--adopt"]).success();
    let toml = book.read("book.toml");
    for expected in [
        "title = \"Platform on-call\"",
        "edit-url = \"https://github.com/acme/runbooks/edit/trunk/docs/{path}\"",
        "history-url = \"https://github.com/acme/runbooks/commits/trunk/docs/{path}\"",
    ] {
        assert!(toml.contains(expected), "{expected} missing from:\n{toml}");
    }
    assert!(
        !toml.contains("ghp_") && !toml.contains("x-access-token"),
        "the token was written:\n{toml}"
    );
    book.run(&["build"]).success();
    let page = book.read("site/db/restore/index.html");
    assert!(
        page.contains("<title>Restore the database · Platform on-call</title>"),
        "{page}"
    );
    assert!(page.contains("href=\"https://github.com/acme/runbooks/edit/trunk/docs/db/restore.md\""));
    assert!(page.contains("href=\"https://github.com/acme/runbooks/commits/trunk/docs/db/restore.md\">history</a>"));

    // Not on GitHub or GitLab, or no remote: no edit link is guessed.
    let elsewhere = Book::with_files(&[("docs/index.md", "# Home\n"), ("docs/a.md", "# A\n")]);
    elsewhere.git(&["init", "-q"]);
    elsewhere.git(&[
        "remote",
        "add",
        "origin",
        "https://git.internal.example/ops/runbooks.git",
    ]);
    elsewhere.run(&["init", "--adopt"]).success();
    let toml = elsewhere.read("book.toml");
    assert!(!toml.contains("edit-url") && !toml.contains("[book]"), "{toml}");
}

#[test]
fn an_mdbook_builds_as_it_is_from_its_own_book_toml() {
    // What `mdbook init` writes, with the edit link most mdBooks set.
    let book = Book::with_files(&[
        (
            "book.toml",
            "[book]\nauthors = [\"Ops\"]\nlanguage = \"en\"\nsrc = \"src\"\ntitle = \"Ops Runbooks\"\n\n\
             [output.html]\ngit-repository-url = \"https://github.com/acme/ops\"\n\
             edit-url-template = \"https://github.com/acme/ops/edit/main/{path}\"\n\n\
             [preprocessor.mermaid]\ncommand = \"mdbook-mermaid\"\n",
        ),
        (
            "src/SUMMARY.md",
            "# Summary\n\n[Introduction](README.md)\n\n- [Restore](db/restore.md)\n",
        ),
        ("src/README.md", "# Introduction\n\nSee [Restore](db/restore.md).\n"),
        (
            "src/db/restore.md",
            "# Restore\n\n```sh\n{{#include ../../scripts/restore.sh}}\n```\n",
        ),
        ("scripts/restore.sh", "pg_restore --secret\n"),
    ]);
    let before = book.read("book.toml");
    book.run(&["init", "--adopt"])
        .success()
        .stdout_has("mdBook's, and opsbook reads it as it is");
    assert_eq!(book.read("book.toml"), before, "adopt changed mdBook's book.toml");
    book.run(&["build"])
        .success()
        .stdout_has("book.toml read as mdBook's")
        .stderr_has("mdBook's `{{#include ../../scripts/restore.sh}}` is not supported")
        .stderr_has("src/db/restore.md:4:1");
    let page = book.read("site/db/restore/index.html");
    assert!(page.contains("<title>Restore · Ops Runbooks</title>"), "{page}");
    assert!(page.contains("href=\"https://github.com/acme/ops/edit/main/src/db/restore.md\""));
    // An included file is not read: what is outside the page stays out of the site.
    assert!(!page.contains("pg_restore --secret"));
    assert!(book.read("site/index.html").contains("href=\"/db/restore/\""));
    // SUMMARY.md is mdBook's contents, not a page.
    assert!(!book.exists("site/summary/index.html") && !book.exists("site/SUMMARY/index.html"));

    // A book.toml that mixes opsbook's keys with mdBook's is opsbook's: the stray key is an
    // error at its line.
    book.write(
        "book.toml",
        "[book]\ntitle = \"Ops\"\nauthors = [\"Ops\"]\n\n[build]\ncontent = \"src\"\n",
    );
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("unknown field `authors`")
        .stderr_has("book.toml:3:1");
}
