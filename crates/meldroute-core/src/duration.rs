//! Durations (`3d`, `6w`, `3mo`): their units, reading and printing. The
//! distributions a step's duration may take live in [`crate::distribution`]
//! (re-exported here).

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

pub use crate::distribution::{Distribution, lognormal_params};

/// Days in a month: a month is a twelfth of a Julian year.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;
/// Days in a year (Julian year).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// The longest duration a file may give: 100 years (`100y`). No step of a
/// procedure takes longer, and every figure computed from durations stays a
/// readable number.
pub const MAX_DAYS: f64 = 100.0 * DAYS_PER_YEAR;

/// The units a duration may be written in, with their length in days.
const UNITS: &[(&str, f64)] = &[
    ("h", 1.0 / 24.0),
    ("d", 1.0),
    ("w", 7.0),
    ("mo", DAYS_PER_MONTH),
    ("y", DAYS_PER_YEAR),
];

/// The unit of working days (`10wd`): days on which the actor works
/// (docs/calendars.md), which the simulation turns into calendar time.
const WORKING_DAYS: &str = "wd";

/// A length of time, stored in days (calendar days, or working days).
///
/// Written as a number and a unit: `4h`, `3d`, `6w`, `3mo` (a month is
/// 365.25/12 days), `1y`, or `10wd`, working days of the actor's calendar;
/// decimals are allowed (`1.5w`). A negative value parses, so that the
/// `invalid-duration` rule can point at it.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Duration {
    days: f64,
    /// In working days (`wd`), not calendar days.
    working: bool,
}

impl Duration {
    /// A duration of `days` days.
    pub const fn from_days(days: f64) -> Self {
        Duration {
            days,
            working: false,
        }
    }

    /// A duration of `days` working days.
    pub const fn from_working_days(days: f64) -> Self {
        Duration {
            days,
            working: true,
        }
    }

    /// The zero duration.
    pub const ZERO: Duration = Duration::from_days(0.0);

    /// Length in days: working days for a duration in working days
    /// ([`Duration::is_working`]), else calendar days.
    pub const fn days(self) -> f64 {
        self.days
    }

    /// Written in working days (`10wd`).
    pub const fn is_working(self) -> bool {
        self.working
    }

    /// The same length in the same unit, times `factor`.
    pub fn scaled(self, factor: f64) -> Duration {
        Duration {
            days: self.days * factor,
            working: self.working,
        }
    }

    /// Parses `3d`, `4h`, `6w`, `3mo`, `1y`, `1.5w`.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| DurationError::MissingUnit(text.to_owned()))?;
        let (number, unit) = text.split_at(split);
        let number = number.trim();
        let working = unit == WORKING_DAYS;
        if number.is_empty() {
            return Err(DurationError::MissingNumber(text.to_owned()));
        }
        // `1e3d`: the unit would start at the exponent's `e`.
        if unit.len() > 1
            && unit.starts_with(['e', 'E'])
            && unit[1..].starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
        {
            return Err(DurationError::Exponent(shown(text)));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| DurationError::BadNumber(shown(number)))?;
        let factor = if working {
            1.0
        } else {
            UNITS
                .iter()
                .find(|(name, _)| *name == unit)
                .map(|(_, factor)| *factor)
                .ok_or_else(|| DurationError::UnknownUnit(shown(unit)))?
        };
        let days = value * factor;
        // Also refuses what does not fit a number at all (`inf`, 400 digits).
        if days.is_nan() || days.abs() > MAX_DAYS {
            return Err(DurationError::TooLong(shown(text)));
        }
        Ok(Duration { days, working })
    }
}

/// Text from the file as an error message shows it: at most 24
/// characters, so that a 300-digit number does not fill the screen.
pub(crate) fn shown(text: &str) -> String {
    if text.chars().count() <= 24 {
        text.to_owned()
    } else {
        text.chars().take(23).chain(['…']).collect()
    }
}

impl fmt::Display for Duration {
    /// Prints the duration in the largest unit that divides it evenly
    /// (`6w`, `3mo`, `4h`), falling back to days with up to two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.days;
        if self.working {
            let rounded = (days * 100.0).round() / 100.0;
            return write!(f, "{rounded}{WORKING_DAYS}");
        }
        if days == 0.0 {
            return f.write_str("0d");
        }
        for (unit, factor) in UNITS.iter().rev() {
            let n = days / factor;
            if (n - n.round()).abs() < 1e-9 && n.round() != 0.0 {
                return write!(f, "{}{unit}", n.round());
            }
        }
        let rounded = (days * 100.0).round() / 100.0;
        write!(f, "{rounded}d")
    }
}

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DurationError {
    /// No unit letter after the number.
    #[error("duration `{0}` has no unit; write a number and a unit, such as `3d`, `6w` or `3mo`")]
    MissingUnit(String),
    /// A unit without a number before it.
    #[error("duration `{0}` has no number; write a number and a unit, such as `3d`")]
    MissingNumber(String),
    /// The number part does not parse.
    #[error("`{0}` is not a number; write a duration such as `3d` or `1.5w`")]
    BadNumber(String),
    /// A number with an exponent, such as `1e3d`.
    #[error("duration `{0}` has an exponent; write the number out, such as `1000d` or `1.5w`")]
    Exponent(String),
    /// Longer than [`MAX_DAYS`] (or shorter than its negative).
    #[error(
        "duration `{0}` is longer than the maximum of 100 years (`100y`, 36525 days); check the number and the unit"
    )]
    TooLong(String),
    /// A unit we do not know.
    #[error(
        "unknown duration unit `{0}`; use h (hours), d (days), w (weeks), mo (months), y (years) or wd (working days)"
    )]
    UnknownUnit(String),
}

/// The error for a bare number where a duration belongs.
pub(crate) fn unitless<E: de::Error>(v: impl fmt::Display) -> E {
    E::custom(format!(
        "duration `{v}` has no unit; write `{v}d` for days or `{v}w` for weeks"
    ))
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as `3d`, `6w` or `3mo`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
                Err(unitless(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
                Err(unitless(v))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for Duration {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^\\s*-?[0-9]+(\\.[0-9]+)?\\s*(h|d|w|mo|y|wd)\\s*$",
            "description": "A number and a unit: h (hours), d (days), w (weeks), mo (months of 365.25/12 days), y (years), wd (working days of the actor). Examples: 4h, 3d, 6w, 3mo, 10wd.",
            "examples": ["3d", "6w", "3mo"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(Duration::parse("4h").unwrap().days(), 4.0 / 24.0);
        assert_eq!(Duration::parse("3d").unwrap().days(), 3.0);
        assert_eq!(Duration::parse("6w").unwrap().days(), 42.0);
        assert_eq!(Duration::parse("3mo").unwrap().days(), 91.3125);
        assert_eq!(Duration::parse("1y").unwrap().days(), 365.25);
        assert_eq!(Duration::parse("1.5w").unwrap().days(), 10.5);
        assert_eq!(Duration::parse("-2d").unwrap().days(), -2.0);
    }

    #[test]
    fn rejects_bad_durations() {
        assert_eq!(
            Duration::parse("3"),
            Err(DurationError::MissingUnit("3".into()))
        );
        assert_eq!(
            Duration::parse("d"),
            Err(DurationError::MissingNumber("d".into()))
        );
        assert_eq!(
            Duration::parse("3x"),
            Err(DurationError::UnknownUnit("x".into()))
        );
        assert_eq!(
            Duration::parse("3m"),
            Err(DurationError::UnknownUnit("m".into()))
        );
        assert!(matches!(
            Duration::parse("1.2.3d"),
            Err(DurationError::BadNumber(_))
        ));
        assert!(Duration::parse("infd").is_err());
        assert!(Duration::parse("NaNd").is_err());
        assert!(Duration::parse("-nand").is_err());
    }

    /// At most 100 years, either way: no 300-digit or infinite figures.
    #[test]
    fn durations_have_a_maximum() {
        assert_eq!(Duration::parse("100y").unwrap().days(), MAX_DAYS);
        assert_eq!(Duration::parse("36525d").unwrap().days(), MAX_DAYS);
        assert_eq!(Duration::parse("-100y").unwrap().days(), -MAX_DAYS);
        for text in ["100.01y", "36526d", "5218w", "-101y"] {
            assert_eq!(
                Duration::parse(text),
                Err(DurationError::TooLong(text.into())),
                "{text}"
            );
        }
        let huge = format!("1{}d", "0".repeat(307));
        let err = Duration::parse(&huge).unwrap_err();
        assert_eq!(err, DurationError::TooLong(format!("1{}…", "0".repeat(22))));
        assert_eq!(
            err.to_string(),
            "duration `10000000000000000000000…` is longer than the maximum of 100 years (`100y`, 36525 days); check the number and the unit"
        );
        let huge = format!("{}y", "9".repeat(400));
        assert!(matches!(
            Duration::parse(&huge),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn exponents_are_refused_with_their_own_message() {
        for text in ["1e307d", "1E3d", "2e-1w", "1e+2mo"] {
            assert_eq!(
                Duration::parse(text),
                Err(DurationError::Exponent(text.into())),
                "{text}"
            );
        }
        assert_eq!(
            Duration::parse("1e307d").unwrap_err().to_string(),
            "duration `1e307d` has an exponent; write the number out, such as `1000d` or `1.5w`"
        );
        // A unit that starts with `e` but no exponent is an unknown unit.
        assert_eq!(
            Duration::parse("3ex"),
            Err(DurationError::UnknownUnit("ex".into()))
        );
    }

    #[test]
    fn bare_numbers_ask_for_a_unit() {
        for text in ["3", "2.5"] {
            let err = serde_saphyr::from_str::<Duration>(text)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("duration `{text}` has no unit; write `{text}d`")),
                "{err}"
            );
        }
    }

    #[test]
    fn displays_in_natural_units() {
        for text in ["0d", "4h", "3d", "6w", "3mo", "1y", "10d"] {
            assert_eq!(Duration::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Duration::from_days(1.234).to_string(), "1.23d");
    }
}
