//! Laying out a picture whose every text is measured: the canvas that
//! keeps the box of each text it draws ([`TextBox`], [`Drawn`]), and labels
//! packed into rows so that none overlaps another ([`pack`]). The journey
//! map and the route map draw with it; their tests check the boxes.

use std::fmt::Write as _;

use crate::font::Style;
use crate::text::xml;

/// Space between two labels in a row.
const GAP: f64 = 8.0;

/// A text's box on the canvas: (left, top, right, bottom) in px, and the
/// text.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBox {
    /// Left, top, right, bottom.
    pub rect: [f64; 4],
    /// The text.
    pub text: String,
}

impl TextBox {
    /// True when the two boxes share more than a hair of area.
    pub fn overlaps(&self, other: &TextBox) -> bool {
        let [a0, a1, a2, a3] = self.rect;
        let [b0, b1, b2, b3] = other.rect;
        a0 < b2 - 0.5 && b0 < a2 - 0.5 && a1 < b3 - 0.5 && b1 < a3 - 0.5
    }
}

/// A drawing and the boxes of its texts.
pub struct Drawn {
    /// The SVG document.
    pub svg: String,
    /// Every text drawn.
    pub boxes: Vec<TextBox>,
    /// The canvas: width and height.
    pub size: (f64, f64),
}

/// SVG elements, and the box of every text among them.
#[derive(Default)]
pub(crate) struct Canvas {
    /// Drawn first, under everything: the deadlines' lines.
    pub(crate) under: String,
    pub(crate) body: String,
    pub(crate) boxes: Vec<TextBox>,
}

/// Where a text is anchored.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Canvas {
    /// The SVG document of `width` x `height` px in the bundled font, on
    /// white, saying its language, with the boxes of its texts.
    pub(crate) fn finish(
        self,
        width: f64,
        height: f64,
        lang: meldroute_diagnostics::Lang,
    ) -> Drawn {
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height:.0}" viewBox="0 0 {width} {height:.0}" font-family="{}" font-size="10" lang="{}">"#,
            crate::font::FAMILY,
            lang.code()
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
        svg.push_str(&self.under);
        svg.push_str(&self.body);
        svg.push_str("</svg>\n");
        Drawn {
            svg,
            boxes: self.boxes,
            size: (width, height),
        }
    }

    /// One line of `text` with its baseline at `y`.
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        text: &str,
        style: Style,
        anchor: Anchor,
        fill: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let w = style.width(text);
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        let a = match anchor {
            Anchor::Start => "",
            Anchor::Middle => r#" text-anchor="middle""#,
            Anchor::End => r#" text-anchor="end""#,
        };
        let weight = if style.bold {
            r#" font-weight="bold""#
        } else {
            ""
        };
        let _ = writeln!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="{}"{weight}{a} fill="{fill}">{}</text>"#,
            style.size,
            xml(text)
        );
        self.boxes.push(TextBox {
            rect: [left, y - 0.93 * style.size, left + w, y + 0.24 * style.size],
            text: text.to_owned(),
        });
    }

    /// Lines of text, the first baseline at `y`.
    pub(crate) fn lines(
        &mut self,
        x: f64,
        y: f64,
        lines: &[String],
        style: Style,
        anchor: Anchor,
        fill: &str,
    ) {
        for (k, l) in lines.iter().enumerate() {
            self.text(x, y + k as f64 * style.line(), l, style, anchor, fill);
        }
    }

    pub(crate) fn raw(&mut self, element: std::fmt::Arguments<'_>) {
        let _ = self.body.write_fmt(element);
        self.body.push('\n');
    }
}

/// A label to place in a band of rows: wanted at `at` (px), `lines` of
/// text of width `w`.
pub(crate) struct Label {
    pub(crate) at: f64,
    pub(crate) lines: Vec<String>,
    pub(crate) w: f64,
    /// Where it went: its left edge and its row.
    pub(crate) x: f64,
    pub(crate) row: usize,
}

impl Label {
    pub(crate) fn new(at: f64, text: &str, style: Style, max: f64, lines: usize) -> Label {
        let lines = style.wrap(text, max, lines);
        let w = lines.iter().map(|l| style.width(l)).fold(0.0, f64::max);
        Label {
            at,
            lines,
            w,
            x: at,
            row: 0,
        }
    }
}

/// Places `labels` in rows between `left` and `right`: each at its wanted
/// place (moved left to stay inside), in the first row where it overlaps
/// no other; the number of rows used.
pub(crate) fn pack(labels: &mut [Label], left: f64, right: f64) -> usize {
    let mut ends: Vec<f64> = Vec::new();
    for l in labels.iter_mut() {
        l.x = l.at.min(right - l.w).max(left);
        let row = ends.iter().position(|&e| e + GAP <= l.x);
        l.row = match row {
            Some(r) => r,
            None => {
                ends.push(f64::MIN);
                ends.len() - 1
            }
        };
        ends[l.row] = l.x + l.w;
    }
    ends.len()
}
