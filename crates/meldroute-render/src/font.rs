//! The font every picture is set in, bundled (DejaVu Sans, under the
//! Bitstream Vera licence, `fonts/LICENSE-DejaVu`), so that text is
//! measured here as it is drawn in the PNG and PDF, on every machine; and
//! the measuring and wrapping of labels, so that the layout places every
//! label where it fits (docs/journey-map.md).

use std::sync::OnceLock;

/// The regular face.
pub static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// The bold face.
pub static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The family SVG names, with what a browser without it may take instead
/// (Verdana has nearly the same widths: DejaVu Sans is Bitstream Vera's).
pub const FAMILY: &str = "DejaVu Sans, Verdana, sans-serif";

/// A face's advances per character, in em, for the characters measured.
struct Metrics {
    face: Option<ttf_parser::Face<'static>>,
}

impl Metrics {
    fn of(data: &'static [u8]) -> Metrics {
        Metrics {
            face: ttf_parser::Face::parse(data, 0).ok(),
        }
    }

    /// The advance of `c` in em (a missing glyph: the replacement's, else
    /// 0.6 em).
    fn advance(&self, c: char) -> f64 {
        let Some(face) = &self.face else { return 0.6 };
        let per_em = f64::from(face.units_per_em().max(1));
        let glyph = face.glyph_index(c).or_else(|| face.glyph_index('\u{fffd}'));
        glyph
            .and_then(|g| face.glyph_hor_advance(g))
            .map_or(0.6, |a| f64::from(a) / per_em)
    }
}

fn metrics(bold: bool) -> &'static Metrics {
    static REGULAR_M: OnceLock<Metrics> = OnceLock::new();
    static BOLD_M: OnceLock<Metrics> = OnceLock::new();
    if bold {
        BOLD_M.get_or_init(|| Metrics::of(BOLD))
    } else {
        REGULAR_M.get_or_init(|| Metrics::of(REGULAR))
    }
}

/// A style of text: its size in px and whether it is bold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    /// Font size in px.
    pub size: f64,
    /// Bold.
    pub bold: bool,
}

impl Style {
    /// Regular text of `size` px.
    pub const fn regular(size: f64) -> Style {
        Style { size, bold: false }
    }

    /// Bold text of `size` px.
    pub const fn bold(size: f64) -> Style {
        Style { size, bold: true }
    }

    /// The height of a line of this style.
    pub fn line(self) -> f64 {
        (self.size * 1.25).ceil()
    }

    /// The width of `text` set in this style, in px.
    pub fn width(self, text: &str) -> f64 {
        let m = metrics(self.bold);
        text.chars().map(|c| m.advance(c)).sum::<f64>() * self.size
    }

    /// `text` in at most `lines` lines of at most `max` px: broken at
    /// spaces (a word longer than a line at any character), the last line
    /// ended with `…` when the text does not fit.
    pub fn wrap(self, text: &str, max: f64, lines: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut line = String::new();
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut rest = false;
        'words: for (k, word) in words.iter().enumerate() {
            let candidate = if line.is_empty() {
                (*word).to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
                if out.len() == lines {
                    rest = true;
                    break 'words;
                }
            }
            // The word on a line of its own, broken where it must be.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if self.width(&piece) > max {
                    piece.pop();
                    out.push(std::mem::take(&mut piece));
                    piece.push(c);
                    if out.len() == lines {
                        rest = true;
                        break 'words;
                    }
                }
            }
            line = piece;
            let _ = k;
        }
        if !rest && !line.is_empty() {
            out.push(line);
        }
        if rest {
            // Out of lines: end the last with an ellipsis that fits.
            let last = out.pop().unwrap_or_default();
            let mut cut: String = last;
            while !cut.is_empty() && self.width(&format!("{cut}…")) > max {
                cut.pop();
            }
            out.push(format!("{}…", cut.trim_end()));
        }
        if out.is_empty() {
            out.push(String::new());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_by_the_fonts_advances() {
        let s = Style::regular(10.0);
        // DejaVu Sans: "i" is narrow, "W" wide; widths add up.
        assert!(s.width("i") < s.width("W"));
        assert!((s.width("ab") - s.width("a") - s.width("b")).abs() < 1e-9);
        assert!(Style::bold(10.0).width("Onderzoek") > s.width("Onderzoek"));
        // The advance of "0" in DejaVu Sans is 1303/2048 em.
        assert!(
            (s.width("0") - 10.0 * 1303.0 / 2048.0).abs() < 1e-9,
            "{}",
            s.width("0")
        );
    }

    #[test]
    fn wrapping_fits_every_line_and_says_what_it_cut() {
        let s = Style::regular(10.0);
        let text = "Tussentijdse terugkoppeling over de voortgang aan de melder";
        let lines = s.wrap(text, 120.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| s.width(l) <= 120.0), "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert_eq!(s.wrap("Kort", 120.0, 2), ["Kort"]);
        let long = s.wrap("Onderzoekscommissieverslaglegging", 60.0, 3);
        assert!(long.iter().all(|l| s.width(l) <= 60.0), "{long:?}");
    }
}
