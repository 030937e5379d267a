//! The JSON Schemas of the procedure, scenario and caseload file formats,
//! for editors.

use crate::model::Procedure;

/// The JSON Schema of a scenario file, pretty-printed, ending in a newline.
pub fn scenario_schema() -> String {
    let schema = schemars::schema_for!(crate::scenario::Scenario);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a caseload file, pretty-printed, ending in a newline.
pub fn caseload_schema() -> String {
    let schema = schemars::schema_for!(crate::caseload::CaseloadFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of a procedure file, pretty-printed, ending in a newline.
pub fn procedure_schema() -> String {
    let schema = schemars::schema_for!(Procedure);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
