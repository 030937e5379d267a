//! Provenance on every output, and `meldroute verify` (docs/provenance.md).
//! Each test works in a folder of its own, with a user file that escalates
//! into a bundled procedure, so that every output names both kinds of file;
//! the expected SHA-256 is computed here, independently of the program.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test or benchmark that panics fails; it is not the program"
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;
use support::{Exited, GRAPHVIZ, output, root, temp_dir};

/// The user's file: a copy of the bundled complaint procedure under its
/// own id, which escalates into the bundled `rijk/nationale-ombudsman`.
const USER_FILE: &str = "mijn.yaml";

/// The report of the user's file, without graphs (so without Graphviz).
const REPORT: &[&str] = &[
    "report",
    USER_FILE,
    "--runs",
    "500",
    "--no-graphs",
    "-o",
    "r.html",
];

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A folder with the user's file; the SHA-256 of it and of the bundled
/// file it escalates into.
fn setup(name: &str) -> (PathBuf, String, String) {
    let dir = temp_dir(name);
    let text = std::fs::read_to_string(root().join("processes/rijk/klacht.yaml")).unwrap();
    let text = text.replacen("id: rijk/klacht", "id: test/mijn", 1);
    assert!(text.contains("id: test/mijn"));
    std::fs::write(dir.join(USER_FILE), &text).unwrap();
    let bundled = std::fs::read(root().join("processes/rijk/nationale-ombudsman.yaml")).unwrap();
    (dir, sha256(text.as_bytes()), sha256(&bundled))
}

/// `meldroute` run in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Exited {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_meldroute"));
    cmd.current_dir(dir).args(args);
    output(&mut cmd)
}

/// Runs a command that writes `file` in `dir` (by -o, or from standard
/// output), and gives the file's bytes.
fn make(dir: &Path, file: &str, args: &[&str]) -> Vec<u8> {
    let path = dir.join(file);
    if args.contains(&"-o") {
        run_in(dir, args).ok();
    } else {
        let out = run_in(dir, args).ok();
        std::fs::write(&path, out.stdout).unwrap();
    }
    std::fs::read(&path).unwrap()
}

/// Every text output names the commit of this build and both files with
/// their SHA-256; JSON in its `provenance` object.
#[test]
fn every_output_names_the_build_and_the_sha256_of_each_file() {
    let (dir, user, bundled) = setup("provenance-formats");
    let commit = support::commit();
    let cases: [(&str, &[&str]); 11] = [
        ("v.json", &["validate", USER_FILE, "--format", "json"]),
        (
            "s.json",
            &["simulate", USER_FILE, "--runs", "500", "--format", "json"],
        ),
        (
            "s.csv",
            &["simulate", USER_FILE, "--runs", "500", "--format", "csv"],
        ),
        (
            "g.json",
            &["gaps", USER_FILE, "--runs", "20000", "--format", "json"],
        ),
        (
            "c.json",
            &["compare", USER_FILE, "--runs", "500", "--format", "json"],
        ),
        (
            "c.csv",
            &["compare", USER_FILE, "--runs", "500", "--format", "csv"],
        ),
        (
            "c.md",
            &[
                "compare", USER_FILE, "--runs", "500", "--format", "markdown",
            ],
        ),
        ("r.dot", &["render", USER_FILE, "-o", "r.dot"]),
        (
            "j.svg",
            &["render", USER_FILE, "--view", "journey", "-o", "j.svg"],
        ),
        (
            "j.mmd",
            &[
                "render", USER_FILE, "--view", "journey", "--format", "mermaid",
            ],
        ),
        ("r.html", REPORT),
    ];
    for (file, args) in cases {
        let text = String::from_utf8(make(&dir, file, args)).unwrap();
        for (what, expected) in [
            ("commit", &commit),
            ("user file", &user),
            ("bundled file", &bundled),
        ] {
            assert!(
                text.contains(expected.as_str()),
                "{file}: no {what} {expected}:\n{text}"
            );
        }
        if file.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            let p = &v["provenance"];
            assert_eq!(p["commit"], commit.as_str(), "{file}");
            assert_eq!(p["command"][1], USER_FILE, "{file}");
            let files = p["files"].as_array().unwrap();
            let find = |path: &str| files.iter().find(|f| f["path"] == path).cloned();
            assert_eq!(find(USER_FILE).unwrap()["sha256"], user.as_str(), "{file}");
            assert_eq!(find(USER_FILE).unwrap()["origin"], "user", "{file}");
            let b = find("rijk/nationale-ombudsman.yaml").unwrap();
            assert_eq!(
                (b["sha256"].as_str(), b["origin"].as_str()),
                (Some(bundled.as_str()), Some("bundled"))
            );
            assert!(
                p.get("made").is_none(),
                "{file}: a time without --timestamp"
            );
        }
    }
    // The CSV keeps its shape: every row readable, the provenance in rows.
    let csv = std::fs::read_to_string(dir.join("s.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|r| r.expect("RFC 4180"))
        .collect();
    assert!(rows.iter().all(|r| r.len() == 4));
    assert!(
        rows.iter()
            .any(|r| &r[0] == "provenance" && &r[2] == USER_FILE && r[3] == user)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn outputs_are_byte_identical_unless_a_timestamp_is_asked_for() {
    let (dir, _, _) = setup("provenance-time");
    let args = ["simulate", USER_FILE, "--runs", "500", "--format", "json"];
    let first = run_in(&dir, &args).ok().stdout;
    assert_eq!(first, run_in(&dir, &args).ok().stdout);
    let stamped = run_in(&dir, &[&args[..], &["--timestamp"]].concat())
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&stamped).unwrap();
    let made = v["provenance"]["made"].as_str().expect("a time");
    // RFC 3339, UTC, whole seconds: 2026-01-31T12:00:00Z.
    assert_eq!(made.len(), 20, "{made}");
    assert!(made.ends_with('Z') && made.as_bytes()[10] == b'T', "{made}");
    // A table for people carries no provenance, so no time either.
    let human: [&[&str]; 4] = [
        &["simulate", USER_FILE, "--timestamp"],
        &["validate", USER_FILE, "--timestamp"],
        &["validate", USER_FILE, "--format", "short", "--timestamp"],
        &["list", "--timestamp"],
    ];
    for args in human {
        let out = run_in(&dir, args).expect_code(2);
        assert!(
            out.stdout.is_empty() && out.stderr.contains("--timestamp applies to outputs"),
            "{args:?}: {}",
            out.stderr
        );
    }
    for args in [
        &["validate", USER_FILE, "--format", "json", "--timestamp"][..],
        &["list", "--format", "json", "--timestamp"],
    ] {
        let out = run_in(&dir, args).ok();
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert!(
            v["provenance"]["made"].is_string(),
            "{args:?}: {}",
            out.stdout
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `verify` confirms what it is given fresh, in each kind of format.
#[test]
fn verify_confirms_fresh_outputs() {
    let (dir, _, _) = setup("provenance-verify");
    let cases: [(&str, &[&str]); 8] = [
        ("v.json", &["validate", USER_FILE, "--format", "json"]),
        ("l.json", &["list", "--format", "json", "--timestamp"]),
        (
            "s.json",
            &["simulate", USER_FILE, "--runs", "500", "--format", "json"],
        ),
        (
            "s.csv",
            &[
                "simulate",
                USER_FILE,
                "--runs",
                "500",
                "--format",
                "csv",
                "--timestamp",
            ],
        ),
        (
            "g.json",
            &["gaps", USER_FILE, "--runs", "20000", "--format", "json"],
        ),
        (
            "c.md",
            &[
                "compare",
                USER_FILE,
                "rijk/klacht",
                "--runs",
                "500",
                "--format",
                "markdown",
            ],
        ),
        ("r.html", REPORT),
        (
            "j.svg",
            &["render", USER_FILE, "--view", "journey", "-o", "j.svg"],
        ),
    ];
    for (file, args) in cases {
        let before = make(&dir, file, args);
        let out = run_in(&dir, &["verify", file]).ok();
        assert!(
            out.stdout.contains("reproduced byte for byte"),
            "{file}: {}",
            out.stdout
        );
        // Nothing was written over the output.
        assert_eq!(std::fs::read(dir.join(file)).unwrap(), before, "{file}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_rejects_an_edited_figure_and_an_edited_input() {
    let (dir, _, _) = setup("provenance-reject");
    make(
        &dir,
        "s.json",
        &["simulate", USER_FILE, "--runs", "500", "--format", "json"],
    );
    let json = std::fs::read_to_string(dir.join("s.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rate = v["feedback_rate"].to_string();
    let edited = json.replacen(
        &format!("\"feedback_rate\": {rate}"),
        "\"feedback_rate\": 0.999",
        1,
    );
    assert_ne!(edited, json);
    std::fs::write(dir.join("edited.json"), &edited).unwrap();
    let out = run_in(&dir, &["verify", "edited.json"]).expect_code(1);
    assert!(
        out.stdout.contains("does not reproduce")
            && out.stdout.contains("\"feedback_rate\": 0.999"),
        "{}",
        out.stdout
    );
    // The input edited after the output was made.
    std::fs::write(
        dir.join(USER_FILE),
        std::fs::read_to_string(dir.join(USER_FILE)).unwrap() + "# edited\n",
    )
    .unwrap();
    let out = run_in(&dir, &["verify", "s.json"]).expect_code(1);
    assert!(
        out.stdout
            .contains(&format!("does not reproduce: {USER_FILE} changed")),
        "{}",
        out.stdout
    );
    // Gone: cannot verify.
    std::fs::remove_file(dir.join(USER_FILE)).unwrap();
    let out = run_in(&dir, &["verify", "s.json"]).expect_code(2);
    assert!(
        out.stderr.contains(USER_FILE) && out.stderr.contains("cannot be read"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `validate` exits 1 when it finds errors, and so does the run `verify`
/// makes again: verify compares the output, not the exit status (the same
/// output has the same findings). An edited finding does not reproduce;
/// files the loader refused are verified as it read them; an edited `list`
/// output does not reproduce.
#[test]
fn verify_confirms_validate_and_list_and_rejects_them_edited() {
    let (dir, _, _) = setup("provenance-validate");
    let text = std::fs::read_to_string(dir.join(USER_FILE)).unwrap();
    // An escalation to a procedure that does not exist: error MR003.
    let broken = text.replacen(
        "procedure: rijk/nationale-ombudsman",
        "procedure: rijk/nergens",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(dir.join("kapot.yaml"), &broken).unwrap();
    let out = run_in(&dir, &["validate", "kapot.yaml", "--format", "json"]).expect_code(1);
    let findings = support::json_items(&out.stdout, "findings");
    assert!(
        findings.iter().any(|f| f["code"] == "MR003"),
        "{}",
        out.stdout
    );
    std::fs::write(dir.join("v.json"), &out.stdout).unwrap();
    let out = run_in(&dir, &["verify", "v.json"]).ok();
    assert!(
        out.stdout.contains("reproduced byte for byte"),
        "{}",
        out.stdout
    );
    let edited = std::fs::read_to_string(dir.join("v.json"))
        .unwrap()
        .replacen("\"severity\": \"error\"", "\"severity\": \"warning\"", 1);
    std::fs::write(dir.join("edited.json"), &edited).unwrap();
    let out = run_in(&dir, &["verify", "edited.json"]).expect_code(1);
    assert!(
        out.stdout.contains("does not reproduce")
            && out.stdout.contains("\"severity\": \"warning\""),
        "{}",
        out.stdout
    );
    // Fixed since: the file named changed.
    std::fs::write(dir.join("kapot.yaml"), &text).unwrap();
    let out = run_in(&dir, &["verify", "v.json"]).expect_code(1);
    assert!(
        out.stdout
            .contains("does not reproduce: kapot.yaml changed"),
        "{}",
        out.stdout
    );
    // Files the loader refuses are hashed as it read them: one not UTF-8
    // by its bytes, one over --max-file-size by its first 101 bytes.
    let latin1 = b"meldroute: 1\nid: test/latin\ntitle: \xe9\n".to_vec();
    std::fs::write(dir.join("latin1.yaml"), &latin1).unwrap();
    let args = [
        "validate",
        "latin1.yaml",
        USER_FILE,
        "--max-file-size",
        "100",
        "--format",
        "json",
    ];
    let out = run_in(&dir, &args).expect_code(1);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files = v["provenance"]["files"].as_array().unwrap();
    let recorded = |path: &str| {
        files
            .iter()
            .find(|f| f["path"] == path)
            .and_then(|f| f["sha256"].as_str())
            .unwrap_or_else(|| panic!("no {path} in {}", out.stdout))
            .to_owned()
    };
    assert_eq!(recorded("latin1.yaml"), sha256(&latin1));
    assert_eq!(recorded(USER_FILE), sha256(&text.as_bytes()[..101]));
    std::fs::write(dir.join("refused.json"), &out.stdout).unwrap();
    let out = run_in(&dir, &["verify", "refused.json"]).ok();
    assert!(
        out.stdout.contains("reproduced byte for byte"),
        "{}",
        out.stdout
    );
    // A change past the bytes read changes nothing the output says.
    std::fs::write(dir.join(USER_FILE), text.clone() + "# edited\n").unwrap();
    run_in(&dir, &["verify", "refused.json"]).ok();
    std::fs::write(dir.join(USER_FILE), &text[..100]).unwrap();
    let out = run_in(&dir, &["verify", "refused.json"]).expect_code(1);
    assert!(
        out.stdout
            .contains(&format!("does not reproduce: {USER_FILE} changed")),
        "{}",
        out.stdout
    );
    let list = make(&dir, "l.json", &["list", "--format", "json"]);
    let list = String::from_utf8(list).unwrap();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let files = v["provenance"]["files"].as_array().unwrap();
    assert!(
        files.iter().all(|f| f["origin"] == "bundled")
            && files.iter().any(|f| f["path"] == "rijk/klacht.yaml"),
        "{list}"
    );
    let edited = list.replacen("\"illustrative\": false", "\"illustrative\": true", 1);
    assert_ne!(edited, list);
    std::fs::write(dir.join("edited.json"), &edited).unwrap();
    let out = run_in(&dir, &["verify", "edited.json"]).expect_code(1);
    assert!(out.stdout.contains("does not reproduce"), "{}", out.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn verify_cannot_verify_what_has_no_provenance() {
    let dir = temp_dir("provenance-none");
    let cases: [(&str, &[u8]); 4] = [
        ("plain.txt", b"just text\n"),
        ("other.json", b"{\"runs\": 1}\n"),
        ("garbage.bin", &[0xff, 0x00, 0x89, 0x50]),
        ("fake.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"),
    ];
    for (name, bytes) in cases {
        std::fs::write(dir.join(name), bytes).unwrap();
        let out = run_in(&dir, &["verify", name]).expect_code(2);
        assert!(out.stdout.is_empty(), "{name}: {}", out.stdout);
        assert!(
            out.stderr.contains(&format!("cannot verify {name}"))
                && out.stderr.contains("provenance"),
            "{name}: {}",
            out.stderr
        );
    }
    let out = run_in(&dir, &["verify", "missing.json"]).expect_code(2);
    assert!(
        out.stderr.contains("cannot read missing.json"),
        "{}",
        out.stderr
    );
    // Another build: cannot say.
    let other = br#"{"provenance": {"tool": "meldroute", "version": "0.0.1", "commit": "abc", "command": ["list"], "options": {}, "files": []}}"#;
    std::fs::write(dir.join("old.json"), other).unwrap();
    let out = run_in(&dir, &["verify", "old.json"]).expect_code(2);
    assert!(
        out.stderr.contains("meldroute 0.0.1 (commit abc)"),
        "{}",
        out.stderr
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Graphviz's SVG, PNG and PDF carry the provenance, and verify confirms
/// each (the PDF apart from the time cairo writes into it).
#[cfg_attr(not(has_graphviz), ignore = "needs Graphviz: apt-get install graphviz")]
#[test]
fn graphviz_outputs_carry_provenance_and_verify() {
    GRAPHVIZ.require();
    let (dir, user, _) = setup("provenance-graphviz");
    let svg = make(&dir, "r.svg", &["render", USER_FILE, "-o", "r.svg"]);
    let svg = String::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &svg,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("well-formed SVG");
    let meta = doc
        .descendants()
        .find(|n| n.has_tag_name("metadata") && n.attribute("id") == Some("meldroute-provenance"))
        .expect("<metadata>");
    assert!(meta.text().unwrap_or_default().contains(&user));
    let png = make(&dir, "r.png", &["render", USER_FILE, "-o", "r.png"]);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // The chunk right after IHDR: length, `iTXt`, the keyword.
    assert_eq!(&png[37..41], b"iTXt");
    assert!(png[41..].starts_with(b"meldroute-provenance\0"));
    let pdf = make(&dir, "r.pdf", &["render", USER_FILE, "-o", "r.pdf"]);
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"));
    for file in ["r.svg", "r.png", "r.pdf"] {
        let out = run_in(&dir, &["verify", file]).ok();
        assert!(
            out.stdout.contains("reproduced byte for byte"),
            "{file}: {}",
            out.stdout
        );
    }
    // A changed pixel is a changed output.
    let mut edited = png.clone();
    let last = edited.len() - 20;
    edited[last] ^= 1;
    std::fs::write(dir.join("edited.png"), edited).unwrap();
    run_in(&dir, &["verify", "edited.png"]).expect_code(1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An output is a claim: `verify` does not run a recorded command that
/// reads a file its provenance does not list (nor shows anything of it),
/// nor one that simulates more journeys than it allows.
#[test]
fn verify_refuses_a_command_that_reads_unlisted_files_or_runs_too_long() {
    let (dir, _, _) = setup("provenance-crafted");
    make(
        &dir,
        "s.json",
        &["simulate", USER_FILE, "--runs", "500", "--format", "json"],
    );
    let json = std::fs::read_to_string(dir.join("s.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    std::fs::write(dir.join("geheim.yaml"), "wachtwoord: hunter2\n").unwrap();
    v["provenance"]["command"] = serde_json::json!(["simulate", "geheim.yaml", "--format", "json"]);
    std::fs::write(
        dir.join("crafted.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
    let out = run_in(&dir, &["verify", "crafted.json"]).expect_code(2);
    assert!(
        out.stderr
            .contains("its command reads geheim.yaml, which its provenance does not list"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("hunter2") && !out.stderr.contains("hunter2"));
    v["provenance"]["command"] = serde_json::json!([
        "simulate",
        USER_FILE,
        "--runs",
        "18446744073709551615",
        "--format",
        "json"
    ]);
    std::fs::write(
        dir.join("long.json"),
        serde_json::to_string_pretty(&v).unwrap(),
    )
    .unwrap();
    let out = run_in(&dir, &["verify", "long.json"]).expect_code(2);
    assert!(
        out.stderr
            .contains("more than verify runs (--max-runs 10000000)"),
        "{}",
        out.stderr
    );
    // The genuine output still verifies.
    run_in(&dir, &["verify", "s.json"]).expect_code(0);
    let _ = std::fs::remove_dir_all(&dir);
}
