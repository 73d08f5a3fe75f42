// The widget from anywhere: the site serves its own copy of widget.js (written by `deskbell site
// widget`), and Deskbell's listener is down (the laptop sleeps). The widget must still appear
// and offer the prefilled mail to the support address; that mail, imported as the owner's
// mailbox would deliver it, becomes the ticket. Needs DESKBELL_BIN; the test keeps its own data
// directory (no Deskbell runs on it: that is the point). DESKBELL_TEST_PAGE, when set, lets it
// compare the copy with what the running listener serves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const PAGE = process.env.DESKBELL_TEST_PAGE || '';
const BIN = process.env.DESKBELL_BIN || '';
const SKIP = BIN ? false : 'set DESKBELL_BIN';
const SHOTS = process.env.DESKBELL_SHOTS || new URL('../../target/screenshots/widget/', import.meta.url).pathname;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
let DATA;
// The owner, as `deskbell` reads them from the environment; the support address follows.
const OWNER = { DESKBELL_OWNER_EMAIL: 'rosa@example.com', DESKBELL_OWNER_TIMEZONE: 'UTC' };
before(async () => {
  if (SKIP) return;
  DATA = mkdtempSync(join(tmpdir(), 'deskbell-selfhosted-'));
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.DESKBELL_CHROMIUM || '/usr/bin/chromium', args: ARGS });
});
after(async () => {
  await browser?.close();
  if (DATA) rmSync(DATA, { recursive: true, force: true });
});

const W = (page, sel) => page.locator(`deskbell-widget ${sel}`);
function deskbell(args, extra = {}) {
  const env = { ...process.env, XDG_CONFIG_HOME: join(DATA, 'config'), ...OWNER, ...extra };
  delete env.DESKBELL_CONFIG;
  return execFileSync(BIN, ['--data-dir', DATA, ...args], { encoding: 'utf8', env });
}
const cli = (...args) => JSON.parse(deskbell(args));

/** A loopback port with nothing listening on it: where the sleeping laptop's address leads. */
async function deadPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

test('widget.js hosted on the site itself, the listener down: the mail fallback is offered and becomes the ticket', { skip: SKIP }, async (t) => {
  // The site's own origin: a static server for its page and the widget.js it was given.
  let files = null;
  const site = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/widget.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      return res.end(files.js);
    }
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(files.html);
    }
    res.writeHead(404).end();
  });
  await new Promise((r) => site.listen(0, '127.0.0.1', r));
  t.after(() => site.close());
  const origin = `http://127.0.0.1:${site.address().port}`;
  const endpoint = `http://127.0.0.1:${await deadPort()}`;

  const name = `Own copy ${site.address().port}`;
  cli('site', 'add', name, '--origin', origin, '--json');
  const out = join(DATA, 'upload');
  const printed = deskbell(['site', 'widget', name, '--out', out], { DESKBELL_INTAKE_PUBLIC_URL: endpoint });
  const snippet = readFileSync(join(out, 'snippet.html'), 'utf8').trim();
  assert.ok(printed.includes(snippet), printed);
  assert.match(snippet, /^<script src="\/widget\.js" data-endpoint="http:\/\/127\.0\.0\.1:\d+" data-bot-token="dbt_[0-9a-f]{32}" data-support-email="[^"]+" async><\/script>$/);
  assert.ok(snippet.includes(`data-endpoint="${endpoint}"`), snippet);
  files = {
    js: readFileSync(join(out, 'widget.js')),
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rosa's Bakery</title></head>
<body><h1>Rosa's Bakery</h1><p>Cakes to order.</p>
${snippet}
</body></html>`,
  };
  if (PAGE) {
    // The copy is the very script the listener serves.
    const demo = await (await fetch(PAGE)).text();
    const listener = demo.match(/data-endpoint="([^"]+)"/)[1];
    const served = Buffer.from(await (await fetch(new URL('/widget.js', listener))).arrayBuffer());
    assert.ok(served.equals(files.js), 'widget.js is the listener\'s own bytes');
  }
  const down = await fetch(`${endpoint}/health`).then(() => 'up', () => 'down');
  assert.equal(down, 'down', 'nothing answers at the public address');

  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(() => ctx.close());
  const page = await ctx.newPage();
  const scripts = [];
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.Deskbell && window.Deskbell.__deskbell);
  assert.deepEqual(scripts, [`${origin}/widget.js`], 'the widget came from the site itself');
  await W(page, '.launcher').click();
  await W(page, '#db-name').waitFor({ state: 'visible' });
  await W(page, '#db-name').fill('Noor Haddad');
  await W(page, '#db-email').fill('noor@example.com');
  await W(page, '#db-issue').fill('Is the lemon tart available on Sunday?\nTwo of them, please.');
  const started = Date.now();
  await W(page, '.send').click();
  await W(page, '.off h3').waitFor({ timeout: 30000 });
  const took = Date.now() - started;
  // Within a few seconds: the widget's retry budget for "no answer" is 3 tries over ~3 s
  // (widget/README.md).
  assert.ok(took < 6000, `offered the mail after ${took} ms`);
  t.diagnostic(`the mail was offered ${took} ms after Send`);
  await page.screenshot({ path: SHOTS + 'self-hosted-listener-down.png' });

  // The visitor's mail client sends the prepared mail to the support address.
  const support = await page.locator('script[data-bot-token]').getAttribute('data-support-email');
  const url = new URL(await W(page, '.mail').getAttribute('href'));
  assert.equal(url.protocol, 'mailto:');
  const to = decodeURIComponent(url.pathname);
  assert.equal(to, support, 'the support address');
  assert.equal(to, 'rosa+support@example.com');
  const subject = url.searchParams.get('subject') ?? '';
  const body = url.searchParams.get('body') ?? '';
  assert.equal(subject, 'Support request from Noor Haddad');
  const eml = [
    'From: Noor Haddad <noor@example.com>', `To: ${to}`, `Subject: ${subject}`,
    `Message-ID: <selfhosted-${Date.now()}@example.com>`, 'Date: Wed, 25 Nov 2026 11:00:00 +0000',
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body,
  ].join('\r\n');
  const file = `${DATA}/selfhosted-fallback.eml`;
  writeFileSync(file, eml);
  const [result] = cli('mail', 'import', file, '--json');
  assert.equal(result.outcome, 'new ticket');

  const ticket = cli('tickets', 'list', '--status', 'all', '--json').find((x) => x.ticket_id === result.ticket_id);
  assert.ok(ticket, `${result.ticket_id} is listed`);
  assert.equal(ticket.visitor.name, 'Noor Haddad');
  assert.equal(ticket.visitor.email, 'noor@example.com');
  assert.equal(ticket.issue, 'Is the lemon tart available on Sunday?\nTwo of them, please.');
  assert.equal(ticket.page_url, `${origin}/`);
  assert.equal(ticket.channel, 'email');
});
