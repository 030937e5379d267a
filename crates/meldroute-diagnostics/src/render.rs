//! Rendering diagnostics: human (source line and caret), short and JSON,
//! and the sanitiser every text from a file passes on its way to a terminal.

use std::fmt::Write as _;

use crate::{Diagnostic, Files, Severity};
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// One finding as JSON.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

/// `file:line:col` of the start of the primary label.
fn locus(files: &dyn Files, d: &Diagnostic) -> (String, usize, usize) {
    let file = files.file(d.primary.file);
    let (line, col) = file.line_column(d.primary.span.start);
    (file.name().to_owned(), line, col)
}

/// Text from a procedure file made safe for a terminal: control characters
/// (escape sequences, carriage returns) and the bidirectional overrides and
/// isolates that could make a line read differently from what it holds
/// become U+FFFD, tabs a space.
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

/// `file:line:col: severity[CODE]: message`.
pub fn short(files: &dyn Files, d: &Diagnostic) -> String {
    let (name, line, col) = locus(files, d);
    format!(
        "{}:{line}:{col}: {}[{}]: {}",
        inert(&name),
        d.severity.as_str(),
        d.code,
        inert(&d.message)
    )
}

/// The short line, then each label's source line with carets, then help.
pub fn human(files: &dyn Files, d: &Diagnostic) -> String {
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
            let _ = writeln!(out, " {}", inert(&label.message));
        }
    }
    if let Some(help) = &d.help {
        let _ = writeln!(out, "{:gutter$} = help: {}", "", inert(help));
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
        message: &d.message,
        help: d.help.as_deref(),
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
