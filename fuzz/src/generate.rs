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
        let steps = &self.steps[..self.steps.len().min(MAX_STEPS)];
        let n = steps.len().max(1);
        let id = |k: u8| format!("s{}", k as usize % n);
        let mut y = String::new();
        let _ = writeln!(y, "id: fuzz/gegenereerd");
        let _ = writeln!(y, "title: Gegenereerd");
        let _ = writeln!(y, "organisation: Fuzz");
        let _ = writeln!(
            y,
            "kind: {}",
            ProcedureKind::ALL[self.kind as usize % ProcedureKind::ALL.len()].as_str()
        );
        y.push_str("sources:\n  bron: {title: Bron}\n");
        y.push_str("actors:\n  melder: {title: Melder, role: reporter}\n");
        y.push_str("  org: {title: Organisatie, role: organisation}\n");
        let _ = writeln!(y, "start: {}", id(self.start));
        y.push_str("steps:\n");
        if steps.is_empty() {
            y.push_str("  s0: {title: S, actor: melder, kind: report, outcome: closed}\n");
        }
        for (i, s) in steps.iter().enumerate() {
            let _ = writeln!(y, "  s{i}:");
            let _ = writeln!(y, "    title: Stap {i}");
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
            y.push_str("    basis: assumption\n    note: gegenereerd\n    sources: [bron]\n");
            if let Some(d) = &s.deadline {
                y.push_str("    deadline: {within: ");
                d.within.write(&mut y);
                if let Some(f) = d.from {
                    let _ = write!(y, ", from: {}", id(f));
                }
                y.push_str(", basis: wet}\n");
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
                    let p = PROCEDURES[*procedure as usize % PROCEDURES.len()];
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
        y
    }
}
