//! Prometheus alerting rules against the book: does every alert's `runbook_url` lead to a
//! page that exists?
//!
//! Reads rule files (`groups[].rules[]`, or a Kubernetes `PrometheusRule` with them under
//! `spec.groups`), expands `{{ $labels.alertname }}`-style templates with the alert's own
//! name, and resolves each URL against what the site publishes: pages, folder pages, the
//! generated `/alerts/` and `/tasks/` links and `aliases`, with or without the trailing slash;
//! a `#fragment` must be an anchor of the page.

use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::site::Site;

/// One alerting rule as read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRule {
    pub alert: String,
    pub runbook_url: Option<String>,
    /// The file as given, the line of `alert:` and that of its `runbook_url:` (0 without).
    pub file: String,
    pub line: usize,
    pub url_line: usize,
}

/// Reads the alerting rules of one file. A file that is not YAML, or holds no rules, is a
/// diagnostic naming the file and line. Every form rules come in is read: a Prometheus rule
/// file (`groups[].rules[]`), a Kubernetes `PrometheusRule` (`spec.groups`), several YAML
/// documents in one file (`---`), a Kubernetes `kind: List` of them (what `kubectl get
/// prometheusrule -A -o yaml` writes), and Grafana alert provisioning files, whose rules are
/// named by `title`.
pub fn parse_rules(file: &str, text: &str) -> Result<Vec<AlertRule>, Diagnostic> {
    let yaml_error = |e: serde_yaml_ng::Error| {
        let (line, col) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Diagnostic::error(file, line, col, format!("not a YAML file: {msg}"))
            .with_hint("give a Prometheus rule file (groups: [...]), a PrometheusRule object, or a Grafana alert provisioning file")
    };
    let mut docs = Vec::new();
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        let value = Value::deserialize(doc).map_err(yaml_error)?;
        if !value.is_null() {
            docs.push(value);
        }
    }
    let mut groups: Vec<&Value> = Vec::new();
    for doc in &docs {
        collect_groups(doc, &mut groups);
    }
    if groups.is_empty() {
        return Err(Diagnostic::error(file, 1, 1, "not a Prometheus rule file: it has no `groups` (nor `spec.groups`, nor `items` holding them)")
            .with_hint("give a file such as `groups: [{name: x, rules: [{alert: X, expr: ..., annotations: {runbook_url: ...}}]}]`"));
    }
    let mut out = Vec::new();
    let mut search_from = 0;
    let lines = crate::diagnostic::LineIndex::new(text);
    for group in groups {
        let Some(rules) = group.get("rules").and_then(Value::as_sequence) else {
            continue;
        };
        for rule in rules {
            // Prometheus names a rule by `alert` (a rule with `record` is no alert); Grafana
            // by `title`.
            let (key, alert) = match (
                rule.get("alert").and_then(Value::as_str),
                rule.get("title").and_then(Value::as_str),
            ) {
                (Some(a), _) => ("alert:", a),
                (None, Some(t)) => ("title:", t),
                _ => continue,
            };
            let runbook_url = rule
                .get("annotations")
                .and_then(|a| a.get("runbook_url"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let (line, next) = find_alert_line(text, &lines, key, alert, search_from);
            search_from = next;
            let url_line = if runbook_url.is_some() {
                find_url_line(text, &lines, key, next)
            } else {
                0
            };
            out.push(AlertRule {
                alert: alert.to_string(),
                runbook_url,
                file: file.to_string(),
                line,
                url_line,
            });
        }
    }
    Ok(out)
}

/// The rule groups of one YAML document, wherever its form keeps them.
fn collect_groups<'a>(doc: &'a Value, out: &mut Vec<&'a Value>) {
    let groups = doc
        .get("groups")
        .or_else(|| doc.get("spec").and_then(|s| s.get("groups")))
        .and_then(Value::as_sequence);
    if let Some(groups) = groups {
        out.extend(groups.iter());
    }
    if let Some(items) = doc.get("items").and_then(Value::as_sequence) {
        for item in items {
            collect_groups(item, out);
        }
    }
}

/// The line of `alert: <name>` at or after byte `from`, and where to look for the next one.
fn find_alert_line(
    text: &str,
    lines: &crate::diagnostic::LineIndex,
    key: &str,
    alert: &str,
    from: usize,
) -> (usize, usize) {
    let mut pos = from.min(text.len());
    while let Some(i) = text[pos..].find(key) {
        let at = pos + i;
        let rest = text[at + key.len()..]
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        if rest == alert {
            return (lines.line_col(at).0, at + key.len());
        }
        pos = at + key.len();
    }
    (0, from)
}

/// The line of the first `runbook_url:` at or after byte `from` (before the next alert).
fn find_url_line(text: &str, lines: &crate::diagnostic::LineIndex, key: &str, from: usize) -> usize {
    let rest = &text[from.min(text.len())..];
    let end = rest.find(key).unwrap_or(rest.len());
    rest[..end]
        .find("runbook_url")
        .map(|i| lines.line_col(from + i).0)
        .unwrap_or(0)
}

/// How an alert's link fares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Leads to a page of the book (and its anchor, when it has one).
    Ok,
    NoRunbookUrl,
    NotAUrl,
    OutsideSite,
    NoPage,
    NoAnchor,
}

impl Verdict {
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::NoRunbookUrl => "has no runbook_url annotation",
            Verdict::NotAUrl => "runbook_url is not a URL",
            Verdict::OutsideSite => "runbook_url points outside this book's site.url",
            Verdict::NoPage => "no page of this book at that URL",
            Verdict::NoAnchor => "the page has no such #anchor",
        }
    }
}

/// The result for one alert.
#[derive(Debug, Clone, Serialize)]
pub struct AlertCheck {
    pub alert: String,
    pub file: String,
    pub line: usize,
    pub runbook_url: Option<String>,
    pub verdict: Verdict,
    /// The page the URL leads to, as a site link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// `{{ $labels.alertname }}`, `{{ .Labels.alertname }}` (with `| toLower`) → the alert's name.
pub fn expand_template(url: &str, alert: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else { break };
        out.push_str(&rest[..start]);
        let inner = rest[start + 2..start + len].trim();
        let mut parts = inner.split('|').map(str::trim);
        let var = parts.next().unwrap_or("");
        if matches!(
            var,
            "$labels.alertname" | ".Labels.alertname" | "$labels.alertname " | "$externalLabels.alertname"
        ) {
            let mut value = alert.to_string();
            for f in parts {
                match f {
                    "toLower" | "lower" => value = value.to_lowercase(),
                    "toUpper" | "upper" => value = value.to_uppercase(),
                    _ => {}
                }
            }
            out.push_str(&value);
        } else {
            out.push_str(&rest[start..start + len + 2]);
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Checks every rule against the site.
pub fn check_rules(rules: &[AlertRule], site: &Site, config: &Config) -> Vec<AlertCheck> {
    rules
        .iter()
        .map(|r| {
            let (verdict, page) = match &r.runbook_url {
                None => (Verdict::NoRunbookUrl, None),
                Some(url) => resolve_url(&expand_template(url, &r.alert), site, config),
            };
            let line = if verdict == Verdict::NoRunbookUrl || r.url_line == 0 {
                r.line
            } else {
                r.url_line
            };
            AlertCheck {
                alert: r.alert.clone(),
                file: r.file.clone(),
                line,
                runbook_url: r.runbook_url.clone(),
                verdict,
                page,
            }
        })
        .collect()
}

/// Where a runbook URL leads in this site.
fn resolve_url(url: &str, site: &Site, config: &Config) -> (Verdict, Option<String>) {
    let url = url.trim();
    let Some(path) = site_path(url, config) else {
        return if url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/') {
            (Verdict::OutsideSite, None)
        } else {
            (Verdict::NotAUrl, None)
        };
    };
    let (path, fragment) = match path.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (path.as_str(), None),
    };
    let path = path.split('?').next().unwrap_or("").trim_matches('/');
    let key = if path.is_empty() {
        String::new()
    } else {
        format!("{path}/")
    };
    let page = published_page(site, config, &key);
    match page {
        Some(Some(i)) => {
            let p = &site.pages[i];
            match fragment.filter(|f| !f.is_empty()) {
                Some(f) if !p.anchors.iter().any(|a| a == f) && p.title_id.as_deref() != Some(f) => {
                    (Verdict::NoAnchor, Some(config.link(&p.path)))
                }
                _ => (Verdict::Ok, Some(config.link(&p.path))),
            }
        }
        Some(None) => (Verdict::Ok, Some(config.link(&key))),
        None => (Verdict::NoPage, None),
    }
}

/// The URL's path under the site (`runbooks/x`), or None when it is not under `site.url`.
fn site_path(url: &str, config: &Config) -> Option<String> {
    let path = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        if !config.has_absolute_url() {
            return None;
        }
        let site = config.site_url.trim_end_matches('/');
        let site_host = site.split("://").nth(1).unwrap_or("").split('/').next().unwrap_or("");
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if !host.eq_ignore_ascii_case(site_host) {
            return None;
        }
        format!("/{path}")
    } else if url.starts_with('/') {
        url.to_string()
    } else {
        return None;
    };
    let base = &config.base_path;
    let bare = base.trim_end_matches('/');
    if path == bare {
        return Some(String::new());
    }
    path.strip_prefix(base.as_str()).map(str::to_string)
}

/// What the site publishes at a site path: `Some(Some(page))` for a page (or a redirect to
/// one), `Some(None)` for another generated page, None when nothing is there.
fn published_page(site: &Site, config: &Config, key: &str) -> Option<Option<usize>> {
    if key.is_empty() {
        return Some(None);
    }
    if let Some(i) = site.page_by_path(key) {
        return Some(Some(i));
    }
    if let Ok(k) = site.aliases.binary_search_by(|(a, _)| a.as_str().cmp(key)) {
        return Some(Some(site.aliases[k].1));
    }
    let trimmed = key.trim_end_matches('/');
    let u = &config.urls;
    if let Some(name) = trimmed.strip_prefix(&format!("{}/", u.alerts)) {
        let found = site.alerts.get(name).or_else(|| {
            site.alerts
                .iter()
                .find(|(n, _)| n.to_lowercase() == name)
                .map(|(_, v)| v)
        });
        return found.map(|pages| if pages.len() == 1 { Some(pages[0]) } else { None });
    }
    if let Some(id) = trimmed.strip_prefix(&format!("{}/", u.tasks)) {
        return site
            .task_page
            .get(id)
            .map(|&i| Some(i))
            .or_else(|| site.task_index.contains_key(id).then_some(None));
    }
    if trimmed == u.alerts || trimmed == u.print {
        return Some(None);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_rules_come_in_is_read() {
        let multi = "groups:\n- name: a\n  rules:\n  - alert: One\n    annotations:\n      runbook_url: /one/\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: b\n    rules:\n    - alert: Two\n";
        let rules = parse_rules("m.yaml", multi).unwrap();
        assert_eq!(
            rules.iter().map(|r| (r.alert.as_str(), r.line)).collect::<Vec<_>>(),
            [("One", 4), ("Two", 14)]
        );
        assert_eq!(rules[0].url_line, 6);
        let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: monitoring.coreos.com/v1\n  kind: PrometheusRule\n  spec:\n    groups:\n    - name: a\n      rules:\n      - alert: Listed\n";
        assert_eq!(parse_rules("l.yaml", list).unwrap()[0].alert, "Listed");
        let grafana = "apiVersion: 1\ngroups:\n- orgId: 1\n  name: db\n  folder: DB\n  interval: 1m\n  rules:\n  - uid: abc\n    title: PostgresDown\n    condition: C\n    annotations:\n      runbook_url: https://x/alerts/PostgresDown/\n";
        let g = parse_rules("g.yaml", grafana).unwrap();
        assert_eq!((g[0].alert.as_str(), g[0].line, g[0].url_line), ("PostgresDown", 9, 12));
        assert!(parse_rules("e.yaml", "kind: ConfigMap\n").is_err());
    }

    #[test]
    fn rule_files_and_prometheus_rule_objects_are_read() {
        let plain = "groups:\n- name: db\n  rules:\n  - record: x\n    expr: y\n  - alert: PostgresDown\n    expr: up == 0\n    annotations:\n      runbook_url: https://x/runbooks/pg\n  - alert: NoUrl\n    expr: up == 0\n";
        let rules = parse_rules("rules.yml", plain).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].alert, "PostgresDown");
        assert_eq!(rules[0].line, 6);
        assert_eq!(rules[1].runbook_url, None);
        let k8s = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n  - name: a\n    rules:\n    - alert: A\n      annotations:\n        runbook_url: /a/\n";
        assert_eq!(parse_rules("k.yaml", k8s).unwrap()[0].alert, "A");
    }

    #[test]
    fn bad_files_are_located() {
        let e = parse_rules("r.yml", "groups:\n  - name: [\n").unwrap_err();
        assert!(e.message.contains("not a YAML file"), "{}", e.message);
        assert!(e.line >= 2);
        let e = parse_rules("r.yml", "just: a map\n").unwrap_err();
        assert!(e.message.contains("no `groups`"));
    }

    #[test]
    fn templates_take_the_alert_name() {
        assert_eq!(
            expand_template("https://x/alerts/{{ $labels.alertname }}", "KubeDown"),
            "https://x/alerts/KubeDown"
        );
        assert_eq!(
            expand_template("https://x/r/{{ $labels.alertname | toLower }}", "KubeDown"),
            "https://x/r/kubedown"
        );
        assert_eq!(
            expand_template("https://x/{{ .Labels.alertname }}#a", "A"),
            "https://x/A#a"
        );
        assert_eq!(
            expand_template("https://x/{{ $labels.namespace }}", "A"),
            "https://x/{{ $labels.namespace }}"
        );
    }
}
