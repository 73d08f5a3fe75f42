// Where the open ticket went: merged into another (with a button to open that one), or in
// the trash (with Restore, and when it goes for good).
import type { TicketRow } from "../bindings";
import { Icon } from "./Icon";
import { RelTime } from "./RelTime";

export const TRASH_DAYS = 30;

export function TriageBanner(props: { ticket: TicketRow; onOpen: (id: string) => void; onRestore: () => void }) {
  const t = props.ticket;
  if (t.mergedInto) {
    return (
      <div class="banner info" role="status" data-testid="merged-banner" data-merged-into={t.mergedInto}>
        <Icon name="merge" />
        <div>
          <strong>Merged into {t.mergedInto}.</strong> Its messages are part of that ticket now.
        </div>
        <button class="btn small" data-testid="merged-open" onClick={() => props.onOpen(t.mergedInto!)}>
          Open {t.mergedInto}
        </button>
      </div>
    );
  }
  if (t.deletedAt) {
    return (
      <div class="banner warn" role="status" data-testid="trash-banner">
        <Icon name="trash" />
        <div>
          <strong>In Trash</strong> since <RelTime at={t.deletedAt} />. It is removed for good {TRASH_DAYS} days after.
        </div>
        <button class="btn small" data-testid="trash-restore" onClick={props.onRestore}>
          Restore
        </button>
      </div>
    );
  }
  return null;
}
