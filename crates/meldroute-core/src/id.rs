//! The syntax of ids: procedure ids are lowercase segments joined by `/`
//! (`rijk/klacht`), step, actor and source ids one such segment, in
//! kebab-case (`ontvangstbevestiging`, `awb-9-11`). The loader refuses any
//! other id where it is written or referred to.

use crate::model::Procedure;
use crate::source::Pos;

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    /// A procedure (`id`, `escalate.procedure`).
    Procedure,
    /// A step (keys of `steps`, `start`, `next`, `to`, `from`, ...).
    Step,
    /// An actor (keys of `actors`, a step's `actor`).
    Actor,
    /// A source (keys of `sources`, a step's `sources`).
    Source,
}

impl IdKind {
    /// The word for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Procedure => "procedure",
            IdKind::Step => "step",
            IdKind::Actor => "actor",
            IdKind::Source => "source",
        }
    }

    /// The syntax in words, with an example.
    pub fn syntax(self) -> &'static str {
        match self {
            IdKind::Procedure => {
                "a procedure id is lowercase letters, digits and `-`, in parts joined by `/`, such as `rijk/klacht`"
            }
            IdKind::Step => {
                "a step id is lowercase letters, digits and `-` (kebab-case), such as `ontvangstbevestiging`"
            }
            IdKind::Actor => {
                "an actor id is lowercase letters, digits and `-` (kebab-case), such as `melder`"
            }
            IdKind::Source => {
                "a source id is lowercase letters, digits and `-` (kebab-case), such as `awb-9-11`"
            }
        }
    }
}

/// Why `id` is not a valid id of `kind`, or `None` when it is.
pub fn problem(kind: IdKind, id: &str) -> Option<String> {
    if id.is_empty() {
        return Some("it is empty".to_owned());
    }
    let slash = kind == IdKind::Procedure;
    let invalid = |c: char| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || (slash && c == '/'))
    };
    // An invisible character first: the id as shown does not reveal it.
    if let Some(c) = id
        .chars()
        .find(|&c| invalid(c) && !c.is_ascii_graphic())
        .or_else(|| id.chars().find(|&c| invalid(c)))
    {
        let shown = if c.is_ascii_graphic() {
            format!("`{c}`")
        } else {
            format!("U+{:04X}", c as u32)
        };
        return Some(format!("it contains {shown}"));
    }
    let parts: Vec<&str> = id.split('/').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Some("it has an empty part between `/`".to_owned());
    }
    if parts.iter().any(|p| p.starts_with('-') || p.ends_with('-')) {
        return Some("it starts or ends with `-`".to_owned());
    }
    None
}

/// A valid id close to `id`: lowercase, other characters as `-`, empty
/// parts dropped; empty when nothing is left.
pub fn suggestion(kind: IdKind, id: &str) -> String {
    let slash = kind == IdKind::Procedure;
    id.to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || (slash && c == '/') {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .split('/')
        .map(|s| {
            s.split('-')
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every id a procedure writes or refers to, with its kind and position.
pub fn ids(p: &Procedure) -> Vec<(IdKind, &str, Pos)> {
    let mut out = vec![(IdKind::Procedure, p.id.as_str(), p.id.pos)];
    out.extend(
        p.sources
            .iter()
            .map(|(k, _)| (IdKind::Source, k.as_str(), k.pos)),
    );
    out.extend(
        p.actors
            .iter()
            .map(|(k, _)| (IdKind::Actor, k.as_str(), k.pos)),
    );
    out.extend(p.start.iter().map(|s| (IdKind::Step, s.as_str(), s.pos)));
    for (key, step) in p.steps.iter() {
        out.push((IdKind::Step, key.as_str(), key.pos));
        out.push((IdKind::Actor, step.actor.as_str(), step.actor.pos));
        out.extend(
            step.sources
                .iter()
                .map(|s| (IdKind::Source, s.as_str(), s.pos)),
        );
        if let Some(next) = &step.next {
            out.extend(
                next.step_refs(next.pos)
                    .into_iter()
                    .map(|(to, pos)| (IdKind::Step, to, pos)),
            );
        }
        if let Some(cap) = &step.max_visits {
            out.push((IdKind::Step, cap.then.as_str(), cap.then.pos));
        }
        if let Some(from) = step.deadline.as_ref().and_then(|d| d.from.as_ref()) {
            out.push((IdKind::Step, from.as_str(), from.pos));
        }
        if let Some(escalate) = &step.escalate {
            out.push((
                IdKind::Procedure,
                escalate.procedure.as_str(),
                escalate.procedure.pos,
            ));
            out.extend(
                escalate
                    .step
                    .iter()
                    .map(|s| (IdKind::Step, s.as_str(), s.pos)),
            );
        }
    }
    out.extend(
        p.accept
            .iter()
            .map(|a| (IdKind::Step, a.step.as_str(), a.step.pos)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax() {
        for id in [
            "a",
            "rijk/klacht",
            "ministerie-a/interne-melding",
            "x1/y2",
            "a--b",
        ] {
            assert_eq!(problem(IdKind::Procedure, id), None, "{id}");
        }
        for id in ["melding", "awb-9-11", "1", "niet-in-behandeling"] {
            assert_eq!(problem(IdKind::Step, id), None, "{id}");
        }
        for (kind, id, why) in [
            (IdKind::Procedure, "", "it is empty"),
            (IdKind::Procedure, "Rijk/klacht", "it contains `R`"),
            (IdKind::Procedure, "rijk klacht", "it contains U+0020"),
            (
                IdKind::Procedure,
                "rijk//klacht",
                "it has an empty part between `/`",
            ),
            (
                IdKind::Procedure,
                "rijk/",
                "it has an empty part between `/`",
            ),
            (IdKind::Procedure, "-a", "it starts or ends with `-`"),
            (IdKind::Procedure, "ë", "it contains U+00EB"),
            (IdKind::Step, "a/b", "it contains `/`"),
            (IdKind::Step, "melding\u{200b}", "it contains U+200B"),
            (IdKind::Actor, "\u{1b}[31m", "it contains U+001B"),
            (IdKind::Source, "x\u{202e}", "it contains U+202E"),
            (IdKind::Step, "a-", "it starts or ends with `-`"),
            (IdKind::Step, "Klaar\u{200b}", "it contains U+200B"),
        ] {
            assert_eq!(problem(kind, id).as_deref(), Some(why), "{id:?}");
        }
        assert_eq!(suggestion(IdKind::Procedure, "Rijk Klacht!"), "rijk-klacht");
        assert_eq!(suggestion(IdKind::Procedure, "rijk//Klacht"), "rijk/klacht");
        assert_eq!(suggestion(IdKind::Step, "Rijk/Klacht"), "rijk-klacht");
        assert_eq!(suggestion(IdKind::Step, "ë"), "");
    }
}
