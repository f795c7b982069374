//! Requests a hostile page, tool or network peer can send to `opsbook serve`: raw HTTP, so
//! that no client library cleans the path first. The preview must answer with the book or
//! refuse, never with a file outside it, and keep answering others.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::serve::{small_book, Server};

const SECRET: &str = "TOP SECRET beside the book";

fn server() -> (crate::support::Book, Server) {
    let book = small_book();
    book.write("secret.txt", SECRET);
    book.write("content/notes.txt", "a content asset");
    let s = Server::start(&book, &[]);
    (book, s)
}

#[track_caller]
fn refused(s: &Server, path: &str) {
    let (status, _, body) = s.get(path);
    assert!(matches!(status, 400 | 403 | 404), "{path} gave {status}");
    assert!(
        !body.contains(SECRET) && !body.contains("root:x:"),
        "{path} leaked a file"
    );
}

#[test]
fn traversal_in_every_encoding_is_refused() {
    let (_book, s) = server();
    for path in [
        "/..",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%5c..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/%e0%80%ae%e0%80%ae/secret.txt",
        "/faq/%00../../secret.txt",
        "/faq%00/",
        "//etc/passwd",
        "/./../secret.txt",
        "/content/../secret.txt",
        "/../book.toml",
    ] {
        refused(&s, path);
    }
}

#[test]
fn absolute_form_and_odd_request_targets_never_leave_the_site() {
    let (_book, s) = server();
    for target in [
        "http://evil.example/../secret.txt",
        "http://127.0.0.1/../secret.txt",
        "file:///etc/passwd",
        "*",
    ] {
        let (status, _, body) = s.request("GET", target, &[]);
        assert!(status == 0 || status >= 400, "{target} gave {status}");
        assert!(!body.contains(SECRET) && !body.contains("root:x:"), "{target}");
    }
}

#[test]
fn a_foreign_host_is_refused_and_no_cross_origin_read_is_allowed() {
    let (_book, s) = server();
    for host in [
        "evil.example",
        "127.0.0.1.evil.example",
        "localhost.evil.example:80",
        "",
    ] {
        let (status, _, _) = s.request("GET", "/", &[("Host", host)]);
        assert!(status == 403 || status == 400, "Host {host:?} gave {status}");
    }
    let (status, head, _) = s.request("GET", "/", &[("Origin", "https://evil.example")]);
    assert_eq!(status, 200);
    assert!(
        !head.to_ascii_lowercase().contains("access-control-allow-origin"),
        "{head}"
    );
    let (_, head, _) = s.request(
        "OPTIONS",
        "/",
        &[
            ("Origin", "https://evil.example"),
            ("Access-Control-Request-Method", "GET"),
        ],
    );
    assert!(
        !head.to_ascii_lowercase().contains("access-control-allow-origin"),
        "{head}"
    );
}

#[test]
fn the_books_sources_are_not_served() {
    let (_book, s) = server();
    for path in [
        "/book.toml",
        "/content/faq.md",
        "/faq.md",
        "/checklist.md",
        "/.git/config",
    ] {
        refused(&s, path);
    }
    // Assets under content/ are part of the site, at their path without `content/`.
    assert_eq!(s.get("/notes.txt").0, 200);
}

#[test]
fn head_range_and_conditional_requests_behave_as_a_static_server() {
    let (_book, s) = server();
    let (status, head, body) = s.request("HEAD", "/faq/", &[]);
    assert_eq!(status, 200);
    assert!(body.is_empty(), "HEAD has no body");
    assert!(head.to_ascii_lowercase().contains("content-length"), "{head}");
    let (status, head, body) = s.request("GET", "/notes.txt", &[("Range", "bytes=2-8")]);
    assert_eq!(status, 206, "{head}");
    assert_eq!(body, "content");
    let (status, _, _) = s.request("GET", "/notes.txt", &[("Range", "bytes=999-1000")]);
    assert_eq!(status, 416);
    let (_, head, _) = s.get("/notes.txt");
    let modified = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("last-modified: ")
                .or_else(|| l.strip_prefix("Last-Modified: "))
        })
        .expect("Last-Modified")
        .to_string();
    let (status, _, body) = s.request("GET", "/notes.txt", &[("If-Modified-Since", &modified)]);
    assert_eq!(status, 304);
    assert!(body.is_empty());
    let (status, _, _) = s.request("GET", "/notes.txt", &[("If-None-Match", "\"nope\"")]);
    assert_eq!(status, 200);
}

/// A thousand idle connections and a client sending its request a byte at a time: the server
/// keeps answering everyone else.
#[test]
fn many_idle_connections_and_a_slow_client_do_not_stop_the_server() {
    let (_book, s) = server();
    let rss = || -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", s.child.id()))
            .ok()
            .and_then(|t| {
                t.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    };
    let before = rss();
    let mut idle = Vec::new();
    for _ in 0..1000 {
        if let Ok(c) = TcpStream::connect(("127.0.0.1", s.port)) {
            idle.push(c);
        }
    }
    assert!(idle.len() >= 900, "only {} connections opened", idle.len());
    let mut slow = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
    let req = format!("GET /faq/ HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n", s.port);
    for b in req.bytes().take(20) {
        let _ = slow.write_all(&[b]);
        std::thread::sleep(Duration::from_millis(20));
    }
    let start = Instant::now();
    let (status, _, body) = s.get("/faq/");
    assert_eq!(status, 200);
    assert!(body.contains("First answer"));
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "answered in {:?}",
        start.elapsed()
    );
    // Memory stays bounded: a thousand connections cost kilobytes each, not the site.
    let grown = rss().saturating_sub(before);
    assert!(
        grown < 100 * 1024,
        "serve grew by {grown} KiB for 1,000 idle connections"
    );
    // The slow client can still finish.
    let rest: Vec<u8> = req.bytes().skip(20).chain(*b"Connection: close\r\n\r\n").collect();
    slow.write_all(&rest).expect("finish the request");
    slow.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut answer = String::new();
    let _ = slow.read_to_string(&mut answer);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        &answer[..answer.len().min(200)]
    );
    drop(idle);
}
