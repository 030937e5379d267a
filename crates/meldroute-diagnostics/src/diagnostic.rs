//! Findings as data: code, severity, message, help and labelled byte spans.
//!
//! The message, help and label texts are templates: fixed words with
//! `{name}` placeholders for the finding's named [`Arg`]s (ids, shares,
//! durations, counts). The renderer (`crate::render`) puts the arguments
//! into words, so that no figure is formatted where findings are made.

use std::ops::Range;

use serde::Serialize;

use crate::source::FileId;

/// How bad a finding is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
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

/// A value a finding's texts refer to by name (`{share}`), put into words by
/// the renderer ([`crate::render::arg`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Arg {
    /// A share of journeys, from 0 to 1: "14.5%".
    Share(f64),
    /// A simulated share of journeys with its 95% confidence interval:
    /// "14.5% (95% CI 14.1-14.9%)".
    Estimate {
        /// The share.
        share: f64,
        /// The interval's lower bound.
        low: f64,
        /// Its upper bound.
        high: f64,
    },
    /// A duration in days: "13 days" below two weeks, "6.0 weeks" from two
    /// weeks on.
    Days(f64),
    /// A count: "3".
    Count(u64),
    /// A number as the file writes it, or as computed from it (a branch
    /// probability, their sum), in full: "0.25", "1.1".
    Number(f64),
    /// A signed difference, with its sign: "+0.1", "-0.25".
    Difference(f64),
    /// An id, key or other name from a procedure file (or a snippet of one),
    /// shown as code: "`melding`".
    Id(String),
    /// Ids shown as code, comma-separated: "`a`, `b` and 3 more", or "none"
    /// when there are none. Findings keep only the first few ids
    /// ([`Arg::ids`]); `more` counts the others.
    Ids {
        /// The ids shown.
        shown: Vec<String>,
        /// How many more there are.
        more: u64,
    },
    /// Alternatives, such as kinds of step, any one of which would do,
    /// shown as they are: "acknowledgement or intake".
    OneOf(Vec<String>),
    /// A title from a procedure file, quoted: "'Onderzoek'".
    Title(String),
    /// Text shown as it is: a legal basis, a norm, a file name, a parser's
    /// or a distribution's explanation.
    Text(String),
}

impl Arg {
    /// Most ids an [`Arg::Ids`] keeps: a file with thousands of steps must
    /// not make every finding about it hold (and print) them all.
    pub const MAX_IDS: usize = 8;

    /// [`Arg::Ids`] of `ids`, keeping the first [`Arg::MAX_IDS`].
    pub fn ids<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> Self {
        let mut shown = Vec::new();
        let mut more = 0;
        for id in ids {
            if shown.len() < Self::MAX_IDS {
                shown.push(id.as_ref().to_owned());
            } else {
                more += 1;
            }
        }
        Arg::Ids { shown, more }
    }

    /// [`Arg::Id`] of `id`.
    pub fn id(id: impl Into<String>) -> Self {
        Arg::Id(id.into())
    }

    /// [`Arg::Text`] of `text`.
    pub fn text(text: impl Into<String>) -> Self {
        Arg::Text(text.into())
    }
}

/// A byte range in a file, with an optional message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// Byte range within the file (may be empty: a point).
    pub span: Range<usize>,
    /// What this place has to do with the finding: a template, filled with
    /// the finding's arguments ([`crate::render::label`]).
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
    /// What is wrong, in one line: a template whose `{name}` placeholders
    /// are `args` ([`crate::render::message`] fills it).
    pub message: String,
    /// How to fix it: a template like `message` ([`crate::render::help`]).
    pub help: Option<String>,
    /// Where it is.
    pub primary: Label,
    /// Other places that explain it.
    pub secondary: Vec<Label>,
    /// The values the texts name, each once: `("step", Arg::Id(..))` fills
    /// `{step}` in the message, the help and the labels.
    pub args: Vec<(&'static str, Arg)>,
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
            args: Vec::new(),
        }
    }

    /// Sets the argument `name` (replacing one of that name), which fills
    /// `{name}` in the message, the help and the labels.
    #[must_use]
    pub fn with_arg(mut self, name: &'static str, arg: Arg) -> Self {
        match self.args.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => *old = arg,
            None => self.args.push((name, arg)),
        }
        self
    }

    /// The argument `name`.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
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

    /// Order for stable output: file, position, code, rendered message (so
    /// that findings at one place read in alphabetical order, whatever
    /// order their rule found them in).
    pub fn sort_key(&self) -> (FileId, usize, &'static str, String) {
        (
            self.primary.file,
            self.primary.span.start,
            self.code,
            crate::render::message(self),
        )
    }
}

/// Sorts diagnostics into a stable order and drops exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by_cached_key(Diagnostic::sort_key);
    diagnostics.dedup();
}
