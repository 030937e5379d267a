//! MR016 invalid-id: procedure ids are lowercase paths such as `rijk/klacht`.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks that a procedure `id` is one or more lowercase segments of
    /// letters, digits and `-`, separated by `/` (`rijk/klacht`,
    /// `ministerie-a/interne-melding`).
    ///
    /// ### Why is this bad
    /// Ids are typed on the command line, named in escalations and used in
    /// file names of diagrams and reports. Spaces, capitals or punctuation
    /// make them hard to type and unsafe as file names.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// id: Rijk Klacht!
    /// ```
    /// Passes:
    /// ```yaml
    /// id: rijk/klacht
    /// ```
    pub struct InvalidId {
        code: "MR016",
        name: "invalid-id",
        category: Correctness,
        severity: Error,
        summary: "a procedure id is not lowercase segments of letters, digits and `-` joined by `/`",
    }
}

/// True for ids such as `rijk/klacht`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('-')
                && !seg.ends_with('-')
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

impl Rule for InvalidId {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        let id = &entry.procedure.id;
        if !is_valid_id(id) {
            let suggestion: String = id
                .to_lowercase()
                .chars()
                .map(|c| {
                    if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '/' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .split('/')
                .map(|s| {
                    s.split('-')
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join("-")
                })
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("/");
            out.push(
                cx.diag(
                    &Self::META,
                    entry,
                    id.pos,
                    if id.value.is_empty() {
                        "procedure id is empty"
                    } else {
                        "procedure id {id} is not a valid id"
                    },
                )
                .with_arg("id", Arg::id(id.value.as_str()))
                .with_label("use lowercase letters, digits, `-` and `/`")
                .with_help(if suggestion.is_empty() {
                    "write an id such as `organisatie/interne-melding`"
                } else {
                    "write {suggestion}"
                })
                .with_arg("suggestion", Arg::Id(suggestion)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InvalidId)
            .pass(&[
                "id: a\n",
                "id: ministerie-a/interne-melding\n",
                "id: x1/y2\n",
            ])
            .fail(&[
                // The help suggests a valid id.
                r#"id: "Test Melding!""#,
                "id: Rijk/klacht\n",
                "id: rijk//klacht\n",
                "id: rijk/\n",
                "id: rijk klacht\n",
                r#"id: "-a""#,
                "id: a-\n",
                r#"id: """#,
                // Nothing to suggest.
                "id: ë\n",
            ])
            .test_and_snapshot();
    }
}
