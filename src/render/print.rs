//! The print binder: the whole book on one page, with each page's body spliced in as it is
//! written (at 10,000 pages the page is over 150 MB).

use super::*;

#[derive(Debug, Serialize)]
pub struct PrintPage<'a> {
    pub anchor: String,
    pub title: &'a str,
    pub url: String,
    pub kind: &'static str,
    /// What a runbook's reader needs under its title: owner, severity, alerts, last review.
    pub facts: String,
    /// The page's HTML with its ids (and the links to them) prefixed by `anchor`, so that two
    /// pages' `#steps` stay apart on the one print page; or its placeholder.
    pub html: String,
    /// The page's index in the site.
    #[serde(skip)]
    pub page: usize,
}

#[derive(Debug, Serialize)]
pub struct PrintView<'a> {
    pub totals: CountsView,
    pub groups: Vec<GroupView>,
    pub sections: Vec<PrintSection>,
    /// The checklist's recurring activities.
    pub activities: Vec<super::activities::ActivityView>,
    pub pages: Vec<PrintPage<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PrintSection {
    pub summary: SectionSummary,
    pub tasks: Vec<TaskView>,
}

/// Adds what a spliced print page is made of to `h`: its view, each page's body in place of
/// its placeholder (whose nonce changes from run to run).
pub fn print_key(h: &mut crate::fingerprint::KeyHasher, v: &PrintView, site: &Site) -> Option<()> {
    let PrintView {
        totals,
        groups,
        sections,
        activities,
        pages,
    } = v;
    h.value(totals)?.value(groups)?.value(sections)?.value(activities)?;
    h.bytes(&(pages.len() as u64).to_le_bytes());
    for p in pages {
        let PrintPage {
            anchor,
            title,
            url,
            kind,
            facts,
            html: _,
            page,
        } = p;
        h.str(anchor)
            .str(title)
            .str(url)
            .str(kind)
            .str(facts)
            .bytes(&(*page as u64).to_le_bytes());
        site.pages.get(*page)?.hash_body_into(h);
    }
    Some(())
}

/// The print page's view. With `spliced`, each page's `html` is a placeholder that
/// [`write_print`] replaces with the page's body while writing the file.
pub fn print_view<'a>(
    site: &'a Site,
    config: &'a Config,
    spliced: bool,
) -> Result<PrintView<'a>, crate::diagnostic::Diagnostic> {
    let sections = site
        .sections()
        .map(|(s, counts)| PrintSection {
            summary: view::section_summary(site, config, s, counts),
            tasks: s.tasks.iter().map(|t| TaskView::new(site, config, s, t)).collect(),
        })
        .collect();
    // Reading order, with the kinds `[print] order` names first (a DR binder opens with the
    // DR procedures).
    let rank = |i: usize| {
        let id = site.pages[i].kind.id();
        config
            .print_order
            .iter()
            .position(|k| *k == id)
            .unwrap_or(config.print_order.len())
    };
    let mut order: Vec<usize> = site
        .order
        .iter()
        .copied()
        .filter(|&i| !site.pages[i].rel.is_empty())
        .collect();
    order.sort_by_key(|&i| rank(i));
    Ok(PrintView {
        totals: (&site.totals).into(),
        groups: groups(site, config),
        sections,
        activities: super::activities::activity_views(site, config),
        pages: order
            .into_iter()
            .map(|i| {
                let p = &site.pages[i];
                let anchor = view::print_anchor(&p.path);
                let html = if spliced {
                    placeholder(i)
                } else {
                    print_body(&p.body_html()?, &anchor)
                };
                Ok(PrintPage {
                    anchor,
                    title: &p.title,
                    url: config.link(&p.path),
                    kind: p.kind.label(),
                    facts: facts(site, i),
                    html,
                    page: i,
                })
            })
            .collect::<Result<_, _>>()?,
    })
}

/// A page's owner, severity, alerts and last review, as one line (empty when it has none).
fn facts(site: &Site, i: usize) -> String {
    let p = &site.pages[i];
    let mut parts = Vec::new();
    if let Some(owner) = super::owners::page_owner(p) {
        parts.push(format!("Owner: {owner}"));
    }
    if let Some(severity) = p.meta.severity.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        parts.push(format!("Severity: {severity}"));
    }
    if let Some(alerts) = site.page_alerts.get(i).filter(|a| !a.is_empty()) {
        parts.push(format!("Alerts: {}", alerts.join(", ")));
    }
    if let Some(reviewed) = p.meta.last_reviewed {
        parts.push(format!("Reviewed: {reviewed}"));
    }
    let status = site.page_task.get(&i).and_then(|id| {
        let &(s, t) = site.task_index.get(id)?;
        Some(site.checklist.as_ref()?.checklist.sections.get(s)?.tasks.get(t)?.status)
    });
    if let Some(status) = status {
        parts.push(format!("Task: {}", status.label().to_lowercase()));
    }
    parts.join(" · ")
}

/// Marks where a page's body goes in the print page: `\u{1}<nonce>:<page index>\u{1}`. The
/// nonce is drawn anew by each process, so no content (a task's text is in the same page) can
/// forge a placeholder; it never reaches the output.
fn placeholder(page: usize) -> String {
    format!("{}{page}\u{1}", marker())
}

fn marker() -> &'static str {
    static MARKER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MARKER.get_or_init(|| {
        use std::hash::{BuildHasher, Hasher};
        let nonce = std::collections::hash_map::RandomState::new().build_hasher().finish();
        format!("\u{1}{nonce:016x}:")
    })
}

/// A page's body as the print page shows it: its ids (and the links to them) prefixed by
/// `anchor`, so that two pages' `#steps` stay apart.
fn print_body(html: &str, anchor: &str) -> String {
    let mut out = Vec::with_capacity(html.len() + 256);
    // Writing into a Vec cannot fail, and only ASCII is inserted between whole characters.
    let _ = write_print_body(&mut out, html, anchor);
    String::from_utf8(out).unwrap_or_default()
}

/// A page's headings one level down (an `<h2>` becomes `<h3>`, none above `<h3>`, none below
/// `<h6>`): in the binder they sit under the page's own title, an `<h2>`.
fn demote_headings(html: &str) -> std::borrow::Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut last = 0;
    for at in memchr::memchr_iter(b'<', bytes) {
        let close = bytes.get(at + 1) == Some(&b'/');
        let h = at + 1 + usize::from(close);
        let (Some(b'h'), Some(&level)) = (bytes.get(h), bytes.get(h + 1)) else {
            continue;
        };
        let tag_ends = bytes.get(h + 2).is_some_and(|&c| c == b'>' || c == b' ');
        if !(b'1'..=b'6').contains(&level) || !tag_ends {
            continue;
        }
        let new = (level + 1).clamp(b'3', b'6');
        let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
        o.extend_from_slice(&bytes[last..h + 1]);
        o.push(new);
        last = h + 2;
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut o) => {
            o.extend_from_slice(&bytes[last..]);
            // Only ASCII digits were replaced by ASCII digits.
            std::borrow::Cow::Owned(String::from_utf8(o).unwrap_or_else(|_| html.to_string()))
        }
    }
}

/// [`print_body`] written straight into `w`, in one pass over the page (after its headings
/// are demoted).
fn write_print_body(w: &mut dyn std::io::Write, html: &str, anchor: &str) -> std::io::Result<()> {
    let html = demote_headings(html);
    let html = html.as_ref();
    const ID: &[u8] = b" id=\"";
    const HREF: &[u8] = b"href=\"#";
    let bytes = html.as_bytes();
    let mut ids = memchr::memmem::find_iter(bytes, ID).map(|at| at + ID.len()).peekable();
    let mut hrefs = memchr::memmem::find_iter(bytes, HREF)
        .map(|at| at + HREF.len())
        .peekable();
    let mut last = 0;
    loop {
        // The next place to insert the prefix: just after either pattern, in order.
        let at = match (ids.peek(), hrefs.peek()) {
            (Some(&a), Some(&b)) if a <= b => ids.next(),
            (Some(_), Some(_)) | (None, Some(_)) => hrefs.next(),
            (Some(_), None) => ids.next(),
            (None, None) => None,
        };
        let Some(at) = at else { break };
        w.write_all(&bytes[last..at])?;
        w.write_all(anchor.as_bytes())?;
        w.write_all(b"-")?;
        last = at;
    }
    w.write_all(&bytes[last..])
}

/// Writes the print page rendered from a spliced [`print_view`]: the template's output, with
/// each placeholder replaced by its page's body, as `body` gives it.
pub fn write_print<'a>(
    w: &mut dyn std::io::Write,
    rendered: &[u8],
    pages: &[PrintPage],
    site: &'a Site,
    body: impl Fn(&'a crate::page::Page) -> std::io::Result<std::borrow::Cow<'a, str>>,
) -> std::io::Result<()> {
    let anchors: std::collections::HashMap<usize, &str> = pages.iter().map(|p| (p.page, p.anchor.as_str())).collect();
    let mut rest = rendered;
    let marker = marker().as_bytes();
    while let Some(at) = find(rest, marker) {
        w.write_all(&rest[..at])?;
        let after = &rest[at + marker.len()..];
        let end = after.iter().position(|&b| b == 1).unwrap_or(after.len());
        let index = std::str::from_utf8(&after[..end])
            .ok()
            .and_then(|n| n.parse::<usize>().ok());
        match index.and_then(|i| Some((site.pages.get(i)?, *anchors.get(&i)?))) {
            Some((page, anchor)) => write_print_body(w, &body(page)?, anchor)?,
            // Not one of ours (cannot happen with the built-in template): left as it was.
            None => w.write_all(&rest[at..at + marker.len() + end])?,
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    w.write_all(rest)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

impl Renderer<'_> {
    /// The whole book on one page. With the built-in template, the pages' bodies are not
    /// put through tera: the template gets a placeholder for each, and the bodies are written
    /// straight into the file in their place, one at a time (at 10,000 pages the page is over
    /// 150 MB).
    pub(super) fn render_print(&self, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let spliced = !self.theme.overridden.contains_key("print.html");
        let v = print_view(self.site, self.config, spliced)?;
        let path = format!("{}/", self.config.urls.print);
        let layout = self.layout(&self.site.title, &path, vec![self.home_crumb()], None);
        if !spliced {
            return self.emit(sink, "print.html", format!("{path}index.html"), layout, "print", &v);
        }
        let key = self.shared_key.and_then(|shared| {
            let mut h = KeyHasher::new()?;
            h.key(shared).str("print.html").str(&path).value(&layout)?;
            print_key(&mut h, &v, self.site)?;
            Some(h.finish())
        });
        if key.is_some_and(|k| sink.reuse(k)) {
            return Ok(());
        }
        let file = if self.direct_pages && !self.theme.overridden.contains_key("print.html") {
            Rendered::new(
                format!("{path}index.html"),
                page_html::print_html(&self.site_view, &layout, &v),
            )
        } else {
            self.render("print.html", format!("{path}index.html"), layout, "print", &v)?
        };
        let mut write = |w: &mut dyn std::io::Write| {
            write_print(w, &file.bytes, &v.pages, self.site, |page| {
                page.body_html().map_err(|d| std::io::Error::other(d.message))
            })
        };
        match key {
            Some(k) => sink.put_with_keyed(k, file.path.clone(), &mut write),
            None => sink.put_with(file.path.clone(), &mut write),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_go_one_level_down_under_the_page_title() {
        let html =
            "<h2 id=\"a\">A</h2><p>x <code>&lt;h2&gt;</code></p><h3>B</h3><h6>C</h6><h1 class=\"t\">D</h1><hr><header>";
        assert_eq!(
            demote_headings(html),
            "<h3 id=\"a\">A</h3><p>x <code>&lt;h2&gt;</code></p><h4>B</h4><h6>C</h6><h3 class=\"t\">D</h3><hr><header>"
        );
        assert!(matches!(demote_headings("<p>none</p>"), std::borrow::Cow::Borrowed(_)));
    }
}
