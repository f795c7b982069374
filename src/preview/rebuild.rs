//! `serve`'s rebuilds of part of a site, after a save that changed little: the fast paths.
//!
//! The invariant they keep: after a fast path, the kept [`Report`] is what a full build of the
//! same files would make, or the path returns `false` and leaves it untouched (the caller
//! then builds the whole book). They patch the last good build's [`Site`] in place, in
//! exactly two ways (the only changes `Site`'s doc allows):
//!
//! - [`rebuild_pages`] replaces `pages[i]` with a page of the same shape (path, title, kind,
//!   front matter, anchors, links, key lines): only its body differs, and nothing of another
//!   page shows a page's body;
//! - [`rebuild_statuses`] replaces `checklist`, `section_counts` and `totals` when the
//!   checklist's tasks changed only their statuses.
//!
//! `tests/testsuite/serve.rs` holds this: after each fast path, the files served are byte for
//! byte those a fresh build of the same book writes.

use std::path::PathBuf;
use std::time::Instant;

use crate::checklist_source::{checklist_source, parse_checklist_checked, ProseHtml};
use crate::clock::{log_time, today};
use crate::config::{Config, Overrides};
use crate::content::{read_source, SourceFile};
use crate::diagnostic::{sort_diagnostics, Diagnostic};
use crate::fingerprint::hash_of;
use crate::incremental::task_entries;
use crate::page::{build_page, Page};
use crate::pipeline::{Book, BuildCache, Report};
use crate::progress::count_checklist;
use crate::render::templates::{compiled, load_templates, KeptTemplates};
use crate::render::{render_site, RenderPlan};
use crate::sink::{Collect, Rendered};
use crate::site::Site;
use crate::theme::load_theme;

/// `serve`'s fast path, after a save that changed only the bodies of existing pages: when
/// each changed file (absolute paths, as the watcher gives them) is a page of the last good
/// build and its new version shows other pages nothing new (same title, path, front matter,
/// anchors and links, at the same places), the page is replaced in `report`'s site and only it
/// is rendered again, into `report.files`. Anything else (a new, deleted or renamed file, the
/// checklist, book.toml, a title or link that changed, a new day) returns false, untouched:
/// the caller builds the whole book.
pub fn rebuild_pages(report: &mut Report, changed: &[PathBuf], cache: &mut BuildCache) -> bool {
    let start = Instant::now();
    if report.book.has_errors() || changed.is_empty() {
        return false;
    }
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return false;
    };
    let Some(index) = cache.pages.index.clone() else {
        return false;
    };
    if site.today != today() {
        return false;
    }
    let Ok(content) = config.content_dir.canonicalize() else {
        return false;
    };
    // Read and build each changed page; nothing is changed until all pass.
    let mut edits: Vec<(usize, SourceFile, Page, Vec<Diagnostic>)> = Vec::new();
    for abs in changed {
        let Some(rel) = abs
            .strip_prefix(&content)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"))
        else {
            return false;
        };
        if rel == config.checklist || !(rel.ends_with(".md") || rel.ends_with(".markdown")) {
            return false;
        }
        let Some(i) = site.pages.iter().position(|p| p.rel == rel) else {
            return false;
        };
        if edits.iter().any(|(j, ..)| *j == i) {
            continue;
        }
        // A file swapped for a symlink is checked by the full read.
        if std::fs::symlink_metadata(abs).map(|m| !m.is_file()).unwrap_or(true) {
            return false;
        }
        let old = &site.pages[i];
        let Ok(src) = read_source(rel, old.display.clone(), abs) else {
            return false;
        };
        let (page, diags) = build_page(&src, &index, config, None);
        let same_shape = (&old.rel, &old.path, old.is_index, old.kind, &old.title, &old.title_id)
            == (
                &page.rel,
                &page.path,
                page.is_index,
                page.kind,
                &page.title,
                &page.title_id,
            )
            && old.meta == page.meta
            && old.key_lines == page.key_lines
            && old.anchors == page.anchors
            && old.links == page.links;
        if !same_shape {
            return false;
        }
        edits.push((i, src, page, diags));
    }
    let (Some(config), Some(site)) = (&report.book.config, &mut report.book.site) else {
        return false;
    };
    let book_diags = &mut report.book.diagnostics;
    let mut rendered = Vec::new();
    for (i, src, page, diags) in edits {
        for old in cache.pages.diagnostics_of(&src.rel).unwrap_or_default() {
            if let Some(at) = book_diags.iter().position(|d| d == old) {
                book_diags.remove(at);
            }
        }
        book_diags.extend(diags.iter().cloned());
        // Diagnostics show lines of the text: keep the text they quote the new one.
        if !diags.is_empty() || report.book.sources.contains_key(&src.display) {
            report.book.sources.insert(src.display.clone(), src.text.to_string());
        }
        cache.pages.put(&src.rel, &src.text, &page, &diags);
        if let Some(entry) = cache.snapshot.as_mut().and_then(|s| s.pages.get_mut(i)) {
            entry.1 = page.body_hash;
        }
        site.pages[i] = page;
        rendered.push(i);
    }
    sort_diagnostics(book_diags);
    rendered.sort_unstable();
    let plan = RenderPlan::Pages(rendered);
    let (files, result) = render_kept(site, config, &report.book.prose_html, &plan, &mut cache.templates);
    if let Err(d) = result {
        report.book.diagnostics.push(d);
    }
    report.files = files.into_files();
    report.file_count = report.files.len();
    report.plan = plan;
    report.elapsed = start.elapsed();
    true
}

/// Renders `plan` into memory for `serve`, with the compiled templates kept in `kept` while
/// the theme's files stay the same.
fn render_kept(
    site: &Site,
    config: &Config,
    prose: &ProseHtml,
    plan: &RenderPlan,
    kept: &mut KeptTemplates,
) -> (Collect, Result<(), Diagnostic>) {
    let files = Collect::files();
    let result = load_theme(&config.root, &config.theme).and_then(|theme| {
        let tera = compiled(&theme, kept)?;
        render_site(site, config, &theme, tera, prose, plan, &files)
    });
    (files, result)
}

/// `serve`'s path for a save of the checklist alone that changed nothing but task statuses
/// (the most common edit of all): the last build's site takes the new checklist and its
/// counts, and what shows statuses is rendered again ([`RenderPlan::Tasks`]), without
/// reading, building or linking the pages again. Anything else in the checklist (a task's
/// text, a note, a line moved, the prose, the progress table) returns false, untouched: the
/// caller builds the whole book.
pub fn rebuild_statuses(
    report: &mut Report,
    changed: &[PathBuf],
    overrides: &Overrides,
    cache: &mut BuildCache,
) -> bool {
    let start = Instant::now();
    if report.book.has_errors() {
        return false;
    }
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return false;
    };
    let (true, Some(old), true) = (
        cache.pages.index.is_some(),
        site.checklist.clone(),
        site.today == today(),
    ) else {
        return false;
    };
    // One file, however many events its save made.
    let Some(abs) = changed.first().filter(|a| changed.iter().all(|c| c == *a)) else {
        return false;
    };
    let Ok(content) = config.content_dir.canonicalize() else {
        return false;
    };
    let rel = abs
        .strip_prefix(&content)
        .ok()
        .and_then(|r| r.to_str())
        .map(|r| r.replace('\\', "/"));
    if rel.as_deref() != Some(config.checklist.as_str())
        || std::fs::symlink_metadata(abs).map(|m| !m.is_file()).unwrap_or(true)
    {
        return false;
    }
    let Ok(src) = read_source(old.rel.clone(), old.display.clone(), abs) else {
        return false;
    };
    let key = hash_of((&src.text, overrides.strict, overrides.history, today()));
    let mut clock = start;
    // Parsed only: with the same texts, the tasks' and the prose's HTML are the old ones.
    let (mut parsed, mut diags) = parse_checklist_checked(&src, overrides);
    log_time("checklist", &mut clock);
    // The same checklist but for statuses: with the old statuses put back, nothing differs.
    let statuses: Vec<_> = parsed.tasks().map(|(_, t)| t.status).collect();
    for (t, ot) in parsed
        .sections
        .iter_mut()
        .flat_map(|s| s.tasks.iter_mut())
        .zip(old.checklist.tasks().map(|(_, t)| t))
    {
        t.status = ot.status;
    }
    if parsed != old.checklist || diags.iter().any(Diagnostic::is_error) {
        return false;
    }
    for (t, status) in parsed
        .sections
        .iter_mut()
        .flat_map(|s| s.tasks.iter_mut())
        .zip(statuses)
    {
        t.status = status;
    }
    diags.extend(crate::checklist_source::activity_diagnostics(&src));
    diags.extend(old.text_diagnostics.iter().cloned());
    let source = checklist_source(
        &src,
        config,
        overrides,
        parsed,
        (old.task_html.clone(), old.notes_html.clone()),
        old.text_diagnostics.clone(),
    );
    let read = (std::sync::Arc::new(source), diags, report.book.prose_html.clone());
    let (new, diags, _) = &read;
    log_time("compare", &mut clock);
    let old_diags = cache.pages.last_checklist().map(|c| c.1.clone()).unwrap_or_default();
    cache.pages.put_checklist(key, &read);
    let Book {
        site,
        config,
        diagnostics,
        sources,
        checklist_hash,
        prose_html,
        ..
    } = &mut report.book;
    let (Some(site), Some(config)) = (site.as_mut(), config.as_ref()) else {
        return false;
    };
    site.checklist = Some(new.clone());
    (site.section_counts, site.totals) = count_checklist(&new.checklist);
    for d in &old_diags {
        if let Some(at) = diagnostics.iter().position(|x| x == d) {
            diagnostics.remove(at);
        }
    }
    diagnostics.extend(diags.iter().cloned());
    sort_diagnostics(diagnostics);
    if !diags.is_empty() || sources.contains_key(&src.display) {
        sources.insert(src.display.clone(), src.text.to_string());
    }
    *checklist_hash = hash_of(&src.text);
    // What changed, as the snapshot the next rebuild is compared with sees it.
    let now = task_entries(site);
    let mut tasks = Vec::new();
    let mut pages = Vec::new();
    if let Some(snap) = cache.snapshot.as_mut() {
        for (a, b) in snap.tasks.iter().zip(&now) {
            if a.1 != b.1 {
                tasks.push(b.0.clone());
                pages.extend(b.2);
            }
        }
        snap.tasks = now;
        snap.checklist = *checklist_hash;
    } else {
        tasks = now.iter().map(|t| t.0.clone()).collect();
        pages = now.iter().filter_map(|t| t.2).collect();
    }
    pages.sort_unstable();
    pages.dedup();
    let plan = RenderPlan::Tasks { pages, tasks };
    log_time("patch", &mut clock);
    let (files, result) = render_kept(site, config, prose_html, &plan, &mut cache.templates);
    if let Err(d) = result {
        diagnostics.push(d);
    }
    log_time("render", &mut clock);
    report.files = files.into_files();
    report.file_count = report.files.len();
    report.plan = plan;
    report.elapsed = start.elapsed();
    true
}

/// Renders, after a build that rendered only some pages, the outputs of `plan` (the print
/// page) from the same book.
pub fn render_deferred(report: &Report, plan: &RenderPlan) -> Result<Vec<Rendered>, Diagnostic> {
    let (Some(config), Some(site)) = (&report.book.config, &report.book.site) else {
        return Ok(Vec::new());
    };
    let theme = load_theme(&config.root, &config.theme)?;
    let tera = load_templates(&theme)?;
    let files = Collect::files();
    render_site(site, config, &theme, &tera, &report.book.prose_html, plan, &files)?;
    Ok(files.into_files())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_save_reported_twice_is_still_a_status_edit() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("runbooks/s")).unwrap();
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{ }` One\n- `{ }` Two\n",
        )
        .unwrap();
        std::fs::write(content.join("runbooks/s/one.md"), "# One\n\nText.\n").unwrap();
        let overrides = Overrides::default();
        let mut cache = BuildCache::enabled();
        let mut report = crate::pipeline::build_book_cached(dir.path(), &overrides, false, &mut cache).unwrap();
        assert_eq!(report.plan, RenderPlan::Full);
        // An editor's save can reach the watcher as two events of the same file.
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{X}` One\n- `{ }` Two\n",
        )
        .unwrap();
        let abs = content.canonicalize().unwrap().join("checklist.md");
        assert!(rebuild_statuses(
            &mut report,
            &[abs.clone(), abs.clone()],
            &overrides,
            &mut cache
        ));
        let site = report.book.site.as_ref().unwrap();
        assert_eq!(site.totals.complete, 1);
        let runbook = site.task_page["one"];
        assert_eq!(
            report.plan,
            RenderPlan::Tasks {
                pages: vec![runbook],
                tasks: vec!["one".into()]
            }
        );
        // A task's text is more than a status: the whole book is built again.
        std::fs::write(
            content.join("checklist.md"),
            "# C\n\n## S\n\n- `{X}` One\n- `{ }` Two more\n",
        )
        .unwrap();
        assert!(!rebuild_statuses(&mut report, &[abs], &overrides, &mut cache));
        assert_eq!(report.book.site.as_ref().unwrap().totals.complete, 1, "left as it was");
    }
}
