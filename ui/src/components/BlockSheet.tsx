// "Block sender" (key B): asks first, for the address or its whole domain. A blocked sender's
// later tickets and mail are stored as spam and never notify; this ticket is marked spam too.
import { useEffect, useRef, useState } from "preact/hooks";
import type { TicketRow } from "../bindings";
import { Sheet } from "./Sheet";

/** "@example.com" for "ana@example.com"; null without a domain. */
export function domainOf(address: string): string | null {
  const at = address.lastIndexOf("@");
  return at > 0 && at < address.length - 1 ? address.slice(at).toLowerCase() : null;
}

export function BlockSheet(props: { ticket: TicketRow; onClose: () => void; onBlock: (address: string) => Promise<void> | void }) {
  const address = props.ticket.visitorEmail.trim();
  const domain = domainOf(address);
  const [which, setWhich] = useState<"address" | "domain">("address");
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const chosen = which === "domain" && domain ? domain : address;
  return (
    <Sheet title="Block sender" onClose={props.onClose} testid="block-sheet">
      <fieldset class="block-choice">
        <legend class="sr">What to block</legend>
        <label>
          <input type="radio" name="block" data-testid="block-address" checked={which === "address"} onChange={() => setWhich("address")} />{" "}
          Only <strong>{address}</strong>
        </label>
        {domain && (
          <label>
            <input type="radio" name="block" data-testid="block-domain" checked={which === "domain"} onChange={() => setWhich("domain")} />{" "}
            Everyone at <strong>{domain}</strong>
          </label>
        )}
      </fieldset>
      <p class="muted">
        Their later tickets and mail go straight to Spam, without a notification. {props.ticket.ticketId} is marked as spam now.
      </p>
      <div class="row-actions">
        <button class="btn" onClick={props.onClose} disabled={busy}>
          Cancel
        </button>
        <button
          class="btn primary"
          data-testid="block-confirm"
          ref={confirmRef}
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onBlock(chosen);
            } finally {
              setBusy(false);
            }
          }}
        >
          Block {chosen}
        </button>
      </div>
    </Sheet>
  );
}
