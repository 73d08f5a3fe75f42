// Generated from src-tauri/src/dto.rs by ts-rs. Do not edit: change the Rust types and run
// DESKBELL_BLESS=1 cargo test -p deskbell-desktop --test bindings

export type Status = "open" | "pending" | "closed";

export type Priority = "low" | "normal" | "high" | "urgent";

export type Channel = "web" | "email";

export type Direction = "in" | "out" | "note";

export type StatusFilter = "open" | "pending" | "closed" | "all";

export type TicketRow = { ticketId: string, status: Status, priority: Priority, channel: Channel, site: string | null, visitorName: string, visitorEmail: string, firstLine: string, unread: boolean, tags: Array<string>, spam: boolean, 
/**
 * RFC 3339 UTC
 */
createdAt: string, 
/**
 * RFC 3339 UTC
 */
updatedAt: string, };

export type Attachment = { id: number, name: string, size: number, contentType: string, };

export type ThreadEntry = { 
/**
 * null for the synthesised first entry of a web ticket
 */
id: number | null, direction: Direction, from: string | null, to: string | null, subject: string | null, 
/**
 * new words only
 */
text: string, 
/**
 * full plain text incl. quoted history
 */
body: string, 
/**
 * sanitised in Rust, remote images already blocked
 */
html: string | null, 
/**
 * outgoing: "queued" | "sent" | "failed"; null otherwise
 */
state: string | null, 
/**
 * RFC 3339 UTC
 */
at: string, attachments: Array<Attachment>, };

export type TicketDetail = { ticket: TicketRow, visitorPhone: string | null, pageUrl: string | null, issue: string, messages: Array<ThreadEntry>, 
/**
 * the same visitor's other tickets
 */
history: Array<TicketRow>, };

export type TicketQuery = { status: StatusFilter, 
/**
 * "" = no search (FTS5 otherwise)
 */
search: string, };

export type Counts = { open: number, pending: number, closed: number, unread: number, };

export type OutgoingFile = { name: string, contentType: string, dataBase64: string, };

export type CannedReply = { id: number, title: string, body: string, };

export type SiteRow = { id: number, name: string, botToken: string, origins: Array<string>, snippet: string, createdAt: string, };

export type Security = "starttls" | "tls" | "plain";

export type Preset = "gmail";

export type AccountSettings = { preset: Preset | null, host: string, port: number | null, security: Security | null, username: string, 
/**
 * a stored password is never sent back
 */
hasPassword: boolean, };

export type AccountInput = { preset: Preset | null, host: string, port: number | null, security: Security | null, username: string, 
/**
 * null = keep the stored one
 */
password: string | null, };

export type Owner = { email: string, name: string, business: string, timezone: string, };

export type IntakeSettings = { listen: string, publicUrl: string, };

export type NotificationSettings = { enabled: boolean, paused: boolean, };

export type Settings = { owner: Owner, smtp: AccountSettings, imap: AccountSettings, intake: IntakeSettings, notifications: NotificationSettings, 
/**
 * false → first-run set-up
 */
configured: boolean, };

export type SettingsInput = { owner: Owner, smtp: AccountInput, imap: AccountInput, intake: IntakeSettings, notifications: NotificationSettings, };

export type AccountKind = "smtp" | "imap";

export type Problem = "ok" | "wrong_password" | "tls" | "untrusted_certificate" | "unreachable" | "timeout" | "not_configured" | "other";

export type CheckReport = { ok: boolean, problem: Problem, message: string, hint: string | null, };

export type SyncState = "off" | "connecting" | "ok" | "error";

export type SyncStatus = { state: SyncState, message: string | null, };

export type AppStatus = { intakeAddr: string, mailQueued: number, mailFailed: number, sync: SyncStatus, notificationsPaused: boolean, startAtLogin: boolean, };

export type OpenTicket = { ticketId: string, };

export type ApiError = { code: string, message: string, };
