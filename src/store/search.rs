//! Full-text search over tickets (id, visitor, issue) and their threads (subject, text), on
//! the FTS5 indexes of migration 0002.
//!
//! What the owner types is never FTS5 syntax: every word becomes a quoted phrase (quotes
//! doubled), so `"`, `-`, `*`, `NEAR`, `AND`, parentheses and any Unicode are plain text and
//! can never be a syntax error. Words are ANDed, and the last one matches as a prefix unless
//! the input ends in a space, so results follow the typing. A ticket matches when every word
//! is found somewhere in it: in the ticket itself or in any entry of its thread.

use super::filter::{filter_sql, page_sql, Filter};
use super::tickets::{from_row, COLUMNS, FROM};
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

/// The search's `WHERE` (without the keyword) and `ORDER BY`: the filter's, and every word
/// found in the ticket or its thread. A merged ticket's words find its target.
fn search_sql(
    terms: Vec<String>,
    filter: &Filter,
    now: DateTime<Utc>,
    params: &mut Vec<Value>,
) -> (String, String) {
    let (mut wh, order) = filter_sql(filter, now, params);
    for term in terms {
        params.push(Value::Text(term));
        let p = params.len();
        wh.push_str(&format!(
            "\n AND t.id IN (SELECT coalesce(x.merged_into, x.id) FROM tickets x WHERE x.id IN
                     (SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH ?{p})
                 UNION SELECT m.ticket FROM messages_fts f JOIN messages m ON m.id = f.rowid
                 WHERE messages_fts MATCH ?{p})"
        ));
    }
    (wh, order)
}

/// One page of the tickets matching `input` under `filter`, in the filter's order. No
/// searchable word → none.
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
    let mut params = Vec::new();
    let (wh, order) = search_sql(terms, filter, now, &mut params);
    let page = page_sql(filter, &mut params);
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {wh} ORDER BY {order} {page}");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many tickets [`search`] finds, every page.
pub fn count(conn: &Connection, input: &str, filter: &Filter, now: DateTime<Utc>) -> Result<u64> {
    let terms = terms(input);
    if terms.is_empty() {
        return Ok(0);
    }
    let mut params = Vec::new();
    let (wh, _) = search_sql(terms, filter, now, &mut params);
    let sql = format!("SELECT count(*) FROM tickets t WHERE {wh}");
    let n: i64 = conn
        .prepare(&sql)?
        .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
    Ok(n.max(0) as u64)
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
