//! How pages point at each other: anchors checked, backlinks and folder contents, each
//! computed once for the whole site (the reading order is `nav.rs`'s).

use crate::links::BROKEN_LINK;
use std::collections::{HashMap, HashSet};

use crate::diagnostic::Diagnostic;
use crate::links::Target;
use crate::page::Page;

/// A link to `page.md#anchor` whose page has no such heading, or to a generated URL that
/// opsbook does not write (`/tasks/no-such-task/`), is an error at the link.
/// A link whose anchor matches one heading when case is ignored, as GitHub's page script
/// resolves it: the page (None: the root page), the href as written and the href to write.
pub(super) type AnchorFix = (Option<usize>, String, String);

pub(super) fn check_links(
    pages: &[Page],
    root: Option<&Page>,
    generated: &HashSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<AnchorFix> {
    let mut fixes = Vec::new();
    let by_rel: HashMap<&str, &Page> = pages
        .iter()
        .chain(root)
        .filter(|p| !p.rel.is_empty())
        .map(|p| (p.rel.as_str(), p))
        .collect();
    for (index, p) in pages
        .iter()
        .map(Some)
        .enumerate()
        .chain(root.map(|r| (usize::MAX, Some(r))))
    {
        let Some(p) = p else { continue };
        let at = (index != usize::MAX).then_some(index);
        for link in &p.links {
            let (target, anchor) = match &link.target {
                Target::Generated(path) if !generated.contains(path) => {
                    diags.push(
                        Diagnostic::error(&p.display, link.line, link.col, format!("link `{}`: opsbook writes no page at /{path}/", link.dest))
                            .with_code(BROKEN_LINK)
                            .with_hint("tasks are at /tasks/<task-id>/, sections at /sections/<section-id>/, alerts at /alerts/<AlertName>/; `opsbook link QUERY` prints them")
                            .with_len(link.len),
                    );
                    continue;
                }
                Target::Page { rel, anchor: Some(a) } => (by_rel.get(rel.as_str()), a),
                Target::SamePage(a) if !a.is_empty() => (Some(&p), a),
                _ => continue,
            };
            let Some(target) = target else { continue };
            if !target.anchors.iter().any(|x| x == anchor) && !is_generated_anchor(anchor) {
                let mut same = target.anchors.iter().filter(|x| x.eq_ignore_ascii_case(anchor));
                if let (Some(real), None) = (same.next(), same.next()) {
                    if let Some((before, _)) = link.href.rsplit_once('#') {
                        fixes.push((at, link.href.clone(), format!("{before}#{real}")));
                        continue;
                    }
                }
                let listed: Vec<String> = target.anchors.iter().take(6).map(|a| format!("`#{a}`")).collect();
                let mut hint = if listed.is_empty() {
                    "that page has no headings; link to the page without `#…`".to_string()
                } else {
                    format!(
                        "anchors follow GitHub's rules (lowercase, spaces as `-`, punctuation dropped); that page has {}{}",
                        listed.join(", "),
                        if target.anchors.len() > listed.len() { ", …" } else { "" }
                    )
                };
                if let Some(near) =
                    crate::links::nearest(anchor, target.anchors.iter().map(String::as_str)).or_else(|| {
                        target
                            .anchors
                            .iter()
                            .find(|a| {
                                a.len() >= 3
                                    && anchor.len() >= 3
                                    && (a.starts_with(anchor.as_str()) || anchor.starts_with(a.as_str()))
                            })
                            .cloned()
                    })
                {
                    hint = format!("did you mean `#{near}`?");
                }
                diags.push(
                    Diagnostic::error(
                        &p.display,
                        link.line,
                        link.col,
                        format!(
                            "link `{}`: {} has no heading with anchor `#{anchor}`",
                            link.dest, target.display
                        ),
                    )
                    .with_hint(hint)
                    .with_len(link.len)
                    .with_code(BROKEN_LINK),
                );
            }
        }
    }
    fixes
}

fn is_generated_anchor(anchor: &str) -> bool {
    anchor.starts_with("fn-") || anchor.starts_with("fnref") || anchor == "top"
}

pub(super) fn backlinks(pages: &[Page]) -> Vec<Vec<usize>> {
    use rayon::prelude::*;
    let index: rustc_hash::FxHashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.rel.is_empty())
        .map(|(i, p)| (p.rel.as_str(), i))
        .collect();
    // Each page's link targets are found in parallel (a large book has a million links),
    // then the lists are filled in page order.
    let targets: Vec<Vec<usize>> = pages
        .par_iter()
        .map(|p| {
            p.links
                .iter()
                .filter_map(|link| match &link.target {
                    Target::Page { rel, .. } => index.get(rel.as_str()).copied(),
                    _ => None,
                })
                .collect()
        })
        .collect();
    let mut out = vec![Vec::new(); pages.len()];
    for (i, list) in targets.into_iter().enumerate() {
        for j in list {
            // Pages are visited in order, so a repeat is always the last entry.
            if j != i && out[j].last() != Some(&i) {
                out[j].push(i);
            }
        }
    }
    out
}

/// A folder page lists the pages directly inside its folder and its sub-folders' pages.
pub(super) fn children(pages: &[Page]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); pages.len()];
    let by_path: HashMap<&str, usize> = pages.iter().enumerate().map(|(i, p)| (p.path.as_str(), i)).collect();
    for (i, p) in pages.iter().enumerate() {
        let trimmed = p.path.trim_end_matches('/');
        if let Some((parent, _)) = trimmed.rsplit_once('/') {
            if let Some(&j) = by_path.get(format!("{parent}/").as_str()) {
                out[j].push(i);
            }
        }
    }
    out
}
