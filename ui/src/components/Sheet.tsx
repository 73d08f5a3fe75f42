// A modal sheet (help, canned replies): Esc or the backdrop closes it, focus moves in on open
// and back to where it was on close.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { Icon } from "./Icon";

export function Sheet(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  testid?: string;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>("[autofocus], button, input, textarea, select");
    (first ?? ref.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        class={props.wide ? "sheet wide" : "sheet"}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testid}
        ref={ref}
        tabIndex={-1}
      >
        <header class="sheet-head">
          <h2>{props.title}</h2>
          <button class="icon-btn" onClick={props.onClose} title="Close (Esc)" aria-label="Close">
            <Icon name="x" />
          </button>
        </header>
        <div class="sheet-body">{props.children}</div>
      </div>
    </div>
  );
}
