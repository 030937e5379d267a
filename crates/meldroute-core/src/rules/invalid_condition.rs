//! MR027 invalid-condition: a conditional `next` is well formed and every
//! `when` is a condition of the language (docs/conditions.md).

use std::ops::Range;

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule, did_you_mean};
use crate::condition::{self, ConditionError, ErrorKind, Unit};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::{Located, Next};

declare_rule! {
    /// ### What it does
    /// Checks the alternatives of a conditional `next`: every alternative
    /// but the last has a `when`, the last is the `otherwise`, and each
    /// `then` and `otherwise` is a step id or a list of branches, not
    /// another set of alternatives. Checks every `when` against the
    /// condition language (docs/conditions.md): known variables and
    /// attributes, a duration where a time is compared (`silence > 6w`), a
    /// whole number where a count is (`visits >= 3`), a declared value
    /// where an attribute is (`zaak == benadeling`), calendar time rather
    /// than working days, and `and`, `or`, `not` and parentheses in their
    /// places.
    ///
    /// ### Why is this bad
    /// A journey must have exactly one set of branches in every state: with
    /// no `otherwise`, some journeys would have nowhere to go; an
    /// `otherwise` before the end would hide the alternatives after it. A
    /// condition that compares a time with a count, or names a variable
    /// that does not exist, has no meaning, and the simulation would route
    /// journeys by a mistake.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    ///   wachten:
    ///     title: Wachten op nieuws
    ///     actor: melder
    ///     kind: orientation
    ///     next:
    ///       - when: silence > 6
    ///         then: [{to: klacht, p: 0.4}, {to: besluit, p: 0.6}]
    ///       - otherwise: besluit
    /// ```
    /// Passes:
    /// ```yaml
    ///   wachten:
    ///     title: Wachten op nieuws
    ///     actor: melder
    ///     kind: orientation
    ///     next:
    ///       - when: silence > 6w
    ///         then: [{to: klacht, p: 0.4}, {to: besluit, p: 0.6}]
    ///       - otherwise: besluit
    /// ```
    pub struct InvalidCondition {
        code: "MR027",
        name: "invalid-condition",
        category: Correctness,
        severity: Error,
        summary: "a conditional `next` lacks its `otherwise` last, nests alternatives, or has a `when` that is no valid condition",
    }
}

impl Rule for InvalidCondition {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let env = condition::Env::of(p);
        for (id, step) in p.steps.iter() {
            let Some(next) = &step.next else { continue };
            let Next::Conditional(alts) = &next.value else {
                continue;
            };
            let step_arg = || Arg::id(id.value.as_str());
            for (k, alt) in alts.iter().enumerate() {
                let last = k + 1 == alts.len();
                match &alt.when {
                    None if !last => out.push(
                        cx.diag(&Self::META, entry, alt.pos, "the `otherwise` of step {step} is not its last alternative")
                            .with_arg("step", step_arg())
                            .with_label("alternatives after this one are never taken")
                            .with_help("move the `otherwise` to the end of the list, after every `when`"),
                    ),
                    Some(_) if last => out.push(
                        cx.diag(&Self::META, entry, alt.pos, "the alternatives of step {step} end without an `otherwise`")
                            .with_arg("step", step_arg())
                            .with_label("a journey for which no `when` holds has nowhere to go")
                            .with_help("add `- otherwise: STEP` (or a list of branches) as the last alternative"),
                    ),
                    _ => {}
                }
                if let Some(when) = &alt.when
                    && let Err(e) = condition::parse(when, &env)
                {
                    out.push(self.condition_error(cx, entry, id, when, e));
                }
                if matches!(alt.then.value, Next::Conditional(_)) {
                    out.push(
                        cx.diag(&Self::META, entry, alt.then.pos, "an alternative of step {step} holds alternatives of its own")
                            .with_arg("step", step_arg())
                            .with_label("a step id or a list of branches")
                            .with_help("join the conditions with `and` into one alternative per set of branches"),
                    );
                }
            }
        }
    }
}

impl InvalidCondition {
    /// The finding for error `e` in condition `when` of step `id`, at the
    /// characters it is about.
    fn condition_error(
        &self,
        cx: &Context<'_>,
        entry: &Entry,
        id: &Located<String>,
        when: &Located<String>,
        e: ConditionError,
    ) -> Diagnostic {
        let whole = cx.span(entry, when.pos);
        let text = cx.library.file(entry.file).text();
        let span = sub_span(text, whole, when, e.at.clone());
        let d = |message: &str| {
            Diagnostic::new(
                Self::META.code,
                Self::META.name,
                Self::META.severity,
                entry.file,
                span.clone(),
                message,
            )
            .with_arg("step", Arg::id(id.value.as_str()))
        };
        match e.kind {
            ErrorKind::Empty => d("the condition of step {step} is empty")
                .with_label("nothing to test")
                .with_help("write a condition such as `silence > 6w`, or make this the `otherwise`"),
            ErrorKind::TooLong => d("the condition of step {step} is longer than {max} characters")
                .with_arg("max", Arg::Count(condition::MAX_LENGTH as u64))
                .with_label("too long")
                .with_help("split it over alternatives, or name a case type as an attribute"),
            ErrorKind::TooDeep => d("the condition of step {step} nests `not` and parentheses more than {max} deep")
                .with_arg("max", Arg::Count(condition::MAX_DEPTH as u64))
                .with_label("too deep")
                .with_help("write it flatter: `not (a or b)` is `not a and not b`"),
            ErrorKind::BadCharacter(c) => d("the condition of step {step} has {char}, which no condition holds")
                .with_arg("char", Arg::id(c.to_string()))
                .with_label("not part of the language")
                .with_help("compare with `<`, `<=`, `>`, `>=`, `==` or `!=`, join with `and`, `or`, `not`"),
            ErrorKind::Unexpected { found, expected } => d("the condition of step {step} has {found} where it expects {expected}")
                .with_arg(
                    "found",
                    if found == condition::END {
                        Arg::Text("the end of the condition".to_owned())
                    } else {
                        Arg::id(found)
                    },
                )
                .with_arg("expected", Arg::Text(expected.to_owned()))
                .with_label("unexpected")
                .with_help("a condition is comparisons such as `silence > 6w` joined by `and` and `or` (docs/conditions.md)"),
            ErrorKind::UnknownName { name, candidates } => {
                let c: Vec<&str> = candidates.iter().map(String::as_str).collect();
                did_you_mean(
                    d("the condition of step {step} names {name}, which is no variable or attribute")
                        .with_arg("name", Arg::id(name.as_str()))
                        .with_arg("candidates", super::list_ids(c.iter().copied()))
                        .with_label("unknown name")
                        .with_help("use a variable or an attribute the procedure declares under `attributes`: {candidates}"),
                    &name,
                    c.iter().copied(),
                )
            }
            ErrorKind::BadLiteral { literal, reason } => d("the condition of step {step} compares with {literal}, which is no duration or count: {reason}")
                .with_arg("literal", Arg::id(literal))
                .with_arg("reason", Arg::Text(reason))
                .with_label("not a duration or count")
                .with_help("write a duration such as `6w` or `3mo`, or a whole number such as `3`"),
            ErrorKind::WorkingDays(literal) => d("the condition of step {step} compares with {literal}, in working days")
                .with_arg("literal", Arg::id(literal))
                .with_label("working days")
                .with_help("conditions compare calendar time: write `2w` rather than `10wd`"),
            ErrorKind::UnitMismatch { name, holds, found } => d("the condition of step {step} compares {name}, {holds}, with {found}")
                .with_arg("name", Arg::id(name))
                .with_arg("holds", Arg::Text(unit_name(holds).to_owned()))
                .with_arg("found", Arg::Text(unit_name(found).to_owned()))
                .with_label("units do not match")
                .with_help(match holds {
                    Unit::Duration => "compare a time with a duration, such as `silence > 6w`",
                    Unit::Count => "compare a count with a whole number, such as `visits >= 3`",
                    Unit::Flag => "test a flag alone: `anonymous` or `not anonymous`",
                    Unit::Value => "compare an attribute with one of its values: `zaak == benadeling`",
                }),
            ErrorKind::AttributeOrder { attribute, op } => d("the condition of step {step} orders attribute {name} with {op}")
                .with_arg("name", Arg::id(attribute))
                .with_arg("op", Arg::id(op.as_str()))
                .with_label("an attribute's values have no order")
                .with_help("compare an attribute with `==` or `!=`"),
            ErrorKind::UnknownValue { attribute, value, values } => {
                let v: Vec<&str> = values.iter().map(String::as_str).collect();
                did_you_mean(
                    d("the condition of step {step} compares attribute {name} with {value}, which it does not declare")
                        .with_arg("name", Arg::id(attribute))
                        .with_arg("value", Arg::id(value.as_str()))
                        .with_arg("candidates", super::list_ids(v.iter().copied()))
                        .with_label("unknown value")
                        .with_help("use one of the attribute's values: {candidates}"),
                    &value,
                    v.iter().copied(),
                )
            }
        }
    }
}

/// What a unit is, in a message.
fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Duration => "a time",
        Unit::Count => "a count",
        Unit::Flag => "a flag",
        Unit::Value => "an attribute's value",
    }
}

/// The bytes of the file that `at` (bytes of the condition's text) covers:
/// inside the scalar at `whole` when the file writes the text as it is
/// (plain, or quoted without escapes), else the whole scalar.
pub(crate) fn sub_span(
    file: &str,
    whole: Range<usize>,
    text: &str,
    at: Range<usize>,
) -> Range<usize> {
    let Some(written) = file.get(whole.clone()) else {
        return whole;
    };
    let offset = match written.as_bytes().first() {
        Some(b'"' | b'\'') => 1,
        _ => 0,
    };
    if written.get(offset..offset + text.len()) == Some(text) && at.end <= text.len() {
        let start = whole.start + offset;
        // An empty span (the end of the text) still points at a character.
        let end = (start + at.end)
            .max(start + at.start + 1)
            .min(whole.end.max(start + 1));
        (start + at.start).min(end)..end
    } else {
        whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InvalidCondition)
            .pass(&[
                // Durations, counts, a flag, and/or/not, an otherwise.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: silence > 6w and contacts < 3, then: [{to: onderzoek, p: 0.5}, {to: afwijzing, p: 0.5}]}, {when: not anonymous or visits >= 2, then: onderzoek}, {otherwise: afwijzing}]}\n",
            ])
            .fail(&[
                // A count where a time is compared.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: silence > 6, then: onderzoek}, {otherwise: afwijzing}]}\n",
                // A misspelt variable.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: silense > 6w, then: onderzoek}, {otherwise: afwijzing}]}\n",
                // No otherwise.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: silence > 6w, then: onderzoek}]}\n",
                // The otherwise first.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{otherwise: afwijzing}, {when: silence > 6w, then: onderzoek}, {otherwise: onderzoek}]}\n",
                // Working days; an attribute that is not declared; a dangling `and`.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: \"silence > 10wd\", then: onderzoek}, {when: zaak == x, then: afwijzing}, {when: contacts > 1 and, then: onderzoek}, {otherwise: afwijzing}]}\n",
                // Nested alternatives.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, next: [{when: anonymous, then: [{when: visits > 1, then: onderzoek}, {otherwise: afwijzing}]}, {otherwise: afwijzing}]}\n",
            ])
            .test_and_snapshot();
    }
}
