// A stand-in for the Tauri shell, for the look-check screenshots only (scripts/preview.mjs).
// Installed before the page loads as window.__TAURI_INTERNALS__; answers every command of
// docs/desktop-api.md from sample data. Never bundled into the app.
(function () {
  const scenario = (window.__PREVIEW__ && window.__PREVIEW__.scenario) || "inbox";
  const now = Date.now();
  const ago = (min) => new Date(now - min * 60000).toISOString();
  const row = (id, o) => Object.assign({
    ticketId: id, status: "open", priority: "normal", channel: "web", site: "Rossi Ceramics",
    visitorName: "", visitorEmail: "", firstLine: "", unread: false, tags: [], spam: false,
    createdAt: ago(60), updatedAt: ago(60), snoozedUntil: null, deletedAt: null, mergedInto: null,
  }, o);
  const ahead = (min) => new Date(now + min * 60000).toISOString();
  const snoozed = (t) => !!t.snoozedUntil && Date.parse(t.snoozedUntil) > Date.now();
  let tickets = scenario === "empty" ? [] : [
    row("TKT-20261125-0007", { visitorName: "Hannah Keller", visitorEmail: "hannah.keller@example.de", firstLine: "My order #4471 arrived with a cracked glaze on two of the bowls — can you send replacements?", unread: true, priority: "high", tags: ["order", "damaged"], createdAt: ago(4), updatedAt: ago(3) }),
    row("TKT-20261125-0006", { visitorName: "Tom Okafor", visitorEmail: "tom@okafor.dev", firstLine: "Do you ship to Ireland? The checkout only lists Germany and Austria.", unread: true, createdAt: ago(38), updatedAt: ago(38) }),
    row("TKT-20261125-0005", { visitorName: "Lucía Fernández", visitorEmail: "lucia.f@example.es", firstLine: "Thanks, that worked! One more thing about the gift wrapping…", channel: "email", site: null, tags: ["gift"], createdAt: ago(300), updatedAt: ago(95) }),
    row("TKT-20261125-0004", { visitorName: "Marco Bianchi", visitorEmail: "marco.bianchi@example.it", firstLine: "Is the large serving platter dishwasher safe?", status: "pending", createdAt: ago(400), updatedAt: ago(210) }),
    row("TKT-20261124-0012", { visitorName: "Priya Natarajan", visitorEmail: "priya@natarajan.in", firstLine: "Workshop booking for 6 people on Saturday the 5th — is there still space?", tags: ["workshop"], priority: "urgent", createdAt: ago(1500), updatedAt: ago(1420) }),
    row("TKT-20261124-0009", { visitorName: "", visitorEmail: "j.doe@example.com", firstLine: "Invoice needed for company purchase", channel: "email", site: null, createdAt: ago(1700), updatedAt: ago(1650) }),
    row("TKT-20261124-0010", { visitorName: "Jonas Weber", visitorEmail: "jonas@weber.example", firstLine: "Can you remind me when the winter collection is back in stock?", snoozedUntil: ahead(18 * 60), createdAt: ago(2000), updatedAt: ago(1900) }),
    row("TKT-20261122-0003", { visitorName: "Hannah Keller", visitorEmail: "hannah.keller@example.de", firstLine: "Question about the blue glaze mugs", status: "closed", createdAt: ago(4300), updatedAt: ago(4200) }),
    row("TKT-20261119-0001", { visitorName: "Hannah Keller", visitorEmail: "hannah.keller@example.de", firstLine: "Can I pick up my order in person?", status: "closed", createdAt: ago(9000), updatedAt: ago(8800) }),
    row("TKT-20261118-0002", { visitorName: "Ben Carter", visitorEmail: "ben@carter.co.uk", firstLine: "Lost parcel — tracking has not moved since Monday", status: "pending", tags: ["shipping"], createdAt: ago(10100), updatedAt: ago(9900) }),
    row("TKT-20261125-0008", { visitorName: "SEO Growth Team", visitorEmail: "offers@rank-boost.example", firstLine: "Get your shop to #1 on Google in 7 days — guaranteed!", spam: true, unread: true, createdAt: ago(20), updatedAt: ago(20) }),
    row("TKT-20261123-0004", { visitorName: "Hannah Keller", visitorEmail: "hannah.keller@example.de", firstLine: "test", deletedAt: ago(2900), createdAt: ago(3000), updatedAt: ago(2900) }),
  ];
  // "many": a long list, for the virtual list and paging
  if (scenario === "many") {
    const names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson", "Linus Berg", "Mia Chen", "Omar Haddad", "Sofia Rossi"];
    const lines = ["Where is my order?", "Can I change the delivery address?", "Do you have gift cards?", "The glaze chipped after one wash", "Invoice for my company, please", "Is the workshop on Saturday full?"];
    for (let i = 0; i < 1500; i++) {
      const n = names[i % names.length];
      tickets.push(row(`TKT-20261001-${String(i + 1).padStart(4, "0")}`, {
        visitorName: n, visitorEmail: `${n.split(" ")[0].toLowerCase()}${i}@example.org`, firstLine: lines[i % lines.length],
        status: ["open", "pending", "closed"][i % 3], priority: ["normal", "low", "high", "normal", "urgent"][i % 5],
        tags: i % 4 === 0 ? ["order"] : i % 7 === 0 ? ["workshop"] : [], site: i % 2 ? "Rossi Ceramics" : null, channel: i % 2 ? "web" : "email",
        unread: i < 30, createdAt: ago(5000 + i * 37), updatedAt: ago(4000 + i * 31),
      }));
    }
  }
  const blocked = [];
  const messages = {
    "TKT-20261125-0007": [
      { id: null, direction: "in", from: null, to: null, subject: null, text: "Hello! My order #4471 arrived today, but two of the six bowls have a cracked glaze on the rim (photos attached). The box itself looked fine. Could you send replacements, or should I return them first?\n\nThanks,\nHannah", body: "", html: null, state: null, at: ago(4), attachments: [{ id: 11, name: "bowl-crack-1.jpg", size: 482113, contentType: "image/jpeg" }, { id: 12, name: "bowl-crack-2.jpg", size: 512004, contentType: "image/jpeg" }] },
      { id: 31, direction: "out", from: "Maria Rossi <maria.rossi.ceramics@gmail.com>", to: "hannah.keller@example.de", subject: "Re: Cracked bowls [TKT-20261125-0007]", text: "Hi Hannah,\n\nI am so sorry — that should not happen. No need to return them: I will send two new bowls tomorrow morning and add a tracking link here.\n\nMaria", body: "", html: null, state: "sent", at: ago(3.5), attachments: [] },
      { id: 32, direction: "in", from: "Hannah Keller <hannah.keller@example.de>", to: "maria.rossi.ceramics+tkt-20261125-0007@gmail.com", subject: "Re: Cracked bowls [TKT-20261125-0007]", text: "That is wonderful, thank you! Could you ship them to my office instead? Keller & Partner, Hauptstraße 12, 10115 Berlin.", body: "That is wonderful, thank you! Could you ship them to my office instead? Keller & Partner, Hauptstraße 12, 10115 Berlin.\n\nOn Wed, 25 Nov 2026 at 14:02, Maria Rossi <maria.rossi.ceramics@gmail.com> wrote:\n> Hi Hannah,\n>\n> I am so sorry — that should not happen. No need to return them: I will send two new bowls tomorrow morning.\n>\n> Maria", html: "<p>That is wonderful, thank you! Could you ship them to my office instead? <b>Keller &amp; Partner</b>, Hauptstraße 12, 10115 Berlin.</p><p>The photos are in my album too: <a href=\"https://photo-share.example/a/8f2k\">rossi-ceramics.example/photos</a></p><div>On Wed, 25 Nov 2026 at 14:02, Maria Rossi wrote:</div><blockquote><p>Hi Hannah,</p><p>I am so sorry — that should not happen. No need to return them: I will send two new bowls tomorrow morning.</p><p>Maria</p></blockquote>", state: null, at: ago(3), attachments: [] },
      { id: 33, direction: "out", from: "Maria Rossi <maria.rossi.ceramics@gmail.com>", to: "hannah.keller@example.de", subject: "Re: Cracked bowls [TKT-20261125-0007]", text: "Of course — I will send them to your office.", body: "", html: null, state: "queued", at: ago(1), attachments: [] },
    ],
  };
  const detailFor = (id) => {
    const t = tickets.find((x) => x.ticketId === id);
    if (!t) throw { code: "not_found", message: `cannot find ticket ${id}` };
    if (t.mergedInto) return { ticket: t, visitorPhone: null, pageUrl: null, issue: t.firstLine, messages: [], history: [], failedMail: [] };
    const msgs = messages[id] || [{ id: null, direction: "in", from: null, to: null, subject: null, text: t.firstLine, body: "", html: null, state: null, at: t.createdAt, attachments: [] }];
    msgs.forEach((m) => { if (!m.body) m.body = m.text; });
    t.unread = false;
    return {
      ticket: t, visitorPhone: id.endsWith("0007") ? "+49 30 1234 5678" : null,
      pageUrl: t.channel === "web" ? "https://rossi-ceramics.example/shop/bowls/blue-glaze-set" : null,
      issue: msgs[0].text, messages: msgs,
      history: tickets.filter((x) => x.visitorEmail === t.visitorEmail && x.ticketId !== id && !x.mergedInto),
      failedMail: [],
    };
  };
  const configured = scenario !== "firstrun";
  let settings = {
    owner: configured ? { email: "maria.rossi.ceramics@gmail.com", name: "Maria Rossi", business: "Rossi Ceramics", timezone: "Europe/Berlin", signature: "Maria Rossi\nRossi Ceramics · Florence" } : { email: "", name: "", business: "", timezone: "", signature: "" },
    smtp: configured ? { preset: "gmail", host: "smtp.gmail.com", port: 587, security: "starttls", username: "maria.rossi.ceramics@gmail.com", hasPassword: true } : { preset: null, host: "", port: null, security: null, username: "", hasPassword: false },
    imap: configured ? { preset: "gmail", host: "imap.gmail.com", port: 993, security: "tls", username: "maria.rossi.ceramics@gmail.com", hasPassword: true } : { preset: null, host: "", port: null, security: null, username: "", hasPassword: false },
    intake: { listen: "127.0.0.1:7878", publicUrl: configured ? "https://support.rossi-ceramics.example" : "" },
    mail: { defaultSupportAddress: configured ? "maria.rossi.ceramics+support@gmail.com" : "", newTickets: "support", supportAddress: "", dailySendLimit: 400 },
    notifications: { enabled: true, paused: false },
    configured,
  };
  const sites = configured ? [{ id: 1, name: "Rossi Ceramics", botToken: "dbt_4f9a1c7e2b6d8a0c3e5f7a9b", origins: ["https://rossi-ceramics.example", "https://www.rossi-ceramics.example"], snippet: '<script src="https://support.rossi-ceramics.example/widget.js"\n        data-site="1" data-token="dbt_4f9a1c7e2b6d8a0c3e5f7a9b" async></script>', pointsAtThisComputer: false, createdAt: ago(20000) }] : [];
  let canned = [
    { id: 1, title: "Shipping times", body: "We ship within 2 working days from Berlin. Germany and Austria take 1–3 days, the rest of the EU 3–6 days." },
    { id: 2, title: "Returns", body: "You can return anything within 30 days. Just reply to this email and I will send you a prepaid label." },
    { id: 3, title: "Workshop booking", body: "Workshops run every Saturday from 10:00 to 13:00 and cost 65 € per person, clay and firing included." },
  ];
  const problems = scenario === "problems";
  const status = {
    intakeAddr: "127.0.0.1:7878", mailQueued: problems ? 2 : 0, mailFailed: problems ? 1 : 0,
    sync: problems ? { state: "error", message: "imap.gmail.com: authentication failed (wrong password or app password revoked)" } : { state: configured ? "ok" : "off", message: null },
    notificationsPaused: false, startAtLogin: true,
  };
  // As the core: Spam and Trash show only those; the other views never show spam, trashed or merged tickets.
  const listed = (t) => !t.spam && !t.deletedAt && !t.mergedInto;
  const inView = (t, status) => {
    if (t.mergedInto) return false;
    if (status === "trash") return !!t.deletedAt;
    if (status === "spam") return t.spam && !t.deletedAt;
    if (!listed(t)) return false;
    if (status === "all") return true;
    if (status === "snoozed") return snoozed(t);
    return t.status === status && !(status === "open" && snoozed(t));
  };
  const rank = { urgent: 0, high: 1, normal: 2, low: 3 };
  const sorts = {
    updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
    created: (a, b) => b.createdAt.localeCompare(a.createdAt),
    priority: (a, b) => rank[a.priority] - rank[b.priority] || b.updatedAt.localeCompare(a.updatedAt),
  };
  const failed = problems ? [{ id: 7, kind: "reply", to: "ben@carter.co.uk", ticketId: "TKT-20261118-0002", reason: "550 5.1.1 user unknown", bounced: true, queuedAt: ago(120) }] : [];
  const mailStatus = { queued: status.mailQueued, held: 0, sentLast24h: 14, dailyLimit: 400, automaticLeft: 286, repliesLeft: 386, nextSlotAt: null, failedTotal: failed.length, failed };
  const count = (s) => tickets.filter((t) => inView(t, s)).length;
  const find = (id) => {
    const t = tickets.find((x) => x.ticketId === id);
    if (!t) throw { code: "not_found", message: `cannot find ticket ${id}` };
    return t;
  };
  const at = (d) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  const morning = (days) => { const d = new Date(); d.setDate(d.getDate() + days); d.setHours(8, 0, 0, 0); return d; };
  const label = (d) => d.toLocaleString("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).replace(",", "");
  const callbacks = new Map();
  const listeners = {};
  let nextCb = 1;
  const commands = {
    list_tickets: ({ query }) => {
      if (query.limit > 500) throw { code: "invalid", message: "cannot list more than 500 tickets at a time" };
      const all = tickets
        .filter((t) => inView(t, query.status))
        .filter((t) => !query.search || JSON.stringify(t).toLowerCase().includes(query.search.toLowerCase()))
        .filter((t) => (!query.tag || t.tags.includes(query.tag)) && (!query.priority || t.priority === query.priority) && (!query.site || t.site === query.site))
        .sort(sorts[query.sort] || sorts.updated);
      return { tickets: all.slice(query.offset, query.offset + query.limit), total: all.length };
    },
    list_tags: () => [...new Set(tickets.filter(listed).flatMap((t) => t.tags))].sort(),
    counts: () => ({ open: count("open"), pending: count("pending"), closed: count("closed"), unread: tickets.filter((t) => t.unread && listed(t)).length, snoozed: count("snoozed"), spam: count("spam"), trash: count("trash") }),
    merge_ticket: ({ ticketId, into }) => {
      const src = find(ticketId), dst = find(into);
      if (src === dst) throw { code: "invalid", message: "cannot merge a ticket into itself" };
      if (src.mergedInto || dst.mergedInto) throw { code: "invalid", message: `cannot merge into or from a merged ticket` };
      const joined = detailFor(into).messages.concat(detailFor(ticketId).messages).sort((a, b) => a.at.localeCompare(b.at));
      messages[into] = joined;
      messages[ticketId] = [];
      src.mergedInto = into;
      dst.updatedAt = new Date().toISOString();
      return detailFor(into);
    },
    delete_ticket: ({ ticketId }) => Object.assign(find(ticketId), { deletedAt: new Date().toISOString() }),
    restore_ticket: ({ ticketId }) => Object.assign(find(ticketId), { deletedAt: null }),
    set_spam: ({ ticketId, spam }) => Object.assign(find(ticketId), { spam }),
    block_sender: ({ address }) => {
      const a = address.trim().toLowerCase();
      if (!/^[^@\s]*@[^@\s]+\.[^@\s]+$/.test(a)) throw { code: "invalid", message: `cannot block "${address}": not an address or @domain` };
      if (!blocked.some((b) => b.address === a)) blocked.push({ address: a, createdAt: new Date().toISOString() });
      return blocked;
    },
    unblock_sender: ({ address }) => { const i = blocked.findIndex((b) => b.address === address.trim().toLowerCase()); if (i >= 0) blocked.splice(i, 1); return blocked; },
    list_blocked: () => blocked,
    get_ticket: ({ ticketId }) => detailFor(ticketId),
    send_reply: ({ ticketId, text }) => {
      (messages[ticketId] = messages[ticketId] || detailFor(ticketId).messages).push({ id: Date.now(), direction: "out", from: "Maria Rossi", to: "", subject: null, text, body: text, html: null, state: "queued", at: new Date().toISOString(), attachments: [] });
      return detailFor(ticketId);
    },
    add_note: ({ ticketId, text }) => {
      (messages[ticketId] = messages[ticketId] || detailFor(ticketId).messages).push({ id: Date.now(), direction: "note", from: "maria.rossi.ceramics@gmail.com", to: null, subject: null, text: text.trim(), body: text.trim(), html: null, state: null, at: new Date().toISOString(), attachments: [] });
      return detailFor(ticketId);
    },
    set_status: ({ ticketId, status }) => Object.assign(tickets.find((t) => t.ticketId === ticketId), { status }),
    set_priority: ({ ticketId, priority }) => Object.assign(tickets.find((t) => t.ticketId === ticketId), { priority }),
    snooze_ticket: ({ ticketId, until }) => Object.assign(tickets.find((t) => t.ticketId === ticketId), { status: "open", snoozedUntil: until }),
    unsnooze_ticket: ({ ticketId }) => Object.assign(tickets.find((t) => t.ticketId === ticketId), { snoozedUntil: null }),
    snooze_choices: () => {
      const later = new Date(Math.ceil((Date.now() + 3 * 3600000) / 3600000) * 3600000);
      const monday = morning(((8 - new Date().getDay()) % 7) || 7);
      const picks = later.getDate() === new Date().getDate() && later.getHours() <= 21 && later.getHours() > 0
        ? [{ key: "later_today", label: "Later today", at: label(later), until: at(later) }] : [];
      return picks.concat(
        { key: "tomorrow", label: "Tomorrow morning", at: label(morning(1)), until: at(morning(1)) },
        { key: "next_week", label: "Next week", at: label(monday), until: at(monday) },
      );
    },
    set_tags: ({ ticketId, tags }) => Object.assign(tickets.find((t) => t.ticketId === ticketId), { tags }),
    save_attachment: ({ id }) => `/home/maria/Downloads/attachment-${id}.jpg`,
    canned_replies: () => canned,
    save_canned_reply: ({ id, title, body }) => { const r = { id: id ?? canned.length + 1, title, body }; canned = canned.filter((c) => c.id !== r.id).concat(r); return r; },
    delete_canned_reply: ({ id }) => { canned = canned.filter((c) => c.id !== id); return null; },
    // A rough mirror of the core's domain::canned::fill, for the fake only.
    fill_canned_reply: ({ id, ticketId }) => {
      const r = canned.find((c) => c.id === id);
      if (!r) throw { code: "not_found", message: `canned reply ${id} not found` };
      const t = tickets.find((x) => x.ticketId === ticketId);
      const name = (t?.visitorName ?? "").includes("@") ? "" : (t?.visitorName ?? "").trim();
      const fields = { visitor_name: name || "there", visitor_first_name: name.split(/\s+/)[0] || "there", ticket_id: ticketId, business: settings.owner.business || settings.owner.name };
      return r.body.replace(/\{\{|\}\}|\{(\w+)\}/g, (m, f) => (m === "{{" ? "{" : m === "}}" ? "}" : fields[f] || m));
    },
    get_settings: () => settings,
    save_settings: ({ settings: s }) => {
      const acc = (a) => ({ preset: a.preset, host: a.host, port: a.port, security: a.security, username: a.username, hasPassword: a.password !== null || settings.smtp.hasPassword });
      settings = { owner: s.owner, smtp: acc(s.smtp), imap: acc(s.imap), intake: s.intake, mail: s.mail ? { ...settings.mail, ...s.mail } : settings.mail, notifications: s.notifications, configured: true };
      return settings;
    },
    test_connection: ({ kind, account }) => account.password === "wrong"
      ? { ok: false, problem: "wrong_password", message: `${kind === "smtp" ? "smtp" : "imap"}.gmail.com refused the login: 535-5.7.8 Username and Password not accepted`, hint: "Use a Gmail app password, not your Google password. Create one at myaccount.google.com/apppasswords." }
      : { ok: true, problem: "ok", message: `Logged in to ${account.host || kind + ".gmail.com"} as ${account.username}`, hint: null },
    check_public_url: ({ url }) => {
      const u = url ?? "https://support.rossi-ceramics.example";
      return /127\.0\.0\.1|localhost/.test(u)
        ? { ok: true, verdict: "this_computer", message: `${u} reaches this Deskbell, but only from this computer: visitors' browsers cannot reach it. Set intake.public_url to your tunnel's https address`, url: u }
        : { ok: true, verdict: "ok", message: `${u} reaches this Deskbell (84 ms)`, url: u };
    },
    list_sites: () => sites,
    add_site: ({ name, origins }) => { const s = { id: sites.length + 1, name, botToken: "dbt_" + Math.random().toString(16).slice(2, 26), origins, snippet: `<script src="http://127.0.0.1:7878/widget.js"\n        data-site="${sites.length + 1}" data-token="dbt_…" async></script>`, pointsAtThisComputer: true, createdAt: new Date().toISOString() }; sites.push(s); return s; },
    edit_site: ({ name, rename, origins }) => {
      const s = sites.find((x) => x.name === name);
      if (!s) throw { code: "not_found", message: `there is no site named "${name}"` };
      if (rename && sites.some((x) => x !== s && x.name === rename)) throw { code: "conflict", message: `a site named "${rename}" already exists` };
      if (rename) s.name = rename;
      if (origins) s.origins = origins;
      return s;
    },
    rotate_site_token: ({ name }) => {
      const s = sites.find((x) => x.name === name);
      if (!s) throw { code: "not_found", message: `there is no site named "${name}"` };
      s.botToken = "dbt_" + Math.random().toString(16).slice(2, 26);
      return s;
    },
    remove_site: ({ name }) => {
      const i = sites.findIndex((x) => x.name === name);
      if (i < 0) throw { code: "not_found", message: `there is no site named "${name}"` };
      sites.splice(i, 1);
    },
    save_widget: ({ site }) => {
      const s = sites.find((x) => x.name === site);
      if (!s) throw { code: "not_found", message: `there is no site named "${site}"` };
      const slug = site.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
      return { folder: `/home/maria/Downloads/deskbell-widget-${slug}`, snippet: `<script src="/widget.js" data-endpoint="https://support.rossi-ceramics.example" data-bot-token="${s.botToken}" data-support-email="maria.rossi.ceramics+support@gmail.com" async></script>` };
    },
    app_status: () => status,
    mail_status: () => mailStatus,
    resend_mail: ({ id }) => { mailStatus.failed = mailStatus.failed.filter((m) => m.id !== id); mailStatus.failedTotal = mailStatus.failed.length; mailStatus.queued += 1; return mailStatus; },
    resend_failed: () => { mailStatus.queued += mailStatus.failed.length; mailStatus.failed = []; mailStatus.failedTotal = 0; return mailStatus; },
    tunnel_status: () => ({ state: "running", pid: 4242, since: ago(90) }),
    set_notifications_paused: ({ paused }) => { status.notificationsPaused = paused; return null; },
    set_start_at_login: ({ enabled }) => { status.startAtLogin = enabled; return null; },
    // As the shell: only http(s), mailto and tel links open (in the browser; here, nowhere).
    open_link: ({ url }) => {
      if (!/^(https?:\/\/[^\s/]+|mailto:\S+|tel:\S+)/i.test(url || "")) throw { code: "invalid_link", message: "cannot open this link: it is not a valid address" };
      (window.__PREVIEW_OPENED__ = window.__PREVIEW_OPENED__ || []).push(url);
      return null;
    },
    "plugin:event|listen": ({ event, handler }) => { (listeners[event] = listeners[event] || []).push(handler); return handler; },
    "plugin:event|unlisten": () => null,
  };
  window.__TAURI_INTERNALS__ = {
    invoke: (cmd, args) => new Promise((resolve, reject) => {
      const f = commands[cmd];
      if (!f) return reject({ code: "unknown_command", message: `no such command: ${cmd}` });
      setTimeout(() => { try { resolve(JSON.parse(JSON.stringify(f(args || {}) ?? null))); } catch (e) { reject(e); } }, 20);
    }),
    transformCallback: (cb) => { const id = nextCb++; callbacks.set(id, cb); return id; },
    unregisterCallback: (id) => callbacks.delete(id),
    convertFileSrc: (p) => p,
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
  /** For the preview script: a visitor reply arrives while the thread is open. */
  window.__PREVIEW_EMIT__ = (event, payload) => (listeners[event] || []).forEach((id) => callbacks.get(id)?.({ event, id: 0, payload }));
  window.__PREVIEW_VISITOR_REPLY__ = (ticketId, text) => {
    messages[ticketId].push({ id: Date.now(), direction: "in", from: "Hannah Keller <hannah.keller@example.de>", to: null, subject: null, text, body: text, html: null, state: null, at: new Date().toISOString(), attachments: [] });
    const t = tickets.find((x) => x.ticketId === ticketId); t.updatedAt = new Date().toISOString(); t.firstLine = text;
    window.__PREVIEW_EMIT__("deskbell:event", { kind: "reply_received", ticket_id: ticketId, from: "hannah.keller@example.de", first_line: text });
  };
})();
