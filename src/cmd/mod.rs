//! The commands: each turns its arguments into a pipeline call and prints one summary.
//! No parsing and no rendering here.

mod adopt;
mod build;
mod check;
mod init;
mod link;
mod progress;
mod serve;
mod watch;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::Command;
use crate::diagnostic::{render_diagnostics, Diagnostic, Severity};

/// Why a command failed: the user's words (exit 2), or anything else (exit 1).
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

pub type CmdResult = Result<ExitCode, Failure>;

pub fn run(command: Command) -> CmdResult {
    match command {
        Command::Init { dir, adopt: false } => init::run(&dir.unwrap_or_else(|| PathBuf::from("."))),
        Command::Init { dir, adopt: true } => adopt::run(&dir.unwrap_or_else(|| PathBuf::from("."))),
        Command::Build {
            dir,
            output,
            site_url,
            accept_removed,
            offline_bundle,
        } => build::run(&book_dir(dir)?, output, site_url, accept_removed, offline_bundle),
        Command::Check {
            dir,
            format,
            alert_rules,
            strict,
            verbose,
        } => check::run(&book_dir(dir)?, format, &alert_rules, strict, verbose),
        Command::Serve {
            dir,
            port,
            host,
            open,
            find_port,
            allow_host,
        } => serve::run(
            &book_dir(dir)?,
            serve::ServeArgs {
                port,
                host,
                open,
                find_port,
                allow_hosts: allow_host,
            },
        ),
        Command::Watch { dir } => watch::run(&book_dir(dir)?),
        Command::RemoveOldSite { path } => {
            crate::output::remove_old_site(&path);
            Ok(ExitCode::SUCCESS)
        }
        Command::Progress {
            dir,
            format,
            write,
            since,
            history,
        } => match (since, history) {
            (Some(since), _) => progress::run_since(&book_dir(dir)?, since, format),
            (None, true) => progress::run_history(&book_dir(dir)?, format),
            (None, false) => progress::run(&book_dir(dir)?, format, write),
        },
        Command::Link { query, dir, format } => link::run(&book_dir(dir)?, &query, format),
    }
}

/// The book's folder: it must exist.
fn book_dir(dir: Option<PathBuf>) -> Result<PathBuf, Failure> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    if !dir.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a folder; pass the folder that holds book.toml and content/",
            dir.display()
        )));
    }
    Ok(dir)
}

/// The book's configuration, or None after printing why it cannot be read.
fn load_config_or_report(dir: &Path) -> Option<crate::config::Config> {
    match crate::config::load_config(dir, None) {
        Ok((config, _)) => Some(config),
        Err(d) => {
            let text = crate::config::read_config_text(dir).unwrap_or_default();
            print_diagnostics(
                &d,
                &std::iter::once((crate::config::CONFIG_FILE.to_string(), text)).collect(),
            );
            None
        }
    }
}

/// Prints diagnostics to stderr, coloured when it is a terminal.
fn print_diagnostics(diagnostics: &[Diagnostic], sources: &HashMap<String, String>) {
    if diagnostics.is_empty() {
        return;
    }
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", render_diagnostics(diagnostics, sources, color));
}

fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics.iter().filter(|d| d.severity == severity).count()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `site/` when under the current folder, else the full path.
fn show_path(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = crate::output::absolute(p);
    match abs.strip_prefix(&cwd) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", rel.display()),
        _ => format!("{}/", abs.display()),
    }
}
