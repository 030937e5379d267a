//! Figures for people: durations in days or weeks, shares in percent. The
//! one place where a figure of the simulation becomes text in a table.

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

/// Why a simulation stopped early, in words (`None` when it ran whole):
/// the one wording every command uses.
pub fn stopped_early(report: &meldroute_core::sim::SimReport) -> Option<String> {
    report.stopped_early.then(|| {
        format!(
            "the simulation of {} stopped after its first {} journeys: every one hit the step limit of {} steps, so the figures describe no finished journey; look for a loop the journey (almost) never leaves (`meldroute validate` warns of one, MR018), or raise --max-steps",
            report.procedure, report.runs, report.max_steps
        )
    })
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
    }
}
