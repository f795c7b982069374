//! Recurring maintenance: the items under the checklist's "Ongoing Activities" heading. Pure:
//! text in, activities and diagnostics out.
//!
//! The seed's own list works as written: a cadence word in an item ("Weekly backup
//! verification") gives its cadence; an item without one is an activity with no due date.
//! A small syntax, readable on GitHub, says more:
//!
//! ```text
//! - `{X 2026-11-30}` Weekly backup verification {owner: dba-team, runbook: verify-the-backup}
//! - `{ }` Certificate renewal check {every: 2w, owner: sre}
//! ```
//!
//! The marker holds the day it was last done (`{ }`: never); the braces at the end hold
//! `every` (`1d`, `2w`, `1m`, `3m`, `1y`, or a cadence word), `owner`, `runbook` (a task id or
//! a page path) and `id`.

use serde::Serialize;
use time::{Date, Duration};

use crate::diagnostic::Diagnostic;

/// The code of an overdue activity's warning (`check --strict` makes it an error).
pub const OVERDUE: &str = "overdue-activity";

/// How often an activity recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cadence {
    pub every: u32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Cadence {
    /// The words a reader sees: `weekly`, `every 2 weeks`.
    pub fn label(&self) -> String {
        let (_, many, word) = match self.unit {
            Unit::Day => ("day", "days", "daily"),
            Unit::Week => ("week", "weeks", "weekly"),
            Unit::Month => ("month", "months", "monthly"),
            Unit::Year => ("year", "years", "yearly"),
        };
        match (self.every, self.unit) {
            (1, _) => word.to_string(),
            (2, Unit::Week) => "fortnightly".into(),
            (3, Unit::Month) => "quarterly".into(),
            (n, _) => format!("every {n} {many}"),
        }
    }

    /// The iCalendar recurrence rule (RFC 5545).
    pub fn rrule(&self) -> String {
        let freq = match self.unit {
            Unit::Day => "DAILY",
            Unit::Week => "WEEKLY",
            Unit::Month => "MONTHLY",
            Unit::Year => "YEARLY",
        };
        format!("FREQ={freq};INTERVAL={}", self.every)
    }

    /// The day one cadence after `from` (a month after January 31 is the last of February).
    pub fn after(&self, from: Date) -> Option<Date> {
        let n = i64::from(self.every);
        match self.unit {
            Unit::Day => from.checked_add(Duration::days(n)),
            Unit::Week => from.checked_add(Duration::weeks(n)),
            Unit::Month | Unit::Year => {
                let months = if self.unit == Unit::Year { n * 12 } else { n };
                let total = i64::from(from.year()) * 12 + i64::from(u8::from(from.month())) - 1 + months;
                let year = i32::try_from(total.div_euclid(12)).ok()?;
                let month = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
                let last = month.length(year);
                Date::from_calendar_date(year, month, from.day().min(last)).ok()
            }
        }
    }

    fn from_word(word: &str) -> Option<Cadence> {
        let (every, unit) = match word.to_ascii_lowercase().as_str() {
            "daily" => (1, Unit::Day),
            "weekly" => (1, Unit::Week),
            "fortnightly" | "biweekly" => (2, Unit::Week),
            "monthly" => (1, Unit::Month),
            "quarterly" => (3, Unit::Month),
            "yearly" | "annual" | "annually" => (1, Unit::Year),
            _ => return None,
        };
        Some(Cadence { every, unit })
    }

    /// `2w`, `1m`, `10d`, `1y`, or a cadence word.
    fn parse(s: &str) -> Option<Cadence> {
        let s = s.trim();
        if let Some(c) = Cadence::from_word(s) {
            return Some(c);
        }
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let every: u32 = s[..digits].parse().ok().filter(|n| *n > 0)?;
        let unit = match s[digits..].trim().to_ascii_lowercase().as_str() {
            "d" | "day" | "days" => Unit::Day,
            "w" | "week" | "weeks" => Unit::Week,
            "m" | "month" | "months" => Unit::Month,
            "y" | "year" | "years" => Unit::Year,
            _ => return None,
        };
        Some(Cadence { every, unit })
    }
}

/// One recurring activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: String,
    /// The item's text without its marker and attributes (markdown).
    pub title: String,
    pub cadence: Option<Cadence>,
    pub owner: Option<String>,
    /// A task id or a page path, as written.
    pub runbook: Option<String>,
    /// When it was last done (the marker's date).
    pub last_done: Option<Date>,
    pub line: usize,
    pub col: usize,
}

impl Activity {
    /// When it is next due: a cadence after it was last done (none without both).
    pub fn next_due(&self) -> Option<Date> {
        self.cadence?.after(self.last_done?)
    }

    /// Past its due day on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.next_due().is_some_and(|d| d < today)
    }
}

/// The level and text of an ATX heading line (`## Title`).
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    if line.len() - t.len() > 3 {
        return None;
    }
    let level = t.bytes().take_while(|&b| b == b'#').count();
    let rest = &t[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
        .then(|| (level, rest.trim().trim_end_matches('#').trim()))
}

/// Every activity of a checklist's text, and what is wrong with any of them. `display` is
/// how the file is named in diagnostics.
pub fn parse_activities(display: &str, text: &str) -> (Vec<Activity>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    let mut ids = crate::slug::AnchorSet::default();
    let mut section: Option<usize> = None;
    let mut fence: Option<&str> = None;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
            continue;
        }
        if let Some((level, title)) = heading(line) {
            section = match section {
                Some(l) if level > l => Some(l),
                _ => crate::checklist::is_activities_heading(title).then_some(level),
            };
            continue;
        }
        if section.is_none() {
            continue;
        }
        // Items of the list itself, not their nested notes.
        let indent = line.len() - trimmed.len();
        let Some(item) = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .or_else(|| trimmed.strip_prefix("+ "))
            .filter(|_| indent < 2)
        else {
            continue;
        };
        let col = indent + 3;
        if let Some(a) = parse_item(display, item, i + 1, col, &mut ids, &mut diags) {
            out.push(a);
        }
    }
    (out, diags)
}

/// The days each activity was marked done in `text`: (id, date), for reading its history.
pub fn done_dates(text: &str) -> Vec<(String, Date)> {
    if !text.contains("ctivities") && !text.contains("aintenance") {
        return Vec::new();
    }
    parse_activities("", text)
        .0
        .into_iter()
        .filter_map(|a| Some((a.id, a.last_done?)))
        .collect()
}

fn parse_item(
    display: &str,
    item: &str,
    line: usize,
    col: usize,
    ids: &mut crate::slug::AnchorSet,
    diags: &mut Vec<Diagnostic>,
) -> Option<Activity> {
    let mut rest = item.trim();
    // The marker: `{X 2026-11-30}` (last done), `{ }` (never).
    let mut last_done = None;
    let ticked = rest.strip_prefix('`').and_then(|r| Some((r.find("}`")?, r)));
    let plain = rest.strip_prefix('{').map(|r| (r.find('}'), r));
    let marker = match (ticked, plain) {
        (Some((end, r)), _) if r.starts_with('{') => Some((&r[1..end], end + 3)),
        (_, Some((Some(end), r))) => Some((&r[..end], end + 2)),
        _ => None,
    };
    if let Some((inner, taken)) = marker {
        let inner = inner.trim();
        let date = inner.strip_prefix(['X', 'x']).map(str::trim).filter(|d| !d.is_empty());
        match (inner.is_empty(), date) {
            (true, _) => {}
            (_, Some(d)) => match Date::parse(d, &time::format_description::well_known::Iso8601::DATE) {
                Ok(d) => last_done = Some(d),
                Err(_) => diags.push(
                    Diagnostic::warning(display, line, col, format!("`{d}` is not a date written YYYY-MM-DD"))
                        .with_hint("write the day the activity was last done, e.g. `{X 2026-11-30}`"),
                ),
            },
            _ => diags.push(
                Diagnostic::warning(display, line, col, format!("`{{{inner}}}` is not an activity marker"))
                    .with_hint("write `{X YYYY-MM-DD}` with the day it was last done, or `{ }` for never"),
            ),
        }
        rest = rest.get(taken..).unwrap_or("").trim_start();
    }
    // The attributes: `{every: 2w, owner: dba-team}` at the end.
    let mut cadence = None;
    let mut owner = None;
    let mut runbook = None;
    let mut id = None;
    if let Some(open) = rest.rfind('{').filter(|_| rest.ends_with('}')) {
        let attrs = &rest[open + 1..rest.len() - 1];
        if attrs.contains(':') {
            for pair in attrs.split(',') {
                let Some((key, value)) = pair.split_once(':') else {
                    continue;
                };
                let value = value.trim().trim_matches(['"', '\'']).to_string();
                match key.trim().to_ascii_lowercase().as_str() {
                    "every" => match Cadence::parse(&value) {
                        Some(c) => cadence = Some(c),
                        None => diags.push(
                            Diagnostic::warning(display, line, col, format!("`every: {value}` is not a cadence"))
                                .with_hint("write a number and d, w, m or y (`every: 2w`), or daily, weekly, fortnightly, monthly, quarterly, yearly"),
                        ),
                    },
                    "owner" => owner = Some(value),
                    "runbook" => runbook = Some(value),
                    "id" => id = Some(crate::slug::id_slug(&value)),
                    other => diags.push(
                        Diagnostic::warning(display, line, col, format!("`{other}` is not an activity attribute"))
                            .with_hint("an activity takes every, owner, runbook and id"),
                    ),
                }
            }
            rest = rest[..open].trim_end();
        }
    }
    let title = rest.to_string();
    if title.is_empty() {
        return None;
    }
    if cadence.is_none() {
        cadence = title.split(|c: char| !c.is_alphanumeric()).find_map(Cadence::from_word);
    }
    if cadence.is_none() {
        diags.push(
            Diagnostic::warning(
                display,
                line,
                col,
                format!("the activity \"{title}\" has no cadence, so it is never due"),
            )
            .with_hint(
                "start it with Daily, Weekly, Fortnightly, Monthly, Quarterly or Yearly, or end it with `{every: 2w}`",
            ),
        );
    }
    let plain: String = title.chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect();
    let id = ids.unique(&id.unwrap_or_else(|| crate::slug::id_slug(&plain)));
    Some(Activity {
        id,
        title,
        cadence,
        owner,
        runbook,
        last_done,
        line,
        col,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "# C\n\n## Ongoing Activities\n\n- Regular team meetings to review system health\n- Quarterly planning for feature improvements\n- Monthly security reviews\n- Weekly backup verification\n- Daily monitoring checks \n";

    fn day(d: &str) -> Date {
        Date::parse(d, &time::format_description::well_known::Iso8601::DATE).unwrap()
    }

    #[test]
    fn the_seed_list_works_as_written() {
        let (a, d) = parse_activities("c.md", SEED);
        let got: Vec<(&str, Option<String>)> = a
            .iter()
            .map(|a| (a.id.as_str(), a.cadence.map(|c| c.label())))
            .collect();
        assert_eq!(
            got,
            [
                ("regular-team-meetings-to-review-system-health", None),
                ("quarterly-planning-for-feature-improvements", Some("quarterly".into())),
                ("monthly-security-reviews", Some("monthly".into())),
                ("weekly-backup-verification", Some("weekly".into())),
                ("daily-monitoring-checks", Some("daily".into())),
            ]
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].col), (5, 3));
        assert!(d[0].hint.as_deref().unwrap_or("").contains("{every: 2w}"));
    }

    #[test]
    fn the_syntax_gives_cadence_owner_runbook_and_last_done() {
        let text = "## Ongoing Activities\n\n- `{X 2026-11-30}` Weekly backup verification {owner: dba-team, runbook: verify-the-backup}\n- `{ }` Certificates {every: 2w, owner: sre, id: certs}\n  - a note, not an activity\n- {x 2026-01-31} Billing review {every: 1m}\n\n## Next\n\n- not an activity\n";
        let (a, d) = parse_activities("c.md", text);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].last_done, Some(day("2026-11-30")));
        assert_eq!(a[0].owner.as_deref(), Some("dba-team"));
        assert_eq!(a[0].runbook.as_deref(), Some("verify-the-backup"));
        assert_eq!(a[0].next_due(), Some(day("2026-12-07")));
        assert_eq!(a[1].id, "certs");
        assert_eq!(a[1].cadence.map(|c| c.label()).as_deref(), Some("fortnightly"));
        assert_eq!(a[1].next_due(), None, "never done");
        // A month after January 31 is the last day of February.
        assert_eq!(a[2].next_due(), Some(day("2026-02-28")));
        assert!(a[0].is_overdue(day("2026-12-08")) && !a[0].is_overdue(day("2026-12-07")));
        assert_eq!(
            a[1].cadence.map(|c| c.rrule()).as_deref(),
            Some("FREQ=WEEKLY;INTERVAL=2")
        );
    }

    #[test]
    fn mistakes_are_named_at_their_line() {
        let text = "## Ongoing Activities\n\n- `{X 30.11.2026}` Weekly x\n- Weekly y {every: often}\n- Weekly z {colour: red}\n";
        let (_, d) = parse_activities("c.md", text);
        let lines: Vec<usize> = d.iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 4, 5]);
        assert!(d[0].message.contains("not a date"));
        assert!(d[1].message.contains("not a cadence"));
        assert!(d[2].message.contains("not an activity attribute"));
    }
}
