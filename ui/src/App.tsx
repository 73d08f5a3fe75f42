// The window: loads settings and status, shows first-run set-up or the three panes, owns the
// inbox state (view, search, filters, cursor, open ticket), keys, and live refresh on events.
// The list's paging lives in lib/useTicketList.ts, the triage actions in lib/useTriage.ts.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { AppStatus, CannedReply, Counts, MailStatus, Priority, Settings, Status, TicketDetail, TicketRow, TunnelState } from "./bindings";
import { api, toApiError, type ApiError } from "./api";
import { EnvContext, type Env } from "./context";
import { refreshFor, refresher, type Refresh } from "./lib/events";
import { useInboxKeys } from "./lib/inboxKeys";
import { NO_FILTERS, rowFits, type ListFilters } from "./lib/listQuery";
import { findRow } from "./lib/ticketPages";
import { useTicketList } from "./lib/useTicketList";
import { useTriage } from "./lib/useTriage";
import { useLinks } from "./lib/useLinks";
import { wakeTime } from "./lib/time";
import { BootState } from "./components/BootState";
import { CannedManager } from "./components/CannedManager";
import type { ComposeMode } from "./components/Composer";
import { EmptyInbox } from "./components/EmptyInbox";
import { FirstRun } from "./components/FirstRun";
import { HelpSheet } from "./components/HelpSheet";
import { LinkSheet } from "./components/LinkSheet";
import { FailedMailSheet } from "./components/MailPanel";
import { TriageSheets } from "./components/TriageSheets";
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

export { rowFits };

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
  const [filters, setFilters] = useState<ListFilters>(NO_FILTERS);
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
  const live = useRef({ filter, filters, cursor, openId, detail, view, help, cannedSheet, failedSheet, snoozeOpen, triageSheet: false, linkSheet: false });
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
  const links = useLinks(fail);

  const inInbox = settings !== null && (settings.configured || setupDismissed);
  const list = useTicketList({ enabled: inInbox, status: filter, search, filters, setCursor, onError: (e) => notify(e.message, "error"),
    cursor: () => live.current.cursor, fallback: () => live.current.openId });
  const listRef = useRef(list);
  listRef.current = list;
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
      listRef.current.markRead(id); // get_ticket marked it read
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
  useEffect(() => {
    if (!inInbox) return;
    loadCounts();
    const fromUrl = ticketFromUrl(location.search);
    if (fromUrl) openTicket(fromUrl);
  }, [inInbox]);

  // Live refresh from the shell's events, merged so a burst costs one round of calls.
  useEffect(() => {
    const r = refresher((x: Refresh) => {
      const c = live.current;
      if (x.list) listRef.current.reload();
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
      listRef.current.patch(row);
      loadCounts();
      const c = live.current;
      // (sorted by priority, a changed row may also have moved)
      if (!rowFits(row, c.filter, new Date(), c.filters) || c.filters.sort === "priority") listRef.current.reload();
    },
    [loadCounts],
  );
  const triage = useTriage({
    applyRow,
    notify,
    fail,
    onMerged: (target) => {
      setOpenId(target.ticket.ticketId);
      setCursor(target.ticket.ticketId);
      setDetail(target);
      listRef.current.reload();
      loadCounts();
    },
  });
  live.current = { filter, filters, cursor, openId, detail, view, help, cannedSheet, failedSheet, snoozeOpen, triageSheet: triage.sheet !== null, linkSheet: links.pending !== null };
  /** The row a key or button acts on: the open ticket's, else the listed one. */
  const rowFor = (id: string): TicketRow | undefined =>
    detail?.ticket.ticketId === id ? detail.ticket : list.pages ? findRow(list.pages, id) : undefined;
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
    move: (delta) => listRef.current.move(delta),
    closeTriageSheet: triage.close,
    closeLinkSheet: links.cancel,
    triage: (key, id) => {
      const row = rowFor(id);
      if (row) triage.run(key, row);
    },
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
    focusFilters: () => document.querySelector<HTMLElement>('[data-testid="filter-tag"]')?.focus(),
  });

  const env: Env = useMemo(
    () => ({ timezone: settings?.owner.timezone ?? null, notify, openLink: links.open }),
    [settings?.owner.timezone, notify, links.open],
  );

  let body;
  if (bootError || !settings) {
    body = <BootState error={bootError} />;
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
        <main class="main">
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
                filters={filters}
                onFilters={setFilters}
                pages={list.pages}
                error={list.error}
                cursor={cursor}
                openId={openId}
                status={status}
                searchRef={searchRef}
                onSearch={setSearch}
                onOpen={openTicket}
                onRange={list.showRange}
                onRetry={() => list.reload()}
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
                listEmpty={list.pages !== null && list.pages.total === 0 && !search}
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
                onTriage={(key) => detail && triage.run(key, detail.ticket)}
              />
            </>
          )}
        </main>
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
      {links.pending && <LinkSheet link={links.pending} onOpen={links.confirm} onClose={links.cancel} />}
      <TriageSheets sheet={triage.sheet} onClose={triage.close} onMerged={triage.merged} onBlock={(a) => triage.block(triage.sheet!.ticket, a)} />
      <Toasts toasts={toasts} />
    </EnvContext.Provider>
  );
}
