// One dense list row: unread mark, status dot, visitor, age, first line, tags.
// In the virtual list every row has the same height (ROW_HEIGHT; styles.css .vlist .row).
import type { TicketRow } from "../bindings";
import { useEnv, useNow } from "../context";
import { isSnoozed, wakeTime } from "../lib/time";
import { RelTime } from "./RelTime";

export const ROW_HEIGHT = 80;

export function TicketRowView(props: {
  row: TicketRow;
  selected: boolean;
  open: boolean;
  onOpen: (id: string) => void;
  /** in a virtual list: its place (0-based), the list's length and its offset in px */
  place?: { index: number; total: number; top: number };
}) {
  const { row } = props;
  const { timezone } = useEnv();
  const now = useNow();
  const snoozedUntil = row.snoozedUntil && isSnoozed(row.snoozedUntil, now) ? row.snoozedUntil : null;
  const cls = ["row", row.unread && "unread", props.selected && "selected", props.open && "open-row"]
    .filter(Boolean)
    .join(" ");
  return (
    <li
      class={cls}
      data-testid="ticket-row"
      data-ticket-id={row.ticketId}
      data-status={row.status}
      aria-selected={props.selected ? "true" : "false"}
      role="option"
      id={`row-${row.ticketId}`}
      aria-posinset={props.place ? props.place.index + 1 : undefined}
      aria-setsize={props.place?.total}
      style={props.place ? { top: `${props.place.top}px` } : undefined}
      onClick={() => props.onOpen(row.ticketId)}
    >
      <span class="unread-mark" aria-label={row.unread ? "unread" : undefined} />
      <div class="row-main">
        <div class="row-top">
          <span class={`status-dot ${row.status}`} title={row.status} aria-label={`status ${row.status}`} />
          <span class="row-name">{row.visitorName || row.visitorEmail || "Unknown visitor"}</span>
          {(row.priority === "high" || row.priority === "urgent") && (
            <span class={`prio ${row.priority}`}>{row.priority}</span>
          )}
          {row.spam && <span class="prio spam">spam</span>}
          {snoozedUntil ? (
            <span class="row-age" data-testid="row-snoozed" title={`Snoozed until ${wakeTime(snoozedUntil, now, timezone)}`}>
              until {wakeTime(snoozedUntil, now, timezone)}
            </span>
          ) : (
            <RelTime at={row.updatedAt} class="row-age" />
          )}
        </div>
        <div class="row-line">{row.firstLine || <em>(no text)</em>}</div>
        {(row.tags.length > 0 || row.site) && (
          <div class="row-meta">
            {row.tags.map((t) => (
              <span class="tag" key={t}>
                {t}
              </span>
            ))}
            <span class="row-src">{row.channel === "email" ? "email" : row.site ?? "web"}</span>
          </div>
        )}
      </div>
    </li>
  );
}
