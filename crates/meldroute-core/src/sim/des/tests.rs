//! The caseload engine against queueing theory (M/M/1, M/M/c with Erlang
//! C, Little's law) and against the independent mode.

use super::*;
use crate::library::Origin;
use crate::source::SourceFile;

/// A procedure with one step of exponential work (mean `service` days) by
/// actor `dienst`, between a report and a closure (by another actor, so
/// that only the work needs a handler) that take no time.
fn queue_procedure(service: f64) -> String {
    format!(
        "meldroute: 1
id: test/wachtrij
title: Wachtrij
organisation: Test
kind: internal-report
external-information: bron
sources:
  bron: {{title: Bron}}
actors:
  melder: {{title: Melder, role: reporter}}
  dienst: {{title: Dienst, role: organisation}}
  archief: {{title: Archief, role: organisation}}
start: melding
steps:
  melding: {{title: Melding, actor: melder, kind: report, next: werk}}
  werk: {{title: Werk, actor: dienst, kind: investigation, duration: {{exponential: {{mean: {service}d}}}}, basis: assumption, note: Aangenomen., next: einde}}
  einde: {{title: Einde, actor: archief, kind: closure, outcome: founded}}
"
    )
}

/// The library with the bundled procedures and `files`, and the caseload
/// among them, checked.
fn caseload(files: &[String]) -> (Library, Caseload) {
    let mut lib = Library::with_bundled(crate::Limits::default());
    for (i, text) in files.iter().enumerate() {
        lib.load_source(
            SourceFile::new(format!("f{i}.yaml"), text.as_str()),
            Origin::User,
        );
    }
    lib.apply_scenarios();
    let errors: Vec<String> = lib
        .load_errors()
        .iter()
        .map(meldroute_diagnostics::render::message)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    let c = lib
        .caseloads()
        .iter()
        .find(|c| c.origin == Origin::User)
        .and_then(|c| c.caseload.clone())
        .expect("checked");
    (lib, c)
}

/// A caseload of `test/wachtrij` with `per_day` reports a day and
/// `handlers` handlers, over `years` from 2000 (whole leap cycles: the
/// rate per year over 365.25 days is the rate per day), warm-up 1000 days.
fn queue_caseload(per_day: f64, handlers: u32, years: u32) -> String {
    let per_year = per_day * 365.25;
    format!(
        "meldroute: 1
caseload: test/wachtrij
title: Wachtrij
start: 2000-01-01
until: {}-01-01
warm-up: 1000d
procedures:
  - procedure: test/wachtrij
    arrivals: {{per-year: {per_year}, basis: assumption}}
pools:
  dienst: {{handlers: {handlers}, basis: assumption}}
",
        2000 + years
    )
}

fn run(lib: &Library, c: &Caseload, replications: u32) -> (CaseModel, CaseloadReport) {
    let model = CaseModel::compile(lib, c).expect("compiles");
    let opts = CaseOptions {
        replications,
        seed: 7,
        threads: 2,
        ..CaseOptions::default()
    };
    let reps = simulate_caseload(&model, &opts).expect("runs");
    let report = CaseloadReport::new(&model, &reps, opts.seed);
    (model, report)
}

fn within(value: f64, theory: f64, rel: f64, what: &str) {
    assert!(
        (value - theory).abs() <= rel * theory,
        "{what}: {value} is not within {rel} of {theory}"
    );
}

/// Erlang C: the probability that a customer of an M/M/c queue with
/// offered load `a = lambda / mu` waits.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / f64::from(k);
        }
        sum += term;
    }
    let last = term * a / f64::from(c) / (1.0 - rho);
    last / (sum + last)
}

#[test]
fn erlang_c_is_right_on_known_values() {
    // M/M/1: the probability of waiting is rho.
    within(erlang_c(1, 0.8), 0.8, 1e-12, "C(1, 0.8)");
    // c = 2, a = 1: P0 = 1/3, C = (1/2 * 1/(1 - 1/2)) P0 = 1/3.
    within(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12, "C(2, 1)");
}

#[test]
fn mm1_waiting_and_queue_length_match_theory_at_load_0_8() {
    // lambda 0.8, mu 1: Wq = rho / (mu - lambda) = 4, Lq = rho^2 / (1 - rho)
    // = 3.2, W = 5, L = 4.
    let (lib, c) = caseload(&[queue_procedure(1.0), queue_caseload(0.8, 1, 600)]);
    let (_, r) = run(&lib, &c, 20);
    let pool = &r.pools[0];
    within(pool.wait_mean_days.value, 4.0, 0.02, "Wq");
    within(pool.queue_mean.value, 3.2, 0.02, "Lq");
    within(pool.utilisation.value, 0.8, 0.02, "utilisation");
    within(r.little.open_mean.value, 4.0, 0.02, "L");
    within(r.little.lead_mean_days.value, 5.0, 0.02, "W");
    // The interval is narrow enough to tell 2% apart.
    let ci = pool.wait_mean_days.ci95.expect("20 replications");
    assert!(ci.high - ci.low < 0.04 * 4.0, "{ci:?}");
    // The step's own figures: the work is the service, the wait Wq.
    let werk = r.procedures[0]
        .steps
        .iter()
        .find(|s| s.step == "werk")
        .expect("step");
    within(werk.work_days.value, 1.0, 0.01, "work per visit");
    within(werk.wait_days.value, 4.0, 0.02, "wait per visit");
    assert_eq!(werk.pool.as_deref(), Some("dienst"));
}

#[test]
fn mmc_waiting_matches_erlang_c_at_load_0_8() {
    // c = 3, mu = 1, lambda = 2.4: rho = 0.8, Wq = C / (c mu - lambda).
    let (c_, lambda) = (3, 2.4);
    let wq = erlang_c(c_, lambda) / (f64::from(c_) - lambda);
    let lq = lambda * wq;
    let (lib, c) = caseload(&[queue_procedure(1.0), queue_caseload(lambda, c_, 240)]);
    let (_, r) = run(&lib, &c, 20);
    within(r.pools[0].wait_mean_days.value, wq, 0.02, "Wq");
    within(r.pools[0].queue_mean.value, lq, 0.02, "Lq");
    within(r.pools[0].utilisation.value, 0.8, 0.02, "utilisation");
}

#[test]
fn littles_law_holds_on_the_output() {
    // Any stable system: L = lambda W, here with a queue and a procedure
    // with branches and escalations whose steps need no handler.
    let (lib, c) = caseload(&[queue_procedure(2.0), queue_caseload(0.4, 1, 200)]);
    let (_, r) = run(&lib, &c, 10);
    within(
        r.little.open_mean.value,
        r.little.lambda_w.value,
        0.02,
        "L vs lambda W",
    );
    // And for the queue alone: Lq = lambda Wq.
    within(
        r.pools[0].queue_mean.value,
        r.little.arrivals_per_day.value * r.pools[0].wait_mean_days.value,
        0.02,
        "Lq vs lambda Wq",
    );
}

#[test]
fn with_no_pool_a_case_draws_what_the_independent_journey_draws() {
    // No pool: no case waits, and case k of replication r is seeded as
    // journey k of batch r of the independent mode, so the journeys are
    // the same ones and every count that their draws decide is equal. (The
    // legal terms of a caseload end on dates, by the Algemene
    // termijnenwet, and its cases start on other days than the independent
    // journeys: the acknowledgement and feedback shares are compared
    // against the journeys on dates in tests/dates.rs.)
    let text = "meldroute: 1
caseload: test/los
title: Los
start: 2025-01-01
until: 2027-01-01
procedures:
  - procedure: rijk/interne-melding
    arrivals: {per-year: 500, basis: assumption}
";
    let (lib, c) = caseload(&[text.to_owned()]);
    let model = CaseModel::compile(&lib, &c).expect("compiles");
    let opts = CaseOptions {
        replications: 3,
        seed: 11,
        threads: 1,
        ..CaseOptions::default()
    };
    let reps = simulate_caseload(&model, &opts).expect("runs");
    let sim_model = &model.flows[0].model;
    for (r, rep) in reps.iter().enumerate() {
        let a = &rep.journeys[0];
        assert!(a.runs > 800 && a.runs < 1200, "{}", a.runs);
        let r = r as u64;
        let indep = super::super::run_batch(
            sim_model,
            &crate::sim::SimOptions {
                runs: r * super::super::BATCH + a.runs,
                seed: opts.seed,
                ..crate::sim::SimOptions::default()
            },
            r,
        );
        assert_eq!(indep.runs, a.runs);
        assert_eq!(indep.unfinished, a.unfinished);
        assert_eq!(indep.reported, a.reported);
        assert_eq!(indep.contacted, a.contacted);
        assert_eq!(indep.feedback, a.feedback);
        assert_eq!(indep.aftercare, a.aftercare);
        assert_eq!(indep.outcomes, a.outcomes);
        assert_eq!(indep.escalations, a.escalations);
        assert_eq!(indep.visits, a.visits);
        assert_eq!(indep.step_entries, a.step_entries);
        assert_eq!(indep.deadlines, a.deadlines);
        assert_eq!(indep.contacts, a.contacts);
        for q in [0.1, 0.5, 0.9, 0.99] {
            assert_eq!(indep.lead.quantile(q), a.lead.quantile(q), "lead p{q}");
        }
        let (x, y) = (indep.lead.moments.mean, a.lead.moments.mean);
        assert!((x - y).abs() <= 1e-9 * x, "{x} {y}");
        // Nothing waited.
        assert!(rep.waited[0].iter().all(|&w| w == 0.0));
    }
}

#[test]
fn the_same_seed_gives_the_same_figures_on_any_number_of_threads() {
    let (lib, c) = caseload(&[queue_procedure(1.0), queue_caseload(0.8, 1, 8)]);
    let model = CaseModel::compile(&lib, &c).expect("compiles");
    let figures = |threads| {
        let opts = CaseOptions {
            replications: 5,
            seed: 3,
            threads,
            ..CaseOptions::default()
        };
        let reps = simulate_caseload(&model, &opts).expect("runs");
        serde_json::to_string(&CaseloadReport::new(&model, &reps, 3)).expect("json")
    };
    assert_eq!(figures(1), figures(2));
}

#[test]
fn a_backlog_at_the_start_is_worked_off_in_order() {
    // 30 cases wait at the start and no report arrives after (one date, at
    // the end of the period); one handler with 1 day of fixed work: the
    // 30th case finishes on day 30, so the backlog at the end of January
    // (31 days) is gone and the first month saw 30 cases finish.
    let proc_text =
        queue_procedure(1.0).replace("duration: {exponential: {mean: 1d}}", "duration: 1d");
    let text = "meldroute: 1
caseload: test/achterstand
title: Achterstand
start: 2025-01-01
until: 2025-03-01
procedures:
  - procedure: test/wachtrij
    arrivals: {dates: [2025-02-28], basis: assumption}
    open: {cases: 30, at: werk, basis: assumption}
pools:
  dienst: {handlers: 1, basis: assumption}
";
    let (lib, c) = caseload(&[proc_text, text.to_owned()]);
    let (_, r) = run(&lib, &c, 2);
    let jan = &r.months[0];
    assert_eq!(jan.month, "2025-01-01");
    assert_eq!(jan.finished.value, 30.0);
    assert_eq!(jan.open.value, 0.0);
    assert_eq!(jan.queue[0].value, 0.0);
    // 30 handler-days busy in 31 days.
    within(jan.utilisation[0].value, 30.0 / 31.0, 1e-9, "January");
    assert_eq!(r.months.len(), 2);
    assert_eq!(r.months[1].arrived.value, 1.0);
}

#[test]
fn handlers_per_year_change_on_the_first_of_january() {
    // 60 cases wait on 1 December 2025; 1 day of fixed work; 1 handler in
    // 2025, 2 in 2026. December: the first handler finishes a case on day
    // 1, 2, ..., 30; the case it starts on day 30 ends on 1 January (day
    // 31), so 30 finish in December and 30 are open at its end (29 wait).
    // From 1 January two handlers take the 29 waiting in 15 days: with the
    // one started in December, 30 finish in January. The report of 31
    // January is worked on that day and still open at the end: January had
    // 29 + 1 handler-days of work out of 2 x 31.
    let proc_text =
        queue_procedure(1.0).replace("duration: {exponential: {mean: 1d}}", "duration: 1d");
    let text = "meldroute: 1
caseload: test/capaciteit
title: Capaciteit
start: 2025-12-01
until: 2026-02-01
procedures:
  - procedure: test/wachtrij
    arrivals: {dates: [2026-01-31], basis: assumption}
    open: {cases: 60, at: werk, basis: assumption}
pools:
  dienst: {handlers: {2025: 1, 2026: 2}, basis: assumption}
";
    let (lib, c) = caseload(&[proc_text, text.to_owned()]);
    assert_eq!(c.pools[0].handlers, vec![(0.0, 1), (31.0, 2)]);
    let (_, r) = run(&lib, &c, 2);
    let (dec, jan) = (&r.months[0], &r.months[1]);
    assert_eq!((dec.finished.value, dec.open.value), (30.0, 30.0));
    assert_eq!(dec.queue[0].value, 29.0);
    within(dec.utilisation[0].value, 1.0, 1e-9, "December");
    assert_eq!((jan.finished.value, jan.open.value), (30.0, 1.0));
    within(jan.utilisation[0].value, 30.0 / 62.0, 1e-9, "January");
    // On average 1.5 handlers over the 62 days.
    within(r.pools[0].handlers, (31.0 + 62.0) / 62.0, 1e-12, "handlers");
}

#[test]
fn a_higher_priority_is_served_first() {
    // One handler, 1 day of fixed work, 10 reports of each of two
    // procedures on 1 January; their arrivals alternate (one of each, in
    // the order the events were scheduled). The first report finds the
    // handler free. Then, with priority 1 for the second procedure, its 10
    // cases wait 1, 2, ..., 10 days (mean 5.5) and the first's other 9
    // wait 11, ..., 19 (with the first's 0: mean 13.5). Without the
    // priority they go in turn: waits 0, 2, ..., 18 (mean 9) and 1, 3,
    // ..., 19 (mean 10).
    let fixed = queue_procedure(1.0).replace("duration: {exponential: {mean: 1d}}", "duration: 1d");
    let second = fixed.replace("id: test/wachtrij", "id: test/wachtrij-2");
    let dates = ["2025-01-01"; 10].join(", ");
    let text = |priority: &str| {
        format!(
            "meldroute: 1
caseload: test/voorrang
title: Voorrang
start: 2025-01-01
until: 2025-03-01
procedures:
  - procedure: test/wachtrij
    arrivals: {{dates: [{dates}], basis: assumption}}
  - procedure: test/wachtrij-2
    arrivals: {{dates: [{dates}], basis: assumption}}
pools:
  dienst:
    handlers: 1
    basis: assumption
    serves:
      - {{procedure: test/wachtrij, actor: dienst}}
      - {{procedure: test/wachtrij-2, actor: dienst{priority}}}
"
        )
    };
    let waits = |priority: &str| -> Vec<f64> {
        let (lib, c) = caseload(&[fixed.clone(), second.clone(), text(priority)]);
        let (_, r) = run(&lib, &c, 2);
        r.procedures
            .iter()
            .map(|p| {
                let werk = p.steps.iter().find(|s| s.step == "werk").expect("werk");
                werk.wait_days.value
            })
            .collect()
    };
    assert_eq!(waits(", priority: {werk: 1}"), vec![13.5, 5.5]);
    assert_eq!(waits(""), vec![9.0, 10.0]);
}

#[test]
fn interim_updates_reach_the_reporter_who_waits() {
    // Ten reports on 1 January, one handler, 7 days of fixed work each:
    // the k-th waits 7k days. With updates every week from reaching the
    // step, nobody waits longer than a week for news (the longest silence
    // is at most 7 days for every case); without them the longest silence
    // is the whole lead time, 7 + 14 + ... + 70 / 10 = 38.5 days on average.
    let fixed = queue_procedure(1.0).replace("duration: {exponential: {mean: 1d}}", "duration: 7d");
    let dates = ["2025-01-01"; 10].join(", ");
    let text = format!(
        "meldroute: 1
caseload: test/berichten
title: Berichten
start: 2025-01-01
until: 2025-06-01
procedures:
  - procedure: test/wachtrij
    arrivals: {{dates: [{dates}], basis: assumption}}
pools:
  dienst: {{handlers: 1, basis: assumption}}
"
    );
    let silence = |proc_text: &str| {
        let (lib, c) = caseload(&[proc_text.to_owned(), text.clone()]);
        let (_, r) = run(&lib, &c, 2);
        r.procedures[0].longest_silence_mean_days.value
    };
    assert!((silence(&fixed) - 38.5).abs() < 1e-9, "{}", silence(&fixed));
    let with_updates = fixed.replace("duration: 7d,", "duration: 7d, updates: {every: 1w},");
    assert!(
        silence(&with_updates) <= 7.0 + 1e-9,
        "{}",
        silence(&with_updates)
    );
}

/// The month of a day is the one a binary search finds, for a period
/// that starts in the middle of a month and lasts centuries.
#[test]
fn the_month_of_a_day_is_the_binary_searchs() {
    let months = crate::caseload::month_starts(
        Date::parse("2023-03-17").expect("a date"),
        Date::parse("2323-01-01").expect("a date"),
    );
    let model = CaseModel {
        caseload: caseload(&[queue_procedure(1.0), queue_caseload(0.5, 1, 5)]).1,
        flows: Vec::new(),
        pools: Vec::new(),
        months,
    };
    let end = model.months.last().expect("months").1 + 40.0;
    let mut t = 0.0;
    while t < end {
        let expected = model
            .months
            .partition_point(|&(_, from)| from <= t)
            .saturating_sub(1);
        assert_eq!(model.month_of(t), expected, "day {t}");
        t += 0.37;
    }
}

/// A procedure whose journeys carry state: anonymity, an attribute, a
/// condition on silence and a loop cap.
const STATEFUL: &str = "meldroute: 1
id: test/staat
title: Staat
organisation: Test
kind: internal-report
external-information: bron
anonymous: {share: 0.3, basis: assumption, note: Aangenomen.}
attributes:
  zaak: {values: {benadeling: 0.2, overig: 0.8}, basis: assumption, note: Aangenomen.}
sources:
  bron: {title: Bron}
actors:
  melder: {title: Melder, role: reporter}
  dienst: {title: Dienst, role: organisation}
start: melding
steps:
  melding: {title: Melding, actor: melder, kind: report, next: werk}
  werk:
    title: Werk
    actor: dienst
    kind: investigation
    duration: {exponential: {mean: 30d}}
    basis: assumption
    note: Aangenomen.
    max-visits: {count: 2, then: brief}
    next:
      - when: silence > 6w or zaak == benadeling
        then: [{to: werk, p: 0.5}, {to: brief, p: 0.5}]
      - otherwise: brief
  brief: {title: Brief, actor: dienst, kind: feedback, needs-identity: true, next: einde}
  einde: {title: Einde, actor: dienst, kind: closure, outcome: founded}
";

#[test]
fn conditions_decide_alike_in_a_caseload_and_in_independent_journeys() {
    let text = "meldroute: 1
caseload: test/staat
title: Staat
start: 2025-01-01
until: 2027-01-01
procedures:
  - procedure: test/staat
    arrivals: {per-year: 500, basis: assumption}
";
    let (lib, c) = caseload(&[STATEFUL.to_owned(), text.to_owned()]);
    let model = CaseModel::compile(&lib, &c).expect("compiles");
    let run = |threads| {
        let opts = CaseOptions {
            replications: 3,
            seed: 5,
            threads,
            ..CaseOptions::default()
        };
        simulate_caseload(&model, &opts).expect("runs")
    };
    let reps = run(1);
    let sim_model = &model.flows[0].model;
    for (r, rep) in reps.iter().enumerate() {
        let a = &rep.journeys[0];
        let indep = super::super::run_batch(
            sim_model,
            &crate::sim::SimOptions {
                runs: r as u64 * super::super::BATCH + a.runs,
                seed: 5,
                ..crate::sim::SimOptions::default()
            },
            r as u64,
        );
        assert_eq!(indep.runs, a.runs);
        assert_eq!(indep.outcomes, a.outcomes);
        assert_eq!(indep.step_entries, a.step_entries);
        assert_eq!(indep.anonymous, a.anonymous);
        assert_eq!(indep.feedback, a.feedback);
        assert!(a.anonymous > 0 && a.anonymous_feedback == 0);
        // The cap: at most two passes of `werk` a journey.
        let werk = sim_model
            .names
            .iter()
            .position(|n| n.id == "werk")
            .expect("step");
        assert!(a.step_entries[werk] <= 2 * a.runs);
        assert!(a.step_entries[werk] > a.runs, "some journeys loop");
    }
    let json =
        |reps: &[_]| serde_json::to_string(&CaseloadReport::new(&model, reps, 5)).expect("json");
    assert_eq!(json(&reps), json(&run(2)));
}
