//! The list's [`Filter`] (a view, tag, priority and site filters, a sort, a page) as SQL, shared
//! by the ticket list, its count and the search (docs/architecture.md, "Triage").

use super::tickets::{from_row, COLUMNS, FROM};
use super::Result;
use crate::clock::to_db;
use crate::domain::{Priority, SortBy, StatusFilter, Ticket};
use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::Connection;

/// Which tickets a list or search shows, in what order, which page.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: StatusFilter,
    /// Only tickets with this tag (normalised by the caller).
    pub tag: Option<String>,
    pub priority: Option<Priority>,
    /// Only tickets from the website of this name.
    pub site: Option<String>,
    /// `None`: the view's own order (soonest wake for `snoozed`, latest deleted for `trash`,
    /// newest activity otherwise).
    pub sort: Option<SortBy>,
    /// `None` = no limit.
    pub limit: Option<u32>,
    pub offset: u32,
}

/// The `WHERE` (without the keyword) and `ORDER BY` a [`Filter`] means, its parameters
/// appended to `params`. Shared with [`super::search`].
pub(super) fn filter_sql(
    filter: &Filter,
    now: DateTime<Utc>,
    params: &mut Vec<Value>,
) -> (String, String) {
    let mut push = |v: Value| {
        params.push(v);
        format!("?{}", params.len())
    };
    let mut w = vec!["t.merged_into IS NULL".to_string()];
    let view = filter.status;
    w.push(if view == StatusFilter::Trash {
        "t.deleted_at IS NOT NULL".into()
    } else {
        "t.deleted_at IS NULL".into()
    });
    match view {
        StatusFilter::Spam => w.push("t.spam = 1".into()),
        StatusFilter::Trash => {}
        _ => w.push("t.spam = 0".into()),
    }
    match view {
        StatusFilter::Open => {
            let now = push(Value::Text(to_db(now)));
            w.push(format!(
                "t.status = 'open' AND (t.snoozed_until IS NULL OR t.snoozed_until <= {now})"
            ));
        }
        StatusFilter::Pending => w.push("t.status = 'pending'".into()),
        StatusFilter::Closed => w.push("t.status = 'closed'".into()),
        StatusFilter::Snoozed => {
            let now = push(Value::Text(to_db(now)));
            w.push(format!("t.snoozed_until > {now}"));
        }
        StatusFilter::Spam | StatusFilter::Trash | StatusFilter::All => {}
    }
    if let Some(tag) = &filter.tag {
        let p = push(Value::Text(tag.clone()));
        w.push(format!(
            "t.id IN (SELECT ticket FROM ticket_tags WHERE tag = {p})"
        ));
    }
    if let Some(priority) = filter.priority {
        let p = push(Value::Text(priority.as_str().into()));
        w.push(format!("t.priority = {p}"));
    }
    if let Some(site) = &filter.site {
        // By id, not through the join: `count` reads `tickets` alone.
        let p = push(Value::Text(site.clone()));
        w.push(format!(
            "t.site_id IN (SELECT id FROM sites WHERE name = {p})"
        ));
    }
    let newest = "t.updated_at DESC, t.id DESC";
    let order = match (filter.sort, view) {
        (Some(SortBy::Updated), _) => newest.to_string(),
        (Some(SortBy::Created), _) => "t.created_at DESC, t.id DESC".into(),
        (Some(SortBy::Priority), _) => format!(
            "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 \
             ELSE 3 END, {newest}"
        ),
        (None, StatusFilter::Snoozed) => format!("t.snoozed_until, {newest}"),
        (None, StatusFilter::Trash) => format!("t.deleted_at DESC, {newest}"),
        (None, _) => newest.to_string(),
    };
    (w.join(" AND "), order)
}

/// `LIMIT … OFFSET …` for a filter, its parameters appended.
pub(super) fn page_sql(filter: &Filter, params: &mut Vec<Value>) -> String {
    params.push(Value::Integer(filter.limit.map(i64::from).unwrap_or(-1)));
    params.push(Value::Integer(filter.offset.into()));
    format!("LIMIT ?{} OFFSET ?{}", params.len() - 1, params.len())
}

/// One page of the tickets under `filter`.
pub fn list(conn: &Connection, filter: &Filter, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
    let mut params = Vec::new();
    let (wh, order) = filter_sql(filter, now, &mut params);
    let page = page_sql(filter, &mut params);
    let sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE {wh} ORDER BY {order} {page}");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// How many tickets `filter` matches, every page.
pub fn count(conn: &Connection, filter: &Filter, now: DateTime<Utc>) -> Result<u64> {
    let mut params = Vec::new();
    let (wh, _) = filter_sql(filter, now, &mut params);
    // No join: every condition is on `tickets`, so a covering index answers it.
    let sql = format!("SELECT count(*) FROM tickets t WHERE {wh}");
    let n: i64 = conn
        .prepare_cached(&sql)?
        .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
    Ok(n.max(0) as u64)
}
