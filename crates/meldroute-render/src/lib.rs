//! meldroute-render: diagrams of procedures for memos and meetings. The
//! graph view builds a Graphviz DOT tree (graphviz-rust) with one swimlane
//! per actor, or per procedure when escalations are followed. Findings are
//! rendered by [`diagnostics`] (from `meldroute-diagnostics`).

// Input and the environment must never panic the program: no `unwrap` or
// `expect` outside tests (CI runs clippy with `-D warnings`).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod dot;
/// Findings for a terminal (short and rich) and as JSON.
pub use meldroute_diagnostics::render as diagnostics;
pub mod journey;
pub mod plot;
pub mod report;
pub mod text;

pub use dot::{GraphOptions, RenderError, graph, print, render_with_dot};
