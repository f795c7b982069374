//! Time, as a build sees it: the day review dates are measured against (fixed per process,
//! so that builds on one day are identical) and the stage timings `OPSBOOK_TIMINGS` prints.
//! A leaf: it imports nothing of the pipeline.

use std::time::Instant;

use time::{Date, OffsetDateTime};

/// The day review dates are measured against: `SOURCE_DATE_EPOCH` when set (reproducible
/// builds), else today (UTC). Only the date counts, so builds on one day are identical.
pub fn today() -> Date {
    if let Some(d) = TODAY.get() {
        return *d;
    }
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| OffsetDateTime::from_unix_timestamp(secs).ok())
        .unwrap_or_else(OffsetDateTime::now_utc)
        .date()
}

static TODAY: std::sync::OnceLock<Date> = std::sync::OnceLock::new();

/// Fixes "today" for this process (`--today`): review dates are measured against it.
pub fn set_today(date: Date) {
    let _ = TODAY.set(date);
}

/// Prints how long each stage took, to stderr, when `OPSBOOK_TIMINGS` is set: for finding
/// where a build spends its time without a profiler.
pub fn log_time(stage: &str, since: &mut Instant) {
    if std::env::var_os("OPSBOOK_TIMINGS").is_some() {
        // Resident memory after the stage, where the system tells it (Linux).
        let rss = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).map(str::to_string))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<u64>().ok()))
            .map(|kb| format!("  {:>6} MiB resident", kb / 1024))
            .unwrap_or_default();
        // CPU time of the whole process so far (user and system, all threads).
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let after = s.rsplit_once(')')?.1;
                let f: Vec<&str> = after.split_whitespace().collect();
                let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
                Some(format!("  cpu {:>6} ms", (ticks(11)? + ticks(12)?) * 10))
            })
            .unwrap_or_default();
        eprintln!(
            "timing: {stage:<10} {:>8.1} ms{rss}{cpu}",
            since.elapsed().as_secs_f64() * 1000.0
        );
    }
    *since = Instant::now();
}
