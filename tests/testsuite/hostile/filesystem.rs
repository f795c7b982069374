//! The file system: links out of the book, loops, files opsbook may not read, names and bytes
//! that are not UTF-8, output folders it must never touch, and a disk that fills up.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::Path;
use std::process::Command;

use super::{hostile_book, hostile_run, SECRET};
use crate::support::{snapshot_tree, Book};

#[test]
fn symlinks_out_of_content_are_errors_and_never_followed() {
    for (name, folder, absolute) in [
        ("file-relative", false, false),
        ("file-absolute", false, true),
        ("folder-relative", true, false),
        ("folder-absolute", true, true),
    ] {
        let (book, outside) = hostile_book(&[("content/a.md", b"# A\n")]);
        std::fs::create_dir_all(outside.path().join("dir")).expect("dir");
        std::fs::write(outside.path().join("dir/secret.md"), format!("# {SECRET}\n")).expect("write");
        let target = if folder {
            outside.path().join("dir")
        } else {
            outside.path().join("secret.txt")
        };
        let target = if absolute {
            target
        } else {
            pathdiff(&target, &book.path().join("content"))
        };
        let link = book
            .path()
            .join("content")
            .join(if folder { "linked" } else { "linked.md" });
        symlink(&target, &link).expect("symlink");
        let run = hostile_run(&book, &["build"]);
        run.fails_with(1).stderr_has("symlink leads outside content/");
        assert!(!book.exists("site"), "{name}: nothing is written");
    }
}

/// `target` relative to `from` (both absolute), with `..` as needed.
fn pathdiff(target: &Path, from: &Path) -> std::path::PathBuf {
    let t: Vec<_> = target.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out = std::path::PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[test]
fn a_symlink_loop_is_an_error_not_a_hang() {
    let (book, _outside) = hostile_book(&[("content/a.md", b"# A\n")]);
    symlink("loop-b", book.path().join("content/loop-a")).expect("symlink");
    symlink("loop-a", book.path().join("content/loop-b")).expect("symlink");
    symlink(".", book.path().join("content/self")).expect("symlink");
    let run = hostile_run(&book, &["build"]);
    assert!(run.code() <= 1, "{}", run.stderr());
    assert!(run.stderr().contains("content/loop-a"), "{}", run.stderr());
}

/// Tests run as root, who reads anything: the build runs as `nobody` so that an unreadable
/// file is really unreadable.
#[test]
fn an_unreadable_file_is_an_error_naming_it() {
    if !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: setpriv is needed to drop root");
        return;
    }
    let (book, _outside) = hostile_book(&[("content/a.md", b"# A\n"), ("content/locked.md", b"# Locked\n")]);
    for entry in walkdir::WalkDir::new(book.path()) {
        let entry = entry.expect("walk");
        let mode = if entry.file_type().is_dir() { 0o777 } else { 0o666 };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    std::fs::set_permissions(
        book.path().join("content/locked.md"),
        std::fs::Permissions::from_mode(0o000),
    )
    .expect("chmod");
    let out = Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(assert_cmd::cargo::cargo_bin("opsbook"))
        .arg("build")
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .output()
        .expect("run as nobody");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("Permission denied") && !book.path().join("content/a.md").exists() {
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("content/locked.md"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn non_utf8_bytes_are_an_error_at_their_line_and_a_non_utf8_name_does_not_crash() {
    let (_, run) = {
        let (book, o) = hostile_book(&[("content/a.md", b"# A\n\nfine\nbad \xff\xfe byte\n")]);
        let run = hostile_run(&book, &["build"]);
        drop(o);
        (book, run)
    };
    run.fails_with(1).stderr_has("content/a.md:4");

    let (book, _outside) = hostile_book(&[("content/a.md", b"# A\n")]);
    let name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"bad-\xff-name.md");
    std::fs::write(book.path().join("content").join(name), "# Bad name\n").expect("write");
    let run = hostile_run(&book, &["build"]);
    assert!(run.code() <= 1, "{}", run.stderr());
}

#[test]
fn output_folders_opsbook_must_never_touch_are_refused_and_left_alone() {
    let (book, outside) = hostile_book(&[("content/a.md", b"# A\n")]);
    std::fs::create_dir_all(outside.path().join("foreign")).expect("mkdir");
    std::fs::write(outside.path().join("foreign/keep.txt"), "mine").expect("write");
    let home = outside.path().join("home");
    std::fs::create_dir_all(&home).expect("home");
    std::fs::write(home.join(".bashrc"), "mine").expect("write");
    let foreign = outside.path().join("foreign");
    let cases: Vec<(&str, String)> = vec![
        ("the book", ".".into()),
        ("the content", "content".into()),
        ("inside the content", "content/site".into()),
        ("the book's parent", "..".into()),
        ("the root", "/".into()),
        ("a foreign folder", foreign.display().to_string()),
        ("a file", "content/a.md".into()),
    ];
    for (what, out) in cases {
        let before_out = snapshot_tree(&foreign);
        let run = hostile_run(&book, &["build", "-o", &out]);
        run.fails_with(1).stderr_has("refusing to write the site");
        assert_eq!(before_out, snapshot_tree(&foreign), "{what}");
    }
    // $HOME: run with HOME pointing at a folder that looks like a home.
    let mut cmd = assert_cmd::Command::cargo_bin("opsbook").expect("binary");
    let out = cmd
        .current_dir(book.path())
        .env("HOME", &home)
        .args(["build", "-o"])
        .arg(&home)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(home.join(".bashrc")).ok().as_deref(),
        Some("mine")
    );
}

/// A disk that fills up mid-write (a file size limit stands in for it): the build fails and
/// the previous site stays whole.
#[test]
fn a_full_disk_mid_write_leaves_the_previous_site_whole() {
    let book = Book::with_files(&[("content/a.md", "# A\n\nsmall\n")]);
    book.run(&["build"]).success();
    let before = snapshot_tree(&book.path().join("site"));
    let big = format!(
        "# Big\n\n{}\n",
        "A paragraph that makes this page large. ".repeat(20_000)
    );
    book.write("content/big.md", &big);
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 200; exec \"$0\" build")
        .arg(assert_cmd::cargo::cargo_bin("opsbook"))
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", crate::support::FIXED_EPOCH)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "the write should have failed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    assert_eq!(
        before,
        snapshot_tree(&book.path().join("site")),
        "the previous site changed"
    );
    let leftovers: Vec<String> = std::fs::read_dir(book.path())
        .expect("read")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site.") || n.starts_with(".opsbook-highlight-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
