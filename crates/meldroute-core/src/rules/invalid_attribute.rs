//! MR028 invalid-attribute: the attributes a journey draws, and the share
//! of anonymous reporters, are shares a simulation can draw.

use meldroute_diagnostics::Arg;

use super::branch_probability::TOLERANCE;
use super::{Context, Rule, declare_rule};
use crate::condition;
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::model::{Basis, Located, SCOPE_ATTRIBUTE, Scope};

/// Most attributes a procedure declares.
pub const MAX_ATTRIBUTES: usize = 8;

/// Most values an attribute declares.
pub const MAX_VALUES: usize = 64;

declare_rule! {
    /// ### What it does
    /// Checks the procedure's `attributes` and `anonymous`: each
    /// attribute's name is no variable or word of the condition language
    /// (docs/conditions.md) and, like each value, starts with a letter and
    /// holds only letters, digits, `-` and `_`; each share lies in [0, 1]
    /// and an attribute's shares sum to 1; the `anonymous` share lies in
    /// [0, 1]; no share rests on `basis: law` (a share of reporters is no
    /// statutory term); a procedure declares at most 8 attributes, each
    /// with at most 64 values.
    ///
    /// The attribute `scope` is the report's scope: its values are scope
    /// names (`misstand`, `eu-breach`, `integrity`,
    /// `undesirable-behaviour`), each one the procedure handles (its
    /// `scopes`), so that a journey's scope decides which norms bind it.
    ///
    /// ### Why is this bad
    /// A journey draws its attributes at the start by these shares: if they
    /// do not sum to 1, some journeys would have no value, and every figure
    /// by attribute would be wrong. A name that is also a variable makes a
    /// condition mean two things. A share presented as law misstates the
    /// law.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// attributes:
    ///   zaak:
    ///     values: {benadeling: 0.3, overig: 0.6}
    ///     basis: assumption
    ///     note: Geschat.
    /// ```
    /// Passes:
    /// ```yaml
    /// attributes:
    ///   zaak:
    ///     values: {benadeling: 0.3, overig: 0.7}
    ///     basis: assumption
    ///     note: Geschat.
    /// ```
    pub struct InvalidAttribute {
        code: "MR028",
        name: "invalid-attribute",
        category: Correctness,
        severity: Error,
        summary: "an attribute's or the anonymous reporters' shares are outside [0, 1], do not sum to 1, rest on `law`, a name is reserved or no name, or a `scope` value is no scope of the procedure",
    }
}

/// True when `name` can be written in a condition: a letter, then
/// letters, digits, `-` and `_`.
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Rule for InvalidAttribute {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let p = &entry.procedure;
        let law = |basis: &Located<Basis>, what: &'static str, name: &str| {
            (basis.value == Basis::Law).then(|| {
                cx.diag(&Self::META, entry, basis.pos, what)
                    .with_arg("name", Arg::id(name))
                    .with_label("no statutory term")
                    .with_help("a share of reporters rests on `measured`, `practice`, `policy` or `assumption` (with a `note`)")
            })
        };
        let share =
            |s: &Located<crate::model::Probability>, name: &str, out: &mut Vec<Diagnostic>| {
                if !(0.0..=1.0).contains(&s.value.0) {
                    out.push(
                        cx.diag(
                            &Self::META,
                            entry,
                            s.pos,
                            "share {share} of {name} is outside [0, 1]",
                        )
                        .with_arg("share", Arg::Number(s.value.0))
                        .with_arg("name", Arg::id(name))
                        .with_label("must be between 0 and 1")
                        .with_help("write the share as a fraction, e.g. `0.25` for 25%"),
                    );
                    return false;
                }
                true
            };
        if let Some(a) = &p.anonymous {
            share(&a.share, "anonymous", out);
            out.extend(law(
                &a.basis,
                "the share of anonymous reporters rests on `law`",
                "anonymous",
            ));
        }
        if p.attributes.len() > MAX_ATTRIBUTES
            && let Some((key, _)) = p.attributes.iter().nth(MAX_ATTRIBUTES)
        {
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    key.pos,
                    "the procedure declares {count} attributes, more than {max}",
                )
                .with_arg("count", Arg::Count(p.attributes.len() as u64))
                .with_arg("max", Arg::Count(MAX_ATTRIBUTES as u64))
                .with_label("one too many")
                .with_help("combine attributes into one with more values"),
            );
        }
        for (key, attr) in p.attributes.iter() {
            let name = key.value.as_str();
            if condition::reserved(name) {
                out.push(
                    cx.diag(&Self::META, entry, key.pos, "attribute {name} has the name of a variable or word of the condition language")
                        .with_arg("name", Arg::id(name))
                        .with_label("reserved")
                        .with_help("name the attribute otherwise, e.g. `zaak` or `soort-melding`; the reporter's anonymity is the procedure's `anonymous`"),
                );
            } else if !is_name(name) {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        key.pos,
                        "attribute {name} is no name a condition can write",
                    )
                    .with_arg("name", Arg::id(name))
                    .with_label("not a name")
                    .with_help("start with a letter and use letters, digits, `-` and `_`"),
                );
            }
            out.extend(law(
                &attr.basis,
                "the shares of attribute {name} rest on `law`",
                name,
            ));
            if attr.values.len() > MAX_VALUES {
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        key.pos,
                        "attribute {name} declares {count} values, more than {max}",
                    )
                    .with_arg("name", Arg::id(name))
                    .with_arg("count", Arg::Count(attr.values.len() as u64))
                    .with_arg("max", Arg::Count(MAX_VALUES as u64))
                    .with_label("too many values")
                    .with_help("group the values into at most 64 kinds"),
                );
            }
            let mut all_valid = true;
            let handled = p.scopes();
            for (value, s) in attr.values.iter() {
                all_valid &= share(s, name, out);
                if name == SCOPE_ATTRIBUTE {
                    out.extend(scope_value(cx, entry, value, &handled));
                }
                if !is_name(value) || matches!(value.as_str(), "and" | "or" | "not") {
                    out.push(
                        cx.diag(&Self::META, entry, value.pos, "value {value} of attribute {name} is no name a condition can write")
                            .with_arg("value", Arg::id(value.as_str()))
                            .with_arg("name", Arg::id(name))
                            .with_label("not a name")
                            .with_help("start with a letter and use letters, digits, `-` and `_` (not `and`, `or` or `not`)"),
                    );
                }
            }
            let sum: f64 = attr.values.iter().map(|(_, s)| s.value.0).sum();
            if all_valid && (sum - 1.0).abs() > TOLERANCE {
                let to_tolerance = |x: f64| (x * 1e9).round() / 1e9;
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        key.pos,
                        "the shares of attribute {name} sum to {sum}, not 1",
                    )
                    .with_arg("name", Arg::id(name))
                    .with_arg("sum", Arg::Number(to_tolerance(sum)))
                    .with_label("these sum to {sum}")
                    .with_help("adjust the shares so that they add up to exactly 1"),
                );
            }
        }
    }
}

/// The error of value `value` of the `scope` attribute, if it names no
/// scope or one the procedure does not handle (`handled`, its `scopes`).
fn scope_value(
    cx: &Context<'_>,
    entry: &Entry,
    value: &Located<String>,
    handled: &[Scope],
) -> Option<Diagnostic> {
    let names = || Scope::ALL.into_iter().map(Scope::as_str);
    match Scope::named(&value.value) {
        None => {
            let d = cx
                .diag(
                    &InvalidAttribute::META,
                    entry,
                    value.pos,
                    "value {value} of attribute `scope` is no scope",
                )
                .with_arg("value", Arg::id(value.value.as_str()))
                .with_label("not a scope")
                .with_help("the values of `scope` are scopes of report: `misstand`, `eu-breach`, `integrity` or `undesirable-behaviour`");
            Some(super::did_you_mean(d, &value.value, names()))
        }
        Some(s) if !handled.contains(&s) => Some(
            cx.diag(
                &InvalidAttribute::META,
                entry,
                value.pos,
                "value {value} of attribute `scope` is a scope the procedure does not handle",
            )
            .with_arg("value", Arg::id(value.value.as_str()))
            .with_label("not in `scopes`")
            .with_help("add it to the procedure's `scopes`, or leave it out of `scope`: a journey's scope is one the procedure handles"),
        ),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        // 65 values, each an equal share.
        let many: Vec<String> = (0..65).map(|i| format!("v{i}: {}", 1.0 / 65.0)).collect();
        // The tester keeps its cases for the whole test.
        let too_many: &'static str = Box::leak(
            format!(
                "attributes:\n  zaak: {{values: {{{}}}, basis: measured}}\n",
                many.join(", ")
            )
            .into_boxed_str(),
        );
        Tester::validation(&InvalidAttribute)
            .pass(&[
                "anonymous: {share: 0.3, basis: assumption, note: Geschat.}\nattributes:\n  zaak: {values: {benadeling: 0.3, overig: 0.7}, basis: assumption, note: Geschat.}\n",
                "scopes: [misstand, eu-breach, integrity]\nattributes:\n  scope: {values: {misstand: 0.2, eu-breach: 0.1, integrity: 0.7}, basis: assumption, note: Geschat.}\n",
            ])
            .fail(&[
                // Shares that sum to 0.9.
                "attributes:\n  zaak: {values: {benadeling: 0.3, overig: 0.6}, basis: assumption, note: Geschat.}\n",
                // A reserved name; a share outside [0, 1].
                "attributes:\n  silence: {values: {lang: 1.5, kort: -0.5}, basis: measured}\n",
                // Shares presented as law.
                "anonymous: {share: 0.2, basis: law}\nattributes:\n  zaak: {values: {a: 1}, basis: law}\n",
                // A value no condition can write.
                "attributes:\n  zaak: {values: {'1e': 0.5, and: 0.5}, basis: measured}\n",
                // More values than a journey can carry.
                too_many,
                // A scope misspelt, and one the procedure does not handle.
                "scopes: [misstand, integrity]\nattributes:\n  scope: {values: {misstnad: 0.2, integrity: 0.5, undesirable-behaviour: 0.3}, basis: assumption, note: Geschat.}\n",
            ])
            .test_and_snapshot();
    }
}
