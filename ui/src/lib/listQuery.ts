// What the list asks list_tickets for: the status view, the search, the triage filters (tag,
// priority, site) and the sort, and whether a changed row still belongs in it. Pure.

import type { Priority, SortBy, StatusFilter, TicketQuery, TicketRow } from "../bindings";
import { isSnoozed } from "./time";

/** The filter chips above the list and the sort control. */
export type ListFilters = {
  tag: string | null;
  priority: Priority | null;
  site: string | null;
  sort: SortBy;
};

export const NO_FILTERS: ListFilters = { tag: null, priority: null, site: null, sort: "updated" };

export const PRIORITIES: Priority[] = ["urgent", "high", "normal", "low"];

export const SORTS: { value: SortBy; label: string }[] = [
  { value: "updated", label: "Updated" },
  { value: "created", label: "Created" },
  { value: "priority", label: "Priority" },
];

export function toQuery(status: StatusFilter, search: string, f: ListFilters, offset: number, limit: number): TicketQuery {
  return { status, search, tag: f.tag, priority: f.priority, site: f.site, sort: f.sort, offset, limit };
}

/** Any chip set (the sort is not a filter). */
export function isFiltered(f: ListFilters): boolean {
  return f.tag !== null || f.priority !== null || f.site !== null;
}

/**
 * Whether `row` still belongs in the list under `status` and `f` (else the list reloads). Spam
 * and Trash show only those; every other view leaves out spam, trashed and merged tickets.
 */
export function rowFits(row: TicketRow, status: StatusFilter, now: Date, f: ListFilters = NO_FILTERS): boolean {
  if (row.mergedInto) return false;
  if (f.tag !== null && !row.tags.includes(f.tag)) return false;
  if (f.priority !== null && row.priority !== f.priority) return false;
  if (f.site !== null && row.site !== f.site) return false;
  if (status === "trash") return row.deletedAt !== null;
  if (row.deletedAt !== null) return false;
  if (status === "spam") return row.spam;
  if (row.spam) return false;
  const snoozed = isSnoozed(row.snoozedUntil, now);
  if (status === "all") return true;
  if (status === "snoozed") return snoozed;
  return row.status === status && !(status === "open" && snoozed);
}
