//! Publishing to GitHub Pages: the workflows, and a crawl of the built example proving that every
//! link, script, stylesheet and fragment inside the site resolves, both at the root of a domain
//! and under a project site's sub-path, and that no URL escapes that sub-path.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};
use url::Url;

use crate::support::{repo_root, Book};

/// A crawl's findings: (page, what is wrong).
type Problems = Vec<String>;

/// The files of a built site, and the ids each HTML file holds (read on demand).
struct Site {
    root: PathBuf,
    /// Where the site is published, ending in `/`.
    base: Url,
    ids: BTreeMap<PathBuf, BTreeSet<String>>,
    /// Opened from disk: a link to a folder finds no `index.html` there.
    from_disk: bool,
    /// For a copy on disk, where the site is published.
    published: Option<Url>,
}

impl Site {
    /// The file a URL path (already inside the site, without the base) is served from, as
    /// GitHub Pages does: a folder answers with its `index.html`.
    fn file_for(&self, rel: &str) -> Option<PathBuf> {
        let decoded = percent_decode(rel);
        let path = self.root.join(decoded.trim_start_matches('/'));
        if self.from_disk {
            return path.is_file().then_some(path);
        }
        if rel.is_empty() || rel.ends_with('/') {
            let index = path.join("index.html");
            return index.is_file().then_some(index);
        }
        if path.is_file() {
            return Some(path);
        }
        let index = path.join("index.html");
        index.is_file().then_some(index)
    }

    fn ids_of(&mut self, file: &Path) -> &BTreeSet<String> {
        self.ids.entry(file.to_path_buf()).or_insert_with(|| {
            let text = std::fs::read_to_string(file).unwrap_or_default();
            let doc = Html::parse_document(&text);
            let sel = Selector::parse("[id], a[name]").expect("selector");
            doc.select(&sel)
                .flat_map(|e| [e.value().attr("id"), e.value().attr("name")])
                .flatten()
                .map(str::to_string)
                .collect()
        })
    }

    /// Checks one reference found on the page published at `page`.
    fn check(&mut self, page: &Url, what: &str, reference: &str, problems: &mut Problems) {
        let reference = reference.trim();
        if reference.is_empty() {
            problems.push(format!("{page}: empty {what}"));
            return;
        }
        let Ok(target) = page.join(reference) else {
            problems.push(format!("{page}: {what} {reference:?} is not a URL"));
            return;
        };
        if !matches!(target.scheme(), "http" | "https" | "file") {
            return; // mailto:, tel:
        }
        if target.scheme() != self.base.scheme() {
            // From disk, the web is elsewhere; but the published site itself must be read from
            // the bundle.
            if let Some(published) = &self.published {
                if target.as_str().starts_with(published.as_str()) {
                    problems.push(format!("{page}: {what} {reference:?} leads to the published site"));
                }
            }
            return;
        }
        if target.host_str() != self.base.host_str() {
            return; // a link out of the site, such as a vendor's documentation
        }
        let Some(rel) = target.path().strip_prefix(self.base.path()) else {
            problems.push(format!(
                "{page}: {what} {reference:?} leaves the site's path {}",
                self.base.path()
            ));
            return;
        };
        let Some(file) = self.file_for(rel) else {
            problems.push(format!("{page}: {what} {reference:?} -> {target} has no file"));
            return;
        };
        if let Some(fragment) = target.fragment().filter(|f| !f.is_empty()) {
            let fragment = percent_decode(fragment);
            let is_html = file.extension().is_some_and(|e| e == "html");
            if is_html && !self.ids_of(&file).contains(&fragment) {
                problems.push(format!(
                    "{page}: {what} {reference:?}: no id {fragment:?} in {}",
                    file.display()
                ));
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Builds the example book published at `site_url` and crawls every HTML file of it, and the
/// sitemap. Returns the problems and how many references were checked.
fn crawl(site_url: Option<&str>) -> (Problems, usize) {
    let book = Book::example();
    let mut args = vec!["build", "--output", "out"];
    if let Some(url) = site_url {
        args.extend(["--site-url", url]);
    }
    book.run(&args).success();
    let root = book.path().join("out");
    let base = Url::parse(site_url.unwrap_or("https://runbooks.example/")).expect("base URL");
    crawl_dir(&root, base, site_url.is_some(), false, None)
}

/// Crawls the site in `root`, published at `base` (a `file://` URL for a folder on disk).
pub(crate) fn crawl_dir(
    root: &Path,
    base: Url,
    sitemap: bool,
    from_disk: bool,
    published: Option<&Url>,
) -> (Problems, usize) {
    let root = root.to_path_buf();
    let mut site = Site {
        root: root.clone(),
        base: base.clone(),
        ids: BTreeMap::new(),
        from_disk,
        published: published.cloned(),
    };
    let refs = Selector::parse("a[href], link[href], script[src], img[src], iframe[src], source[src]").expect("sel");
    let refresh = Selector::parse("meta[http-equiv=refresh]").expect("sel");
    let mut problems = Problems::new();
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry
            .path()
            .strip_prefix(&root)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".html") {
            continue;
        }
        let page = base.join(&rel).expect("page URL");
        let text = std::fs::read_to_string(entry.path()).expect("read");
        let doc = Html::parse_document(&text);
        for e in doc.select(&refs) {
            let (what, value) = match (e.value().attr("href"), e.value().attr("src")) {
                (Some(h), _) => ("href", h),
                (None, Some(s)) => ("src", s),
                _ => continue,
            };
            let what = format!("<{} {what}>", e.value().name());
            site.check(&page, &what, value, &mut problems);
            checked += 1;
        }
        for e in doc.select(&refresh) {
            let content = e.value().attr("content").unwrap_or_default();
            match content.split_once("url=") {
                Some((_, url)) => site.check(&page, "refresh", url, &mut problems),
                None => problems.push(format!("{page}: refresh without a url: {content:?}")),
            }
            checked += 1;
        }
    }
    // The sitemap lists absolute URLs; each is a page of the site.
    if sitemap {
        let sitemap = std::fs::read_to_string(root.join("sitemap.xml")).expect("sitemap");
        for loc in sitemap.split("<loc>").skip(1) {
            let url = loc.split("</loc>").next().unwrap_or_default();
            site.check(&base, "sitemap <loc>", url, &mut problems);
            checked += 1;
        }
    }
    (problems, checked)
}

fn assert_crawl(site_url: Option<&str>) {
    let (problems, checked) = crawl(site_url);
    assert!(
        checked > 1000,
        "only {checked} references found: is the crawl reading the pages?"
    );
    assert!(
        problems.is_empty(),
        "{} broken references of {checked}:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_reference_resolves_at_the_root_of_a_domain() {
    assert_crawl(None);
    assert_crawl(Some("https://runbooks.acme.example/"));
}

#[test]
fn every_reference_resolves_under_a_deep_project_sub_path() {
    assert_crawl(Some("https://example.github.io/some/sub/path/"));
}

#[test]
fn the_offline_bundle_opens_from_disk_with_every_link_relative() {
    let book = Book::example();
    book.run(&[
        "build",
        "--site-url",
        "https://acme.github.io/runbooks/",
        "--offline-bundle",
        "runbooks.zip",
    ])
    .success()
    .stdout_has("unzip it and open runbooks/index.html");
    let file = std::fs::File::open(book.path().join("runbooks.zip")).expect("the zip is written");
    let mut zip = zip::ZipArchive::new(file).expect("a zip archive");
    let names: Vec<String> = zip.file_names().filter_map(|n| n.ok()).map(|n| n.to_string()).collect();
    for expected in [
        "runbooks/index.html",
        "runbooks/print/index.html",
        "runbooks/search/index.js",
        "runbooks/_theme/opsbook.js",
        "runbooks/dr/restore-primary-database/index.html",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected} not in the bundle");
    }
    assert!(
        !names.iter().any(|n| n.contains(".opsbook-output")),
        "the output marker is not shipped"
    );
    let out = book.path().join("unzipped");
    zip.extract(&out).expect("extract");
    let root = out.join("runbooks");
    // No link may start at the domain's root: from disk that is the root of the file system.
    let page = std::fs::read_to_string(root.join("dr/restore-primary-database/index.html")).expect("page");
    assert!(!page.contains("href=\"/runbooks/"), "a root-relative link is left");
    let base = Url::from_directory_path(&root).expect("file URL");
    let published = Url::parse("https://acme.github.io/runbooks/").expect("url");
    let (problems, checked) = crawl_dir(&root, base, false, true, Some(&published));
    assert!(checked > 1000, "only {checked} references");
    assert!(problems.is_empty(), "{}:\n  {}", problems.len(), problems.join("\n  "));

    // The same site gives the same bytes.
    std::fs::create_dir(book.path().join("again")).expect("mkdir");
    book.run(&[
        "build",
        "--offline-bundle",
        "again/runbooks.zip",
        "--site-url",
        "https://acme.github.io/runbooks/",
    ])
    .success();
    let first = std::fs::read(book.path().join("runbooks.zip")).expect("zip");
    let again = std::fs::read(book.path().join("again/runbooks.zip")).expect("zip");
    assert!(first == again, "the bundle is not reproducible");
}

#[test]
fn the_crawl_finds_a_broken_link_and_an_escape() {
    // The crawler itself: a missing page, a missing fragment and a link out of the sub-path
    // are each reported.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("a")).expect("mkdir");
    std::fs::write(dir.path().join("a/index.html"), "<h2 id=\"here\">x</h2>").expect("write");
    let mut site = Site {
        root: dir.path().to_path_buf(),
        base: Url::parse("https://example.github.io/sub/").expect("url"),
        ids: BTreeMap::new(),
        from_disk: false,
        published: None,
    };
    let page = Url::parse("https://example.github.io/sub/a/").expect("url");
    let mut problems = Problems::new();
    for ok in ["#here", "../a/", "/sub/a/#here", "https://elsewhere.example/x"] {
        site.check(&page, "href", ok, &mut problems);
    }
    assert!(problems.is_empty(), "{problems:?}");
    for bad in ["#gone", "../b/", "/a/"] {
        site.check(&page, "href", bad, &mut problems);
    }
    assert_eq!(problems.len(), 3, "{problems:?}");
}

/// The workflow `opsbook init` writes and the repository's own: each checks the book, builds it
/// with the Pages address and deploys with GitHub's official actions.
#[test]
fn pages_workflows_check_build_and_deploy() {
    let book = Book::empty();
    book.run(&["init"]).success();
    let ours = std::fs::read_to_string(repo_root().join(".github/workflows/pages.yml")).expect("repo workflow");
    for (name, text) in [("init", book.read(".github/workflows/pages.yml")), ("repository", ours)] {
        let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let perms = &yaml["permissions"];
        assert_eq!(perms["pages"].as_str(), Some("write"), "{name}");
        assert_eq!(perms["id-token"].as_str(), Some("write"), "{name}");
        let steps = yaml["jobs"]["build"]["steps"].as_sequence().expect("build steps");
        let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
        let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
        for action in [
            "actions/checkout@",
            "actions/cache@",
            "actions/configure-pages@",
            "actions/upload-pages-artifact@",
        ] {
            assert!(
                uses.iter().any(|u| u.starts_with(action)),
                "{name}: no {action} in {uses:?}"
            );
        }
        assert!(
            runs.iter().any(|r| r.contains("cargo install --locked")),
            "{name}: {runs:?}"
        );
        let check = runs.iter().position(|r| r.trim() == "opsbook check");
        let build = runs
            .iter()
            .position(|r| r.contains("opsbook build --site-url \"${{ steps.pages.outputs.base_url }}/\""));
        assert!(
            matches!((check, build), (Some(c), Some(b)) if c < b),
            "{name}: check, then build: {runs:?}"
        );
        let deploy = yaml["jobs"]["deploy"]["steps"][0]["uses"].as_str().unwrap_or_default();
        assert!(deploy.starts_with("actions/deploy-pages@"), "{name}: {deploy}");
    }
}

#[test]
fn an_offline_bundle_path_that_cannot_work_is_refused_with_what_to_do() {
    let book = Book::example();
    for (path, says) in [
        ("nodir/runbooks.zip", "does not exist"),
        (".", "is a folder"),
        ("runbooks.tar", "ending in .zip"),
        ("content/runbooks.zip", "inside content/"),
        ("site/runbooks.zip", "inside the output folder"),
    ] {
        book.run(&["build", "--offline-bundle", path])
            .fails_with(2)
            .stderr_has(says);
        assert!(!book.exists(path) || path == ".", "{path} was written");
    }
}
