//! meldroute-render: diagrams of procedures for memos and meetings. The
//! graph view builds a Graphviz DOT tree (graphviz-rust) with one swimlane
//! per actor, or per procedure when escalations are followed.

pub mod dot;
pub mod journey;
pub mod plot;
pub mod report;
pub mod text;

pub use dot::{GraphOptions, RenderError, graph, print, render_with_dot};
