//! The built-in `base.html`, `page.html` and `print.html`, written without tera. Pages are
//! most of a book, and a template engine spends most of a page's time looking its values up
//! by name; when the theme overrides none of these templates, each page (and the print page,
//! which lists every task) is written here instead, byte for byte what tera writes (the build
//! tests render every page of several books both ways and compare).
//!
//! Keep this in step with `themes/default/templates/base.html`, `page.html` and `print.html`:
//! a change to a template that is not made here fails those tests.

use super::data::{PageView, PrintView};
use super::view::{Layout, PageRef, SiteView};

/// The page's HTML, as `page.html` renders it.
pub fn page_html(site: &SiteView, layout: &Layout, page: &PageView) -> Vec<u8> {
    let mut o = Out(String::with_capacity(super::RENDER_CAPACITY));
    base_head(&mut o, site, layout);
    o.raw("<body class=\"page kind-");
    o.text(page.kind_id.id());
    o.raw("\">\n");
    base_top(&mut o, site, layout);
    content(&mut o, page);
    base_bottom(&mut o, site, layout);
    o.0.into_bytes()
}

/// The print page, as `print.html` renders it (with each page's body still a placeholder).
pub fn print_html(site: &SiteView, layout: &Layout, print: &PrintView) -> Vec<u8> {
    let mut o = Out(String::with_capacity(super::RENDER_CAPACITY));
    base_head(&mut o, site, layout);
    o.raw("<body class=\"print\">\n");
    base_top(&mut o, site, layout);
    o.raw("\n<h1>");
    o.text(site.title);
    o.raw("</h1>\n<p class=\"muted\">The whole book on one page, for printing and for reading when everything else is down.</p>\n");
    if !print.sections.is_empty() {
        o.raw("\n<h2 id=\"checklist\">Checklist · ");
        o.text(&print.totals.percent_text);
        o.raw(" complete (");
        o.text(&print.totals.fraction);
        o.raw(")</h2>\n");
        for s in &print.sections {
            o.raw("\n<h3 id=\"section-");
            o.text(&s.summary.id);
            o.raw("\">");
            if let Some(number) = some(&s.summary.number) {
                o.text(number);
                o.raw(". ");
            }
            o.text(&s.summary.title);
            o.raw(" <span class=\"muted small\">");
            o.text(&s.summary.counts.fraction);
            o.raw("</span></h3>\n<ul class=\"task-list\">");
            for t in &s.tasks {
                o.raw("<li>");
                status(&mut o, t.status, t.status_label);
                o.raw(" ");
                o.raw(&t.html);
                if let Some(anchor) = some(&t.runbook_anchor) {
                    o.raw(" · <a href=\"#");
                    o.text(anchor);
                    o.raw("\">runbook</a>");
                }
                o.raw("</li>");
            }
            o.raw("</ul>\n");
        }
        o.raw("\n");
    }
    o.raw("\n");
    for p in &print.pages {
        o.raw("\n<article class=\"print-page\" id=\"");
        o.text(&p.anchor);
        o.raw("\">\n  <h2 class=\"print-title\"><a href=\"");
        o.text(&p.url);
        o.raw("\">");
        o.text(p.title);
        o.raw("</a> <span class=\"muted small\">");
        o.text(p.kind);
        o.raw("</span></h2>\n  <div class=\"content\">");
        o.raw(&p.html);
        o.raw("</div>\n</article>\n");
    }
    o.raw("\n");
    base_bottom(&mut o, site, layout);
    o.0.into_bytes()
}

struct Out(String);

impl Out {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    /// Text escaped as tera escapes it (its escape function is [`crate::highlight::escape_attr`]).
    fn text(&mut self, s: &str) {
        let mut plain = 0;
        for (i, b) in s.bytes().enumerate() {
            let entity = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#39;",
                _ => continue,
            };
            self.0.push_str(&s[plain..i]);
            self.0.push_str(entity);
            plain = i + 1;
        }
        self.0.push_str(&s[plain..]);
    }
}

/// What tera counts as true for an optional string: present and not empty.
fn some(s: &Option<impl AsRef<str>>) -> Option<&str> {
    s.as_ref().map(AsRef::as_ref).filter(|s| !s.is_empty())
}

fn base_head(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.raw("<!DOCTYPE html>\n<html lang=\"");
    o.text(site.language);
    o.raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    if layout.title != site.title {
        o.text(&layout.title);
        o.raw(" · ");
    }
    o.text(site.title);
    o.raw("</title>\n");
    if !site.description.is_empty() {
        o.raw("<meta name=\"description\" content=\"");
        o.text(site.description);
        o.raw("\">");
    }
    o.raw("\n<link rel=\"canonical\" href=\"");
    o.text(&layout.canonical);
    o.raw("\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"");
    o.text(site.title);
    o.raw(": reviews and task changes\" href=\"");
    o.text(site.base);
    o.raw("feed.xml\">\n<link rel=\"icon\" href=\"");
    o.text(site.base);
    o.raw("_theme/favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\"");
    o.text(site.base);
    o.raw("_theme/style.css\">\n<link rel=\"stylesheet\" href=\"");
    o.text(site.base);
    o.raw("_theme/syntax-light.css\">\n<link rel=\"stylesheet\" href=\"");
    o.text(site.base);
    o.raw("_theme/syntax-dark.css\" media=\"screen\">\n");
    o.raw("<script>document.documentElement.classList.add(\"js\");try{var t=localStorage.getItem(\"opsbook-theme\");if(t===\"dark\"||t===\"light\"){document.documentElement.dataset.theme=t;}}catch(e){}</script>\n");
    o.raw("\n</head>\n");
}

fn base_top(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.raw("<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"topbar\">\n  <div><button class=\"menu-toggle\" type=\"button\" aria-expanded=\"false\" aria-controls=\"sidebar\">Menu</button><a class=\"brand\" href=\"");
    o.text(site.base);
    o.raw("\">");
    o.text(site.title);
    o.raw("</a></div>\n  <div class=\"search\" role=\"search\">\n    <input id=\"search-input\" class=\"search-input\" type=\"search\" placeholder=\"Search (press /)\" aria-label=\"Search runbooks, tasks and alerts\" autocomplete=\"off\" spellcheck=\"false\" aria-controls=\"search-results\" data-search=\"");
    o.text(site.search_prefix);
    o.raw("\">\n    <div id=\"search-results\" class=\"search-results\" aria-live=\"polite\" hidden></div>\n  </div>\n  <nav class=\"top-links\">\n    <a href=\"");
    o.text(&site.alerts_url);
    o.raw("\">Alerts</a>\n    <a href=\"");
    o.text(&site.owners_url);
    o.raw("\">Owners</a>\n    <a href=\"");
    o.text(&site.print_url);
    o.raw("\">Print</a>\n    <button class=\"theme-toggle\" type=\"button\" hidden>Dark</button>\n  </nav>\n</header>\n<div class=\"layout\">\n  <nav class=\"sidebar\" id=\"sidebar\" aria-label=\"Book\">");
    o.raw(&layout.sidebar);
    o.raw("</nav>\n  <main id=\"main\">\n    ");
    if !layout.breadcrumbs.is_empty() {
        o.raw("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\">");
        for (i, c) in layout.breadcrumbs.iter().enumerate() {
            if i > 0 {
                o.raw("<span aria-hidden=\"true\"> / </span>");
            }
            o.raw("<a href=\"");
            o.text(&c.url);
            o.raw("\">");
            o.text(&c.title);
            o.raw("</a>");
        }
        o.raw("</nav>");
    }
    o.raw("\n    ");
}

fn base_bottom(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.raw("\n    <footer class=\"page-footer\">\n      ");
    if let Some(edit) = some(&layout.edit_url) {
        o.raw("<a class=\"edit\" href=\"");
        o.text(edit);
        o.raw("\">Edit this page</a>");
    }
    o.raw("\n      <span class=\"permalink\">Address: <code>");
    o.text(&layout.canonical);
    o.raw("</code></span>\n    </footer>\n  </main>\n</div>\n<script src=\"");
    o.text(site.base);
    o.raw("_theme/opsbook.js\" defer></script>\n</body>\n</html>\n");
}

fn status(o: &mut Out, status: &str, label: &str) {
    o.raw("<span class=\"status status-");
    o.text(status);
    o.raw("\">");
    o.text(label);
    o.raw("</span>");
}

fn page_list(o: &mut Out, pages: &[PageRef]) {
    o.raw("<ul class=\"page-list\">");
    for p in pages {
        o.raw("<li><a href=\"");
        o.text(&p.url);
        o.raw("\">");
        o.text(&p.title);
        o.raw("</a>");
        if let Some(owner) = some(&p.owner) {
            o.raw(" <span class=\"muted\">· ");
            o.text(owner);
            o.raw("</span>");
        }
        o.raw("</li>");
    }
    o.raw("</ul>");
}

/// The `content` block of `page.html`.
fn content(o: &mut Out, page: &PageView) {
    let reviewed = some(&page.last_reviewed);
    let due = some(&page.review_due);
    o.raw("\n<article>\n<header class=\"page-header\">\n  <div class=\"kind\">");
    if page.is_index {
        o.raw("Folder");
    } else {
        o.text(page.kind);
    }
    if let Some(severity) = some(&page.severity) {
        o.raw(" · <span class=\"severity severity-");
        o.text(&severity.to_lowercase());
        o.raw("\">");
        o.text(severity);
        o.raw("</span>");
    }
    o.raw("</div>\n  <div class=\"title-row\"><h1");
    if let Some(id) = some(&page.title_id) {
        o.raw(" id=\"");
        o.text(id);
        o.raw("\"");
    }
    o.raw(">");
    o.text(page.title);
    o.raw("</h1>");
    if let Some(task) = &page.task {
        status(o, task.status, task.status_label);
    }
    o.raw("</div>\n  <div class=\"short-link\">Permanent link: <code>");
    o.text(&page.permalink);
    o.raw("</code> <a class=\"copy-link\" href=\"");
    o.text(&page.permalink);
    o.raw("\" data-url=\"");
    o.text(&page.permalink);
    o.raw("\">copy</a></div>\n  ");
    let owner = some(&page.owner);
    if page.task.is_some()
        || owner.is_some()
        || !page.alerts.is_empty()
        || reviewed.is_some()
        || page.overdue
        || !page.tags.is_empty()
    {
        o.raw("\n  <dl class=\"meta\">\n    ");
        if let Some(task) = &page.task {
            o.raw("<div><dt>Task</dt><dd>");
            status(o, task.status, task.status_label);
            o.raw(" <a href=\"");
            o.text(&task.section_url);
            o.raw("#");
            o.text(&task.id);
            o.raw("\">");
            o.text(&task.title);
            o.raw("</a> <span class=\"muted\">in ");
            o.text(&task.section_title);
            o.raw("</span></dd></div>");
        }
        o.raw("\n    ");
        if let Some(owner) = owner {
            o.raw("<div><dt>Owner</dt><dd>");
            o.text(owner);
            o.raw("</dd></div>");
        }
        o.raw("\n    ");
        if !page.alerts.is_empty() {
            o.raw("<div><dt>Alerts</dt><dd>");
            for (i, a) in page.alerts.iter().enumerate() {
                o.raw("<a class=\"alert-name\" href=\"");
                o.text(&a.url);
                o.raw("\"><code>");
                o.text(&a.name);
                o.raw("</code></a>");
                if i + 1 < page.alerts.len() {
                    o.raw(" ");
                }
            }
            o.raw("</dd></div>");
        }
        o.raw("\n    ");
        if let Some(reviewed) = reviewed {
            o.raw("<div><dt>Reviewed</dt><dd>");
            o.text(reviewed);
            if page.overdue {
                o.raw(" <span class=\"flag flag-overdue\">review overdue");
                if let Some(due) = due {
                    o.raw(" since ");
                    o.text(due);
                }
                o.raw("</span>");
            } else if page.stale {
                o.raw(" <span class=\"flag flag-stale\">stale</span>");
            } else if let Some(due) = due {
                o.raw(" <span class=\"muted\">next review ");
                o.text(due);
                o.raw("</span>");
            }
            o.raw("</dd></div>");
        } else if page.overdue {
            o.raw("<div><dt>Reviewed</dt><dd><span class=\"flag flag-overdue\">never reviewed</span></dd></div>");
        }
        o.raw("\n    ");
        if !page.tags.is_empty() {
            o.raw("<div><dt>Tags</dt><dd>");
            for t in page.tags {
                o.raw("<span class=\"tag\">");
                o.text(t);
                o.raw("</span> ");
            }
            o.raw("</dd></div>");
        }
        o.raw("\n  </dl>\n  ");
    }
    o.raw("\n</header>\n");
    if page.overdue {
        o.raw("\n<div class=\"banner banner-overdue\" role=\"note\">This runbook's review is overdue");
        if let Some(due) = due {
            o.raw(" (due ");
            o.text(due);
            o.raw(")");
        }
        o.raw(". Check each step against the system before you rely on it, then update <code>last_reviewed</code>.</div>\n");
    } else if page.stale {
        o.raw("\n<div class=\"banner banner-stale\" role=\"note\">This runbook was last reviewed on ");
        o.text(reviewed.unwrap_or_default());
        o.raw(" and may be out of date. Check each step against the system before you rely on it.</div>\n");
    }
    o.raw("\n");
    if page.toc.len() > 2 {
        o.raw("\n<nav class=\"toc\" aria-label=\"On this page\"><div class=\"toc-title\">On this page</div><ul>");
        for h in &page.toc {
            o.raw("<li class=\"toc-");
            o.raw(&h.level.to_string());
            o.raw("\"><a href=\"#");
            o.text(&h.id);
            o.raw("\">");
            o.text(&h.text);
            o.raw("</a></li>");
        }
        o.raw("</ul></nav>\n");
    }
    o.raw("\n<div class=\"content\">");
    o.raw(&page.html);
    o.raw("</div>\n");
    if !page.children.is_empty() {
        o.raw("\n<section class=\"children\"><h2 id=\"in-this-folder\">In this folder</h2>");
        page_list(o, &page.children);
        o.raw("</section>\n");
    }
    o.raw("\n");
    if !page.backlinks.is_empty() {
        o.raw("\n<section class=\"backlinks\"><h2 id=\"referenced-by\">Referenced by</h2>");
        page_list(o, &page.backlinks);
        o.raw("</section>\n");
    }
    o.raw("\n</article>\n<nav class=\"prev-next\">\n  ");
    if let Some(prev) = &page.prev {
        o.raw("<a class=\"prev\" href=\"");
        o.text(&prev.url);
        o.raw("\">← ");
        o.text(&prev.title);
        o.raw("</a>");
    }
    o.raw("\n  ");
    if let Some(next) = &page.next {
        o.raw("<a class=\"next\" href=\"");
        o.text(&next.url);
        o.raw("\">");
        o.text(&next.title);
        o.raw(" →</a>");
    }
    o.raw("\n</nav>\n");
}
