//! What a render makes: the whole site, or (for `serve`'s rebuilds) part of it.

/// What a rebuild renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderPlan {
    /// Every output.
    Full,
    /// Only these pages (indices into `site.pages`); the print page and the search index
    /// follow later.
    Pages(Vec<usize>),
    /// The checklist's text changed but not its structure: these pages (edited, or the
    /// runbooks of changed tasks), these tasks' pages, and every output that shows statuses
    /// or counts (dashboard, sections, owners, badges, progress.json, feed). The print page
    /// and the search index follow later.
    Tasks { pages: Vec<usize>, tasks: Vec<String> },
    /// Only what holds every page's body: the print page and the search index.
    Deferred,
}
