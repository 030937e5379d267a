//! Every legal norm (`meldroute norms`) has a file that breaks it, flagged
//! by `gaps` (MR107), and a file that keeps it, not flagged: the bundled
//! procedure it applies to, as shipped and with one change that breaks the
//! law. The bundled library keeps every norm.

mod support;

use std::collections::BTreeMap;

use serde_json::Value;
use support::{root, run, run_ok};

/// A norm as `meldroute norms --format json` lists it.
struct Norm {
    text: String,
    basis: String,
    /// The law allows rather than requires it: a warning, exit 0.
    discretionary: bool,
}

fn norms() -> BTreeMap<String, Norm> {
    let out = run_ok(&["norms", "--format", "json"]);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    rows.iter()
        .map(|r| {
            let s = |k: &str| {
                r[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {r}"))
                    .to_owned()
            };
            (
                s("id"),
                Norm {
                    text: s("text"),
                    basis: s("basis"),
                    discretionary: r["discretionary"]
                        .as_bool()
                        .unwrap_or_else(|| panic!("discretionary in {r}")),
                },
            )
        })
        .collect()
}

/// The MR107 findings of `gaps` on `path` that are errors or warnings of
/// `norm` (its message ends in the norm's words, its basis is the norm's).
fn findings_of(path: &str, norm: &Norm, code: i32) -> Vec<Value> {
    let out = run(&[
        "gaps", path, "--select", "MR107", "--runs", "1000", "--format", "json",
    ])
    .expect_code(code);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("findings in {}", out.stdout))
        .iter()
        .filter(|f| {
            f["code"] == "MR107"
                && f["basis"] == norm.basis.as_str()
                && f["message"].as_str().is_some_and(|m| {
                    m.ends_with(&format!("by law, {}", norm.text))
                        || m.ends_with(&format!("the law provides that {}", norm.text))
                })
        })
        .cloned()
        .collect()
}

/// Ids of the bundled procedures of `kind`.
fn of_kind(kind: &str) -> Vec<String> {
    let out = run_ok(&["list", "--format", "json"]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    doc["procedures"]
        .as_array()
        .unwrap_or_else(|| panic!("procedures"))
        .iter()
        .filter(|p| p["kind"] == kind)
        .map(|p| p["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// A change to a bundled file that breaks one norm.
struct Breach {
    norm: &'static str,
    file: &'static str,
    /// The text changed; every occurrence is replaced.
    from: String,
    to: String,
}

fn breach(norm: &'static str, file: &'static str, from: &str, to: &str) -> Breach {
    Breach {
        norm,
        file,
        from: from.to_owned(),
        to: to.to_owned(),
    }
}

fn breaches() -> Vec<Breach> {
    let mut list = vec![
        breach(
            "acknowledge-within-7-days",
            "rijk/interne-melding",
            "deadline: {within: 7d,",
            "deadline: {within: 8d,",
        ),
        breach(
            "feedback-within-3-months",
            "rijk/interne-melding",
            "deadline: {within: 3mo,",
            "deadline: {within: 14w,",
        ),
        breach(
            "information-on-external-reporting",
            "rijk/interne-melding",
            "external-information: doorverwijspagina\n",
            "",
        ),
        breach(
            "external-acknowledge-within-7-days",
            "rijk/huis-voor-klokkenluiders-onderzoek",
            "deadline: {within: 7d,",
            "deadline: {within: 10d,",
        ),
        breach(
            "external-feedback-within-3-months",
            "rijk/huis-voor-klokkenluiders-onderzoek",
            "deadline: {within: 3mo,",
            "deadline: {within: 5mo,",
        ),
        breach(
            "notice-of-not-handling-within-4-weeks",
            "rijk/klacht",
            "deadline: {within: 4w,",
            "deadline: {within: 5w,",
        ),
        breach(
            "hear-the-complainant",
            "rijk/klacht",
            "kind: hearing",
            "kind: assessment",
        ),
        breach(
            "handle-complaint-within-6-weeks",
            "rijk/klacht",
            "deadline: {within: 6w,",
            "deadline: {within: 20w,",
        ),
        breach(
            "postponement-in-writing",
            "rijk/klacht",
            "kind: postponement\n",
            "kind: postponement\n    contact: false\n",
        ),
        breach(
            "complaint-outcome-in-writing",
            "rijk/klacht",
            "    kind: decision\n    contact: true\n    duration: {triangular: {min: 3d, mode: 1w, max: 3w}}",
            "    kind: decision\n    duration: {triangular: {min: 3d, mode: 1w, max: 3w}}",
        ),
        breach(
            "complaint-outcome-names-ombudsman",
            "rijk/klacht",
            "escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}",
            "outcome: closed",
        ),
        breach(
            "ombudsman-after-complaint",
            "rijk/klacht",
            "escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}",
            "escalate: {procedure: rijk/nationale-ombudsman}",
        ),
        breach(
            "ombudsman-complain-first",
            "rijk/nationale-ombudsman",
            "escalate: {procedure: rijk/klacht}",
            "outcome: referred",
        ),
        breach(
            "ombudsman-may-decline",
            "rijk/nationale-ombudsman",
            "outcome: not-handled",
            "outcome: closed",
        ),
        breach(
            "ombudsman-reasons-in-writing",
            "rijk/nationale-ombudsman",
            "    kind: decision\n    contact: true\n    note: \"9:22",
            "    kind: decision\n    note: \"9:22",
        ),
    ];
    // The internal route with every route to a competent authority replaced
    // by the complaint route.
    for authority in of_kind("whistleblower-authority") {
        list.push(Breach {
            norm: "right-to-report-externally",
            file: "rijk/interne-melding",
            from: format!("procedure: {authority}"),
            to: "procedure: rijk/klacht".to_owned(),
        });
    }
    list
}

/// The bundled file of `id` as text.
fn bundled(id: &str) -> String {
    let path = root().join("processes").join(format!("{id}.yaml"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_norm_is_flagged_on_a_file_that_breaks_it_and_not_on_one_that_keeps_it() {
    let norms = norms();
    let breaches = breaches();
    // Every norm has a case, and every case names a norm.
    for id in norms.keys() {
        assert!(
            breaches.iter().any(|b| b.norm == id),
            "norm {id} has no file that breaks it in tests/norms.rs"
        );
    }
    let dir = support::temp_dir("norms");
    // One changed file per (norm, file): the changes of one norm add up.
    let mut changed: BTreeMap<(&str, &str), String> = BTreeMap::new();
    for b in &breaches {
        assert!(norms.contains_key(b.norm), "no norm {}", b.norm);
        let text = changed
            .entry((b.norm, b.file))
            .or_insert_with(|| bundled(b.file));
        if b.norm != "right-to-report-externally" {
            assert!(
                text.contains(&b.from),
                "{}: `{}` not found for {}",
                b.file,
                b.from,
                b.norm
            );
        }
        *text = text.replace(&b.from, &b.to);
    }
    for ((norm, file), text) in &changed {
        let n = &norms[*norm];
        assert_ne!(*text, bundled(file), "{norm}: {file} unchanged");
        // Keeps: the bundled file as shipped.
        let kept = findings_of(file, n, 0);
        assert!(
            kept.is_empty(),
            "{norm} flagged on bundled {file}: {kept:?}"
        );
        // Breaks: the changed file, flagged as an error of this norm (a
        // warning where the law allows rather than requires it).
        let path = dir.join(format!("{norm}.yaml"));
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let (code, severity) = if n.discretionary {
            (0, "warning")
        } else {
            (1, "error")
        };
        let broken = findings_of(&path.display().to_string(), n, code);
        assert!(
            broken.iter().any(|f| f["severity"] == severity),
            "{norm} not flagged as {severity} on {file} changed: {broken:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `text` with the first `from` after `after` replaced by `to`.
fn replace_after(text: &str, after: &str, from: &str, to: &str) -> String {
    let at = text
        .find(after)
        .unwrap_or_else(|| panic!("`{after}` not found"));
    let rel = text[at..]
        .find(from)
        .unwrap_or_else(|| panic!("`{from}` not after `{after}`"));
    format!(
        "{}{to}{}",
        &text[..at + rel],
        &text[at + rel + from.len()..]
    )
}

/// The errors of MR107 on the files `files` (name, text), written to a
/// temporary folder, checked together.
fn legal_errors(name: &str, files: &[(&str, String)]) -> Vec<Value> {
    let dir = support::temp_dir(name);
    let paths: Vec<String> = files
        .iter()
        .map(|(file, text)| {
            let path = dir.join(file);
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            path.display().to_string()
        })
        .collect();
    let mut args = vec![
        "gaps", "--select", "MR107", "--runs", "1000", "--format", "json",
    ];
    args.extend(paths.iter().map(String::as_str));
    let out = run(&args).expect_code(1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("findings"))
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect()
}

#[test]
fn a_route_whose_feedback_comes_late_breaks_the_norm_though_another_keeps_it() {
    // The Huis: only the misstand route's feedback takes 5 months.
    let huis = replace_after(
        &bundled("rijk/huis-voor-klokkenluiders-onderzoek"),
        "  start-onderzoek:",
        "within: 3mo,",
        "within: 5mo,",
    );
    let found = legal_errors("norms-route-huis", &[("huis.yaml", huis)]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["path"],
        serde_json::json!(["start-onderzoek"]),
        "{found:?}"
    );
    // The internal route: the interim feedback within 3 months, which only
    // half of the investigations get; the final feedback after 8.
    let intern = bundled("rijk/interne-melding").replace(
        "    next: standpunt\n  standpunt:",
        "    deadline: {within: 3mo, from: ontvangstbevestiging, basis: \"Wbk art. 2\"}\n    next: standpunt\n  standpunt:",
    );
    let intern = replace_after(&intern, "  terugkoppeling:", "within: 3mo,", "within: 8mo,");
    let found = legal_errors("norms-route-intern", &[("intern.yaml", intern.clone())]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["path"],
        serde_json::json!(["terugkoppeling"]),
        "{found:?}"
    );
    // With the interim feedback on every investigation, the 8 months of
    // the final feedback are lawful.
    let every = intern.replace(
        "      - {to: tussentijdse-terugkoppeling, p: 0.5}\n      - {to: standpunt, p: 0.5}",
        "      - {to: tussentijdse-terugkoppeling, p: 1.0}",
    );
    assert_ne!(every, intern);
    let dir = support::temp_dir("norms-route-every");
    let path = dir.join("every.yaml");
    std::fs::write(&path, every).unwrap_or_else(|e| panic!("{e}"));
    let norm = &norms()["feedback-within-3-months"];
    assert!(findings_of(&path.display().to_string(), norm, 0).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_term_counted_from_a_later_step_than_the_law_says_breaks_the_norm() {
    let late = bundled("rijk/klacht").replace(
        "deadline: {within: 6w, basis: \"Awb art. 9:11(1)\"}",
        "deadline: {within: 6w, from: hoorzitting, basis: \"Awb art. 9:11(1)\"}",
    );
    assert_ne!(late, bundled("rijk/klacht"));
    let found = legal_errors("norms-from", &[("klacht.yaml", late)]);
    assert!(
        found.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("`klachtoordeel`") && m.contains("counted from receipt"))),
        "{found:?}"
    );
}

#[test]
fn a_complainant_sent_to_the_ombudsman_through_another_procedure_is_not_sent_back() {
    let klacht = bundled("rijk/klacht").replace(
        "escalate: {procedure: rijk/nationale-ombudsman, step: verzoek-na-klacht}",
        "escalate: {procedure: test/tussen}",
    );
    let tussen = "meldroute: 1\nid: test/tussen\ntitle: Tussenstap\norganisation: Test\nkind: advice\nsources: {}\nactors:\n  melder: {title: Melder, role: reporter}\nstart: naar\nsteps:\n  naar: {title: Naar de ombudsman, actor: melder, kind: escalation, escalate: {procedure: rijk/nationale-ombudsman}}\n".to_owned();
    let found = legal_errors(
        "norms-indirect",
        &[("klacht.yaml", klacht), ("tussen.yaml", tussen)],
    );
    assert!(
        found.iter().any(|f| f["message"]
            .as_str()
            .is_some_and(|m| m.contains("sent back at `terugverwijzing`"))),
        "{found:?}"
    );
}

#[test]
fn a_shorter_complaint_term_gains_no_legal_error() {
    let dir = support::temp_dir("norms-shorter");
    let text = bundled("rijk/klacht").replace("deadline: {within: 6w,", "deadline: {within: 5w,");
    assert_ne!(text, bundled("rijk/klacht"));
    let path = dir.join("klacht.yaml");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let out = run(&[
        "gaps",
        &path.display().to_string(),
        "--select",
        "MR107",
        "--runs",
        "1000",
        "--format",
        "json",
    ])
    .expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(0), "{doc}");
    // Nor any other error: a term stricter than the law's that journeys
    // miss is the file's own (a warning), not a breach of the law.
    let out = run(&[
        "gaps",
        &path.display().to_string(),
        "--runs",
        "4000",
        "--format",
        "json",
    ])
    .expect_code(0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let findings = doc["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc}"));
    assert!(findings.iter().all(|f| f["severity"] != "error"), "{doc}");
    let own = findings
        .iter()
        .find(|f| f["code"] == "MR105")
        .unwrap_or_else(|| panic!("the 5 weeks are missed in some journeys: {doc}"));
    assert_eq!(own["severity"], "warning");
    assert_eq!(own["standing"], "stated");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_judgment_past_the_term_on_written_consent_is_an_exception_not_an_error() {
    let dir = support::temp_dir("norms-consent");
    let text = bundled("rijk/klacht").replace(
        "deadline: {within: 6w, basis: \"Awb art. 9:11(1)\"}",
        "deadline: {within: 16w, basis: \"Awb art. 9:11(3)\", consent: \"the complainant agreed in writing to wait for a witness\"}",
    );
    assert_ne!(text, bundled("rijk/klacht"));
    let path = dir.join("klacht.yaml");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
    let norm = &norms()["handle-complaint-within-6-weeks"];
    let found = findings_of(&path.display().to_string(), norm, 0);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["severity"], "warning");
    assert!(
        found[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("by exception, on the complainant's written consent")),
        "{found:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn docs_norms_md_is_generated_from_the_norms() {
    let out = run_ok(&["norms", "--format", "markdown"]);
    let committed = std::fs::read_to_string(root().join("docs/norms.md"))
        .unwrap_or_else(|e| panic!("docs/norms.md: {e}"));
    assert!(out.stdout.contains("| `handle-complaint-within-6-weeks` |"));
    assert_eq!(
        out.stdout, committed,
        "docs/norms.md is stale: run `cargo run -- norms --format markdown > docs/norms.md`"
    );
}
