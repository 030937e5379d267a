//! The route map: every procedure of a library (or those some procedures
//! reach) and the escalations between them on one page, laid out by
//! meldroute itself: the procedures in columns by kind (advice, internal
//! report, complaint, external bodies), each a box with its title and
//! organisation, an arrow for each way on (docs/diagrams.md). Every text
//! is measured and its box returned ([`Drawn`]), as the journey map's.

use std::fmt::Write as _;

use meldroute_core::library::Library;
use meldroute_core::model::ProcedureKind;
use meldroute_core::route_map;
use meldroute_diagnostics::Lang;

use crate::font::Style;
use crate::layout::{Anchor, Canvas, Drawn};
use crate::text::xml;
use crate::words::pick;

/// A4 landscape at 96 px per inch, as the journey map.
const WIDTH: f64 = 1123.0;
const MARGIN: f64 = 24.0;
/// Between two columns: room for the arrows.
const COLUMN_GAP: f64 = 64.0;
/// Between two boxes of a column.
const BOX_GAP: f64 = 18.0;
const PAD: f64 = 8.0;

const TITLE: Style = Style::bold(18.0);
const HEAD: Style = Style::bold(12.0);
const NAME: Style = Style::bold(10.0);
const NOTE: Style = Style::regular(9.0);

const INK: &str = "#24292f";
const MUTED: &str = "#57606a";
const RULE: &str = "#d0d7de";
const ARROW: &str = "#0969da";

/// The columns, left to right: the kinds each holds and its heading.
fn columns(lang: Lang) -> [(&'static [ProcedureKind], &'static str); 4] {
    use ProcedureKind as K;
    [
        (
            &[K::Advice, K::AnonymousLine],
            pick(
                lang,
                "Advies en anoniem melden",
                "Advice and anonymous reporting",
            ),
        ),
        (
            &[K::InternalReport],
            pick(lang, "Intern melden", "Internal report"),
        ),
        (&[K::Complaint], pick(lang, "Klacht", "Complaint")),
        (
            &[K::Ombudsman, K::WhistleblowerAuthority],
            pick(lang, "Externe instanties", "External bodies"),
        ),
    ]
}

/// Where a procedure's box went.
struct Placed {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    column: usize,
}

/// The route map of what `roots` reach, titled `title`, in `lang`.
pub fn draw(lib: &Library, roots: &[meldroute_core::EntryId], title: &str, lang: Lang) -> Drawn {
    let map = route_map(lib, roots);
    let cols = columns(lang);
    let column_of = |kind: ProcedureKind| {
        cols.iter()
            .position(|(kinds, _)| kinds.contains(&kind))
            .unwrap_or(cols.len() - 1)
    };
    // The columns that hold a procedure, in order.
    let used: Vec<usize> = (0..cols.len())
        .filter(|&c| {
            map.procedures
                .iter()
                .any(|&e| column_of(*lib.entry(e).procedure.kind) == c)
        })
        .collect();
    let n = used.len().max(1) as f64;
    let col_w = (WIDTH - 2.0 * MARGIN - (n - 1.0) * COLUMN_GAP) / n;

    let mut c = Canvas::default();
    let mut y = MARGIN + TITLE.size;
    let lines = TITLE.wrap(title, WIDTH - 2.0 * MARGIN, 2);
    c.lines(MARGIN, y, &lines, TITLE, Anchor::Start, INK);
    y += (lines.len() - 1) as f64 * TITLE.line() + NOTE.line() + 4.0;
    let said = format!(
        "{} {} {} {}",
        map.procedures.len(),
        pick(lang, "procedures en", "procedures and"),
        map.escalations.len(),
        pick(
            lang,
            "wegen van de ene naar de andere (een pijl: de melder kan van daar hierheen)",
            "ways from one to another (an arrow: the reporter can go on from there to here)"
        )
    );
    for l in NOTE.wrap(&said, WIDTH - 2.0 * MARGIN, 2) {
        c.text(MARGIN, y, &l, NOTE, Anchor::Start, MUTED);
        y += NOTE.line();
    }
    y += 12.0;
    for (k, &col) in used.iter().enumerate() {
        let x = MARGIN + k as f64 * (col_w + COLUMN_GAP);
        let lines = HEAD.wrap(cols[col].1, col_w, 2);
        c.lines(x, y + HEAD.size, &lines, HEAD, Anchor::Start, INK);
    }
    y += 2.0 * HEAD.line() + 10.0;
    let top = y;

    // Each column's boxes, top down in the order the procedures were found.
    let mut placed: Vec<Option<Placed>> = (0..map.procedures.len()).map(|_| None).collect();
    let mut bottom = top;
    for (k, &col) in used.iter().enumerate() {
        let x = MARGIN + k as f64 * (col_w + COLUMN_GAP);
        let mut cy = top;
        for (i, &e) in map.procedures.iter().enumerate() {
            let p = &lib.entry(e).procedure;
            if column_of(*p.kind) != col {
                continue;
            }
            let mut name = p.title.clone();
            if p.illustrative && !name.to_lowercase().contains("illustrat") {
                name = format!("{name} ({})", pick(lang, "illustratief", "illustrative"));
            }
            let name_lines = NAME.wrap(&name, col_w - 2.0 * PAD, 3);
            let org = NOTE.wrap(&p.organisation, col_w - 2.0 * PAD, 1);
            let h =
                PAD * 2.0 + name_lines.len() as f64 * NAME.line() + org.len() as f64 * NOTE.line();
            c.raw(format_args!(
                r##"<rect x="{x:.1}" y="{cy:.1}" width="{col_w:.1}" height="{h:.1}" rx="4" fill="#ffffff" stroke="{INK}"/>"##
            ));
            let mut ty = cy + PAD + NAME.size;
            c.lines(x + PAD, ty, &name_lines, NAME, Anchor::Start, INK);
            ty += name_lines.len() as f64 * NAME.line();
            c.lines(x + PAD, ty, &org, NOTE, Anchor::Start, MUTED);
            placed[i] = Some(Placed {
                x,
                y: cy,
                w: col_w,
                h,
                column: k,
            });
            cy += h + BOX_GAP;
        }
        bottom = bottom.max(cy);
    }

    // The arrows, under the boxes: from the side of one box to the side
    // of the other that faces it; within a column, round its right side.
    let _ = writeln!(
        c.under,
        r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="{ARROW}"/></marker></defs>"#
    );
    for (k, esc) in map.escalations.iter().enumerate() {
        let (Some(a), Some(b)) = (&placed[esc.from], &placed[esc.to]) else {
            continue;
        };
        // Spread the ends a little, so that arrows into one box part.
        let off = (k % 5) as f64 * 4.0 - 8.0;
        let (ay, by) = (a.y + a.h / 2.0 + off, b.y + b.h / 2.0 + off);
        let d = if b.column > a.column {
            let (x1, x2) = (a.x + a.w, b.x);
            let m = (x1 + x2) / 2.0;
            format!("M{x1:.1} {ay:.1}C{m:.1} {ay:.1} {m:.1} {by:.1} {x2:.1} {by:.1}")
        } else if b.column < a.column {
            let (x1, x2) = (a.x, b.x + b.w);
            let m = (x1 + x2) / 2.0;
            format!("M{x1:.1} {ay:.1}C{m:.1} {ay:.1} {m:.1} {by:.1} {x2:.1} {by:.1}")
        } else {
            let x1 = a.x + a.w;
            let bulge = x1 + COLUMN_GAP * 0.45;
            format!("M{x1:.1} {ay:.1}C{bulge:.1} {ay:.1} {bulge:.1} {by:.1} {x1:.1} {by:.1}")
        };
        let _ = writeln!(
            c.under,
            r#"<path d="{d}" fill="none" stroke="{ARROW}" stroke-width="1.5" marker-end="url(#arrow)"><title>{}</title></path>"#,
            xml(&esc.steps.join("; "))
        );
    }

    // The key.
    let mut y = bottom + 10.0;
    c.raw(format_args!(
        r#"<line x1="{MARGIN}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{RULE}"/>"#,
        WIDTH - MARGIN
    ));
    y += NOTE.line() + 4.0;
    let key = pick(
        lang,
        "Een vak is een procedure (titel en organisatie), in de kolom van haar soort. Een pijl loopt van een procedure naar een procedure waar de melder daarna heen kan: een klacht over de afhandeling, de Nationale ombudsman, het Huis voor klokkenluiders of een andere bevoegde autoriteit.",
        "A box is a procedure (its title and organisation), in the column of its kind. An arrow runs from a procedure to one the reporter can go on to: a complaint about the handling, the Nationale ombudsman, the Huis voor klokkenluiders or another competent authority.",
    );
    for l in NOTE.wrap(key, WIDTH - 2.0 * MARGIN, 4) {
        c.text(MARGIN, y, &l, NOTE, Anchor::Start, MUTED);
        y += NOTE.line();
    }
    c.finish(WIDTH, (y + MARGIN).ceil(), lang)
}
