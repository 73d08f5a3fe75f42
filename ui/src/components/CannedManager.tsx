// Add, edit and delete canned replies (a sheet from the composer or from Settings).
import { useState } from "preact/hooks";
import type { CannedReply } from "../bindings";
import { api } from "../api";
import { useEnv } from "../context";

export function CannedManager({ replies, onChange }: { replies: CannedReply[]; onChange: (r: CannedReply[]) => void }) {
  const { notify } = useEnv();
  const [editing, setEditing] = useState<{ id: number | null; title: string; body: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async () => {
    if (!editing) return;
    setBusy(true);
    try {
      const saved = await api.saveCannedReply(editing.id, editing.title.trim(), editing.body);
      const next = editing.id === null ? [...replies, saved] : replies.map((r) => (r.id === saved.id ? saved : r));
      onChange(next);
      setEditing(null);
    } catch (e) {
      notify((e as { message: string }).message, "error");
    } finally {
      setBusy(false);
    }
  };
  const remove = async (r: CannedReply) => {
    try {
      await api.deleteCannedReply(r.id);
      onChange(replies.filter((x) => x.id !== r.id));
    } catch (e) {
      notify((e as { message: string }).message, "error");
    }
  };
  return (
    <div class="canned-manager" data-testid="canned-manager">
      {replies.length === 0 && !editing && (
        <p class="muted">Save answers you give often — opening hours, refund policy, shipping times — and insert them with two keys.</p>
      )}
      <ul class="canned-rows">
        {replies.map((r) => (
          <li key={r.id} class="canned-row">
            <div class="canned-text">
              <strong>{r.title}</strong>
              <span class="muted ellipsis">{r.body}</span>
            </div>
            <button class="btn small ghost" onClick={() => setEditing({ id: r.id, title: r.title, body: r.body })}>
              Edit
            </button>
            <button class="btn small ghost danger" onClick={() => remove(r)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {editing ? (
        <form
          class="canned-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label class="field">
            <span>Title</span>
            <input
              value={editing.title}
              required
              placeholder="Opening hours"
              onInput={(e) => setEditing({ ...editing, title: (e.currentTarget as HTMLInputElement).value })}
            />
          </label>
          <label class="field">
            <span>Text</span>
            <textarea
              rows={5}
              value={editing.body}
              required
              onInput={(e) => setEditing({ ...editing, body: (e.currentTarget as HTMLTextAreaElement).value })}
            />
          </label>
          <div class="row-actions">
            <button type="button" class="btn ghost" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button type="submit" class="btn primary" disabled={busy || !editing.title.trim() || !editing.body.trim()}>
              {busy ? "Saving…" : "Save canned reply"}
            </button>
          </div>
        </form>
      ) : (
        <button class="btn" onClick={() => setEditing({ id: null, title: "", body: "" })} data-testid="canned-add">
          New canned reply
        </button>
      )}
    </div>
  );
}
