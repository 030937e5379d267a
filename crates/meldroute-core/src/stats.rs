//! Streaming statistics: exact count, mean and variance (Welford, merged
//! with Chan's formula) and quantiles from a fixed-resolution logarithmic
//! histogram.
//!
//! Quantile error bound: values from [`QUANTILE_MIN_DAYS`] (about 9 seconds)
//! up to [`QUANTILE_MAX_DAYS`] fall into buckets 2^-7 (0.78%) wide relative to
//! their lower bound; a quantile is reported as its bucket's midpoint, so it
//! is within [`QUANTILE_RELATIVE_ERROR`] (0.4%) of a value whose rank is that
//! quantile of the simulated journeys (nearest-rank definition). Smaller
//! values count as zero, larger ones as the maximum bucket. Count, mean,
//! variance and maximum are exact. Memory is fixed: 4,866 counters (38 KiB)
//! per metric, whatever the number of journeys.

use serde::Serialize;

/// Largest relative error of a reported quantile.
pub const QUANTILE_RELATIVE_ERROR: f64 = 1.0 / 256.0;
/// Values below this many days count as zero in the quantiles.
pub const QUANTILE_MIN_DAYS: f64 = 1.0 / 8192.0;
/// Values above this many days (about 45,900 years) count as this in the quantiles.
pub const QUANTILE_MAX_DAYS: f64 = 16_777_216.0;

/// Mantissa bits that select a bucket within an octave.
const SUB_BITS: u32 = 7;
/// Octaves from the minimum (2^-13) to the maximum (2^24).
const OCTAVES: usize = 37;
/// Bucket 0 holds zeros; then `OCTAVES << SUB_BITS` buckets; the last holds overflow.
const BUCKETS: usize = (OCTAVES << SUB_BITS) + 2;

/// A fixed-resolution logarithmic histogram of non-negative values.
#[derive(Clone, PartialEq, Eq)]
pub struct LogHistogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Default for LogHistogram {
    fn default() -> Self {
        LogHistogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
        }
    }
}

impl std::fmt::Debug for LogHistogram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogHistogram")
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl LogHistogram {
    /// The bucket of `v`: the exponent and top mantissa bits of its IEEE 754
    /// representation, offset so that [`QUANTILE_MIN_DAYS`] is bucket 1.
    #[inline]
    fn bucket(v: f64) -> usize {
        if v.is_nan() || v < QUANTILE_MIN_DAYS {
            return 0; // zero, tiny, negative or NaN
        }
        let key = v.to_bits() >> (52 - SUB_BITS);
        let base = QUANTILE_MIN_DAYS.to_bits() >> (52 - SUB_BITS);
        ((key - base) as usize + 1).min(BUCKETS - 1)
    }

    /// The midpoint of bucket `b` (0 for the zero bucket).
    fn value(b: usize) -> f64 {
        if b == 0 {
            return 0.0;
        }
        let base = QUANTILE_MIN_DAYS.to_bits() >> (52 - SUB_BITS);
        let lower = f64::from_bits((base + (b - 1) as u64) << (52 - SUB_BITS));
        lower * (1.0 + 0.5 / f64::from(1u32 << SUB_BITS))
    }

    /// Counts one value.
    #[inline]
    pub fn add(&mut self, v: f64) {
        self.counts[Self::bucket(v)] += 1;
        self.total += 1;
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &LogHistogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
    }

    /// Share of the values above `x` (to the histogram's resolution).
    pub fn share_above(&self, x: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let above: u64 = self.counts[Self::bucket(x) + 1..].iter().sum();
        above as f64 / self.total as f64
    }

    /// The `q` quantile (nearest rank), or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Self::value(b);
            }
        }
        Self::value(BUCKETS - 1)
    }
}

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

/// Moments, quantile histogram and maximum of a duration metric, in days.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Count, mean, variance.
    pub moments: Moments,
    max: f64,
    histogram: LogHistogram,
}

impl Summary {
    /// Adds one value.
    #[inline]
    pub fn add(&mut self, days: f64) {
        self.moments.add(days);
        if days > self.max {
            self.max = days;
        }
        self.histogram.add(days);
    }

    /// Adds all values of `other`.
    pub fn merge(&mut self, other: &Summary) {
        self.moments.merge(&other.moments);
        self.max = self.max.max(other.max);
        self.histogram.merge(&other.histogram);
    }

    /// The `q` quantile (0..=1), or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.histogram.quantile(q).min(self.max)
    }

    /// Share of the values above `days` (to within the quantile resolution).
    pub fn share_above(&self, days: f64) -> f64 {
        self.histogram.share_above(days)
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
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
    fn every_value_in_range_is_within_the_error_bound() {
        let mut v = QUANTILE_MIN_DAYS;
        while v < QUANTILE_MAX_DAYS {
            let got = LogHistogram::value(LogHistogram::bucket(v));
            assert!((got - v).abs() <= v * QUANTILE_RELATIVE_ERROR, "{v}: {got}");
            v *= 1.0137;
        }
        assert_eq!(LogHistogram::bucket(0.0), 0);
        assert_eq!(LogHistogram::bucket(-1.0), 0);
        assert_eq!(LogHistogram::bucket(f64::NAN), 0);
        assert_eq!(LogHistogram::bucket(f64::INFINITY), BUCKETS - 1);
    }

    #[test]
    fn zeros_and_empty() {
        let mut s = Summary::default();
        assert_eq!(s.stats().p50, 0.0);
        s.add(0.0);
        s.add(0.0);
        s.add(5.0);
        // Nearest rank: of {0, 0, 5}, p50 is 0 and p99 is 5.
        assert_eq!(s.quantile(0.5), 0.0);
        assert!((s.quantile(0.99) - 5.0).abs() <= 5.0 * QUANTILE_RELATIVE_ERROR);
        // Beyond the range: the quantile is capped, the maximum stays exact.
        s.add(1e9);
        assert_eq!(s.stats().max, 1e9);
        assert!(s.quantile(1.0) <= QUANTILE_MAX_DAYS * 1.01);
    }
}
