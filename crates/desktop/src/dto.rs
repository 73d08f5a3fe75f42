//! The shapes that cross the IPC boundary (docs/desktop-api.md), camelCase in JSON. The
//! TypeScript types in ui/src/bindings/ are generated from these (ts-rs, see
//! [`typescript_bindings`]); never edit the generated file by hand. Conversions from the core's
//! types live here too, so commands stay one call and one map.

use deskbell::domain;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What every command returns on failure: a stable code and a sentence for the owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

impl From<deskbell::settings::SettingsError> for ApiError {
    fn from(e: deskbell::settings::SettingsError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<deskbell::inbox::InboxError> for ApiError {
    fn from(e: deskbell::inbox::InboxError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Open,
    Pending,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Web,
    Email,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
    Note,
}

/// A status filter for the list: one status, or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StatusFilter {
    Open,
    Pending,
    Closed,
    All,
}

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketDetail {
    pub ticket: TicketRow,
    pub visitor_phone: Option<String>,
    pub page_url: Option<String>,
    pub issue: String,
    pub messages: Vec<ThreadEntry>,
    /// the same visitor's other tickets
    pub history: Vec<TicketRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct TicketQuery {
    pub status: StatusFilter,
    /// "" = no search (FTS5 otherwise)
    pub search: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub open: u32,
    pub pending: u32,
    pub closed: u32,
    pub unread: u32,
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
pub struct CannedReply {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub body: String,
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
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    Starttls,
    Tls,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    Gmail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettings {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    /// a stored password is never sent back
    pub has_password: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub preset: Option<Preset>,
    pub host: String,
    pub port: Option<u16>,
    pub security: Option<Security>,
    pub username: String,
    /// null = keep the stored one
    pub password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    pub email: String,
    pub name: String,
    pub business: String,
    pub timezone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IntakeSettings {
    pub listen: String,
    pub public_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotificationSettings {
    pub enabled: bool,
    pub paused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub owner: Owner,
    pub smtp: AccountSettings,
    pub imap: AccountSettings,
    pub intake: IntakeSettings,
    pub notifications: NotificationSettings,
    /// false → first-run set-up
    pub configured: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    pub owner: Owner,
    pub smtp: AccountInput,
    pub imap: AccountInput,
    pub intake: IntakeSettings,
    pub notifications: NotificationSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    Smtp,
    Imap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Ok,
    WrongPassword,
    Tls,
    UntrustedCertificate,
    Unreachable,
    Timeout,
    NotConfigured,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub ok: bool,
    pub problem: Problem,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum SyncState {
    Off,
    Connecting,
    Ok,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub state: SyncState,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub intake_addr: String,
    pub mail_queued: u32,
    pub mail_failed: u32,
    pub sync: SyncStatus,
    pub notifications_paused: bool,
    pub start_at_login: bool,
}

/// Payload of "deskbell:open-ticket".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenTicket {
    pub ticket_id: String,
}

impl From<domain::Status> for Status {
    fn from(s: domain::Status) -> Self {
        match s {
            domain::Status::Open => Self::Open,
            domain::Status::Pending => Self::Pending,
            domain::Status::Closed => Self::Closed,
        }
    }
}

impl From<Status> for domain::Status {
    fn from(s: Status) -> Self {
        match s {
            Status::Open => Self::Open,
            Status::Pending => Self::Pending,
            Status::Closed => Self::Closed,
        }
    }
}

impl StatusFilter {
    /// `None` = every status.
    pub fn status(self) -> Option<domain::Status> {
        match self {
            Self::Open => Some(domain::Status::Open),
            Self::Pending => Some(domain::Status::Pending),
            Self::Closed => Some(domain::Status::Closed),
            Self::All => None,
        }
    }
}

impl From<domain::Priority> for Priority {
    fn from(p: domain::Priority) -> Self {
        match p {
            domain::Priority::Low => Self::Low,
            domain::Priority::Normal => Self::Normal,
            domain::Priority::High => Self::High,
            domain::Priority::Urgent => Self::Urgent,
        }
    }
}

impl From<Priority> for domain::Priority {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Low => Self::Low,
            Priority::Normal => Self::Normal,
            Priority::High => Self::High,
            Priority::Urgent => Self::Urgent,
        }
    }
}

impl From<domain::Channel> for Channel {
    fn from(c: domain::Channel) -> Self {
        match c {
            domain::Channel::Web => Self::Web,
            domain::Channel::Email => Self::Email,
        }
    }
}

impl From<domain::Direction> for Direction {
    fn from(d: domain::Direction) -> Self {
        match d {
            domain::Direction::In => Self::In,
            domain::Direction::Out => Self::Out,
            domain::Direction::Note => Self::Note,
        }
    }
}

impl From<&domain::Ticket> for TicketRow {
    fn from(t: &domain::Ticket) -> Self {
        Self {
            ticket_id: t.ticket_id.clone(),
            status: t.status.into(),
            priority: t.priority.into(),
            channel: t.channel.into(),
            site: t.site.clone(),
            visitor_name: t.visitor.name.clone(),
            visitor_email: t.visitor.email.clone(),
            first_line: first_line(&t.issue),
            unread: t.unread,
            tags: t.tags.clone(),
            spam: t.spam,
            created_at: rfc3339(t.created_at),
            updated_at: rfc3339(t.updated_at),
        }
    }
}

impl From<&domain::Message> for ThreadEntry {
    fn from(m: &domain::Message) -> Self {
        Self {
            id: m.id,
            direction: m.direction.into(),
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
        }
    }
}

impl From<deskbell::domain::CannedReply> for CannedReply {
    fn from(c: deskbell::domain::CannedReply) -> Self {
        Self {
            id: c.id,
            title: c.title,
            body: c.body,
        }
    }
}

impl SiteRow {
    pub fn new(site: &domain::Site, public_url: &str) -> Self {
        Self {
            id: site.id,
            name: site.name.clone(),
            bot_token: site.bot_token.clone(),
            origins: site.origins.clone(),
            snippet: deskbell::inbox::widget_snippet(public_url, &site.bot_token),
            created_at: rfc3339(site.created_at),
        }
    }
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The list shows one line of the visitor's words.
fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    line.unwrap_or("").chars().take(160).collect()
}

/// ui/src/bindings/index.ts: every DTO, one file, in a fixed order.
pub fn typescript_bindings() -> String {
    let decls = [
        Status::decl(),
        Priority::decl(),
        Channel::decl(),
        Direction::decl(),
        StatusFilter::decl(),
        TicketRow::decl(),
        Attachment::decl(),
        ThreadEntry::decl(),
        TicketDetail::decl(),
        TicketQuery::decl(),
        Counts::decl(),
        OutgoingFile::decl(),
        CannedReply::decl(),
        SiteRow::decl(),
        Security::decl(),
        Preset::decl(),
        AccountSettings::decl(),
        AccountInput::decl(),
        Owner::decl(),
        IntakeSettings::decl(),
        NotificationSettings::decl(),
        Settings::decl(),
        SettingsInput::decl(),
        AccountKind::decl(),
        Problem::decl(),
        CheckReport::decl(),
        SyncState::decl(),
        SyncStatus::decl(),
        AppStatus::decl(),
        OpenTicket::decl(),
        ApiError::decl(),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/dto.rs by ts-rs. Do not edit: change the Rust types and run\n\
         // DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings\n",
    );
    for d in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(d.trim());
        out.push('\n');
    }
    out
}
