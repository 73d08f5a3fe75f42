//! Full-text search over tickets (id, visitor, issue) and their threads (subject, text), on
//! the FTS5 indexes of migration 0002.
//!
//! What the owner types is never FTS5 syntax: every word becomes a quoted phrase (quotes
//! doubled), so `"`, `-`, `*`, `NEAR`, `AND`, parentheses and any Unicode are plain text and
//! can never be a syntax error. Words are ANDed, and the last one matches as a prefix unless
//! the input ends in a space, so results follow the typing. A ticket matches when every word
//! is found somewhere in it: in the ticket itself or in any entry of its thread.

use super::tickets::{filter_params, from_row, Filter, COLUMNS, FILTER_ORDER, FILTER_WHERE, FROM};
use super::Result;
use crate::domain::Ticket;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;

/// Words beyond this are ignored (each is one index lookup).
pub const MAX_TERMS: usize = 8;
/// Characters beyond this are ignored.
pub const MAX_QUERY_CHARS: usize = 200;

/// The FTS5 expressions, one per searchable word of `input` (pure).
pub fn terms(input: &str) -> Vec<String> {
    let input: String = input.chars().take(MAX_QUERY_CHARS).collect();
    let open_ended = !input.ends_with(char::is_whitespace);
    // A word with no letter or digit has no token to find ("-", "&", "😀").
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .collect();
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let phrase = format!("\"{}\"", w.replace('"', "\"\""));
            if i == last && open_ended {
                phrase + "*"
            } else {
                phrase
            }
        })
        .collect()
}

/// Tickets matching `input` under `filter`, newest activity first. No searchable word → none.
pub fn search(
    conn: &Connection,
    input: &str,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>> {
    let terms = terms(input);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {FILTER_WHERE}");
    let mut params: Vec<Value> = filter_params(filter, now);
    for term in terms {
        params.push(Value::Text(term));
        let p = params.len();
        sql.push_str(&format!(
            "\n AND t.id IN (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?{p}
                 UNION SELECT m.ticket FROM messages_fts f JOIN messages m ON m.id = f.rowid
                 WHERE messages_fts MATCH ?{p})"
        ));
    }
    sql.push_str(&format!("\n {FILTER_ORDER} LIMIT ?3"));
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_phrases_and_the_last_a_prefix() {
        assert_eq!(terms("parcel lost"), ["\"parcel\"", "\"lost\"*"]);
        assert_eq!(terms("parcel lost "), ["\"parcel\"", "\"lost\""]);
        assert_eq!(terms("say \"hi\""), ["\"say\"", "\"\"\"hi\"\"\"*"]);
        assert_eq!(terms("NEAR(a b)"), ["\"NEAR(a\"", "\"b)\"*"]);
        assert_eq!(terms("a - * ( 😀"), ["\"a\"*"]);
        assert!(terms("").is_empty() && terms("  - ").is_empty());
        assert_eq!(terms(&"w ".repeat(50)).len(), MAX_TERMS);
    }
}
