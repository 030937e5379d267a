//! The rule tester: every rule, validation and journey, ends its file with
//! its passing and failing cases and calls [`Tester::test_and_snapshot`]
//! (as oxc's linter does).
//!
//! A case is a fragment of a procedure file applied to [`BASE`], a complete
//! internal-report procedure that no rule flags:
//! - top-level keys (`id: ...`, `actors:`, `steps:`) replace the base's key
//!   of that name, or are added;
//! - steps indented by two spaces replace the base's step of that id, or are
//!   added to its steps;
//! - a fragment with both `id` and `steps` at the top is a whole file;
//! - `---` on a line of its own separates files checked together; a file
//!   whose first line is `# klacht` is a fragment of [`COMPLAINT`] instead,
//!   a second procedure to escalate to and from.
//!
//! The `Fails:` and `Passes:` examples of the rule's documentation are run as
//! cases too, so the documentation cannot go wrong unnoticed. Every failing
//! case must give at least one finding, every passing case none; the
//! findings of all failing cases, rendered as `meldroute validate` and
//! `meldroute gaps` show them, are one insta snapshot per rule (review
//! changes with `cargo insta review`).

use std::fmt::Write as _;

use meldroute_diagnostics::render;

use crate::catalogue;
use crate::diag::Severity;
use crate::gaps::{self, GapOptions, JourneyRule};
use crate::library::{Library, Origin};
use crate::load::Limits;
use crate::rules::{self, Rule, RuleMeta};
use crate::sim::SimOptions;
use crate::source::SourceFile;

/// A complete internal report that no rule flags: acknowledgement within
/// the legal term, investigation with interim feedback, decision, feedback
/// within three months, aftercare, and routes to an external body. Its
/// format version is its last line, not its first (as files write it), so
/// that the line numbers in the rules' snapshots are those of the cases.
pub const BASE: &str = r#"id: test/melding
title: Testmelding
organisation: Testorganisatie
kind: internal-report
sources:
  wbk-art-2: {title: "Wet bescherming klokkenluiders, art. 2"}
actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging:
    title: Ontvangstbevestiging
    actor: org
    kind: acknowledgement
    duration: 2d
    basis: law
    sources: [wbk-art-2]
    deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    next:
      - {to: onderzoek, p: 0.8}
      - {to: afwijzing, p: 0.2}
  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, next: tussentijds}
  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: besluit}
  besluit: {title: Besluit, actor: org, kind: decision, duration: 2w, basis: policy, next: terugkoppeling}
  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: terugkoppeling}
  terugkoppeling:
    title: Terugkoppeling
    actor: org
    kind: feedback
    duration: 1d
    basis: policy
    deadline: {within: 3mo, from: bevestiging, basis: "Wbk art. 2"}
    next: nazorg
  nazorg:
    title: Nazorg
    actor: org
    kind: aftercare
    duration: 2w
    basis: policy
    next: [{to: klaar, p: 0.9}, {to: extern, p: 0.1}]
  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: founded}
  extern: {title: Externe melding, actor: melder, kind: escalation, escalate: {procedure: rijk/huis-voor-klokkenluiders-onderzoek}}
meldroute: 1
external-information: wbk-art-2
"#;

/// A small complaint procedure, `test/klacht`, for cases with a second file
/// (a part that starts with the line `# klacht`).
pub const COMPLAINT: &str = r#"id: test/klacht
title: Klacht
organisation: Testorganisatie
kind: complaint
sources: {}
actors:
  melder: {title: Melder, role: reporter}
start: indienen
steps:
  indienen: {title: Klacht indienen, actor: melder, kind: report, next: oordeel}
  oordeel: {title: Oordeel, actor: melder, kind: decision, outcome: unfounded}
meldroute: 1
"#;

/// The text of one file of a case: its fragment applied to [`BASE`], or to
/// [`COMPLAINT`] after a first line `# klacht`.
fn file_of(part: &str) -> String {
    match part.strip_prefix("# klacht\n") {
        Some(fragment) => splice(COMPLAINT, fragment),
        None => splice(BASE, part),
    }
}

/// What is tested: a validation rule or a journey rule.
#[derive(Clone, Copy)]
enum Checked {
    Validation(&'static dyn Rule),
    Journey(&'static dyn JourneyRule),
}

/// Where a case comes from, for messages and the snapshot.
#[derive(Clone, Copy, Debug, PartialEq)]
enum CaseFrom {
    Listed(usize),
    Doc(usize),
}

/// A rule's cases, run and snapshotted by [`Tester::test_and_snapshot`].
pub struct Tester {
    checked: Checked,
    pass: Vec<&'static str>,
    fail: Vec<&'static str>,
}

impl Tester {
    /// Cases for a validation rule (`meldroute validate`).
    pub fn validation(rule: &'static dyn Rule) -> Self {
        Tester {
            checked: Checked::Validation(rule),
            pass: Vec::new(),
            fail: Vec::new(),
        }
    }

    /// Cases for a journey rule (`meldroute gaps`).
    pub fn journey(rule: &'static dyn JourneyRule) -> Self {
        Tester {
            checked: Checked::Journey(rule),
            pass: Vec::new(),
            fail: Vec::new(),
        }
    }

    /// Cases the rule must not flag.
    pub fn pass(mut self, cases: &[&'static str]) -> Self {
        self.pass.extend_from_slice(cases);
        self
    }

    /// Cases the rule must flag.
    pub fn fail(mut self, cases: &[&'static str]) -> Self {
        self.fail.extend_from_slice(cases);
        self
    }

    fn meta(&self) -> &'static RuleMeta {
        match self.checked {
            Checked::Validation(r) => r.meta(),
            Checked::Journey(r) => r.meta(),
        }
    }

    /// Runs every case and the documentation's examples, then compares the
    /// failing cases' findings with the rule's snapshot.
    pub fn test_and_snapshot(self) {
        let meta = self.meta();
        let (doc_fail, doc_pass) = doc_examples(meta.doc);
        assert!(
            !self.fail.is_empty() && !self.pass.is_empty(),
            "{}: list passing and failing cases",
            meta.name
        );
        assert!(
            !doc_fail.is_empty() && !doc_pass.is_empty(),
            "{}: the documentation needs a `Fails:` and a `Passes:` example",
            meta.name
        );
        let listed = |cases: &[&'static str]| {
            cases
                .iter()
                .enumerate()
                .map(|(i, c)| (CaseFrom::Listed(i + 1), c.to_string()))
                .collect::<Vec<_>>()
        };
        let documented = |cases: Vec<String>| {
            cases
                .into_iter()
                .enumerate()
                .map(|(i, c)| (CaseFrom::Doc(i + 1), c))
                .collect::<Vec<_>>()
        };
        let mut failures = Vec::new();
        for (origin, case) in listed(&self.pass).into_iter().chain(documented(doc_pass)) {
            let found = self.run(&case);
            if !found.is_empty() {
                failures.push(format!(
                    "{} {}: a passing case is flagged:\n{case}\n{found}",
                    meta.name,
                    describe(origin, "pass")
                ));
            }
        }
        let mut snapshot = String::new();
        for (origin, case) in listed(&self.fail).into_iter().chain(documented(doc_fail)) {
            let found = self.run(&case);
            if found.is_empty() {
                failures.push(format!(
                    "{} {}: a failing case is not flagged:\n{case}",
                    meta.name,
                    describe(origin, "fail")
                ));
            }
            let _ = write!(
                snapshot,
                "## {}\n\n{}\n\n{found}\n",
                describe(origin, "fail"),
                case.trim_end()
            );
        }
        assert!(failures.is_empty(), "{}", failures.join("\n\n"));
        // Beside the rule: src/rules/snapshots/dead-end.snap.
        let room = match self.checked {
            Checked::Validation(_) => "rules",
            Checked::Journey(_) => "gaps",
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src")
                .join(room)
                .join("snapshots"),
        );
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(meta.name, snapshot.trim_end()));
    }

    /// Loads a case beside the bundled library, runs the rule, and renders
    /// what it finds (empty when nothing).
    fn run(&self, case: &str) -> String {
        let parts: Vec<&str> = case.split("\n---\n").collect();
        let mut lib = Library::with_bundled(Limits::default());
        let mut targets = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let name = if parts.len() == 1 {
                "case.yaml".to_owned()
            } else {
                format!("case-{}.yaml", i + 1)
            };
            let file = SourceFile::new(name, file_of(part));
            targets.extend(lib.load_source(file, Origin::User));
        }
        let unreadable: Vec<String> = lib
            .user_load_errors()
            .map(|d| render::human(&lib, d))
            .collect();
        assert!(
            unreadable.is_empty(),
            "{}: a case does not load:\n{case}\n{}",
            self.meta().name,
            unreadable.join("\n")
        );
        let mut out = String::new();
        match self.checked {
            Checked::Validation(rule) => {
                for d in rules::check_with(&lib, &targets, &[rule], &catalogue::journey()) {
                    let _ = writeln!(out, "{}", render::human(&lib, &d));
                }
            }
            Checked::Journey(rule) => {
                // `meldroute gaps` only analyses procedures that validate.
                let errors: Vec<String> = catalogue::check(&lib, &targets)
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .map(|d| render::human(&lib, d))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{}: a case does not validate:\n{case}\n{}",
                    rule.meta().name,
                    errors.join("\n")
                );
                let opts = GapOptions {
                    sim: SimOptions {
                        runs: 4000,
                        ..SimOptions::default()
                    },
                    ..GapOptions::default()
                };
                let code = rule.meta().code;
                for f in gaps::analyse(&lib, &targets, &opts, &|m| m.code == code) {
                    out.push_str(&render::human(&lib, &f.diagnostic));
                    let p = &lib.entry(f.entry).procedure;
                    let route: Vec<&str> = f.route.ids(p).collect();
                    let _ = writeln!(out, "route: {}", route.join(" -> "));
                    if let Some(share) = f.share {
                        let _ = writeln!(out, "share: {:.4}", share.value);
                    }
                    if let Some(basis) = &f.basis {
                        let standing = f.standing.map_or("", |s| s.as_str());
                        let _ = writeln!(out, "basis ({standing}): {basis}");
                    }
                    let scopes: Vec<&str> = f.scopes.iter().map(|s| s.as_str()).collect();
                    let _ = writeln!(out, "scopes: {}", scopes.join(", "));
                    let _ = writeln!(out, "rests on: {}", f.rests_on.as_str());
                    if let Some(a) = &f.accepted {
                        let _ = writeln!(out, "accepted: {}", a.reason);
                        if let Some(k) = &a.known_shortcoming {
                            let _ = writeln!(out, "known shortcoming: {}", k.source);
                        }
                    }
                    out.push('\n');
                }
            }
        }
        out
    }
}

fn describe(origin: CaseFrom, kind: &str) -> String {
    match origin {
        CaseFrom::Listed(n) => format!("{kind} case {n}"),
        CaseFrom::Doc(n) => format!("documentation example {n} ({kind})"),
    }
}

/// The `Fails:` and `Passes:` YAML examples of a rule's documentation.
pub(crate) fn doc_examples(doc: &str) -> (Vec<String>, Vec<String>) {
    let (mut fails, mut passes) = (Vec::new(), Vec::new());
    let mut failing = None;
    let mut block: Option<String> = None;
    for line in doc.lines() {
        let line = line.strip_prefix(' ').unwrap_or(line);
        match &mut block {
            Some(text) if line.trim_end() == "```" => {
                match failing {
                    Some(true) => fails.push(std::mem::take(text)),
                    Some(false) => passes.push(std::mem::take(text)),
                    None => {}
                }
                block = None;
            }
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
            None if line.starts_with("```yaml") => block = Some(String::new()),
            None if line.starts_with("Fails") => failing = Some(true),
            None if line.starts_with("Passes") => failing = Some(false),
            None => {}
        }
    }
    (fails, passes)
}

/// `base` with `fragment` applied (see the module documentation).
pub fn splice(base: &str, fragment: &str) -> String {
    let Some(first) = fragment
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    else {
        return base.to_owned();
    };
    let indent = first.len() - first.trim_start().len();
    let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
    match indent {
        0 => {
            let blocks = blocks(fragment, 0);
            let keys: Vec<&str> = blocks.iter().map(|(k, _)| k.as_str()).collect();
            if keys.contains(&"id") && keys.contains(&"steps") {
                return fragment.to_owned();
            }
            for (key, block) in blocks {
                replace_block(&mut lines, 0, 0..usize::MAX, &key, block);
            }
        }
        2 => {
            let (start, _) = block_range(&lines, 0, 0..usize::MAX, "steps")
                .unwrap_or_else(|| panic!("the base has no `steps:`"));
            for (key, block) in blocks(fragment, 2) {
                let end = block_end(&lines, 0, start);
                replace_block(&mut lines, 2, start + 1..end, &key, block);
            }
        }
        _ => {
            panic!("a fragment starts at the top level or with steps indented by two:\n{fragment}")
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The key a line opens at `indent`, if it opens one.
fn key_at(line: &str, indent: usize) -> Option<&str> {
    let rest = line.get(indent..)?;
    if line[..indent].chars().any(|c| c != ' ')
        || rest.starts_with([' ', '#', '-'])
        || rest.trim().is_empty()
    {
        return None;
    }
    rest.split_once(':').map(|(k, _)| k.trim())
}

/// The blocks of `text` at `indent`: each key with its lines.
fn blocks(text: &str, indent: usize) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        match key_at(line, indent) {
            Some(key) => out.push((key.to_owned(), vec![line.to_owned()])),
            None => match out.last_mut() {
                Some((_, block)) => block.push(line.to_owned()),
                None if line.trim().is_empty() => {}
                None => panic!("fragment line outside any key: {line}"),
            },
        }
    }
    out
}

/// The line after the block that opens at `start` (indentation `indent`).
fn block_end(lines: &[String], indent: usize, start: usize) -> usize {
    lines[start + 1..]
        .iter()
        .position(|l| !l.trim().is_empty() && l.len() - l.trim_start().len() <= indent)
        .map_or(lines.len(), |p| start + 1 + p)
}

/// The lines of the block `key` at `indent` within `within`.
fn block_range(
    lines: &[String],
    indent: usize,
    within: std::ops::Range<usize>,
    key: &str,
) -> Option<(usize, usize)> {
    let end = within.end.min(lines.len());
    let start = (within.start..end).find(|&i| key_at(&lines[i], indent) == Some(key))?;
    Some((start, block_end(lines, indent, start).min(end)))
}

/// Replaces the block `key` within `within` by `block`, or adds it at the end.
fn replace_block(
    lines: &mut Vec<String>,
    indent: usize,
    within: std::ops::Range<usize>,
    key: &str,
    block: Vec<String>,
) {
    match block_range(lines, indent, within.clone(), key) {
        Some((start, end)) => {
            lines.splice(start..end, block);
        }
        None => {
            let at = within.end.min(lines.len());
            lines.splice(at..at, block);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_clean_under_every_rule() {
        let mut lib = Library::with_bundled(Limits::default());
        let t = lib
            .load_source(SourceFile::new("base.yaml", BASE), Origin::User)
            .expect("the base loads");
        let diags = catalogue::check(&lib, &[t]);
        assert!(diags.is_empty(), "{diags:#?}");
        let findings = gaps::analyse(&lib, &[t], &GapOptions::default(), &|_| true);
        assert!(findings.is_empty(), "{findings:#?}");
    }

    #[test]
    fn top_level_keys_replace_or_add() {
        let spliced = splice(BASE, "id: test/ander\naccept: []\n");
        assert!(spliced.starts_with("id: test/ander\ntitle: Testmelding\n"));
        assert!(spliced.ends_with("accept: []\n"));
        let spliced = splice(BASE, "actors:\n  melder: {title: Melder, role: reporter}\n");
        assert!(spliced.contains("actors:\n  melder: {title: Melder, role: reporter}\nstart:"));
    }

    #[test]
    fn steps_replace_or_add() {
        let spliced = splice(
            BASE,
            "  bevestiging: {title: B, actor: org, kind: acknowledgement, next: onderzoek}\n  nieuw: {title: N}\n",
        );
        assert!(spliced.contains(
            "  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: B, actor: org, kind: acknowledgement, next: onderzoek}\n  onderzoek:"
        ));
        assert!(spliced.ends_with(
            "onderzoek}}\n  nieuw: {title: N}\nmeldroute: 1\nexternal-information: wbk-art-2\n"
        ));
        assert_eq!(spliced.matches("deadline").count(), 1);
    }

    #[test]
    fn a_fragment_with_id_and_steps_is_a_whole_file() {
        let whole = "id: a/b\nsteps:\n  x: {}\n";
        assert_eq!(splice(BASE, whole), whole);
    }

    #[test]
    fn the_documentation_of_mr000_holds() {
        let (fails, passes) = doc_examples(crate::load::PARSE.doc);
        assert!(!fails.is_empty() && !passes.is_empty());
        let load = |case: &str| {
            let mut lib = Library::new(Limits::default());
            lib.load_source(
                SourceFile::new("case.yaml", splice(BASE, case)),
                Origin::User,
            );
            lib.load_errors().iter().map(|d| d.code).collect::<Vec<_>>()
        };
        for case in &fails {
            assert_eq!(load(case), [crate::load::PARSE_CODE], "{case}");
        }
        for case in &passes {
            assert!(load(case).is_empty(), "{case}");
        }
    }

    #[test]
    fn doc_examples_are_found_in_order() {
        let doc =
            " ### Example\n Fails:\n ```yaml\n id: a\n ```\n Passes:\n ```yaml\n   x: 1\n ```\n";
        let (fails, passes) = doc_examples(doc);
        assert_eq!(fails, ["id: a\n"]);
        assert_eq!(passes, ["  x: 1\n"]);
    }
}
