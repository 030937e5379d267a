//! The duration distributions a step may take (fixed, uniform, triangular,
//! exponential, lognormal, empirical): reading and checking their
//! parameters, their means and medians, and the lognormal's parameters.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::duration::{Duration, unitless};

/// How long a step takes: a fixed duration or a distribution.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Distribution {
    /// Always the same duration.
    Fixed(Duration),
    /// Uniform between `min` and `max`.
    Uniform {
        /// Shortest duration.
        min: Duration,
        /// Longest duration.
        max: Duration,
    },
    /// Triangular with the given lower limit, mode and upper limit.
    Triangular {
        /// Shortest duration.
        min: Duration,
        /// Most likely duration.
        mode: Duration,
        /// Longest duration.
        max: Duration,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean duration.
        mean: Duration,
    },
    /// Lognormal, given by its median and 90th percentile.
    Lognormal {
        /// Median duration.
        median: Duration,
        /// 90th percentile.
        p90: Duration,
    },
    /// Drawn uniformly from observed samples.
    Empirical(Vec<Duration>),
}

impl Default for Distribution {
    fn default() -> Self {
        Distribution::Fixed(Duration::ZERO)
    }
}

impl Distribution {
    /// The distribution with every duration multiplied by `factor` (above
    /// zero): the same shape, its mean and quantiles `factor` times.
    pub fn scaled(&self, factor: f64) -> Distribution {
        let s = |d: &Duration| d.scaled(factor);
        match self {
            Distribution::Fixed(d) => Distribution::Fixed(s(d)),
            Distribution::Uniform { min, max } => Distribution::Uniform {
                min: s(min),
                max: s(max),
            },
            Distribution::Triangular { min, mode, max } => Distribution::Triangular {
                min: s(min),
                mode: s(mode),
                max: s(max),
            },
            Distribution::Exponential { mean } => Distribution::Exponential { mean: s(mean) },
            Distribution::Lognormal { median, p90 } => Distribution::Lognormal {
                median: s(median),
                p90: s(p90),
            },
            Distribution::Empirical(samples) => {
                Distribution::Empirical(samples.iter().map(s).collect())
            }
        }
    }

    /// Every duration the distribution is written with.
    pub fn durations(&self) -> Vec<&Duration> {
        match self {
            Distribution::Fixed(d) => vec![d],
            Distribution::Uniform { min, max } => vec![min, max],
            Distribution::Triangular { min, mode, max } => vec![min, mode, max],
            Distribution::Exponential { mean } => vec![mean],
            Distribution::Lognormal { median, p90 } => vec![median, p90],
            Distribution::Empirical(samples) => samples.iter().collect(),
        }
    }

    /// Written in working days (`10wd`): its values count the days the
    /// step's actor works ([`Distribution::check`] refuses a mix).
    pub fn is_working(&self) -> bool {
        self.durations().first().is_some_and(|d| d.is_working())
    }

    /// The distribution's name as written in files.
    pub fn name(&self) -> &'static str {
        match self {
            Distribution::Fixed(_) => "fixed",
            Distribution::Uniform { .. } => "uniform",
            Distribution::Triangular { .. } => "triangular",
            Distribution::Exponential { .. } => "exponential",
            Distribution::Lognormal { .. } => "lognormal",
            Distribution::Empirical(_) => "empirical",
        }
    }

    /// True when every sample is zero.
    pub fn is_zero(&self) -> bool {
        match self {
            Distribution::Fixed(d) => d.days() == 0.0,
            Distribution::Empirical(samples) => samples.iter().all(|d| d.days() == 0.0),
            _ => false,
        }
    }

    /// Checks the parameters; returns a message describing the first problem.
    pub fn check(&self) -> Result<(), String> {
        let durations = self.durations();
        if durations.iter().any(|d| d.is_working()) && !durations.iter().all(|d| d.is_working()) {
            return Err(
                "mixes working days (`wd`) with calendar time; write every value in `wd`, or none"
                    .to_owned(),
            );
        }
        let negative = |name: &str, d: &Duration| -> Result<(), String> {
            if d.days() < 0.0 {
                Err(format!("{name} `{d}` is negative"))
            } else {
                Ok(())
            }
        };
        match self {
            Distribution::Fixed(d) => negative("duration", d),
            Distribution::Uniform { min, max } => {
                negative("min", min)?;
                negative("max", max)?;
                if min > max {
                    return Err(format!("min `{min}` is greater than max `{max}`"));
                }
                Ok(())
            }
            Distribution::Triangular { min, mode, max } => {
                negative("min", min)?;
                negative("mode", mode)?;
                negative("max", max)?;
                if !(min <= mode && mode <= max) {
                    return Err(format!(
                        "triangular needs min <= mode <= max, got min `{min}`, mode `{mode}`, max `{max}`"
                    ));
                }
                if min == max {
                    return Err(format!(
                        "triangular with min = max = `{min}` is a fixed duration; write `{min}`"
                    ));
                }
                Ok(())
            }
            Distribution::Exponential { mean } => {
                if mean.days() <= 0.0 {
                    return Err(format!(
                        "exponential mean `{mean}` must be greater than zero"
                    ));
                }
                Ok(())
            }
            Distribution::Lognormal { median, p90 } => {
                if median.days() <= 0.0 {
                    return Err(format!(
                        "lognormal median `{median}` must be greater than zero"
                    ));
                }
                if p90 <= median {
                    return Err(format!(
                        "lognormal p90 `{p90}` must be greater than the median `{median}`"
                    ));
                }
                // A p90 far above a tiny median has an astronomical mean.
                let mean = self.mean_days();
                if mean.is_nan() || mean > crate::duration::MAX_DAYS {
                    return Err(format!(
                        "lognormal with median `{median}` and p90 `{p90}` has a mean longer than the maximum of 100 years (`100y`); bring the p90 closer to the median"
                    ));
                }
                Ok(())
            }
            Distribution::Empirical(samples) => {
                if samples.is_empty() {
                    return Err("empirical distribution has no samples".to_owned());
                }
                samples.iter().try_for_each(|d| negative("sample", d))
            }
        }
    }

    /// The mean duration in days (exact for every distribution).
    pub fn mean_days(&self) -> f64 {
        match self {
            Distribution::Fixed(d) => d.days(),
            Distribution::Uniform { min, max } => (min.days() + max.days()) / 2.0,
            Distribution::Triangular { min, mode, max } => {
                (min.days() + mode.days() + max.days()) / 3.0
            }
            Distribution::Exponential { mean } => mean.days(),
            Distribution::Lognormal { median, p90 } => {
                let (mu, sigma) = lognormal_params(*median, *p90);
                (mu + sigma * sigma / 2.0).exp()
            }
            Distribution::Empirical(samples) => {
                samples.iter().map(|d| d.days()).sum::<f64>() / samples.len().max(1) as f64
            }
        }
    }

    /// True when every duration is longer than `days`, with probability
    /// one: decided from the parameters, exactly (what MR101, MR102 and
    /// MR107 ask of a step's interim updates: that the first surely comes).
    pub fn surely_above(&self, days: f64) -> bool {
        match self {
            Distribution::Fixed(d) => d.days() > days,
            // A continuous distribution puts no weight on its lower bound.
            Distribution::Uniform { min, max } => {
                min.days() > days || (min.days() == days && max.days() > min.days())
            }
            Distribution::Triangular { min, max, .. } => {
                min.days() > days || (min.days() == days && max.days() > min.days())
            }
            Distribution::Exponential { .. } | Distribution::Lognormal { .. } => days <= 0.0,
            Distribution::Empirical(samples) => samples.iter().all(|d| d.days() > days),
        }
    }

    /// The median duration in days.
    pub fn median_days(&self) -> f64 {
        match self {
            Distribution::Fixed(d) => d.days(),
            Distribution::Uniform { .. } => self.mean_days(),
            Distribution::Triangular { min, mode, max } => {
                let (a, c, b) = (min.days(), mode.days(), max.days());
                if b - a <= 0.0 {
                    a
                } else if c >= (a + b) / 2.0 {
                    a + ((b - a) * (c - a) / 2.0).sqrt()
                } else {
                    b - ((b - a) * (b - c) / 2.0).sqrt()
                }
            }
            Distribution::Exponential { mean } => mean.days() * std::f64::consts::LN_2,
            Distribution::Lognormal { median, .. } => median.days(),
            Distribution::Empirical(samples) => {
                let mut days: Vec<f64> = samples.iter().map(|d| d.days()).collect();
                days.sort_by(f64::total_cmp);
                match days.len() {
                    0 => 0.0,
                    n if n % 2 == 1 => days[n / 2],
                    n => (days[n / 2 - 1] + days[n / 2]) / 2.0,
                }
            }
        }
    }
}

impl fmt::Display for Distribution {
    /// The distribution as a reader says it: `2w`, `uniform 1d to 5d`,
    /// `lognormal median 2w, p90 4w`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distribution::Fixed(d) => write!(f, "{d}"),
            Distribution::Uniform { min, max } => write!(f, "uniform {min} to {max}"),
            Distribution::Triangular { min, mode, max } => {
                write!(f, "triangular {min} to {max}, mode {mode}")
            }
            Distribution::Exponential { mean } => write!(f, "exponential, mean {mean}"),
            Distribution::Lognormal { median, p90 } => {
                write!(f, "lognormal, median {median}, p90 {p90}")
            }
            Distribution::Empirical(samples) => write!(f, "empirical, {} samples", samples.len()),
        }
    }
}

/// The 90th percentile of the standard normal distribution.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// `(mu, sigma)` of the underlying normal of a lognormal given its median and p90.
pub fn lognormal_params(median: Duration, p90: Duration) -> (f64, f64) {
    let mu = median.days().ln();
    let sigma = (p90.days().ln() - mu) / Z90;
    (mu, sigma)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UniformParams {
    min: Duration,
    max: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TriangularParams {
    min: Duration,
    mode: Duration,
    max: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExponentialParams {
    mean: Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LognormalParams {
    median: Duration,
    p90: Duration,
}

const DISTRIBUTIONS: &[&str] = &[
    "fixed",
    "uniform",
    "triangular",
    "exponential",
    "lognormal",
    "empirical",
];

impl<'de> Deserialize<'de> for Distribution {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DistVisitor;
        impl<'de> Visitor<'de> for DistVisitor {
            type Value = Distribution;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration such as `3d`, or a distribution such as `{uniform: {min: 1w, max: 3w}}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Distribution, E> {
                Duration::parse(v)
                    .map(Distribution::Fixed)
                    .map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Distribution, E> {
                Err(unitless(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Distribution, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Distribution, E> {
                Err(unitless(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Distribution, A::Error> {
                Err(de::Error::custom(
                    "a duration is not a list; for observed samples write `{empirical: [1w, 2w, 5w]}`",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Distribution, A::Error> {
                let Some(kind) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "empty distribution; write one of `{fixed: 3d}`, `{uniform: {min: 1w, max: 3w}}`, `{triangular: {min, mode, max}}`, `{exponential: {mean: 2w}}`, `{lognormal: {median: 3w, p90: 9w}}`, `{empirical: [1w, 2w]}`",
                    ));
                };
                let dist = match kind.as_str() {
                    "fixed" => Distribution::Fixed(map.next_value()?),
                    "uniform" => {
                        let p: UniformParams = map.next_value()?;
                        Distribution::Uniform {
                            min: p.min,
                            max: p.max,
                        }
                    }
                    "triangular" => {
                        let p: TriangularParams = map.next_value()?;
                        Distribution::Triangular {
                            min: p.min,
                            mode: p.mode,
                            max: p.max,
                        }
                    }
                    "exponential" => {
                        let p: ExponentialParams = map.next_value()?;
                        Distribution::Exponential { mean: p.mean }
                    }
                    "lognormal" => {
                        let p: LognormalParams = map.next_value()?;
                        Distribution::Lognormal {
                            median: p.median,
                            p90: p.p90,
                        }
                    }
                    "empirical" => Distribution::Empirical(map.next_value()?),
                    other => {
                        return Err(de::Error::custom(format!(
                            "unknown distribution `{other}`{}; expected one of {}",
                            crate::suggest::did_you_mean(other, DISTRIBUTIONS.iter().copied()),
                            DISTRIBUTIONS.join(", ")
                        )));
                    }
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "a duration has exactly one distribution, but `{extra}` follows `{kind}`; remove one of them"
                    )));
                }
                Ok(dist)
            }
        }
        deserializer.deserialize_any(DistVisitor)
    }
}

impl JsonSchema for Distribution {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Distribution".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let d = generator.subschema_for::<Duration>();
        let obj = |props: serde_json::Value, required: &[&str]| {
            serde_json::json!({
                "type": "object",
                "properties": props,
                "required": required,
                "additionalProperties": false
            })
        };
        let one = |key: &str, inner: serde_json::Value, description: &str| {
            serde_json::json!({
                "type": "object",
                "description": description,
                "properties": { key: inner },
                "required": [key],
                "additionalProperties": false
            })
        };
        let d = serde_json::to_value(d).unwrap_or_default();
        json_schema!({
            "description": "How long a step takes: a duration such as `3d`, or a map with exactly one distribution.",
            "oneOf": [
                d.clone(),
                one("fixed", d.clone(), "Always the same duration."),
                one("uniform", obj(serde_json::json!({"min": d.clone(), "max": d.clone()}), &["min", "max"]), "Uniform between min and max."),
                one("triangular", obj(serde_json::json!({"min": d.clone(), "mode": d.clone(), "max": d.clone()}), &["min", "mode", "max"]), "Triangular: min, most likely (mode), max."),
                one("exponential", obj(serde_json::json!({"mean": d.clone()}), &["mean"]), "Exponential with the given mean."),
                one("lognormal", obj(serde_json::json!({"median": d.clone(), "p90": d.clone()}), &["median", "p90"]), "Lognormal given by its median and 90th percentile."),
                one("empirical", serde_json::json!({"type": "array", "items": d, "minItems": 1}), "Drawn uniformly from observed samples."),
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_ask_for_a_unit() {
        for text in ["3", "2.5"] {
            let err = serde_saphyr::from_str::<Distribution>(text)
                .unwrap_err()
                .to_string();
            assert!(err.contains("has no unit"), "{err}");
        }
    }

    #[test]
    fn reads_exactly_one_distribution() {
        let ok: Distribution = serde_saphyr::from_str("{uniform: {min: 1d, max: 2w}}").unwrap();
        assert_eq!(ok.mean_days(), 7.5);
        let err =
            serde_saphyr::from_str::<Distribution>("{uniform: {min: 1d, max: 2w}, fixed: 1d}")
                .unwrap_err()
                .to_string();
        assert!(err.contains("exactly one distribution"), "{err}");
        let err = serde_saphyr::from_str::<Distribution>("{unifrom: {min: 1d}}")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean `uniform`"), "{err}");
    }

    #[test]
    fn checks_parameters() {
        let d = |s| Duration::parse(s).unwrap();
        assert!(
            Distribution::Uniform {
                min: d("3w"),
                max: d("1w")
            }
            .check()
            .is_err()
        );
        assert!(
            Distribution::Uniform {
                min: d("1w"),
                max: d("3w")
            }
            .check()
            .is_ok()
        );
        assert!(
            Distribution::Lognormal {
                median: d("3w"),
                p90: d("2w")
            }
            .check()
            .is_err()
        );
        assert!(
            Distribution::Triangular {
                min: d("1w"),
                mode: d("4w"),
                max: d("3w")
            }
            .check()
            .is_err()
        );
        assert!(Distribution::Exponential { mean: d("0d") }.check().is_err());
        // Both within the maximum, but the mean far beyond it.
        let tail = Distribution::Lognormal {
            median: d("0.0001h"),
            p90: d("100y"),
        };
        assert!(tail.mean_days() > crate::duration::MAX_DAYS);
        assert!(
            tail.check()
                .unwrap_err()
                .contains("has a mean longer than the maximum")
        );
        assert!(Distribution::Empirical(vec![]).check().is_err());
        assert!(Distribution::Fixed(d("-1d")).check().is_err());
    }

    #[test]
    fn means_and_medians() {
        let d = |s| Duration::parse(s).unwrap();
        let ln = Distribution::Lognormal {
            median: d("3w"),
            p90: d("9w"),
        };
        assert_eq!(ln.median_days(), 21.0);
        let (mu, sigma) = lognormal_params(d("3w"), d("9w"));
        assert!((mu.exp() - 21.0).abs() < 1e-9);
        assert!(((mu + sigma * Z90).exp() - 63.0).abs() < 1e-9);
        let tri = Distribution::Triangular {
            min: d("0d"),
            mode: d("0d"),
            max: d("2d"),
        };
        assert!((tri.median_days() - (2.0 - 2f64.sqrt())).abs() < 1e-12);
        assert_eq!(tri.mean_days(), 2.0 / 3.0);
        assert_eq!(
            Distribution::Empirical(vec![d("1d"), d("3d"), d("8d"), d("2d")]).median_days(),
            2.5
        );
    }
}
