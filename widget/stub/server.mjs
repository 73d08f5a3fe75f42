// A stand-in for Deskbell's intake listener, for the widget's own tests and visual checks only.
//
// Two loopback servers, so the widget talks cross-origin as it does on a real site:
//   site: GET /, /demo.html  → demo.html with {{BOT_TOKEN}}, {{ENDPOINT}} and {{SUPPORT_EMAIL}} filled in
//         GET /widget.js     → the widget
//   api:  OPTIONS + POST /tickets/create, mirroring the server contract (CORS, 201, 401, 415,
//         422 with fields, Idempotency-Key replay), plus test controls:
//         POST /__stub/next  [{status, headers?, body?}, …]  answers the next requests with these
//         GET  /__stub/requests                              every ticket request seen so far
// The real listener is the reference; this only has to be faithful enough for the widget.
//
// Run by hand: node widget/stub/server.mjs  (prints the demo URL; ?calm, ?endpoint=…, ?color=…)
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = new URL('../', import.meta.url); // widget/
export const STUB_TOKEN = 'stub-bot-token';

/** @param {http.IncomingMessage} req */
function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

const len = (s) => Array.from(s).length;

/** The server's field rules, as the widget mirrors them. */
export function serverValidate(b) {
  const f = {};
  const s = (v) => (typeof v === 'string' ? v : '');
  const name = s(b.visitor_name).trim(), email = s(b.visitor_email), phone = s(b.visitor_phone), issue = s(b.issue).trim();
  if (!name || len(name) > 200) f.visitor_name = 'must be 1 to 200 characters';
  // A rough copy of src/domain/validate.rs; the real listener is the reference.
  const at = email.split('@'), d = at[1] || '';
  if (!email || len(email) > 254 || at.length !== 2 || !at[0] || !d.includes('.') || d.startsWith('.') ||
      d.endsWith('.') || d.includes('..') || /[\s<>,;"\u0000-\u001f]/.test(email))
    f.visitor_email = 'must be a valid email address';
  if (len(phone) > 40 || !/^[0-9 +\-().]*$/.test(phone)) f.visitor_phone = 'may contain only digits, spaces and + - ( ) .';
  else if (phone && !/[0-9]/.test(phone)) f.visitor_phone = 'must contain digits';
  if (!issue || len(issue) > 5000) f.issue = 'must be 1 to 5000 characters';
  if (len(s(b.page_url)) > 2048) f.page_url = 'must be at most 2048 characters';
  return f;
}

export async function startStub({ host = '127.0.0.1', sitePort = 0, apiPort = 0, token = STUB_TOKEN } = {}) {
  /** @type {{status:number, headers?:Record<string,string>, body?:any}[]} */
  let next = [];
  const requests = [];
  const byKey = new Map();
  let counter = 0;
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');

  const api = http.createServer(async (req, res) => {
    const origin = req.headers.origin;
    const cors = origin
      ? {
          'Access-Control-Allow-Origin': origin,
          Vary: 'Origin',
          'Access-Control-Allow-Methods': 'POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key',
          'Access-Control-Expose-Headers': 'Retry-After',
          'Access-Control-Max-Age': '600',
        }
      : {};
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...cors, ...headers });
      res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
    };
    const url = new URL(req.url || '/', 'http://x');
    if (url.pathname === '/__stub/next' && req.method === 'POST') {
      next = next.concat(JSON.parse(await readBody(req)));
      return send(204);
    }
    if (url.pathname === '/__stub/requests') return send(200, requests);
    if (url.pathname === '/health') return send(200, { ok: true });
    if (url.pathname !== '/tickets/create') return send(404, { error: 'not_found', message: 'not found' });
    if (req.method === 'OPTIONS') return send(204);
    if (req.method !== 'POST') return send(405, { error: 'method_not_allowed', message: 'use POST' });

    const raw = await readBody(req);
    let body = null;
    try { body = JSON.parse(raw); } catch { /* handled below */ }
    requests.push({ headers: req.headers, body, raw, at: Date.now() });

    const scripted = next.shift();
    if (scripted) return send(scripted.status, scripted.body, scripted.headers);

    if (!String(req.headers['content-type'] || '').startsWith('application/json'))
      return send(415, { error: 'unsupported_media_type', message: 'send application/json' });
    if (!body || typeof body !== 'object') return send(400, { error: 'invalid_json', message: 'body is not JSON' });
    if (body.bot_token !== token) return send(401, { error: 'unknown_bot_token', message: 'unknown bot token' });
    const fields = serverValidate(body);
    if (Object.keys(fields).length)
      return send(422, { error: 'invalid_fields', message: 'some fields are invalid', fields });
    const key = req.headers['idempotency-key'];
    if (key && byKey.has(key)) return send(201, byKey.get(key));
    const ticket = {
      ticket_id: `TKT-${day}-${String(++counter).padStart(4, '0')}`,
      status: 'open',
      created_at: new Date().toISOString(),
    };
    if (key) byKey.set(key, ticket);
    return send(201, ticket);
  });

  await new Promise((r) => api.listen(apiPort, host, r));
  const apiUrl = `http://${host}:${api.address().port}`;

  const site = http.createServer((req, res) => {
    const url = new URL(req.url || '/', 'http://x');
    if (url.pathname === '/widget.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(readFileSync(new URL('widget.js', dir)));
    }
    if (url.pathname === '/' || url.pathname === '/demo.html') {
      let html = readFileSync(new URL('demo.html', dir), 'utf8')
        .replaceAll('{{BOT_TOKEN}}', token)
        .replaceAll('{{ENDPOINT}}', url.searchParams.get('endpoint') || apiUrl)
        .replaceAll('{{SUPPORT_EMAIL}}', 'rosa+support@example.com');
      const color = url.searchParams.get('color');
      if (color) html = html.replace(/data-color="[^"]*"/, `data-color="${color.replace(/"/g, '')}"`);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(html);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  });
  await new Promise((r) => site.listen(sitePort, host, r));
  const siteUrl = `http://${host}:${site.address().port}`;

  return {
    siteUrl,
    apiUrl,
    pageUrl: `${siteUrl}/demo.html`,
    token,
    requests,
    /** Queue scripted answers for the next ticket requests. */
    script(answers) { next = next.concat(answers); },
    close: () => Promise.all([api, site].map((s) => new Promise((r) => { s.close(r); s.closeAllConnections(); }))),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = (name) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] || 0);
  const stub = await startStub({ sitePort: port('site-port'), apiPort: port('api-port') });
  console.log(`demo page: ${stub.pageUrl}\napi:       ${stub.apiUrl}\ntoken:     ${stub.token}`);
}
