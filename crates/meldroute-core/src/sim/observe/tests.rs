//! Real cases with known answers: acknowledged late in 2 of 10 cases (on
//! the Algemene termijnenwet's dates), a case out of order, a case that
//! starts elsewhere, a case still open.

use super::*;
use crate::calendar::parse_date;
use crate::sim::tests::library_with;

const PROCEDURE: &str = "meldroute: 1
id: test/echt
title: Echt
organisation: Test
kind: internal-report
external-information: bron
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  org: {title: Organisatie, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging: {title: Bevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: policy, sources: [bron], next: onderzoek}
  onderzoek:
    title: Onderzoek
    actor: org
    kind: investigation
    duration: 30d
    basis: policy
    sources: [bron]
    next:
      - {to: terugkoppeling, p: 0.5}
      - {to: afwijzing, p: 0.5}
  terugkoppeling: {title: Terugkoppeling, actor: org, kind: feedback, duration: 1d, basis: policy, sources: [bron], next: einde}
  afwijzing: {title: Afwijzing, actor: org, kind: feedback, duration: 1d, basis: policy, sources: [bron], next: einde-ongegrond}
  einde: {title: Einde, actor: org, kind: closure, outcome: founded}
  einde-ongegrond: {title: Einde, actor: org, kind: closure, outcome: unfounded}
";

/// The model on dates from 1 January 2026.
fn model() -> SimModel {
    let (lib, idx) = library_with(&[PROCEDURE]);
    lib.model(idx[0])
        .expect("valid")
        .on_dates(parse_date("2026-01-01").expect("a date"), 1000)
}

fn step(model: &SimModel, id: &str) -> u32 {
    model.names.iter().position(|n| n.id == id).expect(id) as u32
}

/// Days since 1 January 2026 of `date` at noon.
fn day(date: &str) -> f64 {
    let d = parse_date(date).expect("a date");
    f64::from(
        parse_date("2026-01-01")
            .expect("a date")
            .until(d)
            .expect("a span")
            .get_days(),
    ) + 0.5
}

/// A case reported at noon on `report` whose steps complete `after` days
/// later each, in `route` order.
fn case(model: &SimModel, id: &str, report: &str, route: &[(&str, f64)]) -> ObservedCase {
    let start = day(report);
    ObservedCase {
        id: id.to_owned(),
        start,
        steps: route
            .iter()
            .map(|(s, after)| ObservedStep {
                step: step(model, s),
                start: None,
                end: start + after,
                updates: Vec::new(),
            })
            .collect(),
    }
}

#[test]
fn acknowledged_late_in_two_of_ten_cases_by_the_atw() {
    let m = model();
    let mut cases = Vec::new();
    for i in 0..10 {
        // Eight acknowledged after 3 days; two after 9 days from Tuesday
        // 10 March 2026, whose term ends on Tuesday 17 March: late. A
        // third after 9 days from Friday 27 March is in time: its term
        // ends on Good Friday, 3 April, and runs on past Easter Monday.
        let (report, ack) = match i {
            0 | 1 => ("2026-03-10", 9.0),
            2 => ("2026-03-27", 9.0),
            _ => ("2026-02-02", 3.0),
        };
        cases.push(case(
            &m,
            &format!("c{i}"),
            report,
            &[
                ("melding", 0.0),
                ("bevestiging", ack),
                ("onderzoek", ack + 30.0),
                ("terugkoppeling", ack + 31.0),
                ("einde", ack + 31.0),
            ],
        ));
    }
    let got = measure(&m, &cases);
    assert!(got.misfits.is_empty(), "{:?}", got.misfits);
    let agg = &got.aggregate;
    assert_eq!(agg.runs, 10);
    assert_eq!(agg.acknowledged_within_7_days().value, 0.8);
    assert_eq!(agg.feedback_rate().value, 1.0);
    // Lead time: 7 cases of 34 days, 3 of 40.
    let lead = agg.lead_time();
    assert!(
        (lead.mean - (7.0 * 34.0 + 3.0 * 40.0) / 10.0).abs() < 1e-9,
        "{lead:?}"
    );
    assert!(lead.mean_ci95.is_some(), "a sample of ten has an interval");
    assert_eq!(agg.outcome_share(1).value, 1.0, "all founded");
}

#[test]
fn cases_that_do_not_fit_are_listed_and_open_ones_counted() {
    let m = model();
    let cases = vec![
        case(
            &m,
            "goed",
            "2026-02-02",
            &[
                ("melding", 0.0),
                ("bevestiging", 2.0),
                ("onderzoek", 20.0),
                ("afwijzing", 21.0),
                ("einde-ongegrond", 21.0),
            ],
        ),
        case(
            &m,
            "volgorde",
            "2026-02-02",
            &[("melding", 0.0), ("onderzoek", 20.0)],
        ),
        case(&m, "elders", "2026-02-02", &[("bevestiging", 2.0)]),
        case(
            &m,
            "na-einde",
            "2026-02-02",
            &[
                ("melding", 0.0),
                ("bevestiging", 2.0),
                ("onderzoek", 20.0),
                ("terugkoppeling", 21.0),
                ("einde", 21.0),
                ("onderzoek", 40.0),
            ],
        ),
        case(
            &m,
            "open",
            "2026-02-02",
            &[("melding", 0.0), ("bevestiging", 2.0)],
        ),
        ObservedCase {
            id: "leeg".to_owned(),
            start: 0.0,
            steps: Vec::new(),
        },
    ];
    let got = measure(&m, &cases);
    let s = |id| step(&m, id);
    assert_eq!(
        got.misfits,
        vec![
            (
                "volgorde".to_owned(),
                Misfit::Order {
                    after: s("melding"),
                    next: s("onderzoek")
                }
            ),
            (
                "elders".to_owned(),
                Misfit::Start {
                    step: s("bevestiging")
                }
            ),
            (
                "na-einde".to_owned(),
                Misfit::AfterEnd { after: s("einde") }
            ),
            ("leeg".to_owned(), Misfit::Empty),
        ]
    );
    assert_eq!(got.aggregate.runs, 2);
    assert_eq!(got.open, 1);
    assert_eq!(got.aggregate.unfinished, 1);
    assert_eq!(
        got.aggregate.outcome_share(2).value,
        0.5,
        "shares of outcomes count every case measured, the open one too"
    );
}
