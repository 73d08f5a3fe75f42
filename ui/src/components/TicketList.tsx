// Middle pane: title, search, health banners and the list in every state (loading, error,
// empty inbox, no search results, rows).
import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import type { AppStatus, TicketRow } from "../bindings";
import type { ApiError } from "../api";
import { Banners } from "./Banners";
import { SearchBox } from "./SearchBox";
import { TicketRowView } from "./TicketRowView";
import type { Filter } from "./Sidebar";

const TITLES: Record<Filter, string> = { open: "Open", pending: "Pending", closed: "Closed", snoozed: "Snoozed", all: "All tickets" };

export function TicketList(props: {
  filter: Filter;
  search: string;
  rows: TicketRow[] | null;
  error: ApiError | null;
  cursor: string | null;
  openId: string | null;
  status: AppStatus | null;
  searchRef: { current: HTMLInputElement | null };
  onSearch: (q: string) => void;
  onOpen: (id: string) => void;
  onRetry: () => void;
  onSettings: () => void;
  empty: ComponentChildren;
}) {
  const { rows, cursor } = props;
  useEffect(() => {
    if (cursor) document.getElementById(`row-${cursor}`)?.scrollIntoView?.({ block: "nearest" });
  }, [cursor]);
  return (
    <section class="list-pane" aria-label="Tickets">
      <header class="pane-head">
        <h1>
          {TITLES[props.filter]}
          {rows && <span class="head-count">{rows.length}</span>}
        </h1>
      </header>
      <div class="list-tools">
        <SearchBox onSearch={props.onSearch} inputRef={props.searchRef} />
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
      ) : rows === null ? (
        <ul class="list loading" aria-busy="true" aria-label="Loading tickets">
          {[0, 1, 2, 3, 4].map((i) => (
            <li class="row skeleton" key={i}>
              <div class="sk sk-a" />
              <div class="sk sk-b" />
            </li>
          ))}
        </ul>
      ) : (
        <div class="list-wrap" data-testid="ticket-list" data-count={rows.length}>
          {rows.length === 0 ? (
            props.search ? (
              <div class="state" data-testid="empty-state">
                <p class="state-title">Nothing matches “{props.search}”.</p>
                <p class="muted">Search looks through visitors, ticket ids and every message.</p>
              </div>
            ) : (
              props.empty
            )
          ) : (
            <ul class="list" role="listbox" aria-label="Tickets" aria-activedescendant={cursor ? `row-${cursor}` : undefined}>
              {rows.map((r) => (
                <TicketRowView
                  key={r.ticketId}
                  row={r}
                  selected={r.ticketId === cursor}
                  open={r.ticketId === props.openId}
                  onOpen={props.onOpen}
                />
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
