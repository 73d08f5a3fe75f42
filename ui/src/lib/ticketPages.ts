// The ticket list of any length: which pages of list_tickets are loaded, which rows the
// window shows (a fixed row height, only the visible rows plus a margin), and the cursor's
// moves across page boundaries. Pure; useTicketList.ts does the loading.

import type { TicketRow } from "../bindings";

/** Rows per list_tickets call (the core allows at most 500). */
export const PAGE_SIZE = 200;
/** Rows rendered above and below the visible ones. */
export const OVERSCAN = 10;
/** How close (in rows) the cursor or the view may come to an unloaded page before it loads. */
export const PREFETCH = 50;

/** The loaded pages of one query; `total` is how many tickets match it in all. */
export type Pages = {
  readonly total: number;
  readonly size: number;
  readonly pages: ReadonlyMap<number, readonly TicketRow[]>;
};

export function emptyPages(size = PAGE_SIZE): Pages {
  return { total: 0, size, pages: new Map() };
}

/** `p` with page `page` set to `rows`; `total` as the newest answer says. */
export function withPage(p: Pages, page: number, rows: readonly TicketRow[], total: number): Pages {
  const pages = new Map(p.pages);
  pages.set(page, rows);
  return { total, size: p.size, pages };
}

export function rowAt(p: Pages, index: number): TicketRow | undefined {
  if (index < 0 || index >= p.total) return undefined;
  return p.pages.get(Math.floor(index / p.size))?.[index % p.size];
}

/** The row's index among all matching tickets, or -1 when it is not loaded. */
export function indexOfId(p: Pages, id: string | null): number {
  if (id === null) return -1;
  for (const [n, rows] of p.pages) {
    const i = rows.findIndex((r) => r.ticketId === id);
    if (i !== -1) return n * p.size + i;
  }
  return -1;
}

export function findRow(p: Pages, id: string | null): TicketRow | undefined {
  return rowAt(p, indexOfId(p, id));
}

/** The loaded ticket ids in list order (what keepCursor compares across a reload). */
export function loadedIds(p: Pages): string[] {
  return [...p.pages.keys()].sort((a, b) => a - b).flatMap((n) => p.pages.get(n)!.map((r) => r.ticketId));
}

/** The pages rows [start, end) need that are neither loaded nor on their way, in order. */
export function missingPages(p: Pages, start: number, end: number, inFlight: ReadonlySet<number> = new Set()): number[] {
  const last = Math.min(end, p.total) - 1;
  if (last < 0 || start > last) return [];
  const out: number[] = [];
  for (let n = Math.floor(Math.max(0, start) / p.size); n <= Math.floor(last / p.size); n++) {
    if (!p.pages.has(n) && !inFlight.has(n)) out.push(n);
  }
  return out;
}

/** Replaces the loaded copy of `row` (the same ticket, changed by an action). */
export function patchRow(p: Pages, row: TicketRow): Pages {
  let changed = false;
  const pages = new Map<number, readonly TicketRow[]>();
  for (const [n, rows] of p.pages) {
    const i = rows.findIndex((r) => r.ticketId === row.ticketId);
    if (i === -1) pages.set(n, rows);
    else {
      changed = true;
      pages.set(n, rows.map((r, j) => (j === i ? row : r)));
    }
  }
  return changed ? { ...p, pages } : p;
}

/**
 * Where j/k take the cursor: the index (clamped to the list) and the ticket there, or null
 * when that page is not loaded yet. Nothing selected: j starts at the top, k at the bottom.
 */
export function stepCursor(p: Pages, cursor: string | null, delta: 1 | -1): { index: number; id: string | null } | null {
  if (p.total === 0) return null;
  const i = indexOfId(p, cursor);
  const index = i === -1 ? (delta === 1 ? 0 : p.total - 1) : Math.min(p.total - 1, Math.max(0, i + delta));
  return { index, id: rowAt(p, index)?.ticketId ?? null };
}

/** The rows to render, [start, end), for a scroll position; `overscan` rows either side. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = OVERSCAN,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewport) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.min(total, first + shown + overscan);
  return { start, end: Math.max(start, end) };
}

/** The scroll position that shows row `index` whole, moving as little as possible. */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return Math.max(0, top + rowHeight - viewport);
  return scrollTop;
}
