// The list when a filter has no tickets: "all caught up" for a working inbox, a short
// explanation of where tickets come from for a brand-new one.
import type { Counts } from "../bindings";
import { Icon } from "./Icon";
import type { Filter } from "./Sidebar";

export function EmptyInbox({ filter, counts, onSettings }: { filter: Filter; counts: Counts | null; onSettings: () => void }) {
  const total = counts ? counts.open + counts.pending + counts.closed + counts.snoozed : 0;
  if (total === 0 && filter !== "spam" && filter !== "trash") {
    return (
      <div class="state" data-testid="empty-state" data-empty="new">
        <Icon name="inbox" size={30} class="state-icon" />
        <p class="state-title">No tickets yet</p>
        <p class="muted">
          When a visitor writes through your website's contact button, or emails you about a ticket, it shows up here — and you
          get a desktop notification.
        </p>
        <button class="btn" onClick={onSettings}>
          Get the website snippet
        </button>
      </div>
    );
  }
  const text: Record<Filter, [string, string]> = {
    open: ["All caught up", "No open tickets. Enjoy the quiet — new ones will ring the bell."],
    pending: ["Nothing pending", "Tickets waiting for the visitor's answer show up here."],
    closed: ["Nothing closed yet", "Close a ticket with e once it is solved."],
    snoozed: ["Nothing snoozed", "Snooze a ticket with z: it leaves Open and comes back by itself."],
    spam: ["No spam", "Tickets you mark as spam (!) and mail from blocked senders land here, silently."],
    trash: ["Trash is empty", "Deleted tickets (#) wait here for 30 days; restore one with #."],
    all: ["No tickets", ""],
  };
  const [title, sub] = text[filter];
  return (
    <div class="state" data-testid="empty-state" data-empty={filter}>
      <Icon name="check" size={30} class="state-icon good" />
      <p class="state-title">{title}</p>
      {sub && <p class="muted">{sub}</p>}
    </div>
  );
}
