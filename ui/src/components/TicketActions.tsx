// The thread toolbar's triage buttons, each with its key: Delete (#) or Restore in Trash,
// Mark spam / Not spam (!), Block sender (B, asks first), Merge into… (M, asks first).
import type { TicketRow } from "../bindings";
import type { TriageKey } from "../lib/inboxKeys";
import { Icon } from "./Icon";

export function TicketActions(props: { ticket: TicketRow; onAction: (key: TriageKey) => void }) {
  const t = props.ticket;
  if (t.mergedInto) return null;
  return (
    <div class="ticket-actions" role="toolbar" aria-label="Ticket actions">
      {t.deletedAt ? (
        <button class="btn small ghost" data-testid="ticket-restore" title="Restore from Trash (#)" onClick={() => props.onAction("trash")}>
          <Icon name="undo" size={14} /> Restore <kbd class="hint">#</kbd>
        </button>
      ) : (
        <button class="btn small ghost" data-testid="ticket-delete" title="Delete: move to Trash (#)" onClick={() => props.onAction("trash")}>
          <Icon name="trash" size={14} /> Delete <kbd class="hint">#</kbd>
        </button>
      )}
      <button
        class="btn small ghost"
        data-testid={t.spam ? "ticket-not-spam" : "ticket-spam"}
        title={t.spam ? "Not spam: back to the inbox (!)" : "Mark as spam (!)"}
        onClick={() => props.onAction("spam")}
      >
        <Icon name="alert" size={14} /> {t.spam ? "Not spam" : "Spam"} <kbd class="hint">!</kbd>
      </button>
      <button
        class="btn small ghost"
        data-testid="ticket-block"
        title="Block the sender: later mail goes to Spam (Shift+B)"
        disabled={!t.visitorEmail}
        onClick={() => props.onAction("block")}
      >
        <Icon name="ban" size={14} /> Block <kbd class="hint">B</kbd>
      </button>
      <button class="btn small ghost" data-testid="ticket-merge" title="Merge into another ticket (Shift+M)" onClick={() => props.onAction("merge")}>
        <Icon name="merge" size={14} /> Merge… <kbd class="hint">M</kbd>
      </button>
    </div>
  );
}
