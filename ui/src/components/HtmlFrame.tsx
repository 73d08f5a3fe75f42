// An email's sanitised HTML in a sandboxed iframe: no allow-scripts, so nothing in it runs.
// allow-same-origin only lets the window read the content's height; without scripts the frame
// cannot use that origin. Its own CSP blocks every remote load as a second line of defence.
import { useRef, useState } from "preact/hooks";

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

export function HtmlFrame({ html, title }: { html: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(160);
  const fit = () => {
    try {
      const doc = ref.current?.contentDocument;
      const h = doc?.documentElement?.scrollHeight;
      if (h && h > 0) setHeight(Math.min(h + 4, 1600));
    } catch {
      // a cross-origin frame keeps the default height and scrolls
    }
  };
  return (
    <iframe
      ref={ref}
      class="mail-html"
      title={title}
      sandbox="allow-same-origin"
      referrerpolicy="no-referrer"
      srcdoc={srcdocFor(html)}
      height={height}
      onLoad={fit}
    />
  );
}
