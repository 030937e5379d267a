//! How sure: the sensitivity of the simulated figures to the assumptions
//! (`meldroute sensitivity`, docs/sensitivity.md).
//!
//! Every step marked `basis: assumption`, in the procedure and in those its
//! escalations reach, gives factors ([`factors`]): the scale of its
//! duration, and when it has branches their probabilities. Each factor
//! ranges over the step's `range:` or the defaults ([`DEFAULT_SCALE`],
//! [`DEFAULT_SHIFT`]). A point of the assumption space is a value of every
//! factor; [`apply`] makes the model of a point, and [`evaluate`] simulates
//! points with the same seed, so that the differences between points come
//! from the changes, not from chance (common random numbers, decision
//! 0013).
//!
//! Two methods: one at a time ([`one_at_a_time`]: the base point, then
//! each factor at its low and high end with the others at base, ranked by
//! the swing), and Sobol indices by Saltelli sampling ([`sobol`]: first
//! order by the Saltelli 2010 estimator, total by Jansen's, each with a
//! seeded bootstrap interval), which also sees interactions.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::duration::Distribution;
use crate::library::Library;
use crate::model::Basis;
use crate::sim::precision::Kpi;
use crate::sim::sample::Sampler;
use crate::sim::{self, Go, SimError, SimModel, SimOptions};
use crate::stats::{Estimate, Interval};

/// The default range of a duration's scale: half to one and a half times.
pub const DEFAULT_SCALE: [f64; 2] = [0.5, 1.5];
/// The default shift of a branch probability either way.
pub const DEFAULT_SHIFT: f64 = 0.10;
/// The figures studied when none is named.
pub const DEFAULT_KPIS: [&str; 4] = [
    "lead_time.mean",
    "longest_silence.mean",
    "feedback_within_3_months",
    "acknowledged_within_7_days",
];
/// Base samples `N` of a Sobol study when none is given: `N * (k + 2)`
/// model evaluations for `k` factors.
pub const DEFAULT_SAMPLES: usize = 256;
/// Journeys per evaluation of a Sobol study when none is given (one batch).
pub const DEFAULT_SOBOL_RUNS: u64 = sim::BATCH;
/// The figures the HTML report's tornadoes show.
pub const REPORT_KPIS: [&str; 2] = ["lead_time.mean", "feedback_within_3_months"];
/// Journeys per point of the report's tornadoes (five batches), or the
/// report's runs when fewer: a report of several procedures with some 90
/// assumptions each stays within seconds.
pub const REPORT_RUNS: u64 = 5 * sim::BATCH;
/// Bootstrap resamples of a Sobol index's interval.
pub const BOOTSTRAP: usize = 1000;

/// The stream of the seed's ChaCha8 generator that draws the sample
/// matrices; the journeys' batches use streams from 0 up.
const SAMPLE_STREAM: u64 = u64::MAX;
/// The stream that draws the bootstrap resamples.
const BOOTSTRAP_STREAM: u64 = u64::MAX - 1;

/// What a factor varies.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Varies {
    /// The scale of the step's duration: every duration of its
    /// distribution times the factor (base 1).
    Duration,
    /// The probability of the branch to `to` (base: as written); the other
    /// branches of the step share the rest in proportion.
    Branch {
        /// The step the branch leads to.
        to: String,
    },
    /// A caseload's pool: its number of handlers times the factor, rounded
    /// to the nearest whole number and at least 1 (base 1).
    Handlers {
        /// The pool.
        pool: String,
    },
    /// A caseload's procedure: the rate at which its reports arrive, times
    /// the factor (base 1).
    Arrivals,
    /// A caseload's procedure: the cases open at the start, times the
    /// factor, rounded to the nearest whole number (base 1).
    Open,
    /// A parameter of the reporter's experience score
    /// (docs/experience.md), an assumption like any other (base: its
    /// default).
    Experience {
        /// The parameter, as [`crate::experience::PARAMETERS`] names it.
        parameter: String,
    },
}

/// One assumption varied by a study.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Factor {
    /// The procedure of the step, or of the arrivals or open cases (none
    /// for a pool).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    /// The step whose basis is `assumption` (none for a caseload's
    /// arrivals, open cases and pools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// What is varied.
    #[serde(flatten)]
    pub varies: Varies,
    /// The value in the file: 1 for a scale, the probability of a branch.
    pub base: f64,
    /// The low end of its range.
    pub low: f64,
    /// The high end of its range.
    pub high: f64,
    /// The range is the step's `range:` (false: the default).
    pub from_file: bool,
    /// The step in the model (a caseload's: its pool or procedure).
    #[serde(skip)]
    index: u32,
    /// For a branch: its place among the step's branches in the model.
    #[serde(skip)]
    branch: u32,
    /// For a duration: the step's distribution as written, which a point
    /// scales ([`Distribution::scaled`]).
    #[serde(skip)]
    duration: Distribution,
}

impl Factor {
    /// `procedure:step` and what varies, for people:
    /// `rijk/klacht:onderzoek duration`, `rijk/klacht:intake -> besluit`.
    /// `pool toetsers handlers`, `rijk/klacht arrivals`, `rijk/klacht open
    /// at start` for a caseload's.
    pub fn label(&self) -> String {
        let p = self.procedure.as_deref().unwrap_or_default();
        let s = self.step.as_deref().unwrap_or_default();
        match &self.varies {
            Varies::Duration => format!("{p}:{s} duration"),
            Varies::Branch { to } => format!("{p}:{s} -> {to}"),
            Varies::Handlers { pool } => format!("pool {pool} handlers"),
            Varies::Arrivals => format!("{p} arrivals"),
            Varies::Open => format!("{p} open at start"),
            Varies::Experience { parameter } => format!("experience {parameter}"),
        }
    }

    /// A factor of a caseload, scaling what it varies from 1 over the
    /// default range ([`DEFAULT_SCALE`]).
    fn scale(procedure: Option<String>, varies: Varies, index: u32) -> Factor {
        Factor {
            procedure,
            step: None,
            varies,
            base: 1.0,
            low: DEFAULT_SCALE[0],
            high: DEFAULT_SCALE[1],
            from_file: false,
            index,
            branch: 0,
            duration: Distribution::default(),
        }
    }
}

/// The factors of `model` (compiled from `library`): for every step whose
/// basis is `assumption`, in model order, its duration's scale (unless it
/// always takes no time) and, when it has at least two branches of a
/// probability above 0, each branch's probability (one factor, the first
/// branch's, for two branches). A branch written with `p: 0` is left out of
/// the model, and so of the study.
pub fn factors(library: &Library, model: &SimModel) -> Vec<Factor> {
    let mut out = Vec::new();
    for (i, s) in model.steps.iter().enumerate() {
        let entry = model.procedures[s.procedure as usize].entry;
        let procedure = &library.entry(entry).procedure;
        let name = &model.names[i];
        let Some(step) = procedure.steps.get(&name.id) else {
            continue;
        };
        if step.basis.as_deref() != Some(&Basis::Assumption) {
            continue;
        }
        let range = step.range.as_deref();
        let factor = |varies, base, low, high, from_file, branch| Factor {
            procedure: Some(procedure.id.value.clone()),
            step: Some(name.id.clone()),
            varies,
            base,
            low,
            high,
            from_file,
            index: i as u32,
            branch,
            duration: step.duration.value.clone(),
        };
        if s.duration.mean() > 0.0 {
            let written = range.and_then(|r| r.duration.as_ref());
            let [low, high] = written.map_or(DEFAULT_SCALE, |d| d.value);
            out.push(factor(
                Varies::Duration,
                1.0,
                low,
                high,
                written.is_some(),
                0,
            ));
        }
        if let Go::Branch { from, len } = s.go
            && len >= 2
        {
            let written = range.and_then(|r| r.branches.as_ref());
            let shift = written.map_or(DEFAULT_SHIFT, |b| b.value);
            let varied = if len == 2 { 1 } else { len as usize };
            for (k, (p, to)) in model
                .branch_probabilities(from, len)
                .enumerate()
                .take(varied)
            {
                out.push(factor(
                    Varies::Branch {
                        to: model.names[to as usize].id.clone(),
                    },
                    p,
                    (p - shift).max(0.0),
                    (p + shift).min(1.0),
                    written.is_some(),
                    k as u32,
                ));
            }
        }
    }
    out
}

/// The factors of a study of `kpis`: the model's assumptions
/// ([`factors`]), and when a figure is the experience score, its
/// parameters too ([`experience_factors`]), which are assumptions as well.
pub fn study_factors(library: &Library, model: &SimModel, kpis: &[Kpi]) -> Vec<Factor> {
    let mut out = factors(library, model);
    if kpis.iter().any(|k| k.name().starts_with("experience.")) {
        out.extend(experience_factors(model));
    }
    out
}

/// The parameters of the reporter's experience score as factors, each from
/// half to one and a half times its value in `model` (a parameter of 0
/// from -5 to 5 points); `base`, the level the others move, is left out.
/// A study of an `experience.*` figure varies them beside the
/// procedure's assumptions.
pub fn experience_factors(model: &SimModel) -> Vec<Factor> {
    crate::experience::PARAMETERS
        .iter()
        .filter(|p| p.0 != "base")
        .map(|&(name, default, _)| {
            let v = model.experience.get(name).unwrap_or(default);
            let (low, high) = if v == 0.0 {
                (-5.0, 5.0)
            } else {
                let (a, b) = (v * DEFAULT_SCALE[0], v * DEFAULT_SCALE[1]);
                (a.min(b), a.max(b))
            };
            Factor {
                procedure: None,
                step: None,
                varies: Varies::Experience {
                    parameter: name.to_owned(),
                },
                base: v,
                low,
                high,
                from_file: false,
                index: 0,
                branch: 0,
                duration: Distribution::default(),
            }
        })
        .collect()
}

/// The model at point `x` (a value of each of `factors`, in order): each
/// duration scaled, each branch set to its probability with the other
/// branches of its step sharing the rest in proportion to what they had
/// (equally when they had nothing), applied in factor order. A factor at
/// its base value leaves the model as it is.
pub fn apply(model: &SimModel, factors: &[Factor], x: &[f64]) -> SimModel {
    let mut m = model.clone();
    for (f, &v) in factors.iter().zip(x) {
        if v == f.base {
            continue;
        }
        if let Varies::Experience { parameter } = &f.varies {
            m.experience.set(parameter, v);
            continue;
        }
        let step = &mut m.steps[f.index as usize];
        match f.varies {
            Varies::Experience { .. } => {}
            Varies::Duration => {
                // A duration in working days draws calendar days at its
                // calendar's mean ratio, as compiled.
                let ratio = m
                    .calendars
                    .get(step.working as usize)
                    .map_or(1.0, |c| c.ratio);
                step.duration = Sampler::new(&f.duration.scaled(v * ratio));
            }
            // A caseload's own ([`caseload::CaseFactors::apply`]).
            Varies::Handlers { .. } | Varies::Arrivals | Varies::Open => {}
            Varies::Branch { .. } => {
                let Go::Branch { from, len } = step.go else {
                    continue;
                };
                let mut p: Vec<f64> = m.branch_probabilities(from, len).map(|b| b.0).collect();
                let k = f.branch as usize;
                let rest = 1.0 - p[k];
                for (j, q) in p.iter_mut().enumerate() {
                    if j != k {
                        *q = if rest > 0.0 {
                            *q * (1.0 - v) / rest
                        } else {
                            (1.0 - v) / (len - 1) as f64
                        };
                    }
                }
                p[k] = v;
                let mut cum = 0.0;
                for (j, q) in p.iter().enumerate() {
                    cum += q;
                    m.branches[from as usize + j].0 = if j + 1 == p.len() {
                        // The last branch catches rounding, as compiled.
                        f64::INFINITY
                    } else {
                        cum
                    };
                }
            }
        }
    }
    m
}

/// The figures `kpis` at each of `points`, each point simulated with the
/// same options, seed included (precision targets are not read). Points
/// run in parallel, one thread each, on `opts.threads` threads
/// ([`each_point`]); each point's figures depend only on the point and the
/// options, so the result is the same on any number of threads.
pub fn evaluate(
    model: &SimModel,
    factors: &[Factor],
    kpis: &[Kpi],
    opts: &SimOptions,
    points: &[Vec<f64>],
) -> Result<Vec<Vec<Estimate>>, SimError> {
    let one = point_options(opts);
    each_point(points, opts.threads, |x| {
        let m = apply(model, factors, x);
        let agg = sim::simulate(&m, &one, &|_| {})?;
        Ok(kpis.iter().map(|k| k.estimate(&agg)).collect())
    })
    .into_iter()
    .collect()
}

/// `f` of each of `points`, in their order, on `threads` threads (0: one
/// per core) that take the points in turn. Plain threads, not a rayon
/// pool: `f` runs a simulation, which has a pool of its own, and a rayon
/// worker waiting on another pool steals the next point onto its stack,
/// so thousands of points would nest until the stack overflows.
pub(crate) fn each_point<T: Sync, R: Send>(
    points: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    }
    .min(points.len())
    .max(1);
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(x) = points.get(i) else { break };
                        mine.push((i, f(x)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|d| d.0);
    done.into_iter().map(|d| d.1).collect()
}

/// The base values of `factors`: the point of the file as written.
pub fn base_point(factors: &[Factor]) -> Vec<f64> {
    factors.iter().map(|f| f.base).collect()
}

/// One factor at one end, with the figure there.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Swing {
    /// The factor (index into the study's factors).
    pub factor: usize,
    /// The figure with the factor at its low end, the others at base.
    pub low: Estimate,
    /// The figure with the factor at its high end, the others at base.
    pub high: Estimate,
    /// `|high - low|`: what the tornado ranks by.
    pub swing: f64,
}

/// A figure's one-at-a-time result.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Tornado {
    /// The figure, by the name `--precision` takes.
    pub kpi: String,
    /// The figure at the base point.
    pub base: Estimate,
    /// Every factor, largest swing first (equal swings in factor order).
    pub swings: Vec<Swing>,
}

/// One-at-a-time: the base point, then each factor at its low and its high
/// end with the others at base (`2k + 1` points for `k` factors, the same
/// seed for each); per figure, the factors ranked by swing.
pub fn one_at_a_time(
    model: &SimModel,
    factors: &[Factor],
    kpis: &[Kpi],
    opts: &SimOptions,
) -> Result<Vec<Tornado>, SimError> {
    let figures = evaluate(model, factors, kpis, opts, &oat_points(factors))?;
    Ok(tornadoes(factors, &names(kpis), &figures))
}

/// The points of one at a time: the base, then each factor at its low and
/// its high end with the others at base.
fn oat_points(factors: &[Factor]) -> Vec<Vec<f64>> {
    let base = base_point(factors);
    let mut points = vec![base.clone()];
    for (i, f) in factors.iter().enumerate() {
        for end in [f.low, f.high] {
            let mut x = base.clone();
            x[i] = end;
            points.push(x);
        }
    }
    points
}

/// The names of `kpis`.
fn names(kpis: &[Kpi]) -> Vec<&str> {
    kpis.iter().map(|k| k.name()).collect()
}

/// The tornadoes of the figures called `kpis` from their `figures` at the
/// points of [`oat_points`].
fn tornadoes(factors: &[Factor], kpis: &[&str], figures: &[Vec<Estimate>]) -> Vec<Tornado> {
    kpis.iter()
        .enumerate()
        .map(|(q, kpi)| {
            let mut swings: Vec<Swing> = (0..factors.len())
                .map(|i| {
                    let (low, high) = (figures[1 + 2 * i][q], figures[2 + 2 * i][q]);
                    Swing {
                        factor: i,
                        low,
                        high,
                        swing: (high.value - low.value).abs(),
                    }
                })
                .collect();
            swings.sort_by(|a, b| b.swing.total_cmp(&a.swing).then(a.factor.cmp(&b.factor)));
            Tornado {
                kpi: (*kpi).to_owned(),
                base: figures[0][q],
                swings,
            }
        })
        .collect()
}

/// An index with its bootstrap 95% interval (percentile).
#[derive(Clone, Copy, Debug, Serialize, schemars::JsonSchema)]
pub struct Index {
    /// The estimate from all samples.
    pub value: f64,
    /// The 2.5th and 97.5th percentiles of the bootstrap estimates.
    pub ci95: Interval,
}

/// The Sobol indices of one factor for one figure.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SobolIndex {
    /// The factor (index into the study's factors).
    pub factor: usize,
    /// First order: the share of the figure's variance the factor explains
    /// alone (Saltelli et al. 2010).
    pub first: Index,
    /// Total: the share it explains with all its interactions (Jansen 1999).
    pub total: Index,
}

/// A figure's Sobol indices.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SobolKpi {
    /// The figure, by the name `--precision` takes.
    pub kpi: String,
    /// The figure at the base point.
    pub base: Estimate,
    /// The mean of the figure over the sampled points (A and B).
    pub mean: f64,
    /// Its variance over them, the denominator of every index (0: the
    /// figure does not vary, and every index is 0).
    pub variance: f64,
    /// Each factor, in factor order.
    pub indices: Vec<SobolIndex>,
}

/// Sobol indices of every factor for every figure, from Saltelli sampling:
/// two `samples x k` matrices A and B of pseudo-random points drawn
/// uniformly within the factors' ranges (ChaCha8 from the seed, a stream
/// of its own), and for each factor `i` the matrix AB_i (A with column `i`
/// of B): `samples * (k + 2)` evaluations, and one more for the base
/// point. The intervals come from [`BOOTSTRAP`] resamples of the rows,
/// drawn from the seed as well, so the study is deterministic.
pub fn sobol(
    model: &SimModel,
    factors: &[Factor],
    kpis: &[Kpi],
    opts: &SimOptions,
    samples: usize,
) -> Result<Vec<SobolKpi>, SimError> {
    let points = sobol_points(factors, samples, opts.seed);
    let figures = evaluate(model, factors, kpis, opts, &points)?;
    Ok(sobol_indices(
        factors,
        &names(kpis),
        samples,
        opts.seed,
        &figures,
    ))
}

/// The points of a Sobol study ([`sobol`]): the base, then per row `j` of
/// the matrices A and B drawn from `seed`: A_j, B_j, AB_1j ... AB_kj.
fn sobol_points(factors: &[Factor], samples: usize, seed: u64) -> Vec<Vec<f64>> {
    let k = factors.len();
    let n = samples;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(SAMPLE_STREAM);
    let mut draw = || -> Vec<f64> {
        factors
            .iter()
            .map(|f| f.low + (f.high - f.low) * rng.random::<f64>())
            .collect()
    };
    let a: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|_| draw()).collect();
    // Points: the base, then per row j: A_j, B_j, AB_1j ... AB_kj.
    let mut points = Vec::with_capacity(1 + n * (k + 2));
    points.push(base_point(factors));
    for j in 0..n {
        points.push(a[j].clone());
        points.push(b[j].clone());
        for i in 0..k {
            let mut x = a[j].clone();
            x[i] = b[j][i];
            points.push(x);
        }
    }
    points
}

/// The Sobol indices of the figures called `kpis` from their `figures` at
/// the points of [`sobol_points`], with the bootstrap resamples drawn from
/// `seed`.
fn sobol_indices(
    factors: &[Factor],
    kpis: &[&str],
    samples: usize,
    seed: u64,
    figures: &[Vec<Estimate>],
) -> Vec<SobolKpi> {
    let (k, n) = (factors.len(), samples);
    let at = |j: usize, which: usize, q: usize| figures[1 + j * (k + 2) + which][q].value;
    let mut boot = ChaCha8Rng::seed_from_u64(seed);
    boot.set_stream(BOOTSTRAP_STREAM);
    let resamples: Vec<Vec<usize>> = (0..BOOTSTRAP)
        .map(|_| (0..n).map(|_| boot.random_range(0..n)).collect())
        .collect();
    let all: Vec<usize> = (0..n).collect();
    kpis.iter()
        .enumerate()
        .map(|(q, kpi)| {
            let rows = Rows {
                fa: (0..n).map(|j| at(j, 0, q)).collect(),
                fb: (0..n).map(|j| at(j, 1, q)).collect(),
                fab: (0..k)
                    .map(|i| (0..n).map(|j| at(j, 2 + i, q)).collect())
                    .collect(),
            };
            let (mean, variance) = rows.moments(&all);
            let point = rows.indices(&all);
            let boots: Vec<Vec<(f64, f64)>> = resamples.iter().map(|r| rows.indices(r)).collect();
            let indices = (0..k)
                .map(|i| {
                    let interval = |pick: fn(&(f64, f64)) -> f64| {
                        let mut v: Vec<f64> = boots.iter().map(|b| pick(&b[i])).collect();
                        percentile_interval(&mut v)
                    };
                    SobolIndex {
                        factor: i,
                        first: Index {
                            value: point[i].0,
                            ci95: interval(|x| x.0),
                        },
                        total: Index {
                            value: point[i].1,
                            ci95: interval(|x| x.1),
                        },
                    }
                })
                .collect();
            SobolKpi {
                kpi: (*kpi).to_owned(),
                base: figures[0][q],
                mean,
                variance,
                indices,
            }
        })
        .collect()
}

/// The method of a study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// One at a time: each factor at its ends, the others at base.
    Oat,
    /// Sobol indices from Saltelli sampling.
    Sobol,
}

/// A sensitivity study of one procedure: what was varied, how, and what
/// it did to each figure.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Study {
    /// The procedure studied (its escalations' assumptions included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    /// The caseload studied (its procedures' assumptions, and its own:
    /// arrivals, open cases and pools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caseload: Option<String>,
    /// The method.
    pub method: Method,
    /// A procedure: journeys simulated at each point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// A caseload: replications of its period at each point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    /// The seed of every point (and of the sample matrices and the
    /// bootstrap).
    pub seed: u64,
    /// Sobol: the base samples N (rows of A and B); 0 for one at a time.
    pub samples: usize,
    /// Sobol: the bootstrap resamples of each interval; 0 for one at a time.
    pub bootstrap: usize,
    /// The points simulated, the base point included.
    pub points: usize,
    /// The assumptions varied, in model order.
    pub factors: Vec<Factor>,
    /// One at a time: per figure, the factors ranked by swing.
    pub tornado: Vec<Tornado>,
    /// Sobol: per figure, each factor's indices.
    pub sobol: Vec<SobolKpi>,
}

impl Study {
    /// Studies `model` (compiled from `library`) by `method` (`samples`:
    /// the Sobol base samples N): every factor, every figure of `kpis`.
    pub fn run(
        library: &Library,
        model: &SimModel,
        kpis: &[Kpi],
        opts: &SimOptions,
        method: Method,
        samples: usize,
    ) -> Result<Study, SimError> {
        let factors = study_factors(library, model, kpis);
        let points = points(&factors, method, samples, opts.seed);
        let figures = evaluate(model, &factors, kpis, opts, &points)?;
        Ok(Study::of(
            model, factors, kpis, opts, method, samples, &figures,
        ))
    }

    /// The procedure or caseload studied.
    pub fn subject(&self) -> &str {
        self.caseload
            .as_deref()
            .or(self.procedure.as_deref())
            .unwrap_or_default()
    }

    /// What each point simulates, for people: `10000 journeys`, `20
    /// replications of its period`.
    pub fn per_point(&self) -> String {
        match (self.runs, self.replications) {
            (_, Some(r)) => format!("{r} replications of its period"),
            (Some(n), None) => format!("{n} journeys"),
            (None, None) => String::new(),
        }
    }

    /// The study of `model` by `method` from the `figures` of `kpis` at
    /// each of the [`points`] of `factors` (each point simulated with
    /// `opts`: [`evaluate`], or merged from the shards of a sharded study).
    pub fn of(
        model: &SimModel,
        factors: Vec<Factor>,
        kpis: &[Kpi],
        opts: &SimOptions,
        method: Method,
        samples: usize,
        figures: &[Vec<Estimate>],
    ) -> Study {
        let mut study = Study::assemble(factors, &names(kpis), opts.seed, method, samples, figures);
        study.procedure = Some(model.procedures[0].id.clone());
        study.runs = Some(opts.runs);
        study
    }

    /// The study of the figures called `kpis` by `method`, with `seed`,
    /// from their `figures` at each point; what it studies is the
    /// caller's to fill in.
    fn assemble(
        factors: Vec<Factor>,
        kpis: &[&str],
        seed: u64,
        method: Method,
        samples: usize,
        figures: &[Vec<Estimate>],
    ) -> Study {
        let k = factors.len();
        let mut study = Study {
            procedure: None,
            caseload: None,
            method,
            runs: None,
            replications: None,
            seed,
            samples: 0,
            bootstrap: 0,
            points: 0,
            factors: Vec::new(),
            tornado: Vec::new(),
            sobol: Vec::new(),
        };
        match method {
            Method::Oat => {
                study.tornado = tornadoes(&factors, kpis, figures);
                study.points = 2 * k + 1;
            }
            Method::Sobol => {
                study.sobol = sobol_indices(&factors, kpis, samples, seed, figures);
                study.samples = samples;
                study.bootstrap = BOOTSTRAP;
                study.points = samples * (k + 2) + 1;
            }
        }
        study.factors = factors;
        study
    }
}

/// The points a study of `factors` by `method` simulates, in order
/// (`samples`: the Sobol base samples; `seed`: of the sample matrices).
pub fn points(factors: &[Factor], method: Method, samples: usize, seed: u64) -> Vec<Vec<f64>> {
    match method {
        Method::Oat => oat_points(factors),
        Method::Sobol => sobol_points(factors, samples, seed),
    }
}

/// The options each point of a study is simulated with: one thread (the
/// points run in parallel) and no precision targets.
pub fn point_options(opts: &SimOptions) -> SimOptions {
    SimOptions {
        threads: 1,
        precision: None,
        ..opts.clone()
    }
}

/// The study the HTML report shows of `model`: one at a time over every
/// assumption with the default ranges, for [`REPORT_KPIS`], at
/// [`REPORT_RUNS`] journeys per point (or `opts.runs` when fewer), with the
/// report's seed.
pub fn report_study(
    library: &Library,
    model: &SimModel,
    opts: &SimOptions,
) -> Result<Study, SimError> {
    let kpis: Vec<Kpi> = REPORT_KPIS.iter().filter_map(|n| Kpi::named(n)).collect();
    let opts = SimOptions {
        runs: opts.runs.min(REPORT_RUNS),
        precision: None,
        ..opts.clone()
    };
    Study::run(library, model, &kpis, &opts, Method::Oat, 0)
}

/// One figure at the rows of A, B and each AB_i.
struct Rows {
    fa: Vec<f64>,
    fb: Vec<f64>,
    fab: Vec<Vec<f64>>,
}

impl Rows {
    /// The mean and variance of the figure over the rows `r` of A and B
    /// together (`2 * r.len()` values).
    fn moments(&self, r: &[usize]) -> (f64, f64) {
        let m = 2.0 * r.len() as f64;
        let mean = r.iter().map(|&j| self.fa[j] + self.fb[j]).sum::<f64>() / m;
        let var = r
            .iter()
            .map(|&j| (self.fa[j] - mean).powi(2) + (self.fb[j] - mean).powi(2))
            .sum::<f64>()
            / m;
        (mean, var)
    }

    /// Each factor's (first-order, total) index from the rows `r`:
    /// `S_i = mean((f(B) - m) (f(AB_i) - f(A))) / V` (Saltelli et al. 2010,
    /// with `f(B)` centred on the mean `m` of A and B, which leaves its
    /// expectation as it is, since `f(AB_i) - f(A)` has mean 0, and takes
    /// the figure's level out of its variance) and
    /// `ST_i = mean((f(A) - f(AB_i))^2) / (2 V)` (Jansen 1999); both 0 when
    /// the figure does not vary (V = 0).
    fn indices(&self, r: &[usize]) -> Vec<(f64, f64)> {
        let (m, v) = self.moments(r);
        let n = r.len() as f64;
        self.fab
            .iter()
            .map(|fab| {
                if v <= 0.0 {
                    return (0.0, 0.0);
                }
                let first = r
                    .iter()
                    .map(|&j| (self.fb[j] - m) * (fab[j] - self.fa[j]))
                    .sum::<f64>()
                    / n
                    / v;
                let total = r
                    .iter()
                    .map(|&j| (self.fa[j] - fab[j]).powi(2))
                    .sum::<f64>()
                    / (2.0 * n)
                    / v;
                (first, total)
            })
            .collect()
    }
}

/// The 2.5th and 97.5th percentiles of `v` (sorted in place), by the
/// nearest rank.
fn percentile_interval(v: &mut [f64]) -> Interval {
    v.sort_by(f64::total_cmp);
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Interval {
        low: rank(0.025),
        high: rank(0.975),
    }
}

pub mod caseload;
#[cfg(test)]
mod tests;
