//! `opsbook watch`: build, then rebuild into the output folder on every change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::{build, print_diagnostics, CmdResult};
use crate::config::load_config;
use crate::watch::{classify_batch, watch_book, Change, WatchedPaths};

pub fn run(dir: &Path) -> CmdResult {
    let config = match load_config(dir, None) {
        Ok((c, _)) => c,
        Err(d) => {
            let text = std::fs::read_to_string(dir.join(crate::config::CONFIG_FILE)).unwrap_or_default();
            print_diagnostics(
                &d,
                &std::iter::once((crate::config::CONFIG_FILE.to_string(), text)).collect(),
            );
            return Ok(ExitCode::from(1));
        }
    };
    let abs = |p: &Path| p.canonicalize().unwrap_or_else(|_| crate::output::absolute(p));
    let paths = WatchedPaths {
        root: abs(dir),
        content: abs(&config.content_dir),
        themes: abs(&dir.join("themes")),
        output: abs(&config.output_dir),
    };
    let mut watcher = watch_book(&paths, Duration::from_millis(25))?;
    build::run(dir, None, None, Vec::new())?;
    println!("Watching {} for changes (Ctrl+C to stop)", paths.root.display());
    while let Ok(batch) = watcher.events.recv() {
        let mut change = classify_batch(&paths, batch.iter().map(PathBuf::as_path));
        while let Ok(more) = watcher.events.try_recv() {
            change = change.max(classify_batch(&paths, more.iter().map(PathBuf::as_path)));
        }
        if change != Change::Ignored {
            watcher.watch_new_folders(&paths);
            // A broken edit is reported and the previous site stays: keep watching.
            let _ = build::run(dir, None, None, Vec::new());
        }
    }
    Ok(ExitCode::SUCCESS)
}
