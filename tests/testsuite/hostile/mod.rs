//! Hostile input: books a hurried or malicious contributor could produce. Every case runs the
//! real binary and checks the promises of DESIGN.md that hold for any input, through
//! [`hostile_build`]:
//!
//! - no panic: the exit code is 0, 1 or 2 and nothing says "panicked";
//! - nothing outside the output folder and opsbook's cache changes;
//! - no secret from outside the book reaches the output;
//! - no markup from content reaches a page as markup (see [`assert_no_injected_markup`]);
//!
//! and then its own expectation: the exit code, the diagnostic naming file and line, what the
//! page shows.

mod attacks;
mod checklist;
mod filesystem;
mod front_matter;
mod fuzz_corpus;
mod injection;
mod links;
mod serve;
mod watch;

use std::path::Path;

use crate::support::{snapshot_tree, Book, Run};

/// Text that stands for a credential kept beside the book (in `~/.aws/credentials`, say):
/// it must never appear in any output.
pub const SECRET: &str = "AKIAHOSTILESECRET0000";

/// Marks every injection payload, so that the checker can find where it landed.
pub const MARK: &str = "zzpwn";

/// A book of `files` (path, bytes), with a secret file outside it (`../secret.txt`).
pub fn hostile_book(files: &[(&str, &[u8])]) -> (Book, tempfile::TempDir) {
    let book = Book::empty();
    for (path, bytes) in files {
        let p = book.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("secret.txt"), SECRET).expect("secret");
    (book, outside)
}

/// Runs `opsbook ARGS` on `book` and checks the promises that hold for any input.
#[track_caller]
pub fn hostile_run(book: &Book, args: &[&str]) -> Run {
    let before = inputs(book.path());
    let run = book.run(args);
    assert!(
        matches!(run.code(), 0..=2),
        "exit {} (a panic is 101)\nstderr:\n{}",
        run.code(),
        run.stderr()
    );
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    assert_eq!(before, inputs(book.path()), "opsbook changed a file outside its output");
    let site = book.path().join("site");
    for (path, bytes) in snapshot_tree(&site) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(SECRET), "the secret reached site/{path}");
        if path.ends_with(".html") {
            assert_no_injected_markup(&path, &text);
        }
        if path.ends_with(".json") {
            assert!(
                serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                "site/{path} is not JSON"
            );
        }
    }
    run
}

/// [`hostile_run`] of `opsbook build` on a book of `files`.
#[track_caller]
pub fn hostile_build(files: &[(&str, &[u8])]) -> (Book, Run) {
    let (book, _outside) = hostile_book(files);
    let run = hostile_run(&book, &["build"]);
    (book, run)
}

/// Everything in the book's folder but what a build writes (site/, its cache, and the
/// record of published URLs, `opsbook.lock`): each path with its bytes' length and hash.
fn inputs(root: &Path) -> Vec<(String, usize, u64)> {
    use std::hash::{Hash, Hasher};
    snapshot_tree(root)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("site/") && !p.starts_with(".opsbook-cache/") && p != "opsbook.lock")
        .map(|(p, bytes)| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            bytes.hash(&mut h);
            (p, bytes.len(), h.finish())
        })
        .collect()
}

/// No payload marked with [`MARK`] became markup: no element named by it, no script holding
/// it, no event-handler attribute and no `javascript:`, `data:` or `vbscript:` URL anywhere.
#[track_caller]
pub fn assert_no_injected_markup(path: &str, html: &str) {
    let doc = scraper::Html::parse_document(html);
    for node in doc.root_element().descendants() {
        let Some(el) = scraper::ElementRef::wrap(node) else {
            continue;
        };
        let name = el.value().name();
        assert!(!name.contains(MARK), "site/{path}: an element <{name}> from content");
        if name == "script" {
            let text: String = el.text().collect();
            if el.value().attr("type") == Some("application/json") {
                // Data for a script, never run: it must stay one whole JSON document.
                assert!(
                    serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                    "site/{path}: a JSON block broken by content: {text}"
                );
            } else {
                assert!(!text.contains(MARK), "site/{path}: content inside a <script>: {text}");
            }
        }
        for (attr, value) in el.value().attrs() {
            let lower = attr.to_ascii_lowercase();
            assert!(
                !(lower.starts_with("on") && lower.len() > 2),
                "site/{path}: event handler {attr}={value:?} on <{name}>"
            );
            assert!(!lower.contains(MARK), "site/{path}: attribute {attr} from content");
            if matches!(lower.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href") {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(
                        !squeezed.starts_with(scheme),
                        "site/{path}: {attr}={value:?} on <{name}>"
                    );
                }
            }
        }
    }
}
