//! `deskbell export`: every ticket — spam, trash and merged ones included, each saying so —
//! with its fields and whole thread, as JSON, or one row per ticket as CSV. The field names
//! are a stable surface (README, "Export"); add to them, rename nothing.

use super::tickets::{by_row, thread};
use super::Result;
use crate::clock::to_db;
use crate::domain::Ticket;
use rusqlite::Connection;
use serde::Serialize;

/// The format version in every JSON export.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub format: u32,
    pub exported_at: String,
    pub tickets: Vec<ExportTicket>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportTicket {
    pub ticket_id: String,
    pub status: String,
    pub priority: String,
    pub channel: String,
    pub site: Option<String>,
    pub visitor_name: String,
    pub visitor_email: String,
    pub visitor_phone: Option<String>,
    pub issue: String,
    pub page_url: Option<String>,
    pub session_id: Option<String>,
    pub tags: Vec<String>,
    pub spam: bool,
    pub unread: bool,
    pub created_at: String,
    pub updated_at: String,
    pub snoozed_until: Option<String>,
    pub deleted_at: Option<String>,
    pub merged_into: Option<String>,
    /// The thread, oldest first: the visitor's first words, mail both ways, notes.
    pub messages: Vec<ExportMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportMessage {
    /// `in` (from the visitor), `out` (from the owner) or `note` (never sent).
    pub direction: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The new words (quoted history and signature removed).
    pub text: String,
    pub at: String,
    pub attachments: Vec<String>,
}

/// Every ticket in the order it was made, with its thread.
pub fn export(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<Export> {
    let rows: Vec<i64> = conn
        .prepare("SELECT id FROM tickets ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tickets = Vec::with_capacity(rows.len());
    for row in rows {
        let t = by_row(conn, row)?;
        let messages = thread(conn, row, &t)?
            .into_iter()
            .map(|m| ExportMessage {
                direction: m.direction.as_str().to_string(),
                from: m.from,
                to: m.to,
                subject: m.subject,
                text: m.text,
                at: to_db(m.at),
                attachments: m.attachments.into_iter().map(|a| a.name).collect(),
            })
            .collect();
        tickets.push(ticket(t, messages));
    }
    Ok(Export {
        format: FORMAT,
        exported_at: to_db(now),
        tickets,
    })
}

fn ticket(t: Ticket, messages: Vec<ExportMessage>) -> ExportTicket {
    ExportTicket {
        ticket_id: t.ticket_id,
        status: t.status.as_str().to_string(),
        priority: t.priority.as_str().to_string(),
        channel: t.channel.as_str().to_string(),
        site: t.site,
        visitor_name: t.visitor.name,
        visitor_email: t.visitor.email,
        visitor_phone: t.visitor.phone,
        issue: t.issue,
        page_url: t.page_url,
        session_id: t.session_id,
        tags: t.tags,
        spam: t.spam,
        unread: t.unread,
        created_at: to_db(t.created_at),
        updated_at: to_db(t.updated_at),
        snoozed_until: t.snoozed_until.map(to_db),
        deleted_at: t.deleted_at.map(to_db),
        merged_into: t.merged_into,
        messages,
    }
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: &[&str] = &[
    "ticket_id",
    "status",
    "priority",
    "channel",
    "site",
    "visitor_name",
    "visitor_email",
    "visitor_phone",
    "created_at",
    "updated_at",
    "tags",
    "spam",
    "deleted_at",
    "merged_into",
    "messages_in",
    "messages_out",
    "notes",
    "issue",
];

/// One row per ticket (RFC 4180: CRLF line ends, fields quoted when they need it). Tags are
/// joined with spaces. A field that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return — a visitor chooses their name and words) gets a
/// leading `'`.
pub fn csv(export: &Export) -> String {
    let mut out = String::new();
    line(&mut out, CSV_COLUMNS.iter().map(|c| c.to_string()));
    for t in &export.tickets {
        let count = |d: &str| t.messages.iter().filter(|m| m.direction == d).count();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        line(
            &mut out,
            [
                t.ticket_id.clone(),
                t.status.clone(),
                t.priority.clone(),
                t.channel.clone(),
                opt(&t.site),
                t.visitor_name.clone(),
                t.visitor_email.clone(),
                opt(&t.visitor_phone),
                t.created_at.clone(),
                t.updated_at.clone(),
                t.tags.join(" "),
                t.spam.to_string(),
                opt(&t.deleted_at),
                opt(&t.merged_into),
                count("in").to_string(),
                count("out").to_string(),
                count("note").to_string(),
                t.issue.clone(),
            ],
        );
    }
    out
}

fn line(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

fn field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\"\nbye"), "\"say \"\"hi\"\"\nbye\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("+1 555"), "'+1 555");
        assert_eq!(field("-"), "'-");
        assert_eq!(field(""), "");
    }
}
