// The one module that talks to the shell: every Tauri command of docs/desktop-api.md and the
// two events. Components import from here, never from @tauri-apps/api directly, so tests mock
// exactly this file. Errors always reach callers as ApiError {code, message}.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AccountInput,
  AppStatus,
  BlockedSender,
  CannedReply,
  ApiError,
  CheckReport,
  Counts,
  DeskbellEvent,
  MailStatus,
  OutgoingFile,
  ReachReport,
  Priority,
  Settings,
  SettingsInput,
  SavedWidget,
  SiteRow,
  SnoozeChoice,
  Status,
  TicketDetail,
  TicketPage,
  TicketQuery,
  OpenTicket,
  TicketRow,
  TunnelState,
} from "./bindings";

// Both generated from Rust (the wire crate's ApiError, the core's Event as DeskbellEvent).
export type { ApiError, DeskbellEvent };

export const EVENT = "deskbell:event";
export const OPEN_TICKET = "deskbell:open-ticket";

/** Whatever was thrown, as {code, message}; a shell bug must not show "[object Object]". */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === "object" && "message" in e) {
    const o = e as { code?: unknown; message?: unknown };
    return {
      code: typeof o.code === "string" ? o.code : "internal",
      message: String(o.message),
    };
  }
  if (typeof e === "string") return { code: "internal", message: e };
  return { code: "internal", message: "something went wrong" };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const api = {
  /** One page of the tickets matching `query` (limit at most 500), and how many match in all. */
  listTickets: (query: TicketQuery) => call<TicketPage>("list_tickets", { query }),
  /** Every tag in use, sorted. */
  listTags: () => call<string[]>("list_tags"),
  /**
   * Merges `ticketId` into `into` for good: its thread joins the target's in time order and it
   * leaves every list (get_ticket still shows it, with mergedInto). The target's detail.
   */
  mergeTicket: (ticketId: string, into: string) => call<TicketDetail>("merge_ticket", { ticketId, into }),
  /** To the trash (restorable; purged after 30 days). */
  deleteTicket: (ticketId: string) => call<TicketRow>("delete_ticket", { ticketId }),
  restoreTicket: (ticketId: string) => call<TicketRow>("restore_ticket", { ticketId }),
  setSpam: (ticketId: string, spam: boolean) => call<TicketRow>("set_spam", { ticketId, spam }),
  /** `address` is a full address or "@domain"; later mail from it is stored as spam, silently. */
  blockSender: (address: string) => call<BlockedSender[]>("block_sender", { address }),
  unblockSender: (address: string) => call<BlockedSender[]>("unblock_sender", { address }),
  listBlocked: () => call<BlockedSender[]>("list_blocked"),
  counts: () => call<Counts>("counts"),
  getTicket: (ticketId: string) => call<TicketDetail>("get_ticket", { ticketId }),
  sendReply: (ticketId: string, text: string, files: OutgoingFile[]) =>
    call<TicketDetail>("send_reply", { ticketId, text, files }),
  addNote: (ticketId: string, text: string) => call<TicketDetail>("add_note", { ticketId, text }),
  setStatus: (ticketId: string, status: Status) => call<TicketRow>("set_status", { ticketId, status }),
  setPriority: (ticketId: string, priority: Priority) =>
    call<TicketRow>("set_priority", { ticketId, priority }),
  setTags: (ticketId: string, tags: string[]) => call<TicketRow>("set_tags", { ticketId, tags }),
  /** Hides the ticket from Open until `until` (RFC 3339); a pending or closed ticket reopens. */
  snoozeTicket: (ticketId: string, until: string) => call<TicketRow>("snooze_ticket", { ticketId, until }),
  unsnoozeTicket: (ticketId: string) => call<TicketRow>("unsnooze_ticket", { ticketId }),
  /** The Snooze menu's quick picks, computed by the core in the owner's zone. */
  snoozeChoices: () => call<SnoozeChoice[]>("snooze_choices"),
  saveAttachment: (id: number) => call<string>("save_attachment", { id }),
  cannedReplies: () => call<CannedReply[]>("canned_replies"),
  saveCannedReply: (id: number | null, title: string, body: string) =>
    call<CannedReply>("save_canned_reply", { id, title, body }),
  deleteCannedReply: (id: number) => call<void>("delete_canned_reply", { id }),
  /** Canned reply `id` with its fields ({visitor_first_name}, {ticket_id}, …) filled for `ticketId`. */
  fillCannedReply: (id: number, ticketId: string) => call<string>("fill_canned_reply", { id, ticketId }),
  getSettings: () => call<Settings>("get_settings"),
  saveSettings: (settings: SettingsInput) => call<Settings>("save_settings", { settings }),
  testConnection: (kind: "smtp" | "imap", account: AccountInput) =>
    call<CheckReport>("test_connection", { kind, account }),
  /** Does `url` (else the saved public address) reach this Deskbell? Never rejects for a bad address: the report says. */
  checkPublicUrl: (url: string | null) => call<ReachReport>("check_public_url", { url }),
  listSites: () => call<SiteRow[]>("list_sites"),
  addSite: (name: string, origins: string[]) => call<SiteRow>("add_site", { name, origins }),
  /** Renames `name` (`rename`, null keeps it) and replaces its origins; the token stays. */
  editSite: (name: string, rename: string | null, origins: string[] | null) =>
    call<SiteRow>("edit_site", { name, rename, origins }),
  /** A new bot token for `name`: the old one is refused at once. */
  rotateSiteToken: (name: string) => call<SiteRow>("rotate_site_token", { name }),
  /** Removes `name`; its tickets stay. */
  removeSite: (name: string) => call<void>("remove_site", { name }),
  /** Writes the site's widget.js + snippet.html into the Downloads folder; where, and that snippet. */
  saveWidget: (site: string) => call<SavedWidget>("save_widget", { site }),
  appStatus: () => call<AppStatus>("app_status"),
  mailStatus: () => call<MailStatus>("mail_status"),
  /** The managed tunnel ([tunnel] command): not_configured, starting, running, restarting, stopped. */
  tunnelStatus: () => call<TunnelState>("tunnel_status"),
  /** Sends failed mail `id` again; the refreshed status. */
  resendMail: (id: number) => call<MailStatus>("resend_mail", { id }),
  /** Sends every failed mail again; the refreshed status. */
  resendFailed: () => call<MailStatus>("resend_failed"),
  setNotificationsPaused: (paused: boolean) => call<void>("set_notifications_paused", { paused }),
  setStartAtLogin: (enabled: boolean) => call<void>("set_start_at_login", { enabled }),
  /** Opens a mail's link in the owner's browser or mail app; the shell opens only http(s), mailto and tel. */
  openLink: (url: string) => call<void>("open_link", { url }),

  onEvent: (handler: (e: DeskbellEvent) => void): Promise<UnlistenFn> =>
    listen<DeskbellEvent>(EVENT, (ev) => handler(ev.payload)),
  onOpenTicket: (handler: (ticketId: string) => void): Promise<UnlistenFn> =>
    listen<OpenTicket>(OPEN_TICKET, (ev) => handler(ev.payload.ticketId)),
};

export type Api = typeof api;
