//! A build into an existing site carries over the files whose inputs did not change (hard
//! links to the old files, so the same inode) and renders the rest. Whatever changed, the
//! site must be byte for byte the one a clean build writes.

use std::os::unix::fs::MetadataExt;

use crate::support::{repo_root, snapshot_tree, Book};

fn inode(book: &Book, rel: &str) -> u64 {
    std::fs::metadata(book.path().join("site").join(rel))
        .unwrap_or_else(|e| panic!("site/{rel}: {e}"))
        .ino()
}

/// Builds the book again into `site/` and into a fresh folder with no cache, and asserts the
/// two are the same.
fn rebuild_matches_a_clean_build(book: &Book, what: &str) {
    book.run(&["build"]).success();
    let fresh = tempfile::tempdir().expect("tempdir");
    let out = fresh.path().join("site");
    book.run(&["build", "-o", out.to_str().expect("utf-8 path")]).success();
    let (got, want) = (snapshot_tree(&book.path().join("site")), snapshot_tree(&out));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&got),
        names(&want),
        "{what}: the files differ from a clean build's"
    );
    for (a, b) in got.iter().zip(&want) {
        assert!(a.1 == b.1, "{what}: {} differs from a clean build's", a.0);
    }
}

const EDITED: &str = "dr/restore-primary-database/index.html";
const UNTOUCHED: &str = "troubleshooting/high-replication-lag/index.html";
const RENAMED: &str = "dr/fail-over-to-the-standby-region/index.html";
/// Links to the renamed page, so shows its title.
const LINKS_TO_RENAMED: &str = "dr/recover-from-the-loss-of-a-region/index.html";

#[test]
fn a_rebuild_carries_over_only_what_did_not_change() {
    let book = Book::example();
    book.run(&["build"]).success();
    assert!(
        book.exists(".opsbook-cache/site.outputs"),
        "the build records how its files were made"
    );
    let before = |rel: &str| inode(&book, rel);
    let kept = [EDITED, UNTOUCHED, "print/index.html", "search/index.js", "index.html"];
    let first: Vec<u64> = kept.iter().map(|r| before(r)).collect();

    rebuild_matches_a_clean_build(&book, "nothing changed");
    for (rel, ino) in kept.iter().zip(&first) {
        assert_eq!(
            inode(&book, rel),
            *ino,
            "{rel} was written again though nothing changed"
        );
    }

    // A page's body: that page, the print page and the search index change; the rest is
    // carried over.
    let path = "content/dr/restore-primary-database.md";
    book.write(path, &(book.read(path) + "\nOne more line, added by the test.\n"));
    let (untouched, edited, print) = (before(UNTOUCHED), before(EDITED), before("print/index.html"));
    rebuild_matches_a_clean_build(&book, "a page's body edited");
    assert!(book
        .read(&format!("site/{EDITED}"))
        .contains("One more line, added by the test."));
    assert_ne!(inode(&book, EDITED), edited, "the edited page is rendered again");
    assert_ne!(
        inode(&book, "print/index.html"),
        print,
        "the print page shows every body"
    );
    assert_eq!(inode(&book, UNTOUCHED), untouched, "an unrelated page is carried over");

    // A title: every page that shows it changes with it.
    let path = "content/dr/fail-over-to-the-standby-region.md";
    book.write(
        path,
        &book.read(path).replace(
            "title: Fail over to the standby region",
            "title: Move traffic to the standby region",
        ),
    );
    rebuild_matches_a_clean_build(&book, "a page's title changed");
    assert!(book
        .read(&format!("site/{RENAMED}"))
        .contains("Move traffic to the standby region"));
    assert!(book
        .read(&format!("site/{LINKS_TO_RENAMED}"))
        .contains("Move traffic to the standby region"));

    // A task's status: the dashboard, its section, its task page and the badges follow.
    let path = "content/checklist.md";
    let text = book.read(path);
    let changed = text.replacen(
        "- `{ }` Create system resource utilization tracking",
        "- `{X}` Create system resource utilization tracking",
        1,
    );
    assert_ne!(changed, text, "the example checklist has the task this test marks done");
    book.write(path, &changed);
    rebuild_matches_a_clean_build(&book, "a task's status changed");

    // book.toml alone: a page's body depends on it (here, whether raw HTML is kept whole)
    // though nothing else the page shows does.
    let path = "content/troubleshooting/high-replication-lag.md";
    book.write(
        path,
        &(book.read(path) + "\nPress <kbd onclick=\"alert(1)\">Ctrl</kbd> to stop.\n"),
    );
    rebuild_matches_a_clean_build(&book, "raw HTML added to a page");
    assert!(!book.read(&format!("site/{UNTOUCHED}")).contains("onclick"));
    let toml = book.read("book.toml");
    book.write("book.toml", &format!("{toml}\n[build]\nallow-raw-html = true\n"));
    rebuild_matches_a_clean_build(&book, "raw HTML allowed in book.toml");
    assert!(book.read(&format!("site/{UNTOUCHED}")).contains("onclick"));
    book.write("book.toml", &toml);

    // A template: every page is rendered again.
    let template = std::fs::read_to_string(repo_root().join("themes/default/templates/page.html")).expect("template");
    book.write(
        "themes/default/templates/page.html",
        &template.replace("<article>", "<article data-test=\"overridden\">"),
    );
    let untouched = before(UNTOUCHED);
    rebuild_matches_a_clean_build(&book, "a template overridden");
    assert!(book
        .read(&format!("site/{UNTOUCHED}"))
        .contains("data-test=\"overridden\""));
    assert_ne!(inode(&book, UNTOUCHED), untouched);
}

#[test]
fn a_file_changed_in_the_output_by_hand_is_rendered_again() {
    let book = Book::example();
    book.run(&["build"]).success();
    let page = book.path().join("site").join(UNTOUCHED);
    let good = std::fs::read(&page).expect("page");
    std::fs::write(&page, b"edited by hand").expect("edit the output");
    book.run(&["build"]).success();
    assert_eq!(std::fs::read(&page).expect("page"), good, "the hand edit is replaced");

    // Gone from the output, or the whole search folder gone: made again.
    std::fs::remove_file(&page).expect("remove");
    std::fs::remove_dir_all(book.path().join("site/search")).expect("remove search");
    rebuild_matches_a_clean_build(&book, "files removed from the output");
}

#[test]
fn a_damaged_or_missing_record_renders_everything() {
    let book = Book::example();
    book.run(&["build"]).success();
    let record = book.path().join(".opsbook-cache/site.outputs");
    std::fs::write(&record, "opsbook outputs 1\nzz 1 2 index.html\n").expect("damage");
    let ino = inode(&book, UNTOUCHED);
    rebuild_matches_a_clean_build(&book, "a damaged record");
    assert_ne!(inode(&book, UNTOUCHED), ino, "nothing is taken from a damaged record");

    std::fs::remove_dir_all(book.path().join(".opsbook-cache")).expect("remove the cache");
    rebuild_matches_a_clean_build(&book, "no cache folder");
}
