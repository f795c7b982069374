//! The search box: typed words find runbooks, tasks and alerts; the keyboard alone reaches a
//! result; what is typed never becomes markup.

use std::time::Duration;

use anyhow::{ensure, Result};
use fantoccini::key::Key;
use fantoccini::Locator;

use crate::harness::{with_browser, Browser, Viewport};

/// Types `query` into the search box and waits for the results.
pub async fn search(b: &Browser, query: &str) -> Result<()> {
    let input = b.client.find(Locator::Css("#search-input")).await?;
    input.clear().await?;
    input.send_keys(query).await?;
    b.wait_until(
        "!document.getElementById('search-results').hidden && document.getElementById('search-results').childNodes.length > 0",
        Duration::from_secs(10),
    )
    .await
}

/// Presses Enter in the search box, which opens the first result.
async fn open_first_result(b: &Browser) -> Result<()> {
    b.client
        .find(Locator::Css("#search-input"))
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    Ok(())
}

#[test]
fn an_alert_name_finds_its_runbook_first_and_enter_opens_it() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        // `/` focuses the box from anywhere on the page.
        b.client.find(Locator::Css("body")).await?.send_keys("/").await?;
        let focused = b.js("return document.activeElement.id;").await?;
        ensure!(focused == "search-input", "`/` focused {focused}");
        search(&b, "PostgresPrimaryDown").await?;
        let first = b
            .js("var a = document.querySelector('#search-results a');
                 return [a.getAttribute('href'), a.textContent, a.querySelectorAll('mark').length];")
            .await?;
        ensure!(
            first[0]
                .as_str()
                .unwrap_or_default()
                .ends_with("/dr/restore-primary-database/"),
            "first result: {first}"
        );
        open_first_result(&b).await?;
        b.wait_until(
            "location.pathname === '/dr/restore-primary-database/'",
            Duration::from_secs(10),
        )
        .await?;
        Ok(())
    });
}

#[test]
fn arrows_reach_a_heading_and_a_task() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/faq/").await?;
        search(&b, "verify the restore").await?;
        let hrefs = b
            .js("return Array.from(document.querySelectorAll('#search-results a')).map(function (a) { return a.getAttribute('href'); });")
            .await?;
        let list: Vec<String> = hrefs
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .collect();
        ensure!(
            list.iter()
                .any(|h| h.ends_with("/dr/restore-primary-database/#verify-the-restore")),
            "no deep link to the heading: {list:?}"
        );
        // Down moves into the results, Enter follows the focused one.
        let input = b.client.find(Locator::Css("#search-input")).await?;
        input.send_keys(&Key::Down.to_string()).await?;
        let focused = b.js("return document.activeElement.getAttribute('href');").await?;
        ensure!(
            focused.as_str() == list.first().map(String::as_str),
            "{focused} vs {list:?}"
        );
        b.client
            .active_element()
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        b.wait_until("location.pathname !== '/faq/'", Duration::from_secs(10))
            .await?;

        b.goto("/").await?;
        search(&b, "index maintenance").await?;
        let task = b
            .js(
                "return Array.from(document.querySelectorAll('#search-results a')).some(function (a) {
                   return /\\/tasks\\/set-up-index-maintenance\\/$/.test(a.getAttribute('href')); });",
            )
            .await?;
        ensure!(task == true, "the task is not found");
        Ok(())
    });
}

#[test]
fn what_is_typed_is_shown_as_text() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        search(&b, "<zzqqx onerror=zzqqy>").await?;
        let state = b
            .js("var r = document.getElementById('search-results');
                 return [r.querySelectorAll('*').length, r.textContent];")
            .await?;
        ensure!(state[0] == 1, "markup from the query: {state}");
        ensure!(state[1] == "Nothing found for “<zzqqx onerror=zzqqy>”.", "{state}");
        // A result's text (a page titled with markup) is text too: see the integration tests.
        Ok(())
    });
}

/// What a query costs on a large book: `OPSBOOK_SEARCH_SITE=<built site>` (for instance 10,000
/// pages from gen_corpus.py), run with `cargo test --release --test browser -- --ignored
/// --nocapture search_at_scale`. Prints the bytes the first query downloads and the time of
/// a first (cold) and a repeated (warm) query.
#[test]
#[ignore = "a measurement: needs OPSBOOK_SEARCH_SITE"]
fn search_at_scale() {
    let Some(dir) = std::env::var_os("OPSBOOK_SEARCH_SITE") else {
        panic!("set OPSBOOK_SEARCH_SITE to a built site");
    };
    let dir = std::path::PathBuf::from(dir);
    crate::harness::with_browser_on(&dir, Viewport::Desktop, |b| async move {
        for query in [
            "database backup verification",
            "replication",
            "nginx config rollback",
            "disk",
        ] {
            b.goto("/").await?;
            let out = b
                .js_async(&format!(
                    "var q = {query:?};
                     var t0 = performance.now();
                     opsbookSearch.find(q).then(function (ids) {{
                       var cold = performance.now() - t0;
                       var bytes = performance.getEntriesByType('resource')
                         .filter(function (e) {{ return e.name.indexOf('/search/') >= 0; }})
                         .reduce(function (s, e) {{ return s + e.encodedBodySize; }}, 0);
                       var t1 = performance.now();
                       opsbookSearch.find(q + ' ').then(function (again) {{
                         done([ids.length, bytes, cold, performance.now() - t1]);
                       }});
                     }});"
                ))
                .await?;
            println!(
                "{query:32} results {:>3}  first query downloads {:>8} bytes  cold {:>7.1} ms  warm {:>6.1} ms",
                out[0],
                out[1],
                out[2].as_f64().unwrap_or(0.0),
                out[3].as_f64().unwrap_or(0.0)
            );
            ensure!(out[0].as_u64().unwrap_or(0) > 0, "no results for {query}");
        }
        Ok(())
    });
}

/// The offline bundle, unzipped and opened as files: pages load whole, and an alert name typed
/// into the search box leads to its runbook.
#[test]
fn offline_bundle_from_disk_finds_an_alert_runbook() {
    let root = crate::harness::bundle().to_path_buf();
    with_browser(Viewport::Desktop, |b| async move {
        let index = url::Url::from_file_path(root.join("index.html")).map_err(|_| anyhow::anyhow!("file URL"))?;
        b.console().await?;
        b.client.goto(index.as_str()).await?;
        let styled = b
            .js("return getComputedStyle(document.querySelector('.sidebar')).borderRightStyle;")
            .await?;
        ensure!(styled == "solid", "the stylesheet did not load from disk: {styled}");
        search(&b, "PostgresPrimaryDown").await?;
        open_first_result(&b).await?;
        b.wait_until(
            "location.href.endsWith('/dr/restore-primary-database/index.html')",
            Duration::from_secs(10),
        )
        .await?;
        // The runbook's own links lead to files too.
        let print = b
            .js("return document.querySelector('.top-links a[href$=\"print/index.html\"]') !== null;")
            .await?;
        ensure!(print == true, "no link to the print page's file");
        let errors: Vec<_> = b.console().await?.into_iter().filter(|(l, _)| l == "SEVERE").collect();
        ensure!(errors.is_empty(), "console errors from disk: {errors:?}");
        Ok(())
    });
}

/// The pages the search box lists, in order, and how many times each.
async fn listed_pages(b: &Browser) -> Result<Vec<String>> {
    let hrefs = b
        .js("return Array.from(document.querySelectorAll('#search-results a.search-result')).map(function (a) { return a.getAttribute('href'); });")
        .await?;
    Ok(hrefs
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|v| {
            let href = v.as_str().unwrap_or_default();
            // The path: results link with the site's full address.
            url::Url::parse(href)
                .map(|u| u.path().to_string())
                .unwrap_or_else(|_| href.to_string())
        })
        .collect())
}

#[test]
fn results_are_pages_once_each_with_the_right_one_first() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        for (query, first) in [
            ("failover", "/dr/fail-over-to-the-standby-region/"),
            (
                "backup",
                "/runbooks/database-maintenance/implement-regular-backup-procedures/",
            ),
            ("replicaton", "/troubleshooting/high-replication-lag/"),
            (
                "disk full",
                "/runbooks/database-maintenance/implement-regular-backup-procedures/",
            ),
            ("dba-team", "/owners/dba-team/"),
        ] {
            // The last query's results go first, so that the wait is for this one's.
            b.js("document.getElementById('search-results').textContent = '';")
                .await?;
            search(&b, query).await?;
            let pages = listed_pages(&b).await?;
            ensure!(pages.first().map(String::as_str) == Some(first), "{query}: {pages:?}");
            let mut unique = pages.clone();
            unique.sort();
            unique.dedup();
            ensure!(
                unique.len() == pages.len(),
                "{query}: a page is listed twice: {pages:?}"
            );
        }
        // The page's matching sections are under it, and the snippet marks the word found,
        // in the form the page uses.
        b.js("document.getElementById('search-results').textContent = '';")
            .await?;
        search(&b, "replicaton").await?;
        let first = b
            .js("var g = document.querySelector('#search-results .search-group');
                 return [g.querySelectorAll('.search-sections a').length, Array.from(g.querySelectorAll('mark')).map(function (m) { return m.textContent.toLowerCase(); })];")
            .await?;
        ensure!(
            first[0].as_u64().unwrap_or(0) >= 1,
            "no sections under the page: {first}"
        );
        ensure!(
            first[1]
                .as_array()
                .is_some_and(|m| m.iter().any(|w| w.as_str().is_some_and(|w| w.starts_with("replica")))),
            "the snippet does not mark the word: {first}"
        );
        // A word inside an alert's camelCase name is marked as the part it is: "Unreachable"
        // in PrimaryRegionUnreachable, not the whole name and not nothing.
        b.js("document.getElementById('search-results').textContent = '';")
            .await?;
        search(&b, "unreachable").await?;
        let inner = b
            .js("return Array.from(document.querySelectorAll('#search-results mark'))
                   .filter(function (m) { var t = m.previousSibling; return t && /[a-z]$/.test(t.textContent); })
                   .map(function (m) { return m.previousSibling.textContent.slice(-13) + '[' + m.textContent + ']'; });")
            .await?;
        ensure!(
            inner.as_array().is_some_and(|m| !m.is_empty()
                && m.iter()
                    .all(|w| w.as_str().is_some_and(|w| w.ends_with("[Unreachable]")))),
            "no camelCase part marked: {inner}"
        );
        Ok(())
    });
}

#[test]
fn on_a_phone_search_is_a_full_width_panel_and_the_bar_one_row() {
    with_browser(Viewport::Phone(390), |b| async move {
        b.goto("/dr/restore-primary-database/").await?;
        let bar = b
            .js("var t = document.querySelector('.topbar').getBoundingClientRect();
                 var small = Array.from(document.querySelectorAll('.topbar button, .topbar input, .topbar a'))
                   .filter(function (e) { var r = e.getBoundingClientRect(); return r.width > 0 && (r.width < 44 || r.height < 44) && !e.classList.contains('brand'); })
                   .map(function (e) { return e.outerHTML.slice(0, 60); });
                 return [t.height, small];")
            .await?;
        ensure!(bar[0].as_f64().unwrap_or(999.0) < 60.0, "the top bar wraps: {bar}");
        ensure!(
            bar[1].as_array().is_some_and(Vec::is_empty),
            "tap targets under 44 px: {bar}"
        );
        search(&b, "backup").await?;
        let panel = b
            .js(
                "var r = document.getElementById('search-results').getBoundingClientRect();
                 var a = document.querySelector('#search-results a').getBoundingClientRect();
                 return [r.left, r.width, innerWidth, document.documentElement.scrollWidth, a.height];",
            )
            .await?;
        let n = |i: usize| panel[i].as_f64().unwrap_or(-1.0);
        ensure!(
            n(0) == 0.0 && n(1) == n(2),
            "the results are not the screen's width: {panel}"
        );
        ensure!(n(3) <= n(2), "the page scrolls sideways: {panel}");
        ensure!(n(4) >= 44.0, "a result is under 44 px tall: {panel}");
        let png = b.client.screenshot().await?;
        std::fs::create_dir_all(crate::harness::repo_root().join("target/screenshots"))?;
        std::fs::write(
            crate::harness::repo_root().join("target/screenshots/search-phone.png"),
            png,
        )?;
        Ok(())
    });
}
