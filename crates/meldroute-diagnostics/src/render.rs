//! Rendering diagnostics: their texts put into words ([`message`],
//! [`help`], [`label`]: the templates filled with the finding's arguments),
//! human (source line and caret), short and JSON, and the sanitiser every
//! text from a file passes on its way to a terminal.

use std::fmt::Write as _;

use crate::{Arg, Diagnostic, Files, Label, Severity};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// One finding as JSON, its message and help in words.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct JsonDiagnostic<'a> {
    /// The file, as named on the command line (`bundled:…` for ours).
    pub file: &'a str,
    /// Line of the start, from 1.
    pub line: usize,
    /// Column of the start, from 1, in characters.
    pub column: usize,
    /// Line of the end, from 1.
    pub end_line: usize,
    /// Column of the end, from 1, in characters.
    pub end_column: usize,
    /// Rule code, e.g. `MR007`.
    pub code: &'static str,
    /// Rule name, e.g. `branch-probability`.
    pub name: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in words.
    pub message: String,
    /// How to fix it, in words.
    pub help: Option<String>,
}

/// The finding's message in words.
pub fn message(d: &Diagnostic) -> String {
    fill(&d.message, &d.args)
}

/// The finding's help in words, if it has help.
pub fn help(d: &Diagnostic) -> Option<String> {
    d.help.as_deref().map(|h| fill(h, &d.args))
}

/// The text of one of the finding's labels (primary or secondary) in words.
pub fn label(d: &Diagnostic, label: &Label) -> String {
    fill(&label.message, &d.args)
}

/// One argument in words. Text from a file passes through [`inert`].
pub fn arg(arg: &Arg) -> String {
    match arg {
        Arg::Share(share) => format!("{:.1}%", share * 100.0),
        Arg::Estimate { share, low, high } => format!(
            "{:.1}% (95% CI {:.1}-{:.1}%)",
            share * 100.0,
            low * 100.0,
            high * 100.0
        ),
        Arg::Days(days) => days_or_weeks(*days),
        Arg::Count(n) => n.to_string(),
        Arg::Number(x) => x.to_string(),
        Arg::Difference(x) => format!("{x:+}"),
        Arg::Id(id) => code(id),
        Arg::Ids { shown, more } => {
            let listed: Vec<String> = shown.iter().map(|id| code(id)).collect();
            match more {
                0 if listed.is_empty() => "none".to_owned(),
                0 => listed.join(", "),
                more => format!("{} and {more} more", listed.join(", ")),
            }
        }
        Arg::OneOf(words) => inert(&words.join(" or ")),
        Arg::Title(title) => format!("'{}'", inert(title)),
        Arg::Text(text) => inert(text),
    }
}

/// An id as code.
fn code(id: &str) -> String {
    format!("`{}`", inert(id))
}

/// Days below two weeks, weeks with one decimal from two weeks on.
fn days_or_weeks(days: f64) -> String {
    if days < 14.0 {
        format!("{days:.0} days")
    } else {
        format!("{:.1} weeks", days / 7.0)
    }
}

/// `template` with each `{name}` whose `name` is one of `args` replaced by
/// that argument in words ([`arg`]). Other braces (YAML such as
/// `{procedure: <id>}`) stay as they are, and so does a placeholder without
/// an argument, which is a mistake in the rule that made the finding:
/// debug builds (and so every test) panic on one, see [`unfilled`].
pub fn fill(template: &str, args: &[(&'static str, Arg)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        match placeholder(rest) {
            Some(name) => {
                let found = args.iter().find(|(n, _)| *n == name);
                debug_assert!(
                    found.is_some(),
                    "placeholder {{{name}}} has no argument in {template:?}"
                );
                match found {
                    Some((_, a)) => out.push_str(&arg(a)),
                    None => out.push_str(&rest[..name.len() + 2]),
                }
                rest = &rest[name.len() + 2..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders of `template` that none of `args` fills.
pub fn unfilled<'t>(template: &'t str, args: &[(&'static str, Arg)]) -> Vec<&'t str> {
    template
        .match_indices('{')
        .filter_map(|(at, _)| placeholder(&template[at..]))
        .filter(|name| !args.iter().any(|(n, _)| n == name))
        .collect()
}

/// The name of the placeholder `text` starts with: `{` and `}` around a
/// lowercase ASCII letter followed by letters, digits and `_`.
fn placeholder(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('{')?;
    let end = inner.find('}')?;
    let name = &inner[..end];
    let mut chars = name.chars();
    (chars.next()?.is_ascii_lowercase()
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    .then_some(name)
}

/// `file:line:col` of the start of the primary label.
fn locus(files: &dyn Files, d: &Diagnostic) -> (String, usize, usize) {
    let file = files.file(d.primary.file);
    let (line, col) = file.line_column(d.primary.span.start);
    (file.name().to_owned(), line, col)
}

/// Text made safe for a terminal, the one sanitiser of everything
/// meldroute prints as text: every character that is not what it shows
/// becomes U+FFFD, tabs a space. That is control characters (escape
/// sequences, carriage returns, line breaks: use [`write_inert_lines`] for text
/// of several lines), bidirectional marks, overrides and isolates (a line
/// that reads differently from what it holds), zero-width and other
/// invisible characters, the byte order mark, line and paragraph
/// separators, tag characters and Unicode non-characters (two names that
/// look the same but differ).
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if hidden(c) => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// [`inert`] for text of several lines, written to `w` a line at a time
/// (no copy of the whole text): line breaks stay, everything else on each
/// line is made inert. Standard output and standard error are written
/// through it.
pub fn write_inert_lines(w: &mut dyn std::io::Write, text: &str) -> std::io::Result<()> {
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(inert(line).as_bytes())?;
    }
    Ok(())
}

/// A character a terminal does not show as itself (see [`inert`]): a
/// control character, a Unicode default-ignorable code point
/// (DerivedCoreProperties.txt: zero-width characters, bidirectional
/// marks and controls, fillers, variation selectors, tags, …), another
/// format character (category Cf), a line or paragraph separator, an
/// interlinear annotation or a non-character.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Default_Ignorable_Code_Point.
            '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
            | '\u{fff0}'..='\u{fff8}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
            // Other format characters (Cf): number signs and marks that
            // join what follows, Egyptian hieroglyph format controls.
            | '\u{600}'..='\u{605}' | '\u{6dd}' | '\u{70f}' | '\u{890}' | '\u{891}' | '\u{8e2}'
            | '\u{110bd}' | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            // Line and paragraph separators.
            | '\u{2028}' | '\u{2029}'
            // Interlinear annotation.
            | '\u{fff9}'..='\u{fffb}'
            // Non-characters.
            | '\u{fdd0}'..='\u{fdef}'
        )
        || (c as u32 & 0xfffe) == 0xfffe
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `file:line:col: severity[CODE]: message`.
pub fn short(files: &dyn Files, d: &Diagnostic) -> String {
    let (name, line, col) = locus(files, d);
    format!(
        "{}:{line}:{col}: {}[{}]: {}",
        inert(&name),
        d.severity.as_str(),
        d.code,
        inert(&message(d))
    )
}

/// The short line, then each label's source line with carets, then help.
pub fn human(files: &dyn Files, d: &Diagnostic) -> String {
    human_with_notes(files, d, &[])
}

/// [`human`] with more `= name: text` lines after the help and before the
/// rule line (for example a gap finding's route and share); each text is
/// passed through [`inert`].
pub fn human_with_notes(files: &dyn Files, d: &Diagnostic, notes: &[(&str, String)]) -> String {
    let mut out = short(files, d);
    out.push('\n');
    let mut labels = vec![(&d.primary, true)];
    labels.extend(d.secondary.iter().map(|l| (l, false)));
    let gutter = labels
        .iter()
        .map(|(l, _)| {
            files
                .file(l.file)
                .line_column(l.span.start)
                .0
                .to_string()
                .len()
        })
        .max()
        .unwrap_or(1);
    for (label, primary) in labels {
        let file = files.file(label.file);
        let (line, _) = file.line_column(label.span.start);
        let text = file.line_text(line);
        if !primary {
            let (_, col) = file.line_column(label.span.start);
            let _ = writeln!(out, "{:gutter$}--> {}:{line}:{col}", "", inert(file.name()));
        }
        // The label's bytes within the shown line (a label may start in the
        // line ending, or run past it).
        let line_start = file.line_start(line);
        let start = char_floor(text, label.span.start.saturating_sub(line_start));
        let end = char_floor(text, label.span.end.saturating_sub(line_start)).max(start);
        let (text, pad, carets) = window(text, start, end);
        let mark = if primary { '^' } else { '-' };
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line:>gutter$} | {text}");
        let _ = write!(
            out,
            "{:gutter$} | {:pad$}{}",
            "",
            "",
            mark.to_string().repeat(carets)
        );
        if label.message.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, " {}", inert(&self::label(d, label)));
        }
    }
    if let Some(help) = help(d) {
        let _ = writeln!(out, "{:gutter$} = help: {}", "", inert(&help));
    }
    for (name, text) in notes {
        let _ = writeln!(out, "{:gutter$} = {name}: {}", "", inert(text));
    }
    let _ = writeln!(
        out,
        "{:gutter$} = rule: {} (meldroute rules {})",
        "", d.name, d.code
    );
    out
}

/// Longest source line shown; longer lines are cut around the caret.
const MAX_SHOWN: usize = 100;

/// The part of `line` to show, the caret's offset in display columns, and
/// the number of carets, for the byte range `start..end` within the line.
fn window(line: &str, start: usize, end: usize) -> (String, usize, usize) {
    let clean = inert;
    let carets = line[start..end].width().clamp(1, MAX_SHOWN / 2);
    if line.width() <= MAX_SHOWN {
        return (clean(line), clean(&line[..start]).width(), carets);
    }
    // Keep about 30 columns before the caret.
    let mut from = start;
    let mut skipped = 0;
    for (i, c) in line[..start].char_indices().rev() {
        if skipped >= 30 {
            break;
        }
        from = i;
        skipped += c.to_string().width();
    }
    let mut shown = String::new();
    if from > 0 {
        shown.push('…');
    }
    let pad = shown.width() + clean(&line[from..start]).width();
    for c in line[from..].chars() {
        if shown.width() >= MAX_SHOWN {
            shown.push('…');
            break;
        }
        shown.push(c);
    }
    (clean(&shown), pad, carets)
}

/// Bytes from the start of the line to `at`.
/// `at`, clamped to `text` and moved back to a character boundary.
fn char_floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The JSON form of a finding.
pub fn json<'a>(files: &'a dyn Files, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let file = files.file(d.primary.file);
    let (line, column) = file.line_column(d.primary.span.start);
    let (end_line, end_column) = file.line_column(d.primary.span.end);
    JsonDiagnostic {
        file: file.name(),
        line,
        column,
        end_line,
        end_column,
        code: d.code,
        name: d.name,
        severity: d.severity,
        message: message(d),
        help: help(d),
    }
}

/// "2 errors and 1 warning" / "no problems".
pub fn counts(diags: &[Diagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_owned(),
        (e, 0) => plural(e, "error"),
        (0, w) => plural(w, "warning"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;

    struct One(SourceFile);
    impl Files for One {
        fn file(&self, _: crate::FileId) -> &SourceFile {
            &self.0
        }
    }

    fn finding(message: &str) -> Diagnostic {
        Diagnostic::new(
            "MR999",
            "test",
            Severity::Warning,
            crate::FileId::new(0),
            0..2,
            message,
        )
    }

    #[test]
    fn nothing_that_hides_or_moves_text_reaches_a_terminal() {
        for c in [
            '\u{1b}',
            '\r',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{ad}',
            '\u{200b}',
            '\u{200d}',
            '\u{200e}',
            '\u{200f}',
            '\u{2028}',
            '\u{2029}',
            '\u{202e}',
            '\u{2066}',
            '\u{2069}',
            '\u{2060}',
            '\u{feff}',
            '\u{fff9}',
            '\u{fdd0}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{e0041}',
            '\u{3164}',
            '\u{61c}',
        ] {
            assert_eq!(inert(&format!("a{c}b")), "a\u{fffd}b", "U+{:04X}", c as u32);
        }
        // What shows as itself stays: letters with accents, other scripts,
        // typographic spaces and quotes.
        let plain = "Özütok · Ĳssel — «citaat» \u{202f}€ 漢字 עברית";
        assert_eq!(inert(plain), plain);
        assert_eq!(inert("a\tb\nc"), "a b\u{fffd}c");
        let mut lines = Vec::new();
        write_inert_lines(&mut lines, "a\u{1b}[2J\nb\u{200b}").expect("written");
        assert_eq!(
            String::from_utf8(lines).expect("UTF-8"),
            "a\u{fffd}[2J\nb\u{fffd}"
        );
    }

    #[test]
    fn a_share_is_a_percentage_with_one_decimal() {
        let d = finding("{share} of journeys").with_arg("share", Arg::Share(0.145));
        assert_eq!(message(&d), "14.5% of journeys");
        assert_eq!(arg(&Arg::Share(1.0)), "100.0%");
        assert_eq!(arg(&Arg::Share(0.0)), "0.0%");
        let e = Arg::Estimate {
            share: 0.145,
            low: 0.1412,
            high: 0.1489,
        };
        assert_eq!(arg(&e), "14.5% (95% CI 14.1-14.9%)");
    }

    #[test]
    fn days_below_two_weeks_weeks_from_two_weeks() {
        assert_eq!(arg(&Arg::Days(7.0)), "7 days");
        assert_eq!(arg(&Arg::Days(13.0)), "13 days");
        assert_eq!(arg(&Arg::Days(0.0)), "0 days");
        assert_eq!(arg(&Arg::Days(-2.0)), "-2 days");
        assert_eq!(arg(&Arg::Days(14.0)), "2.0 weeks");
        assert_eq!(arg(&Arg::Days(42.0)), "6.0 weeks");
        assert_eq!(arg(&Arg::Days(91.3125)), "13.0 weeks");
    }

    #[test]
    fn counts_numbers_and_lists() {
        assert_eq!(arg(&Arg::Count(3)), "3");
        assert_eq!(arg(&Arg::Number(0.25)), "0.25");
        assert_eq!(arg(&Arg::Number(1.5)), "1.5");
        assert_eq!(arg(&Arg::Difference(0.1)), "+0.1");
        assert_eq!(arg(&Arg::Difference(-0.25)), "-0.25");
        assert_eq!(arg(&Arg::ids(["a", "b"])), "`a`, `b`");
        assert_eq!(arg(&Arg::ids(Vec::<&str>::new())), "none");
        let many: Vec<String> = (0..11).map(|i| format!("s{i}")).collect();
        assert_eq!(
            arg(&Arg::ids(&many)),
            "`s0`, `s1`, `s2`, `s3`, `s4`, `s5`, `s6`, `s7` and 3 more"
        );
        assert_eq!(arg(&Arg::OneOf(vec!["a".into(), "b".into()])), "a or b");
        assert_eq!(arg(&Arg::Title("Onderzoek".into())), "'Onderzoek'");
    }

    #[test]
    fn ids_are_code_and_inert() {
        let d = finding("step {step} is a dead end")
            .with_arg("step", Arg::id("a\u{1b}[31m\u{202e}b\tc"));
        assert_eq!(message(&d), "step `a\u{fffd}[31m\u{fffd}b c` is a dead end");
        let title = arg(&Arg::Title("x\r\ny".into()));
        assert_eq!(title, "'x\u{fffd}\u{fffd}y'");
        assert_eq!(arg(&Arg::text("Wbk\u{7}")), "Wbk\u{fffd}");
    }

    #[test]
    fn other_braces_are_kept() {
        let d = finding("{step}: add `escalate: {procedure: <id>}` or `next: [{to, p}]` {")
            .with_arg("step", Arg::id("x"));
        assert_eq!(
            message(&d),
            "`x`: add `escalate: {procedure: <id>}` or `next: [{to, p}]` {"
        );
        // An argument's words are not filled again.
        let d = finding("{a} {b}")
            .with_arg("a", Arg::id("{b}"))
            .with_arg("b", Arg::Count(2));
        assert_eq!(message(&d), "`{b}` 2");
        assert!(unfilled("{Upper} {with space} {} {a-b} {{", &[]).is_empty());
    }

    #[test]
    fn help_and_labels_are_filled_too() {
        let files = One(SourceFile::new("a.yaml", "ab\n"));
        let d = finding("step {step}")
            .with_arg("step", Arg::id("ab"))
            .with_arg("share", Arg::Share(0.5))
            .with_label("{share} here")
            .with_secondary(crate::FileId::new(0), 1..2, "and {step}")
            .with_help("look at {step}");
        assert_eq!(help(&d).as_deref(), Some("look at `ab`"));
        assert_eq!(label(&d, &d.primary), "50.0% here");
        let human = human(&files, &d);
        assert!(human.contains("^^ 50.0% here\n"), "{human}");
        assert!(human.contains("- and `ab`\n"), "{human}");
        assert!(human.contains("= help: look at `ab`\n"), "{human}");
        let json = json(&files, &d);
        assert_eq!(json.message, "step `ab`");
        assert_eq!(json.help.as_deref(), Some("look at `ab`"));
    }

    #[test]
    fn an_argument_set_twice_is_replaced() {
        let d = finding("{n}")
            .with_arg("n", Arg::Count(1))
            .with_arg("n", Arg::Count(2));
        assert_eq!(d.args.len(), 1);
        assert_eq!(message(&d), "2");
    }

    #[test]
    fn a_placeholder_without_an_argument_is_found() {
        let args = [("step", Arg::id("x"))];
        assert_eq!(
            unfilled("{step} and {stpe}, {share}", &args),
            ["stpe", "share"]
        );
        assert!(unfilled("{step} `{procedure: <id>}`", &args).is_empty());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "placeholder {stpe} has no argument")]
    fn filling_a_placeholder_without_an_argument_panics_in_tests() {
        let d = finding("step {stpe}").with_arg("step", Arg::id("x"));
        let _ = message(&d);
    }

    #[test]
    #[cfg(not(debug_assertions))]
    fn a_placeholder_without_an_argument_stays_in_release_builds() {
        let d = finding("step {stpe}").with_arg("step", Arg::id("x"));
        assert_eq!(message(&d), "step {stpe}");
    }
}
