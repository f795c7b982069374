//! The promises of the README and DESIGN.md that testing from outside found broken (issue
//! 19), one regression test per point: links in the offline bundle, serve's folder
//! redirects, `watch` converging and giving back what it takes, leftovers of killed runs,
//! the URL record kept whole, special files, the output beside the theme, `build` and `check`
//! agreeing, generated files linkable. (The cost of large inputs is in `scaling.rs`.)

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::serve::{small_book, wait_until, Server};
use crate::support::{snapshot_tree, Book, Run, FIXED_EPOCH};

/// `opsbook ARGS` in `book`, stopped after `limit` (a run that hangs fails the test).
fn run_bounded(book: &Book, args: &[&str], limit: Duration) -> Run {
    let out = assert_cmd::Command::cargo_bin("opsbook")
        .expect("binary")
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        .args(args)
        .timeout(limit)
        .output()
        .expect("run");
    let run = Run(out);
    assert_ne!(
        run.0.status.code(),
        None,
        "opsbook {args:?} did not end within {limit:?}"
    );
    run
}

/// Starts `opsbook ARGS` in the background, its stdout and stderr captured line by line.
fn spawn(book: &Book, args: &[&str]) -> (Child, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("opsbook"))
        .current_dir(book.path())
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start opsbook");
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let seen = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                if let Ok(mut l) = seen.lock() {
                    l.push(line);
                }
            }
        });
    }
    (child, lines)
}

fn count_lines(lines: &std::sync::Mutex<Vec<String>>, start: &str) -> usize {
    lines
        .lock()
        .map(|l| l.iter().filter(|l| l.starts_with(start)).count())
        .unwrap_or(0)
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Names in `dir` that start with `prefix`.
fn names_starting(dir: &Path, prefix: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(prefix))
                .collect()
        })
        .unwrap_or_default()
}

/// (1) Every redirect page in the offline bundle (alerts, tasks, aliases) leads to a file of
/// the bundle from `file://`, by its meta refresh and by its script alike.
#[test]
fn every_redirect_of_the_offline_bundle_resolves_from_disk() {
    let book = Book::example();
    book.run(&["build", "--offline-bundle", "runbooks.zip"]).success();
    let file = std::fs::File::open(book.path().join("runbooks.zip")).expect("zip");
    let out = book.path().join("unzipped");
    zip::ZipArchive::new(file).expect("zip").extract(&out).expect("extract");
    let root = out.join("runbooks");
    let mut redirects = 0;
    for (rel, bytes) in snapshot_tree(&root) {
        let html = String::from_utf8_lossy(&bytes);
        let Some(script) = html.split("location.replace(").nth(1) else {
            continue;
        };
        redirects += 1;
        // `"url" + location.hash);`, or `"url#section");` for an alert that names its section.
        let json = script
            .split(" + location.hash")
            .next()
            .and_then(|s| s.split(");").next())
            .expect("script");
        let target: String = serde_json::from_str(json).expect("a JSON string");
        let refresh = html
            .split("url=")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("meta refresh");
        let dir = root.join(&rel).parent().expect("folder").to_path_buf();
        for (how, url) in [("script", target.as_str()), ("meta refresh", refresh)] {
            assert!(
                !url.starts_with('/'),
                "{rel}: the {how} goes to {url}, the root of the disk"
            );
            let file = dir.join(url.split('#').next().unwrap_or(url));
            assert!(
                file.is_file(),
                "{rel}: the {how} leads to {url}, which is not in the bundle"
            );
        }
    }
    assert!(redirects > 40, "only {redirects} redirect pages");
}

/// (2) A folder asked for without its slash redirects inside the site's path.
#[test]
fn serve_redirects_a_folder_without_its_slash_inside_the_site_path() {
    let book = small_book();
    book.write("book.toml", "[site]\nurl = \"https://acme.github.io/runbooks/\"\n");
    let s = Server::start(&book, &[]);
    for (asked, location) in [
        ("/runbooks/print", "/runbooks/print/"),
        ("/runbooks/faq", "/runbooks/faq/"),
        ("/runbooks/runbooks/backups?x=1", "/runbooks/runbooks/backups/?x=1"),
    ] {
        let (status, head, _) = s.get(asked);
        assert_eq!(status, 307, "{asked}: {head}");
        assert!(
            head.to_ascii_lowercase().contains(&format!("location: {location}\r")),
            "{asked}: {head}"
        );
        assert_eq!(s.get(location).0, 200, "{location}");
    }
}

/// (3) `watch` shows every save, even when a previous site's removal has not finished (its
/// aside names are taken), and converges after files are deleted and restored.
#[test]
fn watch_converges_on_every_save() {
    let book = small_book();
    for i in 0..30 {
        book.write(&format!("content/notes/n{i}.md"), &format!("# Note {i}\n"));
    }
    let (child, lines) = spawn(&book, &["watch"]);
    wait_until("the first build", || count_lines(&lines, "Built ") >= 1);
    // Names a previous site would take, still there as if being removed.
    for n in 0..8 {
        let aside = book.path().join(format!(".site.old-{}-{n}", child.id()));
        std::fs::create_dir_all(aside.join("x")).expect("mkdir");
        std::fs::write(aside.join(".opsbook-output"), "").expect("marker");
    }
    // The name earlier versions gave every previous site of one `watch`: taken, not empty.
    let fixed = book.path().join(format!(".site.old-{}", child.id()));
    std::fs::create_dir_all(fixed.join("x")).expect("mkdir");
    for i in 0..5 {
        book.write("content/faq.md", &format!("# FAQ\n\nSave number {i}.\n"));
        wait_until("the save in the site", || {
            std::fs::read_to_string(book.path().join("site/faq/index.html"))
                .is_ok_and(|h| h.contains(&format!("Save number {i}.")))
        });
    }
    // Deleted (the URL record fails that build: the site stays), then restored as
    // `git checkout -- .` does, here with a change in each file so that it shows.
    let notes = book.path().join("content/notes");
    let saved = snapshot_tree(&notes);
    let failed = count_lines(&lines, "error: build failed");
    std::fs::remove_dir_all(&notes).expect("rm");
    wait_until("the build without the notes", || {
        count_lines(&lines, "error: build failed") > failed
    });
    for (rel, bytes) in &saved {
        std::fs::create_dir_all(notes.join(rel).parent().expect("parent")).expect("mkdir");
        let text = format!("{}\nRestored {rel}.\n", String::from_utf8_lossy(bytes));
        std::fs::write(notes.join(rel), text).expect("restore");
    }
    wait_until("every note back", || {
        (0..30).all(|i| {
            std::fs::read_to_string(book.path().join(format!("site/notes/n{i}/index.html")))
                .is_ok_and(|h| h.contains(&format!("Restored n{i}.md.")))
        })
    });
    wait_until("no build folder left", || {
        names_starting(book.path(), ".site.building-").is_empty()
    });
    stop(child);
    let watched = snapshot_tree(&book.path().join("site"));
    let fresh = Book::empty();
    crate::support::copy_dir(&book.path().join("content"), &fresh.path().join("content"));
    fresh.run(&["build"]).success();
    let fresh_site = snapshot_tree(&fresh.path().join("site"));
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&watched),
        names(&fresh_site),
        "watch's site is not a fresh build's"
    );
}

/// The resident memory, open files that were deleted, and zombie children of `pid`.
fn usage(pid: u32) -> (u64, usize, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().split(' ').next()?.parse().ok())
        .unwrap_or(0);
    let deleted = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|t| t.to_string_lossy().ends_with("(deleted)"))
                .count()
        })
        .unwrap_or(0);
    let zombies = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
                .filter(|stat| {
                    let after = stat.rsplit(')').next().unwrap_or("");
                    let mut f = after.split_whitespace();
                    f.next() == Some("Z") && f.next() == Some(pid.to_string().as_str())
                })
                .count()
        })
        .unwrap_or(0);
    (rss, deleted, zombies)
}

/// (4) `watch` gives back what each rebuild takes: memory, temporary files, child processes.
#[test]
fn watch_stays_flat_over_many_saves() {
    let book = small_book();
    for i in 0..300 {
        book.write(
            &format!("content/notes/n{i}.md"),
            &format!("# Note {i}\n\n```bash\necho note {i} | grep {i}\n```\n\nSome text about note {i}.\n"),
        );
    }
    let (child, lines) = spawn(&book, &["watch"]);
    wait_until("the first build", || count_lines(&lines, "Built ") >= 1);
    let save = |i: usize| {
        let before = count_lines(&lines, "Built ");
        book.write("content/faq.md", &format!("# FAQ\n\nSave {i}.\n"));
        wait_until("the rebuild", || count_lines(&lines, "Built ") > before);
    };
    for i in 0..4 {
        save(i);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (rss_early, _, _) = usage(child.id());
    for i in 4..16 {
        save(i);
    }
    std::thread::sleep(Duration::from_millis(500));
    let (rss_late, deleted, zombies) = usage(child.id());
    stop(child);
    assert!(
        deleted <= 1,
        "{deleted} deleted temporary files held open after 16 saves"
    );
    assert!(zombies <= 1, "{zombies} zombie children after 16 saves");
    // 12 more rebuilds: a leak of a rebuild's pages would be tens of megabytes.
    assert!(
        rss_late < rss_early + 24 * 1024,
        "memory grew from {rss_early} KB to {rss_late} KB over 12 saves"
    );
}

/// (5) A container's build runs as PID 1 and its background remover dies with it: the next
/// run, PID 1 again, still builds and removes what the last one left.
#[test]
fn builds_as_pid_1_in_a_fresh_container_each_time_keep_working() {
    let pid_namespace = Command::new("unshare").args(["--pid", "--fork", "true"]).status();
    if !pid_namespace.is_ok_and(|s| s.success()) {
        eprintln!("skipped: no PID namespace here (needs root and unshare)");
        return;
    }
    let book = small_book();
    let bin = assert_cmd::cargo::cargo_bin("opsbook");
    for i in 0..4 {
        book.write("content/faq.md", &format!("# FAQ\n\nContainer run {i}.\n"));
        let out = Command::new("unshare")
            .args(["--pid", "--fork", "--kill-child"])
            .arg(&bin)
            .arg("build")
            .current_dir(book.path())
            .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
            .output()
            .expect("unshare");
        assert!(
            out.status.success(),
            "run {i} as PID 1 failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(book
            .read("site/faq/index.html")
            .contains(&format!("Container run {i}.")));
        // What the killed remover left is at most the last run's previous site.
        let asides = names_starting(book.path(), ".site.old-");
        assert!(asides.len() <= 1, "run {i}: {asides:?}");
    }
}

/// (6) A build killed outright leaves a folder the next build removes; `serve` closed by its
/// terminal (SIGHUP) removes its preview folder, and one killed outright is removed by the
/// next `serve`.
#[test]
fn folders_of_killed_runs_are_removed_by_the_next_run() {
    let book = small_book();
    for i in 0..1500 {
        book.write(&format!("content/notes/n{i}.md"), &format!("# Note {i}\n\nText {i}.\n"));
    }
    let mut killed = 0;
    for _ in 0..5 {
        let (mut child, _) = spawn(&book, &["build"]);
        let start = Instant::now();
        while names_starting(book.path(), ".site.building-").is_empty() && start.elapsed() < Duration::from_secs(20) {
            if child.try_wait().ok().flatten().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        if !names_starting(book.path(), ".site.building-").is_empty() {
            killed += 1;
        }
    }
    assert!(killed > 0, "no build was caught while writing");
    book.run(&["build"]).success();
    assert_eq!(names_starting(book.path(), ".site.building-"), Vec::<String>::new());

    let tmp = tempfile::tempdir().expect("tmp");
    let serve_in = |book: &Book| {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("opsbook"))
            .current_dir(book.path())
            .env("TMPDIR", tmp.path())
            .env("NO_COLOR", "1")
            .args(["serve", "-p", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        let stdout = child.stdout.take().expect("stdout");
        let serving = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .any(|l| l.starts_with("Serving "));
        assert!(serving);
        child
    };
    let small = small_book();
    let child = serve_in(&small);
    assert_eq!(
        names_starting(tmp.path(), "opsbook-serve-").len(),
        2,
        "a folder and its lock"
    );
    Command::new("kill")
        .args(["-HUP", &child.id().to_string()])
        .status()
        .expect("kill");
    let mut child = child;
    let _ = child.wait();
    assert_eq!(
        names_starting(tmp.path(), "opsbook-serve-"),
        Vec::<String>::new(),
        "SIGHUP"
    );
    let mut child = serve_in(&small);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(names_starting(tmp.path(), "opsbook-serve-").len(), 2, "left by SIGKILL");
    let mut next = serve_in(&small);
    assert_eq!(
        names_starting(tmp.path(), "opsbook-serve-").len(),
        2,
        "only the new one's"
    );
    let _ = next.kill();
    let _ = next.wait();
}

/// (7) A record that cannot be read is an error at its line, and stays as it is.
#[test]
fn a_record_that_is_not_utf8_is_an_error_never_a_fresh_record() {
    let book = small_book();
    book.run(&["build"]).success();
    let mut bytes = std::fs::read(book.path().join("opsbook.lock")).expect("lock");
    let third_line = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(4)
        .map(|(i, _)| i + 1)
        .expect("lines");
    bytes.insert(third_line + 2, 0xff);
    std::fs::write(book.path().join("opsbook.lock"), &bytes).expect("damage");
    for cmd in ["build", "check"] {
        book.run(&[cmd])
            .fails_with(1)
            .stderr_has("opsbook.lock:6:3")
            .stderr_has("not valid UTF-8");
    }
    assert_eq!(std::fs::read(book.path().join("opsbook.lock")).expect("lock"), bytes);
}

/// (8) Special files where opsbook reads a file: refused at once, never read without end.
#[test]
fn fifos_and_devices_are_refused_not_read() {
    let make_fifo = |path: &Path| {
        let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo");
        assert!(ok.success());
    };
    for name in ["opsbook.lock", "book.toml"] {
        let book = small_book();
        make_fifo(&book.path().join(name));
        run_bounded(&book, &["check"], Duration::from_secs(20))
            .fails_with(1)
            .stderr_has(name)
            .stderr_has("FIFO");
    }
    // A cache file that is a FIFO or a device is no cache: the build works.
    for target in ["fifo", "/dev/zero"] {
        let book = small_book();
        std::fs::create_dir_all(book.path().join(".opsbook-cache")).expect("mkdir");
        let cache = book.path().join(".opsbook-cache/highlight.bin");
        if target == "fifo" {
            make_fifo(&cache);
        } else {
            std::os::unix::fs::symlink(target, &cache).expect("symlink");
        }
        run_bounded(&book, &["build"], Duration::from_secs(20)).success();
    }
    let book = small_book();
    make_fifo(&book.path().join("rules.fifo"));
    for rules in ["rules.fifo", "/dev/zero"] {
        run_bounded(&book, &["check", "--alert-rules", rules], Duration::from_secs(20))
            .fails_with(2)
            .stderr_has(rules)
            .stderr_has("not a regular file");
    }
}

/// (10) An output folder inside `themes/` does not make `watch` rebuild on its own writes.
#[test]
fn an_output_under_themes_does_not_rebuild_forever() {
    let book = small_book();
    book.write("book.toml", "[build]\noutput = \"themes/out\"\n");
    book.write("themes/default/static/extra.css", "body{}\n");
    let (child, lines) = spawn(&book, &["watch"]);
    wait_until("the first build", || count_lines(&lines, "Built ") >= 1);
    std::thread::sleep(Duration::from_secs(2));
    let builds = count_lines(&lines, "Built ");
    stop(child);
    assert_eq!(builds, 1, "rebuilt {builds} times without an edit");
}

/// (11) `build` and `check` print the same warnings, and a URL `check --alert-rules` accepts
/// is a file the build writes.
#[test]
fn build_and_check_agree_on_warnings_and_alert_urls() {
    let book = Book::example();
    let warnings = |run: &Run| {
        let text = run.stdout() + &run.stderr();
        text.matches("warning: ").count()
    };
    // On the example's day: one stale runbook and one overdue activity.
    let build = book.run(&["build", "--today", "2026-12-03"]);
    build.success();
    let check = book.run(&["check", "--today", "2026-12-03"]);
    check.success();
    assert_eq!(warnings(&build), warnings(&check));
    assert!(build.stdout().contains("· 2 warnings ·"), "{}", build.stdout());
    assert!(check.stdout().contains("2 warnings"), "{}", check.stdout());

    let book = Book::with_files(&[
        ("content/a.md", "---\nalerts: [DiskFull]\n---\n# A\n"),
        ("content/b.md", "---\nalerts: [DiskFull]\n---\n# B\n"),
        (
            "rules.yml",
            "groups:\n- name: g\n  rules:\n  - alert: DiskFull\n    expr: x\n    annotations:\n      runbook_url: /alerts/diskfull/\n",
        ),
    ]);
    let check = book.run(&["check", "--alert-rules", "rules.yml"]);
    let accepted = check.code() == 0;
    book.run(&["build"]).success();
    assert_eq!(
        accepted,
        book.exists("site/alerts/diskfull/index.html"),
        "check and build disagree on /alerts/diskfull/:\n{}",
        check.stderr()
    );
    assert!(accepted, "{}", check.stderr());
}

/// (12) Every file the build writes at the root can be linked to.
#[test]
fn a_link_to_a_generated_file_resolves() {
    let book = Book::with_files(&[
        ("book.toml", "[site]\nurl = \"https://acme.github.io/\"\ncname = \"runbooks.acme.com\"\n"),
        (
            "content/index.md",
            "# Home\n\n[feed](/feed.xml) [progress](/progress.json) [map](/sitemap.xml) [404](/404.html) [cname](/CNAME)\n",
        ),
    ]);
    book.run(&["build"]).success();
    for f in [
        "feed.xml",
        "progress.json",
        "sitemap.xml",
        "404.html",
        "CNAME",
        ".nojekyll",
    ] {
        assert!(book.exists(&format!("site/{f}")), "{f} not written");
    }
}
