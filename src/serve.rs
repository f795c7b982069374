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

/// The Host headers a server bound to `addr` answers: its own address and, for loopback,
/// `localhost`. None when it listens on every interface (any name may reach it).
pub fn allowed_hosts(addr: &SocketAddr) -> Option<Vec<String>> {
    let port = addr.port();
    let ip = addr.ip();
    if ip.is_unspecified() {
        return None;
    }
    let mut hosts = vec![match ip {
        std::net::IpAddr::V4(v4) => format!("{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }];
    if ip.is_loopback() {
        hosts.push(format!("localhost:{port}"));
    }
    if port == 80 {
        let bare: Vec<String> = hosts
            .iter()
            .filter_map(|h| h.rsplit_once(':').map(|(h, _)| h.to_string()))
            .collect();
        hosts.extend(bare);
    }
    Some(hosts)
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
    hosts: Option<Arc<Vec<String>>>,
}

/// The router for a preview folder served under `base` (`/` or `/runbooks/`).
pub fn router(dir: &Path, base: &str, live: Arc<LiveState>, hosts: Option<Vec<String>>) -> Router {
    let files = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(dir.join("404.html")));
    let state = AppState {
        live,
        hosts: hosts.map(Arc::new),
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
    if let Some(hosts) = &state.hosts {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            return (
                StatusCode::FORBIDDEN,
                "opsbook serve answers only requests for its own address\n",
            )
                .into_response();
        }
    }
    if is_unsafe_path(request.uri().path()) {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    }
    let mut response = next.run(request).await;
    // The preview always shows the newest build: browsers must not keep old pages.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
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
        let hosts = allowed_hosts(&"127.0.0.1:3000".parse().unwrap()).unwrap();
        assert_eq!(hosts, ["127.0.0.1:3000", "localhost:3000"]);
        assert!(allowed_hosts(&"0.0.0.0:3000".parse().unwrap()).is_none());
    }
}
