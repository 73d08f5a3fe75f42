// The open ticket's Snooze menu (key z): the core's quick picks in the owner's zone ("Later
// today", "Tomorrow morning", "Next week"), and Unsnooze when the ticket is snoozed. A snoozed
// ticket leaves Open and comes back by itself, or at once when the visitor writes.
import { useEffect, useState } from "preact/hooks";
import type { SnoozeChoice, TicketRow } from "../bindings";
import { api, toApiError } from "../api";
import { useNow } from "../context";
import { isSnoozed } from "../lib/time";
import { Icon } from "./Icon";

export function SnoozeMenu(props: {
  ticket: TicketRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSnooze: (until: string) => void;
  onUnsnooze: () => void;
}) {
  const now = useNow();
  const [choices, setChoices] = useState<SnoozeChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Fresh picks each time it opens: "Later today" depends on the hour.
  useEffect(() => {
    if (!props.open) return;
    setChoices(null);
    setError(null);
    let gone = false;
    api.snoozeChoices().then(
      (c) => !gone && setChoices(c),
      (e) => !gone && setError(toApiError(e).message),
    );
    return () => {
      gone = true;
    };
  }, [props.open]);
  const snoozed = isSnoozed(props.ticket.snoozedUntil, now);
  return (
    <div class="snooze">
      <button
        class="btn small"
        data-testid="snooze-button"
        aria-haspopup="menu"
        aria-expanded={props.open ? "true" : "false"}
        title="Snooze: hide it from Open until a time (z)"
        onClick={() => props.onOpenChange(!props.open)}
      >
        <Icon name="moon" size={14} /> Snooze <kbd class="hint">z</kbd>
      </button>
      {props.open && (
        <div class="snooze-menu" role="menu" data-testid="snooze-menu" aria-label="Snooze until">
          {error && (
            <p class="muted small" role="alert">
              {error}
            </p>
          )}
          {!error && choices === null && <p class="muted small">Loading…</p>}
          {choices?.map((c) => (
            <button
              key={c.key}
              role="menuitem"
              class="menu-item"
              data-testid="snooze-choice"
              data-key={c.key}
              title={c.until}
              onClick={() => props.onSnooze(c.until)}
            >
              <span>{c.label}</span>
              <span class="muted small">{c.at}</span>
            </button>
          ))}
          {snoozed && (
            <button role="menuitem" class="menu-item" data-testid="unsnooze" onClick={props.onUnsnooze}>
              Unsnooze
            </button>
          )}
        </div>
      )}
    </div>
  );
}
