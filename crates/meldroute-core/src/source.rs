//! Source text of a loaded file and positions in it (from
//! `meldroute-diagnostics`, where the renderer needs them too).

pub use meldroute_diagnostics::{FileId, Pos, SourceFile};
