//! The procedure model: what a procedure file says, with source positions
//! (the located values and ordered maps it is built of live in
//! `located` and are re-exported here).

use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

pub use crate::authority::{AUTHORITIES, Authorities, Authority, AuthorityInfo};
use crate::duration::{Distribution, Duration};
pub use crate::located::{Located, OrderedMap};
use crate::version::FormatVersion;

/// What kind of route a procedure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProcedureKind {
    /// A report within the reporter's own organisation.
    InternalReport,
    /// A complaint under Awb chapter 9.
    Complaint,
    /// The Nationale ombudsman.
    Ombudsman,
    /// The Huis voor klokkenluiders or another competent authority
    /// (Wbk art. 2c; its `authority` says which).
    WhistleblowerAuthority,
    /// An anonymous line such as the Vertrouwenslijn.
    AnonymousLine,
    /// Advice, for example by a vertrouwenspersoon.
    Advice,
}

impl ProcedureKind {
    /// Every procedure kind, in documentation order.
    pub const ALL: [ProcedureKind; 6] = [
        ProcedureKind::InternalReport,
        ProcedureKind::Complaint,
        ProcedureKind::Ombudsman,
        ProcedureKind::WhistleblowerAuthority,
        ProcedureKind::AnonymousLine,
        ProcedureKind::Advice,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureKind::InternalReport => "internal-report",
            ProcedureKind::Complaint => "complaint",
            ProcedureKind::Ombudsman => "ombudsman",
            ProcedureKind::WhistleblowerAuthority => "whistleblower-authority",
            ProcedureKind::AnonymousLine => "anonymous-line",
            ProcedureKind::Advice => "advice",
        }
    }
}

/// What a report is about: the scopes a procedure handles, which decide
/// whether the Wbk's terms apply or ministry policy does. The one list of
/// scope names ([`Scope::ALL`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Scope {
    /// A suspected wrongdoing where the public interest is at stake (Wbk
    /// art. 1, definition of *misstand*, under b).
    Misstand,
    /// A breach, or risk of a breach, of Union law (Wbk art. 1, definition
    /// of *misstand*, under a; Directive (EU) 2019/1937 art. 2).
    EuBreach,
    /// Another integrity violation (integriteitsschending): ministry
    /// policy, not the Wbk.
    Integrity,
    /// Undesirable behaviour (ongewenste omgangsvormen): ministry policy,
    /// not the Wbk.
    UndesirableBehaviour,
}

impl Scope {
    /// Every scope, in documentation order: what a procedure without
    /// `scopes` handles.
    pub const ALL: [Scope; 4] = [
        Scope::Misstand,
        Scope::EuBreach,
        Scope::Integrity,
        Scope::UndesirableBehaviour,
    ];

    /// The scopes of the Wet bescherming klokkenluiders: a *misstand* in
    /// the sense of its art. 1, which includes a breach of Union law.
    pub const WBK: &'static [Scope] = &[Scope::Misstand, Scope::EuBreach];

    /// The scope named `name` as written in files.
    pub fn named(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// True for a scope of the Wbk ([`Scope::WBK`]): a report whose scope
    /// this is has the Wbk's terms.
    pub fn of_wbk(self) -> bool {
        Scope::WBK.contains(&self)
    }

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Misstand => "misstand",
            Scope::EuBreach => "eu-breach",
            Scope::Integrity => "integrity",
            Scope::UndesirableBehaviour => "undesirable-behaviour",
        }
    }
}

/// The attribute that is the report's scope: its values are scope names
/// ([`Scope`]), drawn per journey, so that the norms that bind by scope
/// bind per journey (docs/conditions.md, "The report's scope").
pub const SCOPE_ATTRIBUTE: &str = "scope";

/// A legal or policy source that steps cite.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What the source is, e.g. "Wet bescherming klokkenluiders, art. 2".
    pub title: String,
    /// Where to read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Anything a reader should know about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The role an actor plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Role {
    /// The person who reports or complains (melder).
    Reporter,
    /// A confidential adviser (vertrouwenspersoon) or other adviser.
    Adviser,
    /// The reporter's organisation (employer, competent authority).
    Organisation,
    /// A body outside the organisation (ombudsman, Huis voor klokkenluiders).
    ExternalBody,
}

/// Someone who does steps.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Name shown in diagrams, e.g. "Vertrouwenspersoon".
    pub title: String,
    /// What part the actor plays.
    pub role: Located<Role>,
    /// The actor's working days, for durations in working days (`10wd`);
    /// default: the Rijk's (docs/calendars.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Located<crate::calendar::CalendarSpec>>,
}

/// What a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StepKind {
    /// The reporter finds out what to do.
    Orientation,
    /// Advice to the reporter (a contact).
    Advice,
    /// The reporter reports or complains.
    Report,
    /// Receipt is confirmed to the reporter (a contact).
    Acknowledgement,
    /// The report is taken in.
    Intake,
    /// The report is assessed.
    Assessment,
    /// The matter is investigated.
    Investigation,
    /// The reporter is heard (a contact).
    Hearing,
    /// A decision or standpoint is taken.
    Decision,
    /// The decision is postponed, and the reporter told so in writing (a
    /// contact), as Awb art. 9:11(2) allows a complaint's handling once
    /// for at most 4 weeks.
    Postponement,
    /// The reporter hears what happens or happened (a contact).
    Feedback,
    /// Care for the reporter after the outcome (a contact).
    Aftercare,
    /// The reporter is referred elsewhere.
    Referral,
    /// The reporter takes the matter to another body.
    Escalation,
    /// The procedure is closed.
    Closure,
}

impl StepKind {
    /// Every step kind, in documentation order.
    pub const ALL: [StepKind; 15] = [
        StepKind::Orientation,
        StepKind::Advice,
        StepKind::Report,
        StepKind::Acknowledgement,
        StepKind::Intake,
        StepKind::Assessment,
        StepKind::Investigation,
        StepKind::Hearing,
        StepKind::Decision,
        StepKind::Postponement,
        StepKind::Feedback,
        StepKind::Aftercare,
        StepKind::Referral,
        StepKind::Escalation,
        StepKind::Closure,
    ];

    /// True for kinds that are a contact with the reporter unless a step says otherwise.
    pub fn is_contact_by_default(self) -> bool {
        matches!(
            self,
            StepKind::Advice
                | StepKind::Acknowledgement
                | StepKind::Hearing
                | StepKind::Postponement
                | StepKind::Feedback
                | StepKind::Aftercare
        )
    }

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Orientation => "orientation",
            StepKind::Advice => "advice",
            StepKind::Report => "report",
            StepKind::Acknowledgement => "acknowledgement",
            StepKind::Intake => "intake",
            StepKind::Assessment => "assessment",
            StepKind::Investigation => "investigation",
            StepKind::Hearing => "hearing",
            StepKind::Decision => "decision",
            StepKind::Postponement => "postponement",
            StepKind::Feedback => "feedback",
            StepKind::Aftercare => "aftercare",
            StepKind::Referral => "referral",
            StepKind::Escalation => "escalation",
            StepKind::Closure => "closure",
        }
    }
}

/// What a step's duration and branch probabilities rest on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Basis {
    /// A statutory term.
    Law,
    /// A written policy or regulation.
    Policy,
    /// Published practice of the body (not law).
    Practice,
    /// Measured figures.
    Measured,
    /// An assumption; the step's `note` says why.
    Assumption,
}

impl Basis {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Law => "law",
            Basis::Policy => "policy",
            Basis::Practice => "practice",
            Basis::Measured => "measured",
            Basis::Assumption => "assumption",
        }
    }
}

/// How a contact reaches the reporter: the touchpoint's channel on the
/// journey map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Channel {
    /// A letter (post).
    Letter,
    /// An e-mail (or a message in a portal).
    Email,
    /// A telephone call.
    Phone,
    /// A conversation in person (or by video).
    Conversation,
}

impl Channel {
    /// Every channel, in documentation order.
    pub const ALL: [Channel; 4] = [
        Channel::Letter,
        Channel::Email,
        Channel::Phone,
        Channel::Conversation,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Letter => "letter",
            Channel::Email => "email",
            Channel::Phone => "phone",
            Channel::Conversation => "conversation",
        }
    }
}

/// How a journey ends.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Outcome {
    /// Solved to the reporter's satisfaction (also informally).
    Resolved,
    /// The report or complaint was found to be well-founded.
    Founded,
    /// The report or complaint was found to be unfounded.
    Unfounded,
    /// Not taken into consideration.
    NotHandled,
    /// Withdrawn by the reporter.
    Withdrawn,
    /// Referred to a route outside the modelled procedures.
    Referred,
    /// Closed without a judgment.
    Closed,
}

impl Outcome {
    /// Every outcome, in documentation order.
    pub const ALL: [Outcome; 7] = [
        Outcome::Resolved,
        Outcome::Founded,
        Outcome::Unfounded,
        Outcome::NotHandled,
        Outcome::Withdrawn,
        Outcome::Referred,
        Outcome::Closed,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Founded => "founded",
            Outcome::Unfounded => "unfounded",
            Outcome::NotHandled => "not-handled",
            Outcome::Withdrawn => "withdrawn",
            Outcome::Referred => "referred",
            Outcome::Closed => "closed",
        }
    }
}

/// A deadline on a step.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// The step must complete within this time.
    pub within: Located<Duration>,
    /// Counted from the completion of this step; absent: from entering the procedure.
    #[serde(default)]
    pub from: Option<Located<String>>,
    /// The rule that sets the deadline, e.g. "Awb art. 9:11".
    pub basis: String,
    /// Why a longer term the law allows only in some cases applies here
    /// (the 6 months of an external authority's feedback "in duly
    /// justified cases", Directive art. 11(2)(d)); absent: the law's
    /// ordinary term must be kept.
    #[serde(default)]
    pub reason: Option<String>,
    /// The complainant's written consent to a delay beyond the law's term
    /// (Awb art. 9:11(3)): what they agreed to. The term is then kept by
    /// exception, and `gaps` says so.
    #[serde(default)]
    pub consent: Option<String>,
}

impl Deadline {
    /// The deadline states why a longer term applies (a `reason` in
    /// words: see [`Deadline::says`]).
    pub fn justified(&self) -> bool {
        Self::says(self.reason.as_deref())
    }

    /// The deadline states the complainant's written consent to a longer
    /// term (a `consent` in words).
    pub fn consented(&self) -> bool {
        Self::says(self.consent.as_deref())
    }

    /// A `reason` or `consent` says something: it has a word of at least
    /// three letters (".", "-" or "ok" state no case).
    fn says(text: Option<&str>) -> bool {
        text.is_some_and(|t| {
            t.split(|c: char| !c.is_alphabetic())
                .any(|w| w.chars().count() >= 3)
        })
    }
}

/// A probability, written as a plain number (a quoted string is an error).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Probability(pub f64);

impl Deref for Probability {
    type Target = f64;
    fn deref(&self) -> &f64 {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProbVisitor;
        impl Visitor<'_> for ProbVisitor {
            type Value = Probability;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a probability: a number between 0 and 1, such as `0.25`")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Probability, E> {
                Ok(Probability(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Probability, E> {
                Ok(Probability(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Probability, E> {
                Ok(Probability(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Probability, E> {
                Err(E::custom(format!(
                    "probability `{v}` is text; write a plain number such as `0.25`, without quotes"
                )))
            }
        }
        deserializer.deserialize_any(ProbVisitor)
    }
}

impl JsonSchema for Probability {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Probability".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "number", "minimum": 0, "maximum": 1})
    }
}

/// A true/false flag; only `true` and `false` are accepted.
fn strict_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct BoolVisitor;
    impl Visitor<'_> for BoolVisitor {
        type Value = bool;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("`true` or `false`")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            Err(E::custom(format!(
                "`{v}` is not a flag; write `true` or `false`, without quotes"
            )))
        }
    }
    deserializer.deserialize_any(BoolVisitor)
}

/// Leaves the default (`null`) out of a schema.
pub(crate) fn no_default(schema: &mut Schema) {
    schema.remove("default");
}

/// A `meldroute:` key that is written has a version: an empty value is an
/// error, not a file without a version.
pub(crate) fn format_version<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Located<FormatVersion>>, D::Error> {
    Located::deserialize(deserializer).map(Some)
}

/// The `scopes:` list as written, each name with its position.
pub type Scopes = Located<Vec<Located<Scope>>>;

/// A `scopes:` list names at least one scope.
fn scope_list<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Scopes>, D::Error> {
    let list = Scopes::deserialize(deserializer)?;
    if list.is_empty() {
        return Err(de::Error::custom(
            "`scopes` is empty; list the scopes the procedure handles (`misstand`, `eu-breach`, `integrity`, `undesirable-behaviour`), or leave the key out for all of them",
        ));
    }
    Ok(Some(list))
}

fn strict_opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    strict_bool(deserializer).map(Some)
}

/// One branch of a probabilistic `next`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The step this branch leads to.
    pub to: Located<String>,
    /// The probability of this branch, in [0, 1].
    pub p: Located<Probability>,
}

/// Where a journey goes after a step.
#[derive(Clone, Debug)]
pub enum Next {
    /// Always to this step.
    Step(String),
    /// To one of these steps, with the given probabilities.
    Branches(Vec<Branch>),
    /// One of these sets of branches, chosen by the journey's state when it
    /// branches: the first whose `when` holds, else the `otherwise`
    /// (docs/conditions.md).
    Conditional(Vec<Located<Alternative>>),
}

/// One alternative of a conditional `next`: `{when: CONDITION, then: ...}`,
/// or the last, `{otherwise: ...}`.
#[derive(Clone, Debug)]
pub struct Alternative {
    /// The condition (docs/conditions.md); `None` for the `otherwise`.
    pub when: Option<Located<String>>,
    /// Where the journey goes when it holds: a step id or a list of
    /// branches summing to 1 (not another conditional).
    pub then: Located<Next>,
}

impl Next {
    /// The step ids this `next` can lead to, with their probability; for
    /// a conditional `next`, every target of every alternative, each with
    /// its probability in its own set.
    pub fn targets(&self) -> Vec<(&str, f64)> {
        match self {
            Next::Step(s) => vec![(s.as_str(), 1.0)],
            Next::Branches(b) => b.iter().map(|b| (b.to.as_str(), b.p.value.0)).collect(),
            Next::Conditional(alts) => alts.iter().flat_map(|a| a.then.targets()).collect(),
        }
    }

    /// Every step id this `next` names, with where it is written (`pos`:
    /// where this `next` is, the place of a lone step id).
    pub fn step_refs(&self, pos: crate::source::Pos) -> Vec<(&str, crate::source::Pos)> {
        match self {
            Next::Step(to) => vec![(to.as_str(), pos)],
            Next::Branches(b) => b.iter().map(|b| (b.to.as_str(), b.to.pos)).collect(),
            Next::Conditional(alts) => alts
                .iter()
                .flat_map(|a| a.then.step_refs(a.then.pos))
                .collect(),
        }
    }

    /// The sets of branches this `next` chooses between, each with its
    /// condition (`None`: always, or the `otherwise`) and its place (`pos`:
    /// where this `next` is).
    pub fn alternatives(
        &self,
        pos: crate::source::Pos,
    ) -> Vec<(Option<&Located<String>>, &Next, crate::source::Pos)> {
        match self {
            Next::Conditional(alts) => alts
                .iter()
                .map(|a| (a.when.as_ref(), &a.then.value, a.then.pos))
                .collect(),
            other => vec![(None, other, pos)],
        }
    }
}

/// An entry of a `next` list as read: a branch `{to, p}`, an alternative
/// `{when, then}` or the `{otherwise}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NextItem {
    #[serde(default)]
    to: Option<Located<String>>,
    #[serde(default)]
    p: Option<Located<Probability>>,
    #[serde(default)]
    when: Option<Located<String>>,
    #[serde(default)]
    then: Option<Located<Next>>,
    #[serde(default)]
    otherwise: Option<Located<Next>>,
}

/// A `next` list's entry, sorted.
enum Item {
    Branch(Branch),
    Alternative(Located<Alternative>),
}

impl NextItem {
    fn sort<E: de::Error>(self, pos: crate::source::Pos) -> Result<Item, E> {
        match self {
            NextItem {
                to: Some(to),
                p: Some(p),
                when: None,
                then: None,
                otherwise: None,
            } => Ok(Item::Branch(Branch { to, p })),
            NextItem {
                to: None,
                p: None,
                when: Some(when),
                then: Some(then),
                otherwise: None,
            } => Ok(Item::Alternative(Located {
                value: Alternative {
                    when: Some(when),
                    then,
                },
                pos,
            })),
            NextItem {
                to: None,
                p: None,
                when: None,
                then: None,
                otherwise: Some(then),
            } => Ok(Item::Alternative(Located {
                value: Alternative { when: None, then },
                pos,
            })),
            NextItem {
                to: None, p: None, ..
            } => Err(E::custom(
                "an alternative of `next` is `{when: CONDITION, then: ...}`, and the last `{otherwise: ...}`; `then` and `otherwise` take a step id or a list of branches",
            )),
            NextItem {
                when: None,
                then: None,
                otherwise: None,
                ..
            } => Err(E::custom(
                "a branch needs both `to` and `p`: `- {to: step, p: 0.5}`",
            )),
            _ => Err(E::custom(
                "an entry of `next` is either a branch `{to, p}` or an alternative `{when, then}` / `{otherwise}`, not both",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Next {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NextVisitor;
        impl<'de> Visitor<'de> for NextVisitor {
            type Value = Next;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a step id, or a list of branches `- {to: step, p: 0.5}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Next, E> {
                Ok(Next::Step(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Next, E> {
                Ok(Next::Step(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Next, E> {
                Ok(Next::Step(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Next, A::Error> {
                let mut branches = Vec::new();
                let mut alternatives = Vec::new();
                while let Some(item) = seq.next_element::<Located<NextItem>>()? {
                    match item.value.sort(item.pos)? {
                        Item::Branch(b) => branches.push(b),
                        Item::Alternative(a) => alternatives.push(a),
                    }
                    if !branches.is_empty() && !alternatives.is_empty() {
                        return Err(de::Error::custom(
                            "`next` mixes branches `{to, p}` with alternatives `{when, then}`; put the branches in the alternatives' `then` and `otherwise`",
                        ));
                    }
                }
                if !alternatives.is_empty() {
                    return Ok(Next::Conditional(alternatives));
                }
                if branches.is_empty() {
                    return Err(de::Error::custom(
                        "`next` has no branches; name a step, or list branches `- {to: step, p: 0.5}`",
                    ));
                }
                Ok(Next::Branches(branches))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Next, A::Error> {
                Err(de::Error::custom(
                    "`next` is a step id or a list of branches; write branches as a list: `- {to: step, p: 0.5}`",
                ))
            }
        }
        deserializer.deserialize_any(NextVisitor)
    }
}

impl JsonSchema for Next {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Next".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let branch = generator.subschema_for::<Branch>();
        let set = json_schema!({
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": branch, "minItems": 1}
            ]
        });
        json_schema!({
            "description": "The next step: a step id, a list of branches whose probabilities sum to 1, or alternatives chosen by the journey's state (`- {when: CONDITION, then: ...}`, the last `- {otherwise: ...}`; docs/conditions.md).",
            "oneOf": [
                {"type": "string"},
                {"type": "array", "items": branch, "minItems": 1},
                {"type": "array", "minItems": 1, "items": {"oneOf": [
                    {
                        "type": "object",
                        "description": "Taken when the condition holds (docs/conditions.md).",
                        "properties": {"when": {"type": "string"}, "then": set},
                        "required": ["when", "then"],
                        "additionalProperties": false
                    },
                    {
                        "type": "object",
                        "description": "Taken when no condition before it holds; the last alternative.",
                        "properties": {"otherwise": set},
                        "required": ["otherwise"],
                        "additionalProperties": false
                    }
                ]}}
            ]
        })
    }
}

/// The journey continues in another procedure.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    /// The id of the procedure, e.g. `rijk/klacht`.
    pub procedure: Located<String>,
    /// The step to enter at; absent: the procedure's start.
    #[serde(default)]
    pub step: Option<Located<String>>,
}

/// Contacts with the reporter while a step runs: an update every `every`,
/// the first after `first` (default: after `every`).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Updates {
    /// The time between two updates; longer than zero.
    pub every: Located<Duration>,
    /// The time from the step's start to the first update (default:
    /// `every`); zero or more.
    #[serde(default)]
    pub first: Option<Located<Duration>>,
    /// The updates tell the reporter about the follow-up envisaged or taken
    /// and why, so they are feedback (Richtlijn (EU) 2019/1937 art. 5(13));
    /// default `false`: a bare "we are still busy" is a contact, no
    /// feedback.
    #[serde(default, deserialize_with = "strict_bool")]
    pub feedback: bool,
}

impl Updates {
    /// Days to the first update.
    pub fn first_days(&self) -> f64 {
        self.first
            .as_ref()
            .map_or_else(|| self.every.days(), |f| f.days())
    }
}

/// How far a sensitivity study (`meldroute sensitivity`,
/// docs/sensitivity.md) varies an assumption: `range: {duration: [0.8, 2.0],
/// branches: 0.05}`. Only on a step whose `basis` is `assumption`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssumptionRange {
    /// The lowest and the highest scale of the step's duration: every
    /// duration of its distribution is multiplied by a factor between them
    /// (default `[0.5, 1.5]`); above zero, the lowest first.
    #[serde(default)]
    pub duration: Option<Located<[f64; 2]>>,
    /// How far each branch probability of the step moves either way,
    /// within [0, 1], the others renormalised in proportion (default
    /// `0.1`); above 0 and at most 1. Only on a step with branches.
    #[serde(default)]
    pub branches: Option<Located<f64>>,
}

/// One step of a procedure.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// What happens, in a few words.
    pub title: Located<String>,
    /// Who does it (an actor id).
    pub actor: Located<String>,
    /// What kind of step it is.
    pub kind: Located<StepKind>,
    /// The stage of the journey the step belongs to, as the journey map
    /// names it (default: from its kind, docs/journey-map.md).
    #[serde(default)]
    pub stage: Option<Located<String>>,
    /// How a contact reaches the reporter (a letter, an e-mail, a phone
    /// call, a conversation); only on a step that is a contact.
    #[serde(default)]
    pub channel: Option<Located<Channel>>,
    /// How long it takes (default `0d`).
    #[serde(default)]
    pub duration: Located<Distribution>,
    /// What the duration and branch probabilities rest on.
    #[serde(default)]
    pub basis: Option<Located<Basis>>,
    /// Explanation, required when the basis is an assumption.
    #[serde(default)]
    pub note: Option<String>,
    /// For an assumption: how far `meldroute sensitivity` varies it
    /// (default: the duration scaled from 0.5 to 1.5 times, each branch
    /// probability moved by up to 0.10 either way).
    #[serde(default)]
    pub range: Option<Located<AssumptionRange>>,
    /// Ids of the sources (top-level `sources`) this step rests on.
    #[serde(default)]
    pub sources: Vec<Located<String>>,
    /// Whether the step is a contact with the reporter (default by kind).
    #[serde(default, deserialize_with = "strict_opt_bool")]
    pub contact: Option<bool>,
    /// A time limit for this step.
    #[serde(default)]
    pub deadline: Option<Located<Deadline>>,
    /// Interim updates to the reporter while the step runs.
    #[serde(default)]
    pub updates: Option<Located<Updates>>,
    /// The next step or branches.
    #[serde(default)]
    pub next: Option<Located<Next>>,
    /// The journey continues in another procedure.
    #[serde(default)]
    pub escalate: Option<Located<Escalate>>,
    /// The journey ends with this outcome.
    #[serde(default)]
    pub outcome: Option<Located<Outcome>>,
    /// How often a journey can pass this step, and where it goes from the
    /// last pass instead of `next` (docs/conditions.md, "Loop caps").
    #[serde(default, rename = "max-visits")]
    pub max_visits: Option<Located<MaxVisits>>,
    /// The step reaches the reporter only if it knows who they are (a
    /// letter home, a call): an anonymous reporter gets no contact,
    /// feedback or aftercare from it (default `false`: the route has a
    /// channel, such as a case number to call back).
    #[serde(default, rename = "needs-identity", deserialize_with = "strict_bool")]
    pub needs_identity: bool,
    /// The risk of retaliation while the step runs (docs/conditions.md,
    /// "Retaliation"); absent: the procedure's, if any.
    #[serde(default)]
    pub retaliation: Option<Located<Retaliation>>,
}

/// A risk of retaliation (benadeling) for the reporter: a probability per
/// visit of a step, or a rate per day while it runs (`per-visit: 0.05` or
/// `per-day: 0.001`, exactly one), with what it rests on. A journey meets
/// retaliation at most once; conditions read it as `retaliated`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retaliation {
    /// The probability that a visit of the step brings retaliation, in [0, 1].
    #[serde(default, rename = "per-visit")]
    pub per_visit: Option<Located<Probability>>,
    /// The rate per day while the step runs: a visit of `d` days brings
    /// retaliation with probability `1 - exp(-rate * d)`; at least 0.
    #[serde(default, rename = "per-day")]
    pub per_day: Option<Located<f64>>,
    /// What the figure rests on (mostly an assumption; the Huis's annual
    /// reports give counts).
    pub basis: Located<Basis>,
    /// Explanation, required when the basis is an assumption.
    #[serde(default)]
    pub note: Option<String>,
}

/// A loop cap: `max-visits: {count: 3, then: afsluiting}`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MaxVisits {
    /// How often a journey can pass the step; at least 1.
    pub count: Located<u32>,
    /// The step the journey goes to from its last pass, instead of `next`;
    /// it must not lead back to this step.
    pub then: Located<String>,
}

/// How many reporters report anonymously:
/// `anonymous: {share: 0.3, basis: assumption, note: ...}`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Anonymity {
    /// The share of journeys that start anonymous, in [0, 1].
    pub share: Located<Probability>,
    /// What the share rests on.
    pub basis: Located<Basis>,
    /// Explanation, required when the basis is an assumption.
    #[serde(default)]
    pub note: Option<String>,
}

/// An attribute of the report, drawn when a journey enters the procedure
/// (unless it carries it already): `zaak: {values: {benadeling: 0.3,
/// overig: 0.7}, basis: assumption, note: ...}`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// What the attribute says, in a few words.
    #[serde(default)]
    pub title: Option<String>,
    /// Each value with its share of journeys; the shares sum to 1.
    pub values: OrderedMap<Located<Probability>>,
    /// What the shares rest on.
    pub basis: Located<Basis>,
    /// Explanation, required when the basis is an assumption.
    #[serde(default)]
    pub note: Option<String>,
}

impl Step {
    /// True when this step is a contact with the reporter.
    pub fn is_contact(&self) -> bool {
        self.contact
            .unwrap_or_else(|| self.kind.is_contact_by_default())
    }

    /// True when the step tells the reporter what was done with the report:
    /// a `feedback` step, or a `decision` that is a contact (a decision
    /// letter, such as the written outcome of a complaint).
    pub fn is_feedback(&self) -> bool {
        *self.kind == StepKind::Feedback || (*self.kind == StepKind::Decision && self.is_contact())
    }

    /// The step's interim updates when at least one surely comes on every
    /// visit: its duration is always longer than the time to the first
    /// (the simulation counts updates strictly before the step ends,
    /// `sim::model::SimUpdates::during`). Updates that may not come make
    /// no route a route with contact or feedback.
    pub fn sure_updates(&self) -> Option<&Updates> {
        let u = &self.updates.as_ref()?.value;
        self.duration.surely_above(u.first_days()).then_some(u)
    }

    /// True when the reporter surely hears from the procedure during or at
    /// the end of this step: it is a contact, or it surely gives an
    /// interim update. An update is a contact, but no acknowledgement of
    /// receipt (MR107 asks for a step of kind `acknowledgement`).
    pub fn surely_contacts(&self) -> bool {
        self.is_contact() || self.sure_updates().is_some()
    }

    /// True when the step surely gives the reporter feedback: it is
    /// feedback ([`Step::is_feedback`]), or it surely gives an interim
    /// update that is feedback (`feedback: true`; a bare update is not).
    pub fn surely_feedback(&self) -> bool {
        self.is_feedback() || self.sure_updates().is_some_and(|u| u.feedback)
    }

    /// True when the journey ends or leaves the procedure here.
    pub fn is_terminal(&self) -> bool {
        self.outcome.is_some() || self.escalate.is_some()
    }

    /// The steps the journey can go to within the procedure: every target
    /// of `next` with its probability in its set, and the loop cap's
    /// `then` (probability 1 from the last pass).
    pub fn targets(&self) -> Vec<(&str, f64)> {
        let mut out = self.next.as_ref().map(|n| n.targets()).unwrap_or_default();
        if let Some(cap) = &self.max_visits {
            out.push((cap.then.as_str(), 1.0));
        }
        out
    }
}

/// One procedure: a route a reporter can take.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "meldroute procedure",
    description = "A reporting or complaint procedure as a graph of steps; see docs/format.md."
)]
pub struct Procedure {
    /// Format version of the file, best the first key: `meldroute: 1`.
    // Absent: read as version 1, with a warning (MR019); a version newer
    // than this meldroute reads is refused. The schema has no default: a
    // file without it is not what it should be.
    #[serde(default, rename = "meldroute", deserialize_with = "format_version")]
    #[schemars(with = "FormatVersion", transform = no_default)]
    pub format_version: Option<Located<FormatVersion>>,
    /// Library id, e.g. `rijk/klacht`.
    pub id: Located<String>,
    /// Name of the procedure.
    pub title: String,
    /// Who runs it.
    pub organisation: String,
    /// Longer description.
    #[serde(default)]
    pub description: Option<String>,
    /// What kind of route this is.
    pub kind: Located<ProcedureKind>,
    /// The competent authority (Wbk art. 2c) a `whistleblower-authority`
    /// procedure is, or the list of those a generic one stands for; only
    /// on that kind.
    #[serde(default)]
    pub authority: Option<Located<Authorities>>,
    /// What reports the procedure handles (absent: every scope, see
    /// [`Procedure::scopes`]); the Wbk's norms bind only a procedure that
    /// handles a *misstand* or a breach of Union law.
    #[serde(default, deserialize_with = "scope_list")]
    pub scopes: Option<Scopes>,
    /// True for made-up example variants, which are not facts about a real organisation.
    #[serde(default, deserialize_with = "strict_bool")]
    pub illustrative: bool,
    /// For a complaint procedure: an advisory committee handles the
    /// complaints (Awb section 9.1.3), so the term is 10 weeks, not 6
    /// (Awb art. 9:11(1)). Read only for complaint procedures.
    #[serde(
        default,
        rename = "advisory-committee",
        deserialize_with = "strict_bool"
    )]
    pub advisory_committee: bool,
    /// For an internal-report procedure: the source (an id under
    /// `sources`) where the procedure gives clear, easily accessible
    /// information on reporting externally to the competent authorities
    /// (Directive art. 9(1)(g)).
    #[serde(default, rename = "external-information")]
    pub external_information: Option<Located<String>>,
    /// Legal and policy sources, by id.
    pub sources: OrderedMap<Source>,
    /// Who takes part, by id.
    pub actors: OrderedMap<Actor>,
    /// The first step.
    #[schemars(required)]
    pub start: Option<Located<String>>,
    /// The steps, by id, in a readable order.
    pub steps: OrderedMap<Step>,
    /// How many reporters report anonymously (absent: none); drawn at the
    /// start of a journey that starts in this procedure.
    #[serde(default)]
    pub anonymous: Option<Located<Anonymity>>,
    /// Attributes of the report that conditions can test, by name
    /// (docs/conditions.md).
    #[serde(default)]
    pub attributes: OrderedMap<Attribute>,
    /// The risk of retaliation per day on every step of the procedure that
    /// has no `retaliation` of its own (`per-day` only).
    #[serde(default)]
    pub retaliation: Option<Located<Retaliation>>,
    /// Gap findings accepted on purpose, each with its reason.
    #[serde(default)]
    pub accept: Vec<Located<Accept>>,
}

/// A gap finding accepted on purpose (`meldroute gaps` lists it as accepted).
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    /// The rule code or name, e.g. `MR103` or `missing-aftercare`.
    pub rule: Located<String>,
    /// The step the finding is at.
    pub step: Located<String>,
    /// Why the gap is accepted (e.g. the route really has it, with its source).
    pub reason: Located<String>,
    /// The finding reproduces a shortcoming a source has found (such as
    /// the letter's missing interim feedback and aftercare): reported apart
    /// from findings accepted as no real gap.
    #[serde(default, rename = "known-shortcoming")]
    pub known_shortcoming: Option<Located<KnownShortcoming>>,
}

/// A shortcoming a source has found, which an accepted finding reproduces.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownShortcoming {
    /// The id of the source (top-level `sources`) that found it, e.g.
    /// `kamerbrief-2019`.
    pub source: Located<String>,
}

impl Procedure {
    /// The scopes the procedure handles, in [`Scope::ALL`] order, each
    /// once; every scope when the file names none.
    pub fn scopes(&self) -> Vec<Scope> {
        match &self.scopes {
            Some(list) => Scope::ALL
                .into_iter()
                .filter(|s| list.iter().any(|l| l.value == *s))
                .collect(),
            None => Scope::ALL.to_vec(),
        }
    }

    /// The id of the reporter actor, if exactly one actor has that role.
    pub fn reporter(&self) -> Option<&str> {
        let mut reporters = self
            .actors
            .iter()
            .filter(|(_, a)| *a.role == Role::Reporter);
        match (reporters.next(), reporters.next()) {
            (Some((id, _)), None) => Some(id.as_str()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names the file format accepts for `T`, from its JSON Schema.
    fn schema_names<T: JsonSchema>() -> Vec<String> {
        let schema = serde_json::to_value(schemars::schema_for!(T)).expect("schema serialises");
        schema["oneOf"]
            .as_array()
            .expect("one sub-schema per variant")
            .iter()
            .map(|v| v["const"].as_str().expect("a named variant").to_owned())
            .collect()
    }

    /// The `ALL` lists hold every variant once, in declaration order, so
    /// that code indexing by them (such as `sim::OUTCOMES`) misses none.
    #[test]
    fn all_lists_are_complete_and_in_order() {
        assert_eq!(
            StepKind::ALL.map(StepKind::as_str).to_vec(),
            schema_names::<StepKind>()
        );
        assert_eq!(
            ProcedureKind::ALL.map(ProcedureKind::as_str).to_vec(),
            schema_names::<ProcedureKind>()
        );
        assert_eq!(
            Outcome::ALL.map(Outcome::as_str).to_vec(),
            schema_names::<Outcome>()
        );
        assert_eq!(
            Scope::ALL.map(Scope::as_str).to_vec(),
            schema_names::<Scope>()
        );
    }
}
