//! The sidebar: the site's one tree ([`crate::site::nav`]) drawn by `sidebar.html`. The
//! branches leading to the current page are open and marked `aria-current="true"`, the
//! current page's links `aria-current="page"`. Pages under the same branches share one
//! render (a book has a few dozen such sets however many pages it has); the current page's
//! links are marked in the copy each page gets.
//!
//! A book of a few hundred entries lists every one on every page, closed branches folded
//! away; a larger one lists the branches leading to the page and their neighbours only, with
//! a count where a closed branch would be; a list longer than [`LIST_MAX`] is a link to its
//! branch's page, so that the sidebar (and so every page) stays small however large the book
//! grows.

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use super::templates::template_error;
use super::view::SiteView;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::site::nav::{Nav, Target};
use crate::site::Site;
use crate::theme::Theme;

/// Up to this many entries, every page's sidebar holds the whole tree.
const WHOLE_TREE_MAX: usize = 400;
/// The most entries one list shows in a larger book; a longer one is a link to its branch's
/// page ("770 pages").
const LIST_MAX: usize = 50;

/// One entry, as `sidebar.html` sees it.
#[derive(Debug, Serialize)]
struct Item<'a> {
    /// The node's number: the id of its list of entries (`nav-12`).
    id: usize,
    title: &'a str,
    url: Option<&'a str>,
    /// A branch shown open.
    open: bool,
    /// On the way to the current page (`aria-current="true"`).
    current: bool,
    /// Entries below a branch whose entries are not listed here.
    count: usize,
    /// The entries of a long list left to the branch's own page ("770 pages").
    more: usize,
    children: Vec<Item<'a>>,
}

#[derive(Debug, Serialize)]
struct SidebarView<'a> {
    parts: Vec<Item<'a>>,
}

/// Every sidebar the site needs, drawn once each.
pub(super) struct Sidebars {
    /// link → the nodes that lead there.
    by_link: HashMap<String, Vec<usize>>,
    /// The set of open branches → the sidebar drawn with them open.
    drawn: HashMap<Vec<usize>, String>,
    /// node → its link.
    urls: Vec<Option<String>>,
}

impl Sidebars {
    pub(super) fn draw(
        site: &Site,
        config: &Config,
        tera: &Tera,
        theme: &Theme,
        site_view: &SiteView,
    ) -> Result<Sidebars, Diagnostic> {
        let nav = &site.nav;
        let urls: Vec<Option<String>> = nav.nodes.iter().map(|n| node_url(site, config, n.target)).collect();
        let mut by_link: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, url) in urls.iter().enumerate() {
            if let Some(u) = url {
                by_link.entry(u.clone()).or_default().push(i);
            }
        }
        let mut sets: BTreeSet<Vec<usize>> = by_link.values().map(|nodes| open_set(nav, nodes)).collect();
        sets.insert(Vec::new());
        let whole = nav.nodes.len() <= WHOLE_TREE_MAX;
        let counts: Vec<usize> = if whole {
            Vec::new()
        } else {
            (0..nav.nodes.len()).map(|n| nav.count_below(n)).collect()
        };
        let drawn = sets
            .into_par_iter()
            .map(|set| {
                let tree = Tree {
                    nav,
                    urls: &urls,
                    open: &set,
                    whole,
                    counts: &counts,
                };
                let view = SidebarView {
                    parts: nav.roots.iter().map(|&r| tree.item(r)).collect(),
                };
                let mut ctx = Context::new();
                ctx.insert("site", site_view);
                ctx.insert("sidebar", &view);
                let html = tera
                    .render("sidebar.html", &ctx)
                    .map_err(|e| template_error(theme, &e))?;
                Ok((set, html))
            })
            .collect::<Result<HashMap<_, _>, Diagnostic>>()?;
        Ok(Sidebars { by_link, drawn, urls })
    }

    /// Where a node of the tree leads (none for a heading).
    pub(super) fn url(&self, node: usize) -> Option<&str> {
        self.urls.get(node)?.as_deref()
    }

    /// The sidebar of the page at `link`: the branches leading to it open, its own links
    /// marked.
    pub(super) fn for_link(&self, nav: &Nav, link: &str) -> String {
        let nodes = self.by_link.get(link);
        let set = nodes.map(|n| open_set(nav, n)).unwrap_or_default();
        let html = self
            .drawn
            .get(&set)
            .or_else(|| self.drawn.get(&Vec::new()))
            .map(String::as_str)
            .unwrap_or("");
        if nodes.is_none() {
            return html.to_string();
        }
        let href = format!("href=\"{link}\"");
        html.replace(&format!("{href} aria-current=\"true\""), &href)
            .replace(&href, &format!("{href} aria-current=\"page\""))
    }
}

/// The branches open when `nodes` are current: their ancestors, and themselves when they
/// have entries below.
fn open_set(nav: &Nav, nodes: &[usize]) -> Vec<usize> {
    let mut set: Vec<usize> = nodes
        .iter()
        .flat_map(|&n| nav.ancestors(n).chain(std::iter::once(n)))
        .filter(|&n| !nav.nodes[n].children.is_empty())
        .collect();
    set.sort_unstable();
    set.dedup();
    set
}

struct Tree<'a> {
    nav: &'a Nav,
    urls: &'a [Option<String>],
    open: &'a [usize],
    whole: bool,
    counts: &'a [usize],
}

impl<'a> Tree<'a> {
    fn item(&self, n: usize) -> Item<'a> {
        let node = &self.nav.nodes[n];
        let on_path = self.open.binary_search(&n).is_ok();
        let top = node.parent.is_none();
        // A large book lists a branch's entries only on the way to the current page.
        let listed = self.whole || top || on_path;
        let mut children = Vec::new();
        let mut more = 0;
        if listed {
            let list = &node.children;
            // A long list is left to the branch's own page (a section's lists its runbooks).
            if self.whole || top || list.len() <= LIST_MAX {
                children = list.iter().map(|&c| self.item(c)).collect();
            } else {
                more = list.len();
            }
        }
        Item {
            id: n,
            title: &node.title,
            url: self.urls[n].as_deref(),
            open: node.open || on_path,
            current: on_path,
            count: if listed {
                0
            } else {
                self.counts.get(n).copied().unwrap_or(0)
            },
            more,
            children,
        }
    }
}

/// Where a node's link leads, with the site's path prefix.
fn node_url(site: &Site, config: &Config, target: Target) -> Option<String> {
    let u = &config.urls;
    let section = |si: usize| site.checklist.as_ref().and_then(|c| c.checklist.sections.get(si));
    Some(match target {
        Target::None => return None,
        Target::Page(i) => config.link(&site.pages.get(i)?.path),
        Target::Section(si) => config.link(&format!("{}/{}/", u.sections, section(si)?.id)),
        Target::Group(si) => {
            let id = section(si)?
                .group
                .as_deref()
                .map(crate::slug::id_slug)
                .unwrap_or_else(|| "checklist".into());
            format!("{}#{id}", config.link(""))
        }
        Target::Dashboard => config.link(""),
        Target::Alerts => config.link(&format!("{}/", u.alerts)),
        Target::Activities => config.link(&format!("{}/", u.activities)),
    })
}
