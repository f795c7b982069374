//! `opsbook watch`: build, then rebuild into the output folder on every change.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::{build, CmdResult};
use crate::watch::{classify_batch, watch_book, Change, WatchedPaths};

pub fn run(dir: &Path) -> CmdResult {
    let Some(config) = super::load_config_or_report(dir) else {
        return Ok(ExitCode::from(1));
    };
    let paths = WatchedPaths::of(dir, &config);
    let mut watcher = watch_book(&paths, Duration::from_millis(25))?;
    build::build(dir, None, None, Vec::new(), None, false)?;
    println!("Watching {} for changes (Ctrl+C to stop)", paths.root.display());
    while let Ok(batch) = watcher.events.recv() {
        let mut change = classify_batch(&paths, batch.iter().map(PathBuf::as_path));
        while let Ok(more) = watcher.events.try_recv() {
            change = change.max(classify_batch(&paths, more.iter().map(PathBuf::as_path)));
        }
        if change != Change::Ignored {
            watcher.watch_new_folders(&paths);
            // A broken edit is reported and the previous site stays: keep watching. A build
            // that could not be written is said too, never dropped: the site is then stale.
            match build::build(dir, None, None, Vec::new(), None, false) {
                Ok(_) => {}
                Err(super::Failure::Usage(msg)) => eprintln!("error: {msg}; the site was not updated"),
                Err(super::Failure::Other(e)) => {
                    eprintln!("error: {e}; the site was not updated");
                    for cause in e.chain().skip(1) {
                        eprintln!("  caused by: {cause}");
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
