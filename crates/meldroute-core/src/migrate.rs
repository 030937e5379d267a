//! Bringing a procedure file to this meldroute's format version
//! ([`FORMAT_VERSION`]), as `meldroute migrate` does: a chain of steps, each
//! from one version to the next, each an edit of the text (never a
//! re-serialisation), so that comments, order, quoting and line endings stay
//! as the file has them. How versions evolve, and what a new version must
//! come with, is docs/decisions/0009-format-versions.md.

use crate::load::{self, Limits};
use crate::source::{FileId, SourceFile};
use crate::version::{FORMAT_VERSION, KEY, version_line};

/// One step of the chain: it takes a file written as version `from` to
/// version `from + 1`. Version 0 stands for a file without `meldroute:`,
/// which is read as version 1: the step from 0 adds the line.
pub struct Step {
    /// The version the step starts from (0: no `meldroute:` line).
    pub from: u32,
    /// What the step changes, for the user: "added `meldroute: 1`".
    pub what: &'static str,
    /// The edit: the text of a file at `from` (without its byte order mark)
    /// to the text at `from + 1`, or why this file cannot be edited so.
    pub apply: fn(&str) -> Result<String, String>,
}

/// Every step, in order: `STEPS[n]` goes from version `n` to `n + 1`, up
/// to [`FORMAT_VERSION`] (a test holds this).
pub static STEPS: &[Step] = &[Step {
    from: 0,
    what: "added `meldroute: 1`",
    apply: add_version_line,
}];

/// What [`migrate`] did to a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Migrated {
    /// The file is at [`FORMAT_VERSION`] already: nothing to change.
    Current,
    /// The file's new text, with what each step changed, in order.
    Changed {
        /// The version the file was written as (`None`: no `meldroute:`).
        from: Option<u32>,
        /// The whole new text, byte order mark and line endings kept.
        text: String,
        /// What each step changed ([`Step::what`]).
        changes: Vec<&'static str>,
    },
}

/// The text of `source`, a file the user named that loaded as `procedure`
/// (with `limits`), brought to [`FORMAT_VERSION`] by the chain of
/// [`STEPS`]. The result must load too, as `meldroute: FORMAT_VERSION`;
/// if a step cannot edit the file (its top level written as a flow map,
/// say) or the result would not load, the error says why and how to do it
/// by hand, and nothing is changed.
pub fn migrate(
    source: &SourceFile,
    written: Option<u32>,
    limits: &Limits,
) -> Result<Migrated, String> {
    let start = written.unwrap_or(0);
    if start >= FORMAT_VERSION {
        // The loader refuses newer versions.
        return Ok(Migrated::Current);
    }
    let (bom, mut text) = match source.text().strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest.to_owned()),
        None => ("", source.text().to_owned()),
    };
    let mut changes = Vec::new();
    for step in STEPS.iter().skip(start as usize) {
        text = (step.apply)(&text)?;
        changes.push(step.what);
    }
    let text = format!("{bom}{text}");
    let check = SourceFile::new(source.name(), text.as_str());
    let migrated = if crate::scenario::is_scenario(&text) {
        crate::scenario::parse(&check, FileId::new(0), limits).map(|s| s.format_version)
    } else if crate::caseload::is_caseload(&text) {
        crate::caseload::parse(&check, FileId::new(0), limits).map(|c| c.format_version)
    } else {
        load::parse_procedure(&check, FileId::new(0), limits).map(|p| p.format_version)
    };
    match migrated.map(|v| v.map(|v| v.0)) {
        Ok(Some(FORMAT_VERSION)) => Ok(Migrated::Changed {
            from: written,
            text,
            changes,
        }),
        _ => Err(format!(
            "the file would not read as format version {FORMAT_VERSION} after the change; add `{}` by hand, as its first key",
            version_line()
        )),
    }
}

/// The line break a text uses: that of its first line (`\n` without one).
fn line_break(text: &str) -> &'static str {
    match text.find(['\n', '\r']) {
        Some(at) if text[at..].starts_with("\r\n") => "\r\n",
        Some(at) if text[at..].starts_with('\r') => "\r",
        _ => "\n",
    }
}

/// The step from 0 to 1: adds `meldroute: 1` as the first key, after the
/// comment lines the file starts with (its header, such as the
/// `# yaml-language-server:` line) and after a `---` document start, with
/// the indentation of the key it comes before, ending in the file's line
/// break.
fn add_version_line(text: &str) -> Result<String, String> {
    let eol = line_break(text);
    let split = if eol == "\r" { '\r' } else { '\n' };
    let mut lines = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive(split) {
        lines.push((at, line));
        at += line.len();
    }
    let body = |line: &str| line.trim_end_matches(['\r', '\n']).trim_start().to_owned();
    // After the leading comments.
    let header = lines
        .iter()
        .take_while(|(_, l)| body(l).starts_with('#'))
        .count();
    let mut insert = header;
    // After a `---` that comes before the first key (directives, blank
    // lines and comments may come between).
    let rest = lines[header..]
        .iter()
        .position(|(_, l)| {
            let b = body(l);
            !(b.is_empty() || b.starts_with('#') || b.starts_with('%'))
        })
        .map(|p| header + p);
    let mut first = rest;
    if let Some(i) = rest {
        let b = body(lines[i].1);
        if b == "---" || b.starts_with("--- #") || b.starts_with("---\t#") {
            insert = i + 1;
            first = lines[insert..]
                .iter()
                .position(|(_, l)| {
                    let b = body(l);
                    !(b.is_empty() || b.starts_with('#'))
                })
                .map(|p| insert + p);
        }
    }
    let Some(first) = first else {
        return Err("the file holds no key to put the version before".to_owned());
    };
    let key_line = lines[first].1;
    let content = key_line.trim_start();
    if content.starts_with(['{', '[', '-']) || content.starts_with("? ") {
        return Err(format!(
            "the top level of the file is not written as one `key: value` per line; add `{KEY}: {FORMAT_VERSION}` to it by hand"
        ));
    }
    let indent = &key_line[..key_line.len() - content.len()];
    // A key follows: the line `insert` exists.
    let offset = lines.get(insert).map_or(text.len(), |(at, _)| *at);
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..offset]);
    out.push_str(indent);
    out.push_str(&version_line());
    out.push_str(eol);
    out.push_str(&text[offset..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_chain_up_to_the_format_version() {
        for (n, step) in STEPS.iter().enumerate() {
            assert_eq!(
                step.from as usize, n,
                "STEPS[{n}] starts from {}",
                step.from
            );
        }
        assert_eq!(STEPS.len() as u32, FORMAT_VERSION);
    }

    #[test]
    fn the_version_line_goes_first_after_the_header() {
        let add = |text: &str| add_version_line(text).expect("added");
        assert_eq!(add("id: a\n"), "meldroute: 1\nid: a\n");
        assert_eq!(
            add("# yaml-language-server: $schema=x\n# b\n\n# c\nid: a\n"),
            "# yaml-language-server: $schema=x\n# b\nmeldroute: 1\n\n# c\nid: a\n"
        );
        assert_eq!(add("# a\nid: a\n"), "# a\nmeldroute: 1\nid: a\n");
        assert_eq!(
            add("# a\n%YAML 1.2\n---\n# b\nid: a\n"),
            "# a\n%YAML 1.2\n---\nmeldroute: 1\n# b\nid: a\n"
        );
        assert_eq!(
            add("--- # start\nid: a\n"),
            "--- # start\nmeldroute: 1\nid: a\n"
        );
        assert_eq!(
            add("  id: a\n  title: b\n"),
            "  meldroute: 1\n  id: a\n  title: b\n"
        );
        assert_eq!(add("# a\r\nid: a\r\n"), "# a\r\nmeldroute: 1\r\nid: a\r\n");
        assert_eq!(add("# a\rid: a\r"), "# a\rmeldroute: 1\rid: a\r");
        assert_eq!(add("id: a"), "meldroute: 1\nid: a");
    }

    #[test]
    fn a_top_level_not_written_key_by_key_is_left_to_the_user() {
        for text in ["{id: a}\n", "# a\n[a]\n", "- a\n", "? id\n: a\n", "# a\n"] {
            assert!(add_version_line(text).is_err(), "{text}");
        }
    }

    #[test]
    fn line_breaks_are_those_of_the_first_line() {
        assert_eq!(line_break("a\r\nb\n"), "\r\n");
        assert_eq!(line_break("a\nb\r\n"), "\n");
        assert_eq!(line_break("a\rb"), "\r");
        assert_eq!(line_break("a"), "\n");
    }

    /// `text` loaded and migrated.
    fn run(text: &str) -> Result<Migrated, String> {
        let limits = Limits::default();
        let source = SourceFile::new("m.yaml", text);
        let procedure =
            load::parse_procedure(&source, FileId::new(0), &limits).expect("the file loads");
        migrate(
            &source,
            procedure.format_version.as_ref().map(|v| v.0),
            &limits,
        )
    }

    #[test]
    fn migrates_a_file_without_a_version_keeping_its_bytes() {
        let base = crate::tester::BASE.replace("meldroute: 1\n", "");
        let text = format!("\u{feff}# kop\r\n{}", base.replace('\n', "\r\n"));
        let Ok(Migrated::Changed {
            from,
            text: new,
            changes,
        }) = run(&text)
        else {
            panic!("a file without a version changes");
        };
        assert_eq!(from, None);
        assert_eq!(changes, ["added `meldroute: 1`"]);
        assert_eq!(
            new,
            text.replacen("# kop\r\n", "# kop\r\nmeldroute: 1\r\n", 1)
        );
        assert!(new.starts_with('\u{feff}'));
        assert_eq!(run(&new), Ok(Migrated::Current));
        assert_eq!(run(crate::tester::BASE), Ok(Migrated::Current));
    }

    #[test]
    fn refuses_a_file_the_edit_would_break() {
        let base = crate::tester::BASE.replace("meldroute: 1\n", "");
        // A top-level flow map: the line cannot go before it.
        let flow = "{id: test/x, title: T, organisation: O, kind: advice, sources: {}, actors: {m: {title: M, role: reporter}}, start: a, steps: {a: {title: A, actor: m, kind: advice, outcome: closed}}}\n";
        let err = run(flow).expect_err("refused");
        assert!(err.contains("by hand"), "{err}");
        assert!(run(&base).is_ok());
    }
}
