// Triage above the list: a chip per active filter (tag, priority, site), each removable, and a
// picker for each filter not set (the sort is SortControl, in the list's header). Tags come from list_tags (fetched again when
// the picker is opened, so a tag added a minute ago is there), sites from list_sites.
import { useEffect, useState } from "preact/hooks";
import type { Priority } from "../bindings";
import { api } from "../api";
import { PRIORITIES, isFiltered, type ListFilters } from "../lib/listQuery";

type Kind = "tag" | "priority" | "site";
const LABELS: Record<Kind, string> = { tag: "Tag", priority: "Priority", site: "Site" };
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export function FilterBar(props: { filters: ListFilters; onChange: (f: ListFilters) => void }) {
  const f = props.filters;
  const [tags, setTags] = useState<string[]>([]);
  const [sites, setSites] = useState<string[]>([]);
  const loadTags = () => api.listTags().then(setTags, () => {});
  useEffect(() => {
    loadTags();
    api.listSites().then((s) => setSites(s.map((x) => x.name)), () => {});
  }, []);
  const set = (k: Kind, v: string | null) => props.onChange({ ...f, [k]: v });
  const options: Record<Kind, { value: string; label: string }[]> = {
    tag: tags.map((t) => ({ value: t, label: t })),
    priority: PRIORITIES.map((p) => ({ value: p, label: cap(p) })),
    site: sites.map((s) => ({ value: s, label: s })),
  };
  return (
    <div class="filter-bar" role="group" aria-label="Filters" data-testid="filter-bar">
      {(["tag", "priority", "site"] as Kind[]).map((k) => {
        const value = f[k];
        if (value !== null) return <Chip key={k} kind={k} value={k === "priority" ? cap(value) : value} raw={value} onRemove={() => set(k, null)} />;
        if (k === "site" && sites.length === 0) return null;
        return (
          <select
            key={k}
            class="chip-pick"
            data-testid={`filter-${k}`}
            aria-label={`Filter by ${k}`}
            value=""
            onFocus={k === "tag" ? loadTags : undefined}
            onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              if (v) set(k, k === "priority" ? (v as Priority) : v);
            }}
          >
            <option value="">{LABELS[k]}</option>
            {options[k].length === 0 && (
              <option value="" disabled>
                {k === "tag" ? "No tags yet" : "None"}
              </option>
            )}
            {options[k].map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        );
      })}
      {isFiltered(f) && (
        <button class="link small" data-testid="filter-clear" onClick={() => props.onChange({ ...f, tag: null, priority: null, site: null })}>
          Clear
        </button>
      )}
    </div>
  );
}

function Chip(props: { kind: Kind; value: string; raw: string; onRemove: () => void }) {
  return (
    <span class="chip" data-testid="filter-chip" data-filter={props.kind} data-value={props.raw}>
      <span class="chip-kind">{LABELS[props.kind]}:</span> {props.value}
      <button
        class="chip-x"
        data-testid="filter-chip-remove"
        aria-label={`Remove the ${props.kind} filter ${props.value}`}
        title="Remove this filter"
        onClick={props.onRemove}
      >
        ×
      </button>
    </span>
  );
}
