import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeskbellEvent } from "../src/api";
import { refreshFor, refresher, type Refresh } from "../src/lib/events";

const open = "TKT-20261125-0007";
const other = "TKT-20261125-0001";
const ev = {
  created: { kind: "ticket_created", ticket_id: other, visitor: "v", first_line: "hi", spam: false },
  updatedOpen: { kind: "ticket_updated", ticket_id: open, status: "closed", priority: "normal" },
  replyOpen: { kind: "reply_received", ticket_id: open, from: "v@x", first_line: "thanks" },
  replyOther: { kind: "reply_received", ticket_id: other, from: "v@x", first_line: "thanks" },
  sentOpen: { kind: "mail_sent", ticket_id: open, mail: "reply", to: "v@x" },
  failedOther: { kind: "send_failed", ticket_id: other, mail: "reply", to: "v@x", reason: "535" },
  bouncedOpen: { kind: "mail_bounced", ticket_id: open, to: "v@x", reason: "550 5.1.1 user unknown" },
  bouncedOther: { kind: "mail_bounced", ticket_id: other, to: "v@x", reason: "550 5.1.1 user unknown" },
  sync: { kind: "sync_error", folder: "INBOX", reason: "auth" },
  tunnel: { kind: "tunnel_changed", tunnel: { state: "restarting", exit: "exited with status 1", retryAt: "2026-12-01T10:00:08Z" } },
} satisfies Record<string, DeskbellEvent>;

describe("refreshFor", () => {
  it.each<[keyof typeof ev, Refresh]>([
    ["created", { list: true, counts: true, thread: false, status: false }],
    ["updatedOpen", { list: true, counts: true, thread: true, status: false }],
    ["replyOpen", { list: true, counts: true, thread: true, status: false }],
    ["replyOther", { list: true, counts: true, thread: false, status: false }],
    ["sentOpen", { list: false, counts: false, thread: true, status: true }],
    ["failedOther", { list: false, counts: false, thread: false, status: true }],
    ["bouncedOpen", { list: false, counts: false, thread: true, status: true }],
    ["bouncedOther", { list: false, counts: false, thread: false, status: true }],
    ["sync", { list: false, counts: false, thread: false, status: true }],
    ["tunnel", { list: false, counts: false, thread: false, status: true }],
  ])("%s", (name, want) => expect(refreshFor(ev[name], open)).toEqual(want));

  it("reloads the visible parts for an event kind it does not know", () => {
    const r = refreshFor({ kind: "something_new" } as unknown as DeskbellEvent, open);
    expect(r.list && r.counts && r.status).toBe(true);
  });
});

describe("refresher", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("merges a burst into one round", () => {
    const run = vi.fn();
    const r = refresher(run, 100);
    r.push(refreshFor(ev.created, open));
    r.push(refreshFor(ev.sync, open));
    r.push(refreshFor(ev.replyOpen, open));
    expect(run).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledWith({ list: true, counts: true, thread: true, status: true });
    r.push(refreshFor(ev.sync, open));
    vi.advanceTimersByTime(100);
    expect(run).toHaveBeenCalledTimes(2);
    expect(run).toHaveBeenLastCalledWith({ list: false, counts: false, thread: false, status: true });
  });

  it("does nothing for nothing, and cancel drops what is pending", () => {
    const run = vi.fn();
    const r = refresher(run, 100);
    r.push({ list: false, counts: false, thread: false, status: false });
    r.push(refreshFor(ev.created, open));
    r.cancel();
    vi.advanceTimersByTime(500);
    expect(run).not.toHaveBeenCalled();
  });
});
