//! Arbitrary bytes as an output `meldroute verify` is given: finding the
//! provenance (JSON, the CSV row, a text format's copy, a PNG chunk, a
//! PDF's information) never panics, and what it finds serialises again and
//! reads back the same from JSON.

#![no_main]

use libfuzzer_sys::fuzz_target;
use meldroute_render::provenance::extract;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = extract(data) {
        let json = serde_json::json!({ "provenance": p });
        let text = serde_json::to_string(&json).expect("a provenance serialises");
        let again = extract(text.as_bytes()).expect("its own JSON reads back");
        assert_eq!(
            serde_json::to_value(&again).expect("serialises"),
            serde_json::to_value(&p).expect("serialises")
        );
    }
});
