// Look-check: serves ui/dist with the window's real CSP, installs a fake shell
// (scripts/fake-backend.js) and saves screenshots of every screen, light and dark, to
// target/screenshots/ui/ (or $PREVIEW_OUT). Uses Debian's Chromium through playwright-core;
// downloads nothing.
//   npm run build && node scripts/preview.mjs
import { createServer } from "node:http";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ui = resolve(fileURLToPath(import.meta.url), "../..");
const dist = join(ui, "dist");
const out = process.env.PREVIEW_OUT ? resolve(process.env.PREVIEW_OUT) : resolve(ui, "../target/screenshots/ui");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(join(dist, "index.html"))) {
  console.error("ui/dist is missing: run `npm run build` first");
  process.exit(1);
}
mkdirSync(out, { recursive: true });

// The CSP of src-tauri/tauri.conf.json when the shell has one, so a CSP mistake shows here.
function csp() {
  const conf = resolve(ui, "../src-tauri/tauri.conf.json");
  if (existsSync(conf)) {
    const c = JSON.parse(readFileSync(conf, "utf8"))?.app?.security?.csp;
    if (c && typeof c === "object") return Object.entries(c).map(([k, v]) => `${k} ${v}`).join("; ");
    if (typeof c === "string") return c;
  }
  return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-src 'none'; object-src 'none'";
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

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
const problems = [];
const saved = [];

async function page(scheme, scenario, url = base) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme, timezoneId: "Europe/Berlin", locale: "en-GB" });
  const p = await ctx.newPage();
  p.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`[${scheme}/${scenario}] console ${m.type()}: ${m.text()}`);
  });
  p.on("pageerror", (e) => problems.push(`[${scheme}/${scenario}] page error: ${e.message}`));
  await p.addInitScript({ content: `window.__PREVIEW__ = { scenario: ${JSON.stringify(scenario)} };\n${fake}` });
  await p.goto(url);
  return p;
}
async function shot(p, name) {
  await p.waitForTimeout(150);
  const file = join(out, `${name}.png`);
  await p.screenshot({ path: file });
  saved.push(file);
}

for (const scheme of ["light", "dark"]) {
  // First run
  let p = await page(scheme, "firstrun");
  await p.waitForSelector('[data-testid="first-run"]');
  await shot(p, `first-run-${scheme}`);
  await p.fill('input[placeholder="Maria Rossi"]', "Maria Rossi");
  await p.fill('input[placeholder="Rossi Ceramics"]', "Rossi Ceramics");
  await p.fill('input[type="email"]', "maria.rossi.ceramics@gmail.com");
  await p.click('button[type="submit"]');
  await p.fill('[data-testid="firstrun-password"]', "wrong");
  await p.click('[data-testid="smtp-test"]');
  await p.waitForSelector('[data-testid="check-result"]');
  await shot(p, `first-run-gmail-${scheme}`);
  await p.context().close();

  // Inbox, thread, live reply, help
  p = await page(scheme, "inbox");
  await p.waitForSelector('[data-testid="ticket-row"]');
  await p.keyboard.press("j");
  await p.keyboard.press("j");
  await shot(p, `inbox-${scheme}`);
  await p.click('[data-testid="ticket-row"][data-ticket-id="TKT-20261125-0007"]');
  await p.waitForSelector('[data-testid="thread-entry"]');
  const expanders = await p.$$('[data-testid="entry-expand"]');
  if (expanders[0]) await expanders[0].click();
  await p.waitForTimeout(300);
  const frameOk = await p.evaluate(() => {
    const f = document.querySelector("iframe.mail-html");
    return f ? (f.contentDocument?.body?.textContent ?? "").length > 0 : null;
  });
  if (frameOk === false) problems.push(`[${scheme}] the HTML mail iframe stayed empty (CSP frame-src?)`);
  await shot(p, `thread-${scheme}`);
  const before = await p.$$eval('[data-testid="thread-entry"]', (e) => e.length);
  await p.evaluate(() => window.__PREVIEW_VISITOR_REPLY__("TKT-20261125-0007", "Perfect, see you soon — and thanks for the quick help!"));
  await p.waitForFunction((n) => document.querySelectorAll('[data-testid="thread-entry"]').length > n, before, { timeout: 3000 }).catch(() => problems.push(`[${scheme}] live reply did not appear in the open thread`));
  await shot(p, `thread-live-${scheme}`);
  await p.click('[data-testid="canned-open"]');
  await shot(p, `composer-canned-${scheme}`);
  await p.keyboard.press("Escape");
  await p.keyboard.press("Escape");
  await p.keyboard.press("?");
  await p.waitForSelector('[data-testid="help-sheet"]');
  await shot(p, `help-${scheme}`);
  await p.keyboard.press("Escape");

  // Triage: a filter chip and the sort, Merge into… (search, pick, confirm), the merged banner
  await p.selectOption('[data-testid="filter-tag"]', "order");
  await p.waitForSelector('[data-testid="filter-chip"][data-filter="tag"]');
  await p.selectOption('[data-testid="sort-select"]', "priority");
  await p.waitForFunction(() => document.querySelector('[data-testid="ticket-total"]')?.getAttribute("data-total") === "1");
  await shot(p, `triage-filters-${scheme}`);
  await p.click('[data-testid="filter-chip-remove"]');
  await p.click('[data-testid="status-filter"][data-status="all"]');
  await p.click('[data-testid="ticket-row"][data-ticket-id="TKT-20261122-0003"]');
  await p.waitForSelector('[data-testid="ticket-view"][data-ticket-id="TKT-20261122-0003"]');
  await p.keyboard.press("Shift+M");
  await p.waitForSelector('[data-testid="merge-search"]');
  await p.fill('[data-testid="merge-search"]', "hannah");
  await p.waitForSelector('[data-testid="merge-result"][data-ticket-id="TKT-20261125-0007"]');
  await shot(p, `merge-search-${scheme}`);
  await p.click('[data-testid="merge-result"][data-ticket-id="TKT-20261125-0007"]');
  await p.waitForSelector('[data-testid="merge-warning"]');
  await shot(p, `merge-confirm-${scheme}`);
  await p.click('[data-testid="merge-confirm"]');
  await p.waitForSelector('[data-testid="ticket-view"][data-ticket-id="TKT-20261125-0007"]');
  // the shell opens the merged one by id (as a notification would)
  await p.evaluate(() => window.__PREVIEW_EMIT__("deskbell:open-ticket", { ticketId: "TKT-20261122-0003" }));
  await p.waitForSelector('[data-testid="merged-banner"]').catch(() => problems.push(`[${scheme}] the merged banner did not show`));
  await shot(p, `merged-banner-${scheme}`);
  await p.click('[data-testid="status-filter"][data-status="spam"]');
  await p.waitForSelector('[data-testid="ticket-row"][data-ticket-id="TKT-20261125-0008"]');
  await shot(p, `spam-${scheme}`);

  // Settings
  await p.click('[data-testid="settings-open"]');
  await p.waitForSelector('[data-testid="settings-view"]');
  await shot(p, `settings-${scheme}`);
  await p.fill('[data-testid="smtp-password"]', "wrong");
  await p.click('[data-testid="smtp-test"]');
  await p.waitForSelector('[data-testid="check-result"]');
  await p.$eval('[data-testid="check-result"]', (e) => e.scrollIntoView({ block: "center" }));
  await shot(p, `settings-check-${scheme}`);
  await p.$eval('[data-testid="settings-sites"]', (e) => e.scrollIntoView({ block: "start" }));
  await p.click('[data-testid="snippet-copy"]');
  await shot(p, `settings-sites-${scheme}`);
  await p.click('[data-testid="widget-download"]');
  await p.waitForSelector('[data-testid="widget-saved"]');
  await p.$eval('[data-testid="self-host"]', (e) => e.scrollIntoView({ block: "center" }));
  await shot(p, `settings-sites-selfhost-${scheme}`);
  await p.context().close();

  // A long list: virtualised, paged as it scrolls
  p = await page(scheme, "many");
  await p.waitForSelector('[data-testid="ticket-row"]');
  const inDom = await p.$$eval('[data-testid="ticket-row"]', (e) => e.length);
  if (inDom > 60) problems.push(`[${scheme}] the long list rendered ${inDom} rows (not virtualised?)`);
  await p.$eval('[data-testid="ticket-list"]', (e) => (e.scrollTop = 300 * 80));
  await p.waitForFunction(() => !document.querySelector('[data-testid="row-loading"]') && document.querySelector('[data-testid="ticket-row"][aria-posinset="301"]'), null, { timeout: 3000 })
    .catch(() => problems.push(`[${scheme}] scrolling the long list did not load its next page`));
  await shot(p, `long-list-${scheme}`);
  await p.context().close();

  // Empty inbox; problems (sync error, queued and failed mail)
  p = await page(scheme, "empty");
  await p.waitForSelector('[data-testid="empty-state"]');
  await shot(p, `empty-${scheme}`);
  await p.context().close();
  p = await page(scheme, "problems");
  await p.waitForSelector('[data-testid="sync-error"]');
  await shot(p, `problems-${scheme}`);
  await p.context().close();
}

await browser.close();
server.close();
console.log(saved.map((f) => `saved ${f}`).join("\n"));
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
