//! The bundled library: it loads, validates clean, and states its sources.

use meldroute_core::model::{AUTHORITIES, Basis, Next, ProcedureKind};
use meldroute_core::{EntryId, Library, Limits, Origin, Severity, catalogue};

fn bundled() -> (Library, Vec<EntryId>) {
    let lib = Library::with_bundled(Limits::default());
    assert!(lib.load_errors().is_empty(), "{:?}", lib.load_errors());
    let targets: Vec<EntryId> = lib
        .iter()
        .filter(|(_, e)| e.origin == Origin::Bundled)
        .map(|(i, _)| i)
        .collect();
    (lib, targets)
}

#[test]
fn every_bundled_procedure_validates_without_findings() {
    let (lib, targets) = bundled();
    let rijk = targets
        .iter()
        .filter(|&&i| lib.entry(i).procedure.id.starts_with("rijk/"))
        .count();
    assert_eq!(
        rijk, 9,
        "the seven routes of the letter, the other competent authorities and the start"
    );
    let findings = catalogue::check(&lib, &targets);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn the_routes_of_the_letter_are_all_there_and_linked() {
    let (lib, _) = bundled();
    for id in [
        "rijk/vertrouwenspersoon",
        "rijk/interne-melding",
        "rijk/klacht",
        "rijk/nationale-ombudsman",
        "rijk/huis-voor-klokkenluiders-advies",
        "rijk/huis-voor-klokkenluiders-onderzoek",
        "rijk/vertrouwenslijn",
        "rijk/bevoegde-autoriteit",
        "rijk/doorverwijzing",
    ] {
        assert!(lib.resolve(id).is_some(), "{id} missing");
    }
    let escalations = |id: &str| -> Vec<String> {
        let entry = lib.resolve(id).expect("exists");
        let mut v: Vec<String> = entry
            .procedure
            .steps
            .iter()
            .filter_map(|(_, s)| s.escalate.as_ref())
            .map(|e| e.procedure.value.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(
        escalations("rijk/interne-melding"),
        [
            "rijk/bevoegde-autoriteit",
            "rijk/huis-voor-klokkenluiders-onderzoek",
            "rijk/klacht"
        ]
    );
    assert_eq!(escalations("rijk/klacht"), ["rijk/nationale-ombudsman"]);
    assert!(escalations("rijk/vertrouwenspersoon").contains(&"rijk/interne-melding".to_owned()));
}

#[test]
fn every_step_cites_a_source_and_every_assumption_says_why() {
    let (lib, targets) = bundled();
    for &i in &targets {
        let p = &lib.entry(i).procedure;
        // Real routes are not illustrative; the example variants must say they are.
        assert_eq!(
            p.illustrative,
            p.id.starts_with("voorbeelden/"),
            "{}: illustrative must be set exactly for voorbeelden/",
            *p.id
        );
        for (id, step) in p.steps.iter() {
            let timed =
                !step.duration.is_zero() || matches!(step.next.as_deref(), Some(Next::Branches(_)));
            if timed {
                let basis = step
                    .basis
                    .as_ref()
                    .unwrap_or_else(|| panic!("{}:{} has no basis", *p.id, id.value));
                if **basis == Basis::Assumption {
                    assert!(
                        step.note.as_deref().is_some_and(|n| n.len() > 10),
                        "{}:{} assumption without reason",
                        *p.id,
                        id.value
                    );
                }
            }
            assert!(
                !step.sources.is_empty() || step.note.is_some(),
                "{}:{} cites no source and has no note",
                *p.id,
                id.value
            );
        }
    }
}

#[test]
fn legal_deadlines_are_modelled_with_their_basis() {
    let (lib, _) = bundled();
    let deadlines = |id: &str| -> Vec<(f64, String)> {
        lib.resolve(id)
            .expect("exists")
            .procedure
            .steps
            .iter()
            .filter_map(|(_, s)| s.deadline.as_ref())
            .map(|d| (d.within.days(), d.basis.clone()))
            .collect()
    };
    let internal = deadlines("rijk/interne-melding");
    assert!(
        internal
            .iter()
            .any(|(d, b)| *d == 7.0 && b.contains("9(1)(b)")),
        "{internal:?}"
    );
    assert!(
        internal
            .iter()
            .any(|(d, b)| (*d - 91.3125).abs() < 1e-9 && b.contains("9(1)(f)")),
        "{internal:?}"
    );
    let complaint = deadlines("rijk/klacht");
    assert!(
        complaint
            .iter()
            .any(|(d, b)| *d == 42.0 && b.contains("9:11")),
        "{complaint:?}"
    );
}

#[test]
fn no_bundled_finding_is_an_error() {
    let (lib, targets) = bundled();
    assert!(
        catalogue::check(&lib, &targets)
            .iter()
            .all(|d| d.severity != Severity::Error)
    );
}

/// Every competent authority of Wbk art. 2c is modelled: the Huis by its
/// own procedures, the others by the generic one, which names each (the
/// list in core is the one the library is checked against).
#[test]
fn every_competent_authority_has_a_procedure() {
    let (lib, targets) = bundled();
    let mut named: Vec<&str> = targets
        .iter()
        .map(|&i| &lib.entry(i).procedure)
        .filter(|p| *p.kind == ProcedureKind::WhistleblowerAuthority)
        .flat_map(|p| {
            p.authority
                .as_ref()
                .unwrap_or_else(|| panic!("{} names no authority", *p.id))
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    let mut all: Vec<&str> = AUTHORITIES.iter().map(|a| a.id).collect();
    all.sort_unstable();
    assert_eq!(named, all);
}

/// docs/format.md lists the competent authorities as core does, each with
/// its full name and article.
#[test]
fn the_format_guide_lists_the_authorities_of_core() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/format.md");
    let guide = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for a in AUTHORITIES {
        let row = format!("| `{}` | {} | {} |", a.id, a.name, a.basis);
        assert!(guide.contains(&row), "docs/format.md lacks `{row}`");
    }
}
