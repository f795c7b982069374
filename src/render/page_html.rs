//! The built-in `base.html`, `page.html` and `print.html`, written without tera. Pages are
//! most of a book, and a template engine spends most of a page's time looking its values up
//! by name; when the theme overrides none of these templates, each page (and the print page,
//! which lists every task) is written here instead, byte for byte what tera writes (the build
//! tests render every page of several books both ways and compare).
//!
//! Keep this in step with `themes/default/templates/base.html`, `page.html` and `print.html`:
//! a change to a template that is not made here fails those tests.

use super::pages::PageView;
use super::print::PrintView;
use super::view::{Layout, PageRef, SiteView};

/// The page's HTML, as `page.html` renders it.
pub fn page_html(site: &SiteView, layout: &Layout, page: &PageView) -> Vec<u8> {
    let mut o = Out(String::with_capacity(super::RENDER_CAPACITY));
    base_head(&mut o, site, layout);
    o.put(&[R("<body class=\"page kind-"), T(page.kind_id.id()), R("\">\n")]);
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
    o.put(&[
        R("\n<h1>"),
        T(site.title),
        R("</h1>\n<p class=\"muted\">The whole book on one page, for printing and for reading when everything else is down.</p>\n<nav class=\"print-contents\" aria-labelledby=\"contents\"><h2 id=\"contents\">Contents</h2><ol>"),
    ]);
    if !print.sections.is_empty() {
        o.raw("<li><a href=\"#checklist\">Checklist</a></li>");
    }
    if !print.activities.is_empty() {
        o.raw("<li><a href=\"#ongoing-activities\">Ongoing activities</a></li>");
    }
    for p in &print.pages {
        o.put(&[
            R("<li><a href=\"#"),
            T(&p.anchor),
            R("\">"),
            T(p.title),
            R("</a> <span class=\"muted small\">"),
            T(p.kind),
            R("</span></li>"),
        ]);
    }
    o.raw("</ol></nav>\n");
    if !print.sections.is_empty() {
        o.put(&[
            R("\n<h2 id=\"checklist\">Checklist · "),
            T(&print.totals.percent_text),
            R(" complete ("),
            T(&print.totals.fraction),
            R(")</h2>\n"),
        ]);
        for s in &print.sections {
            o.put(&[R("\n<h3 id=\"section-"), T(&s.summary.id), R("\">")]);
            if let Some(number) = some(&s.summary.number) {
                o.text(number);
                o.raw(". ");
            }
            o.put(&[
                T(&s.summary.title),
                R(" <span class=\"muted small\">"),
                T(&s.summary.counts.fraction),
                R("</span></h3>\n<ul class=\"task-list\">"),
            ]);
            for t in &s.tasks {
                o.raw("<li>");
                status(&mut o, t.status, t.status_label);
                o.raw(" ");
                o.raw(&t.html);
                if let Some(anchor) = some(&t.runbook_anchor) {
                    o.put(&[R(" · <a href=\"#"), T(anchor), R("\">runbook</a>")]);
                }
                o.raw("</li>");
            }
            o.raw("</ul>\n");
        }
        o.raw("\n");
    }
    o.raw("\n");
    if !print.activities.is_empty() {
        o.raw("\n<h2 id=\"ongoing-activities\">Ongoing activities</h2>\n<ul class=\"task-list\">");
        for a in &print.activities {
            o.raw("<li>");
            o.text(&a.title);
            for (label, value) in [(" · ", a.cadence.as_deref()), (" · ", a.owner.as_deref())] {
                if let Some(v) = value {
                    o.raw(label);
                    o.text(v);
                }
            }
            if let Some(next) = &a.next_due {
                o.raw(" · next due ");
                o.text(next);
            }
            if a.overdue {
                o.raw(" <span class=\"flag flag-overdue\">overdue</span>");
            }
            o.raw("</li>");
        }
        o.raw("</ul>\n");
    }
    o.raw("\n");
    for p in &print.pages {
        o.put(&[
            R("\n<article class=\"print-page\" id=\""),
            T(&p.anchor),
            R("\">\n  <h2 class=\"print-title\">"),
        ]);
        o.link("", &p.url, "", p.title, "");
        o.put(&[R(" <span class=\"muted small\">"), T(p.kind), R("</span></h2>\n  ")]);
        if !p.facts.is_empty() {
            o.put(&[R("<p class=\"print-facts\">"), T(&p.facts), R("</p>")]);
        }
        o.put(&[R("\n  <div class=\"content\">"), R(&p.html), R("</div>\n</article>\n")]);
    }
    o.raw("\n");
    base_bottom(&mut o, site, layout);
    o.0.into_bytes()
}

struct Out(String);

/// A piece of a page: markup as it is, or text to escape.
enum Piece<'a> {
    R(&'a str),
    T(&'a str),
}
use Piece::{R, T};

impl Out {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn put(&mut self, pieces: &[Piece]) {
        for p in pieces {
            match p {
                R(s) => self.raw(s),
                T(s) => self.text(s),
            }
        }
    }

    /// Text escaped as tera escapes it (its escape function is [`crate::escape::escape_attr`]).
    fn text(&mut self, s: &str) {
        crate::escape::escape_into(&mut self.0, s);
    }

    /// `<a{attrs} href="url">before text after</a>`, with the URL and the text escaped.
    fn link(&mut self, attrs: &str, url: &str, before: &str, text: &str, after: &str) {
        self.raw("<a");
        self.raw(attrs);
        self.raw(" href=\"");
        self.text(url);
        self.raw("\">");
        self.raw(before);
        self.text(text);
        self.raw(after);
        self.raw("</a>");
    }
}

/// What tera counts as true for an optional string: present and not empty.
fn some(s: &Option<impl AsRef<str>>) -> Option<&str> {
    s.as_ref().map(AsRef::as_ref).filter(|s| !s.is_empty())
}

fn base_head(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.put(&[
        R("<!DOCTYPE html>\n<html lang=\""),
        T(site.language),
        R("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"),
    ]);
    if layout.title != site.title {
        o.text(&layout.title);
        o.raw(" · ");
    }
    o.text(site.title);
    o.raw("</title>\n");
    if !site.description.is_empty() {
        o.put(&[
            R("<meta name=\"description\" content=\""),
            T(site.description),
            R("\">"),
        ]);
    }
    o.put(&[
        R("\n<link rel=\"canonical\" href=\""),
        T(&layout.canonical),
        R("\">\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\""),
        T(site.title),
        R(": reviews and task changes\" href=\""),
        T(site.base),
        R("feed.xml\">\n<link rel=\"icon\" href=\""),
        T(site.base),
        R("_theme/favicon.svg\" type=\"image/svg+xml\">\n<link rel=\"stylesheet\" href=\""),
        T(site.base),
        R("_theme/style.css\">\n<link rel=\"stylesheet\" href=\""),
        T(site.base),
        R("_theme/syntax-light.css\">\n<link rel=\"stylesheet\" href=\""),
        T(site.base),
        R("_theme/syntax-dark.css\" media=\"screen\">\n"),
        R("<script>document.documentElement.classList.add(\"js\");try{var t=localStorage.getItem(\"opsbook-theme\");if(t===\"dark\"||t===\"light\"){document.documentElement.dataset.theme=t;}}catch(e){}</script>\n"),
        R("\n</head>\n"),
    ]);
}

fn base_top(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.put(&[
        R("<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"topbar\">\n  <div><button class=\"menu-toggle\" type=\"button\" aria-expanded=\"false\" aria-controls=\"sidebar\">Menu</button><a class=\"brand\" href=\""),
        T(site.base),
        R("\">"),
        T(site.title),
        R("</a></div>\n  <div class=\"search\" role=\"search\">\n    <input id=\"search-input\" class=\"search-input\" type=\"search\" placeholder=\"Search (press /)\" aria-label=\"Search runbooks, tasks and alerts\" autocomplete=\"off\" spellcheck=\"false\" aria-controls=\"search-results\" data-search=\""),
        T(site.search_prefix),
        R("\">\n    <div id=\"search-results\" class=\"search-results\" aria-live=\"polite\" hidden></div>\n  </div>\n  <nav class=\"top-links\">\n    <a href=\""),
        T(&site.alerts_url),
        R("\">Alerts</a>\n    <a href=\""),
        T(&site.owners_url),
        R("\">Owners</a>\n    <a href=\""),
        T(&site.print_url),
        R("\">Print</a>\n    <button class=\"theme-toggle\" type=\"button\" hidden>Dark</button>\n  </nav>\n</header>\n<div class=\"layout\">\n  <nav class=\"sidebar\" id=\"sidebar\" aria-label=\"Book\">"),
        R(&layout.sidebar),
        R("<ul class=\"side-tools\"><li><a href=\""),
        T(&site.alerts_url),
        R("\">Alerts</a></li><li><a href=\""),
        T(&site.owners_url),
        R("\">Owners</a></li><li><a href=\""),
        T(&site.print_url),
        R("\">Print</a></li></ul></nav>\n  <main id=\"main\">\n    "),
    ]);
    if !layout.breadcrumbs.is_empty() {
        o.raw("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumbs\">");
        for (i, c) in layout.breadcrumbs.iter().enumerate() {
            if i > 0 {
                o.raw("<span aria-hidden=\"true\"> / </span>");
            }
            o.link("", &c.url, "", &c.title, "");
        }
        o.raw("</nav>");
    }
    o.raw("\n    ");
}

fn base_bottom(o: &mut Out, site: &SiteView, layout: &Layout) {
    o.raw("\n    <footer class=\"page-footer\">\n      ");
    if let Some(edit) = some(&layout.edit_url) {
        o.put(&[R("<a class=\"edit\" href=\""), T(edit), R("\">Edit this page</a>")]);
    }
    o.raw("\n      ");
    if let Some(updated) = some(&layout.updated) {
        o.put(&[
            R("<span class=\"updated\">Last updated <time datetime=\""),
            T(updated),
            R("\">"),
            T(updated),
            R("</time>"),
        ]);
        if let Some(history) = some(&layout.history_url) {
            o.put(&[R(" · <a href=\""), T(history), R("\">history</a>")]);
        }
        o.raw("</span>");
    }
    o.put(&[
        R("\n      <span class=\"permalink\">Address: <code>"),
        T(&layout.canonical),
        R("</code></span>\n    </footer>\n  </main>\n</div>\n<script src=\""),
        T(site.base),
        R("_theme/opsbook.js\" defer></script>\n</body>\n</html>\n"),
    ]);
}

fn status(o: &mut Out, status: &str, label: &str) {
    o.put(&[
        R("<span class=\"status status-"),
        T(status),
        R("\">"),
        T(label),
        R("</span>"),
    ]);
}

fn page_list(o: &mut Out, pages: &[PageRef]) {
    o.raw("<ul class=\"page-list\">");
    for p in pages {
        o.raw("<li>");
        o.link("", &p.url, "", &p.title, "");
        if let Some(owner) = some(&p.owner) {
            o.put(&[R(" <span class=\"muted\">· "), T(owner), R("</span>")]);
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
    o.text(page.kind);
    if let Some(severity) = some(&page.severity) {
        o.put(&[
            R(" · <span class=\"severity severity-"),
            T(&severity.to_lowercase()),
            R("\">"),
            T(severity),
            R("</span>"),
        ]);
    }
    for t in page.tags {
        o.put(&[R(" <span class=\"tag\">"), T(t), R("</span>")]);
    }
    o.raw("</div>\n  <div class=\"title-row\"><h1");
    if let Some(id) = some(&page.title_id) {
        o.put(&[R(" id=\""), T(id), R("\"")]);
    }
    o.put(&[R(">"), T(page.title), R("</h1>")]);
    o.put(&[
        R("</div>\n  <div class=\"short-link\">Permanent link: <code>"),
        T(&page.permalink),
        R("</code> <a class=\"copy-link\" href=\""),
        T(&page.permalink),
        R("\" data-url=\""),
        T(&page.permalink),
        R("\">copy</a></div>\n  "),
    ]);
    let owner = some(&page.owner);
    if page.task.is_some() || owner.is_some() || !page.alerts.is_empty() || reviewed.is_some() || page.overdue {
        o.raw("\n  <dl class=\"meta\">\n    ");
        if let Some(task) = &page.task {
            o.raw("<div><dt>Task</dt><dd>");
            status(o, task.status, &task.status_label.to_lowercase());
            o.put(&[
                R(" <a href=\""),
                T(&task.section_url),
                R("#"),
                T(&task.id),
                R("\">in "),
                T(&task.section_title),
                R("</a>"),
            ]);
            if let Some(changed) = &task.changed {
                o.put(&[R(" <span class=\"muted changed\">· since "), T(changed)]);
                if let Some(from) = task.changed_from {
                    o.put(&[R(", was "), T(from)]);
                }
                o.raw("</span>");
            }
            o.raw("</dd></div>");
        }
        o.raw("\n    ");
        if let Some(owner) = owner {
            o.put(&[R("<div><dt>Owner</dt><dd>"), T(owner), R("</dd></div>")]);
        }
        o.raw("\n    ");
        if !page.alerts.is_empty() {
            o.raw("<div><dt>Alerts</dt><dd>");
            for (i, a) in page.alerts.iter().enumerate() {
                o.link(" class=\"alert-name\"", &a.url, "<code>", &a.name, "</code>");
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
                o.put(&[R(" <span class=\"muted\">next review "), T(due), R("</span>")]);
            }
            o.raw("</dd></div>");
        } else if page.overdue {
            o.raw("<div><dt>Reviewed</dt><dd><span class=\"flag flag-overdue\">never reviewed</span></dd></div>");
        }
        o.raw("\n  </dl>\n  ");
    }
    o.raw("\n</header>\n");
    if page.overdue {
        o.raw("\n<div class=\"banner banner-overdue\" role=\"note\">This runbook's review is overdue");
        if let Some(due) = due {
            o.put(&[R(" (due "), T(due), R(")")]);
        }
        o.raw(". Check each step against the system before you rely on it, then update <code>last_reviewed</code>.</div>\n");
    } else if page.stale {
        o.put(&[
            R("\n<div class=\"banner banner-stale\" role=\"note\">This runbook was last reviewed on "),
            T(reviewed.unwrap_or_default()),
            R(" and may be out of date. Check each step against the system before you rely on it.</div>\n"),
        ]);
    }
    o.raw("\n");
    if page.toc.len() > 2 {
        o.raw("\n<nav class=\"toc\" aria-label=\"On this page\"><div class=\"toc-title\">On this page</div><ul>");
        for h in &page.toc {
            o.put(&[
                R("<li class=\"toc-"),
                R(&h.level.to_string()),
                R("\"><a href=\"#"),
                T(&h.id),
                R("\">"),
                T(&h.text),
                R("</a></li>"),
            ]);
        }
        o.raw("</ul></nav>\n");
    }
    o.put(&[R("\n<div class=\"content\">"), R(&page.html), R("</div>\n")]);
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
        o.link(" class=\"prev\"", &prev.url, "← ", &prev.title, "");
    }
    o.raw("\n  ");
    if let Some(next) = &page.next {
        o.link(" class=\"next\"", &next.url, "", &next.title, " →");
    }
    o.raw("\n</nav>\n");
}
