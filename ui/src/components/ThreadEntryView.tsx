// One entry of the conversation: who, when, the new words; the quoted history or the HTML
// original behind an expander; attachments with Save; the delivery state of our replies.
import { useState } from "preact/hooks";
import type { Attachment, ThreadEntry } from "../bindings";
import { api } from "../api";
import { useEnv } from "../context";
import { canExpand, displayName, emailOf, entryBody, expanderLabel, initials } from "../lib/thread";
import { fileSize } from "../lib/time";
import { HtmlFrame } from "./HtmlFrame";
import { Icon } from "./Icon";
import { RelTime } from "./RelTime";

const STATE_LABEL: Record<string, { text: string; cls: string; title: string }> = {
  queued: { text: "Waiting to send", cls: "warn", title: "Deskbell sends it as soon as the mail server answers" },
  sent: { text: "Sent", cls: "good", title: "Delivered to the mail server" },
  failed: { text: "Not sent", cls: "bad", title: "The mail server refused it; see the banner or try again" },
};

export function ThreadEntryView({ entry, visitorName, ownerName }: { entry: ThreadEntry; visitorName: string; ownerName: string }) {
  const [expanded, setExpanded] = useState(false);
  const who =
    entry.direction === "in"
      ? displayName(entry.from, visitorName || "Visitor")
      : entry.direction === "note"
        ? "Internal note"
        : displayName(entry.from, ownerName || "You");
  const body = entryBody(entry, expanded);
  const state = entry.state ? STATE_LABEL[entry.state] : undefined;
  return (
    <article
      class={`entry ${entry.direction}`}
      data-testid="thread-entry"
      data-direction={entry.direction}
      data-entry-id={entry.id ?? "first"}
    >
      <div class={`avatar ${entry.direction}`} aria-hidden="true">
        {entry.direction === "note" ? <Icon name="text" size={14} /> : initials(who)}
      </div>
      <div class="entry-card">
        <header class="entry-head">
          <span class="entry-who">{who}</span>
          {entry.direction === "out" && entry.to && <span class="entry-to">to {entry.to}</span>}
          {entry.direction === "note" && (
            <span class="pill note" title="Only you see it: notes are never mailed" data-testid="note-label">
              not sent
            </span>
          )}
          {entry.direction === "in" && entry.from && emailOf(entry.from) !== who && <span class="entry-to">{emailOf(entry.from)}</span>}
          {state && (
            <span class={`pill ${state.cls}`} title={state.title} data-testid="entry-state">
              {state.text}
            </span>
          )}
          <RelTime at={entry.at} class="entry-time" />
        </header>
        {body.kind === "text" ? (
          <div class="entry-text">{body.text}</div>
        ) : (
          <HtmlFrame html={body.html} title={`Email from ${who}`} />
        )}
        {canExpand(entry) && (
          <button
            class="expander"
            aria-expanded={expanded ? "true" : "false"}
            onClick={() => setExpanded(!expanded)}
            data-testid="entry-expand"
          >
            <span aria-hidden="true">{expanded ? "▴" : "•••"}</span> {expanderLabel(entry, expanded)}
          </button>
        )}
        {entry.attachments.length > 0 && (
          <ul class="attachments" aria-label="Attachments">
            {entry.attachments.map((a) => (
              <AttachmentChip key={a.id} a={a} />
            ))}
          </ul>
        )}
      </div>
    </article>
  );
}

function AttachmentChip({ a }: { a: Attachment }) {
  const { notify } = useEnv();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const path = await api.saveAttachment(a.id);
      notify(`Saved to ${path}`);
    } catch (e) {
      notify((e as { message: string }).message, "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="attachment">
      <Icon name="file" />
      <span class="att-name" title={a.name}>
        {a.name}
      </span>
      <span class="att-size">{fileSize(a.size)}</span>
      <button class="btn small ghost" onClick={save} disabled={busy} title={`Save ${a.name} to Downloads`} data-testid="attachment-save">
        <Icon name="download" size={14} /> {busy ? "Saving…" : "Save"}
      </button>
    </li>
  );
}
