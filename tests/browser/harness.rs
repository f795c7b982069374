//! The example site built once, a static server for it, and a Chromium session per test.

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};

/// The deadline of one test, from starting the browser to closing it.
const DEADLINE: Duration = Duration::from_secs(240);

/// 2026-11-27, as in the integration tests, so "stale" and "overdue" do not move with the clock.
const FIXED_EPOCH: &str = "1795737600";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where the tests keep what they make: the built site and the screenshots.
pub fn scratch() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser")
}

/// The example book (`book.toml`, `content/`) built with the real binary, once per test run,
/// into a copy so the repository is not touched.
pub fn site() -> &'static Path {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let book = scratch().join("book");
        let _ = std::fs::remove_dir_all(&book);
        copy_dir(&repo_root().join("content"), &book.join("content"));
        std::fs::copy(repo_root().join("book.toml"), book.join("book.toml")).expect("copy book.toml");
        scripted_history(&book);
        let out = Command::new(env!("CARGO_BIN_EXE_opsbook"))
            .current_dir(&book)
            .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
            .env("NO_COLOR", "1")
            .args(["build", "--output", "site"])
            .output()
            .expect("run opsbook build");
        assert!(
            out.status.success(),
            "opsbook build failed on the example:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        book.join("site")
    })
}

/// Gives the copy of the example a git history of its checklist, so that the dashboard draws
/// its burn-up chart: every task not started on 2026-08-03, then the example's statuses
/// reached one by one over the following months (dates before [`FIXED_EPOCH`]).
fn scripted_history(book: &Path) {
    let git = |args: &[&str], date: &str| {
        let at = format!("{date}T10:00:00Z");
        let ok = Command::new("git")
            .current_dir(book)
            .args(["-c", "user.name=Ann Ops", "-c", "user.email=ann@example.com"])
            .args(args)
            .env("GIT_AUTHOR_DATE", &at)
            .env("GIT_COMMITTER_DATE", &at)
            .output()
            .expect("git runs");
        assert!(
            ok.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    let path = book.join("content/checklist.md");
    let done = std::fs::read_to_string(&path).expect("the example's checklist");
    // The marked lines, in order; each step puts one more back as the example has it.
    let marked: Vec<&str> = done
        .lines()
        .filter(|l| l.starts_with("- `{X}`") || l.starts_with("- `{IP}`"))
        .collect();
    let blank = |line: &str| line.replacen("`{X}`", "`{ }`", 1).replacen("`{IP}`", "`{ }`", 1);
    let mut text = marked.iter().fold(done.clone(), |t, l| t.replacen(l, &blank(l), 1));
    git(&["init", "-q"], "2026-08-03");
    std::fs::write(&path, &text).expect("write");
    git(&["add", "-A"], "2026-08-03");
    git(&["commit", "-qm", "Start the book"], "2026-08-03");
    let days = ["2026-08-24", "2026-09-14", "2026-10-05", "2026-10-26", "2026-11-16"];
    for (line, day) in marked.iter().zip(days) {
        text = text.replacen(&blank(line), line, 1);
        std::fs::write(&path, &text).expect("write");
        git(&["commit", "-qam", "Progress"], day);
    }
    std::fs::write(&path, &done).expect("write");
    git(&["commit", "-qam", "Up to date", "--allow-empty"], "2026-11-20");
}

/// The example's offline bundle (`build --offline-bundle`), unzipped: the folder to open from
/// disk. Made once per test run.
pub fn bundle() -> &'static Path {
    static BUNDLE: OnceLock<PathBuf> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let book = site().parent().expect("the book folder").to_path_buf();
        let out = Command::new(env!("CARGO_BIN_EXE_opsbook"))
            .current_dir(&book)
            .env("SOURCE_DATE_EPOCH", FIXED_EPOCH)
            .args([
                "build",
                "--output",
                "site-for-bundle",
                "--offline-bundle",
                "runbooks.zip",
            ])
            .output()
            .expect("run opsbook build");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let dir = scratch().join("bundle");
        let _ = std::fs::remove_dir_all(&dir);
        let file = std::fs::File::open(book.join("runbooks.zip")).expect("the bundle");
        zip::ZipArchive::new(file).expect("a zip").extract(&dir).expect("unzip");
        dir.join("runbooks")
    })
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Every HTML page of the built site, as URL paths ("/", "/runbooks/x/"), sorted. Redirect
/// pages (a meta refresh to their target) are left out: the browser would leave them at once.
pub fn html_pages() -> Vec<String> {
    let root = site();
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk");
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read page");
        if text.contains("http-equiv=\"refresh\"") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        let url = match rel.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{rel}"),
        };
        pages.push(url);
    }
    pages
}

/// How wide the window is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Viewport {
    Desktop,
    /// A phone this many CSS pixels wide, emulated (touch, device pixel ratio 2).
    Phone(u32),
}

/// What a test gets: a WebDriver client and the address of the served site.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
}

/// One browser at a time: two Chromiums on two cores make every deadline flaky.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Serves the example site, starts chromedriver and a Chromium session, runs `test` under the
/// deadline, and always closes the browser and stops chromedriver.
pub fn with_browser<F, Fut>(viewport: Viewport, test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    with_browser_on(site(), viewport, test)
}

/// [`with_browser`] on another built site.
pub fn with_browser_on<F, Fut>(site: &Path, viewport: Viewport, test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let site = site.to_path_buf();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result: Result<()> = runtime.block_on(async move {
        let base = serve(&site).await?;
        let driver = Driver::start()?;
        let client = tokio::time::timeout(Duration::from_secs(60), connect(&driver, viewport))
            .await
            .map_err(|_| anyhow!("Chromium did not start within 60 s"))??;
        let browser = Browser {
            client: client.clone(),
            base,
        };
        let outcome = tokio::time::timeout(DEADLINE, test(browser)).await;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
        match outcome {
            Ok(result) => result,
            Err(_) => bail!("the browser test did not finish within {DEADLINE:?}"),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(2));
    if let Err(e) = result {
        panic!("{e:#}");
    }
}

/// The built site on 127.0.0.1, as GitHub Pages would serve it (its 404 page for what is
/// missing). Returns the base URL, ending in `/`.
async fn serve(site: &Path) -> Result<String> {
    use tower_http::services::{ServeDir, ServeFile};
    let files = ServeDir::new(site).not_found_service(ServeFile::new(site.join("404.html")));
    let app = axum::Router::new().fallback_service(files);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}/"))
}

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Result<Driver> {
        let port = StdListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let program = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| {
                format!("cannot start {program}: install Debian's chromium-driver (scripts/test.sh does)")
            })?;
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn connect(driver: &Driver, viewport: Viewport) -> Result<Client> {
    let mut args = vec![
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--hide-scrollbars",
    ];
    if viewport == Viewport::Desktop {
        args.push("--window-size=1400,1000");
    }
    let mut options = json!({ "args": args });
    if let Ok(binary) = std::env::var("CHROMIUM") {
        options["binary"] = json!(binary);
    } else if Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    if let Viewport::Phone(width) = viewport {
        options["mobileEmulation"] = json!({
            "deviceMetrics": { "width": width, "height": 812, "pixelRatio": 2.0, "touch": true }
        });
    }
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), options);
    caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
    caps.insert(
        "timeouts".into(),
        json!({ "pageLoad": 30_000, "script": 30_000, "implicit": 0 }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .context("cannot open a Chromium session through chromedriver")?;
    Ok(client)
}

/// A POST to a vendor endpoint of the session (`se/log`, `goog/cdp/execute`, `permissions`),
/// which fantoccini has no method for.
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionPost {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.trim_end_matches('/'), path)
    }

    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = self.url(path);
        self.client
            .goto(&url)
            .await
            .with_context(|| format!("cannot load {url}"))
    }

    /// Runs `script` (a function body that may `return`) in the page.
    pub async fn js(&self, script: &str) -> Result<Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Runs `script`, which must call `done(value)` (the last argument) when it has finished.
    pub async fn js_async(&self, script: &str) -> Result<Value> {
        let wrapped = format!("var done = arguments[arguments.length - 1];\n{script}");
        Ok(self.client.execute_async(&wrapped, vec![]).await?)
    }

    /// The console messages logged since the last call (chromedriver's log endpoint).
    pub async fn console(&self) -> Result<Vec<(String, String)>> {
        let entries = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await?;
        Ok(entries
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|e| {
                        (
                            e["level"].as_str().unwrap_or_default().to_string(),
                            e["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// A Chrome DevTools command, through chromedriver.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value> {
        Ok(self
            .client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({ "cmd": cmd, "params": params }),
            })
            .await?)
    }

    /// Grants a permission such as `clipboard-read` to the page's origin.
    pub async fn grant(&self, permission: &str) -> Result<()> {
        self.client
            .issue_cmd(SessionPost {
                path: "permissions",
                body: json!({ "descriptor": { "name": permission }, "state": "granted" }),
            })
            .await?;
        Ok(())
    }

    /// Polls `script` (an expression) until it is true, for at most `limit`.
    pub async fn wait_until(&self, script: &str, limit: Duration) -> Result<()> {
        let started = Instant::now();
        loop {
            if self.js(&format!("return !!({script});")).await? == json!(true) {
                return Ok(());
            }
            if started.elapsed() > limit {
                bail!("`{script}` was still false after {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A PNG of the whole page, not only the window.
    pub async fn full_page_png(&self) -> Result<Vec<u8>> {
        use base64::Engine;
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await?;
        let size = &metrics["cssContentSize"];
        let clip = json!({
            "x": 0, "y": 0, "scale": 1,
            "width": size["width"].as_f64().unwrap_or(1400.0),
            "height": size["height"].as_f64().unwrap_or(1000.0),
        });
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true, "clip": clip }),
            )
            .await?;
        let data = shot["data"].as_str().ok_or_else(|| anyhow!("no screenshot data"))?;
        Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
    }
}
