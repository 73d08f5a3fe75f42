//! Full-text search over tickets (id, visitor, issue) and their threads (subject, text), on
//! the per-ticket FTS5 index of migration 0008.
//!
//! What the owner types is never FTS5 syntax: every word becomes a quoted phrase (quotes
//! doubled), so `"`, `-`, `*`, `NEAR`, `AND`, parentheses and any Unicode are plain text and
//! can never be a syntax error. Words are ANDed, and the last one matches as a prefix unless
//! the input ends in a space, so results follow the typing. A ticket matches when every word
//! is found somewhere in it: in the ticket itself or in any entry of its thread.

use super::filter::Filter;
use super::Result;
use crate::domain::Ticket;
use chrono::{DateTime, Utc};
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

/// The ids of the tickets in which every one of `terms` is found, ascending: one query of the
/// per-ticket index of migration 0008, whose rowids are the tickets' (a merged ticket's words
/// are in its target's document).
pub(super) fn matching(conn: &Connection, terms: &[String]) -> Result<Vec<i64>> {
    // FTS5 ANDs phrases written one after another.
    let expr = terms.join(" ");
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1")?;
    let ids = stmt.query_map([expr], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// One page of the tickets matching `input` under `filter`, in the filter's order. No
/// searchable word → none.
pub fn search(
    conn: &Connection,
    input: &str,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>> {
    if terms(input).is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::page::page(conn, input, filter, now)?.0)
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
