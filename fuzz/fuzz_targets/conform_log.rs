//! Arbitrary bytes as a case log for `meldroute conform`: read as CSV, as
//! XES and as an Excel workbook, each either reads or gives a located
//! error, never a panic; an error never holds a cell below the header
//! (only the file, row, column and what is wrong); a log that reads is
//! measured against the bundled internal report without a panic, and every
//! case is measured or listed, never both.

#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use meldroute_core::conform::{self, Columns, Log};
use meldroute_core::{Library, Limits, sim::SimModel};

fn model() -> &'static SimModel {
    static MODEL: OnceLock<SimModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let lib = Library::with_bundled(Limits::default());
        let entry = lib.resolve_index("rijk/interne-melding").expect("bundled");
        lib.model(entry).expect("valid")
    })
}

fn check(log: Result<Log, conform::LogError>, data: &[u8]) {
    match log {
        Ok(log) => {
            let c = conform::conform(model(), &log, &HashMap::new());
            let measured = c.measured.aggregate.runs as usize;
            assert!(measured + c.problems.len() <= log.cases.len());
        }
        Err(e) => {
            assert_eq!(e.file, "log");
            // A cell of 8 bytes or more below the header (whose column
            // names an error may list) never shows up in the message.
            let body = data
                .iter()
                .position(|&b| b == b'\n')
                .map_or(&[][..], |i| &data[i + 1..]);
            for cell in body.split(|&b| matches!(b, b',' | b';' | b'\n' | b'"' | b'<' | b'>')) {
                if cell.len() >= 8
                    && let Ok(text) = std::str::from_utf8(cell)
                    && text.chars().all(char::is_alphanumeric)
                {
                    assert!(!e.problem.contains(text), "{e} holds {text}");
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(conform::read_csv("log", data, &Columns::default()), data);
    check(conform::read_xes("log", data), data);
    check(conform::read_xlsx("log", data, &Columns::default()), data);
});
