//! The pages an on-call engineer opens first load whole: no console error, no failed request,
//! and no request that leaves the site.

use anyhow::{ensure, Result};
use serde_json::Value;

use crate::harness::{with_browser, Browser, Viewport};

/// Loads `path` and returns what went wrong: console errors, failed or foreign requests.
async fn problems(b: &Browser, path: &str) -> Result<Vec<String>> {
    b.console().await?; // forget what earlier pages logged
    b.goto(path).await?;
    b.wait_until("document.readyState === 'complete'", std::time::Duration::from_secs(20))
        .await?;
    let mut found = Vec::new();
    for (level, message) in b.console().await? {
        if level == "SEVERE" || level == "WARNING" {
            found.push(format!("console {level}: {message}"));
        }
    }
    // Every request the page made: its address and HTTP status (0 when it never completed).
    let requests = b
        .js(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                .map(function (e) { return [e.name, e.responseStatus || 0]; });",
        )
        .await?;
    let requests = requests.as_array().cloned().unwrap_or_default();
    ensure!(
        requests.len() > 1,
        "{path}: the page made no request for its stylesheet or script"
    );
    // Nothing moves once shown (no web fonts, no late layout): the layout shift score is 0.
    let shift = b
        .js_async(
            "new PerformanceObserver(function () {}).observe({ type: 'layout-shift', buffered: true });
             setTimeout(function () {
               done(performance.getEntriesByType('layout-shift')
                 .reduce(function (sum, e) { return sum + e.value; }, 0));
             }, 300);",
        )
        .await?;
    if shift.as_f64().unwrap_or(0.0) > 0.01 {
        found.push(format!("layout shift {shift}"));
    }
    for entry in requests {
        let name = entry[0].as_str().unwrap_or_default();
        let status = entry[1].as_u64().unwrap_or(0);
        if !name.starts_with(&b.base) {
            found.push(format!("request leaves the site: {name}"));
        } else if !(200..400).contains(&status) {
            found.push(format!("request failed with {status}: {name}"));
        }
    }
    Ok(found)
}

#[test]
fn dashboard_runbook_and_print_page_load_without_errors() {
    with_browser(Viewport::Desktop, |b| async move {
        for path in [
            "/",
            "/runbooks/database-maintenance/create-database-optimization-routines/",
            "/dr/restore-primary-database/",
            "/print/",
            "/alerts/",
        ] {
            let found = problems(&b, path).await?;
            ensure!(found.is_empty(), "{path}:\n  {}", found.join("\n  "));
            let title = b.client.title().await?;
            ensure!(!title.is_empty(), "{path} has no title");
        }
        Ok(())
    });
}

#[test]
fn a_page_needs_under_60_kb_of_css_and_javascript() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/dr/restore-primary-database/").await?;
        let bytes = b
            .js("return performance.getEntriesByType('resource')
                   .filter(function (e) { return /[.](css|js)$/.test(e.name); })
                   .map(function (e) { return [e.name, e.decodedBodySize]; });")
            .await?;
        let list = bytes.as_array().cloned().unwrap_or_default();
        ensure!(list.len() >= 3, "expected the stylesheets and the script: {bytes}");
        let total: u64 = list.iter().map(|e| e[1].as_u64().unwrap_or(0)).sum();
        ensure!(total < 60_000, "{total} bytes of CSS and JavaScript: {bytes}");
        Ok(())
    });
}

#[test]
fn no_page_scrolls_sideways_on_a_320_px_phone() {
    with_browser(Viewport::Phone(320), |b| async move {
        let mut wide = Vec::new();
        for path in crate::harness::html_pages() {
            b.goto(&path).await?;
            let over = b
                .js("return [window.innerWidth, document.documentElement.scrollWidth,
                     Array.from(document.querySelectorAll('main *')).filter(function (e) {
                       var r = e.getBoundingClientRect();
                       return r.right > 321 && !e.closest('pre, table');
                     }).slice(0, 3).map(function (e) { return e.tagName + '.' + e.className; })];")
                .await?;
            if over[0] != 320 || over[1].as_i64().unwrap_or(0) > 320 {
                wide.push(format!("{path}: {over}"));
            }
        }
        ensure!(wide.is_empty(), "pages wider than the phone:\n  {}", wide.join("\n  "));
        Ok(())
    });
}

#[test]
fn stylesheet_and_script_apply() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/runbooks/database-maintenance/create-database-optimization-routines/")
            .await?;
        // The theme's script ran (it shows the toggle) and its stylesheet laid out the sidebar
        // beside the text.
        let state: Value = b
            .js("var s = document.querySelector('.sidebar').getBoundingClientRect();
                 var m = document.querySelector('main').getBoundingClientRect();
                 return { toggle: !document.querySelector('.theme-toggle').hidden,
                          js: document.documentElement.classList.contains('js'),
                          beside: s.right <= m.left + 1 && s.width > 100,
                          code: document.querySelectorAll('pre code span[class]').length };")
            .await?;
        ensure!(
            state["toggle"] == true && state["js"] == true,
            "the script did not run: {state}"
        );
        ensure!(
            state["beside"] == true,
            "the sidebar is not beside the text at 1400 px: {state}"
        );
        ensure!(state["code"].as_u64().unwrap_or(0) > 0, "no highlighted code: {state}");
        Ok(())
    });
}

#[test]
fn unknown_address_gets_the_404_page_with_a_suggestion() {
    with_browser(Viewport::Desktop, |b| async move {
        let suggestion = |b: &crate::harness::Browser| {
            let b = b.clone();
            async move {
                b.wait_until(
                    "document.getElementById('suggestion') && !document.getElementById('suggestion').hidden",
                    std::time::Duration::from_secs(5),
                )
                .await?;
                let text = b
                    .js("return [document.getElementById('suggestion').textContent, document.getElementById('asked').textContent, document.getElementById('search-input').value];")
                    .await?;
                anyhow::Ok(text)
            }
        };
        // A mistyped alert, one letter off: the real alert and its runbook are offered.
        b.goto("/alerts/PostgresPrimaryDwn/").await?;
        let text = suggestion(&b).await?;
        ensure!(
            text[0] == "Did you mean PostgresPrimaryDown → Restore the primary database from backup?",
            "unexpected suggestion: {text}"
        );
        ensure!(
            text[1] == "/alerts/PostgresPrimaryDwn/",
            "the address asked for is not shown: {text}"
        );
        ensure!(
            text[2] == "Postgres Primary Dwn",
            "the search box is not filled: {text}"
        );
        // A page slug with a letter missing.
        b.goto("/dr/fail-over-to-the-standby-regin/").await?;
        let text = suggestion(&b).await?;
        ensure!(
            text[0] == "Did you mean Fail over to the standby region?",
            "unexpected suggestion: {text}"
        );
        // An alert nobody has written a runbook for, nothing like a known one.
        b.goto("/alerts/KafkaConsumerGroupStuck/").await?;
        let text = suggestion(&b).await?;
        ensure!(
            text[0]
                .as_str()
                .unwrap_or_default()
                .contains("no runbook for the alert KafkaConsumerGroupStuck"),
            "unexpected suggestion: {text}"
        );
        Ok(())
    });
}
