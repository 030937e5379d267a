//! The partial format, version [`FORMAT`] (the module above describes
//! it): writing a partial line by line with its checksum, reading one back
//! with every check, and a batch's aggregate as it is written (floats as
//! their IEEE 754 bits, histograms sparse).

use std::io::{BufRead, Read as _, Write};

use serde::{Deserialize, Serialize};
use sha2::Digest as _;

use super::{FORMAT, Header, Shape, Shard, ShardError};
use crate::sim::{Aggregate, BATCH};
use crate::stats::{LogHistogram, Moments, ScoreTally, Summary};

/// The longest line read from a partial (a batch's line is a few tens of
/// kilobytes): a longer one is refused as corrupt, not read into memory.
const MAX_LINE: u64 = 64 * 1024 * 1024;

/// Writes a partial aggregate line by line: the header, the batches in
/// unit order, the end line with the checksum.
pub struct PartialWriter<W: Write> {
    w: W,
    hash: sha2::Sha256,
    records: u64,
}

impl<W: Write> PartialWriter<W> {
    /// Starts a partial with `header`.
    pub fn new(w: W, header: &Header) -> std::io::Result<Self> {
        let mut p = PartialWriter {
            w,
            hash: sha2::Sha256::new(),
            records: 0,
        };
        p.line(ascii(&serde_json::to_string(header)?).as_bytes())?;
        Ok(p)
    }

    fn line(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.hash.update(b"\n");
        self.w.write_all(bytes)?;
        self.w.write_all(b"\n")
    }

    /// Writes batch `batch` of point `point`.
    pub fn batch(&mut self, point: u32, batch: u64, agg: &Aggregate) -> std::io::Result<()> {
        let line = Line::Batch {
            point,
            batch,
            aggregate: Box::new(Wire::of(agg)),
        };
        self.line(&serde_json::to_vec(&line)?)?;
        self.records += 1;
        Ok(())
    }

    /// Writes the end line (`stopped`: the shard stopped before its last
    /// unit, see the module) and gives the writer back, flushed.
    pub fn finish(mut self, stopped: bool) -> std::io::Result<W> {
        let sha256 = hex(&self.hash.clone().finalize());
        let end = Line::End {
            records: self.records,
            stopped,
            sha256,
        };
        let bytes = serde_json::to_vec(&end)?;
        self.w.write_all(&bytes)?;
        self.w.write_all(b"\n")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// JSON text with every character outside printable ASCII (the paths and
/// arguments of the identity may hold any) written as a `\u` escape, so a
/// partial shown on a terminal cannot reach it raw. Outside strings JSON is
/// ASCII already, so only strings change, and they read back the same.
fn ascii(json: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// One line after the header.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
enum Line {
    Batch {
        point: u32,
        batch: u64,
        aggregate: Box<Wire>,
    },
    End {
        records: u64,
        stopped: bool,
        sha256: String,
    },
}

/// A batch's [`Aggregate`] as written: counts as they are, floats as their
/// IEEE 754 bits. A batch's aggregate has no batch sums (`spread`), and
/// neither `stopped_early` nor `precision_met`: those belong to a run.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Wire {
    runs: u64,
    unfinished: u64,
    steps_simulated: u64,
    lead: WireSummary,
    first_contact: WireSummary,
    longest_silence: WireSummary,
    /// The experience scores' tally, sparse; absent in a partial of a
    /// build before the reporter's experience.
    #[serde(default)]
    experience: Option<Vec<(u32, u64)>>,
    contacts: u64,
    handoffs: u64,
    procedures: u64,
    reported: u64,
    contacted: u64,
    contact_within_week: u64,
    feedback_in_time: u64,
    feedback: u64,
    aftercare: u64,
    #[serde(default)]
    anonymous: u64,
    #[serde(default)]
    anonymous_feedback: u64,
    #[serde(default)]
    retaliated: u64,
    #[serde(default)]
    retaliated_at: Vec<u64>,
    outcomes: [u64; 7],
    escalations: Vec<u64>,
    visits: Vec<u64>,
    step_days: Vec<u64>,
    step_entries: Vec<u64>,
    deadlines: Vec<(u64, u64)>,
    /// Per value of the report's scope; absent without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    by_scope: Vec<WireScope>,
}

/// [`crate::sim::ScopeTally`] as written.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireScope {
    reported: u64,
    contact_within_week: u64,
    feedback_in_time: u64,
    deadlines: Vec<(u64, u64)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSummary {
    count: u64,
    mean: u64,
    m2: u64,
    max: u64,
    histogram: Vec<(u32, u64)>,
}

impl WireSummary {
    fn of(s: &Summary) -> Self {
        WireSummary {
            count: s.moments.count,
            mean: s.moments.mean.to_bits(),
            m2: s.moments.m2().to_bits(),
            max: s.max().to_bits(),
            histogram: s.histogram().nonzero().collect(),
        }
    }

    fn summary(&self, name: &str) -> Result<Summary, String> {
        let histogram = LogHistogram::from_nonzero(&self.histogram)
            .ok_or_else(|| format!("the histogram of {name} is not one meldroute writes"))?;
        let moments = Moments::from_parts(
            self.count,
            f64::from_bits(self.mean),
            f64::from_bits(self.m2),
        );
        Summary::from_parts(moments, f64::from_bits(self.max), histogram)
            .ok_or_else(|| format!("the histogram of {name} does not count its values"))
    }
}

impl Wire {
    pub(super) fn of(a: &Aggregate) -> Self {
        Wire {
            runs: a.runs,
            unfinished: a.unfinished,
            steps_simulated: a.steps_simulated,
            lead: WireSummary::of(&a.lead),
            first_contact: WireSummary::of(&a.first_contact),
            longest_silence: WireSummary::of(&a.longest_silence),
            experience: Some(a.experience.nonzero().collect()),
            contacts: a.contacts,
            handoffs: a.handoffs,
            procedures: a.procedures,
            reported: a.reported,
            contacted: a.contacted,
            contact_within_week: a.contact_within_week,
            feedback_in_time: a.feedback_in_time,
            feedback: a.feedback,
            aftercare: a.aftercare,
            anonymous: a.anonymous,
            anonymous_feedback: a.anonymous_feedback,
            retaliated: a.retaliated,
            retaliated_at: a.retaliated_at.clone(),
            outcomes: a.outcomes,
            escalations: a.escalations.clone(),
            visits: a.visits.clone(),
            step_days: a.step_days.iter().map(|d| d.to_bits()).collect(),
            step_entries: a.step_entries.clone(),
            deadlines: a.deadlines.clone(),
            by_scope: a
                .by_scope
                .iter()
                .map(|t| WireScope {
                    reported: t.reported,
                    contact_within_week: t.contact_within_week,
                    feedback_in_time: t.feedback_in_time,
                    deadlines: t.deadlines.clone(),
                })
                .collect(),
        }
    }

    /// The aggregate, or why it cannot be one of a model of `shape`.
    fn aggregate(mut self, shape: &Shape) -> Result<Aggregate, String> {
        // Written before there was retaliation: none.
        if self.retaliated_at.is_empty() {
            self.retaliated_at = vec![0; shape.steps];
        }
        let sizes = [
            ("retaliated_at", self.retaliated_at.len(), shape.steps),
            ("escalations", self.escalations.len(), shape.procedures),
            ("visits", self.visits.len(), shape.steps),
            ("step_days", self.step_days.len(), shape.steps),
            ("step_entries", self.step_entries.len(), shape.steps),
            ("deadlines", self.deadlines.len(), shape.deadlines),
            ("by_scope", self.by_scope.len(), shape.scopes),
        ];
        if let Some((name, got, want)) = sizes.iter().find(|(_, got, want)| got != want) {
            return Err(format!("{name} has {got} entries, the model {want}"));
        }
        if let Some(t) = self
            .by_scope
            .iter()
            .find(|t| t.deadlines.len() != shape.deadlines)
        {
            return Err(format!(
                "a scope's deadlines have {} entries, the model {}",
                t.deadlines.len(),
                shape.deadlines
            ));
        }
        if self.runs > BATCH || self.unfinished > self.runs {
            return Err(format!(
                "a batch of {} journeys, {} unfinished",
                self.runs, self.unfinished
            ));
        }
        Ok(Aggregate {
            runs: self.runs,
            unfinished: self.unfinished,
            stopped_early: false,
            precision_met: false,
            steps_simulated: self.steps_simulated,
            lead: self.lead.summary("lead")?,
            first_contact: self.first_contact.summary("first_contact")?,
            longest_silence: self.longest_silence.summary("longest_silence")?,
            experience: match &self.experience {
                Some(t) => ScoreTally::from_nonzero(t)
                    .ok_or("the tally of experience is not one meldroute writes")?,
                None => ScoreTally::default(),
            },
            contacts: self.contacts,
            handoffs: self.handoffs,
            procedures: self.procedures,
            reported: self.reported,
            contacted: self.contacted,
            contact_within_week: self.contact_within_week,
            feedback_in_time: self.feedback_in_time,
            feedback: self.feedback,
            aftercare: self.aftercare,
            anonymous: self.anonymous,
            anonymous_feedback: self.anonymous_feedback,
            retaliated: self.retaliated,
            retaliated_at: self.retaliated_at,
            outcomes: self.outcomes,
            escalations: self.escalations,
            visits: self.visits,
            step_days: self.step_days.into_iter().map(f64::from_bits).collect(),
            step_entries: self.step_entries,
            deadlines: self.deadlines,
            by_scope: self
                .by_scope
                .into_iter()
                .map(|t| crate::sim::ScopeTally {
                    reported: t.reported,
                    contact_within_week: t.contact_within_week,
                    feedback_in_time: t.feedback_in_time,
                    deadlines: t.deadlines,
                })
                .collect(),
            spread: Default::default(),
        })
    }
}

/// Reads a partial aggregate line by line, checking as it goes: the
/// header first ([`PartialReader::header`]), then each batch
/// ([`PartialReader::next_batch`]), and at the end line the count and the
/// checksum.
pub struct PartialReader<R: BufRead> {
    r: R,
    file: String,
    hash: sha2::Sha256,
    line: u64,
    header: Header,
    records: u64,
    stopped: Option<bool>,
    buf: Vec<u8>,
}

impl<R: BufRead> PartialReader<R> {
    /// Reads the header of the partial `r`, the file `file`.
    pub fn open(r: R, file: &str) -> Result<Self, ShardError> {
        let mut p = PartialReader {
            r,
            file: file.to_owned(),
            hash: sha2::Sha256::new(),
            line: 0,
            header: Header {
                meldroute_partial: 0,
                kind: String::new(),
                shard: Shard { index: 0, count: 1 },
                points: 0,
                runs: 0,
                shape: Shape {
                    steps: 0,
                    procedures: 0,
                    deadlines: 0,
                    scopes: 0,
                },
                identity: serde_json::Value::Null,
                made: None,
            },
            records: 0,
            stopped: None,
            buf: Vec::new(),
        };
        let not = |why: String| ShardError::NotPartial {
            file: file.to_owned(),
            why,
        };
        if !p.read_line()? {
            return Err(not("it is empty".to_owned()));
        }
        let value: serde_json::Value = serde_json::from_slice(&p.buf)
            .map_err(|_| not("its first line is not JSON".to_owned()))?;
        match value.get("meldroute_partial") {
            Some(v) if v.as_u64() == Some(u64::from(FORMAT)) => {}
            Some(v) => {
                return Err(not(format!(
                    "it is of partial format version {v}, this meldroute reads version {FORMAT}"
                )));
            }
            None => return Err(not("its first line has no meldroute_partial".to_owned())),
        }
        p.header = serde_json::from_value(value).map_err(|e| p.corrupt(e.to_string()))?;
        if p.header.shard.index >= p.header.shard.count
            || p.header.points == 0
            || p.header.runs == 0
        {
            return Err(p.corrupt(format!(
                "shard {} of a run of {} points of {} journeys",
                p.header.shard, p.header.points, p.header.runs
            )));
        }
        p.hash.update(&p.buf);
        p.hash.update(b"\n");
        Ok(p)
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// True when the end line said the shard stopped before its last unit
    /// (known once [`PartialReader::next_batch`] gave `None`).
    pub fn stopped(&self) -> bool {
        self.stopped == Some(true)
    }

    pub(super) fn corrupt(&self, why: String) -> ShardError {
        ShardError::Corrupt {
            file: self.file.clone(),
            line: self.line,
            why,
        }
    }

    /// Reads the next line into `buf`, without its newline; false at the
    /// end of the file. A line must end with a newline.
    fn read_line(&mut self) -> Result<bool, ShardError> {
        self.buf.clear();
        let n = (&mut self.r)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.buf)
            .map_err(|source| ShardError::Read {
                file: self.file.clone(),
                source,
            })?;
        if n == 0 {
            return Ok(false);
        }
        self.line += 1;
        if self.buf.pop() != Some(b'\n') {
            return Err(if n as u64 > MAX_LINE {
                self.corrupt(format!("a line longer than {MAX_LINE} bytes"))
            } else {
                ShardError::Truncated {
                    file: self.file.clone(),
                    line: self.line - 1,
                }
            });
        }
        Ok(true)
    }

    /// The next batch, `(point, batch, aggregate)`; `None` after the end
    /// line, once its count and checksum are checked and nothing follows.
    pub fn next_batch(&mut self) -> Result<Option<(u32, u64, Aggregate)>, ShardError> {
        if self.stopped.is_some() {
            return Ok(None);
        }
        if !self.read_line()? {
            return Err(ShardError::Truncated {
                file: self.file.clone(),
                line: self.line,
            });
        }
        let line: Line =
            serde_json::from_slice(&self.buf).map_err(|e| self.corrupt(e.to_string()))?;
        match line {
            Line::Batch {
                point,
                batch,
                aggregate,
            } => {
                self.hash.update(&self.buf);
                self.hash.update(b"\n");
                let agg = aggregate
                    .aggregate(&self.header.shape)
                    .map_err(|why| self.corrupt(why))?;
                self.records += 1;
                Ok(Some((point, batch, agg)))
            }
            Line::End {
                records,
                stopped,
                sha256,
            } => {
                let found = hex(&self.hash.clone().finalize());
                if found != sha256 {
                    return Err(ShardError::Checksum {
                        file: self.file.clone(),
                        found,
                        recorded: sha256,
                    });
                }
                if records != self.records {
                    return Err(self.corrupt(format!(
                        "the end line counts {records} batches, the file holds {}",
                        self.records
                    )));
                }
                if self.read_line()? {
                    return Err(self.corrupt("more follows the end line".to_owned()));
                }
                self.stopped = Some(stopped);
                Ok(None)
            }
        }
    }
}
