//! The named days both calendars read: the Dutch public holidays that are
//! not Sundays, each with its date in a given year (fixed, Easter-based,
//! or the day the King's birthday is celebrated), and Easter Sunday.
//!
//! Which of them count is each calendar's own business: the Algemene
//! termijnenwet lists them for legal terms (`legal`), a cao lists the ones
//! that are days off (`work`). Easter Sunday and Whit Sunday are always
//! Sundays and are named by neither.

use super::Date;

/// Easter Sunday of `year` in the Gregorian calendar, from 1583 (the first
/// whole Gregorian year) to 9999; `None` outside those years.
///
/// Computed by the [`computus`] crate with the anonymous Gregorian
/// algorithm (Meeus/Jones/Butcher; J. Meeus, *Astronomical Algorithms*,
/// 1991, ch. 8). The tests check it against the published dates of a range
/// of years.
pub fn easter_sunday(year: i16) -> Option<Date> {
    let easter = computus::gregorian(i32::from(year)).ok()?;
    // Easter falls on 22 March to 25 April: month and day fit an i8.
    Date::new(year, easter.month as i8, easter.day as i8).ok()
}

/// A public holiday that is not always a Sunday, in calendar order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Holiday {
    /// Nieuwjaarsdag, 1 January.
    NewYearsDay,
    /// Goede Vrijdag, two days before Easter Sunday.
    GoodFriday,
    /// Tweede Paasdag, the day after Easter Sunday.
    EasterMonday,
    /// Koningsdag: 27 April, or Saturday 26 April when the 27th is a
    /// Sunday (from 2014); before, Koninginnedag on 30 April, or Saturday
    /// 29 April when the 30th was a Sunday (1980-2013), or Monday 1 May
    /// (1949-1979). No date before 1949.
    KingsDay,
    /// Bevrijdingsdag, 5 May.
    LiberationDay,
    /// Hemelvaartsdag, 39 days after Easter Sunday (a Thursday).
    AscensionDay,
    /// Tweede Pinksterdag, 50 days after Easter Sunday.
    WhitMonday,
    /// Eerste Kerstdag, 25 December.
    ChristmasDay,
    /// Tweede Kerstdag, 26 December.
    SecondChristmasDay,
}

impl Holiday {
    /// Every holiday, in calendar order.
    pub const ALL: [Holiday; 9] = [
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

    /// The Dutch name, as the law and the cao write it.
    pub fn dutch_name(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "Nieuwjaarsdag",
            Holiday::GoodFriday => "Goede Vrijdag",
            Holiday::EasterMonday => "Tweede Paasdag",
            Holiday::KingsDay => "Koningsdag",
            Holiday::LiberationDay => "Bevrijdingsdag",
            Holiday::AscensionDay => "Hemelvaartsdag",
            Holiday::WhitMonday => "Tweede Pinksterdag",
            Holiday::ChristmasDay => "Eerste Kerstdag",
            Holiday::SecondChristmasDay => "Tweede Kerstdag",
        }
    }

    /// The English name.
    pub fn english_name(self) -> &'static str {
        match self {
            Holiday::NewYearsDay => "New Year's Day",
            Holiday::GoodFriday => "Good Friday",
            Holiday::EasterMonday => "Easter Monday",
            Holiday::KingsDay => "King's Day",
            Holiday::LiberationDay => "Liberation Day",
            Holiday::AscensionDay => "Ascension Day",
            Holiday::WhitMonday => "Whit Monday",
            Holiday::ChristmasDay => "Christmas Day",
            Holiday::SecondChristmasDay => "Second Day of Christmas",
        }
    }

    /// Days after Easter Sunday, for the Easter-based days.
    fn easter_offset(self) -> Option<i16> {
        match self {
            Holiday::GoodFriday => Some(-2),
            Holiday::EasterMonday => Some(1),
            Holiday::AscensionDay => Some(39),
            Holiday::WhitMonday => Some(50),
            _ => None,
        }
    }

    /// The date of the holiday in `year`; `None` where it has none (an
    /// Easter-based day outside 1583-9999, King's Day before 1949).
    pub fn date(self, year: i16) -> Option<Date> {
        let fixed = |month, day| Date::new(year, month, day).ok();
        match self {
            Holiday::NewYearsDay => fixed(1, 1),
            Holiday::LiberationDay => fixed(5, 5),
            Holiday::ChristmasDay => fixed(12, 25),
            Holiday::SecondChristmasDay => fixed(12, 26),
            Holiday::KingsDay => kings_day(year),
            easter_based => {
                let offset = easter_based.easter_offset()?;
                super::add_days(easter_sunday(year)?, i64::from(offset)).ok()
            }
        }
    }

    /// The holiday `date` is, if any. Where two fall on one day (Ascension
    /// Day on 5 May, as in 2016), the first in calendar order.
    pub fn on(date: Date) -> Option<Holiday> {
        let (year, month, day) = (date.year(), date.month(), date.day());
        match (month, day) {
            (1, 1) => return Some(Holiday::NewYearsDay),
            (12, 25) => return Some(Holiday::ChristmasDay),
            (12, 26) => return Some(Holiday::SecondChristmasDay),
            _ => {}
        }
        if (3..=6).contains(&month)
            && let Some(easter) = easter_sunday(year)
        {
            let offset = date.day_of_year() - easter.day_of_year();
            // Ascension Day on 5 May comes before Liberation Day; Easter
            // Monday (26 April at the latest) never falls on King's Day.
            let easter_based = [
                Holiday::GoodFriday,
                Holiday::EasterMonday,
                Holiday::AscensionDay,
                Holiday::WhitMonday,
            ];
            if let Some(&holiday) = easter_based
                .iter()
                .find(|h| h.easter_offset() == Some(offset))
            {
                return Some(holiday);
            }
        }
        if (4..=5).contains(&month) && kings_day(year) == Some(date) {
            return Some(Holiday::KingsDay);
        }
        ((month, day) == (5, 5)).then_some(Holiday::LiberationDay)
    }
}

/// The day the monarch's birthday is celebrated in `year`: 27 April from
/// 2014 (Besluit van 30 januari 2013, BWBR0032908: "behoudens uitzonderingen
/// in verband met zondagen"; when the 27th is a Sunday, the Saturday
/// before), 30 April from 1980 (Besluit van 24 april 1980, BWBR0031338; the
/// Saturday before when a Sunday), 30 April from 1949 (the Monday after when
/// a Sunday). docs/legal.md says how sure each is.
fn kings_day(year: i16) -> Option<Date> {
    let (day, sunday_shift) = match year {
        2014.. => (27, -1),
        1980..=2013 => (30, -1),
        1949..=1979 => (30, 1),
        _ => return None,
    };
    let date = Date::new(year, 4, day).ok()?;
    if date.weekday() == jiff::civil::Weekday::Sunday {
        super::add_days(date, sunday_shift).ok()
    } else {
        Some(date)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_date;

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    /// Easter Sunday as published (the tables of the Gregorian Easter,
    /// e.g. the US Naval Observatory's list of Easter dates 1583-4099),
    /// including both extremes: 22 March (1818, 2285) and 25 April (1943,
    /// 2038).
    #[test]
    fn easter_sunday_on_known_dates() {
        let known = [
            (1583, "1583-04-10"),
            (1818, "1818-03-22"),
            (1900, "1900-04-15"),
            (1943, "1943-04-25"),
            (1961, "1961-04-02"),
            (2000, "2000-04-23"),
            (2008, "2008-03-23"),
            (2011, "2011-04-24"),
            (2016, "2016-03-27"),
            (2019, "2019-04-21"),
            (2020, "2020-04-12"),
            (2021, "2021-04-04"),
            (2022, "2022-04-17"),
            (2023, "2023-04-09"),
            (2024, "2024-03-31"),
            (2025, "2025-04-20"),
            (2026, "2026-04-05"),
            (2027, "2027-03-28"),
            (2028, "2028-04-16"),
            (2029, "2029-04-01"),
            (2030, "2030-04-21"),
            (2038, "2038-04-25"),
            (2285, "2285-03-22"),
        ];
        for (year, date) in known {
            assert_eq!(easter_sunday(year), Some(d(date)), "{year}");
        }
        assert_eq!(easter_sunday(1582), None);
        assert_eq!(easter_sunday(-5), None);
    }

    /// Over a long range: always a Sunday, from 22 March to 25 April.
    #[test]
    fn easter_is_a_sunday_between_22_march_and_25_april() {
        for year in 1583..=4099 {
            let easter = easter_sunday(year).unwrap();
            assert_eq!(easter.weekday(), jiff::civil::Weekday::Sunday, "{year}");
            let (m, day) = (easter.month(), easter.day());
            assert!((m == 3 && day >= 22) || (m == 4 && day <= 25), "{easter}");
        }
    }

    #[test]
    fn the_holidays_of_2026() {
        // Easter 2026 is 5 April: Good Friday 3 April, Easter Monday
        // 6 April, Ascension 5 + 39 days = 14 May, Whit Monday 25 May.
        // 27 April 2026 is a Monday, so King's Day is that day.
        let expected = [
            (Holiday::NewYearsDay, "2026-01-01"),
            (Holiday::GoodFriday, "2026-04-03"),
            (Holiday::EasterMonday, "2026-04-06"),
            (Holiday::KingsDay, "2026-04-27"),
            (Holiday::LiberationDay, "2026-05-05"),
            (Holiday::AscensionDay, "2026-05-14"),
            (Holiday::WhitMonday, "2026-05-25"),
            (Holiday::ChristmasDay, "2026-12-25"),
            (Holiday::SecondChristmasDay, "2026-12-26"),
        ];
        for (holiday, date) in expected {
            assert_eq!(holiday.date(2026), Some(d(date)), "{holiday:?}");
            assert_eq!(Holiday::on(d(date)), Some(holiday), "{date}");
        }
        let named: Vec<_> = Holiday::ALL.iter().map(|h| h.date(2026)).collect();
        let count = (0..365)
            .filter_map(|i| crate::calendar::add_days(d("2026-01-01"), i).ok())
            .filter(|day| Holiday::on(*day).is_some())
            .count();
        assert_eq!(count, named.len());
        assert_eq!(
            Holiday::on(d("2026-04-05")),
            None,
            "Easter Sunday is named by neither"
        );
        assert_eq!(Holiday::on(d("2026-04-28")), None);
    }

    #[test]
    fn kings_day_moves_to_saturday_when_the_27th_is_a_sunday() {
        // 27 April is a Sunday in 2014, 2025 and 2031.
        for (year, date) in [
            (2014, "2014-04-26"),
            (2025, "2025-04-26"),
            (2031, "2031-04-26"),
        ] {
            assert_eq!(
                d(&format!("{year}-04-27")).weekday(),
                jiff::civil::Weekday::Sunday
            );
            assert_eq!(Holiday::KingsDay.date(year), Some(d(date)));
            assert_eq!(Holiday::on(d(date)), Some(Holiday::KingsDay));
            assert_eq!(Holiday::on(d(&format!("{year}-04-27"))), None);
        }
        assert_eq!(Holiday::KingsDay.date(2027), Some(d("2027-04-27")));
        // Koninginnedag: 30 April 2006 was a Sunday, celebrated on the 29th;
        // 30 April 1978 was a Sunday, celebrated on Monday 1 May.
        assert_eq!(Holiday::KingsDay.date(2006), Some(d("2006-04-29")));
        assert_eq!(Holiday::KingsDay.date(2013), Some(d("2013-04-30")));
        assert_eq!(Holiday::KingsDay.date(1978), Some(d("1978-05-01")));
        assert_eq!(Holiday::on(d("1978-05-01")), Some(Holiday::KingsDay));
        assert_eq!(Holiday::KingsDay.date(1948), None);
    }

    #[test]
    fn ascension_on_liberation_day() {
        // Easter 2016 was 27 March; 39 days later is Thursday 5 May.
        assert_eq!(Holiday::AscensionDay.date(2016), Some(d("2016-05-05")));
        assert_eq!(Holiday::on(d("2016-05-05")), Some(Holiday::AscensionDay));
    }

    #[test]
    fn names() {
        assert_eq!(Holiday::KingsDay.dutch_name(), "Koningsdag");
        assert_eq!(Holiday::WhitMonday.english_name(), "Whit Monday");
        for h in Holiday::ALL {
            assert!(!h.dutch_name().is_empty() && !h.english_name().is_empty());
        }
    }
}
