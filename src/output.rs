//! Writing the site: the only module that writes to disk.
//!
//! The build goes into a fresh folder beside the output and is swapped in with renames, so a
//! failed build leaves the previous site untouched and a reader never sees half a site.
//! opsbook refuses to write over anything it did not create.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::content::Asset;
use crate::render::Rendered;

/// The file that marks a folder as written by opsbook, so it may be replaced.
pub const MARKER: &str = ".opsbook-output";

/// Refuses an output folder that opsbook must never replace: `/`, the home folder, the
/// book root or its content, a folder holding them, or a non-empty folder opsbook did not
/// write.
pub fn check_output_dir(output: &Path, root: &Path, content: &Path) -> Result<()> {
    let abs = absolute(output);
    let root = absolute(root);
    let content = absolute(content);
    let home = std::env::var_os("HOME").map(PathBuf::from).map(|h| absolute(&h));
    if abs.parent().is_none() {
        bail!(
            "refusing to write the site to {}: it is the file system root",
            abs.display()
        );
    }
    if home.as_deref() == Some(abs.as_path()) {
        bail!(
            "refusing to write the site to {}: it is your home folder",
            abs.display()
        );
    }
    if root.starts_with(&abs) {
        bail!(
            "refusing to write the site to {}: it holds the book itself; choose a folder such as `site`",
            abs.display()
        );
    }
    if content.starts_with(&abs) || abs.starts_with(&content) {
        bail!(
            "refusing to write the site to {}: it is or is inside the content folder {}",
            abs.display(),
            content.display()
        );
    }
    if abs.is_file() {
        bail!("refusing to write the site to {}: it is a file", abs.display());
    }
    if abs.is_dir() && !abs.join(MARKER).exists() {
        let mut entries = fs::read_dir(&abs).with_context(|| format!("cannot read {}", abs.display()))?;
        if entries.next().is_some() {
            bail!(
                "refusing to write the site to {}: the folder is not empty and opsbook did not create it; empty it, remove it, or choose another with -o",
                abs.display()
            );
        }
    }
    Ok(())
}

/// Absolute and lexically normalised (no `..`), without requiring the path to exist.
pub fn absolute(p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Writes `files` and copies `assets` into `output`, atomically replacing what was there.
pub fn write_site(output: &Path, files: &[Rendered], assets: &[Asset]) -> Result<()> {
    let output = absolute(output);
    let parent = output.parent().context("the output folder has no parent")?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.building-"))
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a build folder in {}", parent.display()))?;
    let dir = staging.path();

    let mut clock = std::time::Instant::now();
    remove_leftovers(parent, &name);
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .map(|f| f.path.as_str())
        .chain(assets.iter().map(|a| a.rel.as_str()))
        .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        fs::write(&path, &f.bytes).with_context(|| format!("cannot write {}", path.display()))
    })?;
    assets.par_iter().try_for_each(|a| {
        let path = dir.join(&a.rel);
        fs::copy(&a.abs, &path)
            .map(|_| ())
            .with_context(|| format!("cannot copy {} to {}", a.abs.display(), path.display()))
    })?;
    let mut marker = fs::File::create(dir.join(MARKER)).context("cannot write the output marker")?;
    marker.write_all(b"This folder is written by opsbook build; it is replaced on every build.\n")?;

    crate::pipeline::log_time("write new", &mut clock);
    // Swap: the old site moves aside, the new one takes its name, the old one goes.
    let staged = staging.keep();
    let old = if output.exists() {
        let aside = parent.join(format!("{}{}", aside_prefix(&name), std::process::id()));
        fs::rename(&output, &aside).with_context(|| format!("cannot move the old site {} aside", output.display()))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = fs::rename(&staged, &output) {
        if let Some(aside) = &old {
            let _ = fs::rename(aside, &output);
        }
        let _ = fs::remove_dir_all(&staged);
        return Err(e).with_context(|| format!("cannot move the new site into {}", output.display()));
    }
    if let Some(aside) = old {
        remove_aside(&aside);
    }
    crate::pipeline::log_time("remove old", &mut clock);
    Ok(())
}

/// The name a previous site gets while it waits to be removed: `.site.old-<pid>`.
fn aside_prefix(name: &str) -> String {
    format!(".{name}.old-")
}

/// Removes the previous site, moved aside by a build, without making the build wait for it:
/// deleting 20,000 files takes longer than writing them. A helper process (this program, in
/// its hidden `remove-old-site` mode) does it; where it cannot start, it is done here.
fn remove_aside(aside: &Path) {
    let spawned = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("remove-old-site")
            .arg(aside)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()
    });
    if spawned.is_none() {
        remove_old_site(aside);
    }
}

/// Deletes `path` if it is a previous site moved aside by a build (named `.NAME.old-…` and
/// holding opsbook's marker); anything else is left alone.
pub fn remove_old_site(path: &Path) {
    let is_aside = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n.contains(".old-"));
    if is_aside && path.join(MARKER).is_file() {
        let _ = fs::remove_dir_all(path);
    }
}

/// Removes previous sites a build moved aside whose removal never finished (the machine went
/// down meanwhile).
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = aside_prefix(name);
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let own = format!("{prefix}{}", std::process::id());
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        if n.starts_with(&prefix) && n != own {
            // A helper still at work finishes first or finds nothing: both are fine.
            remove_old_site(&entry.path());
        }
    }
}

/// Replaces one file atomically: written beside it, then renamed over it, so an editor or a
/// crash never sees half a file. Keeps the file's permissions.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("the file has no folder")?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".opsbook-")
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = fs::metadata(path) {
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}
