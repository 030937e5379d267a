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

/// A share as a percentage with one decimal.
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// `±x`: a half-width with one decimal, or two when one would round it
/// to nothing (`±0.04`).
fn plus_minus(half: f64) -> String {
    if half < 0.05 {
        format!("±{half:.2}")
    } else {
        format!("±{half:.1}")
    }
}

/// What every table says its `±` means.
pub const PLUS_MINUS: &str = "± is the half-width of the 95% confidence interval";

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

/// A share with the half-width of its 95% interval in percentage points,
/// as tables show it: `22.4% ±0.3` (without an interval, the share alone).
pub fn percent_ci(share: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) => format!("{} {}", percent(share), plus_minus(ci.half_width() * 100.0)),
        None => percent(share),
    }
}

/// A duration with the half-width of its 95% interval in the same unit:
/// `13.4 w ±0.2`, `4.7 d ±<0.1`.
pub fn days_weeks_ci(days: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) if days < 14.0 => format!("{} {}", days_weeks(days), plus_minus(ci.half_width())),
        Some(ci) => format!("{} {}", days_weeks(days), plus_minus(ci.half_width() / 7.0)),
        None => days_weeks(days),
    }
}

/// A number per journey with two decimals and its half-width: `4.26 ±0.01`.
pub fn per_journey_ci(x: f64, ci: Option<Interval>) -> String {
    match ci {
        Some(ci) if ci.half_width() < 0.005 => format!("{x:.2} ±{:.3}", ci.half_width()),
        Some(ci) => format!("{x:.2} ±{:.2}", ci.half_width()),
        None => format!("{x:.2}"),
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
            match t.reached {
                Some(r) => format!(
                    "{} is ±{} (asked: ±{})",
                    t.figure,
                    show(r),
                    show(t.half_width)
                ),
                None => format!(
                    "{} has no interval yet (asked: ±{})",
                    t.figure,
                    show(t.half_width)
                ),
            }
        })
        .collect();
    Some(format!(
        "the simulation of {procedure} stopped at the ceiling of {} journeys before the precision asked for: {}; the figures hold with the intervals shown; raise --max-runs or ask for less",
        p.max_runs,
        missed.join(", ")
    ))
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
        assert_eq!(percent_ci(0.0, ci(0.0, 0.0008)), "0.0% ±0.04");
        assert_eq!(percent_ci(0.5, None), "50.0%");
        assert_eq!(days_weeks_ci(4.7, ci(4.5, 4.9)), "4.7 d ±0.2");
        assert_eq!(days_weeks_ci(4.7, ci(4.7, 4.7)), "4.7 d ±0.00");
        assert_eq!(days_weeks_ci(93.8, ci(92.4, 95.2)), "13.4 w ±0.2");
        assert_eq!(per_journey_ci(4.256, ci(4.246, 4.266)), "4.26 ±0.01");
        assert_eq!(per_journey_ci(1.0, ci(1.0, 1.0)), "1.00 ±0.000");
    }
}
