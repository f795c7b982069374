//! Front matter: split a page's YAML (`---`) or TOML (`+++`) header from its body and read it
//! into [`Meta`]. Pure: text in, values and diagnostics out.
//!
//! Known keys are typed and checked; unknown keys are kept in [`Meta::extra`] so that themes
//! can use them (Hugo's `weight`, `bookHidden`, …).

use std::collections::BTreeMap;

use serde_json::Value;
use time::Date;

use crate::diagnostic::Diagnostic;

/// The page metadata of DESIGN.md; every key optional.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub title: Option<String>,
    pub task: Option<String>,
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub severity: Option<String>,
    pub alerts: Vec<String>,
    /// Whether `alerts:` is written at all: a page that names its alerts (or opts out with
    /// `alerts: []`) is not also named after its file by `[runbooks] alert-pages`.
    pub alerts_given: bool,
    /// Alert name → the heading its link lands on (`alerts: [PostgresWALArchiveLag#check-wal]`).
    pub alert_anchors: BTreeMap<String, String>,
    pub aliases: Vec<String>,
    pub last_reviewed: Option<Date>,
    /// When the page last changed, when git does not say it right (`last_updated`, or
    /// Hugo's `lastmod`): it overrides the date of the page's last commit.
    pub last_updated: Option<Date>,
    /// Days between reviews (`90d`, `12w`, `6m`, `1y`).
    pub review_every: Option<u32>,
    pub tags: Vec<String>,
    pub extra: BTreeMap<String, Value>,
}

/// Where the front matter was, so that diagnostics about its keys point at the right line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// The front matter block of a text: its format, raw text, the line its first key is on,
/// and the byte offset where the body starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Option<Format>,
    pub raw: &'a str,
    pub raw_line: usize,
    pub body_start: usize,
    /// The text opens with a fence (`---`, `+++`) that never closes: read as no front
    /// matter, and worth a warning (a half-saved file, a forgotten line).
    pub unclosed: bool,
}

/// Splits front matter from `text`. A text that opens with `---` but never closes it has no
/// front matter (it is a thematic break), as on GitHub.
pub fn split(text: &str) -> Split<'_> {
    let bom = if text.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let none = Split {
        format: None,
        raw: "",
        raw_line: 1,
        body_start: bom,
        unclosed: false,
    };
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_nobom.len();
    let (fence, format) = if text_nobom.starts_with("---") {
        ("---", Format::Yaml)
    } else if text_nobom.starts_with("+++") {
        ("+++", Format::Toml)
    } else {
        return none;
    };
    let first_end = match text_nobom.find('\n') {
        Some(i) => i + 1,
        None => return none,
    };
    if text_nobom[..first_end].trim() != fence {
        return none;
    }
    let mut pos = first_end;
    while pos < text_nobom.len() {
        let line_end = text_nobom[pos..]
            .find('\n')
            .map(|i| pos + i + 1)
            .unwrap_or(text_nobom.len());
        if text_nobom[pos..line_end].trim_end() == fence {
            return Split {
                format: Some(format),
                raw: &text_nobom[first_end..pos],
                raw_line: 2,
                body_start: bom + line_end,
                unclosed: false,
            };
        }
        pos = line_end;
    }
    Split { unclosed: true, ..none }
}

/// The byte offset where the body of `text` starts (0 without front matter).
pub fn body_offset(text: &str) -> usize {
    split(text).body_start
}

/// How deep brackets may nest, and how many YAML anchors and aliases front matter may use:
/// far beyond any real page, and far below what makes the YAML and TOML parsers slow (their
/// cost grows with the square of these).
const MAX_NESTING: usize = 64;
const MAX_ANCHORS: usize = 256;

/// Why front matter is refused before it is parsed, if it is: brackets nested deeper than
/// [`MAX_NESTING`], or more than [`MAX_ANCHORS`] YAML anchors (`&a`) and aliases (`*a`).
fn too_complex(raw: &str) -> Option<String> {
    let (mut depth, mut deepest, mut anchors) = (0usize, 0usize, 0usize);
    let mut prev = b'\n';
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'&' | b'*'
                if matches!(prev, b' ' | b'\t' | b'\n' | b'[' | b'{' | b',' | b':' | b'-')
                    && bytes
                        .get(i + 1)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') =>
            {
                anchors += 1
            }
            _ => {}
        }
        prev = b;
    }
    if deepest > MAX_NESTING {
        Some(format!("brackets nest {deepest} levels deep (at most {MAX_NESTING})"))
    } else if anchors > MAX_ANCHORS {
        Some(format!("{anchors} YAML anchors and aliases (at most {MAX_ANCHORS})"))
    } else {
        None
    }
}

/// Reads the front matter of `text` (a file at `path`) into [`Meta`]. Syntax errors and
/// wrong types are errors at the line of the key; the page is then read with what was valid.
pub fn parse_meta(path: &str, split: &Split<'_>) -> (Meta, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    if split.format.is_some() {
        if let Some(problem) = too_complex(split.raw) {
            diags.push(
                Diagnostic::error(path, split.raw_line, 1, format!("front matter is too complex to read: {problem}"))
                    .with_hint("front matter holds a page's title, owner, alerts and dates: write them as plain `key: value` lines"),
            );
            return (Meta::default(), diags);
        }
    }
    let map: serde_json::Map<String, Value> = match split.format {
        None => return (Meta::default(), diags),
        Some(Format::Yaml) => {
            if split.raw.trim().is_empty() {
                serde_json::Map::new()
            } else {
                match serde_yaml_ng::from_str::<Value>(split.raw) {
                    Ok(Value::Object(m)) => m,
                    Ok(Value::Null) => serde_json::Map::new(),
                    Ok(_) => {
                        diags.push(
                            Diagnostic::error(
                                path,
                                split.raw_line,
                                1,
                                "front matter is not a set of `key: value` lines",
                            )
                            .with_hint("write front matter as YAML keys, e.g. `title: Restore the database`"),
                        );
                        serde_json::Map::new()
                    }
                    Err(e) => {
                        let (line, col) = e.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
                        let msg = e.to_string();
                        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                        diags.push(Diagnostic::error(path, split.raw_line + line - 1, col, format!("invalid YAML front matter: {msg}"))
                            .with_hint("fix the YAML between the `---` lines; quote values that contain `: ` or start with `{`, `[`, `*` or `&`"));
                        serde_json::Map::new()
                    }
                }
            }
        }
        Some(Format::Toml) => match toml::from_str::<toml::Table>(split.raw) {
            Ok(t) => t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect(),
            Err(e) => {
                let (line, col) = e
                    .span()
                    .map(|s| crate::diagnostic::line_col(split.raw, s.start))
                    .unwrap_or((1, 1));
                diags.push(
                    Diagnostic::error(
                        path,
                        split.raw_line + line - 1,
                        col,
                        format!("invalid TOML front matter: {}", e.message().trim()),
                    )
                    .with_hint("fix the TOML between the `+++` lines; strings need quotes"),
                );
                serde_json::Map::new()
            }
        },
    };
    let meta = read_meta(path, split, map, &mut diags);
    (meta, diags)
}

fn read_meta(path: &str, split: &Split<'_>, map: serde_json::Map<String, Value>, diags: &mut Vec<Diagnostic>) -> Meta {
    let mut meta = Meta::default();
    for (key, value) in map {
        let line = key_line(split, &key);
        let mut wrong = |what: &str| {
            diags.push(
                Diagnostic::error(path, line, 1, format!("front matter key `{key}` must be {what}"))
                    .with_hint(format!("see the page keys in the README; e.g. `{}`", example_of(&key))),
            );
        };
        match key.as_str() {
            "title" | "task" | "kind" | "owner" | "severity" => match scalar_string(&value) {
                Some(s) => {
                    let slot = match key.as_str() {
                        "title" => &mut meta.title,
                        "task" => &mut meta.task,
                        "kind" => &mut meta.kind,
                        "owner" => &mut meta.owner,
                        _ => &mut meta.severity,
                    };
                    *slot = Some(s);
                }
                None if value.is_null() => {}
                None => wrong("a string"),
            },
            "alerts" | "aliases" | "tags" => match string_list(&value) {
                Some(list) => match key.as_str() {
                    "alerts" => {
                        // `Name#heading`: the alert's link lands on that heading.
                        // Without a name before the `#`, the item stays whole (and is refused
                        // as a name); an empty heading is no heading.
                        for item in list {
                            match item.split_once('#') {
                                Some((name, anchor)) if !name.trim().is_empty() => {
                                    let name = name.trim().to_string();
                                    if !anchor.trim().is_empty() {
                                        meta.alert_anchors.insert(name.clone(), anchor.trim().to_string());
                                    }
                                    meta.alerts.push(name);
                                }
                                _ => meta.alerts.push(item),
                            }
                        }
                        meta.alerts_given = true;
                    }
                    "aliases" => meta.aliases = list,
                    _ => meta.tags = list,
                },
                None => wrong("a list of strings"),
            },
            "last_reviewed" => match scalar_string(&value).and_then(|s| parse_date(&s)) {
                Some(d) => meta.last_reviewed = Some(d),
                None if value.is_null() => {}
                None => wrong("a date written YYYY-MM-DD"),
            },
            "last_updated" | "lastmod" => match scalar_string(&value).and_then(|s| parse_date(&s)) {
                Some(d) => meta.last_updated = Some(d),
                None if value.is_null() => {}
                None => wrong("a date written YYYY-MM-DD"),
            },
            "review_every" => match scalar_string(&value).and_then(|s| parse_period(&s)) {
                Some(d) => meta.review_every = Some(d),
                None if value.is_null() => {}
                None => wrong("a period such as `90d`, `12w`, `6m` or `1y`"),
            },
            _ => {
                meta.extra.insert(key, value);
            }
        }
    }
    meta
}

fn example_of(key: &str) -> &'static str {
    match key {
        "alerts" => "alerts: [PostgresBackupFailed]",
        "aliases" => "aliases: [/old/path/]",
        "tags" => "tags: [postgres, backup]",
        "last_reviewed" => "last_reviewed: 2026-10-01",
        "last_updated" | "lastmod" => "last_updated: 2026-11-20",
        "review_every" => "review_every: 90d",
        _ => "owner: dba-team",
    }
}

/// The line of `key` in the front matter (the block's first line when not found).
fn key_line(split: &Split<'_>, key: &str) -> usize {
    for (i, line) in split.raw.lines().enumerate() {
        let t = line.trim_start_matches(['"', '\'']);
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start_matches(['"', '\'']).trim_start();
            if rest.starts_with(':') || rest.starts_with('=') {
                return split.raw_line + i;
            }
        }
    }
    split.raw_line
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(scalar_string).collect(),
        other => scalar_string(other).map(|s| vec![s]),
    }
}

/// `2026-10-01` (a TOML datetime's date part is accepted too).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let date_part = s.get(..10)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(date_part, &format).ok()
}

/// `90d` / `12w` / `6m` / `1y` → days. A bare number is days.
pub fn parse_period(s: &str) -> Option<u32> {
    let s = s.trim().to_ascii_lowercase();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let n: u32 = digits.parse().ok()?;
    let unit = s[digits.len()..].trim();
    let days = match unit {
        "" | "d" | "day" | "days" => n,
        "w" | "week" | "weeks" => n.checked_mul(7)?,
        "m" | "month" | "months" => n.checked_mul(30)?,
        "y" | "year" | "years" => n.checked_mul(365)?,
        _ => return None,
    };
    (days > 0).then_some(days)
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_may_name_the_heading_its_link_lands_on() {
        let text = "---\nalerts: [PostgresWALArchiveLag#check-wal, B]\n---\n";
        let (m, d) = parse_meta("p.md", &split(text));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.alerts, ["PostgresWALArchiveLag", "B"]);
        assert_eq!(
            m.alert_anchors.get("PostgresWALArchiveLag").map(String::as_str),
            Some("check-wal")
        );
        // No name: kept whole, for the build to refuse; no heading: the name alone.
        let (m, _) = parse_meta("p.md", &split("---\nalerts: [\"#foo\", \"Bar#\"]\n---\n"));
        assert_eq!(m.alerts, ["#foo", "Bar"]);
        assert!(m.alert_anchors.is_empty(), "{:?}", m.alert_anchors);
    }

    #[test]
    fn yaml_front_matter_is_split_and_read() {
        let text = "---\ntitle: Restore\nalerts: [A, B]\nlast_reviewed: 2026-10-01\nreview_every: 90d\nweight: 3\n---\n# Body\n";
        let s = split(text);
        assert_eq!(&text[s.body_start..], "# Body\n");
        let (m, d) = parse_meta("p.md", &s);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.title.as_deref(), Some("Restore"));
        assert_eq!(m.alerts, ["A", "B"]);
        assert_eq!(m.review_every, Some(90));
        assert_eq!(m.last_reviewed.map(|d| d.to_string()).as_deref(), Some("2026-10-01"));
        assert_eq!(m.extra["weight"], 3);
    }

    #[test]
    fn toml_front_matter_with_bare_date() {
        let text = "+++\ntitle = \"T\"\nlast_reviewed = 2025-01-15\n+++\nbody";
        let (m, d) = parse_meta("p.md", &split(text));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(m.last_reviewed.map(|d| d.to_string()).as_deref(), Some("2025-01-15"));
    }

    #[test]
    fn unclosed_fence_is_no_front_matter() {
        assert_eq!(split("---\nnot closed\n").format, None);
    }

    #[test]
    fn bad_yaml_reports_file_line() {
        let text = "---\ntitle: ok\nalerts: [a, b\n---\n";
        let (_, d) = parse_meta("p.md", &split(text));
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "{:?}", d[0]);
        assert!(d[0].message.contains("invalid YAML"));
    }

    #[test]
    fn wrong_type_names_the_key_line() {
        let text = "---\ntitle: ok\nlast_reviewed: yesterday\n---\n";
        let (_, d) = parse_meta("p.md", &split(text));
        assert_eq!(d[0].line, 3);
        assert!(d[0].message.contains("last_reviewed"));
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("90d"), Some(90));
        assert_eq!(parse_period("2w"), Some(14));
        assert_eq!(parse_period("1y"), Some(365));
        assert_eq!(parse_period("soon"), None);
        assert_eq!(parse_period("0d"), None);
    }
}
