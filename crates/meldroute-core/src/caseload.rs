//! Caseloads: how many reports arrive at which procedures, and how many
//! people handle them. A caseload file names the procedures that run, how
//! their reports arrive (a Poisson process with a rate per year, a rate
//! per year for each year, a rate per calendar month, or a list of dates),
//! from which date until which, with a warm-up, the cases open at the
//! start, and the handlers of each pool of actors (shared across
//! procedures). [`crate::sim::des`] simulates it: every case waits for a
//! handler of its step's pool, first come first served (a priority where
//! the file gives one). See docs/caseload.md.

// The checks return a located finding per file, never on a hot path.
#![allow(clippy::result_large_err)]

use std::fmt;

use meldroute_diagnostics::Arg;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;

use crate::diag::{Diagnostic, Severity};
use crate::duration::Duration;
use crate::library::{EntryId, Library};
use crate::meta::{Category, RuleMeta};
use crate::model::{Basis, Located, OrderedMap};
use crate::source::{FileId, Pos, SourceFile};
use crate::version::FormatVersion;

/// Code of the findings about caseload files.
pub const CASELOAD_CODE: &str = "MR025";
/// Name of the findings about caseload files.
pub const CASELOAD_NAME: &str = "invalid-caseload";

/// What `MR025` means, for `meldroute rules MR025`.
pub const CASELOAD: RuleMeta = RuleMeta {
    code: CASELOAD_CODE,
    name: CASELOAD_NAME,
    category: Category::Correctness,
    severity: Severity::Error,
    summary: "a caseload cannot run: an unknown procedure, step or actor, a capacity or rate that is not above zero, a period that ends before it starts",
    doc: concat!(
        " ### What it does\n",
        " Checks every caseload file (a file with a top-level `caseload:` key; see\n",
        " docs/caseload.md) against the procedures loaded: each procedure it runs\n",
        " must be loaded, each pool's actors must be actors of those procedures (or\n",
        " of the procedures they escalate to), each step it names must exist. A pool\n",
        " needs at least one handler, an arrival rate must be above zero (every\n",
        " year's, every month's), arrival dates must lie in the period, the period\n",
        " must end after it starts and the warm-up must end before the period does.\n",
        " An actor may be served by one pool only.\n",
        "\n",
        " ### Why is this bad\n",
        " A caseload that does not run as written would show a backlog of some\n",
        " other organisation than the one the analyst meant.\n",
        "\n",
        " ### Example\n",
        " Fails: no handlers:\n",
        " ```yaml\n",
        " pools:\n",
        "   onderzoekers: {handlers: 0, basis: assumption}\n",
        " ```\n",
        " Passes:\n",
        " ```yaml\n",
        " pools:\n",
        "   onderzoekers: {handlers: 2, basis: assumption}\n",
        " ```\n",
    ),
};

/// Most reports one replication of a caseload may expect (the sum of its
/// rates over the period): beyond it the file is refused, not run out of
/// memory.
pub const MAX_EXPECTED_ARRIVALS: f64 = 1e8;

/// The longest period a caseload may simulate, in years (long periods are
/// for queueing tests; the dates of the period are kept in tables).
pub const MAX_PERIOD_YEARS: f64 = 1000.0;

/// Most cases a pool may keep waiting at once before the run stops with an
/// error (a capacity far below the arrivals grows the queue without end).
pub const MAX_OPEN_CASES: usize = 10_000_000;

/// A caseload file.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "meldroute caseload",
    description = "Which procedures run, how reports arrive, and who handles them; see docs/caseload.md."
)]
pub struct CaseloadFile {
    /// Format version of the file, best the first key: `meldroute: 1`.
    #[serde(
        default,
        rename = "meldroute",
        deserialize_with = "crate::model::format_version"
    )]
    #[schemars(with = "FormatVersion", transform = crate::model::no_default)]
    pub format_version: Option<Located<FormatVersion>>,
    /// The caseload's id, e.g. `rijk/huis-onderzoeksverzoeken`.
    pub caseload: Located<String>,
    /// What it models, in a few words.
    pub title: String,
    /// More about it: where the figures come from.
    #[serde(default)]
    pub description: Option<String>,
    /// Another caseload this one changes (a caseload scenario): its period,
    /// procedures and pools are the base's, with `changes` applied.
    #[serde(default)]
    pub base: Option<Located<String>>,
    /// With `base`: the changes, applied in order.
    #[serde(default)]
    pub changes: Vec<Located<CaseloadChange>>,
    /// The first day of the period simulated, e.g. `2023-01-01`.
    #[serde(default)]
    pub start: Option<Located<Date>>,
    /// The day after the last day of the period, e.g. `2026-01-01`.
    #[serde(default)]
    pub until: Option<Located<Date>>,
    /// The first part of the period, whose reports are not measured (the
    /// queues fill up first), e.g. `1y`. Default: none.
    #[serde(default, rename = "warm-up")]
    pub warm_up: Option<Located<Duration>>,
    /// The procedures that run, each with its arrivals.
    #[serde(default)]
    pub procedures: Vec<Located<FlowSpec>>,
    /// The handlers of each pool, by pool id. A step whose actor no pool
    /// serves never waits.
    #[serde(default)]
    pub pools: OrderedMap<Located<PoolSpec>>,
}

/// A change of a caseload scenario: a pool's handlers, or a procedure's
/// arrivals (scaled from a date on, or replaced), with the reason.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CaseloadChange {
    /// The pool whose `handlers` change.
    #[serde(default)]
    pub pool: Option<Located<String>>,
    /// Its new handlers: one number, or one per year.
    #[serde(default)]
    pub handlers: Option<Located<ByYear<i64>>>,
    /// The procedure whose arrivals change.
    #[serde(default)]
    pub procedure: Option<Located<String>>,
    /// Its arrival rates times this factor (above zero): `1.5` for 50%
    /// more reports.
    #[serde(default)]
    pub scale_arrivals: Option<Located<crate::scenario::Factor>>,
    /// With `scale-arrivals`: from this day on (default: the whole period).
    #[serde(default)]
    pub from: Option<Located<Date>>,
    /// Its new arrivals.
    #[serde(default)]
    pub arrivals: Option<Located<ArrivalSpec>>,
    /// Why: the measure or assumption the change stands for.
    pub reason: Located<String>,
}

/// A procedure that runs in a caseload.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowSpec {
    /// The procedure's id (bundled or in a file given with the caseload).
    pub procedure: Located<String>,
    /// How its reports arrive.
    pub arrivals: Located<ArrivalSpec>,
    /// Cases open at the start of the period, waiting at one step.
    #[serde(default)]
    pub open: Option<Located<OpenSpec>>,
}

/// How reports arrive: exactly one of `per-year`, `per-month` and `dates`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ArrivalSpec {
    /// A Poisson process with this many reports per year on average, or
    /// a map from year to its rate (every year of the period needs one).
    #[serde(default)]
    pub per_year: Option<Located<ByYear<f64>>>,
    /// A Poisson process with a rate per calendar month: twelve numbers,
    /// January first, repeated every year.
    #[serde(default)]
    pub per_month: Option<Located<Vec<Located<f64>>>>,
    /// One report on each date (midnight), in the period.
    #[serde(default)]
    pub dates: Option<Located<Vec<Located<Date>>>>,
    /// Where the rates come from.
    pub basis: Located<Basis>,
    /// The source of the figures, or why they are assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// A figure for the whole period (`28`), or one for each calendar year
/// (`{2023: 28, 2024: 28, 2025: 93}`).
#[derive(Clone, Debug, PartialEq)]
pub enum ByYear<T> {
    /// The same every year.
    All(T),
    /// One per year, as written.
    Years(Vec<(Located<i16>, Located<T>)>),
}

impl<T> ByYear<T> {
    /// The figure of `year`, if the file gives one.
    pub fn year(&self, year: i16) -> Option<&Located<T>> {
        match self {
            ByYear::All(_) => None,
            ByYear::Years(ys) => ys.iter().find(|(y, _)| y.value == year).map(|(_, v)| v),
        }
    }
}

/// A number as [`ByYear`] reads it.
pub trait YearValue: Sized {
    /// From a whole number.
    fn from_i64(v: i64) -> Result<Self, String>;
    /// From a number with a fraction.
    fn from_f64(v: f64) -> Result<Self, String>;
}

impl YearValue for f64 {
    fn from_i64(v: i64) -> Result<Self, String> {
        Ok(v as f64)
    }
    fn from_f64(v: f64) -> Result<Self, String> {
        Ok(v)
    }
}

impl YearValue for i64 {
    fn from_i64(v: i64) -> Result<Self, String> {
        Ok(v)
    }
    fn from_f64(v: f64) -> Result<Self, String> {
        Err(format!("{v} is not a whole number"))
    }
}

/// A year as a key: `2025` or `"2025"`.
struct YearKey(i16);

impl<'de> Deserialize<'de> for YearKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = YearKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a year such as 2025")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<YearKey, E> {
                i16::try_from(v)
                    .ok()
                    .filter(|y| (1..=9999).contains(y))
                    .map(YearKey)
                    .ok_or_else(|| E::custom(format!("{v} is not a year from 1 to 9999")))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<YearKey, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<YearKey, E> {
                match v.trim().parse::<i64>() {
                    Ok(y) => self.visit_i64(y),
                    Err(_) => Err(E::custom(format!(
                        "`{}` is not a year such as 2025",
                        crate::duration::shown(v)
                    ))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de, T: Deserialize<'de> + YearValue> Deserialize<'de> for ByYear<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + YearValue> serde::de::Visitor<'de> for V<T> {
            type Value = ByYear<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, or a number for each year (`{2024: 28, 2025: 93}`)")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<ByYear<T>, E> {
                T::from_i64(v).map(ByYear::All).map_err(E::custom)
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<ByYear<T>, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<ByYear<T>, E> {
                T::from_f64(v).map(ByYear::All).map_err(E::custom)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ByYear<T>, A::Error> {
                let mut years: Vec<(Located<i16>, Located<T>)> = Vec::new();
                while let Some(key) = map.next_key::<Located<YearKey>>()? {
                    let year = Located {
                        value: key.value.0,
                        pos: key.pos,
                    };
                    let value: Located<T> = map.next_value()?;
                    if years.iter().any(|(y, _)| y.value == year.value) {
                        return Err(A::Error::custom(format!(
                            "the year {} is given twice",
                            year.value
                        )));
                    }
                    years.push((year, value));
                }
                Ok(ByYear::Years(years))
            }
        }
        deserializer.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<T> JsonSchema for ByYear<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ByYear".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number for the whole period, or a number for each calendar year.",
            "oneOf": [
                {"type": "number"},
                {
                    "type": "object",
                    "patternProperties": {"^[0-9]{1,4}$": {"type": "number"}},
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// Cases open at the start.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenSpec {
    /// How many.
    pub cases: Located<u64>,
    /// The step they wait at (default: the procedure's start).
    #[serde(default)]
    pub at: Option<Located<String>>,
    /// Where the figure comes from.
    pub basis: Located<Basis>,
    /// The source, or why it is assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// The handlers of a pool.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolSpec {
    /// How many cases the pool works on at once (people, or full-time
    /// equivalents): one number, or a number for each year of the period
    /// (`2024: 1`, `2025: 2`).
    pub handlers: Located<ByYear<i64>>,
    /// The actors it serves; default: the actor with the pool's id in every
    /// procedure of the caseload (and those they escalate to).
    #[serde(default)]
    pub serves: Option<Vec<Located<ServesSpec>>>,
    /// Where the figure comes from.
    pub basis: Located<Basis>,
    /// The source, or why it is assumed.
    #[serde(default)]
    pub note: Option<String>,
}

/// An actor of a procedure that a pool serves.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServesSpec {
    /// The procedure.
    pub procedure: Located<String>,
    /// The actor's id in it.
    pub actor: Located<String>,
    /// Only these steps of the actor need the pool's handlers (default:
    /// all its steps); the others take their time without waiting.
    #[serde(default)]
    pub steps: Option<Vec<Located<String>>>,
    /// Priorities of its steps (a higher number is served first; default 0).
    #[serde(default)]
    pub priority: OrderedMap<Located<i64>>,
}

/// A day, written `2026-01-31`; a day that does not exist is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Parses `2026-01-31`.
    pub fn parse(text: &str) -> Result<Date, String> {
        let t = text.trim();
        let shape = t.len() == 10
            && t.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !shape {
            return Err(format!(
                "`{}` is not a date: write it as year-month-day, e.g. `2026-01-31`",
                crate::duration::shown(t)
            ));
        }
        let n = |r: std::ops::Range<usize>| t[r].parse::<i16>().unwrap_or(0);
        let (y, m, d) = (n(0..4), n(5..7) as i8, n(8..10) as i8);
        jiff::civil::Date::new(y, m, d)
            .map(Date)
            .map_err(|_| format!("`{t}` is not a date that exists (check the month and the day)"))
    }

    /// Days from `origin` to this day.
    pub fn days_since(self, origin: Date) -> i64 {
        i64::from(self.0.since(origin.0).map_or(0, |span| span.get_days()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl serde::de::Visitor<'_> for DateVisitor {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as `2026-01-31`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(DateVisitor)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A day, year-month-day: `2026-01-31`."
        })
    }
}

/// True when `text` is a caseload file (it has a top-level `caseload:` key).
pub fn is_caseload(text: &str) -> bool {
    crate::load::has_top_level_key(text, "caseload")
}

/// Parses `source` as a caseload file.
#[allow(clippy::result_large_err)] // one per file, never on a hot path
pub(crate) fn parse(
    source: &SourceFile,
    file: FileId,
    limits: &crate::Limits,
) -> Result<CaseloadFile, Diagnostic> {
    crate::load::parse_kind(
        source,
        file,
        limits,
        "a caseload file needs `caseload`, `title`, `start`, `until` and `procedures` (or a `base` and `changes`); see docs/caseload.md",
        |c: &CaseloadFile| c.format_version.as_ref(),
    )
}

/// A caseload, checked against the library: what the engine runs.
#[derive(Clone, Debug)]
pub struct Caseload {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The file it was read from.
    pub file: FileId,
    /// The first day.
    pub start: Date,
    /// The day after the last.
    pub until: Date,
    /// Days in the period.
    pub days: f64,
    /// Days of warm-up.
    pub warm_up: f64,
    /// The procedures that run.
    pub flows: Vec<Flow>,
    /// The pools of handlers.
    pub pools: Vec<Pool>,
}

/// A procedure of a caseload.
#[derive(Clone, Debug)]
pub struct Flow {
    /// The procedure.
    pub entry: EntryId,
    /// Its id.
    pub procedure: String,
    /// How its reports arrive.
    pub arrivals: Arrivals,
    /// Cases open at the start, and the step (id) they wait at.
    pub open: Option<(u64, Option<String>)>,
    /// Where the arrivals come from (a scenario's change keeps it).
    pub arrivals_basis: Basis,
    /// Where the number of cases open at the start comes from.
    pub open_basis: Option<Basis>,
}

/// When reports arrive, in days since the caseload's start.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// A Poisson process whose rate (per day) is constant on each piece:
    /// `(start, rate)`, pieces in order, the first at 0; the last lasts to
    /// the end of the period.
    Poisson(Vec<(f64, f64)>),
    /// One report at each time, in order.
    Times(Vec<f64>),
}

impl Arrivals {
    /// The reports expected over `days` days.
    pub fn expected(&self, days: f64) -> f64 {
        match self {
            Arrivals::Times(t) => t.len() as f64,
            Arrivals::Poisson(pieces) => pieces
                .iter()
                .enumerate()
                .map(|(i, &(from, rate))| {
                    let to = pieces.get(i + 1).map_or(days, |p| p.0).min(days);
                    rate * (to - from).max(0.0)
                })
                .sum(),
        }
    }
}

/// A pool of handlers.
#[derive(Clone, Debug)]
pub struct Pool {
    /// Its id.
    pub id: String,
    /// How many cases it works on at once, from a day on: `(from, handlers)`,
    /// in order, the first from 0.
    pub handlers: Vec<(f64, u32)>,
    /// The actors it serves.
    pub serves: Vec<Served>,
    /// Where its number of handlers comes from (a scenario's change keeps it).
    pub basis: Basis,
}

/// An actor of a procedure that a pool serves.
#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    /// The procedure's id.
    pub procedure: String,
    /// The actor's id.
    pub actor: String,
    /// The steps of the actor it does (`None`: all of them).
    pub steps: Option<Vec<String>>,
    /// Priorities of its steps by step id (a higher number first; others 0).
    pub priorities: Vec<(String, i64)>,
}

impl Served {
    /// The pool serves step `step` of actor `actor` of `procedure`.
    pub fn covers(&self, procedure: &str, actor: &str, step: &str) -> bool {
        self.procedure == procedure
            && self.actor == actor
            && self
                .steps
                .as_ref()
                .is_none_or(|s| s.iter().any(|x| x == step))
    }
}

/// A finding about a caseload at `pos` of its file.
pub(crate) fn finding(
    source: &SourceFile,
    file: FileId,
    pos: Pos,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic::new(
        CASELOAD_CODE,
        CASELOAD_NAME,
        Severity::Error,
        file,
        source.byte_span(pos),
        message,
    )
}

/// Checks `c` (read from `file`) against the procedures of `library` and
/// resolves it; the findings when it cannot run.
pub(crate) fn resolve(
    library: &Library,
    c: &CaseloadFile,
    file: FileId,
) -> Result<Caseload, Vec<Diagnostic>> {
    let source = library.file(file);
    let at = |pos: Pos, message: &str| finding(source, file, pos, message.to_owned());
    let mut errors = Vec::new();
    if let Some(why) = crate::id::problem(crate::id::IdKind::Procedure, &c.caseload) {
        errors.push(
            at(c.caseload.pos, "caseload id {id} is not valid: {why}")
                .with_arg("id", Arg::id(c.caseload.as_str()))
                .with_arg("why", Arg::text(why)),
        );
    }
    if let Some(base) = &c.base {
        return derived(library, c, base, file, &at);
    }
    let (Some(start_at), Some(until_at)) = (&c.start, &c.until) else {
        return Err(vec![
            at(c.caseload.pos, "caseload {id} has no period")
                .with_arg("id", Arg::id(c.caseload.as_str()))
                .with_help("give `start` and `until` (the day after the last), or a `base` caseload to change"),
        ]);
    };
    let (start, until) = (start_at.value, until_at.value);
    let days = until.days_since(start) as f64;
    if days <= 0.0 {
        errors.push(
            at(
                until_at.pos,
                "the period ends on {until}, not after its start {start}",
            )
            .with_arg("until", Arg::text(until.to_string()))
            .with_arg("start", Arg::text(start.to_string()))
            .with_help("give `until` the day after the last day simulated, after `start`"),
        );
    }
    if days > MAX_PERIOD_YEARS * crate::duration::DAYS_PER_YEAR {
        errors.push(
            at(until_at.pos, "the period of {days} is longer than 1,000 years")
                .with_arg("days", Arg::Days(days))
                .with_help("simulate at most 1,000 years (the dates of a caseload are kept in tables over its period)"),
        );
    }
    let warm_up = c.warm_up.as_ref().map_or(0.0, |w| w.days());
    if let Some(w) = &c.warm_up
        && (w.days() < 0.0 || (days > 0.0 && w.days() >= days))
    {
        errors.push(
            at(
                w.pos,
                "the warm-up of {days} does not end inside the period",
            )
            .with_arg("days", Arg::Days(w.days()))
            .with_help("give a warm-up of zero or more, shorter than the period"),
        );
    }
    if c.procedures.is_empty() {
        errors.push(
            at(c.caseload.pos, "the caseload runs no procedure")
                .with_help("list the procedures under `procedures`, each with its `arrivals`"),
        );
    }
    let mut flows = Vec::new();
    // Every procedure found, with arrivals that can run or not: the pools
    // are checked against them all.
    let mut run = Vec::new();
    for f in &c.procedures {
        let entry = match library.resolve_index(f.procedure.as_str()) {
            Some(e) => e,
            None => {
                errors.push(
                    at(f.procedure.pos, "procedure {id} is not loaded")
                        .with_arg("id", Arg::id(f.procedure.as_str()))
                        .with_help("name a procedure (`meldroute list` shows the bundled ones), or give its file with the caseload"),
                );
                continue;
            }
        };
        run.push(entry);
        let arrivals = match arrivals(&f.arrivals, start, until, days, &at) {
            Ok(a) => a,
            Err(d) => {
                errors.push(d);
                continue;
            }
        };
        let procedure = &library.entry(entry).procedure;
        let open = match &f.open {
            None => None,
            Some(o) => {
                if let Some(step) = &o.at
                    && !procedure.steps.contains_key(step.as_str())
                {
                    errors.push(
                        at(step.pos, "procedure {procedure} has no step {step}")
                            .with_arg("procedure", Arg::id(f.procedure.as_str()))
                            .with_arg("step", Arg::id(step.as_str()))
                            .with_help("name one of the procedure's steps, or leave `at` out to start at its start"),
                    );
                }
                if *o.cases > MAX_OPEN_CASES as u64 {
                    errors.push(
                        at(
                            o.cases.pos,
                            "{count} cases open at the start, more than meldroute simulates",
                        )
                        .with_arg("count", Arg::Count(*o.cases))
                        .with_help(format!("give at most {MAX_OPEN_CASES} cases")),
                    );
                }
                Some((*o.cases, o.at.as_ref().map(|s| s.value.clone())))
            }
        };
        flows.push(Flow {
            entry,
            procedure: f.procedure.value.clone(),
            arrivals,
            open,
            arrivals_basis: f.arrivals.basis.value,
            open_basis: f.open.as_ref().map(|o| o.basis.value),
        });
    }
    let reached = reached_procedures(library, &run);
    let mut pools = Vec::new();
    let mut served: Vec<(String, String)> = Vec::new();
    for (id, p) in c.pools.iter() {
        if let Some(why) = crate::id::problem(crate::id::IdKind::Actor, id) {
            errors.push(
                at(id.pos, "pool id {id} is not valid: {why}")
                    .with_arg("id", Arg::id(id.as_str()))
                    .with_arg("why", Arg::text(why)),
            );
            continue;
        }
        let handlers = match handler_pieces(id, &p.handlers, start, until, &at) {
            Ok(h) => h,
            Err(d) => {
                errors.push(d);
                vec![(0.0, 1)]
            }
        };
        let mut serves = Vec::new();
        match &p.serves {
            None => {
                for proc_id in &reached {
                    if let Some(e) = library.resolve_index(proc_id)
                        && library.entry(e).procedure.actors.contains_key(id.as_str())
                    {
                        serves.push(Served {
                            procedure: proc_id.clone(),
                            actor: id.value.clone(),
                            steps: None,
                            priorities: Vec::new(),
                        });
                    }
                }
                if serves.is_empty() {
                    errors.push(
                        at(id.pos, "no procedure of the caseload has an actor {actor}")
                            .with_arg("actor", Arg::id(id.as_str()))
                            .with_help("name the pool after an actor of its procedures, or list the actors it serves under `serves`"),
                    );
                }
            }
            Some(list) => {
                for s in list {
                    match serves_entry(library, &reached, s, &at) {
                        Ok(entry) => serves.push(entry),
                        Err(d) => errors.push(d),
                    }
                }
            }
        }
        for Served {
            procedure: proc_id,
            actor,
            ..
        } in &serves
        {
            let key = (proc_id.clone(), actor.clone());
            if served.contains(&key) {
                errors.push(
                    at(
                        id.pos,
                        "actor {actor} of {procedure} is served by two pools",
                    )
                    .with_arg("actor", Arg::id(actor))
                    .with_arg("procedure", Arg::id(proc_id))
                    .with_help("let one pool serve each actor"),
                );
            } else {
                served.push(key);
            }
        }
        pools.push(Pool {
            id: id.value.clone(),
            handlers,
            serves,
            basis: p.basis.value,
        });
    }
    let expected: f64 = flows.iter().map(|f| f.arrivals.expected(days)).sum();
    if expected > MAX_EXPECTED_ARRIVALS {
        errors.push(
            at(c.caseload.pos, "the caseload expects {count} reports in one replication, more than meldroute simulates")
                .with_arg("count", Arg::Count(expected as u64))
                .with_help(format!("lower the rates or shorten the period (at most {MAX_EXPECTED_ARRIVALS:e} reports)")),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Caseload {
        id: c.caseload.value.clone(),
        title: c.title.clone(),
        file,
        start,
        until,
        days,
        warm_up,
        flows,
        pools,
    })
}

/// The caseload scenario `c` of `base`, resolved: the base's caseload (checked
/// already) with `c`'s changes, each refused at its place.
fn derived(
    library: &Library,
    c: &CaseloadFile,
    base: &Located<String>,
    file: FileId,
    at: &impl Fn(Pos, &str) -> Diagnostic,
) -> Result<Caseload, Vec<Diagnostic>> {
    let own = [
        ("start", c.start.as_ref().map(|s| s.pos)),
        ("until", c.until.as_ref().map(|s| s.pos)),
        ("warm-up", c.warm_up.as_ref().map(|s| s.pos)),
        ("procedures", c.procedures.first().map(|p| p.pos)),
        ("pools", c.pools.iter().next().map(|(k, _)| k.pos)),
    ];
    if let Some((key, Some(pos))) = own.iter().find(|(_, p)| p.is_some()) {
        return Err(vec![
            at(*pos, "a caseload with a `base` takes its {key} from the base")
                .with_arg("key", Arg::text(*key))
                .with_help("change the base's pools and arrivals under `changes`, or leave `base` out and give the whole caseload"),
        ]);
    }
    let Some(k) = library.caseload_index(base.as_str()) else {
        return Err(vec![
            at(base.pos, "base caseload {id} is not loaded")
                .with_arg("id", Arg::id(base.as_str()))
                .with_help("name a caseload (`meldroute list` shows the bundled ones), and give its file too"),
        ]);
    };
    let Some(mut out) = library.caseloads()[k].caseload.clone() else {
        return Err(vec![
            at(
                base.pos,
                "base caseload {id} cannot run (its errors are reported at it)",
            )
            .with_arg("id", Arg::id(base.as_str())),
        ]);
    };
    out.id = c.caseload.value.clone();
    out.title = c.title.clone();
    out.file = file;
    let mut errors = Vec::new();
    for change in &c.changes {
        if let Err(d) = apply_change(&mut out, change, at) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Applies `change` to the caseload `c`.
fn apply_change(
    c: &mut Caseload,
    change: &Located<CaseloadChange>,
    at: &impl Fn(Pos, &str) -> Diagnostic,
) -> Result<(), Diagnostic> {
    if !crate::scenario::says_why(&change.reason) {
        return Err(at(change.reason.pos, "a change needs a reason in words")
            .with_help("say which measure or assumption the change stands for"));
    }
    match (&change.pool, &change.procedure) {
        (Some(pool), None) => {
            let Some(handlers) = &change.handlers else {
                return Err(at(change.pos, "a change of pool {pool} needs `handlers`")
                    .with_arg("pool", Arg::id(pool.as_str()))
                    .with_help("give the pool's new handlers: `handlers: 5`, or one per year"));
            };
            if change.scale_arrivals.is_some() || change.arrivals.is_some() || change.from.is_some()
            {
                return Err(
                    at(change.pos, "a change of a pool changes its `handlers` only")
                        .with_help("change arrivals in a change of their `procedure`"),
                );
            }
            let Some(p) = c.pools.iter_mut().find(|p| p.id == pool.value) else {
                let ids: Vec<&str> = c.pools.iter().map(|p| p.id.as_str()).collect();
                return Err(at(pool.pos, "the base has no pool {pool}")
                    .with_arg("pool", Arg::id(pool.as_str()))
                    .with_help(format!("its pools are: {}", ids.join(", "))));
            };
            p.handlers = handler_pieces(&p.id, handlers, c.start, c.until, at)?;
            Ok(())
        }
        (None, Some(procedure)) => {
            let (start, until, days) = (c.start, c.until, c.days);
            let Some(flow) = c.flows.iter_mut().find(|f| f.procedure == procedure.value) else {
                let ids: Vec<&str> = c.flows.iter().map(|f| f.procedure.as_str()).collect();
                return Err(at(procedure.pos, "the base runs no procedure {id}")
                    .with_arg("id", Arg::id(procedure.as_str()))
                    .with_help(format!("it runs: {}", ids.join(", "))));
            };
            if change.handlers.is_some() {
                return Err(at(change.pos, "`handlers` belong to a change of a `pool`")
                    .with_help("give the pool's id in a change of its own"));
            }
            match (&change.scale_arrivals, &change.arrivals) {
                (Some(f), None) => {
                    if !(f.0 > 0.0 && f.0.is_finite()) {
                        return Err(at(f.pos, "`scale-arrivals` of {factor} is not above zero")
                            .with_arg("factor", Arg::Number(f.0))
                            .with_help("give a factor above zero: 1.5 for 50% more reports"));
                    }
                    let from = match &change.from {
                        None => 0.0,
                        Some(d) => {
                            let t = d.days_since(start) as f64;
                            if t < 0.0 || t >= days {
                                return Err(at(d.pos, "the date {date} is outside the period")
                                    .with_arg("date", Arg::text(d.to_string()))
                                    .with_help(format!(
                                        "give a date from {start} up to (not including) {until}"
                                    )));
                            }
                            t
                        }
                    };
                    let Arrivals::Poisson(pieces) = &mut flow.arrivals else {
                        return Err(at(f.pos, "arrivals on dates cannot be scaled")
                            .with_help("replace them: give `arrivals` with the dates you mean"));
                    };
                    scale_from(pieces, from, f.0);
                    Ok(())
                }
                (None, Some(spec)) => {
                    if change.from.is_some() {
                        return Err(at(change.pos, "`from` goes with `scale-arrivals`")
                            .with_help("give the new arrivals per year or per month instead"));
                    }
                    flow.arrivals = arrivals(spec, start, until, days, at)?;
                    Ok(())
                }
                _ => Err(at(
                    change.pos,
                    "a change of procedure {id} needs exactly one of `scale-arrivals` and `arrivals`",
                )
                .with_arg("id", Arg::id(procedure.as_str()))
                .with_help("`scale-arrivals: 1.5` for 50% more reports, or `arrivals: {per-year: ...}`")),
            }
        }
        _ => Err(at(
            change.pos,
            "a change names exactly one of `pool` and `procedure`",
        )
        .with_help("one change per pool or procedure")),
    }
}

/// Multiplies the rates of `pieces` from day `from` on by `factor`,
/// splitting the piece `from` falls in.
fn scale_from(pieces: &mut Vec<(f64, f64)>, from: f64, factor: f64) {
    if let Some(i) = pieces.iter().rposition(|&(start, _)| start <= from)
        && pieces[i].0 < from
    {
        let rate = pieces[i].1;
        pieces.insert(i + 1, (from, rate));
    }
    for p in pieces.iter_mut().filter(|p| p.0 >= from) {
        p.1 *= factor;
    }
}

/// The ids of the procedures the flows run and every procedure they
/// escalate to, in the order found.
fn reached_procedures(library: &Library, entries: &[EntryId]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in library.reached(entries) {
        let id = library.entry(e).procedure.id.value.clone();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn serves_entry(
    library: &Library,
    reached: &[String],
    s: &Located<ServesSpec>,
    at: &impl Fn(Pos, &str) -> Diagnostic,
) -> Result<Served, Diagnostic> {
    let proc_id = s.procedure.as_str();
    if !reached.iter().any(|r| r == proc_id) {
        return Err(at(
            s.procedure.pos,
            "procedure {id} is not run by the caseload, nor reached by an escalation",
        )
        .with_arg("id", Arg::id(proc_id))
        .with_help("name a procedure listed under `procedures`, or one they escalate to"));
    }
    let procedure = library
        .resolve_index(proc_id)
        .map(|e| &library.entry(e).procedure)
        .ok_or_else(|| {
            at(s.procedure.pos, "procedure {id} is not loaded").with_arg("id", Arg::id(proc_id))
        })?;
    if !procedure.actors.contains_key(s.actor.as_str()) {
        let known: Vec<&str> = procedure.actors.iter().map(|(k, _)| k.as_str()).collect();
        return Err(
            at(s.actor.pos, "procedure {procedure} has no actor {actor}")
                .with_arg("procedure", Arg::id(proc_id))
                .with_arg("actor", Arg::id(s.actor.as_str()))
                .with_help(format!("its actors are: {}", known.join(", "))),
        );
    }
    let no_step = |step: &Located<String>| {
        at(step.pos, "procedure {procedure} has no step {step}")
            .with_arg("procedure", Arg::id(proc_id))
            .with_arg("step", Arg::id(step.as_str()))
    };
    let mut steps = None;
    if let Some(list) = &s.steps {
        let mut ids = Vec::new();
        for step in list {
            match procedure.steps.get(step.as_str()) {
                None => {
                    return Err(no_step(step).with_help("name steps of the procedure's actor"));
                }
                Some(st) if st.actor.as_str() != s.actor.as_str() => {
                    return Err(
                        at(step.pos, "step {step} is done by {other}, not by {actor}")
                            .with_arg("step", Arg::id(step.as_str()))
                            .with_arg("other", Arg::id(st.actor.as_str()))
                            .with_arg("actor", Arg::id(s.actor.as_str()))
                            .with_help("name steps of the actor the pool serves"),
                    );
                }
                Some(_) => ids.push(step.value.clone()),
            }
        }
        steps = Some(ids);
    }
    let mut priorities = Vec::new();
    for (step, p) in s.priority.iter() {
        if !procedure.steps.contains_key(step.as_str()) {
            return Err(at(step.pos, "procedure {procedure} has no step {step}")
                .with_arg("procedure", Arg::id(proc_id))
                .with_arg("step", Arg::id(step.as_str()))
                .with_help("give priorities to steps of the procedure"));
        }
        priorities.push((step.value.clone(), **p));
    }
    Ok(Served {
        procedure: proc_id.to_owned(),
        actor: s.actor.value.clone(),
        steps,
        priorities,
    })
}

/// The handlers of pool `id` over the period, in pieces by year.
fn handler_pieces(
    id: &str,
    spec: &Located<ByYear<i64>>,
    start: Date,
    until: Date,
    at: &impl Fn(Pos, &str) -> Diagnostic,
) -> Result<Vec<(f64, u32)>, Diagnostic> {
    let check = |n: i64, pos: Pos| -> Result<u32, Diagnostic> {
        match u32::try_from(n) {
            Ok(h) if h >= 1 => Ok(h),
            _ => Err(at(pos, "pool {pool} has {count} handlers")
                .with_arg("pool", Arg::id(id))
                .with_arg("count", Arg::Number(n as f64))
                .with_help("give the pool at least one handler (a capacity of zero or less never does any work)")),
        }
    };
    match &spec.value {
        ByYear::All(n) => Ok(vec![(0.0, check(*n, spec.pos)?)]),
        years => {
            let mut pieces: Vec<(f64, u32)> = Vec::new();
            for (d, from) in year_starts(start, until) {
                let year = d.0.year().to_string();
                let Some(n) = years.year(d.0.year()) else {
                    return Err(at(
                        spec.pos,
                        "pool {pool} has no handlers for the year {year}, which the period covers",
                    )
                    .with_arg("pool", Arg::id(id))
                    .with_arg("year", Arg::text(year))
                    .with_help(
                        "give a number of handlers for every year from `start` to `until`",
                    ));
                };
                let h = check(**n, n.pos)?;
                if pieces.last().is_none_or(|p| p.1 != h) {
                    pieces.push((from, h));
                }
            }
            Ok(pieces)
        }
    }
}

/// The first day of every calendar year the period covers, with its days
/// since `start` (the first is `start` itself, at 0).
fn year_starts(start: Date, until: Date) -> Vec<(Date, f64)> {
    month_starts(start, until)
        .into_iter()
        .enumerate()
        .filter(|(i, (d, _))| *i == 0 || d.0.month() == 1)
        .map(|(_, m)| m)
        .collect()
}

/// The arrivals of `spec`, in days since `start`.
fn arrivals(
    spec: &Located<ArrivalSpec>,
    start: Date,
    until: Date,
    days: f64,
    at: &impl Fn(Pos, &str) -> Diagnostic,
) -> Result<Arrivals, Diagnostic> {
    let given = [
        spec.per_year.is_some(),
        spec.per_month.is_some(),
        spec.dates.is_some(),
    ]
    .iter()
    .filter(|&&g| g)
    .count();
    if given != 1 {
        return Err(at(
            spec.pos,
            "arrivals need exactly one of `per-year`, `per-month` and `dates`",
        )
        .with_help(
            "give one: `per-year: 28`, `per-month: [...]` (twelve rates) or `dates: [...]`",
        ));
    }
    let rate_ok = |r: f64, pos: Pos| -> Result<(), Diagnostic> {
        if r.is_finite() && r > 0.0 {
            Ok(())
        } else {
            Err(at(pos, "an arrival rate of {rate} is not above zero")
                .with_arg("rate", Arg::Number(r))
                .with_help("give a rate above zero (leave a procedure without reports out of the caseload)"))
        }
    };
    let months = month_starts(start, until);
    if let Some(py) = &spec.per_year {
        let mut pieces = Vec::with_capacity(months.len());
        for &(d, from) in &months {
            let rate = match &py.value {
                ByYear::All(r) => {
                    rate_ok(*r, py.pos)?;
                    *r
                }
                years => {
                    let year = d.0.year().to_string();
                    let Some(r) = years.year(d.0.year()) else {
                        return Err(at(
                            py.pos,
                            "no rate for the year {year}, which the period covers",
                        )
                        .with_arg("year", Arg::text(year))
                        .with_help("give a rate for every year from `start` to `until`"));
                    };
                    rate_ok(**r, r.pos)?;
                    **r
                }
            };
            let year_days = f64::from(d.0.days_in_year());
            pieces.push((from, rate / year_days));
        }
        return Ok(Arrivals::Poisson(pieces));
    }
    if let Some(pm) = &spec.per_month {
        if pm.len() != 12 {
            return Err(at(pm.pos, "`per-month` has {count} rates, not twelve")
                .with_arg("count", Arg::Count(pm.len() as u64))
                .with_help("give one rate for each month, January first"));
        }
        for r in pm.iter() {
            rate_ok(**r, r.pos)?;
        }
        let pieces = months
            .iter()
            .map(|&(d, from)| {
                let r = *pm[d.0.month() as usize - 1];
                (from, r / f64::from(d.0.days_in_month()))
            })
            .collect();
        return Ok(Arrivals::Poisson(pieces));
    }
    let mut times = Vec::new();
    if let Some(dates) = &spec.dates {
        if dates.is_empty() {
            return Err(at(dates.pos, "`dates` lists no date")
                .with_help("list the dates of the reports, or use `per-year`"));
        }
        for d in dates.iter() {
            let t = d.days_since(start) as f64;
            if t < 0.0 || t >= days {
                return Err(at(d.pos, "the date {date} is outside the period")
                    .with_arg("date", Arg::text(d.to_string()))
                    .with_help(format!(
                        "give dates from {start} up to (not including) {until}"
                    )));
            }
            times.push(t);
        }
        times.sort_by(f64::total_cmp);
    }
    Ok(Arrivals::Times(times))
}

/// The first day of every calendar month the period covers, with its
/// days since `start` (the first is `start` itself, at 0).
pub fn month_starts(start: Date, until: Date) -> Vec<(Date, f64)> {
    let mut out = vec![(start, 0.0)];
    let mut d = start.0.first_of_month();
    loop {
        d = match d.checked_add(jiff::Span::new().months(1)) {
            Ok(next) => next,
            Err(_) => break,
        };
        if d >= until.0 {
            break;
        }
        let date = Date(d);
        out.push((date, date.days_since(start) as f64));
    }
    out
}
