//! `opsbook serve`: build, serve the preview, rebuild on every change and reload open tabs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context};

use super::CmdResult;
use crate::config::Overrides;
use crate::preview::{LiveState, Outcome, Preview};
use crate::serve::{router, HostCheck};
use crate::watch::{classify, classify_batch, watch_book, Change, WatchedPaths, Watcher};

/// How long edits must pause before the print page is brought up to date.
const PRINT_AFTER: Duration = Duration::from_millis(700);

/// How many ports `--find-port` tries after the one asked for.
const PORT_TRIES: u16 = 20;

pub struct ServeArgs {
    pub port: Option<u16>,
    pub host: Option<String>,
    pub open: bool,
    pub find_port: bool,
    /// More names the Host check answers (`--allow-host`).
    pub allow_hosts: Vec<String>,
}

pub fn run(dir: &Path, args: ServeArgs) -> CmdResult {
    let Some(config) = super::load_config_or_report(dir) else {
        return Ok(ExitCode::from(1));
    };
    let host = args.host.clone().unwrap_or_else(|| config.serve_host.clone());
    let port = args.port.unwrap_or(config.serve_port);
    // Claimed by a lock file while serve runs: the folder of a serve that was killed is
    // removed by the next one.
    let preview_dir = crate::owned_dir::OwnedDir::new_in(&std::env::temp_dir(), "opsbook-serve-")
        .context("cannot create the preview folder")?;
    let live = LiveState::new();
    let overrides = Overrides {
        history: true,
        ..Overrides::default()
    };
    let mut preview = Preview::new(dir, overrides, preview_dir.path(), live.clone());
    // Watch before the first build, so that no save is missed between the two. The events
    // of one save (an editor's truncate and write, or write and rename) come within a
    // millisecond or so: 4 ms groups them and costs the save's reload no more.
    let paths = WatchedPaths::of(dir, &config);
    let watcher = watch_book(&paths, Duration::from_millis(4))?;
    report(preview.rebuild()?);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the server")?;
    runtime.block_on(async move {
        let listener = bind(&host, port, args.find_port).await?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            eprintln!("warning: serving on {addr}: the book is visible to every machine that can reach this one");
        }
        let base = config.base_path.clone();
        let shown_host = if addr.ip().is_unspecified() {
            "127.0.0.1".to_string()
        } else {
            host_for_url(&addr)
        };
        let url = format!("http://{shown_host}:{}{base}", addr.port());
        // Listening for Ctrl+C and SIGTERM before saying where it serves: a signal sent as
        // soon as serve has spoken still removes the preview folder.
        let signal = shutdown_signal();
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            signal.await;
            let _ = stopping.send(());
        };
        println!(
            "Serving {} at {url} (Ctrl+C to stop)",
            config.title.as_deref().unwrap_or("the book")
        );
        std::thread::spawn(move || rebuild_loop(paths, watcher, preview));
        if args.open {
            open_browser(&url);
        }
        // The name it was told to listen on is its own too (`--host runbooks.lan`).
        let mut names = args.allow_hosts.clone();
        names.push(host.clone());
        let app = router(preview_dir.path(), &base, live, HostCheck::new(&addr, &names));
        let server = std::future::IntoFuture::into_future(axum::serve(listener, app).with_graceful_shutdown(shutdown));
        // A stopping server waits for its requests to finish, but an open page's live-reload
        // stream never does: past a moment, what is still open is dropped.
        let linger = async move {
            if stopped.await.is_ok() {
                tokio::time::sleep(SHUTDOWN_GRACE).await;
            } else {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            result = server => result.context("the server stopped")?,
            () = linger => {}
        }
        drop(preview_dir);
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// How long a stopping server lets requests in flight finish.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_millis(500);

/// Ctrl+C, a polite `kill` (SIGTERM) or a closed terminal (SIGHUP): either way the server stops and the preview folder
/// is removed. The signals are caught from this call on (not from the first wait), so that
/// none is missed; it must be called within the runtime.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).ok();
        let mut interrupt = signal(SignalKind::interrupt()).ok();
        // A closed terminal or SSH session.
        let mut hangup = signal(SignalKind::hangup()).ok();
        async fn recv(s: &mut Option<Signal>) {
            match s {
                Some(s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        async move {
            tokio::select! {
                _ = recv(&mut interrupt) => {}
                _ = recv(&mut term) => {}
                _ = recv(&mut hangup) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Binds `host:port`; with `find_port`, the next free port when that one is taken.
async fn bind(host: &str, port: u16, find_port: bool) -> anyhow::Result<tokio::net::TcpListener> {
    let tries = if find_port && port != 0 { PORT_TRIES } else { 1 };
    for p in (0..tries).map(|i| port.saturating_add(i)) {
        match tokio::net::TcpListener::bind((host, p)).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot listen on {host}:{p}")),
        }
    }
    if find_port {
        bail!(
            "ports {port} to {} on {host} are all in use; pass another with -p",
            port.saturating_add(PORT_TRIES - 1)
        )
    }
    bail!("port {port} on {host} is in use (another `opsbook serve`?); pass another with -p PORT, or --find-port to take the next free one")
}

fn host_for_url(addr: &std::net::SocketAddr) -> String {
    match addr.ip() {
        std::net::IpAddr::V6(v6) => format!("[{v6}]"),
        ip => ip.to_string(),
    }
}

/// Waits for changes and rebuilds; a burst of events gives one rebuild.
fn rebuild_loop(paths: WatchedPaths, mut watcher: Watcher, mut preview: Preview) {
    loop {
        // While edits keep coming, rebuild at once; when they pause, catch up the print page.
        let batch = match watcher.events.recv_timeout(PRINT_AFTER) {
            Ok(batch) => batch,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if preview.print_pending() {
                    if let Err(e) = preview.refresh_print() {
                        eprintln!("error: {e:#}");
                    }
                }
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let mut batch = batch;
        while let Ok(more) = watcher.events.try_recv() {
            batch.extend(more);
        }
        let change = classify_batch(&paths, batch.iter().map(PathBuf::as_path));
        if change == Change::Ignored {
            continue;
        }
        watcher.watch_new_folders(&paths);
        // Saves of content files only: the preview may rebuild just those pages.
        let content: Option<Vec<PathBuf>> = (change == Change::Content).then(|| {
            batch
                .into_iter()
                .filter(|p| classify(&paths, p) == Change::Content)
                .collect()
        });
        match preview.rebuild_changed(content.as_deref()) {
            Ok(outcome) => report(outcome),
            Err(e) => eprintln!("error: {e:#}"),
        }
    }
}

fn report(outcome: Outcome) {
    match outcome {
        Outcome::Built { changed, elapsed } => {
            println!(
                "Rebuilt in {:.0} ms ({changed} file(s) changed)",
                elapsed.as_secs_f64() * 1000.0
            )
        }
        Outcome::Broken { .. } => {}
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("warning: could not open a browser; open {url} yourself");
    }
}
