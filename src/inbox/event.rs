//! The live events the inbox broadcasts after each commit (the durable copy is the events
//! table). Their serde shape is the desktop's contract (TypeScript `DeskbellEvent`): it does
//! not change without the window changing with it.

use crate::domain::{Priority, Status};
use crate::store::outbox;
use serde::Serialize;

/// What happened, for whoever listens live (desktop notifications, tray, logs).
/// (TypeScript: `DeskbellEvent`, the payload of "deskbell:event".)
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DeskbellEvent"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    TicketCreated {
        ticket_id: String,
        visitor: String,
        first_line: String,
        spam: bool,
    },
    TicketUpdated {
        ticket_id: String,
        status: Status,
        priority: Priority,
    },
    ReplyReceived {
        ticket_id: String,
        from: String,
        first_line: String,
    },
    MailSent {
        ticket_id: String,
        mail: outbox::Kind,
        to: String,
    },
    SendFailed {
        ticket_id: String,
        mail: outbox::Kind,
        to: String,
        reason: String,
    },
    /// A snoozed ticket's time came (the waker): it is waiting on the owner again.
    TicketWoke {
        ticket_id: String,
        visitor: String,
        first_line: String,
    },
    /// The owner wrote an internal note on a ticket (never mailed).
    NoteAdded { ticket_id: String },
    /// A bounce came back for a mail Deskbell sent: it did not reach `to`.
    MailBounced {
        ticket_id: String,
        to: String,
        reason: String,
    },
    /// The IMAP sync cannot reach or read a folder; it keeps retrying with backoff.
    SyncError { folder: String, reason: String },
    /// The managed tunnel (`[tunnel] command`) started, ended, or is about to restart.
    TunnelChanged { tunnel: crate::tunnel::TunnelState },
}
