//! Every page of the example passes axe-core's WCAG 2.1 A and AA rules, in the light and the
//! dark theme. axe-core comes from the npm registry (`scripts/test.sh` installs it under
//! `target/axe`) and is injected by the test; the site never ships it.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use crate::harness::{html_pages, repo_root, with_browser, Browser, Viewport};

fn axe_source() -> Result<String> {
    let path = std::env::var_os("AXE_CORE")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/axe/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read axe-core at {}: run scripts/test.sh, which installs it \
             (npm install --prefix target/axe axe-core@4)",
            path.display()
        )
    })
}

const RUN_AXE: &str = r#"
axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
  .then(function (result) {
    done(result.violations.map(function (v) {
      return v.impact + " " + v.id + ": " + v.help + "\n      " + v.nodes.slice(0, 4).map(function (n) {
        return n.target.join(" ") + " | " + (n.failureSummary || "").replace(/\n\s*/g, " ");
      }).join("\n      ");
    }));
  }, function (e) { done(["axe failed: " + e]); });
"#;

/// The violations on the page at `path`, in the given theme.
async fn audit(b: &Browser, axe: &str, path: &str, theme: &str) -> Result<Vec<String>> {
    b.goto(path).await?;
    b.js(&format!(
        "document.documentElement.dataset.theme = '{theme}'; document.documentElement.style.scrollBehavior = 'auto';"
    ))
    .await?;
    b.js(axe).await?;
    let found: Value = b.js_async(RUN_AXE).await?;
    Ok(found
        .as_array()
        .map(|list| {
            list.iter()
                .map(|v| format!("{path} ({theme}): {}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default())
}

#[test]
fn every_page_has_no_wcag_a_or_aa_violation() {
    let axe = axe_source().unwrap_or_else(|e| panic!("{e:#}"));
    let pages = html_pages();
    assert!(pages.len() > 20, "the example site has only {} pages", pages.len());
    with_browser(Viewport::Desktop, |b| async move {
        let mut violations = Vec::new();
        for path in &pages {
            for theme in ["light", "dark"] {
                violations.extend(audit(&b, &axe, path, theme).await?);
            }
        }
        if !violations.is_empty() {
            bail!("{} axe violations:\n  {}", violations.len(), violations.join("\n  "));
        }
        Ok(())
    });
}

#[test]
fn phone_layout_has_no_wcag_a_or_aa_violation() {
    let axe = axe_source().unwrap_or_else(|e| panic!("{e:#}"));
    with_browser(Viewport::Phone(375), |b| async move {
        let mut violations = Vec::new();
        for path in ["/", "/dr/restore-primary-database/"] {
            for theme in ["light", "dark"] {
                violations.extend(audit(&b, &axe, path, theme).await?);
            }
        }
        if !violations.is_empty() {
            bail!("{} axe violations:\n  {}", violations.len(), violations.join("\n  "));
        }
        Ok(())
    });
}
