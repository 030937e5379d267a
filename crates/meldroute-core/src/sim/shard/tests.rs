//! Partial aggregates: the split, the file format's checks, and merges
//! that give the single run's aggregate to the bit.

use super::super::tests::{LOOP, library_with};
use super::format::Wire;
use super::*;
use crate::library::Library;
use crate::load::Limits;
use crate::sim::{BATCH, Precision, SimReport, simulate};

fn bundled(id: &str) -> SimModel {
    let lib = Library::with_bundled(Limits::default());
    let i = lib.resolve_index(id).expect("bundled");
    lib.model(i).expect("valid")
}

fn opts(runs: u64, threads: usize) -> SimOptions {
    SimOptions {
        runs,
        seed: 7,
        threads,
        ..SimOptions::default()
    }
}

/// Everything an aggregate holds that the outputs read, the exact bits of
/// every float included: the report's figures and the batches' sums.
fn fingerprint(model: &SimModel, opts: &SimOptions, agg: &Aggregate) -> String {
    let report = SimReport::new(model, opts, agg);
    format!(
        "{}\n{}\n{:?}\n{} {}",
        serde_json::to_string(&report).expect("report"),
        serde_json::to_string(&Wire::of(agg)).expect("wire"),
        agg.spread,
        agg.stopped_early,
        agg.precision_met
    )
}

fn identity(seed: u64) -> serde_json::Value {
    serde_json::json!({"command": ["simulate", "x"], "seed": seed})
}

/// The partials of `count` shards of a run, each made on `threads` threads.
fn shards(model: &SimModel, opts: &SimOptions, count: u64) -> Vec<(String, Vec<u8>)> {
    (0..count)
        .map(|index| {
            let header = Header::points(
                "simulate",
                1,
                model,
                opts,
                Shard { index, count },
                identity(opts.seed),
                None,
            );
            let (bytes, _) =
                simulate_shard(model, opts, &header, Vec::new(), &mut |_| {}).expect("shard runs");
            (format!("part{index}"), bytes)
        })
        .collect()
}

fn merge(
    model: &SimModel,
    opts: &SimOptions,
    files: &[(String, Vec<u8>)],
) -> Result<Aggregate, ShardError> {
    let headers = files
        .iter()
        .map(|(name, bytes)| Ok((name.clone(), read_header(&bytes[..], name)?)))
        .collect::<Result<Vec<_>, ShardError>>()?;
    let plan = Plan::new(headers)?;
    let mut out = None;
    plan.replay(
        |name| {
            let (_, bytes) = files.iter().find(|(n, _)| n == name).expect("named");
            Ok(&bytes[..])
        },
        |_| BatchMerge::new(model, opts),
        |p, agg| {
            assert_eq!(p, 0);
            assert!(out.replace(agg).is_none(), "one point");
        },
    )?;
    Ok(out.expect("a point"))
}

#[test]
fn shards_parse_as_index_slash_count() {
    assert_eq!("1/4".parse(), Ok(Shard { index: 1, count: 4 }));
    assert_eq!("0/1".parse(), Ok(Shard { index: 0, count: 1 }));
    for bad in ["3/2", "2/2", "0/0", "4", "a/4", "1/b", "-1/4", ""] {
        let err = bad.parse::<Shard>().expect_err(bad);
        assert!(err.contains("I/N"), "{bad}: {err}");
    }
    assert!(
        "3/2".parse::<Shard>().unwrap_err().contains("0/2 to 1/2"),
        "says which shards there are"
    );
}

#[test]
fn the_shards_ranges_cover_the_units_once_in_order() {
    for total in 0..40u64 {
        for count in 1..45u64 {
            let mut next = 0;
            for index in 0..count {
                let r = Shard { index, count }.units(total);
                assert_eq!(r.start, next, "{index}/{count} of {total}");
                let len = r.end - r.start;
                assert!(len == total / count || len == total / count + 1);
                next = r.end;
            }
            assert_eq!(next, total);
        }
    }
}

#[test]
fn the_reporters_state_survives_the_partial_format() {
    // Conditions, a risk of retaliation and the report's scope per journey.
    let model = bundled("voorbeelden/ministerie-d");
    assert!(model.scope.is_some());
    let o = opts(3 * BATCH - 100, 1);
    let single = simulate(&model, &o, &|_| {}).expect("runs");
    assert!(single.by_scope.iter().all(|t| t.reported > 0), "{single:?}");
    assert!(single.retaliated > 0);
    let merged = merge(&model, &o, &shards(&model, &o, 2)).expect("merges");
    assert_eq!(
        fingerprint(&model, &o, &merged),
        fingerprint(&model, &o, &single)
    );
}

#[test]
fn merged_shards_are_the_single_run_to_the_bit() {
    let model = bundled("rijk/interne-melding");
    // 5 batches, the last one short.
    let o = opts(5 * BATCH - 1000, 1);
    let single = simulate(&model, &o, &|_| {}).expect("runs");
    let want = fingerprint(&model, &o, &single);
    for count in [1, 2, 4, 5, 7] {
        let mut files = shards(
            &model,
            &SimOptions {
                threads: 2,
                ..o.clone()
            },
            count,
        );
        // Any order on the command line.
        files.reverse();
        files.rotate_left(count as usize / 2);
        let merged = merge(&model, &o, &files).expect("merges");
        assert_eq!(fingerprint(&model, &o, &merged), want, "{count} shards");
    }
    // The merge adds batch by batch: shard totals merged with
    // `Aggregate::merge` would not be the same bits (which is why the
    // partials keep every batch).
    let mut added = Aggregate::new(&model);
    let mut first = Aggregate::new(&model);
    let mut second = Aggregate::new(&model);
    for b in 0..5 {
        let batch = run_batch(&model, &o, b);
        added.merge(&batch);
        if b < 2 { &mut first } else { &mut second }.merge(&batch);
    }
    first.merge(&second);
    assert_ne!(
        (added.lead.moments.mean, added.step_days.clone()),
        (first.lead.moments.mean, first.step_days.clone()),
        "sums in another order differ in their last bits"
    );
}

#[test]
fn a_hopeless_run_stops_after_batch_0_sharded_too() {
    let (lib, idx) = library_with(&[LOOP]);
    let model = SimModel::compile(&lib, idx[0]).expect("compiles");
    let o = SimOptions {
        max_steps: 20,
        ..opts(10 * BATCH, 1)
    };
    let single = simulate(&model, &o, &|_| {}).expect("runs");
    assert!(single.stopped_early);
    let files = shards(&model, &o, 3);
    for (name, bytes) in &files {
        let text = std::str::from_utf8(bytes).expect("utf-8");
        // Each shard ran its first batch (and batch 0) only.
        assert_eq!(text.lines().count(), 3, "{name}: header, a batch, end");
        assert!(text.contains("\"stopped\":true"), "{name} says it stopped");
    }
    let merged = merge(&model, &o, &files).expect("merges");
    assert_eq!(
        fingerprint(&model, &o, &merged),
        fingerprint(&model, &o, &single)
    );
}

#[test]
fn precision_targets_stop_the_merge_where_they_stop_the_run() {
    let model = bundled("rijk/interne-melding");
    let precision = Precision {
        targets: vec!["lead_time.mean=5d".parse().expect("target")],
        max_runs: 40 * BATCH,
    };
    let o = SimOptions {
        runs: precision.max_runs,
        precision: Some(precision),
        ..opts(1, 1)
    };
    let single = simulate(&model, &o, &|_| {}).expect("runs");
    assert!(
        single.precision_met && single.runs < 40 * BATCH,
        "{}",
        single.runs
    );
    let merged = merge(&model, &o, &shards(&model, &o, 3)).expect("merges");
    assert_eq!(
        fingerprint(&model, &o, &merged),
        fingerprint(&model, &o, &single)
    );
}

#[test]
fn damaged_truncated_missing_doubled_and_foreign_partials_are_refused() {
    let model = bundled("rijk/klacht");
    let o = opts(3 * BATCH, 1);
    let files = shards(&model, &o, 3);
    let with = |i: usize, bytes: Vec<u8>| {
        let mut f = files.clone();
        f[i].1 = bytes;
        f
    };
    // A digit changed in a batch line: the checksum finds it.
    let mut damaged = files[1].1.clone();
    let at = damaged.iter().position(|&b| b == b'\n').expect("header") + 40;
    damaged[at] = if damaged[at] == b'1' { b'2' } else { b'1' };
    let err = merge(&model, &o, &with(1, damaged)).expect_err("damaged");
    assert!(
        matches!(&err, ShardError::Checksum { file, .. } | ShardError::Corrupt { file, .. } if file == "part1"),
        "{err}"
    );
    // Cut short: no end line.
    let cut = files[2].1[..files[2].1.len() - 30].to_vec();
    let err = merge(&model, &o, &with(2, cut)).expect_err("truncated");
    assert!(
        matches!(&err, ShardError::Truncated { file, .. } if file == "part2"),
        "{err}"
    );
    // Missing and doubled.
    let err = merge(&model, &o, &files[..2]).expect_err("missing");
    assert!(
        err.to_string()
            .contains("shard 2/3 missing: the run has 3 shards, given were part0, part1"),
        "{err}"
    );
    let mut doubled = files.clone();
    doubled.push(("again".to_owned(), files[0].1.clone()));
    let err = merge(&model, &o, &doubled).expect_err("doubled");
    assert!(
        err.to_string()
            .starts_with("again and part0 are both shard 0/3"),
        "{err}"
    );
    // Another seed.
    let other = shards(
        &model,
        &SimOptions {
            seed: 8,
            ..o.clone()
        },
        3,
    );
    let err = merge(&model, &o, &with(1, other[1].1.clone())).expect_err("other run");
    assert!(
        err.to_string().contains(
            "part1 is not a shard of the same run as part0: identity.seed is 8 there and 7"
        ),
        "{err}"
    );
    // Not a partial at all.
    let err = merge(&model, &o, &with(0, b"{\"provenance\":{}}\n".to_vec())).expect_err("not");
    assert!(
        matches!(&err, ShardError::NotPartial { file, .. } if file == "part0"),
        "{err}"
    );
}

#[test]
fn the_partial_format_reads_back_what_it_wrote() {
    let model = bundled("rijk/interne-melding");
    let o = opts(1000, 1);
    let batch = run_batch(&model, &o, 0);
    let header = Header::points(
        "simulate",
        1,
        &model,
        &o,
        Shard { index: 0, count: 1 },
        identity(7),
        None,
    );
    let mut w = PartialWriter::new(Vec::new(), &header).expect("writes");
    w.batch(0, 0, &batch).expect("writes");
    let bytes = w.finish(false).expect("writes");
    let mut r = PartialReader::open(&bytes[..], "p").expect("reads");
    assert_eq!(r.header(), &header);
    let (p, b, back) = r.next_batch().expect("reads").expect("a batch");
    assert_eq!((p, b), (0, 0));
    assert_eq!(
        serde_json::to_string(&Wire::of(&back)).expect("wire"),
        serde_json::to_string(&Wire::of(&batch)).expect("wire")
    );
    assert!(r.next_batch().expect("end").is_none());
    assert!(!r.stopped());
}
