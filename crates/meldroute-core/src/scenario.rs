//! Scenarios: what would change if a ministry did X. A scenario file names
//! a base (a procedure, or another scenario) and a list of changes, each
//! with its reason; applied, it is a procedure like any other (its id is
//! the scenario's), which every command takes where it takes a procedure.
//!
//! A change may set a step's branch probabilities, replace or scale its
//! duration, give it interim updates, or replace its escalation target.
//! The changed step's figures rest on the scenario: their basis becomes
//! `assumption`, with the scenario and its reason as the note. A change
//! that makes the procedure invalid is refused at the change, with what
//! the procedure's validation says.

use meldroute_diagnostics::Arg;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::duration::Distribution;
use crate::meta::{Category, RuleMeta};
use crate::model::{
    Basis, Branch, Escalate, Located, Next, OrderedMap, Probability, Procedure, Updates,
};
use crate::source::{FileId, Pos, SourceFile};
use crate::version::FormatVersion;

/// Code of the findings about scenario files.
pub const SCENARIO_CODE: &str = "MR023";
/// Name of the findings about scenario files.
pub const SCENARIO_NAME: &str = "invalid-scenario";

/// What `MR023` means, for `meldroute rules MR023`: the loader's findings
/// about a scenario file, checked when the scenario is applied to its base.
pub const SCENARIO: RuleMeta = RuleMeta {
    code: SCENARIO_CODE,
    name: SCENARIO_NAME,
    category: Category::Correctness,
    severity: Severity::Error,
    summary: "a scenario cannot be applied to its base: an unknown base or step, a change of no kind or of two, probabilities that do not sum to 1, a change that makes the procedure invalid",
    // Lines start with a space, as the doc comments of rules do.
    doc: concat!(
        " ### What it does\n",
        " Applies every scenario file (a file with a top-level `scenario:` key; see\n",
        " docs/scenarios.md) to its base and reports the first change that cannot be\n",
        " applied, at the change: a base that is not loaded (or is a scenario that\n",
        " builds on this one), a step the base does not have, a change with no kind or\n",
        " with two (`duration`, `scale-duration`, `branches`, `updates`, `escalate`), a\n",
        " scale that is not above zero, branch probabilities that do not sum to 1 or\n",
        " name a step the base does not have, branches on a step that ends the journey,\n",
        " an escalation target on a step that does not escalate, a change without a\n",
        " reason, and a change after which the procedure has errors (the error is\n",
        " quoted). A scenario id that another procedure has is refused too.\n",
        "\n",
        " ### Why is this bad\n",
        " A scenario that does not apply as written would compare the base with\n",
        " something other than what the analyst meant.\n",
        "\n",
        " ### Example\n",
        " Fails: branches that sum to 0.9:\n",
        " ```yaml\n",
        " changes:\n",
        "   - step: beoordeling\n",
        "     branches: {onderzoek: 0.6, niet-in-behandeling: 0.3}\n",
        "     reason: Meer meldingen worden onderzocht.\n",
        " ```\n",
        " Passes:\n",
        " ```yaml\n",
        " changes:\n",
        "   - step: beoordeling\n",
        "     branches: {onderzoek: 0.7, niet-in-behandeling: 0.3}\n",
        "     reason: Meer meldingen worden onderzocht.\n",
        " ```\n",
    ),
};

/// A scenario file: a base and its changes.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "meldroute scenario",
    description = "A procedure with changes, each with its reason; see docs/scenarios.md."
)]
pub struct Scenario {
    /// Format version of the file, best the first key: `meldroute: 1`.
    #[serde(
        default,
        rename = "meldroute",
        deserialize_with = "crate::model::format_version"
    )]
    #[schemars(with = "FormatVersion", transform = crate::model::no_default)]
    pub format_version: Option<Located<FormatVersion>>,
    /// The scenario's id, which its procedure takes, e.g.
    /// `scenarios/tussentijdse-berichten`.
    pub scenario: Located<String>,
    /// What the scenario does, in a few words.
    pub title: String,
    /// More about it.
    #[serde(default)]
    pub description: Option<String>,
    /// The id of the procedure (or scenario) it changes.
    pub base: Located<String>,
    /// The changes, applied in order.
    pub changes: Vec<Located<Change>>,
}

/// One change to a step of the base: exactly one of `duration`,
/// `scale-duration`, `branches`, `updates` and `escalate`, with a reason.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The step changed (an id of the base).
    pub step: Located<String>,
    /// The step's new duration.
    #[serde(default)]
    pub duration: Option<Located<Distribution>>,
    /// The step's duration multiplied by this factor (above zero).
    #[serde(default, rename = "scale-duration")]
    pub scale_duration: Option<Located<Factor>>,
    /// The step's new branches: step id to probability, summing to 1.
    #[serde(default)]
    pub branches: Option<Located<OrderedMap<Located<Probability>>>>,
    /// Interim updates while the step runs (replacing any it has).
    #[serde(default)]
    pub updates: Option<Located<Updates>>,
    /// The procedure (and step) the step escalates to instead.
    #[serde(default)]
    pub escalate: Option<Located<Escalate>>,
    /// Why: the measure or assumption the change stands for.
    pub reason: Located<String>,
}

/// A factor, written as a plain number (a quoted string is an error).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Factor(pub f64);

impl<'de> Deserialize<'de> for Factor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FactorVisitor;
        impl serde::de::Visitor<'_> for FactorVisitor {
            type Value = Factor;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a factor: a number above 0, such as `0.5` or `2`")
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Factor, E> {
                Ok(Factor(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Factor, E> {
                Ok(Factor(v as f64))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Factor, E> {
                Ok(Factor(v as f64))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Factor, E> {
                Err(E::custom(format!(
                    "factor `{v}` is text; write a plain number such as `0.5`, without quotes"
                )))
            }
        }
        deserializer.deserialize_any(FactorVisitor)
    }
}

impl JsonSchema for Factor {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Factor".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "number", "exclusiveMinimum": 0})
    }
}

impl Change {
    /// The kinds of change given, by their keys.
    fn kinds(&self) -> Vec<&'static str> {
        [
            ("duration", self.duration.is_some()),
            ("scale-duration", self.scale_duration.is_some()),
            ("branches", self.branches.is_some()),
            ("updates", self.updates.is_some()),
            ("escalate", self.escalate.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, given)| given.then_some(k))
        .collect()
    }

    /// The change in words, for people: "scale-duration" of step X.
    pub fn kind(&self) -> &'static str {
        self.kinds().first().copied().unwrap_or("none")
    }
}

/// True when `text` is a scenario file: it has a top-level `scenario:`
/// key (a procedure file cannot: the format does not know that key).
pub fn is_scenario(text: &str) -> bool {
    crate::load::has_top_level_key(text, "scenario")
}

/// Parses `source` as a scenario file.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn parse(
    source: &SourceFile,
    file: FileId,
    limits: &crate::Limits,
) -> Result<Scenario, Diagnostic> {
    crate::load::parse_kind(
        source,
        file,
        limits,
        "a scenario file needs `scenario`, `title`, `base` and `changes`; see docs/scenarios.md",
        |s: &Scenario| s.format_version.as_ref(),
    )
}

/// A finding about a scenario at `pos` of its file.
pub(crate) fn finding(
    source: &SourceFile,
    file: FileId,
    pos: Pos,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        SCENARIO_CODE,
        SCENARIO_NAME,
        Severity::Error,
        file,
        source.byte_span(pos),
        message,
    )
}

/// The procedure a scenario starts from: the base's, under the scenario's
/// id and title.
pub(crate) fn derived(base: &Procedure, s: &Scenario) -> Procedure {
    let mut p = base.clone();
    p.id = Located {
        value: s.scenario.value.clone(),
        pos: base.id.pos,
    };
    p.title = s.title.clone();
    if let Some(d) = &s.description {
        p.description = Some(d.clone());
    }
    p
}

/// A change says why: a word of at least three letters.
pub(crate) fn says_why(reason: &str) -> bool {
    reason
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.chars().count() >= 3)
}

/// Applies `change` of scenario `s` (in `source`, `file`) to `p`; the
/// first thing that stops it is a finding at the change.
#[allow(clippy::result_large_err)] // one per change, never on a hot path
pub(crate) fn apply(
    p: &mut Procedure,
    s: &Scenario,
    change: &Located<Change>,
    source: &SourceFile,
    file: FileId,
) -> Result<(), Diagnostic> {
    let at = |pos: Pos, message: &str| finding(source, file, pos, message.to_owned());
    let c = &change.value;
    let kinds = c.kinds();
    match kinds.as_slice() {
        [_] => {}
        [] => {
            return Err(at(change.pos, "the change of step {step} changes nothing")
                .with_arg("step", Arg::id(c.step.as_str()))
                .with_help(
                    "give one of `duration`, `scale-duration`, `branches`, `updates` or `escalate`",
                ));
        }
        more => {
            return Err(at(
                change.pos,
                "one change has {kinds}: give each its own entry",
            )
            .with_arg("kinds", Arg::ids(more.iter().copied()))
            .with_help("split it into one change per key, each with its reason"));
        }
    }
    if !says_why(&c.reason) {
        return Err(
            at(c.reason.pos, "the change of step {step} does not say why")
                .with_arg("step", Arg::id(c.step.as_str()))
                .with_help(
                    "give the `reason` in words: the measure or assumption the change stands for",
                ),
        );
    }
    let ids: Vec<String> = p.steps.keys().map(str::to_owned).collect();
    let Some(index) = p.steps.index_of(&c.step) else {
        let d = at(c.step.pos, "base {base} has no step {step}")
            .with_arg("base", Arg::id(s.base.as_str()))
            .with_arg("step", Arg::id(c.step.as_str()))
            .with_arg("candidates", Arg::ids(ids.iter().map(String::as_str)))
            .with_help("name one of its steps: {candidates}");
        return Err(crate::rules::did_you_mean(
            d,
            &c.step,
            ids.iter().map(String::as_str),
        ));
    };
    let note = format!("scenario {}: {}", s.scenario.value, c.reason.value);
    let step = p.steps.value_mut(index);
    let as_assumption = |step: &mut crate::model::Step| {
        let pos = step.basis.as_ref().map_or(step.title.pos, |b| b.pos);
        step.basis = Some(Located {
            value: Basis::Assumption,
            pos,
        });
        step.note = Some(note.clone());
    };
    if let Some(d) = &c.duration {
        step.duration.value = d.value.clone();
        as_assumption(step);
    }
    if let Some(f) = &c.scale_duration {
        let f = Located {
            value: f.value.0,
            pos: f.pos,
        };
        if !(f.value.is_finite() && f.value > 0.0) {
            return Err(at(f.pos, "scale-duration {factor} is not above zero")
                .with_arg("factor", Arg::text(f.value.to_string()))
                .with_help("give a factor above zero: 0.5 halves the duration, 2 doubles it"));
        }
        step.duration.value = step.duration.value.scaled(f.value);
        as_assumption(step);
    }
    if let Some(bs) = &c.branches {
        if step.outcome.is_some() || step.escalate.is_some() {
            return Err(at(
                bs.pos,
                "step {step} ends the journey or leaves the procedure: it has no branches to set",
            )
            .with_arg("step", Arg::id(c.step.as_str()))
            .with_help("set the branches of a step with `next`"));
        }
        let mut branches = Vec::with_capacity(bs.len());
        let mut sum = 0.0;
        for (to, prob) in bs.iter() {
            if !ids.iter().any(|i| i == to.as_str()) {
                let d = at(to.pos, "branch to {to}: base {base} has no such step")
                    .with_arg("to", Arg::id(to.as_str()))
                    .with_arg("base", Arg::id(s.base.as_str()))
                    .with_help("branch to one of the base's steps");
                return Err(crate::rules::did_you_mean(
                    d,
                    to,
                    ids.iter().map(String::as_str),
                ));
            }
            sum += prob.value.0;
            branches.push(Branch {
                to: Located {
                    value: to.value.clone(),
                    pos: step.title.pos,
                },
                p: Located {
                    value: prob.value,
                    pos: step.title.pos,
                },
            });
        }
        if branches.is_empty() || (sum - 1.0).abs() > 1e-9 {
            return Err(
                at(bs.pos, "the branches of step {step} sum to {sum}, not 1")
                    .with_arg("step", Arg::id(c.step.as_str()))
                    .with_arg("sum", Arg::text(format!("{}", (sum * 1e9).round() / 1e9)))
                    .with_help(
                        "give every branch the step should have, with probabilities that sum to 1",
                    ),
            );
        }
        let pos = step.next.as_ref().map_or(step.title.pos, |n| n.pos);
        step.next = Some(Located {
            value: Next::Branches(branches),
            pos,
        });
        as_assumption(step);
    }
    if let Some(u) = &c.updates {
        let pos = step.updates.as_ref().map_or(step.title.pos, |u| u.pos);
        step.updates = Some(Located {
            value: u.value.clone(),
            pos,
        });
    }
    if let Some(esc) = &c.escalate {
        let Some(old) = &step.escalate else {
            return Err(at(
                esc.pos,
                "step {step} does not escalate: there is no target to replace",
            )
            .with_arg("step", Arg::id(c.step.as_str()))
            .with_help("replace the target of a step that has `escalate`"));
        };
        let pos = old.pos;
        step.escalate = Some(Located {
            value: esc.value.clone(),
            pos,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::library::{Library, Origin};
    use crate::load::Limits;
    use crate::sim::{self, SimModel, SimOptions, exact::exact};
    use crate::source::SourceFile;

    /// A procedure whose `werk` step is taken again in 40% of the
    /// journeys (a loop), so it is visited 1 / 0.6 times on average.
    const LOOP: &str = "meldroute: 1\nid: test/lus\ntitle: T\norganisation: T\nkind: internal-report\nexternal-information: bron\nsources: {bron: {title: B}}\nactors:\n  melder: {title: M, role: reporter}\n  org: {title: O, role: organisation}\nstart: melding\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: werk}\n  werk: {title: Werk, actor: org, kind: investigation, duration: {exponential: {mean: 3w}}, basis: assumption, note: n, next: toets}\n  toets: {title: Toets, actor: org, kind: assessment, duration: {uniform: {min: 1d, max: 5d}}, basis: assumption, note: n, next: [{to: werk, p: 0.4}, {to: einde, p: 0.6}]}\n  einde: {title: Einde, actor: org, kind: feedback, duration: 2d, basis: law, outcome: founded}\n";

    #[test]
    fn doubling_a_steps_mean_adds_its_expected_visits_times_its_mean() {
        let mut lib = Library::with_bundled(Limits::default());
        let base = lib
            .load_source(SourceFile::new("lus.yaml", LOOP), Origin::User)
            .expect("loads");
        let scenario = "meldroute: 1\nscenario: test/dubbel\ntitle: Dubbel\nbase: test/lus\nchanges:\n  - step: werk\n    scale-duration: 2\n    reason: Twee keer zo lang werk.\n";
        lib.load_source(SourceFile::new("dubbel.yaml", scenario), Origin::User);
        lib.apply_scenarios();
        assert!(lib.load_errors().is_empty(), "{:?}", lib.load_errors());
        let changed = lib.scenarios()[lib.scenarios().len() - 1]
            .entry
            .expect("applied");
        let (mb, ms) = (
            SimModel::compile(&lib, base).expect("compiles"),
            SimModel::compile(&lib, changed).expect("compiles"),
        );
        let (eb, es) = (exact(&mb).expect("exact"), exact(&ms).expect("exact"));
        let werk = mb.names.iter().position(|n| n.id == "werk").expect("werk");
        let visits = eb.expected_visits[werk];
        assert!((visits - 1.0 / 0.6).abs() < 1e-9, "{visits}");
        let expected = visits * 21.0;
        let exact_difference = es.lead_time_mean_days - eb.lead_time_mean_days;
        assert!(
            (exact_difference - expected).abs() < 1e-9,
            "{exact_difference} vs {expected}"
        );
        // The simulated difference, with its paired interval, agrees.
        let opts = SimOptions {
            runs: 200_000,
            ..SimOptions::default()
        };
        let (ab, as_) = (
            sim::simulate(&mb, &opts, &|_| {}).expect("runs"),
            sim::simulate(&ms, &opts, &|_| {}).expect("runs"),
        );
        let d = as_.lead.moments.mean - ab.lead.moments.mean;
        let ci = sim::paired_difference(
            &ab.batches(opts.seed),
            &as_.batches(opts.seed),
            sim::Paired::LeadMean,
            d,
        )
        .expect("an interval");
        assert!(ci.contains(expected), "{ci:?} does not hold {expected}");
        // Paired, the interval is far narrower than independent runs'.
        let estimate = |a: &sim::Aggregate| {
            let s = a.lead_time();
            crate::stats::Estimate {
                value: s.mean,
                ci95: s.mean_ci95,
            }
        };
        let independent = crate::stats::difference(estimate(&as_), estimate(&ab));
        let (paired_half, independent_half) = (
            (ci.high - ci.low) / 2.0,
            independent
                .ci95
                .map_or(f64::INFINITY, |i| (i.high - i.low) / 2.0),
        );
        assert!(
            paired_half < independent_half,
            "{paired_half} vs {independent_half}"
        );
    }
}
