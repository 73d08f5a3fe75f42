// The window: loads settings and status, shows first-run set-up or the three panes, owns the
// inbox state (filter, search, list, cursor, open ticket), keys, and live refresh on events.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { AppStatus, CannedReply, Counts, MailStatus, Priority, Settings, Status, TicketDetail, TicketRow, TunnelState } from "./bindings";
import { api, toApiError, type ApiError } from "./api";
import { EnvContext, type Env } from "./context";
import { refreshFor, refresher, type Refresh } from "./lib/events";
import { keepCursor } from "./lib/keys";
import { useInboxKeys } from "./lib/inboxKeys";
import { isSnoozed, wakeTime } from "./lib/time";
import { CannedManager } from "./components/CannedManager";
import type { ComposeMode } from "./components/Composer";
import { EmptyInbox } from "./components/EmptyInbox";
import { FirstRun } from "./components/FirstRun";
import { HelpSheet } from "./components/HelpSheet";
import { FailedMailSheet } from "./components/MailPanel";
import { SettingsView } from "./components/SettingsView";
import { Sheet } from "./components/Sheet";
import { Sidebar, type Filter } from "./components/Sidebar";
import { TicketList } from "./components/TicketList";
import { ThreadView } from "./components/ThreadView";
import { ErrorBanner, Toasts, type Toast } from "./components/Toasts";

/** The ticket the shell asked for in the URL (index.html?ticket=TKT-…). */
export function ticketFromUrl(search: string): string | null {
  const id = new URLSearchParams(search).get("ticket");
  return id && /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : null;
}

/** Whether `row` still belongs in the list under `filter` (else the list reloads). */
export function rowFits(row: TicketRow, filter: Filter, now: Date): boolean {
  const snoozed = isSnoozed(row.snoozedUntil, now);
  if (filter === "all") return true;
  if (filter === "snoozed") return snoozed;
  return row.status === filter && !(filter === "open" && snoozed);
}

export function App() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [bootError, setBootError] = useState<ApiError | null>(null);
  const [setupDismissed, setSetupDismissed] = useState(false);
  const [status, setStatus] = useState<AppStatus | null>(null);
  const [tunnel, setTunnel] = useState<TunnelState | null>(null);
  const [mail, setMail] = useState<MailStatus | null>(null);
  const [failedSheet, setFailedSheet] = useState(false);
  const [resending, setResending] = useState(false);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [filter, setFilter] = useState<Filter>("open");
  const [search, setSearch] = useState("");
  const [rows, setRows] = useState<TicketRow[] | null>(null);
  const [listError, setListError] = useState<ApiError | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [detail, setDetail] = useState<TicketDetail | null>(null);
  const [detailLoading, setDetailLoading] = useState(false);
  const [detailError, setDetailError] = useState<ApiError | null>(null);
  const [composeMode, setComposeMode] = useState<ComposeMode>("reply");
  // Another ticket opens in reply mode (its note draft, if any, waits behind n).
  useEffect(() => setComposeMode("reply"), [openId]);
  const [view, setView] = useState<"inbox" | "settings">("inbox");
  const [settingsSection, setSettingsSection] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [cannedSheet, setCannedSheet] = useState(false);
  const [snoozeOpen, setSnoozeOpen] = useState(false);
  useEffect(() => setSnoozeOpen(false), [openId]);
  const [canned, setCanned] = useState<CannedReply[] | null>(null);
  const [errorMsg, setErrorMsg] = useState<string | null>(null);
  const [toasts, setToasts] = useState<Toast[]>([]);

  const searchRef = useRef<HTMLInputElement>(null);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  // Latest values for callbacks registered once (events, keys).
  const live = useRef({ filter, search, rows, cursor, openId, detail, view, help, cannedSheet, failedSheet, snoozeOpen });
  live.current = { filter, search, rows, cursor, openId, detail, view, help, cannedSheet, failedSheet, snoozeOpen };
  const listSeq = useRef(0);
  const detailSeq = useRef(0);

  const notify = useCallback((message: string, kind: "info" | "error" = "info") => {
    if (kind === "error") {
      setErrorMsg(message);
      return;
    }
    const id = Date.now() + Math.random();
    setToasts((t) => [...t, { id, message }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 3500);
  }, []);
  const fail = useCallback((e: unknown) => notify(toApiError(e).message, "error"), [notify]);

  const loadList = useCallback(async (f: Filter, q: string) => {
    const seq = ++listSeq.current;
    try {
      const next = await api.listTickets({ status: f, search: q });
      if (seq !== listSeq.current) return; // a newer query answered first
      setListError(null);
      const before = (live.current.rows ?? []).map((r) => r.ticketId);
      setCursor(keepCursor(before, next.map((r) => r.ticketId), live.current.cursor) ?? live.current.openId ?? null);
      setRows(next);
    } catch (e) {
      if (seq === listSeq.current) setListError(toApiError(e));
    }
  }, []);
  const loadCounts = useCallback(() => api.counts().then(setCounts, () => {}), []);
  const loadStatus = useCallback(() => {
    api.appStatus().then(setStatus, () => {});
    api.mailStatus().then(setMail, () => {});
    api.tunnelStatus().then(setTunnel, () => {});
  }, []);
  const loadDetail = useCallback(async (id: string, quiet = false) => {
    const seq = ++detailSeq.current;
    if (!quiet) {
      setDetailLoading(true);
      setDetailError(null);
    }
    try {
      const d = await api.getTicket(id);
      if (seq !== detailSeq.current) return;
      setDetail(d);
      setDetailError(null);
      // get_ticket marked it read
      setRows((rs) => rs && rs.map((r) => (r.ticketId === id ? { ...r, unread: false } : r)));
    } catch (e) {
      if (seq !== detailSeq.current) return;
      if (quiet) fail(e);
      else {
        setDetail(null);
        setDetailError(toApiError(e));
      }
    } finally {
      if (seq === detailSeq.current) setDetailLoading(false);
    }
  }, [fail]);

  const openTicket = useCallback(
    (id: string) => {
      setView("inbox");
      setOpenId(id);
      setCursor(id);
      if (live.current.detail?.ticket.ticketId !== id) setDetail(null);
      loadDetail(id).then(() => loadCounts());
    },
    [loadDetail, loadCounts],
  );

  // Start: settings decide between first run and the inbox.
  useEffect(() => {
    api.getSettings().then(setSettings, (e) => setBootError(toApiError(e)));
    loadStatus();
    const t = setInterval(loadStatus, 30_000);
    return () => clearInterval(t);
  }, []);
  const inInbox = settings !== null && (settings.configured || setupDismissed);
  useEffect(() => {
    if (!inInbox) return;
    loadCounts();
    const fromUrl = ticketFromUrl(location.search);
    if (fromUrl) openTicket(fromUrl);
  }, [inInbox]);
  useEffect(() => {
    if (inInbox) loadList(filter, search);
  }, [inInbox, filter, search]);

  // Live refresh from the shell's events, merged so a burst costs one round of calls.
  useEffect(() => {
    const r = refresher((x: Refresh) => {
      const c = live.current;
      if (x.list) loadList(c.filter, c.search);
      if (x.counts) loadCounts();
      if (x.thread && c.openId) loadDetail(c.openId, true);
      if (x.status) loadStatus();
    });
    const offs: (() => void)[] = [];
    let gone = false;
    const keep = (p: Promise<() => void>) =>
      p.then(
        (off) => (gone ? off() : offs.push(off)),
        () => {}, // no shell (unit tests, plain browser): nothing to listen to
      );
    keep(api.onEvent((e) => r.push(refreshFor(e, live.current.openId))));
    keep(api.onOpenTicket((id) => openTicket(id)));
    return () => {
      gone = true;
      r.cancel();
      offs.forEach((off) => off());
    };
  }, []);

  const applyRow = useCallback(
    (row: TicketRow) => {
      setDetail((d) => (d && d.ticket.ticketId === row.ticketId ? { ...d, ticket: row } : d));
      setRows((rs) => rs && rs.map((r) => (r.ticketId === row.ticketId ? row : r)));
      loadCounts();
      const c = live.current;
      if (!rowFits(row, c.filter, new Date())) loadList(c.filter, c.search);
    },
    [loadCounts, loadList],
  );
  const snoozeTicket = (id: string, until: string) =>
    api.snoozeTicket(id, until).then((row) => {
      setSnoozeOpen(false);
      applyRow(row);
      notify(`Snoozed until ${wakeTime(until, new Date(), settings?.owner.timezone)}`);
    }, fail);
  const unsnoozeTicket = (id: string) =>
    api.unsnoozeTicket(id).then((row) => {
      setSnoozeOpen(false);
      applyRow(row);
      notify(`${id} is back in Open`);
    }, fail);
  const setTicketStatus = (id: string, s: Status) => api.setStatus(id, s).then(applyRow, fail);
  const setTicketPriority = (id: string, p: Priority) => api.setPriority(id, p).then(applyRow, fail);
  const setTicketTags = (id: string, t: string[]) => api.setTags(id, t).then(applyRow, fail);
  const loadCanned = useCallback(() => {
    api.cannedReplies().then(setCanned, (e) => {
      setCanned([]);
      fail(e);
    });
  }, [fail]);
  // Failed mail: send again, then show the answer at once and reload what it changes.
  const resend = (which: number | "all") => {
    setResending(true);
    (which === "all" ? api.resendFailed() : api.resendMail(which))
      .then((m) => {
        setMail(m);
        api.appStatus().then(setStatus, () => {});
        const id = live.current.openId;
        if (id) loadDetail(id, true);
        notify(which === "all" ? "Sending the failed mail again" : "Sending it again");
      }, fail)
      .finally(() => setResending(false));
  };
  const togglePause = () => {
    const paused = !(status?.notificationsPaused ?? false);
    api.setNotificationsPaused(paused).then(() => {
      setStatus((s) => s && { ...s, notificationsPaused: paused });
      notify(paused ? "Notifications paused" : "Notifications on");
    }, fail);
  };

  // Keys (lib/inboxKeys.ts): the handler reads the live state, so it is installed once.
  useInboxKeys(live, {
    setHelp,
    setSnoozeOpen,
    setFailedSheet,
    setCannedSheet,
    closeSettings: () => setView("inbox"),
    setCursor,
    openTicket,
    compose: (mode) => {
      setComposeMode(mode);
      replyRef.current?.focus();
    },
    closeTicket: (id) => setTicketStatus(id, "closed").then(() => notify(`${id} closed`)),
    focusSearch: () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    },
  });

  const env: Env = useMemo(() => ({ timezone: settings?.owner.timezone ?? null, notify }), [settings?.owner.timezone, notify]);

  let body;
  if (bootError) {
    body = (
      <div class="boot state" role="alert" data-testid="boot-error">
        <p class="state-title">Deskbell could not start its window.</p>
        <p class="muted">{bootError.message}</p>
        <button class="btn" onClick={() => location.reload()}>
          Try again
        </button>
      </div>
    );
  } else if (!settings) {
    body = (
      <main class="boot state" aria-busy="true" data-testid="loading">
        <div class="spinner" aria-label="Loading" />
      </main>
    );
  } else if (!inInbox) {
    body = (
      <FirstRun
        settings={settings}
        onSaved={setSettings}
        onDone={() => {
          setSetupDismissed(true);
          api.getSettings().then(setSettings, () => {});
        }}
        onAdvanced={() => {
          setSetupDismissed(true);
          setView("settings");
        }}
      />
    );
  } else {
    body = (
      <div class="app">
        <Sidebar
          filter={filter}
          settingsOpen={view === "settings"}
          counts={counts}
          status={status}
          mail={mail}
          tunnel={tunnel}
          onOpenFailed={() => setFailedSheet(true)}
          business={settings.owner.business}
          onFilter={(f) => {
            setView("inbox");
            setFilter(f);
          }}
          onSettings={() => {
            setSettingsSection(null);
            setView("settings");
          }}
          onHelp={() => setHelp(true)}
          onTogglePause={togglePause}
        />
        {view === "settings" ? (
          <SettingsView
            settings={settings}
            status={status}
            canned={canned}
            onCanned={setCanned}
            onLoadCanned={loadCanned}
            onSaved={(s) => {
              setSettings(s);
              loadStatus();
            }}
            onClose={() => setView("inbox")}
            onStatusChanged={loadStatus}
            section={settingsSection}
          />
        ) : (
          <>
            <TicketList
              filter={filter}
              search={search}
              rows={rows}
              error={listError}
              cursor={cursor}
              openId={openId}
              status={status}
              searchRef={searchRef}
              onSearch={setSearch}
              onOpen={openTicket}
              onRetry={() => loadList(filter, search)}
              onSettings={() => setView("settings")}
              empty={
                <EmptyInbox
                  filter={filter}
                  counts={counts}
                  onSettings={() => {
                    setSettingsSection("sites");
                    setView("settings");
                  }}
                />
              }
            />
            <ThreadView
              detail={detail}
              loading={detailLoading}
              listEmpty={rows !== null && rows.length === 0 && !search}
              error={detailError}
              ownerName={settings.owner.name}
              replyRef={replyRef}
              canned={canned}
              onLoadCanned={loadCanned}
              onManageCanned={() => setCannedSheet(true)}
              onStatus={(s) => detail && setTicketStatus(detail.ticket.ticketId, s)}
              onPriority={(p) => detail && setTicketPriority(detail.ticket.ticketId, p)}
              onTags={(t) => detail && setTicketTags(detail.ticket.ticketId, t)}
              onSent={(d) => {
                setDetail(d);
                applyRow(d.ticket);
                loadStatus();
                notify("Reply sent");
              }}
              composeMode={composeMode}
              onComposeMode={setComposeMode}
              onNoted={(d) => {
                setDetail(d);
                applyRow(d.ticket);
                notify("Note added (not sent)");
              }}
              onOpen={openTicket}
              onRetry={() => openId && loadDetail(openId)}
              onResend={(id) => resend(id)}
              onShowFailed={() => setFailedSheet(true)}
              resending={resending}
              snoozeOpen={snoozeOpen}
              onSnoozeOpen={setSnoozeOpen}
              onSnooze={(until) => detail && snoozeTicket(detail.ticket.ticketId, until)}
              onUnsnooze={() => detail && unsnoozeTicket(detail.ticket.ticketId)}
            />
          </>
        )}
      </div>
    );
  }

  return (
    <EnvContext.Provider value={env}>
      <ErrorBanner message={errorMsg} onDismiss={() => setErrorMsg(null)} />
      {body}
      {help && <HelpSheet onClose={() => setHelp(false)} />}
      {failedSheet && mail && (
        <FailedMailSheet
          mail={mail}
          busy={resending}
          onClose={() => setFailedSheet(false)}
          onResend={(id) => resend(id)}
          onResendAll={() => resend("all")}
          onOpenTicket={(id) => {
            setFailedSheet(false);
            openTicket(id);
          }}
        />
      )}
      {cannedSheet && (
        <Sheet title="Canned replies" onClose={() => setCannedSheet(false)} wide>
          {canned === null ? <p class="muted">Loading…</p> : <CannedManager replies={canned} onChange={setCanned} />}
        </Sheet>
      )}
      <Toasts toasts={toasts} />
    </EnvContext.Provider>
  );
}
