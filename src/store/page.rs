//! A page of the list or the search, and how many tickets match in all, at any size of inbox
//! (docs/architecture.md, "Triage"; measured by benches/list.rs).
//!
//! SQLite's planner cannot know which of "walk the view in its order, checking each ticket"
//! and "look up each ticket of a small set, then sort" is cheaper for a tag or a word, and a
//! count plus an `OFFSET` walks the view twice. So a page is cut in Rust:
//! 1. the id sets the page must lie within: the search's matches (one FTS5 query over the
//!    per-ticket documents) and the tag's tickets;
//! 2. the ids of the view in its order, from the covering index behind it (migration 0008),
//!    its priority and site filters in the same query — or, when a set is small, only that
//!    set's tickets, looked up by id;
//! 3. the ids kept that are in every other set (a bitset each), sorted by created time or
//!    priority if asked; their number is the total;
//! 4. the rows of the one page asked for, by id.
//!
//! The most a page costs is one pass over the ids of its view (97,000 in the All view of the
//! benchmark): a few milliseconds, whatever the offset, the word or the sort.

use super::filter::{view_sql, Filter};
use super::tickets::{from_row, COLUMNS, FROM};
use super::Result;
use super::{listing, search};
use crate::domain::{Priority, SortBy, StatusFilter, Ticket};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;
use std::collections::HashMap;

/// Most urgent first, then newest activity: the order of the `tickets_live_rank` index, word
/// for word.
const RANK_ORDER: &str = "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 \
     WHEN 'normal' THEN 2 ELSE 3 END, t.updated_at DESC";

/// A set at most this large drives the view's query (its tickets looked up by id) instead of
/// being checked against every ticket of the view.
const DRIVE_LIMIT: usize = 4096;

/// One page of the tickets under `filter` that match `query` (blank: no search), and how many
/// match on every page. A query with no searchable word matches nothing.
pub fn page(
    conn: &Connection,
    query: &str,
    filter: &Filter,
    now: DateTime<Utc>,
) -> Result<(Vec<Ticket>, u64)> {
    page_driven(conn, query, filter, now, PLAN)
}

/// How [`page_driven`] runs: in production [`DRIVE_LIMIT`] and SQL where it can; the tests
/// run every filter each way.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// A set at most this large drives the view's query.
    drive_limit: usize,
    /// Cut the page in memory even when no set is left to check.
    in_memory: bool,
}

const PLAN: Plan = Plan {
    drive_limit: DRIVE_LIMIT,
    in_memory: false,
};

fn page_driven(
    conn: &Connection,
    query: &str,
    filter: &Filter,
    now: DateTime<Utc>,
    plan: Plan,
) -> Result<(Vec<Ticket>, u64)> {
    let mut sets: Vec<Vec<i64>> = Vec::new();
    if !query.trim().is_empty() {
        let terms = search::terms(query);
        if terms.is_empty() {
            return Ok((Vec::new(), 0));
        }
        sets.push(search::matching(conn, &terms)?);
    }
    if let Some(tag) = &filter.tag {
        sets.push(tagged(conn, tag)?);
    }
    sets.sort_by_key(Vec::len);
    if sets.first().is_some_and(Vec::is_empty) {
        return Ok((Vec::new(), 0));
    }

    let mut params = Vec::new();
    let (mut wh, order) = view_sql(filter, now, &mut params);
    let mut checked: &[Vec<i64>] = &sets;
    let driven = sets.first().is_some_and(|s| s.len() <= plan.drive_limit);
    if driven {
        params.push(Value::Text(json_ids(&sets[0])));
        wh.push_str(&format!(
            " AND t.id IN (SELECT value FROM json_each(?{}))",
            params.len()
        ));
        checked = &sets[1..];
    }
    let (shown, total) = if sets.is_empty() && !plan.in_memory {
        in_sql(conn, filter, now, &wh, order, params)?
    } else if let Some(set) = whole_live_set(filter, driven, checked) {
        all_view_early(conn, filter, &wh, params, set)?
    } else {
        in_memory(conn, filter, &wh, order, params, checked)?
    };
    Ok((rows_of(conn, &shown)?, total))
}

/// The page's ids and the total of a view with no tag and no search: the counters give the
/// total, the index in the sort's order the page.
fn in_sql(
    conn: &Connection,
    filter: &Filter,
    now: DateTime<Utc>,
    wh: &str,
    order: &str,
    mut params: Vec<Value>,
) -> Result<(Vec<i64>, u64)> {
    // A view with at most a priority and a site: the counters behind the tray say how many
    // (a snoozed ticket is waiting in no view but Snoozed, yet still in its status's).
    let (priority, site) = (filter.priority, filter.site.as_deref());
    let kept = listing::kept(conn, priority, site)?;
    let total = match filter.status {
        StatusFilter::Open => listing::counts_where(conn, now, priority, site)?.open,
        StatusFilter::Snoozed => listing::counts_where(conn, now, priority, site)?.snoozed,
        StatusFilter::Pending => kept.pending,
        StatusFilter::Closed => kept.closed,
        StatusFilter::Spam => kept.spam,
        StatusFilter::Trash => kept.trash,
        StatusFilter::All => kept.open + kept.pending + kept.closed,
    };
    let live = !matches!(filter.status, StatusFilter::Spam | StatusFilter::Trash);
    let (order, index) = match filter.sort {
        Some(SortBy::Created) => ("t.created_at DESC, t.id DESC", "tickets_live_created"),
        Some(SortBy::Priority) => (RANK_ORDER, "tickets_live_rank"),
        Some(SortBy::Updated) | None => (order, ""),
    };
    // The planner would sort a status's rows rather than walk the index in the sort's order
    // and stop at the page (migration 0008); a view that is not live has no such index.
    let index = if live && !index.is_empty() {
        format!("INDEXED BY {index}")
    } else {
        String::new()
    };
    params.push(Value::Integer(filter.limit.map(i64::from).unwrap_or(-1)));
    params.push(Value::Integer(filter.offset.into()));
    let n = params.len();
    let sql = format!(
        "SELECT t.id FROM tickets t {index} WHERE {wh} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
        n - 1
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let ids = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?;
    Ok((ids.collect::<rusqlite::Result<_>>()?, total.max(0) as u64))
}

/// The one large set of a search or tag in the whole All view in its own order: the case
/// [`all_view_early`] answers without a pass over every live ticket.
fn whole_live_set<'a>(
    filter: &Filter,
    driven: bool,
    checked: &'a [Vec<i64>],
) -> Option<&'a Vec<i64>> {
    let plain = filter.status == StatusFilter::All
        && filter.priority.is_none()
        && filter.site.is_none()
        && matches!(filter.sort, None | Some(SortBy::Updated));
    match checked {
        [set] if plain && !driven => Some(set),
        _ => None,
    }
}

/// A common word in the All view (most tickets live, most match): the total is the set less
/// its tickets that are not live (merged, trashed or spam: few, each from its small index),
/// and the page is found walking the live tickets newest first, stopping once it is full.
fn all_view_early(
    conn: &Connection,
    filter: &Filter,
    wh: &str,
    params: Vec<Value>,
    set: &[i64],
) -> Result<(Vec<i64>, u64)> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM tickets WHERE merged_into IS NOT NULL
         UNION SELECT id FROM tickets WHERE deleted_at IS NOT NULL
         UNION SELECT id FROM tickets
             WHERE spam = 1 AND merged_into IS NULL AND deleted_at IS NULL",
    )?;
    let gone: Vec<i64> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let within = IdSet::new(set);
    let total = set.len() - gone.iter().filter(|&&id| within.contains(id)).count();
    let want = match filter.limit {
        Some(limit) => (filter.offset as usize).saturating_add(limit as usize),
        None => usize::MAX,
    };
    let sql = format!(
        "SELECT t.id FROM tickets t INDEXED BY tickets_live_updated WHERE {wh}
         ORDER BY t.updated_at DESC"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut kept = Vec::new();
    while kept.len() < want {
        let Some(r) = rows.next()? else { break };
        let id: i64 = r.get(0)?;
        if within.contains(id) {
            kept.push(id);
        }
    }
    let start = (filter.offset as usize).min(kept.len());
    Ok((kept.split_off(start), total as u64))
}

/// The page's ids and the total with sets to check: one pass over the view's ids in its
/// order, each kept if it is in every set, then sorted if asked.
fn in_memory(
    conn: &Connection,
    filter: &Filter,
    wh: &str,
    order: &str,
    params: Vec<Value>,
    checked: &[Vec<i64>],
) -> Result<(Vec<i64>, u64)> {
    let within: Vec<IdSet> = checked.iter().map(|s| IdSet::new(s)).collect();
    let key = match filter.sort {
        Some(SortBy::Created) => "t.created_at",
        Some(SortBy::Priority) => "t.priority",
        Some(SortBy::Updated) | None => "NULL",
    };
    let sql = format!("SELECT t.id, {key} FROM tickets t WHERE {wh} ORDER BY {order}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
    let mut ids: Vec<i64> = Vec::new();
    let mut created: Vec<String> = Vec::new();
    let mut rank: Vec<u8> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if !within.iter().all(|s| s.contains(id)) {
            continue;
        }
        ids.push(id);
        match filter.sort {
            Some(SortBy::Created) => created.push(r.get(1)?),
            Some(SortBy::Priority) => {
                rank.push(priority_rank(r.get_ref(1)?.as_str().unwrap_or("")))
            }
            Some(SortBy::Updated) | None => {}
        }
    }
    let total = ids.len() as u64;
    let mut at: Vec<usize> = (0..ids.len()).collect();
    match filter.sort {
        // Newest first, the later ticket first on the same millisecond.
        Some(SortBy::Created) => {
            at.sort_by(|&a, &b| (created[b].as_str(), ids[b]).cmp(&(created[a].as_str(), ids[a])))
        }
        // Stable: within a priority, the view's order (newest activity).
        Some(SortBy::Priority) => at.sort_by_key(|&i| rank[i]),
        Some(SortBy::Updated) | None => {}
    }
    let start = (filter.offset as usize).min(at.len());
    let end = match filter.limit {
        Some(limit) => start.saturating_add(limit as usize).min(at.len()),
        None => at.len(),
    };
    Ok((at[start..end].iter().map(|&i| ids[i]).collect(), total))
}

/// The tickets of `ids`, in that order.
fn rows_of(conn: &Connection, ids: &[i64]) -> Result<Vec<Ticket>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let place: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    let sql = format!(
        "SELECT {COLUMNS}, t.id FROM {FROM} WHERE t.id IN (SELECT value FROM json_each(?1))"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let id_column = stmt.column_count() - 1;
    let mut placed: Vec<(usize, Ticket)> = stmt
        .query_map([json_ids(ids)], |r| {
            let id: i64 = r.get(id_column)?;
            Ok((place.get(&id).copied().unwrap_or(usize::MAX), from_row(r)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    placed.sort_by_key(|(i, _)| *i);
    Ok(placed.into_iter().map(|(_, t)| t).collect())
}

/// The tickets with `tag`.
fn tagged(conn: &Connection, tag: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached("SELECT ticket FROM ticket_tags WHERE tag = ?1")?;
    let ids = stmt.query_map([tag], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// `ids` as a JSON array, for `json_each`.
fn json_ids(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 7 + 2);
    out.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// Most urgent first; a value the store should not hold sorts last.
fn priority_rank(stored: &str) -> u8 {
    match stored.parse::<Priority>() {
        Ok(Priority::Urgent) => 0,
        Ok(Priority::High) => 1,
        Ok(Priority::Normal) => 2,
        Ok(Priority::Low) => 3,
        Err(_) => 4,
    }
}

/// Ticket ids to check membership in: a bitset while the ids are dense (they are row ids,
/// handed out in order), a sorted list otherwise.
enum IdSet {
    Bits(Vec<u64>),
    Sorted(Vec<i64>),
}

impl IdSet {
    fn new(ids: &[i64]) -> Self {
        let max = ids.iter().copied().max().unwrap_or(0);
        let dense =
            ids.iter().all(|&id| id >= 0) && (max as u64) <= 64 * (ids.len() as u64) + 1_000_000;
        if dense {
            let mut bits = vec![0u64; max as usize / 64 + 1];
            for &id in ids {
                bits[id as usize / 64] |= 1u64 << (id % 64);
            }
            IdSet::Bits(bits)
        } else {
            let mut sorted = ids.to_vec();
            sorted.sort_unstable();
            IdSet::Sorted(sorted)
        }
    }

    fn contains(&self, id: i64) -> bool {
        match self {
            IdSet::Bits(bits) => {
                id >= 0
                    && bits
                        .get(id as usize / 64)
                        .is_some_and(|w| w >> (id % 64) & 1 == 1)
            }
            IdSet::Sorted(ids) => ids.binary_search(&id).is_ok(),
        }
    }
}

#[cfg(test)]
#[path = "page_tests.rs"]
mod tests;
