use super::*;

fn env() -> Env<'static> {
    Env {
        attributes: vec![("zaak", vec!["benadeling", "overig"])],
    }
}

fn resolved(text: &str) -> Expr<u32> {
    let e = parse(text, &env()).expect("parses");
    e.resolve(&|a: &String, v: &String| {
        let (i, (_, values)) = env()
            .attributes
            .iter()
            .enumerate()
            .find(|(_, (n, _))| n == a)
            .map(|(i, x)| (i, x.clone()))?;
        let j = values.iter().position(|x| x == v)?;
        Some((i as u32, j as u32))
    })
    .expect("resolves")
}

fn err(text: &str) -> ConditionError {
    parse(text, &env()).expect_err("refused")
}

#[test]
fn comparisons_of_durations_and_counts() {
    let now = Now {
        silence: 50.0,
        contacts: 2,
        visits: 3,
        ..Now::default()
    };
    assert!(resolved("silence > 6w").holds(&now));
    assert!(!resolved("silence > 8w").holds(&now));
    assert!(resolved("silence >= 50d and contacts == 2").holds(&now));
    assert!(!resolved("silence >= 50d and contacts != 2").holds(&now));
    assert!(resolved("contacts > 5 or visits >= 3").holds(&now));
    assert!(resolved("not (contacts > 5 or visits > 3)").holds(&now));
    assert!(resolved("silence<=50d").holds(&now), "no spaces needed");
    // Exactly 6 weeks counts as 6 weeks after sums of draws.
    let at = Now {
        silence: 42.0 + 1e-12,
        ..Now::default()
    };
    assert!(resolved("silence <= 6w").holds(&at));
    assert!(!resolved("silence > 6w").holds(&at));
}

#[test]
fn precedence_and_binds_before_or() {
    // true or (false and false) = true; (true or false) and false = false.
    let now = Now {
        contacts: 1,
        ..Now::default()
    };
    assert!(resolved("contacts == 1 or contacts == 2 and contacts == 3").holds(&now));
    assert!(!resolved("(contacts == 1 or contacts == 2) and contacts == 3").holds(&now));
}

#[test]
fn flags_and_attributes() {
    let attrs = [0u8];
    let now = Now {
        anonymous: true,
        attributes: &attrs,
        ..Now::default()
    };
    assert!(resolved("anonymous").holds(&now));
    assert!(!resolved("not anonymous").holds(&now));
    assert!(resolved("zaak == benadeling").holds(&now));
    assert!(!resolved("zaak != benadeling").holds(&now));
    assert!(resolved("zaak != overig and anonymous").holds(&now));
    assert_eq!(
        resolved("zaak == overig or silence > 1d").variables(),
        vec![Var::Silence]
    );
    assert!(resolved("zaak == overig").reads_attributes());
}

#[test]
fn errors_name_the_place_and_the_cause() {
    let e = err("silense > 6w");
    assert_eq!(e.at, 0..7);
    assert!(
        matches!(&e.kind, ErrorKind::UnknownName { name, candidates }
        if name == "silense" && candidates.iter().any(|c| c == "silence"))
    );

    let e = err("silence > 3");
    assert_eq!(e.at, 0..11);
    assert_eq!(
        e.kind,
        ErrorKind::UnitMismatch {
            name: "silence".into(),
            holds: Unit::Duration,
            found: Unit::Count
        }
    );
    let e = err("contacts >= 2w");
    assert!(matches!(
        e.kind,
        ErrorKind::UnitMismatch {
            holds: Unit::Count,
            found: Unit::Duration,
            ..
        }
    ));
    let e = err("zaak == anders");
    assert_eq!(e.at, 8..14);
    assert!(matches!(e.kind, ErrorKind::UnknownValue { .. }));
    let e = err("zaak > overig");
    assert_eq!(e.at, 5..6);
    assert!(matches!(e.kind, ErrorKind::AttributeOrder { .. }));
    assert!(matches!(
        err("silence > 10wd").kind,
        ErrorKind::WorkingDays(_)
    ));
    assert!(matches!(
        err("silence > 6x").kind,
        ErrorKind::BadLiteral { .. }
    ));
    assert!(matches!(
        err("anonymous == true").kind,
        ErrorKind::UnitMismatch {
            holds: Unit::Flag,
            ..
        }
    ));
    assert!(matches!(err("").kind, ErrorKind::Empty));
    let e = err("silence > 6w and");
    assert_eq!(e.at, 16..16);
    assert!(matches!(e.kind, ErrorKind::Unexpected { .. }));
    let e = err("(silence > 6w");
    assert!(matches!(&e.kind, ErrorKind::Unexpected { expected, .. } if *expected == "`)`"));
    assert!(matches!(
        err("silence > 6w contacts").kind,
        ErrorKind::Unexpected { .. }
    ));
    let e = err("silence ≥ 6w");
    assert_eq!(e.at, 8..11);
    assert_eq!(e.kind, ErrorKind::BadCharacter('≥'));
}

#[test]
fn nesting_and_length_are_bounded() {
    let deep = format!("{}silence > 1d{}", "(".repeat(40), ")".repeat(40));
    assert_eq!(err(&deep).kind, ErrorKind::TooDeep);
    let nots = format!("{}anonymous", "not ".repeat(40));
    assert_eq!(err(&nots).kind, ErrorKind::TooDeep);
    let long = vec!["contacts > 1"; 100].join(" and ");
    assert_eq!(err(&long).kind, ErrorKind::TooLong);
    // A long chain within the limit evaluates without recursion trouble.
    let chain = vec!["contacts > 1"; 60].join(" or ");
    assert!(!resolved(&chain).holds(&Now::default()));
}

proptest::proptest! {
    /// Any text made of the language's pieces, and noise, parses or is
    /// refused with a span inside the text: never a panic, and a
    /// condition that parses evaluates.
    #[test]
    fn any_text_parses_or_is_refused_inside_it(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "silence", "visits", "contacts", "anonymous", "retaliated", "zaak",
                "benadeling", "and", "or", "not", "(", ")", "<", "<=", ">", ">=", "==",
                "!=", "6w", "3", "1.5d", "10wd", "-", "é", " ", "1e3d", "",
            ]),
            0..40,
        )
    ) {
        let text = parts.concat();
        match parse(&text, &env()) {
            Ok(e) => {
                let resolved = e.resolve(&|a: &String, v: &String| {
                    (a == "zaak").then_some(())?;
                    let j = ["benadeling", "overig"].iter().position(|x| x == v)?;
                    Some((0u32, j as u32))
                });
                if let Some(r) = resolved {
                    let _ = r.holds(&Now::default());
                }
            }
            Err(err) => {
                proptest::prop_assert!(err.at.start <= err.at.end && err.at.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(err.at.start));
            }
        }
    }
}
