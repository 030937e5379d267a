//! Running until a figure is known precisely enough (`--precision
//! lead_time.mean=0.5d`): the figures a target may name, what their
//! half-widths are measured in, and the stopping rule.
//!
//! The rule is checked after each batch is merged, in batch order, from
//! the [`MIN_BATCHES`]-th batch on: a run stops at the first batch after
//! which every target's 95% interval is at most its half-width wide on
//! each side, or at the ceiling on runs. The decision depends only on the
//! batches merged so far, so the same seed stops after the same number of
//! journeys on any number of threads.

use std::fmt;

use super::{Aggregate, Estimate};
use crate::duration::Duration;
use crate::stats::DurationStats;

/// Batches merged before the rule is first checked (40,960 journeys): an
/// interval from fewer batches is too unsure of its own width to stop on.
pub const MIN_BATCHES: u64 = 10;
/// The default ceiling on runs of a run with targets.
pub const DEFAULT_MAX_RUNS: u64 = 10_000_000;

/// What a figure's half-width is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A duration in days, written with a unit (`0.5d`, `1w`).
    Days,
    /// A share, written in percent (`0.5%`) or as a fraction (`0.005`).
    Share,
    /// A number per journey (`0.05`).
    PerJourney,
    /// A number of cases (`58.4`): a caseload's backlog.
    Cases,
}

/// Which statistic of a duration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stat {
    Mean,
    P50,
    P90,
    P95,
    P99,
}

/// How a figure is read off a run.
#[derive(Clone, Copy)]
enum Figure {
    /// A statistic of a duration metric.
    Time(fn(&Aggregate) -> DurationStats, Stat),
    /// A mean or share.
    Value(fn(&Aggregate) -> Estimate),
    /// The share of an outcome ([`super::OUTCOMES`] index).
    Outcome(usize),
}

use Figure::{Outcome, Time, Value};
use Stat::{Mean, P50, P90, P95, P99};

/// The figures a target may name, as the JSON output calls them.
const FIGURES: &[(&str, Unit, Figure)] = &[
    (
        "lead_time.mean",
        Unit::Days,
        Time(Aggregate::lead_time, Mean),
    ),
    ("lead_time.p50", Unit::Days, Time(Aggregate::lead_time, P50)),
    ("lead_time.p90", Unit::Days, Time(Aggregate::lead_time, P90)),
    ("lead_time.p95", Unit::Days, Time(Aggregate::lead_time, P95)),
    ("lead_time.p99", Unit::Days, Time(Aggregate::lead_time, P99)),
    (
        "first_contact.mean",
        Unit::Days,
        Time(Aggregate::first_contact_time, Mean),
    ),
    (
        "first_contact.p50",
        Unit::Days,
        Time(Aggregate::first_contact_time, P50),
    ),
    (
        "first_contact.p90",
        Unit::Days,
        Time(Aggregate::first_contact_time, P90),
    ),
    (
        "first_contact.p95",
        Unit::Days,
        Time(Aggregate::first_contact_time, P95),
    ),
    (
        "first_contact.p99",
        Unit::Days,
        Time(Aggregate::first_contact_time, P99),
    ),
    (
        "longest_silence.mean",
        Unit::Days,
        Time(Aggregate::longest_silence_time, Mean),
    ),
    (
        "longest_silence.p50",
        Unit::Days,
        Time(Aggregate::longest_silence_time, P50),
    ),
    (
        "longest_silence.p90",
        Unit::Days,
        Time(Aggregate::longest_silence_time, P90),
    ),
    (
        "longest_silence.p95",
        Unit::Days,
        Time(Aggregate::longest_silence_time, P95),
    ),
    (
        "longest_silence.p99",
        Unit::Days,
        Time(Aggregate::longest_silence_time, P99),
    ),
    (
        "contacts.mean",
        Unit::PerJourney,
        Value(Aggregate::contacts_mean),
    ),
    (
        "experience.mean",
        Unit::PerJourney,
        Time(Aggregate::experience_score, Mean),
    ),
    (
        "experience.p50",
        Unit::PerJourney,
        Time(Aggregate::experience_score, P50),
    ),
    (
        "experience.p90",
        Unit::PerJourney,
        Time(Aggregate::experience_score, P90),
    ),
    (
        "handoffs.mean",
        Unit::PerJourney,
        Value(Aggregate::handoffs_mean),
    ),
    (
        "procedures.mean",
        Unit::PerJourney,
        Value(Aggregate::procedures_mean),
    ),
    (
        "feedback_rate",
        Unit::Share,
        Value(Aggregate::feedback_rate),
    ),
    (
        "aftercare_rate",
        Unit::Share,
        Value(Aggregate::aftercare_rate),
    ),
    (
        "unfinished",
        Unit::Share,
        Value(Aggregate::unfinished_share),
    ),
    (
        "no_contact_after_report",
        Unit::Share,
        Value(Aggregate::no_contact_after_report),
    ),
    (
        "acknowledged_within_7_days",
        Unit::Share,
        Value(Aggregate::acknowledged_within_7_days),
    ),
    (
        "feedback_within_3_months",
        Unit::Share,
        Value(Aggregate::feedback_within_3_months),
    ),
    ("outcomes.resolved", Unit::Share, Outcome(0)),
    ("outcomes.founded", Unit::Share, Outcome(1)),
    ("outcomes.unfounded", Unit::Share, Outcome(2)),
    ("outcomes.not-handled", Unit::Share, Outcome(3)),
    ("outcomes.withdrawn", Unit::Share, Outcome(4)),
    ("outcomes.referred", Unit::Share, Outcome(5)),
    ("outcomes.closed", Unit::Share, Outcome(6)),
];

/// The names a target may use.
pub fn names() -> impl Iterator<Item = &'static str> {
    FIGURES.iter().map(|f| f.0)
}

/// A figure a target names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kpi(usize);

impl Kpi {
    /// The figure called `name`.
    pub fn named(name: &str) -> Option<Kpi> {
        names().position(|n| n == name).map(Kpi)
    }

    /// The figure called `name`, or an error that names the closest
    /// figure and lists them all.
    pub fn parse(name: &str) -> Result<Kpi, TargetError> {
        Kpi::named(name).ok_or_else(|| TargetError::Unknown {
            name: name.to_owned(),
            hint: match Kpi::named(&name.to_lowercase())
                .map(Kpi::name)
                .or_else(|| crate::suggest::closest(name, names()))
            {
                Some(n) => format!(" (did you mean `{n}`?)"),
                None => String::new(),
            },
            all: names().collect::<Vec<_>>().join(", "),
        })
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        FIGURES[self.0].0
    }

    /// What its half-width is measured in.
    pub fn unit(self) -> Unit {
        FIGURES[self.0].1
    }

    /// Its value and interval after the journeys of `agg`.
    pub fn estimate(self, agg: &Aggregate) -> Estimate {
        match FIGURES[self.0].2 {
            Time(stats, stat) => {
                let s = stats(agg);
                let (value, ci95) = match stat {
                    Mean => (s.mean, s.mean_ci95),
                    P50 => (s.p50, s.p50_ci95),
                    P90 => (s.p90, s.p90_ci95),
                    P95 => (s.p95, s.p95_ci95),
                    P99 => (s.p99, s.p99_ci95),
                };
                Estimate { value, ci95 }
            }
            Value(figure) => figure(agg),
            Outcome(i) => agg.outcome_share(i),
        }
    }

    /// Whether the figure applies to any journey of `agg`: a duration that
    /// some journey has, a share or mean with a denominator.
    pub fn applies(self, agg: &Aggregate) -> bool {
        match FIGURES[self.0].2 {
            Time(stats, _) => stats(agg).count > 0,
            // A share or mean of no journey has no interval, with any number of batches.
            Value(_) | Outcome(_) => self.estimate(agg).ci95.is_some(),
        }
    }

    /// Whether it is a quantile, whose interval is never narrower than the
    /// histogram's resolution (two buckets, about 0.8% of its value).
    pub fn is_quantile(self) -> bool {
        matches!(FIGURES[self.0].2, Time(_, s) if s != Mean)
    }

    /// `x` in the unit of the figure, for messages (`0.5d`, `0.4%`, `0.05`).
    pub fn show(self, x: f64) -> String {
        match self.unit() {
            Unit::Days => format!("{}d", round(x, 4)),
            Unit::Share => format!("{}%", round(x * 100.0, 4)),
            Unit::PerJourney | Unit::Cases => format!("{}", round(x, 4)),
        }
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// A figure and the half-width its interval must reach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// The figure.
    pub kpi: Kpi,
    /// The widest half-width allowed, in the figure's unit (days, a
    /// fraction, a number per journey).
    pub half_width: f64,
}

/// Why a target does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// No `=`.
    #[error("`{0}` is not FIGURE=HALF-WIDTH (for example lead_time.mean=0.5d)")]
    Shape(String),
    /// An unknown figure.
    #[error("there is no figure `{name}`{hint}; the figures are: {all}")]
    Unknown {
        /// What was written.
        name: String,
        /// " (did you mean ...?)" or nothing.
        hint: String,
        /// Every name.
        all: String,
    },
    /// A half-width that does not fit the figure.
    #[error("`{text}` is not a half-width for {kpi}: {why}")]
    HalfWidth {
        /// The figure.
        kpi: &'static str,
        /// What was written.
        text: String,
        /// Why.
        why: String,
    },
}

impl std::str::FromStr for Target {
    type Err = TargetError;

    fn from_str(text: &str) -> Result<Target, TargetError> {
        let (name, width) = text
            .split_once('=')
            .ok_or_else(|| TargetError::Shape(text.to_owned()))?;
        let name = name.trim();
        let kpi = Kpi::parse(name)?;
        let width = width.trim();
        let bad = |why: &str| TargetError::HalfWidth {
            kpi: kpi.name(),
            text: width.to_owned(),
            why: why.to_owned(),
        };
        let half_width = match kpi.unit() {
            Unit::Days => Duration::parse(width)
                .map_err(|e| bad(&format!("{e} (a duration such as 0.5d, 12h or 1w)")))?
                .days(),
            Unit::Share => {
                let share = match width.strip_suffix('%') {
                    Some(pct) => pct.trim().parse::<f64>().map(|x| x / 100.0),
                    None => width.parse::<f64>(),
                };
                share.ok().filter(|x| *x <= 1.0).ok_or_else(|| {
                        bad("write a percentage up to 100%, such as 0.5%, or a fraction up to 1, such as 0.005")
                    })?
            }
            Unit::PerJourney | Unit::Cases => width
                .parse::<f64>()
                .map_err(|_| bad("write a number such as 0.05"))?,
        };
        if !(half_width.is_finite() && half_width > 0.0) {
            return Err(bad("it must be more than zero"));
        }
        // Below these no run could show the difference: a second, a
        // ten-thousandth of a percentage point, a millionth per journey.
        let least = match kpi.unit() {
            Unit::Days => 1.0 / 86_400.0,
            Unit::Share => 1e-6,
            Unit::PerJourney | Unit::Cases => 1e-6,
        };
        if half_width < least {
            return Err(bad(&format!(
                "it is below {}, more precise than any run can show",
                kpi.show(least)
            )));
        }
        Ok(Target { kpi, half_width })
    }
}

impl Target {
    /// How far the figure's interval reaches from it on its wider side
    /// after the journeys of `agg` (`None`: no interval yet).
    pub fn reached(&self, agg: &Aggregate) -> Option<f64> {
        let e = self.kpi.estimate(agg);
        e.ci95.map(|ci| ci.reach(e.value))
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.kpi.name(), self.kpi.show(self.half_width))
    }
}

/// Run until every target is met, or `max_runs` journeys have run.
#[derive(Clone, Debug, PartialEq)]
pub struct Precision {
    /// The targets.
    pub targets: Vec<Target>,
    /// The ceiling on runs.
    pub max_runs: u64,
}

impl Precision {
    /// Whether every target is met after the journeys of `agg`: its
    /// interval exists and reaches at most its half-width from the figure
    /// on each side ([`Target::reached`]).
    pub fn met(&self, agg: &Aggregate) -> bool {
        self.targets
            .iter()
            .all(|t| t.reached(agg).is_some_and(|r| r <= t.half_width))
    }

    /// Whether some target is out of reach: its figure still applies to
    /// no journey (a first contact that no journey has, a share of the
    /// journeys that reach a step none reaches), so it has no interval,
    /// and more journeys are not expected to give it one.
    pub fn out_of_reach(&self, agg: &Aggregate) -> bool {
        self.targets.iter().any(|t| !t.kpi.applies(agg))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::OUTCOMES;

    #[test]
    fn outcome_figures_name_their_outcome() {
        for (name, _, figure) in FIGURES {
            if let Outcome(i) = figure {
                assert_eq!(*name, format!("outcomes.{}", OUTCOMES[*i].as_str()));
            }
        }
        assert_eq!(
            FIGURES.iter().filter(|f| matches!(f.2, Outcome(_))).count(),
            OUTCOMES.len()
        );
    }

    #[test]
    fn targets_parse_in_their_units() {
        let t: Target = "lead_time.mean=0.5d".parse().unwrap();
        assert_eq!((t.kpi.name(), t.half_width), ("lead_time.mean", 0.5));
        let t: Target = "longest_silence.p90 = 1w".parse().unwrap();
        assert_eq!(t.half_width, 7.0);
        let t: Target = "feedback_rate=0.5%".parse().unwrap();
        assert!((t.half_width - 0.005).abs() < 1e-15);
        let t: Target = "aftercare_rate=0.002".parse().unwrap();
        assert_eq!(t.half_width, 0.002);
        assert_eq!(t.to_string(), "aftercare_rate=0.2%");
        let t: Target = "contacts.mean=0.05".parse().unwrap();
        assert_eq!(t.half_width, 0.05);
        for bad in [
            "lead_time.mean",
            "lead_time.mean=0.5",
            "lead_time.mean=-1d",
            "lead_time.mean=0d",
            "feedback_rate=2",
            "feedback_rate=x%",
            "lead_time.men=1d",
        ] {
            assert!(bad.parse::<Target>().is_err(), "{bad}");
        }
        let err = "lead_time.men=1d"
            .parse::<Target>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `lead_time.mean`"), "{err}");
    }
}
