//! The sensitivity study on models whose answers are known exactly.

use super::*;
use crate::library::Origin;
use crate::load::Limits;
use crate::source::SourceFile;

/// The chain of the acceptance test: four assumed steps with means `mu` of
/// 10, 20, 40 and 80 days (uniform, but the second exponential, so that
/// feedback, which comes after the first two, is sometimes late). With each scale `f_i` uniform on the same range,
/// the mean lead time is `1 + sum f_i mu_i` and the first-order index of
/// step i for it is `mu_i^2 / sum mu_j^2`.
pub(crate) const CHAIN: &str = include_str!("../../../../tests/fixtures/sensitivity/keten.yaml");

const MU: [f64; 4] = [10.0, 20.0, 40.0, 80.0];

fn compiled(text: &str) -> (Library, SimModel) {
    let mut lib = Library::with_bundled(Limits::default());
    let e = lib
        .load_source(SourceFile::new("keten.yaml", text), Origin::User)
        .expect("the procedure loads");
    let model = lib.model(e).expect("the procedure is valid");
    (lib, model)
}

fn kpi(name: &str) -> Kpi {
    Kpi::named(name).expect("a figure")
}

fn opts(runs: u64, threads: usize) -> SimOptions {
    SimOptions {
        runs,
        threads,
        ..SimOptions::default()
    }
}

#[test]
fn every_assumed_duration_is_a_factor_with_the_default_range() {
    let (lib, model) = compiled(CHAIN);
    let fs = factors(&lib, &model);
    let steps: Vec<&str> = fs
        .iter()
        .map(|f| f.step.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(steps, ["s1", "s2", "s3", "s4"]);
    for f in &fs {
        assert_eq!(
            (f.varies.clone(), f.base, f.low, f.high),
            (Varies::Duration, 1.0, 0.5, 1.5)
        );
        assert!(!f.from_file);
    }
}

#[test]
fn one_at_a_time_ranks_by_the_mean_and_swings_by_it() {
    let (lib, model) = compiled(CHAIN);
    let fs = factors(&lib, &model);
    let ks = [kpi("lead_time.mean"), kpi("feedback_within_3_months")];
    let t = one_at_a_time(&model, &fs, &ks, &opts(20_000, 2)).expect("runs");
    let lead = &t[0];
    let order: Vec<&str> = lead
        .swings
        .iter()
        .map(|s| fs[s.factor].step.as_deref().unwrap_or_default())
        .collect();
    assert_eq!(order, ["s4", "s3", "s2", "s1"]);
    // With common random numbers the lead time is linear in each scale:
    // the swing over 0.5..1.5 is the step's sample mean, within 1% of mu.
    for s in &lead.swings {
        let mu = MU[s.factor];
        assert!(
            (s.swing - mu).abs() < 0.01 * mu,
            "{}: {}",
            fs[s.factor].label(),
            s.swing
        );
        assert!(s.low.ci95.is_some_and(|ci| ci.contains(s.low.value)));
    }
    assert!((lead.base.value - 151.0).abs() < 1.5, "{}", lead.base.value);
    // Feedback within 3 months does not depend on the steps after it.
    let fb = &t[1];
    for s in &fb.swings {
        if s.factor >= 2 {
            assert_eq!(s.swing, 0.0, "{}", fs[s.factor].label());
        }
    }
}

#[test]
fn sobol_first_order_indices_match_the_linear_model() {
    let (lib, model) = compiled(CHAIN);
    let fs = factors(&lib, &model);
    let ks = [kpi("lead_time.mean"), kpi("feedback_within_3_months")];
    let o = opts(512, 2);
    let s = sobol(&model, &fs, &ks, &o, 512).expect("runs");
    let sum: f64 = MU.iter().map(|m| m * m).sum();
    // The swings of one at a time over the same 512 journeys are the
    // steps' sample means, which the simulated model's indices rest on.
    let t = one_at_a_time(&model, &fs, &ks[..1], &o).expect("runs");
    let mut means = [0.0; 4];
    for sw in &t[0].swings {
        means[sw.factor] = sw.swing;
    }
    let sampled: f64 = means.iter().map(|m| m * m).sum();
    for ix in &s[0].indices {
        let exact = MU[ix.factor].powi(2) / sum;
        assert!(
            ix.first.ci95.contains(exact) && ix.first.ci95.high - ix.first.ci95.low < 0.25,
            "S{}: {} {:?} vs {exact}",
            ix.factor,
            ix.first.value,
            ix.first.ci95
        );
        // Additive: the total index is the first-order one, and Jansen's
        // estimator of it is the more precise: it finds the sample means.
        let simulated = means[ix.factor].powi(2) / sampled;
        assert!(
            ix.total.ci95.contains(simulated) && (ix.total.value - simulated).abs() < 0.02,
            "ST{}: {:?} vs {simulated}",
            ix.factor,
            ix.total
        );
        assert!(ix.first.ci95.low <= ix.first.value && ix.first.value <= ix.first.ci95.high);
    }
    // The steps after the feedback do not touch it: index 0, within its
    // interval; the steps before it do.
    for ix in &s[1].indices {
        if ix.factor >= 2 {
            assert_eq!(ix.first.value, 0.0);
            assert_eq!(ix.total.value, 0.0);
            assert!(ix.first.ci95.contains(0.0) && ix.total.ci95.contains(0.0));
        } else {
            assert!(ix.total.ci95.low > 0.0, "{ix:?}");
        }
    }
}

#[test]
fn studies_are_the_same_on_any_number_of_threads() {
    let (lib, model) = compiled(CHAIN);
    let fs = factors(&lib, &model);
    let ks = [kpi("lead_time.mean")];
    let one = sobol(&model, &fs, &ks, &opts(256, 1), 16).expect("runs");
    let two = sobol(&model, &fs, &ks, &opts(256, 2), 16).expect("runs");
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
    let one = one_at_a_time(&model, &fs, &ks, &opts(5000, 1)).expect("runs");
    let two = one_at_a_time(&model, &fs, &ks, &opts(5000, 2)).expect("runs");
    assert_eq!(format!("{one:?}"), format!("{two:?}"));
}

#[test]
fn a_branch_moves_and_the_others_share_the_rest() {
    let text = CHAIN
        .replace(
            "s1: {title: Stap 1, actor: org, kind: investigation, duration: {uniform: {min: 5d, max: 15d}}, basis: assumption, note: Aangenomen., next: s2}",
            "s1: {title: Stap 1, actor: org, kind: investigation, basis: assumption, note: Aangenomen., range: {branches: 0.3}, next: [{to: s2, p: 0.5}, {to: s3, p: 0.3}, {to: s4, p: 0.2}]}",
        )
        .replace(
            "s2: {title: Stap 2, actor: org, kind: investigation, duration: {exponential: {mean: 20d}}, basis: assumption, note: Aangenomen., next: terugkoppeling}",
            "s2: {title: Stap 2, actor: org, kind: investigation, duration: 2d, basis: assumption, note: Aangenomen., range: {duration: [0.8, 2.0]}, next: [{to: terugkoppeling, p: 0.95}, {to: s3, p: 0.05}]}",
        );
    let (lib, model) = compiled(&text);
    let fs = factors(&lib, &model);
    let got: Vec<(String, f64, f64, f64, bool)> = fs
        .iter()
        .map(|f| (f.label(), f.base, f.low, f.high, f.from_file))
        .collect();
    let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
    let want = [
        ("test/keten:s1 -> s2", 0.5, 0.2, 0.8, true),
        ("test/keten:s1 -> s3", 0.3, 0.0, 0.6, true),
        ("test/keten:s1 -> s4", 0.2, 0.0, 0.5, true),
        ("test/keten:s2 duration", 1.0, 0.8, 2.0, true),
        // A two-way set is one factor, within [0, 1].
        ("test/keten:s2 -> terugkoppeling", 0.95, 0.85, 1.0, false),
        ("test/keten:s3 duration", 1.0, 0.5, 1.5, false),
        ("test/keten:s4 duration", 1.0, 0.5, 1.5, false),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(
            g.0 == w.0 && near(g.1, w.1) && near(g.2, w.2) && near(g.3, w.3) && g.4 == w.4,
            "{g:?} vs {w:?}"
        );
    }
    // s1 -> s3 at 0.6: s2 and s4 share 0.4 as 5 to 2.
    let mut x = base_point(&fs);
    x[1] = 0.6;
    let m = apply(&model, &fs, &x);
    let s1 = model.names.iter().position(|n| n.id == "s1").expect("s1");
    let Go::Branch { from, len } = m.steps[s1].go else {
        panic!("s1 branches")
    };
    let p: Vec<f64> = m.branch_probabilities(from, len).map(|b| b.0).collect();
    assert!(
        near(p[0], 0.4 * 5.0 / 7.0) && near(p[1], 0.6) && near(p[2], 0.4 * 2.0 / 7.0),
        "{p:?}"
    );
    // s1 -> s2 and s1 -> s3 at 0 leave s4 everything; moved from there,
    // the others share the rest equally.
    (x[0], x[1], x[2]) = (0.0, 0.0, 0.2);
    let m = apply(&model, &fs, &x);
    let p: Vec<f64> = m.branch_probabilities(from, len).map(|b| b.0).collect();
    assert!(
        near(p[0], 0.4) && near(p[1], 0.4) && near(p[2], 0.2),
        "{p:?}"
    );
    // The scale multiplies the duration; the base point is the model.
    let mut x = base_point(&fs);
    x[3] = 2.0;
    let m = apply(&model, &fs, &x);
    assert_eq!(m.steps[s1 + 1].duration.mean(), 4.0);
    let same = apply(&model, &fs, &base_point(&fs));
    assert_eq!(same.branches, model.branches);
}
