//! The checklist over time, from its versions in git: the daily series the burn-up chart is
//! drawn from, every status change (what `progress --since` prints), when each task last
//! changed, and the pace of completion. Pure: versions in, values out.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;
use time::Date;

use crate::checklist::{Checklist, Section, Status};
use crate::progress::Counts;

/// One commit that changed the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The commit's date, `YYYY-MM-DD` (committer date).
    pub date: String,
    pub author: String,
    /// False for the file on disk, not committed yet.
    pub committed: bool,
}

/// One version of the checklist: its structure (sections, tasks, ids) and each task's status
/// in the order of `structure.tasks()`. Versions that differ only in statuses share their
/// structure, so that thousands of them cost little.
#[derive(Debug, Clone)]
pub struct Version {
    pub structure: Arc<Checklist>,
    pub statuses: Vec<Status>,
}

impl Version {
    pub fn of(checklist: Checklist) -> Version {
        let statuses = checklist.tasks().map(|(_, t)| t.status).collect();
        Version {
            structure: Arc::new(checklist),
            statuses,
        }
    }

    /// Each task with its section and its status in this version.
    fn tasks(&self) -> impl Iterator<Item = (&Section, &crate::checklist::Task, Status)> {
        self.structure
            .tasks()
            .zip(&self.statuses)
            .map(|((s, t), &status)| (s, t, status))
    }
}

/// The counts of the checklist at the end of one day it changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayPoint {
    pub date: String,
    pub complete: u32,
    pub in_progress: u32,
    pub not_started: u32,
    pub not_applicable: u32,
    /// Applicable tasks (complete + in progress + not started).
    pub total: u32,
    /// Each section's counts that day, by section id.
    #[serde(skip)]
    pub sections: BTreeMap<String, Counts>,
}

/// What happened to a task in one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Added,
    Removed,
    Started,
    Completed,
    Reopened,
    /// Any other change of status (to or from not applicable, back to not started).
    Changed,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Added => "added",
            EventKind::Removed => "removed",
            EventKind::Started => "started",
            EventKind::Completed => "completed",
            EventKind::Reopened => "reopened",
            EventKind::Changed => "changed",
        }
    }
}

/// One task's change between two versions of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub date: String,
    /// Who committed it (empty for a change not committed yet).
    pub author: String,
    /// False for the file on disk, when it differs from the last commit.
    pub committed: bool,
    pub kind: EventKind,
    pub task_id: String,
    pub title: String,
    pub section_id: String,
    /// The status before (none for a task added).
    pub from: Option<Status>,
    /// The status after (none for a task removed).
    pub to: Option<Status>,
}

/// A task's last status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastChange {
    pub date: String,
    /// The status it changed from (none when the task was added with its status).
    pub from: Option<Status>,
}

/// The checklist's history.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct History {
    /// One point per day the checklist changed, oldest first.
    pub days: Vec<DayPoint>,
    /// Every change of every task, oldest first.
    pub events: Vec<Event>,
    /// Each task's last status change, by task id.
    #[serde(skip)]
    pub last_change: HashMap<String, LastChange>,
    /// False when git holds only part of the history (a shallow clone): the series then
    /// starts at the oldest commit there is.
    pub complete: bool,
    /// Each recurring activity's days done (its marker's dates over time), oldest first.
    #[serde(skip)]
    pub activity_done: BTreeMap<String, Vec<String>>,
}

impl History {
    /// Notes the days `text` marks its activities done.
    pub fn note_activities(&mut self, text: &str) {
        for (id, date) in crate::activities::done_dates(text) {
            let days = self.activity_done.entry(id).or_default();
            let date = date.to_string();
            if let Err(at) = days.binary_search(&date) {
                days.insert(at, date);
            }
        }
    }

    /// The history of `versions` (oldest first), then `current` (the checklist on disk, when
    /// it differs from the last committed version, dated `today`).
    pub fn of(versions: &[(Commit, Version)], current: Option<&Version>, today: Date, complete: bool) -> History {
        let mut h = History {
            complete,
            ..History::default()
        };
        let uncommitted = current.map(|v| {
            (
                Commit {
                    date: today.to_string(),
                    author: String::new(),
                    committed: false,
                },
                v,
            )
        });
        let all = versions.iter().map(|(c, v)| (c.clone(), v)).chain(uncommitted);
        let mut previous: Option<&Version> = None;
        for (commit, version) in all {
            let events = differences(previous, version, &commit);
            for e in &events {
                if e.kind != EventKind::Removed {
                    h.last_change.insert(
                        e.task_id.clone(),
                        LastChange {
                            date: e.date.clone(),
                            from: e.from,
                        },
                    );
                } else {
                    h.last_change.remove(&e.task_id);
                }
            }
            h.events.extend(events);
            let point = day_point(&commit.date, version);
            match h.days.last_mut() {
                // The last version of a day stands for the day.
                Some(last) if last.date == point.date => *last = point,
                _ => h.days.push(point),
            }
            previous = Some(version);
        }
        h
    }

    /// The newest `n` changes of status (tasks added or removed aside), newest first: the
    /// dashboard's "Recently changed" list and the feed's entries.
    pub fn recent_changes(&self, n: usize) -> Vec<super::StatusChange> {
        self.events
            .iter()
            .rev()
            .filter_map(|e| {
                Some(super::StatusChange {
                    task_id: e.task_id.clone(),
                    title: e.title.clone(),
                    from: e.from?,
                    to: e.to?,
                    date: e.committed.then(|| e.date.clone()),
                })
            })
            .take(n)
            .collect()
    }

    /// The changes dated on or after `since` (`YYYY-MM-DD`), oldest first.
    pub fn since<'a>(&'a self, since: &'a str) -> impl Iterator<Item = &'a Event> {
        self.events.iter().filter(move |e| e.date.as_str() >= since)
    }

    /// The counts as they stood at the end of `date` (none before the first point).
    pub fn at(&self, date: &str) -> Option<&DayPoint> {
        self.days.iter().rev().find(|d| d.date.as_str() <= date)
    }
}

fn day_point(date: &str, version: &Version) -> DayPoint {
    let mut sections: BTreeMap<String, Counts> = BTreeMap::new();
    let mut all = Counts::default();
    for (s, _, status) in version.tasks() {
        for c in [sections.entry(s.id.clone()).or_default(), &mut all] {
            match status {
                Status::Complete => c.complete += 1,
                Status::InProgress => c.in_progress += 1,
                Status::NotStarted => c.not_started += 1,
                Status::NotApplicable => c.not_applicable += 1,
            }
        }
    }
    for c in sections.values_mut() {
        c.total = c.complete + c.in_progress + c.not_started;
        c.percent = crate::progress::percent(c.complete, c.total);
    }
    DayPoint {
        date: date.to_string(),
        complete: all.complete,
        in_progress: all.in_progress,
        not_started: all.not_started,
        not_applicable: all.not_applicable,
        total: all.complete + all.in_progress + all.not_started,
        sections,
    }
}

/// What changed from `older` to `newer`: tasks added, removed, or with another status, in
/// `newer`'s order (removed ones last, in `older`'s).
fn differences(older: Option<&Version>, newer: &Version, commit: &Commit) -> Vec<Event> {
    let event = |kind, t: &crate::checklist::Task, section: &str, from, to| Event {
        date: commit.date.clone(),
        author: commit.author.clone(),
        committed: commit.committed,
        kind,
        task_id: t.id.clone(),
        title: t.title.clone(),
        section_id: section.to_string(),
        from,
        to,
    };
    let kind_of = |from: Status, to: Status| match (from, to) {
        (_, Status::Complete) => EventKind::Completed,
        (Status::Complete, _) => EventKind::Reopened,
        (Status::NotStarted, Status::InProgress) => EventKind::Started,
        _ => EventKind::Changed,
    };
    let mut out = Vec::new();
    // The same structure: only statuses can differ, task by task.
    if let Some(older) = older.filter(|o| Arc::ptr_eq(&o.structure, &newer.structure)) {
        for ((s, t, to), &from) in newer.tasks().zip(&older.statuses) {
            if from != to {
                out.push(event(kind_of(from, to), t, &s.id, Some(from), Some(to)));
            }
        }
        return out;
    }
    let before: HashMap<&str, Status> = older
        .map(|o| o.tasks().map(|(_, t, st)| (t.id.as_str(), st)).collect())
        .unwrap_or_default();
    for (s, t, to) in newer.tasks() {
        match before.get(t.id.as_str()) {
            None => out.push(event(EventKind::Added, t, &s.id, None, Some(to))),
            Some(&from) if from != to => out.push(event(kind_of(from, to), t, &s.id, Some(from), Some(to))),
            Some(_) => {}
        }
    }
    if let Some(older) = older {
        let now: std::collections::HashSet<&str> = newer.tasks().map(|(_, t, _)| t.id.as_str()).collect();
        for (s, t, st) in older.tasks().filter(|(_, t, _)| !now.contains(t.id.as_str())) {
            out.push(event(EventKind::Removed, t, &s.id, Some(st), None));
        }
    }
    out
}

/// Tasks completed per week, over a window of weeks ending today.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    pub weeks: u32,
    /// Net completions in the window (completions less reopenings), per week.
    pub per_week: f64,
}

/// How fast the checklist moves, and when it ends at that pace.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pace {
    /// Over the last 4 and the last 12 weeks.
    pub recent: Rate,
    pub longer: Rate,
    /// Applicable tasks not complete today.
    pub remaining: u32,
    /// The day the last task would be complete at the 4-week pace (none without progress).
    pub projected_finish: Option<String>,
    /// Whole weeks since the number of complete tasks last went up (none if it never did).
    pub weeks_since_progress: Option<u32>,
}

/// The pace of `history` as of `today`, for a checklist with `remaining` tasks to do.
pub fn pace(history: &History, today: Date, remaining: u32) -> Pace {
    let complete_at = |date: Date| history.at(&date.to_string()).map_or(0, |d| d.complete);
    let now = complete_at(today);
    let rate = |weeks: u32| {
        let start = today
            .checked_sub(time::Duration::weeks(i64::from(weeks)))
            .unwrap_or(today);
        let done = i64::from(now) - i64::from(complete_at(start));
        Rate {
            weeks,
            per_week: (done as f64 / f64::from(weeks) * 10.0).round() / 10.0,
        }
    };
    let recent = rate(4);
    let longer = rate(12);
    let projected_finish = (recent.per_week > 0.0 && remaining > 0)
        .then(|| {
            let days = (f64::from(remaining) / recent.per_week * 7.0).ceil() as i64;
            today.checked_add(time::Duration::days(days)).map(|d| d.to_string())
        })
        .flatten();
    // The last day the count of complete tasks went up.
    let last_up = history
        .days
        .windows(2)
        .filter(|w| w[1].complete > w[0].complete)
        .map(|w| w[1].date.as_str())
        .chain(history.days.first().filter(|d| d.complete > 0).map(|d| d.date.as_str()))
        .max();
    let weeks_since_progress = last_up
        .and_then(|d| Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok())
        .map(|d| ((today - d).whole_days().max(0) / 7) as u32);
    Pace {
        recent,
        longer,
        remaining,
        projected_finish,
        weeks_since_progress,
    }
}

/// The date of the last status change of `section`, when it is in progress (started, not
/// finished) and that change is at least `days` days before `today`: the section is stalled.
pub fn stalled_since(section: &Section, history: &History, today: Date, days: u32) -> Option<String> {
    let c = crate::progress::Counts::of(&section.tasks);
    if c.complete + c.in_progress == 0 || c.complete == c.total {
        return None;
    }
    let cutoff = today
        .checked_sub(time::Duration::days(i64::from(days)))
        .unwrap_or(today)
        .to_string();
    let last = section
        .tasks
        .iter()
        .filter_map(|t| history.last_change.get(&t.id))
        .map(|l| l.date.as_str())
        .max()?;
    (last <= cutoff.as_str()).then(|| last.to_string())
}

/// [`stalled_since`] for every section: (section id, date of its last change).
pub fn stalled_sections(checklist: &Checklist, history: &History, today: Date, days: u32) -> Vec<(String, String)> {
    checklist
        .sections
        .iter()
        .filter_map(|s| Some((s.id.clone(), stalled_since(s, history, today, days)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::parse_checklist;

    fn list(a: &str, b: &str) -> Checklist {
        parse_checklist("c.md", &format!("# C\n\n## S\n\n- `{{{a}}}` One\n- `{{{b}}}` Two\n")).0
    }

    fn version(a: &str, b: &str) -> Version {
        Version::of(list(a, b))
    }

    fn commit(date: &str) -> Commit {
        Commit {
            date: date.into(),
            author: "Ann".into(),
            committed: true,
        }
    }

    fn day(d: &str) -> Date {
        Date::parse(d, &time::format_description::well_known::Iso8601::DATE).unwrap()
    }

    #[test]
    fn one_point_per_day_and_every_change_named() {
        let versions = vec![
            (commit("2026-10-01"), version(" ", " ")),
            (commit("2026-10-05"), version("IP", " ")),
            (commit("2026-10-05"), version("X", " ")),
            (commit("2026-10-20"), version("X", "X")),
            (commit("2026-11-01"), version(" ", "X")),
        ];
        let h = History::of(&versions, None, day("2026-11-10"), true);
        let days: Vec<(&str, u32)> = h.days.iter().map(|d| (d.date.as_str(), d.complete)).collect();
        assert_eq!(
            days,
            [
                ("2026-10-01", 0),
                ("2026-10-05", 1),
                ("2026-10-20", 2),
                ("2026-11-01", 1)
            ]
        );
        let kinds: Vec<(&str, EventKind, &str)> = h
            .events
            .iter()
            .map(|e| (e.date.as_str(), e.kind, e.task_id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("2026-10-01", EventKind::Added, "one"),
                ("2026-10-01", EventKind::Added, "two"),
                ("2026-10-05", EventKind::Started, "one"),
                ("2026-10-05", EventKind::Completed, "one"),
                ("2026-10-20", EventKind::Completed, "two"),
                ("2026-11-01", EventKind::Reopened, "one"),
            ]
        );
        assert_eq!(h.last_change["one"].date, "2026-11-01");
        assert_eq!(h.last_change["one"].from, Some(Status::Complete));
        assert_eq!(h.since("2026-10-20").count(), 2);
    }

    #[test]
    fn pace_counts_net_completions_and_projects_the_end() {
        let versions = vec![
            (commit("2026-09-01"), version(" ", " ")),
            (commit("2026-10-28"), version("X", " ")),
        ];
        let h = History::of(&versions, None, day("2026-11-10"), true);
        let p = pace(&h, day("2026-11-10"), 1);
        assert_eq!(p.recent.per_week, 0.3, "one task in four weeks");
        assert_eq!(p.longer.per_week, 0.1);
        assert_eq!(
            p.projected_finish.as_deref(),
            Some("2026-12-04"),
            "1 / 0.3 per week = 24 days"
        );
        assert_eq!(p.weeks_since_progress, Some(1));
        // Nothing done in the last four weeks: no projection.
        let p = pace(&h, day("2027-01-10"), 1);
        assert_eq!(p.projected_finish, None);
        assert_eq!(p.weeks_since_progress, Some(10));
    }

    #[test]
    fn a_section_without_change_for_weeks_is_stalled() {
        let versions = vec![(commit("2026-10-01"), version("X", " "))];
        let h = History::of(&versions, None, day("2026-11-10"), true);
        let c = list("X", " ");
        assert_eq!(
            stalled_sections(&c, &h, day("2026-11-10"), 21),
            [("s".to_string(), "2026-10-01".to_string())]
        );
        assert!(stalled_sections(&c, &h, day("2026-10-15"), 21).is_empty());
        // Finished or not started: never stalled.
        assert!(stalled_sections(&list("X", "X"), &h, day("2026-11-10"), 21).is_empty());
        assert!(stalled_sections(&list(" ", " "), &h, day("2026-11-10"), 21).is_empty());
    }

    #[test]
    fn an_uncommitted_edit_is_today() {
        let versions = vec![(commit("2026-10-01"), version(" ", " "))];
        let now = version("X", " ");
        let h = History::of(&versions, Some(&now), day("2026-11-10"), true);
        assert_eq!(h.days.last().unwrap().date, "2026-11-10");
        assert_eq!(h.events.last().unwrap().author, "");
    }
}
