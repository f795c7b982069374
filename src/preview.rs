//! The live preview behind `serve`: rebuilds the book in memory and keeps a private folder in
//! step with it, writing only the files whose bytes changed, so that an edit reaches the
//! browser in milliseconds. A broken edit leaves the last good site in place and is reported
//! to the terminal and to every open tab.

mod rebuild;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tokio::sync::broadcast;

use crate::config::Overrides;
use crate::diagnostic::{render_diagnostics, Severity};
use crate::pipeline::{build_book_cached, BuildCache};
use crate::render::RenderPlan;
use rebuild::render_deferred;

/// The path under which the preview's own files are served (never a path of the book).
pub const LIVE_PREFIX: &str = "/__opsbook";

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// The site changed: reload.
    Reload,
    /// The last edit broke the book: show this text over the page.
    Broken(String),
    /// The print page was brought up to date: tabs showing it reload.
    PrintChanged,
}

/// Shared between the rebuild loop and the HTTP handlers.
#[derive(Debug)]
pub struct LiveState {
    pub events: broadcast::Sender<LiveEvent>,
    /// The current problem, for tabs that connect while the book is broken.
    pub broken: Mutex<Option<String>>,
}

impl LiveState {
    pub fn new() -> Arc<Self> {
        Arc::new(LiveState {
            events: broadcast::channel(16).0,
            broken: Mutex::new(None),
        })
    }

    fn set(&self, event: LiveEvent) {
        if let Ok(mut b) = self.broken.lock() {
            *b = match &event {
                LiveEvent::Broken(text) => Some(text.clone()),
                LiveEvent::Reload | LiveEvent::PrintChanged => None,
            };
        }
        let _ = self.events.send(event);
    }
}

impl Default for LiveState {
    fn default() -> Self {
        LiveState {
            events: broadcast::channel(16).0,
            broken: Mutex::new(None),
        }
    }
}

/// How one rebuild went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Built { changed: usize, elapsed: Duration },
    Broken { errors: usize },
}

/// The preview folder and what is in it.
pub struct Preview {
    root: PathBuf,
    overrides: Overrides,
    dir: PathBuf,
    /// Output path → hash of the bytes written there.
    written: HashMap<String, u64>,
    /// Asset path → (size, modification time) when last copied.
    assets: HashMap<String, Option<(u64, Option<std::time::SystemTime>)>>,
    cache: BuildCache,
    /// The last good build (its files already written), for rebuilding only the pages a save
    /// changed and for the print page.
    last: Option<crate::pipeline::Report>,
    /// Whether the print page and search index wait for the edits to pause.
    print_pending: bool,
    pub state: Arc<LiveState>,
}

impl Preview {
    /// A preview of the book at `root`, written under `dir` (a folder the caller owns).
    pub fn new(root: &Path, overrides: Overrides, dir: &Path, state: Arc<LiveState>) -> Self {
        Preview {
            root: root.to_path_buf(),
            overrides,
            dir: dir.to_path_buf(),
            written: HashMap::new(),
            assets: HashMap::new(),
            cache: BuildCache::enabled(),
            last: None,
            print_pending: false,
            state,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Rebuilds the book and brings the preview folder in step; prints diagnostics.
    pub fn rebuild(&mut self) -> Result<Outcome> {
        self.rebuild_changed(None)
    }

    /// [`Preview::rebuild`], told which content files changed (absolute paths): when they
    /// are only page bodies, only those pages are built and rendered again.
    pub fn rebuild_changed(&mut self, changed: Option<&[PathBuf]>) -> Result<Outcome> {
        let start = Instant::now();
        let fast = match (changed, self.last.as_mut()) {
            (Some(paths), Some(last)) => {
                rebuild::rebuild_pages(last, paths, &mut self.cache)
                    || rebuild::rebuild_statuses(last, paths, &self.overrides, &mut self.cache)
            }
            _ => false,
        };
        let report = match (fast, self.last.take()) {
            (true, Some(last)) => last,
            _ => build_book_cached(&self.root, &self.overrides, false, &mut self.cache)?,
        };
        let diags = &report.book.diagnostics;
        if !diags.is_empty() {
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
            eprint!("{}", render_diagnostics(diags, &report.book.sources, color));
        }
        let errors = diags.iter().filter(|d| d.severity == Severity::Error).count();
        if errors > 0 || (report.plan == RenderPlan::Full && report.files.is_empty()) {
            let text = render_diagnostics(diags, &report.book.sources, false);
            eprintln!("error: the book is broken ({errors} error(s)); still serving the last good site");
            if self.written.is_empty() {
                self.write_placeholder(&text)?;
            }
            self.state.set(LiveEvent::Broken(text));
            // A broken book is never the base of the next rebuild.
            self.last = None;
            return Ok(Outcome::Broken { errors });
        }
        // The book is good again: a tab that connects while the new files are written must
        // not be shown the last problem (the reload below follows the writes).
        let was_broken = self.state.broken.lock().map(|mut b| b.take().is_some()).unwrap_or(true);
        let mut changed = self.put_all(&report.files)?;
        let mut seen: HashSet<String> = report.files.iter().map(|f| f.path.clone()).collect();
        for a in &report.book.assets {
            // Assets are compared by size and time, not read again on every save.
            let stamp = std::fs::metadata(&a.abs).map(|m| (m.len(), m.modified().ok())).ok();
            if self.assets.get(&a.rel) != Some(&stamp) {
                let bytes = match crate::assets::prepared(a) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => std::fs::read(&a.abs).with_context(|| format!("cannot read {}", a.abs.display()))?,
                    Err(e) => return Err(e).with_context(|| format!("cannot read {}", a.abs.display())),
                };
                changed += usize::from(self.put(&a.rel, &bytes)?);
                self.assets.insert(a.rel.clone(), stamp);
            }
            seen.insert(a.rel.clone());
        }
        if report.plan == RenderPlan::Full {
            let gone: Vec<String> = self.written.keys().filter(|p| !seen.contains(*p)).cloned().collect();
            for path in gone {
                let _ = std::fs::remove_file(self.dir.join(&path));
                self.written.remove(&path);
                self.assets.remove(&path);
                changed += 1;
            }
        }
        // A save that changed no output (a second event of the same save, a file saved
        // unchanged) reloads nothing, unless the tabs show the overlay of a broken book.
        if changed > 0 || was_broken {
            self.state.set(LiveEvent::Reload);
        }
        let elapsed = start.elapsed();
        if matches!(report.plan, RenderPlan::Pages(ref p) if !p.is_empty())
            || matches!(report.plan, RenderPlan::Tasks { .. })
        {
            // The print page holds every page's body: it is brought up to date once the
            // edits pause (see `refresh_print`), so that it never delays the next reload.
            self.print_pending = true;
        } else if report.plan == RenderPlan::Full {
            self.print_pending = false;
        }
        let mut report = report;
        report.files = Vec::new();
        self.last = Some(report);
        Ok(Outcome::Built { changed, elapsed })
    }

    /// Whether the print page waits for [`Preview::refresh_print`].
    pub fn print_pending(&self) -> bool {
        self.print_pending
    }

    /// Renders and writes the print page and the search index after edits that changed only
    /// page bodies, then tells the tabs showing the print page to reload.
    pub fn refresh_print(&mut self) -> Result<()> {
        self.print_pending = false;
        if let Some(report) = &self.last {
            if let Ok(files) = render_deferred(report, &RenderPlan::Deferred) {
                let (print, search): (Vec<_>, Vec<_>) = files.into_iter().partition(|f| f.path.ends_with(".html"));
                self.put_all(&search)?;
                if self.put_all(&print)? > 0 {
                    let _ = self.state.events.send(LiveEvent::PrintChanged);
                }
            }
        }
        Ok(())
    }

    fn put_all(&mut self, files: &[crate::sink::Rendered]) -> Result<usize> {
        let mut changed = 0;
        for f in files {
            let bytes = if f.path.ends_with(".html") {
                inject_live_script(&f.bytes)
            } else {
                f.bytes.clone()
            };
            changed += usize::from(self.put(&f.path, &bytes)?);
        }
        Ok(changed)
    }

    /// Writes one file when its bytes differ from what is there; true when written.
    fn put(&mut self, rel: &str, bytes: &[u8]) -> Result<bool> {
        let hash = crate::fingerprint::hash_of(bytes);
        if self.written.get(rel) == Some(&hash) {
            return Ok(false);
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        // The preview folder lives as long as this process: no need to wait for the disk.
        crate::output::replace_file(&path, bytes, false)?;
        self.written.insert(rel.to_string(), hash);
        Ok(true)
    }

    /// Before the first good build there is no site to keep: a page that shows the errors.
    fn write_placeholder(&mut self, text: &str) -> Result<()> {
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>opsbook: the book does not build</title></head><body><h1>The book does not build yet</h1><pre>{}</pre></body></html>",
            crate::escape::escape_attr(text)
        );
        let bytes = inject_live_script(html.as_bytes());
        self.put("index.html", &bytes)?;
        self.put("404.html", &bytes)?;
        Ok(())
    }
}

/// Adds the live-reload script before `</body>` (at the end when there is none).
pub fn inject_live_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_PREFIX}/live.js\"></script>");
    let mut out = Vec::with_capacity(html.len() + tag.len());
    match html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")) {
        Some(i) => {
            out.extend_from_slice(&html[..i]);
            out.extend_from_slice(tag.as_bytes());
            out.extend_from_slice(&html[i..]);
        }
        None => {
            out.extend_from_slice(html);
            out.extend_from_slice(tag.as_bytes());
        }
    }
    out
}

/// The script every previewed page loads: reload on `reload`, show the problem on `broken`.
pub const LIVE_JS: &str = r#"// opsbook serve: live reload and the error overlay. Not part of a built site.
(function () {
  "use strict";
  var overlay;
  function show(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "opsbook-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem";
      var title = document.createElement("div");
      title.style.cssText = "font:bold 18px sans-serif;margin-bottom:1rem;color:#ff8a80";
      title.textContent = "The book does not build. The page below is the last good one; fix the file and save.";
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0;padding:1rem;background:#111;color:#f5f5f5;border:1px solid #555;border-radius:6px;font:14px/1.5 ui-monospace,monospace";
      overlay.appendChild(title);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.lastChild.textContent = text;
  }
  var source = new EventSource("/__opsbook/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("print", function () {
    if (/\/print\/$/.test(location.pathname)) { location.reload(); }
  });
  source.addEventListener("broken", function (e) { show(JSON.parse(e.data)); });
})();
"#;
