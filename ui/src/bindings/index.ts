// The DTOs of docs/desktop-api.md, written by hand until the shell generates them with ts-rs
// (same names, same shapes). Import them from "./bindings" only, never redeclare them.

export type Status = "open" | "pending" | "closed";
export type Priority = "low" | "normal" | "high" | "urgent";
export type Channel = "web" | "email";

export interface TicketRow {
  ticketId: string;
  status: Status;
  priority: Priority;
  channel: Channel;
  site: string | null;
  visitorName: string;
  visitorEmail: string;
  firstLine: string;
  unread: boolean;
  tags: string[];
  spam: boolean;
  /** RFC 3339 UTC */
  createdAt: string;
  /** RFC 3339 UTC */
  updatedAt: string;
}

export interface Attachment {
  id: number;
  name: string;
  size: number;
  contentType: string;
}

export interface ThreadEntry {
  /** null for the synthesised first entry of a web ticket */
  id: number | null;
  direction: "in" | "out" | "note";
  from: string | null;
  to: string | null;
  subject: string | null;
  /** new words only */
  text: string;
  /** full plain text incl. quoted history */
  body: string;
  /** sanitised in Rust, remote images already blocked */
  html: string | null;
  /** outgoing: "queued" | "sent" | "failed"; null otherwise */
  state: string | null;
  at: string;
  attachments: Attachment[];
}

export interface TicketDetail {
  ticket: TicketRow;
  visitorPhone: string | null;
  pageUrl: string | null;
  issue: string;
  messages: ThreadEntry[];
  /** the same visitor's other tickets */
  history: TicketRow[];
}

export interface TicketQuery {
  status: Status | "all";
  /** "" = no search (FTS5 otherwise) */
  search: string;
}

export interface Counts {
  open: number;
  pending: number;
  closed: number;
  unread: number;
}

export interface OutgoingFile {
  name: string;
  contentType: string;
  dataBase64: string;
}

export interface CannedReply {
  id: number;
  title: string;
  body: string;
}

export interface SiteRow {
  id: number;
  name: string;
  botToken: string;
  origins: string[];
  snippet: string;
  createdAt: string;
}

export type Security = "starttls" | "tls" | "plain";

/** A stored password is never sent back: only hasPassword. */
export interface AccountSettings {
  preset: "gmail" | null;
  host: string;
  port: number | null;
  security: Security | null;
  username: string;
  hasPassword: boolean;
}

/** password null = keep the stored one. */
export interface AccountInput {
  preset: "gmail" | null;
  host: string;
  port: number | null;
  security: Security | null;
  username: string;
  password: string | null;
}

export interface Owner {
  email: string;
  name: string;
  business: string;
  timezone: string;
}

export interface IntakeSettings {
  listen: string;
  publicUrl: string;
}

export interface NotificationSettings {
  enabled: boolean;
  paused: boolean;
}

export interface Settings {
  owner: Owner;
  smtp: AccountSettings;
  imap: AccountSettings;
  intake: IntakeSettings;
  notifications: NotificationSettings;
  /** false → first-run set-up */
  configured: boolean;
}

export interface SettingsInput {
  owner: Owner;
  smtp: AccountInput;
  imap: AccountInput;
  intake: IntakeSettings;
  notifications: NotificationSettings;
}

export type Problem =
  | "ok"
  | "wrong_password"
  | "tls"
  | "untrusted_certificate"
  | "unreachable"
  | "timeout"
  | "not_configured"
  | "other";

export interface CheckReport {
  ok: boolean;
  problem: Problem;
  message: string;
  hint: string | null;
}

export interface AppStatus {
  intakeAddr: string;
  mailQueued: number;
  mailFailed: number;
  sync: { state: "off" | "connecting" | "ok" | "error"; message: string | null };
  notificationsPaused: boolean;
  startAtLogin: boolean;
}
