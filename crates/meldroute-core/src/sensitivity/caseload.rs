//! Sensitivity in caseload mode (`meldroute sensitivity CASELOAD`,
//! docs/sensitivity.md): the assumptions of a caseload's procedures (as
//! for a procedure, [`super::factors`]), and of the caseload itself: the
//! arrival rate of each procedure, the cases open at the start and the
//! handlers of each pool whose `basis` is `assumption`. Each point runs
//! the caseload's replications with the same seed, so that two points
//! differ by the change, not by chance (common random numbers: the same
//! arrivals and the same draws per case where the change leaves them).
//! The figures are the caseload's own: the backlog at the end, each
//! pool's utilisation and waiting, and each procedure's journey figures,
//! each the mean over the replications with its Student-t interval, as
//! `meldroute simulate CASELOAD` reports them.

use crate::caseload::Arrivals;
use crate::library::Library;
use crate::model::Basis;
use crate::sim::des::{
    CaseModel, CaseOptions, CaseloadError, Replication, across, lead_all, pool_wait,
    simulate_caseload, utilisation,
};
use crate::sim::precision::{Kpi, Unit};
use crate::stats::Estimate;

use super::{Factor, Method, Study, Varies, each_point, points};

/// The figures studied when none is named: the backlog at the end, each
/// procedure's mean lead time and feedback within 3 months, and each
/// pool's utilisation.
pub fn default_kpis(model: &CaseModel) -> Vec<CaseKpi> {
    let mut out = vec![CaseKpi::new(model, Figure::Backlog)];
    for f in 0..model.flows.len() as u32 {
        for name in ["lead_time.mean", "feedback_within_3_months"] {
            if let Some(k) = Kpi::named(name) {
                out.push(CaseKpi::new(model, Figure::Journey(f, k)));
            }
        }
    }
    for p in 0..model.pools.len() as u32 {
        out.push(CaseKpi::new(model, Figure::Utilisation(p)));
    }
    out
}

/// The figures a caseload study can name, besides every journey figure
/// (`lead_time.mean`, `feedback_within_3_months`, ...) of a procedure.
pub const CASELOAD_FIGURES: [&str; 4] = [
    "backlog_at_end",
    "lead_time.all",
    "utilisation",
    "wait.mean",
];

/// What a caseload figure measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Cases open at the end of the period.
    Backlog,
    /// The mean lead time of the finished cases of every procedure.
    LeadAll,
    /// A pool's share of handler time at work.
    Utilisation(u32),
    /// The mean days a case waited for one of a pool's handlers.
    Wait(u32),
    /// A journey figure of a procedure's cases.
    Journey(u32, Kpi),
}

/// A figure of a caseload, by name: `backlog_at_end`, `lead_time.all`,
/// `utilisation@POOL`, `wait.mean@POOL`, or a journey figure
/// `FIGURE@PROCEDURE`; the `@` part may be left out when the caseload has
/// one pool (one procedure). Its name is written with the `@` part when
/// the caseload has more than one.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseKpi {
    name: String,
    figure: Figure,
}

impl CaseKpi {
    fn new(model: &CaseModel, figure: Figure) -> CaseKpi {
        let name = match figure {
            Figure::Backlog => "backlog_at_end".to_owned(),
            Figure::LeadAll => "lead_time.all".to_owned(),
            Figure::Utilisation(p) => qualified("utilisation", &model.pools, p, |p| &p.id),
            Figure::Wait(p) => qualified("wait.mean", &model.pools, p, |p| &p.id),
            Figure::Journey(f, k) => qualified(k.name(), &model.flows, f, |f| &f.procedure),
        };
        CaseKpi { name, figure }
    }

    /// The figure of `model` called `name`, or why there is none.
    pub fn parse(model: &CaseModel, name: &str) -> Result<CaseKpi, String> {
        let (base, at) = match name.split_once('@') {
            Some((b, a)) => (b.trim(), Some(a.trim())),
            None => (name.trim(), None),
        };
        let pick = |what: &str, ids: Vec<&str>| -> Result<u32, String> {
            match at {
                Some(id) => ids
                    .iter()
                    .position(|i| *i == id)
                    .map(|i| i as u32)
                    .ok_or_else(|| {
                        format!(
                            "`{name}`: the caseload has no {what} `{id}`; its {what}s: {}",
                            ids.join(", ")
                        )
                    }),
                None if ids.len() == 1 => Ok(0),
                None => Err(format!(
                    "`{name}`: the caseload has {} {what}s; name one after `@`: {}",
                    ids.len(),
                    ids.iter()
                        .map(|i| format!("{base}@{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        };
        let pools = || model.pools.iter().map(|p| p.id.as_str()).collect();
        let figure = match base {
            "backlog_at_end" | "lead_time.all" if at.is_some() => {
                return Err(format!(
                    "`{name}`: {base} is of the whole caseload; leave out the `@` part"
                ));
            }
            "backlog_at_end" => Figure::Backlog,
            "lead_time.all" => Figure::LeadAll,
            "utilisation" => Figure::Utilisation(pick("pool", pools())?),
            "wait.mean" => Figure::Wait(pick("pool", pools())?),
            _ => {
                let Some(kpi) = Kpi::named(base) else {
                    let all = || {
                        CASELOAD_FIGURES
                            .into_iter()
                            .chain(crate::sim::precision::names())
                    };
                    let hint = crate::suggest::closest(base, all())
                        .map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default();
                    return Err(format!(
                        "there is no figure `{base}`{hint}; a caseload's figures are {}, and the journey figures of its procedures: {}",
                        CASELOAD_FIGURES.join(", "),
                        crate::sim::precision::names()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                let flows = model.flows.iter().map(|f| f.procedure.as_str()).collect();
                Figure::Journey(pick("procedure", flows)?, kpi)
            }
        };
        Ok(CaseKpi::new(model, figure))
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What it measures.
    pub fn figure(&self) -> Figure {
        self.figure
    }

    /// Its unit.
    pub fn unit(&self) -> Unit {
        match self.figure {
            Figure::Backlog => Unit::Cases,
            Figure::LeadAll | Figure::Wait(_) => Unit::Days,
            Figure::Utilisation(_) => Unit::Share,
            Figure::Journey(_, k) => k.unit(),
        }
    }

    /// Its mean over the replications `reps` of `model`, with the
    /// Student-t interval over them: the figures of
    /// [`crate::sim::des::CaseloadReport`], by the same functions.
    pub fn estimate(&self, model: &CaseModel, reps: &[Replication]) -> Estimate {
        match self.figure {
            Figure::Backlog => across(reps, |r| r.open_at_end as f64),
            Figure::LeadAll => across(reps, lead_all),
            Figure::Utilisation(p) => across(reps, |r| utilisation(model, p as usize, r)),
            Figure::Wait(p) => across(reps, |r| pool_wait(p as usize, r)),
            Figure::Journey(f, k) => across(reps, |r| k.estimate(&r.journeys[f as usize]).value),
        }
    }
}

/// `name@ID` of item `i` of `items` when there are several, `name` alone
/// when there is one.
fn qualified<T>(name: &str, items: &[T], i: u32, id: impl Fn(&T) -> &String) -> String {
    if items.len() > 1 {
        format!("{name}@{}", id(&items[i as usize]))
    } else {
        name.to_owned()
    }
}

/// The unit of the figure called `name`: a caseload's or a journey's (a
/// duration when unknown).
pub fn unit_of(name: &str) -> Unit {
    let base = name.split_once('@').map_or(name, |(b, _)| b);
    match base {
        "backlog_at_end" => Unit::Cases,
        "lead_time.all" | "wait.mean" => Unit::Days,
        "utilisation" => Unit::Share,
        _ => Kpi::named(base).map_or(Unit::Days, Kpi::unit),
    }
}

/// The assumptions of a caseload: every factor a study varies, and where
/// each of its procedures' factors sits in that procedure's model.
#[derive(Clone, Debug)]
pub struct CaseFactors {
    /// The factors, in order: the procedures' steps (each once, however
    /// many of the caseload's procedures reach it), then per procedure its
    /// arrivals and open cases, then the pools.
    pub factors: Vec<Factor>,
    /// Per procedure of the caseload: its model's factors, each with the
    /// index of the same factor in `factors`.
    per_flow: Vec<Vec<(usize, Factor)>>,
}

impl CaseFactors {
    /// The factors of `model` (compiled from `library`): every step marked
    /// `basis: assumption` that one of its procedures reaches, as
    /// [`super::factors`] finds them; each procedure's arrivals (a rate,
    /// not a list of dates) and cases open at the start, and each pool's
    /// handlers, whose basis is `assumption`, scaled over
    /// [`super::DEFAULT_SCALE`].
    pub fn of(library: &Library, model: &CaseModel) -> CaseFactors {
        let mut factors: Vec<Factor> = Vec::new();
        let mut per_flow = Vec::new();
        for flow in &model.flows {
            let mut mine = Vec::new();
            for f in super::factors(library, &flow.model) {
                let same = |g: &Factor| {
                    g.procedure == f.procedure && g.step == f.step && g.varies == f.varies
                };
                let at = match factors.iter().position(same) {
                    Some(i) => i,
                    None => {
                        factors.push(f.clone());
                        factors.len() - 1
                    }
                };
                mine.push((at, f));
            }
            per_flow.push(mine);
        }
        let assumed = |b: Option<Basis>| b == Some(Basis::Assumption);
        for (i, (flow, spec)) in model.flows.iter().zip(&model.caseload.flows).enumerate() {
            let procedure = Some(flow.procedure.clone());
            if matches!(flow.arrivals, Arrivals::Poisson(_)) && assumed(Some(spec.arrivals_basis)) {
                factors.push(Factor::scale(procedure.clone(), Varies::Arrivals, i as u32));
            }
            if flow.open.0 > 0 && assumed(spec.open_basis) {
                factors.push(Factor::scale(procedure, Varies::Open, i as u32));
            }
        }
        for (i, pool) in model.caseload.pools.iter().enumerate() {
            if assumed(Some(pool.basis)) {
                let varies = Varies::Handlers {
                    pool: pool.id.clone(),
                };
                factors.push(Factor::scale(None, varies, i as u32));
            }
        }
        CaseFactors { factors, per_flow }
    }

    /// The caseload at point `x` (a value of each factor, in order): each
    /// procedure's model as [`super::apply`] makes it, each arrival rate
    /// and number of open cases scaled, each pool's handlers scaled and
    /// rounded (at least one).
    pub fn apply(&self, model: &CaseModel, x: &[f64]) -> CaseModel {
        let mut m = model.clone();
        for (flow, mine) in m.flows.iter_mut().zip(&self.per_flow) {
            let local: Vec<Factor> = mine.iter().map(|(_, f)| f.clone()).collect();
            let values: Vec<f64> = mine.iter().map(|(g, _)| x[*g]).collect();
            if local.iter().zip(&values).any(|(f, v)| *v != f.base) {
                flow.model = super::apply(&flow.model, &local, &values);
            }
        }
        for (f, &v) in self.factors.iter().zip(x) {
            if v == f.base {
                continue;
            }
            let i = f.index as usize;
            match f.varies {
                Varies::Arrivals => {
                    if let Arrivals::Poisson(pieces) = &mut m.flows[i].arrivals {
                        for piece in pieces {
                            piece.1 *= v;
                        }
                    }
                }
                Varies::Open => {
                    let open = &mut m.flows[i].open.0;
                    *open = (*open as f64 * v).round() as u64;
                }
                Varies::Handlers { .. } => {
                    for piece in &mut m.pools[i].handlers {
                        piece.1 = ((f64::from(piece.1) * v).round() as u32).max(1);
                    }
                }
                Varies::Duration | Varies::Branch { .. } | Varies::Experience { .. } => {}
            }
        }
        m
    }
}

/// The figures `kpis` at each of `points` (a value of each of `factors`),
/// each point running the caseload's replications with the same options,
/// seed included, on one thread; the points run in parallel on
/// `opts.threads` threads, and the result is the same on any number.
pub fn evaluate(
    model: &CaseModel,
    factors: &CaseFactors,
    kpis: &[CaseKpi],
    opts: &CaseOptions,
    points: &[Vec<f64>],
) -> Result<Vec<Vec<Estimate>>, CaseloadError> {
    let one = CaseOptions {
        threads: 1,
        ..opts.clone()
    };
    each_point(points, opts.threads, |x| {
        let m = factors.apply(model, x);
        let reps = simulate_caseload(&m, &one)?;
        Ok(kpis.iter().map(|k| k.estimate(&m, &reps)).collect())
    })
    .into_iter()
    .collect()
}

/// Studies the caseload `model` (compiled from `library`) by `method`
/// (`samples`: the Sobol base samples N): every factor, every figure of
/// `kpis`.
pub fn study(
    library: &Library,
    model: &CaseModel,
    kpis: &[CaseKpi],
    opts: &CaseOptions,
    method: Method,
    samples: usize,
) -> Result<Study, CaseloadError> {
    let factors = CaseFactors::of(library, model);
    let points = points(&factors.factors, method, samples, opts.seed);
    let figures = evaluate(model, &factors, kpis, opts, &points)?;
    let names: Vec<&str> = kpis.iter().map(CaseKpi::name).collect();
    let mut study = Study::assemble(
        factors.factors,
        &names,
        opts.seed,
        method,
        samples,
        &figures,
    );
    study.caseload = Some(model.caseload.id.clone());
    study.replications = Some(opts.replications);
    Ok(study)
}

#[cfg(test)]
mod tests;
