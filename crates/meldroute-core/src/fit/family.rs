//! A step's durations fitted to each distribution of the format by maximum
//! likelihood, compared by AIC and tested by Kolmogorov-Smirnov
//! (docs/fit.md, "How a distribution is chosen").

use crate::distribution::Z90;
use crate::duration::{Distribution, Duration};

/// A distribution fitted to a sample, with how well it fits.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The distribution, as written into the file.
    pub distribution: Distribution,
    /// Its log-likelihood at the maximum-likelihood parameters.
    pub log_likelihood: f64,
    /// Its parameters.
    pub parameters: u32,
    /// Akaike's information criterion, `2k - 2 ln L`: lower is better.
    pub aic: f64,
}

/// A Kolmogorov-Smirnov test of a sample against a distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ks {
    /// The largest distance between the sample's and the distribution's
    /// cumulative distribution functions.
    pub d: f64,
    /// The p-value (Kolmogorov's limit distribution with Stephens'
    /// correction for `n`). With parameters estimated from the same sample
    /// it is too high (Lilliefors): a fit it rejects is surely poor.
    pub p: f64,
}

/// The p-value below which a fit counts as poor.
pub const KS_ALPHA: f64 = 0.01;

/// The most values the triangular fit's likelihood is maximised over
/// (evenly spaced order statistics of a larger sample); its AIC is
/// computed on every value.
const TRIANGULAR_VALUES: usize = 20_000;

/// True when every value is a whole number of days: a log of dates, whose
/// durations are rounded to days ([`ks`] compares at the day boundaries).
pub fn whole_days(sorted: &[f64]) -> bool {
    sorted.iter().all(|x| x.fract() == 0.0)
}

/// Each family of the format fitted to `sorted` (ascending, at least two
/// distinct values, none negative), by maximum likelihood: uniform,
/// triangular, exponential and (when no value is zero) lognormal; `unit`
/// says whether the values are working days. Lowest AIC first, ties in
/// that order.
pub fn candidates(sorted: &[f64], working: bool) -> Vec<Candidate> {
    let d = |days: f64| {
        if working {
            Duration::from_working_days(days)
        } else {
            Duration::from_days(days)
        }
    };
    let n = sorted.len() as f64;
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    let mean = sorted.iter().sum::<f64>() / n;
    let mut out = Vec::new();
    let mut push = |distribution: Distribution, log_likelihood: f64, parameters: u32| {
        if log_likelihood.is_finite() && distribution.check().is_ok() {
            out.push(Candidate {
                distribution,
                log_likelihood,
                parameters,
                aic: 2.0 * f64::from(parameters) - 2.0 * log_likelihood,
            });
        }
    };
    // Uniform: the sample's range is the maximum-likelihood estimate; the
    // file gets the unbiased one, the range widened by a gap each side.
    let range = max - min;
    let gap = range / (n - 1.0);
    push(
        Distribution::Uniform {
            min: d((min - gap).max(0.0)),
            max: d(max + gap),
        },
        -n * range.ln(),
        2,
    );
    if let Some((a, c, b, ll)) = triangular(sorted) {
        push(
            Distribution::Triangular {
                min: d(a.max(0.0)),
                mode: d(c.max(0.0)),
                max: d(b),
            },
            ll,
            3,
        );
    }
    if mean > 0.0 {
        push(
            Distribution::Exponential { mean: d(mean) },
            -n * mean.ln() - n,
            1,
        );
    }
    if min > 0.0 {
        let logs: Vec<f64> = sorted.iter().map(|x| x.ln()).collect();
        let mu = logs.iter().sum::<f64>() / n;
        let var = logs.iter().map(|l| (l - mu).powi(2)).sum::<f64>() / n;
        let sigma = var.sqrt();
        if sigma > 0.0 {
            let ll = -logs.iter().sum::<f64>()
                - n * (sigma * (2.0 * std::f64::consts::PI).sqrt()).ln()
                - n / 2.0;
            push(
                Distribution::Lognormal {
                    median: d(mu.exp()),
                    p90: d((mu + Z90 * sigma).exp()),
                },
                ll,
                2,
            );
        }
    }
    out.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    out
}

/// The triangular distribution's maximum-likelihood `(min, mode, max)` and
/// log-likelihood for `sorted`, by Nelder-Mead over `min` below the
/// smallest value, `max` above the largest and the mode between them.
fn triangular(sorted: &[f64]) -> Option<(f64, f64, f64, f64)> {
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let range = hi - lo;
    if range <= 0.0 {
        return None;
    }
    let step = sorted.len().div_ceil(TRIANGULAR_VALUES).max(1);
    let sample: Vec<f64> = sorted.iter().copied().step_by(step).collect();
    let n = sorted.len() as f64;
    let params = |p: &[f64; 3]| {
        let a = lo - range * p[0].exp();
        let b = hi + range * p[1].exp();
        let c = a + (b - a) / (1.0 + (-p[2]).exp());
        (a, c, b)
    };
    let ll = |x: &[f64], (a, c, b): (f64, f64, f64)| -> f64 {
        let mut sum = 0.0;
        for &v in x {
            let dens = if v < c {
                2.0 * (v - a) / ((b - a) * (c - a))
            } else {
                2.0 * (b - v) / ((b - a) * (b - c))
            };
            sum += dens.ln();
        }
        sum
    };
    let mean = sorted.iter().sum::<f64>() / n;
    let start_gap = (1.0 / n).ln();
    let mode = (3.0 * mean - lo - hi).clamp(lo + 0.01 * range, hi - 0.01 * range);
    let (a0, b0) = (lo - range / n, hi + range / n);
    let w0 = {
        let f = ((mode - a0) / (b0 - a0)).clamp(1e-3, 1.0 - 1e-3);
        (f / (1.0 - f)).ln()
    };
    let best = nelder_mead([start_gap, start_gap, w0], |p| {
        let v = -ll(&sample, params(p));
        if v.is_nan() { f64::INFINITY } else { v }
    });
    let (a, c, b) = params(&best);
    Some((a, c, b, ll(sorted, (a, c, b))))
}

/// The minimum of `f` near `start` by the Nelder-Mead simplex method
/// (reflection 1, expansion 2, contraction and shrinking 1/2), stopped
/// after 400 iterations or when the simplex's values agree to 1e-10.
fn nelder_mead(start: [f64; 3], f: impl Fn(&[f64; 3]) -> f64) -> [f64; 3] {
    let mut simplex: Vec<([f64; 3], f64)> = (0..4)
        .map(|i| {
            let mut p = start;
            if i > 0 {
                p[i - 1] += 0.5;
            }
            (p, f(&p))
        })
        .collect();
    let combine = |a: &[f64; 3], b: &[f64; 3], t: f64| -> [f64; 3] {
        [
            a[0] + t * (b[0] - a[0]),
            a[1] + t * (b[1] - a[1]),
            a[2] + t * (b[2] - a[2]),
        ]
    };
    for _ in 0..400 {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (best, worst) = (simplex[0].1, simplex[3].1);
        if (worst - best).abs() <= 1e-10 * best.abs().max(1.0) {
            break;
        }
        let mut centroid = [0.0; 3];
        for (p, _) in &simplex[..3] {
            for k in 0..3 {
                centroid[k] += p[k] / 3.0;
            }
        }
        let worst_p = simplex[3].0;
        let reflected = combine(&centroid, &worst_p, -1.0);
        let fr = f(&reflected);
        if fr < simplex[0].1 {
            let expanded = combine(&centroid, &worst_p, -2.0);
            let fe = f(&expanded);
            simplex[3] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < simplex[2].1 {
            simplex[3] = (reflected, fr);
        } else {
            let contracted = combine(&centroid, &worst_p, 0.5);
            let fc = f(&contracted);
            if fc < simplex[3].1 {
                simplex[3] = (contracted, fc);
            } else {
                let best_p = simplex[0].0;
                for s in simplex.iter_mut().skip(1) {
                    let p = combine(&best_p, &s.0, 0.5);
                    *s = (p, f(&p));
                }
            }
        }
    }
    simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
    simplex[0].0
}

/// The cumulative distribution function of `dist` at `x` days (in its own
/// unit); `None` for the fixed and empirical distributions.
pub fn cdf(dist: &Distribution, x: f64) -> Option<f64> {
    Some(match dist {
        Distribution::Uniform { min, max } => {
            let (a, b) = (min.days(), max.days());
            ((x - a) / (b - a)).clamp(0.0, 1.0)
        }
        Distribution::Triangular { min, mode, max } => {
            let (a, c, b) = (min.days(), mode.days(), max.days());
            if x <= a {
                0.0
            } else if x >= b {
                1.0
            } else if x < c {
                (x - a).powi(2) / ((b - a) * (c - a))
            } else {
                1.0 - (b - x).powi(2) / ((b - a) * (b - c))
            }
        }
        Distribution::Exponential { mean } => {
            if x <= 0.0 {
                0.0
            } else {
                1.0 - (-x / mean.days()).exp()
            }
        }
        Distribution::Lognormal { median, p90 } => {
            if x <= 0.0 {
                0.0
            } else {
                let (mu, sigma) = crate::duration::lognormal_params(*median, *p90);
                0.5 * statrs::function::erf::erfc(
                    -(x.ln() - mu) / (sigma * std::f64::consts::SQRT_2),
                )
            }
        }
        _ => return None,
    })
}

/// The Kolmogorov-Smirnov test of `sorted` against `dist`. Values that
/// are all whole days (a log of dates) are compared at the day
/// boundaries: the share of values up to `v` with the distribution's up
/// to `v + 1/2`, the share below `v` with its up to `v - 1/2`.
pub fn ks(sorted: &[f64], dist: &Distribution) -> Option<Ks> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let nf = n as f64;
    let days = whole_days(sorted);
    let mut d: f64 = 0.0;
    let mut i = 0;
    while i < n {
        let v = sorted[i];
        let mut j = i;
        while j < n && sorted[j] == v {
            j += 1;
        }
        let (below, upto) = (i as f64 / nf, j as f64 / nf);
        let (lo, hi) = if days {
            (cdf(dist, v - 0.5)?, cdf(dist, v + 0.5)?)
        } else {
            let f = cdf(dist, v)?;
            (f, f)
        };
        d = d.max((upto - hi).abs()).max((lo - below).abs());
        i = j;
    }
    Some(Ks {
        d,
        p: kolmogorov_p(d, nf),
    })
}

/// The probability that the Kolmogorov-Smirnov distance of `n` values
/// from their true distribution is at least `d`: Kolmogorov's limit
/// `Q(λ) = 2 Σ (-1)^(k-1) exp(-2 k² λ²)` at `λ = (√n + 0.12 + 0.11/√n) d`
/// (Stephens 1970).
pub fn kolmogorov_p(d: f64, n: f64) -> f64 {
    let root = n.sqrt();
    let lambda = (root + 0.12 + 0.11 / root) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    let mut sign = 1.0;
    for k in 1..=100 {
        let k = f64::from(k);
        let term = sign * (-2.0 * k * k * lambda * lambda).exp();
        sum += term;
        if term.abs() < 1e-12 {
            break;
        }
        sign = -sign;
    }
    (2.0 * sum).clamp(0.0, 1.0)
}
