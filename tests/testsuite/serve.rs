//! `opsbook serve`: the real binary on a free port, spoken to over raw HTTP (a client library
//! would normalise the paths the traversal tests send). Changes are waited for with bounded
//! polls, never with fixed sleeps.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::{Book, FIXED_EPOCH};

/// A running `opsbook serve`, stopped when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) port: u16,
    base: String,
    /// Every line serve printed so far.
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    pub(crate) fn start(book: &Book, extra: &[&str]) -> Server {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("opsbook"));
        cmd.current_dir(book.path())
            .env_clear()
            .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
            .env("NO_COLOR", "1")
            .arg("serve")
            .args(if extra.contains(&"-p") {
                &[][..]
            } else {
                &["-p", "0"][..]
            })
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        let mut child = cmd.spawn().expect("start opsbook serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.starts_with("Serving ") {
                    let _ = tx.send(line.clone());
                }
                if let Ok(mut l) = seen.lock() {
                    l.push(line);
                }
            }
        });
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("serve prints where it serves");
        let url = line
            .split(" at ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .expect("url")
            .to_string();
        let rest = url.strip_prefix("http://127.0.0.1:").expect("loopback url");
        let (port, base) = rest.split_once('/').expect("path");
        Server {
            child,
            port: port.parse().expect("port"),
            base: format!("/{base}"),
            lines,
        }
    }

    /// Sends a raw request; returns (status, head, body).
    pub(crate) fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let host = format!("127.0.0.1:{}", self.port);
        let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req.push_str(&format!("Host: {host}\r\n"));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).expect("send");
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, head.to_string(), body.to_string())
    }

    /// How many rebuilds serve has reported.
    fn rebuilds(&self) -> usize {
        self.lines
            .lock()
            .map(|l| l.iter().filter(|l| l.starts_with("Rebuilt in")).count())
            .unwrap_or(0)
    }

    pub(crate) fn get(&self, path: &str) -> (u16, String, String) {
        self.request("GET", path, &[])
    }

    /// The first live-reload event a new connection receives within `wait`, if any.
    pub(crate) fn first_event(&self, wait: Duration) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(wait)).ok()?;
        let req = format!(
            "GET /__opsbook/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n",
            self.port
        );
        stream.write_all(req.as_bytes()).ok()?;
        let mut buf = [0u8; 8192];
        let mut seen = String::new();
        let start = Instant::now();
        while start.elapsed() < wait {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
            if let Some(i) = seen.find("event: ") {
                return Some(seen[i + 7..].lines().next().unwrap_or("").to_string());
            }
        }
        None
    }
}

impl Drop for Server {
    /// SIGTERM first, as a user's Ctrl-C would, so that serve removes its preview folder (a
    /// test run otherwise leaves one in the temporary folder per test); SIGKILL if it hangs.
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 50 ms for at most 20 s.
#[track_caller]
pub(crate) fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for: {what}");
}

pub(crate) fn small_book() -> Book {
    Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{ }` Test a restore\n",
        ),
        ("content/faq.md", "# FAQ\n\nFirst answer.\n"),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "# Verify the backup\n\n## Steps\n\nRun it.\n",
        ),
    ])
}

#[test]
fn serves_the_site_as_a_static_file_server_does() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let (status, head, body) = s.get("/");
    assert_eq!(status, 200, "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: text/html"), "{head}");
    assert!(
        body.contains("/__opsbook/live.js"),
        "the live-reload script is injected"
    );
    assert!(
        !head.to_ascii_lowercase().contains("access-control-allow-origin"),
        "{head}"
    );

    let (status, head, _) = s.get("/faq");
    assert_eq!(status, 307, "a folder without its slash redirects: {head}");
    assert!(
        head.contains("location: /faq/") || head.contains("Location: /faq/"),
        "{head}"
    );

    let (status, _, body) = s.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"), "the book's 404.html");

    let (status, head, body) = s.request("HEAD", "/_theme/style.css", &[]);
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-type: text/css"), "{head}");
    assert!(body.is_empty());
    let (status, _, body) = s.request("GET", "/_theme/style.css", &[("Range", "bytes=0-9")]);
    assert_eq!((status, body.len()), (206, 10));
    let last_modified = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("last-modified: ")
                .or_else(|| l.strip_prefix("Last-Modified: "))
        })
        .expect("last-modified")
        .to_string();
    let (status, _, _) = s.request("GET", "/_theme/style.css", &[("If-Modified-Since", &last_modified)]);
    assert_eq!(status, 304);
}

#[test]
fn paths_out_of_the_site_are_refused_in_every_encoding() {
    let book = small_book();
    book.write("secret.txt", "TOP SECRET");
    let s = Server::start(&book, &[]);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/faq/..%2f..%2fsecret.txt",
        "/..%5c..%5csecret.txt",
        "/.%2e/secret.txt",
        "/faq/%00",
    ] {
        let (status, _, body) = s.get(path);
        assert!(status == 400 || status == 404, "{path} gave {status}");
        assert!(
            !body.contains("TOP SECRET") && !body.contains("root:"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn requests_for_another_host_are_refused() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let (status, _, _) = s.request("GET", "/", &[("Host", "evil.example")]);
    assert_eq!(status, 403, "DNS rebinding");
    let (status, _, _) = s.request("GET", "/", &[("Host", &format!("localhost:{}", s.port))]);
    assert_eq!(status, 200);
}

#[test]
fn the_site_path_prefix_is_served_as_on_github_pages() {
    let book = small_book();
    book.write("book.toml", "[site]\nurl = \"https://acme.github.io/runbooks/\"\n");
    let s = Server::start(&book, &[]);
    assert_eq!(s.base, "/runbooks/");
    let (status, head, _) = s.get("/");
    assert_eq!(status, 307, "{head}");
    assert!(head.to_ascii_lowercase().contains("location: /runbooks/"), "{head}");
    let (status, _, body) = s.get("/runbooks/faq/");
    assert_eq!(status, 200);
    assert!(body.contains("href=\"/runbooks/_theme/style.css\""));
    assert_eq!(s.get("/faq/").0, 404);
}

#[test]
fn an_edit_reaches_the_page_and_status_changes_reach_the_badges() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    book.write("content/faq.md", "# FAQ\n\nSecond answer.\n");
    wait_until("the edited FAQ", || s.get("/faq/").2.contains("Second answer."));
    wait_until("the print page, once the edits pause", || {
        s.get("/print/").2.contains("Second answer.")
    });
    // Search finds the new words too: "second" lives in the shard of "se".
    wait_until("the search index", || {
        s.get("/search/t/7365.js").2.contains("\"second\"")
    });
    let before = s.get("/badges/backups.svg").2;
    book.write(
        "content/checklist.md",
        "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{X}` Test a restore\n",
    );
    wait_until("the section badge at 100%", || {
        s.get("/badges/backups.svg").2.contains("100% (2/2)")
    });
    assert_ne!(before, s.get("/badges/backups.svg").2);
    assert!(s.get("/sections/backups/").2.matches("status-complete").count() >= 2);
    // Every other output that shows the status follows, in the same rebuild.
    assert!(s.get("/badges/progress.svg").2.contains("100% (2/2)"));
    assert!(
        s.get("/progress.json").2.contains("\"percent\": 100.0"),
        "{}",
        s.get("/progress.json").2
    );
    assert!(s.get("/").2.contains("100%"));
    let runbook = s.get("/runbooks/backups/verify-the-backup/").2;
    assert!(runbook.contains("status-complete"), "{runbook}");

    // Back to open: the runbook bound to the task shows it.
    book.write(
        "content/checklist.md",
        "# Checklist\n\n## Backups\n\n- `{ }` Verify the backup\n- `{X}` Test a restore\n",
    );
    wait_until("the runbook's status back to open", || {
        let page = s.get("/runbooks/backups/verify-the-backup/").2;
        !page.contains("status-complete") && page.contains("status-not_started")
    });
    assert!(s.get("/badges/backups.svg").2.contains("50% (1/2)"));
}

#[test]
fn a_status_change_reaches_the_owners_page_of_its_runbook() {
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{ }` Verify the backup\n- `{ }` Test a restore\n",
        ),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "---\nowner: dba-team\n---\n# Verify the backup\n\nRun it.\n",
        ),
        (
            "content/runbooks/backups/test-a-restore.md",
            "---\nowner: sre-team\n---\n# Test a restore\n\nRestore it.\n",
        ),
    ]);
    let s = Server::start(&book, &[]);
    let dba = s.get("/owners/dba-team/").2;
    assert!(
        dba.contains("status-not_started") && !dba.contains("status-complete"),
        "{dba}"
    );
    book.write(
        "content/checklist.md",
        "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{ }` Test a restore\n",
    );
    wait_until("the owner's page showing the task done", || {
        s.get("/owners/dba-team/").2.contains("status-complete")
    });
    let sre = s.get("/owners/sre-team/").2;
    assert!(
        sre.contains("status-not_started") && !sre.contains("status-complete"),
        "{sre}"
    );
    assert!(s.get("/owners/").2.contains("href=\"/owners/dba-team/\""));
}

/// Waits (up to the time a rebuild takes on a loaded machine) until serve shows each of
/// `paths` as the fresh build in `site` wrote it, and fails naming the first that differs.
fn assert_serves_a_fresh_build(s: &Server, site: &std::path::Path, paths: &[&str], step: usize) {
    let live = "<script src=\"/__opsbook/live.js\"></script>";
    let mismatch = || {
        paths.iter().find_map(|path| {
            let want = std::fs::read_to_string(site.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
            let got = s.get(&format!("/{path}")).2.replace(live, "");
            (got != want).then(|| format!("step {step}: /{path} differs from a fresh build's:\n{got}\n---\n{want}"))
        })
    };
    let start = std::time::Instant::now();
    let mut differs = mismatch();
    while differs.is_some() && start.elapsed() < std::time::Duration::from_secs(20) {
        std::thread::sleep(std::time::Duration::from_millis(50));
        differs = mismatch();
    }
    if let Some(message) = differs {
        panic!("{message}");
    }
}

/// What serve shows after status edits (rendered from the last build, see
/// `preview::rebuild::rebuild_statuses`) is what a fresh build of the same book writes, for every
/// output that shows a status or a count.
#[test]
fn status_edits_in_serve_match_a_fresh_build() {
    let checklist = |a: &str, b: &str, c: &str, note: &str| {
        // A fourth task appears in the last step.
        let more = if note.ends_with('!') {
            "- `{ }` Check the alerts\n"
        } else {
            ""
        };
        format!(
            "# Checklist\n\n| Section | Done |\n|---|---|\n| Backups | 1/2 |\n\n## Backups\n\n- `{a}` Verify the backup\n  - {note}\n- `{b}` Test a restore\n\n## Keys\n\n- `{c}` Rotate the keys\n{more}"
        )
    };
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            &checklist("{X}", "{ }", "{ }", "check the size"),
        ),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "---\nowner: dba-team\n---\n# Verify the backup\n\nRun it.\n",
        ),
        (
            "content/runbooks/keys/rotate-the-keys.md",
            "---\nowner: sec-team\n---\n# Rotate the keys\n\nRotate.\n",
        ),
        (
            "content/faq.md",
            "# FAQ\n\nSee [the restore](runbooks/backups/verify-the-backup.md).\n",
        ),
    ]);
    let s = Server::start(&book, &[]);
    let paths = [
        "index.html",
        "sections/backups/index.html",
        "sections/keys/index.html",
        "runbooks/backups/verify-the-backup/index.html",
        "runbooks/keys/rotate-the-keys/index.html",
        "tasks/test-a-restore/index.html",
        "tasks/rotate-the-keys/index.html",
        "owners/index.html",
        "owners/dba-team/index.html",
        "owners/sec-team/index.html",
        "badges/progress.svg",
        "badges/backups.svg",
        "badges/keys.svg",
        "badges/progress.json",
        "progress.json",
        "feed.xml",
    ];
    // Status edits, then one that changes a note too (the whole book is built again).
    for (step, (a, b, c, note)) in [
        ("{X}", "{X}", "{ }", "check the size"),
        ("{ }", "{X}", "{IP}", "check the size"),
        ("{ }", "{IP}", "{X}", "check the size"),
        ("{X}", "{IP}", "{X}", "check the size and the date"),
        ("{X}", "{IP}", "{X}", "check the size and the date!"),
    ]
    .into_iter()
    .enumerate()
    {
        book.write("content/checklist.md", &checklist(a, b, c, note));
        let out = tempfile::tempdir().expect("tempdir");
        let site = out.path().join("site");
        book.run(&["build", "-o", site.to_str().expect("utf-8")]).success();
        let want_progress = std::fs::read_to_string(site.join("progress.json")).expect("progress.json");
        let added = "tasks/check-the-alerts/index.html";
        assert_eq!(site.join(added).is_file(), step == 4, "{added} after step {step}");
        wait_until("serve to show the statuses of the edit", || {
            s.get("/progress.json").2 == want_progress
        });
        // Some steps change only a note, which progress.json does not show: every page is
        // given the time a rebuild takes on a loaded machine before it must match.
        let mut all = paths.to_vec();
        all.extend((step == 4).then_some(added));
        assert_serves_a_fresh_build(&s, &site, &all, step);
    }
}

/// What serve shows after body edits (one page rendered again from the last build, see
/// `preview::rebuild::rebuild_pages`, which patches that page into the kept site) is what a
/// fresh build of the same book writes, for the page, the pages around it and the print page.
#[test]
fn body_edits_in_serve_match_a_fresh_build() {
    let page = |body: &str| format!("---\nowner: dba-team\n---\n# Verify the backup\n\n## Steps\n\n{body}\n");
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n",
        ),
        ("content/runbooks/backups/verify-the-backup.md", &page("Run it.")),
        (
            "content/faq.md",
            "# FAQ\n\nSee [the steps](runbooks/backups/verify-the-backup.md#steps).\n",
        ),
    ]);
    let s = Server::start(&book, &[]);
    let paths = [
        "runbooks/backups/verify-the-backup/index.html",
        "faq/index.html",
        "index.html",
        "owners/dba-team/index.html",
        "print/index.html",
    ];
    for (step, body) in [
        "Run `pg_verifybackup`.",
        "Run it twice.\n\n```sh\npg_verifybackup /backups\n```",
    ]
    .into_iter()
    .enumerate()
    {
        book.write("content/runbooks/backups/verify-the-backup.md", &page(body));
        let out = tempfile::tempdir().expect("tempdir");
        let site = out.path().join("site");
        book.run(&["build", "-o", site.to_str().expect("utf-8")]).success();
        assert_serves_a_fresh_build(&s, &site, &paths, step);
    }
}

/// A `weight` edit moves a page in every page's sidebar: serve shows what a fresh build writes.
#[test]
fn a_weight_edit_reorders_every_sidebar_in_serve() {
    let page = |title: &str, weight: u32| format!("---\nweight: {weight}\n---\n# {title}\n");
    let book = Book::with_files(&[
        ("content/index.md", "# Home\n"),
        ("content/guides/alpha.md", &page("Alpha", 1)),
        ("content/guides/beta.md", &page("Beta", 2)),
        ("content/guides/gamma.md", "# Gamma\n"),
    ]);
    let s = Server::start(&book, &[]);
    let paths = ["guides/gamma/index.html", "index.html", "guides/beta/index.html"];
    for (step, weight) in [3, 1].into_iter().enumerate() {
        book.write("content/guides/alpha.md", &page("Alpha", weight));
        let out = tempfile::tempdir().expect("tempdir");
        let site = out.path().join("site");
        book.run(&["build", "-o", site.to_str().expect("utf-8")]).success();
        assert_serves_a_fresh_build(&s, &site, &paths, step);
    }
}

/// A section page's view holds the counts of the sections before and after it: a theme that
/// shows them must see them follow a status edit in the next section.
#[test]
fn a_status_edit_reaches_the_neighbouring_sections_of_a_theme_that_shows_them() {
    let checklist =
        |b: &str| format!("# C\n\n## A\n\n- `{{ }}` One\n\n## B\n\n- `{b}` Two\n\n## C\n\n- `{{ }}` Three\n");
    let book = Book::with_files(&[
        ("content/checklist.md", &checklist("{ }")),
        (
            "themes/default/templates/section.html",
            "{{ section.section.title }}: prev {% if section.prev %}{{ section.prev.counts.fraction }}{% endif %}, next {% if section.next %}{{ section.next.counts.fraction }}{% endif %}\n",
        ),
    ]);
    let s = Server::start(&book, &[]);
    assert!(s.get("/sections/a/").2.contains("A: prev , next 0/1"));
    book.write("content/checklist.md", &checklist("{X}"));
    wait_until("section A showing B done", || {
        s.get("/sections/a/").2.contains("A: prev , next 1/1")
    });
    assert!(s.get("/sections/c/").2.contains("C: prev 1/1, next"));
}

/// In a git work tree the dashboard's "Recently changed" follows status edits as they are
/// saved (not committed yet) and as they are committed, without rereading the history on
/// every save.
#[test]
fn recently_changed_follows_saves_and_commits_in_serve() {
    let checklist = |a: &str, b: &str| format!("# C\n\n## S\n\n- `{a}` Alpha task\n- `{b}` Beta task\n");
    let book = Book::with_files(&[("content/checklist.md", &checklist("{ }", "{ }"))]);
    let git = |args: &[&str]| book.git(args);
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "start"]);
    let s = Server::start(&book, &[]);
    let changes = || {
        let home = s.get("/").2;
        home.find("Recently changed")
            .map(|at| home[at..at + home[at..].find("</ul>").unwrap_or(0)].to_string())
            .unwrap_or_default()
    };
    book.write("content/checklist.md", &checklist("{X}", "{ }"));
    wait_until("Alpha, not committed yet", || {
        let c = changes();
        c.contains("Alpha task") && c.contains("not committed yet")
    });
    git(&["commit", "-qam", "alpha done"]);
    book.write("content/checklist.md", &checklist("{X}", "{IP}"));
    wait_until("Beta, not committed yet, and Alpha, committed", || {
        let c = changes();
        c.contains("Beta task") && c.contains("2026-11-20")
    });
    let c = changes();
    let (beta, alpha) = (c.find("Beta task").expect("beta"), c.find("Alpha task").expect("alpha"));
    assert!(beta < alpha, "newest first: {c}");
    assert_eq!(c.matches("not committed yet").count(), 1, "{c}");
}

/// A save that changes no output (an editor saving an unchanged file, or the second event
/// of one save) rebuilds but does not reload the open tabs.
#[test]
fn a_save_that_changes_nothing_reloads_nothing() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let before = s.rebuilds();
    let text = book.read("content/faq.md");
    let path = book.path().join("content/faq.md");
    let saver = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::write(path, text).expect("save");
    });
    assert_eq!(
        s.first_event(Duration::from_millis(1500)),
        None,
        "no reload for nothing"
    );
    saver.join().expect("saver");
    assert!(s.rebuilds() > before, "the save was seen and rebuilt");
    // A real change still reloads.
    let path = book.path().join("content/faq.md");
    let saver = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::write(path, "# FAQ\n\nChanged answer.\n").expect("save");
    });
    assert_eq!(s.first_event(Duration::from_millis(5000)).as_deref(), Some("reload"));
    saver.join().expect("saver");
}

#[test]
fn a_broken_save_keeps_the_last_good_site_and_the_next_good_save_recovers() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    let pid = s.child.id();
    let rss = || {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
    };
    let good = "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{ }` Test a restore\n";
    let mut first_rss = None;
    for cycle in 0..10 {
        book.write("content/checklist.md", &good.replace("`{ }`", "`{Y}`"));
        wait_until("the broken event", || {
            s.first_event(Duration::from_millis(300)).as_deref() == Some("broken")
        });
        let (status, _, body) = s.get("/");
        assert_eq!(status, 200, "the last good site is still served");
        assert!(body.contains("Checklist"));
        book.write(
            "content/checklist.md",
            &good.replace("Test a restore", &format!("Test a restore {cycle}")),
        );
        wait_until("the fixed site", || {
            s.get("/sections/backups/")
                .2
                .contains(&format!("Test a restore {cycle}"))
        });
        // A late second event of the same save may still bring a reload; never the overlay.
        assert_ne!(
            s.first_event(Duration::from_millis(300)).as_deref(),
            Some("broken"),
            "no overlay once fixed"
        );
        if cycle == 1 {
            first_rss = rss();
        }
    }
    if let (Some(a), Some(b)) = (first_rss, rss()) {
        assert!(b < a + 20_000, "memory grew from {a} KiB to {b} KiB over the cycles");
    }
}

#[test]
fn saves_by_real_editors_are_all_seen() {
    let book = small_book();
    let s = Server::start(&book, &[]);
    // vim: a swap file, then the new file renamed over the original.
    book.write("content/.faq.md.swp", "swap");
    book.write("content/faq.md.tmp~", "# FAQ\n\nFrom vim.\n");
    std::fs::rename(
        book.path().join("content/faq.md.tmp~"),
        book.path().join("content/faq.md"),
    )
    .expect("rename");
    std::fs::remove_file(book.path().join("content/.faq.md.swp")).expect("rm swap");
    wait_until("vim's save", || s.get("/faq/").2.contains("From vim."));
    // A folder of 200 files copied in at once: a burst gives a few rebuilds, not hundreds.
    let before = s.rebuilds();
    let staging = tempfile::tempdir().expect("tempdir");
    for i in 0..200 {
        std::fs::write(staging.path().join(format!("page-{i:03}.md")), format!("# Bulk {i}\n")).expect("write");
    }
    crate::support::copy_dir(staging.path(), &book.path().join("content/bulk"));
    wait_until("all 200 new pages", || {
        s.get("/bulk/page-199/").0 == 200 && s.get("/bulk/page-000/").0 == 200
    });
    let burst = s.rebuilds() - before;
    assert!(burst <= 5, "{burst} rebuilds for one copy of 200 files");
    // A page deleted, another renamed.
    std::fs::remove_file(book.path().join("content/bulk/page-000.md")).expect("rm");
    std::fs::rename(
        book.path().join("content/bulk/page-001.md"),
        book.path().join("content/bulk/renamed.md"),
    )
    .expect("mv");
    wait_until("the deletion and the rename", || {
        s.get("/bulk/page-000/").0 == 404 && s.get("/bulk/page-001/").0 == 404 && s.get("/bulk/renamed/").0 == 200
    });
}

#[test]
fn build_output_has_no_live_reload() {
    let book = small_book();
    book.run(&["build"]).success();
    for file in ["site/index.html", "site/faq/index.html", "site/404.html"] {
        assert!(!book.read(file).contains("__opsbook"), "{file}");
    }
}

#[test]
fn a_port_in_use_is_a_clear_error_unless_asked_to_find_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let book = small_book();
    book.run(&["serve", "-p", &port])
        .fails_with(1)
        .stderr_has(&format!("port {port} on 127.0.0.1 is in use"));
    let s = Server::start(&book, &["-p", &port, "--find-port"]);
    assert_ne!(s.port.to_string(), port);
}

#[test]
fn watch_rebuilds_the_output_folder() {
    let book = small_book();
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("opsbook"));
    cmd.current_dir(book.path())
        .env_clear()
        .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        .arg("watch")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    /// Stops `opsbook watch` however the test ends, so that a failed assertion leaves no
    /// process behind.
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Stop(cmd.spawn().expect("start opsbook watch"));
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    while !rx
        .recv_timeout(Duration::from_secs(30))
        .expect("watch prints")
        .starts_with("Watching ")
    {}
    book.write("content/faq.md", "# FAQ\n\nWatched answer.\n");
    wait_until("the rebuilt output", || {
        std::fs::read_to_string(book.path().join("site/faq/index.html")).is_ok_and(|t| t.contains("Watched answer."))
    });
    assert!(
        !book.read("site/faq/index.html").contains("__opsbook"),
        "no live reload in watch output"
    );
    drop(child);
}

/// A save that changes only a page's body rebuilds just that page; a save that changes what
/// other pages show of it (its title, an anchor another page links to, a broken link, a new
/// page) must still reach every page it affects.
#[test]
fn body_edits_rebuild_one_page_and_other_edits_reach_every_page() {
    let book = Book::with_files(&[
        (
            "content/checklist.md",
            "# Checklist\n\n## Backups\n\n- `{X}` Verify the backup\n- `{ }` Test a restore\n",
        ),
        (
            "content/faq.md",
            "# FAQ\n\nSee [the steps](runbooks/backups/verify-the-backup.md#steps).\n",
        ),
        (
            "content/runbooks/backups/verify-the-backup.md",
            "# Verify the backup\n\n## Steps\n\nRun it.\n",
        ),
    ]);
    let s = Server::start(&book, &[]);
    let runbook = "content/runbooks/backups/verify-the-backup.md";
    let rebuilt = |lines: usize| -> Vec<String> {
        let all = s.lines.lock().map(|l| l.clone()).unwrap_or_default();
        all.into_iter()
            .skip(lines)
            .filter(|l| l.starts_with("Rebuilt"))
            .collect()
    };
    let count = || s.lines.lock().map(|l| l.len()).unwrap_or(0);

    // Body only: the page changes, and one file is written.
    let mark = count();
    book.write(runbook, "# Verify the backup\n\n## Steps\n\nRun it twice.\n");
    wait_until("the body edit", || {
        s.get("/runbooks/backups/verify-the-backup/")
            .2
            .contains("Run it twice.")
    });
    wait_until("the rebuild line", || !rebuilt(mark).is_empty());
    assert!(rebuilt(mark)[0].contains("(1 file(s) changed)"), "{:?}", rebuilt(mark));

    // The title: every page's sidebar, which lists the runbook under its section, follows.
    book.write(runbook, "# Check the backup\n\n## Steps\n\nRun it twice.\n");
    wait_until("the new title in another page's sidebar", || {
        s.get("/faq/").2.contains("Check the backup")
    });

    // An anchor another page links to goes away: the FAQ's link is now broken, and says so.
    book.write(runbook, "# Check the backup\n\n## Procedure\n\nRun it twice.\n");
    wait_until("the broken anchor reported", || {
        s.first_event(Duration::from_millis(300)).as_deref() == Some("broken")
    });
    book.write(runbook, "# Check the backup\n\n## Steps\n\nRun it twice.\n");
    wait_until("the fixed site", || {
        s.get("/runbooks/backups/verify-the-backup/").2.contains("id=\"steps\"")
            && s.first_event(Duration::from_millis(300)).is_none()
    });

    // A broken link in the body only: reported, then fixed by the next body edit.
    book.write(
        runbook,
        "# Check the backup\n\n## Steps\n\nRun it twice. [x](nowhere.md)\n",
    );
    wait_until("the broken link reported", || {
        s.first_event(Duration::from_millis(300)).as_deref() == Some("broken")
    });
    book.write(runbook, "# Check the backup\n\n## Steps\n\nRun it three times.\n");
    wait_until("the fixed body", || {
        s.get("/runbooks/backups/verify-the-backup/").2.contains("three times")
    });

    // A new page appears in its folder's listing.
    book.write("content/runbooks/backups/rotate-keys.md", "# Rotate keys\n\nRotate.\n");
    wait_until("the new page", || s.get("/runbooks/backups/rotate-keys/").0 == 200);
    wait_until("the folder listing", || {
        s.get("/runbooks/backups/").2.contains("Rotate keys")
    });
}

/// `kill` (SIGTERM), as a terminal multiplexer or a process manager sends it, stops serve like
/// Ctrl+C does: its preview folder (a whole copy of the site) is removed, not left in /tmp.
#[cfg(unix)]
#[test]
fn a_polite_kill_removes_the_preview_folder() {
    stop_with_sigterm(false);
}

/// The usual case: the book is open in a browser, whose live-reload stream never ends on its
/// own. serve used to wait for it forever, so Ctrl+C or `kill` left it running.
#[test]
fn a_polite_kill_stops_serve_while_a_page_is_open() {
    stop_with_sigterm(true);
}

fn stop_with_sigterm(page_open: bool) {
    let book = Book::with_files(&[("content/faq.md", "# FAQ\n\nAn answer.\n")]);
    let tmp = tempfile::tempdir().expect("tmp");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("opsbook"))
        .current_dir(book.path())
        .env("TMPDIR", tmp.path())
        .args(["serve", "-p", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start opsbook serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let serving = lines
        .find_map(|l| l.ok().filter(|l| l.starts_with("Serving ")))
        .expect("serve never said where it serves");
    let previews = || -> usize {
        std::fs::read_dir(tmp.path())
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with("opsbook-serve-"))
                    .filter(|e| e.path().is_dir())
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(previews(), 1, "the preview folder lives in TMPDIR while serving");
    // A page's live-reload stream, held open as a browser tab does.
    let _tab = page_open.then(|| {
        use std::io::{Read, Write};
        let port: u16 = serving
            .split("http://127.0.0.1:")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .and_then(|p| p.parse().ok())
            .expect("port in the Serving line");
        let mut tab = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(tab, "GET /__opsbook/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").expect("request");
        let mut head = [0u8; 12];
        tab.read_exact(&mut head).expect("response");
        assert_eq!(&head, b"HTTP/1.1 200");
        tab
    });
    let status = Command::new("kill").arg(child.id().to_string()).status().expect("kill");
    assert!(status.success());
    let start = Instant::now();
    while child.try_wait().ok().flatten().is_none() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stopped = child.try_wait().ok().flatten().is_some();
    if !stopped {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(stopped, "serve did not stop on SIGTERM");
    assert_eq!(previews(), 0, "the preview folder was left behind");
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left in TMPDIR: {left:?}");
}
