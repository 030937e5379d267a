//! Provenance in every output format, and read back from any of them
//! (docs/provenance.md). Each format carries one machine-readable copy,
//! the provenance as JSON on one line in pure ASCII with no `<`, `>` or
//! `&` ([`inline_json`]), so it needs no further escaping in a comment, an
//! element, a CSV cell, a PNG chunk or a PDF string; the CSV rows and the
//! report's section say the same for people.
//!
//! | format | where |
//! |---|---|
//! | CSV | rows `provenance,NAME,STATISTIC,VALUE` ([`csv_rows`]) |
//! | Markdown | a trailing `<!-- meldroute-provenance {...} -->` |
//! | DOT | a first line `// meldroute-provenance {...}` |
//! | Mermaid | a last line `%% meldroute-provenance {...}` |
//! | SVG | `<metadata id="meldroute-provenance">` after the root's start tag |
//! | HTML report | a "Provenance" section ending in `<pre id="meldroute-provenance">` |
//! | PNG | an `iTXt` chunk with the keyword `meldroute-provenance` after `IHDR` |
//! | PDF | the document information dictionary, key `/MeldrouteProvenance`, in an incremental update |

use std::fmt::Write as _;

use meldroute_core::provenance::{FileOrigin, Provenance};

use crate::text::xml;

/// The keyword that marks the machine-readable copy in every format.
pub const MARKER: &str = "meldroute-provenance";

/// The key of the PDF information dictionary that holds the copy.
const PDF_KEY: &[u8] = b"/MeldrouteProvenance";

/// Why provenance could not be added to an output, or read from one.
#[derive(Debug, thiserror::Error)]
pub enum ProvenanceError {
    /// The output is not what its writer makes (no `<svg>` root, not a
    /// PNG or a PDF with a trailer).
    #[error("cannot add provenance: {0}")]
    Unexpected(String),
    /// No provenance was found.
    #[error("it holds no meldroute provenance ({0})")]
    Missing(String),
    /// Provenance was found but does not read.
    #[error("its provenance does not read: {0}")]
    Unreadable(String),
}

/// The provenance as one line of JSON, pure ASCII: every character outside
/// printable ASCII, and `<`, `>` and `&`, written as a `\u` escape (they
/// can only stand inside JSON strings, where the escape means the same).
pub fn inline_json(p: &Provenance) -> String {
    let json = serde_json::to_string(p).unwrap_or_default();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !matches!(c, '<' | '>' | '&') {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out
}

/// The command line, for people: `meldroute` and the arguments, each with
/// anything but letters, digits and `-_./:=,+@%` single-quoted as a POSIX
/// shell reads it.
pub fn command_line(p: &Provenance) -> String {
    let mut line = String::from("meldroute");
    for arg in &p.command {
        line.push(' ');
        let plain = !arg.is_empty()
            && arg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,+@%".contains(c));
        if plain {
            line.push_str(arg);
        } else {
            line.push('\'');
            line.push_str(&arg.replace('\'', r"'\''"));
            line.push('\'');
        }
    }
    line
}

/// An option's value as text: a string bare, anything else as JSON.
fn option_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn origin_name(origin: FileOrigin) -> &'static str {
    match origin {
        FileOrigin::User => "file",
        FileOrigin::Bundled => "bundled file",
    }
}

/// Rows for a CSV output, as `[provenance, name, statistic, value]`, raw
/// (the writer makes each cell inert, as every other cell): the version
/// and commit, the command, each option, each file with its SHA-256, the
/// time when there is one, and last the machine-readable copy
/// (`provenance,provenance,json,{...}`).
pub fn csv_rows(p: &Provenance) -> Vec<[String; 4]> {
    let row = |name: &str, stat: &str, value: String| {
        [
            "provenance".to_owned(),
            name.to_owned(),
            stat.to_owned(),
            value,
        ]
    };
    let mut rows = vec![
        row("meldroute", "version", p.version.clone()),
        row("meldroute", "commit", p.commit.clone()),
        row("command", "arguments", command_line(p)),
    ];
    for (name, value) in &p.options {
        rows.push(row("option", name, option_text(value)));
    }
    for f in &p.files {
        rows.push(row(origin_name(f.origin), &f.path, f.sha256.clone()));
    }
    if let Some(made) = &p.made {
        rows.push(row("made", "time", made.clone()));
    }
    rows.push(row("provenance", "json", inline_json(p)));
    rows
}

/// A trailing Markdown (HTML) comment.
pub fn markdown(p: &Provenance) -> String {
    format!("\n<!-- {MARKER} {} -->\n", inline_json(p))
}

/// A DOT comment line, to go first.
pub fn dot(p: &Provenance) -> String {
    format!("// {MARKER} {}\n", inline_json(p))
}

/// A Mermaid comment line, to go last.
pub fn mermaid(p: &Provenance) -> String {
    format!("%% {MARKER} {}\n", inline_json(p))
}

/// `svg` with a `<metadata>` element holding the provenance, first in the
/// root element.
pub fn svg(svg: &str, p: &Provenance) -> Result<String, ProvenanceError> {
    let start = svg
        .find("<svg")
        .filter(|&i| {
            svg[i + 4..]
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '>')
        })
        .ok_or_else(|| ProvenanceError::Unexpected("the SVG has no <svg> element".into()))?;
    let end = svg[start..]
        .find('>')
        .map(|i| start + i + 1)
        .ok_or_else(|| ProvenanceError::Unexpected("the <svg> tag does not end".into()))?;
    let mut out = String::with_capacity(svg.len() + 1024);
    out.push_str(&svg[..end]);
    let _ = write!(
        out,
        "\n<metadata id=\"{MARKER}\">{}</metadata>",
        inline_json(p)
    );
    out.push_str(&svg[end..]);
    Ok(out)
}

/// The "Provenance" section of the HTML report: what made it, the command,
/// the options, the files with their SHA-256, and the machine-readable
/// copy. Every string passes [`xml`].
pub fn html_section(p: &Provenance) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<section id=\"provenance\">\n<h2>Provenance</h2>\n<p>Made by {} {} from commit <code>{}</code>{}. In the folder it was made in, <code>meldroute verify FILE</code> makes it again from the files below and says whether it comes out the same, byte for byte.</p>\n<p>Command: <code>{}</code></p>",
        xml(&p.tool),
        xml(&p.version),
        xml(&p.commit),
        p.made
            .as_ref()
            .map_or_else(String::new, |t| format!(", at {}", xml(t))),
        xml(&command_line(p)),
    );
    o.push_str("<div class=\"scroll\"><table><thead><tr><th>option</th><th>value</th></tr></thead><tbody>\n");
    for (name, value) in &p.options {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            xml(name),
            xml(&option_text(value))
        );
    }
    o.push_str("</tbody></table></div>\n<div class=\"scroll\"><table><thead><tr><th>file</th><th>from</th><th>SHA-256</th></tr></thead><tbody>\n");
    for f in &p.files {
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td></tr>",
            xml(&f.path),
            match f.origin {
                FileOrigin::User => "named",
                FileOrigin::Bundled => "bundled",
            },
            xml(&f.sha256)
        );
    }
    let _ = writeln!(
        o,
        "</tbody></table></div>\n<p class=\"small\">The same, for programs:</p>\n<pre id=\"{MARKER}\" class=\"small\" style=\"white-space: pre-wrap; overflow-wrap: anywhere\">{}</pre>\n</section>",
        inline_json(p)
    );
    o
}

/// The PNG file signature.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// `png` with an `iTXt` chunk (keyword [`MARKER`], uncompressed, no
/// language) holding the provenance, right after `IHDR`.
pub fn png(png: &[u8], p: &Provenance) -> Result<Vec<u8>, ProvenanceError> {
    let bad = || ProvenanceError::Unexpected("not a PNG that starts with IHDR".into());
    let ihdr_end = PNG_SIGNATURE.len() + 8 + 13 + 4;
    if !png.starts_with(PNG_SIGNATURE) || png.get(12..16) != Some(b"IHDR") || png.len() < ihdr_end {
        return Err(bad());
    }
    let mut data = Vec::new();
    data.extend_from_slice(MARKER.as_bytes());
    // Keyword end, compression flag and method, language tag end,
    // translated keyword end.
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(inline_json(p).as_bytes());
    let len = u32::try_from(data.len()).map_err(|_| bad())?;
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&len.to_be_bytes());
    chunk.extend_from_slice(b"iTXt");
    chunk.extend_from_slice(&data);
    let crc = crc32fast::hash(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    let mut out = Vec::with_capacity(png.len() + chunk.len());
    out.extend_from_slice(&png[..ihdr_end]);
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&png[ihdr_end..]);
    Ok(out)
}

/// The provenance in a PNG's `iTXt` chunk.
fn from_png(png: &[u8]) -> Result<String, ProvenanceError> {
    let mut at = PNG_SIGNATURE.len();
    while let Some(head) = png.get(at..at + 8) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let data = png
            .get(at + 8..at.saturating_add(8).saturating_add(len))
            .ok_or_else(|| ProvenanceError::Unreadable("a PNG chunk is cut off".into()))?;
        if &head[4..8] == b"iTXt"
            && let Some(text) = data.strip_prefix(MARKER.as_bytes())
            && let Some(json) = text.strip_prefix(&[0, 0, 0, 0, 0][..])
        {
            return String::from_utf8(json.to_vec())
                .map_err(|_| ProvenanceError::Unreadable("the chunk is not UTF-8".into()));
        }
        if &head[4..8] == b"IEND" {
            break;
        }
        at = at.saturating_add(12).saturating_add(len);
    }
    Err(ProvenanceError::Missing(format!(
        "a PNG without an iTXt chunk `{MARKER}`"
    )))
}

/// The last position of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The number after `key` (skipping white space) in `text`.
fn number_after(text: &[u8], key: &[u8]) -> Option<u64> {
    let at = text.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = &text[at..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let digits: Vec<u8> = rest[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// `pdf` with an incremental update (PDF 1.7, section 7.5.6) that gives it
/// a new document information dictionary: `/Creator` and
/// `/MeldrouteProvenance`, the provenance as a hexadecimal string. The
/// bytes before it are left as they were.
pub fn pdf(pdf: &[u8], p: &Provenance) -> Result<Vec<u8>, ProvenanceError> {
    let bad = |why: &str| ProvenanceError::Unexpected(format!("the PDF {why}"));
    let start = rfind(pdf, b"startxref").ok_or_else(|| bad("has no startxref"))?;
    let prev =
        number_after(&pdf[start..], b"startxref").ok_or_else(|| bad("has no xref offset"))?;
    let trailer = rfind(&pdf[..start], b"trailer")
        .map(|t| &pdf[t..start])
        .ok_or_else(|| bad("has no trailer (a cross-reference stream is not supported)"))?;
    let size = number_after(trailer, b"/Size").ok_or_else(|| bad("trailer has no /Size"))?;
    let root = {
        let at = trailer
            .windows(5)
            .position(|w| w == b"/Root")
            .ok_or_else(|| bad("trailer has no /Root"))?;
        let rest = &trailer[at + 5..];
        let end = rest
            .iter()
            .position(|&b| b == b'R')
            .ok_or_else(|| bad("trailer's /Root is not a reference"))?;
        String::from_utf8_lossy(&rest[..=end]).trim().to_owned()
    };
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let object = out.len();
    let mut hex = String::new();
    for b in inline_json(p).bytes() {
        let _ = write!(hex, "{b:02X}");
    }
    let creator = format!("{} {}", p.tool, p.version);
    let creator: String = creator
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " .-_".contains(*c))
        .collect();
    out.extend_from_slice(
        format!("{size} 0 obj\n<< /Creator ({creator}) /MeldrouteProvenance <{hex}> >>\nendobj\n")
            .as_bytes(),
    );
    let xref = out.len();
    out.extend_from_slice(
        format!(
            "xref\n{size} 1\n{object:010} 00000 n \ntrailer\n<< /Size {} /Root {root} /Info {size} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            size + 1
        )
        .as_bytes(),
    );
    Ok(out)
}

/// The provenance in a PDF's information dictionary (the last one).
fn from_pdf(pdf: &[u8]) -> Result<String, ProvenanceError> {
    let key = [PDF_KEY, b" <"].concat();
    let at = rfind(pdf, &key).ok_or_else(|| {
        ProvenanceError::Missing("a PDF without /MeldrouteProvenance in its information".into())
    })? + key.len();
    let end = pdf[at..]
        .iter()
        .position(|&b| b == b'>')
        .ok_or_else(|| ProvenanceError::Unreadable("the PDF string does not end".into()))?;
    let hex: Vec<u8> = pdf[at..at + end]
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let bytes: Option<Vec<u8>> = hex
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect();
    bytes
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| {
            ProvenanceError::Unreadable("the PDF string is not hexadecimal UTF-8".into())
        })
}

/// Where the copy starts in a text format: after one of these, at the
/// first `{`. None of them can come from a procedure file: `<` is escaped
/// in SVG and HTML, and the line-start comments begin lines only where the
/// writers put them.
const TEXT_MARKS: [&str; 5] = [
    "<metadata id=\"meldroute-provenance\">",
    "<pre id=\"meldroute-provenance\"",
    "// meldroute-provenance ",
    "%% meldroute-provenance ",
    "<!-- meldroute-provenance ",
];

/// The provenance in an output of any format: a JSON output's
/// `provenance` object, the CSV row `provenance,provenance,json`, the
/// copy in a text format ([`TEXT_MARKS`]), a PNG chunk or a PDF's
/// information. Never panics on any input.
pub fn extract(bytes: &[u8]) -> Result<Provenance, ProvenanceError> {
    let json = if bytes.starts_with(PNG_SIGNATURE) {
        from_png(bytes)?
    } else if bytes.starts_with(b"%PDF-") {
        from_pdf(bytes)?
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ProvenanceError::Missing("not UTF-8 text, a PNG or a PDF".into()))?;
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let value: serde_json::Value = serde_json::from_str(text)
                .map_err(|e| ProvenanceError::Unreadable(format!("not JSON: {e}")))?;
            let p = value.get("provenance").cloned().ok_or_else(|| {
                ProvenanceError::Missing("JSON without a top-level `provenance` object".into())
            })?;
            return serde_json::from_value(p)
                .map_err(|e| ProvenanceError::Unreadable(e.to_string()));
        }
        if let Some(json) = from_csv(text) {
            json
        } else {
            let start = TEXT_MARKS
                .iter()
                .filter_map(|m| text.find(m).map(|i| i + m.len()))
                .min()
                .and_then(|i| text[i..].find('{').map(|j| i + j))
                .ok_or_else(|| {
                    ProvenanceError::Missing(format!("no `{MARKER}` copy in the text"))
                })?;
            text[start..].to_owned()
        }
    };
    let mut values = serde_json::Deserializer::from_str(&json).into_iter::<Provenance>();
    match values.next() {
        Some(Ok(p)) => Ok(p),
        Some(Err(e)) => Err(ProvenanceError::Unreadable(e.to_string())),
        None => Err(ProvenanceError::Unreadable("it is empty".into())),
    }
}

/// The copy in the CSV row `provenance,provenance,json,{...}`, when `text`
/// is CSV with such a row.
fn from_csv(text: &str) -> Option<String> {
    let first = text.lines().next()?;
    if !first.starts_with("section,name,statistic,value") && !first.starts_with("procedure,") {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader.records().filter_map(Result::ok).find_map(|r| {
        (r.get(0) == Some("provenance")
            && r.get(1) == Some("provenance")
            && r.get(2) == Some("json"))
        .then(|| r.get(3).map(str::to_owned))
        .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use meldroute_core::provenance::FileDigest;

    fn sample() -> Provenance {
        let mut options = serde_json::Map::new();
        options.insert("runs".into(), 1000.into());
        options.insert("format".into(), "csv".into());
        Provenance {
            tool: "meldroute".into(),
            version: "0.1.0".into(),
            commit: "abc".into(),
            command: vec![
                "simulate".into(),
                "gek </script> --> ]]> ' \u{202e}\u{1b}[31m.yaml".into(),
            ],
            options,
            files: vec![FileDigest {
                path: "=x -->\u{7f}é.yaml".into(),
                origin: FileOrigin::User,
                sha256: "00".repeat(32),
            }],
            made: None,
        }
    }

    #[test]
    fn the_inline_copy_is_plain_ascii_and_reads_back() {
        let p = sample();
        let json = inline_json(&p);
        assert!(json.bytes().all(|b| (0x20..0x7f).contains(&b)), "{json}");
        assert!(!json.contains(['<', '>', '&']), "{json}");
        assert_eq!(serde_json::from_str::<Provenance>(&json).unwrap(), p);
    }

    #[test]
    fn every_format_reads_back() {
        let p = sample();
        let svg_text = svg("<?xml?>\n<svg width=\"1\">\n<g/></svg>\n", &p).unwrap();
        assert!(roxmltree::Document::parse(&svg_text).is_ok(), "{svg_text}");
        let mut png_bytes = PNG_SIGNATURE.to_vec();
        png_bytes.extend_from_slice(&[0, 0, 0, 13]);
        png_bytes.extend_from_slice(b"IHDR");
        png_bytes.extend_from_slice(&[0; 17]);
        png_bytes.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0, 0, 0, 0]);
        let pdf_in = b"%PDF-1.5\n1 0 obj\n<< >>\nendobj\nxref\n0 2\ntrailer\n<< /Size 2\n /Root 1 0 R\n>>\nstartxref\n30\n%%EOF\n";
        let mut csv_text = String::from("section,name,statistic,value\n");
        for r in csv_rows(&p) {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&r).unwrap();
            csv_text.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
        }
        let outputs: Vec<Vec<u8>> = vec![
            svg_text.into_bytes(),
            png(&png_bytes, &p).unwrap(),
            pdf(pdf_in, &p).unwrap(),
            format!("| a |\n{}", markdown(&p)).into_bytes(),
            format!("{}digraph {{}}\n", dot(&p)).into_bytes(),
            format!("journey\n{}", mermaid(&p)).into_bytes(),
            format!("<html>{}</html>", html_section(&p)).into_bytes(),
            csv_text.into_bytes(),
        ];
        for out in outputs {
            let back = extract(&out);
            assert_eq!(
                back.ok().as_ref(),
                Some(&p),
                "{}",
                String::from_utf8_lossy(&out)
            );
        }
        let html = html_section(&p);
        assert!(
            !html.contains("</script>") && !html.contains("\u{1b}"),
            "{html}"
        );
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        for bytes in [
            &b""[..],
            b"{",
            b"{}",
            b"[1]",
            b"\x89PNG\r\n\x1a\n\xff\xff\xff\xff",
            b"%PDF-1.4 /MeldrouteProvenance <7",
            b"// meldroute-provenance {\"tool\":",
            b"\xff\xfe",
            b"section,name,statistic,value\nprovenance,provenance,json,{}\n",
        ] {
            assert!(extract(bytes).is_err(), "{bytes:?}");
        }
        assert!(svg("no svg here", &sample()).is_err());
        assert!(png(b"nope", &sample()).is_err());
        assert!(pdf(b"%PDF-1.5 nothing", &sample()).is_err());
    }
}
