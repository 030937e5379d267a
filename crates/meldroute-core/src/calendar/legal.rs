//! The calendar of the law: the Algemene termijnenwet (Atw, BWBR0002448),
//! which extends a statutory term that ends on a Saturday, a Sunday or a
//! recognised holiday (art. 1), makes a term of three days or more hold two
//! days that are none of these (art. 2), names the holidays (art. 3: the
//! holidays of its first paragraph, Good Friday by its second, days
//! designated by decree under its third: [`DECREES`]) and says which terms
//! it leaves alone (art. 4). docs/legal.md quotes each article and says how
//! sure the text is.
//!
//! This is law, the same for every actor; an actor's working days are
//! another calendar ([`super::WorkCalendar`]).

use std::fmt;

use super::{Date, Holiday, OutOfRange, add_days, next_day};

/// A royal decree under Atw art. 3(3) that designates days as equal to the
/// holidays of art. 3(1).
#[derive(Debug, PartialEq, Eq)]
pub struct Decree {
    /// Its title.
    pub title: &'static str,
    /// Where it is published.
    pub published: &'static str,
    /// The years it designates days in.
    pub years: (i16, i16),
    /// The designated days, in date order.
    pub days: &'static [Date],
}

use jiff::civil::date;

/// The decrees under Atw art. 3(3) that meldroute knows, in date order.
/// Each covers three years; no decree for 2020-2022 was found (so no day
/// in those years is designated here), and none after 2028 exists yet
/// ([`designations_known`] says for which years the list is complete).
pub const DECREES: &[Decree] = &[
    Decree {
        title: "Besluit van 24 oktober 2016, houdende gelijkstelling van 28 april en 26 mei 2017, \
                11 mei en 24 en 31 december 2018 en 31 mei en 27 december 2019 met een algemeen \
                erkende feestdag",
        published: "https://wetten.overheid.nl/BWBR0038666",
        years: (2017, 2019),
        days: &[
            date(2017, 4, 28),
            date(2017, 5, 26),
            date(2018, 5, 11),
            date(2018, 12, 24),
            date(2018, 12, 31),
            date(2019, 5, 31),
            date(2019, 12, 27),
        ],
    },
    Decree {
        title: "Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 \
                en 30 mei 2025 met een algemeen erkende feestdag",
        published: "Stcrt. 2022, 7812",
        years: (2023, 2025),
        days: &[
            date(2023, 4, 28),
            date(2023, 5, 19),
            date(2024, 5, 10),
            date(2024, 12, 27),
            date(2025, 5, 30),
        ],
    },
    Decree {
        title: "Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en \
                26 mei 2028 met een algemeen erkende feestdag",
        published: "Stcrt. 2025, 24713",
        years: (2026, 2028),
        days: &[
            date(2026, 1, 2),
            date(2026, 5, 15),
            date(2027, 5, 7),
            date(2028, 4, 28),
            date(2028, 5, 26),
        ],
    },
];

/// Whether [`DECREES`] holds every day designated under Atw art. 3(3) in
/// `year`: true for 2017-2019 and 2023-2028. For other years a term that
/// ends on a designated day is not extended here; a caller can say so.
pub fn designations_known(year: i16) -> bool {
    DECREES
        .iter()
        .any(|decree| (decree.years.0..=decree.years.1).contains(&year))
}

/// A day on which a statutory term does not end (Atw art. 1(1)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestDay {
    /// A Saturday that is no holiday.
    Saturday,
    /// A Sunday that is no holiday.
    Sunday,
    /// A holiday of art. 3(1), or Good Friday (art. 3(2)).
    Holiday(Holiday),
    /// A day designated by decree (art. 3(3)).
    Designated(&'static Decree),
}

impl RestDay {
    /// The article of the Atw that makes the day a rest day.
    pub fn article(self) -> &'static str {
        match self {
            RestDay::Saturday | RestDay::Sunday => "Algemene termijnenwet art. 1(1)",
            RestDay::Holiday(Holiday::GoodFriday) => "Algemene termijnenwet art. 3(2)",
            RestDay::Holiday(_) => "Algemene termijnenwet art. 3(1)",
            RestDay::Designated(_) => "Algemene termijnenwet art. 3(3)",
        }
    }

    /// The English name: "Saturday", "King's Day", "a day designated by decree".
    pub fn english_name(self) -> &'static str {
        match self {
            RestDay::Saturday => "Saturday",
            RestDay::Sunday => "Sunday",
            RestDay::Holiday(h) => h.english_name(),
            RestDay::Designated(_) => "a day designated by decree",
        }
    }

    /// The Dutch name: "zaterdag", "Koningsdag", "gelijkgestelde dag".
    pub fn dutch_name(self) -> &'static str {
        match self {
            RestDay::Saturday => "zaterdag",
            RestDay::Sunday => "zondag",
            RestDay::Holiday(h) => h.dutch_name(),
            RestDay::Designated(_) => "gelijkgestelde dag",
        }
    }
}

impl fmt::Display for RestDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.english_name())
    }
}

/// Whether a statutory term can end on `date`, and if not, why: the
/// holiday it is (art. 3(1) and (2)), the decree that designates it
/// (art. 3(3)), or Saturday or Sunday (art. 1(1)), in that order, so that
/// Saturday 26 April 2025 is King's Day.
pub fn legal_rest_day(date: Date) -> Option<RestDay> {
    if let Some(holiday) = Holiday::on(date) {
        return Some(RestDay::Holiday(holiday));
    }
    if let Some(decree) = DECREES.iter().find(|decree| decree.days.contains(&date)) {
        return Some(RestDay::Designated(decree));
    }
    match date.weekday() {
        jiff::civil::Weekday::Saturday => Some(RestDay::Saturday),
        jiff::civil::Weekday::Sunday => Some(RestDay::Sunday),
        _ => None,
    }
}

/// Atw art. 1(1): the last day of a term that would end on `end`, extended
/// "tot en met de eerstvolgende dag die niet een zaterdag, zondag of
/// algemeen erkende feestdag is": `end` itself when it is no rest day.
pub fn extend_term(end: Date) -> Result<Date, OutOfRange> {
    let mut day = end;
    while legal_rest_day(day).is_some() {
        day = next_day(day)?;
    }
    Ok(day)
}

/// A statutory term counted forward from a day: N days, weeks or months.
/// (A term in years is outside the Atw, art. 4(a); so is a term of 12 or
/// more months, which gives the same end.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    /// N days.
    Days(u32),
    /// N weeks (7 N days).
    Weeks(u32),
    /// N calendar months.
    Months(u32),
}

/// Why the Atw does not apply to a term (art. 4(a)): it is "omschreven
/// [...] in meer dan 90 dagen, in meer dan twaalf weken, in meer dan drie
/// maanden" (or in hours or years, which [`Term`] cannot express).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Exclusion {
    /// More than 90 days.
    MoreThan90Days,
    /// More than twelve weeks.
    MoreThan12Weeks,
    /// More than three months.
    MoreThan3Months,
}

/// An article of the Atw that decided where a term ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Article {
    /// Art. 1(1): the term ended on a rest day and runs to the next day
    /// that is none.
    One,
    /// Art. 2: the term held fewer than two days that are no rest day and
    /// runs until it holds two.
    Two,
    /// Art. 4(a): the Atw does not apply to the term.
    FourA,
}

impl Article {
    /// The citation: "Algemene termijnenwet art. 1(1)".
    pub fn citation(self) -> &'static str {
        match self {
            Article::One => "Algemene termijnenwet art. 1(1)",
            Article::Two => "Algemene termijnenwet art. 2",
            Article::FourA => "Algemene termijnenwet art. 4(a)",
        }
    }
}

/// Where a statutory term ends, and which articles put it there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermEnd {
    /// The last day of the term, after the Atw: an act done on this day,
    /// up to its end, is in time.
    pub date: Date,
    /// The last day as counted, before the Atw.
    pub counted: Date,
    /// Art. 1(1): `counted` is this rest day, so the term runs on to the
    /// next day that is none.
    pub article_1: Option<RestDay>,
    /// Art. 2: after art. 1 the term would end on this day while holding
    /// fewer than two days that are no rest day, so it runs on until it
    /// holds two.
    pub article_2: Option<Date>,
    /// Art. 4(a): the Atw does not apply to the term, and `date` is
    /// `counted`.
    pub excluded: Option<Exclusion>,
}

impl TermEnd {
    /// The counted end and its rest day when art. 1(1) extended the term.
    pub fn extended_from(&self) -> Option<(Date, RestDay)> {
        self.article_1.map(|rest| (self.counted, rest))
    }

    /// The articles that decided the end, in order (none when the counted
    /// end stands because it is no rest day and art. 2 is met).
    pub fn articles(&self) -> impl Iterator<Item = Article> + use<> {
        [
            self.article_1.map(|_| Article::One),
            self.article_2.map(|_| Article::Two),
            self.excluded.map(|_| Article::FourA),
        ]
        .into_iter()
        .flatten()
    }
}

/// The end of a statutory term of `term` counted from `from`, under the
/// Algemene termijnenwet.
///
/// Counting: the term starts the day after `from` and a term of N days
/// ends at the end of `from` + N days (a week is 7 days). A term of N
/// months ends on the day of the N-th month after with the same number as
/// `from`, or on that month's last day when it has no such day: a month
/// from 31 January ends on 28 February (29 in a leap year), a month from
/// 31 March on 30 April. The Atw itself does not say how to count months;
/// this is the rule of Regulation (EEC, Euratom) No 1182/71 art. 3(2)(c),
/// which governs the terms of EU acts, and of Dutch practice
/// (docs/decisions/0017-calendars.md).
///
/// Then the Atw: a term of more than 90 days, 12 weeks or 3 months is left
/// as counted (art. 4(a)); otherwise a counted end on a rest day moves to
/// the next day that is none (art. 1(1)), and a term of three days or more
/// runs on until it holds two days that are no rest day (art. 2).
///
/// Only a term set by a statute (a *wet* or, by art. 5, an AMvB) is
/// extended so; whether a term is one is the caller's question. Terms
/// counted backwards (art. 1(2)) and the terms of art. 4(b) and (c) are not
/// what this counts.
pub fn term_end(from: Date, term: Term) -> Result<TermEnd, OutOfRange> {
    let (counted, days_at_least_3, excluded) = match term {
        Term::Days(n) => (
            add_days(from, i64::from(n))?,
            n >= 3,
            (n > 90).then_some(Exclusion::MoreThan90Days),
        ),
        Term::Weeks(n) => (
            add_days(from, 7 * i64::from(n))?,
            n >= 1,
            (n > 12).then_some(Exclusion::MoreThan12Weeks),
        ),
        Term::Months(n) => {
            let span = jiff::Span::new()
                .try_months(i64::from(n))
                .map_err(|_| OutOfRange)?;
            (
                from.checked_add(span).map_err(|_| OutOfRange)?,
                n >= 1,
                (n > 3).then_some(Exclusion::MoreThan3Months),
            )
        }
    };
    let mut end = TermEnd {
        date: counted,
        counted,
        article_1: None,
        article_2: None,
        excluded,
    };
    if excluded.is_some() {
        return Ok(end);
    }
    end.article_1 = legal_rest_day(counted);
    end.date = extend_term(counted)?;
    if days_at_least_3 {
        // Art. 2: two days of the term that are no rest day. The extended
        // end is one; look for another before it, then after it.
        let mut day = next_day(from)?;
        let mut found = 0;
        while day < end.date && found < 1 {
            if legal_rest_day(day).is_none() {
                found += 1;
            }
            day = next_day(day)?;
        }
        if found == 0 {
            end.article_2 = Some(end.date);
            end.date = extend_term(next_day(end.date)?)?;
        }
    }
    Ok(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WithWeekday, parse_date};

    fn d(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    fn end(from: &str, term: Term) -> TermEnd {
        term_end(d(from), term).unwrap()
    }

    /// A term ending on King's Day in a year when it falls on 26 April.
    #[test]
    fn a_term_ending_on_kings_day_on_26_april() {
        // 2025: 27 April is a Sunday, so King's Day is Saturday 26 April.
        // Four weeks from Saturday 29 March 2025 end on 26 April. It is a
        // rest day (King's Day, and a Saturday), Sunday 27 April is one, and
        // Monday 28 April is none: the term ends on Monday 28 April.
        assert_eq!(d("2025-04-26").weekday(), jiff::civil::Weekday::Saturday);
        let e = end("2025-03-29", Term::Weeks(4));
        assert_eq!(e.counted, d("2025-04-26"));
        assert_eq!(e.article_1, Some(RestDay::Holiday(Holiday::KingsDay)));
        assert_eq!(e.date, d("2025-04-28"), "{}", WithWeekday(e.date));
        assert_eq!(legal_rest_day(d("2025-04-27")), Some(RestDay::Sunday));
        assert_eq!(e.articles().collect::<Vec<_>>(), [Article::One]);
        assert_eq!(
            e.extended_from(),
            Some((d("2025-04-26"), RestDay::Holiday(Holiday::KingsDay)))
        );
    }

    /// A term ending on Easter Monday.
    #[test]
    fn a_term_ending_on_easter_monday() {
        // Easter 2026 is 5 April, so Easter Monday is 6 April. Six weeks
        // from Monday 23 February 2026 end on Monday 6 April; Tuesday
        // 7 April is no rest day: the term ends then.
        let e = end("2026-02-23", Term::Weeks(6));
        assert_eq!(e.counted, d("2026-04-06"));
        assert_eq!(e.article_1, Some(RestDay::Holiday(Holiday::EasterMonday)));
        assert_eq!(e.date, d("2026-04-07"));
        assert_eq!(
            e.article_1.unwrap().article(),
            "Algemene termijnenwet art. 3(1)"
        );
    }

    /// A term ending on Good Friday, which art. 3(2) equals to the holidays.
    #[test]
    fn a_term_ending_on_good_friday() {
        // Easter 2026 is 5 April, so Good Friday is 3 April. Ten days from
        // Tuesday 24 March 2026 end on Friday 3 April; Saturday 4 and
        // Sunday 5 April (Easter Sunday) and Monday 6 April (Easter Monday)
        // are rest days too: the term ends on Tuesday 7 April.
        let e = end("2026-03-24", Term::Days(10));
        assert_eq!(e.counted, d("2026-04-03"));
        assert_eq!(e.article_1, Some(RestDay::Holiday(Holiday::GoodFriday)));
        assert_eq!(
            e.article_1.unwrap().article(),
            "Algemene termijnenwet art. 3(2)"
        );
        assert_eq!(e.date, d("2026-04-07"));
    }

    /// A term ending on a Saturday.
    #[test]
    fn a_term_ending_on_a_saturday() {
        // Seven days from Saturday 7 March 2026 end on Saturday 14 March;
        // Sunday 15 is a rest day, Monday 16 March is none.
        let e = end("2026-03-07", Term::Days(7));
        assert_eq!(e.counted, d("2026-03-14"));
        assert_eq!(e.article_1, Some(RestDay::Saturday));
        assert_eq!(e.date, d("2026-03-16"));
        assert_eq!(
            e.article_1.unwrap().article(),
            "Algemene termijnenwet art. 1(1)"
        );
    }

    #[test]
    fn a_term_ending_on_a_working_day_stands() {
        // Three months from Wednesday 14 January 2026 end on Tuesday
        // 14 April 2026, no rest day.
        let e = end("2026-01-14", Term::Months(3));
        assert_eq!(e.date, d("2026-04-14"));
        assert_eq!(e.counted, e.date);
        assert_eq!(e.articles().count(), 0);
    }

    #[test]
    fn a_designated_day_is_a_rest_day() {
        // Ascension Day 2026 is Thursday 14 May; the decree of Stcrt. 2025,
        // 24713 designates Friday 15 May. Six weeks from Friday 3 April
        // 2026 end on 15 May, then Saturday 16 and Sunday 17: Monday 18 May.
        let e = end("2026-04-03", Term::Weeks(6));
        assert_eq!(e.counted, d("2026-05-15"));
        assert!(
            matches!(e.article_1, Some(RestDay::Designated(decree)) if decree.published == "Stcrt. 2025, 24713")
        );
        assert_eq!(e.date, d("2026-05-18"));
        assert_eq!(
            legal_rest_day(d("2026-01-02")).map(|r| r.article()),
            Some("Algemene termijnenwet art. 3(3)")
        );
        // 2017-2019 (verified on wetten.overheid.nl): Monday 24 December 2018,
        // before Christmas on a Tuesday.
        assert!(matches!(
            legal_rest_day(d("2018-12-24")),
            Some(RestDay::Designated(_))
        ));
        assert!(designations_known(2026) && designations_known(2018));
        assert!(!designations_known(2021) && !designations_known(2029));
    }

    #[test]
    fn every_designated_day_is_a_weekday_next_to_a_holiday() {
        for decree in DECREES {
            assert!(decree.days.windows(2).all(|w| w[0] < w[1]));
            for &day in decree.days {
                let year = day.year();
                assert!((decree.years.0..=decree.years.1).contains(&year));
                assert!(!matches!(
                    day.weekday(),
                    jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                ));
                let before = add_days(day, -1).unwrap();
                let after = add_days(day, 1).unwrap();
                assert!(
                    Holiday::on(before).is_some() || Holiday::on(after).is_some(),
                    "{day}"
                );
            }
        }
    }

    /// Art. 2 from a published example: the three days' bedenktijd of a
    /// house purchase (BW 7:2) from Wednesday 20 December 2017 end on
    /// Saturday 23 December; Sunday 24 and both Christmas days are rest
    /// days: Wednesday 27 December (staatsrechtpraktijk.nl, 1 January 2018).
    /// Thursday 21 and Friday 22 are in the term, so art. 2 is met.
    #[test]
    fn three_days_over_christmas_2017() {
        let e = end("2017-12-19", Term::Days(3));
        assert_eq!(
            e.date,
            d("2017-12-22"),
            "signed on Tuesday 19 December: until Friday"
        );
        let e = end("2017-12-20", Term::Days(3));
        assert_eq!(e.counted, d("2017-12-23"));
        assert_eq!(e.date, d("2017-12-27"));
        assert_eq!(e.article_2, None);
    }

    /// Art. 2 at work: three days from Thursday 24 December 2026 end on
    /// Sunday 27 December (Christmas on Friday, Saturday 26 the second day);
    /// art. 1 moves the end to Monday 28, the only day of the term that is
    /// no rest day; art. 2 wants two: Tuesday 29 December.
    #[test]
    fn article_2_asks_for_two_days_that_are_no_rest_day() {
        let e = end("2026-12-24", Term::Days(3));
        assert_eq!(e.counted, d("2026-12-27"));
        assert_eq!(e.article_1, Some(RestDay::Sunday));
        assert_eq!(e.article_2, Some(d("2026-12-28")));
        assert_eq!(e.date, d("2026-12-29"));
        assert_eq!(
            e.articles().map(Article::citation).collect::<Vec<_>>(),
            [
                "Algemene termijnenwet art. 1(1)",
                "Algemene termijnenwet art. 2"
            ]
        );
        // A term of two days is below art. 2: from Thursday 24 December,
        // two days end on Saturday 26, and art. 1 moves them to Monday 28.
        let e = end("2026-12-24", Term::Days(2));
        assert_eq!(e.date, d("2026-12-28"));
        assert_eq!(e.article_2, None);
    }

    #[test]
    fn article_4a_leaves_long_terms_alone() {
        // 91 days from Saturday 3 January 2026 end on Saturday 4 April,
        // which stands: the Atw leaves the term alone.
        let e = end("2026-01-03", Term::Days(91));
        assert_eq!(e.counted, d("2026-04-04"));
        assert_eq!(e.date, e.counted);
        assert_eq!(e.excluded, Some(Exclusion::MoreThan90Days));
        assert_eq!(e.articles().collect::<Vec<_>>(), [Article::FourA]);
        // 90 days are within the Atw: Friday 3 April is Good Friday, so the
        // 90 days from Saturday 3 January 2026 end on Tuesday 7 April.
        let e = end("2026-01-03", Term::Days(90));
        assert_eq!(
            (e.counted, e.date, e.excluded),
            (d("2026-04-03"), d("2026-04-07"), None)
        );
        // 13 weeks and 4 months are out, 12 weeks and 3 months in.
        assert_eq!(
            end("2026-01-03", Term::Weeks(13)).excluded,
            Some(Exclusion::MoreThan12Weeks)
        );
        assert_eq!(end("2026-01-03", Term::Weeks(12)).excluded, None);
        assert_eq!(
            end("2026-01-03", Term::Months(4)).excluded,
            Some(Exclusion::MoreThan3Months)
        );
        // Three months from Saturday 3 January 2026 end on Friday 3 April,
        // Good Friday, so on Tuesday 7 April.
        let e = end("2026-01-03", Term::Months(3));
        assert_eq!((e.excluded, e.date), (None, d("2026-04-07")));
    }

    #[test]
    fn months_end_on_the_same_day_or_the_last_of_the_month() {
        assert_eq!(end("2026-01-31", Term::Months(1)).counted, d("2026-02-28"));
        assert_eq!(end("2028-01-31", Term::Months(1)).counted, d("2028-02-29"));
        assert_eq!(end("2026-03-31", Term::Months(1)).counted, d("2026-04-30"));
        assert_eq!(end("2026-01-15", Term::Months(2)).counted, d("2026-03-15"));
        assert_eq!(end("2025-11-30", Term::Months(3)).counted, d("2026-02-28"));
    }

    #[test]
    fn zero_and_short_terms() {
        // A term of 0 days ends the same day (if that is no rest day).
        assert_eq!(end("2026-03-10", Term::Days(0)).date, d("2026-03-10"));
        assert_eq!(end("2026-03-14", Term::Days(0)).date, d("2026-03-16"));
        assert_eq!(end("2026-03-10", Term::Days(1)).date, d("2026-03-11"));
    }

    #[test]
    fn extend_term_and_range() {
        assert_eq!(extend_term(d("2026-03-11")), Ok(d("2026-03-11")));
        // Wednesday 5 May 2027 is Bevrijdingsdag, Thursday 6 May Ascension
        // Day (Easter 28 March + 39), Friday 7 May designated by decree: a
        // term that ends on 5 May 2027 runs to Monday 10 May.
        assert_eq!(extend_term(d("2027-05-05")), Ok(d("2027-05-10")));
        assert_eq!(term_end(Date::MAX, Term::Days(1)), Err(OutOfRange));
        assert_eq!(term_end(d("9999-12-01"), Term::Months(1)), Err(OutOfRange));
        // 31 December 9999 is a Friday: no rest day, so it stands.
        assert_eq!(extend_term(Date::MAX), Ok(Date::MAX));
        assert_eq!(extend_term(d("9999-12-25")), Ok(d("9999-12-27")));
    }

    #[test]
    fn rest_day_names() {
        assert_eq!(
            legal_rest_day(d("2025-04-26")).unwrap().to_string(),
            "King's Day"
        );
        assert_eq!(
            legal_rest_day(d("2026-03-14")).unwrap().dutch_name(),
            "zaterdag"
        );
        assert_eq!(
            legal_rest_day(d("2026-01-02")).unwrap().english_name(),
            "a day designated by decree"
        );
        assert_eq!(legal_rest_day(d("2026-03-11")), None);
        // Every legal rest day of 2026: 104 weekend days, the holidays on
        // weekdays (1 Jan, 3 and 6 Apr, 27 Apr, 5 May, 14 May, 25 May, 25 Dec:
        // 26 Dec is a Saturday) and two designated days (2 Jan, 15 May).
        let rest = (0..365)
            .filter(|&i| legal_rest_day(add_days(d("2026-01-01"), i).unwrap()).is_some())
            .count();
        assert_eq!(rest, 104 + 8 + 2);
    }
}
