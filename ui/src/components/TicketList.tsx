// Middle pane: title and count, search, filter chips and sort, health banners and the list in
// every state (loading, error, empty inbox, nothing matches, rows). The rows are a virtual
// list over the loaded pages; rows whose page is still on its way show as placeholders.
import type { ComponentChildren } from "preact";
import type { AppStatus } from "../bindings";
import type { ApiError } from "../api";
import { isFiltered, type ListFilters } from "../lib/listQuery";
import { indexOfId, rowAt, type Pages } from "../lib/ticketPages";
import { Banners } from "./Banners";
import { FilterBar } from "./FilterBar";
import { SearchBox } from "./SearchBox";
import { SortControl } from "./SortControl";
import { ROW_HEIGHT, TicketRowView } from "./TicketRowView";
import { VirtualList } from "./VirtualList";
import type { Filter } from "./Sidebar";

const TITLES: Record<Filter, string> = {
  open: "Open",
  pending: "Pending",
  closed: "Closed",
  snoozed: "Snoozed",
  spam: "Spam",
  trash: "Trash",
  all: "All tickets",
};

export function ticketCount(n: number): string {
  return `${n.toLocaleString("en-GB")} ${n === 1 ? "ticket" : "tickets"}`;
}

export function TicketList(props: {
  filter: Filter;
  search: string;
  filters: ListFilters;
  onFilters: (f: ListFilters) => void;
  pages: Pages | null;
  error: ApiError | null;
  cursor: string | null;
  openId: string | null;
  status: AppStatus | null;
  searchRef: { current: HTMLInputElement | null };
  onSearch: (q: string) => void;
  onOpen: (id: string) => void;
  onRange: (start: number, end: number) => void;
  onRetry: () => void;
  onSettings: () => void;
  empty: ComponentChildren;
}) {
  const { pages, cursor, filters } = props;
  const resetKey = JSON.stringify([props.filter, props.search, filters]);
  return (
    <section class="list-pane" aria-label="Tickets">
      <header class="pane-head">
        <h1>
          {TITLES[props.filter]}
          {pages && (
            <span class="head-count" data-testid="ticket-total" data-total={pages.total}>
              {ticketCount(pages.total)}
            </span>
          )}
        </h1>
        <SortControl sort={filters.sort} onChange={(sort) => props.onFilters({ ...filters, sort })} />
      </header>
      <div class="list-tools">
        <SearchBox onSearch={props.onSearch} inputRef={props.searchRef} />
        <FilterBar filters={filters} onChange={props.onFilters} />
      </div>
      <Banners status={props.status} onSettings={props.onSettings} />
      {props.error ? (
        <div class="state" role="alert" data-testid="list-error">
          <p class="state-title">The tickets could not be loaded.</p>
          <p class="muted">{props.error.message}</p>
          <button class="btn" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      ) : pages === null ? (
        <ul class="list loading" aria-busy="true" aria-label="Loading tickets">
          {[0, 1, 2, 3, 4].map((i) => (
            <li class="row skeleton" key={i}>
              <div class="sk sk-a" />
              <div class="sk sk-b" />
            </li>
          ))}
        </ul>
      ) : pages.total === 0 ? (
        <div class="list-wrap" data-testid="ticket-list" data-count={0}>
          {props.search || isFiltered(filters) ? (
            <div class="state" data-testid="empty-state" data-empty="no-match">
              <p class="state-title">{props.search ? `Nothing matches “${props.search}”.` : "No tickets match these filters."}</p>
              <p class="muted">Search looks through visitors, ticket ids and every message; the chips above narrow it further.</p>
              {isFiltered(filters) && (
                <button class="btn" data-testid="filter-clear-empty" onClick={() => props.onFilters({ ...filters, tag: null, priority: null, site: null })}>
                  Clear the filters
                </button>
              )}
            </div>
          ) : (
            props.empty
          )}
        </div>
      ) : (
        <VirtualList
          testid="ticket-list"
          label="Tickets"
          total={pages.total}
          rowHeight={ROW_HEIGHT}
          focusIndex={indexOfId(pages, cursor)}
          resetKey={resetKey}
          onRange={props.onRange}
          activeDescendant={cursor ? `row-${cursor}` : undefined}
          row={(i, top) => {
            const r = rowAt(pages, i);
            if (!r) {
              return (
                <li class="row skeleton" key={`i-${i}`} style={{ top: `${top}px` }} aria-hidden="true" data-testid="row-loading">
                  <div class="sk sk-a" />
                  <div class="sk sk-b" />
                </li>
              );
            }
            return (
              <TicketRowView
                key={r.ticketId}
                row={r}
                selected={r.ticketId === cursor}
                open={r.ticketId === props.openId}
                onOpen={props.onOpen}
                place={{ index: i, total: pages.total, top }}
              />
            );
          }}
        />
      )}
    </section>
  );
}
