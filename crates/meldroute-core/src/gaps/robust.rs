//! How robust a finding is to the assumptions (`meldroute gaps --robust`):
//! the share of the sampled assumption space in which a finding that rests
//! on simulated figures still holds, and the assumptions it depends on
//! most. A structural finding holds by the structure.
//!
//! The points are [`ROBUST_POINTS`] pseudo-random draws of every factor of
//! the procedure ([`crate::sensitivity::factors`]), uniform within its
//! range, from a ChaCha8 stream of the seed; at each point the statistical
//! rules run on the model at that point ([`crate::sensitivity::apply`]),
//! each point with the same seed and [`ROBUST_RUNS`] journeys (or the
//! analysis's runs when fewer). A finding holds at a point when the rules
//! find it there again: the same rule at the same place of the file. What
//! it depends on most: for each assumption, the share of points where the
//! finding holds with the assumption in the upper half of its range
//! against the lower half, named when that difference is beyond chance
//! (`beyond_chance`).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Finding, GapOptions, RestsOn, analyse_models};
use crate::library::{EntryId, Library};
use crate::meta::RuleMeta;
use crate::sensitivity::{self, Factor};
use crate::sim::{self, SimModel, SimOptions};
use crate::stats::Estimate;

/// Points of the assumption space sampled per procedure.
pub const ROBUST_POINTS: usize = 128;
/// Journeys per point (five batches), or the analysis's runs when fewer.
pub const ROBUST_RUNS: u64 = 5 * sim::BATCH;
/// The stream of the seed that draws the points (the journeys use streams
/// from 0 up, the Sobol matrices and bootstrap the two highest).
const POINT_STREAM: u64 = u64::MAX - 2;
/// The assumptions a finding names as those it depends on most.
const MOST: usize = 3;

/// How a factor moves a finding: the share of points where it holds with
/// the factor in the upper half of its range, against the lower half.
#[derive(Clone, Debug, PartialEq)]
pub struct Dependence {
    /// The assumption.
    pub factor: Factor,
    /// The share holding among the points with the factor in the upper
    /// half, with its Wilson interval.
    pub upper: Estimate,
    /// The share holding among the points with it in the lower half.
    pub lower: Estimate,
    /// `upper - lower`, with its Newcombe interval
    /// ([`crate::stats::difference`]): positive when the finding holds
    /// more often the higher the factor.
    pub difference: Estimate,
}

/// How robust a finding is.
#[derive(Clone, Debug, PartialEq)]
pub enum Robustness {
    /// A route in the graph: it holds whatever the figures are.
    Structure,
    /// Read from simulated figures: how often it holds over the sampled
    /// assumptions.
    Sampled {
        /// Points sampled.
        points: u64,
        /// Points where it holds.
        holds: u64,
        /// `holds / points`, with its Wilson interval.
        share: Estimate,
        /// The assumptions it depends on most, largest `|difference|` first:
        /// at most three, and only those whose difference is beyond chance
        /// ([`beyond_chance`]).
        depends_on: Vec<Dependence>,
    },
}

impl Robustness {
    /// It holds at every sampled point (or by the structure).
    pub fn everywhere(&self) -> bool {
        match self {
            Robustness::Structure => true,
            Robustness::Sampled { points, holds, .. } => holds == points,
        }
    }
}

/// What identifies a finding across points: the procedure, the rule and
/// the place in the file.
fn key(f: &Finding) -> (EntryId, &'static str, usize, usize) {
    let span = &f.diagnostic.primary.span;
    (f.entry, f.diagnostic.code, span.start, span.end)
}

/// The robustness of each of `findings` (the analysis of `targets` with
/// `opts` and `keep`, in its order). Points run in parallel on
/// `opts.sim.threads` threads, one simulation each; the result is the same
/// on any number of threads.
pub fn robustness(
    library: &Library,
    targets: &[EntryId],
    opts: &GapOptions,
    keep: &(dyn Fn(&RuleMeta) -> bool + Sync),
    findings: &[Finding],
) -> Result<Vec<Robustness>, sim::SimError> {
    let point_opts = GapOptions {
        sim: SimOptions {
            runs: opts.sim.runs.min(ROBUST_RUNS),
            threads: 1,
            precision: None,
            ..opts.sim.clone()
        },
        ..opts.clone()
    };
    // Per target: its factors, the points, and the keys found at each.
    let mut out: Vec<Option<Robustness>> = findings
        .iter()
        .map(|f| (f.rests_on == RestsOn::Structure).then_some(Robustness::Structure))
        .collect();
    for &t in targets {
        let mine: Vec<usize> = (0..findings.len())
            .filter(|&i| findings[i].entry == t && out[i].is_none())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let Ok(model) = SimModel::compile(library, t).map(|m| m.dated(opts.sim.start)) else {
            continue;
        };
        let factors = sensitivity::factors(library, &model);
        let mut rng = ChaCha8Rng::seed_from_u64(opts.sim.seed);
        rng.set_stream(POINT_STREAM);
        let points: Vec<Vec<f64>> = (0..ROBUST_POINTS)
            .map(|_| {
                factors
                    .iter()
                    .map(|f| f.low + (f.high - f.low) * rng.random::<f64>())
                    .collect()
            })
            .collect();
        let found: Vec<Vec<(EntryId, &'static str, usize, usize)>> =
            sensitivity::each_point(&points, opts.sim.threads, |x| {
                let at = |_: EntryId, m: SimModel| sensitivity::apply(&m, &factors, x);
                analyse_models(library, &[t], &point_opts, keep, &at, &mut |_, _| {})
                    .iter()
                    .map(key)
                    .collect()
            });
        for i in mine {
            let k = key(&findings[i]);
            let held: Vec<bool> = found.iter().map(|keys| keys.contains(&k)).collect();
            out[i] = Some(sampled(&factors, &points, &held));
        }
    }
    Ok(out
        .into_iter()
        .map(|r| {
            r.unwrap_or(Robustness::Sampled {
                points: 0,
                holds: 0,
                share: sim::share(0, 0),
                depends_on: Vec::new(),
            })
        })
        .collect())
}

/// The robustness of a finding that holds at the points `held` says.
fn sampled(factors: &[Factor], points: &[Vec<f64>], held: &[bool]) -> Robustness {
    let n = held.len() as u64;
    let holds = held.iter().filter(|&&h| h).count() as u64;
    let tests = factors.len();
    let mut depends_on: Vec<Dependence> = factors
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let mid = (f.low + f.high) / 2.0;
            let (mut up, mut up_n, mut down, mut down_n) = (0u64, 0u64, 0u64, 0u64);
            for (x, &h) in points.iter().zip(held) {
                if x[i] >= mid {
                    up_n += 1;
                    up += u64::from(h);
                } else {
                    down_n += 1;
                    down += u64::from(h);
                }
            }
            if !beyond_chance(up, up_n, down, down_n, tests) {
                return None;
            }
            let (upper, lower) = (sim::share(up, up_n), sim::share(down, down_n));
            Some(Dependence {
                factor: f.clone(),
                upper,
                lower,
                difference: crate::stats::difference(upper, lower),
            })
        })
        .collect();
    depends_on.sort_by(|a, b| {
        b.difference
            .value
            .abs()
            .total_cmp(&a.difference.value.abs())
    });
    depends_on.truncate(MOST);
    Robustness::Sampled {
        points: n,
        holds,
        share: sim::share(holds, n),
        depends_on,
    }
}

/// Whether the difference between the shares holding in the upper and
/// the lower half (`up` of `up_n` points, `down` of `down_n`) is beyond
/// chance: a two-proportion z-test (pooled) at the 5% level,
/// Bonferroni-corrected for the `tests` assumptions tested at once, so
/// that of some 90 assumptions that do nothing, any is named in at most
/// one study in twenty.
fn beyond_chance(up: u64, up_n: u64, down: u64, down_n: u64, tests: usize) -> bool {
    use statrs::distribution::{ContinuousCDF, Normal};
    if up_n == 0 || down_n == 0 {
        return false;
    }
    let (n1, n2) = (up_n as f64, down_n as f64);
    let pooled = (up + down) as f64 / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return false;
    }
    let alpha = 0.05 / tests.max(1) as f64;
    let z = Normal::standard().inverse_cdf(1.0 - alpha / 2.0);
    ((up as f64 / n1 - down as f64 / n2) / se).abs() > z
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Origin;
    use crate::load::Limits;
    use crate::source::SourceFile;

    /// A procedure whose feedback, due within 3 months, comes after one
    /// assumed step of 80 days on average: late for many journeys when the
    /// step is slow, for none when it is quick, so whether the deadline is
    /// at risk depends on that step (and hardly on the other assumed one,
    /// of 2 days).
    const LATE: &str = r#"meldroute: 1
id: test/laat
title: Laat
organisation: Test
kind: internal-report
external-information: bron
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging: {title: Ontvangst, actor: org, kind: acknowledgement, duration: 1d, basis: policy, sources: [bron], next: onderzoek}
  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 40d, max: 120d}}, basis: assumption, note: Aangenomen., range: {duration: [0.5, 1.5]}, next: overleg}
  overleg: {title: Overleg, actor: org, kind: investigation, duration: 2d, basis: assumption, note: Aangenomen., next: terugkoppeling}
  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, basis: policy, sources: [bron], deadline: {within: 3mo, from: bevestiging, basis: "Wbk art. 2"}, next: einde}
  einde: {title: Einde, actor: org, kind: closure, outcome: founded}
"#;

    #[test]
    fn a_simulated_finding_holds_where_its_assumption_makes_it() {
        let mut lib = Library::with_bundled(Limits::default());
        let t = lib
            .load_source(SourceFile::new("laat.yaml", LATE), Origin::User)
            .expect("loads");
        let opts = GapOptions {
            sim: SimOptions {
                runs: 4096,
                threads: 2,
                ..SimOptions::default()
            },
            ..GapOptions::default()
        };
        let keep = |_: &RuleMeta| true;
        let findings = lib.gaps(&[t], &opts, &keep).expect("valid");
        assert!(!findings.is_empty());
        let robust = robustness(&lib, &[t], &opts, &keep, &findings).expect("runs");
        let again = robustness(
            &lib,
            &[t],
            &GapOptions {
                sim: SimOptions {
                    threads: 1,
                    ..opts.sim.clone()
                },
                ..opts.clone()
            },
            &keep,
            &findings,
        )
        .expect("runs");
        assert_eq!(robust, again, "the same on 1 and 2 threads");
        let mut saw_sampled = false;
        for (f, r) in findings.iter().zip(&robust) {
            match r {
                Robustness::Structure => assert_eq!(f.rests_on, RestsOn::Structure),
                Robustness::Sampled {
                    points,
                    holds,
                    share,
                    depends_on,
                } => {
                    saw_sampled = true;
                    assert_eq!(*points, ROBUST_POINTS as u64);
                    assert!(share.ci95.is_some_and(|ci| ci.contains(share.value)));
                    // The silence and the late feedback hang on the long step.
                    if *holds < *points {
                        let first = depends_on.first().expect("some assumption moves it");
                        assert_eq!(
                            first.factor.step.as_deref(),
                            Some("onderzoek"),
                            "{}",
                            f.diagnostic.message
                        );
                        assert!(first.difference.value > 0.0, "{first:?}");
                    }
                }
            }
        }
        assert!(saw_sampled, "{findings:#?}");
        // The deadline at risk holds only in part of the space: where the
        // step is slow (above about 0.9 times as written, so about 60% of it).
        let at_risk = findings
            .iter()
            .position(|f| f.diagnostic.code == "MR105")
            .expect("the deadline is at risk as written");
        match &robust[at_risk] {
            Robustness::Sampled { holds, .. } => {
                assert!((40..=112).contains(holds), "{:?}", robust[at_risk]);
            }
            r => panic!("{r:?}"),
        }
        assert!(!robust[at_risk].everywhere());
    }
}
