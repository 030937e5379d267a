//! Streaming statistics: exact count, mean and variance (Welford, merged
//! with Chan's formula) and quantiles from a fixed-resolution logarithmic
//! histogram; and the 95% confidence intervals of every figure (see
//! `docs/simulation.md`, "How sure a figure is"): Wilson score intervals
//! for shares, batch means over the run's fixed batches for means, and
//! distribution-free order-statistic intervals for quantiles.
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
use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, StudentsT};

/// The confidence level of every interval meldroute reports.
pub const CONFIDENCE: f64 = 0.95;
/// The standard normal quantile of `(1 + CONFIDENCE) / 2`.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in it (bounds included).
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }

    /// How far it reaches from `x` on its wider side: at most this far on
    /// each side.
    pub fn reach(&self, x: f64) -> f64 {
        (x - self.low).max(self.high - x).max(0.0)
    }

    /// The interval cut to the figure's possible values `low..=high` (a
    /// mean of durations is not negative; a share of time lies in 0..1).
    pub fn within(self, low: f64, high: f64) -> Interval {
        Interval {
            low: self.low.clamp(low, high),
            high: self.high.clamp(low, high),
        }
    }
}

/// A simulated figure and its 95% confidence interval (`None` where there
/// is nothing to estimate it from).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Estimate {
    /// The figure.
    pub value: f64,
    /// Its 95% interval.
    pub ci95: Option<Interval>,
}

impl Estimate {
    /// The mean of `values`, one per independent replication, with its
    /// Student-t interval (`None` with fewer than two): the interval of a
    /// figure whose journeys are not independent of each other (the cases
    /// of a caseload share handlers), from replications that are.
    pub fn across(values: &[f64]) -> Estimate {
        let n = values.len();
        let mean = if n == 0 {
            0.0
        } else {
            values.iter().sum::<f64>() / n as f64
        };
        let ci95 = (n >= 2).then(|| {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let half = t95(n as u64 - 1) * (var / n as f64).sqrt();
            Interval {
                low: mean - half,
                high: mean + half,
            }
        });
        Estimate { value: mean, ci95 }
    }
}

/// The Wilson score interval of a share of `k` in `n` independent trials,
/// or `None` when `n` is 0. Unlike `p ± z·se` it stays within 0..1 and
/// does not collapse to a point at 0% or 100%.
pub fn wilson(k: u64, n: u64) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let n = n as f64;
    let p = (k as f64 / n).clamp(0.0, 1.0);
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The difference `a - b` of two independent estimates, with its 95%
/// interval by the method of variance estimates recovery (MOVER; Zou and
/// Donner 2008): from each estimate's own interval, so it takes their
/// asymmetry along. For two shares with Wilson intervals this is
/// Newcombe's hybrid score interval (1998, method 10); for two symmetric
/// intervals it is `d ± sqrt(h_a^2 + h_b^2)`. Without both intervals
/// there is none.
pub fn difference(a: Estimate, b: Estimate) -> Estimate {
    let value = a.value - b.value;
    let ci95 = a.ci95.zip(b.ci95).map(|(ia, ib)| Interval {
        low: value - (a.value - ia.low).hypot(ib.high - b.value),
        high: value + (ia.high - a.value).hypot(b.value - ib.low),
    });
    Estimate { value, ci95 }
}

/// The 97.5% quantile of Student's t distribution with `df` degrees of
/// freedom (the two-sided 95% multiplier).
pub fn t95(df: u64) -> f64 {
    StudentsT::new(0.0, 1.0, df.max(1) as f64).map_or(Z95, |t| t.inverse_cdf(0.975))
}

/// A ratio of sums `Y / N` over the fixed batches of a run (a mean: days
/// over journeys; a share of time: days in a step over days in all
/// steps), with what its batch-means interval needs: the sums of
/// `Y_b^2`, `Y_b N_b` and `N_b^2` over the batches `b`.
///
/// The interval is the ratio estimator's of cluster sampling, batches as
/// clusters: `var(R) = B / (B - 1) * sum_b (Y_b - R N_b)^2 / N^2`, with
/// Student's t on `B - 1` degrees of freedom. It needs two batches;
/// batches of unequal size (the last one) are weighted by their `N_b`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BatchRatio {
    batches: u64,
    y: f64,
    n: f64,
    yy: f64,
    yn: f64,
    nn: f64,
}

impl BatchRatio {
    /// Adds one batch's sums.
    #[inline]
    pub fn add(&mut self, y: f64, n: f64) {
        self.batches += 1;
        self.y += y;
        self.n += n;
        self.yy += y * y;
        self.yn += y * n;
        self.nn += n * n;
    }

    /// The 95% interval of the ratio, centred on `estimate` (the figure as
    /// reported, which may be computed more exactly than `Y / N`); `None`
    /// with fewer than two batches or nothing to divide by.
    pub fn interval(&self, estimate: f64) -> Option<Interval> {
        if self.batches < 2 || self.n <= 0.0 {
            return None;
        }
        let r = self.y / self.n;
        let b = self.batches as f64;
        let spread = (self.yy - 2.0 * r * self.yn + r * r * self.nn).max(0.0);
        let se = (b / (b - 1.0) * spread).sqrt() / self.n;
        let half = t95(self.batches - 1) * se;
        Some(Interval {
            low: estimate - half,
            high: estimate + half,
        })
    }
}

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
        self.add_count(v, 1);
    }

    /// Counts `n` values `v`.
    #[inline]
    pub fn add_count(&mut self, v: f64, n: u64) {
        self.counts[Self::bucket(v)] += n;
        self.total += n;
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &LogHistogram) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
        self.total += other.total;
    }

    /// The buckets that hold values, as (bucket, count) in bucket order:
    /// the histogram as a partial aggregate stores it ([`crate::sim::shard`]).
    pub(crate) fn nonzero(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        sparse(&self.counts)
    }

    /// The histogram of these (bucket, count) pairs, or `None` when a bucket
    /// is out of range, given twice or out of order, or the counts overflow.
    pub(crate) fn from_nonzero(buckets: &[(u32, u64)]) -> Option<Self> {
        let (counts, total) = dense(buckets, BUCKETS)?;
        Some(LogHistogram { counts, total })
    }

    /// Share of the values above `x` (to the histogram's resolution).
    pub fn share_above(&self, x: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        self.count_above(x) as f64 / self.total as f64
    }

    /// How many values are above `x` (to the histogram's resolution).
    pub fn count_above(&self, x: f64) -> u64 {
        self.counts[Self::bucket(x) + 1..].iter().sum()
    }

    /// The `q` quantile (nearest rank), or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        Self::value(self.bucket_of_rank(rank))
    }

    /// The bucket of the value of rank `rank` (1-based) in sorted order.
    fn bucket_of_rank(&self, rank: u64) -> usize {
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return b;
            }
        }
        BUCKETS - 1
    }

    /// The lower and upper edges of bucket `b`.
    fn edges(b: usize) -> (f64, f64) {
        if b == 0 {
            return (0.0, QUANTILE_MIN_DAYS);
        }
        let base = QUANTILE_MIN_DAYS.to_bits() >> (52 - SUB_BITS);
        let edge = |i: u64| f64::from_bits((base + i) << (52 - SUB_BITS));
        if b == BUCKETS - 1 {
            return (edge((b - 1) as u64), f64::INFINITY);
        }
        (edge((b - 1) as u64), edge(b as u64))
    }

    /// The 95% interval of the `q` quantile: the values of ranks `l` and
    /// `u`, where the number `B` of values below the true quantile is
    /// binomial (`n`, `q`), `l` its 2.5% quantile and `u` one above its
    /// 97.5% quantile, so that `P(l <= B < u) >= 95%` (the exact,
    /// distribution-free interval from order statistics); each bound widened
    /// to its bucket's edge. A lower rank below 1 gives 0 (durations are not
    /// negative). `None` when empty, or when the upper rank is beyond the
    /// values seen: too few values for an upper bound (the p99 of fewer than
    /// about 370 journeys).
    pub fn quantile_interval(&self, q: f64) -> Option<Interval> {
        if self.total == 0 {
            return None;
        }
        let (low_rank, high_rank) = quantile_ranks(q, self.total)?;
        let low = if low_rank == 0 {
            0.0
        } else {
            Self::edges(self.bucket_of_rank(low_rank)).0
        };
        Some(Interval {
            low,
            high: Self::edges(self.bucket_of_rank(high_rank)).1,
        })
    }
}

/// The ranks (from 1; 0: below every value) of the 95% interval of the `q`
/// quantile of `n` values: `l` the 2.5% quantile of the number `B` of
/// values below the true quantile, binomial (`n`, `q`), and `u` one above
/// its 97.5% quantile, so that `P(l <= B < u) >= 95%` (the exact,
/// distribution-free interval from order statistics). `None` when `n` is
/// 0 or `u` is beyond the values: too few for an upper bound.
pub fn quantile_ranks(q: f64, n: u64) -> Option<(u64, u64)> {
    let ranks = Binomial::new(q.clamp(0.0, 1.0), n).ok()?;
    let (low, high) = (ranks.inverse_cdf(0.025), ranks.inverse_cdf(0.975) + 1);
    (n > 0 && high <= n).then_some((low, high))
}

/// The 95% interval of the `q` quantile of `sorted` (ascending), by
/// [`quantile_ranks`]: the values of those ranks (0 for rank 0: durations
/// are not negative).
pub fn sorted_quantile_interval(sorted: &[f64], q: f64) -> Option<Interval> {
    let (low, high) = quantile_ranks(q, sorted.len() as u64)?;
    Some(Interval {
        low: if low == 0 {
            0.0
        } else {
            sorted[low as usize - 1]
        },
        high: sorted[high as usize - 1],
    })
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

    /// The sum of squared deviations from the mean (what the variance
    /// divides), for a partial aggregate ([`crate::sim::shard`]).
    pub(crate) fn m2(&self) -> f64 {
        self.m2
    }

    /// The moments with these parts, exactly as [`Moments::m2`] and the
    /// public fields gave them.
    pub(crate) fn from_parts(count: u64, mean: f64, m2: f64) -> Self {
        Moments { count, mean, m2 }
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

    /// The largest value added (0 when none), for a partial aggregate.
    pub(crate) fn max(&self) -> f64 {
        self.max
    }

    /// The histogram, for a partial aggregate.
    pub(crate) fn histogram(&self) -> &LogHistogram {
        &self.histogram
    }

    /// The summary with these parts, or `None` when the histogram does not
    /// count as many values as the moments.
    pub(crate) fn from_parts(moments: Moments, max: f64, histogram: LogHistogram) -> Option<Self> {
        (histogram.total == moments.count).then_some(Summary {
            moments,
            max,
            histogram,
        })
    }

    /// The `q` quantile (0..=1), or 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        self.histogram.quantile(q).min(self.max)
    }

    /// Share of the values above `days` (to within the quantile resolution).
    pub fn share_above(&self, days: f64) -> f64 {
        self.histogram.share_above(days)
    }

    /// How many values are above `days` (to within the quantile resolution).
    pub fn count_above(&self, days: f64) -> u64 {
        self.histogram.count_above(days)
    }

    /// The 95% interval of the `q` quantile ([`LogHistogram::quantile_interval`]).
    /// Its upper bound is the value of a rank that was seen, so it is never
    /// above the maximum; widened to a bucket's edge it is cut there.
    pub fn quantile_interval(&self, q: f64) -> Option<Interval> {
        self.histogram.quantile_interval(q).map(|i| Interval {
            low: i.low.min(self.max),
            high: i.high.min(self.max),
        })
    }

    /// The figures reported for this metric, with the interval of the mean
    /// (which needs the run's batches: [`BatchRatio`]).
    pub fn stats(&self, mean_ci95: Option<Interval>) -> DurationStats {
        let q = |q: f64| (self.quantile(q), self.quantile_interval(q));
        let ((p50, p50_ci95), (p90, p90_ci95)) = (q(0.5), q(0.9));
        let ((p95, p95_ci95), (p99, p99_ci95)) = (q(0.95), q(0.99));
        DurationStats {
            count: self.moments.count,
            mean: self.moments.mean,
            mean_ci95,
            p50,
            p50_ci95,
            p90,
            p90_ci95,
            p95,
            p95_ci95,
            p99,
            p99_ci95,
            max: self.max,
        }
    }
}

/// Points of a [`ScoreTally`] bucket: scores are counted to the nearest
/// tenth of a point.
pub const SCORE_STEP: f64 = 0.1;
/// The highest score a [`ScoreTally`] counts; higher ones count as this.
pub const SCORE_MAX: f64 = 100.0;
/// Buckets of a [`ScoreTally`]: 0, 0.1, ..., [`SCORE_MAX`].
const SCORE_BUCKETS: usize = 1001;

/// A score between 0 and [`SCORE_MAX`] per journey (the reporter's
/// experience, `crate::experience`), counted to [`SCORE_STEP`]: one
/// counter per tenth of a point, so that adding a journey is one increment
/// and the moments are exact integer sums, the same in any order of
/// merging. [`ScoreTally::summary`] gives the figures every duration has.
#[derive(Clone, PartialEq, Eq)]
pub struct ScoreTally {
    counts: Box<[u64]>,
}

impl Default for ScoreTally {
    fn default() -> Self {
        ScoreTally {
            counts: vec![0; SCORE_BUCKETS].into_boxed_slice(),
        }
    }
}

impl std::fmt::Debug for ScoreTally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScoreTally")
            .field("count", &self.count())
            .finish_non_exhaustive()
    }
}

impl ScoreTally {
    /// Counts one score, rounded to the nearest [`SCORE_STEP`] (below 0 or
    /// NaN as 0, above [`SCORE_MAX`] as that).
    #[inline]
    pub fn add(&mut self, score: f64) {
        // A float-to-int cast saturates, and NaN casts to 0.
        let b = (score * (1.0 / SCORE_STEP) + 0.5) as usize;
        self.counts[b.min(SCORE_BUCKETS - 1)] += 1;
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &ScoreTally) {
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
    }

    /// How many scores were counted.
    pub fn count(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// The sum of the scores counted, in points.
    pub fn sum(&self) -> f64 {
        let (s1, _) = self.sums();
        s1 as f64 * SCORE_STEP
    }

    /// The mean score (0 when none was counted).
    pub fn mean(&self) -> f64 {
        match self.count() {
            0 => 0.0,
            n => self.sum() / n as f64,
        }
    }

    /// Sums of the buckets and of their squares, weighted by their counts.
    fn sums(&self) -> (u128, u128) {
        self.counts
            .iter()
            .enumerate()
            .fold((0, 0), |(s1, s2), (b, &c)| {
                let (b, c) = (b as u128, u128::from(c));
                (s1 + b * c, s2 + b * b * c)
            })
    }

    /// Count, mean, variance, maximum and quantiles of the scores counted,
    /// as for a duration (the quantiles to [`QUANTILE_RELATIVE_ERROR`]).
    pub fn summary(&self) -> Summary {
        let n = self.count();
        let (s1, s2) = self.sums();
        let (mean, m2) = if n == 0 {
            (0.0, 0.0)
        } else {
            let n128 = u128::from(n);
            // n * s2 - s1^2 >= 0 (Cauchy-Schwarz); in buckets squared.
            let spread = (n128 * s2).saturating_sub(s1 * s1);
            (
                s1 as f64 * SCORE_STEP / n as f64,
                spread as f64 * SCORE_STEP * SCORE_STEP / n as f64,
            )
        };
        let mut histogram = LogHistogram::default();
        let mut max = 0.0;
        for (b, &c) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let v = b as f64 * SCORE_STEP;
            histogram.add_count(v, c);
            max = v;
        }
        Summary {
            moments: Moments::from_parts(n, mean, m2),
            max,
            histogram,
        }
    }

    /// The buckets that hold scores, as (bucket, count) in bucket order:
    /// the tally as a partial aggregate stores it ([`crate::sim::shard`]).
    pub(crate) fn nonzero(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        sparse(&self.counts)
    }

    /// The tally of these (bucket, count) pairs, or `None` when a bucket is
    /// out of range, given twice or out of order, or the counts overflow.
    pub(crate) fn from_nonzero(buckets: &[(u32, u64)]) -> Option<Self> {
        let (counts, _) = dense(buckets, SCORE_BUCKETS)?;
        Some(ScoreTally { counts })
    }
}

/// The (bucket, count) pairs of the buckets of `counts` that hold values,
/// in bucket order: how a partial aggregate stores a histogram.
fn sparse(counts: &[u64]) -> impl Iterator<Item = (u32, u64)> + '_ {
    counts
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(b, c)| (b as u32, *c))
}

/// The `len` counts of these (bucket, count) pairs and their total, or
/// `None` when a bucket is out of range, given twice or out of order, a
/// count is 0 or the total overflows.
fn dense(buckets: &[(u32, u64)], len: usize) -> Option<(Box<[u64]>, u64)> {
    let mut counts = vec![0; len].into_boxed_slice();
    let mut total: u64 = 0;
    let mut last = None;
    for &(b, c) in buckets {
        let i = b as usize;
        if i >= len || last.is_some_and(|l| l >= i) || c == 0 {
            return None;
        }
        last = Some(i);
        counts[i] = c;
        total = total.checked_add(c)?;
    }
    Some((counts, total))
}

/// Mean, quantiles and maximum of a duration metric, in days, with the 95%
/// confidence intervals of the mean and the quantiles (`null` where there
/// are too few journeys or batches for one).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DurationStats {
    /// Number of journeys the metric applies to.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// 95% interval of the mean (batch means; `null` with fewer than two batches).
    pub mean_ci95: Option<Interval>,
    /// Median.
    pub p50: f64,
    /// 95% interval of the median (order statistics).
    pub p50_ci95: Option<Interval>,
    /// 90th percentile.
    pub p90: f64,
    /// 95% interval of the 90th percentile.
    pub p90_ci95: Option<Interval>,
    /// 95th percentile.
    pub p95: f64,
    /// 95% interval of the 95th percentile.
    pub p95_ci95: Option<Interval>,
    /// 99th percentile.
    pub p99: f64,
    /// 95% interval of the 99th percentile.
    pub p99_ci95: Option<Interval>,
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
        let st = s.stats(None);
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
        assert_eq!(s.stats(None).p50, 0.0);
        s.add(0.0);
        s.add(0.0);
        s.add(5.0);
        // Nearest rank: of {0, 0, 5}, p50 is 0 and p99 is 5.
        assert_eq!(s.quantile(0.5), 0.0);
        assert!((s.quantile(0.99) - 5.0).abs() <= 5.0 * QUANTILE_RELATIVE_ERROR);
        // Beyond the range: the quantile is capped, the maximum stays exact.
        s.add(1e9);
        assert_eq!(s.stats(None).max, 1e9);
        assert!(s.quantile(1.0) <= QUANTILE_MAX_DAYS * 1.01);
    }
}
