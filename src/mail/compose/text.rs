//! Plain-text cleaning shared by headers and bodies: one-line values, multi-line text,
//! subject excerpts, the aligned `Label: value` block and the owner's local time.
//!
//! Controls and the bidi overrides (U+202A–E, U+2066–9) never survive `clean_line`: it feeds
//! display names and subjects, where a CR or LF could start a header (RFC 5322 §2.2) and an
//! override could disguise an address. Escaping for HTML belongs to `html`.

use chrono::{DateTime, Utc};

/// Characters that must never reach a header or a one-line value: controls and the bidi
/// overrides that can disguise a name.
fn is_unsafe(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One line: unsafe characters become spaces, whitespace runs collapse, ends trimmed.
pub(super) fn clean_line(s: &str) -> String {
    s.split(|ch: char| ch.is_whitespace() || is_unsafe(ch))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Multi-line text: LF line ends, unsafe characters dropped (tabs kept), trailing blanks and
/// surrounding empty lines trimmed.
pub(super) fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<String> = s
        .lines()
        .map(|l| {
            l.chars()
                .filter(|ch| *ch == '\t' || !is_unsafe(*ch))
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// The first non-empty line, cleaned, cut to `max` characters at a word where possible.
pub(super) fn excerpt(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(clean_line)
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    if line.chars().count() <= max {
        return line;
    }
    let cut: String = line.chars().take(max).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if cut[..i].chars().count() >= max * 2 / 3 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches([' ', ',', '.', ';', ':', '-'])
    )
}

/// `Name:     value` lines, the values aligned one column past the longest label.
pub(super) fn aligned<'a>(rows: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> String {
    let width = rows.clone().map(|(l, _)| l.len() + 1).max().unwrap_or(0) + 2;
    rows.map(|(label, value)| format!("{:<width$}{value}\n", format!("{label}:")))
        .collect()
}

/// `Tue 24 Nov 2026, 14:05 (Europe/Berlin)`
pub(super) fn local_time(at: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    format!(
        "{} ({})",
        at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M"),
        tz.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_on_characters_and_words() {
        assert_eq!(excerpt("short", 60), "short");
        let long = "ü".repeat(100);
        assert_eq!(excerpt(&long, 60).chars().count(), 61);
        assert_eq!(
            excerpt(
                "Password reset link expired before I could use it. Can you send one",
                60
            ),
            "Password reset link expired before I could use it. Can you…"
        );
    }

    #[test]
    fn text_parts_keep_line_breaks_and_drop_controls() {
        assert_eq!(clean_text("a\r\nb\rc\u{0}d  \n\n\n"), "a\nb\ncd");
        assert_eq!(clean_line("  José\r\n\tMüller\u{202E} "), "José Müller");
        let rows = [("Name", "José"), ("Received", "now")];
        assert_eq!(
            aligned(rows.into_iter()),
            "Name:      José\nReceived:  now\n"
        );
    }
}
