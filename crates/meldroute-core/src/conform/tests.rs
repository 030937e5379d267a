//! Reading logs: times in every form a registration writes them, located
//! errors that never repeat a cell, activities mapped to steps.

use super::*;

fn ms(text: &str) -> Option<i64> {
    parse_time(
        text,
        &jiff::tz::TimeZone::get("Europe/Amsterdam").expect("tzdb"),
    )
}

/// Milliseconds since 1970 of a civil time in the Netherlands.
fn civil(y: i16, m: i8, d: i8, h: i8, min: i8) -> i64 {
    let day = Date::constant(1970, 1, 1)
        .until(Date::constant(y, m, d))
        .expect("a span")
        .get_days();
    i64::from(day) * DAY_MS + i64::from(h) * 3_600_000 + i64::from(min) * 60_000
}

#[test]
fn times_are_read_in_every_form_and_zones_become_dutch_time() {
    let nine = Some(civil(2026, 3, 10, 9, 0));
    for t in [
        "2026-03-10T09:00:00",
        "2026-03-10 09:00",
        "2026-03-10T09:00:00.000",
        "10-03-2026 09:00",
        "10-03-2026 09:00:00",
        // UTC+1 in winter, UTC+2 in summer.
        "2026-03-10T08:00:00Z",
        "2026-03-10T09:00:00+01:00",
        "2026-03-10T10:00:00+02:00",
    ] {
        assert_eq!(ms(t), nine, "{t}");
    }
    assert_eq!(ms("2026-07-01T08:00:00Z"), Some(civil(2026, 7, 1, 10, 0)));
    assert_eq!(ms("2026-03-10"), Some(civil(2026, 3, 10, 0, 0)));
    assert_eq!(ms("10-03-2026"), Some(civil(2026, 3, 10, 0, 0)));
    assert_eq!(ms("2026-03-10T09:00:00.250"), nine.map(|x| x + 250));
    for bad in [
        "31-02-2026",
        "2026-02-30",
        "1850-01-01",
        "01-01-2300",
        "10/03/2026",
        "gisteren",
        "1-3-2026",
        "2026-03-10T25:00",
    ] {
        assert_eq!(ms(bad), None, "{bad}");
    }
}

const HEADER: &str = "case:concept:name,concept:name,time:timestamp,org:resource\n";

fn read(text: &str) -> Result<Log, LogError> {
    read_csv("log.csv", text.as_bytes(), &Columns::default())
}

#[test]
fn bad_rows_are_located_and_their_cells_never_repeated() {
    let e = read("").expect_err("empty");
    assert_eq!((e.row, e.column), (1, 0));
    assert!(e.problem.contains("empty"), "{e}");
    let e = read(HEADER).expect_err("no event");
    assert!(e.problem.contains("no event"), "{e}");
    let e = read("zaak,activiteit\n1,melding\n").expect_err("columns");
    assert!(
        e.problem.contains("no column `case:concept:name`")
            && e.problem.contains("zaak, activiteit"),
        "{e}"
    );
    let text =
        format!("{HEADER}1,melding,2026-03-10,Jan Jansen\n2,melding,morgen-vroeg,Jan Jansen\n");
    let e = read(&text).expect_err("a bad time");
    assert_eq!((e.row, e.column), (3, 3), "{e}");
    assert!(
        e.to_string()
            .starts_with("log.csv:3:3: column `time:timestamp`"),
        "{e}"
    );
    assert!(
        !e.to_string().contains("morgen") && !e.to_string().contains("Jan"),
        "{e}"
    );
    let e = read(&format!("{HEADER}1,,2026-03-10,x\n")).expect_err("no activity");
    assert_eq!((e.row, e.column), (2, 2), "{e}");
    let bytes = [HEADER.as_bytes(), b"1,melding,2026-03-10,\xff\xfe\n"].concat();
    let e = read_csv("log.csv", &bytes[..], &Columns::default()).expect_err("not UTF-8");
    assert!(e.problem.contains("UTF-8"), "{e}");
    let text = "case:concept:name,concept:name,time:timestamp,lifecycle:transition\n1,melding,2026-03-10,suspend\n";
    let e = read(text).expect_err("a lifecycle");
    assert_eq!((e.row, e.column), (2, 4), "{e}");
}

#[test]
fn a_semicolon_log_with_a_bom_reads_and_hashes_its_bytes() {
    let text = "\u{feff}case:concept:name;concept:name;time:timestamp\n7;melding;10-03-2026 09:00\n7;bevestiging;12-03-2026\n";
    let log = read(text).expect("reads");
    assert_eq!(log.cases, ["7"]);
    assert_eq!(log.activities, ["melding", "bevestiging"]);
    assert_eq!(log.rows, 2);
    assert_eq!(log.sha256, crate::provenance::sha256_hex(text.as_bytes()));
}

#[test]
fn a_mapping_file_is_checked() {
    let map = parse_map("map.yaml", "activities:\n  \"Melding binnen\": melding\n").expect("a map");
    assert_eq!(
        map.get("Melding binnen").map(String::as_str),
        Some("melding")
    );
    let e = parse_map("map.yaml", "activiteiten: {}\n").expect_err("unknown key");
    assert!(e.starts_with("map.yaml: not a mapping"), "{e}");
}

/// Seeded mutations of valid CSV and XES logs (bytes flipped, cut, doubled,
/// spliced) never panic: each reads, or gives a located error; a log that
/// reads is measured. (The fuzz target `conform_log` goes further.)
#[test]
fn mutated_logs_never_panic() {
    use rand::{Rng, SeedableRng};
    let csv = "case:concept:name,concept:name,time:timestamp,lifecycle:transition\n1,melding,2026-03-10T09:00:00,complete\n1,ontvangstbevestiging,10-03-2026 12:00,start\n1,ontvangstbevestiging,2026-03-12,complete\n2;x;2026-03-10\n";
    let xes = "<?xml version=\"1.0\"?>\n<log>\n  <trace>\n    <string key=\"concept:name\" value=\"1\"/>\n    <event>\n      <string key=\"concept:name\" value=\"melding\"/>\n      <date key=\"time:timestamp\" value=\"2026-03-10T09:00:00+01:00\"/>\n    </event>\n  </trace>\n</log>\n";
    let lib = crate::Library::with_bundled(crate::Limits::default());
    let model = lib
        .model(lib.resolve_index("rijk/interne-melding").expect("bundled"))
        .expect("valid");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(18);
    let alphabet = b",;\n\"<>/=:-T0123456789 abc\xff";
    for i in 0..3000 {
        let base = if i % 2 == 0 { csv } else { xes };
        let mut bytes = base.as_bytes().to_vec();
        for _ in 0..rng.random_range(1..6) {
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..4) {
                0 => bytes[at] = alphabet[rng.random_range(0..alphabet.len())],
                1 => bytes.truncate(at),
                2 => {
                    let piece = bytes[at..].to_vec();
                    bytes.extend_from_slice(&piece);
                }
                _ => bytes.insert(at, alphabet[rng.random_range(0..alphabet.len())]),
            }
            if bytes.is_empty() {
                break;
            }
        }
        for log in [
            read_csv("log", &bytes[..], &Columns::default()),
            read_xes("log", &bytes[..]),
            read_xlsx("log", &bytes, &Columns::default()),
        ] {
            match log {
                Ok(log) => {
                    let c = conform(&model, &log, &HashMap::new());
                    assert!(
                        c.measured.aggregate.runs as usize + c.problems.len() <= log.cases.len()
                    );
                }
                Err(e) => assert_eq!(e.file, "log"),
            }
        }
    }
}
