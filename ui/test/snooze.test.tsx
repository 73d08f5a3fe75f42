// Snooze in the window: the Snoozed view with its count, the Snooze menu (key z) with the
// core's quick picks, Unsnooze, and the "Snoozed until" mark in the ticket header.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detail, fakeApi, row, settings, settle, status, until, pagedList } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});
import { App, rowFits } from "../src/App";
import { Sidebar, filterCount } from "../src/components/Sidebar";
import { refreshFor } from "../src/lib/events";
import { SHORTCUTS, keyAction } from "../src/lib/keys";
import { isSnoozed, wakeTime } from "../src/lib/time";
import type { SnoozeChoice, TicketRow } from "../src/bindings";

const LATER = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
const choices: SnoozeChoice[] = [
  { key: "later_today", label: "Later today", at: "Tue 14:00", until: new Date(Date.now() + 3600_000).toISOString() },
  { key: "tomorrow", label: "Tomorrow morning", at: "Wed 08:00", until: LATER },
  { key: "next_week", label: "Next week", at: "Mon 08:00", until: new Date(Date.now() + 6 * 24 * 3600_000).toISOString() },
];
const counts = { open: 2, pending: 0, closed: 0, unread: 2, snoozed: 1, spam: 0, trash: 0 };

let root: HTMLElement;
let rows: TicketRow[];
beforeEach(() => {
  fake.current = fakeApi();
  const a = fake.current.api;
  rows = [row("T-1"), row("T-2")];
  a.getSettings.mockResolvedValue(settings());
  a.appStatus.mockResolvedValue(status());
  a.counts.mockResolvedValue(counts);
  a.listTickets.mockImplementation(pagedList(() => rows));
  a.getTicket.mockImplementation(async (id: string) => detail(rows.find((r) => r.ticketId === id)!));
  a.snoozeChoices.mockResolvedValue(choices);
  a.snoozeTicket.mockImplementation(async (id: string, until: string) => ({ ...rows.find((r) => r.ticketId === id)!, snoozedUntil: until }));
  a.unsnoozeTicket.mockImplementation(async (id: string) => ({ ...rows.find((r) => r.ticketId === id)!, snoozedUntil: null }));
  a.cannedReplies.mockResolvedValue([]);
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  act(() => render(null, root));
  root.remove();
});
const $ = (sel: string) => root.querySelector<HTMLElement>(sel);
const byId = (t: string) => $(`[data-testid="${t}"]`);
async function key(k: string) {
  document.body.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  await settle();
}

describe("the Snoozed view", () => {
  it("is in the sidebar with its count, apart from Open, and lists with status snoozed", async () => {
    expect(filterCount(counts, "snoozed")).toBe(1);
    expect(filterCount(counts, "open")).toBe(2);
    expect(filterCount(counts, "all")).toBe(3);
    act(() => render(<App />, root));
    await until(() => byId("ticket-list"));
    await settle();
    const snoozed = $('[data-testid="status-filter"][data-status="snoozed"]')!;
    expect(snoozed.textContent).toContain("Snoozed");
    expect(snoozed.querySelector(".filter-count")!.textContent).toBe("1");
    rows = [row("T-3", { snoozedUntil: LATER })];
    snoozed.click();
    await settle();
    expect(fake.current!.api.listTickets).toHaveBeenLastCalledWith({ status: "snoozed", search: "", tag: null, priority: null, site: null, sort: "updated", offset: 0, limit: 200 });
    await until(() => byId("row-snoozed"));
    expect(byId("row-snoozed")!.textContent).toBe(`until ${wakeTime(LATER, new Date(), "Europe/Berlin")}`);
  });

  it("renders in the bare Sidebar too", () => {
    const onFilter = vi.fn();
    act(() =>
      render(
        <Sidebar filter="snoozed" settingsOpen={false} counts={counts} status={null} business="" onFilter={onFilter} onSettings={() => {}} onHelp={() => {}} onTogglePause={() => {}} />,
        root,
      ),
    );
    expect($('[data-status="snoozed"]')!.getAttribute("aria-current")).toBe("true");
  });
});

describe("the Snooze menu", () => {
  it("opens with z, offers the core's picks, snoozes and shows Snoozed until", async () => {
    act(() => render(<App />, root));
    await until(() => byId("ticket-list"));
    await settle();
    $('[data-testid="ticket-row"][data-ticket-id="T-1"]')!.click();
    await until(() => byId("ticket-view"));
    expect(byId("snoozed-until")).toBeNull();
    await key("z");
    await until(() => root.querySelectorAll('[data-testid="snooze-choice"]').length === 3);
    const picks = [...root.querySelectorAll<HTMLElement>('[data-testid="snooze-choice"]')];
    expect(picks.map((p) => p.dataset.key)).toEqual(["later_today", "tomorrow", "next_week"]);
    expect(picks[1]!.textContent).toContain("Tomorrow morning");
    expect(picks[1]!.textContent).toContain("Wed 08:00");
    expect(byId("unsnooze")).toBeNull();
    picks[1]!.click();
    await settle();
    expect(fake.current!.api.snoozeTicket).toHaveBeenCalledWith("T-1", LATER);
    await until(() => byId("snoozed-until"));
    expect(byId("snooze-menu")).toBeNull();
    expect(byId("snoozed-until")!.textContent).toBe(`Snoozed until ${wakeTime(LATER, new Date(), "Europe/Berlin")}`);
    // It left Open: the list is read again.
    expect(fake.current!.api.listTickets.mock.calls.length).toBeGreaterThan(1);

    // Snoozed: the menu offers Unsnooze; Esc closes it first.
    await key("z");
    await until(() => byId("unsnooze"));
    await key("Escape");
    expect(byId("snooze-menu")).toBeNull();
    $('[data-testid="snooze-button"]')!.click();
    await until(() => byId("unsnooze"));
    byId("unsnooze")!.click();
    await settle();
    expect(fake.current!.api.unsnoozeTicket).toHaveBeenCalledWith("T-1");
    await until(() => byId("snoozed-until") === null);
  });

  it("a woken ticket refreshes the list, the counts and its open thread", () => {
    const woke = { kind: "ticket_woke", ticket_id: "T-1", visitor: "Ana", first_line: "hi" } as const;
    expect(refreshFor(woke, "T-1")).toEqual({ list: true, counts: true, thread: true, status: false });
    expect(refreshFor(woke, "T-2").thread).toBe(false);
  });

  it("z is a listed shortcut", () => {
    expect(keyAction({ key: "z" }, false)).toEqual({ type: "snooze" });
    expect(keyAction({ key: "z" }, true)).toBeNull();
    expect(SHORTCUTS.some((s) => s.keys[0] === "z" && /snooze/i.test(s.label))).toBe(true);
  });
});

describe("snooze times", () => {
  const now = new Date("2026-03-10T09:20:00Z"); // a Tuesday
  it("shows the wake time in the owner's zone", () => {
    expect(wakeTime("2026-03-11T07:00:00Z", now, "Europe/Berlin")).toBe("Wed 08:00");
    expect(wakeTime("2026-03-16T07:00:00Z", now, "Europe/Berlin")).toBe("Mon 08:00");
    expect(wakeTime("2026-03-20T07:00:00Z", now, "Europe/Berlin")).toBe("Fri 20 Mar 08:00");
    expect(wakeTime("nonsense", now, "Europe/Berlin")).toBe("");
  });
  it("a row belongs in Open unless snoozed, in Snoozed only while snoozed", () => {
    const snoozed = row("T-1", { snoozedUntil: "2026-03-11T07:00:00Z" });
    const woke = row("T-2", { snoozedUntil: "2026-03-10T09:00:00Z" });
    expect(isSnoozed(snoozed.snoozedUntil, now)).toBe(true);
    expect(isSnoozed(woke.snoozedUntil, now)).toBe(false);
    expect(rowFits(snoozed, "open", now)).toBe(false);
    expect(rowFits(snoozed, "snoozed", now)).toBe(true);
    expect(rowFits(woke, "open", now)).toBe(true);
    expect(rowFits(woke, "snoozed", now)).toBe(false);
    expect(rowFits(snoozed, "all", now)).toBe(true);
  });
});
