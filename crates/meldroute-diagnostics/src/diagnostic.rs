//! Findings as data: code, severity, message, help and labelled byte spans.

use std::ops::Range;

use serde::Serialize;

use crate::source::FileId;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not fail validation.
    Warning,
    /// The procedure is wrong; validation fails.
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A byte range in a file, with an optional message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// Byte range within the file (may be empty: a point).
    pub span: Range<usize>,
    /// What this place has to do with the finding.
    pub message: String,
}

/// One finding about a procedure file.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `MR001`.
    pub code: &'static str,
    /// Kebab-case rule name, e.g. `unknown-step`.
    pub name: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where it is.
    pub primary: Label,
    /// Other places that explain it.
    pub secondary: Vec<Label>,
}

impl Diagnostic {
    /// A finding at `span` in `file`.
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            message: message.into(),
            help: None,
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
        }
    }

    /// Adds how to fix it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the message under the primary caret.
    #[must_use]
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds another labelled place.
    #[must_use]
    pub fn with_secondary(
        mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Order for stable output: file, position, code, message.
    pub fn sort_key(&self) -> (FileId, usize, &'static str, &str) {
        (
            self.primary.file,
            self.primary.span.start,
            self.code,
            &self.message,
        )
    }
}

/// Sorts diagnostics into a stable order and drops exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}
