//! Working folders that a run of opsbook makes and removes (a site being built, `serve`'s
//! preview), claimed by a lock file beside them while the run lives.
//!
//! A run killed outright (SIGKILL, a closed terminal, a container stopped) cannot remove its
//! folder. The next run proves a leftover is opsbook's and abandoned before removing it: the
//! folder has a name opsbook gives (`<prefix>XXXXXX`) and its lock file (`<folder>.lock`,
//! made before the folder) is not locked. The operating system lets go of a lock when its
//! process dies, however it dies, so a live run's folder is never taken. A leaf module.

use std::fs;
use std::path::{Path, PathBuf};

/// A folder claimed by this process; removed, with its lock file, when dropped (unless kept).
#[derive(Debug)]
pub struct OwnedDir {
    dir: PathBuf,
    lock: Option<tempfile::NamedTempFile>,
    keep: bool,
}

impl OwnedDir {
    /// Makes `<parent>/<prefix>XXXXXX` (random) and its lock file, locked, after removing the
    /// abandoned folders of the same prefix that earlier runs left behind.
    pub fn new_in(parent: &Path, prefix: &str) -> std::io::Result<OwnedDir> {
        remove_abandoned(parent, prefix);
        // The lock file first: a folder of ours never exists without it.
        let lock = tempfile::Builder::new()
            .prefix(prefix)
            .suffix(".lock")
            .tempfile_in(parent)?;
        lock.as_file()
            .try_lock()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let name = lock
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".lock"))
            .ok_or_else(|| std::io::Error::other("lock file without a name"))?
            .to_string();
        let dir = parent.join(name);
        fs::create_dir(&dir)?;
        Ok(OwnedDir {
            dir,
            lock: Some(lock),
            keep: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Lets the folder live on under another name (it was moved away); the lock file goes.
    pub fn keep(mut self) -> PathBuf {
        self.keep = true;
        self.dir.clone()
    }
}

impl Drop for OwnedDir {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.dir);
        }
        // The lock file last (dropping it deletes it): never a folder without one.
        drop(self.lock.take());
    }
}

/// Removes `<parent>/<prefix>*` folders whose lock file no live process holds.
pub fn remove_abandoned(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let Some(folder) = name.strip_prefix(prefix).and_then(|n| n.strip_suffix(".lock")) else {
            continue;
        };
        // Names opsbook gives only: the random part is letters and digits.
        if folder.is_empty() || !folder.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let lock_path = entry.path();
        let Ok(meta) = fs::symlink_metadata(&lock_path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let Ok(lock) = fs::OpenOptions::new().read(true).write(true).open(&lock_path) else {
            continue;
        };
        if lock.try_lock().is_err() {
            continue; // a live run holds it
        }
        let dir = parent.join(format!("{prefix}{folder}"));
        if fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            let _ = fs::remove_dir_all(&dir);
        }
        let _ = fs::remove_file(&lock_path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abandoned_folder_is_removed_and_a_live_one_kept() {
        let parent = tempfile::tempdir().unwrap();
        let live = OwnedDir::new_in(parent.path(), ".site.building-").unwrap();
        std::fs::write(live.path().join("index.html"), "live").unwrap();
        // An abandoned one: its lock file is there, unlocked (its process died).
        std::fs::write(parent.path().join(".site.building-dead01.lock"), "").unwrap();
        std::fs::create_dir(parent.path().join(".site.building-dead01")).unwrap();
        std::fs::write(parent.path().join(".site.building-dead01/index.html"), "old").unwrap();
        // Not ours: no lock file, or another name.
        std::fs::create_dir(parent.path().join(".site.building-nolock")).unwrap();
        std::fs::create_dir(parent.path().join("site")).unwrap();
        let second = OwnedDir::new_in(parent.path(), ".site.building-").unwrap();
        assert!(live.path().join("index.html").exists(), "a live run's folder is kept");
        assert!(!parent.path().join(".site.building-dead01").exists());
        assert!(!parent.path().join(".site.building-dead01.lock").exists());
        assert!(parent.path().join(".site.building-nolock").exists());
        assert!(parent.path().join("site").exists());
        let (a, b) = (live.path().to_path_buf(), second.path().to_path_buf());
        drop(live);
        drop(second);
        assert!(!a.exists() && !b.exists());
        let left: Vec<_> = std::fs::read_dir(parent.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
