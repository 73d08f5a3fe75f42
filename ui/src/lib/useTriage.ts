// The triage actions on one ticket: to the trash and back, spam and not spam, block the
// sender (blocks the address or domain, then marks this ticket spam: blocking alone leaves
// existing tickets as they are), and merge (through MergeSheet). Which sheet is open.
import { useState } from "preact/hooks";
import type { TicketDetail, TicketRow } from "../bindings";
import { api } from "../api";
import type { TriageKey } from "./inboxKeys";

export type TriageSheet = { kind: "merge" | "block"; ticket: TicketRow } | null;

export function useTriage(deps: {
  applyRow: (row: TicketRow) => void;
  notify: (message: string) => void;
  fail: (e: unknown) => void;
  /** after a merge: show the target, reload what moved */
  onMerged: (target: TicketDetail) => void;
}) {
  const [sheet, setSheet] = useState<TriageSheet>(null);
  const { applyRow, notify, fail } = deps;

  const toggleTrash = (t: TicketRow) =>
    (t.deletedAt ? api.restoreTicket(t.ticketId) : api.deleteTicket(t.ticketId)).then((row) => {
      applyRow(row);
      notify(t.deletedAt ? `${t.ticketId} restored` : `${t.ticketId} moved to Trash`);
    }, fail);
  const toggleSpam = (t: TicketRow) =>
    api.setSpam(t.ticketId, !t.spam).then((row) => {
      applyRow(row);
      notify(t.spam ? `${t.ticketId} is not spam` : `${t.ticketId} marked as spam`);
    }, fail);
  /** Blocks `address` ("ana@x.example" or "@x.example") and marks `t` spam. */
  const block = async (t: TicketRow, address: string) => {
    try {
      await api.blockSender(address);
      setSheet(null);
      applyRow(t.spam ? t : await api.setSpam(t.ticketId, true));
      notify(`Blocked ${address}: ${t.ticketId} is in Spam`);
    } catch (e) {
      fail(e);
    }
  };
  const merged = (target: TicketDetail, sourceId: string) => {
    setSheet(null);
    deps.onMerged(target);
    notify(`${sourceId} merged into ${target.ticket.ticketId}`);
  };
  /** A key or a toolbar button for `t`. */
  const run = (key: TriageKey, t: TicketRow) => {
    if (t.mergedInto) return;
    if (key === "trash") toggleTrash(t);
    else if (key === "spam") toggleSpam(t);
    else if (key === "block") {
      if (t.visitorEmail) setSheet({ kind: "block", ticket: t });
      else fail({ code: "invalid", message: `${t.ticketId} has no sender address to block` });
    } else setSheet({ kind: "merge", ticket: t });
  };
  return { sheet, close: () => setSheet(null), run, block, merged };
}
