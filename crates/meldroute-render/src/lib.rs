//! meldroute-render: diagrams of procedures for memos and meetings. The
//! graph view builds a Graphviz DOT tree (graphviz-rust) with one swimlane
//! per actor, or per procedure when escalations are followed. Findings are
//! rendered by [`diagnostics`] (from `meldroute-diagnostics`).

pub mod caseload;
pub mod dot;
pub mod eventlog;
pub mod figures;
pub mod font;
pub use meldroute_diagnostics::Lang;
/// Findings for a terminal (short and rich) and as JSON.
pub use meldroute_diagnostics::render as diagnostics;
pub mod journey;
pub mod layout;
pub mod paper;
pub mod plot;
pub mod provenance;
pub mod report;
pub mod routemap;
pub mod sensitivity;
pub mod table;
pub mod text;
pub mod words;

pub use dot::{
    DEFAULT_DOT_TIMEOUT, GraphOptions, RenderError, check_dot, graph, print, render_with_dot,
};
