//! The book's cache folder: `.opsbook-cache/` at the book's root, whatever the output folder.
//! It holds highlighted code and the record of the last build's files, only ever to save
//! work. It lives in the book (a folder its owner writes), never beside an output folder
//! that may be shared (`-o /tmp/site` would otherwise read `/tmp/.opsbook-cache/`, which any
//! local user can plant). A folder that is a symlink, or a cache file that is not a regular
//! file, is not used: opsbook then builds without a cache rather than read or write through
//! it. A leaf module.

use std::path::{Path, PathBuf};

/// The folder's name at the book's root.
pub const NAME: &str = ".opsbook-cache";

/// The cache folder of the book at `root`.
pub fn of(root: &Path) -> PathBuf {
    root.join(NAME)
}

/// Whether `dir` may hold opsbook's cache: a real folder, or nothing yet.
pub fn usable(dir: &Path) -> bool {
    crate::book_fs::is_own_folder(dir)
}

/// A cache file's bytes: none when it is missing, not a regular file (a symlink, a FIFO, a
/// device), too large, or in a folder that is not opsbook's own.
pub fn read(file: &Path) -> Option<Vec<u8>> {
    if !usable(file.parent()?) {
        return None;
    }
    let meta = std::fs::symlink_metadata(file).ok()?;
    if !meta.is_file() {
        return None;
    }
    crate::book_fs::read_regular(file, crate::book_fs::CACHE_LIMIT).ok()
}

/// Where the record of builds into `output` is kept: `site.outputs` for the book's own
/// `site/`, and a name with a hash of the full path for an output elsewhere, so that two
/// outputs of the same name never share a record.
pub fn record_file(root: &Path, output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    let inside = output.parent().is_some_and(|p| same_folder(p, root));
    let file = if inside {
        format!("{name}.outputs")
    } else {
        let hash = xxhash_rust::xxh3::xxh3_64(output.as_os_str().as_encoded_bytes());
        format!("{name}-{hash:016x}.outputs")
    };
    of(root).join(file)
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Makes the folder if needed and leaves a note in it saying what it is. False when the
/// folder cannot be opsbook's (a symlink stands there) or cannot be made.
pub fn mark(dir: &Path) -> bool {
    if !usable(dir) || std::fs::create_dir_all(dir).is_err() || !usable(dir) {
        return false;
    }
    // Never through a symlink planted in its place: created new, or left as it is.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(dir.join("README"))
        .and_then(|mut f| {
            std::io::Write::write_all(
                &mut f,
                b"opsbook keeps highlighted code and a record of the last build's files here. Delete this folder at any time.\n",
            )
        });
    true
}
