//! Arbitrary bytes as an output `meldroute verify` is given: finding the
//! provenance (JSON, the CSV row, a text format's copy, a PNG chunk, a
//! PDF's information) never panics, and what verify acts on (the build,
//! the command, the files and their hashes) serialises again and reads back
//! the same from JSON. (The options are a record only: a float among them
//! need not survive JSON's decimal text to the last bit.)

#![no_main]

use libfuzzer_sys::fuzz_target;
use meldroute_render::provenance::extract;

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = extract(data) {
        let json = serde_json::json!({ "provenance": p });
        let text = serde_json::to_string(&json).expect("a provenance serialises");
        let again = extract(text.as_bytes()).expect("its own JSON reads back");
        let acted_on = |p: &meldroute_core::provenance::Provenance| {
            let mut v = serde_json::to_value(p).expect("serialises");
            v.as_object_mut().expect("an object").remove("options");
            v
        };
        assert_eq!(acted_on(&again), acted_on(&p));
    }
});
