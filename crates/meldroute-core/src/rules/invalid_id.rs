//! MR016 invalid-id: procedure ids are lowercase paths such as `rijk/klacht`.

use super::{Context, Rule, RuleMeta, declare_rule};
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
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

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
                    format!("procedure id `{}` is not a valid id", id.value),
                )
                .with_label("use lowercase letters, digits, `-` and `/`")
                .with_help(if suggestion.is_empty() {
                    "write an id such as `organisatie/interne-melding`".to_owned()
                } else {
                    format!("write `{suggestion}`")
                }),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn accepts_and_rejects_ids() {
        for ok in ["rijk/klacht", "a", "ministerie-a/interne-melding", "x1/y2"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "Rijk/klacht",
            "rijk//klacht",
            "rijk/",
            "rijk klacht",
            "-a",
            "a-",
            "ë",
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn flags_bad_id_with_suggestion() {
        let found = run(
            &InvalidId,
            &base_with("id: test/melding", "id: \"Test Melding!\""),
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].line, found[0].column), (1, 5));
        assert_eq!(found[0].help, "write `test-melding`");
    }

    #[test]
    fn passes_valid_id() {
        assert!(run(&InvalidId, BASE).is_empty());
    }
}
