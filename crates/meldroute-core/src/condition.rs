//! The condition language of `when:` (docs/conditions.md): comparisons of
//! the journey's state with durations, counts and attribute values,
//! joined by `and`, `or` and `not`. Parsed into an [`Expr`] with the byte
//! span of every part, checked against what the procedure declares
//! ([`Env`]), and evaluated on the journey at the moment it branches
//! ([`Now`]).
//!
//! ```text
//! condition  := or
//! or         := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary | "(" condition ")" | comparison | flag
//! comparison := variable ("<" | "<=" | ">" | ">=" | "==" | "!=") literal
//! literal    := duration (6w, 3mo, 1.5d) | count (3) | name (an attribute value)
//! ```

use std::ops::Range;

use crate::duration::Duration;

/// Longest condition, in bytes.
pub const MAX_LENGTH: usize = 1_000;

/// What [`ErrorKind::Unexpected`] finds at the end of the text.
pub const END: &str = "the end";

/// Deepest nesting of `not` and parentheses.
pub const MAX_DEPTH: usize = 32;

/// A variable of the journey's state that a condition can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    /// Days since the last contact with the reporter (counted from the
    /// report, or from the start while there is none): the silence so far.
    Silence,
    /// Days since the report (since the start while there is none).
    SinceReport,
    /// Days since the journey started.
    Elapsed,
    /// Contacts with the reporter so far, interim updates included.
    Contacts,
    /// Visits to the step that branches, this one included.
    Visits,
    /// Procedures the journey has been in, this one included.
    Procedures,
    /// The reporter reported anonymously (a flag).
    Anonymous,
    /// The reporter has met retaliation (a flag).
    Retaliated,
}

/// What a variable holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A time, compared with a duration (`6w`).
    Duration,
    /// A count, compared with a whole number (`3`).
    Count,
    /// A flag, true or false: tested alone (`anonymous`, `not anonymous`).
    Flag,
    /// An attribute's value, compared with `==` or `!=` and a value.
    Value,
}

impl Unit {
    /// What a literal of this unit looks like, for messages.
    pub fn described(self) -> &'static str {
        match self {
            Unit::Duration => "a duration such as `6w`",
            Unit::Count => "a whole number such as `3`",
            Unit::Flag => "nothing: a flag is tested alone, as `anonymous` or `not anonymous`",
            Unit::Value => "one of the attribute's values",
        }
    }
}

/// Every variable: its name in a condition, what it holds and what it means.
pub const VARIABLES: [(&str, Var, Unit, &str); 8] = [
    (
        "silence",
        Var::Silence,
        Unit::Duration,
        "time since the last contact with the reporter (from the report; from the start before one)",
    ),
    (
        "since-report",
        Var::SinceReport,
        Unit::Duration,
        "time since the report (since the start before one)",
    ),
    (
        "elapsed",
        Var::Elapsed,
        Unit::Duration,
        "time since the journey started",
    ),
    (
        "contacts",
        Var::Contacts,
        Unit::Count,
        "contacts with the reporter so far, interim updates included",
    ),
    (
        "visits",
        Var::Visits,
        Unit::Count,
        "visits to the step that branches, this one included",
    ),
    (
        "procedures",
        Var::Procedures,
        Unit::Count,
        "procedures the journey has been in, this one included",
    ),
    (
        "anonymous",
        Var::Anonymous,
        Unit::Flag,
        "the reporter reports anonymously (drawn at the start from the procedure's `anonymous`)",
    ),
    (
        "retaliated",
        Var::Retaliated,
        Unit::Flag,
        "the reporter has met retaliation (benadeling) on a step with a `retaliation` risk",
    ),
];

/// A variable by its name.
pub fn variable(name: &str) -> Option<(Var, Unit)> {
    VARIABLES
        .iter()
        .find(|v| v.0 == name)
        .map(|&(_, var, unit, _)| (var, unit))
}

/// True for a name that an attribute may not take: a variable or a word of
/// the language.
pub fn reserved(name: &str) -> bool {
    variable(name).is_some() || matches!(name, "and" | "or" | "not" | "true" | "false")
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Op {
    /// `a op b`.
    #[inline]
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Op::Lt => a < b,
            Op::Le => a <= b,
            Op::Gt => a > b,
            Op::Ge => a >= b,
            Op::Eq => a == b,
            Op::Ne => a != b,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// A literal as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// A duration, in calendar days.
    Duration(f64),
    /// A whole number.
    Count(u64),
    /// A name: an attribute's value.
    Name(String),
}

impl Literal {
    fn unit(&self) -> Unit {
        match self {
            Literal::Duration(_) => Unit::Duration,
            Literal::Count(_) => Unit::Count,
            Literal::Name(_) => Unit::Value,
        }
    }
}

/// A parsed condition; every part with its byte span in the text. `A` is
/// what an attribute is named by: its name as written (`String`), or an
/// index once resolved ([`Expr::resolve`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Expr<A = String> {
    /// A variable compared with a number (days or a count).
    Compare {
        /// The variable.
        var: Var,
        /// The operator.
        op: Op,
        /// Days for a duration, the count for a count.
        value: f64,
    },
    /// A flag (only `anonymous`).
    Flag(Var),
    /// An attribute has (`eq`) or has not this value.
    Attribute {
        /// The attribute.
        attribute: A,
        /// The value.
        value: A,
        /// `==` (true) or `!=`.
        eq: bool,
    },
    /// Not.
    Not(Box<Expr<A>>),
    /// Both.
    And(Box<Expr<A>>, Box<Expr<A>>),
    /// Either.
    Or(Box<Expr<A>>, Box<Expr<A>>),
}

/// The journey's state when it branches, as a condition reads it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Now<'a> {
    /// [`Var::Silence`], days.
    pub silence: f64,
    /// [`Var::SinceReport`], days.
    pub since_report: f64,
    /// [`Var::Elapsed`], days.
    pub elapsed: f64,
    /// [`Var::Contacts`].
    pub contacts: u32,
    /// [`Var::Visits`].
    pub visits: u32,
    /// [`Var::Procedures`].
    pub procedures: u32,
    /// [`Var::Anonymous`].
    pub anonymous: bool,
    /// [`Var::Retaliated`].
    pub retaliated: bool,
    /// Each attribute's value (an index), by the model's numbering.
    pub attributes: &'a [u8],
}

impl Now<'_> {
    #[inline]
    fn number(&self, var: Var) -> f64 {
        match var {
            Var::Silence => self.silence,
            Var::SinceReport => self.since_report,
            Var::Elapsed => self.elapsed,
            Var::Contacts => f64::from(self.contacts),
            Var::Visits => f64::from(self.visits),
            Var::Procedures => f64::from(self.procedures),
            Var::Anonymous => f64::from(u8::from(self.anonymous)),
            Var::Retaliated => f64::from(u8::from(self.retaliated)),
        }
    }
}

/// How far a time may be past a duration and still count as equal to it
/// (`silence <= 6w` holds at exactly six weeks after sums of draws).
const EPSILON_DAYS: f64 = 1e-9;

impl Expr<u32> {
    /// Evaluates the condition on the journey `now`. Iterative over `and`
    /// and `or` chains; nesting is bounded by [`MAX_DEPTH`].
    pub fn holds(&self, now: &Now<'_>) -> bool {
        match self {
            Expr::Compare { var, op, value } => {
                let x = now.number(*var);
                match (var, op) {
                    (Var::Silence | Var::SinceReport | Var::Elapsed, Op::Le) => {
                        x <= value + EPSILON_DAYS
                    }
                    (Var::Silence | Var::SinceReport | Var::Elapsed, Op::Gt) => {
                        x > value + EPSILON_DAYS
                    }
                    _ => op.holds(x, *value),
                }
            }
            Expr::Flag(var) => now.number(*var) != 0.0,
            Expr::Attribute {
                attribute,
                value,
                eq,
            } => {
                let has = now
                    .attributes
                    .get(*attribute as usize)
                    .is_some_and(|&v| u32::from(v) == *value);
                has == *eq
            }
            Expr::Not(e) => !e.holds(now),
            Expr::And(a, b) => a.holds(now) && b.holds(now),
            Expr::Or(a, b) => a.holds(now) || b.holds(now),
        }
    }
}

impl<A> Expr<A> {
    /// Every variable the condition reads, each once, in order of use.
    pub fn variables(&self) -> Vec<Var> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            let v = match e {
                Expr::Compare { var, .. } | Expr::Flag(var) => Some(*var),
                _ => None,
            };
            if let Some(v) = v
                && !out.contains(&v)
            {
                out.push(v);
            }
        });
        out
    }

    /// True when the condition reads an attribute.
    pub fn reads_attributes(&self) -> bool {
        let mut any = false;
        self.visit(&mut |e| any |= matches!(e, Expr::Attribute { .. }));
        any
    }

    /// Calls `f` on every node, depth first.
    fn visit(&self, f: &mut impl FnMut(&Expr<A>)) {
        f(self);
        match self {
            Expr::Not(e) => e.visit(f),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.visit(f);
                b.visit(f);
            }
            _ => {}
        }
    }

    /// The same condition with attributes and their values named by `f`
    /// (attribute, value) instead; `None` when `f` does not know one.
    pub fn resolve<B>(&self, f: &impl Fn(&A, &A) -> Option<(B, B)>) -> Option<Expr<B>> {
        Some(match self {
            Expr::Compare { var, op, value } => Expr::Compare {
                var: *var,
                op: *op,
                value: *value,
            },
            Expr::Flag(v) => Expr::Flag(*v),
            Expr::Attribute {
                attribute,
                value,
                eq,
            } => {
                let (attribute, value) = f(attribute, value)?;
                Expr::Attribute {
                    attribute,
                    value,
                    eq: *eq,
                }
            }
            Expr::Not(e) => Expr::Not(Box::new(e.resolve(f)?)),
            Expr::And(a, b) => Expr::And(Box::new(a.resolve(f)?), Box::new(b.resolve(f)?)),
            Expr::Or(a, b) => Expr::Or(Box::new(a.resolve(f)?), Box::new(b.resolve(f)?)),
        })
    }
}

/// What a condition may name besides the variables: the attributes the
/// procedure declares, each with its values.
#[derive(Clone, Debug, Default)]
pub struct Env<'a> {
    /// (name, values) of each attribute.
    pub attributes: Vec<(&'a str, Vec<&'a str>)>,
}

impl Env<'_> {
    /// What the conditions of `p` may name: its attributes and their values.
    pub fn of(p: &crate::model::Procedure) -> Env<'_> {
        Env {
            attributes: p
                .attributes
                .iter()
                .map(|(k, a)| (k.as_str(), a.values.keys().collect()))
                .collect(),
        }
    }
}

/// What is wrong with a condition, with its byte span in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionError {
    /// Where in the condition's text.
    pub at: Range<usize>,
    /// What.
    pub kind: ErrorKind,
}

/// What is wrong with a condition.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing to test.
    Empty,
    /// Longer than [`MAX_LENGTH`].
    TooLong,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// A character no token starts with.
    BadCharacter(char),
    /// Something other than what the grammar expects here.
    Unexpected {
        /// What was found (`end` at the end).
        found: String,
        /// What would fit.
        expected: &'static str,
    },
    /// A name that is neither a variable nor a declared attribute.
    UnknownName {
        /// The name.
        name: String,
        /// Variables and attributes it could have meant.
        candidates: Vec<String>,
    },
    /// A literal that does not parse as a duration or a count.
    BadLiteral {
        /// The literal.
        literal: String,
        /// Why.
        reason: String,
    },
    /// A duration in working days: conditions compare calendar time.
    WorkingDays(String),
    /// A variable compared with a literal of another unit.
    UnitMismatch {
        /// The variable or attribute.
        name: String,
        /// What it holds.
        holds: Unit,
        /// What the literal is (or that a flag was compared).
        found: Unit,
    },
    /// An attribute compared with `<`, `<=`, `>` or `>=`.
    AttributeOrder {
        /// The attribute.
        attribute: String,
        /// The operator.
        op: Op,
    },
    /// A value the attribute does not declare.
    UnknownValue {
        /// The attribute.
        attribute: String,
        /// The value.
        value: String,
        /// Its declared values.
        values: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Literal(String),
    Op(Op),
    Open,
    Close,
    End,
}

impl Tok {
    fn shown(&self) -> String {
        match self {
            Tok::Name(s) | Tok::Literal(s) => crate::duration::shown(s),
            Tok::Op(op) => op.as_str().to_owned(),
            Tok::Open => "(".to_owned(),
            Tok::Close => ")".to_owned(),
            Tok::End => END.to_owned(),
        }
    }
}

fn lex(text: &str) -> Result<Vec<(Tok, Range<usize>)>, ConditionError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let two = |s: &str| text[i..].starts_with(s);
        let tok = if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c == b'(' {
            i += 1;
            Tok::Open
        } else if c == b')' {
            i += 1;
            Tok::Close
        } else if two("<=") || two(">=") || two("==") || two("!=") {
            i += 2;
            Tok::Op(match &text[start..i] {
                "<=" => Op::Le,
                ">=" => Op::Ge,
                "==" => Op::Eq,
                _ => Op::Ne,
            })
        } else if c == b'<' || c == b'>' {
            i += 1;
            Tok::Op(if c == b'<' { Op::Lt } else { Op::Gt })
        } else if c.is_ascii_alphanumeric() || c == b'.' {
            let literal = c.is_ascii_digit() || c == b'.';
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'_' | b'.'))
            {
                i += 1;
            }
            let word = text[start..i].to_owned();
            if literal {
                Tok::Literal(word)
            } else {
                Tok::Name(word)
            }
        } else {
            let ch = text[i..].chars().next().unwrap_or('?');
            return Err(ConditionError {
                at: i..i + ch.len_utf8(),
                kind: ErrorKind::BadCharacter(ch),
            });
        };
        out.push((tok, start..i));
    }
    out.push((Tok::End, text.len()..text.len()));
    Ok(out)
}

struct Parser<'e> {
    toks: Vec<(Tok, Range<usize>)>,
    i: usize,
    env: &'e Env<'e>,
}

/// Parses `text` and checks it against `env`: the condition with
/// attributes by name, or the first error.
pub fn parse(text: &str, env: &Env<'_>) -> Result<Expr, ConditionError> {
    if text.len() > MAX_LENGTH {
        return Err(ConditionError {
            at: 0..text.len(),
            kind: ErrorKind::TooLong,
        });
    }
    if text.trim().is_empty() {
        return Err(ConditionError {
            at: 0..text.len(),
            kind: ErrorKind::Empty,
        });
    }
    let mut p = Parser {
        toks: lex(text)?,
        i: 0,
        env,
    };
    let e = p.or(0)?;
    match p.peek() {
        Tok::End => Ok(e),
        _ => Err(p.unexpected("`and`, `or` or the end")),
    }
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.i].0
    }

    fn span(&self) -> Range<usize> {
        self.toks[self.i].1.clone()
    }

    fn unexpected(&self, expected: &'static str) -> ConditionError {
        ConditionError {
            at: self.span(),
            kind: ErrorKind::Unexpected {
                found: self.peek().shown(),
                expected,
            },
        }
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Tok::Name(n) if n == word)
    }

    fn or(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        let mut e = self.and(depth)?;
        while self.keyword("or") {
            self.i += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and(depth)?));
        }
        Ok(e)
    }

    fn and(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        let mut e = self.unary(depth)?;
        while self.keyword("and") {
            self.i += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary(depth)?));
        }
        Ok(e)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr, ConditionError> {
        if depth >= MAX_DEPTH {
            return Err(ConditionError {
                at: self.span(),
                kind: ErrorKind::TooDeep,
            });
        }
        if self.keyword("not") {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.unary(depth + 1)?)));
        }
        if *self.peek() == Tok::Open {
            self.i += 1;
            let e = self.or(depth + 1)?;
            if *self.peek() != Tok::Close {
                return Err(self.unexpected("`)`"));
            }
            self.i += 1;
            return Ok(e);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ConditionError> {
        let Tok::Name(name) = self.peek().clone() else {
            return Err(self.unexpected("a variable such as `silence`, `not` or `(`"));
        };
        let name_at = self.span();
        if matches!(name.as_str(), "and" | "or" | "true" | "false") {
            return Err(self.unexpected("a variable such as `silence`, `not` or `(`"));
        }
        let attribute = self.env.attributes.iter().find(|(n, _)| *n == name);
        let holds = match (variable(&name), attribute) {
            (Some((_, unit)), _) => unit,
            (None, Some(_)) => Unit::Value,
            (None, None) => {
                let mut candidates: Vec<String> =
                    VARIABLES.iter().map(|v| v.0.to_owned()).collect();
                candidates.extend(self.env.attributes.iter().map(|(n, _)| (*n).to_owned()));
                return Err(ConditionError {
                    at: name_at,
                    kind: ErrorKind::UnknownName { name, candidates },
                });
            }
        };
        self.i += 1;
        let Tok::Op(op) = *self.peek() else {
            if let (Unit::Flag, Some((var, _))) = (holds, variable(&name)) {
                return Ok(Expr::Flag(var));
            }
            return Err(self.unexpected("a comparison: `<`, `<=`, `>`, `>=`, `==` or `!=`"));
        };
        let op_at = self.span();
        self.i += 1;
        let lit_at = self.span();
        let literal = match self.peek().clone() {
            Tok::Literal(l) => literal(&l).map_err(|kind| ConditionError {
                at: lit_at.clone(),
                kind,
            })?,
            Tok::Name(n) if !matches!(n.as_str(), "and" | "or" | "not") => Literal::Name(n),
            _ => return Err(self.unexpected(holds.described())),
        };
        self.i += 1;
        let mismatch = |found| ConditionError {
            at: name_at.start..lit_at.end,
            kind: ErrorKind::UnitMismatch {
                name: name.clone(),
                holds,
                found,
            },
        };
        match (holds, literal) {
            (Unit::Flag, _) => Err(mismatch(Unit::Flag)),
            (Unit::Value, Literal::Name(value)) => {
                let eq = match op {
                    Op::Eq => true,
                    Op::Ne => false,
                    _ => {
                        return Err(ConditionError {
                            at: op_at,
                            kind: ErrorKind::AttributeOrder {
                                attribute: name,
                                op,
                            },
                        });
                    }
                };
                let values = attribute.map(|a| a.1.clone()).unwrap_or_default();
                if !values.contains(&value.as_str()) {
                    return Err(ConditionError {
                        at: lit_at,
                        kind: ErrorKind::UnknownValue {
                            attribute: name,
                            value,
                            values: values.iter().map(|v| (*v).to_owned()).collect(),
                        },
                    });
                }
                Ok(Expr::Attribute {
                    attribute: name,
                    value,
                    eq,
                })
            }
            (Unit::Duration, Literal::Duration(days)) => Ok(Expr::Compare {
                var: variable(&name).map_or(Var::Elapsed, |v| v.0),
                op,
                value: days,
            }),
            (Unit::Count, Literal::Count(n)) => Ok(Expr::Compare {
                var: variable(&name).map_or(Var::Contacts, |v| v.0),
                op,
                value: n as f64,
            }),
            (_, l) => Err(mismatch(l.unit())),
        }
    }
}

/// A literal that starts with a digit or a point: a whole number, or a
/// duration in calendar time.
fn literal(text: &str) -> Result<Literal, ErrorKind> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse()
            .map(Literal::Count)
            .map_err(|_| ErrorKind::BadLiteral {
                literal: crate::duration::shown(text),
                reason: "the number is too large".to_owned(),
            });
    }
    match Duration::parse(text) {
        Ok(d) if d.is_working() => Err(ErrorKind::WorkingDays(crate::duration::shown(text))),
        Ok(d) if d.days() < 0.0 => Err(ErrorKind::BadLiteral {
            literal: crate::duration::shown(text),
            reason: "a duration is zero or more".to_owned(),
        }),
        Ok(d) => Ok(Literal::Duration(d.days())),
        Err(e) => Err(ErrorKind::BadLiteral {
            literal: crate::duration::shown(text),
            reason: e.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
