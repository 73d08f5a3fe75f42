// The window's keyboard: one document listener that turns keys (lib/keys.ts) into the inbox's
// actions. It reads the live state from a ref and the newest actions from another, so it is
// installed once and never sees a stale render.
import { useEffect, useRef } from "preact/hooks";
import type { TicketDetail } from "../bindings";
import type { ComposeMode } from "../components/Composer";
import { isTyping, keyAction } from "./keys";

/** The triage keys: # trash (or restore), ! spam (or not), B block sender, M merge. */
export type TriageKey = "trash" | "spam" | "block" | "merge";

/** What the handler reads of the window's state at the moment of the key. */
export type LiveInbox = {
  cursor: string | null;
  openId: string | null;
  detail: TicketDetail | null;
  view: "inbox" | "settings";
  help: boolean;
  cannedSheet: boolean;
  failedSheet: boolean;
  snoozeOpen: boolean;
  /** the merge or block sheet is open */
  triageSheet: boolean;
  /** a mail's link waits in the link sheet */
  linkSheet: boolean;
};

export type InboxKeyActions = {
  setHelp: (open: boolean) => void;
  setSnoozeOpen: (open: boolean) => void;
  setFailedSheet: (open: boolean) => void;
  setCannedSheet: (open: boolean) => void;
  closeSettings: () => void;
  /** j/k: the list moves its cursor (across pages it loads) */
  move: (delta: 1 | -1) => void;
  closeTriageSheet: () => void;
  closeLinkSheet: () => void;
  /** a triage key for the open ticket, else the cursor's */
  triage: (key: TriageKey, ticketId: string) => void;
  openTicket: (id: string) => void;
  compose: (mode: ComposeMode) => void;
  closeTicket: (id: string) => void;
  focusSearch: () => void;
  focusFilters: () => void;
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
        if (c.linkSheet) act.closeLinkSheet();
        else if (c.help) act.setHelp(false);
        else if (c.triageSheet) act.closeTriageSheet();
        else if (c.snoozeOpen) act.setSnoozeOpen(false);
        else if (c.failedSheet) act.setFailedSheet(false);
        else if (c.cannedSheet) act.setCannedSheet(false);
        else if (c.view === "settings") act.closeSettings();
        else (document.activeElement as HTMLElement | null)?.blur?.();
        return;
      }
      if (a.type === "help") {
        if (c.linkSheet) return;
        e.preventDefault();
        act.setHelp(true);
        return;
      }
      if (c.linkSheet || c.help || c.cannedSheet || c.failedSheet || c.triageSheet || c.view !== "inbox") return;
      switch (a.type) {
        case "move":
          e.preventDefault();
          act.move(a.delta);
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
        case "filter":
          e.preventDefault();
          act.focusFilters();
          break;
        case "trash":
        case "spam":
        case "block":
        case "merge": {
          const id = c.openId ?? c.cursor;
          if (id) {
            e.preventDefault();
            act.triage(a.type, id);
          }
          break;
        }
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
