//! The format version of procedure files, `meldroute: 1`: the one home of
//! the version this meldroute reads and writes ([`FORMAT_VERSION`]) and of
//! the value as a file writes it ([`FormatVersion`]). How versions evolve
//! is docs/decisions/0009-format-versions.md; the steps that bring an older
//! file to this version are in [`crate::migrate`].

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// The format version of the files this meldroute reads and writes: it
/// reads every version up to this one and refuses newer ones.
pub const FORMAT_VERSION: u32 = 1;

/// The top-level key that holds a file's format version.
pub const KEY: &str = "meldroute";

/// The version of meldroute itself, for messages about versions.
pub const MELDROUTE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The line that says a file is of this meldroute's format version:
/// `meldroute: 1`.
pub fn version_line() -> String {
    format!("{KEY}: {FORMAT_VERSION}")
}

/// A format version as a file writes it: a whole number from 1 on
/// (`meldroute: 1`). Text (`"1"`), fractions, 0 and negative numbers are
/// refused where they are written; a version newer than
/// [`FORMAT_VERSION`] is read, and refused by the loader with both
/// versions named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FormatVersion(pub u32);

impl fmt::Display for FormatVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionVisitor;
        impl Visitor<'_> for VersionVisitor {
            type Value = FormatVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                write!(
                    f,
                    "a format version: a whole number such as `{}`",
                    version_line()
                )
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FormatVersion, E> {
                match u32::try_from(v) {
                    Ok(0) => Err(E::custom(
                        "format version 0 does not exist; versions count from 1",
                    )),
                    Ok(v) => Ok(FormatVersion(v)),
                    Err(_) => Err(E::custom(format!(
                        "format version {v} is not one any meldroute reads"
                    ))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FormatVersion, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "format version {v} is negative; versions count from 1"
                    ))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FormatVersion, E> {
                // `1.0` is written as a decimal; a number too large for an
                // integer arrives here rounded: name neither by its value.
                if v.fract() == 0.0 && v.abs() < 1e15 {
                    return Err(E::custom(format!(
                        "format version {v:.1} is written as a decimal; write it as a whole number, such as `meldroute: 1`"
                    )));
                }
                if v.is_nan() || v.abs() >= 1e15 {
                    return Err(E::custom(
                        "this format version is far larger than any meldroute reads",
                    ));
                }
                Err(E::custom(format!(
                    "format version {v} is not a whole number"
                )))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FormatVersion, E> {
                Err(E::custom(format!("format version `{v}` is not a number")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<FormatVersion, E> {
                Err(E::custom("format version is empty"))
            }
            fn visit_none<E: de::Error>(self) -> Result<FormatVersion, E> {
                self.visit_unit()
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FormatVersion, E> {
                Err(E::custom(format!(
                    "format version `{v}` is text; write a whole number, without quotes"
                )))
            }
        }
        deserializer.deserialize_any(VersionVisitor)
    }
}

impl JsonSchema for FormatVersion {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FormatVersion".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "minimum": 1})
    }
}

/// The help of every error about the value of `meldroute:`.
pub(crate) fn value_help() -> String {
    format!(
        "write `{}`: the format version is a whole number, without quotes; see Format version in docs/format.md",
        version_line()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<FormatVersion, String> {
        serde_saphyr::from_str::<FormatVersion>(text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_whole_numbers_from_one() {
        assert_eq!(read("1"), Ok(FormatVersion(1)));
        assert_eq!(read("2"), Ok(FormatVersion(2)));
        for (text, says) in [
            ("0", "format version 0 does not exist"),
            ("-1", "format version -1 is negative"),
            ("1.5", "format version 1.5 is not a whole number"),
            ("1.0", "format version 1.0 is written as a decimal"),
            (
                "99999999999999999999999",
                "far larger than any meldroute reads",
            ),
            ("\"1\"", "format version `1` is text"),
            ("4294967296", "not one any meldroute reads"),
            ("true", "format version `true` is not a number"),
            ("~", "format version is empty"),
        ] {
            let err = read(text).expect_err(text);
            assert!(err.contains(says), "{text}: {err}");
        }
    }

    #[test]
    fn the_line_names_the_key_and_the_version() {
        assert_eq!(version_line(), format!("meldroute: {FORMAT_VERSION}"));
    }
}
