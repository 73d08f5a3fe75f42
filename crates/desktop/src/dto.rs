//! The view-shaped types the window's commands return, camelCase in JSON: a ticket as a list
//! row or a thread, the status line, a website with its snippet. Everything else the window
//! reads is the core's own type (statuses, settings, check reports, sync state, events), whose
//! TypeScript is derived where it lives; see [`crate::bindings`].

use deskbell::domain::{self, Channel, Direction, Priority, Status};
use deskbell::mail::imap::sync::SyncState;
use deskbell::Config;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use ts_rs::TS;

pub use deskbell::domain::{SortBy, StatusFilter};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketRow {
    pub ticket_id: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub site: Option<String>,
    pub visitor_name: String,
    pub visitor_email: String,
    pub first_line: String,
    pub unread: bool,
    pub tags: Vec<String>,
    pub spam: bool,
    /// RFC 3339 UTC
    pub created_at: String,
    /// RFC 3339 UTC
    pub updated_at: String,
    /// RFC 3339 UTC: hidden from the waiting list until then; null when not snoozed
    pub snoozed_until: Option<String>,
    /// RFC 3339 UTC: in the trash since then (purged 30 days later); null when not deleted
    pub deleted_at: Option<String>,
    /// the ticket this one was merged into (its thread is there); null when not merged
    pub merged_into: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    #[ts(type = "number")]
    pub size: i64,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ThreadEntry {
    /// null for the synthesised first entry of a web ticket
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub direction: Direction,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// new words only
    pub text: String,
    /// full plain text incl. quoted history
    pub body: String,
    /// sanitised in Rust, remote images already blocked
    pub html: Option<String>,
    /// outgoing: "queued" | "sent" | "failed"; null otherwise
    pub state: Option<String>,
    /// RFC 3339 UTC
    pub at: String,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    pub ticket: TicketRow,
    pub visitor_phone: Option<String>,
    pub page_url: Option<String>,
    pub issue: String,
    pub messages: Vec<ThreadEntry>,
    /// the same visitor's other tickets
    pub history: Vec<TicketRow>,
    /// this ticket's mail that failed or bounced (outbox rows, newest first): the reason, and
    /// the id `resend_mail` takes
    pub failed_mail: Vec<deskbell::inbox::FailedMail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketQuery {
    pub status: StatusFilter,
    /// "" = no search (FTS5 otherwise)
    pub search: String,
    /// only tickets with this tag
    pub tag: Option<String>,
    pub priority: Option<Priority>,
    /// only tickets from the website of this name
    pub site: Option<String>,
    pub sort: SortBy,
    /// how many to skip (paging)
    pub offset: u32,
    /// at most this many (capped at 500)
    pub limit: u32,
}

/// One page of the list, and how many tickets match the query in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketPage {
    pub tickets: Vec<TicketRow>,
    pub total: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub open: u32,
    pub pending: u32,
    pub closed: u32,
    pub unread: u32,
    /// snoozed now (not counted in `open`)
    pub snoozed: u32,
    pub spam: u32,
    /// in the trash (restorable)
    pub trash: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingFile {
    pub name: String,
    pub content_type: String,
    pub data_base64: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SiteRow {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub bot_token: String,
    pub origins: Vec<String>,
    pub snippet: String,
    /// The snippet points at this computer (no public address, or a loopback one): visitors'
    /// browsers cannot reach it.
    pub points_at_this_computer: bool,
    pub created_at: String,
}

/// A site's self-hosted widget, written by `save_widget`: the folder holding `widget.js` and
/// `snippet.html`, and that snippet (it loads the script from the site itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedWidget {
    pub folder: String,
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub intake_addr: String,
    pub mail_queued: u32,
    pub mail_failed: u32,
    pub sync: SyncState,
    pub notifications_paused: bool,
    pub start_at_login: bool,
}

impl From<&domain::Ticket> for TicketRow {
    fn from(t: &domain::Ticket) -> Self {
        Self {
            ticket_id: t.ticket_id.clone(),
            status: t.status,
            priority: t.priority,
            channel: t.channel,
            site: t.site.clone(),
            visitor_name: t.visitor.name.clone(),
            visitor_email: t.visitor.email.clone(),
            first_line: t.first_line(),
            unread: t.unread,
            tags: t.tags.clone(),
            spam: t.spam,
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
            snoozed_until: t.snoozed_until.map(rfc3339),
            deleted_at: t.deleted_at.map(rfc3339),
            merged_into: t.merged_into.clone(),
        }
    }
}

impl From<&domain::Message> for ThreadEntry {
    fn from(m: &domain::Message) -> Self {
        Self {
            id: m.id,
            direction: m.direction,
            from: m.from.clone(),
            to: m.to.clone(),
            subject: m.subject.clone(),
            text: m.text.clone(),
            body: m.body.clone(),
            html: m.html.clone(),
            state: m.state.clone(),
            at: rfc3339(m.at),
            attachments: m
                .attachments
                .iter()
                .map(|a| Attachment {
                    id: a.id,
                    name: a.name.clone(),
                    size: a.size,
                    content_type: a.content_type.clone(),
                })
                .collect(),
        }
    }
}

impl From<&deskbell::inbox::TicketDetail> for TicketDetail {
    fn from(v: &deskbell::inbox::TicketDetail) -> Self {
        Self {
            ticket: TicketRow::from(&v.ticket),
            visitor_phone: v.ticket.visitor.phone.clone(),
            page_url: v.ticket.page_url.clone(),
            issue: v.ticket.issue.clone(),
            messages: v.messages.iter().map(ThreadEntry::from).collect(),
            history: v.history.iter().map(TicketRow::from).collect(),
            failed_mail: Vec::new(),
        }
    }
}

impl From<deskbell::inbox::Counts> for Counts {
    fn from(c: deskbell::inbox::Counts) -> Self {
        let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        Self {
            open: n(c.open),
            pending: n(c.pending),
            closed: n(c.closed),
            unread: n(c.unread),
            snoozed: n(c.snoozed),
            spam: n(c.spam),
            trash: n(c.trash),
        }
    }
}

impl SiteRow {
    pub fn new(site: &domain::Site, public_url: &str, support_email: Option<&str>) -> Self {
        Self {
            id: site.id,
            name: site.name.clone(),
            bot_token: site.bot_token.clone(),
            origins: site.origins.clone(),
            snippet: deskbell::inbox::widget_snippet(public_url, &site.bot_token, support_email),
            points_at_this_computer: deskbell::reach::points_at_this_computer(public_url),
            created_at: rfc3339(site.created_at),
        }
    }
}

/// The address the widget snippet points at: the tunnel's, else the listener's own.
pub fn public_url(c: &Config, intake: SocketAddr) -> String {
    c.intake
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{intake}"))
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
