//! Findings as data: code, severity, message, help and labelled byte spans
//! (from `meldroute-diagnostics`, which also renders them).

pub use meldroute_diagnostics::{Diagnostic, Label, Severity, sort};
