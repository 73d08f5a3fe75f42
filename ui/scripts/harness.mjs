// The window in Chromium without the shell, shared by the look-check (preview.mjs) and the
// accessibility check (a11y.mjs): serves ui/dist with the CSP of src-tauri/tauri.conf.json (so
// a CSP mistake shows here), installs the fake shell scripts/fake-backend.js before the app
// loads, and opens pages in Debian's Chromium through playwright-core ($CHROMIUM overrides
// /usr/bin/chromium). Downloads nothing.
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ui = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(ui, "dist");

function csp() {
  const conf = resolve(ui, "../src-tauri/tauri.conf.json");
  if (existsSync(conf)) {
    const c = JSON.parse(readFileSync(conf, "utf8"))?.app?.security?.csp;
    if (c && typeof c === "object") return Object.entries(c).map(([k, v]) => `${k} ${v}`).join("; ");
    if (typeof c === "string") return c;
  }
  return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-src 'none'; object-src 'none'";
}

/**
 * Starts the server and the browser. `problems` collects console errors and warnings and
 * uncaught page errors; `init` is extra script source installed after the fake shell.
 */
export async function startPreview({ problems, init = "" }) {
  if (!existsSync(join(dist, "index.html"))) {
    console.error("ui/dist is missing: run `npm run build` first");
    process.exit(1);
  }
  const policy = csp();
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png" };
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(dist, path === "/" ? "index.html" : path);
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "content-security-policy": policy });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const fake = readFileSync(join(ui, "scripts/fake-backend.js"), "utf8");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ["--no-sandbox"] });

  /** A fresh context on the window, in a colour scheme and a fake-shell scenario. */
  async function page(scheme, scenario, url = base) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, timezoneId: "Europe/Berlin", locale: "en-GB" });
    const p = await ctx.newPage();
    p.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`[${scheme}/${scenario}] console ${m.type()}: ${m.text()}`);
    });
    p.on("pageerror", (e) => problems.push(`[${scheme}/${scenario}] page error: ${e.message}`));
    await p.addInitScript({ content: `window.__PREVIEW__ = { scenario: ${JSON.stringify(scenario)} };\n${fake}\n${init}` });
    await p.goto(url);
    return p;
  }
  async function close() {
    await browser.close();
    server.close();
  }
  return { base, page, close };
}
