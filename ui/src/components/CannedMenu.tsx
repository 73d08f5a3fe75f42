// The composer's canned-reply picker: a small popover, filter by typing, Enter inserts.
import { useEffect, useRef, useState } from "preact/hooks";
import type { CannedReply } from "../bindings";

export function CannedMenu(props: {
  replies: CannedReply[] | null;
  onPick: (r: CannedReply) => void;
  onManage: () => void;
  onClose: () => void;
}) {
  const [q, setQ] = useState("");
  const [i, setI] = useState(0);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const list = (props.replies ?? []).filter(
    (r) => r.title.toLowerCase().includes(q.toLowerCase()) || r.body.toLowerCase().includes(q.toLowerCase()),
  );
  const active = list[i] ? `canned-option-${list[i].id}` : undefined;
  useEffect(() => {
    if (active) document.getElementById(active)?.scrollIntoView?.({ block: "nearest" });
  }, [active]);
  // A combobox over a listbox (WAI-ARIA APG "list autocomplete"): focus stays in the search
  // field, the arrows move the active option, Enter or a click inserts it. The options hold
  // no buttons of their own (interactive controls must not nest in an option).
  return (
    <div class="popover" role="dialog" aria-label="Canned replies" data-testid="canned-menu">
      <input
        ref={ref}
        class="popover-search"
        placeholder="Find a canned reply"
        aria-label="Find a canned reply"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={list.length > 0 ? "true" : "false"}
        aria-controls="canned-options"
        aria-activedescendant={active}
        value={q}
        onInput={(e) => {
          setQ((e.currentTarget as HTMLInputElement).value);
          setI(0);
        }}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setI(Math.min(i + 1, list.length - 1));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setI(Math.max(i - 1, 0));
          } else if (e.key === "Enter") {
            e.preventDefault();
            const r = list[i];
            if (r) props.onPick(r);
          } else if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            props.onClose();
          }
        }}
      />
      {props.replies === null ? (
        <p class="muted small pad">Loading…</p>
      ) : list.length === 0 ? (
        <p class="muted small pad">{props.replies.length === 0 ? "No canned replies yet." : "None match."}</p>
      ) : (
        <ul class="popover-list" role="listbox" id="canned-options" aria-label="Canned replies">
          {list.map((r, n) => (
            <li
              key={r.id}
              id={`canned-option-${r.id}`}
              role="option"
              aria-selected={n === i ? "true" : "false"}
              class={n === i ? "canned active" : "canned"}
              // mousedown would move focus out of the search field (and close nothing)
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => props.onPick(r)}
              onMouseEnter={() => setI(n)}
            >
              <strong>{r.title}</strong>
              <span class="muted ellipsis">{r.body}</span>
            </li>
          ))}
        </ul>
      )}
      <button class="popover-foot link" onClick={props.onManage}>
        Manage canned replies…
      </button>
    </div>
  );
}
