//! Real case logs (`meldroute conform`, docs/conform.md): a CSV log read
//! row by row into compact events, its activities mapped to a procedure's
//! steps, its cases measured as the simulation measures journeys
//! ([`crate::sim::observe`]).
//!
//! A log holds personal data. What this module says about a log names a
//! file, a row, a column, a case id or an activity, and the kind of
//! problem; never the content of another cell (a resource, a free text).

use std::collections::HashMap;
use std::io::Read;

use jiff::civil::{Date, DateTime, Time};

use crate::sim::observe::{Misfit, ObservedCase, ObservedStep, measure};
use crate::sim::{Go, SimModel};

/// The columns a log's rows are read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    /// The case id.
    pub case: String,
    /// The activity.
    pub activity: String,
    /// When it happened.
    pub time: String,
    /// `start` or `complete` (optional: without it every event completes).
    pub lifecycle: String,
}

impl Default for Columns {
    /// PM4Py's names (those `simulate --log` writes).
    fn default() -> Self {
        Columns {
            case: "case:concept:name".to_owned(),
            activity: "concept:name".to_owned(),
            time: "time:timestamp".to_owned(),
            lifecycle: "lifecycle:transition".to_owned(),
        }
    }
}

/// A log that cannot be read, located (row 1 is the header).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{row}:{column}: {problem}")]
pub struct LogError {
    /// The file, as given.
    pub file: String,
    /// Its row (1: the header), or 0 for the file as a whole.
    pub row: u64,
    /// Its column (from 1), or 0 for the row as a whole.
    pub column: u64,
    /// What is wrong and how to put it right; never a cell's content.
    pub problem: String,
}

/// Rows at most (a log of more is refused before it fills the memory).
pub const MAX_ROWS: u64 = 50_000_000;

/// One event of a log, compact.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Event {
    case: u32,
    activity: u32,
    /// Milliseconds since 1970-01-01 00:00, civil time in the Netherlands.
    ms: i64,
    complete: bool,
    row: u64,
}

/// A log, read.
#[derive(Clone, Debug, Default)]
pub struct Log {
    /// Case ids, in the order first seen.
    pub cases: Vec<String>,
    /// Activities, in the order first seen.
    pub activities: Vec<String>,
    events: Vec<Event>,
    /// Rows read (the header not counted).
    pub rows: u64,
    /// The SHA-256 of the file's bytes, in hexadecimal.
    pub sha256: String,
}

/// A log as it is read: its events, and the ids of its cases and
/// activities so far.
#[derive(Default)]
struct Builder {
    log: Log,
    case_ids: HashMap<String, u32>,
    activity_ids: HashMap<String, u32>,
}

impl Builder {
    /// Events so far.
    fn rows(&self) -> u64 {
        self.log.rows
    }

    /// An event of case `case`: `activity` at `ms` (a start when not
    /// `complete`), read at `row`.
    fn push(&mut self, case: &str, activity: &str, ms: i64, complete: bool, row: u64) {
        let log = &mut self.log;
        log.rows += 1;
        let next = self.case_ids.len() as u32;
        let case = *self.case_ids.entry(case.to_owned()).or_insert_with(|| {
            log.cases.push(case.to_owned());
            next
        });
        let next = self.activity_ids.len() as u32;
        let activity = *self
            .activity_ids
            .entry(activity.to_owned())
            .or_insert_with(|| {
                log.activities.push(activity.to_owned());
                next
            });
        log.events.push(Event {
            case,
            activity,
            ms,
            complete,
            row,
        });
    }

    /// The log, with the digest of its bytes; `Err` when it has no event.
    fn finish(mut self, hasher: sha2::Sha256) -> Result<Log, ()> {
        use sha2::Digest;
        self.log.sha256 = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if self.log.events.is_empty() {
            Err(())
        } else {
            Ok(self.log)
        }
    }
}

/// A reader that hashes what it reads.
struct Hashing<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// The first year a log's time may have.
pub const FIRST_YEAR: i16 = 1900;
/// The last year a log's time may have.
pub const LAST_YEAR: i16 = 2199;

/// Reads a CSV log (`,` or `;`, whichever the header uses) from `reader`;
/// `file` names it in errors.
pub fn read_csv(file: &str, reader: impl Read, cols: &Columns) -> Result<Log, LogError> {
    let err = |row: u64, column: u64, problem: String| LogError {
        file: file.to_owned(),
        row,
        column,
        problem,
    };
    use sha2::Digest;
    let hashing = Hashing {
        inner: reader,
        hasher: sha2::Sha256::new(),
    };
    let mut buffered = std::io::BufReader::new(hashing);
    let mut head = Vec::new();
    {
        use std::io::BufRead;
        buffered
            .read_until(b'\n', &mut head)
            .map_err(|e| err(0, 0, format!("cannot be read: {e}")))?;
    }
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(err(
            1,
            0,
            "the log is empty: give a header row and one row per event".to_owned(),
        ));
    }
    let delimiter = if head.iter().filter(|&&b| b == b';').count()
        > head.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Cursor::new(head).chain(buffered));
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| err(1, 0, format!("the header {}", csv_problem(&e))))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let Located {
        case: case_col,
        activity: activity_col,
        time: time_col,
        lifecycle: lifecycle_col,
    } = locate(&header, cols).map_err(|p| err(1, 0, p))?;
    let amsterdam = amsterdam().map_err(|p| err(0, 0, p))?;
    let mut log = Builder::default();
    let mut record = csv::StringRecord::new();
    let mut row = 1u64;
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let at = e.position().map_or(row + 1, |p| p.line());
                return Err(err(at, 0, format!("the row {}", csv_problem(&e))));
            }
        }
        row += 1;
        if log.rows() >= MAX_ROWS {
            return Err(err(
                row,
                0,
                format!("more than {MAX_ROWS} rows; split the log by period"),
            ));
        }
        let cell = |c: usize, what: &str| -> Result<&str, LogError> {
            let v = record.get(c).map(str::trim).unwrap_or_default();
            if v.is_empty() {
                Err(err(
                    row,
                    c as u64 + 1,
                    format!("column `{}` is empty: every event needs {what}", header[c]),
                ))
            } else {
                Ok(v)
            }
        };
        let case = cell(case_col, "a case id")?;
        let activity = cell(activity_col, "an activity")?;
        let time = cell(time_col, "a time")?;
        let ms = parse_time(time, &amsterdam).ok_or_else(|| {
            err(
                row,
                time_col as u64 + 1,
                format!(
                    "column `{}` is not a date or a date and time; write 2025-01-06, 2025-01-06T13:30:00 (a zone such as Z or +01:00 may follow) or 06-01-2025 13:30, in the years 1900 to 2199",
                    header[time_col]
                ),
            )
        })?;
        let complete = match lifecycle_col {
            None => true,
            Some(c) => completes(record.get(c).unwrap_or_default())
                .ok_or_else(|| err(row, c as u64 + 1, not_a_lifecycle(&header[c])))?,
        };
        log.push(case, activity, ms, complete, row);
    }
    // The rest of the file (nothing, once the reader is at its end).
    let mut rest = csv.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink())
        .map_err(|e| err(0, 0, format!("cannot be read: {e}")))?;
    let (_, buffered) = rest.into_inner();
    log.finish(buffered.into_inner().hasher).map_err(|_| {
        err(
            1,
            0,
            "the log has a header and no event: give one row per event".to_owned(),
        )
    })
}

/// Reads an XES log (IEEE 1849-2016) from `reader`, streaming: each
/// trace's `concept:name` is its case id, each event's `concept:name`,
/// `time:timestamp` and `lifecycle:transition` (`start`, `complete`;
/// without it, `complete`; any other transition of the standard lifecycle
/// is not a completion and is left out) are read; `file` names it in
/// errors, located by line (row) and column 0.
pub fn read_xes(file: &str, reader: impl Read) -> Result<Log, LogError> {
    use quick_xml::events::Event as Xml;
    use sha2::Digest;
    let err = |line: u64, problem: String| LogError {
        file: file.to_owned(),
        row: line,
        column: 0,
        problem,
    };
    let amsterdam = amsterdam().map_err(|p| err(0, p))?;
    let hashing = Hashing {
        inner: reader,
        hasher: sha2::Sha256::new(),
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(hashing));
    let mut buf = Vec::new();
    let mut log = Builder::default();
    let mut line = 1u64;
    // Depth of the element being read, and where the trace and the event
    // of it began (their depth and line).
    let mut depth = 0usize;
    let mut trace: Option<(usize, u64)> = None;
    let mut event: Option<(usize, u64)> = None;
    let mut case: Option<String> = None;
    let mut pending: Vec<(String, i64, bool, u64)> = Vec::new();
    let mut activity: Option<String> = None;
    let mut time: Option<i64> = None;
    let mut complete = Some(true);
    let mut saw_log = false;
    loop {
        let ev = xml
            .read_event_into(&mut buf)
            .map_err(|e| err(line, format!("is not well-formed XML: {}", xml_problem(&e))))?;
        let raw: &[u8] = match &ev {
            Xml::Start(e) | Xml::Empty(e) => e.as_ref(),
            Xml::End(e) => e.as_ref(),
            Xml::Text(t) => t.as_ref(),
            Xml::CData(t) => t.as_ref(),
            Xml::Comment(t) => t.as_ref(),
            Xml::Decl(t) => t.as_ref(),
            Xml::PI(t) => t.as_ref(),
            Xml::DocType(t) => t.as_ref(),
            _ => &[],
        };
        let here = line;
        line += raw.iter().filter(|&&b| b == b'\n').count() as u64;
        match ev {
            Xml::Eof => break,
            Xml::Start(ref e) | Xml::Empty(ref e) => {
                let empty = matches!(ev, Xml::Empty(_));
                let name = e.local_name();
                let name = name.as_ref();
                if depth == 0 {
                    if name != b"log" {
                        return Err(err(
                            here,
                            "is not an XES log: its root is not `log`".to_owned(),
                        ));
                    }
                    saw_log = true;
                }
                let child_of =
                    |parent: Option<(usize, u64)>| parent.is_some_and(|(d, _)| d + 1 == depth);
                if name == b"trace" && depth == 1 {
                    trace = Some((depth, here));
                    case = None;
                } else if name == b"event" && trace.is_some_and(|(d, _)| d + 1 == depth) {
                    event = Some((depth, here));
                    activity = None;
                    time = None;
                    complete = Some(true);
                } else if child_of(event) || (event.is_none() && child_of(trace)) {
                    let mut key = None;
                    let mut value = None;
                    for a in e.attributes() {
                        let a = a.map_err(|_| {
                            err(here, "has an attribute that cannot be read".to_owned())
                        })?;
                        let v = a
                            .decode_and_unescape_value(xml.decoder())
                            .map_err(|_| {
                                err(here, "has an attribute that cannot be read".to_owned())
                            })?
                            .into_owned();
                        match a.key.as_ref() {
                            b"key" => key = Some(v),
                            b"value" => value = Some(v),
                            _ => {}
                        }
                    }
                    match (event.is_some(), key.as_deref(), value) {
                        (false, Some("concept:name"), Some(v)) => case = Some(v),
                        (true, Some("concept:name"), Some(v)) => activity = Some(v),
                        (true, Some("time:timestamp"), Some(v)) => {
                            time = Some(parse_time(&v, &amsterdam).ok_or_else(|| {
                                err(here, "`time:timestamp` is not a date and time (xs:dateTime, such as 2025-01-06T13:30:00+01:00)".to_owned())
                            })?);
                        }
                        (true, Some("lifecycle:transition"), Some(v)) => {
                            complete = transition(&v);
                        }
                        _ => {}
                    }
                }
                if !empty {
                    depth += 1;
                }
            }
            Xml::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((d, at)) = event
                    && d == depth
                {
                    event = None;
                    let a = activity.take().ok_or_else(|| {
                        err(
                            at,
                            "an event without `concept:name` (its activity)".to_owned(),
                        )
                    })?;
                    let t = time
                        .take()
                        .ok_or_else(|| err(at, "an event without `time:timestamp`".to_owned()))?;
                    if let Some(c) = complete {
                        pending.push((a, t, c, at));
                    }
                } else if let Some((d, at)) = trace
                    && d == depth
                {
                    trace = None;
                    let id = case.take().ok_or_else(|| {
                        err(
                            at,
                            "a trace without `concept:name` (its case id)".to_owned(),
                        )
                    })?;
                    if log.rows() + pending.len() as u64 > MAX_ROWS {
                        return Err(err(
                            at,
                            format!("more than {MAX_ROWS} events; split the log by period"),
                        ));
                    }
                    for (a, t, c, row) in pending.drain(..) {
                        log.push(&id, &a, t, c, row);
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
    if !saw_log {
        return Err(err(
            1,
            "the log is empty: an XES file holds a `log` of `trace`s".to_owned(),
        ));
    }
    let hasher = xml.into_inner().into_inner().hasher;
    log.finish(hasher)
        .map_err(|_| err(1, "the log has no event".to_owned()))
}

/// Reads the first sheet of an Excel workbook (`.xlsx`) held in `bytes`,
/// as [`read_csv`] reads a CSV: a header row, then one event a row; a time
/// is an Excel date (its serial number, 1900 system) or text as a CSV has
/// it; `file` names it in errors.
pub fn read_xlsx(file: &str, bytes: &[u8], cols: &Columns) -> Result<Log, LogError> {
    use calamine::{Data, Reader};
    use sha2::Digest;
    let err = |row: u64, column: u64, problem: String| LogError {
        file: file.to_owned(),
        row,
        column,
        problem,
    };
    let amsterdam = amsterdam().map_err(|p| err(0, 0, p))?;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| {
        err(
            0,
            0,
            "is not an Excel workbook (.xlsx) that can be read".to_owned(),
        )
    })?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| err(0, 0, "the workbook has no sheet".to_owned()))?
        .map_err(|_| err(0, 0, "its first sheet cannot be read".to_owned()))?;
    let mut rows = range.rows();
    let text = |d: &Data| match d {
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    let header: Vec<String> = rows
        .next()
        .ok_or_else(|| {
            err(
                1,
                0,
                "the log is empty: give a header row and one row per event".to_owned(),
            )
        })?
        .iter()
        .map(text)
        .collect();
    let Located {
        case: case_col,
        activity: activity_col,
        time: time_col,
        lifecycle: lifecycle_col,
    } = locate(&header, cols).map_err(|p| err(1, 0, p))?;
    let mut log = Builder::default();
    for (k, cells) in rows.enumerate() {
        let row = k as u64 + 2;
        if cells.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        if log.rows() >= MAX_ROWS {
            return Err(err(
                row,
                0,
                format!("more than {MAX_ROWS} rows; split the log by period"),
            ));
        }
        let cell = |c: usize, what: &str| -> Result<String, LogError> {
            let v = cells.get(c).map(text).unwrap_or_default();
            if v.is_empty() {
                Err(err(
                    row,
                    c as u64 + 1,
                    format!(
                        "column `{}` is empty or not text: every event needs {what}",
                        header[c]
                    ),
                ))
            } else {
                Ok(v)
            }
        };
        let case = cell(case_col, "a case id")?;
        let activity = cell(activity_col, "an activity")?;
        let bad_time = || {
            err(
                row,
                time_col as u64 + 1,
                format!(
                    "column `{}` is not a date or a date and time; give an Excel date, or text such as 2025-01-06T13:30:00 or 06-01-2025 13:30",
                    header[time_col]
                ),
            )
        };
        let ms = match cells.get(time_col) {
            Some(Data::DateTime(d)) => excel_ms(d.as_f64()).ok_or_else(bad_time)?,
            Some(Data::Float(f)) => excel_ms(*f).ok_or_else(bad_time)?,
            Some(Data::String(s)) | Some(Data::DateTimeIso(s)) => {
                parse_time(s, &amsterdam).ok_or_else(bad_time)?
            }
            _ => return Err(bad_time()),
        };
        let complete = match lifecycle_col {
            None => true,
            Some(c) => completes(&cells.get(c).map(text).unwrap_or_default())
                .ok_or_else(|| err(row, c as u64 + 1, not_a_lifecycle(&header[c])))?,
        };
        log.push(&case, &activity, ms, complete, row);
    }
    let mut hasher = sha2::Sha256::new();
    hasher.update(bytes);
    log.finish(hasher).map_err(|_| {
        err(
            1,
            0,
            "the log has a header and no event: give one row per event".to_owned(),
        )
    })
}

/// Milliseconds since 1970-01-01 00:00 of an Excel date (days since
/// 1899-12-30 in the 1900 system, the time of day as the fraction), or
/// `None` outside the years 1900 to 9999.
fn excel_ms(serial: f64) -> Option<i64> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // 1899-12-30 is 25,569 days before 1970-01-01.
    Some(((serial - 25_569.0) * DAY_MS as f64).round() as i64)
}

/// What is wrong with XML that could not be read, without its content.
fn xml_problem(e: &quick_xml::Error) -> &'static str {
    match e {
        quick_xml::Error::Io(_) => "it cannot be read",
        quick_xml::Error::Syntax(_) => "a tag or a comment is not closed",
        quick_xml::Error::IllFormed(_) => "its tags do not nest",
        _ => "it is not XML",
    }
}

/// The columns of a log's header (CSV, Excel) that `cols` names.
struct Located {
    case: usize,
    activity: usize,
    time: usize,
    lifecycle: Option<usize>,
}

/// Where the columns `cols` names are in `header`, or what is missing (the
/// problem, for the header's row).
fn locate(header: &[String], cols: &Columns) -> Result<Located, String> {
    let find = |name: &str| header.iter().position(|h| h == name);
    let need = |name: &str, what: &str| {
        find(name).ok_or_else(|| {
            format!(
                "no column `{name}` ({what}); the columns are: {}; name the column with its flag (meldroute conform --help)",
                header.join(", ")
            )
        })
    };
    Ok(Located {
        case: need(&cols.case, "the case id")?,
        activity: need(&cols.activity, "the activity")?,
        time: need(&cols.time, "the time")?,
        lifecycle: find(&cols.lifecycle),
    })
}

/// A lifecycle transition: `Some(true)` for `complete`, `Some(false)` for
/// `start` (any case, spaces at the ends aside), `None` for anything else.
fn transition(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "complete" => Some(true),
        "start" => Some(false),
        _ => None,
    }
}

/// A lifecycle cell of a CSV or Excel log: empty completes, as a log
/// without the column does; else [`transition`].
fn completes(cell: &str) -> Option<bool> {
    if cell.trim().is_empty() {
        Some(true)
    } else {
        transition(cell)
    }
}

/// The problem of a lifecycle cell that is neither `start` nor `complete`.
fn not_a_lifecycle(column: &str) -> String {
    format!("column `{column}` is neither `start` nor `complete`")
}

/// The time zone of the Netherlands, in which the legal terms run.
fn amsterdam() -> Result<jiff::tz::TimeZone, String> {
    jiff::tz::TimeZone::get("Europe/Amsterdam")
        .map_err(|e| format!("the time zone of the Netherlands is missing: {e}"))
}

/// What is wrong with CSV that `e` could not read, without its content.
fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "is not UTF-8 text; save the log as UTF-8".to_owned(),
        csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
        _ => "is not valid CSV (a quote left open?)".to_owned(),
    }
}

/// Milliseconds since 1970-01-01 00:00 of `text`, civil time in the
/// Netherlands: `2025-01-06`, `2025-01-06T13:30[:00[.123]]` (or a space
/// for the `T`), with a zone (`Z`, `+01:00`) converted to Dutch time, or
/// `06-01-2025[ 13:30[:00]]`.
fn parse_time(text: &str, amsterdam: &jiff::tz::TimeZone) -> Option<i64> {
    let t = text.trim();
    let civil = if t.len() >= 10 && t.as_bytes().get(2) == Some(&b'-') {
        // dd-mm-yyyy
        let (date, rest) = t.split_at(10);
        let p: Vec<&str> = date.split('-').collect();
        if p.len() != 3 || p[0].len() != 2 || p[1].len() != 2 || p[2].len() != 4 {
            return None;
        }
        let d = Date::new(p[2].parse().ok()?, p[1].parse().ok()?, p[0].parse().ok()?).ok()?;
        let rest = rest.trim();
        let time = if rest.is_empty() {
            Time::midnight()
        } else {
            rest.parse::<Time>().ok()?
        };
        d.to_datetime(time)
    } else if let Ok(z) = t.parse::<jiff::Timestamp>() {
        z.to_zoned(amsterdam.clone()).datetime()
    } else if let Ok(dt) = t.parse::<DateTime>() {
        dt
    } else {
        t.parse::<Date>().ok()?.to_datetime(Time::midnight())
    };
    // The legal terms are counted on tables of days over the log's period:
    // a year outside these is a typing error, not a case.
    if !(FIRST_YEAR..=LAST_YEAR).contains(&civil.year()) {
        return None;
    }
    let day = i64::from(
        Date::constant(1970, 1, 1)
            .until(civil.date())
            .ok()?
            .get_days(),
    );
    let time = civil.time();
    let ms = i64::from(time.hour()) * 3_600_000
        + i64::from(time.minute()) * 60_000
        + i64::from(time.second()) * 1000
        + i64::from(time.subsec_nanosecond()) / 1_000_000;
    Some(day * DAY_MS + ms)
}

/// The largest mapping file read.
pub const MAX_MAP_BYTES: usize = 1 << 20;

/// A mapping file (`activities: {"Melding ontvangen": melding}`): each
/// activity of a log to a step id or `procedure:step`; `file` names it in
/// errors.
pub fn parse_map(file: &str, text: &str) -> Result<HashMap<String, String>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct MapFile {
        activities: std::collections::BTreeMap<String, String>,
    }
    if text.len() > MAX_MAP_BYTES {
        return Err(format!(
            "{file} is larger than 1 MiB: a mapping of activities is smaller"
        ));
    }
    let map: MapFile = serde_saphyr::from_str(text).map_err(|e| {
        format!(
            "{file}: not a mapping of activities to steps (`activities: {{\"Melding ontvangen\": melding}}`): {e}"
        )
    })?;
    Ok(map.activities.into_iter().collect())
}

/// The fewest bytes a key of [`pseudonym`] may have.
pub const MIN_KEY_BYTES: usize = 16;

/// The pseudonym of case id `id` under `key`: its HMAC-SHA-256 (RFC 2104),
/// the first 20 hexadecimal digits (80 bits). The same key gives the same
/// pseudonym, so two outputs can be joined; without the key, a short id
/// cannot be found by trying ids.
pub fn pseudonym(key: &[u8], id: &str) -> String {
    use hmac::Mac;
    // HMAC takes a key of any length: this never fails.
    let Ok(mut mac) = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .take(10)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How an activity of a log maps to the procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapped {
    /// A step of the model.
    Step(u32),
    /// An interim update of a step.
    Update(u32),
    /// Nothing: the case does not fit.
    Unknown,
}

/// The step of `model` that `activity` names: by the mapping `map` first
/// (activity to step id or `procedure:step`), then by step id in the
/// procedure simulated, `procedure:step`, or a title (case and spaces at
/// the ends aside) that one step has; `X (update)` names the interim
/// updates of the step `X` names.
pub fn map_activity(model: &SimModel, map: &HashMap<String, String>, activity: &str) -> Mapped {
    let name = map.get(activity).map_or(activity, String::as_str).trim();
    if let Some(base) = name.strip_suffix(" (update)")
        && let Mapped::Step(s) = map_activity(model, map, base)
    {
        return Mapped::Update(s);
    }
    let by_id = model.names.iter().enumerate().position(|(i, n)| {
        let p = model.steps[i].procedure as usize;
        (p == 0 && n.id == name) || format!("{}:{}", model.procedures[p].id, n.id) == name
    });
    if let Some(i) = by_id {
        return Mapped::Step(i as u32);
    }
    let lower = name.to_lowercase();
    let mut titled = model
        .names
        .iter()
        .enumerate()
        .filter(|(_, n)| n.title.trim().to_lowercase() == lower);
    match (titled.next(), titled.next()) {
        (Some((i, _)), None) => Mapped::Step(i as u32),
        _ => Mapped::Unknown,
    }
}

/// Why a case of a log is not measured.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// An activity that maps to no step.
    Unknown {
        /// The activity.
        activity: String,
        /// Its first row.
        row: u64,
    },
    /// Its steps do not fit the procedure.
    Misfit(Misfit),
}

/// A log measured against a procedure.
#[derive(Clone, Debug)]
pub struct Conformance {
    /// The dates the figures are on: from this day (the log's first).
    pub origin: Date,
    /// The log's last day.
    pub last: Date,
    /// The figures of the cases that fit.
    pub measured: crate::sim::observe::Measured,
    /// Each case that is not measured, with why, in the order of the log.
    pub problems: Vec<(String, Problem)>,
    /// Each activity of the log, with what it maps to.
    pub activities: Vec<(String, Mapped)>,
    /// Events dropped as the same as another of their case (activity,
    /// time, lifecycle).
    pub duplicates: u64,
    /// The cases that fit, in the order of their ids' first events, on the
    /// dates from `origin`, with `model` (on those dates) measured on them.
    pub cases: Vec<ObservedCase>,
    /// The model the cases were measured on: on the log's dates.
    pub model: SimModel,
}

/// The steps that may follow step `s` of `model`.
fn successors(model: &SimModel, s: u32) -> Vec<u32> {
    model
        .ways_on(&model.steps[s as usize].go)
        .into_iter()
        .map(|(_, to)| to)
        .collect()
}

/// The most steps completed at the same time whose orders are all tried.
const MAX_TIE: usize = 7;

/// Puts steps that completed at the same time in an order the procedure
/// allows, where there is one (a log of dates only has many such ties):
/// each after the one before, the first after the step before them (or
/// the procedure's start), the last before the step after them, or
/// ending the procedure when nothing follows. Of several such orders, the
/// first in the order the rank and the rows gave; up to [`MAX_TIE`] steps
/// (more stay in that order).
fn order_ties(model: &SimModel, steps: &mut [ObservedStep]) {
    let mut i = 0;
    while i < steps.len() {
        let mut k = i + 1;
        while k < steps.len() && steps[k].end == steps[i].end {
            k += 1;
        }
        if k - i > 1 && k - i <= MAX_TIE {
            let before = i.checked_sub(1).map(|p| steps[p].step);
            let after = steps.get(k).map(|s| s.step);
            let group: Vec<u32> = steps[i..k].iter().map(|s| s.step).collect();
            if let Some(order) = allowed_order(model, before, &group, after) {
                let mut taken: Vec<ObservedStep> = steps[i..k].to_vec();
                for (slot, &g) in steps[i..k].iter_mut().zip(&order) {
                    *slot = std::mem::replace(
                        &mut taken[g],
                        ObservedStep {
                            step: 0,
                            start: None,
                            end: 0.0,
                            updates: Vec::new(),
                        },
                    );
                }
            }
        }
        i = k;
    }
}

/// An order of `group` (indices into it) that the procedure allows between
/// `before` and `after` ([`order_ties`]), trying orders in turn.
fn allowed_order(
    model: &SimModel,
    before: Option<u32>,
    group: &[u32],
    after: Option<u32>,
) -> Option<Vec<usize>> {
    let may = |a: Option<u32>, b: u32| match a {
        Some(a) => successors(model, a).contains(&b),
        None => b == model.start,
    };
    let ends = |a: u32| match after {
        Some(n) => successors(model, a).contains(&n),
        None => matches!(model.steps[a as usize].go, Go::End(_)),
    };
    fn extend(
        order: &mut Vec<usize>,
        used: &mut [bool],
        group: &[u32],
        last: Option<u32>,
        may: &dyn Fn(Option<u32>, u32) -> bool,
        ends: &dyn Fn(u32) -> bool,
    ) -> bool {
        if order.len() == group.len() {
            return last.is_some_and(ends);
        }
        for g in 0..group.len() {
            if !used[g] && may(last, group[g]) {
                used[g] = true;
                order.push(g);
                if extend(order, used, group, Some(group[g]), may, ends) {
                    return true;
                }
                order.pop();
                used[g] = false;
            }
        }
        false
    }
    let mut order = Vec::with_capacity(group.len());
    let mut used = vec![false; group.len()];
    extend(&mut order, &mut used, group, before, &may, &ends).then_some(order)
}

/// Each step's rank: the fewest steps from the start to it (escalations
/// followed), `u32::MAX` for a step the start does not reach. Events of a
/// case at the same time are put in this order, as a log that records
/// only dates has many.
fn ranks(model: &SimModel) -> Vec<u32> {
    let mut rank = vec![u32::MAX; model.steps.len()];
    let mut queue = std::collections::VecDeque::from([model.start]);
    rank[model.start as usize] = 0;
    while let Some(s) = queue.pop_front() {
        for n in successors(model, s) {
            if rank[n as usize] == u32::MAX {
                rank[n as usize] = rank[s as usize] + 1;
                queue.push_back(n);
            }
        }
    }
    rank
}

/// Measures `log` against `model` (undated: it is put on the log's dates),
/// its activities mapped by `map` ([`map_activity`]).
pub fn conform(model: &SimModel, log: &Log, map: &HashMap<String, String>) -> Conformance {
    let first_ms = log.events.iter().map(|e| e.ms).min().unwrap_or(0);
    let last_ms = log.events.iter().map(|e| e.ms).max().unwrap_or(0);
    let day_of = |ms: i64| {
        Date::constant(1970, 1, 1)
            .checked_add(jiff::Span::new().days(ms.div_euclid(DAY_MS)))
            .unwrap_or(Date::MAX)
    };
    let origin = day_of(first_ms);
    let origin_ms = first_ms.div_euclid(DAY_MS) * DAY_MS;
    // The terms of the last case end up to a year and a quarter after it.
    let span = ((last_ms - origin_ms) / DAY_MS + 500).clamp(0, i64::from(u32::MAX)) as u32;
    let model = model.clone().on_dates(origin, span);
    let days = |ms: i64| (ms - origin_ms) as f64 / DAY_MS as f64;
    let mapped: Vec<Mapped> = log
        .activities
        .iter()
        .map(|a| map_activity(&model, map, a))
        .collect();
    // Each case's events in time order; at the same time in the order of
    // the procedure (a step's start, its updates, its completion), then of
    // the rows. An event the same as another is a duplicate.
    let rank = ranks(&model);
    let order = |e: &Event| {
        let (r, phase) = match mapped[e.activity as usize] {
            Mapped::Step(s) => (rank[s as usize], if e.complete { 2 } else { 0 }),
            Mapped::Update(s) => (rank[s as usize], 1),
            Mapped::Unknown => (u32::MAX, 2),
        };
        (e.case, e.ms, r, phase, e.activity, e.row)
    };
    let mut events = log.events.clone();
    events.sort_by_key(order);
    let before = events.len();
    events.dedup_by(|b, a| {
        a.case == b.case && a.activity == b.activity && a.ms == b.ms && a.complete == b.complete
    });
    let duplicates = (before - events.len()) as u64;
    let mut cases = Vec::new();
    let mut problems = Vec::new();
    for events in events.chunk_by(|a, b| a.case == b.case) {
        let id = log.cases[events[0].case as usize].clone();
        if let Some(e) = events
            .iter()
            .find(|e| mapped[e.activity as usize] == Mapped::Unknown)
        {
            let activity = log.activities[e.activity as usize].clone();
            problems.push((
                id,
                Problem::Unknown {
                    activity,
                    row: e.row,
                },
            ));
            continue;
        }
        let mut steps = Vec::new();
        let mut updates = Vec::new();
        // The latest start of each step not yet completed.
        let mut started: Vec<(u32, f64)> = Vec::new();
        for e in events {
            match mapped[e.activity as usize] {
                Mapped::Update(_) => updates.push(days(e.ms)),
                Mapped::Step(s) if e.complete => {
                    let start = started
                        .iter()
                        .position(|&(t, _)| t == s)
                        .map(|k| started.swap_remove(k).1);
                    steps.push(ObservedStep {
                        step: s,
                        start,
                        end: days(e.ms),
                        updates: std::mem::take(&mut updates),
                    });
                }
                Mapped::Step(s) => {
                    started.retain(|&(t, _)| t != s);
                    started.push((s, days(e.ms)));
                }
                Mapped::Unknown => {}
            }
        }
        order_ties(&model, &mut steps);
        cases.push(ObservedCase {
            id,
            start: days(events[0].ms),
            steps,
        });
    }
    let measured = measure(&model, &cases);
    let misfits: std::collections::HashSet<&str> =
        measured.misfits.iter().map(|(id, _)| id.as_str()).collect();
    cases.retain(|c| !misfits.contains(c.id.as_str()));
    for (id, m) in &measured.misfits {
        problems.push((id.clone(), Problem::Misfit(m.clone())));
    }
    // In the order of the log.
    let order: HashMap<&str, usize> = log
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    problems.sort_by_key(|(id, _)| order.get(id.as_str()).copied().unwrap_or(usize::MAX));
    Conformance {
        origin,
        last: day_of(last_ms),
        measured,
        problems,
        activities: log.activities.iter().cloned().zip(mapped).collect(),
        duplicates,
        cases,
        model,
    }
}

#[cfg(test)]
mod tests;
