//! `meldroute schema`: the JSON Schema of the procedure file format, or of
//! a command's JSON output.

use crate::cli::SchemaOutput;

/// The JSON Schema of a command's JSON output, pretty-printed, ending in a
/// newline: generated from the types the output is written from, so it
/// cannot drift from them.
pub fn output_schema(kind: SchemaOutput) -> String {
    let schema = match kind {
        SchemaOutput::Simulate => schemars::schema_for!(super::simulate::SimulateJson),
        SchemaOutput::Caseload => schemars::schema_for!(super::caseload::CaseloadJson),
        SchemaOutput::Gaps => {
            schemars::schema_for!(super::gaps::GapsJson<Vec<super::gaps::JsonFinding>>)
        }
        SchemaOutput::Compare => schemars::schema_for!(super::compare::CompareJson),
        SchemaOutput::Validate => schemars::schema_for!(
            super::validate::ValidateJson<Vec<meldroute_render::diagnostics::JsonDiagnostic>>
        ),
        SchemaOutput::List => schemars::schema_for!(super::list::ListJson),
        SchemaOutput::Sensitivity => {
            schemars::schema_for!(super::sensitivity::SensitivityJson)
        }
        SchemaOutput::Conform => schemars::schema_for!(super::conform::ConformJson),
        SchemaOutput::Fit => schemars::schema_for!(super::fit::FitJson),
    };
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
