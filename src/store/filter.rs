//! The list's [`Filter`] (a view, tag, priority and site filters, a sort, a page) and the SQL
//! of a view's ids in its order, which [`super::page`] cuts pages from (docs/architecture.md,
//! "Triage").

use super::page;
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

/// The `WHERE` (without the keyword) of the view, priority and site of `filter`, and the
/// `ORDER BY` of its view (newest activity unless the view has an order of its own), its
/// parameters appended to `params`. Every column it reads is in the index behind the view
/// (migration 0008), so the ids of a whole view come from the index alone. The tag, the
/// search and a sort by created time or priority are applied by [`super::page`].
pub(super) fn view_sql(
    filter: &Filter,
    now: DateTime<Utc>,
    params: &mut Vec<Value>,
) -> (String, &'static str) {
    let mut push = |v: Value| {
        params.push(v);
        format!("?{}", params.len())
    };
    // Word for word the condition of the partial indexes (SQLite uses a partial index only
    // when the query implies its condition).
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
    if let Some(priority) = filter.priority {
        let p = push(Value::Text(priority.as_str().into()));
        w.push(format!("t.priority = {p}"));
    }
    if let Some(site) = &filter.site {
        let p = push(Value::Text(site.clone()));
        w.push(format!(
            "t.site_id IN (SELECT id FROM sites WHERE name = {p})"
        ));
    }
    // Ties on the millisecond keep the index's order, the same on every page.
    let order = match (filter.sort, view) {
        (None, StatusFilter::Snoozed) => "t.snoozed_until, t.updated_at DESC, t.id DESC",
        (None, StatusFilter::Trash) => "t.deleted_at DESC, t.updated_at DESC, t.id DESC",
        _ => "t.updated_at DESC",
    };
    (w.join(" AND "), order)
}

/// One page of the tickets under `filter`.
pub fn list(conn: &Connection, filter: &Filter, now: DateTime<Utc>) -> Result<Vec<Ticket>> {
    Ok(page::page(conn, "", filter, now)?.0)
}

/// How many tickets `filter` matches, every page.
pub fn count(conn: &Connection, filter: &Filter, now: DateTime<Utc>) -> Result<u64> {
    let mut all = filter.clone();
    all.limit = Some(0);
    all.offset = 0;
    Ok(page::page(conn, "", &all, now)?.1)
}
