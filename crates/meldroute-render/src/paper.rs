//! Pictures meldroute draws as SVG, made into PNG and PDF without another
//! program: usvg reads the SVG with the bundled font only (no system
//! fonts, so the output is the same on every machine), resvg paints the
//! PNG, svg2pdf writes the PDF (docs/decisions/0024-pictures-without-other-programs.md).
//! Both are sized for A4: the PDF is an A4 page, landscape or portrait as
//! the picture is wider or taller, the picture scaled to fit within its
//! margins; the PNG is the picture at 150 dpi of that page.

/// Why a picture could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PaperError {
    /// The SVG could not be read (a bug: meldroute wrote it).
    #[error("the drawing could not be read as SVG: {0}")]
    Svg(String),
    /// The picture has no area, or is too large to paint.
    #[error("the drawing cannot be painted at {0:.0} x {1:.0} px")]
    Size(f64, f64),
    /// The PNG or PDF writer failed.
    #[error("the {0} could not be written: {1}")]
    Write(&'static str, String),
}

/// A4 in px at 96 per inch: 210 x 297 mm.
const A4: (f64, f64) = (793.7, 1122.5);
/// The page margin in px (10 mm).
const PAGE_MARGIN: f64 = 37.8;
/// Pixels of a PNG per px of the page: 150 dpi.
const PNG_SCALE: f64 = 150.0 / 96.0;

/// usvg's options: the bundled faces only, DejaVu Sans for every family.
fn options() -> resvg::usvg::Options<'static> {
    let mut o = resvg::usvg::Options {
        font_family: "DejaVu Sans".to_owned(),
        ..resvg::usvg::Options::default()
    };
    let db = o.fontdb_mut();
    db.load_font_data(crate::font::REGULAR.to_vec());
    db.load_font_data(crate::font::BOLD.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    db.set_serif_family("DejaVu Sans");
    db.set_monospace_family("DejaVu Sans");
    o
}

/// The page `svg` goes on, as SVG: A4, turned to the picture's shape,
/// the picture centred and scaled to fit within the margins.
fn on_a4(svg: &str) -> Result<(String, f64, f64), PaperError> {
    let tree =
        resvg::usvg::Tree::from_str(svg, &options()).map_err(|e| PaperError::Svg(e.to_string()))?;
    let (w, h) = (
        f64::from(tree.size().width()),
        f64::from(tree.size().height()),
    );
    if !(w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite()) {
        return Err(PaperError::Size(w, h));
    }
    let (pw, ph) = if w >= h { (A4.1, A4.0) } else { A4 };
    let scale = ((pw - 2.0 * PAGE_MARGIN) / w).min((ph - 2.0 * PAGE_MARGIN) / h);
    let (sw, sh) = (w * scale, h * scale);
    let (x, y) = ((pw - sw) / 2.0, (ph - sh) / 2.0);
    // The picture's own <svg> element nested in the page's, sized to fit.
    let start = svg
        .find("<svg")
        .ok_or_else(|| PaperError::Svg("no <svg> element".into()))?;
    let inner = &svg[start..];
    let open_end = inner
        .find('>')
        .ok_or_else(|| PaperError::Svg("an unclosed <svg>".into()))?;
    let nested = format!(
        r#"<svg x="{x:.2}" y="{y:.2}" width="{sw:.2}" height="{sh:.2}" viewBox="0 0 {w} {h}" preserveAspectRatio="xMidYMid meet"{}"#,
        strip_size(&inner[4..open_end + 1])
    );
    let page = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{pw:.1}" height="{ph:.1}" viewBox="0 0 {pw:.1} {ph:.1}"><rect width="100%" height="100%" fill="#ffffff"/>{nested}{}</svg>"##,
        &inner[open_end + 1..]
    );
    Ok((page, pw, ph))
}

/// The attributes of an `<svg ...>` tag without its size and namespace
/// (the page gives both).
fn strip_size(attrs: &str) -> String {
    let mut out = String::new();
    let mut rest = attrs;
    while let Some(eq) = rest.find("=\"") {
        let name_start = rest[..eq].rfind(' ').map_or(0, |i| i + 1);
        let Some(close) = rest[eq + 2..].find('"') else {
            break;
        };
        let end = eq + 2 + close + 1;
        let name = rest[name_start..eq].trim();
        if !matches!(name, "width" | "height" | "viewBox" | "xmlns" | "x" | "y") {
            out.push(' ');
            out.push_str(&rest[name_start..end]);
        }
        rest = &rest[end..];
    }
    out.push_str(rest.trim_start_matches(|c: char| c != '/' && c != '>'));
    out
}

/// `svg` as a PNG of an A4 page at 150 dpi.
pub fn png(svg: &str) -> Result<Vec<u8>, PaperError> {
    let (page, pw, ph) = on_a4(svg)?;
    let tree = resvg::usvg::Tree::from_str(&page, &options())
        .map_err(|e| PaperError::Svg(e.to_string()))?;
    let (w, h) = (
        (pw * PNG_SCALE).round() as u32,
        (ph * PNG_SCALE).round() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).ok_or(PaperError::Size(pw, ph))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(PNG_SCALE as f32, PNG_SCALE as f32),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PaperError::Write("PNG", e.to_string()))
}

/// `svg` as a PDF of one A4 page, its text set in the bundled font.
pub fn pdf(svg: &str) -> Result<Vec<u8>, PaperError> {
    let (page, _, _) = on_a4(svg)?;
    let tree = resvg::usvg::Tree::from_str(&page, &options())
        .map_err(|e| PaperError::Svg(e.to_string()))?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: 96.0 },
    )
    .map_err(|e| PaperError::Write("PDF", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PICTURE: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="1123" height="400" viewBox="0 0 1123 400" font-family="DejaVu Sans"><rect x="10" y="10" width="100" height="50" fill="#cf222e"/><text x="20" y="100" font-size="20">Onderzoek</text></svg>"##;

    #[test]
    fn a_png_is_an_a4_page_at_150_dpi_with_the_picture_on_it() {
        let bytes = png(PICTURE).expect("a png");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let img = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("decodes");
        // Landscape A4 at 150 dpi: 1754 x 1240.
        assert_eq!((img.width(), img.height()), (1754, 1240));
        // The red rectangle is painted: some pixel is red.
        assert!(
            img.pixels()
                .iter()
                .any(|p| p.red() > 180 && p.green() < 80 && p.blue() < 80)
        );
        // Same input, same bytes.
        assert_eq!(bytes, png(PICTURE).expect("a png"));
    }

    #[test]
    fn a_pdf_is_one_a4_page_with_the_font_embedded() {
        let bytes = pdf(PICTURE).expect("a pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("DejaVu"), "the bundled font is embedded");
        // A4 landscape in points: 841.9 x 595.3.
        assert!(
            text.contains("/MediaBox [0 0 841.8") || text.contains("/MediaBox [0 0 841.9"),
            "{}",
            &text[..text.len().min(2000)]
        );
        assert_eq!(bytes, pdf(PICTURE).expect("a pdf"));
    }

    #[test]
    fn what_is_not_svg_is_an_error_not_a_panic() {
        assert!(png("not svg").is_err());
        assert!(pdf("<svg").is_err());
    }
}
