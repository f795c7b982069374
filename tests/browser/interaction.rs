//! What a reader does with the page: copy a command, switch the theme, open the menu on a phone,
//! move with the keyboard.

use std::time::Duration;

use anyhow::{anyhow, ensure, Result};
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::harness::{repo_root, with_browser, Browser, Viewport};

const RUNBOOK: &str = "/dr/restore-primary-database/";
const RUNBOOK_SOURCE: &str = "content/dr/restore-primary-database.md";

/// The fenced code blocks of a markdown file: (language, code as written, with its last newline).
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match open.take() {
            None => {
                if let Some(lang) = line.strip_prefix("```") {
                    open = Some((lang.trim().to_string(), String::new()));
                }
            }
            Some((lang, mut code)) => {
                if line.trim_end() == "```" {
                    blocks.push((lang, code));
                } else {
                    code.push_str(line);
                    code.push('\n');
                    open = Some((lang, code));
                }
            }
        }
    }
    blocks
}

/// Clicks the copy button of the `index`th code block and returns what reached the clipboard.
async fn copy_block(b: &Browser, index: usize) -> Result<String> {
    b.js(&format!(
        "document.querySelectorAll('.code-block')[{index}].scrollIntoView({{block: 'center'}});"
    ))
    .await?;
    let buttons = b.client.find_all(Locator::Css(".code-block button.copy")).await?;
    let button = buttons
        .get(index)
        .ok_or_else(|| anyhow!("no copy button for code block {index}"))?;
    button.click().await?;
    b.wait_until(
        &format!("document.querySelectorAll('.code-block button.copy')[{index}].textContent === 'Copied'"),
        Duration::from_secs(5),
    )
    .await?;
    let text = b
        .js_async("navigator.clipboard.readText().then(done, function (e) { done('ERROR ' + e); });")
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

#[test]
fn copy_button_puts_exactly_the_code_on_the_clipboard() {
    let markdown = std::fs::read_to_string(repo_root().join(RUNBOOK_SOURCE)).expect("read runbook");
    let blocks = fenced_blocks(&markdown);
    let first = blocks.first().expect("the runbook has code").1.clone();
    let (console_index, console) = blocks
        .iter()
        .enumerate()
        .find(|(_, (lang, _))| lang == "console")
        .map(|(i, (_, code))| (i, code.clone()))
        .expect("the runbook shows a shell session");
    let multi_line = blocks
        .iter()
        .position(|(_, code)| code.contains("\\\n"))
        .expect("the runbook has a command continued over lines");
    with_browser(Viewport::Desktop, |b| async move {
        b.goto(RUNBOOK).await?;
        b.grant("clipboard-read").await?;
        b.grant("clipboard-write").await?;

        // A plain block: the code as written, without the newline the fence adds.
        let expected = first.trim_end_matches('\n');
        let copied = copy_block(&b, 0).await?;
        ensure!(copied == expected, "copied {copied:?}, expected {expected:?}");

        // A command continued with `\`: both lines, the backslash kept.
        let expected = blocks[multi_line].1.trim_end_matches('\n').to_string();
        let copied = copy_block(&b, multi_line).await?;
        ensure!(copied == expected, "copied {copied:?}, expected {expected:?}");

        // A shell session: only the command, without its `$ ` prompt or its output.
        let command: Vec<&str> = console.lines().filter_map(|l| l.strip_prefix("$ ")).collect();
        let copied = copy_block(&b, console_index).await?;
        ensure!(
            copied == command.join("\n"),
            "copied {copied:?} from the shell session {console:?}"
        );
        ensure!(!copied.is_empty() && !copied.contains('$'), "prompt copied: {copied:?}");
        Ok(())
    });
}

/// The page's background colour and chosen theme.
async fn theme_state(b: &Browser) -> Result<Value> {
    b.js("return { theme: document.documentElement.dataset.theme || null,
                   stored: localStorage.getItem('opsbook-theme'),
                   background: getComputedStyle(document.body).backgroundColor,
                   label: document.querySelector('.theme-toggle').textContent };")
        .await
}

#[test]
fn theme_toggle_switches_and_is_remembered() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        b.js("localStorage.clear();").await?;
        b.client.refresh().await?;
        let light = theme_state(&b).await?;
        ensure!(light["theme"].is_null() && light["stored"].is_null(), "{light}");

        b.client.find(Locator::Css(".theme-toggle")).await?.click().await?;
        let dark = theme_state(&b).await?;
        ensure!(dark["theme"] == "dark" && dark["stored"] == "dark", "{dark}");
        ensure!(
            dark["background"] != light["background"],
            "the background stayed {} after switching to dark",
            light["background"]
        );

        // Another page, opened later, starts dark, and offers to go back to light.
        b.goto(RUNBOOK).await?;
        let later = theme_state(&b).await?;
        ensure!(
            later["theme"] == "dark" && later["background"] == dark["background"],
            "{later}"
        );
        ensure!(later["label"] == "Light", "{later}");

        b.client.find(Locator::Css(".theme-toggle")).await?.click().await?;
        b.client.refresh().await?;
        let back = theme_state(&b).await?;
        ensure!(
            back["theme"] == "light" && back["background"] == light["background"],
            "{back}"
        );
        Ok(())
    });
}

#[test]
fn system_dark_setting_is_followed_until_the_reader_chooses() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        let light = theme_state(&b).await?;
        b.cdp(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
        )
        .await?;
        b.client.refresh().await?;
        let system_dark = theme_state(&b).await?;
        ensure!(
            system_dark["background"] != light["background"] && system_dark["theme"].is_null(),
            "a system in dark mode got {system_dark}"
        );
        ensure!(system_dark["label"] == "Light", "{system_dark}");
        Ok(())
    });
}

#[test]
fn sidebar_folds_behind_the_menu_at_375_px() {
    with_browser(Viewport::Phone(375), |b| async move {
        b.goto(RUNBOOK).await?;
        let state = |b: Browser| async move {
            b.js("var s = document.querySelector('.sidebar');
                  return { width: window.innerWidth,
                           overflow: document.documentElement.scrollWidth - window.innerWidth,
                           sidebar: s.offsetParent !== null && s.getBoundingClientRect().height > 0,
                           menu: document.querySelector('.menu-toggle').offsetParent !== null,
                           expanded: document.querySelector('.menu-toggle').getAttribute('aria-expanded') };")
                .await
        };
        let closed = state(b.clone()).await?;
        ensure!(closed["width"] == 375, "not a 375 px window: {closed}");
        ensure!(closed["sidebar"] == false && closed["menu"] == true, "{closed}");
        ensure!(
            closed["overflow"].as_i64() == Some(0),
            "the page scrolls sideways: {closed}"
        );

        b.client.find(Locator::Css(".menu-toggle")).await?.click().await?;
        let open = state(b.clone()).await?;
        ensure!(open["sidebar"] == true && open["expanded"] == "true", "{open}");
        ensure!(
            open["overflow"].as_i64() == Some(0),
            "the open menu scrolls sideways: {open}"
        );

        b.client.find(Locator::Css(".menu-toggle")).await?.click().await?;
        let again = state(b.clone()).await?;
        ensure!(again["sidebar"] == false && again["expanded"] == "false", "{again}");
        Ok(())
    });
}

/// Issue 23: one tree, the way to the current page open; the button beside a branch folds it
/// without leaving the page; on a phone every entry of the open menu is a 44 px target.
#[test]
fn the_sidebar_tree_opens_the_way_to_the_page_and_folds_by_its_arrow() {
    const PAGE: &str = "/runbooks/database-maintenance/implement-regular-backup-procedures/";
    with_browser(Viewport::Desktop, |b| async move {
        b.goto(PAGE).await?;
        let state = b
            .js("var s = document.getElementById('sidebar');
                 var cur = s.querySelector('[aria-current=page]');
                 var r = cur.getBoundingClientRect();
                 var open = Array.from(s.querySelectorAll('.side-fold[aria-expanded=true]')).map(function (b) { return b.previousSibling.textContent; });
                 return { current: cur.textContent, visible: r.top >= 0 && r.bottom <= window.innerHeight,
                          open: open, parts: Array.from(s.querySelectorAll('.side-part-title')).map(function (h) { return h.textContent; }) };")
            .await?;
        ensure!(state["current"] == "Implement regular backup procedures", "{state}");
        ensure!(
            state["visible"] == true,
            "the current page is off screen in the sidebar: {state}"
        );
        ensure!(
            state["parts"] == json!(["Operations", "Programme", "Guides"]),
            "{state}"
        );
        let open: Vec<String> = serde_json::from_value(state["open"].clone())?;
        ensure!(
            open.contains(&"Runbooks".to_string()) && open.contains(&"4. Database Maintenance".to_string()),
            "{state}"
        );
        ensure!(!open.contains(&"Disaster recovery".to_string()), "{state}");

        // The button beside a branch's link opens it; the page stays.
        b.client
            .find(Locator::Css("button[aria-label='Entries of Disaster recovery']"))
            .await?
            .click()
            .await?;
        let after = b
            .js("var f = document.querySelector(\"button[aria-label='Entries of Disaster recovery']\");
                 var list = document.getElementById(f.getAttribute('aria-controls'));
                 return { open: f.getAttribute('aria-expanded') === 'true' && list.offsetHeight > 0, path: location.pathname };")
            .await?;
        ensure!(after["open"] == true && after["path"] == PAGE, "{after}");
        Ok(())
    });
    with_browser(Viewport::Phone(390), |b| async move {
        b.goto(PAGE).await?;
        b.client.find(Locator::Css(".menu-toggle")).await?.click().await?;
        let small = b
            .js("return Array.from(document.querySelectorAll('#sidebar a, #sidebar button'))
                   .filter(function (e) { var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.height < 44; })
                   .map(function (e) { return e.textContent + ' ' + e.getBoundingClientRect().height; });")
            .await?;
        ensure!(small == json!([]), "menu entries under 44 px: {small}");
        // The open menu as the reader sees it: the first screen.
        std::fs::create_dir_all(repo_root().join("target/screenshots"))?;
        let png = b.client.screenshot().await?;
        std::fs::write(repo_root().join("target/screenshots/menu-phone.png"), png)?;
        Ok(())
    });
}

#[test]
fn keyboard_reaches_the_content_with_visible_focus() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto(RUNBOOK).await?;
        // The first Tab shows the skip link; Enter on it moves to the text.
        b.client.find(Locator::Css("body")).await?.send_keys("\u{e004}").await?;
        let focus = b
            .js(
                "var a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
                 return { cls: a.className, visible: r.left >= 0 && r.width > 0,
                          outline: s.outlineStyle, width: s.outlineWidth };",
            )
            .await?;
        ensure!(focus["cls"] == "skip" && focus["visible"] == true, "{focus}");
        ensure!(focus["outline"] != "none", "focus is not visible: {focus}");
        b.client.active_element().await?.send_keys("\u{e007}").await?;
        let hash = b.js("return location.hash;").await?;
        ensure!(hash == "#main", "the skip link went to {hash}");
        Ok(())
    });
}

#[test]
fn pages_read_well_with_javascript_off() {
    with_browser(Viewport::Phone(375), |b| async move {
        b.cdp("Emulation.setScriptExecutionDisabled", json!({ "value": true }))
            .await?;
        b.goto(RUNBOOK).await?;
        // What the reader sees, read through DevTools (page scripts are off).
        let state = b
            .cdp(
                "Runtime.evaluate",
                json!({ "returnByValue": true, "expression":
                    "({ js: document.documentElement.classList.contains('js'),
                        sidebar: document.querySelector('.sidebar').getBoundingClientRect().height > 0,
                        menu: getComputedStyle(document.querySelector('.menu-toggle')).display,
                        toggle: getComputedStyle(document.querySelector('.theme-toggle')).display,
                        copy: getComputedStyle(document.querySelector('button.copy')).display,
                        code: document.querySelector('pre code').textContent.length,
                        overflow: document.documentElement.scrollWidth - window.innerWidth })" }),
            )
            .await?;
        let state = &state["result"]["value"];
        ensure!(state["js"] == false, "the page's script ran: {state}");
        // Nothing that needs the script is offered, and the sidebar is in the page, not folded.
        ensure!(state["sidebar"] == true, "the sidebar cannot be reached: {state}");
        ensure!(
            state["menu"] == "none" && state["toggle"] == "none" && state["copy"] == "none",
            "buttons that do nothing without JavaScript: {state}"
        );
        ensure!(state["code"].as_u64().unwrap_or(0) > 10, "{state}");
        ensure!(
            state["overflow"].as_i64() == Some(0),
            "the page scrolls sideways: {state}"
        );
        Ok(())
    });
}

/// The dashboard's burn-up chart (the example is built with a scripted git history): drawn,
/// named for assistive technology, and its numbers a click away.
#[test]
fn the_burn_up_chart_is_visible_named_and_its_numbers_open() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/").await?;
        let chart = b
            .js("const s = document.querySelector('svg.burn-up'); if (!s) return null; \
                 const r = s.getBoundingClientRect(); \
                 const t = document.getElementById(s.getAttribute('aria-labelledby') || ''); \
                 return [r.width, r.height, s.getAttribute('role'), t ? t.textContent : ''];")
            .await?;
        let chart = chart
            .as_array()
            .ok_or_else(|| anyhow!("no burn-up chart on the dashboard"))?;
        let (w, h) = (chart[0].as_f64().unwrap_or(0.0), chart[1].as_f64().unwrap_or(0.0));
        ensure!(w > 300.0 && h > 80.0, "the chart is {w}×{h}");
        ensure!(chart[2] == "img", "role {}", chart[2]);
        let name = chart[3].as_str().unwrap_or("");
        ensure!(
            name.starts_with("Burn-up: 3 of 65 tasks complete"),
            "accessible name: {name}"
        );
        let shown = "const d = document.querySelector('.chart-numbers'); \
                     return [d.open, d.querySelector('table').checkVisibility()];";
        let before = b.js(shown).await?;
        ensure!(before == json!([false, false]), "the numbers start folded: {before}");
        b.js("document.querySelector('.chart-numbers summary').click();")
            .await?;
        let after = b.js(shown).await?;
        ensure!(after == json!([true, true]), "the numbers open: {after}");
        let rows = b
            .js("return document.querySelectorAll('.chart-numbers tbody tr').length")
            .await?;
        ensure!(rows.as_u64().unwrap_or(0) >= 5, "{rows} rows");
        Ok(())
    });
}

/// An alert's address whose page names a section for it (`alerts: [Name#heading]`) lands on
/// that section, under a note saying which alert brought the reader there.
#[test]
fn an_alert_link_lands_on_its_section_with_a_note() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/alerts/PostgresWALArchiveLag/").await?;
        b.wait_until(
            "location.hash === '#check-wal-archiving' && document.querySelector('.came-for') !== null",
            Duration::from_secs(10),
        )
        .await?;
        let note = b
            .js(
                "var n = document.querySelector('.came-for'); var r = n.getBoundingClientRect();
                 return [n.textContent, r.top, innerHeight, n.nextElementSibling.id];",
            )
            .await?;
        ensure!(
            note[0] == "You came here for PostgresWALArchiveLag: this section is what to do.",
            "{note}"
        );
        let top = note[1].as_f64().unwrap_or(-1.0);
        ensure!(
            (0.0..300.0).contains(&top),
            "the note is not at the top of the screen: {note}"
        );
        ensure!(
            note[3] == "check-wal-archiving",
            "the note is not above the section: {note}"
        );
        // Opened again without the alert, the page has no note.
        b.client.refresh().await?;
        let again = b.js("return document.querySelector('.came-for') === null;").await?;
        ensure!(again == true, "the note stays after a reload");
        Ok(())
    });
}

/// At 1400 × 1000 a runbook's contents sit on the right and stay in view as the reader
/// scrolls, the section being read marked; its first command is on the first screen.
#[test]
fn wide_screens_keep_the_contents_in_view_and_the_first_command_on_screen() {
    with_browser(Viewport::Desktop, |b| async move {
        b.goto("/runbooks/error-monitoring/create-error-notification-system/")
            .await?;
        // The page itself 1400 × 1000, whatever the window's own bars take.
        let bars = b
            .js("return [outerWidth - innerWidth, outerHeight - innerHeight];")
            .await?;
        let bar = |i: usize| bars[i].as_u64().unwrap_or(0) as u32;
        b.client.set_window_size(1400 + bar(0), 1000 + bar(1)).await?;
        let first = b
            .js(
                "var t = document.querySelector('article > .toc').getBoundingClientRect();
                 var c = document.querySelector('.content').getBoundingClientRect();
                 var pre = document.querySelector('.content pre').getBoundingClientRect();
                 return [t.left > c.right, pre.top, innerHeight];",
            )
            .await?;
        ensure!(first[0] == true, "the contents are not on the right: {first}");
        ensure!(
            first[1].as_f64().unwrap_or(9999.0) < first[2].as_f64().unwrap_or(0.0),
            "the first command is below the first screen: {first}"
        );
        b.js("document.getElementById('verify').scrollIntoView();").await?;
        b.wait_until(
            "(document.querySelector('.toc a[aria-current]') || {getAttribute: function () { return ''; }}).getAttribute('href') === '#verify'",
            Duration::from_secs(5),
        )
        .await?;
        let toc = b
            .js("var r = document.querySelector('article > .toc').getBoundingClientRect(); return [r.top, r.bottom];")
            .await?;
        ensure!(
            toc[0].as_f64().unwrap_or(-1.0) >= 0.0 && toc[0].as_f64().unwrap_or(9999.0) < 200.0,
            "the contents scrolled away: {toc}"
        );
        Ok(())
    });
}
