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

/// The units a duration may be written in, with their length in days.
const UNITS: &[(&str, f64)] = &[
    ("h", 1.0 / 24.0),
    ("d", 1.0),
    ("w", 7.0),
    ("mo", DAYS_PER_MONTH),
    ("y", DAYS_PER_YEAR),
];

/// A length of time, stored in days.
///
/// Written as a number and a unit: `4h`, `3d`, `6w`, `3mo` (a month is
/// 365.25/12 days), `1y`; decimals are allowed (`1.5w`). A negative value
/// parses, so that the `invalid-duration` rule can point at it.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Duration {
    days: f64,
}

impl Duration {
    /// A duration of `days` days.
    pub const fn from_days(days: f64) -> Self {
        Duration { days }
    }

    /// The zero duration.
    pub const ZERO: Duration = Duration { days: 0.0 };

    /// Length in days.
    pub const fn days(self) -> f64 {
        self.days
    }

    /// Parses `3d`, `4h`, `6w`, `3mo`, `1y`, `1.5w`.
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| DurationError::MissingUnit(text.to_owned()))?;
        let (number, unit) = text.split_at(split);
        let number = number.trim();
        if number.is_empty() {
            return Err(DurationError::MissingNumber(text.to_owned()));
        }
        let value: f64 = number
            .parse()
            .map_err(|_| DurationError::BadNumber(number.to_owned()))?;
        if !value.is_finite() {
            return Err(DurationError::BadNumber(number.to_owned()));
        }
        let factor = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, factor)| *factor)
            .ok_or_else(|| DurationError::UnknownUnit(unit.to_owned()))?;
        let days = value * factor;
        if !days.is_finite() {
            return Err(DurationError::BadNumber(number.to_owned()));
        }
        Ok(Duration::from_days(days))
    }
}

impl fmt::Display for Duration {
    /// Prints the duration in the largest unit that divides it evenly
    /// (`6w`, `3mo`, `4h`), falling back to days with up to two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.days;
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
    /// A unit we do not know.
    #[error(
        "unknown duration unit `{0}`; use h (hours), d (days), w (weeks), mo (months) or y (years)"
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
            "pattern": "^\\s*-?[0-9]+(\\.[0-9]+)?\\s*(h|d|w|mo|y)\\s*$",
            "description": "A number and a unit: h (hours), d (days), w (weeks), mo (months of 365.25/12 days), y (years). Examples: 4h, 3d, 6w, 3mo.",
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
        let huge = format!("{}y", "9".repeat(308));
        assert!(matches!(
            Duration::parse(&huge),
            Err(DurationError::BadNumber(_))
        ));
        assert!(Duration::parse("infd").is_err());
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
