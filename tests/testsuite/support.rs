//! `Book`: a fixture book in a temporary folder, and the `opsbook` binary run on it with a
//! clean environment and a fixed date, so results do not depend on the machine or the day.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// 2026-11-27, the day the tests' review dates are measured against.
pub const FIXED_EPOCH: &str = "1795737600";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Book {
    pub dir: tempfile::TempDir,
}

impl Book {
    /// An empty folder.
    pub fn empty() -> Book {
        Book {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// A copy of `tests/testsuite/fixtures/<name>`.
    pub fn fixture(name: &str) -> Book {
        let book = Book::empty();
        copy_dir(&repo_root().join("tests/testsuite/fixtures").join(name), book.path());
        book
    }

    /// A copy of the example book at the repository root (book.toml and content/).
    pub fn example() -> Book {
        let book = Book::empty();
        fs::copy(repo_root().join("book.toml"), book.path().join("book.toml")).expect("copy book.toml");
        copy_dir(&repo_root().join("content"), &book.path().join("content"));
        book
    }

    /// A book made of the given files (path, text).
    pub fn with_files(files: &[(&str, &str)]) -> Book {
        let book = Book::empty();
        for (path, text) in files {
            book.write(path, text);
        }
        book
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs git in the book as a fixed author, on 2026-11-20; fails the test if git fails.
    pub fn git(&self, args: &[&str]) {
        let ok = std::process::Command::new("git")
            .current_dir(self.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00Z")
            .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00Z")
            .status()
            .expect("git runs");
        assert!(ok.success(), "git {args:?}");
    }

    /// Commits everything as `author` on `date` (`YYYY-MM-DD`), making the repository first
    /// if there is none: a scripted history.
    pub fn commit_on(&self, date: &str, author: &str, message: &str) {
        if !self.path().join(".git").exists() {
            self.git(&["init", "-q"]);
        }
        self.git(&["add", "-A"]);
        let at = format!("{date}T10:00:00Z");
        let ok = std::process::Command::new("git")
            .current_dir(self.path())
            .args(["-c", &format!("user.name={author}"), "-c", "user.email=t@example.com"])
            .args(["commit", "-q", "--allow-empty", "-am", message])
            .env("GIT_COMMITTER_DATE", &at)
            .env("GIT_AUTHOR_DATE", &at)
            .status()
            .expect("git runs");
        assert!(ok.success(), "git commit on {date}");
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).exists()
    }

    /// Runs `opsbook ARGS` in the book's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// [`Book::run`] with more environment variables set.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = Command::cargo_bin("opsbook").expect("binary");
        cmd.current_dir(self.path())
            .env_clear()
            .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
            .env("NO_COLOR", "1")
            .args(args);
        if let Some(path) = std::env::var_os("PATH") {
            cmd.env("PATH", path);
        }
        cmd.envs(env.iter().copied());
        Run(cmd.output().expect("run opsbook"))
    }
}

/// The outcome of one run.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code(),
            0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    #[track_caller]
    pub fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(
            self.code(),
            code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
        self
    }
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout().contains(needle),
            "stdout lacks {needle:?}:\n{}",
            self.stdout()
        );
        self
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file below `dir` with its bytes, sorted by path.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .expect("prefix")
                    .to_string_lossy()
                    .into_owned(),
                fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}
