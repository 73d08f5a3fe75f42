// The list's sort: newest activity, newest tickets, or priority (urgent first, then activity).
import type { SortBy } from "../bindings";
import { SORTS } from "../lib/listQuery";

export function SortControl(props: { sort: SortBy; onChange: (s: SortBy) => void }) {
  return (
    <label class="sort" title="Sort the list">
      <span class="muted small">Sort</span>
      <select
        data-testid="sort-select"
        aria-label="Sort by"
        value={props.sort}
        onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value as SortBy)}
      >
        {SORTS.map((s) => (
          <option key={s.value} value={s.value}>
            {s.label}
          </option>
        ))}
      </select>
    </label>
  );
}
