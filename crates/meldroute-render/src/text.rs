//! Escaping user text for XML/SVG and Mermaid, and shortening long
//! lists for people (routes, findings).

use meldroute_core::Procedure;
use meldroute_core::gaps::{Finding, RestsOn, Route, RoutePart};
use meldroute_core::measures::Standing;

/// Text for XML content and attribute values: `& < > " '` escaped, control
/// characters (not allowed in XML 1.0) and non-characters dropped.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(' '),
            // Not allowed in XML 1.0 (controls) or not meant for text
            // (non-characters); the loader refuses both, this is defence
            // in depth.
            c if c.is_control()
                || (c as u32 & 0xfffe) == 0xfffe
                || ('\u{fdd0}'..='\u{fdef}').contains(&c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a Mermaid `journey` line: no line breaks, none of the
/// characters its syntax uses (`:` separates fields, `;` and `#` start
/// statements and entities, `%` comments), no direction overrides, and
/// the characters of HTML markup written as Mermaid entity codes
/// (`#lt;`), because Mermaid draws labels as HTML.
pub fn mermaid(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            ':' | ';' => ',',
            '#' | '%' => ' ',
            c if c.is_control() => ' ',
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => ' ',
            c => c,
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out = String::with_capacity(cleaned.len());
    for c in words.join(" ").chars() {
        match c {
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '"' => out.push_str("#quot;"),
            '\'' => out.push_str("#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A witness route as shown: each step's title through `title`, joined by
/// `sep`, with "… N more steps …" where a long route leaves steps out.
pub fn route(p: &Procedure, route: &Route, sep: &str, title: impl Fn(&str) -> String) -> String {
    let parts: Vec<String> = route
        .parts(p)
        .map(|part| match part {
            RoutePart::Step(_, step) => title(&step.title),
            RoutePart::Omitted(n) => format!("… {} more steps …", thousands(n as u64)),
        })
        .collect();
    parts.join(sep)
}

/// Findings of one rule shown before the rest are summarised (per
/// procedure, in human output and the report; counts and JSON stay whole).
pub const FINDINGS_SHOWN_PER_RULE: usize = 20;

/// `findings` as shown: at most [`FINDINGS_SHOWN_PER_RULE`] of each rule,
/// in the given order, then per rule (in order of first appearance) the
/// code, name and number left out.
pub fn shown<'a>(
    findings: &[&'a Finding],
) -> (Vec<&'a Finding>, Vec<(&'static str, &'static str, usize)>) {
    let mut seen: Vec<(&'static str, &'static str, usize)> = Vec::new();
    let mut kept = Vec::new();
    for &f in findings {
        let code = f.diagnostic.code;
        let at = match seen.iter().position(|(c, _, _)| *c == code) {
            Some(at) => at,
            None => {
                seen.push((code, f.diagnostic.name, 0));
                seen.len() - 1
            }
        };
        seen[at].2 += 1;
        if seen[at].2 <= FINDINGS_SHOWN_PER_RULE {
            kept.push(f);
        }
    }
    let hidden = seen
        .into_iter()
        .filter(|(_, _, n)| *n > FINDINGS_SHOWN_PER_RULE)
        .map(|(c, name, n)| (c, name, n - FINDINGS_SHOWN_PER_RULE))
        .collect();
    (kept, hidden)
}

pub use meldroute_diagnostics::render::thousands;

/// Drops the padding comfy-table leaves at line ends (diff-friendly output).
pub fn trim_lines(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_end().strip_prefix(' ').unwrap_or(l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A CSV cell that a spreadsheet shows as text, never runs as a formula.
pub fn inert_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// The notes `meldroute gaps` prints under a finding: its route (titles
/// cut to 80 characters), the share of journeys affected, the basis with
/// what it is (law, policy, ...), the scopes it concerns, what it rests on,
/// and the reason the file accepts it (as a known shortcoming, with its
/// source, or as no real gap).
pub fn gap_notes(library: &meldroute_core::Library, f: &Finding) -> Vec<(&'static str, String)> {
    let mut notes = Vec::new();
    if !f.route.is_empty() {
        let p = &library.entry(f.entry).procedure;
        notes.push(("route", route(p, &f.route, " -> ", |t| cut(t, 80))));
    }
    if let Some(share) = f.share {
        notes.push((
            "journeys affected",
            format!(
                "{} of all simulated journeys",
                crate::figures::percent_ci(share.value, share.ci95)
            ),
        ));
    }
    if let Some(basis) = &f.basis {
        notes.push((standing_key(f.standing), basis.clone()));
    }
    if !f.scopes.is_empty() {
        let scopes: Vec<&str> = f.scopes.iter().map(|s| s.as_str()).collect();
        notes.push(("scope", scopes.join(", ")));
    }
    notes.push(("rests on", rests_on(f.rests_on).to_owned()));
    if let Some(a) = &f.accepted {
        match &a.known_shortcoming {
            Some(k) => notes.push((
                "known shortcoming",
                format!("found by {}: {}", k.title, a.reason),
            )),
            None => notes.push(("accepted", a.reason.clone())),
        }
    }
    notes
}

/// How robust a finding is to the assumptions, in a sentence
/// (`meldroute gaps --robust`, docs/sensitivity.md).
pub fn robustness(r: &meldroute_core::gaps::Robustness) -> String {
    use meldroute_core::gaps::Robustness;
    match r {
        Robustness::Structure => {
            "holds by the structure: a route in the graph, whatever the assumed figures".to_owned()
        }
        Robustness::Sampled { points: 0, .. } => {
            "not sampled: the procedure could not be simulated".to_owned()
        }
        Robustness::Sampled {
            points,
            holds,
            share,
            depends_on,
        } => {
            let mut o = format!(
                "holds at {holds} of {points} sampled points of the assumptions ({})",
                crate::figures::percent_ci(share.value, share.ci95)
            );
            if holds == points {
                o.push_str(": holds everywhere sampled");
            }
            let most: Vec<String> = depends_on
                .iter()
                .map(|d| {
                    format!(
                        "{} (holds at {} with it in the upper half of its range, {} in the lower)",
                        d.factor.label(),
                        crate::figures::percent(d.upper.value),
                        crate::figures::percent(d.lower.value)
                    )
                })
                .collect();
            if !most.is_empty() {
                o.push_str("; depends most on ");
                o.push_str(&most.join(", "));
            }
            o
        }
    }
}

/// The note's key for a basis: what the basis is.
pub fn standing_key(standing: Option<Standing>) -> &'static str {
    match standing {
        Some(Standing::Law) => "basis (law)",
        Some(Standing::Policy) => "basis (policy, no statute)",
        Some(Standing::Practice) => "basis (practice, not law)",
        Some(Standing::Stated) => "basis (as the file states it, unchecked)",
        _ => "basis",
    }
}

/// What a finding rests on, in words.
pub fn rests_on(r: RestsOn) -> &'static str {
    match r {
        RestsOn::Structure => "the structure alone (a route in the graph)",
        RestsOn::Figures => "simulated figures, none of them assumed",
        RestsOn::Assumptions => "simulated figures, some of them assumed (`basis: assumption`)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            xml("<script>\"a\" & 'b'</script>\u{1b}\u{fffe}\u{ffff}\u{fdd0}\u{1ffff}"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;"
        );
        assert_eq!(mermaid("Stap: 1; #2 %%\nnieuw"), "Stap, 1, 2 nieuw");
        assert_eq!(mermaid("a\u{202e}b\u{2066}c"), "a b c");
        assert_eq!(
            mermaid("<script>x</script> <img src=x onerror=\"a&b\">"),
            "#lt;script#gt;x#lt;/script#gt; #lt;img src=x onerror=#quot;a#amp;b#quot;#gt;"
        );
        assert_eq!(inert_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(inert_cell("+1"), "'+1");
        assert_eq!(inert_cell("-1"), "'-1");
        assert_eq!(inert_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert_cell("rijk/klacht"), "rijk/klacht");
        assert_eq!(thousands(7968), "7,968");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(100), "100");
        assert_eq!(cut("Özütok is lang", 6), "Özütø…".replace('ø', "o"));
    }
}
