// Keyboard: the window's single-key shortcuts and list cursor movement, as pure functions.
// Keys act only when the owner is not typing (except Esc, which always closes/blurs).

export type KeyAction =
  | { type: "move"; delta: 1 | -1 }
  | { type: "open" }
  | { type: "reply" }
  | { type: "note" }
  | { type: "close-ticket" }
  | { type: "snooze" }
  | { type: "trash" }
  | { type: "spam" }
  | { type: "merge" }
  | { type: "block" }
  | { type: "search" }
  | { type: "filter" }
  | { type: "help" }
  | { type: "escape" };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

export const SHORTCUTS: { keys: string[]; label: string }[] = [
  { keys: ["j"], label: "Next ticket" },
  { keys: ["k"], label: "Previous ticket" },
  { keys: ["Enter"], label: "Open the selected ticket" },
  { keys: ["r"], label: "Reply (focus the composer)" },
  { keys: ["n"], label: "Write an internal note (never sent)" },
  { keys: ["e"], label: "Close the open ticket" },
  { keys: ["z"], label: "Snooze the open ticket (or unsnooze it)" },
  { keys: ["#"], label: "Delete: move to Trash (in Trash: restore)" },
  { keys: ["!"], label: "Mark as spam (or not spam)" },
  { keys: ["Shift", "B"], label: "Block the sender (asks first; marks the ticket spam)" },
  { keys: ["Shift", "M"], label: "Merge into another ticket… (asks first)" },
  { keys: ["/"], label: "Search" },
  { keys: ["f"], label: "Filter by tag, priority or site (Tab between them)" },
  { keys: ["Ctrl", "Enter"], label: "Send the reply (or add the note)" },
  { keys: ["?"], label: "This help" },
  { keys: ["Esc"], label: "Close a sheet, leave a field" },
];

/** True when keys should go to a field rather than to shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!target || !(target as Element).tagName) return false;
  const el = target as HTMLElement;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable) return true;
  if (tag === "INPUT") {
    const type = (el as HTMLInputElement).type;
    return !["checkbox", "radio", "button", "submit", "reset", "file"].includes(type);
  }
  return false;
}

export function keyAction(e: KeyInput, typing: boolean): KeyAction | null {
  if (e.key === "Escape") return { type: "escape" };
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case "j":
    case "ArrowDown":
      return { type: "move", delta: 1 };
    case "k":
    case "ArrowUp":
      return { type: "move", delta: -1 };
    case "Enter":
      return { type: "open" };
    case "r":
      return { type: "reply" };
    case "n":
      return { type: "note" };
    case "e":
      return { type: "close-ticket" };
    case "z":
      return { type: "snooze" };
    case "#":
      return { type: "trash" };
    case "!":
      return { type: "spam" };
    case "B":
      return { type: "block" };
    case "M":
      return { type: "merge" };
    case "/":
      return { type: "search" };
    case "f":
      return { type: "filter" };
    case "?":
      return { type: "help" };
    default:
      return null;
  }
}

/** The cursor after j/k: stays on the ends, starts at the top when nothing is selected. */
export function moveCursor(ids: string[], current: string | null, delta: 1 | -1): string | null {
  if (ids.length === 0) return null;
  const i = current === null ? -1 : ids.indexOf(current);
  if (i === -1) return delta === 1 ? ids[0]! : ids[ids.length - 1]!;
  const next = Math.min(ids.length - 1, Math.max(0, i + delta));
  return ids[next]!;
}

/**
 * The cursor after the list reloads: the same ticket if it is still listed, else the row
 * that took its place (so closing a ticket in the "open" view moves on to the next one).
 */
export function keepCursor(before: string[], after: string[], current: string | null): string | null {
  if (after.length === 0) return null;
  if (current === null) return null;
  if (after.includes(current)) return current;
  const i = before.indexOf(current);
  if (i === -1) return after[0]!;
  // the first row after the old position that is still listed
  for (let j = i + 1; j < before.length; j++) {
    if (after.includes(before[j]!)) return before[j]!;
  }
  return after[Math.min(i, after.length - 1)]!;
}
