// The search box: typing searches after a short pause (debounced list_tickets), Enter at once,
// Esc clears and hands the keyboard back to the list. "/" anywhere focuses it (App).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { debounce } from "../lib/debounce";
import { Icon } from "./Icon";

export const SEARCH_DELAY_MS = 250;

export function SearchBox(props: { onSearch: (q: string) => void; inputRef?: { current: HTMLInputElement | null } }) {
  const [value, setValue] = useState("");
  const own = useRef<HTMLInputElement>(null);
  const ref = props.inputRef ?? own;
  const onSearch = useRef(props.onSearch);
  onSearch.current = props.onSearch;
  const run = useMemo(() => debounce((q: string) => onSearch.current(q.trim()), SEARCH_DELAY_MS), []);
  useEffect(() => () => run.cancel(), [run]);
  return (
    <div class="search" data-testid="search" role="search">
      <Icon name="search" class="search-icon" />
      <input
        ref={ref}
        type="search"
        data-testid="search-input"
        placeholder="Search tickets and messages"
        aria-label="Search tickets and messages"
        value={value}
        onInput={(e) => {
          const q = (e.currentTarget as HTMLInputElement).value;
          setValue(q);
          run(q);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            run.flush();
          } else if (e.key === "Escape") {
            if (value !== "") {
              setValue("");
              run("");
              run.flush();
            }
            (e.currentTarget as HTMLInputElement).blur();
          }
        }}
      />
      <kbd class="hint search-key" title="Press / to search">/</kbd>
    </div>
  );
}
