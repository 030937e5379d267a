//! MR107 legal-norm: a procedure has the steps and terms its kind requires by law.

use meldroute_diagnostics::{Arg, Severity};

use super::{Finding, GapContext, JourneyRule};
use crate::graph::StepGraph;
use crate::library::EntryId;
use crate::meta::declare_rule;
use crate::model::{Deadline, Outcome, Procedure, ProcedureKind, Step, StepKind};
use crate::norms::{NORMS, Norm, Requirement};

declare_rule! {
    /// ### What it does
    /// Checks each legal norm for the procedure's kind (the table in
    /// `norms.rs`, listed by `meldroute norms` and in docs/norms.md, quoted
    /// in docs/legal.md): an internal report is acknowledged within 7 days,
    /// gets feedback within 3 months and can go to a competent authority;
    /// an external authority gives feedback within 3 months (6 in duly
    /// justified cases, when the deadline's `reason` says why); a
    /// complaint's notice of not handling comes in writing within 4 weeks
    /// (Awb 9:8(3)), the complainant is heard (9:10), the judgment (the
    /// decision that leads to a founded or unfounded end) comes in writing
    /// within 6 weeks of receipt, 10 with `advisory-committee: true`, 4 more
    /// after a written `postponement` step (9:11), and leads on to the
    /// ombudsman (9:12), entering where the complainant is not sent back to
    /// complain (9:20); the ombudsman sends back those who did not complain
    /// first, can decline (9:22 to 9:24) and says why in writing (9:25). A
    /// judgment past its term on the complainant's written `consent`
    /// (9:11(3)) is an exception: a warning.
    /// A norm of the Wbk binds only a procedure whose `scopes` include a
    /// *misstand* (`misstand`, `eu-breach`); the finding names the scopes
    /// it concerns.
    ///
    /// Interim updates (`updates:`): a step's updates with `feedback: true`
    /// keep a feedback term on the routes through it when the first surely
    /// comes (the step always runs longer than the time to it) within the
    /// term of the step's start, and the step starts when the term does
    /// (every step leading to it is the report or the acknowledgement);
    /// the 6 months of duly justified cases need a deadline's `reason`, so
    /// updates keep only the 3 months. Bare updates (a "still busy") are
    /// no feedback and keep no term. No update is an acknowledgement of
    /// receipt (the law asks that receipt be confirmed: a step of kind
    /// `acknowledgement` within 7 days, whatever updates follow), a
    /// judgment or decision told in writing, a notice of not handling, or a
    /// written postponement: those norms read their own steps.
    ///
    /// ### Why is this bad
    /// A procedure file without the step the law requires cannot keep the
    /// law, and its simulation cannot show whether the term is met.
    ///
    /// ### Example
    /// Fails: an internal report without an acknowledgement term:
    /// ```yaml
    ///   bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}
    /// ```
    /// Passes:
    /// ```yaml
    ///   bevestiging:
    ///     title: Ontvangstbevestiging
    ///     actor: org
    ///     kind: acknowledgement
    ///     duration: 2d
    ///     basis: policy
    ///     deadline: {within: 7d, from: melding, basis: "Wbk art. 2"}
    ///     next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]
    /// ```
    pub struct LegalNorm {
        code: "MR107",
        name: "legal-norm",
        category: Journey,
        severity: Error,
        summary: "a procedure lacks a step, term or route that the law requires of its kind",
    }
}

/// The decisions of `p` that end in one of `outcomes`: from which the
/// journey reaches, before any other decision and within the procedure, a
/// step ending with one of them.
fn decisions(p: &Procedure, graph: &StepGraph, outcomes: &[Outcome]) -> Vec<usize> {
    let judged = |i: usize| {
        p.steps
            .entry(i)
            .and_then(|(_, s)| s.outcome.as_ref())
            .is_some_and(|o| outcomes.contains(o))
    };
    let decision = |i: usize| {
        p.steps
            .entry(i)
            .is_some_and(|(_, s)| *s.kind == StepKind::Decision)
    };
    (0..graph.len())
        .filter(|&d| decision(d))
        .filter(|&d| {
            let mut seen = vec![false; graph.len()];
            let mut queue = vec![d];
            seen[d] = true;
            while let Some(i) = queue.pop() {
                if judged(i) {
                    return true;
                }
                for n in graph.successors(i) {
                    if !decision(n) && !std::mem::replace(&mut seen[n], true) {
                        queue.push(n);
                    }
                }
            }
            false
        })
        .collect()
}

/// The steps of `p` that a journey can reach from the start without
/// passing a step of kind `kind`.
fn reachable_avoiding(p: &Procedure, graph: &StepGraph, kind: StepKind) -> Vec<bool> {
    let mut seen = vec![false; graph.len()];
    let avoid = |i: usize| p.steps.entry(i).is_some_and(|(_, s)| *s.kind == kind);
    let mut queue: Vec<usize> = p
        .start
        .as_ref()
        .and_then(|s| p.steps.index_of(s))
        .filter(|&s| !avoid(s))
        .into_iter()
        .collect();
    for &s in &queue {
        seen[s] = true;
    }
    while let Some(i) = queue.pop() {
        for n in graph.successors(i) {
            if !avoid(n) && !std::mem::replace(&mut seen[n], true) {
                queue.push(n);
            }
        }
    }
    seen
}

/// How a decision fails its norm.
enum Broken {
    /// It is not told to the reporter.
    Unwritten,
    /// The journey cannot go on from it to the body the law names.
    NoRoute,
    /// It has no deadline within `limit` days.
    Late { limit: f64 },
    /// Its deadline is longer than `limit` days, kept only by the
    /// reporter's written consent.
    Consented { limit: f64 },
}

impl JourneyRule for LegalNorm {
    fn check(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        self.check_unbound(cx, entry, out);
        for norm in NORMS.iter().filter(|n| crate::measures::binds(n, p)) {
            // The words of the norm when it is broken; a norm that is kept
            // goes on to the next.
            let (message, kinds, days): (_, Vec<String>, _) = match norm.requirement {
                Requirement::DecisionWithin { .. } => {
                    self.check_decisions(cx, entry, norm, out);
                    continue;
                }
                Requirement::Told(kinds) => {
                    self.check_told(cx, entry, norm, kinds, out);
                    continue;
                }
                Requirement::NotSentBack { into, back } => {
                    self.check_not_sent_back(cx, entry, norm, into, back, out);
                    continue;
                }
                Requirement::StepWithin {
                    kinds,
                    from,
                    days,
                    justified,
                } => {
                    // A decision told to the reporter is feedback too, as in
                    // the simulation (`Step::is_feedback`), and so are
                    // interim updates that say so (`feedback: true`).
                    let feedback = kinds.contains(&StepKind::Feedback);
                    let of_kinds = |s: &Step| {
                        kinds.contains(&*s.kind)
                            || (feedback
                                && (s.is_feedback()
                                    || s.updates.as_ref().is_some_and(|u| u.feedback)))
                    };
                    let kept: Vec<bool> = p
                        .steps
                        .iter()
                        .enumerate()
                        .map(|(i, (_, s))| {
                            let in_time = |limit: f64| {
                                s.deadline.as_ref().is_some_and(|d| {
                                    d.within.days() <= limit + 1e-9 && counted_from(p, d, from)
                                })
                            };
                            let limit = match justified {
                                Some(longer)
                                    if s.deadline.as_ref().is_some_and(|d| d.justified()) =>
                                {
                                    longer
                                }
                                _ => days,
                            };
                            (of_kinds(s) && in_time(limit))
                                || (feedback && updates_keep(p, i, days, from))
                        })
                        .collect();
                    if kept.contains(&true) {
                        if let Some(step) = route_without(p, of_kinds, |i| kept[i]) {
                            self.check_route(cx, entry, norm, step, out);
                        }
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} has no {kinds} step with a deadline of at most {days}; {law} {norm}",
                        kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                        Some(days),
                    )
                }
                Requirement::ExternalInformation => {
                    let named = p
                        .external_information
                        .as_ref()
                        .is_some_and(|s| p.sources.contains_key(s));
                    if named {
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} does not say where it informs the reporter about reporting externally; {law} {norm}",
                        Vec::new(),
                        None,
                    )
                }
                Requirement::HasStep(kinds) => {
                    if p.steps.iter().any(|(_, s)| kinds.contains(&*s.kind)) {
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} has no {kinds} step; {law} {norm}",
                        kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                        None,
                    )
                }
                Requirement::EscalationTo(kinds) => {
                    let kept = p
                        .start
                        .as_ref()
                        .and_then(|s| p.steps.index_of(s))
                        .is_some_and(|s| cx.reaching_kind(entry, kinds)[cx.graph.node(entry, s)]);
                    if kept {
                        continue;
                    }
                    (
                        "{kind} procedure {procedure} has no route to {kinds}; {law} {norm}",
                        kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                        None,
                    )
                }
            };
            let mut f = self.norm_finding(cx, entry, norm, p.kind.pos, message);
            let mut d = f
                .diagnostic
                .with_arg("kinds", Arg::OneOf(kinds))
                .with_help("model the step or route the law requires ({basis})");
            if let Some(days) = days {
                d = d.with_arg("days", Arg::Days(days));
            }
            if norm.requirement == Requirement::ExternalInformation {
                d = d.with_help("declare the procedure text or page that informs about reporting to the competent authorities under `sources`, and name it: `external-information: <source id>` ({basis})");
            }
            if let Requirement::StepWithin {
                justified: Some(longer),
                ..
            } = norm.requirement
            {
                d = d.with_arg("longer", Arg::Days(longer)).with_help(
                    "model the step the law requires ({basis}); a deadline of up to {longer} keeps it only in duly justified cases: say why in the deadline's `reason`",
                );
            }
            f.diagnostic = d;
            // The finding is about the whole procedure: it starts at `start`.
            out.push(super::with_path(f, &start_path(p)));
        }
    }
}

/// True when deadline `d` runs from entering the procedure, or from a step
/// of one of the kinds `from`.
fn counted_from(p: &Procedure, d: &Deadline, from: &[StepKind]) -> bool {
    d.from.as_ref().is_none_or(|f| {
        p.steps
            .index_of(f)
            .and_then(|i| p.steps.entry(i))
            .is_some_and(|(_, s)| from.contains(&*s.kind))
    })
}

/// True when the interim updates of step `i` keep a feedback term of
/// `limit` days counted from a step of the kinds `from`: they are feedback
/// (`feedback: true`), the first surely comes ([`Step::sure_updates`])
/// within `limit` of the step's start, and the step starts when the term
/// does: every step that leads to it is of the kinds `from` (so the step
/// is not the start, where the updates would come before the report). A
/// bare update is no feedback and keeps no term; the longer term of duly
/// justified cases needs a deadline's `reason`, which updates have not.
fn updates_keep(p: &Procedure, i: usize, limit: f64, from: &[StepKind]) -> bool {
    let Some((key, s)) = p.steps.entry(i) else {
        return false;
    };
    let Some(u) = s.sure_updates().filter(|u| u.feedback) else {
        return false;
    };
    if u.first_days() > limit + 1e-9 {
        return false;
    }
    let mut before = p.steps.iter().filter(|(_, b)| {
        b.targets()
            .iter()
            .any(|(to, pr)| *to == key.value && *pr > 0.0)
    });
    let mut any = false;
    let all = before.all(|(_, b)| {
        any = true;
        from.contains(&*b.kind)
    });
    any && all
}

/// A step `of_kinds` on a route from the start to an end (or out of the
/// procedure) that passes no step that `keeps`: the route on which the
/// reporter gets such a step, but none in time. `None` when every route
/// through such a step passes one that keeps the term.
fn route_without(
    p: &Procedure,
    of_kinds: impl Fn(&Step) -> bool,
    keeps: impl Fn(usize) -> bool,
) -> Option<usize> {
    let graph = StepGraph::new(p);
    let start = p.start.as_ref().and_then(|s| p.steps.index_of(s))?;
    let step = |i: usize| p.steps.entry(i).map(|(_, s)| s);
    // States: (step, the first step of `kinds` passed so far).
    let mut seen = vec![[false; 2]; graph.len()];
    let mut queue = vec![(start, None::<usize>)];
    while let Some((i, passed)) = queue.pop() {
        let Some(s) = step(i) else { continue };
        if keeps(i) || std::mem::replace(&mut seen[i][usize::from(passed.is_some())], true) {
            continue;
        }
        let passed = passed.or(of_kinds(s).then_some(i));
        let next = graph.successors(i);
        if next.is_empty() || s.is_terminal() {
            if passed.is_some() {
                return passed;
            }
            continue;
        }
        queue.extend(next.into_iter().map(|n| (n, passed)));
    }
    None
}

/// The route of a finding about the whole procedure: its start.
fn start_path(p: &Procedure) -> Vec<usize> {
    p.start
        .as_ref()
        .and_then(|s| p.steps.index_of(s))
        .into_iter()
        .collect()
}

impl LegalNorm {
    /// A finding of `norm` in `entry` at `pos`, with the arguments every
    /// message of this rule may use.
    fn norm_finding(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        pos: crate::source::Pos,
        message: &str,
    ) -> Finding {
        let p = &cx.entry(entry).procedure;
        let mut f = cx.finding(&Self::META, entry, pos, message);
        f.diagnostic = f
            .diagnostic
            .with_arg("kind", Arg::text(p.kind.as_str()))
            .with_arg("procedure", Arg::id(p.id.value.as_str()))
            .with_arg("norm", Arg::text(norm.text))
            .with_arg("id", Arg::id(norm.id))
            .with_arg("basis", Arg::text(norm.basis))
            // What the law does: requires it, or (a warning) allows it.
            .with_arg(
                "law",
                Arg::text(if norm.discretionary {
                    "the law provides that"
                } else {
                    "by law,"
                }),
            )
            .with_label("norm {id}");
        if norm.discretionary {
            f.diagnostic.severity = Severity::Warning;
        }
        f.citing(&crate::measures::of_norm(norm, p))
    }

    /// A [`Requirement::DecisionWithin`] norm: a finding at the first such
    /// decision that is not told or not within the term (an exception,
    /// as a warning, where only the reporter's consent keeps it), or at
    /// the kind when a required decision is missing.
    fn check_decisions(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        out: &mut Vec<Finding>,
    ) {
        let Requirement::DecisionWithin {
            decision,
            outcomes,
            term,
            written,
            leads_to,
            required,
        } = norm.requirement
        else {
            return;
        };
        let p = &cx.entry(entry).procedure;
        let graph = StepGraph::new(p);
        let judgments = decisions(p, &graph, outcomes);
        let names: Vec<String> = outcomes.iter().map(|o| o.as_str().to_owned()).collect();
        let unpostponed = reachable_avoiding(p, &graph, StepKind::Postponement);
        let broken = |d: usize| -> Option<Broken> {
            let (_, s) = p.steps.entry(d)?;
            if written && !s.is_contact() {
                return Some(Broken::Unwritten);
            }
            if !leads_to.is_empty() && !cx.reaching_kind(entry, leads_to)[cx.graph.node(entry, d)] {
                return Some(Broken::NoRoute);
            }
            let t = term?;
            let mut limit = match t.committee {
                Some(c) if p.advisory_committee => c,
                _ => t.days,
            };
            if let Some(extra) = t.postponement.filter(|_| !unpostponed[d]) {
                limit += extra;
            }
            match s.deadline.as_ref() {
                // The law counts from receipt: entering the procedure or the
                // report.
                Some(dl)
                    if dl.within.days() <= limit + 1e-9
                        && counted_from(p, dl, &[StepKind::Report]) =>
                {
                    None
                }
                Some(dl) if t.consent && dl.consented() => Some(Broken::Consented { limit }),
                _ => Some(Broken::Late { limit }),
            }
        };
        let first = judgments.iter().find_map(|&d| broken(d).map(|b| (d, b)));
        let late_help = if term.is_some_and(|t| t.postponement.is_some() || t.committee.is_some()) {
            "give the {decision} a deadline within the law's term, counted from receipt; after a `postponement` step or with `advisory-committee: true` the term is longer, and beyond it only the deadline's `consent` makes an exception ({basis})"
        } else {
            "give the {decision} a deadline within the law's term, counted from receipt ({basis})"
        };
        let (pos, message, path, limit, help, exception) = if judgments.is_empty() && required {
            (
                p.kind.pos,
                "{kind} procedure {procedure} has no {decision} (a decision leading to an end {outcomes}); {law} {norm}",
                start_path(p),
                term.map(|t| t.days),
                "model the {decision}: a `decision` step from which the journey reaches an end {outcomes} ({basis})",
                false,
            )
        } else if let Some((step, how)) = first {
            let Some((key, _)) = p.steps.entry(step) else {
                return;
            };
            let (message, limit, help, exception) = match how {
                Broken::Unwritten => (
                    "the {decision} {step} of {kind} procedure {procedure} is no contact: the reporter is not told; {law} {norm}",
                    None,
                    "make the {decision} a contact (`contact: true`): the reporter is told in writing ({basis})",
                    false,
                ),
                Broken::NoRoute => (
                    "the {decision} {step} of {kind} procedure {procedure} has no route on to {to}; {law} {norm}",
                    None,
                    "lead the {decision} on to the {to} (a step that escalates there), which the notice must name ({basis})",
                    false,
                ),
                Broken::Late { limit } => (
                    "the {decision} {step} of {kind} procedure {procedure} has no deadline of at most {days} counted from receipt; {law} {norm}",
                    Some(limit),
                    late_help,
                    false,
                ),
                Broken::Consented { limit } => (
                    "the {decision} {step} of {kind} procedure {procedure} takes longer than {days} by exception, on the complainant's written consent; {law} {norm}",
                    Some(limit),
                    "an exception the law allows (Awb art. 9:11(3)); check that the consent is on file",
                    true,
                ),
            };
            (key.pos, message, vec![step], limit, help, exception)
        } else {
            return;
        };
        let step = path
            .first()
            .and_then(|&i| p.steps.entry(i))
            .map_or(String::new(), |(k, _)| k.value.clone());
        let mut f = self.norm_finding(cx, entry, norm, pos, message);
        let mut d = f
            .diagnostic
            .with_arg("outcomes", Arg::OneOf(names))
            .with_arg(
                "to",
                Arg::OneOf(leads_to.iter().map(|k| k.as_str().to_owned()).collect()),
            )
            .with_arg("decision", Arg::text(decision))
            .with_arg("step", Arg::id(step));
        if let Some(limit) = limit {
            d = d.with_arg("days", Arg::Days(limit));
        }
        if exception {
            d.severity = Severity::Warning;
        }
        d = d.with_help(help);
        f.diagnostic = d;
        out.push(super::with_path(f, &path));
    }

    /// Norms of the procedure's kind that its `scopes` leave unchecked: said
    /// once, so that a scope never switches the law off unseen; an error
    /// for a competent authority, which takes reports of a misstand by
    /// definition (Wbk art. 2c), a warning otherwise.
    fn check_unbound(&self, cx: &GapContext<'_>, entry: EntryId, out: &mut Vec<Finding>) {
        let p = &cx.entry(entry).procedure;
        let unbound: Vec<String> = NORMS
            .iter()
            .filter(|n| n.applies_to.contains(&*p.kind) && !crate::measures::binds(n, p))
            .map(|n| n.id.to_owned())
            .collect();
        if unbound.is_empty() {
            return;
        }
        let authority = *p.kind == ProcedureKind::WhistleblowerAuthority;
        let mut f = cx.finding(
            &Self::META,
            entry,
            p.kind.pos,
            if authority {
                "{kind} procedure {procedure} handles no report of a misstand or a breach of Union law (its `scopes`), so the norms {norms} are not checked; a competent authority takes such reports (Wbk art. 2c)"
            } else {
                "{kind} procedure {procedure} handles no report of a misstand or a breach of Union law (its `scopes`), so the Wbk's norms {norms} are not checked"
            },
        );
        f.diagnostic = f
            .diagnostic
            .with_arg("kind", Arg::text(p.kind.as_str()))
            .with_arg("procedure", Arg::id(p.id.value.as_str()))
            .with_arg("norms", Arg::ids(unbound))
            .with_label("scopes leave the law unchecked")
            .with_help("add `misstand` (and `eu-breach`) to `scopes` if the procedure takes such reports; the scope of a report is the report's, and a procedure that may receive one must keep the Wbk's terms");
        if !authority {
            f.diagnostic.severity = Severity::Warning;
        }
        f.basis = Some("Wbk art. 1 (misstand), art. 2c".to_owned());
        out.push(super::with_path(f, &start_path(p)));
    }

    /// A [`Requirement::StepWithin`] norm kept on some routes but not on
    /// the one through `step`: a finding there.
    fn check_route(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        step: usize,
        out: &mut Vec<Finding>,
    ) {
        let Requirement::StepWithin { kinds, days, .. } = norm.requirement else {
            return;
        };
        let p = &cx.entry(entry).procedure;
        let Some((key, s)) = p.steps.entry(step) else {
            return;
        };
        let pos = s.deadline.as_ref().map_or(key.pos, |d| d.pos);
        let mut f = self.norm_finding(
            cx,
            entry,
            norm,
            pos,
            "on the route through {step} of {kind} procedure {procedure}, no {kinds} step has a deadline of at most {days} counted from receipt or the acknowledgement; {law} {norm}",
        );
        f.diagnostic = f
            .diagnostic
            .with_arg("step", Arg::id(key.value.as_str()))
            .with_arg("kinds", Arg::OneOf(kinds.iter().map(|k| k.as_str().to_owned()).collect()))
            .with_arg("days", Arg::Days(days))
            .with_help("every reporter must have it in time: give {step} (or an earlier step of its kind on this route) a deadline within the law's term, counted from receipt or the acknowledgement ({basis})");
        out.push(super::with_path(f, &[step]));
    }

    /// A [`Requirement::Told`] norm: a finding at the first step of
    /// `kinds` that is no contact.
    fn check_told(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        kinds: &[StepKind],
        out: &mut Vec<Finding>,
    ) {
        let p = &cx.entry(entry).procedure;
        let Some(i) = p
            .steps
            .iter()
            .position(|(_, s)| kinds.contains(&*s.kind) && !s.is_contact())
        else {
            return;
        };
        let Some((key, s)) = p.steps.entry(i) else {
            return;
        };
        let mut f = self.norm_finding(
            cx,
            entry,
            norm,
            key.pos,
            "the {kinds} step {step} of {kind} procedure {procedure} is no contact; {law} {norm}",
        );
        f.diagnostic = f
            .diagnostic
            .with_arg("kinds", Arg::OneOf(vec![s.kind.as_str().to_owned()]))
            .with_arg("step", Arg::id(key.value.as_str()))
            .with_help("make it a contact (`contact: true`): the law says who is told ({basis})");
        out.push(super::with_path(f, &[i]));
    }

    /// A [`Requirement::NotSentBack`] norm: a finding at the first
    /// escalation of this procedure from which the journey, directly or
    /// through other procedures, enters a procedure of kind `into` and can
    /// be sent on from it to a procedure of kind `back`.
    fn check_not_sent_back(
        &self,
        cx: &GapContext<'_>,
        entry: EntryId,
        norm: &Norm,
        into: &[ProcedureKind],
        back: &[ProcedureKind],
        out: &mut Vec<Finding>,
    ) {
        let p = &cx.entry(entry).procedure;
        let kind_of = |node: usize| *cx.entry(cx.graph.step(node).0).procedure.kind;
        // One walk from every escalation out of this procedure, each node
        // labelled with the first escalation (in step order) that reaches it.
        let mut origin: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
        let mut queue = Vec::new();
        for (i, (_, s)) in p.steps.iter().enumerate() {
            if s.escalate.is_none() {
                continue;
            }
            for (target, _) in cx.graph.successors(cx.graph.node(entry, i)) {
                if cx.graph.step(target).0 != entry && !origin.contains_key(&target) {
                    origin.insert(target, i);
                    queue.push(target);
                }
            }
        }
        // The first escalation (in step order) whose walk is sent back,
        // with the procedure and step it is sent back from.
        let mut found: Option<(usize, usize)> = None;
        while let Some(n) = queue.pop() {
            let from = origin[&n];
            let (ne, _) = cx.graph.step(n);
            for (m, _) in cx.graph.successors(n) {
                let (me, _) = cx.graph.step(m);
                if me != ne && into.contains(&kind_of(n)) && back.contains(&kind_of(m)) {
                    if found.is_none_or(|(f, _)| from < f) {
                        found = Some((from, n));
                    }
                    continue;
                }
                if me == entry {
                    continue; // back in this procedure: its own routes are checked from here
                }
                if let std::collections::hash_map::Entry::Vacant(v) = origin.entry(m) {
                    v.insert(from);
                    queue.push(m);
                }
            }
        }
        let Some((i, at)) = found else {
            return;
        };
        let Some((key, _)) = p.steps.entry(i) else {
            return;
        };
        let (te, ts) = cx.graph.step(at);
        let tp = &cx.entry(te).procedure;
        let at_name = tp
            .steps
            .entry(ts)
            .map_or(String::new(), |(k, _)| k.value.clone());
        let mut f = self.norm_finding(
            cx,
            entry,
            norm,
            key.pos,
            "{step} of {kind} procedure {procedure} leads into {target} where the journey can be sent back at {back}; {law} {norm}",
        );
        f.diagnostic = f
            .diagnostic
            .with_arg("step", Arg::id(key.value.as_str()))
            .with_arg("target", Arg::id(tp.id.value.as_str()))
            .with_arg("back", Arg::id(at_name))
            .with_help("escalate past the check whether the reporter went there first (`escalate: {procedure: ..., step: ...}`), or send the reporter who came this way on another route ({basis})");
        out.push(super::with_path(f, &[i]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::journey(&LegalNorm)
            .pass(&[
                // One week is the legal 7 days.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 1w, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 13 weeks are within 3 months.
                "  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 13w, from: bevestiging, basis: \"Wbk art. 2\"}, next: nazorg}\n",
                // The term may be on the interim feedback, where every route
                // passes it.
                "  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, next: tussentijds}\n  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 3mo, from: bevestiging, basis: \"Wbk art. 2\"}, next: besluit}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
                // An external authority may take 6 months in duly justified
                // cases, when the deadline says why, and need not lead on to
                // another body.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(b)\"}, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 6mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\", reason: \"an investigation of several departments\"}, outcome: founded}\n",
                // A complaint decided within 6 weeks, with the way to the
                // Nationale ombudsman.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, from: melding, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // The judgment within 6 weeks; the 4-week notice of not
                // handling (Awb 9:8) is no judgment and needs no 6 weeks.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: horen, p: 0.9}]}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 4w, basis: \"Awb art. 9:8\"}, next: [{to: nb, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // An advisory committee handles the complaint: 10 weeks (Awb 9:11(1)).
                "kind: complaint\nadvisory-committee: true\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // A judgment after a written postponement may take 4 weeks more
                // (Awb 9:11(2)).
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: [{to: oordeel, p: 0.8}, {to: verdaging, p: 0.2}]}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  verdaging: {title: Verdaging, actor: org, kind: postponement, duration: 2d, basis: policy, next: later}\n  later: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // An ombudsman that sends back those who did not complain first and
                // declines in writing (Awb 9:20, 9:22, 9:25).
                "kind: ombudsman\nsteps:\n  melding: {title: Verzoek, actor: melder, kind: report, next: toets}\n  toets: {title: Eerst geklaagd?, actor: org, kind: assessment, duration: 1d, basis: policy, next: [{to: terug, p: 0.2}, {to: intake, p: 0.8}]}\n  terug: {title: Eerst klagen, actor: org, kind: decision, contact: true, escalate: {procedure: rijk/klacht}}\n  intake: {title: Intake, actor: org, kind: intake, duration: 3w, basis: practice, next: [{to: niet, p: 0.2}, {to: rapport, p: 0.8}]}\n  niet: {title: Niet bevoegd, actor: org, kind: decision, contact: true, outcome: not-handled}\n  rapport: {title: Rapport, actor: org, kind: decision, contact: true, duration: 3mo, basis: assumption, note: assumed, outcome: founded}\n",
                // An internal procedure that says where it informs about
                // external reporting (the base does).
                "external-information: wbk-art-2\n",
                // No norm binds an advice procedure.
                "kind: advice\nsteps:\n  melding: {title: Vraag om advies, actor: melder, kind: report, next: gesprek}\n  gesprek: {title: Adviesgesprek, actor: org, kind: advice, duration: 1w, basis: policy, outcome: closed}\n",
                // Feedback in interim updates that surely come within 3
                // months of the acknowledgement, on every route: the final
                // feedback needs no term of its own.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, updates: {every: 2w, feedback: true}, next: tussentijds}\n  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, updates: {every: 1w, first: 3d, feedback: true}, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
            ])
            .fail(&[
                // No acknowledgement term.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // A term of 8 days is longer than the law's 7.
                "  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, deadline: {within: 8d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // The 7-day term is on a step that is no acknowledgement.
                "  bevestiging: {title: Intakegesprek, actor: org, kind: intake, contact: true, duration: 2d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Wbk art. 2\"}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
                // 14 weeks are more than 3 months.
                "  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 14w, from: bevestiging, basis: \"Wbk art. 2\"}, next: nazorg}\n",
                // A route to the Nationale ombudsman only: it is no
                // competent authority of Wbk art. 2c.
                "  extern: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // No word on where the reporter learns of reporting
                // externally (Directive art. 9(1)(g)).
                "external-information: null\n",
                // No route to an external body.
                "  extern: {title: Externe melding, actor: melder, kind: escalation, outcome: referred}\n",
                // As a complaint, the procedure lacks the 6-week term and the
                // route to the Nationale ombudsman (the Huis voor
                // klokkenluiders is no ombudsman).
                "kind: complaint\n",
                // A complaint decided within 8 weeks.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 8w, from: melding, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // The notice of not handling after 6 weeks: Awb 9:8(3) gives 4.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: horen, p: 0.9}]}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:8\"}, next: nb}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // The judgment in 20 weeks: the 4-week notice of not handling
                // does not make up for it.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: [{to: niet, p: 0.1}, {to: horen, p: 0.9}]}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  niet: {title: Mededeling niet behandelen, actor: org, kind: decision, contact: true, duration: 3w, basis: policy, deadline: {within: 4w, basis: \"Awb art. 9:8\"}, next: [{to: nb, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  nb: {title: Niet behandeld, actor: org, kind: closure, outcome: not-handled}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 20w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // A judgment without a deadline.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: founded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // An external authority's 5 months without a reason: only
                // duly justified cases may take more than 3.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(b)\"}, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 5mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\"}, outcome: founded}\n",
                // A reason that states no case: 6 months are not justified.
                "kind: whistleblower-authority\nexternal-information: null\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, deadline: {within: 7d, from: melding, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(b)\"}, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 6mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\", reason: \".\"}, outcome: founded}\n",
                // An external authority without an acknowledgement term and
                // with feedback after 7 months.
                "kind: whistleblower-authority\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 3d, basis: policy, next: onderzoek}\n  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 6mo, basis: policy, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 7mo, from: bevestiging, basis: \"Richtlijn (EU) 2019/1937 art. 11(2)(d)\"}, outcome: founded}\n",
                // Without an advisory committee, 10 weeks are too long.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // The judgment that a route reaches without the postponement keeps
                // only 6 weeks.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: [{to: oordeel, p: 0.8}, {to: verdaging, p: 0.2}]}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  verdaging: {title: Verdaging, actor: org, kind: postponement, duration: 2d, basis: policy, next: later}\n  later: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // After a postponement, 11 weeks are more than 6 + 4.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: [{to: oordeel, p: 0.8}, {to: verdaging, p: 0.2}]}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  verdaging: {title: Verdaging, actor: org, kind: postponement, duration: 2d, basis: policy, next: later}\n  later: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 11w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // A postponement that is not told in writing (Awb 9:11(2)).
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: [{to: oordeel, p: 0.8}, {to: verdaging, p: 0.2}]}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  verdaging: {title: Verdaging, actor: org, kind: postponement, contact: false, duration: 2d, basis: policy, next: later}\n  later: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 10w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // 16 weeks on the complainant's written consent: an exception
                // (Awb 9:11(3)), flagged as a warning.
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 16w, basis: \"Awb art. 9:11\", consent: \"the complainant agreed in writing to wait for a witness\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // A judgment that is not told in writing (Awb 9:12(1)).
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}}\n",
                // The way to the ombudsman enters where the complainant can be sent
                // back to complain (Awb 9:20(1)).
                "kind: complaint\nsteps:\n  melding: {title: Klacht, actor: melder, kind: report, next: horen}\n  horen: {title: Horen, actor: org, kind: hearing, duration: 1w, basis: policy, next: oordeel}\n  oordeel: {title: Klachtoordeel, actor: org, kind: decision, contact: true, duration: 4w, basis: policy, deadline: {within: 6w, basis: \"Awb art. 9:11\"}, next: [{to: klaar, p: 0.9}, {to: ombudsman, p: 0.1}]}\n  klaar: {title: Afgesloten, actor: org, kind: closure, outcome: unfounded}\n  ombudsman: {title: Naar de Nationale ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n",
                // An ombudsman whose refusal is no contact (Awb 9:25).
                "kind: ombudsman\nsteps:\n  melding: {title: Verzoek, actor: melder, kind: report, next: toets}\n  toets: {title: Eerst geklaagd?, actor: org, kind: assessment, duration: 1d, basis: policy, next: [{to: terug, p: 0.2}, {to: intake, p: 0.8}]}\n  terug: {title: Eerst klagen, actor: org, kind: decision, contact: true, escalate: {procedure: rijk/klacht}}\n  intake: {title: Intake, actor: org, kind: intake, duration: 3w, basis: practice, next: [{to: niet, p: 0.2}, {to: rapport, p: 0.8}]}\n  niet: {title: Niet bevoegd, actor: org, kind: decision, outcome: not-handled}\n  rapport: {title: Rapport, actor: org, kind: decision, contact: true, duration: 3mo, basis: assumption, note: assumed, outcome: founded}\n",
                // An ombudsman that never declines and never sends back (Awb 9:20,
                // 9:22).
                "kind: ombudsman\nsteps:\n  melding: {title: Verzoek, actor: melder, kind: report, next: toets}\n  toets: {title: Eerst geklaagd?, actor: org, kind: assessment, duration: 1d, basis: policy, next: intake}\n  intake: {title: Intake, actor: org, kind: intake, duration: 3w, basis: practice, next: rapport}\n  rapport: {title: Rapport, actor: org, kind: decision, contact: true, duration: 3mo, basis: assumption, note: assumed, outcome: founded}\n",
                // The same procedure handling a misstand too: the Wbk's norms
                // bind it, and the findings concern the misstand scope.
                "scopes: [integrity, misstand]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, outcome: closed}\n",
                // The term only on the interim feedback, which the route
                // through `afwijzing` skips: those reporters get feedback,
                // but none in time.
                "  tussentijds: {title: Tussentijdse terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, deadline: {within: 3mo, from: bevestiging, basis: \"Wbk art. 2\"}, next: besluit}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
                // The 3 months counted from the decision, not from the
                // acknowledgement.
                "  terugkoppeling:\n    title: Terugkoppeling\n    actor: org\n    kind: feedback\n    duration: 1d\n    basis: policy\n    deadline: {within: 3mo, from: besluit, basis: \"Wbk art. 2\"}\n    next: nazorg\n",
                // An internal report of integrity violations and undesirable
                // behaviour alone follows ministry policy: no Wbk norm binds it, and the
                // finding (a warning) says which norms go unchecked.
                "scopes: [integrity, undesirable-behaviour]\nsteps:\n  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}\n  bevestiging: {title: Ontvangstbevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, next: besluit}\n  besluit: {title: Besluit, actor: org, kind: decision, contact: true, duration: 2w, basis: policy, outcome: closed}\n",
                // The same updates, bare ("still busy"): no feedback, so no
                // step keeps the 3 months.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: policy, updates: {every: 2w}, next: tussentijds}\n  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, updates: {every: 1w, first: 3d}, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
                // Feedback updates, but the first after 14 weeks: the route
                // through the investigation has no feedback in time.
                "  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 20w, basis: policy, updates: {every: 4w, first: 14w, feedback: true}, next: tussentijds}\n  afwijzing: {title: Niet in behandeling, actor: org, kind: decision, duration: 1w, basis: policy, updates: {every: 1w, first: 3d, feedback: true}, next: terugkoppeling}\n  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, next: nazorg}\n",
                // An update 2 days after the report is a contact (MR101) and
                // here feedback, but no acknowledgement of receipt.
                "  bevestiging: {title: Intake, actor: org, kind: intake, duration: 2w, basis: policy, updates: {every: 1w, first: 2d, feedback: true}, next: [{to: onderzoek, p: 0.8}, {to: afwijzing, p: 0.2}]}\n",
            ])
            .test_and_snapshot();
    }
}
