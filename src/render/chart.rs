//! Charts of the checklist over time, drawn as inline SVG at build time: the dashboard's
//! burn-up chart and each section's sparkline. No script and no request: colours come from
//! CSS classes the theme sets for light, dark and print. Every number drawn is also in a table
//! beside the chart (see `dashboard.html`).

use std::fmt::Write;

use time::Date;

use crate::escape::escape_attr;
use crate::history::series::DayPoint;

/// The burn-up chart's drawing area, in SVG units (it scales to the page's width).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
/// Room left of and below the plot for the axis labels.
const LEFT: f64 = 36.0;
const BOTTOM: f64 = 22.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 8.0;

fn parse_day(d: &str) -> Option<Date> {
    Date::parse(d, &time::format_description::well_known::Iso8601::DATE).ok()
}

/// Days from `start` to `d`.
fn offset(start: Date, d: &str) -> f64 {
    parse_day(d).map_or(0.0, |d| (d - start).whole_days().max(0) as f64)
}

/// A stepped outline: each value holds from its day until the next point's day, the last
/// until `end`. `xs` and `ys` are in SVG units.
fn steps(xs: &[f64], ys: &[f64], end: f64) -> String {
    let mut d = String::new();
    for (i, (&x, &y)) in xs.iter().zip(ys).enumerate() {
        let next = xs.get(i + 1).copied().unwrap_or(end);
        // Each step starts where the last ended (at `x`): up or down, then along.
        if i == 0 {
            let _ = write!(d, "M{x:.1},{y:.1}H{next:.1}");
        } else {
            let _ = write!(d, "V{y:.1}H{next:.1}");
        }
    }
    d
}

/// The area between a stepped upper line and a stepped lower one.
fn band(xs: &[f64], upper: &[f64], lower: &[f64], end: f64) -> String {
    let top = steps(xs, upper, end);
    // Back along the lower line, right to left.
    let mut back = String::new();
    for i in (0..xs.len()).rev() {
        let next = xs.get(i + 1).copied().unwrap_or(end);
        let _ = write!(back, "L{next:.1},{:.1}H{:.1}", lower[i], xs[i]);
    }
    format!("{top}{back}Z")
}

/// The dashboard's burn-up chart: complete, in progress and not applicable stacked against
/// every task of the checklist, from the first day the checklist was committed to `today`.
pub fn burn_up(days: &[DayPoint], today: &str) -> Option<String> {
    let first = days.first()?;
    let start = parse_day(&first.date)?;
    let span = offset(start, today).max(offset(start, &days.last()?.date)).max(1.0);
    let max = days
        .iter()
        .map(|d| d.total + d.not_applicable)
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |d: &str| LEFT + offset(start, d) / span * plot_w;
    let y = |n: u32| TOP + plot_h - f64::from(n) / f64::from(max) * plot_h;
    let xs: Vec<f64> = days.iter().map(|d| x(&d.date)).collect();
    let end = LEFT + plot_w;
    let level = |f: &dyn Fn(&DayPoint) -> u32| -> Vec<f64> { days.iter().map(|d| y(f(d))).collect() };
    let zero = level(&|_| 0);
    let done = level(&|d| d.complete);
    let active = level(&|d| d.complete + d.in_progress);
    let closed = level(&|d| d.complete + d.in_progress + d.not_applicable);
    let scope = level(&|d| d.total + d.not_applicable);
    let last = days.last()?;
    let title = format!(
        "Burn-up: {} of {} tasks complete, {} in progress, {} not applicable, as of {}",
        last.complete,
        last.total,
        last.in_progress,
        last.not_applicable,
        escape_attr(today)
    );
    let mut svg = String::with_capacity(2048);
    let _ = write!(
        svg,
        "<svg class=\"chart burn-up\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"burn-up-title\"><title id=\"burn-up-title\">{title}</title>"
    );
    // Grid: the top (every task) and the middle.
    for n in [max, max / 2] {
        let _ = write!(
            svg,
            "<line class=\"chart-grid\" x1=\"{LEFT}\" x2=\"{end:.1}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/><text class=\"chart-label\" x=\"{1:.1}\" y=\"{2:.1}\" text-anchor=\"end\">{n}</text>",
            y(n),
            LEFT - 4.0,
            y(n) + 4.0
        );
    }
    for (class, upper, lower) in [
        ("chart-na", &closed, &active),
        ("chart-progress", &active, &done),
        ("chart-complete", &done, &zero),
    ] {
        let _ = write!(svg, "<path class=\"{class}\" d=\"{}\"/>", band(&xs, upper, lower, end));
    }
    let _ = write!(svg, "<path class=\"chart-scope\" d=\"{}\"/>", steps(&xs, &scope, end));
    let _ = write!(
        svg,
        "<line class=\"chart-axis\" x1=\"{LEFT}\" x2=\"{end:.1}\" y1=\"{0:.1}\" y2=\"{0:.1}\"/><text class=\"chart-label\" x=\"{LEFT}\" y=\"{1:.1}\">{2}</text><text class=\"chart-label\" x=\"{end:.1}\" y=\"{1:.1}\" text-anchor=\"end\">{3}</text></svg>",
        y(0),
        HEIGHT - 6.0,
        escape_attr(&first.date),
        escape_attr(today)
    );
    Some(svg)
}

/// A section's sparkline: its complete tasks over time, against its size, with a caption
/// saying so to the eye (the picture's label says it to a screen reader).
pub fn sparkline(points: &[(&str, u32, u32)], today: &str) -> Option<String> {
    const W: f64 = 120.0;
    const H: f64 = 24.0;
    let &(first, _, _) = points.first()?;
    let start = parse_day(first)?;
    let span = offset(start, today).max(1.0);
    let max = points.iter().map(|p| p.2).max().unwrap_or(0).max(1);
    let xs: Vec<f64> = points
        .iter()
        .map(|p| 1.0 + offset(start, p.0) / span * (W - 2.0))
        .collect();
    let ys: Vec<f64> = points
        .iter()
        .map(|p| H - 2.0 - f64::from(p.1) / f64::from(max) * (H - 4.0))
        .collect();
    let &(_, now, size) = points.last()?;
    Some(format!(
        "<svg class=\"chart sparkline\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{now} of {size} complete as of {}, since {}\"><path class=\"chart-scope\" d=\"M1,{top:.1}H{r:.1}\"/><path class=\"chart-line\" d=\"{}\"/></svg><span class=\"trend-caption\" aria-hidden=\"true\">progress since {}</span>",
        escape_attr(today),
        escape_attr(first),
        steps(&xs, &ys, W - 1.0),
        escape_attr(first),
        top = 2.0,
        r = W - 1.0
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(date: &str, complete: u32, in_progress: u32, total: u32) -> DayPoint {
        DayPoint {
            date: date.into(),
            complete,
            in_progress,
            not_started: total - complete - in_progress,
            not_applicable: 0,
            total,
            sections: Default::default(),
        }
    }

    #[test]
    fn the_chart_names_its_numbers_and_steps_through_each_day() {
        let days = [point("2026-10-01", 0, 0, 4), point("2026-10-11", 2, 1, 4)];
        let svg = burn_up(&days, "2026-10-21").unwrap();
        assert!(svg.contains("<title id=\"burn-up-title\">Burn-up: 2 of 4 tasks complete, 1 in progress, 0 not applicable, as of 2026-10-21</title>"), "{svg}");
        // The second day sits halfway along the plot (10 of 20 days).
        let mid = LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        assert!(
            svg.contains(&format!("V{:.1}", TOP + (HEIGHT - TOP - BOTTOM) / 2.0)),
            "{svg}"
        );
        assert!(svg.contains(&format!("H{mid:.1}")), "{svg}");
        assert!(svg.contains(">2026-10-01</text>") && svg.contains(">2026-10-21</text>"));
        assert!(burn_up(&[], "2026-10-21").is_none());
    }

    #[test]
    fn a_sparkline_says_what_it_shows() {
        let svg = sparkline(&[("2026-10-01", 0, 5), ("2026-10-11", 3, 5)], "2026-10-21").unwrap();
        assert!(
            svg.contains("aria-label=\"3 of 5 complete as of 2026-10-21, since 2026-10-01\""),
            "{svg}"
        );
        assert!(svg.ends_with("<span class=\"trend-caption\" aria-hidden=\"true\">progress since 2026-10-01</span>"));
    }
}
