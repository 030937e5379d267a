//! The reporter's experience: a documented, parameterised score per
//! finished journey (docs/experience.md). It is a model, not a
//! measurement: every parameter is an assumption with its reasoning
//! ([`PARAMETERS`]), so that analysts can compare procedures on the
//! reporter's side and see which change moves it most; every output that
//! shows the score says so ([`LABEL`]).

use crate::model::Outcome;

/// What every output that shows the score says of it.
pub const LABEL: &str =
    "a model of the reporter's experience, not a measurement (docs/experience.md)";

/// The lowest and highest score.
pub const RANGE: (f64, f64) = (0.0, 100.0);

/// The parameters of the score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Weights {
    /// Where every journey starts.
    pub base: f64,
    /// Added when the reporter had feedback after the report.
    pub feedback: f64,
    /// Added when the reporter had aftercare.
    pub aftercare: f64,
    /// Added per contact, up to `contacts_counted` contacts.
    pub per_contact: f64,
    /// The contacts that count.
    pub contacts_counted: f64,
    /// Taken off per week of the longest silence, up to `silence_weeks_counted`.
    pub per_silent_week: f64,
    /// The weeks of silence that count.
    pub silence_weeks_counted: f64,
    /// Taken off when the reporter met retaliation.
    pub retaliation: f64,
    /// Added per outcome, in [`Outcome::ALL`] order.
    pub outcome: [f64; 7],
}

/// Every parameter: its name (for `--experience NAME=VALUE` and the
/// sensitivity study), its default, and why.
pub const PARAMETERS: [(&str, f64, &str); 15] = [
    (
        "base",
        50.0,
        "the middle of the scale: a journey with nothing good or bad in it",
    ),
    (
        "feedback",
        15.0,
        "hearing what was done with the report is what reporters miss most (Kamerstuk 28 844 nr. 183, section 6); the largest single gain",
    ),
    (
        "aftercare",
        10.0,
        "the letter names aftercare beside interim feedback as what adds to satisfaction; less than feedback, which it follows",
    ),
    ("per-contact", 2.0, "each contact reassures a little"),
    (
        "contacts-counted",
        5.0,
        "beyond five contacts more of them add nothing",
    ),
    (
        "per-silent-week",
        1.0,
        "a week without news costs about half a contact",
    ),
    (
        "silence-weeks-counted",
        26.0,
        "half a year of silence is as bad as it gets",
    ),
    (
        "retaliation",
        30.0,
        "retaliation undoes the most: the reporter is harmed for reporting",
    ),
    (
        "outcome-resolved",
        10.0,
        "solved to the reporter's satisfaction",
    ),
    ("outcome-founded", 5.0, "the report was right"),
    ("outcome-unfounded", -5.0, "the report was found unfounded"),
    (
        "outcome-not-handled",
        -10.0,
        "the report was not taken into consideration",
    ),
    ("outcome-withdrawn", -5.0, "the reporter gave up"),
    (
        "outcome-referred",
        -5.0,
        "sent elsewhere: the journey goes on in a route not modelled",
    ),
    ("outcome-closed", 0.0, "closed without a judgment"),
];

impl Default for Weights {
    fn default() -> Self {
        let mut w = Weights {
            base: 0.0,
            feedback: 0.0,
            aftercare: 0.0,
            per_contact: 0.0,
            contacts_counted: 0.0,
            per_silent_week: 0.0,
            silence_weeks_counted: 0.0,
            retaliation: 0.0,
            outcome: [0.0; 7],
        };
        for (name, value, _) in PARAMETERS {
            w.set(name, value);
        }
        w
    }
}

/// What the score of one journey reads.
#[derive(Clone, Copy, Debug)]
pub struct Facts {
    /// Feedback after the report.
    pub feedback: bool,
    /// Aftercare.
    pub aftercare: bool,
    /// Contacts with the reporter, interim updates included.
    pub contacts: u32,
    /// The longest silence, in days.
    pub longest_silence_days: f64,
    /// The reporter met retaliation.
    pub retaliated: bool,
    /// How the journey ended; `None` while it goes on (the score so far,
    /// which the journey map's experience lane draws).
    pub outcome: Option<Outcome>,
}

impl Weights {
    /// The parameter `name`'s value, if it is one.
    pub fn get(&self, name: &str) -> Option<f64> {
        Some(match name {
            "base" => self.base,
            "feedback" => self.feedback,
            "aftercare" => self.aftercare,
            "per-contact" => self.per_contact,
            "contacts-counted" => self.contacts_counted,
            "per-silent-week" => self.per_silent_week,
            "silence-weeks-counted" => self.silence_weeks_counted,
            "retaliation" => self.retaliation,
            _ => {
                let o = name.strip_prefix("outcome-")?;
                let i = Outcome::ALL.iter().position(|x| x.as_str() == o)?;
                self.outcome[i]
            }
        })
    }

    /// Sets parameter `name`; false when there is none of that name.
    pub fn set(&mut self, name: &str, value: f64) -> bool {
        let slot = match name {
            "base" => &mut self.base,
            "feedback" => &mut self.feedback,
            "aftercare" => &mut self.aftercare,
            "per-contact" => &mut self.per_contact,
            "contacts-counted" => &mut self.contacts_counted,
            "per-silent-week" => &mut self.per_silent_week,
            "silence-weeks-counted" => &mut self.silence_weeks_counted,
            "retaliation" => &mut self.retaliation,
            _ => {
                let Some(i) = name
                    .strip_prefix("outcome-")
                    .and_then(|o| Outcome::ALL.iter().position(|x| x.as_str() == o))
                else {
                    return false;
                };
                &mut self.outcome[i]
            }
        };
        *slot = value;
        true
    }

    /// The score of a journey with `facts`, within [`RANGE`]:
    ///
    /// `base + feedback + aftercare + per_contact * min(contacts,
    /// contacts_counted) - per_silent_week * min(silence in weeks,
    /// silence_weeks_counted) - retaliation + outcome`.
    #[inline]
    pub fn score(&self, f: &Facts) -> f64 {
        let flag = |b: bool, w: f64| if b { w } else { 0.0 };
        let weeks = (f.longest_silence_days / 7.0).clamp(0.0, self.silence_weeks_counted.max(0.0));
        let contacts = f64::from(f.contacts).min(self.contacts_counted.max(0.0));
        // `Outcome::ALL` is in declaration order (a test of `model` checks it).
        let outcome = f
            .outcome
            .and_then(|o| self.outcome.get(o as usize).copied())
            .unwrap_or(0.0);
        let s = self.base
            + flag(f.feedback, self.feedback)
            + flag(f.aftercare, self.aftercare)
            + self.per_contact * contacts
            - self.per_silent_week * weeks
            - flag(f.retaliated, self.retaliation)
            + outcome;
        s.clamp(RANGE.0, RANGE.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_is_the_documented_sum_within_its_range() {
        let w = Weights::default();
        let f = Facts {
            feedback: true,
            aftercare: false,
            contacts: 7,
            longest_silence_days: 35.0,
            retaliated: false,
            outcome: Some(Outcome::Founded),
        };
        // 50 + 15 + 2 * 5 - 5 + 5.
        assert_eq!(w.score(&f), 75.0);
        let bad = Facts {
            feedback: false,
            contacts: 0,
            longest_silence_days: 400.0,
            retaliated: true,
            outcome: Some(Outcome::NotHandled),
            ..f
        };
        // 50 - 26 - 30 - 10 = -16: at the floor.
        assert_eq!(w.score(&bad), 0.0);
        let mut w2 = w;
        assert!(w2.set("outcome-founded", 20.0) && !w2.set("nothing", 1.0));
        assert_eq!(w2.score(&f), 90.0);
        for (name, value, _) in PARAMETERS {
            assert_eq!(w.get(name), Some(value), "{name}");
        }
    }
}
