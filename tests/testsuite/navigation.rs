//! One hierarchy (issue 23): the sidebar lists operations first (alerts, troubleshooting,
//! disaster recovery, runbooks under their sections), the programme second, guides last;
//! the current page and the branches leading to it are marked; breadcrumbs and
//! previous/next follow the same tree; `/runbooks/<section>/` leads to the section.

use crate::support::Book;

/// The sidebar of a written page.
fn sidebar(html: &str) -> &str {
    let start = html.find("<nav class=\"sidebar\"").expect("a sidebar");
    let end = html[start..].find("</nav>").expect("the sidebar's end") + start;
    &html[start..end]
}

/// A branch of the sidebar's tree: whether it is on the way to the page (`aria-current`) and
/// open (its fold button expanded). `None` when no branch links to `href`.
fn branch(side: &str, href: &str) -> Option<(bool, bool)> {
    let at = side.find(&format!("<div class=\"side-branch\"><a href=\"{href}\""))?;
    let rest = &side[at..];
    let head = &rest[..rest.find("</button>")?];
    Some((
        head.contains("aria-current=\"true\""),
        head.contains("aria-expanded=\"true\""),
    ))
}

fn position(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is not in:\n{hay}"))
}

#[test]
fn the_sidebar_puts_operations_first_and_marks_the_way_to_the_current_page() {
    let book = Book::example();
    book.run(&["build", "--today", "2026-12-03"]).success();
    let html = book.read("site/runbooks/database-maintenance/implement-regular-backup-procedures/index.html");
    let side = sidebar(&html);

    // Operations, then the programme, then guides; in operations alerts, troubleshooting,
    // disaster recovery, then runbooks.
    let ops = position(side, ">Operations<");
    let programme = position(side, ">Programme<");
    let guides = position(side, ">Guides</h2>");
    assert!(ops < programme && programme < guides, "{side}");
    let alerts = position(side, "href=\"/alerts/\"");
    let troubleshooting = position(side, "href=\"/troubleshooting/high-replication-lag/\"");
    let dr = position(side, "href=\"/dr/fail-over-to-the-standby-region/\"");
    let runbooks = position(side, "href=\"/runbooks/\"");
    assert!(
        ops < alerts && alerts < troubleshooting && troubleshooting < dr && dr < runbooks,
        "{side}"
    );
    assert!(runbooks < programme);

    // Each runbook under its section, in the section's order.
    let section = position(
        side,
        "<div class=\"side-branch\"><a href=\"/sections/database-maintenance/\"",
    );
    let first = position(
        side,
        "href=\"/runbooks/database-maintenance/implement-regular-backup-procedures/\"",
    );
    let second = position(
        side,
        "href=\"/runbooks/database-maintenance/create-database-optimization-routines/\"",
    );
    assert!(runbooks < section && section < first && first < second, "{side}");

    // The page itself, and the branches leading to it, open and marked.
    assert!(side.contains(
        "href=\"/runbooks/database-maintenance/implement-regular-backup-procedures/\" aria-current=\"page\""
    ));
    assert_eq!(branch(side, "/runbooks/"), Some((true, true)), "{side}");
    assert_eq!(
        branch(side, "/sections/database-maintenance/"),
        Some((true, true)),
        "{side}"
    );
    assert_eq!(side.matches("aria-current=\"page\"").count(), 1, "{side}");
    // Other branches stay folded.
    assert_eq!(
        branch(side, "/sections/backup-procedures/"),
        Some((false, false)),
        "{side}"
    );
    assert_eq!(branch(side, "/dr/"), Some((false, false)), "{side}");

    // Breadcrumbs follow the tree.
    let crumbs = &html[position(&html, "class=\"breadcrumbs\"")..];
    let crumbs = &crumbs[..position(crumbs, "</nav>")];
    assert!(
        crumbs.contains("<a href=\"/runbooks/\">Runbooks</a>")
            && crumbs.contains("<a href=\"/sections/database-maintenance/\">4. Database Maintenance</a>"),
        "{crumbs}"
    );

    // On a section's page, the section is current in both places it is listed.
    let html = book.read("site/sections/database-maintenance/index.html");
    let side = sidebar(&html);
    assert_eq!(
        side.matches("href=\"/sections/database-maintenance/\" aria-current=\"page\"")
            .count(),
        2,
        "{side}"
    );
    assert_eq!(branch(side, "/#routine-maintenance"), Some((true, true)), "{side}");
}

#[test]
fn previous_and_next_follow_the_tree() {
    let book = Book::example();
    book.run(&["build", "--today", "2026-12-03"]).success();
    let prev_next = |path: &str| -> (String, String) {
        let html = book.read(&format!("site/{path}index.html"));
        let grab = |class: &str| {
            html.find(&format!("<a class=\"{class}\" href=\""))
                .map(|i| {
                    let rest = &html[i + class.len() + 18..];
                    rest[..rest.find('"').unwrap_or(0)].to_string()
                })
                .unwrap_or_default()
        };
        (grab("prev"), grab("next"))
    };
    // Troubleshooting, then disaster recovery, then the runbooks section by section.
    assert_eq!(prev_next("troubleshooting/high-replication-lag/").1, "/dr/");
    assert_eq!(
        prev_next("runbooks/database-maintenance/implement-regular-backup-procedures/"),
        (
            "/runbooks/usage-analytics/implement-feature-usage-tracking/".to_string(),
            "/runbooks/database-maintenance/create-database-optimization-routines/".to_string()
        )
    );
    // Guides come last.
    assert_eq!(prev_next("guides/writing-a-runbook/").1, "");
}

#[test]
fn a_runbook_folder_named_after_its_section_leads_to_the_section_and_stays_recorded() {
    let book = Book::example();
    book.run(&["build", "--today", "2026-12-03"]).success();
    let html = book.read("site/runbooks/database-maintenance/index.html");
    assert!(
        html.contains("http-equiv=\"refresh\" content=\"0; url=/sections/database-maintenance/\""),
        "{html}"
    );
    assert!(book
        .read("opsbook.lock")
        .lines()
        .any(|l| l == "/runbooks/database-maintenance/"));
    // The runbooks folder lists the sections.
    let html = book.read("site/runbooks/index.html");
    assert!(html.contains("<a href=\"/sections/database-maintenance/\">Database Maintenance</a>"));
    // The search index does not offer the folder.
    let search = std::fs::read_dir(book.path().join("site/search"))
        .expect("search files")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect::<String>();
    assert!(!search.contains("\"runbooks/database-maintenance/\""));
}

#[test]
fn a_folder_that_holds_no_runbook_of_the_section_it_is_named_after_stays_a_folder() {
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{ }` Verify the backup\n",
        ),
        ("content/guides/backups/why-we-back-up.md", "# Why we back up\n"),
        ("content/runbooks/backups/verify-the-backup.md", "# Verify the backup\n"),
    ]);
    book.run(&["build"]).success();
    assert!(book.read("site/guides/backups/index.html").contains("Why we back up"));
    assert!(book
        .read("site/runbooks/backups/index.html")
        .contains("url=/sections/backups/"));
    // The guide is listed under guides, the runbook under its section.
    let html = book.read("site/guides/backups/why-we-back-up/index.html");
    let side = sidebar(&html);
    let guides = position(side, ">Guides</h2>");
    assert!(position(side, "href=\"/guides/backups/why-we-back-up/\"") > guides);
    let section = position(
        side,
        "<div class=\"side-branch\"><a href=\"/sections/backups/\">Backups</a>",
    );
    assert!(section < position(side, "href=\"/runbooks/backups/verify-the-backup/\""));

    // A section's folder that also holds a page of no task keeps its folder page, which
    // lists both: the section's page would not list the other page.
    book.write("content/runbooks/backups/rotate-keys.md", "# Rotate keys\n");
    book.run(&["build"]).success();
    let html = book.read("site/runbooks/backups/index.html");
    assert!(
        html.contains("Rotate keys") && html.contains("Verify the backup"),
        "{html}"
    );
}

#[test]
fn a_large_book_lists_the_way_to_the_page_not_every_page() {
    let mut files = vec![(
        "content/checklist.md".to_string(),
        format!(
            "# Checklist\n\n## Big\n\n{}\n## Small\n\n- `{{ }}` Lonely task\n",
            (0..600).map(|i| format!("- `{{ }}` Task {i:03}\n")).collect::<String>()
        ),
    )];
    for i in 0..600 {
        files.push((
            format!("content/runbooks/big/task-{i:03}.md"),
            format!("# Task {i:03}\n"),
        ));
    }
    files.push(("content/runbooks/small/lonely-task.md".into(), "# Lonely task\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let book = Book::with_files(&refs);
    book.run(&["build"]).success();

    // In the small section: the big one is a link with its count, its pages not listed.
    let html = book.read("site/runbooks/small/lonely-task/index.html");
    let side = sidebar(&html);
    assert!(side.contains("aria-current=\"page\">Lonely task</a>"), "{side}");
    assert!(
        side.contains("<a href=\"/sections/big/\">Big</a> <span class=\"side-count\">600</span>"),
        "{side}"
    );
    assert!(!side.contains("task-000"), "{side}");
    assert!(side.len() < 4000, "{} bytes", side.len());

    // In the big one: the section open and marked, its 600 pages left to the section's page.
    let html = book.read("site/runbooks/big/task-001/index.html");
    let side = sidebar(&html);
    assert_eq!(branch(side, "/sections/big/"), Some((true, true)), "{side}");
    assert!(
        side.contains("<a class=\"side-more\" href=\"/sections/big/\">600 pages</a>"),
        "{side}"
    );
    assert!(!side.contains("task-0"), "{side}");
    assert!(side.len() < 4000, "{} bytes", side.len());
}

#[test]
fn hugo_weights_order_a_folder_before_its_path_order() {
    // As a Hugo book orders them: weighted pages first, lightest first, then the rest by path.
    let book = Book::with_files(&[
        ("content/index.md", "# Home\n"),
        ("content/guides/alpha.md", "---\nweight: 30\n---\n# Alpha\n"),
        ("content/guides/beta.md", "---\nWeight: 10\n---\n# Beta\n"),
        ("content/guides/delta.md", "# Delta\n"),
        ("content/guides/gamma/_index.md", "---\nweight: 20\n---\n# Gamma\n"),
        ("content/guides/gamma/one.md", "# One\n"),
        ("content/guides/epsilon.md", "---\nweight: 0\n---\n# Epsilon\n"),
    ]);
    book.run(&["build"]).success();
    let html = book.read("site/guides/beta/index.html");
    let side = sidebar(&html);
    let order: Vec<usize> = ["Beta<", "Gamma<", "Alpha<", "Delta<", "Epsilon<"]
        .iter()
        .map(|t| position(side, t))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{side}");
    // Previous and next walk the same order.
    let alpha = book.read("site/guides/alpha/index.html");
    assert!(
        alpha.contains("<a class=\"prev\" href=\"/guides/gamma/one/\""),
        "{alpha}"
    );
    assert!(alpha.contains("<a class=\"next\" href=\"/guides/delta/\""), "{alpha}");
}
