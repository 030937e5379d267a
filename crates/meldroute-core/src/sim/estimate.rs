//! Every figure of a run with its 95% confidence interval: one definition
//! per measure, used by the simulation report, the gap analysis, the
//! comparison and the `--precision` stopping rule alike.
//!
//! Shares of journeys (a journey has the property or not, journeys are
//! independent) take the Wilson score interval; means and shares of time
//! take the batch-means interval over the run's fixed batches
//! ([`BatchRatio`]); quantiles the order-statistic interval of their
//! histogram. `docs/simulation.md` says why.

use super::{Aggregate, ScopeTally, SimModel};
use crate::model::Scope;
use crate::stats::{BatchRatio, DurationStats, Estimate, Interval, Moments, wilson};

/// The share of `k` in `n` journeys (0 when `n` is 0), with its Wilson interval.
pub fn share(k: u64, n: u64) -> Estimate {
    Estimate {
        value: if n == 0 { 0.0 } else { k as f64 / n as f64 },
        ci95: wilson(k, n),
    }
}

impl Aggregate {
    /// The figures of the journeys whose report's scope is one of
    /// `scopes`, those a norm binding by scope reads. With the scope drawn
    /// per journey ([`SimModel::scope`] of `model`), the sum of those
    /// scopes' tallies; without, every journey's, as each has all the
    /// scopes of its procedure (and a norm is read only of a procedure it
    /// binds).
    pub fn of_scopes(&self, model: &SimModel, scopes: &[Scope]) -> ScopeTally {
        let Some(scope) = &model.scope else {
            return ScopeTally {
                reported: self.reported,
                contact_within_week: self.contact_within_week,
                feedback_in_time: self.feedback_in_time,
                deadlines: self.deadlines.clone(),
            };
        };
        let mut all = ScopeTally::new(self.deadlines.len());
        for (t, s) in self.by_scope.iter().zip(&scope.scopes) {
            if scopes.contains(s) {
                all.merge(t);
            }
        }
        all
    }
}

/// The mean `sum / n` (0 when `n` is 0) of a quantity that is never
/// negative, with its interval ([`mean_interval`]).
fn mean(sum: f64, n: u64, spread: &BatchRatio) -> Estimate {
    let value = if n == 0 { 0.0 } else { sum / n as f64 };
    Estimate {
        value,
        ci95: mean_interval(value, spread),
    }
}

/// The batch-means interval of `spread` around the mean `value` of a
/// quantity that is never negative, cut at 0.
fn mean_interval(value: f64, spread: &BatchRatio) -> Option<Interval> {
    spread
        .interval(value)
        .map(|ci| ci.within(0.0, f64::INFINITY))
}

/// Batch sums of the run's means and shares of time, added batch by batch
/// in batch order ([`Aggregate::add_batch`]): what their intervals need.
/// Empty in the aggregate of a single batch.
#[derive(Clone, Debug, Default)]
pub struct Spread {
    lead: BatchRatio,
    first_contact: BatchRatio,
    longest_silence: BatchRatio,
    experience: BatchRatio,
    contacts: BatchRatio,
    handoffs: BatchRatio,
    procedures: BatchRatio,
    /// Per step: days in it over journeys.
    step_days: Vec<BatchRatio>,
    /// Per step: days in it over the times it was taken.
    step_visit: Vec<BatchRatio>,
    /// Per step: days in it over days in all steps.
    step_share: Vec<BatchRatio>,
    /// Each batch's own figures, in batch order: what the interval of a
    /// difference between two runs of the same journeys needs
    /// ([`paired_difference`]). A few dozen bytes per 4,096 journeys.
    per_batch: Vec<BatchPoint>,
}

/// One batch's figures that comparisons pair with another run's same batch.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchPoint {
    /// Journeys that made a report (the reporter shares' denominator).
    reported: f64,
    /// Of those: first contact within 7 days, feedback within 3 months,
    /// feedback, aftercare.
    acknowledged: f64,
    feedback_in_time: f64,
    feedback: f64,
    aftercare: f64,
    /// Finished journeys, and their lead times and longest silences summed.
    finished: f64,
    lead: f64,
    silence: f64,
    /// The batch's own quantiles (for sectioning).
    lead_p50: f64,
    lead_p90: f64,
    silence_p50: f64,
    silence_p90: f64,
    first_contact_p50: f64,
}

/// The batches of a run, for the paired intervals of its differences from
/// another run ([`paired_difference`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batches {
    /// Journeys run.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    points: Vec<BatchPoint>,
}

impl Aggregate {
    /// The run's batches (it ran with master seed `seed`).
    pub fn batches(&self, seed: u64) -> Batches {
        Batches {
            runs: self.runs,
            seed,
            points: self.spread.per_batch.clone(),
        }
    }
}

/// A figure whose difference between two runs of the same journeys (the
/// same seed and runs: common random numbers) has a paired interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paired {
    /// Mean lead time of finished journeys.
    LeadMean,
    /// Mean longest silence of finished journeys.
    SilenceMean,
    /// Lead time p50 / p90.
    LeadP50,
    /// Lead time p90.
    LeadP90,
    /// Longest silence p50.
    SilenceP50,
    /// Longest silence p90.
    SilenceP90,
    /// First contact after the report, p50.
    FirstContactP50,
    /// Reporter shares: acknowledged within 7 days.
    Acknowledged,
    /// Feedback within 3 months.
    FeedbackInTime,
    /// Feedback at all.
    Feedback,
    /// Aftercare.
    Aftercare,
}

impl BatchPoint {
    /// The batch's numerator and denominator of a ratio figure, or `None`
    /// for a quantile.
    fn ratio(&self, f: Paired) -> Option<(f64, f64)> {
        Some(match f {
            Paired::LeadMean => (self.lead, self.finished),
            Paired::SilenceMean => (self.silence, self.finished),
            Paired::Acknowledged => (self.acknowledged, self.reported),
            Paired::FeedbackInTime => (self.feedback_in_time, self.reported),
            Paired::Feedback => (self.feedback, self.reported),
            Paired::Aftercare => (self.aftercare, self.reported),
            _ => return None,
        })
    }

    /// The batch's own quantile figure.
    fn quantile(&self, f: Paired) -> f64 {
        match f {
            Paired::LeadP50 => self.lead_p50,
            Paired::LeadP90 => self.lead_p90,
            Paired::SilenceP50 => self.silence_p50,
            Paired::SilenceP90 => self.silence_p90,
            Paired::FirstContactP50 => self.first_contact_p50,
            _ => 0.0,
        }
    }
}

/// The 95% interval of `d`, the difference `b - a` of figure `f` between
/// two runs of the same journeys (the same seed and batches: common random
/// numbers), from the batches' paired differences; `None` when the runs
/// have other batches or fewer than two.
///
/// A ratio (a mean, a share) takes the linearised residuals of the ratio
/// estimator batch by batch, `e_b = (Y_b^B - R_B N_b^B) / N^B - (Y_b^A -
/// R_A N_b^A) / N^A`, with `var = B / (B - 1) * sum e_b^2`; a quantile
/// takes sectioning: the spread of the batches' own quantile differences,
/// `sd / sqrt(B)`. Both with Student's t on `B - 1` degrees of freedom.
/// The journeys of a batch are the same in both runs, so what both runs
/// share cancels, and the interval is that of the change alone.
pub fn paired_difference(a: &Batches, b: &Batches, f: Paired, d: f64) -> Option<Interval> {
    let (pa, pb) = (&a.points, &b.points);
    let n = pa.len();
    if n < 2 || pb.len() != n || a.runs != b.runs || a.seed != b.seed {
        return None;
    }
    let bn = n as f64;
    let se = if pa[0].ratio(f).is_some() {
        let totals = |p: &[BatchPoint]| {
            p.iter().fold((0.0, 0.0), |(y, m), x| {
                let (yy, mm) = x.ratio(f).unwrap_or_default();
                (y + yy, m + mm)
            })
        };
        let ((ya, na), (yb, nb)) = (totals(pa), totals(pb));
        if na <= 0.0 || nb <= 0.0 {
            return None;
        }
        let (ra, rb) = (ya / na, yb / nb);
        let sum: f64 = pa
            .iter()
            .zip(pb)
            .map(|(x, y)| {
                let (xa, xn) = x.ratio(f).unwrap_or_default();
                let (yy, yn) = y.ratio(f).unwrap_or_default();
                let e = (yy - rb * yn) / nb - (xa - ra * xn) / na;
                e * e
            })
            .sum();
        (bn / (bn - 1.0) * sum).sqrt()
    } else {
        let diffs: Vec<f64> = pa
            .iter()
            .zip(pb)
            .map(|(x, y)| y.quantile(f) - x.quantile(f))
            .collect();
        let mean = diffs.iter().sum::<f64>() / bn;
        let var = diffs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (bn - 1.0);
        (var / bn).sqrt()
    };
    let half = crate::stats::t95(n as u64 - 1) * se;
    Some(Interval {
        low: d - half,
        high: d + half,
    })
}

fn sum(m: &Moments) -> (f64, f64) {
    (m.mean * m.count as f64, m.count as f64)
}

impl Aggregate {
    /// Adds the journeys of the next batch, in batch order, keeping the
    /// batch's sums for the intervals.
    pub(super) fn add_batch(&mut self, batch: &Aggregate) {
        self.merge(batch);
        let s = &mut self.spread;
        let (y, n) = sum(&batch.lead.moments);
        s.lead.add(y, n);
        let (y, n) = sum(&batch.first_contact.moments);
        s.first_contact.add(y, n);
        let (y, n) = sum(&batch.longest_silence.moments);
        s.longest_silence.add(y, n);
        s.experience
            .add(batch.experience.sum(), batch.experience.count() as f64);
        let finished = batch.finished() as f64;
        s.contacts.add(batch.contacts as f64, finished);
        s.handoffs.add(batch.handoffs as f64, finished);
        s.procedures.add(batch.procedures as f64, finished);
        let steps = batch.step_days.len();
        s.step_days.resize(steps, BatchRatio::default());
        s.step_visit.resize(steps, BatchRatio::default());
        s.step_share.resize(steps, BatchRatio::default());
        let quantile = |s: &crate::stats::Summary, q| {
            if s.moments.count == 0 {
                0.0
            } else {
                s.quantile(q)
            }
        };
        let (lead, _) = sum(&batch.lead.moments);
        let (silence, _) = sum(&batch.longest_silence.moments);
        s.per_batch.push(BatchPoint {
            reported: batch.reported as f64,
            acknowledged: batch.contact_within_week as f64,
            feedback_in_time: batch.feedback_in_time as f64,
            feedback: batch.feedback as f64,
            aftercare: batch.aftercare as f64,
            finished,
            lead,
            silence,
            lead_p50: quantile(&batch.lead, 0.5),
            lead_p90: quantile(&batch.lead, 0.9),
            silence_p50: quantile(&batch.longest_silence, 0.5),
            silence_p90: quantile(&batch.longest_silence, 0.9),
            first_contact_p50: quantile(&batch.first_contact, 0.5),
        });
        let all: f64 = batch.step_days.iter().sum();
        for (i, (&days, &entries)) in batch.step_days.iter().zip(&batch.step_entries).enumerate() {
            s.step_days[i].add(days, batch.runs as f64);
            s.step_visit[i].add(days, entries as f64);
            s.step_share[i].add(days, all);
        }
    }

    /// Journeys that ended before the step limit.
    pub fn finished(&self) -> u64 {
        self.runs - self.unfinished
    }

    /// Lead time of finished journeys.
    pub fn lead_time(&self) -> DurationStats {
        let m = &self.lead.moments;
        self.lead.stats(mean_interval(m.mean, &self.spread.lead))
    }

    /// Report to first contact after it, of finished journeys with one.
    pub fn first_contact_time(&self) -> DurationStats {
        let m = &self.first_contact.moments;
        self.first_contact
            .stats(mean_interval(m.mean, &self.spread.first_contact))
    }

    /// Longest silence of finished journeys.
    pub fn longest_silence_time(&self) -> DurationStats {
        let m = &self.longest_silence.moments;
        self.longest_silence
            .stats(mean_interval(m.mean, &self.spread.longest_silence))
    }

    /// The reporter's experience score of finished journeys: a model, not
    /// a measurement ([`crate::experience`]).
    pub fn experience_score(&self) -> DurationStats {
        let s = self.experience.summary();
        s.stats(mean_interval(s.moments.mean, &self.spread.experience))
    }

    /// Contacts per finished journey.
    pub fn contacts_mean(&self) -> Estimate {
        mean(self.contacts as f64, self.finished(), &self.spread.contacts)
    }

    /// Changes of actor per finished journey.
    pub fn handoffs_mean(&self) -> Estimate {
        mean(self.handoffs as f64, self.finished(), &self.spread.handoffs)
    }

    /// Procedures visited per finished journey.
    pub fn procedures_mean(&self) -> Estimate {
        mean(
            self.procedures as f64,
            self.finished(),
            &self.spread.procedures,
        )
    }

    /// Of the journeys that made a report ([`Aggregate::reported`]), the
    /// share with a feedback step after it.
    pub fn feedback_rate(&self) -> Estimate {
        share(self.feedback, self.reported)
    }

    /// Of the journeys that made a report, the share with an aftercare step.
    pub fn aftercare_rate(&self) -> Estimate {
        share(self.aftercare, self.reported)
    }

    /// Of the journeys that made a report, the share whose reporter was
    /// anonymous.
    pub fn anonymous_share(&self) -> Estimate {
        share(self.anonymous, self.reported)
    }

    /// Of the journeys with an anonymous report, the share with feedback
    /// after it (the same definition as [`Aggregate::feedback_rate`]).
    pub fn anonymous_feedback_rate(&self) -> Estimate {
        share(self.anonymous_feedback, self.anonymous)
    }

    /// Of all journeys, the share whose reporter met retaliation.
    pub fn retaliation_share(&self) -> Estimate {
        share(self.retaliated, self.runs)
    }

    /// Of all journeys, the share whose reporter met retaliation at step `i`.
    pub fn retaliation_share_at(&self, i: usize) -> Estimate {
        share(self.retaliated_at.get(i).copied().unwrap_or(0), self.runs)
    }

    /// Share of journeys that hit the step limit.
    pub fn unfinished_share(&self) -> Estimate {
        share(self.unfinished, self.runs)
    }

    /// Of the journeys that made a report, the share without any contact
    /// after it.
    pub fn no_contact_after_report(&self) -> Estimate {
        share(self.reported - self.contacted, self.reported)
    }

    /// Of the journeys that made a report, the share whose first contact
    /// after it came within 7 days.
    pub fn acknowledged_within_7_days(&self) -> Estimate {
        share(self.contact_within_week, self.reported)
    }

    /// Feedback within 3 months (Richtlijn (EU) 2019/1937 art. 9(1)(f),
    /// with the definition of feedback in art. 5(13)): of the journeys that
    /// made a report, the share whose first feedback after it (a step of
    /// kind `feedback` or a decision that is a contact, interim feedback
    /// included) came within 3 months of the acknowledgement (the first
    /// contact after the report; without one before the feedback, 7 days
    /// after the report). The one definition that `simulate`, `gaps`
    /// (MR102), `compare` and `report` print (`docs/simulation.md`).
    pub fn feedback_within_3_months(&self) -> Estimate {
        share(self.feedback_in_time, self.reported)
    }

    /// Share of journeys ending with outcome `i` ([`super::OUTCOMES`] order).
    pub fn outcome_share(&self, i: usize) -> Estimate {
        share(self.outcomes[i], self.runs)
    }

    /// Share of journeys entering procedure `p` by escalation.
    pub fn escalation_share(&self, p: usize) -> Estimate {
        share(self.escalations[p], self.runs)
    }

    /// Share of journeys that visit step `i`.
    pub fn visit_rate(&self, i: usize) -> Estimate {
        share(self.visits[i], self.runs)
    }

    /// Mean days spent in step `i` per journey (all journeys).
    pub fn step_mean_days(&self, i: usize) -> Estimate {
        let spread = self.spread.step_days.get(i).copied().unwrap_or_default();
        mean(self.step_days[i], self.runs, &spread)
    }

    /// Mean days of one visit to step `i`: its days over the times it was
    /// taken (0 when it never was).
    pub fn step_mean_days_per_visit(&self, i: usize) -> Estimate {
        let spread = self.spread.step_visit.get(i).copied().unwrap_or_default();
        mean(self.step_days[i], self.step_entries[i], &spread)
    }

    /// Step `i`'s part of all time spent in steps.
    pub fn step_share_of_time(&self, i: usize) -> Estimate {
        let all: f64 = self.step_days.iter().sum();
        let value = if all > 0.0 {
            self.step_days[i] / all
        } else {
            0.0
        };
        let spread = self.spread.step_share.get(i).copied().unwrap_or_default();
        Estimate {
            value,
            ci95: spread.interval(value).map(|ci| ci.within(0.0, 1.0)),
        }
    }

    /// Share of journeys that reach deadline `d`'s step (its start passed).
    pub fn deadline_reached(&self, d: usize) -> Estimate {
        share(self.deadlines[d].0, self.runs)
    }

    /// Share of those that met deadline `d`.
    pub fn deadline_met(&self, d: usize) -> Estimate {
        let (reached, met) = self.deadlines[d];
        share(met, reached)
    }
}
