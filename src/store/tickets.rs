//! The `tickets`, `ticket_days` and `idempotency_keys` tables, and the thread (`messages`,
//! `attachments`) as read back with a ticket.
//!
//! Ticket numbers come from `ticket_days`, bumped in the same transaction as the insert: a
//! rolled-back insert rolls back its number too, so numbers are unique and gap-free.

use super::{events, Result, StoreError};
use crate::clock::{from_db, to_db};
use crate::domain::{
    AttachmentInfo, Channel, Message, NewTicket, OwnerTz, Priority, Status, Ticket, TicketId,
    Visitor,
};
use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

pub use super::filter::{count, list, Filter};

/// How long an `Idempotency-Key` keeps answering with the same ticket.
pub const IDEMPOTENCY_WINDOW: Duration = Duration::hours(24);

pub(super) const COLUMNS: &str = "t.ticket_id, t.status, t.priority, t.channel, \
     CASE WHEN t.channel = 'web' THEN coalesce(s.name, '(removed site)') END, t.visitor_name, \
     t.visitor_email, t.visitor_phone, t.session_id, t.issue, t.page_url, t.spam, t.unread, \
     t.created_at, t.updated_at, \
     (SELECT group_concat(tag, char(31) ORDER BY tag) FROM ticket_tags WHERE ticket = t.id), \
     t.snoozed_until, t.deleted_at, (SELECT ticket_id FROM tickets m WHERE m.id = t.merged_into)";
pub(super) const FROM: &str = "tickets t LEFT JOIN sites s ON s.id = t.site_id";

pub(super) fn parse<T: std::str::FromStr>(r: &Row<'_>, i: usize) -> rusqlite::Result<T> {
    let s: String = r.get(i)?;
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unexpected value {s:?}").into(),
        )
    })
}

pub(super) fn time(r: &Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = r.get(i)?;
    from_db(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unexpected time {s:?}").into(),
        )
    })
}

pub(super) fn from_row(r: &Row<'_>) -> rusqlite::Result<Ticket> {
    ticket_at(r, 0)
}

/// A ticket from the `COLUMNS` starting at column `b`.
fn ticket_at(r: &Row<'_>, b: usize) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        ticket_id: r.get(b)?,
        status: parse(r, b + 1)?,
        priority: parse(r, b + 2)?,
        channel: parse(r, b + 3)?,
        site: r.get(b + 4)?,
        visitor: Visitor {
            name: r.get(b + 5)?,
            email: r.get(b + 6)?,
            phone: r.get(b + 7)?,
        },
        session_id: r.get(b + 8)?,
        issue: r.get(b + 9)?,
        page_url: r.get(b + 10)?,
        spam: r.get(b + 11)?,
        unread: r.get(b + 12)?,
        tags: r
            .get::<_, Option<String>>(b + 15)?
            .map(|t| t.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
        created_at: time(r, b + 13)?,
        updated_at: time(r, b + 14)?,
        snoozed_until: optional_time(r, b + 16)?,
        deleted_at: optional_time(r, b + 17)?,
        merged_into: r.get(b + 18)?,
    })
}

fn optional_time(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match r.get::<_, Option<String>>(i)? {
        Some(_) => Ok(Some(time(r, i)?)),
        None => Ok(None),
    }
}

/// What an insert did: `created == false` means an idempotency key matched an earlier ticket.
#[derive(Debug, Clone)]
pub struct Inserted {
    pub ticket: Ticket,
    pub row: i64,
    pub created: bool,
}

/// An idempotency key scoped to the site that sent it.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyKey<'a> {
    pub site_id: i64,
    pub key: &'a str,
}

pub fn insert(
    conn: &Connection,
    tz: OwnerTz,
    new: &NewTicket,
    idempotency: Option<IdempotencyKey<'_>>,
    now: DateTime<Utc>,
) -> Result<Inserted> {
    if let Some(k) = idempotency {
        let earlier: Option<(i64, String)> = conn
            .prepare_cached(
                "SELECT ticket, created_at FROM idempotency_keys WHERE site_id = ?1 AND key = ?2",
            )?
            .query_row(params![k.site_id, k.key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((row, created)) = earlier {
            let fresh = from_db(&created).is_some_and(|at| now - at < IDEMPOTENCY_WINDOW);
            if fresh {
                let ticket = by_row(conn, row)?;
                return Ok(Inserted {
                    ticket,
                    row,
                    created: false,
                });
            }
            conn.execute(
                "DELETE FROM idempotency_keys WHERE site_id = ?1 AND key = ?2",
                params![k.site_id, k.key],
            )?;
        }
    }

    let day = tz.day_of(now);
    let number: i64 = conn
        .prepare_cached(
            "INSERT INTO ticket_days (day, last) VALUES (?1, 1)
             ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
        )?
        .query_row([TicketId::day_key(day)], |r| r.get(0))?;
    let id = TicketId::new(day, u32::try_from(number).unwrap_or(u32::MAX));
    let ticket_id = id.to_string();
    let at = to_db(now);
    conn.prepare_cached(
        "INSERT INTO tickets (ticket_id, site_id, channel, spam, visitor_name, visitor_email,
             visitor_phone, session_id, issue, page_url, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    )?
    .execute(params![
        ticket_id,
        new.site_id,
        new.channel.as_str(),
        new.spam,
        new.visitor.name,
        new.visitor.email,
        new.visitor.phone,
        new.session_id,
        new.issue,
        new.page_url,
        at,
    ])?;
    let row = conn.last_insert_rowid();
    // A mail-born ticket's first message has a source of its own (Message-ID, raw bytes) that
    // the importer attaches to this row. A web ticket's first words are `tickets.issue`; its
    // thread shows them as the first entry (see `thread`) without a second copy — intake is
    // the hot path, and every row there costs writer time.
    if new.channel == Channel::Email {
        conn.prepare_cached(
            "INSERT INTO messages (ticket, direction, from_addr, text, body, at)
             VALUES (?1, 'in', ?2, ?3, ?3, ?4)",
        )?
        .execute(params![row, new.visitor.email, new.issue, at])?;
    }
    if let Some(k) = idempotency {
        conn.prepare_cached(
            "INSERT INTO idempotency_keys (site_id, key, ticket, created_at) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![k.site_id, k.key, row, at])?;
    }
    // No `ticket_created` event row: the ticket row itself records when and how it came.
    let ticket = Ticket {
        ticket_id,
        status: Status::Open,
        priority: Priority::Normal,
        channel: new.channel,
        site: None,
        visitor: new.visitor.clone(),
        session_id: new.session_id.clone(),
        issue: new.issue.clone(),
        page_url: new.page_url.clone(),
        spam: new.spam,
        unread: true,
        tags: Vec::new(),
        created_at: now,
        updated_at: now,
        snoozed_until: None,
        deleted_at: None,
        merged_into: None,
    };
    Ok(Inserted {
        ticket,
        row,
        created: true,
    })
}

pub fn by_row(conn: &Connection, row: i64) -> Result<Ticket> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE t.id = ?1"))?
        .query_row([row], from_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("ticket row {row}")))
}

/// The ticket and its row id.
pub fn find(conn: &Connection, id: &TicketId) -> Result<(i64, Ticket)> {
    conn.prepare_cached(&format!(
        "SELECT t.id, {COLUMNS} FROM {FROM} WHERE t.ticket_id = ?1"
    ))?
    .query_row([id.to_string()], |r| {
        let row: i64 = r.get(0)?;
        Ok((row, ticket_at(r, 1)?))
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("ticket {id}")))
}

/// [`find`] for a change: a merged ticket is refused with where its thread went.
pub fn find_live(conn: &Connection, id: &TicketId) -> Result<(i64, Ticket)> {
    let (row, t) = find(conn, id)?;
    match &t.merged_into {
        Some(into) => Err(StoreError::Conflict(format!(
            "{id} was merged into {into}: work on {into} instead"
        ))),
        None => Ok((row, t)),
    }
}

/// Changes status and/or priority; returns the updated ticket. A ticket marked pending or
/// closed is no longer snoozed (only open tickets are).
pub fn set(
    conn: &Connection,
    id: &TicketId,
    status: Option<Status>,
    priority: Option<Priority>,
    now: DateTime<Utc>,
) -> Result<Ticket> {
    let (row, before) = find_live(conn, id)?;
    conn.execute(
        "UPDATE tickets SET status = coalesce(?2, status), priority = coalesce(?3, priority),
             snoozed_until = CASE WHEN coalesce(?2, status) = 'open' THEN snoozed_until END,
             updated_at = ?4 WHERE id = ?1",
        params![
            row,
            status.map(Status::as_str),
            priority.map(Priority::as_str),
            to_db(now)
        ],
    )?;
    events::insert(
        conn,
        "ticket_updated",
        Some(row),
        &serde_json::json!({
            "ticket_id": before.ticket_id,
            "status": status.map(|s| (before.status, s)),
            "priority": priority.map(|p| (before.priority, p)),
        }),
        now,
    )?;
    by_row(conn, row)
}

/// Marks the ticket read (opening it in the window). Not activity: `updated_at` stays.
/// Returns whether it was unread.
pub fn mark_read(conn: &Connection, id: &TicketId) -> Result<bool> {
    let (row, ticket) = find(conn, id)?;
    if ticket.unread {
        conn.execute("UPDATE tickets SET unread = 0 WHERE id = ?1", [row])?;
    }
    Ok(ticket.unread)
}

/// The thread of a ticket, oldest first; a web ticket's form submission is its first entry.
pub fn thread(conn: &Connection, ticket_row: i64, ticket: &Ticket) -> Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, direction, message_id, from_addr, to_addrs, subject, text, body, state, at,
             html
         FROM messages WHERE ticket = ?1 ORDER BY at, id",
    )?;
    let rows = stmt.query_map([ticket_row], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            Message {
                id: Some(r.get(0)?),
                direction: parse(r, 1)?,
                message_id: r.get(2)?,
                from: r.get(3)?,
                to: r.get(4)?,
                subject: r.get(5)?,
                text: r.get(6)?,
                body: r.get(7)?,
                html: r.get(10)?,
                state: r.get(8)?,
                at: time(r, 9)?,
                attachments: Vec::new(),
            },
        ))
    })?;
    let mut out = Vec::new();
    if ticket.channel == Channel::Web {
        out.push(Message {
            id: None,
            direction: crate::domain::Direction::In,
            message_id: None,
            from: Some(ticket.visitor.email.clone()),
            to: None,
            subject: None,
            text: ticket.issue.clone(),
            body: ticket.issue.clone(),
            html: None,
            state: None,
            at: ticket.created_at,
            attachments: Vec::new(),
        });
    }
    let mut att = conn.prepare_cached(
        "SELECT id, name, size, content_type FROM attachments WHERE message = ?1 ORDER BY id",
    )?;
    for row in rows {
        let (id, mut m) = row?;
        m.attachments = att
            .query_map([id], |r| {
                Ok(AttachmentInfo {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    size: r.get(2)?,
                    content_type: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        out.push(m);
    }
    Ok(out)
}

/// The highest number handed out for `day` (0 when none).
pub fn last_number(conn: &Connection, day: chrono::NaiveDate) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT last FROM ticket_days WHERE day = ?1",
            [TicketId::day_key(day)],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}
