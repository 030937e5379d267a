//! Fits with known answers: each family recovered from its own draws, the
//! empirical distribution where nothing fits or the values are few,
//! branch shares that sum to 1, and a file edited in place whatever its
//! style (flow and block maps, comments, CRLF, a `range` to drop, keys to
//! add), fitted twice without piling up.

use rand::SeedableRng;

use super::family::{candidates, kolmogorov_p, ks};
use super::*;
use crate::calendar::parse_date;
use crate::sim::observe::ObservedStep;
use crate::sim::sample::Sampler;
use crate::sim::tests::library_with;
use crate::source::{FileId, SourceFile};

fn days(d: f64) -> Duration {
    Duration::from_days(d)
}

/// `n` draws of `dist`, sorted.
fn draws(dist: &Distribution, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let s = Sampler::new(dist);
    let mut v: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
    v.sort_by(f64::total_cmp);
    v
}

#[test]
fn each_family_is_recovered_from_its_own_draws() {
    for (k, dist) in [
        Distribution::Uniform {
            min: days(2.0),
            max: days(14.0),
        },
        Distribution::Triangular {
            min: days(1.0),
            mode: days(3.0),
            max: days(10.0),
        },
        Distribution::Exponential { mean: days(5.0) },
        Distribution::Lognormal {
            median: days(35.0),
            p90: days(84.0),
        },
    ]
    .into_iter()
    .enumerate()
    {
        let sorted = draws(&dist, 3000, 7 + k as u64);
        let c = candidates(&sorted, false);
        let best = &c[0];
        assert_eq!(best.distribution.name(), dist.name(), "{c:?}");
        let test = ks(&sorted, &best.distribution).expect("a test");
        assert!(test.p >= family::KS_ALPHA, "{dist:?}: {test:?}");
        let (got, want) = (best.distribution.median_days(), dist.median_days());
        assert!(
            (got - want).abs() / want < 0.03,
            "{dist:?}: median {got}, not {want}"
        );
        // The wrong families are rejected by the test, or at least lose.
        for other in &c[1..] {
            assert!(other.aic > best.aic);
        }
    }
}

/// A step's data from its values (all measured from a start event).
fn data(values: &[f64]) -> StepData {
    StepData {
        durations: values.to_vec(),
        from_start: values.len() as u64,
        cases: values.len() as u64,
        ..StepData::default()
    }
}

#[test]
fn values_no_family_fits_give_the_empirical_distribution() {
    let dist = Distribution::Empirical(vec![days(7.0), days(14.0), days(14.0), days(35.0)]);
    let sorted = draws(&dist, 2000, 3);
    let f = fit_duration(&data(&sorted), false).expect("fitted");
    assert!(matches!(f.choice, Choice::PoorFit { .. }), "{:?}", f.choice);
    let Distribution::Empirical(values) = &f.distribution else {
        panic!("{:?}", f.distribution)
    };
    assert_eq!(values.len(), MAX_EMPIRICAL);
    assert_eq!(f.distribution.median_days(), 14.0);
    assert_eq!(f.median, 14.0);
}

#[test]
fn few_values_give_their_empirical_distribution_and_a_wide_interval() {
    let values = [3.0, 4.0, 4.5, 5.0, 6.0, 7.0, 9.0, 12.0, 3.5, 8.0, 5.5, 6.5];
    let f = fit_duration(&data(&values), false).expect("fitted");
    assert_eq!(f.choice, Choice::Few);
    assert_eq!(f.values, 12);
    let Distribution::Empirical(v) = &f.distribution else {
        panic!("{:?}", f.distribution)
    };
    assert_eq!(v.len(), 12);
    assert_eq!(f.median, 5.5);
    // Ranks 3 and 10 of 12: 4.0 to 8.0 days.
    let ci = f.median_ci.expect("an interval");
    assert_eq!((ci.low, ci.high), (4.0, 8.0));
    assert_eq!(
        fit_duration(&data(&values[..4]), false),
        Err(Kept::TooFew { values: 4 })
    );
    // Within a minute of each other: one fixed duration.
    let f = fit_duration(&data(&[10.0, 10.0, 10.0004, 10.0, 9.9998]), false).expect("fitted");
    assert_eq!(f.distribution, Distribution::Fixed(days(10.0)));
}

#[test]
fn the_kolmogorov_p_value_is_five_percent_at_its_critical_distance() {
    let n: f64 = 1e6;
    assert!((kolmogorov_p(1.358 / n.sqrt(), n) - 0.05).abs() < 0.002);
    assert!((kolmogorov_p(1.628 / n.sqrt(), n) - 0.01).abs() < 0.001);
    assert_eq!(kolmogorov_p(0.0, n), 1.0);
}

#[test]
fn a_log_of_dates_is_tested_at_the_day_boundaries() {
    // Whole days drawn from an exponential: rounded continuous values.
    let dist = Distribution::Exponential { mean: days(20.0) };
    let sorted: Vec<f64> = draws(&dist, 3000, 11).iter().map(|x| x.round()).collect();
    let mut sorted = sorted;
    sorted.sort_by(f64::total_cmp);
    let t = ks(&sorted, &dist).expect("a test");
    assert!(t.p > 0.05, "{t:?}");
}

#[test]
fn branch_probabilities_sum_to_exactly_one() {
    let counts = |k: u64| {
        vec![
            ("a".to_owned(), k),
            ("b".to_owned(), k),
            ("c".to_owned(), k),
        ]
    };
    let third = [1.0 / 3.0; 3];
    assert_eq!(
        fit_branches(&counts(1), &third, 3),
        Err(Kept::TooFew { values: 3 })
    );
    let b = fit_branches(&counts(10), &third, 30).expect("fitted");
    let p: Vec<f64> = b.shares.iter().map(|s| s.p).collect();
    assert_eq!(p, [0.3334, 0.3333, 0.3333]);
    let ci = b.shares[0].ci95;
    assert!(ci.low < 1.0 / 3.0 && 1.0 / 3.0 < ci.high);
    // A branch never taken keeps the least probability, so its step stays
    // reachable; one the file has at 0 stays at 0.
    let never = [
        ("a".to_owned(), 40),
        ("b".to_owned(), 0),
        ("c".to_owned(), 0),
    ];
    let b = fit_branches(&never, &[0.5, 0.5, 0.0], 40).expect("fitted");
    let p: Vec<f64> = b.shares.iter().map(|s| s.p).collect();
    assert_eq!(p, [0.9999, 0.0001, 0.0]);
    assert_eq!(b.shares[1].ci95.low, 0.0);
}

const PROCEDURE: &str = "meldroute: 1
id: test/fit
title: Fit
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
  bevestiging: {title: Bevestiging, actor: org, kind: acknowledgement, duration: 2d, basis: assumption, note: \"Aanname.\", range: {duration: [0.5, 2.0]}, sources: [bron], next: onderzoek}
  onderzoek:
    title: Onderzoek   # blijft staan
    actor: org
    kind: investigation
    duration:
      uniform: {min: 10d, max: 50d}
    sources: [bron]
    next:
      - {to: terugkoppeling, p: 0.5}
      - to: afwijzing
        p: 0.5
  terugkoppeling:
    title: Terugkoppeling
    actor: org
    kind: feedback
    next: einde
  afwijzing: {title: Afwijzing, actor: org, kind: feedback, duration: 1d, basis: policy, sources: [bron], next: einde-ongegrond}
  einde: {title: Einde, actor: org, kind: closure, outcome: founded}
  einde-ongegrond: {title: Einde, actor: org, kind: closure, outcome: unfounded}
";

/// 20 cases: acknowledged after 1 to 3 days, investigated for 20 to 39
/// days, 15 with feedback (a day later), 5 turned down (a day later).
fn cases(model: &SimModel) -> Vec<ObservedCase> {
    let step = |id: &str| model.names.iter().position(|n| n.id == id).expect(id) as u32;
    (0..20)
        .map(|i| {
            let t0 = f64::from(i) * 3.0;
            let ack = t0 + 1.0 + f64::from(i % 3);
            let inv = ack + 20.0 + f64::from(i);
            let (fb, end) = if i < 15 {
                ("terugkoppeling", "einde")
            } else {
                ("afwijzing", "einde-ongegrond")
            };
            let at = |step: u32, end: f64| ObservedStep {
                step,
                start: None,
                end,
                updates: Vec::new(),
            };
            ObservedCase {
                id: format!("z{i}"),
                start: t0,
                steps: vec![
                    at(step("melding"), t0),
                    at(step("bevestiging"), ack),
                    at(step("onderzoek"), inv),
                    at(step(fb), inv + 1.0),
                    at(step(end), inv + 1.0),
                ],
            }
        })
        .collect()
}

fn header() -> Header {
    Header {
        log: "zaken.csv".into(),
        sha256: "ab".repeat(32),
        first_day: "2026-01-01".into(),
        last_day: "2026-04-01".into(),
        cases: 21,
        version: "0.1.0".into(),
    }
}

/// `text` fitted to the 20 cases.
fn fitted(text: &str) -> String {
    let (lib, idx) = library_with(&[text]);
    let model = lib
        .model(idx[0])
        .expect("valid")
        .on_dates(parse_date("2026-01-01").expect("a date"), 400);
    let entry = lib.entry(idx[0]);
    let f = fit(&entry.procedure, &model, &cases(&model), Measure::Auto);
    assert!(f.fitted());
    write(&SourceFile::new("t.yaml", text), &f, &header()).expect("written")
}

fn parse(text: &str) -> crate::model::Procedure {
    crate::load::parse_procedure(
        &SourceFile::new("t.yaml", text),
        FileId::new(0),
        &crate::load::Limits::DEFAULT,
    )
    .expect("loads")
}

#[test]
fn a_file_is_edited_in_place_whatever_its_style() {
    let out = fitted(PROCEDURE);
    let p = parse(&out);
    let step = |id: &str| p.steps.get(id).expect(id);
    // Flow map: duration and basis replaced, the range dropped.
    let b = step("bevestiging");
    assert_eq!(b.duration.name(), "empirical");
    assert_eq!(b.basis.as_deref(), Some(&Basis::Measured));
    assert!(b.range.is_none());
    let note = b.note.as_deref().expect("a note");
    assert!(
        note.starts_with("Measured by meldroute fit from the log zaken.csv"),
        "{note}"
    );
    assert!(
        note.ends_with("Before the fit: (assumption) Aanname."),
        "{note}"
    );
    // Block map: the branch shares written in both styles; basis and note
    // added after the duration; the comment kept.
    let o = step("onderzoek");
    let Some(crate::model::Next::Branches(br)) = o.next.as_deref() else {
        panic!("branches")
    };
    assert_eq!(br[0].p.value.0, 0.75);
    assert_eq!(br[1].p.value.0, 0.25);
    assert_eq!(o.basis.as_deref(), Some(&Basis::Measured));
    assert!(out.contains("title: Onderzoek   # blijft staan\n"));
    // A step without a duration gets one, after its kind.
    let t = step("terugkoppeling");
    assert_eq!(*t.duration, Distribution::Fixed(days(1.0)));
    assert!(
        out.contains("    kind: feedback\n    duration: 1d\n    basis: measured\n    note: \"")
    );
    // A step whose fit is what it says is left alone.
    assert!(out.contains("  afwijzing: {title: Afwijzing, actor: org, kind: feedback, duration: 1d, basis: policy, sources: [bron], next: einde-ongegrond}\n"));
    // Everything before `steps` is as it was, after the comment on top.
    assert!(out.starts_with("# fit: Fitted by meldroute 0.1.0"));
    let body = out.find("meldroute: 1").expect("the version");
    let steps = PROCEDURE.find("steps:").expect("steps");
    assert_eq!(&out[body..body + steps], &PROCEDURE[..steps]);
    assert!(!out.contains("z1"), "no case ids");
}

#[test]
fn a_fitted_file_fitted_again_has_one_comment_and_the_first_note() {
    let once = fitted(PROCEDURE);
    // The same cases again confirm every figure: nothing left to fit.
    let (lib, idx) = library_with(&[once.as_str()]);
    let model = lib
        .model(idx[0])
        .expect("valid")
        .on_dates(parse_date("2026-01-01").expect("a date"), 400);
    let f = fit(
        &lib.entry(idx[0]).procedure,
        &model,
        &cases(&model),
        Measure::Auto,
    );
    assert!(!f.fitted(), "{f:?}");
    // Other cases: one comment on top, and the note of the first fit
    // replaced, the note from before it kept.
    let mut other = once
        .replace("p: 0.75}", "p: 0.7}")
        .replace("p: 0.25", "p: 0.3");
    other = other.replace(
        "duration: 1d\n    basis: measured",
        "duration: 2d\n    basis: measured",
    );
    let twice = fitted(&other);
    assert_eq!(twice.matches("# fit: Fitted by").count(), 1);
    let body = |t: &str| t[t.find("meldroute: 1").expect("body")..].to_owned();
    assert_eq!(body(&once), body(&twice));
}

#[test]
fn crlf_line_endings_stay() {
    let crlf = PROCEDURE.replace('\n', "\r\n");
    let out = fitted(&crlf);
    assert!(!out.replace("\r\n", "").contains('\n'), "a bare line feed");
    let p = parse(&out);
    assert_eq!(
        *p.steps.get("terugkoppeling").expect("step").duration,
        Distribution::Fixed(days(1.0))
    );
}

#[test]
fn too_few_cases_fit_nothing() {
    let (lib, idx) = library_with(&[PROCEDURE]);
    let model = lib
        .model(idx[0])
        .expect("valid")
        .on_dates(parse_date("2026-01-01").expect("a date"), 400);
    let entry = lib.entry(idx[0]);
    let f = fit(&entry.procedure, &model, &cases(&model)[..4], Measure::Auto);
    assert!(!f.fitted());
    assert!(f.steps.iter().all(|s| !s.changes()));
}
