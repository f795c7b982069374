//! The `opsbook` binary: parse the command line, run the command, print the error chain
//! once, exit 0 (success), 1 (content errors) or 2 (usage errors).

use std::process::ExitCode;

use clap::Parser;
use opsbook::cli::Cli;
use opsbook::cmd::{self, Failure};

/// mimalloc instead of the system allocator: a build makes and frees millions of small
/// strings from two threads, where glibc's allocator spent a fifth of the time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(today) = cli.today {
        opsbook::clock::set_today(today);
    }
    match cmd::run(cli.command) {
        Ok(code) => code,
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(1)
        }
    }
}
