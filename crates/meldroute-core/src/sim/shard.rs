//! Sharded runs: the batches of one run split over machines
//! (`meldroute simulate --shard I/N`), each shard's batches written as a
//! *partial aggregate*, and the merge of the partials into the run's
//! aggregate, the same to the bit as the aggregate of one run
//! (docs/scaling.md, decision 0015).
//!
//! The split: a run of `B` batches per point and `P` points has `P * B`
//! units (point-major: unit `u` is batch `u % B` of point `u / B`);
//! shard `I` of `N` holds the contiguous units `I*U/N .. (I+1)*U/N`
//! ([`Shard::units`]). A shard may hold none (more shards than units).
//! `simulate` has one point; a sensitivity study could carry one point per
//! variant of the model in the same format.
//!
//! Exactness: floating-point sums depend on their order, so a partial keeps
//! every batch's aggregate as the engine made it, and the merge adds them
//! one by one in batch order through [`BatchMerge`], the same code and the
//! same order as [`super::simulate`]: the same rules stop it after the same
//! batch (a hopeless batch 0, precision targets).
//!
//! The format (version [`FORMAT`]): UTF-8 JSON Lines.
//! 1. A header line, [`Header`]: `{"meldroute_partial":1,"kind":"simulate",
//!    "shard":{"index":I,"count":N},"points":P,"runs":R,"shape":{..},
//!    "identity":{..},"made":..}`. `identity` is what makes two shards
//!    shards of one run (for `simulate`, the provenance of the equivalent
//!    single run: build, command, options, the SHA-256 of every file);
//!    `made` is the time the shard was made, if asked for, not part of it.
//! 2. One line per unit the shard holds, in unit order:
//!    `{"batch":{"point":p,"batch":b,"aggregate":{..}}}`. Counts are
//!    integers; every floating-point number is written as the integer of
//!    its IEEE 754 bits, so it reads back exactly; a histogram lists only
//!    its buckets that hold values, as `[bucket, count]`.
//! 3. An end line: `{"end":{"records":n,"stopped":false,"sha256":".."}}`,
//!    `sha256` of every byte before it. `stopped` says the shard stopped
//!    before its last unit because every journey of batch 0 hit the step
//!    limit (the run stops there; the merge checks that it does).
//!
//! A file without its end line is truncated; one whose checksum differs is
//! damaged; either is refused with its name, as are shards of different
//! runs, a shard given twice and a shard missing ([`ShardError`]).

mod format;

use std::io::{BufRead, Write};
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use format::{PartialReader, PartialWriter};

use super::{Aggregate, BatchMerge, SimError, SimModel, SimOptions, run_batch, run_batches};

/// The version of the partial format this build writes and reads.
pub const FORMAT: u32 = 1;

/// Shard `index` of `count` (counted from 0): `I/N` on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: u64,
    /// How many shards the run has, at least 1.
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `I/N` with `0 <= I < N`: `0/4`, `3/4`.
    fn from_str(text: &str) -> Result<Self, String> {
        let form = "write it as I/N: shard I of N, counted from 0 (0/4, 1/4, 2/4 and 3/4 are the shards of 4)";
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("'{text}' is not a shard: {form}"))?;
        let number = |part: &str, what: &str| {
            part.trim().parse::<u64>().map_err(|_| {
                format!(
                    "'{text}' is not a shard: its {what} '{part}' is not a whole number; {form}"
                )
            })
        };
        let (index, count) = (number(i, "index")?, number(n, "count")?);
        if count == 0 {
            return Err(format!(
                "'{text}' is not a shard: a run has at least one shard (N >= 1); {form}"
            ));
        }
        if index >= count {
            return Err(format!(
                "'{text}' is not a shard: the index must be below the count (shards of {count} are 0/{count} to {}/{count}); {form}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The units of `total` this shard holds: a contiguous range, the
    /// ranges of shards `0..count` one after the other covering `0..total`,
    /// their lengths differing by at most one.
    pub fn units(&self, total: u64) -> Range<u64> {
        let at = |i: u64| (u128::from(total) * u128::from(i) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// The sizes of the model a partial's aggregates are of: a batch of
/// another size is refused, never merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shape {
    /// Steps of the compiled model.
    pub steps: usize,
    /// Procedures of the compiled model (escalation targets included).
    pub procedures: usize,
    /// Deadlines of the compiled model.
    pub deadlines: usize,
    /// Values of the report's scope the journeys carry ([`SimModel::scope`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub scopes: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Shape {
    /// The shape of `model`.
    pub fn of(model: &SimModel) -> Self {
        Shape {
            steps: model.steps.len(),
            procedures: model.procedures.len(),
            deadlines: model.deadlines.len(),
            scopes: model.scope.as_ref().map_or(0, |s| s.scopes.len()),
        }
    }
}

/// The first line of a partial aggregate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// The format version, [`FORMAT`].
    pub meldroute_partial: u32,
    /// What was run: `simulate` (a sensitivity study would add its own).
    pub kind: String,
    /// Which shard of how many.
    pub shard: Shard,
    /// Points of the run (`simulate`: 1), each of `runs` journeys.
    pub points: u32,
    /// Journeys per point.
    pub runs: u64,
    /// The sizes of the model.
    pub shape: Shape,
    /// What makes shards shards of one run, equal in all of them (for
    /// `simulate`, the provenance of the equivalent single run without its
    /// time).
    pub identity: serde_json::Value,
    /// When the shard was made (RFC 3339), if asked for; not part of the
    /// identity.
    #[serde(default)]
    pub made: Option<String>,
}

impl Header {
    /// The header of shard `shard` of a `kind` run of `points` models of
    /// the shape of `model` (the points of a sensitivity study: the model
    /// with its assumptions varied), each of `opts.runs` journeys.
    pub fn points(
        kind: &str,
        points: u32,
        model: &SimModel,
        opts: &SimOptions,
        shard: Shard,
        identity: serde_json::Value,
        made: Option<String>,
    ) -> Self {
        Header {
            meldroute_partial: FORMAT,
            kind: kind.to_owned(),
            shard,
            points,
            runs: opts.runs,
            shape: Shape::of(model),
            identity,
            made,
        }
    }

    /// Batches per point.
    pub fn batches(&self) -> u64 {
        super::batches(self.runs)
    }

    /// Units of the whole run: points times batches.
    pub fn units(&self) -> u64 {
        u64::from(self.points).saturating_mul(self.batches())
    }

    /// The units this shard holds.
    pub fn range(&self) -> Range<u64> {
        self.shard.units(self.units())
    }

    /// The first field in which `other` is of another run than `self`,
    /// with both values: `None` when both are shards of one run.
    fn differs(&self, other: &Header) -> Option<(String, String, String)> {
        let top = [
            ("kind", json(&self.kind), json(&other.kind)),
            (
                "shard count",
                json(&self.shard.count),
                json(&other.shard.count),
            ),
            ("points", json(&self.points), json(&other.points)),
            ("runs", json(&self.runs), json(&other.runs)),
            ("shape", json(&self.shape), json(&other.shape)),
        ];
        for (field, a, b) in top {
            if a != b {
                return Some((field.to_owned(), a.to_string(), b.to_string()));
            }
        }
        first_difference(&self.identity, &other.identity, "identity")
    }
}

fn json(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// The path of the first place where `a` and `b` differ, with both values.
fn first_difference(
    a: &serde_json::Value,
    b: &serde_json::Value,
    path: &str,
) -> Option<(String, String, String)> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let here = format!("{path}.{k}");
                match y.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(va, vb, &here) {
                            return Some(d);
                        }
                    }
                    None => return Some((here, va.to_string(), "nothing".to_owned())),
                }
            }
            y.iter()
                .find(|(k, _)| !x.contains_key(*k))
                .map(|(k, vb)| (format!("{path}.{k}"), "nothing".to_owned(), vb.to_string()))
        }
        _ if a == b => None,
        _ => Some((path.to_owned(), a.to_string(), b.to_string())),
    }
}

/// Why partial aggregates could not be written, read or merged. Every
/// variant that is about a file names it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// The simulation could not run.
    #[error(transparent)]
    Sim(#[from] SimError),
    /// The partial could not be written.
    #[error("cannot write the partial aggregate: {0}")]
    Write(std::io::Error),
    /// A file could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file that is no partial aggregate, or of another format version.
    #[error(
        "{file} is not a partial aggregate that this meldroute reads: {why}; give the files `meldroute simulate --shard I/N` wrote"
    )]
    NotPartial {
        /// The file.
        file: String,
        /// Why.
        why: String,
    },
    /// A line that does not read.
    #[error("{file}:{line}: the partial aggregate is damaged: {why}; make this shard again")]
    Corrupt {
        /// The file.
        file: String,
        /// The line, from 1.
        line: u64,
        /// Why.
        why: String,
    },
    /// A file that ends before its end line.
    #[error(
        "{file} is truncated: it ends after line {line} without its end line (was the shard still running, or the copy cut short?); make this shard again"
    )]
    Truncated {
        /// The file.
        file: String,
        /// Its last line.
        line: u64,
    },
    /// A file whose checksum does not match its content.
    #[error(
        "{file} is damaged: its SHA-256 is {found}, its end line says {recorded}; make this shard again"
    )]
    Checksum {
        /// The file.
        file: String,
        /// The checksum of what was read.
        found: String,
        /// The checksum its end line records.
        recorded: String,
    },
    /// Shards of different runs.
    #[error(
        "{file} is not a shard of the same run as {first}: {field} is {theirs} there and {ours} in {first}; merge the shards of one run (the same procedure files, options and build)"
    )]
    OtherRun {
        /// The file of another run.
        file: String,
        /// The file it was compared with.
        first: String,
        /// Where they differ.
        field: String,
        /// Its value in `first`.
        ours: String,
        /// Its value in `file`.
        theirs: String,
    },
    /// One shard given twice.
    #[error("{file} and {other} are both shard {shard}: give each shard once")]
    Duplicate {
        /// The second file.
        file: String,
        /// The first file with that shard.
        other: String,
        /// The shard.
        shard: Shard,
    },
    /// Shards missing.
    #[error(
        "shard {missing} missing: the run has {count} shards, given were {given}; give every shard of the run"
    )]
    Missing {
        /// The missing shards, `I/N, ...`.
        missing: String,
        /// How many the run has.
        count: u64,
        /// The files given.
        given: String,
    },
    /// No file given.
    #[error("no partial aggregates given")]
    Nothing,
}

/// Runs the units `header` assigns to its shard (a `simulate` run of one
/// point) and writes them to `w` as a partial aggregate, batch by batch as
/// they are made in batch order (memory does not grow with the runs).
/// `progress` is told the journeys done. When every journey of its first
/// batch hit the step limit, the shard runs batch 0 (when it is not its
/// own) and, if all of its journeys did too, stops there: the run stops
/// after batch 0, and the merge needs none of the shard's other batches.
/// Gives the writer back, and whether the shard stopped so.
pub fn simulate_shard<W: Write>(
    model: &SimModel,
    opts: &SimOptions,
    header: &Header,
    w: W,
    progress: &mut dyn FnMut(u64),
) -> Result<(W, bool), ShardError> {
    let model = &*super::for_run(model, opts);
    let mut out = PartialWriter::new(w, header).map_err(ShardError::Write)?;
    let batches = header.batches();
    let (mut first, mut stopped, mut failed, mut done) = (true, false, None, 0u64);
    run_batches(
        opts,
        header.range(),
        &|b| run_batch(model, opts, b),
        &mut |b, agg| {
            if let Err(e) = out.batch(0, b, &agg) {
                failed = Some(e);
                return true;
            }
            done += agg.runs;
            progress(done);
            if std::mem::replace(&mut first, false) && batches > 1 && agg.unfinished == agg.runs {
                let zero = if b == 0 {
                    agg
                } else {
                    run_batch(model, opts, 0)
                };
                stopped = zero.unfinished == zero.runs;
            }
            stopped
        },
    )?;
    if let Some(e) = failed {
        return Err(ShardError::Write(e));
    }
    let w = out.finish(stopped).map_err(ShardError::Write)?;
    Ok((w, stopped))
}

/// Runs the units of the shard `header` describes of a run of several
/// points (`model(p)`: the model of point `p`, each run with `opts`) and
/// writes them to `w`, one batch after the other on this thread. Every
/// unit is written: a point whose run stops early (every journey of its
/// batch 0 hit the step limit) stops in the merge, which adds its batches
/// through [`BatchMerge`] as the single run does.
pub fn points_shard<W: Write>(
    model: &dyn Fn(u32) -> SimModel,
    opts: &SimOptions,
    header: &Header,
    w: W,
    progress: &mut dyn FnMut(u64),
) -> Result<W, ShardError> {
    let mut out = PartialWriter::new(w, header).map_err(ShardError::Write)?;
    let batches = header.batches();
    let mut current: Option<(u32, SimModel)> = None;
    let mut done = 0u64;
    for unit in header.range() {
        let (p, b) = ((unit / batches) as u32, unit % batches);
        if current.as_ref().is_none_or(|(q, _)| *q != p) {
            current = Some((p, model(p).dated(opts.start)));
        }
        if let Some((_, m)) = &current {
            let agg = run_batch(m, opts, b);
            out.batch(p, b, &agg).map_err(ShardError::Write)?;
            done += agg.runs;
            progress(done);
        }
    }
    out.finish(false).map_err(ShardError::Write)
}

/// Reads the header of the partial `r`, the file `file`.
pub fn read_header<R: BufRead>(r: R, file: &str) -> Result<Header, ShardError> {
    PartialReader::open(r, file).map(|p| p.header().clone())
}

/// The partials of one run, checked and in shard order: what
/// [`Plan::replay`] merges.
#[derive(Clone, Debug)]
pub struct Plan {
    partials: Vec<(String, Header)>,
}

impl Plan {
    /// Checks that `headers` (file, header) are every shard of one run,
    /// each once, and puts them in shard order.
    pub fn new(headers: Vec<(String, Header)>) -> Result<Plan, ShardError> {
        let Some((first, h0)) = headers.first() else {
            return Err(ShardError::Nothing);
        };
        for (file, h) in &headers[1..] {
            if let Some((field, ours, theirs)) = h0.differs(h) {
                return Err(ShardError::OtherRun {
                    file: file.clone(),
                    first: first.clone(),
                    field,
                    ours,
                    theirs,
                });
            }
        }
        let count = h0.shard.count;
        let mut by_shard = std::collections::BTreeMap::new();
        for (i, (file, h)) in headers.iter().enumerate() {
            if let Some(j) = by_shard.insert(h.shard.index, i) {
                return Err(ShardError::Duplicate {
                    file: file.clone(),
                    other: headers[j].0.clone(),
                    shard: h.shard,
                });
            }
        }
        let absent = count - by_shard.len() as u64;
        if absent > 0 {
            let missing: Vec<String> = (0..count)
                .filter(|i| !by_shard.contains_key(i))
                .take(10)
                .map(|i| format!("{i}/{count}"))
                .collect();
            let more = if absent > missing.len() as u64 {
                format!(" and {} more", absent - missing.len() as u64)
            } else {
                String::new()
            };
            let given: Vec<&str> = headers.iter().map(|(f, _)| f.as_str()).take(10).collect();
            return Err(ShardError::Missing {
                missing: format!("{}{more}", missing.join(", ")),
                count,
                given: if headers.len() > given.len() {
                    format!("{}, ...", given.join(", "))
                } else {
                    given.join(", ")
                },
            });
        }
        let mut partials = headers;
        partials.sort_by_key(|(_, h)| h.shard.index);
        Ok(Plan { partials })
    }

    /// The header of shard 0 (the identity of the run).
    pub fn header(&self) -> &Header {
        &self.partials[0].1
    }

    /// The file of shard 0.
    pub fn first_file(&self) -> &str {
        &self.partials[0].0
    }

    /// The latest time a shard was made (RFC 3339 in UTC sorts as text),
    /// if any was asked to record one.
    pub fn made(&self) -> Option<&str> {
        self.partials
            .iter()
            .filter_map(|(_, h)| h.made.as_deref())
            .max()
    }

    /// Merges the partials: opens each in shard order (`open` gives its
    /// reader), reads and checks every line, and adds each point's batches
    /// in batch order to the [`BatchMerge`] that `point` makes for it;
    /// `done` gets each point's aggregate once its run has stopped. Batches
    /// after a point's run stopped are read and checked, not added. Only
    /// one batch and one point's aggregate are held at a time.
    pub fn replay<R: BufRead>(
        &self,
        mut open: impl FnMut(&str) -> std::io::Result<R>,
        mut point: impl FnMut(u32) -> BatchMerge,
        mut done: impl FnMut(u32, Aggregate),
    ) -> Result<(), ShardError> {
        let batches = self.header().batches();
        let mut current: Option<(u32, BatchMerge)> = None;
        for (file, h) in &self.partials {
            let r = open(file).map_err(|source| ShardError::Read {
                file: file.clone(),
                source,
            })?;
            let mut reader = PartialReader::open(r, file)?;
            if reader.header() != h {
                return Err(reader
                    .corrupt("its header changed while the shards were being merged".to_owned()));
            }
            let range = h.range();
            let mut unit = range.start;
            while let Some((p, b, agg)) = reader.next_batch()? {
                let want = ((unit / batches) as u32, unit % batches);
                if unit >= range.end || (p, b) != want {
                    return Err(reader.corrupt(format!(
                        "batch {b} of point {p} where shard {} holds batch {} of point {} next",
                        h.shard, want.1, want.0
                    )));
                }
                if current.as_ref().is_none_or(|(q, _)| *q != p) {
                    if let Some((q, run)) = current.take() {
                        done(q, run.finish());
                    }
                    current = Some((p, point(p)));
                }
                if let Some((_, run)) = &mut current
                    && !run.done()
                {
                    // The order of the additions is the result: never add
                    // a batch out of turn.
                    if run.next_batch() != b {
                        return Err(reader.corrupt(format!(
                            "batch {b} of point {p} where the run adds batch {} next",
                            run.next_batch()
                        )));
                    }
                    run.add(&agg);
                }
                unit += 1;
            }
            // A shard that stopped early holds fewer units than its share:
            // only units the run no longer needs (its point has stopped).
            if unit < range.end {
                let p = (unit / batches) as u32;
                let needed = match &current {
                    Some((q, run)) => {
                        *q != p || !run.done() || (range.end - 1) / batches != u64::from(p)
                    }
                    None => true,
                };
                if needed || !reader.stopped() {
                    return Err(reader.corrupt(format!(
                        "it holds {} of shard {}'s {} batches, and the run needs the others",
                        unit - range.start,
                        h.shard,
                        range.end - range.start
                    )));
                }
            }
        }
        if let Some((q, run)) = current.take() {
            done(q, run.finish());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
