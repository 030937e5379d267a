//! MR026 invalid-calendar: an actor's working days can be computed.

use meldroute_diagnostics::Arg;

use super::{Context, Rule, declare_rule};
use crate::diag::Diagnostic;
use crate::library::Entry;

declare_rule! {
    /// ### What it does
    /// Checks an actor's `calendar:` (docs/calendars.md): dates that exist,
    /// written `YYYY-MM-DD`, none listed twice or both a day off and a
    /// working day, no day of the week twice, and at least one working day
    /// of the week.
    ///
    /// ### Why is this bad
    /// Work in working days (`10wd`) advances only on the actor's working
    /// days: a calendar without one would never finish the work, and a date
    /// that does not exist is a typo that would silently be lost.
    ///
    /// ### Example
    /// Fails:
    /// ```yaml
    /// actors:
    ///   org: {title: Organisatie, role: organisation, calendar: {days-off: [2026-02-30]}}
    /// ```
    /// Passes:
    /// ```yaml
    /// actors:
    ///   org: {title: Organisatie, role: organisation, calendar: {days-off: [2026-12-24]}}
    /// ```
    pub struct InvalidCalendar {
        code: "MR026",
        name: "invalid-calendar",
        category: Correctness,
        severity: Error,
        summary: "an actor's calendar has a date that does not exist, a date twice, or no working day",
    }
}

impl Rule for InvalidCalendar {
    fn check(&self, cx: &Context<'_>, entry: &Entry, out: &mut Vec<Diagnostic>) {
        for (id, actor) in entry.procedure.actors.iter() {
            let Some(spec) = &actor.calendar else {
                continue;
            };
            for e in spec.check() {
                let pos = if e.pos == crate::source::Pos::UNKNOWN {
                    spec.pos
                } else {
                    e.pos
                };
                out.push(
                    cx.diag(
                        &Self::META,
                        entry,
                        pos,
                        "calendar of actor {actor}: {problem}",
                    )
                    .with_arg("actor", Arg::id(id.value.as_str()))
                    .with_arg("problem", Arg::text(e.problem.to_string()))
                    .with_help(e.help()),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tester::Tester;

    #[test]
    fn cases() {
        Tester::validation(&InvalidCalendar)
            .pass(&[
                "actors:\n  melder: {title: Melder, role: reporter}\n  org: {title: Organisatie, role: organisation, calendar: {base: weekdays, weekdays: [mon, tue, wed, thu], days-off: [2026-12-24], working: [2026-05-05]}}\n",
            ])
            .fail(&[
                "actors:\n  melder: {title: Melder, role: reporter}\n  org: {title: Organisatie, role: organisation, calendar: {weekdays: []}}\n",
                "actors:\n  melder: {title: Melder, role: reporter}\n  org: {title: Organisatie, role: organisation, calendar: {days-off: [2026-12-24, 2026-12-24], working: [2026-12-24]}}\n",
            ])
            .test_and_snapshot();
    }
}
