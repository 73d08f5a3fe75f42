// "Merge into…" (key M): find the ticket to merge into (typing searches list_tickets; ↑/↓ and
// Enter pick), then a confirm step that says plainly what happens and that it cannot be
// undone. The source's thread joins the target's; the window then shows the target.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { TicketDetail, TicketRow } from "../bindings";
import { api, toApiError } from "../api";
import { debounce } from "../lib/debounce";
import { NO_FILTERS, toQuery } from "../lib/listQuery";
import { RelTime } from "./RelTime";
import { Sheet } from "./Sheet";

export const MERGE_RESULTS = 20;
export const MERGE_SEARCH_DELAY_MS = 200;

/** The tickets the source may be merged into: never itself, never one already merged. */
export function mergeTargets(rows: TicketRow[], sourceId: string): TicketRow[] {
  return rows.filter((r) => r.ticketId !== sourceId && !r.mergedInto);
}

export function MergeSheet(props: { source: TicketRow; onClose: () => void; onMerged: (target: TicketDetail) => void }) {
  const { source } = props;
  const [q, setQ] = useState("");
  const [results, setResults] = useState<TicketRow[] | null>(null);
  const [active, setActive] = useState(0);
  const [target, setTarget] = useState<TicketRow | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const find = useMemo(
    () =>
      debounce((search: string) => {
        const n = ++seq.current;
        api.listTickets(toQuery("all", search, NO_FILTERS, 0, MERGE_RESULTS + 1)).then(
          (page) => {
            if (n !== seq.current) return;
            setResults(mergeTargets(page.tickets, source.ticketId).slice(0, MERGE_RESULTS));
            setActive(0);
          },
          (e) => n === seq.current && setError(toApiError(e).message),
        );
      }, MERGE_SEARCH_DELAY_MS),
    [source.ticketId],
  );
  useEffect(() => {
    find("");
    find.flush();
    return () => find.cancel();
  }, [find]);
  // After Sheet's own focus (a child's effect runs first): the field, then the confirm button.
  useEffect(() => {
    (target ? confirmRef.current : inputRef.current)?.focus();
  }, [target]);

  const confirm = () => {
    if (!target) return;
    setBusy(true);
    setError(null);
    api.mergeTicket(source.ticketId, target.ticketId).then(
      (d) => props.onMerged(d),
      (e) => {
        setBusy(false);
        setError(toApiError(e).message);
      },
    );
  };

  return (
    <Sheet title={`Merge ${source.ticketId} into…`} onClose={props.onClose} testid="merge-sheet">
      {target === null ? (
        <>
          <input
            type="search"
            class="merge-search"
            data-testid="merge-search"
            aria-label="Find the ticket to merge into"
            placeholder="Search by visitor, ticket id or words"
            ref={inputRef}
            value={q}
            onInput={(e) => {
              const v = (e.currentTarget as HTMLInputElement).value;
              setQ(v);
              find(v.trim());
            }}
            onKeyDown={(e) => {
              const n = results?.length ?? 0;
              if (e.key === "ArrowDown" && n) {
                e.preventDefault();
                setActive((a) => Math.min(n - 1, a + 1));
              } else if (e.key === "ArrowUp" && n) {
                e.preventDefault();
                setActive((a) => Math.max(0, a - 1));
              } else if (e.key === "Enter") {
                e.preventDefault();
                if (results?.[active]) setTarget(results[active]!);
                else find.flush();
              }
            }}
          />
          {error && (
            <p class="sheet-error" role="alert">
              {error}
            </p>
          )}
          {results === null ? (
            <p class="muted small">Searching…</p>
          ) : results.length === 0 ? (
            <p class="muted small" data-testid="merge-none">
              No other ticket matches.
            </p>
          ) : (
            <ul class="merge-results" role="listbox" aria-label="Tickets to merge into">
              {results.map((r, i) => (
                <li key={r.ticketId} role="presentation">
                  <button
                    class={i === active ? "merge-result active" : "merge-result"}
                    role="option"
                    aria-selected={i === active ? "true" : "false"}
                    data-testid="merge-result"
                    data-ticket-id={r.ticketId}
                    onMouseEnter={() => setActive(i)}
                    onClick={() => setTarget(r)}
                  >
                    <span class="merge-line">
                      <strong>{r.visitorName || r.visitorEmail || "Unknown visitor"}</strong>
                      <span class="muted small">{r.ticketId}</span>
                      <RelTime at={r.updatedAt} class="muted small" />
                    </span>
                    <span class="merge-first muted small">{r.firstLine || "(no text)"}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : (
        <div class="merge-confirm" data-testid="merge-confirm-step">
          <p>
            Merge <strong>{source.ticketId}</strong> into <strong>{target.ticketId}</strong> (
            {target.visitorName || target.visitorEmail || "unknown visitor"})?
          </p>
          <p class="muted">
            The messages and notes of {source.ticketId} join the thread of {target.ticketId} in time order, and{" "}
            {source.ticketId} leaves every list.
          </p>
          <p class="merge-warning" data-testid="merge-warning" role="note">
            <strong>This cannot be undone.</strong>
          </p>
          {error && (
            <p class="sheet-error" role="alert" data-testid="merge-error">
              {error}
            </p>
          )}
          <div class="row-actions">
            <button class="btn" data-testid="merge-back" onClick={() => setTarget(null)} disabled={busy}>
              Back
            </button>
            <button class="btn primary" data-testid="merge-confirm" ref={confirmRef} onClick={confirm} disabled={busy}>
              {busy ? "Merging…" : `Merge into ${target.ticketId}`}
            </button>
          </div>
        </div>
      )}
    </Sheet>
  );
}
