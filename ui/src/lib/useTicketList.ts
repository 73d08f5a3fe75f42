// The list's loading: list_tickets a page at a time (PAGE_SIZE rows by offset) for the rows
// in view and near the cursor, a fresh start when the query changes, and a reload that
// refetches only the pages in view and keeps the cursor on its ticket (or the one that took
// its place). Answers to an older query or an older reload are dropped.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { StatusFilter, TicketRow } from "../bindings";
import { api, toApiError, type ApiError } from "../api";
import { keepCursor } from "./keys";
import { toQuery, type ListFilters } from "./listQuery";
import {
  PAGE_SIZE,
  PREFETCH,
  emptyPages,
  findRow,
  indexOfId,
  loadedIds,
  missingPages,
  patchRow,
  rowAt,
  stepCursor,
  withPage,
  type Pages,
} from "./ticketPages";

export type TicketListOptions = {
  enabled: boolean;
  status: StatusFilter;
  search: string;
  filters: ListFilters;
  /** the cursor now, and where it goes when a reload finds nothing better (the open ticket) */
  cursor: () => string | null;
  fallback: () => string | null;
  setCursor: (id: string | null) => void;
  /** a later page failed (the first page's failure shows as the list's error instead) */
  onError: (e: ApiError) => void;
};

export function useTicketList(opts: TicketListOptions) {
  const [pages, setPagesState] = useState<Pages | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const o = useRef(opts);
  o.current = opts;
  const current = useRef<Pages | null>(null);
  const gen = useRef(0);
  const inFlight = useRef(new Set<number>());
  const view = useRef({ start: 0, end: 0 });
  // j/k reached a row whose page is on its way: the cursor lands there when it arrives
  const wanted = useRef<number | null>(null);

  const set = (p: Pages | null) => {
    current.current = p;
    setPagesState(p);
  };
  const fetchPage = (n: number) => {
    const { status, search, filters } = o.current;
    return api.listTickets(toQuery(status, search, filters, n * PAGE_SIZE, PAGE_SIZE));
  };
  const land = () => {
    const p = current.current;
    if (wanted.current === null || !p) return;
    const row = rowAt(p, wanted.current);
    if (row) {
      wanted.current = null;
      o.current.setCursor(row.ticketId);
    }
  };
  const loadRange = useCallback((start: number, end: number) => {
    const p = current.current;
    if (!p) return;
    const g = gen.current;
    for (const n of missingPages(p, start - PREFETCH, end + PREFETCH, inFlight.current)) {
      inFlight.current.add(n);
      fetchPage(n).then(
        (page) => {
          if (g !== gen.current || !current.current) return;
          inFlight.current.delete(n);
          set(withPage(current.current, n, page.tickets, page.total));
          land();
        },
        (e) => {
          if (g !== gen.current) return;
          inFlight.current.delete(n);
          o.current.onError(toApiError(e));
        },
      );
    }
  }, []);

  /** The rows [start, end) are in view: load what they (and a margin) need. */
  const showRange = useCallback((start: number, end: number) => {
    view.current = { start, end };
    loadRange(start, end);
  }, [loadRange]);

  const load = useCallback(async (fresh: boolean) => {
    const g = ++gen.current;
    inFlight.current = new Set();
    wanted.current = null;
    const before = current.current;
    if (fresh) view.current = { start: 0, end: 0 };
    const want = new Set<number>([0]);
    if (!fresh && before) {
      const { start, end } = view.current;
      for (let n = Math.floor(start / PAGE_SIZE); n * PAGE_SIZE < end; n++) want.add(n);
      const at = indexOfId(before, o.current.cursor());
      if (at !== -1) want.add(Math.floor(at / PAGE_SIZE));
    }
    const numbers = [...want].sort((a, b) => a - b);
    try {
      const answers = await Promise.all(numbers.map(fetchPage));
      if (g !== gen.current) return;
      let next = emptyPages();
      answers.forEach((a, i) => (next = withPage(next, numbers[i]!, a.tickets, a.total)));
      next = { ...next, total: answers[answers.length - 1]!.total };
      setError(null);
      const c = o.current;
      c.setCursor(keepCursor(before ? loadedIds(before) : [], loadedIds(next), c.cursor()) ?? c.fallback());
      set(next);
      loadRange(view.current.start, view.current.end);
    } catch (e) {
      if (g === gen.current) setError(toApiError(e));
    }
  }, [loadRange]);

  const { enabled, status, search, filters } = opts;
  useEffect(() => {
    if (enabled) load(true);
  }, [enabled, status, search, filters.tag, filters.priority, filters.site, filters.sort]);

  /** j/k: the next or previous row, across page boundaries (loading the page when needed). */
  const move = useCallback((delta: 1 | -1) => {
    const p = current.current;
    if (!p) return;
    const step = stepCursor(p, o.current.cursor(), delta);
    if (!step) return;
    if (step.id) {
      wanted.current = null;
      o.current.setCursor(step.id);
    } else wanted.current = step.index;
    loadRange(step.index, step.index + 1);
  }, [loadRange]);

  const patch = useCallback((row: TicketRow) => {
    if (current.current) set(patchRow(current.current, row));
  }, []);
  const markRead = useCallback((id: string) => {
    const p = current.current;
    const row = p && findRow(p, id);
    if (row && row.unread) set(patchRow(p, { ...row, unread: false }));
  }, []);

  return { pages, error, reload: () => load(false), showRange, move, patch, markRead };
}
