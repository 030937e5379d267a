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

/// What a log writes of one model's steps, escaped for the format.
struct Names {
    /// The activity of each step.
    activities: Vec<String>,
    /// The same, of the step's updates.
    updates: Vec<String>,
    /// The resource of each step (its actor's title).
    resources: Vec<String>,
    /// Per step: the id of its actor's OCEL object.
    actors: Vec<String>,
    /// The procedure simulated.
    procedure: String,
}

/// Writes journeys to `W` as an event log: of one model, one call of
/// [`LogWriter::journeys`] per batch; of several (a caseload's
/// procedures), [`LogWriter::case`] per case.
pub struct LogWriter<W: Write> {
    w: W,
    format: LogFormat,
    /// Per model.
    names: Vec<Names>,
    /// OCEL: the ids of the cases named by [`LogWriter::case`], in order
    /// (the others are numbered).
    ids: Vec<String>,
    /// The first day.
    origin: Date,
    /// The day of the last time written, and its date's text.
    day: Option<(i64, String)>,
    /// Cases written.
    cases: u64,
    /// Events written.
    events: u64,
    /// OCEL: each case's outcome (an index into [`OUTCOMES`], or
    /// `OUTCOMES.len()` for unfinished) and model.
    outcomes: Vec<(u8, u32)>,
    /// A reusable line.
    line: String,
}

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;

impl<W: Write> LogWriter<W> {
    /// A log of journeys of `model` that start on `origin`, in `format`:
    /// writes its head.
    pub fn new(w: W, format: LogFormat, model: &SimModel, origin: Date) -> io::Result<Self> {
        LogWriter::of_models(w, format, &[model], origin)
    }

    /// A log of the cases of `models` (a caseload's procedures) on the
    /// dates from `origin`, in `format`: writes its head. The OCEL actors
    /// of model `m` are `actor-M.A` when there are several.
    pub fn of_models(
        mut w: W,
        format: LogFormat,
        models: &[&SimModel],
        origin: Date,
    ) -> io::Result<Self> {
        let escape = |s: &str| match format {
            LogFormat::Csv => csv_cell(s),
            LogFormat::Xes => xml(s),
            LogFormat::Ocel => json_string(s),
        };
        let mut names = Vec::new();
        let mut all_activities = Vec::new();
        for (m, model) in models.iter().enumerate() {
            let raw = step_names(model);
            for (i, n) in raw.iter().enumerate() {
                all_activities.push(n.clone());
                if model.steps[i].updates.is_some() {
                    all_activities.push(update_name(n));
                }
            }
            names.push(Names {
                activities: raw.iter().map(|n| escape(n)).collect(),
                updates: raw.iter().map(|n| escape(&update_name(n))).collect(),
                resources: model
                    .steps
                    .iter()
                    .map(|st| escape(&model.actors[st.actor as usize]))
                    .collect(),
                actors: model
                    .steps
                    .iter()
                    .map(|st| actor_id(models.len(), m, st.actor))
                    .collect(),
                procedure: escape(&model.procedures[0].id),
            });
        }
        let title = models
            .iter()
            .map(|m| m.procedures[0].id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        match format {
            LogFormat::Csv => {
                writeln!(w, "{}", CSV_COLUMNS.join(","))?;
            }
            LogFormat::Xes => write_xes_head(&mut w, &title)?,
            LogFormat::Ocel => write_ocel_head(&mut w, all_activities)?,
        }
        Ok(LogWriter {
            w,
            format,
            names,
            ids: Vec::new(),
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

    /// Writes `journeys`, the next ones of the run of the one model, in
    /// order: cases `1`, `2`, ...
    pub fn journeys(&mut self, journeys: &[Trace]) -> io::Result<()> {
        for j in journeys {
            let id = (self.cases + 1).to_string();
            self.write_case(0, &id, 0.0, j)?;
        }
        Ok(())
    }

    /// Writes case `id` of model `model`, which started `start` days after
    /// the origin; its steps' times count from its start. `id` must be
    /// fit for the format (it is written as it is).
    pub fn case(&mut self, model: usize, id: &str, start: f64, j: &Trace) -> io::Result<()> {
        if self.format == LogFormat::Ocel {
            self.ids.push(id.to_owned());
        }
        self.write_case(model, id, start, j)
    }

    fn write_case(&mut self, m: usize, case: &str, start: f64, j: &Trace) -> io::Result<()> {
        self.cases += 1;
        let outcome = j.outcome.map_or(UNFINISHED, |o| o.as_str());
        if self.format == LogFormat::Xes {
            writeln!(
                self.w,
                "  <trace>\n    <string key=\"concept:name\" value=\"{case}\"/>\n    <string key=\"procedure\" value=\"{}\"/>\n    <string key=\"outcome\" value=\"{outcome}\"/>",
                self.names[m].procedure
            )?;
        }
        if self.format == LogFormat::Ocel {
            let i = j
                .outcome
                .and_then(|o| OUTCOMES.iter().position(|x| *x == o))
                .unwrap_or(OUTCOMES.len());
            self.outcomes.push((i as u8, m as u32));
        }
        for s in &j.steps {
            let i = s.step as usize;
            self.event(case, m, outcome, i, false, "start", start + s.start)?;
            if let Some(u) = &s.updates {
                for k in 0..u.count {
                    self.event(case, m, outcome, i, true, "complete", start + u.at(k))?;
                }
            }
            self.event(case, m, outcome, i, false, "complete", start + s.end)?;
        }
        if self.format == LogFormat::Xes {
            writeln!(self.w, "  </trace>")?;
        }
        Ok(())
    }

    /// One event of `case` of model `m`: step `i` (its update when
    /// `update`) with `transition` at `days` after the origin.
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        case: &str,
        m: usize,
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
        let names = &self.names[m];
        let activity = if update {
            &names.updates[i]
        } else {
            &names.activities[i]
        };
        let resource = &names.resources[i];
        match self.format {
            LogFormat::Csv => {
                let _ = writeln!(
                    line,
                    "{case},{activity},{time},{transition},{resource},{},{outcome}",
                    names.procedure
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
                    "{sep}    {{\"id\": \"e{}\", \"type\": {activity}, \"time\": \"{time}\", \"attributes\": [{{\"name\": \"lifecycle\", \"value\": \"{transition}\"}}], \"relationships\": [{{\"objectId\": \"case-{case}\", \"qualifier\": \"case\"}}, {{\"objectId\": \"{}\", \"qualifier\": \"resource\"}}]}}",
                    self.events, names.actors[i]
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
                for (k, &(o, m)) in self.outcomes.iter().enumerate() {
                    let outcome = OUTCOMES.get(o as usize).map_or(UNFINISHED, |x| x.as_str());
                    let sep = if first { "" } else { ",\n" };
                    first = false;
                    let id = self
                        .ids
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| (k + 1).to_string());
                    write!(
                        self.w,
                        "{sep}    {{\"id\": \"case-{id}\", \"type\": \"case\", \"attributes\": [{{\"name\": \"procedure\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": {}}}, {{\"name\": \"outcome\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": \"{outcome}\"}}], \"relationships\": []}}",
                        self.names[m as usize].procedure
                    )?;
                }
                // Each actor once, with the title of its first step.
                let mut actors: Vec<(&str, &str)> = Vec::new();
                for n in &self.names {
                    for (a, title) in n.actors.iter().zip(&n.resources) {
                        if !actors.iter().any(|(x, _)| x == a) {
                            actors.push((a, title));
                        }
                    }
                }
                actors.sort_unstable();
                for (a, title) in actors {
                    let sep = if first { "" } else { ",\n" };
                    first = false;
                    write!(
                        self.w,
                        "{sep}    {{\"id\": \"{a}\", \"type\": \"actor\", \"attributes\": [{{\"name\": \"title\", \"time\": \"1970-01-01T00:00:00.000\", \"value\": {title}}}], \"relationships\": []}}"
                    )?;
                }
                writeln!(self.w, "\n  ]\n}}")?;
            }
        }
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Each step's activity in a log: its id in the procedure simulated,
/// `procedure:step` in one it escalates to.
fn step_names(model: &SimModel) -> Vec<String> {
    (0..model.steps.len())
        .map(|i| {
            let st = &model.steps[i];
            let id = &model.names[i].id;
            if st.procedure == 0 {
                id.clone()
            } else {
                format!("{}:{id}", model.procedures[st.procedure as usize].id)
            }
        })
        .collect()
}

/// The OCEL object of actor `a` of model `m` of `models`: `actor-A`, or
/// `actor-M.A` when there are several models.
fn actor_id(models: usize, m: usize, a: u32) -> String {
    if models > 1 {
        format!("actor-{m}.{a}")
    } else {
        format!("actor-{a}")
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

fn write_ocel_head<W: Write>(w: &mut W, mut types: Vec<String>) -> io::Result<()> {
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
