//! opsbook: a static site generator for maintenance runbooks and progress.
//!
//! The pipeline, in module order:
//!
//! ```text
//! config ─> content ─> checklist, front_matter, markdown (highlight, shortcode) ─> page
//!        ─> site (links, progress) ─> render (badge, view) ─> output
//! pipeline.rs runs it; `check` stops before render.
//! ```

pub mod checklist;
pub mod config;
pub mod diagnostic;
pub mod front_matter;
pub mod slug;
pub mod content;
pub mod highlight;
pub mod links;
pub mod markdown;
pub mod shortcode;
