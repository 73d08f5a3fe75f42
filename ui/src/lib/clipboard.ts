// Copy text for the widget snippet. navigator.clipboard needs a secure context and permission,
// which a webview may lack; then fall back to selecting a hidden textarea and execCommand.

export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const nav = doc.defaultView?.navigator;
  if (nav?.clipboard?.writeText) {
    try {
      await nav.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the old way
    }
  }
  return copyBySelection(text, doc);
}

export function copyBySelection(text: string, doc: Document = document): boolean {
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  doc.body.appendChild(area);
  const previous = doc.activeElement as HTMLElement | null;
  area.focus();
  area.select();
  let ok = false;
  try {
    ok = doc.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  previous?.focus?.();
  return ok;
}
