//! Checks of a procedure file's text beside the typed parse in
//! [`crate::load`]: characters no procedure file may hold, and duplicate
//! keys the parse would report only after another error.

use std::collections::HashMap;
use std::ops::Range;

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle, Span};

use crate::source::SourceFile;

/// True for a character that XML 1.0 cannot hold or discourages, and that
/// no procedure file needs: C0 controls other than tab, line feed and
/// carriage return, DEL and the C1 controls (U+007F-U+009F), and the Unicode
/// non-characters (U+FDD0-U+FDEF, and the last two code points of every
/// plane, U+FFFE and U+FFFF up to U+10FFFE and U+10FFFF).
pub fn is_forbidden(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{fdd0}'..='\u{fdef}' => true,
        c => (c as u32) & 0xfffe == 0xfffe,
    }
}

/// What a forbidden character is, for a message: `U+001B, a control
/// character`.
pub fn describe(c: char) -> String {
    let kind = if c.is_control() {
        "a control character"
    } else {
        "a Unicode non-character"
    };
    format!("U+{:04X}, {kind}", c as u32)
}

/// A forbidden character in the file: where it is written (the character
/// itself, or the escape such as `\e` or `\uFFFE` that writes it), and
/// which it is.
#[derive(Debug, PartialEq, Eq)]
pub struct Forbidden {
    /// The bytes of the character or its escape.
    pub span: Range<usize>,
    /// The character.
    pub char: char,
    /// The escape that writes it, if it is written as one.
    pub escape: Option<String>,
}

/// The first forbidden character in `text`, as written (comments included).
pub fn forbidden_char(text: &str) -> Option<Forbidden> {
    text.char_indices()
        .find(|&(_, c)| is_forbidden(c))
        .map(|(at, c)| Forbidden {
            span: at..at + c.len_utf8(),
            char: c,
            escape: None,
        })
}

/// The first escape in a double-quoted string that writes a forbidden
/// character (`"\e[31m"`, `"\uFFFE"`). Run after [`forbidden_char`] found
/// none and after the file parsed.
pub fn forbidden_escape(source: &SourceFile) -> Option<Forbidden> {
    let text = source.text();
    // Only these escapes write a control or a non-character; most files
    // have none, and are not parsed a second time.
    let might = text.match_indices('\\').any(|(at, _)| {
        text[at + 1..].starts_with(['0', 'a', 'b', 'v', 'f', 'e', 'N', 'x', 'u', 'U'])
    });
    if !might {
        return None;
    }
    for (event, span) in events(text) {
        if let Event::Scalar(value, ScalarStyle::DoubleQuoted, ..) = event
            && value.chars().any(is_forbidden)
        {
            let start = byte_of(source, &span.start);
            return Some(escape_in(text, start).unwrap_or_else(|| {
                let c = value.chars().find(|&c| is_forbidden(c)).unwrap_or('\0');
                Forbidden {
                    span: start..start,
                    char: c,
                    escape: None,
                }
            }));
        }
    }
    None
}

/// The first escape writing a forbidden character in the double-quoted
/// string that starts at byte `from` (its opening quote).
fn escape_in(text: &str, from: usize) -> Option<Forbidden> {
    let body = text.get(from..)?.strip_prefix('"')?;
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => {
                let (_, e) = chars.next()?;
                let (digits, fixed) = match e {
                    '0' => (0, Some('\0')),
                    'a' => (0, Some('\u{7}')),
                    'b' => (0, Some('\u{8}')),
                    'v' => (0, Some('\u{b}')),
                    'f' => (0, Some('\u{c}')),
                    'e' => (0, Some('\u{1b}')),
                    'N' => (0, Some('\u{85}')),
                    'x' => (2, None),
                    'u' => (4, None),
                    'U' => (8, None),
                    _ => continue,
                };
                let hex = body.get(i + 2..i + 2 + digits)?;
                let written = match fixed {
                    Some(c) => Some(c),
                    None => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                };
                for _ in 0..digits {
                    chars.next();
                }
                if let Some(c) = written.filter(|&c| is_forbidden(c)) {
                    let start = from + 1 + i;
                    let end = start + 2 + digits;
                    return Some(Forbidden {
                        span: start..end,
                        char: c,
                        escape: text.get(start..end).map(str::to_owned),
                    });
                }
            }
            _ => {}
        }
    }
    None
}

/// A key written twice in one map: the bytes of its first and second
/// occurrence, and the key.
#[derive(Debug, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the key is first written.
    pub first: Range<usize>,
    /// Where it is written again.
    pub again: Range<usize>,
    /// The key.
    pub key: String,
}

/// The first key (in the order of the file) written twice in one map, read
/// up to the first syntax error. The typed parse reports a duplicate only
/// when it reaches the second key, so an error in the first entry (a
/// missing `kind`) would hide it.
pub fn duplicate_key(source: &SourceFile) -> Option<Duplicate> {
    enum Frame {
        Map {
            keys: HashMap<String, Range<usize>>,
            at_key: bool,
        },
        Seq,
    }
    let mut stack: Vec<Frame> = Vec::new();
    for (event, span) in events(source.text()) {
        let key = match event {
            Event::MappingStart(..) => {
                stack.push(Frame::Map {
                    keys: HashMap::new(),
                    at_key: true,
                });
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq);
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                None
            }
            Event::Scalar(value, ..) => Some(value.into_owned()),
            Event::Alias(_) => None,
            _ => continue,
        };
        // A node is complete: a key or a value of the enclosing map.
        if let Some(Frame::Map { keys, at_key }) = stack.last_mut() {
            if *at_key && let Some(key) = key {
                let start = byte_of(source, &span.start);
                let here = start..byte_of(source, &span.end).max(start);
                if let Some(first) = keys.get(&key) {
                    return Some(Duplicate {
                        first: first.clone(),
                        again: here,
                        key,
                    });
                }
                keys.insert(key, here);
            }
            *at_key = !*at_key;
        }
    }
    None
}

/// The format version a file writes (`meldroute: 2`, a plain whole
/// number at the top level) and its bytes, read up to the first syntax
/// error: for a file the typed parse refused, whose errors may be those of
/// a newer format.
pub fn written_version(source: &SourceFile) -> Option<(u64, Range<usize>)> {
    // Per open collection, whether it is a map; `at_key` and `wanted` are
    // about the top-level map only.
    let mut stack: Vec<bool> = Vec::new();
    let (mut at_key, mut wanted) = (true, false);
    for (event, span) in events(source.text()) {
        let scalar = match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                stack.push(matches!(event, Event::MappingStart(..)));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
                None
            }
            Event::Scalar(value, style, ..) => Some((value, style)),
            Event::Alias(_) => None,
            _ => continue,
        };
        if stack != [true] {
            continue;
        }
        if at_key {
            wanted = scalar
                .as_ref()
                .is_some_and(|(v, _)| v == crate::version::KEY);
        } else if wanted {
            let (value, style) = scalar?;
            let version = value.parse().ok().filter(|_| style == ScalarStyle::Plain)?;
            let start = byte_of(source, &span.start);
            return Some((version, start..byte_of(source, &span.end).max(start)));
        }
        at_key = !at_key;
    }
    None
}

/// A node of a YAML document with the bytes it spans: what
/// [`crate::fit`] needs to edit a file's values in place.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// What it holds.
    pub kind: NodeKind,
    /// Its bytes: from its first character to its last (a block
    /// collection ends with its last entry, a flow one with its bracket).
    pub span: Range<usize>,
    /// Written in flow style (`{...}`, `[...]`).
    pub flow: bool,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    /// A scalar, as read.
    Scalar(String),
    /// A map's entries: each key and its value, in the order written.
    Map(Vec<(Node, Node)>),
    /// A sequence's items.
    Seq(Vec<Node>),
    /// An alias (`*a`).
    Alias,
}

impl Node {
    /// The value of `key` in this map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The entry of `key` in this map: its key node and its value.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar(s) if s == key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }
}

/// The first document of `source` as a tree of [`Node`]s, or `None` when
/// it does not parse.
pub(crate) fn tree(source: &SourceFile) -> Option<Node> {
    let mut events = Parser::new_from_str(source.text());
    // Parsed fully or not at all: a syntax error anywhere gives `None`.
    let mut all = Vec::new();
    for e in &mut events {
        let (event, span) = e.ok()?;
        if matches!(event, Event::DocumentEnd) {
            break;
        }
        all.push((event, span));
    }
    let mut iter = all.into_iter().peekable();
    while let Some((event, _)) = iter.peek() {
        if matches!(
            event,
            Event::MappingStart(..) | Event::SequenceStart(..) | Event::Scalar(..)
        ) {
            break;
        }
        iter.next();
    }
    node(source, &mut iter)
}

/// The node whose first event `events` gives next.
fn node<'a>(
    source: &SourceFile,
    events: &mut std::iter::Peekable<impl Iterator<Item = (Event<'a>, Span)>>,
) -> Option<Node> {
    let (event, span) = events.next()?;
    let start = byte_of(source, &span.start);
    let text = source.text();
    let flow = matches!(text.as_bytes().get(start), Some(b'{' | b'['));
    match event {
        Event::Scalar(value, ..) => Some(Node {
            kind: NodeKind::Scalar(value.into_owned()),
            span: start..byte_of(source, &span.end).max(start),
            flow: false,
        }),
        Event::Alias(_) => Some(Node {
            kind: NodeKind::Alias,
            span: start..byte_of(source, &span.end).max(start),
            flow: false,
        }),
        Event::MappingStart(..) | Event::SequenceStart(..) => {
            let map = matches!(event, Event::MappingStart(..));
            let mut items = Vec::new();
            let end = loop {
                match events.peek() {
                    Some((Event::MappingEnd | Event::SequenceEnd, end)) => {
                        let end = byte_of(source, &end.end);
                        events.next();
                        break end;
                    }
                    Some(_) => items.push(node(source, events)?),
                    None => return None,
                }
            };
            let last = items.last().map_or(start, |n: &Node| n.span.end);
            let end = if flow { end.max(last) } else { last.max(start) };
            let kind = if map {
                let mut entries = Vec::new();
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                NodeKind::Map(entries)
            } else {
                NodeKind::Seq(items)
            };
            Some(Node {
                kind,
                span: start..end,
                flow,
            })
        }
        _ => None,
    }
}

/// The events of `text` up to the first syntax error.
fn events(text: &str) -> impl Iterator<Item = (Event<'_>, Span)> {
    Parser::new_from_str(text).map_while(Result::ok)
}

/// The byte offset of a parser position.
fn byte_of(source: &SourceFile, marker: &Marker) -> usize {
    if let Some(byte) = marker.byte_offset() {
        return byte.min(source.text().len());
    }
    let start = source.line_start(marker.line());
    let line = &source.text()[start..];
    start
        + line
            .char_indices()
            .nth(marker.col())
            .map_or(line.len(), |(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters() {
        for c in [
            '\0',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9f}',
            '\u{fdd0}',
            '\u{fdef}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{1fffe}',
            '\u{10ffff}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\t',
            '\n',
            '\r',
            ' ',
            'a',
            'ë',
            '\u{a0}',
            '\u{feff}',
            '\u{fffd}',
            '\u{202e}',
            '\u{200b}',
            '\u{fdcf}',
            '\u{fdf0}',
            '\u{1fffd}',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        assert_eq!(describe('\u{fffe}'), "U+FFFE, a Unicode non-character");
        assert_eq!(describe('\u{1b}'), "U+001B, a control character");
        assert_eq!(describe('\u{10ffff}'), "U+10FFFF, a Unicode non-character");
    }

    #[test]
    fn finds_the_escape_that_writes_a_forbidden_character() {
        let find = |text: &str| forbidden_escape(&SourceFile::new("t.yaml", text));
        let text = "a: \"ok \\\\e \\\" \\t \\u00e9\"\nb: \"x \\u001B y\"\n";
        let found = find(text).expect("found");
        assert_eq!(&text[found.span.clone()], "\\u001B");
        assert_eq!(found.char, '\u{1b}');
        assert_eq!(found.escape.as_deref(), Some("\\u001B"));
        for (text, escape) in [
            ("a: \"\\e[31m\"", "\\e"),
            ("a: \"\\x7f\"", "\\x7f"),
            ("a: [\"\\N\"]", "\\N"),
            ("a: \"\\U0010FFFF\"", "\\U0010FFFF"),
            ("{a: \"\\0\"}", "\\0"),
        ] {
            assert_eq!(
                find(text).and_then(|f| f.escape).as_deref(),
                Some(escape),
                "{text}"
            );
        }
        // Single-quoted and plain scalars have no escapes.
        for text in ["a: '\\e'", "a: x\\e", "a: \"\\\\e\"", "a: \"\\u00e9\""] {
            assert_eq!(find(text), None, "{text}");
        }
    }

    #[test]
    fn finds_the_version_a_file_writes_at_the_top_level() {
        let find = |text: &str| written_version(&SourceFile::new("t.yaml", text));
        let text = "# c\nid: x\nsteps: {meldroute: 5}\nmeldroute: 2\nnieuw: [\n";
        let (version, span) = find(text).expect("found");
        assert_eq!(version, 2);
        assert_eq!(span.start, text.find("2\n").expect("2"));
        assert_eq!(&text[span], "2");
        // Nested keys, other values and quoted numbers are not a version.
        assert_eq!(find("steps: {meldroute: 5}\n"), None);
        assert_eq!(find("id: meldroute\nx: 3\n"), None);
        assert_eq!(find("meldroute: \"2\"\n"), None);
        assert_eq!(find("meldroute: {a: 2}\nb: 3\n"), None);
        assert_eq!(find("a: [meldroute, 3]\n"), None);
    }

    #[test]
    fn finds_the_first_duplicate_key_of_any_map() {
        let find = |text: &str| duplicate_key(&SourceFile::new("t.yaml", text));
        let text = "a: 1\nsteps:\n  x: {title: t}\n  y: [x, x]\n  x: {kind: k}\na: 2\n";
        let found = find(text).expect("found");
        assert_eq!(found.key, "x");
        assert_eq!(&text[found.first.clone()], "x");
        assert_eq!(found.first.start, text.find("  x:").expect("x") + 2);
        assert_eq!(found.again.start, text.rfind("  x:").expect("x") + 2);
        // Keys of different maps, and values, may repeat.
        assert_eq!(find("a: {b: 1}\nc: {b: b}\nd: [a, a]\n"), None);
        // Up to the first syntax error.
        assert_eq!(find("a: [\nb: 1\nb: 2\n"), None);
    }
}
