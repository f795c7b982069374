//! `opsbook build` on the example book and on small books: the URL table of DESIGN.md.

use crate::support::{repo_root, snapshot_tree, Book};

#[test]
fn example_book_builds_every_output() {
    let book = Book::example();
    let run = book.run(&["build", "--today", "2026-12-03"]);
    run.success()
        .stdout_has("65 tasks: 3 complete, 2 in progress (4.6%)")
        // The example keeps one runbook unreviewed for too long, to show the stale flag, and
        // one recurring activity overdue: `build` says so as `check` does.
        .stdout_has("2 warnings");
    assert_eq!(run.stdout().lines().count(), 1, "one summary line: {}", run.stdout());
    for path in [
        "site/index.html",
        "site/sections/database-maintenance/index.html",
        "site/runbooks/database-maintenance/implement-regular-backup-procedures/index.html",
        "site/dr/restore-primary-database/index.html",
        "site/dr/index.html",
        "site/tasks/implement-regular-backup-procedures/index.html",
        "site/tasks/set-up-index-maintenance/index.html",
        "site/alerts/index.html",
        "site/alerts/PostgresBackupFailed/index.html",
        "site/old/backup-verify/index.html",
        "site/badges/progress.svg",
        "site/badges/database-maintenance.svg",
        "site/badges/progress.json",
        "site/progress.json",
        "site/print/index.html",
        "site/404.html",
        "site/.nojekyll",
        "site/_theme/style.css",
        "site/_theme/syntax-light.css",
        "site/_theme/syntax-dark.css",
    ] {
        assert!(book.exists(path), "{path} is missing");
    }
    // No sitemap without an absolute site.url, no CNAME without site.cname.
    assert!(!book.exists("site/sitemap.xml"));
    assert!(!book.exists("site/CNAME"));
}

#[test]
fn progress_json_has_the_shape_of_design_md() {
    let book = Book::example();
    book.run(&["build"]).success();
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("valid JSON");
    assert_eq!(json["totals"]["total"], 65);
    assert_eq!(json["totals"]["complete"], 3);
    assert_eq!(json["totals"]["in_progress"], 2);
    assert_eq!(json["totals"]["not_started"], 60);
    assert_eq!(json["totals"]["percent"], 4.6);
    let sections = json["sections"].as_array().expect("sections");
    assert_eq!(sections.len(), 13);
    let db = &sections[3];
    assert_eq!(db["id"], "database-maintenance");
    assert_eq!(db["number"], "4");
    assert_eq!(db["group"], "Routine Maintenance");
    assert_eq!(db["url"], "/sections/database-maintenance/");
    assert_eq!(db["counts"]["percent"], 20.0);
    let task = &db["tasks"][0];
    assert_eq!(task["id"], "implement-regular-backup-procedures");
    assert_eq!(task["status"], "complete");
    assert_eq!(task["url"], "/tasks/implement-regular-backup-procedures/");
    assert_eq!(
        task["runbook"],
        "/runbooks/database-maintenance/implement-regular-backup-procedures/"
    );
    assert_eq!(task["owner"], "dba-team");
    assert_eq!(task["last_reviewed"], "2026-10-01");
    assert_eq!(task["stale"], false);
    assert_eq!(db["tasks"][1]["status"], "in_progress");
}

#[test]
fn task_links_redirect_to_runbook_or_explain_how_to_add_one() {
    let book = Book::example();
    book.run(&["build"]).success();
    let redirect = book.read("site/tasks/implement-regular-backup-procedures/index.html");
    assert!(redirect.contains("http-equiv=\"refresh\" content=\"0; url=/runbooks/database-maintenance/implement-regular-backup-procedures/\""), "{redirect}");
    assert!(redirect.contains("rel=\"canonical\""));
    assert!(redirect.contains("<a href=\"/runbooks/database-maintenance/implement-regular-backup-procedures/\">"));
    let missing = book.read("site/tasks/set-up-index-maintenance/index.html");
    assert!(missing.contains("has no runbook yet"), "{missing}");
    assert!(missing.contains("content/runbooks/database-maintenance/set-up-index-maintenance.md"));
}

#[test]
fn pages_have_anchors_backlinks_and_rewritten_links() {
    let book = Book::example();
    book.run(&["build"]).success();
    let dr = book.read("site/dr/restore-primary-database/index.html");
    assert!(
        dr.contains("<h2 id=\"verify-the-restore\">"),
        "heading ids follow GitHub"
    );
    assert!(dr.contains("href=\"#verify-the-restore\""), "visible anchor link");
    assert!(dr.contains("Referenced by"), "the backup runbook links here");
    let backup = book.read("site/runbooks/database-maintenance/implement-regular-backup-procedures/index.html");
    assert!(
        backup.contains("href=\"/dr/restore-primary-database/#verify-the-restore\""),
        ".md link rewritten"
    );
    assert!(
        backup.contains("<a href=\"https://www.postgresql.org/docs/current/backup.html\">"),
        "bare URL linked"
    );
    assert!(backup.contains("<span class=\"l"), "code highlighted with classes");
    assert!(backup.contains("class=\"copy\""), "copy button");
    assert!(backup.contains("<details>"), "harmless raw HTML kept");
    assert!(backup.contains("PostgresBackupFailed"));
}

/// Highlighted code is coloured by short classes (`l3 d5`): every class a page uses must have
/// a rule in the light stylesheet and the dark one, or the code shows uncoloured.
#[test]
fn every_highlight_class_a_page_uses_has_a_colour_in_both_stylesheets() {
    let book = Book::example();
    book.run(&["build"]).success();
    let light = book.read("site/_theme/syntax-light.css");
    let dark = book.read("site/_theme/syntax-dark.css");
    let mut used = std::collections::BTreeSet::new();
    for page in [
        "site/runbooks/database-maintenance/implement-regular-backup-procedures/index.html",
        "site/dr/restore-primary-database/index.html",
    ] {
        let html = book.read(page);
        for pre in html.split("<pre class=\"highlight\"").skip(1) {
            let code = &pre[..pre.find("</pre>").unwrap()];
            for span in code.split("<span class=\"").skip(1) {
                used.extend(span[..span.find('"').unwrap()].split(' ').map(str::to_string));
            }
        }
    }
    assert!(used.iter().any(|c| c.starts_with('l')), "{used:?}");
    assert!(used.iter().any(|c| c.starts_with('d')), "{used:?}");
    for class in &used {
        let css = if class.starts_with('l') { &light } else { &dark };
        assert!(css.contains(&format!(".highlight .{class} {{")), "no rule for {class}");
        if class.starts_with('d') {
            // Both when the reader chose dark and when the system is dark.
            assert!(
                css.contains(&format!(":root[data-theme=dark] .highlight .{class} {{")),
                "{class}"
            );
            assert!(
                css.contains(&format!(":root:not([data-theme=light]) .highlight .{class} {{")),
                "{class}"
            );
        }
    }
}

#[test]
fn site_url_prefixes_every_link() {
    let book = Book::example();
    book.run(&["build", "--site-url", "https://acme.github.io/runbooks/"])
        .success();
    for file in [
        "site/index.html",
        "site/dr/restore-primary-database/index.html",
        "site/sections/database-maintenance/index.html",
        "site/404.html",
    ] {
        let html = book.read(file);
        for attr in ["href=\"/", "src=\"/"] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len() - 1..];
                assert!(
                    rest.starts_with("/runbooks/"),
                    "{file}: a link without the prefix: {}",
                    &rest[..rest.len().min(80)]
                );
            }
        }
    }
    let sitemap = book.read("site/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://acme.github.io/runbooks/dr/restore-primary-database/</loc>"),
        "{sitemap}"
    );
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("json");
    assert_eq!(json["sections"][0]["url"], "/runbooks/sections/performance-monitoring/");
}

#[test]
fn builds_are_byte_for_byte_identical() {
    let book = Book::example();
    book.run(&["build"]).success();
    let first = snapshot_tree(&book.path().join("site"));
    book.run(&["build"]).success();
    let second = snapshot_tree(&book.path().join("site"));
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between builds", a.0);
    }
}

#[test]
fn the_highlight_cache_changes_nothing_but_time() {
    let book = Book::example();
    book.run(&["build"]).success();
    let cache = book.path().join(".opsbook-cache/highlight.bin");
    assert!(cache.is_file(), "the cache is kept beside the output folder");
    assert!(book.exists(".opsbook-cache/README"), "the folder says what it is");
    let fresh = snapshot_tree(&book.path().join("site"));
    let same = |what: &str| {
        assert!(fresh == snapshot_tree(&book.path().join("site")), "{what} differs");
    };
    let mtime = || std::fs::metadata(&cache).and_then(|m| m.modified()).expect("mtime");
    // Without the record of the last build's files, every page is rendered again, its code
    // highlighted from the cache.
    let forget_outputs = || std::fs::remove_file(book.path().join(".opsbook-cache/site.outputs")).expect("record");

    // A build with nothing changed (every page carried over) leaves the cache alone.
    let stamp = mtime();
    book.run(&["build"]).success();
    same("a build with nothing changed");
    assert_eq!(mtime(), stamp, "the cache file was written again for nothing");

    // From the cache: the same bytes, and a build that highlighted nothing new leaves the
    // file alone.
    forget_outputs();
    book.run(&["build"]).success();
    same("a cached build");
    assert_eq!(mtime(), stamp, "the cache file was written again for nothing");

    // From a damaged cache, and from a foreign file: the same bytes, and the file is mended.
    let mut bytes = std::fs::read(&cache).expect("cache");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&cache, &bytes).expect("damage the cache");
    forget_outputs();
    book.run(&["build"]).success();
    same("a build from a damaged cache");
    assert!(
        std::fs::read(&cache).expect("cache").len() > bytes.len(),
        "the damaged cache is rewritten"
    );
    std::fs::write(&cache, b"garbage").expect("replace the cache");
    forget_outputs();
    book.run(&["build"]).success();
    same("a build from a foreign cache");
    assert_ne!(
        std::fs::read(&cache).expect("cache"),
        b"garbage",
        "a foreign cache is replaced"
    );

    // New code joins the file.
    book.write(
        "content/guides/new.md",
        "# New\n\n```bash\necho a block no build has seen\n```\n",
    );
    book.run(&["build"]).success();
    let after = String::from_utf8_lossy(&std::fs::read(&cache).expect("cache")).into_owned();
    assert!(
        after.contains("echo a block no build has seen"),
        "the new block is not cached"
    );
    // That build wrote only the new page and what lists it, yet kept the code of the pages it
    // carried over: rendering every page again finds all of it in the cache.
    let stamp = mtime();
    forget_outputs();
    book.run(&["build"]).success();
    assert_eq!(mtime(), stamp, "the pages carried over lost their cached code");
}

/// A build sets pages' HTML aside in temporary files; without a temporary folder it can
/// write to, it holds them in memory and writes the same site.
#[test]
fn a_build_without_a_usable_temporary_folder_writes_the_same_site() {
    let book = Book::example();
    book.run(&["build"]).success();
    let usual = snapshot_tree(&book.path().join("site"));
    let missing = book.path().join("no-such-folder");
    book.run_with_env(
        &["build", "-o", "site2"],
        &[("TMPDIR", missing.to_str().expect("utf-8 path"))],
    )
    .success();
    assert!(usual == snapshot_tree(&book.path().join("site2")));
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let book = Book::example();
    book.run(&["build"]).success();
    let before = snapshot_tree(&book.path().join("site"));
    book.write("content/faq.md", "# FAQ\n\n[broken](missing.md)\n");
    book.run(&["build"]).fails_with(1).stderr_has("nothing was written");
    assert_eq!(before, snapshot_tree(&book.path().join("site")));
}

#[test]
fn badges_are_svg_and_shields_endpoint() {
    let book = Book::example();
    book.run(&["build"]).success();
    let svg = book.read("site/badges/progress.svg");
    assert!(svg.starts_with("<svg") && svg.contains("4.6% (3/65)"), "{svg}");
    let endpoint: serde_json::Value = serde_json::from_str(&book.read("site/badges/progress.json")).expect("json");
    assert_eq!(endpoint["schemaVersion"], 1);
    assert_eq!(endpoint["message"], "4.6% (3/65)");
}

#[test]
fn cname_and_stale_flags() {
    let book = Book::example();
    let toml = book
        .read("book.toml")
        .replace("[site]\n", "[site]\ncname = \"runbooks.acme.dev\"\n");
    book.write("book.toml", &toml);
    book.run(&["build"]).success();
    assert_eq!(book.read("site/CNAME"), "runbooks.acme.dev\n");
    let dashboard = book.read("site/index.html");
    assert!(
        dashboard.contains("Stale runbooks"),
        "the optimization runbook was last reviewed in 2025"
    );
}

#[test]
fn theme_file_overrides_one_template() {
    let book = Book::example();
    book.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>Custom 404</h1>{% endblock content %}",
    );
    book.run(&["build"]).success();
    assert!(book.read("site/404.html").contains("Custom 404"));
    assert!(
        book.read("site/index.html").contains("Maintenance Runbooks"),
        "other templates are the built-in ones"
    );
}

#[test]
fn a_theme_can_restyle_highlighted_code() {
    let book = Book::example();
    book.write(
        "themes/default/static/syntax-dark.css",
        "/* our own dark code colours */\n",
    );
    book.run(&["build"]).success();
    assert_eq!(
        book.read("site/_theme/syntax-dark.css"),
        "/* our own dark code colours */\n"
    );
    assert!(
        book.read("site/_theme/syntax-light.css").contains(".highlight .l0 {"),
        "the light stylesheet the theme does not replace is the built-in one"
    );
}

#[test]
fn hugo_style_books_keep_their_urls() {
    let book = Book::with_files(&[
        (
            "book.toml",
            "[params]\nBookRepo = \"https://github.com/acme/rb\"\n\n[runbooks]\nalert-pages = [\"runbooks/**\"]\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Intro\n---\n# Welcome\n\nSee [add runbook](/docs/add-runbook).\n",
        ),
        (
            "content/docs/add-runbook.md",
            "# Add a runbook\n\n[new]({{< param BookRepo >}}/new)\n",
        ),
        (
            "content/runbooks/node/NodeDown.md",
            "---\ntitle: Node Down\n---\n# NodeDown\n\nSee [other]({{< ref \"./NodeSlow.md\" >}}).\n",
        ),
        ("content/runbooks/node/NodeSlow.md", "# NodeSlow\n"),
    ]);
    book.run(&["build"]).success();
    assert!(
        book.exists("site/runbooks/node/nodedown/index.html"),
        "lowercase URLs, as Hugo publishes them"
    );
    assert!(
        book.exists("site/alerts/NodeDown/index.html"),
        "alert pages are named after their alert"
    );
    let page = book.read("site/runbooks/node/nodedown/index.html");
    assert!(page.contains("href=\"/runbooks/node/nodeslow/\""), "{page}");
    assert!(book
        .read("site/docs/add-runbook/index.html")
        .contains("href=\"https://github.com/acme/rb/new\""));
    assert!(
        book.read("site/index.html").contains("Welcome"),
        "the root _index.md opens the dashboard"
    );
    assert!(
        book.exists("site/runbooks/index.html"),
        "folders without _index.md get a folder page"
    );
}

#[test]
fn dashboard_lists_status_changes_from_git() {
    let book = Book::example();
    let git = |args: &[&str]| book.git(args);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "start"]);
    let text = book
        .read("content/checklist.md")
        .replace("- `{ }` Set up index maintenance", "- `{IP}` Set up index maintenance");
    book.write("content/checklist.md", &text);
    git(&["commit", "-qam", "start index maintenance"]);
    book.run(&["build"]).success();
    let html = book.read("site/index.html");
    let start = html.find("Recently changed").expect("a Recently changed list");
    let list = &html[start..start + html[start..].find("</ul>").expect("list end")];
    assert!(list.contains("2026-11-20"), "{list}");
    assert!(list.contains("Set up index maintenance"), "{list}");
    assert!(
        list.contains("status-not_started") && list.contains("status-in_progress"),
        "{list}"
    );

    // The Atom feed follows the same change, and the reviews, newest first.
    let feed: atom_syndication::Feed = book.read("site/feed.xml").parse().expect("a valid Atom feed");
    let change = feed
        .entries()
        .iter()
        .find(|e| e.title().as_str() == "In progress: Set up index maintenance")
        .expect("an entry for the status change");
    assert_eq!(change.updated().to_rfc3339(), "2026-11-20T00:00:00+00:00");
    assert_eq!(change.links()[0].href(), "/tasks/set-up-index-maintenance/");
    assert!(
        change.id().starts_with("urn:opsbook:tasks/set-up-index-maintenance/#"),
        "{}",
        change.id()
    );
    let reviewed = feed
        .entries()
        .iter()
        .find(|e| e.title().as_str() == "Reviewed: Restore the primary database from backup")
        .expect("an entry for a reviewed page");
    assert_eq!(reviewed.links()[0].href(), "/dr/restore-primary-database/");
    let dates: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert_eq!(feed.updated(), &dates[0]);
}

#[test]
fn the_feed_holds_the_newest_hundred_entries() {
    let book = Book::empty();
    for day in 0..130 {
        let date =
            time::Date::from_calendar_date(2026, time::Month::January, 1).expect("date") + time::Duration::days(day);
        book.write(
            &format!("content/runbooks/page-{day:03}.md"),
            &format!("---\nlast_reviewed: {date}\n---\n# Page {day}\n\nText.\n"),
        );
    }
    book.run(&["build"]).success();
    let feed: atom_syndication::Feed = book.read("site/feed.xml").parse().expect("a valid Atom feed");
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(titles.len(), 100, "{titles:?}");
    assert_eq!(titles[0], "Reviewed: Page 129", "newest first");
    assert_eq!(titles[99], "Reviewed: Page 30", "the 30 oldest are left out");
}

#[test]
fn the_dashboard_lists_the_fifty_longest_waiting_and_counts_the_rest() {
    let book = Book::empty();
    let mut checklist = String::from("# C\n\n## S\n\n");
    for n in 0..60 {
        // Reviewed on day n of 2025: stale by 2026-11-27 (the tests' today).
        let date =
            time::Date::from_calendar_date(2025, time::Month::January, 1).expect("date") + time::Duration::days(n);
        book.write(
            &format!("content/runbooks/s/task-{n:02}.md"),
            &format!("---\nlast_reviewed: {date}\n---\n# Task {n:02}\n\nText.\n"),
        );
        checklist.push_str(&format!("- `{{IP}}` Task {n:02}\n"));
    }
    book.write("content/checklist.md", &checklist);
    book.run(&["build"]).success();
    let html = book.read("site/index.html");
    let list = |id: &str| -> String {
        let start = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id} list"));
        let rest = &html[start..];
        rest[..rest.find("</ul>").expect("list end")].to_string()
    };
    let stale = list("stale");
    assert_eq!(stale.matches("<li>").count(), 50, "{stale}");
    assert!(stale.find("Task 00").expect("the oldest review") < stale.find("Task 01").expect("the next"));
    assert!(!stale.contains("Task 59"), "the most recent reviews are left out");
    assert!(html.contains("and 10 more: each owner"), "the rest is counted");
    let in_progress = list("in-progress");
    assert_eq!(in_progress.matches("<li>").count(), 50, "{in_progress}");
    assert!(html.contains("and 10 more, listed on their sections"));
    // Every one is still on its section's page.
    assert_eq!(
        book.read("site/sections/s/index.html")
            .matches("status-in_progress")
            .count(),
        60
    );
}

#[test]
fn today_makes_stale_and_overdue_deterministic() {
    let book = Book::with_files(&[
        ("book.toml", "[runbooks]\nstale-after-days = 30\n"),
        ("content/a.md", "---\nlast_reviewed: 2026-01-01\n---\n# A\n"),
        (
            "content/b.md",
            "---\nlast_reviewed: 2026-01-01\nreview_every: 14d\n---\n# B\n",
        ),
    ]);
    book.run(&["build", "--today", "2026-01-10"]).success();
    assert!(!book.read("site/a/index.html").contains("banner-stale"));
    assert!(!book.read("site/index.html").contains("Stale runbooks"));
    book.run(&["build", "--today", "2026-03-01"]).success();
    assert!(
        book.read("site/a/index.html").contains("banner-stale"),
        "reviewed 59 days before"
    );
    assert!(
        book.read("site/b/index.html").contains("banner-overdue"),
        "due on 2026-01-15"
    );
    let dashboard = book.read("site/index.html");
    assert!(dashboard.contains("Review dates as of 2026-03-01"));
    book.run(&["check", "--today", "2026-03-01"])
        .success()
        .stderr_has("warning: \"A\" was last reviewed on 2026-01-01")
        .stderr_has("--> content/a.md:2:1");
    book.run(&["check", "--today", "2026-03-01", "--strict"])
        .fails_with(1)
        .stderr_has("error: review of \"B\" was due on 2026-01-15");
    book.run(&["check", "--today", "2026-01-10", "--strict"]).success();
    book.run(&["build", "--today", "tomorrow"])
        .fails_with(2)
        .stderr_has("not a date written YYYY-MM-DD");
}

#[test]
fn the_previous_site_is_removed_without_delaying_the_build() {
    let book = Book::example();
    book.run(&["build"]).success();
    // A site moved aside by a build that never finished removing it, and a folder that only
    // looks like one (no marker): the first goes, the second stays.
    std::fs::create_dir_all(book.path().join(".site.old-1/x")).expect("mkdir");
    std::fs::write(book.path().join(".site.old-1/.opsbook-output"), "").expect("marker");
    std::fs::create_dir_all(book.path().join(".site.old-2")).expect("mkdir");
    std::fs::write(book.path().join(".site.old-2/mine.txt"), "keep").expect("write");
    book.run(&["build"]).success();
    assert!(book.exists("site/index.html"));
    assert!(!book.exists(".site.old-1"), "a leftover old site is removed");
    assert_eq!(
        book.read(".site.old-2/mine.txt"),
        "keep",
        "a folder opsbook did not write is left alone"
    );
    // The site the second build replaced is removed in the background, soon.
    let started = std::time::Instant::now();
    loop {
        let left: Vec<String> = std::fs::read_dir(book.path())
            .expect("read")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site.old-") && n != ".site.old-2")
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 20,
            "the old site is still there: {left:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Files are written as they are rendered, into a folder beside the site: an error found
/// during or after rendering (a broken template, an asset over a generated file) must still
/// leave the previous site as it was and no half-written folder behind.
#[test]
fn error_found_while_rendering_leaves_the_previous_site_and_no_build_folder() {
    let book = Book::example();
    book.run(&["build"]).success();
    let before = snapshot_tree(&book.path().join("site"));
    let leftovers = || -> Vec<String> {
        std::fs::read_dir(book.path())
            .expect("book folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site."))
            .collect()
    };

    book.write("content/progress.json", "{}");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("content/progress.json would overwrite opsbook's generated /progress.json");
    assert_eq!(before, snapshot_tree(&book.path().join("site")));
    assert_eq!(leftovers(), Vec::<String>::new());
    std::fs::remove_file(book.path().join("content/progress.json")).expect("remove");

    book.write("themes/default/templates/section.html", "{{ section.nope.deeper }}");
    book.run(&["build"]).fails_with(1).stderr_has("section.html");
    assert_eq!(before, snapshot_tree(&book.path().join("site")));
    assert_eq!(leftovers(), Vec::<String>::new());
}

/// A copied file where a page needs a folder: the build names both and writes nothing.
#[test]
fn a_content_file_where_a_pages_folder_must_be_fails_naming_both() {
    let files = [
        ("content/runbooks/db/backup.md", "# Backup\n\nText.\n"),
        ("content/runbooks/db/backup", "not a folder"),
    ];
    let book = Book::with_files(&files);
    book.run(&["build"]).fails_with(1).stderr_has(
        "the page content/runbooks/db/backup.md would be published under /runbooks/db/backup/, \
         but content/runbooks/db/backup is the file /runbooks/db/backup",
    );
    assert!(!book.path().join("site").exists());
}

/// The built-in print page has each page's body spliced in after tera; an overridden print
/// template gets the bodies through tera as before. Both show every page with its anchors kept
/// apart.
#[test]
fn print_page_has_every_body_with_the_built_in_and_an_overridden_template() {
    let files = [
        ("content/a.md", "# A\n\n## Steps\n\nalpha body [jump](#steps)\n"),
        ("content/b.md", "# B\n\n## Steps\n\nbeta body\n"),
    ];
    let book = Book::with_files(&files);
    book.run(&["build"]).success();
    let print = book.read("site/print/index.html");
    for needle in [
        "alpha body",
        "beta body",
        "id=\"p-a-steps\"",
        "id=\"p-b-steps\"",
        "href=\"#p-a-steps\"",
    ] {
        assert!(print.contains(needle), "{needle} missing from the print page");
    }
    assert!(!print.contains('\u{1}'), "a placeholder was left in the print page");
    assert!(print.find("alpha body") < print.find("beta body"), "pages out of order");

    let book = Book::with_files(&files);
    book.write(
        "themes/default/templates/print.html",
        "{% for p in print.pages %}<section id=\"{{ p.anchor }}\">{{ p.html | safe }}</section>{% endfor %}",
    );
    book.run(&["build"]).success();
    let print = book.read("site/print/index.html");
    assert!(
        print.contains("alpha body") && print.contains("id=\"p-b-steps\""),
        "{print}"
    );
    assert!(!print.contains('\u{1}'), "{print}");
}

/// Redirect pages (tasks, alerts, aliases) are written without tera when the theme does not
/// override `redirect.html`; with the built-in template copied in as an override, tera must
/// write the very same bytes.
#[test]
fn redirects_written_directly_match_the_template() {
    let files = [
        ("book.toml", "[book]\ntitle = \"Ops <&> \\\"book\\\" 'é'\"\nlanguage = \"en-GB\"\n"),
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups <&>\n\n- `{ }` Check \"backups\" & <restores> [runbook](runbooks/check.md)\n",
        ),
        (
            "content/runbooks/check.md",
            "---\ntitle: \"Check \\\"backups\\\" & <restores> 'now'\"\naliases: [\"/old/check-backups/\"]\nalerts: [\"BackupsFailing\"]\n---\n\nSteps.\n",
        ),
    ];
    let direct = Book::with_files(&files);
    direct.run(&["build"]).success();
    let template = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/templates/redirect.html"
    ))
    .expect("built-in redirect template");
    let via_tera = Book::with_files(&files);
    via_tera.write("themes/default/templates/redirect.html", &template);
    via_tera.run(&["build"]).success();
    let mut compared = 0;
    for path in [
        "old/check-backups/index.html",
        "alerts/BackupsFailing/index.html",
        "alerts/backupsfailing/index.html",
    ] {
        let a = direct.read(&format!("site/{path}"));
        assert!(a.contains("location.replace("), "{path} is not a redirect: {a}");
        assert!(a.contains("&lt;restores&gt;"), "{a}");
        assert_eq!(a, via_tera.read(&format!("site/{path}")), "{path}");
        compared += 1;
    }
    let tasks: Vec<_> = std::fs::read_dir(direct.path().join("site/tasks"))
        .expect("tasks")
        .collect();
    for t in tasks {
        let name = t.expect("entry").file_name().to_string_lossy().into_owned();
        let path = format!("site/tasks/{name}/index.html");
        assert_eq!(direct.read(&path), via_tera.read(&path), "{path}");
        compared += 1;
    }
    assert!(compared >= 4, "{compared}");
}

/// Pages and the print page are written without tera when the theme overrides none of
/// `base.html`, `page.html` and `print.html`; with the built-in templates copied in as
/// overrides, tera must write the very same bytes, for every page of the example book, a
/// real-world fixture, and a book made to take every branch of the templates.
#[test]
fn pages_written_directly_match_the_templates() {
    let branches = [
        (
            "book.toml",
            "[book]\ntitle = \"Ops <&> \\\"book\\\" 'é'\"\ndescription = \"Runbooks & <more>\"\n\n[site]\nedit-url = \"https://example.com/edit/{path}\"\nurl = \"https://ops.example.com/book/\"\n",
        ),
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups <&>\n\n- `{IP}` Check \"backups\" & <restores> [runbook](runbooks/check.md)\n- `{X}` Restore drill [runbook](runbooks/db/restore.md)\n",
        ),
        (
            "content/runbooks/check.md",
            "---\ntitle: \"Check \\\"backups\\\" & <restores> 'now'\"\nowner: \"team <db> & co\"\nseverity: Critical\nalerts: [\"BackupsFailing\", \"BackupsSlow\"]\ntags: [\"db\", \"a&b\"]\nlast_reviewed: 2020-01-01\nreview_every: 90d\n---\n\n# Check backups\n\n## One\n\ntext [restore](db/restore.md)\n\n## Two\n\n### Three\n\n#### Four\n\n```bash\necho \"hi\" > /tmp/x\n```\n",
        ),
        (
            "content/runbooks/db/_index.md",
            "---\ntitle: Databases\n---\n\nThe databases.\n",
        ),
        (
            "content/runbooks/db/restore.md",
            "---\ntitle: Restore\nowner: \"\"\nlast_reviewed: 2025-01-01\n---\n\n## Steps\n\nSee [check](../check.md).\n",
        ),
        (
            "content/runbooks/db/due.md",
            "---\ntitle: Due later\nowner: dba\nlast_reviewed: 2026-11-01\nreview_every: 30d\n---\n\nSoon.\n",
        ),
        (
            "content/runbooks/db/never.md",
            "---\ntitle: Never reviewed\nreview_every: 30d\nseverity: low\n---\n\nNo review yet.\n",
        ),
        ("content/faq/plain.md", "# Plain\n\nNothing else.\n"),
    ];
    let templates = ["base.html", "page.html", "print.html"];
    let mut compared = 0;
    let mut seen = String::new();
    let makers: [&dyn Fn() -> Book; 3] = [&Book::example, &|| Book::fixture("prometheus-runbooks"), &|| {
        Book::with_files(&branches)
    }];
    for make in makers {
        let direct = make();
        direct.run(&["build"]).success();
        let via_tera = make();
        for t in templates {
            let text = std::fs::read_to_string(repo_root().join("themes/default/templates").join(t)).expect("template");
            via_tera.write(&format!("themes/default/templates/{t}"), &text);
        }
        via_tera.run(&["build"]).success();
        let site = direct.path().join("site");
        for entry in walkdir::WalkDir::new(&site) {
            let entry = entry.expect("walk");
            let rel = entry
                .path()
                .strip_prefix(&site)
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            if !rel.ends_with(".html") {
                continue;
            }
            let a = direct.read(&format!("site/{rel}"));
            assert_eq!(a, via_tera.read(&format!("site/{rel}")), "{rel}");
            if a.contains("<div class=\"content\">") {
                compared += 1;
                seen.push_str(&a);
            }
        }
    }
    assert!(compared >= 20, "only {compared} pages compared");
    // The copies above were used as overrides (else both builds wrote directly and compared
    // nothing): a changed copy shows.
    let changed = Book::with_files(&branches);
    for t in templates {
        let text = std::fs::read_to_string(repo_root().join("themes/default/templates").join(t)).expect("template");
        changed.write(
            &format!("themes/default/templates/{t}"),
            &text.replace("<main id=\"main\">", "<main id=\"main\" data-override>"),
        );
    }
    changed.run(&["build"]).success();
    for page in ["site/runbooks/check/index.html", "site/print/index.html"] {
        assert!(
            changed.read(page).contains("data-override"),
            "{page} ignored the override"
        );
    }
    // The branches book took the template's branches.
    for part in [
        "flag-overdue\">review overdue since",
        "flag-stale\">stale",
        "muted\">next review",
        "never reviewed",
        "banner-overdue",
        "banner-stale",
        "severity-critical",
        "<span class=\"tag\">",
        "class=\"print-facts\"",
        "id=\"ongoing-activities\"",
        "<dt>Task</dt><dd><span class=\"status status-",
        "<dt>Alerts</dt>",
        "<dt>Owner</dt><dd>team &lt;db&gt; &amp; co",
        "In this folder",
        "Referenced by",
        "Edit this page",
        "class=\"toc\"",
        "class=\"prev\"",
        "<meta name=\"description\"",
        "<span aria-hidden=\"true\"> / </span>",
        "<article class=\"print-page\"",
        "\">runbook</a></li>",
    ] {
        assert!(seen.contains(part), "no page has {part}");
    }
}

/// The printed binder (`/print/`): a contents list first, DR procedures first with
/// `[print] order`, each page's headings under its title, each runbook's owner, alerts and
/// review under its title, and the recurring activities.
#[test]
fn the_print_binder_has_contents_facts_and_the_order_asked_for() {
    let b = Book::with_files(&[
        ("book.toml", "[print]\norder = [\"dr\"]\n"),
        (
            "content/checklist.md",
            "# C\n\n## S\n\n- `{ }` Rotate the keys\n\n## Ongoing Activities\n\n- `{X 2026-11-01}` Monthly review of the on-call rota {owner: sre-team}\n",
        ),
        (
            "content/runbooks/s/rotate-the-keys.md",
            "---\nowner: sec-team\nalerts: [KeysExpiring]\nlast_reviewed: 2026-11-01\n---\n# Rotate the keys\n\n## Steps\n\nRun it.\n",
        ),
        ("content/dr/region.md", "# Lose a region\n\n## Fail over\n\nGo.\n"),
    ]);
    b.run(&["build", "--today", "2026-12-01"]).success();
    let html = b.read("site/print/index.html");
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("no {needle} in the binder"));
    assert!(
        at("id=\"contents\"") < at("id=\"checklist\""),
        "the contents come first"
    );
    assert!(html.contains("<li><a href=\"#ongoing-activities\">Ongoing activities</a></li>"));
    assert!(html.contains("<li>Monthly review of the on-call rota · "), "{html}");
    assert!(html.contains(" · sre-team · next due 2026-12-01"), "{html}");
    assert!(at(">Lose a region</a>") < at(">Rotate the keys</a> <span"), "DR first");
    assert!(
        html.contains("<p class=\"print-facts\">Owner: sec-team · Alerts: KeysExpiring · Reviewed: 2026-11-01 · Task: not started</p>"),
        "{html}"
    );
    // The page's own `## Steps` sits under its title, an h2.
    assert!(
        html.contains("<h3 id=\"p-runbooks-s-rotate-the-keys-steps\">"),
        "{html}"
    );
    assert!(!html.contains("<h2 id=\"p-runbooks-s-rotate-the-keys-steps\">"));
}

/// A folder page's eyebrow names its kind (the DR folder is "Disaster recovery"), not "Folder".
#[test]
fn folder_pages_are_named_by_their_kind() {
    let b = Book::with_files(&[
        ("content/dr/_index.md", "# Disaster recovery\n\nStart here.\n"),
        ("content/dr/region.md", "# Lose a region\n"),
    ]);
    b.run(&["build"]).success();
    let html = b.read("site/dr/index.html");
    assert!(html.contains("<div class=\"kind\">Disaster recovery</div>"), "{html}");
}
