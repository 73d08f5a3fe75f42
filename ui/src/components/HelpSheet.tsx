// The "?" sheet: every key the window answers to.
import { SHORTCUTS } from "../lib/keys";
import { Sheet } from "./Sheet";

export function HelpSheet({ onClose }: { onClose: () => void }) {
  return (
    <Sheet title="Keyboard shortcuts" onClose={onClose} testid="help-sheet">
      <dl class="keys">
        {SHORTCUTS.map((s) => (
          <div class="keys-row" key={s.label}>
            <dt>
              {s.keys.map((k, i) => (
                <>
                  {i > 0 && <span class="plus">+</span>}
                  <kbd>{k}</kbd>
                </>
              ))}
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">Shortcuts work whenever you are not typing in a field. Hover a button to see its key.</p>
    </Sheet>
  );
}
