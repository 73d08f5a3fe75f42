// Triage in the window against a fake api: a list of any length (virtual, paged, j/k across
// pages), Spam and Trash, filter chips and sort, the keys # ! B M, and Merge into….
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { counts, detail, fakeApi, pagedList, row, settings, settle, status, until } from "./fixtures";
import type { TicketRow } from "../src/bindings";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});
import { App } from "../src/App";
import { BlockedSection } from "../src/components/BlockedSection";
import { FilterBar } from "../src/components/FilterBar";
import { MergeSheet } from "../src/components/MergeSheet";
import { NO_FILTERS } from "../src/lib/listQuery";

const many = (n: number) => Array.from({ length: n }, (_, i) => row(`T-${String(i).padStart(4, "0")}`, { visitorEmail: `v${i}@example.com` }));
let root: HTMLElement;
let rows: TicketRow[];
const a = () => fake.current!.api;

beforeEach(() => {
  fake.current = fakeApi();
  rows = [row("T-1", { visitorEmail: "ana@spam.example" }), row("T-2"), row("T-3")];
  a().getSettings.mockResolvedValue(settings());
  a().appStatus.mockResolvedValue(status());
  a().counts.mockResolvedValue(counts({ open: 3, spam: 4, trash: 2 }));
  a().listTickets.mockImplementation(pagedList(() => rows));
  a().getTicket.mockImplementation(async (id: string) => detail(rows.find((r) => r.ticketId === id) ?? row(id)));
  a().cannedReplies.mockResolvedValue([]);
  a().listTags.mockResolvedValue(["gift", "order"]);
  a().listSites.mockResolvedValue([{ id: 1, name: "Shop" }]);
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  act(() => render(null, root));
  root.remove();
  history.replaceState(null, "", "/");
});

const $ = (sel: string) => root.querySelector<HTMLElement>(sel);
const $$ = (sel: string) => [...root.querySelectorAll<HTMLElement>(sel)];
const byId = (t: string) => $(`[data-testid="${t}"]`);
async function key(k: string, target: EventTarget = document.body) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  await settle();
}
async function mount(ready = () => $('[data-testid="ticket-row"]')) {
  act(() => render(<App />, root));
  await until(ready);
  await settle();
}
const selected = () => $('[data-testid="ticket-row"][aria-selected="true"]')?.dataset.ticketId;
const lastQuery = () => a().listTickets.mock.calls.at(-1)![0];
function choose(sel: string, value: string) {
  const s = $(sel) as HTMLSelectElement;
  s.value = value;
  s.dispatchEvent(new Event("change", { bubbles: true }));
}

describe("a long list", () => {
  it("renders only the rows in view, says how many there are, and pages in as j crosses a page", async () => {
    rows = many(1000);
    await mount();
    expect(byId("ticket-total")!.textContent).toBe("1,000 tickets");
    expect(byId("ticket-list")!.dataset.count).toBe("1000");
    // 800px of 80px rows and the overscan: a few dozen rows, never a thousand
    expect($$('[data-testid="ticket-row"]').length).toBeLessThan(40);
    expect(a().listTickets).toHaveBeenCalledWith(expect.objectContaining({ offset: 0, limit: 200 }));
    expect(a().listTickets.mock.calls.some((c) => c[0].offset === 400)).toBe(false);
    // k with nothing selected goes to the very last ticket: its page loads, the cursor lands
    await key("k");
    await until(() => selected() === "T-0999");
    expect(a().listTickets).toHaveBeenCalledWith(expect.objectContaining({ offset: 800, limit: 200 }));
    expect($('[data-ticket-id="T-0999"]')!.getAttribute("aria-posinset")).toBe("1000");
    expect($('[data-ticket-id="T-0000"]')).toBeNull(); // scrolled away from the top
    await key("j");
    expect(selected()).toBe("T-0999");
  });

  it("j and k cross a page boundary", async () => {
    rows = many(1000);
    await mount();
    const list = byId("ticket-list")!;
    list.scrollTop = 190 * 80;
    list.dispatchEvent(new Event("scroll"));
    await until(() => $('[data-ticket-id="T-0197"]'));
    $('[data-ticket-id="T-0197"]')!.click();
    await until(() => selected() === "T-0197");
    for (let i = 0; i < 5; i++) await key("j");
    expect(selected()).toBe("T-0202");
    expect(a().listTickets).toHaveBeenCalledWith(expect.objectContaining({ offset: 200, limit: 200 }));
    await key("k");
    await key("k");
    await key("k");
    expect(selected()).toBe("T-0199");
  });

  it("loads the page for rows scrolled to, far from the start", async () => {
    rows = many(5000);
    await mount();
    const list = byId("ticket-list")!;
    list.scrollTop = 3000 * 80;
    list.dispatchEvent(new Event("scroll"));
    await until(() => $('[data-ticket-id="T-3000"]'));
    const offsets = a().listTickets.mock.calls.map((c) => c[0].offset);
    expect(offsets).toContain(3000);
    expect(offsets).not.toContain(1000); // pages in between are not fetched
  });
});

describe("Spam and Trash", () => {
  it("are in the sidebar with their counts and list their view", async () => {
    await mount();
    const spam = $('[data-testid="status-filter"][data-status="spam"]')!;
    const trash = $('[data-testid="status-filter"][data-status="trash"]')!;
    expect(spam.textContent).toContain("Spam");
    expect(spam.querySelector(".filter-count")!.textContent).toBe("4");
    expect(trash.querySelector(".filter-count")!.textContent).toBe("2");
    rows = [row("T-9", { deletedAt: "2026-11-25T11:00:00Z" })];
    trash.click();
    await until(() => $('[data-ticket-id="T-9"]'));
    expect(lastQuery().status).toBe("trash");
    expect($("h1")!.textContent).toContain("Trash");
  });
});

describe("filter chips and sort", () => {
  it("pick a tag, a priority and a site, show them as chips, remove them, and sort", async () => {
    await mount();
    await until(() => ($('[data-testid="filter-tag"]') as HTMLSelectElement).options.length > 2);
    choose('[data-testid="filter-tag"]', "order");
    await settle();
    expect(lastQuery()).toMatchObject({ tag: "order", priority: null, offset: 0 });
    choose('[data-testid="filter-priority"]', "urgent");
    await settle();
    choose('[data-testid="filter-site"]', "Shop");
    await settle();
    expect(lastQuery()).toMatchObject({ status: "open", tag: "order", priority: "urgent", site: "Shop" });
    const chips = $$('[data-testid="filter-chip"]');
    expect(chips.map((c) => c.dataset.filter)).toEqual(["tag", "priority", "site"]);
    expect(chips[1]!.textContent).toContain("Urgent");
    expect(byId("filter-tag")).toBeNull(); // the chip stands in for its picker
    chips[0]!.querySelector<HTMLElement>('[data-testid="filter-chip-remove"]')!.click();
    await settle();
    expect(lastQuery()).toMatchObject({ tag: null, priority: "urgent", site: "Shop" });
    expect(byId("filter-tag")).not.toBeNull();
    choose('[data-testid="sort-select"]', "priority");
    await settle();
    expect(lastQuery()).toMatchObject({ sort: "priority", priority: "urgent" });
    byId("filter-clear")!.click();
    await settle();
    expect(lastQuery()).toMatchObject({ tag: null, priority: null, site: null, sort: "priority" });
    expect($$('[data-testid="filter-chip"]').length).toBe(0);
  });

  it("FilterBar: asks for the tags again when the tag picker is focused", async () => {
    const onChange = vi.fn();
    act(() => render(<FilterBar filters={NO_FILTERS} onChange={onChange} />, root));
    await settle();
    expect(a().listTags).toHaveBeenCalledTimes(1);
    a().listTags.mockResolvedValue(["gift", "new-tag", "order"]);
    byId("filter-tag")!.dispatchEvent(new FocusEvent("focus"));
    const values = () => [...($('[data-testid="filter-tag"]') as HTMLSelectElement).options].map((o) => o.value);
    await until(() => values().includes("new-tag"));
    expect(values()).toEqual(["", "gift", "new-tag", "order"]);
    choose('[data-testid="filter-tag"]', "new-tag");
    expect(onChange).toHaveBeenCalledWith({ ...NO_FILTERS, tag: "new-tag" });
  });
});

describe("the triage keys", () => {
  it("# moves the cursor's ticket to Trash (the list moves on); ! marks the open one spam", async () => {
    a().deleteTicket.mockImplementation(async (id: string) => {
      rows = rows.filter((r) => r.ticketId !== id);
      return row(id, { deletedAt: "2026-11-25T12:00:00Z" });
    });
    await mount();
    await key("j");
    expect(selected()).toBe("T-1");
    await key("#");
    expect(a().deleteTicket).toHaveBeenCalledWith("T-1");
    await until(() => selected() === "T-2");
    expect($('[data-ticket-id="T-1"]')).toBeNull();
    await key("Enter");
    await until(() => byId("ticket-view"));
    a().setSpam.mockImplementation(async (id: string, spam: boolean) => ({ ...row(id), spam }));
    await key("!");
    expect(a().setSpam).toHaveBeenCalledWith("T-2", true);
    await until(() => byId("ticket-not-spam"));
    expect(byId("ticket-spam")).toBeNull();
  });

  it("in Trash the open ticket shows the banner, and # restores it", async () => {
    rows = [row("T-7", { deletedAt: "2026-11-25T11:00:00Z" })];
    a().restoreTicket.mockImplementation(async (id: string) => row(id));
    await mount();
    $('[data-ticket-id="T-7"]')!.click();
    await until(() => byId("trash-banner"));
    expect(byId("ticket-restore")).not.toBeNull();
    expect(byId("ticket-delete")).toBeNull();
    await key("#");
    expect(a().restoreTicket).toHaveBeenCalledWith("T-7");
    expect(a().deleteTicket).not.toHaveBeenCalled();
    await until(() => byId("trash-banner") === null);
  });

  it("B asks first, then blocks the sender and marks the ticket spam", async () => {
    a().setSpam.mockImplementation(async (id: string, spam: boolean) => ({ ...rows.find((r) => r.ticketId === id)!, spam }));
    await mount();
    await key("j");
    await key("B");
    await until(() => byId("block-sheet"));
    expect(a().blockSender).not.toHaveBeenCalled();
    expect(byId("block-sheet")!.textContent).toContain("ana@spam.example");
    // keys belong to the sheet while it is open
    await key("#");
    expect(a().deleteTicket).not.toHaveBeenCalled();
    (byId("block-domain") as HTMLInputElement).click();
    await settle();
    expect(byId("block-confirm")!.textContent).toBe("Block @spam.example");
    byId("block-confirm")!.click();
    await until(() => byId("block-sheet") === null);
    expect(a().blockSender).toHaveBeenCalledWith("@spam.example");
    expect(a().setSpam).toHaveBeenCalledWith("T-1", true);
  });

  it("Esc closes the block sheet without blocking", async () => {
    await mount();
    await key("j");
    await key("B");
    await until(() => byId("block-sheet"));
    await key("Escape");
    expect(byId("block-sheet")).toBeNull();
    expect(a().blockSender).not.toHaveBeenCalled();
  });
});

describe("Merge into…", () => {
  it("M opens the sheet; search, pick with the keyboard, confirm; the target opens", async () => {
    const target = row("T-3", { visitorName: "Ana Target" });
    a().mergeTicket.mockImplementation(async () => detail(target, ["three", "one"]));
    await mount();
    $('[data-ticket-id="T-1"]')!.click();
    await until(() => byId("ticket-view"));
    await key("M");
    await until(() => byId("merge-sheet"));
    const input = byId("merge-search") as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    await until(() => $$('[data-testid="merge-result"]').length > 0);
    // the source itself is never offered
    expect($$('[data-testid="merge-result"]').map((r) => r.dataset.ticketId)).toEqual(["T-2", "T-3"]);
    input.value = "ana";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await until(() => lastQuery().search === "ana");
    expect(lastQuery()).toMatchObject({ status: "all", offset: 0 });
    await key("ArrowDown", input);
    await key("Enter", input);
    await until(() => byId("merge-confirm"));
    expect(byId("merge-warning")!.textContent).toContain("This cannot be undone");
    expect(byId("merge-sheet")!.textContent).toContain("Merge T-1 into T-3");
    expect(a().mergeTicket).not.toHaveBeenCalled();
    byId("merge-confirm")!.click();
    await until(() => byId("merge-sheet") === null);
    expect(a().mergeTicket).toHaveBeenCalledWith("T-1", "T-3");
    expect(byId("ticket-view")!.dataset.ticketId).toBe("T-3");
  });

  it("shows the core's refusal and stays open; Back returns to the search", async () => {
    a().listTickets.mockImplementation(pagedList(() => rows));
    a().mergeTicket.mockRejectedValue({ code: "invalid", message: "cannot merge into a merged ticket" });
    const onMerged = vi.fn();
    act(() => render(<MergeSheet source={rows[0]!} onClose={() => {}} onMerged={onMerged} />, root));
    await until(() => $('[data-testid="merge-result"][data-ticket-id="T-2"]'));
    $('[data-testid="merge-result"][data-ticket-id="T-2"]')!.click();
    await until(() => byId("merge-confirm"));
    byId("merge-confirm")!.click();
    await until(() => byId("merge-error"));
    expect(byId("merge-error")!.textContent).toBe("cannot merge into a merged ticket");
    expect(onMerged).not.toHaveBeenCalled();
    byId("merge-back")!.click();
    await until(() => byId("merge-search"));
    expect(byId("merge-confirm")).toBeNull();
  });

  it("a merged ticket opened by id says where it went, with a button to open it", async () => {
    a().getTicket.mockImplementation(async (id: string) =>
      id === "T-OLD" ? { ...detail(row("T-OLD", { mergedInto: "T-2" })), messages: [] } : detail(rows.find((r) => r.ticketId === id)!),
    );
    history.replaceState(null, "", "/?ticket=T-OLD");
    await mount(() => byId("merged-banner"));
    expect(byId("merged-banner")!.textContent).toContain("Merged into T-2");
    expect(byId("reply-text")).toBeNull(); // nothing to reply to here
    expect(byId("ticket-merge")).toBeNull();
    byId("merged-open")!.click();
    await until(() => byId("ticket-view")?.dataset.ticketId === "T-2");
    expect(byId("merged-banner")).toBeNull();
  });
});

describe("Settings: blocked senders", () => {
  it("lists them, unblocks one, and blocks a domain by hand", async () => {
    const b = (address: string) => ({ address, createdAt: "2026-11-25T10:00:00Z" });
    a().listBlocked.mockResolvedValue([b("ana@spam.example"), b("@junk.example")]);
    a().unblockSender.mockResolvedValue([b("@junk.example")]);
    a().blockSender.mockResolvedValue([b("@junk.example"), b("@more.example")]);
    act(() => render(<BlockedSection />, root));
    await until(() => $$('[data-testid="blocked-row"]').length === 2);
    $('[data-address="ana@spam.example"] [data-testid="unblock"]')!.click();
    await until(() => $$('[data-testid="blocked-row"]').length === 1);
    expect(a().unblockSender).toHaveBeenCalledWith("ana@spam.example");
    const input = byId("block-input") as HTMLInputElement;
    input.value = " @more.example ";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    await settle();
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await until(() => $$('[data-testid="blocked-row"]').length === 2);
    expect(a().blockSender).toHaveBeenCalledWith("@more.example");
    expect(input.value).toBe("");
  });
});
