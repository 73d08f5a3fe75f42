// The whole window against a fake api: keys, live refresh on events, first run, URL ticket.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detail, failedMail, fakeApi, mailStatus, row, settings, settle, status, until, page, pagedList } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});
import { App, ticketFromUrl } from "../src/App";

const rows = [row("T-1"), row("T-2"), row("T-3")];
let root: HTMLElement;
let threads: Record<string, string[]>;

beforeEach(() => {
  fake.current = fakeApi();
  const a = fake.current.api;
  threads = { "T-1": ["one"], "T-2": ["two"], "T-3": ["three"] };
  a.getSettings.mockResolvedValue(settings());
  a.appStatus.mockResolvedValue(status());
  a.counts.mockResolvedValue({ open: 3, pending: 0, closed: 0, unread: 3, snoozed: 0, spam: 0, trash: 0 });
  a.listTickets.mockImplementation(pagedList(() => rows));
  a.getTicket.mockImplementation(async (id: string) => detail(rows.find((r) => r.ticketId === id)!, threads[id]));
  a.setStatus.mockImplementation(async (id: string, s: string) => ({ ...rows.find((r) => r.ticketId === id)!, status: s }));
  a.cannedReplies.mockResolvedValue([]);
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  act(() => render(null, root));
  root.remove();
  history.replaceState(null, "", "/");
});

const $ = (sel: string) => root.querySelector<HTMLElement>(sel);
const byId = (t: string) => $(`[data-testid="${t}"]`);
// Renders and fake calls settle over several hops; tests wait for what they expect to see
// (outside act(), which would hold Preact's renders back until it returns).
async function key(k: string, target: EventTarget = document.body) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  await settle();
}
async function click(sel: string) {
  $(sel)!.click();
  await settle();
}
async function mount(ready = () => byId("ticket-list") ?? byId("first-run")) {
  act(() => render(<App />, root));
  await until(ready);
  await settle();
}
const selected = () => $('[data-testid="ticket-row"][aria-selected="true"]')?.dataset.ticketId;

describe("App", () => {
  it("lists tickets; j/k move the cursor, Enter opens, r focuses the reply", async () => {
    await mount();
    expect(root.querySelectorAll('[data-testid="ticket-row"]').length).toBe(3);
    expect(fake.current!.api.listTickets).toHaveBeenCalledWith({ status: "open", search: "", tag: null, priority: null, site: null, sort: "updated", offset: 0, limit: 200 });
    await key("j");
    expect(selected()).toBe("T-1");
    await key("j");
    await key("j");
    await key("j");
    expect(selected()).toBe("T-3");
    await key("k");
    expect(selected()).toBe("T-2");
    await key("Enter");
    await until(() => byId("ticket-view"));
    expect(fake.current!.api.getTicket).toHaveBeenCalledWith("T-2");
    expect(byId("ticket-view")!.dataset.ticketId).toBe("T-2");
    expect(byId("thread")!.textContent).toContain("two");
    await key("r");
    expect(document.activeElement).toBe(byId("reply-text"));
    // typing j in the reply box is text, not navigation
    await key("j", byId("reply-text")!);
    expect(selected()).toBe("T-2");
  });

  it("e closes the open ticket; / focuses search; ? opens help and Esc closes it", async () => {
    await mount();
    await click('[data-ticket-id="T-1"]');
    await until(() => byId("ticket-view"));
    await key("e");
    await until(() => (byId("status-select") as HTMLSelectElement).value === "closed");
    expect(fake.current!.api.setStatus).toHaveBeenCalledWith("T-1", "closed");
    expect((byId("status-select") as HTMLSelectElement).value).toBe("closed");
    await key("/");
    expect(document.activeElement).toBe(byId("search-input"));
    await key("Escape", byId("search-input")!);
    await key("f");
    expect(document.activeElement).toBe(byId("filter-tag"));
    await key("Escape", byId("filter-tag")!);
    await key("?");
    expect(byId("help-sheet")).not.toBeNull();
    await key("Escape");
    expect(byId("help-sheet")).toBeNull();
  });

  it("a visitor reply appears in the open thread without a refresh", async () => {
    await mount();
    await click('[data-ticket-id="T-3"]');
    await until(() => byId("thread-entry"));
    expect(root.querySelectorAll('[data-testid="thread-entry"]').length).toBe(1);
    const listCalls = fake.current!.api.listTickets.mock.calls.length;
    threads["T-3"] = ["three", "the visitor answers"];
    fake.current!.handlers.event!({ kind: "reply_received", ticket_id: "T-3", from: "v@x", first_line: "the visitor answers" });
    await until(() => root.querySelectorAll('[data-testid="thread-entry"]').length === 2);
    const entries = root.querySelectorAll('[data-testid="thread-entry"]');
    expect(entries.length).toBe(2);
    expect(entries[1]!.textContent).toContain("the visitor answers");
    expect(fake.current!.api.listTickets.mock.calls.length).toBeGreaterThan(listCalls);
  });

  it("deskbell:open-ticket opens that ticket, also from settings", async () => {
    await mount();
    fake.current!.api.listSites.mockResolvedValue([]);
    await click('[data-testid="settings-open"]');
    await until(() => byId("settings-view"));
    fake.current!.handlers.open!("T-2");
    await until(() => byId("ticket-view"));
    expect(byId("settings-view")).toBeNull();
    expect(byId("ticket-view")!.dataset.ticketId).toBe("T-2");
  });

  it("opens the ticket named in the URL (?ticket=)", async () => {
    history.replaceState(null, "", "/?ticket=T-3");
    await mount(() => byId("ticket-view"));
    expect(byId("ticket-view")!.dataset.ticketId).toBe("T-3");
    expect(ticketFromUrl("?ticket=<script>")).toBeNull();
  });

  it("shows the empty state, and the ApiError message when listing fails", async () => {
    fake.current!.api.listTickets.mockResolvedValue(page([]));
    fake.current!.api.counts.mockResolvedValue({ open: 0, pending: 0, closed: 0, unread: 0, snoozed: 0, spam: 0, trash: 0 });
    await mount();
    expect(byId("empty-state")!.textContent).toContain("No tickets yet");
    expect(byId("ticket-list")).not.toBeNull();
    fake.current!.api.listTickets.mockRejectedValue({ code: "store", message: "cannot open the database" });
    await click('button[data-status="closed"]');
    await until(() => byId("list-error"));
    expect(byId("list-error")!.textContent).toContain("cannot open the database");
  });

  it("shows mail waiting and the sync error with its message", async () => {
    fake.current!.api.appStatus.mockResolvedValue(status({ mailQueued: 2, sync: { state: "error", message: "authentication failed" } }));
    await mount(() => byId("mail-queued"));
    expect(byId("mail-queued")!.textContent).toContain("2 emails waiting");
    expect(byId("sync-error")!.textContent).toContain("authentication failed");
  });

  it("first run: configured=false starts the guided set-up", async () => {
    fake.current!.api.getSettings.mockResolvedValue(settings(false));
    await mount();
    expect(byId("first-run")).not.toBeNull();
    expect(byId("ticket-list")).toBeNull();
  });

  it("the status area shows the budget; the failed-mail sheet resends one and all", async () => {
    const a = fake.current!.api;
    const two = [failedMail(8, { kind: "confirmation", bounced: true }), failedMail(7)];
    a.mailStatus.mockResolvedValue(mailStatus({ sentLast24h: 12, failedTotal: 2, failed: two }));
    a.resendMail.mockResolvedValue(mailStatus({ sentLast24h: 12, queued: 1, failedTotal: 1, failed: [two[0]!] }));
    a.resendFailed.mockResolvedValue(mailStatus({ sentLast24h: 12, queued: 2 }));
    await mount(() => byId("mail-failed-open"));
    expect(byId("mail-status")!.textContent).toContain("Sent 12 of 400 today");
    expect(byId("mail-failed-open")!.textContent).toBe("2 failed");
    await click('[data-testid="mail-failed-open"]');
    const rows = () => root.querySelectorAll<HTMLElement>('[data-testid="mail-failed-row"]');
    expect(rows().length).toBe(2);
    expect(rows()[0]!.textContent).toContain("Confirmation");
    expect(rows()[0]!.querySelector('[data-testid="mail-bounced"]')).not.toBeNull();
    expect(rows()[1]!.querySelector('[data-testid="mail-bounced"]')).toBeNull();
    expect(rows()[1]!.textContent).toContain("550 5.1.1 user unknown");
    expect(rows()[1]!.textContent).toContain("TKT-20261125-0001");
    rows()[1]!.querySelector<HTMLElement>('[data-testid="mail-resend"]')!.click();
    await until(() => rows().length === 1);
    expect(a.resendMail).toHaveBeenCalledWith(7);
    expect(byId("mail-failed-open")!.textContent).toBe("1 failed");
    await click('[data-testid="mail-resend-all"]');
    await until(() => byId("mail-failed-open") === null);
    expect(a.resendFailed).toHaveBeenCalled();
    expect(byId("mail-failed-sheet")!.textContent).toContain("Nothing failed");
    expect(byId("mail-status")!.textContent).toContain("2 waiting to send");
    await key("Escape");
    expect(byId("mail-failed-sheet")).toBeNull();
  });

  it("a bounce for the open ticket reloads it and shows the banner with Resend", async () => {
    const a = fake.current!.api;
    await mount();
    await click('[data-ticket-id="T-1"]');
    await until(() => byId("ticket-view"));
    expect(byId("bounce-banner")).toBeNull();
    const bounced = detail(rows[0]!, ["one", "Here is the label."]);
    bounced.messages[1] = { ...bounced.messages[1]!, direction: "out", to: "Ana <ana@example.com>", state: "failed" };
    bounced.failedMail = [failedMail(7, { ticketId: "T-1", bounced: true })];
    a.getTicket.mockResolvedValue(bounced);
    a.mailStatus.mockResolvedValue(mailStatus({ failedTotal: 1, failed: bounced.failedMail }));
    fake.current!.handlers.event!({ kind: "mail_bounced", ticket_id: "T-1", to: "ana@example.com", reason: "550 5.1.1 user unknown" });
    await until(() => byId("bounce-banner"));
    expect(byId("bounce-banner")!.textContent).toContain("Your reply to ana@example.com did not arrive: 550 5.1.1 user unknown");
    await until(() => byId("mail-failed-open"));
    a.resendMail.mockResolvedValue(mailStatus({ queued: 1 }));
    a.getTicket.mockResolvedValue(detail(rows[0]!, ["one", "Here is the label."]));
    await click('[data-testid="bounce-resend"]');
    expect(a.resendMail).toHaveBeenCalledWith(7);
    await until(() => byId("bounce-banner") === null);
    await until(() => byId("mail-failed-open") === null);
  });
});
