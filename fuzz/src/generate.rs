//! Procedure files built from structured fuzzer input, for `gen_simulate`.
//!
//! Byte-level mutation of YAML rarely keeps a file loadable and valid (in
//! the first campaign about 1% of the `load_simulate` corpus passed
//! validation), so the simulator saw few models. Here the fuzzer's bytes
//! choose a procedure's shape (steps, kinds, branches with probabilities
//! that sum to 1, escalations into the bundled library, deadlines, duration
//! distributions with extreme numbers) and [`Spec::to_yaml`] writes it out;
//! most results load and validate, so the fuzzer explores the simulation,
//! the exact solver and the journey rules instead of the parser.

use std::fmt::Write as _;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use meldroute_core::model::{Outcome, ProcedureKind, StepKind};

/// Most steps in a generated procedure.
const MAX_STEPS: usize = 24;

/// Escalation targets: bundled procedures, the generated one itself, and
/// one that does not exist.
const PROCEDURES: [&str; 10] = [
    "rijk/klacht",
    "rijk/interne-melding",
    "rijk/nationale-ombudsman",
    "rijk/huis-voor-klokkenluiders-advies",
    "rijk/huis-voor-klokkenluiders-onderzoek",
    "rijk/vertrouwenslijn",
    "rijk/vertrouwenspersoon",
    "voorbeelden/ministerie-a",
    "fuzz/gegenereerd",
    "fuzz/bestaat-niet",
];

const UNITS: [&str; 5] = ["h", "d", "w", "mo", "y"];

/// Numbers where arithmetic goes wrong, besides ordinary ones.
const SPECIAL: [&str; 12] = [
    "0",
    "1",
    "0.5",
    "1e-300",
    "5e-324",
    "1e300",
    "1.7976931348623157e308",
    "1e-9",
    "123456789",
    "0.000001",
    "-1",
    "-0",
];

/// A number for a duration.
#[derive(Arbitrary, Debug)]
pub enum Num {
    /// A small whole number.
    Small(u8),
    /// A fraction with a few digits.
    Frac(u16),
    /// One of [`SPECIAL`].
    Special(u8),
    /// Any finite double.
    Any(f64),
}

impl Num {
    fn write(&self, out: &mut String) {
        let _ = match self {
            Num::Small(n) => write!(out, "{n}"),
            Num::Frac(n) => write!(out, "{}", f64::from(*n) / 100.0),
            Num::Special(i) => write!(out, "{}", SPECIAL[*i as usize % SPECIAL.len()]),
            Num::Any(x) if x.is_finite() => write!(out, "{x:e}"),
            Num::Any(_) => write!(out, "1"),
        };
    }
}

/// A duration: a number and a unit.
#[derive(Arbitrary, Debug)]
pub struct Dur {
    num: Num,
    unit: u8,
}

impl Dur {
    fn write(&self, out: &mut String) {
        self.num.write(out);
        out.push_str(UNITS[self.unit as usize % UNITS.len()]);
    }
}

/// A step's duration.
#[derive(Arbitrary, Debug)]
pub enum Dist {
    /// `duration: 3d`.
    Plain(Dur),
    /// `{fixed: ..}`.
    Fixed(Dur),
    /// `{uniform: {min, max}}`.
    Uniform(Dur, Dur),
    /// `{triangular: {min, mode, max}}`.
    Triangular(Dur, Dur, Dur),
    /// `{exponential: {mean}}`.
    Exponential(Dur),
    /// `{lognormal: {median, p90}}`.
    Lognormal(Dur, Dur),
    /// `{empirical: [..]}` (at most 8 values).
    Empirical(Vec<Dur>),
}

impl Dist {
    fn write(&self, out: &mut String) {
        // `{name: {key: value, ..}}` for the distributions with named parameters.
        let (name, params): (&str, &[(&str, &Dur)]) = match self {
            Dist::Plain(d) => return d.write(out),
            Dist::Fixed(d) => {
                out.push_str("{fixed: ");
                d.write(out);
                return out.push('}');
            }
            Dist::Empirical(v) => {
                out.push_str("{empirical: [");
                for (i, d) in v.iter().take(8).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    d.write(out);
                }
                return out.push_str("]}");
            }
            Dist::Uniform(a, b) => ("uniform", &[("min", a), ("max", b)]),
            Dist::Triangular(a, c, b) => ("triangular", &[("min", a), ("mode", c), ("max", b)]),
            Dist::Exponential(m) => ("exponential", &[("mean", m)]),
            Dist::Lognormal(m, p) => ("lognormal", &[("median", m), ("p90", p)]),
        };
        let _ = write!(out, "{{{name}: {{");
        for (i, (key, d)) in params.iter().enumerate() {
            let _ = write!(out, "{}{key}: ", if i > 0 { ", " } else { "" });
            d.write(out);
        }
        out.push_str("}}");
    }
}

/// Where a step goes.
#[derive(Arbitrary, Debug)]
pub enum Way {
    /// `next: sN`.
    Next(u8),
    /// `next:` branches; weights are normalised to probabilities summing
    /// to 1, unless `raw`, when they are written as they are (divided by 100).
    Branches {
        /// (target, weight) pairs (at most 6).
        to: Vec<(u8, u8)>,
        /// Write the weights without normalising.
        raw: bool,
    },
    /// `escalate: {procedure, step?}`.
    Escalate {
        /// Index into [`PROCEDURES`].
        procedure: u8,
        /// An entry step: `sN` of the generated procedure, or a bundled id.
        step: Option<u8>,
    },
    /// `outcome: ..`.
    Outcome(u8),
}

/// A deadline.
#[derive(Arbitrary, Debug)]
pub struct Deadline {
    within: Dur,
    from: Option<u8>,
}

/// One step.
#[derive(Arbitrary, Debug)]
pub struct StepSpec {
    kind: u8,
    /// Taken by the reporter (else by the organisation).
    reporter: bool,
    contact: Option<bool>,
    duration: Option<Dist>,
    deadline: Option<Deadline>,
    way: Way,
}

/// A whole procedure.
#[derive(Arbitrary, Debug)]
pub struct Spec {
    kind: u8,
    start: u8,
    steps: Vec<StepSpec>,
}

/// Step ids of the bundled procedures, for escalations that enter at a step.
const BUNDLED_STEPS: [&str; 4] = ["melding", "intake", "onderzoek", "ontvangstbevestiging"];

impl Spec {
    /// The procedure file.
    pub fn to_yaml(&self) -> String {
        self.to_yaml_in(&Context::default())
    }

    /// Number of steps the procedure file has.
    pub fn step_count(&self) -> usize {
        self.steps.len().clamp(1, MAX_STEPS)
    }

    /// The procedure file, with the id, texts and escalation targets of
    /// `cx` (the default context writes what [`Spec::to_yaml`] always wrote).
    pub fn to_yaml_in(&self, cx: &Context<'_>) -> String {
        let steps = &self.steps[..self.steps.len().min(MAX_STEPS)];
        let n = steps.len().max(1);
        let id = |k: u8| format!("s{}", k as usize % n);
        let texts = cx.texts;
        let text = |pick: fn(&Texts) -> &Option<Text>, default: &str| -> String {
            match texts.and_then(|t| pick(t).as_ref()) {
                Some(t) => t.yaml(),
                None => default.to_owned(),
            }
        };
        let mut y = String::new();
        let _ = writeln!(y, "meldroute: 1");
        let _ = writeln!(y, "id: {}", cx.id.unwrap_or("fuzz/gegenereerd"));
        let _ = writeln!(y, "title: {}", text(|t| &t.title, "Gegenereerd"));
        let _ = writeln!(y, "organisation: {}", text(|t| &t.organisation, "Fuzz"));
        if let Some(d) = texts.and_then(|t| t.description.as_ref()) {
            let _ = writeln!(y, "description: {}", d.yaml());
        }
        if texts.is_some_and(|t| t.illustrative) {
            y.push_str("illustrative: true\n");
        }
        let _ = writeln!(
            y,
            "kind: {}",
            ProcedureKind::ALL[self.kind as usize % ProcedureKind::ALL.len()].as_str()
        );
        if texts.is_some() {
            let _ = write!(
                y,
                "sources:\n  bron: {{title: {}",
                text(|t| &t.source_title, "Bron")
            );
            if let Some(u) = texts.and_then(|t| t.source_url.as_ref()) {
                let _ = write!(y, ", url: {}", u.yaml());
            }
            if let Some(u) = texts.and_then(|t| t.source_note.as_ref()) {
                let _ = write!(y, ", note: {}", u.yaml());
            }
            y.push_str("}\n");
            let _ = writeln!(
                y,
                "actors:\n  melder: {{title: {}, role: reporter}}",
                text(|t| &t.reporter, "Melder")
            );
            let _ = writeln!(
                y,
                "  org: {{title: {}, role: organisation}}",
                text(|t| &t.organisation_actor, "Organisatie")
            );
        } else {
            y.push_str("sources:\n  bron: {title: Bron}\n");
            y.push_str("actors:\n  melder: {title: Melder, role: reporter}\n");
            y.push_str("  org: {title: Organisatie, role: organisation}\n");
        }
        let _ = writeln!(y, "start: {}", id(self.start));
        y.push_str("steps:\n");
        if steps.is_empty() {
            y.push_str("  s0: {title: S, actor: melder, kind: report, outcome: closed}\n");
        }
        // The link of a chain or ring replaces the first outcome.
        let mut link = cx.link.as_deref();
        for (i, s) in steps.iter().enumerate() {
            let _ = writeln!(y, "  s{i}:");
            match texts.and_then(|t| t.steps.get(i)) {
                Some(t) => {
                    let _ = writeln!(y, "    title: {}", t.yaml());
                }
                None => {
                    let _ = writeln!(y, "    title: Stap {i}");
                }
            }
            let actor = if s.reporter { "melder" } else { "org" };
            let _ = writeln!(y, "    actor: {actor}");
            let kind = StepKind::ALL[s.kind as usize % StepKind::ALL.len()].as_str();
            let _ = writeln!(y, "    kind: {kind}");
            if let Some(c) = s.contact {
                let _ = writeln!(y, "    contact: {c}");
            }
            if let Some(d) = &s.duration {
                y.push_str("    duration: ");
                d.write(&mut y);
                y.push('\n');
            }
            let _ = writeln!(
                y,
                "    basis: assumption\n    note: {}\n    sources: [bron]",
                text(|t| &t.note, "gegenereerd")
            );
            if let Some(d) = &s.deadline {
                y.push_str("    deadline: {within: ");
                d.within.write(&mut y);
                if let Some(f) = d.from {
                    let _ = write!(y, ", from: {}", id(f));
                }
                let _ = writeln!(y, ", basis: {}}}", text(|t| &t.deadline_basis, "wet"));
            }
            if let (Way::Outcome(_), Some(to)) = (&s.way, link) {
                let _ = writeln!(y, "    escalate: {to}");
                link = None;
                continue;
            }
            match &s.way {
                Way::Next(k) => {
                    let _ = writeln!(y, "    next: {}", id(*k));
                }
                Way::Branches { to, raw } => {
                    let to = &to[..to.len().min(6)];
                    let total: u32 = to.iter().map(|&(_, w)| u32::from(w)).sum();
                    y.push_str("    next:\n");
                    for &(k, w) in to {
                        let p = if *raw {
                            f64::from(w) / 100.0
                        } else if total == 0 {
                            1.0 / to.len() as f64
                        } else {
                            f64::from(w) / f64::from(total)
                        };
                        let _ = writeln!(y, "      - {{to: {}, p: {p}}}", id(k));
                    }
                    if to.is_empty() {
                        y.push_str("      []\n");
                    }
                }
                Way::Escalate { procedure, step } => {
                    let siblings = cx.siblings.len();
                    let i = *procedure as usize % (siblings + PROCEDURES.len());
                    if let Some(&(sibling, steps)) = cx.siblings.get(i) {
                        let _ = writeln!(y, "    escalate: {}", escalation(sibling, steps, *step));
                        continue;
                    }
                    let p = PROCEDURES[i - siblings];
                    let _ = write!(y, "    escalate: {{procedure: {p}");
                    if let Some(k) = step {
                        let name = if p == "fuzz/gegenereerd" {
                            id(*k)
                        } else {
                            BUNDLED_STEPS[*k as usize % BUNDLED_STEPS.len()].to_owned()
                        };
                        let _ = write!(y, ", step: {name}");
                    }
                    y.push_str("}\n");
                }
                Way::Outcome(o) => {
                    let _ = writeln!(
                        y,
                        "    outcome: {}",
                        Outcome::ALL[*o as usize % Outcome::ALL.len()].as_str()
                    );
                }
            }
        }
        if let Some(t) = texts
            && !t.accept.is_empty()
        {
            y.push_str("accept:\n");
            for a in t.accept.iter().take(4) {
                let _ = writeln!(
                    y,
                    "  - {{rule: {}, step: {}, reason: {}}}",
                    ACCEPT_RULES[a.rule as usize % ACCEPT_RULES.len()],
                    id(a.step),
                    a.reason.yaml()
                );
            }
        }
        y
    }
}

/// Rules an `accept` entry may name: every journey rule, a validation rule
/// (which cannot be accepted) and one that does not exist.
const ACCEPT_RULES: [&str; 9] = [
    "missing-acknowledgement",
    "missing-feedback",
    "missing-aftercare",
    "long-silence",
    "deadline-at-risk",
    "no-escalation-route",
    "legal-norm",
    "dead-end",
    "no-such-rule",
];

/// Where a generated procedure sits: its id, the texts it shows, and the
/// other procedures of its set it can escalate to.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// The procedure's id (default `fuzz/gegenereerd`).
    pub id: Option<&'a str>,
    /// The texts (default: plain fixed words).
    pub texts: Option<&'a Texts>,
    /// (id, number of steps) of each procedure of the set that an
    /// escalation may pick (before the bundled ones).
    pub siblings: &'a [(&'a str, usize)],
    /// An `escalate:` value that replaces the first outcome (chains and rings).
    pub link: Option<String>,
}

/// `{procedure: id}` or `{procedure: id, step: ..}`, into a procedure of
/// the set with `steps` steps; step 255 is one it does not have.
fn escalation(procedure: &str, steps: usize, step: Option<u8>) -> String {
    match step {
        None => format!("{{procedure: {procedure}}}"),
        Some(255) => format!("{{procedure: {procedure}, step: bestaat-niet}}"),
        Some(k) => format!(
            "{{procedure: {procedure}, step: s{}}}",
            k as usize % steps.max(1)
        ),
    }
}

/// Ordinary texts.
const PLAIN: [&str; 6] = [
    "Melding",
    "Onderzoek door de commissie",
    "Ontvangstbevestiging en inhoudelijke reactie",
    "",
    "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties",
    "Klacht over de behandeling van een melding van een vermoeden van een misstand",
];

/// Texts that break escaping in some output format: markup, quotes,
/// backslashes, line breaks, formulas, Markdown, Mermaid and DOT syntax,
/// direction overrides, placeholders of message templates, wide and
/// combining characters; and (last) characters the loader refuses.
const HOSTILE: [&str; 30] = [
    "<script>alert(1)</script>",
    "\" onload=\"alert(1)",
    "' onmouseover='x",
    "regel een\nregel twee",
    "cr\r\nlf",
    "lone\rcr",
    "tab\there",
    "\u{202e}gnp.exe\u{202c}",
    "\u{2066}isolate\u{2069} \u{200f}rlm",
    "]]><!-- <![CDATA[ x ]]> -->",
    "&amp; &lt; &#0; &#x1b; &nbsp;",
    "{procedure} {share} {step} {days} {x}",
    "back\\slash \\\" \\n \\l \\G \\N",
    "=HYPERLINK(\"https://x\")",
    "-1+1",
    "@SUM(A1)",
    "| pipe | *md* _x_ `code` [l](javascript:x) |",
    "a: b; c # d %% e",
    "%%{init: {'theme':'dark'}}%%",
    "\"}; digraph x { a -> b } //",
    "<b>bold</b> <TABLE><TR><TD>x</TD></TR></TABLE>",
    "😀\u{200d}👩‍👩‍👧 ｗｉｄｅ 漢字",
    "e\u{301}\u{301}\u{301} Z\u{336}a\u{35b}",
    "\u{2028}line\u{2029}para\u{85}",
    "\u{feff}bom",
    "javascript:alert(1)",
    "https://example.org/?a=1&b=\"2\"<x>",
    "  leading and trailing  ",
    "\u{1b}[31mred\u{1b}[0m",
    "nul \u{0} del \u{7f} nonchar \u{fffe}",
];

/// Pieces of [`Text::Pieces`].
const PIECES: [&str; 32] = [
    "<", ">", "&", "\"", "'", "\\", "\n", "\r", "\t", ":", ";", "#", "%", "|", "{", "}", "[", "]",
    "`", "=", "-", "@", " ", "a", "é", "😀", "\u{202e}", "\u{2069}", "\u{301}", "漢", "\u{a0}",
    "x",
];

/// A text shown to readers: a title, name, note or reason.
#[derive(Arbitrary, Debug)]
pub enum Text {
    /// One of [`PLAIN`].
    Plain(u8),
    /// One of [`HOSTILE`].
    Hostile(u8),
    /// Up to 24 of [`PIECES`].
    Pieces(Vec<u8>),
    /// A long text: one of [`HOSTILE`] repeated.
    Long(u8, u8),
}

impl Text {
    /// The text itself.
    pub fn value(&self) -> String {
        match self {
            Text::Plain(i) => PLAIN[*i as usize % PLAIN.len()].to_owned(),
            Text::Hostile(i) => HOSTILE[*i as usize % HOSTILE.len()].to_owned(),
            Text::Pieces(v) => v
                .iter()
                .take(24)
                .map(|&i| PIECES[i as usize % PIECES.len()])
                .collect(),
            Text::Long(i, n) => HOSTILE[*i as usize % HOSTILE.len()].repeat(1 + *n as usize % 40),
        }
    }

    /// The text as a YAML double-quoted scalar. Control characters are
    /// written as escapes (`\e`, `\x7f`), which the loader refuses as it
    /// refuses them written raw.
    pub fn yaml(&self) -> String {
        quote(&self.value())
    }
}

/// `text` as a YAML double-quoted scalar.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An `accept:` entry.
#[derive(Arbitrary, Debug)]
pub struct Accept {
    rule: u8,
    step: u8,
    reason: Text,
}

/// The texts of a procedure file: what every output format shows of it.
#[derive(Arbitrary, Debug, Default)]
pub struct Texts {
    title: Option<Text>,
    organisation: Option<Text>,
    description: Option<Text>,
    illustrative: bool,
    source_title: Option<Text>,
    source_url: Option<Text>,
    source_note: Option<Text>,
    reporter: Option<Text>,
    organisation_actor: Option<Text>,
    note: Option<Text>,
    deadline_basis: Option<Text>,
    /// Titles of the first steps (the others are `Stap N`).
    steps: Vec<Text>,
    /// `accept:` entries (at most 4).
    accept: Vec<Accept>,
}

/// A procedure's id in a set of files.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum IdChoice {
    /// `fuzz/pN`, its own.
    Own,
    /// The id of the set's first file: a duplicate.
    SameAsFirst,
    /// The id of a bundled procedure, which the file then stands in for.
    Bundled(u8),
}

/// One file of a set.
#[derive(Arbitrary, Debug)]
pub struct FileSpec {
    /// Any but [`IdChoice::Own`] only when the byte is below [`RARELY`]:
    /// each makes the set invalid (a duplicate id) or shadows a bundled one.
    id: (u8, IdChoice),
    spec: Spec,
    texts: Option<Texts>,
    /// Where its chain or ring link enters the next procedure.
    link_step: Option<u8>,
}

/// How the procedures of a set escalate into each other, besides what
/// their steps say.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Shape {
    /// Only what the steps say.
    Free,
    /// Each one's first outcome escalates to the next one.
    Chain,
    /// A chain whose last one escalates back to the first.
    Ring,
    /// Every other one's first outcome escalates to the first.
    Star,
}

/// A broken file in a set: bytes written over, into or instead of part of
/// one file.
#[derive(Arbitrary, Debug)]
pub enum Damage {
    /// Bytes inserted at an offset.
    Insert(u8, u16, Vec<u8>),
    /// Bytes written over the text from an offset.
    Overwrite(u8, u16, Vec<u8>),
    /// The file cut at an offset.
    Truncate(u8, u16),
    /// A YAML snippet inserted at the start of a line.
    Snippet(u8, u16, u8),
}

/// YAML that breaks a file when it lands at the start of a line.
const SNIPPETS: [&str; 10] = [
    "[\n",
    "{unclosed: \n",
    "  - - -\n",
    "&a [*a]\n",
    "id: dubbel\n",
    "\t\n",
    "!!binary AAAA\n",
    "? [complex, key]\n: value\n",
    "\"\\e[31m\"\n",
    "%YAML 1.1\n---\n",
];

/// A directory of procedure files, loaded together as `meldroute validate
/// DIR` loads them.
#[derive(Arbitrary, Debug)]
pub struct SetSpec {
    first: FileSpec,
    second: FileSpec,
    /// Up to four more files.
    more: Vec<FileSpec>,
    shape: Shape,
    /// Applied only when the byte is below [`RARELY`]: a damaged set never
    /// gets past the loader.
    damage: (u8, Damage),
    /// Load with small library limits (so that the set is cut off), when
    /// the byte is below [`RARELY`].
    tight_limits: u8,
}

/// Choices that make a set invalid are taken when a byte is below this
/// (1 in 8), so that most sets validate and reach the simulation.
const RARELY: u8 = 32;

impl FileSpec {
    fn id(&self) -> IdChoice {
        if self.id.0 < RARELY {
            self.id.1
        } else {
            IdChoice::Own
        }
    }
}

/// The bundled ids a generated file may take.
const BUNDLED_IDS: [&str; 3] = [
    "rijk/klacht",
    "rijk/vertrouwenslijn",
    "voorbeelden/ministerie-a",
];

impl SetSpec {
    /// The files of the set.
    pub fn specs(&self) -> Vec<&FileSpec> {
        [&self.first, &self.second]
            .into_iter()
            .chain(self.more.iter().take(4))
            .collect()
    }

    /// Whether to load with small limits.
    pub fn tight_limits(&self) -> bool {
        self.tight_limits < RARELY
    }

    /// The files, as (name, bytes), in the order a directory listing is
    /// read (sorted by name).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let specs = self.specs();
        let ids: Vec<String> = specs
            .iter()
            .enumerate()
            .map(|(i, f)| match f.id() {
                IdChoice::Own => format!("fuzz/p{i}"),
                IdChoice::SameAsFirst => match specs[0].id() {
                    IdChoice::Bundled(b) => BUNDLED_IDS[b as usize % BUNDLED_IDS.len()].to_owned(),
                    _ => "fuzz/p0".to_owned(),
                },
                IdChoice::Bundled(b) => BUNDLED_IDS[b as usize % BUNDLED_IDS.len()].to_owned(),
            })
            .collect();
        let siblings: Vec<(&str, usize)> = ids
            .iter()
            .zip(&specs)
            .map(|(id, f)| (id.as_str(), f.spec.step_count()))
            .collect();
        let n = specs.len();
        let mut files: Vec<(String, Vec<u8>)> = specs
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let to = match self.shape {
                    Shape::Free => None,
                    Shape::Chain => (i + 1 < n).then_some(i + 1),
                    Shape::Ring => Some((i + 1) % n),
                    Shape::Star => (i > 0).then_some(0),
                };
                let cx = Context {
                    id: Some(&ids[i]),
                    texts: f.texts.as_ref(),
                    siblings: &siblings,
                    link: to.map(|j| escalation(&ids[j], siblings[j].1, f.link_step)),
                };
                (
                    format!("fuzzdir/p{i}.yaml"),
                    f.spec.to_yaml_in(&cx).into_bytes(),
                )
            })
            .collect();
        if self.damage.0 < RARELY {
            self.damage.1.apply(&mut files);
        }
        files
    }
}

impl Damage {
    fn apply(&self, files: &mut [(String, Vec<u8>)]) {
        let n = files.len();
        let (file, at) = match self {
            Damage::Insert(f, at, _)
            | Damage::Overwrite(f, at, _)
            | Damage::Truncate(f, at)
            | Damage::Snippet(f, at, _) => (*f as usize % n, *at as usize),
        };
        let bytes = &mut files[file].1;
        let at = at % (bytes.len() + 1);
        match self {
            Damage::Insert(_, _, b) => {
                bytes.splice(at..at, b.iter().take(64).copied());
            }
            Damage::Overwrite(_, _, b) => {
                for (i, &x) in b.iter().take(64).enumerate() {
                    match bytes.get_mut(at + i) {
                        Some(y) => *y = x,
                        None => bytes.push(x),
                    }
                }
            }
            Damage::Truncate(..) => bytes.truncate(at),
            Damage::Snippet(_, _, s) => {
                // At the start of the line `at` falls in.
                let line = bytes[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let snippet = SNIPPETS[*s as usize % SNIPPETS.len()].as_bytes();
                bytes.splice(line..line, snippet.iter().copied());
            }
        }
    }
}

/// One procedure file with its texts, for `render_all`: the procedure
/// (escalating into the bundled library or to itself) and the file's name.
#[derive(Arbitrary, Debug)]
pub struct RenderSpec {
    spec: Spec,
    texts: Option<Texts>,
    /// The file's name (`dir/<text>.yaml`), as a path can spell it.
    name: Option<Text>,
    /// Compare it with a bundled procedure as well (index into the bundled ones).
    with_bundled: Option<u8>,
}

impl RenderSpec {
    /// (file name, file text).
    pub fn file(&self) -> (String, String) {
        let cx = Context {
            texts: self.texts.as_ref(),
            ..Context::default()
        };
        let name = match &self.name {
            Some(t) => format!("dir/{}.yaml", t.value().replace(['/', '\0'], "_")),
            None => "fuzz.yaml".to_owned(),
        };
        (name, self.spec.to_yaml_in(&cx))
    }

    /// The bundled procedure to compare it with, if any.
    pub fn with_bundled(&self) -> Option<&'static str> {
        self.with_bundled
            .map(|i| PROCEDURES[i as usize % (PROCEDURES.len() - 2)])
    }
}
