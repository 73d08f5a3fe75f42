// An email's sanitised HTML in a sandboxed iframe: no allow-scripts, so nothing in it runs.
// allow-same-origin only lets the window read the content's height; without scripts the frame
// cannot use that origin. Its own CSP blocks every remote load as a second line of defence.
// The same origin also lets the window take the frame's link clicks: a link never navigates the
// frame or the window; it goes to Env.openLink (lib/useLinks.ts), which opens it in the owner's
// browser or first asks when its text shows another address. WebKitGTK runs no listener inside
// a script-less frame, so the frame takes no pointer events and the window finds the link under
// a click by position (elementFromPoint); a listener on the frame's document (takeLinks) serves
// engines that do run it. Where a link really goes shows on hover.
import { useRef, useState } from "preact/hooks";
import { useEnv } from "../context";

export function srcdocFor(html: string): string {
  return (
    "<!doctype html><html><head><meta charset=\"utf-8\">" +
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">" +
    "<style>html,body{margin:0;padding:0;background:#fff;color:#1d1f24;font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Ubuntu,Cantarell,'Noto Sans',sans-serif;overflow-wrap:anywhere}" +
    "body{padding:12px 14px}img{max-width:100%;height:auto}table{max-width:100%}blockquote{margin:0 0 0 4px;padding-left:10px;border-left:3px solid #d0d4dc;color:#4a4f5c}" +
    "pre{white-space:pre-wrap}a{color:#2546c6}</style></head><body>" +
    html +
    "</body></html>"
  );
}

/** The link a click in the frame's document landed on, if any (elements of another realm: no instanceof). */
export function linkOf(target: EventTarget | null): HTMLAnchorElement | null {
  const el = target as (Node & { closest?: (s: string) => Element | null }) | null;
  const start = el && typeof el.closest !== "function" ? (el.parentNode as typeof el | null) : el;
  return (start?.closest?.("a") as HTMLAnchorElement | null) ?? null;
}

/** Sends every link click in `doc` to `open` (href, visible text) instead of following it. */
export function takeLinks(doc: Document, open: (href: string, text: string) => void) {
  for (const a of Array.from(doc.querySelectorAll("a[href]"))) {
    if (!a.getAttribute("title")) a.setAttribute("title", a.getAttribute("href") ?? "");
  }
  const onClick = (e: Event) => {
    const a = linkOf(e.target);
    if (!a) return;
    e.preventDefault();
    const href = a.getAttribute("href");
    if (href && (e.type === "click" || (e as MouseEvent).button === 1)) open(href.trim(), a.textContent ?? "");
  };
  doc.addEventListener("click", onClick);
  doc.addEventListener("auxclick", onClick);
}

export function HtmlFrame({ html, title }: { html: string; title: string }) {
  const { openLink } = useEnv();
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(160);
  // The newest handler, for listeners added once per loaded document.
  const openRef = useRef(openLink);
  openRef.current = openLink;
  const fit = () => {
    try {
      const doc = ref.current?.contentDocument;
      const h = doc?.documentElement?.scrollHeight;
      if (h && h > 0) setHeight(Math.min(h + 4, 1600));
    } catch {
      // a cross-origin frame keeps the default height and scrolls
    }
  };
  // WebKitGTK runs no listener in a script-less frame, the window's neither: the frame takes no
  // pointer events (.mail-html), and a click on it is found in its document by position.
  /** The link drawn under the pointer, if any. */
  const linkAt = (e: MouseEvent): { a: HTMLAnchorElement; href: string } | null => {
    const frame = ref.current;
    const doc = frame?.contentDocument;
    if (!frame || !doc) return null;
    const r = frame.getBoundingClientRect();
    const a = linkOf(doc.elementFromPoint(e.clientX - r.left - frame.clientLeft, e.clientY - r.top - frame.clientTop));
    const href = a?.getAttribute("href")?.trim();
    return a && href ? { a, href } : null;
  };
  const onClick = (e: MouseEvent) => {
    const link = linkAt(e);
    if (!link) return;
    e.preventDefault();
    openRef.current(link.href, link.a.textContent ?? "");
  };
  // Where a link goes shows on hover, as the browser's status line would.
  const onMove = (e: MouseEvent) => {
    const link = linkAt(e);
    const wrap = e.currentTarget as HTMLElement;
    wrap.style.cursor = link ? "pointer" : "";
    wrap.title = link?.href ?? "";
  };
  return (
    <div class="mail-html-wrap" onClick={onClick} onMouseMove={onMove} data-testid="mail-html">
    <iframe
      ref={ref}
      class="mail-html"
      title={title}
      sandbox="allow-same-origin"
      referrerpolicy="no-referrer"
      srcdoc={srcdocFor(html)}
      height={height}
      onLoad={() => {
        fit();
        const doc = ref.current?.contentDocument;
        if (doc) takeLinks(doc, (href, text) => openRef.current(href, text));
      }}
    />
    </div>
  );
}
