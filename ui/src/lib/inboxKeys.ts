// The window's keyboard: one document listener that turns keys (lib/keys.ts) into the inbox's
// actions. It reads the live state from a ref and the newest actions from another, so it is
// installed once and never sees a stale render.
import { useEffect, useRef } from "preact/hooks";
import type { TicketDetail, TicketRow } from "../bindings";
import type { ComposeMode } from "../components/Composer";
import { isTyping, keyAction, moveCursor } from "./keys";

/** What the handler reads of the window's state at the moment of the key. */
export type LiveInbox = {
  rows: TicketRow[] | null;
  cursor: string | null;
  openId: string | null;
  detail: TicketDetail | null;
  view: "inbox" | "settings";
  help: boolean;
  cannedSheet: boolean;
  failedSheet: boolean;
  snoozeOpen: boolean;
};

export type InboxKeyActions = {
  setHelp: (open: boolean) => void;
  setSnoozeOpen: (open: boolean) => void;
  setFailedSheet: (open: boolean) => void;
  setCannedSheet: (open: boolean) => void;
  closeSettings: () => void;
  setCursor: (id: string | null) => void;
  openTicket: (id: string) => void;
  compose: (mode: ComposeMode) => void;
  closeTicket: (id: string) => void;
  focusSearch: () => void;
};

export function useInboxKeys(live: { readonly current: LiveInbox }, actions: InboxKeyActions) {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = keyAction(e, isTyping(e.target));
      if (!a) return;
      const c = live.current;
      const act = latest.current;
      if (a.type === "escape") {
        if (c.help) act.setHelp(false);
        else if (c.snoozeOpen) act.setSnoozeOpen(false);
        else if (c.failedSheet) act.setFailedSheet(false);
        else if (c.cannedSheet) act.setCannedSheet(false);
        else if (c.view === "settings") act.closeSettings();
        else (document.activeElement as HTMLElement | null)?.blur?.();
        return;
      }
      if (a.type === "help") {
        e.preventDefault();
        act.setHelp(true);
        return;
      }
      if (c.help || c.cannedSheet || c.failedSheet || c.view !== "inbox") return;
      const ids = (c.rows ?? []).map((r) => r.ticketId);
      switch (a.type) {
        case "move":
          e.preventDefault();
          act.setCursor(moveCursor(ids, c.cursor, a.delta));
          break;
        case "open":
          if ((e.target as HTMLElement | null)?.tagName === "BUTTON") return; // Enter on a button clicks it
          if (c.cursor) {
            e.preventDefault();
            act.openTicket(c.cursor);
          }
          break;
        case "reply":
        case "note":
          if (c.detail) {
            e.preventDefault();
            act.compose(a.type);
          }
          break;
        case "close-ticket": {
          const id = c.openId ?? c.cursor;
          if (id) {
            e.preventDefault();
            act.closeTicket(id);
          }
          break;
        }
        case "snooze":
          if (c.detail) {
            e.preventDefault();
            act.setSnoozeOpen(!c.snoozeOpen);
          }
          break;
        case "search":
          e.preventDefault();
          act.focusSearch();
          break;
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
