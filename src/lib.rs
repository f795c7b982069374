//! opsbook: a static site generator for maintenance runbooks and progress.
//!
//! The pipeline, in module order:
//!
//! ```text
//! config ─> content ─> checklist, front_matter, markdown (shortcode, highlight) ─> page
//!        ─> site (links, progress, history) ─> render (theme, badge, view, search) ─> output
//!           (reuse: files carried over from the last build)
//! pipeline.rs runs it; `check` stops before writing; cmd/* glue the command line to it;
//! bundle zips a written site into one archive that opens from disk.
//! ```

pub mod alert_rules;
pub mod assets;
pub mod badge;
pub mod book_fs;
pub mod bundle;
pub mod cache_dir;
pub mod checklist;
pub mod checklist_source;
pub mod clock;
pub mod config;
pub mod content;
pub mod front_matter;
#[doc(hidden)]
pub mod fuzzing;
pub mod generated;
pub mod highlight;
pub mod history;
pub mod ignore_rules;
pub mod incremental;
pub mod links;
pub mod markdown;
pub mod output;
pub mod owned_dir;
pub mod page;
pub mod permanence;
pub mod pipeline;
pub mod preview;
pub mod progress;
pub mod render;
pub mod search;
pub mod serve;
pub mod sink;
pub mod site;
pub mod theme;
pub mod watch;

pub mod cli;
pub mod cmd;
pub mod diagnostic;
pub mod escape;
pub mod fingerprint;
pub mod slug;
pub mod spill;
