//! meldroute-diagnostics: the text of loaded files, findings as data (code,
//! severity, message, help and labelled byte spans), and their rendering
//! for a terminal (short and rich, with the source line and carets) and as
//! JSON.
//!
//! A finding's texts are templates with `{name}` placeholders for its
//! named arguments ([`Arg`]: ids, shares of journeys, durations, counts);
//! only the renderer puts them into words ([`render::message`],
//! [`render::help`], [`render::label`]), so the crates that find problems
//! format no figure and a rendering in another language needs no change
//! to them.
//!
//! It sits below `meldroute-core`, which finds the problems, and is
//! re-exported by `meldroute-render` for programs that show them. Keeping
//! the renderer here lets every rule's own tests snapshot exactly what a
//! user sees (`docs/decisions/0006-diagnostics-crate.md`).
//!
//! ```
//! use meldroute_diagnostics::{Arg, Diagnostic, FileId, Files, Severity, SourceFile, render};
//!
//! struct One(SourceFile);
//! impl Files for One {
//!     fn file(&self, _: FileId) -> &SourceFile { &self.0 }
//! }
//! let files = One(SourceFile::new("a.yaml", "id: x\nstart: melding\n"));
//! let d = Diagnostic::new("MR012", "missing-start", Severity::Error, FileId::new(0), 13..20, "no step {step}")
//!     .with_arg("step", Arg::id("melding"))
//!     .with_help("name a step of `steps`");
//! assert_eq!(render::message(&d), "no step `melding`");
//! assert_eq!(render::short(&files, &d), "a.yaml:2:8: error[MR012]: no step `melding`");
//! ```

mod diagnostic;
mod lang;
pub mod render;
mod source;

pub use diagnostic::{Arg, Diagnostic, Label, Severity, sort};
pub use lang::Lang;
pub use source::{FileId, Pos, SourceFile};

/// Code of the findings that are not a rule's: files that do not parse or
/// do not fit the format.
pub const PARSE_CODE: &str = "MR000";

/// Where diagnostics find the files their labels point into.
pub trait Files {
    /// The file with this id.
    fn file(&self, id: FileId) -> &SourceFile;
}
