//! The words of pictures and tables in each language ([`Lang`]): the
//! stages taken from step kinds, outcomes, channels, terms in the unit
//! the law uses, numbers as each language writes them
//! (docs/languages.md). Diagnostics have their own templates.

use meldroute_core::model::{Channel, Outcome, StepKind};
use meldroute_diagnostics::Lang;

/// The stage a step of `kind` belongs to when its file names none: the
/// stages of a reporting procedure as the working group's journey maps
/// have them (docs/journey-map.md).
pub fn stage(kind: StepKind, lang: Lang) -> &'static str {
    use StepKind as K;
    let (nl, en) = match kind {
        K::Orientation | K::Advice => ("Oriëntatie en advies", "Orientation and advice"),
        K::Report => ("Melden", "Reporting"),
        K::Acknowledgement | K::Intake | K::Assessment => {
            ("Ontvangst en beoordeling", "Receipt and assessment")
        }
        K::Investigation | K::Hearing => ("Onderzoek", "Investigation"),
        K::Decision | K::Postponement | K::Feedback => {
            ("Besluit en terugkoppeling", "Decision and feedback")
        }
        K::Aftercare => ("Nazorg", "Aftercare"),
        K::Referral | K::Escalation => ("Verwijzing en escalatie", "Referral and escalation"),
        K::Closure => ("Afronding", "Closing"),
        _ => ("Overig", "Other"),
    };
    pick(lang, nl, en)
}

/// How a journey ended, in words.
pub fn outcome(o: Outcome, lang: Lang) -> &'static str {
    use Outcome as O;
    let (nl, en) = match o {
        O::Resolved => ("opgelost", "resolved"),
        O::Founded => ("gegrond", "founded"),
        O::Unfounded => ("ongegrond", "unfounded"),
        O::NotHandled => ("niet in behandeling genomen", "not handled"),
        O::Withdrawn => ("ingetrokken", "withdrawn"),
        O::Referred => ("doorverwezen", "referred"),
        O::Closed => ("afgesloten", "closed"),
        _ => ("beëindigd", "ended"),
    };
    pick(lang, nl, en)
}

/// A channel, in words.
pub fn channel(c: Option<Channel>, lang: Lang) -> &'static str {
    let (nl, en) = match c {
        Some(Channel::Letter) => ("brief", "letter"),
        Some(Channel::Email) => ("e-mail", "e-mail"),
        Some(Channel::Phone) => ("telefoon", "phone"),
        Some(Channel::Conversation) => ("gesprek", "conversation"),
        _ => ("contact", "contact"),
    };
    pick(lang, nl, en)
}

/// `nl` or `en`.
pub fn pick(lang: Lang, nl: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// A term of `days` in the unit the law sets such terms in: months where
/// it is a whole number of months (`3 mnd`, as the law says three
/// months), days below four weeks (`7 dagen`), else weeks where whole.
pub fn term(days: f64, lang: Lang) -> String {
    let d = meldroute_core::Duration::from_days(days).to_string();
    let whole_days = (days - days.round()).abs() < 1e-9;
    let d = if whole_days && days < 28.0 && !d.ends_with("mo") && !d.ends_with('h') {
        format!("{}d", days.round())
    } else {
        d
    };
    let split = d.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(d.len());
    let (n, unit) = d.split_at(split);
    let value = n.parse::<f64>().unwrap_or(days);
    let one = value == 1.0;
    let n = number(value, 2, lang);
    let unit = match (unit, one) {
        ("mo", _) => pick(lang, "mnd", "mo"),
        ("w", _) => pick(lang, "wk", "wk"),
        ("y", _) => pick(lang, "jr", "yr"),
        ("h", _) => pick(lang, "uur", "h"),
        ("wd", true) => pick(lang, "werkdag", "working day"),
        ("wd", false) => pick(lang, "werkdagen", "working days"),
        (_, true) => pick(lang, "dag", "day"),
        (_, false) => pick(lang, "dagen", "days"),
    };
    format!("{n} {unit}")
}

/// `x` with at most `decimals` decimals, trailing zeros dropped, with the
/// decimal separator of `lang`.
pub fn number(x: f64, decimals: usize, lang: Lang) -> String {
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".to_owned();
    }
    decimal(&s, lang)
}

/// `x` with exactly `decimals` decimals, in `lang`.
pub fn fixed(x: f64, decimals: usize, lang: Lang) -> String {
    decimal(&format!("{x:.decimals$}"), lang)
}

/// A share as a percentage with `decimals` decimals: `18,75%`.
pub fn percent(share: f64, decimals: usize, lang: Lang) -> String {
    format!("{}%", fixed(share * 100.0, decimals, lang))
}

/// A whole number with the thousands separator of `lang`: `20.000`, `20,000`.
pub fn thousands(n: u64, lang: Lang) -> String {
    let s = crate::text::thousands(n);
    match lang {
        Lang::Nl => s.replace(',', "."),
        Lang::En => s,
    }
}

fn decimal(s: &str, lang: Lang) -> String {
    match lang {
        Lang::Nl => s.replace('.', ","),
        Lang::En => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_keep_the_laws_unit() {
        assert_eq!(term(7.0, Lang::Nl), "7 dagen");
        assert_eq!(term(14.0, Lang::En), "14 days");
        assert_eq!(term(1.0, Lang::Nl), "1 dag");
        assert_eq!(term(42.0, Lang::Nl), "6 wk");
        let three_months = meldroute_core::Duration::parse("3mo")
            .expect("a duration")
            .days();
        assert_eq!(term(three_months, Lang::Nl), "3 mnd");
        assert_eq!(term(three_months, Lang::En), "3 mo");
        assert_eq!(percent(0.1875, 2, Lang::Nl), "18,75%");
        assert_eq!(percent(0.1875, 1, Lang::En), "18.8%");
        assert_eq!(thousands(20_000, Lang::Nl), "20.000");
        assert_eq!(number(2.50, 2, Lang::Nl), "2,5");
    }
}
