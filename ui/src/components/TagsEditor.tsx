// Tags of the open ticket: chips with ×, type and press Enter (or comma) to add,
// Backspace in the empty field removes the last one. Each change is saved at once.
import { useState } from "preact/hooks";
import { addTag, removeTag } from "../lib/thread";

export function TagsEditor({ tags, onChange }: { tags: string[]; onChange: (tags: string[]) => void }) {
  const [draft, setDraft] = useState("");
  const commit = () => {
    const next = addTag(tags, draft);
    setDraft("");
    if (next !== tags) onChange(next);
  };
  return (
    <div class="tags" data-testid="tags-editor">
      {tags.map((t) => (
        <span class="tag" key={t}>
          {t}
          <button class="tag-x" aria-label={`Remove tag ${t}`} title={`Remove ${t}`} onClick={() => onChange(removeTag(tags, t))}>
            ×
          </button>
        </span>
      ))}
      <input
        class="tag-input"
        data-testid="tag-input"
        placeholder={tags.length ? "Add tag" : "Add a tag…"}
        aria-label="Add a tag"
        value={draft}
        size={Math.max(8, draft.length + 1)}
        onInput={(e) => {
          const v = (e.currentTarget as HTMLInputElement).value;
          if (v.endsWith(",")) {
            const next = addTag(tags, v.slice(0, -1));
            setDraft("");
            if (next !== tags) onChange(next);
          } else setDraft(v);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            commit();
          } else if (e.key === "Backspace" && draft === "" && tags.length > 0) {
            onChange(tags.slice(0, -1));
          }
        }}
        onBlur={() => draft.trim() && commit()}
      />
    </div>
  );
}
