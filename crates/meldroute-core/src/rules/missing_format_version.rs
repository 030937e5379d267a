//! MR019 missing-format-version: a file says which format version it is.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;
use crate::source::Pos;
use crate::version::{FORMAT_VERSION, version_line};

declare_rule! {
    /// ### What it does
    /// Checks that a procedure file says which version of the file format it
    /// is written in: `meldroute: 1`, best as the first key (after any
    /// leading comments, such as the `# yaml-language-server:` line). A file
    /// without it is read as format version 1. `meldroute migrate FILE`
    /// adds the line and changes nothing else.
    ///
    /// ### Why is this bad
    /// The format will change. A file that says its version is read as it
    /// was meant, migrated to a later version by `meldroute migrate`, and
    /// refused with both versions named by a meldroute too old for it; a
    /// file that does not can only be guessed at.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// id: ministerie-a/interne-melding
    /// title: Interne melding
    /// organisation: Ministerie A
    /// kind: internal-report
    /// sources: {}
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    /// Passes:
    /// ```yaml
    /// meldroute: 1
    /// id: ministerie-a/interne-melding
    /// title: Interne melding
    /// organisation: Ministerie A
    /// kind: internal-report
    /// sources: {}
    /// actors:
    ///   melder: {title: Melder, role: reporter}
    /// start: melding
    /// steps:
    ///   melding: {title: Melding, actor: melder, kind: report, outcome: closed}
    /// ```
    pub struct MissingFormatVersion {
        code: "MR019",
        name: "missing-format-version",
        category: Correctness,
        severity: Warning,
        summary: "a procedure file does not say its format version (`meldroute: 1`)",
    }
}

impl Rule for MissingFormatVersion {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        if entry.procedure.format_version.is_some() {
            return;
        }
        out.push(missing(entry.file, cx.library.file(entry.file)));
    }
}

/// The finding for `file` (`source`), a procedure or scenario file that
/// does not say its format version.
pub(crate) fn missing(
    file: crate::source::FileId,
    source: &crate::source::SourceFile,
) -> Diagnostic {
    let start = Pos {
        line: 1,
        column: 1,
        len: 0,
    };
    let meta = &MissingFormatVersion::META;
    Diagnostic::new(
        meta.code,
        meta.name,
        meta.severity,
        file,
        source.byte_span(start),
        "the file does not say its format version; it is read as format version {version}",
    )
    .with_arg("version", Arg::Count(u64::from(FORMAT_VERSION)))
    .with_arg("line", Arg::id(version_line()))
    .with_help("add {line} as the first line (after any leading comments), or run `meldroute migrate FILE`, which adds it and changes nothing else")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&MissingFormatVersion)
            .pass(&[
                // The base says `meldroute: 1`; anywhere at the top level will do.
                "meldroute: 1\n",
                "accept: []\nmeldroute: 1\n",
            ])
            .fail(&[
                // A whole file without the key: the finding is at 1:1.
                r#"id: test/advies
title: Advies
organisation: Testorganisatie
kind: advice
sources: {}
actors: {melder: {title: Melder, role: reporter}}
start: vraag
steps: {vraag: {title: Vraag, actor: melder, kind: advice, outcome: resolved}}
"#,
            ])
            .test_and_snapshot();
    }
}
