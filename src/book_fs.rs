//! What opsbook may open: the book's own files, checked before they are read or written.
//!
//! Configuration and records (`book.toml`, `opsbook.lock`, the build cache) and the content
//! and theme folders must be regular files and folders inside the book. A symlink that leaves
//! the book is refused, so a pull request cannot make a diagnostic print the lines of
//! `/proc/self/environ`, and a FIFO or a device (`/dev/zero`) is refused before it is opened,
//! so nothing hangs or reads without end. Every read is capped. A leaf module: it imports
//! nothing of the pipeline.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file of the book was not read.
#[derive(Debug)]
pub enum Refused {
    /// A symlink (itself or a folder on the way) that leads outside the book.
    Outside(PathBuf),
    /// Not a regular file: a FIFO, a device, a socket or a folder.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge(u64),
    /// The operating system's own error.
    Io(std::io::Error),
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refused::Outside(target) => write!(
                f,
                "it is a symlink that leads outside the book (to {})",
                target.display()
            ),
            Refused::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refused::TooLarge(limit) => write!(f, "it is larger than {} MiB", limit / (1024 * 1024)),
            Refused::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Refused {
    /// What to do about it, for a diagnostic's hint.
    pub fn hint(&self) -> &'static str {
        match self {
            Refused::Outside(_) => "opsbook reads only files inside the book: replace the symlink with the file itself",
            Refused::NotRegular(_) => "replace it with a regular file",
            Refused::TooLarge(_) => "this is far larger than any such file should be: check what it is",
            Refused::Io(_) => "check the file's permissions",
        }
    }
}

/// Caps on what is read, by kind of file.
pub const CONFIG_LIMIT: u64 = 4 * 1024 * 1024;
/// `opsbook.lock`: about 1.2 KB a page, so 100,000 pages is about 120 MB.
pub const RECORD_LIMIT: u64 = 1024 * 1024 * 1024;
/// A build cache file: past this it is ignored, as a damaged one is.
pub const CACHE_LIMIT: u64 = 2 * 1024 * 1024 * 1024;
/// A file named on the command line (`--alert-rules`).
pub const INPUT_LIMIT: u64 = 256 * 1024 * 1024;

/// Reads `path`, a file of the book at `root`: `Ok(None)` when it does not exist, refused
/// when it (or a folder on the way) is a symlink leading outside `root`, or is not a regular
/// file, or holds more than `limit` bytes.
pub fn read_in_book(root: &Path, path: &Path, limit: u64) -> Result<Option<Vec<u8>>, Refused> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink on the way is "not found" too: nothing is read.
            return Ok(None);
        }
        Err(e) => return Err(Refused::Io(e)),
        Ok(_) => {}
    }
    check_inside(root, path)?;
    read_regular(path, limit).map(Some)
}

/// Refuses `path` when it resolves to a place outside `root` (through a symlink of its own or
/// of a folder on the way). A path that does not exist yet is checked by its nearest existing
/// ancestor.
pub fn check_inside(root: &Path, path: &Path) -> Result<(), Refused> {
    let root = root.canonicalize().map_err(Refused::Io)?;
    let mut probe = path.to_path_buf();
    loop {
        if std::fs::symlink_metadata(&probe).is_ok() {
            let real = probe.canonicalize().map_err(|e| {
                if std::fs::symlink_metadata(&probe).is_ok_and(|m| m.file_type().is_symlink()) {
                    // Dangling: where it points is what matters.
                    Refused::Outside(std::fs::read_link(&probe).unwrap_or_default())
                } else {
                    Refused::Io(e)
                }
            })?;
            return if real.starts_with(&root) {
                Ok(())
            } else {
                Err(Refused::Outside(real))
            };
        }
        match probe.parent() {
            Some(p) if !p.as_os_str().is_empty() => probe = p.to_path_buf(),
            _ => return Ok(()),
        }
    }
}

/// Reads a regular file of at most `limit` bytes; a FIFO, a device or a folder is refused
/// before it is opened (opening a FIFO waits for a writer).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let meta = std::fs::metadata(path).map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(Refused::TooLarge(limit));
    }
    let file = std::fs::File::open(path).map_err(Refused::Io)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the look and the read: never past the cap.
    file.take(limit + 1).read_to_end(&mut bytes).map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooLarge(limit));
    }
    Ok(bytes)
}

fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Whether `dir` is a real folder (not a symlink) or does not exist yet: where opsbook may
/// keep files of its own.
pub fn is_own_folder(dir: &Path) -> bool {
    match std::fs::symlink_metadata(dir) {
        Ok(m) => m.is_dir(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// Creates `path` with `text`, failing when anything is already there, a dangling symlink
/// included (`O_EXCL` never follows one), and refusing a folder on the way that leads outside
/// `root`.
pub fn create_new_in_book(root: &Path, path: &Path, text: &[u8]) -> Result<(), Refused> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        check_inside(root, parent)?;
        std::fs::create_dir_all(parent).map_err(Refused::Io)?;
        // Made just now: still inside (a folder may have been swapped for a symlink meanwhile).
        check_inside(root, parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(Refused::Io)?;
    file.write_all(text).map_err(Refused::Io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_out_of_the_book_is_refused_and_one_inside_is_read() {
        let outside = tempfile::tempdir().unwrap();
        let book = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "TOKEN=1").unwrap();
        std::fs::write(book.path().join("real.toml"), "x = 1").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path().join("secret"), book.path().join("book.toml")).unwrap();
            std::os::unix::fs::symlink(book.path().join("real.toml"), book.path().join("inside.toml")).unwrap();
            let err = read_in_book(book.path(), &book.path().join("book.toml"), CONFIG_LIMIT).unwrap_err();
            assert!(matches!(err, Refused::Outside(_)), "{err}");
            let ok = read_in_book(book.path(), &book.path().join("inside.toml"), CONFIG_LIMIT).unwrap();
            assert_eq!(ok.as_deref(), Some(&b"x = 1"[..]));
        }
        assert!(read_in_book(book.path(), &book.path().join("none"), CONFIG_LIMIT)
            .unwrap()
            .is_none());
    }

    #[test]
    fn devices_folders_and_large_files_are_refused() {
        let book = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(Refused::NotRegular("a device"))
        ));
        assert!(matches!(
            read_regular(book.path(), 10),
            Err(Refused::NotRegular("a folder"))
        ));
        std::fs::write(book.path().join("big"), [0u8; 11]).unwrap();
        assert!(matches!(
            read_regular(&book.path().join("big"), 10),
            Err(Refused::TooLarge(10))
        ));
    }
}
