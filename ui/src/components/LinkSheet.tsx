// "This link goes somewhere else": a mail's link whose text shows another address than the one
// it opens (lib/links.ts). It names the real address, its host in bold, before anything opens.
// Cancel has the focus (Enter on it, or Esc, opens nothing); Open is one Tab away.
import { useEffect, useRef } from "preact/hooks";
import { addressParts } from "../lib/links";
import type { PendingLink } from "../lib/useLinks";
import { Sheet } from "./Sheet";

/** The link's text as the sheet quotes it: at most `max` characters. */
export function quoted(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function LinkSheet(props: { link: PendingLink; onOpen: () => void; onClose: () => void }) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => cancelRef.current?.focus(), []);
  const { before, host, after } = addressParts(props.link.href);
  return (
    <Sheet title="This link goes somewhere else" onClose={props.onClose} testid="link-sheet">
      <p>
        The mail shows <strong class="link-shown">{quoted(props.link.text || "a link")}</strong>, but the link opens:
      </p>
      <p class="link-target mono selectable" data-testid="link-target">
        {before}
        <strong>{host}</strong>
        {after}
      </p>
      <p class="muted small">Open it only if you trust {host}. It opens in your browser, not in Deskbell.</p>
      <div class="row-actions">
        <button class="btn" data-testid="link-cancel" ref={cancelRef} onClick={props.onClose}>
          Cancel
        </button>
        <button class="btn primary" data-testid="link-open" onClick={props.onOpen}>
          Open {host}
        </button>
      </div>
    </Sheet>
  );
}
