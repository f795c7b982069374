//! `opsbook build --offline-bundle FILE.zip`: the built site as one zip for the DR laptop and
//! the printed binder. Unzipped anywhere, its `index.html` opens from disk: every link inside
//! the site is made relative and names its `index.html` (a `file://` folder has no index page),
//! search loads its index as scripts, and the print page is there.
//!
//! The archive is the same bytes for the same site (sorted entries, a fixed date) and is
//! written beside its final name, then renamed over it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use lol_html::html_content::ContentType;
use lol_html::{element, rewrite_str, text, RewriteStrSettings};
use walkdir::WalkDir;
use zip::write::SimpleFileOptions;

/// What a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleStats {
    pub files: usize,
    pub bytes: u64,
}

/// Zips the site built in `site_dir` into `zip_path`, under a folder named after the zip
/// (`runbooks.zip` → `runbooks/`). Links into the site start with `bases`: its path (`/` or
/// `/runbooks/`) and, when it has one, its absolute URL.
pub fn write_bundle(site_dir: &Path, bases: &[&str], zip_path: &Path) -> Result<BundleStats> {
    let folder = zip_path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && !s.starts_with('.'))
        .unwrap_or("runbooks")
        .to_string();
    let parent = match zip_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".opsbook-bundle-")
        .tempfile_in(&parent)
        .with_context(|| format!("cannot write in {}", parent.display()))?;
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(tmp.as_file_mut()));
    let mut stats = BundleStats { files: 0, bytes: 0 };
    for entry in WalkDir::new(site_dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", site_dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(site_dir)
            .context("a file outside the site")?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == crate::output::MARKER {
            continue;
        }
        let bytes = std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
        let bytes = if rel.ends_with(".html") {
            let html = String::from_utf8_lossy(&bytes);
            relative_html(&html, &rel, bases, |p| site_dir.join(p).is_dir())?.into_bytes()
        } else {
            bytes
        };
        zip.start_file(format!("{folder}/{rel}"), options)?;
        zip.write_all(&bytes)?;
        stats.files += 1;
        stats.bytes += bytes.len() as u64;
    }
    zip.finish()?.flush()?;
    tmp.persist(zip_path)
        .with_context(|| format!("cannot write {}", zip_path.display()))?;
    Ok(stats)
}

/// The page at `file_rel` (`dr/restore/index.html`) with every link into the site made
/// relative to it. `is_dir` tells whether a site path (decoded) is a folder.
pub fn relative_html(html: &str, file_rel: &str, bases: &[&str], is_dir: impl Fn(&str) -> bool) -> Result<String> {
    let rewrite = |value: &str| {
        bases
            .iter()
            .filter(|b| !b.is_empty())
            .find_map(|base| relative_url(value, file_rel, base, &is_dir))
    };
    // A script's text may come in several chunks: gathered, then replaced whole.
    let script = std::cell::RefCell::new(String::new());
    let out = rewrite_str(
        html,
        RewriteStrSettings::new()
            .append_element_content_handler(text!("script", |t| {
                script.borrow_mut().push_str(t.as_str());
                if t.last_in_text_node() {
                    let whole = std::mem::take(&mut *script.borrow_mut());
                    let new = redirect_script(&whole, rewrite).unwrap_or(whole);
                    t.replace(&new, ContentType::Html);
                } else {
                    t.remove();
                }
                Ok(())
            }))
            .append_element_content_handler(element!("[href], [src]", |el| {
                for attr in ["href", "src"] {
                    if let Some(new) = el.get_attribute(attr).and_then(|v| rewrite(&v)) {
                        el.set_attribute(attr, &new)?;
                    }
                }
                Ok(())
            }))
            .append_element_content_handler(element!("meta[http-equiv=refresh]", |el| {
                if let Some(content) = el.get_attribute("content") {
                    if let Some((delay, url)) = content.split_once("url=") {
                        if let Some(new) = rewrite(url) {
                            el.set_attribute("content", &format!("{delay}url={new}"))?;
                        }
                    }
                }
                Ok(())
            })),
    )?;
    Ok(out)
}

/// A redirect page's script (`location.replace("/x/" + location.hash);`, or
/// `location.replace("/x/#section");` after what an alert's redirect keeps for the page) with
/// its target made relative like the page's links: from `file://` an absolute path leads to
/// the disk's root. None for any other script, which stays as it is.
fn redirect_script(text: &str, rewrite: impl Fn(&str) -> Option<String>) -> Option<String> {
    let text = text.trim();
    let (before, call) = text.split_at(text.find("location.replace(")?);
    let call = call.strip_prefix("location.replace(")?;
    let (json, tail) = match call.strip_suffix(" + location.hash);") {
        Some(json) => (json, " + location.hash);"),
        None => (call.strip_suffix(");")?, ");"),
    };
    let url: String = serde_json::from_str(json).ok()?;
    let new = rewrite(&url)?;
    Some(format!(
        "{before}location.replace({}{tail}",
        serde_json::to_string(&new).ok()?
    ))
}

/// A link into the site (`/runbooks/x/#y` under base `/`), relative to the file at `file_rel`
/// and naming the file a folder link means (`../runbooks/x/index.html#y`). None for links that
/// are not into the site (other hosts, `#top`, `mailto:`), which stay as they are.
pub fn relative_url(url: &str, file_rel: &str, base: &str, is_dir: impl Fn(&str) -> bool) -> Option<String> {
    if url.starts_with("//") {
        return None;
    }
    let rest = url.strip_prefix(base)?;
    let split = rest.find(['#', '?']).unwrap_or(rest.len());
    let (path, suffix) = rest.split_at(split);
    let mut path = path.to_string();
    let decoded = percent_encoding::percent_decode_str(&path)
        .decode_utf8_lossy()
        .into_owned();
    if path.is_empty() || path.ends_with('/') {
        path.push_str("index.html");
    } else if is_dir(&decoded) {
        path.push_str("/index.html");
    }
    let up = "../".repeat(file_rel.matches('/').count());
    Some(format!("{up}{path}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(url: &str, file: &str) -> Option<String> {
        relative_url(url, file, "/", |p| p == "print")
    }

    #[test]
    fn links_into_the_site_become_relative_files() {
        assert_eq!(rel("/", "index.html").as_deref(), Some("index.html"));
        assert_eq!(
            rel("/runbooks/x/", "index.html").as_deref(),
            Some("runbooks/x/index.html")
        );
        assert_eq!(
            rel("/runbooks/x/#verify", "dr/restore/index.html").as_deref(),
            Some("../../runbooks/x/index.html#verify")
        );
        assert_eq!(
            rel("/_theme/style.css", "a/index.html").as_deref(),
            Some("../_theme/style.css")
        );
        assert_eq!(rel("/print", "index.html").as_deref(), Some("print/index.html"));
    }

    #[test]
    fn other_links_stay() {
        for url in [
            "https://example.com/",
            "#top",
            "mailto:a@b.c",
            "//cdn.example/x.js",
            "x/y/",
        ] {
            assert_eq!(rel(url, "a/index.html"), None, "{url}");
        }
        // Under a project site's path, only links under that path are the site's.
        assert_eq!(
            relative_url("/runbooks/x/", "index.html", "/runbooks/", |_| false).as_deref(),
            Some("x/index.html")
        );
        assert_eq!(relative_url("/other/", "index.html", "/runbooks/", |_| false), None);
    }

    #[test]
    fn pages_and_redirects_are_rewritten() {
        let html = r#"<html><head><meta http-equiv="refresh" content="0; url=/dr/x/"><link rel="stylesheet" href="/_theme/style.css"></head><body><a href="/tasks/t/">t</a><a href="https://acme.example/">out</a><a href="https://acme.example/runbooks/dr/y/">abs</a><script src="/_theme/opsbook.js"></script></body></html>"#;
        let out = relative_html(
            html,
            "tasks/t/index.html",
            &["/", "https://acme.example/runbooks/"],
            |_| false,
        )
        .expect("rewrite");
        assert!(out.contains(r#"content="0; url=../../dr/x/index.html""#), "{out}");
        assert!(out.contains(r#"href="../../_theme/style.css""#), "{out}");
        assert!(out.contains(r#"href="../../tasks/t/index.html""#), "{out}");
        assert!(out.contains(r#"href="https://acme.example/""#), "{out}");
        assert!(out.contains(r#"href="../../dr/y/index.html""#), "{out}");
        assert!(out.contains(r#"src="../../_theme/opsbook.js""#), "{out}");
    }

    #[test]
    fn a_redirect_pages_script_goes_to_the_relative_file_too() {
        let html = r#"<head><meta http-equiv="refresh" content="0; url=/runbooks/db/x/"><script>location.replace("/runbooks/db/x/" + location.hash);</script><script>other("/x/")</script></head>"#;
        let out = relative_html(html, "alerts/PostgresDown/index.html", &["/"], |_| false).expect("rewrite");
        assert!(
            out.contains(r#"<script>location.replace("../../runbooks/db/x/index.html" + location.hash);</script>"#),
            "{out}"
        );
        assert!(out.contains(r#"<script>other("/x/")</script>"#), "{out}");
    }
}
