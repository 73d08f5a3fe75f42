//! `store::page` against the plain SQL it replaces, on every combination of view, tag,
//! priority, site, sort, search and page, with both ways of running a set; and the search
//! documents' triggers.

use super::*;
use crate::clock::from_db;
use crate::domain::StatusFilter;
use crate::store::{migrations, open_connection};
use rusqlite::params;

const TICKETS: i64 = 240;

fn at(minute: i64) -> String {
    let t = from_db("2026-01-01T00:00:00.000Z").unwrap() + chrono::Duration::minutes(minute);
    crate::clock::to_db(t)
}

/// 240 tickets with every field that a view, filter or sort reads spread out, and no two the
/// same on any sort key (so one right order exists).
fn inbox() -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
    migrations().to_latest(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO sites (id, name, bot_token, created_at)
             VALUES (1, 'Shop', 'x', '2026-01-01T00:00:00.000Z'),
                    (2, 'Classes', 'y', '2026-01-01T00:00:00.000Z');",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    for i in 1..=TICKETS {
        let status = ["open", "pending", "closed"][(i % 3) as usize];
        let priority = ["low", "normal", "high", "urgent"][(i % 4) as usize];
        let site = [None, Some(1), Some(2)][(i % 5 % 3) as usize];
        let channel = if site.is_some() { "web" } else { "email" };
        let snoozed = (i % 13 == 0).then(|| at(100_000 + i));
        let deleted = (i % 19 == 0).then(|| at(50_000 + (i * 7) % 240));
        tx.execute(
            "INSERT INTO tickets (id, ticket_id, site_id, channel, status, priority, spam,
                 visitor_name, visitor_email, issue, created_at, updated_at, snoozed_until,
                 deleted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                i,
                format!("TKT-20260101-{i:04}"),
                site,
                channel,
                status,
                priority,
                (i % 17 == 0) as i64,
                format!("Visitor {i}"),
                format!("v{i}@example.com"),
                if i % 11 == 0 {
                    "marzipan please"
                } else {
                    "hello"
                },
                at(i),
                at(1_000 + (i * 37) % TICKETS),
                snoozed,
                deleted,
            ],
        )
        .unwrap();
        if i % 3 == 0 {
            tx.execute("INSERT INTO ticket_tags VALUES (?1, 'refund')", [i])
                .unwrap();
        }
        if i % 7 == 0 {
            tx.execute("INSERT INTO ticket_tags VALUES (?1, 'press')", [i])
                .unwrap();
        }
        let words = match (i % 2 == 0, i % 5 == 0) {
            (true, true) => "the parcel came late",
            (true, false) => "a parcel",
            (false, true) => "running late",
            (false, false) => "thanks",
        };
        tx.execute(
            "INSERT INTO messages (ticket, direction, subject, text, at)
             VALUES (?1, 'in', 'Re: your order', ?2, ?3)",
            params![i, words, at(2_000 + i)],
        )
        .unwrap();
    }
    // Merged tickets: their words find their target.
    for i in (23..=TICKETS).step_by(23) {
        tx.execute(
            "UPDATE tickets SET merged_into = ?2 WHERE id = ?1",
            params![i, i - 1],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    (dir, conn)
}

/// The answer of plain SQL: the view's conditions as the old list wrote them, the tag and the
/// search as sub-selects, a total order, `LIMIT`/`OFFSET`, and `count(*)`.
fn expected(conn: &Connection, query: &str, f: &Filter, now: &str) -> (Vec<String>, u64) {
    let mut w = vec!["t.merged_into IS NULL".to_string()];
    w.push(match f.status {
        StatusFilter::Trash => "t.deleted_at IS NOT NULL".into(),
        _ => "t.deleted_at IS NULL".into(),
    });
    match f.status {
        StatusFilter::Spam => w.push("t.spam = 1".into()),
        StatusFilter::Trash => {}
        _ => w.push("t.spam = 0".into()),
    }
    match f.status {
        StatusFilter::Open => w.push(format!(
            "t.status = 'open' AND (t.snoozed_until IS NULL OR t.snoozed_until <= '{now}')"
        )),
        StatusFilter::Pending => w.push("t.status = 'pending'".into()),
        StatusFilter::Closed => w.push("t.status = 'closed'".into()),
        StatusFilter::Snoozed => w.push(format!("t.snoozed_until > '{now}'")),
        _ => {}
    }
    if let Some(tag) = &f.tag {
        w.push(format!(
            "t.id IN (SELECT ticket FROM ticket_tags WHERE tag = '{tag}')"
        ));
    }
    if let Some(p) = f.priority {
        w.push(format!("t.priority = '{}'", p.as_str()));
    }
    if let Some(site) = &f.site {
        w.push(format!(
            "t.site_id IN (SELECT id FROM sites WHERE name = '{site}')"
        ));
    }
    let terms = search::terms(query);
    if !query.trim().is_empty() {
        w.push(format!(
            "t.id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH '{}')",
            terms.join(" ").replace('\'', "''")
        ));
    }
    let order = match (f.sort, f.status) {
        (Some(SortBy::Created), _) => "t.created_at DESC",
        (Some(SortBy::Priority), _) => {
            "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 \
             ELSE 3 END, t.updated_at DESC"
        }
        (None, StatusFilter::Snoozed) => "t.snoozed_until",
        (None, StatusFilter::Trash) => "t.deleted_at DESC",
        _ => "t.updated_at DESC",
    };
    let wh = w.join(" AND ");
    let limit = f.limit.map(i64::from).unwrap_or(-1);
    let mut stmt = conn
        .prepare(&format!(
            "SELECT t.ticket_id FROM tickets t WHERE {wh} ORDER BY {order}, t.id DESC
             LIMIT {limit} OFFSET {}",
            f.offset
        ))
        .unwrap();
    let ids = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let total: i64 = conn
        .query_row(
            &format!("SELECT count(*) FROM tickets t WHERE {wh}"),
            [],
            |r| r.get(0),
        )
        .unwrap();
    (ids, total as u64)
}

/// Every way a page can be cut: sets checked or driving, SQL or memory.
const PLANS: [Plan; 4] = [
    PLAN,
    Plan {
        drive_limit: 0,
        in_memory: false,
    },
    Plan {
        drive_limit: DRIVE_LIMIT,
        in_memory: true,
    },
    Plan {
        drive_limit: 0,
        in_memory: true,
    },
];

#[test]
fn pages_are_what_plain_sql_answers_for_every_filter() {
    let (_dir, conn) = inbox();
    let now = from_db(&at(1_500)).unwrap();
    let views = [
        StatusFilter::Open,
        StatusFilter::Pending,
        StatusFilter::Closed,
        StatusFilter::Snoozed,
        StatusFilter::Spam,
        StatusFilter::Trash,
        StatusFilter::All,
    ];
    let mut checked = 0;
    let mut non_empty = 0;
    for status in views {
        for tag in [None, Some("refund"), Some("press")] {
            for priority in [None, Some(Priority::High)] {
                for site in [None, Some("Classes")] {
                    for sort in [
                        None,
                        Some(SortBy::Updated),
                        Some(SortBy::Created),
                        Some(SortBy::Priority),
                    ] {
                        for query in ["", "parcel ", "parcel late ", "marzi", "visitor 23 "] {
                            for (limit, offset) in [(None, 0), (Some(7), 5), (Some(50), 200)] {
                                let filter = Filter {
                                    status,
                                    tag: tag.map(String::from),
                                    priority,
                                    site: site.map(String::from),
                                    sort,
                                    limit,
                                    offset,
                                };
                                let want = expected(&conn, query, &filter, &at(1_500));
                                for plan in PLANS {
                                    let (tickets, total) =
                                        page_driven(&conn, query, &filter, now, plan).unwrap();
                                    let got: Vec<String> =
                                        tickets.iter().map(|t| t.ticket_id.to_string()).collect();
                                    assert_eq!((got, total), want, "{query:?} {filter:?} {plan:?}");
                                    checked += 1;
                                }
                                non_empty += usize::from(!want.0.is_empty());
                            }
                        }
                    }
                }
            }
        }
    }
    // The data reaches the branches: a good share of the combinations find something.
    let combinations = checked / PLANS.len();
    assert!(
        non_empty * 5 > combinations,
        "{non_empty} of {combinations}"
    );
}

#[test]
fn a_merged_ticket_is_found_through_its_target() {
    let (_dir, conn) = inbox();
    let now = from_db(&at(1_500)).unwrap();
    let all = Filter {
        status: StatusFilter::All,
        ..Filter::default()
    };
    // Ticket 23 is merged into 22: its name and number find 22, never 23 itself.
    for query in ["visitor 23 ", "TKT-20260101-0023"] {
        let (found, total) = page(&conn, query, &all, now).unwrap();
        let ids: Vec<String> = found.iter().map(|t| t.ticket_id.to_string()).collect();
        assert_eq!(ids, ["TKT-20260101-0022"], "{query}");
        assert_eq!(total, 1);
    }
}

/// The tickets whose search document holds `word`.
fn hits(conn: &Connection, word: &str) -> Vec<i64> {
    let mut stmt = conn
        .prepare("SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?1 ORDER BY rowid")
        .unwrap();
    let ids = stmt.query_map([word], |r| r.get(0)).unwrap();
    ids.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn search_documents_follow_every_change_of_a_thread() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_connection(&dir.path().join("t.sqlite3")).unwrap();
    migrations().to_latest(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO tickets (id, ticket_id, channel, visitor_name, visitor_email, issue,
             created_at, updated_at)
         VALUES (1, 'TKT-20260101-0001', 'email', 'Zelda', 'z@example.com', 'kettle',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
                (2, 'TKT-20260101-0002', 'email', 'Yusuf', 'y@example.com', 'toaster',
                 '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO messages (id, ticket, direction, subject, text, body, at)
         VALUES (10, 1, 'in', 'Where', 'apple', '', '2026-01-01T00:00:00.000Z'),
                (11, 1, 'in', 'Again', 'short', 'pear in full', '2026-01-01T00:01:00.000Z');",
    )
    .unwrap();
    assert_eq!(hits(&conn, "kettle"), [1]);
    assert_eq!(hits(&conn, "apple"), [1]);
    assert_eq!(hits(&conn, "pear"), [1], "the full text when there is one");
    assert_eq!(hits(&conn, "short"), Vec::<i64>::new());
    assert_eq!(hits(&conn, "where"), [1], "subjects too");

    conn.execute("UPDATE messages SET text = 'banana' WHERE id = 10", [])
        .unwrap();
    assert_eq!(hits(&conn, "apple"), Vec::<i64>::new());
    assert_eq!(hits(&conn, "banana"), [1]);

    conn.execute("UPDATE messages SET ticket = 2 WHERE id = 10", [])
        .unwrap();
    assert_eq!(
        hits(&conn, "banana"),
        [2],
        "a moved entry leaves its old thread"
    );
    assert_eq!(hits(&conn, "pear"), [1]);

    conn.execute("UPDATE tickets SET merged_into = 2 WHERE id = 1", [])
        .unwrap();
    assert_eq!(
        hits(&conn, "zelda"),
        [1, 2],
        "the target holds the merged fields"
    );
    conn.execute("UPDATE tickets SET issue = 'grill' WHERE id = 2", [])
        .unwrap();
    assert_eq!(hits(&conn, "grill"), [2]);
    assert_eq!(hits(&conn, "toaster"), Vec::<i64>::new());
    assert_eq!(hits(&conn, "zelda"), [1, 2], "and keeps them");

    conn.execute("DELETE FROM messages WHERE id = 10", [])
        .unwrap();
    assert_eq!(hits(&conn, "banana"), Vec::<i64>::new());
    conn.execute("DELETE FROM tickets WHERE id = 1", [])
        .unwrap();
    assert_eq!(
        hits(&conn, "zelda"),
        Vec::<i64>::new(),
        "a purged ticket leaves"
    );
    assert_eq!(hits(&conn, "pear"), Vec::<i64>::new());
    assert_eq!(hits(&conn, "grill"), [2]);
}

/// The counts as a scan of every ticket tells them (the query `listing::counts` ran before
/// migration 0008 kept counters).
fn scanned_counts(conn: &Connection, now: &str) -> crate::store::listing::Counts {
    scanned_counts_where(conn, now, "")
}

/// [`scanned_counts`] of the tickets `extra` (SQL: ` AND …`) also holds for.
fn scanned_counts_where(
    conn: &Connection,
    now: &str,
    extra: &str,
) -> crate::store::listing::Counts {
    let q = |wh: &str| -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM tickets WHERE {wh}{extra}"),
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let live = "merged_into IS NULL AND deleted_at IS NULL AND spam = 0";
    let waiting = format!("{live} AND (snoozed_until IS NULL OR snoozed_until <= '{now}')");
    crate::store::listing::Counts {
        open: q(&format!("{waiting} AND status = 'open'")),
        pending: q(&format!("{waiting} AND status = 'pending'")),
        closed: q(&format!("{waiting} AND status = 'closed'")),
        unread: q(&format!("{live} AND unread = 1")),
        snoozed: q(&format!("{live} AND snoozed_until > '{now}'")),
        spam: q("spam = 1 AND merged_into IS NULL AND deleted_at IS NULL"),
        trash: q("deleted_at IS NOT NULL AND merged_into IS NULL"),
    }
}

#[test]
fn counts_kept_by_triggers_match_a_scan_through_every_change() {
    let (_dir, conn) = inbox();
    let now = at(1_500);
    let check = |what: &str| {
        let kept = crate::store::listing::counts(&conn, from_db(&now).unwrap()).unwrap();
        assert_eq!(kept, scanned_counts(&conn, &now), "after {what}");
    };
    check("the fixture");
    let changes = [
        "UPDATE tickets SET status = 'closed' WHERE id % 4 = 1",
        "UPDATE tickets SET unread = 0 WHERE id % 6 = 0",
        "UPDATE tickets SET spam = 1 - spam WHERE id % 10 = 0",
        "UPDATE tickets SET deleted_at = '2026-02-01T00:00:00.000Z' WHERE id % 9 = 0",
        "UPDATE tickets SET deleted_at = NULL WHERE id % 18 = 0",
        "UPDATE tickets SET merged_into = 1 WHERE id IN (2, 4, 8)",
        "UPDATE tickets SET priority = 'urgent', updated_at = updated_at WHERE id < 50",
        "UPDATE tickets SET site_id = 2 WHERE id % 8 = 0",
        "DELETE FROM tickets WHERE id % 29 = 0",
        // The website's tickets lose it (ON DELETE SET NULL) and the counters follow.
        "DELETE FROM sites WHERE id = 1",
    ];
    for change in changes {
        conn.execute_batch(change).unwrap();
        check(change);
        // Under every priority and site filter too.
        for priority in [None, Some(Priority::Urgent), Some(Priority::Low)] {
            for site in [None, Some("Shop"), Some("Classes")] {
                let kept = crate::store::listing::counts_where(
                    &conn,
                    from_db(&now).unwrap(),
                    priority,
                    site,
                )
                .unwrap();
                let mut extra = String::new();
                if let Some(p) = priority {
                    extra += &format!(" AND priority = '{}'", p.as_str());
                }
                if let Some(s) = site {
                    extra += &format!(" AND site_id IN (SELECT id FROM sites WHERE name = '{s}')");
                }
                assert_eq!(
                    kept,
                    scanned_counts_where(&conn, &now, &extra),
                    "after {change}, {priority:?} {site:?}"
                );
            }
        }
    }
    let c = crate::store::listing::counts(&conn, from_db(&now).unwrap()).unwrap();
    assert!(c.open > 0 && c.closed > 0 && c.spam > 0 && c.trash > 0 && c.snoozed > 0);
    assert!(c.unread > 0 && c.pending > 0);
}
