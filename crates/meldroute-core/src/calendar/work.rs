//! An actor's working days: the days on which its handlers work, from a
//! base (the Rijk's weekdays and cao days off, every weekday, or every day),
//! with the working weekdays, extra days off and extra working days an
//! actor's `calendar:` gives ([`CalendarSpec`]). Policy and cao, not law:
//! legal terms run on the Algemene termijnenwet's calendar
//! ([`super::legal_rest_day`]).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use super::{Date, DateError, Holiday, OutOfRange, next_day, parse_date};
use crate::located::Located;
use crate::source::Pos;

/// The days off of the Cao Rijk on top of the weekend: the one home of that
/// list. The public holidays that are no Sunday, Good Friday and
/// Bevrijdingsdag (5 May) every year included; no Rijk-wide bridge days
/// (blokdagen) since 2015. docs/legal.md#cao-rijk says what was read and
/// how sure it is (the cao's own article was not found: **unverified**).
pub const RIJK_DAYS_OFF: &[Holiday] = &[
    Holiday::NewYearsDay,
    Holiday::GoodFriday,
    Holiday::EasterMonday,
    Holiday::KingsDay,
    Holiday::LiberationDay,
    Holiday::AscensionDay,
    Holiday::WhitMonday,
    Holiday::ChristmasDay,
    Holiday::SecondChristmasDay,
];

/// A day of the week as a calendar file writes it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Weekday {
    /// Every day of the week, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// The name as written in files: `mon`.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// The day of the week of `date`.
    pub fn of(date: Date) -> Weekday {
        // 0 (Monday) to 6 (Sunday).
        Weekday::ALL[date.weekday().to_monday_zero_offset() as usize]
    }
}

/// What a calendar starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Base {
    /// Monday to Friday, without the Cao Rijk's days off ([`RIJK_DAYS_OFF`]):
    /// [`WorkCalendar::rijk`]. The default.
    #[default]
    Rijk,
    /// Monday to Friday, no days off: [`WorkCalendar::weekdays`].
    Weekdays,
    /// Every day: [`WorkCalendar::all_days`].
    All,
}

/// The working days of an actor: the days on which its handlers do work
/// that is measured in working days. Always has at least one working day
/// of the week, so work on it always finishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    /// Working days of the week, Monday first.
    weekdays: [bool; 7],
    /// The holidays that are days off, by `Holiday as usize`.
    holidays: [bool; Holiday::ALL.len()],
    /// Extra days off, sorted.
    days_off: Vec<Date>,
    /// Days that are working days whatever else holds, sorted.
    working: Vec<Date>,
}

impl WorkCalendar {
    /// The Rijk: Monday to Friday, without the Cao Rijk's days off
    /// ([`RIJK_DAYS_OFF`]), computed per year (Easter-based days, King's
    /// Day on Saturday 26 April when the 27th is a Sunday).
    ///
    /// 2026 has 253 working days at the Rijk: 261 weekdays less New Year's
    /// Day, Good Friday, Easter Monday, King's Day, Bevrijdingsdag,
    /// Ascension Day, Whit Monday and Christmas Day (the Second Day of
    /// Christmas is a Saturday).
    pub fn rijk() -> WorkCalendar {
        WorkCalendar::base(Base::Rijk)
    }

    /// Monday to Friday, no days off.
    pub fn weekdays() -> WorkCalendar {
        WorkCalendar::base(Base::Weekdays)
    }

    /// Every day of the year.
    pub fn all_days() -> WorkCalendar {
        WorkCalendar::base(Base::All)
    }

    fn base(base: Base) -> WorkCalendar {
        let mut holidays = [false; Holiday::ALL.len()];
        if base == Base::Rijk {
            for &h in RIJK_DAYS_OFF {
                holidays[h as usize] = true;
            }
        }
        let weekend = base == Base::All;
        WorkCalendar {
            weekdays: [true, true, true, true, true, weekend, weekend],
            holidays,
            days_off: Vec::new(),
            working: Vec::new(),
        }
    }

    /// Whether work is done on `date`.
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.working.binary_search(&date).is_ok() {
            return true;
        }
        if !self.weekdays[Weekday::of(date) as usize] || self.days_off.binary_search(&date).is_ok()
        {
            return false;
        }
        if self.holidays.iter().any(|&off| off)
            && let Some(holiday) = Holiday::on(date)
        {
            return !self.holidays[holiday as usize];
        }
        true
    }

    /// The `n`-th working day after `date` (`date` itself when `n` is 0):
    /// two working days after Thursday 30 April 2026 at the Rijk is Monday
    /// 4 May.
    pub fn add_working_days(&self, date: Date, n: u32) -> Result<Date, OutOfRange> {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = next_day(day)?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// The working days after `a` up to and including `b` (0 when `b` is
    /// not after `a`): `working_days_between(a, add_working_days(a, n)) == n`.
    pub fn working_days_between(&self, a: Date, b: Date) -> u32 {
        let mut count = 0;
        let mut day = a;
        while day < b {
            let Ok(next) = next_day(day) else { break };
            day = next;
            count += u32::from(self.is_working_day(day));
        }
        count
    }
}

/// A date as a file writes it (`2026-12-24`), kept as text so that one that
/// does not exist is reported at its place by [`CalendarSpec::check`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct DateText(pub String);

impl DateText {
    /// The date it names.
    pub fn date(&self) -> Result<Date, DateError> {
        parse_date(&self.0)
    }
}

impl JsonSchema for DateText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A date as YYYY-MM-DD (ISO 8601), from 1583 on.",
            "examples": ["2026-05-05"]
        })
    }
}

/// An actor's working days as a file gives them (the `calendar:` of an
/// actor); [`CalendarSpec::build`] makes the [`WorkCalendar`].
///
/// ```yaml
/// calendar:
///   base: rijk                       # rijk (default) | weekdays | all
///   weekdays: [mon, tue, wed, thu]   # replaces the base's working weekdays
///   days-off: [2026-12-24, 2026-12-31]
///   working: [2026-05-05]            # working days after all
/// ```
#[derive(Clone, Debug, Default, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CalendarSpec {
    /// What the calendar starts from: `rijk` (Monday to Friday without the
    /// Cao Rijk's days off; the default), `weekdays` (Monday to Friday, no
    /// days off) or `all` (every day).
    #[serde(default)]
    pub base: Base,
    /// The working days of the week, replacing the base's (its holidays
    /// stay days off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekdays: Option<Located<Vec<Located<Weekday>>>>,
    /// Extra days off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub days_off: Vec<Located<DateText>>,
    /// Days that are working days after all, whatever the base, the
    /// weekdays and the holidays say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub working: Vec<Located<DateText>>,
}

/// What is wrong with a [`CalendarSpec`], at its place in the file.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct SpecError {
    /// Where.
    pub pos: Pos,
    /// What.
    pub problem: SpecProblem,
}

impl SpecError {
    /// How to fix it.
    pub fn help(&self) -> &'static str {
        self.problem.help()
    }
}

/// What is wrong with a [`CalendarSpec`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecProblem {
    /// A date that does not read, or does not exist.
    #[error("{0}")]
    BadDate(DateError),
    /// A date twice in one list.
    #[error("{date} is listed twice in `{list}`")]
    DuplicateDate {
        /// The date.
        date: Date,
        /// `days-off` or `working`.
        list: &'static str,
    },
    /// A date both a day off and a working day.
    #[error("{0} is in both `days-off` and `working`")]
    DayOffAndWorking(Date),
    /// A day of the week twice in `weekdays`.
    #[error("`{day}` is listed twice in `weekdays`", day = .0.as_str())]
    DuplicateWeekday(Weekday),
    /// No working day of the week.
    #[error("the calendar has no working day of the week: work on it would never finish")]
    NoWorkingDay,
}

impl SpecProblem {
    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            SpecProblem::BadDate(_) => "write a date that exists, as YYYY-MM-DD (2026-05-05)",
            SpecProblem::DuplicateDate { .. } | SpecProblem::DuplicateWeekday(_) => {
                "remove one of the two"
            }
            SpecProblem::DayOffAndWorking(_) => {
                "keep it in one list: `days-off` makes it a day off, `working` a working day"
            }
            SpecProblem::NoWorkingDay => {
                "name at least one day in `weekdays`, or leave `weekdays` out to keep the base's"
            }
        }
    }
}

impl CalendarSpec {
    /// Every problem of the spec, each at its place, in file order within
    /// each key (`weekdays`, then `days-off`, then `working`).
    pub fn check(&self) -> Vec<SpecError> {
        self.parts().err().unwrap_or_default()
    }

    /// The working calendar the spec describes, or every problem it has.
    pub fn build(&self) -> Result<WorkCalendar, Vec<SpecError>> {
        let (weekdays, days_off, working) = self.parts()?;
        let mut calendar = WorkCalendar::base(self.base);
        if let Some(weekdays) = weekdays {
            calendar.weekdays = weekdays;
        }
        calendar.days_off = days_off;
        calendar.working = working;
        Ok(calendar)
    }

    /// The weekdays (when given), the days off and the working days, or the
    /// problems.
    #[allow(clippy::type_complexity)]
    fn parts(&self) -> Result<(Option<[bool; 7]>, Vec<Date>, Vec<Date>), Vec<SpecError>> {
        let mut errors = Vec::new();
        let weekdays = self.weekdays.as_ref().map(|list| {
            let mut days = [false; 7];
            for day in &list.value {
                if std::mem::replace(&mut days[day.value as usize], true) {
                    errors.push(SpecError {
                        pos: day.pos,
                        problem: SpecProblem::DuplicateWeekday(day.value),
                    });
                }
            }
            if !days.iter().any(|&d| d) {
                errors.push(SpecError {
                    pos: list.pos,
                    problem: SpecProblem::NoWorkingDay,
                });
            }
            days
        });
        let days_off = dates(&self.days_off, "days-off", &mut errors);
        let working = dates(&self.working, "working", &mut errors);
        for text in &self.working {
            if let Ok(date) = text.value.date()
                && days_off.binary_search(&date).is_ok()
            {
                errors.push(SpecError {
                    pos: text.pos,
                    problem: SpecProblem::DayOffAndWorking(date),
                });
            }
        }
        if errors.is_empty() {
            Ok((weekdays, days_off, working))
        } else {
            Err(errors)
        }
    }
}

/// The dates of a list, sorted, with the problems of its entries.
fn dates(list: &[Located<DateText>], name: &'static str, errors: &mut Vec<SpecError>) -> Vec<Date> {
    let mut seen: Vec<Date> = Vec::with_capacity(list.len());
    for text in list {
        match text.value.date() {
            Ok(date) => match seen.binary_search(&date) {
                Ok(_) => errors.push(SpecError {
                    pos: text.pos,
                    problem: SpecProblem::DuplicateDate { date, list: name },
                }),
                Err(at) => seen.insert(at, date),
            },
            Err(err) => errors.push(SpecError {
                pos: text.pos,
                problem: SpecProblem::BadDate(err),
            }),
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::add_days;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn spec(yaml: &str) -> CalendarSpec {
        serde_saphyr::from_str(yaml).unwrap()
    }

    /// The Rijk's working days in 2026, counted by hand: 1 January 2026 is
    /// a Thursday and the year has 365 = 52 x 7 + 1 days, so 52 x 5 + 1 =
    /// 261 weekdays. Days off on weekdays: Thursday 1 January, Friday
    /// 3 April (Good Friday), Monday 6 April (Easter Monday), Monday
    /// 27 April (King's Day), Tuesday 5 May (Bevrijdingsdag), Thursday
    /// 14 May (Ascension Day), Monday 25 May (Whit Monday), Friday
    /// 25 December; 26 December is a Saturday. 261 - 8 = 253.
    #[test]
    fn the_rijk_works_253_days_in_2026() {
        let rijk = WorkCalendar::rijk();
        assert_eq!(
            rijk.working_days_between(d("2025-12-31"), d("2026-12-31")),
            253
        );
        let weekdays = WorkCalendar::weekdays();
        assert_eq!(
            weekdays.working_days_between(d("2025-12-31"), d("2026-12-31")),
            261
        );
        let all = WorkCalendar::all_days();
        assert_eq!(
            all.working_days_between(d("2025-12-31"), d("2026-12-31")),
            365
        );
        // The legal calendar differs: 2 January and 15 May 2026 are rest days
        // for legal terms (designated by decree), working days at the Rijk.
        for date in ["2026-01-02", "2026-05-15"] {
            assert!(rijk.is_working_day(d(date)));
            assert!(crate::calendar::legal_rest_day(d(date)).is_some());
        }
    }

    #[test]
    fn rijk_days_off() {
        let rijk = WorkCalendar::rijk();
        for date in [
            "2026-04-03",
            "2026-04-27",
            "2026-05-05",
            "2026-05-14",
            "2026-12-25",
        ] {
            assert!(!rijk.is_working_day(d(date)), "{date}");
        }
        // Bevrijdingsdag every year, not only in lustrum years: Wednesday 5 May 2027.
        assert!(!rijk.is_working_day(d("2027-05-05")));
        assert!(rijk.is_working_day(d("2026-05-06")));
        assert!(!rijk.is_working_day(d("2026-05-09")), "a Saturday");
        // 2025: King's Day is Saturday 26 April; Monday 28 April is a working day.
        assert!(rijk.is_working_day(d("2025-04-28")));
    }

    #[test]
    fn adding_working_days() {
        let rijk = WorkCalendar::rijk();
        // Thursday 30 April 2026: Friday 1 May is a working day, 2 and 3 May
        // are the weekend, Monday 4 May is the second, Tuesday 5 May is
        // Bevrijdingsdag, Wednesday 6 May the third.
        assert_eq!(
            rijk.add_working_days(d("2026-04-30"), 0),
            Ok(d("2026-04-30"))
        );
        assert_eq!(
            rijk.add_working_days(d("2026-04-30"), 1),
            Ok(d("2026-05-01"))
        );
        assert_eq!(
            rijk.add_working_days(d("2026-04-30"), 2),
            Ok(d("2026-05-04"))
        );
        assert_eq!(
            rijk.add_working_days(d("2026-04-30"), 3),
            Ok(d("2026-05-06"))
        );
        // From a Saturday, the first working day is the Monday.
        assert_eq!(
            rijk.add_working_days(d("2026-03-14"), 1),
            Ok(d("2026-03-16"))
        );
        assert_eq!(
            rijk.working_days_between(d("2026-04-30"), d("2026-05-06")),
            3
        );
        assert_eq!(
            rijk.working_days_between(d("2026-05-06"), d("2026-04-30")),
            0
        );
        assert_eq!(rijk.add_working_days(d("9999-12-30"), 5), Err(OutOfRange));
        for n in [0, 1, 7, 30, 253, 1000] {
            let end = rijk.add_working_days(d("2026-01-09"), n).unwrap();
            assert_eq!(rijk.working_days_between(d("2026-01-09"), end), n);
            assert!(n == 0 || rijk.is_working_day(end));
        }
    }

    #[test]
    fn a_spec_builds_its_calendar() {
        let cal = spec(
            "base: rijk\nweekdays: [mon, tue, wed, thu]\ndays-off: [2026-12-24, 2026-12-31]\nworking: [2026-05-05]\n",
        )
        .build()
        .unwrap();
        assert!(
            !cal.is_working_day(d("2026-05-08")),
            "a Friday, not a working weekday"
        );
        assert!(cal.is_working_day(d("2026-05-05")), "working after all");
        assert!(!cal.is_working_day(d("2026-12-24")), "a day off");
        assert!(cal.is_working_day(d("2026-12-23")));
        assert!(
            !cal.is_working_day(d("2026-05-14")),
            "Ascension Day stays off"
        );
        assert_eq!(
            CalendarSpec::default().build().unwrap(),
            WorkCalendar::rijk()
        );
        assert_eq!(
            spec("base: weekdays\n").build().unwrap(),
            WorkCalendar::weekdays()
        );
        let all = spec("base: all\n").build().unwrap();
        assert_eq!(all, WorkCalendar::all_days());
        assert!(all.is_working_day(d("2026-12-25")));
        let weekend = spec("base: weekdays\nweekdays: [sat, sun]\n")
            .build()
            .unwrap();
        assert!(
            weekend.is_working_day(d("2026-03-14")) && !weekend.is_working_day(d("2026-03-16"))
        );
    }

    #[test]
    fn spec_problems_are_reported_at_their_place() {
        let yaml = "weekdays: [mon, mon]\ndays-off: [2026-02-30, 2026-12-24, 2026-12-24]\nworking: [2026-12-24, 26-05-05]\n";
        let errors = spec(yaml).check();
        let shown: Vec<_> = errors
            .iter()
            .map(|e| (e.pos.line, e.pos.column, e.to_string()))
            .collect();
        assert_eq!(
            shown,
            [
                (1, 17, "`mon` is listed twice in `weekdays`".to_owned()),
                (
                    2,
                    12,
                    "the date `2026-02-30` does not exist: February 2026 has 28 days".to_owned()
                ),
                (2, 36, "2026-12-24 is listed twice in `days-off`".to_owned()),
                (
                    3,
                    23,
                    "`26-05-05` is not a date; write it as YYYY-MM-DD, such as 2026-05-05"
                        .to_owned()
                ),
                (
                    3,
                    11,
                    "2026-12-24 is in both `days-off` and `working`".to_owned()
                ),
            ]
        );
        assert_eq!(
            errors[1].help(),
            "write a date that exists, as YYYY-MM-DD (2026-05-05)"
        );
        assert_eq!(spec(yaml).build().unwrap_err(), errors);
    }

    #[test]
    fn a_calendar_without_working_days_is_refused() {
        let errors = spec("base: all\nweekdays: []\n").build().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].problem, SpecProblem::NoWorkingDay);
        assert_eq!((errors[0].pos.line, errors[0].pos.column), (2, 11));
        // Working days on dates alone do not make a calendar that works on.
        assert!(
            spec("weekdays: []\nworking: [2026-05-05]\n")
                .build()
                .is_err()
        );
    }

    #[test]
    fn unknown_keys_and_weekdays_are_refused_by_the_parser() {
        assert!(serde_saphyr::from_str::<CalendarSpec>("holidays: []\n").is_err());
        assert!(serde_saphyr::from_str::<CalendarSpec>("weekdays: [monday]\n").is_err());
        assert!(serde_saphyr::from_str::<CalendarSpec>("base: cao-gemeenten\n").is_err());
    }

    #[test]
    fn the_spec_has_a_json_schema() {
        let schema = serde_json::to_value(schemars::schema_for!(CalendarSpec)).unwrap();
        let props = &schema["properties"];
        assert_eq!(schema["additionalProperties"], false);
        for key in ["base", "weekdays", "days-off", "working"] {
            assert!(props.get(key).is_some(), "{key}");
        }
        let text = schema.to_string();
        assert!(text.contains(r#""format":"date""#), "{text}");
        assert!(
            text.contains(r#""mon""#) && text.contains(r#""rijk""#),
            "{text}"
        );
    }

    #[test]
    fn weekday_of_a_date() {
        let start = d("2026-03-09"); // a Monday
        for (i, day) in Weekday::ALL.iter().enumerate() {
            assert_eq!(Weekday::of(add_days(start, i as i64).unwrap()), *day);
        }
        assert_eq!(Weekday::Thu.as_str(), "thu");
    }
}
