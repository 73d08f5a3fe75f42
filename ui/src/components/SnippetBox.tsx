// The widget snippet of a site, read-only, with a Copy button that says "Copied".
import { useEffect, useRef, useState } from "preact/hooks";
import { copyText } from "../lib/clipboard";
import { Icon } from "./Icon";

const PASTE = "Paste this just before </body> on every page that should show the contact button.";

export function SnippetBox({ snippet, note = PASTE, label = "Widget snippet", testId = "snippet" }: { snippet: string; note?: string; label?: string; testId?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
  const copy = async () => {
    const ok = await copyText(snippet);
    setState(ok ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2000);
  };
  return (
    <div class="snippet">
      <textarea
        class="snippet-code mono"
        data-testid={testId}
        readOnly
        rows={Math.min(6, snippet.split("\n").length + 1)}
        value={snippet}
        aria-label={label}
        onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()}
      />
      <div class="snippet-bar">
        <span class="muted small">{note}</span>
        <button type="button" class={state === "copied" ? "btn small chosen" : "btn small"} onClick={copy} data-testid={`${testId}-copy`}>
          <Icon name={state === "copied" ? "check" : "copy"} size={14} />
          {state === "copied" ? "Copied" : state === "failed" ? "Select and copy by hand" : "Copy"}
        </button>
      </div>
    </div>
  );
}
