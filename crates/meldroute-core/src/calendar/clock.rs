//! Working time as the simulation reads it: times are days since midnight
//! of an origin date (fractions allowed), and work measured in working days
//! advances one per calendar day on a working day and not at all on other
//! days. A [`WorkClock`] answers when work is done and how much work fits
//! between two times in O(log n) from prefix sums over a span of days, and
//! exactly (more slowly, day by day) outside it.

use super::{Date, FIRST_YEAR, WorkCalendar, add_days, days_from};

/// A [`WorkCalendar`] as a clock of working time from `origin`.
///
/// Time `t` is days since midnight at the start of `origin` (`t = 1.5` is
/// noon of the day after). The work done by time `t`, `W(t)`, grows by one
/// per day during working days and stays put on other days;
/// [`WorkClock::working_days`] is `W(t1) - W(t0)` and
/// [`WorkClock::advance`] its inverse. Within `[0, span_days)` both are a
/// table look-up and a binary search, allocation-free; outside they walk
/// day by day. Dates before 1583 have no working days, and work that would
/// end after 31 December 9999 never ends.
#[derive(Clone, Debug)]
pub struct WorkClock {
    calendar: WorkCalendar,
    origin: Date,
    /// `cum[i]`: working days among the first `i` days of the span.
    cum: Vec<u32>,
    /// The first day index with a date (1 January 1583), relative to origin.
    first: i64,
    /// The last day index with a date (31 December 9999).
    last: i64,
}

impl WorkClock {
    /// A clock of `calendar` from `origin`, fast over the `span_days` days
    /// from it (cut at 31 December 9999).
    pub fn new(calendar: &WorkCalendar, origin: Date, span_days: u32) -> WorkClock {
        let first = Date::new(FIRST_YEAR, 1, 1).map_or(i64::MIN, |d| days_from(origin, d));
        let last = days_from(origin, Date::MAX);
        let span = i64::from(span_days).min(last + 1).max(0);
        let mut cum = Vec::with_capacity(span as usize + 1);
        cum.push(0u32);
        let mut count = 0u32;
        let mut day = origin;
        for i in 0..span {
            if calendar.is_working_day(day) {
                count += 1;
            }
            cum.push(count);
            if i + 1 < span {
                // Within the span, so within the dates jiff knows.
                match day.tomorrow() {
                    Ok(next) => day = next,
                    Err(_) => break,
                }
            }
        }
        WorkClock {
            calendar: calendar.clone(),
            origin,
            cum,
            first,
            last,
        }
    }

    /// The origin: time 0 is its midnight.
    pub fn origin(&self) -> Date {
        self.origin
    }

    /// The days from the origin that the fast path covers.
    pub fn span_days(&self) -> u32 {
        // At most 9999 years of days: fits.
        (self.cum.len() - 1) as u32
    }

    /// The time of midnight at the start of `date`.
    pub fn time_of(&self, date: Date) -> f64 {
        days_from(self.origin, date) as f64
    }

    /// The date time `t` falls on (`None` outside the dates the calendar knows).
    pub fn date_at(&self, t: f64) -> Option<Date> {
        if !t.is_finite() {
            return None;
        }
        let k = t.floor();
        if k < self.first as f64 || k > self.last as f64 {
            return None;
        }
        add_days(self.origin, k as i64).ok()
    }

    fn span(&self) -> i64 {
        (self.cum.len() - 1) as i64
    }

    /// Whether day `k` (days after the origin) is a working day.
    fn is_work(&self, k: i64) -> bool {
        if (0..self.span()).contains(&k) {
            let k = k as usize;
            return self.cum[k + 1] > self.cum[k];
        }
        if k < self.first || k > self.last {
            return false;
        }
        add_days(self.origin, k).is_ok_and(|date| self.calendar.is_working_day(date))
    }

    /// Working days in days `[from, to)`, by walking (the slow path).
    fn count(&self, from: i64, to: i64) -> f64 {
        let from = from.max(self.first);
        let to = to.min(self.last + 1);
        let Ok(mut day) = add_days(self.origin, from) else {
            return 0.0;
        };
        let mut n = 0u64;
        for _ in from..to {
            n += u64::from(self.calendar.is_working_day(day));
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        n as f64
    }

    /// `W` at midnight starting day `k`: working days in `[0, k)`, negative
    /// before the origin.
    fn before(&self, k: i64) -> f64 {
        let span = self.span();
        if (0..=span).contains(&k) {
            f64::from(self.cum[k as usize])
        } else if k > span {
            f64::from(self.cum[span as usize]) + self.count(span, k)
        } else {
            -self.count(k, 0)
        }
    }

    /// `W(t)`: the work done from the origin to `t` (negative before it).
    fn work(&self, t: f64) -> f64 {
        let k0 = t.floor().clamp(self.first as f64, (self.last + 1) as f64);
        let k = k0 as i64;
        let part = if self.is_work(k) {
            (t - k0).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.before(k) + part
    }

    /// The working days of work done between `t0` and `t1`: how much of the
    /// calendar's working time lies between them (negative when `t1` is
    /// before `t0`; NaN when either is not finite).
    pub fn working_days(&self, t0: f64, t1: f64) -> f64 {
        if !t0.is_finite() || !t1.is_finite() {
            return f64::NAN;
        }
        self.work(t1) - self.work(t0)
    }

    /// The time at which `working_days` of work, started at `t`, is done:
    /// the first time `t'` with `working_days(t, t') == working_days`.
    /// Work started in a day off begins at the next working day's midnight;
    /// work that ends exactly at the end of a working day ends at its
    /// midnight, not the next working day's. `t` itself for no work (0 or
    /// less); NaN when `t` or the work is NaN, or `t` is infinite; infinity
    /// when the work would end after 31 December 9999.
    pub fn advance(&self, t: f64, working_days: f64) -> f64 {
        if !t.is_finite() || working_days.is_nan() {
            return f64::NAN;
        }
        if working_days <= 0.0 {
            return t;
        }
        let k0 = t.floor();
        if k0 > self.last as f64 || working_days == f64::INFINITY {
            return f64::INFINITY;
        }
        let mut k = k0.max(self.first as f64) as i64;
        // The work still to do, counted from the midnight that starts day k.
        let mut need = working_days;
        if k as f64 == k0 && self.is_work(k) {
            need += t - k0;
        }
        while k < 0 {
            if self.is_work(k) {
                if need <= 1.0 {
                    return k as f64 + need;
                }
                need -= 1.0;
            }
            k += 1;
        }
        let span = self.span();
        if k < span {
            let i = k as usize;
            let target = f64::from(self.cum[i]) + need;
            let total = f64::from(self.cum[span as usize]);
            if target <= total {
                // The first midnight after day k by which `target` is
                // reached; the work ends within the day before it.
                let after = self.cum[i + 1..].partition_point(|&c| f64::from(c) < target);
                let j = i + after;
                return j as f64 + (target - f64::from(self.cum[j]));
            }
            need = target - total;
            k = span;
        }
        while k <= self.last {
            if self.is_work(k) {
                if need <= 1.0 {
                    return k as f64 + need;
                }
                need -= 1.0;
            }
            k += 1;
        }
        f64::INFINITY
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::parse_date;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn rijk_2026() -> WorkClock {
        WorkClock::new(&WorkCalendar::rijk(), d("2026-01-01"), 365)
    }

    #[test]
    fn the_clock_is_send_and_sync() {
        fn both<T: Send + Sync>() {}
        both::<WorkClock>();
    }

    #[test]
    fn advance_over_a_weekend_and_a_holiday() {
        let clock = rijk_2026();
        let thursday = clock.time_of(d("2026-04-30"));
        // Thursday 30 April, noon: half a day that day, Friday 1 May whole,
        // the weekend nothing, Monday 4 May whole, Tuesday 5 May
        // (Bevrijdingsdag) nothing, then a quarter of Wednesday 6 May.
        let end = clock.advance(thursday + 0.5, 2.75);
        assert_eq!(end, clock.time_of(d("2026-05-06")) + 0.25);
        assert!((clock.working_days(thursday + 0.5, end) - 2.75).abs() < 1e-12);
        // One working day from Friday midnight ends at Saturday's midnight.
        let friday = clock.time_of(d("2026-05-01"));
        assert_eq!(clock.advance(friday, 1.0), friday + 1.0);
        // Started on Saturday, work begins on Monday.
        assert_eq!(
            clock.advance(friday + 1.3, 0.5),
            clock.time_of(d("2026-05-04")) + 0.5
        );
        assert_eq!(clock.advance(friday + 1.3, 0.0), friday + 1.3);
        assert_eq!(clock.working_days(friday + 1.0, friday + 3.0), 0.0);
        assert_eq!(clock.working_days(friday + 3.0, friday), -1.0);
    }

    #[test]
    fn the_year_2026_holds_253_working_days() {
        let clock = rijk_2026();
        assert_eq!(clock.working_days(0.0, 365.0), 253.0);
        // Thursday 31 December 2026 is the last working day.
        assert_eq!(clock.advance(0.0, 253.0), 365.0);
        assert_eq!(
            clock.advance(0.0, 252.0),
            clock.time_of(d("2026-12-30")) + 1.0
        );
        assert_eq!(clock.span_days(), 365);
    }

    #[test]
    fn beyond_the_span_it_is_exact_too() {
        let short = WorkClock::new(&WorkCalendar::rijk(), d("2026-01-01"), 10);
        let long = WorkClock::new(&WorkCalendar::rijk(), d("2025-01-01"), 1500);
        let shift = long.time_of(d("2026-01-01"));
        for (t, w) in [
            (0.0, 300.0),
            (-200.5, 3.0),
            (-200.5, 500.25),
            (400.0, 20.0),
            (5.5, 1.0),
        ] {
            let a = short.advance(t, w);
            let b = long.advance(t + shift, w) - shift;
            assert!((a - b).abs() < 1e-9, "{t} {w}: {a} {b}");
            assert!((short.working_days(t, a) - w).abs() < 1e-9);
        }
        assert_eq!(short.working_days(-365.0, 0.0), 253.0, "the Rijk in 2025");
    }

    #[test]
    fn the_ends_of_time() {
        let clock = rijk_2026();
        assert!(clock.advance(f64::NAN, 1.0).is_nan());
        assert!(clock.advance(0.0, f64::NAN).is_nan());
        assert!(clock.advance(f64::INFINITY, 1.0).is_nan());
        assert_eq!(clock.advance(0.0, f64::INFINITY), f64::INFINITY);
        assert_eq!(clock.advance(0.0, -1.0), 0.0);
        // Work that would end after 9999 never ends.
        let late = WorkClock::new(&WorkCalendar::rijk(), d("9999-12-01"), 365);
        assert_eq!(late.span_days(), 31);
        assert_eq!(late.advance(0.0, 100.0), f64::INFINITY);
        assert!(late.advance(0.0, 10.0).is_finite());
        assert_eq!(late.date_at(30.5), Some(Date::MAX));
        assert_eq!(late.date_at(31.0), None);
        assert!(clock.working_days(0.0, f64::INFINITY).is_nan());
        // Before 1583 there are no working days.
        let early = WorkClock::new(&WorkCalendar::all_days(), d("1583-01-10"), 5);
        assert_eq!(early.working_days(-100.0, 0.0), 9.0);
        assert_eq!(early.advance(-100.0, 1.0), -9.0 + 1.0);
    }

    /// Agrees with `add_working_days` on whole days: work of n working days
    /// started at the end of day D is done at the end of the n-th working
    /// day after D.
    #[test]
    fn agrees_with_add_working_days() {
        let rijk = WorkCalendar::rijk();
        let clock = WorkClock::new(&rijk, d("2025-06-01"), 800);
        let mut day = d("2025-06-01");
        for _ in 0..400 {
            for n in [1u32, 2, 5, 13, 60] {
                let end = rijk.add_working_days(day, n).unwrap();
                let t = clock.time_of(day) + 1.0;
                assert_eq!(
                    clock.advance(t, f64::from(n)),
                    clock.time_of(end) + 1.0,
                    "{day} {n}"
                );
                assert_eq!(
                    clock.working_days(t, clock.time_of(end) + 1.0),
                    f64::from(rijk.working_days_between(day, end))
                );
            }
            day = day.tomorrow().unwrap();
        }
    }

    proptest! {
        #[test]
        fn advance_inverts_working_days(t in -400.0f64..1200.0, w in 0.0f64..600.0) {
            let clock = WorkClock::new(&WorkCalendar::rijk(), d("2026-01-01"), 730);
            let end = clock.advance(t, w);
            prop_assert!(end >= t);
            prop_assert!((clock.working_days(t, end) - w).abs() < 1e-9, "{} {} {}", t, w, end);
        }

        #[test]
        fn advance_is_monotone(t in -100.0f64..800.0, dt in 0.0f64..30.0, w in 0.0f64..200.0, dw in 0.0f64..20.0) {
            let clock = WorkClock::new(&WorkCalendar::rijk(), d("2026-01-01"), 730);
            prop_assert!(clock.advance(t, w) <= clock.advance(t, w + dw));
            prop_assert!(clock.advance(t, w) <= clock.advance(t + dt, w));
        }
    }
}
