//! Tickets and the people and sites around them.

use super::TicketId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} {other:?}: expected one of {}",
                        stringify!($name).to_lowercase(),
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(
    /// Where a ticket stands: waiting for the owner (`open`), waiting for the visitor
    /// (`pending`), or done (`closed`). A visitor reply reopens pending and closed tickets.
    Status { Open => "open", Pending => "pending", Closed => "closed" }
);

text_enum!(Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" });

text_enum!(
    /// How a ticket reached Deskbell.
    Channel { Web => "web", Email => "email" }
);

text_enum!(
    /// Which tickets a list shows. `open` is the waiting list (snoozed tickets left out);
    /// `all` is every status. Spam, trashed and merged tickets are in no view but their own
    /// (`spam`, `trash`; a merged ticket in none: its thread lives on in the target).
    StatusFilter {
        Open => "open",
        Pending => "pending",
        Closed => "closed",
        Snoozed => "snoozed",
        Spam => "spam",
        Trash => "trash",
        All => "all",
    }
);

// `text_enum!` takes no variant attributes, so no `#[default]` derive.
#[allow(clippy::derivable_impls)]
impl Default for StatusFilter {
    fn default() -> Self {
        Self::All
    }
}

impl From<Status> for StatusFilter {
    fn from(s: Status) -> Self {
        match s {
            Status::Open => Self::Open,
            Status::Pending => Self::Pending,
            Status::Closed => Self::Closed,
        }
    }
}

text_enum!(
    /// A list's order: newest activity, newest ticket, or most urgent first (then newest
    /// activity).
    SortBy { Updated => "updated", Created => "created", Priority => "priority" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visitor {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// A ticket as the intake (or the mail side) proposes it, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub site_id: Option<i64>,
    pub channel: Channel,
    pub visitor: Visitor,
    pub session_id: Option<String>,
    pub issue: String,
    pub page_url: Option<String>,
    /// The honeypot was filled: stored, answered as usual, but never notified.
    pub spam: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ticket {
    pub ticket_id: String,
    pub status: Status,
    pub priority: Priority,
    pub channel: Channel,
    pub site: Option<String>,
    pub visitor: Visitor,
    pub session_id: Option<String>,
    pub issue: String,
    pub page_url: Option<String>,
    pub spam: bool,
    pub unread: bool,
    /// Lower case, sorted (see [`super::tags`]).
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Hidden from the waiting list until then (only an open ticket is snoozed); `None` when
    /// not snoozed. A time already past means the waker has not cleared it yet: see
    /// [`Ticket::snoozed_at`].
    pub snoozed_until: Option<DateTime<Utc>>,
    /// In the trash since then: restorable until it is purged 30 days later.
    pub deleted_at: Option<DateTime<Utc>>,
    /// The ticket this one was merged into (its thread lives there now).
    pub merged_into: Option<String>,
}

impl Ticket {
    /// The wake time if the ticket is still snoozed at `now`.
    pub fn snoozed_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.snoozed_until.filter(|until| *until > now)
    }

    pub fn id(&self) -> Option<TicketId> {
        self.ticket_id.parse().ok()
    }

    /// The first non-blank line of the issue, at most 120 characters (list rows, notifications).
    pub fn first_line(&self) -> String {
        first_line(&self.issue)
    }
}

/// The first non-blank line of `text`, trimmed, cut at 120 characters with an ellipsis.
pub fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut out: String = line.trim().chars().take(120).collect();
    if line.trim().chars().count() > 120 {
        out.push('…');
    }
    out
}

/// A website registered to post tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub id: i64,
    pub name: String,
    /// Public by nature (it sits in the page source with the widget); it tells sites apart and
    /// turns away posts that do not come from a configured widget. Compared in constant time.
    pub bot_token: String,
    pub origins: Vec<String>,
    pub created_at: DateTime<Utc>,
}

text_enum!(
    /// Which way an entry of a thread went.
    Direction { In => "in", Out => "out", Note => "note" }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttachmentInfo {
    /// The `attachments` row: what [`crate::Inbox::attachment`] takes.
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub content_type: String,
}

/// One entry of a ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    /// The `messages` row; `None` for the synthesised first entry of a web ticket (its words
    /// live in `tickets.issue`).
    pub id: Option<i64>,
    pub direction: Direction,
    pub message_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The new content only: quoted history and signature removed.
    pub text: String,
    /// The full plain text.
    pub body: String,
    /// The HTML part as stored: already sanitised (allow-list, remote images blocked).
    pub html: Option<String>,
    pub state: Option<String>,
    pub at: DateTime<Utc>,
    pub attachments: Vec<AttachmentInfo>,
}
