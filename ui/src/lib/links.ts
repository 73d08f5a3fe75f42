// A mail's links: where one really goes, and whether its visible text shows another address —
// the phishing trick of a link that reads "bank.example" or "https://bank.example" and goes to
// "https://evil.example/…". Text "shows an address" when it (or one of its words starting with
// http://, https:// or www.) parses as a web URL, looks like a host name (with or without a
// path), or is a mail address; the two are compared by host, through the URL parser (so
// "Bank.Example." and an IDN spelling compare as the browser would resolve them). A link with
// a user name in it ("https://bank.example@evil.example") always asks: it reads as one host and
// goes to another. Pure: HtmlFrame asks, lib/useLinks.ts acts.

/** Where a link goes: a web host, a mail address, or a phone number. */
export type LinkTarget = { kind: "web"; host: string; tricky: boolean } | { kind: "mail"; address: string; host: string } | { kind: "tel" };

/** What a link's text shows: a host (from a URL or a bare host name) or a mail address. */
export type Shown = { kind: "host"; host: string; text: string } | { kind: "mail"; address: string; host: string; text: string };

/** Lower case, no trailing dot, no leading "www.": how hosts are compared. */
function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, "").replace(/^www\./, "");
}

/** The host as the URL parser resolves it (punycode for IDN), or null. */
function parsedHost(host: string): string | null {
  try {
    const h = new URL(`http://${host}/`).hostname;
    return h ? normalHost(h) : null;
  } catch {
    return null;
  }
}

/** The target of `href`, or null when it is not an http(s), mailto or tel link that parses. */
export function linkTarget(href: string): LinkTarget | null {
  let url: URL;
  try {
    url = new URL(href.trim());
  } catch {
    return null;
  }
  switch (url.protocol) {
    case "http:":
    case "https:":
      return url.hostname ? { kind: "web", host: normalHost(url.hostname), tricky: url.username !== "" || url.password !== "" } : null;
    case "mailto:": {
      let address: string;
      try {
        address = decodeURIComponent(url.pathname).trim().toLowerCase();
      } catch {
        return null;
      }
      const at = address.lastIndexOf("@");
      const host = at > 0 ? parsedHost(address.slice(at + 1)) : null;
      return host ? { kind: "mail", address: `${address.slice(0, at)}@${host}`, host } : null;
    }
    case "tel:":
      return { kind: "tel" };
    default:
      return null;
  }
}

// A host name: labels of letters, digits and inner hyphens, a top-level label of letters;
// then maybe a port and a path, query or fragment.
const HOST_LIKE = /^(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,63}\.?(?::\d{1,5})?(?:[/?#]\S*)?$/u;
const MAIL_LIKE = /^(?:mailto:)?([^\s@<>()[\]"',;:]+)@([^\s@<>()[\]"',;:]+)$/i;
const WEB_URL = /^https?:\/\//i;

/** What `word` (no spaces) shows, if it is an address. */
function shownBy(word: string): Shown | null {
  const text = word.replace(/^[<(["'«“‘]+/, "").replace(/[>)\]"'»”’.,;:!?]+$/, "");
  if (!text) return null;
  const mail = MAIL_LIKE.exec(text);
  if (mail) {
    const host = parsedHost(mail[2]!);
    return host && HOST_LIKE.test(mail[2]!) ? { kind: "mail", address: `${mail[1]!.toLowerCase()}@${host}`, host, text } : null;
  }
  if (WEB_URL.test(text)) {
    try {
      const url = new URL(text);
      return url.hostname ? { kind: "host", host: normalHost(url.hostname), text } : null;
    } catch {
      return null;
    }
  }
  if (HOST_LIKE.test(text)) {
    const host = parsedHost(text.split(/[/?#]/)[0]!.replace(/:\d+$/, ""));
    return host ? { kind: "host", host, text } : null;
  }
  return null;
}

/**
 * The addresses a link's text shows: the whole text when it is one, else each of its words
 * that is a web URL or starts with "www." (a bare word like "Node.js" inside a sentence is not
 * taken for a host).
 */
export function shownAddresses(text: string): Shown[] {
  const t = text.replace(/\s+/g, " ").trim();
  if (!t) return [];
  if (!t.includes(" ")) {
    const whole = shownBy(t);
    return whole ? [whole] : [];
  }
  return t
    .split(" ")
    .filter((w) => WEB_URL.test(w.replace(/^[<(["']+/, "")) || /^[<(["']*www\./i.test(w))
    .map(shownBy)
    .filter((s): s is Shown => s !== null);
}

/** `host` is `shown` or one of its subdomains (login.bank.example is bank.example's). */
function within(host: string, shown: string): boolean {
  return host === shown || host.endsWith(`.${shown}`);
}

/** Whether `shown` names another place than `target`. */
function differs(shown: Shown, target: LinkTarget): boolean {
  if (target.kind === "tel") return true;
  if (shown.kind === "mail" && target.kind === "mail") return shown.address !== target.address;
  return !within(target.host, shown.host);
}

/**
 * Whether the link should be confirmed before it opens: its text shows an address that is not
 * where it goes, or it hides a host behind a user name. A link that does not parse is not
 * asked about (the shell refuses it with its reason).
 */
export function showsOtherAddress(text: string, href: string): boolean {
  const target = linkTarget(href);
  if (!target) return false;
  if (target.kind === "web" && target.tricky) return true;
  return shownAddresses(text).some((s) => differs(s, target));
}

/** The parts of `href` for the confirm sheet: the host stands out from the rest. */
export function addressParts(href: string): { before: string; host: string; after: string } {
  try {
    const url = new URL(href.trim());
    if (url.hostname) {
      const user = url.username ? `${url.username}${url.password ? `:${url.password}` : ""}@` : "";
      return { before: `${url.protocol}//${user}`, host: url.host, after: `${url.pathname}${url.search}${url.hash}` };
    }
    if (url.protocol === "mailto:") return { before: "mailto:", host: url.pathname, after: url.search };
  } catch {
    // shown as it is
  }
  return { before: "", host: href, after: "" };
}
