// The reply box at the bottom of the thread: text, attachments (picked files → base64),
// canned replies, Ctrl+Enter sends. Drafts survive switching tickets and live refreshes.
// Its Note mode (key n) writes an internal note instead: same box, no recipient, no files,
// never mailed; reply and note drafts are kept apart.
import { useEffect, useState } from "preact/hooks";
import type { CannedReply, OutgoingFile, TicketDetail } from "../bindings";
import { api, toApiError } from "../api";
import { useEnv } from "../context";
import { addFiles, decodedSize, MAX_ATTACHMENT_BYTES } from "../lib/files";
import { insertAtCursor } from "../lib/thread";
import { fileSize } from "../lib/time";
import { CannedMenu } from "./CannedMenu";
import { Icon } from "./Icon";

interface Draft {
  text: string;
  files: OutgoingFile[];
}

export type ComposeMode = "reply" | "note";

const drafts = new Map<string, Draft>();
const draftKey = (ticketId: string, mode: ComposeMode) => (mode === "note" ? `note:${ticketId}` : ticketId);

export function Composer(props: {
  ticketId: string;
  to: string;
  textRef: { current: HTMLTextAreaElement | null };
  canned: CannedReply[] | null;
  onLoadCanned: () => void;
  onManageCanned: () => void;
  onSent: (d: TicketDetail) => void;
  /** reply or note; uncontrolled (starting as reply) when not given */
  mode?: ComposeMode;
  onMode?: (m: ComposeMode) => void;
  /** a note was added (defaults to onSent) */
  onNoted?: (d: TicketDetail) => void;
}) {
  const { notify } = useEnv();
  const [ownMode, setOwnMode] = useState<ComposeMode>("reply");
  const mode = props.mode ?? ownMode;
  const setMode = props.onMode ?? setOwnMode;
  const note = mode === "note";
  const key = draftKey(props.ticketId, mode);
  const [draft, setDraftState] = useState<Draft>(() => drafts.get(key) ?? { text: "", files: [] });
  const [sending, setSending] = useState(false);
  const [menu, setMenu] = useState(false);
  useEffect(() => {
    setDraftState(drafts.get(key) ?? { text: "", files: [] });
    setMenu(false);
  }, [key]);
  const setDraft = (d: Draft) => {
    drafts.set(key, d);
    setDraftState(d);
  };
  const switchTo = (m: ComposeMode) => {
    setMode(m);
    props.textRef.current?.focus();
  };

  const send = async () => {
    if (sending || draft.text.trim() === "") return;
    setSending(true);
    try {
      const detail = note ? await api.addNote(props.ticketId, draft.text) : await api.sendReply(props.ticketId, draft.text, draft.files);
      drafts.delete(key);
      setDraftState({ text: "", files: [] });
      (note ? (props.onNoted ?? props.onSent) : props.onSent)(detail);
    } catch (e) {
      notify((e as { message: string }).message, "error");
    } finally {
      setSending(false);
    }
  };

  const pick = async (input: HTMLInputElement) => {
    const picked = Array.from(input.files ?? []);
    input.value = "";
    if (picked.length === 0) return;
    try {
      const { files, refused } = await addFiles(draft.files, picked);
      setDraft({ ...draft, files });
      if (refused.length) notify(`Too large to send by email: ${refused.join(", ")} (${fileSize(MAX_ATTACHMENT_BYTES)} in all at most)`, "error");
    } catch {
      notify("The file could not be read.", "error");
    }
  };

  // The core fills the fields ({visitor_first_name}, {ticket_id}, …) for this ticket; if it
  // cannot, the body goes in as written, its fields visible for the owner to fill.
  const insertCanned = async (r: CannedReply) => {
    const ta = props.textRef.current;
    const start = ta?.selectionStart ?? draft.text.length;
    const end = ta?.selectionEnd ?? draft.text.length;
    setMenu(false);
    let body = r.body;
    try {
      body = await api.fillCannedReply(r.id, props.ticketId);
    } catch (e) {
      notify(`The canned reply's fields could not be filled: ${toApiError(e).message}`, "error");
    }
    const now = drafts.get(key) ?? draft;
    const { text, caret } = insertAtCursor(now.text, Math.min(start, now.text.length), Math.min(end, now.text.length), body);
    setDraft({ ...now, text });
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(caret, caret);
    });
  };

  return (
    <form
      class={`composer ${mode}`}
      data-testid="composer"
      data-mode={mode}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div class="composer-head">
        <div class="mode-switch" role="group" aria-label="Write a reply or an internal note">
          <button type="button" class="mode-btn" aria-pressed={note ? "false" : "true"} data-testid="mode-reply" title="Reply to the visitor (r)" onClick={() => switchTo("reply")}>
            Reply <kbd class="hint">r</kbd>
          </button>
          <button type="button" class="mode-btn" aria-pressed={note ? "true" : "false"} data-testid="mode-note" title="Internal note, never sent (n)" onClick={() => switchTo("note")}>
            Note <kbd class="hint">n</kbd>
          </button>
        </div>
        {note ? (
          <div class="composer-to note-warning small" data-testid="note-banner">
            Internal note — not sent to anyone
          </div>
        ) : (
          <div class="composer-to muted small">
            Reply to <span class="selectable">{props.to}</span>
          </div>
        )}
      </div>
      <textarea
        ref={props.textRef}
        data-testid="reply-text"
        class="composer-text"
        rows={3}
        placeholder={note ? "Write a note for yourself…  (n to focus, Ctrl+Enter to add)" : "Write a reply…  (r to focus, Ctrl+Enter to send)"}
        aria-label={note ? "Internal note" : "Reply"}
        value={draft.text}
        onInput={(e) => setDraft({ ...draft, text: (e.currentTarget as HTMLTextAreaElement).value })}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          } else if (e.key === "Escape") {
            (e.currentTarget as HTMLTextAreaElement).blur();
          }
        }}
      />
      {!note && draft.files.length > 0 && (
        <ul class="outgoing" aria-label="Attached files" data-testid="reply-files">
          {draft.files.map((f, i) => (
            <li class="attachment" key={`${f.name}-${i}`}>
              <Icon name="file" />
              <span class="att-name">{f.name}</span>
              <span class="att-size">{fileSize(decodedSize(f))}</span>
              <button
                type="button"
                class="icon-btn"
                aria-label={`Remove ${f.name}`}
                title="Remove"
                onClick={() => setDraft({ ...draft, files: draft.files.filter((_, j) => j !== i) })}
              >
                <Icon name="x" size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer-bar">
        {!note && (
          <>
            <label class="btn ghost small file-btn" title="Attach files">
              <Icon name="paperclip" size={14} /> Attach
              <input
                type="file"
                multiple
                class="file-input"
                data-testid="reply-attach"
                onChange={(e) => pick(e.currentTarget as HTMLInputElement)}
              />
            </label>
            <div class="canned-wrap">
              <button
                type="button"
                class="btn ghost small"
                aria-expanded={menu ? "true" : "false"}
                data-testid="canned-open"
                onClick={() => {
                  if (!menu) props.onLoadCanned();
                  setMenu(!menu);
                }}
                title="Insert a canned reply"
              >
                <Icon name="message" size={14} /> Canned replies
              </button>
              {menu && (
                <CannedMenu
                  replies={props.canned}
                  onPick={insertCanned}
                  onManage={() => {
                    setMenu(false);
                    props.onManageCanned();
                  }}
                  onClose={() => {
                    setMenu(false);
                    props.textRef.current?.focus();
                  }}
                />
              )}
            </div>
          </>
        )}
        <span class="spacer" />
        <span class="hint-text muted small">Ctrl+Enter</span>
        {note ? (
          <button type="submit" class="btn note-btn" data-testid="note-add" disabled={sending || draft.text.trim() === ""}>
            <Icon name="text" size={14} /> {sending ? "Adding…" : "Add note"}
          </button>
        ) : (
          <button type="submit" class="btn primary" data-testid="reply-send" disabled={sending || draft.text.trim() === ""}>
            <Icon name="send" size={14} /> {sending ? "Sending…" : "Send reply"}
          </button>
        )}
      </div>
    </form>
  );
}
