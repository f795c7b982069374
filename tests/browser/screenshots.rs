//! Full-page screenshots of the dashboard and a runbook, light and dark, desktop and phone,
//! under `target/screenshots/`, for a person to look at before a theme change lands. The test
//! fails only when a screenshot cannot be taken or comes out blank.

use anyhow::{ensure, Result};
use serde_json::json;

use crate::harness::{repo_root, with_browser, Browser, Viewport};

const PAGES: [(&str, &str); 3] = [
    ("dashboard", "/"),
    ("runbook", "/dr/restore-primary-database/"),
    ("section", "/sections/database-maintenance/"),
];

async fn shoot(b: &Browser, viewport: &str) -> Result<()> {
    let dir = repo_root().join("target/screenshots");
    std::fs::create_dir_all(&dir)?;
    for (name, path) in PAGES {
        for theme in ["light", "dark"] {
            b.goto(path).await?;
            b.js(&format!("localStorage.setItem('opsbook-theme', '{theme}');"))
                .await?;
            b.client.refresh().await?;
            let png = b.full_page_png().await?;
            ensure!(
                png.len() > 20_000,
                "{name} ({theme}, {viewport}) is blank: {} bytes",
                png.len()
            );
            std::fs::write(dir.join(format!("{name}-{theme}-{viewport}.png")), png)?;
        }
    }
    Ok(())
}

#[test]
fn screenshots_desktop() {
    with_browser(Viewport::Desktop, |b| async move {
        shoot(&b, "desktop").await?;
        // The search box with results open.
        b.goto("/").await?;
        crate::search::search(&b, "replication lag").await?;
        let png = b.client.screenshot().await?;
        std::fs::write(repo_root().join("target/screenshots/search-desktop.png"), png)?;
        // A mistyped alert address.
        b.goto("/alerts/PostgresPrimaryDwn/").await?;
        let png = b.client.screenshot().await?;
        std::fs::write(repo_root().join("target/screenshots/404-desktop.png"), png)?;
        // And the runbook as it prints, from a reader in the dark theme: white paper, no
        // sidebar, links spelled out.
        b.goto(PAGES[1].1).await?;
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" })).await?;
        let paper = b
            .js("return getComputedStyle(document.querySelector('pre')).backgroundColor;")
            .await?;
        ensure!(
            paper == "rgb(246, 248, 250)",
            "code prints on {paper} in the dark theme"
        );
        let png = b.full_page_png().await?;
        std::fs::write(repo_root().join("target/screenshots/runbook-print.png"), png)?;
        Ok(())
    });
}

#[test]
fn screenshots_phone() {
    with_browser(Viewport::Phone(390), |b| async move { shoot(&b, "phone").await });
}

/// Issue 23: the dashboard prints as a one-page status report (A4, Chromium's default
/// margins), and a picture of that page is kept for a person to look at.
#[test]
fn dashboard_prints_on_one_page() {
    with_browser(Viewport::Desktop, |b| async move {
        use base64::Engine;
        b.goto("/").await?;
        let pdf = b
            .cdp(
                "Page.printToPDF",
                json!({ "paperWidth": 8.27, "paperHeight": 11.69, "printBackground": true }),
            )
            .await?;
        let data = pdf["data"].as_str().unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD.decode(data)?;
        let text = String::from_utf8_lossy(&bytes);
        // Each page is an object `/Type /Page`; their tree is the one `/Type /Pages`.
        let pages = text.matches("/Type /Page").count() - text.matches("/Type /Pages").count();
        // What the page looks like: the print styles at the width of A4.
        b.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 794, "height": 1123, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await?;
        b.cdp("Emulation.setEmulatedMedia", json!({ "media": "print" })).await?;
        std::fs::create_dir_all(repo_root().join("target/screenshots"))?;
        let png = b.full_page_png().await?;
        std::fs::write(repo_root().join("target/screenshots/dashboard-print.png"), png)?;
        ensure!(pages >= 1, "no page found in the PDF ({} bytes)", bytes.len());
        ensure!(pages == 1, "the dashboard prints on {pages} pages");
        Ok(())
    });
}
