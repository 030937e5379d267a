//! Source text of a loaded file and conversion of positions to byte spans.

use std::ops::Range;

/// Identifies a file among those a program loaded (see [`crate::Files`]):
/// its position in the order the program loaded them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

impl FileId {
    /// The id of the file loaded `index`th (0-based).
    pub fn new(index: usize) -> Self {
        FileId(index)
    }

    /// The 0-based position of the file in load order.
    pub fn index(self) -> usize {
        self.0
    }
}

/// A position in a file as the parser reports it: 1-based line, 1-based
/// column counted in characters, and a length in characters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Length in characters (0 for a point).
    pub len: u32,
}

impl Pos {
    /// A position that is not known (a value that did not come from a file).
    pub const UNKNOWN: Pos = Pos {
        line: 0,
        column: 0,
        len: 0,
    };

    /// True when the position points into a file.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// A file's name and text, with an index of line starts.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// A file called `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        // Line breaks as YAML sees them: `\n`, `\r\n` and a lone `\r`.
        let bytes = text.as_bytes();
        let line_starts = std::iter::once(0)
            .chain(bytes.iter().enumerate().filter_map(|(i, &b)| {
                let breaks = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                breaks.then_some(i + 1)
            }))
            .collect();
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The name shown in diagnostics (a path or a library id).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte range of a parser position: the one place where the
    /// parser's character-based columns become byte offsets.
    pub fn byte_span(&self, pos: Pos) -> Range<usize> {
        if !pos.is_known() {
            return 0..0;
        }
        let line = (pos.line as usize - 1).min(self.line_starts.len() - 1);
        let line_start = self.line_starts[line];
        let rest = &self.text[line_start..];
        let start = line_start + nth_char_offset(rest, pos.column.saturating_sub(1) as usize);
        let end = start + nth_char_offset(&self.text[start..], pos.len as usize);
        start..end
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_column(&self, byte: usize) -> (usize, usize) {
        let byte = byte.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts[line];
        let column = self.text.get(start..byte).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }

    /// Byte offset where the 1-based line `line` starts (the end of the
    /// text past the last line). Lines end at `\n`, `\r\n` or a lone `\r`.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e);
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Byte offset of the `n`th character of `s`, or `s.len()` past the end.
fn nth_char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_character_columns_to_bytes() {
        let f = SourceFile::new("x.yaml", "id: a\ntitle: Özütok ë\nactor: ë\n");
        // "ë" on line 2 is the 15th character but byte 16 of the line (Ö, ü take 2 bytes).
        let span = f.byte_span(Pos {
            line: 2,
            column: 15,
            len: 1,
        });
        assert_eq!(&f.text()[span.clone()], "ë");
        assert_eq!(span.start - 6, 16);
        assert_eq!(f.line_column(span.start), (2, 15));
        let span = f.byte_span(Pos {
            line: 2,
            column: 8,
            len: 6,
        });
        assert_eq!(&f.text()[span], "Özütok");
        let span = f.byte_span(Pos {
            line: 3,
            column: 8,
            len: 1,
        });
        assert_eq!(&f.text()[span], "ë");
        assert_eq!(f.line_text(2), "title: Özütok ë");
    }

    #[test]
    fn lone_carriage_returns_break_lines() {
        let f = SourceFile::new("x.yaml", "a: 1\rb: 2\r\nc: 3\n");
        assert_eq!(f.line_text(2), "b: 2");
        assert_eq!(f.line_text(3), "c: 3");
        assert_eq!(f.line_column(11), (3, 1));
    }

    #[test]
    fn unknown_and_out_of_range_positions_are_safe() {
        let f = SourceFile::new("x.yaml", "a: b");
        assert_eq!(f.byte_span(Pos::UNKNOWN), 0..0);
        assert_eq!(
            f.byte_span(Pos {
                line: 9,
                column: 99,
                len: 5
            }),
            4..4
        );
        assert_eq!(f.line_text(7), "");
        assert_eq!(f.line_column(100), (1, 5));
    }
}
