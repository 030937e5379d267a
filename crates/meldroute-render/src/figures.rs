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

/// Why the simulation of `procedure` stopped early (after `runs`
/// journeys, each of which hit the step limit `max_steps`), in words: the
/// one wording every command uses.
pub fn stopped_early(procedure: &str, runs: u64, max_steps: u32) -> String {
    format!(
        "the simulation of {procedure} stopped after its first {runs} journeys: every one hit the step limit of {max_steps} steps, so the figures describe no finished journey; look for a loop the journey (almost) never leaves (`meldroute validate` warns of one, MR018), or raise --max-steps"
    )
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
