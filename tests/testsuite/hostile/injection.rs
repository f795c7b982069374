//! Markup and script injection through every field content reaches: the expectation is
//! escaped text, never markup. [`super::hostile_run`] checks every page of the site for
//! elements, scripts, event handlers and dangerous URLs coming from content; these cases also
//! check the payload still shows as text where it belongs.

use super::{hostile_book, hostile_build, hostile_run, MARK};

const SCRIPT: &str = "<script>zzpwn()</script>";
const ATTR: &str = "\"><img src=x onerror=zzpwn()>";
const SVG: &str = "'><svg/onload=zzpwn()>";

#[test]
fn raw_html_in_a_body_is_sanitized() {
    let body = format!(
        "# Page\n\n{SCRIPT}\n\n<img src=x onerror=\"zzpwn()\">\n\n<svg onload=zzpwn()></svg>\n\n<iframe src=\"https://evil.example/zzpwn\"></iframe>\n\n<a href=\"javascript:zzpwn()\" onclick=\"zzpwn()\">click</a>\n\n<form action=\"javascript:zzpwn()\"><button formaction=\"javascript:zzpwn()\">go</button></form>\n\n<div style=\"background:url(javascript:zzpwn())\">styled</div>\n\n<zzpwn-element>custom</zzpwn-element>\n"
    );
    // (`<img src=x>` is a link like any other: the file is there.)
    let (book, run) = hostile_build(&[("content/p.md", body.as_bytes()), ("content/x", b"")]);
    run.success().stderr_has("content/p.md:3");
    let html = book.read("site/p/index.html");
    assert!(html.contains("click") && html.contains("styled"), "the text stays");
    assert!(!html.contains("iframe"), "{html}");
}

#[test]
fn dangerous_url_schemes_are_dropped_in_every_spelling() {
    let links = [
        "javascript:zzpwn()",
        "JaVaScRiPt:zzpwn()",
        "java\tscript:zzpwn()",
        " javascript:zzpwn()",
        "&#106;avascript:zzpwn()",
        "&#x6A;avascript:zzpwn()",
        "javascript&colon;zzpwn()",
        "data:text/html,<script>zzpwn()</script>",
        "DATA:text/html;base64,PHNjcmlwdD56enB3bigpPC9zY3JpcHQ+",
        "vbscript:zzpwn()",
    ];
    let mut body = String::from("# Page\n\n");
    for (i, l) in links.iter().enumerate() {
        body.push_str(&format!(
            "[link {i}]({l})\n\n<a href=\"{l}\">raw {i}</a>\n\n![img {i}]({l})\n\n"
        ));
    }
    body.push_str("<javascript:zzpwn()>\n\n[ref]: javascript:zzpwn()\n\n[by ref][ref]\n");
    // (`<img src=x>` is a link like any other: the file is there.)
    let (book, run) = hostile_build(&[("content/p.md", body.as_bytes()), ("content/x", b"")]);
    // Dropped with a warning at the link, not an error: the page still builds.
    run.success().stderr_has("content/p.md:");
    let html = book.read("site/p/index.html");
    assert!(html.contains("link 0") && html.contains("raw 9"), "the link text stays");
}

#[test]
fn payloads_in_front_matter_show_as_text_everywhere() {
    let front = format!(
        "---\ntitle: '{SCRIPT} Title'\nowner: '{ATTR}'\nseverity: \"{SVG}\"\ntags: ['{SCRIPT}']\nalerts: [ZzpwnAlert]\n---\n\n# Ignored\n\nBody.\n"
    );
    let (book, _outside) = hostile_book(&[
        ("book.toml", b"[site]\nurl = \"https://runbooks.example/\"\n"),
        ("content/p.md", front.as_bytes()),
    ]);
    let run = hostile_run(&book, &["build"]);
    run.success();
    let page = book.read("site/p/index.html");
    assert!(page.contains("&lt;script&gt;zzpwn()&lt;/script&gt; Title"), "{page}");
    let owners = book.read("site/owners/index.html");
    assert!(
        owners.contains("&quot;&gt;&lt;img src=x onerror=zzpwn()&gt;"),
        "{owners}"
    );
    let json: serde_json::Value = serde_json::from_str(&book.read("site/progress.json")).expect("json");
    assert!(json.to_string().contains(MARK) || !book.read("site/progress.json").contains("<script>"));
    assert!(!book.read("site/sitemap.xml").contains("<script>"));
    assert!(!book.read("site/feed.xml").contains("<script>"));
}

#[test]
fn payloads_in_the_checklist_show_as_text() {
    let text = format!(
        "# {SCRIPT} Checklist\n\n## {ATTR} Group\n\n### 1. {SVG} Section\n\n- `{{ }}` {SCRIPT} task [x](p.md \"{ATTR}\")\n  - note {SVG}\n- `{{X}}` <img src=x onerror=zzpwn()> second\n"
    );
    let (book, run) = hostile_build(&[("content/checklist.md", text.as_bytes()), ("content/p.md", b"# P\n")]);
    run.success();
    let dashboard = book.read("site/index.html");
    assert!(dashboard.contains(" Checklist"), "{dashboard}");
    let section = std::fs::read_dir(book.path().join("site/sections"))
        .expect("sections")
        .filter_map(Result::ok)
        .map(|e| std::fs::read_to_string(e.path().join("index.html")).unwrap_or_default())
        .collect::<String>();
    assert!(section.contains(" task"), "the task text stays: {section}");
}

#[test]
fn a_fence_language_and_a_heading_are_escaped() {
    let body = format!(
        "# Page\n\n## {SCRIPT} heading\n\n```{ATTR}\ncode\n```\n\n```\"onmouseover=zzpwn() x\ncode\n```\n\n[title link](#x \"{ATTR}\")\n"
    );
    // (`<img src=x>` is a link like any other: the file is there.)
    let (book, run) = hostile_build(&[("content/p.md", body.as_bytes()), ("content/x", b"")]);
    // Raw HTML in markdown is removed (with a warning naming its line), never escaped into text.
    run.success().stderr_has("content/p.md:3");
    let html = book.read("site/p/index.html");
    assert!(html.contains(" heading</h2>") || html.contains(" heading<a"), "{html}");
    assert!(
        html.contains("class=\"language-&quot;&gt;&lt;img"),
        "the fence language is escaped"
    );
}

#[test]
fn book_toml_values_are_escaped() {
    let toml = format!("[book]\ntitle = '{SCRIPT}'\ndescription = '{ATTR}'\n");
    let (book, run) = hostile_build(&[("book.toml", toml.as_bytes()), ("content/p.md", b"# P\n")]);
    run.success();
    assert!(book
        .read("site/index.html")
        .contains("&lt;script&gt;zzpwn()&lt;/script&gt;"));
}

#[test]
fn the_search_index_holds_payloads_only_as_json_strings() {
    let body = format!("# {SCRIPT}\n\n## {ATTR}\n\n{SVG} `</script><script>zzpwn()</script>`\n");
    // (`<img src=x>` is a link like any other: the file is there.)
    let (book, run) = hostile_build(&[("content/p.md", body.as_bytes()), ("content/x", b"")]);
    run.success();
    let mut seen = false;
    for entry in std::fs::read_dir(book.path().join("site/search/d")).expect("search docs") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        let json = text
            .strip_prefix("opsbookSearch.docs(")
            .and_then(|t| t.trim_end().strip_suffix(");"))
            .and_then(|t| t.split_once(','))
            .map(|(_, j)| j)
            .expect("a docs call");
        let docs: serde_json::Value = serde_json::from_str(json).expect("the documents are JSON");
        seen |= docs.to_string().contains(MARK);
    }
    assert!(seen, "the payload is searchable as text");
}

#[test]
fn an_alias_cannot_write_a_script_into_its_redirect() {
    let front = "---\ntitle: T\naliases: ['/old/\"><script>zzpwn()</script>/']\n---\n\nBody.\n";
    let (_, run) = hostile_build(&[("content/p.md", front.as_bytes())]);
    assert!(run.code() <= 1, "{}", run.stderr());
}

/// Alert names become URLs (`/alerts/<Name>/`): markup or a path in one is refused at its line.
#[test]
fn alert_names_with_markup_or_paths_are_errors() {
    let front = "---\ntitle: T\nalerts: ['<script>zzpwn()</script>', '../../escape', 'Ok\"><img src=x onerror=zzpwn()>']\n---\n\nBody.\n";
    let (book, run) = hostile_build(&[("content/p.md", front.as_bytes())]);
    run.fails_with(1)
        .stderr_has("alert name `../../escape` cannot be a URL")
        .stderr_has("content/p.md:3:1");
    assert!(!book.path().join("escape").exists() && !book.exists("site"));
}
