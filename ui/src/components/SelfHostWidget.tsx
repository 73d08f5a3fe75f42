// "Download widget.js": the site's own copy of the widget and a snippet that loads it from the
// site itself, so the contact button stays on the page (offering email) while this computer
// sleeps. The files go into the Downloads folder; the window has no file dialog.
import { useState } from "preact/hooks";
import type { SavedWidget } from "../bindings";
import { api, toApiError } from "../api";
import { Icon } from "./Icon";
import { SnippetBox } from "./SnippetBox";

export function SelfHostWidget({ site }: { site: string }) {
  const [saved, setSaved] = useState<SavedWidget | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      setSaved(await api.saveWidget(site));
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="self-host" data-testid="self-host">
      <div class="snippet-bar">
        <span class="muted small">Host the widget on your own site and it shows even when this computer is off, offering email instead.</span>
        <button type="button" class="btn small" onClick={save} disabled={busy} data-testid="widget-download">
          <Icon name="download" size={14} />
          {busy ? "Saving…" : "Download widget.js"}
        </button>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {saved && (
        <div data-testid="widget-saved">
          <p class="small">
            Saved widget.js and snippet.html in <span class="mono selectable" data-testid="widget-folder">{saved.folder}</span>
          </p>
          <SnippetBox
            snippet={saved.snippet}
            testId="self-host-snippet"
            label="Snippet for a self-hosted widget.js"
            note="Upload widget.js to your website, then paste this snippet instead."
          />
        </div>
      )}
    </div>
  );
}
