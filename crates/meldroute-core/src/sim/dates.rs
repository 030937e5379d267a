//! Journeys on dates: working days counted on the actor's calendar, and
//! the legal terms of the reporter measures ending where the Algemene
//! termijnenwet ends them (docs/calendars.md).
//!
//! Times are days since midnight of the origin date, as in the walk. A
//! statutory term counts from the day after the event: the report (or the
//! acknowledgement) at time `t` falls on day `floor(t)`, a term of `N` days
//! ends at the end of day `floor(t) + N`, extended by the Atw
//! ([`crate::calendar::term_end`]); an act is in time until the midnight
//! after that day. The terms of every day of the span are computed once,
//! into tables; a later day is computed when asked.

use crate::calendar::{Date, Term, WorkClock, term_end};

use super::model::SimCalendar;
use crate::norms::{ACKNOWLEDGE_TERM, FEEDBACK_TERM};

/// The clocks and term tables of a model on dates.
#[derive(Clone, Debug)]
pub struct Dates {
    /// Day 0.
    pub origin: Date,
    /// Per calendar of the model.
    clocks: Vec<WorkClock>,
    /// Per day of the span: the day (since the origin) whose end the
    /// acknowledgement term of an event on that day ends at; the same for
    /// the feedback term.
    acknowledge: Vec<u32>,
    feedback: Vec<u32>,
}

impl Dates {
    /// The clocks of `calendars` and the term tables from `origin` over
    /// `span_days` days.
    pub fn new(calendars: &[SimCalendar], origin: Date, span_days: u32) -> Dates {
        let clocks = calendars
            .iter()
            .map(|c| WorkClock::new(&c.calendar, origin, span_days))
            .collect();
        let table = |term: Term| {
            (0..span_days)
                .map(|d| end_day(origin, i64::from(d), term).min(f64::from(u32::MAX)) as u32)
                .collect()
        };
        Dates {
            origin,
            clocks,
            acknowledge: table(ACKNOWLEDGE_TERM),
            feedback: table(FEEDBACK_TERM),
        }
    }

    /// The working days of calendar `c` between times `t0` and `t1`.
    pub fn working_days(&self, c: u32, t0: f64, t1: f64) -> f64 {
        self.clocks[c as usize].working_days(t0, t1)
    }

    /// Calendar days that `working_days` of work on calendar `c` takes
    /// from time `t`.
    #[inline]
    pub fn work(&self, c: u32, t: f64, working_days: f64) -> f64 {
        self.clocks[c as usize].advance(t, working_days) - t
    }

    /// The time (the midnight after its last day) by which the
    /// acknowledgement of a report at `t` is in time (Wbk, 7 days, with the
    /// Atw).
    #[inline]
    pub fn acknowledge_by(&self, t: f64) -> f64 {
        self.by(&self.acknowledge, t, ACKNOWLEDGE_TERM)
    }

    /// The time by which feedback after an acknowledgement at `t` is in
    /// time (3 months, with the Atw).
    #[inline]
    pub fn feedback_by(&self, t: f64) -> f64 {
        self.by(&self.feedback, t, FEEDBACK_TERM)
    }

    fn by(&self, table: &[u32], t: f64, term: Term) -> f64 {
        let day = t.floor();
        let end = match table.get(day as usize) {
            Some(&e) if day >= 0.0 => f64::from(e),
            _ => end_day(self.origin, day as i64, term),
        };
        end + 1.0
    }
}

/// The day (since `origin`) on whose end `term` from day `day` ends, with
/// the Atw; out of the calendar's range, the term as counted.
fn end_day(origin: Date, day: i64, term: Term) -> f64 {
    let counted = match term {
        Term::Days(n) => day as f64 + f64::from(n),
        Term::Weeks(n) => day as f64 + 7.0 * f64::from(n),
        Term::Months(n) => day as f64 + f64::from(n) * crate::duration::DAYS_PER_MONTH,
    };
    let Ok(from) = origin.checked_add(jiff::Span::new().days(day)) else {
        return counted;
    };
    match term_end(from, term) {
        Ok(end) => end
            .date
            .since(origin)
            .map_or(counted, |s| f64::from(s.get_days())),
        Err(_) => counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WorkCalendar, parse_date};

    fn dates(origin: &str) -> Dates {
        let rijk = SimCalendar {
            calendar: WorkCalendar::rijk(),
            ratio: 1.0,
        };
        Dates::new(&[rijk], parse_date(origin).expect("a date"), 400)
    }

    #[test]
    fn the_acknowledgement_term_ends_after_the_weekend_and_the_holidays() {
        // A report on Saturday 7 March 2026 (day 0): 7 days end on Saturday
        // 14 March, a Saturday, so on Monday 16 March (Atw art. 1): in time
        // until the midnight after day 9.
        let d = dates("2026-03-07");
        assert_eq!(d.acknowledge_by(0.25), 10.0);
        // A report on Tuesday 24 March 2026 (day 17): 7 days end on Tuesday
        // 31 March, no rest day: day 24, in time until day 25.
        assert_eq!(d.acknowledge_by(17.9), 25.0);
        // A report on Friday 27 March 2026 (day 20): 7 days end on Friday 3
        // April, Good Friday, then the weekend and Easter Monday 6 April:
        // Tuesday 7 April, day 31.
        assert_eq!(d.acknowledge_by(20.0), 32.0);
        // Beyond the table (day 500 from 2026-03-07 is Tuesday 20 July 2027,
        // 7 days: Tuesday 27 July 2027, no rest day): computed, the same way.
        assert_eq!(d.acknowledge_by(500.5), 508.0);
    }

    #[test]
    fn the_feedback_term_is_3_months_then_extended() {
        // An acknowledgement on Wednesday 14 January 2026 (day 0 of this
        // origin): 3 months end on Tuesday 14 April 2026, day 90.
        let d = dates("2026-01-14");
        assert_eq!(d.feedback_by(0.5), 91.0);
        let e = dates("2026-01-03");
        // Saturday 3 January: 3 months end on Friday 3 April 2026, Good
        // Friday, then the weekend and Easter Monday: Tuesday 7 April, day 94.
        assert_eq!(e.feedback_by(0.0), 95.0);
    }

    #[test]
    fn working_days_follow_the_calendar() {
        // Work of 2.75 working days from noon on Thursday 30 April 2026 at
        // the Rijk: the afternoon (0.5), Friday 1 May (1), Monday 4 May (1),
        // Tuesday 5 May is Bevrijdingsdag, then 0.25 of Wednesday 6 May: it
        // ends at 6 a.m. on day 6 from the origin, 5.75 calendar days later.
        let d = dates("2026-04-30");
        assert!((d.work(0, 0.5, 2.75) - 5.75).abs() < 1e-9);
    }
}
