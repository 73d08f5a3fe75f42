// Browser tests for widget/widget.js: Debian's Chromium driven by playwright-core.
//
// Targets (traffic stays on loopback):
//   DESKBELL_TEST_PAGE=http://127.0.0.1:PORT/demo.html   the demo page served by the real intake
//                                                          listener (placeholders filled in)
//   DESKBELL_TEST_STUB=1                                  start widget/stub/server.mjs instead
// Neither set: every test is skipped, saying so.
// DESKBELL_CHROMIUM overrides the browser path (default /usr/bin/chromium).
//
// Error paths (422, 429, 401, 503, unreachable) are produced with Playwright request routing,
// so they behave the same against the real listener and the stub; the happy path goes over
// the network to whichever server is the target.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const REAL = process.env.DESKBELL_TEST_PAGE || '';
const USE_STUB = process.env.DESKBELL_TEST_STUB === '1';
const SKIP = !REAL && !USE_STUB ? 'set DESKBELL_TEST_PAGE=<demo page URL> or DESKBELL_TEST_STUB=1' : false;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TICKET = /^TKT-\d{8}-\d{4,}$/;
const BODY_KEYS = ['bot_token', 'session_id', 'visitor_name', 'visitor_email', 'visitor_phone', 'issue', 'page_url', 'website'];

let browser, stub, pageUrl, origin;

before(async () => {
  if (SKIP) return;
  if (REAL) pageUrl = REAL;
  else {
    const { startStub } = await import('../stub/server.mjs');
    stub = await startStub();
    pageUrl = stub.pageUrl;
  }
  const u = new URL(pageUrl);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`refusing non-loopback test page ${pageUrl}`);
  origin = u.origin;
  browser = await chromium.launch({ executablePath: process.env.DESKBELL_CHROMIUM || '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  await stub?.close();
});

/** A fresh page (own context, so sessionStorage is fresh) on the demo page. */
async function open(t, { viewport = { width: 1280, height: 800 }, colorScheme = 'light', query = '', setup } = {}) {
  const ctx = await browser.newContext({ viewport, colorScheme });
  t.after(() => ctx.close());
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  t.after(() => assert.deepEqual(errors.map(String), [], 'no uncaught errors on the page'));
  /** Every POST the widget makes to /tickets/create. */
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/tickets/create')) posts.push(r);
  });
  if (setup) await setup(page);
  await page.goto(pageUrl + query);
  await page.waitForFunction(() => window.Deskbell && window.Deskbell.__deskbell);
  return { page, posts };
}

/** axe-core's source, run in the page through the DevTools protocol (the page's CSP does not apply). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  resultTypes: ['violations'],
};
/**
 * Runs axe-core over the widget (its shadow tree; the host page is not ours) and fails on a
 * serious or critical violation, printing each one's rule, impact, help and nodes.
 */
async function axeCheck(page, state) {
  await W(page, '.panel').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished))).catch(() => {});
  if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
  const { violations } = await page.evaluate((o) => window.axe.run({ include: [['deskbell-widget']] }, o), AXE_OPTIONS);
  const text = violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.map((n) => `    ${JSON.stringify(n.target)}: ${(n.failureSummary || '').split('\n').slice(1).join(' ').trim()}`).join('\n')).join('\n  ');
  if (text) console.log(`axe [${state}]:\n  ${text}`);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact})`), [], `axe: serious or critical violations in the widget (${state})`);
}

const W = (page, sel) => page.locator(`deskbell-widget ${sel}`);
/** id (or class) of the element focused inside the widget, '' when focus is outside it. */
const focused = (page) => page.evaluate(() => {
  const h = document.querySelector('deskbell-widget');
  const a = document.activeElement === h ? h.shadowRoot.activeElement : null;
  return a ? a.id || a.className || a.tagName.toLowerCase() : '';
});

async function fill(page, { name = 'Sam Lee', email = 'sam@example.com', phone = '', issue = 'My cake order is late.' } = {}) {
  await W(page, '#db-name').fill(name);
  await W(page, '#db-email').fill(email);
  await W(page, '#db-phone').fill(phone);
  await W(page, '#db-issue').fill(issue);
}

async function openPanel(page) {
  await W(page, '.launcher').click();
  await W(page, '.panel').waitFor();
  await W(page, '.panel').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
}

/** Route the ticket endpoint through `answers` (then pass through to the server). */
async function answer(page, answers) {
  const queue = [...answers];
  await page.route('**/tickets/create', async (route) => {
    if (route.request().method() === 'OPTIONS') return route.continue();
    const a = queue.shift();
    if (!a) return route.continue();
    if (a === 'refused') return route.abort('connectionrefused');
    return route.fulfill({
      status: a.status,
      contentType: 'application/json',
      headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After', ...(a.headers || {}) },
      body: JSON.stringify(a.body || {}),
    });
  });
}

/** A blank page on the test origin that loads widget.js with the given attributes. */
async function blankWith(t, attrs) {
  const ctx = await browser.newContext();
  t.after(() => ctx.close());
  const page = await ctx.newPage();
  const warnings = [], errors = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  page.on('pageerror', (e) => errors.push(e));
  const blank = `${origin}/__deskbell_test_blank`;
  await page.route(blank, (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title><p>blank</p>' }));
  await page.goto(blank);
  const before = await page.evaluate(() => Object.getOwnPropertyNames(window));
  await page.evaluate(({ src, attrs }) => new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v);
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.body.appendChild(s);
  }), { src: `${origin}/widget.js`, attrs });
  const after = await page.evaluate(() => Object.getOwnPropertyNames(window));
  return { page, warnings, errors, added: after.filter((k) => !before.includes(k)) };
}

test('adds no global but window.Deskbell', { skip: SKIP }, async (t) => {
  const { page, added, errors } = await blankWith(t, { 'data-bot-token': 'x', 'data-endpoint': origin });
  assert.deepEqual(added, ['Deskbell']);
  assert.deepEqual(errors, []);
  assert.equal(await page.locator('deskbell-widget').count(), 1);
});

test('without a bot token: one warning, nothing shown, API is a harmless no-op', { skip: SKIP }, async (t) => {
  const { page, warnings, errors, added } = await blankWith(t, {});
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /data-bot-token/);
  assert.deepEqual(errors, []);
  assert.deepEqual(added, ['Deskbell']);
  assert.equal(await page.locator('deskbell-widget').count(), 0);
  await page.evaluate(() => { window.Deskbell.open({ name: 'x' }); window.Deskbell.close(); window.Deskbell.on('ticket', () => {}); });
});

test('the host page CSS cannot reach the widget', { skip: SKIP }, async (t) => {
  // The demo page ships hostile global CSS (* { font-size: 30px; color: red } button { display: none } …).
  const { page } = await open(t);
  const launcher = W(page, '.launcher');
  assert.ok(await launcher.isVisible());
  const box = await launcher.boundingBox();
  assert.equal(Math.round(box.width), 56);
  assert.ok(box.x + box.width <= 1280 - 16 && box.y + box.height <= 800 - 16, 'bottom-right corner');
  assert.equal(await launcher.getAttribute('aria-label'), await page.locator('script[data-bot-token]').getAttribute('data-title'));
  await openPanel(page);
  const style = (sel, prop) => W(page, sel).evaluate((el, p) => getComputedStyle(el)[p], prop);
  assert.equal(await style('label[for=db-name]', 'fontSize'), '14px');
  assert.notEqual(await style('label[for=db-name]', 'color'), 'rgb(255, 0, 0)');
  assert.equal(await style('#db-name', 'borderTopWidth'), '1px');
  assert.equal(await style('#db-name', 'boxSizing'), 'border-box');
  assert.ok(await W(page, '.send').isVisible());
});

test('keyboard: focus moves in, stays trapped, Escape closes back to the launcher', { skip: SKIP }, async (t) => {
  const { page } = await open(t);
  await W(page, '.launcher').focus();
  await page.keyboard.press('Enter');
  await W(page, '.panel').waitFor();
  assert.equal(await W(page, '.launcher').getAttribute('aria-expanded'), 'true');
  assert.equal(await focused(page), 'db-name');
  const seen = new Set();
  for (let k = 0; k < 12; k++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.notEqual(f, '', 'focus never leaves the panel');
    assert.notEqual(f, 'db-website', 'the honeypot is never reached');
    seen.add(f);
  }
  assert.ok(seen.has('db-issue') && seen.has('x'), 'Tab cycles through fields and the close button');
  await page.keyboard.press('Shift+Tab');
  assert.notEqual(await focused(page), '');
  await page.keyboard.press('Escape');
  await W(page, '.panel').waitFor({ state: 'hidden' });
  assert.match(await focused(page), /launcher/);
  assert.equal(await W(page, '.launcher').getAttribute('aria-expanded'), 'false');
});

test('the honeypot is invisible to people and assistive tech', { skip: SKIP }, async (t) => {
  const { page } = await open(t);
  await openPanel(page);
  const hp = W(page, 'input[name=website]');
  assert.equal(await hp.getAttribute('tabindex'), '-1');
  assert.equal(await hp.getAttribute('autocomplete'), 'off');
  assert.equal(await hp.evaluate((el) => el.closest('[aria-hidden=true]') !== null), true);
  const box = await hp.boundingBox();
  assert.ok(!box || box.x + box.width < 0 || box.width <= 1, 'off screen');
});

test('client-side validation mirrors the server rules and sends nothing', { skip: SKIP }, async (t) => {
  const { page, posts } = await open(t);
  await openPanel(page);
  await W(page, '.send').click();
  for (const id of ['db-name', 'db-email', 'db-issue']) {
    assert.equal(await W(page, `#${id}`).getAttribute('aria-invalid'), 'true', id);
    const describedBy = await W(page, `#${id}`).getAttribute('aria-describedby');
    assert.ok((await W(page, `#${describedBy}`).textContent()).length > 5, `${id} error text`);
  }
  assert.equal(await W(page, '#db-phone').getAttribute('aria-invalid'), null);
  assert.equal(await focused(page), 'db-name', 'focus goes to the first invalid field');

  const cases = [
    [{ name: '   ' }, 'db-name'],
    [{ name: 'x'.repeat(201) }, 'db-name'],
    [{ email: 'sam@example' }, 'db-email'],
    [{ email: 'sam@@example.com' }, 'db-email'],
    [{ email: '@example.com' }, 'db-email'],
    [{ email: 'sam@exa mple.com' }, 'db-email'],
    [{ email: `${'a'.repeat(250)}@b.co` }, 'db-email'],
    [{ email: 'sam@.example.com' }, 'db-email'],
    [{ email: 'sam@example.com.' }, 'db-email'],
    [{ email: 'sam@example..com' }, 'db-email'],
    [{ email: '<sam@example.com>' }, 'db-email'],
    [{ email: 'sam@example.com,x@y.zz' }, 'db-email'],
    [{ name: 'Sam\tLee' }, 'db-name'],
    [{ phone: '+ ( ) - .' }, 'db-phone'],
    [{ issue: 'bell\u0007' }, 'db-issue'],
    [{ phone: '555-CAKE' }, 'db-phone'],
    [{ phone: '1'.repeat(41) }, 'db-phone'],
    [{ issue: ' \n ' }, 'db-issue'],
    [{ issue: 'x'.repeat(5001) }, 'db-issue'],
  ];
  for (const [bad, id] of cases) {
    await fill(page, bad);
    await W(page, '.send').click();
    assert.equal(await W(page, `#${id}`).getAttribute('aria-invalid'), 'true', JSON.stringify(bad).slice(0, 60));
    assert.equal(await focused(page), id);
  }
  // Limits are inclusive and counted in characters (code points).
  await fill(page, { name: '名'.repeat(200), email: 'ÿ@exämple.de', phone: '+1 (555) 010-2030.', issue: '😀'.repeat(4998) + '\n\t' });
  for (const id of ['db-name', 'db-email', 'db-phone', 'db-issue'])
    assert.equal(await W(page, `#${id}`).getAttribute('aria-invalid'), null, id);
  assert.equal(posts.length, 0);
  await W(page, '#db-issue').fill('fixed');
  assert.equal(await W(page, '#db-issue').getAttribute('aria-invalid'), null, 'errors clear as the visitor types');
});

test('success: posts the contract body once, shows the ticket id, fires the ticket event', { skip: SKIP }, async (t) => {
  const { page, posts } = await open(t);
  await openPanel(page);
  await fill(page, { name: '  Sam Lee ', phone: '+1 (555) 010-2030', issue: 'My cake order is late.\nOrder #4411.' });
  await W(page, '.send').click();
  const tid = W(page, '.done .tid');
  await tid.waitFor();
  const id = (await tid.textContent()).trim();
  assert.match(id, TICKET);
  assert.match(await W(page, '.done').textContent(), /sam@example\.com/);
  assert.equal(await focused(page), 'h3', 'focus on the success heading');
  assert.match(await page.locator('#last-ticket').textContent(), new RegExp(id), 'queued Deskbell.on("ticket") replayed');

  assert.equal(posts.length, 1);
  const req = posts[0];
  const h = await req.allHeaders();
  assert.match(h['content-type'], /^application\/json/);
  assert.match(h['idempotency-key'], UUID);
  const body = req.postDataJSON();
  assert.deepEqual(Object.keys(body).sort(), [...BODY_KEYS].sort());
  assert.equal(body.bot_token, await page.locator('script[data-bot-token]').getAttribute('data-bot-token'));
  assert.equal(body.visitor_name, 'Sam Lee');
  assert.equal(body.visitor_phone, '+1 (555) 010-2030');
  assert.equal(body.issue, 'My cake order is late.\nOrder #4411.');
  assert.equal(body.page_url, page.url());
  assert.equal(body.website, '');
  assert.match(body.session_id, UUID);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('deskbell:draft')), null, 'draft cleared');

  // The same visitor writing again in this tab keeps the session id and gets a new key.
  await W(page, '.again').click();
  assert.equal((await W(page, '#db-name').inputValue()).trim(), 'Sam Lee', 'who they are is kept');
  await W(page, '#db-issue').fill('One more thing: candles please.');
  await W(page, '.send').click();
  await page.waitForFunction((first) => {
    const el = document.querySelector('deskbell-widget').shadowRoot.querySelector('.done .tid');
    return el && el.offsetParent !== null && el.textContent !== first;
  }, id);
  assert.equal(posts.length, 2);
  assert.equal(posts[1].postDataJSON().session_id, body.session_id);
  assert.notEqual((await posts[1].allHeaders())['idempotency-key'], h['idempotency-key']);
});

test('server field errors (422) appear next to their fields', { skip: SKIP }, async (t) => {
  const { page } = await open(t, {
    setup: (p) => answer(p, [{ status: 422, body: { error: 'invalid_fields', message: 'some fields are invalid', fields: { visitor_email: 'must be a valid email address', issue: 'must be 1 to 5000 characters' } } }]),
  });
  await openPanel(page);
  await fill(page);
  await W(page, '.send').click();
  await W(page, '#db-email-err:not(:empty)').waitFor();
  assert.equal(await W(page, '#db-email-err').textContent(), 'Email must be a valid email address.');
  assert.equal(await W(page, '#db-issue-err').textContent(), 'Message must be 1 to 5000 characters.');
  assert.equal(await W(page, '#db-email').getAttribute('aria-invalid'), 'true');
  assert.equal(await focused(page), 'db-email');
  assert.equal(await W(page, '.send').getAttribute('aria-disabled'), 'false');
});

test('429: says so, waits Retry-After, retries with the same Idempotency-Key', { skip: SKIP }, async (t) => {
  const { page, posts } = await open(t, {
    setup: (p) => answer(p, [{ status: 429, headers: { 'Retry-After': '2' }, body: { error: 'rate_limited', message: 'slow down' } }]),
  });
  await openPanel(page);
  await fill(page);
  await W(page, '.send').click();
  await page.waitForFunction(() => /Too many requests, retrying in \d s/.test(document.querySelector('deskbell-widget').shadowRoot.querySelector('.note').textContent));
  assert.equal(await W(page, '.send').getAttribute('aria-disabled'), 'true', 'disabled while sending');
  assert.equal(await W(page, '.send').getAttribute('aria-busy'), 'true');
  await W(page, '.done .tid').waitFor({ timeout: 10000 });
  assert.equal(posts.length, 2);
  const keys = await Promise.all(posts.map(async (r) => (await r.allHeaders())['idempotency-key']));
  assert.equal(keys[0], keys[1]);
});

test('429 more than three times ends in the email offer', { skip: SKIP }, async (t) => {
  const limited = { status: 429, headers: { 'Retry-After': '1' }, body: { error: 'rate_limited', message: 'slow down' } };
  const { page, posts } = await open(t, { setup: (p) => answer(p, [limited, limited, limited, limited]) });
  await openPanel(page);
  await fill(page);
  await W(page, '.send').click();
  await W(page, '.off h3').waitFor({ timeout: 15000 });
  assert.equal(posts.length, 4);
  assert.match(await W(page, '.off h3').textContent(), /lot of messages/);
});

test('unreachable: retries with backoff, keeps the draft, offers the prefilled email', { skip: SKIP }, async (t) => {
  const { page, posts } = await open(t, { setup: (p) => answer(p, ['refused', 'refused', 'refused']) });
  await openPanel(page);
  await fill(page, { phone: '+1 555 0100', issue: 'Line one\nLine two & more' });
  const started = Date.now();
  await W(page, '.send').click();
  await page.waitForFunction(() => /Trying again/.test(document.querySelector('deskbell-widget').shadowRoot.querySelector('.note').textContent));
  await W(page, '.off h3').waitFor({ timeout: 30000 });
  const took = Date.now() - started;
  assert.ok(took > 2500 && took < 10000, `gave up after ${took} ms`);
  assert.equal(posts.length, 3);
  const keys = new Set(await Promise.all(posts.map(async (r) => (await r.allHeaders())['idempotency-key'])));
  assert.equal(keys.size, 1, 'one Idempotency-Key for all tries');
  assert.equal(await focused(page), 'h3', 'focus on the fallback heading');

  const support = await page.locator('script[data-bot-token]').getAttribute('data-support-email');
  const href = await W(page, '.mail').getAttribute('href');
  const sessionId = posts[0].postDataJSON().session_id;
  const [addr, query] = href.slice('mailto:'.length).split('?');
  assert.equal(decodeURIComponent(addr), support);
  assert.match(query, /^subject=[^&]+&body=[^&]+$/);
  assert.ok(query.includes('%0D%0A'), 'CRLF line breaks');
  const q = Object.fromEntries(query.split('&').map((kv) => kv.split('=')).map(([k, v]) => [k, decodeURIComponent(v)]));
  assert.equal(q.subject, 'Support request from Sam Lee');
  assert.equal(q.body, [
    'Line one', 'Line two & more', '', '--- Deskbell ticket request ---',
    'Name: Sam Lee', 'Email: sam@example.com', 'Phone: +1 555 0100', `Page: ${page.url()}`, `Session: ${sessionId}`,
  ].join('\r\n'));

  // A reload keeps the visitor's text, and the same submission keeps its key.
  await page.unroute('**/tickets/create');
  await page.reload();
  await page.waitForFunction(() => window.Deskbell && window.Deskbell.__deskbell);
  assert.ok(await W(page, '.dot').isVisible(), 'the launcher shows an unsent message');
  await openPanel(page);
  assert.equal(await W(page, '#db-issue').inputValue(), 'Line one\nLine two & more');
  assert.equal(await W(page, '#db-email').inputValue(), 'sam@example.com');
  await W(page, '.send').click();
  await W(page, '.done .tid').waitFor();
  assert.equal((await posts[3].allHeaders())['idempotency-key'], [...keys][0]);
});

test('503 then success reuses the key; an edited message gets a new one', { skip: SKIP }, async (t) => {
  const down = { status: 503, body: { error: 'unavailable', message: 'asleep' } };
  const { page, posts } = await open(t, { setup: (p) => answer(p, [down, down, down]) });
  await openPanel(page);
  await fill(page);
  await W(page, '.send').click();
  await W(page, '.off h3').waitFor({ timeout: 30000 });
  await W(page, '.edit').click();
  await W(page, '#db-issue').fill('My cake order is late. Edited.');
  await W(page, '.send').click();
  await W(page, '.done .tid').waitFor();
  const keys = await Promise.all(posts.map(async (r) => (await r.allHeaders())['idempotency-key']));
  assert.equal(keys.length, 4);
  assert.equal(new Set(keys.slice(0, 3)).size, 1);
  assert.notEqual(keys[3], keys[0]);
});

test('401/403/413/415 show the generic set-up message with the email option', { skip: SKIP }, async (t) => {
  for (const status of [401, 403, 413, 415]) {
    const { page } = await open(t, { setup: (p) => answer(p, [{ status, body: { error: 'x', message: 'no' } }]) });
    await openPanel(page);
    await fill(page);
    await W(page, '.send').click();
    await W(page, '.off h3').waitFor();
    assert.match(await W(page, '.off h3').textContent(), /isn’t set up correctly/, String(status));
    assert.ok(await W(page, '.mail').isVisible());
    assert.equal(await W(page, '.retry').isVisible(), false);
  }
});

test('JS API: open with prefill, close, on/off', { skip: SKIP }, async (t) => {
  const { page } = await open(t);
  // The demo page's own "Raise Support Ticket" button calls Deskbell.open({name, email, issue}).
  await page.locator('#raise-ticket').click();
  await W(page, '.panel').waitFor();
  assert.equal(await W(page, '#db-name').inputValue(), 'Sam Lee');
  assert.equal(await W(page, '#db-email').inputValue(), 'sam@example.com');
  assert.match(await W(page, '#db-issue').inputValue(), /cake order/);
  assert.match(await focused(page), /send/, 'everything needed is filled: focus on Send');
  await page.evaluate(() => window.Deskbell.close());
  await W(page, '.panel').waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'raise-ticket', 'focus back to the opener');

  await page.evaluate(() => {
    window.__events = [];
    const f = (x) => window.__events.push(['ticket', x]);
    window.Deskbell.on('open', () => window.__events.push(['open'])).on('close', () => window.__events.push(['close']));
    window.Deskbell.on('ticket', f);
    window.Deskbell.push(['open', { name: 'Ana', email: 'ana@example.com', phone: 5550100, issue: 'Hello' }]);
  });
  assert.equal(await W(page, '#db-phone').inputValue(), '5550100');
  await W(page, '.send').click();
  await W(page, '.done .tid').waitFor();
  await W(page, '.close2').click();
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events.map((e) => e[0]), ['open', 'ticket', 'close']);
  assert.match(events[1][1].ticket_id, TICKET);
  assert.equal(events[1][1].status, 'open');
});

test('mobile: a closable bottom sheet and a small launcher', { skip: SKIP }, async (t) => {
  const { page } = await open(t, { viewport: { width: 390, height: 844 } });
  const lb = await W(page, '.launcher').boundingBox();
  assert.ok(lb.width <= 48, `launcher ${lb.width}px`);
  await openPanel(page);
  const pb = await W(page, '.panel').boundingBox();
  assert.equal(Math.round(pb.x), 0);
  assert.equal(Math.round(pb.width), 390);
  assert.equal(Math.round(pb.y + pb.height), 844);
  assert.ok(pb.height < 844 * 0.9, 'the top of the page stays visible');
  await page.mouse.click(200, 20); // the dimmed page above the sheet
  await W(page, '.panel').waitFor({ state: 'hidden' });
  assert.ok(await W(page, '.launcher').isVisible());
});

test('accent colour: readable text chosen automatically; dark scheme', { skip: SKIP }, async (t) => {
  const recolor = (color) => async (p) => {
    await p.route((u) => u.href.split('?')[0] === pageUrl.split('?')[0], async (route) => {
      const res = await route.fetch();
      const html = (await res.text()).replace(/data-color="[^"]*"/, `data-color="${color}"`);
      await route.fulfill({ response: res, body: html });
    });
  };
  const text = (page) => W(page, '.send').evaluate((el) => getComputedStyle(el).color);
  const bg = (page) => W(page, '.send').evaluate((el) => getComputedStyle(el).backgroundColor);
  {
    const { page } = await open(t, { setup: recolor('#ffd400') });
    await openPanel(page);
    assert.equal(await bg(page), 'rgb(255, 212, 0)');
    assert.equal(await text(page), 'rgb(17, 20, 24)');
  }
  {
    const { page } = await open(t, { setup: recolor('#0b6bcb'), colorScheme: 'dark' });
    await openPanel(page);
    assert.equal(await text(page), 'rgb(255, 255, 255)');
    assert.equal(await W(page, '.panel').evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(29, 30, 34)');
  }
  {
    // A mid tone: neither white (4.2:1) nor the ink (4.4:1) reaches 4.5:1, black does; the
    // header's title and subtitle take the same colour at full strength.
    const { page } = await open(t, { setup: recolor('#7c7c7c') });
    await openPanel(page);
    assert.equal(await text(page), 'rgb(0, 0, 0)');
    for (const sel of ['.title', '.sub']) {
      assert.equal(await W(page, sel).evaluate((el) => getComputedStyle(el).color), 'rgb(0, 0, 0)', sel);
      assert.equal(await W(page, sel).evaluate((el) => getComputedStyle(el).opacity), '1', sel);
    }
  }
  {
    const { page } = await open(t, { setup: recolor('not a colour') });
    await openPanel(page);
    assert.equal(await bg(page), 'rgb(11, 107, 203)', 'falls back to the default accent');
  }
});

test('accessibility (axe-core): every state, light and dark, on several accents', { skip: SKIP }, async (t) => {
  const recolor = (color) => (p) => p.route((u) => u.href.split('?')[0] === pageUrl.split('?')[0], async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(/data-color="[^"]*"/, `data-color="${color}"`);
    await route.fulfill({ response: res, body: html });
  });
  /** The ticket endpoint answers when told to, so the sending state can be looked at. */
  const held = async (p, status, body) => {
    let release;
    const gate = new Promise((r) => { release = r; });
    await p.route('**/tickets/create', async (route) => {
      if (route.request().method() === 'OPTIONS') return route.continue();
      await gate;
      await route.fulfill({ status, contentType: 'application/json', headers: { 'Access-Control-Allow-Origin': '*' }, body: JSON.stringify(body) });
    });
    return release;
  };
  const ok = { ticket_id: 'TKT-20261202-0042', status: 'open', created_at: '2026-12-02T10:00:00Z' };
  // The demo's accent, then a light one (dark text), and mid-luminance ones where neither the
  // dark ink nor white alone would reach 4.5:1.
  const runs = [
    { color: null, colorScheme: 'light' }, { color: null, colorScheme: 'dark' },
    { color: '#ffd400', colorScheme: 'light' }, { color: '#e5484d', colorScheme: 'dark' },
    { color: '#2f9e6e', colorScheme: 'light' }, { color: '#7c7c7c', colorScheme: 'light' },
  ];
  for (const { color, colorScheme } of runs) {
    const tag = `${color || 'demo accent'}, ${colorScheme}`;
    const { page } = await open(t, { colorScheme, setup: color ? recolor(color) : undefined });
    await axeCheck(page, `closed launcher, ${tag}`);
    await openPanel(page);
    await axeCheck(page, `open form, ${tag}`);
    await W(page, '.send').click();
    await W(page, '#db-name[aria-invalid=true]').waitFor();
    await axeCheck(page, `validation errors, ${tag}`);
    await fill(page);
    const release = await held(page, 201, ok);
    await W(page, '.send').click();
    await W(page, '.send[aria-busy=true]').waitFor();
    await axeCheck(page, `sending, ${tag}`);
    release();
    await W(page, '.done .tid').waitFor();
    await axeCheck(page, `sent, ${tag}`);
    await page.unroute('**/tickets/create');
    await W(page, '.again').click();
    await W(page, '#db-issue').fill('Still waiting for the cake.');
    await answer(page, [{ status: 401, body: { error: 'x', message: 'no' } }]);
    await W(page, '.send').click();
    await W(page, '.off h3').waitFor();
    await axeCheck(page, `failure (email offer), ${tag}`);
    await page.unroute('**/tickets/create');
    await answer(page, [{ status: 422, body: { error: 'invalid_fields', message: 'bad', fields: { visitor_email: 'must be a valid email address' } } }]);
    await W(page, '.edit').click();
    await W(page, '.send').click();
    await W(page, '#db-email-err:not(:empty)').waitFor();
    await axeCheck(page, `server field errors, ${tag}`);
  }
  const { page } = await open(t, { viewport: { width: 390, height: 844 } });
  await axeCheck(page, 'mobile launcher');
  await openPanel(page);
  await axeCheck(page, 'mobile bottom sheet');
});
