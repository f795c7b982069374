//! opsbook: a static site generator for maintenance runbooks and progress.
//!
//! The pipeline, in the order it runs (`pipeline.rs` holds this order and nothing else; see
//! ARCHITECTURE.md):
//!
//! ```text
//! book.toml ─ config ─┐
//! content/  ─ content (ignore_rules, assets) ─ links::book_index
//!           ─ checklist_source (checklist, progress, history)  ┐ side by side:
//!           ─ page (front_matter, markdown, highlight)         ┘ incremental::read_pages
//!           ─ site (bind, place, graph) ─ permanence (opsbook.lock)
//!           ─ render (templates, one file per output kind; generated lists the root files)
//!           ─ sink ─ output (staging, carry-over) ─ site/ written, opsbook.lock updated
//! ```
//!
//! Commands (`cli`, `cmd/*`) call the pipeline and print; `serve` and `watch` run it again
//! on every change (`watch` classifies changes, `preview` keeps the served folder in step and
//! patches part of a site in `preview/rebuild.rs`). Leaves every stage may use: `clock`,
//! `fingerprint`, `escape`, `diagnostic`, `slug`, `book_fs`, `cache_dir`, `owned_dir`, `spill`.

// Reading the book.
pub mod assets;
pub mod config;
pub mod content;
pub mod ignore_rules;

// Pages and the checklist.
pub mod activities;
pub mod checklist;
pub mod checklist_source;
pub mod front_matter;
pub mod highlight;
pub mod history;
pub mod incremental;
pub mod links;
pub mod markdown;
pub mod page;
pub mod progress;

// The site, and the URLs it has published.
pub mod permanence;
pub mod site;

// Rendering and writing.
pub mod badge;
pub mod generated;
pub mod output;
pub mod render;
pub mod search;
pub mod sink;
pub mod theme;

// The stage order.
pub mod pipeline;

// Commands, and what runs the pipeline again on changes.
pub mod alert_rules;
pub mod bundle;
pub mod cli;
pub mod cmd;
pub mod preview;
pub mod serve;
pub mod watch;

// Leaves: shared helpers that import nothing of the pipeline.
pub mod book_fs;
pub mod cache_dir;
pub mod clock;
pub mod diagnostic;
pub mod escape;
pub mod fingerprint;
pub mod owned_dir;
pub mod slug;
pub mod spill;

#[doc(hidden)]
pub mod fuzzing;
