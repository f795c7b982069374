//! The command line: clap types only. What each command does lives in `cmd/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "opsbook",
    version,
    about = "Build a static site of maintenance runbooks and checklist progress",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// The day review dates are measured against (YYYY-MM-DD) [default: today, UTC, or
    /// SOURCE_DATE_EPOCH]
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<time::Date>,
}

fn parse_today(s: &str) -> Result<time::Date, String> {
    crate::front_matter::parse_date(s)
        .filter(|_| s.trim().len() == 10)
        .ok_or_else(|| format!("`{s}` is not a date written YYYY-MM-DD"))
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new book: book.toml, a checklist, one runbook and a GitHub Pages workflow
    Init {
        /// Folder to create the book in [default: the current folder]
        dir: Option<PathBuf>,
        /// Write only a book.toml around the Markdown runbooks already in DIR (a repository
        /// read on GitHub): its content folder, ignore rules, checklist and alert pages
        #[arg(long)]
        adopt: bool,
    },
    /// Build the site into the output folder (site/ by default)
    Build {
        /// The book's folder, holding book.toml and content/ [default: the current folder]
        dir: Option<PathBuf>,
        /// Output folder [default: `output` in book.toml, else site]
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// Override `site.url` (e.g. https://acme.github.io/runbooks/)
        #[arg(long = "site-url", value_name = "URL")]
        site_url: Option<String>,
        /// A published URL that may disappear (removed from opsbook.lock); may be repeated
        #[arg(long = "accept-removed", value_name = "URL")]
        accept_removed: Vec<String>,
        /// Also write the site as one zip that opens from disk (links made relative, search
        /// and the print page included), e.g. runbooks.zip
        #[arg(long = "offline-bundle", value_name = "ZIP")]
        offline_bundle: Option<PathBuf>,
    },
    /// Build, serve on http://127.0.0.1:3000/, rebuild on every change and reload the browser
    Serve {
        dir: Option<PathBuf>,
        /// Port to listen on (0: any free port) [default: `serve.port` in book.toml, else 3000]
        #[arg(short = 'p', long)]
        port: Option<u16>,
        /// Address to listen on; anything but loopback makes the book visible to the network
        #[arg(long)]
        host: Option<String>,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// When the port is taken, use the next free one instead of failing
        #[arg(long = "find-port")]
        find_port: bool,
        /// Also answer requests for this host name (the preview answers only its own
        /// addresses and localhost, against DNS rebinding); repeatable
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Build, then rebuild into the output folder on every change
    Watch { dir: Option<PathBuf> },
    /// Removes a previous site that a build moved aside (run by `build` in the background)
    #[command(name = "remove-old-site", hide = true)]
    RemoveOldSite { path: PathBuf },
    /// Validate everything (links, anchors, checklist, templates) and write nothing
    Check {
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// A Prometheus rule file (or PrometheusRule object): every alert's runbook_url must
        /// lead to a page of this book. May be given several times.
        #[arg(long = "alert-rules", value_name = "FILE")]
        alert_rules: Vec<PathBuf>,
        /// Make warnings that need a person's attention errors (stale and overdue reviews)
        #[arg(long)]
        strict: bool,
        /// Also list the files kept out of the site (`[build] ignore`, .gitignore, OWNERS)
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Print checklist progress, or rewrite the checklist's progress table with --write
    Progress {
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ProgressFormat::Text)]
        format: ProgressFormat,
        /// Rewrite the progress column of the checklist's own table in place
        #[arg(long)]
        write: bool,
        /// Print what changed since this day, from git: tasks completed, started, reopened,
        /// added and removed, with dates and who committed (for a weekly status report)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_today, conflicts_with_all = ["write", "history"])]
        since: Option<time::Date>,
        /// Print the daily series the dashboard's burn-up chart is drawn from, from git
        #[arg(long, conflicts_with = "write")]
        history: bool,
    },
    /// Print the permanent URL of the task, alert or page matching QUERY
    Link {
        /// A task id, an alert name, a page path or words of a title
        query: String,
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = LinkFormat::Url)]
        format: LinkFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressFormat {
    Text,
    Json,
    Markdown,
    /// Comma-separated values (`--history` and `--since`)
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LinkFormat {
    Url,
    Markdown,
    Json,
}
