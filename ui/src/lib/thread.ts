// Pure helpers of the ticket view: what an entry shows collapsed and expanded, tag edits,
// inserting a canned reply at the caret, and how a sender is named.
import type { FailedMail, MailKind, TicketDetail, ThreadEntry } from "../bindings";

/** Whether an entry has more than its new words: quoted history or an HTML original. */
export function canExpand(e: ThreadEntry): boolean {
  return e.html !== null || normalise(e.body) !== normalise(e.text);
}

function normalise(s: string): string {
  return s.replace(/\r\n/g, "\n").trim();
}

export type EntryBody = { kind: "text"; text: string } | { kind: "html"; html: string };

/** Collapsed: the new words. Expanded: the sanitised HTML when there is one, else the full body. */
export function entryBody(e: ThreadEntry, expanded: boolean): EntryBody {
  if (!expanded) return { kind: "text", text: e.text.trim() === "" ? e.body.trim() : e.text };
  if (e.html !== null) return { kind: "html", html: e.html };
  return { kind: "text", text: e.body };
}

/** The label of the expander. */
export function expanderLabel(e: ThreadEntry, expanded: boolean): string {
  if (expanded) return "Hide full message";
  return e.html !== null ? "Show original email" : "Show quoted text";
}

/** "Ada Lovelace <ada@example.com>" → "Ada Lovelace"; a bare address stays as it is. */
export function displayName(from: string | null, fallback: string): string {
  if (!from) return fallback;
  const m = /^\s*"?([^"<]*?)"?\s*<[^>]+>\s*$/.exec(from);
  if (m && m[1]) return m[1].trim();
  return from.trim() || fallback;
}

/** "Ada <ada@example.com>" → "ada@example.com". */
export function emailOf(from: string): string {
  const m = /<([^>]+)>/.exec(from);
  return (m ? m[1]! : from).trim();
}

export function initials(name: string): string {
  const words = name.replace(/[<>@"].*$/, "").trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return "?";
  const first = words[0]!.charAt(0);
  const last = words.length > 1 ? words[words.length - 1]!.charAt(0) : "";
  return (first + last).toUpperCase();
}

export function normaliseTag(t: string): string {
  return t.trim().replace(/^#/, "").replace(/\s+/g, "-").toLowerCase().slice(0, 40);
}

export function addTag(tags: string[], raw: string): string[] {
  const t = normaliseTag(raw);
  if (!t || tags.includes(t)) return tags;
  return [...tags, t];
}

export function removeTag(tags: string[], t: string): string[] {
  return tags.filter((x) => x !== t);
}

/** Inserts `snippet` over the selection; returns the new text and where the caret goes. */
export function insertAtCursor(
  text: string,
  start: number,
  end: number,
  snippet: string,
): { text: string; caret: number } {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  const before = text.slice(0, s);
  const glue = before !== "" && !before.endsWith("\n") && !before.endsWith(" ") ? " " : "";
  const next = before + glue + snippet + text.slice(e);
  return { text: next, caret: (before + glue + snippet).length };
}

/** A message of this ticket that did not arrive, as the banner above the thread says it. */
export interface BounceNotice {
  kind: MailKind;
  to: string;
  /** the server's or the bounce's words; null when only the thread knows it failed */
  reason: string | null;
  bounced: boolean;
  /** the outbox id `resend_mail` takes; null when unknown */
  mailId: number | null;
}

/**
 * What did not arrive: each failed outgoing entry of the thread, with the reason and outbox id
 * of the ticket's failed reply to the same address when there is one, then the ticket's other
 * failed mail (a confirmation to the visitor) — but not the owner's own new-ticket notices.
 */
export function bounceNotices(d: TicketDetail): BounceNotice[] {
  const failed: FailedMail[] = [...(d.failedMail ?? [])];
  const take = (to: string): FailedMail | undefined => {
    const i = failed.findIndex((f) => f.kind === "reply" && sameAddress(f.to, to));
    return i < 0 ? undefined : failed.splice(i, 1)[0];
  };
  const out: BounceNotice[] = [];
  for (const e of d.messages) {
    if (e.direction !== "out" || e.state !== "failed") continue;
    const to = e.to ? emailOf(e.to) : d.ticket.visitorEmail;
    const f = take(to);
    out.push({ kind: "reply", to, reason: f?.reason ?? null, bounced: f?.bounced ?? false, mailId: f?.id ?? null });
  }
  for (const f of failed) {
    if (f.kind === "notification") continue;
    out.push({ kind: f.kind, to: f.to, reason: f.reason, bounced: f.bounced, mailId: f.id });
  }
  return out;
}

function sameAddress(a: string, b: string): boolean {
  return emailOf(a).toLowerCase() === emailOf(b).toLowerCase();
}

/** "Your reply to ana@example.com did not arrive" and the like. */
export function bounceHeadline(n: BounceNotice): string {
  const what = n.kind === "reply" ? "Your reply" : n.kind === "confirmation" ? "The confirmation" : "The notification";
  return `${what} to ${n.to} did not arrive`;
}
