//! Dates and the two calendars: the law's calendar of legal terms (the
//! Algemene termijnenwet, [`legal_rest_day`], [`term_end`]) and an actor's
//! working days (cao and policy, [`WorkCalendar`], configured per actor by a
//! [`CalendarSpec`]), the named days both read ([`Holiday`], with
//! [`easter_sunday`]), and the fast clock of working time the simulation
//! runs on ([`WorkClock`]).
//!
//! The two calendars are kept apart on purpose
//! (docs/decisions/0017-calendars.md): whether a term ends
//! in time is law, and the same for everyone; whether a handler works on
//! 5 May is a cao's or an employer's choice. A day can be one and not the
//! other: Friday 15 May 2026 is a rest day for legal terms (designated by
//! decree under Atw art. 3(3)) and a working day at the Rijk.
//!
//! ```
//! use meldroute_core::calendar::{Term, WorkCalendar, parse_date, term_end};
//!
//! // 2025: 27 April is a Sunday, so King's Day is Saturday 26 April. Four
//! // weeks from Saturday 29 March end on that day; the next day that is no
//! // Saturday, Sunday or holiday is Monday 28 April.
//! let end = term_end(parse_date("2025-03-29")?, Term::Weeks(4))?;
//! assert_eq!(end.counted.to_string(), "2025-04-26");
//! assert_eq!(end.date.to_string(), "2025-04-28");
//!
//! // The Rijk's working days: weekends and the Cao Rijk's days off.
//! let rijk = WorkCalendar::rijk();
//! assert!(!rijk.is_working_day(parse_date("2026-05-05")?)); // Bevrijdingsdag
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// A civil date (year, month, day; no time, no time zone): the one date
/// type of meldroute.
pub use jiff::civil::Date;

mod clock;
mod holidays;
mod legal;
mod work;

pub use clock::WorkClock;
pub use holidays::{Holiday, easter_sunday};
pub use legal::{
    Article, DECREES, Decree, Exclusion, RestDay, Term, TermEnd, designations_known, extend_term,
    legal_rest_day, term_end,
};
pub use work::{
    Base, CalendarSpec, DateText, RIJK_DAYS_OFF, SpecError, SpecProblem, Weekday, WorkCalendar,
};

/// The first year a date may have: the first whole year of the Gregorian
/// calendar, from which Easter (and so every Easter-based day) is defined.
pub const FIRST_YEAR: i16 = 1583;
/// The last year a date may have.
pub const LAST_YEAR: i16 = 9999;

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD`.
    #[error("`{0}` is not a date; write it as YYYY-MM-DD, such as 2026-05-05")]
    Syntax(String),
    /// A month outside 01 to 12.
    #[error(
        "the date `{text}` does not exist: there is no month {month}; months run from 01 to 12"
    )]
    NoSuchMonth {
        /// The text as written.
        text: String,
        /// The month it names.
        month: u32,
    },
    /// A day the month does not have, such as 30 February.
    #[error("the date `{text}` does not exist: {month} {year} has {days} days")]
    NoSuchDay {
        /// The text as written.
        text: String,
        /// The month's English name.
        month: &'static str,
        /// The year.
        year: i16,
        /// How many days the month has.
        days: i8,
    },
    /// A year before [`FIRST_YEAR`].
    #[error(
        "the date `{0}` is before {FIRST_YEAR}; the calendars start with the Gregorian calendar in {FIRST_YEAR}"
    )]
    TooEarly(String),
}

/// A date computed from another fell outside the dates the calendars know
/// ([`FIRST_YEAR`] to [`LAST_YEAR`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the date falls outside the years {FIRST_YEAR} to {LAST_YEAR} that the calendars know")]
pub struct OutOfRange;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Reads an ISO 8601 calendar date, `YYYY-MM-DD` (four digits for the
/// year, two for the month and the day), and refuses one that does not
/// exist with a message that says so: `2026-02-30` is "the date
/// `2026-02-30` does not exist: February 2026 has 28 days".
///
/// ```
/// use meldroute_core::calendar::parse_date;
/// assert_eq!(parse_date("2026-05-05").unwrap().to_string(), "2026-05-05");
/// assert!(parse_date("2026-02-30").unwrap_err().to_string().contains("does not exist"));
/// ```
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let syntax = || DateError::Syntax(crate::duration::shown(text));
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().try_fold(0u32, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(syntax());
    }
    let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(syntax());
    };
    // Four digits: at most 9999, which fits an i16.
    let year = i16::try_from(year).map_err(|_| syntax())?;
    if year < FIRST_YEAR {
        return Err(DateError::TooEarly(text.to_owned()));
    }
    if !(1..=12).contains(&month) {
        return Err(DateError::NoSuchMonth {
            text: text.to_owned(),
            month,
        });
    }
    // 1 to 12: fits an i8.
    let month_i8 = month as i8;
    let first = Date::new(year, month_i8, 1).map_err(|_| syntax())?;
    let days = first.days_in_month();
    if day == 0 || day > days as u32 {
        return Err(DateError::NoSuchDay {
            text: text.to_owned(),
            month: MONTHS[(month - 1) as usize],
            year,
            days,
        });
    }
    Date::new(year, month_i8, day as i8).map_err(|_| syntax())
}

/// Whether `date` is one the calendars know.
fn in_range(date: Date) -> Result<Date, OutOfRange> {
    if date.year() < FIRST_YEAR {
        Err(OutOfRange)
    } else {
        Ok(date)
    }
}

/// `date` plus `days` days (negative: back).
pub(crate) fn add_days(date: Date, days: i64) -> Result<Date, OutOfRange> {
    date.checked_add(jiff::Span::new().try_days(days).map_err(|_| OutOfRange)?)
        .map_err(|_| OutOfRange)
        .and_then(in_range)
}

/// The day after `date`.
pub(crate) fn next_day(date: Date) -> Result<Date, OutOfRange> {
    date.tomorrow().map_err(|_| OutOfRange)
}

/// Days from `a` to `b` (negative when `b` is before `a`).
pub(crate) fn days_from(a: Date, b: Date) -> i64 {
    b.duration_since(a).as_secs().div_euclid(86_400)
}

/// A date as `2026-05-05 (Tuesday)`, for test messages.
#[cfg(test)]
pub(crate) struct WithWeekday(pub Date);

#[cfg(test)]
impl std::fmt::Display for WithWeekday {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?})", self.0, self.0.weekday())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_dates() {
        let d = parse_date("2026-05-05").unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2026, 5, 5));
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert_eq!(parse_date("9999-12-31").unwrap(), Date::MAX);
    }

    #[test]
    fn a_date_that_does_not_exist_says_so() {
        let err = parse_date("2026-02-30").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the date `2026-02-30` does not exist: February 2026 has 28 days"
        );
        assert_eq!(
            parse_date("2025-02-29").unwrap_err().to_string(),
            "the date `2025-02-29` does not exist: February 2025 has 28 days"
        );
        assert_eq!(
            parse_date("2026-04-31").unwrap_err().to_string(),
            "the date `2026-04-31` does not exist: April 2026 has 30 days"
        );
        assert_eq!(
            parse_date("2026-13-01").unwrap_err().to_string(),
            "the date `2026-13-01` does not exist: there is no month 13; months run from 01 to 12"
        );
        assert!(matches!(
            parse_date("2026-00-10"),
            Err(DateError::NoSuchMonth { month: 0, .. })
        ));
        assert!(matches!(
            parse_date("2026-01-00"),
            Err(DateError::NoSuchDay { days: 31, .. })
        ));
        assert_eq!(
            parse_date("1500-01-01"),
            Err(DateError::TooEarly("1500-01-01".into()))
        );
    }

    #[test]
    fn other_text_is_no_date() {
        for text in [
            "",
            "2026-5-5",
            "05-05-2026",
            "2026/05/05",
            "2026-05-05T10:00",
            " 2026-05-05",
            "+2026-05-05",
            "2026-0a-05",
            "２０２６-05-05",
        ] {
            assert!(
                matches!(parse_date(text), Err(DateError::Syntax(_))),
                "{text:?}"
            );
        }
        let long = "9".repeat(400);
        assert_eq!(
            parse_date(&long).unwrap_err().to_string(),
            format!(
                "`{}…` is not a date; write it as YYYY-MM-DD, such as 2026-05-05",
                "9".repeat(23)
            )
        );
    }

    #[test]
    fn day_arithmetic() {
        let a = parse_date("2026-12-30").unwrap();
        let b = add_days(a, 3).unwrap();
        assert_eq!(b.to_string(), "2027-01-02");
        assert_eq!(days_from(a, b), 3);
        assert_eq!(days_from(b, a), -3);
        assert_eq!(add_days(Date::MAX, 1), Err(OutOfRange));
        assert_eq!(
            add_days(parse_date("1583-01-01").unwrap(), -1),
            Err(OutOfRange)
        );
        assert_eq!(next_day(Date::MAX), Err(OutOfRange));
        assert_eq!(WithWeekday(a).to_string(), "2026-12-30 (Wednesday)");
    }
}
