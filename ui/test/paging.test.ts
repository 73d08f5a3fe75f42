// The list of any length: page bookkeeping, the virtual window's math, the cursor across
// pages, what belongs in which view, and the triage keys.
import { describe, expect, it } from "vitest";
import { domainOf } from "../src/components/BlockSheet";
import { mergeTargets } from "../src/components/MergeSheet";
import { ticketCount } from "../src/components/TicketList";
import { NO_FILTERS, isFiltered, rowFits, toQuery } from "../src/lib/listQuery";
import { SHORTCUTS, keyAction } from "../src/lib/keys";
import {
  emptyPages,
  findRow,
  indexOfId,
  loadedIds,
  missingPages,
  patchRow,
  rowAt,
  scrollToShow,
  stepCursor,
  visibleRange,
  withPage,
  type Pages,
} from "../src/lib/ticketPages";
import { row } from "./fixtures";

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => row(`T-${from + i}`));
/** total 10 in pages of 4: page 0 = T-0..T-3, page 2 = T-8..T-9 loaded, page 1 not */
const sparse = (): Pages => withPage(withPage(emptyPages(4), 0, ids(0, 4), 10), 2, ids(8, 2), 10);

describe("pages", () => {
  it("finds rows by index and id across loaded pages only", () => {
    const p = sparse();
    expect(rowAt(p, 0)!.ticketId).toBe("T-0");
    expect(rowAt(p, 9)!.ticketId).toBe("T-9");
    expect(rowAt(p, 5)).toBeUndefined();
    expect(rowAt(p, 10)).toBeUndefined();
    expect(indexOfId(p, "T-8")).toBe(8);
    expect(indexOfId(p, "T-5")).toBe(-1);
    expect(indexOfId(p, null)).toBe(-1);
    expect(findRow(p, "T-2")!.ticketId).toBe("T-2");
    expect(loadedIds(p)).toEqual(["T-0", "T-1", "T-2", "T-3", "T-8", "T-9"]);
  });

  it("asks only for the pages a range needs that are neither loaded nor on their way", () => {
    const p = sparse();
    expect(missingPages(p, 0, 10)).toEqual([1]);
    expect(missingPages(p, 0, 10, new Set([1]))).toEqual([]);
    expect(missingPages(p, 0, 4)).toEqual([]);
    expect(missingPages(p, -50, 1000)).toEqual([1]); // clamped to the list
    expect(missingPages(emptyPages(4), 0, 100)).toEqual([]); // total 0: nothing to load
    const fresh = withPage(emptyPages(200), 0, ids(0, 200), 1000);
    expect(missingPages(fresh, 150, 450)).toEqual([1, 2]);
  });

  it("patches the loaded copy of a changed row and leaves others alone", () => {
    const p = sparse();
    const q = patchRow(p, { ...row("T-9"), spam: true });
    expect(rowAt(q, 9)!.spam).toBe(true);
    expect(rowAt(p, 9)!.spam).toBe(false);
    expect(patchRow(p, row("T-5"))).toBe(p);
  });
});

describe("stepCursor", () => {
  it("moves by one, stops at the ends, starts at the top (j) or bottom (k)", () => {
    const p = sparse();
    expect(stepCursor(p, null, 1)).toEqual({ index: 0, id: "T-0" });
    expect(stepCursor(p, null, -1)).toEqual({ index: 9, id: "T-9" });
    expect(stepCursor(p, "T-1", 1)).toEqual({ index: 2, id: "T-2" });
    expect(stepCursor(p, "T-9", 1)).toEqual({ index: 9, id: "T-9" });
    expect(stepCursor(p, "T-0", -1)).toEqual({ index: 0, id: "T-0" });
    expect(stepCursor(emptyPages(), "T-0", 1)).toBeNull();
  });
  it("crosses into a page that is not loaded: the index, no id yet", () => {
    expect(stepCursor(sparse(), "T-3", 1)).toEqual({ index: 4, id: null });
    expect(stepCursor(sparse(), "T-8", -1)).toEqual({ index: 7, id: null });
  });
});

describe("the virtual window", () => {
  it("renders the visible rows plus the overscan, clamped to the list", () => {
    expect(visibleRange(0, 800, 80, 1000, 10)).toEqual({ start: 0, end: 21 });
    expect(visibleRange(8000, 800, 80, 1000, 10)).toEqual({ start: 90, end: 121 });
    expect(visibleRange(79_999, 800, 80, 1000, 10)).toEqual({ start: 989, end: 1000 });
    expect(visibleRange(0, 800, 80, 3, 10)).toEqual({ start: 0, end: 3 });
    expect(visibleRange(500, 800, 80, 0, 10)).toEqual({ start: 0, end: 0 });
  });
  it("scrolls as little as needed to show a row whole", () => {
    expect(scrollToShow(3, 0, 800, 80)).toBe(0); // already visible
    expect(scrollToShow(10, 0, 800, 80)).toBe(80); // just below: its bottom at the edge
    expect(scrollToShow(500, 0, 800, 80)).toBe(500 * 80 + 80 - 800);
    expect(scrollToShow(2, 4000, 800, 80)).toBe(160); // above: its top at the edge
  });
});

describe("which view a ticket belongs in", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  it("keeps spam, trashed and merged tickets out of the ordinary views", () => {
    const spam = row("T-1", { spam: true });
    const trashed = row("T-2", { deletedAt: "2026-11-25T11:00:00Z" });
    const merged = row("T-3", { mergedInto: "T-9" });
    for (const v of ["open", "all"] as const) {
      expect(rowFits(spam, v, now)).toBe(false);
      expect(rowFits(trashed, v, now)).toBe(false);
      expect(rowFits(merged, v, now)).toBe(false);
    }
    expect(rowFits(row("T-4"), "open", now)).toBe(true);
  });
  it("Spam shows spam not in the trash; Trash shows what is deleted; merged is nowhere", () => {
    expect(rowFits(row("T-1", { spam: true }), "spam", now)).toBe(true);
    expect(rowFits(row("T-1"), "spam", now)).toBe(false);
    expect(rowFits(row("T-1", { spam: true, deletedAt: "2026-11-25T11:00:00Z" }), "spam", now)).toBe(false);
    expect(rowFits(row("T-1", { deletedAt: "2026-11-25T11:00:00Z" }), "trash", now)).toBe(true);
    expect(rowFits(row("T-1"), "trash", now)).toBe(false);
    expect(rowFits(row("T-1", { mergedInto: "T-2", deletedAt: "2026-11-25T11:00:00Z" }), "trash", now)).toBe(false);
  });
  it("honours the tag, priority and site chips", () => {
    const t = row("T-1", { tags: ["order"], priority: "high", site: "Shop" });
    expect(rowFits(t, "open", now, { ...NO_FILTERS, tag: "order" })).toBe(true);
    expect(rowFits(t, "open", now, { ...NO_FILTERS, tag: "gift" })).toBe(false);
    expect(rowFits(t, "open", now, { ...NO_FILTERS, priority: "urgent" })).toBe(false);
    expect(rowFits(t, "open", now, { ...NO_FILTERS, site: "Other" })).toBe(false);
    expect(rowFits(t, "open", now, { ...NO_FILTERS, sort: "priority" })).toBe(true);
  });
  it("builds the query list_tickets takes", () => {
    const f = { tag: "order", priority: "urgent" as const, site: null, sort: "priority" as const };
    expect(toQuery("spam", "ana", f, 400, 200)).toEqual({
      status: "spam", search: "ana", tag: "order", priority: "urgent", site: null, sort: "priority", offset: 400, limit: 200,
    });
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, sort: "created" })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, site: "Shop" })).toBe(true);
  });
});

describe("triage keys and helpers", () => {
  it.each([
    ["#", { type: "trash" }],
    ["!", { type: "spam" }],
    ["B", { type: "block" }],
    ["M", { type: "merge" }],
    ["b", null],
    ["m", null],
  ])("%s", (key, want) => expect(keyAction({ key }, false)).toEqual(want));

  it("are not taken while typing, and the ? sheet lists each of them", () => {
    expect(keyAction({ key: "#" }, true)).toBeNull();
    expect(keyAction({ key: "M" }, true)).toBeNull();
    const listed = SHORTCUTS.map((s) => s.keys.join("+"));
    for (const k of ["#", "!", "Shift+B", "Shift+M"]) expect(listed).toContain(k);
    // every key in the sheet is unique
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("offers the sender's domain, and never the source or a merged ticket as a merge target", () => {
    expect(domainOf("Ana@Example.COM")).toBe("@example.com");
    expect(domainOf("nobody")).toBeNull();
    expect(domainOf("trailing@")).toBeNull();
    const rows = [row("T-1"), row("T-2", { mergedInto: "T-3" }), row("T-3")];
    expect(mergeTargets(rows, "T-1").map((r) => r.ticketId)).toEqual(["T-3"]);
  });

  it("counts tickets in words", () => {
    expect(ticketCount(1)).toBe("1 ticket");
    expect(ticketCount(12345)).toBe("12,345 tickets");
  });
});
