//! Streaming statistics: exact count, mean and variance (Welford, merged
//! with Chan's formula) and quantiles from a DDSketch.
//!
//! Quantiles carry a relative error of at most [`QUANTILE_RELATIVE_ERROR`]
//! (0.5%): a reported p90 of 100 days lies within 99.5 and 100.5 days of a
//! value whose rank is the 90th percentile of the simulated journeys. Values
//! below [`QUANTILE_MIN_DAYS`] (about 9 seconds) count as zero. Count, mean,
//! variance and maximum are exact. Memory is fixed (at most 4096 bins),
//! whatever the number of journeys.

use serde::Serialize;
use sketches_ddsketch::{Config, DDSketch};

/// Relative accuracy of the quantile sketch.
pub const QUANTILE_RELATIVE_ERROR: f64 = 0.005;
/// Values at or below this many days are counted as zero by the sketch.
pub const QUANTILE_MIN_DAYS: f64 = 1e-4;
const MAX_BINS: u32 = 4096;

/// Count, mean and variance of a stream, mergeable in a fixed order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    /// Number of values.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    m2: f64,
}

impl Moments {
    /// Adds one value.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Adds all values of `other` (Chan et al.'s pairwise update).
    pub fn merge(&mut self, other: &Moments) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let n = (self.count + other.count) as f64;
        let delta = other.mean - self.mean;
        self.mean += delta * other.count as f64 / n;
        self.m2 += other.m2 + delta * delta * self.count as f64 * other.count as f64 / n;
        self.count += other.count;
    }

    /// Sample variance (0 for fewer than two values).
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            0.0
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }

    /// Standard error of the mean.
    pub fn std_error(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            (self.variance() / self.count as f64).sqrt()
        }
    }
}

/// Moments, quantile sketch and maximum of a duration metric, in days.
#[derive(Clone)]
pub struct Summary {
    /// Count, mean, variance.
    pub moments: Moments,
    max: f64,
    sketch: DDSketch,
}

impl std::fmt::Debug for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Summary")
            .field("moments", &self.moments)
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl Default for Summary {
    fn default() -> Self {
        Summary {
            moments: Moments::default(),
            max: 0.0,
            sketch: DDSketch::new(Config::new(
                QUANTILE_RELATIVE_ERROR,
                MAX_BINS,
                QUANTILE_MIN_DAYS,
            )),
        }
    }
}

impl Summary {
    /// Adds one value.
    #[inline]
    pub fn add(&mut self, days: f64) {
        self.moments.add(days);
        if days > self.max {
            self.max = days;
        }
        self.sketch.add(days);
    }

    /// Adds all values of `other`.
    pub fn merge(&mut self, other: &Summary) {
        self.moments.merge(&other.moments);
        self.max = self.max.max(other.max);
        // Both sketches share one configuration, so merging cannot fail.
        let _ = self.sketch.merge(&other.sketch);
    }

    /// The `q` quantile (0..=1), or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        match self.sketch.quantile(q) {
            Ok(Some(v)) => v.clamp(0.0, self.max),
            _ => 0.0,
        }
    }

    /// The figures reported for this metric.
    pub fn stats(&self) -> DurationStats {
        DurationStats {
            count: self.moments.count,
            mean: self.moments.mean,
            p50: self.quantile(0.5),
            p90: self.quantile(0.9),
            p95: self.quantile(0.95),
            p99: self.quantile(0.99),
            max: self.max,
        }
    }
}

/// Mean, quantiles and maximum of a duration metric, in days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct DurationStats {
    /// Number of journeys the metric applies to.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum (exact).
    pub max: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_match_two_pass_and_merge_in_any_split() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 37) % 101) as f64 * 0.5).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.add(x));
        assert!((all.mean - mean).abs() < 1e-12 && (all.variance() - var).abs() < 1e-9);
        let (a, b) = xs.split_at(317);
        let (mut ma, mut mb) = (Moments::default(), Moments::default());
        a.iter().for_each(|&x| ma.add(x));
        b.iter().for_each(|&x| mb.add(x));
        ma.merge(&mb);
        assert_eq!(ma.count, 1000);
        assert!((ma.mean - mean).abs() < 1e-12 && (ma.variance() - var).abs() < 1e-9);
    }

    #[test]
    fn quantiles_are_within_the_documented_error() {
        let mut s = Summary::default();
        for i in 1..=10_000 {
            s.add(i as f64 / 10.0);
        }
        let st = s.stats();
        for (q, got) in [(0.5, st.p50), (0.9, st.p90), (0.99, st.p99)] {
            let exact = q * 1000.0;
            assert!(
                (got - exact).abs() <= exact * (QUANTILE_RELATIVE_ERROR * 2.0) + 0.1,
                "q{q}: {got} vs {exact}"
            );
        }
        assert_eq!(st.max, 1000.0);
        assert_eq!(st.count, 10_000);
    }

    #[test]
    fn zeros_and_empty() {
        let mut s = Summary::default();
        assert_eq!(s.stats().p50, 0.0);
        s.add(0.0);
        s.add(0.0);
        s.add(5.0);
        // Lower-rank convention: rank floor(q * (n - 1)).
        assert_eq!(s.quantile(0.5), 0.0);
        assert_eq!(s.quantile(0.99), 0.0);
        s.add(5.0);
        assert!((s.quantile(0.99) - 5.0).abs() < 5.0 * QUANTILE_RELATIVE_ERROR);
    }
}
