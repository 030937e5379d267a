//! A procedure file with its fitted figures written in ([`write`]): an
//! edit of the text in place, as `migrate` edits, so that order, ids,
//! titles, sources, deadlines, comments and quoting stay as written, and
//! only the fitted figures, their basis and their notes change.

use std::fmt::Write as _;
use std::ops::Range;

use super::{Choice, DurationFit, Fit, Kept, Measure, StepFit};
use crate::duration::{Distribution, Duration};
use crate::scan::{Node, NodeKind, tree};
use crate::source::SourceFile;

/// Where the figures came from, for the comment at the top and the notes:
/// never any case data.
#[derive(Clone, Debug)]
pub struct Header {
    /// The log's file name.
    pub log: String,
    /// The SHA-256 of its bytes.
    pub sha256: String,
    /// Its first day.
    pub first_day: String,
    /// Its last day.
    pub last_day: String,
    /// The cases in the log.
    pub cases: u64,
    /// The meldroute version that fitted.
    pub version: String,
}

/// What the comment lines at the top begin with (a later fit replaces
/// them).
pub const COMMENT: &str = "# fit: ";

/// What a note written by a fit begins with.
const NOTE_START: &str = "Measured by meldroute fit";
/// What a note written by a fit puts before the note the step had.
const BEFORE: &str = " Before the fit: ";

/// The text of `source` (the procedure file `fit` was made from) with the
/// figures of `fit` written in, the comment at the top saying from what;
/// or why the file cannot be edited so (a step written with an alias,
/// say).
pub fn write(source: &SourceFile, fit: &Fit, header: &Header) -> Result<String, String> {
    let text = source.text();
    let root = tree(source).ok_or("the file is not YAML that can be edited")?;
    let steps = root
        .get("steps")
        .filter(|s| matches!(s.kind, NodeKind::Map(_)))
        .ok_or("the file has no map of `steps` to edit")?;
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for s in fit.steps.iter().filter(|s| s.changes()) {
        let node = steps
            .get(&s.id)
            .filter(|n| matches!(n.kind, NodeKind::Map(_)))
            .ok_or_else(|| format!("step `{}` is not written as a map that can be edited", s.id))?;
        step_edits(text, nl, node, s, fit, header, &mut edits)?;
    }
    header_edits(text, nl, fit, header, &mut edits);
    // Back to front, so that each range is still where it was; at the
    // same place a replacement before the insertions, which end up in the
    // order made.
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (&edits[a].0, &edits[b].0);
        (rb.start, rb.end, b).cmp(&(ra.start, ra.end, a))
    });
    let mut out = text.to_owned();
    for i in order {
        let (range, with) = &edits[i];
        out.replace_range(range.clone(), with);
    }
    Ok(out)
}

/// The edits of one step whose file changes.
fn step_edits(
    text: &str,
    nl: &str,
    node: &Node,
    s: &StepFit,
    fit: &Fit,
    header: &Header,
    edits: &mut Vec<(Range<usize>, String)>,
) -> Result<(), String> {
    // Missing keys go after the last of those before them in this order.
    const ORDER: [&str; 7] = [
        "title", "actor", "kind", "contact", "duration", "basis", "note",
    ];
    let mut new: Vec<(&str, String)> = Vec::new();
    if let Ok(d) = &s.duration
        && d.distribution != s.written
    {
        new.push(("duration", distribution(&d.distribution)));
    }
    if s.measured() {
        new.push(("basis", "measured".to_owned()));
    }
    let old_note = match node.get("note").map(|n| &n.kind) {
        Some(NodeKind::Scalar(n)) => Some(n.as_str()),
        _ => None,
    };
    let note = note(s, fit, header, old_note);
    new.push(("note", serde_json::to_string(&note).unwrap_or_default()));
    let mut anchor: Option<&Node> = None;
    let mut pending: Vec<String> = Vec::new();
    let flush = |anchor: Option<&Node>,
                 pending: &mut Vec<String>,
                 edits: &mut Vec<(Range<usize>, String)>|
     -> Result<(), String> {
        if pending.is_empty() {
            return Ok(());
        }
        let value =
            anchor.ok_or_else(|| format!("step `{}` has no `title` to write after", s.id))?;
        let key = entry_key(node, value);
        edits.push(insertion(text, nl, node, key, value, pending));
        pending.clear();
        Ok(())
    };
    for key in ORDER {
        let value = new.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
        match (node.entry(key), value) {
            (Some((_, v)), Some(value)) => {
                flush(anchor, &mut pending, edits)?;
                edits.push((v.span.clone(), value));
                anchor = Some(v);
            }
            (Some((_, v)), None) => {
                flush(anchor, &mut pending, edits)?;
                anchor = Some(v);
            }
            (None, Some(value)) => pending.push(format!("{key}: {value}")),
            (None, None) => {}
        }
    }
    flush(anchor, &mut pending, edits)?;
    if let Some(Ok(b)) = &s.branches {
        let Some(NodeKind::Seq(items)) = node.get("next").map(|n| &n.kind) else {
            return Err(format!(
                "the branches of step `{}` are not a list that can be edited",
                s.id
            ));
        };
        for item in items {
            let to = match item.get("to").map(|t| &t.kind) {
                Some(NodeKind::Scalar(t)) => t,
                _ => {
                    return Err(format!(
                        "a branch of step `{}` has no `to` that can be edited",
                        s.id
                    ));
                }
            };
            let share = b.shares.iter().find(|sh| &sh.to == to);
            if let (Some(share), Some(p)) = (share, item.get("p")) {
                edits.push((p.span.clone(), probability(share.p)));
            }
        }
    }
    // A range is for assumptions only (MR022 invalid-range).
    if s.measured()
        && let Some((k, v)) = node.entry("range")
    {
        edits.push((removal(text, node, k, v), String::new()));
    }
    Ok(())
}

/// The key node of the entry whose value is `value` in the map `node`.
fn entry_key<'a>(node: &'a Node, value: &Node) -> &'a Node {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(_, v)| v.span == value.span)
            .map_or(node, |(k, _)| k),
        _ => node,
    }
}

/// The edit that writes `entries` (`key: value`) after the entry `key:
/// value` of the map `node`: on lines of their own, indented as the key,
/// in a block map; after a comma in a flow map.
fn insertion(
    text: &str,
    nl: &str,
    node: &Node,
    key: &Node,
    value: &Node,
    entries: &[String],
) -> (Range<usize>, String) {
    if node.flow {
        let at = value.span.end;
        let with: String = entries.iter().map(|e| format!(", {e}")).collect();
        return (at..at, with);
    }
    let line_start = text[..key.span.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = " ".repeat(text[line_start..key.span.start].chars().count());
    let end = text[value.span.end..]
        .find('\n')
        .map_or(text.len(), |i| value.span.end + i);
    let end = if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    let with: String = entries.iter().map(|e| format!("{nl}{indent}{e}")).collect();
    (end..end, with)
}

/// The bytes to delete to remove the entry `key: value` of the map `node`:
/// its lines in a block map; the entry and the comma before it (or after
/// it, when it is the first) in a flow map.
fn removal(text: &str, node: &Node, key: &Node, value: &Node) -> Range<usize> {
    if node.flow {
        let before = text[..key.span.start].trim_end();
        if before.ends_with(',') {
            return before.len() - 1..value.span.end;
        }
        let after = &text[value.span.end..];
        let comma = after.find(',').map_or(0, |i| i + 1);
        let rest = after[comma..].len() - after[comma..].trim_start().len();
        return key.span.start..value.span.end + comma + rest;
    }
    let start = text[..key.span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[value.span.end..]
        .find('\n')
        .map_or(text.len(), |i| value.span.end + i + 1);
    start..end
}

/// The edits of the comment at the top: the lines of an earlier fit
/// removed, the new ones after a first line that names the schema.
fn header_edits(
    text: &str,
    nl: &str,
    fit: &Fit,
    header: &Header,
    edits: &mut Vec<(Range<usize>, String)>,
) {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut at = bom;
    let mut insert = None;
    let mut pos = bom;
    for line in text[bom..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if !trimmed.starts_with('#') {
            break;
        }
        if trimmed.starts_with(COMMENT.trim_end()) {
            insert.get_or_insert(pos);
            edits.push((pos..pos + line.len(), String::new()));
        } else if pos == bom && trimmed.starts_with("# yaml-language-server:") {
            at = pos + line.len();
        }
        pos += line.len();
    }
    let at = insert.unwrap_or(at);
    let mut out = String::new();
    for line in comment(fit, header) {
        out.push_str(&line);
        out.push_str(nl);
    }
    edits.push((at..at, out));
}

/// The comment at the top, line by line.
fn comment(fit: &Fit, header: &Header) -> Vec<String> {
    let mut text = format!(
        "Fitted by meldroute {} (meldroute fit, docs/fit.md) from the log {} (SHA-256 {}), {} to {}: {} cases, {} of which fit the procedure. ",
        header.version,
        plain(&header.log),
        header.sha256,
        header.first_day,
        header.last_day,
        header.cases,
        fit.cases
    );
    text.push_str(&format!(
        "Durations by maximum likelihood: the distribution with the lowest AIC of uniform, triangular, exponential and lognormal, unless Kolmogorov-Smirnov rejects it (p < {}); the empirical distribution below {} values or when it does; measured {}. Branch probabilities: the shares of the counts (95% Wilson intervals in the notes). ",
        super::family::KS_ALPHA,
        super::FEW_VALUES,
        measured_as(fit.measure)
    ));
    let list = |pick: &dyn Fn(&StepFit) -> bool| -> Vec<&str> {
        fit.steps
            .iter()
            .filter(|s| pick(s))
            .map(|s| s.id.as_str())
            .collect()
    };
    let measured = list(&|s| s.changes() && s.measured());
    if !measured.is_empty() {
        text.push_str(&format!(
            "Fitted (basis: measured): {}. ",
            measured.join(", ")
        ));
    }
    let part: Vec<String> = fit
        .steps
        .iter()
        .filter(|s| s.changes() && !s.measured())
        .map(|s| format!("{} ({})", s.id, kept_part(s)))
        .collect();
    if !part.is_empty() {
        text.push_str(&format!(
            "Fitted in part (basis kept): {}. ",
            part.join("; ")
        ));
    }
    // Steps kept, grouped by why, in the order each reason first comes.
    let mut kept: Vec<(String, Vec<&str>)> = Vec::new();
    for s in fit.steps.iter().filter(|s| !s.changes()) {
        let why = kept_why(s);
        match kept.iter_mut().find(|(w, _)| *w == why) {
            Some((_, ids)) => ids.push(&s.id),
            None => kept.push((why, vec![&s.id])),
        }
    }
    for (why, ids) in kept {
        text.push_str(&format!("Kept as written ({why}): {}. ", ids.join(", ")));
    }
    wrap(text.trim_end(), 96)
        .into_iter()
        .map(|l| format!("{COMMENT}{l}"))
        .collect()
}

/// How durations were measured, for people.
fn measured_as(m: Measure) -> &'static str {
    match m {
        Measure::Auto => {
            "from each step's start event where the log has one, else from the event before it (waiting included)"
        }
        Measure::Elapsed => "from the event before each step (waiting included)",
    }
}

/// Why a step's file is kept as written.
fn kept_why(s: &StepFit) -> String {
    match (&s.duration, &s.branches) {
        (Ok(_), None) => "the measured duration is the one written".to_owned(),
        (Ok(_), Some(Err(k))) => format!("duration as written; branches: {}", kept(k)),
        (Err(k), None) => kept(k),
        (Err(k), Some(Err(b))) if k == b => kept(k),
        (Err(k), Some(Err(b))) => format!("duration: {}; branches: {}", kept(k), kept(b)),
        (_, Some(Ok(_))) => String::new(),
    }
}

/// The figures of a step fitted in part that were kept, and why.
fn kept_part(s: &StepFit) -> String {
    match (&s.duration, &s.branches) {
        (Err(k), _) => format!("duration kept: {}", kept(k)),
        (_, Some(Err(k))) => format!("branches kept: {}", kept(k)),
        _ => String::new(),
    }
}

/// Why a figure was kept, for people.
fn kept(k: &Kept) -> String {
    match k {
        Kept::NotInLog => "no case of the log reached it".to_owned(),
        Kept::FirstEvent => {
            "its completion is each case's first event, so its duration cannot be measured"
                .to_owned()
        }
        Kept::TooFew { values } => format!(
            "{values} value{} in the log, at least {} are needed",
            if *values == 1 { "" } else { "s" },
            super::MIN_VALUES
        ),
        Kept::Invalid(why) => format!("the fitted distribution is not valid: {why}"),
    }
}

/// The note of a step whose file changes.
fn note(s: &StepFit, fit: &Fit, header: &Header, old: Option<&str>) -> String {
    let mut n = format!(
        "{NOTE_START} from the log {} ({} to {}, {} cases that fit).",
        plain(&header.log),
        header.first_day,
        header.last_day,
        fit.cases
    );
    match &s.duration {
        Ok(d) => duration_note(&mut n, d),
        Err(k) => {
            let _ = write!(n, " Duration kept as written: {}.", kept(k));
        }
    }
    match &s.branches {
        Some(Ok(b)) => {
            let _ = write!(
                n,
                " Branches from {} visits in {} cases: {} (95% Wilson intervals).",
                b.observations,
                b.cases,
                b.shares
                    .iter()
                    .map(|sh| format!(
                        "{} {} ({} to {}){}",
                        sh.to,
                        percent(sh.count as f64 / b.observations as f64),
                        percent(sh.ci95.low),
                        percent(sh.ci95.high),
                        if sh.count == 0 && sh.p > 0.0 {
                            ", never taken, written as the least probability, 0.0001, so that its step stays in the procedure"
                        } else {
                            ""
                        }
                    ))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            if b.observations < super::FEW_VALUES {
                let _ = write!(
                    n,
                    " Few values (fewer than {}): the intervals are wide.",
                    super::FEW_VALUES
                );
            }
        }
        Some(Err(k)) => {
            let _ = write!(n, " Branches kept as written: {}.", kept(k));
        }
        None => {}
    }
    if !s.measured() {
        let _ = write!(
            n,
            " The basis stays {}: not every figure of the step is measured.",
            s.basis.map_or("unset", |b| b.as_str())
        );
    }
    let before = old.map(|o| match o.find(BEFORE) {
        Some(i) if o.starts_with(NOTE_START) => o[i + BEFORE.len()..].to_owned(),
        _ if o.starts_with(NOTE_START) => String::new(),
        _ => match s.basis {
            Some(b) => format!("({}) {}", b.as_str(), o.trim()),
            None => o.trim().to_owned(),
        },
    });
    if let Some(before) = before.filter(|b| !b.is_empty()) {
        n.push_str(BEFORE);
        n.push_str(&before);
    }
    n
}

/// What a fitted duration's note says.
fn duration_note(n: &mut String, d: &DurationFit) {
    let unit = if d.working { "wd" } else { "d" };
    let _ = write!(
        n,
        " Duration from {} visits in {} cases, ",
        d.values, d.cases
    );
    if d.from_start == d.values {
        n.push_str("each from the step's start event");
    } else if d.from_start == 0 {
        n.push_str(
            "each the time since the event before (waiting included: the log has no start event)",
        );
    } else {
        let _ = write!(
            n,
            "{} from the step's start event, {} as the time since the event before (waiting included)",
            d.from_start,
            d.values - d.from_start
        );
    }
    let _ = write!(n, ": {}", d.distribution.name());
    match &d.choice {
        Choice::Fixed => n.push_str(", every value the same"),
        Choice::Aic { candidates, ks } => {
            let _ = write!(
                n,
                ", the lowest AIC ({}), Kolmogorov-Smirnov D = {:.3}, p = {:.2}",
                aics(candidates),
                ks.d,
                ks.p
            );
        }
        Choice::Few => {
            let _ = write!(
                n,
                " of the values: few values (fewer than {}) to choose a distribution, so the intervals are wide",
                super::FEW_VALUES
            );
        }
        Choice::PoorFit { candidates, ks } => {
            let _ = write!(
                n,
                " of the values: no distribution fits (the best by AIC, {}, has Kolmogorov-Smirnov D = {:.3}, p = {:.3}; AIC {})",
                candidates.first().map_or("none", |c| c.distribution.name()),
                ks.d,
                ks.p,
                aics(candidates)
            );
        }
    }
    let _ = write!(n, ". Median {}{unit}", number(d.median));
    if let Some(ci) = d.median_ci {
        let _ = write!(
            n,
            " (95% interval {} to {}{unit})",
            number(ci.low),
            number(ci.high)
        );
    }
    n.push('.');
    if let Some(w) = d.wait_median.filter(|&w| w > 0.0 && d.from_start > 0) {
        let _ = write!(
            n,
            " The cases waited a median {}d before the step started; the duration leaves that out (meldroute fit --measure elapsed includes it).",
            number(w)
        );
    }
}

/// The candidates' AICs, lowest first.
fn aics(candidates: &[super::Candidate]) -> String {
    candidates
        .iter()
        .map(|c| format!("{} {:.1}", c.distribution.name(), c.aic))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A share in percent, to a tenth.
fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A number of days for people, to a hundredth.
fn number(x: f64) -> String {
    trim(format!("{x:.2}"))
}

/// A number without the zeros that end its decimals.
fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// A probability as written.
pub fn probability(p: f64) -> String {
    trim(format!("{:.*}", super::P_DECIMALS as usize, p))
}

/// A duration as written: working days to a hundredth, less than a day in
/// hours, else days to a hundredth.
pub fn duration(d: &Duration) -> String {
    let days = d.days();
    if d.is_working() {
        format!("{}wd", trim(format!("{days:.2}")))
    } else if days == 0.0 {
        "0d".to_owned()
    } else if days < 1.0 {
        format!("{}h", trim(format!("{:.2}", days * 24.0)))
    } else {
        format!("{}d", trim(format!("{days:.2}")))
    }
}

/// A distribution as written, in flow style.
pub fn distribution(dist: &Distribution) -> String {
    let d = duration;
    match dist {
        Distribution::Fixed(x) => d(x),
        Distribution::Uniform { min, max } => {
            format!("{{uniform: {{min: {}, max: {}}}}}", d(min), d(max))
        }
        Distribution::Triangular { min, mode, max } => format!(
            "{{triangular: {{min: {}, mode: {}, max: {}}}}}",
            d(min),
            d(mode),
            d(max)
        ),
        Distribution::Exponential { mean } => format!("{{exponential: {{mean: {}}}}}", d(mean)),
        Distribution::Lognormal { median, p90 } => {
            format!("{{lognormal: {{median: {}, p90: {}}}}}", d(median), d(p90))
        }
        Distribution::Empirical(values) => format!(
            "{{empirical: [{}]}}",
            values.iter().map(d).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `text` with every character that is not printable replaced by `?`: a
/// file name in a comment line.
fn plain(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || crate::scan::is_forbidden(c) {
                '?'
            } else {
                c
            }
        })
        .collect()
}

/// `text` in lines of at most `width` characters, broken at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
