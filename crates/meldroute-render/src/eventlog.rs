//! Simulated journeys as an event log (`meldroute simulate --log`,
//! docs/eventlog.md), streamed: each journey is written as it comes and
//! forgotten, so a log of a million journeys takes no more memory than one
//! of ten (OCEL keeps one byte a journey, its outcome, for the case
//! objects at the end).
//!
//! A journey is a case (`1`, `2`, ... in the order of the run); each step
//! it takes is two events, its start and its completion (`lifecycle`
//! `start` and `complete`), at the step's times, by the step's actor
//! (`org:resource`, the actor's title); each interim update while a step
//! runs ([`meldroute_core::sim::model::UpdateTimes`]) is one event
//! `STEP (update)`, `complete`, by the same actor. A step of the procedure
//! simulated is named by its id, a step of a procedure escalated to by
//! `procedure:step`. Times are civil times on the simulation's calendar:
//! the start date at 00:00 plus the journey's days, to the millisecond,
//! without a time zone (the simulation's days are days of the Dutch
//! calendar, not instants of a zone).
//!
//! Three formats: CSV with PM4Py's column names, XES (IEEE 1849-2016, with
//! the concept, time, lifecycle and org extensions) and OCEL 2.0 JSON
//! (cases and actors as objects). Every user string is escaped for its
//! format (XML, JSON) or made inert for a spreadsheet (CSV).

use std::fmt::Write as _;
use std::io::{self, Write};

use meldroute_core::calendar::Date;
use meldroute_core::sim::{OUTCOMES, SimModel, Trace};

use crate::text::{inert_cell, xml};

/// The format of a log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// CSV, one event a row, with PM4Py's column names.
    Csv,
    /// XES (IEEE 1849-2016).
    Xes,
    /// OCEL 2.0 JSON.
    Ocel,
}

impl LogFormat {
    /// The format a file's name says (`.csv`, `.xes`, `.jsonocel` or
    /// `.json`), if any.
    pub fn of_path(path: &std::path::Path) -> Option<LogFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(LogFormat::Csv),
            "xes" => Some(LogFormat::Xes),
            "json" | "jsonocel" => Some(LogFormat::Ocel),
            _ => None,
        }
    }
}

/// The columns of the CSV log, in order.
pub const CSV_COLUMNS: [&str; 7] = [
    "case:concept:name",
    "concept:name",
    "time:timestamp",
    "lifecycle:transition",
    "org:resource",
    "case:procedure",
    "case:outcome",
];

/// What a case that hit the step limit is called where its outcome goes.
pub const UNFINISHED: &str = "unfinished";

/// Writes journeys to `W` as an event log, one call of
/// [`LogWriter::journeys`] per batch.
pub struct LogWriter<W: Write> {
    w: W,
    format: LogFormat,
    /// The activity of each step of the model, escaped for the format.
    activities: Vec<String>,
    /// The same, of the step's updates.
    updates: Vec<String>,
    /// The resource of each step (its actor's title), escaped.
    resources: Vec<String>,
    /// Per step: its actor's index (OCEL's actor objects).
    actors: Vec<u32>,
    /// The procedure simulated, escaped.
    procedure: String,
    /// The first day.
    origin: Date,
    /// The day of the last time written, and its date's text.
    day: Option<(i64, String)>,
    /// Cases written.
    cases: u64,
    /// Events written.
    events: u64,
    /// OCEL: each case's outcome (an index into [`OUTCOMES`], or
    /// `OUTCOMES.len()` for unfinished).
    outcomes: Vec<u8>,
    /// A reusable line.
    line: String,
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

impl<W: Write> LogWriter<W> {
    /// A log of journeys of `model` that start on `origin`, in `format`:
    /// writes its head.
    pub fn new(mut w: W, format: LogFormat, model: &SimModel, origin: Date) -> io::Result<Self> {
        let escape = |s: &str| match format {
            LogFormat::Csv => csv_cell(s),
            LogFormat::Xes => xml(s),
            LogFormat::Ocel => json_string(s),
        };
        let names: Vec<String> = (0..model.steps.len())
            .map(|i| {
                let st = &model.steps[i];
                let id = &model.names[i].id;
                if st.procedure == 0 {
                    id.clone()
                } else {
                    format!("{}:{id}", model.procedures[st.procedure as usize].id)
                }
            })
            .collect();
        let activities = names.iter().map(|n| escape(n)).collect();
        let updates = names.iter().map(|n| escape(&update_name(n))).collect();
        let resources = model
            .steps
            .iter()
            .map(|st| escape(&model.actors[st.actor as usize]))
            .collect();
        let procedure = model.procedures[0].id.clone();
        match format {
            LogFormat::Csv => {
                writeln!(w, "{}", CSV_COLUMNS.join(","))?;
            }
            LogFormat::Xes => write_xes_head(&mut w, &procedure)?,
            LogFormat::Ocel => write_ocel_head(&mut w, model, &names)?,
        }
        Ok(LogWriter {
            w,
            format,
            activities,
            updates,
            resources,
            actors: model.steps.iter().map(|st| st.actor).collect(),
            procedure: escape(&procedure),
            origin,
            day: None,
            cases: 0,
            events: 0,
            outcomes: Vec::new(),
            line: String::new(),
        })
    }

    /// Cases written so far.
    pub fn cases(&self) -> u64 {
        self.cases
    }

    /// Events written so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Writes `journeys`, the next ones of the run, in order.
    pub fn journeys(&mut self, journeys: &[Trace]) -> io::Result<()> {
        for j in journeys {
            self.journey(j)?;
        }
        Ok(())
    }

    fn journey(&mut self, j: &Trace) -> io::Result<()> {
        self.cases += 1;
        let case = self.cases;
        let outcome = j.outcome.map_or(UNFINISHED, |o| o.as_str());
        if self.format == LogFormat::Xes {
            writeln!(
                self.w,
                "  <trace>\n    <string key=\"concept:name\" value=\"{case}\"/>\n    <string key=\"procedure\" value=\"{}\"/>\n    <string key=\"outcome\" value=\"{outcome}\"/>",
                self.procedure
            )?;
        }
        if self.format == LogFormat::Ocel {
            let i = j
                .outcome
                .and_then(|o| OUTCOMES.iter().position(|x| *x == o))
                .unwrap_or(OUTCOMES.len());
            self.outcomes.push(i as u8);
        }
        for s in &j.steps {
            let i = s.step as usize;
            self.event(case, outcome, i, false, "start", s.start)?;
            if let Some(u) = &s.updates {
                for k in 0..u.count {
                    self.event(case, outcome, i, true, "complete", u.at(k))?;
                }
            }
            self.event(case, outcome, i, false, "complete", s.end)?;
        }
        if self.format == LogFormat::Xes {
            writeln!(self.w, "  </trace>")?;
        }
        Ok(())
    }

    /// One event of `case`: step `i` (its update when `update`) with
    /// `transition` at `days` after the start.
    fn event(
        &mut self,
        case: u64,
        outcome: &str,
        i: usize,
        update: bool,
        transition: &str,
        days: f64,
    ) -> io::Result<()> {
        self.events += 1;
        let mut line = std::mem::take(&mut self.line);
        line.clear();
        let time = self.time(days);
        let activity = if update {
            &self.updates[i]
        } else {
            &self.activities[i]
        };
        let resource = &self.resources[i];
        match self.format {
            LogFormat::Csv => {
                let _ = writeln!(
                    line,
                    "{case},{activity},{time},{transition},{resource},{},{outcome}",
                    self.procedure
                );
            }
            LogFormat::Xes => {
                let _ = writeln!(
                    line,
                    "    <event>\n      <string key=\"concept:name\" value=\"{activity}\"/>\n      <string key=\"lifecycle:transition\" value=\"{transition}\"/>\n      <string key=\"org:resource\" value=\"{resource}\"/>\n      <date key=\"time:timestamp\" value=\"{time}\"/>\n    </event>"
                );
            }
            LogFormat::Ocel => {
                let sep = if self.events == 1 { "" } else { ",\n" };
                let _ = write!(
                    line,
                    "{sep}    {{\"id\": \"e{}\", \"type\": {activity}, \"time\": \"{time}\", \"attributes\": [{{\"name\": \"lifecycle\", \"value\": \"{transition}\"}}], \"relationships\": [{{\"objectId\": \"case-{case}\", \"qualifier\": \"case\"}}, {{\"objectId\": \"actor-{}\", \"qualifier\": \"resource\"}}]}}",
                    self.events, self.actors[i]
                );
            }
        }
        let r = self.w.write_all(line.as_bytes());
        self.line = line;
        r
    }

    /// The civil time `days` after the start, to the millisecond:
    /// `2025-01-06T13:30:00.000`.
    fn time(&mut self, days: f64) -> String {
        let ms = (days * DAY_MS as f64).round() as i64;
        let (day, rem) = (ms.div_euclid(DAY_MS), ms.rem_euclid(DAY_MS));
        if self.day.as_ref().is_none_or(|(d, _)| *d != day) {
            let date = self
                .origin
                .checked_add(jiff::Span::new().days(day))
                .unwrap_or(Date::MAX);
            self.day = Some((day, date.to_string()));
        }
        let date = self.day.as_ref().map_or("", |(_, s)| s.as_str());
        let (h, m, s, milli) = (
            rem / 3_600_000,
            rem / 60_000 % 60,
            rem / 1000 % 60,
            rem % 1000,
        );
        format!("{date}T{h:02}:{m:02}:{s:02}.{milli:03}")
    }

    /// Writes the log's end (OCEL: the objects) and hands back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            LogFormat::Csv => {}
            LogFormat::Xes => writeln!(self.w, "</log>")?,
            LogFormat::Ocel => {
                writeln!(self.w, "\n  ],\n  \"objects\": [")?;
                let mut first = true;
                let mut actors: Vec<u32> = self.actors.clone();
                actors.sort_unstable();
                actors.dedup();
                for (k, &o) in self.outcomes.iter().enumerate() {
                    let outcome = OUTCOMES.get(o as usize).map_or(UNFINISHED, |x| x.as_str());
                    let sep = if first { "" } else { ",\n" };
                    first = false;
                    write!(
                        self.w,
                        "{sep}    {{\"id\": \"case-{}\", \"type\": \"case\", \"attributes\": [{{\"name\": \"procedure\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": {}}}, {{\"name\": \"outcome\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": \"{outcome}\"}}], \"relationships\": []}}",
                        k + 1,
                        self.procedure
                    )?;
                }
                for a in actors {
                    let sep = if first { "" } else { ",\n" };
                    first = false;
                    let title = self
                        .actors
                        .iter()
                        .position(|x| *x == a)
                        .map_or_else(String::new, |i| self.resources[i].clone());
                    write!(
                        self.w,
                        "{sep}    {{\"id\": \"actor-{a}\", \"type\": \"actor\", \"attributes\": [{{\"name\": \"title\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": {title}}}], \"relationships\": []}}"
                    )?;
                }
                writeln!(self.w, "\n  ]\n}}")?;
            }
        }
        self.w.flush()?;
        Ok(self.w)
    }
}

/// The activity of the interim updates of the step called `name`.
pub fn update_name(name: &str) -> String {
    format!("{name} (update)")
}

/// `s` as one CSV cell: quoted when it holds a comma, quote or line break;
/// inert for a spreadsheet.
fn csv_cell(s: &str) -> String {
    let s = inert_cell(s);
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `s` as a JSON string, quotes included.
fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

fn write_xes_head<W: Write>(w: &mut W, procedure: &str) -> io::Result<()> {
    write!(
        w,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <global scope="trace">
    <string key="concept:name" value=""/>
  </global>
  <global scope="event">
    <string key="concept:name" value=""/>
    <string key="lifecycle:transition" value="complete"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000"/>
  </global>
  <classifier name="Activity" keys="concept:name"/>
  <classifier name="Activity and transition" keys="concept:name lifecycle:transition"/>
  <string key="concept:name" value="{}"/>
  <string key="source" value="meldroute simulate --log"/>
"#,
        xml(&format!("meldroute: {procedure}"))
    )
}

fn write_ocel_head<W: Write>(w: &mut W, model: &SimModel, names: &[String]) -> io::Result<()> {
    let mut types: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        types.push(n.clone());
        if model.steps[i].updates.is_some() {
            types.push(update_name(n));
        }
    }
    types.sort();
    types.dedup();
    let event_types: Vec<String> = types
        .iter()
        .map(|t| {
            format!(
                "    {{\"name\": {}, \"attributes\": [{{\"name\": \"lifecycle\", \"type\": \"string\"}}]}}",
                json_string(t)
            )
        })
        .collect();
    write!(
        w,
        "{{\n  \"objectTypes\": [\n    {{\"name\": \"case\", \"attributes\": [{{\"name\": \"procedure\", \"type\": \"string\"}}, {{\"name\": \"outcome\", \"type\": \"string\"}}]}},\n    {{\"name\": \"actor\", \"attributes\": [{{\"name\": \"title\", \"type\": \"string\"}}]}}\n  ],\n  \"eventTypes\": [\n{}\n  ],\n  \"events\": [\n",
        event_types.join(",\n")
    )
}
