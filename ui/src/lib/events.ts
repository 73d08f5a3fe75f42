// What a "deskbell:event" makes the window reload. Pure: event + the open ticket in, a
// Refresh out. Refreshes arriving together (an import of 20 mails) are merged into one round.

import type { DeskbellEvent } from "../api";

export interface Refresh {
  list: boolean;
  counts: boolean;
  /** reload the open ticket's thread */
  thread: boolean;
  /** reload AppStatus (queued/failed mail, sync), MailStatus (budget, failed mail) and the tunnel */
  status: boolean;
}

export const NOTHING: Refresh = { list: false, counts: false, thread: false, status: false };

export function refreshFor(e: DeskbellEvent, openTicketId: string | null): Refresh {
  const isOpen = "ticket_id" in e && e.ticket_id === openTicketId;
  switch (e.kind) {
    case "ticket_created":
      return { list: true, counts: true, thread: false, status: false };
    case "ticket_updated":
    case "reply_received":
    case "ticket_woke":
      return { list: true, counts: true, thread: isOpen, status: false };
    case "mail_sent":
    case "send_failed":
    case "mail_bounced":
      return { list: false, counts: false, thread: isOpen, status: true };
    case "note_added":
      // a note moves the ticket up the list (it is activity) but changes no count
      return { list: true, counts: false, thread: isOpen, status: false };
    case "sync_error":
    case "tunnel_changed":
      return { ...NOTHING, status: true };
    default:
      // An event kind this window does not know yet: reload what is cheap and visible.
      return { list: true, counts: true, thread: false, status: true };
  }
}

export function merge(a: Refresh, b: Refresh): Refresh {
  return {
    list: a.list || b.list,
    counts: a.counts || b.counts,
    thread: a.thread || b.thread,
    status: a.status || b.status,
  };
}

export function isNothing(r: Refresh): boolean {
  return !r.list && !r.counts && !r.thread && !r.status;
}

/** Collects refreshes for `ms` and runs them once. */
export function refresher(run: (r: Refresh) => void, ms = 120) {
  let pending: Refresh = NOTHING;
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    push(r: Refresh) {
      if (isNothing(r)) return;
      pending = merge(pending, r);
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        const r2 = pending;
        pending = NOTHING;
        run(r2);
      }, ms);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = NOTHING;
    },
  };
}
