//! Validation rules: one file per rule, a plain registry, and the context
//! they run in.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use meldroute_diagnostics::Arg;

use crate::diag::{self, Diagnostic};
use crate::library::{Entry, EntryId, Library};
use crate::source::{FileId, Pos};

mod branch_probability;
mod conflicting_exits;
mod dead_end;
mod duplicate_id;
mod inescapable_cycle;
mod invalid_accept;
mod invalid_attribute;
mod invalid_calendar;
mod invalid_cap;
mod invalid_condition;
mod invalid_deadline;
mod invalid_duration;
mod invalid_range;
mod invalid_risk;
mod invalid_touchpoint;
mod kind_key;
mod misplaced_authority;
mod missing_authority;
pub(crate) mod missing_format_version;
mod missing_start;
mod reporter_actor;
mod undocumented_duration;
mod unknown_actor;
mod unknown_escalation_target;
mod unknown_source;
mod unknown_step;
mod unlikely_exit;
mod unreachable_step;

pub use branch_probability::BranchProbability;
pub use conflicting_exits::ConflictingExits;
pub use dead_end::DeadEnd;
pub use duplicate_id::DuplicateId;
pub use inescapable_cycle::InescapableCycle;
pub use invalid_accept::InvalidAccept;
pub use invalid_attribute::InvalidAttribute;
pub use invalid_calendar::InvalidCalendar;
pub use invalid_cap::InvalidCap;
pub use invalid_condition::InvalidCondition;
pub use invalid_deadline::InvalidDeadline;
pub use invalid_duration::InvalidDuration;
pub use invalid_range::InvalidRange;
pub use invalid_risk::InvalidRisk;
pub use invalid_touchpoint::InvalidTouchpoint;
pub use kind_key::KindKey;
pub use misplaced_authority::MisplacedAuthority;
pub use missing_authority::MissingAuthority;
pub use missing_format_version::MissingFormatVersion;
pub use missing_start::MissingStart;
pub use reporter_actor::ReporterActor;
pub use undocumented_duration::UndocumentedDuration;
pub use unknown_actor::UnknownActor;
pub use unknown_escalation_target::UnknownEscalationTarget;
pub use unknown_source::UnknownSource;
pub use unknown_step::UnknownStep;
pub use unlikely_exit::UnlikelyExit;
pub use unreachable_step::UnreachableStep;

pub(crate) use crate::meta::declare_rule;
pub use crate::meta::{Described, RuleMeta};

/// A check over procedures.
pub trait Rule: Described + Sync + Send {
    /// Checks one procedure.
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>);
    /// Checks every target procedure (rules that compare procedures override this).
    fn check_all(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for &i in cx.targets {
            self.check(cx, cx.library.entry(i), out);
        }
    }
}

/// Every rule, in code order.
pub static RULES: &[&dyn Rule] = &[
    &UnknownStep,
    &UnknownActor,
    &UnknownEscalationTarget,
    &UnreachableStep,
    &DeadEnd,
    &ConflictingExits,
    &BranchProbability,
    &InescapableCycle,
    &InvalidDuration,
    &InvalidDeadline,
    &DuplicateId,
    &MissingStart,
    &ReporterActor,
    &UnknownSource,
    &UndocumentedDuration,
    &InvalidAccept,
    &UnlikelyExit,
    &MissingFormatVersion,
    &MissingAuthority,
    &MisplacedAuthority,
    &KindKey,
    &InvalidRange,
    &InvalidCalendar,
    &InvalidCondition,
    &InvalidAttribute,
    &InvalidCap,
    &InvalidRisk,
    &InvalidTouchpoint,
];

/// What rules see: the whole library (for cross-file references), the
/// procedures being checked, and the journey rules a file may accept
/// findings of (given by the caller, so that validation does not depend on
/// the gap analysis).
pub struct Context<'a> {
    /// Everything loaded, bundled procedures included.
    pub library: &'a Library,
    /// The entries to check.
    pub targets: &'a [EntryId],
    /// The journey rules (`accept` entries name one of them).
    pub journey_rules: &'a [&'static RuleMeta],
    /// Steps that are escalated into by name, by procedure id, built once.
    entry_points: OnceLock<HashMap<&'a str, Vec<(FileId, &'a str)>>>,
}

impl<'a> Context<'a> {
    /// A context checking `targets` of `library`.
    pub fn new(
        library: &'a Library,
        targets: &'a [EntryId],
        journey_rules: &'a [&'static RuleMeta],
    ) -> Self {
        Context {
            library,
            targets,
            journey_rules,
            entry_points: OnceLock::new(),
        }
    }

    /// The steps of `procedure` that a loaded step escalates into by name
    /// (`escalate: {procedure, step}`), each with the file of the step that
    /// escalates. One pass over the library, the first time it is asked
    /// for, so a rule asking for each procedure stays linear.
    pub fn entry_points(&self, procedure: &str) -> &[(FileId, &'a str)] {
        let index = self.entry_points.get_or_init(|| {
            let mut index: HashMap<&'a str, Vec<(FileId, &'a str)>> = HashMap::new();
            for e in self.library.entries() {
                for (_, step) in e.procedure.steps.iter() {
                    if let Some(esc) = &step.escalate
                        && let Some(to) = &esc.step
                    {
                        index
                            .entry(esc.procedure.value.as_str())
                            .or_default()
                            .push((e.file, to.value.as_str()));
                    }
                }
            }
            index
        });
        index.get(procedure).map_or(&[], Vec::as_slice)
    }

    /// Byte span of `pos` in the file of `entry`.
    pub fn span(&self, entry: &Entry, pos: Pos) -> Range<usize> {
        self.library.file(entry.file).byte_span(pos)
    }

    /// A finding of `rule` at `pos` in the file of `entry`.
    pub fn diag(
        &self,
        rule: &RuleMeta,
        entry: &Entry,
        pos: Pos,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(
            rule.code,
            rule.name,
            rule.severity,
            entry.file,
            self.span(entry, pos),
            message,
        )
    }
}

/// A name that refers to nothing, for the `unknown-*` rules.
pub(crate) struct Unknown<'a> {
    /// Where the name is.
    pub pos: Pos,
    /// What refers, up to the name, as a template: "step {step} is done by
    /// unknown actor".
    pub what: &'static str,
    /// The arguments of `what` (not `name`, `suggestion` or `candidates`,
    /// which the finding adds).
    pub args: Vec<(&'static str, Arg)>,
    /// The name.
    pub name: &'a str,
    /// What it could have named.
    pub candidates: Vec<&'a str>,
    /// The caret's label.
    pub label: &'static str,
}

impl Context<'_> {
    /// The finding for an [`Unknown`] name: the message with the closest
    /// candidate ("did you mean"), and the help `help` gives (told whether
    /// there are candidates), which may name them as `{candidates}`.
    pub(crate) fn unknown(
        &self,
        rule: &RuleMeta,
        entry: &Entry,
        u: Unknown<'_>,
        help: impl FnOnce(bool) -> &'static str,
    ) -> Diagnostic {
        let mut d = self
            .diag(rule, entry, u.pos, format!("{} {{name}}", u.what))
            .with_arg("name", Arg::id(u.name))
            .with_arg("candidates", list_ids(u.candidates.iter().copied()))
            .with_label(u.label)
            .with_help(help(!u.candidates.is_empty()));
        for (name, arg) in u.args {
            d = d.with_arg(name, arg);
        }
        did_you_mean(d, u.name, u.candidates)
    }
}

/// `d` with " (did you mean {suggestion}?)" after its message when `word`
/// looks like a typo of one of `candidates`.
pub(crate) fn did_you_mean<'a>(
    mut d: Diagnostic,
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    match crate::suggest::closest(word, candidates) {
        Some(s) => {
            d.message.push_str(" (did you mean {suggestion}?)");
            d.with_arg("suggestion", Arg::id(s))
        }
        None => d,
    }
}

/// Runs `rules` over `targets` (with `journey_rules` for the `accept`
/// entries) and returns the findings in a stable order. Every validation
/// rule with the journey rules of `meldroute gaps`: [`crate::catalogue::check`].
pub fn check_with(
    library: &Library,
    targets: &[EntryId],
    rules: &[&dyn Rule],
    journey_rules: &[&'static RuleMeta],
) -> Vec<Diagnostic> {
    let cx = Context::new(library, targets, journey_rules);
    let mut out = Vec::new();
    for rule in rules {
        rule.check_all(&cx, &mut out);
    }
    diag::sort(&mut out);
    out
}

/// Ids for help texts, each shown as code; long lists are cut
/// ([`Arg::ids`]: a file with thousands of steps must not print megabytes).
pub(crate) fn list_ids<'a>(ids: impl IntoIterator<Item = &'a str>) -> Arg {
    Arg::ids(ids)
}
