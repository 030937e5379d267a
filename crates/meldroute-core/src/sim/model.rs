//! A procedure and every procedure its escalations reach, flattened into
//! arrays of steps for fast simulation.

use std::collections::HashMap;

use super::sample::Sampler;
use crate::library::Library;
use crate::model::{Next, Outcome, Role, StepKind};

/// Why a procedure cannot be simulated (validation reports these first).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompileError {
    /// A procedure id that is not loaded.
    #[error("procedure `{0}` is not loaded")]
    UnknownProcedure(String),
    /// A reference to a step that does not exist.
    #[error("procedure `{procedure}` has no step `{step}`")]
    UnknownStep {
        /// The procedure.
        procedure: String,
        /// The missing step.
        step: String,
    },
    /// A step without `next`, `escalate` or `outcome`.
    #[error("step `{step}` of `{procedure}` has no way on")]
    DeadEnd {
        /// The procedure.
        procedure: String,
        /// The step.
        step: String,
    },
    /// A procedure without `start`.
    #[error("procedure `{0}` has no start")]
    NoStart(String),
}

/// Where the journey goes after a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Go {
    /// To this step.
    Step(u32),
    /// To one of the branches `branches[from..from + len]`.
    Branch {
        /// First branch.
        from: u32,
        /// Number of branches.
        len: u32,
    },
    /// Into another procedure, at this step.
    Escalate {
        /// The entry step.
        step: u32,
        /// The procedure entered.
        procedure: u32,
    },
    /// The journey ends.
    End(Outcome),
}

/// The names of a step, kept apart from the fields the simulation reads.
#[derive(Clone, Debug)]
pub struct StepName {
    /// Step id in its file.
    pub id: String,
    /// Title.
    pub title: String,
}

/// A step, ready to simulate (only what the inner loop reads).
#[derive(Clone, Debug)]
pub struct SimStep {
    /// Index into [`SimModel::procedures`].
    pub procedure: u32,
    /// Index into [`SimModel::actors`]; the reporter of every procedure is actor 0.
    pub actor: u32,
    /// Kind.
    pub kind: StepKind,
    /// A contact with the reporter.
    pub contact: bool,
    /// Tells the reporter what was done (see [`crate::model::Step::is_feedback`]).
    pub feedback: bool,
    /// Duration distribution.
    pub duration: Sampler,
    /// Way on.
    pub go: Go,
    /// Index into [`SimModel::deadlines`] when the step has a deadline.
    pub deadline: Option<u32>,
    /// Some deadline counts from this step's completion.
    pub deadline_source: bool,
}

/// A procedure in the model.
#[derive(Clone, Debug)]
pub struct SimProcedure {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The library entry it came from.
    pub entry: usize,
}

/// A deadline in the model.
#[derive(Clone, Debug)]
pub struct SimDeadline {
    /// The step that must complete in time.
    pub step: u32,
    /// Limit in days.
    pub within: f64,
    /// Counted from this step's completion; `None`: from entering the procedure.
    pub from: Option<u32>,
    /// The rule.
    pub basis: String,
}

/// The flattened model of a journey that starts in one procedure.
#[derive(Clone, Debug)]
pub struct SimModel {
    /// Procedures, the starting one first.
    pub procedures: Vec<SimProcedure>,
    /// Actor titles: index 0 is the reporter (in every procedure), then the
    /// other actors of each procedure.
    pub actors: Vec<String>,
    /// All steps of all procedures.
    pub steps: Vec<SimStep>,
    /// Their ids and titles, in the same order.
    pub names: Vec<StepName>,
    /// Branches as (cumulative probability, target step).
    pub branches: Vec<(f64, u32)>,
    /// Deadlines.
    pub deadlines: Vec<SimDeadline>,
    /// The first step.
    pub start: u32,
}

impl SimModel {
    /// Flattens the procedure at `entry` and every procedure its
    /// escalations reach (resolved through `library`).
    pub fn compile(library: &Library, entry: usize) -> Result<SimModel, CompileError> {
        let mut procs: Vec<usize> = vec![entry];
        let mut proc_index: HashMap<usize, u32> = HashMap::from([(entry, 0)]);
        // Pass 1: procedures reachable by escalation, and step offsets.
        let mut i = 0;
        while i < procs.len() {
            let p = &library.entry(procs[i]).procedure;
            for (_, step) in p.steps.iter() {
                if let Some(esc) = &step.escalate {
                    let target = library.resolve_index(&esc.procedure).ok_or_else(|| {
                        CompileError::UnknownProcedure(esc.procedure.value.clone())
                    })?;
                    proc_index.entry(target).or_insert_with(|| {
                        procs.push(target);
                        (procs.len() - 1) as u32
                    });
                }
            }
            i += 1;
        }
        let mut offsets = Vec::with_capacity(procs.len());
        let mut total = 0u32;
        for &e in &procs {
            offsets.push(total);
            total += library.entry(e).procedure.steps.len() as u32;
        }
        let mut model = SimModel {
            procedures: Vec::new(),
            actors: vec!["reporter".to_owned()],
            steps: Vec::with_capacity(total as usize),
            names: Vec::with_capacity(total as usize),
            branches: Vec::new(),
            deadlines: Vec::new(),
            start: 0,
        };
        let mut actor_index: HashMap<(usize, String), u32> = HashMap::new();
        let root = &library.entry(entry).procedure;
        if let Some((_, reporter)) = root.actors.iter().find(|(_, a)| *a.role == Role::Reporter) {
            model.actors[0] = reporter.title.clone();
        }
        // Pass 2: steps.
        for (pi, &e) in procs.iter().enumerate() {
            let p = &library.entry(e).procedure;
            let pid = p.id.value.clone();
            model.procedures.push(SimProcedure {
                id: pid.clone(),
                title: p.title.clone(),
                entry: e,
            });
            let local = |name: &str| -> Result<u32, CompileError> {
                p.steps
                    .index_of(name)
                    .map(|j| offsets[pi] + j as u32)
                    .ok_or_else(|| CompileError::UnknownStep {
                        procedure: pid.clone(),
                        step: name.to_owned(),
                    })
            };
            for (key, step) in p.steps.iter() {
                let actor = match p.actors.get(&step.actor) {
                    Some(a) if *a.role == Role::Reporter => 0,
                    Some(a) => *actor_index
                        .entry((pi, step.actor.value.clone()))
                        .or_insert_with(|| {
                            model.actors.push(a.title.clone());
                            (model.actors.len() - 1) as u32
                        }),
                    None => 0,
                };
                let go = if let Some(outcome) = &step.outcome {
                    Go::End(**outcome)
                } else if let Some(esc) = &step.escalate {
                    let te = library.resolve_index(&esc.procedure).ok_or_else(|| {
                        CompileError::UnknownProcedure(esc.procedure.value.clone())
                    })?;
                    let tp = &library.entry(te).procedure;
                    let tpi = proc_index[&te];
                    let name = match &esc.step {
                        Some(s) => s.value.clone(),
                        None => tp
                            .start
                            .as_ref()
                            .map(|s| s.value.clone())
                            .ok_or_else(|| CompileError::NoStart(tp.id.value.clone()))?,
                    };
                    let j = tp
                        .steps
                        .index_of(&name)
                        .ok_or_else(|| CompileError::UnknownStep {
                            procedure: tp.id.value.clone(),
                            step: name,
                        })?;
                    Go::Escalate {
                        step: offsets[tpi as usize] + j as u32,
                        procedure: tpi,
                    }
                } else {
                    match step.next.as_deref() {
                        Some(Next::Step(to)) => Go::Step(local(to)?),
                        Some(Next::Branches(bs)) => {
                            let from = model.branches.len() as u32;
                            let mut cum = 0.0;
                            for b in bs.iter().filter(|b| b.p.value.0 > 0.0) {
                                cum += b.p.value.0;
                                model.branches.push((cum, local(&b.to)?));
                            }
                            // The last branch catches rounding in the sum.
                            if model.branches.len() as u32 > from
                                && let Some(last) = model.branches.last_mut()
                            {
                                last.0 = f64::INFINITY;
                            }
                            Go::Branch {
                                from,
                                len: model.branches.len() as u32 - from,
                            }
                        }
                        None => {
                            return Err(CompileError::DeadEnd {
                                procedure: pid.clone(),
                                step: key.value.clone(),
                            });
                        }
                    }
                };
                let deadline = match &step.deadline {
                    Some(d) => {
                        let from = d.from.as_ref().map(|f| local(f)).transpose()?;
                        model.deadlines.push(SimDeadline {
                            step: model.steps.len() as u32,
                            within: d.within.days(),
                            from,
                            basis: d.basis.clone(),
                        });
                        Some(model.deadlines.len() as u32 - 1)
                    }
                    None => None,
                };
                model.names.push(StepName {
                    id: key.value.clone(),
                    title: step.title.value.clone(),
                });
                model.steps.push(SimStep {
                    procedure: pi as u32,
                    actor,
                    kind: *step.kind,
                    contact: step.is_contact(),
                    feedback: step.is_feedback(),
                    duration: Sampler::new(&step.duration),
                    go,
                    deadline,
                    deadline_source: false,
                });
            }
        }
        for d in model.deadlines.clone() {
            if let Some(f) = d.from {
                model.steps[f as usize].deadline_source = true;
            }
        }
        let root = &library.entry(entry).procedure;
        let start = root
            .start
            .as_ref()
            .ok_or_else(|| CompileError::NoStart(root.id.value.clone()))?;
        model.start = root
            .steps
            .index_of(start)
            .ok_or_else(|| CompileError::UnknownStep {
                procedure: root.id.value.clone(),
                step: start.value.clone(),
            })? as u32;
        Ok(model)
    }

    /// `procedure:step` of a step, for people.
    pub fn step_name(&self, step: u32) -> String {
        let s = &self.steps[step as usize];
        format!(
            "{}:{}",
            self.procedures[s.procedure as usize].id, self.names[step as usize].id
        )
    }
}
