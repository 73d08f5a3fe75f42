// Sample DTOs for component tests, and a fake `api` whose calls tests can inspect.
import { vi } from "vitest";
import type { AppStatus, Counts, FailedMail, MailStatus, Settings, TicketDetail, TicketRow } from "../src/bindings";

export const row = (id: string, o: Partial<TicketRow> = {}): TicketRow => ({
  ticketId: id, status: "open", priority: "normal", channel: "web", site: "Shop", visitorName: `Visitor ${id.slice(-1)}`,
  visitorEmail: `v${id.slice(-1)}@example.com`, firstLine: `question ${id}`, unread: true, tags: [], spam: false,
  createdAt: "2026-11-25T10:00:00Z", updatedAt: "2026-11-25T10:00:00Z", snoozedUntil: null, deletedAt: null,
  mergedInto: null, ...o,
});

/** One list_tickets answer: rows [offset, offset + limit) of `all`, and how many there are. */
export const page = (all: TicketRow[], offset = 0, limit = all.length) => ({
  tickets: all.slice(offset, offset + limit),
  total: all.length,
});

/** A list_tickets fake over `all()` that honours offset and limit, as the core does. */
export const pagedList = (all: () => TicketRow[]) => async (q: { offset: number; limit: number }) => page(all(), q.offset, q.limit);

/** The Counts answer with every view (spam and trash zero unless given). */
export const counts = (o: Partial<Counts> = {}): Counts => ({
  open: 0, pending: 0, closed: 0, unread: 0, snoozed: 0, spam: 0, trash: 0, ...o,
});

export const settings = (configured = true): Settings => ({
  owner: { email: "maria@gmail.com", name: "Maria", business: "Rossi", timezone: "Europe/Berlin", signature: "" },
  smtp: { preset: "gmail", host: "smtp.gmail.com", port: 587, security: "starttls", username: "maria@gmail.com", hasPassword: configured },
  imap: { preset: "gmail", host: "imap.gmail.com", port: 993, security: "tls", username: "maria@gmail.com", hasPassword: configured },
  intake: { listen: "127.0.0.1:7878", publicUrl: "" },
  mail: { defaultSupportAddress: "maria+support@gmail.com", newTickets: "support", supportAddress: "", dailySendLimit: 400 },
  notifications: { enabled: true, paused: false },
  configured,
});

export const status = (o: Partial<AppStatus> = {}): AppStatus => ({
  intakeAddr: "127.0.0.1:7878", mailQueued: 0, mailFailed: 0, sync: { state: "ok" },
  notificationsPaused: false, startAtLogin: false, ...o,
});

export const detail = (r: TicketRow, texts: string[] = [r.firstLine]): TicketDetail => ({
  ticket: r, visitorPhone: null, pageUrl: null, issue: texts[0] ?? "", history: [], failedMail: [],
  messages: texts.map((text, i) => ({
    id: i === 0 ? null : i, direction: "in", from: null, to: null, subject: null, text, body: text, html: null,
    state: null, at: "2026-11-25T10:00:00Z", attachments: [],
  })),
});

export const mailStatus = (o: Partial<MailStatus> = {}): MailStatus => ({
  queued: 0, held: 0, sentLast24h: 0, dailyLimit: 400, automaticLeft: 300, repliesLeft: 400, nextSlotAt: null,
  failedTotal: 0, failed: [], ...o,
});

export const failedMail = (id: number, o: Partial<FailedMail> = {}): FailedMail => ({
  id, kind: "reply", to: "ana@example.com", ticketId: "TKT-20261125-0001", reason: "550 5.1.1 user unknown",
  bounced: false, queuedAt: "2026-11-25T10:00:00Z", ...o,
});

/** A fake of src/api.ts's `api`; `emit`/`openTicket` play the shell's two events. */
export function fakeApi() {
  const handlers: { event?: (e: unknown) => void; open?: (id: string) => void } = {};
  const api = {
    listTickets: vi.fn(), counts: vi.fn(), getTicket: vi.fn(), sendReply: vi.fn(), setStatus: vi.fn(),
    setPriority: vi.fn(), setTags: vi.fn(), saveAttachment: vi.fn(), cannedReplies: vi.fn(), saveCannedReply: vi.fn(),
    deleteCannedReply: vi.fn(), fillCannedReply: vi.fn(async (id: number) => `filled ${id}`), getSettings: vi.fn(), saveSettings: vi.fn(), testConnection: vi.fn(), checkPublicUrl: vi.fn(), listSites: vi.fn(async () => [] as unknown[]),
    addSite: vi.fn(), editSite: vi.fn(), rotateSiteToken: vi.fn(), removeSite: vi.fn(), saveWidget: vi.fn(), appStatus: vi.fn(), mailStatus: vi.fn(async () => mailStatus()), tunnelStatus: vi.fn(async () => ({ state: "not_configured" })), resendMail: vi.fn(), resendFailed: vi.fn(),
    setNotificationsPaused: vi.fn(), setStartAtLogin: vi.fn(), snoozeTicket: vi.fn(), unsnoozeTicket: vi.fn(),
    snoozeChoices: vi.fn(async () => [] as unknown[]),
    listTags: vi.fn(async () => [] as string[]), mergeTicket: vi.fn(), deleteTicket: vi.fn(), restoreTicket: vi.fn(),
    setSpam: vi.fn(), blockSender: vi.fn(async () => [] as unknown[]), unblockSender: vi.fn(async () => [] as unknown[]),
    listBlocked: vi.fn(async () => [] as unknown[]),
    openLink: vi.fn(async () => undefined),
    onEvent: vi.fn(async (h: (e: unknown) => void) => {
      handlers.event = h;
      return () => {};
    }),
    onOpenTicket: vi.fn(async (h: (id: string) => void) => {
      handlers.open = h;
      return () => {};
    }),
  };
  return { api, handlers };
}

/** Lets pending promises and Preact's render queue settle. */
export async function settle(ms = 0) {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, ms));
}

/** Waits until `ok()` holds (rendering and fake calls settle in several hops). */
export async function until(ok: () => unknown, timeoutMs = 2000) {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error("timed out waiting for the window");
    await new Promise((r) => setTimeout(r, 5));
  }
}
