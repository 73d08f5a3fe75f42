// Right pane: the open ticket. Header with status and priority controls and tags, the visitor
// card with their history, the conversation, and the composer pinned to the bottom.
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { CannedReply, Priority, Status, TicketDetail } from "../bindings";
import type { ApiError } from "../api";
import { BounceBanners } from "./BounceBanner";
import { Composer, type ComposeMode } from "./Composer";
import { Icon } from "./Icon";
import { SnoozeMenu } from "./SnoozeMenu";
import { useEnv, useNow } from "../context";
import { isSnoozed, wakeTime } from "../lib/time";
import type { TriageKey } from "../lib/inboxKeys";
import { TagsEditor } from "./TagsEditor";
import { TicketActions } from "./TicketActions";
import { TriageBanner } from "./TriageBanner";
import { ThreadEntryView } from "./ThreadEntryView";
import { VisitorCard } from "./VisitorCard";

export function ThreadView(props: {
  detail: TicketDetail | null;
  loading: boolean;
  /** the list has no tickets at all: nothing to pick */
  listEmpty: boolean;
  error: ApiError | null;
  ownerName: string;
  replyRef: { current: HTMLTextAreaElement | null };
  canned: CannedReply[] | null;
  onLoadCanned: () => void;
  onManageCanned: () => void;
  onStatus: (s: Status) => void;
  onPriority: (p: Priority) => void;
  onTags: (t: string[]) => void;
  onSent: (d: TicketDetail) => void;
  composeMode?: ComposeMode;
  onComposeMode?: (m: ComposeMode) => void;
  onNoted?: (d: TicketDetail) => void;
  onOpen: (id: string) => void;
  onRetry: () => void;
  /** sends failed mail again (the bounce banner's Resend) */
  onResend?: (mailId: number) => void;
  onShowFailed?: () => void;
  resending?: boolean;
  /** the Snooze menu (key z) is open */
  snoozeOpen?: boolean;
  onSnoozeOpen?: (open: boolean) => void;
  onSnooze?: (until: string) => void;
  onUnsnooze?: () => void;
  /** Delete/Restore, Spam, Block sender, Merge (the same as the keys # ! B M) */
  onTriage?: (key: TriageKey) => void;
}) {
  const { detail } = props;
  const { timezone } = useEnv();
  const now = useNow();
  const scroller = useRef<HTMLDivElement>(null);
  const count = detail?.messages.length ?? 0;
  const lastId = useRef<string | null>(null);
  const nearBottom = useRef(true);

  // A new ticket opens at its newest entry; a live reply scrolls in only if the owner was
  // already reading the end (never yank them away from what they are reading).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !detail) return;
    const switched = lastId.current !== detail.ticket.ticketId;
    lastId.current = detail.ticket.ticketId;
    if (switched || nearBottom.current) el.scrollTop = el.scrollHeight;
  }, [detail?.ticket.ticketId, count]);
  useEffect(() => {
    nearBottom.current = true;
  }, [detail?.ticket.ticketId]);

  if (props.error && !detail) {
    return (
      <section class="thread-pane" aria-label="Ticket">
        <div class="state" role="alert">
          <p class="state-title">This ticket could not be opened.</p>
          <p class="muted">{props.error.message}</p>
          <button class="btn" onClick={props.onRetry}>
            Try again
          </button>
        </div>
      </section>
    );
  }
  if (!detail) {
    return (
      <section class="thread-pane" aria-label="Ticket">
        {props.loading ? (
          <div class="state" aria-busy="true">
            <div class="spinner" aria-label="Loading" />
          </div>
        ) : props.listEmpty ? (
          <div class="state quiet">
            <Icon name="bell" size={28} class="state-icon" />
            <p class="state-title">Nothing to read</p>
            <p class="muted">Deskbell keeps watching in the tray, even with this window closed.</p>
          </div>
        ) : (
          <div class="state quiet">
            <Icon name="inbox" size={28} class="state-icon" />
            <p class="state-title">No ticket open</p>
            <p class="muted">
              Pick one from the list, or move with <kbd>j</kbd> <kbd>k</kbd> and press <kbd>Enter</kbd>.
            </p>
          </div>
        )}
      </section>
    );
  }
  const t = detail.ticket;
  const onTriage = props.onTriage ?? (() => {});
  const title = firstWords(detail.issue || t.firstLine) || "(no subject)";
  return (
    <section class="thread-pane" aria-label="Ticket" data-testid="ticket-view" data-ticket-id={t.ticketId}>
      <header class="thread-head">
        <div class="thread-title">
          <h2 title={title}>{title}</h2>
          <div class="thread-meta muted small">
            <span class="selectable">{t.ticketId}</span>
            <span aria-hidden="true">·</span>
            <span class="ellipsis">{t.channel === "web" ? `Website${t.site ? ` · ${t.site}` : ""}` : "Email"}</span>
            {t.spam && <span class="prio spam">marked as spam</span>}
            {t.snoozedUntil && isSnoozed(t.snoozedUntil, now) && (
              <span class="snoozed-until" data-testid="snoozed-until" title={t.snoozedUntil}>
                Snoozed until {wakeTime(t.snoozedUntil, now, timezone)}
              </span>
            )}
          </div>
        </div>
        <div class="controls">
          <label class="control" title="Status">
            <span class={`status-dot ${t.status}`} aria-hidden="true" />
            <span class="sr">Status</span>
            <select
              data-testid="status-select"
              value={t.status}
              onChange={(e) => props.onStatus((e.currentTarget as HTMLSelectElement).value as Status)}
            >
              <option value="open">Open</option>
              <option value="pending">Pending</option>
              <option value="closed">Closed</option>
            </select>
          </label>
          <label class="control" title="Priority">
            <span class="sr">Priority</span>
            <select
              data-testid="priority-select"
              value={t.priority}
              onChange={(e) => props.onPriority((e.currentTarget as HTMLSelectElement).value as Priority)}
            >
              <option value="low">Low</option>
              <option value="normal">Normal</option>
              <option value="high">High</option>
              <option value="urgent">Urgent</option>
            </select>
          </label>
          <SnoozeMenu
            ticket={t}
            open={props.snoozeOpen ?? false}
            onOpenChange={props.onSnoozeOpen ?? (() => {})}
            onSnooze={props.onSnooze ?? (() => {})}
            onUnsnooze={props.onUnsnooze ?? (() => {})}
          />
          {t.status !== "closed" && (
            <button class="btn small" onClick={() => props.onStatus("closed")} title="Close ticket (e)" data-testid="close-ticket">
              <Icon name="check" size={14} /> Close <kbd class="hint">e</kbd>
            </button>
          )}
        </div>
      </header>
      <div class="thread-tags">
        <TagsEditor tags={t.tags} onChange={props.onTags} />
        <TicketActions ticket={t} onAction={onTriage} />
      </div>
      <div class="thread-banners">
        <TriageBanner ticket={t} onOpen={props.onOpen} onRestore={() => onTriage("trash")} />
      </div>
      <BounceBanners detail={detail} busy={props.resending} onResend={props.onResend ?? (() => {})} onShowFailed={props.onShowFailed} />
      <div
        class="thread-scroll"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget as HTMLDivElement;
          nearBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        <div class="thread-inner">
          <VisitorCard detail={detail} onOpen={props.onOpen} />
          <section class="thread" data-testid="thread" aria-label="Conversation">
            {detail.messages.map((m, i) => (
              <ThreadEntryView key={m.id ?? `first-${i}`} entry={m} visitorName={t.visitorName} ownerName={props.ownerName} />
            ))}
          </section>
        </div>
      </div>
      {!t.mergedInto && <Composer
        ticketId={t.ticketId}
        to={t.visitorName ? `${t.visitorName} <${t.visitorEmail}>` : t.visitorEmail}
        textRef={props.replyRef}
        canned={props.canned}
        onLoadCanned={props.onLoadCanned}
        onManageCanned={props.onManageCanned}
        onSent={props.onSent}
        mode={props.composeMode}
        onMode={props.onComposeMode}
        onNoted={props.onNoted}
      />}
    </section>
  );
}

function firstWords(s: string): string {
  const line = s.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 120 ? line.slice(0, 117) + "…" : line;
}
