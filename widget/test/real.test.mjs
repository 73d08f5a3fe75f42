// End-to-end against the real Deskbell: `deskbell demo` serves the demo page on one loopback
// origin and the intake listener on another. Needs DESKBELL_TEST_PAGE (the demo page URL),
// DESKBELL_BIN and DESKBELL_DATA_DIR (to read the stored ticket back with the CLI).
// Screenshots of each state go to DESKBELL_SHOTS (default ../target/screenshots/widget).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';

const PAGE = process.env.DESKBELL_TEST_PAGE || '';
const BIN = process.env.DESKBELL_BIN || '';
const DATA = process.env.DESKBELL_DATA_DIR || '';
const SKIP = PAGE && BIN && DATA ? false : 'set DESKBELL_TEST_PAGE, DESKBELL_BIN and DESKBELL_DATA_DIR';
const SHOTS = process.env.DESKBELL_SHOTS || new URL('../../target/screenshots/widget/', import.meta.url).pathname;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
before(async () => {
  if (SKIP) return;
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(PAGE)) throw new Error(`refusing non-loopback page ${PAGE}`);
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.DESKBELL_CHROMIUM || '/usr/bin/chromium', args: ARGS });
});
after(async () => { await browser?.close(); });

const W = (page, sel) => page.locator(`deskbell-widget ${sel}`);
const cli = (...args) => JSON.parse(execFileSync(BIN, ['--data-dir', DATA, ...args], { encoding: 'utf8' }));

async function fresh(t, url, viewport = { width: 1280, height: 800 }) {
  const ctx = await browser.newContext({ viewport });
  t.after(() => ctx.close());
  const page = await ctx.newPage();
  await page.goto(url + (url.includes('?') ? '&' : '?') + 'calm');
  await page.waitForFunction(() => window.Deskbell && window.Deskbell.__deskbell);
  return page;
}

const endpointOf = (page) => page.locator('script[data-endpoint]').getAttribute('data-endpoint');

async function openPanel(page) {
  // The demo page may open the widget itself via its own chat button; use the launcher.
  if (!(await W(page, '#db-name').isVisible())) await W(page, '.launcher').click();
  await W(page, '#db-name').waitFor({ state: 'visible' });
}

test('a visitor raises a ticket; it is stored with their words; screenshots of each state', { skip: SKIP }, async (t) => {
  const page = await fresh(t, PAGE);
  await page.screenshot({ path: SHOTS + 'closed.png' });
  await openPanel(page);
  await page.screenshot({ path: SHOTS + 'open.png' });
  await W(page, '.send').click();
  await W(page, '[aria-invalid="true"]').first().waitFor();
  await page.screenshot({ path: SHOTS + 'errors.png' });

  await W(page, '#db-name').fill('Marta Ribeiro');
  await W(page, '#db-email').fill('marta@example.com');
  await W(page, '#db-phone').fill('+351 21 555 0100');
  await W(page, '#db-issue').fill('Can I order a gluten-free cake for Saturday?\nFor 12 people.');
  await W(page, '.send').click();
  const tid = W(page, '.done .tid');
  await tid.waitFor();
  const id = (await tid.textContent()).trim();
  assert.match(id, /^TKT-\d{8}-\d{4,}$/);
  await page.screenshot({ path: SHOTS + 'success.png' });

  const stored = cli('tickets', 'show', id, '--json');
  assert.equal(stored.visitor.name, 'Marta Ribeiro');
  assert.equal(stored.visitor.email, 'marta@example.com');
  assert.equal(stored.visitor.phone, '+351 21 555 0100');
  assert.equal(stored.issue, 'Can I order a gluten-free cake for Saturday?\nFor 12 people.');
  assert.match(stored.page_url, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(stored.status, 'open');

  const mobile = await fresh(t, PAGE, { width: 390, height: 844 });
  await mobile.screenshot({ path: SHOTS + 'mobile-closed.png' });
  await openPanel(mobile);
  await mobile.screenshot({ path: SHOTS + 'mobile-open.png' });
});

test('the real server\'s field errors (422) appear next to the fields', { skip: SKIP }, async (t) => {
  const page = await fresh(t, PAGE);
  // The widget validates like the server, so change the body in flight to reach the server's
  // own 422 (the answer itself is the real listener's).
  await page.route('**/tickets/create', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const body = req.postDataJSON();
    body.visitor_email = 'not-an-address';
    body.visitor_phone = 'call me';
    return route.continue({ postData: JSON.stringify(body) });
  });
  const answers = [];
  page.on('response', (r) => { if (r.url().endsWith('/tickets/create') && r.request().method() === 'POST') answers.push(r.status()); });
  await openPanel(page);
  await W(page, '#db-name').fill('Vera');
  await W(page, '#db-email').fill('vera@example.com');
  await W(page, '#db-issue').fill('Do you deliver on Sundays?');
  await W(page, '.send').click();
  await W(page, '#db-email-err:not(:empty)').waitFor();
  assert.deepEqual(answers, [422]);
  assert.match(await W(page, '#db-email-err').textContent(), /valid email address/);
  assert.match(await W(page, '#db-phone-err').textContent(), /digits/);
  assert.equal(await W(page, '#db-email').getAttribute('aria-invalid'), 'true');
});

test('the same page on an origin the site did not register is refused and stores nothing', { skip: SKIP }, async (t) => {
  // Serve the demo page's HTML from another loopback port: same token, unregistered origin.
  const html = await (await fetch(PAGE)).text();
  const js = await (await fetch(new URL('/widget.js', PAGE))).text();
  const server = http.createServer((req, res) => {
    const isJs = req.url.startsWith('/widget.js');
    res.writeHead(200, { 'content-type': isJs ? 'text/javascript' : 'text/html' });
    res.end(isJs ? js : html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  // Every stored ticket: each status, and spam and trash too.
  const stored = () => ['all', 'spam', 'trash']
    .map((status) => cli('tickets', 'list', '--status', status, '--json').length)
    .reduce((a, b) => a + b, 0);
  const before = stored();

  const page = await fresh(t, `http://127.0.0.1:${server.address().port}/`);
  const statuses = [];
  page.on('response', (r) => { if (r.url().endsWith('/tickets/create')) statuses.push(r.status()); });
  await openPanel(page);
  await W(page, '#db-name').fill('Mallory');
  await W(page, '#db-email').fill('mallory@example.com');
  await W(page, '#db-issue').fill('This should never arrive.');
  await W(page, '.send').click();
  await W(page, '.off h3').waitFor({ timeout: 30000 });
  await page.screenshot({ path: SHOTS + 'refused-origin.png' });
  // The browser's preflight is refused, so the POST itself is normally never sent.
  assert.ok(statuses.every((s) => s === 403), `statuses ${statuses}`);
  const pre = await fetch(new URL('/tickets/create', await endpointOf(page)), {
    method: 'OPTIONS',
    headers: { origin: `http://127.0.0.1:${server.address().port}`, 'access-control-request-method': 'POST' },
  });
  assert.equal(pre.status, 403);
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  assert.equal(stored(), before, 'no ticket stored');

  // The visitor takes the "email it instead" offer: the prepared mail, once it reaches the
  // owner's mailbox and is imported, becomes a ticket with the visitor's details.
  const href = await W(page, '.mail').getAttribute('href');
  const url = new URL(href);
  const subject = url.searchParams.get('subject') ?? '';
  const body = url.searchParams.get('body') ?? '';
  // The widget percent-encodes the address (`+` → %2B); mail programs decode it.
  const to = decodeURIComponent(url.pathname);
  assert.equal(to, 'rosa+support@example.com', 'the support address');
  assert.match(subject, /^Support request from Mallory$/);
  const eml = [
    'From: Mallory <mallory@example.com>', `To: ${to}`, `Subject: ${subject}`,
    'Message-ID: <fallback-1@example.com>', 'Date: Wed, 25 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body,
  ].join('\r\n');
  const file = `${DATA}/fallback.eml`;
  writeFileSync(file, eml);
  const [result] = cli('mail', 'import', file, '--json');
  assert.equal(result.outcome, 'new ticket');
  const ticket = cli('tickets', 'show', result.ticket_id, '--json');
  assert.equal(ticket.visitor.name, 'Mallory');
  assert.equal(ticket.visitor.email, 'mallory@example.com');
  assert.equal(ticket.issue, 'This should never arrive.');
  assert.match(ticket.page_url, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(ticket.channel, 'email');
});
