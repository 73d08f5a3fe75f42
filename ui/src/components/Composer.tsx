// The reply box at the bottom of the thread: text, attachments (picked files → base64),
// canned replies, Ctrl+Enter sends. Drafts survive switching tickets and live refreshes.
import { useEffect, useState } from "preact/hooks";
import type { CannedReply, OutgoingFile, TicketDetail } from "../bindings";
import { api } from "../api";
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

const drafts = new Map<string, Draft>();

export function Composer(props: {
  ticketId: string;
  to: string;
  textRef: { current: HTMLTextAreaElement | null };
  canned: CannedReply[] | null;
  onLoadCanned: () => void;
  onManageCanned: () => void;
  onSent: (d: TicketDetail) => void;
}) {
  const { notify } = useEnv();
  const [draft, setDraftState] = useState<Draft>(() => drafts.get(props.ticketId) ?? { text: "", files: [] });
  const [sending, setSending] = useState(false);
  const [menu, setMenu] = useState(false);
  useEffect(() => {
    setDraftState(drafts.get(props.ticketId) ?? { text: "", files: [] });
    setMenu(false);
  }, [props.ticketId]);
  const setDraft = (d: Draft) => {
    drafts.set(props.ticketId, d);
    setDraftState(d);
  };

  const send = async () => {
    if (sending || draft.text.trim() === "") return;
    setSending(true);
    try {
      const detail = await api.sendReply(props.ticketId, draft.text, draft.files);
      drafts.delete(props.ticketId);
      setDraftState({ text: "", files: [] });
      props.onSent(detail);
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

  const insertCanned = (r: CannedReply) => {
    const ta = props.textRef.current;
    const start = ta?.selectionStart ?? draft.text.length;
    const end = ta?.selectionEnd ?? draft.text.length;
    const { text, caret } = insertAtCursor(draft.text, start, end, r.body);
    setDraft({ ...draft, text });
    setMenu(false);
    requestAnimationFrame(() => {
      ta?.focus();
      ta?.setSelectionRange(caret, caret);
    });
  };

  return (
    <form
      class="composer"
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div class="composer-to muted small">
        Reply to <span class="selectable">{props.to}</span>
      </div>
      <textarea
        ref={props.textRef}
        data-testid="reply-text"
        class="composer-text"
        rows={3}
        placeholder="Write a reply…  (r to focus, Ctrl+Enter to send)"
        aria-label="Reply"
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
      {draft.files.length > 0 && (
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
        <span class="spacer" />
        <span class="hint-text muted small">Ctrl+Enter</span>
        <button type="submit" class="btn primary" data-testid="reply-send" disabled={sending || draft.text.trim() === ""}>
          <Icon name="send" size={14} /> {sending ? "Sending…" : "Send reply"}
        </button>
      </div>
    </form>
  );
}
