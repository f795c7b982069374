//! The preview server: the preview folder over HTTP (tower-http's static files: content
//! types, `HEAD`, `Range`, conditional requests, folder redirects), the live-reload event
//! stream, and the guards a local server needs: only the preview folder is ever served, a
//! request for another Host is refused (DNS rebinding), and no CORS header is sent.
//! Knows nothing of markdown.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};
use tower_http::services::{ServeDir, ServeFile};

use crate::preview::{LiveEvent, LiveState, LIVE_JS, LIVE_PREFIX};

/// Which `Host` headers the server answers, whatever address it is bound to: DNS rebinding
/// (a web page on `evil.example` resolving its own name to this machine) sends the attacker's
/// name, so only names known to lead here are answered. Those are the loopback names, the
/// address it is bound to, any IP address when it is bound to every interface (an address
/// typed in a browser is its own origin, never another site's), and the names given with
/// `--allow-host`. The port must be the server's own.
#[derive(Debug, Clone)]
pub struct HostCheck {
    port: u16,
    names: Vec<String>,
    any_ip: bool,
}

impl HostCheck {
    /// The check for a server bound to `addr`, also answering `extra` names (`--allow-host`).
    pub fn new(addr: &SocketAddr, extra: &[String]) -> HostCheck {
        let ip = addr.ip();
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "::1"].map(String::from).to_vec();
        if !ip.is_unspecified() {
            names.push(ip.to_string());
        }
        names.extend(extra.iter().map(|n| {
            n.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_ascii_lowercase()
        }));
        HostCheck {
            port: addr.port(),
            names,
            any_ip: ip.is_unspecified(),
        }
    }

    /// Whether a request with this `Host` header is answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        // `name:port`, `[v6]:port`, or a bare name (port 80).
        let (name, port) = if let Some(rest) = host.strip_prefix('[') {
            match rest.split_once(']') {
                Some((name, "")) => (name, None),
                Some((name, port)) => match port.strip_prefix(':') {
                    Some(p) => (name, Some(p)),
                    None => return false,
                },
                None => return false,
            }
        } else {
            match host.rsplit_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host, None),
            }
        };
        let port_ok = match port {
            Some(p) => p.parse::<u16>().ok() == Some(self.port),
            None => self.port == 80,
        };
        if !port_ok || name.is_empty() {
            return false;
        }
        let name = name.to_ascii_lowercase();
        let is_ip = name.parse::<std::net::IpAddr>().is_ok();
        self.names.contains(&name) || (self.any_ip && is_ip)
    }
}

/// Whether a request path could reach outside the served folder, however it is encoded.
pub fn is_unsafe_path(raw_path: &str) -> bool {
    let lower = raw_path.to_ascii_lowercase();
    lower.contains("%2e%2e")
        || lower.contains("%2e.")
        || lower.contains(".%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
        || lower.contains('\\')
        || lower.split('/').any(|seg| seg == "..")
}

#[derive(Clone)]
struct AppState {
    live: Arc<LiveState>,
    hosts: Arc<HostCheck>,
    /// The preview folder and the base path it is served under, for folder redirects.
    dir: Arc<std::path::PathBuf>,
    base: Arc<str>,
}

/// The router for a preview folder served under `base` (`/` or `/runbooks/`).
pub fn router(dir: &Path, base: &str, live: Arc<LiveState>, hosts: HostCheck) -> Router {
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(dir.join("404.html")));
    let state = AppState {
        live,
        hosts: Arc::new(hosts),
        dir: Arc::new(dir.to_path_buf()),
        base: base.into(),
    };
    let mut app = Router::new()
        .route(&format!("{LIVE_PREFIX}/events"), get(events))
        .route(&format!("{LIVE_PREFIX}/live.js"), get(live_js));
    let base_trimmed = base.trim_end_matches('/');
    if base_trimmed.is_empty() {
        app = app.fallback_service(files);
    } else {
        let target = base.to_string();
        let page = dir.join("404.html");
        app = app
            .route("/", get(move || async move { Redirect::temporary(&target) }))
            .nest_service(base_trimmed, files.clone())
            .fallback(move || not_found(page.clone()));
    }
    app.layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// The book's `404.html` with status 404, for paths outside the site's base path.
async fn not_found(page: std::path::PathBuf) -> Response {
    match tokio::fs::read(&page).await {
        Ok(bytes) => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// Refuses requests for another Host (403) and paths that try to leave the folder (400).
async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))
        .unwrap_or("");
    if !state.hosts.allows(host) {
        return (
            StatusCode::FORBIDDEN,
            "opsbook serve answers only requests for its own address; to reach it under another name, pass --allow-host NAME\n",
        )
            .into_response();
    }
    if is_unsafe_path(request.uri().path()) {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    }
    if let Some(location) = folder_redirect(&state, request.uri()) {
        return Redirect::temporary(&location).into_response();
    }
    let mut response = next.run(request).await;
    // The preview always shows the newest build: browsers must not keep old pages.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// A folder asked for without its trailing slash (`/runbooks/print`) is sent to the folder
/// (`/runbooks/print/`), under the site's base path and with the query kept, as GitHub Pages
/// does. Done here rather than by the file service, which sees the path without the base.
fn folder_redirect(state: &AppState, uri: &axum::http::Uri) -> Option<String> {
    let path = uri.path();
    if path.ends_with('/') {
        return None;
    }
    let base = state.base.trim_end_matches('/');
    let rest = path.strip_prefix(base)?.strip_prefix('/')?;
    let decoded = percent_encoding::percent_decode_str(rest).decode_utf8().ok()?;
    if decoded.is_empty() || decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return None;
    }
    if !state.dir.join(decoded.as_ref()).is_dir() {
        return None;
    }
    Some(match uri.query() {
        Some(q) => format!("{path}/?{q}"),
        None => format!("{path}/"),
    })
}

async fn live_js() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE_JS)
}

async fn events(State(state): State<AppState>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let current = state.live.broken.lock().ok().and_then(|b| b.clone());
    let first = tokio_stream::iter(current.map(|text| Ok(to_sse(&LiveEvent::Broken(text)))));
    let rest = BroadcastStream::new(state.live.events.subscribe()).filter_map(|e| e.ok().map(|e| Ok(to_sse(&e))));
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

fn to_sse(event: &LiveEvent) -> Event {
    match event {
        LiveEvent::Reload => Event::default().event("reload").data("reload"),
        LiveEvent::PrintChanged => Event::default().event("print").data("print"),
        LiveEvent::Broken(text) => Event::default()
            .event("broken")
            .data(serde_json::to_string(text).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_in_any_encoding_is_unsafe() {
        for p in [
            "/../etc/passwd",
            "/a/%2e%2e/b",
            "/a/%2E%2e/",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a/.%2e/b",
            "/x%00",
        ] {
            assert!(is_unsafe_path(p), "{p}");
        }
        for p in ["/", "/runbooks/db/backup/", "/a..b/", "/_theme/style.css"] {
            assert!(!is_unsafe_path(p), "{p}");
        }
    }

    #[test]
    fn loopback_answers_its_address_and_localhost() {
        let check = HostCheck::new(&"127.0.0.1:3000".parse().unwrap(), &[]);
        for ok in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000", "[::1]:3000"] {
            assert!(check.allows(ok), "{ok}");
        }
        for no in [
            "evil.example:3000",
            "127.0.0.1:3001",
            "localhost",
            "",
            "10.0.0.2:3000",
            "[::1",
        ] {
            assert!(!check.allows(no), "{no}");
        }
    }

    #[test]
    fn every_interface_still_refuses_names_it_was_not_given() {
        for bind in ["0.0.0.0:3000", "[::]:3000"] {
            let check = HostCheck::new(&bind.parse().unwrap(), &["Runbooks.lan".into()]);
            for ok in [
                "192.168.1.20:3000",
                "[fe80::1]:3000",
                "localhost:3000",
                "runbooks.lan:3000",
            ] {
                assert!(check.allows(ok), "{bind} {ok}");
            }
            for no in ["evil.example:3000", "rebind.attacker.test:3000", "192.168.1.20:80"] {
                assert!(!check.allows(no), "{bind} {no}");
            }
        }
    }
}
