//! Running git, read-only: every command goes through [`git`], with the repository's own
//! configuration kept from running programs.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs a read-only git command in `root`. A book may come with its own `.git/config` (an
/// archive of a repository, a shared checkout), and git runs programs named there: the
/// fsmonitor hook on commands that look at the work tree, hooks, an ssh command or a lazy
/// fetch in a partial clone. Those are turned off here, and only commands that never touch
/// the work tree are used (no `status`, which may also run clean filters): history is read
/// from the object store alone.
pub(crate) fn git(root: &Path, args: &[&str]) -> Option<String> {
    let output = command(root, args).stdin(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// [`git`] with `input` on its standard input, returning the raw output.
pub(super) fn git_with_input(root: &Path, args: &[&str], input: &[u8]) -> Option<Vec<u8>> {
    let mut child = command(root, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    // Written from a thread while the output is read: either side may fill its pipe.
    let mut stdin = child.stdin.take()?;
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().ok()?;
    let written = writer.join().ok()?.is_ok();
    (output.status.success() && written).then_some(output.stdout)
}

fn command(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("--no-pager")
        .arg("-C")
        .arg(root)
        .args(SAFE_CONFIG.iter().flat_map(|c| ["-c", c]))
        .args(args)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stderr(Stdio::null());
    cmd
}

/// The texts of `git cat-file --batch` output, in the order asked; `None` for an object
/// that is missing (or not text).
pub(super) fn batch_blobs(out: &[u8]) -> Vec<Option<String>> {
    let mut texts = Vec::new();
    let mut rest = out;
    while let Some(nl) = rest.iter().position(|&b| b == b'\n') {
        let header = String::from_utf8_lossy(&rest[..nl]).into_owned();
        rest = &rest[nl + 1..];
        let mut fields = header.split(' ');
        let (_, kind, size) = (fields.next(), fields.next(), fields.next());
        match (kind, size.and_then(|s| s.parse::<usize>().ok())) {
            (Some(_), Some(size)) if size <= rest.len() => {
                texts.push(String::from_utf8(rest[..size].to_vec()).ok());
                // The object, then a line break.
                rest = rest.get(size + 1..).unwrap_or(&[]);
            }
            // `<name> missing`, or a header not understood.
            _ => texts.push(None),
        }
    }
    texts
}

/// Settings given to every git command, over whatever the repository's configuration says.
const SAFE_CONFIG: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.sshCommand=false",
    "protocol.allow=never",
    "core.pager=cat",
    "core.untrackedCache=false",
];
