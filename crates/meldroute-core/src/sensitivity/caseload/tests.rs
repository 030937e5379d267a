//! Sensitivity in caseload mode: the factors a caseload has, what a point
//! changes, and that the figures move as they must.

use super::*;
use crate::library::Origin;
use crate::sim::des::CaseloadReport;
use crate::source::SourceFile;

/// Two bundled procedures, the first escalating into the second, with
/// pools for an actor of each: `onderzoekers` an assumption, `bestuursorgaan`
/// measured; the internal reports arrive at an assumed rate, the
/// complaints at a measured one, and 6 internal reports are open at the
/// start (an assumption).
const TWO_FLOWS: &str = "meldroute: 1
caseload: test/twee
title: Twee
start: 2024-01-01
until: 2026-01-01
procedures:
  - procedure: rijk/interne-melding
    arrivals: {per-year: 60, basis: assumption}
    open: {cases: 6, basis: assumption}
  - procedure: rijk/klacht
    arrivals: {per-year: 20, basis: measured}
pools:
  onderzoekers: {handlers: 3, basis: assumption}
  bestuursorgaan: {handlers: 2, basis: measured}
";

fn compiled(text: &str) -> (Library, CaseModel) {
    let mut lib = Library::with_bundled(crate::Limits::default());
    lib.load_source(SourceFile::new("c.yaml", text), Origin::User);
    lib.apply_scenarios();
    assert!(lib.load_errors().is_empty(), "{:?}", lib.load_errors());
    let k = lib.caseloads().len() - 1;
    let model = lib.caseload_model(k).expect("compiles");
    (lib, model)
}

fn opts(replications: u32) -> CaseOptions {
    CaseOptions {
        replications,
        threads: 1,
        ..CaseOptions::default()
    }
}

#[test]
fn a_caseload_varies_each_step_assumption_once_and_its_own_assumptions() {
    let (lib, model) = compiled(TWO_FLOWS);
    let cf = CaseFactors::of(&lib, &model);
    let labels: Vec<String> = cf.factors.iter().map(Factor::label).collect();
    // Every step factor of each procedure's model, each once: the internal
    // report reaches the complaint procedure, whose assumptions are not
    // counted twice.
    let mut expected: Vec<String> = Vec::new();
    for flow in &model.flows {
        for f in super::super::factors(&lib, &flow.model) {
            if !expected.contains(&f.label()) {
                expected.push(f.label());
            }
        }
    }
    assert!(expected.iter().any(|l| l.starts_with("rijk/klacht:")));
    let steps: Vec<String> = labels.iter().filter(|l| l.contains(':')).cloned().collect();
    assert_eq!(steps, expected);
    // The caseload's own: assumed arrivals and open cases of the internal
    // report, the assumed pool; not the measured ones.
    let own: Vec<&str> = labels
        .iter()
        .filter(|l| !l.contains(':'))
        .map(String::as_str)
        .collect();
    assert_eq!(
        own,
        [
            "rijk/interne-melding arrivals",
            "rijk/interne-melding open at start",
            "pool onderzoekers handlers"
        ]
    );
    for f in cf.factors.iter().filter(|f| !f.label().contains(':')) {
        assert_eq!((f.base, f.low, f.high), (1.0, 0.5, 1.5), "{}", f.label());
        assert!(f.step.is_none());
    }
}

#[test]
fn a_point_scales_handlers_arrivals_and_open_cases() {
    let (lib, model) = compiled(TWO_FLOWS);
    let cf = CaseFactors::of(&lib, &model);
    let at = |label: &str| {
        cf.factors
            .iter()
            .position(|f| f.label() == label)
            .expect(label)
    };
    let mut x = super::super::base_point(&cf.factors);
    // At base nothing changes.
    let same = cf.apply(&model, &x);
    assert_eq!(same.pools[0].handlers, model.pools[0].handlers);
    x[at("pool onderzoekers handlers")] = 0.5;
    x[at("rijk/interne-melding arrivals")] = 1.5;
    x[at("rijk/interne-melding open at start")] = 0.5;
    let m = cf.apply(&model, &x);
    // 3 x 0.5 = 1.5 rounds to 2; the measured pool is left as it is.
    assert_eq!(m.pools[0].handlers, vec![(0.0, 2)]);
    assert_eq!(m.pools[1].handlers, model.pools[1].handlers);
    let rate = |m: &CaseModel, f: usize| match &m.flows[f].arrivals {
        Arrivals::Poisson(p) => p[0].1,
        Arrivals::Times(_) => panic!("a rate"),
    };
    assert!((rate(&m, 0) - 1.5 * rate(&model, 0)).abs() < 1e-12);
    assert_eq!(rate(&m, 1), rate(&model, 1));
    assert_eq!(m.flows[0].open.0, 3);
    // Never fewer than one handler.
    x[at("pool onderzoekers handlers")] = 0.1;
    assert_eq!(cf.apply(&model, &x).pools[0].handlers, vec![(0.0, 1)]);
}

#[test]
fn the_figures_are_those_of_simulate_and_move_the_right_way() {
    let (lib, model) = compiled(TWO_FLOWS);
    let kpis: Vec<CaseKpi> = [
        "backlog_at_end",
        "utilisation@onderzoekers",
        "lead_time.mean@rijk/interne-melding",
    ]
    .iter()
    .map(|n| CaseKpi::parse(&model, n).expect(n))
    .collect();
    let o = opts(8);
    let study = study(&lib, &model, &kpis, &o, Method::Oat, 0).expect("runs");
    assert_eq!(study.caseload.as_deref(), Some("test/twee"));
    assert_eq!(study.replications, Some(8));
    assert_eq!(study.points, 2 * study.factors.len() + 1);
    // The base point is what `simulate` reports, by the same definitions.
    let reps = simulate_caseload(&model, &o).expect("runs");
    let report = CaseloadReport::new(&model, &reps, o.seed);
    let backlog = &study.tornado[0];
    assert_eq!(backlog.base, report.months.last().expect("months").open);
    assert_eq!(study.tornado[1].base, report.pools[0].utilisation);
    assert_eq!(study.tornado[2].base, report.procedures[0].lead_mean_days);
    let swing = |t: &super::super::Tornado, label: &str| {
        t.swings
            .iter()
            .find(|s| study.factors[s.factor].label() == label)
            .expect(label)
            .clone()
    };
    // Fewer handlers: a larger backlog and busier handlers; more reports:
    // a larger backlog.
    let h = swing(backlog, "pool onderzoekers handlers");
    assert!(h.low.value > h.high.value, "{h:?}");
    let u = swing(&study.tornado[1], "pool onderzoekers handlers");
    assert!(u.low.value > u.high.value, "{u:?}");
    let a = swing(backlog, "rijk/interne-melding arrivals");
    assert!(a.high.value > a.low.value, "{a:?}");
    let open = swing(backlog, "rijk/interne-melding open at start");
    assert!(open.high.value >= open.low.value, "{open:?}");
}

#[test]
fn a_study_is_the_same_on_any_number_of_threads() {
    let (lib, model) = compiled(TWO_FLOWS);
    let kpis = default_kpis(&model);
    let names: Vec<&str> = kpis.iter().map(CaseKpi::name).collect();
    assert_eq!(
        names,
        [
            "backlog_at_end",
            "lead_time.mean@rijk/interne-melding",
            "feedback_within_3_months@rijk/interne-melding",
            "lead_time.mean@rijk/klacht",
            "feedback_within_3_months@rijk/klacht",
            "utilisation@onderzoekers",
            "utilisation@bestuursorgaan"
        ]
    );
    let json = |threads: usize| {
        let o = CaseOptions { threads, ..opts(3) };
        serde_json::to_string(&study(&lib, &model, &kpis, &o, Method::Oat, 0).expect("runs"))
            .expect("json")
    };
    assert_eq!(json(1), json(2));
}

#[test]
fn figures_are_named_with_their_pool_or_procedure_when_there_are_several() {
    let (_, model) = compiled(TWO_FLOWS);
    let err = |n: &str| CaseKpi::parse(&model, n).expect_err(n);
    assert!(
        err("utilisation").contains("utilisation@onderzoekers"),
        "{}",
        err("utilisation")
    );
    assert!(err("utilisation@nobody").contains("no pool `nobody`"));
    assert!(err("lead_time.mean").contains("lead_time.mean@rijk/klacht"));
    assert!(err("backlog_at_end@onderzoekers").contains("leave out the `@` part"));
    assert!(err("lead_tme.mean@rijk/klacht").contains("did you mean `lead_time.mean`"));
    assert!(err("backlg_at_end").contains("did you mean `backlog_at_end`"));
    let k = CaseKpi::parse(&model, "wait.mean@bestuursorgaan").expect("a pool");
    assert_eq!(k.figure(), Figure::Wait(1));
    assert_eq!(k.unit(), Unit::Days);
    // One pool, one procedure: no `@` needed, and none in the name.
    let (_, one) = compiled(
        "meldroute: 1
caseload: test/een
title: Een
start: 2024-01-01
until: 2025-01-01
procedures:
  - procedure: rijk/klacht
    arrivals: {per-year: 20, basis: assumption}
pools:
  bestuursorgaan: {handlers: 2, basis: assumption}
",
    );
    let k = CaseKpi::parse(&one, "utilisation@bestuursorgaan").expect("named");
    assert_eq!(k.name(), "utilisation");
    assert_eq!(
        CaseKpi::parse(&one, "feedback_within_3_months")
            .expect("one")
            .unit(),
        Unit::Share
    );
    assert_eq!(unit_of("backlog_at_end"), Unit::Cases);
    assert_eq!(unit_of("utilisation@x"), Unit::Share);
}
