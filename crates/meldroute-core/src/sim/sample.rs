//! Drawing step durations from their distributions.

use rand::Rng;
use rand_distr::{Exp1, StandardNormal};

use crate::duration::{Distribution, lognormal_params};

/// A duration distribution prepared for fast sampling (all in days).
#[derive(Clone, Debug, PartialEq)]
pub enum Sampler {
    /// Always `days`; draws no random number.
    Fixed(f64),
    /// `min + width * U`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// `max - min`.
        width: f64,
    },
    /// Inverse-CDF triangular.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Mode.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// CDF at the mode.
        cut: f64,
    },
    /// `mean * Exp(1)`.
    Exponential {
        /// Mean.
        mean: f64,
    },
    /// `exp(mu + sigma * N(0, 1))`.
    Lognormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// One of the samples, uniformly.
    Empirical(Box<[f64]>),
}

impl Sampler {
    /// A sampler for `dist` (which has passed the `invalid-duration` rule).
    pub fn new(dist: &Distribution) -> Sampler {
        match dist {
            Distribution::Fixed(d) => Sampler::Fixed(d.days()),
            Distribution::Uniform { min, max } => Sampler::Uniform {
                min: min.days(),
                width: max.days() - min.days(),
            },
            Distribution::Triangular { min, mode, max } => {
                let (a, c, b) = (min.days(), mode.days(), max.days());
                let cut = if b > a { (c - a) / (b - a) } else { 0.5 };
                Sampler::Triangular {
                    min: a,
                    mode: c,
                    max: b,
                    cut,
                }
            }
            Distribution::Exponential { mean } => Sampler::Exponential { mean: mean.days() },
            Distribution::Lognormal { median, p90 } => {
                let (mu, sigma) = lognormal_params(*median, *p90);
                Sampler::Lognormal { mu, sigma }
            }
            Distribution::Empirical(samples) => {
                Sampler::Empirical(samples.iter().map(|d| d.days()).collect())
            }
        }
    }

    /// One duration in days. Inlined always: the walk draws one per step.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(d) => *d,
            Sampler::Uniform { min, width } => min + width * rng.random::<f64>(),
            Sampler::Triangular {
                min,
                mode,
                max,
                cut,
            } => {
                let u: f64 = rng.random();
                if u < *cut {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Sampler::Exponential { mean } => mean * rng.sample::<f64, _>(Exp1),
            Sampler::Lognormal { mu, sigma } => {
                (mu + sigma * rng.sample::<f64, _>(StandardNormal)).exp()
            }
            Sampler::Empirical(samples) => samples[rng.random_range(0..samples.len())],
        }
    }

    /// The median in days.
    pub fn median(&self) -> f64 {
        match self {
            Sampler::Fixed(d) => *d,
            Sampler::Uniform { min, width } => min + width / 2.0,
            Sampler::Triangular {
                min,
                mode,
                max,
                cut,
            } => {
                if *cut >= 0.5 {
                    min + (0.5 * (max - min) * (mode - min)).sqrt()
                } else {
                    max - (0.5 * (max - min) * (max - mode)).sqrt()
                }
            }
            Sampler::Exponential { mean } => mean * std::f64::consts::LN_2,
            Sampler::Lognormal { mu, .. } => mu.exp(),
            Sampler::Empirical(s) => {
                let mut v = s.to_vec();
                v.sort_by(f64::total_cmp);
                match v.len() {
                    0 => 0.0,
                    n if n % 2 == 1 => v[n / 2],
                    n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
                }
            }
        }
    }

    /// The probability that a duration is longer than `x` days.
    pub fn survival(&self, x: f64) -> f64 {
        match self {
            Sampler::Fixed(d) => f64::from(u8::from(*d > x)),
            Sampler::Uniform { min, width } => {
                if x < *min {
                    1.0
                } else if *width <= 0.0 {
                    0.0
                } else {
                    ((min + width - x) / width).clamp(0.0, 1.0)
                }
            }
            Sampler::Triangular { min, mode, max, .. } => {
                let (a, c, b) = (*min, *mode, *max);
                if x < a {
                    1.0
                } else if x >= b {
                    0.0
                } else if x <= c {
                    1.0 - (x - a).powi(2) / ((b - a) * (c - a))
                } else {
                    (b - x).powi(2) / ((b - a) * (b - c))
                }
            }
            Sampler::Exponential { mean } => (-x.max(0.0) / mean).exp(),
            Sampler::Lognormal { mu, sigma } => {
                if x <= 0.0 {
                    1.0
                } else {
                    0.5 * statrs::function::erf::erfc(
                        (x.ln() - mu) / (sigma * std::f64::consts::SQRT_2),
                    )
                }
            }
            Sampler::Empirical(s) => {
                s.iter().filter(|&&d| d > x).count() as f64 / s.len().max(1) as f64
            }
        }
    }

    /// `E[exp(-r * D)]` for a rate `r` of at least 0: closed forms for
    /// a fixed, uniform, exponential and empirical duration, Simpson's rule
    /// on 2,000 intervals of the density for a triangular one (a smooth
    /// integrand on a bounded range: error below 1e-12 for the rates a
    /// file holds); `None` for a lognormal, whose transform has no closed
    /// form.
    pub fn laplace(&self, r: f64) -> Option<f64> {
        let r = r.max(0.0);
        Some(match self {
            Sampler::Fixed(d) => (-r * d).exp(),
            Sampler::Uniform { min, width } => {
                if r * width < 1e-12 {
                    (-r * (min + width / 2.0)).exp()
                } else {
                    (-r * min).exp() * -(-r * width).exp_m1() / (r * width)
                }
            }
            Sampler::Exponential { mean } => 1.0 / (1.0 + r * mean),
            Sampler::Empirical(s) => {
                s.iter().map(|d| (-r * d).exp()).sum::<f64>() / s.len().max(1) as f64
            }
            Sampler::Triangular { min, mode, max, .. } => {
                let (a, c, b) = (*min, *mode, *max);
                if b - a <= 0.0 {
                    return Some((-r * a).exp());
                }
                let pdf = |x: f64| {
                    if x < c {
                        2.0 * (x - a) / ((b - a) * (c - a))
                    } else if x > c {
                        2.0 * (b - x) / ((b - a) * (b - c))
                    } else {
                        2.0 / (b - a)
                    }
                };
                // The density has a kink at the mode: integrate each side.
                let simpson = |lo: f64, hi: f64| {
                    if hi - lo <= 0.0 {
                        return 0.0;
                    }
                    let n = 1000;
                    let h = (hi - lo) / n as f64;
                    let f = |x: f64| (-r * x).exp() * pdf(x);
                    let mut s = f(lo) + f(hi);
                    for k in 1..n {
                        s += f(lo + k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
                    }
                    s * h / 3.0
                };
                simpson(a, c) + simpson(c, b)
            }
            Sampler::Lognormal { .. } => return None,
        })
    }

    /// The exact mean in days.
    pub fn mean(&self) -> f64 {
        match self {
            Sampler::Fixed(d) => *d,
            Sampler::Uniform { min, width } => min + width / 2.0,
            Sampler::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
            Sampler::Exponential { mean } => *mean,
            Sampler::Lognormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Sampler::Empirical(s) => s.iter().sum::<f64>() / s.len().max(1) as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duration::Duration;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn d(s: &str) -> Duration {
        Duration::parse(s).unwrap()
    }

    /// A distribution of every kind, the fixed one first.
    fn every_kind() -> [Distribution; 6] {
        [
            Distribution::Fixed(d("3d")),
            Distribution::Uniform {
                min: d("1w"),
                max: d("3w"),
            },
            Distribution::Triangular {
                min: d("1d"),
                mode: d("3d"),
                max: d("10d"),
            },
            Distribution::Exponential { mean: d("2w") },
            Distribution::Lognormal {
                median: d("3w"),
                p90: d("9w"),
            },
            Distribution::Empirical(vec![d("1d"), d("2d"), d("9d")]),
        ]
    }

    #[test]
    fn sample_means_match_exact_means() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        // Every kind but fixed, whose mean has no spread to test against.
        for dist in &every_kind()[1..] {
            let s = Sampler::new(dist);
            let n = 200_000;
            let mut m = crate::stats::Moments::default();
            for _ in 0..n {
                let x = s.sample(&mut rng);
                assert!(x >= 0.0);
                m.add(x);
            }
            assert!(
                (m.mean - dist.mean_days()).abs() < 4.0 * m.std_error(),
                "{dist:?}: {} vs {}",
                m.mean,
                dist.mean_days()
            );
            assert!((s.mean() - dist.mean_days()).abs() < 1e-9);
            assert!((s.median() - dist.median_days()).abs() < 1e-9, "{dist:?}");
        }
    }

    /// The sampler of a scaled distribution ([`Distribution::scaled`], the
    /// one home of scaling) draws `scale` times the draw of the original
    /// from the same random numbers, so that a sensitivity study's points
    /// differ only by the scale; its mean and median scale with it.
    #[test]
    fn scaled_draws_scale() {
        for dist in &every_kind() {
            let s = Sampler::new(dist);
            let t = Sampler::new(&dist.scaled(2.5));
            let (mut a, mut b) = (ChaCha8Rng::seed_from_u64(3), ChaCha8Rng::seed_from_u64(3));
            for _ in 0..100 {
                let (x, y) = (s.sample(&mut a), t.sample(&mut b));
                assert!((y - 2.5 * x).abs() < 1e-9 * y.max(1.0), "{dist:?}: {x} {y}");
            }
            assert!(
                (t.mean() - 2.5 * s.mean()).abs() < 1e-9 * t.mean().max(1.0),
                "{dist:?}"
            );
            assert!((t.median() - 2.5 * s.median()).abs() < 1e-9 * t.median().max(1.0));
        }
    }

    #[test]
    fn bounded_distributions_stay_in_bounds() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let s = Sampler::new(&Distribution::Triangular {
            min: d("1d"),
            mode: d("1d"),
            max: d("4d"),
        });
        for _ in 0..10_000 {
            let x = s.sample(&mut rng);
            assert!((1.0..=4.0).contains(&x));
        }
    }
}
