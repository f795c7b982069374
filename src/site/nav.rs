//! The book's one hierarchy, as an on-call engineer reads it: operations first (alerts,
//! troubleshooting, disaster recovery, then runbooks under their checklist sections), the
//! programme second (dashboard, checklist groups and sections, ongoing activities), guides
//! last. The sidebar draws it, breadcrumbs follow it, and previous/next walk its pages in
//! order ([`Nav::reading_order`]). Every page of the site is in it exactly once.

use std::collections::HashMap;

use crate::checklist_source::ChecklistSource;
use crate::page::{Page, PageKind};

/// Where a node leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A heading of the tree (Operations, Programme, Guides) or a node without a page.
    None,
    Page(usize),
    /// A checklist section, by its index in the checklist.
    Section(usize),
    /// A checklist group: its place on the dashboard. The index of its first section.
    Group(usize),
    Dashboard,
    Alerts,
    Activities,
}

#[derive(Debug, Clone)]
pub struct Node {
    pub title: String,
    pub target: Target,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Open unless the reader closes it (the checklist's groups, when the checklist is small).
    pub open: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// Every node; a parent always comes before its children.
    pub nodes: Vec<Node>,
    /// The top nodes, in order: the parts of the tree.
    pub roots: Vec<usize>,
    /// index in `pages` → its node.
    pub page_node: HashMap<usize, usize>,
    /// section index → its nodes (under Runbooks, when it has any, and under its group).
    pub section_nodes: HashMap<usize, Vec<usize>>,
}

/// What the tree is made from.
pub(super) struct Inputs<'a> {
    pub checklist: Option<&'a ChecklistSource>,
    pub pages: &'a [Page],
    pub task_page: &'a HashMap<String, usize>,
    pub page_alerts: &'a [Vec<String>],
    pub has_alerts: bool,
    /// Past this many sections the checklist's groups start closed.
    pub open_groups_up_to: usize,
}

impl Nav {
    pub(super) fn build(input: &Inputs) -> Nav {
        let mut nav = Nav::default();
        let pages = input.pages;
        let mut placed = vec![false; pages.len()];

        let ops = nav.add(None, "Operations", Target::None, true);
        if input.has_alerts {
            nav.add(Some(ops), "Alerts", Target::Alerts, false);
        }
        for kind in [PageKind::Troubleshooting, PageKind::Dr] {
            let set: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].kind == kind).collect();
            nav.folder_tree(Some(ops), pages, &set, &mut placed);
        }

        // Runbooks: those bound to a task under the task's section, in checklist order; the
        // others (and pages that answer alerts) in their folders.
        let runbooks_page = pages
            .binary_search_by(|p| p.path.as_str().cmp("runbooks/"))
            .ok()
            .filter(|&i| !placed[i]);
        let runbooks = nav.add(
            Some(ops),
            "Runbooks",
            runbooks_page.map_or(Target::None, Target::Page),
            false,
        );
        if let Some(i) = runbooks_page {
            placed[i] = true;
            nav.page_node.insert(i, runbooks);
        }
        if let Some(c) = input.checklist {
            for (si, s) in c.checklist.sections.iter().enumerate() {
                let bound: Vec<usize> = s
                    .tasks
                    .iter()
                    .filter_map(|t| input.task_page.get(&t.id).copied())
                    .filter(|&i| !placed[i])
                    .collect();
                if bound.is_empty() {
                    continue;
                }
                let node = nav.add(Some(runbooks), &section_title(s), Target::Section(si), false);
                nav.section_nodes.entry(si).or_default().push(node);
                for i in bound {
                    placed[i] = true;
                    let n = nav.add(Some(node), &pages[i].title, Target::Page(i), false);
                    nav.page_node.insert(i, n);
                }
            }
        }
        let mut rest: Vec<usize> = (0..pages.len())
            .filter(|&i| !placed[i] && (pages[i].kind == PageKind::Runbook || !input.page_alerts[i].is_empty()))
            .collect();
        // The folders such pages lie in come along (a repository's `alerts/<component>/`).
        let mut with_folders: Vec<usize> = Vec::new();
        for &i in &rest {
            let mut path = pages[i].path.trim_end_matches('/');
            while let Some((parent, _)) = path.rsplit_once('/') {
                let key = format!("{parent}/");
                if let Ok(j) = pages.binary_search_by(|p| p.path.as_str().cmp(&key)) {
                    if !placed[j] {
                        with_folders.push(j);
                    }
                }
                path = parent;
            }
        }
        rest.extend(with_folders);
        rest.sort_unstable();
        rest.dedup();
        nav.folder_tree(Some(runbooks), pages, &rest, &mut placed);

        // The programme: the dashboard, the checklist's groups and sections, the activities.
        let programme = nav.add(None, "Programme", Target::None, true);
        nav.add(Some(programme), "Dashboard", Target::Dashboard, false);
        if let Some(c) = input.checklist {
            let sections = &c.checklist.sections;
            let open = sections.len() <= input.open_groups_up_to;
            let mut group: Option<(usize, &Option<String>)> = None;
            for (si, s) in sections.iter().enumerate() {
                let parent = match group {
                    Some((node, name)) if *name == s.group => node,
                    _ => {
                        let title = s.group.as_deref().unwrap_or("Checklist");
                        let node = nav.add(Some(programme), title, Target::Group(si), open);
                        group = Some((node, &s.group));
                        node
                    }
                };
                let node = nav.add(Some(parent), &section_title(s), Target::Section(si), false);
                nav.section_nodes.entry(si).or_default().push(node);
            }
            if !c.activities.is_empty() {
                nav.add(Some(programme), "Ongoing activities", Target::Activities, false);
            }
        }

        // Guides, FAQs and whatever else the book holds.
        let guides = nav.add(None, "Guides", Target::None, true);
        let rest: Vec<usize> = (0..pages.len()).filter(|&i| !placed[i]).collect();
        nav.folder_tree(Some(guides), pages, &rest, &mut placed);

        // A part with nothing in it is left out.
        nav.roots.retain(|&r| !nav.nodes[r].children.is_empty());
        nav
    }

    fn add(&mut self, parent: Option<usize>, title: &str, target: Target, open: bool) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            title: title.to_string(),
            target,
            parent,
            children: Vec::new(),
            open,
        });
        match parent {
            Some(p) => self.nodes[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }

    /// Adds the pages of `set` (indices in path order) under `parent`, each under the nearest
    /// folder of the set that holds it. Siblings with a Hugo `weight` in front matter come
    /// first, lightest first; the rest follow in path order, as Hugo lists them.
    fn folder_tree(&mut self, parent: Option<usize>, pages: &[Page], set: &[usize], placed: &mut [bool]) {
        let first_new = self.nodes.len();
        let parent_had = parent.map(|p| (p, self.nodes[p].children.len()));
        self.add_folders(parent, pages, set, placed);
        // Hugo reads front matter keys in any case (`Weight:`).
        let weight = |node: &Node| match node.target {
            Target::Page(i) => {
                let extra = &pages[i].meta.extra;
                extra
                    .get("weight")
                    .or_else(|| {
                        extra
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case("weight"))
                            .map(|(_, v)| v)
                    })
                    .and_then(serde_json::Value::as_i64)
                    .filter(|&w| w != 0)
            }
            _ => None,
        };
        let key = |nodes: &[Node], n: usize| weight(&nodes[n]).map_or((1, 0), |w| (0, w));
        // Only what this call added is ordered: a parent's earlier children keep their place.
        if let Some((p, had)) = parent_had {
            let mut tail = self.nodes[p].children.split_off(had);
            tail.sort_by_cached_key(|&n| key(&self.nodes, n));
            self.nodes[p].children.extend(tail);
        }
        for n in first_new..self.nodes.len() {
            if self.nodes[n].children.len() > 1 {
                let mut children = std::mem::take(&mut self.nodes[n].children);
                children.sort_by_cached_key(|&c| key(&self.nodes, c));
                self.nodes[n].children = children;
            }
        }
    }

    fn add_folders(&mut self, parent: Option<usize>, pages: &[Page], set: &[usize], placed: &mut [bool]) {
        let mut by_path: HashMap<&str, usize> = HashMap::new();
        for &i in set {
            if placed[i] {
                continue;
            }
            let p = &pages[i];
            let mut under = parent;
            let mut path = p.path.trim_end_matches('/');
            while let Some((up, _)) = path.rsplit_once('/') {
                let key = &p.path[..up.len() + 1];
                if let Some(&n) = by_path.get(key) {
                    under = Some(n);
                    break;
                }
                path = up;
            }
            let node = self.add(under, &p.title, Target::Page(i), false);
            by_path.insert(p.path.as_str(), node);
            self.page_node.insert(i, node);
            placed[i] = true;
        }
    }

    /// The pages in the order the tree lists them: what previous and next follow.
    pub fn reading_order(&self) -> Vec<usize> {
        let mut out = Vec::with_capacity(self.page_node.len());
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        while let Some(n) = stack.pop() {
            if let Target::Page(i) = self.nodes[n].target {
                out.push(i);
            }
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }

    /// A node's ancestors, nearest first.
    pub fn ancestors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(self.nodes[node].parent, |&n| self.nodes[n].parent)
    }

    /// How many nodes lie below `node`.
    pub fn count_below(&self, node: usize) -> usize {
        let mut stack = vec![node];
        let mut count = 0;
        while let Some(n) = stack.pop() {
            count += self.nodes[n].children.len();
            stack.extend(&self.nodes[n].children);
        }
        count
    }
}

/// "4. Database Maintenance", as the checklist numbers it.
fn section_title(s: &crate::checklist::Section) -> String {
    match &s.number {
        Some(n) => format!("{n}. {}", s.title),
        None => s.title.clone(),
    }
}
