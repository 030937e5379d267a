//! Journeys with state: conditions on silence, loop caps, attributes and
//! anonymity, each checked against a value computed by hand (or by the
//! state-expanded exact computation), in both engine modes.

use super::exact::{ExactError, exact};
use super::tests::library_with;
use super::*;

const HEAD: &str = "meldroute: 1\nid: t/staat\ntitle: T\norganisation: O\nkind: internal-report\nsources: {s: {title: S}}\nactors:\n  melder: {title: Melder, role: reporter}\n  org: {title: Org, role: organisation}\nstart: melding\n";

fn model(body: &str) -> SimModel {
    let (lib, idx) = library_with(&[&format!("{HEAD}{body}")]);
    let errors: Vec<_> = crate::catalogue::check(&lib, &idx)
        .into_iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    SimModel::compile(&lib, idx[0]).expect("compiles")
}

/// The index of step `id` in `model`.
fn step(model: &SimModel, id: &str) -> usize {
    model.names.iter().position(|n| n.id == id).expect("step")
}

fn run(model: &SimModel, runs: u64, threads: usize) -> Aggregate {
    let opts = SimOptions {
        runs,
        seed: 7,
        threads,
        ..SimOptions::default()
    };
    simulate(model, &opts, &|_| {}).expect("simulates")
}

/// `share` lies within the 95% Wilson interval of `count` of `n`.
fn within(count: u64, n: u64, share: f64) {
    let ci = crate::stats::wilson(count, n).expect("an interval");
    assert!(
        ci.low <= share && share <= ci.high,
        "{count}/{n} = {} ({ci:?}) does not hold {share}",
        count as f64 / n as f64
    );
}

/// The silence before the branch is the investigation's time, uniform
/// from 2 to 10 weeks: above 6 weeks half the time. Then 60% escalate,
/// else 10%: 0.5 * 0.6 + 0.5 * 0.1 = 35%.
const SILENCE: &str = "steps:
  melding: {title: Melding, actor: melder, kind: report, next: onderzoek}
  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: {uniform: {min: 2w, max: 10w}}, basis: assumption, note: Geschat., next: wachten}
  wachten:
    title: Wachten
    actor: melder
    kind: orientation
    basis: assumption
    note: Wie lang niets hoort, klaagt vaker.
    next:
      - when: silence > 6w
        then: [{to: klacht, p: 0.6}, {to: klaar, p: 0.4}]
      - otherwise: [{to: klacht, p: 0.1}, {to: klaar, p: 0.9}]
  klacht: {title: Klacht, actor: melder, kind: escalation, outcome: referred}
  klaar: {title: Klaar, actor: org, kind: closure, outcome: closed}
";

fn referred(agg: &Aggregate) -> u64 {
    agg.outcomes[outcome_index(crate::model::Outcome::Referred)]
}

#[test]
fn a_condition_on_silence_sets_the_escalation_share() {
    let m = model(SILENCE);
    let agg = run(&m, 40_000, 0);
    within(referred(&agg), agg.runs, 0.35);
    // Not 10% or 60% alone, and not the mean of the sets by chance:
    // broken to ignore the condition, the share would be 10%.
    assert!((referred(&agg) as f64 / agg.runs as f64 - 0.35).abs() < 0.02);
    // No exact figure for a condition on time, and the error says why.
    match exact(&m) {
        Err(ExactError::StateDependent { step, variable }) => {
            assert_eq!((step.as_str(), variable), ("t/staat:wachten", "silence"));
        }
        other => panic!("{other:?}"),
    }
}

/// The loop passes `herstel` again with 90%; the third pass goes to
/// `afgewezen`: 0.81 of journeys, 2.71 passes on average.
const CAP: &str = "steps:
  melding: {title: Melding, actor: melder, kind: report, next: herstel}
  herstel:
    title: Herstel
    actor: org
    kind: intake
    duration: 1w
    basis: assumption
    note: Geschat.
    max-visits: {count: 3, then: afgewezen}
    next: [{to: herstel, p: 0.9}, {to: besluit, p: 0.1}]
  besluit: {title: Besluit, actor: org, kind: decision, outcome: founded}
  afgewezen: {title: Afgewezen, actor: org, kind: decision, outcome: not-handled}
";

#[test]
fn a_loop_cap_ends_every_journey_within_the_cap() {
    let m = model(CAP);
    let herstel = step(&m, "herstel") as u32;
    for seed in 0..2_000 {
        let tr = trace(&m, seed, DEFAULT_MAX_STEPS);
        assert!(tr.outcome.is_some());
        let passes = tr.steps.iter().filter(|s| s.step == herstel).count();
        assert!((1..=3).contains(&passes), "seed {seed}: {passes} passes");
    }
    let agg = run(&m, 20_000, 0);
    assert_eq!(agg.unfinished, 0);
    let not_handled = agg.outcomes[outcome_index(crate::model::Outcome::NotHandled)];
    within(not_handled, agg.runs, 0.81);
    // The exact chain over (step, visits) gives the hand-computed figures.
    let ex = exact(&m).expect("exact");
    assert!((ex.outcomes["not-handled"] - 0.81).abs() < 1e-12, "{ex:?}");
    assert!((ex.outcomes["founded"] - 0.19).abs() < 1e-12);
    assert!((ex.expected_visits[herstel as usize] - 2.71).abs() < 1e-12);
    assert!((ex.lead_time_mean_days - 2.71 * 7.0).abs() < 1e-9);
    assert_eq!(ex.visit_probabilities[herstel as usize], 1.0);
    let besluit = step(&m, "besluit");
    assert!((ex.visit_probabilities[besluit] - 0.19).abs() < 1e-12);
    assert!(ex.expanded_states.is_some());
}

/// 40% report anonymously; the feedback letter needs their identity,
/// the case-number call does not.
const ANONYMOUS: &str = "anonymous: {share: 0.4, basis: assumption, note: Geschat.}
steps:
  melding: {title: Melding, actor: melder, kind: report, next: bevestiging}
  bevestiging: {title: Bevestiging, actor: org, kind: acknowledgement, next: onderzoek}
  onderzoek: {title: Onderzoek, actor: org, kind: investigation, duration: 4w, basis: assumption, note: Geschat., next: brief}
  brief: {title: Terugkoppeling per brief, actor: org, kind: feedback, needs-identity: true, next: klaar}
  klaar: {title: Klaar, actor: org, kind: closure, outcome: closed}
";

#[test]
fn an_anonymous_journey_gets_no_feedback_where_the_route_needs_identity() {
    let m = model(ANONYMOUS);
    let agg = run(&m, 20_000, 0);
    assert!(agg.anonymous > 0);
    within(agg.anonymous, agg.reported, 0.4);
    assert_eq!(
        agg.anonymous_feedback, 0,
        "no anonymous reporter had feedback"
    );
    assert_eq!(agg.feedback, agg.reported - agg.anonymous);
    // The acknowledgement needs no identity: everyone had a contact.
    assert_eq!(agg.contacted, agg.reported);
    // Exactly: 1 contact for the anonymous, 2 for the others: 1.6.
    let ex = exact(&m).expect("exact");
    assert!((ex.contacts_mean.expect("contacts") - 1.6).abs() < 1e-12);
    let report = SimReport::new(&m, &SimOptions::default(), &agg);
    let anon = report.anonymous.expect("anonymity is reported");
    assert_eq!(anon.feedback_rate, 0.0);
}

/// 30% of reports concern benadeling and go to the Huis.
const ATTRIBUTE: &str = "attributes:
  zaak: {values: {benadeling: 0.3, overig: 0.7}, basis: assumption, note: Geschat.}
steps:
  melding:
    title: Melding
    actor: melder
    kind: report
    next:
      - when: zaak == benadeling and visits >= 1
        then: huis
      - otherwise: [{to: klaar, p: 0.5}, {to: huis, p: 0.5}]
  huis: {title: Huis, actor: melder, kind: escalation, outcome: referred}
  klaar: {title: Klaar, actor: org, kind: closure, outcome: closed}
";

#[test]
fn attributes_route_the_journeys_that_carry_them() {
    let m = model(ATTRIBUTE);
    let agg = run(&m, 20_000, 0);
    // 0.3 + 0.7 * 0.5 = 0.65.
    within(referred(&agg), agg.runs, 0.65);
    let ex = exact(&m).expect("exact");
    assert!((ex.outcomes["referred"] - 0.65).abs() < 1e-12, "{ex:?}");
}

#[test]
fn the_same_seed_gives_the_same_figures_on_any_thread_count() {
    for body in [SILENCE, CAP, ANONYMOUS, ATTRIBUTE] {
        let m = model(body);
        let one = run(&m, 30_000, 1);
        let four = run(&m, 30_000, 4);
        let a = SimReport::new(&m, &SimOptions::default(), &one);
        let b = SimReport::new(&m, &SimOptions::default(), &four);
        assert_eq!(
            serde_json::to_string(&a).expect("json"),
            serde_json::to_string(&b).expect("json")
        );
    }
}

#[test]
fn a_procedure_without_conditions_draws_what_it_drew_before() {
    // No attributes, no anonymity, no counters: the journey draws only
    // durations and branches, so its figures are those of the engine
    // before conditions (the bundled snapshots hold them too).
    let m = model(
        "steps:\n  melding: {title: Melding, actor: melder, kind: report, next: [{to: a, p: 0.5}, {to: b, p: 0.5}]}\n  a: {title: A, actor: org, kind: closure, outcome: closed}\n  b: {title: B, actor: org, kind: closure, outcome: founded}\n",
    );
    assert!(m.choices.is_empty() && m.attributes.is_empty() && m.counters == 0);
    assert!(!m.has_anonymity());
}

/// The investigation runs for an exponential 30 days at a risk of 0.01 a
/// day: 1 - 1 / (1 + 0.3) of reporters meet retaliation there; the hearing
/// adds 10% per visit of the rest. Those who met it ask the Huis to
/// investigate their treatment.
const RETALIATION: &str = "steps:
  melding: {title: Melding, actor: melder, kind: report, next: onderzoek}
  onderzoek:
    title: Onderzoek
    actor: org
    kind: investigation
    duration: {exponential: {mean: 30d}}
    basis: assumption
    note: Geschat.
    retaliation: {per-day: 0.01, basis: assumption, note: Geschat.}
    next: hoor
  hoor:
    title: Hoorgesprek
    actor: org
    kind: hearing
    retaliation: {per-visit: 0.1, basis: assumption, note: Geschat.}
    next:
      - when: retaliated
        then: huis
      - otherwise: klaar
  huis: {title: Verzoek aan het Huis (bejegening), actor: melder, kind: escalation, outcome: referred}
  klaar: {title: Klaar, actor: org, kind: closure, outcome: closed}
";

#[test]
fn retaliation_per_day_and_per_visit_reaches_the_share_computed_by_hand() {
    let m = model(RETALIATION);
    let at_investigation = 1.0 - 1.0 / 1.3;
    let total = at_investigation + (1.0 - at_investigation) * 0.1;
    let agg = run(&m, 40_000, 0);
    within(agg.retaliated, agg.runs, total);
    let onderzoek = step(&m, "onderzoek");
    within(agg.retaliated_at[onderzoek], agg.runs, at_investigation);
    // Those who met it go to the Huis.
    assert_eq!(referred(&agg), agg.retaliated);
    let ex = exact(&m).expect("exact");
    assert!((ex.outcomes["referred"] - total).abs() < 1e-12, "{ex:?}");
    let report = SimReport::new(&m, &SimOptions::default(), &agg);
    let r = report.retaliation.expect("reported");
    assert_eq!(r.at[0].step, "t/staat:onderzoek");
}

#[test]
fn the_chance_of_a_rate_over_a_duration_is_its_laplace_transform() {
    use super::sample::Sampler;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    for s in [
        Sampler::Fixed(10.0),
        Sampler::Uniform {
            min: 5.0,
            width: 20.0,
        },
        Sampler::Exponential { mean: 30.0 },
        Sampler::new(&crate::duration::Distribution::Triangular {
            min: crate::Duration::from_days(2.0),
            mode: crate::Duration::from_days(10.0),
            max: crate::Duration::from_days(40.0),
        }),
        Sampler::Empirical(vec![1.0, 4.0, 9.0].into()),
    ] {
        let exact = s.laplace(0.05).expect("a closed form");
        let n = 200_000;
        let mc = (0..n)
            .map(|_| (-0.05 * s.sample(&mut rng)).exp())
            .sum::<f64>()
            / n as f64;
        assert!((exact - mc).abs() < 3e-3, "{s:?}: {exact} vs {mc}");
    }
    assert!(
        Sampler::Lognormal {
            mu: 1.0,
            sigma: 0.5
        }
        .laplace(0.1)
        .is_none()
    );
}

#[test]
fn the_experience_score_is_the_documented_sum_on_every_journey() {
    // Two weeks of silence, then the feedback letter (a contact), then a
    // founded outcome: 50 + 15 + 2 * 1 - 1 * 2 + 5 = 70 on every journey.
    let (lib, idx) = library_with(&[&format!(
        "{HEAD}steps:\n  melding: {{title: Melding, actor: melder, kind: report, next: onderzoek}}\n  onderzoek: {{title: Onderzoek, actor: org, kind: investigation, duration: 2w, basis: policy, next: brief}}\n  brief: {{title: Brief, actor: org, kind: feedback, next: klaar}}\n  klaar: {{title: Klaar, actor: org, kind: closure, outcome: founded}}\n"
    )]);
    let m = SimModel::compile(&lib, idx[0]).expect("compiles");
    let agg = run(&m, 5_000, 0);
    assert!(
        (agg.experience.mean() - 70.0).abs() < 1e-9,
        "{}",
        agg.experience.mean()
    );
    // A weight set for the run moves it: feedback worth 25, 80.
    let mut heavier = m.clone();
    heavier.experience.set("feedback", 25.0);
    let agg = run(&heavier, 5_000, 0);
    assert!((agg.experience.mean() - 80.0).abs() < 1e-9);
    // And the sensitivity study of the score varies the weights.
    let kpi = super::precision::Kpi::named("experience.mean").expect("a figure");
    let factors = crate::sensitivity::study_factors(&lib, &m, &[kpi]);
    assert!(factors.iter().any(|f| matches!(&f.varies, crate::sensitivity::Varies::Experience { parameter } if parameter == "feedback")));
    let lead = super::precision::Kpi::named("lead_time.mean").expect("a figure");
    assert!(
        crate::sensitivity::study_factors(&lib, &m, &[lead])
            .iter()
            .all(|f| !matches!(f.varies, crate::sensitivity::Varies::Experience { .. }))
    );
}
