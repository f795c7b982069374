//! `serve` watching a book through the saves that break watchers: each kind of file broken
//! and fixed, bursts of saves, a file deleted and made again, renamed, a folder replaced by a
//! file. After each, the preview shows the book as it is on disk.

use std::time::Duration;

use crate::serve::{small_book, wait_until, Server};

#[track_caller]
fn broken(s: &Server) {
    wait_until("the broken event", || {
        s.first_event(Duration::from_millis(300)).as_deref() == Some("broken")
    });
}

#[track_caller]
fn healthy(s: &Server) {
    wait_until("no problem shown", || {
        s.first_event(Duration::from_millis(300)).is_none()
    });
}

#[test]
fn each_kind_of_file_broken_then_fixed_recovers() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let checklist = book.read("content/checklist.md");
    // The checklist.
    book.write("content/checklist.md", &checklist.replace("`{ }`", "`{Y}`"));
    broken(&s);
    book.write(
        "content/checklist.md",
        &checklist.replace("Test a restore", "Test a restore now"),
    );
    wait_until("the fixed checklist", || {
        s.get("/sections/backups/").2.contains("Test a restore now")
    });
    healthy(&s);
    // A page.
    book.write("content/faq.md", "# FAQ\n\n[broken](nowhere.md)\n");
    broken(&s);
    book.write("content/faq.md", "# FAQ\n\nFixed answer.\n");
    wait_until("the fixed page", || s.get("/faq/").2.contains("Fixed answer."));
    healthy(&s);
    // book.toml.
    book.write("book.toml", "[book\ntitle = \"Broken\"\n");
    broken(&s);
    book.write("book.toml", "[book]\ntitle = \"Mended book\"\n");
    wait_until("the new title", || s.get("/").2.contains("Mended book"));
    healthy(&s);
    // A theme template.
    book.write("themes/default/templates/404.html", "{% if %}");
    broken(&s);
    std::fs::remove_file(book.path().join("themes/default/templates/404.html")).expect("remove");
    healthy(&s);
    assert_eq!(s.get("/faq/").0, 200);
}

#[test]
fn a_burst_of_saves_ends_on_the_last_one() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    for i in 0..50 {
        book.write("content/faq.md", &format!("# FAQ\n\nAnswer number {i}.\n"));
    }
    wait_until("the last save", || s.get("/faq/").2.contains("Answer number 49."));
}

#[test]
fn delete_recreate_rename_and_a_folder_replaced_by_a_file() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let faq = book.path().join("content/faq.md");
    std::fs::remove_file(&faq).expect("delete");
    wait_until("the page gone", || s.get("/faq/").0 == 404);
    book.write("content/faq.md", "# FAQ\n\nBack again.\n");
    wait_until("the page back", || s.get("/faq/").2.contains("Back again."));

    std::fs::rename(&faq, book.path().join("content/questions.md")).expect("rename");
    wait_until("the new name", || s.get("/questions/").2.contains("Back again."));
    wait_until("the old name gone", || s.get("/faq/").0 == 404);

    book.write("content/guides/one.md", "# One\n");
    wait_until("the folder's page", || s.get("/guides/one/").0 == 200);
    std::fs::remove_dir_all(book.path().join("content/guides")).expect("remove folder");
    book.write("content/guides.md", "# Guides as one file\n");
    wait_until("the file in the folder's place", || {
        s.get("/guides/").2.contains("Guides as one file")
    });
    wait_until("the folder's page gone", || s.get("/guides/one/").0 == 404);
    healthy(&s);
}
