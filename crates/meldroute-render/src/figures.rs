//! Figures for people: durations in days or weeks, shares in percent. The
//! one place where a figure of the simulation becomes text in a table.

use meldroute_core::stats::Interval;

/// A duration for people: days below two weeks, weeks above.
pub fn days_weeks(days: f64) -> String {
    if days < 14.0 {
        format!("{days:.1} d")
    } else {
        format!("{:.1} w", days / 7.0)
    }
}

/// A number with at most three decimals, no trailing zeros: `0.5`, `3`.
pub fn number(x: f64) -> String {
    let s = format!("{x:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_owned()
}

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// An amount of uncertainty: one decimal (`0.3`), or two significant
/// digits when one decimal would round it to nothing (`0.0038`); `0`.
fn amount(x: f64, decimals: usize) -> String {
    if x <= 0.0 || !x.is_finite() {
        return "0".to_owned();
    }
    let unit = 10f64.powi(-(decimals as i32));
    if x >= unit / 2.0 {
        return format!("{x:.decimals$}");
    }
    let digits = (1 - x.log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}

/// How far the interval reaches from `value`, in the unit `scale` turns it
/// into: `±0.3` where it is about symmetric, `+0.0038` where it reaches
/// mostly up (a share near 0%), `-0.2` where mostly down (near 100%).
fn reach(value: f64, ci: Interval, scale: f64, decimals: usize) -> String {
    let (down, up) = (
        (value - ci.low).max(0.0) * scale,
        (ci.high - value).max(0.0) * scale,
    );
    if down < up / 2.0 {
        format!("+{}", amount(up, decimals))
    } else if up < down / 2.0 {
        format!("-{}", amount(down, decimals))
    } else {
        format!("±{}", amount(up.max(down), decimals))
    }
}

/// What every table says its `±` means.
pub const PLUS_MINUS: &str = "±x: the 95% confidence interval reaches x either side (+x: up only, near 0%; -x: down only, near 100%)";

/// Why the means of a run of `runs` journeys have no interval, when they
/// have none: they need two of the run's batches.
pub fn means_without_interval(runs: u64) -> Option<String> {
    let batch = meldroute_core::sim::BATCH;
    (runs <= batch).then(|| {
        format!(
            "the means have no interval: {runs} journeys are one batch, and the interval of a mean needs two; run at least {} journeys (--runs)",
            batch + 1
        )
    })
}

/// A share with how far its 95% interval reaches, in percentage points,
/// as tables show it: `22.4% ±0.3`, `0.0% +0.0038` (without an interval,
/// the share alone).
pub fn percent_ci(share: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) => format!("{} {}", percent(share), reach(share, ci, 100.0, 1)),
        None => percent(share),
    }
}

/// A duration with how far its 95% interval reaches, in the same unit:
/// `13.4 w ±0.2`, `4.7 d ±0.02`.
pub fn days_weeks_ci(days: f64, ci: Option<Interval>) -> String {
    let scale = if days < 14.0 { 1.0 } else { 1.0 / 7.0 };
    match ci {
        Some(ci) => format!("{} {}", days_weeks(days), reach(days, ci, scale, 1)),
        None => days_weeks(days),
    }
}

/// A number per journey with two decimals and how far its interval
/// reaches: `4.26 ±0.01`.
pub fn per_journey_ci(x: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) => format!("{x:.2} {}", reach(x, ci, 1.0, 2)),
        None => format!("{x:.2}"),
    }
}

/// A score from 0 to 100 with one decimal and how far its interval
/// reaches (`62.4 ±0.3`).
pub fn score_ci(x: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) => format!("{x:.1} {}", reach(x, ci, 1.0, 1)),
        None => format!("{x:.1}"),
    }
}

/// A difference with its sign and how far its interval reaches either
/// side (`+3.9 w ±0.4`, `-15.3 ±0.5` percentage points): differences are
/// compared with 0, so the `±` is the wider side.
pub fn difference_ci(difference: f64, ci: Option<Interval>, share: bool) -> String {
    let size = difference.abs();
    let (text, scale) = if share {
        (format!("{:.1}", size * 100.0), 100.0)
    } else {
        (days_weeks(size), if size < 14.0 { 1.0 } else { 1.0 / 7.0 })
    };
    let sign = if difference < 0.0 { "-" } else { "+" };
    match ci {
        Some(ci) => format!("{sign}{text} ±{}", amount(ci.reach(difference) * scale, 1)),
        None => format!("{sign}{text}"),
    }
}

/// Why the simulation of `procedure` stopped early (after `runs`
/// journeys, each of which hit the step limit `max_steps`), in words: the
/// one wording every command uses.
pub fn stopped_early(procedure: &str, runs: u64, max_steps: u32) -> String {
    format!(
        "the simulation of {procedure} stopped after its first {runs} journeys: every one hit the step limit of {max_steps} steps, so the figures describe no finished journey; look for a loop the journey (almost) never leaves (`meldroute validate` warns of one, MR018), or raise --max-steps"
    )
}

/// How many journeys each procedure ran, in words: `100000 journeys per
/// procedure`, or with precision targets, each procedure ran until its
/// own: `40960 to 172032 journeys per procedure (until
/// lead_time.mean=0.5d, at most 10000000)`. The one wording of the
/// comparison and the report.
pub fn journeys_per_procedure(
    runs: impl IntoIterator<Item = u64>,
    precision: Option<&meldroute_core::sim::Precision>,
) -> String {
    let runs: Vec<u64> = runs.into_iter().collect();
    let (low, high) = (
        runs.iter().copied().min().unwrap_or(0),
        runs.iter().copied().max().unwrap_or(0),
    );
    let count = if low == high {
        format!("{low} journeys per procedure")
    } else {
        format!("{low} to {high} journeys per procedure")
    };
    match precision {
        Some(p) => {
            let targets: Vec<String> = p.targets.iter().map(ToString::to_string).collect();
            format!(
                "{count} (until {}, at most {})",
                targets.join(" and "),
                p.max_runs
            )
        }
        None => count,
    }
}

/// Why the run of `procedure` stopped at its ceiling on runs before its
/// precision targets were met, in words: the one wording every command
/// uses. `None` when they were met (or none were asked for).
pub fn precision_not_met(
    procedure: &str,
    p: &meldroute_core::sim::report::PrecisionReport,
) -> Option<String> {
    if p.met {
        return None;
    }
    let missed: Vec<String> = p
        .targets
        .iter()
        .filter(|t| !t.met)
        .map(|t| {
            let kpi = meldroute_core::sim::precision::Kpi::named(&t.figure);
            let show = |x: f64| kpi.map_or_else(|| x.to_string(), |k| k.show(x));
            let resolution = if kpi.is_some_and(|k| k.is_quantile()) {
                " (a quantile's interval is never narrower than about 0.4% of its value either side: the histogram's resolution)"
            } else {
                ""
            };
            match t.reached {
                Some(r) => format!(
                    "{} is ±{} (asked: ±{}){resolution}",
                    t.figure,
                    show(r),
                    show(t.half_width)
                ),
                None => format!(
                    "{} has no interval: it applies to no journey, or to too few (asked: ±{})",
                    t.figure,
                    show(t.half_width)
                ),
            }
        })
        .collect();
    Some(format!(
        "the simulation of {procedure} did not reach the precision asked for (at most {} journeys, --max-runs): {}; the figures hold with the intervals shown",
        p.max_runs,
        missed.join(", ")
    ))
}

/// What the words of the terminal tables mean (`--explain`), one
/// definition each, as the simulation measures them (docs/simulation.md).
pub const GLOSSARY: [(&str, &str); 12] = [
    (
        "mean",
        "the average over the journeys, with its 95% confidence interval (±)",
    ),
    (
        "p50",
        "the median: half of the journeys take at most this long",
    ),
    (
        "p90",
        "90% of the journeys take at most this long, 10% longer (p95, p99 likewise)",
    ),
    (
        "lead time",
        "from the start of the journey to its end, escalations included",
    ),
    (
        "first contact after report",
        "from the report to the first contact with the reporter after it (interim updates count)",
    ),
    (
        "longest silence",
        "the longest time without contact with the reporter, from the report on",
    ),
    (
        "acknowledged within 7 days",
        "the share of the journeys that made a report with a first contact within 7 days of it",
    ),
    (
        "feedback within 3 months",
        "the share with feedback within 3 months of the acknowledgement (the first feedback counts, interim feedback included)",
    ),
    (
        "hand-offs",
        "changes of the actor who has the case, per journey",
    ),
    (
        "reached",
        "the share of all journeys that reach a deadline's step",
    ),
    (
        "met",
        "of the journeys that reach it, the share that complete it within the deadline",
    ),
    ("d, w", "days and weeks; shares are in percent"),
];

/// [`GLOSSARY`] as lines for a terminal, after a blank line.
pub fn glossary() -> String {
    let mut out = String::from("\nwhat the figures mean:\n");
    for (term, meaning) in GLOSSARY {
        out.push_str(&format!("  {term}: {meaning}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(days_weeks(13.94), "13.9 d");
        assert_eq!(days_weeks(14.0), "2.0 w");
        assert_eq!(days_weeks(91.0), "13.0 w");
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(percent(1.0), "100.0%");
        let ci = |low, high| Some(Interval { low, high });
        assert_eq!(percent_ci(0.224, ci(0.221, 0.227)), "22.4% ±0.3");
        // Near 0% and 100% Wilson's interval reaches one way.
        assert_eq!(percent_ci(0.0, ci(0.0, 0.000038)), "0.0% +0.0038");
        assert_eq!(percent_ci(1.0, ci(0.9992, 1.0)), "100.0% -0.1");
        assert_eq!(percent_ci(0.01, ci(0.008, 0.0126)), "1.0% ±0.3");
        assert_eq!(percent_ci(0.5, None), "50.0%");
        assert_eq!(days_weeks_ci(4.7, ci(4.5, 4.9)), "4.7 d ±0.2");
        assert_eq!(days_weeks_ci(4.7, ci(4.68, 4.72)), "4.7 d ±0.020");
        assert_eq!(days_weeks_ci(4.7, ci(4.7, 4.7)), "4.7 d ±0");
        assert_eq!(days_weeks_ci(93.8, ci(92.4, 95.2)), "13.4 w ±0.2");
        assert_eq!(per_journey_ci(4.256, ci(4.246, 4.266)), "4.26 ±0.01");
        assert_eq!(per_journey_ci(1.0, ci(1.0, 1.0)), "1.00 ±0");
        assert_eq!(
            difference_ci(-0.153, ci(-0.158, -0.148), true),
            "-15.3 ±0.5"
        );
        assert_eq!(difference_ci(27.3, ci(24.5, 30.1), false), "+3.9 w ±0.4");
        assert_eq!(difference_ci(0.0, ci(-0.0001, 0.0001), true), "+0.0 ±0.010");
    }
}
