//! Where rendered files go. `build` writes each file into the new site as soon as it is made
//! (see `output::Staging`), so a large book is never held in memory whole; `serve` keeps the
//! files to compare them with what it serves, and `check` keeps only their paths.

use std::io::{self, Write};
use std::sync::Mutex;

use crate::fingerprint::Key;

/// One file of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Path inside the output folder, with `/` separators (`tasks/x/index.html`).
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Rendered {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Rendered {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Takes the files of the output as the renderer makes them, from any thread.
pub trait Sink: Sync {
    /// One file, written by `write` into the writer it is given. Used for files too large to
    /// build in memory first (the print page).
    fn put_with(&self, path: String, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>);

    /// One file whose bytes are already made.
    fn put(&self, file: Rendered) {
        let Rendered { path, bytes } = file;
        self.put_with(path, &mut |w| w.write_all(&bytes));
    }

    /// The path of every file taken so far.
    fn paths(&self) -> Vec<String>;

    /// Whether this sink can carry files over from the last build, so that the renderer
    /// should work out the [`Key`] of what it makes (`build` only).
    fn wants_keys(&self) -> bool {
        false
    }

    /// Takes over every file the last build made under `key`, unchanged since; `false` when
    /// there is none or any of them changed, and the caller renders them.
    fn reuse(&self, _key: Key) -> bool {
        false
    }

    /// [`Sink::put`] for a file made from the inputs hashed into `key`.
    fn put_keyed(&self, _key: Key, file: Rendered) {
        self.put(file)
    }

    /// [`Sink::put_with`] for a file made from the inputs hashed into `key`.
    fn put_with_keyed(&self, _key: Key, path: String, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) {
        self.put_with(path, write)
    }
}

/// Keeps what it is given: whole files (`serve`, tests) or only their paths (`check`).
pub struct Collect {
    keep_bytes: bool,
    files: Mutex<Vec<Rendered>>,
}

impl Collect {
    /// Keeps every file whole.
    pub fn files() -> Self {
        Collect {
            keep_bytes: true,
            files: Mutex::new(Vec::new()),
        }
    }

    /// Keeps only paths: what a check needs to find two files at one URL.
    pub fn paths_only() -> Self {
        Collect {
            keep_bytes: false,
            files: Mutex::new(Vec::new()),
        }
    }

    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<Rendered> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }

    fn push(&self, file: Rendered) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(file);
    }
}

impl Sink for Collect {
    fn put_with(&self, path: String, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) {
        let mut bytes = Vec::new();
        if self.keep_bytes {
            // Writing into a Vec cannot fail.
            let _ = write(&mut bytes);
        }
        self.push(Rendered { path, bytes });
    }

    fn put(&self, mut file: Rendered) {
        if !self.keep_bytes {
            file.bytes = Vec::new();
        }
        self.push(file);
    }

    fn paths(&self) -> Vec<String> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.iter().map(|f| f.path.clone()).collect()
    }
}
