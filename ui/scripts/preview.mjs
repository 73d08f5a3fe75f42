// Look-check: serves ui/dist with the window's real CSP, installs a fake shell
// (scripts/fake-backend.js) and saves screenshots of every screen, light and dark, to
// target/screenshots/ui/ (or $PREVIEW_OUT). Uses Debian's Chromium through playwright-core;
// downloads nothing.
//   npm run build && node scripts/preview.mjs
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { startPreview, ui } from "./harness.mjs";

const out = process.env.PREVIEW_OUT ? resolve(process.env.PREVIEW_OUT) : resolve(ui, "../target/screenshots/ui");
mkdirSync(out, { recursive: true });
const problems = [];
const saved = [];
const preview = await startPreview({ problems });
const page = preview.page;

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

await preview.close();
console.log(saved.map((f) => `saved ${f}`).join("\n"));
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
