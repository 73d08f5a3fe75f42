// Settings → Blocked senders: who is blocked (an address, or "@domain" for everyone there),
// Unblock, and Block by hand. Acts at once (not part of the Save bar). A blocked sender's
// later tickets and mail are stored as spam and never notify; existing tickets stay as they are.
import { useEffect, useState } from "preact/hooks";
import type { BlockedSender } from "../bindings";
import { api, toApiError } from "../api";
import { RelTime } from "./RelTime";

export function BlockedSection() {
  const [blocked, setBlocked] = useState<BlockedSender[] | null>(null);
  const [address, setAddress] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.listBlocked().then(setBlocked, (e) => {
      setBlocked([]);
      setError(toApiError(e).message);
    });
  }, []);
  const run = (p: Promise<BlockedSender[]>, after?: () => void) =>
    p.then(
      (b) => {
        setBlocked(b);
        setError(null);
        after?.();
      },
      (e) => setError(toApiError(e).message),
    );
  const add = () => address.trim() && run(api.blockSender(address.trim()), () => setAddress(""));
  return (
    <section class="settings-section" id="section-blocked" data-testid="settings-blocked">
      <h2>Blocked senders</h2>
      <p class="muted small">Mail and tickets from these go straight to Spam, without a notification.</p>
      {blocked === null ? (
        <p class="muted">Loading…</p>
      ) : blocked.length === 0 ? (
        <p class="muted small" data-testid="blocked-none">
          Nobody is blocked. Block a sender from a ticket with Shift+B.
        </p>
      ) : (
        <ul class="blocked-list">
          {blocked.map((b) => (
            <li key={b.address} data-testid="blocked-row" data-address={b.address}>
              <span class="selectable">{b.address}</span>
              <RelTime at={b.createdAt} class="muted small" />
              <button type="button" class="btn small ghost" data-testid="unblock" onClick={() => run(api.unblockSender(b.address))}>
                Unblock
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="blocked-add">
        <input
          type="text"
          data-testid="block-input"
          aria-label="Address or @domain to block"
          placeholder="name@example.com or @example.com"
          value={address}
          onInput={(e) => setAddress((e.currentTarget as HTMLInputElement).value)}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault(); // not the settings form's submit
              add();
            }
          }}
        />
        <button type="button" class="btn small" data-testid="block-add" disabled={!address.trim()} onClick={add}>
          Block
        </button>
      </div>
      {error && (
        <p class="sheet-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
