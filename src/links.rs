//! Where every source file lands, and what a link written in a page points at.
//!
//! [`LinkIndex`] is built once from the list of files (before any page is parsed), so pages
//! can be rendered in parallel with their links already rewritten to site URLs. Anchors are
//! checked afterwards, by [`check_anchors`], once every page's headings are known.

use std::collections::{HashMap, HashSet};

use crate::slug::url_segment;

/// The code of a link that leads nowhere: `[build] broken-links = "warn"` acts on it.
pub const BROKEN_LINK: &str = "broken-link";

/// The site path of a markdown file (no leading `/`, a trailing `/` unless empty):
/// `runbooks/db/Backup Now.md` → `runbooks/db/backup-now/`; `dr/_index.md` → `dr/`.
pub fn site_path_of(rel: &str, lowercase: bool) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let stem = file
        .strip_suffix(".md")
        .or_else(|| file.strip_suffix(".markdown"))
        .unwrap_or(file);
    let mut out = String::new();
    for p in parts {
        out.push_str(&url_segment(p, lowercase));
        out.push('/');
    }
    if !is_index_name(stem) {
        out.push_str(&url_segment(stem, lowercase));
        out.push('/');
    }
    out
}

/// `_index`, `index` and `README` are the page of their folder.
pub fn is_index_name(stem: &str) -> bool {
    stem == "_index" || stem == "index" || stem.eq_ignore_ascii_case("readme")
}

/// What a link resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page of the book (by its source path), with the anchor to check there.
    Page { rel: String, anchor: Option<String> },
    /// An anchor on the page that holds the link.
    SamePage(String),
    /// A file copied from content/ or a folder: exists, nothing more to check.
    Other,
    /// A URL opsbook generates (`tasks/x`, `alerts/Name`, `progress.json`), without slashes
    /// at the ends: checked once the tasks and alerts are known.
    Generated(String),
}

/// A link that does not resolve: what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub message: String,
    pub hint: String,
}

/// Every file's URL, for resolving links.
#[derive(Debug, Default)]
pub struct LinkIndex {
    base_path: String,
    lowercase: bool,
    /// source rel → site path
    pages: HashMap<String, String>,
    pages_lower: HashMap<String, String>,
    /// site path → source rel
    by_path: HashMap<String, String>,
    assets: HashSet<String>,
    assets_lower: HashMap<String, String>,
    /// Folders holding pages (source rel → site path): each gets a folder page.
    folders: HashMap<String, String>,
    folder_paths: HashSet<String>,
    /// Generated top-level prefixes (`tasks`, `alerts`, …) and files (`progress.json`).
    generated: Vec<String>,
}

/// What every link of a book may point at: its pages (the checklist is the dashboard, at the
/// root), the files copied from its content folder, and opsbook's generated paths.
pub fn book_index(config: &crate::config::Config, content: &crate::content::Content) -> LinkIndex {
    let pages: Vec<(&str, String)> = content
        .sources
        .iter()
        .map(|s| {
            let path = if s.rel == config.checklist {
                String::new()
            } else {
                site_path_of(&s.rel, config.lowercase_urls)
            };
            (s.rel.as_str(), path)
        })
        .collect();
    let mut generated = crate::generated::generated_prefixes(config);
    generated.extend(crate::generated::generated_files(config));
    LinkIndex::new(
        &config.base_path,
        config.lowercase_urls,
        pages.iter().map(|(r, p)| (*r, p.as_str())),
        content.assets.iter().map(|a| a.rel.as_str()),
        generated,
    )
}

/// `[build] broken-links = "warn"`: a book being adopted publishes while its links are fixed
/// (`build` counts them, `check` lists them).
pub fn demote_broken_links(diags: &mut [crate::diagnostic::Diagnostic], config: &crate::config::Config) {
    if config.broken_links == crate::config::BrokenLinks::Warn {
        for d in diags.iter_mut().filter(|d| d.code == Some(BROKEN_LINK)) {
            d.severity = crate::diagnostic::Severity::Warning;
        }
    }
}

impl LinkIndex {
    pub fn new<'a>(
        base_path: &str,
        lowercase: bool,
        pages: impl IntoIterator<Item = (&'a str, &'a str)>,
        assets: impl IntoIterator<Item = &'a str>,
        generated: Vec<String>,
    ) -> Self {
        let mut index = LinkIndex {
            base_path: base_path.to_string(),
            lowercase,
            generated,
            ..LinkIndex::default()
        };
        for (rel, path) in pages {
            let mut folder = rel;
            while let Some((parent, _)) = folder.rsplit_once('/') {
                if index.folders.contains_key(parent) {
                    break;
                }
                let site = site_path_of(&format!("{parent}/_index.md"), lowercase);
                index.folder_paths.insert(site.clone());
                index.folders.insert(parent.to_string(), site);
                folder = parent;
            }
            index.pages.insert(rel.to_string(), path.to_string());
            index.pages_lower.insert(rel.to_lowercase(), rel.to_string());
            index.by_path.insert(path.to_string(), rel.to_string());
        }
        for a in assets {
            index.assets.insert(a.to_string());
            index.assets_lower.insert(a.to_lowercase(), a.to_string());
        }
        index
    }

    /// The site path of a page's source, when it is one.
    pub fn path_of(&self, rel: &str) -> Option<&str> {
        self.pages.get(rel).map(String::as_str)
    }

    pub fn has_page(&self, rel: &str) -> bool {
        self.pages.contains_key(rel)
    }

    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path)
    }

    /// Resolves `dest`, written in the page `from_rel`. Returns the href to write and what it
    /// points at (None for external links and links left as written).
    pub fn resolve(&self, from_rel: &str, dest: &str) -> Result<(String, Option<Target>), LinkProblem> {
        let dest_trim = dest.trim();
        if dest_trim.is_empty() || dest_trim.contains("{{") || is_external(dest_trim) {
            return Ok((dest.to_string(), None));
        }
        let (before_frag, fragment) = match dest_trim.split_once('#') {
            Some((p, f)) => (p, Some(f.to_string())),
            None => (dest_trim, None),
        };
        let (path_part, query) = match before_frag.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (before_frag, None),
        };
        if path_part.is_empty() {
            return Ok((dest.to_string(), fragment.map(Target::SamePage)));
        }
        let decoded = percent_decode(path_part);
        let from_dir = from_rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let rooted = decoded.starts_with('/');
        let joined = if rooted {
            normalize("", &decoded)
        } else {
            normalize(from_dir, &decoded)
        };
        let Some(cand) = joined else {
            return Err(LinkProblem {
                message: format!("link `{dest_trim}` leads outside content/"),
                hint: "link to a page inside the book, or use a full https:// URL".into(),
            });
        };
        let suffix = |href_path: &str| {
            let mut s = self.link(href_path);
            if let Some(q) = query {
                s.push('?');
                s.push_str(q);
            }
            if let Some(f) = &fragment {
                s.push('#');
                s.push_str(f);
            }
            s
        };
        let page = |rel: &str| Target::Page {
            rel: rel.to_string(),
            anchor: fragment.clone().filter(|f| !f.is_empty()),
        };

        if cand.ends_with(".md") || cand.ends_with(".markdown") {
            if let Some(path) = self.pages.get(&cand) {
                return Ok((suffix(path), Some(page(&cand))));
            }
            if let Some(actual) = self.pages_lower.get(&cand.to_lowercase()) {
                return Err(case_problem(dest_trim, actual));
            }
            return Err(self.missing(dest_trim, &cand, rooted));
        }
        let trimmed = cand.trim_end_matches('/');
        if self.assets.contains(trimmed) {
            return Ok((suffix(&encode_path(trimmed)), Some(Target::Other)));
        }
        for index in ["_index.md", "index.md", "README.md", "readme.md"] {
            let rel = if trimmed.is_empty() {
                index.to_string()
            } else {
                format!("{trimmed}/{index}")
            };
            if let Some(path) = self.pages.get(&rel) {
                return Ok((suffix(path), Some(page(&rel))));
            }
        }
        if !trimmed.is_empty() {
            if let Some(path) = self.pages.get(&format!("{trimmed}.md")) {
                return Ok((suffix(path), Some(page(&format!("{trimmed}.md")))));
            }
            if let Some(path) = self.folders.get(trimmed) {
                return Ok((suffix(path), Some(Target::Other)));
            }
        }
        // As a URL path: from the site root, or (Hugo's reading of a relative link) from the
        // page's own URL, which is one folder deeper than its file.
        let mut url_candidates = vec![site_key(trimmed)];
        if !rooted {
            if let Some(page_path) = self.pages.get(from_rel) {
                if let Some(p) = normalize(page_path.trim_end_matches('/'), &decoded) {
                    url_candidates.push(site_key(p.trim_end_matches('/')));
                }
            }
        }
        for key in &url_candidates {
            if let Some(rel) = self.by_path.get(key) {
                let rel = rel.clone();
                return Ok((suffix(key), Some(page(&rel))));
            }
            if self.folder_paths.contains(key) {
                return Ok((suffix(key), Some(Target::Other)));
            }
            let top = key.split('/').next().unwrap_or("");
            if self
                .generated
                .iter()
                .any(|g| g == top || g == key.trim_end_matches('/'))
            {
                // Written as the author wrote it (with or without the slash); whether opsbook
                // generates that page is known only once every page is read.
                let as_written = if decoded.ends_with('/') {
                    key.as_str()
                } else {
                    key.trim_end_matches('/')
                };
                let generated = key.trim_end_matches('/').to_string();
                return Ok((suffix(as_written), Some(Target::Generated(generated))));
            }
        }
        if let Some(actual) = self.assets_lower.get(&trimmed.to_lowercase()) {
            return Err(case_problem(dest_trim, actual));
        }
        for key in &url_candidates {
            if let Some(rel) = self.by_path.get(&key.to_lowercase()) {
                return Err(case_problem(dest_trim, rel));
            }
        }
        if self.lowercase {
            if let Some(rel) = url_candidates.iter().find_map(|k| self.by_path.get(&k.to_lowercase())) {
                return Err(case_problem(dest_trim, rel));
            }
        }
        Err(self.missing(dest_trim, &cand, rooted))
    }
}

fn site_key(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    }
}

fn case_problem(dest: &str, actual: &str) -> LinkProblem {
    LinkProblem {
        message: format!("link `{dest}` differs in letter case from the file `{actual}`"),
        hint: "GitHub Pages is case-sensitive: write the link with the file's exact case".into(),
    }
}

impl LinkIndex {
    fn missing(&self, dest: &str, cand: &str, rooted: bool) -> LinkProblem {
        let hint = match self.nearest_file(cand) {
            Some(near) => format!("did you mean `content/{near}`? Fix the path, or create the page"),
            None if rooted => {
                "a link starting with `/` is a path from the site root (content/): fix it, or create the page".into()
            }
            None => "fix the path (it is relative to this file's folder), or create the page".into(),
        };
        LinkProblem {
            message: format!("link `{dest}` points at `content/{cand}`, which does not exist"),
            hint,
        }
    }

    /// The file of the book whose path is nearest to `cand` by edit distance, when it is
    /// near enough to be a typo. Looked for at the first [`NEAREST_LIMIT`] broken links of a
    /// process only: a book with thousands must not cost thousands of scans of every file.
    fn nearest_file(&self, cand: &str) -> Option<String> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static ASKED: AtomicUsize = AtomicUsize::new(0);
        if ASKED.fetch_add(1, Ordering::Relaxed) >= NEAREST_LIMIT {
            return None;
        }
        nearest(cand, self.pages.keys().chain(self.assets.iter()).map(String::as_str))
    }
}

/// How many broken links get a nearest-file hint.
const NEAREST_LIMIT: usize = 200;

/// The candidate nearest to `wanted` by edit distance (ties: the first in sorted order),
/// when it is within a third of the longer one's length: a typo, not another name.
pub fn nearest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let wanted_lower = wanted.to_lowercase();
    // Ties go to the longer common beginning (`b.md` → `bb.md`, not `a.md`), then the name.
    let prefix = |c: &str| {
        wanted_lower
            .chars()
            .zip(c.to_lowercase().chars())
            .take_while(|(a, b)| a == b)
            .count()
    };
    let mut best: Option<(usize, usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&wanted_lower, &c.to_lowercase());
        let p = prefix(c);
        let better = match best {
            None => true,
            Some((bd, bp, bc)) => d < bd || (d == bd && (p > bp || (p == bp && c < bc))),
        };
        if better {
            best = Some((d, p, c));
        }
    }
    let (d, _, c) = best?;
    let longest = wanted.chars().count().max(c.chars().count());
    (d > 0 && d * 3 <= longest.max(3)).then(|| c.to_string())
}

/// `a://`, `mailto:`, `//host`: anything with a scheme is left as written.
pub fn is_external(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Joins `path` onto the folder `dir` and folds `.` and `..`. None when it climbs above the
/// root.
fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|d| d.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// Percent-encodes what may not stand in a URL path: spaces, quotes, `#`, `?`, `%`, angle
/// brackets and every non-ASCII character (as its UTF-8 bytes).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii() && !matches!(c, ' ' | '"' | '#' | '?' | '%' | '<' | '>') && !c.is_ascii_control() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> LinkIndex {
        let pages = [
            ("runbooks/db/backup.md", "runbooks/db/backup/"),
            ("dr/restore.md", "dr/restore/"),
            ("dr/_index.md", "dr/"),
            ("faq.md", "faq/"),
            ("runbooks/node/NodeDown.md", "runbooks/node/nodedown/"),
        ];
        LinkIndex::new(
            "/rb/",
            true,
            pages,
            ["img/diagram.png"],
            vec!["tasks".into(), "progress.json".into()],
        )
    }

    #[test]
    fn site_paths() {
        assert_eq!(
            site_path_of("runbooks/db/Backup Now.md", true),
            "runbooks/db/backup-now/"
        );
        assert_eq!(site_path_of("dr/_index.md", true), "dr/");
        assert_eq!(site_path_of("_index.md", true), "");
        assert_eq!(site_path_of("docs/README.md", true), "docs/");
        assert_eq!(
            site_path_of("runbooks/node/NodeDown.md", false),
            "runbooks/node/NodeDown/"
        );
    }

    #[test]
    fn relative_md_link_becomes_site_url() {
        let (href, t) = index()
            .resolve("runbooks/db/backup.md", "../../dr/restore.md#verify")
            .unwrap();
        assert_eq!(href, "/rb/dr/restore/#verify");
        assert_eq!(
            t,
            Some(Target::Page {
                rel: "dr/restore.md".into(),
                anchor: Some("verify".into())
            })
        );
    }

    #[test]
    fn root_paths_folders_and_urls() {
        let i = index();
        assert_eq!(i.resolve("dr/restore.md", "/faq/").unwrap().0, "/rb/faq/");
        assert_eq!(i.resolve("faq.md", "dr/").unwrap().0, "/rb/dr/");
        assert_eq!(
            i.resolve("faq.md", "/img/diagram.png").unwrap().0,
            "/rb/img/diagram.png"
        );
        assert_eq!(i.resolve("faq.md", "/tasks/x/").unwrap().0, "/rb/tasks/x/");
        assert_eq!(
            i.resolve("runbooks/node/NodeDown.md", "../db/backup").unwrap().0,
            "/rb/runbooks/db/backup/"
        );
        assert_eq!(
            i.resolve("faq.md", "https://x.y/z.md").unwrap(),
            ("https://x.y/z.md".into(), None)
        );
        assert_eq!(
            i.resolve("faq.md", "#top").unwrap().1,
            Some(Target::SamePage("top".into()))
        );
    }

    #[test]
    fn missing_and_case_errors() {
        let i = index();
        assert!(i
            .resolve("faq.md", "dr/missing.md")
            .unwrap_err()
            .message
            .contains("does not exist"));
        assert!(i
            .resolve("faq.md", "dr/Restore.md")
            .unwrap_err()
            .message
            .contains("letter case"));
        assert!(i
            .resolve("faq.md", "runbooks/node/nodedown.md")
            .unwrap_err()
            .message
            .contains("letter case"));
        assert!(i
            .resolve("faq.md", "../../etc/passwd")
            .unwrap_err()
            .message
            .contains("outside"));
    }
}
