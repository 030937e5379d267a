//! Escaping user text for XML/SVG and Mermaid.

/// Text for XML content and attribute values: `& < > " '` escaped, control
/// characters (not allowed in XML 1.0) dropped.
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
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a Mermaid `journey` line: no line breaks, none of the
/// characters its syntax uses (`:` separates fields, `;` and `#` start
/// statements and entities, `%` comments), and no direction overrides.
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
    words.join(" ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            xml("<script>\"a\" & 'b'</script>\u{1b}"),
            "&lt;script&gt;&quot;a&quot; &amp; &apos;b&apos;&lt;/script&gt;"
        );
        assert_eq!(mermaid("Stap: 1; #2 %%\nnieuw"), "Stap, 1, 2 nieuw");
        assert_eq!(mermaid("a\u{202e}b\u{2066}c"), "a b c");
        assert_eq!(cut("Özütok is lang", 6), "Özütø…".replace('ø', "o"));
    }
}
