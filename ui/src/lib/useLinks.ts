// Opening a mail's links (HtmlFrame hands each click here): a link whose text shows the
// address it goes to (or no address) opens at once in the owner's browser through the shell;
// one whose text shows another address (lib/links.ts) waits for the owner in the link sheet.
import { useCallback, useState } from "preact/hooks";
import { api } from "../api";
import { showsOtherAddress } from "./links";

/** A link waiting for the owner's Open or Cancel: where it goes, and what its text said. */
export type PendingLink = { href: string; text: string };

export function useLinks(fail: (e: unknown) => void) {
  const [pending, setPending] = useState<PendingLink | null>(null);
  const open = useCallback(
    (href: string, text: string) => {
      if (showsOtherAddress(text, href)) setPending({ href, text: text.replace(/\s+/g, " ").trim() });
      else api.openLink(href).catch(fail);
    },
    [fail],
  );
  const confirm = () => {
    if (!pending) return;
    setPending(null);
    api.openLink(pending.href).catch(fail);
  };
  return { pending, open, confirm, cancel: () => setPending(null) };
}
