// @ts-check
/*!
 * Deskbell contact widget — served by the intake listener at GET /widget.js.
 *
 * Owns: the launcher + panel on the host page (in a Shadow DOM, so neither side's CSS leaks),
 * client-side validation mirroring the intake rules, the POST to {endpoint}/tickets/create,
 * retries (429 Retry-After, transient network/5xx) with one Idempotency-Key per submission,
 * the draft kept in sessionStorage, the mailto fallback (format in widget/FORMAT.md) and the
 * `window.Deskbell` API. It leaks no global but `window.Deskbell` and loads nothing remote.
 */
(function () {
  'use strict';

  /** @typedef {'visitor_name'|'visitor_email'|'visitor_phone'|'issue'} Field */
  /** @typedef {Record<Field, string>} Values */
  /** @typedef {{name?: unknown, email?: unknown, phone?: unknown, issue?: unknown}} Prefill */
  /** @typedef {{status: number, data: any, retryAfter: number}} Reply */
  /** @typedef {{v?: Partial<Values>, key?: string, fp?: string, pending?: boolean}} Draft */
  /** @typedef {'offline'|'busy'|'config'|'error'} Trouble */

  const w = /** @type {any} */ (window);
  const NAME = 'Deskbell';
  const existing = w[NAME];
  if (existing && existing.__deskbell) {
    console.warn('Deskbell: widget.js is included twice; the second copy does nothing.');
    return;
  }
  /** @type {unknown[]} */
  const queue = existing && typeof existing.length === 'number' ? Array.prototype.slice.call(existing) : [];

  const script = /** @type {HTMLScriptElement|null} */ (
    document.currentScript instanceof HTMLScriptElement
      ? document.currentScript
      : document.querySelector('script[data-bot-token]')
  );
  /** @param {string} k */
  const attr = (k) => ((script && script.getAttribute('data-' + k)) || '').trim();
  const token = attr('bot-token');
  let endpoint = attr('endpoint');
  if (!endpoint && script && script.src) {
    try { endpoint = new URL(script.src, location.href).origin; } catch (_) { /* stays empty */ }
  }
  try { endpoint = endpoint && new URL(endpoint, location.href).href.replace(/\/+$/, ''); } catch (_) { endpoint = ''; }

  /** Calls made before or without a working widget are accepted and ignored. */
  const noop = () => {};
  if (!token || !/^https?:/.test(endpoint)) {
    console.warn(
      'Deskbell: the widget is off: its <script> tag needs ' +
        (token ? 'a valid data-endpoint URL.' : 'a data-bot-token attribute.'),
    );
    w[NAME] = { __deskbell: true, open: noop, close: noop, on: noop, off: noop, push: noop };
    return;
  }

  const TITLE = attr('title') || 'Contact support';
  const GREETING = attr('greeting') || 'Hi! How can we help?';
  const SUPPORT = /^[^\s@]+@[^\s@]+$/.test(attr('support-email')) ? attr('support-email') : '';
  const LEFT = attr('position') === 'left';

  /** @type {Field[]} */
  const FIELDS = ['visitor_name', 'visitor_email', 'visitor_phone', 'issue'];
  /** @type {Record<Field, string>} */
  const LABEL = { visitor_name: 'Name', visitor_email: 'Email', visitor_phone: 'Phone', issue: 'Message' };
  const NET_DELAYS = [1000, 2000]; // 3 tries over ~3 s before offering email (the listener is down: say so soon)
  const MAX_429 = 3;
  const MAX_WAIT_S = 60;
  const TIMEOUT_MS = 15000;
  const ISSUE_MAX = 5000;

  // ---------- small pure helpers ----------

  /** Length in Unicode code points, as the server counts characters. @param {string} s */
  const len = (s) => Array.from(s).length;
  /** @param {number} ms */
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** Unicode Cc, as Rust's char::is_control. */
  const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

  /** The server's `is_plausible_email`. @param {string} s */
  function emailOk(s) {
    const p = s.split('@'), d = p[1] || '';
    return p.length === 2 && p[0].length > 0 && d.includes('.') && d[0] !== '.' && !d.endsWith('.') &&
      !d.includes('..') && !/[\s<>,;"]/.test(s) && !CONTROL.test(s);
  }

  /** Mirrors the intake listener's rules. @param {Values} v */
  function validate(v) {
    /** @type {Partial<Record<Field, string>>} */
    const e = {};
    const n = v.visitor_name, m = v.visitor_email, p = v.visitor_phone, i = v.issue;
    if (!n) e.visitor_name = 'Please enter your name.';
    else if (len(n) > 200) e.visitor_name = 'Please keep your name under 200 characters.';
    else if (CONTROL.test(n)) e.visitor_name = 'Please remove tabs or special characters from your name.';
    if (!m) e.visitor_email = 'Please enter your email so we can reply.';
    else if (len(m) > 254 || !emailOk(m)) e.visitor_email = 'Please enter a valid email address, like name@example.com.';
    if (len(p) > 40) e.visitor_phone = 'Please keep the phone number under 40 characters.';
    else if (!/^[0-9 +\-().]*$/.test(p)) e.visitor_phone = 'Please use only digits, spaces and + - ( ) .';
    else if (p && !/[0-9]/.test(p)) e.visitor_phone = 'Please include the digits of your phone number.';
    if (!i) e.issue = 'Please tell us how we can help.';
    else if (len(i) > ISSUE_MAX) e.issue = 'Please shorten your message to 5,000 characters (it has ' + len(i).toLocaleString('en') + ').';
    else if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(i)) e.issue = 'Please remove special control characters from your message.';
    return e;
  }

  function uuid() {
    const c = w.crypto;
    if (c && typeof c.randomUUID === 'function') return /** @type {string} */ (c.randomUUID());
    const b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (let k = 0; k < 16; k++) b[k] = (Math.random() * 256) | 0;
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  /** Seconds from a Retry-After header (delta-seconds or HTTP date); 5 when unreadable. @param {string|null} h */
  function retryAfter(h) {
    if (!h) return 5;
    const n = /^\d+$/.test(h.trim()) ? Number(h) : (Date.parse(h) - Date.now()) / 1000;
    return isFinite(n) ? Math.max(1, Math.ceil(n)) : 5;
  }

  // ---------- colour: accent + a readable text colour on it ----------

  /** @param {string} c @returns {number[]|null} */
  function rgb(c) {
    let s = c;
    if (!/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(s)) {
      const x = document.createElement('canvas').getContext('2d');
      if (!x) return null;
      x.fillStyle = '#010203';
      x.fillStyle = c;
      s = String(x.fillStyle);
      if (s === '#010203' || s[0] !== '#') return null; // invalid or translucent
    }
    if (s.length === 4) s = '#' + s[1] + s[1] + s[2] + s[2] + s[3] + s[3];
    return [1, 3, 5].map((k) => parseInt(s.slice(k, k + 2), 16));
  }
  /** @param {number[]} c */
  function lum(c) {
    const f = c.map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)));
    return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2];
  }
  /** @param {number[]} a @param {number[]} b */
  function contrast(a, b) {
    const x = lum(a), y = lum(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  /** @param {number[]} a @param {number[]} b @param {number} t */
  const mix = (a, b, t) => a.map((v, k) => Math.round(v + (b[k] - v) * t));
  /** @param {number[]} c @param {number} [alpha] */
  const css = (c, alpha) => (alpha == null ? 'rgb(' + c.join(',') + ')' : 'rgba(' + c.join(',') + ',' + alpha + ')');

  /** CSS custom properties derived from data-color. @param {string} c */
  function theme(c) {
    const WHITE = [255, 255, 255], INK = [17, 20, 24], DARK_BG = [29, 30, 34];
    const a = rgb(c) || [11, 107, 203];
    // Text on the accent (header title and subtitle, buttons) reaches WCAG AA 4.5:1: white or
    // the ink, whichever does; on the mid tones where neither does, black (one of white and
    // black always reaches 4.58:1).
    const on = [WHITE, INK].find((x) => contrast(a, x) >= 4.5) || [0, 0, 0];
    const light = on === WHITE;
    return {
      '--db-a': css(a),
      '--db-on-a': css(on),
      '--db-a-hi': css(mix(a, light ? [0, 0, 0] : WHITE, 0.12)),
      '--db-a-soft': css(a, 0.28),
      '--db-on-a-soft': light ? 'rgba(255,255,255,.18)' : 'rgba(0,0,0,.08)',
      '--db-ring-l': contrast(a, WHITE) >= 3 ? css(a) : '#1b1d21',
      '--db-ring-d': contrast(a, DARK_BG) >= 3 ? css(a) : '#ececf1',
    };
  }

  // ---------- storage (sessionStorage, in-memory when it is unavailable) ----------

  /** @type {Record<string, string>} */
  const mem = {};
  /** @param {string} k */
  function sget(k) {
    if (k in mem) return mem[k];
    try { return w.sessionStorage.getItem(k); } catch (_) { return null; }
  }
  /** @param {string} k @param {string|null} v */
  function sset(k, v) {
    try {
      if (v == null) w.sessionStorage.removeItem(k);
      else w.sessionStorage.setItem(k, v);
      delete mem[k];
    } catch (_) {
      if (v == null) delete mem[k];
      else mem[k] = v;
    }
  }
  const SID_KEY = 'deskbell:session', DRAFT_KEY = 'deskbell:draft';
  const sessionId = sget(SID_KEY) || uuid();
  sset(SID_KEY, sessionId);
  /** @type {Draft} */
  let draft = {};
  try { draft = JSON.parse(sget(DRAFT_KEY) || '{}') || {}; } catch (_) { draft = {}; }

  // ---------- markup ----------

  const I = (/** @type {string} */ d, cls = '') =>
    '<svg class="' + cls + '" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">' + d + '</svg>';
  const ICON_CHAT = '<path fill="currentColor" stroke="none" d="M12 3c5 0 9 3.4 9 7.7s-4 7.7-9 7.7c-.9 0-1.8-.1-2.6-.3L4.6 20.6c-.5.2-1-.3-.8-.8l1.2-3.3C3.8 15.2 3 13 3 10.7 3 6.4 7 3 12 3z"/>';
  const ICON_X = '<path d="M6 6l12 12M18 6L6 18"/>';
  const ICON_DOWN = '<path d="M6 9l6 6 6-6"/>';

  const field = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ control, extra = '') =>
    '<div class="field"><label for="db-' + id + '">' + label + '</label>' + control + extra +
    '<p class="err" id="db-' + id + '-err"></p></div>';

  const STYLE = `
.db{display:contents;font:400 15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;color:var(--db-fg);-webkit-font-smoothing:antialiased;--db-bg:#fff;--db-fg:#1b1d21;--db-mut:#5b6069;--db-line:#cfd3da;--db-field:#fff;--db-soft:#f3f4f6;--db-err:#b42318;--db-err-soft:rgba(180,35,24,.2);--db-ok:#17784a;--db-ok-bg:#e3f5eb;--db-warn:#9a5b00;--db-warn-bg:#fdf1dc;--db-ring:var(--db-ring-l);--db-edge:rgba(16,24,40,.08);--db-shadow:0 16px 48px rgba(16,24,40,.18),0 2px 8px rgba(16,24,40,.08)}
@media (prefers-color-scheme:dark){.db{--db-bg:#1d1e22;--db-fg:#ececf1;--db-mut:#a6aab3;--db-line:#41444d;--db-field:#25272c;--db-soft:#2a2c32;--db-err:#ff9b93;--db-err-soft:rgba(255,155,147,.25);--db-ok:#6fdca4;--db-ok-bg:#173527;--db-warn:#f5c169;--db-warn-bg:#3a2c14;--db-ring:var(--db-ring-d);--db-edge:rgba(255,255,255,.08);--db-shadow:0 16px 48px rgba(0,0,0,.55),0 2px 8px rgba(0,0,0,.3)}}
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
svg{width:20px;height:20px;flex:none}
button,a,input,textarea{font:inherit;letter-spacing:normal;text-transform:none}
button{cursor:pointer}
:focus{outline:none}
:focus-visible{outline:3px solid var(--db-ring);outline-offset:2px}
.launcher{position:fixed;bottom:20px;${LEFT ? 'left' : 'right'}:20px;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:var(--db-a);color:var(--db-on-a);display:flex;align-items:center;justify-content:center;box-shadow:0 6px 20px rgba(16,24,40,.24),0 1px 3px rgba(16,24,40,.2);transition:transform .16s ease,background .16s}
.launcher:hover{transform:scale(1.06);background:var(--db-a-hi)}
.launcher:focus-visible{outline-color:var(--db-ring-l);box-shadow:0 0 0 3px #fff,0 6px 20px rgba(16,24,40,.24)}
.launcher svg{width:28px;height:28px}
.launcher .i-down,.launcher[aria-expanded=true] .i-chat{display:none}
.launcher[aria-expanded=true] .i-down{display:block}
.dot{position:absolute;top:2px;right:2px;width:14px;height:14px;border-radius:50%;background:#e5484d;border:2px solid #fff}
.scrim{display:none}
.panel{position:fixed;bottom:88px;${LEFT ? 'left' : 'right'}:20px;width:380px;max-width:calc(100vw - 40px);max-height:min(700px,calc(100vh - 108px));display:flex;flex-direction:column;background:var(--db-bg);color:var(--db-fg);border:1px solid var(--db-edge);border-radius:16px;box-shadow:var(--db-shadow);overflow:hidden;transform-origin:bottom ${LEFT ? 'left' : 'right'};animation:db-in .18s cubic-bezier(.2,.8,.3,1)}
@keyframes db-in{from{opacity:0;transform:translateY(10px) scale(.98)}}
@keyframes db-up{from{transform:translateY(100%)}}
@keyframes db-spin{to{transform:rotate(360deg)}}
.head{flex:none;background:var(--db-a);color:var(--db-on-a);padding:16px 16px 20px 20px}
.head-row{display:flex;align-items:center;justify-content:space-between;gap:8px;min-height:32px}
.title{margin:0;font-size:14px;font-weight:600;line-height:1.3}
.greeting{margin:6px 28px 4px 0;font-size:22px;line-height:1.25;font-weight:700;letter-spacing:-.01em}
.sub{margin:0;font-size:14px;line-height:1.4}
.x{width:34px;height:34px;margin:-4px -4px -4px 0;padding:0;border:0;border-radius:8px;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center}
.x:hover{background:var(--db-on-a-soft)}
.x:focus-visible{outline-color:var(--db-on-a);outline-offset:-2px}
.body{flex:1 1 auto;overflow:auto;overscroll-behavior:contain;padding:20px}
.field{margin:0 0 16px}
label{display:block;margin:0 0 6px;font-size:14px;font-weight:600;line-height:1.3;color:var(--db-fg)}
.opt{font-weight:400;color:var(--db-mut)}
input,textarea{display:block;width:100%;margin:0;padding:10px 12px;font-size:15px;line-height:1.4;color:var(--db-fg);background:var(--db-field);border:1px solid var(--db-line);border-radius:10px;box-shadow:none;-webkit-appearance:none;appearance:none;transition:border-color .15s,box-shadow .15s}
textarea{min-height:116px;max-height:320px;resize:vertical}
input::placeholder,textarea::placeholder{color:var(--db-mut);opacity:.75}
input:hover,textarea:hover{border-color:var(--db-mut)}
input:focus,textarea:focus,input:focus-visible,textarea:focus-visible{outline:none;border-color:var(--db-ring);box-shadow:0 0 0 3px var(--db-a-soft)}
[aria-invalid=true]{border-color:var(--db-err)!important}
[aria-invalid=true]:focus{box-shadow:0 0 0 3px var(--db-err-soft)}
input:read-only,textarea:read-only{opacity:.8}
.err{margin:6px 0 0;font-size:13px;line-height:1.35;color:var(--db-err);display:flex;gap:6px}
.err::before{content:"!";flex:none;width:16px;height:16px;margin-top:1px;border-radius:50%;background:var(--db-err);color:var(--db-bg);font-size:11px;font-weight:800;line-height:16px;text-align:center}
.err:empty{display:none}
.count{margin:4px 0 0;font-size:12px;color:var(--db-mut);text-align:right}
.hp{position:absolute!important;left:-9999px;top:auto;width:1px;height:1px;overflow:hidden}
.alert{margin:0 0 16px;padding:10px 12px;border-radius:10px;background:var(--db-err-soft);color:var(--db-fg);font-size:14px}
.btn{display:flex;align-items:center;justify-content:center;gap:8px;width:100%;min-height:46px;margin:0;padding:10px 16px;border:0;border-radius:10px;font-size:15px;font-weight:600;line-height:1.2;text-decoration:none;text-align:center;transition:background .15s,transform .05s}
.primary{background:var(--db-a);color:var(--db-on-a)}
.primary:hover{background:var(--db-a-hi)}
.primary:active{transform:translateY(1px)}
.secondary{background:var(--db-soft);color:var(--db-fg);border:1px solid var(--db-line)}
.secondary:hover{border-color:var(--db-mut)}
.btn[aria-disabled=true]{opacity:.8;cursor:progress;transform:none}
.spin{display:none;width:16px;height:16px;border:2px solid currentColor;border-right-color:transparent;border-radius:50%;animation:db-spin .7s linear infinite}
[aria-busy=true] .spin{display:inline-block}
.note{margin:10px 0 0;font-size:13px;line-height:1.4;color:var(--db-mut);text-align:center}
.note:empty{display:none}
.fine{margin:14px 0 0;font-size:12px;color:var(--db-mut);text-align:center}
.view{text-align:center;padding:4px 0 0}
.badge{width:52px;height:52px;margin:4px auto 12px;border-radius:50%;display:flex;align-items:center;justify-content:center;background:var(--db-ok-bg);color:var(--db-ok)}
.badge svg{width:26px;height:26px}
.badge.warn{background:var(--db-warn-bg);color:var(--db-warn)}
h3{margin:0 0 6px;font-size:19px;line-height:1.3;font-weight:700;color:var(--db-fg)}
.view p{margin:0 0 14px;font-size:14.5px;line-height:1.5;color:var(--db-mut)}
.view strong{color:var(--db-fg);font-weight:600;word-break:break-all}
.tk{display:flex;align-items:center;justify-content:space-between;gap:10px;margin:0 0 14px;padding:12px 12px 12px 16px;border:1px dashed var(--db-line);border-radius:12px;background:var(--db-soft)}
.tid{font:700 18px/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;color:var(--db-fg);letter-spacing:.02em;word-break:break-all;text-align:left;user-select:all}
.sm{width:auto;min-height:36px;padding:6px 12px;font-size:13.5px;gap:6px}
.sm svg{width:16px;height:16px}
.stack{display:grid;gap:10px}
.link{display:inline;width:auto;min-height:0;padding:2px 4px;border:0;background:none;color:var(--db-fg);font-size:14px;font-weight:500;text-decoration:underline;text-underline-offset:2px}
.sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (max-width:480px){
.launcher{width:48px;height:48px;bottom:calc(14px + env(safe-area-inset-bottom,0px));${LEFT ? 'left' : 'right'}:14px}
.launcher svg{width:24px;height:24px}
.panel{left:0;right:0;bottom:0;width:auto;max-width:none;max-height:88vh;max-height:88dvh;border-width:1px 0 0;border-radius:18px 18px 0 0;animation:db-up .24s cubic-bezier(.2,.8,.3,1)}
.body{padding-bottom:calc(20px + env(safe-area-inset-bottom,0px))}
.scrim{display:block;position:fixed;inset:0;background:rgba(10,12,16,.45);touch-action:none;animation:db-fade .2s}
.scrim[hidden]~.launcher{display:flex}
.scrim:not([hidden])~.launcher{display:none}
.greeting{font-size:20px}
input,textarea{font-size:16px}
}
@keyframes db-fade{from{opacity:0}}
@media (prefers-reduced-motion:reduce){.panel,.scrim,.launcher,.btn{animation:none;transition:none}}
`;

  const HTML =
    '<div class="db">' +
    '<div class="scrim" hidden></div>' +
    '<section class="panel" id="db-panel" role="dialog" aria-modal="true" aria-labelledby="db-title" aria-describedby="db-greeting" hidden>' +
    '<div class="head"><div class="head-row"><h2 class="title" id="db-title"></h2>' +
    '<button type="button" class="x" aria-label="Close">' + I(ICON_X) + '</button></div>' +
    '<p class="greeting" id="db-greeting"></p><p class="sub">Send us a message and we’ll reply by email.</p></div>' +
    '<div class="body">' +
    '<form class="form" novalidate><div class="alert" hidden></div>' +
    field('name', 'Your name', '<input id="db-name" name="visitor_name" type="text" autocomplete="name" required>') +
    field('email', 'Email', '<input id="db-email" name="visitor_email" type="email" inputmode="email" autocomplete="email" autocapitalize="off" spellcheck="false" placeholder="you@example.com" required>') +
    field('phone', 'Phone <span class="opt">(optional)</span>', '<input id="db-phone" name="visitor_phone" type="tel" inputmode="tel" autocomplete="tel">') +
    field('issue', 'How can we help?', '<textarea id="db-issue" name="issue" rows="5" required placeholder="Tell us what happened, and we’ll take it from there."></textarea>', '<p class="count" hidden></p>') +
    '<div class="hp" aria-hidden="true"><label for="db-website">Leave this field empty</label><input id="db-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>' +
    '<button type="submit" class="btn primary send"><span class="spin" aria-hidden="true"></span><span class="lbl">Send message</span></button>' +
    '<p class="note"></p>' +
    '<p class="fine">We’ll only use your details to reply to you.</p></form>' +
    '<div class="view done" hidden><div class="badge">' + I('<path d="M5 12.5l4.5 4.5L19 7.5"/>') + '</div>' +
    '<h3 tabindex="-1">Thanks, we’ve got it!</h3><p>Your ticket number is</p>' +
    '<div class="tk"><span class="tid"></span><button type="button" class="btn secondary sm copy">' +
    I('<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M5 15V6a2 2 0 0 1 2-2h9"/>') + '<span>Copy</span></button></div>' +
    '<p>We’ll reply by email to <strong class="to"></strong>. Quote this number if you write to us again.</p>' +
    '<div class="stack"><button type="button" class="btn primary close2">Close</button>' +
    '<button type="button" class="link again">Send another message</button></div></div>' +
    '<div class="view off" hidden><div class="badge warn">' + I('<circle cx="12" cy="12" r="9"/><path d="M12 7.5v5.5M12 16.5v.01"/>') + '</div>' +
    '<h3 tabindex="-1"></h3><p class="why"></p>' +
    '<div class="stack"><a class="btn primary mail">' + I('<rect x="3" y="5" width="18" height="14" rx="2"/><path d="M3.5 7l8.5 6 8.5-6"/>') + '<span>Email it instead</span></a>' +
    '<button type="button" class="btn secondary retry">Try again</button>' +
    '<p class="alt"><button type="button" class="link copymsg">Copy my message</button> · <button type="button" class="link edit">Edit message</button></p></div></div>' +
    '</div></section>' +
    '<button type="button" class="launcher" aria-controls="db-panel" aria-expanded="false">' +
    I(ICON_CHAT, 'i-chat') + I(ICON_DOWN, 'i-down') + '<span class="dot" hidden></span></button>' +
    '<div class="sr" role="status" aria-live="polite"></div></div>';

  // ---------- mount ----------

  const host = document.createElement('deskbell-widget');
  // CSSOM, not a style attribute: a host page's CSP may forbid inline styles, never this.
  /** @type {[string, string][]} */
  const HOST_CSS = [['all', 'initial'], ['display', 'block'], ['position', 'fixed'], ['z-index', '2147483000'],
    ['top', 'auto'], ['left', 'auto'], ['bottom', '0'], ['right', '0'], ['width', '0'], ['height', '0'],
    ['visibility', 'visible'], ['opacity', '1'], ['transform', 'none'], ['filter', 'none']];
  for (const [k, v] of HOST_CSS) host.style.setProperty(k, v, 'important');
  const root = host.attachShadow({ mode: 'open' });
  let html = /** @type {any} */ (HTML);
  try { html = w.trustedTypes.createPolicy('deskbell', { createHTML: (/** @type {string} */ x) => x }).createHTML(HTML); } catch (_) { /* no Trusted Types */ }
  root.innerHTML = html;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    root.adoptedStyleSheets = [sheet];
  } catch (_) {
    const st = document.createElement('style');
    st.textContent = STYLE;
    root.prepend(st);
  }

  /** @template {Element} T @param {string} s @returns {T} */
  const $ = (s) => /** @type {T} */ (/** @type {unknown} */ (root.querySelector(s)));
  /** @type {HTMLElement} */ const wrap = $('.db');
  /** @type {HTMLElement} */ const panel = $('.panel');
  /** @type {HTMLElement} */ const scrim = $('.scrim');
  /** @type {HTMLButtonElement} */ const launcher = $('.launcher');
  /** @type {HTMLFormElement} */ const form = $('.form');
  /** @type {HTMLButtonElement} */ const send = $('.send');
  /** @type {HTMLElement} */ const note = $('.note');
  /** @type {HTMLElement} */ const alertBox = $('.alert');
  /** @type {HTMLElement} */ const live = $('[role=status]');
  /** @type {HTMLElement} */ const done = $('.done');
  /** @type {HTMLElement} */ const off = $('.off');
  /** @type {HTMLAnchorElement} */ const mail = $('.mail');
  /** @type {HTMLInputElement} */ const honeypot = $('#db-website');
  /** @type {HTMLElement} */ const counter = $('.count');
  /** @type {Record<Field, HTMLInputElement|HTMLTextAreaElement>} */
  const input = { visitor_name: $('#db-name'), visitor_email: $('#db-email'), visitor_phone: $('#db-phone'), issue: $('#db-issue') };

  $('#db-title').textContent = TITLE;
  $('#db-greeting').textContent = GREETING;
  launcher.setAttribute('aria-label', TITLE);
  launcher.title = TITLE;
  const t = theme(attr('color') || '#0b6bcb');
  for (const k in t) wrap.style.setProperty(k, /** @type {any} */ (t)[k]);

  function mount() {
    if (!host.isConnected) (document.body || document.documentElement).appendChild(host);
  }

  // ---------- state ----------

  let isOpen = false;
  let busy = false;
  let tried = false; // a submit was attempted: validate as the visitor types
  /** @type {Element|null} */
  let returnTo = null;
  /** @type {'form'|'done'|'off'} */
  let view = 'form';
  /** @type {Record<string, Function[]>} */
  const handlers = {};

  /** @param {string} ev @param {unknown} [arg] */
  function emit(ev, arg) {
    for (const fn of (handlers[ev] || []).slice()) {
      try { fn(arg); } catch (e) { console.error('Deskbell: a "' + ev + '" listener threw', e); }
    }
  }

  /** @param {string} msg */
  function announce(msg) {
    live.textContent = '';
    setTimeout(() => { live.textContent = msg; }, 60);
  }

  /** @returns {Values} */
  function values() {
    return {
      visitor_name: input.visitor_name.value.trim(),
      visitor_email: input.visitor_email.value.trim(),
      visitor_phone: input.visitor_phone.value.trim(),
      issue: input.issue.value.trim(),
    };
  }

  function saveDraft() {
    const v = values();
    draft.v = { visitor_name: input.visitor_name.value, visitor_email: input.visitor_email.value, visitor_phone: input.visitor_phone.value, issue: input.issue.value };
    const empty = !(v.visitor_name || v.visitor_email || v.visitor_phone || v.issue);
    sset(DRAFT_KEY, empty && !draft.key ? null : JSON.stringify(draft));
    updateDot();
  }

  function updateDot() {
    /** @type {HTMLElement} */ ($('.dot')).hidden = isOpen || !(draft.pending && input.issue.value.trim());
  }

  function updateCounter() {
    const n = len(input.issue.value);
    counter.hidden = n < ISSUE_MAX - 500;
    counter.textContent = n.toLocaleString('en') + ' / 5,000';
  }

  /** @param {Field} f @param {string} [msg] */
  function setError(f, msg) {
    const el = input[f];
    const err = /** @type {HTMLElement} */ (el.parentElement && el.parentElement.querySelector('.err'));
    err.textContent = msg || '';
    if (msg) {
      el.setAttribute('aria-invalid', 'true');
      el.setAttribute('aria-describedby', err.id);
    } else {
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
    }
  }

  /** Shows the errors, focuses the first invalid field; true when there were any. @param {Partial<Record<Field, string>>} errs @param {string} [general] */
  function showErrors(errs, general) {
    for (const f of FIELDS) setError(f, errs[f]);
    alertBox.hidden = !general;
    alertBox.textContent = general || '';
    const bad = FIELDS.filter((f) => errs[f]);
    if (!bad.length && !general) return false;
    if (bad.length) input[bad[0]].focus();
    announce(general || (bad.length === 1 ? errs[bad[0]] || '' : 'Please check ' + bad.length + ' fields: ' + bad.map((f) => LABEL[f]).join(', ') + '.'));
    return true;
  }

  /** @param {boolean} on @param {string} [msg] */
  function setBusy(on, msg) {
    busy = on;
    send.setAttribute('aria-disabled', String(on)); // stays focusable: disabling would drop focus out of the panel
    send.setAttribute('aria-busy', String(on));
    /** @type {HTMLElement} */ ($('.lbl')).textContent = on ? 'Sending…' : 'Send message';
    form.setAttribute('aria-busy', String(on));
    for (const f of FIELDS) input[f].readOnly = on;
    note.textContent = msg || '';
  }

  /** @param {'form'|'done'|'off'} v */
  function showView(v) {
    view = v;
    form.hidden = v !== 'form';
    done.hidden = v !== 'done';
    off.hidden = v !== 'off';
    if (isOpen) focusView();
  }

  function focusView() {
    if (view !== 'form') return /** @type {HTMLElement} */ ((view === 'done' ? done : off).querySelector('h3')).focus();
    const empty = FIELDS.find((f) => f !== 'visitor_phone' && !input[f].value.trim());
    (empty ? input[empty] : send).focus();
  }

  /** location.href, cut to the server's 2048 characters; '' when not http(s) (the server refuses those). */
  function pageUrl() {
    let u = location.href;
    if (!/^https?:/i.test(u)) return '';
    if (len(u) > 2048) u = location.origin + location.pathname;
    return len(u) > 2048 ? Array.from(u).slice(0, 2048).join('') : u;
  }

  /** The mailto: format Deskbell's mail side parses (widget/FORMAT.md). @param {Values} v */
  function mailBody(v) {
    return [
      v.issue.replace(/\r\n|\r|\n/g, '\r\n'),
      '',
      '--- Deskbell ticket request ---',
      'Name: ' + v.visitor_name,
      'Email: ' + v.visitor_email,
      'Phone: ' + v.visitor_phone,
      'Page: ' + pageUrl(),
      'Session: ' + sessionId,
    ].join('\r\n');
  }
  /** @param {Values} v */
  const mailSubject = (v) => 'Support request from ' + v.visitor_name.replace(/[\r\n]+/g, ' ');
  /** @param {Values} v */
  function mailto(v) {
    return 'mailto:' + encodeURIComponent(SUPPORT).replace(/%40/g, '@') +
      '?subject=' + encodeURIComponent(mailSubject(v)) + '&body=' + encodeURIComponent(mailBody(v));
  }

  /** @param {string} text */
  async function copy(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (_) {
      const ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.className = 'sr';
      wrap.appendChild(ta);
      ta.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (_) { /* unsupported */ }
      ta.remove();
      return ok;
    }
  }

  // ---------- sending ----------

  /** @param {string} body @param {string} key @returns {Promise<Reply>} */
  async function post(body, key) {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    try {
      const res = await fetch(endpoint + '/tickets/create', {
        method: 'POST',
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body,
        signal: ctl.signal,
      });
      let data = null;
      try { data = await res.json(); } catch (_) { /* not JSON */ }
      return { status: res.status, data, retryAfter: retryAfter(res.headers.get('Retry-After')) };
    } catch (_) {
      return { status: 0, data: null, retryAfter: 0 };
    } finally {
      clearTimeout(timer);
    }
  }

  /** @param {number} s */
  async function countdown(s) {
    announce('Too many requests, retrying in ' + s + ' s.');
    for (let k = s; k > 0; k--) {
      note.textContent = 'Too many requests, retrying in ' + k + ' s';
      await sleep(1000);
    }
    note.textContent = '';
  }

  async function submit() {
    if (busy) return;
    tried = true;
    const v = values();
    if (showErrors(validate(v))) return;
    // One key per form content: a retry of the same submission (even after a reload) reuses it.
    const fp = JSON.stringify(v);
    if (draft.fp !== fp || !draft.key) { draft.key = uuid(); draft.fp = fp; }
    draft.pending = true;
    saveDraft();
    const key = draft.key;
    const body = JSON.stringify({
      bot_token: token, session_id: sessionId,
      visitor_name: v.visitor_name, visitor_email: v.visitor_email, visitor_phone: v.visitor_phone,
      issue: v.issue, page_url: pageUrl(), website: honeypot.value,
    });
    setBusy(true);
    let net = 0, limited = 0;
    /** @type {Reply} */
    let r;
    for (;;) {
      r = await post(body, key);
      const s = r.status;
      if (s === 429 && limited < MAX_429 && r.retryAfter <= MAX_WAIT_S) {
        limited++;
        await countdown(r.retryAfter);
      } else if ((s === 0 || s === 408 || s === 409 || s === 502 || s === 503 || s === 504) && net < NET_DELAYS.length) {
        if (!net) announce('We can’t reach support right now. Trying again…');
        note.textContent = 'Can’t reach support right now. Trying again…';
        await sleep(NET_DELAYS[net++]);
      } else break;
    }
    setBusy(false);
    const s = r.status;
    if (s >= 200 && s < 300) return succeed(r.data, v);
    if (s === 400 || s === 422) return serverErrors(r.data);
    trouble(s === 429 ? 'busy' : s === 0 || s === 408 || (s >= 502 && s <= 504) ? 'offline' : s >= 500 || s === 409 ? 'error' : 'config');
  }

  /** @param {any} data @param {Values} v */
  function succeed(data, v) {
    const ticket = data && typeof data === 'object' ? Object.assign({}, data) : {};
    const id = typeof ticket.ticket_id === 'string' ? ticket.ticket_id : '';
    draft = {};
    sset(DRAFT_KEY, null);
    input.issue.value = ''; // sent: "Send another message" starts blank but keeps who they are
    updateCounter();
    /** @type {HTMLElement} */ ($('.tid')).textContent = id || '—';
    /** @type {HTMLElement} */ ($('.to')).textContent = v.visitor_email;
    showView('done');
    updateDot();
    announce('Thanks! ' + (id ? 'Your ticket number is ' + id + '. ' : '') + 'We’ll reply by email to ' + v.visitor_email + '.');
    emit('ticket', ticket);
  }

  /** @param {any} data */
  function serverErrors(data) {
    const fields = (data && data.fields) || {};
    /** @type {Partial<Record<Field, string>>} */
    const errs = {};
    for (const f of FIELDS) {
      const m = fields[f];
      if (typeof m === 'string' && m) errs[f] = /^[a-z]/.test(m) ? LABEL[f] + ' ' + m + (/[.!?]$/.test(m) ? '' : '.') : m;
    }
    const known = FIELDS.some((f) => errs[f]);
    showErrors(errs, known ? '' : (data && typeof data.message === 'string' && data.message) || 'Something in the form isn’t right. Please check it and try again.');
    if (!known) send.focus();
  }

  /** @param {Trouble} kind */
  function trouble(kind) {
    /** @type {Record<Trouble, string>} */
    const head = {
      offline: 'We can’t reach our support desk right now',
      busy: 'We’re getting a lot of messages right now',
      config: 'This form isn’t set up correctly',
      error: 'Something went wrong on our side',
    };
    const v = values();
    /** @type {HTMLElement} */ (off.querySelector('h3')).textContent = head[kind];
    const why = /** @type {HTMLElement} */ ($('.why'));
    why.textContent = (kind === 'config' ? 'So your message couldn’t be sent here. ' : 'Don’t worry, your message is saved. ') +
      (SUPPORT ? 'You can email it to ' : 'Please try again in a few minutes.');
    if (SUPPORT) {
      const b = document.createElement('strong');
      b.textContent = SUPPORT;
      why.append(b, ' instead; everything is filled in.');
    }
    mail.hidden = !SUPPORT;
    if (SUPPORT) mail.href = mailto(v);
    /** @type {HTMLElement} */ ($('.retry')).hidden = kind === 'config';
    showView('off');
    announce(head[kind] + '. ' + (SUPPORT ? 'You can email your message to ' + SUPPORT + ' instead.' : 'Your message is saved.'));
  }

  // ---------- open / close ----------

  /** @param {Prefill} [p] */
  function open(p) {
    mount();
    if (p && typeof p === 'object' && !busy) {
      if (view !== 'form') reset();
      /** @type {[keyof Prefill, Field][]} */
      const map = [['name', 'visitor_name'], ['email', 'visitor_email'], ['phone', 'visitor_phone'], ['issue', 'issue']];
      for (const [k, f] of map) {
        const x = p[k];
        if (typeof x === 'string' || typeof x === 'number') input[f].value = String(x);
      }
      updateCounter();
      saveDraft();
    }
    if (!isOpen) {
      const a = document.activeElement;
      returnTo = a && a !== host && a !== document.body ? a : null;
      isOpen = true;
      panel.hidden = scrim.hidden = false;
      launcher.setAttribute('aria-expanded', 'true');
      updateDot();
      emit('open');
    }
    focusView();
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = scrim.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    updateDot();
    if (document.activeElement === host || !document.activeElement || document.activeElement === document.body) {
      const back = returnTo instanceof HTMLElement && returnTo.isConnected ? returnTo : launcher;
      back.focus();
    }
    returnTo = null;
    emit('close');
  }

  function reset() {
    tried = false;
    showErrors({});
    updateCounter();
    showView('form');
  }

  function focusables() {
    return Array.from(panel.querySelectorAll('a[href],button,input:not([tabindex="-1"]),textarea')).filter(
      (el) => el.getClientRects().length > 0,
    );
  }

  // ---------- events ----------

  launcher.addEventListener('click', () => (isOpen ? close() : open()));
  scrim.addEventListener('click', close);
  $('.x').addEventListener('click', close);
  $('.close2').addEventListener('click', close);
  $('.again').addEventListener('click', reset);
  $('.edit').addEventListener('click', () => showView('form'));
  $('.retry').addEventListener('click', () => { showView('form'); submit(); });
  $('.copymsg').addEventListener('click', async () => {
    const v = values();
    announce((await copy('Subject: ' + mailSubject(v) + '\n\n' + mailBody(v).replace(/\r\n/g, '\n'))) ? 'Message copied.' : 'Copy failed. Please select the text yourself.');
  });
  $('.copy').addEventListener('click', async () => {
    const ok = await copy(/** @type {HTMLElement} */ ($('.tid')).textContent || '');
    const lbl = /** @type {HTMLElement} */ ($('.copy span'));
    lbl.textContent = ok ? 'Copied' : 'Copy failed';
    announce(ok ? 'Ticket number copied.' : 'Copy failed. Please select the number yourself.');
    setTimeout(() => { lbl.textContent = 'Copy'; }, 2000);
  });

  form.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  form.addEventListener('input', (e) => {
    if (e.target === honeypot) return;
    saveDraft();
    updateCounter();
    const f = /** @type {Field} */ (/** @type {HTMLInputElement} */ (e.target).name);
    if (tried || input[f].getAttribute('aria-invalid')) setError(f, validate(values())[f]);
  });
  form.addEventListener('focusout', (e) => {
    const el = /** @type {HTMLInputElement} */ (e.target);
    const f = /** @type {Field} */ (el.name);
    // Not when heading for the submit button: an error appearing now would shift the button
    // away from under the pointer and swallow the click. Submitting validates anyway.
    if (FIELDS.includes(f) && el.value.trim() && !busy && e.relatedTarget !== send) setError(f, validate(values())[f]);
  });
  /** @type {HTMLTextAreaElement} */ (input.issue).addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
  });
  send.addEventListener('click', (e) => { if (busy) e.preventDefault(); });

  root.addEventListener('keydown', (e) => {
    if (/** @type {KeyboardEvent} */ (e).key === 'Escape' && isOpen) { e.preventDefault(); e.stopPropagation(); close(); }
  });
  panel.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const els = focusables();
    if (!els.length) return;
    const first = /** @type {HTMLElement} */ (els[0]), last = /** @type {HTMLElement} */ (els[els.length - 1]);
    const a = root.activeElement;
    if (e.shiftKey ? a === first || !a : a === last || !a) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    }
  });

  // ---------- restore a saved draft ----------

  if (draft.v) {
    for (const f of FIELDS) {
      const x = draft.v[f];
      if (typeof x === 'string') input[f].value = x;
    }
    updateCounter();
    updateDot();
  }

  // ---------- public API ----------

  const api = {
    __deskbell: true,
    version: '1',
    /** @param {Prefill} [p] */
    open: (p) => (host.isConnected || document.body ? open(p) : ready(() => open(p))),
    close: () => close(),
    /** @param {string} ev @param {Function} fn */
    on(ev, fn) { if (typeof fn === 'function') (handlers[ev] = handlers[ev] || []).push(fn); return api; },
    /** @param {string} ev @param {Function} fn */
    off(ev, fn) { handlers[ev] = (handlers[ev] || []).filter((h) => h !== fn); return api; },
    /** Replays `Deskbell.push([method, ...args])` made before or after load. @param {unknown} cmd */
    push(cmd) {
      if (!Array.isArray(cmd)) return;
      const name = cmd[0], m = /** @type {any} */ (api)[name];
      if (typeof m === 'function' && name !== 'push') m.apply(api, cmd.slice(1));
      else console.warn('Deskbell: unknown command', name);
    },
  };

  /** @param {() => void} fn */
  function ready(fn) {
    if (document.body) fn();
    else document.addEventListener('DOMContentLoaded', fn, { once: true });
  }

  w[NAME] = api;
  ready(() => {
    mount();
    for (const cmd of queue) api.push(cmd);
  });
})();
