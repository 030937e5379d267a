//! meldroute-core: the model of reporting procedures, loading with located
//! errors, validation rules and the graph view. No rendering, no printing.
//!
//! ```
//! use meldroute_core::{Library, Limits, catalogue};
//!
//! let lib = Library::with_bundled(Limits::default());
//! let target = lib.resolve_index("rijk/klacht").expect("bundled");
//! let findings = catalogue::check(&lib, &[target]);
//! assert!(findings.iter().all(|d| d.severity != meldroute_core::Severity::Error));
//! ```

mod authority;
pub mod calendar;
pub mod caseload;
pub mod catalogue;
pub mod compare;
pub mod condition;
pub mod conform;
pub mod diag;
mod distribution;
mod duration;
pub mod experience;
mod facade;
pub mod fit;
pub mod gaps;
#[cfg(any(test, feature = "testing"))]
pub mod generate;
mod graph;
mod id;
pub mod library;
mod load;
mod located;
pub mod measures;
pub mod meta;
pub mod migrate;
pub mod model;
pub mod norms;
pub mod provenance;
mod rules;
mod scan;
pub mod scenario;
pub mod schema;
pub mod sensitivity;
pub mod sim;
mod source;
pub mod stats;
pub mod suggest;
pub mod version;

#[cfg(test)]
mod tester;

pub use diag::{Diagnostic, Label, Severity};
pub use duration::{Distribution, Duration};
pub use facade::{Error, ProcedureRef};
pub use graph::{Escalation, RouteMap, route_map};
pub use library::{Entry, EntryId, Library, Origin};
pub use load::{Limits, ReadError, read_below, yaml_files_below};
pub use model::Procedure;
pub use source::{FileId, Pos, SourceFile};
